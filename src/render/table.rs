//! Tables for people. Every cell is sanitized here, whatever the command put in it.
//!
//! Finished results are laid out by comfy-table (fits the terminal width on a tty, no wrapping
//! and no borders when piped). Rows of a live stream, or more rows than are worth holding, are
//! printed as they come in fixed-width columns instead, so `tail -F | kaudit events` shows each
//! request at once and memory stays flat.

use std::io::Write;

use anyhow::Result;
use comfy_table::{CellAlignment, ContentArrangement, Table};

use super::{Cell, Column, Record, Style, Tone};
use crate::term::{Out, sanitize};

/// Rows held for one comfy-table before switching to streaming layout.
pub const MAX_BUFFERED: usize = 10_000;

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

/// Display width of a string (East Asian wide characters count 2).
pub fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// Fit `s` into `max` columns by cutting its middle: `system:servi…ge-collector`. Names and URIs
/// differ most at their ends, so both are kept.
pub fn elide_middle(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max <= 1 {
        return "…".chars().take(max).collect();
    }
    let budget = max - 1;
    let (head_w, tail_w) = (budget.div_ceil(2), budget / 2);
    let mut head = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw > head_w {
            break;
        }
        head.push(c);
        w += cw;
    }
    let mut tail: Vec<char> = Vec::new();
    let mut w = 0;
    for c in s.chars().rev() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw > tail_w {
            break;
        }
        tail.push(c);
        w += cw;
    }
    tail.reverse();
    format!("{head}…{}", tail.into_iter().collect::<String>())
}

/// Column widths that fit `total` columns: flexible columns (names, URIs) give up width, widest
/// first, down to their header's width (at least 8); the others keep their content width.
fn fit_widths(natural: &[usize], mins: &[usize], flex: &[bool], total: usize) -> Vec<usize> {
    let mut w = natural.to_vec();
    let gaps = 2 * w.len().saturating_sub(1);
    loop {
        let used: usize = w.iter().sum::<usize>() + gaps;
        if used <= total {
            break;
        }
        let widest = (0..w.len())
            .filter(|&i| flex[i] && w[i] > mins[i])
            .max_by_key(|&i| (w[i], std::cmp::Reverse(i)));
        match widest {
            Some(i) => w[i] -= 1,
            None => break, // nothing left to give: the terminal will wrap
        }
    }
    w
}

/// Write a table for people. Cells are sanitized; headers bold with `--color`; two spaces
/// between columns; trailing spaces trimmed. When `style.fit` (a terminal of known width, not
/// `-o wide`), rows stay on one line: flexible columns (`flex[i]`, default: not right-aligned)
/// shrink and their long values are elided in the middle. `right[i]`: right-align column i.
pub fn write_rows(
    out: &mut Out,
    rows: Vec<Vec<Cell>>,
    headers: Option<Vec<Cell>>,
    style: &Style,
    right: &[bool],
    flex: &[bool],
) -> Result<()> {
    write_rows_dropping(out, rows, headers, style, right, flex, &[])
}

/// The width of column `i`: its widest value, sanitized, header included.
fn column_width(rows: &[Vec<Cell>], headers: Option<&Vec<Cell>>, i: usize) -> usize {
    rows.iter()
        .filter_map(|r| r.get(i))
        .chain(headers.into_iter().filter_map(|h| h.get(i)))
        .map(|c| width(&sanitize(&c.text)))
        .max()
        .unwrap_or(0)
}

/// A flexible column's width up to which its values are worth keeping whole: optional columns
/// are left out before a name this long is cut (a longer one, a URI, is cut anyway).
const WHOLE: usize = 40;

