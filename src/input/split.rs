//! Cuts JSON text into records as it arrives, holding no more of it than the record being read:
//! for inputs too big to read whole (a pretty-printed `EventList` of gigabytes, a webhook batch
//! written as one line of hundreds of megabytes).
//!
//! It reads the structure only (strings, escapes, brackets, the keys of a top-level object), not
//! the values: a record it cuts is a whole JSON value as far as brackets and strings go, which
//! `format.rs` then parses (and reports, if it does not parse). Records are cut as a batch is
//! read: the elements of a top-level array; the elements of the first `items`, `records`,
//! `events` or `logEvents` array of a top-level object (an `EventList`, an Event Hub or
//! CloudWatch batch); the value itself when it holds no such list, or an empty one. A batch's
//! elements are cut as they close, so only the one being read is held; a value that is not a
//! batch is held whole, and a record longer than [`MAX_RECORD`] is reported malformed and
//! skipped, not held.
//!
//! Two modes: a *document* (values one after the other over many lines; bytes that cannot start
//! a value are reported, and reading resumes at the next line that opens one in column 1) and a
//! *line* (one value, then only blanks to the end of the line: a long line of a JSON-lines
//! file). It does not read files or parse records: `scan.rs` feeds it and reads what it cuts.

/// The longest record held whole (a value that is not a batch, or one element of a batch); past
/// it the record is reported malformed and skipped. Streams cap a line at the same length.
pub const MAX_RECORD: u64 = 256 << 20;

/// The list members that make a top-level object a batch (`document::Batch`'s).
const BATCH_KEYS: [&[u8]; 4] = [b"items", b"records", b"events", b"logEvents"];

/// What the splitter found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cut {
    /// A record: `start..end` (absolute offsets) starting on `line`.
    Record { start: u64, end: u64, line: u64 },
    /// Bytes that are no record (not JSON, a bracket that closes nothing, text after a line's
    /// value), or a record over [`MAX_RECORD`].
    Malformed { line: u64, reason: String },
    /// The input ended inside a record (a file still being written, or cut short).
    Unfinished { line: u64 },
    /// The input ended between the records of a batch opened on `line`, before the batch closed:
    /// every record was whole, but the input was cut short (or is still being written).
    Unclosed { line: u64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// JSON values one after the other, over any number of lines.
    Document,
    /// One JSON value and the end of its line.
    Line,
}

/// Where the splitter is, outside the top-level value or in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Top {
    /// Before a value.
    Between,
    /// After bytes that were no value: skipping to the next line that opens one in column 1
    /// (`line_start`: the next byte starts a line).
    Resync {
        line_start: bool,
    },
    /// Line mode, after the value: blanks up to the newline.
    After,
    /// Line mode: the line ended.
    Ended,
    /// Inside a top-level array or object.
    Array,
    Object,
}

/// A top-level object's members (depth 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Member {
    /// Expecting a key (after `{` or `,`).
    Key,
    /// In the key string.
    InKey,
    /// After the key, before `:`.
    Colon,
    /// After `:`: the value's first byte decides whether it is the batch list.
    Value,
    /// In or after the value.
    Rest,
}

/// The streaming splitter: feed it bytes in order ([`Splitter::feed`]), end it with
/// [`Splitter::finish`]; what it cuts is appended to a `Vec<Cut>`. The caller keeps the bytes
/// from [`Splitter::keep_from`] on: a record cut later starts there or after.
#[derive(Debug)]
pub struct Splitter {
    mode: Mode,
    /// Absolute offset of the next byte, and its line (1-based).
    pos: u64,
    line: u64,
    in_str: bool,
    escaped: bool,
    /// Brackets open.
    depth: u64,
    top: Top,
    top_start: u64,
    top_line: u64,
    /// The value is too long to be held whole (reported if it turns out to be the record).
    top_long: bool,
    member: Member,
    key: [u8; 16],
    /// Bytes of the key read; past `key.len()`, or after an escape, no batch key.
    key_len: usize,
    /// The depth at which the list whose elements are records is open (1: a top-level array,
    /// 2: an object's batch list), while it is.
    list: Option<u64>,
    /// A batch list was met in this object (the first one wins).
    batch_seen: bool,
    /// Records cut from this top-level value's list.
    elements: u64,
    /// The element being read: its start and line.
    elem: Option<(u64, u64)>,
    /// Just after the element's last byte that is not blank.
    elem_end: u64,
    /// The element is over [`MAX_RECORD`]: reported, skipped to its end.
    elem_long: bool,
}

