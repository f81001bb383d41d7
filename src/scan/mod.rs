//! The parallel driver: inputs → line-aligned chunks → workers (parse, correlate within the
//! chunk, filter whole requests) → an ordered merge that joins requests across chunks and files
//! and hands each matching request to the command's [`Sink`].
//!
//! This is the only module that knows about rayon. Chunks are processed in bounded batches and
//! merged in chunk order, so output is identical for any thread count and memory is bounded by
//! one batch plus the requests still open. Streams (stdin, gzip, unmappable files) are read on a
//! reader thread and processed in whatever blocks have arrived, so `tail -F | kaudit` is live.
//! It does not render anything: commands do, through their sink.

use std::io;

use anyhow::{Context, Result};

use crate::config::Config;
use crate::correlate::{Merger, Request};
use crate::event::Fields;
use crate::filter::unseen::Vocab;
use crate::filter::{Filter, Prefilter};
use crate::input::document::{self};
use crate::input::format::{Format, Reader};
use crate::input::map::Shrunk;
use crate::input::native::Skip;
use crate::input::split::Mode;
use crate::input::{self, InputFile, Source};
use crate::term::Diag;

mod mapped;
mod merge;
mod pending;
mod split;
mod stats;
mod stream;
mod worker;

pub use stats::{FileStats, Problem, ScanStats};

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
    /// chunk's part is not absorbed after its chunk on the merging thread but combined
    /// ([`Sink::combine`]) by the workers into one of a few parts, absorbed at the end.
    const COMMUTATIVE: bool = false;
    /// With `COMMUTATIVE`: fold the part `from` into `into` (as [`Sink::absorb`] would fold it
    /// into the sink). Never called for a sink that is not.
    fn combine(into: &mut Self::Part, from: Self::Part) {
        let _ = (into, from);
        unreachable!("only a COMMUTATIVE sink's parts are combined");
    }
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
    /// For a sink that does not fold: what makes its output of a request on the workers, for
    /// the matching requests whole within a chunk (nearly all). Each is then handed over with
    /// [`Sink::rendered`] instead of [`Sink::request`], in the same order; the others (joined
    /// across chunks, incomplete, or made without a key) still come through `request`.
    fn renderer(&self) -> Option<std::sync::Arc<dyn Render>> {
        None
    }
    /// With a [`Sink::renderer`]: a matching request whose output a worker made, `before` its
    /// line number (`r.location().1`, known once chunks are merged) and `after` it.
    fn rendered(&mut self, r: &Request<'_>, before: &[u8], after: &[u8]) -> Result<Flow> {
        let _ = (r, before, after);
        unreachable!("only a sink with a renderer gets rendered requests");
    }
    /// The optional fields of an event the sink reads (see [`Fields`]); the filter's are added
    /// to them. A sink that names none does without groups, source IPs, user agents, status
    /// reasons and messages and authorization reasons: all by default.
    fn fields(&self) -> Fields {
        Fields::ALL
    }
}

