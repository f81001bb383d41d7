//! Every filter flag on real data, with exact counts of matching requests, and the error for a
//! bad value of each.
//!
//! The main flags (-u, -v, -r, -n, --code, --decision, --ip, --user-agent, --since/--until,
//! --stage) run once on the whole s5 set (`S5`) against a number of testdata/s5-ANSWER-KEY.md
//! or, where the key does not state it, of a python3 pass over the s5 logs. The other flags and
//! the variants (list forms, short names, repeated flags, relative times) run on one backup,
//! `W` (audit-2026-11-21T14-59-15.012.log.gz: the middle of the workload, 409 requests, with the
//! 401, the impersonations and most deletions), to keep the suite fast (each pass over s5 costs
//! half a second in a debug build); their numbers come from the same python pass over that file
//! alone. --level also runs on testdata/logrotate/ (three levels), --incomplete on
//! edge/unterminated.log.
//!
//! The python pass: requests keyed by auditID + requestReceivedTimestamp; fields of the final
//! event (ResponseComplete/Panic, else the last event); user filters match user.username or
//! impersonatedUser.username; --code on responseStatus.code; --decision on the
//! authorization.k8s.io/decision annotation; --since/--until on requestReceivedTimestamp (since
//! inclusive, until exclusive); regexes with Python's `re.search`; globs with `fnmatchcase`.

use serde_json::Value;

use crate::util::{S5, count, events, read_log, repo_path, run, run_stdin};

/// One workload backup (see the module comment).
const W: &str = "testdata/s5/audit-2026-11-21T14-59-15.012.log.gz";

#[track_caller]
fn check(cases: &[(&[&str], u64)], path: &str) {
    for (args, expected) in cases {
        let mut a = args.to_vec();
        a.push(path);
        assert_eq!(count(&a), *expected, "kaudit summary {}", a.join(" "));
    }
}

#[test]
fn w_has_409_requests() {
    check(&[(&[], 409)], W);
}

#[test]
fn user_and_group() {
    check(
        &[
            // Answer key: eve 835 events = 417 requests (one with RR+RS+RC), + ops-admin as eve.
            (&["-u", "eve"], 418),
        ],
        S5,
    );
    check(
        &[
            (&["-u", "carol"], 62),
            // ops-admin's 8 own requests and the 3 impersonations (answer key, V59-V61).
            (&["-u", "ops-admin"], 11),
            (&["-u", "eve"], 76),
            (&["-u", "eve", "-u", "carol"], 76 + 62),
            (&["-u", "mallory"], 0),
            (&["--user", "system:serviceaccount:build:*"], 51),
            (&["--group", "system:unauthenticated"], 4),
            // A group of the authenticated user (ops-admin, system:apiserver).
            (&["-g", "system:masters"], 37),
        ],
        W,
    );
}

#[test]
fn verb_lists_and_classes() {
    check(
        &[
            // python: requests by verb (get 2402, list 1036, watch 76 / create 467, update 157,
            // delete 60, patch 28, deletecollection 28).
            (&["-v", "write"], 467 + 157 + 60 + 28 + 28),
        ],
        S5,
    );
    check(
        &[
            (&["-v", "delete"], 7),
            (&["-v", "get,list"], 345),
            (&["-v", "get", "-v", "list"], 345),
            (&["--verb", "deletecollection"], 0),
            (&["-v", "read"], 347),
        ],
        W,
    );
}

