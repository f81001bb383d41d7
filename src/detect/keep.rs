//! What the rules keep of the requests they match, and the findings made from it.
//!
//! Every rule's state is bounded by what its findings report, whatever the log (any user can
//! write requests; an auditID, a user agent and most source addresses are theirs to choose):
//!
//! - a finding lists at most [`Limits::evidence`] requests (`--max-evidence`, default 1,000: the
//!   earliest, by time then auditID) and counts the others (`auditIDsLeftOut`); its actors, `via`
//!   users, source addresses and targets are those of the listed requests, and a request keeps its
//!   last [`REQUEST_IPS`] source addresses (the others are counted: `sourceIPsLeftOut`);
//! - a plain rule keeps one [`Acc`] per finding (its `group_by` key): a count, first and last
//!   times, and the listed requests;
//! - a threshold or sequence rule keeps at most [`Limits::rule_hits`] matching requests to window
//!   or join (`--max-rule-hits`, default 500,000: the earliest), and a note says how many it left
//!   out;
//! - a baseline rule keeps, per identity, at most [`BASELINE_VALUES`] values (an identity that
//!   used more is not judged, and a note says so), each an [`Acc`].
//!
//! Every list kept is "the smallest N by a total order" ([`Kept`]), counts are sums and times are
//! minima and maxima, so the workers' parts merge to the same state in any order and whatever the
//! chunks: output is the same for any thread count, chunk size and input path.
//!
//! A sequence's findings are joined without copying: its later requests are sorted once, indexed
//! by join value, and each finding is a few ranges of that index (one binary search per join
//! value), read when the finding is printed. N grants followed by N requests of their grantee are
//! N findings of at most `evidence` listed requests each, in O(N log N) time and O(N) memory.
//!
//! Not here: compiling and matching rules (`mod.rs`), printing findings (`commands/detect.rs`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use rustc_hash::FxHashMap;

use super::{Baseline, Bodies, Field, Rule, Rules, Sequence, Threshold, Val, hit_target, target};
use crate::correlate::Request;
use crate::event::Ts;

/// The bounds of a run's state (`detect --max-evidence`, `--max-rule-hits`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Requests a finding lists.
    pub evidence: usize,
    /// Matching requests a threshold or sequence rule keeps to window or join.
    pub rule_hits: usize,
}

/// Default of [`Limits::evidence`]: more than any finding of the real logs in testdata/ has.
pub const EVIDENCE: usize = 1000;
/// Default of [`Limits::rule_hits`]: about 100 MB per rule at most.
pub const RULE_HITS: usize = 500_000;
/// Values a baseline rule follows per identity: an identity with more is not stable in that
/// field and is not judged (with the default `max_new` of 3 it could not be reported anyway
/// unless nearly all of them came in its first half hour).
pub const BASELINE_VALUES: usize = 100;
/// Source addresses kept per request: the last ones (the API server appends the address that
/// connected last, after those of `X-Forwarded-For`, which the client writes).
pub const REQUEST_IPS: usize = 16;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            evidence: EVIDENCE,
            rule_hits: RULE_HITS,
        }
    }
}

// ---------------------------------------------------------------- one request

/// One request as a finding lists it: time, auditID, actor, the user that impersonated it,
/// target and source addresses, in one string (one allocation per request kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ev {
    pub time: Option<Ts>,
    /// auditID, actor, via, target, then each address as `LEN:ADDRESS`.
    text: Box<str>,
    ends: [usize; 4],
    /// Source addresses of the request not kept (the first ones).
    pub ips_cut: u32,
}

impl Ev {
    pub fn new(r: &Request<'_>, target: &str) -> Ev {
        let actor = r.effective_user();
        let via: &str = if r.impersonated_user.is_empty() {
            ""
        } else {
            &r.user
        };
        let ips = &r.source_ips[..];
        let cut = ips.len().saturating_sub(REQUEST_IPS);
        let mut text = String::with_capacity(
            r.audit_id.len()
                + actor.len()
                + via.len()
                + target.len()
                + ips[cut..].iter().map(|s| s.len() + 3).sum::<usize>(),
        );
        let mut ends = [0; 4];
        for (i, s) in [&*r.audit_id, actor, via, target].into_iter().enumerate() {
            text.push_str(s);
            ends[i] = text.len();
        }
        for ip in &ips[cut..] {
            let _ = write!(text, "{}:{ip}", ip.len());
        }
        Ev {
            time: r.time(),
            text: text.into_boxed_str(),
            ends,
            ips_cut: u32::try_from(cut).unwrap_or(u32::MAX),
        }
    }

