//! `kaudit tokens`: credentials as identities. Since Kubernetes 1.30 every request names the
//! credential it was authenticated with (`user.extra["authentication.kubernetes.io/credential-id"]`:
//! `JTI=<uuid>` for a service-account token, `X509SHA256=<hash>` for a client certificate), and a
//! TokenRequest's response names the token it issued (`authentication.kubernetes.io/issued-
//! credential-id`). This command joins the two: for each credential used by a matching request,
//! who issued it, when, for which service account, and who used it, from where and with what
//! result: "token issued by X at T was used by Y from Z". That answers "which stolen token did
//! this?" from the log alone.
//!
//! The filters select the *uses*; the issuing TokenRequest is found whatever they say (the scan
//! is unfiltered, the sink filters the uses itself). A token issued by a matching TokenRequest
//! and never used is listed too. The distinct users, addresses, agents and pods kept per
//! credential are the smallest [`MAX_VALUES`] of each (a total order, so the same in any part
//! order), with a flag when there were more; the evidence auditIDs the first [`MAX_IDS`] uses.
//!
//! One typed row ([`Row`], serde) is the model of every format: JSON and NDJSON serialize it,
//! CSV and tables are read from the same fields.

use std::collections::BTreeSet;
use std::io::Write;

use anyhow::Result;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::cli::{Format, TokensArgs};
use crate::commands::{Outcome, outcome};
use crate::config::Config;
use crate::correlate::Request;
use crate::correlate::meaning::ISSUED_CREDENTIAL_ID;
use crate::event::Ts;
use crate::filter::Filter;
use crate::render::table::write_rows;
use crate::render::{Cell, Style, Table, Tone, human_time, thousands};
use crate::scan::{self, Flow, Sink};
use crate::term::{Diag, Out};

/// Distinct values kept per list of a credential (users, addresses, agents, pods).
const MAX_VALUES: usize = 32;
/// Evidence auditIDs kept per credential: its first uses.
const MAX_IDS: usize = 10;

/// The `user.extra` key of the pod a bound service-account token was issued for.
const POD_NAME: &str = "authentication.kubernetes.io/pod-name";

/// The smallest [`MAX_VALUES`] distinct values seen, and whether there were more.
#[derive(Debug, Default, Clone)]
struct Values {
    set: BTreeSet<String>,
    more: bool,
}

impl Values {
    fn add(&mut self, v: &str) {
        if v.is_empty() || self.set.contains(v) {
            return;
        }
        if self.set.len() == MAX_VALUES {
            self.more = true;
            if self.set.last().is_some_and(|l| l.as_str() < v) {
                return;
            }
            self.set.pop_last();
        }
        self.set.insert(v.to_string());
    }
    fn absorb(&mut self, o: Values) {
        self.more |= o.more;
        for v in o.set {
            self.add(&v);
        }
    }
    fn list(&self) -> Vec<String> {
        self.set.iter().cloned().collect()
    }
}

/// The uses of one credential by matching requests.
#[derive(Debug, Default)]
struct Uses {
    requests: u64,
    denied: u64,
    first: Option<Ts>,
    last: Option<Ts>,
    users: Values,
    /// Users the credential's holder impersonated with it.
    impersonated: Values,
    ips: Values,
    agents: Values,
    pods: Values,
    /// (received, auditID) of the first uses.
    ids: Vec<(Option<Ts>, String)>,
}

impl Uses {
    fn add(&mut self, r: &Request) {
        self.requests += 1;
        if r.code.is_some_and(|c| c == 401 || c == 403) {
            self.denied += 1;
        }
        let t = r.time();
        if t.is_some() {
            self.first = min_time(self.first, t);
            self.last = self.last.max(t);
        }
        self.users.add(&r.user);
        self.impersonated.add(&r.impersonated_user);
        self.ips.add(r.source_ip());
        self.agents.add(&r.user_agent);
        for (k, v) in &r.extra {
            if k == POD_NAME {
                for p in v {
                    self.pods.add(p);
                }
            }
        }
        self.ids.push((t, r.audit_id.to_string()));
        if self.ids.len() > MAX_IDS * 4 {
            self.trim();
        }
    }
    fn trim(&mut self) {
        self.ids.sort();
        self.ids.dedup();
        self.ids.truncate(MAX_IDS);
    }
    fn absorb(&mut self, o: Uses) {
        self.requests += o.requests;
        self.denied += o.denied;
        self.first = min_time(self.first, o.first);
        self.last = self.last.max(o.last);
        self.users.absorb(o.users);
        self.impersonated.absorb(o.impersonated);
        self.ips.absorb(o.ips);
        self.agents.absorb(o.agents);
        self.pods.absorb(o.pods);
        self.ids.extend(o.ids);
        self.trim();
    }
}

