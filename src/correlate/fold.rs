//! The events of one chunk folded into requests ([`ChunkCorrelator`]), borrowing from the
//! input: requests built in place in a slab, found by key while open, handed on whole
//! (`Item::Done`) or as fragments whose other stages may lie in other chunks (`Item::Frag`).
//! It does not join fragments across chunks (`merger.rs`).

use std::borrow::Cow;
use std::mem::take;

use rustc_hash::{FxHashMap, FxHashSet};

use super::{Mark, Request, ends_request, scope_hash, scoped_key_hash};
use crate::event::{Event, Stage};

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
    /// Slots given back ([`ChunkCorrelator::release`]), for the next requests.
    free: Vec<u32>,
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
            free: Vec::new(),
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
pub(super) fn keyed(received_key: &str) -> bool {
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
            return Some(put(&mut self.slab, &mut self.free, r));
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
                let r = Request::from_keyed_event(ev, stage, mark, h);
                let slot = put(&mut self.slab, &mut self.free, r);
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
                let h = scoped_key_hash(scope, ev.audit_id.as_str(), "");
                let r = Request::from_keyed_event(ev, stage, mark, h);
                let slot = put(&mut self.slab, &mut self.free, r);
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

    /// The request in `slot` is done with (it ended and was folded): the slot is emptied and
    /// reused, so the slab holds about as many requests as are open at once, and stays in the
    /// cache.
    pub fn release(&mut self, slot: usize) {
        self.slab[slot] = Request::default();
        self.free
            .push(u32::try_from(slot).expect("fewer than 2^32 requests a chunk"));
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
        // (an empty slot: reused)
        self.free
            .push(u32::try_from(slot).expect("fewer than 2^32 requests a chunk"));
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

/// Put a request in a free slot of `slab`, or a new one; its slot.
fn put<'a>(slab: &mut Vec<Request<'a>>, free: &mut Vec<u32>, r: Request<'a>) -> usize {
    match free.pop() {
        Some(slot) => {
            slab[slot as usize] = r;
            slot as usize
        }
        None => {
            slab.push(r);
            slab.len() - 1
        }
    }
}
