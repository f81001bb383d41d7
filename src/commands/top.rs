//! `kaudit top --by FIELD[,FIELD...]`: a group-by over any request field, with the count, its
//! share of the matching requests, the error rate (code >= 400) and latency percentiles.
//!
//! Latency percentiles cover complete requests that are not long-running (watch, exec, logs and
//! proxy hold a connection open for as long as the client wants; `--stage ResponseStarted`
//! selects them).

use anyhow::Result;
use serde_json::{Map, Value, json};

use crate::cli::TopArgs;
use crate::commands::group::{Col, Row, Spec, Want, emit, latency_cell};
use crate::commands::{Outcome, outcome};
use crate::config::Config;
use crate::render::{Cell, Style, Tone, thousands};
use crate::term::{Diag, Out};

/// Rows shown when `--limit` is not given.
const DEFAULT_ROWS: usize = 20;

pub fn run(args: &TopArgs, cfg: &Config, diag: &Diag, out: &mut Out) -> Result<Outcome> {
    let mut key = args.by.clone();
    key.dedup();
    let limit = args.output.limit.unwrap_or(DEFAULT_ROWS);
    let g = crate::commands::group::collect(
        &args.input.paths,
        cfg,
        diag,
        Spec {
            key: key.clone(),
            want: Want {
                latency: true,
                ..Want::default()
            },
            local: cfg.local,
        },
        crate::commands::group::GroupSort::Requests,
        (limit > 0).then_some(limit),
    )?;
    let (total, requests) = (g.total, g.requests);
    let matched = requests > 0;
    let style = Style::new(cfg, &args.output);
    let mut cols: Vec<Col> = key
        .iter()
        .map(|f| {
            if f.flexible() {
                Col::text(f.header())
            } else {
                Col::fixed(f.header())
            }
        })
        .collect();
    cols.extend([
        Col::num("REQUESTS"),
        Col::num("SHARE"),
        Col::num("ERRORS"),
        Col::num("P50"),
        Col::num("P90"),
        Col::num("P99"),
        Col::num("MAX"),
    ]);
    let mut csv_header: Vec<&str> = key.iter().map(|f| f.name()).collect();
    csv_header.extend([
        "requests",
        "share",
        "errors",
        "errorRate",
        "p50Ms",
        "p90Ms",
        "p99Ms",
        "maxMs",
    ]);
    let pct = |n: u64, d: u64| {
        if d == 0 {
            0.0
        } else {
            n as f64 * 100.0 / d as f64
        }
    };
    let ms = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v:.3}"));
    let shown = g.len();
    // made as they are written: one row at a time for CSV and JSON
    let row = |i: usize| {
        let (k, a) = g.row(i);
        let p = a.percentiles(&[50.0, 90.0, 99.0, 100.0]);
        let share = pct(a.requests, requests);
        let err = pct(a.failed, a.requests);
        let mut cells: Vec<Cell> = k.iter().map(|v| Cell::new(*v)).collect();
        cells.extend([
            Cell::num(thousands(a.requests)),
            Cell::num(format!("{share:.1}%")),
            Cell::num(format!("{err:.1}%")).tone(if a.failed > 0 {
                Tone::Warn
            } else {
                Tone::Plain
            }),
            Cell::num(latency_cell(p[0])),
            Cell::num(latency_cell(p[1])),
            Cell::num(latency_cell(p[2])),
            Cell::num(latency_cell(p[3])),
        ]);
        let mut csv: Vec<String> = k.iter().map(|v| v.to_string()).collect();
        csv.extend([
            a.requests.to_string(),
            format!("{:.4}", share / 100.0),
            a.failed.to_string(),
            format!("{:.4}", err / 100.0),
            ms(p[0]),
            ms(p[1]),
            ms(p[2]),
            ms(p[3]),
        ]);
        let mut obj = Map::new();
        for (f, v) in key.iter().zip(&k) {
            obj.insert(f.name().to_string(), json!(v));
        }
        let round =
            |v: Option<f64>| v.map_or(Value::Null, |v| json!((v * 1000.0).round() / 1000.0));
        obj.insert("requests".into(), json!(a.requests));
        obj.insert(
            "share".into(),
            json!((share / 100.0 * 10_000.0).round() / 10_000.0),
        );
        obj.insert("errors".into(), json!(a.failed));
        obj.insert(
            "errorRate".into(),
            json!((err / 100.0 * 10_000.0).round() / 10_000.0),
        );
        obj.insert("p50Ms".into(), round(p[0]));
        obj.insert("p90Ms".into(), round(p[1]));
        obj.insert("p99Ms".into(), round(p[2]));
        obj.insert("maxMs".into(), round(p[3]));
        Row {
            cells,
            csv,
            json: Value::Object(obj),
        }
    };
    let note = (shown < total).then(|| format!("({shown} of {total} rows; --limit N, 0 for all)"));
    emit(
        out,
        args.output.output,
        &style,
        &cols,
        &csv_header,
        shown,
        row,
        note,
    )?;
    Ok(outcome(&g.stats, cfg, diag, matched))
}
