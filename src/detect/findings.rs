//! The findings of a run's kept state: plain rules' findings collapsed by `group_by`,
//! thresholds windowed into bursts, sequences joined, baselines' new values; each with what it
//! shows ([`Shown`]: its listed requests and the lists made of them), sorted by severity, time
//! and rule. Body values are shown through [`crate::redact`] unless `--show-secrets`.
//!
//! A sequence's findings are joined without copying: its later requests are sorted once, indexed
//! by join value, and each finding is a few ranges of that index (one binary search per join
//! value), read when the finding is printed. N grants followed by N requests of their grantee are
//! N findings of at most `evidence` listed requests each, in O(N log N) time and O(N) memory.
//!
//! Not here: what the rules keep (`keep.rs`), printing findings (`commands/detect.rs`).

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use super::Rules;
use super::evidence::{Acc, Ev, Outcomes};
use super::field::{Field, Seg};
use super::keep::{Ident, Idents, Keep, SeqHit, State, ThHit};
use super::rule::Severity;
use super::rule::{Baseline, Sequence, Threshold};
use crate::event::Ts;
use crate::vocab::duration::MINUTE;

/// What a rule found: identical hits collapsed, with their evidence.
#[derive(Debug, Clone)]
pub struct Finding<'s> {
    pub rule: usize,
    /// The rule's, or its `denied_severity` for a finding of denied requests.
    pub severity: Severity,
    /// Requests (for a sequence: the first and the later ones).
    pub count: u64,
    /// Its requests by outcome; `None` for a sequence (see [`Shown::outcomes`]: those it
    /// lists).
    pub outcomes: Option<Outcomes>,
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

/// What a finding shows: its listed requests, and the lists made of them (each sorted, once
/// each, built when asked: a table needs fewer than JSON).
#[derive(Debug, Clone, Default)]
pub struct Shown<'f> {
    /// A sequence's: its first request is listed before the others.
    head: bool,
    /// The listed requests, in order (a sequence's first request first).
    ev: Vec<&'f Ev>,
    /// A baseline's identity: the one actor.
    who: Option<&'f str>,
    /// Requests counted and not listed.
    pub left_out: u64,
}

/// Sorted, once each.
fn distinct<'f>(it: impl Iterator<Item = &'f str>) -> Vec<&'f str> {
    let mut v: Vec<&str> = Vec::new();
    for s in it {
        // requests in time order often repeat the last value: no need to sort those
        if v.last() != Some(&s) {
            v.push(s);
        }
    }
    v.sort_unstable();
    v.dedup();
    v
}

impl<'f> Shown<'f> {
    /// The auditIDs listed (for a sequence, the first request's, then the later ones').
    pub fn audit_ids(&self) -> Vec<&'f str> {
        self.ev.iter().map(|e| e.audit_id()).collect()
    }
    /// The first auditID listed, and how many requests there are besides (listed or not).
    pub fn first_id(&self) -> (Option<&'f str>, u64) {
        let first = self.ev.first().map(|e| e.audit_id());
        let all = self.ev.len() as u64 + self.left_out;
        (first, all.saturating_sub(1))
    }
    /// The listed requests by outcome.
    pub fn outcomes(&self) -> Outcomes {
        let mut o = Outcomes::default();
        self.ev.iter().for_each(|e| o.add(e.outcome));
        o
    }
    /// What the rule shows of the listed requests (its `show` fields' values, joined by
    /// U+001F), each once, in order of first listing.
    pub fn matched(&self) -> Vec<&'f str> {
        let mut seen = rustc_hash::FxHashSet::default();
        self.ev
            .iter()
            .map(|e| e.shown())
            .filter(|s| !s.is_empty() && seen.insert(*s))
            .collect()
    }
    /// The listed requests but a sequence's first (whose actor and target its detail says).
    fn rest(&self) -> &[&'f Ev] {
        &self.ev[usize::from(self.head).min(self.ev.len())..]
    }
    pub fn actors(&self) -> Vec<&'f str> {
        match self.who {
            Some(w) => vec![w],
            None => distinct(
                self.rest()
                    .iter()
                    .map(|e| e.actor())
                    .filter(|a| !a.is_empty()),
            ),
        }
    }
    /// The authenticated users that impersonated them, if any.
    pub fn via(&self) -> Vec<&'f str> {
        match self.who {
            Some(_) => Vec::new(),
            None => distinct(
                self.rest()
                    .iter()
                    .map(|e| e.via())
                    .filter(|a| !a.is_empty()),
            ),
        }
    }
    /// The addresses that connected (the last of each request's `sourceIPs`).
    pub fn source_ips(&self) -> Vec<&'f str> {
        distinct(self.rest().iter().filter_map(|e| e.ips().last()))
    }
    /// The addresses the clients' `X-Forwarded-For` claimed (those before the last), which
    /// anyone can write.
    pub fn forwarded_for(&self) -> Vec<&'f str> {
        distinct(self.rest().iter().flat_map(|e| {
            let n = e.ips().count().saturating_sub(1);
            e.ips().take(n)
        }))
    }
    /// Source addresses of listed requests not kept (past [`REQUEST_IPS`] in one request).
    pub fn ips_left_out(&self) -> u64 {
        self.rest().iter().map(|e| u64::from(e.ips_cut)).sum()
    }
    pub fn targets(&self) -> Vec<&'f str> {
        distinct(
            self.rest()
                .iter()
                .map(|e| e.target())
                .filter(|t| !t.is_empty()),
        )
    }
}