impl Splitter {
    /// A splitter for bytes that start at offset `pos`, on line `line`.
    pub fn new(mode: Mode, pos: u64, line: u64) -> Splitter {
        Splitter {
            mode,
            pos,
            line,
            in_str: false,
            escaped: false,
            depth: 0,
            top: Top::Between,
            top_start: pos,
            top_line: line,
            top_long: false,
            member: Member::Key,
            key: [0; 16],
            key_len: 0,
            list: None,
            batch_seen: false,
            elements: 0,
            elem: None,
            elem_end: pos,
            elem_long: false,
        }
    }

    /// The earliest offset whose bytes a record cut later may need: those before it can go.
    pub fn keep_from(&self) -> u64 {
        if let Some((start, _)) = self.elem
            && !self.elem_long
        {
            return start;
        }
        // an object with no batch list (yet) may be the record itself
        if self.top == Top::Object && self.elements == 0 && !self.top_long {
            return self.top_start;
        }
        self.pos
    }

    /// Line mode: the line has ended (its newline read); [`pos`](Self::pos) is just after it.
    pub fn ended(&self) -> bool {
        self.top == Top::Ended
    }

    /// The offset of the next byte to feed.
    pub fn pos(&self) -> u64 {
        self.pos
    }

    /// The line of the next byte.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Read `bytes` (which start at [`pos`](Self::pos)). In line mode reading stops after the
    /// newline that ends the line: `pos` then tells how much was read.
    pub fn feed(&mut self, bytes: &[u8], out: &mut Vec<Cut>) {
        let base = self.pos;
        let mut i = 0;
        while i < bytes.len() {
            if self.top == Top::Ended {
                break;
            }
            let at = base + i as u64;
            if self.in_str {
                i += self.string(&bytes[i..], at, out);
                continue;
            }
            let b = bytes[i];
            i += 1;
            match self.top {
                Top::Ended => unreachable!(),
                Top::Resync { line_start } => {
                    if line_start && matches!(b, b'{' | b'[') {
                        self.top = Top::Between;
                        i -= 1;
                        continue;
                    }
                    match memchr::memchr(b'\n', &bytes[i - 1..]) {
                        None => {
                            i = bytes.len();
                            self.top = Top::Resync { line_start: false };
                        }
                        Some(j) => {
                            i += j;
                            self.line += 1;
                            self.top = if self.mode == Mode::Line {
                                Top::Ended
                            } else {
                                Top::Resync { line_start: true }
                            };
                        }
                    }
                }
                Top::Between | Top::After => match b {
                    b'\n' => {
                        self.line += 1;
                        if self.top == Top::After {
                            self.top = Top::Ended;
                        }
                    }
                    b' ' | b'\t' | b'\r' => {}
                    b'{' | b'[' if self.top == Top::Between => self.open_top(b, at),
                    _ => {
                        let reason = if self.top == Top::After {
                            "text after the line's JSON value"
                        } else if matches!(b, b'}' | b']') {
                            "a bracket that closes nothing"
                        } else {
                            "not a JSON object or array"
                        };
                        out.push(Cut::Malformed {
                            line: self.line,
                            reason: reason.into(),
                        });
                        self.top = Top::Resync { line_start: false };
                        i -= 1;
                    }
                },
                Top::Array | Top::Object => self.inside(b, at, out),
            }
        }
        self.pos = base + i as u64;
        self.check_long(out);
    }

    /// The input ended: what was cut short is reported (a record cut in the middle, or else a
    /// batch left open after its last whole record).
    pub fn finish(&mut self, out: &mut Vec<Cut>) {
        if !matches!(self.top, Top::Array | Top::Object) {
            return;
        }
        let unclosed = Cut::Unclosed {
            line: self.top_line,
        };
        if let Some((start, line)) = self.elem {
            if self.elem_long {
                // reported as too long already
                out.push(unclosed);
            } else if self.list == Some(self.depth) && !self.in_str {
                // the element is whole (a list not closed: the input was cut after it)
                out.push(Cut::Record {
                    start,
                    end: self.elem_end,
                    line,
                });
                out.push(unclosed);
            } else {
                out.push(Cut::Unfinished { line });
            }
        } else if self.elements == 0 && !self.top_long {
            out.push(Cut::Unfinished {
                line: self.top_line,
            });
        } else {
            out.push(unclosed);
        }
        self.top = Top::Between;
    }

