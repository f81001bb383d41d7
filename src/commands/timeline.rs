//! `kaudit timeline`: the story of an incident in time order, one readable sentence per request
//! (`14:58:42.273  eve was denied deleting configmap payments/gateway-settings (403)`), with the
//! date on its own line when it changes, consecutive identical requests collapsed into one line
//! with a count and a time range, and the requests worth a second look marked (`[impersonation]
//! [exec] [anonymous] [rbac] [secret]`). `--context` adds the other requests (any actor) received
//! around each matching one.
//!
//! Time order means holding requests until the input ends, so each is kept as a small [`Entry`]:
//! numbers and ids of interned strings (about 80 bytes), built in the scan's workers and merged
//! in chunk order. Without `--context` only the matching requests are kept; with it, every
//! request is (the filter is applied here, not by the scan). Past `--sort-memory` the entries
//! held are sorted and written to a temporary file as a run, and the runs are merged when the
//! input ends ([`Runs`]): memory stays bounded for any number of requests. Lines are made from
//! the sorted entries one at a time ([`Line`]), so a line of a million alike requests holds
//! only its first and last. Nothing is printed before the input ends: this command does not
//! stream.

use crate::correlate::meaning::DryRun;
use std::borrow::Cow;
use std::io::Write;

use anyhow::{Result, anyhow};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use crate::cli::{Collapse, Format, TimelineArgs};
use crate::commands::{Outcome, outcome, reject_format};
use crate::config::Config;
use crate::correlate::Request;
use crate::event::Ts;
use crate::filter::Filter;
use crate::input;
use crate::render::{self, Cell, Record, Style, Tone, table};
use crate::scan::{self, Flow, Sink};
use crate::term::{Diag, Out, sanitize};

/// CSV columns, and the JSON field names (documented in the README).
pub static CSV: &[&str] = &[
    "time",
    "last",
    "count",
    "actor",
    "user",
    "impersonatedUser",
    "verb",
    "resource",
    "subresource",
    "namespace",
    "name",
    "path",
    "code",
    "incomplete",
    "markers",
    "sentence",
    "context",
    "cluster",
    "apiserver",
    "auditIDs",
];

/// auditIDs listed per collapsed line in JSON and CSV.
const MAX_IDS: usize = 10;

// ---------------------------------------------------------------- markers

const IMPERSONATION: u16 = 1;
const EXEC: u16 = 2;
const ANONYMOUS: u16 = 4;
const RBAC: u16 = 8;
const SECRET: u16 = 16;
/// A dry run: run through admission, nothing stored.
const DRY_RUN: u16 = 32;
/// A delete logged without its body: dry run or not, the log cannot tell.
const DRY_RUN_MAYBE: u16 = 64;
/// Pod Security refused the pod, or would have at its audit level (`audit-violations`).
const PSA: u16 = 128;
/// A ValidatingAdmissionPolicy failed (`validation_failure`).
const VAP: u16 = 256;
/// Authenticated with a legacy (Secret-based) service-account token.
const LEGACY_TOKEN: u16 = 512;
/// A TokenRequest that issued a token (`issued-credential-id`).
const TOKEN_ISSUED: u16 = 1024;
/// A deprecated API version was used (`k8s.io/deprecated`).
const DEPRECATED: u16 = 2048;

/// (bit, name, ANSI color) in the order they are printed.
const MARKERS: [(u16, &str, &str); 12] = [
    (DRY_RUN, "dry-run", "36"),
    (DRY_RUN_MAYBE, "dry-run?", "36"),
    (IMPERSONATION, "impersonation", "35"),
    (EXEC, "exec", "31"),
    (ANONYMOUS, "anonymous", "33"),
    (RBAC, "rbac", "34"),
    (SECRET, "secret", "33"),
    (PSA, "psa", "31"),
    (VAP, "policy", "31"),
    (LEGACY_TOKEN, "legacy-token", "33"),
    (TOKEN_ISSUED, "token-issued", "33"),
    (DEPRECATED, "deprecated", "2"),
];

const WRITE_VERBS: [&str; 5] = ["create", "update", "patch", "delete", "deletecollection"];

/// The markers a request earns: impersonation, exec/attach/port-forward, anonymous (or no user
/// at all), a write to an RBAC object, any access to secrets.
fn markers(r: &Request<'_>) -> u16 {
    let mut m = 0;
    if !r.impersonated_user.is_empty() || r.refused_impersonation().is_some() {
        m |= IMPERSONATION;
    }
    if !r.resource.is_empty() && matches!(&*r.subresource, "exec" | "attach" | "portforward") {
        m |= EXEC;
    }
    if r.user.is_empty()
        || r.user == "system:anonymous"
        || r.impersonated_user == "system:anonymous"
    {
        m |= ANONYMOUS;
    }
    if r.api_group == "rbac.authorization.k8s.io" && WRITE_VERBS.contains(&&*r.verb) {
        m |= RBAC;
    }
    if r.resource == "secrets" {
        m |= SECRET;
    }
    match r.dry_run() {
        DryRun::Query | DryRun::Body => m |= DRY_RUN,
        DryRun::Unknown => m |= DRY_RUN_MAYBE,
        DryRun::No => {}
    }
    for label in r.notable() {
        m |= match label {
            "psa-violations" | "psa-denied" => PSA,
            "vap-failure" => VAP,
            "legacy-token" | "legacy-token-secret" => LEGACY_TOKEN,
            "issued-credential" => TOKEN_ISSUED,
            "deprecated" => DEPRECATED,
            _ => 0,
        };
    }
    m
}

fn marker_names(m: u16) -> impl Iterator<Item = &'static str> {
    MARKERS
        .iter()
        .filter(move |(bit, _, _)| m & bit != 0)
        .map(|(_, name, _)| *name)
}

// ---------------------------------------------------------------- compact requests

/// Interned strings: id 0 is always `""`.
struct Strings {
    ids: FxHashMap<Box<str>, u32>,
    list: Vec<Box<str>>,
    /// About the memory they take (each is kept twice, with a map entry and a list entry).
    bytes: usize,
}

impl Default for Strings {
    fn default() -> Self {
        Strings {
            ids: FxHashMap::default(),
            list: vec!["".into()],
            bytes: 0,
        }
    }
}

impl Strings {
    fn id(&mut self, s: &str) -> u32 {
        if s.is_empty() {
            return 0;
        }
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        let i = self.list.len() as u32;
        self.bytes += 2 * s.len() + 64;
        self.list.push(s.into());
        self.ids.insert(s.into(), i);
        i
    }

    fn id_owned(&mut self, s: Box<str>) -> u32 {
        if s.is_empty() {
            return 0;
        }
        if let Some(&i) = self.ids.get(&*s) {
            return i;
        }
        let i = self.list.len() as u32;
        self.bytes += 2 * s.len() + 64;
        self.list.push(s.clone());
        self.ids.insert(s, i);
        i
    }
}

const MATCHED: u8 = 1;
const INCOMPLETE: u8 = 2;
const CONTEXT: u8 = 4;

/// What the timeline keeps of one request. Strings are ids into a [`Strings`] table (a worker's
/// own until the part is merged, then the sink's); the auditID lives in a shared arena.
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// Received time, µs since the epoch; `i64::MIN` when the log gives none.
    time: i64,
    id_at: u64,
    id_len: u32,
    user: u32,
    imp: u32,
    verb: u32,
    resource: u32,
    sub: u32,
    ns: u32,
    name: u32,
    /// The path of a non-resource request (`/healthz`).
    path: u32,
    /// statusReason (or message) of a failure other than 401/403.
    detail: u32,
    agent: u32,
    ip: u32,
    cluster: u32,
    apiserver: u32,
    /// HTTP code, -1 when none.
    code: i32,
    marks: u16,
    flags: u8,
}

