//! The bounded fuzz test of the input readers (the line reader and every format adapter, the
//! document splitter, timestamps), run by `cargo test`: seeds from testdata/s5/ and
//! scripts/fuzz/seeds/, mutated by `fuzz/mutate.rs`, each input checked against the properties in
//! `fuzz/check.rs` and its work counted (`kaudit::work`: bytes handed to the parsers, against a
//! bound linear in the input's size; never its time, which depends on the machine). A failing
//! input is written under the target directory and named in the panic message.
//!
//! `KAUDIT_FUZZ_CASES=N` runs N mutated inputs per test instead of the default (a few seconds in
//! debug); `KAUDIT_FUZZ_SEED=S` starts the generator elsewhere. Longer, coverage-guided runs are
//! scripts/fuzz.sh (cargo-fuzz); see README.md "Fuzzing".

mod check;
mod mutate;

use std::io::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use kaudit::chunk::Lines;
use kaudit::input::format::{Format, Reader};
use kaudit::input::{document, fast};

use crate::util::{HANG, repo_path};
use mutate::Rng;

/// The most work one input may cost: `WORK_PER_BYTE` bytes handed to a parser (`kaudit::work`)
/// per byte of input, plus `WORK_FIXED`. A property check reads each line about 14 times (every
/// format, with and without raw events, terminated or not), at up to 5 envelope depths, and a
/// document is read by items and by lines: the most seen over the default cases and the built
/// inputs was 34 (a mutated document; lines 32, built inputs 20), printed by
/// `KAUDIT_FUZZ_WORK=1 cargo test --test cli fuzz -- --nocapture`. A reader that parses the rest of its input again
/// at each line or item (quadratic) is far past this on any input of more than a few hundred
/// lines: 40 KB of `[\n` read that way passed over 800 million bytes.
const WORK_PER_BYTE: u64 = 128;
const WORK_FIXED: u64 = 4096;

/// Seeds longer than this are cut (the line is still a line; mutations make the rest).
const MAX_SEED: usize = 16 << 10;

fn cases(default: usize) -> usize {
    std::env::var("KAUDIT_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn base_seed() -> u64 {
    std::env::var("KAUDIT_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x6b61_7564_6974)
}

/// Seed records: lines of the real logs in testdata/s5/ (a sample of each file), whole small files
/// of testdata/public/, and the hand-written seeds of scripts/fuzz/seeds/ (one per format and
/// shape, and the inputs of fixed bugs).
fn seeds() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut files: Vec<PathBuf> = vec![
        repo_path("testdata/s5/audit.log"),
        repo_path("testdata/public/audit2rbac/demo-2017-v1beta1.log"),
        repo_path("testdata/public/audit2rbac/demo-2022-relabelled-v1.log"),
        repo_path("testdata/public/openshift-clo/audit_in.log"),
    ];
    let mut edge: Vec<PathBuf> = std::fs::read_dir(repo_path("testdata/edge"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    edge.sort();
    files.extend(edge);
    for f in files {
        let data = std::fs::read(&f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let lines: Vec<&[u8]> = data
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .collect();
        // every line of small files, about 12 spread over each large one
        let step = (lines.len() / 12).max(1);
        for (i, l) in lines.iter().enumerate().step_by(step) {
            out.push((
                format!("{name}:{}", i + 1),
                l[..l.len().min(MAX_SEED)].to_vec(),
            ));
        }
    }
    let mut dirs = vec![repo_path("testdata/public/falco/k8s_audit")];
    for t in ["line", "document", "gke", "aks"] {
        dirs.push(repo_path(&format!("scripts/fuzz/seeds/{t}")));
    }
    for d in dirs {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&d)
            .unwrap_or_else(|e| panic!("{}: {e}", d.display()))
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        for p in names {
            let data = std::fs::read(&p).unwrap();
            let dir = d.file_name().unwrap().to_string_lossy().into_owned();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            out.push((format!("{dir}/{name}"), data));
        }
    }
    out
}

/// Run one input through `f`, count its work and watch for a hang; on a panic, a broken
/// property or superlinear work, keep the input in a file and fail with how it was made.
fn run(what: &str, case: usize, how: &str, input: &[u8], f: fn(&[u8]) -> Result<(), String>) {
    let _watch = Watch::start(what, case, how, input);
    let before = kaudit::work::done();
    let result = catch_unwind(AssertUnwindSafe(|| f(input)));
    let work = kaudit::work::done() - before;
    let bound = WORK_PER_BYTE * input.len() as u64 + WORK_FIXED;
    if std::env::var_os("KAUDIT_FUZZ_WORK").is_some() {
        most_work(what, work, input.len());
    }
    let failure = match result {
        Ok(Ok(())) if work <= bound => return,
        Ok(Ok(())) => format!(
            "superlinear work: parsers were handed {work} bytes for {} bytes of input (bound {bound})",
            input.len()
        ),
        Ok(Err(e)) => e,
        Err(p) => format!(
            "panicked: {}",
            p.downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| p.downcast_ref::<&str>().copied())
                .unwrap_or("?")
        ),
    };
    let file = keep(what, case, input);
    panic!(
        "{what} case {case} ({how}): {failure}\n  input ({} bytes) kept in {}\n  starts {}",
        input.len(),
        file.display(),
        check::excerpt(input)
    );
}

/// Write a failing input under the target directory; its path.
fn keep(what: &str, case: usize, input: &[u8]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fuzz-failures");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{what}-{case}.bin"));
    std::fs::write(&file, input).unwrap();
    file
}

