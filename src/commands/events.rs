//! `kaudit events`: one row per matching request, in the order requests completed (or by
//! received time with `--sort received`), or one row per stage event with `--per-stage`, or the
//! original lines with `-o raw` (their bodies' secrets redacted unless `--show-secrets`; to a
//! terminal, what a terminal would obey written as JSON escapes: `term::raw_for_terminal`).
//!
//! With `--bodies`, each JSON object (and CSV row) also has the request's `requestObject` and
//! `responseObject`, read from the raw lines of its stages (`event::LineBodies`) after each line
//! is redacted as `-o raw` prints it (`redact::raw_line`): the same secrets hidden, one
//! redactor. The scan then keeps raw lines, but only those with a body
//! (`Sink::RAW_FOR_BODIES`); without `--bodies` nothing of a body is read or kept.
//!
//! Rows are handed to the writer as soon as each request completes, so streamed input shows
//! results live; only `--sort received` holds rows until the end.

use std::io::Write;

use anyhow::{Result, bail};
use serde_json::Value;

use crate::cli::{EventsArgs, EventsFormat, SortOrder};
use crate::commands::{Outcome, outcome};
use crate::config::Config;
use crate::correlate::meaning::PSA_ENFORCE;
use crate::correlate::{Mark, Request};
use crate::event::LineBodies;
use crate::render::{
    Cell, Column, Record, Style, Time, Tone, Writer, flat::flatten, human_latency, human_time,
};
use crate::scan::{self, Flow, Sink};
use crate::term::{Diag, Out};

const fn col(header: &'static str, max: usize, right: bool) -> Column {
    // wide columns are names and URIs: the ones worth cutting to fit a terminal
    Column {
        header,
        max,
        right,
        flex: max >= 24,
        drop: 0,
        day: false,
    }
}

/// A column left out on a narrow terminal before a name is cut (`priority`: higher goes first).
const fn optional(c: Column, priority: u8) -> Column {
    Column {
        drop: priority,
        ..c
    }
}

/// The verb: as wide as `deletecollection` where there is room, wrapped (a rare long verb)
/// before a name is cut where there is not.
const VERB: Column = Column {
    flex: true,
    ..col("VERB", 16, false)
};

/// A time column (its shared date moves to the header on a narrow terminal).
const fn time(header: &'static str) -> Column {
    Column {
        day: true,
        ..col(header, 23, false)
    }
}

static COLUMNS: &[Column] = &[
    time("TIME (UTC)"),
    col("USER", 34, false),
    VERB,
    col("RESOURCE", 24, false),
    col("OBJECT", 40, false),
    col("CODE", 4, true),
    optional(col("LATENCY", 8, true), 1),
    optional(col("SOURCE IP", 15, false), 2),
];

static WIDE: &[Column] = &[
    time("TIME (UTC)"),
    col("USER", 34, false),
    VERB,
    col("RESOURCE", 24, false),
    col("OBJECT", 40, false),
    col("CODE", 4, true),
    col("LATENCY", 8, true),
    col("SOURCE IP", 15, false),
    col("DECISION", 8, false),
    col("STAGES", 11, false),
    col("NOTES", 24, false),
    col("CLUSTER", 20, false),
    col("APISERVER", 24, false),
    col("AUDIT ID", 36, false),
    col("USER AGENT", 40, false),
    col("URI", 60, false),
];

static STAGE_COLUMNS: &[Column] = &[
    time("TIME (UTC)"),
    col("STAGE", 16, false),
    col("USER", 34, false),
    VERB,
    col("RESOURCE", 24, false),
    col("OBJECT", 40, false),
    col("CODE", 4, true),
    optional(col("SOURCE IP", 15, false), 1),
];

static STAGE_WIDE: &[Column] = &[
    time("TIME (UTC)"),
    col("STAGE", 16, false),
    col("USER", 34, false),
    VERB,
    col("RESOURCE", 24, false),
    col("OBJECT", 40, false),
    col("CODE", 4, true),
    col("SOURCE IP", 15, false),
    col("AUDIT ID", 36, false),
    col("LOCATION", 40, false),
    col("URI", 60, false),
];