/// [`write_rows`], where columns may be left out to fit the terminal: `drop[i] > 0` marks
/// column i as optional, the highest number going first, whenever keeping it would squeeze a
/// flexible column below a readable width. A note under the table names what was left out.
pub fn write_rows_dropping(
    out: &mut Out,
    rows: Vec<Vec<Cell>>,
    headers: Option<Vec<Cell>>,
    style: &Style,
    right: &[bool],
    flex: &[bool],
    drop: &[u8],
) -> Result<()> {
    if rows.is_empty() && headers.is_none() {
        return Ok(());
    }
    if let (true, Some(total)) = (style.fit, style.width) {
        let n = rows
            .iter()
            .map(Vec::len)
            .chain(headers.iter().map(Vec::len))
            .max()
            .unwrap_or(0);
        let raw: Vec<usize> = (0..n)
            .map(|i| column_width(&rows, headers.as_ref(), i))
            .collect();
        let is_flex = |i: usize| is_flex_column(flex, right, i);
        let kept = choose_kept(
            &raw,
            Some(total as usize),
            headers.as_deref(),
            is_flex,
            drop,
        );
        if !kept.dropped.is_empty() {
            let right: Vec<bool> = kept
                .keep
                .iter()
                .map(|&i| right.get(i).copied().unwrap_or(false))
                .collect();
            let flex: Vec<bool> = kept.keep.iter().map(|&i| is_flex(i)).collect();
            let rows = rows.into_iter().map(|r| kept.pick(r)).collect();
            let headers = headers.map(|h| kept.pick(h));
            lay_out(out, rows, headers, style, &right, &flex)?;
            return write_left_out(out, kept.dropped);
        }
    }
    lay_out(out, rows, headers, style, right, flex)
}

