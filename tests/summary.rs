//! `kaudit summary`: totals, per-file rows, code/stage/level/decision counts and top lists, checked
//! against testdata/s5-ANSWER-KEY.md (s5 set) and the EXPECTED.md files; the table is snapshotted.
//!
//! Numbers not printed as such in an answer key (decisions, top lists by effective user) were
//! recomputed from the logs with python3 (json + gzip, requests keyed by auditID and
//! requestReceivedTimestamp, the final event = ResponseComplete/Panic else the last event); the
//! derivation is written next to each.

use serde_json::{Value, json};

use crate::util::{self, S5, S5_FILES, counts, run, summary};

fn top(v: &Value) -> Vec<(String, u64)> {
    v.as_array()
        .expect("top list is an array")
        .iter()
        .map(|e| {
            (
                e["name"].as_str().expect("name").to_owned(),
                e["count"].as_u64().expect("count"),
            )
        })
        .collect()
}

#[test]
fn s5_totals_match_the_answer_key() {
    let r = run(&["summary", "-o", "json", S5]).expect_code(0);
    assert_eq!(r.stderr, "", "a clean set prints nothing on stderr");
    let d: Value = serde_json::from_slice(&r.stdout).unwrap();

    // "File checks" and "Totals": 8585 lines, all parsed, none blank.
    assert_eq!(d["lines"], 8585);
    assert_eq!(d["events"], 8585);
    assert_eq!(d["skipped"], 0);
    assert_eq!(d["skippedBlank"], 0);
    assert_eq!(d["skippedUnterminated"], 0);
    assert_eq!(d["malformed"], 0);
    assert_eq!(d["malformedSamples"], json!([]));
    assert_eq!(d["filtered"], false);
    // "distinct auditIDs (requests): 4254".
    assert_eq!(d["requestsScanned"], 4254);
    assert_eq!(d["requests"], 4254);
    // The only request without ResponseComplete is the 401, a complete (failed-auth) request.
    assert_eq!(d["incomplete"], 0);
    // "Requests with a ResponseStarted stage, by user": 48+26+2+1+1+1 = 79, of which one (user
    // None) is the failed authentication's lone ResponseStarted: 78 long-running requests
    // ("Stage sequence per request: RequestReceived+ResponseStarted+ResponseComplete: 78").
    assert_eq!(d["longRunning"], 78);
    assert_eq!(
        d["stages"],
        json!({"RequestReceived": 4253, "ResponseStarted": 79, "ResponseComplete": 4253, "Panic": 0})
    );
    assert_eq!(d["levels"], json!({"RequestResponse": 8585}));
    // "Requests by HTTP code (final event, or last event when there is none)".
    let codes: std::collections::BTreeMap<String, u64> =
        serde_json::from_value(d["codes"].clone()).unwrap();
    assert_eq!(
        codes,
        counts(&[
            ("200", 3126),
            ("403", 482),
            ("201", 463),
            ("404", 169),
            ("409", 7),
            ("304", 3),
            ("422", 1),
            ("400", 1),
            ("401", 1),
            ("500", 1),
        ])
    );
    // python: authorization.k8s.io/decision of each request's events: allow 3773, forbid 478,
    // none 3 (the 401 and the two denied impersonations, which carry no authz annotations).
    assert_eq!(
        d["decisions"],
        json!({"allow": 3773, "forbid": 478, "none": 3})
    );
    // "Time range": first requestReceivedTimestamp/stageTimestamp, last stageTimestamp.
    assert_eq!(d["first"], "2026-11-21T14:58:09.989263Z");
    assert_eq!(d["last"], "2026-11-21T15:01:01.595385Z");
    // Invariant.
    assert_eq!(
        d["lines"].as_u64().unwrap(),
        d["events"].as_u64().unwrap()
            + d["skipped"].as_u64().unwrap()
            + d["malformed"].as_u64().unwrap()
    );
}

#[test]
fn s5_files_are_read_oldest_first_with_per_file_counts() {
    let d = summary(&[S5]);
    let files = d["files"].as_array().expect("files array");
    assert_eq!(files.len(), 28, "27 backups + audit.log");
    let names: Vec<&str> = files.iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        util::s5_files(),
        "backups in timestamp order, then audit.log"
    );
    for (f, (name, events, first, last)) in files.iter().zip(S5_FILES) {
        let on_disk = std::fs::metadata(util::repo_path(name)).unwrap().len();
        assert_eq!(f["bytes"], on_disk, "{name}: bytes on disk");
        assert_eq!(
            f["events"], events,
            "{name}: events (answer key Files table)"
        );
        assert_eq!(f["lines"], events, "{name}: no blank or bad lines in s5");
        assert_eq!(f["first"], first, "{name}: first stageTimestamp");
        assert_eq!(f["last"], last, "{name}: last stageTimestamp");
        assert_eq!(f["error"], Value::Null, "{name}: read without error");
    }
    let sum: u64 = S5_FILES.iter().map(|f| f.1).sum();
    assert_eq!(sum, 8585);
}

