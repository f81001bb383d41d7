//! `kaudit policy simulate` on the real logs: s6 (testdata/logrotate/, written by kube-apiserver
//! v1.20.2 under testdata/logrotate/s6-policy.yaml) and s5 (testdata/s5/, the same workload at
//! RequestResponse with every stage, under testdata/s5-policy.yaml).
//!
//! - A log's own policy reproduces it exactly: every request's level and stages, every event,
//!   every byte, and the answer key's requests and events per rule.
//! - s6's policy on s5 predicts s6: the figures below are the closeness the closing note of
//!   issue 7 reports (the two runs share the workload; controller traffic differs).
//! - A stage the logs lack is sized from a sibling event: s5 with its RequestReceived lines
//!   removed, simulated under its own policy, gives back s5's bytes exactly.
//! - What cannot be known is said: bodies the logs lack make the estimate a lower bound.

use serde_json::Value;

use crate::util::{S5, read_log, run, s5_files};

const S6: &str = "testdata/logrotate/";
const S6_POLICY: &str = "testdata/logrotate/s6-policy.yaml";
const S5_POLICY: &str = "testdata/s5-policy.yaml";
const GCE_POLICY: &str = "testdata/gce-style-policy.yaml";

fn simulate(args: &[&str]) -> Value {
    let mut a = vec!["policy", "simulate", "-o", "json"];
    a.extend_from_slice(args);
    let r = run(&a).expect_code(0);
    serde_json::from_slice(&r.stdout).expect("policy simulate -o json prints JSON")
}

/// `bytes` written to `name` in a new temporary folder, which lives as long as the TempDir.
fn temp_file(name: &str, bytes: impl AsRef<[u8]>) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let p = path.to_str().unwrap().to_string();
    (dir, p)
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a count: {v}"))
}

/// The uncompressed bytes of a set of logs.
fn bytes_of(files: &[&str]) -> u64 {
    files.iter().map(|f| read_log(f).len() as u64).sum()
}

const S6_FILES: [&str; 4] = [
    "testdata/logrotate/audit.log.3.gz",
    "testdata/logrotate/audit.log.2.gz",
    "testdata/logrotate/audit.log.1",
    "testdata/logrotate/audit.log",
];

/// Per rule: (requests, events), from the answer key's "Audit policy" section.
fn answer_key_rules() -> Vec<(u64, u64)> {
    let key: Value = serde_json::from_slice(&read_log("testdata/logrotate/s6-answer-key.json"))
        .expect("answer key");
    key["policy"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (u(&r["requests"]), u(&r["events"])))
        .collect()
}

