//! GKE: Kubernetes audit entries from Cloud Logging (`LogEntry` with a `protoPayload` of type
//! `AuditLog` and `serviceName: k8s.io`), one per line or as the JSON array that `gcloud logging
//! read --format=json` prints (unwrapped by `format.rs`). It reads one entry at a time and keeps
//! no state between entries: what one entry does not say (the other entry of a long request, the
//! query string of the request) is left unknown, never guessed.
//!
//! The mapping to an audit Event:
//! - auditID: `operation.id`, else `insertId`. One entry is one whole request (`operation.first`
//!   and `.last` both true: what GKE writes for Kubernetes requests, which are not long-running
//!   operations in Cloud Logging's sense), except a request logged twice, `first` alone then
//!   `last` alone: the first is read as the request's RequestReceived (its time is the start of
//!   the request, as far as GKE tells; GKE's policy, like GCE's, omits the RequestReceived stage,
//!   so that entry is likely written when the response starts) and the last as its
//!   ResponseComplete, so the request's latency is last − first. An entry with no id at all is a
//!   whole request.
//! - verb: the last part of `methodName` (`io.k8s.core.v1.pods.exec.create` → `create`).
//! - Resource or not: a resource request's `methodName` is
//!   `io.k8s.GROUP.VERSION.RESOURCE[.SUB].VERB` and its `resourceName` a path without the leading
//!   slash: `GROUP/VERSION/[namespaces/NS/]RESOURCE[/NAME[/SUB]]` (`core` is the core group).
//!   A non-resource request's `methodName` is `io.k8s.VERB` (`io.k8s.get`, `io.k8s.post`) and
//!   its `resourceName` the URL path, also without its leading slash (`readyz`, `version`,
//!   `api/v1`, `HNAP1`; the root `/` is the empty string, which protobuf JSON leaves out). A
//!   `resourceName` that does start with `/` is a path too.
//! - objectRef (group, version, namespace, resource, name, subresource): from a resource
//!   `resourceName`, split the way the API server splits a request path; none for a non-resource
//!   request.
//! - requestURI: a non-resource request's path, `/` + `resourceName` (`/readyz`), as the API
//!   server writes it for the same request. A resource request's path is rebuilt from its parts
//!   (`/api/v1/namespaces/NS/pods/NAME`, `/apis/GROUP/VERSION/...`; a create without a
//!   subresource names the collection, `/api/v1/namespaces/NS/pods`, as the client's URL did,
//!   though GKE's `resourceName` names the object created). GKE does not log the query string,
//!   so a rebuilt URI has none (no `?dryRun=All`, `?fieldManager=`, `?watch=true`).
//! - user: `authenticationInfo.principalEmail`, else `principalSubject` (GKE logs no groups);
//!   source IP and user agent: `requestMetadata.callerIp` and `callerSuppliedUserAgent`.
//! - annotations: the entry's `labels` (GKE writes the decision and reason there, and the other
//!   annotations). When the labels carry no `authorization.k8s.io/decision`, it comes from
//!   `protoPayload.authorizationInfo[].granted`: `allow` when every item says `granted: true`,
//!   `forbid` when an item says `granted: false`; otherwise none. protobuf JSON leaves a false
//!   `granted` out, so an item without it was not granted, but not granted is not forbid: GKE
//!   writes such items for requests its authorizer allowed and admission then refused (labels
//!   `decision: allow`, a 403 from Pod Security or an image policy webhook), so an item without
//!   `granted` gives no decision.
//! - times: GKE writes one time per entry, `timestamp` (`receiveTimestamp` is when Cloud Logging
//!   received the entry, not a time of the request, and is not read); it is the event's
//!   `stageTimestamp`. A whole request's entry gives no second time, so its latency is unknown,
//!   and its `requestReceivedTimestamp` too (the same time written twice would say the request
//!   took no time at all). `requestMetadata.requestAttributes.time`, when an entry has it (the
//!   `AuditLog` field for when the service received the request; the GKE Kubernetes entries seen
//!   so far do not write it), is the `requestReceivedTimestamp`: the correlation key and the
//!   start of the latency.
//! - level: `RequestResponse` with a `response`, `Request` with a `request`, else `Metadata`.
//! - status: a `google.rpc.Status` in `protoPayload.status`. protobuf JSON leaves out a field
//!   at its default value, so `status: {}` (and `{"message": "OK"}`) is code 0, OK, 200. A
//!   missing (or null) `status` says nothing of the outcome (some exports drop the field): the
//!   code is unknown, not 200. When the response is a Kubernetes `Status` with a code, that
//!   exact code is used for a failed request (or one with no `status`); otherwise
//!   [`http_code`] maps the rpc code.
//! - cluster: `resource.labels.cluster_name` (the monitored resource `k8s_cluster`). GKE does
//!   not say which replica of the control plane answered: no API server.
//!
//! Entries of other services (`serviceName` other than `k8s.io`) are skipped with a reason.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::format::{Ev, Rec};
use super::native::{Skip, strip_position};
use crate::event::{Annotations, Event, ObjectRef, Stage, Status, Str, UserInfo};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LogEntry<'a> {
    #[serde(default, borrow)]
    insert_id: Str<'a>,
    #[serde(default, borrow)]
    timestamp: Str<'a>,
    #[serde(default, borrow)]
    labels: Option<Annotations<'a>>,
    #[serde(default, borrow)]
    operation: Option<Operation<'a>>,
    #[serde(borrow)]
    proto_payload: Payload<'a>,
    #[serde(default, borrow)]
    resource: Option<Resource<'a>>,
}

