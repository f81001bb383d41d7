//! The ordered merge: each chunk's counts and fragments in chunk order, requests joined across
//! chunks and files, repeats taken out, and what matches handed to the sink (or folded into
//! parts by the workers).

use anyhow::Result;
use rayon::prelude::*;

use super::worker::{ChunkOut, Ended, NOT_DONE, Units, max_opt, min_opt, work};
use super::{FileStats, Flow, Problem, Scanner, Sink, recycle};
use crate::correlate::{End, Item, Request};

/// What the merger found of a chunk's whole requests that were not the first of their key:
/// their places in [`ChunkOut::ended`], and what they are ([`End::Repeat`] or [`End::Joins`]).
type Verdicts = Vec<(usize, End)>;

/// A chunk whose worker folded a request the merger found to repeat or join an earlier one: it
/// is read again ([`Scanner::again`]). Its place in the batch, the input's lines before it,
/// and the verdicts.
struct Again {
    chunk: usize,
    base: u64,
    verdicts: Verdicts,
}

impl<S: Sink> Scanner<'_, '_, S> {
    /// Merge one chunk's result, in chunk order: its counts, its fragments (joined across
    /// chunks), and the check of its whole requests against the requests that ended before.
    /// With a sink that folds, the worker folded them already: the verdicts on those that are
    /// not the first of their key are handed back, for the chunk to be read again
    /// ([`Self::again`]).
    fn merge(&mut self, out: &mut ChunkOut<'_>, fs: &mut FileStats) -> Result<(Flow, Again)> {
        let base = if out.absolute { 0 } else { fs.lines };
        self.count(out, fs, base);
        // the whole requests of the chunk (their lines made absolute)
        for r in &mut out.slab {
            rebase(r, base);
        }
        let verdicts = self.check_ended(&out.ended);
        let mut again = Again {
            chunk: 0,
            base,
            verdicts: Vec::new(),
        };
        if S::FOLDS {
            again.verdicts = verdicts;
        } else {
            for (i, v) in verdicts {
                let e = out.ended[i];
                if let Some(r) = self.apply(out, e, v)
                    && self.deliver_checked(r)? == Flow::Stop
                {
                    return Ok((Flow::Stop, again));
                }
            }
        }
        let made = ChunkRows {
            text: std::mem::take(&mut out.text),
            by_key: std::mem::take(&mut out.made),
        };
        let flow = self.deliver_items(std::mem::take(&mut out.items), base, &made)?;
        Ok((flow, again))
    }

    /// A chunk's counts into the input's and the scan's, its skipped keys into the merger, and
    /// its problems shown (`base`: the input's lines before the chunk).
    fn count(&mut self, out: &mut ChunkOut<'_>, fs: &mut FileStats, base: u64) {
        fs.lines += out.lines;
        fs.records += out.records;
        fs.events += out.events;
        fs.first = min_opt(fs.first, out.first);
        fs.last = max_opt(fs.last, out.last);
        self.stats.span_unsure |= out.span_unsure;
        self.stats.lines += out.lines;
        self.stats.records += out.records;
        self.stats.events += out.events;
        self.stats.skipped_blank += out.blank;
        self.stats.skipped_truncated += out.truncated;
        self.stats.skipped_foreign += out.foreign;
        self.stats.skipped_empty += out.empty;
        self.stats.skipped_prefilter += out.prefiltered;
        if let (Some(v), Some(o)) = (&mut self.vocab, out.vocab.take()) {
            v.combine(o);
        }
        self.merger
            .received_skipped(std::mem::take(&mut out.received_skipped));
        self.merger
            .final_skipped(std::mem::take(&mut out.final_skipped));
        self.merger
            .started_skipped(std::mem::take(&mut out.started_skipped));
        self.stats.requests += out.done_seen;
        self.stats.malformed += out.malformed;
        self.merger.late_events += out.late;
        self.stats.byte_order_marks += out.boms;
        self.stats.bad_times += out.bad_times;
        self.stats.untimed += out.untimed;
        if let Some((line, text)) = out.bad_time.take()
            && self.stats.bad_time.is_none()
        {
            self.stats.bad_time = Some(Problem {
                file: fs.name.clone(),
                line: base + line,
                reason: text,
            });
        }
        for (line, reason) in std::mem::take(&mut out.samples) {
            self.show_malformed(&fs.name, base + line, reason);
        }
        if let Some(line) = out.unterminated {
            self.unterminated(&fs.name.clone(), base + line);
        }
    }

