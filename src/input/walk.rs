//! Walks a folder named on the command line: every file in it and in its subfolders, at any
//! depth, in an order that does not depend on the filesystem's, each file kept or left out by
//! its content ([`super::sniff`]).
//!
//! Order: a folder's own files first, grouped by rotated set (the sets by their base name, each
//! oldest backup first and live file last, as [`super::set_order`] ranks names), then each
//! subfolder in name order, depth first. So the files of one set are contiguous, and so are those
//! of one folder: an OpenShift must-gather's `audit_logs/<server>/<node>-audit….log.gz` sets, one
//! per API server and node, are never interleaved.
//!
//! What is left out is said: a file that holds no audit data (with why), entries whose name
//! starts with `.` (`.git`, `.DS_Store`: skipped, counted and named in one note per folder named),
//! FIFOs, sockets and devices (a FIFO is read once, so it is not sniffed: name it to read it),
//! and a folder met twice (a symlink to a folder already walked, a loop back to a parent: walked
//! once). Symlinks are followed. A file that cannot be looked at (a dangling or looping symlink,
//! no permission) is kept, so the scan reports why it cannot be read; a subfolder that cannot be
//! listed is returned as such and reported by the scan too. This module does not open files for
//! the scan nor read records.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::sniff::{self, Verdict};
use super::{FileId, rank, set_order};

/// What a walk found, in scan order.
#[derive(Debug)]
pub enum Found {
    /// A file to read: it holds audit data, or it could not be looked at.
    File(PathBuf),
    /// A subfolder that could not be listed: its error is reported at its turn.
    Unlisted(PathBuf, io::Error),
}

/// One folder's walk.
#[derive(Debug, Default)]
pub struct Walked {
    pub found: Vec<Found>,
    /// Files left out, each with why.
    pub skipped: Vec<(PathBuf, String)>,
    /// Hidden entries left out, relative to the folder walked (folders end with `/`).
    pub hidden: Vec<String>,
    /// Folders met twice, each said once.
    pub notes: Vec<String>,
    /// The folder itself had been walked already (through another path named).
    pub repeat: bool,
    /// Files looked at, and folders listed.
    pub files: usize,
    pub folders: usize,
}

/// The folders walked so far (by identity), and the path each was first walked as.
#[derive(Debug, Default)]
pub struct Visited(HashMap<DirKey, PathBuf>);

#[derive(Debug, PartialEq, Eq, Hash)]
enum DirKey {
    Id(u64, u64),
    Path(PathBuf),
}

impl DirKey {
    fn of(dir: &Path, meta: &std::fs::Metadata) -> DirKey {
        match FileId::of(meta) {
            Some(FileId(dev, ino)) => DirKey::Id(dev, ino),
            None => DirKey::Path(std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf())),
        }
    }
}

/// Walk `root` (a folder). An error only when `root` itself cannot be listed.
pub fn walk(root: &Path, visited: &mut Visited) -> Result<Walked> {
    let mut w = Walked::default();
    let meta = std::fs::metadata(root).with_context(|| format!("{}", root.display()))?;
    if let Some(first) = visited.0.get(&DirKey::of(root, &meta)) {
        w.notes.push(format!(
            "{}: already walked (as {}); read once",
            root.display(),
            first.display()
        ));
        w.repeat = true;
        return Ok(w);
    }
    // the root's own listing failing is an error before anything is read
    std::fs::read_dir(root).with_context(|| format!("{}", root.display()))?;
    let mut stack = vec![(root.to_path_buf(), meta)];
    while let Some((dir, meta)) = stack.pop() {
        let key = DirKey::of(&dir, &meta);
        if let Some(first) = visited.0.get(&key) {
            w.notes.push(if dir.starts_with(first) {
                format!(
                    "{}: a link back to {} (a symlink loop); not walked again",
                    dir.display(),
                    first.display()
                )
            } else {
                format!(
                    "{}: the same folder as {} (a symlink?); walked once",
                    dir.display(),
                    first.display()
                )
            });
            continue;
        }
        visited.0.insert(key, dir.clone());
        w.folders += 1;
        let subdirs = folder(root, &dir, &mut w);
        // depth first, in name order: the first subfolder is on top
        stack.extend(subdirs.into_iter().rev());
    }
    w.hidden.sort();
    Ok(w)
}

