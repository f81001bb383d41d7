//! The output of `history`: one entry per request shown, as a table (a row per request, its
//! notes, changes and patch lines indented below it), CSV (a row per change) or JSON. It does
//! not decide what a request did (`state.rs`).

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

use anyhow::Result;
use serde::Serialize;
use serde_json::Value;

use super::diff::Change;
use super::patch::PatchLine;
use super::state::Step;
use crate::commands::events::user_cell;
use crate::correlate::Request;
use crate::event::Ts;
use crate::render::csv::CsvRows;
use crate::render::flat::flatten;
use crate::render::table::{elide_middle, width, write_rows};
use crate::render::{Cell, JsonText, Record, Style, Time, Tone, human_time, present};
use crate::term::{Out, sanitize};

/// One request on the object, as shown.
pub(super) struct Entry {
    pub(super) time: Option<Ts>,
    pub(super) seq: usize,
    audit_id: String,
    user: String,
    user_cell: String,
    impersonated_user: String,
    verb: String,
    subresource: String,
    pub(super) namespace: String,
    name: String,
    /// The request's cluster (docs/input.md, "Many clusters"), empty when nothing names it.
    pub(super) cluster: String,
    code: Option<i64>,
    status_reason: String,
    source_ip: String,
    user_agent: String,
    level: String,
    request_uri: String,
    /// `null` in JSON: a delete logged without its body.
    dry_run: Option<bool>,
    field_manager: String,
    /// `[apply]`, `[dry run]`: what the verb column adds.
    marks: String,
    pub(super) step: Step,
    pub(super) has_bodies: bool,
}

impl Entry {
    pub(super) fn new(r: &Request<'_>, name: &str, step: Step, seq: usize) -> Entry {
        Entry {
            time: r.time(),
            seq,
            audit_id: r.audit_id.to_string(),
            user: r.user.to_string(),
            user_cell: user_cell(r),
            impersonated_user: r.impersonated_user.to_string(),
            verb: r.verb.to_string(),
            subresource: r.subresource.to_string(),
            namespace: r.namespace.to_string(),
            name: name.to_string(),
            cluster: r.cluster.to_string(),
            code: r.code,
            status_reason: r.status_reason.to_string(),
            source_ip: r.source_ip().to_string(),
            user_agent: r.user_agent.to_string(),
            level: r.level.to_string(),
            request_uri: r.request_uri.to_string(),
            dry_run: r.dry_run().json(),
            field_manager: r.field_manager().into_owned(),
            marks: {
                // the verb's marks, the apply's field manager named
                let m = crate::commands::events::verb_cell(r);
                let m = m.strip_prefix(&*r.verb).unwrap_or("");
                let manager = r.field_manager();
                if r.is_apply() && !manager.is_empty() {
                    m.replacen("apply", &format!("apply by {manager}"), 1)
                } else {
                    m.to_string()
                }
            },
            has_bodies: step.has_bodies,
            step,
        }
    }

    /// `update`, `update (status)`, `create (exec)`, `patch [apply]`, `delete [dry run]`.
    pub(super) fn verb_cell(&self) -> String {
        if self.subresource.is_empty() {
            format!("{}{}", self.verb, self.marks)
        } else {
            format!("{} ({}){}", self.verb, self.subresource, self.marks)
        }
    }

    fn object_cell(&self) -> String {
        let object = if self.namespace.is_empty() {
            self.name.clone()
        } else {
            format!("{}/{}", self.namespace, self.name)
        };
        if self.cluster.is_empty() {
            object
        } else {
            format!("[{}] {object}", self.cluster)
        }
    }

    /// The request's fields, first in JSON and CSV.
    fn head(&self) -> EntryHead<'_> {
        let opt = present;
        EntryHead {
            time: Time(self.time),
            audit_id: &self.audit_id,
            user: &self.user,
            impersonated_user: opt(&self.impersonated_user),
            verb: &self.verb,
            subresource: opt(&self.subresource),
            namespace: opt(&self.namespace),
            name: &self.name,
            cluster: opt(&self.cluster),
            code: self.code,
            status_reason: opt(&self.status_reason),
            source_ip: opt(&self.source_ip),
            user_agent: opt(&self.user_agent),
            level: opt(&self.level),
            request_uri: &self.request_uri,
            dry_run: self.dry_run,
            field_manager: opt(&self.field_manager),
            applied: self.step.applied,
        }
    }

    fn changes(&self) -> impl Iterator<Item = ChangeRow<'_>> {
        self.step.changes.iter().map(|c| ChangeRow {
            path: Some(&c.path),
            old: c.old.as_ref().map(|s| JsonText(&s.value)),
            new: c.new.as_ref().map(|s| JsonText(&s.value)),
        })
    }

    fn notes(&self) -> Vec<&str> {
        let step = &self.step;
        step.refused
            .iter()
            .chain(&step.notes)
            .map(String::as_str)
            .collect()
    }
}

