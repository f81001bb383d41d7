//! Group-by accumulation shared by `who`, `what`, `where` and `top`: a key made of request
//! fields, and per group the request counts, denials, failures, first/last time, the distinct
//! values of other fields a command asks for, and latencies for percentiles.
//!
//! Workers fill one [`Groups`] per chunk (the scan's per-chunk part); parts are merged in chunk
//! order. This module does not decide what a command shows: each command makes its typed rows
//! from the groups and writes them with `render::Table`.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::sync::Arc;

use anyhow::Result;
use rustc_hash::FxHashMap;

pub use crate::cli::{Field, GroupSort};
use crate::correlate::Request;
use crate::event::{Fields, Ts};
use crate::render::{Cell, Tone, human_time, thousands};
use crate::scan::{Flow, Sink};

impl Field {
    /// The values of this field for one request (several for `group`). Absent values read `-`.
    pub fn values<'r>(self, r: &'r Request) -> Vec<Cow<'r, str>> {
        match self.one(r) {
            Some(v) => vec![v],
            None => Field::groups(r),
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
            Field::Ip => dash(r.source_ip()),
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
            Field::Cluster => dash(&r.cluster),
            Field::Apiserver => dash(&r.apiserver),
            Field::Annotation(k) => dash(r.annotation(k).unwrap_or("")),
        })
    }

    /// The effective user's groups (`group`, the one field with several values per request);
    /// `-` when there are none.
    fn groups<'r>(r: &'r Request) -> Vec<Cow<'r, str>> {
        let g = if r.impersonated_user.is_empty() {
            &r.groups
        } else {
            &r.impersonated_groups
        };
        if g.is_empty() {
            return vec![Cow::Borrowed("-")];
        }
        g.iter().map(|g| Cow::Borrowed(&**g)).collect()
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

/// The distinct values of one field in a group, each with its number of requests. Values are
/// named by their number in the groups' [`Names`] (or, for codes, their [`Codes`]): a group
/// with one value holds it inline, with no allocation, which is what most groups of a log with
/// a million users have.
#[derive(Debug, Clone, Default)]
pub enum Counts {
    #[default]
    Empty,
    One(u32, u64),
    Many(Box<FxHashMap<u32, u64>>),
}

impl Counts {
    fn bump(&mut self, id: u32, n: u64) {
        match self {
            Counts::Empty => *self = Counts::One(id, n),
            Counts::One(i, c) if *i == id => *c += n,
            Counts::One(i, c) => {
                let mut m = FxHashMap::default();
                m.insert(*i, *c);
                m.insert(id, n);
                *self = Counts::Many(Box::new(m));
            }
            Counts::Many(m) => *m.entry(id).or_default() += n,
        }
    }

    /// How many distinct values.
    pub fn len(&self) -> usize {
        match self {
            Counts::Empty => 0,
            Counts::One(..) => 1,
            Counts::Many(m) => m.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn iter(&self) -> Box<dyn Iterator<Item = (u32, u64)> + '_> {
        match self {
            Counts::Empty => Box::new(std::iter::empty()),
            Counts::One(i, c) => Box::new(std::iter::once((*i, *c))),
            Counts::Many(m) => Box::new(m.iter().map(|(i, c)| (*i, *c))),
        }
    }

    /// Add `other`, whose values are named by `rename(id)` here.
    fn merge(&mut self, other: Counts, mut rename: impl FnMut(u32) -> u32) {
        match other {
            Counts::Empty => {}
            Counts::One(i, c) => self.bump(rename(i), c),
            Counts::Many(m) => {
                for (i, c) in *m {
                    self.bump(rename(i), c);
                }
            }
        }
    }
}

/// Strings kept once each and named by their number: the keys of the groups, and the values
/// counted in them. All the text is in one buffer (no allocation per string), found again by a
/// table of numbers hashed by the text they name.
#[derive(Default)]
pub struct Names {
    text: Vec<u8>,
    /// Where each string ends in `text`.
    ends: Vec<usize>,
    index: hashbrown::HashTable<u32>,
}

fn hash_bytes(b: &[u8]) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(b)
}

