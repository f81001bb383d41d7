//! Recognises what one line (or one item of a JSON document) holds and turns it into audit
//! events: the native Event; a batch (`EventList`, a JSON array, `{"records":[...]}`, a
//! CloudWatch `{"events":[...]}` response); a cloud envelope (EKS CloudWatch message, GKE Cloud
//! Logging `LogEntry`, AKS diagnostic record); or any of these behind a collector's prefix
//! (`hostname {...}`, `2025-02-21T11:23:14.940Z {...}`).
//!
//! Every line is detected on its own, so mixed files work; the native Event is tried first and
//! costs one parse (by `fast.rs`, or serde_json where it declines), envelopes a second one.
//! Each record read (an event, or an item of a batch) comes out as one [`Rec`]: an event, a skip
//! with a reason, or malformed with a reason, so the caller's counts add up. This module does
//! not correlate stages or apply filters.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::error::Category;
use serde_json::value::RawValue;

use super::native::{self, Skip};
use super::{aks, eks, fast, gke};
use crate::event::{Event, Fields, Stage, Str};

/// What the inputs hold (`--input-format`; its values are said in `cli`).
pub use crate::cli::InputFormat as Format;

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Auto => "auto",
            Format::Native => "native",
            Format::Json => "json",
            Format::Eks => "eks",
            Format::Gke => "gke",
            Format::Aks => "aks",
        }
    }
    fn allows(self, shape: Shape) -> bool {
        use Shape::*;
        match self {
            Format::Auto => true,
            Format::Native => matches!(shape, Native),
            Format::Json => matches!(shape, Native | Array | EventList),
            Format::Eks => matches!(shape, Native | Array | Prefixed | CloudWatch),
            Format::Gke => matches!(shape, Array | Gke),
            Format::Aks => matches!(shape, Array | Aks | Records),
        }
    }
}

/// The shapes a record can take; a forced `--input-format` accepts some of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Native,
    Array,
    EventList,
    Records,
    CloudWatch,
    Gke,
    Aks,
    Prefixed,
}

impl Shape {
    fn describe(self) -> &'static str {
        match self {
            Shape::Native => "an audit Event",
            Shape::Array => "a JSON array",
            Shape::EventList => "an EventList",
            Shape::Records => "a {\"records\":[...]} batch",
            Shape::CloudWatch => "a CloudWatch Logs record",
            Shape::Gke => "a GKE LogEntry",
            Shape::Aks => "an AKS diagnostic record",
            Shape::Prefixed => "an event behind a prefix",
        }
    }
}

/// One audit event read, and how it relates to others.
#[derive(Debug)]
pub struct Ev<'a> {
    pub event: Event<'a>,
    pub stage: Stage,
    /// The only record its request will have (no `auditID` or no `stage`, or a GKE entry that is
    /// both the first and the last of its operation): it is not joined with others.
    pub whole: bool,
    /// The event's own JSON when it is not the line itself (unwrapped from an envelope or a
    /// prefix); filled only when the reader keeps raw events.
    pub raw: Option<Cow<'a, [u8]>>,
}

/// What one record turned out to be.
#[derive(Debug)]
#[expect(clippy::large_enum_variant)] // moved once per record; boxing would allocate per record
pub enum Rec<'a> {
    Event(Ev<'a>),
    Skipped(Skip),
    Malformed(String),
}

/// Reads lines and document items.
#[derive(Debug, Clone, Copy)]
pub struct Reader {
    pub format: Format,
    /// Keep each event's JSON (for `-o raw` and bodies).
    pub keep_raw: bool,
    /// The optional fields the command and its filter read (see [`Fields`]): the fast path
    /// leaves the others out of the Event.
    pub fields: Fields,
}

/// Envelopes inside envelopes (a record of a batch of a response) stop here.
const MAX_DEPTH: u8 = 4;
/// Longest collector prefix looked at before a `{`.
const MAX_PREFIX: usize = 512;

