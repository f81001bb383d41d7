//! The conditions of the detection rule language: constants, the operators on one value (`eq`,
//! `in`, `glob`, `regex`, `prefix`, `cidr`, `gt`, ..., `exists`, `not`), and the expressions
//! that combine tests of fields (`all`, `any`, `not`), parsed from a rule's `match` with
//! messages that say where, and evaluated on a request (body tests last). It does not compile
//! a whole rule (`rule.rs`).

use std::net::IpAddr;

use anyhow::{Context, Result, anyhow, bail};
use regex::Regex;
use serde_json::Value;

use super::catalog::Ctx;
use super::field::{Bodies, Field, Val};
use crate::correlate::Request;
use crate::filter::{Cidr, Glob};

/// A constant in a rule.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Scalar {
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

/// A name or a non-empty list of names, as `macro`, `group_by` and `by` write them.
pub(super) fn names<'v>(v: &'v Value, what: &str, noun: &str) -> Result<Vec<&'v str>> {
    match v {
        Value::String(s) => Ok(vec![s.as_str()]),
        Value::Array(xs) if !xs.is_empty() => xs
            .iter()
            .map(|x| {
                x.as_str()
                    .ok_or_else(|| anyhow!("{what}: expected {noun} names"))
            })
            .collect(),
        other => bail!(
            "{what}: expected a {noun} name or a list of them, found {}",
            kind(other)
        ),
    }
}

pub(super) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

/// Globs as one test: the exact names in a set (a list such as `$control_plane` is mostly
/// names, tested on nearly every request), the others one by one.
#[derive(Debug, Clone, Default)]
pub(super) struct Globs {
    exact: rustc_hash::FxHashSet<String>,
    others: Vec<Glob>,
}

impl Globs {
    fn new(pats: &[String]) -> Globs {
        let mut g = Globs::default();
        for p in pats {
            match Glob::new(p) {
                Glob::Exact(e) => {
                    g.exact.insert(e);
                }
                other => g.others.push(other),
            }
        }
        g
    }
    fn is_match(&self, s: &str) -> bool {
        self.exact.contains(s) || self.others.iter().any(|g| g.is_match(s))
    }
}

