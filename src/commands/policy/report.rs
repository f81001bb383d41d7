//! What `kaudit policy simulate` prints: the JSON document of a simulation (volumes now and
//! simulated, per rule, level, stage, user and resource; the requests of interest not recorded;
//! notes on what the figures cannot show), and the tables made from it. It does not simulate
//! (`simulate.rs`).

use std::io::Write as _;
use std::path::Path;

use anyhow::Result;
use serde_json::{Value, json};

use rustc_hash::FxHashMap;

use super::simulate::{KINDS, Sim, Volume, kind_names};
use crate::event::Stage;
use crate::policy::{Level, Policy};
use crate::render::heading;
use crate::render::table::write_rows;
use crate::render::{Cell, Style, Tone, human_time, machine_time, thousands};
use crate::term::Out;

/// Bytes for people: `812 B`, `3.4 MiB`.
fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    // 1000 KiB and up is written in MiB (`1.0 MiB`): four digits before the point read badly
    while v >= 1000.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// `-45.2%`, `+3.0%`, `new` (nothing now), `-` (nothing either way).
fn change(now: u64, new: u64) -> String {
    if now == 0 {
        return if new == 0 { "-".into() } else { "new".into() };
    }
    let p = (new as f64 - now as f64) * 100.0 / now as f64;
    if p.abs() < 0.05 {
        "0%".into()
    } else {
        format!("{p:+.1}%")
    }
}

fn ratio(now: u64, new: u64) -> Value {
    if now == 0 {
        Value::Null
    } else {
        json!(((new as f64 / now as f64) * 10_000.0).round() / 10_000.0)
    }
}

fn volume_json(v: &Volume) -> Value {
    json!({
        "requests": v.requests,
        "eventsNow": v.events_now,
        "bytesNow": v.bytes_now,
        "events": v.events,
        "bytes": v.bytes,
        "bytesRatio": ratio(v.bytes_now, v.bytes),
        "eventsWithUnknownBodies": v.unknown,
    })
}

/// The `n` entries with the most bytes under the policy (then the most now, then by name); all
/// with 0.
fn top_by_bytes(m: &FxHashMap<String, Volume>, n: usize) -> Vec<(&str, &Volume)> {
    let mut v: Vec<(&str, &Volume)> = m.iter().map(|(k, v)| (k.as_str(), v)).collect();
    v.sort_by(|a, b| {
        b.1.bytes
            .cmp(&a.1.bytes)
            .then(b.1.bytes_now.cmp(&a.1.bytes_now))
            .then(a.0.cmp(b.0))
    });
    if n > 0 {
        v.truncate(n);
    }
    v
}

/// What the figures cannot show, in words; empty when they are exact.
fn simulate_notes(s: &Sim) -> Vec<String> {
    let mut notes = vec![
        "only requests the logs hold are simulated: those the logs' own policy did not record (level None) are not seen".to_string(),
    ];
    if s.unknown_bodies > 0 {
        notes.push(format!(
            "{} event(s) of {} request(s) would record a request or response body that the logs lack (they were logged at a lower level): counted without it, so the simulated bytes are a lower bound",
            thousands(s.unknown_bodies),
            thousands(s.unknown_body_requests)
        ));
    }
    if s.estimated > 0 {
        notes.push(format!(
            "{} event(s) of a stage the logs do not hold (omitted by their policy) were sized from another event of the same request",
            thousands(s.estimated)
        ));
    }
    if s.open > 0 {
        notes.push(format!(
            "{} request(s) had not ended in the logs: their final event is counted neither now nor simulated",
            thousands(s.open)
        ));
    }
    if s.not_sized > 0 {
        notes.push(format!(
            "{} event(s) of a stage the logs do not hold could not be sized (the request's other events are in another input format): counted as events, not in bytes",
            thousands(s.not_sized)
        ));
    }
    if s.unsplit > 0 {
        notes.push(format!(
            "{} event(s) are not the API server's JSON lines (another input format): weighed as they are, bodies included",
            thousands(s.unsplit)
        ));
    }
    notes
}

