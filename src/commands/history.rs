//! `kaudit history KIND/NAME`: every request that touched one object, in the order they were
//! received (who, as whom, verb, code, time, source IP) and, when the log has bodies (level
//! Request or RequestResponse), what each write changed: a diff of flattened JSON paths against
//! the object's previous known state, the fields a create set, or the patch body.
//!
//! The scan is limited to the object's resource (and namespace, with `-n`), so the prefilter
//! skips every other line. The object's state is followed through all of those requests in the
//! order they completed (the order the API server applied them); the user's other filters only
//! choose which requests are shown, so a diff never credits one request with another's change.
//! Bodies are parsed here, with `serde_json::Value`, from the original lines of the requests on
//! the object only (`event.rs` still skips them). Every value shown goes through
//! [`crate::redact`] (Secret data, credential-named keys and list elements, found by name, by
//! position or by a JSON patch index, credential-shaped text), in every format, patch bodies and
//! the last-applied annotation included, unless `--show-secrets`; when it cannot tell, it
//! redacts. This module does not follow an object's dependents (a Deployment's ReplicaSets are
//! other objects).

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Write;
use std::rc::Rc;

use anyhow::{Result, anyhow};
use serde_json::{Value, json};

use crate::cli::{Format, HistoryArgs};
use crate::commands::events::user_cell;
use crate::commands::{Outcome, outcome, reject_format};
use crate::config::Config;
use crate::correlate::Request;
use crate::event::Ts;
use crate::filter::{Filter, FilterSpec, ResourceSel, parse_resource};
use crate::input;
use crate::redact::{Redactor, Seg, Shown, credential_arg, element, op_paths, well_formed};
use crate::render::csv::write_record;
use crate::render::json::JsonRows;
use crate::render::table::{elide_middle, width, write_rows};
use crate::render::{Cell, Record, Rows, Style, Tone, human_time, machine_time};
use crate::scan::{self, Flow, Sink};
use crate::term::{Diag, Out, sanitize};

const EXAMPLE: &str = "(example: kaudit history cm/feature-toggles -n staging)";

/// Said once, on stderr, when none of the requests shown carries a body.
pub const NO_BODIES: &str = "the log has no request or response bodies for these requests \
(audit level Metadata): shown are who, verb, code and time, not what changed; an audit policy \
level of Request or RequestResponse records the objects";

/// The object asked about: `KIND/NAME`.
#[derive(Debug, Clone)]
pub struct Target {
    /// KIND as given (`cm`, `deployments.apps`), for the scan filter.
    pub kind: String,
    pub sel: ResourceSel,
    pub name: String,
}

impl Target {
    /// `cm/feature-toggles`, `deployments.apps/checkout-ui`, `pods/exec/debug-box` (the name is
    /// after the last slash; object names have none).
    pub fn parse(s: &str) -> Result<Target> {
        let bad = |why: &str| anyhow!("KIND/NAME: {s:?} {why} {EXAMPLE}");
        let Some((kind, name)) = s.rsplit_once('/') else {
            return Err(bad(
                "is not KIND/NAME; write the resource, a slash and the object's name",
            ));
        };
        if kind.is_empty() {
            return Err(bad("has no KIND before the slash"));
        }
        if name.is_empty() {
            return Err(bad("has no NAME after the slash"));
        }
        if name.contains(['*', '?']) || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad(
                "does not name one object: NAME is an exact name (no globs, no spaces)",
            ));
        }
        if kind == "*" || kind.starts_with("*/") {
            return Err(bad("needs a resource as KIND, not *"));
        }
        let sel = parse_resource(kind).map_err(|_| {
            bad("has no valid KIND; write a plural, singular or short name (cm, deploy, secret), NAME.GROUP or NAME/SUBRESOURCE")
        })?;
        Ok(Target {
            kind: kind.to_string(),
            sel,
            name: name.to_string(),
        })
    }

    /// `configmaps staging/feature-toggles` for messages.
    fn describe(&self, namespaces: &[String]) -> String {
        let kind = match &self.sel.subresource {
            Some(s) => format!("{}/{s}", self.sel.resource),
            None => self.sel.resource.clone(),
        };
        match namespaces {
            [ns] => format!("{kind} {ns}/{}", self.name),
            [] => format!("{kind} {}", self.name),
            many => format!("{kind} {} in {}", self.name, many.join(",")),
        }
    }
}

pub fn run(
    args: &HistoryArgs,
    target: &Target,
    mut cfg: Config,
    diag: &Diag,
    out: &mut Out,
) -> Result<Outcome> {
    let format = args.output.output;
    if format == Format::Raw {
        reject_format(format, "history")?;
    }
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
    cfg.prefilter = if args.input.no_prefilter || args.input.strict {
        None
    } else {
        scope.prefilter()
    };
    let shown = std::mem::replace(&mut cfg.filter, scope);
    let mut sink = HistorySink {
        name: &target.name,
        shown,
        red: Redactor::new(target.sel.resource == "secrets", args.show_secrets),
        states: HashMap::new(),
        entries: Vec::new(),
        seq: 0,
    };
    let stats = scan::run(&inputs, &cfg, true, diag, &mut sink)?;
    let mut entries = sink.entries;
    entries.sort_by_key(|e| (e.time.is_none(), e.time, e.seq));
    if let Some(l) = args.output.limit {
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
    let style = Style::new(&cfg, &args.output);
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
                rows.row(out, e)?;
            }
            rows.finish(out)?;
        }
        Format::Csv => write_csv(out, &entries, style.headers)?,
        Format::Raw => unreachable!("rejected above"),
    }
    out.flush()?;
    Ok(outcome(&stats, &cfg, diag, !entries.is_empty()))
}

// ------------------------------------------------------------------------------------ the scan

/// How a request reached the object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Touch {
    /// `objectRef.name` is the object (subresources included).
    Named,
    /// A list, watch or deletecollection with `fieldSelector=metadata.name=NAME`.
    Selector,
    /// A deletecollection whose response lists the object among those deleted.
    Collection,
}

struct HistorySink<'t> {
    name: &'t str,
    /// The user's filters: which requests are shown.
    shown: Filter,
    red: Redactor,
    /// The last known state of the object, per cluster and namespace.
    states: HashMap<String, Value>,
    entries: Vec<Entry>,
    /// Completion order, to keep requests received in the same microsecond in log order.
    seq: usize,
}

impl Sink for HistorySink<'_> {
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
        let collection = matches!(&*r.verb, "list" | "watch" | "deletecollection");
        // (the API server fills objectRef.name from a name field selector, or leaves it empty)
        let touch = if collection
            && (r.name.is_empty() || r.name == self.name)
            && selector_names(&r.request_uri).any(|n| n == self.name)
        {
            Touch::Selector
        } else if r.name == self.name {
            Touch::Named
        } else if r.name.is_empty() && r.verb == "deletecollection" {
            Touch::Collection
        } else {
            return Ok(Flow::More);
        };
        let mut bodies = Bodies::of(&r);
        if touch == Touch::Collection
            && list_item(bodies.response.as_ref(), self.name, None).is_none()
        {
            return Ok(Flow::More);
        }
        let mut step = self.step(&r, &mut bodies);
        if touch == Touch::Selector {
            // why a list is in one object's history
            step.notes
                .insert(0, format!("by field selector metadata.name={}", self.name));
        }
        self.seq += 1;
        if self.shown.matches(&r) {
            self.entries.push(Entry::new(&r, self.name, step, self.seq));
        }
        Ok(Flow::More)
    }
}

