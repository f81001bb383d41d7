//! Unit tests of the filter: globs, each flag, durations, times, resources, CIDRs, and the
//! prefilter (its literals and escapes, and that it never drops a line that can match).

use super::prefilter::{head, line_key};
use super::*;
use crate::correlate::List;
use std::borrow::Cow;

#[test]
fn globs_match_whole_strings_in_every_form() {
    let cases = [
        (
            "system:serviceaccount:ci:*",
            "system:serviceaccount:ci:deploy",
            true,
        ),
        (
            "system:serviceaccount:ci:*",
            "system:serviceaccount:ci:",
            true,
        ),
        (
            "system:serviceaccount:ci:*",
            "x-system:serviceaccount:ci:a",
            false,
        ),
        ("eve", "eve", true),
        ("eve", "steve", false),
        ("*:deploy", "system:serviceaccount:ci:deploy", true),
        ("a*b", "axxb", true),
        ("a*b", "axxbc", false),
        ("a?c", "abc", true),
        ("a?c*", "abcd", true),
        ("*", "", true),
    ];
    for (pat, s, want) in cases {
        assert_eq!(Glob::new(pat).is_match(s), want, "{pat} on {s}");
    }
    assert!(matches!(Glob::new("ab*"), Glob::Prefix(_)));
    assert!(matches!(Glob::new("a?*"), Glob::Pattern(..)));
}

fn now() -> Ts {
    Ts::parse("2026-11-21T15:00:00Z").unwrap()
}

fn req() -> Request<'static> {
    Request {
        verb: "delete".into(),
        user: "system:serviceaccount:ci:builder".into(),
        groups: vec![Cow::Borrowed("system:serviceaccounts")],
        resource: "configmaps".into(),
        namespace: "prod".into(),
        name: "app-config".into(),
        code: Some(403),
        decision: "forbid".into(),
        source_ips: List::One("10.1.2.3".into()),
        user_agent: "kubectl/v1.30.0".into(),
        request_uri: "/api/v1/namespaces/prod/configmaps/app-config".into(),
        level: "Metadata".into(),
        received: Ts::parse("2026-11-21T14:00:00Z"),
        is_final: true,
        ..Default::default()
    }
}

fn spec(f: impl FnOnce(&mut FilterSpec)) -> Filter {
    let mut s = FilterSpec::default();
    f(&mut s);
    Filter::compile(&s, now(), false).unwrap()
}

#[test]
fn each_flag_matches_and_rejects() {
    let r = req();
    assert!(spec(|_| {}).matches(&r));
    assert!(spec(|s| s.verb = vec!["get,delete".into()]).matches(&r));
    assert!(!spec(|s| s.verb = vec!["get".into()]).matches(&r));
    assert!(spec(|s| s.verb = vec!["write".into()]).matches(&r));
    assert!(spec(|s| s.resource = vec!["cm".into()]).matches(&r));
    assert!(spec(|s| s.resource = vec!["configmaps.core".into()]).matches(&r));
    assert!(!spec(|s| s.resource = vec!["secrets".into()]).matches(&r));
    assert!(!spec(|s| s.resource = vec!["cm/status".into()]).matches(&r));
    assert!(spec(|s| s.user = vec!["system:serviceaccount:ci:*".into()]).matches(&r));
    assert!(!spec(|s| s.user = vec!["system:serviceaccount:prod:*".into()]).matches(&r));
    assert!(spec(|s| s.group = vec!["system:serviceaccounts".into()]).matches(&r));
    assert!(spec(|s| s.name = vec!["app-*".into()]).matches(&r));
    assert!(spec(|s| s.code = vec!["4xx".into()]).matches(&r));
    assert!(spec(|s| s.code = vec!["200".into(), "403".into()]).matches(&r));
    assert!(!spec(|s| s.code = vec!["5xx".into()]).matches(&r));
    assert!(spec(|s| s.decision = vec!["forbid".into()]).matches(&r));
    assert!(spec(|s| s.ip = vec!["10.0.0.0/8".into()]).matches(&r));
    assert!(!spec(|s| s.ip = vec!["192.168.0.0/16".into()]).matches(&r));
    assert!(spec(|s| s.user_agent = vec!["^kubectl/".into()]).matches(&r));
    assert!(spec(|s| s.uri = vec!["/configmaps/".into()]).matches(&r));
    assert!(spec(|s| s.level = vec!["metadata".into()]).matches(&r));
    assert!(spec(|s| s.since = Some("2h".into())).matches(&r));
    assert!(!spec(|s| s.since = Some("30m".into())).matches(&r));
    assert!(spec(|s| s.until = Some("2026-11-21T14:00:01Z".into())).matches(&r));
    assert!(!spec(|s| s.until = Some("2026-11-21T14:00:00Z".into())).matches(&r));
    assert!(!spec(|s| s.incomplete = true).matches(&r));
    assert!(!spec(|s| s.stage = vec!["ResponseStarted".into()]).matches(&r));
}