#[test]
fn resource_names_short_names_groups_and_subresources() {
    check(
        &[
            // pods (266) with any subresource: + pods/exec + pods/log (answer key "exec / log").
            (&["-r", "pods"], 268),
        ],
        S5,
    );
    check(
        &[
            (&["-r", "configmaps"], 20),
            (&["-r", "configmap"], 20),
            (&["-r", "cm"], 20),
            (&["-r", "secrets"], 37),
            (&["-r", "cm,secret"], 20 + 37),
            (&["-r", "cm", "-r", "secrets"], 20 + 37),
            (&["-r", "pods"], 8),
            (&["-r", "po"], 8),
            (&["-r", "pods/exec"], 1),
            (&["-r", "pods/log"], 1),
            (&["-r", "deployments"], 13),
            (&["-r", "deploy"], 13),
            (&["-r", "deployments.apps"], 13),
            (&["-r", "deployments/status"], 7),
            (&["-r", "crb"], 4),
            (&["-r", "clusterrolebindings.rbac.authorization.k8s.io"], 4),
            (&["-r", "sa"], 0),
        ],
        W,
    );
    // cm and configmaps select the very same requests.
    assert_eq!(events(&["-r", "cm", W]), events(&["-r", "configmaps", W]));
    let exec = events(&["-r", "pods/exec", W]);
    // Answer key "exec / log": carol create staging/debug-box pods/exec -> 400.
    assert_eq!(exec.len(), 1);
    assert_eq!(exec[0]["user"], "carol");
    assert_eq!(exec[0]["verb"], "create");
    assert_eq!(exec[0]["code"], 400);
    assert_eq!(exec[0]["name"], "debug-box");
    assert_eq!(exec[0]["subresource"], "exec");
    // eve get payments/ledger-worker-0 pods/log -> 500.
    let log = events(&["-r", "pods/log", W]);
    assert_eq!(log[0]["user"], "eve");
    assert_eq!(log[0]["code"], 500);
}

#[test]
fn namespace_and_name() {
    check(
        &[
            (&["-n", "payments"], 14),
            (&["-n", "payments,staging"], 14 + 47),
            (&["-n", "payments", "-n", "staging"], 14 + 47),
            // gateway-settings: eve's delete (V18) is in W.
            (&["--name", "gateway-*"], 1),
            (&["--name", "*-creds"], 4),
        ],
        W,
    );
}

#[test]
fn code_and_decision() {
    check(
        &[
            // Answer key "Requests by HTTP code": 403 482, 404 169, 409 7, 422 1, 400 1, 401 1.
            (&["--code", "4xx"], 482 + 169 + 7 + 1 + 1 + 1),
            // python: decision annotations.
            (&["--decision", "forbid"], 478),
        ],
        S5,
    );
    check(
        &[
            (&["--code", "403"], 36),
            (&["--code", "401"], 1),
            (&["--code", "403,404"], 37),
            (&["--code", "403", "--code", "404"], 37),
            (&["--code", "5xx"], 1),
            (&["--code", "2xx"], 363),
            (&["--decision", "allow"], 371),
            (&["--decision", "forbid"], 34),
            // The other two 403s in W are the impersonation denials (no decision).
            (&["--code", "403", "--decision", "forbid"], 34),
        ],
        W,
    );
}

#[test]
fn source_ip() {
    // python: every s5 request has sourceIPs ["127.0.0.1"].
    check(&[(&["--ip", "127.0.0.1/32"], 4254)], S5);
    check(
        &[
            (&["--ip", "127.0.0.1"], 409),
            (&["--ip", "127.0.0.0/8"], 409),
            (&["--ip", "10.0.0.0/8"], 0),
        ],
        W,
    );
    // edge/v1alpha1.log: request 1 from 172.16.116.128, request 2 from 10.0.0.7.
    check(
        &[
            (&["--ip", "10.0.0.7"], 1),
            (&["--ip", "10.0.0.0/8"], 1),
            (&["--ip", "172.16.0.0/12"], 1),
            (&["--ip", "10.0.0.0/8,172.16.0.0/12"], 2),
            (&["--ip", "192.168.0.0/16"], 0),
        ],
        "testdata/edge/v1alpha1.log",
    );
}

#[test]
fn user_agent_and_uri_regexes() {
    check(
        &[
            // python: userAgent starting with curl/ (workload curl steps, the burst's anonymous).
            (&["--user-agent", "^curl/"], 81),
        ],
        S5,
    );
    check(
        &[
            (&["--user-agent", "^kubectl/"], 206),
            (&["--user-agent", r"\(burst\)$"], 0),
            (&["--uri", "^/api/v1/namespaces/payments/secrets"], 7),
            (&["--uri", "/healthz"], 1),
        ],
        W,
    );
}