/// The monitored resource: a `k8s_cluster` names its cluster in `labels.cluster_name` (with
/// `project_id` and `location`).
#[derive(Deserialize)]
struct Resource<'a> {
    #[serde(default, borrow)]
    labels: Option<ResourceLabels<'a>>,
}

#[derive(Deserialize)]
struct ResourceLabels<'a> {
    #[serde(default, borrow)]
    cluster_name: Str<'a>,
}

#[derive(Deserialize)]
struct Operation<'a> {
    #[serde(default, borrow)]
    id: Str<'a>,
    #[serde(default)]
    first: Option<bool>,
    #[serde(default)]
    last: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Payload<'a> {
    #[serde(default, borrow)]
    service_name: Str<'a>,
    #[serde(default, borrow)]
    method_name: Str<'a>,
    #[serde(default, borrow)]
    resource_name: Str<'a>,
    #[serde(default, borrow)]
    authentication_info: Option<AuthN<'a>>,
    /// Read leniently by [`decision`]: a list in another shape gives no decision.
    #[serde(default, borrow)]
    authorization_info: Option<&'a RawValue>,
    #[serde(default, borrow)]
    request_metadata: Option<Meta<'a>>,
    #[serde(default, borrow)]
    status: Option<RpcStatus<'a>>,
    #[serde(default, borrow)]
    request: Option<&'a RawValue>,
    #[serde(default, borrow)]
    response: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AuthN<'a> {
    #[serde(default, borrow)]
    principal_email: Str<'a>,
    #[serde(default, borrow)]
    principal_subject: Str<'a>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Meta<'a> {
    #[serde(default, borrow, alias = "callerIP")]
    caller_ip: Str<'a>,
    #[serde(default, borrow)]
    caller_supplied_user_agent: Str<'a>,
    #[serde(default, borrow)]
    request_attributes: Option<RequestAttrs<'a>>,
}

/// `google.rpc.context.AttributeContext.Request`: only its `time`.
#[derive(Deserialize)]
struct RequestAttrs<'a> {
    #[serde(default, borrow)]
    time: Str<'a>,
}

/// One item of `authorizationInfo`: only whether it was granted (absent when false).
#[derive(Deserialize)]
struct AuthZ {
    #[serde(default)]
    granted: Option<bool>,
}

#[derive(Deserialize)]
struct RpcStatus<'a> {
    #[serde(default)]
    code: Option<i64>,
    #[serde(default, borrow)]
    message: Str<'a>,
}

/// A Kubernetes `Status` in the response of a failed request.
#[derive(Deserialize)]
struct K8sStatus<'a> {
    #[serde(default, borrow)]
    kind: Str<'a>,
    #[serde(default)]
    code: Option<i64>,
    #[serde(default, borrow)]
    reason: Str<'a>,
}

/// The HTTP status for a `google.rpc.Code`, as the API server's status maps to it:
/// 0 OK → 200, 1 CANCELLED → 499, 2 UNKNOWN → 500, 3 INVALID_ARGUMENT → 422 when the message
/// says the object "is invalid" (Kubernetes validation), else 400, 4 DEADLINE_EXCEEDED → 504,
/// 5 NOT_FOUND → 404, 6 ALREADY_EXISTS → 409, 7 PERMISSION_DENIED → 403, 8 RESOURCE_EXHAUSTED
/// → 429, 9 FAILED_PRECONDITION → 400, 10 ABORTED → 409, 11 OUT_OF_RANGE → 400,
/// 12 UNIMPLEMENTED → 501, 13 INTERNAL → 500, 14 UNAVAILABLE → 503, 15 DATA_LOSS → 500,
/// 16 UNAUTHENTICATED → 401.
pub fn http_code(rpc: i64, message: &str) -> i64 {
    match rpc {
        0 => 200,
        1 => 499,
        3 if message.contains(" is invalid") => 422,
        3 | 9 | 11 => 400,
        4 => 504,
        5 => 404,
        6 | 10 => 409,
        7 => 403,
        8 => 429,
        12 => 501,
        14 => 503,
        16 => 401,
        _ => 500,
    }
}

