//! Helpers shared by the end-to-end tests: build a `kaudit` command the way bat's
//! `tests/utils/command.rs` does (the cargo-built binary, a cleared environment, the repository
//! root as working directory), run it, and parse what it prints (JSON, NDJSON, CSV).
//!
//! Nothing here knows what kaudit should answer: expected values live in the test modules, each
//! with the place it was taken from (testdata/s5-ANSWER-KEY.md, an EXPECTED.md, or a check of the
//! data with python/jq described next to it).

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde_json::Value;

/// The real s5 rotated set: 27 gzip backups and audit.log (see testdata/README.md).
pub const S5: &str = "testdata/s5/";

/// No single run may hang the suite. A guard against hanging forever, not a speed limit: the
/// slowest run takes a few seconds in a debug build, and a machine shared with other builds
/// may take many times that.
pub const HANG: Duration = Duration::from_secs(300);

/// The repository root (tests run from here, so paths in the output are `testdata/...`).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A path under the repository root.
pub fn repo_path(rel: &str) -> PathBuf {
    root().join(rel)
}

/// `kaudit` with a cleared environment, run from the repository root.
pub fn kaudit() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("kaudit").expect("the kaudit binary is built");
    cmd.env_clear().current_dir(root()).timeout(HANG);
    cmd
}

