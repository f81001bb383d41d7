//! The state machine of `history`: the scan's sink follows the object's last known state (per
//! cluster and namespace) through every request on it, in the order they completed, and says
//! what each did (a [`Step`]: notes, changes, the patch, applied or refused), keeping the
//! requests the user's filters show as entries. It does not compute diffs (`diff.rs`) nor lay
//! out the output (`output.rs`).

use std::collections::HashMap;

use anyhow::Result;
use serde_json::Value;

use super::bodies::{self, Bodies, is_object, list_item, rv};
use super::diff::{Change, Mode};
use super::output::Entry;
use super::patch::{PatchLine, malformed_ops};
use super::target::{Touch, selector_names};
use crate::correlate::Request;
use crate::correlate::meaning::DryRun;
use crate::filter::Filter;
use crate::redact::{Redactor, Seg};
use crate::scan::{self, Flow, Sink};

pub(super) struct HistorySink<'t> {
    pub(super) name: &'t str,
    /// The user's filters: which requests are shown.
    pub(super) shown: &'t Filter,
    pub(super) red: Redactor,
    /// The last known state of the object, per cluster and namespace.
    pub(super) states: HashMap<String, Value>,
    pub(super) entries: Vec<Entry>,
    /// Completion order, to keep requests received in the same microsecond in log order.
    pub(super) seq: usize,
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
        let collection = crate::vocab::verbs::is_collection(&r.verb);
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
        let mut bodies = bodies::read(&r);
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

