//! The parallel driver: inputs → line-aligned chunks → workers (parse, correlate within the
//! chunk, filter whole requests) → an ordered merge that joins requests across chunks and files
//! and hands each matching request to the command's [`Sink`].
//!
//! This is the only module that knows about rayon. Chunks are processed in bounded batches and
//! merged in chunk order, so output is identical for any thread count and memory is bounded by
//! one batch plus the requests still open. Streams (stdin, gzip, unmappable files) are read on a
//! reader thread and processed in whatever blocks have arrived, so `tail -F | kaudit` is live.
//! It does not render anything: commands do, through their sink.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, Read};
use std::ops::Range;
use std::sync::mpsc::{self, TryRecvError};

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::chunk::{self, Line, Lines};
use crate::config::Config;
use crate::correlate::{ChunkCorrelator, End, Item, Mark, Merger, Request};
use crate::event::Ts;
use crate::event::{Fields, Stage};
use crate::filter::Verdict;
use crate::input::document::{self, Item as DocItem};
use crate::input::format::{Format, Reader, Rec};
use crate::input::map::{Mapped, Shrunk};
use crate::input::native::Skip;
use crate::input::split::Mode;
use crate::input::{self, InputFile, Source};
use crate::term::Diag;

mod pending;
mod split;

/// Whether the scan should go on after a request was handed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    More,
    Stop,
}

