//! Hostile input ("survive any input"): each case ends with a clear message, counts that add up
//! (`lines = events + skipped + malformed`, for the whole scan and per file) and the documented
//! exit code; never a panic, a hang or death by a signal.
//!
//! Inputs are built by the tests in temporary folders (the big ones in memory once per run),
//! never committed; the expected counts follow from how each input is built.

use std::fs;
use std::path::Path;

use serde_json::{Value, json};

use crate::util::{Run, finish, kaudit, run_stdin};

// ---------------------------------------------------------------- helpers

/// A Metadata-level `get configmaps/app` ResponseComplete event; `i` makes its auditID and
/// time unique.
fn event(i: u64) -> String {
    event_with(i, |_| {})
}

/// The same event, changed by `f` before it is written.
fn event_with(i: u64, f: impl FnOnce(&mut Value)) -> String {
    let sec = i / 1_000_000;
    let ts = format!(
        "2026-11-21T{:02}:{:02}:{:02}.{:06}Z",
        15 + sec / 3600,
        (sec / 60) % 60,
        sec % 60,
        i % 1_000_000
    );
    let mut v = json!({
        "kind": "Event",
        "apiVersion": "audit.k8s.io/v1",
        "level": "Metadata",
        "auditID": format!("00000000-0000-4000-8000-{i:012}"),
        "stage": "ResponseComplete",
        "requestURI": "/api/v1/namespaces/build/configmaps/app",
        "verb": "get",
        "user": {"username": "alice", "groups": ["system:authenticated"]},
        "sourceIPs": ["10.0.0.1"],
        "userAgent": "kubectl/v1.30.0",
        "objectRef": {"resource": "configmaps", "namespace": "build", "name": "app", "apiVersion": "v1"},
        "responseStatus": {"metadata": {}, "code": 200},
        "requestReceivedTimestamp": ts,
        "stageTimestamp": ts,
    });
    f(&mut v);
    v.to_string()
}

/// An event with `raw` (JSON text) spliced in as its last field.
fn event_plus(i: u64, raw: &str) -> String {
    let e = event(i);
    format!("{},{raw}}}", &e[..e.len() - 1])
}

fn tmp() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("kaudit-hostile-")
        .tempdir()
        .unwrap()
}

/// Write `bytes` to `dir/name`; its path as a string.
fn put(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> String {
    let p = dir.join(name);
    fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_owned()
}

/// Run kaudit (not cached: these inputs change between runs).
fn go(args: &[&str]) -> Run {
    finish(kaudit().args(args).output().expect("kaudit runs"))
}

/// The JSON document a `summary -o json` run printed.
#[track_caller]
fn doc(r: &Run) -> Value {
    serde_json::from_slice(&r.stdout).unwrap_or_else(|e| {
        panic!(
            "summary printed no JSON ({e})\n--- stderr ---\n{}",
            r.stderr
        )
    })
}

fn n(d: &Value, key: &str) -> u64 {
    d[key]
        .as_u64()
        .unwrap_or_else(|| panic!("no number {key} in {d}"))
}

/// Every line is an event, skipped or malformed, and the files' lines make the total.
#[track_caller]
fn adds_up(d: &Value) {
    assert_eq!(
        n(d, "lines"),
        n(d, "events") + n(d, "skipped") + n(d, "malformed"),
        "lines = events + skipped + malformed: {d}"
    );
    let files: u64 = d["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["lines"].as_u64().unwrap())
        .sum();
    assert_eq!(files, n(d, "lines"), "per-file lines add up");
    let events: u64 = d["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["events"].as_u64().unwrap())
        .sum();
    assert_eq!(events, n(d, "events"), "per-file events add up");
}

// ---------------------------------------------------------------- long lines

/// A single 64 MiB line (a RequestResponse event with a big body), read from a mapped file and
/// from a pipe. Peak memory for this is in BENCHMARKS.md ("Memory").
#[test]
fn a_64_mib_line_is_one_event() {
    let dir = tmp();
    let blob = "a".repeat(64 << 20);
    let line = event_plus(
        1,
        &format!(r#""requestObject":{{"kind":"ConfigMap","data":{{"blob":"{blob}"}}}}"#),
    ) + "\n";
    assert!(line.len() > 64 << 20);
    let f = put(dir.path(), "big.log", &line);
    for r in [
        go(&["summary", "-o", "json", &f]),
        run_stdin(&["summary", "-o", "json"], line.into_bytes()),
    ] {
        let r = r.expect_code(0);
        assert_eq!(r.stderr, "");
        let d = doc(&r);
        adds_up(&d);
        assert_eq!(
            (n(&d, "lines"), n(&d, "events"), n(&d, "requests")),
            (1, 1, 1)
        );
    }
}
