//! What `timeline` keeps of a request: an [`Entry`] of numbers and ids of interned
//! [`Strings`] (about 80 bytes), its order (time, then every field's text, so output does not
//! depend on threads or chunks), and a worker's [`Batch`] of them. It does not hold entries for
//! the whole scan (`keep.rs`) nor write them to disk (`runs.rs`).

use rustc_hash::FxHashMap;

use super::markers::markers;
use crate::cli::Collapse;
use crate::correlate::Request;

/// Interned strings: id 0 is always `""`.
pub(super) struct Strings {
    ids: FxHashMap<Box<str>, u32>,
    pub(super) list: Vec<Box<str>>,
    /// About the memory they take (each is kept twice, with a map entry and a list entry).
    pub(super) bytes: usize,
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
    pub(super) fn id(&mut self, s: &str) -> u32 {
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

    pub(super) fn id_owned(&mut self, s: Box<str>) -> u32 {
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

pub(super) const MATCHED: u8 = 1;
const INCOMPLETE: u8 = 2;
pub(super) const CONTEXT: u8 = 4;

/// What the timeline keeps of one request. Strings are ids into a [`Strings`] table (a worker's
/// own until the part is merged, then the sink's); the auditID lives in a shared arena.
#[derive(Debug, Clone, Copy)]
pub(super) struct Entry {
    /// Received time, µs since the epoch; `i64::MIN` when the log gives none.
    pub(super) time: i64,
    pub(super) id_at: u64,
    pub(super) id_len: u32,
    pub(super) user: u32,
    pub(super) imp: u32,
    pub(super) verb: u32,
    pub(super) resource: u32,
    pub(super) sub: u32,
    pub(super) ns: u32,
    pub(super) name: u32,
    /// The path of a non-resource request (`/healthz`).
    pub(super) path: u32,
    /// statusReason (or message) of a failure other than 401/403.
    pub(super) detail: u32,
    pub(super) agent: u32,
    pub(super) ip: u32,
    pub(super) cluster: u32,
    pub(super) apiserver: u32,
    /// HTTP code, -1 when none.
    pub(super) code: i32,
    pub(super) marks: u16,
    pub(super) flags: u8,
}

impl Entry {
    pub(super) fn new(r: &Request<'_>, s: &mut Strings, ids: &mut String, matched: bool) -> Entry {
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
            ip: s.id(r.source_ip()),
            cluster: s.id(&r.cluster),
            apiserver: s.id(&r.apiserver),
            code: r
                .code
                .map_or(-1, |c| c.clamp(0, i64::from(i32::MAX)) as i32),
            marks: markers(r),
            flags,
        }
    }

    pub(super) fn remap(&mut self, map: &[u32]) {
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
    pub(super) fn order(&self, o: &Entry, s: &Strings, ids: &str) -> std::cmp::Ordering {
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
    pub(super) fn texts(&self) -> impl Iterator<Item = u32> {
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

    pub(super) fn matched(&self) -> bool {
        self.flags & MATCHED != 0
    }

    pub(super) fn incomplete(&self) -> bool {
        self.flags & INCOMPLETE != 0
    }

    pub(super) fn context(&self) -> bool {
        self.flags & CONTEXT != 0
    }

    /// Same line: everything the sentence and markers say; with `--collapse kind`, whatever the
    /// namespace, name or (non-resource) path.
    pub(super) fn same(&self, o: &Entry, mode: Collapse) -> bool {
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
pub(super) struct Batch {
    pub(super) strings: Strings,
    pub(super) ids: String,
    pub(super) entries: Vec<Entry>,
}

impl Batch {
    pub(super) fn push(&mut self, r: &Request<'_>, matched: bool) {
        let e = Entry::new(r, &mut self.strings, &mut self.ids, matched);
        self.entries.push(e);
    }
}
