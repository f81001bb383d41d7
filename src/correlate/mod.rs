//! Stages → requests. The events of one request share (`auditID`, `requestReceivedTimestamp`);
//! this module folds them into one [`Request`] with its latency, final code and the stages seen.
//!
//! Two levels: [`ChunkCorrelator`] folds the events of one chunk, borrowing from the input, and
//! hands back requests that are whole within the chunk (`Item::Done`) plus fragments whose other
//! stages may lie in other chunks or files (`Item::Frag`). [`Merger`] receives chunk results in
//! order, joins fragments across chunks and files, and keeps only requests still open, so memory
//! is bounded by open requests, not input size. Filtering and aggregation happen elsewhere.

use std::borrow::Cow;
use std::mem::take;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::event::{Event, Stage, StageSet, Str, Ts, UserInfo};

pub mod meaning;
mod packed;
use packed::Packed;

/// Where one event of a request was read, and what it said.
#[derive(Debug, Clone)]
pub struct Mark<'a> {
    pub stage: Stage,
    pub time: Option<Ts>,
    pub code: Option<i64>,
    pub file: u32,
    /// 1-based line number in its file (chunk-relative until the merger rebases it).
    pub line: u64,
    /// The original line, byte-exact; kept only when a command prints raw lines.
    pub raw: Option<Cow<'a, [u8]>>,
}

/// One API request, built from all its stage events.
#[derive(Debug, Clone, Default)]
pub struct Request<'a> {
    pub audit_id: Cow<'a, str>,
    /// `requestReceivedTimestamp` as written: half of the correlation key.
    pub received_key: Cow<'a, str>,
    /// [`scoped_key_hash`] of its scope ([`scope_hash`] of `cluster` and `apiserver`: requests
    /// of two scopes never join), `audit_id` and `received_key`.
    pub key: u64,
    /// The cluster that wrote it, when a wrapper or `--cluster NAME=PATH` names it (else empty).
    pub cluster: Cow<'a, str>,
    /// The API server that wrote it, when a wrapper or its file's path names it (else empty).
    pub apiserver: Cow<'a, str>,
    pub verb: Cow<'a, str>,
    pub user: Cow<'a, str>,
    pub groups: Vec<Cow<'a, str>>,
    pub impersonated_user: Cow<'a, str>,
    pub impersonated_groups: Vec<Cow<'a, str>>,
    /// Inline: one address is the usual case, and the request then needs no allocation for it.
    pub source_ips: SourceIps<'a>,
    pub user_agent: Cow<'a, str>,
    pub api_group: Cow<'a, str>,
    pub api_version: Cow<'a, str>,
    pub resource: Cow<'a, str>,
    pub subresource: Cow<'a, str>,
    pub namespace: Cow<'a, str>,
    pub name: Cow<'a, str>,
    pub request_uri: Cow<'a, str>,
    pub level: Cow<'a, str>,
    pub code: Option<i64>,
    pub status_reason: Cow<'a, str>,
    pub status_message: Cow<'a, str>,
    pub decision: Cow<'a, str>,
    pub authz_reason: Cow<'a, str>,
    pub received: Option<Ts>,
    pub started: Option<Ts>,
    pub completed: Option<Ts>,
    pub stages: StageSet,
    /// True once a ResponseComplete or Panic (or a failed-authentication 401) was seen.
    pub is_final: bool,
    /// The event carried `audit.k8s.io/truncated: "true"`.
    pub truncated: bool,
    /// Every other annotation, as the latest stage that has any wrote them (the final
    /// stage's are a superset of the earlier ones'); read with `Fields::ANNOTATIONS`.
    pub annotations: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// `user.extra` (credential ids); read with `Fields::EXTRA`.
    pub extra: Vec<(Cow<'a, str>, Vec<Cow<'a, str>>)>,
    /// What a stage's `requestObject` said of `dryRun` (see `Event::body_dry_run`).
    pub body_dry_run: Option<bool>,
    pub marks: Vec<Mark<'a>>,
}

fn fill<'a>(dst: &mut Cow<'a, str>, src: Cow<'a, str>) {
    if dst.is_empty() && !src.is_empty() {
        *dst = src;
    }
}

/// [`Request::source_ips`].
pub type SourceIps<'a> = List<Cow<'a, str>>;

/// A list that holds one item without an allocation: a request's source IPs are usually one
/// address, and a `Vec` for it cost an allocation and a free per request (`who`: about 3% of
/// its time). Reads as a slice.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum List<T> {
    #[default]
    Empty,
    One(T),
    Many(Vec<T>),
}

impl<T> std::ops::Deref for List<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        match self {
            List::Empty => &[],
            List::One(x) => std::slice::from_ref(x),
            List::Many(v) => v,
        }
    }
}

impl<T> From<Vec<T>> for List<T> {
    fn from(mut v: Vec<T>) -> List<T> {
        match v.len() {
            0 => List::Empty,
            1 => List::One(v.pop().expect("one item")),
            _ => List::Many(v),
        }
    }
}

impl<T> List<T> {
    /// The items, each mapped.
    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> List<U> {
        match self {
            List::Empty => List::Empty,
            List::One(x) => List::One(f(x)),
            List::Many(v) => List::Many(v.into_iter().map(f).collect()),
        }
    }
}

/// [`fill_vec`] into a [`List`]: one item is moved out and the event keeps its (now empty)
/// list for the next line to read into; more are moved with their `Vec`.
fn fill_list<'a>(dst: &mut List<Cow<'a, str>>, src: &mut Vec<Str<'a>>) {
    if dst.is_empty() {
        match src.len() {
            0 => {}
            1 => *dst = List::One(src.pop().expect("one item").0),
            _ => *dst = List::Many(take(src).into_iter().map(|s| s.0).collect()),
        }
    }
}

fn fill_vec<'a>(dst: &mut Vec<Cow<'a, str>>, src: &mut Vec<Str<'a>>) {
    if dst.is_empty() && !src.is_empty() {
        *dst = take(src).into_iter().map(|s| s.0).collect();
    }
}

/// A later fragment's list, taken when the request has none (a `Vec` or a [`List`]).
fn join_vec<L: std::ops::Deref<Target = [U]>, U>(dst: &mut L, src: L) {
    if dst.is_empty() {
        *dst = src;
    }
}

