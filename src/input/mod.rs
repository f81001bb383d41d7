//! Turns the paths a user gives into an ordered list of inputs and opens each one as bytes to
//! scan: a memory map for regular files (plain reads when mapping fails or is disabled), a
//! streaming reader for gzip and stdin.
//!
//! A folder is read whole, with its subfolders ([`walk`]): every file that holds audit data,
//! decided by content, not by name ([`sniff`]: its first records, through gzip, read as the scan
//! will read them), so `.json`, `.jsonl`, `.ndjson`, `.gz` exports and names without extension
//! are read, and a README, a policy, an answer key or a binary is not. What is left out is said
//! in a note, each file with why (up to [`MAX_SKIP_NOTES`], then a count), hidden entries in one
//! note per folder named; a folder where nothing is audit data is an error naming what was looked
//! at. The order is the same whatever the filesystem's: a folder's files, grouped by rotated set,
//! then its subfolders in name order, depth first. A set is oldest first with the live file last:
//! the API server's backups (`audit-2025-02-21T11-23-14.940.log[.gz]`) by timestamp, then
//! logrotate's (`audit.log.1[.gz]`) by number, descending. Files named on the command line are
//! read whatever they hold, ordered as sets too. An OpenShift must-gather
//! (`audit_logs/<server>/<node>-audit….log.gz`) is a tree like any other: each (server, node) is
//! one set, and [`InputFile::origin`] says which. Format adapters (`format.rs` and one file per
//! format) turn a record into an [`Event`](crate::event::Event); this module does not parse
//! JSON itself (the sniff asks `format.rs`).
//!
//! What is read is the set as it was listed: [`expand`] opens every regular file when it lists
//! it and keeps the handle, so a file renamed by a log rotation while an earlier one is read is
//! still read whole (from its handle: the inode it was), and a new file written under its old
//! name is not. Past [`MAX_HELD`] files (or the open-file limit), the rest are opened when their
//! turn comes and must still be the file listed (device and inode), else they are reported.
//! FIFOs and devices are opened at their turn, once (opening a FIFO waits for its writer).

pub mod ahead;
pub mod aks;
pub mod document;
pub mod eks;
pub mod fast;
pub mod format;
pub mod gke;
pub mod gzip;
pub mod map;
pub mod native;
pub mod sniff;
pub mod split;
pub mod walk;

use std::fs::File;
use std::io::{self, BufReader, Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result, bail};

/// One input in scan order.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// `None` for stdin (and for a subfolder that could not be listed: its error is reported
    /// at its turn).
    pub path: Option<PathBuf>,
    /// What reports call it: the path as given (joined with the folder), or `<stdin>`.
    pub name: String,
    /// Which API server and node wrote it, when its path says so (an OpenShift must-gather).
    pub origin: Origin,
    /// The file's identity when it was listed, if it could be looked at.
    id: Option<FileId>,
    /// It was a regular file when listed (else it is opened at its turn: a FIFO, a device).
    regular: bool,
    /// The file as opened when listed, until [`open`] takes it.
    held: Arc<Mutex<Held>>,
}

/// Which API server and node wrote a file, when its path says so: the shape of an OpenShift
/// must-gather's audit logs, `…/audit_logs/<server>/<node>-audit….log.gz` (`oc adm must-gather`
/// runs `gather_audit_logs`, which saves each master's `/var/log/<server>/<file>` as
/// `audit_logs/<server>/<node>-<file>.gz`; `<server>` is `kube-apiserver`,
/// `openshift-apiserver`, `oauth-apiserver` or `oauth-server`). Both are `None` for any other
/// path. Read from the path as given, made absolute (`.` and `..` resolved as written, symlinks
/// not followed), so `kaudit summary .` inside `audit_logs/kube-apiserver/` says so too.
///
/// The stages of one request are written by one API server: a folder walk keeps the files of
/// one (server, node) contiguous, oldest first, so they are read as one rotated set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// The API server, from the folder under `audit_logs/` (`kube-apiserver`).
    pub apiserver: Option<String>,
    /// The node, from the file name before `-audit` (`ip-10-0-1-2.ec2.internal`).
    pub node: Option<String>,
}

impl Origin {
    /// The origin a path shows (see [`Origin`]).
    pub fn of(path: &Path) -> Origin {
        Self::must_gather(&lexical_absolute(path)).unwrap_or_default()
    }

