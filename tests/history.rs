//! `kaudit history`: the life of single objects in the s5 set, checked against the workload steps
//! (`../shared/testdata/realcluster/s5-dev-variant/steps.tsv`, also listed with their audited
//! requests under "Workload steps" in testdata/s5-ANSWER-KEY.md) and the answer key: who touched
//! the object, in which order, with which code, and what each write changed; Secret redaction;
//! the note for logs without bodies; exit codes; the output formats.
//!
//! Request lists that the answer key gives only in aggregate were counted with python over the
//! decompressed set (`json.loads` of every line, requests keyed by auditID and
//! requestReceivedTimestamp, objectRef resource/namespace/name, or a `metadata.name%3D` field
//! selector), as noted next to each number.

use serde_json::{Value, json};

use crate::util::{S5, count_by, counts, csv, log_lines, ndjson, run, run_stdin, s};

/// `kaudit history -o ndjson ARGS`, exit 0, one record per request.
#[track_caller]
fn history(args: &[&str]) -> Vec<Value> {
    let mut full = vec!["history", "-o", "ndjson"];
    full.extend_from_slice(args);
    let r = run(&full).expect_code(0);
    ndjson(&r.stdout)
}

/// (user, verb, code) of each record.
fn who_did(records: &[Value]) -> Vec<(String, String, i64)> {
    records
        .iter()
        .map(|r| {
            (
                s(r, "user"),
                s(r, "verb"),
                r["code"].as_i64().expect("a code"),
            )
        })
        .collect()
}

fn triples(v: &[(&str, &str, i64)]) -> Vec<(String, String, i64)> {
    v.iter()
        .map(|(u, verb, c)| ((*u).to_owned(), (*verb).to_owned(), *c))
        .collect()
}

/// steps.tsv start_utc and end_utc of a workload step; the answer key matches requests to steps
/// within start..end ±5 ms, and so do these tests.
#[track_caller]
fn within(record: &Value, step: (&str, &str)) {
    let t = s(record, "time");
    let ms = |x: &str| -> i64 {
        // 2026-11-21T14:58:49.936625Z: same day, compare time of day in microseconds
        let hms = &x[11..x.len() - 1];
        let (h, rest) = hms.split_once(':').unwrap();
        let (m, sec) = rest.split_once(':').unwrap();
        let secs: f64 = sec.parse().unwrap();
        (h.parse::<i64>().unwrap() * 3600 + m.parse::<i64>().unwrap() * 60) * 1_000_000
            + (secs * 1e6).round() as i64
    };
    let (a, b, x) = (ms(step.0) - 5_000, ms(step.1) + 5_000, ms(&t));
    assert!(
        a <= x && x <= b,
        "{t} is not within the step {}..{}",
        step.0,
        step.1
    );
}

// steps.tsv: id, start_utc, end_utc
const V12: (&str, &str) = ("2026-11-21T14:58:36.826913Z", "2026-11-21T14:58:37.191146Z");
const V13: (&str, &str) = ("2026-11-21T14:58:37.595240Z", "2026-11-21T14:58:37.897718Z");
const V25: (&str, &str) = ("2026-11-21T14:58:49.861714Z", "2026-11-21T14:58:49.944644Z");
const V26: (&str, &str) = ("2026-11-21T14:58:50.347910Z", "2026-11-21T14:58:50.481490Z");
const V28: (&str, &str) = ("2026-11-21T14:58:58.300381Z", "2026-11-21T14:58:58.435757Z");
const V29: (&str, &str) = ("2026-11-21T14:58:58.846114Z", "2026-11-21T14:58:58.937368Z");
const V30: (&str, &str) = ("2026-11-21T14:58:59.341702Z", "2026-11-21T14:58:59.442825Z");
const V33: (&str, &str) = ("2026-11-21T14:59:00.870694Z", "2026-11-21T14:59:00.940151Z");
const V34: (&str, &str) = ("2026-11-21T14:59:01.345295Z", "2026-11-21T14:59:01.449334Z");
const V35: (&str, &str) = ("2026-11-21T14:59:01.854097Z", "2026-11-21T14:59:01.886413Z");
const V39: (&str, &str) = ("2026-11-21T14:59:03.879110Z", "2026-11-21T14:59:03.957622Z");
const V54: (&str, &str) = ("2026-11-21T14:59:10.917657Z", "2026-11-21T14:59:11.010001Z");
const V56: (&str, &str) = ("2026-11-21T14:59:11.890040Z", "2026-11-21T14:59:12.391438Z");
const V58: (&str, &str) = ("2026-11-21T14:59:12.888564Z", "2026-11-21T14:59:12.985957Z");
const V63: (&str, &str) = ("2026-11-21T14:59:15.465238Z", "2026-11-21T14:59:15.538669Z");

const TOGGLES: [&str; 4] = ["cm/feature-toggles", "-n", "staging", S5];

/// The Secret's values as logged (base64), from steps/V54.out (`kubectl get secret -o yaml`):
/// password "L3dg3r-Pa55-2026" (16 bytes), username "ledger_rw" (9 bytes).
const PASSWORD_B64: &str = "TDNkZzNyLVBhNTUtMjAyNg==";
const USERNAME_B64: &str = "bGVkZ2VyX3J3";

fn change<'a>(record: &'a Value, path: &str) -> &'a Value {
    record["changes"]
        .as_array()
        .expect("changes is an array")
        .iter()
        .find(|c| c["path"] == path)
        .unwrap_or_else(|| panic!("no change at {path}: {}", record["changes"]))
}

// ------------------------------------------------------------- configmap staging/feature-toggles

/// Steps V25 (create), V29 (get + merge patch), V33 (get), V34 (get + label patch by ops-admin)
/// and V35 (PUT with a stale resourceVersion -> 409): seven requests, in the order received.
#[test]
fn feature_toggles_every_request_in_order() {
    let rows = history(&TOGGLES);
    assert_eq!(
        who_did(&rows),
        triples(&[
            ("carol", "create", 201),
            ("carol", "get", 200),
            ("carol", "patch", 200),
            ("carol", "get", 200),
            ("ops-admin", "get", 200),
            ("ops-admin", "patch", 200),
            ("carol", "update", 409),
        ])
    );
    for (r, step) in rows.iter().zip([V25, V29, V29, V33, V34, V34, V35]) {
        within(r, step);
        assert_eq!(r["namespace"], "staging");
        assert_eq!(r["name"], "feature-toggles");
        assert_eq!(r["sourceIP"], "127.0.0.1");
        assert_eq!(r["level"], "RequestResponse");
    }
    // the answer key's "Other error responses": the 409 and its received time
    let conflict = &rows[6];
    assert_eq!(conflict["time"], "2026-11-21T14:59:01.873471Z");
    assert_eq!(conflict["statusReason"], "Conflict");
    assert_eq!(conflict["userAgent"], "curl/7.88.1");
    assert_eq!(conflict["applied"], false);
    // the curl step was a PUT: verb update
    assert_eq!(
        conflict["requestURI"],
        "/api/v1/namespaces/staging/configmaps/feature-toggles"
    );
}

