//! The bare-parse ceiling of issue 5: every line of a file parsed into kaudit's borrowed
//! `Event` with serde_json, on N threads, and nothing else (no correlation, no output but a
//! count). `scripts/bench.sh` times it beside the full scans, which should take at most 1.3x
//! as long.
//!
//! ```text
//! cargo bench --bench ceiling -- FILE [THREADS] [--validate]     (default 2 threads)
//! ```
//!
//! With `--validate`, the floor under any reader that reports malformed lines: each line only
//! checked to be UTF-8 (simdutf8) and one JSON value (serde_json's `IgnoredAny`, which builds
//! nothing and allocates nothing), no field kept. (sonic-rs and simd-json, tried outside the
//! repository, checked this log no faster: BENCHMARKS.md, issue 19.) `scripts/bench.sh` prints it beside the DuckDB targets
//! of issue 19: a scan that must tell a malformed line from a good one takes at least this
//! long.
//!
//! The file is memory-mapped and cut into the scan's 1 MiB line-aligned chunks, as kaudit does.

// a command-line tool of its own: it prints its usage and its count
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::exit)]

use std::fs::File;

use kaudit::event::Event;
use rayon::prelude::*;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let validate = args.iter().any(|a| a == "--validate");
    let mut args = args.into_iter().filter(|a| a != "--validate");
    let Some(path) = args.next() else {
        eprintln!("usage: ceiling FILE [THREADS] [--validate]");
        std::process::exit(2);
    };
    let threads: usize = args.next().and_then(|t| t.parse().ok()).unwrap_or(2);
    let file = File::open(&path).expect("open the log");
    // SAFETY: a benchmark input nobody truncates while it runs.
    let map = unsafe { memmap2::Mmap::map(&file) }.expect("map the log");
    let chunks = kaudit::chunk::split(&map, kaudit::chunk::DEFAULT_CHUNK);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("threads");
    let (events, other) = pool.install(|| {
        chunks
            .par_iter()
            .map(|r| {
                let mut n = (0u64, 0u64);
                for line in kaudit::chunk::Lines::new(&map[r.clone()]) {
                    let ok = if validate {
                        // UTF-8 checked as kaudit does (SIMD), then the JSON grammar (a
                        // skipped string is not decoded)
                        simdutf8::basic::from_utf8(line.bytes).is_ok()
                            && serde_json::from_slice::<serde::de::IgnoredAny>(line.bytes).is_ok()
                    } else {
                        std::str::from_utf8(line.bytes)
                            .ok()
                            .and_then(|t| serde_json::from_str::<Event>(t).ok())
                            .is_some()
                    };
                    if ok { n.0 += 1 } else { n.1 += 1 }
                }
                n
            })
            .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
    });
    println!("{events} events, {other} other lines");
}