/// One folder: its files, sniffed, into `w`; its subfolders returned in name order.
fn folder(root: &Path, dir: &Path, w: &mut Walked) -> Vec<(PathBuf, std::fs::Metadata)> {
    let listing = match std::fs::read_dir(dir) {
        Ok(l) => l,
        Err(e) => {
            w.found.push(Found::Unlisted(dir.to_path_buf(), e));
            return Vec::new();
        }
    };
    // files, and FIFOs, sockets and devices with why they are not read
    let mut files: Vec<(PathBuf, Option<String>)> = Vec::new();
    let mut subdirs = Vec::new();
    for entry in listing {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                w.found.push(Found::Unlisted(dir.to_path_buf(), e));
                break;
            }
        };
        let path = entry.path();
        let hidden = entry.file_name().as_encoded_bytes().starts_with(b".");
        match std::fs::metadata(&path) {
            Ok(m) if hidden => {
                let rel = path.strip_prefix(root).unwrap_or(&path).display();
                w.hidden
                    .push(format!("{rel}{}", if m.is_dir() { "/" } else { "" }));
            }
            Ok(m) if m.is_dir() => subdirs.push((path, m)),
            Ok(m) if m.is_file() => files.push((path, None)),
            Ok(m) => files.push((path, Some(special(&m)))),
            // a dangling or looping symlink, no permission to look: kept, so the scan says why
            Err(_) if hidden => {
                let rel = path.strip_prefix(root).unwrap_or(&path).display();
                w.hidden.push(rel.to_string());
            }
            Err(_) => files.push((path, None)),
        }
    }
    files.sort_by_cached_key(|(p, _)| (set_order(p), p.file_name().map(ToOwned::to_owned)));
    for (p, special) in files {
        w.files += 1;
        if let Some(why) = special {
            w.skipped.push((p, why));
            continue;
        }
        match sniff::file(&p) {
            Verdict::Audit => w.found.push(Found::File(p)),
            // no content to decide by: a log's name says it is an (empty) audit log
            Verdict::Empty if is_log_name(&p) => w.found.push(Found::File(p)),
            Verdict::Empty => w.skipped.push((p, "empty".into())),
            Verdict::Not(why) => w.skipped.push((p, why)),
        }
    }
    subdirs.sort_by(|a, b| a.0.cmp(&b.0));
    subdirs
}

fn is_log_name(p: &Path) -> bool {
    p.file_name()
        .is_some_and(|n| rank(&n.to_string_lossy()).is_some())
}