/// The bodies of a request, from its stage lines (the last one that has each).
#[derive(Default)]
struct Bodies {
    request: Option<Value>,
    response: Option<Value>,
    /// Bodies the log has but that could not be read, said as notes (`the request body could
    /// not be read (too deeply nested)`): the log is not without bodies.
    unreadable: Vec<String>,
}

/// Why a body could not be read: serde_json stops at 128 levels of nesting.
fn unreadable(which: &str, e: &serde_json::Error) -> String {
    let why = if e.to_string().contains("recursion limit") {
        "too deeply nested".to_string()
    } else {
        e.to_string()
    };
    format!("the {which} body could not be read ({why})")
}

impl Bodies {
    fn of(r: &Request<'_>) -> Bodies {
        let mut b = Bodies::default();
        for m in &r.marks {
            let Some(raw) = &m.raw else { continue };
            if memchr::memmem::find(raw, b"Object\"").is_none() {
                continue;
            }
            let line = crate::event::LineBodies::read(raw);
            let mut readable = |which: &str, body: serde_json::Result<Option<Value>>| {
                body.unwrap_or_else(|e| {
                    b.unreadable.push(unreadable(which, &e));
                    None
                })
            };
            let request = readable("request", line.request);
            let response = readable("response", line.response);
            if request.is_some() {
                b.request = request;
            }
            if response.is_some() {
                b.response = response;
            }
        }
        b.unreadable.dedup();
        for v in [&mut b.request, &mut b.response].into_iter().flatten() {
            strip_managed_fields(v);
        }
        b
    }
    /// The log has bodies for this request (read or not).
    fn any(&self) -> bool {
        self.request.is_some() || self.response.is_some() || !self.unreadable.is_empty()
    }
}

/// `metadata.managedFields` is bookkeeping, often most of an object: drop it (and from list items).
fn strip_managed_fields(v: &mut Value) {
    if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        m.shift_remove("managedFields");
    }
    if let Some(items) = v.get_mut("items").and_then(Value::as_array_mut) {
        for it in items {
            strip_managed_fields(it);
        }
    }
}

/// The names a `fieldSelector=metadata.name=NAME` (or `==`, URL-encoded or not) selects.
fn selector_names(uri: &str) -> impl Iterator<Item = String> + '_ {
    let query = uri.split_once('?').map_or("", |(_, q)| q);
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .filter(|(k, _)| *k == "fieldSelector")
        .flat_map(|(_, v)| {
            percent_decode(v)
                .split(',')
                .filter_map(|term| {
                    let (k, v) = term.split_once("==").or_else(|| term.split_once('='))?;
                    (k.trim() == "metadata.name").then(|| v.trim().to_string())
                })
                .collect::<Vec<_>>()
        })
}

/// Decode `%XX` escapes and `+` (a query string's space).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                match std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(x) => {
                        out.push(x);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A body that is the object itself: not a Status, Scale, Table (`kubectl get` asks for one),
/// options or list, of the kind already seen, and with the object's name (a create's request may
/// have only `generateName`).
fn is_object(v: &Value, name: &str, kind: Option<&str>) -> bool {
    let Some(o) = v.as_object() else { return false };
    if let Some(k) = o.get("kind").and_then(Value::as_str)
        && (matches!(k, "Status" | "Scale" | "DeleteOptions" | "Table")
            || k.starts_with("PartialObjectMetadata")
            || k.ends_with("List")
            || k.ends_with("Options")
            || kind.is_some_and(|want| want != k))
    {
        return false;
    }
    match v.pointer("/metadata/name").and_then(Value::as_str) {
        Some(n) => n == name,
        None => v.pointer("/metadata/generateName").is_some(),
    }
}

/// The object in a list response (`items`), found by name.
fn list_item<'v>(list: Option<&'v Value>, name: &str, kind: Option<&str>) -> Option<&'v Value> {
    list?
        .get("items")?
        .as_array()?
        .iter()
        .find(|it| it.pointer("/metadata/name").and_then(Value::as_str) == Some(name))
        .filter(|it| is_object(it, name, kind))
}

/// `metadata.resourceVersion` as a number (etcd revisions are, in practice).
fn rv(v: &Value) -> Option<u64> {
    v.pointer("/metadata/resourceVersion")?
        .as_str()?
        .parse()
        .ok()
}

/// What following one request did: shown under its row.
#[derive(Debug, Default)]
struct Step {
    notes: Vec<String>,
    changes: Vec<Change>,
    /// The patch body, redacted, for JSON and CSV.
    patch: Option<Value>,
    /// The patch body as lines, when the table shows it (no diff could be made).
    patch_lines: Vec<PatchLine>,
    /// For writes: did the API server accept it (2xx)?
    applied: Option<bool>,
    /// A write that was refused, or whose outcome the log does not have.
    refused: Option<String>,
    has_bodies: bool,
    write: bool,
}

/// What becomes of the known state after a request.
enum Next {
    Keep,
    Set(Value),
    Clear,
}