/// A sink's output of one request, made on a worker (see [`Sink::renderer`]): a pure function
/// of the request but for its line number, which counts the lines of the chunks before.
pub trait Render: Send + Sync {
    /// Append the output of `r` to `text` and give the place (an offset into what was appended)
    /// where its line number goes; `None`: not made here (what was appended is dropped).
    fn render(&self, r: &Request<'_>, text: &mut Vec<u8>) -> Option<usize>;
}

pub const MALFORMED_SHOWN: usize = 5;
/// Longest line accepted from a stream; longer ones are reported malformed.
pub const MAX_STREAM_LINE: usize = 256 << 20;

/// For ordered sinks: no per-chunk state.
#[derive(Default)]
pub struct NoPart;

struct Scanner<'c, 's, S: Sink> {
    cfg: &'c Config,
    /// The filter requests are handed over by ([`Scan::filter`]).
    filter: &'c Filter,
    prefilter: Option<&'c Prefilter>,
    keep_raw: bool,
    sink: &'s mut S,
    diag: &'c Diag,
    merger: Merger,
    stats: ScanStats,
    /// Shared with a batch read while the one before is merged (`Scanner::step`).
    pool: std::sync::Arc<rayon::ThreadPool>,
    progress: Option<crate::term::Progress>,
    /// With a [`Sink::COMMUTATIVE`] sink: the parts the chunks' parts are combined into, one
    /// per thread, absorbed at the end of the scan.
    spare: Vec<S::Part>,
    /// The buffers the chunks of a mapped file are read into, one per chunk of a batch: two
    /// sets, used in turn by a batch and the one after it (`Scanner::buffer`).
    copies: [Vec<mapped::ChunkBuf>; 2],
    /// Empty slabs of merged chunks, for the requests of the next ones (see [`Slab`]).
    spare_slabs: Vec<Slab>,
    /// The next input, opened early (see [`Scanner::scan_input`]), with its index.
    opened: Option<(u32, Result<(Source, u64)>)>,
    /// The pending bytes' buffer of the last stream, for the next one (see [`Scanner::stream`]).
    stream_buf: Vec<u8>,
    /// Each input's cluster and API server (`input::scopes`), by index.
    scopes: std::sync::Arc<[input::Scope]>,
    /// The sink's renderer ([`Sink::renderer`]), for the workers.
    render: Option<std::sync::Arc<dyn Render>>,
    /// Which values of [`Scan::explain`]'s filter some request has: what each chunk's worker
    /// found ([`Scanner::fresh`]) and the merger joined, combined.
    vocab: Option<Vocab>,
    /// What a chunk's worker starts its [`Vocab`] from.
    fresh: Option<std::sync::Arc<Vocab>>,
}

/// The storage of a chunk's requests (`ChunkCorrelator::slab`), empty, kept from one chunk to
/// the next: a chunk's slab is some hundreds of KB, and a fresh one for every chunk made the
/// allocator map new pages and the kernel zero them (about 10% of `summary`'s time).
pub(super) type Slab = Vec<Request<'static>>;

/// A slab for a chunk: the spare's allocation, for requests that borrow from that chunk (a
/// `Vec` is covariant: `'static` requests may be taken for shorter-lived ones).
pub(super) fn reuse<'a>(slab: Slab) -> Vec<Request<'a>> {
    debug_assert!(slab.is_empty());
    slab
}

/// A chunk's slab back, emptied. Nothing is moved (it is empty), and the collect keeps the
/// allocation (std collects a `vec::IntoIter` in place when the item layouts match).
pub(super) fn recycle(mut slab: Vec<Request<'_>>) -> Slab {
    slab.clear();
    slab.into_iter()
        .map(|_| unreachable!("the slab is empty"))
        .collect()
}

/// One scan: the settings, the filter that chooses the requests handed to the sink (the
/// user's, unless a command scans with its own, as `history` follows every request on its
/// object), and whether raw lines are kept.
#[derive(Clone, Copy)]
pub struct Scan<'a> {
    cfg: &'a Config,
    filter: &'a Filter,
    prefilter: Option<&'a Prefilter>,
    keep_raw: bool,
    /// The filter whose values no request has are named at the end, with the near ones the
    /// input does have (`filter::unseen::Vocab`): the user's, unless told otherwise.
    explain: Option<&'a Filter>,
}

impl<'a> Scan<'a> {
    /// A scan with the user's filter (`cfg.filter`, `cfg.prefilter`), without raw lines.
    pub fn new(cfg: &'a Config) -> Self {
        Scan {
            cfg,
            filter: &cfg.filter,
            prefilter: cfg.prefilter.as_ref(),
            keep_raw: false,
            explain: Some(&cfg.filter),
        }
    }

    /// Whose filter values no request has are named at the end of the scan, with the near
    /// values the input has (by default the user's filter; `None`: nobody's). A typo must not
    /// read as "nobody did it".
    pub fn explain(self, explain: Option<&'a Filter>) -> Self {
        Scan { explain, ..self }
    }

    /// Keep each event's raw line (for `-o raw` and for reading bodies).
    pub fn keep_raw(self, keep_raw: bool) -> Self {
        Scan { keep_raw, ..self }
    }

    /// Scan with this filter and prefilter instead of the user's.
    pub fn filter(self, filter: &'a Filter, prefilter: Option<&'a Prefilter>) -> Self {
        Scan {
            filter,
            prefilter,
            ..self
        }
    }

