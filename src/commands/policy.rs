//! `kaudit policy check POLICY [--logs PATH...]`: load a policy file as kube-apiserver v1.20
//! does (`policy::Policy::parse`), report the server's rejections (each naming its rule, in the
//! server's words), then the warnings of the model (what the server accepts silently), then
//! the lints (`policy::lint`). With `--logs`, the policy is run over the requests of those
//! logs (first match per request, `Policy::level_for`) and the rules that match none are
//! reported too. Exit codes: 2 when the server would refuse the policy (or the file or a log
//! cannot be read), 3 with `--fail-on-lint` when there is a warning or a lint, 0 otherwise.
//!
//! `kaudit policy simulate POLICY [FILTERS] [PATH...]`: every request of the logs through the
//! policy (`policy::simulate`), folded in the workers into per-rule, per-level, per-stage,
//! per-user and per-resource volumes (requests, events and bytes, now and simulated) and the
//! groups of requests of interest that the policy would no longer record. Exit codes as every
//! scan (0 requests simulated, 1 none), and 2 when the server would refuse the policy.

use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context as _, Result};
use serde_json::{Value, json};

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use crate::cli::{CheckFormat, Format, PolicyCheckArgs, PolicySimulateArgs};
use crate::commands::Outcome;
use crate::config::Config;
use crate::correlate::Request;
use crate::event::{Stage, Ts};
use crate::policy::lint::{self, Lint};
use crate::policy::simulate::{self, Simulated};
use crate::policy::{Attrs, Level, Policy, Problem, Severity};
use crate::render::heading;
use crate::render::table::write_rows;
use crate::render::{Cell, Style, Tone, human_time, machine_time, thousands};
use crate::scan::{self, Flow, Sink};
use crate::term::{Diag, Out};

/// Why `--logs` cannot see everything.
const LOGS_NOTE: &str = "requests that the logs' own policy did not record (level None) are not seen, so a rule for them matches nothing here: try the policy on logs written at a broad level (every request at Metadata or above)";

/// Per-rule request counts over the logs.
struct Usage {
    policy: Arc<Policy>,
    counts: Vec<u64>,
    unmatched: u64,
    requests: u64,
}

impl Usage {
    fn count(&mut self, r: &Request<'_>) {
        self.requests += 1;
        match self.policy.level_for(&Attrs::from_request(r)).0 {
            Some(i) => self.counts[i] += 1,
            None => self.unmatched += 1,
        }
    }
}

impl Sink for Usage {
    type Part = Usage;
    fn part(&self) -> Usage {
        Usage {
            policy: self.policy.clone(),
            counts: vec![0; self.counts.len()],
            unmatched: 0,
            requests: 0,
        }
    }
    const COMMUTATIVE: bool = true;
    const FOLDS: bool = true;
    fn fold(part: &mut Usage, r: &Request<'_>) -> bool {
        part.count(r);
        true
    }
    fn absorb(&mut self, p: Usage) {
        for (a, b) in self.counts.iter_mut().zip(p.counts) {
            *a += b;
        }
        self.unmatched += p.unmatched;
        self.requests += p.requests;
    }
    fn request(&mut self, r: Request<'_>) -> Result<Flow> {
        self.count(&r);
        Ok(Flow::More)
    }
}

/// What `--logs` found.
struct Logs {
    counts: Vec<u64>,
    unmatched: u64,
    requests: u64,
}