impl HistorySink<'_> {
    /// Follow the object's state through one request (in completion order) and say what it did.
    fn step(&mut self, r: &Request<'_>, b: &mut Bodies) -> Step {
        // one object per cluster and namespace: two clusters' objects of one name are two
        let ns = format!("{}\0{}", r.cluster, r.namespace);
        let verb = &*r.verb;
        let sub = &*r.subresource;
        let ok = r.code.is_some_and(|c| (200..300).contains(&c));
        // exec, attach, port-forward, proxy and logs are connections, not writes to the object
        let write = matches!(
            verb,
            "create" | "update" | "patch" | "delete" | "deletecollection"
        ) && !matches!(sub, "exec" | "attach" | "portforward" | "proxy" | "log");
        let mut s = Step {
            has_bodies: b.any(),
            write,
            applied: if write { r.code.map(|_| ok) } else { None },
            ..Default::default()
        };
        if r.truncated {
            s.notes
                .push("bodies cut by the API server (audit.k8s.io/truncated)".into());
        }
        s.notes.append(&mut b.unreadable);
        let dry = if write {
            r.dry_run()
        } else {
            crate::correlate::meaning::DryRun::No
        };
        if dry.is_dry() {
            // the server ran it through admission and validation, and stored nothing
            s.applied = Some(false);
            s.refused = Some(match r.code {
                Some(c) if !ok => {
                    format!("not applied: dry run, and refused: {c} {}", r.status_reason)
                        .trim_end()
                        .to_string()
                }
                _ => "not applied: dry run (what it would have done is shown)".to_string(),
            });
        } else if dry == crate::correlate::meaning::DryRun::Unknown {
            s.notes.push(
                "dry run or not: this delete is logged without its body (Metadata level), where kubectl --dry-run=server puts it"
                    .into(),
            );
        }
        if write && !ok && !dry.is_dry() {
            s.refused = Some(match (r.code, r.status_reason.is_empty()) {
                (Some(c), false) => format!("not applied: {c} {}", r.status_reason),
                (Some(c), true) => format!("not applied: {c}"),
                (None, _) => "no response logged: outcome unknown".to_string(),
            });
        }
        let prev = self.states.remove(&ns);
        let kind = prev
            .as_ref()
            .and_then(|p| p.get("kind"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let name = self.name;
        let take_object = |v: &mut Option<Value>| -> Option<Value> {
            v.take().filter(|v| is_object(v, name, kind.as_deref()))
        };
        let red = self
            .red
            .about([prev.as_ref(), b.request.as_ref(), b.response.as_ref()]);
        let next = match (verb, sub) {
            (_, "scale") => Self::scale(red, r, b, prev.as_ref(), ok, &mut s),
            (_, other) if !matches!(other, "" | "status" | "ephemeralcontainers" | "resize") => {
                // exec, attach, log, portforward, proxy, binding, eviction, token: no object body
                if let Some(n) = connect_note(sub, &r.request_uri) {
                    s.notes.push(n);
                }
                Next::Keep
            }
            ("patch" | "update", "") if r.created() => {
                // a server-side apply or a PUT that created the object (201)
                s.notes.push(format!("created by this {verb} (201)"));
                if verb == "patch"
                    && let Some(p) = b.request.take()
                {
                    s.patch = Some(red.patch(&p, None));
                }
                let req = if verb == "update" {
                    take_object(&mut b.request)
                } else {
                    None
                };
                let resp = take_object(&mut b.response);
                if let Some(o) = resp.as_ref().or(req.as_ref()) {
                    red.diff(None, Some(o), &mut Vec::new(), Mode::Create, &mut s.changes);
                }
                match resp.or(req) {
                    Some(o) => Next::Set(o),
                    None => Next::Clear,
                }
            }
            ("create", _) => {
                let req = take_object(&mut b.request);
                let resp = take_object(&mut b.response);
                // the fields the creator set; what the server stored when the request is not logged
                if let Some(o) = req.as_ref().or(resp.as_ref()) {
                    red.diff(None, Some(o), &mut Vec::new(), Mode::Create, &mut s.changes);
                }
                if ok {
                    match resp.or(req) {
                        Some(o) => Next::Set(o),
                        None => Next::Clear,
                    }
                } else {
                    Next::Keep
                }
            }
            ("update" | "patch", _) => {
                let mode = if sub == "status" {
                    Mode::Status
                } else {
                    Mode::Update
                };
                let patch = if verb == "patch" {
                    b.request.take()
                } else {
                    None
                };
                if let Some(p) = &patch {
                    s.patch = Some(red.patch(p, prev.as_ref()));
                    match malformed_ops(p) {
                        0 => {}
                        1 => s
                            .notes
                            .push("1 malformed JSON patch operation (no op or path)".into()),
                        n => s.notes.push(format!(
                            "{n} malformed JSON patch operations (no op or path)"
                        )),
                    }
                }
                let req = if verb == "update" {
                    take_object(&mut b.request)
                } else {
                    None
                };
                if ok {
                    let new = take_object(&mut b.response).or(req);
                    match (&prev, new) {
                        (Some(p), Some(n)) => {
                            red.diff(Some(p), Some(&n), &mut Vec::new(), mode, &mut s.changes);
                            if s.changes.is_empty() {
                                s.notes.push("no change".into());
                            }
                            Next::Set(n)
                        }
                        (None, Some(n)) => {
                            s.notes
                                .push("no earlier state in the log to compare with".into());
                            if let Some(p) = &patch {
                                s.patch_lines = red.patch_lines(p, prev.as_ref());
                            }
                            Next::Set(n)
                        }
                        (_, None) => {
                            if let Some(p) = &patch {
                                s.notes.push("the log has no resulting object".into());
                                s.patch_lines = red.patch_lines(p, prev.as_ref());
                            }
                            // the object changed in a way the log does not show: forget it
                            Next::Clear
                        }
                    }
                } else {
                    if let (Some(p), Some(q)) = (&prev, &req) {
                        red.diff(Some(p), Some(q), &mut Vec::new(), mode, &mut s.changes);
                    }
                    if let Some(p) = &patch {
                        s.patch_lines = red.patch_lines(p, prev.as_ref());
                    }
                    Next::Keep
                }
            }
            ("delete", _) => {
                if ok && !dry.is_dry() {
                    match take_object(&mut b.response) {
                        // graceful deletion: the object stays until its finalizers or grace end
                        Some(o) if o.pointer("/metadata/deletionTimestamp").is_some() => {
                            s.notes.push(
                                "marked for deletion (deletionTimestamp set; finalizers or grace period pending)"
                                    .into(),
                            );
                            Next::Set(o)
                        }
                        _ => {
                            s.notes.push("deleted".into());
                            Next::Clear
                        }
                    }
                } else {
                    Next::Keep
                }
            }
            ("deletecollection", _) => {
                if ok && !dry.is_dry() {
                    s.notes.push("deleted with its collection".into());
                    Next::Clear
                } else {
                    Next::Keep
                }
            }
            _ => {
                // reads: get, list and watch with a field selector
                let seen = if !ok {
                    None
                } else if verb == "get" {
                    take_object(&mut b.response)
                } else {
                    list_item(b.response.as_ref(), name, kind.as_deref()).cloned()
                };
                match (seen, &prev) {
                    (Some(o), Some(p)) => match (rv(&o), rv(p)) {
                        (Some(a), Some(z)) if a <= z => Next::Keep, // same or older: nothing new
                        _ => {
                            red.diff(
                                Some(p),
                                Some(&o),
                                &mut Vec::new(),
                                Mode::Update,
                                &mut s.changes,
                            );
                            if !s.changes.is_empty() {
                                s.notes.push(
                                    "changed since the last state seen, by a request not in this log:"
                                        .into(),
                                );
                            }
                            Next::Set(o)
                        }
                    },
                    (Some(o), None) => Next::Set(o),
                    (None, _) => Next::Keep,
                }
            }
        };
        // a dry run leaves the object as it was
        let next = if dry.is_dry() { Next::Keep } else { next };
        match next {
            Next::Keep => {
                if let Some(p) = prev {
                    self.states.insert(ns, p);
                }
            }
            Next::Set(v) => {
                self.states.insert(ns, v);
            }
            Next::Clear => {}
        }
        s
    }

    /// `deployments/scale`: the body is a Scale, not the object; its `spec.replicas` is the
    /// object's.
    fn scale(
        red: Redactor,
        r: &Request<'_>,
        b: &mut Bodies,
        prev: Option<&Value>,
        ok: bool,
        s: &mut Step,
    ) -> Next {
        let replicas = |v: Option<&Value>| v.and_then(|v| v.pointer("/spec/replicas")).cloned();
        let path = vec![Seg::Key("spec".into()), Seg::Key("replicas".into())];
        if r.verb == "patch"
            && let Some(p) = &b.request
        {
            s.patch = Some(red.patch(p, None));
        }
        let is_scale = |v: &&Value| {
            v.get("kind")
                .and_then(Value::as_str)
                .is_none_or(|k| k == "Scale")
        };
        let asked = match &*r.verb {
            "update" => replicas(b.request.as_ref().filter(is_scale)),
            _ => None,
        };
        let result = if ok {
            replicas(b.response.as_ref().filter(is_scale))
        } else {
            None
        };
        let old = replicas(prev);
        let new = if ok { result.clone().or(asked) } else { asked };
        match new {
            Some(n) if r.verb != "get" && old.as_ref() != Some(&n) => {
                s.changes.push(red.change(&path, old.as_ref(), Some(&n)))
            }
            None if r.verb == "patch" => {
                if let Some(p) = &b.request {
                    s.patch_lines = red.patch_lines(p, None);
                }
            }
            _ => {}
        }
        match (ok, prev, result) {
            (true, Some(p), Some(n)) => {
                let mut p = p.clone();
                if let Some(spec) = p.get_mut("spec").and_then(Value::as_object_mut) {
                    spec.insert("replicas".into(), n);
                }
                Next::Set(p)
            }
            (true, Some(_), None) if s.write => Next::Clear,
            _ => Next::Keep,
        }
    }
}

/// `exec: command=env container=box` for exec, attach and port-forward requests.
fn connect_note(sub: &str, uri: &str) -> Option<String> {
    if !matches!(sub, "exec" | "attach" | "portforward") {
        return None;
    }
    let query = uri.split_once('?').map_or("", |(_, q)| q);
    let mut command = Vec::new();
    let mut rest = Vec::new();
    for (k, v) in query.split('&').filter_map(|kv| kv.split_once('=')) {
        let v = percent_decode(v);
        match k {
            "command" => command.push(v),
            "container" | "ports" => rest.push(format!("{k}={v}")),
            _ => {}
        }
    }
    let mut parts = Vec::new();
    if !command.is_empty() {
        parts.push(format!("command={}", command.join(" ")));
    }
    parts.extend(rest);
    (!parts.is_empty()).then(|| format!("{sub}: {}", parts.join(" ")))
}

// ------------------------------------------------------------------ diffs and redaction

/// The field that identifies the elements of these lists (`name`, else `type`), when every
/// element has it as a string and no two share it: then elements are compared by it, not by
/// position, so a reordered or inserted element does not look like every element changed.
fn list_key(a: &[Value], b: &[Value]) -> Option<&'static str> {
    ["name", "type"].into_iter().find(|k| {
        let unique = |l: &[Value]| {
            let ids: Option<Vec<&str>> = l.iter().map(|x| x.get(*k)?.as_str()).collect();
            ids.is_some_and(|mut ids| {
                ids.sort_unstable();
                ids.windows(2).all(|w| w[0] != w[1])
            })
        };
        !(a.is_empty() && b.is_empty()) && unique(a) && unique(b)
    })
}