/// s6 under its own policy is s6: 3,914 requests, 3,987 events (Metadata 3,260, Request 431,
/// RequestResponse 296), 3,605,687 bytes, nothing estimated, nothing lost, and per rule the
/// answer key's requests and events.
#[test]
fn a_logs_own_policy_reproduces_it_exactly() {
    let doc = simulate(&[S6_POLICY, S6]);
    let bytes = bytes_of(&S6_FILES);
    assert_eq!(bytes, 3_605_687);
    assert_eq!(doc["requests"], 3914);
    assert_eq!(doc["now"]["events"], 3987);
    assert_eq!(doc["now"]["bytes"], bytes);
    let sim = &doc["simulated"];
    assert_eq!(sim["events"], 3987);
    assert_eq!(sim["bytes"], bytes, "every byte");
    assert_eq!(
        sim["eventsByLevel"],
        serde_json::json!({"Metadata": 3260, "Request": 431, "RequestResponse": 296})
    );
    assert_eq!(sim["eventsByStage"], doc["now"]["eventsByStage"]);
    assert_eq!(sim["estimatedEvents"], 0);
    assert_eq!(sim["eventsWithUnknownBodies"], 0);
    assert_eq!(sim["lowerBound"], false);
    let rules = doc["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 10, "nine rules and the default");
    for (i, (requests, events)) in answer_key_rules().into_iter().enumerate() {
        assert_eq!(u(&rules[i]["requests"]), requests, "rules[{i}] requests");
        assert_eq!(u(&rules[i]["events"]), events, "rules[{i}] events");
        assert_eq!(rules[i]["eventsNow"], rules[i]["events"], "rules[{i}]");
        assert_eq!(rules[i]["bytesNow"], rules[i]["bytes"], "rules[{i}]");
    }
    assert_eq!(rules[9]["rule"], Value::Null);
    assert_eq!(rules[9]["requests"], 0);
    assert_eq!(doc["notRecorded"]["requests"], 0);
    // s5 under its own (RequestResponse, every stage) policy
    let doc = simulate(&[S5_POLICY, S5]);
    assert_eq!(doc["requests"], 4254);
    assert_eq!(doc["simulated"]["events"], 8585);
    assert_eq!(doc["simulated"]["bytes"], bytes_of(&s5_files()));
    assert_eq!(doc["simulated"]["bytes"], doc["now"]["bytes"]);
}

/// s6's policy on s5 (the same workload, logged in full) against what s6 holds. Measured:
/// 4,005 events predicted for 3,987 (+0.45%); Metadata 3,277 for 3,260, Request 429 for 431,
/// RequestResponse 299 for 296; ResponseStarted 74 for 74; 3,627,489 bytes for 3,605,687
/// (+0.60%). Rules [2] (resourceNames, RequestResponse) and [6] (group dev, Request: every
/// responseObject dropped) predict s6's bytes exactly, [3] (Metadata: both bodies dropped)
/// to 17 bytes in 1,085,132; the rules that differ in requests differ because the controllers'
/// traffic differs between the two runs (169 lease renewals of [0] in s5, none logged in s6).
#[test]
fn s6_policy_on_s5_predicts_what_s6_holds() {
    let s6 = simulate(&[S6_POLICY, S6]);
    let doc = simulate(&[S6_POLICY, S5]);
    let sim = &doc["simulated"];
    let close = |got: u64, want: u64, pct: f64, what: &str| {
        let d = (got as f64 - want as f64).abs() * 100.0 / want as f64;
        assert!(d <= pct, "{what}: {got} for {want} ({d:.2}% > {pct}%)");
    };
    close(u(&sim["events"]), 3987, 1.0, "events");
    close(u(&sim["bytes"]), 3_605_687, 1.0, "bytes");
    for (level, want) in [
        ("Metadata", 3260),
        ("Request", 431),
        ("RequestResponse", 296),
    ] {
        close(u(&sim["eventsByLevel"][level]), want, 1.5, level);
    }
    assert_eq!(sim["eventsByStage"]["RequestReceived"], 0);
    assert_eq!(sim["eventsByStage"]["ResponseStarted"], 74);
    let (got, want) = (
        doc["rules"].as_array().unwrap(),
        s6["rules"].as_array().unwrap(),
    );
    for i in [2, 6] {
        assert_eq!(got[i]["requests"], want[i]["requests"], "rules[{i}]");
        assert_eq!(
            got[i]["bytes"], want[i]["bytes"],
            "rules[{i}] bytes, exactly"
        );
    }
    assert_eq!(got[3]["requests"], want[3]["requests"]);
    close(
        u(&got[3]["bytes"]),
        u(&want[3]["bytes"]),
        0.01,
        "rules[3] bytes",
    );
    // the level-None rules: s5 logged what s6 did not
    assert_eq!(got[0]["requests"], 169);
    assert_eq!(got[0]["events"], 0);
    assert_eq!(got[1]["requests"], 153);
    assert_eq!(got[1]["events"], 0);
    // s5 is at RequestResponse: every body is known, nothing is estimated
    assert_eq!(sim["lowerBound"], false);
    assert_eq!(sim["estimatedEvents"], 0);
}

/// The kube-controller-manager's 84 lease updates are the only requests of interest that s6's
/// policy drops on s5 (rule [0]): one group, with its first auditID; the other kinds lose none.
#[test]
fn evidence_no_longer_recorded_is_counted_and_grouped() {
    let doc = simulate(&[S6_POLICY, S5]);
    let lost = &doc["notRecorded"];
    let kinds: Vec<(String, u64, u64)> = lost["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["kind"].as_str().unwrap().to_string(),
                u(&k["requests"]),
                u(&k["notRecorded"]),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("write", 740, 84),
            ("secrets", 531, 0),
            ("denied", 483, 0),
            ("exec", 1, 0),
            ("impersonation", 3, 0),
        ]
        .map(|(k, a, b)| (k.to_string(), a, b))
    );
    assert_eq!(lost["requests"], 84);
    assert_eq!(lost["groups"], 1);
    let g = &lost["list"][0];
    assert_eq!(g["requests"], 84);
    assert_eq!(g["user"], "system:kube-controller-manager");
    assert_eq!(g["verb"], "update");
    assert_eq!(g["resource"], "leases.coordination.k8s.io");
    assert_eq!(g["object"], "kube-system/kube-controller-manager");
    assert_eq!(g["rule"], 0);
    assert_eq!(g["kinds"], serde_json::json!(["write"]));
    assert!(g["firstAuditID"].as_str().is_some_and(|s| s.len() == 36));
    // bodies dropped although the request is still recorded: s6's levels are below s5's
    assert!(u(&lost["requestBodiesDropped"]) > 0);
    assert!(u(&lost["responseBodiesDropped"]) > u(&lost["requestBodiesDropped"]));

    // the GCE-style policy drops events writes (rule [6]); the table shows them, most serious
    // kinds first, and the counts per kind
    let r = run(&["policy", "simulate", GCE_POLICY, S5]).expect_code(0);
    let text = r.stdout_str();
    assert!(
        text.contains(
            "writes (create, update, patch, delete, deletecollection)          740             9"
        ),
        "{text}"
    );
    assert!(text.contains("create            events    payments/ledger.18ea1763b6e3a985"));
    assert!(text.contains("deletecollection  events    tools/*"));
}