/// The same command as a `std::process::Command`, for tests that need to talk to a running
/// process (live stdin, a pipe closed early). stdin, stdout and stderr are piped.
pub fn kaudit_std(args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_kaudit"));
    cmd.env_clear()
        .current_dir(root())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// What one run of kaudit left behind.
#[derive(Debug, Clone)]
pub struct Run {
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

impl Run {
    pub fn stdout_str(&self) -> &str {
        std::str::from_utf8(&self.stdout).expect("stdout is UTF-8")
    }

    /// Panics with the whole run in the message unless the exit code is `code`.
    #[track_caller]
    pub fn expect_code(self, code: i32) -> Self {
        assert_eq!(
            self.code,
            code,
            "unexpected exit code\n--- stderr ---\n{}\n--- stdout (first 2000 bytes) ---\n{}",
            self.stderr,
            String::from_utf8_lossy(&self.stdout[..self.stdout.len().min(2000)])
        );
        self
    }
}

pub fn finish(out: std::process::Output) -> Run {
    Run {
        code: out
            .status
            .code()
            .expect("kaudit exited with a code, not a signal"),
        stdout: out.stdout,
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// Run `kaudit ARGS` with an empty stdin.
///
/// Runs are deterministic, so identical argument lists share one run per test binary: many
/// tests ask the same question of the whole s5 set, and each answer costs half a second in a
/// debug build.
pub fn run(args: &[&str]) -> Run {
    type Cache = Mutex<HashMap<Vec<String>, Arc<OnceLock<Run>>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let key: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let cell = CACHE
        .get_or_init(Cache::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .entry(key)
        .or_default()
        .clone();
    cell.get_or_init(|| finish(kaudit().args(args).output().expect("kaudit runs")))
        .clone()
}

/// Run `kaudit ARGS` with `input` on stdin.
pub fn run_stdin(args: &[&str], input: impl Into<Vec<u8>>) -> Run {
    finish(
        kaudit()
            .args(args)
            .write_stdin(input.into())
            .output()
            .expect("kaudit runs"),
    )
}

fn with<'a>(head: &[&'a str], args: &[&'a str]) -> Vec<&'a str> {
    head.iter().chain(args).copied().collect()
}

/// `kaudit summary -o json ARGS`, exit 0 or 1, parsed.
#[track_caller]
pub fn summary(args: &[&str]) -> Value {
    let r = run(&with(&["summary", "-o", "json"], args));
    assert!(
        r.code == 0 || r.code == 1,
        "summary {args:?} exited {}: {}",
        r.code,
        r.stderr
    );
    serde_json::from_slice(&r.stdout).expect("summary -o json prints one JSON document")
}

/// `kaudit events -o ndjson ARGS`, exit 0 or 1, one record per line.
#[track_caller]
pub fn events(args: &[&str]) -> Vec<Value> {
    let r = run(&with(&["events", "-o", "ndjson"], args));
    assert!(
        r.code == 0 || r.code == 1,
        "events {args:?} exited {}: {}",
        r.code,
        r.stderr
    );
    assert_eq!(
        r.code == 0,
        !r.stdout.is_empty(),
        "exit 0 must mean rows were printed (exit 1: none)"
    );
    ndjson(&r.stdout)
}

/// Number of requests `kaudit summary ARGS` matches (`requests` of `-o json`).
#[track_caller]
pub fn count(args: &[&str]) -> u64 {
    summary(args)["requests"]
        .as_u64()
        .expect("summary has a numeric `requests`")
}

/// Parse NDJSON: one JSON object per non-empty line.
pub fn ndjson(bytes: &[u8]) -> Vec<Value> {
    std::str::from_utf8(bytes)
        .expect("ndjson is UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad NDJSON line {l:?}: {e}")))
        .collect()
}

/// Parse CSV with a header row: (header, records).
pub fn csv(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut rdr = ::csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes);
    let header = rdr
        .headers()
        .expect("CSV has a header")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = rdr
        .records()
        .map(|r| {
            r.expect("valid CSV record")
                .iter()
                .map(str::to_owned)
                .collect()
        })
        .collect();
    (header, rows)
}

/// `record[key]` as a string ("" for null or absent), for grouping.
pub fn s(record: &Value, key: &str) -> String {
    match &record[key] {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Count records by a key built from each record.
pub fn count_by(records: &[Value], key: impl Fn(&Value) -> String) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for r in records {
        *m.entry(key(r)).or_insert(0) += 1;
    }
    m
}

/// Build a `BTreeMap<String, u64>` from literal pairs.
pub fn counts(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

/// The bytes of a test log, decompressed when it ends in `.gz`.
pub fn read_log(rel: &str) -> Vec<u8> {
    let raw = std::fs::read(repo_path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"));
    if rel.ends_with(".gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .expect("valid gzip");
        out
    } else {
        raw
    }
}

/// The lines of a log (without their `\n`; a final piece without `\n` is a line too).
pub fn log_lines(rel: &str) -> Vec<Vec<u8>> {
    let data = read_log(rel);
    let mut lines: Vec<Vec<u8>> = data.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    if lines.last().is_some_and(Vec::is_empty) {
        lines.pop();
    }
    lines
}

/// The s5 set, oldest first, as stored here (each backup as NAME.gz): name, events, first and last
/// stageTimestamp. Copied from the "Files" table of testdata/s5-ANSWER-KEY.md (columns file, events,
/// first-line and last-line stageTimestamp; in s5 those are also the min and max of the file).
pub const S5_FILES: [(&str, u64, &str, &str); 28] = [
    (
        "testdata/s5/audit-2026-11-21T14-58-11.893.log.gz",
        884,
        "2026-11-21T14:58:09.989263Z",
        "2026-11-21T14:58:11.893249Z",
    ),
    (
        "testdata/s5/audit-2026-11-21T14-58-15.898.log.gz",
        786,
        "2026-11-21T14:58:11.892965Z",
        "2026-11-21T14:58:15.897582Z",
    ),
    (
        "testdata/s5/audit-2026-11-21T14-58-41.297.log.gz",
        729,
        "2026-11-21T14:58:15.877666Z",
        "2026-11-21T14:58:41.295852Z",
    ),
    (
        "testdata/s5/audit-2026-11-21T14-59-15.012.log.gz",
        819,
        "2026-11-21T14:58:41.297071Z",
        "2026-11-21T14:59:15.011401Z",
    ),
    (
        "testdata/s5/audit-2026-11-21T15-00-17.493.log.gz",
        826,
        "2026-11-21T14:59:15.011509Z",
        "2026-11-21T15:00:17.493317Z",
    ),
    (
        "testdata/s5/audit-2026-11-21T15-00-49.947.log.gz",
        666,
        "2026-11-21T15:00:17.493353Z",
        "2026-11-21T15:00:49.944647Z",
    ),
    (
        "testdata/s5/audit-2026-11-21T15-00-50.372.log.gz",
        321,
        "2026-11-21T15:00:49.946625Z",
        "2026-11-21T15:00:50.370924Z",
    ),
    (
        "testdata/s5/audit-2026-11-21T15-00-50.856.log.gz",
        388,
        "2026-11-21T15:00:50.371588Z",
        "2026-11-21T15:00:50.855123Z",
    ),
    (
        "testdata/s5/audit-2026-11-21T15-00-51.041.log.gz",
        113,
        "2026-11-21T15:00:50.855626Z",
        "2026-11-21T15:00:51.033606Z",
    ),
    (
        "testdata/s5/audit-2026-11-21T15-00-51.202.log.gz",
        126,
        "2026-11-21T15:00:51.039919Z",
        "2026-11-21T15:00:51.195290Z",
    ),
    (
        "testdata/s5/audit-2026-11-21T15-00-51.382.log.gz",
        116,
        "2026-11-21T15:00:51.200902Z",
        "2026-11-21T15:00:51.374911Z",
    ),
    (
        "testdata/s5/audit-2026-11-21T15-00-51.634.log.gz",
        110,
        "2026-11-21T15:00:51.380296Z",
        "2026-11-21T15:00:51.627096Z",
    ),
    (
        "testdata/s5/audit-2026-11-21T15-00-51.767.log.gz",
        108,
        "2026-11-21T15:00:51.632904Z",
        "2026-11-21T15:00:51.759934Z",
    ),
    (
        "testdata/s5/audit-2026-11-21T15-00-51.907.log.gz",
        90,
        "2026-11-21T15:00:51.765434Z",
        "2026-11-21T15:00:51.899619Z",
    ),
    (
        "testdata/s5/audit-2026-11-21T15-00-52.069.log.gz",
        141,
        "2026-11-21T15:00:51.904703Z",
        "2026-11-21T15:00:52.068679Z",
    ),
    (
        "testdata/s5/audit-2026-11-21T15-00-52.211.log.gz",
        85,
        "2026-11-21T15:00:52.069133Z",
        "2026-11-21T15:00:52.203264Z",
    ),
    (
        "testdata/s5/audit-2026-11-21T15-00-52.367.log.gz",
        146,
        "2026-11-21T15:00:52.209901Z",
        "2026-11-21T15:00:52.366212Z",
    ),
    (
        "testdata/s5/audit-2026-11-21T15-00-52.585.log.gz",
        216,
        "2026-11-21T15:00:52.366736Z",
        "2026-11-21T15:00:52.577208Z",
    ),
    (
        "testdata/s5/audit-2026-11-21T15-00-52.809.log.gz",
        212,
        "2026-11-21T15:00:52.583741Z",
        "2026-11-21T15:00:52.801347Z",
    ),
    (
        "testdata/s5/audit-2026-11-21T15-00-53.160.log.gz",
        248,
        "2026-11-21T15:00:52.807071Z",
        "2026-11-21T15:00:53.151964Z",
    ),
    (
        "testdata/s5/audit-2026-11-21T15-00-53.320.log.gz",
        158,
        "2026-11-21T15:00:53.158685Z",
        "2026-11-21T15:00:53.318736Z",
    ),
    (
        "testdata/s5/audit-2026-11-21T15-00-53.525.log.gz",
        192,
        "2026-11-21T15:00:53.320612Z",
        "2026-11-21T15:00:53.521092Z",
    ),
    (
        "testdata/s5/audit-2026-11-21T15-00-53.725.log.gz",
        170,
        "2026-11-21T15:00:53.524316Z",
        "2026-11-21T15:00:53.708781Z",
    ),
    (
        "testdata/s5/audit-2026-11-21T15-00-53.909.log.gz",
        140,
        "2026-11-21T15:00:53.721967Z",
        "2026-11-21T15:00:53.902171Z",
    ),
    (
        "testdata/s5/audit-2026-11-21T15-00-54.074.log.gz",
        128,
        "2026-11-21T15:00:53.907753Z",
        "2026-11-21T15:00:54.068588Z",
    ),
    (
        "testdata/s5/audit-2026-11-21T15-00-54.235.log.gz",
        220,
        "2026-11-21T15:00:54.072955Z",
        "2026-11-21T15:00:54.232533Z",
    ),
    (
        "testdata/s5/audit-2026-11-21T15-00-54.455.log.gz",
        180,
        "2026-11-21T15:00:54.234556Z",
        "2026-11-21T15:00:54.452623Z",
    ),
    (
        "testdata/s5/audit.log",
        267,
        "2026-11-21T15:00:54.455145Z",
        "2026-11-21T15:01:01.595385Z",
    ),
];

/// The names of the s5 set, oldest first.
pub fn s5_files() -> Vec<&'static str> {
    S5_FILES.iter().map(|f| f.0).collect()
}

/// The one record whose auditID starts with `prefix`.
#[track_caller]
pub fn by_id<'a>(records: &'a [Value], prefix: &str) -> &'a Value {
    let found: Vec<&Value> = records
        .iter()
        .filter(|r| s(r, "auditID").starts_with(prefix))
        .collect();
    assert_eq!(found.len(), 1, "exactly one record with auditID {prefix}*");
    found[0]
}

/// The names of a JSON array of strings.
pub fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|x| x.as_str().expect("string").to_owned())
        .collect()
}

