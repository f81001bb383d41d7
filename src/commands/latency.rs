//! `kaudit latency`: where time goes. The slowest requests, latency percentiles per verb and
//! resource, long-running requests (watch, exec, attach, logs, proxy: their "latency" is how
//! long the client held them open) kept apart from the rest, and the incomplete requests.
//!
//! A slow request is broken down by phase where the API server did so itself
//! (`apiserver.latency.k8s.io/*` annotations: etcd, webhooks, APF queue wait, serialization,
//! total), as a column of the slowest list and `phases` in its JSON, and in a section of its
//! own that lists the slowest of the requests so timed (long-running ones included: the
//! annotations are the only account of where an exec's seconds went).
//!
//! Table output shows the five sections; JSON has them as `slowest`, `byVerbResource`,
//! `longRunning`, `byPhase` and `incomplete`; NDJSON and CSV write every record of them, each
//! with its `kind` (one typed record, [`LatencyRow`], for all three).

use std::io::Write;

use anyhow::Result;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::cli::{Format, LatencyArgs};
use crate::commands::events::user_cell;
use crate::commands::group::{Times, latency_cell};
use crate::commands::{Outcome, outcome};
use crate::config::Config;
use crate::correlate::Request;
use crate::correlate::meaning::LATENCY_PREFIX;
use crate::event::Ts;
use crate::render::heading;
use crate::render::table::write_rows;
use crate::render::{Cell, Rounded, Style, Table, Time, Tone, thousands};
use crate::scan::{self, Flow, Sink};
use crate::term::{Diag, Out};

/// One request, kept small, for the lists.
#[derive(Debug, Clone)]
struct Item {
    latency: f64,
    time: Option<Ts>,
    user: String,
    verb: String,
    resource: String,
    object: String,
    code: Option<i64>,
    audit_id: String,
    stages: String,
    /// The API server's own breakdown (`apiserver.latency.k8s.io/*`), phase and ms.
    phases: Vec<(String, f64)>,
}

impl Item {
    fn of(r: &Request, latency: f64) -> Item {
        Item {
            latency,
            time: r.time(),
            user: user_cell(r),
            verb: r.verb.to_string(),
            resource: r.resource_path(),
            object: r.object_path(),
            code: r.code,
            audit_id: r.audit_id.to_string(),
            stages: r.stages.joined(),
            phases: r
                .phases()
                .into_iter()
                .map(|(p, ms)| (p.to_string(), ms))
                .collect(),
        }
    }
    /// Slowest first; ties by time, auditID, then every other field: a total order, so the
    /// list (cut to `--limit` in each part and at each merge) is the same whatever the
    /// threads, chunks or input path.
    fn order(a: &Item, b: &Item) -> std::cmp::Ordering {
        b.latency
            .total_cmp(&a.latency)
            .then_with(|| Item::received(a, b))
    }
    /// Received time, auditID, then the other fields.
    fn received(a: &Item, b: &Item) -> std::cmp::Ordering {
        a.rest().cmp(&b.rest())
    }
    fn rest(&self) -> (Option<Ts>, &str, &str, &str, &str, &str, Option<i64>, &str) {
        (
            self.time,
            &self.audit_id,
            &self.user,
            &self.verb,
            &self.resource,
            &self.object,
            self.code,
            &self.stages,
        )
    }
    /// Its record in the machine formats, in the list `kind`.
    fn row(&self, kind: &'static str) -> LatencyRow<'_> {
        LatencyRow {
            kind,
            time: Some(Time(self.time)),
            user: Some(&self.user),
            verb: &self.verb,
            resource: &self.resource,
            object: Some(&self.object),
            code: Some(self.code),
            latency_ms: Some(Rounded(Some(self.latency))),
            audit_id: Some(&self.audit_id),
            stages: Some(self.stages.split('+').filter(|s| !s.is_empty()).collect()),
            phases: Some(Phases(&self.phases)),
            ..LatencyRow::default()
        }
    }
}

/// One record of `latency`'s machine formats: a request of one of the lists (`kind`:
/// `slowest`, `byPhase`, `incomplete`) or the percentiles of a verb and resource (`request`,
/// `long-running`). `-o json` puts each list under its name; NDJSON and CSV write them all, in
/// that order, one per line (CSV: every column, empty where the kind has no such field).
#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct LatencyRow<'a> {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    time: Option<Time>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<&'a str>,
    verb: &'a str,
    resource: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    object: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<Option<i64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    latency_ms: Option<Rounded<3>>,
    #[serde(rename = "auditID", skip_serializing_if = "Option::is_none")]
    audit_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stages: Option<Vec<&'a str>>,
    /// The API server's own breakdown: phase and milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    phases: Option<Phases<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    requests: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    p50_ms: Option<Rounded<3>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    p90_ms: Option<Rounded<3>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    p99_ms: Option<Rounded<3>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_ms: Option<Rounded<3>>,
}

