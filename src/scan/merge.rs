//! The ordered merge: each chunk's counts and fragments in chunk order, requests joined across
//! chunks and files, repeats taken out, and what matches handed to the sink (or folded into
//! parts by the workers).

use anyhow::Result;
use rayon::prelude::*;

use super::worker::{ChunkOut, NOT_DONE, max_opt, min_opt};
use super::{FileStats, Flow, Problem, Scanner, Sink, recycle};
use crate::correlate::{End, Item, Request};

impl<S: Sink> Scanner<'_, '_, S> {
    /// Merge one chunk's result, in chunk order: its counts, its fragments (joined across
    /// chunks), and the check of its whole requests against the requests that ended before
    /// (a repeat is taken out of `out.done`). What it folds is folded after, by [`Self::fold`].
    pub(super) fn merge(&mut self, out: &mut ChunkOut<'_>, fs: &mut FileStats) -> Result<Flow> {
        let base = if out.absolute { 0 } else { fs.lines };
        self.count(out, fs, base);
        // the whole requests of the chunk (their lines made absolute)
        for r in &mut out.slab {
            rebase(r, base);
        }
        self.check_ended(out);
        self.deliver_items(std::mem::take(&mut out.items), base)
    }

    /// A chunk's counts into the input's and the scan's, its skipped keys into the merger, and
    /// its problems shown (`base`: the input's lines before the chunk).
    fn count(&mut self, out: &mut ChunkOut<'_>, fs: &mut FileStats, base: u64) {
        fs.lines += out.lines;
        fs.records += out.records;
        fs.events += out.events;
        fs.first = min_opt(fs.first, out.first);
        fs.last = max_opt(fs.last, out.last);
        self.stats.lines += out.lines;
        self.stats.records += out.records;
        self.stats.events += out.events;
        self.stats.skipped_blank += out.blank;
        self.stats.skipped_truncated += out.truncated;
        self.stats.skipped_foreign += out.foreign;
        self.stats.skipped_empty += out.empty;
        self.stats.skipped_prefilter += out.prefiltered;
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

    /// The check of a chunk's whole requests against those that ended before: a repeat is
    /// taken out of `out.done`, a request with stages in earlier chunks joined with them.
    fn check_ended(&mut self, out: &mut ChunkOut<'_>) {
        // a whole request that repeats one that ended in an earlier chunk (a line delivered
        // twice, far apart) is taken out before it is folded or counted; one with stages open
        // from earlier chunks (its RequestReceived delivered again, a webhook batch retried)
        // takes them in
        for e in std::mem::take(&mut out.ended) {
            match self.merger.end(e.key) {
                End::First => {}
                End::Repeat => {
                    self.merger.late_events += u64::from(e.events);
                    self.stats.requests -= 1;
                    if let Some(slot) = out.done.get_mut(e.done as usize) {
                        *slot = NOT_DONE;
                    }
                }
                End::Joins(earlier) => {
                    let slot = e.slab as usize;
                    let r = self.join(earlier, std::mem::take(&mut out.slab[slot]));
                    let matches = !S::FILTERED || self.filter.matches(&r);
                    out.slab[slot] = r;
                    // the request it now is may match where its part did not, or not
                    match out.done.get_mut(e.done as usize) {
                        Some(d) if !matches => *d = NOT_DONE,
                        None if matches => out.done.push(e.slab),
                        _ => {}
                    }
                }
            }
        }
    }

    /// A chunk's items in order: its requests the worker matched (checked for repeats), and
    /// its fragments, joined with those of earlier chunks; what is whole and matches goes to
    /// the sink.
    fn deliver_items(&mut self, items: Vec<Item<'_>>, base: u64) -> Result<Flow> {
        for item in items {
            let flow = match item {
                Item::Done(mut r) => {
                    rebase(&mut r, base);
                    if r.received_key.is_empty() {
                        self.deliver_checked(r)?
                    } else {
                        match self.merger.end(r.key) {
                            End::First => self.deliver_checked(r)?,
                            End::Repeat => {
                                self.merger.late_events += r.marks.len() as u64;
                                self.stats.requests -= 1;
                                continue;
                            }
                            End::Joins(earlier) => {
                                let r = self.join(earlier, r);
                                self.deliver(r)?
                            }
                        }
                    }
                }
                Item::Frag(mut r) => {
                    rebase(&mut r, base);
                    match self.merger.frag(r) {
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

    /// Merge a batch's results in chunk order, then fold what each chunk holds for the sink (in
    /// the workers, into parts), and hand the parts over in chunk order. `lens` are the bytes
    /// of each chunk, for the progress bar.
    pub(super) fn merge_batch(
        &mut self,
        mut outs: Vec<ChunkOut<'_>>,
        fs: &mut FileStats,
        lens: impl Iterator<Item = usize>,
        count_progress: bool,
    ) -> Result<Flow> {
        for (out, len) in outs.iter_mut().zip(lens) {
            if self.merge(out, fs)? == Flow::Stop {
                return Ok(Flow::Stop);
            }
            if out.checkpoint && self.checkpoint()? == Flow::Stop {
                return Ok(Flow::Stop);
            }
            if count_progress && let Some(p) = &self.progress {
                p.inc(len as u64);
            }
        }
        let flow = self.fold(&mut outs);
        // the chunks' slabs, emptied, for the next batch
        for o in outs {
            self.spare_slabs.push(recycle(o.slab));
        }
        flow
    }

    /// Fold what each chunk of a merged batch holds for the sink (in the workers, into parts),
    /// and hand the parts over in chunk order.
    pub(super) fn fold(&mut self, outs: &mut [ChunkOut<'_>]) -> Result<Flow> {
        if S::FOLDS && outs.iter().any(|o| !o.done.is_empty()) {
            let parts: Vec<S::Part> = outs.iter().map(|_| self.part()).collect();
            let filter = self.filter;
            let folded: Vec<(S::Part, u64)> = self.pool.install(|| {
                outs.par_iter_mut()
                    .zip(parts)
                    .map(|(o, mut part)| {
                        let n = fold_done::<S>(&o.done, &o.slab, &mut part, filter);
                        (part, n)
                    })
                    .collect()
            });
            for (part, n) in folded {
                self.stats.matched += n;
                if S::COMMUTATIVE {
                    self.spare.push(part);
                } else {
                    self.sink.absorb(part);
                }
            }
        }
        Ok(Flow::More)
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
        let folded = if S::FILTERED {
            S::fold(part, r)
        } else {
            S::fold_unfiltered(part, r, filter)
        };
        debug_assert!(folded, "a sink with FOLDS folds every request");
        n += 1;
    }
    n
}
