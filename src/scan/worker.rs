//! The chunk worker: parse each line (or document item), correlate the stages within the
//! chunk, and filter the requests that are whole here. It runs on rayon's threads and shares
//! nothing: what it finds goes back in a [`ChunkOut`].

use std::borrow::Cow;

use super::{MALFORMED_SHOWN, Render, Sink, Slab, reuse};
use crate::chunk::{Line, Lines};
use crate::correlate::{ChunkCorrelator, Item, Mark, Request};
use crate::event::{Stage, Ts};
use crate::filter::Verdict;
use crate::filter::unseen::Vocab;
use crate::input;
use crate::input::document::{self, Item as DocItem};
use crate::input::format::{Reader, Rec};
use crate::input::native::Skip;

/// What one chunk worker produces.
pub(super) struct ChunkOut<'a> {
    pub(super) items: Vec<Item<'a>>,
    /// The chunk's requests (`correlate::Finished::slab`).
    pub(super) slab: Vec<Request<'a>>,
    /// With a sink that folds, read again ([`work`] without a part): the slots in `slab` of the
    /// matching requests whole within the chunk, in the order they ended, to be folded once
    /// the merger has checked that none repeats a request that ended in an earlier chunk (a
    /// repeat is taken out: [`NOT_DONE`]).
    pub(super) done: Vec<u32>,
    /// The requests whole within the chunk that the merger must check for repeats, in the order
    /// they ended: those folded (or in `done`), and those that did not match (a later repeat of
    /// them must be known as one too). With a sink that does not fold, a matching one is an
    /// item and checked as it is delivered.
    pub(super) ended: Vec<Ended>,
    /// Matching requests the worker folded into its part as they ended (see [`work`]).
    pub(super) folded: u64,
    /// With a sink's [`Render`]: the output of the matching requests whole within the chunk,
    /// made here, in `text`, found by request key ([`Made`]).
    pub(super) text: Vec<u8>,
    pub(super) made: rustc_hash::FxHashMap<u64, Made>,
    /// The room `text` is given at its first row: the chunk's length, up to 4 MiB (rows take
    /// about half of their lines' bytes; growing a buffer a row at a time copied it over and
    /// over).
    room: usize,
    /// The longest line (or record of a document) read so far (see [`MADE_LINES_MAX`]).
    longest: usize,
    /// What the worker read, to be read again should the merger find that a request folded
    /// from it repeats an earlier one; `None` for a chunk read in place from a map (nothing
    /// reads the map after its batch is checked: it is read again with `pread`).
    pub(super) units: Option<Units<'a>>,
    /// The input's index.
    pub(super) file: u32,
    /// The prefilter was used (a second reading must use it too, to read the same requests).
    pub(super) prefiltered_by: bool,
    pub(super) lines: u64,
    /// Line numbers in marks and samples are already absolute (document items).
    pub(super) absolute: bool,
    pub(super) records: u64,
    pub(super) events: u64,
    pub(super) blank: u64,
    pub(super) truncated: u64,
    pub(super) foreign: u64,
    pub(super) empty: u64,
    /// Keys of RequestReceived lines the prefilter skipped whose request did not complete in
    /// this chunk (see `filter::Verdict::SkipReceived`).
    pub(super) received_skipped: Vec<u64>,
    /// Keys of completing lines the prefilter skipped (see `filter::Verdict::SkipFinal`) whose
    /// request was not seen in this chunk.
    pub(super) final_skipped: Vec<u64>,
    /// Keys and times of ResponseStarted lines the prefilter skipped whose request did not
    /// complete in this chunk (see `filter::Verdict::SkipStarted`).
    pub(super) started_skipped: Vec<(u64, Ts)>,
    pub(super) prefiltered: u64,
    pub(super) unterminated: Option<u64>,
    pub(super) malformed: u64,
    pub(super) samples: Vec<(u64, String)>,
    pub(super) first: Option<Ts>,
    pub(super) last: Option<Ts>,
    /// A skipped line's time could not be read where it would have been the first or last
    /// (see [`Span::read`]): the span is not known.
    pub(super) span_unsure: bool,
    /// Whole requests checked by the worker (matching or not).
    pub(super) done_seen: u64,
    /// Stage events left out in this chunk: repeats, or read after their request's end.
    pub(super) late: u64,
    /// Lines that began with a UTF-8 byte-order mark (skipped).
    pub(super) boms: u64,
    /// Events with a time that does not parse, and the first one (line, text).
    pub(super) bad_times: u64,
    pub(super) bad_time: Option<(u64, String)>,
    /// Requests that matched all but --since/--until and have no time to compare.
    pub(super) untimed: u64,
    /// The chunk could not be read whole (the file was cut short, or a read error): nothing
    /// in it is used.
    pub(super) short: bool,
    /// It ends at a checkpoint (see [`CHECKPOINT`]).
    pub(super) checkpoint: bool,
    /// Which filter values the chunk's requests have (see `Scan::explain`).
    pub(super) vocab: Option<Vocab>,
}