fn lay_out(
    out: &mut Out,
    rows: Vec<Vec<Cell>>,
    headers: Option<Vec<Cell>>,
    style: &Style,
    right: &[bool],
    flex: &[bool],
) -> Result<()> {
    let n = rows
        .iter()
        .map(Vec::len)
        .chain(headers.iter().map(Vec::len))
        .max()
        .unwrap_or(0);
    let clean = |c: &Cell| -> Cell {
        let mut text = sanitize(&c.text).into_owned();
        if let (true, Some(w)) = (style.fit, style.width) {
            // no value can be wider than the terminal; cutting first keeps layout linear (in
            // the middle, like the layout below, so both ends of a name survive)
            text = elide_middle(&text, w as usize);
        }
        Cell { text, ..c.clone() }
    };
    let headers: Option<Vec<Cell>> = headers.map(|h| {
        h.iter()
            .map(|c| Cell {
                text: header_label(&c.text, style),
                ..c.clone()
            })
            .collect()
    });
    // each row cleaned as the one before is let go of (not a second copy of the whole table)
    let mut rows: Vec<Vec<Cell>> = rows
        .into_iter()
        .map(|r| r.iter().map(clean).collect())
        .collect();
    let flex_at = |i: usize| {
        let r = right.get(i).copied().unwrap_or(false);
        flex.get(i).copied().unwrap_or(!r)
    };
    if let (true, Some(total)) = (style.fit, style.width) {
        let mut natural = vec![0; n];
        let mut mins = vec![8; n];
        for (i, h) in headers.iter().flatten().enumerate() {
            natural[i] = width(&h.text);
            mins[i] = mins[i].max(width(&h.text));
        }
        for row in &rows {
            for (i, c) in row.iter().enumerate() {
                natural[i] = natural[i].max(width(&c.text));
            }
        }
        let flexes: Vec<bool> = (0..n).map(flex_at).collect();
        let widths = fit_widths(&natural, &mins, &flexes, total as usize);
        for row in &mut rows {
            for (i, c) in row.iter_mut().enumerate() {
                if width(&c.text) > widths[i] {
                    c.text = elide_middle(&c.text, widths[i]);
                }
            }
        }
    }
    if rows.len() > MAX_BUFFERED {
        return lay_out_plain(out, rows, headers, style, right, n);
    }
    let mut t = new_table(style);
    if let Some(h) = headers {
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
    for row in &rows {
        t.add_row(comfy_row(row, style));
    }
    for i in 0..n {
        if let Some(col) = t.column_mut(i) {
            col.set_padding((0, if i + 1 == n { 0 } else { 2 }));
            if right.get(i).copied().unwrap_or(false) {
                col.set_cell_alignment(CellAlignment::Right);
            }
        }
    }
    for line in t.lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// [`lay_out`] for a table of more than [`MAX_BUFFERED`] rows: the same columns (left or right
/// aligned, two spaces apart, no trailing blanks) written a row at a time, where comfy-table
/// would hold each cell three times more (its cells, its lines, its output). `rows` are
/// sanitized and fitted already.
fn lay_out_plain(
    out: &mut Out,
    rows: Vec<Vec<Cell>>,
    headers: Option<Vec<Cell>>,
    style: &Style,
    right: &[bool],
    n: usize,
) -> Result<()> {
    let mut widths = vec![0; n];
    for row in headers.iter().chain(&rows) {
        for (i, c) in row.iter().enumerate() {
            widths[i] = widths[i].max(width(&c.text));
        }
    }
    let mut line = String::new();
    if let Some(h) = &headers {
        plain_line(out, &mut line, h, true, &widths, right, style)?;
    }
    for row in rows {
        plain_line(out, &mut line, &row, false, &widths, right, style)?;
    }
    Ok(())
}

/// One line of a plain table: cells padded to `widths`, two spaces apart, trailing blanks cut.
fn plain_line(
    out: &mut Out,
    line: &mut String,
    cells: &[Cell],
    header: bool,
    widths: &[usize],
    right: &[bool],
    style: &Style,
) -> Result<()> {
    line.clear();
    for (i, c) in cells.iter().enumerate() {
        let pad = widths[i].saturating_sub(width(&c.text));
        let r = right.get(i).copied().unwrap_or(false);
        if r {
            line.extend(std::iter::repeat_n(' ', pad));
        }
        let code = if header { Some("1") } else { ansi(c.tone) }.filter(|_| style.color);
        match code {
            Some(code) => line.push_str(&format!("\x1b[{code}m{}\x1b[0m", c.text)),
            None => line.push_str(&c.text),
        }
        if i + 1 < cells.len() {
            if !r {
                line.extend(std::iter::repeat_n(' ', pad));
            }
            line.push_str("  ");
        }
    }
    writeln!(out, "{}", line.trim_end())?;
    Ok(())
}

/// [`write_rows_dropping`] for `n` rows made on demand by `row(i)` (the same row for the same
/// `i`), when there are too many to hold: the same lines, from two passes over the rows (three
/// when a column had to be narrowed to fit the terminal), holding one row at a time. The first
/// pass measures the columns as `write_rows_dropping` and [`lay_out`] do, the last writes.
#[expect(clippy::too_many_arguments)]
pub fn write_rows_streamed(
    out: &mut Out,
    n: usize,
    row: impl Fn(usize) -> Vec<Cell>,
    headers: Option<Vec<Cell>>,
    style: &Style,
    right: &[bool],
    flex: &[bool],
    drop: &[u8],
) -> Result<()> {
    if n == 0 && headers.is_none() {
        return Ok(());
    }
    let term = if style.fit { style.width } else { None }.map(usize::from);
    let (raw, cut) = measure_streamed(n, &row, headers.as_deref(), term);
    let is_flex = |i: usize| is_flex_column(flex, right, i);
    let kept = choose_kept(&raw, term, headers.as_deref(), is_flex, drop);
    let headers: Option<Vec<Cell>> = headers.map(|h| {
        kept.pick(h)
            .into_iter()
            .map(|c| Cell {
                text: header_label(&c.text, style),
                ..c
            })
            .collect()
    });
    let (widths, narrowed) = fit_kept(&cut, &kept.keep, headers.as_deref(), term, is_flex);
    let finish = |cells: Vec<Cell>| finish_row(kept.pick(cells), term, &widths);
    let mut plain = if narrowed {
        measure_written(n, &row, finish, kept.keep.len())
    } else {
        kept.keep.iter().map(|&i| cut[i]).collect()
    };
    for (j, h) in headers.iter().flatten().enumerate() {
        plain[j] = plain[j].max(width(&h.text));
    }
    let right: Vec<bool> = kept
        .keep
        .iter()
        .map(|&i| right.get(i).copied().unwrap_or(false))
        .collect();
    let mut line = String::new();
    if let Some(h) = &headers {
        plain_line(out, &mut line, h, true, &plain, &right, style)?;
    }
    for i in 0..n {
        plain_line(
            out,
            &mut line,
            &finish(row(i)),
            false,
            &plain,
            &right,
            style,
        )?;
    }
    write_left_out(out, kept.dropped)
}

/// Whether column `i` is flexible: `flex[i]`, by default when it is not right-aligned.
fn is_flex_column(flex: &[bool], right: &[bool], i: usize) -> bool {
    flex.get(i)
        .copied()
        .unwrap_or(!right.get(i).copied().unwrap_or(false))
}

/// Pass 1 of [`write_rows_streamed`]: per column, the widest sanitized value, headers included
/// (`raw`: which columns to drop), and the widest once cut to the terminal's width (`cut`: the
/// natural width of the layout), both as long as the longest row or the headers.
fn measure_streamed(
    n: usize,
    row: &impl Fn(usize) -> Vec<Cell>,
    headers: Option<&[Cell]>,
    term: Option<usize>,
) -> (Vec<usize>, Vec<usize>) {
    let mut raw: Vec<usize> = Vec::new();
    let mut cut: Vec<usize> = Vec::new();
    let mut longest = headers.map_or(0, <[Cell]>::len);
    for i in 0..n {
        let cells = row(i);
        longest = longest.max(cells.len());
        if raw.len() < cells.len() {
            raw.resize(cells.len(), 0);
            cut.resize(cells.len(), 0);
        }
        for (j, c) in cells.iter().enumerate() {
            let s = sanitize(&c.text);
            let w = width(&s);
            raw[j] = raw[j].max(w);
            let w = match term {
                Some(t) if w > t => width(&elide_middle(&s, t)),
                _ => w,
            };
            cut[j] = cut[j].max(w);
        }
    }
    raw.resize(longest, 0);
    cut.resize(longest, 0);
    for (j, h) in headers.into_iter().flatten().enumerate() {
        raw[j] = raw[j].max(width(&sanitize(&h.text)));
    }
    (raw, cut)
}

/// The columns a streamed table keeps, and the headers of those it leaves out.
struct Kept {
    /// Indices of the kept columns, in order.
    keep: Vec<usize>,
    /// Headers of the dropped columns, in the order they were dropped.
    dropped: Vec<String>,
}

impl Kept {
    /// A row's cells in the kept columns (the row itself when nothing was left out).
    #[inline]
    fn pick(&self, cells: Vec<Cell>) -> Vec<Cell> {
        if self.dropped.is_empty() {
            return cells;
        }
        let mut cells: Vec<Option<Cell>> = cells.into_iter().map(Some).collect();
        self.keep
            .iter()
            .filter_map(|&i| cells.get_mut(i).and_then(Option::take))
            .collect()
    }
}

/// The columns kept, as [`write_rows_dropping`] chooses them from the widths `raw`: while they
/// need more than the terminal's `term` columns (a flexible one counted at [`WHOLE`] at
/// most), the optional column with the highest `drop` number (then the rightmost) goes.
fn choose_kept(
    raw: &[usize],
    term: Option<usize>,
    headers: Option<&[Cell]>,
    is_flex: impl Fn(usize) -> bool,
    drop: &[u8],
) -> Kept {
    let mut keep: Vec<usize> = (0..raw.len()).collect();
    let mut dropped: Vec<String> = Vec::new();
    if let Some(total) = term {
        loop {
            let need: usize = keep
                .iter()
                .map(|&i| {
                    if is_flex(i) {
                        raw[i].min(WHOLE)
                    } else {
                        raw[i]
                    }
                })
                .sum::<usize>()
                + 2 * keep.len().saturating_sub(1);
            if need <= total {
                break;
            }
            let victim = keep
                .iter()
                .copied()
                .filter(|&i| drop.get(i).copied().unwrap_or(0) > 0)
                .max_by_key(|&i| (drop[i], i));
            let Some(v) = victim else { break };
            if let Some(h) = headers.and_then(|h| h.get(v)) {
                dropped.push(h.text.clone());
            }
            keep.retain(|&i| i != v);
        }
    }
    Kept { keep, dropped }
}

/// The widths [`lay_out`] gives the kept columns: their cut widths, fitted to the terminal
/// (`term`) with the (labelled) headers' widths; and whether any column came out narrower than
/// its cut width, so that cells will be elided further.
fn fit_kept(
    cut: &[usize],
    keep: &[usize],
    headers: Option<&[Cell]>,
    term: Option<usize>,
    is_flex: impl Fn(usize) -> bool,
) -> (Vec<usize>, bool) {
    let widths: Vec<usize> = keep.iter().map(|&i| cut[i]).collect();
    let Some(total) = term else {
        return (widths, false);
    };
    let mut natural = widths.clone();
    let mut mins = vec![8; keep.len()];
    for (i, h) in headers.into_iter().flatten().enumerate() {
        natural[i] = natural[i].max(width(&h.text));
        mins[i] = mins[i].max(width(&h.text));
    }
    let flexes: Vec<bool> = keep.iter().map(|&i| is_flex(i)).collect();
    let fit = fit_widths(&natural, &mins, &flexes, total);
    let narrowed = fit.iter().zip(&widths).any(|(f, w)| f < w);
    (fit, narrowed)
}

/// A row's kept cells as written: sanitized, and on a terminal cut to its width, then to the
/// column's width.
#[inline]
fn finish_row(cells: Vec<Cell>, term: Option<usize>, widths: &[usize]) -> Vec<Cell> {
    cells
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let mut text = sanitize(&c.text).into_owned();
            if let Some(t) = term {
                text = elide_middle(&text, t);
                if width(&text) > widths[i] {
                    text = elide_middle(&text, widths[i]);
                }
            }
            Cell { text, ..c }
        })
        .collect()
}

