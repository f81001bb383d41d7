//! Lines, as the scanner cuts them, read with every `--input-format` (check::lines).
#![no_main]

use kaudit_fuzz::{check, mutator};
use libfuzzer_sys::{fuzz_mutator, fuzz_target};

fuzz_target!(|data: &[u8]| {
    if let Err(e) = check::lines(data) {
        panic!("{e}");
    }
});

fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    mutator(data, size, max_size, seed)
});
