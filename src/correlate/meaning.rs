//! What a joined request means, beyond its fields: the Kubernetes knowledge that several
//! commands need, in one place. A dry run (`?dryRun=All`, or `dryRun` in a delete's
//! DeleteOptions body, which a Metadata-level event does not show), the field manager and
//! server-side apply of a write, a PATCH that created its object (201), an exec or attach
//! whose stream was upgraded (101: the stream opened, not proof a command ran), the name a
//! request's URI gives when `objectRef` has none, the annotations that name Pod Security,
//! ValidatingAdmissionPolicy and credential facts, and a refused impersonation (logged under the
//! sender's own name: only the status message says so) with whom it asked for when the message
//! names it.
//!
//! It reads a [`Request`]; it does not parse events or decide what is printed.

use std::borrow::Cow;

use super::Request;
use crate::policy::attrs::{Attrs, query_param};

/// Whether a request was a dry run: the API server ran it (authorization, admission,
/// validation) and stored nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DryRun {
    /// Not a dry run: a read, or a write the log shows was applied for real.
    No,
    /// `dryRun` in the request URI's query (create, update, patch; any verb with it).
    Query,
    /// `dryRun` in the request body (a DeleteOptions: `kubectl delete --dry-run=server`).
    Body,
    /// A delete logged without its body (Metadata level): the log cannot tell.
    Unknown,
}

impl DryRun {
    /// Known to be a dry run.
    pub fn is_dry(self) -> bool {
        matches!(self, DryRun::Query | DryRun::Body)
    }

    /// The JSON value: `true`, `false`, or `null` when the log cannot tell.
    pub fn json(self) -> Option<bool> {
        match self {
            DryRun::No => Some(false),
            DryRun::Query | DryRun::Body => Some(true),
            DryRun::Unknown => None,
        }
    }

    /// A short marker for tables and timelines ("" when not a dry run).
    pub fn marker(self) -> &'static str {
        match self {
            DryRun::No => "",
            DryRun::Query | DryRun::Body => "dry run",
            DryRun::Unknown => "dry run?",
        }
    }
}

/// What came of a request, as the API server's answer and annotations tell: the finer reading
/// of its code that detections need (an attempt that was refused is evidence too, and one that
/// was authorized and then failed shows the sender holds the right).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// Answered below 400 (101 for an exec, attach or port-forward stream that opened).
    Succeeded,
    /// Authentication (401) or authorization said no: RBAC, the impersonation check, the Node
    /// authorizer (403 without an `allow` decision).
    Denied,
    /// Authorized, then refused by admission: Pod Security, a webhook, a
    /// ValidatingAdmissionPolicy, a quota (403 with decision `allow`, or an answer whose
    /// message names an admission refusal).
    Blocked,
    /// Not denied, and not done: authorized and then invalid (422), not found, in conflict,
    /// throttled (429) or a server error.
    Failed,
    /// No answer logged: a request still in flight when the log ends, or one logged without
    /// its final stage.
    Unknown,
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [
        Outcome::Succeeded,
        Outcome::Denied,
        Outcome::Blocked,
        Outcome::Failed,
        Outcome::Unknown,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Succeeded => "succeeded",
            Outcome::Denied => "denied",
            Outcome::Blocked => "blocked",
            Outcome::Failed => "failed",
            Outcome::Unknown => "unknown",
        }
    }
    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.name() == s)
    }
}

/// How the API server's Forbidden message goes on, after `NAME" is forbidden: `, when admission
/// refused the request: Pod Security, a ValidatingAdmissionPolicy, a ResourceQuota, a webhook.
/// (Authorization's goes on `User "NAME" cannot ...`.)
const ADMISSION_REFUSALS: &[&str] = &[
    "violates PodSecurity",
    "ValidatingAdmissionPolicy ",
    "exceeded quota",
    "admission webhook \"",
];

/// Does a 403's message say admission refused it? Read after the first `" is forbidden: ` that
/// ends a quoted name: Go escapes a quote inside a name, so a name cannot fake the words.
fn admission_refusal(message: &str) -> bool {
    let mut rest = message;
    while let Some(at) = rest.find("\" is forbidden: ") {
        if !rest[..at].ends_with('\\') {
            let after = &rest[at + "\" is forbidden: ".len()..];
            return ADMISSION_REFUSALS.iter().any(|w| after.starts_with(w));
        }
        rest = &rest[at + 1..];
    }
    // a webhook's own refusal: `admission webhook "NAME" denied the request...`
    message.starts_with("admission webhook \"")
}

