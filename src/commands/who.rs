//! `kaudit who`: the actors behind the matching requests, one row per effective user (the
//! impersonated user when there is one, with the authenticating users shown): requests, 403s,
//! failures, verbs, resources, source IPs, first and last seen.

use anyhow::Result;
use serde_json::json;

use crate::cli::WhoArgs;
use crate::commands::group::{
    Col, Field, Row, Spec, Times, Want, counts_csv, counts_json, emit, top_counts, top_list,
    ts_csv, ts_json, warn_count,
};
use crate::commands::{Outcome, outcome};
use crate::config::Config;
use crate::render::{Cell, Style, thousands};
use crate::term::{Diag, Out};

pub static CSV: &[&str] = &[
    "user",
    "authenticatedAs",
    "requests",
    "denied",
    "failed",
    "incomplete",
    "verbs",
    "resources",
    "sourceIPs",
    "first",
    "last",
];

pub fn run(args: &WhoArgs, cfg: &Config, diag: &Diag, out: &mut Out) -> Result<Outcome> {
    let g = crate::commands::group::collect(
        &args.input.paths,
        cfg,
        diag,
        Spec {
            key: vec![Field::User],
            want: Want {
                auth_users: true,
                verbs: true,
                resources: true,
                ips: true,
                ..Want::default()
            },
            local: cfg.local,
        },
        args.sort,
        args.output.limit,
    )?;
    let (stats, rows, total, matched) = (g.stats, g.rows, g.total, g.requests > 0);
    let style = Style::new(cfg, &args.output);
    let times = Times::new(
        rows.iter().flat_map(|(_, a)| [&a.first, &a.last]),
        cfg.local,
    );
    // The authenticating users, where they differ from the actor (impersonation).
    let via = |user: &str, a: &crate::commands::group::Agg| -> crate::commands::group::Counts {
        a.auth_users
            .iter()
            .filter(|(k, _)| k.as_str() != user)
            .map(|(k, v)| (k.clone(), *v))
            .collect()
    };
    let any_via = rows.iter().any(|(k, a)| !via(&k[0], a).is_empty());
    let mut cols = vec![Col::text("USER")];
    if any_via {
        cols.push(Col::text("VIA").optional(3));
    }
    cols.extend([
        Col::num("REQUESTS"),
        Col::num("DENIED"),
        Col::num("FAILED"),
        Col::text("VERBS").optional(4),
        Col::text("RESOURCES").optional(5),
        Col::text("SOURCE IPS").optional(2),
        Col::fixed("FIRST"),
        Col::fixed("LAST"),
    ]);
    let shown = rows.len();
    // made as they are written: one row at a time for CSV and JSON
    let out_rows = rows.into_iter().map(|(key, a)| {
        let user = &key[0];
        let v = via(user, &a);
        let mut cells = vec![Cell::new(user.clone())];
        if any_via {
            cells.push(Cell::new(top_counts(&v, 2)));
        }
        cells.extend([
            Cell::num(thousands(a.requests)),
            warn_count(a.denied),
            warn_count(a.failed),
            Cell::new(top_list(&a.verbs, 4)),
            Cell::new(format!(
                "{} ({})",
                top_list(&a.resources, 3),
                a.resources.len()
            )),
            Cell::new(top_list(&a.ips, 2)),
            Cell::new(times.cell(a.first)),
            Cell::new(times.cell(a.last)),
        ]);
        Row {
            csv: vec![
                user.clone(),
                counts_csv(&v),
                a.requests.to_string(),
                a.denied.to_string(),
                a.failed.to_string(),
                a.incomplete.to_string(),
                counts_csv(&a.verbs),
                counts_csv(&a.resources),
                counts_csv(&a.ips),
                ts_csv(a.first),
                ts_csv(a.last),
            ],
            json: json!({
                "user": user,
                "authenticatedAs": counts_json(&v),
                "requests": a.requests,
                "denied": a.denied,
                "failed": a.failed,
                "incomplete": a.incomplete,
                "verbs": counts_json(&a.verbs),
                "resources": counts_json(&a.resources),
                "sourceIPs": counts_json(&a.ips),
                "first": ts_json(a.first),
                "last": ts_json(a.last),
            }),
            cells,
        }
    });
    let mut note = times.caption();
    if shown < total {
        note.push_str(&format!(" ({shown} of {total} users; --limit)"));
    }
    let note = Some(note);
    emit(out, args.output.output, &style, &cols, CSV, out_rows, note)?;
    Ok(outcome(&stats, cfg, diag, matched))
}
