//! `kaudit what`: what was done. One row per verb and resource (with `--by-object`, per object
//! too): requests, the users (top 3 and how many), codes, first and last time.

use anyhow::Result;
use serde_json::json;

use crate::cli::WhatArgs;
use crate::commands::group::{
    Col, Field, Row, Spec, Times, Want, codes_cell, codes_json, counts_csv, counts_json, emit,
    top_list, ts_csv, ts_json,
};
use crate::commands::{Outcome, outcome};
use crate::config::Config;
use crate::render::{Cell, Style, thousands};
use crate::term::{Diag, Out};

pub static CSV: &[&str] = &[
    "verb",
    "resource",
    "subresource",
    "namespace",
    "name",
    "requests",
    "users",
    "codes",
    "first",
    "last",
];

pub fn run(args: &WhatArgs, cfg: &Config, diag: &Diag, out: &mut Out) -> Result<Outcome> {
    let mut key = vec![Field::Verb, Field::Resource, Field::Subresource];
    if args.by_object {
        key.extend([Field::Namespace, Field::Name]);
    }
    let g = crate::commands::group::collect(
        &args.input.paths,
        cfg,
        diag,
        Spec {
            key,
            want: Want {
                users: true,
                codes: true,
                ..Want::default()
            },
            local: cfg.local,
        },
        args.sort,
        args.output.limit,
    )?;
    let (total, matched) = (g.total, g.requests > 0);
    let style = Style::new(cfg, &args.output);
    let times = Times::new(g.times(), cfg.local);
    let mut cols = vec![Col::fixed("VERB"), Col::text("RESOURCE")];
    if args.by_object {
        cols.push(Col::text("OBJECT"));
    }
    cols.extend([
        Col::num("REQUESTS"),
        Col::text("USERS").optional(2),
        Col::text("CODES"),
        Col::fixed("FIRST"),
        Col::fixed("LAST"),
    ]);
    let dash = |s: &str| {
        if s == "-" {
            String::new()
        } else {
            s.to_string()
        }
    };
    let shown = g.len();
    // made as they are written: one row at a time for CSV and JSON
    let row = |i: usize| {
        let (k, a) = g.row(i);
        let (verb, res, sub) = (k[0], k[1], k[2]);
        let (users, codes) = (g.groups.values(&a.users), g.groups.codes(&a.codes));
        let resource = if sub == "-" {
            res.to_string()
        } else {
            format!("{res}/{sub}")
        };
        let (ns, name) = if args.by_object {
            (dash(k[3]), dash(k[4]))
        } else {
            (String::new(), String::new())
        };
        let mut cells = vec![Cell::new(verb), Cell::new(resource)];
        if args.by_object {
            cells.push(Cell::new(match (ns.is_empty(), name.is_empty()) {
                (false, false) => format!("{ns}/{name}"),
                (false, true) => format!("{ns}/*"),
                (true, false) => name.clone(),
                (true, true) => "*".into(),
            }));
        }
        cells.extend([
            Cell::num(thousands(a.requests)),
            Cell::new(format!("{} ({})", top_list(&users, 3), users.len())),
            Cell::new(codes_cell(&codes)),
            Cell::new(times.cell(a.first)),
            Cell::new(times.cell(a.last)),
        ]);
        Row {
            csv: vec![
                verb.to_string(),
                res.to_string(),
                dash(sub),
                ns.clone(),
                name.clone(),
                a.requests.to_string(),
                counts_csv(&users),
                codes_cell(&codes).replace(' ', ";"),
                ts_csv(a.first),
                ts_csv(a.last),
            ],
            json: json!({
                "verb": verb,
                "resource": res,
                "subresource": if sub == "-" { None } else { Some(sub) },
                "namespace": if args.by_object && !ns.is_empty() { Some(&ns) } else { None },
                "name": if args.by_object && !name.is_empty() { Some(&name) } else { None },
                "requests": a.requests,
                "users": counts_json(&users),
                "codes": codes_json(&codes),
                "first": ts_json(a.first),
                "last": ts_json(a.last),
            }),
            cells,
        }
    };
    let mut note = times.caption();
    if shown < total {
        note.push_str(&format!(" ({shown} of {total} rows; --limit)"));
    }
    let note = Some(note);
    emit(
        out,
        args.output.output,
        &style,
        &cols,
        CSV,
        shown,
        row,
        note,
    )?;
    Ok(outcome(&g.stats, cfg, diag, matched))
}
