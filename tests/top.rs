//! `kaudit top --by FIELDS`: group-by counts, shares, error rates and latency percentiles
//! (answer key totals and a python pass over the s5 logs).

use serde_json::Value;

use crate::util::{S5, query, run};

fn top(args: &[&str]) -> Vec<Value> {
    query("top", args).as_array().unwrap().clone()
}

/// `--by code` is the answer key's "Requests by HTTP code" (the 401 included).
#[test]
fn by_code_matches_the_answer_key() {
    let rows = top(&["--by", "code", "-k", "0", S5]);
    let got: Vec<(String, u64)> = rows
        .iter()
        .map(|r| {
            (
                r["code"].as_str().unwrap().to_string(),
                r["requests"].as_u64().unwrap(),
            )
        })
        .collect();
    let want = [
        ("200", 3126),
        ("403", 482),
        ("201", 463),
        ("404", 169),
        ("409", 7),
        ("304", 3),
        ("400", 1),
        ("401", 1),
        ("422", 1),
        ("500", 1),
    ];
    assert_eq!(got, want.map(|(c, n)| (c.to_string(), n)));
    let forbidden = &rows[1];
    assert_eq!(forbidden["errorRate"], 1.0);
    assert_eq!(forbidden["share"], 0.1133);
}

/// Two fields, and the default of 20 rows.
#[test]
fn by_user_and_verb() {
    let rows = top(&["--by", "user,verb", S5]);
    assert_eq!(rows.len(), 20);
    assert_eq!(
        (rows[0]["user"].as_str(), rows[0]["verb"].as_str()),
        (Some("system:serviceaccount:build:ci-bot"), Some("list"))
    );
    assert_eq!(rows[0]["requests"], 406);
    assert_eq!(
        (rows[1]["user"].as_str(), rows[1]["requests"].as_u64()),
        (Some("eve"), Some(404))
    );
    // groups of long-running requests only (watches) have no percentiles
    let watch = rows.iter().find(|r| r["verb"] == "watch").unwrap();
    assert!(watch["p50Ms"].is_null() && watch["maxMs"].is_null());
    let p = |r: &Value, k: &str| r[k].as_f64().unwrap();
    for r in rows.iter().filter(|r| !r["p50Ms"].is_null()) {
        assert!(
            p(r, "p50Ms") <= p(r, "p90Ms")
                && p(r, "p90Ms") <= p(r, "p99Ms")
                && p(r, "p99Ms") <= p(r, "maxMs")
        );
    }
}

/// URIs are grouped without their volatile parameters: carol's `kubectl get -w` (V27) watch
/// with `resourceVersion=394&watch=true` groups with plain deployments URIs of staging.
#[test]
fn by_uri_normalizes() {
    let rows = top(&["--by", "uri", "-u", "carol", "-v", "watch", "-k", "0", S5]);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0]["uri"],
        "/apis/apps/v1/namespaces/staging/deployments"
    );
}

#[test]
fn fields_are_validated() {
    let r = run(&["top", "--by", "colour", S5]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("colour"), "{}", r.stderr);
    assert_eq!(run(&["top", S5]).code, 2, "--by is required");
}

/// The same query parameters in another order are one URI (review finding R4).
#[test]
fn uri_parameter_order_does_not_split_groups() {
    let ev = |id: &str, uri: &str| {
        format!(
            r#"{{"auditID":"{id}","stage":"ResponseComplete","verb":"list","user":{{"username":"u"}},"requestURI":"{uri}","requestReceivedTimestamp":"2026-11-21T15:00:00.000000Z","responseStatus":{{"code":200}}}}"#
        )
    };
    let input = format!(
        "{}\n{}\n",
        ev("a", "/api/v1/pods?limit=500&labelSelector=a"),
        ev("b", "/api/v1/pods?labelSelector=a&limit=500&watch=true")
    );
    let r = crate::util::run_stdin(&["top", "--by", "uri", "-o", "json"], input);
    let d: Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(d.as_array().unwrap().len(), 1, "{d}");
    assert_eq!(d[0]["requests"], 2);
}
