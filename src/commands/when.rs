//! `kaudit when`: a time histogram of the matching requests (by received time), with the first
//! and last match, the peak bucket, and the buckets where the log itself has no requests at
//! all, so a gap in the log is never mistaken for quiet.
//!
//! The sink sees every request (`FILTERED = false`): it counts, per second, the matching
//! requests and all requests, then buckets them once the span is known. Per-second counts are
//! coarsened to minutes (then hours) past a million distinct seconds, so memory stays small.

use std::io::Write;

use anyhow::{Result, bail};
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::cli::{Format, WhenArgs};
use crate::commands::group::Times;
use crate::commands::{Outcome, outcome};
use crate::config::Config;
use crate::correlate::Request;
use crate::event::Ts;
use crate::filter::Filter;
use crate::render::{Style, Table, Time, thousands};
use crate::scan::{self, Flow, Sink};
use crate::term::Out;

use crate::vocab::duration::SECOND;
/// Above this many distinct time slots, counts are kept at a coarser resolution.
const MAX_SLOTS: usize = 1 << 20;
/// Bucket sizes `when` chooses from, in seconds.
const BUCKETS: &[i64] = &[
    1,
    5,
    10,
    30,
    60,
    300,
    600,
    900,
    1800,
    3600,
    3 * 3600,
    6 * 3600,
    12 * 3600,
    86_400,
    7 * 86_400,
];
/// The automatic bucket keeps the histogram at most this many rows.
const MAX_ROWS: i64 = 40;

/// Per time slot: (matching requests, all requests).
pub struct Slots<'f> {
    filter: &'f Filter,
    /// Slot length in seconds.
    res: i64,
    map: FxHashMap<i64, (u64, u64)>,
    first: Option<Ts>,
    last: Option<Ts>,
    matched: u64,
    /// Matching requests with no readable time: counted, not placed.
    untimed: u64,
}

impl<'f> Slots<'f> {
    fn new(filter: &'f Filter) -> Self {
        Slots {
            filter,
            res: 1,
            map: FxHashMap::default(),
            first: None,
            last: None,
            matched: 0,
            untimed: 0,
        }
    }

    fn add(&mut self, r: &Request) {
        let hit = self.filter.matches(r);
        let Some(t) = r.time() else {
            if hit {
                self.matched += 1;
                self.untimed += 1;
            }
            return;
        };
        let slot = t.0.div_euclid(SECOND * self.res);
        let e = self.map.entry(slot).or_default();
        e.1 += 1;
        if hit {
            e.0 += 1;
            self.matched += 1;
            self.first = Some(self.first.map_or(t, |f| f.min(t)));
            self.last = self.last.max(Some(t));
        }
        if self.map.len() > MAX_SLOTS {
            self.coarsen(if self.res < 60 { 60 } else { 3600 });
        }
    }

    /// Keep counts per `res` seconds instead.
    fn coarsen(&mut self, res: i64) {
        if res <= self.res {
            return;
        }
        let factor = res / self.res;
        let mut m: FxHashMap<i64, (u64, u64)> = FxHashMap::default();
        for (k, (a, b)) in self.map.drain() {
            let e = m.entry(k.div_euclid(factor)).or_default();
            e.0 += a;
            e.1 += b;
        }
        self.map = m;
        self.res = res;
    }
}

impl<'f> Sink for Slots<'f> {
    type Part = Slots<'f>;
    // Gaps need every request, matching or not.
    const FILTERED: bool = false;
    fn part(&self) -> Slots<'f> {
        let mut p = Slots::new(self.filter);
        p.res = self.res;
        p
    }
    const FOLDS: bool = true;
    fn fold(part: &mut Slots<'f>, r: &Request<'_>) -> bool {
        part.add(r);
        true
    }
    fn absorb(&mut self, mut p: Slots<'f>) {
        let res = self.res.max(p.res);
        self.coarsen(res);
        p.coarsen(res);
        for (k, (a, b)) in p.map {
            let e = self.map.entry(k).or_default();
            e.0 += a;
            e.1 += b;
        }
        self.matched += p.matched;
        self.untimed += p.untimed;
        self.first = match (self.first, p.first) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last = self.last.max(p.last);
        if self.map.len() > MAX_SLOTS {
            self.coarsen(if self.res < 60 { 60 } else { 3600 });
        }
    }
    fn request(&mut self, r: Request<'_>) -> Result<Flow> {
        self.add(&r);
        Ok(Flow::More)
    }
}

