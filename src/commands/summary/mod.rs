//! `kaudit summary`: an overview of the logs and of the matching requests: files read, events
//! by stage and level, requests (total, incomplete, long-running), codes, decisions, time span,
//! top users/verbs/resources/namespaces, and the lines that were skipped or malformed.
//!
//! Requests are counted as they complete and dropped; nothing per-request is kept. This file
//! counts and writes the JSON and CSV forms; `tables.rs` draws the tables.

mod tables;

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use std::io::Write;

use anyhow::Result;
use serde_json::{Value, json};

use crate::cli::{Format, SummaryArgs};
use crate::commands::{Outcome, outcome};
use crate::config::Config;
use crate::correlate::Request;
use crate::event::{Fields, Stage, Ts};
use crate::render::{csv::write_record, machine_time};
use crate::scan::{self, Flow, ScanStats, Sink};
use crate::term::{Diag, Out};

type Counts = FxHashMap<String, u64>;

/// The figures of the matching requests. Also the per-chunk part workers fill, merged after.
#[derive(Default)]
pub struct Tally {
    requests: u64,
    incomplete: u64,
    long_running: u64,
    stages: [u64; 4],
    levels: Counts,
    codes: FxHashMap<Option<i64>, u64>,
    decisions: Counts,
    users: Counts,
    verbs: Counts,
    resources: Counts,
    namespaces: Counts,
    /// Requests by cluster, those that name one (see docs/input.md, "Many clusters").
    clusters: Counts,
    first: Option<Ts>,
    last: Option<Ts>,
}

fn bump(m: &mut Counts, k: &str, n: u64) {
    match m.get_mut(k) {
        Some(c) => *c += n,
        None => {
            m.insert(k.to_string(), n);
        }
    }
}

fn add_all(into: &mut Counts, from: Counts) {
    for (k, n) in from {
        *into.entry(k).or_default() += n;
    }
}

impl Tally {
    fn add(&mut self, r: &Request<'_>) {
        self.requests += 1;
        if r.incomplete() {
            self.incomplete += 1;
        }
        if r.long_running() {
            self.long_running += 1;
        }
        for m in &r.marks {
            self.stages[m.stage as usize] += 1;
        }
        let level = if r.level.is_empty() {
            "(none)"
        } else {
            &r.level
        };
        bump(&mut self.levels, level, r.marks.len() as u64);
        *self.codes.entry(r.code).or_default() += 1;
        let decision = if r.decision.is_empty() {
            "none"
        } else {
            &r.decision
        };
        bump(&mut self.decisions, decision, 1);
        bump(&mut self.users, r.effective_user(), 1);
        bump(&mut self.verbs, &r.verb, 1);
        if r.resource.is_empty() || !r.subresource.is_empty() {
            bump(&mut self.resources, &r.resource_path(), 1);
        } else {
            bump(&mut self.resources, &r.resource, 1);
        }
        if !r.namespace.is_empty() {
            bump(&mut self.namespaces, &r.namespace, 1);
        }
        if !r.cluster.is_empty() {
            bump(&mut self.clusters, &r.cluster, 1);
        }
        let t0 = r.time();
        let t1 = r.marks.iter().filter_map(|m| m.time).max().or(t0);
        self.span(t0, t1);
    }

    fn span(&mut self, t0: Option<Ts>, t1: Option<Ts>) {
        self.first = match (self.first, t0) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last = self.last.max(t1);
    }
}

impl Sink for Tally {
    type Part = Tally;
    fn part(&self) -> Tally {
        Tally::default()
    }
    // the per-file figures and the malformed lines describe the whole input
    const PREFILTER: bool = false;
    // counts, and the first and last times
    const COMMUTATIVE: bool = true;
    fn combine(into: &mut Tally, from: Tally) {
        into.absorb(from);
    }
    // users, verbs, resources, namespaces, codes, decisions, levels, stages and times
    fn fields(&self) -> Fields {
        Fields::NONE
    }
    const FOLDS: bool = true;
    fn fold(part: &mut Tally, r: &Request<'_>) -> bool {
        part.add(r);
        true
    }
    fn absorb(&mut self, p: Tally) {
        self.requests += p.requests;
        self.incomplete += p.incomplete;
        self.long_running += p.long_running;
        for i in 0..4 {
            self.stages[i] += p.stages[i];
        }
        for (k, n) in p.codes {
            *self.codes.entry(k).or_default() += n;
        }
        add_all(&mut self.levels, p.levels);
        add_all(&mut self.decisions, p.decisions);
        add_all(&mut self.users, p.users);
        add_all(&mut self.verbs, p.verbs);
        add_all(&mut self.resources, p.resources);
        add_all(&mut self.namespaces, p.namespaces);
        add_all(&mut self.clusters, p.clusters);
        self.span(p.first, p.last);
    }
    fn request(&mut self, r: Request<'_>) -> Result<Flow> {
        self.add(&r);
        Ok(Flow::More)
    }
}

/// Counts as a name-ordered map, for stable JSON.
fn sorted(m: &Counts) -> BTreeMap<&str, u64> {
    m.iter().map(|(k, v)| (k.as_str(), *v)).collect()
}

/// Codes as `"200": n`, numerically ordered, with `"none"` last.
fn code_map(m: &FxHashMap<Option<i64>, u64>) -> serde_json::Map<String, Value> {
    let mut v: Vec<(&Option<i64>, &u64)> = m.iter().collect();
    v.sort_by_key(|(k, _)| k.map_or(i64::MAX, |c| c));
    v.into_iter()
        .map(|(k, n)| {
            (
                k.map_or_else(|| "none".to_string(), |c| c.to_string()),
                json!(n),
            )
        })
        .collect()
}

