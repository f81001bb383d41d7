//! Records cut from JSON text as it is read (`input::split`), scanned in batches like chunks:
//! JSON documents (a pretty-printed `EventList`, `jq .` output, `gcloud logging read` arrays)
//! and the long lines of a JSON-lines input that hold one JSON value (a webhook batch written
//! on one line). Only the record being read and one batch of records are held, whatever the
//! input's size; a record is parsed by the workers (`Units::Items`) as a document's always was.
//!
//! The bytes come from a mapped file (read with `pread`, a window at a time: a file cut short
//! is reported as the line scan reports it), from a stream's reader thread, or from a reader
//! read directly (a document on a stream).

use std::io::{self, Read};

use anyhow::Result;
use rayon::prelude::*;

use super::pending::Pending;
use super::worker::{ChunkOut, Units, work};
use super::{FileStats, Flow, Scanner, Sink};
use crate::input::document::{BOM, Item as DocItem};
use crate::input::map::{Mapped, Shrunk};
use crate::input::split::{Cut, Mode, Splitter};

/// Bytes read at a time from a map or a reader.
const WINDOW: usize = 4 << 20;

/// Where the bytes come from.
pub(super) enum Feed<'f> {
    /// A mapped file's bytes from `at` to `end`, read with `pread`.
    Map {
        map: &'f Mapped,
        at: usize,
        end: usize,
    },
    /// A stream's blocks, as its reader thread sends them.
    Chan(&'f crate::input::ahead::Blocks),
    /// A reader, read here; `plain`: a regular file read (not mapped) and its size when opened,
    /// to tell its end from a cut made underneath it (copytruncate).
    Read {
        r: &'f mut dyn Read,
        plain: Option<&'f (std::fs::File, u64)>,
    },
}

impl Feed<'_> {
    /// At the end of the feed, after `read` bytes: was the file cut short underneath?
    fn cut_short(&self, read: u64) -> Option<Shrunk> {
        let Feed::Read {
            plain: Some((file, was)),
            ..
        } = self
        else {
            return None;
        };
        let now = file.metadata().ok()?.len();
        (read < *was && now < *was).then(|| Shrunk {
            was: *was,
            now,
            valid: usize::try_from(read).unwrap_or(usize::MAX),
        })
    }
}

/// How a split scan ended.
pub(super) struct Split {
    pub flow: Flow,
    /// Line mode: the bytes read after the line (they belong to the lines after it).
    pub rest: Vec<u8>,
    /// It could not be read further: an error was reported (a read error, a file cut short).
    pub failed: bool,
    /// Bytes read from the feed.
    pub read: u64,
}