impl<'s> Finding<'s> {
    /// The listed requests (for a sequence, read from its ranges now: at most `evidence`
    /// later requests).
    pub fn shown(&self, evidence: usize) -> Shown<'_> {
        match &self.evidence {
            Evidence::Listed { ev, who } => Shown {
                head: false,
                ev: ev.clone(),
                who: who.as_deref(),
                left_out: self.count - ev.len() as u64,
            },
            Evidence::Joined {
                first,
                thens,
                ranges,
                multi,
            } => {
                let mut ev: Vec<&Ev> = vec![&first.ev];
                ev.extend(
                    later(first, thens, ranges, *multi)
                        .take(evidence.saturating_sub(1))
                        .map(|i| &thens[i as usize].ev),
                );
                Shown {
                    head: true,
                    left_out: self.count - ev.len() as u64,
                    ev,
                    who: None,
                }
            }
        }
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
/// `show_secrets`: body values in findings as logged, not redacted ([`crate::redact`]).
pub fn findings<'s>(rules: &Rules, st: &'s State, show_secrets: bool) -> Vec<Finding<'s>> {
    let mut out = Vec::new();
    for (i, (rule, keep)) in rules.rules.iter().zip(&st.per).enumerate() {
        match keep {
            Keep::Groups(g) => {
                let mut groups: Vec<(&Vec<String>, &Acc)> = g.map.iter().collect();
                groups.sort_unstable_by(|a, b| a.0.cmp(b.0));
                for (key, acc) in groups {
                    let denied = key.last().is_some_and(|k| k == super::keep::DENIED);
                    out.push(Finding {
                        rule: i,
                        severity: if denied {
                            rule.denied_severity
                        } else {
                            rule.severity
                        },
                        outcomes: Some(acc.outcomes),
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
                    bursts(
                        (i, rule.severity),
                        t,
                        k.items(),
                        st.limits.evidence,
                        &mut out,
                    );
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
                    sequences((i, rule.severity), s, &steps, &mut out);
                }
            }
            Keep::Idents(m) => {
                if let Some(bl) = &rule.baseline {
                    novelties((i, rule.severity), bl, m, show_secrets, &mut out);
                }
            }
        }
    }
    // stable: within one rule, the order above (by key, then time) is kept
    out.sort_by(|a, b| {
        let (ra, rb) = (&rules.rules[a.rule], &rules.rules[b.rule]);
        b.severity
            .cmp(&a.severity)
            .then(a.first.cmp(&b.first))
            .then(ra.id.cmp(&rb.id))
    });
    out
}

/// Runs of hits, per `by` key, where some window holds `count` hits (or distinct values).
/// `hits` are in order (time first).
fn bursts<'s>(
    (rule, severity): (usize, Severity),
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
                severity,
                outcomes: Some(Outcomes::default()),
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
            if let Some(o) = &mut f.outcomes {
                o.add(h.ev.outcome);
            }
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

fn sequences<'s>(
    (rule, severity): (usize, Severity),
    s: &Sequence,
    st: &Steps<'s>,
    out: &mut Vec<Finding<'s>>,
) {
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
            severity,
            outcomes: None,
            // the first request counts too
            count: count + 1,
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

/// A value of `field` as a finding shows it: a body value through [`crate::redact::field_value`]
/// unless `--show-secrets`.
pub(super) fn shown_value<'v>(
    field: &Field,
    v: &'v str,
    show_secrets: bool,
) -> std::borrow::Cow<'v, str> {
    match field {
        Field::Body(_, path) if !show_secrets => {
            let keys: Vec<&str> = path
                .iter()
                .filter_map(|s| match s {
                    Seg::Key(k) => Some(k.as_str()),
                    _ => None,
                })
                .collect();
            crate::redact::field_value(&keys, v)
        }
        _ => std::borrow::Cow::Borrowed(v),
    }
}

/// The values each identity started using `after` its first request.
fn novelties<'s>(
    (rule, severity): (usize, Severity),
    bl: &Baseline,
    per: &'s Idents,
    show_secrets: bool,
    out: &mut Vec<Finding<'s>>,
) {
    // a value read from a body is printed redacted (a rule can learn any body path)
    let value = |v: &str| shown_value(&bl.field, v, show_secrets).into_owned();
    let mut per: Vec<(&String, &Ident)> = per.map.iter().filter(|(_, i)| !i.over).collect();
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
            .map(|(v, n)| format!("{} ({n})", value(v)))
            .collect();
        let actor = match &bl.by[..] {
            [one] => shown_value(one, who, show_secrets).replace('\u{1f}', " "),
            many => who
                .split('\u{1f}')
                .zip(many)
                .map(|(w, f)| shown_value(f, w, show_secrets).into_owned())
                .collect::<Vec<_>>()
                .join(" "),
        };
        for (v, s) in new {
            let v = value(v);
            out.push(Finding {
                rule,
                severity,
                outcomes: Some(s.outcomes),
                count: s.count(),
                first: s.first,
                last: s.last,
                detail: Some(format!(
                    "new {} {v}, first seen {} after this identity's first request (of {total}); usual: {}",
                    super::field::field_name(&bl.field),
                    super::rule::duration_text(
                        s.first.map_or(0, |t| t.0 - start.0) / MINUTE * MINUTE
                    ),
                    usual.join(", ")
                )),
                evidence: Evidence::Listed {
                    ev: s.ev.items().iter().collect(),
                    who: Some(actor.clone()),
                },
            });
        }
    }
}
