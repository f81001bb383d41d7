//! Tables for people. Every cell is sanitized here, whatever the command put in it.
//!
//! Finished results are laid out by comfy-table (on a tty, fitted to the terminal's width: see
//! [`write_rows_dropping`]; piped, no wrapping and no borders). Rows of a live stream, or more rows than are worth holding, are
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

/// Turn cells, sanitized and fitted already (a `\n` in one is a line of its own), into comfy
/// cells, colored when asked.
fn comfy_row(cells: &[Cell], style: &Style) -> Vec<comfy_table::Cell> {
    cells
        .iter()
        .map(|c| {
            let mut cell = comfy_table::Cell::new(&c.text);
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

/// The most lines a wrapped cell takes; a longer value loses its middle (see [`fold`]).
const MAX_LINES: usize = 3;

/// The width of a cell's widest line (cells of a fitted table may hold several).
pub fn lines_width(s: &str) -> usize {
    s.split('\n').map(width).max().unwrap_or(0)
}

/// Whether a line may break after `c`: separators of names, paths and lists.
fn breaks_after(c: char) -> bool {
    matches!(c, ' ' | '/' | ':' | ',' | '.' | '-' | '_' | '=' | '@' | '|')
}

/// Wrap a sanitized value into lines of at most `w` columns, joined by `\n`, so that a name too
/// long for its column is shown whole rather than cut: `system:serviceaccount:` /
/// `build:ci-bot`. A line breaks after a space, else after a separator (`/`, `:`, `,`, `.`,
/// `-`, ...), if not too near its start (see [`wrap`]), else at `w`; a space at a break is
/// dropped. A value that takes more than [`MAX_LINES`] lines loses its middle (`…`), as little
/// of it as lets the rest fit them.
pub fn fold(s: &str, w: usize) -> String {
    if width(s) <= w {
        return s.to_string();
    }
    let w = w.max(1);
    let lines = wrap(s, w, MAX_LINES);
    if lines.len() <= MAX_LINES {
        return lines.join("\n");
    }
    // too long to show whole: its middle goes, as little as lets the rest wrap into the lines
    // (cut once to what the lines could hold, so that a huge value is measured once)
    let s = &elide_middle(s, w * MAX_LINES);
    for keep in (w..=w * MAX_LINES).rev() {
        let lines = wrap(&elide_middle(s, keep), w, MAX_LINES);
        if lines.len() <= MAX_LINES {
            return lines.join("\n");
        }
    }
    elide_middle(s, w)
}

fn char_width(c: char) -> usize {
    unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
}

/// Lines of at most `w` columns (`w` ≥ 1), broken after the last space if it is in the line's
/// last two thirds, else after its last `:`, `/` or `,` if in its last three quarters, else
/// after its last other separator (`.`, `-`, ...) if there, else at `w`.
fn wrap(s: &str, w: usize, most: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_w = 0;
    // just after the line's last space, its last `:`, `/` or `,`, and its last separator of
    // any kind: the byte offset and the width up to it
    let mut space: Option<(usize, usize)> = None;
    let mut strong: Option<(usize, usize)> = None;
    let mut brk: Option<(usize, usize)> = None;
    for c in s.chars() {
        if line.is_empty() && c == ' ' && !lines.is_empty() {
            continue; // no line starts with the space it broke at
        }
        let cw = char_width(c);
        while line_w + cw > w && !line.is_empty() {
            let at = space
                .filter(|&(_, bw)| bw * 3 >= w)
                .or(strong.filter(|&(_, bw)| bw * 4 >= w))
                .or(brk.filter(|&(_, bw)| bw * 4 >= w));
            let rest = match at {
                Some((at, _)) => line.split_off(at),
                None => String::new(),
            };
            lines.push(line.trim_end_matches(' ').to_string());
            line = rest.trim_start_matches(' ').to_string();
            line_w = 0;
            (space, strong, brk) = (None, None, None);
            for (i, rc) in line.char_indices() {
                line_w += char_width(rc);
                if breaks_after(rc) {
                    brk = Some((i + rc.len_utf8(), line_w));
                }
                if rc == ' ' {
                    space = brk;
                }
                if matches!(rc, ':' | '/' | ',') {
                    strong = brk;
                }
            }
        }
        if lines.len() > most {
            return lines; // more than the caller will take
        }
        if line.is_empty() && c == ' ' {
            continue;
        }
        line.push(c);
        line_w += cw;
        if breaks_after(c) {
            brk = Some((line.len(), line_w));
        }
        if c == ' ' {
            space = brk;
        }
        if matches!(c, ':' | '/' | ',') {
            strong = brk;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// What fitting needs to know of a flexible column's values: how many lines they take wrapped
/// at a given width. The first [`EXACT`] distinct values are kept, with their counts, to be
/// wrapped as they will be shown; any others are counted by width alone and estimated.
#[derive(Clone, Default)]
struct Spread {
    values: std::collections::HashMap<String, usize>,
    /// How many of the other values have each width (index: the width).
    widths: Vec<usize>,
}

/// Distinct values of a column wrapped exactly when choosing widths.
const EXACT: usize = 512;

/// The most lines a value is counted for when choosing widths (a longer one is cut anyway).
const PRICED: usize = 16;

impl Spread {
    /// Count a sanitized value of width `w` (at most the terminal's).
    fn add(&mut self, v: &str, w: usize) {
        if let Some(n) = self.values.get_mut(v) {
            *n += 1;
        } else if self.values.len() < EXACT && v.len() <= 1024 {
            self.values.insert(v.to_string(), 1);
        } else {
            if self.widths.len() <= w {
                self.widths.resize(w + 1, 0);
            }
            self.widths[w] += 1;
        }
    }

    /// The width of the widest line of the column's values as shown in a column `w` wide
    /// (`w` itself when some values were only counted).
    fn widest_at(&self, w: usize) -> usize {
        if self.widths.iter().any(|&n| n > 0) {
            return w;
        }
        self.values
            .keys()
            .map(|v| lines_width(&fold(v, w)))
            .max()
            .unwrap_or(w)
            .min(w)
    }

    /// How many lines the column's values would take to be shown whole at width `w` (up to
    /// [`PRICED`] each): a value cut to fit [`MAX_LINES`] counts all the lines it would have
    /// needed, so that widths which cut a name cost more than widths which only wrap.
    fn lines_at(&self, w: usize) -> usize {
        let w = w.max(1);
        let exact: usize = self
            .values
            .iter()
            .map(|(v, &n)| {
                let lines = if width(v) <= w {
                    1
                } else {
                    wrap(v, w, PRICED).len()
                };
                n * lines
            })
            .sum();
        let rest: usize = self
            .widths
            .iter()
            .enumerate()
            .map(|(v, &n)| n * v.div_ceil(w).clamp(1, PRICED))
            .sum();
        exact + rest
    }
}

/// Column widths that fit `total` columns. The fixed columns keep their content width; the
/// flexible ones (names, URIs) share the rest, each at least its header's width (at least 8),
/// as widths that wrap their values (`spread`) into the fewest lines in all (a column of a few
/// long values wraps those before a column of long names wraps every row), the columns more
/// to the left (who, then what) wider where that makes no more lines; then each is narrowed to
/// its widest line as wrapped (a name that takes two lines at 22 columns is not given 30).
fn fit_widths(
    natural: &[usize],
    mins: &[usize],
    flex: &[bool],
    total: usize,
    spread: &[Spread],
) -> Vec<usize> {
    let mut w = natural.to_vec();
    let gaps = 2 * w.len().saturating_sub(1);
    if w.iter().sum::<usize>() + gaps <= total {
        return w;
    }
    let flexible: Vec<usize> = (0..w.len()).filter(|&i| flex[i]).collect();
    let lo = |i: usize| mins[i].min(natural[i]);
    let fixed: usize = (0..w.len()).filter(|&i| !flex[i]).map(|i| natural[i]).sum();
    let budget = total.saturating_sub(fixed + gaps);
    if flexible.iter().map(|&i| lo(i)).sum::<usize>() >= budget {
        for &i in &flexible {
            w[i] = lo(i); // nothing left to give: the terminal will wrap
        }
        return w;
    }
    let empty = Spread::default();
    // lines[k][x - lo]: the lines of the k-th flexible column at width x
    let lines: Vec<Vec<usize>> = flexible
        .iter()
        .map(|&i| {
            let s = spread.get(i).unwrap_or(&empty);
            (lo(i)..=natural[i]).map(|x| s.lines_at(x)).collect()
        })
        .collect();
    // best[k][b]: the fewest lines of flexible columns k.. within b columns (NONE: they do
    // not fit), and choice[k][b] the width of column k for it: the widest of equal ones
    let m = flexible.len();
    const NONE: usize = usize::MAX;
    let mut best = vec![vec![0; budget + 1]; m + 1];
    let mut choice = vec![vec![0; budget + 1]; m];
    for k in (0..m).rev() {
        let i = flexible[k];
        for b in 0..=budget {
            let mut pick = (NONE, 0);
            for x in (lo(i)..=natural[i].min(b)).rev() {
                let rest = best[k + 1][b - x];
                if rest == NONE {
                    continue;
                }
                let here = lines[k][x - lo(i)] + rest;
                if here < pick.0 {
                    pick = (here, x);
                }
            }
            (best[k][b], choice[k][b]) = pick;
        }
    }
    let mut b = budget;
    for (k, &i) in flexible.iter().enumerate() {
        w[i] = choice[k][b];
        b -= w[i];
        if let Some(s) = spread.get(i) {
            w[i] = s.widest_at(w[i]).max(lo(i));
        }
    }
    w
}

/// Write a table for people. Cells are sanitized; headers bold with `--color`; two spaces
/// between columns; trailing spaces trimmed. When `style.fit` (a terminal of known width, not
/// `-o wide`), the table fits its width: flexible columns (`flex[i]`, default: not
/// right-aligned) shrink as [`fit_widths`] chooses and a value too long for its column wraps
/// onto the row's next lines ([`fold`]). `right[i]`: right-align column i.
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

/// A flexible column's width up to which its values are worth keeping on one line: optional
/// columns are left out before a name this long wraps (a longer one, a URI, wraps anyway).
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
    let flex_at = |i: usize| {
        let r = right.get(i).copied().unwrap_or(false);
        flex.get(i).copied().unwrap_or(!r)
    };
    let clean = |i: usize, c: &Cell| -> Cell {
        let mut text = sanitize(&c.text).into_owned();
        if let (true, Some(w)) = (style.fit, style.width) {
            // no value can be wider than the terminal: a fixed one is cut in the middle; a
            // flexible one is wrapped below, to its column's width, but never shows more than
            // a few lines of it (the copy held stays small whatever the log holds)
            let most = if flex_at(i) { PRICED } else { 1 };
            text = elide_middle(&text, w as usize * most);
        }
        Cell { text, ..c.clone() }
    };
    let headers: Option<Vec<Cell>> = headers.map(|h| {
        h.iter()
            .map(|c| Cell {
                text: sanitize(&header_label(&c.text, style)).into_owned(),
                ..c.clone()
            })
            .collect()
    });
    // each row cleaned as the one before is let go of (not a second copy of the whole table)
    let mut rows: Vec<Vec<Cell>> = rows
        .into_iter()
        .map(|r| r.iter().enumerate().map(|(i, c)| clean(i, c)).collect())
        .collect();
    if let (true, Some(total)) = (style.fit, style.width) {
        let total = total as usize;
        let mut natural = vec![0; n];
        let mut mins = vec![8; n];
        let mut spread = vec![Spread::default(); n];
        for (i, h) in headers.iter().flatten().enumerate() {
            natural[i] = width(&h.text);
            mins[i] = mins[i].max(width(&h.text));
        }
        for row in &rows {
            for (i, c) in row.iter().enumerate() {
                let w = width(&c.text).min(total);
                natural[i] = natural[i].max(w);
                if flex_at(i) {
                    spread[i].add(&c.text, w);
                }
            }
        }
        let flexes: Vec<bool> = (0..n).map(flex_at).collect();
        let widths = fit_widths(&natural, &mins, &flexes, total, &spread);
        for row in &mut rows {
            for (i, c) in row.iter_mut().enumerate() {
                if width(&c.text) > widths[i] {
                    c.text = fit_cell(&c.text, widths[i], flexes[i]);
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

/// A value wider than its column's width `w`: wrapped into lines when the column is flexible
/// (a name is shown whole), else cut in the middle.
fn fit_cell(text: &str, w: usize, flex: bool) -> String {
    if flex {
        fold(text, w)
    } else {
        elide_middle(text, w)
    }
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
            widths[i] = widths[i].max(lines_width(&c.text));
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

/// One row of a plain table: cells padded to `widths`, two spaces apart, trailing blanks cut;
/// a cell wrapped into lines (`\n`) makes the row as many lines, the other cells blank below
/// their first, as comfy-table lays out the same row.
fn plain_line(
    out: &mut Out,
    line: &mut String,
    cells: &[Cell],
    header: bool,
    widths: &[usize],
    right: &[bool],
    style: &Style,
) -> Result<()> {
    let height = cells
        .iter()
        .map(|c| c.text.split('\n').count())
        .max()
        .unwrap_or(1);
    for k in 0..height {
        line.clear();
        for (i, c) in cells.iter().enumerate() {
            let text = if height == 1 {
                c.text.as_str()
            } else {
                c.text.split('\n').nth(k).unwrap_or("")
            };
            let pad = widths[i].saturating_sub(width(text));
            let r = right.get(i).copied().unwrap_or(false);
            if r {
                line.extend(std::iter::repeat_n(' ', pad));
            }
            let code = if header { Some("1") } else { ansi(c.tone) }.filter(|_| style.color);
            match code {
                Some(code) if height == 1 || !text.is_empty() => {
                    line.push_str(&format!("\x1b[{code}m{text}\x1b[0m"))
                }
                _ => line.push_str(text),
            }
            if i + 1 < cells.len() {
                if !r {
                    line.extend(std::iter::repeat_n(' ', pad));
                }
                line.push_str("  ");
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
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
    let is_flex = |i: usize| is_flex_column(flex, right, i);
    let (raw, cut, spread) = measure_streamed(n, &row, headers.as_deref(), term, is_flex);
    let kept = choose_kept(&raw, term, headers.as_deref(), is_flex, drop);
    let headers: Option<Vec<Cell>> = headers.map(|h| {
        kept.pick(h)
            .into_iter()
            .map(|c| Cell {
                text: sanitize(&header_label(&c.text, style)).into_owned(),
                ..c
            })
            .collect()
    });
    let (widths, narrowed) = fit_kept(&cut, &spread, &kept.keep, headers.as_deref(), term, is_flex);
    let kept_flex: Vec<bool> = kept.keep.iter().map(|&i| is_flex(i)).collect();
    let finish = |cells: Vec<Cell>| finish_row(kept.pick(cells), term, &widths, &kept_flex);
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
/// (`raw`: which columns to drop), and the widest once fitted to the terminal's width (`cut`:
/// the natural width of the layout; a fixed value is cut, a flexible one would wrap), both as
/// long as the longest row or the headers.
fn measure_streamed(
    n: usize,
    row: &impl Fn(usize) -> Vec<Cell>,
    headers: Option<&[Cell]>,
    term: Option<usize>,
    is_flex: impl Fn(usize) -> bool,
) -> (Vec<usize>, Vec<usize>, Vec<Spread>) {
    let mut raw: Vec<usize> = Vec::new();
    let mut cut: Vec<usize> = Vec::new();
    let mut spread: Vec<Spread> = Vec::new();
    let mut longest = headers.map_or(0, <[Cell]>::len);
    for i in 0..n {
        let cells = row(i);
        longest = longest.max(cells.len());
        if raw.len() < cells.len() {
            raw.resize(cells.len(), 0);
            cut.resize(cells.len(), 0);
            spread.resize(cells.len(), Spread::default());
        }
        for (j, c) in cells.iter().enumerate() {
            let s = sanitize(&c.text);
            let w = width(&s);
            raw[j] = raw[j].max(w);
            let w = match term {
                Some(t) if w > t && is_flex(j) => t,
                Some(t) if w > t => width(&elide_middle(&s, t)),
                _ => w,
            };
            cut[j] = cut[j].max(w);
            if term.is_some() && is_flex(j) {
                spread[j].add(&s, w);
            }
        }
    }
    raw.resize(longest, 0);
    cut.resize(longest, 0);
    spread.resize(longest, Spread::default());
    for (j, h) in headers.into_iter().flatten().enumerate() {
        raw[j] = raw[j].max(width(&sanitize(&h.text)));
    }
    (raw, cut, spread)
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
    spread: &[Spread],
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
    let spread: Vec<Spread> = keep
        .iter()
        .map(|&i| spread.get(i).cloned().unwrap_or_default())
        .collect();
    let fit = fit_widths(&natural, &mins, &flexes, total, &spread);
    let narrowed = fit.iter().zip(&widths).any(|(f, w)| f < w);
    (fit, narrowed)
}

/// A row's kept cells as written: sanitized, and on a terminal fitted to the column's width
/// (a fixed value cut to the terminal's width first), as [`lay_out`] does.
#[inline]
fn finish_row(cells: Vec<Cell>, term: Option<usize>, widths: &[usize], flex: &[bool]) -> Vec<Cell> {
    cells
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let mut text = sanitize(&c.text).into_owned();
            if let Some(t) = term {
                let flex = flex.get(i).copied().unwrap_or(false);
                if !flex {
                    text = elide_middle(&text, t);
                }
                if width(&text) > widths[i] {
                    text = fit_cell(&text, widths[i], flex);
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
            plain[j] = plain[j].max(lines_width(&c.text));
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
        let spread: Vec<Spread> = kept
            .keep
            .iter()
            .map(|&i| {
                let mut s = Spread::default();
                for c in self.buffered.iter().filter_map(|r| r.get(i)) {
                    let v = sanitize(&c.text);
                    s.add(&v, width(&v).min(total));
                }
                s
            })
            .collect();
        let widths = fit_widths(&natural, &mins, &flexes, total, &spread);
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
        let last = layout.keep.len().saturating_sub(1);
        let mut shown: Vec<Cell> = Vec::with_capacity(layout.keep.len());
        let mut widths: Vec<usize> = Vec::with_capacity(layout.keep.len());
        let mut right: Vec<bool> = Vec::with_capacity(layout.keep.len());
        for (j, (&i, &w)) in layout.keep.iter().zip(&layout.widths).enumerate() {
            let (Some(col), Some(cell)) = (self.columns.get(i), cells.get(i)) else {
                continue;
            };
            let text = sanitize(&cell.text);
            let text = if self.style.fit && col.flex && width(&text) > w && j != last {
                fold(&text, w)
            } else {
                text.into_owned()
            };
            shown.push(Cell {
                text,
                ..cell.clone()
            });
            widths.push(w);
            right.push(col.right);
        }
        let mut line = String::new();
        plain_line(out, &mut line, &shown, header, &widths, &right, &self.style)
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
            let n = a.lines().count();
            assert!(n > MAX_BUFFERED && b.lines().count() > n);
            assert_eq!(
                b.lines().take(n).collect::<Vec<_>>(),
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

    /// A name too long for its column is wrapped whole, at its separators where they fall
    /// late enough in a line, each line within the width (wide characters counted twice); only
    /// a value past three lines loses its middle.
    #[test]
    fn folds_names_at_their_separators() {
        assert_eq!(
            fold("system:serviceaccount:build:ci-bot", 22),
            "system:serviceaccount:\nbuild:ci-bot"
        );
        assert_eq!(
            fold("system:serviceaccount:build:ci-bot", 15),
            "system:\nserviceaccount:\nbuild:ci-bot"
        );
        assert_eq!(
            fold("carol, eve +5 (via ops-admin)", 16),
            "carol, eve +5\n(via ops-admin)"
        );
        assert_eq!(fold("eve (via ops-admin)", 16), "eve (via\nops-admin)");
        assert_eq!(
            fold("/apis/apiregistration.k8s.io/v1", 20),
            "/apis/\napiregistration.k8s.\nio/v1"
        );
        assert_eq!(
            fold(
                "system:serviceaccount:kube-system:root-ca-cert-publisher",
                40
            ),
            "system:serviceaccount:kube-system:\nroot-ca-cert-publisher"
        );
        assert_eq!(fold("abcdefghijkl", 5), "abcde\nfghij\nkl");
        assert_eq!(fold("short", 8), "short");
        for (s, w) in [
            (
                "system:serviceaccount:kube-system:generic-garbage-collector",
                26,
            ),
            ("日本語のユーザー名です/名前空間", 12),
            ("a b  c   d/e:f,g.h-i_j=k@l|m", 16),
            ("x", 1),
        ] {
            let f = fold(s, w);
            assert!(f.split('\n').all(|l| width(l) <= w), "{s:?} at {w}: {f:?}");
            assert_eq!(
                f.replace(['\n', ' '], ""),
                s.replace(' ', ""),
                "nothing lost: {f:?}"
            );
        }
        assert_eq!(
            fold(
                "system:serviceaccount:kube-system:generic-garbage-collector",
                12
            ),
            "system:\nservicea…rba\nge-collector"
        );
        let huge = format!("agent/{}", "z".repeat(10_000));
        let f = fold(&huge, 20);
        assert!(f.lines().count() <= MAX_LINES, "{f}");
        assert!(f.starts_with("agent/") && f.contains('…') && f.ends_with("zzz"));
    }

    #[test]
    fn fitting_wraps_the_fewest_lines() {
        // TIME (fixed) 23, USER 40 on every row, URI 60 on one row of ten; 100 columns
        let spread = |rows: &[(usize, usize)]| {
            let mut s = Spread::default();
            for &(w, n) in rows {
                let v = "x".repeat(w);
                (0..n).for_each(|_| s.add(&v, w));
            }
            s
        };
        let spreads = [
            spread(&[(23, 10)]),
            spread(&[(40, 10)]),
            spread(&[(60, 1), (12, 9)]),
        ];
        let w = fit_widths(
            &[23, 40, 60],
            &[8, 8, 8],
            &[false, true, true],
            100,
            &spreads,
        );
        assert_eq!(
            w,
            [23, 40, 33],
            "the long URI wraps, in two lines, no name does"
        );
        // two names of 40 in 63 columns: one wraps into two lines, not both
        let even = [spread(&[(23, 1)]), spread(&[(40, 1)]), spread(&[(40, 1)])];
        let w = fit_widths(&[23, 40, 40], &[8, 8, 8], &[false, true, true], 90, &even);
        assert_eq!(w, [23, 40, 23], "the name on the left stays whole");
    }
}
