//! GKE exports end to end (issue 17, point 8): non-resource paths and rebuilt URIs, KA024 on
//! kube-probe's anonymous `GET /readyz`, the times `-o raw` keeps, the latency of a long request
//! logged twice, the decision from `authorizationInfo`, and a missing status that is not 200.
//!
//! testdata/gke/hand-written.jsonl is HAND-WRITTEN (no real GKE non-resource entry or
//! first/last pair is among the samples this project may copy; see testdata/README.md for the
//! real entries each line follows); the real GKE entries of testdata/formats/ (KHI's, and
//! panther-analysis's) check the same behaviour where they can.

use serde_json::Value;

use crate::util::{events, ndjson, run, run_stdin, s};

const HAND: &str = "testdata/gke/hand-written.jsonl";
const KHI: &str = "testdata/formats/gke-khi.json";
const PANTHER: &str = "testdata/formats/gke-panther.jsonl";

/// The row of the request whose auditID ends with `tail`.
fn row<'a>(rows: &'a [Value], tail: &str) -> &'a Value {
    let found: Vec<&Value> = rows
        .iter()
        .filter(|r| s(r, "auditID").ends_with(tail))
        .collect();
    assert_eq!(found.len(), 1, "one request ending {tail}");
    found[0]
}

/// Every event of `-o raw`, as JSON.
fn raw(file: &str) -> Vec<Value> {
    let r = run(&["events", "-o", "raw", file]).expect_code(0);
    ndjson(&r.stdout)
}

#[test]
fn non_resource_requests_keep_their_path() {
    let rows = events(&[HAND]);
    // methodName io.k8s.get, resourceName "readyz": the path the API server writes
    let probe = row(&rows, "000000000001");
    assert_eq!(probe["requestURI"], "/readyz");
    assert_eq!(probe["verb"], "get");
    assert_eq!(probe["user"], "system:anonymous");
    assert_eq!(probe["userAgent"], "kube-probe/1.29");
    assert_eq!(probe["resource"], Value::Null);
    assert_eq!(probe["code"], 200);
    assert_eq!(row(&rows, "000000000002")["requestURI"], "/api/v1");
    let hnap = row(&rows, "000000000003");
    assert_eq!(hnap["requestURI"], "/HNAP1");
    assert_eq!(hnap["verb"], "post");
    assert_eq!(hnap["code"], 403);
    assert_eq!(hnap["decision"], "forbid");
    assert_eq!(row(&rows, "000000000004")["requestURI"], "/version");
    // the table shows the path where a resource would be
    let table = run(&["events", "-v", "post", HAND]).expect_code(0);
    assert!(
        table.stdout_str().contains("/HNAP1"),
        "{}",
        table.stdout_str()
    );
    // and top groups by it
    let top = run(&["top", "--by", "uri", "-o", "json", HAND]).expect_code(0);
    let top: Value = serde_json::from_slice(&top.stdout).unwrap();
    assert!(
        top.as_array()
            .unwrap()
            .iter()
            .any(|g| g["uri"] == "/readyz" && g["requests"] == 1),
        "{top}"
    );
}

#[test]
fn resource_requests_get_the_path_the_client_sent() {
    // real KHI entries: a replicaset-controller pod create and two kubelet status patches
    let rows = events(&[KHI]);
    let create = rows.iter().find(|r| r["verb"] == "create").unwrap();
    // a create is sent to the collection (resourceName names the pod created)
    assert_eq!(
        create["requestURI"],
        "/api/v1/namespaces/1-2-deployment-update/pods"
    );
    assert_eq!(create["name"], "nginx-deployment-surge-8655b4b8c5-xf5f4");
    let patch = rows.iter().find(|r| r["verb"] == "patch").unwrap();
    assert_eq!(
        patch["requestURI"],
        "/api/v1/namespaces/1-2-deployment-update/pods/nginx-deployment-surge-8655b4b8c5-xf5f4/status"
    );
    // panther's GKE entries: another group, and a subresource's create names its object
    let rows = events(&[PANTHER]);
    assert!(
        rows.iter()
            .any(|r| r["requestURI"] == "/apis/batch/v1/namespaces/default/cronjobs")
    );
    let exec = rows.iter().find(|r| r["subresource"] == "exec").unwrap();
    assert_eq!(
        exec["requestURI"],
        "/api/v1/namespaces/default/pods/nginx-pod/exec"
    );
    // --uri filters see it
    let r = run(&["events", "-o", "ndjson", "--uri", "/exec$", PANTHER]).expect_code(0);
    assert_eq!(ndjson(&r.stdout).len(), 1);
}

