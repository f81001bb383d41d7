//! Inputs that are JSON documents rather than lines: a pretty-printed Event, `EventList` or
//! array (`gcloud logging read --format=json`, `aws logs filter-log-events`, `jq .` output), or
//! several such documents one after the other.
//!
//! [`is_document`] decides from the first bytes of an input; [`items`] cuts a document into the
//! records it holds (the elements of an array, the `items`/`records`/`events` of a batch, or the
//! value itself), each with the line it starts on, so workers can read them in parallel like
//! lines. A value that does not parse is reported once, at its line; the whole values that open
//! in column 1 inside it are still read, and reading resumes at the next line that starts a
//! value in column 1 past the point where it failed (so no byte is parsed more than a few
//! times, whatever the input). Records are read by `format.rs`; this module only finds them.

use serde::Deserialize;
use serde_json::error::Category;
use serde_json::value::RawValue;

use super::native::{Skip, json_error};

/// The UTF-8 byte-order mark, which some editors and Windows tools write before the first line.
/// It is not part of any record: the scan skips it where it starts a line or a document.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How much of an input [`is_document`] needs to see.
pub const HEAD: usize = 64 << 10;

/// Does this input hold JSON documents that span lines? True when its first non-blank line
/// opens an object or array that it does not close (`{`, `[`, `[{`, `{ "kind": "EventList",`).
/// A JSON-lines file's first line ends with `}` (or `]`); so does a one-line document, which the
/// line reader handles.
pub fn is_document(head: &[u8]) -> bool {
    let head = head.strip_prefix(BOM).unwrap_or(head);
    let Some(start) = head.iter().position(|b| !b.is_ascii_whitespace()) else {
        return false;
    };
    let rest = &head[start..];
    if rest[0] != b'{' && rest[0] != b'[' {
        return false;
    }
    let Some(nl) = memchr::memchr(b'\n', rest) else {
        return false;
    };
    let line = rest[..nl].trim_ascii_end();
    !(line.ends_with(b"}") || line.ends_with(b"]"))
}

/// One record of a document: `buf[start..end]`, starting on line `line` (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    pub start: usize,
    pub end: usize,
    pub line: u64,
}

/// A value that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Malformed {
        line: u64,
        reason: String,
    },
    /// The input ends inside a value: a file still being written.
    Unfinished {
        line: u64,
    },
}

impl Problem {
    pub fn line(&self) -> u64 {
        match self {
            Problem::Malformed { line, .. } | Problem::Unfinished { line } => *line,
        }
    }
    pub fn reason(&self) -> String {
        match self {
            Problem::Malformed { reason, .. } => reason.clone(),
            Problem::Unfinished { .. } => Skip::Unterminated.reason().to_string(),
        }
    }
}

/// The lists that make a top-level object a batch.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Batch<'a> {
    #[serde(default, borrow)]
    items: Option<Vec<&'a RawValue>>,
    #[serde(default, borrow)]
    records: Option<Vec<&'a RawValue>>,
    #[serde(default, borrow)]
    events: Option<Vec<&'a RawValue>>,
    #[serde(default, borrow)]
    log_events: Option<Vec<&'a RawValue>>,
}

/// Counts lines up to increasing offsets.
struct LineCounter<'a> {
    buf: &'a [u8],
    at: usize,
    line: u64,
}

impl LineCounter<'_> {
    fn line_of(&mut self, offset: usize) -> u64 {
        if offset > self.at {
            self.line += memchr::memchr_iter(b'\n', &self.buf[self.at..offset]).count() as u64;
            self.at = offset;
        }
        self.line
    }
}