/// The keys that tell envelopes apart; each is skipped without being built.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope<'a> {
    #[serde(default, borrow)]
    kind: Option<&'a RawValue>,
    #[serde(default, borrow)]
    items: Option<&'a RawValue>,
    #[serde(default, borrow)]
    records: Option<&'a RawValue>,
    #[serde(default, borrow)]
    events: Option<&'a RawValue>,
    #[serde(default, borrow)]
    log_events: Option<&'a RawValue>,
    #[serde(default, borrow)]
    message: Option<&'a RawValue>,
    #[serde(default, borrow)]
    proto_payload: Option<&'a RawValue>,
    #[serde(default, borrow)]
    category: Option<&'a RawValue>,
    #[serde(default, borrow)]
    properties: Option<&'a RawValue>,
    // who wrote it: AKS `resourceId`; EKS `logStreamName` (filter-log-events), `logGroup` and
    // `logStream` (a subscription filter's delivery)
    #[serde(default, borrow)]
    resource_id: Option<&'a RawValue>,
    #[serde(default, borrow)]
    log_stream_name: Option<&'a RawValue>,
    #[serde(default, borrow)]
    log_group: Option<&'a RawValue>,
    #[serde(default, borrow)]
    log_stream: Option<&'a RawValue>,
    /// A subscription delivery's `DATA_MESSAGE`, or the `CONTROL_MESSAGE` CloudWatch Logs
    /// sends to check the destination (its one log event is no audit event).
    #[serde(default, borrow)]
    message_type: Option<&'a RawValue>,
}

/// A wrapper's string member, decoded (empty when absent or not a string).
fn member<'a>(v: Option<&'a RawValue>) -> Str<'a> {
    v.and_then(|v| serde_json::from_str::<Str<'a>>(v.get()).ok())
        .unwrap_or_default()
}

/// The part of `s` that `f` finds (empty when none).
fn part<'a>(s: Str<'a>, f: impl Fn(&str) -> Option<&str>) -> Str<'a> {
    Str(match s.0 {
        Cow::Borrowed(b) => Cow::Borrowed(f(b).unwrap_or_default()),
        Cow::Owned(o) => Cow::Owned(f(&o).unwrap_or_default().to_string()),
    })
}

/// The events in `out` (from index `from` on) were wrapped in a record that names their cluster
/// or API server: each gets the names it does not have from a wrapper nearer to it.
fn stamp<'a>(out: &mut [Rec<'a>], from: usize, cluster: &Str<'a>, apiserver: &Str<'a>) {
    if cluster.is_empty() && apiserver.is_empty() {
        return;
    }
    for r in out.iter_mut().skip(from) {
        if let Rec::Event(ev) = r {
            if ev.event.cluster.is_empty() {
                ev.event.cluster = cluster.clone();
            }
            if ev.event.apiserver.is_empty() {
                ev.event.apiserver = apiserver.clone();
            }
        }
    }
}