#[test]
fn user_matches_impersonated_too() {
    let mut r = req();
    r.user = "ops-admin".into();
    r.impersonated_user = "eve".into();
    assert!(spec(|s| s.user = vec!["eve".into()]).matches(&r));
    assert!(spec(|s| s.user = vec!["ops-admin".into()]).matches(&r));
}

#[test]
fn bad_values_name_the_flag() {
    let err = |f: fn(&mut FilterSpec)| {
        let mut s = FilterSpec::default();
        f(&mut s);
        Filter::compile(&s, now(), false).unwrap_err().to_string()
    };
    assert!(err(|s| s.verb = vec!["destroy".into()]).starts_with("--verb:"));
    assert!(err(|s| s.code = vec!["6xx".into()]).starts_with("--code:"));
    assert!(err(|s| s.code = vec!["abc".into()]).starts_with("--code:"));
    assert!(err(|s| s.ip = vec!["10.0.0.0/33".into()]).starts_with("--ip:"));
    assert!(err(|s| s.ip = vec!["10.0.0".into()]).starts_with("--ip:"));
    assert!(err(|s| s.user_agent = vec!["(".into()]).starts_with("--user-agent:"));
    assert!(err(|s| s.since = Some("last tuesday".into())).starts_with("--since:"));
    assert!(err(|s| s.decision = vec!["maybe".into()]).starts_with("--decision:"));
    assert!(err(|s| s.level = vec!["Everything".into()]).starts_with("--level:"));
    assert!(err(|s| s.resource = vec!["pods/exec/x".into()]).starts_with("--resource:"));
    assert!(err(|s| s.resource = vec!["po$".into()]).starts_with("--resource:"));
}

#[test]
fn times() {
    let n = now();
    assert_eq!(
        parse_time("--since", "2h", n, false).unwrap().rfc3339(),
        "2026-11-21T13:00:00.000000Z"
    );
    assert_eq!(
        parse_time("--since", "1h30m", n, false).unwrap().rfc3339(),
        "2026-11-21T13:30:00.000000Z"
    );
    assert_eq!(
        parse_time("--since", "2026-11-20", n, false)
            .unwrap()
            .rfc3339(),
        "2026-11-20T00:00:00.000000Z"
    );
    assert_eq!(
        parse_time("--since", "2026-11-20 10:30", n, false)
            .unwrap()
            .rfc3339(),
        "2026-11-20T10:30:00.000000Z"
    );
    assert_eq!(
        parse_time("--since", "2026-11-20T10:30:00+02:00", n, false)
            .unwrap()
            .rfc3339(),
        "2026-11-20T08:30:00.000000Z"
    );
    assert!(parse_time("--since", "5x", n, false).is_err());
}

/// With --local, a date or a time typed without zone is in the local zone (as rows show it); one
/// that says its offset, or a duration, is the same whatever the zone.
#[test]
fn times_without_zone_are_local_with_local() {
    let n = now();
    let ist =
        jiff::tz::TimeZone::fixed(jiff::tz::Offset::from_seconds(5 * 3600 + 30 * 60).unwrap());
    let at = |s: &str, tz: &jiff::tz::TimeZone| {
        parse_time_in("--since", s, n, tz.clone())
            .unwrap()
            .rfc3339()
    };
    assert_eq!(at("2026-11-21 20:29", &ist), "2026-11-21T14:59:00.000000Z");
    assert_eq!(
        at("2026-11-21T20:29:06.5", &ist),
        "2026-11-21T14:59:06.500000Z"
    );
    assert_eq!(at("2026-11-21", &ist), "2026-11-20T18:30:00.000000Z");
    let utc = jiff::tz::TimeZone::UTC;
    for s in [
        "2026-11-21T20:29:00+05:30",
        "2026-11-21T14:59:00Z",
        "2026-11-21 14:59:00Z",
        "90m",
    ] {
        assert_eq!(at(s, &ist), at(s, &utc), "{s}");
    }
    assert_eq!(
        at("2026-11-21T14:59:00.1234567Z", &ist),
        "2026-11-21T14:59:00.123456Z"
    );
}

