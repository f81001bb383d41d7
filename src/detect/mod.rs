//! Detections: rules over correlated requests, and the findings they make.
//!
//! A rule is data (`rules.yaml`, embedded at build time, and the users' `--rules-file`s, in the
//! same format): a boolean expression over a request's fields and bodies, with optional
//! threshold (so many matching requests per key within a window) or sequence (one request, then
//! another by the actor it names, within a time) forms. [`Rules::load`] compiles them once;
//! workers test every request against every rule ([`Rules::hits`]) and keep small [`Hit`]s, and
//! [`findings`] turns the hits into findings: collapsed by the rule's `group_by`, windowed for
//! thresholds, joined for sequences. Output is the command's (`commands/detect.rs`).
//!
//! Bodies (`requestObject`, `responseObject`) are read only when a rule's other conditions
//! already hold (they are tested last), from the request's raw lines; a request logged without
//! the body a rule needs is counted, so the command can say that the rule could not look.

use std::borrow::Cow;
use std::net::IpAddr;
use std::sync::OnceLock;

use anyhow::{Context, Result, anyhow, bail};
use regex::Regex;
use rustc_hash::FxHashMap;
use serde_json::Value;

use crate::correlate::Request;
use crate::filter::{Cidr, Glob};

mod keep;
pub use keep::{EVIDENCE, Finding, Limits, RULE_HITS, Shown, State, findings};

/// The built-in catalogue.
pub const BUILTIN: &str = include_str!("rules.yaml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|v| v.name() == s)
    }
}

/// A field of a request that conditions test.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
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
    SourceIp,
    UserAgent,
    Code,
    Decision,
    AuthzReason,
    Level,
    Target,
    /// `true`, `false`, or `unknown` (a delete logged without its body).
    DryRun,
    /// `responseStatus.message` and `.reason`: logged at every level, Metadata included.
    StatusMessage,
    StatusReason,
    Body(Side, Vec<Seg>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Request,
    Response,
}

/// One step of a body path.
#[derive(Debug, Clone, PartialEq)]
pub enum Seg {
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

/// The field names, as rules write them.
pub const FIELDS: &[&str] = &[
    "user",
    "groups",
    "impersonated_user",
    "impersonated_groups",
    "actor",
    "verb",
    "resource",
    "subresource",
    "api_group",
    "api_version",
    "namespace",
    "name",
    "uri",
    "source_ip",
    "user_agent",
    "code",
    "decision",
    "authz_reason",
    "level",
    "target",
    "dry_run",
    "status_message",
    "status_reason",
    "request.PATH",
    "response.PATH",
];

impl Field {
    pub fn parse(s: &str) -> Result<Field> {
        Ok(match s {
            "user" => Field::User,
            "groups" => Field::Groups,
            "impersonated_user" => Field::ImpersonatedUser,
            "impersonated_groups" => Field::ImpersonatedGroups,
            "actor" => Field::Actor,
            "verb" => Field::Verb,
            "resource" => Field::Resource,
            "subresource" => Field::Subresource,
            "api_group" => Field::ApiGroup,
            "api_version" => Field::ApiVersion,
            "namespace" => Field::Namespace,
            "name" => Field::Name,
            "uri" => Field::Uri,
            "source_ip" => Field::SourceIp,
            "user_agent" => Field::UserAgent,
            "code" => Field::Code,
            "decision" => Field::Decision,
            "authz_reason" => Field::AuthzReason,
            "level" => Field::Level,
            "target" => Field::Target,
            "dry_run" => Field::DryRun,
            "status_message" => Field::StatusMessage,
            "status_reason" => Field::StatusReason,
            _ => {
                let (side, path) = if let Some(p) = s.strip_prefix("request.") {
                    (Side::Request, p)
                } else if let Some(p) = s.strip_prefix("response.") {
                    (Side::Response, p)
                } else {
                    bail!(
                        "unknown field {s:?} (fields: {}; body paths start with request. or response.)",
                        FIELDS.join(", ")
                    );
                };
                Field::Body(side, parse_path(path).with_context(|| format!("in {s:?}"))?)
            }
        })
    }

    fn is_body(&self) -> bool {
        matches!(self, Field::Body(..))
    }