/// A stage the logs lack is sized from another event of the same request: s5 without its
/// RequestReceived lines, simulated under its own policy (every stage), is s5 to the byte; so
/// is it without its ResponseStarted lines (78 rebuilt, 78,921 bytes, the exec 400 and the log
/// 500 with their Status body).
#[test]
fn a_missing_stage_is_estimated_from_its_siblings() {
    let mut all = Vec::new();
    for f in s5_files() {
        all.extend(read_log(f));
    }
    let full = all.len() as u64;
    let without = |stage: &str| -> Vec<u8> {
        let needle = format!("\"stage\":\"{stage}\"");
        let mut out = Vec::new();
        for line in all.split_inclusive(|&b| b == b'\n') {
            if !line.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                out.extend_from_slice(line);
            }
        }
        out
    };
    let (_dir, p) = temp_file("audit.log", without("RequestReceived"));
    let doc = simulate(&[S5_POLICY, &p]);
    assert_eq!(doc["simulated"]["estimatedEvents"], 4253);
    assert_eq!(doc["simulated"]["events"], 8585);
    assert_eq!(
        doc["simulated"]["bytes"], full,
        "RequestReceived rebuilt to the byte"
    );
    assert!(
        doc["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().starts_with("4,253 event(s) of a stage"))
    );

    // another name (a new folder): `run` answers the same arguments from its cache
    let rs = without("ResponseStarted");
    let (_dir_rs, p) = temp_file("audit-rs.log", &rs);
    let doc = simulate(&[S5_POLICY, &p]);
    assert_eq!(doc["simulated"]["estimatedEvents"], 78);
    // the 401's only event is a ResponseStarted (695 bytes): without it, the request is gone
    let real = full - rs.len() as u64 - 695;
    let estimated = u(&doc["simulated"]["bytes"]) - u(&doc["now"]["bytes"]);
    assert_eq!(real, 78_921);
    assert_eq!(estimated, real, "ResponseStarted rebuilt to the byte");
}