impl Reader {
    /// Read one line. `terminated` is false only for a last line with no `\n` after it.
    pub fn line<'a>(&self, bytes: &'a [u8], terminated: bool, out: &mut Vec<Rec<'a>>) {
        let Some(start) = bytes.iter().position(|b| !b.is_ascii_whitespace()) else {
            out.push(Rec::Skipped(Skip::Blank));
            return;
        };
        match bytes[start] {
            b'{' => self.json(bytes, terminated, 0, out),
            b'[' if self.format.allows(Shape::Array) => self.json(bytes, terminated, 0, out),
            _ => {
                if self.format.allows(Shape::Prefixed) && self.prefixed(bytes, terminated, out) {
                    return;
                }
                out.push(native::not_an_object(bytes, terminated));
            }
        }
    }

    /// One item of a JSON document (already known to be a whole JSON value).
    pub fn item<'a>(&self, bytes: &'a [u8], out: &mut Vec<Rec<'a>>) {
        self.json(bytes, true, 0, out);
    }

    /// `PREFIX {json}`: a collector's hostname or timestamp before the record. True if the rest
    /// was a record (then its results are in `out`).
    fn prefixed<'a>(&self, bytes: &'a [u8], terminated: bool, out: &mut Vec<Rec<'a>>) -> bool {
        let head = &bytes[..bytes.len().min(MAX_PREFIX)];
        let Some(brace) = memchr::memchr(b'{', head) else {
            return false;
        };
        let prefix = &bytes[..brace];
        // a prefix is a few words: no JSON punctuation, and a space before the record
        if prefix.trim_ascii().is_empty()
            || !prefix.last().is_some_and(u8::is_ascii_whitespace)
            || prefix.iter().any(|b| matches!(b, b'"' | b'[' | b'}' | 0))
        {
            return false;
        }
        let rest = &bytes[brace..];
        let mut got = Vec::new();
        self.json(rest, terminated, 0, &mut got);
        if got.iter().all(|r| matches!(r, Rec::Malformed(_))) {
            return false;
        }
        for r in got {
            out.push(match r {
                Rec::Event(mut ev) => {
                    if self.keep_raw && ev.raw.is_none() {
                        ev.raw = Some(Cow::Borrowed(rest.trim_ascii_end()));
                    }
                    Rec::Event(ev)
                }
                other => other,
            });
        }
        true
    }

    fn json<'a>(&self, bytes: &'a [u8], terminated: bool, depth: u8, out: &mut Vec<Rec<'a>>) {
        crate::work::add(bytes.len());
        if depth > MAX_DEPTH {
            out.push(Rec::Malformed("envelopes nested too deeply".into()));
            return;
        }
        let cut = |e: &serde_json::Error| !terminated && e.classify() == Category::Eof;
        // One UTF-8 check per line is cheaper than serde_json's check of every borrowed string.
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(u) if !terminated && u.error_len().is_none() => {
                out.push(Rec::Skipped(Skip::Unterminated));
                return;
            }
            Err(u) => {
                out.push(Rec::Malformed(format!(
                    "invalid UTF-8 at byte {}",
                    u.valid_up_to() + 1
                )));
                return;
            }
        };
        let t = text.trim_ascii_start();
        if !t.starts_with('{') && !t.starts_with('[') {
            out.push(native::not_an_object(bytes, terminated));
            return;
        }
        if t.starts_with('[') {
            match serde_json::from_str::<Vec<&RawValue>>(text) {
                Ok(items) => self.batch(Shape::Array, items, depth, out),
                Err(e) if cut(&e) => out.push(Rec::Skipped(Skip::Unterminated)),
                Err(e) => out.push(Rec::Malformed(native::json_error(bytes, &e))),
            }
            return;
        }
        let parsed = match fast::event(text) {
            Some(ev) => Ok(ev),
            None => serde_json::from_str::<Event>(text),
        };
        let reason = match parsed {
            Ok(ev) if ev.kind.as_str() == "EventList" => String::new(),
            Ok(ev) if !ev.kind.is_empty() || !ev.audit_id.is_empty() => {
                self.native(ev, bytes, depth, out);
                return;
            }
            // neither kind nor auditID: an envelope, or no event at all (`check` says why)
            Ok(ev) => native::check(&ev).err().unwrap_or_default(),
            Err(e) if cut(&e) => {
                out.push(Rec::Skipped(Skip::Unterminated));
                return;
            }
            Err(e) if e.classify() == Category::Data => native::json_error(bytes, &e),
            Err(e) => {
                out.push(Rec::Malformed(native::json_error(bytes, &e)));
                return;
            }
        };
        self.envelope(text, depth, reason, out);
    }

    /// The common case, read without moving the Event: a line that is one native event the fast
    /// parser reads, parsed into `ev`, with its stage and whether it is whole (see [`Ev`]). `None`
    /// for anything else, which [`line`](Self::line) then reads (and words), as if this had not
    /// been called. Agrees with `line`: where this says `Some`, `line` gives one `Rec::Event`
    /// (with no `raw`) of the same event, but for the optional fields not in `fields`, empty
    /// here.
    pub fn native_line<'a>(
        &self,
        bytes: &'a [u8],
        ev: &mut Event<'a>,
    ) -> Option<(crate::event::Stage, bool)> {
        if bytes.first() != Some(&b'{') || !self.format.allows(Shape::Native) {
            return None;
        }
        let text = simdutf8::basic::from_utf8(bytes).ok()?;
        if !fast::event_fields(text, ev, self.fields)
            || ev.kind.as_str() == "EventList"
            || (ev.kind.is_empty() && ev.audit_id.is_empty())
        {
            return None;
        }
        native::check(ev).ok()
    }

    fn native<'a>(&self, ev: Event<'a>, bytes: &'a [u8], depth: u8, out: &mut Vec<Rec<'a>>) {
        if !self.format.allows(Shape::Native) {
            out.push(self.refused(Shape::Native));
            return;
        }
        out.push(match native::check(&ev) {
            Ok((stage, whole)) => Rec::Event(Ev {
                event: ev,
                stage,
                whole,
                raw: (self.keep_raw && depth > 0).then(|| one_line(bytes)),
            }),
            Err(r) => Rec::Malformed(r),
        });
    }

    /// The reader for what an envelope wraps: an audit Event, whatever format was forced.
    fn inner(&self) -> Reader {
        Reader {
            format: Format::Auto,
            ..*self
        }
    }

    fn refused(&self, shape: Shape) -> Rec<'static> {
        Rec::Malformed(format!(
            "{} (reading --input-format {})",
            shape.describe(),
            self.format.name()
        ))
    }

    /// Not a native Event: an envelope, or malformed for `reason` (empty when the object said
    /// it is an `EventList`).
    fn envelope<'a>(&self, text: &'a str, depth: u8, reason: String, out: &mut Vec<Rec<'a>>) {
        let list = reason.is_empty();
        let env: Envelope = match serde_json::from_str(text) {
            Ok(e) => e,
            // duplicate keys: serde names the key
            Err(e) if list => {
                out.push(Rec::Malformed(format!(
                    "{}: {}",
                    Shape::EventList.describe(),
                    native::strip_position(&e)
                )));
                return;
            }
            Err(_) => {
                out.push(Rec::Malformed(reason));
                return;
            }
        };
        let (shape, list) = if env.proto_payload.is_some() {
            if !self.format.allows(Shape::Gke) {
                out.push(self.refused(Shape::Gke));
                return;
            }
            out.push(gke::read(text, self.keep_raw));
            return;
        } else if env.category.is_some() || env.properties.is_some() {
            if !self.format.allows(Shape::Aks) {
                out.push(self.refused(Shape::Aks));
                return;
            }
            let from = out.len();
            match aks::log(env.category, env.properties) {
                Ok(Some((log, pod))) => {
                    match log {
                        aks::Log::Object(inner) => self.inner().json(inner, true, depth + 1, out),
                        aks::Log::Text(s) => self.inner().owned(s, depth + 1, out),
                    }
                    let cluster = part(member(env.resource_id), aks::cluster);
                    stamp(out, from, &cluster, &pod);
                }
                Ok(None) => out.push(Rec::Skipped(Skip::Foreign)),
                Err(r) => out.push(Rec::Malformed(r)),
            }
            return;
        } else if let Some(items) = env.items {
            (Shape::EventList, items)
        } else if list || env.kind.is_some_and(|k| k.get() == "\"EventList\"") {
            // (`list`: the Event's reading decoded a `kind` spelled with escapes)
            out.push(Rec::Skipped(Skip::EmptyBatch));
            return;
        } else if let Some(r) = env.records {
            (Shape::Records, r)
        } else if let Some(ev) = env.events.or(env.log_events) {
            if env
                .message_type
                .is_some_and(|t| t.get() == "\"CONTROL_MESSAGE\"")
            {
                out.push(Rec::Skipped(Skip::Foreign));
                return;
            }
            (Shape::CloudWatch, ev)
        } else if let Some(m) = env.message {
            if !self.format.allows(Shape::CloudWatch) {
                out.push(self.refused(Shape::CloudWatch));
                return;
            }
            let from = out.len();
            match eks::message(m) {
                Ok(Some(s)) => self.inner().owned(s, depth + 1, out),
                Ok(None) => out.push(Rec::Skipped(Skip::Truncated)),
                Err(r) => out.push(Rec::Malformed(r)),
            }
            let stream = member(env.log_stream_name.or(env.log_stream));
            let cluster = part(member(env.log_group), eks::cluster);
            stamp(out, from, &cluster, &stream);
            return;
        } else {
            out.push(Rec::Malformed(reason));
            return;
        };
        if !self.format.allows(shape) {
            out.push(self.refused(shape));
            return;
        }
        let from = out.len();
        match serde_json::from_str::<Option<Vec<&RawValue>>>(list.get()) {
            Ok(items) => {
                self.batch(shape, items.unwrap_or_default(), depth, out);
                if shape == Shape::CloudWatch {
                    let cluster = part(member(env.log_group), eks::cluster);
                    stamp(out, from, &cluster, &member(env.log_stream));
                }
            }
            Err(e) => out.push(Rec::Malformed(format!(
                "{}: items are not a list: {}",
                shape.describe(),
                native::strip_position(&e)
            ))),
        }
    }

    fn batch<'a>(&self, shape: Shape, items: Vec<&'a RawValue>, depth: u8, out: &mut Vec<Rec<'a>>) {
        if !self.format.allows(shape) {
            out.push(self.refused(shape));
            return;
        }
        if items.is_empty() {
            out.push(Rec::Skipped(Skip::EmptyBatch));
            return;
        }
        if !items.iter().any(|i| i.get().starts_with(['{', '['])) {
            // `[1,2]`: not a batch of anything
            out.push(Rec::Malformed(
                "not an audit Event: not a JSON object".into(),
            ));
            return;
        }
        for item in items {
            self.json(item.get().as_bytes(), true, depth + 1, out);
        }
    }

    /// A record that came as a JSON string (CloudWatch message, AKS `properties.log`): its
    /// events own their text.
    fn owned<'a>(&self, text: String, depth: u8, out: &mut Vec<Rec<'a>>) {
        let mut got = Vec::new();
        let t = text.trim_ascii();
        if t.starts_with('{') || t.starts_with('[') {
            self.json(t.as_bytes(), true, depth, &mut got);
        } else {
            got.push(Rec::Malformed(format!(
                "embedded record is not JSON: {}",
                native::excerpt(t)
            )));
        }
        for r in got {
            out.push(match r {
                Rec::Event(ev) => Rec::Event(Ev {
                    event: ev.event.into_owned(),
                    stage: ev.stage,
                    whole: ev.whole,
                    raw: self.keep_raw.then(|| {
                        Cow::Owned(
                            ev.raw
                                .map_or_else(|| t.as_bytes().to_vec(), Cow::into_owned),
                        )
                    }),
                }),
                Rec::Skipped(s) => Rec::Skipped(s),
                Rec::Malformed(m) => Rec::Malformed(m),
            });
        }
    }
}

