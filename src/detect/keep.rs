//! What the rules keep of the requests they match. The findings are made of it in
//! `findings.rs`; the bounded lists it is made of ([`Ev`], [`Kept`], [`Acc`]) are in
//! `evidence.rs`.
//!
//! Every rule's state is bounded by what its findings report, whatever the log (any user can
//! write requests; an auditID, a user agent and most source addresses are theirs to choose):
//!
//! - a finding lists at most [`Limits::evidence`] requests (`--max-evidence`, default 1,000: the
//!   earliest, by time then auditID) and counts the others (`auditIDsLeftOut`); its actors, `via`
//!   users, source addresses and targets are those of the listed requests, and a request keeps its
//!   last [`REQUEST_IPS`] source addresses (the others are counted: `sourceIPsLeftOut`);
//! - a plain rule keeps one [`Acc`] per finding (its `group_by` key): a count, first and last
//!   times, and the listed requests; and at most [`Limits::rule_hits`] requests' worth of
//!   findings ([`Groups`]: the first by key, each counting [`FINDING_WEIGHT`] requests more than
//!   it lists); the requests of the others are counted, and a note says so;
//! - a threshold or sequence rule keeps at most [`Limits::rule_hits`] matching requests to window
//!   or join (`--max-rule-hits`, default 200,000: the earliest), and a note says how many it left
//!   out;
//! - a baseline rule follows at most [`Limits::rule_hits`] identities (the first by name; the
//!   requests of the others are counted, and a note says so) and, per identity, at most
//!   [`BASELINE_VALUES`] values (an identity that used more is not judged, and a note says so),
//!   each an [`Acc`].
//!
//! Every list kept is "the smallest N by a total order" ([`Kept`]), counts are sums and times are
//! minima and maxima, so the workers' parts merge to the same state in any order and whatever the
//! chunks: output is the same for any thread count, chunk size and input path.
//!
//! Not here: compiling and matching rules (`mod.rs`, `rule.rs`, `expr.rs`), making findings
//! (`findings.rs`), printing them (`commands/detect.rs`).

use rustc_hash::FxHashMap;

use super::Rules;
use super::evidence::{Acc, Ev, Kept};
use super::field::{Bodies, Field, Val, hit_target, target};
use super::rule::{Baseline, Rule, Threshold};
use crate::correlate::Request;
use crate::correlate::meaning::Outcome;

/// The bounds of a run's state (`detect --max-evidence`, `--max-rule-hits`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Requests a finding lists.
    pub evidence: usize,
    /// Matching requests a threshold or sequence rule keeps to window or join; identities a
    /// baseline rule follows.
    pub rule_hits: usize,
}

/// Defaults of [`Limits::evidence`] and [`Limits::rule_hits`] (said where the flags are).
pub use crate::cli::{EVIDENCE, RULE_HITS};
/// Values a baseline rule follows per identity: an identity with more is not stable in that
/// field and is not judged (with the default `max_new` of 3 it could not be reported anyway
/// unless nearly all of them came in its first half hour).
pub const BASELINE_VALUES: usize = 100;
/// What a plain rule's finding counts for against [`Limits::rule_hits`], besides the requests
/// it lists: a finding is printed, and costs some 50 times a listed request (its row, its
/// lists); with the defaults, a plain rule keeps at most 10,000 findings of one request.
pub const FINDING_WEIGHT: u64 = 50;
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

/// A request of a threshold rule: what the finding lists, the key it is counted under, and the
/// value it adds to a distinct count.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ThHit {
    pub(super) ev: Ev,
    pub(super) by: Box<[Box<str>]>,
    pub(super) distinct: Option<Box<str>>,
}

/// A request of a sequence rule (a first step, or a later one), with its join values.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SeqHit {
    pub(super) ev: Ev,
    pub(super) join: Box<[Box<str>]>,
}

/// One identity of a baseline rule: its values, until it has more than [`BASELINE_VALUES`].
#[derive(Debug, Clone, Default)]
pub struct Ident {
    pub(super) vals: FxHashMap<String, Acc>,
    /// It used too many values to be judged.
    pub(super) over: bool,
    /// Its requests.
    requests: u64,
}