/// Under a higher level than the logs', bodies are unknown: s6 (Metadata and Request mostly)
/// under RequestResponse-for-everything. The RequestReceived events s6 omitted are estimated
/// (one per request but the failed authentications), ResponseStarted too where rule [4]
/// omitted it, and the estimate is flagged as a lower bound.
#[test]
fn a_higher_level_is_a_lower_bound() {
    let doc = simulate(&[S5_POLICY, S6]);
    let sim = &doc["simulated"];
    assert_eq!(sim["lowerBound"], true);
    assert!(u(&sim["eventsWithUnknownBodies"]) > 3000);
    assert_eq!(sim["eventsByStage"]["RequestReceived"], 3913);
    assert_eq!(sim["eventsByStage"]["ResponseStarted"], 79);
    assert_eq!(sim["estimatedEvents"], 3913 + 5);
    assert!(u(&sim["bytes"]) > u(&doc["now"]["bytes"]));
    let notes: Vec<&str> = doc["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(notes.iter().any(|n| n.contains("lower bound")), "{notes:?}");
}

/// Filters select the requests simulated; the exit codes: 1 when none, 2 for a policy the
/// server would refuse (each error on stderr), a format simulate does not write, or an
/// unknown --server-version.
#[test]
fn filters_and_exit_codes() {
    let all = simulate(&[S6_POLICY, S5]);
    assert_eq!(all["filtered"], false);
    let doc = simulate(&["--namespace", "payments", S6_POLICY, S5]);
    assert_eq!(doc["filtered"], true);
    assert!(u(&doc["requests"]) > 0 && u(&doc["requests"]) < u(&all["requests"]));
    let r = run(&[
        "policy",
        "simulate",
        "--user",
        "nobody-at-all",
        S6_POLICY,
        S5,
    ])
    .expect_code(1);
    assert!(r.stdout_str().contains("on 0 request(s)"));
    let r = run(&["policy", "simulate", "testdata/edge/policy/broken.yaml", S5]).expect_code(2);
    assert!(
        r.stderr
            .contains("rules[1].nonResourceURLs[0]: Invalid value: \"/heal*thz\""),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("kube-apiserver v1.20 would refuse to load")
    );
    assert!(r.stdout.is_empty());
    for f in ["csv", "ndjson", "raw"] {
        let r = run(&["policy", "simulate", "-o", f, S6_POLICY, S5]).expect_code(2);
        assert!(
            r.stderr
                .contains(&format!("invalid value '{f}' for '--output <OUTPUT>'")),
            "{}",
            r.stderr
        );
        assert!(r.stderr.contains("[possible values: table, wide, json]"));
    }
    run(&[
        "policy",
        "simulate",
        "--server-version",
        "1.19",
        S6_POLICY,
        S5,
    ])
    .expect_code(2);
}

/// `group: "*"` is refused by v1.20 and matches every group under --server-version 1.35.
#[test]
fn server_version_decides_the_star_group() {
    let (_dir, p) = temp_file(
        "star.yaml",
        "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  resources:\n  - group: \"*\"\n",
    );
    let p = p.as_str();
    run(&["policy", "simulate", p, S6]).expect_code(2);
    run(&["policy", "check", p]).expect_code(2);
    run(&["policy", "check", "--server-version", "1.35", p]).expect_code(0);
    let doc = simulate(&["--server-version", "1.35", p, S6]);
    assert_eq!(doc["server"], "kube-apiserver v1.35");
    // every resource request matches; the non-resource ones (/readyz, /api, ...) do not
    let rules = doc["rules"].as_array().unwrap();
    let nonresource = u(&rules[1]["requests"]);
    assert!(nonresource > 0);
    assert_eq!(u(&rules[0]["requests"]) + nonresource, u(&doc["requests"]));
    assert_eq!(rules[1]["events"], 0);
}

/// The table: the heading, every section, and the notes; names from the logs are sanitized
/// by the table writer (tested for every command in hostile.rs).
#[test]
fn the_table_has_every_section() {
    let r = run(&["policy", "simulate", S6_POLICY, S5]).expect_code(0);
    let text = r.stdout_str();
    for want in [
        "testdata/logrotate/s6-policy.yaml (9 rules, as kube-apiserver v1.20) on 4,254 request(s) in the logs\n",
        "now        8,585 events  26.3 MiB\n",
        "simulated  4,005 events   3.5 MiB  -86.9%\n",
        "Rules (each request counted for the first rule it matches)\n",
        "[2]    RequestResponse  RR     core: configmaps [feature-toggles,rate-limits]",
        "[4]    RequestResponse  RR+RS  core: pods/*,*/status; apps: */status",
        "Events by level and stage\n",
        "Top users by bytes under the policy (authenticated user)\n",
        "Top resources by bytes under the policy\n",
        "Evidence the policy would no longer record\n",
        "note: only requests the logs hold are simulated",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
    // | head: quiet
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{} policy simulate {S6_POLICY} {S5} | head -1",
            env!("CARGO_BIN_EXE_kaudit")
        ))
        .current_dir(crate::util::root())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A copy of a live log ends with requests in flight: they are simulated up to the stage the
/// log reaches (so the log's own policy still gives 0%), and a write whose end is not in the log
/// yet is not evidence lost (review finding: an in-flight secret create was listed as lost
/// under a Metadata rule).
#[test]
fn requests_in_flight_are_not_lost_evidence() {
    let mut all = Vec::new();
    for f in s5_files() {
        all.extend(read_log(f));
    }
    let cut: Vec<u8> = all
        .split_inclusive(|&b| b == b'\n')
        .take(990)
        .flatten()
        .copied()
        .collect();
    let (_dir, p) = temp_file("audit.log", &cut);
    let p = p.as_str();
    let own = simulate(&[S5_POLICY, p]);
    assert!(u(&own["openRequests"]) > 0);
    assert_eq!(own["simulated"]["bytes"], own["now"]["bytes"]);
    assert_eq!(own["simulated"]["events"], own["now"]["events"]);
    let gce = simulate(&["-k", "0", GCE_POLICY, p]);
    // the events create the GCE-style policy drops is there; the in-flight ones are not
    assert_eq!(gce["notRecorded"]["groups"], 1);
    for g in gce["notRecorded"]["list"].as_array().unwrap() {
        assert!(g["code"].is_number(), "in flight, listed as lost: {g}");
    }
}

/// Evidence is the response: a policy that keeps only RequestReceived (omitStages
/// ResponseComplete, at RequestResponse) records no code, decision or impersonated user, and
/// no body, for any request that is not long-running: nearly everything is lost.
#[test]
fn a_policy_without_the_final_stage_loses_the_evidence() {
    let (_dir, p) = temp_file(
        "no-rc.yaml",
        "apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [ResponseComplete]\nrules:\n- level: RequestResponse\n",
    );
    let doc = simulate(&[&p, S5]);
    let lost = &doc["notRecorded"];
    let by_kind: Vec<(u64, u64)> = lost["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| (u(&k["requests"]), u(&k["notRecorded"])))
        .collect();
    // writes, secrets, denied: all but the long-running ones (their ResponseStarted stays)
    for (i, (now, gone)) in by_kind.iter().enumerate().take(3) {
        assert!(*gone + 3 >= *now && *gone > 0, "kind {i}: {gone} of {now}");
    }
    assert_eq!(by_kind[4], (3, 3), "impersonation is in the response only");
    assert!(u(&lost["requestBodiesDropped"]) > 600);
}