/// `KAUDIT_FUZZ_WORK=1`: print each test's highest work per byte so far (to set `WORK_PER_BYTE`).
#[allow(clippy::print_stderr)] // a test's diagnostics
fn most_work(what: &str, work: u64, len: usize) {
    static MOST: Mutex<Vec<(String, f64)>> = Mutex::new(Vec::new());
    let per_byte = work.saturating_sub(WORK_FIXED) as f64 / len.max(1) as f64;
    let mut most = MOST
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    match most.iter_mut().find(|(w, _)| w == what) {
        Some((_, m)) if *m >= per_byte => return,
        Some((_, m)) => *m = per_byte,
        None => most.push((what.to_string(), per_byte)),
    }
    eprintln!("fuzz work: {what}: {per_byte:.1} bytes parsed per input byte ({work} for {len})");
}

/// The inputs being read now, one per test thread, for the hang guard: one still running after
/// `HANG` (the slowest takes well under a second in debug) is reported and the test process
/// aborted, since a thread cannot be stopped. A guard against hanging forever, not a speed
/// limit.
type Running = Mutex<Vec<(ThreadId, Instant, String, Vec<u8>)>>;

fn running() -> &'static Running {
    static RUNNING: OnceLock<Running> = OnceLock::new();
    RUNNING.get_or_init(|| {
        // one watchdog for the process: checks every second whether an input has run for HANG
        std::thread::spawn(|| {
            loop {
                std::thread::sleep(Duration::from_secs(1));
                let now = Instant::now();
                let list = running().lock().unwrap_or_else(|e| e.into_inner());
                if let Some((_, _, label, input)) = list
                    .iter()
                    .find(|(_, start, _, _)| now.duration_since(*start) > HANG)
                {
                    let file = keep("hang", 0, input);
                    // straight to stderr: the test harness's capture dies with the process
                    let _ = writeln!(
                        std::io::stderr(),
                        "fuzz: {label} still running after {HANG:?} (hang); input in {}",
                        file.display()
                    );
                    std::process::abort();
                }
            }
        });
        Mutex::new(Vec::new())
    })
}

/// This thread's input, registered with the hang guard until dropped.
struct Watch;