impl Entry {
    fn new(r: &Request<'_>, s: &mut Strings, ids: &mut String, matched: bool) -> Entry {
        let detail: &str = match r.code {
            // a refused impersonation is logged as the sender's own request: the message says so
            Some(403) if r.refused_impersonation().is_some() => &r.status_message,
            Some(c) if c >= 400 && c != 401 && c != 403 => {
                if r.status_reason.is_empty() {
                    &r.status_message
                } else {
                    &r.status_reason
                }
            }
            _ => "",
        };
        let path = if r.resource.is_empty() {
            r.request_uri.split('?').next().unwrap_or("")
        } else {
            ""
        };
        let id_at = ids.len() as u64;
        ids.push_str(&r.audit_id);
        let mut flags = 0;
        if matched {
            flags |= MATCHED;
        }
        if r.incomplete() {
            flags |= INCOMPLETE;
        }
        Entry {
            time: r.time().map_or(i64::MIN, |t| t.0),
            id_at,
            id_len: r.audit_id.len() as u32,
            user: s.id(&r.user),
            imp: s.id(&r.impersonated_user),
            verb: s.id(&r.verb),
            resource: s.id(&r.resource),
            sub: s.id(&r.subresource),
            ns: s.id(&r.namespace),
            name: s.id(&r.name),
            path: s.id(path),
            detail: s.id(detail),
            agent: s.id(&r.user_agent),
            ip: s.id(r.source_ips.first().map_or("", |ip| ip)),
            cluster: s.id(&r.cluster),
            apiserver: s.id(&r.apiserver),
            code: r
                .code
                .map_or(-1, |c| c.clamp(0, i64::from(i32::MAX)) as i32),
            marks: markers(r),
            flags,
        }
    }

    fn remap(&mut self, map: &[u32]) {
        for f in [
            &mut self.user,
            &mut self.imp,
            &mut self.verb,
            &mut self.resource,
            &mut self.sub,
            &mut self.ns,
            &mut self.name,
            &mut self.path,
            &mut self.detail,
            &mut self.agent,
            &mut self.ip,
            &mut self.cluster,
            &mut self.apiserver,
        ] {
            *f = map[*f as usize];
        }
    }

    /// The timeline's order: received time, then what the entry says (auditID, then each
    /// field's text), so that requests of the same microsecond come in the same order every
    /// run. Not the order requests were handed over, nor string ids: both follow the threads,
    /// the chunks and the input path (a request that crosses a chunk reaches the sink later).
    /// Entries equal here print the same.
    fn order(&self, o: &Entry, s: &Strings, ids: &str) -> std::cmp::Ordering {
        let id = |e: &Entry| &ids[e.id_at as usize..e.id_at as usize + e.id_len as usize];
        let text = |e: &Entry| {
            [
                e.user,
                e.imp,
                e.verb,
                e.resource,
                e.sub,
                e.ns,
                e.name,
                e.path,
                e.detail,
                e.agent,
                e.ip,
                e.cluster,
                e.apiserver,
            ]
            .map(|i| &*s.list[i as usize])
        };
        self.time
            .cmp(&o.time)
            .then_with(|| id(self).cmp(id(o)))
            .then_with(|| text(self).cmp(&text(o)))
            .then_with(|| (self.code, self.marks, self.flags).cmp(&(o.code, o.marks, o.flags)))
    }

    /// The string fields in the order [`Entry::order`] compares them.
    fn texts(&self) -> impl Iterator<Item = u32> {
        [
            self.user,
            self.imp,
            self.verb,
            self.resource,
            self.sub,
            self.ns,
            self.name,
            self.path,
            self.detail,
            self.agent,
            self.ip,
            self.cluster,
            self.apiserver,
        ]
        .into_iter()
    }

    fn matched(&self) -> bool {
        self.flags & MATCHED != 0
    }

    fn incomplete(&self) -> bool {
        self.flags & INCOMPLETE != 0
    }

    fn context(&self) -> bool {
        self.flags & CONTEXT != 0
    }

    /// Same line: everything the sentence and markers say; with `--collapse kind`, whatever the
    /// namespace, name or (non-resource) path.
    fn same(&self, o: &Entry, mode: Collapse) -> bool {
        let object = mode == Collapse::Kind
            || (self.ns == o.ns && self.name == o.name && self.path == o.path);
        object
            && self.user == o.user
            && self.imp == o.imp
            && self.verb == o.verb
            && self.resource == o.resource
            && self.sub == o.sub
            && self.code == o.code
            && self.detail == o.detail
            && self.marks == o.marks
            // one line is one cluster's and API server's
            && self.cluster == o.cluster
            && self.apiserver == o.apiserver
            && self.flags & (INCOMPLETE | CONTEXT) == o.flags & (INCOMPLETE | CONTEXT)
            // requests with no time (listed first, under their own heading) never share a line
            // with timed ones: "x4 until 10:00:01" would give them a time they do not have
            && (self.time == i64::MIN) == (o.time == i64::MIN)
            // an unauthenticated client is named by its address
            && (self.user != 0 || self.ip == o.ip)
    }
}

/// A worker's entries, with its own string table and auditID arena.
#[derive(Default)]
pub struct Batch {
    strings: Strings,
    ids: String,
    entries: Vec<Entry>,
}

impl Batch {
    fn push(&mut self, r: &Request<'_>, matched: bool) {
        let e = Entry::new(r, &mut self.strings, &mut self.ids, matched);
        self.entries.push(e);
    }
}

/// Memory for the requests held to be put in time order (`--sort-memory`), past which they are
/// sorted in runs written to temporary files and merged when the input ends.
pub const SORT_MEMORY: usize = 32 << 20;

/// The sink: entries in the order requests were handed over. `CONTEXT`: every request is kept
/// (and the filter applied here). Past `budget` bytes the entries are sorted and written out as
/// a run ([`Runs`]), and the sink starts again empty.
struct Keep<'f, const CONTEXT: bool> {
    filter: &'f Filter,
    strings: Strings,
    ids: String,
    entries: Vec<Entry>,
    matched: u64,
    /// Matching requests with no readable time.
    untimed: u64,
    /// With `CONTEXT`: the times of the matching requests that have one.
    hits: Vec<i64>,
    budget: usize,
    runs: Runs,
    /// A run could not be written: the first error, reported when the scan ends.
    error: Option<anyhow::Error>,
}

impl<const CTX: bool> Keep<'_, CTX> {
    fn held(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<Entry>()
            + self.ids.capacity()
            + self.strings.bytes
    }

    fn counted(&mut self, e: &Entry) {
        if e.matched() {
            self.matched += 1;
            if e.time == i64::MIN {
                self.untimed += 1;
            } else if CTX {
                self.hits.push(e.time);
            }
        }
    }

    /// Sort what is held and write it out as a run, when it is over the budget (or `all`).
    fn spill(&mut self, all: bool) {
        if self.error.is_some() {
            // the answer is lost already: hold nothing more
            self.entries.clear();
            return;
        }
        if self.entries.is_empty() || (!all && self.held() <= self.budget) {
            return;
        }
        let (strings, ids) = (&self.strings, &self.ids);
        self.entries.sort_by(|a, b| a.order(b, strings, ids));
        if let Err(e) = self.runs.write(&self.entries, strings, ids) {
            self.error = Some(e);
        }
        self.entries = Vec::new();
        self.strings = Strings::default();
        self.ids = String::new();
    }
}

impl<const CTX: bool> Sink for Keep<'_, CTX> {
    type Part = Batch;
    const PREFILTER: bool = !CTX;
    const FILTERED: bool = !CTX;

    fn part(&self) -> Batch {
        Batch::default()
    }

    const FOLDS: bool = true;
    fn fold(part: &mut Batch, r: &Request<'_>) -> bool {
        part.push(r, true);
        true
    }

    fn fold_unfiltered(part: &mut Batch, r: &Request<'_>, filter: &Filter) -> bool {
        part.push(r, filter.matches(r));
        true
    }

    fn absorb(&mut self, part: Batch) {
        if part.entries.is_empty() {
            return;
        }
        let map: Vec<u32> = part
            .strings
            .list
            .into_iter()
            .map(|s| self.strings.id_owned(s))
            .collect();
        let base = self.ids.len() as u64;
        self.ids.push_str(&part.ids);
        self.entries.reserve(part.entries.len());
        for mut e in part.entries {
            e.remap(&map);
            e.id_at += base;
            self.counted(&e);
            self.entries.push(e);
        }
        self.spill(false);
    }

    fn request(&mut self, r: Request<'_>) -> Result<Flow> {
        let matched = !CTX || self.filter.matches(&r);
        let e = Entry::new(&r, &mut self.strings, &mut self.ids, matched);
        self.counted(&e);
        self.entries.push(e);
        self.spill(false);
        Ok(Flow::More)
    }
}

/// What the scan left: the entries in received-time order, held or in runs to merge.
struct Story {
    strings: Strings,
    ids: String,
    /// Sorted; empty when `runs` has them.
    entries: Vec<Entry>,
    runs: Runs,
    matched: u64,
    untimed: u64,
    /// Sorted times of the matching requests (with `--context`).
    hits: Vec<i64>,
}

