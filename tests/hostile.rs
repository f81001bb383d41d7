//! Hostile input ("survive any input"): each case ends with a clear message, counts that add up
//! (`lines = events + skipped + malformed`, for the whole scan and per file) and the documented
//! exit code; never a panic, a hang or death by a signal. Terminal output of hostile strings is
//! checked here too, and so are secrets and credentials in bodies: none reaches any output
//! without --show-secrets.
//!
//! Inputs are built by the tests in temporary folders (the big ones in memory once per run),
//! never committed; the expected counts follow from how each input is built.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::process::Child;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
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

/// No byte that a terminal would obey.
#[track_caller]
fn harmless(what: &str, text: &str) {
    for bad in ["\x1b", "\x07", "\r", "\u{202e}", "\u{9b}"] {
        assert!(
            !text.contains(bad),
            "{what}: {bad:?} reached the output:\n{text}"
        );
    }
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

// ---------------------------------------------------------------- small files

#[test]
fn empty_file_matches_nothing_quietly() {
    let dir = tmp();
    let f = put(dir.path(), "audit.log", b"");
    let r = go(&["summary", "-o", "json", &f]).expect_code(1);
    assert_eq!(r.stderr, "");
    let d = doc(&r);
    adds_up(&d);
    assert_eq!(n(&d, "lines"), 0);
    assert_eq!(d["files"][0]["error"], Value::Null);
    let r = go(&["events", &f]).expect_code(1);
    assert!(r.stdout.is_empty() && r.stderr.is_empty(), "{r:?}");
}

#[test]
fn a_file_of_nul_bytes_is_one_malformed_line() {
    let dir = tmp();
    let f = put(dir.path(), "nul.log", vec![0u8; 1 << 20]);
    let r = go(&["summary", "-o", "json", &f]).expect_code(1);
    assert!(
        r.stderr
            .starts_with(&format!("kaudit: warning: {f}:1: malformed line: ")),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    harmless("stderr", &r.stderr);
    let d = doc(&r);
    adds_up(&d);
    assert_eq!((n(&d, "lines"), n(&d, "malformed")), (1, 1));
    assert_eq!(d["files"][0]["bytes"], 1 << 20);
    go(&["summary", "--strict", &f]).expect_code(2);
}

#[test]
fn binary_garbage_is_malformed_lines_not_a_crash() {
    let dir = tmp();
    // xorshift: the same 2 MiB every run, with newlines, NULs, ESC and invalid UTF-8 in it
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let data: Vec<u8> = (0..2 << 20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    let newlines = data.iter().filter(|&&b| b == b'\n').count() as u64;
    let lines = newlines + u64::from(data.last() != Some(&b'\n'));
    let f = put(dir.path(), "garbage.log", &data);
    let r = go(&["summary", "-o", "json", &f]).expect_code(1);
    let d = doc(&r);
    adds_up(&d);
    assert_eq!(n(&d, "lines"), lines);
    assert_eq!(n(&d, "events"), 0);
    assert!(n(&d, "malformed") > lines / 2, "{d}");
    // five in full, then a count
    assert_eq!(
        r.stderr.matches(": malformed line: ").count(),
        5,
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!(
            "more malformed lines not shown ({} malformed in all)",
            n(&d, "malformed")
        )),
        "{}",
        r.stderr
    );
    harmless("stderr", &r.stderr);
    // the same from stdin
    let r = run_stdin(&["summary", "-o", "json"], data).expect_code(1);
    assert_eq!(n(&doc(&r), "lines"), lines);
}

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

#[test]
fn deep_nesting_is_skipped_or_reported_never_a_stack_overflow() {
    let dir = tmp();
    let depth = 100_000;
    let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let objects = format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth));
    let text = [
        // bodies are skipped, not built: these are events
        event_plus(1, &format!(r#""requestObject":{arrays}"#)),
        event_plus(2, &format!(r#""responseObject":{objects}"#)),
        // where kaudit reads a string: malformed
        format!(r#"{{"auditID":{arrays},"stage":"ResponseComplete"}}"#),
        format!(r#"{{"auditID":"x","stage":"ResponseComplete","verb":{objects}}}"#),
    ]
    .join("\n")
        + "\n";
    let f = put(dir.path(), "deep.log", &text);
    let r = go(&["summary", "-o", "json", &f]).expect_code(0);
    let d = doc(&r);
    adds_up(&d);
    assert_eq!(
        (n(&d, "lines"), n(&d, "events"), n(&d, "malformed")),
        (4, 2, 2)
    );
    assert_eq!(r.stderr.matches(": malformed line: ").count(), 2);

    // `history` parses bodies: too deep is a note on the row, not a crash
    let update = |i: u64, body: &str| {
        let e = event_with(i, |v| {
            v["verb"] = json!("update");
            v["level"] = json!("RequestResponse");
        });
        format!("{},\"requestObject\":{body}}}", &e[..e.len() - 1])
    };
    let deep_body = format!(
        r#"{{"kind":"ConfigMap","apiVersion":"v1","metadata":{{"name":"app","namespace":"build"}},"data":{objects}}}"#
    );
    let f = put(dir.path(), "deep-history.log", update(3, &deep_body) + "\n");
    let r = go(&["history", "-n", "build", "cm/app", &f]).expect_code(0);
    assert!(
        r.stdout_str().contains("too deeply nested"),
        "{}",
        r.stdout_str()
    );
}

#[test]
fn a_million_tiny_lines_are_all_counted() {
    let dir = tmp();
    let (mut text, mut blank, mut malformed, mut evs) = (String::new(), 0u64, 0u64, 0u64);
    for i in 0..1_000_000u64 {
        if i % 1000 == 0 {
            text.push_str(&event(i));
            evs += 1;
        } else {
            match i % 3 {
                0 => blank += 1,
                1 => {
                    text.push_str("{}");
                    malformed += 1;
                }
                _ => {
                    text.push('1');
                    malformed += 1;
                }
            }
        }
        text.push('\n');
    }
    let f = put(dir.path(), "tiny.log", &text);
    let r = go(&["summary", "-o", "json", &f]).expect_code(0);
    let d = doc(&r);
    adds_up(&d);
    assert_eq!(n(&d, "lines"), 1_000_000);
    assert_eq!(n(&d, "events"), evs);
    assert_eq!(n(&d, "requests"), evs);
    assert_eq!(n(&d, "skippedBlank"), blank);
    assert_eq!(n(&d, "malformed"), malformed);
    assert_eq!(r.stderr.matches(": malformed line: ").count(), 5);
    assert!(
        r.stderr.ends_with(&format!(
            "kaudit: warning: {} more malformed lines not shown ({malformed} malformed in all)\n",
            malformed - 5
        )),
        "{}",
        r.stderr
    );
}

#[test]
fn invalid_utf8_inside_strings_is_malformed_and_the_rest_is_read() {
    let dir = tmp();
    let bad = event(2).replace("kubectl/v1.30.0", "kubectl/\u{1}");
    let at = bad.find('\u{1}').unwrap();
    let mut bad = bad.into_bytes();
    bad[at] = 0xff; // a byte that is never UTF-8, inside the userAgent string
    let mut text = (event(1) + "\n").into_bytes();
    text.extend_from_slice(&bad);
    text.push(b'\n');
    // a lone surrogate written as a JSON escape is not text either
    text.extend_from_slice(
        event(3)
            .replace("kubectl/v1.30.0", r"kubectl\ud800")
            .as_bytes(),
    );
    text.push(b'\n');
    text.extend_from_slice((event(4) + "\n").as_bytes());
    let f = put(dir.path(), "utf8.log", &text);
    let r = go(&["summary", "-o", "json", &f]).expect_code(0);
    let d = doc(&r);
    adds_up(&d);
    assert_eq!(
        (n(&d, "lines"), n(&d, "events"), n(&d, "malformed")),
        (4, 2, 2)
    );
    assert!(
        r.stderr.contains(&format!(
            "{f}:2: malformed line: invalid UTF-8 at byte {}",
            at + 1
        )),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains(&format!("{f}:3: malformed line: ")));
}

/// A field kaudit reads that appears twice makes the line malformed: neither value wins
/// silently. Unknown fields may repeat (they are not read).
#[test]
fn duplicate_keys_make_a_line_malformed_unless_kaudit_ignores_the_key() {
    let dir = tmp();
    let text = [
        event_plus(1, r#""verb":"delete""#),
        event_plus(2, r#""x-unknown":1,"x-unknown":2"#),
        event(3).replace(
            r#""username":"alice""#,
            r#""username":"alice","username":"root""#,
        ),
    ]
    .join("\n")
        + "\n";
    let f = put(dir.path(), "dup.log", &text);
    let r = go(&["summary", "-o", "json", &f]).expect_code(0);
    let d = doc(&r);
    adds_up(&d);
    assert_eq!((n(&d, "events"), n(&d, "malformed")), (1, 2));
    assert!(
        r.stderr.contains(&format!(
            "{f}:1: malformed line: not an audit Event: duplicate field `verb`"
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("duplicate field `username`"),
        "{}",
        r.stderr
    );
    let r = go(&["events", "-o", "ndjson", &f]).expect_code(0);
    let rows = crate::util::ndjson(&r.stdout);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0]["verb"].as_str(), rows[0]["user"].as_str()),
        (Some("get"), Some("alice"))
    );
}

#[test]
fn numbers_where_strings_belong_are_malformed() {
    let dir = tmp();
    let text = [
        event(1).replace(r#""verb":"get""#, r#""verb":42"#),
        event(2).replace(
            r#""auditID":"00000000-0000-4000-8000-000000000002""#,
            r#""auditID":12345"#,
        ),
        event(3).replace(r#""userAgent":"kubectl/v1.30.0""#, r#""userAgent":3.5"#),
        // and a string where a number belongs
        event(4).replace(r#""code":200"#, r#""code":"200""#),
        event(5),
    ]
    .join("\n")
        + "\n";
    let f = put(dir.path(), "types.log", &text);
    let r = go(&["summary", "-o", "json", &f]).expect_code(0);
    let d = doc(&r);
    adds_up(&d);
    assert_eq!((n(&d, "events"), n(&d, "malformed")), (1, 4));
    for (line, what) in [
        (1, "integer `42`"),
        (2, "integer `12345`"),
        (3, "floating point `3.5`"),
        (4, "string \"200\""),
    ] {
        assert!(
            r.stderr.contains(&format!(
                "{f}:{line}: malformed line: not an audit Event: invalid type: {what}"
            )),
            "line {line}: {}",
            r.stderr
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

#[test]
fn a_file_truncated_mid_line_skips_its_unfinished_last_line() {
    let dir = tmp();
    let third = event(2);
    let text = events(0..2) + &third[..third.len() / 2];
    let f = put(dir.path(), "cut.log", &text);
    for r in [
        go(&["summary", "-o", "json", &f]),
        go(&["summary", "-o", "json", "--no-mmap", &f]),
    ] {
        let r = r.expect_code(0);
        assert_eq!(
            r.stderr,
            format!(
                "kaudit: note: {f}:3: skipped unfinished last line (file still being written)\n"
            )
        );
        let d = doc(&r);
        adds_up(&d);
        assert_eq!((n(&d, "events"), n(&d, "skippedUnterminated")), (2, 1));
    }
}

/// A writer appends lines (each in two writes) while kaudit reads: the lines present when
/// read are used, and a half-written last line is the documented skip, never malformed.
#[test]
fn a_file_being_appended_to_is_read_up_to_what_is_there() {
    let dir = tmp();
    let base = 8000;
    let f = put(dir.path(), "audit.log", events(0..base));
    let stop = AtomicBool::new(false);
    /// Stops the writer however the rounds end (a failed assertion included).
    struct Stop<'a>(&'a AtomicBool);
    impl Drop for Stop<'_> {
        fn drop(&mut self) {
            self.0.store(true, Ordering::Relaxed);
        }
    }
    std::thread::scope(|s| {
        s.spawn(|| {
            let mut w = OpenOptions::new().append(true).open(&f).unwrap();
            let mut i = base;
            while !stop.load(Ordering::Relaxed) {
                let line = event(i) + "\n";
                let (a, b) = line.as_bytes().split_at(line.len() / 2);
                w.write_all(a).unwrap();
                std::thread::sleep(Duration::from_micros(300));
                w.write_all(b).unwrap();
                i += 1;
            }
        });
        let _stop = Stop(&stop);
        for round in 0..6 {
            let mut args = vec!["summary", "-o", "json", &f];
            if round % 2 == 1 {
                args.push("--no-mmap");
            }
            let r = go(&args).expect_code(0);
            let d = doc(&r);
            adds_up(&d);
            assert_eq!(n(&d, "malformed"), 0, "{}", r.stderr);
            assert!(n(&d, "events") >= base);
            match n(&d, "skippedUnterminated") {
                0 => assert_eq!(r.stderr, ""),
                1 => assert!(
                    r.stderr
                        .ends_with(": skipped unfinished last line (file still being written)\n"),
                    "{}",
                    r.stderr
                ),
                k => panic!("{k} unfinished lines"),
            }
        }
    });
}

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

// ---------------------------------------------------------------- special files

/// Open a FIFO for writing once a reader has it open (kaudit may fail before it does: then
/// this fails instead of blocking forever).
#[cfg(unix)]
fn fifo_writer(path: &Path) -> File {
    use std::os::unix::fs::OpenOptionsExt;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)
        {
            Ok(f) => {
                // back to blocking writes
                use std::os::fd::AsRawFd;
                // SAFETY: fcntl on a descriptor we own.
                unsafe {
                    let fl = libc::fcntl(f.as_raw_fd(), libc::F_GETFL);
                    libc::fcntl(f.as_raw_fd(), libc::F_SETFL, fl & !libc::O_NONBLOCK);
                }
                return f;
            }
            Err(e) if e.raw_os_error() == Some(libc::ENXIO) && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => panic!("no reader opened the FIFO: {e}"),
        }
    }
}

/// A FIFO given as a path is read as a stream (plain or gzip, even when the first byte comes
/// alone), and kaudit ends when the writer closes it. Regression: kaudit opened every file twice
/// (once to look for the gzip magic), so a FIFO lost its first two bytes, and the second open
/// blocked forever when the writer had already gone.
#[cfg(unix)]
#[test]
fn a_fifo_is_opened_once_so_no_byte_is_lost_and_it_ends_with_its_writer() {
    let dir = tmp();
    let fifo = dir.path().join("audit.log");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid C string.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let plain = events(0..100).into_bytes();
    for data in [plain.clone(), gz(&plain)] {
        let child = kaudit_std(&["summary", "-o", "json", fifo.to_str().unwrap()])
            .spawn()
            .unwrap();
        let mut w = fifo_writer(&fifo);
        w.write_all(&data[..1]).unwrap();
        w.flush().unwrap();
        std::thread::sleep(Duration::from_millis(50));
        w.write_all(&data[1..]).unwrap();
        drop(w);
        let r = wait_output(child, Duration::from_secs(30)).expect_code(0);
        assert_eq!(r.stderr, "");
        let d = doc(&r);
        adds_up(&d);
        assert_eq!((n(&d, "lines"), n(&d, "events")), (100, 100));
        // a FIFO has no size: the bytes read are reported
        assert_eq!(d["files"][0]["bytes"], plain.len() as u64);
    }
}

/// /proc files say size 0 but have content: they are read, not taken for empty. kaudit reads
/// its own environment, which the test sets to hold an event. Regression: `bytes` said 0.
#[cfg(target_os = "linux")]
#[test]
fn a_proc_file_is_read_despite_its_zero_size() {
    let ev = event(1);
    let r = finish(
        kaudit()
            .env("K", format!("\n{ev}\n"))
            .args(["summary", "-o", "json", "/proc/self/environ"])
            .output()
            .unwrap(),
    )
    .expect_code(0);
    let d = doc(&r);
    adds_up(&d);
    // `K=`, the event, and the final NUL
    assert_eq!(
        (n(&d, "lines"), n(&d, "events"), n(&d, "malformed")),
        (3, 1, 2)
    );
    assert_eq!(d["files"][0]["bytes"], (2 + 1 + ev.len() + 1 + 1) as u64);
}

/// Each file of a folder that cannot be read is reported; the others are read; exit 2.
/// Regression: dangling and looping symlinks named like logs were left out silently.
#[cfg(unix)]
#[test]
#[allow(clippy::print_stderr)]
fn a_folder_with_unreadable_files_reports_each_and_reads_the_rest() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let dir = tmp();
    let d = dir.path();
    put(d, "audit.log", events(0..2));
    let locked = put(d, "audit.log.1", events(10..13));
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    // unreadable even for root: reading /proc/self/mem at offset 0 fails with EIO
    #[cfg(target_os = "linux")]
    symlink("/proc/self/mem", d.join("audit.log.2")).unwrap();
    symlink("audit.log.3", d.join("audit.log.3")).unwrap(); // a loop
    symlink("gone.log.9", d.join("audit.log.4")).unwrap(); // dangling
    let name = |f: &str| format!("{}/{f}", d.display());
    let r = go(&["summary", "-o", "json", d.to_str().unwrap()]).expect_code(2);
    let doc = doc(&r);
    adds_up(&doc);
    assert!(
        r.stderr.contains(&format!(
            "kaudit: error: {}: Too many levels of symbolic links",
            name("audit.log.3")
        )),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains(&format!(
        "kaudit: error: {}: No such file or directory",
        name("audit.log.4")
    )));
    #[cfg(target_os = "linux")]
    assert!(r.stderr.contains(&format!(
        "kaudit: error: {}: Input/output error",
        name("audit.log.2")
    )));
    let errors: Vec<&str> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["error"].as_str())
        .collect();
    let privileged = File::open(&locked).is_ok();
    if privileged {
        eprintln!(
            "note: running with privileges that ignore mode 000 (root?): not checking that \
             an unreadable file is reported; the /proc/self/mem and symlink cases are"
        );
        assert_eq!(n(&doc, "events"), 5);
    } else {
        assert!(r.stderr.contains(&format!(
            "kaudit: error: {}: Permission denied",
            name("audit.log.1")
        )));
        assert_eq!(n(&doc, "events"), 2);
    }
    let unreadable = if cfg!(target_os = "linux") { 3 } else { 2 } + usize::from(!privileged);
    assert_eq!(errors.len(), unreadable, "{errors:?}");
    assert_eq!(r.stderr.lines().count(), unreadable, "{}", r.stderr);
    // rows from the readable files are still printed
    let r = go(&["events", "-o", "ndjson", d.to_str().unwrap()]).expect_code(2);
    assert!(crate::util::ndjson(&r.stdout).len() >= 2);
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_not_followed_forever() {
    use std::os::unix::fs::symlink;
    let dir = tmp();
    let d = dir.path();
    // a path argument that is a loop: an error naming it, as for a missing file
    symlink("self.log", d.join("self.log")).unwrap();
    let p = d.join("self.log");
    let r = go(&["summary", p.to_str().unwrap()]).expect_code(2);
    assert_eq!(
        r.stderr,
        format!(
            "kaudit: error: {}: Too many levels of symbolic links (os error 40)\n",
            p.display()
        )
    );
    assert!(r.stdout.is_empty());
    // a loop of two inside a folder, and a folder link back to itself (not walked: not a file)
    let sub = d.join("logs");
    fs::create_dir(&sub).unwrap();
    put(&sub, "audit.log", events(0..3));
    symlink("b.log", sub.join("a.log")).unwrap();
    symlink("a.log", sub.join("b.log")).unwrap();
    symlink(".", sub.join("again.log")).unwrap();
    let r = go(&["summary", "-o", "json", sub.to_str().unwrap()]).expect_code(2);
    let doc = doc(&r);
    adds_up(&doc);
    assert_eq!(n(&doc, "events"), 3);
    for f in ["a.log", "b.log"] {
        assert!(
            r.stderr.contains(&format!(
                "{}: Too many levels of symbolic links",
                sub.join(f).display()
            )),
            "{}",
            r.stderr
        );
    }
    assert_eq!(r.stderr.lines().count(), 2, "{}", r.stderr);
}

#[test]
fn a_folder_without_logs_is_an_error() {
    let dir = tmp();
    put(dir.path(), "README.md", "not a log");
    fs::create_dir(dir.path().join("sub.log")).unwrap();
    let r = go(&["summary", dir.path().to_str().unwrap()]).expect_code(2);
    assert_eq!(
        r.stderr,
        format!(
            "kaudit: error: {}: folder has no audit logs (looked for *.log, *.log.gz, *.log.N, *.log.N.gz)\n",
            dir.path().display()
        )
    );
    assert!(r.stdout.is_empty());
}

// ---------------------------------------------------------------- terminal safety

const EVIL: &str = "\u{1b}]0;pwned\u{7}\u{1b}[2J\r\u{202e}exe.txt";
const SHOWN: &str = "\\e]0;pwned\\x07\\e[2J\\r\\u{202e}exe.txt";

/// A create, a failed update (422) and an update of configmap build/app by a user whose name,
/// user agent, URI, status message and body carry escapes; and a get of an object whose name
/// carries them.
fn evil_log() -> String {
    let at = |v: &mut Value, sec: u64| {
        let t = format!("2026-11-21T15:00:{sec:02}.000000Z");
        v["requestReceivedTimestamp"] = json!(t);
        v["stageTimestamp"] = json!(t);
    };
    let body = |data: Value| {
        json!({"kind": "ConfigMap", "apiVersion": "v1",
               "metadata": {"name": "app", "namespace": "build"}, "data": data})
    };
    let common = |v: &mut Value| {
        v["level"] = json!("RequestResponse");
        v["user"]["username"] = json!(format!("mallory{EVIL}"));
        v["userAgent"] = json!(format!("kubectl/v1.30{EVIL}"));
    };
    [
        event_with(1, |v| {
            common(v);
            at(v, 1);
            v["verb"] = json!("create");
            v["requestURI"] = json!(format!("/api/v1/namespaces/build/configmaps?x={EVIL}"));
            v["requestObject"] = body(json!({"k": "v"}));
            v["responseObject"] = body(json!({"k": "v"}));
            v["responseStatus"] = json!({"metadata": {}, "code": 201});
        }),
        event_with(2, |v| {
            common(v);
            at(v, 2);
            v["verb"] = json!("update");
            v["requestObject"] = body(json!({format!("k{EVIL}"): format!("v{EVIL}")}));
            v["responseStatus"] = json!({"metadata": {}, "status": "Failure",
                "message": format!("denied{EVIL}"), "reason": format!("Invalid{EVIL}"), "code": 422});
        }),
        event_with(3, |v| {
            common(v);
            at(v, 3);
            v["verb"] = json!("update");
            v["requestObject"] = body(json!({format!("k{EVIL}"): format!("v{EVIL}")}));
            v["responseObject"] = body(json!({format!("k{EVIL}"): format!("v{EVIL}")}));
        }),
        event_with(4, |v| {
            common(v);
            at(v, 4);
            v["objectRef"]["name"] = json!(format!("app{EVIL}"));
            v["requestURI"] = json!(format!("/api/v1/namespaces/build/configmaps/app{EVIL}"));
        }),
    ]
    .join("\n")
        + "\n"
}

/// ANSI CSI and OSC sequences, carriage returns and bidi overrides in userAgent,
/// objectRef.name, requestURI, responseStatus and bodies are shown as visible escapes in every
/// table and text output, whatever the width; JSON keeps them exact.
#[test]
fn escape_sequences_in_fields_are_shown_not_obeyed() {
    let dir = tmp();
    let f = put(dir.path(), "evil.log", evil_log());
    let outputs: &[&[&str]] = &[
        &["events"],
        &["events", "-o", "wide"],
        &["timeline"],
        &["timeline", "-o", "wide"],
        &["history", "-n", "build", "cm/app"],
        &["history", "-n", "build", "-o", "wide", "cm/app"],
        &["who"],
        &["summary"],
    ];
    for args in outputs {
        for columns in ["100", "400"] {
            let mut cmd = kaudit();
            cmd.env("COLUMNS", columns).args(*args).arg(&f);
            let r = finish(cmd.output().unwrap()).expect_code(0);
            let what = format!("{args:?} at {columns} columns");
            harmless(&what, r.stdout_str());
            harmless(&what, &r.stderr);
            assert!(
                r.stdout_str().contains("\\e]0;pwned\\x07"),
                "{what}: the escapes are shown:\n{}",
                r.stdout_str()
            );
        }
    }
    // each field shows up, escaped, somewhere
    let wide = go(&["events", "-o", "wide", &f]);
    let text = wide.stdout_str();
    for field in [
        format!("mallory{SHOWN}"),
        format!("kubectl/v1.30{SHOWN}"),
        format!("build/app{SHOWN}"),
        format!("/api/v1/namespaces/build/configmaps/app{SHOWN}"),
    ] {
        assert!(text.contains(&field), "{field} in\n{text}");
    }
    let history = go(&["history", "-n", "build", "cm/app", &f]);
    assert!(
        history
            .stdout_str()
            .contains(&format!("not applied: 422 Invalid{SHOWN}")),
        "{}",
        history.stdout_str()
    );
    // machines get the exact bytes
    let r = go(&["events", "-o", "ndjson", &f]).expect_code(0);
    let rows = crate::util::ndjson(&r.stdout);
    assert_eq!(rows[0]["user"], format!("mallory{EVIL}"));
}

/// Malformed lines carrying escapes (raw, and as JSON escapes that end up in a reason), in a
/// file whose name carries them too: stderr and the summary table show them escaped.
#[cfg(unix)]
#[test]
fn malformed_lines_with_escapes_are_reported_harmlessly() {
    let dir = tmp();
    let mut text = Vec::new();
    text.extend_from_slice(format!("{EVIL} not json\n").as_bytes());
    text.extend_from_slice(br#"{"auditID":"a","stage":"\u001b]0;pwned\u0007\u001b[2J\r\u202e"}"#);
    text.push(b'\n');
    text.extend_from_slice(
        br#"{"kind":"\u001b]0;x\u0007\u202e","auditID":"a","stage":"ResponseComplete"}"#,
    );
    text.push(b'\n');
    text.extend_from_slice(b"{\"auditID\":\"\x1b[2J\r\",\"stage\":\"ResponseComplete\"}\n");
    let f = put(dir.path(), &format!("evil{EVIL}.log"), &text);
    let shown = format!("evil{SHOWN}.log");
    for args in [
        &["summary"][..],
        &["summary", "-o", "json"][..],
        &["events"][..],
    ] {
        let mut all = args.to_vec();
        all.push(&f);
        let r = go(&all);
        assert!(r.code == 1, "{args:?}: {}", r.stderr);
        harmless("stderr", &r.stderr);
        assert_eq!(
            r.stderr.matches(": malformed line: ").count(),
            4,
            "{}",
            r.stderr
        );
        assert!(
            r.stderr.contains(&format!("{shown}:1: malformed line: ")),
            "{}",
            r.stderr
        );
        if args == ["summary"] {
            harmless("summary table", r.stdout_str());
            assert!(r.stdout_str().contains(&format!("{shown}:2: malformed: ")));
        }
    }
}

// ---------------------------------------------------------------- secrets and credentials
//
// Issue 16, point 12: every place a secret can sit in a body, each holding its own marker
// (`Q01LEAKQ`, ...), and every command and format that prints anything: no marker may be
// printed without --show-secrets, and `events -o raw --show-secrets` prints them all.

/// The marker of carrier `n`.
fn leak(n: u32) -> String {
    format!("Q{n:02}LEAKQ")
}

/// How many markers [`secrets_log`] holds.
const LEAKS: u32 = 31;

/// One RequestResponse ResponseComplete event (second `n` of 15:00) of `verb` on
/// `resource` `build/name` (no namespace for cluster-scoped `tokenreviews`).
fn carrier(n: u64, verb: &str, resource: &str, name: &str, f: impl FnOnce(&mut Value)) -> String {
    event_with(n * 1_000_000, |v| {
        v["level"] = json!("RequestResponse");
        v["verb"] = json!(verb);
        let (resource, sub) = resource.split_once('/').unwrap_or((resource, ""));
        v["objectRef"]["resource"] = json!(resource);
        v["objectRef"]["name"] = json!(name);
        if !sub.is_empty() {
            v["objectRef"]["subresource"] = json!(sub);
        }
        if resource == "tokenreviews" {
            v["objectRef"] = json!({"resource": resource, "apiGroup": "authentication.k8s.io", "apiVersion": "v1"});
        }
        if resource == "deployments" {
            v["objectRef"]["apiGroup"] = json!("apps");
        }
        v["requestURI"] = json!(format!("/api/v1/namespaces/build/{resource}/{name}"));
        v["responseStatus"] =
            json!({"metadata": {}, "code": if verb == "create" { 201 } else { 200 }});
        f(v);
    })
}

fn secret(name: &str, data: Value) -> Value {
    json!({"kind": "Secret", "apiVersion": "v1", "metadata": {"name": name, "namespace": "build"},
           "data": data, "type": "Opaque"})
}

/// A log with a secret in each place one can be (see the comments), 31 markers in all.
fn secrets_log() -> String {
    let l = leak;
    let mut lines = vec![
        // 1-2: a Secret's data and stringData, in the request and the response
        carrier(1, "create", "secrets", "s1", |v| {
            let mut s = secret("s1", json!({"password": l(1)}));
            s["stringData"] = json!({"token": l(2)});
            v["requestObject"] = s.clone();
            v["responseObject"] = s;
        }),
        // 3: a SecretList's items (no kind of their own)
        carrier(2, "list", "secrets", "", |v| {
            v["responseObject"] = json!({"kind": "SecretList", "apiVersion": "v1", "metadata": {},
                "items": [{"metadata": {"name": "s1"}, "data": {"k": l(3)}}]});
        }),
        // 4: a TokenRequest's token
        carrier(3, "create", "serviceaccounts/token", "ci", |v| {
            v["requestObject"] = json!({"kind": "TokenRequest", "spec": {"audiences": ["api"]}});
            v["responseObject"] = json!({"kind": "TokenRequest", "spec": {"audiences": ["api"]},
                "status": {"token": l(4), "expirationTimestamp": "2026-11-21T16:00:00Z"}});
        }),
        // 5: a TokenReview's token
        carrier(4, "create", "tokenreviews", "", |v| {
            v["requestObject"] = json!({"kind": "TokenReview", "spec": {"token": l(5)}});
        }),
        // 6: a JSON patch of a Secret, and the Secret it made
        carrier(5, "patch", "secrets", "s1", |v| {
            v["requestObject"] = json!([{"op": "add", "path": "/data/x", "value": l(6)}]);
            v["responseObject"] = secret("s1", json!({"password": l(1), "x": l(6)}));
        }),
        // 7: a merge patch of a Secret
        carrier(6, "patch", "secrets", "s1", |v| {
            v["requestObject"] = json!({"stringData": {"y": l(7)}});
        }),
        // 8: `kubectl apply` of a Secret: its data again in the last-applied annotation
        carrier(7, "create", "secrets", "s2", |v| {
            let applied = secret("s2", json!({"p": l(8)})).to_string();
            let mut s = secret("s2", json!({"p": l(8)}));
            s["metadata"]["annotations"] =
                json!({"kubectl.kubernetes.io/last-applied-configuration": applied});
            v["requestObject"] = s.clone();
            v["responseObject"] = s;
        }),
        // 9: a body that is JSON text
        carrier(8, "create", "secrets", "s3", |v| {
            v["requestObject"] = json!(secret("s3", json!({"p": l(9)})).to_string());
        }),
        // 10: a data value of unexpected type
        carrier(9, "update", "secrets", "s1", |v| {
            v["requestObject"] = secret("s1", json!({"p": {"nested": l(10)}}));
        }),
        // 11: a Table whose rows carry the whole object (includeObject=Object)
        carrier(10, "list", "secrets", "", |v| {
            v["responseObject"] = json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1",
                "columnDefinitions": [{"name": "Name", "type": "string"}],
                "rows": [{"cells": ["s1"], "object": secret("s1", json!({"p": l(11)}))}]});
        }),
        // 12-19: credentials held in a ConfigMap
        carrier(11, "create", "configmaps", "cm1", |v| {
            let cm = json!({"kind": "ConfigMap", "apiVersion": "v1",
            "metadata": {"name": "cm1", "namespace": "build",
                         "annotations": {"note": format!("Bearer {}", l(15))}},
            "data": {
                "kubeconfig": format!("apiVersion: v1\nusers:\n- name: ci\n  user:\n    token: {}\n", l(12)),
                "app.properties": format!("db.user=app\ndb.password={}\n", l(13)),
                "DATABASE_URL": format!("postgres://app:{}@db:5432/x", l(14)),
                "tls.pem": format!("-----BEGIN EC PRIVATE KEY-----\n{}\n-----END EC PRIVATE KEY-----\n", l(16)),
                "credentials": format!("[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = {}\n", l(17)),
                "oauth.json": json!({"client_id": "web", "client_secret": l(18)}).to_string(),
                "jwt": format!("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjaSJ9.{}", l(19)),
            }});
            v["requestObject"] = cm.clone();
            v["responseObject"] = cm;
        }),
        // 20-24: a Deployment's container arguments and env, and its last-applied annotation
        carrier(12, "create", "deployments", "web", |v| {
            let container = json!({"name": "app", "image": "nginx",
                "args": [format!("--token={}", l(20)), "--password", l(21)],
                "env": [{"name": "DB_PASSWORD", "value": l(22)},
                        {"name": "API_URL", "value": format!("https://ci:{}@api.example.com", l(23))}]});
            let mut d = json!({"kind": "Deployment", "apiVersion": "apps/v1",
                "metadata": {"name": "web", "namespace": "build"},
                "spec": {"template": {"spec": {"containers": [container.clone()]}}}});
            let mut applied = d.clone();
            applied["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"] = json!(l(24));
            d["metadata"]["annotations"] =
                json!({"kubectl.kubernetes.io/last-applied-configuration": applied.to_string()});
            v["requestObject"] = d.clone();
            v["responseObject"] = d;
        }),
        // 27: an Event whose message has a password in it
        carrier(14, "create", "events", "web.1", |v| {
            v["requestObject"] = json!({"kind": "Event", "apiVersion": "v1",
                "metadata": {"name": "web.1", "namespace": "build"},
                "reason": "Failed", "message": format!("login failed with password={}", l(27))});
        }),
        // 28: the List of a ConfigMap list, holding cm1 again with another credential
        carrier(15, "list", "configmaps", "", |v| {
            v["responseObject"] = json!({"kind": "ConfigMapList", "apiVersion": "v1", "metadata": {},
                "items": [{"metadata": {"name": "cm1"}, "data": {"props": format!("api_key={}", l(28))}}]});
        }),
        // 31: a Secret kept as JSON text in another object's annotation
        carrier(18, "create", "configmaps", "cm2", |v| {
            v["requestObject"] = json!({"kind": "ConfigMap", "apiVersion": "v1",
                "metadata": {"name": "cm2", "namespace": "build", "annotations":
                    {"backup.example.com/object": secret("s1", json!({"p": l(31)})).to_string()}},
                "data": {"a": "b"}});
        }),
        // 29-30: a custom resource with credential-named fields
        carrier(16, "create", "widgets", "w1", |v| {
            v["objectRef"]["apiGroup"] = json!("example.com");
            v["requestObject"] = json!({"kind": "Widget", "apiVersion": "example.com/v1",
                "metadata": {"name": "w1"},
                "spec": {"apiToken": l(29), "credentials": {"username": "ci", "password": l(30)}}});
        }),
    ];
    // 25: a body key written with an escape (the same key to a JSON reader)
    lines.push(
        carrier(13, "create", "secrets", "s4", |_| {})
            .trim_end_matches('}')
            .to_string()
            + &format!(
                r#","request\u004fbject":{}}}"#,
                secret("s4", json!({"p": l(25)}))
            ),
    );
    // 26: a body nested deeper than any reader follows
    let deep = format!(
        "{}{{\"password\":\"{}\"}}{}",
        "[".repeat(300),
        l(26),
        "]".repeat(300)
    );
    lines.push(
        carrier(17, "create", "secrets", "s5", |_| {})
            .trim_end_matches('}')
            .to_string()
            + &format!(r#","requestObject":{deep}}}"#),
    );
    lines.join("\n") + "\n"
}

/// Every command and output format, on `f`.
fn every_output(f: &str) -> Vec<Vec<String>> {
    let mut runs: Vec<Vec<&str>> = Vec::new();
    for fmt in ["table", "wide", "json", "ndjson", "csv", "raw"] {
        runs.push(vec!["events", "-o", fmt]);
    }
    for fmt in ["table", "wide", "json", "csv"] {
        runs.push(vec!["events", "--stages", "-o", fmt]);
        runs.push(vec!["timeline", "-o", fmt]);
        runs.push(vec!["detect", "-o", fmt]);
        for object in [
            "secret/s1",
            "secret/s2",
            "secret/s3",
            "secret/s4",
            "secret/s5",
            "cm/cm1",
            "cm/cm2",
            "deploy/web",
            "serviceaccounts/ci",
            "events/web.1",
            "widgets.example.com/w1",
        ] {
            runs.push(vec!["history", "-o", fmt, "-n", "build", object]);
        }
    }
    runs.push(vec!["history", "tokenreviews/x"]);
    runs.push(vec!["history", "-o", "ndjson", "-n", "build", "secret/s1"]);
    runs.push(vec!["timeline", "-o", "ndjson"]);
    runs.push(vec!["detect", "-o", "ndjson"]);
    for cmd in ["summary", "who", "what", "where", "when", "latency"] {
        runs.push(vec![cmd]);
        runs.push(vec![cmd, "-o", "json"]);
    }
    runs.push(vec!["top", "--by", "user,resource,name"]);
    runs.into_iter()
        .map(|mut r| {
            r.push(f);
            r.into_iter().map(String::from).collect()
        })
        .collect()
}

#[test]
fn secrets_and_credentials_reach_no_output() {
    let dir = tmp();
    let f = put(dir.path(), "secrets.log", secrets_log());
    let markers: Vec<String> = (1..=LEAKS).map(leak).collect();
    for args in every_output(&f) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = go(&args);
        assert!(
            r.code == 0 || r.code == 1,
            "{args:?}: exit {}\n{}",
            r.code,
            r.stderr
        );
        for m in &markers {
            assert!(
                !r.stdout_str().contains(m.as_str()) && !r.stderr.contains(m.as_str()),
                "{args:?} printed {m}:\n{}{}",
                r.stdout_str(),
                r.stderr
            );
        }
    }
    // the raw lines are still JSON, and the markers were all there to be printed
    let raw = go(&["events", "-o", "raw", &f]).expect_code(0);
    for line in raw.stdout_str().lines() {
        serde_json::from_str::<Value>(line).unwrap_or_else(|e| panic!("{e}: {line}"));
    }
    let shown = go(&["events", "-o", "raw", "--show-secrets", &f]).expect_code(0);
    assert_eq!(shown.stdout, secrets_log().into_bytes(), "as read");
    let shown = shown.stdout_str();
    let hidden: Vec<&String> = markers
        .iter()
        .filter(|m| !shown.contains(m.as_str()))
        .collect();
    assert!(hidden.is_empty(), "--show-secrets hides {hidden:?}");
    // history prints these bodies (so it had them to hide); not lists, subresources, a body
    // that is a string, or one it cannot read
    let mut history = String::new();
    for object in [
        "secret/s1",
        "secret/s2",
        "cm/cm1",
        "cm/cm2",
        "deploy/web",
        "events/web.1",
        "widgets.example.com/w1",
    ] {
        let r = go(&[
            "history",
            "--show-secrets",
            "-o",
            "json",
            "-n",
            "build",
            object,
            &f,
        ]);
        history += r.expect_code(0).stdout_str();
    }
    let printed: Vec<u32> = (1..=LEAKS)
        .filter(|n| history.contains(&leak(*n)))
        .collect();
    assert_eq!(
        printed,
        [
            1, 2, 6, 7, 8, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 27, 29, 30, 31
        ]
    );
    // what stays: the keys and the story around each value
    let text = raw.stdout_str();
    for kept in [
        "\"password\":\"<redacted 8 bytes>\"",
        "db.password=<redacted 8 bytes>",
        "postgres://app:<redacted 8 bytes>@db:5432/x",
        "Bearer <redacted 8 bytes>",
        "--token=<redacted 8 bytes>",
        "\"--password\",\"<redacted 8 bytes>\"",
        "-----BEGIN EC PRIVATE KEY-----<redacted 10 bytes>-----END EC PRIVATE KEY-----",
        "\"requestObject\":\"<redacted 623 bytes>\"",
        "login failed with password=<redacted 8 bytes>",
    ] {
        assert!(text.contains(kept), "{kept} in\n{text}");
    }
}

/// A rule of one's own that learns a body value (a baseline on `request.data.url`, or on an
/// annotation) shows it in its finding: redacted, unless --show-secrets.
#[test]
fn a_baseline_on_a_body_value_shows_it_redacted() {
    let dir = tmp();
    let rules = put(
        dir.path(),
        "rules.yaml",
        "rules:
- id: X001
  name: New database URL
  severity: medium
  description: A user wrote a database URL it had not written before.
  false_positives: Migrations.
  match: {resource: configmaps, verb: create}
  baseline: {by: [user], field: request.data.url, after: 30m, min_requests: 50, max_new: 3}
- id: X002
  name: New note
  severity: medium
  description: A user wrote a note it had not written before.
  false_positives: Notes change.
  match: {resource: configmaps, verb: create}
  baseline: {by: [user], field: request.metadata.annotations.note, after: 30m, min_requests: 50, max_new: 3}
",
    );
    let cm = |i: u64, pass: &str| {
        event_with(i, |v| {
            v["level"] = json!("Request");
            v["verb"] = json!("create");
            v["responseStatus"] = json!({"metadata": {}, "code": 201});
            v["requestObject"] = json!({"kind": "ConfigMap", "metadata": {"name": "app",
                "annotations": {"note": format!("Bearer {pass}")}},
                "data": {"url": format!("postgres://app:{pass}@db/x")}});
        })
    };
    // 60 creates in the first minute with one password, then one 40 minutes later with another
    let mut log: String = (0..60)
        .map(|i| cm(i * 1_000_000, "OLDPASS11") + "\n")
        .collect();
    log += &(cm(2400 * 1_000_000, "NEWPASS22") + "\n");
    let f = put(dir.path(), "baseline.log", log);
    let args = [
        "detect",
        "--no-builtin",
        "--rules-file",
        &rules,
        "-o",
        "json",
        &f,
    ];
    let r = go(&args).expect_code(0);
    let out = r.stdout_str();
    let d: Value = serde_json::from_str(out).unwrap();
    let details: Vec<&str> = d["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["detail"].as_str().unwrap())
        .collect();
    assert_eq!(details.len(), 2, "{out}");
    for pass in ["OLDPASS11", "NEWPASS22"] {
        assert!(!out.contains(pass), "{pass} in {out}");
    }
    // under `data` (a Secret's, for all the finding knows): hidden whole; elsewhere, the
    // credential-shaped part only
    assert!(
        details
            .iter()
            .any(|d| d.starts_with("new body value <redacted 29 bytes>, ")),
        "{details:?}"
    );
    assert!(
        details
            .iter()
            .any(|d| d.starts_with("new body value Bearer <redacted 9 bytes>, ")),
        "{details:?}"
    );
    let mut shown = args.to_vec();
    shown.insert(1, "--show-secrets");
    let r = go(&shown).expect_code(0);
    for pass in ["OLDPASS11", "NEWPASS22"] {
        assert!(r.stdout_str().contains(pass), "--show-secrets hides {pass}");
    }
}