    /// The check of a chunk's whole requests against those that ended before, in chunk order:
    /// the verdicts on those that are not the first of their key. A whole request that repeats
    /// one that ended in an earlier chunk (a line delivered twice, far apart) is counted out
    /// here (its events late); one with stages open from earlier chunks (its RequestReceived
    /// delivered again, a webhook batch retried) takes them in ([`Self::apply`]).
    fn check_ended(&mut self, ended: &[Ended]) -> Verdicts {
        let mut verdicts = Vec::new();
        for (i, e) in ended.iter().enumerate() {
            match self.merger.end(e.key) {
                End::First => {}
                End::Repeat => {
                    self.merger.late_events += u64::from(e.events);
                    self.stats.requests -= 1;
                    verdicts.push((i, End::Repeat));
                }
                joins @ End::Joins(_) => verdicts.push((i, joins)),
            }
        }
        verdicts
    }

    /// A verdict of [`Self::check_ended`] applied to a chunk whose requests were kept: a
    /// repeat is taken out of `out.done`; a request with stages in earlier chunks is joined
    /// with them, and the request it now is may match where its part did not, or not. With a
    /// sink that does not fold, such a request that now matches is handed back, to be
    /// delivered.
    fn apply<'a>(&mut self, out: &mut ChunkOut<'a>, e: Ended, verdict: End) -> Option<Request<'a>> {
        match verdict {
            End::First => {}
            End::Repeat => {
                if let Some(slot) = out.done.get_mut(e.done as usize) {
                    *slot = NOT_DONE;
                }
            }
            End::Joins(earlier) => {
                let slot = e.slab as usize;
                let r = self.join(earlier, std::mem::take(&mut out.slab[slot]));
                if let Some(v) = &mut self.vocab {
                    v.see(&r);
                }
                let matches = !S::FILTERED || self.filter.matches(&r);
                if !S::FOLDS {
                    return matches.then_some(r);
                }
                out.slab[slot] = r;
                match out.done.get_mut(e.done as usize) {
                    Some(d) if !matches => *d = NOT_DONE,
                    None if matches => out.done.push(e.slab),
                    _ => {}
                }
            }
        }
        None
    }

    /// A chunk whose worker folded a request that repeats or joins an earlier one ([`Again`]),
    /// read again without a part: its whole requests kept, the verdicts applied to them, and
    /// what is left folded into a new part (and counted in `out.folded`). It reads the same
    /// bytes with the same prefilter, so it finds the same requests in the same order; a chunk
    /// read in place from a map is read again with `pread` (`reread`), and should the file
    /// have changed underneath (other requests), the scan stops with an error.
    fn again(
        &mut self,
        out: &mut ChunkOut<'_>,
        again: Again,
        name: &str,
        reread: &dyn Fn(usize) -> Option<Vec<u8>>,
    ) -> Result<S::Part> {
        let scopes = std::sync::Arc::clone(&self.scopes);
        let file = (out.file, &scopes[out.file as usize]);
        let bytes;
        let units = match out.units {
            Some(u) => u,
            None => {
                bytes = reread(again.chunk);
                Units::Lines(bytes.as_deref().unwrap_or_default())
            }
        };
        let prefilter = if out.prefiltered_by {
            self.prefilter
        } else {
            None
        };
        let mut kept = work::<S>(
            &units,
            Vec::new(),
            file,
            self.reader(),
            self.filter,
            prefilter,
            None,
            None,
            None,
        );
        let same = kept.ended.len() == out.ended.len()
            && kept
                .ended
                .iter()
                .zip(&out.ended)
                .all(|(a, b)| a.key == b.key);
        if !same {
            anyhow::bail!(
                "{name}: changed while it was read (lines after {} read again differ)",
                again.base
            );
        }
        for r in &mut kept.slab {
            rebase(r, again.base);
        }
        for (i, v) in again.verdicts {
            let e = kept.ended[i];
            self.apply(&mut kept, e, v);
        }
        let mut part = self.sink.part();
        out.folded = fold_done::<S>(&kept.done, &kept.slab, &mut part, self.filter);
        Ok(part)
    }

    /// A chunk's items in order: its requests the worker matched (checked for repeats), and
    /// its fragments, joined with those of earlier chunks; what is whole and matches goes to
    /// the sink.
    fn deliver_items(
        &mut self,
        mut items: Vec<Item<'_>>,
        base: u64,
        made: &ChunkRows,
    ) -> Result<Flow> {
        // each item is used where it lies, and taken out only when it is handed over: a
        // request is some hundreds of bytes, and moving every one of them through this loop
        // was a tenth of the merging thread's time when rows are made on the workers
        for item in &mut items {
            let flow = match item {
                Item::Done(r) => {
                    rebase(r, base);
                    if r.received_key.is_empty() {
                        self.deliver_checked(std::mem::take(r))?
                    } else {
                        match self.merger.end(r.key) {
                            End::First => match made.of(r.key) {
                                Some((before, after)) => {
                                    self.stats.matched += 1;
                                    self.sink.rendered(r, before, after)?
                                }
                                None => self.deliver_checked(std::mem::take(r))?,
                            },
                            End::Repeat => {
                                self.merger.late_events += r.marks.len() as u64;
                                self.stats.requests -= 1;
                                continue;
                            }
                            End::Joins(earlier) => {
                                let r = self.join(earlier, std::mem::take(r));
                                self.deliver(r)?
                            }
                        }
                    }
                }
                Item::Frag(r) => {
                    rebase(r, base);
                    match self.merger.frag(std::mem::take(r)) {
                        Some(done) => {
                            self.stats.requests += 1;
                            self.deliver(done)?
                        }
                        None => Flow::More,
                    }
                }
            };
            if flow == Flow::Stop {
                return Ok(Flow::Stop);
            }
        }
        Ok(Flow::More)
    }

    /// At a checkpoint (see [`CHECKPOINT`]): past the memory for open requests, the oldest end
    /// here as incomplete.
    pub(super) fn checkpoint(&mut self) -> Result<Flow> {
        for left in self.merger.checkpoint() {
            let r = self.merger.unpack(left);
            self.stats.requests += 1;
            self.stats.incomplete += 1;
            if self.deliver(r)? == Flow::Stop {
                return Ok(Flow::Stop);
            }
        }
        Ok(Flow::More)
    }

    /// Merge a batch's results in chunk order, and hand over the parts its workers folded
    /// (with a sink that folds: one per chunk, in `parts`), in chunk order. A chunk whose
    /// worker folded a repeat is read again ([`Self::again`]; `reread` reads a chunk read in
    /// place from a map). `lens` are the bytes of each chunk, for the progress bar.
    pub(super) fn merge_batch(
        &mut self,
        mut outs: Vec<ChunkOut<'_>>,
        mut parts: Vec<Option<S::Part>>,
        fs: &mut FileStats,
        lens: impl Iterator<Item = usize>,
        count_progress: bool,
        reread: &dyn Fn(usize) -> Option<Vec<u8>>,
    ) -> Result<Flow> {
        let mut redo = Vec::new();
        for (i, (out, len)) in outs.iter_mut().zip(lens).enumerate() {
            let (flow, mut again) = self.merge(out, fs)?;
            if flow == Flow::Stop {
                return Ok(Flow::Stop);
            }
            if !again.verdicts.is_empty() {
                again.chunk = i;
                redo.push(again);
            }
            if out.checkpoint && self.checkpoint()? == Flow::Stop {
                return Ok(Flow::Stop);
            }
            if count_progress && let Some(p) = &self.progress {
                p.inc(len as u64);
            }
        }
        for again in redo {
            let i = again.chunk;
            let part = self.again(&mut outs[i], again, &fs.name, reread)?;
            parts[i] = Some(part);
        }
        self.fold(&outs, parts);
        // the chunks' slabs, emptied, for the next batch
        for o in outs {
            self.spare_slabs.push(recycle(o.slab));
        }
        Ok(Flow::More)
    }

    /// Hand over the parts of a merged batch, in chunk order. Those of a
    /// [`Sink::COMMUTATIVE`] sink are combined into the few parts kept until the end of the
    /// scan, by the workers (a part of each chunk a thread, in turn): their keys are not
    /// merged one chunk at a time on this thread.
    fn fold(&mut self, outs: &[ChunkOut<'_>], parts: Vec<Option<S::Part>>) {
        if !S::FOLDS {
            return;
        }
        self.stats.matched += outs.iter().map(|o| o.folded).sum::<u64>();
        let parts = parts.into_iter().flatten();
        if !S::COMMUTATIVE {
            for part in parts {
                self.sink.absorb(part);
            }
            return;
        }
        let n = self.cfg.threads.max(1);
        while self.spare.len() < n {
            let part = self.sink.part();
            self.spare.push(part);
        }
        let mut shares: Vec<Vec<S::Part>> = (0..n).map(|_| Vec::new()).collect();
        for (i, part) in parts.enumerate() {
            shares[i % n].push(part);
        }
        let spare = &mut self.spare;
        self.pool.install(|| {
            spare.par_iter_mut().zip(shares).for_each(|(into, share)| {
                for part in share {
                    S::combine(into, part);
                }
            });
        });
    }

    /// A whole request of a chunk that began in earlier chunks (`End::Joins`): the earlier
    /// stages with it; a stage of it they already had is left out, as late.
    pub(super) fn join<'a>(
        &mut self,
        earlier: Vec<Request<'static>>,
        later: Request<'a>,
    ) -> Request<'a> {
        let mut it = earlier.into_iter();
        let Some(mut r) = it.next() else {
            return later;
        };
        let mut r: Request<'a> = {
            for more in it {
                self.merger.late_events += r.merge(more);
            }
            r
        };
        self.merger.late_events += r.merge(later);
        r
    }

    /// Hand over a request the worker already matched against the filter.
    pub(super) fn deliver_checked(&mut self, r: Request<'_>) -> Result<Flow> {
        self.stats.matched += 1;
        self.sink.request(r)
    }

    pub(super) fn deliver(&mut self, r: Request<'_>) -> Result<Flow> {
        if let Some(v) = &mut self.vocab {
            v.see(&r);
        }
        if !S::FILTERED || self.filter.matches(&r) {
            self.deliver_checked(r)
        } else {
            if self.filter.left_out_untimed(&r) {
                self.stats.untimed += 1;
            }
            Ok(Flow::More)
        }
    }
}

/// A chunk's output made by its worker ([`super::Render`]), by request key.
struct ChunkRows {
    text: Vec<u8>,
    by_key: rustc_hash::FxHashMap<u64, super::worker::Made>,
}

impl ChunkRows {
    /// The output made for the request of `key`: before its line number, and after.
    fn of(&self, key: u64) -> Option<(&[u8], &[u8])> {
        let m = self.by_key.get(&key)?;
        if m.end == m.start {
            return None;
        }
        Some((
            self.text.get(m.start..m.hole)?,
            self.text.get(m.hole..m.end)?,
        ))
    }
}

fn rebase(r: &mut Request<'_>, base: u64) {
    // Every mark of an item comes from the chunk that produced it.
    for m in &mut r.marks {
        m.line += base;
    }
}

/// Fold a chunk's whole requests, those the merger left in (with a [`Sink::FOLDS`] sink); how
/// many.
fn fold_done<S: Sink>(
    done: &[u32],
    slab: &[Request<'_>],
    part: &mut S::Part,
    filter: &crate::filter::Filter,
) -> u64 {
    let mut n = 0;
    for r in done.iter().filter_map(|&s| slab.get(s as usize)) {
        super::worker::fold_one::<S>(part, r, filter);
        n += 1;
    }
    n
}
