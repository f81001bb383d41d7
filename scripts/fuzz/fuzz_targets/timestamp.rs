//! Ts::parse: no panic, agrees with jiff, reads back what rfc3339() writes (check::timestamp).
#![no_main]

use kaudit_fuzz::check;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data)
        && let Err(e) = check::timestamp(s)
    {
        panic!("{e}");
    }
});