/// The earlier of two times; `None` only when both are.
fn min_time(a: Option<Ts>, b: Option<Ts>) -> Option<Ts> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

/// The TokenRequest that issued a credential.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Issue {
    time: Option<Ts>,
    audit_id: String,
    by: String,
    /// `namespace/name` of the service account.
    service_account: String,
    code: Option<i64>,
    /// The TokenRequest itself matches the filters (an unused token is then listed).
    matched: bool,
}

/// The accumulator, and each worker's part.
pub struct Tokens<'f> {
    filter: Option<&'f Filter>,
    uses: FxHashMap<String, Uses>,
    /// Credential id → its issue (the earliest, should a log hold two).
    issued: FxHashMap<String, Issue>,
    matched: u64,
}

impl Tokens<'_> {
    fn add(&mut self, r: &Request, matched: bool) {
        if r.resource == "serviceaccounts"
            && r.subresource == "token"
            && r.verb == "create"
            && let Some(id) = r.annotation(ISSUED_CREDENTIAL_ID)
            && !id.is_empty()
        {
            let issue = Issue {
                time: r.time(),
                audit_id: r.audit_id.to_string(),
                by: r.effective_user().to_string(),
                service_account: format!("{}/{}", r.namespace, r.name),
                code: r.code,
                matched,
            };
            let slot = self
                .issued
                .entry(id.to_string())
                .or_insert_with(|| issue.clone());
            if issue < *slot {
                *slot = issue;
            }
        }
        if !matched {
            return;
        }
        self.matched += 1;
        let id = r.credential_id();
        if !id.is_empty() {
            self.uses.entry(id.to_string()).or_default().add(r);
        }
    }
}

impl Sink for Tokens<'_> {
    type Part = Tokens<'static>;
    // the issuing TokenRequests are needed whatever the filters select
    const FILTERED: bool = false;
    const PREFILTER: bool = false;
    const FOLDS: bool = true;
    // counts, minima and smallest-N sets: the merge order does not matter
    const COMMUTATIVE: bool = true;
    fn combine(into: &mut Tokens<'static>, from: Tokens<'static>) {
        into.absorb(from);
    }
    fn part(&self) -> Tokens<'static> {
        Tokens {
            filter: None,
            uses: FxHashMap::default(),
            issued: FxHashMap::default(),
            matched: 0,
        }
    }
    fn fold(part: &mut Tokens<'static>, r: &Request<'_>) -> bool {
        part.add(r, true);
        true
    }
    fn fold_unfiltered(part: &mut Tokens<'static>, r: &Request<'_>, filter: &Filter) -> bool {
        part.add(r, filter.matches(r));
        true
    }
    fn absorb(&mut self, p: Tokens<'static>) {
        for (k, u) in p.uses {
            self.uses.entry(k).or_default().absorb(u);
        }
        for (k, i) in p.issued {
            match self.issued.get_mut(&k) {
                Some(slot) if i < *slot => *slot = i,
                Some(_) => {}
                None => {
                    self.issued.insert(k, i);
                }
            }
        }
        self.matched += p.matched;
    }
    fn request(&mut self, r: Request<'_>) -> Result<Flow> {
        let matched = self.filter.is_none_or(|f| f.matches(&r));
        self.add(&r, matched);
        Ok(Flow::More)
    }
}

/// What issued a credential, as written out.
#[derive(Debug, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Issued {
    time: Option<String>,
    by: String,
    service_account: String,
    code: Option<i64>,
    #[serde(rename = "auditID")]
    audit_id: String,
}

