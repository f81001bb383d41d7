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
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::sync::OnceLock;

use anyhow::{Context, Result, anyhow, bail};
use regex::Regex;
use rustc_hash::FxHashMap;
use serde_json::Value;

use crate::correlate::Request;
use crate::event::Ts;
use crate::filter::{Cidr, Glob};

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
        match self {
            Expr::All(v) | Expr::Any(v) => v.iter().any(Expr::reads_body),
            Expr::Not(e) => e.reads_body(),
            Expr::Test(f, _) => f.is_body(),
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

#[derive(serde::Deserialize)]
struct BodiesOf {
    #[serde(rename = "requestObject", default)]
    request: Option<Value>,
    #[serde(rename = "responseObject", default)]
    response: Option<Value>,
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
                let b: BodiesOf = serde_json::from_slice(raw).ok()?;
                match side {
                    Side::Request => b.request,
                    Side::Response => b.response,
                }
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

/// How many auditIDs (and targets) a baseline keeps per identity and value: a new value is
/// rare, so its evidence is whole; a frequent one is never reported.
const SEEN_IDS: usize = 1000;
const SEEN_TARGETS: usize = 20;

/// What a baseline rule saw of one value of one identity.
#[derive(Debug, Clone, Default)]
pub struct Seen {
    count: u64,
    first: Option<Ts>,
    last: Option<Ts>,
    /// The first [`SEEN_IDS`] requests: each one's time and the end of its auditID in
    /// `id_text` (one string for all, not one each: a frequent value fills its list in every
    /// worker's part, and a string each cost an allocation per request, then a free per extra
    /// one when parts merged, in a serial tail after the scan).
    ids: Vec<(Option<Ts>, usize)>,
    id_text: String,
    targets: BTreeSet<String>,
    ips: BTreeSet<String>,
}

impl Seen {
    fn push_id(&mut self, t: Option<Ts>, id: &str) {
        self.id_text.push_str(id);
        self.ids.push((t, self.id_text.len()));
    }

    /// The requests kept: time and auditID.
    fn ids(&self) -> impl Iterator<Item = (Option<Ts>, &str)> {
        let ends = self.ids.iter().map(|(_, e)| *e);
        let starts = std::iter::once(0).chain(ends.clone());
        self.ids
            .iter()
            .zip(starts.zip(ends))
            .map(|((t, _), (a, b))| (*t, &self.id_text[a..b]))
    }

    fn merge(&mut self, o: Seen) {
        self.count += o.count;
        self.first = min_ts(self.first, o.first);
        self.last = self.last.max(o.last);
        for (t, id) in o.ids().take(SEEN_IDS.saturating_sub(self.ids.len())) {
            self.push_id(t, id);
        }
        for t in o.targets {
            if self.targets.len() < SEEN_TARGETS {
                self.targets.insert(t);
            }
        }
        for t in o.ips {
            if self.ips.len() < SEEN_TARGETS {
                self.ips.insert(t);
            }
        }
    }
}

fn min_ts(a: Option<Ts>, b: Option<Ts>) -> Option<Ts> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Per rule (empty for the others): identity -> value -> what was seen. Order-free, so workers
/// fill their own and they are merged.
#[derive(Debug, Clone, Default)]
pub struct Baselines(Vec<FxHashMap<String, FxHashMap<String, Seen>>>);

impl Baselines {
    pub fn new(rules: &Rules) -> Baselines {
        Baselines(vec![FxHashMap::default(); rules.rules.len()])
    }
    pub fn merge(&mut self, o: Baselines) {
        for (mine, theirs) in self.0.iter_mut().zip(o.0) {
            for (who, vals) in theirs {
                let m = mine.entry(who).or_default();
                for (v, seen) in vals {
                    m.entry(v).or_default().merge(seen);
                }
            }
        }
    }
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

    /// Test one request against every rule.
    pub fn hits(
        &self,
        r: &Request<'_>,
        out: &mut Vec<Hit>,
        unchecked: &mut [u64],
        base: &mut Baselines,
    ) {
        let b = Bodies::new();
        let ix = self.index.get_or_init(|| Index::new(&self.rules));
        let some = ix
            .by_resource
            .get(&*r.resource)
            .map_or(&[][..], Vec::as_slice);
        for &i in ix.always.iter().chain(some) {
            let rule = &self.rules[i];
            b.missing.set(false);
            if rule.matcher.eval(r, &b) {
                if let Some(bl) = &rule.baseline {
                    see(bl, r, &b, &mut base.0[i]);
                    continue;
                }
                out.push(self.hit(i, rule, r, &b, Step::First));
            } else if b.missing.get() {
                unchecked[i] += 1;
            }
            if let Some(s) = &rule.sequence
                && s.then.eval(r, &b)
            {
                out.push(self.hit(i, rule, r, &b, Step::Then));
            }
        }
    }

    fn hit(&self, i: usize, rule: &Rule, r: &Request<'_>, b: &Bodies, step: Step) -> Hit {
        let join = match (&rule.sequence, step) {
            (Some(s), Step::First) => s.join_first.values(r, b).iter().map(Val::text).collect(),
            (Some(s), Step::Then) => s.join_then.values(r, b).iter().map(Val::text).collect(),
            _ => Vec::new(),
        };
        let (by, distinct) = match &rule.threshold {
            Some(t) => (
                t.by.iter().map(|f| f.key(r, b)).collect(),
                t.distinct.as_ref().map(|f| f.key(r, b)),
            ),
            None => (Vec::new(), None),
        };
        Hit {
            rule: i as u32,
            step,
            time: r.time(),
            audit_id: r.audit_id.to_string(),
            actor: r.effective_user().to_string(),
            via: if r.impersonated_user.is_empty() {
                String::new()
            } else {
                r.user.to_string()
            },
            source_ips: r.source_ips.iter().map(|s| s.to_string()).collect(),
            target: hit_target(r, b),
            group: rule.group_by.iter().map(|f| f.key(r, b)).collect(),
            by,
            distinct,
            join,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    First,
    Then,
}

/// A request a rule matched, with what the finding needs of it.
#[derive(Debug, Clone)]
pub struct Hit {
    pub rule: u32,
    pub step: Step,
    pub time: Option<Ts>,
    pub audit_id: String,
    pub actor: String,
    /// The authenticated user, when it impersonated `actor`.
    pub via: String,
    pub source_ips: Vec<String>,
    pub target: String,
    group: Vec<String>,
    by: Vec<String>,
    distinct: Option<String>,
    join: Vec<String>,
}

/// What a rule found: identical hits collapsed, with their evidence.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: usize,
    pub count: u64,
    pub first: Option<Ts>,
    pub last: Option<Ts>,
    pub actors: BTreeSet<String>,
    /// The authenticated users that impersonated them, if any.
    pub via: BTreeSet<String>,
    pub source_ips: BTreeSet<String>,
    pub targets: BTreeSet<String>,
    /// Every evidence request, in time order.
    pub audit_ids: Vec<String>,
    /// For a sequence: the request that began it (its auditID is the first of `audit_ids`).
    pub detail: Option<String>,
}

impl Finding {
    fn new(rule: usize) -> Finding {
        Finding {
            rule,
            count: 0,
            first: None,
            last: None,
            actors: BTreeSet::new(),
            via: BTreeSet::new(),
            source_ips: BTreeSet::new(),
            targets: BTreeSet::new(),
            audit_ids: Vec::new(),
            detail: None,
        }
    }
    fn add(&mut self, h: &Hit) {
        self.count += 1;
        self.first = match (self.first, h.time) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last = match (self.last, h.time) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        if !h.actor.is_empty() {
            self.actors.insert(h.actor.clone());
        }
        if !h.via.is_empty() {
            self.via.insert(h.via.clone());
        }
        self.source_ips.extend(h.source_ips.iter().cloned());
        if !h.target.is_empty() {
            self.targets.insert(h.target.clone());
        }
        self.audit_ids.push(h.audit_id.clone());
    }
}

/// The findings of `hits` (every hit of a run, any order): collapsed, windowed, joined; sorted
/// by severity (highest first), then time.
/// The findings of the `hits` (sorted in place) and the baselines: both are left to the
/// caller, who may let them go without freeing each of their strings.
/// `show_secrets`: body values in findings as logged, not redacted ([`crate::redact`]).
pub fn findings(
    rules: &Rules,
    hits: &mut [Hit],
    base: &Baselines,
    show_secrets: bool,
) -> Vec<Finding> {
    hits.sort_by(|a, b| (a.rule, a.time, &a.audit_id).cmp(&(b.rule, b.time, &b.audit_id)));
    let mut out = Vec::new();
    for (i, per) in base.0.iter().enumerate() {
        if let Some(bl) = &rules.rules[i].baseline {
            out.extend(novelties(i, bl, per, show_secrets));
        }
    }
    let mut rest = &hits[..];
    while let Some(h) = rest.first() {
        let n = rest.iter().take_while(|x| x.rule == h.rule).count();
        let (mine, later) = rest.split_at(n);
        rest = later;
        let i = h.rule as usize;
        let rule = &rules.rules[i];
        if let Some(t) = &rule.threshold {
            out.extend(bursts(i, t, mine));
        } else if let Some(s) = &rule.sequence {
            out.extend(sequences(i, s, mine));
        } else {
            let mut by: BTreeMap<&[String], Finding> = BTreeMap::new();
            for h in mine.iter().filter(|h| h.step == Step::First) {
                by.entry(&h.group).or_insert_with(|| Finding::new(i)).add(h);
            }
            out.extend(by.into_values());
        }
    }
    out.sort_by(|a, b| {
        let (ra, rb) = (&rules.rules[a.rule], &rules.rules[b.rule]);
        rb.severity
            .cmp(&ra.severity)
            .then(a.first.cmp(&b.first))
            .then(ra.id.cmp(&rb.id))
    });
    out
}

/// Count one request of a baseline rule: the common case (one identity field, a value seen
/// before) allocates nothing.
fn see(
    bl: &Baseline,
    r: &Request<'_>,
    b: &Bodies,
    per: &mut FxHashMap<String, FxHashMap<String, Seen>>,
) {
    match &bl.by[..] {
        [one] => one.with(r, b, |v| {
            let who = v.first().and_then(Val::str).unwrap_or(Cow::Borrowed(""));
            record(bl, r, b, per, &who);
        }),
        many => {
            let keys: Vec<String> = many.iter().map(|f| f.key(r, b)).collect();
            record(bl, r, b, per, &keys.join("\u{1f}"));
        }
    }
}

fn record(
    bl: &Baseline,
    r: &Request<'_>,
    b: &Bodies,
    per: &mut FxHashMap<String, FxHashMap<String, Seen>>,
    who: &str,
) {
    let vals = match per.get_mut(who) {
        Some(v) => v,
        None => per.entry(who.to_string()).or_default(),
    };
    let t = r.time();
    bl.field.with(r, b, |vs| {
        for v in vs {
            let text = v.str().unwrap_or(Cow::Borrowed("{…}"));
            let seen = match vals.get_mut(&*text) {
                Some(s) => s,
                None => vals.entry(text.into_owned()).or_default(),
            };
            seen.count += 1;
            seen.first = min_ts(seen.first, t);
            seen.last = seen.last.max(t);
            // a value is reported only while rare: its first requests are its whole evidence
            if seen.ids.len() < SEEN_IDS {
                seen.push_id(t, &r.audit_id);
                if seen.targets.len() < SEEN_TARGETS {
                    seen.targets.insert(target(r));
                }
                for ip in r.source_ips.iter() {
                    if seen.ips.len() < SEEN_TARGETS && !seen.ips.contains(&**ip) {
                        seen.ips.insert(ip.to_string());
                    }
                }
            }
        }
    });
}

/// A value of `field` as a finding shows it: a body value through [`crate::redact::field_value`]
/// unless `--show-secrets`.
fn shown<'v>(field: &Field, v: &'v str, show_secrets: bool) -> Cow<'v, str> {
    match field {
        Field::Body(_, path) if !show_secrets => {
            let keys: Vec<&str> = path
                .iter()
                .filter_map(|s| match s {
                    Seg::Key(k) => Some(k.as_str()),
                    _ => None,
                })
                .collect();
            crate::redact::field_value(&keys, v)
        }
        _ => Cow::Borrowed(v),
    }
}

/// The values each identity started using `after` its first request.
fn novelties(
    rule: usize,
    bl: &Baseline,
    per: &FxHashMap<String, FxHashMap<String, Seen>>,
    show_secrets: bool,
) -> Vec<Finding> {
    // a value read from a body is printed redacted (a rule can learn any body path)
    let value = |v: &str| shown(&bl.field, v, show_secrets).into_owned();
    let mut out = Vec::new();
    let mut per: Vec<_> = per.iter().collect();
    per.sort_by(|a, b| a.0.cmp(b.0));
    for (who, vals) in per {
        let total: u64 = vals.values().map(|s| s.count).sum();
        let Some(start) = vals.values().filter_map(|s| s.first).min() else {
            continue;
        };
        if total < bl.min_requests {
            continue;
        }
        let mut new: Vec<(&String, &Seen)> = vals
            .iter()
            .filter(|(_, s)| s.first.is_some_and(|f| f.0 - start.0 >= bl.after))
            .collect();
        if new.is_empty() || new.len() > bl.max_new {
            continue;
        }
        new.sort_by_key(|(_, s)| s.first);
        let mut usual: Vec<(&String, u64)> = vals
            .iter()
            .filter(|(_, s)| s.first.is_some_and(|f| f.0 - start.0 < bl.after))
            .map(|(v, s)| (v, s.count))
            .collect();
        usual.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let usual: Vec<String> = usual
            .iter()
            .take(3)
            .map(|(v, n)| format!("{} ({n})", value(v)))
            .collect();
        let actor = match &bl.by[..] {
            [one] => shown(one, who, show_secrets).replace('\u{1f}', " "),
            many => who
                .split('\u{1f}')
                .zip(many)
                .map(|(w, f)| shown(f, w, show_secrets).into_owned())
                .collect::<Vec<_>>()
                .join(" "),
        };
        for (v, s) in new {
            let v = value(v);
            let mut f = Finding::new(rule);
            f.count = s.count;
            f.first = s.first;
            f.last = s.last;
            f.actors.insert(actor.clone());
            f.source_ips = s.ips.clone();
            f.targets = s.targets.clone();
            let mut ids: Vec<(Option<Ts>, &str)> = s.ids().collect();
            ids.sort();
            f.audit_ids = ids.into_iter().map(|(_, id)| id.to_string()).collect();
            f.detail = Some(format!(
                "new {} {v}, first seen {} after this identity's first request (of {total}); usual: {}",
                field_name(&bl.field),
                duration_text(s.first.map_or(0, |t| t.0 - start.0) / 60_000_000 * 60_000_000),
                usual.join(", ")
            ));
            out.push(f);
        }
    }
    out
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
    ];
    names
        .iter()
        .find(|(g, _)| g == f)
        .map_or_else(|| "body value".to_string(), |(_, n)| n.to_string())
}