#[test]
fn since_until_absolute_and_relative() {
    check(
        &[
            // python: 14:58:40 <= requestReceivedTimestamp < 14:58:45.
            (
                &[
                    "--since",
                    "2026-11-21T14:58:40Z",
                    "--until",
                    "2026-11-21T14:58:45Z",
                ],
                164,
            ),
        ],
        S5,
    );
    check(
        &[
            (&["--since", "2026-11-21T14:59:00Z"], 114),
            (&["--until", "2026-11-21T14:59:00Z"], 295),
            // Relative to a fixed now.
            (&["--now", "2026-11-21T15:00:00Z", "--since", "1m"], 114),
            (&["--now", "2026-11-21T15:30:00Z", "--until", "31m"], 295),
            (&["--now", "2026-11-21T16:59:00Z", "--since", "2h"], 114),
            (&["--now", "2026-11-28T14:59:00Z", "--since", "7d"], 114),
            (&["--now", "2026-11-21T15:00:00Z", "--since", "30m"], 409),
            // Dates (UTC).
            (&["--since", "2026-11-21"], 409),
            (&["--until", "2026-11-22"], 409),
        ],
        W,
    );
    // A window after the logs is not a quiet hour (the audit pipeline may have stopped): exit
    // 2, saying where the logs lie; with -u, whose prefilter skips most lines unread, the span is
    // the same. (A window before them is only a no-match: a request received before the first
    // event may end in the logs.)
    let span = "the logs run from 2026-11-21 14:58:41.297 UTC to 2026-11-21 14:59:15.011 UTC";
    run(&["events", "--until", "2026-11-21", W]).expect_code(1);
    for (window, side) in [(
        ["--since", "2026-11-22"],
        "--since is 2026-11-22 00:00:00.000 UTC, after their end",
    )] {
        for (cmd, user) in [
            (&["events"][..], &[][..]),
            (&["events"], &["-u", "eve"][..]),
            // those that read every request (their own count says what matched)
            (&["when"], &[]),
            (&["tokens"], &[]),
            (&["timeline", "--context", "1m"], &["-u", "eve"]),
            (&["summary"], &[]),
        ] {
            let mut args = cmd.to_vec();
            args.extend(user);
            args.extend(window);
            args.push(W);
            let r = run(&args).expect_code(2);
            // (summary's tables say what was read)
            assert!(r.stdout.is_empty() || cmd == ["summary"], "{args:?}");
            assert_eq!(
                r.stderr,
                format!("kaudit: error: no request in the time window: {span}, and {side}\n"),
                "{args:?}"
            );
        }
    }
    // a window that lies inside the logs and holds no request of a user is an answer: exit 1
    run(&[
        "events",
        "-u",
        "eve",
        "--since",
        "2026-11-21T14:59:00Z",
        "--until",
        "2026-11-21T14:59:00.001Z",
        W,
    ])
    .expect_code(1);
    // Since is inclusive, until exclusive, to the microsecond: eve's delete was received at
    // 14:58:42.273325 (answer key).
    let at = "2026-11-21T14:58:42.273325Z";
    let after = "2026-11-21T14:58:42.273326Z";
    let rows = events(&["-v", "delete", "--since", at, "--until", after, W]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["user"], "eve");
    // python: the other 6 deletions in W come later.
    assert_eq!(events(&["-v", "delete", "--since", after, W]).len(), 6);
    assert!(events(&["-v", "delete", "--until", at, W]).is_empty());
}

#[test]
fn level_stage_and_incomplete() {
    // Answer key: requests with a ResponseStarted stage = 79 = longRunning.
    check(&[(&["--stage", "ResponseStarted"], 79)], S5);
    check(
        &[
            (&["--stage", "ResponseStarted"], 5),
            (&["--stage", "RequestReceived"], 407),
            (&["--stage", "Panic"], 0),
            // python: W's stage sequences are RR+RC 402, RR+RS+RC 4, RC 1 (its RR is in the
            // previous backup), RS 1 (the 401), RR 1 (its RC is in the next backup).
            (&["--stage", "RequestReceived,ResponseStarted"], 408),
            (&["--level", "RequestResponse"], 409),
            (&["--level", "Metadata"], 0),
            (&["--incomplete"], 1),
        ],
        W,
    );
    // logrotate (python: requests by level): Metadata 3188, Request 430, RequestResponse 296.
    check(
        &[
            (&["--level", "Metadata"], 3188),
            (&["--level", "Request,RequestResponse"], 430 + 296),
        ],
        "testdata/logrotate/",
    );
    let rows = events(&["--incomplete", "testdata/edge/unterminated.log"]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["auditID"], "43ecd503-e155-4705-ad62-741ca5ab5009");
}

