//! The bounded lists detection rules keep: one request as a finding lists it ([`Ev`]: time,
//! auditID, actor, via, target and its last source addresses in one allocation), the `cap`
//! smallest items offered by a total order ([`Kept`]: parts merge to the same items in any
//! order), and what one finding keeps ([`Acc`]: a count, first and last times, its earliest
//! requests). It does not decide what a rule keeps (`keep.rs`).

use std::fmt::Write as _;

use super::keep::REQUEST_IPS;
use crate::correlate::Request;
use crate::correlate::meaning::Outcome;
use crate::event::Ts;

// ---------------------------------------------------------------- one request

/// One request as a finding lists it: time, auditID, actor, the user that impersonated it,
/// target, what the rule shows of it, and source addresses, in one string (one allocation per
/// request kept); and its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ev {
    pub time: Option<Ts>,
    /// auditID, actor, via, target, shown values, then each address as `LEN:ADDRESS`.
    text: Box<str>,
    ends: [usize; 5],
    /// Source addresses of the request not kept (the first ones).
    pub ips_cut: u32,
    pub outcome: Outcome,
}

impl Ev {
    /// `shown`: the values of the rule's `show` fields (see `keep::shown_text`), "" for none.
    pub fn new(r: &Request<'_>, target: &str, shown: &str) -> Ev {
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
                + shown.len()
                + ips[cut..].iter().map(|s| s.len() + 3).sum::<usize>(),
        );
        let mut ends = [0; 5];
        for (i, s) in [&*r.audit_id, actor, via, target, shown]
            .into_iter()
            .enumerate()
        {
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
            outcome: r.outcome(),
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
    /// What the rule shows of the request ("" for none).
    pub fn shown(&self) -> &str {
        &self.text[self.ends[3]..self.ends[4]]
    }
    /// The source addresses kept, in the request's order.
    pub fn ips(&self) -> impl Iterator<Item = &str> {
        let mut rest = &self.text[self.ends[4]..];
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
    fn order(&self) -> (Option<Ts>, &str, &str, &str, &str, &str, &str, u32, Outcome) {
        (
            self.time,
            self.audit_id(),
            self.actor(),
            self.via(),
            self.target(),
            self.shown(),
            &self.text[self.ends[4]..],
            self.ips_cut,
            self.outcome,
        )
    }
}

impl Ord for Ev {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        // time and auditID decide nearly always: the rest only for a reused auditID
        self.time
            .cmp(&o.time)
            .then_with(|| self.audit_id().cmp(o.audit_id()))
            .then_with(|| self.order().cmp(&o.order()))
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
    pub(super) bar: Option<T>,
}

impl<T: Ord + Clone> Kept<T> {
    #[cfg(test)]
    pub fn new(cap: usize) -> Kept<T> {
        Kept::below(cap, None)
    }

    /// Kept, where nothing at or above `bar` can be among the smallest `cap` (a bar the
    /// sink's list already has: see [`Seeds`]).
    pub(super) fn below(cap: usize, bar: Option<T>) -> Kept<T> {
        Kept {
            items: Vec::new(),
            seen: 0,
            cap,
            bar,
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
        if self.cap == 0 {
            self.items.clear();
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
    pub(super) first: Option<Ts>,
    pub(super) last: Option<Ts>,
    pub(super) ev: Kept<Ev>,
    /// Its requests by outcome, listed or not.
    pub(super) outcomes: Outcomes,
}

/// Requests counted by [`Outcome`] (in `Outcome::ALL`'s order). JSON writes the ones there are
/// as a map (`{"succeeded": 3, "denied": 1}`), CSV `succeeded=3;denied=1`, a table
/// `succeeded 3, denied 1` (`denied` alone when all are).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcomes(pub [u64; 5]);

impl Outcomes {
    pub fn add(&mut self, o: Outcome) {
        self.0[o as usize] += 1;
    }
    pub fn merge(&mut self, o: Outcomes) {
        for (a, b) in self.0.iter_mut().zip(o.0) {
            *a += b;
        }
    }
    /// Every request was denied (and there was one).
    pub fn all_denied(&self) -> bool {
        let denied = self.0[Outcome::Denied as usize];
        denied > 0 && denied == self.0.iter().sum::<u64>()
    }
    fn each(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        Outcome::ALL
            .into_iter()
            .zip(self.0)
            .filter(|(_, n)| *n > 0)
            .map(|(o, n)| (o.name(), n))
    }
    /// For a table, where `succeeded` is `ok`: `denied` when all are, else `ok 3, denied 1`.
    pub fn text(&self) -> String {
        let v: Vec<(&str, u64)> = self
            .each()
            .map(|(o, n)| (if o == "succeeded" { "ok" } else { o }, n))
            .collect();
        match &v[..] {
            [(one, _)] => one.to_string(),
            many => many
                .iter()
                .map(|(o, n)| format!("{o} {}", crate::render::thousands(*n)))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

impl serde::Serialize for Outcomes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Map<'a>(&'a Outcomes);
        impl serde::Serialize for Map<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_map(self.0.each())
            }
        }
        s.serialize_newtype_struct(crate::render::flat::PAIRS, &Map(self))
    }
}

impl Acc {
    pub(super) fn new(cap: usize) -> Acc {
        Acc::below(cap, None)
    }

    pub(super) fn below(cap: usize, bar: Option<Ev>) -> Acc {
        Acc {
            first: None,
            last: None,
            ev: Kept::below(cap, bar),
            outcomes: Outcomes::default(),
        }
    }

    pub(super) fn add(&mut self, r: &Request<'_>, ev: impl FnOnce() -> Ev) {
        let t = r.time();
        self.first = min_ts(self.first, t);
        self.last = self.last.max(t);
        self.outcomes.add(r.outcome());
        self.ev.offer(|bar| (t, &*r.audit_id) <= bar.key(), ev);
    }

    pub(super) fn merge(&mut self, o: Acc) {
        self.first = min_ts(self.first, o.first);
        self.last = self.last.max(o.last);
        self.outcomes.merge(o.outcomes);
        self.ev.merge(o.ev);
    }

    pub(super) fn count(&self) -> u64 {
        self.ev.seen()
    }
}

fn min_ts(a: Option<Ts>, b: Option<Ts>) -> Option<Ts> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
