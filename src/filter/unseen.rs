//! Filter values that no request has: a typo (`-r configmapz`, `-n Payments`, `-u EVE`) must not
//! read as "nobody did it". [`Vocab`] notes, over the requests of a scan, which values of the
//! value flags (user, group, resource, namespace, name, field manager, cluster, auditID) some
//! request has, and keeps the values the input does have (a bounded number per flag) to suggest
//! the near ones. It does not scan: the scan that matched nothing runs it (`scan::Scan::run`).

use std::collections::BTreeSet;

use super::{Filter, FilterSpec, Glob};
use crate::correlate::Request;

/// Values kept per flag to suggest from; past this, the rest are only checked against.
pub const MAX_VALUES: usize = 20_000;
/// Longest value kept to suggest (nobody types a name longer by hand): with [`MAX_VALUES`],
/// what a flag keeps is bounded in bytes too, whatever the log's writers send.
const MAX_VALUE_BYTES: usize = 256;
/// Suggestions shown per value.
const SUGGESTED: usize = 3;

/// The value flags of a filter, whether some request has each value, and the values seen.
#[derive(Debug, Clone)]
pub struct Vocab {
    flags: Vec<Flag>,
}

#[derive(Debug, Clone)]
struct Flag {
    field: Field,
    /// Each value given, and whether a request has it.
    asked: Vec<(Asked, bool)>,
    /// Values the requests have, to suggest from (at most [`MAX_VALUES`]).
    values: BTreeSet<String>,
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
    /// A `--resource` entry (its index in the filter's list) and its text.
    Resource(usize, String),
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
}

impl Vocab {
    /// The value flags of `f`; `None` when it has none.
    pub fn new(f: &Filter) -> Option<Vocab> {
        let globs = |field, gs: &[Glob], texts: Vec<String>| Flag {
            field,
            asked: gs
                .iter()
                .zip(texts)
                .map(|(g, t)| (Asked::Glob(g.clone(), t), false))
                .collect(),
            values: BTreeSet::new(),
        };
        let texts = |field, ts: &[String]| Flag {
            field,
            asked: ts.iter().map(|t| (Asked::Text(t.clone()), false)).collect(),
            values: BTreeSet::new(),
        };
        let mut flags = vec![
            globs(
                Field::User,
                &f.user,
                f.user.iter().map(Glob::text).collect(),
            ),
            globs(
                Field::Group,
                &f.group,
                f.group.iter().map(Glob::text).collect(),
            ),
            Flag {
                field: Field::Resource,
                asked: f
                    .resource
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| !s.negate)
                    .map(|(i, s)| (Asked::Resource(i, s.text()), false))
                    .collect(),
                values: BTreeSet::new(),
            },
            texts(Field::Namespace, &f.namespace),
            globs(
                Field::Name,
                &f.name,
                f.name.iter().map(Glob::text).collect(),
            ),
            globs(
                Field::Manager,
                &f.field_manager,
                f.field_manager.iter().map(Glob::text).collect(),
            ),
            Flag {
                field: Field::Cluster,
                asked: f
                    .cluster
                    .iter()
                    .filter(|(neg, _)| !neg)
                    .map(|(_, g)| (Asked::Cluster(g.clone(), g.text()), false))
                    .collect(),
                values: BTreeSet::new(),
            },
            texts(Field::AuditId, &f.audit_id),
        ];
        flags.retain(|fl| !fl.asked.is_empty());
        (!flags.is_empty()).then_some(Vocab { flags })
    }

    /// Each value given, as the filter of that value alone, whose prefilter skips unread the
    /// lines without it: a cheap scan says whether some request has it ([`Vocab::found`]).
    pub fn alone(&self) -> Vec<FilterSpec> {
        self.flags
            .iter()
            .flat_map(|fl| {
                fl.asked.iter().map(move |(a, _)| {
                    let t = vec![a.text().to_string()];
                    let mut s = FilterSpec::default();
                    match fl.field {
                        Field::User => s.user = t,
                        Field::Group => s.group = t,
                        Field::Resource => s.resource = t,
                        Field::Namespace => s.namespace = t,
                        Field::Name => s.name = t,
                        Field::Manager => s.field_manager = t,
                        Field::Cluster => s.cluster = t,
                        Field::AuditId => s.audit_id = t,
                    }
                    s
                })
            })
            .collect()
    }

    /// The `i`th value of [`Vocab::alone`] is one some request has.
    pub fn found(&mut self, i: usize) {
        if let Some((_, seen)) = self
            .flags
            .iter_mut()
            .flat_map(|fl| fl.asked.iter_mut())
            .nth(i)
        {
            *seen = true;
        }
    }

    /// Does some request have every value given?
    pub fn all_found(&self) -> bool {
        self.flags
            .iter()
            .all(|fl| fl.asked.iter().all(|(_, seen)| *seen))
    }

    /// Note what a request has (any request: this scan applies no filter).
    pub fn see(&mut self, r: &Request<'_>, f: &Filter) {
        for fl in &mut self.flags {
            let field = fl.field;
            for (a, seen) in fl.asked.iter_mut().filter(|(_, s)| !*s) {
                *seen = match a {
                    Asked::Glob(g, _) if field == Field::Manager => {
                        let m = r.field_manager();
                        !m.is_empty() && g.is_match(&m)
                    }
                    Asked::Glob(g, _) => field.values(r).into_iter().any(|v| g.is_match(v)),
                    Asked::Text(t) => field.values(r).contains(&t.as_str()),
                    Asked::Resource(i, _) => f.resource[*i].matches(r),
                    Asked::Cluster(g, _) => g.is_match(&r.cluster.to_ascii_lowercase()),
                };
            }
            if fl.asked.iter().all(|(a, seen)| *seen || !a.plain()) {
                continue;
            }
            if field == Field::Manager {
                let m = r.field_manager();
                if !m.is_empty() {
                    keep(&mut fl.values, &m);
                }
                continue;
            }
            for v in field.values(r) {
                keep(&mut fl.values, v);
            }
        }
    }

    /// Fold another part's findings into this one.
    pub fn combine(&mut self, other: Vocab) {
        for (mine, theirs) in self.flags.iter_mut().zip(other.flags) {
            for ((_, seen), (_, s)) in mine.asked.iter_mut().zip(theirs.asked) {
                *seen |= s;
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
            for (a, _) in fl.asked.iter().filter(|(_, seen)| !seen) {
                let noun = fl.field.noun();
                let text = a.text();
                if !a.plain() {
                    notes.push(format!("no request has a {noun} matching {text:?}"));
                    continue;
                }
                let near = near(text, fl.values.iter().map(String::as_str));
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
    scored.truncate(SUGGESTED);
    scored.into_iter().map(|(_, v)| v).collect()
}