/// Read one LogEntry.
pub fn read(text: &str, keep_raw: bool) -> Rec<'_> {
    let e: LogEntry = match serde_json::from_str(text) {
        Ok(e) => e,
        Err(err) => return Rec::Malformed(format!("GKE LogEntry: {}", strip_position(&err))),
    };
    let p = e.proto_payload;
    if p.service_name.as_str() != "k8s.io" {
        return Rec::Skipped(Skip::Foreign);
    }
    let (id, stage, whole) = id_and_stage(e.operation, e.insert_id);
    let non_resource = is_non_resource(p.method_name.as_str());
    let verb = verb(p.method_name.0);
    let (object_ref, uri) = object_and_uri(p.resource_name.as_str(), non_resource, &verb);
    let (ip, agent, received) = caller(p.request_metadata);
    let ev = Event {
        kind: Str(Cow::Borrowed("Event")),
        api_version: Str(Cow::Borrowed("audit.k8s.io/v1")),
        level: Str(Cow::Borrowed(level(p.request, p.response))),
        audit_id: id,
        stage: Str(Cow::Borrowed(stage.name())),
        request_uri: Str(Cow::Owned(uri)),
        verb: Str(verb),
        user: user(p.authentication_info).map(|u| UserInfo {
            username: u,
            groups: Vec::new(),
            extra: Vec::new(),
        }),
        impersonated_user: None,
        source_ips: if ip.is_empty() { Vec::new() } else { vec![ip] },
        user_agent: agent,
        object_ref,
        response_status: response_status(p.status, p.response),
        request_received_timestamp: received,
        stage_timestamp: e.timestamp,
        timestamp: Str::default(),
        annotations: annotations(e.labels, p.authorization_info),
        body_dry_run: p.request.and_then(|r| crate::event::body_dry_run(r.get())),
        // its raw line is made with the bodies (native_json)
        no_bodies: false,
        cluster: e
            .resource
            .and_then(|r| r.labels)
            .map(|l| l.cluster_name)
            .unwrap_or_default(),
        // GKE does not say which replica of the control plane answered
        apiserver: Str::default(),
    };
    let raw = keep_raw.then(|| Cow::Owned(native_json(&ev, p.request, p.response)));
    Rec::Event(Ev {
        event: ev,
        stage,
        whole,
        raw,
    })
}

/// The entry's audit ID and stage, and whether it is a whole request: `operation.id` with its
/// `first` and `last`, else `insertId` as a whole request.
#[inline]
fn id_and_stage<'a>(
    operation: Option<Operation<'a>>,
    insert_id: Str<'a>,
) -> (Str<'a>, Stage, bool) {
    let (id, first, last) = match operation {
        // protobuf JSON leaves out false booleans: `{"first": true}` alone opens a long request
        Some(op) if !op.id.is_empty() => {
            (op.id, op.first.unwrap_or(false), op.last.unwrap_or(false))
        }
        _ => (insert_id, true, true),
    };
    // An entry that is neither first nor last (or both), or that has no id to join on (some
    // exports drop it), is the whole request. The first of two is the request's start.
    let (stage, whole) = match (first, last) {
        _ if id.is_empty() => (Stage::ResponseComplete, true),
        (true, false) => (Stage::RequestReceived, false),
        (false, true) => (Stage::ResponseComplete, false),
        _ => (Stage::ResponseComplete, true),
    };
    (id, stage, whole)
}

/// The verb: the last part of `methodName` (`io.k8s.core.v1.pods.exec.create` → `create`).
#[inline]
fn verb(method: Cow<'_, str>) -> Cow<'_, str> {
    match method {
        Cow::Borrowed(m) => Cow::Borrowed(m.rsplit('.').next().unwrap_or(m)),
        Cow::Owned(m) => Cow::Owned(m.rsplit('.').next().unwrap_or(&m).to_string()),
    }
}

/// The objectRef and requestURI of `resourceName` `rn`: a path as it is when it starts with
/// `/` or the request is a non-resource one, else split into its parts and the URI rebuilt.
#[inline]
fn object_and_uri(
    rn: &str,
    non_resource: bool,
    verb: &str,
) -> (Option<ObjectRef<'static>>, String) {
    if rn.starts_with('/') {
        (None, rn.to_string())
    } else if non_resource {
        (None, format!("/{rn}"))
    } else {
        match object_ref(rn) {
            Some(o) => {
                let uri = resource_uri(rn, &o, verb);
                (Some(o), uri)
            }
            None => (None, String::new()),
        }
    }
}

/// The level the entry was logged at: by which of the request and response bodies it has.
#[inline]
fn level(request: Option<&RawValue>, response: Option<&RawValue>) -> &'static str {
    if response.is_some() {
        "RequestResponse"
    } else if request.is_some() {
        "Request"
    } else {
        "Metadata"
    }
}