    fn must_gather(path: &Path) -> Option<Origin> {
        use std::path::Component::Normal;
        let mut parts = path.components().rev();
        let (Some(Normal(file)), Some(Normal(server)), Some(Normal(logs))) =
            (parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        if logs != "audit_logs" {
            return None;
        }
        let (file, server) = (file.to_str()?, server.to_str()?);
        // `<node>-audit.log.gz`, `<node>-audit-2024-01-01T00-00-00.000.log.gz`: the last
        // `-audit` (a node's name may hold one; a backup's timestamp does not)
        let at = file.rfind("-audit")?;
        let log = &file[at + 1..];
        if at == 0 || rank(log).is_none() || set_base(log, &rank(log)?) != "audit" {
            return None;
        }
        Some(Origin {
            apiserver: Some(server.to_string()),
            node: Some(file[..at].to_string()),
        })
    }
}

/// Which cluster and API server an input's requests come from, as far as the command line and
/// the file's path say. A record's wrapper may say more (`format.rs`): its API server wins over
/// the path's, and `--cluster NAME=PATH` wins over its cluster (the user's name for it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// `--cluster NAME=PATH`, the most specific PATH that holds the input.
    pub cluster: String,
    /// A must-gather's `<server>/<node>` (`kube-apiserver/master-0`).
    pub apiserver: String,
}

impl Scope {
    /// `correlate::scope_hash` of a line that no wrapper names: the prefilter's keys.
    pub fn hash(&self) -> u64 {
        crate::correlate::scope_hash(&self.cluster, &self.apiserver)
    }
}

/// The scope of each input, in order: `--cluster NAME=PATH` (`clusters`) and each file's
/// [`Origin`]. A PATH that holds no input is an error (a typo would otherwise leave requests
/// unnamed without a word).
pub fn scopes(inputs: &[InputFile], clusters: &[(String, PathBuf)]) -> Result<Vec<Scope>> {
    let roots: Vec<(Option<PathBuf>, &str)> = clusters
        .iter()
        .map(|(name, p)| {
            (
                (p.as_os_str() != "-").then(|| lexical_absolute(p)),
                name.as_str(),
            )
        })
        .collect();
    let mut used = vec![false; roots.len()];
    let mut out = Vec::with_capacity(inputs.len());
    for inp in inputs {
        let at = inp.path.as_deref().map(lexical_absolute);
        // the most specific PATH that holds the input (stdin: `-`)
        let holds: Vec<(usize, usize)> = roots
            .iter()
            .enumerate()
            .filter(|(_, (root, _))| match (root, &at) {
                (Some(r), Some(a)) => a.starts_with(r),
                (None, None) => true,
                _ => false,
            })
            .map(|(i, (root, _))| (i, root.as_ref().map_or(0, |r| r.components().count())))
            .collect();
        let depth = holds.iter().map(|h| h.1).max();
        let mut cluster = String::new();
        for &(i, d) in &holds {
            if Some(d) != depth {
                continue;
            }
            used[i] = true;
            let name = roots[i].1;
            if !cluster.is_empty() && cluster != name {
                bail!(
                    "--cluster: {} is named both {cluster:?} and {name:?}",
                    clusters[i].1.display()
                );
            }
            cluster = name.to_string();
        }
        let apiserver = match (&inp.origin.apiserver, &inp.origin.node) {
            (Some(s), Some(n)) => format!("{s}/{n}"),
            (Some(s), None) => s.clone(),
            _ => String::new(),
        };
        out.push(Scope { cluster, apiserver });
    }
    if let Some(i) = used.iter().position(|u| !u) {
        let (name, p) = &clusters[i];
        bail!(
            "--cluster {name}={}: no input is at that path (give the file or folder as it is named on the command line, or - for stdin)",
            p.display()
        );
    }
    Ok(out)
}