#[test]
fn resources() {
    assert_eq!(parse_resource("deploy").unwrap().resource, "deployments");
    let r = parse_resource("deployments.apps").unwrap();
    assert_eq!(
        (r.resource.as_str(), r.group.as_deref()),
        ("deployments", Some("apps"))
    );
    let r = parse_resource("po/exec").unwrap();
    assert_eq!(
        (r.resource.as_str(), r.subresource.as_deref()),
        ("pods", Some("exec"))
    );
    assert_eq!(
        parse_resource("widgets.example.com")
            .unwrap()
            .group
            .as_deref(),
        Some("example.com")
    );
    assert_eq!(
        parse_resource("CRB").unwrap().resource,
        "clusterrolebindings"
    );
}

#[test]
fn a_line_key_that_is_not_utf8_is_not_taken() {
    let line = |id: &[u8]| {
        let mut l =
            br#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":""#
                .to_vec();
        l.extend_from_slice(id);
        l.extend_from_slice(br#"","stage":"RequestReceived","requestReceivedTimestamp":"2026-01-01T00:00:00.000000Z","stageTimestamp":"2026-01-01T00:00:00.000000Z"}"#);
        l
    };
    let ok = line(b"abcd");
    assert_eq!(
        line_key(&ok, head(&ok).0, 0),
        Some(crate::correlate::key_hash(
            "abcd",
            "2026-01-01T00:00:00.000000Z"
        ))
    );
    // parsed instead, and reported as malformed
    let bad = line(b"ab\xffcd");
    assert_eq!(line_key(&bad, head(&bad).0, 0), None);
    let utf8 = line("é".as_bytes());
    assert_eq!(
        line_key(&utf8, head(&utf8).0, 0),
        Some(crate::correlate::key_hash(
            "é",
            "2026-01-01T00:00:00.000000Z"
        ))
    );
}

fn lk<'l>(audit_id: &'l str, received: &'l str) -> LineKey<'l> {
    LineKey {
        hash: crate::correlate::key_hash(audit_id, received),
        audit_id,
        received,
    }
}

#[test]
fn prefilter_literals_and_escapes() {
    let f = spec(|s| {
        s.verb = vec!["delete".into()];
        s.resource = vec!["cm".into(), "secrets".into()];
    });
    let p = f.prefilter().unwrap();
    assert!(may(
        &p,
        br#"{"verb":"delete","objectRef":{"resource":"configmaps"}}"#
    ));
    assert!(may(
        &p,
        br#"{"verb": "delete", "objectRef": {"resource": "secrets"}}"#
    ));
    assert!(!may(
        &p,
        br#"{"verb":"get","objectRef":{"resource":"configmaps"}}"#
    ));
    assert!(!may(
        &p,
        br#"{"verb":"delete","objectRef":{"resource":"pods"}}"#
    ));
    // an escape that could spell a letter of a literal forces a parse
    assert!(may(
        &p,
        br#"{"verb":"d\u0065lete","objectRef":{"resource":"configmaps"}}"#
    ));
    // Go's \u0026 (&) cannot
    assert!(!may(
        &p,
        br#"{"verb":"get","requestURI":"/x?a=1\u0026b=2"}"#
    ));
    assert!(spec(|_| {}).prefilter().is_none());
    // the user is a stage-dependent literal: lines without it are skipped by their stage
    let p = spec(|s| s.user = vec!["eve".into()]).prefilter().unwrap();
    let rr = br#"{"kind":"Event","auditID":"a","stage":"RequestReceived","user":{"username":"admin"},"requestReceivedTimestamp":"t"}"#;
    assert_eq!(
        p.verdict(rr, true, 0),
        Verdict::SkipReceived(crate::correlate::key_hash("a", "t"))
    );
    assert_eq!(p.verdict(rr, false, 0), Verdict::Parse);
    let rc = br#"{"auditID":"a","stage":"ResponseComplete","user":{"username":"admin"}}"#;
    // no key (no requestReceivedTimestamp): parsed, so it closes its request
    assert_eq!(p.verdict(rc, true, 0), Verdict::Parse);
    let rc = br#"{"auditID":"a","stage":"ResponseComplete","user":{"username":"admin"},"requestReceivedTimestamp":"t"}"#;
    assert_eq!(p.verdict(rc, true, 0), Verdict::SkipFinal(lk("a", "t")));
    let rs = br#"{"auditID":"a","stage":"ResponseStarted","user":{"username":"admin"}}"#;
    assert_eq!(p.verdict(rs, true, 0), Verdict::Skip);
    let hit =
        br#"{"auditID":"a","stage":"ResponseComplete","impersonatedUser":{"username":"eve"}}"#;
    assert_eq!(p.verdict(hit, true, 0), Verdict::Parse);
    // no requestReceivedTimestamp (v1beta1): the line's own time is the arrival, parse it
    let old = br#"{"auditID":"a","stage":"RequestReceived","timestamp":"t"}"#;
    assert_eq!(p.verdict(old, true, 0), Verdict::Parse);
    // an escaped auditID cannot be keyed from the raw line: parsed
    let esc = br#"{"auditID":"a\"b","stage":"RequestReceived","requestReceivedTimestamp":"t"}"#;
    assert_eq!(p.verdict(esc, true, 0), Verdict::Parse);
    // a code: decided by the completing stage
    let p = spec(|s| s.code = vec!["403".into()]).prefilter().unwrap();
    let key = crate::correlate::key_hash("a", "t");
    let rr = br#"{"auditID":"a","stage":"RequestReceived","requestReceivedTimestamp":"t"}"#;
    assert_eq!(p.verdict(rr, true, 0), Verdict::SkipReceived(key));
    let rs = br#"{"auditID":"a","stage":"ResponseStarted","responseStatus":{"code":200},"requestReceivedTimestamp":"t"}"#;
    // no stageTimestamp: the start time would be lost, parsed
    assert_eq!(p.verdict(rs, true, 0), Verdict::Parse);
    let rs = br#"{"auditID":"a","stage":"ResponseStarted","responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"t","stageTimestamp":"2026-01-01T00:00:01.5Z"}"#;
    let t = Ts::parse("2026-01-01T00:00:01.5Z").unwrap();
    assert_eq!(p.verdict(rs, true, 0), Verdict::SkipStarted(key, t));
    let rs403 = br#"{"auditID":"a","stage":"ResponseStarted","responseStatus":{"metadata":{},"code":403},"requestReceivedTimestamp":"t","stageTimestamp":"2026-01-01T00:00:01.5Z"}"#;
    assert_eq!(p.verdict(rs403, true, 0), Verdict::Parse);
    let rc = br#"{"auditID":"a","stage":"ResponseComplete","responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"t"}"#;
    assert_eq!(p.verdict(rc, true, 0), Verdict::SkipFinal(lk("a", "t")));
    let hit = br#"{"auditID":"a","stage":"ResponseComplete","responseStatus":{"metadata":{},"code":403},"requestReceivedTimestamp":"t"}"#;
    assert_eq!(p.verdict(hit, true, 0), Verdict::Parse);
    // a completing line without a code leaves the request's code to an earlier stage
    let bare = br#"{"auditID":"a","stage":"ResponseComplete","requestReceivedTimestamp":"t"}"#;
    assert_eq!(p.verdict(bare, true, 0), Verdict::Parse);
    // `"code": 200`, spaced: not the API server's writing, parsed
    let spaced = br#"{"auditID":"a","stage":"ResponseComplete","responseStatus":{"code": 200},"requestReceivedTimestamp":"t"}"#;
    assert_eq!(p.verdict(spaced, true, 0), Verdict::Parse);
    // raw output: every line of a matching request
    assert_eq!(p.verdict(rc, false, 0), Verdict::Parse);
    let class = spec(|s| s.code = vec!["4xx".into()]).prefilter().unwrap();
    assert_eq!(class.verdict(hit, true, 0), Verdict::Parse);
    assert_eq!(class.verdict(rc, true, 0), Verdict::SkipFinal(lk("a", "t")));
    // a user glob that starts with a wildcard gives no literal
    assert!(
        spec(|s| s.user = vec!["*admin".into()])
            .prefilter()
            .is_none()
    );
    assert!(
        spec(|s| s.resource = vec!["*/exec".into()])
            .prefilter()
            .is_none()
    );
}

/// The logs [`prefilter_never_drops_a_line_that_can_match`] reads.
const PREFILTER_LOGS: [&str; 7] = [
    "testdata/s5/audit.log",
    "testdata/logrotate/audit.log",
    "testdata/public/openshift-clo/audit_in.log",
    "testdata/public/audit2rbac/demo-2017-v1beta1.log",
    "testdata/edge/escapes.log",
    "testdata/edge/v1alpha1.log",
    "testdata/edge/control-chars.log",
];

/// Verbs the prefilter test's filters are drawn from: what `--verb` offers (verb classes too).
const PREFILTER_VERBS: [&str; 10] = crate::vocab::verbs::COMPLETION;

/// Resources the prefilter test's filters are drawn from (short names, groups, subresources,
/// patterns, one never seen).
const PREFILTER_RESOURCES: [&str; 12] = [
    "cm",
    "secrets",
    "pods",
    "pods/exec",
    "deployments.apps",
    "leases",
    "nodes",
    "crb",
    "namespaces",
    "widgets",
    "*/status",
    "serviceaccounts/token",
];

/// Namespaces the prefilter test's filters are drawn from (one never seen).
const PREFILTER_NAMESPACES: [&str; 8] = [
    "payments",
    "staging",
    "build",
    "kube-system",
    "default",
    "tools",
    "openshift-monitoring",
    "nowhere",
];

/// The non-empty lines of [`PREFILTER_LOGS`], and one with its verb and resource spelled
/// through escapes, as a hostile producer might write them.
fn prefilter_lines() -> Vec<Vec<u8>> {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut lines: Vec<Vec<u8>> = Vec::new();
    for f in PREFILTER_LOGS {
        let data = std::fs::read(format!("{root}/{f}")).unwrap();
        lines.extend(
            data.split(|b| *b == b'\n')
                .filter(|l| !l.is_empty())
                .map(<[u8]>::to_vec),
        );
    }
    lines.push(br#"{"auditID":"x","stage":"ResponseComplete","verb":"\u0064elete","objectRef":{"resource":"config\u006daps","namespace":"payments"}}"#.to_vec());
    lines
}

/// Soundness of the prefilter on real lines: whenever an event's verb, resource and
/// namespace satisfy the filter, the prefilter must let its line through. Filters are drawn
/// from a fixed-seed generator over values seen in the logs (and some never seen).
#[test]
fn prefilter_never_drops_a_line_that_can_match() {
    let lines = prefilter_lines();
    let mut seed: u64 = 0x9e3779b97f4a7c15;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let events: Vec<Option<crate::event::Event>> = lines
        .iter()
        .map(|l| serde_json::from_slice(l).ok())
        .collect();
    let mut checked = 0;
    for _ in 0..300 {
        let pick = |next: &mut dyn FnMut(usize) -> usize, pool: &[&str]| -> Vec<String> {
            let k = next(3);
            (0..k).map(|_| pool[next(pool.len())].to_string()).collect()
        };
        let sp = FilterSpec {
            verb: pick(&mut next, &PREFILTER_VERBS),
            resource: pick(&mut next, &PREFILTER_RESOURCES),
            namespace: pick(&mut next, &PREFILTER_NAMESPACES),
            ..Default::default()
        };
        let f = Filter::compile(&sp, now(), false).unwrap();
        let Some(p) = f.prefilter() else { continue };
        for (line, ev) in lines.iter().zip(&events) {
            let Some(ev) = ev else { continue };
            let o = ev.object_ref.as_ref();
            let r = Request {
                verb: ev.verb.0.clone(),
                resource: o.map(|o| o.resource.0.clone()).unwrap_or_default(),
                subresource: o.map(|o| o.subresource.0.clone()).unwrap_or_default(),
                api_group: o.map(|o| o.api_group.0.clone()).unwrap_or_default(),
                namespace: o.map(|o| o.namespace.0.clone()).unwrap_or_default(),
                ..Default::default()
            };
            let invariant = (f.verb.is_empty() || f.verb.iter().any(|v| *v == r.verb))
                && (f.namespace.is_empty() || f.namespace.iter().any(|n| *n == r.namespace))
                && resources_match(&f.resource, &r);
            if invariant {
                checked += 1;
                assert!(
                    may(&p, line),
                    "prefilter dropped a matching line for {sp:?}: {}",
                    String::from_utf8_lossy(&line[..line.len().min(300)])
                );
            }
        }
    }
    assert!(
        checked > 1000,
        "too few matching lines exercised: {checked}"
    );
}

#[test]
fn cidr_v6_and_mapped() {
    let c = parse_cidr("fd00::/8").unwrap();
    assert!(c.contains("fd12::1".parse().unwrap()));
    assert!(!c.contains("fe80::1".parse().unwrap()));
    let c = parse_cidr("127.0.0.0/8").unwrap();
    assert!(c.contains("::ffff:127.0.0.1".parse().unwrap()));
    assert!(
        parse_cidr("0.0.0.0/0")
            .unwrap()
            .contains("8.8.8.8".parse().unwrap())
    );
}

/// Could a line belong to a matching request, read by any caller (a stage-less verdict: the
/// literals every stage carries)?
fn may(p: &Prefilter, line: &[u8]) -> bool {
    !matches!(p.verdict(line, false, 0), Verdict::Skip)
}

#[test]
fn near_values_are_the_same_but_for_case_then_a_few_edits_then_held() {
    use super::unseen::near;
    let vals = [
        "configmaps",
        "secrets",
        "eve",
        "Eve",
        "system:serviceaccount:build:ci-bot",
        "ci-bot-2",
        "payments",
    ];
    let near = |t: &str| near(t, vals.iter().copied());
    assert_eq!(near("configmapz"), ["configmaps"]);
    assert_eq!(near("EVE"), ["Eve", "eve"]);
    assert_eq!(near("Payments"), ["payments"]);
    // one edit away ranks before a value that holds it
    assert_eq!(
        near("ci-bot"),
        ["ci-bot-2", "system:serviceaccount:build:ci-bot"]
    );
    // a two-letter typo is not near a long value, nor is anything far away
    assert!(near("xy").is_empty());
    assert!(near("deployments").is_empty());
    // at most three, the nearest first, ties by text
    let many = ["ab1", "ab2", "ab3", "ab"];
    assert_eq!(
        super::unseen::near("ab", many.iter().copied()),
        ["ab", "ab1", "ab2"]
    );
}

/// What a flag keeps to suggest from is the same in any order of arrival (threads, chunks): the
/// first values in text order, none too long to have been typed.
#[test]
fn the_values_kept_to_suggest_from_do_not_depend_on_their_order() {
    use super::unseen::{MAX_VALUES, keep as keep_for_test};
    let vals: Vec<String> = (0..MAX_VALUES + 50)
        .map(|i| format!("user-{i:06}"))
        .collect();
    let mut a = std::collections::BTreeSet::new();
    let mut b = std::collections::BTreeSet::new();
    for v in &vals {
        keep_for_test(&mut a, v);
    }
    for v in vals.iter().rev() {
        keep_for_test(&mut b, v);
    }
    assert_eq!(a, b);
    assert_eq!(a.len(), MAX_VALUES);
    assert_eq!(
        a.last().map(String::as_str),
        Some(vals[MAX_VALUES - 1].as_str())
    );
    keep_for_test(&mut a, &"a".repeat(300));
    assert!(!a.contains(&"a".repeat(300)));
}

/// A line the prefilter skipped is read for the values it could hold or be near: the value as
/// JSON writes it, near bytes in any ASCII case, or an escape that could spell one of their
/// characters; any other line is not.
#[test]
fn a_needle_finds_every_line_that_could_hold_its_value() {
    use super::Needle;
    let n = Needle::new("\"eve\"", &["eve\"".to_string()], "eve");
    assert!(n.could_hold(br#"{"user":{"username":"eve"}}"#));
    // another case, and a longer value that ends with it
    assert!(n.could_hold(br#"{"user":{"username":"EvE"}}"#));
    assert!(n.could_hold(br#"{"user":{"username":"system:serviceaccount:a:steve"}}"#));
    // an escape that spells a letter of it; Go's escape of `&` does not
    assert!(n.could_hold(br#"{"user":{"username":"\u0065ve"}}"#));
    assert!(!n.could_hold(br#"{"requestURI":"/a?b=1\u0026c=2","user":{"username":"bob"}}"#));
    // the word inside another, not at a string's end: not near
    assert!(!n.could_hold(br#"{"kind":"Event","user":{"username":"bob"}}"#));
}

/// The sample of requests whose skipped lines are read to suggest from is chosen by auditID
/// with a fixed hash: the same requests in every run, about one in 64.
#[test]
fn the_sample_is_one_request_in_64_by_audit_id() {
    use super::unseen::sampled;
    let line =
        |i: u32| format!(r#"{{"kind":"Event","auditID":"id-{i:08}","stage":"RequestReceived"}}"#);
    let picked: Vec<u32> = (0..64_000)
        .filter(|i| sampled(line(*i).as_bytes()))
        .collect();
    assert!((800..1200).contains(&picked.len()), "{}", picked.len());
    // every stage of one request alike
    let other_stage =
        |i: u32| format!(r#"{{"kind":"Event","auditID":"id-{i:08}","stage":"ResponseComplete"}}"#);
    assert!(picked.iter().all(|i| sampled(other_stage(*i).as_bytes())));
}
