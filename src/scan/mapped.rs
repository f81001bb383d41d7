//! Mapped files: cut into line-aligned chunks a batch at a time, each chunk read by a worker,
//! and each batch checked for a file cut short underneath before it is merged.

use std::ops::Range;

use anyhow::Result;
use rayon::prelude::*;

use super::worker::{ChunkOut, Units, work};
use super::{FileStats, Flow, Scanner, Sink, Slab, opens_json, split};
use crate::chunk::{self};
use crate::input;
use crate::input::format::Reader;
use crate::input::map::Mapped;
use crate::input::split::Mode;

impl<S: Sink> Scanner<'_, '_, S> {
    /// Scan one buffer of whole lines (the last line may be unterminated), a batch of chunks at a
    /// time. With `map` (the buffer is that map), chunks are cut and read with `pread`, not
    /// through the map, and each batch is checked for a file cut short underneath before it is
    /// merged.
    pub(super) fn buffer(
        &mut self,
        buf: &[u8],
        base: u64,
        map: Option<&Mapped>,
        idx: u32,
        fs: &mut FileStats,
        count_progress: bool,
    ) -> Result<Flow> {
        let batch = (self.cfg.threads * 4).max(1);
        let filter = self.filter;
        let prefilter = if S::PREFILTER && S::FILTERED {
            self.prefilter
        } else {
            None
        };
        let reader = self.reader();
        let scopes = std::sync::Arc::clone(&self.scopes);
        let scope = &scopes[idx as usize];
        let mut group: Vec<Range<usize>> = Vec::with_capacity(batch);
        // whether each chunk of the group ends at a checkpoint (see `CHECKPOINT`)
        let mut checkpoints: Vec<bool> = Vec::with_capacity(batch);
        // a mapped file's chunks are read into these (one per chunk of a batch, reused): what
        // a worker parsed from its copy stays borrowed until its batch is merged and folded
        let mut copies = std::mem::take(&mut self.copies);
        let mut pos = 0;
        let mut flow = Flow::More;
        while pos < buf.len() {
            // chunks are cut as they are needed: a map is only read a batch at a time. A file
            // that ends before its map (cut short, or a read error) ends the cutting: the
            // chunk it would have sized is never cut (see `Mapped::next_end`).
            group.clear();
            checkpoints.clear();
            let mut cut_short = false;
            // a line too long to read whole, after the group
            let mut long = None;
            while group.len() < batch && pos < buf.len() {
                // a chunk ends at the first line end past a checkpoint it would cross
                let at = base + pos as u64;
                let cp = self.cfg.checkpoint;
                let next_cp = (at / cp + 1) * cp;
                let target = self.cfg.chunk_size.min((next_cp - at) as usize);
                let end = match map {
                    Some(m) => match m.next_end(pos, target) {
                        Some(end) => end,
                        None => {
                            cut_short = true;
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
                        group.push(pos..start);
                        checkpoints.push(false);
                    }
                    long = Some(start..end);
                    pos = end;
                    break;
                }
                group.push(pos..end);
                checkpoints.push(base + end as u64 >= next_cp);
                pos = end;
            }
            if copies.len() < group.len() {
                copies.resize_with(group.len(), Vec::new);
            }
            let slabs = self.slabs(group.len());
            let outs: Vec<ChunkOut> = self.pool.install(|| {
                group
                    .par_iter()
                    .zip(copies.par_iter_mut())
                    .zip(slabs)
                    .map(|((r, copy), slab)| match map {
                        Some(m) => work_copied::<S>(
                            m,
                            r.clone(),
                            copy,
                            slab,
                            (idx, scope),
                            reader,
                            filter,
                            prefilter,
                        ),
                        None => work::<S>(
                            &Units::Lines(&buf[r.clone()]),
                            slab,
                            (idx, scope),
                            reader,
                            filter,
                            prefilter,
                        ),
                    })
                    .collect()
            });
            // Truncation never changes the bytes before the new end: the chunks below the cut
            // were read as written; the others may have read zeros or new data, and are dropped.
            // Nothing after this check reads the map (see `work_copied`). A chunk read short
            // without the file being shorter (an I/O error) ends the file with an error.
            let shrunk = map.and_then(Mapped::shrunk);
            let keep = match shrunk {
                Some(s) => group.iter().take_while(|r| r.end <= s.valid).count(),
                None => outs.iter().take_while(|o| !o.short).count(),
            };
            let failed = shrunk.is_none() && (cut_short || keep < group.len());
            let failed_at = group.get(keep).map_or(pos, |r| r.start);
            let lens: Vec<usize> = group.iter().map(|r| r.len()).collect();
            let mut outs = outs;
            outs.truncate(keep);
            for (o, cp) in outs.iter_mut().zip(&checkpoints) {
                o.checkpoint = *cp;
            }
            flow = self.merge_batch(outs, fs, lens.into_iter(), count_progress)?;
            if flow == Flow::Stop {
                break;
            }
            if let Some(s) = shrunk {
                self.shrank(idx, fs, s, &format!("lines after {}", fs.lines));
                break;
            }
            if !failed && let (Some(m), Some(r)) = (map, long.take()) {
                let crossed = (base + r.start as u64) / self.cfg.checkpoint
                    != (base + r.end as u64) / self.cfg.checkpoint;
                flow = self.long_line(m, r, idx, fs, count_progress)?;
                if flow == Flow::More && crossed {
                    flow = self.checkpoint()?;
                }
                if flow == Flow::Stop {
                    break;
                }
                if m.shrunk().is_some() || self.stats.files[idx as usize].error.is_some() {
                    // cut short or unreadable while the line was read: reported there
                    break;
                }
                continue;
            }
            if failed {
                let msg = format!(
                    "{}: read failed at byte {failed_at} (of {}); lines after {} not read",
                    fs.name,
                    buf.len(),
                    fs.lines
                );
                self.file_error(idx, &msg);
                break;
            }
        }
        // after a long line, do not keep its size for every later chunk
        for c in &mut copies {
            if c.capacity() > 4 * crate::chunk::DEFAULT_CHUNK {
                *c = Vec::new();
            }
        }
        self.copies = copies;
        Ok(flow)
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
        let line = fs.lines + 1;
        fs.lines += 1;
        fs.records += 1;
        self.stats.lines += 1;
        self.stats.records += 1;
        self.stats.malformed += 1;
        let reason = format!(
            "line longer than {} MiB",
            crate::input::split::MAX_RECORD >> 20
        );
        self.show_malformed(&fs.name.clone(), line, reason);
        if count_progress && let Some(p) = &self.progress {
            p.inc(r.len() as u64);
        }
        Ok(Flow::More)
    }
}

/// The worker for a chunk of a mapped file: copy the chunk, give its pages back, and parse the
/// copy; what it returns owns its strings.
///
/// A mapped file can be cut short at any moment (copytruncate): its pages past the new end then
/// read as zeros (see `input::map`). Parsing the map in place would see bytes change under a
/// parser that checked them a moment before, and a merge that reads the map after the batch was
/// checked would put zeros into requests. A copy is read once, so the batch check afterwards
/// covers everything. The copy is hot in the worker's cache when it is parsed: a full scan of
/// 1 GB took the same time (BENCHMARKS.md, "Memory").
#[allow(clippy::too_many_arguments)]
fn work_copied<'a, S: Sink>(
    map: &Mapped,
    r: Range<usize>,
    copy: &'a mut Vec<u8>,
    slab: Slab,
    file: (u32, &'a input::Scope),
    reader: Reader,
    filter: &crate::filter::Filter,
    prefilter: Option<&crate::filter::Prefilter>,
) -> ChunkOut<'a> {
    // Read, not copied from the map: the same bytes from the page cache, without a page
    // fault, page-table update and TLB flush per page (summary on 1 GB: 0.76 s -> 0.59 s).
    // (nothing reads the chunk through the map, so there are no pages to give back: the
    // chunk's end was found with pread too, see `Mapped::next_end`)
    #[cfg(unix)]
    let complete = map.read_into(r.clone(), copy);
    #[cfg(not(unix))]
    let complete = {
        copy.clear();
        map.copy_into(r.clone(), copy);
        true
    };
    if !complete {
        // cut short underneath, or a read error: the scanner drops this chunk and those after
        return ChunkOut::new(true);
    }
    let copy: &'a Vec<u8> = copy;
    work::<S>(&Units::Lines(copy), slab, file, reader, filter, prefilter)
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
