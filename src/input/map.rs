//! A read-only memory map of one input file that gives back the pages already scanned and
//! survives the file being truncated underneath it (copytruncate rotation).
//!
//! Memory: a mapped page stays in the process (resident set) once read, so a scan of a 4 GB file
//! would end with 4 GB resident. What is read through the map is given back once read
//! ([`Mapped::release`], `MADV_DONTNEED`; the pages stay in the page cache for the next run):
//! the chunks that a selective scan of a log of lines reads in place (`scan::mapped`), and, where
//! there is no `pread` (not Unix), everything ([`Mapped::copy_into`]). Everything else is read
//! with `pread` ([`Mapped::read_into`]) and maps no page: chunk ends ([`Mapped::next_end`]), the
//! chunks of a full scan, documents and long lines. The map itself is read at its head (the
//! first 64 KiB, to tell a document from lines).
//!
//! Truncation: reading a page of a map past the end of its (now shorter) file raises SIGBUS,
//! which kills the process. On Linux a SIGBUS handler, installed with the first map, looks the
//! faulting address up among the live maps; if it is in one, it maps zero-filled pages over the
//! rest of that map, records where, and returns, so the read sees zeros instead of dying. The
//! scanner asks [`Mapped::shrunk`] after every batch (a recorded fault, or `fstat` showing a
//! smaller file) and keeps only what lies before the cut: truncation never changes the bytes
//! before the new end, and a writer appends after it. Any other SIGBUS goes to the handler that
//! was there before (Rust's own stack-overflow handler, or the default action).
//!
//! Elsewhere (not Linux) there is no handler: only the `fstat` check between batches.
//!
//! This module does not split or parse anything.

use std::fs::File;
use std::io;
use std::ops::Range;

/// One mapped file.
pub struct Mapped {
    map: memmap2::Mmap,
    file: File,
    /// The guard slot watching this map, when the SIGBUS handler is available.
    slot: Option<usize>,
}

/// The file became shorter than its map while being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shrunk {
    /// Size when mapped.
    pub was: u64,
    /// Size now (it may have grown again since: a writer appending after the cut).
    pub now: u64,
    /// Bytes from the start that are still the file's own: below both the current size and
    /// any read that faulted.
    pub valid: usize,
}

impl Mapped {
    /// Map the first `len` bytes of `file` (its size when opened; `len` > 0).
    pub fn new(file: File, len: u64) -> io::Result<Mapped> {
        let len = usize::try_from(len).map_err(|_| io::Error::other("file too big to map"))?;
        // SAFETY: the map is read-only and lives only while this input is scanned. The file
        // may change underneath: appended bytes are outside the map, and a truncation is
        // caught by the SIGBUS guard and `shrunk` (see the module docs).
        let map = unsafe { memmap2::MmapOptions::new().len(len).map(&file)? };
        #[cfg(unix)]
        let _ = map.advise(memmap2::Advice::Sequential);
        let slot = guard::register(map.as_ptr() as usize, map.len());
        Ok(Mapped { map, file, slot })
    }

