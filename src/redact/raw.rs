//! A raw log line as `events -o raw` prints it: its bodies' secrets found as [`Redactor::body`]
//! finds them, and the line rewritten only at those values. A small JSON reader keeps where each
//! value of a line is, so that only secret values are rewritten and every other byte stays as
//! read. It does not decide what is a secret (`body.rs`).

use std::borrow::Cow;

use serde_json::Value;

use super::body::Redactor;
use super::placeholder;
use super::text::TRIGGER;

/// A raw log line as `events -o raw` prints it: every byte as read, but for the secrets of its
/// `requestObject` and `responseObject` (as [`Redactor::body`] finds them, for a request on
/// `secrets` or not, a patch or not), each value replaced by its redacted JSON. A body that
/// cannot be read safely (nested deeper than 128 levels, a key twice) is replaced whole by
/// `"<redacted N bytes>"`. With `show` (`--show-secrets`), the line as read.
pub fn raw_line(line: &[u8], show: bool) -> Cow<'_, [u8]> {
    // no body member, however its key is written (a key with an escape has a backslash)
    if show
        || (memchr::memchr(b'\\', line).is_none()
            && memchr::memmem::find(line, b"Object\"").is_none())
    {
        return Cow::Borrowed(line);
    }
    match edits(line) {
        Some(edits) if edits.is_empty() => Cow::Borrowed(line),
        Some(edits) => {
            let mut out = Vec::with_capacity(line.len());
            let mut at = 0;
            for (start, end, text) in edits {
                out.extend_from_slice(&line[at..start]);
                out.extend_from_slice(text.as_bytes());
                at = end;
            }
            out.extend_from_slice(&line[at..]);
            Cow::Owned(out)
        }
        // not one JSON object: its bodies cannot be found, so nothing of it is printed
        None => Cow::Owned(
            Value::String(placeholder(line.len()))
                .to_string()
                .into_bytes(),
        ),
    }
}

/// How deep a body is read for a raw line (serde_json's own limit is 128).
const MAX_DEPTH: usize = 128;

/// A value's bytes (`start..end`) and the index after its last descendant, in pre-order.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    next: usize,
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
    spans: Vec<Span>,
}

impl<'a> Reader<'a> {
    fn ws(&mut self) {
        while self
            .b
            .get(self.i)
            .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.b.get(self.i) == Some(&c)).then(|| self.i += 1)
    }

    /// The end of the string starting at `self.i` (after its closing quote).
    fn string_end(&self) -> Option<usize> {
        let mut i = self.i + 1;
        loop {
            let n = memchr::memchr2(b'"', b'\\', &self.b[i..])?;
            i += n;
            if self.b[i] == b'\\' {
                i += 2;
            } else {
                return Some(i + 1);
            }
        }
    }

    fn string(&mut self) -> Option<String> {
        self.ws();
        if self.b.get(self.i) != Some(&b'"') {
            return None;
        }
        let end = self.string_end()?;
        let raw = &self.b[self.i..end];
        self.i = end;
        if memchr::memchr(b'\\', raw).is_none() {
            Some(
                std::str::from_utf8(&raw[1..raw.len() - 1])
                    .ok()?
                    .to_string(),
            )
        } else {
            serde_json::from_slice(raw).ok()
        }
    }

    /// Past one value without building it (any depth), checked only as far as needed to
    /// find its end.
    fn skip(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            self.ws();
            let c = *self.b.get(self.i)?;
            match c {
                b'{' | b'[' => {
                    depth += 1;
                    self.i += 1;
                    continue;
                }
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    self.i += 1;
                }
                b'"' => self.i = self.string_end()?,
                b',' | b':' if depth > 0 => {
                    self.i += 1;
                    continue;
                }
                _ => {
                    let n = self.b[self.i..]
                        .iter()
                        .position(|c| b",]} \t\r\n".contains(c))
                        .unwrap_or(self.b.len() - self.i);
                    if n == 0 {
                        return None;
                    }
                    self.i += n;
                }
            }
            if depth == 0 {
                return Some(());
            }
        }
    }

    /// One value as a `Value`, its span and its descendants' recorded; `None` past
    /// [`MAX_DEPTH`], on a key given twice, or on anything that is not JSON.
    fn value(&mut self, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        let start = self.i;
        let idx = self.spans.len();
        self.spans.push(Span {
            start,
            end: start,
            next: idx,
        });
        let v = match *self.b.get(self.i)? {
            b'{' => {
                self.i += 1;
                let mut m = serde_json::Map::new();
                if self.eat(b'}').is_none() {
                    loop {
                        let k = self.string()?;
                        self.eat(b':')?;
                        let x = self.value(depth + 1)?;
                        if m.insert(k, x).is_some() {
                            return None;
                        }
                        if self.eat(b',').is_none() {
                            self.eat(b'}')?;
                            break;
                        }
                    }
                }
                Value::Object(m)
            }
            b'[' => {
                self.i += 1;
                let mut a = Vec::new();
                if self.eat(b']').is_none() {
                    loop {
                        a.push(self.value(depth + 1)?);
                        if self.eat(b',').is_none() {
                            self.eat(b']')?;
                            break;
                        }
                    }
                }
                Value::Array(a)
            }
            b'"' => Value::String(self.string()?),
            _ => {
                let n = self.b[self.i..]
                    .iter()
                    .position(|c| b",]} \t\r\n".contains(c))
                    .unwrap_or(self.b.len() - self.i);
                let v: Value = serde_json::from_slice(&self.b[self.i..self.i + n]).ok()?;
                if v.is_object() || v.is_array() || v.is_string() {
                    return None;
                }
                self.i += n;
                v
            }
        };
        self.spans[idx].end = self.i;
        self.spans[idx].next = self.spans.len();
        Some(v)
    }
}