fn own(c: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(c.into_owned())
}

fn own_vec(v: Vec<Cow<'_, str>>) -> Vec<Cow<'static, str>> {
    v.into_iter().map(own).collect()
}

/// Does this event end its request? ResponseComplete and Panic do; so does the lone
/// ResponseStarted with code 401 and no user that a failed authentication writes.
fn ends_request(stage: Stage, code: Option<i64>, user: Option<&UserInfo>) -> bool {
    match stage {
        Stage::ResponseComplete | Stage::Panic => true,
        Stage::ResponseStarted => code == Some(401) && user.is_none_or(|u| u.username.is_empty()),
        Stage::RequestReceived => false,
    }
}

impl<'a> Request<'a> {
    /// Start a request from its first event seen.
    pub fn from_event(ev: &mut Event<'a>, stage: Stage, mark: Mark<'a>) -> Self {
        let scope = scope_hash(ev.cluster.as_str(), ev.apiserver.as_str());
        let key = scoped_key_hash(
            scope,
            ev.audit_id.as_str(),
            ev.request_received_timestamp.as_str(),
        );
        Self::from_keyed_event(ev, stage, mark, key)
    }

    /// [`from_event`](Self::from_event), its scope and key already hashed.
    fn from_keyed_event(ev: &mut Event<'a>, stage: Stage, mark: Mark<'a>, key: u64) -> Self {
        let mut r = Request {
            key,
            audit_id: ev.audit_id.0.clone(),
            received_key: ev.request_received_timestamp.0.clone(),
            cluster: take(&mut ev.cluster.0),
            apiserver: take(&mut ev.apiserver.0),
            ..Default::default()
        };
        r.absorb(ev, stage, mark);
        r
    }

    /// Fold a later event of the same request in. Fields the request lacks are taken from the
    /// event (RequestReceived has no status, decision or impersonation; a create's name is
    /// back-filled later); the outcome (code, status, decision) is taken from the latest event
    /// that has one.
    pub fn absorb(&mut self, ev: &mut Event<'a>, stage: Stage, mark: Mark<'a>) {
        let ends = ends_request(
            stage,
            ev.response_status.as_ref().and_then(|s| s.code),
            ev.user.as_ref(),
        );
        fill(&mut self.verb, take(&mut ev.verb.0));
        // lists are taken only when the request has none (a reader may reuse what is left)
        if let Some(u) = ev.user.as_mut() {
            fill(&mut self.user, take(&mut u.username.0));
            fill_vec(&mut self.groups, &mut u.groups);
            if self.extra.is_empty() && !u.extra.is_empty() {
                self.extra = take(&mut u.extra)
                    .into_iter()
                    .map(|(k, v)| (k.0, v.into_iter().map(|s| s.0).collect()))
                    .collect();
            }
        }
        if let Some(u) = ev.impersonated_user.as_mut() {
            fill(&mut self.impersonated_user, take(&mut u.username.0));
            fill_vec(&mut self.impersonated_groups, &mut u.groups);
        }
        fill_list(&mut self.source_ips, &mut ev.source_ips);
        fill(&mut self.user_agent, take(&mut ev.user_agent.0));
        if let Some(o) = ev.object_ref.take() {
            fill(&mut self.resource, o.resource.0);
            fill(&mut self.subresource, o.subresource.0);
            fill(&mut self.namespace, o.namespace.0);
            fill(&mut self.name, o.name.0);
            fill(&mut self.api_version, o.api_version.0);
            if o.api_group.is_empty() {
                // v1alpha1 has no apiGroup: "apps/v1" carries it.
                if let Some((g, _)) = self.api_version.split_once('/')
                    && self.api_group.is_empty()
                {
                    self.api_group = Cow::Owned(g.to_string());
                }
            } else {
                fill(&mut self.api_group, o.api_group.0);
            }
        }
        fill(&mut self.request_uri, take(&mut ev.request_uri.0));
        if self.name.is_empty()
            && let Some(n) = self.name_from_uri()
        {
            self.name = Cow::Owned(n);
        }
        fill(&mut self.level, take(&mut ev.level.0));
        if let Some(s) = ev.response_status.take()
            && s.code.is_some()
        {
            self.code = s.code;
            self.status_reason = s.reason.0;
            self.status_message = s.message.0;
        }
        if let Some(a) = ev.annotations.take() {
            if !a.decision.is_empty() {
                self.decision = a.decision.0;
                self.authz_reason = a.reason.0;
            }
            if a.truncated.as_str() == "true" {
                self.truncated = true;
            }
            if !a.others.is_empty() && (ends || self.annotations.is_empty()) {
                self.annotations = a.others.into_iter().map(|(k, v)| (k.0, v.0)).collect();
            }
        }
        self.body_dry_run = self.body_dry_run.or(ev.body_dry_run.take());
        if self.received.is_none() {
            self.received = Ts::parse(ev.request_received_timestamp.as_str());
        }
        if self.received_key.is_empty() {
            self.received_key = take(&mut ev.request_received_timestamp.0);
        }
        match stage {
            Stage::RequestReceived if self.received.is_none() => self.received = mark.time,
            Stage::ResponseStarted if self.started.is_none() => self.started = mark.time,
            _ => {}
        }
        if ends {
            self.is_final = true;
            self.completed = mark.time;
        }
        self.stages.insert(stage);
        self.marks.push(mark);
    }

    /// Fold a later fragment of the same request in (stages read from a later chunk or file).
    /// A stage this request already has is a repeat (a line delivered twice): it is left out,
    /// and the number left out is returned.
    pub fn merge(&mut self, mut later: Request<'a>) -> u64 {
        let had = self.stages;
        let before = later.marks.len();
        later.marks.retain(|m| !had.contains(m.stage));
        let repeated = (before - later.marks.len()) as u64;
        fill(&mut self.verb, later.verb);
        fill(&mut self.user, later.user);
        join_vec(&mut self.groups, later.groups);
        fill(&mut self.impersonated_user, later.impersonated_user);
        join_vec(&mut self.impersonated_groups, later.impersonated_groups);
        join_vec(&mut self.source_ips, later.source_ips);
        fill(&mut self.user_agent, later.user_agent);
        fill(&mut self.api_group, later.api_group);
        fill(&mut self.api_version, later.api_version);
        fill(&mut self.resource, later.resource);
        fill(&mut self.subresource, later.subresource);
        fill(&mut self.namespace, later.namespace);
        fill(&mut self.name, later.name);
        fill(&mut self.request_uri, later.request_uri);
        fill(&mut self.level, later.level);
        if later.code.is_some() {
            self.code = later.code;
            self.status_reason = later.status_reason;
            self.status_message = later.status_message;
        }
        if !later.decision.is_empty() {
            self.decision = later.decision;
            self.authz_reason = later.authz_reason;
        }
        self.received = self.received.or(later.received);
        self.started = self.started.or(later.started);
        if later.is_final {
            self.is_final = true;
            self.completed = later.completed;
        }
        self.truncated |= later.truncated;
        if !later.annotations.is_empty() && (later.is_final || self.annotations.is_empty()) {
            self.annotations = later.annotations;
        }
        join_vec(&mut self.extra, later.extra);
        self.body_dry_run = self.body_dry_run.or(later.body_dry_run);
        self.stages = self.stages.union(later.stages);
        self.marks.extend(later.marks);
        repeated
    }

    /// Detach from the input buffer.
    pub fn into_owned(self) -> Request<'static> {
        Request {
            audit_id: own(self.audit_id),
            received_key: own(self.received_key),
            key: self.key,
            cluster: own(self.cluster),
            apiserver: own(self.apiserver),
            verb: own(self.verb),
            user: own(self.user),
            groups: own_vec(self.groups),
            impersonated_user: own(self.impersonated_user),
            impersonated_groups: own_vec(self.impersonated_groups),
            source_ips: self.source_ips.map(own),
            user_agent: own(self.user_agent),
            api_group: own(self.api_group),
            api_version: own(self.api_version),
            resource: own(self.resource),
            subresource: own(self.subresource),
            namespace: own(self.namespace),
            name: own(self.name),
            request_uri: own(self.request_uri),
            level: own(self.level),
            code: self.code,
            status_reason: own(self.status_reason),
            status_message: own(self.status_message),
            decision: own(self.decision),
            authz_reason: own(self.authz_reason),
            received: self.received,
            started: self.started,
            completed: self.completed,
            stages: self.stages,
            is_final: self.is_final,
            truncated: self.truncated,
            annotations: self
                .annotations
                .into_iter()
                .map(|(k, v)| (own(k), own(v)))
                .collect(),
            extra: self
                .extra
                .into_iter()
                .map(|(k, v)| (own(k), own_vec(v)))
                .collect(),
            body_dry_run: self.body_dry_run,
            marks: self
                .marks
                .into_iter()
                .map(|m| Mark {
                    raw: m.raw.map(|r| Cow::Owned(r.into_owned())),
                    ..m
                })
                .collect(),
        }
    }

    /// Give back a ResponseStarted the prefilter skipped, and its time.
    pub fn give_started(&mut self, t: Ts) {
        self.stages.insert(Stage::ResponseStarted);
        if self.started.is_none() {
            self.started = Some(t);
        }
    }

    /// The actor: the impersonated user when there is one, else the authenticated user.
    pub fn effective_user(&self) -> &str {
        if self.impersonated_user.is_empty() {
            &self.user
        } else {
            &self.impersonated_user
        }
    }

    /// When the request arrived; for shapes without `requestReceivedTimestamp`, its first event.
    pub fn time(&self) -> Option<Ts> {
        self.received
            .or_else(|| self.marks.iter().filter_map(|m| m.time).min())
    }

    /// Received → completed, in milliseconds; `None` while incomplete.
    pub fn latency_ms(&self) -> Option<f64> {
        Some(self.received?.millis_until(self.completed?))
    }

    pub fn incomplete(&self) -> bool {
        !self.is_final
    }

    /// A request the client holds open: the API server's own rule (verbs watch and proxy;
    /// subresources exec, attach, portforward, log, proxy), or a ResponseStarted before the
    /// end (a policy may omit that stage, so it cannot be the only sign). Not the lone
    /// ResponseStarted of a failed authentication.
    pub fn long_running(&self) -> bool {
        if matches!(&*self.verb, "watch" | "proxy")
            || matches!(
                &*self.subresource,
                "exec" | "attach" | "portforward" | "log" | "proxy"
            )
        {
            return true;
        }
        self.stages.contains(Stage::ResponseStarted)
            && (!self.is_final
                || self.stages.contains(Stage::ResponseComplete)
                || self.stages.contains(Stage::Panic))
    }

    /// What makes it one request: its auditID, received time, cluster and API server.
    pub fn identity(&self) -> (&str, &str, &str, &str) {
        (
            &self.audit_id,
            &self.received_key,
            &self.cluster,
            &self.apiserver,
        )
    }

    /// File index and line of the last event read.
    pub fn location(&self) -> (u32, u64) {
        self.marks.last().map_or((0, 0), |m| (m.file, m.line))
    }
}

