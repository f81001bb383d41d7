//! A detection rule compiled from its YAML (or JSON) text: its id, name, severity and
//! description, its `match` expression, and its form (each request, a threshold, a sequence or
//! a baseline) with durations read and every mistake named with the rule and key it is in; a
//! rules document parsed as a whole, every rule's errors reported together. It does not test
//! requests (`mod.rs`, `expr.rs`) nor keep what they match (`keep.rs`).

use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value;

use super::catalog::Ctx;
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
    /// One level lower (info stays info).
    pub fn lower(self) -> Severity {
        match self {
            Severity::Critical => Severity::High,
            Severity::High => Severity::Medium,
            Severity::Medium => Severity::Low,
            Severity::Low | Severity::Info => Severity::Info,
        }
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
    /// ATT&CK techniques (`T1609`, `T1611`), the first as JSON's `mitre`.
    pub techniques: Vec<String>,
    /// ATT&CK tactics (`execution`, `privilege-escalation`).
    pub tactics: Vec<String>,
    /// The severity of a finding whose requests were all denied by authentication or
    /// authorization: one level lower than `severity` unless the rule is about the outcome
    /// (it tests `outcome`, `code` or `decision`), or says (`denied_severity`).
    pub denied_severity: Severity,
    pub description: String,
    pub false_positives: String,
    /// `built-in`, or the rules file it came from.
    pub origin: String,
    pub(super) matcher: Expr,
    pub(super) group_by: Vec<Field>,
    /// Requests an exception matches are not reported.
    pub(super) exceptions: Vec<Expr>,
    /// The values a finding shows of what matched: the exec command, the host path, the image.
    pub(super) show: Vec<Field>,
    /// What a finding calls each `show` field's values.
    pub(super) show_labels: Vec<String>,
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

    /// What a finding shows of one request (`Ev::shown`, redacted when it was kept):
    /// `label=value` per `show` field, joined by `; `.
    pub fn shown(&self, text: &str) -> String {
        let mut out = Vec::new();
        for (label, part) in self.show_labels.iter().zip(text.split('\u{1f}')) {
            if !part.is_empty() {
                out.push(format!("{label}={part}"));
            }
        }
        out.join("; ")
    }

    /// The values of `show` field `f` as a finding keeps them: joined by spaces, redacted
    /// unless `show_secrets` (a body value as `redact::field_value` hides it, a command line
    /// word by word, any other text's credential-shaped parts). Redacted whole, before any
    /// cut: a secret cut in two is no longer recognised.
    pub(super) fn show_value(f: &Field, words: &[&str], show_secrets: bool) -> String {
        if show_secrets {
            return words.join(" ");
        }
        match f {
            Field::Body(..) => words
                .iter()
                .map(|w| super::findings::shown_value(f, w, false).into_owned())
                .collect::<Vec<_>>()
                .join(" "),
            _ => crate::redact::command_words(words).join(" "),
        }
    }

    /// Does the rule show values of what matched (`show`)?
    pub fn shows(&self) -> bool {
        !self.show.is_empty()
    }

    /// The first technique, as JSON's `mitre` has always said.
    pub fn mitre(&self) -> Option<&str> {
        self.techniques.first().map(String::as_str)
    }

    /// Does the request match (its first step, for a sequence), no exception excusing it?
    pub(super) fn matches(&self, r: &crate::correlate::Request<'_>, b: &super::Bodies) -> bool {
        self.matcher.eval(r, b) && !self.excused(r, b)
    }

    /// Does an exception match the request (any step of a sequence)?
    pub(super) fn excused(&self, r: &crate::correlate::Request<'_>, b: &super::Bodies) -> bool {
        self.exceptions.iter().any(|e| e.eval(r, b))
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
    "denied_severity",
    "mitre",
    "tactics",
    "show",
    "exceptions",
    "description",
    "false_positives",
    "match",
    "group_by",
    "threshold",
    "sequence",
    "baseline",
];

/// An exception: `{match: EXPR, reason: TEXT}` (a document's also names its `rule`).
pub(super) fn parse_exception(v: &Value, ctx: &Ctx) -> Result<Expr> {
    let Value::Object(m) = v else {
        bail!(
            "an exception: expected {{match: ..., reason: ...}}, found {}",
            kind(v)
        );
    };
    if let Some(k) = m
        .keys()
        .find(|k| !["rule", "match", "reason"].contains(&k.as_str()))
    {
        bail!("an exception: unknown key {k:?} (keys: match, reason)");
    }
    Expr::parse(
        m.get("match")
            .ok_or_else(|| anyhow!("an exception needs match"))?,
        ctx,
    )
    .context("exception match")
}

/// A list of texts, or one.
fn texts(v: Option<&Value>, what: &str) -> Result<Vec<String>> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.trim().to_string()]),
        Some(Value::Array(xs)) => xs
            .iter()
            .map(|x| {
                x.as_str()
                    .map(|s| s.trim().to_string())
                    .ok_or_else(|| anyhow!("{what}: expected texts, found {}", kind(x)))
            })
            .collect(),
        Some(other) => bail!("{what}: expected a text or a list, found {}", kind(other)),
    }
}

