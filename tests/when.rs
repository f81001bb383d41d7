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

/// `--bucket` reads durations as `--since` does (issue 18: `1h30m` was refused): buckets of 90
/// minutes, the same as `90m`; a bucket under a second, or not whole seconds, is an error.
#[test]
fn buckets_take_any_duration_of_whole_seconds() {
    let a = when(&["--bucket", "1h30m", S5]);
    assert_eq!(a["bucketSeconds"], 5400);
    assert_eq!(a, when(&["--bucket", "90m", S5]));
    for bad in ["500ms", "1s500ms", "0s", "5x"] {
        let r = run(&["when", "--bucket", bad, S5]);
        assert_eq!(r.code, 2, "{bad}");
    }
}

#[test]
fn formats_and_errors() {
    let r = run(&[
        "when", "-v", "delete", "-r", "cm", "-n", "payments", "-o", "csv", S5,
    ]);
    let text = String::from_utf8(r.stdout).unwrap();
    assert!(
        text.starts_with("start,end,requests,logRequests,buckets,gap,peak\n"),
        "{text}"
    );
    let r = run(&["when", "--bucket", "5 minutes", S5]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--bucket"), "{}", r.stderr);
    assert_eq!(run(&["when", "-u", "nobody", S5]).code, 1);
}

/// One stray timestamp decades away (a clock reset, a forged event) is one folded row, not a
/// row or an allocation per bucket in between (the review's --bucket 1m run was OOM-killed).
/// A request with no readable time is counted and reported, not silently dropped.
#[test]
fn a_far_away_timestamp_is_one_row_and_untimed_requests_are_counted() {
    let ev = |id: &str, t: &str| {
        format!(
            r#"{{"auditID":"{id}","stage":"ResponseComplete","verb":"get","user":{{"username":"a"}},"requestReceivedTimestamp":"{t}","stageTimestamp":"{t}","responseStatus":{{"code":200}}}}"#
        )
    };
    let input = [
        ev("a", "1970-01-01T00:00:01.000000Z"),
        ev("b", "2026-11-21T15:00:54.000000Z"),
        ev("c", "not a time"),
    ]
    .join("\n")
        + "\n";
    let r = crate::util::run_stdin(&["when", "--bucket", "1s", "-o", "json"], input.clone());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let d: Value = serde_json::from_slice(&r.stdout).unwrap();
    let b = d["buckets"].as_array().unwrap();
    assert_eq!(b.len(), 3);
    assert_eq!(b[1]["gap"], true);
    assert_eq!(b[1]["buckets"], 1_795_273_253_i64 - 1);
    assert_eq!(d["requests"], 3);
    assert_eq!(d["untimed"], 1);
    let r = crate::util::run_stdin(&["when", "--bucket", "1m"], input);
    assert!(
        String::from_utf8(r.stdout)
            .unwrap()
            .contains("have no readable time")
    );
}

/// `--local` aligns buckets to local hours (review W7): in Asia/Kolkata (UTC+5:30) the hour
/// bucket holding the s5 log starts at 20:00 local, i.e. 14:30 UTC.
#[test]
fn local_buckets_start_on_local_hours() {
    let r = crate::util::kaudit()
        .env("TZ", "Asia/Kolkata")
        .args(["when", "--local", "--bucket", "1h", "-o", "json", S5])
        .output()
        .unwrap();
    let d: Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(d["buckets"][0]["start"], "2026-11-21T14:30:00.000000Z");
    assert_eq!(d["buckets"][0]["requests"], 4254);
}