impl Names {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn get(&self, id: u32) -> &[u8] {
        let i = id as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    /// The number of `b`, and whether it is new. Numbers are given in order, from 0.
    pub fn intern(&mut self, b: &[u8]) -> (u32, bool) {
        let hash = hash_bytes(b);
        let Names { text, ends, index } = self;
        let at = |i: u32| {
            let i = i as usize;
            &text[if i == 0 { 0 } else { ends[i - 1] }..ends[i]]
        };
        if let Some(&id) = index.find(hash, |&id| at(id) == b) {
            return (id, false);
        }
        // four thousand million strings would take more memory than any machine kaudit runs on
        // has before this could fail
        let id = u32::try_from(ends.len()).expect("fewer than 2^32 distinct values");
        text.extend_from_slice(b);
        ends.push(text.len());
        let (text, ends) = (&self.text, &self.ends);
        self.index.insert_unique(hash, id, |&i| {
            let i = i as usize;
            hash_bytes(&text[if i == 0 { 0 } else { ends[i - 1] }..ends[i]])
        });
        (id, true)
    }

    /// A value as text (values are interned from `&str`, so always UTF-8).
    pub fn str(&self, id: u32) -> &str {
        std::str::from_utf8(self.get(id)).unwrap_or("")
    }
}

/// Status codes named by number, for [`Counts`] of codes (a code is any integer a log holds).
#[derive(Default)]
pub struct Codes {
    codes: Vec<Option<i64>>,
    index: FxHashMap<Option<i64>, u32>,
}

impl Codes {
    fn intern(&mut self, c: Option<i64>) -> u32 {
        if let Some(&id) = self.index.get(&c) {
            return id;
        }
        let id = u32::try_from(self.codes.len()).expect("fewer than 2^32 distinct codes");
        self.codes.push(c);
        self.index.insert(c, id);
        id
    }
}

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
    /// With `auth_users`: this group's refused impersonations, by whom they asked for (`""` when
    /// the message does not say; `Request::refused_impersonation`).
    pub refused: Counts,
    pub users: Counts,
    pub verbs: Counts,
    pub resources: Counts,
    pub ips: Counts,
    pub agents: Counts,
    pub codes: Counts,
    /// Latencies (ms) of complete requests that are not long-running; sorted once grouping is
    /// done ([`collect`]).
    pub latencies: Vec<f32>,
}

impl Agg {
    fn add(&mut self, r: &Request, want: &Want, names: &mut Names, codes: &mut Codes) {
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
        if want.auth_users
            && let Some(refused) = r.refused_impersonation()
        {
            let target = refused.target.unwrap_or_default();
            self.refused.bump(names.intern(target.as_bytes()).0, 1);
        }
        let mut count = |c: &mut Counts, v: &str| {
            c.bump(
                names
                    .intern(if v.is_empty() { b"-" } else { v.as_bytes() })
                    .0,
                1,
            )
        };
        if want.auth_users && !r.impersonated_user.is_empty() {
            count(&mut self.auth_users, &r.user);
        }
        if want.users {
            count(&mut self.users, r.effective_user());
        }
        if want.verbs {
            count(&mut self.verbs, &r.verb);
        }
        if want.resources
            && let Some(v) = Field::Resource.one(r)
        {
            count(&mut self.resources, &v);
        }
        if want.ips
            && let Some(v) = Field::Ip.one(r)
        {
            count(&mut self.ips, &v);
        }
        if want.agents {
            count(&mut self.agents, &r.user_agent);
        }
        if want.codes {
            self.codes.bump(codes.intern(r.code), 1);
        }
        if want.latency
            && !r.long_running()
            && let Some(ms) = r.latency_ms()
        {
            self.latencies.push(ms as f32);
        }
    }

    /// Add `o`, whose values are named by `name(id)` and codes by `code(id)` here.
    fn merge(
        &mut self,
        o: Agg,
        mut name: impl FnMut(u32) -> u32,
        mut code: impl FnMut(u32) -> u32,
    ) {
        self.requests += o.requests;
        self.denied += o.denied;
        self.failed += o.failed;
        self.incomplete += o.incomplete;
        self.long_running += o.long_running;
        self.first = min_ts(self.first, o.first);
        self.last = self.last.max(o.last);
        self.auth_users.merge(o.auth_users, &mut name);
        self.refused.merge(o.refused, &mut name);
        self.users.merge(o.users, &mut name);
        self.verbs.merge(o.verbs, &mut name);
        self.resources.merge(o.resources, &mut name);
        self.ips.merge(o.ips, &mut name);
        self.agents.merge(o.agents, &mut name);
        self.codes.merge(o.codes, &mut code);
        self.latencies.extend(o.latencies);
    }

