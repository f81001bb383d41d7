//! CSV output through the csv crate (RFC 4180 quoting). Every CSV record kaudit writes goes
//! through [`write_record`], which makes each field safe for a terminal and a spreadsheet
//! ([`cell`]): control, bidi and invisible characters are shown as the tables show them (`\e`,
//! `\x07`, `\u{202e}`), and a field a spreadsheet would run as a formula gets a leading `'`.
//! CSV is for spreadsheets and people; exact values are in `-o json`.

use std::borrow::Cow;
use std::io::Write as _;

use anyhow::Result;

use crate::term::{Out, sanitize};

/// CSV rows of typed records: each flattened (`flat.rs`), its cells placed by name under
/// `header`; one row's buffers are reused for the next.
pub struct CsvRows {
    header: Vec<Cow<'static, str>>,
    headers: bool,
    started: bool,
    records: Records,
    /// The row being written, its strings kept for the next.
    flat: super::flat::Flat,
}

impl CsvRows {
    pub fn new(header: Vec<Cow<'static, str>>, headers: bool) -> Self {
        CsvRows {
            header,
            headers,
            started: false,
            records: Records::default(),
            flat: super::flat::Flat::default(),
        }
    }

    pub fn row<T: serde::Serialize + ?Sized>(&mut self, out: &mut Out, rec: &T) -> Result<()> {
        self.start(out)?;
        self.flat.set(rec)?;
        let cells = super::emit::by_header(&self.flat, &self.header)?;
        self.records.write(out, cells)
    }

    fn start(&mut self, out: &mut Out) -> Result<()> {
        if !self.started {
            self.started = true;
            if self.headers {
                let header = self.header.iter().map(|k| k.as_bytes());
                self.records.write(out, header)?;
            }
        }
        Ok(())
    }

    pub fn finish(&mut self, out: &mut Out) -> Result<()> {
        self.start(out)?;
        out.flush()?;
        Ok(())
    }
}

/// Write one CSV record to `out`, each field through [`cell`], and flush it (a stream of
/// records uses one [`Records`] and flushes at its end).
pub fn write_record<I, S>(out: &mut Out, fields: I) -> Result<()>
where
    I: IntoIterator<Item = S>,
    S: AsRef<[u8]>,
{
    Records::default().write(out, fields)?;
    out.flush()?;
    Ok(())
}

/// The most room a [`Records`] keeps between records (1 MiB).
const KEEP: usize = 1 << 20;

/// Writes CSV records (RFC 4180, as the csv crate writes them: csv_core underneath both), each
/// field through [`cell`], each record made in a buffer kept from record to record and written
/// to `out` at once.
#[derive(Default)]
pub struct Records {
    // boxed: it holds a 256-byte table, and a `Records` is moved about in row writers
    core: Box<csv_core::Writer>,
    /// The record so far is `buf[..len]`; the rest is room, zeroed once when it grew.
    buf: Vec<u8>,
    len: usize,
}

impl Records {
    pub fn write<I, S>(&mut self, out: &mut Out, fields: I) -> Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<[u8]>,
    {
        self.len = 0;
        for (i, f) in fields.into_iter().enumerate() {
            if i > 0 {
                self.put(|w, o| w.delimiter(o));
            }
            let mut input: &[u8] = &cell(f.as_ref());
            self.put(|w, o| {
                let (r, nin, nout) = w.field(input, o);
                input = &input[nin..];
                (r, nout)
            });
        }
        // the terminator writes `""` first when the record has no bytes (no field, or one
        // empty field), so that it is not an empty line
        self.put(|w, o| w.terminator(o));
        out.write_all(&self.buf[..self.len])?;
        // after a huge record, do not keep its room for every later one
        if self.buf.len() > KEEP {
            self.buf = Vec::new();
        }
        Ok(())
    }

    /// Run one csv_core step until it has taken all of its input, growing the room as it asks.
    fn put(
        &mut self,
        mut step: impl FnMut(&mut csv_core::Writer, &mut [u8]) -> (csv_core::WriteResult, usize),
    ) {
        loop {
            let (r, n) = step(&mut self.core, &mut self.buf[self.len..]);
            self.len += n;
            match r {
                csv_core::WriteResult::InputEmpty => return,
                csv_core::WriteResult::OutputFull => {
                    let grown = (self.buf.len() * 2).max(256);
                    self.buf.resize(grown, 0);
                }
            }
        }
    }
}

/// A CSV field as kaudit writes it:
/// - characters a terminal obeys or hides (`term::unsafe_char`: controls, DEL, C1, bidi
///   overrides, zero-width characters, U+2028/9) are shown as visible escapes, as in tables:
///   `\e`, `\x07`, `\t`, `\n`, `\x9b`, `\u{202e}`;
/// - a field whose first non-blank character is `=`, `+`, `-` or `@` (` =1+1`: spreadsheets
///   skip leading spaces, and no-break and other Unicode spaces, before they look for a
///   formula) gets a leading `'`, so a spreadsheet shows it as text instead of running it
///   (OWASP's advice for CSV injection), unless the rest of the field is a decimal number
///   (`-12`, ` -0.250`): a spreadsheet reads that as a number, it cannot run anything, and
///   kaudit's own numbers (a negative latency from skewed clocks, an old value in `history`)
///   stay numbers. A lone `-` (kaudit's mark for an absent user or name) has nothing to
///   compute and stays too. A tab or carriage return, which OWASP lists too, is already shown
///   as `\t` or `\r` (above), and a cell that starts with a backslash runs nothing.
///
/// Bytes that are not UTF-8 are shown as U+FFFD.
pub fn cell(field: &[u8]) -> Cow<'_, [u8]> {
    let text = match std::str::from_utf8(field) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(field),
    };
    let escaped = match sanitize(&text) {
        Cow::Owned(s) => Some(s),
        Cow::Borrowed(_) => None,
    };
    let shown = escaped.map_or(text, Cow::Owned);
    if formula(&shown) {
        let mut out = Vec::with_capacity(shown.len() + 1);
        out.push(b'\'');
        out.extend_from_slice(shown.as_bytes());
        return Cow::Owned(out);
    }
    match shown {
        Cow::Borrowed(_) => Cow::Borrowed(field),
        Cow::Owned(s) => Cow::Owned(s.into_bytes()),
    }
}

