//! Group-by accumulation shared by `who`, `what`, `where` and `top`: a key made of request
//! fields, and per group the request counts, denials, failures, first/last time, the distinct
//! values of other fields a command asks for, and latencies for percentiles.
//!
//! Workers fill one [`Groups`] per chunk (the scan's per-chunk part); parts are merged in chunk
//! order. Output is one table/JSON/CSV writer for all of these commands ([`emit`]). This module
//! does not decide what a command shows; each command builds its rows from the groups.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::io::Write;
use std::sync::Arc;

use anyhow::Result;
use rustc_hash::FxHashMap;
use serde_json::{Value, json};

use crate::cli::Format;
use crate::correlate::Request;
use crate::event::{Fields, Ts};
use crate::render::table::write_rows_dropping;
use crate::render::{Cell, Style, Tone, csv::write_record, human_time, machine_time, thousands};
use crate::scan::{Flow, Sink};
use crate::term::Out;

/// A request field rows can be grouped by (`top --by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Field {
    /// The effective user (impersonated user when there is one).
    User,
    /// Each group of the effective user (a request counts once per group).
    Group,
    Verb,
    Resource,
    Subresource,
    Namespace,
    Name,
    Code,
    Decision,
    /// The address that connected to the API server: the last of sourceIPs (the ones before
    /// it come from X-Forwarded-For / X-Real-Ip headers, which a client can set).
    Ip,
    #[value(alias = "userAgent")]
    UserAgent,
    #[value(alias = "apiGroup")]
    ApiGroup,
    Level,
    /// The hour the request was received (UTC).
    Hour,
    /// requestURI without resourceVersion, timeout, timeoutSeconds, watch, allowWatchBookmarks.
    Uri,
}

