//! Filter values that no request has: a typo (`-r configmapz`, `-n Payments`, `-u EVE`) must not
//! read as "nobody did it". [`Vocab`] notes, over the requests of a scan, which values of the
//! value flags (user, group, resource, namespace, name, field manager, cluster, auditID) some
//! request has, and keeps the values the input does have (a bounded number per flag) to suggest
//! the near ones. The scan feeds it as it reads (`scan::Scanner`): every request it parses, and,
//! of the lines its prefilter skips unparsed, those that could hold a value not seen yet
//! ([`Vocab::may_hold`], so that "no request has" is exact) and a fixed sample of the others
//! ([`sampled`], to suggest from). So the notes are the same for a file, a pipe or gzip, and for
//! any thread count and chunk size.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{Filter, Glob, Needle, ResourceSel};
use crate::correlate::Request;

/// Values kept per flag to suggest from; past this, the rest are only checked against.
pub const MAX_VALUES: usize = 20_000;
/// Longest value kept to suggest (nobody types a name longer by hand): with [`MAX_VALUES`],
/// what a flag keeps is bounded in bytes too, whatever the log's writers send.
const MAX_VALUE_BYTES: usize = 256;
/// The most values checked: each is looked for in every line the prefilter skips, so a filter
/// of thousands of values (a script's) is not checked, rather than made slow.
pub const MAX_ASKED: usize = 64;
/// Suggestions shown per value.
const SUGGESTED: usize = 3;
/// One request in this many, chosen by its auditID, has its skipped lines read to suggest from.
const SAMPLE: u64 = 64;

/// The value flags of a filter, whether some request has each value, and the values seen.
#[derive(Debug, Clone)]
pub struct Vocab {
    flags: Vec<Flag>,
}

#[derive(Debug, Clone)]
struct Flag {
    field: Field,
    asked: Vec<Ask>,
    /// Values the requests have, to suggest from (at most [`MAX_VALUES`]).
    values: BTreeSet<String>,
}

/// One value given.
#[derive(Debug, Clone)]
struct Ask {
    how: Asked,
    /// Some request this part was given has it.
    seen: bool,
    /// Some request has it, as far as any part knows yet (shared by the parts of one scan):
    /// work for it stops everywhere. Only a value no part sees is named, and for that one every
    /// part does the same work, so the notes do not depend on which part saw what first.
    known: Arc<AtomicBool>,
    /// What a line holding it contains; `None`: any line may.
    needle: Option<Arc<Needle>>,
    /// The values the requests have that are this one but for ASCII case (`eve` for `EVE`),
    /// and those that end with it in any case (`...:build:ci-bot` for `ci-bot`): a line with
    /// one is always read (see [`Needle`]), so they are all found, whichever lines the sample
    /// reads; at most [`SUGGESTED`] of each.
    cased: BTreeSet<String>,
    ending: BTreeSet<String>,
    /// The nearest values ([`near`], at most [`SUGGESTED`]) of the requests of the skipped
    /// lines read because their bytes are near this value's (see [`Asked::near_needles`]).
    near: BTreeSet<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    User,
    Group,
    Resource,
    Namespace,
    Name,
    Manager,
    Cluster,
    AuditId,
}