/// Phases as an object, `{"etcd": 0.56, "total": 7912.0}` (CSV `etcd=0.56;total=7912.0`).
#[derive(Default)]
struct Phases<'a>(&'a [(String, f64)]);

impl Serialize for Phases<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Map<'a>(&'a [(String, f64)]);
        impl Serialize for Map<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_map(self.0.iter().map(|(p, ms)| (p, Rounded::<3>(Some(*ms)))))
            }
        }
        s.serialize_newtype_struct(crate::render::flat::PAIRS, &Map(self.0))
    }
}

/// The accumulator (also each worker's part).
pub struct Lat {
    keep: usize,
    /// (verb, resource) → latencies of ordinary requests / long-running ones.
    short: FxHashMap<(String, String), Vec<f32>>,
    long: FxHashMap<(String, String), Vec<f32>>,
    slowest: Vec<Item>,
    /// Requests the API server broke down by phase (long-running ones too), slowest first.
    phased: Vec<Item>,
    incomplete: Vec<Item>,
    matched: u64,
}

impl Lat {
    fn new(keep: usize) -> Lat {
        Lat {
            keep,
            short: FxHashMap::default(),
            long: FxHashMap::default(),
            slowest: Vec::new(),
            phased: Vec::new(),
            incomplete: Vec::new(),
            matched: 0,
        }
    }

    fn add(&mut self, r: &Request) {
        self.matched += 1;
        if r.incomplete() {
            self.incomplete.push(Item::of(r, 0.0));
            return;
        }
        let Some(ms) = r.latency_ms() else { return };
        if r.annotations
            .iter()
            .any(|(k, _)| k.starts_with(LATENCY_PREFIX))
        {
            self.phased.push(Item::of(r, ms));
            if self.phased.len() > self.keep.saturating_mul(4) {
                self.phased.sort_by(Item::order);
                self.phased.truncate(self.keep);
            }
        }
        let key = (r.verb.to_string(), r.resource_path());
        let map = if r.long_running() {
            &mut self.long
        } else {
            &mut self.short
        };
        map.entry(key).or_default().push(ms as f32);
        if !r.long_running() {
            self.slowest.push(Item::of(r, ms));
            if self.slowest.len() > self.keep.saturating_mul(4) {
                self.trim();
            }
        }
    }

    fn trim(&mut self) {
        self.slowest.sort_by(Item::order);
        self.slowest.truncate(self.keep);
        self.phased.sort_by(Item::order);
        self.phased.truncate(self.keep);
    }
}

impl Sink for Lat {
    type Part = Lat;
    fn part(&self) -> Lat {
        Lat::new(self.keep)
    }
    const FOLDS: bool = true;
    fn fold(part: &mut Lat, r: &Request<'_>) -> bool {
        part.add(r);
        true
    }
    fn absorb(&mut self, p: Lat) {
        for (k, v) in p.short {
            self.short.entry(k).or_default().extend(v);
        }
        for (k, v) in p.long {
            self.long.entry(k).or_default().extend(v);
        }
        self.slowest.extend(p.slowest);
        self.phased.extend(p.phased);
        self.trim();
        self.incomplete.extend(p.incomplete);
        self.matched += p.matched;
    }
    fn request(&mut self, r: Request<'_>) -> Result<Flow> {
        self.add(&r);
        Ok(Flow::More)
    }
}