/// What following one request did: shown under its row.
#[derive(Debug, Default)]
pub(super) struct Step {
    pub(super) notes: Vec<String>,
    pub(super) changes: Vec<Change>,
    /// The patch body, redacted, for JSON and CSV.
    pub(super) patch: Option<Value>,
    /// The patch body as lines, when the table shows it (no diff could be made).
    pub(super) patch_lines: Vec<PatchLine>,
    /// For writes: did the API server accept it (2xx)?
    pub(super) applied: Option<bool>,
    /// A write that was refused, or whose outcome the log does not have.
    pub(super) refused: Option<String>,
    pub(super) has_bodies: bool,
    pub(super) write: bool,
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
        let (mut s, dry) = outcome(r, b, ok);
        let prev = self.states.remove(&ns);
        let kind = prev
            .as_ref()
            .and_then(|p| p.get("kind"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let c = Ctx {
            r,
            red: self
                .red
                .about([prev.as_ref(), b.request.as_ref(), b.response.as_ref()]),
            ok,
            name: self.name,
            kind: kind.as_deref(),
            prev: prev.as_ref(),
        };
        let next = match (verb, sub) {
            (_, "scale") => Self::scale(c.red, r, b, c.prev, ok, &mut s),
            (_, other) if !matches!(other, "" | "status" | "ephemeralcontainers" | "resize") => {
                // exec, attach, log, portforward, proxy, binding, eviction, token: no object body
                if let Some(n) = connect_note(sub, &r.request_uri) {
                    s.notes.push(n);
                }
                Next::Keep
            }
            ("patch" | "update", "") if r.created() => c.created(b, &mut s),
            ("create", _) => c.create(b, &mut s),
            ("update" | "patch", _) => c.update(b, &mut s),
            ("delete", _) => {
                if ok && !dry.is_dry() {
                    c.deleted(b, &mut s)
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
            _ => c.read(b, &mut s),
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

/// The start of a step: is the request a write, was it applied (or refused, or a dry run), and
/// the notes its bodies earn (cut by the API server, unreadable).
fn outcome(r: &Request<'_>, b: &mut Bodies, ok: bool) -> (Step, DryRun) {
    let sub = &*r.subresource;
    // exec, attach, port-forward, proxy and logs are connections, not writes to the object
    let write = r.is_write() && !matches!(sub, "exec" | "attach" | "portforward" | "proxy" | "log");
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
            Some(c) if !ok => format!("not applied: dry run, and refused: {c} {}", r.status_reason)
                .trim_end()
                .to_string(),
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
    (s, dry)
}

/// What each kind of request reads to say what it did: the request and whether it succeeded,
/// the redactor for this object, the object's last known state, and how to tell the object
/// among the bodies.
struct Ctx<'c, 'r> {
    r: &'c Request<'r>,
    red: Redactor,
    ok: bool,
    name: &'c str,
    /// The kind of the object, once a state of it is known.
    kind: Option<&'c str>,
    prev: Option<&'c Value>,
}

impl Ctx<'_, '_> {
    /// The body in `v`, taken, when it is the object itself.
    fn take_object(&self, v: &mut Option<Value>) -> Option<Value> {
        v.take().filter(|v| is_object(v, self.name, self.kind))
    }

    /// A server-side apply or a PUT that created the object (201).
    fn created(&self, b: &mut Bodies, s: &mut Step) -> Next {
        let verb = &*self.r.verb;
        s.notes.push(format!("created by this {verb} (201)"));
        if verb == "patch"
            && let Some(p) = b.request.take()
        {
            s.patch = Some(self.red.patch(&p, None));
        }
        let req = if verb == "update" {
            self.take_object(&mut b.request)
        } else {
            None
        };
        let resp = self.take_object(&mut b.response);
        if let Some(o) = resp.as_ref().or(req.as_ref()) {
            self.red
                .diff(None, Some(o), &mut Vec::new(), Mode::Create, &mut s.changes);
        }
        match resp.or(req) {
            Some(o) => Next::Set(o),
            None => Next::Clear,
        }
    }

    fn create(&self, b: &mut Bodies, s: &mut Step) -> Next {
        let req = self.take_object(&mut b.request);
        let resp = self.take_object(&mut b.response);
        // the fields the creator set; what the server stored when the request is not logged
        if let Some(o) = req.as_ref().or(resp.as_ref()) {
            self.red
                .diff(None, Some(o), &mut Vec::new(), Mode::Create, &mut s.changes);
        }
        if self.ok {
            match resp.or(req) {
                Some(o) => Next::Set(o),
                None => Next::Clear,
            }
        } else {
            Next::Keep
        }
    }

    /// An update or a patch (of the object or its status): the diff against the last known
    /// state, else the patch body.
    fn update(&self, b: &mut Bodies, s: &mut Step) -> Next {
        let (verb, red, prev) = (&*self.r.verb, self.red, self.prev);
        let mode = if self.r.subresource == "status" {
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
            s.patch = Some(red.patch(p, prev));
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
            self.take_object(&mut b.request)
        } else {
            None
        };
        if self.ok {
            let new = self.take_object(&mut b.response).or(req);
            match (prev, new) {
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
                        s.patch_lines = red.patch_lines(p, prev);
                    }
                    Next::Set(n)
                }
                (_, None) => {
                    if let Some(p) = &patch {
                        s.notes.push("the log has no resulting object".into());
                        s.patch_lines = red.patch_lines(p, prev);
                    }
                    // the object changed in a way the log does not show: forget it
                    Next::Clear
                }
            }
        } else {
            if let (Some(p), Some(q)) = (prev, &req) {
                red.diff(Some(p), Some(q), &mut Vec::new(), mode, &mut s.changes);
            }
            if let Some(p) = &patch {
                s.patch_lines = red.patch_lines(p, prev);
            }
            Next::Keep
        }
    }

    /// A delete that was applied.
    fn deleted(&self, b: &mut Bodies, s: &mut Step) -> Next {
        match self.take_object(&mut b.response) {
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
    }

    /// Reads: get, list and watch with a field selector. A newer object than the last known
    /// state was changed by a request the log does not have.
    fn read(&self, b: &mut Bodies, s: &mut Step) -> Next {
        let seen = if !self.ok {
            None
        } else if self.r.verb == "get" {
            self.take_object(&mut b.response)
        } else {
            list_item(b.response.as_ref(), self.name, self.kind).cloned()
        };
        match (seen, self.prev) {
            (Some(o), Some(p)) => match (rv(&o), rv(p)) {
                (Some(a), Some(z)) if a <= z => Next::Keep, // same or older: nothing new
                _ => {
                    self.red.diff(
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
}

/// `exec: command=env container=box` for exec, attach and port-forward requests.
fn connect_note(sub: &str, uri: &str) -> Option<String> {
    if !crate::correlate::meaning::is_stream_subresource(sub) {
        return None;
    }
    let query = uri.split_once('?').map_or("", |(_, q)| q);
    let mut command = Vec::new();
    let mut rest = Vec::new();
    for (k, v) in crate::vocab::uri::parse_query(query) {
        match k.as_str() {
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