#[test]
fn different_flags_and() {
    // Answer key 403 table: eve get secrets build, authorization forbid: 66.
    check(
        &[(
            &[
                "-u", "eve", "-v", "get", "--code", "403", "-r", "secrets", "-n", "build",
            ],
            66,
        )],
        S5,
    );
    check(
        &[
            (
                &[
                    "-u",
                    "system:anonymous",
                    "-v",
                    "list",
                    "-r",
                    "secrets",
                    "--code",
                    "4xx",
                ],
                1,
            ),
            (
                &["-u", "eve", "-v", "get", "--code", "403", "-r", "secrets"],
                24,
            ),
            (&["--code", "4xx", "-n", "payments"], 8),
        ],
        W,
    );
}

#[test]
fn filters_select_the_same_requests_in_events_and_summary() {
    for args in [
        &["--code", "4xx", "-n", "payments"][..],
        &["--user-agent", "^kubectl/"][..],
        &["--stage", "ResponseStarted"][..],
    ] {
        let mut a = args.to_vec();
        a.push(W);
        assert_eq!(events(&a).len() as u64, count(&a), "{args:?}");
    }
}

#[test]
fn bad_values_are_usage_errors_naming_the_flag() {
    let cases: &[(&[&str], &str)] = &[
        (&["-v", "destroy"], "--verb"),
        (&["--verb", "get,fetch"], "--verb"),
        (&["--code", "6xx"], "--code"),
        (&["--code", "forbidden"], "--code"),
        (&["--ip", "10.0.0.0/33"], "--ip"),
        (&["--ip", "300.1.1.1"], "--ip"),
        (&["--user-agent", "("], "--user-agent"),
        (&["--uri", "[a"], "--uri"),
        (&["--since", "yesterday-ish"], "--since"),
        (&["--until", "2026-13-01"], "--until"),
        (&["--decision", "maybe"], "--decision"),
        (&["--level", "Verbose"], "--level"),
        (&["--stage", "Started"], "--stage"),
        (&["-r", "pods/"], "--resource"),
    ];
    for (args, flag) in cases {
        for cmd in ["events", "summary"] {
            let mut a = vec![cmd];
            a.extend_from_slice(args);
            a.push("testdata/edge/failed-auth.log");
            let r = run(&a).expect_code(2);
            assert!(
                r.stderr.starts_with(&format!("kaudit: error: {flag}:")),
                "kaudit {}: stderr {:?}",
                a.join(" "),
                r.stderr
            );
            assert!(r.stdout.is_empty(), "kaudit {}", a.join(" "));
        }
    }
}

