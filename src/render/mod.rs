//! Output formats behind one small trait, [`Rows`]: a command describes each record once (its
//! table cells and its JSON form) and the chosen writer lays it out. `table.rs` is for people
//! and sanitizes every cell; `json.rs` is exact, for machines, with every character a terminal
//! would obey or hide written as a `\uXXXX` escape; `csv.rs` is for spreadsheets: it shows
//! those characters as tables do and keeps formulas from running. Every command's JSON and CSV
//! goes through those two files.
//!
//! Nothing here decides *what* to print; commands do.

pub mod csv;
pub mod emit;
pub mod flat;
pub mod json;
pub mod table;

pub use emit::{Col, ColCell, Table};

use anyhow::Result;

use crate::config::Config;
use crate::event::Ts;
use crate::term::Out;

/// The formats a writer lays records out in (commands map their `-o` choices to these).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    /// A table with every column, values whole.
    Wide,
    Json,
    Ndjson,
    Csv,
}

/// Display settings a writer needs.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub tty: bool,
    pub width: Option<u16>,
    pub local: bool,
    pub headers: bool,
    /// Fit tables to the terminal (optional columns left out, long names wrapped within their
    /// column): a terminal of known width, and not `-o wide`, which shows values whole.
    pub fit: bool,
}

impl Style {
    /// The style for an output format (`wide`: values shown whole, never cut) and whether
    /// tables have their header row.
    pub fn new(cfg: &Config, wide: bool, headers: bool) -> Style {
        Style {
            color: cfg.color,
            tty: cfg.stdout_tty,
            width: cfg.width,
            local: cfg.local,
            headers,
            fit: cfg.stdout_tty && cfg.width.is_some_and(|w| w > 0) && !wide,
        }
    }
}

/// How a table cell should look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Ok,
    Info,
    Warn,
    Bad,
    Dim,
}

impl Tone {
    /// The tone of an HTTP status code.
    pub fn of_code(code: Option<i64>) -> Tone {
        match code {
            Some(c) if c >= 500 => Tone::Bad,
            Some(c) if c >= 400 => Tone::Warn,
            Some(c) if c >= 300 => Tone::Info,
            Some(_) => Tone::Ok,
            None => Tone::Dim,
        }
    }
}

/// One cell of a table row.
#[derive(Debug, Clone)]
pub struct Cell {
    pub text: String,
    pub tone: Tone,
    pub right: bool,
}

impl Cell {
    pub fn new(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            tone: Tone::Plain,
            right: false,
        }
    }
    pub fn num(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            tone: Tone::Plain,
            right: true,
        }
    }
    pub fn tone(mut self, t: Tone) -> Cell {
        self.tone = t;
        self
    }
}

/// A record of a row command (`events`, `history`), written in every format from one typed
/// row: JSON and NDJSON serialize [`Record::row`], CSV flattens it (`flat.rs`), a table shows
/// [`Record::cells`].
pub trait Record {
    type Row<'a>: serde::Serialize
    where
        Self: 'a;
    /// The machine form.
    fn row(&self) -> Self::Row<'_>;
    /// Table cells, in the order of the writer's columns.
    fn cells(&self, style: &Style) -> Vec<Cell>;
}

/// The writer of a stream of records in the chosen format.
pub enum Writer {
    Table(table::RowTable),
    Csv(csv::CsvRows),
    Json(json::JsonRows),
}

impl Writer {
    /// The writer for a format. `header`: the CSV header (the keys of a record's row, all of
    /// them); `live`: the input is a stream, rows must appear as they come.
    pub fn new(
        format: Format,
        columns: &[Column],
        wide_columns: &[Column],
        header: Vec<std::borrow::Cow<'static, str>>,
        style: Style,
        live: bool,
    ) -> Writer {
        match format {
            Format::Table => Writer::Table(table::RowTable::new(columns, style, live)),
            Format::Wide => Writer::Table(table::RowTable::new(wide_columns, style, live)),
            Format::Csv => Writer::Csv(csv::CsvRows::new(header, style.headers)),
            Format::Json => Writer::Json(json::JsonRows::array()),
            Format::Ndjson => Writer::Json(json::JsonRows::lines()),
        }
    }

    pub fn row<R: Record>(&mut self, out: &mut Out, rec: &R) -> Result<()> {
        match self {
            Writer::Table(t) => t.row(out, rec),
            Writer::Csv(c) => c.row(out, &rec.row()),
            Writer::Json(j) => j.row(out, &rec.row()),
        }
    }

    /// A JSON row made elsewhere (see [`json::JsonRows::made`]); an error for another format.
    pub fn made(&mut self, out: &mut Out, before: &[u8], line: u64, after: &[u8]) -> Result<()> {
        match self {
            Writer::Json(j) => j.made(out, before, line, after),
            _ => anyhow::bail!("a row made as JSON handed to a {} writer", self.name()),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Writer::Table(_) => "table",
            Writer::Csv(_) => "CSV",
            Writer::Json(_) => "JSON",
        }
    }

    /// A pause in the input: show what has been buffered so far if that matters.
    pub fn flush(&mut self, out: &mut Out) -> Result<()> {
        out.flush()?;
        Ok(())
    }