pub fn run(args: &EventsArgs, cfg: &Config, diag: &Diag, out: &mut Out) -> Result<Outcome> {
    if args.bodies && matches!(args.output.output, EventsFormat::Table | EventsFormat::Wide) {
        bail!(
            "--bodies adds requestObject and responseObject to -o json, ndjson and csv; a table has no room for them (use -o json, or -o raw for the lines as logged)"
        );
    }
    let inputs = crate::commands::inputs(&args.input.paths, diag)?;
    let live = inputs.iter().any(|i| i.path.is_none()) && args.sort == SortOrder::Completed;
    let style = crate::commands::style(cfg, &args.output);
    // -o raw writes lines, not rows (it has no row format)
    let format = args.output.output.rows();
    let raw = format.is_none();
    // raw lines carry their bodies already
    let bodies = args.bodies && !raw;
    // every field of a row, in order: the CSV header
    let template = RequestJson::template(bodies);
    let header = if args.stages {
        flatten(&StageJson::of(template))?.keys
    } else {
        flatten(&template)?.keys
    };
    let received = args.sort == SortOrder::Received;
    let (columns, wide) = if args.stages {
        (STAGE_COLUMNS.to_vec(), STAGE_WIDE.to_vec())
    } else {
        // a request's row shows the time its rows are in the order of
        let time = |cols: &[Column]| {
            let mut cols = cols.to_vec();
            cols[0].header = if received {
                "RECEIVED (UTC)"
            } else {
                "COMPLETED (UTC)"
            };
            cols
        };
        (time(COLUMNS), time(WIDE))
    };
    let rows = Writer::new(
        format.map_or(crate::render::Format::Ndjson, Into::into),
        &columns,
        &wide,
        header,
        style,
        live,
    );
    let mut sink = EventsSink {
        out,
        rows,
        raw,
        tty: cfg.stdout_tty,
        show_secrets: args.show_secrets,
        bodies,
        stages: args.stages,
        limit: args.limit.rows(None),
        emitted: 0,
        hold: received,
        held: Vec::new(),
        files: inputs.iter().map(|i| i.name.clone()).collect(),
    };
    let stats = if bodies {
        scan::Scan::new(cfg)
            .keep_raw(true)
            .run(&inputs, diag, &mut ForBodies(&mut sink))?
    } else {
        scan::Scan::new(cfg)
            .keep_raw(raw)
            .run(&inputs, diag, &mut sink)?
    };
    if sink.hold {
        let mut held = std::mem::take(&mut sink.held);
        held.sort_by_key(|r| r.time());
        for r in &held {
            if sink.emit(r)? == Flow::Stop {
                break;
            }
        }
    }
    if !raw {
        sink.rows.finish(sink.out)?;
    }
    sink.out.flush()?;
    Ok(outcome(&stats, cfg, diag, sink.emitted > 0))
}

struct EventsSink<'o> {
    out: &'o mut Out,
    rows: Writer,
    raw: bool,
    /// stdout is a terminal: raw lines go through `term::raw_for_terminal`.
    tty: bool,
    /// `--show-secrets`: raw lines and bodies as read.
    show_secrets: bool,
    /// `--bodies` (not `-o raw`): each row has its bodies.
    bodies: bool,
    stages: bool,
    limit: Option<usize>,
    emitted: usize,
    hold: bool,
    held: Vec<Request<'static>>,
    files: Vec<String>,
}

