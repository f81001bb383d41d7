//! The fields a detection rule tests (`user`, `verb`, `source_ip`, ..., and body paths such as
//! `request.spec.containers[*].image`): their names, a request's values of them (one string
//! borrowed, without allocating, for most), body paths parsed and walked, and a request's
//! bodies read from its raw lines only when a rule first asks. It does not say what a value must
//! be (`expr.rs`).

use std::borrow::Cow;

use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value;

use crate::correlate::Request;

/// A field of a request that conditions test.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Field {
    User,
    Groups,
    ImpersonatedUser,
    ImpersonatedGroups,
    Actor,
    Verb,
    Resource,
    Subresource,
    ApiGroup,
    ApiVersion,
    Namespace,
    Name,
    Uri,
    /// The address that connected: the last of `sourceIPs`.
    SourceIp,
    /// Every address of `sourceIPs`, the client-set `X-Forwarded-For` ones included.
    SourceIps,
    /// The addresses before the last: what the client's headers claim.
    ForwardedFor,
    UserAgent,
    Code,
    /// `succeeded`, `denied`, `blocked`, `failed` or `unknown` ([`crate::correlate::meaning::Outcome`]).
    Outcome,
    Decision,
    AuthzReason,
    Level,
    /// The stages logged for the request.
    Stage,
    Target,
    /// `true`, `false`, or `unknown` (a delete logged without its body).
    DryRun,
    /// `responseStatus.message` and `.reason`: logged at every level, Metadata included.
    StatusMessage,
    StatusReason,
    /// `annotations.KEY`: an annotation's value (the decision and reason among them).
    Annotation(String),
    /// `user_extra.KEY`: the values of a `user.extra` key.
    Extra(String),
    /// `query.NAME`: the values of a query parameter of the URI, decoded (`query.command`: an
    /// exec's command, one value per word).
    Query(String),
    Body(Side, Vec<Seg>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    Request,
    Response,
}

/// One step of a body path.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Seg {
    Key(String),
    /// `[*]`
    Each,
    /// `[N]`
    Index(usize),
    /// `*`: every value of an object
    Values,
    /// `@keys`: an object's key names
    Keys,
}

/// The fields of a request by the names rules write: the one list `parse`, `field_name` and
/// the error message read.
const NAMED: &[(&str, Field)] = &[
    ("user", Field::User),
    ("groups", Field::Groups),
    ("impersonated_user", Field::ImpersonatedUser),
    ("impersonated_groups", Field::ImpersonatedGroups),
    ("actor", Field::Actor),
    ("verb", Field::Verb),
    ("resource", Field::Resource),
    ("subresource", Field::Subresource),
    ("api_group", Field::ApiGroup),
    ("api_version", Field::ApiVersion),
    ("namespace", Field::Namespace),
    ("name", Field::Name),
    ("uri", Field::Uri),
    ("source_ip", Field::SourceIp),
    ("source_ips", Field::SourceIps),
    ("forwarded_for", Field::ForwardedFor),
    ("user_agent", Field::UserAgent),
    ("code", Field::Code),
    ("outcome", Field::Outcome),
    ("decision", Field::Decision),
    ("authz_reason", Field::AuthzReason),
    ("level", Field::Level),
    ("stage", Field::Stage),
    ("target", Field::Target),
    ("dry_run", Field::DryRun),
    ("status_message", Field::StatusMessage),
    ("status_reason", Field::StatusReason),
];

/// The prefixes of fields that name a key: `annotations.KEY`, `user_extra.KEY`, `query.NAME`.
type MakeField = fn(String) -> Field;
const KEYED: &[(&str, MakeField)] = &[
    ("annotations.", Field::Annotation),
    ("user_extra.", Field::Extra),
    ("query.", Field::Query),
];

/// Every field name, as messages list them.
pub(super) fn field_names() -> String {
    let mut v: Vec<&str> = NAMED.iter().map(|(n, _)| *n).collect();
    v.extend(["annotations.KEY", "user_extra.KEY", "query.NAME"]);
    v.extend(["request.PATH", "response.PATH"]);
    v.join(", ")
}