/// What a chunk hands on, in the order of the events that produced it.
#[derive(Debug)]
pub enum Item<'a> {
    /// Complete, and every stage is in this chunk (its RequestReceived included).
    Done(Request<'a>),
    /// Stages that may join others from earlier or later chunks.
    Frag(Request<'a>),
}

/// Folds the events of one chunk. Its requests are built in place in a slab and stay there:
/// the open ones are found by key through an index, and a request that ends is handed on as
/// its slot ([`ChunkCorrelator::push_done`]), so a request (several hundred bytes) is not moved
/// in and out of a hash map, nor into a queue, on its way to being folded.
pub struct ChunkCorrelator<'a> {
    /// Open requests: (scope, auditID, received time) → slot in `slab`.
    open: FxHashMap<(u64, Cow<'a, str>, Cow<'a, str>), u32>,
    /// Open requests without a received time, by scope and auditID: their slots, oldest first
    /// (see [`ChunkCorrelator::push_unkeyed`]).
    unkeyed: FxHashMap<(u64, Cow<'a, str>), Vec<u32>>,
    /// Every request of the chunk (a fragment handed on as an item leaves an empty one).
    pub slab: Vec<Request<'a>>,
    pub items: Vec<Item<'a>>,
    /// Keys of the requests that ended in this chunk (those with a received time, see
    /// [`keyed`]): a stage of one of them read after its end is a repeat or late.
    closed: FxHashSet<u64>,
    /// Stage events left out: a stage its request already had, or one read after its end.
    late: u64,
}

impl Default for ChunkCorrelator<'_> {
    fn default() -> Self {
        ChunkCorrelator::with_slab(Vec::new())
    }
}

