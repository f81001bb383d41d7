//! The sink of `timeline`: entries held in the order requests were handed over (with
//! `--context`, every request, the filter applied here), sorted and spilled as a run past
//! `--sort-memory`, then sorted into the [`Story`] the output is made from; and `--context`'s
//! choice of the requests near a match ([`with_context`] for held entries, [`Near`] for merged
//! ones). It does not make lines (`line.rs`).

use anyhow::Result;

use super::entry::{Batch, CONTEXT, Entry, MATCHED, Strings};
use super::runs::{Rec, Runs};
use crate::config::Config;
use crate::correlate::Request;
use crate::filter::Filter;
use crate::input;
use crate::scan::{self, Flow, Sink};
use crate::term::Diag;

/// Memory for the requests held to be put in time order (`--sort-memory`), past which they are
/// sorted in runs written to temporary files and merged when the input ends.
pub(super) const SORT_MEMORY: usize = 32 << 20;

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
pub(super) struct Story {
    pub(super) strings: Strings,
    pub(super) ids: String,
    /// Sorted; empty when `runs` has them.
    pub(super) entries: Vec<Entry>,
    pub(super) runs: Runs,
    pub(super) matched: u64,
    pub(super) untimed: u64,
    /// Sorted times of the matching requests (with `--context`).
    pub(super) hits: Vec<i64>,
}

pub(super) fn collect<const CTX: bool>(
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
    let stats = scan::Scan::new(cfg).run(inputs, diag, &mut keep)?;
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

/// Keep the matching entries, and the others received within `window` µs of one of them
/// (marked as context). `entries` is in time order. A request with no time is near nothing:
/// kept if it matches, never context, and never a reason to keep one.
pub(super) fn with_context(entries: &mut Vec<Entry>, window: i64) {
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

/// [`with_context`] for entries that come one at a time, in order.
pub(super) struct Near<'h> {
    hits: &'h [i64],
    window: Option<i64>,
    j: usize,
}

impl<'h> Near<'h> {
    pub(super) fn new(hits: &'h [i64], window: Option<i64>) -> Near<'h> {
        Near { hits, window, j: 0 }
    }

    /// Is this entry shown (marked as context when it is only near a match)?
    pub(super) fn keep(&mut self, r: &mut Rec) -> bool {
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