/// `path` made absolute, `.` and `..` taken as written (symlinks are not resolved).
fn lexical_absolute(path: &Path) -> PathBuf {
    use std::path::Component;
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// A file's identity: (device, inode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileId(u64, u64);

impl FileId {
    #[cfg(unix)]
    fn of(m: &std::fs::Metadata) -> Option<FileId> {
        use std::os::unix::fs::MetadataExt;
        Some(FileId(m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    fn of(_: &std::fs::Metadata) -> Option<FileId> {
        None
    }
}

/// What [`expand`] did with a file when it listed it.
#[derive(Debug, Default)]
enum Held {
    /// Not opened (stdin, a FIFO or device, past the open-file budget, or already taken).
    #[default]
    No,
    File(File),
    /// Opening it failed: the error is what is reported at its turn.
    Failed(io::Error),
}

/// Most files held open from the listing on; past it (or past what the open-file limit allows)
/// files are opened at their turn and checked against their listed identity.
pub const MAX_HELD: usize = 8192;

/// Descriptors left for everything else (the standard streams, a map's, a reader thread's).
const FD_RESERVE: u64 = 64;

impl InputFile {
    pub fn stdin() -> Self {
        InputFile {
            path: None,
            name: "<stdin>".into(),
            origin: Origin::default(),
            id: None,
            regular: false,
            held: Arc::default(),
        }
    }
    fn file(p: PathBuf) -> Self {
        let meta = std::fs::metadata(&p).ok();
        InputFile {
            name: p.display().to_string(),
            origin: Origin::of(&p),
            id: meta.as_ref().and_then(FileId::of),
            // a path that cannot be looked at is opened now too, so its error is the listing's
            regular: meta.as_ref().is_none_or(std::fs::Metadata::is_file),
            path: Some(p),
            held: Arc::default(),
        }
    }
    /// A subfolder met in a walk that could not be listed: reading it fails with `e`, so the
    /// scan reports it in its place (its files may be audit logs).
    fn unlisted(dir: PathBuf, e: io::Error) -> Self {
        let e = io::Error::new(
            e.kind(),
            format!("folder cannot be listed, so its files are not read: {e}"),
        );
        InputFile {
            name: dir.display().to_string(),
            origin: Origin::default(),
            path: None,
            id: None,
            regular: false,
            held: Arc::new(Mutex::new(Held::Failed(e))),
        }
    }

    /// May this input be opened before its turn ([`open`] early, to start inflating it while
    /// the one before is read)? Only a regular file: opening a FIFO may block until it has a
    /// writer.
    pub fn opens_early(&self) -> bool {
        self.regular && self.path.is_some()
    }

    /// The handle opened when listed, if any (taken: it is read once).
    fn take_held(&self) -> Held {
        std::mem::take(&mut *self.held.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// Expand paths (files, folders, `-`) into inputs in processing order. An empty list means stdin
/// (the caller has already refused a terminal).
///
/// A folder is walked with its subfolders ([`walk`]): every file that holds audit data, whatever
/// its name, in sets, oldest first; what is left out is said in `notes` (each file with why, up
/// to [`MAX_SKIP_NOTES`], then a count). A folder in which nothing holds audit data is an error
/// that names what was looked at. Files named one by one are read whatever they hold, as a set
/// too: consecutive file arguments are put oldest first (a shell glob such as `audit.log*` lists
/// the live file first). A file given twice, directly or through a folder, is read once; `notes`
/// says so. Regular files are opened here (see the module docs), so the set read is the set as
/// listed.
pub fn expand(paths: &[PathBuf], notes: &mut Vec<String>) -> Result<Vec<InputFile>> {
    if paths.is_empty() {
        return Ok(vec![InputFile::stdin()]);
    }
    let mut c = Collector {
        out: Vec::new(),
        seen: std::collections::HashSet::new(),
        notes,
    };
    let mut run: Vec<PathBuf> = Vec::new();
    let mut stdin_seen = false;
    let mut visited = walk::Visited::default();
    let mut skipped = Vec::new();
    // said after the files skipped: hidden entries, folders met twice
    let mut folder_notes = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            if stdin_seen {
                bail!("`-` (stdin) given more than once");
            }
            stdin_seen = true;
            c.add_run(&mut run);
            c.out.push(InputFile::stdin());
            continue;
        }
        let meta = std::fs::metadata(p).with_context(|| format!("{}", p.display()))?;
        if meta.is_dir() {
            c.add_run(&mut run);
            let w = walk::walk(p, &mut visited)?;
            if w.found.is_empty() && !w.repeat {
                bail!("{}", nothing_found(p, &w));
            }
            for f in w.found {
                match f {
                    walk::Found::File(f) => c.add(f),
                    walk::Found::Unlisted(dir, e) => c.out.push(InputFile::unlisted(dir, e)),
                }
            }
            if !w.hidden.is_empty() {
                folder_notes.push(hidden_note(p, &w.hidden));
            }
            folder_notes.extend(w.notes);
            skipped.extend(w.skipped);
        } else {
            run.push(p.clone());
        }
    }
    c.add_run(&mut run);
    skip_notes(&skipped, c.notes);
    c.notes.append(&mut folder_notes);
    let mut out = c.out;
    hold(&mut out);
    Ok(out)
}

/// Files left out of a folder are named one per note up to here; past it, counted.
pub const MAX_SKIP_NOTES: usize = 20;

/// A note per file left out of a folder, `PATH: skipped: WHY`; past [`MAX_SKIP_NOTES`], one note
/// that counts the rest by reason.
fn skip_notes(skipped: &[(PathBuf, String)], notes: &mut Vec<String>) {
    let shown = if skipped.len() > MAX_SKIP_NOTES {
        MAX_SKIP_NOTES - 1
    } else {
        skipped.len()
    };
    for (p, why) in &skipped[..shown] {
        notes.push(format!("{}: skipped: {why}", p.display()));
    }
    let rest = &skipped[shown..];
    if rest.is_empty() {
        return;
    }
    let mut by_why: Vec<(&str, usize)> = Vec::new();
    for (_, why) in rest {
        match by_why.iter_mut().find(|(w, _)| *w == why.as_str()) {
            Some((_, n)) => *n += 1,
            None => by_why.push((why, 1)),
        }
    }
    by_why.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let counts: Vec<String> = by_why.iter().map(|(w, n)| format!("{n} {w}")).collect();
    notes.push(format!(
        "{} more files skipped ({}); a file named on the command line is read whatever it holds",
        rest.len(),
        counts.join("; ")
    ));
}

/// One note for the hidden entries of a folder walked.
fn hidden_note(dir: &Path, hidden: &[String]) -> String {
    format!(
        "{}: skipped {} hidden {} (name starting with '.'): {}",
        dir.display(),
        hidden.len(),
        if hidden.len() == 1 {
            "entry"
        } else {
            "entries"
        },
        some_names(hidden)
    )
}

/// The first few names of a list, and how many more.
fn some_names(names: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut s = names[..names.len().min(SHOWN)].join(", ");
    if names.len() > SHOWN {
        s.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    s
}

/// The error for a folder in which nothing holds audit data: what was looked at, and why each
/// file is not audit data (up to [`MAX_SKIP_NOTES`] of them).
fn nothing_found(dir: &Path, w: &walk::Walked) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut msg = format!(
        "{}: no audit logs in this folder or its subfolders (",
        dir.display()
    );
    msg.push_str(&match (w.files, w.folders) {
        (0, 1) => "it holds no files".to_string(),
        (0, n) => format!(
            "no files in it or its {}",
            plural(n - 1, "subfolder", "subfolders")
        ),
        (f, n) => format!(
            "{} in {} looked at, by content: none holds audit events",
            plural(f, "file", "files"),
            plural(n, "folder", "folders")
        ),
    });
    if !w.hidden.is_empty() {
        msg.push_str(&format!(
            "; skipped {}: {}",
            plural(w.hidden.len(), "hidden entry", "hidden entries"),
            some_names(&w.hidden)
        ));
    }
    msg.push(')');
    if !w.skipped.is_empty() {
        msg.push(':');
    }
    for (p, why) in w.skipped.iter().take(MAX_SKIP_NOTES) {
        msg.push_str(&format!("\n  {}: {why}", p.display()));
    }
    if w.skipped.len() > MAX_SKIP_NOTES {
        msg.push_str(&format!(
            "\n  ... and {} more",
            w.skipped.len() - MAX_SKIP_NOTES
        ));
    }
    msg
}

/// Open the regular files of `inputs` now, up to [`MAX_HELD`] and what the open-file limit
/// allows (its soft limit raised towards the hard one if need be), and keep the handles.
fn hold(inputs: &mut [InputFile]) {
    let regular = inputs.iter().filter(|i| i.regular).count();
    let budget = fd_budget(regular).min(MAX_HELD);
    for inp in inputs.iter().filter(|i| i.regular).take(budget) {
        let Some(path) = &inp.path else { continue };
        let held = match File::open(path) {
            Ok(f) => Held::File(f),
            // out of descriptors after all: the rest are opened at their turn
            Err(e) if out_of_descriptors(&e) => break,
            Err(e) => Held::Failed(e),
        };
        *inp.held.lock().unwrap_or_else(|e| e.into_inner()) = held;
    }
}

#[cfg(unix)]
fn out_of_descriptors(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::EMFILE | libc::ENFILE))
}

#[cfg(not(unix))]
fn out_of_descriptors(_: &io::Error) -> bool {
    false
}

/// How many files may be held open, to hold `want`: the soft limit on open files is raised
/// (up to the hard limit) when it is lower than `want` and the reserve.
#[cfg(unix)]
#[expect(clippy::unnecessary_cast)] // rlim_t is not u64 on every target
fn fd_budget(want: usize) -> usize {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes the struct it is given.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return 0;
    }
    // RLIM_INFINITY is the largest value, so comparisons and `min` treat it as no limit
    let need = (want as u64).saturating_add(FD_RESERVE);
    let mut cur = lim.rlim_cur as u64;
    if cur < need {
        let to = (lim.rlim_max as u64).min(need);
        let raised = libc::rlimit {
            rlim_cur: to as libc::rlim_t,
            rlim_max: lim.rlim_max,
        };
        // SAFETY: setrlimit reads the struct it is given; the soft limit stays within the hard.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            cur = to;
        }
    }
    usize::try_from(cur.saturating_sub(FD_RESERVE)).unwrap_or(usize::MAX)
}

#[cfg(not(unix))]
fn fd_budget(want: usize) -> usize {
    want
}

/// Inputs in order, each file once.
struct Collector<'n> {
    out: Vec<InputFile>,
    seen: std::collections::HashSet<PathBuf>,
    notes: &'n mut Vec<String>,
}