impl<'a> ChunkCorrelator<'a> {
    /// A correlator whose requests go into `slab` (empty; its allocation is reused).
    pub fn with_slab(slab: Vec<Request<'a>>) -> Self {
        ChunkCorrelator {
            open: FxHashMap::default(),
            unkeyed: FxHashMap::default(),
            slab,
            items: Vec::new(),
            closed: FxHashSet::with_capacity_and_hasher(1024, Default::default()),
            late: 0,
        }
    }
}

/// What a chunk's correlation leaves once its events are read.
pub struct Finished<'a> {
    /// All items, with the requests still open at the end of the chunk last (in line order).
    pub items: Vec<Item<'a>>,
    /// The chunk's requests; those that ended whole in it are at the slots `push_done` gave.
    pub slab: Vec<Request<'a>>,
    /// Stage events left out (see [`ChunkCorrelator`]).
    pub late: u64,
}

/// Does this event agree with an open request of its auditID (without a received time): the
/// same verb, user and request URI, where both have one?
fn agrees(r: &Request<'_>, ev: &Event<'_>) -> bool {
    let same = |a: &str, b: &str| a.is_empty() || b.is_empty() || a == b;
    same(&r.verb, ev.verb.as_str())
        && same(&r.request_uri, ev.request_uri.as_str())
        && same(
            &r.user,
            ev.user.as_ref().map_or("", |u| u.username.as_str()),
        )
}

/// Is this key a request's identity? One auditID with one received time is one request, so a
/// stage of it read after its end repeats it. Without a received time (logs that do not write
/// `requestReceivedTimestamp`) the auditID alone cannot tell a repeat from a reused auditID
/// (a client-supplied `Audit-ID`): those stages are joined in order, as they come.
fn keyed(received_key: &str) -> bool {
    !received_key.is_empty()
}

impl<'a> ChunkCorrelator<'a> {
    /// Fold one event in. A `whole` event is the only record of its request (see
    /// `input::format::Ev`): it is complete as it stands and joins nothing.
    pub fn push(&mut self, mut ev: Event<'a>, stage: Stage, mark: Mark<'a>, whole: bool) {
        if let Some(slot) = self.push_done(&mut ev, stage, mark, whole) {
            let r = self.take(slot);
            self.items.push(Item::Done(r));
        }
    }

    /// [`push`](Self::push), but a request this event makes [`Item::Done`] (whole in this
    /// chunk) is handed back as its slot in [`slab`](Self::slab) instead of queued, so a worker
    /// can fold it where it is. The event is taken by reference and its fields moved out one
    /// by one: it is large, and moving it whole costs more than reading it.
    #[must_use]
    pub fn push_done(
        &mut self,
        ev: &mut Event<'a>,
        stage: Stage,
        mark: Mark<'a>,
        whole: bool,
    ) -> Option<usize> {
        if whole {
            let mut r = Request::from_event(ev, stage, mark);
            if !r.is_final {
                r.is_final = true;
                r.completed = r.marks.last().and_then(|m| m.time);
            }
            self.slab.push(r);
            return Some(self.slab.len() - 1);
        }
        let ends = ends_request(
            stage,
            ev.response_status.as_ref().and_then(|s| s.code),
            ev.user.as_ref(),
        );
        let scope = scope_hash(ev.cluster.as_str(), ev.apiserver.as_str());
        if !keyed(ev.request_received_timestamp.as_str()) {
            return self.push_unkeyed(ev, stage, mark, ends, scope);
        }
        let key = (
            scope,
            ev.audit_id.0.clone(),
            ev.request_received_timestamp.0.clone(),
        );
        match self.open.entry(key) {
            std::collections::hash_map::Entry::Occupied(o) => {
                let slot = *o.get() as usize;
                let r = &mut self.slab[slot];
                if r.stages.contains(stage) {
                    // the same stage twice: a line delivered twice
                    self.late += 1;
                    return None;
                }
                r.absorb(ev, stage, mark);
                if !ends {
                    return None;
                }
                o.remove();
                self.ended(slot)
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                let keyed = keyed(&v.key().2);
                let h = scoped_key_hash(scope, &v.key().1, &v.key().2);
                if keyed && self.closed.contains(&h) {
                    // its request ended earlier in this chunk
                    self.late += 1;
                    return None;
                }
                let slot = self.slab.len();
                self.slab
                    .push(Request::from_keyed_event(ev, stage, mark, h));
                if !ends {
                    v.insert(u32::try_from(slot).expect("fewer than 2^32 requests a chunk"));
                    return None;
                }
                self.ended(slot)
            }
        }
    }

    /// An event without a received time: its auditID alone cannot tell a repeat from a reused
    /// auditID (a client's own `Audit-ID`), so nothing is a repeat, and requests of one
    /// auditID may be open at once. A RequestReceived starts a request; a later stage joins
    /// the oldest open one that lacks it and agrees with it (verb, user, URI where both have
    /// one), else starts one (which may join one begun in an earlier chunk): stages join in
    /// the order they come, never across requests that say they differ.
    fn push_unkeyed(
        &mut self,
        ev: &mut Event<'a>,
        stage: Stage,
        mark: Mark<'a>,
        ends: bool,
        scope: u64,
    ) -> Option<usize> {
        let list = self
            .unkeyed
            .entry((scope, ev.audit_id.0.clone()))
            .or_default();
        let pick = if stage == Stage::RequestReceived {
            None
        } else {
            list.iter().position(|s| {
                let r = &self.slab[*s as usize];
                !r.stages.contains(stage) && agrees(r, ev)
            })
        };
        let slot = match pick {
            Some(i) => {
                let slot = list[i] as usize;
                self.slab[slot].absorb(ev, stage, mark);
                if !ends {
                    return None;
                }
                list.remove(i);
                slot
            }
            None => {
                let slot = self.slab.len();
                let h = scoped_key_hash(scope, ev.audit_id.as_str(), "");
                self.slab
                    .push(Request::from_keyed_event(ev, stage, mark, h));
                if !ends {
                    list.push(u32::try_from(slot).expect("fewer than 2^32 requests a chunk"));
                    return None;
                }
                slot
            }
        };
        if list.is_empty() {
            self.unkeyed.remove(&(scope, ev.audit_id.0.clone()));
        }
        self.ended(slot)
    }