/// A request's own fields in `history -o json/ndjson/csv` (the README documents them).
#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct EntryHead<'a> {
    time: Time,
    #[serde(rename = "auditID")]
    audit_id: &'a str,
    user: &'a str,
    impersonated_user: Option<&'a str>,
    verb: &'a str,
    subresource: Option<&'a str>,
    namespace: Option<&'a str>,
    name: &'a str,
    cluster: Option<&'a str>,
    code: Option<i64>,
    status_reason: Option<&'a str>,
    #[serde(rename = "sourceIP")]
    source_ip: Option<&'a str>,
    user_agent: Option<&'a str>,
    level: Option<&'a str>,
    #[serde(rename = "requestURI")]
    request_uri: &'a str,
    /// `null`: a delete logged without its body.
    dry_run: Option<bool>,
    field_manager: Option<&'a str>,
    applied: Option<bool>,
}

/// One change: its path, and the old and new values (redacted; absent where the field was
/// not there).
#[derive(Serialize, Default)]
struct ChangeRow<'a> {
    path: Option<&'a str>,
    old: Option<JsonText<&'a Value>>,
    new: Option<JsonText<&'a Value>>,
}

/// One entry in JSON and NDJSON: the request, its changes, its patch and notes.
#[derive(Serialize)]
pub(super) struct EntryJson<'a> {
    #[serde(flatten)]
    head: EntryHead<'a>,
    changes: Vec<ChangeRow<'a>>,
    patch: Option<&'a Value>,
    notes: Vec<&'a str>,
}

/// One row of `-o csv`: the request and one of its changes (all empty when it has none).
#[derive(Serialize, Default)]
struct EntryCsv<'a> {
    #[serde(flatten)]
    head: EntryHead<'a>,
    #[serde(flatten)]
    change: ChangeRow<'a>,
    patch: Option<JsonText<&'a Value>>,
    notes: Vec<&'a str>,
}

impl Record for Entry {
    type Row<'a> = EntryJson<'a>;
    fn row(&self) -> EntryJson<'_> {
        EntryJson {
            head: self.head(),
            changes: self.changes().collect(),
            patch: self.step.patch.as_ref(),
            notes: self.notes(),
        }
    }
    fn cells(&self, _: &Style) -> Vec<Cell> {
        Vec::new()
    }
}

/// One row per change; a request without changes has one row with `path`, `old`, `new` empty.
pub(super) fn write_csv(out: &mut Out, entries: &[Entry], headers: bool) -> Result<()> {
    let mut csv = CsvRows::new(flatten(&EntryCsv::default())?.keys, headers);
    for e in entries {
        let mut changes: Vec<ChangeRow> = e.changes().collect();
        if changes.is_empty() {
            changes.push(ChangeRow::default());
        }
        for change in changes {
            let row = EntryCsv {
                head: e.head(),
                change,
                patch: e.step.patch.as_ref().map(JsonText),
                notes: e.notes(),
            };
            csv.row(out, &row)?;
        }
    }
    csv.finish(out)
}

/// A writer that hands its bytes back: `write_rows` lays out the request rows, and the detail
/// lines are put between them.
#[derive(Clone, Default)]
struct Capture(Rc<RefCell<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const INDENT: &str = "    ";

/// One line per request (aligned like any kaudit table), each followed by its indented
/// details: notes, changes (`+ added`, `- removed`, `path: old → new`) and patch lines.
pub(super) fn write_table(
    out: &mut Out,
    entries: &[Entry],
    style: &Style,
    wide: bool,
    object: bool,
    any_bodies: bool,
) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let text = request_lines(entries, style, wide, object)?;
    let mut lines = text.lines();
    if style.headers
        && let Some(h) = lines.next()
    {
        writeln!(out, "{h}")?;
    }
    let avail = style
        .width
        .filter(|_| style.fit)
        .map(|w| (w as usize).saturating_sub(INDENT.len()).max(20));
    for (e, line) in entries.iter().zip(lines) {
        writeln!(out, "{line}")?;
        for (tone, d) in details(e, any_bodies, avail) {
            write_detail(out, tone, &d, avail, style.color)?;
        }
    }
    Ok(())
}

/// The request rows laid out as a table (time, user, verb, code, source IP; the object when
/// `object`; audit ID and user agent when `wide`), headers first: text to put details between.
fn request_lines(entries: &[Entry], style: &Style, wide: bool, object: bool) -> Result<String> {
    let mut headers = vec![
        Cell::new("TIME (UTC)"),
        Cell::new("USER"),
        Cell::new("VERB"),
        Cell::num("CODE"),
        Cell::new("SOURCE IP"),
    ];
    let mut right = vec![false, false, false, true, false];
    let mut flex = vec![false, true, false, false, false];
    if object {
        headers.push(Cell::new("OBJECT"));
        right.push(false);
        flex.push(true);
    }
    if wide {
        headers.extend([Cell::new("AUDIT ID"), Cell::new("USER AGENT")]);
        right.extend([false, false]);
        flex.extend([false, true]);
    }
    let rows: Vec<Vec<Cell>> = entries
        .iter()
        .map(|e| {
            let mut row = vec![
                Cell::new(human_time(e.time, style.local)),
                Cell::new(e.user_cell.clone()),
                Cell::new(e.verb_cell()),
                match e.code {
                    Some(c) => Cell::num(c.to_string()).tone(Tone::of_code(Some(c))),
                    None => Cell::num("-").tone(Tone::Dim),
                },
                Cell::new(e.source_ip.clone()),
            ];
            if object {
                row.push(Cell::new(e.object_cell()));
            }
            if wide {
                row.extend([
                    Cell::new(e.audit_id.clone()),
                    Cell::new(e.user_agent.clone()),
                ]);
            }
            row
        })
        .collect();
    let cap = Capture::default();
    let mut buf: Out = Box::new(cap.clone());
    write_rows(
        &mut buf,
        rows,
        style.headers.then_some(headers),
        style,
        &right,
        &flex,
    )?;
    drop(buf);
    Ok(String::from_utf8(cap.0.take())?)
}