/// An event's JSON for raw output: on one line.
fn one_line(bytes: &[u8]) -> Cow<'_, [u8]> {
    let b = bytes.trim_ascii();
    if memchr::memchr(b'\n', b).is_some() {
        Cow::Owned(super::document::minify(b))
    } else {
        Cow::Borrowed(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(format: Format, line: &str) -> Vec<String> {
        let r = Reader {
            format,
            keep_raw: true,
            fields: crate::event::Fields::ALL,
        };
        let mut out = Vec::new();
        r.line(line.as_bytes(), true, &mut out);
        out.iter()
            .map(|r| match r {
                Rec::Event(ev) => format!(
                    "{} {} {} {}{}",
                    ev.event.audit_id.as_str(),
                    ev.stage.name(),
                    ev.event.verb.as_str(),
                    ev.event.user.as_ref().map_or("", |u| u.username.as_str()),
                    if ev.whole { " whole" } else { "" }
                ),
                Rec::Skipped(s) => format!("skipped: {}", s.reason()),
                Rec::Malformed(m) => format!("malformed: {m}"),
            })
            .collect()
    }

    const EV: &str = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a1","stage":"ResponseComplete","verb":"get","user":{"username":"alice"}}"#;

    #[test]
    fn native_and_batches() {
        assert_eq!(read(Format::Auto, EV), ["a1 ResponseComplete get alice"]);
        let list =
            format!(r#"{{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[{EV},{EV}]}}"#);
        assert_eq!(read(Format::Auto, &list).len(), 2);
        assert_eq!(read(Format::Json, &list).len(), 2);
        assert_eq!(
            read(Format::Native, &list),
            ["malformed: an EventList (reading --input-format native)"]
        );
        assert_eq!(read(Format::Auto, &format!("[{EV}, {EV}]")).len(), 2);
        assert_eq!(
            read(Format::Auto, "[1,2]"),
            ["malformed: not an audit Event: not a JSON object"]
        );
        assert_eq!(read(Format::Auto, "[]"), ["skipped: empty batch"]);
        assert_eq!(
            read(Format::Auto, r#"{"kind":"EventList","items":[]}"#),
            ["skipped: empty batch"]
        );
        assert_eq!(
            read(Format::Auto, r#"{"kind":"EventList","items":null}"#),
            ["skipped: empty batch"]
        );
    }

    /// Fuzz regression (scripts/fuzz/seeds/line/regress-eventlist-duplicate-items.json): an
    /// EventList whose envelope could not be read (a duplicate `items`) or whose `kind` was
    /// spelled with an escape was reported malformed with an empty reason.
    #[test]
    fn eventlist_with_duplicate_items_has_a_reason() {
        assert_eq!(
            read(
                Format::Auto,
                &format!(r#"{{"kind":"EventList","items":[{EV}],"items":[]}}"#)
            ),
            ["malformed: an EventList: duplicate field `items`"]
        );
        assert_eq!(
            read(Format::Auto, r#"{"kind":"Event\u004cist"}"#),
            ["skipped: empty batch"]
        );
    }

    #[test]
    fn prefixes() {
        for p in [
            "ip-10-0-1-2.ec2.internal ",
            "2025-02-21T11:23:14.940Z ",
            "host\t",
        ] {
            assert_eq!(
                read(Format::Auto, &format!("{p}{EV}")),
                ["a1 ResponseComplete get alice"],
                "{p}"
            );
        }
        assert!(read(Format::Native, &format!("host {EV}"))[0].starts_with("malformed"));
        // not a prefix: the rest is no record, or the prefix looks like JSON
        assert!(read(Format::Auto, "hello {world}")[0].starts_with("malformed: invalid JSON"));
        assert!(read(Format::Auto, &format!("\"x\" {EV}"))[0].starts_with("malformed"));
    }

    #[test]
    fn cloudwatch() {
        let msg = serde_json::to_string(EV).unwrap();
        let resp = format!(
            r#"{{"events":[{{"logStreamName":"kube-apiserver-audit-1","timestamp":1700000000000,"message":{msg},"ingestionTime":1700000000100,"eventId":"1"}},{{"timestamp":1,"message":"{{\"kind\":\"Event\",\"auditID\":\"a2\",\"stage\":\"ResponseCo[Truncated...]"}}],"searchedLogStreams":[]}}"#
        );
        assert_eq!(
            read(Format::Auto, &resp),
            [
                "a1 ResponseComplete get alice",
                "skipped: event cut at the CloudWatch Logs size limit ([Truncated...])"
            ]
        );
        assert_eq!(read(Format::Eks, &resp).len(), 2);
        assert!(read(Format::Gke, &resp)[0].starts_with("malformed: a CloudWatch"));
    }

    #[test]
    fn aks() {
        let msg = serde_json::to_string(EV).unwrap();
        let rec = format!(
            r#"{{"category":"kube-audit","operationName":"Microsoft.ContainerService/managedClusters/diagnosticLogs/Read","properties":{{"log":{msg},"stream":"stdout","pod":"kube-apiserver-1"}}}}"#
        );
        assert_eq!(read(Format::Auto, &rec), ["a1 ResponseComplete get alice"]);
        let obj = format!(r#"{{"category":"kube-audit-admin","properties":{{"log":{EV}}}}}"#);
        assert_eq!(read(Format::Aks, &obj), ["a1 ResponseComplete get alice"]);
        let batch = format!(r#"{{"records":[{rec},{obj}]}}"#);
        assert_eq!(read(Format::Auto, &batch).len(), 2);
        assert_eq!(
            read(
                Format::Auto,
                r#"{"category":"kube-apiserver","properties":{"log":"I0101 started"}}"#
            ),
            ["skipped: not an audit record (another service or log category)"]
        );
        // CloudWatch Logs checks a subscription's destination with a control message
        assert_eq!(
            read(
                Format::Auto,
                r#"{"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","logGroup":"","logStream":"","subscriptionFilters":[],"logEvents":[{"id":"","timestamp":1432826855000,"message":"CWL CONTROL MESSAGE: Checking health of destination Kinesis stream."}]}"#
            ),
            ["skipped: not an audit record (another service or log category)"]
        );
    }

    #[test]
    fn hostile_envelopes() {
        // nesting batches in batches stops, without recursion trouble
        let mut s = EV.to_string();
        for _ in 0..10 {
            s = format!(r#"{{"records":[{s}]}}"#);
        }
        assert_eq!(
            read(Format::Auto, &s),
            ["malformed: envelopes nested too deeply"]
        );
        assert!(read(Format::Auto, r#"{"records":7}"#)[0].starts_with("malformed"));
        assert!(read(Format::Auto, r#"{"message":7}"#)[0].starts_with("malformed"));
        assert!(read(Format::Auto, r#"{"message":"plain text"}"#)[0].starts_with("malformed"));
        assert!(
            read(
                Format::Auto,
                r#"{"events":[{"message":"{\"kind\":\"Event\""}]}"#
            )[0]
            .starts_with("malformed: truncated JSON")
        );
    }
}