/// The responseStatus: from the rpc `status` (the Kubernetes Status in `response` giving the
/// exact code of a failed request), or from that Status alone when `status` is absent.
#[inline]
fn response_status<'a>(
    status: Option<RpcStatus<'a>>,
    response: Option<&'a RawValue>,
) -> Option<Status<'a>> {
    // A failed request's response is usually the Kubernetes Status: its code is exact.
    let k8s = || {
        response
            .and_then(|r| serde_json::from_str::<K8sStatus>(r.get()).ok())
            .filter(|s| s.kind.as_str() == "Status" && s.code.is_some())
    };
    match status {
        // present: its code, left out when 0 (OK)
        Some(st) => {
            let rpc = st.code.unwrap_or(0);
            let (code, reason) = match (rpc != 0).then(k8s).flatten() {
                Some(s) => (s.code, s.reason.into_owned()),
                None => (Some(http_code(rpc, st.message.as_str())), Str::default()),
            };
            Some(Status {
                code,
                reason,
                message: st.message,
            })
        }
        // absent: the outcome is unknown, unless the response is a Status that says it
        None => k8s().map(|s| Status {
            code: s.code,
            reason: s.reason.into_owned(),
            message: Str::default(),
        }),
    }
}

/// The user's name: `principalEmail`, else `principalSubject`.
#[inline]
fn user(authn: Option<AuthN<'_>>) -> Option<Str<'_>> {
    if authn
        .as_ref()
        .is_some_and(|a| !a.principal_email.is_empty())
    {
        authn.map(|a| a.principal_email)
    } else {
        authn.map(|a| a.principal_subject)
    }
}

/// From `requestMetadata`: the caller's IP, its user agent and the time the request was
/// received (`requestAttributes.time`), each empty when not given.
#[inline]
fn caller(meta: Option<Meta<'_>>) -> (Str<'_>, Str<'_>, Str<'_>) {
    meta.map_or((Str::default(), Str::default(), Str::default()), |m| {
        let time = m.request_attributes.map(|a| a.time).unwrap_or_default();
        (m.caller_ip, m.caller_supplied_user_agent, time)
    })
}

/// The annotations: the entry's `labels`, with the decision `authorizationInfo` gives when the
/// labels carry none.
#[inline]
fn annotations<'a>(
    labels: Option<Annotations<'a>>,
    authorization_info: Option<&RawValue>,
) -> Option<Annotations<'a>> {
    let mut annotations = labels;
    if annotations.as_ref().is_none_or(|a| a.decision.is_empty())
        && let Some(d) = authorization_info.and_then(decision)
    {
        annotations
            .get_or_insert_with(Annotations::default)
            .decision = Str(Cow::Borrowed(d));
    }
    annotations
}

/// A non-resource request's `methodName`: `io.k8s.` and the verb alone (`io.k8s.get`), where a
/// resource request's names the group, version and resource before the verb.
fn is_non_resource(method: &str) -> bool {
    method
        .strip_prefix("io.k8s.")
        .is_some_and(|verb| !verb.is_empty() && !verb.contains('.'))
}

/// The authorization decision `authorizationInfo` gives: `allow` when every item was granted,
/// `forbid` when one says `granted: false`, none otherwise (no items, an item without `granted`,
/// a list in another shape). See the module doc for why a missing `granted` is not `forbid`.
fn decision(info: &RawValue) -> Option<&'static str> {
    let items: Vec<AuthZ> = serde_json::from_str(info.get()).ok()?;
    if items.iter().any(|i| i.granted == Some(false)) {
        Some("forbid")
    } else if !items.is_empty() && items.iter().all(|i| i.granted == Some(true)) {
        Some("allow")
    } else {
        None
    }
}

/// The path of a resource request, rebuilt from its `resourceName` (already split into `o`):
/// `/api/v1/...` for the core group, `/apis/GROUP/VERSION/...` for the others. A create
/// without a subresource is sent to its collection: the name GKE appends is left out.
fn resource_uri(rn: &str, o: &ObjectRef<'_>, verb: &str) -> String {
    let parts: Vec<&str> = rn.split('/').filter(|p| !p.is_empty()).collect();
    let mut rest = &parts[2..];
    if verb == "create" && o.subresource.is_empty() && !o.name.is_empty() {
        rest = &rest[..rest.len() - 1];
    }
    let mut uri = if parts[0] == "core" {
        format!("/api/{}", parts[1])
    } else {
        format!("/apis/{}/{}", parts[0], parts[1])
    };
    for p in rest {
        uri.push('/');
        uri.push_str(p);
    }
    uri
}

