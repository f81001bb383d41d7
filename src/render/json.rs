//! JSON output: one document (an array, written as records arrive) or one object per line, and
//! [`to_writer`] / [`to_writer_pretty`], the only way kaudit writes JSON (clippy.toml forbids
//! serde_json's own writers elsewhere).
//!
//! Values are exact: a program that parses the output gets every string as logged. But the text
//! is safe to print: besides the C0 controls serde_json escapes, every character of
//! [`crate::term::unsafe_char`] (DEL, C1 controls such as U+009B CSI, bidirectional overrides
//! and isolates, zero-width and other invisible characters, U+2028/U+2029) is written as a
//! `\uXXXX` escape, which a JSON parser reads back as the same character. So `kaudit ... -o
//! json` on a terminal, `jq -r` aside, shows no escape sequence and no reordered text. A
//! `serde_json::Value`'s `Display` (`to_string()`, `{}`) does not escape them: never print it
//! as output.

use std::io::{self, Write};

use anyhow::Result;
use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

use crate::term::{Out, json_escape, unsafe_char};

/// Write `value` as compact JSON, escaping what a terminal would obey (see the module doc).
pub fn to_writer<W: Write, T: ?Sized + Serialize>(writer: W, value: &T) -> serde_json::Result<()> {
    value.serialize(&mut serde_json::Serializer::with_formatter(
        writer,
        Safe(CompactFormatter),
    ))
}

/// Write `value` as indented JSON, escaping what a terminal would obey (see the module doc).
pub fn to_writer_pretty<W: Write, T: ?Sized + Serialize>(
    writer: W,
    value: &T,
) -> serde_json::Result<()> {
    value.serialize(&mut serde_json::Serializer::with_formatter(
        writer,
        Safe(PrettyFormatter::new()),
    ))
}

