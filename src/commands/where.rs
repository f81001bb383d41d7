//! `kaudit where`: where requests came from. One row per source IP (the address that connected: the
//! last of sourceIPs, since the ones before it come from headers a client can set), or per user agent with `--by user-agent`: requests, 403s,
//! users, user agents (or IPs), first and last time.

use anyhow::Result;
use serde::Serialize;

use crate::cli::{WhereArgs, WhereBy};
use crate::commands::group::{Field, Spec, Times, Want, top_list, warn_count};
use crate::commands::{Outcome, outcome};
use crate::config::Config;
use crate::render::{Cell, Col, Counts, Table, Time, thousands};
use crate::term::{Diag, Out};

/// One source address (or user agent, `--by user-agent`): every field of `where -o
/// json/ndjson/csv`. Of each pair of options, the one of the grouping is there.
#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct WhereRow<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    ip: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_agent: Option<&'a str>,
    requests: u64,
    denied: u64,
    failed: u64,
    users: Counts<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_agents: Option<Counts<'a>>,
    #[serde(rename = "sourceIPs", skip_serializing_if = "Option::is_none")]
    source_ips: Option<Counts<'a>>,
    first: Time,
    last: Time,
}

impl<'a> WhereRow<'a> {
    /// A row of the grouping's shape (by address or by agent) with its key and other list.
    fn keyed(by_agent: bool, key: &'a str, other: Counts<'a>) -> WhereRow<'a> {
        if by_agent {
            WhereRow {
                user_agent: Some(key),
                source_ips: Some(other),
                ..WhereRow::default()
            }
        } else {
            WhereRow {
                ip: Some(key),
                user_agents: Some(other),
                ..WhereRow::default()
            }
        }
    }
    /// The row's key (an address or an agent) and its other list (agents or addresses).
    fn key(&self) -> &'a str {
        self.ip.or(self.user_agent).unwrap_or_default()
    }
    fn other(&self) -> &[(&'a str, u64)] {
        self.user_agents
            .as_ref()
            .or(self.source_ips.as_ref())
            .map_or(&[], |c| &c.0)
    }
}

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
        args.limit.rows(None),
    )?;
    let (total, matched) = (g.total, g.requests > 0);
    let times = Times::new(g.times(), cfg.local);
    // made as they are written: one row at a time for CSV and JSON
    let row = |i: usize| {
        let (k, a) = g.row(i);
        let other = Counts(g.groups.values(if by_agent { &a.ips } else { &a.agents }));
        WhereRow {
            requests: a.requests,
            denied: a.denied,
            failed: a.failed,
            users: Counts(g.groups.values(&a.users)),
            first: Time(a.first),
            last: Time(a.last),
            ..WhereRow::keyed(by_agent, k[0], other)
        }
    };
    let columns = vec![
        Col::text(if by_agent { "USER AGENT" } else { "SOURCE IP" })
            .cell(|r: &WhereRow| Cell::new(r.key())),
        Col::num("REQUESTS").cell(|r: &WhereRow| Cell::num(thousands(r.requests))),
        Col::num("DENIED").cell(|r: &WhereRow| warn_count(r.denied)),
        Col::num("FAILED").cell(|r: &WhereRow| warn_count(r.failed)),
        Col::text("USERS").optional(3).cell(|r: &WhereRow| {
            let u = &r.users.0;
            Cell::new(format!("{} ({})", top_list(u, 3), u.len()))
        }),
        Col::text(if by_agent {
            "SOURCE IPS"
        } else {
            "USER AGENTS"
        })
        .optional(4)
        .cell(|r: &WhereRow| Cell::new(top_list(r.other(), 3))),
        Col::fixed("FIRST")
            .optional(1)
            .cell(|r: &WhereRow| Cell::new(times.cell(r.first.0))),
        Col::fixed("LAST")
            .optional(1)
            .cell(|r: &WhereRow| Cell::new(times.cell(r.last.0))),
    ];
    let shown = g.len();
    let mut note = times.caption();
    if shown < total {
        note.push_str(&format!(" ({shown} of {total} rows; -k 0 for all)"));
    }
    Table {
        format: args.output.output.into(),
        style: crate::commands::style(cfg, &args.output),
        columns,
        template: WhereRow::keyed(by_agent, "", Counts::default()),
        note: Some(note),
    }
    .emit(out, shown, row)?;
    Ok(outcome(&g.stats, cfg, diag, matched))
}
