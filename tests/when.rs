//! `kaudit when`: the time histogram, checked against a python pass over the logs (requests by
//! received time; a bucket is a gap when the log has no request at all in it).

use serde_json::Value;

use crate::util::{S5, query, run};

fn when(args: &[&str]) -> Value {
    query("when", args)
}

fn counts(doc: &Value, key: &str) -> Vec<u64> {
    doc["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b[key].as_u64().unwrap())
        .collect()
}

/// eve's activity in 30 s buckets: her probing at 14:58:40, her cluster-admin window around
/// 14:59:10, nothing, then the burst (python: [107, 11, 0, 0, 300]).
#[test]
fn eve_in_30s_buckets() {
    let d = when(&["-u", "eve", "--bucket", "30s", S5]);
    assert_eq!(counts(&d, "requests"), [107, 11, 0, 0, 300]);
    assert_eq!(d["bucketSeconds"], 30);
    assert_eq!(d["first"], "2026-11-21T14:58:40.389088Z");
    assert_eq!(d["peak"], 300);
    // quiet, not missing: the log has other requests in the empty buckets
    assert!(
        d["buckets"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["gap"] == false)
    );
    let peak: Vec<bool> = d["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["peak"].as_bool().unwrap())
        .collect();
    assert_eq!(peak, [false, false, false, false, true]);
}

/// The s6 set (logrotate/) has stretches with no log lines at all: with the automatic 5 s
/// bucket, the 403s span 29 buckets, 6 of them gaps in the log (python pass).
#[test]
fn gaps_in_the_log_are_marked() {
    let d = when(&["--code", "403", "testdata/logrotate/"]);
    assert_eq!(d["bucketSeconds"], 5);
    let b = d["buckets"].as_array().unwrap();
    assert_eq!(b.len(), 29);
    assert_eq!(b.iter().filter(|x| x["gap"] == true).count(), 6);
    assert_eq!(d["requests"], 482);
    assert_eq!(d["peak"], 307);
    let r = run(&["when", "--code", "403", "testdata/logrotate/"]);
    let text = String::from_utf8(r.stdout).unwrap();
    assert_eq!(
        text.matches("no log data (gap in the log)").count(),
        6,
        "{text}"
    );
    assert!(text.contains("← peak"), "{text}");
    assert!(text.contains("6 buckets with no log data"), "{text}");
}

#[test]
fn formats_and_errors() {
    let r = run(&[
        "when", "-v", "delete", "-r", "cm", "-n", "payments", "-o", "csv", S5,
    ]);
    let text = String::from_utf8(r.stdout).unwrap();
    assert!(
        text.starts_with("start,end,requests,logRequests,gap,peak\n"),
        "{text}"
    );
    let r = run(&["when", "--bucket", "5 minutes", S5]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--bucket"), "{}", r.stderr);
    assert_eq!(run(&["when", "-u", "nobody", S5]).code, 1);
}