fn rule_label(i: Option<usize>) -> String {
    i.map_or_else(|| "none".to_string(), |i| format!("[{i}]"))
}

fn stage_list(s: crate::event::StageSet) -> Vec<&'static str> {
    s.iter().map(|st| st.name()).collect()
}

pub(super) fn simulate_document(
    file: &Path,
    policy: &Policy,
    s: &Sim,
    n: usize,
    lost_n: usize,
    filtered: bool,
) -> Value {
    let rules: Vec<Value> = s
        .rules
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let (rule, level, omit, matches) = match policy.rules.get(i) {
                Some(r) => (
                    json!(i),
                    r.level,
                    policy.omit_stages.union(r.omit_stages),
                    r.summary(),
                ),
                None => (
                    Value::Null,
                    Level::None,
                    policy.omit_stages,
                    "no rule (the default level)".to_string(),
                ),
            };
            let mut o = volume_json(v);
            let m = o.as_object_mut().expect("an object");
            m.insert("rule".into(), rule);
            m.insert("level".into(), json!(level.name()));
            m.insert("omitStages".into(), json!(stage_list(omit)));
            m.insert("matches".into(), json!(matches));
            o
        })
        .collect();
    let named = |m: &FxHashMap<String, Volume>| -> Vec<Value> {
        top_by_bytes(m, n)
            .into_iter()
            .map(|(k, v)| {
                let mut o = volume_json(v);
                o.as_object_mut()
                    .expect("an object")
                    .insert("name".into(), json!(k));
                o
            })
            .collect()
    };
    let stages = |a: &[u64; 4]| -> serde_json::Map<String, Value> {
        Stage::ALL
            .iter()
            .map(|st| (st.name().to_string(), json!(a[*st as usize])))
            .collect()
    };
    let levels: serde_json::Map<String, Value> = Level::ALL
        .iter()
        .skip(1)
        .map(|l| (l.name().to_string(), json!(s.levels[*l as usize])))
        .collect();
    let kinds: Vec<Value> = KINDS
        .iter()
        .enumerate()
        .map(
            |(i, k)| json!({"kind": k, "requests": s.kinds_now[i], "notRecorded": s.kinds_lost[i]}),
        )
        .collect();
    let lost: Vec<Value> = s
        .lost_groups(lost_n)
        .into_iter()
        .map(|(k, g)| {
            json!({
                "requests": g.count,
                "first": machine_time(g.first),
                "last": machine_time(g.last),
                "firstAuditID": g.audit_id,
                "user": k.user,
                "impersonatedUser": if k.impersonated.is_empty() { Value::Null } else { json!(k.impersonated) },
                "verb": k.verb,
                "resource": k.resource,
                "object": k.object,
                "code": k.code,
                "kinds": kind_names(k.kinds),
                "rule": k.rule,
            })
        })
        .collect();
    json!({
        "version": 1,
        "policy": file.display().to_string(),
        "server": policy.version.server(),
        "filtered": filtered,
        "requests": s.total.requests,
        "now": {
            "events": s.total.events_now,
            "bytes": s.total.bytes_now,
            "eventsByLevel": s.levels_now,
            "eventsByStage": stages(&s.stages_now),
        },
        "simulated": {
            "events": s.total.events,
            "bytes": s.total.bytes,
            "bytesRatio": ratio(s.total.bytes_now, s.total.bytes),
            "eventsByLevel": levels,
            "eventsByStage": stages(&s.stages),
            "estimatedEvents": s.estimated,
            "eventsWithUnknownBodies": s.unknown_bodies,
            "requestsWithUnknownBodies": s.unknown_body_requests,
            "lowerBound": s.unknown_bodies > 0,
        },
        "rules": rules,
        "topUsers": named(&s.users),
        "topResources": named(&s.resources),
        "notRecorded": {
            "kinds": kinds,
            "requests": s.lost_requests,
            "groups": s.lost.len(),
            "shown": lost.len(),
            "list": lost,
            "requestBodiesDropped": s.request_bodies_dropped,
            "responseBodiesDropped": s.response_bodies_dropped,
        },
        "openRequests": s.open,
        "notes": simulate_notes(s),
    })
}

