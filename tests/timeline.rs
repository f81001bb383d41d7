//! `kaudit timeline`: the story of testdata/s5-ANSWER-KEY.md told in order (the V47-V57 chain,
//! eve's forbidden sweep and burst, impersonation, the 401, carol's exec), collapsing, markers,
//! `--context`, the output formats, `--local`, and the exit codes.
//!
//! Times, users, objects and codes come from the answer key; sentences are kaudit's wording of
//! those facts (documented in the README). Where the key does not state a number (distinct
//! secret names of the burst, runs of identical requests, the exec's statusReason), the python
//! check that found it is described next to the assertion.

use serde_json::Value;

use crate::util::{S5, csv, kaudit, ndjson, run, run_stdin, s, strings};

/// `kaudit timeline -o ndjson ARGS`, exit 0, one record per line.
#[track_caller]
fn timeline(args: &[&str]) -> Vec<Value> {
    let mut all = vec!["timeline", "-o", "ndjson"];
    all.extend_from_slice(args);
    let r = run(&all).expect_code(0);
    ndjson(&r.stdout)
}

fn sentences(lines: &[Value]) -> Vec<String> {
    lines.iter().map(|l| s(l, "sentence")).collect()
}

fn count(l: &Value) -> u64 {
    l["count"].as_u64().expect("count is a number")
}

/// The JSON fields, in the documented order.
const FIELDS: [&str; 20] = [
    "time",
    "last",
    "count",
    "actor",
    "user",
    "impersonatedUser",
    "verb",
    "resource",
    "subresource",
    "namespace",
    "name",
    "path",
    "code",
    "incomplete",
    "markers",
    "sentence",
    "context",
    "cluster",
    "apiserver",
    "auditIDs",
];

const CI_BOT: &str = "system:serviceaccount:build:ci-bot";

/// V47..V57 of the answer key: the RBAC, configmap, secret and log requests of ops-admin, ci-bot
/// and eve between 14:59:07.4 and 14:59:12.9.
const CHAIN: [&str; 16] = [
    "-u",
    "ops-admin",
    "-u",
    CI_BOT,
    "-u",
    "eve",
    "-r",
    "rolebindings,clusterrolebindings,secrets,configmaps,pods/log",
    "--since",
    "2026-11-21T14:59:07.4Z",
    "--until",
    "2026-11-21T14:59:12.9Z",
    S5,
    "--collapse",
    "object",
    "--color=never",
];

