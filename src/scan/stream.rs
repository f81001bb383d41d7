//! Streams (stdin, gzip, FIFOs, files that cannot be mapped): read on a reader thread in
//! blocks, and the complete lines that have arrived processed as they come, so `tail -F |
//! kaudit` is live. Lines too long to hold whole are cut into records as they arrive
//! ([`super::split`]).

use std::fs::File;
use std::io::{self, Read};
use std::sync::mpsc::TryRecvError;

use anyhow::Result;

use super::{FileStats, Flow, MAX_STREAM_LINE, Scanner, Sink, opens_json, split};
use crate::input;
use crate::input::ahead::{Ahead, Blocks};
use crate::input::document::{self};
use crate::input::map::Shrunk;
use crate::input::split::Mode;

/// Bytes of a stream processed at a time, at most (more when one line is longer).
const BATCH: usize = 16 << 20;

/// A stream's blocks, the bytes that arrived and are not processed yet, and where reading
/// stands.
struct Pending {
    /// The blocks, as the stream's reader thread sends them.
    blocks: Blocks,
    buf: Vec<u8>,
    /// `buf[..searched]` is known to hold no newline: only what arrived since is searched.
    searched: usize,
    /// The rest of an over-long line is being dropped, up to its newline.
    discarding: bool,
    /// Everything was read.
    eof: bool,
    /// Bytes read so far.
    total: u64,
    /// `buf` holds bytes not looked at yet, read before the blocks were taken: not to wait
    /// for a block before they are.
    held: bool,
}

impl Pending {
    /// Where `buf` starts in the stream.
    fn base(&self) -> u64 {
        self.total - self.buf.len() as u64
    }

    /// Wait for one block, then take whatever else has arrived (up to [`BATCH`]); at the end,
    /// nothing (what is left is processed). A read error, if one came.
    fn receive(&mut self) -> Option<io::Error> {
        // what was read before the blocks were taken is looked at before waiting for more
        let held = std::mem::take(&mut self.held);
        if !held && !self.eof {
            match self.blocks.recv() {
                Ok(Ok(b)) => self.take(b),
                Ok(Err(e)) => return Some(e),
                Err(_) => self.eof = true,
            }
        }
        while !self.eof && self.buf.len() < BATCH {
            match self.blocks.try_recv() {
                Ok(Ok(b)) => self.take(b),
                Ok(Err(e)) => return Some(e),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => self.eof = true,
            }
        }
        None
    }

    fn take(&mut self, block: Vec<u8>) {
        self.total += block.len() as u64;
        self.buf.extend_from_slice(&block);
        self.blocks.give_back(block);
    }

    /// Drop the rest of an over-long line up to its newline: false when it has not come yet
    /// (then nothing is held).
    fn skip_discarded(&mut self) -> bool {
        match memchr::memchr(b'\n', &self.buf) {
            Some(i) => {
                self.buf.drain(..=i);
                self.discarding = false;
                true
            }
            None => {
                self.buf.clear();
                false
            }
        }
    }

    /// The first `n` bytes were processed.
    fn consume(&mut self, n: usize) {
        self.buf.drain(..n);
        self.searched = 0;
    }
}