#[test]
fn s5_top_lists_count_requests_by_effective_user() {
    let d = summary(&[S5]);
    // Answer key "Events by user" is by authenticated user and counts events. Requests by
    // effective user (impersonatedUser when present), recomputed with python: carol 661 own + 1
    // as impersonated by ops-admin, ops-admin 485 - 3 impersonations, eve 417 + 1.
    let users = top(&d["topUsers"]);
    assert_eq!(users.len(), 10, "top 10 by default");
    assert_eq!(
        users[..9],
        [
            ("carol".to_owned(), 662),
            ("system:kube-controller-manager".to_owned(), 576),
            ("system:apiserver".to_owned(), 515),
            ("ops-admin".to_owned(), 482),
            ("system:serviceaccount:build:ci-bot".to_owned(), 454),
            ("eve".to_owned(), 418),
            (
                "system:serviceaccount:kube-system:resourcequota-controller".to_owned(),
                273
            ),
            ("system:anonymous".to_owned(), 254),
            (
                "system:serviceaccount:kube-system:generic-garbage-collector".to_owned(),
                234
            ),
        ]
    );
    // Tenth place is a tie at 142 (284 events each in the answer key).
    assert_eq!(users[9].1, 142);
    assert!(
        [
            "system:node:worker-7",
            "system:serviceaccount:kube-system:namespace-controller"
        ]
        .contains(&users[9].0.as_str()),
        "10th user: {:?}",
        users[9]
    );

    // python: requests by verb of the final event.
    assert_eq!(
        top(&d["topVerbs"]),
        [
            ("get", 2402),
            ("list", 1036),
            ("create", 467),
            ("update", 157),
            ("watch", 76),
            ("delete", 60),
            ("deletecollection", 28),
            ("patch", 28),
        ]
        .map(|(n, c)| (n.to_owned(), c))
    );
    // python: requests by objectRef.namespace; answer key "Namespaces seen in objectRef" lists
    // these 8.
    assert_eq!(
        top(&d["topNamespaces"]),
        [
            ("build", 844),
            ("staging", 717),
            ("kube-system", 483),
            ("payments", 212),
            ("default", 125),
            ("tools", 99),
            ("kube-public", 68),
            ("kube-node-lease", 9),
        ]
        .map(|(n, c)| (n.to_owned(), c))
    );
    // python: requests by objectRef.resource without subresource (pods/exec, pods/log apart).
    let resources = top(&d["topResources"]);
    assert_eq!(
        resources[..6],
        [
            ("configmaps", 894),
            ("secrets", 531),
            ("pods", 266),
            ("deployments", 262),
            ("serviceaccounts", 175),
            ("leases", 174),
        ]
        .map(|(n, c)| (n.to_owned(), c))
    );
}

#[test]
fn limit_changes_the_length_of_top_lists() {
    let d = summary(&["--limit", "3", S5]);
    assert_eq!(
        top(&d["topUsers"]),
        [
            ("carol", 662),
            ("system:kube-controller-manager", 576),
            ("system:apiserver", 515)
        ]
        .map(|(n, c)| (n.to_owned(), c))
    );
    for list in ["topVerbs", "topResources", "topNamespaces"] {
        assert_eq!(d[list].as_array().unwrap().len(), 3, "{list}");
    }
}

#[test]
fn filtered_summary_counts_only_matching_requests() {
    let d = summary(&["-u", "eve", S5]);
    assert_eq!(d["filtered"], true);
    assert_eq!(d["requestsScanned"], 4254);
    assert_eq!(d["events"], 8585, "every event is still read");
    // Answer key: eve = 835 events = 417 requests (one, pods/log, with RR+RS+RC) + ops-admin as
    // eve (1 request, RR+RC): 418 requests.
    assert_eq!(d["requests"], 418);
    assert_eq!(
        d["stages"],
        json!({"RequestReceived": 418, "ResponseStarted": 1, "ResponseComplete": 418, "Panic": 0})
    );
    // Answer key 403 by user: eve 370 + ops-admin as eve 1; python for the rest; the 500 is
    // "eve get .../pods/ledger-worker-0/log -> 500".
    let codes: std::collections::BTreeMap<String, u64> =
        serde_json::from_value(d["codes"].clone()).unwrap();
    assert_eq!(
        codes,
        counts(&[("200", 45), ("201", 1), ("403", 371), ("500", 1)])
    );
    assert_eq!(d["longRunning"], 1);
    assert_eq!(d["incomplete"], 0);
}