/// The widest a rule's MATCHES cell is (elided in the middle; `-o wide` and JSON show it whole).
const MATCHES_WIDTH: usize = 90;

pub(super) fn simulate_tables(
    out: &mut Out,
    doc: &Value,
    s: &Sim,
    lost_n: usize,
    style: &Style,
    wide: bool,
) -> Result<()> {
    let u = |v: &Value| v.as_u64().unwrap_or(0);
    let num = |n: u64| Cell::num(thousands(n));
    let bytes = |n: u64| Cell::num(human_bytes(n));
    // simulated bytes without bodies the logs lack: at least that much
    let at_least = |n: u64, unknown: u64| {
        Cell::num(if unknown > 0 {
            format!(">= {}", human_bytes(n))
        } else {
            human_bytes(n)
        })
    };
    let hdr = |h: &[&str]| {
        style
            .headers
            .then(|| h.iter().map(|x| Cell::new(*x)).collect())
    };
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

    heading(
        out,
        style,
        "Rules (each request counted for the first rule it matches)",
    )?;
    let mut rows = Vec::new();
    for r in doc["rules"].as_array().into_iter().flatten() {
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
        rows.push(vec![
            Cell::new(label),
            Cell::new(r["level"].as_str().unwrap_or("")),
            Cell::new(if omit.is_empty() {
                "-".to_string()
            } else {
                crate::event::StageSet(
                    omit.iter()
                        .filter_map(|o| Stage::ALL.iter().find(|s| s.name() == *o))
                        .fold(0u8, |a, s| a | (1 << *s as u8)),
                )
                .short()
            }),
            Cell::new(if wide {
                matches.to_string()
            } else {
                crate::render::table::elide_middle(matches, MATCHES_WIDTH)
            }),
            num(u(&r["requests"])),
            num(u(&r["eventsNow"])),
            num(u(&r["events"])),
            bytes(u(&r["bytesNow"])),
            at_least(u(&r["bytes"]), u(&r["eventsWithUnknownBodies"])),
            Cell::num(change(u(&r["bytesNow"]), u(&r["bytes"]))),
        ]);
    }
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
    write_rows(
        out,
        rows,
        hdr(&[
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
        style,
        &[
            false, false, false, false, true, true, true, true, true, true,
        ],
        &[
            false, false, false, true, false, false, false, false, false, false,
        ],
    )?;
    writeln!(
        out,
        "(OMIT: stages not written, RR RequestReceived, RS ResponseStarted, RC ResponseComplete)"
    )?;
    writeln!(out)?;

    heading(out, style, "Events by level and stage")?;
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
        hdr(&["LEVEL / STAGE", "EVENTS NOW", "EVENTS"]),
        style,
        &[false, true, true],
        &[false, false, false],
    )?;
    writeln!(out)?;

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
        heading(out, style, title)?;
        let rows: Vec<Vec<Cell>> = doc[key]
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
            hdr(&[col, "REQUESTS", "BYTES NOW", "BYTES", "CHANGE"]),
            style,
            &[false, true, true, true, true],
            &[true, false, false, false, false],
        )?;
        writeln!(out)?;
    }

    heading(out, style, "Evidence the policy would no longer record")?;
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
        hdr(&["KIND", "IN THE LOGS", "NOT RECORDED"]),
        style,
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
    if !s.lost.is_empty() {
        writeln!(out)?;
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
            hdr(&[
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
                "({} of {} groups of requests not recorded, the most serious kinds first; --limit N, 0 for all)",
                thousands(shown as u64),
                thousands(s.lost.len() as u64)
            )?;
        }
    }
    writeln!(out)?;
    for n in doc["notes"].as_array().into_iter().flatten() {
        writeln!(out, "note: {}", n.as_str().unwrap_or(""))?;
    }
    Ok(())
}