/// One bar of the histogram: one bucket, or a run of empty ones.
#[derive(Debug, Clone)]
pub struct Bucket {
    pub start: Ts,
    pub end: Ts,
    pub requests: u64,
    /// All requests in the log in this bucket: 0 means the log has nothing here (a gap).
    pub log_requests: u64,
    /// How many buckets this row covers: more than 1 for a long run of buckets without a
    /// match (all gaps, or all quiet), shown as one row.
    pub span: i64,
}

/// Runs of empty buckets longer than this become one row.
const MAX_EMPTY_RUN: i64 = 4;

/// The bucket length in seconds: given, or the smallest that keeps the histogram short.
fn bucket_secs(given: Option<i64>, span_secs: i64, res: i64) -> i64 {
    let b = given.unwrap_or_else(|| {
        BUCKETS
            .iter()
            .copied()
            .find(|b| span_secs / b < MAX_ROWS)
            .unwrap_or(30 * 86_400)
    });
    b.max(res)
}

/// Buckets from the one holding the first match to the one holding the last. Only buckets
/// with data are visited, so a stray timestamp decades away costs one row, not a row per
/// bucket in between: runs of more than a few empty buckets (no log at all, or log but no
/// match) become one row each.
///
/// `offset` (µs east of UTC) aligns buckets to local time: with `--local`, hour and day buckets
/// start on local hours and midnights.
pub fn buckets(s: &Slots, secs: i64, offset: i64) -> Vec<Bucket> {
    let (Some(first), Some(last)) = (s.first, s.last) else {
        return Vec::new();
    };
    let len = secs.saturating_mul(SECOND);
    let b0 = (first.0 + offset).div_euclid(len);
    let b1 = (last.0 + offset).div_euclid(len);
    let mut counts: FxHashMap<i64, (u64, u64)> = FxHashMap::default();
    for (slot, (m, all)) in &s.map {
        let b = (slot.saturating_mul(s.res * SECOND) + offset).div_euclid(len);
        if (b0..=b1).contains(&b) {
            let e = counts.entry(b).or_default();
            e.0 += m;
            e.1 += all;
        }
    }
    let mut present: Vec<(i64, (u64, u64))> = counts.into_iter().collect();
    present.sort_unstable_by_key(|(b, _)| *b);
    let one = |b: i64, m: u64, all: u64| Bucket {
        start: Ts(b * len - offset),
        end: Ts((b + 1) * len - offset),
        requests: m,
        log_requests: all,
        span: 1,
    };
    let mut out: Vec<Bucket> = Vec::new();
    // buckets without a match but with log activity, waiting to be shown or folded
    let mut quiet: Vec<Bucket> = Vec::new();
    let flush_quiet = |out: &mut Vec<Bucket>, quiet: &mut Vec<Bucket>| {
        if quiet.len() as i64 > MAX_EMPTY_RUN {
            out.push(Bucket {
                start: quiet[0].start,
                end: quiet[quiet.len() - 1].end,
                requests: 0,
                log_requests: quiet.iter().map(|q| q.log_requests).sum(),
                span: quiet.len() as i64,
            });
            quiet.clear();
        } else {
            out.append(quiet);
        }
    };
    let mut next = b0;
    for (b, (m, all)) in present {
        if b > next {
            flush_quiet(&mut out, &mut quiet);
            // [next, b-1]: no log at all
            if b - next > MAX_EMPTY_RUN {
                out.push(Bucket {
                    start: Ts(next * len - offset),
                    end: Ts(b * len - offset),
                    requests: 0,
                    log_requests: 0,
                    span: b - next,
                });
            } else {
                out.extend((next..b).map(|x| one(x, 0, 0)));
            }
        }
        if m == 0 {
            quiet.push(one(b, 0, all));
        } else {
            flush_quiet(&mut out, &mut quiet);
            out.push(one(b, m, all));
        }
        next = b + 1;
    }
    flush_quiet(&mut out, &mut quiet);
    out
}

