//! `kaudit who`: the actors behind the matching requests, one row per effective user (the
//! impersonated user when there is one, with the authenticating users shown): requests, 403s,
//! failures, verbs, resources, source IPs, first and last seen. VIA also says when a user was
//! refused the impersonation it asked for (`impersonation refused: admin (1)`), which the log
//! writes under the sender's own name (`Request::refused_impersonation`).

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
    "impersonationRefused",
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
        !via(k[0], a).is_empty() || !a.refused.is_empty()
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
        let refused = g.groups.values(&a.refused);
        let (verbs, resources, ips) = (
            g.groups.values(&a.verbs),
            g.groups.values(&a.resources),
            g.groups.values(&a.ips),
        );
        let mut cells = vec![Cell::new(user)];
        if any_via {
            cells.push(Cell::new(via_cell(&v, &refused)));
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
                counts_csv(&named(&refused, "(unnamed)")),
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
                "impersonationRefused": refused_json(&refused),
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

/// The refused impersonations with `unknown` for a target the message did not name.
fn named<'a>(refused: &[(&'a str, u64)], unknown: &'a str) -> Vec<(&'a str, u64)> {
    refused
        .iter()
        .map(|&(t, n)| (if t.is_empty() { unknown } else { t }, n))
        .collect()
}

/// VIA: the users who acted as this one (`cluster-root (1)`), then (after `; `) the
/// impersonations this user asked for and was refused: `impersonation refused: admin (1)` when each is named,
/// `impersonation refused (3)` when none is, `impersonation refused (3): admin (1)` when some are.
fn via_cell(via: &[(&str, u64)], refused: &[(&str, u64)]) -> String {
    let mut parts = Vec::new();
    if !via.is_empty() {
        parts.push(top_counts(via, 2));
    }
    if !refused.is_empty() {
        let total: u64 = refused.iter().map(|(_, n)| n).sum();
        let known: Vec<(&str, u64)> = refused
            .iter()
            .filter(|(t, _)| !t.is_empty())
            .copied()
            .collect();
        parts.push(if known.is_empty() {
            format!("impersonation refused ({total})")
        } else if known.len() == refused.len() {
            format!("impersonation refused: {}", top_counts(&known, 2))
        } else {
            format!("impersonation refused ({total}): {}", top_counts(&known, 2))
        });
    }
    // `;` between them: the users before it acted as this one, this one asked after it
    parts.join("; ")
}

/// `[{"target": "admin", "count": 1}, {"target": null, "count": 2}]`: `null` where the message
/// did not name whom the user asked for.
fn refused_json(refused: &[(&str, u64)]) -> serde_json::Value {
    serde_json::Value::Array(
        refused
            .iter()
            .map(|&(t, n)| json!({"target": (!t.is_empty()).then_some(t), "count": n}))
            .collect(),
    )
}