impl Field {
    /// What a message calls it.
    fn noun(self) -> &'static str {
        match self {
            Field::User => "user",
            Field::Group => "group",
            Field::Resource => "resource",
            Field::Namespace => "namespace",
            Field::Name => "name",
            Field::Manager => "field manager",
            Field::Cluster => "cluster",
            Field::AuditId => "auditID",
        }
    }

    /// Keep the request's values of this field among `values` ([`keep`]).
    fn keep_values(self, r: &Request<'_>, values: &mut BTreeSet<String>) {
        if self == Field::Manager {
            let m = r.field_manager();
            if !m.is_empty() {
                keep(values, &m);
            }
            return;
        }
        for v in self.values(r) {
            keep(values, v);
        }
    }

    /// The request's values of this field (but the field manager's, read from its URI).
    fn values<'r>(self, r: &'r Request<'_>) -> Vec<&'r str> {
        let v: Vec<&str> = match self {
            Field::User => vec![&r.user, &r.impersonated_user],
            Field::Group => r
                .groups
                .iter()
                .chain(&r.impersonated_groups)
                .map(|g| &**g)
                .collect(),
            Field::Resource => vec![&r.resource],
            Field::Namespace => vec![&r.namespace],
            Field::Name => vec![&r.name],
            Field::Manager => Vec::new(),
            Field::Cluster => vec![&r.cluster],
            Field::AuditId => vec![&r.audit_id],
        };
        v.into_iter().filter(|s| !s.is_empty()).collect()
    }
}

/// One value given: how it matches, and how it was typed.
#[derive(Debug, Clone)]
enum Asked {
    Glob(Glob, String),
    /// Exact text (namespace, auditID), compared as is.
    Text(String),
    /// A `--resource` entry and its text.
    Resource(Box<ResourceSel>, String),
    /// A `--cluster` glob, compared with the lower-cased name.
    Cluster(Glob, String),
}

impl Asked {
    fn text(&self) -> &str {
        match self {
            Asked::Glob(_, t) | Asked::Text(t) | Asked::Resource(_, t) | Asked::Cluster(_, t) => t,
        }
    }

    /// A plain value (no glob), which near values can be suggested for.
    fn plain(&self) -> bool {
        !self.text().contains(['*', '?'])
    }

    /// What a line holding the value contains, as JSON writes it (see [`Needle`]); `None` when
    /// that is not known (a field manager is read from a URI's query, percent-encoded; a
    /// cluster comes from the input's name, not its lines).
    fn needle(&self, field: Field) -> Option<Needle> {
        let text = match (field, self) {
            (Field::Manager, _) | (_, Asked::Cluster(..)) => return None,
            (_, Asked::Glob(g, _)) => glob_needle(g)?,
            (_, Asked::Text(t)) => json(t),
            (_, Asked::Resource(sel, _)) => glob_needle(&Glob::new(&sel.resource))?,
        };
        Some(Needle::new(&text, &self.near_needles(), self.text()))
    }

    /// What a line holding a value near this one contains, in some ASCII case, as JSON writes
    /// it: the value's end (`ci-bot"`: the same value in another case, or a longer one ending
    /// with it); and for a value of 8 characters or more, its first half after the opening
    /// quote and its second half before the closing one (a value one edit away keeps one of
    /// them whole). None for a glob.
    fn near_needles(&self) -> Vec<String> {
        // (a value longer than any kept to suggest has nothing near it)
        if !self.plain() || self.text().len() > MAX_VALUE_BYTES {
            return Vec::new();
        }
        let text = self.text();
        let unquoted = |s: &str| {
            let q = json(s);
            q[1..q.len() - 1].to_string()
        };
        let mut n = vec![format!("{}\"", unquoted(text))];
        let chars = text.chars().count();
        if chars >= 8 {
            let mid = text
                .char_indices()
                .nth(chars / 2)
                .map_or(text.len(), |(i, _)| i);
            n.push(format!("\"{}", unquoted(&text[..mid])));
            n.push(format!("{}\"", unquoted(&text[mid..])));
        }
        n
    }
}

/// What every JSON string a glob matches contains, as JSON writes it: the whole string quoted
/// for an exact value, the opening quote and the prefix for `abc*`, else the longest run without
/// a wildcard (of at least 3 bytes: a shorter one is in nearly every line, and says nothing).
fn glob_needle(g: &Glob) -> Option<String> {
    match g {
        Glob::Exact(e) => Some(json(e)),
        Glob::Prefix(p) => {
            let mut q = json(p);
            q.pop();
            Some(q)
        }
        Glob::Pattern(_, t) => t
            .split(['*', '?'])
            .max_by_key(|s| s.len())
            .filter(|s| s.len() >= 3)
            .map(|s| {
                let q = json(s);
                q[1..q.len() - 1].to_string()
            }),
    }
}

