//! `kaudit history KIND/NAME`: every request that touched one object, in the order they were
//! received (who, as whom, verb, code, time, source IP) and, when the log has bodies (level
//! Request or RequestResponse), what each write changed: a diff of flattened JSON paths against
//! the object's previous known state, the fields a create set, or the patch body.
//!
//! The scan is limited to the object's resource (and namespace, with `-n`), so the prefilter
//! skips every other line. The object's state is followed through all of those requests in the
//! order they completed (the order the API server applied them); the user's other filters only
//! choose which requests are shown, so a diff never credits one request with another's change.
//! Bodies are read as `serde_json::Value`s (`correlate::Request::bodies`), from the original
//! lines of the requests on the object only (`event.rs` still skips them). Every value shown goes through
//! [`crate::redact`] (Secret data, credential-named keys and list elements, found by name, by
//! position or by a JSON patch index, credential-shaped text), in every format, patch bodies and
//! the last-applied annotation included, unless `--show-secrets`; when it cannot tell, it
//! redacts. This module does not follow an object's dependents (a Deployment's ReplicaSets are
//! other objects).
//!
//! The command's flow is here (`run`: the scan over the object's resource, then the output);
//! the parts are one file each: `target.rs` (the object asked about, and how a request reaches
//! it), `bodies.rs` (a request's bodies, and which of them is the object), `state.rs` (the
//! object's state followed through each request: the sink), `diff.rs` (changes between two
//! states, as redacted paths), `patch.rs` (a patch body as lines) and `output.rs` (table, CSV
//! and JSON).

mod bodies;
mod diff;
mod output;
mod patch;
mod state;
mod target;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use anyhow::Result;

use crate::cli::{Format, HistoryArgs};
use crate::commands::{Outcome, outcome};
use crate::config::Config;
use crate::filter::{Filter, FilterSpec};
use crate::input;
use crate::redact::Redactor;
use crate::render::Record;
use crate::render::json::JsonRows;
use crate::scan;
use crate::term::{Diag, Out};

use output::{write_csv, write_table};
use state::HistorySink;
pub use target::Target;

/// Said once, on stderr, when none of the requests shown carries a body.
pub const NO_BODIES: &str = "the log has no request or response bodies for these requests \
(audit level Metadata): shown are who, verb, code and time, not what changed; an audit policy \
level of Request or RequestResponse records the objects";

pub fn run(
    args: &HistoryArgs,
    target: &Target,
    cfg: Config,
    diag: &Diag,
    out: &mut Out,
) -> Result<Outcome> {
    let format = args.output.output;
    let mut notes = Vec::new();
    let inputs = input::expand(&args.input.paths, &mut notes)?;
    for n in &notes {
        diag.note(n);
    }
    // The scan follows every request on the object; the user's filters choose what is shown.
    let namespaces: Vec<String> = args
        .filter
        .namespace
        .iter()
        .flat_map(|n| n.split(','))
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(String::from)
        .collect();
    let scope = Filter::compile(
        &FilterSpec {
            resource: vec![target.kind.clone()],
            namespace: namespaces.clone(),
            ..Default::default()
        },
        cfg.now,
        cfg.local,
    )?;
    let prefilter = if args.input.no_prefilter || args.input.strict {
        None
    } else {
        scope.prefilter()
    };
    let mut sink = HistorySink {
        name: &target.name,
        shown: &cfg.filter,
        red: Redactor::new(target.sel.resource == "secrets", args.show_secrets),
        states: HashMap::new(),
        entries: Vec::new(),
        seq: 0,
    };
    // a typo in the kind, name or namespace: the values the logs have near them
    let named = Filter::compile(
        &FilterSpec {
            resource: vec![target.kind.clone()],
            namespace: namespaces.clone(),
            name: vec![target.name.clone()],
            ..Default::default()
        },
        cfg.now,
        cfg.local,
    )?;
    let stats = scan::Scan::new(&cfg)
        .filter(&scope, prefilter.as_ref())
        .keep_raw(true)
        .explain(Some(&cfg.filter.values_with_object(&named)))
        .run(&inputs, diag, &mut sink)?;
    let mut entries = sink.entries;
    entries.sort_by_key(|e| (e.time.is_none(), e.time, e.seq));
    if let Some(l) = args.limit.rows(None) {
        entries.truncate(l);
    }
    let any_bodies = entries.iter().any(|e| e.has_bodies);
    if entries.is_empty() {
        diag.note(&format!(
            "no request touched {}",
            target.describe(&namespaces)
        ));
    } else if !any_bodies {
        diag.note(NO_BODIES);
    }
    let style = crate::commands::style(&cfg, &args.output);
    match format {
        Format::Table | Format::Wide => {
            // the object column, unless -n named one namespace or the object is cluster-scoped,
            // and one cluster's
            let object = (namespaces.len() != 1 && entries.iter().any(|e| !e.namespace.is_empty()))
                || entries.iter().any(|e| e.cluster != entries[0].cluster);
            write_table(
                out,
                &entries,
                &style,
                format == Format::Wide,
                object,
                any_bodies,
            )?;
        }
        Format::Json | Format::Ndjson => {
            let mut rows = if format == Format::Json {
                JsonRows::array()
            } else {
                JsonRows::lines()
            };
            for e in &entries {
                rows.row(out, &e.row())?;
            }
            rows.finish(out)?;
        }
        Format::Csv => write_csv(out, &entries, style.headers)?,
    }
    out.flush()?;
    Ok(outcome(&stats, &cfg, diag, !entries.is_empty()))
}