/// The records of `buf`, in order, and the values that could not be read. `lines` is the
/// number of lines in `buf` (a last line without `\n` counts).
pub fn items(buf: &[u8]) -> (Vec<Item>, Vec<Problem>, u64) {
    let mut items = Vec::new();
    let mut problems = Vec::new();
    let mut lc = LineCounter {
        buf,
        at: 0,
        line: 1,
    };
    let base = buf.as_ptr() as usize;
    let offset = |v: &RawValue| v.get().as_ptr() as usize - base;
    let mut pos = 0;
    while pos < buf.len() {
        let mut stream = serde_json::Deserializer::from_slice(&buf[pos..]).into_iter::<&RawValue>();
        let mut failed = None;
        for v in stream.by_ref() {
            match v {
                Ok(v) => {
                    let start = offset(v);
                    let end = start + v.get().len();
                    split(v, start, end, &mut lc, &mut items);
                }
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        let done = pos + stream.byte_offset();
        let Some(e) = failed else {
            crate::work::add(done - pos);
            break;
        };
        // the value that failed starts after the whitespace that follows the last good one
        let bad = done
            + buf[done..]
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .unwrap_or(0);
        let line = lc.line_of(bad);
        // Where the parser stopped: `buf[bad..stop]` is well-formed as far as it goes. Values
        // that open in column 1 in there and close before `stop` are whole records (a writer
        // that restarted, an array cut short): read them. Those that do not close would stop at
        // the same place; they are not parsed again (that made `[\n[\n[\n...` quadratic).
        let stop = if e.classify() == Category::Eof {
            buf.len()
        } else {
            (pos + error_offset(&buf[pos..], &e)).clamp(bad + 1, buf.len())
        };
        for (s, end) in closed_values(buf, bad, stop) {
            crate::work::add(end - s);
            if let Ok(v) = serde_json::from_slice::<&RawValue>(&buf[s..end]) {
                split(v, s, end, &mut lc, &mut items);
            }
        }
        // resume at the next line that opens a value in column 1
        let next = (stop..buf.len())
            .find(|&i| buf[i - 1] == b'\n' && matches!(buf[i], b'{' | b'['))
            .unwrap_or(buf.len());
        // parsed up to where it stopped; scanned for closed values, then for the next value
        crate::work::add((stop - pos) + (stop - bad) + (next - stop));
        if e.classify() == Category::Eof && next == buf.len() {
            problems.push(Problem::Unfinished { line });
        } else {
            problems.push(Problem::Malformed {
                line,
                reason: json_error(&buf[bad..next], &e),
            });
        }
        pos = next;
    }
    let lines = lc.line_of(buf.len()) - u64::from(buf.last().is_none_or(|&b| b == b'\n'));
    (items, problems, lines)
}

/// The offset in `buf` of the byte a parse of `buf` failed at (serde reports line and column).
fn error_offset(buf: &[u8], e: &serde_json::Error) -> usize {
    let line_start = if e.line() <= 1 {
        0
    } else {
        memchr::memchr_iter(b'\n', buf)
            .nth(e.line() - 2)
            .map_or(buf.len(), |i| i + 1)
    };
    line_start + e.column().saturating_sub(1)
}

/// The values that open in column 1 after `from` and close before `to`, outermost ones only, in
/// order. `buf[from..to]` is JSON that a parser read without error, so brackets in it pair up
/// and no string spans a line.
fn closed_values(buf: &[u8], from: usize, to: usize) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    // values opened in column 1 and not closed yet: (start, depth around them)
    let mut open: Vec<(usize, usize)> = Vec::new();
    let (mut depth, mut in_str, mut escaped) = (0usize, false, false);
    for i in from..to {
        let b = buf[i];
        if in_str {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_str = false;
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'{' | b'[' => {
                if i > from && buf[i - 1] == b'\n' {
                    open.push((i, depth));
                }
                depth += 1;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if let Some(&(start, d)) = open.last()
                    && d == depth
                {
                    open.pop();
                    // it holds the ones found since it opened
                    while out.last().is_some_and(|&(s, _)| s > start) {
                        out.pop();
                    }
                    out.push((start, i + 1));
                }
            }
            _ => {}
        }
    }
    out
}

/// The records of one top-level value.
fn split(v: &RawValue, start: usize, end: usize, lc: &mut LineCounter, out: &mut Vec<Item>) {
    let base = v.get().as_ptr() as usize - start;
    let mut push = |r: &RawValue| {
        let s = r.get().as_ptr() as usize - base;
        out.push(Item {
            start: s,
            end: s + r.get().len(),
            line: lc.line_of(s),
        });
    };
    let text = v.get();
    crate::work::add(text.len());
    let list = if text.starts_with('[') {
        serde_json::from_str::<Vec<&RawValue>>(text).ok()
    } else if text.starts_with('{') {
        serde_json::from_str::<Batch>(text)
            .ok()
            .and_then(|b| b.items.or(b.records).or(b.events).or(b.log_events))
            .filter(|l| !l.is_empty())
    } else {
        None
    };
    match list {
        Some(l) if !l.is_empty() => l.iter().for_each(|r| push(r)),
        _ => {
            let line = lc.line_of(start);
            out.push(Item { start, end, line });
        }
    }
}

/// A JSON value on one line: whitespace outside strings removed, everything else byte for
/// byte (so `-o raw` prints one event per line whatever the document's layout).
pub fn minify(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    let (mut in_str, mut escaped) = (false, false);
    for &c in b {
        if in_str {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
            } else if c == b'"' {
                in_str = false;
            }
        } else if !c.is_ascii_whitespace() {
            in_str = c == b'"';
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minifies_outside_strings_only() {
        assert_eq!(
            minify(b"{\n  \"a b\": \"x \\\" y\",\n  \"c\": [1, 2]\n}"),
            b"{\"a b\":\"x \\\" y\",\"c\":[1,2]}"
        );
    }

    #[test]
    fn tells_documents_from_lines() {
        assert!(is_document(b"{\n  \"kind\": \"Event\"\n}\n"));
        assert!(is_document(b"\n\n[\n  {\n"));
        assert!(is_document(b"[{\"a\":1},\n{\"b\":2}]"));
        assert!(!is_document(
            b"{\"kind\":\"Event\"}\n{\"kind\":\"Event\"}\n"
        ));
        assert!(!is_document(b"[{\"kind\":\"Event\"}]\n"));
        assert!(!is_document(b"host {\"kind\":\"Event\"}\n"));
        assert!(!is_document(b"{\"kind\":\"Ev"));
        assert!(!is_document(b""));
    }

    fn texts(buf: &str) -> (Vec<(u64, String)>, Vec<Problem>, u64) {
        let (items, problems, lines) = items(buf.as_bytes());
        (
            items
                .iter()
                .map(|i| (i.line, buf[i.start..i.end].replace(char::is_whitespace, "")))
                .collect(),
            problems,
            lines,
        )
    }

    #[test]
    fn cuts_documents_into_records() {
        let doc =
            "{\n \"kind\": \"EventList\",\n \"items\": [\n  {\"a\": 1},\n  {\"b\": 2}\n ]\n}\n";
        let (got, problems, lines) = texts(doc);
        assert_eq!(got, [(4, "{\"a\":1}".into()), (5, "{\"b\":2}".into())]);
        assert!(problems.is_empty());
        assert_eq!(lines, 7);
        // jq's pretty output: values one after the other
        let (got, _, _) = texts("{\n \"a\": 1\n}\n{\n \"b\": 2\n}\n");
        assert_eq!(got, [(1, "{\"a\":1}".into()), (4, "{\"b\":2}".into())]);
        let (got, _, _) = texts("[\n {\"a\": 1},\n {\"b\": 2}\n]");
        assert_eq!(got.len(), 2);
        // an empty batch is one record (the reader skips it with a reason)
        let (got, _, _) = texts("{\n \"kind\": \"EventList\", \"items\": []\n}\n");
        assert_eq!(got.len(), 1);
    }

    #[test]
    fn reports_bad_values_and_resumes() {
        let doc = "{\n \"a\": 1\n}\n{\n \"b\": oops\n}\n{\n \"c\": 3\n}\n";
        let (got, problems, _) = texts(doc);
        assert_eq!(got, [(1, "{\"a\":1}".into()), (7, "{\"c\":3}".into())]);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line(), 4);
        assert!(
            problems[0].reason().starts_with("invalid JSON"),
            "{problems:?}"
        );
        // cut at the end: a write in progress
        let (got, problems, _) = texts("{\n \"a\": 1\n}\n{\n \"b\": ");
        assert_eq!(got.len(), 1);
        assert_eq!(problems, [Problem::Unfinished { line: 4 }]);
    }

    #[test]
    fn whole_values_inside_a_failed_one_are_read_once() {
        // an array cut short, its records in column 1
        let (got, problems, _) = texts("[\n{\"a\": 1},\n{\"b\": 2},\n{\"c\": ");
        assert_eq!(got, [(2, "{\"a\":1}".into()), (3, "{\"b\":2}".into())]);
        assert_eq!(problems, [Problem::Unfinished { line: 1 }]);
        // a writer that restarted inside a value; garbage; a value after it
        let (got, problems, _) = texts("{\n \"a\": [\n{\"k\": [1]}\n x\n{\"b\": 2}\n");
        assert_eq!(got, [(3, "{\"k\":[1]}".into()), (5, "{\"b\":2}".into())]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].line(), 1);
    }

    /// Fuzz regression (scripts/fuzz/seeds/document/regress-unclosed-lines.json): every line
    /// opened a value that ran to the end of the input, and reading resumed at each of them, so
    /// 40 KB took 8 s (quadratic). Now each byte is parsed a bounded number of times: counted
    /// (`crate::work`), not timed, so a busy machine cannot fail it and a fast one cannot hide it.
    #[test]
    fn unclosed_value_on_every_line_is_linear() {
        for doc in ["[\n".repeat(20_000), "[\n".repeat(20_000) + "x\n"] {
            let before = crate::work::done();
            let (got, problems, _) = items(doc.as_bytes());
            let work = crate::work::done() - before;
            // (the quadratic reading passed over 800 million bytes)
            assert!(work <= 4 * doc.len() as u64, "{work} bytes parsed");
            assert!(got.is_empty());
            // one value that fails, not one per line
            assert_eq!(problems.len(), 1, "{:?}", &problems[..2]);
            assert_eq!(problems[0].line(), 1);
        }
    }
}