/// What each write changed: V29 set new_cart=false (merge patch), V34 added the label
/// reviewed=yes, and V35's stale PUT, refused, would have dropped that label again.
#[test]
fn feature_toggles_what_each_write_changed() {
    let rows = history(&TOGGLES);
    // V25 `kubectl create configmap`: the fields it set (python, the create's requestObject:
    // data dark_mode="false", new_cart="true"); nothing server-set is listed
    let create = &rows[0];
    assert_eq!(
        create["changes"],
        json!([
            {"path": "data.dark_mode", "old": null, "new": "false"},
            {"path": "data.new_cart", "old": null, "new": "true"},
        ])
    );
    assert_eq!(create["applied"], true);
    // V29 merge patch new_cart=false: the diff and the patch body
    let merge = &rows[2];
    assert_eq!(
        merge["changes"],
        json!([{"path": "data.new_cart", "old": "true", "new": "false"}])
    );
    assert_eq!(merge["patch"], json!({"data": {"new_cart": "false"}}));
    // reads change nothing
    assert_eq!(rows[1]["changes"], json!([]));
    assert_eq!(rows[1]["applied"], Value::Null);
    // V34 kubectl label reviewed=yes, by ops-admin
    let label = &rows[5];
    assert_eq!(label["user"], "ops-admin");
    assert_eq!(
        label["changes"],
        json!([{"path": "metadata.labels.reviewed", "old": null, "new": "yes"}])
    );
    // V35: refused; against the state it would have replaced, it drops the label
    let put = &rows[6];
    assert_eq!(put["patch"], Value::Null);
    let dropped = change(put, "metadata.labels.reviewed");
    assert_eq!(
        (&dropped["old"], &dropped["new"]),
        (&json!("yes"), &Value::Null)
    );
    assert_eq!(put["notes"][0], "not applied: 409 Conflict");

    // The table: the 409 row, then what it asked for, indented.
    let t = run(&["history", "cm/feature-toggles", "-n", "staging", S5]).expect_code(0);
    let out = t.stdout_str();
    let lines: Vec<&str> = out.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains(" update ") && l.contains(" 409 "))
        .expect("the 409 row");
    assert!(lines[at].starts_with("2026-11-21 14:59:01.873  carol"));
    assert_eq!(
        lines[at + 1..at + 3],
        [
            "    not applied: 409 Conflict, it asked for:",
            "    - metadata.labels.reviewed: \"yes\"",
        ]
    );
    assert!(out.contains("\n    + metadata.labels.reviewed: \"yes\"\n"));
    assert!(out.contains("\n      data.new_cart: \"true\" → \"false\"\n"));
}