/// Answer key "Workload steps" V47-V57, with the times of "RBAC writes", "Deletions of configmaps
/// and secrets" and "exec / log / attach / proxy subresources". Each `kubectl delete` is followed
/// by its list with a fieldSelector on the name (V49, V50, V55, V57).
#[test]
fn the_v47_to_v57_chain_in_order() {
    let lines = timeline(&CHAIN);
    let got: Vec<(String, String, Vec<String>)> = lines
        .iter()
        .map(|l| (s(l, "sentence"), s(l, "code"), strings(&l["markers"])))
        .collect();
    let want: [(&str, &str, &[&str]); 15] = [
        // V47
        (
            "ops-admin created rolebinding tools/ci-bot-cluster-admin (201)",
            "201",
            &["rbac"],
        ),
        // V48
        (
            "system:serviceaccount:build:ci-bot created secret tools/registry-push-token (201)",
            "201",
            &["secret"],
        ),
        // V49
        (
            "system:serviceaccount:build:ci-bot deleted configmap tools/toolbox-env (200)",
            "200",
            &[],
        ),
        (
            "system:serviceaccount:build:ci-bot listed configmap tools/toolbox-env (200)",
            "200",
            &[],
        ),
        // V50
        (
            "ops-admin deleted rolebinding tools/ci-bot-cluster-admin (200)",
            "200",
            &["rbac"],
        ),
        (
            "ops-admin listed rolebinding tools/ci-bot-cluster-admin (200)",
            "200",
            &[],
        ),
        // V51
        (
            "system:serviceaccount:build:ci-bot was denied listing secrets in namespace tools (403)",
            "403",
            &["secret"],
        ),
        // V52
        (
            "ops-admin created clusterrolebinding break-glass-eve (201)",
            "201",
            &["rbac"],
        ),
        // V53
        (
            "eve listed secrets in all namespaces (200)",
            "200",
            &["secret"],
        ),
        // V54
        (
            "eve read secret payments/ledger-db-creds (200)",
            "200",
            &["secret"],
        ),
        // V55
        (
            "eve deleted secret staging/smtp-relay (200)",
            "200",
            &["secret"],
        ),
        (
            "eve listed secret staging/smtp-relay (200)",
            "200",
            &["secret"],
        ),
        // V56
        (
            "eve failed to read logs of pod payments/ledger-worker-0 (500)",
            "500",
            &[],
        ),
        // V57
        (
            "ops-admin deleted clusterrolebinding break-glass-eve (200)",
            "200",
            &["rbac"],
        ),
        (
            "ops-admin listed clusterrolebinding break-glass-eve (200)",
            "200",
            &[],
        ),
    ];
    let want: Vec<(String, String, Vec<String>)> = want
        .iter()
        .map(|(a, b, c)| {
            (
                a.to_string(),
                b.to_string(),
                c.iter().map(|m| m.to_string()).collect(),
            )
        })
        .collect();
    assert_eq!(got, want);
    // times the answer key gives
    let at = |i: usize| s(&lines[i], "time");
    assert_eq!(at(0), "2026-11-21T14:59:07.546033Z");
    assert_eq!(at(2), "2026-11-21T14:59:08.555258Z");
    assert_eq!(at(4), "2026-11-21T14:59:09.053867Z");
    assert_eq!(at(7), "2026-11-21T14:59:10.022690Z");
    assert_eq!(at(10), "2026-11-21T14:59:11.470778Z");
    assert_eq!(at(12), "2026-11-21T14:59:11.974907Z");
    assert_eq!(at(13), "2026-11-21T14:59:12.472099Z");
    let times: Vec<String> = lines.iter().map(|l| s(l, "time")).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted, "lines are in received-time order");
    assert!(lines.iter().all(|l| count(l) == 1 && l["context"] == false));
}

/// The same chain as people read it: one date line, then time, sentence, markers.
#[test]
fn the_chain_as_a_table() {
    let mut args = vec!["timeline"];
    args.extend_from_slice(&CHAIN);
    let r = run(&args).expect_code(0);
    let text = r.stdout_str();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 16, "{text}");
    assert_eq!(lines[0], "2026-11-21 (UTC)");
    assert_eq!(
        lines[1],
        "14:59:07.546  ops-admin created rolebinding tools/ci-bot-cluster-admin (201)  [rbac]"
    );
    assert_eq!(
        lines[13],
        "14:59:11.974  eve failed to read logs of pod payments/ledger-worker-0 (500)"
    );
    // (the answer key gives no time for V57's list)
    assert!(lines[15].starts_with("14:59:12."), "{}", lines[15]);
    assert!(lines[15].ends_with("  ops-admin listed clusterrolebinding break-glass-eve (200)"));
    assert!(!text.contains('\x1b'), "no colors when piped");
}