impl Ident {
    fn merge(&mut self, o: Ident) {
        self.requests += o.requests;
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

/// A baseline rule's identities: at most `cap` (the first by name; the identity is the key, so
/// which are kept does not depend on the order requests come in), and how many requests the
/// others made.
#[derive(Debug, Clone)]
pub struct Idents {
    pub(super) map: FxHashMap<String, Ident>,
    cap: usize,
    /// The largest identity kept once `cap` are: one at or above it is left out.
    bar: Option<String>,
    /// Requests of the identities left out.
    left: u64,
}

impl Idents {
    fn new(cap: usize, bar: Option<String>) -> Idents {
        Idents {
            map: FxHashMap::default(),
            cap,
            bar,
            left: 0,
        }
    }

    /// The identity `who` to count one more request of, or `None` when it is left out (the
    /// request is counted as such).
    fn get(&mut self, who: &str) -> Option<&mut Ident> {
        if !self.map.contains_key(who) {
            // above the bar, not at it: a part's bar is the sink's, whose identity it may meet
            if self.cap == 0 || self.bar.as_deref().is_some_and(|b| who > b) {
                self.left += 1;
                return None;
            }
            self.map.insert(who.to_string(), Ident::default());
            if self.map.len() > self.cap + self.cap / 2 {
                self.trim();
            }
        }
        let id = self.map.get_mut(who);
        if id.is_none() {
            self.left += 1;
        }
        id
    }

    /// Keep the first `cap` identities by name.
    fn trim(&mut self) {
        if self.map.len() <= self.cap {
            return;
        }
        if self.cap == 0 {
            self.left += self.map.drain().map(|(_, id)| id.requests).sum::<u64>();
            return;
        }
        let mut keys: Vec<&String> = self.map.keys().collect();
        keys.select_nth_unstable(self.cap - 1);
        let bar = keys[self.cap - 1].clone();
        let out: Vec<String> = keys[self.cap..].iter().map(|k| (*k).clone()).collect();
        for k in out {
            if let Some(id) = self.map.remove(&k) {
                self.left += id.requests;
            }
        }
        self.bar = Some(bar);
    }

    fn merge(&mut self, o: Idents) {
        self.left += o.left;
        for (who, id) in o.map {
            if self.bar.as_deref().is_some_and(|b| who.as_str() > b) {
                self.left += id.requests;
                continue;
            }
            match self.map.get_mut(&who) {
                Some(x) => x.merge(id),
                None => {
                    self.map.insert(who, id);
                }
            }
        }
        if self.map.len() > self.cap + self.cap / 2 {
            self.trim();
        }
    }
}

/// A plain rule's findings, by `group_by` key: at most `cap` requests listed across them (each
/// finding counted as [`FINDING_WEIGHT`] requests more than it lists), the first findings by key (the key
/// does not change with the order requests come in, so which findings are kept does not
/// either), and how many requests the findings left out made.
#[derive(Debug, Clone)]
pub struct Groups {
    pub(super) map: FxHashMap<Vec<String>, Acc>,
    cap: usize,
    /// Requests a finding lists ([`Limits::evidence`]).
    each: u64,
    /// The sum of what each finding counts for ([`Groups::weight`]).
    held: u64,
    /// The smallest key left out: one at or above it is left out too.
    bar: Option<Vec<String>>,
    /// Requests of the findings left out.
    left: u64,
}

impl Groups {
    fn new(cap: usize, evidence: usize, bar: Option<Vec<String>>) -> Groups {
        Groups {
            map: FxHashMap::default(),
            cap,
            each: evidence as u64,
            held: 0,
            bar,
            left: 0,
        }
    }

    /// What a finding counts for: [`FINDING_WEIGHT`] and the requests it lists. It only grows
    /// as requests come, so a finding left out of a part is left out of the whole.
    fn weight(&self, a: &Acc) -> u64 {
        FINDING_WEIGHT + a.count().min(self.each)
    }

    fn out(&self, key: &[String]) -> bool {
        self.bar.as_deref().is_some_and(|b| key >= b)
    }

    fn add(&mut self, key: Vec<String>, cap: usize, r: &Request<'_>, ev: impl FnOnce() -> Ev) {
        if self.out(&key) {
            self.left += 1;
            return;
        }
        let each = self.each;
        let acc = self.map.entry(key).or_insert_with(|| Acc::new(cap));
        let before = acc.count();
        acc.add(r, ev);
        // a new finding weighs FINDING_WEIGHT, and each request it lists one more
        self.held += u64::from(before == 0) * FINDING_WEIGHT + u64::from(before < each);
        if self.held > (self.cap + self.cap / 2) as u64 {
            self.trim();
        }
    }

    /// Keep the first findings by key whose weights add up to at most `cap`.
    fn trim(&mut self) {
        if self.held <= self.cap as u64 {
            return;
        }
        let mut keys: Vec<&Vec<String>> = self.map.keys().collect();
        keys.sort_unstable();
        let mut sum = 0u64;
        let mut cut = keys.len();
        for (i, k) in keys.iter().enumerate() {
            sum += self.weight(&self.map[*k]);
            if sum > self.cap as u64 {
                cut = i;
                break;
            }
        }
        let gone: Vec<Vec<String>> = keys[cut..].iter().map(|k| (*k).clone()).collect();
        if let Some(first) = gone.first() {
            self.bar = Some(first.clone());
        }
        for k in gone {
            if let Some(a) = self.map.remove(&k) {
                self.held -= self.weight(&a);
                self.left += a.count();
            }
        }
    }

    fn merge(&mut self, o: Groups) {
        self.left += o.left;
        // what the part left out is out of the whole: its bar is this one's too
        if let Some(b) = o.bar
            && !self.out(&b)
        {
            self.bar = Some(b);
            let gone: Vec<Vec<String>> = self.map.keys().filter(|k| self.out(k)).cloned().collect();
            for k in gone {
                if let Some(a) = self.map.remove(&k) {
                    self.held -= self.weight(&a);
                    self.left += a.count();
                }
            }
        }
        for (k, acc) in o.map {
            if self.out(&k) {
                self.left += acc.count();
                continue;
            }
            match self.map.get_mut(&k) {
                Some(x) => {
                    let w = FINDING_WEIGHT + x.count().min(self.each);
                    x.merge(acc);
                    self.held = self.held - w + FINDING_WEIGHT + x.count().min(self.each);
                }
                None => {
                    self.held += self.weight(&acc);
                    self.map.insert(k, acc);
                }
            }
        }
        if self.held > (self.cap + self.cap / 2) as u64 {
            self.trim();
        }
    }
}

/// One rule's state.
#[derive(Debug, Clone)]
pub enum Keep {
    /// Findings by `group_by` key.
    Groups(Groups),
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
    Idents(Idents),
}

impl Keep {
    fn new(i: usize, rule: &Rule, limits: Limits, seeds: &Seeds) -> Keep {
        fn bar<T: Clone>(v: &[Option<T>], i: usize) -> Option<T> {
            v.get(i).cloned().flatten()
        }
        if rule.threshold.is_some() {
            Keep::Hits(Kept::below(limits.rule_hits, bar(&seeds.hits, i)))
        } else if rule.sequence.is_some() {
            Keep::Steps {
                firsts: Kept::below(limits.rule_hits, bar(&seeds.firsts, i)),
                thens: Kept::below(limits.rule_hits, bar(&seeds.thens, i)),
                index: FxHashMap::default(),
                multi: false,
            }
        } else if rule.baseline.is_some() {
            Keep::Idents(Idents::new(limits.rule_hits, bar(&seeds.idents_bar, i)))
        } else {
            Keep::Groups(Groups::new(
                limits.rule_hits,
                limits.evidence,
                bar(&seeds.groups, i),
            ))
        }
    }

    fn merge(&mut self, o: Keep) {
        match (self, o) {
            (Keep::Groups(a), Keep::Groups(b)) => a.merge(b),
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
            (Keep::Idents(a), Keep::Idents(b)) => a.merge(b),
            _ => unreachable!("parts of one run have the same rules"),
        }
    }

    fn finish(&mut self) {
        match self {
            Keep::Groups(g) => {
                g.trim();
                g.map.values_mut().for_each(|a| a.ev.finish())
            }
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
            Keep::Idents(m) => {
                m.trim();
                m.map
                    .values_mut()
                    .flat_map(|i| i.vals.values_mut())
                    .for_each(|a| a.ev.finish())
            }
        }
    }
}

/// The bars of the sink's lists that are full, handed to the parts made after: a part then
/// does not build the evidence of requests that cannot be among those listed (without it,
/// each chunk's part rebuilt up to `evidence` requests for every busy identity of a baseline
/// rule, about a fifth more CPU for detect). Any older copy is still right: bars only fall,
/// and what sorts at or above an older bar sorts above the newer one too.
#[derive(Debug, Default)]
pub struct Seeds {
    hits: Vec<Option<ThHit>>,
    firsts: Vec<Option<SeqHit>>,
    thens: Vec<Option<SeqHit>>,
    /// Per baseline rule: identity -> value -> bar.
    idents: Vec<IdentBars>,
    /// Per baseline rule: the largest identity kept.
    idents_bar: Vec<Option<String>>,
    /// Per plain rule: the smallest finding's key left out.
    groups: Vec<Option<Vec<String>>>,
}

/// What a run's rules kept: one per worker part, merged into the sink's.
#[derive(Debug, Clone)]
pub struct State {
    pub limits: Limits,
    pub(super) per: Vec<Keep>,
    /// Per rule: requests it could not check for want of a body.
    pub unchecked: Vec<u64>,
    /// Requests tested.
    pub requests: u64,
    /// What findings show is kept as logged, not redacted (`--show-secrets`).
    show_secrets: bool,
    seeds: std::sync::Arc<Seeds>,
}

impl State {
    pub fn new(rules: &Rules, limits: Limits) -> State {
        State::seeded(rules, limits, std::sync::Arc::default())
    }

    fn seeded(rules: &Rules, limits: Limits, seeds: std::sync::Arc<Seeds>) -> State {
        State {
            limits,
            per: rules
                .rules
                .iter()
                .enumerate()
                .map(|(i, r)| Keep::new(i, r, limits, &seeds))
                .collect(),
            unchecked: vec![0; rules.rules.len()],
            requests: 0,
            show_secrets: rules.show_secrets,
            seeds,
        }
    }

    /// An empty state for a worker's part, with this one's last [`State::reseed`].
    pub fn part(&self, rules: &Rules) -> State {
        State::seeded(rules, self.limits, self.seeds.clone())
    }

    /// Take a copy of the bars of the lists that are full, for the parts made after.
    pub fn reseed(&mut self) {
        let mut s = Seeds::default();
        for keep in &self.per {
            let (mut h, mut f, mut t, mut ids) = (None, None, None, FxHashMap::default());
            let mut ib = None;
            let mut gb = None;
            match keep {
                Keep::Hits(k) => h = k.bar.clone(),
                Keep::Steps { firsts, thens, .. } => {
                    f = firsts.bar.clone();
                    t = thens.bar.clone();
                }
                Keep::Idents(m) => {
                    ib = m.bar.clone();
                    for (who, id) in &m.map {
                        let bars: FxHashMap<String, Ev> = id
                            .vals
                            .iter()
                            .filter_map(|(v, a)| Some((v.clone(), a.ev.bar.clone()?)))
                            .collect();
                        if !bars.is_empty() {
                            ids.insert(who.clone(), bars);
                        }
                    }
                }
                Keep::Groups(g) => gb = g.bar.clone(),
            }
            s.groups.push(gb);
            s.hits.push(h);
            s.firsts.push(f);
            s.thens.push(t);
            s.idents.push(ids);
            s.idents_bar.push(ib);
        }
        self.seeds = std::sync::Arc::new(s);
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
        let show = self.show_secrets;
        match &mut self.per[i] {
            Keep::Groups(g) => {
                let mut key: Vec<String> = rule.group_by.iter().map(|f| f.key(r, b)).collect();
                // denials are findings of their own: of another severity
                key.push(if r.outcome() == Outcome::Denied {
                    DENIED.to_string()
                } else {
                    String::new()
                });
                g.add(key, cap, r, || ev(rule, r, b, show));
            }
            Keep::Hits(k) => {
                let Some(t) = &rule.threshold else { return };
                let time = r.time();
                k.offer(
                    |bar| (time, &*r.audit_id) <= bar.ev.key(),
                    || threshold_hit(rule, t, r, b, show),
                );
            }
            Keep::Steps { firsts, .. } => {
                let Some(s) = &rule.sequence else { return };
                let time = r.time();
                firsts.offer(
                    |bar| (time, &*r.audit_id) <= bar.ev.key(),
                    || SeqHit {
                        ev: ev(rule, r, b, show),
                        join: joined(&s.join_first, r, b),
                    },
                );
            }
            Keep::Idents(m) => {
                if let Some(bl) = &rule.baseline {
                    see((rule, show), bl, r, b, m, cap, self.seeds.idents.get(i));
                }
            }
        }
    }

    /// A request matched the later step of sequence rule `i`.
    pub(super) fn then(&mut self, i: usize, rule: &Rule, r: &Request<'_>, b: &Bodies) {
        let Some(s) = &rule.sequence else { return };
        let show = self.show_secrets;
        if let Keep::Steps { thens, .. } = &mut self.per[i] {
            let time = r.time();
            thens.offer(
                |bar| (time, &*r.audit_id) <= bar.ev.key(),
                || SeqHit {
                    ev: ev(rule, r, b, show),
                    join: joined(&s.join_then, r, b),
                },
            );
        }
    }

    /// Sort what was kept: before [`findings`] and [`State::notes`].
    pub fn finish(&mut self) {
        self.per.iter_mut().for_each(Keep::finish);
    }

    /// Per rule (in the run's order), the matching requests it left out past
    /// [`Limits::rule_hits`]: not windowed or joined (threshold, sequence), of findings not kept
    /// (plain rules), of identities not followed or not judged (baseline). JSON's `leftOut`.
    pub fn left_out(&self) -> Vec<u64> {
        self.per
            .iter()
            .map(|keep| match keep {
                Keep::Hits(k) => k.seen() - k.items().len() as u64,
                Keep::Steps { firsts, thens, .. } => {
                    firsts.seen() + thens.seen()
                        - (firsts.items().len() + thens.items().len()) as u64
                }
                Keep::Groups(g) => g.left,
                Keep::Idents(m) => {
                    m.left
                        + m.map
                            .values()
                            .filter(|i| i.over)
                            .map(|i| i.requests)
                            .sum::<u64>()
                }
            })
            .collect()
    }

    /// What the bounds left out that no finding says: matching requests a threshold or
    /// sequence rule did not window or join, identities a baseline did not judge.
    pub fn notes(&self, rules: &Rules) -> Vec<String> {
        let mut out = Vec::new();
        for (rule, keep) in rules.rules.iter().zip(&self.per) {
            // requests kept and seen, and the bound that would keep them all
            let (kept, seen, all) = match keep {
                Keep::Hits(k) => (k.items().len() as u64, k.seen(), k.seen()),
                Keep::Steps { firsts, thens, .. } => (
                    (firsts.items().len() + thens.items().len()) as u64,
                    firsts.seen() + thens.seen(),
                    firsts.seen().max(thens.seen()),
                ),
                Keep::Idents(m) => {
                    if m.left > 0 {
                        out.push(format!(
                            "{}: followed the first {} identities (by name) and left out the {} requests of the others, which may hold more findings (a larger --max-rule-hits follows more)",
                            rule.id,
                            crate::render::thousands(m.cap as u64),
                            crate::render::thousands(m.left),
                        ));
                    }
                    let over = m.map.values().filter(|i| i.over).count();
                    if over > 0 {
                        out.push(format!(
                            "{}: {} identit{} used more than {BASELINE_VALUES} distinct values of {} and {} not judged (a value that changes that often is not a baseline)",
                            rule.id,
                            crate::render::thousands(over as u64),
                            if over == 1 { "y" } else { "ies" },
                            super::field::field_name(&rule.baseline.as_ref().map_or(Field::Actor, |b| b.field.clone())),
                            if over == 1 { "was" } else { "were" },
                        ));
                    }
                    continue;
                }
                Keep::Groups(g) => {
                    if g.left > 0 {
                        out.push(format!(
                            "{}: kept its first {} finding(s) by {} (listing {} request(s); each finding counts as {FINDING_WEIGHT} requests more than it lists, against --max-rule-hits {}) and left out the other {} matching request(s), which may hold more findings (a larger --max-rule-hits keeps more)",
                            rule.id,
                            crate::render::thousands(g.map.len() as u64),
                            rule.group_by.iter().map(super::field::field_name).collect::<Vec<_>>().join(", "),
                            crate::render::thousands(g.held - g.map.len() as u64 * FINDING_WEIGHT),
                            crate::render::thousands(g.cap as u64),
                            crate::render::thousands(g.left),
                        ));
                    }
                    continue;
                }
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
                    all,
                ));
            }
        }
        out
    }
}

