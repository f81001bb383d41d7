//! Mapped files: cut into line-aligned chunks a batch at a time, each chunk read by a worker,
//! and each batch checked for a file cut short underneath before it is merged.
//!
//! A worker reads its chunk one of two ways. With `pread`, into a buffer of its own, which it
//! parses: when most lines are parsed (a full scan parses every one), one copy of the whole
//! chunk costs less than mapping its pages and giving them back. In place, when the prefilter
//! skips most lines unparsed: the worker walks the chunk's lines in the map, asks the prefilter
//! about each, and copies only the lines it admits into an arena (`worker::work_in_place`), to
//! parse them there; the bytes it skips are never copied. [`Reading`] chooses, batch by batch.
//!
//! Either way, what the chunk's requests borrow is a copy, made before the batch is checked for
//! a cut ([`Mapped::shrunk`]): nothing reads the map after that check, so a file cut short
//! underneath puts no zeros (nor bytes written after the cut) into a request, and a read of the
//! cut pages sees zeros rather than dying (the SIGBUS guard, see `input::map`; where there is
//! none, nothing is read in place). A chunk read in place gives its pages back once read
//! ([`Mapped::release`]), so the resident set does not grow to the file's size.

use std::ops::Range;

use anyhow::Result;
use rayon::prelude::*;

use super::worker::{ChunkOut, Units, work, work_in_place};
use super::{FileStats, Flow, Render, Scanner, Sink, Slab, opens_json, split};
use crate::chunk::{self};
use crate::filter::unseen::Vocab;
use crate::filter::{Filter, Prefilter};
use crate::input;
use crate::input::format::Reader;
use crate::input::map::Mapped;
use crate::input::split::Mode;

/// What one worker of a batch reads a mapped chunk into, kept from one batch to the next.
#[derive(Default)]
pub(super) struct ChunkBuf {
    /// The chunk, read with `pread`.
    copy: Vec<u8>,
    /// The lines of a chunk read in place that the prefilter admitted.
    arena: bumpalo::Bump,
}

impl ChunkBuf {
    /// Keep only the buffer a chunk read `how` needs.
    fn keep(&mut self, how: Read) {
        match how {
            Read::Pread => self.arena = bumpalo::Bump::new(),
            Read::InPlace => self.copy = Vec::new(),
        }
    }
}

/// How a batch of a mapped file's chunks is read (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Read {
    Pread,
    InPlace,
}

/// Chooses, batch by batch, how a mapped file's chunks are read: in place while the prefilter
/// has left most lines unparsed so far, else with `pread` (the first batch is read in place).
/// A batch's choice changes how its bytes are copied, never what is read from them: the output
/// is the same either way.
struct Reading {
    /// The scan has a prefilter, and the file is mapped with the SIGBUS guard.
    may: bool,
    lines: u64,
    parsed: u64,
    /// The start of the last batch read: its pages and the next one's are given back together.
    before: usize,
}

impl Reading {
    fn new(may: bool) -> Self {
        Reading {
            may,
            lines: 0,
            parsed: 0,
            before: 0,
        }
    }

    /// In place while at most a fifth of the lines read so far were parsed: past that, the
    /// faults of mapping the pages and giving them back cost more than the copy they save
    /// (BENCHMARKS.md, "Issue 18, point 5").
    fn next(&self) -> Read {
        if self.may && self.parsed * 5 <= self.lines {
            Read::InPlace
        } else {
            Read::Pread
        }
    }

