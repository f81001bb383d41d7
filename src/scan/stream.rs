//! Streams (stdin, gzip, FIFOs, files that cannot be mapped): read on a reader thread in
//! blocks, and the complete lines that have arrived processed as they come, so `tail -F |
//! kaudit` is live. Lines too long to hold whole are cut into records as they arrive
//! ([`super::split`]).

use std::fs::File;
use std::io::{self, Read};
use std::sync::mpsc::{self, TryRecvError};

use anyhow::{Context, Result};

use super::{FileStats, Flow, MAX_STREAM_LINE, Scanner, Sink, opens_json, split};
use crate::input;
use crate::input::document::{self};
use crate::input::map::Shrunk;
use crate::input::split::Mode;

impl<S: Sink> Scanner<'_, '_, S> {
    /// Read a stream in blocks; process whatever complete lines have arrived. `plain` is a
    /// regular file being read and its size when opened: if it ends early and is now smaller,
    /// it was truncated underneath.
    pub(super) fn stream(
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
