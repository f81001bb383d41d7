//! One result table in every format, from one typed row: a command describes a row once as a
//! `Serialize` struct (its JSON, NDJSON and CSV forms all come from it: [`super::flat`] for
//! CSV) and says how a table shows it with a list of [`ColCell`]s, each a header and a cell made
//! from the row. A field added to the row struct is in every machine format at once; a table
//! shows what its columns pick, for people.
//!
//! Rows are made by index when written (a table of many rows makes each twice: once to
//! measure its columns), so that one row is held at a time for the machine formats.

use std::borrow::Cow;
use std::cell::RefCell;
use std::io::Write as _;

use anyhow::Result;
use serde::Serialize;

use super::flat::{Flat, flatten};
use super::table::{MAX_BUFFERED, write_rows_dropping, write_rows_streamed};
use super::{Cell, Format, Style, csv::Records};
use crate::term::Out;

/// A table column: its header and how it is laid out.
pub struct Col {
    pub header: String,
    pub right: bool,
    /// May be cut with `…` to fit the terminal (names, lists), unlike times and numbers.
    pub flex: bool,
    /// May be left out on a narrow terminal; higher goes first (0: always shown).
    pub drop: u8,
}

impl Col {
    pub fn text(h: impl Into<String>) -> Col {
        Col {
            header: h.into(),
            right: false,
            flex: true,
            drop: 0,
        }
    }
    pub fn fixed(h: impl Into<String>) -> Col {
        Col {
            header: h.into(),
            right: false,
            flex: false,
            drop: 0,
        }
    }
    pub fn num(h: impl Into<String>) -> Col {
        Col {
            header: h.into(),
            right: true,
            flex: false,
            drop: 0,
        }
    }
    /// This column may be left out on a narrow terminal (higher `priority` goes first).
    pub fn optional(mut self, priority: u8) -> Col {
        self.drop = priority;
        self
    }
    /// A table column showing each row's cell as `cell` makes it.
    pub fn cell<'f, R>(self, cell: impl Fn(&R) -> Cell + 'f) -> ColCell<'f, R> {
        ColCell {
            col: self,
            cell: Box::new(cell),
        }
    }
}

/// A table column of rows of type `R`.
pub struct ColCell<'f, R> {
    pub col: Col,
    pub cell: Box<dyn Fn(&R) -> Cell + 'f>,
}

/// Where rows go: their format, style, table columns and the row that names the CSV header
/// when there are no rows.
pub struct Table<'f, R> {
    pub format: Format,
    pub style: Style,
    pub columns: Vec<ColCell<'f, R>>,
    /// A row whose keys are the CSV header (written even when no row matched).
    pub template: R,
    /// Printed under a table (not in machine formats): what `--limit` left out, the time zone.
    pub note: Option<String>,
}

impl<R: Serialize> Table<'_, R> {
    /// Write `n` rows, row `i` made by `row(i)` as it is written.
    pub fn emit(&self, out: &mut Out, n: usize, row: impl Fn(usize) -> R) -> Result<()> {
        match self.format {
            Format::Json => {
                let all = Lazy(RefCell::new(Some((0..n).map(&row))));
                super::json::to_writer_pretty(&mut *out, &all)?;
                out.write_all(b"\n")?;
            }
            Format::Ndjson => {
                for i in 0..n {
                    super::json::to_writer(&mut *out, &row(i))?;
                    out.write_all(b"\n")?;
                }
            }
            Format::Csv => {
                let header = flatten(&self.template)?.keys;
                let mut records = Records::default();
                if self.style.headers {
                    records.write(out, header.iter().map(|k| k.as_bytes()))?;
                }
                let mut flat = Flat::default();
                for i in 0..n {
                    flat.set(&row(i))?;
                    records.write(out, by_header(&flat, &header)?)?;
                }
            }
            Format::Table | Format::Wide => self.table(out, n, row)?,
        }
        out.flush()?;
        Ok(())
    }

    fn table(&self, out: &mut Out, n: usize, row: impl Fn(usize) -> R) -> Result<()> {
        let cols = &self.columns;
        let headers = self.style.headers.then(|| {
            cols.iter()
                .map(|c| Cell::new(c.col.header.clone()))
                .collect()
        });
        let right: Vec<bool> = cols.iter().map(|c| c.col.right).collect();
        let flex: Vec<bool> = cols.iter().map(|c| c.col.flex).collect();
        let drop: Vec<u8> = cols.iter().map(|c| c.col.drop).collect();
        let cells = |i: usize| {
            let r = row(i);
            cols.iter().map(|c| (c.cell)(&r)).collect::<Vec<Cell>>()
        };
        let style = &self.style;
        if n > MAX_BUFFERED {
            write_rows_streamed(out, n, cells, headers, style, &right, &flex, &drop)?;
        } else {
            let all: Vec<Vec<Cell>> = (0..n).map(cells).collect();
            write_rows_dropping(out, all, headers, style, &right, &flex, &drop)?;
        }
        if let Some(n) = &self.note {
            writeln!(out, "{n}")?;
        }
        Ok(())
    }
}

/// A row's cells in the header's columns: each by its name, empty where the row has none (a
/// record kind without that field), and a `null` struct's one empty cell spread over its
/// `field.sub` columns. The row's keys come in the header's order, so one pass places them.
pub fn by_header<'r>(row: &'r Flat, header: &[Cow<'static, str>]) -> Result<Vec<&'r str>> {
    if row.keys == header {
        return Ok(row.cells.iter().map(String::as_str).collect());
    }
    let mut fields = row.keys.iter().zip(&row.cells).peekable();
    let mut placed = Vec::with_capacity(header.len());
    for h in header {
        // a null struct: its key, with an empty cell, where the header has its fields
        let under =
            |k: &str| h.len() > k.len() && h.starts_with(k) && h.as_bytes()[k.len()] == b'.';
        if fields.next_if(|(k, c)| c.is_empty() && under(k)).is_some() {
            placed.push("");
            continue;
        }
        placed.push(match fields.next_if(|(k, _)| *k == h) {
            Some((_, c)) => c.as_str(),
            None => "",
        });
    }
    if let Some((k, _)) = fields.next() {
        anyhow::bail!("internal error: CSV field {k:?} is not in the header, or out of its order");
    }
    Ok(placed)
}

/// A JSON array of the rows an iterator makes, serialized as they are made (once).
struct Lazy<I>(RefCell<Option<I>>);

impl<I: Iterator<Item = R>, R: Serialize> Serialize for Lazy<I> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.borrow_mut().take().into_iter().flatten())
    }
}