    pub fn audit_id(&self) -> &str {
        &self.text[..self.ends[0]]
    }
    pub fn actor(&self) -> &str {
        &self.text[self.ends[0]..self.ends[1]]
    }
    /// The authenticated user, when it impersonated the actor; else `""`.
    pub fn via(&self) -> &str {
        &self.text[self.ends[1]..self.ends[2]]
    }
    pub fn target(&self) -> &str {
        &self.text[self.ends[2]..self.ends[3]]
    }
    /// The source addresses kept, in the request's order.
    pub fn ips(&self) -> impl Iterator<Item = &str> {
        let mut rest = &self.text[self.ends[3]..];
        std::iter::from_fn(move || {
            let (len, after) = rest.split_once(':')?;
            let len: usize = len.parse().ok()?;
            let ip = after.get(..len)?;
            rest = &after[len..];
            Some(ip)
        })
    }
    /// What evidence is ordered by first: (time, auditID).
    pub fn key(&self) -> (Option<Ts>, &str) {
        (self.time, self.audit_id())
    }
    fn order(&self) -> (Option<Ts>, &str, &str, &str, &str, &str, u32) {
        (
            self.time,
            self.audit_id(),
            self.actor(),
            self.via(),
            self.target(),
            &self.text[self.ends[3]..],
            self.ips_cut,
        )
    }
}

impl Ord for Ev {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.order().cmp(&o.order())
    }
}

impl PartialOrd for Ev {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}

// ---------------------------------------------------------------- the smallest N

/// The `cap` smallest items offered (by their total order), and how many were offered. Parts
/// merge to the same items in any order, however they were cut.
#[derive(Debug, Clone)]
pub struct Kept<T> {
    items: Vec<T>,
    seen: u64,
    cap: usize,
    /// The largest item kept once `cap` are: nothing at or above it can be among the smallest.
    bar: Option<T>,
}

impl<T: Ord + Clone> Kept<T> {
    pub fn new(cap: usize) -> Kept<T> {
        Kept {
            items: Vec::new(),
            seen: 0,
            cap,
            bar: None,
        }
    }

    /// Count one item, which is then offered only if `below(bar)` says it may sort before the
    /// largest item kept (so an item that cannot be kept is never built).
    pub fn offer(&mut self, below: impl FnOnce(&T) -> bool, item: impl FnOnce() -> T) {
        self.seen += 1;
        if self.cap > 0 && self.bar.as_ref().is_none_or(below) {
            self.push(item());
        }
    }

    fn push(&mut self, x: T) {
        if self.cap == 0 || self.bar.as_ref().is_some_and(|b| x >= *b) {
            return;
        }
        self.items.push(x);
        if self.items.len() > self.cap + self.cap / 2 {
            self.trim();
        }
    }

    fn trim(&mut self) {
        if self.items.len() <= self.cap {
            return;
        }
        self.items.select_nth_unstable(self.cap - 1);
        self.items.truncate(self.cap);
        self.bar = self.items.last().cloned();
    }

    pub fn merge(&mut self, o: Kept<T>) {
        self.seen += o.seen;
        for x in o.items {
            self.push(x);
        }
    }

    /// Sort what is kept (the smallest `cap`), for reading with [`Kept::items`].
    pub fn finish(&mut self) {
        self.trim();
        self.items.sort_unstable();
    }

    /// The items kept, in order once [`Kept::finish`]ed.
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// Items offered.
    pub fn seen(&self) -> u64 {
        self.seen
    }
}

// ---------------------------------------------------------------- one finding's requests

/// What a finding (or a baseline's value) keeps: count, first and last times, and its earliest
/// requests.
#[derive(Debug, Clone)]
pub struct Acc {
    first: Option<Ts>,
    last: Option<Ts>,
    ev: Kept<Ev>,
}

impl Acc {
    fn new(cap: usize) -> Acc {
        Acc {
            first: None,
            last: None,
            ev: Kept::new(cap),
        }
    }