/// Answer key "403 Forbidden": eve 370 plus ops-admin as eve (V60) = 371 requests. In time
/// order, with the default collapsing of identical requests, python over the raw logs finds 364
/// runs: six in the burst repeat one secret (2, 2, 3, 2, 2, 2 requests), the rest are single.
#[test]
fn eves_forbidden_requests_collapse_only_when_identical() {
    let lines = timeline(&["-u", "eve", "--code", "403", S5]);
    assert_eq!(lines.iter().map(count).sum::<u64>(), 371);
    assert_eq!(lines.len(), 364);
    let runs: Vec<(u64, String, String, String)> = lines
        .iter()
        .filter(|l| count(l) > 1)
        .map(|l| {
            (
                count(l),
                s(l, "namespace"),
                s(l, "name"),
                format!("{} .. {}", s(l, "time"), s(l, "last")),
            )
        })
        .collect();
    let want = [
        (
            2,
            "build",
            "stripe-api-key",
            "2026-11-21T15:00:50.332971Z .. 2026-11-21T15:00:50.335724Z",
        ),
        (
            2,
            "kube-system",
            "stripe-api-key",
            "2026-11-21T15:00:50.375204Z .. 2026-11-21T15:00:50.408639Z",
        ),
        (
            3,
            "kube-public",
            "prod-kubeconfig",
            "2026-11-21T15:00:51.210899Z .. 2026-11-21T15:00:51.241232Z",
        ),
        (
            2,
            "staging",
            "ledger-db-creds",
            "2026-11-21T15:00:52.388551Z .. 2026-11-21T15:00:52.394521Z",
        ),
        (
            2,
            "kube-public",
            "docker-config",
            "2026-11-21T15:00:52.442061Z .. 2026-11-21T15:00:52.469122Z",
        ),
        (
            2,
            "build",
            "ledger-db-creds",
            "2026-11-21T15:00:53.433060Z .. 2026-11-21T15:00:53.437511Z",
        ),
    ];
    let want: Vec<(u64, String, String, String)> = want
        .iter()
        .map(|(n, a, b, c)| (*n, a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(runs, want);
    let triple = lines.iter().find(|l| count(l) == 3).unwrap();
    assert_eq!(
        s(triple, "sentence"),
        "eve was denied getting secret kube-public/prod-kubeconfig (403)"
    );
    assert_eq!(strings(&triple["auditIDs"]).len(), 3);
}

/// `--collapse kind`: V17 (answer key: list /api/v1/secrets, then list and 10 guessed names in
/// each of payments, staging, tools, build, kube-system, default), V18, V46, V58, V60, and the
/// burst (answer key "Burst": eve 403: 300; by namespace, the key's 403-on-secrets counts minus
/// V17 and V58 leave build 56, payments 53, kube-system 53, staging 49, kube-public 53, default
/// 36: 6 namespaces; python finds 42 distinct secrets among the 300).
#[test]
fn eves_sweep_and_burst_with_collapse_kind() {
    let lines = timeline(&["-u", "eve", "--code", "403", "--collapse", "kind", S5]);
    let got: Vec<(u64, String)> = lines.iter().map(|l| (count(l), s(l, "sentence"))).collect();
    let mut want: Vec<(u64, String)> = vec![(
        2,
        "eve was denied listing secrets in all namespaces and in namespace payments (403)".into(),
    )];
    for (i, ns) in [
        "payments",
        "staging",
        "tools",
        "build",
        "kube-system",
        "default",
    ]
    .iter()
    .enumerate()
    {
        if i > 0 {
            want.push((
                1,
                format!("eve was denied listing secrets in namespace {ns} (403)"),
            ));
        }
        want.push((
            10,
            format!("eve was denied getting 10 secrets in namespace {ns} (403)"),
        ));
    }
    want.extend([
        (
            1,
            "eve was denied deleting configmap payments/gateway-settings (403)".to_string(),
        ),
        (
            1,
            "eve was denied listing configmaps in namespace build (403)".to_string(),
        ),
        (
            1,
            "eve was denied getting secret payments/ledger-db-creds (403)".to_string(),
        ),
        (
            1,
            "ops-admin as eve was denied listing secrets in namespace payments (403)".to_string(),
        ),
        (
            300,
            "eve was denied getting 42 secrets in 6 namespaces (403)".to_string(),
        ),
    ]);
    assert_eq!(got, want);
    let burst = lines.last().unwrap();
    // answer key "Phases": the burst runs 15:00:49.18 .. 15:00:54.54
    assert!(s(burst, "time").as_str() > "2026-11-21T15:00:49.18");
    assert!(s(burst, "last").as_str() < "2026-11-21T15:00:54.55");
    assert_eq!(burst["namespace"], Value::Null, "differs across the line");
    assert_eq!(burst["name"], Value::Null);
    assert_eq!(burst["resource"], "secrets");
    assert_eq!(strings(&burst["auditIDs"]).len(), 10, "the first 10 only");
}

/// Answer key "Impersonation": 14:59:13.984062 ops-admin as eve list payments secrets -> 403.
#[test]
fn impersonation_is_marked_and_both_identities_shown() {
    let lines = timeline(&[
        "-u", "eve", "-v", "list", "-r", "secrets", "-n", "payments", S5,
    ]);
    let imp: Vec<&Value> = lines
        .iter()
        .filter(|l| !l["impersonatedUser"].is_null())
        .collect();
    assert_eq!(imp.len(), 1);
    let l = imp[0];
    assert_eq!(
        s(l, "sentence"),
        "ops-admin as eve was denied listing secrets in namespace payments (403)"
    );
    assert_eq!(strings(&l["markers"]), ["impersonation", "secret"]);
    assert_eq!(l["user"], "ops-admin");
    assert_eq!(l["impersonatedUser"], "eve");
    assert_eq!(l["actor"], "eve");
    assert_eq!(l["time"], "2026-11-21T14:59:13.984062Z");
    // all three allowed impersonations, and nothing else, carry the marker (answer key: as carol,
    // as eve, as ci-bot; the two denied ones are logged without impersonatedUser)
    let all = timeline(&["--collapse", "none", S5]);
    let marked: Vec<String> = all
        .iter()
        .filter(|l| strings(&l["markers"]).contains(&"impersonation".to_string()))
        .map(|l| s(l, "sentence"))
        .collect();
    assert_eq!(
        marked,
        [
            "ops-admin as carol listed deployments in namespace staging (200)",
            "ops-admin as eve was denied listing secrets in namespace payments (403)",
            "ops-admin as system:serviceaccount:build:ci-bot listed configmaps in namespace build (200)",
        ]
    );
}

/// Answer key "401 Unauthorized": one request, no user, list configmaps in payments, curl,
/// 127.0.0.1.
#[test]
fn the_401_sentence() {
    let lines = timeline(&["--code", "401", S5]);
    assert_eq!(lines.len(), 1);
    let l = &lines[0];
    assert_eq!(
        s(l, "sentence"),
        "unauthenticated client 127.0.0.1 was rejected: list configmaps in namespace payments (401)"
    );
    assert_eq!(strings(&l["markers"]), ["anonymous"]);
    assert_eq!(l["user"], "");
    assert_eq!(l["actor"], "");
    assert_eq!(l["code"], 401);
    assert_eq!(l["incomplete"], false);
    assert_eq!(l["time"], "2026-11-21T14:59:06.089618Z");
    assert_eq!(
        strings(&l["auditIDs"]),
        ["9525c8f0-f09c-40f8-9d51-a20630feb907"]
    );
    // -o wide adds the auditID, source IP and user agent
    let r = run(&["timeline", "--code", "401", "-o", "wide", S5]).expect_code(0);
    assert_eq!(
        r.stdout_str(),
        "2026-11-21 (UTC)\n14:59:06.089  unauthenticated client 127.0.0.1 was rejected: list \
         configmaps in namespace payments (401)  [anonymous]  \
         auditID=9525c8f0-f09c-40f8-9d51-a20630feb907  ip=127.0.0.1  ua=\"curl/7.88.1\"\n"
    );
}

/// Answer key "exec / log / attach / proxy subresources": carol create staging/debug-box
/// pods/exec -> 400 at 14:59:03.949487 (statusReason BadRequest: python over the raw logs).
#[test]
fn exec_is_marked() {
    let lines = timeline(&["-r", "pods/exec", S5]);
    assert_eq!(lines.len(), 1);
    let l = &lines[0];
    assert_eq!(
        s(l, "sentence"),
        "carol failed to open an exec stream into pod staging/debug-box: BadRequest (400)"
    );
    assert_eq!(strings(&l["markers"]), ["exec"]);
    assert_eq!(l["subresource"], "exec");
    assert_eq!(l["time"], "2026-11-21T14:59:03.949487Z");
}

/// Kubernetes 1.36 (testdata/modern/d1, answer key "exec_like_by_subresource_verb_code"): exec
/// and attach over WebSocket are `get` with 101, which says a stream was opened, not that a
/// command ran; port-forward is tried as `get` then `create`, both 500 here.
#[test]
fn websocket_exec_is_a_stream_opened() {
    let lines = timeline(&[
        "-r",
        "pods/exec,pods/attach,pods/portforward",
        "--collapse",
        "none",
        "testdata/modern/d1",
    ]);
    assert_eq!(
        sentences(&lines),
        [
            "oscar opened an exec stream into pod billing/cashier-0 (101)",
            "oscar opened an exec stream into pod billing/cashier-0 (101)",
            "oscar opened an attach stream to pod billing/cashier-0 (101)",
            "oscar failed to open a port-forward to pod billing/cashier-0: error dialing backend: dial tcp 127.0.0.1:10250: connect: connection refused (500)",
            "oscar failed to open a port-forward to pod billing/cashier-0: error dialing backend: dial tcp 127.0.0.1:10250: connect: connection refused (500)",
            "oscar opened an exec stream into pod billing/cashier-0 (101)",
        ]
    );
    for l in &lines {
        assert_eq!(strings(&l["markers"]), ["exec"]);
    }
}

/// Dry runs (answer key "Dry-run requests"): marked, and said as what would have happened.
#[test]
fn dry_runs_are_marked_and_said_as_not_stored() {
    let lines = timeline(&["--dry-run", "only", "testdata/modern/d1"]);
    assert_eq!(
        sentences(&lines),
        [
            "dana would have created configmap shop/dry-cm (dry run: nothing stored) (201)",
            "dana would have patched configmap shop/dev-settings (dry run: nothing stored) (200)",
            "dana would have deleted configmap shop/cart-settings (dry run: nothing stored) (200)",
        ]
    );
    for l in &lines {
        assert_eq!(strings(&l["markers"]), ["dry-run"]);
    }
    // d2 logs deletes at Metadata: the body that would tell is not there
    let lines = timeline(&["--dry-run", "unknown", "-u", "dana", "testdata/modern/d2"]);
    assert_eq!(
        sentences(&lines),
        [
            "dana deleted configmap shop/cart-settings (200)",
            "dana deleted configmap shop/dev-settings (200)",
        ]
    );
    for l in &lines {
        assert_eq!(strings(&l["markers"]), ["dry-run?"]);
    }
}

/// Answer key "Anonymous" (outside the burst): GET /api 403, /healthz 200, list payments
/// secrets 403, /version 200, each marked anonymous.
#[test]
fn anonymous_requests_outside_the_burst() {
    let lines = timeline(&[
        "-u",
        "system:anonymous",
        "--until",
        "2026-11-21T15:00:00Z",
        S5,
    ]);
    assert_eq!(
        sentences(&lines),
        [
            "system:anonymous was denied requesting GET /api (403)",
            "system:anonymous requested GET /healthz (200)",
            "system:anonymous was denied listing secrets in namespace payments (403)",
            "system:anonymous requested GET /version (200)",
        ]
    );
    assert!(
        lines
            .iter()
            .all(|l| strings(&l["markers"]).contains(&"anonymous".to_string()))
    );
    assert_eq!(lines[1]["path"], "/healthz");
    assert_eq!(lines[1]["resource"], Value::Null);
    assert_eq!(lines[3]["time"], "2026-11-21T14:59:05.660759Z");
}

/// `--context 500ms` around the 401 (14:59:06.089618): the other actors' requests received
/// within half a second, marked; anonymous GET /version (14:59:05.660759, 429 ms before) is in,
/// the anonymous list of secrets (14:59:05.234323, 855 ms before) is not.
#[test]
fn context_adds_the_other_actors_around_a_match() {
    let lines = timeline(&["--code", "401", "--context", "500ms", S5]);
    let matches: Vec<&Value> = lines.iter().filter(|l| l["context"] == false).collect();
    assert_eq!(matches.len(), 1);
    assert_eq!(matches[0]["code"], 401);
    let ctx: Vec<&Value> = lines.iter().filter(|l| l["context"] == true).collect();
    assert!(ctx.len() >= 2, "{lines:?}");
    let version = ctx
        .iter()
        .find(|l| s(l, "time") == "2026-11-21T14:59:05.660759Z")
        .expect("the anonymous GET /version is context");
    assert_eq!(
        s(version, "sentence"),
        "system:anonymous requested GET /version (200)"
    );
    assert!(
        !lines
            .iter()
            .any(|l| s(l, "time") == "2026-11-21T14:59:05.234323Z")
    );
    let actors: std::collections::BTreeSet<String> = ctx.iter().map(|l| s(l, "actor")).collect();
    assert!(actors.len() >= 2, "other actors: {actors:?}");
    for l in &ctx {
        let t = s(l, "time");
        assert!(
            ("2026-11-21T14:59:05.589618Z"..="2026-11-21T14:59:06.589618Z").contains(&t.as_str()),
            "{t} is within 500 ms"
        );
        assert!(s(l, "last").as_str() <= "2026-11-21T14:59:06.589618Z");
    }
    // in order, and the table marks context lines with `·`
    let times: Vec<String> = lines.iter().map(|l| s(l, "time")).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted);
    let r = run(&["timeline", "--code", "401", "--context", "500ms", S5]).expect_code(0);
    let text = r.stdout_str();
    assert!(text.contains(
        "\n  14:59:06.089  unauthenticated client 127.0.0.1 was rejected: list configmaps in \
         namespace payments (401)  [anonymous]\n"
    ));
    assert!(text.contains(
        "\n· 14:59:05.660  system:anonymous requested GET /version (200)  [anonymous]\n"
    ));
    // without the flag, only the match
    assert_eq!(timeline(&["--code", "401", S5]).len(), 1);
}

#[test]
fn json_and_csv_fields() {
    let r = run(&["timeline", "-o", "json", "-u", "eve", "--code", "403", S5]).expect_code(0);
    let doc: Value = serde_json::from_slice(&r.stdout).expect("one JSON document");
    let lines = doc.as_array().expect("an array");
    assert_eq!(lines.len(), 364);
    for l in lines {
        let keys: Vec<&str> = l.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, FIELDS);
    }
    let first = &lines[0];
    // V17's first request: list /api/v1/secrets -> 403
    assert_eq!(first["verb"], "list");
    assert_eq!(first["resource"], "secrets");
    assert_eq!(first["namespace"], Value::Null);
    assert_eq!(first["count"], 1);
    assert_eq!(first["time"], first["last"]);

    let r = run(&["timeline", "-o", "csv", "-u", "eve", "--code", "403", S5]).expect_code(0);
    let (header, rows) = csv(&r.stdout);
    assert_eq!(header, FIELDS);
    assert_eq!(rows.len(), 364);
    let triple = rows.iter().find(|r| r[2] == "3").expect("the x3 line");
    assert_eq!(triple[9], "kube-public");
    assert_eq!(triple[10], "prod-kubeconfig");
    assert_eq!(triple[14], "secret");
    assert_eq!(triple[19].split(';').count(), 3);
    let imp = rows
        .iter()
        .find(|r| r[5] == "eve")
        .expect("ops-admin as eve");
    assert_eq!(imp[14], "impersonation;secret");
}

