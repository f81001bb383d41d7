//! Micro-benchmarks of the pipeline's stages (divan): chunking, parsing (bare serde, the fast
//! parser, the `Reader`, envelopes), timestamps, the prefilter and per-chunk correlation, each
//! over real data with its throughput in bytes, for profiling work.
//!
//! Data, read once at start: the s5 rotated set in `testdata/s5/` (27 gzip backups in name order,
//! then `audit.log`: 8,585 lines, 27.6 MB), or the first `KAUDIT_BENCH_MB` MB (default 32) of
//! the log `KAUDIT_BENCH_LOG` names, cut after its last whole line. Run with
//! `cargo bench --bench pipeline [-- FILTER]`; see benches/README.md. This does not measure
//! the parallel driver, I/O or rendering: `scripts/bench.sh` does that end to end.

// the one line saying which data was read
#![allow(clippy::print_stderr)]

use std::hint::black_box;
use std::io::Read;
use std::sync::LazyLock;

use divan::Bencher;
use divan::counter::{BytesCount, ItemsCount};
use kaudit::chunk::{DEFAULT_CHUNK, Lines};
use kaudit::correlate::{ChunkCorrelator, Item, Mark};
use kaudit::event::{Event, Stage, Ts};
use kaudit::filter::{Filter, FilterSpec, Verdict};
use kaudit::input::fast;
use kaudit::input::format::{Format, Reader, Rec};

fn main() {
    let data = &*DATA;
    eprintln!(
        "kaudit benches: {} ({} bytes, {} lines)",
        SOURCE.as_str(),
        data.len(),
        LINES.len()
    );
    divan::main();
}

static SOURCE: LazyLock<String> = LazyLock::new(|| match std::env::var_os("KAUDIT_BENCH_LOG") {
    Some(p) => format!("first {} MB of {}", mb(), p.to_string_lossy()),
    None => "testdata/s5/ s5 rotated set".into(),
});

fn mb() -> usize {
    std::env::var("KAUDIT_BENCH_MB")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(32)
}

/// The input, whole lines only.
static DATA: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let mut buf = Vec::new();
    if let Some(path) = std::env::var_os("KAUDIT_BENCH_LOG") {
        std::fs::File::open(&path)
            .and_then(|f| f.take((mb() * 1_000_000) as u64).read_to_end(&mut buf))
            .unwrap_or_else(|e| panic!("KAUDIT_BENCH_LOG {}: {e}", path.to_string_lossy()));
        let end = memchr::memrchr(b'\n', &buf).map_or(0, |i| i + 1);
        buf.truncate(end);
    } else {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/s5");
        let mut backups: Vec<_> = std::fs::read_dir(dir)
            .expect("testdata/s5/")
            .map(|e| e.expect("testdata/s5/ entry").path())
            .filter(|p| p.to_string_lossy().ends_with(".log.gz"))
            .collect();
        backups.sort();
        for p in backups {
            let f = std::fs::File::open(&p).expect("a testdata backup");
            flate2::read::GzDecoder::new(f)
                .read_to_end(&mut buf)
                .expect("a gzip backup");
        }
        buf.extend(std::fs::read(format!("{dir}/audit.log")).expect("testdata/s5/audit.log"));
    }
    assert!(!buf.is_empty(), "no benchmark data");
    buf
});

/// Every line of [`DATA`], without its `\n`.
static LINES: LazyLock<Vec<&'static [u8]>> =
    LazyLock::new(|| Lines::new(&DATA).map(|l| l.bytes).collect());

fn bytes() -> BytesCount {
    BytesCount::new(DATA.len())
}

fn lines() -> ItemsCount {
    ItemsCount::new(LINES.len())
}

const NATIVE: Reader = Reader {
    format: Format::Auto,
    keep_raw: false,
    fields: kaudit::event::Fields::ALL,
};

/// Events read per line; counts what the Reader found so nothing is optimised away.
fn read_all(reader: Reader, lines: &[impl AsRef<[u8]>]) -> usize {
    let mut recs = Vec::new();
    let mut events = 0;
    for l in lines {
        reader.line(l.as_ref(), true, &mut recs);
        events += recs.iter().filter(|r| matches!(r, Rec::Event(_))).count();
        recs.clear();
    }
    events
}

mod chunk {
    use super::*;

