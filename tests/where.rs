//! `kaudit where`: sources of requests, by IP or user agent (python pass over the s5 logs and
//! the answer key's burst counts).

use serde_json::Value;

use crate::util::{S5, query};

fn rows(args: &[&str]) -> Vec<Value> {
    query("where", args).as_array().unwrap().clone()
}

/// Everything in the real cluster came over loopback.
#[test]
fn one_source_ip() {
    let r = rows(&[S5]);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0]["ip"], "127.0.0.1");
    assert_eq!(r[0]["requests"], 4254);
    assert_eq!(r[0]["denied"], 482);
}

/// By user agent: 27 agents; the burst's Go-http-client requests are eve's 300 denied gets
/// (answer key "Burst": eve GET secrets 403 n=300).
#[test]
fn by_user_agent() {
    let r = rows(&["--by", "user-agent", S5]);
    assert_eq!(r.len(), 27);
    assert_eq!(r[0]["userAgent"], "checkout-devtool/0.3 (burst)");
    assert_eq!(r[0]["requests"], 600);
    let go = r
        .iter()
        .find(|x| x["userAgent"] == "Go-http-client/1.1")
        .unwrap();
    assert_eq!(
        (go["requests"].as_u64(), go["denied"].as_u64()),
        (Some(300), Some(300))
    );
    assert_eq!(go["users"][0]["name"], "eve");
}

/// Anonymous requests: 254 (answer key "Anonymous (system:anonymous) requests: 254").
#[test]
fn anonymous_sources() {
    let r = rows(&["-u", "system:anonymous", S5]);
    assert_eq!(r[0]["requests"], 254);
    assert_eq!(r[0]["denied"], 102);
}

/// The source IP is the address that connected (the last of sourceIPs), not the first, which a
/// client can forge with X-Forwarded-For (review finding W5).
#[test]
fn the_connecting_address_not_a_forwarded_header() {
    let line = r#"{"auditID":"x","stage":"ResponseComplete","verb":"get","user":{"username":"u"},"sourceIPs":["127.0.0.1","203.0.113.66"],"requestReceivedTimestamp":"2026-11-21T15:00:00.000000Z","stageTimestamp":"2026-11-21T15:00:00.001000Z","responseStatus":{"code":200}}"#;
    let r = crate::util::run_stdin(&["where", "-o", "json"], format!("{line}\n"));
    let d: Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(d[0]["ip"], "203.0.113.66");
}