impl<S: Sink> Scanner<'_, '_, S> {
    /// Scan the records of JSON text: a document (`Mode::Document`: the whole input; `pending`
    /// holds its first bytes) or one long line (`Mode::Line`: `pending` holds its start and
    /// maybe more; the line is number `fs.lines + 1`). Records are read in groups of about a
    /// chunk, a batch of groups at a time; `fs` counts lines and records as the line scan does.
    pub(super) fn split(
        &mut self,
        mode: Mode,
        mut feed: Feed<'_>,
        pending: Vec<u8>,
        idx: u32,
        fs: &mut FileStats,
        count_progress: bool,
    ) -> Result<Split> {
        let mut pending = Pending::from(pending);
        let first_line = fs.lines + 1;
        // a byte-order mark before a document or a line is no part of it
        let mut base: u64 = 0;
        let mut shrunk = None;
        if pending.len() < BOM.len() && matches!(feed, Feed::Map { .. }) {
            self.fill(&mut feed, &mut pending, idx, fs, &mut shrunk)?;
        }
        if pending.starts_with(BOM) {
            self.stats.byte_order_marks += 1;
            pending.drain_front(BOM.len());
            base = BOM.len() as u64;
        }
        let mut sp = Splitter::new(mode, base, first_line);
        let mut cuts: Vec<Cut> = Vec::new();
        let mut items: Vec<DocItem> = Vec::new();
        let mut read: u64 = pending.len() as u64;
        let mut eof = false;
        let mut failed = false;
        let mut last_byte = *pending.last().unwrap_or(&b'\n');
        let batch = (self.cfg.threads * 4).max(1);
        let want = batch * self.cfg.chunk_size;
        loop {
            // cut what arrived
            let from = (sp.pos() - base) as usize;
            sp.feed(&pending[from.min(pending.len())..], &mut cuts);
            // at the end, what was cut short is reported (not when the input could not be read
            // on: an error says what was not read)
            if eof && !failed && !sp.ended() {
                sp.finish(&mut cuts);
            }
            let done = eof || sp.ended();
            self.take_cuts(&mut cuts, &mut items, base, fs);
            // a batch of records, or the last ones
            let held: usize = items.iter().map(|i| i.end - i.start).sum();
            if !items.is_empty() && (done || held >= want) {
                let flow = self.items_batch(&pending, &items, idx, fs, count_progress)?;
                items.clear();
                if flow == Flow::Stop {
                    return Ok(Split {
                        flow,
                        rest: Vec::new(),
                        failed,
                        read,
                    });
                }
            }
            if done {
                break;
            }
            // let go of what no record needs, then read more
            if items.is_empty() {
                let keep = (sp.keep_from() - base) as usize;
                if keep > 0 {
                    pending.drain_front(keep);
                    base += keep as u64;
                }
            }
            match self.fill(&mut feed, &mut pending, idx, fs, &mut shrunk)? {
                Some(0) => {
                    eof = true;
                    shrunk = feed.cut_short(read);
                    failed = shrunk.is_some();
                }
                None => {
                    eof = true;
                    failed = true;
                }
                Some(n) => {
                    read += n as u64;
                    last_byte = *pending.last().unwrap_or(&last_byte);
                }
            }
        }
        // the lines this scan covered: one (a line), or those the splitter counted and a last
        // one unterminated
        let lines = match mode {
            Mode::Line => 1,
            Mode::Document => sp.line() - first_line + u64::from(last_byte != b'\n' && read > 0),
        };
        fs.lines += lines;
        self.stats.lines += lines;
        // reported once the records read before the cut are counted
        if let Some(s) = shrunk {
            self.shrank(idx, fs, s, &format!("records after {}", fs.records));
        }
        let rest = match mode {
            Mode::Line if sp.ended() => {
                pending.split_off(((sp.pos() - base) as usize).min(pending.len()))
            }
            _ => Vec::new(),
        };
        Ok(Split {
            flow: Flow::More,
            rest,
            failed,
            read,
        })
    }

    /// The cuts of the splitter: records become items (their offsets made relative to
    /// `base`, the first byte held), the rest is counted and reported.
    fn take_cuts(
        &mut self,
        cuts: &mut Vec<Cut>,
        items: &mut Vec<DocItem>,
        base: u64,
        fs: &mut FileStats,
    ) {
        for c in cuts.drain(..) {
            match c {
                Cut::Record { start, end, line } => items.push(DocItem {
                    start: (start - base) as usize,
                    end: (end - base) as usize,
                    line,
                }),
                Cut::Malformed { line, reason } => {
                    fs.records += 1;
                    self.stats.records += 1;
                    self.stats.malformed += 1;
                    self.show_malformed(&fs.name.clone(), line, reason);
                }
                Cut::Unfinished { line } => {
                    fs.records += 1;
                    self.stats.records += 1;
                    self.unterminated(&fs.name.clone(), line);
                }
                Cut::Unclosed { line } => {
                    self.diag.note(&format!(
                        "{}:{line}: JSON batch not closed: the input ends after its last whole record (cut short, or still being written)",
                        fs.name
                    ));
                }
            }
        }
    }