    fn add(&mut self, r: &Request<'_>, ev: impl FnOnce() -> Ev) {
        let t = r.time();
        self.first = min_ts(self.first, t);
        self.last = self.last.max(t);
        self.ev.offer(|bar| (t, &*r.audit_id) <= bar.key(), ev);
    }

    fn merge(&mut self, o: Acc) {
        self.first = min_ts(self.first, o.first);
        self.last = self.last.max(o.last);
        self.ev.merge(o.ev);
    }

    fn count(&self) -> u64 {
        self.ev.seen()
    }
}

fn min_ts(a: Option<Ts>, b: Option<Ts>) -> Option<Ts> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// A request of a threshold rule: what the finding lists, the key it is counted under, and the
/// value it adds to a distinct count.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ThHit {
    ev: Ev,
    by: Box<[Box<str>]>,
    distinct: Option<Box<str>>,
}

/// A request of a sequence rule (a first step, or a later one), with its join values.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SeqHit {
    ev: Ev,
    join: Box<[Box<str>]>,
}

/// One identity of a baseline rule: its values, until it has more than [`BASELINE_VALUES`].
#[derive(Debug, Clone, Default)]
pub struct Ident {
    vals: FxHashMap<String, Acc>,
    /// It used too many values to be judged.
    over: bool,
}

impl Ident {
    fn merge(&mut self, o: Ident) {
        if self.over || o.over {
            self.vals = FxHashMap::default();
            self.over = true;
            return;
        }
        for (v, acc) in o.vals {
            match self.vals.get_mut(&v) {
                Some(a) => a.merge(acc),
                None => {
                    self.vals.insert(v, acc);
                }
            }
        }
        if self.vals.len() > BASELINE_VALUES {
            self.vals = FxHashMap::default();
            self.over = true;
        }
    }
}

/// One rule's state.
#[derive(Debug, Clone)]
pub enum Keep {
    /// Findings by `group_by` key.
    Groups(FxHashMap<Vec<String>, Acc>),
    /// A threshold rule's requests.
    Hits(Kept<ThHit>),
    /// A sequence rule's first steps and later steps; once finished, the later steps by join
    /// value (indices into `thens`, in order) and whether one may have several join values.
    Steps {
        firsts: Kept<SeqHit>,
        thens: Kept<SeqHit>,
        index: FxHashMap<Box<str>, Vec<u32>>,
        multi: bool,
    },
    /// A baseline rule's identities.
    Idents(FxHashMap<String, Ident>),
}

impl Keep {
    fn new(rule: &Rule, limits: Limits) -> Keep {
        if rule.threshold.is_some() {
            Keep::Hits(Kept::new(limits.rule_hits))
        } else if rule.sequence.is_some() {
            Keep::Steps {
                firsts: Kept::new(limits.rule_hits),
                thens: Kept::new(limits.rule_hits),
                index: FxHashMap::default(),
                multi: false,
            }
        } else if rule.baseline.is_some() {
            Keep::Idents(FxHashMap::default())
        } else {
            Keep::Groups(FxHashMap::default())
        }
    }

    fn merge(&mut self, o: Keep) {
        match (self, o) {
            (Keep::Groups(a), Keep::Groups(b)) => {
                for (k, acc) in b {
                    match a.get_mut(&k) {
                        Some(x) => x.merge(acc),
                        None => {
                            a.insert(k, acc);
                        }
                    }
                }
            }
            (Keep::Hits(a), Keep::Hits(b)) => a.merge(b),
            (
                Keep::Steps { firsts, thens, .. },
                Keep::Steps {
                    firsts: f,
                    thens: t,
                    ..
                },
            ) => {
                firsts.merge(f);
                thens.merge(t);
            }
            (Keep::Idents(a), Keep::Idents(b)) => {
                for (who, id) in b {
                    match a.get_mut(&who) {
                        Some(x) => x.merge(id),
                        None => {
                            a.insert(who, id);
                        }
                    }
                }
            }
            _ => unreachable!("parts of one run have the same rules"),
        }
    }

