//! The output of `history`: one entry per request shown, as a table (a row per request, its
//! notes, changes and patch lines indented below it), CSV (a row per change) or JSON. It does
//! not decide what a request did (`state.rs`).

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

use anyhow::Result;
use serde_json::{Value, json};

use super::diff::Change;
use super::patch::PatchLine;
use super::state::Step;
use crate::commands::events::user_cell;
use crate::correlate::Request;
use crate::event::Ts;
use crate::redact::Shown;
use crate::render::csv::write_record;
use crate::render::table::{elide_middle, width, write_rows};
use crate::render::{Cell, Record, Style, Tone, human_time, machine_time};
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
    /// The request's cluster (README, "Many clusters"), empty when nothing names it.
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
            // the address that connected; earlier entries come from client-set headers
            source_ip: r
                .source_ips
                .last()
                .map_or_else(String::new, |s| s.to_string()),
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

    fn changes_json(&self) -> Value {
        let v = |s: &Option<Shown>| s.as_ref().map_or(Value::Null, |s| s.value.clone());
        Value::Array(
            self.step
                .changes
                .iter()
                .map(|c| json!({"path": c.path, "old": v(&c.old), "new": v(&c.new)}))
                .collect(),
        )
    }
}

fn opt(s: &str) -> Value {
    if s.is_empty() {
        Value::Null
    } else {
        Value::String(s.to_string())
    }
}

impl Record for Entry {
    fn cells(&self, _: &Style) -> Vec<Cell> {
        Vec::new()
    }
    fn fields(&self) -> Vec<String> {
        Vec::new()
    }
    /// The JSON form (the README documents these fields).
    fn json(&self) -> Value {
        json!({
            "time": machine_time(self.time),
            "auditID": self.audit_id,
            "user": self.user,
            "impersonatedUser": opt(&self.impersonated_user),
            "verb": self.verb,
            "subresource": opt(&self.subresource),
            "namespace": opt(&self.namespace),
            "name": self.name,
            "cluster": opt(&self.cluster),
            "code": self.code,
            "statusReason": opt(&self.status_reason),
            "sourceIP": opt(&self.source_ip),
            "userAgent": opt(&self.user_agent),
            "level": opt(&self.level),
            "requestURI": self.request_uri,
            "dryRun": self.dry_run,
            "fieldManager": opt(&self.field_manager),
            "applied": self.step.applied,
            "changes": self.changes_json(),
            "patch": self.step.patch.clone().unwrap_or(Value::Null),
            "notes": self.step.refused.iter().chain(&self.step.notes).collect::<Vec<_>>(),
        })
    }
}

/// CSV columns: the request's, then one change per row (`path`, `old`, `new` as JSON text).
pub(super) static CSV: &[&str] = &[
    "time",
    "auditID",
    "user",
    "impersonatedUser",
    "verb",
    "subresource",
    "namespace",
    "name",
    "cluster",
    "code",
    "statusReason",
    "sourceIP",
    "userAgent",
    "level",
    "requestURI",
    "dryRun",
    "fieldManager",
    "applied",
    "path",
    "old",
    "new",
    "patch",
    "notes",
];

/// One row per change; a request without changes has one row with `path`, `old`, `new` empty.
pub(super) fn write_csv(out: &mut Out, entries: &[Entry], headers: bool) -> Result<()> {
    if headers {
        write_record(out, CSV)?;
    }
    let text = |s: &Option<Shown>| {
        s.as_ref()
            .map_or_else(String::new, |s| crate::render::json::to_string(&s.value))
    };
    for e in entries {
        let head = [
            e.time.map(|t| t.rfc3339()).unwrap_or_default(),
            e.audit_id.clone(),
            e.user.clone(),
            e.impersonated_user.clone(),
            e.verb.clone(),
            e.subresource.clone(),
            e.namespace.clone(),
            e.name.clone(),
            e.cluster.clone(),
            e.code.map(|c| c.to_string()).unwrap_or_default(),
            e.status_reason.clone(),
            e.source_ip.clone(),
            e.user_agent.clone(),
            e.level.clone(),
            e.request_uri.clone(),
            e.dry_run.map(|a| a.to_string()).unwrap_or_default(),
            e.field_manager.clone(),
            e.step.applied.map(|a| a.to_string()).unwrap_or_default(),
        ];
        let patch = e
            .step
            .patch
            .as_ref()
            .map(crate::render::json::to_string)
            .unwrap_or_default();
        let notes = e
            .step
            .refused
            .iter()
            .chain(&e.step.notes)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("; ");
        let rows: Vec<[String; 3]> = if e.step.changes.is_empty() {
            vec![Default::default()]
        } else {
            e.step
                .changes
                .iter()
                .map(|c| [c.path.clone(), text(&c.old), text(&c.new)])
                .collect()
        };
        for [path, old, new] in rows {
            let mut rec: Vec<String> = head.to_vec();
            rec.extend([path, old, new, patch.clone(), notes.clone()]);
            write_record(out, rec)?;
        }
    }
    Ok(())
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
    let text = String::from_utf8(cap.0.take())?;
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

/// The indented lines under a request's row: why it has no body, its notes, whether it was
/// refused, its changes and patch lines.
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

/// One detail line, indented, sanitized, cut to `avail` columns and coloured by its tone.
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