    /// Read more from the feed onto `pending`; the bytes read (0: the end), or `None` when the
    /// input could not be read further (an error reported, or a file cut short: `shrunk`, for
    /// the caller to report once it has counted the records before the cut).
    fn fill(
        &mut self,
        feed: &mut Feed<'_>,
        pending: &mut Pending,
        idx: u32,
        fs: &mut FileStats,
        shrunk: &mut Option<Shrunk>,
    ) -> Result<Option<usize>> {
        match feed {
            Feed::Map { map, at, end } => {
                if *at >= *end {
                    return Ok(Some(0));
                }
                let to = (*at + WINDOW).min(*end);
                let mut buf = Vec::new();
                if !map.read_into(*at..to, &mut buf) {
                    match map.shrunk() {
                        Some(s) => *shrunk = Some(s),
                        None => {
                            let msg = format!("{}: read failed at byte {at}", fs.name);
                            self.file_error(idx, &msg);
                        }
                    }
                    return Ok(None);
                }
                pending.extend_from_slice(&buf)?;
                let n = to - *at;
                *at = to;
                Ok(Some(n))
            }
            Feed::Chan(rx) => match rx.recv() {
                Ok(Ok(b)) => {
                    pending.extend_from_slice(&b)?;
                    let n = b.len();
                    rx.give_back(b);
                    Ok(Some(n))
                }
                Ok(Err(e)) => {
                    let msg = if crate::input::gzip::is_bomb(&e) {
                        format!("{}: {e}; records after line {} not read", fs.name, fs.lines)
                    } else {
                        format!("{}: read failed after line {}: {e}", fs.name, fs.lines)
                    };
                    self.file_error(idx, &msg);
                    Ok(None)
                }
                Err(_) => Ok(Some(0)),
            },
            Feed::Read { r, .. } => loop {
                match pending.read_from(*r, WINDOW) {
                    Ok(n) => return Ok(Some(n)),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        let msg = if crate::input::gzip::is_bomb(&e) {
                            format!("{}: {e}; records after line {} not read", fs.name, fs.lines)
                        } else {
                            format!("{}: read failed after line {}: {e}", fs.name, fs.lines)
                        };
                        self.file_error(idx, &msg);
                        return Ok(None);
                    }
                }
            },
        }
    }

    /// Read a batch of cut records (`items` of `buf`): in groups of about a chunk, on the
    /// workers, merged in order.
    fn items_batch(
        &mut self,
        buf: &[u8],
        items: &[DocItem],
        idx: u32,
        fs: &mut FileStats,
        count_progress: bool,
    ) -> Result<Flow> {
        let mut units = Vec::new();
        let mut from = 0;
        let mut size = 0;
        for (i, it) in items.iter().enumerate() {
            size += it.end - it.start;
            if size >= self.cfg.chunk_size || i + 1 == items.len() {
                units.push(Units::Items(buf, &items[from..=i]));
                from = i + 1;
                size = 0;
            }
        }
        let batch = (self.cfg.threads * 4).max(1);
        let filter = self.filter;
        let reader = self.reader();
        let render = self.render.clone();
        let render = render.as_deref();
        let fresh = self.fresh.clone();
        let vocab = fresh.as_deref();
        let scopes = std::sync::Arc::clone(&self.scopes);
        let scope = &scopes[idx as usize];
        for group in units.chunks(batch) {
            let slabs = self.slabs(group.len());
            let mut parts = self.parts(group.len());
            let outs: Vec<ChunkOut> = self.pool.install(|| {
                group
                    .par_iter()
                    .zip(slabs)
                    .zip(parts.par_iter_mut())
                    // records of JSON text are never prefiltered: they may be pretty-printed
                    .map(|((u, slab), part)| {
                        work::<S>(
                            u,
                            slab,
                            (idx, scope),
                            reader,
                            filter,
                            None,
                            part.as_mut(),
                            render,
                            vocab,
                        )
                    })
                    .collect()
            });
            let lens = group.iter().map(Units::len);
            // (every chunk is in memory: none is read again from the file)
            if self.merge_batch(outs, parts, fs, lens, count_progress, &|_| None)? == Flow::Stop {
                return Ok(Flow::Stop);
            }
        }
        Ok(Flow::More)
    }
}