/// Percentiles of one verb/resource.
struct Pcts {
    verb: String,
    resource: String,
    long: bool,
    count: usize,
    p: [f64; 4],
}

impl Pcts {
    fn row(&self) -> LatencyRow<'_> {
        let ms = |v: f64| Some(Rounded(Some(v)));
        LatencyRow {
            kind: if self.long { "long-running" } else { "request" },
            verb: &self.verb,
            resource: &self.resource,
            requests: Some(self.count),
            p50_ms: ms(self.p[0]),
            p90_ms: ms(self.p[1]),
            p99_ms: ms(self.p[2]),
            max_ms: ms(self.p[3]),
            ..LatencyRow::default()
        }
    }
}

fn percentiles(map: FxHashMap<(String, String), Vec<f32>>, long: bool) -> Vec<Pcts> {
    let mut rows: Vec<Pcts> = map
        .into_iter()
        .map(|((verb, resource), mut v)| {
            v.sort_unstable_by(f32::total_cmp);
            let n = v.len();
            let at =
                |p: f64| v[(((p / 100.0) * n as f64).ceil().max(1.0) as usize).min(n) - 1] as f64;
            Pcts {
                verb,
                resource,
                long,
                count: n,
                p: [at(50.0), at(90.0), at(99.0), at(100.0)],
            }
        })
        .collect();
    // slowest tail first; stable by name
    rows.sort_by(|a, b| {
        b.p[2]
            .total_cmp(&a.p[2])
            .then(a.verb.cmp(&b.verb))
            .then(a.resource.cmp(&b.resource))
    });
    rows
}

pub fn run(args: &LatencyArgs, cfg: &Config, diag: &Diag, out: &mut Out) -> Result<Outcome> {
    let inputs = crate::commands::inputs(&args.input.paths, diag)?;
    // -k: the rows of each list; by default 10 slowest and phase-timed requests, and in the
    // tables 15 percentile rows and 20 incomplete requests (the machine formats: all of them)
    let table = matches!(args.output.output, Format::Table | Format::Wide);
    let each = |table_default: usize| {
        args.limit
            .or(if table { table_default } else { usize::MAX })
    };
    let shown = Shown {
        requests: args.limit.or(10),
        percentiles: each(15),
        incomplete: each(20),
    };
    let mut lat = Lat::new(shown.requests);
    let stats = scan::Scan::new(cfg).run(&inputs, diag, &mut lat)?;
    lat.trim();
    let matched = lat.matched > 0;
    lat.incomplete.sort_by(Item::received);
    let short = percentiles(std::mem::take(&mut lat.short), false);
    let long = percentiles(std::mem::take(&mut lat.long), true);
    let style = crate::commands::style(cfg, &args.output);
    // every record, in the order of the lists
    let rows: Vec<LatencyRow> = (lat.slowest.iter().map(|i| i.row("slowest")))
        .chain(short.iter().take(shown.percentiles).map(Pcts::row))
        .chain(long.iter().take(shown.percentiles).map(Pcts::row))
        .chain(lat.phased.iter().map(|i| i.row("byPhase")))
        .chain(
            lat.incomplete
                .iter()
                .take(shown.incomplete)
                .map(|i| i.row("incomplete")),
        )
        .collect();
    match args.output.output {
        Format::Json => {
            let list = |kind: &[&str]| -> Vec<&LatencyRow> {
                rows.iter().filter(|r| kind.contains(&r.kind)).collect()
            };
            #[derive(Serialize)]
            #[serde(rename_all = "camelCase")]
            struct Doc<'a> {
                requests: u64,
                slowest: Vec<&'a LatencyRow<'a>>,
                by_verb_resource: Vec<&'a LatencyRow<'a>>,
                long_running: Vec<&'a LatencyRow<'a>>,
                by_phase: Vec<&'a LatencyRow<'a>>,
                incomplete: Vec<&'a LatencyRow<'a>>,
            }
            let doc = Doc {
                requests: lat.matched,
                slowest: list(&["slowest"]),
                by_verb_resource: list(&["request"]),
                long_running: list(&["long-running"]),
                by_phase: list(&["byPhase"]),
                incomplete: list(&["incomplete"]),
            };
            crate::render::json::to_writer_pretty(&mut *out, &doc)?;
            out.write_all(b"\n")?;
        }
        Format::Ndjson | Format::Csv => {
            let all = |v: f64| Some(Rounded(Some(v)));
            let template = LatencyRow {
                time: Some(Time(None)),
                user: Some(""),
                object: Some(""),
                code: Some(None),
                latency_ms: all(0.0),
                audit_id: Some(""),
                stages: Some(Vec::new()),
                phases: Some(Phases(&[])),
                requests: Some(0),
                p50_ms: all(0.0),
                p90_ms: all(0.0),
                p99_ms: all(0.0),
                max_ms: all(0.0),
                ..LatencyRow::default()
            };
            Table {
                format: args.output.output.into(),
                style,
                columns: Vec::new(),
                template: &template,
                note: None,
            }
            .emit(out, rows.len(), |i| &rows[i])?;
        }
        Format::Table | Format::Wide => {
            tables(out, &style, &lat, &short, &long, &shown)?;
        }
    }
    out.flush()?;
    Ok(outcome(&stats, cfg, diag, matched))
}