impl Collector<'_> {
    fn add(&mut self, p: PathBuf) {
        let id = std::fs::canonicalize(&p).unwrap_or_else(|_| p.clone());
        if self.seen.insert(id) {
            self.out.push(InputFile::file(p));
        } else {
            self.notes
                .push(format!("{}: given more than once; read once", p.display()));
        }
    }

    /// Files named one after the other: oldest first within each rotated set.
    fn add_run(&mut self, run: &mut Vec<PathBuf>) {
        run.sort_by_cached_key(|p| set_order(p));
        for p in run.drain(..) {
            self.add(p);
        }
    }
}

/// Sort key of a file named on the command line: its folder, its set's base name, then its
/// place in the set (files that are not rotated logs keep their name order).
fn set_order(p: &Path) -> (PathBuf, String, SetRank) {
    let dir = p.parent().map(Path::to_path_buf).unwrap_or_default();
    let name = p
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    match rank(&name) {
        Some(r) => (dir, set_base(&name, &r), r),
        None => (dir, name, SetRank::Live),
    }
}

/// `audit` for `audit.log`, `audit.log.3.gz` and `audit-2025-02-21T11-23-14.940.log.gz`.
fn set_base(name: &str, r: &SetRank) -> String {
    let base = name.strip_suffix(".gz").unwrap_or(name);
    let stem = match r {
        SetRank::Numbered(_) => base.rsplit_once('.').map_or(base, |(s, _)| s),
        _ => base,
    };
    let stem = stem.strip_suffix(".log").unwrap_or(stem);
    match r {
        SetRank::Stamped(ts) => stem[..stem.len() - ts.len() - 1].to_string(),
        _ => stem.to_string(),
    }
}

