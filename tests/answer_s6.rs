//! The s6 scenario (testdata/logrotate/, a real kube-apiserver under a multi-rule policy that
//! omits RequestReceived) answered by the query commands, section by section of
//! testdata/logrotate/s6-ANSWER-KEY.md.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::util::{events, run, s};

const S6: &str = "testdata/logrotate/";

fn json(args: &[&str]) -> Value {
    let r = run(args);
    assert!(r.code == 0 || r.code == 1, "{args:?}: {}", r.stderr);
    serde_json::from_slice(&r.stdout).unwrap()
}

/// "Requests by HTTP code (final event, or last event when there is none)".
#[test]
fn requests_by_code() {
    let rows = json(&["top", "--by", "code", "-k", "0", "-o", "json", S6]);
    let got: BTreeMap<String, u64> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (s(r, "code"), r["requests"].as_u64().unwrap()))
        .collect();
    let want: BTreeMap<String, u64> = [
        ("200", 2787),
        ("403", 482),
        ("201", 463),
        ("404", 168),
        ("409", 7),
        ("304", 3),
        ("422", 1),
        ("400", 1),
        ("401", 1),
        ("500", 1),
    ]
    .into_iter()
    .map(|(c, n)| (c.to_string(), n))
    .collect();
    assert_eq!(got, want);
}

/// "403 Forbidden (requests, by user)", by effective user: ops-admin's one 403 was made as eve.
#[test]
fn forbidden_by_actor() {
    let rows = json(&["who", "--code", "403", "-o", "json", S6]);
    let got: BTreeMap<String, u64> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (s(r, "user"), r["denied"].as_u64().unwrap()))
        .collect();
    let want: BTreeMap<String, u64> = [
        ("eve", 371),
        ("system:anonymous", 102),
        ("system:serviceaccount:build:ci-bot", 4),
        ("carol", 2),
        ("system:node:worker-7", 1),
        (
            "system:serviceaccount:kube-system:root-ca-cert-publisher",
            1,
        ),
        ("system:kube-controller-manager", 1),
    ]
    .into_iter()
    .map(|(u, n)| (u.to_string(), n))
    .collect();
    assert_eq!(got, want);
}

/// "401 Unauthorized: 1 request(s)" and "Anonymous (system:anonymous) requests: 102".
#[test]
fn unauthenticated_and_anonymous() {
    let r = events(&["--code", "401", S6]);
    assert_eq!(r.len(), 1);
    assert_eq!(s(&r[0], "auditID"), "a17a3a07-87e6-43bf-8cdb-afb4acb9d492");
    assert_eq!(r[0]["received"], "2026-11-21T15:05:05.197419Z");
    assert_eq!(r[0]["stages"], serde_json::json!(["ResponseStarted"]));
    let anon = json(&["where", "-u", "system:anonymous", "-o", "json", S6]);
    assert_eq!(anon[0]["requests"], 102);
    assert_eq!(anon[0]["denied"], 102);
}

/// "Deletions of configmaps and secrets: 59 requests", one object each.
#[test]
fn deletions() {
    let rows = json(&[
        "what",
        "--by-object",
        "-v",
        "delete,deletecollection",
        "-r",
        "cm,secrets",
        "-o",
        "json",
        S6,
    ]);
    let rows = rows.as_array().unwrap();
    let total: u64 = rows.iter().map(|r| r["requests"].as_u64().unwrap()).sum();
    assert_eq!(total, 59);
    let by_user = |u: &str| -> u64 {
        rows.iter()
            .filter(|r| r["users"][0]["name"] == u)
            .map(|r| r["requests"].as_u64().unwrap())
            .sum()
    };
    assert_eq!(by_user("ops-admin"), 51, "50 configmaps + 1 secret");
    assert_eq!(by_user("system:serviceaccount:build:ci-bot"), 2);
}

/// "RBAC writes (excluding system:apiserver bootstrap)": 20, and the ops-admin ones exactly.
#[test]
fn rbac_writes() {
    let r: Vec<Value> = events(&[
        "-r",
        "roles,rolebindings,clusterroles,clusterrolebindings",
        "-v",
        "write",
        S6,
    ])
    .into_iter()
    .filter(|e| e["user"] != "system:apiserver")
    .collect();
    assert_eq!(r.len(), 20);
    let mut ops: Vec<(String, String, String, String, i64)> = r
        .iter()
        .filter(|e| e["user"] == "ops-admin")
        .map(|e| {
            (
                s(e, "received"),
                s(e, "verb"),
                s(e, "resource"),
                s(e, "name"),
                e["code"].as_i64().unwrap(),
            )
        })
        .collect();
    ops.sort();
    let t = |x: &str| format!("2026-11-21T15:{x}Z");
    let want = vec![
        (
            t("04:35.393873"),
            "create",
            "roles",
            "configmap-writer",
            201,
        ),
        (
            t("04:35.855851"),
            "create",
            "rolebindings",
            "carol-view",
            201,
        ),
        (
            t("04:36.320794"),
            "create",
            "rolebindings",
            "carol-configmap-writer",
            201,
        ),
        (
            t("04:36.771156"),
            "create",
            "rolebindings",
            "dev-team-edit",
            201,
        ),
        (
            t("04:37.223510"),
            "create",
            "rolebindings",
            "ci-bot-edit",
            201,
        ),
        (
            t("05:06.582672"),
            "create",
            "rolebindings",
            "ci-bot-cluster-admin",
            201,
        ),
        (
            t("05:07.964782"),
            "delete",
            "rolebindings",
            "ci-bot-cluster-admin",
            200,
        ),
        (
            t("05:08.888518"),
            "create",
            "clusterrolebindings",
            "break-glass-eve",
            201,
        ),
        (
            t("05:11.217325"),
            "delete",
            "clusterrolebindings",
            "break-glass-eve",
            200,
        ),
    ];
    let want: Vec<(String, String, String, String, i64)> = want
        .into_iter()
        .map(|(a, b, c, d, e)| (a, b.to_string(), c.to_string(), d.to_string(), e))
        .collect();
    assert_eq!(ops, want);
}

/// "Impersonation" (allowed: 3, all by ops-admin) and "exec / log / attach / proxy".
#[test]
fn impersonation_and_exec() {
    let imp: Vec<(String, String, i64)> = events(&["-u", "ops-admin", S6])
        .into_iter()
        .filter(|e| !e["impersonatedUser"].is_null())
        .map(|e| {
            (
                s(&e, "received"),
                s(&e, "impersonatedUser"),
                e["code"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        imp,
        [
            (
                "2026-11-21T15:05:12.174189Z".to_string(),
                "carol".to_string(),
                200
            ),
            (
                "2026-11-21T15:05:12.658343Z".to_string(),
                "eve".to_string(),
                403
            ),
            (
                "2026-11-21T15:05:13.143804Z".to_string(),
                "system:serviceaccount:build:ci-bot".to_string(),
                200
            ),
        ]
    );
    let ex = events(&["-r", "pods/exec,pods/log", S6]);
    let got: Vec<(String, i64)> = ex
        .iter()
        .map(|e| (s(e, "user"), e["code"].as_i64().unwrap()))
        .collect();
    assert_eq!(got, [("carol".to_string(), 400), ("eve".to_string(), 500)]);
}