impl Field {
    pub(super) fn parse(s: &str) -> Result<Field> {
        if let Some((_, f)) = NAMED.iter().find(|(n, _)| *n == s) {
            return Ok(f.clone());
        }
        for (prefix, make) in KEYED {
            if let Some(key) = s.strip_prefix(prefix) {
                let key = key.trim_matches('"');
                if key.is_empty() {
                    bail!("{s:?}: a key must follow {prefix}");
                }
                return Ok(make(key.to_string()));
            }
        }
        let (side, path) = if let Some(p) = s.strip_prefix("request.") {
            (Side::Request, p)
        } else if let Some(p) = s.strip_prefix("response.") {
            (Side::Response, p)
        } else {
            bail!(
                "unknown field {s:?} (fields: {}; body paths start with request. or response.)",
                field_names()
            );
        };
        Ok(Field::Body(
            side,
            parse_path(path).with_context(|| format!("in {s:?}"))?,
        ))
    }

    pub(super) fn is_body(&self) -> bool {
        matches!(self, Field::Body(..))
    }

    /// `f` of this field's non-empty values in `r`, without allocating for the single-valued
    /// fields (most tests are of those, on every request).
    pub(super) fn with<R>(&self, r: &Request<'_>, b: &Bodies, f: impl FnOnce(&[Val]) -> R) -> R {
        let one: &str = match self {
            Field::User => &r.user,
            Field::ImpersonatedUser => &r.impersonated_user,
            Field::Actor => r.effective_user(),
            Field::Verb => &r.verb,
            Field::Resource => &r.resource,
            Field::Subresource => &r.subresource,
            Field::ApiGroup => &r.api_group,
            Field::ApiVersion => &r.api_version,
            Field::Namespace => &r.namespace,
            Field::Name => &r.name,
            Field::Uri => &r.request_uri,
            Field::SourceIp => r.source_ip(),
            Field::Outcome => r.outcome().name(),
            Field::UserAgent => &r.user_agent,
            Field::Decision => &r.decision,
            Field::AuthzReason => &r.authz_reason,
            Field::Level => &r.level,
            Field::StatusMessage => &r.status_message,
            Field::StatusReason => &r.status_reason,
            Field::Code => {
                return match r.code {
                    Some(c) => f(&[Val::Num(c as f64)]),
                    None => f(&[]),
                };
            }
            _ => return f(&self.values(r, b)),
        };
        if one.is_empty() {
            f(&[])
        } else {
            f(&[Val::Str(Cow::Borrowed(one))])
        }
    }

    /// Every non-empty value of this field in `r` (bodies through `b`).
    pub(super) fn values<'r>(&self, r: &'r Request<'_>, b: &'r Bodies) -> Vec<Val<'r>> {
        let one = |s: &'r str| {
            if s.is_empty() {
                vec![]
            } else {
                vec![Val::Str(Cow::Borrowed(s))]
            }
        };
        let many = |v: &'r [Cow<'_, str>]| {
            v.iter()
                .filter(|s| !s.is_empty())
                .map(|s| Val::Str(Cow::Borrowed(&**s)))
                .collect()
        };
        match self {
            Field::User => one(&r.user),
            Field::Groups => many(&r.groups),
            Field::ImpersonatedUser => one(&r.impersonated_user),
            Field::ImpersonatedGroups => many(&r.impersonated_groups),
            Field::Actor => one(r.effective_user()),
            Field::Verb => one(&r.verb),
            Field::Resource => one(&r.resource),
            Field::Subresource => one(&r.subresource),
            Field::ApiGroup => one(&r.api_group),
            Field::ApiVersion => one(&r.api_version),
            Field::Namespace => one(&r.namespace),
            Field::Name => one(&r.name),
            Field::Uri => one(&r.request_uri),
            Field::SourceIp => one(r.source_ip()),
            Field::SourceIps => many(&r.source_ips),
            Field::ForwardedFor => {
                let n = r.source_ips.len().saturating_sub(1);
                many(&r.source_ips[..n])
            }
            Field::UserAgent => one(&r.user_agent),
            Field::Code => r.code.map(|c| vec![Val::Num(c as f64)]).unwrap_or_default(),
            Field::Outcome => one(r.outcome().name()),
            Field::Stage => r
                .stages
                .iter()
                .map(|s| Val::Str(Cow::Borrowed(s.name())))
                .collect(),
            Field::Annotation(k) => r.annotation(k).map(one).unwrap_or_default(),
            Field::Extra(k) => r
                .extra
                .iter()
                .filter(|(x, _)| x == k)
                .flat_map(|(_, v)| many(v))
                .collect(),
            Field::Query(k) => query_values(&r.request_uri, k),
            Field::Decision => one(&r.decision),
            Field::AuthzReason => one(&r.authz_reason),
            Field::Level => one(&r.level),
            Field::Target => vec![Val::Str(Cow::Owned(target(r)))],
            Field::DryRun => vec![Val::Str(Cow::Borrowed(dry_run_text(r)))],
            Field::StatusMessage => one(&r.status_message),
            Field::StatusReason => one(&r.status_reason),
            Field::Body(side, path) => match b.get(*side) {
                Some(v) => {
                    let mut out = Vec::new();
                    walk(v, path, &mut out);
                    out
                }
                None => {
                    b.missing.set(true);
                    vec![]
                }
            },
        }
    }

    /// The values as one string, for grouping and joining.
    pub(super) fn key(&self, r: &Request<'_>, b: &Bodies) -> String {
        let v: Vec<String> = self.values(r, b).iter().map(Val::text).collect();
        v.join(",")
    }
}