/// Where a file name sits in a rotated set: older backups first, the live file last.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum SetRank {
    /// API-server backup `NAME-2006-01-02T15-04-05.000.log[.gz]`, ordered by its timestamp.
    Stamped(String),
    /// logrotate backup `NAME.log.N[.gz]`: higher N is older.
    Numbered(std::cmp::Reverse<u64>),
    Live,
}

fn rank(name: &str) -> Option<SetRank> {
    if name.starts_with('.') {
        return None;
    }
    let base = name.strip_suffix(".gz").unwrap_or(name);
    if let Some(stem) = base.strip_suffix(".log") {
        // `-YYYY-MM-DDTHH-MM-SS.mmm` at the end of the stem marks a backup.
        let b = stem.as_bytes();
        if b.len() >= 24 {
            let ts = &stem[stem.len() - 23..];
            let t = ts.as_bytes();
            let shape = b[b.len() - 24] == b'-'
                && t.iter().enumerate().all(|(i, c)| match i {
                    4 | 7 | 13 | 16 => *c == b'-',
                    10 => *c == b'T',
                    19 => *c == b'.',
                    _ => c.is_ascii_digit(),
                });
            if shape {
                return Some(SetRank::Stamped(ts.to_string()));
            }
        }
        return Some(SetRank::Live);
    }
    let (stem, n) = base.rsplit_once('.')?;
    if stem.ends_with(".log") && !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()) {
        return Some(SetRank::Numbered(std::cmp::Reverse(n.parse().ok()?)));
    }
    None
}

/// The bytes of one input.
pub enum Source {
    /// A whole regular file, mapped.
    Mapped(map::Mapped),
    /// A regular file read with read() (`--no-mmap`, or mapping failed), with its size when
    /// opened, so that a truncation is told from the end of the file.
    File(File, u64),
    /// Read as a stream, on a thread of its own from the moment it is opened: stdin, gzip,
    /// FIFOs, devices, and files whose size says nothing about their content (`/proc`, size 0).
    /// With the bytes read from the source itself so far (a gzip file's compressed bytes).
    Stream(ahead::Ahead, Consumed),
}

/// The bytes read so far from a stream's source, before any decompression (what progress
/// counts against a file's size), shared with the thread that reads it.
#[derive(Debug, Clone, Default)]
pub struct Consumed(Arc<std::sync::atomic::AtomicU64>);

impl Consumed {
    pub fn get(&self) -> u64 {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
    /// `r`, counting what is read from it here.
    pub fn counting<R: Read + Send + 'static>(&self, r: R) -> Box<dyn Read + Send> {
        struct Counted<R>(R, Consumed);
        impl<R: Read> Read for Counted<R> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.0.read(buf)?;
                (self.1)
                    .0
                    .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
                Ok(n)
            }
        }
        Box::new(Counted(r, self.clone()))
    }
}