/// The `n` largest entries, ties broken by name so output is stable.
fn top(m: &Counts, n: usize) -> Vec<(&str, u64)> {
    let mut v: Vec<(&str, u64)> = m.iter().map(|(k, c)| (k.as_str(), *c)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    v.truncate(n);
    v
}

pub fn run(args: &SummaryArgs, cfg: &Config, diag: &Diag, out: &mut Out) -> Result<Outcome> {
    let inputs = crate::commands::inputs(&args.input.paths, diag)?;
    let mut tally = Tally::default();
    let stats = scan::Scan::new(cfg).run(&inputs, diag, &mut tally)?;
    let n = args.limit.or(10);
    let doc = document(&stats, &tally, n, !cfg.filter.is_empty());
    let style = crate::commands::style(cfg, &args.output);
    match args.output.output {
        Format::Json => {
            crate::render::json::to_writer_pretty(&mut *out, &doc)?;
            out.write_all(b"\n")?;
        }
        Format::Ndjson => {
            crate::render::json::to_writer(&mut *out, &doc)?;
            out.write_all(b"\n")?;
        }
        Format::Csv => write_csv(out, &doc, style.headers)?,
        Format::Table | Format::Wide => tables::write_tables(
            out,
            &stats,
            &tally,
            n,
            &style,
            args.output.output == Format::Wide,
            !cfg.filter.is_empty(),
        )?,
    }
    out.flush()?;
    Ok(outcome(&stats, cfg, diag, tally.requests > 0))
}

fn counts<'a>(v: impl IntoIterator<Item = (&'a str, u64)>) -> Value {
    Value::Array(
        v.into_iter()
            .map(|(k, c)| json!({"name": k, "count": c}))
            .collect(),
    )
}

/// The JSON document (also the source of the CSV form).
fn document(stats: &ScanStats, t: &Tally, n: usize, filtered: bool) -> Value {
    let files: Vec<Value> = stats
        .files
        .iter()
        .map(|f| {
            json!({
                "name": f.name, "bytes": f.bytes, "lines": f.lines, "records": f.records, "events": f.events,
                "first": machine_time(f.first), "last": machine_time(f.last), "error": f.error,
            })
        })
        .collect();
    let stages: serde_json::Map<String, Value> = Stage::ALL
        .iter()
        .map(|s| (s.name().to_string(), json!(t.stages[*s as usize])))
        .collect();
    json!({
        "files": files,
        "lines": stats.lines,
        "records": stats.records,
        "events": stats.events,
        "skipped": stats.skipped(),
        "skippedBlank": stats.skipped_blank,
        "skippedUnterminated": stats.skipped_unterminated,
        "skippedPrefilter": stats.skipped_prefilter,
        "skippedTruncated": stats.skipped_truncated,
        "skippedForeign": stats.skipped_foreign,
        "skippedEmpty": stats.skipped_empty,
        "malformed": stats.malformed,
        "lateEvents": stats.late_events,
        "byteOrderMarks": stats.byte_order_marks,
        "badTimes": stats.bad_times,
        "untimedLeftOut": stats.untimed,
        "malformedSamples": stats.malformed_samples.iter().map(|p| json!({"file": p.file, "line": p.line, "reason": p.reason})).collect::<Vec<_>>(),
        "filtered": filtered,
        "requestsScanned": stats.requests,
        "requests": t.requests,
        "incomplete": t.incomplete,
        "longRunning": t.long_running,
        "stages": stages,
        "levels": sorted(&t.levels),
        "codes": code_map(&t.codes),
        "decisions": sorted(&t.decisions),
        "first": machine_time(t.first),
        "last": machine_time(t.last),
        "topUsers": counts(top(&t.users, n)),
        "topVerbs": counts(top(&t.verbs, n)),
        "topResources": counts(top(&t.resources, n)),
        "topNamespaces": counts(top(&t.namespaces, n)),
        "topClusters": counts(top(&t.clusters, n)),
        "truncatedScan": stats.stopped,
    })
}

/// CSV: the JSON document, one row per figure, `section,name,value`, in the document's order
/// (so a field added to it is in the CSV too): a number or text at the top is `total,KEY,VALUE`;
/// an object's members are `KEY,MEMBER,VALUE` (`codes,403,29`); a list of counts is
/// `KEY,NAME,COUNT` (`topUsers,eve,74`); in another list, each item's fields are
/// `KEY.FIELD,ITEM,VALUE`, the item named by its `name` or else by its place (`files.bytes,
/// audit.log,1234`, `malformedSamples.reason,0,...`). Values are cells as in every CSV.
fn write_csv(out: &mut Out, doc: &Value, headers: bool) -> Result<()> {
    let mut rows: Vec<[String; 3]> = Vec::new();
    let cell = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        v => crate::render::json::to_string(v),
    };
    for (key, v) in doc.as_object().into_iter().flatten() {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    rows.push([key.clone(), k.clone(), cell(v)]);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let Some(fields) = item.as_object() else {
                        rows.push([key.clone(), i.to_string(), cell(item)]);
                        continue;
                    };
                    let name = fields.get("name").map_or_else(|| i.to_string(), cell);
                    if fields.len() == 2 && fields.contains_key("count") {
                        rows.push([key.clone(), name, cell(&fields["count"])]);
                        continue;
                    }
                    for (k, v) in fields.iter().filter(|(k, _)| *k != "name") {
                        rows.push([format!("{key}.{k}"), name.clone(), cell(v)]);
                    }
                }
            }
            v => rows.push(["total".to_string(), key.clone(), cell(v)]),
        }
    }
    if headers {
        write_record(out, ["section", "name", "value"])?;
    }
    for r in rows {
        write_record(out, r)?;
    }
    Ok(())
}
