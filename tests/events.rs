//! `kaudit events`: the investigation questions of testdata/s5-ANSWER-KEY.md answered end to end
//! (who deleted what, the 401, the 403s, impersonation), the output formats (ndjson, json, csv,
//! raw, table, wide, --per-stage, --sort, --limit, --no-headers), terminal sanitization, live
//! streaming from stdin and a closed stdout pipe.

use std::io::{BufRead, BufReader, Read, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::util::{
    HANG, S5, by_id, count_by, counts, csv, events, kaudit_std, log_lines, ndjson, run, run_stdin,
    s, strings,
};

/// The record fields, in the documented order.
const FIELDS: [&str; 35] = [
    "auditID",
    "received",
    "started",
    "completed",
    "latencyMs",
    "user",
    "groups",
    "impersonatedUser",
    "impersonatedGroups",
    "sourceIPs",
    "userAgent",
    "verb",
    "apiGroup",
    "apiVersion",
    "resource",
    "subresource",
    "namespace",
    "name",
    "requestURI",
    "level",
    "code",
    "statusReason",
    "statusMessage",
    "decision",
    "reason",
    "dryRun",
    "fieldManager",
    "annotations",
    "userExtra",
    "stages",
    "incomplete",
    "cluster",
    "apiserver",
    "file",
    "line",
];

const BACKUP_14_59: &str = "testdata/s5/audit-2026-11-21T14-59-15.012.log.gz";

const DELETE_CM_PAYMENTS: [&str; 7] = ["-v", "delete", "-r", "cm", "-n", "payments", S5];

/// One workload backup (14:58:41..14:59:15, 409 requests) that holds both payments configmap
/// deletions, the 401 and the impersonations: variants run here to keep the suite fast.
const W: &str = BACKUP_14_59;

/// The same question asked of `W` only.
const DELETE_CM_PAYMENTS_W: [&str; 7] = ["-v", "delete", "-r", "cm", "-n", "payments", W];

fn with<'a>(head: &[&'a str], tail: &[&'a str]) -> Vec<&'a str> {
    head.iter().chain(tail).copied().collect()
}

// ---------------------------------------------------------------- questions of the answer key

/// Answer key "Deletions of configmaps and secrets": the two configmap deletions in payments.
#[test]
fn who_deleted_which_configmap_in_payments() {
    let rows = events(&DELETE_CM_PAYMENTS);
    assert_eq!(rows.len(), 2);
    let eve = &rows[0];
    assert_eq!(eve["user"], "eve");
    assert_eq!(eve["verb"], "delete");
    assert_eq!(eve["resource"], "configmaps");
    assert_eq!(eve["namespace"], "payments");
    assert_eq!(eve["name"], "gateway-settings");
    assert_eq!(eve["code"], 403);
    assert_eq!(eve["received"], "2026-11-21T14:58:42.273325Z");
    assert_eq!(eve["decision"], "forbid");
    assert_eq!(
        eve["userAgent"],
        "kubectl/v1.20.2 (linux/amd64) kubernetes/faecb19"
    );
    assert_eq!(
        eve["stages"],
        json!(["RequestReceived", "ResponseComplete"])
    );
    // python: its RequestReceived is line 140 and its ResponseComplete line 141 of that backup.
    assert_eq!(eve["file"], BACKUP_14_59);
    assert_eq!(eve["line"], 141);

    let carol = &rows[1];
    assert_eq!(carol["user"], "carol");
    assert_eq!(carol["name"], "rate-limits");
    assert_eq!(carol["code"], 200);
    assert_eq!(carol["received"], "2026-11-21T14:58:59.426188Z");
    assert_eq!(carol["decision"], "allow");
    assert_eq!(carol["file"], BACKUP_14_59);
    assert_eq!(carol["line"], 587);
}

/// Answer key "Deletions of configmaps and secrets: 59 requests", its Summary line.
#[test]
fn deletions_of_configmaps_and_secrets_by_user_and_code() {
    let rows = events(&["-v", "delete,deletecollection", "-r", "cm,secret", S5]);
    assert_eq!(rows.len(), 59);
    let got = count_by(&rows, |r| {
        format!(
            "{} {} {} -> {}",
            s(r, "user"),
            s(r, "verb"),
            s(r, "resource"),
            s(r, "code")
        )
    });
    assert_eq!(
        got,
        counts(&[
            ("ops-admin delete configmaps -> 200", 50),
            (
                "system:serviceaccount:build:ci-bot delete configmaps -> 200",
                2
            ),
            ("eve delete configmaps -> 403", 1),
            ("carol delete configmaps -> 200", 1),
            ("carol delete secrets -> 403", 1),
            ("eve delete secrets -> 200", 1),
            ("ops-admin delete secrets -> 200", 1),
            (
                "system:serviceaccount:kube-system:namespace-controller deletecollection secrets -> 200",
                1
            ),
            (
                "system:serviceaccount:kube-system:namespace-controller deletecollection configmaps -> 200",
                1
            ),
        ])
    );
    // Repeated flags OR like a list does (on W, python: 5 of these deletions).
    let list = events(&["-v", "delete,deletecollection", "-r", "cm,secret", W]);
    assert_eq!(list.len(), 5);
    let repeated = events(&[
        "-v",
        "delete",
        "-v",
        "deletecollection",
        "-r",
        "configmaps",
        "-r",
        "secrets",
        W,
    ]);
    assert_eq!(repeated, list);
}

/// Answer key "401 Unauthorized: 1 request(s)"; edge/EXPECTED.md failed-auth.log.
#[test]
fn the_401_is_one_complete_request_without_user() {
    let rows = events(&["--code", "401", S5]);
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(r["auditID"], "9525c8f0-f09c-40f8-9d51-a20630feb907");
    assert_eq!(r["user"], "", "user is an empty string, not null");
    assert_eq!(r["groups"], json!([]));
    assert_eq!(r["stages"], json!(["ResponseStarted"]));
    assert_eq!(r["incomplete"], false);
    assert_eq!(r["code"], 401);
    assert_eq!(r["verb"], "list");
    assert_eq!(r["resource"], "configmaps");
    assert_eq!(r["namespace"], "payments");
    assert_eq!(r["requestURI"], "/api/v1/namespaces/payments/configmaps");
    assert_eq!(r["userAgent"], "curl/7.88.1");
    assert_eq!(r["sourceIPs"], json!(["127.0.0.1"]));
    assert_eq!(r["received"], "2026-11-21T14:59:06.089618Z");
    assert_eq!(r["decision"], Value::Null);
    // edge/EXPECTED.md: line 651 of audit-2026-11-21T14-59-15.012.log.
    assert_eq!(r["file"], BACKUP_14_59);
    assert_eq!(r["line"], 651);

    // The table shows "-" for the missing user.
    let t = run(&["events", "--code", "401", "testdata/edge/failed-auth.log"]).expect_code(0);
    let lines: Vec<&str> = t.stdout_str().lines().collect();
    assert_eq!(lines.len(), 2, "{}", t.stdout_str());
    let cells: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(
        cells[..7],
        [
            "2026-11-21",
            "14:59:06.089",
            "-",
            "list",
            "configmaps",
            "payments/*",
            "401"
        ]
    );
}

/// Answer key "403 Forbidden (requests, by user)": grouped by the authenticated user, which is
/// the `user` field (ops-admin's impersonation of eve counts for ops-admin there).
#[test]
fn forbidden_requests_by_authenticated_user() {
    let rows = events(&["--code", "403", S5]);
    assert_eq!(rows.len(), 482);
    assert!(rows.iter().all(|r| r["code"] == 403));
    assert_eq!(
        count_by(&rows, |r| s(r, "user")),
        counts(&[
            ("eve", 370),
            ("system:anonymous", 102),
            ("system:serviceaccount:build:ci-bot", 4),
            ("carol", 2),
            ("ops-admin", 1),
            ("system:node:worker-7", 1),
            ("system:kube-controller-manager", 1),
            (
                "system:serviceaccount:kube-system:root-ca-cert-publisher",
                1
            ),
        ])
    );
    // "403 on secrets, by user and namespace".
    let secrets: Vec<Value> = rows
        .into_iter()
        .filter(|r| r["resource"] == "secrets")
        .collect();
    assert_eq!(
        count_by(&secrets, |r| format!(
            "{} {}",
            s(r, "user"),
            s(r, "namespace")
        )),
        counts(&[
            ("system:anonymous payments", 101),
            ("eve build", 67),
            ("eve payments", 65),
            ("eve kube-system", 64),
            ("eve staging", 60),
            ("eve kube-public", 53),
            ("eve default", 47),
            ("eve tools", 11),
            ("carol payments", 2),
            ("eve ", 1),
            ("system:serviceaccount:build:ci-bot payments", 1),
            ("system:serviceaccount:build:ci-bot tools", 1),
            ("ops-admin payments", 1),
            ("system:node:worker-7 payments", 1),
            ("system:kube-controller-manager tools", 1),
        ])
    );
    // -u matches the impersonated user too (python, W: eve's 28 and ops-admin as eve; on the
    // whole set summary.rs checks 370 + 1).
    let as_eve = events(&["--code", "403", "-u", "eve", W]);
    assert_eq!(as_eve.len(), 29);
    assert_eq!(
        count_by(&as_eve, |r| s(r, "user")),
        counts(&[("eve", 28), ("ops-admin", 1)])
    );
}

/// Answer key "Impersonation".
#[test]
fn impersonation_fields_and_user_filter() {
    let all = events(&[S5]);
    assert_eq!(all.len(), 4254);
    let imp: Vec<&Value> = all
        .iter()
        .filter(|r| !r["impersonatedUser"].is_null())
        .collect();
    let got: Vec<(String, String, String, Vec<String>, String, u64)> = imp
        .iter()
        .map(|r| {
            (
                s(r, "received"),
                s(r, "user"),
                s(r, "impersonatedUser"),
                strings(&r["impersonatedGroups"]),
                s(r, "requestURI"),
                r["code"].as_u64().unwrap(),
            )
        })
        .collect();
    let v = |xs: &[&str]| xs.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        got,
        vec![
            (
                "2026-11-21T14:59:13.476054Z".to_owned(),
                "ops-admin".to_owned(),
                "carol".to_owned(),
                v(&["dev", "system:authenticated"]),
                "/apis/apps/v1/namespaces/staging/deployments?limit=500".to_owned(),
                200
            ),
            (
                "2026-11-21T14:59:13.984062Z".to_owned(),
                "ops-admin".to_owned(),
                "eve".to_owned(),
                v(&["system:authenticated"]),
                "/api/v1/namespaces/payments/secrets?limit=500".to_owned(),
                403
            ),
            (
                "2026-11-21T14:59:14.485096Z".to_owned(),
                "ops-admin".to_owned(),
                "system:serviceaccount:build:ci-bot".to_owned(),
                v(&[
                    "system:serviceaccounts",
                    "system:serviceaccounts:build",
                    "system:authenticated"
                ]),
                "/api/v1/namespaces/build/configmaps?limit=500".to_owned(),
                200
            ),
        ]
    );

    // Denied impersonation is logged with the original user and no impersonatedUser.
    for (received, user) in [
        ("2026-11-21T14:59:02.858790Z", "carol"),
        ("2026-11-21T14:59:07.061285Z", "eve"),
    ] {
        let r = all
            .iter()
            .find(|r| r["received"] == received)
            .unwrap_or_else(|| panic!("request at {received}"));
        assert_eq!(r["user"], user);
        assert_eq!(r["impersonatedUser"], Value::Null);
        assert_eq!(r["code"], 403);
        assert_eq!(r["statusReason"], "Forbidden");
        // The event has no responseStatus.message (the answer key quotes the client's error).
        assert_eq!(r["statusMessage"], Value::Null);
        assert_eq!(r["decision"], Value::Null);
    }

    // -u eve: eve's own requests and ops-admin acting as eve (python, W: 76).
    let eve = events(&["-u", "eve", W]);
    assert_eq!(eve.len(), 76);
    let as_eve = by_id(&eve, "f63b1948");
    assert_eq!(as_eve["user"], "ops-admin");
    assert_eq!(as_eve["impersonatedUser"], "eve");
    // -u ops-admin matches the three impersonations as well (python, W: 8 + 3).
    let ops = events(&["-u", "ops-admin", W]);
    assert_eq!(ops.len(), 11);
    assert_eq!(
        ops.iter()
            .filter(|r| !r["impersonatedUser"].is_null())
            .count(),
        3
    );

    // The table shows both identities (eve's own list of payments secrets is in the
    // previous backup, so W has only the impersonated one).
    let t = run(&[
        "events", "-u", "eve", "-v", "list", "-r", "secrets", "-n", "payments", W,
    ])
    .expect_code(0);
    let out = t.stdout_str();
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(
        out.lines().nth(1).unwrap().contains("ops-admin as eve"),
        "{out}"
    );
}

