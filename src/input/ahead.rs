//! Reading ahead: a reader read on a thread of its own, a block at a time, a bounded number
//! of blocks ahead of its consumer. Every stream is read so (stdin, FIFOs, files read without
//! mapping, gzip), and a gzip file is opened so before its turn, so that a rotated set's next
//! file is inflating while the one before is parsed.
//!
//! What the thread reads is taken either as a [`Read`] ([`Ahead`], for what must be read
//! whole, or its first bytes looked at) or as the blocks themselves ([`Ahead::into_blocks`]:
//! the line scanner takes them as they come, without a copy into a reader's buffer). Blocks
//! taken are given back ([`Blocks::give_back`]) to be read into again: a fresh block is zeroed
//! before it is read into. A read error comes through in its place (a gzip bomb, a corrupt
//! member, an I/O error), after the bytes read before it. The thread ends at the end of its
//! input, or once the consumer is dropped.

use std::io::{self, Read};
use std::sync::mpsc::{Receiver, RecvError, SyncSender, TryRecvError, sync_channel};

/// Bytes read per block, at most (a read returns what it has: a pipe's block is what was
/// written, so a live stream is not held back).
pub const BLOCK: usize = 1 << 20;

/// Blocks given back and kept for reading into again, at most.
const SPARE: usize = 4;

/// The blocks a reader thread read, in order, and the way back for them.
pub struct Blocks {
    rx: Receiver<io::Result<Vec<u8>>>,
    spent: SyncSender<Vec<u8>>,
}

impl Blocks {
    /// The next block (waiting for it), a read error, or `Err` at the end.
    pub fn recv(&self) -> Result<io::Result<Vec<u8>>, RecvError> {
        self.rx.recv()
    }

    /// The next block if one has arrived.
    pub fn try_recv(&self) -> Result<io::Result<Vec<u8>>, TryRecvError> {
        self.rx.try_recv()
    }

    /// A block whose bytes were taken, to be read into again (dropped if enough are kept).
    pub fn give_back(&self, block: Vec<u8>) {
        let _ = self.spent.try_send(block);
    }
}

/// A reader read on a thread of its own, at most `blocks` blocks ahead (see the module).
pub struct Ahead {
    blocks: Blocks,
    /// The block being read out, and how far.
    block: Vec<u8>,
    at: usize,
    done: bool,
}

impl Ahead {
    /// Start reading `r` on a thread named `name`, at most `blocks` blocks ahead. An error if
    /// no thread can be started.
    pub fn spawn(mut r: Box<dyn Read + Send>, blocks: usize, name: &str) -> io::Result<Ahead> {
        let (tx, rx) = sync_channel::<io::Result<Vec<u8>>>(blocks.max(1));
        let (spent, back) = sync_channel::<Vec<u8>>(SPARE);
        std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                loop {
                    let mut buf = back.try_recv().unwrap_or_default();
                    // (only what a short read left unwritten is zeroed again)
                    buf.resize(BLOCK, 0);
                    match r.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => {
                            buf.truncate(n);
                            if tx.send(Ok(buf)).is_err() {
                                break;
                            }
                        }
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => {
                            let _ = tx.send(Err(e));
                            break;
                        }
                    }
                }
            })?;
        Ok(Ahead {
            blocks: Blocks { rx, spent },
            block: Vec::new(),
            at: 0,
            done: false,
        })
    }

    /// The bytes of the block being read out that were not read yet, and the blocks after it.
    pub fn into_blocks(mut self) -> (Vec<u8>, Blocks) {
        self.block.drain(..self.at);
        (self.block, self.blocks)
    }
}

impl Read for Ahead {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.block.len() {
            if self.done || buf.is_empty() {
                return Ok(0);
            }
            match self.blocks.recv() {
                Ok(Ok(b)) => {
                    let old = std::mem::replace(&mut self.block, b);
                    self.blocks.give_back(old);
                    self.at = 0;
                }
                Ok(Err(e)) => {
                    self.done = true;
                    return Err(e);
                }
                Err(_) => self.done = true,
            }
        }
        let n = buf.len().min(self.block.len() - self.at);
        buf[..n].copy_from_slice(&self.block[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that gives `data` a few bytes at a time, then fails.
    struct Trickle {
        data: Vec<u8>,
        at: usize,
        fail: bool,
    }

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.at == self.data.len() {
                return if self.fail {
                    Err(io::Error::other("broken"))
                } else {
                    Ok(0)
                };
            }
            let n = buf.len().min(7).min(self.data.len() - self.at);
            buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    fn trickle(data: &[u8], fail: bool) -> Ahead {
        let r = Trickle {
            data: data.to_vec(),
            at: 0,
            fail,
        };
        Ahead::spawn(Box::new(r), 2, "test-ahead").unwrap()
    }

    #[test]
    fn read_out_whole_it_gives_every_byte_in_order() {
        let data: Vec<u8> = (0..10_000u32).flat_map(|i| i.to_le_bytes()).collect();
        let mut out = Vec::new();
        trickle(&data, false).read_to_end(&mut out).unwrap();
        assert_eq!(out, data);
    }

    #[test]
    fn read_partly_then_taken_as_blocks_it_loses_and_repeats_nothing() {
        let data: Vec<u8> = (0..10_000u32).flat_map(|i| i.to_le_bytes()).collect();
        let mut a = trickle(&data, false);
        let mut head = [0u8; 5];
        a.read_exact(&mut head).unwrap();
        let (rest, blocks) = a.into_blocks();
        let mut out = head.to_vec();
        out.extend_from_slice(&rest);
        while let Ok(b) = blocks.recv() {
            let b = b.unwrap();
            out.extend_from_slice(&b);
            blocks.give_back(b);
        }
        assert_eq!(out, data);
    }

    #[test]
    fn a_read_error_comes_after_the_bytes_before_it() {
        let mut a = trickle(b"0123456789", true);
        let mut out = Vec::new();
        let e = a.read_to_end(&mut out).unwrap_err();
        assert_eq!(e.to_string(), "broken");
        assert_eq!(out, b"0123456789");
    }
}