impl Field {
    pub fn header(self) -> &'static str {
        match self {
            Field::User => "USER",
            Field::Group => "GROUP",
            Field::Verb => "VERB",
            Field::Resource => "RESOURCE",
            Field::Subresource => "SUBRESOURCE",
            Field::Namespace => "NAMESPACE",
            Field::Name => "NAME",
            Field::Code => "CODE",
            Field::Decision => "DECISION",
            Field::Ip => "SOURCE IP",
            Field::UserAgent => "USER AGENT",
            Field::ApiGroup => "API GROUP",
            Field::Level => "LEVEL",
            Field::Hour => "HOUR (UTC)",
            Field::Uri => "URI",
        }
    }

    /// The JSON/CSV name.
    pub fn name(self) -> &'static str {
        match self {
            Field::User => "user",
            Field::Group => "group",
            Field::Verb => "verb",
            Field::Resource => "resource",
            Field::Subresource => "subresource",
            Field::Namespace => "namespace",
            Field::Name => "name",
            Field::Code => "code",
            Field::Decision => "decision",
            Field::Ip => "ip",
            Field::UserAgent => "userAgent",
            Field::ApiGroup => "apiGroup",
            Field::Level => "level",
            Field::Hour => "hour",
            Field::Uri => "uri",
        }
    }

    /// Is this field cut to fit a terminal (free text) rather than kept whole?
    pub fn flexible(self) -> bool {
        !matches!(
            self,
            Field::Verb | Field::Code | Field::Decision | Field::Level | Field::Hour
        )
    }

    /// The values of this field for one request (several for `group`). Absent values read `-`.
    pub fn values<'r>(self, r: &'r Request) -> Vec<Cow<'r, str>> {
        match self.one(r) {
            Some(v) => vec![v],
            None => self.many(r),
        }
    }

    /// The value of a field that has one per request (all but `group`), without a `Vec`.
    pub fn one<'r>(self, r: &'r Request) -> Option<Cow<'r, str>> {
        let dash = |s: &'r str| Cow::Borrowed(if s.is_empty() { "-" } else { s });
        Some(match self {
            Field::User => dash(r.effective_user()),
            Field::Group => return None,
            Field::Verb => dash(&r.verb),
            Field::Resource => {
                if r.resource.is_empty() {
                    dash(r.request_uri.split('?').next().unwrap_or(""))
                } else {
                    Cow::Borrowed(&*r.resource)
                }
            }
            Field::Subresource => dash(&r.subresource),
            Field::Namespace => dash(&r.namespace),
            Field::Name => dash(&r.name),
            Field::Code => r
                .code
                .map_or(Cow::Borrowed("-"), |c| Cow::Owned(c.to_string())),
            Field::Decision => dash(&r.decision),
            Field::Ip => dash(r.source_ips.last().map_or("", |s| &**s)),
            Field::UserAgent => dash(&r.user_agent),
            Field::ApiGroup => Cow::Borrowed(if r.api_group.is_empty() {
                if r.resource.is_empty() { "-" } else { "core" }
            } else {
                &r.api_group
            }),
            Field::Level => dash(&r.level),
            Field::Hour => r.time().map_or(Cow::Borrowed("-"), |t| {
                let s = t.rfc3339();
                Cow::Owned(format!("{} {}:00", &s[..10], &s[11..13]))
            }),
            Field::Uri => Cow::Owned(normalize_uri(&r.request_uri)),
        })
    }

    /// The values of a field with several per request (`group`).
    fn many<'r>(self, r: &'r Request) -> Vec<Cow<'r, str>> {
        let dash = |s: &'r str| Cow::Borrowed(if s.is_empty() { "-" } else { s });
        match self {
            Field::User => vec![dash(r.effective_user())],
            Field::Group => {
                let g = if r.impersonated_user.is_empty() {
                    &r.groups
                } else {
                    &r.impersonated_groups
                };
                if g.is_empty() {
                    vec![Cow::Borrowed("-")]
                } else {
                    g.iter().map(|g| Cow::Borrowed(&**g)).collect()
                }
            }
            Field::Verb => vec![dash(&r.verb)],
            Field::Resource => vec![if r.resource.is_empty() {
                dash(r.request_uri.split('?').next().unwrap_or(""))
            } else {
                Cow::Borrowed(&*r.resource)
            }],
            Field::Subresource => vec![dash(&r.subresource)],
            Field::Namespace => vec![dash(&r.namespace)],
            Field::Name => vec![dash(&r.name)],
            Field::Code => vec![
                r.code
                    .map_or(Cow::Borrowed("-"), |c| Cow::Owned(c.to_string())),
            ],
            Field::Decision => vec![dash(&r.decision)],
            Field::Ip => vec![dash(r.source_ips.last().map_or("", |s| &**s))],
            Field::UserAgent => vec![dash(&r.user_agent)],
            Field::ApiGroup => vec![Cow::Borrowed(if r.api_group.is_empty() {
                if r.resource.is_empty() { "-" } else { "core" }
            } else {
                &r.api_group
            })],
            Field::Level => vec![dash(&r.level)],
            Field::Hour => vec![r.time().map_or(Cow::Borrowed("-"), |t| {
                let s = t.rfc3339();
                Cow::Owned(format!("{} {}:00", &s[..10], &s[11..13]))
            })],
            Field::Uri => vec![Cow::Owned(normalize_uri(&r.request_uri))],
        }
    }
}

/// Query parameters that make the same request look different: dropped for grouping by URI.
const VOLATILE_PARAMS: &[&str] = &[
    "resourceVersion",
    "timeout",
    "timeoutSeconds",
    "watch",
    "allowWatchBookmarks",
];

/// `requestURI` without the volatile query parameters (order of the others kept).
pub fn normalize_uri(uri: &str) -> String {
    let Some((path, query)) = uri.split_once('?') else {
        return uri.to_string();
    };
    let mut kept: Vec<&str> = query
        .split('&')
        .filter(|p| {
            let k = p.split('=').next().unwrap_or("");
            !p.is_empty() && !VOLATILE_PARAMS.contains(&k)
        })
        .collect();
    // the same query in another order is the same request
    kept.sort_unstable();
    if kept.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", kept.join("&"))
    }
}

pub type Counts = FxHashMap<String, u64>;

/// Which distinct values a command wants kept per group.
#[derive(Debug, Clone, Copy, Default)]
pub struct Want {
    pub auth_users: bool,
    pub users: bool,
    pub verbs: bool,
    pub resources: bool,
    pub ips: bool,
    pub agents: bool,
    pub codes: bool,
    pub latency: bool,
}