    /// Did a request of this key end earlier in this chunk?
    pub fn has_ended(&self, key: u64) -> bool {
        self.closed.contains(&key)
    }

    /// Take a request out of its slot (an empty one stays).
    pub fn take(&mut self, slot: usize) -> Request<'a> {
        take(&mut self.slab[slot])
    }

    /// The prefilter skipped the completing line of a request (it cannot match:
    /// `filter::Verdict::SkipFinal`). The line is taken as read without being parsed: its
    /// request ends here, what this chunk holds of it goes, and a stage of it read later is
    /// late, as the full parse would have it. True when the request may have begun before this
    /// chunk (its RequestReceived is not here), so the merger must drop what it holds of it;
    /// false for a repeat of an end this chunk already read.
    pub fn skip_final(
        &mut self,
        key: u64,
        scope: u64,
        audit_id: &'a str,
        received: &'a str,
    ) -> bool {
        if keyed(received) && !self.closed.insert(key) {
            return false;
        }
        match self
            .open
            .remove(&(scope, Cow::Borrowed(audit_id), Cow::Borrowed(received)))
        {
            Some(slot) => {
                let r = self.take(slot as usize);
                !r.stages.contains(Stage::RequestReceived)
            }
            None => true,
        }
    }

    /// A request just ended: Done (its slot) if its RequestReceived is in this chunk, else a
    /// fragment.
    fn ended(&mut self, slot: usize) -> Option<usize> {
        let r = &self.slab[slot];
        if keyed(&r.received_key) {
            self.closed.insert(r.key);
        }
        if r.stages.contains(Stage::RequestReceived) {
            return Some(slot);
        }
        let r = self.take(slot);
        self.items.push(Item::Frag(r));
        None
    }

    /// The items, the slab, and the stage events left out.
    pub fn finish(mut self) -> Finished<'a> {
        let open: Vec<usize> = self
            .open
            .into_values()
            .chain(self.unkeyed.into_values().flatten())
            .map(|s| s as usize)
            .collect();
        let mut rest: Vec<Request<'a>> =
            open.into_iter().map(|s| take(&mut self.slab[s])).collect();
        // unstable (no scratch buffer of Requests per chunk), and ties (the events of one
        // batch line) broken by key, so the order is the same for any thread count
        rest.sort_unstable_by(|a, b| {
            (a.location(), a.identity()).cmp(&(b.location(), b.identity()))
        });
        self.items.extend(rest.into_iter().map(Item::Frag));
        Finished {
            items: self.items,
            slab: self.slab,
            late: self.late,
        }
    }
}

/// Joins fragments across chunks and files, in input order.
pub struct Merger {
    /// Open requests by [`key_hash`], packed ([`Packed`]: a few hundred bytes each), each with
    /// the (rare) others of the same hash.
    open: FxHashMap<u64, Vec<Open>>,
    /// How many requests `open` holds.
    open_len: usize,
    /// The memory they take, about ([`Open::cost`]).
    open_bytes: usize,
    /// The most memory open requests may take ([`DEFAULT_OPEN_MEMORY`]): past it, the oldest
    /// are ended as incomplete ([`Merger::checkpoint`]).
    open_budget: usize,
    /// Requests ended as incomplete because the memory for open requests ran out, and their
    /// keys: a later stage of one is late, and counted here too.
    pub evicted: u64,
    pub evicted_late: u64,
    evicted_keys: Option<Ended>,
    /// Keys of the requests that ended (with a received time, see [`keyed`]): a stage of one
    /// of them read later (a line delivered twice, files read out of order, a writer that
    /// reorders lines) must not make a second request.
    ended: Ended,
    /// Stage events left out: read after their request had ended, or repeating a stage it had.
    pub late_events: u64,
    /// Keys of RequestReceived lines the prefilter skipped (see `filter::Verdict`) whose request
    /// was not seen complete in their chunk: a request completing without its RequestReceived
    /// gets that stage back if its key is here.
    received_skipped: Recent<()>,
    /// Keys and times of ResponseStarted lines the code prefilter skipped, for the request that
    /// completes with a matching code later (see `filter::Verdict::SkipStarted`).
    started_skipped: Recent<Ts>,
}

/// Keys (each with a value) remembered in the order they came, for a rare lookup: a
/// prefiltered scan hands over the keys of its skipped lines by the hundred thousand (a user
/// filter: every RequestReceived) and asks for a few. They are kept in blocks sorted by key:
/// adding a chunk's keys is a move (they come sorted), after which the two newest blocks are
/// merged while the older is not the larger (as a binary counter carries) and the result stays
/// within `limit / 8`: a key is merged about log2 times, and there are a few dozen blocks
/// however few keys each chunk brings; finding a key is a binary search per block. Once more
/// than `limit` keys are held without it, the oldest block is forgotten (so at least the last
/// `limit` are known). A key found is taken: each is given once (a key given twice, the same
/// line read twice, is there twice).
#[derive(Debug)]
struct Recent<V> {
    blocks: std::collections::VecDeque<Block<V>>,
    len: usize,
    limit: usize,
    /// The largest block merging makes (`limit / 8`): the oldest block is forgotten whole.
    cap: usize,
}

/// Keys sorted, and their values in the same order.
#[derive(Debug)]
struct Block<V> {
    keys: Vec<u64>,
    values: Vec<V>,
}

