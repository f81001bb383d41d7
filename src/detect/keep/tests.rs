//! Unit tests of what rules keep and the findings made of it: kept lists are the smallest N
//! whatever the order and the parts, evidence, sequences, thresholds, baselines and plain rules
//! bounded and saying so, seeded parts finding what one state finds.

use super::super::findings::{Finding, findings};
use super::*;
use crate::event::Ts;
use std::borrow::Cow;

fn rules(y: &str) -> Rules {
    let mut r = Rules::load(false, &[]).unwrap();
    r.rules = super::super::rule::parse_rules(y, "test").unwrap();
    r.select(&[], &[]).unwrap();
    r
}

fn req(id: &str, t: i64, user: &str, verb: &str, name: &str) -> Request<'static> {
    Request {
        audit_id: Cow::Owned(id.to_string()),
        user: Cow::Owned(user.to_string()),
        verb: Cow::Owned(verb.to_string()),
        resource: Cow::Borrowed("rolebindings"),
        name: Cow::Owned(name.to_string()),
        received: Some(Ts(t)),
        ..Default::default()
    }
}

/// A deterministic shuffle (xorshift), so the test needs no dependency.
fn shuffled(n: u64, seed: u64) -> Vec<u64> {
    let mut v: Vec<u64> = (0..n).collect();
    let mut x = seed | 1;
    for i in (1..v.len()).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.swap(i, (x % (i as u64 + 1)) as usize);
    }
    v
}

/// The smallest `cap` items, whatever the order they come in and however they are split
/// into parts and merged: what makes the state the same for any thread count and chunk size.
#[test]
fn kept_is_the_smallest_n_whatever_the_order_and_the_parts() {
    let want: Vec<u64> = (0..100).collect();
    for (seed, parts) in [(1, 1), (7, 3), (99, 17), (12345, 250)] {
        let items = shuffled(5000, seed);
        let mut ks: Vec<Kept<u64>> = (0..parts).map(|_| Kept::new(100)).collect();
        for (i, x) in items.iter().enumerate() {
            ks[i % parts].offer(|bar| x <= bar, || *x);
        }
        // merge in a scrambled order
        let mut all = Kept::new(100);
        for p in shuffled(parts as u64, seed) {
            all.merge(std::mem::replace(&mut ks[p as usize], Kept::new(100)));
        }
        all.finish();
        assert_eq!(all.items(), &want[..], "seed {seed}, {parts} parts");
        assert_eq!(all.seen(), 5000);
    }
    let mut none = Kept::<u64>::new(0);
    none.offer(|_| true, || 1);
    none.finish();
    assert!(none.items().is_empty());
    assert_eq!(none.seen(), 1);
}

/// A request's addresses read back as written; past REQUEST_IPS, the first ones are cut
/// and counted. Any text is safe in a field (lengths, not separators).
#[test]
fn evidence_reads_back_its_fields() {
    let mut r = req("a:1", 5, "ops", "get", "x");
    r.impersonated_user = Cow::Borrowed("eve");
    r.source_ips = vec![
        Cow::Borrowed("10:0:0:1"),
        Cow::Borrowed(""),
        Cow::Borrowed("3:abc"),
    ]
    .into();
    let e = Ev::new(&r, "rolebindings x", "");
    assert_eq!(
        (e.audit_id(), e.actor(), e.via(), e.target()),
        ("a:1", "eve", "ops", "rolebindings x")
    );
    assert_eq!(e.ips().collect::<Vec<_>>(), ["10:0:0:1", "", "3:abc"]);
    assert_eq!(e.ips_cut, 0);
    let mut r = req("b", 5, "ops", "get", "x");
    r.source_ips = (0..REQUEST_IPS + 4)
        .map(|i| Cow::Owned(format!("10.0.0.{i}")))
        .collect::<Vec<_>>()
        .into();
    let e = Ev::new(&r, "t", "");
    assert_eq!(e.ips().count(), REQUEST_IPS);
    assert_eq!(e.ips().next(), Some("10.0.0.4"));
    assert_eq!(e.ips_cut, 4);
}

const SEQ: &str = "rules:\n- id: S1\n  name: a rule\n  severity: low\n  description: d\n  false_positives: f\n  match: {verb: create}\n  sequence: {then: {verb: get}, within: 10m, join: {first: name, then: actor}}\n";

