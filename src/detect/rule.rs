//! A detection rule compiled from its YAML (or JSON) text: its id, name, severity and
//! description, its `match` expression, and its form (each request, a threshold, a sequence or
//! a baseline) with durations read and every mistake named with the rule and key it is in; a
//! rules document parsed as a whole, every rule's errors reported together. It does not test
//! requests (`mod.rs`, `expr.rs`) nor keep what they match (`keep.rs`).

use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value;

use super::expr::{Expr, kind};
use super::field::{Field, field_name};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl From<crate::cli::SeverityArg> for Severity {
    fn from(s: crate::cli::SeverityArg) -> Self {
        use crate::cli::SeverityArg as A;
        match s {
            A::Info => Severity::Info,
            A::Low => Severity::Low,
            A::Medium => Severity::Medium,
            A::High => Severity::High,
            A::Critical => Severity::Critical,
        }
    }
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

#[derive(Debug, Clone)]
pub(super) struct Threshold {
    pub(super) count: usize,
    pub(super) window: i64,
    pub(super) by: Vec<Field>,
    pub(super) distinct: Option<Field>,
}

/// A value of `field` an identity (`by`) had not used before: first seen `after` its first
/// request, when it made at least `min_requests` in all and has at most `max_new` such values
/// (more, and the field is not stable for it: DaemonSet pods, rotating addresses).
#[derive(Debug, Clone)]
pub(super) struct Baseline {
    pub(super) by: Vec<Field>,
    pub(super) field: Field,
    pub(super) after: i64,
    pub(super) min_requests: u64,
    pub(super) max_new: usize,
}

#[derive(Debug, Clone)]
pub(super) struct Sequence {
    pub(super) then: Expr,
    pub(super) within: i64,
    pub(super) join_first: Field,
    pub(super) join_then: Field,
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
    pub(super) matcher: Expr,
    pub(super) group_by: Vec<Field>,
    pub(super) threshold: Option<Threshold>,
    pub(super) sequence: Option<Sequence>,
    pub(super) baseline: Option<Baseline>,
}

impl Rule {
    /// Does the rule test `dry_run`? Only such a rule sees a dry run: for every other one a
    /// request that stored nothing is no change, no attempt to hide, no evidence of access.
    pub(super) fn about_dry_runs(&self) -> bool {
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

pub(super) fn duration_text(micros: i64) -> String {
    crate::vocab::duration::text(micros)
}

/// A rule's window (`threshold.window`, `sequence.within`, `baseline.after`, `--threshold
/// ID=N/WINDOW`): a duration longer than zero, a year at most.
pub fn parse_duration(s: &str) -> Result<i64> {
    use crate::vocab::duration::{DAY, parse};
    let d = parse(s)?;
    if d <= 0 || d > 366 * DAY {
        bail!("{s:?}: a window must be longer than zero and a year at most");
    }
    Ok(d)
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
        let matcher = Expr::parse(m.get("match").ok_or_else(|| anyhow!("match is required"))?)
            .context("match")?;
        let group_by = match m.get("group_by") {
            Some(v) => fields(v, "group_by")?,
            None => vec![Field::Actor, Field::Target],
        };
        let threshold = parse_threshold(m.get("threshold"))?;
        let sequence = parse_sequence(m.get("sequence"))?;
        let baseline = parse_baseline(m.get("baseline"))?;
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

/// A list of field names (or one), as `group_by` and `by` write them.
fn fields(v: &Value, what: &str) -> Result<Vec<Field>> {
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
}

/// One field name, as `distinct`, `field` and `join` write it.
fn one_field(v: Option<&Value>, what: &str) -> Result<Field> {
    match v {
        Some(Value::String(s)) => Field::parse(s).with_context(|| what.to_string()),
        Some(other) => bail!("{what}: expected a field name, found {}", kind(other)),
        None => bail!("{what} is required"),
    }
}

/// A rule's `threshold` (count, window, by, distinct), when it has one.
fn parse_threshold(v: Option<&Value>) -> Result<Option<Threshold>> {
    Ok(match v {
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
                .ok_or_else(|| anyhow!("threshold.count: expected a whole number of at least 1"))?;
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
    })
}

/// A rule's `sequence` (then, within, join), when it has one.
fn parse_sequence(v: Option<&Value>) -> Result<Option<Sequence>> {
    Ok(match v {
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
    })
}

/// A rule's `baseline` (by, field, after, min_requests, max_new), when it has one.
fn parse_baseline(v: Option<&Value>) -> Result<Option<Baseline>> {
    Ok(match v {
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
                    None => 30 * crate::vocab::duration::MINUTE,
                    Some(Value::String(w)) => parse_duration(w).context("baseline.after")?,
                    Some(_) => bail!("baseline.after: expected a duration such as 30m"),
                },
                min_requests: whole("min_requests", 50)?,
                max_new: whole("max_new", 3)? as usize,
            })
        }
        Some(other) => bail!("baseline: expected a map, found {}", kind(other)),
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