    /// Nearest-rank percentiles of the latencies, which are sorted.
    pub fn percentiles(&self, ps: &[f64]) -> Vec<Option<f64>> {
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

/// Groups kept in blocks of this many: a million groups never ask for one block of memory
/// twice the size of the last one, nor copy it.
const BLOCK: usize = 4096;

/// The groups of the matching requests; also each worker's per-chunk part.
pub struct Groups {
    pub spec: Arc<Spec>,
    /// Each group's key: its field values, each as a 4-byte length and the bytes. The number
    /// of a key is the index of its figures in `aggs`.
    keys: Names,
    aggs: Vec<Vec<Agg>>,
    /// The values counted in the groups ([`Counts`]).
    values: Names,
    codes: Codes,
    /// Matching requests (a request in several groups, with `--by group`, counts once here).
    pub total: u64,
    /// The key being built (see `add`).
    scratch: Vec<u8>,
}

/// Append one field value to a key.
fn push_part(key: &mut Vec<u8>, v: &str) {
    // a value is part of one request, which is far below 4 GiB (the longest line read whole)
    key.extend_from_slice(&u32::try_from(v.len()).unwrap_or(u32::MAX).to_le_bytes());
    key.extend_from_slice(v.as_bytes());
}

/// The field values of a key.
pub fn key_parts(mut key: &[u8]) -> Vec<&str> {
    let mut parts = Vec::new();
    while key.len() >= 4 {
        let n = u32::from_le_bytes([key[0], key[1], key[2], key[3]]) as usize;
        let end = (4 + n).min(key.len());
        parts.push(std::str::from_utf8(&key[4..end]).unwrap_or(""));
        key = &key[end..];
    }
    parts
}

/// Keys in the order of their field values (field by field).
fn cmp_keys(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    key_parts(a).cmp(&key_parts(b))
}

impl Groups {
    pub fn new(spec: Spec) -> Groups {
        Groups::with(Arc::new(spec))
    }

    fn with(spec: Arc<Spec>) -> Groups {
        Groups {
            spec,
            keys: Names::default(),
            aggs: Vec::new(),
            values: Names::default(),
            codes: Codes::default(),
            total: 0,
            scratch: Vec::new(),
        }
    }

    /// How many groups.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn agg(&self, id: u32) -> &Agg {
        &self.aggs[id as usize / BLOCK][id as usize % BLOCK]
    }

    fn agg_mut(&mut self, id: u32) -> &mut Agg {
        &mut self.aggs[id as usize / BLOCK][id as usize % BLOCK]
    }

    /// The figures of the group with key `key`, made empty if it is new.
    fn group(&mut self, key: &[u8]) -> u32 {
        let (id, new) = self.keys.intern(key);
        if new {
            if self.aggs.last().is_none_or(|b| b.len() == BLOCK) {
                self.aggs.push(Vec::with_capacity(BLOCK));
            }
            if let Some(b) = self.aggs.last_mut() {
                b.push(Agg::default());
            }
        }
        id
    }

    /// The field values of a group's key.
    pub fn key(&self, id: u32) -> Vec<&str> {
        key_parts(self.keys.get(id))
    }

    /// Values and their counts, most frequent first (ties by value).
    pub fn values(&self, c: &Counts) -> Vec<(&str, u64)> {
        let mut v: Vec<(&str, u64)> = c.iter().map(|(i, n)| (self.values.str(i), n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v
    }

    /// Codes and their counts, in no order.
    pub fn codes(&self, c: &Counts) -> Vec<(Option<i64>, u64)> {
        c.iter()
            .map(|(i, n)| (self.codes.codes[i as usize], n))
            .collect()
    }

    fn add(&mut self, r: &Request) {
        self.total += 1;
        let want = self.spec.want;
        // One value per field (the usual case): the key is built in a reused buffer, and kept
        // only for a new group.
        if !self.spec.key.contains(&Field::Group) {
            let mut key = std::mem::take(&mut self.scratch);
            key.clear();
            for f in self.spec.key.iter() {
                if *f == Field::Hour && self.spec.local {
                    push_part(&mut key, &local_hour(r));
                } else {
                    push_part(&mut key, &f.one(r).unwrap_or_default());
                }
            }
            self.fold_into(&key, r, &want);
            self.scratch = key;
            return;
        }
        let mut keys: Vec<Vec<u8>> = vec![Vec::new()];
        for f in self.spec.key.iter() {
            let vals = if *f == Field::Hour && self.spec.local {
                vec![local_hour(r)]
            } else {
                f.values(r)
            };
            let mut next = Vec::with_capacity(keys.len() * vals.len());
            for k in &keys {
                for v in &vals {
                    let mut k = k.clone();
                    push_part(&mut k, v);
                    next.push(k);
                }
            }
            keys = next;
        }
        for k in keys {
            self.fold_into(&k, r, &want);
        }
    }

    fn fold_into(&mut self, key: &[u8], r: &Request, want: &Want) {
        let id = self.group(key);
        let Groups {
            aggs,
            values,
            codes,
            ..
        } = self;
        aggs[id as usize / BLOCK][id as usize % BLOCK].add(r, want, values, codes);
    }

    /// The groups in the order `by` gives, ties broken by key.
    pub fn order(&self, by: GroupSort) -> Vec<u32> {
        let n = u32::try_from(self.len()).unwrap_or(u32::MAX);
        let mut ids: Vec<u32> = (0..n).collect();
        let key = |i: &u32| self.keys.get(*i);
        let a = |i: &u32| self.agg(*i);
        match by {
            GroupSort::Requests => ids.sort_by(|x, y| {
                a(y).requests
                    .cmp(&a(x).requests)
                    .then_with(|| cmp_keys(key(x), key(y)))
            }),
            GroupSort::First => ids.sort_by(|x, y| {
                a(x).first
                    .cmp(&a(y).first)
                    .then_with(|| cmp_keys(key(x), key(y)))
            }),
            GroupSort::Last => ids.sort_by(|x, y| {
                a(y).last
                    .cmp(&a(x).last)
                    .then_with(|| cmp_keys(key(x), key(y)))
            }),
            GroupSort::Denied => ids.sort_by(|x, y| {
                a(y).denied
                    .cmp(&a(x).denied)
                    .then(a(y).requests.cmp(&a(x).requests))
                    .then_with(|| cmp_keys(key(x), key(y)))
            }),
            GroupSort::Name => ids.sort_by(|x, y| cmp_keys(key(x), key(y))),
        }
        ids
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
                // the decision and its reason are read always; the others only when asked
                Field::Annotation(k) if *k == crate::event::REASON => Fields::AUTHZ_REASON,
                Field::Annotation(k) if *k != crate::event::DECISION => Fields::ANNOTATIONS,
                _ => Fields::NONE,
            };
        }
        if self.spec.want.ips {
            f = f | Fields::SOURCE_IPS;
        }
        if self.spec.want.agents {
            f = f | Fields::USER_AGENT;
        }
        // a refused impersonation is known by its status message alone
        if self.spec.want.auth_users {
            f = f | Fields::STATUS_TEXT;
        }
        f
    }
    // counts, first and last times, and latencies that are sorted before use
    const COMMUTATIVE: bool = true;
    fn combine(into: &mut Groups, from: Groups) {
        into.absorb(from);
    }
    fn part(&self) -> Groups {
        Groups::with(Arc::clone(&self.spec))
    }
    const FOLDS: bool = true;
    fn fold(part: &mut Groups, r: &Request<'_>) -> bool {
        part.add(r);
        true
    }
    fn absorb(&mut self, part: Groups) {
        self.total += part.total;
        // the part's values and codes by their numbers here, found once each
        let mut names: Vec<u32> = vec![u32::MAX; part.values.len()];
        let mut codes: Vec<u32> = vec![u32::MAX; part.codes.codes.len()];
        let Groups {
            keys,
            aggs,
            values,
            codes: part_codes,
            ..
        } = part;
        for (i, agg) in aggs.into_iter().flatten().enumerate() {
            let id = self.group(keys.get(i as u32));
            let Groups {
                aggs: mine,
                values: my_values,
                codes: my_codes,
                ..
            } = self;
            let name = |v: u32| {
                let slot = &mut names[v as usize];
                if *slot == u32::MAX {
                    *slot = my_values.intern(values.get(v)).0;
                }
                *slot
            };
            let code = |c: u32| {
                let slot = &mut codes[c as usize];
                if *slot == u32::MAX {
                    *slot = my_codes.intern(part_codes.codes[c as usize]);
                }
                *slot
            };
            mine[id as usize / BLOCK][id as usize % BLOCK].merge(agg, name, code);
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
    pub groups: Groups,
    /// The groups shown, in order.
    pub order: Vec<u32>,
    /// Groups before `limit`.
    pub total: usize,
    /// Matching requests.
    pub requests: u64,
}

impl Grouped {
    /// Rows shown.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Row `i`: its key values and figures.
    pub fn row(&self, i: usize) -> (Vec<&str>, &Agg) {
        let id = self.order[i];
        (self.groups.key(id), self.groups.agg(id))
    }

    /// The first and last times of the rows shown.
    pub fn times(&self) -> impl Iterator<Item = &Option<Ts>> {
        self.order.iter().flat_map(|&id| {
            let a = self.groups.agg(id);
            [&a.first, &a.last]
        })
    }
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
    let stats = crate::scan::Scan::new(cfg).run(&inputs, diag, &mut groups)?;
    let requests = groups.total;
    let mut order = groups.order(sort);
    let total = order.len();
    if let Some(l) = limit {
        order.truncate(l);
    }
    if groups.spec.want.latency {
        for &id in &order {
            groups
                .agg_mut(id)
                .latencies
                .sort_unstable_by(f32::total_cmp);
        }
    }
    Ok(Grouped {
        stats,
        groups,
        order,
        total,
        requests,
    })
}

/// `alice, bob, carol +4`: the first `n` values (of a list by count, see [`Groups::values`])
/// and how many more there are.
pub fn top_list(v: &[(&str, u64)], n: usize) -> String {
    let mut s = v
        .iter()
        .take(n)
        .map(|(k, _)| *k)
        .collect::<Vec<_>>()
        .join(", ");
    if v.len() > n {
        s.push_str(&format!(" +{}", v.len() - n));
    }
    s
}

/// `ops-admin (1), bob (3)`: the first `n` values with their counts, and how many more.
pub fn top_counts(v: &[(&str, u64)], n: usize) -> String {
    let mut s = v
        .iter()
        .take(n)
        .map(|(k, c)| format!("{k} ({c})"))
        .collect::<Vec<_>>()
        .join(", ");
    if v.len() > n {
        s.push_str(&format!(" +{}", v.len() - n));
    }
    s
}

/// Codes as `200×5 403×2`, most frequent first.
pub fn codes_cell(v: &[(Option<i64>, u64)]) -> String {
    let mut v = v.to_vec();
    v.sort_by_key(|(k, n)| (Reverse(*n), k.is_none(), *k));
    v.iter()
        .map(|(k, n)| format!("{}×{n}", k.map_or("-".to_string(), |c| c.to_string())))
        .collect::<Vec<_>>()
        .join(" ")
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

/// A count cell, marked as a warning when it is not zero (403s, failures).
pub fn warn_count(n: u64) -> Cell {
    Cell::num(thousands(n)).tone(if n > 0 { Tone::Warn } else { Tone::Plain })
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
        let a = Agg {
            latencies: (1..=100).map(|x| x as f32).collect(),
            ..Default::default()
        };
        assert_eq!(
            a.percentiles(&[50.0, 90.0, 99.0, 100.0]),
            vec![Some(50.0), Some(90.0), Some(99.0), Some(100.0)]
        );
        let one = Agg {
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
        let keys: Vec<Vec<&str>> = g
            .order(GroupSort::Name)
            .into_iter()
            .map(|id| g.key(id))
            .collect();
        assert_eq!(keys, vec![vec!["a", "get"], vec!["b", "get"]]);
    }
}
