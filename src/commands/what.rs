//! `kaudit what`: what was done. One row per verb and resource (with `--by-object`, per object
//! too): requests, the users (top 3 and how many), codes, first and last time.

use anyhow::Result;
use serde::Serialize;

use crate::cli::WhatArgs;
use crate::commands::group::{Field, Spec, Times, Want, codes_cell, top_list};
use crate::commands::{Outcome, outcome};
use crate::config::Config;
use crate::render::{Cell, Codes, Col, Counts, Table, Time, thousands};
use crate::term::{Diag, Out};

/// One verb and resource (and object, `--by-object`): every field of `what -o json/ndjson/csv`.
#[derive(Serialize, Default)]
struct WhatRow<'a> {
    verb: &'a str,
    resource: &'a str,
    subresource: Option<&'a str>,
    /// With `--by-object`; `null` without it.
    namespace: Option<&'a str>,
    name: Option<&'a str>,
    requests: u64,
    users: Counts<'a>,
    codes: Codes,
    first: Time,
    last: Time,
}

impl WhatRow<'_> {
    /// `configmaps` or `pods/exec`.
    fn resource_cell(&self) -> String {
        match self.subresource {
            Some(sub) => format!("{}/{sub}", self.resource),
            None => self.resource.to_string(),
        }
    }
    /// `ns/name`, `ns/*` (no name), `name` (cluster-scoped) or `*`.
    fn object_cell(&self) -> String {
        match (self.namespace, self.name) {
            (Some(ns), Some(name)) => format!("{ns}/{name}"),
            (Some(ns), None) => format!("{ns}/*"),
            (None, Some(name)) => name.to_string(),
            (None, None) => "*".into(),
        }
    }
}

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
        args.limit.rows(None),
    )?;
    let (total, matched) = (g.total, g.requests > 0);
    let times = Times::new(g.times(), cfg.local);
    // made as they are written: one row at a time for CSV and JSON
    let row = |i: usize| {
        let (k, a) = g.row(i);
        let (ns, name) = if args.by_object {
            (given(k[3]), given(k[4]))
        } else {
            (None, None)
        };
        WhatRow {
            verb: k[0],
            resource: k[1],
            subresource: given(k[2]),
            namespace: ns,
            name,
            requests: a.requests,
            users: Counts(g.groups.values(&a.users)),
            codes: Codes(g.groups.codes(&a.codes)),
            first: Time(a.first),
            last: Time(a.last),
        }
    };
    let mut columns = vec![
        Col::fixed("VERB").cell(|r: &WhatRow| Cell::new(r.verb)),
        Col::text("RESOURCE").cell(|r: &WhatRow| Cell::new(r.resource_cell())),
    ];
    if args.by_object {
        columns.push(Col::text("OBJECT").cell(|r: &WhatRow| Cell::new(r.object_cell())));
    }
    columns.extend([
        Col::num("REQUESTS").cell(|r: &WhatRow| Cell::num(thousands(r.requests))),
        Col::text("USERS").optional(2).cell(|r: &WhatRow| {
            let u = &r.users.0;
            Cell::new(format!("{} ({})", top_list(u, 3), u.len()))
        }),
        Col::text("CODES").cell(|r: &WhatRow| Cell::new(codes_cell(&r.codes.0))),
        Col::fixed("FIRST")
            .optional(1)
            .cell(|r: &WhatRow| Cell::new(times.cell(r.first.0))),
        Col::fixed("LAST")
            .optional(1)
            .cell(|r: &WhatRow| Cell::new(times.cell(r.last.0))),
    ]);
    let shown = g.len();
    let mut note = times.caption();
    if shown < total {
        note.push_str(&format!(" ({shown} of {total} rows; -k 0 for all)"));
    }
    Table {
        format: args.output.output.into(),
        style: crate::commands::style(cfg, &args.output),
        columns,
        template: WhatRow::default(),
        note: Some(note),
    }
    .emit(out, shown, row)?;
    Ok(outcome(&g.stats, cfg, diag, matched))
}

/// A key part, `None` for `-` (a field the request did not have).
fn given(s: &str) -> Option<&str> {
    (s != "-").then_some(s)
}
