//! `kaudit top --by FIELD[,FIELD...]`: a group-by over any request field, with the count, its
//! share of the matching requests, the error rate (code >= 400) and latency percentiles.
//!
//! Latency percentiles cover complete requests that are not long-running (watch, exec, logs and
//! proxy hold a connection open for as long as the client wants; `--stage ResponseStarted`
//! selects them).

use anyhow::Result;
use serde::Serialize;

use crate::cli::TopArgs;
use crate::commands::group::{Spec, Want, latency_cell};
use crate::commands::{Outcome, outcome};
use crate::config::Config;
use crate::render::{Cell, Col, Rounded, Table, Tone, thousands};
use crate::term::{Diag, Out};

const DEFAULT_ROWS: usize = 20;

/// One group: every field of `top -o json/ndjson/csv`, the `--by` fields first (named as
/// `--by` names them).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TopRow<'a> {
    #[serde(flatten)]
    key: Key<'a>,
    requests: u64,
    /// Of the matching requests, 0 to 1.
    share: Rounded<4>,
    errors: u64,
    error_rate: Rounded<4>,
    p50_ms: Rounded<3>,
    p90_ms: Rounded<3>,
    p99_ms: Rounded<3>,
    max_ms: Rounded<3>,
}

/// The `--by` fields and their values, as an object's first members.
struct Key<'a>(Vec<(&'static str, &'a str)>);

impl Serialize for Key<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().copied())
    }
}

pub fn run(args: &TopArgs, cfg: &Config, diag: &Diag, out: &mut Out) -> Result<Outcome> {
    let mut key = args.by.clone();
    key.dedup();
    let limit = args.limit.rows(Some(DEFAULT_ROWS));
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
        limit,
    )?;
    let (total, requests) = (g.total, g.requests);
    let matched = requests > 0;
    // a share of `d`, 0 to 1
    let share = |n: u64, d: u64| if d == 0 { 0.0 } else { n as f64 / d as f64 };
    let row = |i: usize| {
        let (k, a) = g.row(i);
        let p = a.percentiles(&[50.0, 90.0, 99.0, 100.0]);
        TopRow {
            key: Key(key.iter().map(|f| f.name()).zip(k).collect()),
            requests: a.requests,
            share: Rounded(Some(share(a.requests, requests))),
            errors: a.failed,
            error_rate: Rounded(Some(share(a.failed, a.requests))),
            p50_ms: Rounded(p[0]),
            p90_ms: Rounded(p[1]),
            p99_ms: Rounded(p[2]),
            max_ms: Rounded(p[3]),
        }
    };
    let percent = |v: Rounded<4>| format!("{:.1}%", v.0.unwrap_or(0.0) * 100.0);
    let mut columns: Vec<_> = key
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let col = if f.flexible() {
                Col::text(f.header())
            } else {
                Col::fixed(f.header())
            };
            col.cell(move |r: &TopRow| Cell::new(r.key.0[i].1))
        })
        .collect();
    columns.extend([
        Col::num("REQUESTS").cell(|r: &TopRow| Cell::num(thousands(r.requests))),
        Col::num("SHARE").cell(move |r: &TopRow| Cell::num(percent(r.share))),
        Col::num("ERRORS").cell(move |r: &TopRow| {
            let tone = if r.errors > 0 {
                Tone::Warn
            } else {
                Tone::Plain
            };
            Cell::num(percent(r.error_rate)).tone(tone)
        }),
        Col::num("P50")
            .optional(2)
            .cell(|r: &TopRow| Cell::num(latency_cell(r.p50_ms.0))),
        Col::num("P90")
            .optional(3)
            .cell(|r: &TopRow| Cell::num(latency_cell(r.p90_ms.0))),
        Col::num("P99")
            .optional(4)
            .cell(|r: &TopRow| Cell::num(latency_cell(r.p99_ms.0))),
        Col::num("MAX")
            .optional(1)
            .cell(|r: &TopRow| Cell::num(latency_cell(r.max_ms.0))),
    ]);
    let shown = g.len();
    let note = (shown < total).then(|| format!("({shown} of {total} rows; -k 0 for all)"));
    Table {
        format: args.output.output.into(),
        style: crate::commands::style(cfg, &args.output),
        columns,
        template: TopRow {
            key: Key(key.iter().map(|f| (f.name(), "")).collect()),
            requests: 0,
            share: Rounded(None),
            errors: 0,
            error_rate: Rounded(None),
            p50_ms: Rounded(None),
            p90_ms: Rounded(None),
            p99_ms: Rounded(None),
            max_ms: Rounded(None),
        },
        note,
    }
    .emit(out, shown, row)?;
    Ok(outcome(&g.stats, cfg, diag, matched))
}