/// Element `i` of the lists `a` (before) and `b` (after) as a path step: a credential when it
/// is named like one, or follows a flag named like one (`args: [--token, VALUE]`, `[mysql, -p,
/// VALUE]`: [`credential_arg`]).
fn list_element(key: Option<&'static str>, i: usize, a: &[Value], b: &[Value]) -> Seg {
    let seg = element(key, i, a.get(i), b.get(i));
    if credential_arg(a, i) || credential_arg(b, i) {
        seg.credential()
    } else {
        seg
    }
}

/// The id of a list element under `key`.
fn id_of<'v>(v: &'v Value, key: &str) -> &'v str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// `spec.template.spec.containers[0].image`, `metadata.labels["app.kubernetes.io/name"]`.
fn path_string(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k)
                if !k.is_empty()
                    && k.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') =>
            {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Key(k) => {
                s.push('[');
                s.push_str(&Value::String(k.clone()).to_string());
                s.push(']');
            }
            Seg::Index(i, _) => s.push_str(&format!("[{i}]")),
            Seg::Match(k, v, _)
                if !v.is_empty()
                    && v.chars().all(|c| {
                        c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':')
                    }) =>
            {
                s.push_str(&format!("[{k}={v}]"))
            }
            Seg::Match(k, v, _) => s.push_str(&format!("[{k}={}]", Value::String(v.clone()))),
        }
    }
    s
}

/// One changed leaf: absent `old` = added, absent `new` = removed.
#[derive(Debug, Clone, PartialEq)]
struct Change {
    path: String,
    old: Option<Shown>,
    new: Option<Shown>,
}

/// One line of a patch body: `op` for JSON patch (`replace /spec/replicas`), else a merge-patch
/// leaf (`value` None: the field is removed).
#[derive(Debug, Clone, PartialEq)]
struct PatchLine {
    op: Option<String>,
    path: String,
    value: Option<Shown>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The fields a create set: no server-set or empty fields, nor the name and namespace.
    Create,
    /// A write: status and bookkeeping ignored.
    Update,
    /// A status write: status compared too.
    Status,
}

/// Paths that change on every write or say nothing about what was asked.
fn noise(path: &[Seg], mode: Mode) -> bool {
    use Seg::Key;
    match path {
        [Key(k)] if k == "kind" || k == "apiVersion" => true,
        [Key(k), ..] if k == "status" => mode != Mode::Status,
        [Key(m), Key(f), ..] if m == "metadata" => {
            matches!(
                f.as_str(),
                "managedFields"
                    | "resourceVersion"
                    | "generation"
                    | "uid"
                    | "creationTimestamp"
                    | "selfLink"
            ) || (mode == Mode::Create && matches!(f.as_str(), "name" | "namespace"))
        }
        _ => false,
    }
}

/// History's uses of the redactor ([`crate::redact`]): diffs and patch lines, each value
/// redacted where it is shown.
impl Redactor {
    fn change(&self, path: &[Seg], old: Option<&Value>, new: Option<&Value>) -> Change {
        let mut p = path.to_vec();
        Change {
            path: path_string(path),
            old: old.map(|v| self.redact(v, &mut p)),
            new: new.map(|v| self.redact(v, &mut p)),
        }
    }