    fn finish(&mut self) {
        match self {
            Keep::Groups(m) => m.values_mut().for_each(|a| a.ev.finish()),
            Keep::Hits(k) => k.finish(),
            Keep::Steps {
                firsts,
                thens,
                index,
                multi,
            } => {
                firsts.finish();
                thens.finish();
                for (i, h) in thens.items().iter().enumerate() {
                    let mut vals: Vec<&str> = h.join.iter().map(|v| &**v).collect();
                    vals.sort_unstable();
                    vals.dedup();
                    *multi |= vals.len() > 1;
                    for v in vals {
                        match index.get_mut(v) {
                            Some(l) => l.push(i as u32),
                            None => {
                                index.insert(v.into(), vec![i as u32]);
                            }
                        }
                    }
                }
            }
            Keep::Idents(m) => m
                .values_mut()
                .flat_map(|i| i.vals.values_mut())
                .for_each(|a| a.ev.finish()),
        }
    }
}

/// What a run's rules kept: one per worker part, merged into the sink's.
#[derive(Debug, Clone)]
pub struct State {
    pub limits: Limits,
    per: Vec<Keep>,
    /// Per rule: requests it could not check for want of a body.
    pub unchecked: Vec<u64>,
    /// Requests tested.
    pub requests: u64,
}

impl State {
    pub fn new(rules: &Rules, limits: Limits) -> State {
        State {
            limits,
            per: rules.rules.iter().map(|r| Keep::new(r, limits)).collect(),
            unchecked: vec![0; rules.rules.len()],
            requests: 0,
        }
    }

    pub fn merge(&mut self, o: State) {
        for (a, b) in self.unchecked.iter_mut().zip(o.unchecked) {
            *a += b;
        }
        self.requests += o.requests;
        for (a, b) in self.per.iter_mut().zip(o.per) {
            a.merge(b);
        }
    }

    /// A request rule `i` matched (its first step, for a sequence).
    pub(super) fn first(&mut self, i: usize, rule: &Rule, r: &Request<'_>, b: &Bodies) {
        let cap = self.limits.evidence;
        match &mut self.per[i] {
            Keep::Groups(m) => {
                let key: Vec<String> = rule.group_by.iter().map(|f| f.key(r, b)).collect();
                m.entry(key)
                    .or_insert_with(|| Acc::new(cap))
                    .add(r, || Ev::new(r, &hit_target(r, b)));
            }
            Keep::Hits(k) => {
                let Some(t) = &rule.threshold else { return };
                let time = r.time();
                k.offer(
                    |bar| (time, &*r.audit_id) <= bar.ev.key(),
                    || threshold_hit(t, r, b),
                );
            }
            Keep::Steps { firsts, .. } => {
                let Some(s) = &rule.sequence else { return };
                let time = r.time();
                firsts.offer(
                    |bar| (time, &*r.audit_id) <= bar.ev.key(),
                    || SeqHit {
                        ev: Ev::new(r, &hit_target(r, b)),
                        join: joined(&s.join_first, r, b),
                    },
                );
            }
            Keep::Idents(m) => {
                if let Some(bl) = &rule.baseline {
                    see(bl, r, b, m, cap);
                }
            }
        }
    }

    /// A request matched the later step of sequence rule `i`.
    pub(super) fn then(&mut self, i: usize, s: &Sequence, r: &Request<'_>, b: &Bodies) {
        if let Keep::Steps { thens, .. } = &mut self.per[i] {
            let time = r.time();
            thens.offer(
                |bar| (time, &*r.audit_id) <= bar.ev.key(),
                || SeqHit {
                    ev: Ev::new(r, &hit_target(r, b)),
                    join: joined(&s.join_then, r, b),
                },
            );
        }
    }

    /// Sort what was kept: before [`findings`] and [`State::notes`].
    pub fn finish(&mut self) {
        self.per.iter_mut().for_each(Keep::finish);
    }

    /// What the bounds left out that no finding says: matching requests a threshold or
    /// sequence rule did not window or join, identities a baseline did not judge.
    pub fn notes(&self, rules: &Rules) -> Vec<String> {
        let mut out = Vec::new();
        for (rule, keep) in rules.rules.iter().zip(&self.per) {
            let (kept, seen) = match keep {
                Keep::Hits(k) => (k.items().len() as u64, k.seen()),
                Keep::Steps { firsts, thens, .. } => (
                    (firsts.items().len() + thens.items().len()) as u64,
                    firsts.seen() + thens.seen(),
                ),
                Keep::Idents(m) => {
                    let over = m.values().filter(|i| i.over).count();
                    if over > 0 {
                        out.push(format!(
                            "{}: {} identit{} used more than {BASELINE_VALUES} distinct values of {} and {} not judged (a value that changes that often is not a baseline)",
                            rule.id,
                            crate::render::thousands(over as u64),
                            if over == 1 { "y" } else { "ies" },
                            super::field_name(&rule.baseline.as_ref().map_or(Field::Actor, |b| b.field.clone())),
                            if over == 1 { "was" } else { "were" },
                        ));
                    }
                    continue;
                }
                Keep::Groups(_) => continue,
            };
            if kept < seen {
                out.push(format!(
                    "{}: {} its first {} matching requests (by time) and left out the other {}, which may hold more findings (--max-rule-hits {} keeps them all)",
                    rule.id,
                    if rule.threshold.is_some() {
                        "windowed"
                    } else {
                        "joined"
                    },
                    crate::render::thousands(kept),
                    crate::render::thousands(seen - kept),
                    seen,
                ));
            }
        }
        out
    }
}