/// `value` as compact JSON text, escaped as [`to_writer`] does: for JSON put in a CSV cell or a
/// table (`history`'s old and new values), where `Value::to_string` would leave C1 controls
/// and bidi overrides raw.
pub fn to_string<T: ?Sized + Serialize>(value: &T) -> String {
    let mut out = Vec::new();
    // writing to a Vec fails only if a map has keys that are not strings: not in a Value
    if to_writer(&mut out, value).is_err() {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default() // serde_json writes UTF-8
}

/// A serde_json formatter that lays out like `F` and escapes every [`unsafe_char`] in strings
/// (keys included; serde_json hands both to `write_string_fragment`, after taking out the
/// quotes, backslashes and C0 controls it escapes itself).
struct Safe<F>(F);

impl<F: Formatter> Formatter for Safe<F> {
    #[inline]
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // nearly every fragment: printable ASCII (no C0 here: serde_json escaped them), found
        // with two word-at-a-time scans rather than one byte at a time
        if fragment.is_ascii() && memchr::memchr(0x7f, fragment.as_bytes()).is_none() {
            return writer.write_all(fragment.as_bytes());
        }
        let mut start = 0;
        let mut escaped = Vec::new();
        for (i, c) in fragment.char_indices() {
            if unsafe_char(c) {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                escaped.clear();
                json_escape(&mut escaped, c);
                writer.write_all(&escaped)?;
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    /// A `RawValue`'s text is JSON already: its strings get the same escapes (outside strings,
    /// valid JSON has no character that needs one).
    fn write_raw_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        self.write_string_fragment(writer, fragment)
    }

    // the layout is F's
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// JSON rows, each made in a buffer kept from row to row and written to `out` at once (the
/// serializer's many small writes then do not each go through `out`'s dynamic writer).
pub struct JsonRows {
    array: bool,
    count: u64,
    buf: Vec<u8>,
}

/// The most room a [`JsonRows`] keeps between rows (1 MiB).
const KEEP: usize = 1 << 20;

/// A row's writer: into `buf` up to [`KEEP`] bytes, then (`spilled`) what it holds written to
/// `out` and the rest of the row straight after it.
struct Spill<'b> {
    buf: &'b mut Vec<u8>,
    out: &'b mut Out,
    spilled: bool,
}

impl Write for Spill<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if !self.spilled && self.buf.len() + data.len() > KEEP {
            // (one write may be a whole long string)
            self.out.write_all(self.buf)?;
            self.buf.clear();
            self.spilled = true;
        }
        if self.spilled {
            return self.out.write(data);
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl JsonRows {
    pub fn array() -> Self {
        JsonRows {
            array: true,
            count: 0,
            buf: Vec::new(),
        }
    }
    pub fn lines() -> Self {
        JsonRows {
            array: false,
            count: 0,
            buf: Vec::new(),
        }
    }
}

impl JsonRows {
    /// One row. It is made in the kept buffer and written at once, unless it grows past
    /// [`KEEP`]: then what is made is written, and the rest goes straight to `out` (a row as
    /// long as a body is not held whole a second time).
    pub fn row<T: Serialize + ?Sized>(&mut self, out: &mut Out, rec: &T) -> Result<()> {
        self.buf.clear();
        if self.array {
            self.buf
                .extend_from_slice(if self.count == 0 { b"[\n" } else { b",\n" });
        }
        let mut w = Spill {
            buf: &mut self.buf,
            out,
            spilled: false,
        };
        to_writer(&mut w, rec)?;
        if !self.array {
            w.write_all(b"\n")?;
        }
        if !w.spilled {
            out.write_all(&self.buf)?;
        }
        // after a huge row, do not keep its room for every later one
        if self.buf.capacity() > KEEP {
            self.buf = Vec::new();
        }
        self.count += 1;
        Ok(())
    }
    /// A row made elsewhere (a worker: `scan::Render`) as [`JsonRows::row`] would write it:
    /// `before` its line number, the number, `after` it.
    pub fn made(&mut self, out: &mut Out, before: &[u8], line: u64, after: &[u8]) -> Result<()> {
        // written straight to `out` (its buffer takes them): copied once, not twice
        if self.array {
            out.write_all(if self.count == 0 { b"[\n" } else { b",\n" })?;
        }
        out.write_all(before)?;
        write!(out, "{line}")?;
        out.write_all(after)?;
        if !self.array {
            out.write_all(b"\n")?;
        }
        self.count += 1;
        Ok(())
    }

    pub fn finish(&mut self, out: &mut Out) -> Result<()> {
        if self.array {
            out.write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })?;
        }
        out.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    fn text(v: &Value) -> String {
        let mut out = Vec::new();
        super::to_writer(&mut out, v).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn terminal_controls_are_escaped_and_read_back_the_same() {
        let evil = "a\u{1b}]0;t\u{7}\u{9b}2J\u{7f}\u{202e}\u{2066}\u{200b}\u{feff}\u{ad}\u{2028}\u{2029}\u{e0041}é✓z";
        let v = json!({ evil: [evil, 1, null], "plain": "kubectl/v1.30" });
        let t = text(&v);
        assert_eq!(
            t,
            r#"{"a\u001b]0;t\u0007\u009b2J\u007f\u202e\u2066\u200b\ufeff\u00ad\u2028\u2029\udb40\udc41é✓z":["a\u001b]0;t\u0007\u009b2J\u007f\u202e\u2066\u200b\ufeff\u00ad\u2028\u2029\udb40\udc41é✓z",1,null],"plain":"kubectl/v1.30"}"#
        );
        assert!(t.is_ascii() || t.chars().all(|c| !crate::term::unsafe_char(c)));
        assert_eq!(serde_json::from_str::<Value>(&t).unwrap(), v);
        let mut pretty = Vec::new();
        super::to_writer_pretty(&mut pretty, &v).unwrap();
        let pretty = String::from_utf8(pretty).unwrap();
        assert!(pretty.contains("\n  \"a\\u001b]0;t"), "{pretty}");
        assert_eq!(serde_json::from_str::<Value>(&pretty).unwrap(), v);
    }

    /// Rows longer than the kept buffer (one long string, many short fields) are written as
    /// they are made: the same bytes as serde_json's, in both forms, before and after them.
    #[test]
    fn long_rows_are_the_same_bytes_written_as_they_go() {
        // one string written in one piece, and one in many (each DEL is escaped apart)
        let long = "a".repeat(3 * super::KEEP);
        let escaped = "a\u{7f}".repeat(super::KEEP);
        let rows = [
            json!({"n": 1, "s": "short"}),
            json!({"n": 2, "s": long}),
            json!({"n": 3, "s": escaped}),
            Value::Array((0..super::KEEP / 4).map(|i| json!(i)).collect()),
            json!({"n": 5, "s": "after"}),
        ];
        for array in [false, true] {
            let mut w = if array {
                super::JsonRows::array()
            } else {
                super::JsonRows::lines()
            };
            let mut out: crate::term::Out = Box::new(Shared);
            for r in &rows {
                w.row(&mut out, r).unwrap();
            }
            w.finish(&mut out).unwrap();
            drop(out);
            let mut want = String::new();
            for (i, r) in rows.iter().enumerate() {
                if array {
                    want += if i == 0 { "[\n" } else { ",\n" };
                }
                want += &text(r);
                if !array {
                    want += "\n";
                }
            }
            if array {
                want += "\n]\n";
            }
            let got = SHARED.with(|b| String::from_utf8(b.take()).unwrap());
            assert_eq!(got.len(), want.len());
            assert!(got == want, "array {array}");
        }
    }

    thread_local! {
        static SHARED: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }

    /// A writer into this thread's [`SHARED`] (an `Out` is a boxed writer that owns its target).
    struct Shared;

    impl std::io::Write for Shared {
        fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
            SHARED.with(|b| b.borrow_mut().extend_from_slice(data));
            Ok(data.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn raw_values_get_the_same_escapes() {
        let raw =
            serde_json::value::RawValue::from_string("{\"k\":\"\u{9b}\u{202e}\"}".into()).unwrap();
        let mut out = Vec::new();
        super::to_writer(&mut out, &raw).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), r#"{"k":"\u009b\u202e"}"#);
    }
}