impl EventsSink<'_> {
    fn emit(&mut self, r: &Request<'_>) -> Result<Flow> {
        if self.limit.is_some_and(|l| self.emitted >= l) {
            return Ok(Flow::Stop);
        }
        let files = &self.files;
        let file = |m: &Mark| file_of(files, m);
        if self.raw {
            for m in &r.marks {
                if let Some(raw) = &m.raw {
                    // byte-exact but for the bodies' secrets (crate::redact)
                    let raw = crate::redact::raw_line(raw, self.show_secrets);
                    if self.tty {
                        self.out.write_all(&crate::term::raw_for_terminal(&raw))?;
                    } else {
                        self.out.write_all(&raw)?;
                    }
                    self.out.write_all(b"\n")?;
                }
            }
        } else if self.stages {
            // --limit counts the rows printed: here, stage events
            for m in &r.marks {
                if self.limit.is_some_and(|l| self.emitted >= l) {
                    return Ok(Flow::Stop);
                }
                let rec = StageRow {
                    r,
                    m,
                    file: file(m),
                    bodies: self
                        .bodies
                        .then(|| Shown::read(r, std::slice::from_ref(m), false, self.show_secrets)),
                };
                self.rows.row(self.out, &rec)?;
                self.emitted += 1;
            }
            return Ok(if self.limit.is_some_and(|l| self.emitted >= l) {
                Flow::Stop
            } else {
                Flow::More
            });
        } else {
            let last = r.marks.last();
            let rec = RequestRow {
                r,
                received: self.hold,
                file: last.map_or("", file),
                bodies: self
                    .bodies
                    .then(|| Shown::read(r, &r.marks, true, self.show_secrets)),
            };
            self.rows.row(self.out, &rec)?;
        }
        self.emitted += 1;
        Ok(if self.limit.is_some_and(|l| self.emitted >= l) {
            Flow::Stop
        } else {
            Flow::More
        })
    }
}

impl Sink for EventsSink<'_> {
    type Part = scan::NoPart;
    fn part(&self) -> scan::NoPart {
        scan::NoPart
    }
    // rows in order: every request comes through `request`
    const FOLDS: bool = false;
    fn fold(_: &mut scan::NoPart, _: &Request<'_>) -> bool {
        false
    }
    fn absorb(&mut self, _: scan::NoPart) {}
    fn request(&mut self, r: Request<'_>) -> Result<Flow> {
        if self.hold {
            self.held.push(r.into_owned());
            return Ok(Flow::More);
        }
        self.emit(&r)
    }
    fn renderer(&self) -> Option<std::sync::Arc<dyn scan::Render>> {
        self.json_render()
    }
    fn rendered(&mut self, r: &Request<'_>, before: &[u8], after: &[u8]) -> Result<Flow> {
        self.made(r, before, after)
    }
    fn flush(&mut self) -> Result<()> {
        self.rows.flush(self.out)
    }
}

impl EventsSink<'_> {
    /// Rows made on the workers: JSON and NDJSON rows of requests, in the order they come
    /// (not held for `--sort received`).
    fn json_render(&self) -> Option<std::sync::Arc<dyn scan::Render>> {
        let json = matches!(self.rows, Writer::Json(_));
        (json && !self.raw && !self.stages && !self.hold).then(|| {
            std::sync::Arc::new(JsonRender {
                files: self.files.clone(),
                bodies: self.bodies,
                show_secrets: self.show_secrets,
            }) as std::sync::Arc<dyn scan::Render>
        })
    }

    /// A row a worker made ([`JsonRender`]), written as [`Self::emit`] writes it.
    fn made(&mut self, r: &Request<'_>, before: &[u8], after: &[u8]) -> Result<Flow> {
        if self.limit.is_some_and(|l| self.emitted >= l) {
            return Ok(Flow::Stop);
        }
        self.rows.made(self.out, before, r.location().1, after)?;
        self.emitted += 1;
        Ok(if self.limit.is_some_and(|l| self.emitted >= l) {
            Flow::Stop
        } else {
            Flow::More
        })
    }
}

/// The name of the input an event was read from.
fn file_of<'f>(files: &'f [String], m: &Mark) -> &'f str {
    files.get(m.file as usize).map_or("", String::as_str)
}

/// The JSON of a request's row, made on a worker: everything but the line number, which
/// counts the lines of the chunks before (see `scan::Render`). The bytes are those
/// [`RequestRow`]'s row serializes to (`json_rows_made_on_workers_are_the_rows`).
struct JsonRender {
    files: Vec<String>,
    bodies: bool,
    show_secrets: bool,
}