    fn saw(&mut self, outs: &[ChunkOut<'_>]) {
        for o in outs {
            self.lines += o.lines;
            self.parsed += o.lines.saturating_sub(o.prefiltered);
        }
    }
}

/// One batch of chunks, as cut.
#[derive(Default)]
struct Batch {
    group: Vec<Range<usize>>,
    /// Whether each chunk of the group ends at a checkpoint (see `CHECKPOINT`).
    checkpoints: Vec<bool>,
    /// The file ended before its map (cut short, or a read error) where the next chunk would
    /// have been cut: it was not (see `Mapped::next_end`).
    cut_short: bool,
    /// A line too long to read whole, after the group (see [`long_line`]).
    long: Option<Range<usize>>,
    /// Where the next batch starts.
    end: usize,
    /// The offset of the buffer in its input.
    base: u64,
}

/// A batch whose chunks the workers have read, to be merged.
struct ReadBatch<'b, P> {
    outs: Vec<ChunkOut<'b>>,
    parts: Vec<Option<P>>,
    batch: Batch,
}

/// The buffer a scan reads ([`Scanner::buffer`]), and where it comes from.
struct Place<'b> {
    buf: &'b [u8],
    /// The offset of the buffer in its input.
    base: u64,
    /// The buffer is this map.
    map: Option<&'b Mapped>,
    file: (u32, &'b input::Scope),
    count_progress: bool,
}

