//! The tables of `kaudit summary`, one function per section: the files, the totals, the
//! requests by code, the tops, the skipped and malformed lines. They draw the tally and the
//! scan's figures; they count nothing.

use std::io::Write;

use anyhow::Result;

use super::{Tally, sorted, top};
use crate::event::Stage;
use crate::input::native::Skip;
use crate::render::heading;
use crate::render::table::{write_rows, write_rows_dropping};
use crate::render::{Cell, Style, Tone, human_time, thousands};
use crate::scan::ScanStats;
use crate::term::{Out, sanitize};

fn pct(n: u64, total: u64) -> String {
    if total == 0 {
        "-".into()
    } else {
        format!("{:.1}%", n as f64 * 100.0 / total as f64)
    }
}

/// The tables of the summary, section by section (`n`: the rows of each top).
pub(super) fn write_tables(
    out: &mut Out,
    stats: &ScanStats,
    t: &Tally,
    n: usize,
    style: &Style,
    wide: bool,
    filtered: bool,
) -> Result<()> {
    let s = Summary {
        stats,
        t,
        style,
        filtered,
    };
    s.files(out, wide)?;
    s.totals(out)?;
    if t.requests == 0 {
        let what = if filtered {
            "No request matched the filter."
        } else {
            "No requests in the input."
        };
        writeln!(out, "{what}")?;
    } else {
        s.codes(out)?;
        s.tops(out, n)?;
    }
    if stats.malformed + stats.skipped() > 0 {
        s.problems(out)?;
    }
    Ok(())
}

/// What every section reads: the scan's figures, the tally, and how to draw.
struct Summary<'a> {
    stats: &'a ScanStats,
    t: &'a Tally,
    style: &'a Style,
    filtered: bool,
}

