//! One line of `timeline`: alike requests collapsed as they come (the first and last, how
//! many, the first auditIDs, which fields differ, and for `--collapse kind` the objects and
//! namespaces covered), so a line of a million requests holds two. It does not say the line
//! (`sentence.rs`).

use rustc_hash::FxHashSet;

use super::MAX_IDS;
use super::entry::Entry;

pub(super) const F_IMP: u8 = 1;
pub(super) const F_RESOURCE: u8 = 2;
pub(super) const F_SUB: u8 = 4;
pub(super) const F_NS: u8 = 8;
pub(super) const F_NAME: u8 = 16;
pub(super) const F_PATH: u8 = 32;

/// One line of the timeline, made from its requests as they come (there may be millions, all
/// alike): the first and last, how many, the first auditIDs, which fields differ among them,
/// and for a line over several objects (`--collapse kind`) what it covers.
pub(super) struct Line {
    pub(super) first: Entry,
    pub(super) last: Entry,
    pub(super) count: usize,
    /// The first [`MAX_IDS`] requests (for their auditIDs).
    pub(super) listed: Vec<Entry>,
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
    pub(super) fn new(e: Entry) -> Line {
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
    pub(super) fn of(group: &[Entry]) -> Line {
        let mut l = Line::new(group[0]);
        for e in &group[1..] {
            l.add(*e);
        }
        l
    }

    pub(super) fn add(&mut self, e: Entry) {
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
    pub(super) fn spread(&self) -> Option<Spread> {
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
    pub(super) fn common(&self, bit: u8, id: u32) -> Option<u32> {
        (id != 0 && self.differs & bit == 0).then_some(id)
    }
}

/// How many objects a collapsed `--collapse kind` line covers.
pub(super) struct Spread {
    /// Distinct named objects (paths, for non-resource requests).
    pub(super) objects: usize,
    /// Distinct namespaces.
    pub(super) namespaces: Vec<u32>,
    /// Some request was on a namespaced kind without a namespace (all namespaces).
    pub(super) all: bool,
}