/// The hidden `--no-prefilter` parses every line; the prefilter that skips lines before parsing
/// must never change an answer.
#[test]
fn prefilter_never_changes_the_answer() {
    let cases: &[(&[&str], &str)] = &[
        (&["-u", "carol"], "testdata/edge/escapes.log"),
        (&["--uri", "&watch=true"], "testdata/edge/escapes.log"),
        (&["-v", "delete", "-r", "cm"], W),
        (&["-r", "pods/exec"], W),
        (&["-n", "payments", "--code", "4xx"], W),
        (&["-u", "eve", "-v", "list"], W),
        (&["--name", "*-creds"], W),
        (&["-r", "deployments.apps", "-n", "staging"], W),
        (
            &["-u", "carol", "-v", "get"],
            "testdata/edge/split-stages.log",
        ),
        (
            &["-r", "cm", "-v", "delete"],
            "testdata/edge/split-stages.log",
        ),
        (
            &["-u", "bob"],
            "testdata/public/audit2rbac/demo-2017-v1beta1.log",
        ),
        // user and code are not on every stage: an impersonated user appears from the second
        // stage on, a code only on the last; their RequestReceived lines are skipped and the
        // stage given back (f63b1948: ops-admin impersonating eve, in W)
        (&["-u", "eve"], W),
        (&["-u", "eve", "--stage", "RequestReceived"], W),
        (&["-u", "system:serviceaccount:build:ci-bot"], W),
        (&["-u", "carol"], "testdata/s5/"),
        (&["--code", "403"], W),
        (&["--code", "4xx"], "testdata/s5/"),
        (&["--code", "201", "-u", "carol"], "testdata/s5/"),
        (&["--code", "409"], "testdata/s5/"),
        (&["--code", "401"], "testdata/s5/"),
        (
            &["-u", "system:serviceaccount:*", "--code", "403"],
            "testdata/s5/",
        ),
        (
            &["--code", "200"],
            "testdata/public/audit2rbac/demo-2017-v1beta1.log",
        ),
        (
            &["--code", "2xx", "-u", "carol"],
            "testdata/edge/split-stages.log",
        ),
        // an auditID reused without requestReceivedTimestamp: the first request's completing
        // line (no "alice") must close it, or alice's request joins it (issue 16)
        (
            &["-u", "alice"],
            "testdata/hostile/reused-auditid-no-rts.log",
        ),
        (
            &["-u", "mallory"],
            "testdata/hostile/reused-auditid-no-rts.log",
        ),
        (&["-u", "alice"], "testdata/hostile/duplicate-lines.log"),
        (&["--code", "200"], "testdata/hostile/duplicate-lines.log"),
        (&["--code", "403"], "testdata/hostile/double-complete.log"),
    ];
    for (args, path) in cases {
        let mut a = args.to_vec();
        a.push(path);
        let with = events(&a);
        a.insert(0, "--no-prefilter");
        let without = events(&a);
        assert!(!without.is_empty(), "{args:?} {path}: matches something");
        assert_eq!(with, without, "{args:?} {path}: prefilter changed the rows");
        // small chunks: stages of one request in different chunks, skipped keys in the merger
        a[0] = "--chunk-size=2048";
        assert_eq!(
            events(&a),
            without,
            "{args:?} {path}: prefilter across chunks"
        );
    }
}

/// The same property on generated filters: every user of the real logs with and without a
/// status code or class, each over the whole of testdata/s5/ in 2 KiB chunks (requests then span
/// chunks and files, and skipped stages are joined by the merger).
#[test]
fn prefilter_never_changes_the_answer_on_generated_filters() {
    let users = [
        "carol",
        "eve",
        "ops-admin",
        "system:anonymous",
        "system:apiserver",
        "system:serviceaccount:build:ci-bot",
        "system:kube-controller-manager",
        "nobody",
    ];
    let codes = [
        "", "200", "201", "401", "403", "404", "409", "422", "2xx", "4xx", "5xx",
    ];
    let mut matched = 0;
    for (i, code) in codes.iter().enumerate() {
        // every code alone, and with users in turn
        let mut filters: Vec<Vec<&str>> = Vec::new();
        if !code.is_empty() {
            filters.push(vec!["--code", code]);
        }
        let u = users[i % users.len()];
        let mut f = vec!["-u", u];
        if !code.is_empty() {
            f.extend(["--code", code]);
        }
        filters.push(f);
        for f in filters {
            let mut a = vec!["--chunk-size=2048"];
            a.extend(&f);
            a.push("testdata/s5/");
            let with = events(&a);
            a.insert(0, "--no-prefilter");
            let without = events(&a);
            assert_eq!(with, without, "{f:?}: prefilter changed the rows");
            matched += usize::from(!without.is_empty());
        }
    }
    assert!(matched >= 12, "the filters match something ({matched})");
}