    /// Does a read of the map past a cut see zeros rather than die (see the module docs)? Only
    /// then may a scan read it in place, beyond its head.
    pub fn guarded(&self) -> bool {
        self.slot.is_some()
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
                // later read faults the same bytes back in from the file (and a page the
                // guard replaced reads as zeros again). No reference into the range is used
                // after this (see above).
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

    /// Append `range` of the map to `out` a MiB at a time, giving each piece's pages back as it
    /// goes, so the bytes are never held twice.
    pub fn copy_into(&self, range: Range<usize>, out: &mut Vec<u8>) {
        const PIECE: usize = 1 << 20;
        out.reserve(range.len());
        let mut at = range.start;
        while at < range.end {
            let to = ((at / PIECE + 1) * PIECE).min(range.end);
            out.extend_from_slice(&self.map[at..to]);
            self.release(at..to);
            at = to;
        }
    }

    /// Make `out` the bytes of `range`, read with `pread`, not through the map: they come from
    /// the page cache as they do through the map, without the page faults, page-table updates
    /// and TLB flushes of mapping and releasing each page. False if the file ended before the
    /// range did (cut short underneath) or a read failed: `out` then holds what was read, and
    /// the caller must not use it. `out` is reused as it is: only its growth is zeroed first,
    /// and it grows a piece at a time, so a range that the file no longer holds is never
    /// allocated whole.
    #[cfg(unix)]
    pub fn read_into(&self, range: Range<usize>, out: &mut Vec<u8>) -> bool {
        use std::os::unix::fs::FileExt;
        const PIECE: usize = 4 << 20;
        let len = range.len();
        out.truncate(len);
        let mut done = 0;
        while done < len {
            if out.len() == done {
                out.resize(len.min(done + PIECE), 0);
            }
            match self
                .file
                .read_at(&mut out[done..], (range.start + done) as u64)
            {
                Ok(0) => break,
                Ok(n) => done += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        out.truncate(done);
        done == len
    }

    /// [`crate::chunk::next_end`] of the map, read with `pread`: the end of the chunk of about
    /// `target` bytes from `start`, just after a `\n` or at the end of the map. Looking
    /// through the map would fault its pages in on the scanning thread, one fault per chunk
    /// while the workers wait, and the workers would then have to give those pages back.
    /// `None` when the file ends before the map does, or a read fails, before a `\n` is found
    /// (a file cut short underneath): no chunk can be cut there, and none is sized by it.
    #[cfg(unix)]
    pub fn next_end(&self, start: usize, target: usize) -> Option<usize> {
        use std::os::unix::fs::FileExt;
        let len = self.map.len();
        let want = start.saturating_add(target.max(1));
        if want >= len {
            return Some(len);
        }
        thread_local! {
            static WINDOW: std::cell::RefCell<Vec<u8>> =
                const { std::cell::RefCell::new(Vec::new()) };
        }
        WINDOW.with_borrow_mut(|w| {
            w.resize(16 << 10, 0);
            let mut at = want - 1;
            while at < len {
                let n = w.len().min(len - at);
                let got = loop {
                    match self.file.read_at(&mut w[..n], at as u64) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        r => break r.unwrap_or(0),
                    }
                };
                if got == 0 {
                    return None;
                }
                if let Some(i) = memchr::memchr(b'\n', &w[..got]) {
                    return Some(at + i + 1);
                }
                at += got;
            }
            Some(len)
        })
    }

    #[cfg(not(unix))]
    pub fn next_end(&self, start: usize, target: usize) -> Option<usize> {
        Some(crate::chunk::next_end(&self.map, start, target))
    }

    /// Has the file been cut short since it was mapped? Costs one `fstat`.
    pub fn shrunk(&self) -> Option<Shrunk> {
        let len = self.map.len();
        let fault = self.slot.map_or(usize::MAX, guard::fault);
        let now = self.file.metadata().map(|m| m.len()).ok();
        let below_now = now.map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX));
        let valid = fault.min(below_now);
        (valid < len).then(|| Shrunk {
            was: len as u64,
            now: now.unwrap_or(valid as u64),
            valid,
        })
    }
}

