//! What `kaudit policy simulate` prints: the JSON document of a simulation (volumes now and
//! simulated, per rule, level, stage, user and resource; the requests of interest not recorded;
//! notes on what the figures cannot show), and the tables made from it. It does not simulate
//! (`simulate.rs`). The tables are in `tables.rs`; the helpers they share with the document
//! (bytes, change, rule labels) here.

mod tables;

use std::path::Path;

use serde_json::{Value, json};

use rustc_hash::FxHashMap;

use super::simulate::{KINDS, Sim, Volume, kind_names};
use crate::event::Stage;
use crate::policy::{Level, Policy};
use crate::render::{machine_time, thousands};

pub(super) use tables::simulate_tables;

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

/// The JSON document of a simulation: totals now and simulated, per rule, top users and
/// resources, the requests not recorded, notes.
pub(super) fn simulate_document(
    file: &Path,
    policy: &Policy,
    s: &Sim,
    n: usize,
    lost_n: usize,
    filtered: bool,
) -> Value {
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
    let lost = lost_json(s, lost_n);
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
        "rules": rules_json(policy, s),
        "topUsers": top_json(&s.users, n),
        "topResources": top_json(&s.resources, n),
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

/// Each rule's volumes with its index, level, omitted stages and what it matches; last, the
/// requests no rule matches (the default level).
fn rules_json(policy: &Policy, s: &Sim) -> Vec<Value> {
    s.rules
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
        .collect()
}

/// The `n` users or resources with the most bytes under the policy, each with its name.
fn top_json(m: &FxHashMap<String, Volume>, n: usize) -> Vec<Value> {
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
}

/// The first `lost_n` groups of requests not recorded (0: all), the most serious kinds first.
fn lost_json(s: &Sim, lost_n: usize) -> Vec<Value> {
    s.lost_groups(lost_n)
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
        .collect()
}