/// What the workers of a batch read from: a buffer of lines, or a map.
#[derive(Clone, Copy)]
enum Src<'b> {
    Buffer(&'b [u8]),
    Map(&'b Mapped, Read),
}

/// What every worker of a batch reads with.
struct Job<'b, 'f> {
    file: (u32, &'b input::Scope),
    reader: Reader,
    filter: &'f Filter,
    prefilter: Option<&'f Prefilter>,
    render: Option<&'f dyn Render>,
    vocab: Option<&'f Vocab>,
}

impl<'c, S: Sink> Scanner<'c, '_, S> {
    /// Scan one buffer of whole lines (the last line may be unterminated), a batch of chunks at a
    /// time. With `map` (the buffer is that map), chunks are cut with `pread`, read as
    /// [`Reading`] chooses, and each batch is checked for a file cut short underneath before it
    /// is merged.
    ///
    /// With a sink that does not fold, the workers read batch N+1 while this thread merges batch
    /// N ([`Scanner::step`]): the chunks of the two are read into two sets of buffers, used in
    /// turn. With one that folds, a batch is read, then merged.
    pub(super) fn buffer(
        &mut self,
        buf: &[u8],
        base: u64,
        map: Option<&Mapped>,
        idx: u32,
        fs: &mut FileStats,
        count_progress: bool,
    ) -> Result<Flow> {
        let scopes = std::sync::Arc::clone(&self.scopes);
        let at = Place {
            buf,
            base,
            map,
            file: (idx, &scopes[idx as usize]),
            count_progress,
        };
        let mut reading =
            Reading::new(map.is_some_and(Mapped::guarded) && self.sink_prefilter().is_some());
        // a mapped file's chunks are read into these (one per chunk of a batch, reused): what
        // a worker parsed from them stays borrowed until its batch is merged and folded
        let [mut one, mut two] = std::mem::take(&mut self.copies);
        let mut flow = Flow::More;
        if S::FOLDS {
            // one batch at a time, in one set of buffers
            let mut start = 0;
            while start < buf.len() {
                let Some(read) = self.read_beside(start, &at, &mut one, &mut reading, None)? else {
                    break;
                };
                let go_on;
                (go_on, start) = self.merge_read(read, &at, fs, &mut flow)?;
                if !go_on {
                    break;
                }
            }
        } else if !buf.is_empty() {
            let mut read = self.read_beside(0, &at, &mut one, &mut reading, None)?;
            while let Some(last) = read {
                let Some(next) = self.step(last, &at, &mut two, &mut reading, fs, &mut flow)?
                else {
                    break;
                };
                read = self.step(next, &at, &mut one, &mut reading, fs, &mut flow)?;
            }
        }
        // after a long line, do not keep its size for every later chunk
        for c in one.iter_mut().chain(two.iter_mut()) {
            if c.copy.capacity() > 4 * chunk::DEFAULT_CHUNK {
                c.copy = Vec::new();
            }
            if c.arena.allocated_bytes() > 4 * chunk::DEFAULT_CHUNK {
                c.arena = bumpalo::Bump::new();
            }
        }
        self.copies = [one, two];
        Ok(flow)
    }

    /// One step of [`Scanner::buffer`] with a sink that does not fold: the batch `last` (read,
    /// not merged yet) merged, and the batch after it read into `into` and returned (`None` at
    /// the end of the buffer, or where the scan stops).
    ///
    /// The workers read the next batch while this thread merges the last one: with a sink that
    /// does not fold, the merge writes every matching request (`events`' rows), a share of the
    /// run worth doing beside the workers. Not when a long line follows the last batch (it is
    /// read on this thread, after the merge) or its file ended early (nothing after it is read).
    /// A sink that folds merges little per batch: overlapping gained nothing there while the
    /// workers competed with this thread for the cores, and a second set of buffers raised
    /// `summary`'s peak memory (BENCHMARKS.md, issue 19). Its batches are twice as long
    /// instead ([`Scanner::cut`]): as many chunks are in flight either way.
    fn step<'b>(
        &mut self,
        last: ReadBatch<'_, S::Part>,
        at: &Place<'b>,
        into: &'b mut Vec<ChunkBuf>,
        reading: &mut Reading,
        fs: &mut FileStats,
        flow: &mut Flow,
    ) -> Result<Option<ReadBatch<'b, S::Part>>> {
        if last.batch.cut_short || last.batch.long.is_some() {
            // a long line after it moves where the next batch starts
            let (go_on, start) = self.merge_read(last, at, fs, flow)?;
            if !go_on || start >= at.buf.len() {
                return Ok(None);
            }
            return self.read_beside(start, at, into, reading, None);
        }
        let start = last.batch.end;
        if start >= at.buf.len() {
            self.merge_read(last, at, fs, flow)?;
            return Ok(None);
        }
        self.read_beside(start, at, into, reading, Some((last, fs, flow)))
    }

    /// The batch from `start` cut and read into `into`; the batch `last`, if given, merged on
    /// this thread meanwhile. `None` when that merge ended the buffer (the batch just read is
    /// dropped: it follows a stop or a cut).
    fn read_beside<'b>(
        &mut self,
        start: usize,
        at: &Place<'b>,
        into: &'b mut Vec<ChunkBuf>,
        reading: &mut Reading,
        last: Option<(ReadBatch<'_, S::Part>, &mut FileStats, &mut Flow)>,
    ) -> Result<Option<ReadBatch<'b, S::Part>>> {
        let mut batch = Batch {
            end: start,
            ..Batch::default()
        };
        self.cut(&mut batch, at.buf, at.base, at.map);
        if into.len() < batch.group.len() {
            into.resize_with(batch.group.len(), ChunkBuf::default);
        }
        let how = reading.next();
        for c in into.iter_mut() {
            // the buffers the other way reads into are not needed (free when already empty)
            c.keep(how);
        }
        let from = match at.map {
            Some(m) => Src::Map(m, how),
            None => Src::Buffer(at.buf),
        };
        let render = self.render.clone();
        let fresh = self.fresh.clone();
        let job = Job {
            file: at.file,
            reader: self.reader(),
            filter: self.filter,
            prefilter: self.sink_prefilter(),
            render: render.as_deref(),
            vocab: fresh.as_deref(),
        };
        let slabs = self.slabs(batch.group.len());
        let mut parts = self.parts(batch.group.len());
        let outs = match last {
            None => self
                .pool
                .install(|| job.batch::<S>(&batch.group, from, into, slabs, &mut parts)),
            Some((last, fs, flow)) => {
                let pool = std::sync::Arc::clone(&self.pool);
                let mut outs = Vec::new();
                let mut merged = Ok((false, 0));
                pool.in_place_scope(|s| {
                    s.spawn(|_| {
                        outs = job.batch::<S>(&batch.group, from, into, slabs, &mut parts);
                    });
                    merged = self.merge_read(last, at, fs, flow);
                });
                if !merged?.0 {
                    return Ok(None);
                }
                outs
            }
        };
        reading.saw(&outs);
        if let Some(m) = at.map
            && how == Read::InPlace
        {
            // the pages its workers shared at the chunks' ends (theirs are given back)
            m.release(reading.before..batch.end);
        }
        reading.before = start;
        Ok(Some(ReadBatch { outs, parts, batch }))
    }

    /// A batch read, merged ([`Scanner::end_batch`]). Whether the buffer goes on after it, and
    /// where.
    fn merge_read(
        &mut self,
        read: ReadBatch<'_, S::Part>,
        at: &Place<'_>,
        fs: &mut FileStats,
        flow: &mut Flow,
    ) -> Result<(bool, usize)> {
        let ReadBatch {
            outs,
            parts,
            mut batch,
        } = read;
        let go_on;
        (*flow, go_on) = self.end_batch(
            outs,
            parts,
            &mut batch,
            at.map,
            at.file.0,
            fs,
            at.count_progress,
        )?;
        Ok((go_on, batch.end))
    }

    /// The prefilter, when the sink allows one.
    pub(super) fn sink_prefilter(&self) -> Option<&'c Prefilter> {
        if S::PREFILTER && S::FILTERED {
            self.prefilter
        } else {
            None
        }
    }

    /// Cut the next batch of chunks, from `batch.end`: four chunks a thread with a sink that
    /// folds, two with one whose batches are read beside a merge ([`Scanner::step`]). Chunks
    /// are cut as they are needed: a map is only read a batch at a time. A file that ends before
    /// its map (cut short, or a read error) ends the cutting: the chunk it would have sized is
    /// never cut.
    fn cut(&self, batch: &mut Batch, buf: &[u8], base: u64, map: Option<&Mapped>) {
        let n = (self.cfg.threads * if S::FOLDS { 4 } else { 2 }).max(1);
        let mut pos = batch.end;
        batch.base = base;
        batch.group.clear();
        batch.checkpoints.clear();
        batch.cut_short = false;
        batch.long = None;
        while batch.group.len() < n && pos < buf.len() {
            // a chunk ends at the first line end past a checkpoint it would cross
            let at = base + pos as u64;
            let cp = self.cfg.checkpoint;
            let next_cp = (at / cp + 1) * cp;
            let target = self.cfg.chunk_size.min((next_cp - at) as usize);
            let end = match map {
                Some(m) => match m.next_end(pos, target) {
                    Some(end) => end,
                    None => {
                        batch.cut_short = true;
                        break;
                    }
                },
                None => chunk::next_end(buf, pos, target),
            };
            if let Some(m) = map
                && end - pos > self.cfg.long_line
                && let Some(start) = long_line(m, pos, target, end, self.cfg.long_line)
            {
                if start > pos {
                    batch.group.push(pos..start);
                    batch.checkpoints.push(false);
                }
                batch.long = Some(start..end);
                pos = end;
                break;
            }
            batch.group.push(pos..end);
            batch.checkpoints.push(base + end as u64 >= next_cp);
            pos = end;
        }
        batch.end = pos;
    }

    /// A batch read: checked for a cut, merged, and the long line after it read. False when
    /// the buffer ends here (the sink stopped, the file was cut short or could not be read).
    #[expect(
        clippy::too_many_arguments,
        reason = "a batch's results, and where it was read"
    )]
    fn end_batch(
        &mut self,
        mut outs: Vec<ChunkOut<'_>>,
        mut parts: Vec<Option<S::Part>>,
        batch: &mut Batch,
        map: Option<&Mapped>,
        idx: u32,
        fs: &mut FileStats,
        count_progress: bool,
    ) -> Result<(Flow, bool)> {
        let group = &batch.group;
        // Truncation never changes the bytes before the new end: the chunks below the cut
        // were read as written; the others may have read zeros or new data, and are dropped.
        // Nothing after this check reads the map (see the module docs). A chunk read short
        // without the file being shorter (an I/O error) ends the file with an error.
        let shrunk = map.and_then(Mapped::shrunk);
        let keep = match shrunk {
            Some(s) => group.iter().take_while(|r| r.end <= s.valid).count(),
            None => outs.iter().take_while(|o| !o.short).count(),
        };
        let failed = shrunk.is_none() && (batch.cut_short || keep < group.len());
        let failed_at = group.get(keep).map_or(batch.end, |r| r.start);
        let lens: Vec<usize> = group.iter().map(|r| r.len()).collect();
        outs.truncate(keep);
        parts.truncate(keep);
        for (o, cp) in outs.iter_mut().zip(&batch.checkpoints) {
            o.checkpoint = *cp;
        }
        // a chunk read in place is read again with `pread`, should it hold a repeat
        let reread = |i: usize| {
            let (m, r) = (map?, group.get(i)?);
            let mut copy = Vec::new();
            read(m, r.clone(), &mut copy).then_some(copy)
        };
        let flow = self.merge_batch(outs, parts, fs, lens.into_iter(), count_progress, &reread)?;
        if flow == Flow::Stop {
            return Ok((flow, false));
        }
        if let Some(s) = shrunk {
            self.shrank(idx, fs, s, &format!("lines after {}", fs.lines));
            return Ok((flow, false));
        }
        if failed {
            let len = map.map_or(batch.end, Mapped::len);
            let msg = format!(
                "{}: read failed at byte {failed_at} (of {len}); lines after {} not read",
                fs.name, fs.lines
            );
            self.file_error(idx, &msg);
            return Ok((flow, false));
        }
        match (map, batch.long.take()) {
            (Some(m), Some(r)) => {
                self.after_batch_long_line(m, r, batch.base, idx, fs, count_progress)
            }
            _ => Ok((flow, true)),
        }
    }

    /// The long line cut after a batch (see [`long_line`]), read; then a checkpoint if it
    /// crossed one.
    fn after_batch_long_line(
        &mut self,
        m: &Mapped,
        r: Range<usize>,
        base: u64,
        idx: u32,
        fs: &mut FileStats,
        count_progress: bool,
    ) -> Result<(Flow, bool)> {
        let cp = self.cfg.checkpoint;
        let crossed = (base + r.start as u64) / cp != (base + r.end as u64) / cp;
        let mut flow = self.long_line(m, r, idx, fs, count_progress)?;
        if flow == Flow::More && crossed {
            flow = self.checkpoint()?;
        }
        // cut short or unreadable while the line was read: reported there
        let ended = m.shrunk().is_some() || self.stats.files[idx as usize].error.is_some();
        Ok((flow, flow == Flow::More && !ended))
    }

    /// A long line of a mapped file (see [`long_line`]): its records cut as it is read, or,
    /// when it holds no JSON value and is longer than a record may be, one malformed line.
    pub(super) fn long_line(
        &mut self,
        m: &Mapped,
        r: Range<usize>,
        idx: u32,
        fs: &mut FileStats,
        count_progress: bool,
    ) -> Result<Flow> {
        let mut first = Vec::new();
        let json =
            m.read_into(r.start..(r.start + 4096).min(r.end), &mut first) && opens_json(&first);
        if json {
            let feed = split::Feed::Map {
                map: m,
                at: r.start,
                end: r.end,
            };
            return Ok(self
                .split(Mode::Line, feed, Vec::new(), idx, fs, count_progress)?
                .flow);
        }
        self.over_long_line(fs, crate::input::split::MAX_RECORD);
        if count_progress && let Some(p) = &self.progress {
            p.inc(r.len() as u64);
        }
        Ok(Flow::More)
    }
}

