//! Tables for people. Every cell is sanitized here, whatever the command put in it.
//!
//! Finished results are laid out by comfy-table (fits the terminal width on a tty, no wrapping
//! and no borders when piped). Rows of a live stream, or more rows than are worth holding, are
//! printed as they come in fixed-width columns instead, so `tail -F | kaudit events` shows each
//! request at once and memory stays flat.

use std::io::Write;

use anyhow::Result;
use comfy_table::{CellAlignment, ColumnConstraint, ContentArrangement, Table, Width};

use super::{Cell, Column, Record, Rows, Style, Tone};
use crate::term::{Out, sanitize};

/// Rows held for one comfy-table before switching to streaming layout.
const MAX_BUFFERED: usize = 10_000;

fn ansi(t: Tone) -> Option<&'static str> {
    match t {
        Tone::Plain => None,
        Tone::Ok => Some("32"),
        Tone::Info => Some("36"),
        Tone::Warn => Some("33"),
        Tone::Bad => Some("31"),
        Tone::Dim => Some("2"),
    }
}

fn comfy_color(t: Tone) -> Option<comfy_table::Color> {
    use comfy_table::Color;
    match t {
        Tone::Plain | Tone::Dim => None,
        Tone::Ok => Some(Color::Green),
        Tone::Info => Some(Color::Cyan),
        Tone::Warn => Some(Color::Yellow),
        Tone::Bad => Some(Color::Red),
    }
}

/// A comfy-table with kaudit's look: no borders, two spaces between columns.
pub fn new_table(style: &Style) -> Table {
    let mut t = Table::new();
    t.load_style(comfy_table::presets::NOTHING);
    t.set_content_arrangement(ContentArrangement::Disabled);
    if style.color {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    t
}

/// A header label as shown: times are labelled `(UTC)` unless `--local` was given.
pub fn header_label(text: &str, style: &Style) -> String {
    if style.local {
        text.replace("(UTC)", "(local)")
    } else {
        text.to_string()
    }
}

/// Turn cells into comfy cells: sanitized, colored when asked.
pub fn comfy_row(cells: &[Cell], style: &Style) -> Vec<comfy_table::Cell> {
    cells
        .iter()
        .map(|c| {
            let text = sanitize(&c.text);
            // comfy-table's layout is quadratic in a cell's length; nothing wider than the
            // terminal can be shown anyway (a 400 KB URI from an anonymous client took 9 s)
            let text = match style.width {
                Some(w) if style.tty => cut(&text, w as usize),
                _ => text,
            };
            let mut cell = comfy_table::Cell::new(text);
            if c.right {
                cell = cell.set_alignment(CellAlignment::Right);
            }
            if style.color {
                if let Some(col) = comfy_color(c.tone) {
                    cell = cell.fg(col);
                }
                if c.tone == Tone::Dim {
                    cell = cell.add_attribute(comfy_table::Attribute::Dim);
                }
            }
            cell
        })
        .collect()
}

/// At most `max` characters, with `…` when cut.
fn cut(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => std::borrow::Cow::Borrowed(s),
        Some((i, _)) => std::borrow::Cow::Owned(format!("{}…", &s[..i])),
    }
}