/// testdata/README.md: audit.log line 1 is a ResponseComplete whose RequestReceived is in the
/// previous backup (python: line 180 of audit-2026-11-21T15-00-54.455.log).
#[test]
fn stages_are_joined_across_rotated_files() {
    let last_backup = "testdata/s5/audit-2026-11-21T15-00-54.455.log.gz";
    let all = events(&["-v", "list", last_backup, "testdata/s5/audit.log"]);
    let r = by_id(&all, "1b57b1c7-8322-42b8-a042-824283aa13ee");
    assert_eq!(r["stages"], json!(["RequestReceived", "ResponseComplete"]));
    assert_eq!(r["file"], "testdata/s5/audit.log");
    assert_eq!(r["line"], 1);
    assert_eq!(
        r["requestURI"],
        "/api/v1/namespaces/build/configmaps?labelSelector=artifact-cache%3Dtrue"
    );

    // Without the backup, only the ResponseComplete is seen.
    let alone = events(&["testdata/s5/audit.log"]);
    let r = by_id(&alone, "1b57b1c7");
    assert_eq!(r["stages"], json!(["ResponseComplete"]));
    assert_eq!(r["incomplete"], false);
}

// ---------------------------------------------------------------- output formats

#[test]
fn ndjson_records_have_the_documented_fields_and_nulls() {
    let rows = events(&[S5]);
    assert_eq!(rows.len(), 4254);
    for r in &rows {
        let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, FIELDS, "fields and their order");
        for (k, v) in r.as_object().unwrap() {
            if v == "" {
                // a decision with an empty reason: the server wrote "" (issue 17)
                assert!(
                    ["user", "verb", "requestURI"].contains(&k.as_str())
                        || (k == "reason" && r["decision"].is_string()),
                    "{k} is an empty string instead of null in {}",
                    r["auditID"]
                );
            }
        }
        assert_eq!(r["incomplete"], false);
    }
    // A non-resource request: no objectRef, so resource/namespace/name/apiGroup are null.
    let healthz = rows.iter().find(|r| r["requestURI"] == "/healthz").unwrap();
    for k in [
        "apiGroup",
        "apiVersion",
        "resource",
        "subresource",
        "namespace",
        "name",
    ] {
        assert_eq!(healthz[k], Value::Null, "/healthz {k}");
    }
    // Rows come in the order requests completed: file order, then line order.
    let s5 = crate::util::s5_files();
    let pos: Vec<(usize, u64)> = rows
        .iter()
        .map(|r| {
            let f = s5.iter().position(|f| *f == r["file"]).expect("known file");
            (f, r["line"].as_u64().unwrap())
        })
        .collect();
    assert!(
        pos.windows(2).all(|w| w[0] < w[1]),
        "rows in completion (log) order"
    );
}