/// What a command does with each matching request.
///
/// Commands whose answer does not depend on order (counts, tallies) give a per-chunk
/// accumulator, [`Sink::Part`]: workers fold the requests that are whole within their chunk
/// into it, and the parts are merged in chunk order. Commands that print rows in order use
/// `Part = NoPart` and receive every request through [`Sink::request`].
pub trait Sink {
    type Part: Send;
    /// A new, empty part for one chunk (it may carry the command's settings, e.g. the fields
    /// `top --by` groups on).
    fn part(&self) -> Self::Part;
    /// May lines that cannot match the filter skip parsing? Not for commands that report on the
    /// whole input (per-file events, malformed lines).
    const PREFILTER: bool = true;
    /// Does the scan apply the filter? A sink that also needs the requests that do not match
    /// (the log's own activity around them: gaps, context) says false and filters itself.
    const FILTERED: bool = true;
    /// Does the sink fold the requests whole within a chunk into parts ([`Sink::fold`])? A sink
    /// that prints rows in order says false: every request then comes through
    /// [`Sink::request`], in order.
    const FOLDS: bool;
    /// Fold a matching request into a worker's part (with `FOLDS`; the return value is not
    /// used).
    fn fold(part: &mut Self::Part, r: &Request<'_>) -> bool;
    /// With `FILTERED = false`: fold any whole request, matching or not; `filter` is the one the
    /// scan would have applied, for sinks that keep both kinds apart. By default, `fold`.
    fn fold_unfiltered(
        part: &mut Self::Part,
        r: &Request<'_>,
        filter: &crate::filter::Filter,
    ) -> bool {
        let _ = filter;
        Self::fold(part, r)
    }
    /// Merge one chunk's part, in chunk order.
    fn absorb(&mut self, part: Self::Part);
    /// Does the order in which parts are merged not matter (counts, minima, maxima)? Then a
    /// part is not merged after its chunk but handed to a later chunk, and the few parts in
    /// use are merged at the end: their keys are not built, copied and freed again for every
    /// chunk.
    const COMMUTATIVE: bool = false;
    /// With `keep_raw`: the raw lines serve only to read bodies (`requestObject`,
    /// `responseObject`), so a line the fast parser read whole without one
    /// ([`Event::no_bodies`](crate::event::Event::no_bodies)) is not kept. Fragments of
    /// requests that cross chunks then carry no copy of it.
    const RAW_FOR_BODIES: bool = false;
    /// A request that passed the filter and was not folded: complete, in the order requests
    /// completed; at the end of the input, the incomplete ones in the order of their last event.
    fn request(&mut self, r: Request<'_>) -> Result<Flow>;
    /// A block of streamed input was processed: a live view should show what it has.
    fn flush(&mut self) -> Result<()> {
        Ok(())
    }
    /// The optional fields of an event the sink reads (see [`Fields`]); the filter's are added
    /// to them. A sink that names none does without groups, source IPs, user agents, status
    /// reasons and messages and authorization reasons: all by default.
    fn fields(&self) -> Fields {
        Fields::ALL
    }
}

/// What was read from one input.
#[derive(Debug, Clone, Default)]
pub struct FileStats {
    pub name: String,
    /// Size on disk; bytes read when that says nothing (stdin, FIFOs, `/proc` files: size 0).
    pub bytes: u64,
    pub lines: u64,
    /// Records read: lines, or the items of batches and documents (see [`ScanStats::records`]).
    pub records: u64,
    pub events: u64,
    pub first: Option<Ts>,
    pub last: Option<Ts>,
    pub error: Option<String>,
}

/// One line that was not used, and why.
#[derive(Debug, Clone)]
pub struct Problem {
    pub file: String,
    pub line: u64,
    pub reason: String,
}

/// The accounting of a scan: every line is an event, skipped, or malformed.
#[derive(Debug, Clone, Default)]
pub struct ScanStats {
    pub files: Vec<FileStats>,
    pub lines: u64,
    /// The unit of account: every record is an event, skipped, or malformed. A record is a line
    /// of a JSON-lines file, or one item of a batch (`EventList`, `{"records":[...]}`, a
    /// CloudWatch response) or of a JSON document; for native logs, records = lines.
    pub records: u64,
    pub events: u64,
    pub skipped_blank: u64,
    pub skipped_unterminated: u64,
    /// CloudWatch messages cut at its size limit.
    pub skipped_truncated: u64,
    /// Well-formed records of something else (other GKE services, other AKS log categories).
    pub skipped_foreign: u64,
    /// Batches with no items.
    pub skipped_empty: u64,
    /// Lines not parsed because they cannot belong to a matching request (see `Prefilter`).
    pub skipped_prefilter: u64,
    pub malformed: u64,
    /// The first few malformed lines (then only counted).
    pub malformed_samples: Vec<Problem>,
    /// Unfinished last lines, one per input at most.
    pub unterminated: Vec<Problem>,
    /// Requests seen (complete + incomplete), before filtering.
    pub requests: u64,
    pub incomplete: u64,
    /// Requests handed to the sink.
    pub matched: u64,
    /// The sink asked to stop (e.g. `--limit`): counts cover only what was read.
    pub stopped: bool,
    /// Inputs that could not be read.
    pub failed_files: u64,
    /// Stage events left out: read after their request had ended (inputs out of order), or
    /// repeating a stage it had (a line delivered twice).
    pub late_events: u64,
    /// Lines (and documents) that began with a UTF-8 byte-order mark, which was skipped.
    pub byte_order_marks: u64,
    /// Events with a time (`stageTimestamp`, `requestReceivedTimestamp`) that does not parse;
    /// the first one (its text as `reason`).
    pub bad_times: u64,
    pub bad_time: Option<Problem>,
    /// Requests that matched every filter but --since/--until, and have no time that parses:
    /// left out by the time window.
    pub untimed: u64,
    /// Requests ended as incomplete because the memory for open requests ran out (counted in
    /// `incomplete` too).
    pub evicted: u64,
}

impl ScanStats {
    pub fn skipped(&self) -> u64 {
        self.skipped_blank
            + self.skipped_unterminated
            + self.skipped_prefilter
            + self.skipped_truncated
            + self.skipped_foreign
            + self.skipped_empty
    }
}

pub const MALFORMED_SHOWN: usize = 5;
/// Longest line accepted from a stream; longer ones are reported malformed.
pub const MAX_STREAM_LINE: usize = 256 << 20;

/// What one chunk worker produces.
struct ChunkOut<'a> {
    items: Vec<Item<'a>>,
    /// The chunk's requests (`correlate::Finished::slab`).
    slab: Vec<Request<'a>>,
    /// With a sink that folds: the slots in `slab` of the matching requests whole within the
    /// chunk, in the order they ended, to be folded once the merger has checked that none
    /// repeats a request that ended in an earlier chunk (a repeat is taken out: [`NOT_DONE`]).
    done: Vec<u32>,
    /// The requests whole within the chunk that the merger must check for repeats, in the order
    /// they ended: those in `done`, and those that did not match (a later repeat of them must
    /// be known as one too). With a sink that does not fold, a matching one is an item and
    /// checked as it is delivered.
    ended: Vec<Ended>,
    lines: u64,
    /// Line numbers in marks and samples are already absolute (document items).
    absolute: bool,
    records: u64,
    events: u64,
    blank: u64,
    truncated: u64,
    foreign: u64,
    empty: u64,
    /// Keys of RequestReceived lines the prefilter skipped whose request did not complete in
    /// this chunk (see `filter::Verdict::SkipReceived`).
    received_skipped: Vec<u64>,
    /// Keys of completing lines the prefilter skipped (see `filter::Verdict::SkipFinal`) whose
    /// request was not seen in this chunk.
    final_skipped: Vec<u64>,
    /// Keys and times of ResponseStarted lines the prefilter skipped whose request did not
    /// complete in this chunk (see `filter::Verdict::SkipStarted`).
    started_skipped: Vec<(u64, Ts)>,
    prefiltered: u64,
    unterminated: Option<u64>,
    malformed: u64,
    samples: Vec<(u64, String)>,
    first: Option<Ts>,
    last: Option<Ts>,
    /// Whole requests checked by the worker (matching or not).
    done_seen: u64,
    /// Stage events left out in this chunk: repeats, or read after their request's end.
    late: u64,
    /// Lines that began with a UTF-8 byte-order mark (skipped).
    boms: u64,
    /// Events with a time that does not parse, and the first one (line, text).
    bad_times: u64,
    bad_time: Option<(u64, String)>,
    /// Requests that matched all but --since/--until and have no time to compare.
    untimed: u64,
    /// The chunk could not be read whole (the file was cut short, or a read error): nothing
    /// in it is used.
    short: bool,
    /// It ends at a checkpoint (see [`CHECKPOINT`]).
    checkpoint: bool,
}

impl ChunkOut<'_> {
    /// An empty result; `short` for a chunk that could not be read whole.
    fn new(short: bool) -> Self {
        ChunkOut {
            items: Vec::new(),
            slab: Vec::new(),
            done: Vec::new(),
            ended: Vec::new(),
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
            last: None,
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

/// A request whole within a chunk, as the merger checks it (see [`ChunkOut::ended`]).
#[derive(Debug, Clone, Copy)]
struct Ended {
    key: u64,
    /// Its stage events, counted as late if it is a repeat.
    events: u32,
    /// Its slot in [`ChunkOut::slab`].
    slab: u32,
    /// Its place in [`ChunkOut::done`], or [`NOT_DONE`] (it did not match).
    done: u32,
}

const NOT_DONE: u32 = u32::MAX;

/// For ordered sinks: no per-chunk state.
#[derive(Default)]
pub struct NoPart;

struct Scanner<'c, 's, S: Sink> {
    cfg: &'c Config,
    keep_raw: bool,
    sink: &'s mut S,
    diag: &'c Diag,
    merger: Merger,
    stats: ScanStats,
    pool: rayon::ThreadPool,
    progress: Option<indicatif::ProgressBar>,
    /// With a [`Sink::COMMUTATIVE`] sink: parts handed back by merged chunks, for the next ones.
    spare: Vec<S::Part>,
    /// The buffers the chunks of a mapped file are read into, one per chunk of a batch.
    copies: Vec<Vec<u8>>,
    /// Empty slabs of merged chunks, for the requests of the next ones (see [`Slab`]).
    spare_slabs: Vec<Slab>,
    /// Each input's cluster and API server (`input::scopes`), by index.
    scopes: std::sync::Arc<[input::Scope]>,
}

/// The storage of a chunk's requests (`ChunkCorrelator::slab`), empty, kept from one chunk to
/// the next: a chunk's slab is some hundreds of KB, and a fresh one for every chunk made the
/// allocator map new pages and the kernel zero them (about 10% of `summary`'s time).
type Slab = Vec<Request<'static>>;

/// A slab for a chunk: the spare's allocation, for requests that borrow from that chunk (a
/// `Vec` is covariant: `'static` requests may be taken for shorter-lived ones).
fn reuse<'a>(slab: Slab) -> Vec<Request<'a>> {
    debug_assert!(slab.is_empty());
    slab
}

/// A chunk's slab back, emptied. Nothing is moved (it is empty), and the collect keeps the
/// allocation (std collects a `vec::IntoIter` in place when the item layouts match).
fn recycle(mut slab: Vec<Request<'_>>) -> Slab {
    slab.clear();
    slab.into_iter()
        .map(|_| unreachable!("the slab is empty"))
        .collect()
}

/// Scan `inputs` in order and feed matching requests to `sink`.
pub fn run<S: Sink>(
    inputs: &[InputFile],
    cfg: &Config,
    keep_raw: bool,
    diag: &Diag,
    sink: &mut S,
) -> Result<ScanStats> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.threads)
        .thread_name(|i| format!("kaudit-scan-{i}"))
        .build()
        .context("cannot start worker threads")?;
    let total: u64 = inputs
        .iter()
        .filter_map(|i| i.path.as_ref())
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let progress = crate::term::progress_bar(cfg, total);
    let scopes = input::scopes(inputs, &cfg.clusters)?.into();
    let mut s = Scanner {
        cfg,
        keep_raw,
        sink,
        diag,
        merger: Merger::new(cfg.max_open_memory),
        stats: ScanStats::default(),
        pool,
        progress,
        spare: Vec::new(),
        copies: Vec::new(),
        spare_slabs: Vec::new(),
        scopes,
    };
    for (idx, inp) in inputs.iter().enumerate() {
        if s.scan_input(idx as u32, inp)? == Flow::Stop {
            s.stats.stopped = true;
            break;
        }
    }
    for part in std::mem::take(&mut s.spare) {
        s.sink.absorb(part);
    }
    if !s.stats.stopped {
        for left in s.merger.drain() {
            let r = s.merger.unpack(left);
            s.stats.requests += 1;
            s.stats.incomplete += 1;
            if s.deliver(r)? == Flow::Stop {
                s.stats.stopped = true;
                break;
            }
        }
    }
    if let Some(p) = &s.progress {
        p.finish_and_clear();
    }
    s.stats.late_events = s.merger.late_events;
    s.stats.evicted = s.merger.evicted;
    if s.merger.evicted > 0 {
        diag.note(&format!(
            "{} request(s) were still open when the memory for open requests (--max-open-memory {}) ran out: the oldest were reported incomplete at that point, and {} later stage event(s) of them counted as late",
            s.merger.evicted,
            size_text(cfg.max_open_memory),
            s.merger.evicted_late
        ));
    }
    if s.stats.late_events > 0 {
        diag.note(&format!(
            "{} stage event(s) repeated a stage of their request or came after its end (a line delivered twice, inputs out of order?): left out, each request counted once",
            s.stats.late_events
        ));
    }
    if let Some(p) = &s.stats.bad_time {
        diag.note(&format!(
            "{} event(s) have a time that does not parse (first: {}:{}: {}); a request with no readable time has none",
            s.stats.bad_times, p.file, p.line, p.reason
        ));
    }
    if s.stats.untimed > 0 {
        diag.note(&format!(
            "{} request(s) matched the other filters but have no time to compare with {}: left out",
            s.stats.untimed,
            cfg.filter.window_flags()
        ));
    }
    if s.stats.byte_order_marks > 0 {
        diag.note(&format!(
            "{} line(s) began with a UTF-8 byte-order mark: it was skipped, and the line read",
            s.stats.byte_order_marks
        ));
    }
    for (n, what) in [
        (s.stats.skipped_truncated, Skip::Truncated),
        (s.stats.skipped_foreign, Skip::Foreign),
    ] {
        if n > 0 {
            diag.note(&format!("{n} record(s) skipped: {}", what.reason()));
        }
    }
    let hidden = s.stats.malformed.saturating_sub(MALFORMED_SHOWN as u64);
    if hidden > 0 {
        diag.warn(&format!(
            "{hidden} more malformed line{} not shown ({} malformed in all)",
            if hidden == 1 { "" } else { "s" },
            s.stats.malformed
        ));
    }
    Ok(s.stats)
}

impl<S: Sink> Scanner<'_, '_, S> {
    fn scan_input(&mut self, idx: u32, inp: &InputFile) -> Result<Flow> {
        let mut fs = FileStats {
            name: inp.name.clone(),
            bytes: inp
                .path
                .as_ref()
                .and_then(|p| std::fs::metadata(p).ok())
                .map_or(0, |m| m.len()),
            ..Default::default()
        };
        self.stats.files.push(fs.clone());
        let opts = input::Options {
            mmap: self.cfg.mmap,
            max_gzip_ratio: self.cfg.max_gzip_ratio,
        };
        let source = match input::open(inp, &opts) {
            Ok((s, size)) => {
                // the file opened (when listed), whatever is at its path now
                fs.bytes = size;
                s
            }
            Err(e) => {
                self.file_error(idx, &format!("{e:#}"));
                return Ok(Flow::More);
            }
        };
        // A size of 0 says nothing (stdin, FIFOs, /proc files): report the bytes read instead.
        let count_bytes = fs.bytes == 0;
        let flow = match source {
            Source::Mapped(m) => {
                let head = &m.bytes()[..m.bytes().len().min(document::HEAD)];
                if self.wide(idx, &fs, head) {
                    Ok(Flow::More)
                } else if self.is_document(head) {
                    let feed = split::Feed::Map {
                        map: &m,
                        at: 0,
                        end: m.len(),
                    };
                    self.split(Mode::Document, feed, Vec::new(), idx, &mut fs, true)
                        .map(|s| s.flow)
                } else {
                    self.buffer(m.bytes(), 0, Some(&m), idx, &mut fs, true)
                }
            }
            Source::File(f, len) => {
                let check = f.try_clone().ok().map(|c| (c, len));
                self.stream(Box::new(f), idx, &mut fs, count_bytes, check)
            }
            Source::Stream(r) => self.stream(r, idx, &mut fs, count_bytes, None),
        };
        // keep an error reported while reading (`file_error` writes it to the stored stats)
        let error = self.stats.files[idx as usize].error.take();
        self.stats.files[idx as usize] = FileStats { error, ..fs };
        let mut flow = flow?;
        if let Some(p) = &self.progress {
            // streams are not counted per block; settle the bar at the end of each file
            p.set_position(self.stats.files.iter().map(|f| f.bytes).sum());
        }
        // an input's end is a checkpoint
        if flow == Flow::More {
            flow = self.checkpoint()?;
        }
        Ok(flow)
    }