impl<S: Sink> Scanner<'_, '_, S> {
    /// Read a stream in blocks; process whatever complete lines have arrived. `plain` is a
    /// regular file being read and its size when opened: if it ends early and is now smaller,
    /// it was truncated underneath.
    pub(super) fn stream(
        &mut self,
        mut r: Ahead,
        idx: u32,
        fs: &mut FileStats,
        count_bytes: bool,
        plain: Option<(File, u64)>,
        consumed: &input::Consumed,
    ) -> Result<Flow> {
        // the progress before this input; its source's bytes are added as they are read
        let base = self.progress.as_ref().map_or(0, |p| p.position());
        // A document must be read whole; lines are read as they come.
        let head = match peek(&mut r) {
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
                r: &mut r,
                plain: plain.as_ref(),
            };
            let s = self.split(Mode::Document, feed, head, idx, fs, false)?;
            fs.bytes += if count_bytes { s.read } else { 0 };
            return Ok(s.flow);
        }
        // the blocks themselves from now on, after what was read of them
        let (rest, blocks) = r.into_blocks();
        // the pending bytes' buffer is the last stream's: a fresh one for each file of a
        // rotated set grew (and was copied) from nothing to a batch each time
        let mut buf = std::mem::take(&mut self.stream_buf);
        buf.clear();
        buf.extend_from_slice(&head);
        buf.extend_from_slice(&rest);
        let mut p = Pending {
            blocks,
            total: buf.len() as u64,
            buf,
            searched: 0,
            discarding: false,
            eof: false,
            held: true,
        };
        let flow = self.pump(&mut p, idx, fs, count_bytes, plain, (base, consumed));
        p.buf.clear();
        if p.buf.capacity() > 2 * BATCH {
            p.buf.shrink_to(BATCH);
        }
        self.stream_buf = p.buf;
        flow
    }

    /// Process the lines of a stream as its blocks arrive (see [`Scanner::stream`]).
    fn pump(
        &mut self,
        p: &mut Pending,
        idx: u32,
        fs: &mut FileStats,
        count_bytes: bool,
        plain: Option<(File, u64)>,
        (base, consumed): (u64, &input::Consumed),
    ) -> Result<Flow> {
        loop {
            let read_error = p.receive();
            if count_bytes {
                fs.bytes = p.total;
            }
            if let Some(bar) = &self.progress {
                bar.set(base + consumed.get(), self.stats.requests);
            }
            if let Some(e) = read_error {
                return self.stream_failed(p, e, idx, fs);
            }
            if p.discarding && !p.skip_discarded() {
                if p.eof {
                    // the over-long line ends the input (it was counted when found)
                    break;
                }
                continue;
            }
            // a file cut short underneath (copytruncate) ends in the middle of a line: that is
            // not a last line still being written, and goes unread with the rest (see below)
            let cut_short = p.eof
                && plain.as_ref().is_some_and(|(file, was)| {
                    p.total < *was && file.metadata().is_ok_and(|m| m.len() < *was)
                });
            let (cut, mut long) = self.whole_lines(p, cut_short, fs);
            // a line too long to hold whole among those read: the lines before it are read as
            // lines, its records are cut as they come (wherever the reads split it)
            if cut > 0
                && let Some(at) = first_long_line(&p.buf[..cut], self.cfg.long_line)
            {
                if at > 0 {
                    let flow = self.buffer(&p.buf[..at], p.base(), None, idx, fs, false)?;
                    p.buf.drain(..at);
                    if flow == Flow::Stop {
                        return Ok(Flow::Stop);
                    }
                }
                long = true;
            }
            if long {
                match self.stream_long(p, idx, fs, count_bytes)? {
                    Some(flow) => return Ok(flow),
                    None => continue,
                }
            }
            if cut > 0 {
                let flow = self.buffer(&p.buf[..cut], p.base(), None, idx, fs, false)?;
                p.consume(cut);
                if flow == Flow::Stop {
                    return Ok(Flow::Stop);
                }
                self.sink.flush()?;
            }
            // after a long line, give its memory back
            if p.buf.capacity() > 2 * BATCH && p.buf.len() < BATCH {
                p.buf.shrink_to(BATCH);
            }
            // the end was read with everything before it (what is left, a file cut short
            // mid-line, goes unread)
            if p.eof {
                break;
            }
        }
        self.cut_underneath(plain, p.total, idx, fs);
        Ok(Flow::More)
    }

    /// A regular file that ended after `read` bytes, short of its size when opened, and is
    /// smaller now: it was cut short underneath, and is reported so.
    fn cut_underneath(&mut self, plain: Option<(File, u64)>, read: u64, idx: u32, fs: &FileStats) {
        if let Some((file, was)) = plain
            && read < was
            && let Ok(now) = file.metadata().map(|m| m.len())
            && now < was
        {
            let s = Shrunk {
                was,
                now,
                valid: usize::try_from(read).unwrap_or(usize::MAX),
            };
            self.shrank(idx, fs, s, &format!("lines after {}", fs.lines));
        }
    }

    /// How many bytes of what arrived are whole lines to process now (at the end, all of it,
    /// or up to the last newline of a file cut short), and whether a line too long to hold
    /// whole has begun (it opens a JSON value: its records are cut as they come). A line
    /// longer than [`MAX_STREAM_LINE`] that does not is one malformed record, dropped as it
    /// comes.
    fn whole_lines(
        &mut self,
        p: &mut Pending,
        cut_short: bool,
        fs: &mut FileStats,
    ) -> (usize, bool) {
        if p.eof && cut_short {
            return (memchr::memrchr(b'\n', &p.buf).map_or(0, |i| i + 1), false);
        }
        if p.eof {
            return (p.buf.len(), false);
        }
        if let Some(i) = memchr::memrchr(b'\n', &p.buf[p.searched..]) {
            return (p.searched + i + 1, false);
        }
        p.searched = p.buf.len();
        if p.buf.len() > self.cfg.long_line && opens_json(&p.buf) {
            return (0, true);
        }
        if p.buf.len() > MAX_STREAM_LINE {
            self.over_long_line(fs, MAX_STREAM_LINE as u64);
            p.buf.clear();
            p.searched = 0;
            p.discarding = true;
        }
        (0, false)
    }

    /// One JSON value on a line too long to hold, at the start of `p`: its records cut as it
    /// comes. `Some` flow when the stream ends here (the sink stopped, or the input could not
    /// be read on); `None` to go on with the lines after it.
    fn stream_long(
        &mut self,
        p: &mut Pending,
        idx: u32,
        fs: &mut FileStats,
        count_bytes: bool,
    ) -> Result<Option<Flow>> {
        let held = p.buf.len() as u64;
        let line_at = p.base();
        let s = self.split(
            Mode::Line,
            split::Feed::Chan(&p.blocks),
            std::mem::take(&mut p.buf),
            idx,
            fs,
            false,
        )?;
        p.total += s.read - held;
        if count_bytes {
            fs.bytes = p.total;
        }
        if s.flow == Flow::Stop {
            return Ok(Some(Flow::Stop));
        }
        if s.failed {
            return Ok(Some(Flow::More));
        }
        p.buf = s.rest;
        p.searched = 0;
        // a long line that crosses a checkpoint ends at one
        if line_at / self.cfg.checkpoint != p.base() / self.cfg.checkpoint
            && self.checkpoint()? == Flow::Stop
        {
            return Ok(Some(Flow::Stop));
        }
        self.sink.flush()?;
        Ok(None)
    }

    /// A read error: the whole lines read so far are used, then the input is reported as
    /// unreadable.
    fn stream_failed(
        &mut self,
        p: &Pending,
        e: io::Error,
        idx: u32,
        fs: &mut FileStats,
    ) -> Result<Flow> {
        if let Some(i) = memchr::memrchr(b'\n', &p.buf)
            && self.buffer(&p.buf[..=i], p.base(), None, idx, fs, false)? == Flow::Stop
        {
            return Ok(Flow::Stop);
        }
        let msg = if input::gzip::is_bomb(&e) {
            format!("{}: {e}; lines after {} not read", fs.name, fs.lines)
        } else {
            format!("{}: read failed after line {}: {e}", fs.name, fs.lines)
        };
        self.file_error(idx, &msg);
        Ok(Flow::More)
    }
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

/// The start of a stream, up to the end of its first non-blank line (at most
/// [`document::HEAD`] bytes), and the stream after it.
fn peek(r: &mut Ahead) -> io::Result<Vec<u8>> {
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
    Ok(head)
}
