//! Gzip decompression with a bound on expansion, so a small hostile file (a "gzip bomb": a few
//! kilobytes that inflate to gigabytes of zeros) cannot keep kaudit busy for minutes.
//!
//! Deflate expands at most about 1032 to 1; real audit logs compress 10 to 20 times (testdata/:
//! 15x-19x; the synthetic benchmark log: 10x). The reader counts the compressed bytes the
//! decoder has consumed and fails with [`Bomb`] once the output passes both [`MIN_OUTPUT`] and
//! `max_ratio` times the input, so the work is bounded by what reading a plain file that many
//! times bigger would cost. `--max-gzip-ratio` changes the ratio (0 turns the check off).
//!
//! It does not detect gzip (the caller checks the magic bytes) or split lines.

use std::io::{self, BufRead, Read};

/// Default bound on decompressed / compressed bytes.
pub const DEFAULT_MAX_RATIO: u64 = 100;
/// Output below this is never refused, whatever the ratio: it costs nothing to read.
pub const MIN_OUTPUT: u64 = 64 << 20;

/// The error inside the `io::Error` a bounded reader fails with.
#[derive(Debug)]
pub struct Bomb {
    pub out: u64,
    pub consumed: u64,
    pub max_ratio: u64,
}

impl std::fmt::Display for Bomb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "gzip data expands more than {}x ({} MiB from {} KiB compressed): a gzip bomb? \
             decompression stopped (--max-gzip-ratio N raises the limit, 0 removes it)",
            self.max_ratio,
            self.out >> 20,
            self.consumed.div_ceil(1024)
        )
    }
}

impl std::error::Error for Bomb {}

/// Is this read error a tripped expansion bound?
pub fn is_bomb(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|i| i.is::<Bomb>())
}

/// A multi-member gzip decoder over `r` that fails with [`Bomb`] past the bound.
pub fn decoder<R: BufRead>(r: R, max_ratio: u64) -> Bounded<R> {
    bounded(r, max_ratio, MIN_OUTPUT)
}

fn bounded<R: BufRead>(r: R, max_ratio: u64, min_output: u64) -> Bounded<R> {
    Bounded {
        inner: flate2::bufread::MultiGzDecoder::new(Counting { inner: r, n: 0 }),
        out: 0,
        max_ratio,
        min_output,
    }
}

pub struct Bounded<R: BufRead> {
    inner: flate2::bufread::MultiGzDecoder<Counting<R>>,
    out: u64,
    max_ratio: u64,
    min_output: u64,
}

impl<R: BufRead> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.out += n as u64;
        let consumed = self.inner.get_ref().n;
        if self.max_ratio > 0
            && self.out > self.min_output
            && self.out > consumed.saturating_mul(self.max_ratio)
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                Bomb {
                    out: self.out,
                    consumed,
                    max_ratio: self.max_ratio,
                },
            ));
        }
        Ok(n)
    }
}

/// Counts the bytes the decoder has consumed (not those read ahead into a buffer).
struct Counting<R> {
    inner: R,
    n: u64,
}

impl<R: BufRead> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.n += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        self.n += amt as u64;
        self.inner.consume(amt);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn drain(r: &mut impl Read) -> io::Result<u64> {
        let mut buf = vec![0u8; 1 << 16];
        let mut total = 0;
        loop {
            match r.read(&mut buf)? {
                0 => return Ok(total),
                n => total += n as u64,
            }
        }
    }

    #[test]
    fn zeros_trip_the_bound_just_past_the_minimum() {
        let min = 2 << 20;
        let bomb = gz(&vec![0u8; 8 << 20]);
        assert!(bomb.len() < 20 << 10, "{}", bomb.len());
        let mut d = bounded(&bomb[..], DEFAULT_MAX_RATIO, min);
        let e = drain(&mut d).unwrap_err();
        assert!(is_bomb(&e), "{e}");
        assert!(d.out > min && d.out < min + (1 << 20), "{}", d.out);
        assert!(e.to_string().contains("more than 100x"), "{e}");
        // with the check off, everything comes out
        assert_eq!(drain(&mut bounded(&bomb[..], 0, min)).unwrap(), 8 << 20);
    }

    #[test]
    fn small_outputs_are_never_refused() {
        let data = vec![0u8; 3 << 20];
        assert_eq!(
            drain(&mut bounded(&gz(&data)[..], 2, 4 << 20)).unwrap(),
            3 << 20
        );
    }

    #[test]
    fn log_like_text_passes() {
        // lines that differ in ids and times, as audit events do: far below the bound
        let mut text = Vec::new();
        let mut x: u64 = 1;
        while text.len() < 4 << 20 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            writeln!(
                text,
                r#"{{"kind":"Event","auditID":"{:016x}-{:08x}","stage":"ResponseComplete","verb":"get","stageTimestamp":"2026-11-21T15:00:{:02}.{:06}Z"}}"#,
                x,
                x >> 32,
                (x >> 40) % 60,
                x % 1_000_000
            )
            .unwrap();
        }
        let n = text.len() as u64;
        let min = 1 << 20;
        assert_eq!(
            drain(&mut bounded(&gz(&text)[..], DEFAULT_MAX_RATIO, min)).unwrap(),
            n
        );
    }
}
