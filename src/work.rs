//! A count of the work the readers do, in bytes handed to a parser, per thread: a measure that
//! does not depend on the machine's speed or load, so tests can bound it. `tests/fuzz.rs` checks
//! that every fuzzed input is read with work linear in its size (a reader that parsed the rest
//! of a document again from each of its lines, as `document::items` once did, fails there,
//! however fast the machine), and `document.rs`'s tests check its own bound.
//!
//! What is counted: each JSON text a reader starts to parse (`format::Reader::json`, at every
//! envelope depth) and, in `document::items`, how far each parse got, the scans after a failed
//! value and each record's parse. Each of those is one forward pass over its bytes (serde_json,
//! `fast.rs`), so passes times bytes is the work, up to a constant. Not counted: the native
//! fast path of the workers (`Reader::native_line`, one pass per line by construction), nor
//! steps inside a pass. A thread-local add where a pass starts, off the per-line fast path.

use std::cell::Cell;

thread_local! {
    static BYTES: Cell<u64> = const { Cell::new(0) };
}

/// Count a pass over `bytes` bytes.
#[inline]
pub fn add(bytes: usize) {
    BYTES.with(|c| c.set(c.get().wrapping_add(bytes as u64)));
}

/// The bytes this thread's readers have passed over so far (take the difference around a call).
pub fn done() -> u64 {
    BYTES.with(Cell::get)
}