impl ChunkOut<'_> {
    /// An empty result; `short` for a chunk that could not be read whole.
    pub(super) fn new(short: bool) -> Self {
        ChunkOut {
            items: Vec::new(),
            slab: Vec::new(),
            done: Vec::new(),
            ended: Vec::new(),
            folded: 0,
            text: Vec::new(),
            made: rustc_hash::FxHashMap::default(),
            room: 0,
            longest: 0,
            units: None,
            file: 0,
            prefiltered_by: false,
            lines: 0,
            absolute: false,
            records: 0,
            events: 0,
            blank: 0,
            truncated: 0,
            foreign: 0,
            empty: 0,
            received_skipped: Vec::new(),
            final_skipped: Vec::new(),
            started_skipped: Vec::new(),
            prefiltered: 0,
            unterminated: None,
            malformed: 0,
            samples: Vec::new(),
            first: None,
            span_unsure: false,
            last: None,
            vocab: None,
            done_seen: 0,
            late: 0,
            boms: 0,
            bad_times: 0,
            bad_time: None,
            untimed: 0,
            short,
            checkpoint: false,
        }
    }
}

/// A request's output made by the worker ([`Render`]): `text[start..hole]`, its line number,
/// `text[hole..end]`. `end == start`: two requests of the chunk had its key (a repeat): neither
/// is used.
#[derive(Debug, Clone, Copy)]
pub(super) struct Made {
    pub(super) start: usize,
    pub(super) hole: usize,
    pub(super) end: usize,
}

/// A request whole within a chunk, as the merger checks it (see [`ChunkOut::ended`]).
#[derive(Debug, Clone, Copy)]
pub(super) struct Ended {
    pub(super) key: u64,
    /// Its stage events, counted as late if it is a repeat.
    pub(super) events: u32,
    /// Its slot in [`ChunkOut::slab`] (a chunk read with a part: freed, see [`work`]).
    pub(super) slab: u32,
    /// Its place in [`ChunkOut::done`], or [`NOT_DONE`] (it did not match), or [`FOLDED`].
    pub(super) done: u32,
}

pub(super) const NOT_DONE: u32 = u32::MAX;
/// [`Ended::done`] of a request the worker folded into its part.
pub(super) const FOLDED: u32 = u32::MAX - 1;

pub(super) fn min_opt(a: Option<Ts>, b: Option<Ts>) -> Option<Ts> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) | (None, x) => x,
    }
}

pub(super) fn max_opt(a: Option<Ts>, b: Option<Ts>) -> Option<Ts> {
    a.max(b)
}

/// What a worker reads: the lines of a chunk, or a group of a document's records.
#[derive(Clone, Copy)]
pub(super) enum Units<'a> {
    Lines(&'a [u8]),
    Items(&'a [u8], &'a [DocItem]),
}

/// The first and last of the times of a chunk's skipped lines, as written. Times the API server
/// writes (`2026-11-21T14:58:42.273325Z`: one layout, UTC, to the microsecond) are kept as
/// text, whose order is theirs, and read once at the end; any other is read as it comes.
#[derive(Default)]
pub(super) struct Span {
    min: Option<[u8; 27]>,
    max: Option<[u8; 27]>,
    first: Option<Ts>,
    last: Option<Ts>,
    /// A skipped line whose time was not found: the span is not known.
    blind: bool,
}

impl Span {
    #[inline]
    fn see(&mut self, t: &[u8]) {
        if let Ok(a) = <[u8; 27]>::try_from(t)
            && api_server_time(&a)
        {
            if self.min.is_none_or(|m| a < m) {
                self.min = Some(a);
            }
            if self.max.is_none_or(|m| a > m) {
                self.max = Some(a);
            }
        } else if let Some(ts) = std::str::from_utf8(t).ok().and_then(Ts::parse) {
            self.first = min_opt(self.first, Some(ts));
            self.last = max_opt(self.last, Some(ts));
        }
    }