/// An impersonated watch still open at the end of the input: its RequestReceived (no
/// impersonated user yet) is skipped by the user prefilter, and must still be shown.
#[test]
fn prefilter_keeps_the_received_stage_of_an_open_impersonated_request() {
    let rr = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"w1","stage":"RequestReceived","requestURI":"/api/v1/pods?watch=true","verb":"watch","user":{"username":"admin"},"sourceIPs":["10.0.0.1"],"objectRef":{"resource":"pods","apiVersion":"v1"},"requestReceivedTimestamp":"2026-11-21T10:00:00.000000Z","stageTimestamp":"2026-11-21T10:00:00.000000Z"}"#;
    let rs = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"w1","stage":"ResponseStarted","requestURI":"/api/v1/pods?watch=true","verb":"watch","user":{"username":"admin"},"impersonatedUser":{"username":"eve"},"sourceIPs":["10.0.0.1"],"objectRef":{"resource":"pods","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"2026-11-21T10:00:00.000000Z","stageTimestamp":"2026-11-21T10:00:00.100000Z"}"#;
    let input = format!("{rr}\n{rs}\n");
    let with = run_stdin(&["events", "-o", "ndjson", "-u", "eve"], input.clone()).expect_code(0);
    let without = run_stdin(
        &["events", "-o", "ndjson", "-u", "eve", "--no-prefilter"],
        input,
    )
    .expect_code(0);
    assert_eq!(with.stdout_str(), without.stdout_str());
    assert!(
        with.stdout_str()
            .contains(r#""stages":["RequestReceived","ResponseStarted"]"#),
        "{}",
        with.stdout_str()
    );
}

/// A watch that started with 200 and ended in a panic (500): with `--code 500` the code
/// prefilter skips its RequestReceived and its ResponseStarted (200), and must give both stages
/// and the start time back to the request its Panic line completes, in one chunk or across
/// several (stdin: one block; a file in 512-byte chunks).
#[test]
fn prefilter_gives_back_the_started_stage_of_a_request_that_ends_with_the_code() {
    let head = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"w2","stage":"#;
    let body = r#","requestURI":"/api/v1/pods?watch=true","verb":"watch","user":{"username":"admin"},"sourceIPs":["10.0.0.1"],"objectRef":{"resource":"pods","apiVersion":"v1"},"#;
    let rr = format!(
        r#"{head}"RequestReceived"{body}"requestReceivedTimestamp":"2026-11-21T10:00:00.000000Z","stageTimestamp":"2026-11-21T10:00:00.000000Z"}}"#
    );
    let rs = format!(
        r#"{head}"ResponseStarted"{body}"responseStatus":{{"metadata":{{}},"code":200}},"requestReceivedTimestamp":"2026-11-21T10:00:00.000000Z","stageTimestamp":"2026-11-21T10:00:00.250000Z"}}"#
    );
    let panic = format!(
        r#"{head}"Panic"{body}"responseStatus":{{"metadata":{{}},"status":"Failure","code":500}},"requestReceivedTimestamp":"2026-11-21T10:00:00.000000Z","stageTimestamp":"2026-11-21T10:05:00.000000Z"}}"#
    );
    // other requests between the stages, so that small chunks split them
    let other = |i: u32| {
        format!(
            r#"{{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"o{i}","stage":"ResponseComplete","requestURI":"/api/v1/namespaces","verb":"list","user":{{"username":"bob"}},"sourceIPs":["10.0.0.2"],"objectRef":{{"resource":"namespaces","apiVersion":"v1"}},"responseStatus":{{"metadata":{{}},"code":200}},"requestReceivedTimestamp":"2026-11-21T10:00:01.000000Z","stageTimestamp":"2026-11-21T10:00:01.000000Z"}}"#
        )
    };
    let mut input = format!("{rr}\n{}\n{rs}\n", other(1));
    for i in 2..6 {
        input.push_str(&other(i));
        input.push('\n');
    }
    input.push_str(&panic);
    input.push('\n');
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.log");
    std::fs::write(&path, &input).unwrap();
    let path = path.to_str().unwrap();
    let args = ["events", "-o", "ndjson", "--code", "500"];
    let without = run_stdin(&[&args[..], &["--no-prefilter"]].concat(), input.clone())
        .expect_code(0)
        .stdout_str()
        .to_owned();
    assert!(
        without.contains(r#""stages":["RequestReceived","ResponseStarted","Panic"]"#),
        "{without}"
    );
    let with = run_stdin(&args, input).expect_code(0);
    assert_eq!(with.stdout_str(), without, "stdin");
    let without = without.replace("<stdin>", path);
    for chunk in ["--chunk-size=512", "--chunk-size=1048576"] {
        let r = run(&[&args[..], &[chunk, path]].concat()).expect_code(0);
        assert_eq!(r.stdout_str(), without, "{chunk}");
    }
}

/// `--strict` promises every line was checked: a filter must not let a malformed line skip
/// parsing (it did when the line was framed like a JSON object).
#[test]
fn strict_checks_every_line_even_with_a_filter() {
    let mut input = b"{this is not json}\n".to_vec();
    input.extend(read_log("testdata/edge/escapes.log"));
    let r = run_stdin(
        &["events", "--strict", "-v", "get", "-o", "ndjson"],
        input.clone(),
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("<stdin>:1: malformed line"),
        "{}",
        r.stderr
    );
    let r = run_stdin(&["summary", "-v", "get", "-o", "json"], input);
    let d: Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(d["malformed"], 1);
}

#[test]
fn resource_globs_and_absurd_thread_counts_are_refused() {
    for args in [
        &["events", "-r", "po$", "testdata/edge/escapes.log"][..],
        &["events", "--threads", "100000", "testdata/edge/escapes.log"][..],
    ] {
        let r = run(args);
        assert_eq!(r.code, 2, "{args:?}");
        assert!(r.stderr.starts_with("kaudit: error: --"), "{}", r.stderr);
    }
}

/// `--audit-id` (issue 17, point 12): the requests whose auditID is in the list, exactly; the
/// IDs are read from the log file itself (the first, a middle and the last distinct auditID of
/// W), in a list, repeated, and with one that no line holds.
#[test]
fn audit_id_selects_exactly_those_requests() {
    let log = read_log(W);
    let mut ids: Vec<String> = Vec::new();
    for line in log.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let v: Value = serde_json::from_slice(line).unwrap();
        let id = v["auditID"].as_str().unwrap().to_string();
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let pick = [&ids[0], &ids[ids.len() / 2], &ids[ids.len() - 1]];
    let list = format!("{},{}", pick[0], pick[1]);
    check(
        &[
            (&["--audit-id", pick[2]], 1),
            (&["--audit-id", &list], 2),
            (&["--audit-id", &list, "--audit-id", pick[2]], 3),
            (&["--audit-id", "not-in-the-log"], 0),
        ],
        W,
    );
    let got: Vec<String> = events(&["--audit-id", &list, "--audit-id", pick[2], W])
        .iter()
        .map(|r| r["auditID"].as_str().unwrap().to_string())
        .collect();
    let mut want: Vec<String> = pick.iter().map(|s| s.to_string()).collect();
    let mut got_sorted = got.clone();
    want.sort();
    got_sorted.sort();
    assert_eq!(got_sorted, want);
}

/// The logs of `testdata/s5/`, decompressed and joined: the same requests, from stdin.
fn s5_stream() -> Vec<u8> {
    let mut names: Vec<String> = std::fs::read_dir(repo_path(S5))
        .expect("s5")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
        .iter()
        .flat_map(|n| read_log(&format!("{S5}{n}")))
        .collect()
}

/// A typo must not read as "nobody did it": a value no request has is named on stderr with the
/// near values the logs do have (case, a few edits, or held in a longer value); the exit code
/// stays 1. Values that occur, though not together, say nothing. The notes are the same from a
/// folder, from stdin (read once: the values are found as the scan reads), on one thread with
/// small chunks, and without the prefilter.
#[test]
fn a_value_no_request_has_is_named_with_the_near_ones() {
    let stream = s5_stream();
    for (args, said) in [
        (
            &["-r", "configmapz"][..],
            r#"no request has resource "configmapz"; did you mean "configmaps"?"#,
        ),
        (
            &["-n", "Payments"],
            r#"no request has namespace "Payments"; did you mean "payments"?"#,
        ),
        (
            &["-u", "EVE"],
            r#"no request has user "EVE"; did you mean "eve"?"#,
        ),
        (
            &["-u", "ci-bot"],
            r#"no request has user "ci-bot"; did you mean "system:serviceaccount:build:ci-bot"?"#,
        ),
        (
            &["-g", "system:mastrs"],
            r#"no request has group "system:mastrs"; did you mean "system:masters"?"#,
        ),
        (
            &["--name", "gatway-settings"],
            r#"no request has name "gatway-settings"; did you mean "gateway-settings"?"#,
        ),
        (
            &["-u", "system:serviceaccount:bild:*"],
            r#"no request has a user matching "system:serviceaccount:bild:*""#,
        ),
        (
            &["-u", "nobody-at-all"],
            r#"no request has user "nobody-at-all""#,
        ),
        (
            &["-u", "carol", "-r", "configmapz", "-n", "Payments"],
            "no request has resource \"configmapz\"; did you mean \"configmaps\"?\n\
             kaudit: note: no request has namespace \"Payments\"; did you mean \"payments\"?",
        ),
    ] {
        let want = format!("kaudit: note: {said}\n");
        for how in [
            &[][..],
            &["-j", "1", "--chunk-size", "2048"],
            &["--no-prefilter"],
            &["--no-mmap"],
        ] {
            let mut a = vec!["events"];
            a.extend(args);
            a.extend(how);
            a.push(S5);
            let r = run(&a).expect_code(1);
            assert!(r.stdout.is_empty());
            assert_eq!(r.stderr, want, "{a:?}");
        }
        let mut a = vec!["events"];
        a.extend(args);
        let r = run_stdin(&a, stream.clone()).expect_code(1);
        assert_eq!(r.stderr, want, "stdin: {a:?}");
    }
    // each value occurs, only not together: an answer, said as such (nothing on stderr)
    let r = run(&[
        "events",
        "-u",
        "carol",
        "-r",
        "pods",
        "-n",
        "kube-system",
        S5,
    ])
    .expect_code(1);
    assert_eq!(r.stderr, "");
    // history: the kind, the name and the namespace of its object
    let r = run(&["history", "configmap/gateway-setting", "-n", "paymnts", S5]).expect_code(1);
    assert_eq!(
        r.stderr,
        "kaudit: note: no request has namespace \"paymnts\"; did you mean \"payments\"?\n\
         kaudit: note: no request has name \"gateway-setting\"; did you mean \"gateway-settings\"?\n\
         kaudit: note: no request touched configmaps paymnts/gateway-setting\n"
    );
    // and who it asks about
    let r = run(&[
        "history",
        "deploy/checkout-ui",
        "-n",
        "staging",
        "-u",
        "Carol",
        S5,
    ])
    .expect_code(1);
    assert_eq!(
        r.stderr,
        "kaudit: note: no request has user \"Carol\"; did you mean \"carol\"?\n\
         kaudit: note: no request touched deployments staging/checkout-ui\n"
    );
    // a value too long to have been typed is named by its ends
    let long = "b".repeat(2000);
    let r = run(&["events", "-u", &long, S5]).expect_code(1);
    assert_eq!(
        r.stderr,
        format!(
            "kaudit: note: no request has user \"{}…{}\"\n",
            "b".repeat(60),
            "b".repeat(59)
        )
    );
}

/// Every command that filters names the values no request has, those that read every request
/// (`when`, `tokens`, `timeline --context`) too; and a value missing beside one that matches is
/// named, while the rows of the other are shown.
#[test]
fn every_command_names_the_values_no_request_has() {
    let note = "kaudit: note: no request has user \"EVE\"; did you mean \"eve\"?\n";
    for cmd in [
        &["events"][..],
        &["who"],
        &["what"],
        &["where"],
        &["top", "--by", "verb"],
        &["when"],
        &["latency"],
        &["summary"],
        &["timeline"],
        &["timeline", "--context", "1m"],
        &["tokens"],
    ] {
        let mut a = cmd.to_vec();
        a.extend(["-u", "EVE", S5]);
        let r = run(&a).expect_code(1);
        assert_eq!(r.stderr, note, "{a:?}");
    }
    // detect answers 0 (no findings) whatever it was asked
    let r = run(&["detect", "-u", "EVE", S5]);
    assert!(r.stderr.contains(note), "{}", r.stderr);
    // eve's rows, and the note on EVE
    let r = run(&["events", "-u", "eve", "-u", "EVE", "-o", "json", S5]).expect_code(0);
    assert_eq!(r.stderr, note);
    let rows: Value = serde_json::from_str(r.stdout_str()).expect("json");
    assert!(!rows.as_array().expect("rows").is_empty());
}