/// `etcd 0.56ms, total 7.9s`: each phase the API server timed, as latencies are shown.
fn phases_cell(phases: &[(String, f64)]) -> String {
    phases
        .iter()
        .map(|(p, ms)| format!("{p} {}", latency_cell(Some(*ms))))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The five sections: the slowest requests, percentiles by verb and resource, long-running
/// requests, requests the API server timed phase by phase, incomplete requests.
fn tables(
    out: &mut Out,
    style: &Style,
    lat: &Lat,
    short: &[Pcts],
    long: &[Pcts],
    shown: &Shown,
) -> Result<()> {
    let shown_pcts = shown.percentiles;
    heading(
        out,
        style,
        &format!(
            "Slowest requests (of {} matching; long-running and incomplete ones apart)",
            thousands(lat.matched)
        ),
    )?;
    timed(out, style, &lat.slowest)?;
    writeln!(out)?;
    heading(out, style, "By verb and resource (slowest p99 first)")?;
    percentile_table(out, style, short, shown_pcts)?;
    writeln!(out)?;
    heading(
        out,
        style,
        "Long-running requests (watch, exec, attach, logs, proxy): how long they were held open",
    )?;
    if long.is_empty() {
        writeln!(out, "none")?;
    } else {
        percentile_table(out, style, long, shown_pcts)?;
    }
    writeln!(out)?;
    heading(
        out,
        style,
        "Timed by the API server, phase by phase (apiserver.latency.k8s.io/*, long-running too)",
    )?;
    if lat.phased.is_empty() {
        writeln!(
            out,
            "none: no request carries these annotations (the API server writes them for slow requests)"
        )?;
    } else {
        timed(out, style, &lat.phased)?;
    }
    writeln!(out)?;
    incomplete_list(out, style, lat, shown.incomplete)
}

/// How many rows each list shows (`usize::MAX`: all).
struct Shown {
    /// The slowest requests, and those the API server timed phase by phase.
    requests: usize,
    /// Each percentile table's verb and resource pairs.
    percentiles: usize,
    incomplete: usize,
}

/// A list of requests as rows and headers: time, latency (when `latency`), user, verb,
/// resource, object, code, then the stages seen (when not) and the API server's phases (when
/// one of them has some); and the caption that names the day the times share (`(times: UTC,
/// 2026-11-21)`, under the table: the header stays as narrow as the times).
fn request_list(items: &[Item], latency: bool, local: bool) -> (Vec<Vec<Cell>>, Vec<Cell>, String) {
    let times = Times::new(items.iter().map(|i| &i.time), local);
    let mut h = vec![Cell::new(if local { "TIME (local)" } else { "TIME (UTC)" })];
    if latency {
        h.push(Cell::new("LATENCY"));
    }
    h.extend(["USER", "VERB", "RESOURCE", "OBJECT", "CODE"].map(Cell::new));
    if !latency {
        h.push(Cell::new("STAGES"));
    }
    // the API server's breakdown, where it wrote one (slow requests)
    let phases = latency && items.iter().any(|i| !i.phases.is_empty());
    if phases {
        h.push(Cell::new("PHASES (API SERVER)"));
    }
    let rows = items
        .iter()
        .map(|i| {
            let mut r = vec![Cell::new(times.cell(i.time))];
            if latency {
                r.push(Cell::num(latency_cell(Some(i.latency))));
            }
            r.extend([
                Cell::new(i.user.clone()),
                Cell::new(i.verb.clone()),
                Cell::new(i.resource.clone()),
                Cell::new(i.object.clone()),
                Cell::num(i.code.map_or("-".into(), |c| c.to_string())).tone(Tone::of_code(i.code)),
            ]);
            if !latency {
                r.push(Cell::new(i.stages.clone()));
            }
            if phases {
                r.push(Cell::new(phases_cell(&i.phases)));
            }
            r
        })
        .collect();
    (rows, h, times.caption())
}

/// A list of requests with their latency (and phases, where the API server timed them).
fn timed(out: &mut Out, style: &Style, items: &[Item]) -> Result<()> {
    let (rows, h, caption) = request_list(items, true, style.local);
    write_rows(
        out,
        rows,
        style.headers.then_some(h),
        style,
        &[false, true, false, false, false, false, true, false],
        &[],
    )?;
    writeln!(out, "{caption}")?;
    Ok(())
}

/// The first `shown` verb and resource pairs with their count and percentiles, and how many
/// more there are.
fn percentile_table(out: &mut Out, style: &Style, ps: &[Pcts], shown: usize) -> Result<()> {
    let rows = ps
        .iter()
        .take(shown)
        .map(|p| {
            vec![
                Cell::new(p.verb.clone()),
                Cell::new(p.resource.clone()),
                Cell::num(thousands(p.count as u64)),
                Cell::num(latency_cell(Some(p.p[0]))),
                Cell::num(latency_cell(Some(p.p[1]))),
                Cell::num(latency_cell(Some(p.p[2]))),
                Cell::num(latency_cell(Some(p.p[3]))),
            ]
        })
        .collect();
    let hdr = style.headers.then(|| {
        ["VERB", "RESOURCE", "REQUESTS", "P50", "P90", "P99", "MAX"]
            .iter()
            .map(|s| Cell::new(*s))
            .collect::<Vec<_>>()
    });
    write_rows(
        out,
        rows,
        hdr,
        style,
        &[false, false, true, true, true, true, true],
        &[false, true],
    )?;
    if ps.len() > shown {
        writeln!(out, "... {} more (-k 0 lists all)", ps.len() - shown)?;
    }
    Ok(())
}

/// The incomplete requests, oldest first: the first `n` with the stages seen.
fn incomplete_list(out: &mut Out, style: &Style, lat: &Lat, n: usize) -> Result<()> {
    heading(
        out,
        style,
        &format!(
            "Incomplete requests ({}): no ResponseComplete in the logs",
            thousands(lat.incomplete.len() as u64)
        ),
    )?;
    if lat.incomplete.is_empty() {
        writeln!(out, "none")?;
    } else {
        let shown = &lat.incomplete[..lat.incomplete.len().min(n)];
        let (rows, h, caption) = request_list(shown, false, style.local);
        write_rows(
            out,
            rows,
            style.headers.then_some(h),
            style,
            &[false, false, false, false, false, true, false],
            &[],
        )?;
        writeln!(out, "{caption}")?;
        if shown.len() < lat.incomplete.len() {
            writeln!(
                out,
                "... {} more (-k 0 lists all)",
                lat.incomplete.len() - shown.len()
            )?;
        }
    }
    Ok(())
}