    fn open_top(&mut self, b: u8, at: u64) {
        self.top = if b == b'[' { Top::Array } else { Top::Object };
        self.top_start = at;
        self.top_line = self.line;
        self.top_long = false;
        self.depth = 1;
        self.member = Member::Key;
        self.batch_seen = false;
        self.elements = 0;
        self.list = (b == b'[').then_some(1);
        self.elem = None;
    }

    /// One byte inside the top-level value, outside strings.
    fn inside(&mut self, b: u8, at: u64, out: &mut Vec<Cut>) {
        let at_list = self.list == Some(self.depth);
        match b {
            b' ' | b'\t' | b'\r' => return,
            b'\n' => {
                self.line += 1;
                return;
            }
            b',' if at_list => {
                self.end_elem(out);
                return;
            }
            b']' | b'}' if at_list => {
                // the list closes, and its last element with it
                self.end_elem(out);
                self.list = None;
                self.depth -= 1;
                if self.depth == 0 {
                    self.end_top(at, out);
                }
                return;
            }
            _ => {}
        }
        if at_list && self.elem.is_none() {
            self.elem = Some((at, self.line));
            self.elem_long = false;
        }
        match b {
            b'"' => {
                self.in_str = true;
                if self.top == Top::Object && self.depth == 1 && self.member == Member::Key {
                    self.member = Member::InKey;
                    self.key_len = 0;
                }
            }
            b'{' | b'[' => {
                if self.top == Top::Object && self.depth == 1 && self.member == Member::Value {
                    self.member = Member::Rest;
                    if b == b'[' && self.is_batch_key() && !self.batch_seen {
                        self.batch_seen = true;
                        self.list = Some(2);
                    }
                }
                self.depth += 1;
            }
            b'}' | b']' => {
                self.depth -= 1;
                if self.depth == 0 {
                    self.end_top(at, out);
                    return;
                }
            }
            b',' if self.top == Top::Object && self.depth == 1 => self.member = Member::Key,
            b':' if self.top == Top::Object && self.depth == 1 && self.member == Member::Colon => {
                self.member = Member::Value;
            }
            _ => {
                if self.top == Top::Object && self.depth == 1 && self.member == Member::Value {
                    self.member = Member::Rest;
                }
            }
        }
        self.elem_end = at + 1;
    }

    /// Bytes of a string (the opening quote read), up to and with its closing quote; how many
    /// were read.
    fn string(&mut self, bytes: &[u8], at: u64, out: &mut Vec<Cut>) -> usize {
        let _ = out;
        let mut i = 0;
        loop {
            if self.escaped {
                if i == bytes.len() {
                    return i;
                }
                self.escaped = false;
                // an escape in a key: no batch key is written that way
                self.key_len = usize::MAX;
                i += 1;
                continue;
            }
            match memchr::memchr2(b'"', b'\\', &bytes[i..]) {
                None => {
                    self.key_text(&bytes[i..]);
                    self.lines_in(&bytes[i..]);
                    return bytes.len();
                }
                Some(j) => {
                    self.key_text(&bytes[i..i + j]);
                    self.lines_in(&bytes[i..i + j]);
                    i += j;
                    if bytes[i] == b'\\' {
                        self.escaped = true;
                        i += 1;
                        continue;
                    }
                    self.in_str = false;
                    if self.member == Member::InKey && self.depth == 1 {
                        self.member = Member::Colon;
                    }
                    self.elem_end = at + i as u64 + 1;
                    return i + 1;
                }
            }
        }
    }

    fn key_text(&mut self, b: &[u8]) {
        if self.member == Member::InKey && self.depth == 1 && self.key_len != usize::MAX {
            let end = self.key_len + b.len();
            if end <= self.key.len() {
                self.key[self.key_len..end].copy_from_slice(b);
                self.key_len = end;
            } else {
                self.key_len = usize::MAX;
            }
        }
    }

    /// A string may hold raw newlines in text that is not JSON: counted, for the lines after.
    fn lines_in(&mut self, b: &[u8]) {
        self.line += memchr::memchr_iter(b'\n', b).count() as u64;
    }