fn threshold_hit(t: &Threshold, r: &Request<'_>, b: &Bodies) -> ThHit {
    ThHit {
        ev: Ev::new(r, &hit_target(r, b)),
        by: t.by.iter().map(|f| f.key(r, b).into_boxed_str()).collect(),
        distinct: t.distinct.as_ref().map(|f| f.key(r, b).into_boxed_str()),
    }
}

fn joined(f: &Field, r: &Request<'_>, b: &Bodies) -> Box<[Box<str>]> {
    f.values(r, b)
        .iter()
        .map(|v| v.text().into_boxed_str())
        .collect()
}

/// Count one request of a baseline rule: the common case (one identity field, a value seen
/// before) allocates nothing but what the evidence keeps.
fn see(bl: &Baseline, r: &Request<'_>, b: &Bodies, per: &mut FxHashMap<String, Ident>, cap: usize) {
    match &bl.by[..] {
        [one] => one.with(r, b, |v| {
            let who = v
                .first()
                .and_then(Val::str)
                .unwrap_or(std::borrow::Cow::Borrowed(""));
            record(bl, r, b, per, &who, cap);
        }),
        many => {
            let keys: Vec<String> = many.iter().map(|f| f.key(r, b)).collect();
            record(bl, r, b, per, &keys.join("\u{1f}"), cap);
        }
    }
}

fn record(
    bl: &Baseline,
    r: &Request<'_>,
    b: &Bodies,
    per: &mut FxHashMap<String, Ident>,
    who: &str,
    cap: usize,
) {
    let id = match per.get_mut(who) {
        Some(v) => v,
        None => per.entry(who.to_string()).or_default(),
    };
    if id.over {
        return;
    }
    let mut target_of: Option<String> = None;
    bl.field.with(r, b, |vs| {
        for v in vs {
            let text = v.str().unwrap_or(std::borrow::Cow::Borrowed("{…}"));
            let acc = match id.vals.get_mut(&*text) {
                Some(s) => s,
                None => {
                    if id.vals.len() >= BASELINE_VALUES {
                        id.vals = FxHashMap::default();
                        id.over = true;
                        return;
                    }
                    id.vals
                        .entry(text.into_owned())
                        .or_insert_with(|| Acc::new(cap))
                }
            };
            acc.add(r, || {
                let t = target_of.get_or_insert_with(|| target(r));
                Ev::new(r, t)
            });
        }
    });
}

// ---------------------------------------------------------------- findings

/// What a rule found: identical hits collapsed, with their evidence.
#[derive(Debug, Clone)]
pub struct Finding<'s> {
    pub rule: usize,
    /// Requests (for a sequence: later requests).
    pub count: u64,
    pub first: Option<Ts>,
    pub last: Option<Ts>,
    /// For a sequence: the request that began it (its auditID is listed first); for a
    /// baseline: the new value and what is usual.
    pub detail: Option<String>,
    evidence: Evidence<'s>,
}

#[derive(Debug, Clone)]
enum Evidence<'s> {
    /// The listed requests, in order; `who`: a baseline's identity, its one actor.
    Listed {
        ev: Vec<&'s Ev>,
        who: Option<String>,
    },
    /// A sequence's first request, and its later ones: the ranges of `thens` (indices, in
    /// order) that follow it within the time and share a join value. `multi`: a later request
    /// may sit in several ranges (its join field has several values).
    Joined {
        first: &'s SeqHit,
        thens: &'s [SeqHit],
        ranges: Vec<&'s [u32]>,
        multi: bool,
    },
}