/// N grants to eve, each followed by all of eve's N reads that come within ten minutes: N
/// findings, each counting every read after it, listing at most `evidence` of them and
/// saying how many it left out; the state holds N grants and N reads (not N x N), and the
/// findings share them.
#[test]
fn sequence_findings_count_every_follower_and_list_a_bounded_few() {
    let rules = rules(SEQ);
    let limits = Limits {
        evidence: 10,
        rule_hits: 1_000_000,
    };
    let n = 3000i64;
    let mut st = State::new(&rules, limits);
    for i in 0..n {
        let t = i * 1_000_000; // one second apart: 600 reads within ten minutes
        rules.see(&req(&format!("g{i}"), t, "admin", "create", "eve"), &mut st);
        rules.see(&req(&format!("r{i}"), t + 1, "eve", "get", "s"), &mut st);
    }
    st.finish();
    let Keep::Steps { firsts, thens, .. } = &st.per[0] else {
        panic!("a sequence rule keeps steps")
    };
    assert_eq!((firsts.items().len(), thens.items().len()), (3000, 3000));
    let found = findings(&rules, &st, false);
    assert_eq!(found.len(), 3000);
    for (i, f) in found.iter().enumerate() {
        // reads i .. i+599 (the read at exactly +10m is within too: i+600 is at t+600s+1µs)
        let want = (n - i as i64).min(600) as u64;
        // the grant counts too, and is listed first: 10 in all
        assert_eq!(f.count, want + 1, "finding {i}");
        let s = f.shown(limits.evidence);
        let ids = s.audit_ids();
        assert_eq!(ids[0], format!("g{i}"));
        let listed = ids.len() as u64 - 1;
        assert_eq!(listed, want.min(9));
        assert_eq!(s.left_out, want - listed);
        assert_eq!(ids[1], format!("r{i}"));
        assert_eq!(s.first_id(), (Some(&*format!("g{i}")), want));
    }
}

/// A request that is both a first step and a later one never follows itself.
#[test]
fn a_sequence_request_does_not_follow_itself() {
    let y = "rules:\n- id: S2\n  name: a rule\n  severity: low\n  description: d\n  false_positives: f\n  match: {verb: create}\n  sequence: {then: {verb: [create, get]}, within: 10m, join: {first: actor, then: actor}}\n";
    let rules = rules(y);
    let mut st = State::new(&rules, Limits::default());
    rules.see(&req("a", 0, "eve", "create", "x"), &mut st);
    rules.see(&req("b", 5, "eve", "get", "x"), &mut st);
    st.finish();
    let found = findings(&rules, &st, false);
    // a (followed by a itself: no, and by b: yes), b is not a first step
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].count, 2);
    assert_eq!(found[0].shown(10).audit_ids(), ["a", "b"]);
}

/// A threshold rule windows at most `rule_hits` requests (the earliest) and says how many
/// it left out; a plain rule's finding counts all and lists `evidence`.
#[test]
fn thresholds_and_plain_rules_are_bounded_and_say_so() {
    let y = "rules:\n- id: T1\n  name: a rule\n  severity: low\n  description: d\n  false_positives: f\n  match: {verb: get}\n  threshold: {count: 5, window: 1m}\n- id: P1\n  name: a rule\n  severity: low\n  description: d\n  false_positives: f\n  match: {verb: get}\n  group_by: [actor]\n";
    let rules = rules(y);
    let limits = Limits {
        evidence: 7,
        rule_hits: 100,
    };
    let mut parts: Vec<State> = (0..3).map(|_| State::new(&rules, limits)).collect();
    for i in shuffled(250, 3) {
        let r = req(&format!("id{i:03}"), i as i64 * 1000, "eve", "get", "x");
        rules.see(&r, &mut parts[i as usize % 3]);
    }
    let mut st = parts.pop().unwrap();
    for p in parts {
        st.merge(p);
    }
    st.finish();
    let notes = st.notes(&rules);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].starts_with(
            "T1: windowed its first 100 matching requests (by time) and left out the other 150"
        ),
        "{notes:?}"
    );
    let found = findings(&rules, &st, false);
    let t1: Vec<&Finding> = found.iter().filter(|f| f.rule == 0).collect();
    assert_eq!((t1.len(), t1[0].count), (1, 100));
    let p1 = found.iter().find(|f| f.rule == 1).unwrap();
    let s = p1.shown(limits.evidence);
    assert_eq!(p1.count, 250);
    assert_eq!(
        s.audit_ids(),
        [
            "id000", "id001", "id002", "id003", "id004", "id005", "id006"
        ]
    );
    assert_eq!(s.left_out, 243);
}