/// The figures of one group.
#[derive(Debug, Clone, Default)]
pub struct Agg {
    pub requests: u64,
    /// 403 Forbidden.
    pub denied: u64,
    /// Code >= 400 (401 and 403 included).
    pub failed: u64,
    pub incomplete: u64,
    pub long_running: u64,
    pub first: Option<Ts>,
    pub last: Option<Ts>,
    /// The authenticated users of impersonating requests: the users behind the effective one.
    /// Without impersonation the two are the same user, not counted here (`who` left them out
    /// anyway, and the count cost a hash lookup per request).
    pub auth_users: Counts,
    pub users: Counts,
    pub verbs: Counts,
    pub resources: Counts,
    pub ips: Counts,
    pub agents: Counts,
    pub codes: FxHashMap<Option<i64>, u64>,
    /// Latencies (ms) of complete requests that are not long-running.
    pub latencies: Vec<f32>,
}

fn bump(m: &mut Counts, k: &str, n: u64) {
    match m.get_mut(k) {
        Some(c) => *c += n,
        None => {
            m.insert(k.to_string(), n);
        }
    }
}

fn merge_counts(into: &mut Counts, from: Counts) {
    for (k, n) in from {
        *into.entry(k).or_default() += n;
    }
}

impl Agg {
    fn add(&mut self, r: &Request, want: &Want) {
        self.requests += 1;
        match r.code {
            Some(403) => {
                self.denied += 1;
                self.failed += 1;
            }
            Some(c) if c >= 400 => self.failed += 1,
            _ => {}
        }
        if r.incomplete() {
            self.incomplete += 1;
        }
        if r.long_running() {
            self.long_running += 1;
        }
        let t = r.time();
        self.first = min_ts(self.first, t);
        self.last = self.last.max(t);
        if want.auth_users && !r.impersonated_user.is_empty() {
            bump(
                &mut self.auth_users,
                if r.user.is_empty() { "-" } else { &r.user },
                1,
            );
        }
        if want.users {
            let u = r.effective_user();
            bump(&mut self.users, if u.is_empty() { "-" } else { u }, 1);
        }
        if want.verbs {
            bump(&mut self.verbs, &r.verb, 1);
        }
        if want.resources
            && let Some(v) = Field::Resource.one(r)
        {
            bump(&mut self.resources, &v, 1);
        }
        if want.ips
            && let Some(v) = Field::Ip.one(r)
        {
            bump(&mut self.ips, &v, 1);
        }
        if want.agents {
            bump(
                &mut self.agents,
                if r.user_agent.is_empty() {
                    "-"
                } else {
                    &r.user_agent
                },
                1,
            );
        }
        if want.codes {
            *self.codes.entry(r.code).or_default() += 1;
        }
        if want.latency
            && !r.long_running()
            && let Some(ms) = r.latency_ms()
        {
            self.latencies.push(ms as f32);
        }
    }

    fn merge(&mut self, o: Agg) {
        self.requests += o.requests;
        self.denied += o.denied;
        self.failed += o.failed;
        self.incomplete += o.incomplete;
        self.long_running += o.long_running;
        self.first = min_ts(self.first, o.first);
        self.last = self.last.max(o.last);
        merge_counts(&mut self.auth_users, o.auth_users);
        merge_counts(&mut self.users, o.users);
        merge_counts(&mut self.verbs, o.verbs);
        merge_counts(&mut self.resources, o.resources);
        merge_counts(&mut self.ips, o.ips);
        merge_counts(&mut self.agents, o.agents);
        for (k, n) in o.codes {
            *self.codes.entry(k).or_default() += n;
        }
        self.latencies.extend(o.latencies);
    }

    /// Nearest-rank percentiles of the latencies, after sorting them.
    pub fn percentiles(&mut self, ps: &[f64]) -> Vec<Option<f64>> {
        self.latencies.sort_unstable_by(f32::total_cmp);
        let n = self.latencies.len();
        ps.iter()
            .map(|p| {
                (n > 0).then(|| {
                    let rank = ((p / 100.0) * n as f64).ceil().max(1.0) as usize;
                    self.latencies[rank.min(n) - 1] as f64
                })
            })
            .collect()
    }
}

fn min_ts(a: Option<Ts>, b: Option<Ts>) -> Option<Ts> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}

/// What to group by and what to keep.
#[derive(Debug, Clone)]
pub struct Spec {
    pub key: Vec<Field>,
    pub want: Want,
    /// `--local`: the `hour` field is the hour in the local time zone.
    pub local: bool,
}

