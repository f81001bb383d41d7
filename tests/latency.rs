//! `kaudit latency`: slowest requests, percentiles, long-running and incomplete requests
//! (a python pass over the s5 logs: latency = final stageTimestamp − requestReceivedTimestamp).

use serde_json::Value;

use crate::util::{S5, query, run};

fn latency(args: &[&str]) -> Value {
    query("latency", args)
}

/// The three slowest ordinary requests are discovery reads of /openapi/v2 (177.158, 81.375,
/// 70.902 ms); the 78 long-running requests are kept apart (the answer key's RR+RS+RC: 78).
#[test]
fn slowest_and_long_running_apart() {
    let d = latency(&["-k", "3", S5]);
    let slow: Vec<(String, f64)> = d["slowest"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["resource"].as_str().unwrap().to_string(),
                s["latencyMs"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(slow.len(), 3);
    assert!(slow.iter().all(|(r, _)| r == "/openapi/v2"));
    assert!((slow[0].1 - 177.158).abs() < 0.002, "{slow:?}");
    assert!((slow[1].1 - 81.375).abs() < 0.002, "{slow:?}");
    // -k cuts every list; -k 0 keeps all of them
    assert!(d["longRunning"].as_array().unwrap().len() <= 3);
    let d = latency(&["-k", "0", S5]);
    let long: u64 = d["longRunning"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["requests"].as_u64().unwrap())
        .sum();
    assert_eq!(long, 78);
    let leases = d["byVerbResource"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["verb"] == "update" && p["resource"] == "leases")
        .unwrap();
    assert_eq!(leases["requests"], 84);
    // carol's exec (400) and eve's logs (500) are long-running
    let lr = d["longRunning"].as_array().unwrap();
    assert!(lr.iter().any(|p| p["resource"] == "pods/exec"));
    assert!(lr.iter().any(|p| p["resource"] == "pods/log"));
    assert_eq!(d["incomplete"].as_array().unwrap().len(), 0);
}

#[test]
fn incomplete_requests_are_listed() {
    let d = latency(&["testdata/edge/unterminated.log"]);
    let inc = d["incomplete"].as_array().unwrap();
    assert_eq!(inc.len(), 1);
    assert_eq!(inc[0]["user"], "system:serviceaccount:build:ci-bot");
    let r = run(&["latency", "testdata/edge/unterminated.log"]);
    assert!(
        String::from_utf8(r.stdout)
            .unwrap()
            .contains("Incomplete requests (1)")
    );
}

#[test]
fn csv_rows_are_every_list() {
    let r = run(&["latency", "-o", "csv", "-r", "leases", S5]);
    let text = String::from_utf8(r.stdout).unwrap();
    assert!(
        text.starts_with(
            "kind,time,user,verb,resource,object,code,latencyMs,auditID,stages,phases,requests,p50Ms,p90Ms,p99Ms,maxMs\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("\nrequest,,,update,leases,,,,,,,84,"),
        "{text}"
    );
    // the slowest requests too (review: CSV and NDJSON had left them out)
    let slowest = text.lines().filter(|l| l.starts_with("slowest,")).count();
    assert_eq!(slowest, 10, "{text}");
    assert!(
        text.contains(",RequestReceived;ResponseComplete,"),
        "{text}"
    );
}

/// s6's policy omits ResponseStarted for some watches: they are still long-running (the API
/// server's rule: verb watch), so they do not top the slowest requests (review finding W4).
#[test]
fn watches_without_response_started_are_long_running() {
    let d = latency(&["testdata/logrotate/"]);
    let slow = d["slowest"].as_array().unwrap();
    assert!(slow.iter().all(|s| s["verb"] != "watch"), "{slow:?}");
    assert_eq!(slow[0]["resource"], "/openapi/v2");
    assert!(
        d["byVerbResource"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["verb"] != "watch")
    );
}

/// The API server's own breakdown (crowdsec-hub's real exec event: `apiserver.latency.k8s.io/etcd`
/// 561.927µs, `/total` 7.85594907s): listed by phase though the exec is long-running, and in
/// the table as a column.
#[test]
fn phases_from_the_api_servers_annotations() {
    let log = "testdata/public/crowdsec-hub/k8s-audit-pod-exec-file.log";
    let d = latency(&[log]);
    assert_eq!(
        d["slowest"],
        serde_json::json!([]),
        "an exec is long-running"
    );
    let phased = d["byPhase"].as_array().unwrap();
    assert_eq!(phased.len(), 1);
    assert_eq!(phased[0]["auditID"], "57a794de-44d3-40ee-a0ad-c0eb096eef6c");
    assert_eq!(
        phased[0]["phases"],
        serde_json::json!({"etcd": 0.562, "total": 7855.949})
    );
    let table = run(&["latency", log])
        .expect_code(0)
        .stdout_str()
        .to_string();
    assert!(table.contains("etcd 0.56ms, total 7.86s"), "{table}");
    // logs without them say so
    let s5 = run(&["latency", S5])
        .expect_code(0)
        .stdout_str()
        .to_string();
    assert!(
        s5.contains("none: no request carries these annotations"),
        "{s5}"
    );
}