/// `kaudit CMD -o json ARGS...`, which must exit 0 or 1: its JSON document.
pub fn query(cmd: &str, args: &[&str]) -> Value {
    let r = run(&with(&[cmd, "-o", "json"], args));
    assert!(
        r.code == 0 || r.code == 1,
        "{cmd} {args:?} exited {}: {}",
        r.code,
        r.stderr
    );
    serde_json::from_slice(&r.stdout).expect("-o json prints one JSON document")
}

/// Rows of `events` without where they were read (`file`, `line`): what stays the same
/// whatever the input path.
/// [`without_location`], and without the cluster and API server a wrapper named: `-o raw`
/// writes the Event alone, so a request read back from it has neither.
pub fn without_wrapper(rows: Vec<Value>) -> Vec<Value> {
    without_location(rows)
        .into_iter()
        .map(|mut r| {
            if let Some(o) = r.as_object_mut() {
                o.remove("cluster");
                o.remove("apiserver");
            }
            r
        })
        .collect()
}

pub fn without_location(rows: Vec<Value>) -> Vec<Value> {
    rows.into_iter()
        .map(|mut r| {
            if let Some(o) = r.as_object_mut() {
                o.remove("file");
                o.remove("line");
            }
            r
        })
        .collect()
}

/// A new pseudo-terminal `width` columns wide: its master (read what is written) and its
/// slave (a child's stdout or stderr).
pub fn terminal(width: u16) -> (std::fs::File, std::fs::File) {
    use std::os::fd::FromRawFd;
    let (mut master, mut slave) = (0, 0);
    let size = libc::winsize {
        ws_row: 50,
        ws_col: width,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes two descriptors, which are owned by the files made of them
    let made = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(made, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: both descriptors were just opened and are owned here alone
    unsafe {
        (
            std::fs::File::from_raw_fd(master),
            std::fs::File::from_raw_fd(slave),
        )
    }
}

/// Everything written to a terminal until every writer has closed it (drop the slave first).
pub fn read_terminal(mut master: std::fs::File) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    let mut buf = [0u8; 65536];
    loop {
        match master.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            // EIO: every writer of the terminal has closed it
            Err(e) if e.raw_os_error() == Some(libc::EIO) => break,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => panic!("reading the terminal: {e}"),
        }
    }
    out
}