#[test]
fn json_is_one_array_of_the_ndjson_records() {
    for args in [&[W][..], &["testdata/edge/control-chars.log"][..]] {
        let nd = events(args);
        let r = run(&with(&["events", "-o", "json"], args)).expect_code(0);
        let arr: Value = serde_json::from_slice(&r.stdout).expect("one JSON document");
        assert_eq!(arr, Value::Array(nd));
    }
    // Nothing matched: an empty array and exit 1.
    let r = run(&[
        "events",
        "-o",
        "json",
        "-u",
        "mallory",
        "testdata/edge/failed-auth.log",
    ])
    .expect_code(1);
    let arr: Value = serde_json::from_slice(&r.stdout).expect("one JSON document");
    assert_eq!(arr, json!([]));
}

/// The CSV cell for a JSON value: null -> empty, lists joined with ';'.
fn csv_cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(xs) => xs
            .iter()
            .map(|x| x.as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
            .join(";"),
        // annotations and userExtra: the object as JSON text, "" when empty
        Value::Object(m) if m.is_empty() => String::new(),
        Value::Object(_) => serde_json::to_string(v).unwrap(),
    }
}

#[test]
fn csv_has_the_documented_header_and_the_ndjson_values() {
    let nd = events(&[W]);
    let r = run(&["events", "-o", "csv", W]).expect_code(0);
    let (header, rows) = csv(&r.stdout);
    assert_eq!(header, FIELDS);
    assert_eq!(rows.len(), nd.len());
    for (row, rec) in rows.iter().zip(&nd) {
        for (i, key) in FIELDS.iter().enumerate() {
            if *key == "latencyMs" && !rec[*key].is_null() {
                let got: f64 = row[i].parse().expect("latency is a number");
                assert!(
                    (got - rec[*key].as_f64().unwrap()).abs() < 1e-9,
                    "latencyMs {} vs {}",
                    row[i],
                    rec[*key]
                );
            } else {
                assert_eq!(row[i], csv_cell(&rec[*key]), "{key} of {}", rec["auditID"]);
            }
        }
    }
    // Spot check of the joins on a known row (answer key "Impersonation").
    let ci = rows
        .iter()
        .find(|r| r[0] == "47ed3f25-2f37-4429-9512-5e5170addf2f")
        .unwrap();
    assert_eq!(
        ci[8],
        "system:serviceaccounts;system:serviceaccounts:build;system:authenticated"
    );
    assert_eq!(ci[29], "RequestReceived;ResponseComplete");
}

#[test]
fn no_headers_and_limit() {
    let r = run(&with(&["events", "--no-headers"], &DELETE_CM_PAYMENTS_W)).expect_code(0);
    let lines: Vec<&str> = r.stdout_str().lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with("2026-11-21 14:58:42.274"), "{lines:?}");

    let r = run(&with(
        &["events", "-o", "csv", "--no-headers"],
        &DELETE_CM_PAYMENTS_W,
    ))
    .expect_code(0);
    let mut rdr = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&r.stdout[..]);
    let ids: Vec<String> = rdr.records().map(|r| r.unwrap()[0].to_owned()).collect();
    assert_eq!(
        ids,
        [
            "5a8e639c-b9ca-424f-a37a-9d2de2b3329c",
            "05b59e3f-441e-4547-a76f-f44530450955"
        ]
    );

    let all = events(&[S5]);
    let five = events(&["--limit", "5", S5]);
    assert_eq!(five, all[..5]);
    let one = events(&with(&["--limit", "1"], &DELETE_CM_PAYMENTS));
    assert_eq!(one.len(), 1);
    assert_eq!(one[0]["user"], "eve");
    let r = run(&["events", "-o", "wide", "-k", "3", S5]).expect_code(0);
    assert_eq!(r.stdout_str().lines().count(), 4, "header + 3 rows");
}

