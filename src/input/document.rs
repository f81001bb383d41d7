//! Inputs that are JSON documents rather than lines: a pretty-printed Event, `EventList` or
//! array (`gcloud logging read --format=json`, `aws logs filter-log-events`, `jq .` output), or
//! several such documents one after the other.
//!
//! [`is_document`] decides from the first bytes of an input. A document is cut into the records
//! it holds (the elements of an array, the `items`/`records`/`events`/`logEvents` of a batch,
//! or the value itself), each with the line it starts on, by [`super::split`] as it is read, so
//! workers read them in parallel like lines and a document of any size is held a batch at a
//! time; [`items`] is that cut for a whole buffer. Records are read by `format.rs`.

use super::native::Skip;

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

/// The records of `buf` (a whole document), in order, and the values that could not be read.
/// `lines` is the number of lines in `buf` (a last line without `\n` counts). The scan reads
/// documents as they come, with the same splitter ([`super::split`]): this is its whole-input
/// form, for tests and the fuzz checks.
pub fn items(buf: &[u8]) -> (Vec<Item>, Vec<Problem>, u64) {
    use super::split::{Cut, Mode, Splitter};
    let mut sp = Splitter::new(Mode::Document, 0, 1);
    let mut cuts = Vec::new();
    sp.feed(buf, &mut cuts);
    sp.finish(&mut cuts);
    crate::work::add(buf.len());
    let mut items = Vec::new();
    let mut problems = Vec::new();
    for c in cuts {
        match c {
            Cut::Record { start, end, line } => items.push(Item {
                start: start as usize,
                end: end as usize,
                line,
            }),
            Cut::Malformed { line, reason } => problems.push(Problem::Malformed { line, reason }),
            Cut::Unfinished { line } => problems.push(Problem::Unfinished { line }),
            // every record was whole: nothing left unread
            Cut::Unclosed { .. } => {}
        }
    }
    let lines = sp.line() - 1 + u64::from(buf.last().is_some_and(|&b| b != b'\n'));
    (items, problems, lines)
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
        // a value whose brackets and strings close is a record: the reader reports it if it
        // does not parse (`oops`)
        let doc = "{\n \"a\": 1\n}\n{\n \"b\": oops\n}\n{\n \"c\": 3\n}\n";
        let (got, problems, _) = texts(doc);
        assert_eq!(
            got,
            [
                (1, "{\"a\":1}".into()),
                (4, "{\"b\":oops}".into()),
                (7, "{\"c\":3}".into())
            ]
        );
        assert!(problems.is_empty());
        // text that is no value is reported at its line; reading resumes at the next line
        // that opens a value in column 1
        let (got, problems, _) = texts("{\"a\": 1}\noops {\n \"x\": 1\n}\n{\"c\": 3}\n");
        assert_eq!(got, [(1, "{\"a\":1}".into()), (5, "{\"c\":3}".into())]);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line(), 2);
        assert_eq!(problems[0].reason(), "not a JSON object or array");
        // cut at the end: a write in progress
        let (got, problems, _) = texts("{\n \"a\": 1\n}\n{\n \"b\": ");
        assert_eq!(got.len(), 1);
        assert_eq!(problems, [Problem::Unfinished { line: 4 }]);
    }

    #[test]
    fn a_batch_cut_short_keeps_its_whole_records() {
        // an array cut short: its whole elements are records, the one cut is unfinished
        let (got, problems, _) = texts("[\n{\"a\": 1},\n{\"b\": 2},\n{\"c\": ");
        assert_eq!(got, [(2, "{\"a\":1}".into()), (3, "{\"b\":2}".into())]);
        assert_eq!(problems, [Problem::Unfinished { line: 4 }]);
        // a value that is no batch, cut short: one unfinished record
        let (got, problems, _) = texts("{\n \"a\": [\n{\"k\": [1]}\n x\n{\"b\": 2}\n");
        assert!(got.is_empty());
        assert_eq!(problems, [Problem::Unfinished { line: 1 }]);
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
            // one value that fails (the array's first element), not one per line
            assert_eq!(problems.len(), 1, "{:?}", &problems[..2]);
            assert_eq!(problems[0].line(), 2);
        }
    }
}