/// `resource/subresource namespace/name`, or the URI's path for non-resource requests.
pub(super) fn target(r: &Request<'_>) -> String {
    let res = r.resource_path();
    let obj = r.object_path();
    if obj.is_empty() {
        res
    } else {
        format!("{res} {obj}")
    }
}

/// [`target`], with the name of a create taken from its body when the event has none (the API
/// server back-fills `objectRef.name` only in newer versions): a finding should say which
/// binding or pod was created. Only for hits, so the body is read for few requests.
pub(super) fn hit_target(r: &Request<'_>, b: &Bodies) -> String {
    let t = target(r);
    if r.name.is_empty()
        && r.verb == "create"
        && r.subresource.is_empty()
        && !r.resource.is_empty()
        && let Some(name) = body_name(b)
    {
        let ns = if r.namespace.is_empty() {
            String::new()
        } else {
            format!("{}/", r.namespace)
        };
        return format!("{} {ns}{name}", r.resource_path());
    }
    t
}

/// The created object's name: from the response (the server's answer names what it made, also
/// for a `generateName`), else the request body, else the `generateName` prefix and `…`.
fn body_name(b: &Bodies) -> Option<String> {
    let at = |side, ptr: &str| {
        b.get(side)
            .and_then(|v| v.pointer(ptr))
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
            .map(str::to_string)
    };
    at(Side::Response, "/metadata/name")
        .or_else(|| at(Side::Request, "/metadata/name"))
        .or_else(|| at(Side::Request, "/metadata/generateName").map(|g| format!("{g}…")))
}

pub(super) fn parse_path(p: &str) -> Result<Vec<Seg>> {
    let mut segs = Vec::new();
    let b = p.as_bytes();
    let mut i = 0;
    if p.is_empty() {
        bail!("an empty body path");
    }
    while i < b.len() {
        match b[i] {
            b'.' if !segs.is_empty() => {
                // a key follows a dot: `a..b` and `a.` are mistakes
                if matches!(b.get(i + 1), None | Some(b'.' | b'[')) {
                    bail!("an empty step in body path {p:?}");
                }
                i += 1;
                continue;
            }
            b'[' => {
                let end = p[i..]
                    .find(']')
                    .map(|e| i + e)
                    .ok_or_else(|| anyhow!("unclosed [ in body path {p:?}"))?;
                let inner = &p[i + 1..end];
                segs.push(if inner == "*" {
                    Seg::Each
                } else {
                    Seg::Index(inner.parse().map_err(|_| {
                        anyhow!("[{inner}] in body path {p:?}: write [*] or an index like [0]")
                    })?)
                });
                i = end + 1;
                continue;
            }
            b'"' => {
                let end = p[i + 1..]
                    .find('"')
                    .map(|e| i + 1 + e)
                    .ok_or_else(|| anyhow!("unclosed quote in body path {p:?}"))?;
                segs.push(Seg::Key(p[i + 1..end].to_string()));
                i = end + 1;
                continue;
            }
            _ => {}
        }
        let end = p[i..].find(['.', '[']).map(|e| i + e).unwrap_or(p.len());
        let key = &p[i..end];
        if key.is_empty() {
            bail!("an empty step in body path {p:?}");
        }
        segs.push(match key {
            "*" => Seg::Values,
            "@keys" => Seg::Keys,
            k => Seg::Key(k.to_string()),
        });
        i = end;
    }
    if let Some(at) = segs.iter().position(|s| *s == Seg::Keys)
        && at + 1 != segs.len()
    {
        bail!("@keys must be the last step of body path {p:?}");
    }
    Ok(segs)
}

