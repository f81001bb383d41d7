//! The bytes a split scan holds (`scan::split`): the record being read and the batch of records
//! before it. A record may be as long as `input::split::MAX_RECORD` (256 MiB), and a `Vec` that
//! grows by reallocation holds it twice while it moves (the old block and the copy): a 300 MB
//! line peaked at 805 MB. Past [`MAPPED_FROM`] the bytes live in an anonymous map instead, which
//! grows with `mremap` on Linux (the pages move, nothing is copied), and whose pages past what
//! is held are given back when the front is let go, so what is resident is what is held.

use std::io::{self, Read};
use std::ops::Deref;

use memmap2::MmapMut;

/// Held bytes past which they move to a map.
const MAPPED_FROM: usize = 32 << 20;

pub(super) struct Pending {
    store: Store,
    /// Bytes held (of a map: the first `len`).
    len: usize,
}

enum Store {
    Vec(Vec<u8>),
    Map(MmapMut),
}

impl From<Vec<u8>> for Pending {
    fn from(v: Vec<u8>) -> Pending {
        Pending {
            len: v.len(),
            store: Store::Vec(v),
        }
    }
}

impl Deref for Pending {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match &self.store {
            Store::Vec(v) => v,
            Store::Map(m) => &m[..self.len],
        }
    }
}

impl Pending {
    /// Room for `more` bytes after those held, in a map once that is large.
    fn room(&mut self, more: usize) -> io::Result<()> {
        let need = self.len + more;
        match &mut self.store {
            Store::Vec(v) if need <= MAPPED_FROM => v.reserve(more),
            Store::Vec(v) => {
                let mut m = MmapMut::map_anon(grown(need, 0))?;
                m[..v.len()].copy_from_slice(v);
                self.store = Store::Map(m);
            }
            Store::Map(m) if need <= m.len() => {}
            Store::Map(m) => {
                let cap = grown(need, m.len());
                #[cfg(target_os = "linux")]
                // SAFETY: no slice of the map outlives this call (`&mut self`), so it may move.
                unsafe {
                    m.remap(cap, memmap2::RemapOptions::new().may_move(true))?;
                }
                #[cfg(not(target_os = "linux"))]
                {
                    let mut n = MmapMut::map_anon(cap)?;
                    n[..self.len].copy_from_slice(&m[..self.len]);
                    *m = n;
                }
            }
        }
        Ok(())
    }

    pub fn extend_from_slice(&mut self, b: &[u8]) -> io::Result<()> {
        self.room(b.len())?;
        match &mut self.store {
            Store::Vec(v) => v.extend_from_slice(b),
            Store::Map(m) => m[self.len..self.len + b.len()].copy_from_slice(b),
        }
        self.len += b.len();
        Ok(())
    }

    /// Read once from `r`, up to `max` bytes, after those held: the bytes read (0: its end).
    pub fn read_from(&mut self, r: &mut dyn Read, max: usize) -> io::Result<usize> {
        self.room(max)?;
        let n = match &mut self.store {
            Store::Vec(v) => {
                let at = v.len();
                v.resize(at + max, 0);
                let got = r.read(&mut v[at..]);
                v.truncate(at + *got.as_ref().unwrap_or(&0));
                got?
            }
            Store::Map(m) => r.read(&mut m[self.len..self.len + max])?,
        };
        self.len += n;
        Ok(n)
    }

    /// Let go of the first `n` bytes.
    pub fn drain_front(&mut self, n: usize) {
        let n = n.min(self.len);
        match &mut self.store {
            Store::Vec(v) => {
                v.drain(..n);
            }
            Store::Map(m) => {
                m.copy_within(n..self.len, 0);
                let held = self.len - n;
                // the pages past what is held go back to the system (they read as zeros after)
                let page = 4096;
                let from = held.div_ceil(page) * page;
                if from < m.len() {
                    #[cfg(unix)]
                    // SAFETY: nothing is held past `from`; DONTNEED on an anonymous private
                    // map makes those pages read as zeros, which nothing relies on.
                    unsafe {
                        let _ = m.unchecked_advise_range(
                            memmap2::UncheckedAdvice::DontNeed,
                            from,
                            m.len() - from,
                        );
                    }
                }
            }
        }
        self.len -= n;
    }

    /// The bytes from `at` on, taken out.
    pub fn split_off(&mut self, at: usize) -> Vec<u8> {
        let at = at.min(self.len);
        let rest = self[at..].to_vec();
        match &mut self.store {
            Store::Vec(v) => v.truncate(at),
            Store::Map(_) => {}
        }
        self.len = at;
        rest
    }
}

/// The capacity for `need` bytes, from `cap`: doubled (so growth costs amortized O(1) calls),
/// whole pages.
fn grown(need: usize, cap: usize) -> usize {
    need.max(cap.saturating_mul(2))
        .max(MAPPED_FROM)
        .div_ceil(1 << 20)
        << 20
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same bytes as a Vec given the same calls, across the move to a map and its growth.
    #[test]
    fn holds_what_a_vec_would_across_the_map() {
        let mut p = Pending::from(b"ab".to_vec());
        let mut v = b"ab".to_vec();
        let block: Vec<u8> = (0..(5 << 20)).map(|i| (i % 251) as u8).collect();
        for round in 0..30 {
            p.extend_from_slice(&block[round..]).unwrap();
            v.extend_from_slice(&block[round..]);
            if round % 4 == 3 {
                let n = v.len() / 3;
                p.drain_front(n);
                v.drain(..n);
            }
            let mut r: &[u8] = &block[..1000 + round];
            assert_eq!(p.read_from(&mut r, 1 << 20).unwrap(), 1000 + round);
            v.extend_from_slice(&block[..1000 + round]);
            assert_eq!(&p[..], &v[..], "round {round}");
        }
        assert!(matches!(p.store, Store::Map(_)));
        let at = v.len() - 12345;
        assert_eq!(p.split_off(at), v.split_off(at));
        assert_eq!(&p[..], &v[..]);
    }
}