/// Would a spreadsheet take this field for a formula? Blanks before its first character do
/// not stop one (` =1+1`, `\u{a0}@SUM(1)`).
fn formula(s: &str) -> bool {
    let first = s.trim_start_matches(char::is_whitespace);
    first.starts_with(['=', '+', '-', '@', '\t', '\r']) && first != "-" && !number(first)
}

/// `-?DIGITS(.DIGITS)?`: how kaudit writes numbers, and what every spreadsheet reads as one.
fn number(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = s.split_once('.').unwrap_or((s, "0"));
    let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    digits(int) && digits(frac)
}

#[cfg(test)]
mod tests {
    use super::cell;

    fn c(s: &str) -> String {
        String::from_utf8(cell(s.as_bytes()).into_owned()).unwrap()
    }

    #[test]
    fn formulas_get_a_quote_and_numbers_stay_numbers() {
        assert_eq!(
            c("=HYPERLINK(\"http://x/\",\"y\")"),
            "'=HYPERLINK(\"http://x/\",\"y\")"
        );
        assert_eq!(c("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
        assert_eq!(c("@SUM(1+1)"), "'@SUM(1+1)");
        assert_eq!(c("-2+3"), "'-2+3");
        assert_eq!(c("-"), "-");
        assert_eq!(c("-=1"), "'-=1");
        assert_eq!(c("--"), "'--");
        assert_eq!(c("-inf"), "'-inf");
        assert_eq!(c("-1e5"), "'-1e5");
        assert_eq!(c("-12"), "-12");
        assert_eq!(c("-0.250"), "-0.250");
        assert_eq!(c("12.5"), "12.5");
        assert_eq!(c("+12"), "'+12");
        assert_eq!(c("a=b"), "a=b");
        assert_eq!(c(""), "");
        assert_eq!(c("alice"), "alice");
        // tab and CR are shown as escapes first, which no spreadsheet runs
        assert_eq!(c("\t=1+1"), "\\t=1+1");
        assert_eq!(c("\r=1+1"), "\\r=1+1");
        assert_eq!(c(" \t=1+1"), " \\t=1+1");
    }

    /// Regression (issue 16, point 14): blanks before a formula do not stop a spreadsheet from
    /// running it, so they did not stop the quote either.
    #[test]
    fn a_formula_after_leading_blanks_gets_a_quote() {
        assert_eq!(c(" =1+1"), "' =1+1");
        assert_eq!(c("   +cmd|' /C calc'!A0"), "'   +cmd|' /C calc'!A0");
        assert_eq!(c("\u{a0}@SUM(1+1)"), "'\u{a0}@SUM(1+1)");
        assert_eq!(c("\u{3000}=1"), "'\u{3000}=1");
        assert_eq!(c(" -2+3"), "' -2+3");
        // numbers and a lone `-` stay as they are, blanks or not; blanks alone too
        assert_eq!(c(" -12"), " -12");
        assert_eq!(c("  -0.250"), "  -0.250");
        assert_eq!(c(" -"), " -");
        assert_eq!(c("   "), "   ");
        assert_eq!(c(" a=b"), " a=b");
    }

    /// Records written by one `Records` are what the csv crate writes (RFC 4180 quoting, a
    /// record with no bytes written `""`), whatever the length of the record before.
    #[test]
    fn records_are_written_as_the_csv_crate_writes_them() {
        let records: &[&[&str]] = &[
            &["a", "b,c", "say \"hi\"", "line\nbreak"],
            &[""],
            &[],
            &["", ""],
            &[&"x".repeat(5000), "y"],
            &[&"w".repeat(3 << 20)],
            &["z"],
        ];
        let mut theirs = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        let ours = crate::term::captured(|out| {
            let mut ours = super::Records::default();
            for r in records {
                ours.write(out, r.iter()).unwrap();
                theirs
                    .write_record(r.iter().map(|f| cell(f.as_bytes())))
                    .unwrap();
            }
        });
        let theirs = theirs.into_inner().unwrap();
        assert_eq!(ours, String::from_utf8_lossy(&theirs));
        assert!(
            String::from_utf8_lossy(&theirs)
                .starts_with("a,\"b,c\",\"say \"\"hi\"\"\",line\\nbreak\n\"\"\n\"\"\n,\n")
        );
    }

    #[test]
    fn controls_are_shown_as_in_tables() {
        assert_eq!(
            c("m\u{1b}]0;t\u{7}\u{1b}[2J\u{9b}2J\u{202e}e\u{200b}\u{2028}\0\u{7f}\n"),
            "m\\e]0;t\\x07\\e[2J\\x9b2J\\u{202e}e\\u{200b}\\u{2028}\\x00\\x7f\\n"
        );
        assert_eq!(cell(b"\xff=").as_ref(), "\u{fffd}=".as_bytes());
        assert!(matches!(
            cell(b"kubectl/v1.30"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