/// Every request of the s5 set (answer key: 4,254) is on some line, in time order, whatever the
/// thread count or chunk size (requests split across chunks and files are joined first).
#[test]
fn every_request_once_in_order_for_any_threads_and_chunks() {
    let none = timeline(&["--collapse", "none", S5]);
    assert_eq!(none.len(), 4254);
    let times: Vec<String> = none.iter().map(|l| s(l, "time")).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted);
    let collapsed = timeline(&[S5]);
    assert_eq!(collapsed.iter().map(count).sum::<u64>(), 4254);
    assert!(collapsed.len() < none.len());
    let one = run(&["timeline", "-o", "ndjson", "--threads", "1", S5]).expect_code(0);
    let small = run(&[
        "timeline",
        "-o",
        "ndjson",
        "--threads",
        "2",
        "--chunk-size",
        "20000",
        S5,
    ])
    .expect_code(0);
    assert!(
        one.stdout == small.stdout,
        "same output for any threads and chunks"
    );
    assert_eq!(ndjson(&one.stdout), collapsed);
}

#[test]
fn nothing_matched_exits_1() {
    let r = run(&["timeline", "-u", "nobody", S5]).expect_code(1);
    assert!(r.stdout.is_empty());
    let r = run(&["timeline", "-o", "json", "-u", "nobody", S5]).expect_code(1);
    assert_eq!(r.stdout_str(), "[]\n");
    // context alone is not a match
    run(&["timeline", "-u", "nobody", "--context", "1m", S5]).expect_code(1);
}

