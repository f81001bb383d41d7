//! CSV output through the csv crate (RFC 4180 quoting). Every CSV record kaudit writes goes
//! through [`write_record`], which makes each field safe for a terminal ([`cell`]): control,
//! bidi and invisible characters are shown as the tables show them (`\e`, `\x07`,
//! `\u{202e}`). CSV is for spreadsheets and people; exact values are in `-o json`.

use std::borrow::Cow;

use anyhow::Result;

use super::{Record, Rows};
use crate::term::{Out, sanitize};

pub struct CsvRows {
    columns: &'static [&'static str],
    headers: bool,
    started: bool,
}

impl CsvRows {
    pub fn new(columns: &'static [&'static str], headers: bool) -> Self {
        CsvRows {
            columns,
            headers,
            started: false,
        }
    }
}

/// Write one CSV record to `out`, each field through [`cell`].
pub fn write_record<I, S>(out: &mut Out, fields: I) -> Result<()>
where
    I: IntoIterator<Item = S>,
    S: AsRef<[u8]>,
{
    let mut w = csv::WriterBuilder::new().from_writer(&mut *out);
    w.write_record(fields.into_iter().map(|f| cell(f.as_ref()).into_owned()))?;
    w.flush()?;
    Ok(())
}

/// A CSV field as kaudit writes it: characters a terminal obeys or hides
/// (`term::unsafe_char`: controls, DEL, C1, bidi overrides, zero-width characters, U+2028/9)
/// are shown as visible escapes, as in tables: `\e`, `\x07`, `\t`, `\n`, `\x9b`, `\u{202e}`.
///
/// Bytes that are not UTF-8 are shown as U+FFFD.
pub fn cell(field: &[u8]) -> Cow<'_, [u8]> {
    let text = String::from_utf8_lossy(field);
    match sanitize(&text) {
        Cow::Owned(s) => Cow::Owned(s.into_bytes()),
        Cow::Borrowed(_) => match text {
            Cow::Borrowed(_) => Cow::Borrowed(field),
            Cow::Owned(s) => Cow::Owned(s.into_bytes()),
        },
    }
}

impl Rows for CsvRows {
    fn row(&mut self, out: &mut Out, rec: &dyn Record) -> Result<()> {
        if !self.started {
            self.started = true;
            if self.headers {
                write_record(out, self.columns.iter())?;
            }
        }
        write_record(out, rec.fields())
    }
    fn finish(&mut self, out: &mut Out) -> Result<()> {
        if !self.started && self.headers {
            write_record(out, self.columns.iter())?;
        }
        out.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::cell;

    fn c(s: &str) -> String {
        String::from_utf8(cell(s.as_bytes()).into_owned()).unwrap()
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
