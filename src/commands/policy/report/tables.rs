//! The tables of `kaudit policy simulate`, one function per section: the totals, the rules,
//! the events by level and stage, the top users and resources, the evidence no longer
//! recorded and its groups of requests, the notes. They read the JSON document (`mod.rs`) and
//! the tallies; they compute nothing the document does not say.

use std::io::Write as _;

use anyhow::Result;
use serde_json::Value;

use super::super::simulate::{KINDS, Sim, kind_names};
use super::{change, human_bytes, rule_label};
use crate::event::{Stage, StageSet};
use crate::policy::Level;
use crate::render::heading;
use crate::render::table::{elide_middle, write_rows, write_rows_dropping};
use crate::render::{Cell, Style, Tone, human_time, thousands};
use crate::term::Out;

/// The widest a rule's MATCHES cell is (elided in the middle; `-o wide` and JSON show it whole).
const MATCHES_WIDTH: usize = 90;

/// The tables of a simulation, section by section, then its notes.
pub(in crate::commands::policy) fn simulate_tables(
    out: &mut Out,
    doc: &Value,
    s: &Sim,
    lost_n: usize,
    style: &Style,
    wide: bool,
) -> Result<()> {
    let r = Report { doc, s, style };
    r.totals(out)?;
    r.rules(out, wide)?;
    r.levels_and_stages(out)?;
    r.tops(out)?;
    r.evidence(out)?;
    if !s.lost.is_empty() {
        writeln!(out)?;
        r.lost(out, lost_n)?;
    }
    writeln!(out)?;
    for n in doc["notes"].as_array().into_iter().flatten() {
        writeln!(out, "note: {}", n.as_str().unwrap_or(""))?;
    }
    Ok(())
}

/// What every section reads: the document, the tallies, and how to draw.
struct Report<'a> {
    doc: &'a Value,
    s: &'a Sim,
    style: &'a Style,
}

/// A count of the document (0 when absent).
fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or(0)
}

fn num(n: u64) -> Cell {
    Cell::num(thousands(n))
}

fn bytes(n: u64) -> Cell {
    Cell::num(human_bytes(n))
}

/// Simulated bytes without bodies the logs lack: at least that much.
fn at_least(n: u64, unknown: u64) -> Cell {
    Cell::num(if unknown > 0 {
        format!(">= {}", human_bytes(n))
    } else {
        human_bytes(n)
    })
}