fn collect<const CTX: bool>(
    inputs: &[input::InputFile],
    cfg: &Config,
    diag: &Diag,
    budget: usize,
) -> Result<(scan::ScanStats, Story)> {
    let mut keep = Keep::<CTX> {
        filter: &cfg.filter,
        strings: Strings::default(),
        ids: String::new(),
        entries: Vec::new(),
        matched: 0,
        untimed: 0,
        hits: Vec::new(),
        budget,
        runs: Runs::default(),
        error: None,
    };
    let stats = scan::run(inputs, cfg, false, diag, &mut keep)?;
    if !keep.runs.is_empty() {
        keep.spill(true);
    }
    if let Some(e) = keep.error.take() {
        return Err(e);
    }
    let mut entries = std::mem::take(&mut keep.entries);
    let (strings, ids) = (&keep.strings, &keep.ids);
    entries.sort_by(|a, b| a.order(b, strings, ids));
    keep.hits.sort_unstable();
    Ok((
        stats,
        Story {
            strings: keep.strings,
            ids: keep.ids,
            entries,
            runs: keep.runs,
            matched: keep.matched,
            untimed: keep.untimed,
            hits: keep.hits,
        },
    ))
}

// ---------------------------------------------------------------- runs on disk

/// Sorted runs of entries in temporary files (`$TMPDIR`), each entry with its strings written
/// out, merged back in order when the input ends.
#[derive(Default)]
struct Runs {
    /// Each run's file, entries, and level (how many merges made it).
    files: Vec<(std::fs::File, u64, u32)>,
}

/// Strings of a written entry: the auditID, then the fields [`Entry::order`] compares.
const REC_STRINGS: usize = 14;

/// Bytes of strings held for the lines made from runs before their table starts again.
const LINE_STRINGS: usize = 16 << 20;

/// Runs of one level merged into one of the next (each holds a file open while merging).
const FAN_IN: usize = 128;

impl Runs {
    fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    fn write(&mut self, entries: &[Entry], s: &Strings, ids: &str) -> Result<()> {
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
    fn merge(self) -> Merge {
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
struct Rec {
    time: i64,
    code: i32,
    marks: u16,
    flags: u8,
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
    fn entry(&self, s: &mut Strings, ids: &mut String, with_id: bool) -> Entry {
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
struct Merge {
    runs: Vec<(std::io::BufReader<std::fs::File>, u64)>,
    heap: std::collections::BinaryHeap<Head>,
    error: Option<std::io::Error>,
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
    fn next(&mut self, done: Option<(Rec, usize)>) -> Option<(Rec, usize)> {
        if let Some((rec, i)) = done {
            self.refill(i, rec);
        }
        self.heap.pop().map(|Head(rec, i)| (rec, i))
    }
}

/// Keep the matching entries, and the others received within `window` µs of one of them
/// (marked as context). `entries` is in time order. A request with no time is near nothing:
/// kept if it matches, never context, and never a reason to keep one.
fn with_context(entries: &mut Vec<Entry>, window: i64) {
    let hits: Vec<i64> = entries
        .iter()
        .filter(|e| e.matched() && e.time != i64::MIN)
        .map(|e| e.time)
        .collect();
    let mut j = 0;
    entries.retain_mut(|e| {
        if e.matched() {
            return true;
        }
        if e.time == i64::MIN {
            return false;
        }
        let from = e.time.saturating_sub(window);
        while j < hits.len() && hits[j] < from {
            j += 1;
        }
        let near = j < hits.len() && hits[j] <= e.time.saturating_add(window);
        if near {
            e.flags |= CONTEXT;
        }
        near
    });
}

/// Consecutive entries that make one line: `[start, end)` ranges.
#[cfg(test)]
fn lines(entries: &[Entry], mode: Collapse) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        match out.last_mut() {
            Some((s, end)) if mode != Collapse::None && entries[*s].same(e, mode) => *end = i + 1,
            _ => out.push((i, i + 1)),
        }
    }
    out
}

// ---------------------------------------------------------------- sentences

/// Built-in kinds: (plural, singular, cluster-scoped).
const KINDS: &[(&str, &str, bool)] = &[
    ("pods", "pod", false),
    ("services", "service", false),
    ("configmaps", "configmap", false),
    ("secrets", "secret", false),
    ("serviceaccounts", "serviceaccount", false),
    ("namespaces", "namespace", true),
    ("nodes", "node", true),
    ("events", "event", false),
    ("endpoints", "endpoints", false),
    ("persistentvolumes", "persistentvolume", true),
    ("persistentvolumeclaims", "persistentvolumeclaim", false),
    ("replicationcontrollers", "replicationcontroller", false),
    ("resourcequotas", "resourcequota", false),
    ("limitranges", "limitrange", false),
    ("podtemplates", "podtemplate", false),
    ("componentstatuses", "componentstatus", true),
    ("bindings", "binding", false),
    ("deployments", "deployment", false),
    ("replicasets", "replicaset", false),
    ("statefulsets", "statefulset", false),
    ("daemonsets", "daemonset", false),
    ("controllerrevisions", "controllerrevision", false),
    ("jobs", "job", false),
    ("cronjobs", "cronjob", false),
    ("horizontalpodautoscalers", "horizontalpodautoscaler", false),
    ("ingresses", "ingress", false),
    ("ingressclasses", "ingressclass", true),
    ("networkpolicies", "networkpolicy", false),
    ("poddisruptionbudgets", "poddisruptionbudget", false),
    ("podsecuritypolicies", "podsecuritypolicy", true),
    ("roles", "role", false),
    ("rolebindings", "rolebinding", false),
    ("clusterroles", "clusterrole", true),
    ("clusterrolebindings", "clusterrolebinding", true),
    (
        "customresourcedefinitions",
        "customresourcedefinition",
        true,
    ),
    ("storageclasses", "storageclass", true),
    ("volumeattachments", "volumeattachment", true),
    ("csidrivers", "csidriver", true),
    ("csinodes", "csinode", true),
    (
        "certificatesigningrequests",
        "certificatesigningrequest",
        true,
    ),
    ("priorityclasses", "priorityclass", true),
    ("leases", "lease", false),
    ("endpointslices", "endpointslice", false),
    ("runtimeclasses", "runtimeclass", true),
    (
        "mutatingwebhookconfigurations",
        "mutatingwebhookconfiguration",
        true,
    ),
    (
        "validatingwebhookconfigurations",
        "validatingwebhookconfiguration",
        true,
    ),
    ("apiservices", "apiservice", true),
    ("flowschemas", "flowschema", true),
    (
        "prioritylevelconfigurations",
        "prioritylevelconfiguration",
        true,
    ),
    ("tokenreviews", "tokenreview", true),
    ("subjectaccessreviews", "subjectaccessreview", true),
    ("selfsubjectaccessreviews", "selfsubjectaccessreview", true),
    ("selfsubjectrulesreviews", "selfsubjectrulesreview", true),
    (
        "localsubjectaccessreviews",
        "localsubjectaccessreview",
        false,
    ),
];

/// `secrets` → (`secret`, namespaced); unknown kinds lose a trailing `s` (`ies` → `y`).
fn kind(plural: &str) -> (Cow<'_, str>, bool) {
    if let Some((_, one, cluster)) = KINDS.iter().find(|(p, _, _)| *p == plural) {
        return (Cow::Borrowed(one), *cluster);
    }
    let one = if let Some(stem) = plural.strip_suffix("ies") {
        Cow::Owned(format!("{stem}y"))
    } else if let Some(stem) = plural.strip_suffix('s') {
        Cow::Borrowed(stem)
    } else {
        Cow::Borrowed(plural)
    };
    (one, false)
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// How a verb reads: done, being done (denied, started), to be done (failed, rejected).
struct Forms {
    past: Cow<'static, str>,
    ing: Cow<'static, str>,
    inf: Cow<'static, str>,
}

fn forms(verb: &str, sub: &str, resource_request: bool) -> Forms {
    let f = |past: &'static str, ing: &'static str, inf: &'static str| Forms {
        past: past.into(),
        ing: ing.into(),
        inf: inf.into(),
    };
    if !resource_request {
        return f("requested", "requesting", "request");
    }
    match sub {
        // a 101 (or 200) says the stream was opened, not that a command ran in it
        "exec" => {
            return f(
                "opened an exec stream into",
                "opening an exec stream into",
                "open an exec stream into",
            );
        }
        "attach" => {
            return f(
                "opened an attach stream to",
                "opening an attach stream to",
                "open an attach stream to",
            );
        }
        "portforward" => {
            return f(
                "opened a port-forward to",
                "opening a port-forward to",
                "open a port-forward to",
            );
        }
        "log" => return f("read logs of", "reading logs of", "read logs of"),
        "proxy" => return f("proxied to", "proxying to", "proxy to"),
        // a TokenRequest (serviceaccounts/token) mints a credential; it creates no account
        "token" => {
            return f(
                "requested a token for",
                "requesting a token for",
                "request a token for",
            );
        }
        "eviction" => return f("evicted", "evicting", "evict"),
        _ => {}
    }
    match verb {
        "get" => f("read", "getting", "get"),
        "list" => f("listed", "listing", "list"),
        "watch" => f("watched", "watching", "watch"),
        "create" => f("created", "creating", "create"),
        "update" => f("updated", "updating", "update"),
        "patch" => f("patched", "patching", "patch"),
        "delete" => f("deleted", "deleting", "delete"),
        "deletecollection" => f("deleted all", "deleting all", "delete all"),
        other => Forms {
            past: format!("performed {other} on").into(),
            ing: format!("performing {other} on").into(),
            inf: format!("perform {other} on").into(),
        },
    }
}

/// Subresources that are their own verb phrase (`exec'd into pod ...`).
fn action_sub(sub: &str) -> bool {
    matches!(
        sub,
        "exec" | "attach" | "portforward" | "log" | "proxy" | "token" | "eviction"
    )
}

/// A sentence being built: its text, and where the values from the log are (they are what
/// gives way when a line must fit a terminal).
#[derive(Default)]
struct Words {
    buf: String,
    vals: Vec<(usize, usize)>,
    /// The `(403)` at the end, for coloring.
    code: (usize, usize),
}

impl Words {
    fn lit(&mut self, s: &str) {
        self.buf.push_str(s);
    }
    fn val(&mut self, s: &str) {
        let a = self.buf.len();
        self.buf.push_str(s);
        self.vals.push((a, self.buf.len()));
    }
    fn clear(&mut self) {
        self.buf.clear();
        self.vals.clear();
        self.code = (0, 0);
    }

    /// The sentence in at most `max` columns: the longest values are cut in the middle first,
    /// down to 12 columns each; verbs and kinds are never cut.
    fn fitted(&self, max: usize) -> Cow<'_, str> {
        const MIN: usize = 12;
        let total = table::width(&self.buf);
        if total <= max || self.vals.is_empty() {
            return Cow::Borrowed(&self.buf);
        }
        let mut w: Vec<usize> = self
            .vals
            .iter()
            .map(|&(a, b)| table::width(&self.buf[a..b]))
            .collect();
        let mut excess = total - max;
        while excess > 0 {
            let Some(i) = (0..w.len()).filter(|&i| w[i] > MIN).max_by_key(|&i| w[i]) else {
                break;
            };
            let second = (0..w.len())
                .filter(|&k| k != i)
                .map(|k| w[k])
                .max()
                .unwrap_or(0);
            let floor = second.max(MIN).max(w[i].saturating_sub(excess));
            let give = if floor < w[i] { w[i] - floor } else { 1 };
            let give = give.min(w[i] - MIN).min(excess);
            w[i] -= give;
            excess -= give;
        }
        let mut out = String::with_capacity(self.buf.len());
        let mut at = 0;
        for (k, &(a, b)) in self.vals.iter().enumerate() {
            out.push_str(&self.buf[at..a]);
            let v = &self.buf[a..b];
            if table::width(v) > w[k] {
                out.push_str(&table::elide_middle(v, w[k]));
            } else {
                out.push_str(v);
            }
            at = b;
        }
        out.push_str(&self.buf[at..]);
        Cow::Owned(out)
    }
}

/// How many objects a collapsed `--collapse kind` line covers.
struct Spread {
    /// Distinct named objects (paths, for non-resource requests).
    objects: usize,
    /// Distinct namespaces.
    namespaces: Vec<u32>,
    /// Some request was on a namespaced kind without a namespace (all namespaces).
    all: bool,
}

/// Strings resolved for one output: sanitized for tables, exact for machines.
struct View<'s> {
    text: &'s [Cow<'s, str>],
    ids: &'s str,
}