/// An identity that used more than BASELINE_VALUES values is not judged, and a note says so;
/// one value late among a stable identity's is reported with its evidence.
#[test]
fn baselines_follow_a_bounded_number_of_values_per_identity() {
    let y = "rules:\n- id: B1\n  name: a rule\n  severity: low\n  description: d\n  false_positives: f\n  match: {verb: get}\n  baseline: {by: [user], field: user_agent, after: 30m, min_requests: 50, max_new: 3}\n";
    let rules = rules(y);
    let mut st = State::new(&rules, Limits::default());
    let min = 60_000_000;
    for i in 0..300 {
        let mut r = req(&format!("s{i}"), i * min / 5, "stable", "get", "x");
        r.user_agent = Cow::Borrowed(if i == 299 { "curl" } else { "controller" });
        rules.see(&r, &mut st);
        let mut r = req(&format!("w{i}"), i * min / 10, "wild", "get", "x");
        r.user_agent = Cow::Owned(format!("agent-{i}"));
        rules.see(&r, &mut st);
    }
    st.finish();
    let notes = st.notes(&rules);
    assert_eq!(
        notes,
        [
            "B1: 1 identity used more than 100 distinct values of user_agent and was not judged (a value that changes that often is not a baseline)"
        ]
    );
    let found = findings(&rules, &st, false);
    assert_eq!(found.len(), 1);
    let s = found[0].shown(1000);
    assert_eq!((s.audit_ids(), found[0].count), (vec!["s299"], 1));
    assert_eq!(s.actors(), ["stable"]);
    assert!(
        found[0]
            .detail
            .as_deref()
            .unwrap()
            .starts_with("new user_agent curl")
    );
}

/// Parts made after a reseed skip requests the sink already has enough of: the findings
/// are those of one state fed everything, whatever the parts and the reseeds.
#[test]
fn seeded_parts_find_what_one_state_finds() {
    let y = format!(
        "{SEQ}- id: T2\n  name: a rule\n  severity: low\n  description: d\n  false_positives: f\n  match: {{verb: get}}\n  threshold: {{count: 3, window: 1m}}\n- id: B2\n  name: a rule\n  severity: low\n  description: d\n  false_positives: f\n  match: {{verb: get}}\n  baseline: {{by: [user], field: user_agent, after: 30m, min_requests: 50, max_new: 3}}\n"
    );
    let rules = rules(&y);
    let limits = Limits {
        evidence: 4,
        rule_hits: 50,
    };
    let reqs: Vec<Request<'static>> = (0..400i64)
        .map(|i| {
            let t = i * 20_000_000;
            let mut r = if i % 10 == 0 {
                req(&format!("g{i:03}"), t, "admin", "create", "eve")
            } else {
                req(&format!("r{i:03}"), t, "eve", "get", "s")
            };
            r.user_agent = Cow::Borrowed(if i > 300 && i % 7 == 0 {
                "curl"
            } else {
                "kubectl"
            });
            r
        })
        .collect();
    let text = |st: &State| -> Vec<String> {
        findings(&rules, st, false)
            .iter()
            .map(|f| {
                let s = f.shown(limits.evidence);
                format!(
                    "{} {} {:?} {:?} {}",
                    f.rule,
                    f.count,
                    s.audit_ids(),
                    s.targets(),
                    s.left_out
                )
            })
            .collect()
    };
    let mut one = State::new(&rules, limits);
    reqs.iter().for_each(|r| rules.see(r, &mut one));
    one.finish();
    let want = text(&one);
    assert!(want.len() > 5, "{want:?}");
    for chunk in [1, 7, 33] {
        let mut sink = State::new(&rules, limits);
        for c in reqs.chunks(chunk) {
            let mut part = sink.part(&rules);
            c.iter().for_each(|r| rules.see(r, &mut part));
            sink.merge(part);
            sink.reseed();
        }
        sink.finish();
        assert_eq!(text(&sink), want, "chunks of {chunk}");
        assert_eq!(sink.notes(&rules), one.notes(&rules));
    }
}