    /// Is this input UTF-16 or UTF-32 text (`input::wide_encoding`)? Then it is reported as such
    /// and not read: each of its lines would be malformed.
    fn wide(&mut self, idx: u32, fs: &FileStats, head: &[u8]) -> bool {
        let Some(enc) = input::wide_encoding(head) else {
            return false;
        };
        let msg = format!(
            "{}: {enc} text, and kaudit reads UTF-8; not read (convert it first, e.g. iconv -f {enc} -t UTF-8)",
            fs.name
        );
        self.file_error(idx, &msg);
        true
    }

    /// Is this input (whose first bytes are `head`) read as JSON documents?
    fn is_document(&self, head: &[u8]) -> bool {
        match self.cfg.input_format {
            Format::Json => true,
            Format::Native => false,
            _ => document::is_document(head),
        }
    }

    fn file_error(&mut self, idx: u32, msg: &str) {
        self.diag.error(msg);
        self.stats.failed_files += 1;
        self.stats.files[idx as usize].error = Some(msg.to_string());
    }

    /// The file was cut short while being read (copytruncate rotation truncates the live file
    /// after copying it): what was read before the cut counts, the rest is not read, exit 2.
    /// `after` is what was read: `lines after N`, or for records cut from JSON text (a
    /// document, a long line) `records after N`.
    fn shrank(&mut self, idx: u32, fs: &FileStats, s: Shrunk, after: &str) {
        let msg = if s.now < s.was {
            format!(
                "{}: shrank from {} to {} bytes while being read (copytruncate rotation?); {after} not read",
                fs.name, s.was, s.now
            )
        } else {
            format!(
                "{}: was truncated while being read (copytruncate rotation?) and has grown to {} bytes since; {after} not read",
                fs.name, s.now
            )
        };
        self.file_error(idx, &msg);
    }