impl<V: Copy> Recent<V> {
    fn new(limit: usize) -> Recent<V> {
        Recent {
            blocks: Default::default(),
            len: 0,
            limit,
            cap: (limit / 8).max(1),
        }
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Add keys, which came after every key added so far.
    fn extend(&mut self, mut pairs: Vec<(u64, V)>) {
        if pairs.is_empty() {
            return;
        }
        pairs.sort_unstable_by_key(|p| p.0);
        self.len += pairs.len();
        let (keys, values) = pairs.into_iter().unzip();
        self.add(Block { keys, values });
    }

    /// Add a sorted block (counted in `len` already).
    fn add(&mut self, block: Block<V>) {
        self.blocks.push_back(block);
        while let [.., older, newer] = self.blocks.make_contiguous()
            && older.keys.len() <= newer.keys.len()
            && older.keys.len() + newer.keys.len() <= self.cap
        {
            let newer = self.blocks.pop_back().expect("two blocks");
            let older = self.blocks.pop_back().expect("two blocks");
            self.blocks.push_back(merged(older, newer));
        }
        while let Some(old) = self.blocks.front()
            && self.blocks.len() > 1
            && self.len - old.keys.len() >= self.limit
        {
            self.len -= old.keys.len();
            self.blocks.pop_front();
        }
    }

    /// Where `key` is: a block and index.
    fn find(&self, key: u64) -> Option<(usize, usize)> {
        if self.len == 0 {
            return None;
        }
        for (b, block) in self.blocks.iter().enumerate().rev() {
            if let Ok(i) = block.keys.binary_search(&key) {
                return Some((b, i));
            }
        }
        None
    }

    #[cfg(test)]
    fn contains(&self, key: u64) -> bool {
        self.find(key).is_some()
    }

    /// Take `key`'s value, if it is held.
    fn take(&mut self, key: u64) -> Option<V> {
        let (b, i) = self.find(key)?;
        let block = &mut self.blocks[b];
        block.keys.remove(i);
        let v = block.values.remove(i);
        self.len -= 1;
        Some(v)
    }
}

/// Two sorted blocks as one.
fn merged<V: Copy>(a: Block<V>, b: Block<V>) -> Block<V> {
    let n = a.keys.len() + b.keys.len();
    let mut out = Block {
        keys: Vec::with_capacity(n),
        values: Vec::with_capacity(n),
    };
    let mut a = a.keys.into_iter().zip(a.values).peekable();
    let mut b = b.keys.into_iter().zip(b.values).peekable();
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x.0 <= y.0 => a.next(),
            (Some(_), Some(_)) | (None, _) => b.next(),
            (Some(_), None) => a.next(),
        };
        let Some((k, v)) = next else { break };
        out.keys.push(k);
        out.values.push(v);
    }
    out
}

impl Recent<()> {
    /// Add keys (see [`Recent::extend`]).
    fn extend_keys(&mut self, mut keys: Vec<u64>) {
        if keys.is_empty() {
            return;
        }
        keys.sort_unstable();
        self.len += keys.len();
        let values = vec![(); keys.len()];
        self.add(Block { keys, values });
    }
}

/// What a request a chunk read whole is, in the merger's eyes ([`Merger::end`]).
pub enum End {
    /// The first of its key.
    First,
    /// A repeat of a request that ended before.
    Repeat,
    /// Its earlier stages, open since earlier chunks, in the order they were kept.
    Joins(Vec<Request<'static>>),
}

/// One open request in [`Merger::open`].
#[derive(Debug)]
struct Open {
    /// Where its first event was read: the oldest are ended first for want of memory.
    first: (u32, u64),
    /// Its stage events, counted as late if it turns out to repeat a request.
    marks: u32,
    /// Where its last event was read ([`Request::location`]): the order of the incomplete.
    loc: (u32, u64),
    /// Its stages ([`StageSet`]).
    stages: u8,
    packed: Packed,
}

/// A request still open at the end of the input, packed: [`Merger::drain`] hands them out in
/// order, and [`Merger::unpack`] makes each a request as it is delivered, so they are never all
/// unpacked at once (a request unpacked takes several times its packed size).
pub struct Left(Open);

impl Open {
    /// Memory held for it, about: its packed bytes, this struct, its map slot and its place
    /// in the order queue.
    fn cost(&self) -> usize {
        self.packed.size() + OPEN_OVERHEAD
    }
}

/// See [`Open::cost`]: what an open request takes besides its packed bytes, as measured (1 M
/// open requests of 365-byte lines, packed in about 160 bytes each, took 490 bytes each more
/// than none: its map slot at the table's load, its `Open`, and the allocator's rounding), so
/// `--max-open-memory` bounds what they really take.
const OPEN_OVERHEAD: usize = 490;

/// Memory for requests still open, by default (`--max-open-memory`): at about 500 bytes
/// each, half a million open at once; an API server holds some thousands of watches.
pub const DEFAULT_OPEN_MEMORY: usize = 256 << 20;

impl Default for Merger {
    fn default() -> Merger {
        Merger::new(DEFAULT_OPEN_MEMORY)
    }
}

impl Merger {
    /// A merger that keeps open requests in up to `open_budget` bytes (0: no bound).
    pub fn new(open_budget: usize) -> Merger {
        Merger {
            open: FxHashMap::default(),
            open_len: 0,
            open_bytes: 0,
            open_budget: if open_budget == 0 {
                usize::MAX
            } else {
                open_budget
            },
            evicted: 0,
            evicted_late: 0,
            evicted_keys: None,
            ended: Ended::new(ENDED_REMEMBERED),
            late_events: 0,
            received_skipped: Recent::new(SKIPPED_REMEMBERED),
            started_skipped: Recent::new(SKIPPED_REMEMBERED),
        }
    }

    /// Keep a request open.
    fn keep_open(&mut self, r: &Request<'_>, at: Option<usize>) {
        let o = Open {
            first: r.marks.first().map_or((0, 0), |m| (m.file, m.line)),
            marks: u32::try_from(r.marks.len()).unwrap_or(u32::MAX),
            loc: r.location(),
            stages: r.stages.0,
            packed: Packed::pack(r),
        };
        self.open_bytes += o.cost();
        self.open_len += 1;
        let v = self
            .open
            .entry(r.key)
            .or_insert_with(|| Vec::with_capacity(1));
        // in its place among those of its key (the order they began in)
        let at = at.unwrap_or(v.len()).min(v.len());
        v.insert(at, o);
    }

