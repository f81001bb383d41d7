//! Fragments joined across chunks and files, in input order ([`Merger`]): the requests still
//! open, packed and bounded by `--max-open-memory`; the keys of ended requests and of lines the
//! prefilter skipped, remembered for a while so that a repeated or late stage is not taken for
//! another request. It does not fold a chunk's events (`fold.rs`).

use std::mem::take;

use rustc_hash::{FxHashMap, FxHashSet};

use super::Request;
use super::fold::keyed;
use super::packed::Packed;
use crate::event::{Stage, Ts};

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
pub(super) struct Recent<V> {
    pub(super) blocks: std::collections::VecDeque<Block<V>>,
    len: usize,
    limit: usize,
    /// The largest block merging makes (`limit / 8`): the oldest block is forgotten whole.
    cap: usize,
}

/// Keys sorted, and their values in the same order.
#[derive(Debug)]
pub(super) struct Block<V> {
    pub(super) keys: Vec<u64>,
    values: Vec<V>,
}

impl<V: Copy> Recent<V> {
    pub(super) fn new(limit: usize) -> Recent<V> {
        Recent {
            blocks: Default::default(),
            len: 0,
            limit,
            cap: (limit / 8).max(1),
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Add keys, which came after every key added so far.
    pub(super) fn extend(&mut self, mut pairs: Vec<(u64, V)>) {
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
    pub(super) fn contains(&self, key: u64) -> bool {
        self.find(key).is_some()
    }

    /// Take `key`'s value, if it is held.
    pub(super) fn take(&mut self, key: u64) -> Option<V> {
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
    pub(super) fn extend_keys(&mut self, mut keys: Vec<u64>) {
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
/// since (about 1.5 GB of log); further away, it is read as the start of another request.
/// 3/4 of 2^20: a generation of this many keys, and the few thousand more that end before the
/// checkpoint where it is full, fits in a hash set of 2^20 slots (at most 7/8 of them full)
/// without doubling it: the two take about 18 MB, where 2^20 keys took about 36.
pub const ENDED_REMEMBERED: usize = 3 << 18;

/// Keys in two generations: a new one starts when the current one is full, and the one
/// before it is forgotten. Each key is one hash-set insert, and a lookup two probes.
#[derive(Debug)]
pub(super) struct Ended {
    now: FxHashSet<u64>,
    old: FxHashSet<u64>,
    limit: usize,
}

impl Ended {
    pub(super) fn new(limit: usize) -> Ended {
        Ended {
            now: FxHashSet::default(),
            old: FxHashSet::default(),
            limit: limit.max(1),
        }
    }

    pub(super) fn insert(&mut self, key: u64) {
        self.first(key);
    }

    /// Insert `key`; false if it was there already (in either generation).
    fn first(&mut self, key: u64) -> bool {
        !self.old.contains(&key) && self.now.insert(key)
    }

    /// At a checkpoint: a full generation becomes the old one, and the one before is forgotten
    /// (only here, so which keys are known is the same however the input was read).
    pub(super) fn rotate(&mut self) {
        if self.now.len() >= self.limit {
            self.old = take(&mut self.now);
        }
    }

    pub(super) fn contains(&self, key: u64) -> bool {
        self.now.contains(&key) || self.old.contains(&key)
    }
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

    /// Take one fragment; returns the request if it is now complete (borrowing what the
    /// fragment borrowed: one that completes here, as most do, is not copied).
    pub fn frag<'a>(&mut self, frag: Request<'a>) -> Option<Request<'a>> {
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
        let mut req: Request<'a> = match earlier {
            Some((earlier, _)) => {
                let mut earlier: Request<'a> = earlier;
                self.late_events += earlier.merge(frag);
                earlier
            }
            None => frag,
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

    /// Requests still open: at the end of the input these are the incomplete ones (the tests
    /// ask; the scan counts what [`Merger::drain`] gives).
    #[cfg(test)]
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
