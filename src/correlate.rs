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

use rustc_hash::FxHashMap;

use crate::event::{Event, Stage, StageSet, Str, Ts, UserInfo};

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
        let mut r = Request {
            audit_id: ev.audit_id.0.clone(),
            received_key: ev.request_received_timestamp.0.clone(),
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
        }
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
    pub fn merge(&mut self, later: Request<'a>) {
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
        self.stages = self.stages.union(later.stages);
        self.marks.extend(later.marks);
    }

    /// Detach from the input buffer.
    pub fn into_owned(self) -> Request<'static> {
        Request {
            audit_id: own(self.audit_id),
            received_key: own(self.received_key),
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

/// Folds the events of one chunk.
#[derive(Default)]
pub struct ChunkCorrelator<'a> {
    open: FxHashMap<(Cow<'a, str>, Cow<'a, str>), Request<'a>>,
    pub items: Vec<Item<'a>>,
}

impl<'a> ChunkCorrelator<'a> {
    /// Fold one event in. A `whole` event is the only record of its request (see
    /// `input::format::Ev`): it is complete as it stands and joins nothing.
    pub fn push(&mut self, mut ev: Event<'a>, stage: Stage, mark: Mark<'a>, whole: bool) {
        if let Some(r) = self.push_done(&mut ev, stage, mark, whole) {
            self.items.push(Item::Done(r));
        }
    }

    /// [`push`](Self::push), but a request this event makes [`Item::Done`] is handed back
    /// instead of queued, so a worker can fold it at once (and never move it into `items`). The
    /// event is taken by reference and its fields moved out one by one: it is large, and moving
    /// it whole costs more than reading it.
    #[must_use]
    pub fn push_done(
        &mut self,
        ev: &mut Event<'a>,
        stage: Stage,
        mark: Mark<'a>,
        whole: bool,
    ) -> Option<Request<'a>> {
        if whole {
            let mut r = Request::from_event(ev, stage, mark);
            if !r.is_final {
                r.is_final = true;
                r.completed = r.marks.last().and_then(|m| m.time);
            }
            return Some(r);
        }
        let ends = ends_request(
            stage,
            ev.response_status.as_ref().and_then(|s| s.code),
            ev.user.as_ref(),
        );
        let key = (
            ev.audit_id.0.clone(),
            ev.request_received_timestamp.0.clone(),
        );
        if ends {
            let req = match self.open.remove(&key) {
                Some(mut r) => {
                    r.absorb(ev, stage, mark);
                    r
                }
                None => Request::from_event(ev, stage, mark),
            };
            if req.stages.contains(Stage::RequestReceived) {
                return Some(req);
            }
            self.items.push(Item::Frag(req));
        } else {
            match self.open.entry(key) {
                std::collections::hash_map::Entry::Occupied(mut o) => {
                    o.get_mut().absorb(ev, stage, mark)
                }
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(Request::from_event(ev, stage, mark));
                }
            }
        }
        None
    }

    /// All items, with the requests still open at the end of the chunk last (in line order).
    pub fn finish(mut self) -> Vec<Item<'a>> {
        let mut rest: Vec<Request<'a>> = self.open.into_values().collect();
        // unstable (no scratch buffer of Requests per chunk), and ties (the events of one
        // batch line) broken by key, so the order is the same for any thread count
        rest.sort_unstable_by(|a, b| {
            (a.location(), &a.audit_id, &a.received_key).cmp(&(
                b.location(),
                &b.audit_id,
                &b.received_key,
            ))
        });
        self.items.extend(rest.into_iter().map(Item::Frag));
        self.items
    }
}