#[test]
fn sort_received_orders_rows_by_received_time() {
    // edge/escapes.log: two watches opened at 14:58:15.929 and 14:58:10.053 that complete in
    // that (log) order, then a list at 15:00:54.
    let ids = |rows: &[Value]| -> Vec<String> { rows.iter().map(|r| s(r, "auditID")).collect() };
    let default = events(&["testdata/edge/escapes.log"]);
    assert_eq!(
        ids(&default),
        [
            "e0d524fa-a2e0-43bc-8722-04614fab5a16",
            "603615b1-c687-4889-bf7c-71e2fe1675bb",
            "92534f6b-e358-4429-8fe7-ed2c0746539c"
        ]
    );
    let sorted = events(&["--sort", "received", "testdata/edge/escapes.log"]);
    assert_eq!(
        ids(&sorted),
        [
            "603615b1-c687-4889-bf7c-71e2fe1675bb",
            "e0d524fa-a2e0-43bc-8722-04614fab5a16",
            "92534f6b-e358-4429-8fe7-ed2c0746539c"
        ]
    );

    // On W: the same records, sorted by received; --limit applies after sorting.
    let mut all = events(&["-n", "staging", W]);
    let by_received = events(&["--sort", "received", "-n", "staging", W]);
    assert_eq!(by_received.len(), 47, "python: 47 requests in staging");
    let received: Vec<String> = by_received.iter().map(|r| s(r, "received")).collect();
    assert!(received.windows(2).all(|w| w[0] <= w[1]));
    all.sort_by_key(|r| s(r, "received"));
    let mut a = ids(&all);
    let mut b = ids(&by_received);
    a.sort();
    b.sort();
    assert_eq!(a, b);
    let first3 = events(&["--sort", "received", "--limit", "3", "-n", "staging", W]);
    assert_eq!(first3, by_received[..3]);
}

/// edge/EXPECTED.md failed-auth.log: lines 1-2 (200), line 3 (the 401), lines 4-5 (200).
#[test]
fn stages_gives_one_row_per_stage_event() {
    let r = run(&[
        "events",
        "--per-stage",
        "-o",
        "json",
        "testdata/edge/failed-auth.log",
    ])
    .expect_code(0);
    let rows: Vec<Value> = serde_json::from_slice(&r.stdout).unwrap();
    let got: Vec<(String, String, Value)> = rows
        .iter()
        .map(|r| {
            (
                s(r, "stage"),
                s(r, "stageTimestamp"),
                r["stageCode"].clone(),
            )
        })
        .collect();
    // stageTimestamp and responseStatus.code of lines 1..5 (python).
    assert_eq!(
        got,
        vec![
            (
                "RequestReceived".into(),
                "2026-11-21T14:59:05.660759Z".into(),
                Value::Null
            ),
            (
                "ResponseComplete".into(),
                "2026-11-21T14:59:05.662056Z".into(),
                json!(200)
            ),
            (
                "ResponseStarted".into(),
                "2026-11-21T14:59:06.089963Z".into(),
                json!(401)
            ),
            (
                "RequestReceived".into(),
                "2026-11-21T14:59:06.316599Z".into(),
                Value::Null
            ),
            (
                "ResponseComplete".into(),
                "2026-11-21T14:59:06.320845Z".into(),
                json!(200)
            ),
        ]
    );
    // Request fields ride along with each stage row.
    assert_eq!(rows[2]["auditID"], "9525c8f0-f09c-40f8-9d51-a20630feb907");
    assert_eq!(rows[0]["user"], "system:anonymous");
    assert_eq!(rows[0]["requestURI"], "/version");

    // Every event of the s5 deletions in payments: 2 requests x (RR, RC).
    let r = run(&with(
        &["events", "--per-stage", "-o", "ndjson"],
        &DELETE_CM_PAYMENTS,
    ))
    .expect_code(0);
    let rows = ndjson(&r.stdout);
    let stages: Vec<String> = rows.iter().map(|r| s(r, "stage")).collect();
    assert_eq!(
        stages,
        [
            "RequestReceived",
            "ResponseComplete",
            "RequestReceived",
            "ResponseComplete"
        ]
    );
}

#[test]
fn raw_prints_the_original_lines_of_each_request() {
    // python: the two requests are lines 140/141 and 586/587 of the 14:59:15 backup.
    let lines = log_lines(BACKUP_14_59);
    let mut expected = Vec::new();
    for n in [140, 141, 586, 587] {
        expected.extend_from_slice(&lines[n - 1]);
        expected.push(b'\n');
    }
    let r = run(&with(&["events", "-o", "raw"], &DELETE_CM_PAYMENTS)).expect_code(0);
    assert!(
        r.stdout == expected,
        "raw output differs from lines 140, 141, 586, 587"
    );

    // Files whose events come in request order print back byte for byte.
    for f in [
        "testdata/edge/bigline.log",
        "testdata/edge/control-chars.log",
        "testdata/edge/escapes.log",
    ] {
        let r = run(&["events", "-o", "raw", f]).expect_code(0);
        assert!(
            r.stdout == std::fs::read(crate::util::repo_path(f)).unwrap(),
            "{f}: raw output is the file"
        );
    }
}

#[test]
fn raw_of_everything_is_every_input_line_grouped_by_request() {
    // The whole s5 set, secrets shown: the same multiset of lines as the 28 files.
    let r = run(&["events", "-o", "raw", "--show-secrets", S5]).expect_code(0);
    let mut got: Vec<&[u8]> = r.stdout.split(|&b| b == b'\n').collect();
    assert_eq!(got.pop(), Some(&b""[..]), "ends with a newline");
    let inputs: Vec<Vec<u8>> = crate::util::s5_files()
        .into_iter()
        .flat_map(log_lines)
        .collect();
    let mut want: Vec<&[u8]> = inputs.iter().map(Vec::as_slice).collect();
    assert_eq!(got.len(), 8585);
    got.sort_unstable();
    want.sort_unstable();
    assert!(got == want, "raw lines are the input lines");

    // split-stages.log interleaves requests; raw groups each request's lines, in row order.
    let f = "testdata/edge/split-stages.log";
    let rows = events(&[f]);
    let r = run(&["events", "-o", "raw", f]).expect_code(0);
    let ids: Vec<String> = r
        .stdout_str()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            s(&v, "auditID")
        })
        .collect();
    let want: Vec<String> = rows
        .iter()
        .flat_map(|r| vec![s(r, "auditID"); r["stages"].as_array().unwrap().len()])
        .collect();
    assert_eq!(ids, want);
    let mut a: Vec<&str> = r.stdout_str().lines().collect();
    let file = std::fs::read_to_string(crate::util::repo_path(f)).unwrap();
    let mut b: Vec<&str> = file.lines().collect();
    a.sort_unstable();
    b.sort_unstable();
    assert_eq!(a, b);
}