impl scan::Render for JsonRender {
    fn render(&self, r: &Request<'_>, text: &mut Vec<u8>) -> Option<usize> {
        let start = text.len();
        let file = r.marks.last().map_or("", |m| file_of(&self.files, m));
        let shown = self
            .bodies
            .then(|| Shown::read(r, &r.marks, true, self.show_secrets));
        let mut row = RequestJson::new(r, file, 0).with(shown.as_ref());
        row.line = None;
        let tail = BodiesJson {
            request_object: row.request_object.take(),
            response_object: row.response_object.take(),
            bodies: row.bodies.take(),
        };
        // `{...,"file":"…"}`, its brace taken off for the line
        crate::render::json::to_writer(&mut *text, &row).ok()?;
        if text.pop() != Some(b'}') {
            return None;
        }
        text.extend_from_slice(b",\"line\":");
        let hole = text.len() - start;
        // `{}`, or the bodies' members to follow it
        let at = text.len();
        crate::render::json::to_writer(&mut *text, &tail).ok()?;
        if text[at..] == *b"{}" {
            text.truncate(at);
            text.push(b'}');
        } else {
            text[at] = b',';
        }
        Some(hole)
    }
}

/// The sink with `--bodies`: raw lines are kept only to read bodies, so a line the parser saw
/// had none is not kept (an ordered sink: its requests come through `request`).
struct ForBodies<'s, 'o>(&'s mut EventsSink<'o>);

impl Sink for ForBodies<'_, '_> {
    type Part = scan::NoPart;
    fn part(&self) -> scan::NoPart {
        scan::NoPart
    }
    const FOLDS: bool = false;
    const RAW_FOR_BODIES: bool = true;
    fn fold(_: &mut scan::NoPart, _: &Request<'_>) -> bool {
        false
    }
    fn absorb(&mut self, _: scan::NoPart) {}
    fn request(&mut self, r: Request<'_>) -> Result<Flow> {
        self.0.request(r)
    }
    fn renderer(&self) -> Option<std::sync::Arc<dyn scan::Render>> {
        self.0.json_render()
    }
    fn rendered(&mut self, r: &Request<'_>, before: &[u8], after: &[u8]) -> Result<Flow> {
        self.0.made(r, before, after)
    }
    fn flush(&mut self) -> Result<()> {
        self.0.flush()
    }
}

/// Why a body is `null`, or that it is there: the `bodies` member with `--bodies`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
enum Why {
    /// Given.
    Logged,
    /// The audit level does not log it (`Metadata`: neither body; `Request`: the response).
    Level,
    /// A line that has it could not be read (nested past serde_json's 128 levels, its key
    /// given twice).
    Unreadable,
    /// The API server left the bodies out of an event too large (`audit.k8s.io/truncated`).
    Truncated,
    /// The request's final stage is not in the log (the bodies come with it).
    Incomplete,
    /// The log has none where the level would show one: the request sent none (get, list,
    /// watch, delete without options) or the API server logs no response (long-running
    /// requests); with `--per-stage`, this stage event carries none.
    None,
}

/// `{"request": WHY, "response": WHY}`.
#[derive(Debug, Clone, Copy, serde::Serialize)]
struct Whys {
    request: Why,
    response: Why,
}

/// A request's bodies (or one stage event's) as `--bodies` shows them.
struct Shown {
    request: Option<Value>,
    response: Option<Value>,
    why: Whys,
}

impl Shown {
    /// The bodies in the raw lines of `marks`, each the last one that has it (the completing
    /// stage's, usually), read from the line as `-o raw` prints it: its secrets redacted by
    /// `redact::raw_line` unless `show`. `whole`: the marks are all of `r`'s (not one stage
    /// event's).
    fn read(r: &Request<'_>, marks: &[Mark<'_>], whole: bool, show: bool) -> Shown {
        let (mut request, mut response) = (None, None);
        let mut unreadable = [false; 2];
        for m in marks.iter().rev() {
            if request.is_some() && response.is_some() {
                break;
            }
            let Some(raw) = &m.raw else { continue };
            let b = LineBodies::read(&crate::redact::raw_line(raw, show));
            // an error: nested too deep, or not one JSON object (raw_line then prints a
            // placeholder in its place)
            for (i, (have, read)) in [(&mut request, b.request), (&mut response, b.response)]
                .into_iter()
                .enumerate()
            {
                match read {
                    Ok(v) if have.is_none() => *have = v,
                    Ok(_) => {}
                    Err(_) => unreadable[i] = true,
                }
            }
        }
        // the bodies come with a request's last stage: without it, none is expected (one stage
        // event's row is about that event alone)
        let incomplete = whole && r.incomplete();
        let why = |v: &Option<Value>, response: bool| {
            let unreadable = unreadable[usize::from(response)];
            let level = match &*r.level {
                "None" | "Metadata" => false,
                "Request" => !response,
                // RequestResponse, or a log that does not say
                _ => true,
            };
            if v.is_some() {
                Why::Logged
            } else if !level {
                Why::Level
            } else if unreadable {
                Why::Unreadable
            } else if r.truncated {
                Why::Truncated
            } else if incomplete {
                Why::Incomplete
            } else {
                Why::None
            }
        };
        let why = Whys {
            request: why(&request, false),
            response: why(&response, true),
        };
        Shown {
            request,
            response,
            why,
        }
    }
}

