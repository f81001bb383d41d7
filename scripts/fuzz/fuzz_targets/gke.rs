//! GKE LogEntry lines (--input-format gke), read forced and by auto, raw events kept.
#![no_main]

use kaudit::chunk::Lines;
use kaudit::input::format::{Format, Reader};
use kaudit_fuzz::{check, mutator};
use libfuzzer_sys::{fuzz_mutator, fuzz_target};

fuzz_target!(|data: &[u8]| {
    for format in [Format::Gke, Format::Auto] {
        let r = Reader {
            format,
            keep_raw: true,
            fields: kaudit::event::Fields::ALL,
        };
        for l in Lines::new(data) {
            if let Err(e) = check::line_with(&r, l.bytes, l.terminated) {
                panic!("{}: {e}", format.name());
            }
        }
    }
});

fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    mutator(data, size, max_size, seed)
});