/// The last key of a plain rule's finding when its requests were denied.
pub(super) const DENIED: &str = "denied";
/// Bytes of one field's values a request keeps for its finding to show.
pub const SHOWN_BYTES: usize = 256;

/// A request as rule `rule`'s finding lists it.
fn ev(rule: &Rule, r: &Request<'_>, b: &Bodies, show_secrets: bool) -> Ev {
    Ev::new(
        r,
        &hit_target(r, b),
        &shown_text(&rule.show, r, b, show_secrets),
    )
}

/// The values of `show`'s fields in `r`, each field's values joined by spaces (an exec's
/// command words make its command line) and redacted unless `show_secrets`
/// ([`Rule::show_value`]), then cut at [`SHOWN_BYTES`]; the fields joined by U+001F.
pub(super) fn shown_text(
    show: &[Field],
    r: &Request<'_>,
    b: &Bodies,
    show_secrets: bool,
) -> String {
    if show.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    for (i, f) in show.iter().enumerate() {
        if i > 0 {
            out.push('\u{1f}');
        }
        let vals: Vec<String> = f
            .values(r, b)
            .iter()
            .map(|v| v.text().replace('\u{1f}', " "))
            .collect();
        let words: Vec<&str> = vals
            .iter()
            .map(String::as_str)
            .filter(|w| !w.is_empty())
            .collect();
        let mut text = Rule::show_value(f, &words, show_secrets);
        if text.len() > SHOWN_BYTES {
            let mut end = SHOWN_BYTES;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.truncate(end);
            text.push('…');
        }
        out.push_str(&text);
    }
    out
}