/// The user's filters choose the rows; the diffs still come from every request on the object.
#[test]
fn filters_choose_rows_not_the_state_diffs_start_from() {
    let rows = history(&["-u", "ops-admin", "cm/feature-toggles", "-n", "staging", S5]);
    assert_eq!(
        who_did(&rows),
        triples(&[("ops-admin", "get", 200), ("ops-admin", "patch", 200)])
    );
    // only the label: carol's earlier patch is not credited to ops-admin
    assert_eq!(
        rows[1]["changes"],
        json!([{"path": "metadata.labels.reviewed", "old": null, "new": "yes"}])
    );
    let writes = history(&[
        "-v",
        "write",
        "--code",
        "4xx",
        "cm/feature-toggles",
        "-n",
        "staging",
        S5,
    ]);
    assert_eq!(who_did(&writes), triples(&[("carol", "update", 409)]));
    assert!(
        writes[0]["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["path"] == "metadata.labels.reviewed")
    );
}

// ------------------------------------------------------------ deployment staging/checkout-ui

/// V28: `kubectl patch --type=json` replicas=2 on the deployment V26 created (kubectl create
/// deployment: 1 replica) -> 200.
#[test]
fn checkout_ui_replicas_patch() {
    let rows = history(&["-v", "patch", "deploy/checkout-ui", "-n", "staging", S5]);
    assert_eq!(who_did(&rows), triples(&[("carol", "patch", 200)]));
    let p = &rows[0];
    within(p, V28);
    assert_eq!(
        p["changes"],
        json!([{"path": "spec.replicas", "old": 1, "new": 2}])
    );
    assert_eq!(
        p["patch"],
        json!([{"op": "replace", "path": "/spec/replicas", "value": 2}])
    );
    // every spelling of the kind names the same object
    for kind in ["deployment", "deployments", "deployments.apps"] {
        let obj = format!("{kind}/checkout-ui");
        assert_eq!(
            history(&["-v", "patch", &obj, "-n", "staging", S5]),
            rows,
            "{kind}"
        );
    }
}

/// All requests on the deployment: V26's create, V28's get and patch, the burst's 250 GETs by
/// carol (answer key "Burst"), and the deployment controller's status writes, one of them the
/// 409 listed under "Other error responses" (python: 6 more status updates -> 200).
#[test]
fn checkout_ui_all_requests_with_status_writes_shown_as_such() {
    let rows = history(&["deploy/checkout-ui", "-n", "staging", S5]);
    assert_eq!(rows.len(), 260);
    let by = count_by(&rows, |r| {
        format!(
            "{} {}{} {}",
            s(r, "user"),
            s(r, "verb"),
            r["subresource"]
                .as_str()
                .map_or(String::new(), |x| format!("/{x}")),
            s(r, "code")
        )
    });
    let dc = "system:serviceaccount:kube-system:deployment-controller";
    assert_eq!(
        by,
        counts(&[
            ("carol create 201", 1),
            ("carol get 200", 251),
            ("carol patch 200", 1),
            (&format!("{dc} update/status 200"), 6),
            (&format!("{dc} update/status 409"), 1),
        ])
    );
    let create = &rows[0];
    assert_eq!(
        (create["user"].as_str(), create["code"].as_i64()),
        (Some("carol"), Some(201))
    );
    within(create, V26);
    // kubectl create deployment checkout-ui --image nginx:1.21-alpine (steps V26)
    assert_eq!(
        change(create, "spec.template.spec.containers[name=nginx].image")["new"],
        "nginx:1.21-alpine"
    );
    assert_eq!(change(create, "spec.replicas")["new"], 1);
    let conflict = rows
        .iter()
        .find(|r| r["code"] == 409)
        .expect("the status 409");
    assert_eq!(conflict["time"], "2026-11-21T14:58:50.447777Z");
    assert_eq!(conflict["subresource"], "status");
    assert_eq!(conflict["applied"], false);
    // a status write is compared on status too
    let status_ok = rows
        .iter()
        .find(|r| r["subresource"] == "status" && r["code"] == 200)
        .unwrap();
    assert!(
        status_ok["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| s(c, "path").starts_with("status."))
    );

    // the table shows the subresource with the verb
    let t = run(&[
        "history",
        "deploy/checkout-ui",
        "-n",
        "staging",
        "-v",
        "update",
        S5,
    ])
    .expect_code(0);
    assert!(
        t.stdout_str()
            .lines()
            .skip(1)
            .filter(|l| !l.starts_with(' '))
            .all(|l| l.contains(" update (status) "))
    );
}

// ------------------------------------------------------------------ secret payments/ledger-db-creds

/// Created by ops-admin (V12); read by eve (V54, 200; V58, 403) and by worker-7's node (V63, 200),
/// the only successful reads (answer key "Successful secret reads"); eve's other 403s are her
/// guesses (V17) and the burst (python: 11 eve 403s on payments/ledger-db-creds in all).
#[test]
fn ledger_db_creds_reads_with_their_codes() {
    let rows = history(&["secret/ledger-db-creds", "-n", "payments", S5]);
    assert_eq!(rows.len(), 14);
    assert_eq!(
        count_by(&rows, |r| format!(
            "{} {} {}",
            s(r, "user"),
            s(r, "verb"),
            s(r, "code")
        )),
        counts(&[
            ("ops-admin create 201", 1),
            ("eve get 200", 1),
            ("eve get 403", 11),
            ("system:node:worker-7 get 200", 1),
        ])
    );
    within(&rows[0], V12);
    let ok: Vec<&Value> = rows.iter().filter(|r| r["code"] == 200).collect();
    assert_eq!(ok.len(), 2);
    within(ok[0], V54);
    assert_eq!(ok[0]["user"], "eve");
    within(ok[1], V63);
    assert_eq!(ok[1]["user"], "system:node:worker-7");
    assert!(
        rows.iter()
            .any(|r| r["user"] == "eve" && r["code"] == 403 && {
                let t = s(r, "time");
                t.as_str() >= V58.0 && t.as_str() <= V58.1
            }),
        "V58's 403"
    );
}

/// Secret values never reach the output unless asked for: redacted with their decoded size.
#[test]
fn secret_values_are_redacted_in_every_format() {
    let rows = history(&["secret/ledger-db-creds", "-n", "payments", S5]);
    let create = &rows[0];
    assert_eq!(
        create["changes"],
        json!([
            {"path": "data.password", "old": null, "new": "<redacted 16 bytes>"},
            {"path": "data.username", "old": null, "new": "<redacted 9 bytes>"},
            {"path": "type", "old": null, "new": "Opaque"},
        ])
    );
    for fmt in ["table", "wide", "json", "ndjson", "csv"] {
        // without -n: every namespace eve tried
        for args in [
            &["history", "-o", fmt, "secret/ledger-db-creds", S5][..],
            &[
                "history",
                "-o",
                fmt,
                "secret/ledger-db-creds",
                "-n",
                "payments",
                S5,
            ][..],
        ] {
            let r = run(args).expect_code(0);
            let out = r.stdout_str();
            assert!(!out.contains(PASSWORD_B64), "{args:?} shows the password");
            assert!(!out.contains(USERNAME_B64), "{args:?} shows the username");
        }
    }
    let t = run(&["history", "secret/ledger-db-creds", "-n", "payments", S5]).expect_code(0);
    assert!(
        t.stdout_str()
            .contains("\n    + data.password: <redacted 16 bytes>\n")
    );
}

#[test]
fn show_secrets_shows_them() {
    let rows = history(&[
        "--show-secrets",
        "secret/ledger-db-creds",
        "-n",
        "payments",
        S5,
    ]);
    assert_eq!(change(&rows[0], "data.password")["new"], PASSWORD_B64);
    assert_eq!(change(&rows[0], "data.username")["new"], USERNAME_B64);
    let t = run(&[
        "history",
        "--show-secrets",
        "secret/ledger-db-creds",
        "-n",
        "payments",
        S5,
    ])
    .expect_code(0);
    assert!(t.stdout_str().contains(PASSWORD_B64));
}

// ----------------------------------------------------------------- configmap payments/rate-limits

/// Created by ops-admin (V13), deleted by carol (V30, answer key "Deletions": 200 at
/// 14:58:59.426188Z); kubectl then waited for it with a field-selector list (V30's second request).
#[test]
fn rate_limits_deleted_by_carol() {
    let rows = history(&["configmap/rate-limits", "-n", "payments", S5]);
    assert_eq!(
        who_did(&rows),
        triples(&[
            ("ops-admin", "create", 201),
            ("carol", "delete", 200),
            ("carol", "list", 200),
        ])
    );
    within(&rows[0], V13);
    let del = &rows[1];
    assert_eq!(del["time"], "2026-11-21T14:58:59.426188Z");
    assert_eq!(del["applied"], true);
    assert_eq!(del["notes"], json!(["deleted"]));
    within(&rows[2], V30);
    assert_eq!(
        rows[2]["requestURI"],
        "/api/v1/namespaces/payments/configmaps?fieldSelector=metadata.name%3Drate-limits"
    );
    assert_eq!(rows[2]["name"], "rate-limits");
    assert_eq!(
        rows[2]["notes"],
        json!(["by field selector metadata.name=rate-limits"])
    );
    let t = run(&["history", "cm/rate-limits", "-n", "payments", S5]).expect_code(0);
    assert!(
        t.stdout_str()
            .contains(" delete   200  127.0.0.1\n    deleted\n")
    );
}

// --------------------------------------------------------------------------------- subresources

/// V39 exec into staging/debug-box (`-- env`, container box) -> 400; V56 logs of
/// payments/ledger-worker-0 -> 500: subresource requests are part of the pod's history.
#[test]
fn subresource_requests_are_shown_as_such() {
    let rows = history(&["po/debug-box", "-n", "staging", S5]);
    let exec = rows
        .iter()
        .find(|r| r["subresource"] == "exec")
        .expect("the exec");
    within(exec, V39);
    assert_eq!(
        (exec["verb"].as_str(), exec["code"].as_i64()),
        (Some("create"), Some(400))
    );
    assert_eq!(exec["notes"], json!(["exec: command=env container=box"]));
    assert_eq!(exec["applied"], Value::Null, "a connection, not a write");
    let t = run(&["history", "po/debug-box", "-n", "staging", S5]).expect_code(0);
    assert!(t.stdout_str().contains(" create (exec)  "));

    let logs = history(&["pods/log/ledger-worker-0", "-n", "payments", S5]);
    assert_eq!(who_did(&logs), triples(&[("eve", "get", 500)]));
    within(&logs[0], V56);
    assert_eq!(logs[0]["subresource"], "log");
}

// ----------------------------------------------------------------- bodies, exit codes, formats

/// demo-2017-v1beta1.log is Metadata level (testdata/README.md): rows, no diffs, one note.
/// python over that file: clusterrolebinding audit2rbac:sa1 has 1 create (201), 24 gets (23 x
/// 200, 1 x 404) and 23 patches (200), all by system:admin.
#[test]
fn metadata_level_log_says_it_has_no_bodies() {
    let log = "testdata/public/audit2rbac/demo-2017-v1beta1.log";
    let r = run(&["history", "-o", "ndjson", "crb/audit2rbac:sa1", log]).expect_code(0);
    let rows = ndjson(&r.stdout);
    assert_eq!(
        count_by(&rows, |r| format!(
            "{} {} {}",
            s(r, "user"),
            s(r, "verb"),
            s(r, "code")
        )),
        counts(&[
            ("system:admin create 201", 1),
            ("system:admin get 200", 23),
            ("system:admin get 404", 1),
            ("system:admin patch 200", 23),
        ])
    );
    assert!(
        rows.iter()
            .all(|r| r["changes"] == json!([]) && r["patch"].is_null())
    );
    assert!(rows.iter().all(|r| r["level"] == "Metadata"));
    assert_eq!(r.stderr.matches("no request or response bodies").count(), 1);
    let t = run(&["history", "crb/audit2rbac:sa1", log]).expect_code(0);
    assert_eq!(
        t.stdout_str().lines().count(),
        1 + 48,
        "one line per request, no details"
    );
    assert_eq!(t.stderr.matches("note:").count(), 1);
}

#[test]
fn an_object_never_touched_exits_1() {
    let r = run(&["history", "cm/never-created", "-n", "staging", S5]).expect_code(1);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr
            .contains("no request touched configmaps staging/never-created")
    );
    // json keeps its shape
    let r = run(&["history", "-o", "json", "cm/never-created", S5]).expect_code(1);
    assert_eq!(r.stdout_str(), "[]\n");
}

#[test]
fn bad_kind_name_exits_2_naming_the_argument() {
    for (arg, why) in [
        ("feature-toggles", "is not KIND/NAME"),
        ("cm/", "has no NAME"),
        ("/feature-toggles", "has no KIND"),
        ("c%m/feature-toggles", "has no valid KIND"),
        ("cm/feature-*", "does not name one object"),
    ] {
        let r = run(&["history", arg, S5]).expect_code(2);
        assert!(r.stdout.is_empty(), "{arg}");
        assert!(
            r.stderr
                .starts_with(&format!("kaudit: error: KIND/NAME: {arg:?} {why}")),
            "{arg}: {}",
            r.stderr
        );
        assert!(r.stderr.contains("example: kaudit history"), "{arg}");
    }
    run(&["history"]).expect_code(2); // no KIND/NAME at all: a usage error
    let r = run(&["history", "-o", "raw", "cm/feature-toggles", S5]).expect_code(2);
    // each command offers only its formats (issue 18): clap refuses the others, listing them
    assert!(
        r.stderr
            .contains("invalid value 'raw' for '--output <OUTPUT>'"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("[possible values: table, wide, json, ndjson, csv]")
    );
}

/// Rows: TIME, USER, VERB, CODE, SOURCE IP (+ OBJECT without -n; + AUDIT ID and USER AGENT in
/// wide); details indented four spaces.
#[test]
fn table_and_wide_layout() {
    let t = run(&["history", "cm/rate-limits", "-n", "payments", S5]).expect_code(0);
    let lines: Vec<&str> = t.stdout_str().lines().collect();
    let cols = |l: &str| -> Vec<String> {
        l.split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(String::from)
            .collect()
    };
    assert_eq!(
        cols(lines[0]),
        ["TIME (UTC)", "USER", "VERB", "CODE", "SOURCE IP"]
    );
    assert_eq!(
        cols(lines[1]),
        [
            "2026-11-21 14:58:37.802",
            "ops-admin",
            "create",
            "201",
            "127.0.0.1"
        ]
    );
    assert_eq!(lines[2], "    + data.burst: \"50\"");

    let t = run(&["history", "cm/rate-limits", S5]).expect_code(0);
    let lines: Vec<&str> = t.stdout_str().lines().collect();
    assert_eq!(
        cols(lines[0]),
        ["TIME (UTC)", "USER", "VERB", "CODE", "SOURCE IP", "OBJECT"]
    );
    assert!(lines[1].ends_with("  payments/rate-limits"));

    let t = run(&[
        "history",
        "-o",
        "wide",
        "cm/rate-limits",
        "-n",
        "payments",
        S5,
    ])
    .expect_code(0);
    let lines: Vec<&str> = t.stdout_str().lines().collect();
    assert_eq!(
        cols(lines[0]),
        [
            "TIME (UTC)",
            "USER",
            "VERB",
            "CODE",
            "SOURCE IP",
            "AUDIT ID",
            "USER AGENT"
        ]
    );
    assert!(lines[1].ends_with("kubectl/v1.20.2 (linux/amd64) kubernetes/faecb19"));

    let t = run(&[
        "history",
        "--no-headers",
        "cm/rate-limits",
        "-n",
        "payments",
        S5,
    ])
    .expect_code(0);
    assert!(t.stdout_str().starts_with("2026-11-21 14:58:37.802"));
    let t = run(&["history", "--local", "cm/rate-limits", "-n", "payments", S5]).expect_code(0);
    assert!(t.stdout_str().starts_with("TIME (local)"));
}

/// JSON is the NDJSON records in an array; keys in the documented order.
#[test]
fn json_and_ndjson_agree_and_keep_the_documented_fields() {
    let nd = history(&TOGGLES);
    let r = run(&[
        "history",
        "-o",
        "json",
        "cm/feature-toggles",
        "-n",
        "staging",
        S5,
    ])
    .expect_code(0);
    let doc: Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(doc, Value::Array(nd.clone()));
    let keys: Vec<&str> = nd[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "time",
            "auditID",
            "user",
            "impersonatedUser",
            "verb",
            "subresource",
            "namespace",
            "name",
            "cluster",
            "code",
            "statusReason",
            "sourceIP",
            "userAgent",
            "level",
            "requestURI",
            "dryRun",
            "fieldManager",
            "applied",
            "changes",
            "patch",
            "notes",
        ]
    );
}

/// CSV: one row per change (requests without one: a single row with path/old/new empty); old and
/// new are JSON text.
#[test]
fn csv_has_one_row_per_change() {
    let r = run(&[
        "history",
        "-o",
        "csv",
        "cm/feature-toggles",
        "-n",
        "staging",
        S5,
    ])
    .expect_code(0);
    let (header, rows) = csv(&r.stdout);
    assert_eq!(
        header,
        [
            "time",
            "auditID",
            "user",
            "impersonatedUser",
            "verb",
            "subresource",
            "namespace",
            "name",
            "cluster",
            "code",
            "statusReason",
            "sourceIP",
            "userAgent",
            "level",
            "requestURI",
            "dryRun",
            "fieldManager",
            "applied",
            "path",
            "old",
            "new",
            "patch",
            "notes"
        ]
    );
    // create: 2 fields; 2 gets: 1 row each; patch: 1; get: 1; get: 1; label: 1; 409: 2
    assert_eq!(rows.len(), 2 + 1 + 1 + 1 + 1 + 1 + 2);
    let label = rows
        .iter()
        .find(|r| r[2] == "ops-admin" && r[4] == "patch")
        .unwrap();
    assert_eq!(label[16], "kubectl-label");
    assert_eq!(label[18..21], ["metadata.labels.reviewed", "", "\"yes\""]);
    assert_eq!(label[21], r#"{"metadata":{"labels":{"reviewed":"yes"}}}"#);
}

/// Skipping lines that cannot be about the object changes nothing.
#[test]
fn prefilter_does_not_change_the_answer() {
    for obj in [&TOGGLES[..], &["secret/ledger-db-creds", S5][..]] {
        let mut slow = vec!["--no-prefilter"];
        slow.extend_from_slice(obj);
        assert_eq!(history(obj), history(&slow), "{obj:?}");
    }
}

/// `kaudit history --help` shows real examples: each one runs and finds something.
#[test]
fn help_examples_run() {
    let help = run(&["history", "--help"]).expect_code(0);
    let text = help.stdout_str();
    let examples: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("kaudit history "))
        .collect();
    assert!((2..=3).contains(&examples.len()), "{text}");
    for ex in examples {
        let cmd = ex.split('#').next().unwrap();
        let args: Vec<&str> = cmd.split_whitespace().skip(1).collect();
        let r = run(&args);
        assert_eq!(r.code, 0, "{ex}: {}", r.stderr);
        assert!(!r.stdout.is_empty(), "{ex}");
    }
}

// -------------------------------------------------------------------- redaction: regressions
//
// Small logs written to stdin, each line made from a real one (see `line`), with bodies that
// once leaked: a value marked LEAK must never reach the output without --show-secrets, in any
// format.

/// One complete request (a single ResponseComplete line) on `prod/NAME`, made from a real event:
/// the controller manager's lease update in testdata/s5/audit.log (level RequestResponse), given
/// another verb, object, code, time (second `n` of 15:10) and bodies.
fn line(
    n: u32,
    verb: &str,
    resource: &str,
    name: &str,
    code: i64,
    request: Option<Value>,
    response: Option<Value>,
) -> String {
    let template = log_lines("testdata/s5/audit.log")
        .into_iter()
        .map(|l| serde_json::from_slice::<Value>(&l).expect("audit.log is JSON"))
        .find(|e| {
            e["verb"] == "update"
                && e["stage"] == "ResponseComplete"
                && e["objectRef"]["resource"] == "leases"
        })
        .expect("a lease update in testdata/s5/audit.log");
    let mut e = template;
    let (group, prefix) = match resource {
        "deployments" => (Some("apps"), "/apis/apps/v1"),
        _ => (None, "/api/v1"),
    };
    let time = format!("2026-11-21T15:10:{n:02}.000000Z");
    let o = e.as_object_mut().unwrap();
    o.shift_remove("requestObject");
    o.shift_remove("responseObject");
    o["auditID"] = json!(format!("00000000-0000-4000-8000-{n:012}"));
    o["verb"] = json!(verb);
    o["objectRef"] =
        json!({"resource": resource, "namespace": "prod", "name": name, "apiVersion": "v1"});
    if let Some(g) = group {
        o["objectRef"]["apiGroup"] = json!(g);
    }
    o["requestURI"] = json!(format!("{prefix}/namespaces/prod/{resource}/{name}"));
    o["responseStatus"] = json!({"metadata": {}, "code": code});
    o["requestReceivedTimestamp"] = json!(time);
    o["stageTimestamp"] = json!(time);
    if let Some(r) = request {
        o.insert("requestObject".into(), r);
    }
    if let Some(r) = response {
        o.insert("responseObject".into(), r);
    }
    e.to_string()
}

fn log(lines: &[String]) -> Vec<u8> {
    let mut out = lines.join("\n").into_bytes();
    out.push(b'\n');
    out
}

/// `kaudit history -o FMT ARGS` with `input` on stdin: exit 0, stdout.
#[track_caller]
fn history_of(fmt: &str, args: &[&str], input: &[u8]) -> String {
    let mut full = vec!["history", "-o", fmt];
    full.extend_from_slice(args);
    let r = run_stdin(&full, input.to_vec()).expect_code(0);
    String::from_utf8(r.stdout).expect("UTF-8")
}

/// No `leaks` in any output format; all of them with --show-secrets. Returns the NDJSON rows.
#[track_caller]
fn redacted_everywhere(args: &[&str], input: &[u8], leaks: &[&str]) -> Vec<Value> {
    for fmt in ["table", "wide", "json", "ndjson", "csv"] {
        let out = history_of(fmt, args, input);
        for l in leaks {
            assert!(!out.contains(l), "-o {fmt} {args:?} shows {l}:\n{out}");
        }
    }
    let mut shown = vec!["--show-secrets"];
    shown.extend_from_slice(args);
    let out = history_of("json", &shown, input);
    for l in leaks {
        assert!(out.contains(l), "--show-secrets {args:?} hides {l}:\n{out}");
    }
    ndjson(history_of("ndjson", args, input).as_bytes())
}

/// A deployment `web` whose one container has `env`.
fn deployment(name: &str, rv: u32, env: Value) -> Value {
    json!({
        "kind": "Deployment", "apiVersion": "apps/v1",
        "metadata": {"name": name, "namespace": "prod", "resourceVersion": rv.to_string()},
        "spec": {"template": {"spec": {"containers": [{"name": "app", "image": "nginx", "env": env}]}}}
    })
}

/// Leak 1a: an env name repeated makes the diff compare the list by position, and positional
/// elements used to be shown whatever their name.
#[test]
fn duplicate_env_names_leak() {
    let one = json!([{"name": "DB_PASSWORD", "value": "DUPLEAK1"}]);
    let two = json!([
        {"name": "DB_PASSWORD", "value": "DUPLEAK2"},
        {"name": "DB_PASSWORD", "value": "DUPLEAK3"},
        {"name": "MODE", "value": "blue"},
    ]);
    let input = log(&[
        line(
            1,
            "create",
            "deployments",
            "web",
            201,
            Some(deployment("web", 1, one.clone())),
            Some(deployment("web", 1, one)),
        ),
        line(
            2,
            "update",
            "deployments",
            "web",
            200,
            Some(deployment("web", 2, two.clone())),
            Some(deployment("web", 2, two)),
        ),
    ]);
    let args = ["deploy/web", "-n", "prod"];
    let rows = redacted_everywhere(&args, &input, &["DUPLEAK1", "DUPLEAK2", "DUPLEAK3"]);
    let env = "spec.template.spec.containers[name=app].env";
    assert_eq!(
        rows[1]["changes"],
        json!([
            {"path": format!("{env}[0].value"), "old": "<redacted 8 bytes>", "new": "<redacted 8 bytes>"},
            {"path": format!("{env}[1].name"), "old": null, "new": "DB_PASSWORD"},
            {"path": format!("{env}[1].value"), "old": null, "new": "<redacted 8 bytes>"},
            {"path": format!("{env}[2].name"), "old": null, "new": "MODE"},
            {"path": format!("{env}[2].value"), "old": null, "new": "blue"},
        ])
    );
    let t = history_of("table", &args, &input);
    assert!(
        t.contains(&format!(
            "\n      {env}[0].value: <redacted 8 bytes> → <redacted 8 bytes>\n"
        )),
        "{t}"
    );
}

/// Leak 1b: a JSON patch addresses env entries by index; the index is resolved against the
/// object as known (and as the patch's earlier operations left it) to find the entry's name,
/// and an index that cannot be resolved under `env` is redacted.
#[test]
fn json_patch_env_index_leak() {
    let env = "/spec/template/spec/containers/0/env";
    let v0 =
        json!([{"name": "MODE", "value": "blue"}, {"name": "DB_PASSWORD", "value": "JPLEAK0"}]);
    let v1 =
        json!([{"name": "MODE", "value": "green"}, {"name": "DB_PASSWORD", "value": "JPLEAK1"}]);
    let v2 = json!([
        {"name": "API_TOKEN", "value": "JPLEAK3"},
        {"name": "MODE", "value": "green"},
        {"name": "DB_PASSWORD", "value": "JPLEAK1"},
    ]);
    let p1 = json!([
        {"op": "replace", "path": format!("{env}/1/value"), "value": "JPLEAK1"},
        {"op": "replace", "path": format!("{env}/0/value"), "value": "green"},
    ]);
    // the second operation's env/0 is the entry the first one inserted
    let p2 = json!([
        {"op": "add", "path": format!("{env}/0"), "value": {"name": "API_TOKEN", "value": "JPLEAK2"}},
        {"op": "replace", "path": format!("{env}/0/value"), "value": "JPLEAK3"},
    ]);
    // deployment api: no earlier state and no resulting object, so nothing to resolve against
    let p3 = json!([{"op": "replace", "path": format!("{env}/0/value"), "value": "JPLEAK4"}]);
    let input = log(&[
        line(
            1,
            "create",
            "deployments",
            "web",
            201,
            Some(deployment("web", 1, v0.clone())),
            Some(deployment("web", 1, v0)),
        ),
        line(
            2,
            "patch",
            "deployments",
            "web",
            200,
            Some(p1),
            Some(deployment("web", 2, v1)),
        ),
        line(
            3,
            "patch",
            "deployments",
            "web",
            200,
            Some(p2),
            Some(deployment("web", 3, v2)),
        ),
        line(4, "patch", "deployments", "api", 200, Some(p3), None),
    ]);
    let leaks = ["JPLEAK0", "JPLEAK1", "JPLEAK2", "JPLEAK3"];
    let rows = redacted_everywhere(&["deploy/web", "-n", "prod"], &input, &leaks);
    assert_eq!(
        rows[1]["patch"],
        json!([
            {"op": "replace", "path": format!("{env}/1/value"), "value": "<redacted 7 bytes>"},
            {"op": "replace", "path": format!("{env}/0/value"), "value": "green"},
        ])
    );
    assert_eq!(
        rows[2]["patch"][1],
        json!({"op": "replace", "path": format!("{env}/0/value"), "value": "<redacted 7 bytes>"})
    );
    assert_eq!(
        rows[2]["patch"][0]["value"],
        json!({"name": "API_TOKEN", "value": "<redacted 7 bytes>"})
    );
    let rows = redacted_everywhere(&["deploy/api", "-n", "prod"], &input, &["JPLEAK4"]);
    assert_eq!(rows[0]["patch"][0]["value"], "<redacted 7 bytes>");
    let t = history_of("table", &["deploy/api", "-n", "prod"], &input);
    assert!(
        t.contains(&format!(
            "\n    replace {env}/0/value: <redacted 7 bytes>\n"
        )),
        "{t}"
    );
}

/// Leak 2: one JSON patch element without `op` made the whole body a merge patch, shown with
/// the Secret's values. Any array is a JSON patch; malformed elements are hidden whole; and a
/// merge patch of a Secret hides whatever is under `data`.
#[test]
fn malformed_json_patch_element_leak() {
    // base64 of PATLEAK1, PATLEAK2, PATLEAK3
    let (a, b, c) = ("UEFUTEVBSzE=", "UEFUTEVBSzI=", "UEFUTEVBSzM=");
    let input = log(&[
        line(
            1,
            "patch",
            "secrets",
            "creds",
            200,
            Some(json!([
                {"op": "replace", "path": "/data/pw", "value": a},
                {"path": "/x"},
                {"path": "/data/pw2", "value": b},
            ])),
            None,
        ),
        line(
            2,
            "patch",
            "secrets",
            "creds",
            200,
            Some(json!({"data": c})),
            None,
        ),
    ]);
    let args = ["secret/creds", "-n", "prod"];
    let rows = redacted_everywhere(&args, &input, &[a, b, c]);
    assert_eq!(
        rows[0]["patch"],
        json!([
            {"op": "replace", "path": "/data/pw", "value": "<redacted 8 bytes>"},
            "<redacted 13 bytes>",
            "<redacted 43 bytes>",
        ])
    );
    assert_eq!(
        rows[0]["notes"][0],
        "2 malformed JSON patch operations (no op or path)"
    );
    assert_eq!(rows[1]["patch"], json!({"data": "<redacted 8 bytes>"}));
    let t = history_of("table", &args, &input);
    assert!(
        t.contains(
            "\n    replace /data/pw: <redacted 8 bytes>\n    malformed operation: <redacted 13 bytes>\n"
        ),
        "{t}"
    );
    assert!(t.contains("\n    data: <redacted 8 bytes>\n"), "{t}");
}

/// Leak 3: the last-applied annotation holds the object as applied, so its credentials too: it
/// was redacted only for Secrets, and whole. It is parsed and redacted like the object, for every
/// kind; when it cannot be parsed it is hidden whole if the object has credentials.
#[test]
fn last_applied_annotation_leak() {
    const LA: &str = "kubectl.kubernetes.io/last-applied-configuration";
    let cm = |name: &str, rv: u32, annotation: &str, data: Value| {
        json!({
            "kind": "ConfigMap", "apiVersion": "v1",
            "metadata": {"name": name, "namespace": "prod", "resourceVersion": rv.to_string(),
                         "annotations": {LA: annotation}},
            "data": data
        })
    };
    let applied = json!({"apiVersion": "v1", "kind": "ConfigMap", "data": {"db_password": "ANNOLEAK1", "mode": "blue"}});
    let created = cm(
        "app",
        1,
        &applied.to_string(),
        json!({"db_password": "ANNOLEAK1", "mode": "blue"}),
    );
    // cut short (no credential word in it): hidden because the object has db_password
    let broken = cm(
        "app",
        2,
        r#"{"data":{"x":"ANNOLEAK2""#,
        json!({"db_password": "ANNOLEAK1", "mode": "blue"}),
    );
    // kubectl apply's patch carries the new annotation
    let apply = json!({
        "metadata": {"annotations": {LA: json!({"data": {"db_password": "ANNOLEAK3"}}).to_string()}},
        "data": {"db_password": "ANNOLEAK3"}
    });
    let secret = json!({
        "kind": "Secret", "apiVersion": "v1",
        "metadata": {"name": "creds", "namespace": "prod",
                     "annotations": {LA: json!({"kind": "Secret", "data": {"pw": "QU5OT0xFQUs0"}}).to_string()}},
        "data": {"pw": "QU5OT0xFQUs0"}
    });
    // an object without credentials: an annotation that cannot be parsed is shown
    let plain = cm("plain", 1, "not json", json!({"mode": "blue"}));
    let input = log(&[
        line(
            1,
            "create",
            "configmaps",
            "app",
            201,
            Some(created.clone()),
            Some(created),
        ),
        line(
            2,
            "update",
            "configmaps",
            "app",
            200,
            Some(broken.clone()),
            Some(broken),
        ),
        line(3, "patch", "configmaps", "app", 200, Some(apply), None),
        line(4, "create", "secrets", "creds", 201, Some(secret), None),
        line(5, "create", "configmaps", "plain", 201, Some(plain), None),
    ]);
    let leaks = ["ANNOLEAK1", "ANNOLEAK2", "ANNOLEAK3"];
    let rows = redacted_everywhere(&["cm/app", "-n", "prod"], &input, &leaks);
    let path = format!("metadata.annotations[\"{LA}\"]");
    let annotation = change(&rows[0], &path)["new"].as_str().unwrap().to_string();
    assert_eq!(
        serde_json::from_str::<Value>(&annotation).unwrap(),
        json!({"apiVersion": "v1", "kind": "ConfigMap", "data": {"db_password": "<redacted 9 bytes>", "mode": "blue"}})
    );
    assert_eq!(change(&rows[1], &path)["new"], "<redacted 24 bytes>");
    assert_eq!(
        rows[2]["patch"]["metadata"]["annotations"][LA],
        json!({"data": {"db_password": "<redacted 9 bytes>"}}).to_string()
    );
    let rows = redacted_everywhere(&["secret/creds", "-n", "prod"], &input, &["QU5OT0xFQUs0"]);
    let annotation = change(&rows[0], &path)["new"].as_str().unwrap().to_string();
    assert_eq!(
        serde_json::from_str::<Value>(&annotation).unwrap(),
        json!({"kind": "Secret", "data": {"pw": "<redacted 9 bytes>"}})
    );
    let rows = ndjson(history_of("ndjson", &["cm/plain", "-n", "prod"], &input).as_bytes());
    assert_eq!(change(&rows[0], &path)["new"], "not json");
}

/// Item 4: a body nested deeper than serde_json reads (128 levels) was taken for no body at all
/// ("no body logged"). It is said to be unreadable, and the other body of the line still read.
#[test]
fn too_deeply_nested_body_is_not_called_missing() {
    let mut deep = json!("bottom");
    for _ in 0..200 {
        deep = json!({"a": deep});
    }
    let cm = |rv: u32, extra: Option<&Value>| {
        let mut v = json!({
            "kind": "ConfigMap", "apiVersion": "v1",
            "metadata": {"name": "deep", "namespace": "prod", "resourceVersion": rv.to_string()},
            "data": {"x": rv.to_string()}
        });
        if let Some(e) = extra {
            v["extra"] = e.clone();
        }
        v
    };
    let input = log(&[
        line(
            1,
            "create",
            "configmaps",
            "deep",
            201,
            Some(cm(1, None)),
            Some(cm(1, None)),
        ),
        line(
            2,
            "update",
            "configmaps",
            "deep",
            200,
            Some(cm(2, Some(&deep))),
            Some(cm(2, None)),
        ),
        line(
            3,
            "update",
            "configmaps",
            "deep",
            200,
            Some(cm(3, Some(&deep))),
            None,
        ),
    ]);
    let args = ["cm/deep", "-n", "prod"];
    let t = history_of("table", &args, &input);
    assert!(!t.contains("no body logged"), "{t}");
    assert!(
        t.contains("\n    the request body could not be read (too deeply nested)\n      data.x: \"1\" → \"2\"\n"),
        "{t}"
    );
    let rows = ndjson(history_of("ndjson", &args, &input).as_bytes());
    assert_eq!(
        rows[2]["notes"],
        json!(["the request body could not be read (too deeply nested)"])
    );
    // a log whose only body cannot be read has bodies: no "no bodies" note
    let only = log(&[line(
        1,
        "update",
        "configmaps",
        "deep",
        200,
        Some(cm(3, Some(&deep))),
        None,
    )]);
    let r = run_stdin(&["history", "cm/deep", "-n", "prod"], only).expect_code(0);
    assert!(
        !r.stderr.contains("no request or response bodies"),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout_str()
            .contains("could not be read (too deeply nested)")
    );
}

// ------------------------------------------------------- credentials in other objects (issue 16)

/// testdata/secrets/configmap-credentials.log (issue 16, point 12): a ConfigMap whose data holds
/// a kubeconfig token, `db.password=`, a URL with a password and a `Bearer` annotation. Each
/// value loses its secret part and keeps the rest, in every format; the update still shows what
/// changed.
#[test]
fn credentials_in_configmaps_are_redacted_keeping_their_context() {
    let f = "testdata/secrets/configmap-credentials.log";
    let input = std::fs::read(crate::util::repo_path(f)).unwrap();
    let leaks = [
        "SECRETBEARER-1",
        "SECRETBEARER-2",
        "SECRETKUBECONFIG-1",
        "SECRETKUBECONFIG-2",
        "SECRETPROPS-1",
        "SECRETPROPS-2",
        "SECRETDBURL-1",
        "SECRETDBURL-2",
    ];
    let args = ["cm/app", "-n", "default"];
    let rows = redacted_everywhere(&args, &input, &leaks);
    assert_eq!(
        rows[0]["changes"],
        json!([
            {"path": "metadata.annotations.note", "old": null, "new": "Bearer <redacted 14 bytes>"},
            {"path": "data.kubeconfig", "old": null, "new": "apiVersion: v1\nusers:\n- name: admin\n  user:\n    token: <redacted 18 bytes>\n"},
            {"path": "data[\"application.properties\"]", "old": null, "new": "db.password=<redacted 13 bytes>"},
            {"path": "data.DATABASE_URL", "old": null, "new": "postgres://u:<redacted 13 bytes>@h/db"},
        ])
    );
    // the update changed all four: each is still a change, as a Secret's value would be
    assert_eq!(rows[1]["changes"].as_array().unwrap().len(), 4);
    let t = history_of("table", &args, &input);
    assert!(
        t.contains("\n      data[\"application.properties\"]: \"db.password=<redacted 13 bytes>\" → \"db.password=<redacted 13 bytes>\"\n"),
        "{t}"
    );
    // the file as a path, not only on stdin
    let r = run(&["history", "cm/app", "-n", "default", f]).expect_code(0);
    assert!(!leaks.iter().any(|l| r.stdout_str().contains(l)));
}

/// A Deployment's container arguments and env values: `--token=...`, a flag whose next
/// argument is the credential, a URL with a password, an `Authorization: Bearer` header in a
/// shell command; in a create, in a diff and in a JSON patch that replaces an argument.
#[test]
fn credentials_in_container_args_and_env_are_redacted() {
    let container = |token: &str, pass: &str| {
        json!({"name": "app", "image": "nginx",
            "command": ["sh", "-c", format!("curl -H 'Authorization: Bearer {token}x9' https://api")],
            "args": [format!("--token={token}"), "--password", pass, "--v=2"],
            "env": [{"name": "DATABASE_URL", "value": format!("postgres://app:{pass}@db/x")}]})
    };
    let deploy = |rv: u32, token: &str, pass: &str| {
        json!({
            "kind": "Deployment", "apiVersion": "apps/v1",
            "metadata": {"name": "web", "namespace": "prod", "resourceVersion": rv.to_string()},
            "spec": {"template": {"spec": {"containers": [container(token, pass)]}}}
        })
    };
    let patch = json!([{"op": "replace", "path": "/spec/template/spec/containers/0/args/2", "value": "ARGLEAK5"}]);
    let input = log(&[
        line(
            1,
            "create",
            "deployments",
            "web",
            201,
            Some(deploy(1, "ARGLEAK1", "ARGLEAK2")),
            Some(deploy(1, "ARGLEAK1", "ARGLEAK2")),
        ),
        line(
            2,
            "update",
            "deployments",
            "web",
            200,
            Some(deploy(2, "ARGLEAK3", "ARGLEAK4")),
            Some(deploy(2, "ARGLEAK3", "ARGLEAK4")),
        ),
        line(
            3,
            "patch",
            "deployments",
            "web",
            200,
            Some(patch),
            Some(deploy(3, "ARGLEAK3", "ARGLEAK5")),
        ),
    ]);
    let args = ["deploy/web", "-n", "prod"];
    let leaks = ["ARGLEAK1", "ARGLEAK2", "ARGLEAK3", "ARGLEAK4", "ARGLEAK5"];
    let rows = redacted_everywhere(&args, &input, &leaks);
    let c = "spec.template.spec.containers[name=app]";
    let new = |row: &Value, path: &str| -> Value {
        row["changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["path"] == path)
            .unwrap_or_else(|| panic!("no change {path} in {row}"))["new"]
            .clone()
    };
    assert_eq!(
        new(&rows[0], &format!("{c}.args[0]")),
        "--token=<redacted 8 bytes>"
    );
    assert_eq!(new(&rows[0], &format!("{c}.args[1]")), "--password");
    assert_eq!(new(&rows[0], &format!("{c}.args[2]")), "<redacted 8 bytes>");
    assert_eq!(new(&rows[0], &format!("{c}.args[3]")), "--v=2");
    assert_eq!(
        new(&rows[0], &format!("{c}.command[2]")),
        "curl -H 'Authorization: Bearer <redacted 10 bytes>' https://api"
    );
    assert_eq!(
        new(&rows[0], &format!("{c}.env[name=DATABASE_URL].value")),
        "postgres://app:<redacted 8 bytes>@db/x"
    );
    assert_eq!(new(&rows[1], &format!("{c}.args[2]")), "<redacted 8 bytes>");
    assert_eq!(
        rows[2]["patch"],
        json!([{"op": "replace", "path": "/spec/template/spec/containers/0/args/2", "value": "<redacted 8 bytes>"}])
    );
}
