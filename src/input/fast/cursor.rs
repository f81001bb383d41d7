//! The JSON reader of the fast parser: a cursor over one line that finds strings through the
//! block bitmaps (`specials.rs`), borrows those without escapes and decodes the others as
//! serde_json does, reads objects, arrays, lists of strings and status codes, and skips any
//! other value while validating it as JSON (no deeper than [`super::MAX_DEPTH`]). It does not
//! know the Event's fields (`fields.rs`).

use std::borrow::Cow;

use super::specials::{last_block, specials};
use super::{MAX_DEPTH, Spare};
use crate::event::{Fields, Str};

fn hex(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some((c - b'0') as u32),
        b'a'..=b'f' => Some((c - b'a' + 10) as u32),
        b'A'..=b'F' => Some((c - b'A' + 10) as u32),
        _ => None,
    }
}

pub(super) struct Cursor<'a> {
    pub(super) s: &'a str,
    pub(super) b: &'a [u8],
    pub(super) i: usize,
    /// The start of the 64-byte block whose [`specials`] are in `bits` (`usize::MAX`: none
    /// yet). Strings are looked at in order, so each block is computed about once.
    pub(super) block: usize,
    pub(super) bits: u64,
    /// Empty lists to read lists into, so that they need no allocation.
    pub(super) spare: Spare<'a>,
    /// The optional fields to keep.
    pub(super) fields: Fields,
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
    pub(super) fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// Whitespace, of which there is usually none: one compare then.
    #[inline(always)]
    pub(super) fn ws(&mut self) {
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
    pub(super) fn eat(&mut self, c: u8) -> Option<()> {
        if self.peek()? == c {
            self.i += 1;
            Some(())
        } else {
            None
        }
    }

    /// `lit` (`null`, `true`, `false`) at the cursor.
    #[inline(always)]
    pub(super) fn lit(&mut self, lit: &[u8]) -> Option<()> {
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
    pub(super) fn object(
        &mut self,
        mut field: impl FnMut(&mut Self, &'a [u8]) -> Option<()>,
    ) -> Option<()> {
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
    pub(super) fn opt<T: Default>(
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
    pub(super) fn str(&mut self) -> Option<Str<'a>> {
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
    pub(super) fn str_if(&mut self, f: Fields) -> Option<Str<'a>> {
        if self.fields.has(f) {
            return self.str();
        }
        self.str_unread()?;
        Some(Str::default())
    }

    /// A [`Str`] checked as [`str`](Self::str) reads it, not kept.
    pub(super) fn str_unread(&mut self) -> Option<()> {
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
    pub(super) fn array(&mut self, mut item: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
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
    pub(super) fn str_list_unread(&mut self) -> Option<()> {
        self.array(Self::str_unread)
    }

    /// A list of [`Str`]: an array, or `null` for empty.
    pub(super) fn str_list(&mut self) -> Option<Vec<Str<'a>>> {
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
    pub(super) fn code(&mut self) -> Option<Option<i64>> {
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
    pub(super) fn skip(&mut self) -> Option<()> {
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
    pub(super) fn skip_string(&mut self) -> Option<()> {
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
}
