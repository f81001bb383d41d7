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
//!
//! The command's flow is here (`run`: the scan, then lines made and printed one at a time);
//! the parts are one file each: `markers.rs` (the requests worth a second look), `entry.rs`
//! (a request as the timeline keeps it, with its interned strings), `keep.rs` (the scan's
//! sink, and `--context`), `runs.rs` (sorted runs on disk, merged), `line.rs` (alike requests
//! collapsed into one line), `sentence.rs` (the English sentence of a line), `clock.rs`
//! (times and dates for people) and `output.rs` (the narrative, CSV and JSON).

mod clock;
mod entry;
mod keep;
mod line;
mod markers;
mod output;
mod runs;
mod sentence;
#[cfg(test)]
mod tests;

use std::borrow::Cow;

use anyhow::{Result, anyhow};

use crate::cli::{Collapse, Format, TimelineArgs};
use crate::commands::{Outcome, outcome};
use crate::config::Config;
use crate::input;
use crate::render::{self, Style};
use crate::term::{Diag, Out, sanitize};

use clock::Clock;
use entry::{Entry, Strings};
use keep::{Near, SORT_MEMORY, Story, collect, with_context};
use line::Line;
use output::{Narrative, Printer, Stamps};
use runs::LINE_STRINGS;
use sentence::{View, Words};

/// auditIDs listed per collapsed line in JSON and CSV.
const MAX_IDS: usize = 10;

pub fn run(args: &TimelineArgs, cfg: &Config, diag: &Diag, out: &mut Out) -> Result<Outcome> {
    let window = context_window(args)?;
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
    let style = crate::commands::style(cfg, &args.output);
    let clock = Clock {
        tz: cfg.local.then(jiff::tz::TimeZone::system),
    };
    let mut p = printer(args, &clock, &style, window.is_some())?;
    if story.runs.is_empty() {
        print_held(out, &mut p, &mut story, window, args.collapse)?;
    } else {
        print_merged(out, &mut p, &mut story, window, args.collapse)?;
    }
    p.finish(out)?;
    out.flush()?;
    Ok(outcome(&stats, cfg, diag, story.matched > 0))
}

/// `--context`: the window around each matching request, when given.
fn context_window(args: &TimelineArgs) -> Result<Option<i64>> {
    Ok(match &args.context {
        None => None,
        Some(s) => {
            Some(crate::vocab::duration::parse(s).map_err(|e| {
                anyhow!("--context: {e} (example: --context 30s or --context 500ms)")
            })?)
        }
    })
}

/// The printer of the output format: the narrative (table, wide), CSV rows, or JSON/NDJSON.
fn printer<'a>(
    args: &TimelineArgs,
    clock: &'a Clock,
    style: &'a Style,
    context: bool,
) -> Result<Printer<'a>> {
    let format = args.output.output;
    Ok(Printer {
        narrative: matches!(format, Format::Table | Format::Wide).then(|| Narrative {
            clock,
            style,
            wide: format == Format::Wide,
            context,
            day: None,
            words: Words::default(),
            buf: String::new(),
        }),
        rows: match format {
            Format::Csv => {
                let header = render::flat::flatten(&output::JsonLine::default())?.keys;
                Some(render::Writer::new(
                    format.into(),
                    &[],
                    &[],
                    header,
                    *style,
                    false,
                ))
            }
            _ => None,
        },
        array: format == Format::Json,
        buf: Vec::with_capacity(1 << 16),
        stamps: Stamps::default(),
        words: Words::default(),
        written: 0,
        limit: args.limit.rows(None),
    })
}

/// Does request `e` join `line` (alike under `mode`)?
fn joins(line: &Line, e: &Entry, mode: Collapse) -> bool {
    mode != Collapse::None && line.first.same(e, mode)
}

/// A string as shown: sanitized for people (the narrative), exact for machines.
fn shown(s: &str, sanitized: bool) -> Cow<'static, str> {
    if sanitized {
        Cow::Owned(sanitize(s).into_owned())
    } else {
        Cow::Owned(s.to_string())
    }
}

/// The lines of the requests held in memory (sorted; with `--context`, the others near a
/// match added), until the printer wants no more.
fn print_held(
    out: &mut Out,
    p: &mut Printer,
    story: &mut Story,
    window: Option<i64>,
    mode: Collapse,
) -> Result<()> {
    let sanitized = p.narrative.is_some();
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
            Some(l) if joins(l, e, mode) => l.add(*e),
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
    Ok(())
}

/// The lines of the requests merged from the sorted runs on disk (with `--context`, those near
/// a match kept), until the printer wants no more. The strings of the lines are in a table of
/// their own (and as shown), let go of at a line's end once it holds LINE_STRINGS bytes.
fn print_merged(
    out: &mut Out,
    p: &mut Printer,
    story: &mut Story,
    window: Option<i64>,
    mode: Collapse,
) -> Result<()> {
    let sanitized = p.narrative.is_some();
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
            Some(l) if joins(l, &e, mode) => l.add(e),
            _ => {
                if let Some(l) = line.take() {
                    text.extend(
                        strings.list[text.len()..]
                            .iter()
                            .map(|s| shown(s, sanitized)),
                    );
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
        text.extend(
            strings.list[text.len()..]
                .iter()
                .map(|s| shown(s, sanitized)),
        );
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
    Ok(())
}