/// A request's details, each with its tone: no body logged, its notes, a refusal or the
/// patch's heading, its changes, its patch lines (cut to fit `avail` columns).
fn details(e: &Entry, any_bodies: bool, avail: Option<usize>) -> Vec<(Tone, String)> {
    let mut details: Vec<(Tone, String)> = Vec::new();
    if any_bodies && e.step.write && !e.has_bodies {
        details.push((Tone::Dim, format!("no body logged (level {})", e.level)));
    }
    for n in &e.step.notes {
        details.push((Tone::Dim, n.clone()));
    }
    let asked = !e.step.changes.is_empty() || !e.step.patch_lines.is_empty();
    match &e.step.refused {
        Some(r) if asked => details.push((Tone::Dim, format!("{r}, it asked for:"))),
        Some(r) => details.push((Tone::Dim, r.clone())),
        None if !e.step.patch_lines.is_empty() => details.push((Tone::Dim, "the patch:".into())),
        None => {}
    }
    for c in &e.step.changes {
        details.push(change_line(c, avail));
    }
    for p in &e.step.patch_lines {
        details.push((Tone::Plain, patch_line(p, avail)));
    }
    details
}

/// A detail line, indented, sanitized, cut in its middle to `avail` columns, in its tone's
/// color when `color`.
fn write_detail(
    out: &mut Out,
    tone: Tone,
    d: &str,
    avail: Option<usize>,
    color: bool,
) -> Result<()> {
    let d = sanitize(d).into_owned();
    let d = match avail {
        Some(w) if width(&d) > w => elide_middle(&d, w),
        _ => d,
    };
    let code = match tone {
        Tone::Ok => Some("32"),
        Tone::Bad => Some("31"),
        Tone::Warn => Some("33"),
        Tone::Dim => Some("2"),
        _ => None,
    }
    .filter(|_| color);
    match code {
        Some(c) => writeln!(out, "{INDENT}\x1b[{c}m{d}\x1b[0m")?,
        None => writeln!(out, "{INDENT}{d}")?,
    }
    Ok(())
}

/// Fit a value into `max` columns (sanitized first: the width is what a terminal shows).
fn fit(s: &str, max: Option<usize>) -> String {
    let s = sanitize(s).into_owned();
    match max {
        Some(m) if width(&s) > m => elide_middle(&s, m),
        _ => s,
    }
}

/// `+ data.timeout: "30s"`, `- metadata.labels.team: "x"`, `  spec.replicas: 1 → 2`; long
/// values are cut in their middle to fit `avail` columns.
pub(super) fn change_line(c: &Change, avail: Option<usize>) -> (Tone, String) {
    let room = |n: usize| {
        avail.map(|w| {
            (w.saturating_sub(2 + width(&c.path) + 2 + if n == 2 { 3 } else { 0 }) / n).max(12)
        })
    };
    match (&c.old, &c.new) {
        (None, Some(n)) => (
            Tone::Ok,
            format!("+ {}: {}", c.path, fit(&n.text(), room(1))),
        ),
        (Some(o), None) => (
            Tone::Bad,
            format!("- {}: {}", c.path, fit(&o.text(), room(1))),
        ),
        (Some(o), Some(n)) => (
            Tone::Warn,
            format!(
                "  {}: {} → {}",
                c.path,
                fit(&o.text(), room(2)),
                fit(&n.text(), room(2))
            ),
        ),
        (None, None) => (Tone::Plain, format!("  {}", c.path)),
    }
}

/// `replace /spec/replicas: 2`, `data.new_cart: "false"`, `- metadata.labels.team` (merge
/// patch null: removed).
pub(super) fn patch_line(p: &PatchLine, avail: Option<usize>) -> String {
    let head = match &p.op {
        Some(op) if p.path.is_empty() => op.clone(),
        Some(op) => format!("{op} {}", p.path),
        None if p.value.is_none() => format!("- {}", p.path),
        None => p.path.clone(),
    };
    match &p.value {
        Some(v) if head.is_empty() => fit(&v.text(), avail),
        Some(v) => {
            let room = avail.map(|w| w.saturating_sub(width(&head) + 2).max(12));
            format!("{head}: {}", fit(&v.text(), room))
        }
        None => head,
    }
}
