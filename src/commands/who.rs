//! `kaudit who`: the actors behind the matching requests, one row per effective user (the
//! impersonated user when there is one, with the authenticating users shown): requests, 403s,
//! failures, verbs, resources, source IPs, first and last seen. VIA also says when a user was
//! refused the impersonation it asked for (`impersonation refused: admin (1)`), which the log
//! writes under the sender's own name (`Request::refused_impersonation`).

use anyhow::Result;
use serde::Serialize;

use crate::cli::WhoArgs;
use crate::commands::group::{Agg, Field, Spec, Times, Want, top_counts, top_list, warn_count};
use crate::commands::{Outcome, outcome};
use crate::config::Config;
use crate::render::{Cell, Col, Counts, Table, Time, thousands};
use crate::term::{Diag, Out};

/// One actor: every field of `who -o json/ndjson/csv`.
#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct WhoRow<'a> {
    user: &'a str,
    /// The users who acted as this one (impersonation).
    authenticated_as: Counts<'a>,
    impersonation_refused: Vec<Refused<'a>>,
    requests: u64,
    denied: u64,
    failed: u64,
    incomplete: u64,
    verbs: Counts<'a>,
    resources: Counts<'a>,
    #[serde(rename = "sourceIPs")]
    source_ips: Counts<'a>,
    first: Time,
    last: Time,
}

/// An impersonation the user asked for and was refused: `{"target": "admin", "count": 1}`,
/// `null` where the message did not name whom (CSV `(unnamed)=2`).
#[derive(Serialize)]
struct Refused<'a> {
    target: Unnamed<'a>,
    count: u64,
}

#[derive(Serialize)]
#[serde(rename = "kaudit::null=(unnamed)")]
struct Unnamed<'a>(Option<&'a str>);

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
        args.limit.rows(None),
    )?;
    let (total, matched) = (g.total, g.requests > 0);
    let times = Times::new(g.times(), cfg.local);
    // The authenticating users, where they differ from the actor (impersonation).
    let via = |user: &str, a: &Agg| -> Vec<(&str, u64)> {
        let mut v = g.groups.values(&a.auth_users);
        v.retain(|(k, _)| *k != user);
        v
    };
    let row = |i: usize| {
        let (key, a) = g.row(i);
        let user = key[0];
        WhoRow {
            user,
            authenticated_as: Counts(via(user, a)),
            impersonation_refused: g
                .groups
                .values(&a.refused)
                .into_iter()
                .map(|(t, count)| Refused {
                    target: Unnamed((!t.is_empty()).then_some(t)),
                    count,
                })
                .collect(),
            requests: a.requests,
            denied: a.denied,
            failed: a.failed,
            incomplete: a.incomplete,
            verbs: Counts(g.groups.values(&a.verbs)),
            resources: Counts(g.groups.values(&a.resources)),
            source_ips: Counts(g.groups.values(&a.ips)),
            first: Time(a.first),
            last: Time(a.last),
        }
    };
    let any_via = (0..g.len()).any(|i| {
        let (k, a) = g.row(i);
        !via(k[0], a).is_empty() || !a.refused.is_empty()
    });
    let mut columns = vec![Col::text("USER").cell(|r: &WhoRow| Cell::new(r.user))];
    if any_via {
        columns.push(Col::text("VIA").optional(3).cell(|r: &WhoRow| {
            let refused: Vec<(&str, u64)> = r
                .impersonation_refused
                .iter()
                .map(|x| (x.target.0.unwrap_or(""), x.count))
                .collect();
            Cell::new(via_cell(&r.authenticated_as.0, &refused))
        }));
    }
    columns.extend([
        Col::num("REQUESTS").cell(|r: &WhoRow| Cell::num(thousands(r.requests))),
        Col::num("DENIED").cell(|r: &WhoRow| warn_count(r.denied)),
        Col::num("FAILED").cell(|r: &WhoRow| warn_count(r.failed)),
        Col::text("VERBS")
            .optional(4)
            .cell(|r: &WhoRow| Cell::new(top_list(&r.verbs.0, 4))),
        Col::text("RESOURCES").optional(5).cell(|r: &WhoRow| {
            let v = &r.resources.0;
            Cell::new(format!("{} ({})", top_list(v, 3), v.len()))
        }),
        Col::text("SOURCE IPS")
            .optional(2)
            .cell(|r: &WhoRow| Cell::new(top_list(&r.source_ips.0, 2))),
        Col::fixed("FIRST")
            .optional(1)
            .cell(|r: &WhoRow| Cell::new(times.cell(r.first.0))),
        Col::fixed("LAST")
            .optional(1)
            .cell(|r: &WhoRow| Cell::new(times.cell(r.last.0))),
    ]);
    let shown = g.len();
    let mut note = times.caption();
    if shown < total {
        note.push_str(&format!(" ({shown} of {total} users; -k 0 for all)"));
    }
    Table {
        format: args.output.output.into(),
        style: crate::commands::style(cfg, &args.output),
        columns,
        template: WhoRow::default(),
        note: Some(note),
    }
    .emit(out, shown, row)?;
    Ok(outcome(&g.stats, cfg, diag, matched))
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