/// Runs of hits, per `by` key, where some window holds `count` hits (or distinct values).
fn bursts(rule: usize, t: &Threshold, hits: &[Hit]) -> Vec<Finding> {
    let mut per: BTreeMap<&[String], Vec<&Hit>> = BTreeMap::new();
    for h in hits.iter().filter(|h| h.step == Step::First) {
        per.entry(&h.by).or_default().push(h);
    }
    let mut out = Vec::new();
    for (_, hs) in per {
        // hs is in time order; hits without a time cannot be windowed
        let hs: Vec<&Hit> = hs.into_iter().filter(|h| h.time.is_some()).collect();
        let time = |h: &Hit| h.time.map_or(0, |t| t.0);
        let mut in_burst = vec![false; hs.len()];
        let mut start = 0;
        let mut distinct: FxHashMap<&str, usize> = FxHashMap::default();
        for end in 0..hs.len() {
            if let Some(d) = &hs[end].distinct {
                *distinct.entry(d).or_default() += 1;
            }
            while time(hs[end]) - time(hs[start]) > t.window {
                if let Some(d) = &hs[start].distinct
                    && let Some(c) = distinct.get_mut(d.as_str())
                {
                    *c -= 1;
                    if *c == 0 {
                        distinct.remove(d.as_str());
                    }
                }
                start += 1;
            }
            let n = if t.distinct.is_some() {
                distinct.len()
            } else {
                end + 1 - start
            };
            if n >= t.count {
                in_burst[start..=end].iter_mut().for_each(|b| *b = true);
            }
        }
        let mut cur: Option<Finding> = None;
        let mut last_t = i64::MIN;
        for (h, b) in hs.iter().zip(&in_burst) {
            if !*b {
                continue;
            }
            // a gap longer than the window ends a burst
            if cur.is_some() && time(h) - last_t > t.window {
                out.extend(cur.take());
            }
            cur.get_or_insert_with(|| Finding::new(rule)).add(h);
            last_t = time(h);
        }
        out.extend(cur);
    }
    out
}