    /// Chunks of [`DEFAULT_CHUNK`] in [`DATA`]: `split` and `next_end` look only near each
    /// cut, so their bytes/s is the bytes covered, not scanned; time per chunk is the figure.
    fn chunks() -> ItemsCount {
        ItemsCount::new(kaudit::chunk::split(&DATA, DEFAULT_CHUNK).len())
    }

    /// `chunk::split` into the scan's 1 MiB ranges.
    #[divan::bench]
    fn split(b: Bencher) {
        b.counter(bytes())
            .counter(chunks())
            .bench(|| kaudit::chunk::split(black_box(&DATA), DEFAULT_CHUNK).len());
    }

    /// `chunk::next_end` one chunk at a time, as `scan.rs` cuts a batch.
    #[divan::bench]
    fn next_end(b: Bencher) {
        b.counter(bytes()).counter(chunks()).bench(|| {
            let buf = black_box(&DATA[..]);
            let (mut start, mut n) = (0, 0);
            while start < buf.len() {
                start = kaudit::chunk::next_end(buf, start, DEFAULT_CHUNK);
                n += 1;
            }
            n
        });
    }

    /// `Lines` over every byte (memchr for each `\n`).
    #[divan::bench]
    fn lines(b: Bencher) {
        b.counter(bytes())
            .counter(super::lines())
            .bench(|| Lines::new(black_box(&DATA)).count());
    }
}

mod parse {
    use super::*;

    /// `serde_json::from_str::<Event>` alone on every line: the floor for the native path.
    #[divan::bench]
    fn bare_serde(b: Bencher) {
        let text: Vec<&str> = LINES
            .iter()
            .map(|l| std::str::from_utf8(l).expect("UTF-8 data"))
            .collect();
        b.counter(bytes()).counter(lines()).bench(|| {
            text.iter()
                .filter(|t| serde_json::from_str::<Event>(black_box(t)).is_ok())
                .count()
        });
    }

    /// `fast::event` on every line, serde_json where it returns `None` (as `Reader::line` does):
    /// compare with `bare_serde`.
    #[divan::bench]
    fn fast(b: Bencher) {
        let text: Vec<&str> = LINES
            .iter()
            .map(|l| std::str::from_utf8(l).expect("UTF-8 data"))
            .collect();
        b.counter(bytes()).counter(lines()).bench(|| {
            text.iter()
                .filter(|t| {
                    let t = black_box(t);
                    match fast::event(t) {
                        Some(ev) => Ok(ev),
                        None => serde_json::from_str::<Event>(t),
                    }
                    .is_ok()
                })
                .count()
        });
    }

    /// `Reader::line` on every native line (UTF-8 check, parse, stage check).
    #[divan::bench]
    fn reader_native(b: Bencher) {
        b.counter(bytes())
            .counter(lines())
            .bench(|| read_all(NATIVE, black_box(&LINES)));
    }

    /// Every line wrapped as an AKS diagnostic record (`properties.log` holding the Event as a
    /// string). Bytes counted are the native ones, so MB/s compares with `reader_native`.
    #[divan::bench]
    fn reader_aks(b: Bencher) {
        let wrapped = wrap(|s| {
            format!(
                r#"{{"time":"2026-11-21T15:00:54.457143Z","category":"kube-audit","operationName":"Microsoft.ContainerService/managedClusters/diagnosticLogs/Read","properties":{{"log":{s}}}}}"#
            )
        });
        b.counter(bytes())
            .counter(lines())
            .bench(|| read_all(NATIVE, black_box(&wrapped)));
    }

    /// Every line wrapped as a CloudWatch Logs event (`message` holding the Event as a string).
    /// Bytes counted are the native ones.
    #[divan::bench]
    fn reader_cloudwatch(b: Bencher) {
        let wrapped = wrap(|s| {
            format!(
                r#"{{"logStreamName":"kube-apiserver-audit-4f1c0b8e2a7d9c36","timestamp":1795273254457,"message":{s},"ingestionTime":1795273254999,"eventId":"0"}}"#
            )
        });
        b.counter(bytes())
            .counter(lines())
            .bench(|| read_all(NATIVE, black_box(&wrapped)));
    }

    /// Each line as a JSON string inside `envelope`, checked to read back as one event.
    fn wrap(envelope: impl Fn(&str) -> String) -> Vec<String> {
        let out: Vec<String> = LINES
            .iter()
            .map(|l| {
                let s = serde_json::to_string(std::str::from_utf8(l).expect("UTF-8 data"))
                    .expect("a JSON string");
                envelope(&s)
            })
            .collect();
        assert_eq!(read_all(NATIVE, &out), read_all(NATIVE, &LINES));
        out
    }
}