/// How inputs are opened.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Map regular files (else read them).
    pub mmap: bool,
    /// Bound on gzip expansion (decompressed / compressed bytes, past the first 64 MiB); 0 for
    /// none. See [`gzip`].
    pub max_gzip_ratio: u64,
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Text in UTF-16 or UTF-32 (a Windows tool's export, PowerShell's `>`): named by its first
/// bytes (a byte-order mark, or a JSON value's first character followed or preceded by NUL),
/// so the input can be reported as the encoding it is, not as one malformed line per line.
/// kaudit reads UTF-8.
pub fn wide_encoding(head: &[u8]) -> Option<&'static str> {
    let opens = |b: u8| matches!(b, b'{' | b'[' | b' ' | b'\n' | b'\r' | b'\t');
    match head {
        [0xff, 0xfe, 0, 0, ..] => Some("UTF-32LE"),
        [0, 0, 0xfe, 0xff, ..] => Some("UTF-32BE"),
        [0xff, 0xfe, ..] => Some("UTF-16LE"),
        [0xfe, 0xff, ..] => Some("UTF-16BE"),
        [a, 0, 0, 0, ..] if opens(*a) => Some("UTF-32LE"),
        [0, 0, 0, a, ..] if opens(*a) => Some("UTF-32BE"),
        [a, 0, ..] if opens(*a) => Some("UTF-16LE"),
        [0, a, ..] if opens(*a) => Some("UTF-16BE"),
        _ => None,
    }
}

/// Blocks of a stream read ahead of its scan, at most (see [`ahead`]).
pub const AHEAD_BLOCKS: usize = 16;

/// Read `r` ahead on a thread of its own (see [`ahead`]).
pub fn read_ahead(r: Box<dyn Read + Send>, name: &str) -> Result<ahead::Ahead> {
    ahead::Ahead::spawn(r, AHEAD_BLOCKS, "kaudit-read")
        .with_context(|| format!("{name}: cannot start a thread to read it"))
}

/// Open one input, once (a FIFO cannot be opened twice). Gzip is recognised by its magic
/// bytes, whatever the file is called. A regular file is the one [`expand`] opened when it
/// listed it; one it could not hold is opened now and must be the file listed (a file renamed
/// away and replaced since, by a log rotation, is an error naming it). Also the size of the
/// file opened (0 for stdin, FIFOs and devices).
pub fn open(input: &InputFile, opts: &Options) -> Result<(Source, u64)> {
    let mut file = match (input.take_held(), &input.path) {
        // (a subfolder that could not be listed has no path, but its error)
        (Held::Failed(e), _) => return Err(e).with_context(|| input.name.clone()),
        (_, None) => return Ok((maybe_gunzip(Box::new(io::stdin()), &input.name, opts)?, 0)),
        (Held::File(f), Some(_)) => f,
        (Held::No, Some(path)) => {
            let f = File::open(path).with_context(|| input.name.clone())?;
            let now = f.metadata().ok().as_ref().and_then(FileId::of);
            if let (Some(was), Some(now)) = (input.id, now)
                && was != now
            {
                bail!(
                    "{}: not the file listed when kaudit started (replaced since: renamed by a log rotation?); not read",
                    input.name
                );
            }
            f
        }
    };
    let meta = file.metadata().with_context(|| input.name.clone())?;
    // Only regular, non-empty files are mapped or read by size: a FIFO or device has no size,
    // and a /proc file says 0 but has content. An empty map is an error on some platforms.
    if !meta.is_file() || meta.len() == 0 {
        return Ok((maybe_gunzip(Box::new(file), &input.name, opts)?, meta.len()));
    }
    let mut magic = [0u8; 2];
    let is_gz = file.read_exact(&mut magic).is_ok() && magic == GZIP_MAGIC;
    file.rewind().with_context(|| input.name.clone())?;
    if is_gz {
        let consumed = Consumed::default();
        let gz = gzip::decoder(
            BufReader::with_capacity(1 << 20, consumed.counting(file)),
            opts.max_gzip_ratio,
        );
        // inflated on a thread of its own from now on: the scan may open a rotated set's next
        // file while it reads this one (`InputFile::opens_early`)
        return Ok((
            Source::Stream(read_ahead(Box::new(gz), &input.name)?, consumed),
            meta.len(),
        ));
    }
    // if mapping fails, the file is read instead
    if opts.mmap
        && let Ok(m) = file
            .try_clone()
            .and_then(|f| map::Mapped::new(f, meta.len()))
    {
        return Ok((Source::Mapped(m), meta.len()));
    }
    Ok((Source::File(file, meta.len()), meta.len()))
}

