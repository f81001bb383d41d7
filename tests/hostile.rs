//! Hostile input ("survive any input"): each case ends with a clear message, counts that add up
//! (`lines = events + skipped + malformed`, for the whole scan and per file) and the documented
//! exit code; never a panic, a hang or death by a signal. Terminal output of hostile strings is
//! checked here too, and two classes of their own: rule state bounded by what it reports (no
//! detect rule keeps more than its findings show, and each says what it left out), and the same
//! answer for any thread count, chunk size and input path.
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

// ---------------------------------------------------------------- rule state bounded by what it reports

/// A `ResponseComplete` (and, with `received`, a `RequestReceived` before it) of one request,
/// received at `t` µs after 2026-11-21T14:00:00Z.
#[allow(clippy::too_many_arguments)]
fn request_lines(
    id: &str,
    t: u64,
    user: &str,
    agent: &str,
    verb: &str,
    resource: &str,
    name: &str,
    body: Option<Value>,
) -> (String, String) {
    let ts = |t: u64| {
        let s = t / 1_000_000;
        format!(
            "2026-11-21T{:02}:{:02}:{:02}.{:06}Z",
            14 + s / 3600,
            (s / 60) % 60,
            s % 60,
            t % 1_000_000
        )
    };
    let mut v = json!({
        "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata",
        "auditID": id, "stage": "RequestReceived",
        "requestURI": format!("/api/v1/namespaces/default/{resource}/{name}"), "verb": verb,
        "user": {"username": user, "groups": ["system:authenticated"]},
        "sourceIPs": ["10.0.0.1"], "userAgent": agent,
        "objectRef": {"resource": resource, "namespace": "default", "name": name, "apiVersion": "v1"},
        "requestReceivedTimestamp": ts(t), "stageTimestamp": ts(t),
    });
    if resource.ends_with("rolebindings") {
        v["objectRef"]["apiGroup"] = json!("rbac.authorization.k8s.io");
    }
    let received = v.to_string();
    v["stage"] = json!("ResponseComplete");
    v["stageTimestamp"] = json!(ts(t + 1500));
    v["responseStatus"] = json!({"metadata": {}, "code": if verb == "create" { 201 } else { 200 }});
    if let Some(b) = body {
        v["level"] = json!("Request");
        v["requestObject"] = b;
    }
    (received, v.to_string())
}

/// `grants` RoleBindings to eve, `reads` reads of a secret by eve; `interleaved`: each grant
/// followed by one read, else the grants first. 100 ms apart: all within KA022's ten minutes.
fn grants_then_reads(grants: u64, reads: u64, interleaved: bool) -> String {
    let grant = |i: u64| {
        let body = json!({
            "kind": "RoleBinding",
            "metadata": {"name": format!("rb{i}"), "namespace": "default"},
            "roleRef": {"kind": "ClusterRole", "name": "view", "apiGroup": "rbac.authorization.k8s.io"},
            "subjects": [{"kind": "User", "name": "eve"}],
        });
        let t = i * 100_000;
        request_lines(
            &format!("g{i:05}"),
            t,
            "admin",
            "kubectl/v1.30.0",
            "create",
            "rolebindings",
            &format!("rb{i}"),
            Some(body),
        )
        .1 + "\n"
    };
    let read = |i: u64, t: u64| {
        request_lines(
            &format!("r{i:05}"),
            t,
            "eve",
            "kubectl/v1.30.0",
            "get",
            "secrets",
            &format!("s{i}"),
            None,
        )
        .1 + "\n"
    };
    let mut log = String::new();
    if interleaved {
        for i in 0..grants.max(reads) {
            if i < grants {
                log += &grant(i);
            }
            if i < reads {
                log += &read(i, i * 100_000 + 1);
            }
        }
    } else {
        (0..grants).for_each(|i| log += &grant(i));
        (0..reads).for_each(|i| log += &read(i, (grants + i) * 100_000));
    }
    log
}

fn findings_of<'a>(d: &'a Value, rule: &str) -> Vec<&'a Value> {
    d["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["rule"] == rule)
        .collect()
}