impl<'b> Job<'b, '_> {
    /// The workers' results for a batch's chunks, in chunk order (run in the scan's pool).
    fn batch<S: Sink>(
        &self,
        group: &[Range<usize>],
        from: Src<'b>,
        copies: &'b mut [ChunkBuf],
        slabs: Vec<Slab>,
        parts: &mut [Option<S::Part>],
    ) -> Vec<ChunkOut<'b>> {
        group
            .par_iter()
            .zip(copies.par_iter_mut())
            .zip(slabs)
            .zip(parts.par_iter_mut())
            .map(|(((r, copy), slab), part)| {
                self.chunk::<S>(from, r.clone(), copy, slab, part.as_mut())
            })
            .collect()
    }

    /// The worker for one chunk: read it as `from` says, and parse it; what it returns borrows
    /// its buffer, never the map.
    fn chunk<S: Sink>(
        &self,
        from: Src<'b>,
        r: Range<usize>,
        buf: &'b mut ChunkBuf,
        slab: Slab,
        part: Option<&mut S::Part>,
    ) -> ChunkOut<'b> {
        let (file, reader, filter, prefilter, render, vocab) = (
            self.file,
            self.reader,
            self.filter,
            self.prefilter,
            self.render,
            self.vocab,
        );
        let units = match from {
            Src::Buffer(b) => Units::Lines(&b[r]),
            Src::Map(m, Read::InPlace) if prefilter.is_some() => {
                let p = prefilter.expect("checked");
                buf.arena.reset();
                // one block that holds the whole chunk: never grown, kept from chunk to chunk
                if buf.arena.chunk_capacity() < r.len() {
                    buf.arena = bumpalo::Bump::with_capacity(r.len());
                }
                let arena = &buf.arena;
                let bytes = &m.bytes()[r.clone()];
                let out = work_in_place::<S>(
                    bytes, arena, slab, file, reader, filter, p, part, render, vocab,
                );
                m.release(r);
                return out;
            }
            Src::Map(m, _) => {
                if !read(m, r, &mut buf.copy) {
                    // cut short underneath, or a read error: the scanner drops this chunk and
                    // those after it
                    return ChunkOut::new(true);
                }
                Units::Lines(&buf.copy)
            }
        };
        work::<S>(
            &units, slab, file, reader, filter, prefilter, part, render, vocab,
        )
    }
}