impl View<'_> {
    fn s(&self, id: u32) -> &str {
        &self.text[id as usize]
    }

    fn audit_id(&self, e: &Entry) -> &str {
        let a = e.id_at as usize;
        self.ids.get(a..a + e.id_len as usize).unwrap_or("")
    }

    /// `ops-admin as eve`; `unauthenticated client 10.0.0.7` for a request without a user.
    fn actor(&self, w: &mut Words, e: &Entry) {
        if e.user == 0 {
            w.lit("unauthenticated client");
            if e.ip != 0 {
                w.lit(" ");
                w.val(self.s(e.ip));
            }
            return;
        }
        w.val(self.s(e.user));
        if e.imp != 0 {
            w.lit(" as ");
            w.val(self.s(e.imp));
        }
    }

    /// The object of the sentence for one request (or identical ones).
    fn object(&self, w: &mut Words, e: &Entry) {
        if e.resource == 0 {
            self.method(w, e);
            w.val(self.s(e.path));
            return;
        }
        let plural = self.s(e.resource);
        let (one, cluster) = kind(plural);
        let (ns, name) = (self.s(e.ns), self.s(e.name));
        let verb = self.s(e.verb);
        let collection = matches!(verb, "list" | "watch" | "deletecollection");
        if name.is_empty() && collection {
            w.lit(plural);
            self.place(w, &[e.ns], ns.is_empty() && !cluster);
        } else if name.is_empty() {
            // a create whose name is only in the body
            w.lit(article(&one));
            w.lit(" ");
            w.lit(&one);
            if !ns.is_empty() {
                w.lit(" in namespace ");
                w.val(ns);
            }
        } else {
            w.lit(&one);
            w.lit(" ");
            if !ns.is_empty() && plural != "namespaces" {
                w.val(ns);
                w.lit("/");
            }
            w.val(name);
        }
        self.suffix(w, e);
    }

    /// `GET ` for a non-resource request.
    fn method(&self, w: &mut Words, e: &Entry) {
        w.lit(&self.s(e.verb).to_ascii_uppercase());
        w.lit(" ");
    }

    /// The object of a `--collapse kind` line over several objects.
    fn objects(&self, w: &mut Words, e: &Entry, s: &Spread) {
        if e.resource == 0 {
            // `GET /api and 39 more paths`
            self.method(w, e);
            w.val(self.s(e.path));
            w.lit(" and ");
            w.lit(&(s.objects - 1).to_string());
            w.lit(if s.objects == 2 {
                " more path"
            } else {
                " more paths"
            });
            return;
        }
        let plural = self.s(e.resource);
        let (_, cluster) = kind(plural);
        if s.objects > 1 {
            w.lit(&s.objects.to_string());
            w.lit(" ");
        }
        w.lit(plural);
        if plural != "namespaces" {
            self.place(w, &s.namespaces, s.all && !cluster);
        }
        self.suffix(w, e);
    }

    /// ` in namespace payments`, ` in 7 namespaces`, ` in all namespaces`.
    fn place(&self, w: &mut Words, namespaces: &[u32], all: bool) {
        let named: Vec<u32> = namespaces.iter().copied().filter(|&n| n != 0).collect();
        if all {
            w.lit(" in all namespaces");
            if !named.is_empty() {
                w.lit(" and");
            }
        }
        match named.len() {
            0 => {}
            1 => {
                w.lit(" in namespace ");
                w.val(self.s(named[0]));
            }
            n => {
                w.lit(" in ");
                w.lit(&n.to_string());
                w.lit(" namespaces");
            }
        }
    }

    /// ` (status)` for a subresource that is not its own verb phrase.
    fn suffix(&self, w: &mut Words, e: &Entry) {
        let sub = self.s(e.sub);
        if !sub.is_empty() && !action_sub(sub) {
            w.lit(" (");
            w.val(sub);
            w.lit(")");
        }
    }

    /// The sentence for one line, whose requests are identical but for the time (or for
    /// namespace and name with `--collapse kind`).
    fn sentence(&self, w: &mut Words, line: &Line) {
        let e = &line.first;
        // an apply or PUT answered 201 created its object
        let verb = match self.s(e.verb) {
            "patch" | "update" if e.code == 201 => "create",
            v => v,
        };
        let f = forms(verb, self.s(e.sub), e.resource != 0);
        let spread = line.spread();
        let object = |w: &mut Words| match &spread {
            Some(s) => self.objects(w, e, s),
            None => self.object(w, e),
        };
        self.actor(w, e);
        if e.incomplete() {
            w.lit(" started ");
            w.lit(&f.ing);
            w.lit(" ");
            object(w);
            let a = w.buf.len() + 1;
            w.lit(" (incomplete)");
            w.code = (a, w.buf.len());
            return;
        }
        match e.code {
            401 => {
                w.lit(" was rejected: ");
                w.lit(&f.inf);
                w.lit(" ");
                object(w);
            }
            403 => {
                w.lit(" was denied ");
                w.lit(&f.ing);
                w.lit(" ");
                object(w);
                if e.detail != 0 {
                    w.lit(": ");
                    w.val(self.s(e.detail));
                }
            }
            c if c >= 400 => {
                w.lit(" failed to ");
                w.lit(&f.inf);
                w.lit(" ");
                object(w);
                if e.detail != 0 {
                    w.lit(": ");
                    w.val(self.s(e.detail));
                }
            }
            _ if e.marks & DRY_RUN != 0 => {
                w.lit(" would have ");
                w.lit(&f.past);
                w.lit(" ");
                object(w);
                w.lit(" (dry run: nothing stored)");
            }
            _ => {
                w.lit(" ");
                w.lit(&f.past);
                w.lit(" ");
                object(w);
            }
        }
        let a = w.buf.len() + 1;
        if e.code < 0 {
            w.lit(" (no status)");
        } else {
            w.lit(" (");
            w.lit(&e.code.to_string());
            w.lit(")");
        }
        w.code = (a, w.buf.len());
    }
}