/// One credential: the model of every output format.
#[derive(Debug, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    credential_id: String,
    /// `token` (JTI=), `certificate` (X509SHA256=), else the id's prefix.
    kind: String,
    /// The TokenRequest that issued it, when the logs hold it.
    issued: Option<Issued>,
    requests: u64,
    denied: u64,
    first_use: Option<String>,
    last_use: Option<String>,
    /// The authenticated users (the credential's holder).
    users: Vec<String>,
    /// Whom they impersonated with it.
    impersonated_users: Vec<String>,
    #[serde(rename = "sourceIPs")]
    source_ips: Vec<String>,
    user_agents: Vec<String>,
    pods: Vec<String>,
    /// A list was cut to its first [`MAX_VALUES`] values.
    truncated: bool,
    #[serde(rename = "auditIDs")]
    audit_ids: Vec<String>,
}

fn kind(id: &str) -> String {
    match id.split_once('=').map_or("", |(k, _)| k) {
        "JTI" => "token".into(),
        "X509SHA256" => "certificate".into(),
        "" => "-".into(),
        other => other.to_ascii_lowercase(),
    }
}

fn stamp(t: Option<Ts>) -> Option<String> {
    t.map(|t| t.rfc3339())
}

/// Rows in time order: first use (or issue, for an unused token), then credential id.
fn rows(mut t: Tokens) -> Vec<(Option<Ts>, Row)> {
    // uses that came through `request` (incomplete ones, at the end) are not trimmed yet
    for u in t.uses.values_mut() {
        u.trim();
    }
    let mut ids: BTreeSet<&String> = t.uses.keys().collect();
    ids.extend(t.issued.iter().filter(|(_, i)| i.matched).map(|(k, _)| k));
    let mut out: Vec<(Option<Ts>, Row)> = ids
        .into_iter()
        .map(|id| {
            let issue = t.issued.get(id);
            let empty = Uses::default();
            let u = t.uses.get(id).unwrap_or(&empty);
            let when = u.first.or(issue.and_then(|i| i.time));
            let row = Row {
                credential_id: id.clone(),
                kind: kind(id),
                issued: issue.map(|i| Issued {
                    time: stamp(i.time),
                    by: i.by.clone(),
                    service_account: i.service_account.clone(),
                    code: i.code,
                    audit_id: i.audit_id.clone(),
                }),
                requests: u.requests,
                denied: u.denied,
                first_use: stamp(u.first),
                last_use: stamp(u.last),
                users: u.users.list(),
                impersonated_users: u.impersonated.list(),
                source_ips: u.ips.list(),
                user_agents: u.agents.list(),
                pods: u.pods.list(),
                truncated: u.users.more
                    || u.impersonated.more
                    || u.ips.more
                    || u.agents.more
                    || u.pods.more,
                audit_ids: u.ids.iter().map(|(_, a)| a.clone()).collect(),
            };
            (when, row)
        })
        .collect();
    out.sort_by(|a, b| {
        (a.0.is_none(), a.0, &a.1.credential_id).cmp(&(b.0.is_none(), b.0, &b.1.credential_id))
    });
    out
}

pub fn run(args: &TokensArgs, cfg: &Config, diag: &Diag, out: &mut Out) -> Result<Outcome> {
    let inputs = crate::commands::inputs(&args.input.paths, diag)?;
    let mut sink = Tokens {
        filter: Some(&cfg.filter),
        uses: FxHashMap::default(),
        issued: FxHashMap::default(),
        matched: 0,
    };
    let stats = scan::Scan::new(cfg).run(&inputs, diag, &mut sink)?;
    let (matched, with_id) = (
        sink.matched,
        sink.uses.values().map(|u| u.requests).sum::<u64>(),
    );
    let all = rows(sink);
    let any = !all.is_empty();
    let shown: Vec<&(Option<Ts>, Row)> = all.iter().take(args.limit.or(usize::MAX)).collect();
    let style = crate::commands::style(cfg, &args.output);
    match args.output.output {
        Format::Json | Format::Ndjson | Format::Csv => Table {
            format: args.output.output.into(),
            style,
            columns: Vec::new(),
            // every field, `issued` too: the CSV header (`issued.time`, ...)
            template: &Row {
                issued: Some(Issued::default()),
                ..Row::default()
            },
            note: None,
        }
        .emit(out, shown.len(), |i| &shown[i].1)?,
        // (nothing read, or a window after the logs: the error says so, not "no credential ids")
        Format::Table | Format::Wide
            if matched == 0 && crate::commands::nothing_read(&stats, cfg, false).is_some() => {}
        Format::Table | Format::Wide => {
            let wide = args.output.output == Format::Wide;
            table(out, &style, &all, &shown, wide, matched, with_id)?;
        }
    }
    out.flush()?;
    Ok(outcome(&stats, cfg, diag, any))
}