/// The middle pass of [`write_rows_streamed`], when a column was narrowed: the widths
/// [`lay_out_plain`] measures on the `m` kept columns, of the cells as `finish` writes them.
fn measure_written(
    n: usize,
    row: &impl Fn(usize) -> Vec<Cell>,
    finish: impl Fn(Vec<Cell>) -> Vec<Cell>,
    m: usize,
) -> Vec<usize> {
    let mut plain = vec![0; m];
    for i in 0..n {
        for (j, c) in finish(row(i)).iter().enumerate() {
            plain[j] = plain[j].max(width(&c.text));
        }
    }
    plain
}

/// The note under a table that left columns out, naming them left to right.
fn write_left_out(out: &mut Out, mut dropped: Vec<String>) -> Result<()> {
    if !dropped.is_empty() {
        dropped.reverse();
        writeln!(
            out,
            "(left out to fit: {}; -o wide has every column)",
            dropped.join(", ")
        )?;
    }
    Ok(())
}

/// The table writer for row commands (`events`).
pub struct RowTable {
    columns: Vec<Column>,
    style: Style,
    buffered: Vec<Vec<Cell>>,
    streaming: bool,
    /// How streamed rows are laid out, fixed when streaming starts.
    layout: Option<Streamed>,
    header_done: bool,
}