const F_IMP: u8 = 1;
const F_RESOURCE: u8 = 2;
const F_SUB: u8 = 4;
const F_NS: u8 = 8;
const F_NAME: u8 = 16;
const F_PATH: u8 = 32;

/// One line of the timeline, made from its requests as they come (there may be millions, all
/// alike): the first and last, how many, the first auditIDs, which fields differ among them,
/// and for a line over several objects (`--collapse kind`) what it covers.
struct Line {
    first: Entry,
    last: Entry,
    count: usize,
    /// The first [`MAX_IDS`] requests (for their auditIDs).
    listed: Vec<Entry>,
    /// `F_*` bits of the fields whose value is not the first request's somewhere in the line.
    differs: u8,
    /// Distinct paths (non-resource requests), once the line covers several objects.
    paths: FxHashSet<u32>,
    /// Distinct named objects, once the line covers several.
    objects: FxHashSet<(u32, u32)>,
    /// Distinct namespaces in the order they came, once the line covers several objects.
    namespaces: Vec<u32>,
    seen: FxHashSet<u32>,
    /// Some request was on a namespaced kind without a namespace (all namespaces).
    all: bool,
}

impl Line {
    fn new(e: Entry) -> Line {
        Line {
            first: e,
            last: e,
            count: 1,
            listed: vec![e],
            differs: 0,
            paths: FxHashSet::default(),
            objects: FxHashSet::default(),
            namespaces: Vec::new(),
            seen: FxHashSet::default(),
            all: false,
        }
    }

    /// The line of `group` (not empty), as [`Line::add`] makes it.
    #[cfg(test)]
    fn of(group: &[Entry]) -> Line {
        let mut l = Line::new(group[0]);
        for e in &group[1..] {
            l.add(*e);
        }
        l
    }

    fn add(&mut self, e: Entry) {
        self.count += 1;
        self.last = e;
        if self.listed.len() < MAX_IDS {
            self.listed.push(e);
        }
        let f = &self.first;
        let mut d = 0;
        for (bit, a, b) in [
            (F_IMP, f.imp, e.imp),
            (F_RESOURCE, f.resource, e.resource),
            (F_SUB, f.sub, e.sub),
            (F_NS, f.ns, e.ns),
            (F_NAME, f.name, e.name),
            (F_PATH, f.path, e.path),
        ] {
            if a != b {
                d |= bit;
            }
        }
        let object = F_NS | F_NAME | F_PATH;
        if self.differs & object == 0 && d & object != 0 {
            // the first request of another object: until now, every one was on the first's
            let first = self.first;
            self.cover(&first);
        }
        self.differs |= d;
        if self.differs & object != 0 {
            self.cover(&e);
        }
    }

    fn cover(&mut self, g: &Entry) {
        self.paths.insert(g.path);
        if g.name != 0 {
            self.objects.insert((g.ns, g.name));
        }
        if g.ns == 0 {
            self.all = true;
        } else if self.seen.insert(g.ns) {
            self.namespaces.push(g.ns);
        }
    }

    /// For a line whose requests differ in namespace, name or path: what they cover.
    fn spread(&self) -> Option<Spread> {
        if self.differs & (F_NS | F_NAME | F_PATH) == 0 {
            return None;
        }
        if self.first.resource == 0 {
            return Some(Spread {
                objects: self.paths.len(),
                namespaces: Vec::new(),
                all: false,
            });
        }
        Some(Spread {
            objects: self.objects.len(),
            namespaces: self.namespaces.clone(),
            all: self.all,
        })
    }

    /// The id of a string field shared by every request of the line; `None` when empty or
    /// when the requests differ (`--collapse kind`).
    fn common(&self, bit: u8, id: u32) -> Option<u32> {
        (id != 0 && self.differs & bit == 0).then_some(id)
    }
}

// ---------------------------------------------------------------- time

/// Day number and time of day for people, in UTC or the local zone.
struct Clock {
    tz: Option<jiff::tz::TimeZone>,
}

impl Clock {
    /// (day since the epoch, µs into the day, offset label) of `t`.
    fn split(&self, t: i64) -> (i64, i64, Option<i32>) {
        let off = match &self.tz {
            Some(tz) => jiff::Timestamp::from_microsecond(t)
                .map(|ts| tz.to_offset(ts).seconds())
                .ok(),
            None => None,
        };
        let shifted = t + i64::from(off.unwrap_or(0)) * 1_000_000;
        (
            shifted.div_euclid(86_400_000_000),
            shifted.rem_euclid(86_400_000_000),
            off,
        )
    }

    fn time_of_day(buf: &mut String, us: i64) {
        use std::fmt::Write as _;
        let ms = us / 1000;
        let _ = write!(
            buf,
            "{:02}:{:02}:{:02}.{:03}",
            ms / 3_600_000,
            ms / 60_000 % 60,
            ms / 1000 % 60,
            ms % 1000
        );
    }

    fn date(day: i64) -> String {
        Ts(day * 86_400_000_000).rfc3339()[..10].to_string()
    }

    /// `2026-11-21 (UTC)`, `2026-11-21 (local, +01:00)`.
    fn date_line(&self, t: i64) -> String {
        if t == i64::MIN {
            return "(no time in the log)".into();
        }
        let (day, _, off) = self.split(t);
        match off {
            None => format!("{} (UTC)", Self::date(day)),
            Some(o) => {
                let sign = if o < 0 { '-' } else { '+' };
                let o = o.abs();
                format!(
                    "{} (local, {sign}{:02}:{:02})",
                    Self::date(day),
                    o / 3600,
                    o / 60 % 60
                )
            }
        }
    }

    /// `14:58:42.273`, or with the date when `full`.
    fn write(&self, buf: &mut String, t: i64, full: bool) {
        if t == i64::MIN {
            buf.push_str(if full {
                "-                      "
            } else {
                "-           "
            });
            return;
        }
        let (day, us, _) = self.split(t);
        if full {
            buf.push_str(&Self::date(day));
            buf.push(' ');
        }
        Self::time_of_day(buf, us);
    }

    /// What a date line changes on: the day and the offset.
    fn key(&self, t: i64) -> (i64, Option<i32>) {
        if t == i64::MIN {
            return (i64::MIN, None);
        }
        let (day, _, off) = self.split(t);
        (day, off)
    }
}

// ---------------------------------------------------------------- output