/// A plain rule keeps its first findings by key while their weights fit in `rule_hits`
/// (FINDING_WEIGHT each, and the requests they list), whatever the order, the parts and the
/// reseeds; each kept finding counts all its requests, and the others' are counted as left
/// out (so kept and left out add up to every match).
#[test]
fn plain_rules_keep_a_bounded_number_of_findings_and_count_the_rest() {
    let y = "rules:\n- id: P3\n  name: a rule\n  severity: low\n  description: d\n  false_positives: f\n  match: {verb: get}\n  group_by: [user]\n";
    let rules = rules(y);
    let limits = Limits {
        evidence: 4,
        rule_hits: 300,
    };
    // 60 users of 10 requests each: a finding weighs 54, 5 fit in 300
    let reqs: Vec<Request<'static>> = (0..600i64)
        .map(|i| {
            req(
                &format!("id{i:04}"),
                i * 1000,
                &format!("u{:02}", i % 60),
                "get",
                "x",
            )
        })
        .collect();
    let text = |st: &State| -> Vec<String> {
        findings(&rules, st, false)
            .iter()
            .map(|f| {
                let s = f.shown(limits.evidence);
                format!(
                    "{} {:?} {:?} {}",
                    f.count,
                    s.actors(),
                    s.audit_ids(),
                    s.left_out
                )
            })
            .collect()
    };
    let mut one = State::new(&rules, limits);
    reqs.iter().for_each(|r| rules.see(r, &mut one));
    one.finish();
    let want = text(&one);
    assert_eq!(want.len(), 5, "{want:?}");
    assert!(want[0].starts_with("10 [\"u00\"] [\"id0000\", \"id0060\", \"id0120\", \"id0180\"] 6"));
    assert_eq!(one.left_out(), [550]);
    assert_eq!(
        one.notes(&rules),
        [
            "P3: kept its first 5 finding(s) by user (listing 20 request(s); each finding counts as 50 requests more than it lists, against --max-rule-hits 300) and left out the other 550 matching request(s), which may hold more findings (a larger --max-rule-hits keeps more)"
        ]
    );
    for (seed, parts) in [(3, 2), (11, 9), (17, 100)] {
        let order = shuffled(reqs.len() as u64, seed);
        let mut sink = State::new(&rules, limits);
        for c in order.chunks(order.len().div_ceil(parts)) {
            let mut part = sink.part(&rules);
            c.iter()
                .for_each(|&i| rules.see(&reqs[i as usize], &mut part));
            sink.merge(part);
            sink.reseed();
        }
        sink.finish();
        assert_eq!(text(&sink), want, "seed {seed}, {parts} parts");
        assert_eq!(sink.left_out(), [550]);
    }
}

/// A baseline rule follows at most `rule_hits` identities, the first by name whatever the
/// order, and counts the requests of the others.
#[test]
fn baselines_follow_a_bounded_number_of_identities() {
    let y = "rules:\n- id: B3\n  name: a rule\n  severity: low\n  description: d\n  false_positives: f\n  match: {verb: get}\n  baseline: {by: [user], field: user_agent, after: 30m, min_requests: 5, max_new: 3}\n";
    let rules = rules(y);
    let limits = Limits {
        evidence: 10,
        rule_hits: 20,
    };
    let min = 60_000_000;
    // 100 identities of 10 requests each, the last of each from a new client
    let mut reqs = Vec::new();
    for u in 0..100 {
        for i in 0..10 {
            let mut r = req(
                &format!("u{u:03}-{i}"),
                i * 5 * min,
                &format!("u{u:03}"),
                "get",
                "x",
            );
            r.user_agent = Cow::Borrowed(if i == 9 { "curl" } else { "kubectl" });
            reqs.push(r);
        }
    }
    let mut want: Option<(Vec<String>, Vec<String>)> = None;
    for (seed, parts) in [(1, 1), (5, 3), (9, 40)] {
        let mut sink = State::new(&rules, limits);
        let order = shuffled(reqs.len() as u64, seed);
        for c in order.chunks(order.len().div_ceil(parts)) {
            let mut part = sink.part(&rules);
            c.iter()
                .for_each(|&i| rules.see(&reqs[i as usize], &mut part));
            sink.merge(part);
            sink.reseed();
        }
        sink.finish();
        let who: Vec<String> = findings(&rules, &sink, false)
            .iter()
            .map(|f| f.shown(10).actors()[0].to_string())
            .collect();
        let got = (who, sink.notes(&rules));
        assert_eq!(got.0.len(), 20);
        assert_eq!(got.0[0], "u000");
        assert_eq!(
            got.1,
            [
                "B3: followed the first 20 identities (by name) and left out the 800 requests of the others, which may hold more findings (a larger --max-rule-hits follows more)"
            ]
        );
        match &want {
            None => want = Some(got),
            Some(w) => assert_eq!(&got, w, "seed {seed}, {parts} parts"),
        }
    }
}