/// Issue 16, point 2: RoleBindings to eve, each followed by eve's reads. Every grant's KA022
/// finding holds all of eve's later reads: N grants and N reads were N findings of up to N
/// requests, all copied (7.9 GB at N = 10,000). Now a finding counts every request, lists the
/// first `--max-evidence` (default 1,000) and says how many it left out (in the JSON and the
/// table), and a threshold or sequence rule past `--max-rule-hits` says what it did not look
/// at (stderr and JSON notes).
#[test]
fn rule_state_bounded_by_what_it_reports_ka022_grants_then_reads() {
    let dir = tmp();
    // default settings: 3 grants, then 2,500 reads
    let f = put(dir.path(), "few.log", grants_then_reads(3, 2500, false));
    let r = go(&["detect", "-o", "json", &f]).expect_code(0);
    let d: Value = serde_json::from_slice(&r.stdout).unwrap();
    let seq = findings_of(&d, "KA022");
    assert_eq!(seq.len(), 3);
    for x in seq {
        let ids = x["auditIDs"].as_array().unwrap();
        assert_eq!(x["count"], 2500);
        assert_eq!(ids.len(), 1 + 1000, "the grant, then the first 1,000 reads");
        assert_eq!((&ids[1], &ids[1000]), (&json!("r00000"), &json!("r00999")));
        assert_eq!(x["auditIDsLeftOut"], 1500);
        assert_eq!(
            x["targets"].as_array().unwrap().len(),
            1000,
            "of the listed reads"
        );
    }
    // eve's 2,500 reads in four minutes: one burst, its count whole, its list cut
    let burst = findings_of(&d, "KA033");
    assert_eq!(burst.len(), 1);
    assert_eq!(
        (&burst[0]["count"], &burst[0]["auditIDsLeftOut"]),
        (&json!(2500), &json!(1500))
    );
    let r = go(&["detect", &f]).expect_code(0);
    assert!(
        r.stdout_str().contains("-o json lists the first 1,000 requests of each finding: 5 finding(s) left out 7,500 more"),
        "{}",
        r.stdout_str()
    );

    // the hostile shape: 3,000 grants, each followed by a read; what is kept and printed
    // grows with N x --max-evidence, not N x N
    let n = 3000u64;
    let f = put(dir.path(), "many.log", grants_then_reads(n, n, true));
    let r = go(&["detect", "-o", "json", "--max-evidence", "20", &f]).expect_code(0);
    let d: Value = serde_json::from_slice(&r.stdout).unwrap();
    let seq = findings_of(&d, "KA022");
    assert_eq!(seq.len() as u64, n, "one finding per grant");
    let mut listed = 0;
    for x in &seq {
        let i: u64 = x["auditIDs"][0].as_str().unwrap()[1..].parse().unwrap();
        let count = n - i; // every read from its own on
        let ids = x["auditIDs"].as_array().unwrap();
        assert_eq!(x["count"], count, "{}", x["auditIDs"][0]);
        assert_eq!(ids.len() as u64, 1 + count.min(20));
        assert_eq!(ids[1], format!("r{i:05}"), "the earliest reads are listed");
        assert_eq!(x["auditIDsLeftOut"], count - count.min(20));
        listed += ids.len() as u64;
    }
    assert_eq!(listed, n + (0..n).map(|i| (n - i).min(20)).sum::<u64>());

    // the rule bounds: each says what it left out
    let r = go(&[
        "detect",
        "--max-evidence",
        "5",
        "--max-rule-hits",
        "1000",
        &f,
    ])
    .expect_code(0);
    assert!(
        r.stdout_str()
            .contains("-o json lists the first 5 requests of each finding:"),
        "{}",
        r.stdout_str()
    );
    assert!(
        r.stderr.contains("KA033: windowed its first 1,000 matching requests (by time) and left out the other 2,000")
            && r.stderr.contains("KA022: joined its first 2,000 matching requests (by time) and left out the other 4,000"),
        "{}",
        r.stderr
    );
    let r = go(&[
        "detect",
        "-o",
        "json",
        "--max-evidence",
        "5",
        "--max-rule-hits",
        "1000",
        &f,
    ]);
    let d: Value = serde_json::from_slice(&r.stdout).unwrap();
    let notes = d["notes"].to_string();
    assert!(notes.contains("KA033: windowed its first 1,000"), "{notes}");
    for x in d["findings"].as_array().unwrap() {
        let ids = x["auditIDs"].as_array().unwrap().len() as u64;
        let head = u64::from(x["rule"] == "KA022");
        assert!(ids <= 5 + head, "{x}");
        assert_eq!(
            ids - head + x["auditIDsLeftOut"].as_u64().unwrap(),
            x["count"].as_u64().unwrap(),
            "{x}"
        );
    }
}

// ---------------------------------------------------------------- same answer for any thread count, chunk size and input path