/// Write a finished comfy-table: bold headers, two spaces between columns, trailing spaces
/// trimmed. On a terminal of known width the table fits it: rows stay on one line and the
/// flexible columns (names, URIs) are cut with `…`; the others keep their full width. When
/// piped, nothing is cut or wrapped. `right[i]`: right-align column i; `flex[i]` (default: not
/// right-aligned): column i may be cut.
pub fn write_table(
    out: &mut Out,
    mut t: Table,
    headers: Option<Vec<Cell>>,
    style: &Style,
    right: &[bool],
    flex: &[bool],
) -> Result<()> {
    let header_widths: Vec<u16> = headers
        .iter()
        .flatten()
        .map(|c| c.text.chars().count() as u16)
        .collect();
    if let Some(mut h) = headers {
        for c in &mut h {
            c.text = header_label(&c.text, style);
        }
        let hdr: Vec<comfy_table::Cell> = comfy_row(&h, style)
            .into_iter()
            .map(|c| {
                if style.color {
                    c.add_attribute(comfy_table::Attribute::Bold)
                } else {
                    c
                }
            })
            .collect();
        t.set_header(hdr);
    }
    if t.row_count() == 0 && t.header().is_none() {
        return Ok(());
    }
    let fit = style.tty && style.width.is_some_and(|w| w > 0);
    if let (true, Some(w)) = (fit, style.width) {
        t.set_width(w);
        t.set_content_arrangement(ContentArrangement::Dynamic);
        t.set_truncation_indicator("…");
        for row in t.row_iter_mut() {
            row.max_height(1);
        }
    }
    let n = t.column_count();
    for i in 0..n {
        let r = right.get(i).copied().unwrap_or(false);
        let f = flex.get(i).copied().unwrap_or(!r);
        if let Some(col) = t.column_mut(i) {
            col.set_padding((0, if i + 1 == n { 0 } else { 2 }));
            if r {
                col.set_cell_alignment(CellAlignment::Right);
            }
            if fit {
                col.set_constraint(if f {
                    // the boundary includes the column padding
                    let min = header_widths.get(i).copied().unwrap_or(0).max(8) + 2;
                    ColumnConstraint::LowerBoundary(Width::Fixed(min))
                } else {
                    ColumnConstraint::ContentWidth
                });
            }
        }
    }
    for line in t.lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// The table writer for row commands (`events`).
pub struct RowTable {
    columns: &'static [Column],
    style: Style,
    buffered: Vec<Vec<Cell>>,
    streaming: bool,
    header_done: bool,
}

impl RowTable {
    pub fn new(columns: &'static [Column], style: Style, live: bool) -> Self {
        RowTable {
            columns,
            style,
            buffered: Vec::new(),
            streaming: live,
            header_done: false,
        }
    }

    fn stream_line(&mut self, out: &mut Out, cells: &[Cell], header: bool) -> Result<()> {
        let mut line = String::new();
        let last = self.columns.len().saturating_sub(1);
        for (i, (col, cell)) in self.columns.iter().zip(cells).enumerate() {
            let text = sanitize(&cell.text);
            let len = text.chars().count();
            let shown: String = if self.style.tty && col.flex && len > col.max && i != last {
                let mut s: String = text.chars().take(col.max.saturating_sub(1)).collect();
                s.push('…');
                s
            } else {
                text.into_owned()
            };
            let pad = col.max.saturating_sub(shown.chars().count());
            let code =
                if header { Some("1") } else { ansi(cell.tone) }.filter(|_| self.style.color);
            if col.right {
                line.extend(std::iter::repeat_n(' ', pad));
            }
            match code {
                Some(c) => line.push_str(&format!("\x1b[{c}m{shown}\x1b[0m")),
                None => line.push_str(&shown),
            }
            if i != last {
                if !col.right {
                    line.extend(std::iter::repeat_n(' ', pad));
                }
                line.push_str("  ");
            }
        }
        writeln!(out, "{}", line.trim_end())?;
        Ok(())
    }

    fn headers(&self) -> Vec<Cell> {
        self.columns
            .iter()
            .map(|c| Cell::new(header_label(c.header, &self.style)))
            .collect()
    }

    fn start_streaming(&mut self, out: &mut Out) -> Result<()> {
        self.streaming = true;
        for row in std::mem::take(&mut self.buffered) {
            self.emit_stream(out, &row)?;
        }
        Ok(())
    }

    fn emit_stream(&mut self, out: &mut Out, cells: &[Cell]) -> Result<()> {
        if !self.header_done {
            self.header_done = true;
            if self.style.headers {
                let h = self.headers();
                self.stream_line(out, &h, true)?;
            }
        }
        self.stream_line(out, cells, false)
    }
}

impl Rows for RowTable {
    fn row(&mut self, out: &mut Out, rec: &dyn Record) -> Result<()> {
        let mut cells = rec.cells(&self.style);
        cells.truncate(self.columns.len());
        if self.streaming {
            return self.emit_stream(out, &cells);
        }
        self.buffered.push(cells);
        if self.buffered.len() > MAX_BUFFERED {
            self.start_streaming(out)?;
        }
        Ok(())
    }

    fn flush(&mut self, out: &mut Out) -> Result<()> {
        out.flush()?;
        Ok(())
    }

    fn finish(&mut self, out: &mut Out) -> Result<()> {
        if self.streaming {
            out.flush()?;
            return Ok(());
        }
        if self.buffered.is_empty() {
            return Ok(());
        }
        let mut t = new_table(&self.style);
        for row in self.buffered.drain(..) {
            t.add_row(comfy_row(&row, &self.style));
        }
        let right: Vec<bool> = self.columns.iter().map(|c| c.right).collect();
        let flex: Vec<bool> = self.columns.iter().map(|c| c.flex).collect();
        let headers = self.style.headers.then(|| self.headers());
        write_table(out, t, headers, &self.style, &right, &flex)?;
        out.flush()?;
        Ok(())
    }
}