    /// The first and last times, and whether they are unsure: a time of the API server's layout
    /// that does not read (a 13th month) leaves the span unknown rather than wrong.
    fn read(&self) -> (Option<Ts>, Option<Ts>, bool) {
        let read = |a: &Option<[u8; 27]>| {
            a.as_ref()
                .and_then(|a| std::str::from_utf8(a).ok())
                .and_then(Ts::parse)
        };
        match (read(&self.min), read(&self.max)) {
            (Some(a), Some(b)) => (
                min_opt(self.first, Some(a)),
                max_opt(self.last, Some(b)),
                self.blind,
            ),
            _ => (self.first, self.last, self.blind || self.min.is_some()),
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SS.ffffffZ`, digits where digits go: such times order as their text does.
#[inline]
fn api_server_time(a: &[u8; 27]) -> bool {
    a.iter().enumerate().all(|(i, &b)| match i {
        4 | 7 => b == b'-',
        10 => b == b'T',
        13 | 16 => b == b':',
        19 => b == b'.',
        26 => b == b'Z',
        _ => b.is_ascii_digit(),
    })
}

/// The lines the prefilter skipped in one chunk, and the keys some of them leave.
#[derive(Default)]
pub(super) struct Skips {
    pub(super) count: u64,
    /// With a time window: the first and last `stageTimestamp` of the skipped lines, so that
    /// the span of the logs is known whatever the prefilter skipped (see
    /// `commands::outcome`, which says where the logs lie when the window is outside them).
    pub(super) times: bool,
    pub(super) span: Span,
    pub(super) received: Vec<u64>,
    pub(super) finals: Vec<u64>,
    pub(super) started: Vec<(u64, Ts)>,
}

impl Skips {
    /// Must this line be parsed? A skipped one is accounted for here.
    fn admit<'a>(
        &mut self,
        p: &crate::filter::Prefilter,
        line: &Line<'a>,
        staged: bool,
        scope: u64,
        c: &mut ChunkCorrelator<'a>,
    ) -> bool {
        if !line.terminated || !skippable(line.bytes) {
            return true;
        }
        match p.verdict(line.bytes, staged, scope) {
            Verdict::Parse => return true,
            Verdict::Skip => {}
            Verdict::SkipReceived(key) => self.received.push(key),
            // (the key's text is only looked up, not kept)
            Verdict::SkipFinal(k) => {
                if c.skip_final(k.hash, scope, k.audit_id, k.received) {
                    self.finals.push(k.hash);
                }
            }
            // a ResponseStarted read after its request ended here is late, not given back
            Verdict::SkipStarted(key, t) => {
                if !c.has_ended(key) {
                    self.started.push((key, t));
                }
            }
        }
        if self.times {
            match crate::filter::stage_time_text(line.bytes) {
                Some(t) => self.span.see(t),
                // (a long annotation after it: the line's time is not known here)
                None => self.span.blind = true,
            }
        }
        self.count += 1;
        false
    }

    /// A request whose completing line the prefilter skipped cannot match: the correlator
    /// dropped what the chunk held of it (`ChunkCorrelator::skip_final`). When it began in this
    /// chunk too (its RequestReceived skipped here), it is settled here; otherwise the merger
    /// drops what earlier chunks held and counts its later events as late.
    fn finals(&mut self, out: &mut ChunkOut<'_>) {
        if self.finals.is_empty() {
            return;
        }
        let mut finals: rustc_hash::FxHashSet<u64> = self.finals.drain(..).collect();
        if !self.started.is_empty() {
            self.started.retain(|(k, _)| !finals.contains(k));
        }
        if !self.received.is_empty() {
            self.received.retain(|k| !finals.remove(k));
        }
        out.final_skipped = finals.drain().collect();
    }

    /// Requests completed here whose ResponseStarted the prefilter skipped get it back.
    fn started(&mut self, items: &mut [Item<'_>], out: &mut ChunkOut<'_>) {
        if self.started.is_empty() {
            return;
        }
        let mut started: rustc_hash::FxHashMap<u64, Ts> = self.started.drain(..).collect();
        for it in items {
            if let Item::Frag(r) = it
                && r.is_final
                && !r.stages.contains(Stage::ResponseStarted)
                && let Some(t) = started.remove(&r.key)
            {
                r.give_started(t);
            }
        }
        out.started_skipped = started.into_iter().collect();
    }

    /// Requests whose RequestReceived the prefilter skipped in this chunk get it back, and are
    /// settled (the keys are many, the requests asking few: sorted, not hashed).
    fn received<'a, S: Sink>(
        &mut self,
        items: Vec<Item<'a>>,
        slab: &mut Vec<Request<'a>>,
        out: &mut ChunkOut<'a>,
        filter: &crate::filter::Filter,
        mut part: Option<&mut S::Part>,
    ) -> Vec<Item<'a>> {
        if self.received.is_empty() {
            return items;
        }
        let mut skipped = std::mem::take(&mut self.received);
        skipped.sort_unstable();
        let mut taken = rustc_hash::FxHashSet::default();
        let items = items
            .into_iter()
            .filter_map(|it| match it {
                Item::Frag(mut r)
                    if r.is_final
                        && !r.stages.contains(Stage::RequestReceived)
                        && skipped.binary_search(&r.key).is_ok()
                        && taken.insert(r.key) =>
                {
                    let k = r.key;
                    r.stages.insert(Stage::RequestReceived);
                    // (a request of this key made by the worker is not this one)
                    if let Some(m) = out.made.get_mut(&k) {
                        m.end = m.start;
                    }
                    slab.push(r);
                    let at = slab.len() - 1;
                    settle::<S>(out, slab, at, filter, part.as_deref_mut()).map(Item::Done)
                }
                other => Some(other),
            })
            .collect();
        if !taken.is_empty() {
            skipped.retain(|k| !taken.contains(k));
        }
        out.received_skipped = skipped;
        items
    }
}

impl Units<'_> {
    /// Bytes covered, for the progress bar.
    pub(super) fn len(&self) -> usize {
        match self {
            Units::Lines(b) => b.len(),
            Units::Items(_, items) => match (items.first(), items.last()) {
                (Some(a), Some(b)) => b.end - a.start,
                _ => 0,
            },
        }
    }
}

/// The worker: parse, correlate within the chunk, and filter the requests that are whole here.
/// `file` is the input's index and its cluster and API server.
///
/// With `part` (a sink that folds), a matching request whole within the chunk is folded into
/// it as soon as it ends, while it is in the cache, and its slot is reused: the merger then
/// checks the chunk's ended requests against those of earlier chunks, and only a chunk holding
/// a repeat (a line delivered twice, far apart: rare) is read again without a part, its
/// requests kept (`done`) to be folded once the repeats are taken out
/// (`Scanner::merge_batch`).
#[expect(
    clippy::too_many_arguments,
    reason = "what a chunk is read with: its input, the filters, the sink's part and renderer"
)]
pub(super) fn work<'a, S: Sink>(
    units: &Units<'a>,
    slab: Slab,
    file: (u32, &'a input::Scope),
    reader: Reader,
    filter: &crate::filter::Filter,
    prefilter: Option<&crate::filter::Prefilter>,
    part: Option<&mut S::Part>,
    render: Option<&dyn Render>,
    vocab: Option<&Vocab>,
) -> ChunkOut<'a> {
    let mut w = Worker::new::<S>(slab, file, reader, filter, prefilter, units.len(), part);
    w.render = render;
    w.out.vocab = vocab.cloned();
    match *units {
        Units::Lines(buf) => w.lines::<S>(buf, None),
        Units::Items(buf, items) => w.items::<S>(buf, items),
    }
    let mut out = w.finish::<S>();
    out.units = Some(*units);
    out
}

/// [`work`] on the lines of a chunk of a mapped file, read in place: the prefilter's verdict
/// is taken on the mapped bytes, and only the lines it admits are copied into `arena`, to be
/// parsed there. What the chunk's requests borrow is in the arena, never in the map (see
/// `scan::mapped`).
#[expect(clippy::too_many_arguments, reason = "work's arguments, and the arena")]
pub(super) fn work_in_place<'a, S: Sink>(
    mapped: &'a [u8],
    arena: &'a bumpalo::Bump,
    slab: Slab,
    file: (u32, &'a input::Scope),
    reader: Reader,
    filter: &crate::filter::Filter,
    prefilter: &crate::filter::Prefilter,
    part: Option<&mut S::Part>,
    render: Option<&dyn Render>,
    vocab: Option<&Vocab>,
) -> ChunkOut<'a> {
    let mut w = Worker::new::<S>(
        slab,
        file,
        reader,
        filter,
        Some(prefilter),
        mapped.len(),
        part,
    );
    w.render = render;
    w.out.vocab = vocab.cloned();
    w.lines::<S>(mapped, Some(arena));
    w.finish::<S>()
}

/// One chunk's worker: what it has found so far, and what it reads with.
struct Worker<'a, 'f, 'p, P> {
    out: ChunkOut<'a>,
    c: ChunkCorrelator<'a>,
    /// The records of one line or item, reused.
    recs: Vec<Rec<'a>>,
    skips: Skips,
    /// The event the fast parser fills, reused.
    slot: crate::event::Event<'a>,
    file: (u32, &'a input::Scope),
    scope_hash: u64,
    reader: Reader,
    filter: &'f crate::filter::Filter,
    prefilter: Option<&'f crate::filter::Prefilter>,
    /// The part whole requests are folded into as they end (see [`work`]).
    part: Option<&'p mut P>,
    /// The sink's renderer, for the matching requests whole here (with a sink that does not
    /// fold).
    render: Option<&'f dyn Render>,
}

impl<'a, 'f, 'p, P> Worker<'a, 'f, 'p, P> {
    fn new<S: Sink<Part = P>>(
        slab: Slab,
        file: (u32, &'a input::Scope),
        reader: Reader,
        filter: &'f crate::filter::Filter,
        prefilter: Option<&'f crate::filter::Prefilter>,
        len: usize,
        part: Option<&'p mut P>,
    ) -> Self {
        let mut out = ChunkOut::new(false);
        out.file = file.0;
        out.prefiltered_by = prefilter.is_some();
        // room given ahead for a usual chunk, never for all of one huge record (a chunk of one
        // long line, a document's item): that grows as it is read
        let len = len.min(4 * crate::chunk::DEFAULT_CHUNK);
        out.room = len;
        // whole requests, queued to be folded: about one per 2 KB of log (two stages of 1 KB)
        if S::FOLDS && part.is_none() {
            out.done.reserve(len / 2048 + 16);
        }
        let mut c = ChunkCorrelator::with_slab(reuse(slab));
        // and with a sink that does not fold, each is an item: grown one at a time, the list
        // was copied over and over (a request is some hundreds of bytes); not with a prefilter,
        // which usually leaves few
        if !S::FOLDS && prefilter.is_none() {
            c.items.reserve(len / 2048 + 16);
        }
        Worker {
            out,
            c,
            recs: Vec::new(),
            skips: Skips {
                times: filter.has_window(),
                ..Skips::default()
            },
            slot: crate::event::Event::default(),
            file,
            scope_hash: file.1.hash(),
            reader,
            filter,
            prefilter,
            part: if S::FOLDS { part } else { None },
            render: None,
        }
    }

    /// The lines of a chunk, numbered from 1. With `arena`, `buf` is read in place and a line
    /// the prefilter admits is copied into the arena and parsed there (see [`work_in_place`]).
    fn lines<S: Sink<Part = P>>(&mut self, buf: &'a [u8], arena: Option<&'a bumpalo::Bump>) {
        for mut line in Lines::new(buf) {
            self.out.lines += 1;
            // a byte-order mark (an editor's, or a file's start after `cat`) is no part of the
            // record
            if let Some(rest) = line.bytes.strip_prefix(document::BOM) {
                line.bytes = rest;
                line.raw = line.raw.strip_prefix(document::BOM).unwrap_or(rest);
                self.out.boms += 1;
            }
            // raw output needs every line of a matching request as written
            if let Some(p) = self.prefilter
                && !self.skips.admit(
                    p,
                    &line,
                    !self.reader.keep_raw,
                    self.scope_hash,
                    &mut self.c,
                )
            {
                self.peek(line.bytes);
                continue;
            }
            if let Some(arena) = arena {
                line = copied(arena, line);
            }
            self.line::<S>(line);
        }
    }

    /// A line the prefilter skipped, read alone for the filter values the scan looks for (see
    /// `filter::unseen`): when it could hold one not seen yet, or its request is of the sample
    /// whose values are kept to suggest from. It stays skipped: nothing else is made of it.
    fn peek(&mut self, line: &'a [u8]) {
        let Some(vocab) = self.out.vocab.as_mut() else {
            return;
        };
        if !vocab.wants() {
            return;
        }
        let keep = vocab.suggests() && crate::filter::unseen::sampled(line);
        let near = vocab.may_hold(line);
        if !keep && near.is_empty() {
            return;
        }
        let mut ev = crate::event::Event::default();
        let Some((stage, _)) = self.reader.native_line(line, &mut ev) else {
            // (a line the fast parser leaves is rare: read in full)
            self.reader.line(line, true, &mut self.recs);
            for rec in self.recs.drain(..) {
                if let Rec::Event(mut e) = rec {
                    see_alone(vocab, &mut e.event, e.stage, self.file.1, keep, &near);
                }
            }
            return;
        };
        see_alone(vocab, &mut ev, stage, self.file.1, keep, &near);
    }

    /// Parse one line (the chunk's `out.lines`th) and correlate its records.
    fn line<S: Sink<Part = P>>(&mut self, line: Line<'a>) {
        let n = self.out.lines;
        let (out, c, filter) = (&mut self.out, &mut self.c, self.filter);
        out.longest = out.longest.max(line.bytes.len());
        if let Some((stage, whole)) = self.reader.native_line(line.bytes, &mut self.slot) {
            out.records += 1;
            let keep_raw = self.reader.keep_raw && !(S::RAW_FOR_BODIES && self.slot.no_bodies);
            let done = take_event(
                out,
                c,
                &mut self.slot,
                stage,
                whole,
                None,
                self.file,
                n,
                line.raw,
                keep_raw,
            );
            settled::<S>(out, c, done, filter, self.part.as_deref_mut(), self.render);
            return;
        }
        self.reader
            .line(line.bytes, line.terminated, &mut self.recs);
        for r in self.recs.iter_mut() {
            let done = take(out, c, r, self.file, n, line.raw, self.reader.keep_raw);
            settled::<S>(out, c, done, filter, self.part.as_deref_mut(), self.render);
        }
        self.recs.clear();
    }

    /// A group of a document's records; their line numbers are absolute.
    fn items<S: Sink<Part = P>>(&mut self, buf: &'a [u8], items: &[DocItem]) {
        let (out, c, filter) = (&mut self.out, &mut self.c, self.filter);
        out.absolute = true;
        for it in items {
            let bytes = &buf[it.start..it.end];
            out.longest = out.longest.max(bytes.len());
            self.reader.item(bytes, &mut self.recs);
            for r in self.recs.iter_mut() {
                // a pretty-printed item: raw output is one event per line
                if let Rec::Event(ev) = r
                    && self.reader.keep_raw
                    && ev.raw.is_none()
                {
                    ev.raw = Some(Cow::Owned(document::minify(bytes)));
                }
                let done = take(out, c, r, self.file, it.line, bytes, self.reader.keep_raw);
                settled::<S>(out, c, done, filter, self.part.as_deref_mut(), self.render);
            }
            self.recs.clear();
        }
    }

    /// The chunk read: its correlator's requests, and the stages the prefilter skipped given
    /// back to them.
    fn finish<S: Sink<Part = P>>(self) -> ChunkOut<'a> {
        let Worker {
            mut out,
            c,
            mut skips,
            filter,
            part,
            ..
        } = self;
        out.records += skips.count;
        out.prefiltered += skips.count;
        let (first, last, unsure) = skips.span.read();
        out.first = min_opt(out.first, first);
        out.last = max_opt(out.last, last);
        out.span_unsure |= unsure;
        let fin = c.finish();
        let mut items = fin.items;
        let mut slab = fin.slab;
        out.late = fin.late;
        skips.finals(&mut out);
        skips.started(&mut items, &mut out);
        out.items = skips.received::<S>(items, &mut slab, &mut out, filter, part);
        out.slab = slab;
        out
    }
}

/// One event, alone, as a request to `vocab` (see [`Worker::peek`]): in its input's cluster, as
/// [`take_event`] places it.
fn see_alone<'a>(
    vocab: &mut Vocab,
    ev: &mut crate::event::Event<'a>,
    stage: Stage,
    scope: &'a input::Scope,
    keep: bool,
    near: &[(usize, usize)],
) {
    if !scope.cluster.is_empty() {
        ev.cluster = crate::event::Str(Cow::Borrowed(&scope.cluster));
    }
    let mark = Mark {
        stage,
        time: None,
        code: None,
        file: 0,
        line: 0,
        raw: None,
    };
    let r = Request::from_event(ev, stage, mark);
    vocab.see_peeked(&r, keep, near);
}

/// A line copied into `arena`: the same line, at an address of its own for as long as the
/// arena is not reset.
fn copied<'a>(arena: &'a bumpalo::Bump, line: Line<'_>) -> Line<'a> {
    let raw: &'a [u8] = arena.alloc_slice_copy(line.raw);
    Line {
        bytes: &raw[..line.bytes.len()],
        raw,
        terminated: line.terminated,
    }
}

/// The request a record made whole (its slot), settled: folded, or queued as an item. Folded
/// into `part`, its slot is given back for the chunk's next request.
fn settled<'a, S: Sink>(
    out: &mut ChunkOut<'a>,
    c: &mut ChunkCorrelator<'a>,
    done: Option<usize>,
    filter: &crate::filter::Filter,
    part: Option<&mut S::Part>,
    render: Option<&dyn Render>,
) {
    let Some(done) = done else { return };
    let folding = part.is_some();
    if let Some(keep) = settle::<S>(out, &mut c.slab, done, filter, part) {
        if let Some(render) = render {
            make(out, render, &keep);
        }
        c.items.push(Item::Done(keep));
    } else if folding {
        c.release(done);
    }
}

/// The longest line of a chunk whose requests' rows are made on its worker (1 MiB). A row may be
/// as long as the lines it comes from (a body, a user agent): made here, it would be held in the
/// chunk's text until merged, beside the lines, and then copied. Once a chunk has had a longer
/// line, its rows are made by the merging thread, which writes a long row out as it goes
/// (`render::json::JsonRows`).
const MADE_LINES_MAX: usize = 1 << 20;

/// Make the output of `r`, a matching request whole within the chunk, with the sink's renderer
/// (see [`Made`]). Only a request with a key: the merger finds the output by it.
fn make(out: &mut ChunkOut<'_>, render: &dyn Render, r: &Request<'_>) {
    if r.received_key.is_empty() || out.longest > MADE_LINES_MAX {
        return;
    }
    if out.text.capacity() == 0 {
        out.text.reserve(out.room);
    }
    let start = out.text.len();
    let Some(hole) = render.render(r, &mut out.text) else {
        out.text.truncate(start);
        return;
    };
    let made = Made {
        start,
        hole: start + hole,
        end: out.text.len(),
    };
    out.made
        .entry(r.key)
        .and_modify(|m| m.end = m.start)
        .or_insert(made);
}

/// A request whole within the chunk, as soon as it is: filter it, and fold it into `part` (or
/// queue it in `done` to be folded once checked, without one). What the sink does not fold
/// comes back, to be delivered in order.
pub(super) fn settle<'a, S: Sink>(
    out: &mut ChunkOut<'a>,
    slab: &mut [Request<'a>],
    slot: usize,
    filter: &crate::filter::Filter,
    part: Option<&mut S::Part>,
) -> Option<Request<'a>> {
    out.done_seen += 1;
    let r = &slab[slot];
    if let Some(v) = &mut out.vocab {
        v.see(r);
    }
    let matches = !S::FILTERED || filter.matches(r);
    if !matches && filter.left_out_untimed(r) {
        out.untimed += 1;
    }
    if !matches || S::FOLDS {
        // the merger checks it against the requests that ended in earlier chunks (see
        // `ChunkOut::done`)
        let mut at = NOT_DONE;
        if matches {
            if let Some(part) = part {
                fold_one::<S>(part, r, filter);
                out.folded += 1;
                at = FOLDED;
            } else {
                at = u32::try_from(out.done.len()).unwrap_or(NOT_DONE);
                out.done.push(u32::try_from(slot).unwrap_or(NOT_DONE));
            }
        }
        if !r.received_key.is_empty() {
            let events = u32::try_from(r.marks.len()).unwrap_or(u32::MAX);
            out.ended.push(Ended {
                key: r.key,
                events,
                slab: u32::try_from(slot).unwrap_or(NOT_DONE),
                done: at,
            });
        }
        return None;
    }
    // an item, checked as the merger delivers it
    Some(std::mem::take(&mut slab[slot]))
}

/// Fold one matching request into a part (see [`Sink::fold_unfiltered`]).
pub(super) fn fold_one<S: Sink>(
    part: &mut S::Part,
    r: &Request<'_>,
    filter: &crate::filter::Filter,
) {
    let folded = if S::FILTERED {
        S::fold(part, r)
    } else {
        S::fold_unfiltered(part, r, filter)
    };
    debug_assert!(folded, "a sink with FOLDS folds every request");
}

/// Account for one record and correlate its event; the slot of the request it made whole.
pub(super) fn take<'a>(
    out: &mut ChunkOut<'a>,
    c: &mut ChunkCorrelator<'a>,
    rec: &mut Rec<'a>,
    file: (u32, &'a input::Scope),
    line: u64,
    raw: &'a [u8],
    keep_raw: bool,
) -> Option<usize> {
    out.records += 1;
    match rec {
        Rec::Event(ev) => {
            let own = ev.raw.take();
            return take_event(
                out,
                c,
                &mut ev.event,
                ev.stage,
                ev.whole,
                own,
                file,
                line,
                raw,
                keep_raw,
            );
        }
        Rec::Skipped(Skip::Blank) => out.blank += 1,
        Rec::Skipped(Skip::Unterminated) => out.unterminated = Some(line),
        Rec::Skipped(Skip::Truncated) => out.truncated += 1,
        Rec::Skipped(Skip::Foreign) => out.foreign += 1,
        Rec::Skipped(Skip::EmptyBatch) => out.empty += 1,
        Rec::Malformed(reason) => {
            out.malformed += 1;
            if out.samples.len() < MALFORMED_SHOWN {
                out.samples.push((line, std::mem::take(reason)));
            }
        }
    }
    None
}

/// Correlate one event (its record already counted). `own` is the event's JSON when it is not
/// the line `raw` itself.
#[allow(clippy::too_many_arguments)]
#[inline]
pub(super) fn take_event<'a>(
    out: &mut ChunkOut<'a>,
    c: &mut ChunkCorrelator<'a>,
    ev: &mut crate::event::Event<'a>,
    stage: Stage,
    whole: bool,
    own: Option<Cow<'a, [u8]>>,
    file: (u32, &'a input::Scope),
    line: u64,
    raw: &'a [u8],
    keep_raw: bool,
) -> Option<usize> {
    let (file, scope) = file;
    out.events += 1;
    // `--cluster NAME=PATH` names the cluster whatever a wrapper says; a wrapper's API server
    // is nearer to the event than the file's path
    if !scope.cluster.is_empty() {
        ev.cluster = crate::event::Str(Cow::Borrowed(&scope.cluster));
    }
    if ev.apiserver.is_empty() && !scope.apiserver.is_empty() {
        ev.apiserver = crate::event::Str(Cow::Borrowed(&scope.apiserver));
    }
    let text = ev.time();
    let time = Ts::parse(text);
    // a time written but not readable (`2026-02-30T...`, `garbage`): the request may be left
    // without a time, which --since/--until cannot place; counted, and the first one shown
    let received = ev.request_received_timestamp.as_str();
    let bad = if time.is_none() {
        (!text.is_empty()).then_some(text)
    } else if !received.is_empty() && received != text && Ts::parse(received).is_none() {
        Some(received)
    } else {
        None
    };
    if let Some(b) = bad {
        out.bad_times += 1;
        if out.bad_time.is_none() {
            out.bad_time = Some((line, crate::input::native::excerpt(b)));
        }
    }
    out.first = min_opt(out.first, time);
    out.last = max_opt(out.last, time);
    let code = ev.response_status.as_ref().and_then(|s| s.code);
    let mark = Mark {
        stage,
        time,
        code,
        file,
        line,
        raw: keep_raw.then(|| own.unwrap_or(Cow::Borrowed(raw))),
    };
    c.push_done(ev, stage, mark, whole)
}

/// May the prefilter skip this line? Only a native event framed as one JSON object: its
/// `"auditID":"` is written without escapes, so a line without it is something else (an
/// envelope whose event is an escaped string, a GKE entry), and must be parsed.
pub(super) fn skippable(b: &[u8]) -> bool {
    // the API server writes `kind` first: most lines are decided by their first 16 bytes. An
    // AKS record whose `properties.log` is an object holds an Event's members unescaped, but
    // its requests are in the record's scope (its cluster), not the file's: it is parsed.
    framed(b)
        && (b.starts_with(b"{\"kind\":\"Event\",")
            || (crate::filter::AUDIT_ID.find(b).is_some() && WRAPPED.find(b).is_none()))
}

pub(super) static WRAPPED: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\"properties\""));

/// `{ ... }` after trimming whitespace.
pub(super) fn framed(b: &[u8]) -> bool {
    let b = b.trim_ascii();
    b.first() == Some(&b'{') && b.last() == Some(&b'}')
}

#[cfg(test)]
mod tests {
    use super::Span;
    use crate::event::Ts;

    /// The span of skipped lines' times: the API server's layout compared as text, any other
    /// read; a time of that layout that does not read makes the span unsure, not wrong.
    #[test]
    fn the_span_of_skipped_times_is_exact_or_unsure() {
        let t = |s: &str| Ts::parse(s);
        let mut s = Span::default();
        for x in [
            "2026-11-21T14:58:42.273325Z",
            "2026-11-21T14:58:40.000001Z",
            "2026-11-21T15:58:42+01:00", // 14:58:42 UTC, another layout
            "2026-11-21T14:58:43.5Z",
            "not a time",
        ] {
            s.see(x.as_bytes());
        }
        assert_eq!(
            s.read(),
            (
                t("2026-11-21T14:58:40.000001Z"),
                t("2026-11-21T14:58:43.5Z"),
                false
            )
        );
        s.see(b"2026-13-21T14:58:42.273325Z");
        assert!(
            s.read().2,
            "a 13th month is no time: the last one is not known"
        );
    }
}