/// The values at `path` under `v`.
fn walk<'v>(v: &'v Value, path: &[Seg], out: &mut Vec<Val<'v>>) {
    let Some((first, rest)) = path.split_first() else {
        match v {
            Value::String(s) if !s.is_empty() => out.push(Val::Str(Cow::Borrowed(s))),
            Value::String(_) | Value::Null => {}
            Value::Number(n) => out.push(Val::Num(n.as_f64().unwrap_or(f64::NAN))),
            Value::Bool(b) => out.push(Val::Bool(*b)),
            Value::Array(_) | Value::Object(_) => out.push(Val::Other),
        }
        return;
    };
    match (first, v) {
        (Seg::Key(k), Value::Object(o)) => {
            if let Some(x) = o.get(k) {
                walk(x, rest, out);
            }
        }
        (Seg::Each, Value::Array(a)) => a.iter().for_each(|x| walk(x, rest, out)),
        (Seg::Index(n), Value::Array(a)) => {
            if let Some(x) = a.get(*n) {
                walk(x, rest, out);
            }
        }
        (Seg::Values, Value::Object(o)) => o.values().for_each(|x| walk(x, rest, out)),
        (Seg::Keys, Value::Object(o)) => {
            out.extend(o.keys().map(|k| Val::Str(Cow::Borrowed(k.as_str()))));
        }
        _ => {}
    }
}

/// One value of a field.
#[derive(Debug, Clone)]
pub(super) enum Val<'a> {
    Str(Cow<'a, str>),
    Num(f64),
    Bool(bool),
    /// An object or array where the path ends.
    Other,
}

impl Val<'_> {
    pub(super) fn text(&self) -> String {
        match self {
            Val::Str(s) => s.to_string(),
            Val::Num(n) => n.to_string(),
            Val::Bool(b) => b.to_string(),
            Val::Other => "{…}".to_string(),
        }
    }
    pub(super) fn num(&self) -> Option<f64> {
        match self {
            Val::Num(n) => Some(*n),
            Val::Str(s) => s.parse().ok(),
            _ => None,
        }
    }
    pub(super) fn str(&self) -> Option<Cow<'_, str>> {
        match self {
            Val::Str(s) => Some(Cow::Borrowed(s)),
            Val::Num(n) => Some(Cow::Owned(n.to_string())),
            Val::Bool(b) => Some(Cow::Owned(b.to_string())),
            Val::Other => None,
        }
    }
}

/// A request's bodies, each read ([`Request::body_reader`]) when a rule first asks; one that
/// could not be read is none, as one the request was logged without.
pub struct Bodies<'r> {
    read: crate::correlate::BodyReader<'r>,
    /// A rule asked for a body the request was logged without.
    pub(super) missing: std::cell::Cell<bool>,
}

impl<'r> Bodies<'r> {
    pub fn new(r: &'r Request<'_>) -> Bodies<'r> {
        Bodies {
            read: r.body_reader(),
            missing: std::cell::Cell::new(false),
        }
    }

    fn get(&self, side: Side) -> Option<&Value> {
        match side {
            Side::Request => self.read.request(),
            Side::Response => self.read.response(),
        }
    }
}

/// The value of field `dry_run`.
fn dry_run_text(r: &Request<'_>) -> &'static str {
    match r.dry_run().json() {
        Some(true) => "true",
        Some(false) => "false",
        None => "unknown",
    }
}

/// The name a rule writes for `f`.
pub(super) fn field_name(f: &Field) -> String {
    if let Some((n, _)) = NAMED.iter().find(|(_, g)| g == f) {
        return n.to_string();
    }
    match f {
        Field::Annotation(k) => format!("annotations.{k}"),
        Field::Extra(k) => format!("user_extra.{k}"),
        Field::Query(k) => format!("query.{k}"),
        _ => "body value".to_string(),
    }
}

/// What a finding calls a `show` field's values: a keyed field's key, a body path's last key,
/// else the field's name (`command`, `path`, `image`, `user_agent`).
pub(super) fn show_label(f: &Field) -> String {
    match f {
        Field::Annotation(k) | Field::Extra(k) | Field::Query(k) => k.clone(),
        Field::Body(_, segs) => segs
            .iter()
            .rev()
            .find_map(|s| match s {
                Seg::Key(k) => Some(k.clone()),
                _ => None,
            })
            .unwrap_or_else(|| "body".to_string()),
        other => field_name(other),
    }
}

/// Every value of query parameter `key` in `uri`, decoded as the API server reads them.
fn query_values<'u>(uri: &'u str, key: &str) -> Vec<Val<'u>> {
    let Some((_, q)) = uri.split_once('?') else {
        return Vec::new();
    };
    crate::vocab::uri::query_pairs(q)
        .filter(|(k, _)| k == key)
        .map(|(_, v)| Val::Str(v))
        .filter(|v| matches!(v, Val::Str(s) if !s.is_empty()))
        .collect()
}