/// `ops-admin as eve`, or `-` for a request with no user (failed authentication).
pub fn user_cell(r: &Request) -> String {
    let u = if r.user.is_empty() { "-" } else { &r.user };
    if r.impersonated_user.is_empty() {
        u.to_string()
    } else {
        format!("{u} as {}", r.impersonated_user)
    }
}

/// The verb, marked when the request was a dry run (`delete [dry run]`) or may have been
/// one (`delete [dry run?]`: a delete logged without its body), and when it was a
/// server-side apply (`patch [apply]`).
pub fn verb_cell(r: &Request) -> String {
    let dry = r.dry_run().marker();
    let apply = if r.is_apply() { "apply" } else { "" };
    match (dry.is_empty(), apply.is_empty()) {
        (true, true) => r.verb.to_string(),
        (false, true) => format!("{} [{dry}]", r.verb),
        (true, false) => format!("{} [{apply}]", r.verb),
        (false, false) => format!("{} [{apply}, {dry}]", r.verb),
    }
}

/// The annotations worth a look, as short labels (`correlate/meaning.rs`'s `NOTABLE`):
/// `psa=restricted:latest, psa-violations, legacy-token`; Pod Security's level with its value.
pub fn notes_cell(r: &Request) -> String {
    r.notable()
        .into_iter()
        .map(|label| match (label, r.annotation(PSA_ENFORCE)) {
            ("psa", Some(v)) => format!("psa={v}"),
            _ => label.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn code_cell(r: &Request) -> Cell {
    match r.code {
        Some(c) => Cell::num(c.to_string()).tone(Tone::of_code(Some(c))),
        None => Cell::num("-").tone(Tone::Dim),
    }
}

/// The address that connected (the last of sourceIPs; the others are client-set headers).
fn ip_cell(r: &Request) -> String {
    r.source_ip().to_string()
}

/// Milliseconds, rounded to the microsecond.
fn latency_value(r: &Request) -> Option<f64> {
    r.latency_ms().map(|ms| (ms * 1000.0).round() / 1000.0)
}

/// Strings written as a JSON list, borrowed from the request (no list built per row).
#[derive(Default, Clone, Copy)]
struct Strs<'a>(&'a [std::borrow::Cow<'a, str>]);

impl serde::Serialize for Strs<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|v| &**v))
    }
}

/// A request's stages by name, in stage order.
#[derive(Default, Clone, Copy)]
struct Stages(crate::event::StageSet);

impl serde::Serialize for Stages {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|st| st.name()))
    }
}