/// Where a test finds secret values in a raw event, independently of kaudit (as `jq` would):
/// the `data` and `stringData` values of every Secret and SecretList in a body (and of the body
/// of a request on `secrets`), and a TokenRequest's `status.token`. JSON pointers, with values.
fn secret_values(event: &Value) -> Vec<(String, Value)> {
    fn walk(v: &Value, at: &str, secret: bool, out: &mut Vec<(String, Value)>) {
        match v {
            Value::Object(m) => {
                let kind = m.get("kind").and_then(Value::as_str);
                let secret = secret || matches!(kind, Some("Secret" | "SecretList"));
                for (k, x) in m {
                    let here = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                    match (k.as_str(), x) {
                        ("data" | "stringData", Value::Object(d)) if secret => {
                            for (dk, dv) in d {
                                let p =
                                    format!("{here}/{}", dk.replace('~', "~0").replace('/', "~1"));
                                out.push((p, dv.clone()));
                            }
                        }
                        ("status", _) if kind == Some("TokenRequest") => {
                            if let Some(t) = x.get("token") {
                                out.push((format!("{here}/token"), t.clone()));
                            }
                        }
                        // a list's items inherit it; nothing else does
                        _ => walk(x, &here, secret && k == "items", out),
                    }
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    walk(x, &format!("{at}/{i}"), secret, out);
                }
            }
            _ => {}
        }
    }
    let on_secrets = event.pointer("/objectRef/resource") == Some(&json!("secrets"));
    let mut out = Vec::new();
    for body in ["requestObject", "responseObject"] {
        if let Some(b) = event.get(body) {
            let kindless = b.get("kind").is_none();
            walk(b, &format!("/{body}"), on_secrets && kindless, &mut out);
        }
    }
    out
}