/// Subresources whose `get` over a WebSocket (kubectl 1.30+) or `create` over SPDY opens a
/// stream into a container: the same act either way.
pub fn is_stream_subresource(sub: &str) -> bool {
    matches!(sub, "exec" | "attach" | "portforward")
}

/// The annotations kaudit shows in tables and timelines, with a short label each: Pod
/// Security, ValidatingAdmissionPolicy, legacy and issued credentials, deprecation.
pub const NOTABLE: &[(&str, &str)] = &[
    (PSA_ENFORCE, "psa"),
    (
        "pod-security.kubernetes.io/audit-violations",
        "psa-violations",
    ),
    (
        "validation.policy.admission.k8s.io/validation_failure",
        "vap-failure",
    ),
    ("authentication.k8s.io/legacy-token", "legacy-token"),
    (
        "authentication.k8s.io/legacy-token-manual-secret",
        "legacy-token-secret",
    ),
    (
        "authentication.k8s.io/legacy-token-autogenerated-secret",
        "legacy-token-secret",
    ),
    (
        "authentication.kubernetes.io/issued-credential-id",
        "issued-credential",
    ),
    ("k8s.io/deprecated", "deprecated"),
];

/// Pod Security's annotation: the level and version enforced on a pod (`restricted:latest`).
pub const PSA_ENFORCE: &str = "pod-security.kubernetes.io/enforce-policy";

/// The `user.extra` key of the credential a request was authenticated with.
pub const CREDENTIAL_ID: &str = "authentication.kubernetes.io/credential-id";
/// The annotation a TokenRequest's response carries: the credential id of the token issued.
pub const ISSUED_CREDENTIAL_ID: &str = "authentication.kubernetes.io/issued-credential-id";
/// The prefix of the API server's per-phase latency annotations.
pub const LATENCY_PREFIX: &str = "apiserver.latency.k8s.io/";

/// A Go `time.Duration` as the API server prints it (`561.927µs`, `7.85594907s`, `1m2.5s`,
/// `0s`), in milliseconds; `None` for anything else.
pub fn go_duration_ms(text: &str) -> Option<f64> {
    let mut rest = text.strip_prefix('-').unwrap_or(text);
    if rest.is_empty() {
        return None;
    }
    let mut ms = 0.0;
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let value: f64 = rest[..n].parse().ok()?;
        rest = &rest[n..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1e-6,
            "us" | "µs" | "μs" => 1e-3,
            "ms" => 1.0,
            "s" => 1e3,
            "m" => 60e3,
            "h" => 3600e3,
            // a bare 0 is Go's zero duration
            "" if value == 0.0 && n == text.len() => 0.0,
            _ => return None,
        };
        ms += value * scale;
        rest = &rest[unit_len..];
    }
    Some(if text.starts_with('-') { -ms } else { ms })
}

/// A request refused because its sender may not impersonate whom it asked for: see
/// [`Request::refused_impersonation`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedImpersonation {
    /// Whom the sender asked to act as, when the message names it (the impersonation check's own
    /// refusal: `users "admin" is forbidden: User "dana" cannot impersonate resource "users"
    /// ...`): a user's name, `group NAME`, a service account's user name
    /// (`system:serviceaccount:NS:NAME`) or a node's (`system:node:NAME`). `None` when it does
    /// not: 1.36's constrained impersonation refuses with the request's own resource
    /// (`secrets is forbidden: User "dana" cannot impersonate-on:user-info:list resource
    /// "secrets" ...`), and a uid or an extra value is not an identity to show.
    pub target: Option<String>,
}