    /// Scan `inputs` in order and feed matching requests to `sink`.
    pub fn run<S: Sink>(
        &self,
        inputs: &[InputFile],
        diag: &Diag,
        sink: &mut S,
    ) -> Result<ScanStats> {
        let mut s = Scanner::new(self, inputs, diag, sink)?;
        for (idx, inp) in inputs.iter().enumerate() {
            let next = inputs.get(idx + 1).map(|n| (idx as u32 + 1, n));
            if s.scan_input(idx as u32, inp, next)? == Flow::Stop {
                s.stats.stopped = true;
                break;
            }
        }
        s.finish()?;
        s.report();
        // the values no request has, when every input was read whole (something in a file that
        // could not be read, or after the sink stopped, is not known)
        if let Some(vocab) = s.vocab.take()
            && !s.stats.stopped
            && s.stats.failed_files == 0
            && s.stats.events + s.stats.skipped_prefilter > 0
        {
            for n in vocab.notes() {
                diag.note(&n);
            }
        }
        Ok(s.stats)
    }
}

impl<'c, 's, S: Sink> Scanner<'c, 's, S> {
    fn new(scan: &Scan<'c>, inputs: &[InputFile], diag: &'c Diag, sink: &'s mut S) -> Result<Self> {
        let cfg = scan.cfg;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(cfg.threads)
            .thread_name(|i| format!("kaudit-scan-{i}"))
            .build()
            .context("cannot start worker threads")?;
        // the inputs' size, when every one has one (not stdin, a pipe, a /proc file)
        let total: Option<u64> = inputs
            .iter()
            .map(|i| {
                let m = std::fs::metadata(i.path.as_ref()?).ok()?;
                (m.is_file() && m.len() > 0).then_some(m.len())
            })
            .sum();
        // a command that prints rows as it reads (events) on the terminal: its rows are the
        // progress, and a bar would be drawn among them
        let progress = if S::FOLDS || !cfg.stdout_tty {
            crate::term::Progress::new(cfg, total)
        } else {
            None
        };
        let render = if S::FOLDS { None } else { sink.renderer() };
        // (notes nobody would see are not worth a line read)
        let vocab = scan.explain.filter(|_| !diag.quiet).and_then(Vocab::new);
        Ok(Scanner {
            cfg,
            filter: scan.filter,
            prefilter: scan.prefilter,
            keep_raw: scan.keep_raw,
            sink,
            diag,
            merger: Merger::new(cfg.max_open_memory),
            stats: ScanStats::default(),
            pool: pool.into(),
            progress,
            spare: Vec::new(),
            copies: Default::default(),
            spare_slabs: Vec::new(),
            opened: None,
            stream_buf: Vec::new(),
            scopes: input::scopes(inputs, &cfg.clusters)?.into(),
            render,
            fresh: vocab.clone().map(std::sync::Arc::new),
            vocab,
        })
    }

    /// The end of the inputs: the parts still held merged, and the requests still open
    /// delivered as incomplete (unless the sink stopped the scan).
    fn finish(&mut self) -> Result<()> {
        for part in std::mem::take(&mut self.spare) {
            self.sink.absorb(part);
        }
        if !self.stats.stopped {
            for left in self.merger.drain() {
                let r = self.merger.unpack(left);
                self.stats.requests += 1;
                self.stats.incomplete += 1;
                if self.deliver(r)? == Flow::Stop {
                    self.stats.stopped = true;
                    break;
                }
            }
        }
        if let Some(p) = &self.progress {
            p.finish_and_clear();
        }
        self.stats.late_events = self.merger.late_events;
        self.stats.evicted = self.merger.evicted;
        Ok(())
    }

