//! Hostile input ("survive any input"): each case ends with a clear message, counts that add up
//! (`lines = events + skipped + malformed`, for the whole scan and per file) and the documented
//! exit code; never a panic, a hang or death by a signal.
//!
//! Inputs are built by the tests in temporary folders (the big ones in memory once per run),
//! never committed; the expected counts follow from how each input is built.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::process::Child;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::util::{Run, finish, kaudit, kaudit_std, run_stdin};

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

/// Events `from..to`, one per line.
fn events(range: std::ops::Range<u64>) -> String {
    range.map(|i| event(i) + "\n").collect()
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

/// Wait for a spawned kaudit, at most `limit` (then kill it, by its id, and fail: a hang). It
/// must exit with a code: death by a signal fails the test.
#[track_caller]
fn wait_output(child: Child, limit: Duration) -> Run {
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let out = match rx.recv_timeout(limit) {
        Ok(out) => out.expect("wait for kaudit"),
        Err(_) => {
            // SAFETY: signalling the child this test spawned and has not reaped.
            #[cfg(unix)]
            unsafe {
                libc::kill(pid as libc::pid_t, libc::SIGKILL)
            };
            panic!("kaudit did not finish within {limit:?} (hang)");
        }
    };
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert!(
            out.status.code().is_some(),
            "kaudit died of signal {:?}\n--- stderr ---\n{}",
            out.status.signal(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    finish(out)
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
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

// ---------------------------------------------------------------- gzip bomb

/// 3 events, then a line of 80 MiB of NULs (80 gzip members of 1 MiB, about 1 KB each), then
/// one more event: about 1000:1.
fn bomb() -> &'static [u8] {
    static BOMB: OnceLock<Vec<u8>> = OnceLock::new();
    BOMB.get_or_init(|| {
        let mut b = gz(events(0..3).as_bytes());
        let zeros = gz(&vec![0u8; 1 << 20]);
        for _ in 0..80 {
            b.extend_from_slice(&zeros);
        }
        b.extend_from_slice(&gz(format!("\n{}\n", event(3)).as_bytes()));
        b
    })
}

#[test]
fn a_gzip_bomb_stops_with_an_error_naming_the_file() {
    let dir = tmp();
    let f = put(dir.path(), "audit.log.1.gz", bomb());
    let r = go(&["summary", "-o", "json", &f]).expect_code(2);
    let d = doc(&r);
    adds_up(&d);
    // the lines before the bomb count; nothing after it is read
    assert_eq!((n(&d, "lines"), n(&d, "events")), (3, 3));
    let want = format!("kaudit: error: {f}: gzip data expands more than 100x (");
    assert!(r.stderr.starts_with(&want), "{}", r.stderr);
    assert!(
        r.stderr.contains("a gzip bomb? decompression stopped (--max-gzip-ratio N raises the limit, 0 removes it); lines after 3 not read"),
        "{}",
        r.stderr
    );
    assert!(
        d["files"][0]["error"]
            .as_str()
            .unwrap()
            .contains("gzip bomb")
    );
    // on stdin too
    let r = run_stdin(&["summary", "-o", "json"], bomb().to_vec()).expect_code(2);
    assert!(
        r.stderr
            .contains("kaudit: error: <stdin>: gzip data expands more than 100x")
    );
    assert_eq!(n(&doc(&r), "events"), 3);
    // with the limit removed, everything is read: the NUL line is malformed, the event after
    // it counts
    let r = go(&["summary", "-o", "json", "--max-gzip-ratio", "0", &f]).expect_code(0);
    let d = doc(&r);
    adds_up(&d);
    assert_eq!(
        (n(&d, "lines"), n(&d, "events"), n(&d, "malformed")),
        (5, 4, 1)
    );
}

// ---------------------------------------------------------------- files that change

/// About 7 MB of events: the same line with its number changed (building each with serde_json
/// is slow in a debug build).
fn big_log() -> (Vec<u8>, u64) {
    let n = 12_000;
    let template = event(0);
    let id = "00000000-0000-4000-8000-000000000000";
    let mut out = Vec::with_capacity(template.len() * n as usize + n as usize);
    for i in 0..n {
        out.extend_from_slice(
            template
                .replace(id, &format!("00000000-0000-4000-8000-{i:012}"))
                .as_bytes(),
        );
        out.push(b'\n');
    }
    (out, n)
}

/// copytruncate truncates the live file after copying it, possibly while kaudit reads it. A
/// mapped read past the new end raises SIGBUS; kaudit must report the cut (exit 2, counts of
/// what was read before it), never die of the signal. Truncation lands at different points of
/// the read (fractions of a measured full read), to the empty file and to half, with the writer
/// appending after the cut, mapped and with --no-mmap.
#[test]
fn a_file_truncated_while_mapped_is_reported_not_a_sigbus() {
    let dir = tmp();
    let (data, total) = &big_log();
    let f = dir.path().join("audit.log");
    let path = f.to_str().unwrap();
    fs::write(&f, data).unwrap();
    let t0 = Instant::now();
    // small chunks: several batches, so the cut can land before, in and between them
    let full = go(&["summary", "-o", "json", "--chunk-size", "100000", path]).expect_code(0);
    let full_time = t0.elapsed();
    assert_eq!(n(&doc(&full), "lines"), *total);

    let mut cut_seen = 0;
    // clean reads of the first N lines, by N
    let mut clean = std::collections::HashMap::new();
    let rounds: &[(u32, u64, bool, bool)] = &[
        // (fraction of a full read in %, size to cut to, append after the cut, --no-mmap)
        (20, 0, false, false),
        (40, 0, true, false),
        (60, data.len() as u64 / 2, false, false),
        (30, 0, false, true),
        (80, 0, false, false),
        (10, 0, false, false),
        (50, 0, true, false),
    ];
    for &(pct, cut_to, append, no_mmap) in rounds {
        fs::write(&f, data).unwrap();
        let mut args = vec!["summary", "-o", "json", "--chunk-size", "100000", path];
        if no_mmap {
            args.push("--no-mmap");
        }
        let child = kaudit_std(&args).spawn().unwrap();
        std::thread::sleep(full_time * pct / 100);
        let w = OpenOptions::new().write(true).open(&f).unwrap();
        w.set_len(cut_to).unwrap();
        if append {
            let mut a = OpenOptions::new().append(true).open(&f).unwrap();
            a.write_all(events(1_000_000..1_000_010).as_bytes())
                .unwrap();
        }
        let r = wait_output(child, Duration::from_secs(60));
        let d = doc(&r);
        adds_up(&d);
        match r.code {
            // read whole before the cut, or opened after it (then the file is what is left)
            0 | 1 => assert!(!r.stderr.contains("error"), "round {pct}%: {}", r.stderr),
            2 => {
                cut_seen += 1;
                let want = format!("kaudit: error: {path}: shrank from {} to ", data.len());
                assert!(r.stderr.starts_with(&want), "{}", r.stderr);
                let tail = format!(
                    " bytes while being read (copytruncate rotation?); lines after {} not read\n",
                    n(&d, "lines")
                );
                assert!(r.stderr.ends_with(&tail), "{}", r.stderr);
                assert!(d["files"][0]["error"].as_str().unwrap().contains("shrank"));
                assert!(n(&d, "lines") < *total);
                // what was read before the cut is what a clean read of those lines gives:
                // nothing read after the cut (zeros, new lines) went into any request
                let c = clean.entry(n(&d, "lines")).or_insert_with(|| {
                    let kept = data
                        .split_inclusive(|&b| b == b'\n')
                        .take(n(&d, "lines") as usize)
                        .flatten()
                        .copied()
                        .collect::<Vec<u8>>();
                    let p = dir.path().join("clean.log");
                    fs::write(&p, kept).unwrap();
                    doc(&go(&["summary", "-o", "json", p.to_str().unwrap()]))
                });
                for key in [
                    "events",
                    "requests",
                    "incomplete",
                    "lateEvents",
                    "topUsers",
                    "codes",
                ] {
                    assert_eq!(
                        d[key],
                        c[key],
                        "{key} after a cut at line {}",
                        n(&d, "lines")
                    );
                }
            }
            c => panic!("exit {c}: {}", r.stderr),
        }
    }
    assert!(
        cut_seen > 0,
        "no round truncated the file during the read (full read: {full_time:?})"
    );
}