/// A stream, decompressed if it starts with the gzip magic. The first two bytes are read as
/// they come (a pipe may deliver one at a time) and put back in front.
fn maybe_gunzip(r: Box<dyn Read + Send>, name: &str, opts: &Options) -> Result<Source> {
    let consumed = Consumed::default();
    let mut r = consumed.counting(r);
    let mut head = [0u8; 2];
    let mut got = 0;
    while got < head.len() {
        match r.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e).with_context(|| name.to_string()),
        }
    }
    let is_gz = head == GZIP_MAGIC && got == head.len();
    let br = BufReader::with_capacity(1 << 20, io::Cursor::new(head[..got].to_vec()).chain(r));
    let r: Box<dyn Read + Send> = if is_gz {
        Box::new(gzip::decoder(br, opts.max_gzip_ratio))
    } else {
        Box::new(br)
    };
    Ok(Source::Stream(read_ahead(r, name)?, consumed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_text_is_named_by_its_first_bytes() {
        assert_eq!(wide_encoding(b"\xff\xfe{\0"), Some("UTF-16LE"));
        assert_eq!(wide_encoding(b"\xfe\xff\0{"), Some("UTF-16BE"));
        assert_eq!(wide_encoding(b"\xff\xfe\0\0{\0\0\0"), Some("UTF-32LE"));
        assert_eq!(wide_encoding(b"\0\0\xfe\xff"), Some("UTF-32BE"));
        assert_eq!(wide_encoding(b"{\0\"\0"), Some("UTF-16LE"));
        assert_eq!(wide_encoding(b"\0[\0{"), Some("UTF-16BE"));
        // UTF-8, with or without its mark, gzip, NUL garbage and empty input are not
        for head in [
            &b"{\"kind\""[..],
            b"\xef\xbb\xbf{",
            b"\x1f\x8b",
            b"\0\0\0\0",
            b"",
            b"{",
        ] {
            assert_eq!(wide_encoding(head), None, "{head:?}");
        }
    }

    #[test]
    fn ranks_rotated_names() {
        assert_eq!(
            rank("audit-2025-02-21T11-23-14.940.log"),
            Some(SetRank::Stamped("2025-02-21T11-23-14.940".into()))
        );
        assert_eq!(
            rank("audit-2025-02-21T11-23-14.940.log.gz"),
            Some(SetRank::Stamped("2025-02-21T11-23-14.940".into()))
        );
        assert_eq!(rank("audit.log"), Some(SetRank::Live));
        assert_eq!(rank("kube-apiserver-audit.log"), Some(SetRank::Live));
        assert_eq!(
            rank("audit.log.2.gz"),
            Some(SetRank::Numbered(std::cmp::Reverse(2)))
        );
        assert_eq!(
            rank("audit.log.10"),
            Some(SetRank::Numbered(std::cmp::Reverse(10)))
        );
        assert_eq!(rank("README.md"), None);
        assert_eq!(rank("notes.json"), None);
        assert_eq!(rank(".audit.log.swp"), None);
        assert_eq!(rank("audit.log.old"), None);
    }

    #[test]
    fn files_named_one_by_one_are_ordered_as_a_set_and_read_once() {
        let dir = tempfile::tempdir().unwrap();
        let names = [
            "audit.log",
            "audit.log.1",
            "audit.log.2.gz",
            "audit-2025-02-21T11-23-14.940.log",
        ];
        for n in names {
            std::fs::write(dir.path().join(n), b"").unwrap();
        }
        // what `kaudit summary audit*` passes: the shell's alphabetical order
        let mut given: Vec<PathBuf> = names.iter().map(|n| dir.path().join(n)).collect();
        given.push(dir.path().join("audit.log"));
        let mut notes = Vec::new();
        let got = file_names(&expand(&given, &mut notes).unwrap());
        assert_eq!(
            got,
            [
                "audit-2025-02-21T11-23-14.940.log",
                "audit.log.2.gz",
                "audit.log.1",
                "audit.log"
            ]
        );
        assert_eq!(notes.len(), 1, "{notes:?}");
        // the same file through its folder and by name
        let mut notes = Vec::new();
        let both = [dir.path().to_path_buf(), dir.path().join("audit.log")];
        assert_eq!(expand(&both, &mut notes).unwrap().len(), 4);
        assert_eq!(notes.len(), 1);
    }

    /// The file names of the inputs, in scan order.
    fn file_names(inputs: &[InputFile]) -> Vec<String> {
        inputs
            .iter()
            .map(|i| {
                let p = i.path.as_ref().expect("a file");
                p.file_name()
                    .expect("a name")
                    .to_string_lossy()
                    .into_owned()
            })
            .collect()
    }

    #[test]
    fn set_bases() {
        for (n, b) in [
            ("audit.log", "audit"),
            ("audit.log.3.gz", "audit"),
            ("audit-2025-02-21T11-23-14.940.log.gz", "audit"),
            ("kube-apiserver-audit.log", "kube-apiserver-audit"),
        ] {
            assert_eq!(set_base(n, &rank(n).unwrap()), b, "{n}");
        }
    }

    #[test]
    fn orders_a_set_oldest_first() {
        let dir = tempfile::tempdir().unwrap();
        for n in [
            "audit.log",
            "audit.log.1",
            "audit.log.10.gz",
            "audit.log.2.gz",
            "audit-2025-02-21T11-23-14.940.log.gz",
            "audit-2025-02-20T09-00-00.000.log",
            "README.md",
        ] {
            std::fs::write(dir.path().join(n), b"").unwrap();
        }
        std::fs::create_dir(dir.path().join("sub.log")).unwrap();
        let mut notes = Vec::new();
        let names = file_names(&expand(&[dir.path().to_path_buf()], &mut notes).unwrap());
        // empty files: kept when named as logs (nothing else to go by), else said
        assert_eq!(
            notes,
            [format!(
                "{}: skipped: empty",
                dir.path().join("README.md").display()
            )]
        );
        assert_eq!(
            names,
            [
                "audit-2025-02-20T09-00-00.000.log",
                "audit-2025-02-21T11-23-14.940.log.gz",
                "audit.log.10.gz",
                "audit.log.2.gz",
                "audit.log.1",
                "audit.log"
            ]
        );
    }

    #[test]
    fn origin_of_must_gather_paths() {
        let mg = "must-gather.local.5/quay-io-openshift-must-gather-sha256-abc/audit_logs";
        let o = |p: &str| {
            let o = Origin::of(Path::new(p));
            (o.apiserver, o.node)
        };
        let some = |s: &str, n: &str| (Some(s.to_string()), Some(n.to_string()));
        assert_eq!(
            o(&format!(
                "{mg}/kube-apiserver/ip-10-0-1-2.ec2.internal-audit.log.gz"
            )),
            some("kube-apiserver", "ip-10-0-1-2.ec2.internal")
        );
        assert_eq!(
            o(&format!(
                "/tmp/{mg}/openshift-apiserver/master-0-audit-2024-01-01T00-00-00.000.log.gz"
            )),
            some("openshift-apiserver", "master-0")
        );
        assert_eq!(
            o(&format!("{mg}/oauth-apiserver/x-audit-0-audit.log")),
            some("oauth-apiserver", "x-audit-0")
        );
        assert_eq!(
            o(&format!(
                "{mg}/kube-apiserver/./../kube-apiserver/n1-audit.log.1.gz"
            )),
            some("kube-apiserver", "n1")
        );
        for not in [
            format!("{mg}/kube-apiserver/n1-termination.log.gz"),
            format!("{mg}/kube-apiserver/audit.log.gz"),
            format!("{mg}/kube-apiserver/n1-audit-policy.yaml"),
            format!("{mg}/kube-apiserver.audit_logs_listing"),
            format!("{mg}/monitoring/metrics-server-0/audit.log"),
            "/var/log/kube-apiserver/audit.log".to_string(),
            "testdata/s5/audit.log".to_string(),
        ] {
            assert_eq!(o(&not), (None, None), "{not}");
        }
        // a relative path inside the folder: made absolute first
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("audit_logs/kube-apiserver");
        std::fs::create_dir_all(&sub).unwrap();
        let rel = Path::new("x/..").join(sub.strip_prefix("/").unwrap());
        let from_root = Path::new("/").join(rel).join("n2-audit.log.gz");
        assert_eq!(
            Origin::of(&from_root),
            Origin {
                apiserver: Some("kube-apiserver".into()),
                node: Some("n2".into())
            }
        );
        // and it is on every input of a walk
        std::fs::write(
            sub.join("n2-audit.log.gz"),
            format!(
                "{}\n",
                r#"{"kind":"Event","auditID":"a","stage":"ResponseComplete","verb":"get"}"#
            ),
        )
        .unwrap();
        let mut notes = Vec::new();
        let got = expand(&[dir.path().to_path_buf()], &mut notes).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].origin.node.as_deref(), Some("n2"));
        assert_eq!(got[0].origin.apiserver.as_deref(), Some("kube-apiserver"));
        assert!(notes.is_empty(), "{notes:?}");
    }
}
