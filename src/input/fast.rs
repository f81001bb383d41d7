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

use std::borrow::Cow;

use crate::event::{Annotations, Event, Fields, ObjectRef, Status, Str, UserInfo};

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

/// [`specials`] of the block at `block`, the last one of `b` and not a whole one (once a line:
/// kept out of line).
#[inline(never)]
fn last_block(b: &[u8], block: usize) -> u64 {
    let len = b.len();
    if len >= 64 {
        // the 64 bytes that end the text, shifted into place
        specials(b[len - 64..].try_into().unwrap_or(&[0; 64])) >> (block + 64 - len)
    } else {
        // a text shorter than a block, padded with a byte that is not special
        let mut pad = [b' '; 64];
        let rest = b.get(block..).unwrap_or_default();
        pad[..rest.len()].copy_from_slice(rest);
        specials(&pad)
    }
}

/// Bit k set when `block[k]` is `"`, `\\` or a control character (below 0x20): where a string
/// ends, escapes, or is invalid.
#[inline(always)]
fn specials(block: &[u8; 64]) -> u64 {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    // SAFETY: `specials_sse2` only needs SSE2, which the cfg says this target has (every x86_64
    // CPU does)
    return unsafe { simd::specials_sse2(block) };
    #[expect(unreachable_code)]
    specials_swar(block)
}

/// [`specials`] eight bytes at a time in plain integers (SWAR), for targets without SSE2.
fn specials_swar(block: &[u8; 64]) -> u64 {
    const LOW7: u64 = u64::from_ne_bytes([0x7f; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    // the high bit of each byte of `x` that is zero (exact: no carry crosses a byte)
    let zero = |x: u64| !(((x & LOW7) + LOW7) | x | LOW7);
    let mut bits = 0u64;
    for (k, word) in block.chunks_exact(8).enumerate() {
        let w = u64::from_le_bytes(word.try_into().unwrap_or_default());
        let quote = zero(w ^ u64::from_ne_bytes([b'"'; 8]));
        let backslash = zero(w ^ u64::from_ne_bytes([b'\\'; 8]));
        // below 0x20: the high bit clear, and the low seven bits plus 0x60 below 0x80
        let control = !((w & LOW7) + u64::from_ne_bytes([0x60; 8])) & !w & HIGH;
        let high = (quote | backslash | control) & HIGH;
        // gather the eight high bits into one byte, byte i's at bit i
        let byte = (high >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56;
        bits |= byte << (8 * k);
    }
    bits
}

/// [`specials`] a byte at a time: the reference for tests.
#[cfg(test)]
fn specials_scalar(block: &[u8; 64]) -> u64 {
    let mut bits = 0u64;
    for (k, &c) in block.iter().enumerate() {
        bits |= u64::from(c == b'"' || c == b'\\' || c < 0x20) << k;
    }
    bits
}

/// The SIMD version of [`specials`], the one reason for `unsafe` here. Measured on the bench log
/// (`parse::fast`, 32 MB of 1 KB lines): 14.5 ms with SSE2, 17.6 ms with `specials_swar`
/// (1.2x), 39.9 ms with the byte loop of `specials_scalar` (LLVM does not vectorize it). AVX2,
/// detected at run time, was no faster: a call to it cannot be inlined.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod simd {
    use std::arch::x86_64::*;

    #[target_feature(enable = "sse2")]
    pub fn specials_sse2(block: &[u8; 64]) -> u64 {
        let mut bits = 0u64;
        for k in 0..4 {
            // SAFETY: bytes 16k..16k+16 of a 64-byte array (an unaligned load)
            let v = unsafe { _mm_loadu_si128(block.as_ptr().add(16 * k).cast()) };
            let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
            let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
            // unsigned v <= 0x1f: min(v, 0x1f) == v
            let control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v);
            let m = _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control));
            bits |= u64::from(m as u16) << (16 * k);
        }
        bits
    }
}

fn hex(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some((c - b'0') as u32),
        b'a'..=b'f' => Some((c - b'a' + 10) as u32),
        b'A'..=b'F' => Some((c - b'A' + 10) as u32),
        _ => None,
    }
}

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

/// The (at most three) empty lists the last event left, kept without an allocation of their
/// own: `Vec::push` here cost an allocation and a free per line.
#[derive(Default)]
struct Spare<'a> {
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