/// KA024's auditIDs in `detect -o json`'s answer.
fn ka024(out: &[u8]) -> Vec<String> {
    let d: Value = serde_json::from_slice(out).unwrap();
    d["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "KA024")
        .flat_map(|f| f["auditIDs"].as_array().unwrap().iter())
        .map(|a| a.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn ka024_spares_kube_probe_readyz_as_it_does_in_a_native_log() {
    // Anonymous and allowed: kube-probe's GET /readyz and a GET /version (the public
    // endpoints KA024 leaves out by path), and a list of pods (what KA024 is for). Before the
    // path was kept, the first two were reported too.
    let gke = run(&["detect", "-o", "json", HAND]).expect_code(0);
    assert_eq!(ka024(&gke.stdout), ["00000000-0000-4000-8000-000000000005"]);
    // The same requests as native events (`-o raw`) give the same answer.
    let native = run(&["events", "-o", "raw", HAND]).expect_code(0).stdout;
    let again = run_stdin(
        &["detect", "-o", "json", "--input-format", "native"],
        native,
    )
    .expect_code(0);
    assert_eq!(ka024(&again.stdout), ka024(&gke.stdout));
}

#[test]
fn raw_output_keeps_the_times_the_entry_gives() {
    let events_raw = raw(HAND);
    let by = |tail: &str| -> Vec<&Value> {
        events_raw
            .iter()
            .filter(|e| s(e, "auditID").ends_with(tail))
            .collect()
    };
    // requestMetadata.requestAttributes.time is the request's received time
    let timed = by("000000000012");
    assert_eq!(
        timed[0]["requestReceivedTimestamp"],
        "2024-01-01T01:00:12.345000Z"
    );
    assert_eq!(timed[0]["stageTimestamp"], "2024-01-01T01:00:12.480000Z");
    let rows = events(&[HAND]);
    assert_eq!(row(&rows, "000000000012")["latencyMs"], 135.0);
    // an entry with its one time: stageTimestamp only (the same time as received too would
    // be a latency of 0), and no latency
    let probe = by("000000000001");
    assert_eq!(probe[0]["stageTimestamp"], "2024-01-01T01:00:01.100000Z");
    assert!(probe[0].get("requestReceivedTimestamp").is_none());
    assert_eq!(row(&rows, "000000000001")["latencyMs"], Value::Null);
    // real KHI entries: their timestamp, and never receiveTimestamp
    for e in raw(KHI) {
        assert_eq!(e["stageTimestamp"], "2024-01-01T01:00:00Z");
        assert!(e.get("requestReceivedTimestamp").is_none());
    }
    // read back as native events, the raw output gives the same requests
    let native = run(&["events", "-o", "raw", HAND]).expect_code(0).stdout;
    let again = run_stdin(
        &["events", "-o", "json", "--input-format", "native"],
        native,
    )
    .expect_code(0);
    let strip = |rows: Vec<Value>| -> Vec<Value> {
        let mut v = crate::util::without_wrapper(rows);
        v.sort_by_key(|r| s(r, "auditID"));
        v
    };
    let again: Vec<Value> = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(strip(again), strip(rows));
}

#[test]
fn a_first_last_pair_is_one_request_with_a_latency() {
    // a watch logged twice: operation.first at 01:00:10.000, operation.last at 01:05:10.250
    let rows = events(&[HAND]);
    let watch = row(&rows, "00000000aaaa");
    assert_eq!(watch["verb"], "watch");
    assert_eq!(watch["requestURI"], "/api/v1/pods");
    assert_eq!(watch["received"], "2024-01-01T01:00:10.000000Z");
    assert_eq!(watch["completed"], "2024-01-01T01:05:10.250000Z");
    assert_eq!(watch["latencyMs"], 300_250.0);
    assert_eq!(
        watch["stages"],
        serde_json::json!(["RequestReceived", "ResponseComplete"])
    );
    // the table too
    let t = run(&["events", "-v", "watch", HAND]).expect_code(0);
    assert!(t.stdout_str().contains("5m00s"), "{}", t.stdout_str());
    // 12 entries, 11 requests
    let d = crate::util::summary(&[HAND]);
    assert_eq!(
        (d["records"].as_u64(), d["requests"].as_u64()),
        (Some(12), Some(11))
    );
}

#[test]
fn decision_from_authorization_info_when_labels_have_none() {
    let rows = events(&[HAND]);
    // no labels, authorizationInfo granted: true
    assert_eq!(row(&rows, "000000000006")["decision"], "allow");
    // no labels, granted: false
    let denied = row(&rows, "000000000007");
    assert_eq!(denied["decision"], "forbid");
    assert_eq!(denied["code"], 403);
    // no labels, granted left out (how GKE writes a request admission refused): no decision
    let refused = row(&rows, "000000000008");
    assert_eq!(refused["decision"], Value::Null);
    assert_eq!(refused["code"], 403);
    // labels win (the HNAP1 entry's items have no granted; its labels say forbid)
    assert_eq!(row(&rows, "000000000003")["decision"], "forbid");
    // the decision filter and -o raw see it
    let r = run(&["events", "-o", "ndjson", "--decision", "forbid", HAND]).expect_code(0);
    let forbid: Vec<String> = ndjson(&r.stdout).iter().map(|r| s(r, "auditID")).collect();
    assert_eq!(forbid.len(), 2, "{forbid:?}");
    let e = raw(HAND)
        .into_iter()
        .find(|e| s(e, "auditID").ends_with("000000000006"))
        .unwrap();
    assert_eq!(e["annotations"]["authorization.k8s.io/decision"], "allow");
    // panther's GKE entries have no labels: the decision comes from their authorizationInfo
    let rows = events(&[PANTHER]);
    let exec = rows.iter().find(|r| r["subresource"] == "exec").unwrap();
    assert_eq!(exec["decision"], "allow");
}

#[test]
fn a_missing_status_is_not_200() {
    let rows = events(&[HAND]);
    // `status` absent: the outcome is unknown
    let patch = row(&rows, "000000000009");
    assert_eq!(patch["code"], Value::Null);
    let r = run(&["events", "-o", "ndjson", "--code", "200", HAND]).expect_code(0);
    assert!(
        !ndjson(&r.stdout)
            .iter()
            .any(|r| s(r, "auditID").ends_with("000000000009"))
    );
    let e = raw(HAND)
        .into_iter()
        .find(|e| s(e, "auditID").ends_with("000000000009"))
        .unwrap();
    assert!(e.get("responseStatus").is_none(), "{e}");
    // `status: {}` (the readyz probe) and `{"code": 0}` (api/v1) are OK
    assert_eq!(row(&rows, "000000000001")["code"], 200);
    assert_eq!(row(&rows, "000000000002")["code"], 200);
    // real entries: KHI's write {"code": 0}
    assert!(events(&[KHI]).iter().all(|r| r["code"] == 200));
    // panther's: one `status: {}`, one code 7, the others none
    let codes: Vec<Value> = events(&[PANTHER])
        .iter()
        .map(|r| r["code"].clone())
        .collect();
    assert_eq!(codes.iter().filter(|c| **c == 200).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 403).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| c.is_null()).count(), 8, "{codes:?}");
}
