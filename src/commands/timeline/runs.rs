//! Sorted runs of `timeline` entries in temporary files: each entry written with its strings,
//! runs merged by level (at most [`FAN_IN`] files at once), and read back in order through a
//! heap ([`Merge`]). It does not decide when to spill (`keep.rs`).

use std::io::Write;

use anyhow::{Result, anyhow};

use super::entry::{Entry, Strings};

/// Sorted runs of entries in temporary files (`$TMPDIR`), each entry with its strings written
/// out, merged back in order when the input ends.
#[derive(Default)]
pub(super) struct Runs {
    /// Each run's file, entries, and level (how many merges made it).
    files: Vec<(std::fs::File, u64, u32)>,
}

/// Strings of a written entry: the auditID, then the fields [`Entry::order`] compares.
const REC_STRINGS: usize = 14;

/// Bytes of strings held for the lines made from runs before their table starts again.
pub(super) const LINE_STRINGS: usize = 16 << 20;

/// Runs of one level merged into one of the next (each holds a file open while merging).
const FAN_IN: usize = 128;

impl Runs {
    pub(super) fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub(super) fn write(&mut self, entries: &[Entry], s: &Strings, ids: &str) -> Result<()> {
        use std::io::{Seek, SeekFrom};
        let dir = std::env::temp_dir();
        let fail = |e: std::io::Error| {
            anyhow!(
                "timeline: cannot write requests to sort to a temporary file in {} ({e}); set TMPDIR to a folder with room, or give --sort-memory more",
                dir.display()
            )
        };
        let file = tempfile::tempfile_in(&dir).map_err(fail)?;
        let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
        for e in entries {
            let id = ids
                .get(e.id_at as usize..e.id_at as usize + e.id_len as usize)
                .unwrap_or("");
            w.write_all(&e.time.to_le_bytes()).map_err(fail)?;
            w.write_all(&e.code.to_le_bytes()).map_err(fail)?;
            w.write_all(&e.marks.to_le_bytes()).map_err(fail)?;
            w.write_all(&[e.flags]).map_err(fail)?;
            for t in std::iter::once(id).chain(e.texts().map(|i| &*s.list[i as usize])) {
                w.write_all(&(t.len() as u32).to_le_bytes()).map_err(fail)?;
                w.write_all(t.as_bytes()).map_err(fail)?;
            }
        }
        let mut file = w.into_inner().map_err(|e| fail(e.into_error()))?;
        file.seek(SeekFrom::Start(0)).map_err(fail)?;
        self.files.push((file, entries.len() as u64, 0));
        // FAN_IN runs of one level are merged into one of the next: each entry is written again
        // a few times at most, and few files are open at once
        while let Some(&(_, _, level)) = self.files.last() {
            let n = self.files.len();
            if n < FAN_IN || self.files[n - FAN_IN..].iter().any(|f| f.2 != level) {
                break;
            }
            let runs: Vec<_> = self.files.drain(n - FAN_IN..).collect();
            let file = tempfile::tempfile_in(&dir).map_err(fail)?;
            let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
            let mut merge = Runs { files: runs }.merge();
            let (mut count, mut done) = (0u64, None);
            while let Some((rec, run)) = merge.next(done.take()) {
                rec.write(&mut w).map_err(fail)?;
                count += 1;
                done = Some((rec, run));
            }
            if let Some(e) = merge.error {
                return Err(fail(e));
            }
            let mut file = w.into_inner().map_err(|e| fail(e.into_error()))?;
            file.seek(SeekFrom::Start(0)).map_err(fail)?;
            self.files.push((file, count, level + 1));
        }
        Ok(())
    }

    /// The entries of every run, in order.
    pub(super) fn merge(self) -> Merge {
        let mut m = Merge {
            runs: Vec::new(),
            heap: std::collections::BinaryHeap::new(),
            error: None,
        };
        for (f, n, _) in self.files {
            m.runs
                .push((std::io::BufReader::with_capacity(1 << 16, f), n));
            let i = m.runs.len() - 1;
            m.refill(i, Rec::default());
        }
        m
    }
}

/// An entry read back from a run: its numbers, and its strings in one buffer.
#[derive(Default)]
pub(super) struct Rec {
    pub(super) time: i64,
    code: i32,
    marks: u16,
    pub(super) flags: u8,
    text: Vec<u8>,
    ends: [usize; REC_STRINGS],
}

impl Rec {
    fn s(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        std::str::from_utf8(&self.text[start..self.ends[i]]).unwrap_or("")
    }