impl Watch {
    fn start(what: &str, case: usize, how: &str, input: &[u8]) -> Watch {
        let label = format!("{what} case {case} ({how})");
        let me = std::thread::current().id();
        let mut list = running().lock().unwrap_or_else(|e| e.into_inner());
        list.retain(|(id, _, _, _)| *id != me);
        list.push((me, Instant::now(), label, input.to_vec()));
        Watch
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let me = std::thread::current().id();
        running()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|(id, _, _, _)| *id != me);
    }
}

/// The line reader with every format: mutated seeds, split into lines as the scanner does.
#[test]
fn fuzz_lines() {
    let seeds = seeds();
    for (name, s) in &seeds {
        run("line-seed", 0, name, s, check::lines);
    }
    let mut rng = Rng::new(base_seed());
    for case in 0..cases(2000) {
        let (name, a) = rng.pick(&seeds);
        let (_, b) = rng.pick(&seeds);
        let (input, ops) = mutate::mutate(&mut rng, a, b);
        run(
            "line",
            case,
            &format!("{name} {ops:?}"),
            &input,
            check::lines,
        );
    }
}

/// The fast Event parser against serde_json alone (also checked in `fuzz_lines`, among the
/// rest): more mutations per second, each input mutated once (every other one) or one to three
/// times, and cut as the scanner cuts lines. About 30% of the inputs have a line it reads (the
/// rest it leaves to serde: most mutations break the JSON, and some seeds are documents).
#[test]
fn fuzz_fast_event() {
    let seeds = seeds();
    let mut rng = Rng::new(base_seed() ^ 0xfa57);
    let (n, mut read) = (cases(20_000), 0);
    for case in 0..n {
        let (name, a) = rng.pick(&seeds);
        let (_, b) = rng.pick(&seeds);
        // every other input gets a single mutation: more of them still parse
        let (input, ops) = if case % 2 == 0 {
            let mut v = a.clone();
            let op = mutate::one(&mut rng, &mut v, b);
            (v, vec![op])
        } else {
            mutate::mutate(&mut rng, a, b)
        };
        read += Lines::new(&input)
            .filter(|l| std::str::from_utf8(l.bytes).is_ok_and(|t| fast::event(t).is_some()))
            .count();
        run(
            "fast-event",
            case,
            &format!("{name} {ops:?}"),
            &input,
            |b| {
                for l in Lines::new(b) {
                    check::fast_event(l.bytes)?;
                }
                Ok(())
            },
        );
    }
    // the property means something only if the fast path reads many of the mutated lines
    assert!(read * 4 >= n, "fast::event read {read} lines of {n} inputs");
}

/// The document splitter: records pretty-printed (nested lines indented or in column 1), one
/// after the other or in a batch, then mutated as bytes.
#[test]
fn fuzz_documents() {
    let seeds = seeds();
    let records: Vec<&[u8]> = seeds.iter().map(|(_, s)| &s[..]).collect();
    for (name, s) in &seeds {
        run("document-seed", 0, name, s, check::document);
    }
    let mut rng = Rng::new(base_seed() ^ 0xd0c);
    for case in 0..cases(600) {
        let (input, ops) = mutate::document(&mut rng, &records);
        run("document", case, &format!("{ops:?}"), &input, |b| {
            check::document(b)?;
            check::lines(b)
        });
    }
}

/// Timestamps: the fast path, jiff's, and what kaudit writes back.
#[test]
fn fuzz_timestamps() {
    let mut rng = Rng::new(base_seed() ^ 0x7157);
    for case in 0..cases(20_000) {
        let mut t = rng.pick(mutate::TIMES).as_bytes().to_vec();
        let other = rng.pick(mutate::TIMES).as_bytes();
        for _ in 0..1 + rng.below(2) {
            mutate::one(&mut rng, &mut t, other);
        }
        let s = String::from_utf8_lossy(&t).into_owned();
        run("timestamp", case, "", s.as_bytes(), |b| {
            check::timestamp(std::str::from_utf8(b).unwrap())
        });
    }
}