#[test]
fn a_filter_that_matches_nothing_exits_1() {
    let w = "testdata/s5/audit-2026-11-21T14-59-15.012.log.gz";
    let r = run(&["summary", "-o", "json", "-u", "mallory", w]).expect_code(1);
    assert_eq!(r.stderr, "kaudit: note: no request has user \"mallory\"\n");
    let d: Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(d["requests"], 0);
    // python: 409 requests in that backup.
    assert_eq!(d["requestsScanned"], 409);
}

/// lines == events + skipped + malformed, and skipped = blank + unterminated, on every edge file
/// (numbers: testdata/edge/EXPECTED.md; an unterminated unparseable last line is skipped).
#[test]
fn line_accounting_adds_up_on_every_edge_file() {
    // file, lines, events, skippedBlank, skippedUnterminated, malformed, requests
    let cases = [
        ("split-stages.log", 206, 206, 0, 0, 0, 103),
        ("escapes.log", 6, 6, 0, 0, 0, 3),
        ("malformed.log", 12, 6, 1, 0, 5, 4),
        ("unterminated.log", 6, 5, 0, 1, 0, 3),
        ("unterminated-complete.log", 3, 3, 0, 0, 0, 2),
        ("bigline.log", 4, 4, 0, 0, 0, 2),
        ("control-chars.log", 8, 8, 0, 0, 0, 4),
        ("v1alpha1.log", 4, 4, 0, 0, 0, 2),
        ("failed-auth.log", 5, 5, 0, 0, 0, 3),
    ];
    for (file, lines, events, blank, unterminated, malformed, requests) in cases {
        let path = format!("testdata/edge/{file}");
        let d = summary(&[&path]);
        assert_eq!(d["lines"], lines, "{file}: lines");
        assert_eq!(d["events"], events, "{file}: events");
        assert_eq!(d["skippedBlank"], blank, "{file}: skippedBlank");
        assert_eq!(
            d["skippedUnterminated"], unterminated,
            "{file}: skippedUnterminated"
        );
        assert_eq!(d["skipped"], blank + unterminated, "{file}: skipped");
        assert_eq!(d["malformed"], malformed, "{file}: malformed");
        assert_eq!(d["requests"], requests, "{file}: requests");
        assert_eq!(
            d["lines"].as_u64().unwrap(),
            d["events"].as_u64().unwrap()
                + d["skipped"].as_u64().unwrap()
                + d["malformed"].as_u64().unwrap(),
            "{file}: lines == events + skipped + malformed"
        );
        assert_eq!(d["files"][0]["name"], path);
        assert_eq!(d["files"][0]["lines"], lines, "{file}: per-file lines");
        assert_eq!(d["files"][0]["events"], events, "{file}: per-file events");
    }
}

#[test]
fn raw_output_is_refused_for_summary() {
    let r = run(&["summary", "-o", "raw", "testdata/edge/failed-auth.log"]).expect_code(2);
    assert!(r.stdout.is_empty());
    // a usage error: clap names the formats summary has (issue 18: one format enum per command)
    assert!(
        r.stderr
            .contains("invalid value 'raw' for '--output <OUTPUT>'")
            && r.stderr
                .contains("[possible values: table, wide, json, ndjson, csv]"),
        "stderr: {}",
        r.stderr
    );
}

#[test]
fn table_snapshot_s5() {
    let r = run(&["summary", S5]).expect_code(0);
    assert_eq!(r.stderr, "");
    insta::assert_snapshot!("summary_s5_table", r.stdout_str());
}

/// With a verb/resource/namespace filter, `summary` still describes the whole input: files,
/// events and requests scanned are those of every line (the prefilter is for `events`).
#[test]
fn filtered_summary_reports_the_whole_input() {
    let all = summary(&["testdata/s5/"]);
    let f = summary(&["-n", "payments", "testdata/s5/"]);
    assert_eq!(f["requestsScanned"], 4254);
    assert_eq!(f["events"], all["events"]);
    assert_eq!(f["files"], all["files"]);
    assert_eq!(f["skippedPrefilter"], 0);
}