    /// Read the next entry into `self` (its buffer reused).
    fn read(&mut self, r: &mut impl std::io::Read) -> std::io::Result<()> {
        let mut head = [0u8; 15];
        r.read_exact(&mut head)?;
        self.time = i64::from_le_bytes(head[..8].try_into().unwrap_or_default());
        self.code = i32::from_le_bytes(head[8..12].try_into().unwrap_or_default());
        self.marks = u16::from_le_bytes([head[12], head[13]]);
        self.flags = head[14];
        self.text.clear();
        for i in 0..REC_STRINGS {
            let mut n = [0u8; 4];
            r.read_exact(&mut n)?;
            let n = u32::from_le_bytes(n) as usize;
            let at = self.text.len();
            self.text.resize(at + n, 0);
            r.read_exact(&mut self.text[at..])?;
            self.ends[i] = self.text.len();
        }
        Ok(())
    }

    /// Write the entry as [`Runs::write`] does.
    fn write(&self, w: &mut impl Write) -> std::io::Result<()> {
        w.write_all(&self.time.to_le_bytes())?;
        w.write_all(&self.code.to_le_bytes())?;
        w.write_all(&self.marks.to_le_bytes())?;
        w.write_all(&[self.flags])?;
        for i in 0..REC_STRINGS {
            let t = self.s(i);
            w.write_all(&(t.len() as u32).to_le_bytes())?;
            w.write_all(t.as_bytes())?;
        }
        Ok(())
    }

    /// [`Entry::order`] on written entries.
    fn order(&self, o: &Rec) -> std::cmp::Ordering {
        fn text(r: &Rec) -> [&str; REC_STRINGS - 1] {
            std::array::from_fn(|i| r.s(i + 1))
        }
        self.time
            .cmp(&o.time)
            .then_with(|| self.s(0).cmp(o.s(0)))
            .then_with(|| text(self).cmp(&text(o)))
            .then_with(|| (self.code, self.marks, self.flags).cmp(&(o.code, o.marks, o.flags)))
    }

    /// The entry, its strings interned in `s` and its auditID (when `with_id`) put in `ids`.
    pub(super) fn entry(&self, s: &mut Strings, ids: &mut String, with_id: bool) -> Entry {
        let id = if with_id { self.s(0) } else { "" };
        let id_at = ids.len() as u64;
        ids.push_str(id);
        let t: [u32; REC_STRINGS - 1] = std::array::from_fn(|i| s.id(self.s(i + 1)));
        Entry {
            time: self.time,
            id_at,
            id_len: id.len() as u32,
            user: t[0],
            imp: t[1],
            verb: t[2],
            resource: t[3],
            sub: t[4],
            ns: t[5],
            name: t[6],
            path: t[7],
            detail: t[8],
            agent: t[9],
            ip: t[10],
            cluster: t[11],
            apiserver: t[12],
            code: self.code,
            marks: self.marks,
            flags: self.flags,
        }
    }
}

/// The head entry of one run, first in the heap when it comes first in order.
struct Head(Rec, usize);

impl PartialEq for Head {
    fn eq(&self, o: &Head) -> bool {
        self.cmp(o) == std::cmp::Ordering::Equal
    }
}
impl Eq for Head {}
impl PartialOrd for Head {
    fn partial_cmp(&self, o: &Head) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Head {
    fn cmp(&self, o: &Head) -> std::cmp::Ordering {
        // reversed: BinaryHeap pops the greatest
        o.0.order(&self.0).then_with(|| o.1.cmp(&self.1))
    }
}

/// Runs merged: entries in time order, one held per run.
pub(super) struct Merge {
    runs: Vec<(std::io::BufReader<std::fs::File>, u64)>,
    heap: std::collections::BinaryHeap<Head>,
    pub(super) error: Option<std::io::Error>,
}

impl Merge {
    /// Read run `i`'s next entry into `rec` and put it in the heap.
    fn refill(&mut self, i: usize, mut rec: Rec) {
        let (r, left) = &mut self.runs[i];
        if *left == 0 {
            return;
        }
        *left -= 1;
        match rec.read(r) {
            Ok(()) => self.heap.push(Head(rec, i)),
            Err(e) => {
                self.error.get_or_insert(e);
            }
        }
    }

    /// The next entry in order; the one before is handed back (`done`) for its buffer.
    pub(super) fn next(&mut self, done: Option<(Rec, usize)>) -> Option<(Rec, usize)> {
        if let Some((rec, i)) = done {
            self.refill(i, rec);
        }
        self.heap.pop().map(|Head(rec, i)| (rec, i))
    }
}