/// `2026-11-21 15:00` in the local time zone (DST-aware, per request).
fn local_hour(r: &Request) -> Cow<'static, str> {
    match r.time().and_then(|t| t.to_jiff()) {
        Some(j) => {
            let z = j.to_zoned(jiff::tz::TimeZone::system());
            Cow::Owned(z.strftime("%Y-%m-%d %H:00").to_string())
        }
        None => Cow::Borrowed("-"),
    }
}

/// The groups of the matching requests; also each worker's per-chunk part.
pub struct Groups {
    pub spec: Arc<Spec>,
    /// Key (field values joined by U+001F) → figures.
    pub map: FxHashMap<String, Agg>,
    /// Matching requests (a request in several groups, with `--by group`, counts once here).
    pub total: u64,
    /// The key being built (see `add`).
    scratch: String,
}

const SEP: char = '\u{1f}';

impl Groups {
    pub fn new(spec: Spec) -> Groups {
        Groups {
            spec: Arc::new(spec),
            map: FxHashMap::default(),
            total: 0,
            scratch: String::new(),
        }
    }

    fn add(&mut self, r: &Request) {
        self.total += 1;
        let want = self.spec.want;
        // One value per field (the usual case): the key is built in a reused buffer and a
        // string is allocated only for a new group.
        if !self.spec.key.contains(&Field::Group) {
            let mut key = std::mem::take(&mut self.scratch);
            key.clear();
            for (i, f) in self.spec.key.iter().enumerate() {
                if i > 0 {
                    key.push(SEP);
                }
                if *f == Field::Hour && self.spec.local {
                    key.push_str(&local_hour(r));
                } else if let Some(v) = f.one(r) {
                    key.push_str(&v);
                }
            }
            match self.map.get_mut(key.as_str()) {
                Some(a) => a.add(r, &want),
                None => {
                    let mut a = Agg::default();
                    a.add(r, &want);
                    self.map.insert(key.clone(), a);
                }
            }
            self.scratch = key;
            return;
        }
        let mut keys: Vec<String> = vec![String::new()];
        for (i, f) in self.spec.key.iter().enumerate() {
            let vals = if *f == Field::Hour && self.spec.local {
                vec![local_hour(r)]
            } else {
                f.values(r)
            };
            let mut next = Vec::with_capacity(keys.len() * vals.len());
            for k in &keys {
                for v in &vals {
                    let mut k = k.clone();
                    if i > 0 {
                        k.push(SEP);
                    }
                    k.push_str(v);
                    next.push(k);
                }
            }
            keys = next;
        }
        for k in keys {
            match self.map.get_mut(&k) {
                Some(a) => a.add(r, &want),
                None => {
                    let mut a = Agg::default();
                    a.add(r, &want);
                    self.map.insert(k, a);
                }
            }
        }
    }

    /// The groups as (key values, figures).
    pub fn into_rows(self) -> Vec<(Vec<String>, Agg)> {
        self.map
            .into_iter()
            .map(|(k, a)| (k.split(SEP).map(str::to_string).collect(), a))
            .collect()
    }
}

impl Sink for Groups {
    type Part = Groups;
    fn fields(&self) -> Fields {
        let mut f = Fields::NONE;
        for k in &self.spec.key {
            f = f | match k {
                Field::Group => Fields::GROUPS,
                Field::Ip => Fields::SOURCE_IPS,
                Field::UserAgent => Fields::USER_AGENT,
                _ => Fields::NONE,
            };
        }
        if self.spec.want.ips {
            f = f | Fields::SOURCE_IPS;
        }
        if self.spec.want.agents {
            f = f | Fields::USER_AGENT;
        }
        f
    }
    // counts, first and last times, and latencies that are sorted before use
    const COMMUTATIVE: bool = true;
    fn part(&self) -> Groups {
        Groups {
            spec: Arc::clone(&self.spec),
            map: FxHashMap::default(),
            total: 0,
            scratch: String::new(),
        }
    }
    const FOLDS: bool = true;
    fn fold(part: &mut Groups, r: &Request<'_>) -> bool {
        part.add(r);
        true
    }
    fn absorb(&mut self, part: Groups) {
        self.total += part.total;
        for (k, a) in part.map {
            match self.map.get_mut(&k) {
                Some(mine) => mine.merge(a),
                None => {
                    self.map.insert(k, a);
                }
            }
        }
    }
    fn request(&mut self, r: Request<'_>) -> Result<Flow> {
        self.add(&r);
        Ok(Flow::More)
    }
}