    /// `f` of this field's non-empty values in `r`, without allocating for the single-valued
    /// fields (most tests are of those, on every request).
    fn with<R>(&self, r: &Request<'_>, b: &Bodies, f: impl FnOnce(&[Val]) -> R) -> R {
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
    fn values<'r>(&self, r: &'r Request<'_>, b: &'r Bodies) -> Vec<Val<'r>> {
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
            Field::SourceIp => many(&r.source_ips),
            Field::UserAgent => one(&r.user_agent),
            Field::Code => r.code.map(|c| vec![Val::Num(c as f64)]).unwrap_or_default(),
            Field::Decision => one(&r.decision),
            Field::AuthzReason => one(&r.authz_reason),
            Field::Level => one(&r.level),
            Field::Target => vec![Val::Str(Cow::Owned(target(r)))],
            Field::DryRun => vec![Val::Str(Cow::Borrowed(dry_run_text(r)))],
            Field::StatusMessage => one(&r.status_message),
            Field::StatusReason => one(&r.status_reason),
            Field::Body(side, path) => match b.get(r, *side) {
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
    fn key(&self, r: &Request<'_>, b: &Bodies) -> String {
        let v: Vec<String> = self.values(r, b).iter().map(Val::text).collect();
        v.join(",")
    }
}

/// `resource/subresource namespace/name`, or the URI's path for non-resource requests.
pub fn target(r: &Request<'_>) -> String {
    let res = crate::commands::events::resource_cell(r);
    let obj = crate::commands::events::object_cell(r);
    if obj.is_empty() {
        res
    } else {
        format!("{res} {obj}")
    }
}

/// [`target`], with the name of a create taken from its body when the event has none (the API
/// server back-fills `objectRef.name` only in newer versions): a finding should say which
/// binding or pod was created. Only for hits, so the body is read for few requests.
fn hit_target(r: &Request<'_>, b: &Bodies) -> String {
    let t = target(r);
    if r.name.is_empty()
        && r.verb == "create"
        && r.subresource.is_empty()
        && !r.resource.is_empty()
        && let Some(name) = body_name(r, b)
    {
        let ns = if r.namespace.is_empty() {
            String::new()
        } else {
            format!("{}/", r.namespace)
        };
        return format!("{} {ns}{name}", crate::commands::events::resource_cell(r));
    }
    t
}

/// The created object's name: from the response (the server's answer names what it made, also
/// for a `generateName`), else the request body, else the `generateName` prefix and `…`.
fn body_name(r: &Request<'_>, b: &Bodies) -> Option<String> {
    let at = |side, ptr: &str| {
        b.get(r, side)
            .and_then(|v| v.pointer(ptr))
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
            .map(str::to_string)
    };
    at(Side::Response, "/metadata/name")
        .or_else(|| at(Side::Request, "/metadata/name"))
        .or_else(|| at(Side::Request, "/metadata/generateName").map(|g| format!("{g}…")))
}

fn parse_path(p: &str) -> Result<Vec<Seg>> {
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
enum Val<'a> {
    Str(Cow<'a, str>),
    Num(f64),
    Bool(bool),
    /// An object or array where the path ends.
    Other,
}

impl Val<'_> {
    fn text(&self) -> String {
        match self {
            Val::Str(s) => s.to_string(),
            Val::Num(n) => n.to_string(),
            Val::Bool(b) => b.to_string(),
            Val::Other => "{…}".to_string(),
        }
    }
    fn num(&self) -> Option<f64> {
        match self {
            Val::Num(n) => Some(*n),
            Val::Str(s) => s.parse().ok(),
            _ => None,
        }
    }
    fn str(&self) -> Option<Cow<'_, str>> {
        match self {
            Val::Str(s) => Some(Cow::Borrowed(s)),
            Val::Num(n) => Some(Cow::Owned(n.to_string())),
            Val::Bool(b) => Some(Cow::Owned(b.to_string())),
            Val::Other => None,
        }
    }
}

/// A constant in a rule.
#[derive(Debug, Clone, PartialEq)]
enum Scalar {
    Str(String),
    Num(f64),
    Bool(bool),
}

impl Scalar {
    fn from(v: &Value) -> Result<Scalar> {
        Ok(match v {
            Value::String(s) => Scalar::Str(s.clone()),
            Value::Number(n) => Scalar::Num(n.as_f64().unwrap_or(f64::NAN)),
            Value::Bool(b) => Scalar::Bool(*b),
            other => bail!(
                "expected a string, number or boolean, found {}",
                kind(other)
            ),
        })
    }
    fn eq(&self, v: &Val) -> bool {
        match (self, v) {
            (Scalar::Str(s), Val::Str(x)) => s == x,
            (Scalar::Num(n), v) => v.num() == Some(*n),
            (Scalar::Str(s), Val::Num(x)) => s.parse::<f64>().ok() == Some(*x),
            (Scalar::Bool(b), Val::Bool(x)) => b == x,
            (Scalar::Str(s), Val::Bool(x)) => s == if *x { "true" } else { "false" },
            _ => false,
        }
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

/// A test of one value.
#[derive(Debug, Clone)]
enum Op {
    In(Vec<Scalar>),
    Glob(Vec<Glob>),
    Regex(Regex),
    Prefix(String),
    Suffix(String),
    Contains(String),
    Cidr(Vec<Cidr>),
    Gt(f64),
    Ge(f64),
    Lt(f64),
    Le(f64),
}

impl Op {
    fn test(&self, v: &Val) -> bool {
        let s = || v.str();
        match self {
            Op::In(xs) => xs.iter().any(|x| x.eq(v)),
            Op::Glob(gs) => s().is_some_and(|s| gs.iter().any(|g| g.is_match(&s))),
            Op::Regex(r) => s().is_some_and(|s| r.is_match(&s)),
            Op::Prefix(p) => s().is_some_and(|s| s.starts_with(p.as_str())),
            Op::Suffix(p) => s().is_some_and(|s| s.ends_with(p.as_str())),
            Op::Contains(p) => s().is_some_and(|s| s.contains(p.as_str())),
            Op::Cidr(cs) => s()
                .and_then(|s| s.parse::<IpAddr>().ok())
                .is_some_and(|ip| cs.iter().any(|c| c.contains(ip))),
            Op::Gt(n) => v.num().is_some_and(|x| x > *n),
            Op::Ge(n) => v.num().is_some_and(|x| x >= *n),
            Op::Lt(n) => v.num().is_some_and(|x| x < *n),
            Op::Le(n) => v.num().is_some_and(|x| x <= *n),
        }
    }
}

/// What a rule says of one field: some value passes every op, and the set tests hold.
#[derive(Debug, Clone, Default)]
struct Cond {
    ops: Vec<Op>,
    exists: Option<bool>,
    not: Option<Box<Cond>>,
}

impl Cond {
    fn parse(v: &Value) -> Result<Cond> {
        let mut c = Cond::default();
        match v {
            Value::Array(xs) => {
                if xs.is_empty() {
                    bail!("an empty list matches nothing");
                }
                c.ops
                    .push(Op::In(xs.iter().map(Scalar::from).collect::<Result<_>>()?));
            }
            Value::Object(m) => {
                if m.is_empty() {
                    bail!("an empty condition");
                }
                for (op, arg) in m {
                    let list = |arg: &Value| -> Result<Vec<String>> {
                        match arg {
                            Value::String(s) => Ok(vec![s.clone()]),
                            Value::Array(xs) if !xs.is_empty() => xs
                                .iter()
                                .map(|x| {
                                    x.as_str().map(str::to_string).ok_or_else(|| {
                                        anyhow!("{op}: expected strings, found {}", kind(x))
                                    })
                                })
                                .collect(),
                            other => bail!(
                                "{op}: expected a string or a list of strings, found {}",
                                kind(other)
                            ),
                        }
                    };
                    let text = |arg: &Value| -> Result<String> {
                        arg.as_str()
                            .map(str::to_string)
                            .ok_or_else(|| anyhow!("{op}: expected a string, found {}", kind(arg)))
                    };
                    let num = |arg: &Value| -> Result<f64> {
                        arg.as_f64()
                            .ok_or_else(|| anyhow!("{op}: expected a number, found {}", kind(arg)))
                    };
                    match op.as_str() {
                        "eq" => c.ops.push(Op::In(vec![Scalar::from(arg).context("eq")?])),
                        "in" => match arg {
                            Value::Array(xs) if !xs.is_empty() => c.ops.push(Op::In(
                                xs.iter()
                                    .map(Scalar::from)
                                    .collect::<Result<_>>()
                                    .context("in")?,
                            )),
                            other => bail!("in: expected a non-empty list, found {}", kind(other)),
                        },
                        "glob" => c
                            .ops
                            .push(Op::Glob(list(arg)?.iter().map(|g| Glob::new(g)).collect())),
                        "regex" => {
                            let r = text(arg)?;
                            c.ops.push(Op::Regex(
                                Regex::new(&r).map_err(|e| anyhow!("regex {r:?}: {e}"))?,
                            ));
                        }
                        "prefix" => c.ops.push(Op::Prefix(text(arg)?)),
                        "suffix" => c.ops.push(Op::Suffix(text(arg)?)),
                        "contains" => c.ops.push(Op::Contains(text(arg)?)),
                        "cidr" => c.ops.push(Op::Cidr(
                            list(arg)?
                                .iter()
                                .map(|s| Cidr::parse(s).map_err(|e| anyhow!("cidr: {e}")))
                                .collect::<Result<_>>()?,
                        )),
                        "gt" => c.ops.push(Op::Gt(num(arg)?)),
                        "ge" => c.ops.push(Op::Ge(num(arg)?)),
                        "lt" => c.ops.push(Op::Lt(num(arg)?)),
                        "le" => c.ops.push(Op::Le(num(arg)?)),
                        "exists" => {
                            c.exists = Some(arg.as_bool().ok_or_else(|| {
                                anyhow!("exists: expected true or false, found {}", kind(arg))
                            })?)
                        }
                        "not" => c.not = Some(Box::new(Cond::parse(arg).context("not")?)),
                        other => bail!(
                            "unknown operator {other:?} (operators: eq, in, glob, regex, prefix, suffix, contains, cidr, gt, ge, lt, le, exists, not)"
                        ),
                    }
                }
            }
            Value::Null => bail!("no condition (null): write exists: false for an absent field"),
            scalar => c.ops.push(Op::In(vec![Scalar::from(scalar)?])),
        }
        Ok(c)
    }

    fn holds(&self, vals: &[Val]) -> bool {
        if let Some(e) = self.exists
            && e == vals.is_empty()
        {
            return false;
        }
        if let Some(n) = &self.not
            && n.holds(vals)
        {
            return false;
        }
        self.ops.is_empty() || vals.iter().any(|v| self.ops.iter().all(|op| op.test(v)))
    }
}

/// A rule's condition.
#[derive(Debug, Clone)]
enum Expr {
    All(Vec<Expr>),
    Any(Vec<Expr>),
    Not(Box<Expr>),
    Test(Field, Cond),
}

impl Expr {
    fn parse(v: &Value) -> Result<Expr> {
        let Value::Object(m) = v else {
            bail!("expected a map of conditions, found {}", kind(v));
        };
        if m.is_empty() {
            bail!("an empty map of conditions");
        }
        let mut all = Vec::new();
        for (k, v) in m {
            let list = |v: &Value| -> Result<Vec<Expr>> {
                match v {
                    Value::Array(xs) if !xs.is_empty() => xs
                        .iter()
                        .enumerate()
                        .map(|(i, x)| Expr::parse(x).with_context(|| format!("{k}[{i}]")))
                        .collect(),
                    other => bail!(
                        "{k}: expected a non-empty list of condition maps, found {}",
                        kind(other)
                    ),
                }
            };
            all.push(match k.as_str() {
                "any" => Expr::Any(list(v)?),
                "all" => Expr::All(list(v)?),
                "not" => Expr::Not(Box::new(Expr::parse(v).context("not")?)),
                field => {
                    let f = Field::parse(field)?;
                    let c = Cond::parse(v).with_context(|| field.to_string())?;
                    Expr::Test(f, c)
                }
            });
        }
        // bodies are read only when the rest already holds
        all.sort_by_key(|e| e.reads_body());
        Ok(if all.len() == 1 {
            all.pop().unwrap_or(Expr::All(vec![]))
        } else {
            Expr::All(all)
        })
    }

    fn reads_body(&self) -> bool {
        self.any_field(&Field::is_body)
    }

    fn any_field(&self, f: &impl Fn(&Field) -> bool) -> bool {
        match self {
            Expr::All(v) | Expr::Any(v) => v.iter().any(|e| e.any_field(f)),
            Expr::Not(e) => e.any_field(f),
            Expr::Test(x, _) => f(x),
        }
    }

    fn eval(&self, r: &Request<'_>, b: &Bodies) -> bool {
        match self {
            Expr::All(v) => v.iter().all(|e| e.eval(r, b)),
            Expr::Any(v) => v.iter().any(|e| e.eval(r, b)),
            Expr::Not(e) => !e.eval(r, b),
            Expr::Test(f, c) => f.with(r, b, |v| c.holds(v)),
        }
    }
}

/// A request's bodies, read from its raw lines when a rule first asks.
pub struct Bodies {
    request: OnceLock<Option<Value>>,
    response: OnceLock<Option<Value>>,
    /// A rule asked for a body the request was logged without.
    missing: std::cell::Cell<bool>,
}

impl Bodies {
    pub fn new() -> Bodies {
        Bodies {
            request: OnceLock::new(),
            response: OnceLock::new(),
            missing: std::cell::Cell::new(false),
        }
    }

    fn get(&self, r: &Request<'_>, side: Side) -> Option<&Value> {
        let cell = match side {
            Side::Request => &self.request,
            Side::Response => &self.response,
        };
        cell.get_or_init(|| {
            // the last stage that has it (the completing one, usually)
            r.marks.iter().rev().find_map(|m| {
                let raw = m.raw.as_ref()?;
                let b = crate::event::LineBodies::read(raw);
                match side {
                    Side::Request => b.request,
                    Side::Response => b.response,
                }
                .ok()
                .flatten()
                .filter(|v| !v.is_null())
            })
        })
        .as_ref()
    }
}

impl Default for Bodies {
    fn default() -> Self {
        Bodies::new()
    }
}

#[derive(Debug, Clone)]
struct Threshold {
    count: usize,
    window: i64,
    by: Vec<Field>,
    distinct: Option<Field>,
}

/// A value of `field` an identity (`by`) had not used before: first seen `after` its first
/// request, when it made at least `min_requests` in all and has at most `max_new` such values
/// (more, and the field is not stable for it: DaemonSet pods, rotating addresses).
#[derive(Debug, Clone)]
struct Baseline {
    by: Vec<Field>,
    field: Field,
    after: i64,
    min_requests: u64,
    max_new: usize,
}

#[derive(Debug, Clone)]
struct Sequence {
    then: Expr,
    within: i64,
    join_first: Field,
    join_then: Field,
}

/// One compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub name: String,
    pub severity: Severity,
    pub mitre: Option<String>,
    pub description: String,
    pub false_positives: String,
    /// `built-in`, or the rules file it came from.
    pub origin: String,
    matcher: Expr,
    group_by: Vec<Field>,
    threshold: Option<Threshold>,
    sequence: Option<Sequence>,
    baseline: Option<Baseline>,
}

impl Rule {
    /// Does the rule test `dry_run`? Only such a rule sees a dry run: for every other one a
    /// request that stored nothing is no change, no attempt to hide, no evidence of access.
    fn about_dry_runs(&self) -> bool {
        let is = |f: &Field| *f == Field::DryRun;
        self.matcher.any_field(&is)
            || self
                .sequence
                .as_ref()
                .is_some_and(|s| s.then.any_field(&is))
    }