/// Why a FIFO, socket or device is not read from a folder.
fn special(m: &std::fs::Metadata) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = m.file_type();
        let what = if t.is_fifo() {
            "a FIFO"
        } else if t.is_socket() {
            "a socket"
        } else if t.is_char_device() || t.is_block_device() {
            "a device"
        } else {
            "not a regular file"
        };
        format!("{what} (read once, so not looked into; name it to read it)")
    }
    #[cfg(not(unix))]
    {
        let _ = m;
        "not a regular file (name it to read it)".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EV: &str = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a1","stage":"ResponseComplete","verb":"get","user":{"username":"alice"}}"#;

    fn names(w: &Walked, root: &Path) -> Vec<String> {
        w.found
            .iter()
            .map(|f| match f {
                Found::File(p) => p.strip_prefix(root).unwrap().display().to_string(),
                Found::Unlisted(p, _) => format!("unlisted {}", p.display()),
            })
            .collect()
    }

    #[test]
    fn recursive_sorted_sets_contiguous() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for sub in ["b", "a", "a/z", "a/c"] {
            std::fs::create_dir(d.join(sub)).unwrap();
        }
        let line = format!("{EV}\n");
        for f in [
            "audit.log",
            "audit-2025-02-21T11-23-14.940.log",
            "kube-audit-2025-01-01T00-00-00.000.log",
            "kube-audit.log",
            "export.json",
            "b/x.ndjson",
            "a/audit.log.1",
            "a/audit.log",
            "a/z/noext",
            "a/c/y.jsonl",
        ] {
            std::fs::write(d.join(f), &line).unwrap();
        }
        std::fs::write(d.join("README.md"), "# notes\n").unwrap();
        std::fs::write(d.join("notes.log"), "").unwrap();
        std::fs::write(d.join("empty.json"), "").unwrap();
        std::fs::write(d.join(".hidden.log"), &line).unwrap();
        std::fs::create_dir(d.join(".git")).unwrap();
        std::fs::write(d.join(".git/audit.log"), &line).unwrap();
        let w = walk(d, &mut Visited::default()).unwrap();
        assert_eq!(
            names(&w, d),
            [
                "audit-2025-02-21T11-23-14.940.log",
                "audit.log",
                "export.json",
                "kube-audit-2025-01-01T00-00-00.000.log",
                "kube-audit.log",
                "notes.log",
                "a/audit.log.1",
                "a/audit.log",
                "a/c/y.jsonl",
                "a/z/noext",
                "b/x.ndjson",
            ]
        );
        let skipped: Vec<_> = w
            .skipped
            .iter()
            .map(|(p, why)| format!("{}: {why}", p.strip_prefix(d).unwrap().display()))
            .collect();
        assert_eq!(skipped, ["README.md: not JSON", "empty.json: empty"]);
        assert_eq!(w.hidden, [".git/", ".hidden.log"]);
        assert_eq!((w.folders, w.files), (5, 13));
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_and_repeats_are_walked_once() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("a/b")).unwrap();
        std::fs::write(d.join("a/b/audit.log"), format!("{EV}\n")).unwrap();
        std::os::unix::fs::symlink(d.join("a"), d.join("a/b/up")).unwrap();
        std::os::unix::fs::symlink(d.join("a/b"), d.join("same")).unwrap();
        std::os::unix::fs::symlink("dangling-target", d.join("gone.log")).unwrap();
        std::os::unix::fs::symlink("self", d.join("self")).unwrap();
        let w = walk(d, &mut Visited::default()).unwrap();
        // the dangling and looping links are kept: the scan says why they cannot be read
        assert_eq!(names(&w, d), ["gone.log", "self", "a/b/audit.log"]);
        assert_eq!(w.notes.len(), 2, "{:?}", w.notes);
        let up = format!(
            "{}: a link back to {} (a symlink loop); not walked again",
            d.join("a/b/up").display(),
            d.join("a").display()
        );
        let same = format!(
            "{}: the same folder as {} (a symlink?); walked once",
            d.join("same").display(),
            d.join("a/b").display()
        );
        assert_eq!(w.notes, [up, same]);
    }

    #[cfg(unix)]
    #[test]
    fn an_unlisted_subfolder_is_returned_in_its_place() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("locked")).unwrap();
        std::fs::write(d.join("locked/audit.log"), format!("{EV}\n")).unwrap();
        std::fs::write(d.join("z.log"), format!("{EV}\n")).unwrap();
        std::fs::set_permissions(d.join("locked"), std::fs::Permissions::from_mode(0o000)).unwrap();
        let listable = std::fs::read_dir(d.join("locked")).is_ok(); // root can
        let w = walk(d, &mut Visited::default()).unwrap();
        std::fs::set_permissions(d.join("locked"), std::fs::Permissions::from_mode(0o755)).unwrap();
        if listable {
            assert_eq!(names(&w, d), ["z.log", "locked/audit.log"]);
        } else {
            assert_eq!(
                names(&w, d),
                [
                    "z.log".to_string(),
                    format!("unlisted {}", d.join("locked").display())
                ]
            );
        }
    }
}