fn threshold_hit(
    rule: &Rule,
    t: &Threshold,
    r: &Request<'_>,
    b: &Bodies,
    show_secrets: bool,
) -> ThHit {
    ThHit {
        ev: ev(rule, r, b, show_secrets),
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
/// Bars of a baseline rule's full lists, by identity and value (see [`Seeds`]).
type IdentBars = FxHashMap<String, FxHashMap<String, Ev>>;

fn see(
    rule: (&Rule, bool),
    bl: &Baseline,
    r: &Request<'_>,
    b: &Bodies,
    per: &mut Idents,
    cap: usize,
    seeds: Option<&IdentBars>,
) {
    match &bl.by[..] {
        [one] => one.with(r, b, |v| {
            let who = v
                .first()
                .and_then(Val::str)
                .unwrap_or(std::borrow::Cow::Borrowed(""));
            record(rule, bl, r, b, per, &who, cap, seeds);
        }),
        many => {
            let keys: Vec<String> = many.iter().map(|f| f.key(r, b)).collect();
            record(rule, bl, r, b, per, &keys.join("\u{1f}"), cap, seeds);
        }
    }
}

#[expect(clippy::too_many_arguments)]
fn record(
    (rule, show_secrets): (&Rule, bool),
    bl: &Baseline,
    r: &Request<'_>,
    b: &Bodies,
    per: &mut Idents,
    who: &str,
    cap: usize,
    seeds: Option<&IdentBars>,
) {
    let Some(id) = per.get(who) else { return };
    id.requests += 1;
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
                    let bar = seeds
                        .and_then(|m| m.get(who))
                        .and_then(|m| m.get(&*text))
                        .cloned();
                    id.vals
                        .entry(text.into_owned())
                        .or_insert_with(|| Acc::below(cap, bar))
                }
            };
            acc.add(r, || {
                let t = target_of.get_or_insert_with(|| target(r));
                Ev::new(r, t, &shown_text(&rule.show, r, b, show_secrets))
            });
        }
    });
}

#[cfg(test)]
mod tests;