/// A test of one value.
#[derive(Debug, Clone)]
pub(super) enum Op {
    In(Vec<Scalar>),
    Glob(Globs),
    /// A value that none of the globs matches (`not: {glob}` is "no value matches").
    NotGlob(Globs),
    Regex(Regex),
    Prefix(Vec<String>),
    Suffix(Vec<String>),
    Contains(Vec<String>),
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
            Op::Glob(gs) => s().is_some_and(|s| gs.is_match(&s)),
            Op::NotGlob(gs) => s().is_some_and(|s| !gs.is_match(&s)),
            Op::Regex(r) => s().is_some_and(|s| r.is_match(&s)),
            Op::Prefix(ps) => s().is_some_and(|s| ps.iter().any(|p| s.starts_with(p.as_str()))),
            Op::Suffix(ps) => s().is_some_and(|s| ps.iter().any(|p| s.ends_with(p.as_str()))),
            Op::Contains(ps) => s().is_some_and(|s| ps.iter().any(|p| s.contains(p.as_str()))),
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
pub(super) struct Cond {
    pub(super) ops: Vec<Op>,
    pub(super) exists: Option<bool>,
    pub(super) not: Option<Box<Cond>>,
}

impl Cond {
    pub(super) fn parse(v: &Value, ctx: &Ctx) -> Result<Cond> {
        let mut c = Cond::default();
        let v = &*ctx.expand(v)?;
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
                    let expanded = if op == "not" {
                        std::borrow::Cow::Borrowed(arg)
                    } else {
                        ctx.expand(arg)?
                    };
                    let arg = &*expanded;
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
                        "glob" => c.ops.push(Op::Glob(Globs::new(&list(arg)?))),
                        "not_glob" => c.ops.push(Op::NotGlob(Globs::new(&list(arg)?))),
                        "regex" => {
                            // several patterns: any of them
                            let rs = list(arg)?;
                            if rs.len() > 1 {
                                // each named in an error on its own
                                for r in &rs {
                                    ctx.regex(r)?;
                                }
                            }
                            let r = if rs.len() == 1 {
                                rs[0].clone()
                            } else {
                                rs.iter()
                                    .map(|r| format!("(?:{r})"))
                                    .collect::<Vec<_>>()
                                    .join("|")
                            };
                            c.ops.push(Op::Regex(ctx.regex(&r)?));
                        }
                        "prefix" => c.ops.push(Op::Prefix(list(arg)?)),
                        "suffix" => c.ops.push(Op::Suffix(list(arg)?)),
                        "contains" => c.ops.push(Op::Contains(list(arg)?)),
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
                        "not" => c.not = Some(Box::new(Cond::parse(arg, ctx).context("not")?)),
                        other => bail!(
                            "unknown operator {other:?} (operators: eq, in, glob, not_glob, regex, prefix, suffix, contains, cidr, gt, ge, lt, le, exists, not)"
                        ),
                    }
                }
            }
            Value::Null => bail!("no condition (null): write exists: false for an absent field"),
            scalar => c.ops.push(Op::In(vec![Scalar::from(scalar)?])),
        }
        Ok(c)
    }

    fn cost(&self) -> u32 {
        let ops: u32 = self
            .ops
            .iter()
            .map(|o| match o {
                Op::Regex(_) => 8,
                Op::Cidr(_) | Op::Contains(_) => 3,
                _ => 1,
            })
            .sum();
        ops + self.not.as_ref().map_or(0, |n| n.cost())
    }

    pub(super) fn holds(&self, vals: &[Val]) -> bool {
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
pub(super) enum Expr {
    All(Vec<Expr>),
    Any(Vec<Expr>),
    Not(Box<Expr>),
    Test(Field, Cond),
}

impl Expr {
    pub(super) fn parse(v: &Value, ctx: &Ctx) -> Result<Expr> {
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
                        .map(|(i, x)| Expr::parse(x, ctx).with_context(|| format!("{k}[{i}]")))
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
                "not" => Expr::Not(Box::new(Expr::parse(v, ctx).context("not")?)),
                "macro" => {
                    let names = names(v, "macro", "macro")?;
                    let mut es = names
                        .into_iter()
                        .map(|n| ctx.macro_expr(n))
                        .collect::<Result<Vec<_>>>()?;
                    if es.len() == 1 {
                        es.pop().unwrap_or(Expr::All(vec![]))
                    } else {
                        Expr::All(es)
                    }
                }
                field => {
                    let f = Field::parse(field)?;
                    let c = Cond::parse(v, ctx).with_context(|| field.to_string())?;
                    Expr::Test(f, c)
                }
            });
        }
        // the cheap tests first (a name or verb before a regex, bodies only when the rest
        // already holds): the result is the same, the work is not
        all.sort_by_key(Expr::cost);
        Ok(if all.len() == 1 {
            all.pop().unwrap_or(Expr::All(vec![]))
        } else {
            Expr::All(all)
        })
    }

    /// A rough cost of evaluating it, for ordering the tests of an `all`.
    fn cost(&self) -> u32 {
        match self {
            Expr::All(v) | Expr::Any(v) => 1 + v.iter().map(Expr::cost).sum::<u32>(),
            Expr::Not(e) => e.cost(),
            Expr::Test(f, c) => {
                let field = match f {
                    Field::Body(..) => 1000,
                    Field::Target | Field::Query(_) | Field::Outcome => 4,
                    Field::Groups
                    | Field::ImpersonatedGroups
                    | Field::SourceIps
                    | Field::ForwardedFor
                    | Field::Stage
                    | Field::Annotation(_)
                    | Field::Extra(_) => 2,
                    _ => 1,
                };
                field + c.cost()
            }
        }
    }

    pub(super) fn reads_body(&self) -> bool {
        self.any_field(&Field::is_body)
    }

    pub(super) fn any_field(&self, f: &impl Fn(&Field) -> bool) -> bool {
        match self {
            Expr::All(v) | Expr::Any(v) => v.iter().any(|e| e.any_field(f)),
            Expr::Not(e) => e.any_field(f),
            Expr::Test(x, _) => f(x),
        }
    }

    pub(super) fn eval(&self, r: &Request<'_>, b: &Bodies) -> bool {
        match self {
            Expr::All(v) => v.iter().all(|e| e.eval(r, b)),
            Expr::Any(v) => v.iter().any(|e| e.eval(r, b)),
            Expr::Not(e) => !e.eval(r, b),
            Expr::Test(f, c) => f.with(r, b, |v| c.holds(v)),
        }
    }
}