    pub fn reads_body(&self) -> bool {
        self.matcher.reads_body()
            || self.sequence.as_ref().is_some_and(|s| s.then.reads_body())
            || self.group_by.iter().any(Field::is_body)
    }
    /// `threshold`, `sequence` or `match`: the form, for `--list`.
    pub fn form(&self) -> String {
        if let Some(b) = &self.baseline {
            return format!(
                "new {} of an identity, {} after its first request",
                field_name(&b.field),
                duration_text(b.after)
            );
        }
        if let Some(t) = &self.threshold {
            let what = if t.distinct.is_some() {
                "distinct values"
            } else {
                "requests"
            };
            format!("{} {what} in {}", t.count, duration_text(t.window))
        } else if let Some(s) = &self.sequence {
            format!("sequence within {}", duration_text(s.within))
        } else {
            "each request".to_string()
        }
    }
    /// Change a threshold rule's count and window (`--threshold ID=COUNT/WINDOW`).
    pub fn set_threshold(&mut self, count: usize, window: Option<i64>) -> Result<()> {
        let Some(t) = &mut self.threshold else {
            bail!("rule {} has no threshold", self.id);
        };
        t.count = count.max(1);
        if let Some(w) = window {
            t.window = w;
        }
        Ok(())
    }
}

fn duration_text(micros: i64) -> String {
    let s = micros / 1_000_000;
    if s % 3600 == 0 {
        format!("{}h", s / 3600)
    } else if s % 60 == 0 {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

/// `90s`, `10m`, `2h`, `1d`: in microseconds.
pub fn parse_duration(s: &str) -> Result<i64> {
    let bad = || anyhow!("{s:?} is not a duration (examples: 90s, 10m, 2h)");
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let n: i64 = s[..split].parse().map_err(|_| bad())?;
    let unit = match &s[split..] {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(bad()),
    };
    if n <= 0 || n > 366 * 86_400 {
        return Err(bad());
    }
    Ok(n * unit * 1_000_000)
}

const RULE_KEYS: &[&str] = &[
    "id",
    "name",
    "severity",
    "mitre",
    "description",
    "false_positives",
    "match",
    "group_by",
    "threshold",
    "sequence",
    "baseline",
];

fn compile(v: &Value, origin: &str, n: usize) -> Result<Rule> {
    let Value::Object(m) = v else {
        bail!("a rule must be a map, found {}", kind(v));
    };
    let text = |k: &str, required: bool| -> Result<Option<String>> {
        match m.get(k) {
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.trim().to_string())),
            Some(Value::Null) | None if !required => Ok(None),
            Some(other) if !required || !matches!(other, Value::String(_)) => {
                bail!("{k}: expected text, found {}", kind(other))
            }
            _ => bail!("{k} is required"),
        }
    };
    let id = text("id", true)
        .with_context(|| format!("rule #{n}"))?
        .unwrap_or_default();
    let inner = || -> Result<Rule> {
        if let Some(k) = m.keys().find(|k| !RULE_KEYS.contains(&k.as_str())) {
            bail!("unknown key {k:?} (keys: {})", RULE_KEYS.join(", "));
        }
        if !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        {
            bail!("id: letters, digits, '-', '_' and '.' only");
        }
        let sev = text("severity", true)?.unwrap_or_default();
        let severity = Severity::parse(&sev).ok_or_else(|| {
            anyhow!("severity {sev:?}: expected info, low, medium, high or critical")
        })?;
        let fields = |v: &Value, what: &str| -> Result<Vec<Field>> {
            let names: Vec<&str> = match v {
                Value::String(s) => vec![s.as_str()],
                Value::Array(xs) if !xs.is_empty() => xs
                    .iter()
                    .map(|x| {
                        x.as_str()
                            .ok_or_else(|| anyhow!("{what}: expected field names"))
                    })
                    .collect::<Result<_>>()?,
                other => bail!(
                    "{what}: expected a field name or a list of them, found {}",
                    kind(other)
                ),
            };
            names
                .into_iter()
                .map(|n| Field::parse(n).with_context(|| what.to_string()))
                .collect()
        };
        let one_field = |v: Option<&Value>, what: &str| -> Result<Field> {
            match v {
                Some(Value::String(s)) => Field::parse(s).with_context(|| what.to_string()),
                Some(other) => bail!("{what}: expected a field name, found {}", kind(other)),
                None => bail!("{what} is required"),
            }
        };
        let matcher = Expr::parse(m.get("match").ok_or_else(|| anyhow!("match is required"))?)
            .context("match")?;
        let group_by = match m.get("group_by") {
            Some(v) => fields(v, "group_by")?,
            None => vec![Field::Actor, Field::Target],
        };
        let threshold = match m.get("threshold") {
            None => None,
            Some(Value::Object(t)) => {
                let bad = t
                    .keys()
                    .find(|k| !["count", "window", "by", "distinct"].contains(&k.as_str()));
                if let Some(k) = bad {
                    bail!("threshold: unknown key {k:?} (keys: count, window, by, distinct)");
                }
                let count = t
                    .get("count")
                    .and_then(Value::as_u64)
                    .filter(|c| *c >= 1)
                    .ok_or_else(|| {
                        anyhow!("threshold.count: expected a whole number of at least 1")
                    })?;
                let window = match t.get("window") {
                    Some(Value::String(s)) => parse_duration(s).context("threshold.window")?,
                    _ => bail!("threshold.window: expected a duration such as 60s or 10m"),
                };
                Some(Threshold {
                    count: count as usize,
                    window,
                    by: match t.get("by") {
                        Some(v) => fields(v, "threshold.by")?,
                        None => vec![Field::Actor],
                    },
                    distinct: match t.get("distinct") {
                        Some(v) => Some(one_field(Some(v), "threshold.distinct")?),
                        None => None,
                    },
                })
            }
            Some(other) => bail!("threshold: expected a map, found {}", kind(other)),
        };
        let sequence = match m.get("sequence") {
            None => None,
            Some(Value::Object(s)) => {
                let bad = s
                    .keys()
                    .find(|k| !["then", "within", "join"].contains(&k.as_str()));
                if let Some(k) = bad {
                    bail!("sequence: unknown key {k:?} (keys: then, within, join)");
                }
                let then = Expr::parse(
                    s.get("then")
                        .ok_or_else(|| anyhow!("sequence.then is required"))?,
                )
                .context("sequence.then")?;
                let within = match s.get("within") {
                    Some(Value::String(w)) => parse_duration(w).context("sequence.within")?,
                    _ => bail!("sequence.within: expected a duration such as 10m"),
                };
                let Some(Value::Object(j)) = s.get("join") else {
                    bail!("sequence.join: expected {{first: FIELD, then: FIELD}}");
                };
                Some(Sequence {
                    then,
                    within,
                    join_first: one_field(j.get("first"), "sequence.join.first")?,
                    join_then: one_field(j.get("then"), "sequence.join.then")?,
                })
            }
            Some(other) => bail!("sequence: expected a map, found {}", kind(other)),
        };
        let baseline = match m.get("baseline") {
            None => None,
            Some(Value::Object(b)) => {
                let keys = ["by", "field", "after", "min_requests", "max_new"];
                if let Some(k) = b.keys().find(|k| !keys.contains(&k.as_str())) {
                    bail!("baseline: unknown key {k:?} (keys: {})", keys.join(", "));
                }
                let whole = |k: &str, default: u64| -> Result<u64> {
                    match b.get(k) {
                        None => Ok(default),
                        Some(v) => v
                            .as_u64()
                            .ok_or_else(|| anyhow!("baseline.{k}: expected a whole number")),
                    }
                };
                Some(Baseline {
                    by: match b.get("by") {
                        Some(v) => fields(v, "baseline.by")?,
                        None => vec![Field::Actor],
                    },
                    field: one_field(b.get("field"), "baseline.field")?,
                    after: match b.get("after") {
                        None => 30 * 60 * 1_000_000,
                        Some(Value::String(w)) => parse_duration(w).context("baseline.after")?,
                        Some(_) => bail!("baseline.after: expected a duration such as 30m"),
                    },
                    min_requests: whole("min_requests", 50)?,
                    max_new: whole("max_new", 3)? as usize,
                })
            }
            Some(other) => bail!("baseline: expected a map, found {}", kind(other)),
        };
        if [threshold.is_some(), sequence.is_some(), baseline.is_some()]
            .iter()
            .filter(|x| **x)
            .count()
            > 1
        {
            bail!("a rule has at most one of threshold, sequence and baseline");
        }
        Ok(Rule {
            id: id.clone(),
            name: text("name", true)?.unwrap_or_default(),
            severity,
            mitre: text("mitre", false)?,
            description: text("description", true)?.unwrap_or_default(),
            false_positives: text("false_positives", true)?.unwrap_or_default(),
            origin: origin.to_string(),
            matcher,
            group_by,
            threshold,
            sequence,
            baseline,
        })
    };
    inner().with_context(|| {
        if id.is_empty() {
            format!("rule #{n}")
        } else {
            format!("rule {id}")
        }
    })
}

/// Parse a rules document (YAML; JSON is YAML too): `rules: [...]`, or a bare list.
pub fn parse_rules(text: &str, origin: &str) -> Result<Vec<Rule>> {
    let doc: Value = serde_saphyr::from_str(text).map_err(|e| anyhow!("{e}"))?;
    let list = match &doc {
        Value::Object(m) => {
            if let Some(k) = m.keys().find(|k| k.as_str() != "rules") {
                bail!(
                    "unknown top-level key {k:?}: a rules file holds `rules:` and a list of rules"
                );
            }
            m.get("rules")
        }
        Value::Array(_) => Some(&doc),
        Value::Null => None,
        other => bail!(
            "expected `rules:` and a list of rules, found {}",
            kind(other)
        ),
    };
    let Some(Value::Array(items)) = list else {
        bail!("no rules: a rules file holds `rules:` and a list of rules");
    };
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match compile(item, origin, i + 1) {
            Ok(r) => out.push(r),
            Err(e) => errors.push(format!("{e:#}")),
        }
    }
    if !errors.is_empty() {
        bail!("{}", errors.join("\n"));
    }
    Ok(out)
}

/// The rules a run uses, with their settings.
#[derive(Debug, Clone)]
pub struct Rules {
    pub rules: Vec<Rule>,
    /// Which rules can match a request, by its resource: built on first use (after `select`).
    index: OnceLock<Index>,
}

/// Rules that name the resources they match are tried only on requests of those resources.
#[derive(Debug, Clone, Default)]
struct Index {
    always: Vec<usize>,
    by_resource: FxHashMap<String, Vec<usize>>,
}

impl Index {
    fn new(rules: &[Rule]) -> Index {
        let mut ix = Index::default();
        for (i, r) in rules.iter().enumerate() {
            match (&r.sequence, &r.baseline, resources(&r.matcher)) {
                (None, None, Some(res)) => {
                    for x in res {
                        ix.by_resource.entry(x).or_default().push(i);
                    }
                }
                _ => ix.always.push(i),
            }
        }
        ix
    }
}

/// The resources a request must have for `e` to hold, when `e` says (a top-level test of
/// `resource` against a list of names).
fn resources(e: &Expr) -> Option<Vec<String>> {
    match e {
        Expr::Test(Field::Resource, c) if c.exists.is_none() && c.not.is_none() => match &c.ops[..]
        {
            [Op::In(xs)] => xs
                .iter()
                .map(|x| match x {
                    Scalar::Str(s) => Some(s.clone()),
                    _ => None,
                })
                .collect(),
            _ => None,
        },
        Expr::All(v) => v.iter().find_map(resources),
        _ => None,
    }
}

impl Rules {
    /// The built-in catalogue, then each file's rules; ids must be unique.
    pub fn load(builtin: bool, files: &[std::path::PathBuf]) -> Result<Rules> {
        let mut rules = Vec::new();
        if builtin {
            rules.extend(parse_rules(BUILTIN, "built-in").context("the built-in rules")?);
        }
        for f in files {
            let text = std::fs::read_to_string(f)
                .with_context(|| format!("cannot read rules file {}", f.display()))?;
            rules.extend(
                parse_rules(&text, &f.display().to_string())
                    .with_context(|| format!("rules file {}", f.display()))?,
            );
        }
        let mut seen: FxHashMap<&str, &str> = FxHashMap::default();
        for r in &rules {
            if let Some(other) = seen.insert(&r.id, &r.origin) {
                bail!(
                    "rule id {} is given twice ({} and {}): ids must be unique",
                    r.id,
                    other,
                    r.origin
                );
            }
        }
        Ok(Rules {
            rules,
            index: OnceLock::new(),
        })
    }