impl Summary<'_> {
    /// Each file read: bytes, events, first and last times (or its error); the first and last
    /// five of more than 12 unless `wide`.
    fn files(&self, out: &mut Out, wide: bool) -> Result<()> {
        let (stats, style) = (self.stats, self.style);
        heading(out, style, &format!("Files ({})", stats.files.len()))?;
        let mut tb: Vec<Vec<Cell>> = Vec::new();
        let shown_files: Vec<_> = if wide || stats.files.len() <= 12 {
            stats.files.iter().collect()
        } else {
            stats
                .files
                .iter()
                .take(5)
                .chain(stats.files.iter().skip(stats.files.len() - 5))
                .collect()
        };
        for f in &shown_files {
            let err = f.error.as_deref().map(|e| format!("error: {e}"));
            tb.push(vec![
                Cell::new(f.name.clone()),
                Cell::num(thousands(f.bytes)),
                Cell::num(thousands(f.events)),
                Cell::new(
                    err.clone()
                        .unwrap_or_else(|| human_time(f.first, style.local)),
                ),
                Cell::new(if err.is_some() {
                    String::new()
                } else {
                    human_time(f.last, style.local)
                }),
            ]);
        }
        let hdr = style.headers.then(|| {
            ["FILE", "BYTES", "EVENTS", "FIRST (UTC)", "LAST (UTC)"]
                .map(Cell::new)
                .to_vec()
        });
        // on a narrow terminal the times go before a file's name is cut
        write_rows_dropping(
            out,
            tb,
            hdr,
            style,
            &[false, true, true, false, false],
            &[true, false, false, false, false],
            &[0, 0, 0, 1, 2],
        )?;
        if shown_files.len() < stats.files.len() {
            writeln!(
                out,
                "(the first 5 and the last 5 of {} files, in the order read; -o wide shows all)",
                stats.files.len()
            )?;
        }
        writeln!(out)?;
        Ok(())
    }

    /// The totals, a figure a row.
    fn totals(&self, out: &mut Out) -> Result<()> {
        heading(out, self.style, "Totals")?;
        let tb: Vec<Vec<Cell>> = self
            .total_rows()
            .into_iter()
            .map(|(k, v)| vec![Cell::new(k), Cell::new(v)])
            .collect();
        write_rows(out, tb, None, self.style, &[], &[false, true])?;
        writeln!(out)?;
        Ok(())
    }

    /// The totals' figures by name: lines or records, events by stage, unreadable times,
    /// events left out, events by level, requests, time span, decisions.
    fn total_rows(&self) -> Vec<(&'static str, String)> {
        let (stats, t, filtered) = (self.stats, self.t, self.filtered);
        let mut tb = Vec::new();
        let mut kv = |k: &'static str, v: String| tb.push((k, v));
        let accounts = format!(
            "= {} events + {} skipped + {} malformed",
            thousands(stats.events),
            thousands(stats.skipped()),
            thousands(stats.malformed)
        );
        if stats.records == stats.lines {
            kv("lines", format!("{}  {accounts}", thousands(stats.lines)));
        } else {
            // batches and documents: a line may hold many records, or a record many lines
            kv(
                "records",
                format!(
                    "{}  {accounts}  (in {} lines)",
                    thousands(stats.records),
                    thousands(stats.lines)
                ),
            );
        }
        let stage_txt: Vec<String> = Stage::ALL
            .iter()
            .filter(|s| t.stages[**s as usize] > 0)
            .map(|s| format!("{} {}", s.name(), thousands(t.stages[*s as usize])))
            .collect();
        kv(
            if filtered {
                "events (matching)"
            } else {
                "events by stage"
            },
            stage_txt.join(", "),
        );
        if let Some(p) = &stats.bad_time {
            kv(
                "unreadable times",
                format!(
                    "{} event(s), first {}:{}: {}",
                    thousands(stats.bad_times),
                    p.file,
                    p.line,
                    p.reason
                ),
            );
        }
        if stats.late_events > 0 {
            kv(
                "events left out",
                format!(
                    "{}  (a stage its request already had, or read after its request ended: a line delivered twice, inputs out of order)",
                    thousands(stats.late_events)
                ),
            );
        }
        let lv: Vec<String> = sorted(&t.levels)
            .iter()
            .map(|(k, v)| format!("{k} {}", thousands(*v)))
            .collect();
        kv("events by level", lv.join(", "));
        kv(
            if filtered {
                "requests matching"
            } else {
                "requests"
            },
            self.requests_text(),
        );
        kv("time span", self.span_text());
        let dec: Vec<String> = sorted(&t.decisions)
            .iter()
            .map(|(k, v)| format!("{k} {}", thousands(*v)))
            .collect();
        kv("decisions", dec.join(", "));
        tb
    }

    /// `409 (3 incomplete, 12 long-running)`; with filters, `of` the requests scanned.
    fn requests_text(&self) -> String {
        let t = self.t;
        if self.filtered {
            format!(
                "{} of {} ({} incomplete, {} long-running)",
                thousands(t.requests),
                thousands(self.stats.requests),
                thousands(t.incomplete),
                thousands(t.long_running)
            )
        } else {
            format!(
                "{} ({} incomplete, {} long-running)",
                thousands(t.requests),
                thousands(t.incomplete),
                thousands(t.long_running)
            )
        }
    }

    /// The first and last times and the time between, `-` when none.
    fn span_text(&self) -> String {
        let local = self.style.local;
        match (self.t.first, self.t.last) {
            (Some(a), Some(b)) => format!(
                "{} .. {}  ({})",
                human_time(Some(a), local),
                human_time(Some(b), local),
                crate::render::human_latency(Some(a.millis_until(b)))
            ),
            _ => "-".into(),
        }
    }

    /// Requests by final code, the most frequent first, with their share.
    fn codes(&self, out: &mut Out) -> Result<()> {
        let (t, style) = (self.t, self.style);
        heading(out, style, "Requests by final code")?;
        let mut tb: Vec<Vec<Cell>> = Vec::new();
        let mut codes: Vec<(Option<i64>, u64)> = t.codes.iter().map(|(k, v)| (*k, *v)).collect();
        codes.sort_by(|a, b| {
            b.1.cmp(&a.1).then(
                a.0.map_or(i64::MAX, |c| c)
                    .cmp(&b.0.map_or(i64::MAX, |c| c)),
            )
        });
        for (k, v) in codes {
            let label = k.map_or_else(
                || "none (incomplete, or not logged)".to_string(),
                |c| c.to_string(),
            );
            tb.push(vec![
                Cell::new(label).tone(Tone::of_code(k)),
                Cell::num(thousands(v)),
                Cell::num(pct(v, t.requests)),
            ]);
        }
        let hdr = style
            .headers
            .then(|| ["CODE", "REQUESTS", "SHARE"].map(Cell::new).to_vec());
        write_rows(out, tb, hdr, style, &[false, true, true], &[])?;
        writeln!(out)?;
        Ok(())
    }

    /// The `n` top users, verbs, resources, namespaces and clusters (when logs name them).
    fn tops(&self, out: &mut Out, n: usize) -> Result<()> {
        let (t, style) = (self.t, self.style);
        for (title, col, m) in [
            ("Top users", "USER", &t.users),
            ("Top verbs", "VERB", &t.verbs),
            ("Top resources", "RESOURCE", &t.resources),
            ("Top namespaces", "NAMESPACE", &t.namespaces),
            ("Top clusters", "CLUSTER", &t.clusters),
        ] {
            // logs that name no cluster have no such section
            if col == "CLUSTER" && m.is_empty() {
                continue;
            }
            heading(out, style, &format!("{title} (of {})", m.len()))?;
            let mut tb: Vec<Vec<Cell>> = Vec::new();
            for (k, v) in top(m, n) {
                let k = if k.is_empty() { "-" } else { k };
                tb.push(vec![
                    Cell::new(k),
                    Cell::num(thousands(v)),
                    Cell::num(pct(v, t.requests)),
                ]);
            }
            let hdr = style
                .headers
                .then(|| [col, "REQUESTS", "SHARE"].map(Cell::new).to_vec());
            write_rows(out, tb, hdr, style, &[false, true, true], &[])?;
            writeln!(out)?;
        }
        Ok(())
    }

    /// The lines and records skipped, by why, and samples of the malformed lines.
    fn problems(&self, out: &mut Out) -> Result<()> {
        let stats = self.stats;
        heading(out, self.style, "Skipped and malformed lines")?;
        if stats.skipped_prefilter > 0 {
            writeln!(
                out,
                "{} line(s) not parsed: they cannot match the filter",
                thousands(stats.skipped_prefilter)
            )?;
        }
        if stats.skipped_blank > 0 {
            writeln!(
                out,
                "{} blank line(s) skipped",
                thousands(stats.skipped_blank)
            )?;
        }
        for (n, what) in [
            (stats.skipped_truncated, Skip::Truncated),
            (stats.skipped_foreign, Skip::Foreign),
            (stats.skipped_empty, Skip::EmptyBatch),
        ] {
            if n > 0 {
                writeln!(out, "{} record(s) skipped: {}", thousands(n), what.reason())?;
            }
        }
        for p in &stats.unterminated {
            writeln!(
                out,
                "{}:{}: skipped: {}",
                sanitize(&p.file),
                p.line,
                p.reason
            )?;
        }
        for p in &stats.malformed_samples {
            writeln!(
                out,
                "{}:{}: malformed: {}",
                sanitize(&p.file),
                p.line,
                sanitize(&p.reason)
            )?;
        }
        let hidden = stats
            .malformed
            .saturating_sub(stats.malformed_samples.len() as u64);
        if hidden > 0 {
            writeln!(out, "... and {} more malformed line(s)", thousands(hidden))?;
        }
        Ok(())
    }
}