/// The identity an impersonation check's 403 names, from the API server's Forbidden message:
/// `RESOURCE "NAME" is forbidden: User "SENDER" cannot impersonate[:MODE] resource "RESOURCE"
/// in API group "" (at the cluster scope | in the namespace "NS")`. `None` for any other shape,
/// a name with an escape (Go quotes it: not read back here), or `impersonate-on:...` (whose
/// resource is the request's, not an identity).
fn impersonation_target(message: &str) -> Option<String> {
    let (head, rest) = message.split_once(" is forbidden: User \"")?;
    let (resource, name) = head.split_once(' ')?;
    let name = name.strip_prefix('"')?.strip_suffix('"')?;
    if name.is_empty() || name.contains(['"', '\\']) {
        return None;
    }
    // past the sender's quoted name: one with an escape could hold a message of its own
    let (sender, rest) = rest.split_once("\" cannot impersonate")?;
    if sender.contains('\\') {
        return None;
    }
    let (verb_mode, rest) = rest.split_once(' ')?;
    if !(verb_mode.is_empty() || verb_mode.starts_with(':')) {
        return None;
    }
    let rest = rest.strip_prefix(&format!("resource \"{resource}\" in API group \"\" "))?;
    let namespace = rest
        .strip_prefix("in the namespace \"")
        .and_then(|ns| ns.split('"').next())
        .filter(|ns| !ns.is_empty() && !ns.contains('\\'));
    match resource {
        "users" => Some(name.to_string()),
        "groups" => Some(format!("group {name}")),
        "serviceaccounts" => Some(format!("system:serviceaccount:{}:{name}", namespace?)),
        "nodes" => Some(format!("system:node:{name}")),
        _ => None,
    }
}