/// The JSON form of a request (docs/json.md documents these fields), borrowing the request's
/// text: written as it is serialized, a long field is not copied on its way out.
#[derive(serde::Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct RequestJson<'a> {
    #[serde(rename = "auditID")]
    audit_id: &'a str,
    received: Time,
    started: Time,
    completed: Time,
    /// `null` when not known (or not finite: serde_json writes those `null` too).
    latency_ms: Option<f64>,
    user: &'a str,
    groups: Strs<'a>,
    impersonated_user: Option<&'a str>,
    impersonated_groups: Strs<'a>,
    #[serde(rename = "sourceIPs")]
    source_ips: Strs<'a>,
    user_agent: Option<&'a str>,
    verb: &'a str,
    api_group: Option<&'a str>,
    api_version: Option<&'a str>,
    resource: Option<&'a str>,
    subresource: Option<&'a str>,
    namespace: Option<&'a str>,
    name: Option<&'a str>,
    #[serde(rename = "requestURI")]
    request_uri: &'a str,
    level: Option<&'a str>,
    code: Option<i64>,
    status_reason: Option<&'a str>,
    status_message: Option<&'a str>,
    decision: Option<&'a str>,
    reason: Option<&'a str>,
    /// `null`: a delete logged without its body, which the log cannot tell.
    dry_run: Option<bool>,
    field_manager: Option<std::borrow::Cow<'a, str>>,
    annotations: Pairs<'a>,
    user_extra: Pairs<'a, Strs<'a>>,
    stages: Stages,
    incomplete: bool,
    cluster: Option<&'a str>,
    apiserver: Option<&'a str>,
    file: &'a str,
    /// Always given but by a worker's [`JsonRender`], which leaves the number to the merge.
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
    /// `--bodies`: `Some(None)` is written `null`; without it, not written.
    #[serde(rename = "requestObject", skip_serializing_if = "Option::is_none")]
    request_object: Option<Option<&'a Value>>,
    #[serde(rename = "responseObject", skip_serializing_if = "Option::is_none")]
    response_object: Option<Option<&'a Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bodies: Option<Whys>,
}

impl<'a> RequestJson<'a> {
    fn new(r: &'a Request, file: &'a str, line: u64) -> RequestJson<'a> {
        let opt = |s: &'a str| (!s.is_empty()).then_some(s);
        RequestJson {
            audit_id: &r.audit_id,
            received: Time(r.time()),
            started: Time(r.started),
            completed: Time(r.completed),
            latency_ms: latency_value(r),
            user: &r.user,
            groups: Strs(&r.groups),
            impersonated_user: opt(&r.impersonated_user),
            impersonated_groups: Strs(&r.impersonated_groups),
            source_ips: Strs(&r.source_ips),
            user_agent: opt(&r.user_agent),
            verb: &r.verb,
            api_group: opt(&r.api_group),
            api_version: opt(&r.api_version),
            resource: opt(&r.resource),
            subresource: opt(&r.subresource),
            namespace: opt(&r.namespace),
            name: opt(&r.name),
            request_uri: &r.request_uri,
            level: opt(&r.level),
            code: r.code,
            status_reason: opt(&r.status_reason),
            status_message: opt(&r.status_message),
            decision: opt(&r.decision),
            // an empty reason with a decision is "" (the server wrote it so), not absent
            reason: (!r.decision.is_empty()).then_some(&*r.authz_reason),
            dry_run: r.dry_run().json(),
            field_manager: Some(r.field_manager()).filter(|m| !m.is_empty()),
            annotations: Pairs(r.all_annotations()),
            user_extra: extra_pairs(r),
            stages: Stages(r.stages),
            incomplete: r.incomplete(),
            cluster: opt(&r.cluster),
            apiserver: opt(&r.apiserver),
            file,
            line: Some(line),
            request_object: None,
            response_object: None,
            bodies: None,
        }
    }

    /// A row with every field (its keys are the CSV header): `bodies`, with `--bodies`'.
    fn template(bodies: bool) -> RequestJson<'static> {
        let why = Whys {
            request: Why::None,
            response: Why::None,
        };
        RequestJson {
            line: Some(0),
            request_object: bodies.then_some(None),
            response_object: bodies.then_some(None),
            bodies: bodies.then_some(why),
            ..RequestJson::default()
        }
    }

    /// With the bodies `--bodies` read.
    fn with(mut self, b: Option<&'a Shown>) -> RequestJson<'a> {
        if let Some(b) = b {
            self.request_object = Some(b.request.as_ref());
            self.response_object = Some(b.response.as_ref());
            self.bodies = Some(b.why);
        }
        self
    }
}

/// A stage event's row (`--per-stage`): its request's, then the stage's own fields, then its
/// bodies (`--bodies`).
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct StageJson<'a> {
    #[serde(flatten)]
    request: RequestJson<'a>,
    stage: &'static str,
    stage_timestamp: Time,
    stage_code: Option<i64>,
    #[serde(flatten)]
    bodies: BodiesJson<'a>,
}

/// `--bodies`' fields, last: not written without it.
#[derive(serde::Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct BodiesJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    request_object: Option<Option<&'a Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_object: Option<Option<&'a Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bodies: Option<Whys>,
}