#[test]
fn bad_arguments_exit_2() {
    for args in [
        &["timeline", "--context", "soon", S5][..],
        &["timeline", "--context", "5", S5][..],
        &["timeline", "-o", "raw", S5][..],
        &["timeline", "--collapse", "all", S5][..],
    ] {
        let r = run(args).expect_code(2);
        assert!(r.stdout.is_empty(), "{args:?}");
        assert!(r.stderr.contains("error"), "{args:?}: {}", r.stderr);
    }
}

/// carol's two 403s (answer key: delete secret payments/stripe-api-key at 14:58:59.942230, and
/// the denied impersonation at 14:59:02.858790) in a zone 9h01 ahead of UTC fall on both sides
/// of local midnight: a date line for each day.
#[test]
fn local_time_and_date_lines() {
    let out = kaudit()
        .env("TZ", "<+0901>-9:01")
        .args(["timeline", "--local", "-u", "carol", "--code", "403", S5])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "2026-11-21 (local, +09:01)\n\
         23:59:59.942  carol was denied deleting secret payments/stripe-api-key (403)  [secret]\n\
         \n\
         2026-11-22 (local, +09:01)\n\
         00:00:02.858  carol was denied listing secrets in namespace payments (403)  [secret]\n"
    );
    let r = run(&[
        "timeline",
        "-u",
        "carol",
        "--code",
        "403",
        "--no-headers",
        S5,
    ])
    .expect_code(0);
    assert_eq!(
        r.stdout_str(),
        "2026-11-21 14:58:59.942  carol was denied deleting secret payments/stripe-api-key (403)  [secret]\n\
         2026-11-21 14:59:02.858  carol was denied listing secrets in namespace payments (403)  [secret]\n"
    );
    // JSON stays UTC
    let out = kaudit()
        .env("TZ", "<+0901>-9:01")
        .args([
            "timeline", "--local", "-o", "ndjson", "-k", "1", "-u", "carol", "--code", "403", S5,
        ])
        .output()
        .unwrap();
    assert_eq!(
        ndjson(&out.stdout)[0]["time"],
        "2026-11-21T14:58:59.942230Z"
    );
}