mod ts {
    use super::*;

    /// `Ts::parse` on every `stageTimestamp` and `requestReceivedTimestamp` of the data (the
    /// fast path; all are API-server RFC 3339). Bytes are the timestamps' own.
    #[divan::bench]
    fn parse(b: Bencher) {
        let mut stamps: Vec<String> = Vec::new();
        for l in LINES.iter() {
            if let Ok(ev) = serde_json::from_slice::<Event>(l) {
                stamps.push(ev.stage_timestamp.as_str().to_owned());
                stamps.push(ev.request_received_timestamp.as_str().to_owned());
            }
        }
        stamps.retain(|s| !s.is_empty());
        b.counter(BytesCount::new(
            stamps.iter().map(String::len).sum::<usize>(),
        ))
        .counter(ItemsCount::new(stamps.len()))
        .bench(|| {
            black_box(&stamps)
                .iter()
                .filter_map(|s| Ts::parse(s))
                .fold(0i64, |a, t| a ^ t.0)
        });
    }
}

mod prefilter {
    use super::*;

    /// `Prefilter::verdict` (stage-less) for `-v delete -r configmaps` on every line.
    #[divan::bench]
    fn verb_resource(b: Bencher) {
        let spec = FilterSpec {
            verb: vec!["delete".into()],
            resource: vec!["configmaps".into()],
            ..FilterSpec::default()
        };
        let p = Filter::compile(&spec, Ts(0), false)
            .expect("a valid filter")
            .prefilter()
            .expect("verb and resource give a prefilter");
        b.counter(bytes()).counter(lines()).bench(|| {
            black_box(&LINES)
                .iter()
                .filter(|l| !matches!(p.verdict(l, false, 0), Verdict::Skip))
                .count()
        });
    }
}

mod correlate {
    use super::*;

    /// One chunk's events, parsed, with their marks: what `scan::take` hands the correlator.
    type Parsed<'a> = Vec<(Event<'a>, Stage, Mark<'a>, bool)>;

    fn parse_chunk(buf: &[u8]) -> Parsed<'_> {
        let mut recs = Vec::new();
        let mut out = Vec::new();
        for (n, line) in Lines::new(buf).enumerate() {
            NATIVE.line(line.bytes, line.terminated, &mut recs);
            for r in recs.drain(..) {
                if let Rec::Event(ev) = r {
                    let mark = Mark {
                        stage: ev.stage,
                        time: Ts::parse(ev.event.time()),
                        code: ev.event.response_status.as_ref().and_then(|s| s.code),
                        file: 0,
                        line: n as u64 + 1,
                        raw: None,
                    };
                    out.push((ev.event, ev.stage, mark, ev.whole));
                }
            }
        }
        out
    }

    fn fold(parsed: Parsed<'_>) -> usize {
        let mut c = ChunkCorrelator::default();
        for (ev, stage, mark, whole) in parsed {
            c.push(ev, stage, mark, whole);
        }
        c.finish()
            .items
            .iter()
            .filter(|i| matches!(i, Item::Done(_)))
            .count()
    }

    /// Per 1 MiB chunk, as a worker does: lines, `Reader::line`, `Ts::parse`, then
    /// `ChunkCorrelator` push and finish (no filter, no sink).
    #[divan::bench]
    fn parse_and_fold(b: Bencher) {
        let chunks = kaudit::chunk::split(&DATA, DEFAULT_CHUNK);
        b.counter(bytes()).counter(lines()).bench(|| {
            chunks
                .iter()
                .map(|r| fold(parse_chunk(black_box(&DATA[r.clone()]))))
                .sum::<usize>()
        });
    }

    /// The correlator alone: push and finish over events parsed beforehand (untimed).
    #[divan::bench(sample_count = 30)]
    fn fold_only(b: Bencher) {
        let chunks = kaudit::chunk::split(&DATA, DEFAULT_CHUNK);
        b.with_inputs(|| {
            chunks
                .iter()
                .map(|r| parse_chunk(&DATA[r.clone()]))
                .collect::<Vec<_>>()
        })
        .counter(bytes())
        .counter(lines())
        .bench_local_values(|parsed| parsed.into_iter().map(fold).sum::<usize>());
    }
}