impl Report<'_> {
    fn hdr(&self, h: &[&str]) -> Option<Vec<Cell>> {
        self.style
            .headers
            .then(|| h.iter().map(|x| Cell::new(*x)).collect())
    }

    /// The heading (policy, rules, server, requests) and the events and bytes, now and simulated.
    fn totals(&self, out: &mut Out) -> Result<()> {
        let (doc, s, style) = (self.doc, self.s, self.style);
        let name = crate::term::sanitize(doc["policy"].as_str().unwrap_or("")).into_owned();
        let rules = doc["rules"].as_array().map_or(0, |r| r.len() - 1);
        heading(
            out,
            style,
            &format!(
                "{name} ({rules} rule{}, as {}) on {} request(s) in the logs{}",
                if rules == 1 { "" } else { "s" },
                doc["server"].as_str().unwrap_or(""),
                thousands(s.total.requests),
                if doc["filtered"] == true {
                    " (matching the filters)"
                } else {
                    ""
                }
            ),
        )?;
        let t = &s.total;
        write_rows(
            out,
            vec![
                vec![
                    Cell::new("now"),
                    Cell::num(format!("{} events", thousands(t.events_now))),
                    bytes(t.bytes_now),
                    Cell::num(""),
                ],
                vec![
                    Cell::new("simulated"),
                    Cell::num(format!("{} events", thousands(t.events))),
                    at_least(t.bytes, t.unknown),
                    Cell::num(change(t.bytes_now, t.bytes)),
                ],
            ],
            None,
            style,
            &[false, true, true, true],
            &[false, false, false, false],
        )?;
        if t.unknown > 0 {
            writeln!(
                out,
                "(>= : at least; {} event(s) would hold bodies that the logs do not, which are not counted)",
                thousands(t.unknown)
            )?;
        }
        writeln!(out)?;
        Ok(())
    }

    /// Each rule's level, omitted stages, what it matches and its volumes, then the total.
    fn rules(&self, out: &mut Out, wide: bool) -> Result<()> {
        heading(
            out,
            self.style,
            "Rules (each request counted for the first rule it matches)",
        )?;
        let mut rows: Vec<Vec<Cell>> = self.doc["rules"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| rule_row(r, wide))
            .collect();
        let t = &self.s.total;
        rows.push(vec![
            Cell::new("total"),
            Cell::new(""),
            Cell::new(""),
            Cell::new(""),
            num(t.requests),
            num(t.events_now),
            num(t.events),
            bytes(t.bytes_now),
            at_least(t.bytes, t.unknown),
            Cell::num(change(t.bytes_now, t.bytes)),
        ]);
        write_rows_dropping(
            out,
            rows,
            self.hdr(&[
                "RULE",
                "LEVEL",
                "OMIT",
                "MATCHES",
                "REQUESTS",
                "EVENTS NOW",
                "EVENTS",
                "BYTES NOW",
                "BYTES",
                "CHANGE",
            ]),
            self.style,
            &[
                false, false, false, false, true, true, true, true, true, true,
            ],
            &[
                false, false, false, true, false, false, false, false, false, false,
            ],
            // on a narrow terminal, before MATCHES is cut: the event counts, the bytes now
            &[0, 0, 2, 0, 0, 5, 4, 3, 0, 0],
        )?;
        writeln!(
            out,
            "(OMIT: stages not written, RR RequestReceived, RS ResponseStarted, RC ResponseComplete)"
        )?;
        writeln!(out)?;
        Ok(())
    }

    /// Events now and simulated by level (with the logs' levels no rule writes) and by stage.
    fn levels_and_stages(&self, out: &mut Out) -> Result<()> {
        let (doc, s) = (self.doc, self.s);
        heading(out, self.style, "Events by level and stage")?;
        let mut rows = Vec::new();
        for l in Level::ALL.iter().skip(1) {
            rows.push(vec![
                Cell::new(l.name()),
                num(u(&doc["now"]["eventsByLevel"][l.name()])),
                num(s.levels[*l as usize]),
            ]);
        }
        for (k, v) in &s.levels_now {
            if Level::parse(k).is_none_or(|l| l == Level::None) {
                rows.push(vec![Cell::new(k.clone()), num(*v), num(0)]);
            }
        }
        for st in Stage::ALL {
            rows.push(vec![
                Cell::new(st.name()),
                num(s.stages_now[st as usize]),
                num(s.stages[st as usize]),
            ]);
        }
        write_rows(
            out,
            rows,
            self.hdr(&["LEVEL / STAGE", "EVENTS NOW", "EVENTS"]),
            self.style,
            &[false, true, true],
            &[false, false, false],
        )?;
        writeln!(out)?;
        Ok(())
    }

    /// The top users and the top resources by simulated bytes.
    fn tops(&self, out: &mut Out) -> Result<()> {
        for (key, title, col) in [
            (
                "topUsers",
                "Top users by bytes under the policy (authenticated user)",
                "USER",
            ),
            (
                "topResources",
                "Top resources by bytes under the policy",
                "RESOURCE",
            ),
        ] {
            heading(out, self.style, title)?;
            let rows: Vec<Vec<Cell>> = self.doc[key]
                .as_array()
                .into_iter()
                .flatten()
                .map(|e| {
                    vec![
                        Cell::new(e["name"].as_str().unwrap_or("")),
                        num(u(&e["requests"])),
                        bytes(u(&e["bytesNow"])),
                        at_least(u(&e["bytes"]), u(&e["eventsWithUnknownBodies"])),
                        Cell::num(change(u(&e["bytesNow"]), u(&e["bytes"]))),
                    ]
                })
                .collect();
            write_rows(
                out,
                rows,
                self.hdr(&[col, "REQUESTS", "BYTES NOW", "BYTES", "CHANGE"]),
                self.style,
                &[false, true, true, true, true],
                &[true, false, false, false, false],
            )?;
            writeln!(out)?;
        }
        Ok(())
    }

    /// The requests of each kind of evidence in the logs and not recorded, and the bodies dropped.
    fn evidence(&self, out: &mut Out) -> Result<()> {
        let s = self.s;
        heading(
            out,
            self.style,
            "Evidence the policy would no longer record",
        )?;
        let mut rows = Vec::new();
        for (i, k) in KINDS.iter().enumerate() {
            let lost = s.kinds_lost[i];
            rows.push(vec![
                Cell::new(match *k {
                    "write" => "writes (create, update, patch, delete, deletecollection)",
                    "secrets" => "secrets (any verb)",
                    "denied" => "denied (401, 403)",
                    "exec" => "exec, attach, port-forward",
                    _ => "impersonated",
                }),
                num(s.kinds_now[i]),
                num(lost).tone(if lost > 0 { Tone::Warn } else { Tone::Plain }),
            ]);
        }
        write_rows(
            out,
            rows,
            self.hdr(&["KIND", "IN THE LOGS", "NOT RECORDED"]),
            self.style,
            &[false, true, true],
            &[false, false, false],
        )?;
        writeln!(
            out,
            "(not recorded: no event, or none with the response: code, decision, impersonated user)"
        )?;
        writeln!(
            out,
            "request bodies no longer recorded: {}; response bodies: {}",
            thousands(s.request_bodies_dropped),
            thousands(s.response_bodies_dropped)
        )?;
        Ok(())
    }

    /// The groups of requests not recorded, the most serious kinds first, up to `lost_n`.
    fn lost(&self, out: &mut Out, lost_n: usize) -> Result<()> {
        let (s, style) = (self.s, self.style);
        let groups = s.lost_groups(lost_n);
        let shown = groups.len();
        let rows: Vec<Vec<Cell>> = groups
            .into_iter()
            .map(|(k, g)| {
                let user = if k.impersonated.is_empty() {
                    k.user.clone()
                } else {
                    format!("{} as {}", k.user, k.impersonated)
                };
                vec![
                    num(g.count),
                    Cell::new(human_time(g.first, style.local)),
                    Cell::new(user),
                    Cell::new(k.verb.clone()),
                    Cell::new(k.resource.clone()),
                    Cell::new(k.object.clone()),
                    match k.code {
                        Some(c) => Cell::num(c.to_string()).tone(Tone::of_code(Some(c))),
                        None => Cell::num("-").tone(Tone::Dim),
                    },
                    Cell::new(kind_names(k.kinds).join(",")),
                    Cell::new(rule_label(k.rule)),
                ]
            })
            .collect();
        write_rows(
            out,
            rows,
            self.hdr(&[
                "REQUESTS",
                if style.local { "FIRST" } else { "FIRST (UTC)" },
                "USER",
                "VERB",
                "RESOURCE",
                "OBJECT",
                "CODE",
                "KIND",
                "RULE",
            ]),
            style,
            &[true, false, false, false, false, false, true, false, false],
            &[false, false, true, false, true, true, false, false, false],
        )?;
        if shown < s.lost.len() {
            writeln!(
                out,
                "({} of {} groups of requests not recorded, the most serious kinds first; -k 0 for all)",
                thousands(shown as u64),
                thousands(s.lost.len() as u64)
            )?;
        }
        Ok(())
    }
}

