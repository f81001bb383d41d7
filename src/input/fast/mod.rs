//! A hand-written parser of the native Event, the fast path in front of serde_json.
//!
//! [`event`] reads one line into the same [`Event`] that `serde_json::from_str::<Event>` would
//! build, about twice as fast (benches/README.md): it knows the fields by name, borrows strings
//! without escapes, decodes escapes itself (the `\u0026` of every other requestURI included),
//! and skips bodies and unknown fields in one loop that validates them as JSON. Strings are
//! found through a bitmap of the quotes, backslashes and control characters of each 64-byte
//! block, computed once per block with SSE2, so a string costs a few instructions whatever its
//! length and every byte inside one is checked for a control character.
//!
//! It returns `None` for anything unusual, and the caller asks serde_json (which also words the
//! error): invalid JSON, a control character in a string, an escape in a key, a surrogate `\u`
//! escape in a decoded field, a known key given twice, a field of the wrong type, a struct
//! written as an array, a `code` that is not a plain non-negative integer of up to 18 digits,
//! nesting deeper than [`MAX_DEPTH`]. It never returns `Some` where serde_json would give an
//! error or another Event: `fast::tests`, the fuzz test (`tests/fuzz/check.rs`, `fast_event`)
//! and every line under testdata/ check that. It does not read envelopes or decide what a line is
//! (see `format.rs`).
//!
//! The parts: this file holds the entry points ([`event`], [`members`]); `specials.rs` the
//! bitmap of each block's special bytes, `cursor.rs` the JSON reader, `fields.rs` the Event's
//! members read with it.

use crate::event::{Event, Fields, Str};

/// Set a field's bit in `seen`, or bail out if it was set: serde refuses a duplicate field.
macro_rules! once {
    ($seen:ident, $bit:expr) => {{
        let bit: u32 = 1 << $bit;
        if $seen & bit != 0 {
            return None;
        }
        $seen |= bit;
    }};
}

mod cursor;
mod fields;
mod specials;
#[cfg(test)]
mod tests;

use cursor::Cursor;

/// Deepest nesting the skipping loop follows (serde_json stops at 128 for what it builds; it
/// skips any depth, so deeper values go to serde_json rather than being refused).
pub const MAX_DEPTH: u32 = 100;

/// The Event in `text`, exactly as `serde_json::from_str::<Event>(text)` would return it, or
/// `None` when this fast path does not handle the input (the caller then asks serde_json, which
/// also gives the error message).
pub fn event(text: &str) -> Option<Event<'_>> {
    let mut ev = Event::default();
    event_into(text, &mut ev).then_some(ev)
}

/// [`event`], read into `ev` (reset first): a worker reuses one Event for all its lines rather
/// than moving a new one (about 700 bytes) through its callers for each. When it returns false,
/// `ev` holds a partial read to be ignored.
pub fn event_into<'a>(text: &'a str, ev: &mut Event<'a>) -> bool {
    event_fields(text, ev, Fields::ALL)
}

/// [`event_into`], keeping of the optional [`Fields`] only those asked for: the others are
/// checked as if read (so the same lines are refused) and left empty.
pub fn event_fields<'a>(text: &'a str, ev: &mut Event<'a>, fields: Fields) -> bool {
    // the lists the last event left (those its request did not take) are read into again
    let mut spare = Spare::default();
    for v in [
        Some(&mut ev.source_ips),
        ev.user.as_mut().map(|u| &mut u.groups),
        ev.impersonated_user.as_mut().map(|u| &mut u.groups),
    ]
    .into_iter()
    .flatten()
    {
        if v.capacity() > 0 {
            v.clear();
            spare.push(std::mem::take(v));
        }
    }
    *ev = Event::default();
    event_at(text, ev, spare, fields).is_some()
}

fn event_at<'a>(text: &'a str, ev: &mut Event<'a>, spare: Spare<'a>, fields: Fields) -> Option<()> {
    let b = text.as_bytes();
    let is_ws = |c: &u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r');
    let start = b.iter().position(|c| !is_ws(c))?;
    let end = b.iter().rposition(|c| !is_ws(c))? + 1;
    let mut p = Cursor {
        s: text,
        b: &b[..end],
        i: start,
        block: usize::MAX,
        bits: 0,
        spare,
        fields,
    };
    p.event(ev)?;
    (p.i == end).then_some(())
}

/// The top-level members of the JSON object in `b`, in order: each key as written between
/// its quotes (escapes not decoded) and the byte range of the member, from the key's opening
/// quote to the end of its value. `None` when `b` is not one JSON object this reader checks
/// (as [`event`]: no nesting deeper than [`MAX_DEPTH`]; UTF-8 is not checked: the line was
/// parsed before). For `kaudit policy simulate`,
/// which weighs the parts of an event (`requestObject`, `responseObject`) without building them.
pub fn members(b: &[u8]) -> Option<Vec<(&[u8], std::ops::Range<usize>)>> {
    let mut p = Cursor {
        // only bytes are looked at: strings are skipped, never decoded
        s: "",
        b,
        i: 0,
        block: usize::MAX,
        bits: 0,
        spare: Spare::default(),
        fields: Fields::ALL,
    };
    let mut out = Vec::new();
    p.ws();
    p.eat(b'{')?;
    p.ws();
    if p.peek()? == b'}' {
        p.i += 1;
    } else {
        loop {
            let start = p.i;
            p.eat(b'"')?;
            p.skip_string()?;
            let key = b.get(start + 1..p.i - 1)?;
            p.ws();
            p.eat(b':')?;
            p.ws();
            p.skip()?;
            out.push((key, start..p.i));
            p.ws();
            match p.peek()? {
                b',' => {
                    p.i += 1;
                    p.ws();
                }
                b'}' => {
                    p.i += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    p.ws();
    (p.i == b.len()).then_some(out)
}

/// The (at most three) empty lists the last event left, kept without an allocation of their
/// own: `Vec::push` here cost an allocation and a free per line.
#[derive(Default)]
pub(super) struct Spare<'a> {
    v: [Vec<Str<'a>>; 3],
    n: usize,
}

impl<'a> Spare<'a> {
    fn push(&mut self, v: Vec<Str<'a>>) {
        if self.n < self.v.len() {
            self.v[self.n] = v;
            self.n += 1;
        }
    }

    fn pop(&mut self) -> Option<Vec<Str<'a>>> {
        self.n = self.n.checked_sub(1)?;
        Some(std::mem::take(&mut self.v[self.n]))
    }
}