    /// The notes and warnings the whole scan earned, on stderr.
    fn report(&self) {
        let (stats, diag) = (&self.stats, self.diag);
        if self.merger.evicted > 0 {
            diag.note(&format!(
                "{} request(s) were still open when the memory for open requests (--max-open-memory {}) ran out: the oldest were reported incomplete at that point, and {} later stage event(s) of them counted as late",
                self.merger.evicted,
                size_text(self.cfg.max_open_memory),
                self.merger.evicted_late
            ));
        }
        if stats.late_events > 0 {
            diag.note(&format!(
                "{} stage event(s) repeated a stage of their request or came after its end (a line delivered twice, inputs out of order?): left out, each request counted once",
                stats.late_events
            ));
        }
        if let Some(p) = &stats.bad_time {
            diag.note(&format!(
                "{} event(s) have a time that does not parse (first: {}:{}: {}); a request with no readable time has none",
                stats.bad_times, p.file, p.line, p.reason
            ));
        }
        if stats.untimed > 0 {
            diag.note(&format!(
                "{} request(s) matched the other filters but have no time to compare with {}: left out",
                stats.untimed,
                self.filter.window_flags()
            ));
        }
        if stats.byte_order_marks > 0 {
            diag.note(&format!(
                "{} line(s) began with a UTF-8 byte-order mark: it was skipped, and the line read",
                stats.byte_order_marks
            ));
        }
        for (n, what) in [
            (stats.skipped_truncated, Skip::Truncated),
            (stats.skipped_foreign, Skip::Foreign),
        ] {
            if n > 0 {
                diag.note(&format!("{n} record(s) skipped: {}", what.reason()));
            }
        }
        let hidden = stats.malformed.saturating_sub(MALFORMED_SHOWN as u64);
        if hidden > 0 {
            diag.warn(&format!(
                "{hidden} more malformed line{} not shown ({} malformed in all)",
                if hidden == 1 { "" } else { "s" },
                stats.malformed
            ));
        }
    }
}

impl<S: Sink> Scanner<'_, '_, S> {
    /// Open an input (or take it, opened early), and read it. The next input, when it may be
    /// opened early (`InputFile::opens_early`), is opened once this one is: a gzip file starts
    /// inflating on its own thread (`input::ahead`) while this one is read. What opening
    /// it says, an error included, is kept for its turn.
    fn scan_input(
        &mut self,
        idx: u32,
        inp: &InputFile,
        next: Option<(u32, &InputFile)>,
    ) -> Result<Flow> {
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
        let opened = match self.opened.take() {
            Some((i, o)) if i == idx => o,
            _ => input::open(inp, &opts),
        };
        if let Some((i, n)) = next
            && n.opens_early()
        {
            self.opened = Some((i, input::open(n, &opts)));
        }
        let source = match opened {
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
                let consumed = input::Consumed::default();
                let r = input::read_ahead(consumed.counting(f), &fs.name)?;
                self.stream(r, idx, &mut fs, count_bytes, check, &consumed)
            }
            Source::Stream(r, consumed) => {
                self.stream(r, idx, &mut fs, count_bytes, None, &consumed)
            }
        };
        // keep an error reported while reading (`file_error` writes it to the stored stats)
        let error = self.stats.files[idx as usize].error.take();
        self.stats.files[idx as usize] = FileStats { error, ..fs };
        let mut flow = flow?;
        if let Some(p) = &self.progress {
            // streams are counted as they are read (by the bytes of their source); settle
            // the bar at each file's end on the sizes of the files read
            if p.sized() {
                p.set(
                    self.stats.files.iter().map(|f| f.bytes).sum(),
                    self.stats.requests,
                );
            }
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

    /// The reader of records, as configured.
    fn reader(&self) -> Reader {
        Reader {
            format: self.cfg.input_format,
            keep_raw: self.keep_raw,
            fields: self.sink.fields() | self.filter.fields(),
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

    /// Empty slabs for the chunks of a batch.
    fn slabs(&mut self, n: usize) -> Vec<Slab> {
        (0..n)
            .map(|_| self.spare_slabs.pop().unwrap_or_default())
            .collect()
    }

    /// A new part for each of `n` chunks, with a sink that folds (see `worker::work`).
    fn parts(&self, n: usize) -> Vec<Option<S::Part>> {
        (0..n).map(|_| S::FOLDS.then(|| self.sink.part())).collect()
    }

    /// A line longer than `limit` bytes, not read: one line, one record, malformed (the counts
    /// add up).
    fn over_long_line(&mut self, fs: &mut FileStats, limit: u64) {
        let line = fs.lines + 1;
        fs.lines += 1;
        fs.records += 1;
        self.stats.lines += 1;
        self.stats.records += 1;
        self.stats.malformed += 1;
        let reason = format!("line longer than {} MiB", limit >> 20);
        self.show_malformed(&fs.name.clone(), line, reason);
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
pub(super) fn opens_json(line: &[u8]) -> bool {
    line.strip_prefix(document::BOM)
        .unwrap_or(line)
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| matches!(b, b'{' | b'['))
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