pub fn run(args: &TimelineArgs, cfg: &Config, diag: &Diag, out: &mut Out) -> Result<Outcome> {
    let format = args.output.output;
    if format == Format::Raw {
        reject_format(format, "timeline")?;
    }
    let window = match &args.context {
        None => None,
        Some(s) => Some(crate::filter::parse_duration(s.trim()).ok_or_else(|| {
            anyhow!(
                "--context: cannot read {s:?} as a duration; use a number and a unit ms, s, m, h, d (example: --context 30s or --context 500ms)"
            )
        })?),
    };
    let mut notes = Vec::new();
    let inputs = input::expand(&args.input.paths, &mut notes)?;
    for n in &notes {
        diag.note(n);
    }
    let budget = args.sort_memory.unwrap_or(SORT_MEMORY);
    let (stats, mut story) = match window {
        None => collect::<false>(&inputs, cfg, diag, budget)?,
        Some(_) => collect::<true>(&inputs, cfg, diag, budget)?,
    };
    if story.untimed > 0 {
        diag.note(&format!(
            "{} request(s) have no readable time: listed first, under \"(no time in the log)\", never on a line with timed requests and never as --context",
            render::thousands(story.untimed)
        ));
    }
    let style = Style::new(cfg, &args.output);
    let clock = Clock {
        tz: cfg.local.then(jiff::tz::TimeZone::system),
    };
    let mut p = Printer {
        narrative: matches!(format, Format::Table | Format::Wide).then(|| Narrative {
            clock: &clock,
            style: &style,
            wide: format == Format::Wide,
            context: window.is_some(),
            day: None,
            words: Words::default(),
            buf: String::new(),
        }),
        rows: match format {
            Format::Csv => {
                let header = render::flat::flatten(&JsonLine::default())?.keys;
                Some(render::Writer::new(format, &[], &[], header, style, false))
            }
            _ => None,
        },
        array: format == Format::Json,
        buf: Vec::with_capacity(1 << 16),
        stamps: Stamps::default(),
        words: Words::default(),
        written: 0,
        limit: args.output.limit,
    };
    let sanitized = p.narrative.is_some();
    // the strings as shown: sanitized for people, exact for machines
    let shown = |s: &str| -> Cow<'static, str> {
        if sanitized {
            Cow::Owned(sanitize(s).into_owned())
        } else {
            Cow::Owned(s.to_string())
        }
    };
    let mode = args.collapse;
    let joins = |line: &Line, e: &Entry| mode != Collapse::None && line.first.same(e, mode);
    if story.runs.is_empty() {
        if let Some(w) = window {
            with_context(&mut story.entries, w);
        }
        let text: Vec<Cow<str>> = story
            .strings
            .list
            .iter()
            .map(|s| {
                if sanitized {
                    sanitize(s)
                } else {
                    Cow::Borrowed(&**s)
                }
            })
            .collect();
        let view = View {
            text: &text,
            ids: &story.ids,
        };
        let mut line: Option<Line> = None;
        for e in &story.entries {
            match &mut line {
                Some(l) if joins(l, e) => l.add(*e),
                _ => {
                    if let Some(l) = line.take()
                        && !p.line(out, &view, &l)?
                    {
                        break;
                    }
                    line = Some(Line::new(*e));
                }
            }
        }
        if let Some(l) = line {
            p.line(out, &view, &l)?;
        }
    } else {
        // merged from the runs: the strings of the lines in a table of their own (and as
        // shown), let go of at a line's end once it holds LINE_STRINGS bytes
        let mut merge = std::mem::take(&mut story.runs).merge();
        let mut near = Near::new(&story.hits, window);
        let (mut strings, mut ids) = (Strings::default(), String::new());
        let mut text: Vec<Cow<'static, str>> = Vec::new();
        let mut line: Option<Line> = None;
        let mut done = None;
        while let Some((mut rec, run)) = merge.next(done.take()) {
            if !near.keep(&mut rec) {
                done = Some((rec, run));
                continue;
            }
            let with_id = line.as_ref().is_none_or(|l| l.listed.len() < MAX_IDS);
            let e = rec.entry(&mut strings, &mut ids, with_id);
            match &mut line {
                Some(l) if joins(l, &e) => l.add(e),
                _ => {
                    if let Some(l) = line.take() {
                        text.extend(strings.list[text.len()..].iter().map(|s| shown(s)));
                        let view = View {
                            text: &text,
                            ids: &ids,
                        };
                        if !p.line(out, &view, &l)? {
                            break;
                        }
                        ids.clear();
                        if strings.bytes > LINE_STRINGS {
                            strings = Strings::default();
                            text.clear();
                        }
                        // its auditID was in the line's arena
                        line = Some(Line::new(rec.entry(&mut strings, &mut ids, true)));
                    } else {
                        line = Some(Line::new(e));
                    }
                }
            }
            done = Some((rec, run));
        }
        if let Some(l) = line.filter(|_| p.more()) {
            text.extend(strings.list[text.len()..].iter().map(|s| shown(s)));
            let view = View {
                text: &text,
                ids: &ids,
            };
            p.line(out, &view, &l)?;
        }
        if let Some(e) = merge.error {
            return Err(anyhow!(
                "timeline: cannot read back the requests sorted in a temporary file: {e}"
            ));
        }
    }
    p.finish(out)?;
    out.flush()?;
    Ok(outcome(&stats, cfg, diag, story.matched > 0))
}

/// [`with_context`] for entries that come one at a time, in order.
struct Near<'h> {
    hits: &'h [i64],
    window: Option<i64>,
    j: usize,
}

impl<'h> Near<'h> {
    fn new(hits: &'h [i64], window: Option<i64>) -> Near<'h> {
        Near { hits, window, j: 0 }
    }

    /// Is this entry shown (marked as context when it is only near a match)?
    fn keep(&mut self, r: &mut Rec) -> bool {
        let Some(window) = self.window else {
            return true;
        };
        if r.flags & MATCHED != 0 {
            return true;
        }
        if r.time == i64::MIN {
            return false;
        }
        let from = r.time.saturating_sub(window);
        while self.j < self.hits.len() && self.hits[self.j] < from {
            self.j += 1;
        }
        let near = self.j < self.hits.len() && self.hits[self.j] <= r.time.saturating_add(window);
        if near {
            r.flags |= CONTEXT;
        }
        near
    }
}

/// Lines written in the chosen format, as they are made.
struct Printer<'a> {
    /// Table and wide: the narrative.
    narrative: Option<Narrative<'a>>,
    /// CSV.
    rows: Option<render::Writer>,
    /// JSON (an array), else NDJSON.
    array: bool,
    /// Lines are serialized into one buffer: many small writes through `Out` cost more.
    buf: Vec<u8>,
    stamps: Stamps,
    words: Words,
    written: usize,
    /// `--limit`: lines written at most.
    limit: Option<usize>,
}

impl Printer<'_> {
    /// Are more lines wanted?
    fn more(&self) -> bool {
        self.limit.is_none_or(|k| self.written < k)
    }

    /// Write one line; false once no more are wanted.
    fn line(&mut self, out: &mut Out, view: &View, l: &Line) -> Result<bool> {
        if !self.more() {
            return Ok(false);
        }
        self.written += 1;
        if let Some(n) = &mut self.narrative {
            n.write(out, view, l)?;
            return Ok(self.more());
        }
        self.words.clear();
        view.sentence(&mut self.words, l);
        let rec = LineRecord {
            view,
            line: l,
            sentence: &self.words.buf,
        };
        if let Some(rows) = &mut self.rows {
            rows.row(out, &rec)?;
            return Ok(self.more());
        }
        // serialized straight from a struct: a Value per line costs more than the scan
        if self.array {
            self.buf
                .extend_from_slice(if self.written == 1 { b"[\n" } else { b",\n" });
        }
        crate::render::json::to_writer(&mut self.buf, &rec.fields_json(&mut self.stamps))?;
        if !self.array {
            self.buf.push(b'\n');
        }
        if self.buf.len() >= 1 << 16 {
            out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(self.more())
    }

    fn finish(&mut self, out: &mut Out) -> Result<()> {
        out.write_all(&self.buf)?;
        self.buf.clear();
        if let Some(rows) = &mut self.rows {
            rows.finish(out)?;
        } else if self.array {
            out.write_all(if self.written == 0 { b"[]\n" } else { b"\n]\n" })?;
        }
        Ok(())
    }
}

/// The default output: dated, header-less lines of text.
struct Narrative<'a> {
    clock: &'a Clock,
    style: &'a Style,
    wide: bool,
    /// `--context` was given: lines start with `·` (context) or a space (a match).
    context: bool,
    /// The day (and offset) of the last date line.
    day: Option<(i64, Option<i32>)>,
    words: Words,
    buf: String,
}

fn paint(line: &mut String, code: &str, text: &str) {
    line.push_str("\x1b[");
    line.push_str(code);
    line.push('m');
    line.push_str(text);
    line.push_str("\x1b[0m");
}

fn tone_code(t: Tone) -> Option<&'static str> {
    match t {
        Tone::Plain => None,
        Tone::Ok => Some("32"),
        Tone::Info => Some("36"),
        Tone::Warn => Some("33"),
        Tone::Bad => Some("31"),
        Tone::Dim => Some("2"),
    }
}