pub(super) fn compile_rule(v: &Value, origin: &str, n: usize, ctx: &Ctx) -> Result<Rule> {
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
        let matcher = Expr::parse(
            m.get("match").ok_or_else(|| anyhow!("match is required"))?,
            ctx,
        )
        .context("match")?;
        let exceptions = match m.get("exceptions") {
            None => Vec::new(),
            Some(Value::Array(xs)) => xs
                .iter()
                .enumerate()
                .map(|(i, x)| parse_exception(x, ctx).with_context(|| format!("exceptions[{i}]")))
                .collect::<Result<_>>()?,
            Some(other) => bail!("exceptions: expected a list, found {}", kind(other)),
        };
        let mut show_labels = Vec::new();
        let mut show = Vec::new();
        for t in texts(m.get("show"), "show")? {
            // `LABEL=FIELD`, or a field, labelled by its last key
            let (label, name) = match t.split_once('=') {
                Some((l, f))
                    if !l.is_empty()
                        && l.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') =>
                {
                    (Some(l.to_string()), f)
                }
                _ => (None, t.as_str()),
            };
            let f = Field::parse(name).context("show")?;
            show_labels.push(label.unwrap_or_else(|| super::field::show_label(&f)));
            show.push(f);
        }
        let techniques = texts(m.get("mitre"), "mitre")?;
        let tactics = texts(m.get("tactics"), "tactics")?;
        for t in &techniques {
            let ok = t.len() >= 5
                && t.starts_with('T')
                && t[1..].bytes().all(|b| b.is_ascii_digit() || b == b'.');
            if !ok {
                bail!("mitre {t:?}: expected an ATT&CK technique id such as T1609 or T1078.004");
            }
        }
        for t in &tactics {
            if !TACTICS.contains(&t.as_str()) {
                bail!("tactics {t:?}: expected one of {}", TACTICS.join(", "));
            }
        }
        // a rule about the outcome reports a denial as it is
        let about_outcome =
            matcher.any_field(&|f| matches!(f, Field::Outcome | Field::Code | Field::Decision));
        let denied_severity = match text("denied_severity", false)? {
            Some(s) => Severity::parse(&s).ok_or_else(|| {
                anyhow!("denied_severity {s:?}: expected info, low, medium, high or critical")
            })?,
            None if about_outcome => severity,
            None => severity.lower(),
        };
        let group_by = match m.get("group_by") {
            Some(v) => fields(v, "group_by")?,
            None => vec![Field::Actor, Field::Target],
        };
        let threshold = parse_threshold(m.get("threshold"))?;
        let sequence = parse_sequence(m.get("sequence"), ctx)?;
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
            techniques,
            tactics,
            denied_severity,
            description: text("description", true)?.unwrap_or_default(),
            false_positives: text("false_positives", true)?.unwrap_or_default(),
            origin: origin.to_string(),
            matcher,
            group_by,
            exceptions,
            show,
            show_labels,
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
    super::expr::names(v, what, "field")?
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
fn parse_sequence(v: Option<&Value>, ctx: &Ctx) -> Result<Option<Sequence>> {
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
                ctx,
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

/// ATT&CK's enterprise tactics, as rules write them.
pub const TACTICS: &[&str] = &[
    "reconnaissance",
    "resource-development",
    "initial-access",
    "execution",
    "persistence",
    "privilege-escalation",
    "defense-evasion",
    "credential-access",
    "discovery",
    "lateral-movement",
    "collection",
    "command-and-control",
    "exfiltration",
    "impact",
];

/// Compile one rules document on its own, with the built-in catalogue's lists and macros
/// (and not its rules): what `--check-rules` and tests read.
pub fn parse_rules(text: &str, origin: &str) -> Result<Vec<Rule>> {
    use super::catalog::{Doc, compile};
    let builtin = Doc::read(super::BUILTIN, "built-in")?.definitions_only();
    let doc = Doc::read(text, origin)?;
    compile(&[builtin, doc])
}