impl<'a> StageJson<'a> {
    /// The stage fields of an empty row, the bodies moved from `r` (for the CSV header).
    fn of(mut r: RequestJson<'a>) -> StageJson<'a> {
        let bodies = BodiesJson {
            request_object: r.request_object.take(),
            response_object: r.response_object.take(),
            bodies: r.bodies.take(),
        };
        StageJson {
            request: r,
            stage: "",
            stage_timestamp: Time(None),
            stage_code: None,
            bodies,
        }
    }
}

/// Key-value pairs written as a JSON object, in their order.
#[derive(Default)]
struct Pairs<'a, V = &'a str>(Vec<(&'a str, V)>);

impl<V: serde::Serialize> serde::Serialize for Pairs<'_, V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// `user.extra` as JSON writes it: each key and its list of values.
fn extra_pairs<'a>(r: &'a Request) -> Pairs<'a, Strs<'a>> {
    Pairs(r.extra.iter().map(|(k, v)| (&**k, Strs(v))).collect())
}

struct RequestRow<'r, 'a> {
    r: &'r Request<'a>,
    /// Rows are in the order requests were received (`--sort received`): the table shows that
    /// time; else the time each completed (for an incomplete one, its last event's).
    received: bool,
    file: &'r str,
    bodies: Option<Shown>,
}

impl Record for RequestRow<'_, '_> {
    type Row<'x>
        = RequestJson<'x>
    where
        Self: 'x;
    fn row(&self) -> RequestJson<'_> {
        RequestJson::new(self.r, self.file, self.r.location().1).with(self.bodies.as_ref())
    }
    fn cells(&self, style: &Style) -> Vec<Cell> {
        let r = self.r;
        let latency = if r.incomplete() {
            "incomplete".to_string()
        } else {
            human_latency(r.latency_ms())
        };
        let time = if self.received {
            r.time()
        } else {
            r.completed
                .or_else(|| r.marks.iter().filter_map(|m| m.time).max())
        };
        vec![
            Cell::new(human_time(time, style.local)),
            Cell::new(user_cell(r)),
            Cell::new(verb_cell(r)),
            Cell::new(r.resource_path()),
            Cell::new(r.object_path()),
            code_cell(r),
            Cell::num(latency).tone(if r.incomplete() {
                Tone::Dim
            } else {
                Tone::Plain
            }),
            Cell::new(ip_cell(r)),
            Cell::new(r.decision.to_string()),
            Cell::new(r.stages.short()),
            Cell::new(notes_cell(r)),
            Cell::new(r.cluster.to_string()),
            Cell::new(r.apiserver.to_string()),
            Cell::new(r.audit_id.to_string()),
            Cell::new(r.user_agent.to_string()),
            Cell::new(r.request_uri.to_string()),
        ]
    }
}

struct StageRow<'r, 'a> {
    r: &'r Request<'a>,
    m: &'r Mark<'a>,
    file: &'r str,
    bodies: Option<Shown>,
}

impl Record for StageRow<'_, '_> {
    type Row<'x>
        = StageJson<'x>
    where
        Self: 'x;
    fn row(&self) -> StageJson<'_> {
        let m = self.m;
        let mut row =
            StageJson::of(RequestJson::new(self.r, self.file, m.line).with(self.bodies.as_ref()));
        row.stage = m.stage.name();
        row.stage_timestamp = Time(m.time);
        row.stage_code = m.code;
        row
    }
    fn cells(&self, style: &Style) -> Vec<Cell> {
        let (r, m) = (self.r, self.m);
        vec![
            Cell::new(human_time(m.time, style.local)),
            Cell::new(m.stage.name()),
            Cell::new(user_cell(r)),
            Cell::new(verb_cell(r)),
            Cell::new(r.resource_path()),
            Cell::new(r.object_path()),
            match m.code {
                Some(c) => Cell::num(c.to_string()).tone(Tone::of_code(Some(c))),
                None => Cell::num("-").tone(Tone::Dim),
            },
            Cell::new(ip_cell(r)),
            Cell::new(r.audit_id.to_string()),
            Cell::new(format!("{}:{}", self.file, m.line)),
            Cell::new(r.request_uri.to_string()),
        ]
    }
}