/// The replacements for `line`'s secrets, in order: (start, end, JSON text). `None` when
/// the line is not one JSON object.
fn edits(line: &[u8]) -> Option<Vec<(usize, usize, String)>> {
    let mut r = Reader {
        b: line,
        i: 0,
        spans: Vec::new(),
    };
    r.eat(b'{')?;
    let mut bodies = Vec::new();
    let mut resource = None;
    let mut refs = 0;
    let mut patch = false;
    if r.eat(b'}').is_none() {
        loop {
            let k = r.string()?;
            r.eat(b':')?;
            r.ws();
            let start = r.i;
            r.skip()?;
            let span = (start, r.i);
            match k.as_str() {
                "requestObject" | "responseObject" => bodies.push((k == "requestObject", span)),
                "objectRef" => {
                    refs += 1;
                    resource = serde_json::from_slice::<Value>(&line[span.0..span.1])
                        .ok()
                        .and_then(|v| v.get("resource")?.as_str().map(str::to_string));
                }
                "verb" => patch = &line[span.0..span.1] == b"\"patch\"",
                _ => {}
            }
            if r.eat(b',').is_none() {
                r.eat(b'}')?;
                break;
            }
        }
    }
    // a request on secrets, or one whose resource cannot be told: Secret data (fail closed)
    let secret = refs != 1 || resource.as_deref().is_none_or(|r| r == "secrets");
    let red = Redactor::new(secret, false);
    let mut out = Vec::new();
    for (request, (start, end)) in bodies {
        let body = &line[start..end];
        // nothing named or shaped like a credential, however escaped: nothing to hide
        if !secret
            && memchr::memchr(b'\\', body).is_none()
            && std::str::from_utf8(body).is_ok_and(|b| !TRIGGER.is_match(b))
        {
            continue;
        }
        let mut br = Reader {
            b: body,
            i: 0,
            spans: Vec::new(),
        };
        let parsed = br.value(0).filter(|_| {
            br.ws();
            br.i == body.len()
        });
        let Some(v) = parsed else {
            out.push((start, end, quoted(placeholder(end - start))));
            continue;
        };
        let red = if memchr::memmem::find(body, super::LAST_APPLIED.as_bytes()).is_some() {
            red.about([Some(&v)])
        } else {
            red
        };
        let redacted = red.body(&v, patch && request);
        let mut idx = 0;
        diff(&v, &redacted, &br.spans, &mut idx, start, &mut out);
    }
    out.sort_by_key(|e| e.0);
    Some(out)
}

fn quoted(s: String) -> String {
    Value::String(s).to_string()
}

/// The spans where `red` differs from `orig` (walked in pre-order with `spans`), as
/// replacements at `offset` in the line.
fn diff(
    orig: &Value,
    red: &Value,
    spans: &[Span],
    idx: &mut usize,
    offset: usize,
    out: &mut Vec<(usize, usize, String)>,
) {
    let me = spans[*idx];
    match (orig, red) {
        (Value::Object(a), Value::Object(b))
            if a.len() == b.len() && a.keys().zip(b.keys()).all(|(x, y)| x == y) =>
        {
            *idx += 1;
            for (x, y) in a.values().zip(b.values()) {
                diff(x, y, spans, idx, offset, out);
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            *idx += 1;
            for (x, y) in a.iter().zip(b) {
                diff(x, y, spans, idx, offset, out);
            }
        }
        (a, b) => {
            if a != b {
                out.push((offset + me.start, offset + me.end, b.to_string()));
            }
            *idx = me.next;
        }
    }
}