/// Joins fragments across chunks and files, in input order.
pub struct Merger {
    /// Open requests by [`key_hash`], each with the (rare) others of the same hash, in a Vec:
    /// the map is rehashed as requests come and go, and a Request is large.
    open: FxHashMap<u64, Vec<Request<'static>>>,
    /// How many requests `open` holds.
    open_len: usize,
    /// Hashes of the keys of requests that completed without their RequestReceived (most
    /// recent last). Its RequestReceived may still come, when files are read out of order or a
    /// writer reorders lines; it must then not open a second, never-completed request.
    completed: Recent<()>,
    /// Stage events that arrived after their request had been completed and handed on.
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
    /// Keys added one at a time, not yet sorted into a block.
    loose: Vec<(u64, V)>,
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

/// How many keys added one at a time make a block.
const LOOSE: usize = 256;

impl<V: Copy> Recent<V> {
    fn new(limit: usize) -> Recent<V> {
        Recent {
            blocks: Default::default(),
            loose: Vec::new(),
            len: 0,
            limit,
            cap: (limit / 8).max(1),
        }
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Add one key.
    fn push(&mut self, key: u64, value: V) {
        self.loose.push((key, value));
        self.len += 1;
        if self.loose.len() >= LOOSE {
            self.seal();
        }
    }

    /// Add keys, which came after every key added so far.
    fn extend(&mut self, mut pairs: Vec<(u64, V)>) {
        if pairs.is_empty() {
            return;
        }
        pairs.sort_unstable_by_key(|p| p.0);
        self.seal();
        self.len += pairs.len();
        let (keys, values) = pairs.into_iter().unzip();
        self.add(Block { keys, values });
    }

    /// The loose keys become a block.
    fn seal(&mut self) {
        if self.loose.is_empty() {
            return;
        }
        let mut pairs = std::mem::take(&mut self.loose);
        pairs.sort_unstable_by_key(|p| p.0);
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

    /// Where `key` is: in `loose` (`None`), or a block and index.
    fn find(&self, key: u64) -> Option<Option<(usize, usize)>> {
        if self.len == 0 {
            return None;
        }
        if self.loose.iter().any(|p| p.0 == key) {
            return Some(None);
        }
        for (b, block) in self.blocks.iter().enumerate().rev() {
            if let Ok(i) = block.keys.binary_search(&key) {
                return Some(Some((b, i)));
            }
        }
        None
    }

    fn contains(&self, key: u64) -> bool {
        self.find(key).is_some()
    }

    /// Take `key`'s value, if it is held.
    fn take(&mut self, key: u64) -> Option<V> {
        let v = match self.find(key)? {
            None => {
                let at = self.loose.iter().position(|p| p.0 == key)?;
                self.loose.swap_remove(at).1
            }
            Some((b, i)) => {
                let block = &mut self.blocks[b];
                block.keys.remove(i);
                block.values.remove(i)
            }
        };
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
        self.seal();
        self.len += keys.len();
        let values = vec![(); keys.len()];
        self.add(Block { keys, values });
    }
}

impl Default for Merger {
    fn default() -> Merger {
        Merger {
            open: FxHashMap::default(),
            open_len: 0,
            completed: Recent::new(REMEMBERED),
            late_events: 0,
            received_skipped: Recent::new(SKIPPED_REMEMBERED),
            started_skipped: Recent::new(SKIPPED_REMEMBERED),
        }
    }
}

/// How many skipped RequestReceived keys the merger remembers: about 500 MB of log.
pub const SKIPPED_REMEMBERED: usize = 1 << 18;

/// How many completed keys the merger remembers.
const REMEMBERED: usize = 1 << 16;

pub fn key_hash(audit_id: &str, received: &str) -> u64 {
    key_hash_bytes(audit_id.as_bytes(), received.as_bytes())
}

/// [`key_hash`] of the bytes of an auditID and requestReceivedTimestamp, as a line holds them
/// (the prefilter reads them in place, without checking their UTF-8: a line that is not UTF-8
/// is never parsed, so its key is never asked for).
pub fn key_hash_bytes(audit_id: &[u8], received: &[u8]) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = rustc_hash::FxBuildHasher.build_hasher();
    // FxHasher's `write` folds the length in: the two cannot run into each other
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
    pub fn final_skipped(&mut self, mut keys: Vec<u64>) {
        if keys.is_empty() {
            return;
        }
        keys.sort_unstable();
        if self.open.len() < keys.len() {
            let mut gone = 0;
            self.open.retain(|h, v| {
                let keep = keys.binary_search(h).is_err();
                if !keep {
                    gone += v.len();
                }
                keep
            });
            self.open_len -= gone;
        } else {
            for k in &keys {
                if let Some(v) = self.open.remove(k) {
                    self.open_len -= v.len();
                }
            }
        }
        self.completed.extend_keys(keys);
    }

    /// Remember ResponseStarted lines the prefilter skipped, by key, with their time: the most
    /// recent [`SKIPPED_REMEMBERED`].
    pub fn started_skipped(&mut self, started: Vec<(u64, Ts)>) {
        self.started_skipped.extend(started);
    }

    /// Take one fragment; returns the request if it is now complete.
    pub fn frag(&mut self, frag: Request<'_>) -> Option<Request<'static>> {
        if !frag.is_final
            && !self.completed.is_empty()
            && self
                .completed
                .contains(key_hash(&frag.audit_id, &frag.received_key))
        {
            self.late_events += frag.marks.len() as u64;
            return None;
        }
        let h = key_hash(&frag.audit_id, &frag.received_key);
        let mut earlier = None;
        if let Some(v) = self.open.get_mut(&h)
            && let Some(i) = v
                .iter()
                .position(|r| r.audit_id == frag.audit_id && r.received_key == frag.received_key)
        {
            earlier = Some(v.swap_remove(i));
            if v.is_empty() {
                self.open.remove(&h);
            }
            self.open_len -= 1;
        }
        let mut req = match earlier {
            Some(mut earlier) => {
                earlier.merge(frag.into_owned());
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
            if !req.stages.contains(Stage::RequestReceived) {
                if self.received_skipped.take(h).is_some() {
                    req.stages.insert(Stage::RequestReceived);
                } else {
                    self.remember(h);
                }
            }
            Some(req)
        } else {
            self.open.entry(h).or_default().push(req);
            self.open_len += 1;
            None
        }
    }

    fn remember(&mut self, h: u64) {
        self.completed.push(h, ());
    }

    /// Requests still open: at the end of the input these are the incomplete ones.
    pub fn open_count(&self) -> usize {
        self.open_len
    }

    /// The incomplete requests, in the order of their last event.
    pub fn drain(&mut self) -> Vec<Request<'static>> {
        self.open_len = 0;
        let mut v: Vec<Request<'static>> = self.open.drain().flat_map(|(_, v)| v).collect();
        v.sort_by_key(|r| r.location());
        // an impersonated request still open: its RequestReceived may have been skipped too
        for r in &mut v {
            if !r.stages.contains(Stage::RequestReceived)
                && !self.received_skipped.is_empty()
                && self
                    .received_skipped
                    .take(key_hash(&r.audit_id, &r.received_key))
                    .is_some()
            {
                r.stages.insert(Stage::RequestReceived);
            }
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_keys_are_given_once_and_the_last_limit_are_kept() {
        let mut r: Recent<u32> = Recent::new(1000);
        assert!(r.is_empty() && r.take(1).is_none());
        // blocks of 100 keys, most recent last; key k has value k
        for b in 0..30u64 {
            r.extend(
                (b * 100..b * 100 + 100)
                    .rev()
                    .map(|k| (k, k as u32))
                    .collect(),
            );
        }
        // at least the last 1000 are known, not much more
        assert!((2000..3000).all(|k| r.contains(k)));
        assert!(!r.contains(0) && !r.contains(1899));
        assert_eq!(r.take(2500), Some(2500));
        assert_eq!(r.take(2500), None, "taken once");
        assert!(r.contains(2501));
        // the same key twice is there twice
        r.extend(vec![(7, 1), (7, 2)]);
        let two = [r.take(7), r.take(7)];
        assert!(two.contains(&Some(1)) && two.contains(&Some(2)));
        assert_eq!(r.take(7), None);
        // keys one at a time: found before and after they make a block
        let mut one: Recent<()> = Recent::new(10 * LOOSE);
        for k in 0..(3 * LOOSE as u64 + 5) {
            one.push(k * 3, ());
        }
        assert!(one.loose.len() == 5 && one.blocks.len() == 3);
        assert!(one.contains(0) && one.contains(3 * (3 * LOOSE as u64 + 4)));
        assert!(!one.contains(1));
        assert_eq!(one.take(3 * (3 * LOOSE as u64 + 4)), Some(()));
        assert!(!one.contains(3 * (3 * LOOSE as u64 + 4)));
        one.extend_keys(vec![5, 2, 9]);
        assert!(one.loose.is_empty(), "sealed before a later block");
        assert!([2, 5, 9, 0].iter().all(|k| one.contains(*k)));
        // many chunks of a few keys each: small blocks take in the next, so a lookup stays a
        // binary search in a few blocks
        let mut few: Recent<()> = Recent::new(64_000);
        for c in 0..100_000u64 {
            few.extend_keys(vec![c * 2 + 1, c * 2]);
        }
        assert!(few.blocks.len() <= 70, "{} blocks", few.blocks.len());
        assert!(few.blocks.iter().all(|b| b.keys.is_sorted()));
        assert!((200_000 - 64_000..200_000).all(|k| few.contains(k)));
        assert!(!few.contains(0) && !few.contains(200_000));
        assert_eq!(few.take(199_999), Some(()));
        assert!(!few.contains(199_999));
    }

    fn ev(line: &str) -> (Event<'_>, Stage) {
        let e: Event = serde_json::from_str(line).unwrap();
        let s = Stage::parse(e.stage.as_str()).unwrap();
        (e, s)
    }

    fn mark(stage: Stage, line: u64) -> Mark<'static> {
        Mark {
            stage,
            time: None,
            code: None,
            file: 0,
            line,
            raw: None,
        }
    }

    const RR: &str = r#"{"auditID":"a","stage":"RequestReceived","verb":"create","user":{"username":"ops"},"objectRef":{"resource":"configmaps","namespace":"prod"},"requestReceivedTimestamp":"2026-01-01T00:00:00.000000Z","stageTimestamp":"2026-01-01T00:00:00.000000Z"}"#;
    const RC: &str = r#"{"auditID":"a","stage":"ResponseComplete","verb":"create","user":{"username":"ops"},"impersonatedUser":{"username":"eve"},"objectRef":{"resource":"configmaps","namespace":"prod","name":"x"},"responseStatus":{"code":201},"annotations":{"authorization.k8s.io/decision":"allow"},"requestReceivedTimestamp":"2026-01-01T00:00:00.000000Z","stageTimestamp":"2026-01-01T00:00:00.250000Z"}"#;

    #[test]
    fn later_stages_fill_what_early_ones_lack() {
        let mut c = ChunkCorrelator::default();
        let (e, s) = ev(RR);
        c.push(e, s, mark(s, 1), false);
        let (e, s) = ev(RC);
        let mut m = mark(s, 2);
        m.time = Ts::parse("2026-01-01T00:00:00.250000Z");
        c.push(e, s, m, false);
        let items = c.finish();
        assert_eq!(items.len(), 1);
        let Item::Done(r) = &items[0] else { panic!() };
        assert_eq!(r.name, "x");
        assert_eq!(r.impersonated_user, "eve");
        assert_eq!(r.effective_user(), "eve");
        assert_eq!(r.code, Some(201));
        assert_eq!(r.decision, "allow");
        assert_eq!(r.latency_ms(), Some(250.0));
        assert_eq!(r.location(), (0, 2));
    }

    /// One source IP is held inline and the event keeps its list (emptied, for the next line
    /// to read into); two are kept in order; the first event's list wins; owned copies agree.
    #[test]
    fn source_ips_one_inline_several_in_order() {
        let one = RR.replace(r#""verb""#, r#""sourceIPs":["10.0.0.1"],"verb""#);
        let (mut e, s) = ev(&one);
        let cap = e.source_ips.capacity();
        let mut r = Request::from_event(&mut e, s, mark(s, 1));
        assert!(matches!(r.source_ips, List::One(ref ip) if ip == "10.0.0.1"));
        assert!(e.source_ips.is_empty() && e.source_ips.capacity() == cap && cap > 0);
        let two = RC.replace(r#""verb""#, r#""sourceIPs":["10.9.9.9","10.0.0.2"],"verb""#);
        let (mut e, s) = ev(&two);
        r.absorb(&mut e, s, mark(s, 2));
        assert_eq!(
            &*r.source_ips,
            ["10.0.0.1"],
            "the first event's list is kept"
        );
        assert_eq!(e.source_ips.len(), 2, "and the later one left to the event");
        let (mut e, s) = ev(&two);
        let r2 = Request::from_event(&mut e, s, mark(s, 1)).into_owned();
        assert!(matches!(r2.source_ips, List::Many(_)));
        assert_eq!(&*r2.source_ips, ["10.9.9.9", "10.0.0.2"]);
        assert_eq!(r2.source_ips.last().map(|s| &**s), Some("10.0.0.2"));
        let (mut e, s) = ev(RR);
        let r3 = Request::from_event(&mut e, s, mark(s, 1));
        assert_eq!(r3.source_ips, List::Empty);
        assert!(r3.source_ips.is_empty());
        assert_eq!(List::from(vec![1]), List::One(1));
        assert_eq!(List::from(Vec::<u8>::new()), List::Empty);
        assert_eq!(
            List::from(vec![1, 2]).map(|x| x * 10),
            List::Many(vec![10, 20])
        );
    }

    /// A completing line the code prefilter skipped: the request's open part goes at once (not
    /// held to the end of the input), and a stage of it that comes later is late.
    #[test]
    fn a_skipped_completion_drops_its_open_request() {
        let mut m = Merger::default();
        let mut c = ChunkCorrelator::default();
        let (e, s) = ev(RR);
        c.push(e, s, mark(s, 1), false);
        for it in c.finish() {
            let Item::Frag(f) = it else { panic!() };
            assert!(m.frag(f).is_none());
        }
        let other = key_hash("b", "2026-01-01T00:00:00.000000Z");
        m.final_skipped(vec![other]);
        assert_eq!(m.open_count(), 1, "another request's key");
        m.final_skipped(vec![key_hash("a", "2026-01-01T00:00:00.000000Z")]);
        assert_eq!(m.open_count(), 0);
        let mut c = ChunkCorrelator::default();
        let rs = RR.replace("RequestReceived", "ResponseStarted");
        let (e, s) = ev(&rs);
        c.push(e, s, mark(s, 9), false);
        for it in c.finish() {
            let Item::Frag(f) = it else { panic!() };
            assert!(m.frag(f).is_none());
        }
        assert_eq!(m.open_count(), 0);
        assert_eq!(m.late_events, 1);
    }

    #[test]
    fn stages_split_across_chunks_meet_in_the_merger() {
        let mut m = Merger::default();
        let mut c1 = ChunkCorrelator::default();
        let (e, s) = ev(RR);
        c1.push(e, s, mark(s, 1), false);
        let items = c1.finish();
        assert!(matches!(&items[..], [Item::Frag(_)]));
        for it in items {
            let Item::Frag(f) = it else { panic!() };
            assert!(m.frag(f).is_none());
        }
        assert_eq!(m.open_count(), 1);
        let mut c2 = ChunkCorrelator::default();
        let (e, s) = ev(RC);
        c2.push(e, s, mark(s, 9), false);
        let Item::Frag(f) = c2.finish().pop().unwrap() else {
            panic!()
        };
        let done = m.frag(f).expect("complete");
        assert_eq!(done.stages.joined(), "RequestReceived+ResponseComplete");
        assert_eq!(done.name, "x");
        assert_eq!(m.open_count(), 0);
    }

    #[test]
    fn failed_authentication_is_a_complete_401() {
        let line = r#"{"auditID":"f","stage":"ResponseStarted","verb":"list","user":{},"responseStatus":{"code":401},"requestReceivedTimestamp":"2026-01-01T00:00:00Z"}"#;
        let mut c = ChunkCorrelator::default();
        let (e, s) = ev(line);
        c.push(e, s, mark(s, 1), false);
        let Item::Frag(f) = c.finish().pop().unwrap() else {
            panic!()
        };
        let r = Merger::default().frag(f).expect("a 401 ends the request");
        assert_eq!(r.code, Some(401));
        assert!(!r.incomplete());
        assert!(
            !r.long_running(),
            "a failed authentication is not long-running"
        );
    }

    #[test]
    fn a_watch_start_does_not_end_the_request() {
        let line = r#"{"auditID":"w","stage":"ResponseStarted","verb":"watch","user":{"username":"u"},"responseStatus":{"code":200}}"#;
        let mut m = Merger::default();
        let mut c = ChunkCorrelator::default();
        let (e, s) = ev(line);
        c.push(e, s, mark(s, 1), false);
        for it in c.finish() {
            let Item::Frag(f) = it else { panic!() };
            assert!(m.frag(f).is_none());
        }
        let inc = m.drain();
        assert_eq!(inc.len(), 1);
        assert!(inc[0].incomplete() && inc[0].long_running());
    }

    #[test]
    fn a_request_received_after_its_completion_is_not_a_second_request() {
        // files read newest first, or a writer that reordered lines
        let mut m = Merger::default();
        let mut c = ChunkCorrelator::default();
        let (e, s) = ev(RC);
        c.push(e, s, mark(s, 1), false);
        let (e, s) = ev(RR);
        c.push(e, s, mark(s, 2), false);
        let mut done = Vec::new();
        for it in c.finish() {
            let (Item::Frag(f) | Item::Done(f)) = it;
            done.extend(m.frag(f));
        }
        assert_eq!(done.len(), 1);
        assert_eq!(m.open_count(), 0, "no phantom incomplete request");
        assert_eq!(m.late_events, 1);
    }

    #[test]
    fn same_audit_id_different_received_time_are_two_requests() {
        let mut c = ChunkCorrelator::default();
        let (e, s) = ev(RR);
        c.push(e, s, mark(s, 1), false);
        let other = RR.replace(
            "00:00:00.000000Z\",\"stageTimestamp",
            "00:00:05.000000Z\",\"stageTimestamp",
        );
        let (e, s) = ev(&other);
        c.push(e, s, mark(s, 2), false);
        assert_eq!(c.finish().len(), 2);
    }
}