    /// The leaves that differ between `old` and `new`, in the order of `new` then removals.
    fn diff(
        &self,
        old: Option<&Value>,
        new: Option<&Value>,
        path: &mut Vec<Seg>,
        mode: Mode,
        out: &mut Vec<Change>,
    ) {
        if !path.is_empty() && noise(path, mode) {
            return;
        }
        // an element added or removed whole: its id is already in the path
        if let [.., Seg::Match(k, _, _), Seg::Key(f)] = path.as_slice()
            && k == f
            && (old.is_none() || new.is_none())
        {
            return;
        }
        let mut each = |path: &mut Vec<Seg>, seg: Seg, a: Option<&Value>, b: Option<&Value>| {
            path.push(seg);
            self.diff(a, b, path, mode, out);
            path.pop();
        };
        match (old, new) {
            (Some(Value::Object(a)), Some(Value::Object(b))) => {
                for (k, v) in b {
                    each(path, Seg::Key(k.clone()), a.get(k), Some(v));
                }
                for (k, v) in a {
                    if !b.contains_key(k) {
                        each(path, Seg::Key(k.clone()), Some(v), None);
                    }
                }
            }
            (Some(Value::Array(a)), Some(Value::Array(b))) => match list_key(a, b) {
                Some(key) => {
                    // by id, in linear time: lists such as an Endpoints' can be long
                    let old: HashMap<&str, &Value> = a.iter().map(|y| (id_of(y, key), y)).collect();
                    let new: HashMap<&str, &Value> = b.iter().map(|x| (id_of(x, key), x)).collect();
                    for x in b {
                        let id = id_of(x, key);
                        let y = old.get(id).copied();
                        each(path, element(Some(key), 0, y, Some(x)), y, Some(x));
                    }
                    for y in a {
                        let id = id_of(y, key);
                        if !new.contains_key(id) {
                            each(path, element(Some(key), 0, Some(y), None), Some(y), None);
                        }
                    }
                }
                None => {
                    for i in 0..a.len().max(b.len()) {
                        each(path, list_element(None, i, a, b), a.get(i), b.get(i));
                    }
                }
            },
            (Some(a), Some(b)) if a == b => {}
            (None, None) => {}
            (None, Some(Value::Object(b))) if !b.is_empty() => {
                for (k, v) in b {
                    each(path, Seg::Key(k.clone()), None, Some(v));
                }
            }
            (None, Some(Value::Array(b))) if !b.is_empty() => {
                let key = list_key(&[], b);
                for (i, v) in b.iter().enumerate() {
                    each(path, list_element(key, i, &[], b), None, Some(v));
                }
            }
            (Some(Value::Object(a)), None) if !a.is_empty() => {
                for (k, v) in a {
                    each(path, Seg::Key(k.clone()), Some(v), None);
                }
            }
            (Some(Value::Array(a)), None) if !a.is_empty() => {
                let key = list_key(a, &[]);
                for (i, v) in a.iter().enumerate() {
                    each(path, list_element(key, i, a, &[]), Some(v), None);
                }
            }
            (None, Some(b)) if mode == Mode::Create && empty(b) => {}
            (a, b) => out.push(self.change(path, a, b)),
        }
    }

    /// The patch body as lines: one per JSON patch operation, or one per merge-patch leaf.
    fn patch_lines(&self, p: &Value, state: Option<&Value>) -> Vec<PatchLine> {
        let mut out = Vec::new();
        match p {
            Value::Array(ops) => {
                for (op, segs) in ops.iter().zip(op_paths(ops, state)) {
                    let Some(mut segs) = segs else {
                        out.push(PatchLine {
                            op: Some("malformed operation".into()),
                            path: String::new(),
                            value: Some(self.whole(op)),
                        });
                        continue;
                    };
                    let name = op.get("op").and_then(Value::as_str).unwrap_or("?");
                    let at = op.get("path").and_then(Value::as_str).unwrap_or("");
                    let path = match op.get("from").and_then(Value::as_str) {
                        Some(from) => format!("{from} → {at}"),
                        None => at.to_string(),
                    };
                    out.push(PatchLine {
                        op: Some(name.to_string()),
                        path,
                        value: op.get("value").map(|v| self.redact(v, &mut segs)),
                    });
                }
            }
            Value::Object(_) => self.merge_lines(p, &mut Vec::new(), &mut out),
            Value::Null => {}
            other => out.push(PatchLine {
                op: None,
                path: String::new(),
                value: Some(self.whole(other)),
            }),
        }
        out
    }

    fn merge_lines(&self, v: &Value, path: &mut Vec<Seg>, out: &mut Vec<PatchLine>) {
        match v {
            Value::Object(m) if !m.is_empty() => {
                for (k, x) in m {
                    path.push(Seg::Key(k.clone()));
                    self.merge_lines(x, path, out);
                    path.pop();
                }
            }
            Value::Null => out.push(PatchLine {
                op: None,
                path: path_string(path),
                value: None,
            }),
            other => out.push(PatchLine {
                op: None,
                path: path_string(path),
                value: Some(self.redact(other, path)),
            }),
        }
    }
}

/// `null`, `{}`, `[]`: nothing a create listing needs to show.
fn empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// How many operations of a JSON patch are malformed.
fn malformed_ops(p: &Value) -> usize {
    p.as_array().map_or(0, |ops| {
        ops.iter().filter(|o| well_formed(o).is_none()).count()
    })
}

// ------------------------------------------------------------------------------ output

/// One request on the object, as shown.
struct Entry {
    time: Option<Ts>,
    seq: usize,
    audit_id: String,
    user: String,
    user_cell: String,
    impersonated_user: String,
    verb: String,
    subresource: String,
    namespace: String,
    name: String,
    /// The request's cluster (README, "Many clusters"), empty when nothing names it.
    cluster: String,
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
    step: Step,
    has_bodies: bool,
}