/// First-step requests followed, within the time, by a then-step request whose join value
/// equals one of the first's. One finding per first request (collapsed by nothing: each grant
/// is its own story), with the later requests as evidence.
fn sequences(rule: usize, s: &Sequence, hits: &[Hit]) -> Vec<Finding> {
    let thens: Vec<&Hit> = hits.iter().filter(|h| h.step == Step::Then).collect();
    let mut out = Vec::new();
    for f in hits.iter().filter(|h| h.step == Step::First) {
        let Some(t0) = f.time else { continue };
        let later: Vec<&&Hit> = thens
            .iter()
            .filter(|h| {
                h.time.is_some_and(|t| t >= t0 && t.0 - t0.0 <= s.within)
                    && h.audit_id != f.audit_id
                    && h.join.iter().any(|j| f.join.contains(j))
            })
            .collect();
        if later.is_empty() {
            continue;
        }
        let mut fd = Finding::new(rule);
        fd.detail = Some(format!("{} by {} at {}", f.target, f.actor, t0.rfc3339()));
        fd.audit_ids.push(f.audit_id.clone());
        fd.first = f.time;
        for h in later {
            fd.add(h);
        }
        fd.first = f.time;
        out.push(fd);
    }
    out
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

    /// The auditIDs a value keeps read back as pushed, and a merge keeps the first
    /// [`SEEN_IDS`] in all.
    #[test]
    fn seen_ids_read_back_and_merge_up_to_the_cap() {
        let mut a = Seen::default();
        assert_eq!(a.ids().count(), 0);
        a.push_id(Some(Ts(1)), "aa");
        a.push_id(None, "");
        a.push_id(Some(Ts(3)), "ccc");
        let got: Vec<_> = a.ids().collect();
        assert_eq!(
            got,
            vec![(Some(Ts(1)), "aa"), (None, ""), (Some(Ts(3)), "ccc")]
        );
        let mut full = Seen::default();
        for i in 0..SEEN_IDS - 1 {
            full.push_id(Some(Ts(i as i64)), &format!("x{i}"));
        }
        full.merge(a);
        assert_eq!(full.ids().count(), SEEN_IDS);
        let (t, last) = full.ids().last().unwrap();
        assert_eq!((t, last), (Some(Ts(1)), "aa"));
        assert_eq!(full.ids().nth(5), Some((Some(Ts(5)), "x5")));
    }

    /// A value first used `after` the identity's first request is new; an identity with too few
    /// requests, or too many new values, is not judged.
    #[test]
    fn baselines_report_late_new_values_of_stable_identities() {
        let min = 60_000_000;
        let seen = |first_min: i64, count: u64| {
            let mut s = Seen {
                count,
                first: Some(Ts(first_min * min)),
                last: Some(Ts(first_min * min)),
                ..Seen::default()
            };
            s.push_id(Some(Ts(first_min * min)), &format!("id-{first_min}"));
            s
        };
        let bl = Baseline {
            by: vec![Field::User],
            field: Field::SourceIp,
            after: 30 * min,
            min_requests: 50,
            max_new: 2,
        };
        let run = |vals: Vec<(&str, Seen)>, bl: &Baseline| -> Vec<String> {
            let mut per = FxHashMap::default();
            per.insert(
                "bot".to_string(),
                vals.into_iter().map(|(v, s)| (v.to_string(), s)).collect(),
            );
            novelties(0, bl, &per, false)
                .into_iter()
                .map(|f| f.detail.unwrap())
                .collect()
        };
        // 10.0.0.1 from the start; 10.0.0.9 20 minutes in (part of the baseline); 203.0.113.66
        // two hours in: new
        let got = run(
            vec![
                ("10.0.0.1", seen(0, 300)),
                ("10.0.0.9", seen(20, 10)),
                ("203.0.113.66", seen(120, 22)),
            ],
            &bl,
        );
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(
            got[0].starts_with("new source_ip 203.0.113.66, first seen 2h after")
                && got[0].contains("usual: 10.0.0.1 (300), 10.0.0.9 (10)"),
            "{got:?}"
        );
        // too few requests to know what is usual
        assert!(
            run(
                vec![("10.0.0.1", seen(0, 20)), ("203.0.113.66", seen(120, 2))],
                &bl
            )
            .is_empty()
        );
        // three new values: this identity's address is not stable
        assert!(
            run(
                vec![
                    ("10.0.0.1", seen(0, 300)),
                    ("a", seen(40, 1)),
                    ("b", seen(50, 1)),
                    ("c", seen(60, 1)),
                ],
                &bl
            )
            .is_empty()
        );
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