/// Inputs built to be slow: deep and unclosed nesting, many small records, long lines; each
/// must be read with linear work (`kaudit::work`), by lines and as a document.
#[test]
fn fuzz_big_inputs() {
    let ev = br#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a1","stage":"ResponseComplete","verb":"get","user":{"username":"alice"}}"#;
    let many = |open: &[u8], item: &[u8], sep: &[u8], n: usize, close: &[u8]| {
        let mut v = open.to_vec();
        for i in 0..n {
            if i > 0 {
                v.extend_from_slice(sep);
            }
            v.extend_from_slice(item);
        }
        v.extend_from_slice(close);
        v
    };
    let inputs: Vec<(&str, Vec<u8>)> = vec![
        ("unclosed arrays, one per line", b"[\n".repeat(20_000)),
        ("unclosed objects, one per line", b"{\n".repeat(20_000)),
        (
            "unclosed arrays then garbage",
            [b"[\n".repeat(20_000), b"x\n".to_vec()].concat(),
        ),
        (
            "unclosed array of records in column 1",
            many(b"[\n", ev, b",\n", 500, b",\n"),
        ),
        (
            "unclosed arrays around records",
            many(b"", &[b"[\n", &ev[..], b",\n"].concat(), b"", 500, b""),
        ),
        (
            "deep array",
            [b"[".repeat(200_000), b"]".repeat(200_000)].concat(),
        ),
        ("deep unclosed array", b"[".repeat(200_000)),
        (
            "deep objects",
            [
                br#"{"a":"#.repeat(50_000),
                b"1".to_vec(),
                b"}".repeat(50_000),
            ]
            .concat(),
        ),
        ("many records", many(b"[", ev, b",", 2_000, b"]")),
        ("many empty objects", many(b"[", b"{}", b",", 20_000, b"]")),
        (
            "many records batches",
            many(
                br#"{"records":["#,
                &many(br#"{"items":["#, ev, b",", 20, b"]}"),
                b",",
                20,
                b"]}",
            ),
        ),
        (
            "long string of escapes",
            [
                br#"{"kind":"Event","auditID":""#.to_vec(),
                br"\u0041\n".repeat(50_000),
                br#"","stage":"Panic"}"#.to_vec(),
            ]
            .concat(),
        ),
        (
            "long prefix",
            [b"x".repeat(100_000), b" ".to_vec(), ev.to_vec()].concat(),
        ),
        (
            "long number",
            [
                br#"{"kind":"Event","auditID":"a","stage":"Panic","responseStatus":{"code":"#
                    .to_vec(),
                b"9".repeat(200_000),
                b"}}".to_vec(),
            ]
            .concat(),
        ),
        ("blank lines", b"\n".repeat(20_000)),
    ];
    for (i, (how, input)) in inputs.iter().enumerate() {
        // what the scanner does: cut into lines or items and read each one
        run("big-scan", i, how, input, |b| {
            let r = Reader {
                format: Format::Auto,
                keep_raw: true,
                fields: kaudit::event::Fields::ALL,
            };
            let mut out = Vec::new();
            document::is_document(&b[..b.len().min(document::HEAD)]);
            let (items, _, _) = document::items(b);
            for it in items {
                r.item(&b[it.start..it.end], &mut out);
                out.clear();
            }
            for l in Lines::new(b) {
                r.line(l.bytes, l.terminated, &mut out);
                out.clear();
            }
            Ok(())
        });
        // then the properties
        run("big-check", i, how, input, |b| {
            check::document(b)?;
            let r = Reader {
                format: Format::Auto,
                keep_raw: true,
                fields: kaudit::event::Fields::ALL,
            };
            for l in Lines::new(b) {
                check::line_with(&r, l.bytes, l.terminated)?;
            }
            Ok(())
        });
    }
}