/// `--bucket`: a duration of whole seconds, 1s or more (`5m`, `1h30m`, `1d`): seconds.
pub fn parse_bucket(s: &str) -> Result<i64> {
    use crate::vocab::duration::{SECOND, parse};
    let d = parse(s).map_err(|e| anyhow::anyhow!("--bucket: {e}"))?;
    if d < SECOND || d % SECOND != 0 {
        bail!(
            "--bucket: {s:?} is not a whole number of seconds, 1s or more (example: --bucket 5m)"
        );
    }
    Ok(d / SECOND)
}

fn human_bucket(secs: i64) -> String {
    crate::vocab::duration::text(secs * crate::vocab::duration::SECOND)
}

pub fn run(
    args: &WhenArgs,
    cfg: &Config,
    diag: &crate::term::Diag,
    out: &mut Out,
) -> Result<Outcome> {
    let given = args.bucket.as_deref().map(parse_bucket).transpose()?;
    let inputs = crate::commands::inputs(&args.input.paths, diag)?;
    let mut slots = Slots::new(&cfg.filter);
    let stats = scan::Scan::new(cfg).run(&inputs, diag, &mut slots)?;
    let matched = slots.matched > 0;
    let span = match (slots.first, slots.last) {
        (Some(a), Some(b)) => (b.0 - a.0) / SECOND,
        _ => 0,
    };
    let secs = bucket_secs(given, span, slots.res);
    if given.is_some_and(|g| g < slots.res) {
        diag.note(&format!(
            "the log spans too many seconds to count each: buckets are {} at the finest",
            human_bucket(slots.res)
        ));
    }
    // --local: align to the local UTC offset at the first match (a DST change inside the span
    // shifts later buckets by the difference)
    let offset = match (cfg.local, slots.first.and_then(|t| t.to_jiff())) {
        (true, Some(j)) => i64::from(jiff::tz::TimeZone::system().to_offset(j).seconds()) * SECOND,
        _ => 0,
    };
    let bs = buckets(&slots, secs, offset);
    let peak = bs.iter().map(|b| b.requests).max().unwrap_or(0);
    let style = crate::commands::style(cfg, &args.output);
    match args.output.output {
        Format::Json => {
            #[derive(Serialize)]
            #[serde(rename_all = "camelCase")]
            struct Doc {
                bucket_seconds: i64,
                untimed: u64,
                requests: u64,
                first: Time,
                last: Time,
                peak: u64,
                buckets: Vec<BucketRow>,
            }
            let doc = Doc {
                bucket_seconds: secs,
                untimed: slots.untimed,
                requests: slots.matched,
                first: Time(slots.first),
                last: Time(slots.last),
                peak,
                buckets: bs.iter().map(|b| b.row(peak)).collect(),
            };
            crate::render::json::to_writer_pretty(&mut *out, &doc)?;
            out.write_all(b"\n")?;
        }
        Format::Ndjson | Format::Csv => Table {
            format: args.output.output.into(),
            style,
            columns: Vec::new(),
            template: BucketRow::default(),
            note: None,
        }
        .emit(out, bs.len(), |i| bs[i].row(peak))?,
        Format::Table | Format::Wide => {
            draw(out, &style, &slots, &bs, secs, peak)?;
        }
    }
    out.flush()?;
    Ok(outcome(&stats, cfg, diag, matched))
}

/// One bucket in `-o json` (`buckets`), NDJSON and CSV.
#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct BucketRow {
    start: Time,
    end: Time,
    requests: u64,
    /// Requests the logs hold in it, matching or not: 0 is a gap in the logs.
    log_requests: u64,
    /// Buckets it stands for (more than 1: a run of empty ones collapsed).
    buckets: i64,
    gap: bool,
    peak: bool,
}

impl Bucket {
    fn row(&self, peak: u64) -> BucketRow {
        BucketRow {
            start: Time(Some(self.start)),
            end: Time(Some(self.end)),
            requests: self.requests,
            log_requests: self.log_requests,
            buckets: self.span,
            gap: self.log_requests == 0,
            peak: peak > 0 && self.requests == peak,
        }
    }
}

