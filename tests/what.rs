//! `kaudit what`: what was done, by verb and resource or by object (answer key and a python
//! pass over the s5 logs).

use serde_json::Value;

use crate::util::{S5, query, run};

fn what(args: &[&str]) -> Vec<Value> {
    query("what", args).as_array().unwrap().clone()
}

/// "What did eve do?": 362 gets of secrets (361 denied in her probing, 1 allowed while she
/// held cluster-admin), 10 lists (8 denied), her denied configmap delete and allowed secret
/// delete.
#[test]
fn what_did_eve_do() {
    let rows = what(&["-u", "eve", S5]);
    let get = rows
        .iter()
        .find(|r| r["verb"] == "get" && r["resource"] == "secrets")
        .unwrap();
    assert_eq!(get["requests"], 362);
    assert_eq!(get["codes"], serde_json::json!({"200": 1, "403": 361}));
    let list = rows
        .iter()
        .find(|r| r["verb"] == "list" && r["resource"] == "secrets")
        .unwrap();
    assert_eq!(list["codes"], serde_json::json!({"200": 2, "403": 8}));
    let del_cm = rows
        .iter()
        .find(|r| r["verb"] == "delete" && r["resource"] == "configmaps")
        .unwrap();
    assert_eq!(del_cm["codes"], serde_json::json!({"403": 1}));
    let log = rows.iter().find(|r| r["subresource"] == "log").unwrap();
    assert_eq!(log["codes"], serde_json::json!({"500": 1}));
}

/// Deleted objects: the answer key lists 59 deletions of configmaps and secrets, each of a
/// distinct object (the two deletecollections are per namespace).
#[test]
fn deleted_objects() {
    let rows = what(&[
        "--by-object",
        "-v",
        "delete,deletecollection",
        "-r",
        "cm,secrets",
        S5,
    ]);
    assert_eq!(rows.len(), 59);
    let total: u64 = rows.iter().map(|r| r["requests"].as_u64().unwrap()).sum();
    assert_eq!(total, 59);
    let rl = rows.iter().find(|r| r["name"] == "rate-limits").unwrap();
    assert_eq!(rl["namespace"], "payments");
    assert_eq!(rl["users"][0]["name"], "carol");
    let r = run(&[
        "what",
        "--by-object",
        "-v",
        "delete",
        "-r",
        "cm",
        "-n",
        "payments",
        S5,
    ]);
    let text = String::from_utf8(r.stdout).unwrap();
    assert!(text.contains("payments/gateway-settings"), "{text}");
    assert!(text.contains("403×1"), "{text}");
}