struct Cursor<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    /// The start of the 64-byte block whose [`specials`] are in `bits` (`usize::MAX`: none
    /// yet). Strings are looked at in order, so each block is computed about once.
    block: usize,
    bits: u64,
    /// Empty lists to read lists into, so that they need no allocation.
    spare: Spare<'a>,
    /// The optional fields to keep.
    fields: Fields,
}

impl<'a> Cursor<'a> {
    /// The position of the first `"`, `\\` or control character at or after `from`. Callers
    /// check which it is: a control character in a string is invalid JSON, so every byte of
    /// every string is checked for one.
    #[inline(always)]
    fn find(&mut self, from: usize) -> Option<usize> {
        if from >= self.b.len() {
            return None;
        }
        let mut block = from & !63;
        if block != self.block {
            self.load(block);
        }
        let mut m = self.bits & (!0u64 << (from & 63));
        while m == 0 {
            block += 64;
            if block >= self.b.len() {
                return None;
            }
            self.load(block);
            m = self.bits;
        }
        Some(block + m.trailing_zeros() as usize)
    }

    #[inline(always)]
    fn load(&mut self, block: usize) {
        self.block = block;
        self.bits = match self.b.get(block..block + 64) {
            Some(full) => specials(full.try_into().unwrap_or(&[0; 64])),
            None => last_block(self.b, block),
        };
    }

    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// Whitespace, of which there is usually none: one compare then.
    #[inline(always)]
    fn ws(&mut self) {
        if self.b.get(self.i).is_some_and(|&c| c <= b' ') {
            self.ws_slow();
        }
    }