#[test]
fn limit_counts_lines() {
    let lines = timeline(&["-u", "eve", "--code", "403", "-k", "3", S5]);
    assert_eq!(lines.len(), 3);
}

#[test]
fn help_shows_examples() {
    let r = run(&["timeline", "--help"]).expect_code(0);
    let out = r.stdout_str();
    assert!(
        out.contains("Examples:\n  kaudit timeline -u eve testdata/s5/"),
        "{out}"
    );
    assert!(out.contains("--context 1s testdata/s5/"));
    assert!(out.contains("Exit codes:"));
}

/// testdata/edge/EXPECTED.md, control-chars.log: an OSC sequence in objectRef.name and control
/// characters in user agents reach the terminal as visible escapes; JSON keeps them exact.
#[test]
fn control_characters_are_shown_not_obeyed() {
    const CC: &str = "testdata/edge/control-chars.log";
    let r = run(&["timeline", "-o", "wide", "--color", "always", CC]).expect_code(0);
    let text = r.stdout_str();
    assert!(
        text.contains("deleted configmap build/artifact-cache-141\\e]0;pwned\\x07 \x1b[32m(200)")
    );
    assert!(text.contains("ua=\"buildkite-agent/3.27\\t(burst)\\rFAKE 200 OK\""));
    assert!(text.contains("ua=\"checkout-devtool/0.3 \\e[31mred\\e[0m (burst)\""));
    // the only escape sequences are kaudit's own colors: no OSC, BEL, CR or TAB
    for bad in ["\x1b]", "\x07", "\r", "\t", "\u{202e}"] {
        assert!(!text.contains(bad), "{bad:?} reached the terminal");
    }
    let lines = timeline(&[CC]);
    let del = lines.iter().find(|l| l["verb"] == "delete").unwrap();
    assert_eq!(del["name"], "artifact-cache-141\x1b]0;pwned\x07");
}