/// The credentials for people: a row each, then a closing line.
fn table(
    out: &mut Out,
    style: &Style,
    all: &[(Option<Ts>, Row)],
    shown: &[&(Option<Ts>, Row)],
    wide: bool,
    matched: u64,
    with_id: u64,
) -> Result<()> {
    let mut h = vec![
        "CREDENTIAL",
        "ISSUED",
        "ISSUED BY",
        "FOR",
        "USED BY",
        "REQUESTS",
        "DENIED",
        "FROM",
        "FIRST USE",
        "LAST USE",
    ];
    if wide {
        h.extend(["IMPERSONATED", "PODS", "USER AGENTS", "FIRST AUDIT ID"]);
    }
    let cells: Vec<Vec<Cell>> = shown
        .iter()
        .map(|(_, r)| credential_row(r, wide, style.local))
        .collect();
    let mut right = vec![
        false, false, false, false, false, true, true, false, false, false,
    ];
    let mut flex = vec![
        true, false, true, false, true, false, false, true, false, false,
    ];
    if wide {
        right.extend([false, false, false, false]);
        flex.extend([true, true, true, false]);
    }
    if cells.is_empty() {
        writeln!(
            out,
            "No credential ids in the {} matching request(s): user.extra[\"authentication.kubernetes.io/credential-id\"] is written by Kubernetes 1.30 and later",
            thousands(matched)
        )?;
        return Ok(());
    }
    write_rows(
        out,
        cells,
        style
            .headers
            .then(|| h.iter().map(|s| Cell::new(*s)).collect()),
        style,
        &right,
        &flex,
    )?;
    closing_line(out, all, shown.len(), matched, with_id)
}

/// A credential's row: id, issue (time, by whom, for which service account), users, requests,
/// denied, addresses, first and last use; with `wide`, impersonated users, pods, agents and
/// its first auditID.
fn credential_row(r: &Row, wide: bool, local: bool) -> Vec<Cell> {
    let time = |t: &Option<String>| human_time(t.as_deref().and_then(Ts::parse), local);
    let i = r.issued.as_ref();
    let list = |v: &[String]| {
        let mut s = v.join(", ");
        if r.truncated && v.len() == MAX_VALUES {
            s.push_str(", ...");
        }
        if s.is_empty() { "-".into() } else { s }
    };
    let mut c = vec![
        Cell::new(r.credential_id.clone()),
        Cell::new(i.map_or_else(|| "-".into(), |i| time(&i.time))),
        Cell::new(i.map_or("-", |i| i.by.as_str()).to_string()),
        Cell::new(i.map_or("-", |i| i.service_account.as_str()).to_string()),
        Cell::new(list(&r.users)),
        Cell::num(thousands(r.requests)),
        Cell::num(thousands(r.denied)).tone(if r.denied > 0 { Tone::Bad } else { Tone::Plain }),
        Cell::new(list(&r.source_ips)),
        Cell::new(time(&r.first_use)),
        Cell::new(time(&r.last_use)),
    ];
    if wide {
        c.extend([
            Cell::new(list(&r.impersonated_users)),
            Cell::new(list(&r.pods)),
            Cell::new(list(&r.user_agents)),
            Cell::new(r.audit_ids.first().cloned().unwrap_or_else(|| "-".into())),
        ]);
    }
    c
}

/// Below the table: credentials used, by how many of the matching requests, how many issued
/// in these logs, and the rows `--limit` left out.
fn closing_line(
    out: &mut Out,
    all: &[(Option<Ts>, Row)],
    shown: usize,
    matched: u64,
    with_id: u64,
) -> Result<()> {
    let issued_seen = all.iter().filter(|(_, r)| r.issued.is_some()).count();
    writeln!(
        out,
        "{} credential(s) used by {} of {} matching request(s); {} issued by a TokenRequest in these logs{}",
        thousands(all.iter().filter(|(_, r)| r.requests > 0).count() as u64),
        thousands(with_id),
        thousands(matched),
        thousands(issued_seen as u64),
        if shown < all.len() {
            format!("; {} of {} rows shown (-k 0 for all)", shown, all.len())
        } else {
            String::new()
        }
    )?;
    Ok(())
}