    fn ws_slow(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    #[inline(always)]
    fn eat(&mut self, c: u8) -> Option<()> {
        if self.peek()? == c {
            self.i += 1;
            Some(())
        } else {
            None
        }
    }

    /// `lit` (`null`, `true`, `false`) at the cursor.
    #[inline(always)]
    fn lit(&mut self, lit: &[u8]) -> Option<()> {
        if self.b.get(self.i..self.i + lit.len())? == lit {
            self.i += lit.len();
            Some(())
        } else {
            None
        }
    }

    /// An object at the cursor (`{`), each member's key handed to `field`, which must read its
    /// value (the cursor is on it). Keys with escapes bail out: serde would decode them before
    /// matching them against field names.
    #[inline(always)]
    fn object(&mut self, mut field: impl FnMut(&mut Self, &'a [u8]) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        self.ws();
        if self.peek()? == b'}' {
            self.i += 1;
            return Some(());
        }
        loop {
            self.eat(b'"')?;
            let start = self.i;
            let end = self.find(start)?;
            if self.b[end] != b'"' {
                return None;
            }
            self.i = end + 1;
            self.ws();
            self.eat(b':')?;
            self.ws();
            let b = self.b;
            field(self, &b[start..end])?;
            self.ws();
            match self.peek()? {
                b',' => {
                    self.i += 1;
                    self.ws();
                }
                b'}' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// A struct that is an `Option`, read into `slot` (in place: Events are large): `null` is
    /// `None`; anything but an object bails out (serde also reads a struct from an array,
    /// rarely seen).
    #[inline(always)]
    fn opt<T: Default>(
        &mut self,
        slot: &mut Option<T>,
        f: impl FnOnce(&mut Self, &mut T) -> Option<()>,
    ) -> Option<()> {
        match self.peek()? {
            b'n' => self.lit(b"null"),
            b'{' => f(self, slot.insert(T::default())),
            _ => None,
        }
    }

    /// A [`Str`]: a string, or `null` for empty.
    #[inline(always)]
    fn str(&mut self) -> Option<Str<'a>> {
        match self.peek()? {
            b'"' => {
                self.i += 1;
                self.string().map(Str)
            }
            b'n' => {
                self.lit(b"null")?;
                Some(Str::default())
            }
            _ => None,
        }
    }

    /// The rest of a string whose opening quote was read: borrowed when it has no escapes.
    #[inline(always)]
    fn string(&mut self) -> Option<Cow<'a, str>> {
        let start = self.i;
        let end = self.find(start)?;
        if self.b[end] == b'"' {
            self.i = end + 1;
            // `"` is ASCII, so both ends are on character boundaries
            return self.s.get(start..end).map(Cow::Borrowed);
        }
        self.escaped(start, end).map(Cow::Owned)
    }

    /// A string with escapes, decoded as serde_json does: `start` is its first byte, `at` its
    /// first backslash.
    #[inline(never)]
    fn escaped(&mut self, start: usize, mut at: usize) -> Option<String> {
        // find the closing quote first: the raw length bounds the decoded one, so `out` is
        // allocated once
        let mut end = at;
        loop {
            match self.b[end] {
                b'"' => break,
                b'\\' => end = self.find(end + 2)?,
                _ => return None, // a control character
            }
        }
        let mut out = String::with_capacity(end - start);
        let mut from = start;
        loop {
            if self.b[at] != b'\\' {
                return None; // a control character
            }
            // the bytes before the escape hold no backslash, quote or control character
            out.push_str(self.s.get(from..at)?);
            let c = *self.b.get(at + 1)?;
            at += 2;
            match c {
                b'"' => out.push('"'),
                b'\\' => out.push('\\'),
                b'/' => out.push('/'),
                b'b' => out.push('\x08'),
                b'f' => out.push('\x0c'),
                b'n' => out.push('\n'),
                b'r' => out.push('\r'),
                b't' => out.push('\t'),
                b'u' => {
                    let h = self.b.get(at..at + 4)?;
                    let n = (hex(h[0])? << 12) | (hex(h[1])? << 8) | (hex(h[2])? << 4) | hex(h[3])?;
                    // surrogates (pairs or lone) are left to serde_json
                    out.push(char::from_u32(n)?);
                    at += 4;
                }
                _ => return None,
            }
            from = at;
            let next = self.find(from)?;
            if self.b[next] == b'"' {
                out.push_str(self.s.get(from..next)?);
                self.i = next + 1;
                return Some(out);
            }
            at = next;
        }
    }

    /// A [`Str`] of an optional field: read when `f` is asked for, else checked as [`str`]
    /// would read it (a string or `null`; escapes as [`escaped`] decodes them) and left empty.
    ///
    /// [`str`]: Self::str
    /// [`escaped`]: Self::escaped
    #[inline(always)]
    fn str_if(&mut self, f: Fields) -> Option<Str<'a>> {
        if self.fields.has(f) {
            return self.str();
        }
        self.str_unread()?;
        Some(Str::default())
    }

    /// A [`Str`] checked as [`str`](Self::str) reads it, not kept.
    fn str_unread(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => {
                self.i += 1;
                self.string_checked::<true>()
            }
            b'n' => self.lit(b"null"),
            _ => None,
        }
    }

    /// `null`, or an array each element of which `item` reads.
    #[inline(always)]
    fn array(&mut self, mut item: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        match self.peek()? {
            b'n' => return self.lit(b"null"),
            b'[' => self.i += 1,
            _ => return None,
        }
        self.ws();
        if self.peek()? == b']' {
            self.i += 1;
            return Some(());
        }
        loop {
            item(self)?;
            self.ws();
            match self.peek()? {
                b',' => {
                    self.i += 1;
                    self.ws();
                }
                b']' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// A list of [`Str`] of an optional field not asked for: checked as
    /// [`str_list`](Self::str_list) reads it, not kept.
    fn str_list_unread(&mut self) -> Option<()> {
        self.array(Self::str_unread)
    }

    /// A list of [`Str`]: an array, or `null` for empty.
    fn str_list(&mut self) -> Option<Vec<Str<'a>>> {
        let mut v = self.spare.pop().unwrap_or_default();
        self.array(|p| {
            v.push(p.str()?);
            Some(())
        })?;
        Some(v)
    }

    /// `responseStatus.code`: `null`, or a non-negative integer of up to 18 digits (so it fits
    /// an i64). Anything else (negative, fraction, exponent, longer) is serde's to read or
    /// refuse.
    fn code(&mut self) -> Option<Option<i64>> {
        match self.peek()? {
            b'n' => {
                self.lit(b"null")?;
                Some(None)
            }
            b'0' => {
                self.i += 1;
                match self.peek() {
                    Some(b'0'..=b'9' | b'.' | b'e' | b'E') => None,
                    _ => Some(Some(0)),
                }
            }
            b'1'..=b'9' => {
                let start = self.i;
                let mut n: i64 = 0;
                while let Some(c @ b'0'..=b'9') = self.peek() {
                    if self.i - start == 18 {
                        return None;
                    }
                    n = n * 10 + (c - b'0') as i64;
                    self.i += 1;
                }
                match self.peek() {
                    Some(b'.' | b'e' | b'E') => None,
                    _ => Some(Some(n)),
                }
            }
            _ => None,
        }
    }

    /// Skip one JSON value, checking it as serde_json's `ignore_value` does (strings' escapes,
    /// numbers' grammar, literals, commas and colons, any depth up to [`MAX_DEPTH`]).
    fn skip(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => {
                self.i += 1;
                return self.skip_string();
            }
            b'{' | b'[' => {}
            _ => return self.skip_scalar(),
        }
        // one bit per open container, 1 for an object
        let mut stack: u128 = 0;
        let mut depth: u32 = 0;
        loop {
            // at a value
            match self.peek()? {
                b'"' => {
                    self.i += 1;
                    self.skip_string()?;
                }
                b'{' => {
                    self.i += 1;
                    self.ws();
                    if self.peek()? == b'}' {
                        self.i += 1;
                    } else {
                        depth += 1;
                        if depth > MAX_DEPTH {
                            return None;
                        }
                        stack = (stack << 1) | 1;
                        self.member_key()?;
                        continue;
                    }
                }
                b'[' => {
                    self.i += 1;
                    self.ws();
                    if self.peek()? == b']' {
                        self.i += 1;
                    } else {
                        depth += 1;
                        if depth > MAX_DEPTH {
                            return None;
                        }
                        stack <<= 1;
                        continue;
                    }
                }
                _ => self.skip_scalar()?,
            }
            // after a value: close containers until a comma or the end
            loop {
                if depth == 0 {
                    return Some(());
                }
                self.ws();
                let obj = stack & 1 == 1;
                match self.peek()? {
                    b',' => {
                        self.i += 1;
                        self.ws();
                        if obj {
                            self.member_key()?;
                        }
                        break;
                    }
                    b'}' if obj => {}
                    b']' if !obj => {}
                    _ => return None,
                }
                self.i += 1;
                stack >>= 1;
                depth -= 1;
            }
        }
    }

    /// In a skipped object: `"key" :` and the whitespace after it.
    #[inline(always)]
    fn member_key(&mut self) -> Option<()> {
        self.eat(b'"')?;
        self.skip_string()?;
        self.ws();
        self.eat(b':')?;
        self.ws();
        Some(())
    }

    /// The rest of a skipped string: escapes are checked (a `\u` needs four hex digits, any
    /// value, as serde_json's `ignore_str`), and control characters refused.
    #[inline(always)]
    fn skip_string(&mut self) -> Option<()> {
        self.string_checked::<false>()
    }

    /// The rest of a string whose opening quote was read, checked and not decoded: control
    /// characters refused, escapes checked: with `CHAR`, as [`escaped`](Self::escaped) decodes
    /// them (a `\u` escape must be a character, not half a surrogate pair: serde_json decides
    /// those), else as serde_json's `ignore_str` (four hex digits, any value).
    #[inline(always)]
    fn string_checked<const CHAR: bool>(&mut self) -> Option<()> {
        loop {
            let at = self.find(self.i)?;
            match self.b[at] {
                b'"' => {
                    self.i = at + 1;
                    return Some(());
                }
                b'\\' => {}
                _ => return None, // a control character
            }
            match *self.b.get(at + 1)? {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.i = at + 2,
                b'u' => {
                    let h = self.b.get(at + 2..at + 6)?;
                    if CHAR {
                        let n =
                            (hex(h[0])? << 12) | (hex(h[1])? << 8) | (hex(h[2])? << 4) | hex(h[3])?;
                        char::from_u32(n)?;
                    } else if !h.iter().all(u8::is_ascii_hexdigit) {
                        return None;
                    }
                    self.i = at + 6;
                }
                _ => return None,
            }
        }
    }

    /// `true`, `false`, `null` or a number.
    fn skip_scalar(&mut self) -> Option<()> {
        match self.peek()? {
            b't' => self.lit(b"true"),
            b'f' => self.lit(b"false"),
            b'n' => self.lit(b"null"),
            b'-' | b'0'..=b'9' => self.skip_number(),
            _ => None,
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    fn skip_number(&mut self) -> Option<()> {
        if self.peek()? == b'-' {
            self.i += 1;
        }
        match self.peek()? {
            b'0' => self.i += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if !self.peek()?.is_ascii_digit() {
                return None;
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if !self.peek()?.is_ascii_digit() {
                return None;
            }
            self.digits();
        }
        Some(())
    }

    #[inline(always)]
    fn digits(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
    }

    fn user(&mut self, u: &mut UserInfo<'a>) -> Option<()> {
        let mut seen = 0u32;
        self.object(|p, key| {
            match key {
                b"username" => {
                    once!(seen, 0);
                    u.username = p.str()?;
                }
                b"groups" => {
                    once!(seen, 1);
                    if p.fields.has(Fields::GROUPS) {
                        u.groups = p.str_list()?;
                    } else {
                        p.str_list_unread()?;
                    }
                }
                b"extra" => {
                    once!(seen, 2);
                    p.extra(&mut u.extra)?;
                }
                _ => p.skip()?,
            }
            Some(())
        })
    }

    fn object_ref(&mut self, o: &mut ObjectRef<'a>) -> Option<()> {
        let mut seen = 0u32;
        self.object(|p, key| {
            match key {
                b"resource" => {
                    once!(seen, 0);
                    o.resource = p.str()?;
                }
                b"namespace" => {
                    once!(seen, 1);
                    o.namespace = p.str()?;
                }
                b"name" => {
                    once!(seen, 2);
                    o.name = p.str()?;
                }
                b"apiGroup" => {
                    once!(seen, 3);
                    o.api_group = p.str()?;
                }
                b"apiVersion" => {
                    once!(seen, 4);
                    o.api_version = p.str()?;
                }
                b"subresource" => {
                    once!(seen, 5);
                    o.subresource = p.str()?;
                }
                _ => p.skip()?,
            }
            Some(())
        })
    }

    fn status(&mut self, s: &mut Status<'a>) -> Option<()> {
        let mut seen = 0u32;
        self.object(|p, key| {
            match key {
                b"code" => {
                    once!(seen, 0);
                    s.code = p.code()?;
                }
                b"reason" => {
                    once!(seen, 1);
                    s.reason = p.str_if(Fields::STATUS_TEXT)?;
                }
                b"message" => {
                    once!(seen, 2);
                    s.message = p.str_if(Fields::STATUS_TEXT)?;
                }
                _ => p.skip()?,
            }
            Some(())
        })
    }

    fn annotations(&mut self, a: &mut Annotations<'a>) -> Option<()> {
        let mut seen = 0u32;
        self.object(|p, key| {
            match key {
                b"authorization.k8s.io/decision" => {
                    once!(seen, 0);
                    a.decision = p.str()?;
                }
                b"authorization.k8s.io/reason" => {
                    once!(seen, 1);
                    a.reason = p.str_if(Fields::AUTHZ_REASON)?;
                }
                b"audit.k8s.io/truncated" => {
                    once!(seen, 2);
                    a.truncated = p.str()?;
                }
                _ => {
                    if p.peek()? == b'"' {
                        if p.fields.has(Fields::ANNOTATIONS) {
                            let k = std::str::from_utf8(key).ok()?;
                            let v = p.str()?;
                            a.others.push((Str(Cow::Borrowed(k)), v));
                        } else {
                            p.str_unread()?;
                        }
                    } else {
                        p.skip_any_but_number()?
                    }
                }
            }
            Some(())
        })
    }

    /// `user.extra`: an object of lists of strings as [`crate::event::UserInfo::extra`] reads
    /// it (a value that is not a list kept as an empty list, an item that is not a string
    /// left out), or `null`. Checked alike when not asked for.
    fn extra(&mut self, out: &mut Vec<(Str<'a>, Vec<Str<'a>>)>) -> Option<()> {
        let keep = self.fields.has(Fields::EXTRA);
        match self.peek()? {
            b'n' => return self.lit(b"null"),
            b'{' => {}
            _ => return None,
        }
        self.object(|p, key| {
            let mut items = Vec::new();
            if p.peek()? == b'[' {
                p.array(|p| {
                    if p.peek()? == b'"' {
                        if keep {
                            items.push(p.str()?);
                        } else {
                            p.str_unread()?;
                        }
                    } else {
                        p.skip_any_but_number()?;
                    }
                    Some(())
                })?;
            } else {
                p.skip_any_but_number()?;
            }
            if keep {
                out.push((Str(Cow::Borrowed(std::str::from_utf8(key).ok()?)), items));
            }
            Some(())
        })
    }

    /// A value that serde reads with `deserialize_any` (so decodes a string, and computes a
    /// number, which can fail where skipping does not): a string is checked as decoded, a
    /// number is left to serde, anything else is skipped.
    fn skip_any_but_number(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.str_unread(),
            b'-' | b'0'..=b'9' => None,
            _ => self.skip(),
        }
    }

    /// `requestObject`, read for its `dryRun` only (see `event::dry_run_probe`).
    fn dry_run_probe(&mut self) -> Option<Option<bool>> {
        match self.peek()? {
            b'n' => {
                self.lit(b"null")?;
                Some(None)
            }
            b'{' => {
                let mut dry = false;
                self.object(|p, key| {
                    if key != b"dryRun" {
                        return p.skip();
                    }
                    if p.peek()? == b'[' {
                        let at = p.i;
                        p.i += 1;
                        p.ws();
                        dry |= p.peek()? != b']';
                        p.i = at;
                    }
                    p.skip_any_but_number()
                })?;
                Some(Some(dry))
            }
            _ => {
                self.skip_any_but_number()?;
                Some(Some(false))
            }
        }
    }

    fn event(&mut self, e: &mut Event<'a>) -> Option<()> {
        let mut seen = 0u32;
        let mut others = false;
        self.object(|p, key| {
            match key {
                b"kind" => {
                    once!(seen, 0);
                    e.kind = p.str()?;
                }
                b"apiVersion" => {
                    once!(seen, 1);
                    e.api_version = p.str()?;
                }
                b"level" => {
                    once!(seen, 2);
                    e.level = p.str()?;
                }
                b"auditID" => {
                    once!(seen, 3);
                    e.audit_id = p.str()?;
                }
                b"stage" => {
                    once!(seen, 4);
                    e.stage = p.str()?;
                }
                b"requestURI" => {
                    once!(seen, 5);
                    e.request_uri = p.str()?;
                }
                b"verb" => {
                    once!(seen, 6);
                    e.verb = p.str()?;
                }
                b"user" => {
                    once!(seen, 7);
                    p.opt(&mut e.user, Self::user)?;
                }
                b"impersonatedUser" => {
                    once!(seen, 8);
                    p.opt(&mut e.impersonated_user, Self::user)?;
                }
                b"sourceIPs" => {
                    once!(seen, 9);
                    if p.fields.has(Fields::SOURCE_IPS) {
                        e.source_ips = p.str_list()?;
                    } else {
                        p.str_list_unread()?;
                    }
                }
                b"userAgent" => {
                    once!(seen, 10);
                    e.user_agent = p.str_if(Fields::USER_AGENT)?;
                }
                b"objectRef" => {
                    once!(seen, 11);
                    p.opt(&mut e.object_ref, Self::object_ref)?;
                }
                b"responseStatus" => {
                    once!(seen, 12);
                    p.opt(&mut e.response_status, Self::status)?;
                }
                b"requestReceivedTimestamp" => {
                    once!(seen, 13);
                    e.request_received_timestamp = p.str()?;
                }
                b"stageTimestamp" => {
                    once!(seen, 14);
                    e.stage_timestamp = p.str()?;
                }
                b"timestamp" => {
                    once!(seen, 15);
                    e.timestamp = p.str()?;
                }
                b"annotations" => {
                    once!(seen, 16);
                    p.opt(&mut e.annotations, Self::annotations)?;
                }
                b"requestObject" => {
                    once!(seen, 17);
                    others = true;
                    e.body_dry_run = p.dry_run_probe()?;
                }
                _ => {
                    // requestObject, responseObject, or a key written with escapes
                    others = true;
                    p.skip()?
                }
            }
            Some(())
        })?;
        e.no_bodies = !others;
        Some(())
    }
}

#[cfg(test)]
mod tests;