/// `s` as a JSON string, quoted (`"` and `\` escaped as every writer does; characters a writer
/// may escape as `\uXXXX` are caught by [`Needle`]).
fn json(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

impl Ask {
    /// Not seen by any part yet.
    fn unseen(&self) -> bool {
        !self.seen && !self.known.load(Ordering::Relaxed)
    }

    fn new(how: Asked, field: Field) -> Ask {
        Ask {
            needle: how.needle(field).map(Arc::new),
            how,
            seen: false,
            known: Arc::new(AtomicBool::new(false)),
            cased: BTreeSet::new(),
            ending: BTreeSet::new(),
            near: BTreeSet::new(),
        }
    }
}

impl Vocab {
    /// The value flags of `f`; `None` when it has none.
    pub fn new(f: &Filter) -> Option<Vocab> {
        let flag = |field, asked: Vec<Asked>| Flag {
            field,
            asked: asked.into_iter().map(|a| Ask::new(a, field)).collect(),
            values: BTreeSet::new(),
        };
        let globs = |gs: &[Glob]| -> Vec<Asked> {
            gs.iter()
                .map(|g| Asked::Glob(g.clone(), g.text()))
                .collect()
        };
        let texts =
            |ts: &[String]| -> Vec<Asked> { ts.iter().map(|t| Asked::Text(t.clone())).collect() };
        let mut flags = vec![
            flag(Field::User, globs(&f.user)),
            flag(Field::Group, globs(&f.group)),
            flag(
                Field::Resource,
                f.resource
                    .iter()
                    .filter(|s| !s.negate)
                    .map(|s| Asked::Resource(Box::new(s.clone()), s.text()))
                    .collect(),
            ),
            flag(Field::Namespace, texts(&f.namespace)),
            flag(Field::Name, globs(&f.name)),
            flag(Field::Manager, globs(&f.field_manager)),
            flag(
                Field::Cluster,
                f.cluster
                    .iter()
                    .filter(|(neg, _)| !neg)
                    .map(|(_, g)| Asked::Cluster(g.clone(), g.text()))
                    .collect(),
            ),
            flag(Field::AuditId, texts(&f.audit_id)),
        ];
        flags.retain(|fl| !fl.asked.is_empty());
        let asked: usize = flags.iter().map(|fl| fl.asked.len()).sum();
        (!flags.is_empty() && asked <= MAX_ASKED).then_some(Vocab { flags })
    }

    /// Is some value not seen yet?
    pub fn wants(&self) -> bool {
        self.flags.iter().any(|fl| fl.asked.iter().any(Ask::unseen))
    }

    /// Is some plain value (which near ones are suggested for) not seen yet? Then the values
    /// of its flag are kept.
    pub fn suggests(&self) -> bool {
        self.flags.iter().any(Flag::keeps)
    }

    /// The values not seen yet that a line the prefilter skipped could hold, or be near
    /// (their places: flag, value): such a line is read, for [`Vocab::see_peeked`].
    pub fn may_hold(&self, line: &[u8]) -> Vec<(usize, usize)> {
        let mut at = Vec::new();
        for (f, fl) in self.flags.iter().enumerate() {
            for (i, a) in fl.asked.iter().enumerate() {
                if a.unseen() && a.needle.as_ref().is_none_or(|n| n.could_hold(line)) {
                    at.push((f, i));
                }
            }
        }
        at
    }

    /// A request made of one line the prefilter skipped, read because it is of the sample
    /// (`sampled`: its values are kept, as a parsed request's are) or because it could hold
    /// the values at `near` ([`Vocab::may_hold`]: its values are kept for those alone; which
    /// lines those are depends on where chunks begin, so they must not be suggested for
    /// another value).
    pub fn see_peeked(&mut self, r: &Request<'_>, sampled: bool, near: &[(usize, usize)]) {
        for &(f, i) in near {
            let fl = &mut self.flags[f];
            let field = fl.field;
            let a = &mut fl.asked[i];
            if a.unseen() && a.how.plain() {
                let mut values = BTreeSet::new();
                field.keep_values(r, &mut values);
                keep_nearest(&mut a.near, a.how.text(), values);
            }
        }
        self.note(r, sampled);
    }

    /// Note what a request has (any request, matching or not), and keep its values to suggest
    /// from.
    pub fn see(&mut self, r: &Request<'_>) {
        self.note(r, true);
    }

    fn note(&mut self, r: &Request<'_>, keep_values: bool) {
        for fl in &mut self.flags {
            let field = fl.field;
            for a in fl.asked.iter_mut().filter(|a| a.unseen()) {
                if a.how.plain() && field != Field::Manager {
                    let text = a.how.text();
                    for v in field.values(r) {
                        if v.len() < text.len() || v == text {
                            continue;
                        }
                        let end = &v.as_bytes()[v.len() - text.len()..];
                        if !end.eq_ignore_ascii_case(text.as_bytes()) {
                            continue;
                        }
                        let set = if v.len() == text.len() {
                            &mut a.cased
                        } else {
                            &mut a.ending
                        };
                        keep_at_most(set, v, SUGGESTED);
                    }
                }
                a.seen = match &a.how {
                    Asked::Glob(g, _) if field == Field::Manager => {
                        let m = r.field_manager();
                        !m.is_empty() && g.is_match(&m)
                    }
                    Asked::Glob(g, _) => field.values(r).into_iter().any(|v| g.is_match(v)),
                    Asked::Text(t) => field.values(r).contains(&t.as_str()),
                    Asked::Resource(sel, _) => sel.matches(r),
                    Asked::Cluster(g, _) => g.is_match(&r.cluster.to_ascii_lowercase()),
                };
                if a.seen {
                    a.known.store(true, Ordering::Relaxed);
                }
            }
            if keep_values && fl.keeps() {
                field.keep_values(r, &mut fl.values);
            }
        }
    }

    /// Fold another part's findings into this one.
    pub fn combine(&mut self, other: Vocab) {
        for (mine, theirs) in self.flags.iter_mut().zip(other.flags) {
            for (a, b) in mine.asked.iter_mut().zip(theirs.asked) {
                a.seen |= b.seen;
                for v in b.cased {
                    keep_at_most(&mut a.cased, &v, SUGGESTED);
                }
                for v in b.ending {
                    keep_at_most(&mut a.ending, &v, SUGGESTED);
                }
                keep_nearest(&mut a.near, a.how.text(), b.near);
            }
            for v in theirs.values {
                keep(&mut mine.values, &v);
            }
        }
    }

    /// One note for each value no request has, with the near values the input does have.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        for fl in &self.flags {
            for a in fl.asked.iter().filter(|a| !a.seen) {
                let noun = fl.field.noun();
                let text = shown(a.how.text());
                let text = text.as_str();
                if !a.how.plain() {
                    notes.push(format!("no request has a {noun} matching {text:?}"));
                    continue;
                }
                let near = near(
                    a.how.text(),
                    a.cased
                        .iter()
                        .chain(&a.ending)
                        .chain(&a.near)
                        .chain(&fl.values)
                        .map(String::as_str),
                );
                let mut n = format!("no request has {noun} {text:?}");
                if !near.is_empty() {
                    let quoted: Vec<String> = near.iter().map(|v| format!("{v:?}")).collect();
                    n.push_str("; did you mean ");
                    n.push_str(&or_list(&quoted));
                    n.push('?');
                }
                notes.push(n);
            }
        }
        notes
    }
}