impl Request<'_> {
    /// A 403 for want of the right to impersonate (`kubectl --as` without it): logged under the
    /// sender's own name and original verb, without `impersonatedUser` (and, since 1.36,
    /// without a decision annotation); only the status message says so, "cannot impersonate"
    /// (`cannot impersonate-on:user-info:list ...` with 1.36's constrained impersonation). The
    /// target when the message names it. v1.20 leaves that message empty (its response body
    /// says it): not seen here, where no body is read.
    pub fn refused_impersonation(&self) -> Option<RefusedImpersonation> {
        (self.code == Some(403) && self.status_message.contains("cannot impersonate")).then(|| {
            RefusedImpersonation {
                target: impersonation_target(&self.status_message),
            }
        })
    }

    /// See [`Outcome`]. The decision annotation says whether authorization allowed it; a 403
    /// without one (an older API server's, a vendor export without annotations, 1.36's refused
    /// impersonation) is a denial unless its message names an admission refusal.
    pub fn outcome(&self) -> Outcome {
        let Some(code) = self.code else {
            return Outcome::Unknown;
        };
        match (code, &*self.decision) {
            (..400, _) => Outcome::Succeeded,
            (401, _) | (403, "forbid") => Outcome::Denied,
            (403, "allow") => Outcome::Blocked,
            (403, _) if admission_refusal(&self.status_message) => Outcome::Blocked,
            (403, _) => Outcome::Denied,
            (400 | 422, _) if self.status_message.starts_with("admission webhook \"") => {
                Outcome::Blocked
            }
            _ => Outcome::Failed,
        }
    }

    /// Does the request's verb change what the API server stores (create, update, patch,
    /// delete, deletecollection)? Whether it did: [`Request::dry_run`] and the code.
    pub fn is_write(&self) -> bool {
        crate::vocab::verbs::is_write(&self.verb)
    }

    /// The address that connected to the API server: the last of `sourceIPs` (those before it
    /// come from headers a client sets, `X-Forwarded-For` and `X-Real-Ip`); empty when none.
    pub fn source_ip(&self) -> &str {
        self.source_ips.last().map_or("", |s| s)
    }

    /// Does it open a stream into a container (exec, attach, port-forward on a pod's
    /// subresource), whatever its verb (`get` over WebSocket since kubectl 1.30, `create` over
    /// SPDY before) and whether or not it was allowed?
    pub fn is_stream(&self) -> bool {
        !self.resource.is_empty() && is_stream_subresource(&self.subresource)
    }

    /// Is it about Secrets (the core group's; a custom resource of another group named
    /// `secrets` is not)?
    pub fn is_secret(&self) -> bool {
        self.resource == "secrets" && self.api_group.is_empty()
    }

    /// Does it act as another identity, or ask to and get refused (1.36 logs a refused
    /// impersonation under the sender's own name: [`Request::refused_impersonation`])?
    pub fn impersonates(&self) -> bool {
        !self.impersonated_user.is_empty() || self.refused_impersonation().is_some()
    }

    /// What the request was on, as tables show it: `pods/exec`, `configmaps`, or a
    /// non-resource URL's path (`/healthz`).
    pub fn resource_path(&self) -> String {
        if self.resource.is_empty() {
            return self.request_uri.split('?').next().unwrap_or("").to_string();
        }
        if self.subresource.is_empty() {
            self.resource.to_string()
        } else {
            format!("{}/{}", self.resource, self.subresource)
        }
    }

    /// Which object: `ns/name`; `ns/*` or `*` for a collection (list, watch,
    /// deletecollection); `ns/-` or `-` for a request without a name (a create whose name is
    /// only in the body); empty for non-resource URLs.
    pub fn object_path(&self) -> String {
        let all = if crate::vocab::verbs::is_collection(&self.verb) {
            "*"
        } else {
            "-"
        };
        match (self.namespace.is_empty(), self.name.is_empty()) {
            (false, false) => format!("{}/{}", self.namespace, self.name),
            (false, true) => format!("{}/{all}", self.namespace),
            (true, false) => self.name.to_string(),
            (true, true) if !self.resource.is_empty() => all.into(),
            _ => String::new(),
        }
    }

    /// See [`DryRun`].
    pub fn dry_run(&self) -> DryRun {
        if !self.is_write() {
            return DryRun::No;
        }
        if query_param(&self.request_uri, "dryRun").is_some_and(|v| !v.is_empty()) {
            return DryRun::Query;
        }
        if !matches!(&*self.verb, "delete" | "deletecollection") {
            return DryRun::No;
        }
        match self.body_dry_run {
            Some(true) => DryRun::Body,
            Some(false) => DryRun::No,
            // a body logged at Request level and above: none was sent, so no DeleteOptions
            None if matches!(&*self.level, "Request" | "RequestResponse") => DryRun::No,
            None => DryRun::Unknown,
        }
    }

    /// The `fieldManager` query parameter of a write ("" when none).
    pub fn field_manager(&self) -> Cow<'_, str> {
        query_param(&self.request_uri, "fieldManager").unwrap_or(Cow::Borrowed(""))
    }

    /// A server-side apply: a patch with a `force` query parameter (kubectl `--server-side`
    /// always sends it; other patches never do). The content type that would say so for
    /// certain is not in the log.
    pub fn is_apply(&self) -> bool {
        &*self.verb == "patch" && query_param(&self.request_uri, "force").is_some()
    }

    /// Did the request create its object? A create that succeeded, or a patch (apply) or
    /// update that answered 201 Created (a PUT or apply to an object that did not exist).
    pub fn created(&self) -> bool {
        match &*self.verb {
            "create" => self.code.is_some_and(|c| (200..300).contains(&c)),
            "patch" | "update" => self.code == Some(201),
            _ => false,
        }
    }

    /// An exec, attach or port-forward whose connection was upgraded to a stream (101): the
    /// stream opened; whether a command then ran is not in the log.
    pub fn stream_upgraded(&self) -> bool {
        is_stream_subresource(&self.subresource) && self.code == Some(101)
    }

    /// The value of annotation `key` (the three read into fields included).
    pub fn annotation(&self, key: &str) -> Option<&str> {
        match key {
            crate::event::DECISION if !self.decision.is_empty() => Some(&self.decision),
            crate::event::REASON if !self.decision.is_empty() => Some(&self.authz_reason),
            crate::event::TRUNCATED if self.truncated => Some("true"),
            _ => self
                .annotations
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| &**v),
        }
    }

    /// Every annotation, sorted by key: the decision, reason and truncation mark among them.
    pub fn all_annotations(&self) -> Vec<(&str, &str)> {
        let mut v: Vec<(&str, &str)> = self.annotations.iter().map(|(k, v)| (&**k, &**v)).collect();
        if !self.decision.is_empty() {
            v.push((crate::event::DECISION, &self.decision));
            v.push((crate::event::REASON, &self.authz_reason));
        }
        if self.truncated {
            v.push((crate::event::TRUNCATED, "true"));
        }
        v.sort();
        v
    }

    /// The credential the request was made with (`user.extra` credential-id: `X509SHA256=...`
    /// for a client certificate, `JTI=...` for a bound token), "" when not logged.
    pub fn credential_id(&self) -> &str {
        self.extra
            .iter()
            .find(|(k, _)| k == CREDENTIAL_ID)
            .and_then(|(_, v)| v.first())
            .map_or("", |v| &**v)
    }

    /// The short labels of the [`NOTABLE`] annotations this request carries, in that list's
    /// order (each once), and `psa-denied` for a pod refused by Pod Security's enforce mode
    /// (a 403 whose message says "violates PodSecurity": the violations are in the message,
    /// not in `audit-violations`).
    pub fn notable(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for (key, label) in NOTABLE {
            if !out.contains(label) && self.annotations.iter().any(|(k, _)| k == key) {
                out.push(label);
            }
        }
        if self.code == Some(403) && self.status_message.contains("violates PodSecurity") {
            out.push("psa-denied");
        }
        out
    }

    /// The API server's per-phase latencies (`apiserver.latency.k8s.io/etcd`, `.../total`,
    /// webhooks, APF queue wait, serialization: written for slow requests), as (phase, ms) in
    /// the order of the annotations; a value that is not a Go duration is left out.
    pub fn phases(&self) -> Vec<(&str, f64)> {
        self.annotations
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix(LATENCY_PREFIX)?, go_duration_ms(v)?)))
            .collect()
    }

    /// The name `objectRef` left out, read from the URI as the API server's request info does
    /// (a `patch deployments/scale` may log no name); only for verbs that name an object.
    pub(super) fn name_from_uri(&self) -> Option<String> {
        // no objectRef (a non-resource GET of /healthz): nothing to name, and no URI parsed
        if !self.name.is_empty()
            || self.resource.is_empty()
            || self.request_uri.is_empty()
            || !matches!(&*self.verb, "get" | "update" | "patch" | "delete")
        {
            return None;
        }
        let a = Attrs::from_uri(&self.request_uri, &self.verb);
        (a.is_resource
            && !a.name.is_empty()
            && (self.resource.is_empty() || a.resource == *self.resource))
            .then(|| a.name.into_owned())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn go_durations() {
        let close = |a: Option<f64>, b: f64| assert!((a.unwrap() - b).abs() < 1e-9, "{a:?} {b}");
        close(go_duration_ms("561.927µs"), 0.561_927);
        close(go_duration_ms("561.927us"), 0.561_927);
        close(go_duration_ms("7.85594907s"), 7_855.949_07);
        close(go_duration_ms("1m2.5s"), 62_500.0);
        close(go_duration_ms("1h0m0.001s"), 3_600_001.0);
        close(go_duration_ms("250ns"), 0.000_25);
        close(go_duration_ms("0s"), 0.0);
        close(go_duration_ms("0"), 0.0);
        close(go_duration_ms("-3ms"), -3.0);
        for bad in ["", "-", "5", "s", "3 ms", "1.2.3s", "3x", "ms3", "10"] {
            assert_eq!(go_duration_ms(bad), None, "{bad}");
        }
    }

    use super::*;
    use crate::event::Event;

    fn request(line: &str) -> Request<'_> {
        let mut ev: Event = serde_json::from_str(line).unwrap();
        let stage = crate::event::Stage::ResponseComplete;
        let mark = super::super::Mark {
            stage,
            time: None,
            code: None,
            file: 0,
            line: 1,
            raw: None,
        };
        Request::from_event(&mut ev, stage, mark)
    }

    /// `kubectl scale` as some exports log it: `objectRef` without the name; the URI has it,
    /// as the API server's request info reads it. Never a name for a create or a list.
    #[test]
    fn the_name_from_the_uri_when_object_ref_has_none() {
        let r = request(
            r#"{"verb":"patch","requestURI":"/apis/apps/v1/namespaces/test/deployments/web/scale","objectRef":{"resource":"deployments","namespace":"test","apiGroup":"apps","subresource":"scale"}}"#,
        );
        assert_eq!(r.name, "web");
        for (verb, uri) in [
            ("create", "/api/v1/namespaces/test/configmaps"),
            (
                "list",
                "/api/v1/namespaces/test/configmaps?fieldSelector=metadata.name%3Dx",
            ),
            // the URI names another resource than objectRef: left alone
            ("get", "/api/v1/namespaces/test/secrets/s"),
        ] {
            let line = format!(
                r#"{{"verb":"{verb}","requestURI":"{uri}","objectRef":{{"resource":"configmaps","namespace":"test"}}}}"#
            );
            assert_eq!(request(&line).name, "", "{verb} {uri}");
        }
    }

    /// A refused impersonation as 1.36 logs it (d1's B27: dana's `--as cluster-root`, the
    /// message copied from testdata/modern/d1), and as the impersonation check words its own
    /// refusal (users, groups, service accounts, nodes), its target read only from that shape.
    #[test]
    fn refused_impersonation_and_its_target() {
        let r = |code: i64, msg: &str| {
            let line = serde_json::json!({
                "verb": "list",
                "user": {"username": "dana"},
                "responseStatus": {"code": code, "message": msg},
            })
            .to_string();
            let mut ev: Event = serde_json::from_str(&line).unwrap();
            let stage = crate::event::Stage::ResponseComplete;
            let mark = super::super::Mark {
                stage,
                time: None,
                code: Some(code),
                file: 0,
                line: 1,
                raw: None,
            };
            Request::from_event(&mut ev, stage, mark)
                .refused_impersonation()
                .map(|x| x.target)
        };
        let d1 = r#"secrets is forbidden: User "dana" cannot impersonate-on:user-info:list resource "secrets" in API group "" in the namespace "billing""#;
        assert_eq!(r(403, d1), Some(None));
        assert_eq!(r(200, d1), None);
        assert_eq!(
            r(
                403,
                r#"secrets is forbidden: User "dana" cannot list resource "secrets" in API group "" in the namespace "billing""#
            ),
            None
        );
        for (msg, want) in [
            (
                r#"users "admin" is forbidden: User "dana" cannot impersonate resource "users" in API group "" at the cluster scope"#,
                Some("admin"),
            ),
            (
                r#"groups "system:masters" is forbidden: User "eve" cannot impersonate resource "groups" in API group "" at the cluster scope"#,
                Some("group system:masters"),
            ),
            (
                r#"serviceaccounts "pipeline" is forbidden: User "eve" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "infra""#,
                Some("system:serviceaccount:infra:pipeline"),
            ),
            (
                r#"users "cluster-root" is forbidden: User "eve" cannot impersonate:user-info resource "users" in API group "" at the cluster scope"#,
                Some("cluster-root"),
            ),
            (
                r#"nodes "node-1" is forbidden: User "eve" cannot impersonate:arbitrary-node resource "nodes" in API group "" at the cluster scope"#,
                Some("system:node:node-1"),
            ),
            // a reason after the message is no part of the target
            (
                r#"users "admin" is forbidden: User "dana" cannot impersonate resource "users" in API group "" at the cluster scope: no RBAC policy matched"#,
                Some("admin"),
            ),
            // a name Go quoted with escapes (the target's or the sender's), a resource that
            // disagrees, a uid: no target
            (
                r#"users "admin" is forbidden: User "x\" cannot impersonate resource \"users\"" cannot impersonate resource "users" in API group "" at the cluster scope"#,
                None,
            ),
            (
                r#"users "a"b" is forbidden: User "dana" cannot impersonate resource "users" in API group "" at the cluster scope"#,
                None,
            ),
            (
                r#"users "admin" is forbidden: User "dana" cannot impersonate resource "groups" in API group "" at the cluster scope"#,
                None,
            ),
            (
                r#"uids.authentication.k8s.io "1234" is forbidden: User "dana" cannot impersonate resource "uids" in API group "authentication.k8s.io" at the cluster scope"#,
                None,
            ),
        ] {
            assert_eq!(r(403, msg), Some(want.map(str::to_string)), "{msg}");
        }
    }

    /// A dry run from the query (any write verb), from a delete's body, and unknown for a
    /// delete logged without its body.
    #[test]
    fn dry_runs_by_query_body_and_level() {
        let r = |line: &str| request(line).dry_run();
        assert_eq!(
            r(
                r#"{"verb":"create","level":"Metadata","requestURI":"/api/v1/namespaces/a/configmaps?dryRun=All&fieldManager=kubectl-create"}"#
            ),
            DryRun::Query
        );
        assert_eq!(
            r(
                r#"{"verb":"delete","level":"Request","requestURI":"/api/v1/namespaces/a/configmaps/x","requestObject":{"kind":"DeleteOptions","dryRun":["All"]}}"#
            ),
            DryRun::Body
        );
        assert_eq!(
            r(
                r#"{"verb":"delete","level":"Request","requestURI":"/api/v1/namespaces/a/configmaps/x"}"#
            ),
            DryRun::No
        );
        assert_eq!(
            r(
                r#"{"verb":"delete","level":"Metadata","requestURI":"/api/v1/namespaces/a/configmaps/x"}"#
            ),
            DryRun::Unknown
        );
        // a read is never a dry run, whatever its query; `dryRun=` empty is none
        assert_eq!(
            r(r#"{"verb":"get","requestURI":"/api/v1/x?dryRun=All"}"#),
            DryRun::No
        );
        assert_eq!(
            r(
                r#"{"verb":"patch","level":"Request","requestURI":"/api/v1/namespaces/a/configmaps/x?dryRun="}"#
            ),
            DryRun::No
        );
        let apply = request(
            r#"{"verb":"patch","requestURI":"/api/v1/namespaces/a/configmaps/x?fieldManager=dana%2Dssa&force=false","responseStatus":{"code":201}}"#,
        );
        assert!(apply.is_apply() && apply.created());
        assert_eq!(apply.field_manager(), "dana-ssa");
    }

    /// What came of a request, from its code, decision annotation and message: the messages
    /// are the API server's own (testdata/modern/d1: an RBAC denial, a ValidatingAdmissionPolicy
    /// refusal, 1.36's refused impersonation; Pod Security's and a webhook's as they word them),
    /// and a name that spells an admission refusal inside its quotes does not fake one.
    #[test]
    fn outcomes_from_code_decision_and_message() {
        use super::Outcome as O;
        let r = |code: Option<i64>, decision: &str, msg: &str| {
            let mut v = serde_json::json!({
                "verb": "create",
                "user": {"username": "dana"},
                "responseStatus": {"message": msg},
                "annotations": {},
            });
            if let Some(c) = code {
                v["responseStatus"]["code"] = c.into();
            }
            if !decision.is_empty() {
                v["annotations"]["authorization.k8s.io/decision"] = decision.into();
            }
            let line = v.to_string();
            let mut ev: Event = serde_json::from_str(&line).unwrap();
            let stage = crate::event::Stage::ResponseComplete;
            let mark = super::super::Mark {
                stage,
                time: None,
                code,
                file: 0,
                line: 1,
                raw: None,
            };
            Request::from_event(&mut ev, stage, mark).outcome()
        };
        let rbac = r#"secrets "orders-db-password" is forbidden: User "system:node:node-d1" cannot get resource "secrets" in API group "" in the namespace "shop""#;
        let vap = r#"configmaps "no-team" is forbidden: ValidatingAdmissionPolicy 'require-team-label' with binding 'require-team-label-binding' denied request: configmaps in shop need a team label"#;
        let psa = r#"pods "root-shell" is forbidden: violates PodSecurity "restricted:latest": privileged (container "sh" must not set securityContext.privileged=true)"#;
        let hook = r#"admission webhook "validate.kyverno.svc" denied the request: privileged pods are not allowed"#;
        let imp = r#"secrets is forbidden: User "dana" cannot impersonate-on:user-info:list resource "secrets" in API group "" in the namespace "billing""#;
        let fake = r#"pods "x\" is forbidden: violates PodSecurity" is forbidden: User "eve" cannot create resource "pods""#;
        for (code, decision, msg, want) in [
            (Some(200), "allow", "", O::Succeeded),
            (Some(101), "allow", "", O::Succeeded),
            (Some(201), "", "", O::Succeeded),
            (Some(401), "", "Unauthorized", O::Denied),
            (Some(403), "forbid", rbac, O::Denied),
            (Some(403), "", rbac, O::Denied),
            (Some(403), "", imp, O::Denied),
            (Some(403), "allow", vap, O::Blocked),
            (Some(403), "", vap, O::Blocked),
            (Some(403), "", psa, O::Blocked),
            (Some(403), "allow", psa, O::Blocked),
            (Some(403), "", hook, O::Blocked),
            (Some(400), "allow", hook, O::Blocked),
            (Some(403), "", fake, O::Denied),
            // forbid is forbid, whatever the message says
            (Some(403), "forbid", psa, O::Denied),
            (Some(422), "allow", "Invalid value", O::Failed),
            (
                Some(400),
                "allow",
                "pod debug-box does not have a host assigned",
                O::Failed,
            ),
            (Some(404), "allow", "not found", O::Failed),
            (Some(409), "allow", "already exists", O::Failed),
            (Some(429), "", "Too many requests", O::Failed),
            (Some(500), "allow", "", O::Failed),
            (None, "", "", O::Unknown),
        ] {
            assert_eq!(r(code, decision, msg), want, "{code:?} {decision} {msg}");
        }
    }
}