/// A log whose answers used to depend on how it was read: a service account's new client
/// (KA052) touching 60 objects (its target list was cut to the first 20 that reached the
/// merge, in whatever order the chunks came), requests received in the same microsecond
/// (timeline kept them in the order they reached it), and stages of one request far apart
/// in the file (a request that crosses a chunk reaches the sink later).
fn shuffled_stages_log() -> String {
    let mut lines: Vec<(u64, String)> = Vec::new();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut rnd = |n: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % n
    };
    let users = [
        "alice",
        "bob",
        "carol",
        "eve",
        "system:serviceaccount:ci:bot",
    ];
    let verbs = ["get", "list", "delete", "patch"];
    let mut k = 0u64;
    let mut add = |lines: &mut Vec<(u64, String)>,
                   rr: String,
                   rc: String,
                   rnd: &mut dyn FnMut(u64) -> u64| {
        lines.push((k * 10, rr));
        lines.push((k * 10 + 1 + rnd(4000), rc));
        k += 1;
    };
    // the service account's usual client in its first half hour, then kubectl, late
    for i in 0..80u64 {
        let (a, b) = request_lines(
            &format!("bot-{i:03}"),
            i * 20_000_000,
            "system:serviceaccount:ci:bot",
            "controller/1.0",
            "get",
            "configmaps",
            "settings",
            None,
        );
        add(&mut lines, a, b, &mut rnd);
    }
    for i in 0..60u64 {
        let (a, b) = request_lines(
            &format!("new-{i:03}"),
            2_400_000_000 + i * 1_000_000,
            "system:serviceaccount:ci:bot",
            "kubectl/v1.30.0",
            "get",
            "secrets",
            &format!("cm-{:02}", 59 - i),
            None,
        );
        add(&mut lines, a, b, &mut rnd);
    }
    // grants to eve read from their bodies (KA022), each followed by reads
    for i in 0..20u64 {
        let body = json!({
            "kind": "RoleBinding",
            "roleRef": {"kind": "ClusterRole", "name": "view", "apiGroup": "rbac.authorization.k8s.io"},
            "subjects": [{"kind": "User", "name": "eve"}, {"kind": "User", "name": format!("u{}", rnd(3))}],
        });
        let (a, b) = request_lines(
            &format!("grant-{i:02}"),
            2_450_000_000 + i * 500_000,
            "admin",
            "kubectl/v1.30.0",
            "create",
            "rolebindings",
            &format!("rb{i}"),
            Some(body),
        );
        add(&mut lines, a, b, &mut rnd);
    }
    // 1,500 requests received in 5 distinct microseconds
    for i in 0..1500u64 {
        let t = 2_500_000_000 + (i % 5);
        let (a, b) = request_lines(
            &format!("tie-{:04}-{i}", rnd(10_000)),
            t,
            users[rnd(5) as usize],
            "kubectl/v1.30.0",
            verbs[rnd(4) as usize],
            "configmaps",
            &format!("obj{}", rnd(7)),
            None,
        );
        add(&mut lines, a, b, &mut rnd);
    }
    lines.sort_by_key(|(at, _)| *at);
    lines.into_iter().map(|(_, l)| l + "\n").collect()
}

/// Issue 16, point 6: detect, timeline, latency, history, who, top and when print the same
/// bytes whatever the thread count, the chunk size and the input path (file, stdin, gzip,
/// --no-mmap).
#[test]
fn same_answer_for_any_thread_count_chunk_size_and_input_path() {
    let log = shuffled_stages_log();
    let dir = tmp();
    let f = put(dir.path(), "shuffled.log", &log);
    let gzf = put(dir.path(), "shuffled.log.gz", gz(log.as_bytes()));
    for cmd in [
        &["detect", "-o", "json"][..],
        &["detect", "-o", "wide"][..],
        &["timeline", "-o", "json"][..],
        &["timeline", "--context", "1s", "-o", "json"][..],
        &["timeline", "--collapse", "none"][..],
        &["latency", "-o", "json"][..],
        &["history", "configmaps/obj3", "-n", "default", "-o", "json"][..],
        &["who", "-o", "json"][..],
        &["top", "--by", "verb", "-o", "json"][..],
        &["when", "-o", "json"][..],
    ] {
        let run = |extra: &[&str], path: &str| -> Vec<u8> {
            let mut args: Vec<&str> = cmd.to_vec();
            args.extend(extra);
            args.push(path);
            let r = go(&args);
            assert!(r.code == 0, "{args:?}: exit {}\n{}", r.code, r.stderr);
            r.stdout
        };
        let want = run(&["-j", "1"], &f);
        assert!(want.len() > 500, "{cmd:?} printed {} bytes", want.len());
        let mut got = vec![
            ("-j 7", run(&["-j", "7"], &f)),
            ("--no-mmap", run(&["--no-mmap"], &f)),
            ("gzip file", run(&[], &gzf)),
        ];
        for size in ["2000", "7000", "65536"] {
            got.push((size, run(&["--chunk-size", size, "-j", "3"], &f)));
        }
        let stdin = |extra: &[&str], bytes: Vec<u8>| -> Vec<u8> {
            let mut args: Vec<&str> = cmd.to_vec();
            args.extend(extra);
            args.push("-");
            let r = run_stdin(&args, bytes);
            assert!(r.code == 0, "{args:?}: exit {}\n{}", r.code, r.stderr);
            r.stdout
        };
        got.push(("stdin", stdin(&[], log.clone().into_bytes())));
        got.push((
            "gzip stdin",
            stdin(&["--chunk-size", "3000"], gz(log.as_bytes())),
        ));
        for (how, out) in got {
            assert!(
                out == want,
                "{cmd:?} with {how} differs from -j 1:\n{}",
                first_difference(&want, &out)
            );
        }
    }
}

/// Where two outputs part, for the failure message.
fn first_difference(a: &[u8], b: &[u8]) -> String {
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    match a.lines().zip(b.lines()).position(|(x, y)| x != y) {
        Some(i) => format!(
            "line {}:\n  - {}\n  + {}",
            i + 1,
            a.lines().nth(i).unwrap_or(""),
            b.lines().nth(i).unwrap_or("")
        ),
        None => format!("lengths {} and {}", a.len(), b.len()),
    }
}