    fn is_batch_key(&self) -> bool {
        self.key_len != usize::MAX && BATCH_KEYS.contains(&&self.key[..self.key_len])
    }

    /// The element being read ends (at a `,` or the list's close).
    fn end_elem(&mut self, out: &mut Vec<Cut>) {
        if let Some((start, line)) = self.elem.take() {
            if !self.elem_long {
                out.push(Cut::Record {
                    start,
                    end: self.elem_end,
                    line,
                });
            }
            self.elements += 1;
        }
    }

    /// The top-level value ends at `at` (its closing bracket): it is the record when no batch
    /// list gave one.
    fn end_top(&mut self, at: u64, out: &mut Vec<Cut>) {
        if self.elements == 0 && !self.top_long {
            out.push(Cut::Record {
                start: self.top_start,
                end: at + 1,
                line: self.top_line,
            });
        }
        self.elem = None;
        self.list = None;
        self.top = match self.mode {
            Mode::Document => Top::Between,
            Mode::Line => Top::After,
        };
    }

    /// A record (an element, or a value that may be one) over [`MAX_RECORD`] is reported once
    /// and not held.
    fn check_long(&mut self, out: &mut Vec<Cut>) {
        if let Some((start, line)) = self.elem
            && !self.elem_long
            && self.pos - start > MAX_RECORD
        {
            self.elem_long = true;
            out.push(Cut::Malformed {
                line,
                reason: format!("a record longer than {} MiB", MAX_RECORD >> 20),
            });
        }
        if self.top == Top::Object
            && self.elements == 0
            && self.elem.is_none()
            && !self.top_long
            && !self.batch_seen
            && self.pos - self.top_start > MAX_RECORD
        {
            self.top_long = true;
            out.push(Cut::Malformed {
                line: self.top_line,
                reason: format!(
                    "a JSON value longer than {} MiB that is not a batch of records",
                    MAX_RECORD >> 20
                ),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The records as text (blanks taken out), with their lines; problems as they are.
    fn texts(mode: Mode, doc: &str, step: usize) -> Vec<(u64, String)> {
        let mut s = Splitter::new(mode, 0, 1);
        let mut out = Vec::new();
        for piece in doc.as_bytes().chunks(step.max(1)) {
            s.feed(piece, &mut out);
        }
        s.finish(&mut out);
        out.into_iter()
            .map(|c| match c {
                Cut::Record { start, end, line } => (
                    line,
                    doc[start as usize..end as usize].replace(char::is_whitespace, ""),
                ),
                Cut::Malformed { line, reason } => (line, format!("malformed: {reason}")),
                Cut::Unfinished { line } => (line, "unfinished".into()),
                Cut::Unclosed { line } => (line, "unclosed".into()),
            })
            .collect()
    }

    /// The same cuts whatever the pieces the bytes come in.
    fn all_steps(mode: Mode, doc: &str) -> Vec<(u64, String)> {
        let whole = texts(mode, doc, doc.len());
        for step in [1, 2, 3, 7, 64] {
            assert_eq!(texts(mode, doc, step), whole, "step {step}: {doc:?}");
        }
        whole
    }

    fn r(line: u64, t: &str) -> (u64, String) {
        (line, t.to_string())
    }

    #[test]
    fn cuts_batches_into_their_elements() {
        let doc = "{\n \"kind\": \"EventList\",\n \"items\": [\n  {\"a\": 1},\n  {\"b\": \"x]}\\\"\"}\n ]\n}\n";
        assert_eq!(
            all_steps(Mode::Document, doc),
            [r(4, "{\"a\":1}"), r(5, "{\"b\":\"x]}\\\"\"}")]
        );
        // values one after the other; an array's elements
        let doc = "{\n \"a\": 1\n}\n{\n \"b\": 2\n}\n[\n {\"c\": [3]},\n 4\n]\n";
        assert_eq!(
            all_steps(Mode::Document, doc),
            [
                r(1, "{\"a\":1}"),
                r(4, "{\"b\":2}"),
                r(8, "{\"c\":[3]}"),
                r(9, "4")
            ]
        );
        // an empty batch is one record (the reader skips it); records, events and logEvents
        // are batches too; a list under another key is not; the first list wins
        assert_eq!(
            all_steps(Mode::Document, "{\"kind\":\"EventList\",\"items\":[]}"),
            [r(1, "{\"kind\":\"EventList\",\"items\":[]}")]
        );
        assert_eq!(
            all_steps(Mode::Document, "{\"records\":[{\"x\":1},{\"y\":[]}]}"),
            [r(1, "{\"x\":1}"), r(1, "{\"y\":[]}")]
        );
        assert_eq!(
            all_steps(
                Mode::Document,
                "{\"n\":{\"items\":[1]},\"logEvents\":[{\"m\":\"\"}],\"events\":[{}]}"
            ),
            [r(1, "{\"m\":\"\"}")]
        );
        assert_eq!(
            all_steps(Mode::Document, "{\"it\\u0065ms\":[1],\"other\":[2]}"),
            [r(1, "{\"it\\u0065ms\":[1],\"other\":[2]}")]
        );
    }

    #[test]
    fn reports_what_is_no_record_and_resumes() {
        let doc = "{\"a\": 1}\nnot json\n{\"b\": 2} x\n  {\"c\": 3}\n{\"d\": 4}\n";
        assert_eq!(
            all_steps(Mode::Document, doc),
            [
                r(1, "{\"a\":1}"),
                r(2, "malformed: not a JSON object or array"),
                r(3, "{\"b\":2}"),
                r(3, "malformed: not a JSON object or array"),
                r(5, "{\"d\":4}")
            ]
        );
        // a bracket that closes nothing
        assert_eq!(
            all_steps(Mode::Document, "}\n{\"a\":1}\n"),
            [
                r(1, "malformed: a bracket that closes nothing"),
                r(2, "{\"a\":1}")
            ]
        );
        // cut short: the record being read is unfinished, those before it are whole
        assert_eq!(
            all_steps(Mode::Document, "[\n{\"a\": 1},\n{\"b\": 2},\n{\"c\": "),
            [r(2, "{\"a\":1}"), r(3, "{\"b\":2}"), r(4, "unfinished")]
        );
        assert_eq!(
            all_steps(Mode::Document, "{\n \"kind\": \"Event\",\n"),
            [r(1, "unfinished")]
        );
        // an array that is not closed loses nothing, and says it was not closed
        assert_eq!(
            all_steps(Mode::Document, "[{\"a\":1},{\"b\":2}"),
            [r(1, "{\"a\":1}"), r(1, "{\"b\":2}"), r(1, "unclosed")]
        );
        assert_eq!(
            all_steps(Mode::Document, "{\"items\":[{\"a\":1},\n"),
            [r(1, "{\"a\":1}"), r(1, "unclosed")]
        );
    }

    #[test]
    fn a_line_is_one_value_then_its_newline() {
        let line = "{\"kind\":\"EventList\",\"items\":[{\"a\":1},{\"b\":2}]}  \n{\"next\":1}\n";
        let mut s = Splitter::new(Mode::Line, 100, 7);
        let mut out = Vec::new();
        s.feed(line.as_bytes(), &mut out);
        assert!(s.ended());
        assert_eq!(s.pos(), 100 + line.find('\n').unwrap() as u64 + 1);
        assert_eq!(
            out,
            [
                Cut::Record {
                    start: 100 + 29,
                    end: 100 + 36,
                    line: 7
                },
                Cut::Record {
                    start: 137,
                    end: 144,
                    line: 7
                }
            ]
        );
        assert_eq!(s.line(), 8);
        assert_eq!(
            all_steps(Mode::Line, "[1,2] x\n"),
            [
                r(1, "1"),
                r(1, "2"),
                r(1, "malformed: text after the line's JSON value")
            ]
        );
    }

    #[test]
    fn keeps_only_what_a_later_record_needs() {
        let mut s = Splitter::new(Mode::Document, 0, 1);
        let mut out = Vec::new();
        s.feed(b"{\"kind\":\"EventList\",", &mut out);
        assert_eq!(s.keep_from(), 0, "an object that may be the record");
        s.feed(b"\"items\":[{\"a\":1},{\"b\":", &mut out);
        assert_eq!(s.keep_from(), 37, "the element being read");
        assert_eq!(out.len(), 1);
        s.feed(b"2}]}", &mut out);
        assert_eq!(s.keep_from(), s.pos());
        assert_eq!(out.len(), 2);
    }
}