/// `<redacted N bytes>`.
fn is_placeholder(v: &Value) -> bool {
    v.as_str().is_some_and(|s| {
        s.strip_prefix("<redacted ")
            .and_then(|r| r.strip_suffix(" bytes>"))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// The JSON pointers where two documents differ (leaves, or a whole value whose type changed).
fn differences(a: &Value, b: &Value, at: &str, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) if x.keys().eq(y.keys()) => {
            for (k, v) in x {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                differences(v, &y[k], &p, out);
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                differences(v, w, &format!("{at}/{i}"), out);
            }
        }
        _ if a == b => {}
        _ => out.push(at.to_string()),
    }
}

/// `redacted` is `original` with some JSON strings replaced by `"<redacted N bytes>"`, every
/// other byte the same: each placeholder stands for one JSON string of the original.
fn same_bytes_but_placeholders(original: &str, redacted: &str) -> bool {
    let mut o = original;
    let mut r = redacted;
    while let Some(at) = r.find("\"<redacted ") {
        let end = at + r[at..].find(" bytes>\"").unwrap() + " bytes>\"".len();
        if !o.starts_with(&r[..at]) {
            return false;
        }
        o = &o[at..];
        // one JSON string of the original
        let b = o.as_bytes();
        if b.first() != Some(&b'"') {
            return false;
        }
        let mut i = 1;
        while b[i] != b'"' {
            i += if b[i] == b'\\' { 2 } else { 1 };
        }
        o = &o[i + 1..];
        r = &r[end..];
    }
    o == r
}

#[test]
fn raw_redacts_every_secret_value_of_s5_and_changes_no_other_byte() {
    // Issue 16, point 12: `-o raw` printed every Secret value and token of s5. The same run
    // with --show-secrets is the input byte for byte (test above); here both runs are compared
    // line by line (same order), as jq would read them.
    let shown = run(&["events", "-o", "raw", "--show-secrets", S5]).expect_code(0);
    let redacted = run(&["events", "-o", "raw", S5]).expect_code(0);
    let a: Vec<&str> = shown.stdout_str().lines().collect();
    let b: Vec<&str> = redacted.stdout_str().lines().collect();
    assert_eq!((a.len(), b.len()), (8585, 8585));
    let (mut before, mut after, mut hidden, mut changed) = (0, 0, 0, 0);
    for (x, y) in a.iter().zip(&b) {
        let vx: Value = serde_json::from_str(x).unwrap();
        let vy: Value = serde_json::from_str(y).expect("a redacted raw line is JSON");
        let secrets = secret_values(&vx);
        before += secrets.iter().filter(|(_, v)| !is_placeholder(v)).count();
        for (_, v) in secret_values(&vy) {
            if is_placeholder(&v) {
                hidden += 1;
            } else {
                after += 1;
            }
        }
        if x == y {
            continue;
        }
        changed += 1;
        // only the secret values changed, each into a placeholder; every other field is equal
        let mut diff = Vec::new();
        differences(&vx, &vy, "", &mut diff);
        let mut want: Vec<String> = secrets.into_iter().map(|(p, _)| p).collect();
        want.sort();
        diff.sort();
        assert_eq!(diff, want, "{}", &vx["auditID"]);
        assert!(diff.iter().all(|p| is_placeholder(vy.pointer(p).unwrap())));
        // and no other byte: each placeholder stands where a JSON string was
        assert!(same_bytes_but_placeholders(x, y), "{}", &vx["auditID"]);
    }
    // 245 Secret data values (Secrets and SecretLists, in 57 lines) and 12 TokenRequest tokens
    assert_eq!((before, after, hidden, changed), (257, 0, 257, 57));
    // a redacted Secret value tells its decoded size: ledger-db-creds' password is 16 bytes
    assert!(
        redacted
            .stdout_str()
            .contains(r#""password":"<redacted 16 bytes>""#)
    );
}

#[test]
fn table_snapshots_of_the_payments_configmap_deletions() {
    let r = run(&with(&["events"], &DELETE_CM_PAYMENTS)).expect_code(0);
    assert_eq!(r.stderr, "");
    insta::assert_snapshot!("events_delete_cm_payments_table", r.stdout_str());
    let r = run(&with(&["events", "-o", "wide"], &DELETE_CM_PAYMENTS)).expect_code(0);
    insta::assert_snapshot!("events_delete_cm_payments_wide", r.stdout_str());
}

// ---------------------------------------------------------------- terminal safety

/// edge/EXPECTED.md control-chars.log: the decoded userAgents and name.
const UA_ANSI: &str = "checkout-devtool/0.3 \u{1b}[31mred\u{1b}[0m (burst)";
const UA_BIDI: &str = "checkout-devtool/0.3 (burst) \u{202e}exe.txt";
const UA_TAB_CR: &str = "buildkite-agent/3.27\t(burst)\rFAKE 200 OK";
const NAME_OSC: &str = "artifact-cache-141\u{1b}]0;pwned\u{7}";

#[test]
fn table_cells_are_sanitized() {
    let f = "testdata/edge/control-chars.log";
    for format in ["table", "wide"] {
        let r = run(&["events", "-o", format, f]).expect_code(0);
        let out = r.stdout_str();
        for bad in ['\u{1b}', '\u{7}', '\t', '\r', '\u{202e}'] {
            assert!(
                !out.contains(bad),
                "{format}: raw {bad:?} reached the terminal"
            );
        }
        assert!(
            out.contains(r"build/artifact-cache-141\e]0;pwned\x07"),
            "{format}: {out}"
        );
        if format == "wide" {
            assert!(
                out.contains(r"checkout-devtool/0.3 \e[31mred\e[0m (burst)"),
                "{out}"
            );
            assert!(
                out.contains(r"checkout-devtool/0.3 (burst) \u{202e}exe.txt"),
                "{out}"
            );
            assert!(
                out.contains(r"buildkite-agent/3.27\t(burst)\rFAKE 200 OK"),
                "{out}"
            );
        }
    }
    // --per-stage table too.
    let r = run(&["events", "--per-stage", f]).expect_code(0);
    assert!(!r.stdout_str().contains('\u{1b}'));
    assert!(r.stdout_str().contains(r"\e]0;pwned\x07"));
}

/// JSON keeps the values exact (escaped: `\u001b`, `\u202e`); CSV shows the characters as
/// tables do (issue 16, point 13: CSV used to write them raw).
#[test]
fn json_keeps_control_characters_exact_and_csv_shows_them() {
    let f = "testdata/edge/control-chars.log";
    let rows = events(&[f]);
    let uas: Vec<String> = rows.iter().map(|r| s(r, "userAgent")).collect();
    assert_eq!(
        uas,
        [
            UA_ANSI,
            UA_BIDI,
            UA_TAB_CR,
            "release-orchestrator/4.1 (burst)"
        ]
    );
    assert_eq!(rows[3]["name"], NAME_OSC);
    // requestURI keeps the real name (EXPECTED.md).
    assert_eq!(
        rows[3]["requestURI"],
        "/api/v1/namespaces/build/configmaps/artifact-cache-141"
    );

    let r = run(&["events", "-o", "csv", f]).expect_code(0);
    let (header, recs) = csv(&r.stdout);
    let ua = header.iter().position(|h| h == "userAgent").unwrap();
    let name = header.iter().position(|h| h == "name").unwrap();
    let got: Vec<&str> = recs.iter().map(|r| r[ua].as_str()).collect();
    assert_eq!(
        got,
        [
            r"checkout-devtool/0.3 \e[31mred\e[0m (burst)",
            r"checkout-devtool/0.3 (burst) \u{202e}exe.txt",
            r"buildkite-agent/3.27\t(burst)\rFAKE 200 OK",
            "release-orchestrator/4.1 (burst)"
        ]
    );
    assert_eq!(recs[3][name], r"artifact-cache-141\e]0;pwned\x07");
    let ndjson = run(&["events", "-o", "ndjson", f]).expect_code(0);
    assert!(
        ndjson
            .stdout_str()
            .contains(r#""userAgent":"checkout-devtool/0.3 (burst) \u202eexe.txt""#),
        "{}",
        ndjson.stdout_str()
    );
}

// ---------------------------------------------------------------- streaming and pipes

/// Read lines of a child's stdout on a thread, so the test can wait with a timeout.
fn line_reader(stdout: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            match line {
                Ok(l) => {
                    if tx.send(l).is_err() {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
    });
    rx
}

#[track_caller]
fn wait_exit(child: &mut std::process::Child, within: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > within {
            let _ = child.kill();
            panic!("kaudit did not exit within {within:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Write one request (edge/failed-auth.log lines 1-2) to a stdin that stays open and expect
/// its row(s) before stdin is closed. `rows` = lines to read (header included).
fn live_rows(format: &str, rows: usize) -> Vec<String> {
    let lines = log_lines("testdata/edge/failed-auth.log");
    let mut child = kaudit_std(&["events", "-o", format]).spawn().unwrap();
    let rx = line_reader(child.stdout.take().unwrap());
    let mut stdin = child.stdin.take().unwrap();
    let mut chunk = lines[0].clone();
    chunk.push(b'\n');
    chunk.extend_from_slice(&lines[1]);
    chunk.push(b'\n');
    stdin.write_all(&chunk).unwrap();
    stdin.flush().unwrap();

    let mut got = Vec::new();
    for i in 0..rows {
        // stdin stays open: a row held back until the end of input never comes, however long
        // this waits (HANG only keeps a failing test from waiting forever)
        match rx.recv_timeout(HANG) {
            Ok(l) => got.push(l),
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "-o {format}: line {} of the completed request not on stdout within {HANG:?} \
                     while stdin is still open (got {got:?})",
                    i + 1
                );
            }
        }
    }
    drop(stdin);
    let status = wait_exit(&mut child, HANG);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(status.success(), "exit {status:?}, stderr: {stderr}");
    assert_eq!(stderr, "");
    let rest: Vec<String> = rx.iter().collect();
    assert!(rest.is_empty(), "nothing more after stdin closed: {rest:?}");
    got
}

#[test]
fn live_stdin_streams_each_request_as_it_completes() {
    let got = live_rows("ndjson", 1);
    let v: Value = serde_json::from_str(&got[0]).unwrap();
    assert_eq!(v["auditID"], "2db30ae6-e53c-4b55-9a98-d8ceb6f8d1ae");
    assert_eq!(v["requestURI"], "/version");
    assert_eq!(v["code"], 200);
    assert_eq!(v["file"], "<stdin>");
}

#[test]
fn live_stdin_streams_csv_rows() {
    let got = live_rows("csv", 2);
    assert!(got[0].starts_with("auditID,received,"));
    assert!(got[1].starts_with("2db30ae6-e53c-4b55-9a98-d8ceb6f8d1ae,"));
}

#[test]
fn live_stdin_streams_table_and_raw_rows() {
    let got = live_rows("table", 2);
    assert!(got[0].starts_with("COMPLETED (UTC)"));
    assert!(got[1].starts_with("2026-11-21 14:59:05.662"));
    // raw: both lines of the request, byte for byte.
    let lines = log_lines("testdata/edge/failed-auth.log");
    let got = live_rows("raw", 2);
    assert_eq!(got[0].as_bytes(), &lines[0][..]);
    assert_eq!(got[1].as_bytes(), &lines[1][..]);
}

/// `kaudit events testdata/s5/ | head -1`: exit 0, nothing on stderr.
#[test]
fn closed_stdout_pipe_is_a_quiet_success() {
    let mut child = kaudit_std(&["events", S5]).spawn().unwrap();
    drop(child.stdin.take());
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut r = BufReader::new(stdout);
        let mut first = String::new();
        let _ = r.read_line(&mut first);
        let _ = tx.send(first);
        // `r` (the read end of the pipe) is dropped here, like `head -1` exiting.
    });
    let first = rx.recv_timeout(HANG).expect("a first line");
    assert!(first.starts_with("COMPLETED (UTC)"), "{first:?}");
    let status = wait_exit(&mut child, HANG);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(status.success(), "exit {status:?}, stderr: {stderr}");
    assert_eq!(stderr, "", "quiet on a closed pipe");
}

#[test]
fn rows_from_stdin_equal_rows_from_the_file() {
    let f = "testdata/edge/split-stages.log";
    let from_file = events(&[f]);
    let data = std::fs::read(crate::util::repo_path(f)).unwrap();
    for args in [
        &["events", "-o", "ndjson"][..],
        &["events", "-o", "ndjson", "-"][..],
    ] {
        let r = run_stdin(args, data.clone()).expect_code(0);
        let mut from_stdin = ndjson(&r.stdout);
        for (a, b) in from_stdin.iter_mut().zip(&from_file) {
            assert_eq!(a["file"], "<stdin>");
            a["file"] = b["file"].clone();
        }
        assert_eq!(from_stdin, from_file, "{args:?}");
    }
}

#[test]
fn empty_match_prints_nothing_and_exits_1() {
    for format in ["table", "wide", "ndjson", "csv", "raw"] {
        let r = run(&[
            "events",
            "-o",
            format,
            "--code",
            "5xx",
            "testdata/edge/failed-auth.log",
        ])
        .expect_code(1);
        assert_eq!(r.stderr, "", "{format}");
        if format == "ndjson" || format == "raw" {
            assert!(r.stdout.is_empty(), "{format}");
        }
    }
}

/// `--limit` counts the rows printed: with `--per-stage`, stage rows.
#[test]
fn stages_limit_counts_rows() {
    let r = run(&[
        "events",
        "--per-stage",
        "--limit",
        "1",
        "-o",
        "ndjson",
        "testdata/edge/escapes.log",
    ]);
    assert_eq!(ndjson(&r.stdout).len(), 1);
}

/// `--per-stage -o csv` has the request columns in the documented order (with `started`), then
/// `stage, stageTimestamp, stageCode`, like the JSON form.
#[test]
fn stages_csv_keeps_the_request_columns_and_adds_the_stage_ones() {
    let r = run(&[
        "events",
        "--per-stage",
        "-o",
        "csv",
        "testdata/edge/escapes.log",
    ]);
    let (header, rows) = csv(&r.stdout);
    let mut want: Vec<&str> = FIELDS.to_vec();
    want.extend(["stage", "stageTimestamp", "stageCode"]);
    assert_eq!(header, want);
    assert_eq!(rows.len(), 6, "one row per stage event");
}

// ---------------------------------------------------------------- --bodies

const D1: &str = "testdata/modern/d1";

/// The files of d1 in the order kaudit reads the folder (rotated backups, oldest first, then
/// audit.log), decompressed and concatenated: what `cat` of the set would pipe.
fn d1_concatenated() -> Vec<u8> {
    let mut names: Vec<String> = std::fs::read_dir(crate::util::repo_path(D1))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("audit-") || n == "audit.log")
        .collect();
    names.sort();
    names
        .iter()
        .flat_map(|n| crate::util::read_log(&format!("{D1}/{n}")))
        .collect()
}

/// `--bodies` gives the same records with one thread or two, in chunks of any size, from the
/// folder or from stdin (but for `file` and `line`, which name where a record was read).
#[test]
fn bodies_are_the_same_for_any_threads_chunks_and_input_path() {
    let args = [
        "events",
        "-o",
        "ndjson",
        "--bodies",
        "-r",
        "serviceaccounts/token,secrets",
    ];
    let with = |extra: &[&str]| {
        let mut a = args.to_vec();
        a.extend_from_slice(extra);
        let r = run(&a).expect_code(0);
        ndjson(&r.stdout)
    };
    let base = with(&[D1]);
    assert!(base.len() > 100, "{}", base.len());
    assert!(base.iter().any(|r| r["bodies"]["response"] == "logged"));
    for extra in [
        &["-j", "1", D1][..],
        &["--chunk-size=4096", "-j", "2", D1],
        &["--chunk-size=4096", "-j", "1", "--no-mmap", D1],
    ] {
        assert!(with(extra) == base, "{extra:?}");
    }
    let piped = ndjson(&run_stdin(&args, d1_concatenated()).expect_code(0).stdout);
    let (base, piped) = (
        crate::util::without_location(base),
        crate::util::without_location(piped),
    );
    assert!(piped == base, "stdin");
}

/// `--bodies` is refused for tables, which have no room for bodies; `-o raw` lines have their
/// bodies already; CSV gets three more columns of JSON text; without `--bodies` nothing changes.
#[test]
fn bodies_in_csv_refused_for_tables_and_a_no_op_for_raw() {
    for format in ["table", "wide"] {
        let r = run(&["events", "-o", format, "--bodies", D1]).expect_code(2);
        assert!(
            r.stderr.contains(
                "--bodies adds requestObject and responseObject to -o json, ndjson and csv"
            ),
            "{}",
            r.stderr
        );
        assert!(r.stdout.is_empty());
    }
    let args = ["events", "-r", "serviceaccounts/token", D1];
    let raw = run(&["events", "-o", "raw", "-r", "serviceaccounts/token", D1]).expect_code(0);
    let raw_bodies = run(&[
        "events",
        "-o",
        "raw",
        "--bodies",
        "-r",
        "serviceaccounts/token",
        D1,
    ])
    .expect_code(0);
    assert_eq!(raw.stdout, raw_bodies.stdout);
    let r = run(&[args[0], "-o", "csv", "--bodies", args[1], args[2], args[3]]).expect_code(0);
    let (header, rows) = csv(&r.stdout);
    let mut want: Vec<&str> = FIELDS.to_vec();
    want.extend([
        "requestObject",
        "responseObject",
        "bodies.request",
        "bodies.response",
    ]);
    assert_eq!(header, want);
    let json = events(&["--bodies", args[1], args[2], args[3]]);
    assert_eq!(rows.len(), json.len());
    for (row, rec) in rows.iter().zip(&json) {
        let n = FIELDS.len();
        let cell = |i: usize| -> Value { serde_json::from_str(&row[n + i]).unwrap() };
        assert_eq!(cell(0), rec["requestObject"]);
        assert_eq!(cell(1), rec["responseObject"]);
        // bodies: a column per field
        assert_eq!(row[n + 2], rec["bodies"]["request"].as_str().unwrap());
        assert_eq!(row[n + 3], rec["bodies"]["response"].as_str().unwrap());
    }
    // --per-stage: each stage event's own bodies, after the stage columns
    let st = events(&["--per-stage", "--bodies", args[1], args[2], args[3]]);
    let keys: Vec<&str> = st[0]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(
        keys[FIELDS.len()..],
        [
            "stage",
            "stageTimestamp",
            "stageCode",
            "requestObject",
            "responseObject",
            "bodies"
        ]
    );
    for r in &st {
        // 1.36 logs no body with RequestReceived
        if r["stage"] == "RequestReceived" {
            assert_eq!(r["bodies"], json!({"request": "none", "response": "none"}));
        } else {
            assert_eq!(
                r["bodies"],
                json!({"request": "logged", "response": "logged"})
            );
        }
    }
}

/// The stages of d1's TokenRequest for another audience (E04), as logged: RequestReceived and
/// ResponseComplete.
fn token_request_lines() -> (Value, Value) {
    let r = run(&[
        "events",
        "-o",
        "raw",
        "--show-secrets",
        "-r",
        "serviceaccounts/token",
        D1,
    ])
    .expect_code(0);
    let lines: Vec<Value> = r
        .stdout_str()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|v: &Value| s(v, "auditID").starts_with("aadb5f24"))
        .collect();
    assert_eq!(lines.len(), 2);
    (lines[0].clone(), lines[1].clone())
}

/// Why a body is null is said: an event the API server truncated (it drops the bodies and says
/// `audit.k8s.io/truncated`), a request whose final stage is missing, a body nested too deep to
/// read (never a crash); a body key spelt with an escape is a body too, and redacted.
#[test]
fn bodies_say_why_they_are_missing() {
    let (received, complete) = token_request_lines();
    let with_id = |v: &Value, id: &str| {
        let mut v = v.clone();
        v["auditID"] = json!(id);
        v
    };
    // the API server's truncation: the bodies go, the annotation says so
    let mut truncated = with_id(&complete, "00000000-0000-4000-8000-000000000001");
    let o = truncated.as_object_mut().unwrap();
    o.remove("requestObject");
    o.remove("responseObject");
    truncated["annotations"]["audit.k8s.io/truncated"] = json!("true");
    // only the RequestReceived of a request: its bodies would have come with the end
    let open = with_id(&received, "00000000-0000-4000-8000-000000000002");
    // a request body nested 300 deep
    let mut deep = with_id(&complete, "00000000-0000-4000-8000-000000000003");
    let nested = (0..300).fold(json!(1), |v, _| json!([v]));
    deep["requestObject"] = nested;
    // the response under an escaped key
    let escaped = with_id(&complete, "00000000-0000-4000-8000-000000000004")
        .to_string()
        .replace("\"responseObject\"", "\"response\\u004fbject\"");
    let token = complete["responseObject"]["status"]["token"]
        .as_str()
        .unwrap()
        .to_string();
    let log = format!(
        "{}\n{}\n{}\n{}\n",
        truncated,
        open,
        serde_json::to_string(&deep).unwrap(),
        escaped
    );
    for show in [false, true] {
        let mut args = vec!["events", "-o", "ndjson", "--bodies"];
        if show {
            args.push("--show-secrets");
        }
        let r = run_stdin(&args, log.clone()).expect_code(0);
        let rows = ndjson(&r.stdout);
        let of = |n: char| {
            rows.iter()
                .find(|r| s(r, "auditID").ends_with(n))
                .unwrap()
                .clone()
        };
        let t = of('1');
        assert!(t["requestObject"].is_null() && t["responseObject"].is_null());
        assert_eq!(
            t["bodies"],
            json!({"request": "truncated", "response": "truncated"})
        );
        let o = of('2');
        assert!(o["requestObject"].is_null() && o["incomplete"] == true);
        assert_eq!(
            o["bodies"],
            json!({"request": "incomplete", "response": "incomplete"})
        );
        // too deep for serde_json: null and said, and the response is still read
        let d = of('3');
        assert!(d["requestObject"].is_null(), "{}", d["requestObject"]);
        assert_eq!(
            d["bodies"],
            json!({"request": "unreadable", "response": "logged"})
        );
        let hidden = format!("<redacted {} bytes>", token.len());
        let want = if show { token.as_str() } else { &hidden };
        for n in ['3', '4'] {
            assert_eq!(of(n)["responseObject"]["status"]["token"], want, "{n}");
        }
        assert_eq!(of('4')["requestObject"], complete["requestObject"]);
    }
}

/// JSON rows are made on the workers for requests whole within a chunk and on the merging
/// thread for the others (joined across chunks, repeats taken out): the bytes are the same
/// whatever the chunking, so both kinds of row are the same. With 2 KB chunks most requests
/// of s5 cross a chunk (its lines are 3 KB); with the default chunks nearly none do. The log
/// read twice makes every request of the second reading a repeat, left out.
#[test]
fn json_rows_made_on_workers_are_the_rows() {
    for format in ["json", "ndjson"] {
        for bodies in [false, true] {
            let mut args = vec!["events", "-o", format];
            if bodies {
                args.push("--bodies");
            }
            let go = |extra: &[&str]| {
                let mut a = args.clone();
                a.extend_from_slice(extra);
                run(&a).expect_code(0).stdout
            };
            let base = go(&["-j", "1", "--chunk-size", "1000000000", S5]);
            assert!(base.len() > 100_000, "{format} {bodies}: {}", base.len());
            for extra in [
                &[S5][..],
                &["--chunk-size", "2048", "-j", "3", S5],
                &["--chunk-size", "20000", "-j", "2", "--no-mmap", S5],
                &["--chunk-size", "20000", "-j", "2", S5, S5],
            ] {
                let out = go(extra);
                assert!(
                    out == base,
                    "{format} bodies={bodies} {extra:?}: {} bytes against {}",
                    out.len(),
                    base.len()
                );
            }
        }
    }
}

/// `--local` reads a date or time typed without zone in the local zone, as it shows rows: eve's
/// requests since 20:29 at +05:30 are those since 14:59 UTC (the issue: none were found, the
/// time read as UTC); `--until` likewise, and a time that says its zone is the same either way.
#[test]
fn since_and_until_without_zone_are_local_with_local() {
    let local = |args: &[&str]| {
        let out = kaudit_std(&["events", "--local", "-u", "eve", "-o", "ndjson"])
            .env("TZ", "<+0530>-5:30")
            .args(args)
            .arg(S5)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        ids(&out.stdout)
    };
    let utc = |args: &[&str]| {
        let mut all = vec!["events", "-u", "eve", "-o", "ndjson"];
        all.extend_from_slice(args);
        all.push(S5);
        ids(&run(&all).expect_code(0).stdout)
    };
    let since = utc(&["--since", "2026-11-21T14:59:00Z"]);
    assert!(!since.is_empty() && since.len() < utc(&[]).len());
    assert_eq!(local(&["--since", "2026-11-21 20:29"]), since);
    assert_eq!(local(&["--since", "2026-11-21T20:29:00"]), since);
    assert_eq!(local(&["--since", "2026-11-21T14:59:00Z"]), since);
    let until = utc(&["--until", "2026-11-21T14:59:00Z"]);
    assert!(!until.is_empty());
    assert_eq!(local(&["--until", "2026-11-21 20:29"]), until);
}

/// The auditIDs of NDJSON rows, in order.
fn ids(rows: &[u8]) -> Vec<String> {
    ndjson(rows)
        .iter()
        .map(|r| s(r, "auditID").to_owned())
        .collect()
}