/// A TokenRequest (create serviceaccounts/token, V05) reads as a token request, not as a
/// second creation of the service account (review finding W8).
#[test]
fn token_request_sentence() {
    let r = crate::util::run(&[
        "timeline",
        "-u",
        "ops-admin",
        "-r",
        "serviceaccounts",
        "-v",
        "create",
        "testdata/s5/",
    ]);
    let text = String::from_utf8(r.stdout).unwrap();
    assert!(
        text.contains("ops-admin created serviceaccount build/ci-bot (201)"),
        "{text}"
    );
    assert!(
        text.contains("ops-admin requested a token for serviceaccount build/ci-bot (201)"),
        "{text}"
    );
}

/// Regression (issue 18): the timeline named the first of `sourceIPs`, which a client sets
/// (`X-Forwarded-For`), where every other command names the last, the address that connected.
#[test]
fn the_address_is_the_one_that_connected() {
    let line = |stage: &str| {
        format!(
            r#"{{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a1","stage":"{stage}","requestURI":"/api/v1/secrets","verb":"list","user":{{}},"sourceIPs":["6.6.6.6","10.0.0.7"],"objectRef":{{"resource":"secrets","apiVersion":"v1"}},"responseStatus":{{"code":401}},"requestReceivedTimestamp":"2026-11-21T14:59:05.660759Z","stageTimestamp":"2026-11-21T14:59:05.661759Z"}}"#
        )
    };
    let log = format!("{}\n", line("ResponseStarted"));
    let r = run_stdin(&["timeline", "-o", "wide", "-"], log.clone()).expect_code(0);
    let text = r.stdout_str();
    assert!(text.contains("unauthenticated client 10.0.0.7"), "{text}");
    assert!(text.contains("ip=10.0.0.7"), "{text}");
    assert!(!text.contains("6.6.6.6"), "{text}");
    let w = run_stdin(&["where", "-o", "csv", "-"], log).expect_code(0);
    assert!(w.stdout_str().contains("\n10.0.0.7,"), "{}", w.stdout_str());
}