    /// Take the open request of this key out, if there is one.
    /// With a received time the key is the request's; without one (see
    /// `ChunkCorrelator::push_unkeyed`) the fragment joins the oldest open request of its
    /// auditID that has none of its stages and agrees with it (verb, user, URI where both have
    /// one). Its place among those open is handed back too, to keep it there if it stays open.
    fn take_open(&mut self, frag: &Request<'_>) -> Option<(Request<'static>, usize)> {
        let v = self.open.get_mut(&frag.key)?;
        let same = |o: &Open| o.packed.key() == frag.identity();
        let i = if keyed(&frag.received_key) {
            v.iter().position(same)?
        } else {
            v.iter()
                .position(|o| same(o) && o.stages & frag.stages.0 == 0 && o.packed.agrees(frag))?
        };
        let o = v.remove(i);
        if v.is_empty() {
            self.open.remove(&frag.key);
        }
        self.left_open(&o);
        Some((o.packed.unpack(), i))
    }

    /// Take every open request of this hash out; their stage events.
    fn drop_open(&mut self, h: u64) -> u64 {
        let Some(v) = self.open.remove(&h) else {
            return 0;
        };
        v.iter()
            .map(|o| {
                self.left_open(o);
                u64::from(o.marks)
            })
            .sum()
    }

    fn left_open(&mut self, o: &Open) {
        self.open_len -= 1;
        self.open_bytes -= o.cost();
    }

    /// A checkpoint of the input (`scan::CHECKPOINT`): what the merger holds here is the same
    /// however the input was cut into chunks, so what it decides here is too. While the open
    /// requests take more memory than allowed (`--max-open-memory`), the oldest (by where
    /// their first event was read) end here as incomplete, handed back to be counted and
    /// shown, and their keys are remembered, so a later stage of one is late
    /// (`evicted_late`). They are handed back packed, in that order, to be unpacked one at a
    /// time ([`Merger::unpack`]): a checkpoint may end tens of thousands. The keys of ended
    /// requests start a new generation here when the current one is full.
    pub fn checkpoint(&mut self) -> Vec<Left> {
        self.ended.rotate();
        if self.open_bytes <= self.open_budget {
            return Vec::new();
        }
        // the open requests by where their first event was read (ties, the events of one batch
        // line, by key), as (first, hash, index in its slot): no copy of their keys
        let mut all: Vec<((u32, u64), u64, u32)> = self
            .open
            .iter()
            .flat_map(|(h, v)| (0..v.len()).map(move |i| (v[i].first, *h, i as u32)))
            .collect();
        let open = &self.open;
        let key = |h: u64, i: u32| open[&h][i as usize].packed.key();
        all.sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| key(a.1, a.2).cmp(&key(b.1, b.2)))
        });
        let mut free = self.open_bytes - self.open_budget;
        let mut gone: Vec<(u64, u32, usize)> = Vec::new();
        for (pos, &(_, h, i)) in all.iter().enumerate() {
            if free == 0 {
                break;
            }
            free = free.saturating_sub(open[&h][i as usize].cost());
            gone.push((h, i, pos));
        }
        drop(all);
        // taken out of their slots from the last index down, then put back in eviction order
        gone.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut out: Vec<(usize, Left)> = Vec::with_capacity(gone.len());
        for (h, i, pos) in gone {
            let Some(v) = self.open.get_mut(&h) else {
                continue;
            };
            let o = v.remove(i as usize);
            if v.is_empty() {
                self.open.remove(&h);
            }
            self.left_open(&o);
            if keyed(o.packed.key().1) {
                self.ended.insert(h);
                // (only to count their late stages in the note: fewer are remembered)
                self.evicted_keys
                    .get_or_insert_with(|| Ended::new(ENDED_REMEMBERED / 4))
                    .insert(h);
            }
            self.evicted += 1;
            out.push((pos, Left(o)));
        }
        if let Some(e) = &mut self.evicted_keys {
            e.rotate();
        }
        out.sort_unstable_by_key(|(pos, _)| *pos);
        out.into_iter().map(|(_, l)| l).collect()
    }
}

/// How many skipped RequestReceived keys the merger remembers: about 500 MB of log.
pub const SKIPPED_REMEMBERED: usize = 1 << 18;

/// How many keys of ended requests the merger remembers at least (at most twice as many): a
/// stage read after its request ended is known as such if at most this many requests ended
/// since (about 2 GB of log); further away, it is read as the start of another request.
pub const ENDED_REMEMBERED: usize = 1 << 20;

/// Keys in two generations: a new one starts when the current one is full, and the one
/// before it is forgotten. Each key is one hash-set insert, and a lookup two probes.
#[derive(Debug)]
struct Ended {
    now: FxHashSet<u64>,
    old: FxHashSet<u64>,
    limit: usize,
}

impl Ended {
    fn new(limit: usize) -> Ended {
        Ended {
            now: FxHashSet::default(),
            old: FxHashSet::default(),
            limit: limit.max(1),
        }
    }

    fn insert(&mut self, key: u64) {
        self.first(key);
    }

    /// Insert `key`; false if it was there already (in either generation).
    fn first(&mut self, key: u64) -> bool {
        !self.old.contains(&key) && self.now.insert(key)
    }

    /// At a checkpoint: a full generation becomes the old one, and the one before is forgotten
    /// (only here, so which keys are known is the same however the input was read).
    fn rotate(&mut self) {
        if self.now.len() >= self.limit {
            self.old = take(&mut self.now);
        }
    }

    fn contains(&self, key: u64) -> bool {
        self.now.contains(&key) || self.old.contains(&key)
    }
}

pub fn key_hash(audit_id: &str, received: &str) -> u64 {
    key_hash_bytes(audit_id.as_bytes(), received.as_bytes())
}

/// [`key_hash`] of a request of this scope ([`scope_hash`]; 0: none).
pub fn scoped_key_hash(scope: u64, audit_id: &str, received: &str) -> u64 {
    scoped_key_hash_bytes(scope, audit_id.as_bytes(), received.as_bytes())
}

/// Which cluster and API server a request comes from, as one number: 0 when neither is known,
/// else a hash keyed as [`key_hash_bytes`]'s is (names come from the logs, so nobody can make
/// two scopes collide). Requests of two scopes never join, even with one auditID and received
/// time: the stages of one request are written by one API server.
pub fn scope_hash(cluster: &str, apiserver: &str) -> u64 {
    if cluster.is_empty() && apiserver.is_empty() {
        return 0;
    }
    key_hash_bytes(cluster.as_bytes(), apiserver.as_bytes()).max(1)
}

