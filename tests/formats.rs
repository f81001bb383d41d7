//! Every input format kaudit recognises, read from the files in testdata/formats/ (real records
//! from panther-analysis, khi, kube-audit-log-tool, apisnoop and OpenShift, and real s5 events in
//! the documented envelopes of EKS, AKS and the webhook backend; see testdata/README.md).
//!
//! Expected counts come from testdata/formats/EXPECTED.json, which make_formats.py computes from
//! the sources without kaudit.

use serde_json::Value;

use crate::util::{events, ndjson, run, run_stdin, s, summary};

fn expected() -> Value {
    let text = std::fs::read_to_string(crate::util::repo_path("testdata/formats/EXPECTED.json"))
        .expect("EXPECTED.json");
    serde_json::from_str(&text).unwrap()
}

#[test]
fn every_format_file_is_read_with_its_expected_counts() {
    let exp = expected();
    let files = exp.as_object().unwrap();
    assert_eq!(files.len(), 14, "a file was added without expectations");
    for (name, want) in files {
        let path = format!("testdata/formats/{name}");
        let d = summary(&[&path]);
        for k in [
            "records",
            "events",
            "skipped",
            "malformed",
            "requests",
            "skippedTruncated",
            "skippedForeign",
        ] {
            if let Some(v) = want.get(k) {
                assert_eq!(&d[k], v, "{name}: {k}");
            }
        }
        let total = d["events"].as_u64().unwrap()
            + d["skipped"].as_u64().unwrap()
            + d["malformed"].as_u64().unwrap();
        assert_eq!(d["records"].as_u64().unwrap(), total, "{name}: accounting");
    }
}

#[test]
fn gke_entries_map_to_requests() {
    let exp = expected();
    let rows = events(&["testdata/formats/gke-khi.json"]);
    let mut users: Vec<String> = rows.iter().map(|r| s(r, "user")).collect();
    users.sort();
    users.dedup();
    let want: Vec<String> = serde_json::from_value(exp["gke-khi.json"]["users"].clone()).unwrap();
    assert_eq!(users, want);
    // methodName io.k8s.core.v1.pods.status.patch + resourceName
    // core/v1/namespaces/1-2-deployment-update/pods/nginx-deployment-surge-.../status
    let patch = rows.iter().find(|r| r["verb"] == "patch").unwrap();
    assert_eq!(patch["resource"], "pods");
    assert_eq!(patch["subresource"], "status");
    assert_eq!(patch["namespace"], "1-2-deployment-update");
    assert_eq!(patch["apiVersion"], "v1");
    assert_eq!(patch["apiGroup"], Value::Null);
    assert_eq!(patch["code"], 200);
    assert_eq!(patch["level"], "Request");
    // reported at the line where the entry starts in the pretty array
    assert_eq!(patch["line"], 339);
    let create = rows.iter().find(|r| r["verb"] == "create").unwrap();
    assert_eq!(create["decision"], "allow");
    assert_eq!(create["sourceIPs"], serde_json::json!(["172.16.0.3"]));
    assert_eq!(create["level"], "RequestResponse");
    // panther's GKE exec entry: methodName io.k8s.core.v1.pods.exec.create
    let exec = events(&["-r", "pods/exec", "testdata/formats/gke-panther.jsonl"]);
    assert_eq!(exec.len(), 1);
    assert_eq!(exec[0]["user"], "user@company.com");
    assert_eq!(exec[0]["verb"], "create");
    assert_eq!(exec[0]["name"], "nginx-pod");
}

#[test]
fn envelopes_unwrap_to_the_same_requests_as_the_native_log() {
    // The s5 events in CloudWatch, S3-export, Event Hub and EventList clothing give the same
    // requests as the same events read natively (first events of testdata/s5/audit.log).
    let native: Vec<(String, Value, Value)> = events(&["testdata/formats/eks-s3-export.log.gz"])
        .iter()
        .map(|r| (s(r, "auditID"), r["code"].clone(), r["stages"].clone()))
        .collect();
    assert_eq!(native.len(), 19);
    for (file, n) in [
        ("eks-cloudwatch.json", 8),
        ("aks-eventhub.jsonl", 12),
        ("eventlist.json", 12),
        ("eventlists.jsonl", 25),
    ] {
        let got: Vec<(String, Value, Value)> = events(&[&format!("testdata/formats/{file}")])
            .iter()
            .map(|r| (s(r, "auditID"), r["code"].clone(), r["stages"].clone()))
            .collect();
        assert_eq!(got.len(), n, "{file}");
        for g in &got {
            if file != "eventlists.jsonl" {
                assert!(
                    native.contains(g),
                    "{file}: {g:?} not in the native reading"
                );
            }
        }
    }
}

#[test]
fn raw_output_of_an_envelope_is_the_native_event() {
    // `-o raw` prints each event unwrapped; kaudit reads that back as native lines.
    for file in [
        "gke-khi.json",
        "aks-eventhub.jsonl",
        "eks-cloudwatch.json",
        "openshift-node-logs.log",
        "eventlist.json",
    ] {
        let path = format!("testdata/formats/{file}");
        let raw = run(&["events", "-o", "raw", &path]).expect_code(0);
        for line in raw.stdout_str().lines() {
            let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(v["kind"], "Event", "{file}");
        }
        let again = run_stdin(
            &["events", "-o", "ndjson", "--input-format", "native"],
            raw.stdout,
        )
        .expect_code(0);
        // the same requests; incomplete ones come in the order of their last line, which
        // differs between the envelope and its unwrapped lines
        let strip = |rows: Vec<Value>| -> Vec<Value> {
            let mut v = crate::util::without_wrapper(rows);
            v.sort_by_key(|r| (r["auditID"].to_string(), r["received"].to_string()));
            v
        };
        assert_eq!(
            strip(ndjson(&again.stdout)),
            strip(events(&[&path])),
            "{file}: raw output read back"
        );
    }
}