    /// Read a stream in blocks; process whatever complete lines have arrived. `plain` is a
    /// regular file being read and its size when opened: if it ends early and is now smaller,
    /// it was truncated underneath.
    fn stream(
        &mut self,
        r: Box<dyn Read + Send>,
        idx: u32,
        fs: &mut FileStats,
        count_bytes: bool,
        plain: Option<(File, u64)>,
    ) -> Result<Flow> {
        // A document must be read whole; lines are read as they come.
        let (head, mut r) = match peek(r) {
            Ok(x) => x,
            Err(e) => {
                let msg = format!("{}: read failed: {e}", fs.name);
                self.file_error(idx, &msg);
                return Ok(Flow::More);
            }
        };
        if self.wide(idx, fs, &head) {
            return Ok(Flow::More);
        }
        if self.is_document(&head) {
            // records cut as the document is read: held a batch at a time, whatever its size
            let feed = split::Feed::Read {
                r: &mut *r,
                plain: plain.as_ref(),
            };
            let s = self.split(Mode::Document, feed, head, idx, fs, false)?;
            fs.bytes += if count_bytes { s.read } else { 0 };
            return Ok(s.flow);
        }
        let mut r: Box<dyn Read + Send> = Box::new(io::Cursor::new(head).chain(r));
        const BLOCK: usize = 1 << 20;
        const BATCH: usize = 16 << 20;
        let (tx, rx) = mpsc::sync_channel::<io::Result<Vec<u8>>>(32);
        std::thread::Builder::new()
            .name("kaudit-read".into())
            .spawn(move || {
                loop {
                    let mut buf = vec![0u8; BLOCK];
                    match r.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => {
                            buf.truncate(n);
                            if tx.send(Ok(buf)).is_err() {
                                break;
                            }
                        }
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => {
                            let _ = tx.send(Err(e));
                            break;
                        }
                    }
                }
            })
            .context("cannot start the reader thread")?;
        let mut pending: Vec<u8> = Vec::new();
        // Bytes of an over-long line being dropped up to its newline.
        let mut discarding = false;
        // `pending[..searched]` is known to hold no newline: search only what arrived since.
        let mut searched = 0;
        let mut eof = false;
        let mut total: u64 = 0;
        loop {
            // Wait for one block, then take whatever else is already there; at the end, what
            // is left (the lines after a long line read with the end of the input)
            let mut read_error = None;
            if !eof {
                match rx.recv() {
                    Ok(Ok(b)) => {
                        total += b.len() as u64;
                        pending.extend_from_slice(&b);
                    }
                    Ok(Err(e)) => read_error = Some(e),
                    Err(_) => eof = true,
                }
            }
            while !eof && read_error.is_none() && pending.len() < BATCH {
                match rx.try_recv() {
                    Ok(Ok(b)) => {
                        total += b.len() as u64;
                        pending.extend_from_slice(&b);
                    }
                    Ok(Err(e)) => read_error = Some(e),
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => eof = true,
                }
            }
            if count_bytes {
                fs.bytes = total;
            }
            if let Some(e) = read_error {
                // Use the whole lines read so far, then report the input as unreadable.
                if let Some(i) = memchr::memrchr(b'\n', &pending)
                    && self.buffer(
                        &pending[..=i],
                        total - pending.len() as u64,
                        None,
                        idx,
                        fs,
                        false,
                    )? == Flow::Stop
                {
                    return Ok(Flow::Stop);
                }
                let msg = if input::gzip::is_bomb(&e) {
                    format!("{}: {e}; lines after {} not read", fs.name, fs.lines)
                } else {
                    format!("{}: read failed after line {}: {e}", fs.name, fs.lines)
                };
                self.file_error(idx, &msg);
                return Ok(Flow::More);
            }
            if discarding {
                match memchr::memchr(b'\n', &pending) {
                    Some(i) => {
                        pending.drain(..=i);
                        discarding = false;
                    }
                    None => {
                        pending.clear();
                        continue;
                    }
                }
            }
            // a file cut short underneath (copytruncate) ends in the middle of a line: that is
            // not a last line still being written, and goes unread with the rest (see below)
            let cut_short = eof
                && plain.as_ref().is_some_and(|(file, was)| {
                    total < *was && file.metadata().is_ok_and(|m| m.len() < *was)
                });
            let mut long = false;
            let cut = if eof && cut_short {
                memchr::memrchr(b'\n', &pending).map_or(0, |i| i + 1)
            } else if eof {
                pending.len()
            } else {
                match memchr::memrchr(b'\n', &pending[searched..]) {
                    Some(i) => searched + i + 1,
                    None => {
                        searched = pending.len();
                        if pending.len() > self.cfg.long_line && opens_json(&pending) {
                            long = true;
                        } else if pending.len() > MAX_STREAM_LINE {
                            // one line, one record, malformed: the counts add up
                            let line = fs.lines + 1;
                            fs.lines += 1;
                            fs.records += 1;
                            self.stats.lines += 1;
                            self.stats.records += 1;
                            self.stats.malformed += 1;
                            let reason = format!("line longer than {} MiB", MAX_STREAM_LINE >> 20);
                            self.show_malformed(&fs.name.clone(), line, reason);
                            pending.clear();
                            searched = 0;
                            discarding = true;
                        }
                        0
                    }
                }
            };
            // a line too long to hold whole among those read: the lines before it are read as
            // lines, its records are cut as they come (wherever the reads split it)
            if cut > 0
                && let Some(at) = first_long_line(&pending[..cut], self.cfg.long_line)
            {
                if at > 0 {
                    let base = total - pending.len() as u64;
                    let flow = self.buffer(&pending[..at], base, None, idx, fs, false)?;
                    pending.drain(..at);
                    if flow == Flow::Stop {
                        return Ok(Flow::Stop);
                    }
                }
                long = true;
            }
            if long {
                // one JSON value on a line too long to hold: its records cut as it comes
                let held = pending.len() as u64;
                let line_at = total - held;
                let s = self.split(
                    Mode::Line,
                    split::Feed::Chan(&rx),
                    std::mem::take(&mut pending),
                    idx,
                    fs,
                    false,
                )?;
                total += s.read - held;
                if count_bytes {
                    fs.bytes = total;
                }
                if s.flow == Flow::Stop {
                    return Ok(Flow::Stop);
                }
                if s.failed {
                    return Ok(Flow::More);
                }
                pending = s.rest;
                searched = 0;
                // a long line that crosses a checkpoint ends at one
                if line_at / self.cfg.checkpoint
                    != (total - pending.len() as u64) / self.cfg.checkpoint
                    && self.checkpoint()? == Flow::Stop
                {
                    return Ok(Flow::Stop);
                }
                self.sink.flush()?;
                continue;
            }
            if cut > 0 {
                let base = total - pending.len() as u64;
                let flow = self.buffer(&pending[..cut], base, None, idx, fs, false)?;
                pending.drain(..cut);
                searched = 0;
                if flow == Flow::Stop {
                    return Ok(Flow::Stop);
                }
                self.sink.flush()?;
            }
            // after a long line, give its memory back
            if pending.capacity() > 2 * BATCH && pending.len() < BATCH {
                pending.shrink_to(BATCH);
            }
            // the end was read with everything before it (what is left, a file cut short
            // mid-line, goes unread)
            if eof {
                break;
            }
        }
        if let Some((file, was)) = plain
            && total < was
            && let Ok(now) = file.metadata().map(|m| m.len())
            && now < was
        {
            let s = Shrunk {
                was,
                now,
                valid: usize::try_from(total).unwrap_or(usize::MAX),
            };
            self.shrank(idx, fs, s, &format!("lines after {}", fs.lines));
        }
        Ok(Flow::More)
    }