    pub fn finish(&mut self, out: &mut Out) -> Result<()> {
        match self {
            Writer::Table(t) => t.finish(out),
            Writer::Csv(c) => c.finish(out),
            Writer::Json(j) => j.finish(out),
        }
    }
}

/// A table column: header, and the cap on its width when streaming.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub header: &'static str,
    /// Width cap when streaming rows.
    pub max: usize,
    pub right: bool,
    /// May wrap within its column to fit the terminal (names, URIs), unlike times and codes.
    pub flex: bool,
    /// May be left out on a narrow terminal, before any name wraps; higher goes first (0:
    /// always shown).
    pub drop: u8,
    /// A time: on a narrow terminal, a date every row shares is said once, under the table.
    pub day: bool,
}

/// A section heading of a report (bold with colors).
pub fn heading(out: &mut Out, style: &Style, text: &str) -> Result<()> {
    use std::io::Write as _;
    if style.color {
        writeln!(out, "\x1b[1m{text}\x1b[0m")?;
    } else {
        writeln!(out, "{text}")?;
    }
    Ok(())
}

/// Time for people: UTC `2026-11-21 14:58:59.426` (or local with offset).
pub fn human_time(t: Option<Ts>, local: bool) -> String {
    let Some(t) = t else { return "-".into() };
    if local && let Some(j) = t.to_jiff() {
        let z = j.to_zoned(jiff::tz::TimeZone::system());
        return z.strftime("%Y-%m-%d %H:%M:%S%.3f%:z").to_string();
    }
    let s = t.rfc3339();
    format!("{} {}", &s[..10], &s[11..23])
}

/// Time for machines: RFC 3339 UTC with microseconds, or null.
pub fn machine_time(t: Option<Ts>) -> serde_json::Value {
    t.map_or(serde_json::Value::Null, |t| {
        serde_json::Value::String(t.rfc3339())
    })
}

/// A latency for people: `12ms`, `1.53s`, `2m05s`.
pub fn human_latency(ms: Option<f64>) -> String {
    match ms {
        None => "-".into(),
        Some(ms) if ms < 1.0 => format!("{:.2}ms", ms),
        Some(ms) if ms < 1000.0 => format!("{}ms", ms.round() as i64),
        Some(ms) if ms < 60_000.0 => format!("{:.2}s", ms / 1000.0),
        Some(ms) => {
            let s = (ms / 1000.0).round() as i64;
            format!("{}m{:02}s", s / 60, s % 60)
        }
    }
}

/// `1,234,567` for counts people read.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A text field for a typed row: `None` (JSON `null`) when empty.
pub fn present(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

/// A time in a typed row: RFC 3339 UTC with microseconds, or `null`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Time(pub Option<Ts>);

impl serde::Serialize for Time {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(t) => {
                let mut buf = [0u8; 27];
                match t.rfc3339_in(&mut buf) {
                    Some(text) => s.serialize_str(text),
                    None => s.serialize_str(&t.rfc3339()),
                }
            }
            None => s.serialize_none(),
        }
    }
}

/// Values with their counts, most frequent first: JSON `[{"name": "alice", "count": 3}]`,
/// CSV `alice=3;bob=1`.
#[derive(Debug, Clone, Default)]
pub struct Counts<'a>(pub Vec<(&'a str, u64)>);

impl serde::Serialize for Counts<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct Entry<'a> {
            name: &'a str,
            count: u64,
        }
        s.collect_seq(self.0.iter().map(|&(name, count)| Entry { name, count }))
    }
}

/// HTTP status codes with their counts: JSON `{"200": 5, "403": 2, "none": 1}` (by code, no
/// code last), CSV `200=5;403=2;none=1`.
#[derive(Debug, Clone, Default)]
pub struct Codes(pub Vec<(Option<i64>, u64)>);

impl serde::Serialize for Codes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Map<'a>(&'a [(Option<i64>, u64)]);
        impl serde::Serialize for Map<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut v = self.0.to_vec();
                v.sort_by_key(|(k, _)| (k.is_none(), *k));
                s.collect_map(
                    v.into_iter()
                        .map(|(k, n)| (k.map_or("none".to_string(), |c| c.to_string()), n)),
                )
            }
        }
        s.serialize_newtype_struct(flat::PAIRS, &Map(&self.0))
    }
}

/// A value whose CSV cell is its JSON text (JSON writes it as it is).
#[derive(Debug, Clone, Copy)]
pub struct JsonText<T>(pub T);

impl<T: serde::Serialize> serde::Serialize for JsonText<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_newtype_struct(flat::JSON_TEXT, &self.0)
    }
}

/// A number of milliseconds (or a share) rounded to `10^-D` for machine formats, `null` when
/// there is none.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rounded<const D: i32>(pub Option<f64>);

impl<const D: i32> serde::Serialize for Rounded<D> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let scale = 10f64.powi(D);
        match self.0 {
            Some(v) => s.serialize_f64((v * scale).round() / scale),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(human_latency(Some(0.35)), "0.35ms");
        assert_eq!(human_latency(Some(12.4)), "12ms");
        assert_eq!(human_latency(Some(1530.0)), "1.53s");
        assert_eq!(human_latency(Some(125_000.0)), "2m05s");
        assert_eq!(
            human_time(Ts::parse("2026-11-21T14:58:59.426188Z"), false),
            "2026-11-21 14:58:59.426"
        );
    }
}