/// The streamed layout: the columns kept (indices) and their widths, and the headers of those
/// left out to fit the terminal.
struct Streamed {
    keep: Vec<usize>,
    widths: Vec<usize>,
    dropped: Vec<String>,
}

impl RowTable {
    pub fn new(columns: &[Column], style: Style, live: bool) -> Self {
        RowTable {
            columns: columns.to_vec(),
            style,
            buffered: Vec::new(),
            streaming: live,
            layout: None,
            header_done: false,
        }
    }

    /// The streamed layout: each column as wide as its widest buffered value (none when live:
    /// its cap), a flexible one at most its cap; on a terminal, the optional columns left out
    /// and the flexible ones narrowed as [`write_rows_dropping`] does.
    fn layout(&self) -> Streamed {
        let cols = &self.columns;
        let mut want: Vec<usize> = cols
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let seen = self
                    .buffered
                    .iter()
                    .filter_map(|r| r.get(i))
                    .map(|c| width(&sanitize(&c.text)))
                    .max();
                let w = match seen {
                    Some(w) if c.flex => w.min(c.max),
                    Some(w) => w,
                    None => c.max,
                };
                w.max(width(&header_label(c.header, &self.style)))
            })
            .collect();
        let term = if self.style.fit {
            self.style.width
        } else {
            None
        }
        .map(usize::from);
        let Some(total) = term else {
            // (as before: every column at its cap)
            want = cols.iter().map(|c| c.max).collect();
            return Streamed {
                keep: (0..cols.len()).collect(),
                widths: want,
                dropped: Vec::new(),
            };
        };
        let headers: Vec<Cell> = self.headers();
        let drop: Vec<u8> = cols.iter().map(|c| c.drop).collect();
        let kept = choose_kept(&want, Some(total), Some(&headers), |i| cols[i].flex, &drop);
        let natural: Vec<usize> = kept.keep.iter().map(|&i| want[i]).collect();
        let mins: Vec<usize> = kept
            .keep
            .iter()
            .map(|&i| width(&headers[i].text).max(8).min(want[i]))
            .collect();
        let flexes: Vec<bool> = kept.keep.iter().map(|&i| cols[i].flex).collect();
        let widths = fit_widths(&natural, &mins, &flexes, total);
        Streamed {
            keep: kept.keep,
            widths,
            dropped: kept.dropped,
        }
    }

    fn stream_line(&mut self, out: &mut Out, cells: &[Cell], header: bool) -> Result<()> {
        let layout = self.layout.get_or_insert_with(|| Streamed {
            keep: (0..self.columns.len()).collect(),
            widths: self.columns.iter().map(|c| c.max).collect(),
            dropped: Vec::new(),
        });
        let mut line = String::new();
        let last = layout.keep.len().saturating_sub(1);
        for (j, (&i, &w)) in layout.keep.iter().zip(&layout.widths).enumerate() {
            let (Some(col), Some(cell)) = (self.columns.get(i), cells.get(i)) else {
                continue;
            };
            let text = sanitize(&cell.text);
            let len = width(&text);
            let shown: String = if self.style.fit && col.flex && len > w && j != last {
                elide_middle(&text, w)
            } else {
                text.into_owned()
            };
            let pad = w.saturating_sub(width(&shown));
            let code =
                if header { Some("1") } else { ansi(cell.tone) }.filter(|_| self.style.color);
            if col.right {
                line.extend(std::iter::repeat_n(' ', pad));
            }
            match code {
                Some(c) => line.push_str(&format!("\x1b[{c}m{shown}\x1b[0m")),
                None => line.push_str(&shown),
            }
            if j != last {
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
        self.layout = Some(self.layout());
        for row in std::mem::take(&mut self.buffered) {
            self.emit_stream(out, &row)?;
        }
        Ok(())
    }

    fn emit_stream(&mut self, out: &mut Out, cells: &[Cell]) -> Result<()> {
        if self.layout.is_none() {
            self.layout = Some(self.layout());
        }
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

impl RowTable {
    pub fn row<R: Record>(&mut self, out: &mut Out, rec: &R) -> Result<()> {
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

    pub fn finish(&mut self, out: &mut Out) -> Result<()> {
        if self.streaming {
            if let Some(l) = self.layout.take() {
                write_left_out(out, l.dropped)?;
            }
            out.flush()?;
            return Ok(());
        }
        if self.buffered.is_empty() {
            return Ok(());
        }
        let mut rows = std::mem::take(&mut self.buffered);
        let right: Vec<bool> = self.columns.iter().map(|c| c.right).collect();
        let flex: Vec<bool> = self.columns.iter().map(|c| c.flex).collect();
        let drop: Vec<u8> = self.columns.iter().map(|c| c.drop).collect();
        let headers = self.style.headers.then(|| self.headers());
        let day = match (self.style.fit, self.style.width) {
            (true, Some(total)) => self.shared_day(&mut rows, headers.as_ref(), usize::from(total)),
            _ => None,
        };
        write_rows_dropping(out, rows, headers, &self.style, &right, &flex, &drop)?;
        if let Some(d) = day {
            let zone = if self.style.local {
                "local time"
            } else {
                "UTC"
            };
            writeln!(out, "(times: {zone}, {d})")?;
        }
        out.flush()?;
        Ok(())
    }

    /// On a terminal narrower than the table: the date every row of the time columns shares is
    /// cut from their cells, to be said once under the table (`(times: UTC, 2026-11-21)`, as
    /// `who` says it), before any column is left out or cut. Rows without a time (`-`) stay as
    /// they are. The date, when cut.
    fn shared_day(
        &self,
        rows: &mut [Vec<Cell>],
        headers: Option<&Vec<Cell>>,
        total: usize,
    ) -> Option<String> {
        let n = self.columns.len();
        let natural: usize = (0..n)
            .map(|i| column_width(rows, headers, i))
            .sum::<usize>()
            + 2 * n.saturating_sub(1);
        if natural <= total {
            return None;
        }
        let day = |t: &str| {
            let b = t.as_bytes();
            (b.len() > 11 && b[4] == b'-' && b[7] == b'-' && b[10] == b' ')
                .then(|| t[..10].to_string())
        };
        let times: Vec<usize> = (0..n).filter(|&i| self.columns[i].day).collect();
        let mut shared: Option<String> = None;
        for c in rows
            .iter()
            .flat_map(|r| times.iter().filter_map(|&i| r.get(i)))
            .filter(|c| c.text != "-")
        {
            match (day(&c.text), &shared) {
                (Some(d), None) => shared = Some(d),
                (Some(d), Some(s)) if d == *s => {}
                _ => return None,
            }
        }
        let d = shared?;
        for c in rows
            .iter_mut()
            .flat_map(|r| r.iter_mut().enumerate().filter(|(i, _)| times.contains(i)))
            .map(|(_, c)| c)
            .filter(|c| c.text != "-")
        {
            c.text.drain(..11);
        }
        Some(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::term::captured;

    /// Past [`MAX_BUFFERED`] rows a table is written a row at a time, without comfy-table: the
    /// lines are those comfy-table writes for the same columns (a row repeated at the end
    /// changes no width), headers, right-aligned numbers, wide characters and fitting included.
    #[test]
    fn a_long_table_is_laid_out_as_comfy_table_lays_out_a_short_one() {
        let row = |i: usize| {
            vec![
                Cell::new(format!("user-{}{}", i % 7, "x".repeat(i % 13))),
                Cell::num(format!("{}", i * 37 % 1001)),
                Cell::new(if i.is_multiple_of(5) { "名前" } else { "-" }.to_string()),
            ]
        };
        for width in [None, Some(24)] {
            let style = Style {
                color: false,
                tty: false,
                width,
                local: false,
                headers: true,
                fit: width.is_some(),
            };
            let render = |rows: Vec<Vec<Cell>>| -> String {
                captured(|out| {
                    let headers = ["USER", "N", "NAME"].map(Cell::new).to_vec();
                    write_rows(
                        out,
                        rows,
                        Some(headers),
                        &style,
                        &[false, true, false],
                        &[true, false, true],
                    )
                    .unwrap()
                })
            };
            let short: Vec<Vec<Cell>> = (0..MAX_BUFFERED).map(row).collect();
            let mut long = short.clone();
            long.push(row(0));
            let (a, b) = (render(short), render(long));
            assert_eq!(b.lines().count(), MAX_BUFFERED + 2);
            assert_eq!(
                b.lines().take(MAX_BUFFERED + 1).collect::<Vec<_>>(),
                a.lines().collect::<Vec<_>>(),
                "width {width:?}"
            );
        }
    }

    /// A table made a row at a time from a function is the table `write_rows_dropping` makes
    /// of the same rows held in memory: columns dropped to fit, narrowed, elided (wide
    /// characters too), colored, on terminals of several widths and none.
    #[test]
    fn a_streamed_table_is_the_table_of_the_same_rows_held() {
        let row = |i: usize| {
            vec![
                Cell::new(format!("user-{}{}", i % 7, "x".repeat(i % 41))),
                Cell::num(format!("{}", i * 37 % 1001)).tone(if i.is_multiple_of(3) {
                    Tone::Warn
                } else {
                    Tone::Plain
                }),
                Cell::new(if i.is_multiple_of(5) {
                    "名前名前名前名前名前名前名前\x1b[31m".to_string()
                } else {
                    "-".to_string()
                }),
                Cell::new(format!("agent/{}", "y".repeat(i % 29))),
            ]
        };
        let n = MAX_BUFFERED + 3;
        for (width, color) in [
            (None, false),
            (Some(24), false),
            (Some(40), true),
            (Some(70), false),
            (Some(200), false),
        ] {
            let style = Style {
                color,
                tty: width.is_some(),
                width,
                local: false,
                headers: true,
                fit: width.is_some(),
            };
            let right = [false, true, false, false];
            let flex = [true, false, true, true];
            let drops = [0, 0, 1, 2];
            let headers = || Some(["USER (UTC)", "N", "NAME", "AGENT"].map(Cell::new).to_vec());
            let held = captured(|out| {
                let rows: Vec<Vec<Cell>> = (0..n).map(row).collect();
                write_rows_dropping(out, rows, headers(), &style, &right, &flex, &drops).unwrap()
            });
            let streamed = captured(|out| {
                write_rows_streamed(out, n, row, headers(), &style, &right, &flex, &drops).unwrap()
            });
            assert_eq!(
                held.lines().count(),
                streamed.lines().count(),
                "width {width:?}"
            );
            assert!(held == streamed, "width {width:?}");
        }
    }

    #[test]
    fn elides_in_the_middle() {
        assert_eq!(
            elide_middle(
                "system:serviceaccount:kube-system:generic-garbage-collector",
                24
            ),
            "system:servi…e-collector"
        );
        assert_eq!(elide_middle("short", 24), "short");
        assert_eq!(width(&elide_middle("日本語のユーザー名です", 9)), 9);
    }

    #[test]
    fn fitting_shrinks_the_widest_flexible_column_first() {
        // TIME (fixed) 23, USER 40, URI 60; 100 columns
        let w = fit_widths(&[23, 40, 60], &[8, 8, 8], &[false, true, true], 100);
        assert_eq!(w.iter().sum::<usize>() + 4, 100);
        assert_eq!(w[0], 23);
        assert!(w[1] >= 36 && w[2] >= 36, "{w:?}");
    }
}