/// The histogram for people: one line per bucket, a bar, the count, and marks.
fn draw(
    out: &mut Out,
    style: &Style,
    s: &Slots,
    bs: &[Bucket],
    secs: i64,
    peak: u64,
) -> Result<()> {
    if bs.is_empty() {
        return Ok(());
    }
    let starts: Vec<Option<Ts>> = bs.iter().map(|b| Some(b.start)).collect();
    let times = Times::new(starts.iter(), style.local);
    let labels: Vec<String> = bs
        .iter()
        .map(|b| {
            let label = |t| bucket_label(&times, t, style.local, secs);
            if b.span > 1 {
                format!(
                    "{} .. {}",
                    label(b.start),
                    label(Ts(b.end.0 - secs * SECOND))
                )
            } else {
                label(b.start)
            }
        })
        .collect();
    let label_w = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let count_w = thousands(peak).len().max(8);
    let width = style.width.map_or(100, |w| w as usize).clamp(40, 200);
    let mut h = Histogram {
        style,
        s,
        peak,
        label_w,
        count_w,
        bar_w: 0,
        times,
    };
    // the bars take what the labels, counts and the widest marks leave of the width
    let last_i = bs.len() - 1;
    let marks = bs
        .iter()
        .enumerate()
        .map(|(i, b)| h.marks(b, i == 0, i == last_i).chars().count())
        .max()
        .unwrap_or(0);
    h.bar_w = width.saturating_sub(label_w + count_w + 5 + marks).max(10);
    if style.headers {
        let header = h.times.header("BUCKET");
        let header = format!("{header:<label_w$}  {:>count_w$}", "REQUESTS");
        if style.color {
            writeln!(out, "\x1b[1m{header}\x1b[0m")?;
        } else {
            writeln!(out, "{header}")?;
        }
    }
    for (i, (b, label)) in bs.iter().zip(&labels).enumerate() {
        writeln!(out, "{}", h.line(b, label, i == 0, i == last_i).trim_end())?;
    }
    summary_line(out, style, s, bs, secs, peak)
}

/// A bucket's start as its row shows it: no offset (the header says local), no seconds for
/// buckets of whole minutes.
fn bucket_label(times: &Times, t: Ts, local: bool, secs: i64) -> String {
    let c = times.cell(Some(t));
    // local times end with their offset; the header already says they are local
    let c = match c.rfind(['+', '-']) {
        Some(i) if local && i >= 8 => c[..i].to_string(),
        _ => c,
    };
    // a bucket of a minute or more does not need seconds and milliseconds
    let c = c.strip_suffix(".000").unwrap_or(&c).to_string();
    if secs % 60 == 0 {
        c.strip_suffix(":00").unwrap_or(&c).to_string()
    } else {
        c
    }
}

/// What every line of the histogram shares: the widths of its columns, the peak, the times.
struct Histogram<'a> {
    style: &'a Style,
    s: &'a Slots<'a>,
    peak: u64,
    label_w: usize,
    count_w: usize,
    bar_w: usize,
    times: Times,
}

impl Histogram<'_> {
    /// A bucket's line: its label, its count, its bar, and its marks.
    fn line(&self, b: &Bucket, label: &str, first: bool, last: bool) -> String {
        let (label_w, count_w, bar_w) = (self.label_w, self.count_w, self.bar_w);
        let eighths = if self.peak == 0 {
            0
        } else {
            (b.requests as u128 * bar_w as u128 * 8 / self.peak as u128) as usize
        };
        let mut bar = "█".repeat(eighths / 8);
        if eighths % 8 > 0 {
            bar.push([' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'][eighths % 8]);
        }
        if b.requests > 0 && bar.is_empty() {
            bar.push('▏');
        }
        let mark = self.marks(b, first, last);
        let bar = if self.style.color && !bar.is_empty() {
            format!("\x1b[36m{bar}\x1b[0m")
        } else {
            bar
        };
        let pad = bar_w + 1 - (eighths.div_ceil(8)).max(usize::from(b.requests > 0));
        format!(
            "{label:<label_w$}  {:>count_w$}  {bar}{}{mark}",
            thousands(b.requests),
            " ".repeat(if mark.is_empty() { 0 } else { pad })
        )
    }

    /// A bucket's marks (gap, run without a match, peak, first and last match), after two
    /// spaces; empty without any.
    fn marks(&self, b: &Bucket, first: bool, last: bool) -> String {
        let mut marks: Vec<String> = Vec::new();
        match (b.log_requests, b.span) {
            (0, 1) => marks.push("no log data (gap in the log)".into()),
            (0, n) => marks.push(format!("no log data in these {n} buckets (gap in the log)")),
            (_, n) if n > 1 => marks.push(format!("{n} buckets without a match")),
            _ => {}
        }
        if self.peak > 0 && b.requests == self.peak {
            marks.push("← peak".into());
        }
        if first {
            marks.push(format!("first {}", self.times.cell(self.s.first)));
        }
        if last {
            marks.push(format!("last {}", self.times.cell(self.s.last)));
        }
        if marks.is_empty() {
            String::new()
        } else {
            format!("  {}", marks.join(", "))
        }
    }
}