pub fn check(
    args: &PolicyCheckArgs,
    cfg: Option<&Config>,
    diag: &Diag,
    out: &mut Out,
) -> Result<Outcome> {
    let file = &args.policy;
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read policy file {}", file.display()))?;
    let version = args.server_version.get();
    let server = version.server();
    let (policy, problems) = match Policy::parse_for(&text, version) {
        Ok(p) => {
            let w = p.warnings.clone();
            (Some(p), w)
        }
        Err(problems) => (None, problems),
    };
    let errors: Vec<&Problem> = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .collect();
    let warnings: Vec<&Problem> = problems
        .iter()
        .filter(|p| p.severity == Severity::Warning)
        .collect();
    let mut lints = Vec::new();
    let mut logs = None;
    let mut failed = false;
    if let Some(p) = &policy {
        lints = lint::lint(p);
        if let Some(cfg) = cfg {
            let inputs = crate::commands::inputs(&args.input.paths, diag)?;
            let mut usage = Usage {
                policy: Arc::new(p.clone()),
                counts: vec![0; p.rules.len()],
                unmatched: 0,
                requests: 0,
            };
            let stats = scan::run(&inputs, cfg, false, diag, &mut usage)?;
            failed = crate::commands::outcome(&stats, cfg, diag, true) == Outcome::Failed;
            for (i, n) in usage.counts.iter().enumerate() {
                if *n == 0 {
                    lints.push(Lint {
                        rule: Some(i),
                        kind: "no-match-in-logs",
                        message: format!(
                            "rules[{i}] matched none of the {} request(s) in the logs (each request is counted for the first rule it matches)",
                            thousands(usage.requests)
                        ),
                    });
                }
            }
            logs = Some(Logs {
                counts: usage.counts,
                unmatched: usage.unmatched,
                requests: usage.requests,
            });
        }
    }
    let written = check_report(
        args,
        server,
        policy.as_ref(),
        (&errors, &warnings, &lints),
        logs.as_ref(),
        out,
    );
    if policy.is_none() {
        // the API server would refuse it: no lints were run, nothing to alert on
        written?;
        return Ok(Outcome::Failed);
    }
    // an unreadable --logs input does not hide a warning or lint (README, "Exit codes")
    let alert = args.fail_on_lint && !(warnings.is_empty() && lints.is_empty());
    let base = if failed {
        Outcome::Failed
    } else {
        Outcome::Matched
    };
    crate::commands::with_alert(alert, base, written, diag)
}

