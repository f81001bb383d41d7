//! `kaudit who`: actors per effective user, checked against testdata/s5-ANSWER-KEY.md and an
//! independent python pass over the s5 logs (requests joined by auditID and received time).

use serde_json::Value;

use crate::util::{S5, query, run};

fn who(args: &[&str]) -> Vec<Value> {
    query("who", args).as_array().unwrap().clone()
}

fn pairs(rows: &[Value], field: &str) -> Vec<(String, u64)> {
    rows.iter()
        .map(|r| {
            (
                r["user"].as_str().unwrap().to_string(),
                r[field].as_u64().unwrap(),
            )
        })
        .collect()
}

/// "who deleted the configmap in payments?": eve (denied) and carol (allowed), answer key
/// "Deletions of configmaps and secrets".
#[test]
fn who_deleted_configmaps_in_payments() {
    let rows = who(&["-v", "delete", "-r", "cm", "-n", "payments", S5]);
    let mut got = pairs(&rows, "denied");
    got.sort();
    assert_eq!(got, [("carol".into(), 0), ("eve".into(), 1)]);
    assert!(rows.iter().all(|r| r["requests"] == 1));
}

/// 403s by effective user: the answer key's "403 Forbidden (requests, by user)" counts the
/// authenticated user; ops-admin's one 403 was made as eve, so eve has 370 + 1.
#[test]
fn denied_requests_by_actor() {
    let rows = who(&["--code", "403", "--sort", "denied", S5]);
    assert_eq!(
        pairs(&rows, "denied")[..4],
        [
            ("eve".into(), 371),
            ("system:anonymous".into(), 102),
            ("system:serviceaccount:build:ci-bot".into(), 4),
            ("carol".into(), 2)
        ]
    );
    let total: u64 = rows.iter().map(|r| r["denied"].as_u64().unwrap()).sum();
    assert_eq!(total, 482);
    let eve = &rows[0];
    assert_eq!(eve["authenticatedAs"][0]["name"], "ops-admin");
    assert_eq!(eve["authenticatedAs"][0]["count"], 1);
}

/// Busiest actors (python pass: carol 662, kube-controller-manager 576, apiserver 515,
/// ops-admin 482, ci-bot 454, eve 418 with 371 denied and 372 failed).
#[test]
fn actors_by_requests() {
    let rows = who(&[S5]);
    assert_eq!(rows.len(), 20);
    assert_eq!(
        pairs(&rows, "requests")[..6],
        [
            ("carol".into(), 662),
            ("system:kube-controller-manager".into(), 576),
            ("system:apiserver".into(), 515),
            ("ops-admin".into(), 482),
            ("system:serviceaccount:build:ci-bot".into(), 454),
            ("eve".into(), 418)
        ]
    );
    let eve = rows.iter().find(|r| r["user"] == "eve").unwrap();
    assert_eq!(
        (eve["denied"].as_u64(), eve["failed"].as_u64()),
        (Some(371), Some(372))
    );
    assert_eq!(eve["first"], "2026-11-21T14:58:40.389088Z");
}

#[test]
fn sort_limit_and_table() {
    // "-" is the failed authentication's request, which has no user
    let rows = who(&["--sort", "name", "-k", "3", S5]);
    let names: Vec<&str> = rows.iter().map(|r| r["user"].as_str().unwrap()).collect();
    assert_eq!(names, ["-", "carol", "eve"]);
    let r = run(&["who", "-v", "delete", "-r", "cm", "-n", "payments", S5]);
    let text = String::from_utf8(r.stdout).unwrap();
    assert!(
        text.starts_with("USER   REQUESTS  DENIED  FAILED  VERBS   RESOURCES"),
        "{text}"
    );
    assert!(text.contains("FIRST         LAST"), "{text}");
    assert!(text.contains("(times: UTC, 2026-11-21)"), "{text}");
    assert_eq!(run(&["who", "-u", "nobody", S5]).code, 1);
    assert_eq!(run(&["who", "-o", "raw", S5]).code, 2);
}