/// What a finding shows: its listed requests and their values.
#[derive(Debug, Clone, Default)]
pub struct Shown<'f> {
    /// Listed requests (for a sequence, the first request, then the later ones listed).
    pub audit_ids: Vec<&'f str>,
    /// Requests counted and not listed.
    pub left_out: u64,
    pub actors: BTreeSet<&'f str>,
    /// The authenticated users that impersonated them, if any.
    pub via: BTreeSet<&'f str>,
    pub source_ips: BTreeSet<&'f str>,
    /// Source addresses of listed requests not kept (past [`REQUEST_IPS`] in one request).
    pub ips_left_out: u64,
    pub targets: BTreeSet<&'f str>,
}

impl Shown<'_> {
    fn add<'f>(s: &mut Shown<'f>, e: &'f Ev) {
        s.audit_ids.push(e.audit_id());
        if !e.actor().is_empty() {
            s.actors.insert(e.actor());
        }
        if !e.via().is_empty() {
            s.via.insert(e.via());
        }
        s.source_ips.extend(e.ips());
        s.ips_left_out += u64::from(e.ips_cut);
        if !e.target().is_empty() {
            s.targets.insert(e.target());
        }
    }
}

impl<'s> Finding<'s> {
    /// The listed requests and the lists made of them (for a sequence, read from its ranges
    /// now: at most `evidence` later requests).
    pub fn shown(&self, evidence: usize) -> Shown<'_> {
        let mut s = Shown::default();
        match &self.evidence {
            Evidence::Listed { ev, who } => {
                for e in ev {
                    Shown::add(&mut s, e);
                }
                if let Some(w) = who {
                    s.actors = BTreeSet::from([w.as_str()]);
                    s.via.clear();
                }
            }
            Evidence::Joined {
                first,
                thens,
                ranges,
                multi,
            } => {
                s.audit_ids.push(first.ev.audit_id());
                for i in later(first, thens, ranges, *multi).take(evidence) {
                    Shown::add(&mut s, &thens[i as usize].ev);
                }
            }
        }
        let listed = match &self.evidence {
            Evidence::Joined { .. } => s.audit_ids.len() as u64 - 1,
            Evidence::Listed { .. } => s.audit_ids.len() as u64,
        };
        s.left_out = self.count - listed;
        s
    }
}

/// The later requests of a sequence finding, in order, once each: a merge of its ranges,
/// without the first request itself.
fn later<'a>(
    first: &'a SeqHit,
    thens: &'a [SeqHit],
    ranges: &'a [&'a [u32]],
    multi: bool,
) -> impl Iterator<Item = u32> + 'a {
    let mut at = vec![0usize; ranges.len()];
    let mut last: Option<u32> = None;
    let own = first.ev.audit_id();
    std::iter::from_fn(move || {
        loop {
            let (k, &i) = ranges
                .iter()
                .enumerate()
                .filter_map(|(k, r)| r.get(at[k]).map(|i| (k, i)))
                .min_by_key(|(_, i)| **i)?;
            at[k] += 1;
            if (multi && last == Some(i)) || thens[i as usize].ev.audit_id() == own {
                continue;
            }
            last = Some(i);
            return Some(i);
        }
    })
}

/// The findings of a run's state ([`State::finish`]ed): collapsed, windowed, joined; sorted by
/// severity (highest first), then time, then rule.
pub fn findings<'s>(rules: &Rules, st: &'s State) -> Vec<Finding<'s>> {
    let mut out = Vec::new();
    for (i, (rule, keep)) in rules.rules.iter().zip(&st.per).enumerate() {
        match keep {
            Keep::Groups(m) => {
                let mut groups: Vec<(&Vec<String>, &Acc)> = m.iter().collect();
                groups.sort_unstable_by(|a, b| a.0.cmp(b.0));
                for (_, acc) in groups {
                    out.push(Finding {
                        rule: i,
                        count: acc.count(),
                        first: acc.first,
                        last: acc.last,
                        detail: None,
                        evidence: Evidence::Listed {
                            ev: acc.ev.items().iter().collect(),
                            who: None,
                        },
                    });
                }
            }
            Keep::Hits(k) => {
                if let Some(t) = &rule.threshold {
                    bursts(i, t, k.items(), st.limits.evidence, &mut out);
                }
            }
            Keep::Steps {
                firsts,
                thens,
                index,
                multi,
            } => {
                if let Some(s) = &rule.sequence {
                    let steps = Steps {
                        firsts: firsts.items(),
                        thens: thens.items(),
                        index,
                        multi: *multi,
                    };
                    sequences(i, s, &steps, &mut out);
                }
            }
            Keep::Idents(m) => {
                if let Some(bl) = &rule.baseline {
                    novelties(i, bl, m, &mut out);
                }
            }
        }
    }
    // stable: within one rule, the order above (by key, then time) is kept
    out.sort_by(|a, b| {
        let (ra, rb) = (&rules.rules[a.rule], &rules.rules[b.rule]);
        rb.severity
            .cmp(&ra.severity)
            .then(a.first.cmp(&b.first))
            .then(ra.id.cmp(&rb.id))
    });
    out
}