impl Narrative<'_> {
    /// Write one line (after its date line when the day changes).
    fn write(&mut self, out: &mut Out, view: &View, l: &Line) -> Result<()> {
        let dated = self.style.headers;
        let first = &l.first;
        if dated {
            let key = self.clock.key(first.time);
            if self.day != Some(key) {
                if self.day.is_some() {
                    out.write_all(b"\n")?;
                }
                self.day = Some(key);
                let d = self.clock.date_line(first.time);
                if self.style.color {
                    let mut line = String::new();
                    paint(&mut line, "1", &d);
                    writeln!(out, "{line}")?;
                } else {
                    writeln!(out, "{d}")?;
                }
            }
        }
        let mut words = std::mem::take(&mut self.words);
        let mut line = std::mem::take(&mut self.buf);
        words.clear();
        view.sentence(&mut words, l);
        line.clear();
        self.line(&mut line, view, l, &words, !dated);
        line.push('\n');
        out.write_all(line.as_bytes())?;
        (self.words, self.buf) = (words, line);
        Ok(())
    }

    fn line(&self, line: &mut String, v: &View, l: &Line, words: &Words, full: bool) {
        let (first, last) = (&l.first, &l.last);
        let color = self.style.color && !first.context();
        let dim_all = self.style.color && first.context();
        if dim_all {
            line.push_str("\x1b[2m");
        }
        // columns used besides the sentence (escape sequences take none)
        let mut used = 0;
        if self.context {
            line.push_str(if first.context() { "· " } else { "  " });
            used += 2;
        }
        let at = line.len();
        self.clock.write(line, first.time, full);
        used += line.len() - at + 2;
        line.push_str("  ");
        if l.count > 1 {
            let mut span = format!("x{} until ", l.count);
            let same_day = self.clock.key(first.time) == self.clock.key(last.time);
            self.clock.write(&mut span, last.time, full || !same_day);
            used += span.len() + 2;
            if color {
                paint(line, "1", &span);
            } else {
                line.push_str(&span);
            }
            line.push_str("  ");
        }
        used += marker_names(first.marks)
            .map(|m| m.len() + 4)
            .sum::<usize>();
        let sentence = match (self.style.fit, self.style.width) {
            (true, Some(w)) => words.fitted((w as usize).saturating_sub(used).max(20)),
            _ => Cow::Borrowed(words.buf.as_str()),
        };
        let tone = if first.incomplete() || first.code < 0 {
            Tone::Dim
        } else {
            Tone::of_code(Some(i64::from(first.code)))
        };
        match (color, tone_code(tone)) {
            // the code is at the end of the sentence, whatever was cut before it
            (true, Some(c)) if words.code.1 == words.buf.len() && words.code.0 > 0 => {
                let code_len = words.code.1 - words.code.0;
                let split = sentence.len() - code_len;
                line.push_str(&sentence[..split]);
                paint(line, c, &sentence[split..]);
            }
            _ => line.push_str(&sentence),
        }
        for (bit, name, c) in MARKERS {
            if first.marks & bit == 0 {
                continue;
            }
            line.push_str("  ");
            if color {
                paint(line, &format!("1;{c}"), &format!("[{name}]"));
            } else {
                line.push('[');
                line.push_str(name);
                line.push(']');
            }
        }
        if first.cluster != 0 {
            line.push_str("  cluster=");
            line.push_str(&sanitize(v.s(first.cluster)));
        }
        if self.wide {
            if first.apiserver != 0 {
                line.push_str("  apiserver=");
                line.push_str(&sanitize(v.s(first.apiserver)));
            }
            line.push_str("  auditID=");
            line.push_str(&sanitize(v.audit_id(first)));
            if l.count > 1 {
                line.push_str(&format!(" (+{})", l.count - 1));
            }
            line.push_str("  ip=");
            line.push_str(v.s(first.ip));
            line.push_str("  ua=\"");
            line.push_str(v.s(first.agent));
            line.push('"');
        }
        if dim_all {
            line.push_str("\x1b[0m");
        }
    }
}

/// One line for the machine formats.
struct LineRecord<'a> {
    view: &'a View<'a>,
    line: &'a Line,
    sentence: &'a str,
}

impl LineRecord<'_> {
    /// The value of a string field shared by every request of the line; `None` when absent or
    /// when the requests differ (`--collapse kind`).
    fn common(&self, bit: u8, f: impl Fn(&Entry) -> u32) -> Option<&str> {
        self.line
            .common(bit, f(&self.line.first))
            .map(|id| self.view.s(id))
    }

    fn actor(&self) -> &str {
        let e = &self.line.first;
        self.view.s(if e.imp != 0 { e.imp } else { e.user })
    }

    fn ids(&self) -> Vec<&str> {
        self.line
            .listed
            .iter()
            .map(|e| self.view.audit_id(e))
            .collect()
    }

    /// The JSON form (the README documents these fields, in this order).
    fn fields_json(&self, stamps: &mut Stamps) -> JsonLine<'_> {
        let (e, last) = (&self.line.first, &self.line.last);
        JsonLine {
            time: stamps.get(e.time),
            last: stamps.get(last.time),
            count: self.line.count,
            actor: self.actor(),
            user: self.view.s(e.user),
            impersonated_user: self.common(F_IMP, |e| e.imp),
            verb: self.view.s(e.verb),
            resource: self.common(F_RESOURCE, |e| e.resource),
            subresource: self.common(F_SUB, |e| e.sub),
            namespace: self.common(F_NS, |e| e.ns),
            name: self.common(F_NAME, |e| e.name),
            path: self.common(F_PATH, |e| e.path),
            code: (e.code >= 0).then_some(e.code),
            incomplete: e.incomplete(),
            markers: marker_names(e.marks).collect(),
            sentence: self.sentence,
            context: e.context(),
            // (a line never spans two clusters or API servers: `Entry::same`)
            cluster: Some(self.view.s(e.cluster)).filter(|c| !c.is_empty()),
            apiserver: Some(self.view.s(e.apiserver)).filter(|a| !a.is_empty()),
            audit_ids: self.ids(),
        }
    }
}

/// RFC 3339 UTC times with microseconds, written without allocating; the date is computed once
/// per day (lines come in time order).
#[derive(Default)]
struct Stamps {
    day: Option<(i64, [u8; 10])>,
}

/// `2026-11-21T14:58:42.273325Z`.
struct Stamp([u8; 27]);

