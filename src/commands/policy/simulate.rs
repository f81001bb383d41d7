//! `kaudit policy simulate POLICY [FILTERS] [PATH...]`: every request of the logs through the
//! policy ([`crate::policy::simulate`]), folded in the workers into per-rule, per-level,
//! per-stage, per-user and per-resource volumes, and the groups of requests of interest
//! (writes, secrets, denied, exec, impersonation) that the policy would no longer record. It
//! does not print them (`report/`).

use std::collections::BTreeMap;
use std::io::Write as _;
use std::sync::Arc;

use anyhow::{Context as _, Result};
use rustc_hash::FxHashMap;

use super::report::{simulate_document, simulate_tables};
use crate::cli::{PolicySimulateArgs, ReportFormat};
use crate::commands::Outcome;
use crate::config::Config;
use crate::correlate::Request;
use crate::event::Ts;
use crate::policy::simulate::{self, Simulated};
use crate::policy::{Policy, Severity};
use crate::scan::{self, Flow, Sink};
use crate::term::{Diag, Out};

/// Events, bytes and requests: one row of a simulation's tallies.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Volume {
    pub(super) requests: u64,
    pub(super) events_now: u64,
    pub(super) bytes_now: u64,
    pub(super) events: u64,
    pub(super) bytes: u64,
    /// Of `events`, those whose bodies are not in the logs (not counted in `bytes`).
    pub(super) unknown: u64,
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
pub(super) const KINDS: [&str; 5] = ["write", "secrets", "denied", "exec", "impersonation"];

/// Which of [`KINDS`] a request is (bit i for `KINDS[i]`).
fn kinds_of(r: &Request<'_>) -> u8 {
    let mut k = 0;
    if r.is_write() {
        k |= 1;
    }
    if r.is_secret() {
        k |= 2;
    }
    if matches!(r.code, Some(401 | 403)) {
        k |= 4;
    }
    if r.is_stream() {
        k |= 8;
    }
    if r.impersonates() {
        k |= 16;
    }
    k
}

pub(super) fn kind_names(k: u8) -> Vec<&'static str> {
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
pub(super) struct LostKey {
    pub(super) user: String,
    pub(super) impersonated: String,
    pub(super) verb: String,
    pub(super) resource: String,
    pub(super) object: String,
    pub(super) code: Option<i64>,
    pub(super) kinds: u8,
    pub(super) rule: Option<usize>,
}

/// How many such requests, when, and the first one's auditID.
#[derive(Debug, Clone)]
pub(super) struct LostGroup {
    pub(super) count: u64,
    pub(super) first: Option<Ts>,
    pub(super) last: Option<Ts>,
    /// The auditID of the earliest.
    pub(super) audit_id: String,
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
pub(super) struct Sim {
    policy: Arc<Policy>,
    pub(super) total: Volume,
    /// Per rule, then one for requests no rule matches.
    pub(super) rules: Vec<Volume>,
    pub(super) levels_now: BTreeMap<String, u64>,
    pub(super) levels: [u64; 4],
    pub(super) stages_now: [u64; 4],
    pub(super) stages: [u64; 4],
    pub(super) users: FxHashMap<String, Volume>,
    /// Per resource (`pods`, `pods/log`, or the path of a non-resource request, as `events`
    /// shows them).
    pub(super) resources: FxHashMap<String, Volume>,
    /// A scratch buffer for resource keys.
    key: String,
    /// Per kind: requests in the logs, and those the policy would not record.
    pub(super) kinds_now: [u64; KINDS.len()],
    pub(super) kinds_lost: [u64; KINDS.len()],
    pub(super) lost_requests: u64,
    pub(super) lost: FxHashMap<LostKey, LostGroup>,
    pub(super) request_bodies_dropped: u64,
    pub(super) response_bodies_dropped: u64,
    pub(super) estimated: u64,
    pub(super) unknown_bodies: u64,
    pub(super) unknown_body_requests: u64,
    pub(super) open: u64,
    pub(super) unsplit: u64,
    pub(super) not_sized: u64,
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
                object: r.object_path(),
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
    pub(super) fn lost_groups(&self, n: usize) -> Vec<(&LostKey, &LostGroup)> {
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
    fn combine(into: &mut Sim, from: Sim) {
        into.absorb(from);
    }
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

pub fn simulate(
    args: &PolicySimulateArgs,
    cfg: &Config,
    diag: &Diag,
    out: &mut Out,
) -> Result<Outcome> {
    let file = &args.policy;
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read policy file {}", file.display()))?;
    let version = crate::policy::ServerVersion::from(args.server_version);
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
    // 0 below means all (the report's lists take it so)
    let n = args.limit.rows(Some(10)).unwrap_or(0);
    let lost_n = args.limit.rows(Some(20)).unwrap_or(0);
    let mut sim = Sim::new(Arc::new(policy.clone()));
    let stats = scan::Scan::new(cfg)
        .keep_raw(true)
        .run(&inputs, diag, &mut sim)?;
    let doc = simulate_document(file, &policy, &sim, n, lost_n, !cfg.filter.is_empty());
    let style = crate::commands::style(cfg, &args.output);
    match args.output.output {
        ReportFormat::Json => {
            crate::render::json::to_writer_pretty(&mut *out, &doc)?;
            out.write_all(b"\n")?;
        }
        f => simulate_tables(out, &doc, &sim, lost_n, &style, f == ReportFormat::Wide)?,
    }
    out.flush()?;
    Ok(crate::commands::outcome(
        &stats,
        cfg,
        diag,
        sim.total.requests > 0,
    ))
}
