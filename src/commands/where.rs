//! `kaudit where`: where requests came from. One row per source IP (the address that connected: the
//! last of sourceIPs, since the ones before it come from headers a client can set), or per user agent with `--by user-agent`: requests, 403s,
//! users, user agents (or IPs), first and last time.

use anyhow::Result;
use serde_json::json;

use crate::cli::{WhereArgs, WhereBy};
use crate::commands::group::{
    Col, Field, Row, Spec, Times, Want, counts_csv, counts_json, emit, top_list, ts_csv, ts_json,
    warn_count,
};
use crate::commands::{Outcome, outcome};
use crate::config::Config;
use crate::render::{Cell, Style, thousands};
use crate::term::{Diag, Out};

static CSV_IP: &[&str] = &[
    "ip",
    "requests",
    "denied",
    "failed",
    "users",
    "userAgents",
    "first",
    "last",
];
static CSV_AGENT: &[&str] = &[
    "userAgent",
    "requests",
    "denied",
    "failed",
    "users",
    "sourceIPs",
    "first",
    "last",
];

pub fn run(args: &WhereArgs, cfg: &Config, diag: &Diag, out: &mut Out) -> Result<Outcome> {
    let by_agent = args.by == WhereBy::UserAgent;
    let g = crate::commands::group::collect(
        &args.input.paths,
        cfg,
        diag,
        Spec {
            key: vec![if by_agent {
                Field::UserAgent
            } else {
                Field::Ip
            }],
            want: Want {
                users: true,
                agents: !by_agent,
                ips: by_agent,
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
    let cols = vec![
        if by_agent {
            Col::text("USER AGENT")
        } else {
            Col::text("SOURCE IP")
        },
        Col::num("REQUESTS"),
        Col::num("DENIED"),
        Col::num("FAILED"),
        Col::text("USERS").optional(3),
        if by_agent {
            Col::text("SOURCE IPS")
        } else {
            Col::text("USER AGENTS")
        }
        .optional(4),
        Col::fixed("FIRST"),
        Col::fixed("LAST"),
    ];
    let shown = g.len();
    // made as they are written: one row at a time for CSV and JSON
    let row = |i: usize| {
        let (k, a) = g.row(i);
        let users = g.groups.values(&a.users);
        let other = g.groups.values(if by_agent { &a.ips } else { &a.agents });
        let other = &other;
        Row {
            cells: vec![
                Cell::new(k[0]),
                Cell::num(thousands(a.requests)),
                warn_count(a.denied),
                warn_count(a.failed),
                Cell::new(format!("{} ({})", top_list(&users, 3), users.len())),
                Cell::new(top_list(other, 3)),
                Cell::new(times.cell(a.first)),
                Cell::new(times.cell(a.last)),
            ],
            csv: vec![
                k[0].to_string(),
                a.requests.to_string(),
                a.denied.to_string(),
                a.failed.to_string(),
                counts_csv(&users),
                counts_csv(other),
                ts_csv(a.first),
                ts_csv(a.last),
            ],
            json: if by_agent {
                json!({
                    "userAgent": k[0], "requests": a.requests, "denied": a.denied,
                    "failed": a.failed, "users": counts_json(&users),
                    "sourceIPs": counts_json(other), "first": ts_json(a.first),
                    "last": ts_json(a.last),
                })
            } else {
                json!({
                    "ip": k[0], "requests": a.requests, "denied": a.denied,
                    "failed": a.failed, "users": counts_json(&users),
                    "userAgents": counts_json(other), "first": ts_json(a.first),
                    "last": ts_json(a.last),
                })
            },
        }
    };
    let mut note = times.caption();
    if shown < total {
        note.push_str(&format!(" ({shown} of {total} rows; --limit)"));
    }
    let note = Some(note);
    let csv = if by_agent { CSV_AGENT } else { CSV_IP };
    emit(
        out,
        args.output.output,
        &style,
        &cols,
        csv,
        shown,
        row,
        note,
    )?;
    Ok(outcome(&g.stats, cfg, diag, matched))
}
