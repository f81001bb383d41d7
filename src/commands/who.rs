//! `kaudit who`: the actors behind the matching requests, one row per effective user (the
//! impersonated user when there is one, with the authenticating users shown): requests, 403s,
//! failures, verbs, resources, source IPs, first and last seen.

use anyhow::Result;
use serde_json::json;

use crate::cli::WhoArgs;
use crate::commands::group::{
    Agg, Col, Field, Row, Spec, Times, Want, counts_csv, counts_json, emit, top_counts, top_list,
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
    let (total, matched) = (g.total, g.requests > 0);
    let style = Style::new(cfg, &args.output);
    let times = Times::new(g.times(), cfg.local);
    // The authenticating users, where they differ from the actor (impersonation).
    let via = |user: &str, a: &Agg| -> Vec<(&str, u64)> {
        let mut v = g.groups.values(&a.auth_users);
        v.retain(|(k, _)| *k != user);
        v
    };
    let any_via = (0..g.len()).any(|i| {
        let (k, a) = g.row(i);
        !via(k[0], a).is_empty()
    });
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
    let shown = g.len();
    let row = |i: usize| {
        let (key, a) = g.row(i);
        let user = key[0];
        let v = via(user, a);
        let (verbs, resources, ips) = (
            g.groups.values(&a.verbs),
            g.groups.values(&a.resources),
            g.groups.values(&a.ips),
        );
        let mut cells = vec![Cell::new(user)];
        if any_via {
            cells.push(Cell::new(top_counts(&v, 2)));
        }
        cells.extend([
            Cell::num(thousands(a.requests)),
            warn_count(a.denied),
            warn_count(a.failed),
            Cell::new(top_list(&verbs, 4)),
            Cell::new(format!("{} ({})", top_list(&resources, 3), resources.len())),
            Cell::new(top_list(&ips, 2)),
            Cell::new(times.cell(a.first)),
            Cell::new(times.cell(a.last)),
        ]);
        Row {
            csv: vec![
                user.to_string(),
                counts_csv(&v),
                a.requests.to_string(),
                a.denied.to_string(),
                a.failed.to_string(),
                a.incomplete.to_string(),
                counts_csv(&verbs),
                counts_csv(&resources),
                counts_csv(&ips),
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
                "verbs": counts_json(&verbs),
                "resources": counts_json(&resources),
                "sourceIPs": counts_json(&ips),
                "first": ts_json(a.first),
                "last": ts_json(a.last),
            }),
            cells,
        }
    };
    let mut note = times.caption();
    if shown < total {
        note.push_str(&format!(" ({shown} of {total} users; --limit)"));
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
