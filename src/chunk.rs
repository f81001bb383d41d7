//! Splits a byte buffer into line-aligned ranges for the parallel scan, and iterates the lines of
//! a range.
//!
//! A chunk always ends just after a `\n` (or at the end of the buffer), so a line is never split
//! between workers; a line longer than the target size simply makes its chunk longer. This module
//! knows nothing about JSON or events.

use std::ops::Range;

/// Default target size of one chunk. Big enough that per-chunk overhead (a hash map, a result
/// vector) is negligible, small enough that 2 cores stay busy on a file of a few MB.
pub const DEFAULT_CHUNK: usize = 1 << 20;

/// Line-aligned ranges covering all of `buf`, each about `target` bytes.
pub fn split(buf: &[u8], target: usize) -> Vec<Range<usize>> {
    let mut out = Vec::with_capacity(buf.len() / target.max(1) + 1);
    let mut start = 0;
    while start < buf.len() {
        let end = next_end(buf, start, target);
        out.push(start..end);
        start = end;
    }
    out
}

/// The end of the chunk of about `target` bytes that starts at `start` (`start < buf.len()`):
/// just after a `\n`, or the end of the buffer. [`split`] one chunk at a time, for a caller
/// that does not want to look at the whole buffer up front.
pub fn next_end(buf: &[u8], start: usize, target: usize) -> usize {
    let want = start.saturating_add(target.max(1));
    if want >= buf.len() {
        return buf.len();
    }
    match memchr::memchr(b'\n', &buf[want - 1..]) {
        Some(i) => want + i,
        None => buf.len(),
    }
}

/// One line of input, without its line terminator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line<'a> {
    pub bytes: &'a [u8],
    /// The line as written, without its `\n` but with a `\r` before it (for byte-exact output).
    pub raw: &'a [u8],
    /// False for a last line that has no `\n` after it.
    pub terminated: bool,
}

/// Iterates the lines of a buffer; `\r\n` endings lose their `\r`.
pub struct Lines<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Lines<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Lines { buf, pos: 0 }
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = Line<'a>;
    fn next(&mut self) -> Option<Line<'a>> {
        if self.pos >= self.buf.len() {
            return None;
        }
        let rest = &self.buf[self.pos..];
        let (mut bytes, terminated) = match memchr::memchr(b'\n', rest) {
            Some(i) => {
                self.pos += i + 1;
                (&rest[..i], true)
            }
            None => {
                self.pos = self.buf.len();
                (rest, false)
            }
        };
        let raw = bytes;
        if terminated && bytes.last() == Some(&b'\r') {
            bytes = &bytes[..bytes.len() - 1];
        }
        Some(Line {
            bytes,
            raw,
            terminated,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(buf: &[u8], target: usize) {
        let ranges = split(buf, target);
        let mut pos = 0;
        for r in &ranges {
            assert_eq!(r.start, pos);
            assert!(r.end > r.start);
            assert!(
                r.end == buf.len() || buf[r.end - 1] == b'\n',
                "{r:?} not line-aligned"
            );
            pos = r.end;
        }
        assert_eq!(pos, buf.len());
        let joined: Vec<Line> = ranges
            .iter()
            .flat_map(|r| Lines::new(&buf[r.clone()]))
            .collect();
        let whole: Vec<Line> = Lines::new(buf).collect();
        assert_eq!(joined, whole);
    }

    #[test]
    fn chunks_are_line_aligned_for_every_target() {
        let buf = b"a\nbb\n\nccc\ndddd\ne";
        for t in 1..=buf.len() + 2 {
            check(buf, t);
        }
        check(b"", 4);
        check(b"\n\n\n", 1);
        check(b"no newline at all", 3);
    }

    #[test]
    fn a_line_longer_than_a_chunk_stays_whole() {
        let mut buf = vec![b'x'; 10_000];
        buf.push(b'\n');
        buf.extend_from_slice(b"short\n");
        let r = split(&buf, 100);
        assert_eq!(r, vec![0..10_001, 10_001..10_007]);
    }

    #[test]
    fn boundary_exactly_on_newline() {
        // target lands right after a '\n': the chunk must end there, not at the next line.
        assert_eq!(split(b"ab\ncd\n", 3), vec![0..3, 3..6]);
    }

    #[test]
    fn lines_report_termination_and_strip_cr() {
        let v: Vec<Line> = Lines::new(b"a\r\nb\nc").collect();
        let t = |l: &Line| (l.bytes.to_vec(), l.raw.to_vec(), l.terminated);
        assert_eq!(t(&v[0]), (b"a".to_vec(), b"a\r".to_vec(), true));
        assert_eq!(t(&v[1]), (b"b".to_vec(), b"b".to_vec(), true));
        assert_eq!(t(&v[2]), (b"c".to_vec(), b"c".to_vec(), false));
    }
}