/// Below the histogram: requests, first and last, peak, bucket, buckets with no log data, and
/// the matching requests with no time.
fn summary_line(
    out: &mut Out,
    style: &Style,
    s: &Slots,
    bs: &[Bucket],
    secs: i64,
    peak: u64,
) -> Result<()> {
    let gaps: i64 = bs
        .iter()
        .filter(|b| b.log_requests == 0)
        .map(|b| b.span)
        .sum();
    let peak_at = bs.iter().find(|b| b.requests == peak).map(|b| b.start);
    let human = |t| crate::render::human_time(t, style.local);
    writeln!(
        out,
        "\n{} requests; first {}, last {}; peak {} at {}; bucket {}{}",
        thousands(s.matched),
        human(s.first),
        human(s.last),
        thousands(peak),
        human(peak_at),
        human_bucket(secs),
        match gaps {
            0 => String::new(),
            n => format!(
                "; {n} bucket{} with no log data",
                if n == 1 { "" } else { "s" }
            ),
        }
    )?;
    if s.untimed > 0 {
        writeln!(
            out,
            "{} matching request(s) have no readable time and are not in the histogram",
            thousands(s.untimed)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_sizes() {
        assert_eq!(parse_bucket("5m").unwrap(), 300);
        assert_eq!(parse_bucket("1d").unwrap(), 86_400);
        assert!(parse_bucket("0m").is_err());
        assert!(parse_bucket("5 minutes").is_err());
        assert!(parse_bucket("m").is_err());
        // 3 minutes of log: 5 s buckets keep it under 40 rows
        assert_eq!(bucket_secs(None, 180, 1), 5);
        assert_eq!(bucket_secs(None, 5 * 3600, 1), 600);
        assert_eq!(bucket_secs(Some(60), 5 * 3600, 1), 60);
        assert_eq!(
            bucket_secs(Some(1), 100, 60),
            60,
            "never finer than what was kept"
        );
    }

    #[test]
    fn buckets_mark_gaps_and_span_the_matches() {
        let f = Filter::default();
        let mut s = Slots::new(&f);
        // matches at 0 s and 250 s; the log has nothing between 60 s and 180 s
        for (sec, n) in [(0, 3), (30, 1), (200, 2), (250, 1)] {
            s.map.insert(sec, (n, n));
        }
        s.first = Some(Ts(0));
        s.last = Some(Ts(250 * SECOND));
        s.matched = 7;
        let b = buckets(&s, 60, 0);
        let got: Vec<(u64, u64)> = b.iter().map(|b| (b.requests, b.log_requests)).collect();
        assert_eq!(got, vec![(4, 4), (0, 0), (0, 0), (2, 2), (1, 1)]);
    }

    #[test]
    fn coarsening_keeps_totals() {
        let f = Filter::default();
        let mut s = Slots::new(&f);
        for sec in 0..600 {
            s.map.insert(sec, (1, 2));
        }
        s.coarsen(60);
        assert_eq!(s.map.len(), 10);
        assert_eq!(s.map.values().map(|v| v.0).sum::<u64>(), 600);
        assert_eq!(s.map.values().map(|v| v.1).sum::<u64>(), 1200);
    }
}