/// Groups after a scan, ordered, at most `limit` of them.
pub struct Grouped {
    pub stats: crate::scan::ScanStats,
    pub rows: Vec<(Vec<String>, Agg)>,
    /// Groups before `limit`.
    pub total: usize,
    /// Matching requests.
    pub requests: u64,
}

/// Scan `paths`, group the matching requests by `spec`, sort, and keep `limit` rows (all when
/// `None`): the common part of `who`, `what`, `where` and `top`.
pub fn collect(
    paths: &[std::path::PathBuf],
    cfg: &crate::config::Config,
    diag: &crate::term::Diag,
    spec: Spec,
    sort: GroupSort,
    limit: Option<usize>,
) -> Result<Grouped> {
    let inputs = crate::commands::inputs(paths, diag)?;
    let mut groups = Groups::new(spec);
    let stats = crate::scan::run(&inputs, cfg, false, diag, &mut groups)?;
    let requests = groups.total;
    let mut rows = groups.into_rows();
    sort_rows(&mut rows, sort);
    let total = rows.len();
    if let Some(l) = limit {
        rows.truncate(l);
    }
    Ok(Grouped {
        stats,
        rows,
        total,
        requests,
    })
}

/// How group rows are ordered (`--sort`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GroupSort {
    /// Most requests first.
    Requests,
    /// Earliest first seen first.
    First,
    /// Most recently seen first.
    Last,
    /// Most 403s first.
    Denied,
    /// By name.
    Name,
}

/// Sort rows; ties are broken by key so output is stable.
pub fn sort_rows(rows: &mut [(Vec<String>, Agg)], by: GroupSort) {
    match by {
        GroupSort::Requests => {
            rows.sort_by(|a, b| b.1.requests.cmp(&a.1.requests).then(a.0.cmp(&b.0)))
        }
        GroupSort::First => rows.sort_by(|a, b| a.1.first.cmp(&b.1.first).then(a.0.cmp(&b.0))),
        GroupSort::Last => rows.sort_by(|a, b| b.1.last.cmp(&a.1.last).then(a.0.cmp(&b.0))),
        GroupSort::Denied => rows.sort_by(|a, b| {
            b.1.denied
                .cmp(&a.1.denied)
                .then(b.1.requests.cmp(&a.1.requests))
                .then(a.0.cmp(&b.0))
        }),
        GroupSort::Name => rows.sort_by(|a, b| a.0.cmp(&b.0)),
    }
}

