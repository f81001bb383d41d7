//! Stages → requests. The events of one request share (`auditID`, `requestReceivedTimestamp`);
//! this module folds them into one [`Request`] with its latency, final code and the stages seen.
//!
//! Two levels: [`ChunkCorrelator`] folds the events of one chunk, borrowing from the input, and
//! hands back requests that are whole within the chunk (`Item::Done`) plus fragments whose other
//! stages may lie in other chunks or files (`Item::Frag`). [`Merger`] receives chunk results in
//! order, joins fragments across chunks and files, and keeps only requests still open, so memory
//! is bounded by open requests, not input size. Filtering and aggregation happen elsewhere.
//!
//! The parts: this file holds the [`Request`] (and how each event fills it) and the key
//! hashes; `fold.rs` the [`ChunkCorrelator`], `merger.rs` the [`Merger`], `packed.rs` an open
//! request packed, `meaning.rs` what a request means beyond its fields, `bodies.rs` its bodies
//! read from its raw lines.

use std::borrow::Cow;
use std::mem::take;

use crate::event::{Event, Stage, StageSet, Str, Ts, UserInfo};

mod bodies;
mod fold;
pub mod meaning;
mod merger;
mod packed;

pub use bodies::{Bodies, BodyReader};
pub use fold::{ChunkCorrelator, Finished, Item};
pub use merger::{DEFAULT_OPEN_MEMORY, ENDED_REMEMBERED, End, Left, Merger, SKIPPED_REMEMBERED};

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
pub(super) fn ends_request(stage: Stage, code: Option<i64>, user: Option<&UserInfo>) -> bool {
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

#[cfg(test)]
mod tests;