/// Runs of hits, per `by` key, where some window holds `count` hits (or distinct values).
/// `hits` are in order (time first).
fn bursts<'s>(
    rule: usize,
    t: &Threshold,
    hits: &'s [ThHit],
    evidence: usize,
    out: &mut Vec<Finding<'s>>,
) {
    let mut per: BTreeMap<&[Box<str>], Vec<&ThHit>> = BTreeMap::new();
    // hits without a time cannot be windowed
    for h in hits.iter().filter(|h| h.ev.time.is_some()) {
        per.entry(&h.by).or_default().push(h);
    }
    let time = |h: &ThHit| h.ev.time.map_or(0, |t| t.0);
    for (_, hs) in per {
        let mut in_burst = vec![false; hs.len()];
        let mut start = 0;
        let mut distinct: FxHashMap<&str, usize> = FxHashMap::default();
        for end in 0..hs.len() {
            if let Some(d) = &hs[end].distinct {
                *distinct.entry(d).or_default() += 1;
            }
            while time(hs[end]) - time(hs[start]) > t.window {
                if let Some(d) = &hs[start].distinct
                    && let Some(c) = distinct.get_mut(&**d)
                {
                    *c -= 1;
                    if *c == 0 {
                        distinct.remove(&**d);
                    }
                }
                start += 1;
            }
            let n = if t.distinct.is_some() {
                distinct.len()
            } else {
                end + 1 - start
            };
            if n >= t.count {
                // marked from the end back: each hit is marked once per burst start
                for b in in_burst[start..=end].iter_mut().rev() {
                    if *b {
                        break;
                    }
                    *b = true;
                }
            }
        }
        let mut cur: Option<Finding<'s>> = None;
        let mut last_t = i64::MIN;
        for (h, b) in hs.iter().zip(&in_burst) {
            if !*b {
                continue;
            }
            // a gap longer than the window ends a burst
            if cur.is_some() && time(h) - last_t > t.window {
                out.extend(cur.take());
            }
            let f = cur.get_or_insert_with(|| Finding {
                rule,
                count: 0,
                first: h.ev.time,
                last: h.ev.time,
                detail: None,
                evidence: Evidence::Listed {
                    ev: Vec::new(),
                    who: None,
                },
            });
            f.count += 1;
            f.last = h.ev.time;
            if let Evidence::Listed { ev, .. } = &mut f.evidence
                && ev.len() < evidence
            {
                ev.push(&h.ev);
            }
            last_t = time(h);
        }
        out.extend(cur);
    }
}

/// First-step requests followed, within the time, by a later-step request that shares a join
/// value. One finding per first request (collapsed by nothing: each grant is its own story).
/// The later requests are indexed once by join value; a finding is the ranges of that index it
/// covers, found by binary search, and counted without being read.
/// A sequence rule's state, finished.
struct Steps<'s> {
    firsts: &'s [SeqHit],
    thens: &'s [SeqHit],
    index: &'s FxHashMap<Box<str>, Vec<u32>>,
    multi: bool,
}