/// Make `copy` the bytes of `r` of a mapped file; false if it could not be read whole. Read with
/// `pread`, not copied from the map: the same bytes from the page cache, without a page fault,
/// page-table update and TLB flush per page (nothing reads the chunk through the map, so there
/// are no pages to give back: its end was found with `pread` too, see `Mapped::next_end`).
fn read(map: &Mapped, r: Range<usize>, copy: &mut Vec<u8>) -> bool {
    #[cfg(unix)]
    return map.read_into(r, copy);
    #[cfg(not(unix))]
    {
        copy.clear();
        map.copy_into(r, copy);
        true
    }
}

/// In a mapped file, the chunk from `pos` to `end` may hold a long line: the one that holds
/// byte `pos + target - 1` and ends at `end`. Its start, if it is longer than `long` and must
/// not be read whole: it holds a JSON value (read as it comes), or it is longer than a record
/// may be.
fn long_line(m: &Mapped, pos: usize, target: usize, end: usize, long: usize) -> Option<usize> {
    let mut head = Vec::new();
    let upto = (pos + target.max(1)).min(end);
    if !m.read_into(pos..upto, &mut head) {
        return None;
    }
    let start =
        pos + memchr::memrchr(b'\n', &head[..head.len().saturating_sub(1)]).map_or(0, |i| i + 1);
    if end - start <= long {
        return None;
    }
    let mut first = Vec::new();
    if !m.read_into(start..(start + 4096).min(end), &mut first) {
        return None;
    }
    let json = opens_json(&first);
    (json || (end - start) as u64 > crate::input::split::MAX_RECORD).then_some(start)
}