impl Stamp {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

impl Serialize for Stamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Stamps {
    fn get(&mut self, t: i64) -> Option<Stamp> {
        const DAY: i64 = 86_400_000_000;
        if t == i64::MIN {
            return None;
        }
        let day = t.div_euclid(DAY);
        let date = match self.day {
            Some((d, date)) if d == day => date,
            _ => {
                let mut date = [0u8; 10];
                date.copy_from_slice(&Ts(day * DAY).rfc3339().as_bytes()[..10]);
                self.day = Some((day, date));
                date
            }
        };
        let us = t.rem_euclid(DAY);
        let mut b = *b"0000-00-00T00:00:00.000000Z";
        b[..10].copy_from_slice(&date);
        let put = |b: &mut [u8; 27], at: usize, width: usize, mut v: i64| {
            for i in (at..at + width).rev() {
                b[i] = b'0' + (v % 10) as u8;
                v /= 10;
            }
        };
        put(&mut b, 11, 2, us / 3_600_000_000);
        put(&mut b, 14, 2, us / 60_000_000 % 60);
        put(&mut b, 17, 2, us / 1_000_000 % 60);
        put(&mut b, 20, 6, us % 1_000_000);
        Some(Stamp(b))
    }
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct JsonLine<'a> {
    time: Option<Stamp>,
    last: Option<Stamp>,
    count: usize,
    actor: &'a str,
    user: &'a str,
    impersonated_user: Option<&'a str>,
    verb: &'a str,
    resource: Option<&'a str>,
    subresource: Option<&'a str>,
    namespace: Option<&'a str>,
    name: Option<&'a str>,
    path: Option<&'a str>,
    code: Option<i32>,
    incomplete: bool,
    markers: Vec<&'static str>,
    sentence: &'a str,
    context: bool,
    cluster: Option<&'a str>,
    apiserver: Option<&'a str>,
    #[serde(rename = "auditIDs")]
    audit_ids: Vec<&'a str>,
}

impl Record for LineRecord<'_> {
    type Row<'x>
        = JsonLine<'x>
    where
        Self: 'x;
    fn row(&self) -> JsonLine<'_> {
        self.fields_json(&mut Stamps::default())
    }
    fn cells(&self, _: &Style) -> Vec<Cell> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::correlate::List;

    fn req(f: impl FnOnce(&mut Request<'static>)) -> Request<'static> {
        let mut r = Request {
            audit_id: "a1".into(),
            verb: "get".into(),
            user: "eve".into(),
            resource: "secrets".into(),
            namespace: "payments".into(),
            name: "stripe-api-key".into(),
            source_ips: List::One("10.0.0.7".into()),
            code: Some(200),
            received: Ts::parse("2026-11-21T14:58:42.273325Z"),
            is_final: true,
            level: "Request".into(),
            ..Default::default()
        };
        f(&mut r);
        r
    }

    /// The sentence and markers of requests read as one line.
    fn say(rs: &[Request<'static>], mode: Collapse) -> Vec<String> {
        let mut b = Batch::default();
        for r in rs {
            b.push(r, true);
        }
        let text: Vec<Cow<str>> = b.strings.list.iter().map(|s| Cow::Borrowed(&**s)).collect();
        let view = View {
            text: &text,
            ids: &b.ids,
        };
        lines(&b.entries, mode)
            .into_iter()
            .map(|(a, z)| {
                let mut w = Words::default();
                view.sentence(&mut w, &Line::of(&b.entries[a..z]));
                let marks: Vec<&str> = marker_names(b.entries[a].marks).collect();
                let n = z - a;
                let count = if n > 1 {
                    format!("x{n} ")
                } else {
                    String::new()
                };
                format!("{count}{} {marks:?}", w.buf)
            })
            .collect()
    }

    fn one(r: Request<'static>) -> String {
        say(&[r], Collapse::Object).remove(0)
    }

    #[test]
    fn sentences() {
        assert_eq!(
            one(req(|_| {})),
            "eve read secret payments/stripe-api-key (200) [\"secret\"]"
        );
        assert_eq!(
            one(req(|r| r.code = Some(403))),
            "eve was denied getting secret payments/stripe-api-key (403) [\"secret\"]"
        );
        assert_eq!(
            one(req(|r| {
                r.verb = "list".into();
                r.name = "".into();
                r.namespace = "".into();
            })),
            "eve listed secrets in all namespaces (200) [\"secret\"]"
        );
        assert_eq!(
            one(req(|r| {
                r.user = "admin".into();
                r.verb = "create".into();
                r.resource = "clusterrolebindings".into();
                r.api_group = "rbac.authorization.k8s.io".into();
                r.namespace = "".into();
                r.name = "emergency-access".into();
                r.code = Some(201);
            })),
            "admin created clusterrolebinding emergency-access (201) [\"rbac\"]"
        );
        assert_eq!(
            one(req(|r| {
                r.user = "".into();
                r.verb = "list".into();
                r.resource = "configmaps".into();
                r.name = "".into();
                r.code = Some(401);
            })),
            "unauthenticated client 10.0.0.7 was rejected: list configmaps in namespace payments (401) [\"anonymous\"]"
        );
        assert_eq!(
            one(req(|r| {
                r.user = "carol".into();
                r.verb = "create".into();
                r.resource = "pods".into();
                r.subresource = "exec".into();
                r.namespace = "staging".into();
                r.name = "debug-box".into();
                r.code = Some(400);
                r.status_reason = "BadRequest".into();
            })),
            "carol failed to open an exec stream into pod staging/debug-box: BadRequest (400) [\"exec\"]"
        );
        assert_eq!(
            one(req(|r| {
                r.user = "system:anonymous".into();
                r.resource = "".into();
                r.namespace = "".into();
                r.name = "".into();
                r.request_uri = "/healthz?verbose".into();
            })),
            "system:anonymous requested GET /healthz (200) [\"anonymous\"]"
        );
        assert_eq!(
            one(req(|r| {
                r.user = "ops-admin".into();
                r.impersonated_user = "eve".into();
                r.verb = "deletecollection".into();
                r.name = "".into();
            })),
            "ops-admin as eve deleted all secrets in namespace payments (200) [\"impersonation\", \"secret\"]"
        );
        assert_eq!(
            one(req(|r| {
                r.user = "system:serviceaccount:kube-system:deployment-controller".into();
                r.verb = "update".into();
                r.resource = "deployments".into();
                r.subresource = "status".into();
                r.name = "ledger".into();
                r.code = Some(409);
                r.status_reason = "Conflict".into();
            })),
            "system:serviceaccount:kube-system:deployment-controller failed to update deployment payments/ledger (status): Conflict (409) []"
        );
        assert_eq!(
            one(req(|r| {
                r.verb = "watch".into();
                r.resource = "widgetpolicies".into();
                r.name = "".into();
                r.is_final = false;
            })),
            "eve started watching widgetpolicies in namespace payments (incomplete) []"
        );
        assert_eq!(
            one(req(|r| {
                r.verb = "create".into();
                r.resource = "widgetpolicies".into();
                r.name = "".into();
                r.code = Some(201);
            })),
            "eve created a widgetpolicy in namespace payments (201) []"
        );
    }

    #[test]
    fn collapsing() {
        let a = req(|r| r.code = Some(403));
        let b = req(|r| {
            r.code = Some(403);
            r.name = "vault-token".into();
        });
        let c = req(|r| {
            r.code = Some(403);
            r.namespace = "build".into();
        });
        let rs = [a.clone(), a.clone(), b, c, a];
        assert_eq!(
            say(&rs, Collapse::Object),
            [
                "x2 eve was denied getting secret payments/stripe-api-key (403) [\"secret\"]",
                "eve was denied getting secret payments/vault-token (403) [\"secret\"]",
                "eve was denied getting secret build/stripe-api-key (403) [\"secret\"]",
                "eve was denied getting secret payments/stripe-api-key (403) [\"secret\"]",
            ]
        );
        assert_eq!(
            say(&rs, Collapse::Kind),
            ["x5 eve was denied getting 3 secrets in 2 namespaces (403) [\"secret\"]"]
        );
        assert_eq!(say(&rs, Collapse::None).len(), 5);
        let ns = |name: &'static str| {
            req(|r| {
                r.verb = "delete".into();
                r.resource = "namespaces".into();
                r.namespace = name.into();
                r.name = name.into();
            })
        };
        assert_eq!(
            say(&[ns("tools"), ns("build")], Collapse::Kind),
            ["x2 eve deleted 2 namespaces (200) []"]
        );
        assert_eq!(
            say(&[ns("tools")], Collapse::Kind),
            ["eve deleted namespace tools (200) []"]
        );
    }

    #[test]
    fn context_keeps_neighbours_within_the_window() {
        let mk = |t: i64, matched: bool| {
            let mut b = Batch::default();
            b.push(&req(|_| {}), matched);
            let mut e = b.entries[0];
            e.time = t;
            e
        };
        let mut v = vec![
            mk(0, false),
            mk(10, false),
            mk(20, true),
            mk(25, false),
            mk(31, false),
            mk(50, true),
        ];
        with_context(&mut v, 10);
        let kept: Vec<(i64, bool)> = v.iter().map(|e| (e.time, e.context())).collect();
        assert_eq!(kept, [(10, true), (20, false), (25, true), (50, false)]);
    }

    #[test]
    fn stamps_match_rfc3339() {
        let mut st = Stamps::default();
        for s in [
            "2026-11-21T14:58:42.273325Z",
            "2026-11-21T23:59:59.999999Z",
            "2026-11-22T00:00:00.000000Z",
            "1969-12-31T23:59:59.500000Z",
            "2024-02-29T12:00:00.000001Z",
        ] {
            let t = Ts::parse(s).unwrap().0;
            assert_eq!(st.get(t).unwrap().as_str(), s);
            assert_eq!(st.get(t).unwrap().as_str(), Ts(t).rfc3339());
        }
        assert!(st.get(i64::MIN).is_none());
    }

    #[test]
    fn fitting_cuts_values_not_words() {
        let mut w = Words::default();
        w.val("system:serviceaccount:kube-system:generic-garbage-collector");
        w.lit(" deleted configmap ");
        w.val("payments");
        w.lit("/");
        w.val("a-very-long-configmap-name-that-goes-on-and-on");
        w.lit(" (200)");
        let f = w.fitted(70);
        assert_eq!(table::width(&f), 70, "{f}");
        assert!(f.contains(" deleted configmap payments/"), "{f}");
        assert!(f.ends_with(" (200)"), "{f}");
    }
}
