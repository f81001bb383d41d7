//! The accounting of a scan, per input and in all: every record is an event, skipped for a
//! stated reason, or malformed, and the counts add up.

use crate::event::Ts;

/// What was read from one input.
#[derive(Debug, Clone, Default)]
pub struct FileStats {
    pub name: String,
    /// Size on disk; bytes read when that says nothing (stdin, FIFOs, `/proc` files: size 0).
    pub bytes: u64,
    pub lines: u64,
    /// Records read: lines, or the items of batches and documents (see [`ScanStats::records`]).
    pub records: u64,
    pub events: u64,
    pub first: Option<Ts>,
    pub last: Option<Ts>,
    pub error: Option<String>,
}

/// One line that was not used, and why.
#[derive(Debug, Clone)]
pub struct Problem {
    pub file: String,
    pub line: u64,
    pub reason: String,
}

/// The accounting of a scan: every line is an event, skipped, or malformed.
#[derive(Debug, Clone, Default)]
pub struct ScanStats {
    pub files: Vec<FileStats>,
    pub lines: u64,
    /// The unit of account: every record is an event, skipped, or malformed. A record is a line
    /// of a JSON-lines file, or one item of a batch (`EventList`, `{"records":[...]}`, a
    /// CloudWatch response) or of a JSON document; for native logs, records = lines.
    pub records: u64,
    pub events: u64,
    pub skipped_blank: u64,
    pub skipped_unterminated: u64,
    /// CloudWatch messages cut at its size limit.
    pub skipped_truncated: u64,
    /// Well-formed records of something else (other GKE services, other AKS log categories).
    pub skipped_foreign: u64,
    /// Batches with no items.
    pub skipped_empty: u64,
    /// Lines not parsed because they cannot belong to a matching request (see `Prefilter`).
    pub skipped_prefilter: u64,
    pub malformed: u64,
    /// The first few malformed lines (then only counted).
    pub malformed_samples: Vec<Problem>,
    /// Unfinished last lines, one per input at most.
    pub unterminated: Vec<Problem>,
    /// Requests seen (complete + incomplete), before filtering.
    pub requests: u64,
    pub incomplete: u64,
    /// Requests handed to the sink.
    pub matched: u64,
    /// The sink asked to stop (e.g. `--limit`): counts cover only what was read.
    pub stopped: bool,
    /// Inputs that could not be read.
    pub failed_files: u64,
    /// Stage events left out: read after their request had ended (inputs out of order), or
    /// repeating a stage it had (a line delivered twice).
    pub late_events: u64,
    /// Lines (and documents) that began with a UTF-8 byte-order mark, which was skipped.
    pub byte_order_marks: u64,
    /// Events with a time (`stageTimestamp`, `requestReceivedTimestamp`) that does not parse;
    /// the first one (its text as `reason`).
    pub bad_times: u64,
    pub bad_time: Option<Problem>,
    /// Requests that matched every filter but --since/--until, and have no time that parses:
    /// left out by the time window.
    pub untimed: u64,
    /// Requests ended as incomplete because the memory for open requests ran out (counted in
    /// `incomplete` too).
    pub evicted: u64,
    /// Some line the prefilter skipped has a time that could not be read where it would have
    /// been the first or last of the logs: their span (`FileStats::first`, `last`) is unsure.
    pub span_unsure: bool,
}

impl ScanStats {
    pub fn skipped(&self) -> u64 {
        self.skipped_blank
            + self.skipped_unterminated
            + self.skipped_prefilter
            + self.skipped_truncated
            + self.skipped_foreign
            + self.skipped_empty
    }
}