/// Split a GKE `resourceName` the way the API server splits a request path.
fn object_ref(rn: &str) -> Option<ObjectRef<'static>> {
    let parts: Vec<&str> = rn.split('/').filter(|p| !p.is_empty()).collect();
    if parts.len() < 3 {
        return None;
    }
    let group = if parts[0] == "core" { "" } else { parts[0] };
    let mut rest = &parts[2..];
    let mut namespace = "";
    if rest[0] == "namespaces" && rest.len() > 1 {
        namespace = rest[1];
        // namespaces/NAME/status and /finalize are subresources of the namespace itself
        if rest.len() > 2 && !matches!(rest[2], "status" | "finalize") {
            rest = &rest[2..];
        }
    }
    let s = |x: &str| Str(Cow::Owned(x.to_string()));
    Some(ObjectRef {
        resource: s(rest[0]),
        namespace: s(namespace),
        name: s(rest.get(1).copied().unwrap_or("")),
        api_group: s(group),
        api_version: s(parts[1]),
        subresource: s(&rest.get(2..).map(|r| r.join("/")).unwrap_or_default()),
    })
}

/// The entry as a native audit Event (for `-o raw` and for reading bodies).
fn native_json(ev: &Event, request: Option<&RawValue>, response: Option<&RawValue>) -> Vec<u8> {
    use serde_json::{Map, Value, json};
    let mut m = Map::new();
    let s = |x: &Str| Value::String(x.as_str().to_string());
    m.insert("kind".into(), json!("Event"));
    m.insert("apiVersion".into(), json!("audit.k8s.io/v1"));
    m.insert("level".into(), s(&ev.level));
    m.insert("auditID".into(), s(&ev.audit_id));
    m.insert("stage".into(), s(&ev.stage));
    if !ev.request_uri.is_empty() {
        m.insert("requestURI".into(), s(&ev.request_uri));
    }
    m.insert("verb".into(), s(&ev.verb));
    if let Some(u) = &ev.user {
        m.insert("user".into(), json!({"username": u.username.as_str()}));
    }
    let ips: Vec<Value> = ev.source_ips.iter().map(s).collect();
    m.insert("sourceIPs".into(), Value::Array(ips));
    m.insert("userAgent".into(), s(&ev.user_agent));
    if let Some(o) = &ev.object_ref {
        let mut r = Map::new();
        for (k, v) in [
            ("resource", &o.resource),
            ("namespace", &o.namespace),
            ("name", &o.name),
            ("apiGroup", &o.api_group),
            ("apiVersion", &o.api_version),
            ("subresource", &o.subresource),
        ] {
            if !v.is_empty() {
                r.insert(k.into(), s(v));
            }
        }
        m.insert("objectRef".into(), Value::Object(r));
    }
    if let Some(st) = &ev.response_status {
        let mut r = Map::new();
        r.insert("code".into(), json!(st.code));
        if !st.reason.is_empty() {
            r.insert("reason".into(), s(&st.reason));
        }
        if !st.message.is_empty() {
            r.insert("message".into(), s(&st.message));
        }
        m.insert("responseStatus".into(), Value::Object(r));
    }
    for (k, body) in [("requestObject", request), ("responseObject", response)] {
        if let Some(mut v) = body.and_then(|b| serde_json::from_str::<Value>(b.get()).ok()) {
            // Cloud Logging's protobuf type tag is not part of the Kubernetes object
            if let Some(o) = v.as_object_mut() {
                o.shift_remove("@type");
            }
            m.insert(k.into(), v);
        }
    }
    for (k, v) in [
        ("requestReceivedTimestamp", &ev.request_received_timestamp),
        ("stageTimestamp", &ev.stage_timestamp),
    ] {
        if !v.is_empty() {
            m.insert(k.into(), s(v));
        }
    }
    if let Some(a) = &ev.annotations {
        let mut r = Map::new();
        for (k, v) in [
            ("authorization.k8s.io/decision", &a.decision),
            ("authorization.k8s.io/reason", &a.reason),
            ("audit.k8s.io/truncated", &a.truncated),
        ] {
            if !v.is_empty() {
                r.insert(k.into(), s(v));
            }
        }
        for (k, v) in &a.others {
            r.insert(k.as_str().into(), s(v));
        }
        m.insert("annotations".into(), Value::Object(r));
    }
    serde_json::to_vec(&Value::Object(m)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_resource_names_like_the_api_server() {
        let r = |rn: &str| {
            let o = object_ref(rn).unwrap();
            format!(
                "{}|{}|{}|{}|{}|{}",
                o.api_group.as_str(),
                o.api_version.as_str(),
                o.namespace.as_str(),
                o.resource.as_str(),
                o.name.as_str(),
                o.subresource.as_str()
            )
        };
        assert_eq!(
            r("core/v1/namespaces/default/pods/nginx-pod/exec"),
            "|v1|default|pods|nginx-pod|exec"
        );
        assert_eq!(
            r("apps/v1/namespaces/prod/deployments"),
            "apps|v1|prod|deployments||"
        );
        assert_eq!(
            r("rbac.authorization.k8s.io/v1/clusterrolebindings/admin"),
            "rbac.authorization.k8s.io|v1||clusterrolebindings|admin|"
        );
        assert_eq!(r("core/v1/namespaces/dev"), "|v1|dev|namespaces|dev|");
        assert_eq!(
            r("core/v1/namespaces/dev/finalize"),
            "|v1|dev|namespaces|dev|finalize"
        );
        assert_eq!(r("core/v1/nodes/n1/proxy/logs"), "|v1||nodes|n1|proxy/logs");
        assert!(object_ref("core/v1").is_none());
    }

    #[test]
    fn maps_rpc_codes() {
        assert_eq!(http_code(0, ""), 200);
        assert_eq!(http_code(7, ""), 403);
        assert_eq!(http_code(16, ""), 401);
        assert_eq!(http_code(5, ""), 404);
        assert_eq!(http_code(6, ""), 409);
        assert_eq!(http_code(3, "Pod \"x\" is invalid: spec"), 422);
        assert_eq!(http_code(3, "bad request"), 400);
        assert_eq!(http_code(99, ""), 500);
    }

    fn ev(line: &str) -> Ev<'_> {
        match read(line, true) {
            Rec::Event(e) => e,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn reads_an_entry() {
        let line = r#"{"insertId":"i1","labels":{"authorization.k8s.io/decision":"forbid"},"operation":{"id":"op1","first":true,"last":true,"producer":"k8s.io"},"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","authenticationInfo":{"principalEmail":"dev@example.com"},"methodName":"io.k8s.core.v1.secrets.get","resourceName":"core/v1/namespaces/prod/secrets/db","requestMetadata":{"callerIp":"203.0.113.9","callerSuppliedUserAgent":"kubectl/v1.30.0"},"serviceName":"k8s.io","status":{"code":7,"message":"forbidden"}},"timestamp":"2024-02-08T04:37:28.460318Z"}"#;
        let e = ev(line);
        assert!(e.whole);
        assert_eq!(e.event.audit_id.as_str(), "op1");
        assert_eq!(e.event.verb.as_str(), "get");
        assert_eq!(e.event.response_status.as_ref().unwrap().code, Some(403));
        assert_eq!(e.event.source_ips[0].as_str(), "203.0.113.9");
        assert_eq!(
            e.event.annotations.as_ref().unwrap().decision.as_str(),
            "forbid"
        );
        let o = e.event.object_ref.as_ref().unwrap();
        assert_eq!((o.namespace.as_str(), o.name.as_str()), ("prod", "db"));
        let raw: serde_json::Value = serde_json::from_slice(&e.raw.unwrap()).unwrap();
        assert_eq!(raw["objectRef"]["resource"], "secrets");
        assert_eq!(raw["responseStatus"]["code"], 403);
        let line = r#"{"insertId":"i2","protoPayload":{"serviceName":"k8s.io","methodName":"io.k8s.core.v1.configmaps.create","resourceName":"core/v1/namespaces/a/configmaps","request":{"@type":"core.k8s.io/v1.ConfigMap","kind":"ConfigMap","data":{"k":"v"}}}}"#;
        let raw: serde_json::Value = serde_json::from_slice(&ev(line).raw.unwrap()).unwrap();
        assert_eq!(
            raw["requestObject"],
            serde_json::json!({"kind": "ConfigMap", "data": {"k": "v"}})
        );
    }

    #[test]
    fn long_requests_and_other_services() {
        let first = r#"{"operation":{"id":"w","first":true},"protoPayload":{"serviceName":"k8s.io","methodName":"io.k8s.core.v1.pods.watch","resourceName":"core/v1/pods"},"timestamp":"2024-02-08T04:37:28Z"}"#;
        let e = ev(first);
        assert!(!e.whole);
        // the first of two is the request's start, so its latency is last - first
        assert_eq!(e.stage, Stage::RequestReceived);
        assert_eq!(e.event.stage_timestamp.as_str(), "2024-02-08T04:37:28Z");
        assert!(e.event.request_received_timestamp.is_empty());
        let last = first.replace(r#""first":true"#, r#""last":true"#);
        let e = ev(&last);
        assert!(!e.whole);
        assert_eq!(e.stage, Stage::ResponseComplete);
        let other = r#"{"insertId":"x","protoPayload":{"serviceName":"container.googleapis.com","methodName":"google.container.v1.ClusterManager.UpdateCluster"}}"#;
        assert!(matches!(read(other, false), Rec::Skipped(Skip::Foreign)));
        // a Kubernetes Status in the response gives the exact code
        let conflict = r#"{"insertId":"c","protoPayload":{"serviceName":"k8s.io","methodName":"io.k8s.core.v1.configmaps.update","resourceName":"core/v1/namespaces/a/configmaps/b","status":{"code":10,"message":"conflict"},"response":{"@type":"core.k8s.io/v1.Status","kind":"Status","code":409,"reason":"Conflict"}}}"#;
        let e = ev(conflict);
        assert_eq!(e.event.response_status.as_ref().unwrap().code, Some(409));
        assert_eq!(e.event.level.as_str(), "RequestResponse");
    }

    fn uri(line: &str) -> String {
        ev(line).event.request_uri.as_str().to_string()
    }

    /// A GKE entry: `payload` is the inside of `protoPayload` after `serviceName`.
    fn entry(payload: &str) -> String {
        format!(
            r#"{{"insertId":"i","timestamp":"2024-01-01T01:00:00.5Z","protoPayload":{{"serviceName":"k8s.io",{payload}}}}}"#
        )
    }

    #[test]
    fn non_resource_requests_keep_their_path() {
        // methodName io.k8s.VERB, resourceName the path without its leading slash
        for (rn, path) in [
            ("readyz", "/readyz"),
            ("HNAP1", "/HNAP1"),
            ("api/v1", "/api/v1"),
            ("version", "/version"),
            ("apis/batch/v1/jobs", "/apis/batch/v1/jobs"),
        ] {
            let line = entry(&format!(
                r#""methodName":"io.k8s.get","resourceName":"{rn}""#
            ));
            let e = ev(&line);
            assert_eq!(e.event.request_uri.as_str(), path);
            assert!(e.event.object_ref.is_none(), "{rn}");
            assert_eq!(e.event.verb.as_str(), "get");
        }
        // the root path is the empty string, which protobuf JSON leaves out
        assert_eq!(uri(&entry(r#""methodName":"io.k8s.get""#)), "/");
        // a path written with its slash is taken as it is
        assert_eq!(
            uri(&entry(
                r#""methodName":"io.k8s.get","resourceName":"/healthz""#
            )),
            "/healthz"
        );
        assert_eq!(
            uri(&entry(
                r#""methodName":"io.k8s.post","resourceName":"HNAP1""#
            )),
            "/HNAP1"
        );
        assert!(is_non_resource("io.k8s.get"));
        assert!(!is_non_resource("io.k8s.core.v1.pods.get"));
        assert!(!is_non_resource("io.k8s."));
        assert!(!is_non_resource(
            "com.coreos.database.etcd.v1beta2.etcdbackups.create"
        ));
    }

    #[test]
    fn resource_requests_get_the_path_the_client_sent() {
        let u = |method: &str, rn: &str| {
            uri(&entry(&format!(
                r#""methodName":"{method}","resourceName":"{rn}""#
            )))
        };
        assert_eq!(
            u("io.k8s.core.v1.pods.get", "core/v1/namespaces/a/pods/p"),
            "/api/v1/namespaces/a/pods/p"
        );
        // a create is sent to the collection, though resourceName names the object
        assert_eq!(
            u("io.k8s.core.v1.pods.create", "core/v1/namespaces/a/pods/p"),
            "/api/v1/namespaces/a/pods"
        );
        assert_eq!(
            u("io.k8s.core.v1.namespaces.create", "core/v1/namespaces/dev"),
            "/api/v1/namespaces"
        );
        // but a subresource's create names its object
        assert_eq!(
            u(
                "io.k8s.core.v1.pods.exec.create",
                "core/v1/namespaces/a/pods/p/exec"
            ),
            "/api/v1/namespaces/a/pods/p/exec"
        );
        assert_eq!(
            u(
                "io.k8s.authorization.rbac.v1.clusterrolebindings.delete",
                "rbac.authorization.k8s.io/v1/clusterrolebindings/admin"
            ),
            "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/admin"
        );
        assert_eq!(
            u(
                "io.k8s.core.v1.namespaces.finalize.update",
                "core/v1/namespaces/dev/finalize"
            ),
            "/api/v1/namespaces/dev/finalize"
        );
        // too short to be a resource path: no objectRef, no URI made up
        assert_eq!(u("io.k8s.core.v1.pods.list", "core/v1"), "");
        assert_eq!(u("io.k8s.core.v1.componentstatuses.list", ""), "");
    }

    fn code(line: &str) -> Option<i64> {
        ev(line).event.response_status.and_then(|s| s.code)
    }

    #[test]
    fn a_missing_status_is_not_200() {
        let m = r#""methodName":"io.k8s.core.v1.pods.get","resourceName":"core/v1/namespaces/a/pods/p""#;
        // no status: the outcome is unknown
        assert_eq!(code(&entry(m)), None);
        assert!(ev(&entry(m)).event.response_status.is_none());
        assert_eq!(code(&entry(&format!(r#"{m},"status":null"#))), None);
        // status present, code left out (0, OK): 200
        assert_eq!(code(&entry(&format!(r#"{m},"status":{{}}"#))), Some(200));
        assert_eq!(
            code(&entry(&format!(r#"{m},"status":{{"message":"OK"}}"#))),
            Some(200)
        );
        assert_eq!(
            code(&entry(&format!(r#"{m},"status":{{"code":0}}"#))),
            Some(200)
        );
        assert_eq!(
            code(&entry(&format!(r#"{m},"status":{{"code":5}}"#))),
            Some(404)
        );
        // no status, but the response is a Kubernetes Status with its code
        let gone = format!(r#"{m},"response":{{"kind":"Status","code":404,"reason":"NotFound"}}"#);
        assert_eq!(code(&entry(&gone)), Some(404));
        // and a Status without a code says nothing
        let ok = format!(r#"{m},"response":{{"kind":"Status","status":"Success"}}"#);
        assert_eq!(code(&entry(&ok)), None);
    }

    fn decision_of(line: &str) -> String {
        ev(line)
            .event
            .annotations
            .map(|a| a.decision.as_str().to_string())
            .unwrap_or_default()
    }

    #[test]
    fn the_decision_comes_from_labels_else_from_authorization_info() {
        let m = r#""methodName":"io.k8s.core.v1.pods.get","resourceName":"core/v1/namespaces/a/pods/p""#;
        let with = |info: &str| entry(&format!(r#"{m},"authorizationInfo":{info}"#));
        assert_eq!(
            decision_of(&with(r#"[{"granted":true,"permission":"p"}]"#)),
            "allow"
        );
        assert_eq!(
            decision_of(&with(r#"[{"granted":true},{"granted":true}]"#)),
            "allow"
        );
        assert_eq!(decision_of(&with(r#"[{"granted":false}]"#)), "forbid");
        assert_eq!(
            decision_of(&with(r#"[{"granted":true},{"granted":false}]"#)),
            "forbid"
        );
        // granted left out (false in protobuf JSON) is also how GKE writes a request that
        // authorization allowed and admission refused: no decision
        assert_eq!(decision_of(&with(r#"[{"permission":"p"}]"#)), "");
        assert_eq!(decision_of(&with("[]")), "");
        assert_eq!(decision_of(&entry(m)), "");
        // another shape gives no decision and is not an error
        assert_eq!(decision_of(&with(r#"{"granted":true}"#)), "");
        assert_eq!(decision_of(&with(r#"[{"granted":"yes"}]"#)), "");
        // labels win, and keep their reason
        let labelled = format!(
            r#"{{"insertId":"i","labels":{{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC"}},"protoPayload":{{"serviceName":"k8s.io",{m},"authorizationInfo":[{{"permission":"p"}}]}}}}"#
        );
        let e = ev(&labelled);
        let a = e.event.annotations.as_ref().unwrap();
        assert_eq!((a.decision.as_str(), a.reason.as_str()), ("allow", "RBAC"));
        // labels without a decision get one from authorizationInfo, and keep the others
        let other = labelled.replace(
            r#""authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC""#,
            r#""k8s.io/deprecated":"true""#,
        );
        let other = other.replace(r#"{"permission":"p"}"#, r#"{"granted":true}"#);
        let e = ev(&other);
        let a = e.event.annotations.as_ref().unwrap();
        assert_eq!(a.decision.as_str(), "allow");
        let raw: serde_json::Value = serde_json::from_slice(&e.raw.unwrap()).unwrap();
        assert_eq!(raw["annotations"]["authorization.k8s.io/decision"], "allow");
    }

    #[test]
    fn times_come_from_the_entry_and_never_make_a_latency_up() {
        let m = r#""methodName":"io.k8s.core.v1.pods.get","resourceName":"core/v1/namespaces/a/pods/p","status":{}"#;
        // one time: the stage's; no received time, so no latency
        let line = entry(m);
        let e = ev(&line);
        assert_eq!(e.event.stage_timestamp.as_str(), "2024-01-01T01:00:00.5Z");
        assert!(e.event.request_received_timestamp.is_empty());
        let raw: serde_json::Value = serde_json::from_slice(&e.raw.unwrap()).unwrap();
        assert_eq!(raw["stageTimestamp"], "2024-01-01T01:00:00.5Z");
        assert!(raw.get("requestReceivedTimestamp").is_none());
        // receiveTimestamp is Cloud Logging's, not the request's
        let late = entry(m).replace(
            r#""timestamp""#,
            r#""receiveTimestamp":"2024-01-01T01:00:09Z","timestamp""#,
        );
        assert!(ev(&late).event.request_received_timestamp.is_empty());
        // requestAttributes.time is when the service received the request
        let attrs = format!(
            r#"{m},"requestMetadata":{{"callerIp":"10.0.0.1","requestAttributes":{{"time":"2024-01-01T01:00:00.25Z"}}}}"#
        );
        let line = entry(&attrs);
        let e = ev(&line);
        assert_eq!(
            e.event.request_received_timestamp.as_str(),
            "2024-01-01T01:00:00.25Z"
        );
        let raw: serde_json::Value = serde_json::from_slice(&e.raw.unwrap()).unwrap();
        assert_eq!(raw["requestReceivedTimestamp"], "2024-01-01T01:00:00.25Z");
        assert_eq!(raw["stageTimestamp"], "2024-01-01T01:00:00.5Z");
    }
}