    /// Scan one buffer of whole lines (the last line may be unterminated), a batch of chunks at a
    /// time. With `map` (the buffer is that map), chunks are cut and read with `pread`, not
    /// through the map, and each batch is checked for a file cut short underneath before it is
    /// merged.
    fn buffer(
        &mut self,
        buf: &[u8],
        base: u64,
        map: Option<&Mapped>,
        idx: u32,
        fs: &mut FileStats,
        count_progress: bool,
    ) -> Result<Flow> {
        let batch = (self.cfg.threads * 4).max(1);
        let filter = &self.cfg.filter;
        let prefilter = if S::PREFILTER && S::FILTERED {
            self.cfg.prefilter.as_ref()
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

    /// The reader of records, as configured.
    fn reader(&self) -> Reader {
        Reader {
            format: self.cfg.input_format,
            keep_raw: self.keep_raw,
            fields: self.sink.fields() | self.cfg.filter.fields(),
        }
    }

    fn unterminated(&mut self, file: &str, line: u64) {
        self.stats.skipped_unterminated += 1;
        let p = Problem {
            file: file.to_string(),
            line,
            reason: Skip::Unterminated.reason().into(),
        };
        self.diag
            .note(&format!("{}:{}: skipped {}", p.file, p.line, p.reason));
        self.stats.unterminated.push(p);
    }

    /// A long line of a mapped file (see [`long_line`]): its records cut as it is read, or,
    /// when it holds no JSON value and is longer than a record may be, one malformed line.
    fn long_line(
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

    /// Empty slabs for the chunks of a batch.
    fn slabs(&mut self, n: usize) -> Vec<Slab> {
        (0..n)
            .map(|_| self.spare_slabs.pop().unwrap_or_default())
            .collect()
    }

    /// A part for a chunk: a spare one when the sink allows.
    fn part(&mut self) -> S::Part {
        self.spare.pop().unwrap_or_else(|| self.sink.part())
    }

    /// Fold one chunk's result in, in chunk order.
    /// Merge one chunk's result, in chunk order: its counts, its fragments (joined across
    /// chunks), and the check of its whole requests against the requests that ended before
    /// (a repeat is taken out of `out.done`). What it folds is folded after, by [`Self::fold`].
    fn merge(&mut self, out: &mut ChunkOut<'_>, fs: &mut FileStats) -> Result<Flow> {
        let base = if out.absolute { 0 } else { fs.lines };
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
        // the whole requests of the chunk (their lines made absolute)
        for r in &mut out.slab {
            rebase(r, base);
        }
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
                    let matches = !S::FILTERED || self.cfg.filter.matches(&r);
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
        for item in std::mem::take(&mut out.items) {
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
    fn checkpoint(&mut self) -> Result<Flow> {
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
    fn merge_batch(
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
    fn fold(&mut self, outs: &mut [ChunkOut<'_>]) -> Result<Flow> {
        if S::FOLDS && outs.iter().any(|o| !o.done.is_empty()) {
            let parts: Vec<S::Part> = outs.iter().map(|_| self.part()).collect();
            let filter = &self.cfg.filter;
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
    fn join<'a>(&mut self, earlier: Vec<Request<'static>>, later: Request<'a>) -> Request<'a> {
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

    /// Show the first few malformed lines in full (counting is the caller's).
    fn show_malformed(&mut self, file: &str, line: u64, reason: String) {
        if self.stats.malformed_samples.len() < MALFORMED_SHOWN {
            self.diag
                .warn(&format!("{file}:{line}: malformed line: {reason}"));
            self.stats.malformed_samples.push(Problem {
                file: file.to_string(),
                line,
                reason,
            });
        }
    }

    /// Hand over a request the worker already matched against the filter.
    fn deliver_checked(&mut self, r: Request<'_>) -> Result<Flow> {
        self.stats.matched += 1;
        self.sink.request(r)
    }

    fn deliver(&mut self, r: Request<'_>) -> Result<Flow> {
        if !S::FILTERED || self.cfg.filter.matches(&r) {
            self.deliver_checked(r)
        } else {
            if self.cfg.filter.left_out_untimed(&r) {
                self.stats.untimed += 1;
            }
            Ok(Flow::More)
        }
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

fn rebase(r: &mut Request<'_>, base: u64) {
    // Every mark of an item comes from the chunk that produced it.
    for m in &mut r.marks {
        m.line += base;
    }
}

fn min_opt(a: Option<Ts>, b: Option<Ts>) -> Option<Ts> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) | (None, x) => x,
    }
}

fn max_opt(a: Option<Ts>, b: Option<Ts>) -> Option<Ts> {
    a.max(b)
}

/// What a worker reads: the lines of a chunk, or a group of a document's records.
enum Units<'a> {
    Lines(&'a [u8]),
    Items(&'a [u8], &'a [DocItem]),
}

/// The lines the prefilter skipped in one chunk, and the keys some of them leave.
#[derive(Default)]
struct Skips {
    count: u64,
    received: Vec<u64>,
    finals: Vec<u64>,
    started: Vec<(u64, Ts)>,
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
        self.count += 1;
        false
    }
}

impl Units<'_> {
    /// Bytes covered, for the progress bar.
    fn len(&self) -> usize {
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
fn work<'a, S: Sink>(
    units: &Units<'a>,
    slab: Slab,
    file: (u32, &'a input::Scope),
    reader: Reader,
    filter: &crate::filter::Filter,
    prefilter: Option<&crate::filter::Prefilter>,
) -> ChunkOut<'a> {
    let (file, scope) = file;
    let scope_hash = scope.hash();
    let mut c = ChunkCorrelator::with_slab(reuse(slab));
    let mut out = ChunkOut::new(false);
    // whole requests, queued to be folded: about one per 2 KB of log (two stages of 1 KB)
    if S::FOLDS {
        out.done.reserve(units.len() / 2048 + 16);
    }
    let mut recs: Vec<Rec<'a>> = Vec::new();
    let mut skips = Skips::default();
    let mut slot = crate::event::Event::default();
    match *units {
        Units::Lines(buf) => {
            for mut line in Lines::new(buf) {
                out.lines += 1;
                // a byte-order mark (an editor's, or a file's start after `cat`) is no part of
                // the record
                if let Some(rest) = line.bytes.strip_prefix(document::BOM) {
                    line.bytes = rest;
                    line.raw = line.raw.strip_prefix(document::BOM).unwrap_or(rest);
                    out.boms += 1;
                }
                // raw output needs every line of a matching request as written
                if let Some(p) = prefilter
                    && !skips.admit(p, &line, !reader.keep_raw, scope_hash, &mut c)
                {
                    continue;
                }
                let n = out.lines;
                if let Some((stage, whole)) = reader.native_line(line.bytes, &mut slot) {
                    out.records += 1;
                    let keep_raw = reader.keep_raw && !(S::RAW_FOR_BODIES && slot.no_bodies);
                    if let Some(done) = take_event(
                        &mut out,
                        &mut c,
                        &mut slot,
                        stage,
                        whole,
                        None,
                        (file, scope),
                        n,
                        line.raw,
                        keep_raw,
                    ) && let Some(keep) = settle::<S>(&mut out, &mut c.slab, done, filter)
                    {
                        c.items.push(Item::Done(keep));
                    }
                    continue;
                }
                reader.line(line.bytes, line.terminated, &mut recs);
                for r in recs.iter_mut() {
                    if let Some(done) = take(
                        &mut out,
                        &mut c,
                        r,
                        (file, scope),
                        n,
                        line.raw,
                        reader.keep_raw,
                    ) && let Some(keep) = settle::<S>(&mut out, &mut c.slab, done, filter)
                    {
                        c.items.push(Item::Done(keep));
                    }
                }
                recs.clear();
            }
        }
        Units::Items(buf, items) => {
            out.absolute = true;
            for it in items {
                let bytes = &buf[it.start..it.end];
                reader.item(bytes, &mut recs);
                for r in recs.iter_mut() {
                    // a pretty-printed item: raw output is one event per line
                    if let Rec::Event(ev) = r
                        && reader.keep_raw
                        && ev.raw.is_none()
                    {
                        ev.raw = Some(Cow::Owned(document::minify(bytes)));
                    }
                    if let Some(done) = take(
                        &mut out,
                        &mut c,
                        r,
                        (file, scope),
                        it.line,
                        bytes,
                        reader.keep_raw,
                    ) && let Some(keep) = settle::<S>(&mut out, &mut c.slab, done, filter)
                    {
                        c.items.push(Item::Done(keep));
                    }
                }
                recs.clear();
            }
        }
    }
    out.records += skips.count;
    out.prefiltered += skips.count;
    let fin = c.finish();
    let mut items = fin.items;
    let mut slab = fin.slab;
    out.late = fin.late;
    if !skips.finals.is_empty() {
        // A request whose completing line the prefilter skipped cannot match: the correlator
        // dropped what the chunk held of it (`ChunkCorrelator::skip_final`). When it began in
        // this chunk too (its RequestReceived skipped here), it is settled here; otherwise the
        // merger drops what earlier chunks held and counts its later events as late.
        let mut finals: rustc_hash::FxHashSet<u64> = skips.finals.drain(..).collect();
        if !skips.started.is_empty() {
            skips.started.retain(|(k, _)| !finals.contains(k));
        }
        if !skips.received.is_empty() {
            skips.received.retain(|k| !finals.remove(k));
        }
        out.final_skipped = finals.drain().collect();
    }
    if !skips.started.is_empty() {
        // requests completed here whose ResponseStarted the prefilter skipped get it back
        let mut started: rustc_hash::FxHashMap<u64, Ts> = skips.started.drain(..).collect();
        for it in &mut items {
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
    if !skips.received.is_empty() {
        // requests whose RequestReceived the prefilter skipped in this chunk get it back (the
        // keys are many, the requests asking few: sorted, not hashed)
        let mut skipped = std::mem::take(&mut skips.received);
        skipped.sort_unstable();
        let mut taken = rustc_hash::FxHashSet::default();
        items = items
            .into_iter()
            .filter_map(|it| match it {
                Item::Frag(mut r)
                    if r.is_final
                        && !r.stages.contains(Stage::RequestReceived)
                        && let k = r.key
                        && skipped.binary_search(&k).is_ok()
                        && taken.insert(k) =>
                {
                    r.stages.insert(Stage::RequestReceived);
                    slab.push(r);
                    let at = slab.len() - 1;
                    settle::<S>(&mut out, &mut slab, at, filter).map(Item::Done)
                }
                other => Some(other),
            })
            .collect();
        if !taken.is_empty() {
            skipped.retain(|k| !taken.contains(k));
        }
        out.received_skipped = skipped;
    }
    out.items = items;
    out.slab = slab;
    out
}

/// A request whole within the chunk, as soon as it is: filter it and fold it into the chunk's
/// part. What the sink does not fold comes back, to be delivered in order.
fn settle<'a, S: Sink>(
    out: &mut ChunkOut<'a>,
    slab: &mut [Request<'a>],
    slot: usize,
    filter: &crate::filter::Filter,
) -> Option<Request<'a>> {
    out.done_seen += 1;
    let r = &slab[slot];
    let matches = !S::FILTERED || filter.matches(r);
    if !matches && filter.left_out_untimed(r) {
        out.untimed += 1;
    }
    if !matches || S::FOLDS {
        // the merger checks it against the requests that ended in earlier chunks, then it is
        // folded where it is (see `ChunkOut::done`)
        let mut at = NOT_DONE;
        if matches {
            at = u32::try_from(out.done.len()).unwrap_or(NOT_DONE);
            out.done.push(u32::try_from(slot).unwrap_or(NOT_DONE));
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

/// Account for one record and correlate its event; the slot of the request it made whole.
fn take<'a>(
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
fn take_event<'a>(
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

/// The points where the merger may end open requests for want of memory and forget the oldest
/// ended keys: the first line start at or after each multiple of this many bytes of an input
/// (chunks are cut there), and each input's end. What is open there, and so what is ended, is
/// the same however the input is read (mapped or streamed, any thread count or chunk size):
/// the requests that began before the point and had not ended. Between two points the open
/// requests may pass the bound by what 32 MiB of log leaves open.
pub const CHECKPOINT: u64 = 32 << 20;

/// Lines longer than this are not read whole when they hold a JSON value (a webhook batch of
/// many events on one line): their records are cut as they are read (`scan::split`).
pub const LONG_LINE: usize = 32 << 20;

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

/// The start of the first line of `lines` that is longer than `long` and opens a JSON value.
fn first_long_line(lines: &[u8], long: usize) -> Option<usize> {
    if lines.len() <= long {
        return None;
    }
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', lines).chain(std::iter::once(lines.len())) {
        if nl - start > long && opens_json(&lines[start..nl]) {
            return Some(start);
        }
        start = nl + 1;
    }
    None
}

/// A size as `--max-open-memory` takes it: `256M`, `100K`, `1536K`, `12345` (bytes).
fn size_text(n: usize) -> String {
    for (shift, unit) in [(30, "G"), (20, "M"), (10, "K")] {
        if n >= 1 << shift && n.is_multiple_of(1 << shift) {
            return format!("{}{unit}", n >> shift);
        }
    }
    n.to_string()
}

/// Does this line (its start) open a JSON object or array (after a byte-order mark and blanks)?
fn opens_json(line: &[u8]) -> bool {
    line.strip_prefix(document::BOM)
        .unwrap_or(line)
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| matches!(b, b'{' | b'['))
}

/// May the prefilter skip this line? Only a native event framed as one JSON object: its
/// `"auditID":"` is written without escapes, so a line without it is something else (an
/// envelope whose event is an escaped string, a GKE entry), and must be parsed.
fn skippable(b: &[u8]) -> bool {
    // the API server writes `kind` first: most lines are decided by their first 16 bytes. An
    // AKS record whose `properties.log` is an object holds an Event's members unescaped, but
    // its requests are in the record's scope (its cluster), not the file's: it is parsed.
    framed(b)
        && (b.starts_with(b"{\"kind\":\"Event\",")
            || (crate::filter::AUDIT_ID.find(b).is_some() && WRAPPED.find(b).is_none()))
}

static WRAPPED: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\"properties\""));

/// The start of a stream, up to the end of its first non-blank line (at most
/// [`document::HEAD`] bytes), and the stream after it.
fn peek(mut r: Box<dyn Read + Send>) -> io::Result<(Vec<u8>, Box<dyn Read + Send>)> {
    let mut head = Vec::new();
    let mut buf = vec![0u8; 16 << 10];
    while head.len() < document::HEAD {
        let n = match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        head.extend_from_slice(&buf[..n]);
        if let Some(start) = head.iter().position(|b| !b.is_ascii_whitespace())
            && memchr::memchr(b'\n', &head[start..]).is_some()
        {
            break;
        }
    }
    Ok((head, r))
}

/// `{ ... }` after trimming whitespace.
fn framed(b: &[u8]) -> bool {
    let b = b.trim_ascii();
    b.first() == Some(&b'{') && b.last() == Some(&b'}')
}

/// Is a broken pipe anywhere in this error's chain?
///
/// serde_json and csv wrap the `io::Error` of a failed write without exposing it as a
/// `source()`, so they are asked directly.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    let pipe = |k: io::ErrorKind| k == io::ErrorKind::BrokenPipe;
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| pipe(io.kind()))
            || c.downcast_ref::<serde_json::Error>()
                .and_then(|j| j.io_error_kind())
                .is_some_and(pipe)
            || c.downcast_ref::<csv::Error>()
                .is_some_and(|c| match c.kind() {
                    csv::ErrorKind::Io(io) => pipe(io.kind()),
                    _ => false,
                })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_pipe_is_found_through_wrappers() {
        let io = || io::Error::new(io::ErrorKind::BrokenPipe, "pipe");
        assert!(is_broken_pipe(&anyhow::Error::new(io())));
        assert!(is_broken_pipe(&anyhow::Error::new(io()).context("writing")));
        assert!(is_broken_pipe(&anyhow::Error::new(serde_json::Error::io(
            io()
        ))));
        assert!(is_broken_pipe(&anyhow::Error::new(csv::Error::from(io()))));
        let other = io::Error::new(io::ErrorKind::StorageFull, "full");
        assert!(!is_broken_pipe(&anyhow::Error::new(other)));
    }
}