/// Regression (issue 18): the timeline marked any resource named `secrets` (a custom resource
/// of another group too) as a Secret, where `policy simulate` counted the core group's only;
/// both now ask `Request::is_secret`.
#[test]
fn only_core_secrets_are_marked_secret() {
    let line = |group: &str, id: &str| {
        format!(
            r#"{{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"{id}","stage":"ResponseComplete","requestURI":"/x","verb":"get","user":{{"username":"eve"}},"sourceIPs":["10.0.0.7"],"objectRef":{{"resource":"secrets","apiGroup":"{group}","namespace":"ns","name":"n","apiVersion":"v1"}},"responseStatus":{{"code":200}},"requestReceivedTimestamp":"2026-11-21T14:59:05.660759Z","stageTimestamp":"2026-11-21T14:59:05.661759Z"}}"#
        )
    };
    let log = format!(
        "{}\n{}\n",
        line("", "core"),
        line("vault.example.com", "crd")
    );
    let r = run_stdin(&["timeline", "-o", "ndjson", "-"], log).expect_code(0);
    let lines = ndjson(r.stdout_str().as_bytes());
    let marked = |id: &str| {
        let l = lines.iter().find(|l| l["auditIDs"][0] == id).unwrap();
        strings(&l["markers"]).contains(&"secret".to_string())
    };
    assert!(marked("core"));
    assert!(!marked("crd"));
}