impl Flag {
    /// Are this flag's values kept: has it a plain value not seen yet?
    fn keeps(&self) -> bool {
        self.asked.iter().any(|a| a.unseen() && a.how.plain())
    }
}

/// Is the request of this line, a native line the prefilter skipped, one of the sample whose
/// values are kept to suggest from? Chosen by its auditID (every stage alike; the same in any
/// chunk), or by the line's start when it has none.
pub fn sampled(line: &[u8]) -> bool {
    let id = match super::AUDIT_ID.find(line) {
        Some(at) => {
            let rest = &line[at + super::AUDIT_ID.needle().len()..];
            &rest[..memchr::memchr(b'"', rest).unwrap_or(rest.len())]
        }
        None => &line[..line.len().min(256)],
    };
    // (a fixed hash, FNV-1a then MurmurHash3's finalizer so that every bit depends on every
    // byte: the same requests in every run; the scan's keyed hash is not)
    let mut h = id.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    });
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^= h >> 33;
    h % SAMPLE == 0
}

/// Keep `v` among the values to suggest from: the [`MAX_VALUES`] first in text order of those
/// no longer than [`MAX_VALUE_BYTES`], so that what is kept, and so what is suggested, is the
/// same in whatever order requests come (threads, chunks).
pub(super) fn keep(values: &mut BTreeSet<String>, v: &str) {
    if v.len() > MAX_VALUE_BYTES || values.contains(v) {
        return;
    }
    if values.len() >= MAX_VALUES {
        if values.last().is_some_and(|last| v > last.as_str()) {
            return;
        }
        values.pop_last();
    }
    values.insert(v.to_string());
}