fn sequences<'s>(rule: usize, s: &Sequence, st: &Steps<'s>, out: &mut Vec<Finding<'s>>) {
    let (firsts, thens, multi) = (st.firsts, st.thens, st.multi);
    // the later requests that share an auditID with some first request: it never counts as
    // its own follower
    let own: rustc_hash::FxHashSet<&str> = firsts.iter().map(|f| f.ev.audit_id()).collect();
    let mut same_id: FxHashMap<&str, Vec<u32>> = FxHashMap::default();
    for (i, h) in thens.iter().enumerate() {
        if own.contains(h.ev.audit_id()) {
            same_id.entry(h.ev.audit_id()).or_default().push(i as u32);
        }
    }
    let time = |i: u32| thens[i as usize].ev.time;
    for f in firsts {
        let Some(t0) = f.ev.time else { continue };
        let end = Some(Ts(t0.0.saturating_add(s.within)));
        let mut vals: Vec<&str> = f.join.iter().map(|v| &**v).collect();
        vals.sort_unstable();
        vals.dedup();
        let mut ranges: Vec<&'s [u32]> = Vec::new();
        for v in vals {
            let Some(list) = st.index.get(v) else {
                continue;
            };
            let lo = list.partition_point(|&i| time(i) < Some(t0));
            let hi = list.partition_point(|&i| time(i) <= end);
            if lo < hi {
                ranges.push(&list[lo..hi]);
            }
        }
        let (count, last) = if multi {
            // a later request may be in several ranges: count it once
            let mut n = 0u64;
            let mut last = None;
            for i in later(f, thens, &ranges, true) {
                n += 1;
                last = time(i);
            }
            (n, last)
        } else {
            let all: u64 = ranges.iter().map(|r| r.len() as u64).sum();
            let selves = same_id.get(f.ev.audit_id()).map_or(0, |ids| {
                ids.iter()
                    .filter(|&&i| ranges.iter().any(|r| r.binary_search(&i).is_ok()))
                    .count() as u64
            });
            let last = ranges
                .iter()
                .filter_map(|r| {
                    // the last of the range that is not the first request itself
                    r.iter()
                        .rev()
                        .find(|&&i| thens[i as usize].ev.audit_id() != f.ev.audit_id())
                        .map(|&i| time(i))
                })
                .max()
                .flatten();
            (all - selves, last)
        };
        if count == 0 {
            continue;
        }
        out.push(Finding {
            rule,
            count,
            first: f.ev.time,
            last,
            detail: Some(format!(
                "{} by {} at {}",
                f.ev.target(),
                f.ev.actor(),
                t0.rfc3339()
            )),
            evidence: Evidence::Joined {
                first: f,
                thens,
                ranges,
                multi,
            },
        });
    }
}

/// The values each identity started using `after` its first request.
fn novelties<'s>(
    rule: usize,
    bl: &Baseline,
    per: &'s FxHashMap<String, Ident>,
    out: &mut Vec<Finding<'s>>,
) {
    let mut per: Vec<(&String, &Ident)> = per.iter().filter(|(_, i)| !i.over).collect();
    per.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for (who, id) in per {
        let vals = &id.vals;
        let total: u64 = vals.values().map(Acc::count).sum();
        let Some(start) = vals.values().filter_map(|s| s.first).min() else {
            continue;
        };
        if total < bl.min_requests {
            continue;
        }
        let mut new: Vec<(&String, &Acc)> = vals
            .iter()
            .filter(|(_, s)| s.first.is_some_and(|f| f.0 - start.0 >= bl.after))
            .collect();
        if new.is_empty() || new.len() > bl.max_new {
            continue;
        }
        new.sort_unstable_by(|a, b| (a.1.first, a.0).cmp(&(b.1.first, b.0)));
        let mut usual: Vec<(&String, u64)> = vals
            .iter()
            .filter(|(_, s)| s.first.is_some_and(|f| f.0 - start.0 < bl.after))
            .map(|(v, s)| (v, s.count()))
            .collect();
        usual.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let usual: Vec<String> = usual
            .iter()
            .take(3)
            .map(|(v, n)| format!("{v} ({n})"))
            .collect();
        for (v, s) in new {
            out.push(Finding {
                rule,
                count: s.count(),
                first: s.first,
                last: s.last,
                detail: Some(format!(
                    "new {} {v}, first seen {} after this identity's first request (of {total}); usual: {}",
                    super::field_name(&bl.field),
                    super::duration_text(
                        s.first.map_or(0, |t| t.0 - start.0) / 60_000_000 * 60_000_000
                    ),
                    usual.join(", ")
                )),
                evidence: Evidence::Listed {
                    ev: s.ev.items().iter().collect(),
                    who: Some(who.replace('\u{1f}', " ")),
                },
            });
        }
    }
}