/// The `n` most frequent values, most frequent first (ties by name).
pub fn top_values(m: &Counts, n: usize) -> Vec<(&str, u64)> {
    let mut v: Vec<(&str, u64)> = m.iter().map(|(k, c)| (k.as_str(), *c)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    v.truncate(n);
    v
}

/// `alice, bob, carol +4`: the top `n` values and how many more there are.
pub fn top_list(m: &Counts, n: usize) -> String {
    let top = top_values(m, n);
    let mut s = top.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ");
    if m.len() > n {
        s.push_str(&format!(" +{}", m.len() - n));
    }
    s
}

/// `ops-admin (1), bob (3)`: the top `n` values with their counts, and how many more.
pub fn top_counts(m: &Counts, n: usize) -> String {
    let mut s = top_values(m, n)
        .iter()
        .map(|(k, c)| format!("{k} ({c})"))
        .collect::<Vec<_>>()
        .join(", ");
    if m.len() > n {
        s.push_str(&format!(" +{}", m.len() - n));
    }
    s
}

/// Values by count, most frequent first, for JSON: `[{"name": ..., "count": ...}]`.
pub fn counts_json(m: &Counts) -> Value {
    Value::Array(
        top_values(m, usize::MAX)
            .into_iter()
            .map(|(k, c)| json!({"name": k, "count": c}))
            .collect(),
    )
}

/// Values by count for CSV: `alice=3;bob=1`.
pub fn counts_csv(m: &Counts) -> String {
    top_values(m, usize::MAX)
        .into_iter()
        .map(|(k, c)| format!("{k}={c}"))
        .collect::<Vec<_>>()
        .join(";")
}

/// Codes as `200×5 403×2`, most frequent first.
pub fn codes_cell(m: &FxHashMap<Option<i64>, u64>) -> String {
    let mut v: Vec<(Option<i64>, u64)> = m.iter().map(|(k, n)| (*k, *n)).collect();
    v.sort_by_key(|(k, n)| (Reverse(*n), k.unwrap_or(i64::MAX)));
    v.iter()
        .map(|(k, n)| format!("{}×{n}", k.map_or("-".to_string(), |c| c.to_string())))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Codes for JSON: `{"200": 5, "403": 2, "none": 1}`.
pub fn codes_json(m: &FxHashMap<Option<i64>, u64>) -> Value {
    let mut v: Vec<(Option<i64>, u64)> = m.iter().map(|(k, n)| (*k, *n)).collect();
    v.sort_by_key(|(k, _)| k.unwrap_or(i64::MAX));
    Value::Object(
        v.into_iter()
            .map(|(k, n)| (k.map_or("none".to_string(), |c| c.to_string()), json!(n)))
            .collect(),
    )
}

/// A latency for tables: `12ms`, `1.53s`; `-` when there is none.
pub fn latency_cell(ms: Option<f64>) -> String {
    crate::render::human_latency(ms)
}

/// Times in one table: when they all fall on one UTC (or local) day, rows show the time of
/// day and the header names the day, which keeps tables narrow.
pub struct Times {
    day: Option<String>,
    local: bool,
}

impl Times {
    pub fn new<'a>(times: impl IntoIterator<Item = &'a Option<Ts>>, local: bool) -> Times {
        let mut day: Option<String> = None;
        let mut same = true;
        for t in times.into_iter().flatten() {
            let d = human_time(Some(*t), local)[..10].to_string();
            match &day {
                None => day = Some(d),
                Some(x) if *x != d => same = false,
                _ => {}
            }
        }
        Times {
            day: if same { day } else { None },
            local,
        }
    }
    /// `FIRST (UTC 2026-11-21)` or `FIRST (UTC)`.
    pub fn header(&self, name: &str) -> String {
        let zone = if self.local { "local" } else { "UTC" };
        match &self.day {
            Some(d) => format!("{name} ({zone} {d})"),
            None => format!("{name} ({zone})"),
        }
    }
    /// `(times: UTC, 2026-11-21)`: for tables with several time columns, whose headers then
    /// stay short.
    pub fn caption(&self) -> String {
        let zone = if self.local { "local time" } else { "UTC" };
        match &self.day {
            Some(d) => format!("(times: {zone}, {d})"),
            None => format!("(times: {zone})"),
        }
    }
    pub fn cell(&self, t: Option<Ts>) -> String {
        let s = human_time(t, self.local);
        match &self.day {
            Some(_) if s.len() > 11 => s[11..].to_string(),
            _ => s,
        }
    }
}

/// A column of a group table.
pub struct Col {
    pub header: String,
    pub right: bool,
    pub flex: bool,
    /// May be left out on a narrow terminal; higher goes first (0: always shown).
    pub drop: u8,
}

impl Col {
    pub fn text(h: impl Into<String>) -> Col {
        Col {
            header: h.into(),
            right: false,
            flex: true,
            drop: 0,
        }
    }
    pub fn fixed(h: impl Into<String>) -> Col {
        Col {
            header: h.into(),
            right: false,
            flex: false,
            drop: 0,
        }
    }
    pub fn num(h: impl Into<String>) -> Col {
        Col {
            header: h.into(),
            right: true,
            flex: false,
            drop: 0,
        }
    }
    /// This column may be left out on a narrow terminal (higher `priority` goes first).
    pub fn optional(mut self, priority: u8) -> Col {
        self.drop = priority;
        self
    }
}

/// One result row in every form.
pub struct Row {
    pub cells: Vec<Cell>,
    pub csv: Vec<String>,
    pub json: Value,
}

/// Write group rows in the chosen format. `note` (table only) follows the table, e.g. how many
/// rows `--limit` left out.
#[allow(clippy::too_many_arguments)]
pub fn emit(
    out: &mut Out,
    format: Format,
    style: &Style,
    cols: &[Col],
    csv_header: &[&str],
    rows: impl IntoIterator<Item = Row>,
    note: Option<String>,
) -> Result<()> {
    let rows = rows.into_iter();
    match format {
        Format::Json => {
            // written as the rows are made: one row is held at a time, not all of them
            let all = Lazy(std::cell::RefCell::new(Some(rows.map(|r| r.json))));
            crate::render::json::to_writer_pretty(&mut *out, &all)?;
            out.write_all(b"\n")?;
        }
        Format::Ndjson => {
            for r in rows {
                crate::render::json::to_writer(&mut *out, &r.json)?;
                out.write_all(b"\n")?;
            }
        }
        Format::Csv => {
            if style.headers {
                write_record(out, csv_header)?;
            }
            for r in rows {
                write_record(out, &r.csv)?;
            }
        }
        Format::Table | Format::Wide | Format::Raw => {
            let headers = style
                .headers
                .then(|| cols.iter().map(|c| Cell::new(c.header.clone())).collect());
            let right: Vec<bool> = cols.iter().map(|c| c.right).collect();
            let flex: Vec<bool> = cols.iter().map(|c| c.flex).collect();
            let drop: Vec<u8> = cols.iter().map(|c| c.drop).collect();
            let cells: Vec<Vec<Cell>> = rows.into_iter().map(|r| r.cells).collect();
            write_rows_dropping(out, cells, headers, style, &right, &flex, &drop)?;
            if let Some(n) = note {
                writeln!(out, "{n}")?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// A JSON array of the values an iterator makes, serialized as they are made (once).
struct Lazy<I>(std::cell::RefCell<Option<I>>);

impl<I: Iterator<Item = Value>> serde::Serialize for Lazy<I> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.borrow_mut().take().into_iter().flatten())
    }
}

/// A count cell, marked as a warning when it is not zero (403s, failures).
pub fn warn_count(n: u64) -> Cell {
    Cell::num(thousands(n)).tone(if n > 0 { Tone::Warn } else { Tone::Plain })
}

/// Times for JSON/CSV.
pub fn ts_json(t: Option<Ts>) -> Value {
    machine_time(t)
}

pub fn ts_csv(t: Option<Ts>) -> String {
    t.map(|t| t.rfc3339()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_lose_volatile_parameters() {
        assert_eq!(
            normalize_uri(
                "/api/v1/pods?resourceVersion=12&watch=true&labelSelector=a%3Db&timeoutSeconds=30"
            ),
            "/api/v1/pods?labelSelector=a%3Db"
        );
        assert_eq!(normalize_uri("/api/v1/pods?watch=1"), "/api/v1/pods");
        assert_eq!(normalize_uri("/healthz"), "/healthz");
        assert_eq!(
            normalize_uri(
                "/api/v1/namespaces/a/configmaps?limit=500&allowWatchBookmarks=true&timeout=5m"
            ),
            "/api/v1/namespaces/a/configmaps?limit=500"
        );
    }

    #[test]
    fn percentiles_nearest_rank() {
        let mut a = Agg {
            latencies: (1..=100).map(|x| x as f32).collect(),
            ..Default::default()
        };
        assert_eq!(
            a.percentiles(&[50.0, 90.0, 99.0, 100.0]),
            vec![Some(50.0), Some(90.0), Some(99.0), Some(100.0)]
        );
        let mut one = Agg {
            latencies: vec![7.0],
            ..Default::default()
        };
        assert_eq!(one.percentiles(&[50.0, 99.0]), vec![Some(7.0), Some(7.0)]);
        assert_eq!(Agg::default().percentiles(&[50.0]), vec![None]);
    }

    #[test]
    fn group_field_explodes() {
        let r = Request {
            user: "u".into(),
            groups: vec!["a".into(), "b".into()],
            verb: "get".into(),
            ..Default::default()
        };
        let mut g = Groups::new(Spec {
            key: vec![Field::Group, Field::Verb],
            want: Want::default(),
            local: false,
        });
        g.add(&r);
        let mut keys: Vec<Vec<String>> = g.into_rows().into_iter().map(|(k, _)| k).collect();
        keys.sort();
        assert_eq!(keys, vec![vec!["a", "get"], vec!["b", "get"]]);
    }
}