#[test]
fn documents_are_recognised_on_stdin_too() {
    for file in ["eventlist.json", "gke-khi.json", "eks-cloudwatch.json"] {
        let path = format!("testdata/formats/{file}");
        let bytes = std::fs::read(crate::util::repo_path(&path)).unwrap();
        let piped = run_stdin(&["summary", "-o", "json"], bytes).expect_code(0);
        let piped: Value = serde_json::from_slice(&piped.stdout).unwrap();
        let direct = summary(&[&path]);
        for k in ["records", "events", "requests", "lines", "skipped"] {
            assert_eq!(piped[k], direct[k], "{file}: {k}");
        }
    }
}

#[test]
fn mixed_lines_are_each_recognised() {
    // native, AKS, GKE, prefixed, EventList and CloudWatch lines in one file
    let rows = events(&["testdata/formats/mixed.log"]);
    // 6 auditIDs; three have a stage in a wrapper that names its cluster or API server (AKS,
    // CloudWatch) and another in a plain line: two scopes, so two requests each, never joined
    assert_eq!(rows.len(), 8);
    let scope = |id: &str| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = rows
            .iter()
            .filter(|r| r["auditID"] == id)
            .map(|r| {
                let s = |k: &str| r[k].as_str().unwrap_or("-").to_string();
                (s("cluster"), s("apiserver"))
            })
            .collect();
        v.sort();
        v
    };
    let pair = |c: &str, a: &str| (c.to_string(), a.to_string());
    assert_eq!(
        scope("5cc374d8-1d7e-4d47-99bf-06b7eb0c329f"),
        [
            pair("-", "-"),
            pair("AKS1", "kube-apiserver-6d9f8c7b5-x2x9q")
        ]
    );
    assert_eq!(
        scope("43ecd503-e155-4705-ad62-741ca5ab5009"),
        [
            pair("-", "-"),
            pair("-", "kube-apiserver-audit-4f1c0b8e2a7d9c36")
        ]
    );
    assert_eq!(
        scope("85371f7c-2383-4041-96e8-dad63d2d1990"),
        [pair("sample-cluster", "-")]
    );
    assert!(
        rows.iter()
            .any(|r| r["user"] == "system:serviceaccount:kube-system:replicaset-controller")
    );
    let d = summary(&["testdata/formats/mixed.log"]);
    assert_eq!(d["lines"], 7);
    assert_eq!(d["records"], 9);
}

#[test]
fn a_forced_format_refuses_the_others() {
    // GKE entries read as AKS: each is malformed, saying why
    let r = run(&[
        "summary",
        "-o",
        "json",
        "--input-format",
        "aks",
        "testdata/formats/gke-panther.jsonl",
    ])
    .expect_code(2);
    let d: Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(d["events"], 0);
    assert_eq!(d["malformed"], 11);
    assert!(
        r.stderr
            .contains("a GKE LogEntry (reading --input-format aks)"),
        "{}",
        r.stderr
    );
    // --strict turns that into exit 2
    run(&[
        "summary",
        "--strict",
        "--input-format",
        "native",
        "testdata/formats/aks-panther.jsonl",
    ])
    .expect_code(2);
    // and the right format reads the file as auto does
    let forced = summary(&["--input-format", "gke", "testdata/formats/gke-khi.json"]);
    assert_eq!(forced["events"], 3);
    let forced = summary(&[
        "--input-format",
        "eks",
        "testdata/formats/eks-cloudwatch.json",
    ]);
    assert_eq!(forced["events"], 12);
    // json forces document reading: a JSON-lines file is a run of one-line documents
    let forced = summary(&[
        "--input-format",
        "json",
        "testdata/formats/eventlists.jsonl",
    ]);
    assert_eq!(forced["records"], 41);
}

#[test]
fn truncated_cloudwatch_messages_are_counted_not_parsed() {
    let r = run(&["summary", "testdata/formats/eks-cloudwatch.json"]).expect_code(0);
    assert!(
        r.stderr.contains(
            "1 record(s) skipped: event cut at the CloudWatch Logs size limit ([Truncated...])"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stdout_str().contains("records"), "{}", r.stdout_str());
}

#[test]
fn the_prefilter_never_skips_an_event_inside_an_envelope() {
    // In CloudWatch and AKS records the event is an escaped string: `\"verb\":\"delete\"` does
    // not contain the literal `"verb":"delete"`, so such lines must be parsed, not skipped.
    for file in [
        "aks-eventhub.jsonl",
        "eks-cloudwatch.json",
        "mixed.log",
        "gke-panther.jsonl",
        "eventlists.jsonl",
    ] {
        let path = format!("testdata/formats/{file}");
        for q in [
            &["-v", "delete", "-r", "configmaps"][..],
            &["-r", "pods"],
            &["-n", "build"],
        ] {
            let mut a: Vec<&str> = q.to_vec();
            a.push(&path);
            let with = events(&a);
            a.insert(0, "--no-prefilter");
            let without = events(&a);
            assert_eq!(with, without, "{file} {q:?}");
        }
    }
    let deletes = events(&[
        "-v",
        "delete",
        "-r",
        "cm",
        "testdata/formats/aks-eventhub.jsonl",
    ]);
    assert!(!deletes.is_empty());
    assert!(deletes.iter().all(|r| r["user"] == "ops-admin"));
}
