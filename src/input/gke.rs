//! GKE: Kubernetes audit entries from Cloud Logging (`LogEntry` with a `protoPayload` of type
//! `AuditLog` and `serviceName: k8s.io`), one per line or as the JSON array that `gcloud logging
//! read --format=json` prints (unwrapped by `format.rs`).
//!
//! The mapping to an audit Event:
//! - auditID: `operation.id`, else `insertId`; one entry is one whole request, except long
//!   requests, which GKE logs twice (`operation.first`, then `operation.last`): those are read
//!   as ResponseStarted and ResponseComplete of one request (an entry with no id at all is a
//!   whole request);
//! - verb: the last part of `methodName` (`io.k8s.core.v1.pods.exec.create` → `create`);
//! - group, version, namespace, resource, name and subresource: from `resourceName`
//!   (`core/v1/namespaces/default/pods/web/exec`; `core` is the core group), split the way the
//!   API server splits a request path; a `resourceName` that starts with `/` is a non-resource
//!   URL;
//! - user: `authenticationInfo.principalEmail` (GKE logs no groups); source IP and user agent:
//!   `requestMetadata.callerIp` and `callerSuppliedUserAgent`;
//! - annotations (decision, reason): the entry's `labels`; time: `timestamp`;
//! - level: `RequestResponse` with a `response`, `Request` with a `request`, else `Metadata`;
//! - status: a `google.rpc` code in `status.code` (absent = 0). When the response is a
//!   Kubernetes `Status` with a code, that code is used; otherwise [`http_code`] maps it.
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
    let (id, first, last) = match e.operation {
        // protobuf JSON leaves out false booleans: `{"first": true}` alone opens a long request
        Some(op) if !op.id.is_empty() => {
            (op.id, op.first.unwrap_or(false), op.last.unwrap_or(false))
        }
        _ => (e.insert_id, true, true),
    };
    // An entry that is neither first nor last (or both), or that has no id to join on (some
    // exports drop it), is the whole request.
    let (stage, whole) = match (first, last) {
        _ if id.is_empty() => (Stage::ResponseComplete, true),
        (true, false) => (Stage::ResponseStarted, false),
        (false, true) => (Stage::ResponseComplete, false),
        _ => (Stage::ResponseComplete, true),
    };
    let verb = match p.method_name.0 {
        Cow::Borrowed(m) => Cow::Borrowed(m.rsplit('.').next().unwrap_or(m)),
        Cow::Owned(m) => Cow::Owned(m.rsplit('.').next().unwrap_or(&m).to_string()),
    };
    let rn = p.resource_name.as_str();
    let (object_ref, uri) = if rn.starts_with('/') {
        (None, rn.to_string())
    } else {
        (object_ref(rn), String::new())
    };
    let level = if p.response.is_some() {
        "RequestResponse"
    } else if p.request.is_some() {
        "Request"
    } else {
        "Metadata"
    };
    // A failed request's response is usually the Kubernetes Status: its code is exact.
    let (rpc, message) = p
        .status
        .map_or((0, Str::default()), |s| (s.code.unwrap_or(0), s.message));
    let k8s = (rpc != 0)
        .then(|| {
            p.response
                .and_then(|r| serde_json::from_str::<K8sStatus>(r.get()).ok())
        })
        .flatten()
        .filter(|s| s.kind.as_str() == "Status" && s.code.is_some());
    let (code, reason) = match k8s {
        Some(s) => (s.code, s.reason.into_owned()),
        None => (Some(http_code(rpc, message.as_str())), Str::default()),
    };
    let user = if p
        .authentication_info
        .as_ref()
        .is_some_and(|a| !a.principal_email.is_empty())
    {
        p.authentication_info.map(|a| a.principal_email)
    } else {
        p.authentication_info.map(|a| a.principal_subject)
    };
    let (ip, agent) = p
        .request_metadata
        .map_or((Str::default(), Str::default()), |m| {
            (m.caller_ip, m.caller_supplied_user_agent)
        });
    let ev = Event {
        kind: Str(Cow::Borrowed("Event")),
        api_version: Str(Cow::Borrowed("audit.k8s.io/v1")),
        level: Str(Cow::Borrowed(level)),
        audit_id: id,
        stage: Str(Cow::Borrowed(stage.name())),
        request_uri: Str(Cow::Owned(uri)),
        verb: Str(verb),
        user: user.map(|u| UserInfo {
            username: u,
            groups: Vec::new(),
            extra: Vec::new(),
        }),
        impersonated_user: None,
        source_ips: if ip.is_empty() { Vec::new() } else { vec![ip] },
        user_agent: agent,
        object_ref,
        response_status: Some(Status {
            code,
            reason,
            message,
        }),
        request_received_timestamp: Str::default(),
        stage_timestamp: e.timestamp,
        timestamp: Str::default(),
        annotations: e.labels,
        body_dry_run: p.request.and_then(|r| crate::event::body_dry_run(r.get())),
        // its raw line is made with the bodies (native_json)
        no_bodies: false,
    };
    let raw = keep_raw.then(|| Cow::Owned(native_json(&ev, p.request, p.response)));
    Rec::Event(Ev {
        event: ev,
        stage,
        whole,
        raw,
    })
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
    m.insert("stageTimestamp".into(), s(&ev.stage_timestamp));
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
        assert_eq!(e.stage, Stage::ResponseStarted);
        let other = r#"{"insertId":"x","protoPayload":{"serviceName":"container.googleapis.com","methodName":"google.container.v1.ClusterManager.UpdateCluster"}}"#;
        assert!(matches!(read(other, false), Rec::Skipped(Skip::Foreign)));
        // a Kubernetes Status in the response gives the exact code
        let conflict = r#"{"insertId":"c","protoPayload":{"serviceName":"k8s.io","methodName":"io.k8s.core.v1.configmaps.update","resourceName":"core/v1/namespaces/a/configmaps/b","status":{"code":10,"message":"conflict"},"response":{"@type":"core.k8s.io/v1.Status","kind":"Status","code":409,"reason":"Conflict"}}}"#;
        let e = ev(conflict);
        assert_eq!(e.event.response_status.as_ref().unwrap().code, Some(409));
        assert_eq!(e.event.level.as_str(), "RequestResponse");
    }
}