    /// Keep the rules `pick` names (all when empty), then drop those `skip` names. Unknown ids
    /// are an error.
    pub fn select(&mut self, pick: &[String], skip: &[String]) -> Result<()> {
        for id in pick.iter().chain(skip) {
            if !self.rules.iter().any(|r| r.id == *id) {
                bail!("no rule {id} (kaudit detect --list shows them)");
            }
        }
        self.rules
            .retain(|r| (pick.is_empty() || pick.contains(&r.id)) && !skip.contains(&r.id));
        self.index = OnceLock::new();
        Ok(())
    }

    /// Test one request against every rule, and keep what the matching ones need in `st`.
    pub fn see(&self, r: &Request<'_>, st: &mut State) {
        st.requests += 1;
        let dry = r.dry_run().is_dry();
        let b = Bodies::new();
        let ix = self.index.get_or_init(|| Index::new(&self.rules));
        let some = ix
            .by_resource
            .get(&*r.resource)
            .map_or(&[][..], Vec::as_slice);
        for &i in ix.always.iter().chain(some) {
            let rule = &self.rules[i];
            if dry && !rule.about_dry_runs() {
                continue;
            }
            b.missing.set(false);
            if rule.matcher.eval(r, &b) {
                st.first(i, rule, r, &b);
                if rule.baseline.is_some() {
                    continue;
                }
            } else if b.missing.get() {
                st.unchecked[i] += 1;
            }
            if let Some(s) = &rule.sequence
                && s.then.eval(r, &b)
            {
                st.then(i, s, r, &b);
            }
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
fn field_name(f: &Field) -> String {
    let names = [
        (Field::User, "user"),
        (Field::Groups, "groups"),
        (Field::ImpersonatedUser, "impersonated_user"),
        (Field::ImpersonatedGroups, "impersonated_groups"),
        (Field::Actor, "actor"),
        (Field::Verb, "verb"),
        (Field::Resource, "resource"),
        (Field::Subresource, "subresource"),
        (Field::ApiGroup, "api_group"),
        (Field::ApiVersion, "api_version"),
        (Field::Namespace, "namespace"),
        (Field::Name, "name"),
        (Field::Uri, "uri"),
        (Field::SourceIp, "source_ip"),
        (Field::UserAgent, "user_agent"),
        (Field::Code, "code"),
        (Field::Decision, "decision"),
        (Field::AuthzReason, "authz_reason"),
        (Field::Level, "level"),
        (Field::Target, "target"),
        (Field::DryRun, "dry_run"),
        (Field::StatusMessage, "status_message"),
        (Field::StatusReason, "status_reason"),
    ];
    names
        .iter()
        .find(|(g, _)| g == f)
        .map_or_else(|| "body value".to_string(), |(_, n)| n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(y: &str) -> Rules {
        Rules {
            rules: parse_rules(y, "test").unwrap(),
            index: OnceLock::new(),
        }
    }

    #[test]
    fn paths_parse() {
        assert_eq!(
            parse_path("spec.containers[*].securityContext.privileged").unwrap(),
            vec![
                Seg::Key("spec".into()),
                Seg::Key("containers".into()),
                Seg::Each,
                Seg::Key("securityContext".into()),
                Seg::Key("privileged".into())
            ]
        );
        assert_eq!(
            parse_path("metadata.annotations.\"a.b/c\"").unwrap(),
            vec![
                Seg::Key("metadata".into()),
                Seg::Key("annotations".into()),
                Seg::Key("a.b/c".into())
            ]
        );
        assert_eq!(
            parse_path("data.@keys").unwrap(),
            vec![Seg::Key("data".into()), Seg::Keys]
        );
        assert!(parse_path("a[x]").is_err());
        assert!(parse_path("a.@keys.b").is_err());
        assert!(parse_path("a..b").is_err());
    }

    #[test]
    fn bad_rules_say_where() {
        let e = parse_rules(
            "rules:\n- id: X1\n  name: n\n  severity: urgent\n  description: d\n  false_positives: f\n  match: {verb: get}\n",
            "t",
        )
        .unwrap_err();
        assert!(
            format!("{e:#}").contains("rule X1: severity \"urgent\""),
            "{e:#}"
        );
        let e = parse_rules(
            "rules:\n- id: X1\n  name: n\n  severity: low\n  description: d\n  false_positives: f\n  match: {verbb: get}\n",
            "t",
        )
        .unwrap_err();
        assert!(
            format!("{e:#}").contains("unknown field \"verbb\""),
            "{e:#}"
        );
        let e = parse_rules(
            "rules:\n- id: X1\n  name: n\n  severity: low\n  description: d\n  false_positives: f\n  match: {user: {regex: '('}}\n",
            "t",
        )
        .unwrap_err();
        assert!(format!("{e:#}").contains("regex"), "{e:#}");
    }

    #[test]
    fn conditions_over_many_values() {
        let c = Cond::parse(&serde_json::json!({"glob": "system:*"})).unwrap();
        let v = |xs: &[&'static str]| -> Vec<Val<'static>> {
            xs.iter().map(|s| Val::Str(Cow::Borrowed(*s))).collect()
        };
        assert!(c.holds(&v(&["a", "system:masters"])));
        assert!(!c.holds(&v(&["a"])));
        let c = Cond::parse(&serde_json::json!({"not": {"glob": "system:*"}})).unwrap();
        assert!(!c.holds(&v(&["a", "system:masters"])));
        assert!(c.holds(&v(&["a"])));
        assert!(c.holds(&v(&[])));
        let c = Cond::parse(&serde_json::json!({"exists": false})).unwrap();
        assert!(c.holds(&v(&[])));
        assert!(!c.holds(&v(&["x"])));
        let c = Cond::parse(&serde_json::json!({"cidr": ["10.0.0.0/8"]})).unwrap();
        assert!(c.holds(&v(&["192.168.1.1", "10.2.3.4"])));
        assert!(!c.holds(&v(&["192.168.1.1"])));
        let c = Cond::parse(&serde_json::json!({"ge": 400, "lt": 500})).unwrap();
        assert!(c.holds(&[Val::Num(403.0)]));
        assert!(!c.holds(&[Val::Num(500.0)]));
        let _ = rules;
    }
}
