//! A read-only memory map of one input file that gives back the pages already scanned.
//!
//! A mapped page stays in the process (resident set) once read, so a scan of a 4 GB file would
//! end with 4 GB resident. [`Mapped::release`] drops a scanned range (`MADV_DONTNEED`): the
//! pages stay in the page cache for the next run, and the process holds one batch.
//!
//! This module does not split or parse anything.

use std::fs::File;
use std::io;
use std::ops::Range;

/// One mapped file.
pub struct Mapped {
    map: memmap2::Mmap,
}

impl Mapped {
    /// Map the first `len` bytes of `file` (its size when opened; `len` > 0).
    pub fn new(file: File, len: u64) -> io::Result<Mapped> {
        let len = usize::try_from(len).map_err(|_| io::Error::other("file too big to map"))?;
        // SAFETY: the map is read-only and lives only while this input is scanned. A file
        // truncated under a live map (copytruncate rotation) can raise SIGBUS; `--no-mmap`
        // avoids that.
        let map = unsafe { memmap2::MmapOptions::new().len(len).map(&file)? };
        #[cfg(unix)]
        let _ = map.advise(memmap2::Advice::Sequential);
        Ok(Mapped { map })
    }

    pub fn bytes(&self) -> &[u8] {
        &self.map
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Give back the pages that lie wholly within a range that has been read (the caller's
    /// promise that nothing borrows it: reading it again would work, from the page cache, but
    /// is not meant to happen). Pages shared with the bytes around it are kept.
    pub fn release(&self, range: Range<usize>) {
        #[cfg(unix)]
        {
            let page = page_size();
            let start = range.start.next_multiple_of(page);
            let end = range.end.min(self.map.len()) & !(page - 1);
            if end > start {
                // SAFETY: DONTNEED on a read-only file map only drops our page-table entries: a
                // later read faults the same bytes back in from the file. No reference into the
                // range is used after this (see above).
                let _ = unsafe {
                    self.map.unchecked_advise_range(
                        memmap2::UncheckedAdvice::DontNeed,
                        start,
                        end - start,
                    )
                };
            }
        }
        #[cfg(not(unix))]
        let _ = range;
    }
}

/// The size of a memory page (4096 where it cannot be asked).
#[cfg(unix)]
pub fn page_size() -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static PAGE: AtomicUsize = AtomicUsize::new(0);
    match PAGE.load(Ordering::Relaxed) {
        0 => {
            // SAFETY: sysconf has no preconditions.
            let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
            let p = if p > 0 { p as usize } else { 4096 };
            PAGE.store(p, Ordering::Relaxed);
            p
        }
        p => p,
    }
}

#[cfg(not(unix))]
pub fn page_size() -> usize {
    4096
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file_of(len: usize) -> (tempfile::NamedTempFile, File) {
        let mut t = tempfile::NamedTempFile::new().unwrap();
        let line = b"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\n";
        let mut left = len;
        while left > 0 {
            let n = left.min(line.len());
            t.write_all(&line[..n]).unwrap();
            left -= n;
        }
        t.flush().unwrap();
        let f = File::open(t.path()).unwrap();
        (t, f)
    }

    #[test]
    fn released_pages_read_back_the_same_bytes() {
        let (_t, f) = file_of(10_000);
        let m = Mapped::new(f, 10_000).unwrap();
        assert_eq!(m.len(), 10_000);
        assert_eq!(m.bytes()[64], b'0');
        m.release(0..8192);
        // released pages read back the same bytes
        assert_eq!(m.bytes()[64], b'0');
        assert_eq!(m.bytes()[9_999], b'f');
        m.release(0..10_000);
        assert_eq!(m.bytes()[9_999], b'f');
    }
}