impl Entry {
    fn new(r: &Request<'_>, name: &str, step: Step, seq: usize) -> Entry {
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
    fn verb_cell(&self) -> String {
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
pub static CSV: &[&str] = &[
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
fn write_csv(out: &mut Out, entries: &[Entry], headers: bool) -> Result<()> {
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
fn write_table(
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
            None if !e.step.patch_lines.is_empty() => {
                details.push((Tone::Dim, "the patch:".into()))
            }
            None => {}
        }
        for c in &e.step.changes {
            details.push(change_line(c, avail));
        }
        for p in &e.step.patch_lines {
            details.push((Tone::Plain, patch_line(p, avail)));
        }
        for (tone, d) in details {
            let d = sanitize(&d).into_owned();
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
            .filter(|_| style.color);
            match code {
                Some(c) => writeln!(out, "{INDENT}\x1b[{c}m{d}\x1b[0m")?,
                None => writeln!(out, "{INDENT}{d}")?,
            }
        }
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
fn change_line(c: &Change, avail: Option<usize>) -> (Tone, String) {
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
fn patch_line(p: &PatchLine, avail: Option<usize>) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redact::LAST_APPLIED;

    fn red(secret: bool) -> Redactor {
        Redactor::new(secret, false)
    }

    fn diff(old: Value, new: Value, mode: Mode, r: Redactor) -> Vec<String> {
        let mut out = Vec::new();
        r.diff(Some(&old), Some(&new), &mut Vec::new(), mode, &mut out);
        out.iter().map(|c| change_line(c, None).1).collect()
    }

    #[test]
    fn targets_parse_and_bad_ones_name_the_argument() {
        let t = Target::parse("cm/feature-toggles").unwrap();
        assert_eq!(t.sel.resource, "configmaps");
        assert_eq!(t.name, "feature-toggles");
        let t = Target::parse("deployments.apps/checkout-ui").unwrap();
        assert_eq!(
            (t.sel.resource.as_str(), t.sel.group.as_deref()),
            ("deployments", Some("apps"))
        );
        let t = Target::parse("pods/exec/debug-box").unwrap();
        assert_eq!(t.sel.subresource.as_deref(), Some("exec"));
        assert_eq!(t.name, "debug-box");
        for bad in [
            "feature-toggles",
            "/x",
            "cm/",
            "*/x",
            "cm/a*",
            "c m/x",
            "cm/a b",
        ] {
            let e = Target::parse(bad).unwrap_err().to_string();
            assert!(e.starts_with("KIND/NAME: "), "{bad}: {e}");
            assert!(e.contains("example: kaudit history"), "{bad}: {e}");
        }
    }

    #[test]
    fn field_selectors_name_the_object() {
        let names: Vec<String> = selector_names(
            "/api/v1/namespaces/payments/configmaps?fieldSelector=metadata.name%3Drate-limits",
        )
        .collect();
        assert_eq!(names, ["rate-limits"]);
        let names: Vec<String> =
            selector_names("/api/v1/pods?limit=1&fieldSelector=spec.nodeName%3Dw,metadata.name==p")
                .collect();
        assert_eq!(names, ["p"]);
        assert_eq!(selector_names("/api/v1/pods?watch=1").count(), 0);
        assert_eq!(percent_decode("a%3Db%2"), "a=b%2");
    }

    #[test]
    fn diffs_show_added_removed_and_changed_leaves_without_noise() {
        let old = json!({
            "kind": "ConfigMap",
            "metadata": {"name": "x", "resourceVersion": "1", "labels": {"team": "a"}},
            "data": {"keep": "1", "n": 1},
            "status": {"phase": "A"}
        });
        let new = json!({
            "kind": "ConfigMap",
            "metadata": {"name": "x", "resourceVersion": "2", "managedFields": [{}]},
            "data": {"keep": "1", "n": 2, "timeout": "30s"},
            "status": {"phase": "B"}
        });
        assert_eq!(
            diff(old.clone(), new.clone(), Mode::Update, red(false)),
            [
                "- metadata.labels.team: \"a\"",
                "  data.n: 1 → 2",
                "+ data.timeout: \"30s\""
            ]
        );
        assert!(
            diff(old, new, Mode::Status, red(false))
                .contains(&"  status.phase: \"A\" → \"B\"".to_string())
        );
    }

    #[test]
    fn secrets_and_credential_keys_are_redacted_with_their_size() {
        let old = json!({"data": {"password": "TDNkZzNyLVBhNTUtMjAyNg=="}});
        let new = json!({"data": {"password": "YWJj"}, "metadata": {"labels": {"a": "b"}}});
        assert_eq!(
            diff(old.clone(), new.clone(), Mode::Update, red(true)),
            [
                "  data.password: <redacted 16 bytes> → <redacted 3 bytes>",
                "+ metadata.labels.a: \"b\""
            ]
        );
        let shown = Redactor::new(true, true);
        assert_eq!(
            diff(old, new, Mode::Update, shown)[0],
            "  data.password: \"TDNkZzNyLVBhNTUtMjAyNg==\" → \"YWJj\""
        );
        // any object: keys named like credentials; names of secrets, and certificates (public),
        // stay readable
        let r = red(false);
        let v = json!({"spec": {"apiToken": "abc", "secretName": "db", "tls": {"cert": "xyz"}, "automountServiceAccountToken": false}});
        assert_eq!(
            r.redact(&v, &mut Vec::new()).value,
            json!({"spec": {"apiToken": "<redacted 3 bytes>", "secretName": "db", "tls": {"cert": "xyz"}, "automountServiceAccountToken": false}})
        );
        // JSON patch values by their path; merge patches like objects
        let p = json!([{"op": "replace", "path": "/data/password", "value": "c2VjcmV0"}]);
        assert_eq!(
            red(true).patch(&p, None),
            json!([{"op": "replace", "path": "/data/password", "value": "<redacted 6 bytes>"}])
        );
        let lines = red(true).patch_lines(
            &json!({"stringData": {"token": "t0k"}, "metadata": {"labels": {"x": null}}}),
            None,
        );
        assert_eq!(
            lines
                .iter()
                .map(|l| patch_line(l, None))
                .collect::<Vec<_>>(),
            [
                "stringData.token: <redacted 3 bytes>",
                "- metadata.labels.x"
            ]
        );
    }

    #[test]
    fn list_elements_named_like_credentials_are_redacted_by_position_too() {
        let old = json!({"env": [{"name": "DB_PASSWORD", "value": "a"}]});
        let new = json!({"env": [
            {"name": "DB_PASSWORD", "value": "b"},
            {"name": "DB_PASSWORD", "value": "c"},
            {"key": "tls.key", "path": "k"},
            {"name": "MODE", "value": "d"}
        ]});
        assert_eq!(
            diff(old, new.clone(), Mode::Update, red(false)),
            [
                "  env[0].value: <redacted 1 bytes> → <redacted 1 bytes>",
                "+ env[1].name: \"DB_PASSWORD\"",
                "+ env[1].value: <redacted 1 bytes>",
                // the name of a Secret's key and the file it is mounted as are names
                "+ env[2].key: \"tls.key\"",
                "+ env[2].path: \"k\"",
                "+ env[3].name: \"MODE\"",
                "+ env[3].value: \"d\""
            ]
        );
        assert_eq!(
            red(false).redact(&new, &mut Vec::new()).value["env"][1]["value"],
            "<redacted 1 bytes>"
        );
    }

    #[test]
    fn json_patch_indexes_resolve_against_the_state_and_fail_closed() {
        let state = json!({"spec": {"env": [{"name": "MODE", "value": "x"}, {"name": "API_KEY", "value": "y"}]}});
        let ops = json!([
            {"op": "replace", "path": "/spec/env/0/value", "value": "shown"},
            {"op": "replace", "path": "/spec/env/1/value", "value": "hidden"},
            {"op": "move", "from": "/spec/env/1", "path": "/spec/env/0"},
            {"op": "replace", "path": "/spec/env/0/value", "value": "hidden"},
            {"op": "add", "path": "/spec/env/-", "value": {"name": "LEVEL", "value": "shown"}},
            {"op": "add", "path": "/spec/env/-", "value": {"value": "hidden"}},
            {"op": "replace", "path": "/spec/env/9/value", "value": "hidden"},
            {"op": "replace", "path": "/spec/args/9", "value": "shown"},
            {"op": "replace", "path": "relative/path", "value": "hidden"},
            {"op": "replace", "path": "/spec/env/0/value", "value": "hidden", "extra": "hidden"}
        ]);
        let values = |state: Option<&Value>| {
            red(false)
                .patch(&ops, state)
                .as_array()
                .unwrap()
                .iter()
                .map(|o| match o {
                    Value::String(s) => s.clone(),
                    o if o.get("extra").is_some() => format!("{} {}", o["value"], o["extra"]),
                    o => o.get("value").map_or("-".into(), |v| v.to_string()),
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            values(Some(&state)),
            [
                "\"shown\"",
                "\"<redacted 6 bytes>\"",
                "-",
                "\"<redacted 6 bytes>\"",
                "{\"name\":\"LEVEL\",\"value\":\"shown\"}",
                "{\"value\":\"<redacted 6 bytes>\"}",
                "\"<redacted 6 bytes>\"",
                "\"shown\"",
                "<redacted 56 bytes>",
                "\"<redacted 6 bytes>\" \"<redacted 8 bytes>\""
            ]
        );
        // no state: every index under env is a credential
        assert_eq!(values(None)[0], "\"<redacted 5 bytes>\"");
        assert_eq!(values(None)[7], "\"shown\"");
        assert_eq!(malformed_ops(&ops), 1);
        // --show-secrets: as logged
        assert_eq!(Redactor::new(false, true).patch(&ops, None), ops);
    }

    #[test]
    fn last_applied_annotations_are_parsed_and_redacted() {
        let la = |text: &str| json!({"metadata": {"annotations": {LAST_APPLIED: text}}});
        let at = |v: Value| v["metadata"]["annotations"][LAST_APPLIED].clone();
        let r = red(false);
        let applied = json!({"data": {"password": "p", "mode": "m"}}).to_string();
        assert_eq!(
            at(r.redact(&la(&applied), &mut Vec::new()).value),
            json!({"data": {"password": "<redacted 1 bytes>", "mode": "m"}}).to_string()
        );
        // unchanged text is shown as logged (its spacing kept)
        assert_eq!(
            at(r.redact(&la("{\"a\": 1}"), &mut Vec::new()).value),
            "{\"a\": 1}"
        );
        // cannot be parsed: shown, unless the object has credentials or the text names one
        assert_eq!(
            at(r.redact(&la("{\"a\":"), &mut Vec::new()).value),
            "{\"a\":"
        );
        assert_eq!(
            at(r.redact(&la("{\"password\":"), &mut Vec::new()).value),
            "<redacted 12 bytes>"
        );
        let obj = json!({"spec": {"apiToken": "t"}});
        let tainted = r.about([Some(&obj)]);
        assert_eq!(
            at(tainted.redact(&la("{\"a\":"), &mut Vec::new()).value),
            "<redacted 5 bytes>"
        );
        assert!(
            !r.about([Some(&json!({"spec": {"secretName": "x"}}))])
                .tainted()
        );
        // a Secret's: its data, wherever it nests
        let list = json!({"items": [{"data": {"x": "eHg="}}]}).to_string();
        assert_eq!(
            at(red(true).redact(&la(&list), &mut Vec::new()).value),
            json!({"items": [{"data": {"x": "<redacted 2 bytes>"}}]}).to_string()
        );
    }

    #[test]
    fn create_listing_skips_server_fields_and_empty_values() {
        let mut out = Vec::new();
        let obj = json!({"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "x", "creationTimestamp": null}, "data": {"a": "1"}, "spec": {"resources": {}}});
        red(false).diff(None, Some(&obj), &mut Vec::new(), Mode::Create, &mut out);
        let lines: Vec<String> = out.iter().map(|c| change_line(c, None).1).collect();
        assert_eq!(lines, ["+ data.a: \"1\""]);
    }

    /// A sink for deployment `app` in `ns` that shows every request.
    fn sink(name: &str, secret: bool) -> HistorySink<'_> {
        HistorySink {
            name,
            shown: Filter::default(),
            red: red(secret),
            states: HashMap::new(),
            entries: Vec::new(),
            seq: 0,
        }
    }

    /// A complete request on `ns/app` whose one stage line carries `bodies` (JSON members).
    fn request(
        verb: &str,
        sub: &str,
        code: i64,
        name: &str,
        uri: &str,
        bodies: &str,
    ) -> Request<'static> {
        let line = format!(r#"{{"level":"Request","stage":"ResponseComplete"{bodies}}}"#);
        Request {
            verb: verb.to_string().into(),
            subresource: sub.to_string().into(),
            resource: "deployments".into(),
            namespace: "ns".into(),
            name: name.to_string().into(),
            request_uri: uri.to_string().into(),
            level: "Request".into(),
            code: Some(code),
            is_final: true,
            marks: vec![crate::correlate::Mark {
                stage: crate::event::Stage::ResponseComplete,
                time: None,
                code: Some(code),
                file: 0,
                line: 1,
                raw: Some(std::borrow::Cow::Owned(line.into_bytes())),
            }],
            ..Default::default()
        }
    }

    fn feed(s: &mut HistorySink<'_>, r: Request<'static>) {
        assert_eq!(s.request(r).unwrap(), Flow::More);
    }

    #[test]
    fn request_level_logs_show_patch_bodies_when_there_is_no_result() {
        let mut s = sink("app", false);
        let dep = r#"{"kind":"Deployment","metadata":{"name":"app"},"spec":{"replicas":1}}"#;
        feed(
            &mut s,
            request(
                "create",
                "",
                201,
                "app",
                "/x",
                &format!(r#","requestObject":{dep}"#),
            ),
        );
        // a merge patch, logged at level Request: no resulting object
        feed(
            &mut s,
            request(
                "patch",
                "",
                200,
                "app",
                "/x",
                r#","requestObject":{"spec":{"replicas":3},"metadata":{"labels":{"team":null}}}"#,
            ),
        );
        // so the next update has nothing to be compared with
        let upd = r#"{"kind":"Deployment","metadata":{"name":"app"},"spec":{"replicas":4}}"#;
        feed(
            &mut s,
            request(
                "update",
                "",
                200,
                "app",
                "/x",
                &format!(r#","requestObject":{upd}"#),
            ),
        );
        // and the one after it is compared with the update's body
        let upd2 = r#"{"kind":"Deployment","metadata":{"name":"app"},"spec":{"replicas":5}}"#;
        feed(
            &mut s,
            request(
                "update",
                "",
                200,
                "app",
                "/x",
                &format!(r#","requestObject":{upd2}"#),
            ),
        );
        let e = &s.entries;
        assert_eq!(e.len(), 4);
        assert_eq!(e[0].step.changes.len(), 1);
        assert_eq!(e[1].step.notes, ["the log has no resulting object"]);
        assert_eq!(
            e[1].step
                .patch_lines
                .iter()
                .map(|p| patch_line(p, None))
                .collect::<Vec<_>>(),
            ["spec.replicas: 3", "- metadata.labels.team"]
        );
        assert_eq!(
            e[1].step.patch,
            Some(json!({"spec":{"replicas":3},"metadata":{"labels":{"team":null}}}))
        );
        assert_eq!(
            e[2].step.notes,
            ["no earlier state in the log to compare with"]
        );
        assert!(e[2].step.changes.is_empty());
        assert_eq!(
            e[3].step
                .changes
                .iter()
                .map(|c| change_line(c, None).1)
                .collect::<Vec<_>>(),
            ["  spec.replicas: 4 → 5"]
        );
    }

    #[test]
    fn refused_writes_show_what_they_asked_for_and_change_nothing() {
        let mut s = sink("app", false);
        let dep = r#"{"kind":"Deployment","metadata":{"name":"app"},"spec":{"replicas":1}}"#;
        feed(
            &mut s,
            request(
                "create",
                "",
                201,
                "app",
                "/x",
                &format!(r#","requestObject":{dep}"#),
            ),
        );
        feed(
            &mut s,
            request(
                "patch",
                "",
                403,
                "app",
                "/x",
                r#","requestObject":[{"op":"replace","path":"/spec/replicas","value":9}]"#,
            ),
        );
        let after = r#"{"kind":"Deployment","metadata":{"name":"app"},"spec":{"replicas":2}}"#;
        feed(
            &mut s,
            request(
                "update",
                "",
                200,
                "app",
                "/x",
                &format!(r#","requestObject":{after}"#),
            ),
        );
        let e = &s.entries;
        assert_eq!(e[1].step.refused.as_deref(), Some("not applied: 403"));
        assert_eq!(e[1].step.applied, Some(false));
        assert_eq!(
            e[1].step
                .patch_lines
                .iter()
                .map(|p| patch_line(p, None))
                .collect::<Vec<_>>(),
            ["replace /spec/replicas: 9"]
        );
        // compared with the create, not with the refused patch
        assert_eq!(
            change_line(&e[2].step.changes[0], None).1,
            "  spec.replicas: 1 → 2"
        );
    }

    #[test]
    fn scale_writes_change_replicas() {
        let mut s = sink("app", false);
        let dep = r#"{"kind":"Deployment","metadata":{"name":"app"},"spec":{"replicas":1}}"#;
        feed(
            &mut s,
            request(
                "create",
                "",
                201,
                "app",
                "/x",
                &format!(r#","responseObject":{dep}"#),
            ),
        );
        feed(
            &mut s,
            request(
                "patch",
                "scale",
                200,
                "app",
                "/x",
                r#","requestObject":{"spec":{"replicas":3}},"responseObject":{"kind":"Scale","metadata":{"name":"app"},"spec":{"replicas":3}}"#,
            ),
        );
        feed(
            &mut s,
            request(
                "update",
                "scale",
                200,
                "app",
                "/x",
                r#","requestObject":{"kind":"Scale","metadata":{"name":"app"},"spec":{"replicas":0}},"responseObject":{"kind":"Scale","metadata":{"name":"app"},"spec":{"replicas":0}}"#,
            ),
        );
        let lines: Vec<String> = s.entries[1..]
            .iter()
            .map(|e| change_line(&e.step.changes[0], None).1)
            .collect();
        assert_eq!(lines, ["  spec.replicas: 1 → 3", "  spec.replicas: 3 → 0"]);
        assert_eq!(s.entries[1].verb_cell(), "patch (scale)");
    }

    #[test]
    fn deletecollection_counts_when_its_response_lists_the_object() {
        let mut s = sink("app", false);
        let with =
            r#","responseObject":{"kind":"DeploymentList","items":[{"metadata":{"name":"app"}}]}"#;
        let without = r#","responseObject":{"kind":"DeploymentList","items":[{"metadata":{"name":"other"}}]}"#;
        feed(
            &mut s,
            request(
                "deletecollection",
                "",
                200,
                "",
                "/apis/apps/v1/namespaces/ns/deployments",
                without,
            ),
        );
        feed(
            &mut s,
            request(
                "deletecollection",
                "",
                200,
                "",
                "/apis/apps/v1/namespaces/ns/deployments",
                with,
            ),
        );
        feed(
            &mut s,
            request(
                "list",
                "",
                200,
                "",
                "/apis/apps/v1/namespaces/ns/deployments?fieldSelector=metadata.name%3Dapp",
                "",
            ),
        );
        feed(
            &mut s,
            request(
                "list",
                "",
                200,
                "",
                "/apis/apps/v1/namespaces/ns/deployments?fieldSelector=metadata.name%3Dother",
                "",
            ),
        );
        let notes: Vec<&Vec<String>> = s.entries.iter().map(|e| &e.step.notes).collect();
        assert_eq!(
            notes,
            [
                &vec!["deleted with its collection".to_string()],
                &vec!["by field selector metadata.name=app".to_string()]
            ]
        );
    }

    #[test]
    fn secret_patches_are_redacted_in_body_and_lines() {
        let mut s = sink("creds", true);
        feed(
            &mut s,
            request(
                "patch",
                "",
                200,
                "creds",
                "/x",
                r#","requestObject":[{"op":"add","path":"/data/token","value":"c2VjcmV0"}]"#,
            ),
        );
        let e = &s.entries[0];
        assert_eq!(
            e.step.patch,
            Some(json!([{"op":"add","path":"/data/token","value":"<redacted 6 bytes>"}]))
        );
        assert_eq!(
            patch_line(&e.step.patch_lines[0], None),
            "add /data/token: <redacted 6 bytes>"
        );
        assert!(!e.json().to_string().contains("c2VjcmV0"));
    }

    #[test]
    fn only_the_object_itself_is_taken_as_its_state() {
        let cm = json!({"kind": "ConfigMap", "metadata": {"name": "x"}});
        assert!(is_object(&cm, "x", None));
        assert!(is_object(&cm, "x", Some("ConfigMap")));
        assert!(!is_object(&cm, "y", None));
        assert!(!is_object(&cm, "x", Some("Secret")));
        for other in [
            json!({"kind": "Status", "metadata": {}}),
            json!({"kind": "Table", "metadata": {"resourceVersion": "5"}, "rows": []}),
            json!({"kind": "Scale", "metadata": {"name": "x"}}),
            json!({"kind": "ConfigMapList", "metadata": {}, "items": []}),
            json!({"kind": "DeleteOptions"}),
            json!([{"op": "replace"}]),
        ] {
            assert!(!is_object(&other, "x", None), "{other}");
        }
        // a create with generateName names the object only in its response
        assert!(is_object(
            &json!({"metadata": {"generateName": "x-"}}),
            "x-abc",
            None
        ));
    }

    #[test]
    fn paths_quote_keys_that_are_not_plain() {
        let p = [
            Seg::Key("metadata".into()),
            Seg::Key("labels".into()),
            Seg::Key("app.kubernetes.io/name".into()),
        ];
        assert_eq!(
            path_string(&p),
            "metadata.labels[\"app.kubernetes.io/name\"]"
        );
        let p = [
            Seg::Key("spec".into()),
            Seg::Key("containers".into()),
            Seg::Index(0, false),
            Seg::Key("image".into()),
        ];
        assert_eq!(path_string(&p), "spec.containers[0].image");
    }
}