/// A value as a note shows it: whole up to 120 characters, else its ends around `…` (a value
/// typed or pasted that long is named, not printed whole).
fn shown(v: &str) -> String {
    let n = v.chars().count();
    if n <= 120 {
        return v.to_string();
    }
    let head: String = v.chars().take(60).collect();
    let tail: String = v.chars().skip(n - 59).collect();
    format!("{head}…{tail}")
}

/// Keep among `nearest` the [`SUGGESTED`] values nearest `typed` of it and `more` (a total order:
/// the same whichever part saw which).
fn keep_nearest(nearest: &mut BTreeSet<String>, typed: &str, more: BTreeSet<String>) {
    if more.is_empty() {
        return;
    }
    nearest.extend(more);
    let kept: BTreeSet<String> = near(typed, nearest.iter().map(String::as_str))
        .into_iter()
        .map(String::from)
        .collect();
    *nearest = kept;
}

/// Keep `v` among the `most` first values in text order.
fn keep_at_most(values: &mut BTreeSet<String>, v: &str, most: usize) {
    if values.contains(v) || (values.len() >= most && values.last().is_some_and(|l| v > l.as_str()))
    {
        return;
    }
    values.insert(v.to_string());
    if values.len() > most {
        values.pop_last();
    }
}

/// `a`, `a or b`, `a, b or c`.
fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// The values nearest `typed`, at most [`SUGGESTED`]: the same but for case first, then those a
/// few edits away (up to a third of its length), then those that hold it (`ci-bot` in
/// `system:serviceaccount:build:ci-bot`); ties in order of the text.
pub fn near<'v>(typed: &str, values: impl Iterator<Item = &'v str>) -> Vec<&'v str> {
    let t = typed.to_lowercase();
    let len = t.chars().count();
    let limit = (len / 3).max(1);
    let mut scored: Vec<(usize, &str)> = values
        .filter_map(|v| {
            let l = v.to_lowercase();
            if l == t {
                return Some((0, v));
            }
            // (a long value is not a few edits away from a short one)
            if l.chars().count().abs_diff(len) <= limit {
                let d = strsim::damerau_levenshtein(&t, &l);
                if d <= limit {
                    return Some((d, v));
                }
            }
            (len >= 3 && l.contains(&t)).then_some((limit + 1, v))
        })
        .collect();
    scored.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.truncate(SUGGESTED);
    scored.into_iter().map(|(_, v)| v).collect()
}