impl Drop for Mapped {
    fn drop(&mut self) {
        // Before the map goes away (fields drop after this), so no fault is taken for ours.
        if let Some(s) = self.slot.take() {
            guard::unregister(s);
        }
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

#[cfg(target_os = "linux")]
mod guard {
    //! The SIGBUS handler and the table of live maps it consults. Everything the handler
    //! touches is an atomic or a value written before the handler was installed.

    use std::ptr;
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Live maps at once (kaudit maps one input at a time; tests map a few).
    const SLOTS: usize = 16;

    struct Slot {
        /// Start address; 0 when free or not yet published.
        start: AtomicUsize,
        /// End address; non-zero from the moment the slot is claimed.
        end: AtomicUsize,
        /// Offset of the first page replaced after a fault; `usize::MAX` if none.
        fault: AtomicUsize,
    }

    static TABLE: [Slot; SLOTS] = [const {
        Slot {
            start: AtomicUsize::new(0),
            end: AtomicUsize::new(0),
            fault: AtomicUsize::new(usize::MAX),
        }
    }; SLOTS];

    static PAGE: AtomicUsize = AtomicUsize::new(0);
    /// The disposition before ours, for faults that are not ours.
    static PREVIOUS: OnceLock<libc::sigaction> = OnceLock::new();

    fn install() -> bool {
        static INSTALLED: OnceLock<bool> = OnceLock::new();
        *INSTALLED.get_or_init(|| {
            PAGE.store(super::page_size(), Ordering::Relaxed);
            // SAFETY: plain sigaction calls with initialized structs; the handler only uses
            // atomics, PREVIOUS (set before it is installed), mmap and sigaction.
            unsafe {
                let mut old: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(libc::SIGBUS, ptr::null(), &mut old) != 0 {
                    return false;
                }
                let _ = PREVIOUS.set(old);
                let mut new: libc::sigaction = std::mem::zeroed();
                new.sa_sigaction = on_sigbus as *const () as usize;
                new.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
                libc::sigemptyset(&mut new.sa_mask);
                libc::sigaction(libc::SIGBUS, &new, ptr::null_mut()) == 0
            }
        })
    }

    /// Watch `[start, start + len)`; `None` if the handler could not be installed or the table
    /// is full (the map then works unguarded).
    pub fn register(start: usize, len: usize) -> Option<usize> {
        if len == 0 || !install() {
            return None;
        }
        for (i, s) in TABLE.iter().enumerate() {
            if s.end
                .compare_exchange(0, start + len, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
            {
                s.fault.store(usize::MAX, Ordering::Relaxed);
                s.start.store(start, Ordering::Release);
                return Some(i);
            }
        }
        None
    }

    pub fn unregister(i: usize) {
        TABLE[i].start.store(0, Ordering::Release);
        TABLE[i].end.store(0, Ordering::Release);
    }

    pub fn fault(i: usize) -> usize {
        TABLE[i].fault.load(Ordering::Acquire)
    }

    extern "C" fn on_sigbus(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
        // SAFETY: the kernel passes a valid siginfo for SA_SIGINFO handlers.
        let addr = unsafe { (*info).si_addr() } as usize;
        let page = PAGE.load(Ordering::Relaxed);
        for s in &TABLE {
            let start = s.start.load(Ordering::Acquire);
            let end = s.end.load(Ordering::Acquire);
            if start == 0 || addr < start || addr >= end {
                continue;
            }
            // Zeros from the faulting page to the end of the map: one call, whatever is read
            // next, and the scanner learns where the file's own bytes end.
            let from = addr & !(page - 1);
            let to = (end + page - 1) & !(page - 1);
            // SAFETY: [from, to) lies within our own live map (it is unregistered before it
            // is unmapped); replacing it with anonymous read-only pages is what we want.
            let p = unsafe {
                libc::mmap(
                    from as *mut libc::c_void,
                    to - from,
                    libc::PROT_READ,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                    -1,
                    0,
                )
            };
            if p != libc::MAP_FAILED {
                s.fault.fetch_min(from - start, Ordering::AcqRel);
                return;
            }
        }
        // Not ours (or the zero pages could not be mapped): what would have happened without us.
        match PREVIOUS.get() {
            Some(old) if old.sa_sigaction != libc::SIG_DFL && old.sa_sigaction != libc::SIG_IGN => {
                // SAFETY: a handler someone installed, called the way it was installed.
                unsafe {
                    if old.sa_flags & libc::SA_SIGINFO != 0 {
                        let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                            std::mem::transmute(old.sa_sigaction);
                        f(sig, info, ctx);
                    } else {
                        let f: extern "C" fn(libc::c_int) = std::mem::transmute(old.sa_sigaction);
                        f(sig);
                    }
                }
            }
            _ => {
                // Restore the default and return: the access faults again and the process
                // dies of SIGBUS, as it would have.
                // SAFETY: installing SIG_DFL.
                unsafe {
                    let mut dfl: libc::sigaction = std::mem::zeroed();
                    dfl.sa_sigaction = libc::SIG_DFL;
                    libc::sigaction(sig, &dfl, ptr::null_mut());
                }
            }
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod guard {
    pub fn register(_start: usize, _len: usize) -> Option<usize> {
        None
    }
    pub fn unregister(_i: usize) {}
    pub fn fault(_i: usize) -> usize {
        usize::MAX
    }
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
    fn chunk_ends_read_with_pread_are_those_of_the_bytes() {
        // short lines, a line longer than the 16 KiB window, blank lines, no final newline
        let mut data = Vec::new();
        for i in 0..200 {
            data.extend_from_slice(format!("line {i}\n").as_bytes());
        }
        data.extend(std::iter::repeat_n(b'x', 40_000));
        data.extend_from_slice(b"\n\n\nend");
        let mut t = tempfile::NamedTempFile::new().unwrap();
        t.write_all(&data).unwrap();
        t.flush().unwrap();
        let m = Mapped::new(File::open(t.path()).unwrap(), data.len() as u64).unwrap();
        for target in [1, 7, 100, 1000, 20_000, 100_000] {
            for start in (0..data.len()).step_by(97) {
                assert_eq!(
                    m.next_end(start, target),
                    Some(crate::chunk::next_end(&data, start, target)),
                    "start {start} target {target}"
                );
            }
        }
    }

    /// A file cut short under its map (copytruncate): no chunk end is found past the cut, so
    /// no chunk is sized by it (issue 16: one chunk covered the rest of a 2 GB file and its
    /// copy was zero-filled to that size), and a read of a range past the cut says so and
    /// allocates only about what the file still holds.
    #[cfg(unix)]
    #[test]
    fn a_file_cut_short_sizes_no_chunk_and_no_buffer() {
        let line = b"{\"kind\":\"Event\",\"auditID\":\"x\"}\n";
        let mut data = Vec::new();
        while data.len() < 16 << 20 {
            data.extend_from_slice(line);
        }
        let mut t = tempfile::NamedTempFile::new().unwrap();
        t.write_all(&data).unwrap();
        t.flush().unwrap();
        let m = Mapped::new(File::open(t.path()).unwrap(), data.len() as u64).unwrap();
        let cut = 1 << 20;
        t.as_file().set_len(cut as u64).unwrap();
        // before the cut: the same ends; past it: none
        assert_eq!(
            m.next_end(0, 1000),
            Some(crate::chunk::next_end(&data, 0, 1000))
        );
        assert_eq!(m.next_end(cut - 10, 1 << 20), None);
        assert_eq!(m.next_end(4 << 20, 1 << 20), None);
        // a read across the cut is not whole, and holds only what was there
        let mut out = Vec::new();
        assert!(!m.read_into(0..data.len(), &mut out));
        assert_eq!(out, data[..cut]);
        assert!(out.capacity() <= cut + (4 << 20), "{}", out.capacity());
        let mut out = Vec::new();
        assert!(m.read_into(0..1000, &mut out));
        assert_eq!(out, data[..1000]);
        assert!(m.shrunk().is_some());
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

    #[test]
    fn an_untouched_file_has_not_shrunk() {
        let (_t, f) = file_of(10_000);
        let m = Mapped::new(f, 10_000).unwrap();
        assert_eq!(m.shrunk(), None);
    }

    #[test]
    fn appended_bytes_are_outside_the_map() {
        let (t, f) = file_of(5_000);
        let m = Mapped::new(f, 5_000).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(t.path())
            .unwrap()
            .write_all(b"more\n")
            .unwrap();
        assert_eq!(m.len(), 5_000);
        assert_eq!(m.shrunk(), None);
    }

    /// A read past the new end of a truncated file: zeros and a recorded cut, not SIGBUS.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_read_past_a_truncation_sees_zeros_and_is_reported() {
        let page = page_size();
        let len = 8 * page;
        let (t, f) = file_of(len);
        let m = Mapped::new(f, len as u64).unwrap();
        assert_eq!(m.bytes()[0], b'0');
        std::fs::OpenOptions::new()
            .write(true)
            .open(t.path())
            .unwrap()
            .set_len(2 * page as u64 + 100)
            .unwrap();
        // SAFETY: reading our own live map; volatile so the read really happens.
        let past = unsafe { std::ptr::read_volatile(m.bytes().as_ptr().add(5 * page + 7)) };
        assert_eq!(past, 0);
        let again = unsafe { std::ptr::read_volatile(m.bytes().as_ptr().add(7 * page)) };
        assert_eq!(again, 0);
        let s = m.shrunk().expect("the cut is seen");
        assert_eq!(s.was, len as u64);
        assert_eq!(s.now, 2 * page as u64 + 100);
        assert_eq!(s.valid, 2 * page + 100);
        // bytes before the cut are the file's own
        let before = unsafe { std::ptr::read_volatile(m.bytes().as_ptr().add(page + 1)) };
        assert_eq!(before, b'1');
        m.release(0..len);
        drop(m);
    }

    /// The file grew back past its old size after the cut: the fault still tells.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_cut_hidden_by_regrowth_is_found_through_the_fault() {
        let page = page_size();
        let len = 4 * page;
        let (t, f) = file_of(len);
        let m = Mapped::new(f, len as u64).unwrap();
        let w = std::fs::OpenOptions::new()
            .write(true)
            .open(t.path())
            .unwrap();
        w.set_len(0).unwrap();
        // SAFETY: as above.
        let b = unsafe { std::ptr::read_volatile(m.bytes().as_ptr().add(3 * page)) };
        assert_eq!(b, 0);
        w.set_len(10 * page as u64).unwrap();
        let s = m.shrunk().expect("the cut is seen");
        assert_eq!(s.valid, 3 * page);
    }
}