/// What `policy check` prints: the JSON document or the text report.
fn check_report(
    args: &PolicyCheckArgs,
    server: &str,
    policy: Option<&Policy>,
    (errors, warnings, lints): (&[&Problem], &[&Problem], &[Lint]),
    logs: Option<&Logs>,
    out: &mut Out,
) -> Result<()> {
    let file = &args.policy;
    match args.output {
        CheckFormat::Json => {
            let problem =
                |p: &&Problem| json!({"rule": p.rule, "field": p.field, "message": p.message});
            let doc = json!({
                "valid": policy.is_some(),
                "server": server,
                "rules": policy.map(|p| p.rules.len()),
                "errors": errors.iter().map(problem).collect::<Vec<_>>(),
                "warnings": warnings.iter().map(problem).collect::<Vec<_>>(),
                "lints": lints.iter().map(|l| json!({"rule": l.rule, "kind": l.kind, "message": l.message})).collect::<Vec<_>>(),
                "logs": logs.map(|l| json!({
                    "requests": l.requests,
                    "perRule": l.counts,
                    "unmatched": l.unmatched,
                    "note": LOGS_NOTE,
                })).unwrap_or(Value::Null),
            });
            crate::render::json::to_writer_pretty(&mut *out, &doc)?;
            out.write_all(b"\n")?;
        }
        CheckFormat::Text => {
            text_report(file, server, policy, errors, warnings, lints, logs, out)?;
        }
    }
    out.flush()?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn text_report(
    file: &Path,
    server: &str,
    policy: Option<&Policy>,
    errors: &[&Problem],
    warnings: &[&Problem],
    lints: &[Lint],
    logs: Option<&Logs>,
    out: &mut Out,
) -> Result<()> {
    let name = crate::term::sanitize(&file.display().to_string()).into_owned();
    let s = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    match policy {
        None => writeln!(
            out,
            "{name}: rejected: {server} would refuse to load it and not start ({}, {})",
            s(errors.len(), "error", "errors"),
            s(warnings.len(), "warning", "warnings")
        )?,
        Some(p) => writeln!(
            out,
            "{name}: accepted by {server}: {}; {}, {}",
            s(p.rules.len(), "rule", "rules"),
            s(warnings.len(), "warning", "warnings"),
            s(lints.len(), "lint", "lints")
        )?,
    }
    for e in errors {
        writeln!(out, "error: {}", crate::term::sanitize(&e.message))?;
    }
    for w in warnings {
        writeln!(out, "warning: {}", crate::term::sanitize(&w.message))?;
    }
    if policy.is_none() {
        writeln!(
            out,
            "(lints are run once the API server would accept the file)"
        )?;
    }
    for l in lints {
        writeln!(
            out,
            "lint {}: {}",
            l.kind,
            crate::term::sanitize(&l.message)
        )?;
    }
    if let Some(l) = logs {
        let per: Vec<String> = l
            .counts
            .iter()
            .enumerate()
            .map(|(i, n)| format!("[{i}] {}", thousands(*n)))
            .collect();
        writeln!(
            out,
            "logs: {} request(s); first matching rule: {}, none {}",
            thousands(l.requests),
            per.join(", "),
            thousands(l.unmatched)
        )?;
        writeln!(out, "note: {LOGS_NOTE}")?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// kaudit policy simulate

/// Events, bytes and requests: one row of a simulation's tallies.
#[derive(Debug, Clone, Copy, Default)]
struct Volume {
    requests: u64,
    events_now: u64,
    bytes_now: u64,
    events: u64,
    bytes: u64,
    /// Of `events`, those whose bodies are not in the logs (not counted in `bytes`).
    unknown: u64,
}

impl Volume {
    fn add(&mut self, s: &Simulated) {
        self.requests += 1;
        self.events_now += s.events_now;
        self.bytes_now += s.bytes_now;
        self.events += s.events();
        self.bytes += s.bytes;
        self.unknown += s.unknown_bodies;
    }
    fn merge(&mut self, o: &Volume) {
        self.requests += o.requests;
        self.events_now += o.events_now;
        self.bytes_now += o.bytes_now;
        self.events += o.events;
        self.bytes += o.bytes;
        self.unknown += o.unknown;
    }
}

/// The key of a resource as kubectl names it: `pods`, `deployments.apps`, `pods/log`,
/// `deployments.apps/status`; the path (no query) of a non-resource request.
fn resource_key(r: &Request<'_>, key: &mut String) {
    key.clear();
    if r.resource.is_empty() {
        key.push_str(r.request_uri.split('?').next().unwrap_or(""));
        return;
    }
    key.push_str(&r.resource);
    if !r.api_group.is_empty() {
        key.push('.');
        key.push_str(&r.api_group);
    }
    if !r.subresource.is_empty() {
        key.push('/');
        key.push_str(&r.subresource);
    }
}

/// The kinds of request whose loss matters after an incident, in report order.
const KINDS: [&str; 5] = ["write", "secrets", "denied", "exec", "impersonation"];

/// Which of [`KINDS`] a request is (bit i for `KINDS[i]`).
fn kinds_of(r: &Request<'_>) -> u8 {
    let mut k = 0;
    if matches!(
        &*r.verb,
        "create" | "update" | "patch" | "delete" | "deletecollection"
    ) {
        k |= 1;
    }
    if r.resource == "secrets" && r.api_group.is_empty() {
        k |= 2;
    }
    if matches!(r.code, Some(401 | 403)) {
        k |= 4;
    }
    if matches!(&*r.subresource, "exec" | "attach" | "portforward") {
        k |= 8;
    }
    if !r.impersonated_user.is_empty() {
        k |= 16;
    }
    k
}

fn kind_names(k: u8) -> Vec<&'static str> {
    KINDS
        .iter()
        .enumerate()
        .filter(|(i, _)| k & (1 << i) != 0)
        .map(|(_, n)| *n)
        .collect()
}

/// Requests of interest that the policy would not record, alike in all but their time: who,
/// what, the answer, and the rule that drops them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct LostKey {
    user: String,
    impersonated: String,
    verb: String,
    resource: String,
    object: String,
    code: Option<i64>,
    kinds: u8,
    rule: Option<usize>,
}

/// How many such requests, when, and the first one's auditID.
#[derive(Debug, Clone)]
struct LostGroup {
    count: u64,
    first: Option<Ts>,
    last: Option<Ts>,
    /// The auditID of the earliest.
    audit_id: String,
}

impl LostGroup {
    fn merge(&mut self, o: LostGroup) {
        self.count += o.count;
        if (o.first, &o.audit_id) < (self.first, &self.audit_id) {
            self.first = o.first;
            self.audit_id = o.audit_id;
        }
        self.last = self.last.max(o.last);
    }
}

/// Which kind of loss matters most, for ordering: exec first, then impersonation, secrets,
/// denied requests, writes.
fn kind_rank(kinds: u8) -> u8 {
    [8u8, 16, 2, 4, 1]
        .iter()
        .position(|b| kinds & b != 0)
        .unwrap_or(5) as u8
}

/// The tallies of a simulation; also the part each worker fills.
struct Sim {
    policy: Arc<Policy>,
    total: Volume,
    /// Per rule, then one for requests no rule matches.
    rules: Vec<Volume>,
    levels_now: BTreeMap<String, u64>,
    levels: [u64; 4],
    stages_now: [u64; 4],
    stages: [u64; 4],
    users: FxHashMap<String, Volume>,
    /// Per resource (`pods`, `pods/log`, or the path of a non-resource request, as `events`
    /// shows them).
    resources: FxHashMap<String, Volume>,
    /// A scratch buffer for resource keys.
    key: String,
    /// Per kind: requests in the logs, and those the policy would not record.
    kinds_now: [u64; KINDS.len()],
    kinds_lost: [u64; KINDS.len()],
    lost_requests: u64,
    lost: FxHashMap<LostKey, LostGroup>,
    request_bodies_dropped: u64,
    response_bodies_dropped: u64,
    estimated: u64,
    unknown_bodies: u64,
    unknown_body_requests: u64,
    open: u64,
    unsplit: u64,
    not_sized: u64,
}

impl Sim {
    fn new(policy: Arc<Policy>) -> Sim {
        let n = policy.rules.len() + 1;
        Sim {
            policy,
            total: Volume::default(),
            rules: vec![Volume::default(); n],
            levels_now: BTreeMap::new(),
            levels: [0; 4],
            stages_now: [0; 4],
            stages: [0; 4],
            users: FxHashMap::default(),
            resources: FxHashMap::default(),
            key: String::new(),
            kinds_now: [0; KINDS.len()],
            kinds_lost: [0; KINDS.len()],
            lost_requests: 0,
            lost: FxHashMap::default(),
            request_bodies_dropped: 0,
            response_bodies_dropped: 0,
            estimated: 0,
            unknown_bodies: 0,
            unknown_body_requests: 0,
            open: 0,
            unsplit: 0,
            not_sized: 0,
        }
    }

    fn add(&mut self, r: &Request<'_>) {
        let s = simulate::simulate(&self.policy, r);
        self.total.add(&s);
        let rule = s.rule.unwrap_or(self.policy.rules.len());
        self.rules[rule].add(&s);
        let level_now = if r.level.is_empty() {
            "(none)"
        } else {
            &r.level
        };
        match self.levels_now.get_mut(level_now) {
            Some(n) => *n += s.events_now,
            None => {
                self.levels_now.insert(level_now.to_string(), s.events_now);
            }
        }
        self.levels[s.level as usize] += s.events();
        for m in &r.marks {
            self.stages_now[m.stage as usize] += 1;
        }
        self.unsplit += s.unsplit;
        self.not_sized += s.not_sized;
        for st in s.stages.iter() {
            self.stages[st as usize] += 1;
        }
        let user = if r.user.is_empty() {
            "(unauthenticated)"
        } else {
            &r.user
        };
        match self.users.get_mut(user) {
            Some(v) => v.add(&s),
            None => {
                let mut v = Volume::default();
                v.add(&s);
                self.users.insert(user.to_string(), v);
            }
        }
        // the key without an allocation when it is already there (most requests)
        let key = &mut self.key;
        resource_key(r, key);
        match self.resources.get_mut(key.as_str()) {
            Some(v) => v.add(&s),
            None => {
                let mut v = Volume::default();
                v.add(&s);
                self.resources.insert(key.clone(), v);
            }
        }
        let kinds = kinds_of(r);
        let lost = s.outcome_lost;
        for (i, _) in KINDS.iter().enumerate() {
            if kinds & (1 << i) != 0 {
                self.kinds_now[i] += 1;
                if lost {
                    self.kinds_lost[i] += 1;
                }
            }
        }
        if lost && kinds != 0 {
            self.lost_requests += 1;
            let key = LostKey {
                user: if r.user.is_empty() {
                    "(unauthenticated)".to_string()
                } else {
                    r.user.to_string()
                },
                impersonated: r.impersonated_user.to_string(),
                verb: r.verb.to_string(),
                resource: self.key.clone(),
                object: crate::commands::events::object_cell(r),
                code: r.code,
                kinds,
                rule: s.rule,
            };
            let t = r.time();
            let g = LostGroup {
                count: 1,
                first: t,
                last: t,
                audit_id: r.audit_id.to_string(),
            };
            match self.lost.get_mut(&key) {
                Some(x) => x.merge(g),
                None => {
                    self.lost.insert(key, g);
                }
            }
        }
        self.request_bodies_dropped += u64::from(s.request_body_dropped);
        self.response_bodies_dropped += u64::from(s.response_body_dropped);
        self.estimated += s.estimated;
        self.unknown_bodies += s.unknown_bodies;
        self.unknown_body_requests += u64::from(s.unknown_bodies > 0);
        self.open += u64::from(s.open);
    }

    /// The groups of lost requests, most serious first (by kind, then the most requests, then
    /// the earliest); the first `n` (all with 0).
    fn lost_groups(&self, n: usize) -> Vec<(&LostKey, &LostGroup)> {
        let mut v: Vec<_> = self.lost.iter().collect();
        v.sort_by(|a, b| {
            kind_rank(a.0.kinds)
                .cmp(&kind_rank(b.0.kinds))
                .then(b.1.count.cmp(&a.1.count))
                .then((a.1.first, &a.1.audit_id).cmp(&(b.1.first, &b.1.audit_id)))
                .then(a.0.cmp(b.0))
        });
        if n > 0 {
            v.truncate(n);
        }
        v
    }
}

fn merge_map(into: &mut FxHashMap<String, Volume>, from: FxHashMap<String, Volume>) {
    for (k, v) in from {
        into.entry(k).or_default().merge(&v);
    }
}

impl Sink for Sim {
    type Part = Sim;
    fn part(&self) -> Sim {
        Sim::new(self.policy.clone())
    }
    const COMMUTATIVE: bool = true;
    const FOLDS: bool = true;
    fn fold(part: &mut Sim, r: &Request<'_>) -> bool {
        part.add(r);
        true
    }
    fn absorb(&mut self, p: Sim) {
        self.total.merge(&p.total);
        for (a, b) in self.rules.iter_mut().zip(&p.rules) {
            a.merge(b);
        }
        for (k, n) in p.levels_now {
            *self.levels_now.entry(k).or_default() += n;
        }
        for i in 0..4 {
            self.levels[i] += p.levels[i];
            self.stages_now[i] += p.stages_now[i];
            self.stages[i] += p.stages[i];
        }
        merge_map(&mut self.users, p.users);
        merge_map(&mut self.resources, p.resources);
        for i in 0..KINDS.len() {
            self.kinds_now[i] += p.kinds_now[i];
            self.kinds_lost[i] += p.kinds_lost[i];
        }
        self.lost_requests += p.lost_requests;
        for (k, g) in p.lost {
            match self.lost.get_mut(&k) {
                Some(x) => x.merge(g),
                None => {
                    self.lost.insert(k, g);
                }
            }
        }
        self.request_bodies_dropped += p.request_bodies_dropped;
        self.response_bodies_dropped += p.response_bodies_dropped;
        self.estimated += p.estimated;
        self.unknown_bodies += p.unknown_bodies;
        self.unknown_body_requests += p.unknown_body_requests;
        self.open += p.open;
        self.unsplit += p.unsplit;
        self.not_sized += p.not_sized;
    }
    fn request(&mut self, r: Request<'_>) -> Result<Flow> {
        self.add(&r);
        Ok(Flow::More)
    }
}

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

fn simulate_document(
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

pub fn simulate(
    args: &PolicySimulateArgs,
    cfg: &Config,
    diag: &Diag,
    out: &mut Out,
) -> Result<Outcome> {
    if matches!(
        args.output.output,
        Format::Raw | Format::Csv | Format::Ndjson
    ) {
        crate::commands::reject_format(args.output.output, "policy simulate")?;
    }
    let file = &args.policy;
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read policy file {}", file.display()))?;
    let version = args.server_version.get();
    let policy = match Policy::parse_for(&text, version) {
        Ok(p) => p,
        Err(problems) => {
            for p in problems.iter().filter(|p| p.severity == Severity::Error) {
                diag.error(&format!(
                    "{}: {}",
                    crate::term::sanitize(&file.display().to_string()),
                    p.message
                ));
            }
            anyhow::bail!(
                "{} would refuse to load {} (kaudit policy check shows every problem)",
                version.server(),
                file.display()
            );
        }
    };
    for w in &policy.warnings {
        diag.warn(&w.message);
    }
    let inputs = crate::commands::inputs(&args.input.paths, diag)?;
    let n = args.output.limit.unwrap_or(10);
    let lost_n = args.output.limit.unwrap_or(20);
    let mut sim = Sim::new(Arc::new(policy.clone()));
    let stats = scan::run(&inputs, cfg, true, diag, &mut sim)?;
    let doc = simulate_document(file, &policy, &sim, n, lost_n, !cfg.filter.is_empty());
    let style = Style::new(cfg, &args.output);
    match args.output.output {
        Format::Json => {
            crate::render::json::to_writer_pretty(&mut *out, &doc)?;
            out.write_all(b"\n")?;
        }
        f => simulate_tables(out, &doc, &sim, lost_n, &style, f == Format::Wide)?,
    }
    out.flush()?;
    Ok(crate::commands::outcome(
        &stats,
        cfg,
        diag,
        sim.total.requests > 0,
    ))
}

/// The widest a rule's MATCHES cell is (elided in the middle; `-o wide` and JSON show it whole).
const MATCHES_WIDTH: usize = 90;

fn simulate_tables(
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