/// A rule of the document as a row: label, level, omitted stages, what it matches, volumes.
fn rule_row(r: &Value, wide: bool) -> Vec<Cell> {
    let omit: Vec<&str> = r["omitStages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let matches = r["matches"].as_str().unwrap_or("");
    let label = match r["rule"].as_u64() {
        Some(i) => format!("[{i}]"),
        None => "none".into(),
    };
    vec![
        Cell::new(label),
        Cell::new(r["level"].as_str().unwrap_or("")),
        Cell::new(if omit.is_empty() {
            "-".to_string()
        } else {
            StageSet(
                omit.iter()
                    .filter_map(|o| Stage::ALL.iter().find(|s| s.name() == *o))
                    .fold(0u8, |a, s| a | (1 << *s as u8)),
            )
            .short()
        }),
        Cell::new(if wide {
            matches.to_string()
        } else {
            elide_middle(matches, MATCHES_WIDTH)
        }),
        num(u(&r["requests"])),
        num(u(&r["eventsNow"])),
        num(u(&r["events"])),
        bytes(u(&r["bytesNow"])),
        at_least(u(&r["bytes"]), u(&r["eventsWithUnknownBodies"])),
        Cell::num(change(u(&r["bytesNow"]), u(&r["bytes"]))),
    ]
}