/// [`key_hash`] of the bytes of an auditID and requestReceivedTimestamp, as a line holds them
/// (the prefilter reads them in place, without checking their UTF-8: a line that is not UTF-8
/// is never parsed, so its key is never asked for).
///
/// Only these hashes are kept of requests that ended or lines that were skipped, so two keys of
/// one hash would be taken for one request. Both halves come from the log (a client sets its
/// `Audit-ID`), so the hash is keyed with a random key per process (std's SipHash-1-3, as
/// `HashMap` is against collision attacks): nobody can write two keys that collide, and
/// honest keys collide with a chance of about n²/2⁶⁵.
pub fn key_hash_bytes(audit_id: &[u8], received: &[u8]) -> u64 {
    scoped_key_hash_bytes(0, audit_id, received)
}

/// [`key_hash_bytes`] of a request of this scope ([`scope_hash`]; 0: none).
pub fn scoped_key_hash_bytes(scope: u64, audit_id: &[u8], received: &[u8]) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    static KEY: std::sync::LazyLock<std::hash::RandomState> =
        std::sync::LazyLock::new(std::hash::RandomState::new);
    let mut h = KEY.build_hasher();
    // the length first: the two halves cannot run into each other
    if scope != 0 {
        h.write_u64(scope);
    }
    h.write_usize(audit_id.len());
    h.write(audit_id);
    h.write(received);
    h.finish()
}

impl Merger {
    /// Remember RequestReceived lines the prefilter skipped, by key: the most recent
    /// [`SKIPPED_REMEMBERED`] (a request that completes further away than that, with a filter on
    /// user or code, is shown without its RequestReceived stage).
    pub fn received_skipped(&mut self, keys: Vec<u64>) {
        self.received_skipped.extend_keys(keys);
    }

    /// Completing lines the prefilter skipped (see `filter::Verdict::SkipFinal`), by key: their
    /// requests cannot match. What is open of them goes, and their later events are late, as
    /// they would be had the line been read.
    pub fn final_skipped(&mut self, keys: Vec<u64>) {
        if keys.is_empty() {
            return;
        }
        for k in keys {
            if !self.open.is_empty() {
                self.drop_open(k);
            }
            self.ended.insert(k);
        }
    }

    /// A request a chunk read whole (with a received time, see [`keyed`]) ended: a repeat if
    /// one of its key ended before (a line delivered twice, far apart). Otherwise its key is
    /// remembered, and what is still open under it (stages of it read in earlier chunks: its
    /// RequestReceived and ResponseStarted, then the whole request again in a retried batch)
    /// is handed back to be joined with it.
    pub fn end(&mut self, key: u64) -> End {
        if !self.ended.first(key) {
            return End::Repeat;
        }
        if self.open.is_empty() {
            return End::First;
        }
        match self.open.remove(&key) {
            None => End::First,
            Some(v) => {
                for o in &v {
                    self.left_open(o);
                }
                End::Joins(v.into_iter().map(|o| o.packed.unpack()).collect())
            }
        }
    }

    /// Remember ResponseStarted lines the prefilter skipped, by key, with their time: the most
    /// recent [`SKIPPED_REMEMBERED`].
    pub fn started_skipped(&mut self, mut started: Vec<(u64, Ts)>) {
        // one read after its request ended (in an earlier chunk) is late, not given back
        started.retain(|(k, _)| !self.ended.contains(*k));
        self.started_skipped.extend(started);
    }

    /// Take one fragment; returns the request if it is now complete.
    pub fn frag(&mut self, frag: Request<'_>) -> Option<Request<'static>> {
        let h = frag.key;
        let keyed = keyed(&frag.received_key);
        if keyed && self.ended.contains(h) {
            self.late_events += frag.marks.len() as u64;
            if let Some(e) = &self.evicted_keys
                && e.contains(h)
            {
                self.evicted_late += frag.marks.len() as u64;
            }
            return None;
        }
        let earlier = if self.open.is_empty() {
            None
        } else {
            self.take_open(&frag)
        };
        let at = earlier.as_ref().map(|(_, at)| *at);
        let mut req = match earlier {
            Some((mut earlier, _)) => {
                self.late_events += earlier.merge(frag.into_owned());
                earlier
            }
            None => frag.into_owned(),
        };
        if req.is_final {
            if !req.stages.contains(Stage::ResponseStarted)
                && !self.started_skipped.is_empty()
                && let Some(t) = self.started_skipped.take(h)
            {
                req.give_started(t);
            }
            if !req.stages.contains(Stage::RequestReceived)
                && !self.received_skipped.is_empty()
                && self.received_skipped.take(h).is_some()
            {
                req.stages.insert(Stage::RequestReceived);
            }
            if keyed {
                self.ended.insert(h);
            }
            Some(req)
        } else {
            self.keep_open(&req, at);
            None
        }
    }

    /// Requests still open: at the end of the input these are the incomplete ones.
    pub fn open_count(&self) -> usize {
        self.open_len
    }

    /// The incomplete requests, in the order of their last event, still packed: unpack each
    /// as it is delivered ([`Merger::unpack`]).
    pub fn drain(&mut self) -> Vec<Left> {
        self.open_len = 0;
        self.open_bytes = 0;
        let mut v: Vec<Left> = self.open.drain().flat_map(|(_, v)| v).map(Left).collect();
        // the order of their last event; the events of one batch line share a location, so
        // their keys decide (the order is the same however they were read)
        v.sort_unstable_by(|a, b| {
            a.0.loc
                .cmp(&b.0.loc)
                .then_with(|| a.0.packed.key().cmp(&b.0.packed.key()))
        });
        v
    }

    /// An incomplete request of [`Merger::drain`], unpacked.
    pub fn unpack(&mut self, left: Left) -> Request<'static> {
        let mut r = left.0.packed.unpack();
        // an impersonated request still open: its RequestReceived may have been skipped too
        if !r.stages.contains(Stage::RequestReceived)
            && !self.received_skipped.is_empty()
            && self.received_skipped.take(r.key).is_some()
        {
            r.stages.insert(Stage::RequestReceived);
        }
        r
    }
}

#[cfg(test)]
mod tests;
