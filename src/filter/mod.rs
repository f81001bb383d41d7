//! The request filter shared by every query command: compiled once from the command line,
//! applied to each complete request.
//!
//! Lists are comma-separated, a repeated flag ORs, different flags AND. Every bad value fails
//! at compile time with a message naming the flag and showing a valid example. Time values are
//! resolved against an injected "now" so tests are repeatable. This module does not read input.
//!
//! The parts: this file holds the flags' values and the [`Filter`] compiled from them;
//! `prefilter.rs` the [`Prefilter`] (lines skipped before they are parsed), `resource.rs`
//! kubectl's resource names and a `--resource` selector.

use std::net::IpAddr;

use anyhow::{Result, anyhow, bail};
use regex::Regex;

use crate::correlate::Request;
use crate::event::{Stage, Ts};
use crate::vocab::verbs;
mod prefilter;
mod resource;
#[cfg(test)]
mod tests;
pub mod unseen;

pub use prefilter::{AUDIT_ID, LineKey, Needle, Prefilter, Verdict, stage_time_text};
pub use resource::{ResourceSel, parse_resource};

/// The raw filter values from the command line (see `cli::FilterArgs`).
#[derive(Debug, Default, Clone)]
pub struct FilterSpec {
    pub user: Vec<String>,
    pub group: Vec<String>,
    pub verb: Vec<String>,
    pub resource: Vec<String>,
    pub namespace: Vec<String>,
    pub name: Vec<String>,
    pub audit_id: Vec<String>,
    pub code: Vec<String>,
    pub decision: Vec<String>,
    pub ip: Vec<String>,
    pub user_agent: Vec<String>,
    pub uri: Vec<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub level: Vec<String>,
    pub stage: Vec<String>,
    pub incomplete: bool,
    pub dry_run: Option<crate::cli::DryRunSel>,
    pub annotation: Vec<String>,
    pub field_manager: Vec<String>,
    /// `--cluster` globs (the `NAME=PATH` values name inputs: `Config::clusters`).
    pub cluster: Vec<String>,
}

/// A glob over a whole string: `*` any run, `?` one character.
#[derive(Debug, Clone)]
pub enum Glob {
    Exact(String),
    /// `abc*`: the common form (`system:serviceaccount:ci:*`), without a regex.
    Prefix(String),
    /// The regex, and the glob as given.
    Pattern(Regex, String),
}

impl Glob {
    pub fn new(pat: &str) -> Glob {
        if !pat.contains(['*', '?']) {
            return Glob::Exact(pat.to_string());
        }
        if let Some(p) = pat.strip_suffix('*')
            && !p.contains(['*', '?'])
        {
            return Glob::Prefix(p.to_string());
        }
        let mut re = String::from("^");
        for c in pat.chars() {
            match c {
                '*' => re.push_str(".*"),
                '?' => re.push('.'),
                c => re.push_str(&regex::escape(&c.to_string())),
            }
        }
        re.push('$');
        Glob::Pattern(
            Regex::new(&re).expect("escaped glob is a valid regex"),
            pat.to_string(),
        )
    }
    pub fn is_match(&self, s: &str) -> bool {
        match self {
            Glob::Exact(e) => e == s,
            Glob::Prefix(p) => s.starts_with(p.as_str()),
            Glob::Pattern(r, _) => r.is_match(s),
        }
    }

    /// The glob as given.
    pub fn text(&self) -> String {
        match self {
            Glob::Exact(e) => e.clone(),
            Glob::Prefix(p) => format!("{p}*"),
            Glob::Pattern(_, t) => t.clone(),
        }
    }
}

/// `--resource` entries: a request passes when it matches one entry that is not negated (or
/// there is none) and no negated one.
fn resources_match(sels: &[ResourceSel], r: &Request) -> bool {
    let mut any_positive = false;
    let mut hit = false;
    for s in sels {
        if s.negate {
            if s.matches(r) {
                return false;
            }
        } else {
            any_positive = true;
            hit = hit || s.matches(r);
        }
    }
    hit || !any_positive
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum CodeSel {
    Exact(i64),
    Class(i64),
}

impl CodeSel {
    fn matches(self, c: i64) -> bool {
        match self {
            CodeSel::Exact(e) => c == e,
            CodeSel::Class(k) => c / 100 == k,
        }
    }
}

/// An IP network (`10.0.0.0/8`, `fd00::/8`), or one address.
#[derive(Debug, Clone, Copy)]
pub struct Cidr {
    net: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// `ADDR` or `ADDR/PREFIX`.
    pub fn parse(s: &str) -> std::result::Result<Cidr, String> {
        let bad =
            || format!("{s:?} is not an IP address or CIDR (example: 10.0.0.7 or 10.0.0.0/8)");
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().map_err(|_| bad())?)),
            None => (s, None),
        };
        let net: IpAddr = addr.parse().map_err(|_| bad())?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        if prefix > max {
            return Err(bad());
        }
        Ok(Cidr { net, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX.checked_shl(32 - self.prefix as u32).unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX.checked_shl(128 - self.prefix as u32).unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            (IpAddr::V4(n), IpAddr::V6(a)) => a.to_ipv4_mapped().is_some_and(|a4| {
                Cidr {
                    net: IpAddr::V4(n),
                    prefix: self.prefix,
                }
                .contains(IpAddr::V4(a4))
            }),
            _ => false,
        }
    }
}

/// A compiled filter.
#[derive(Debug, Default)]
pub struct Filter {
    user: Vec<Glob>,
    group: Vec<Glob>,
    verb: Vec<String>,
    resource: Vec<ResourceSel>,
    namespace: Vec<String>,
    name: Vec<Glob>,
    audit_id: Vec<String>,
    code: Vec<CodeSel>,
    decision: Vec<String>,
    ip: Vec<Cidr>,
    user_agent: Vec<Regex>,
    uri: Vec<Regex>,
    pub since: Option<Ts>,
    pub until: Option<Ts>,
    level: Vec<String>,
    stage: Vec<Stage>,
    incomplete: bool,
    dry_run: Option<crate::cli::DryRunSel>,
    /// `--annotation`: a key glob and, for KEY=VALUE, a value glob.
    annotation: Vec<(Glob, Option<Glob>)>,
    field_manager: Vec<Glob>,
    /// `--cluster`: globs over the lower-cased cluster name, and whether each is negated.
    cluster: Vec<(bool, Glob)>,
}

fn split_list(values: &[String]) -> impl Iterator<Item = &str> {
    values
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

impl Filter {
    /// The value flags of this filter (who: user, group, field manager, cluster, auditID) with
    /// the object of `object` (resource, namespace, name): what `history` checks the logs have,
    /// a typo in any of them named (`filter::unseen`).
    pub fn values_with_object(&self, object: &Filter) -> Filter {
        Filter {
            user: self.user.clone(),
            group: self.group.clone(),
            field_manager: self.field_manager.clone(),
            cluster: self.cluster.clone(),
            audit_id: self.audit_id.clone(),
            resource: object.resource.clone(),
            namespace: object.namespace.clone(),
            name: object.name.clone(),
            ..Filter::default()
        }
    }

    /// Compile the filter. `now` resolves relative times; `local` reads bare dates as local time.
    pub fn compile(spec: &FilterSpec, now: Ts, local: bool) -> Result<Filter> {
        let mut f = Filter {
            user: spec.user.iter().map(|u| Glob::new(u)).collect(),
            group: spec.group.iter().map(|g| Glob::new(g)).collect(),
            name: spec.name.iter().map(|n| Glob::new(n)).collect(),
            namespace: split_list(&spec.namespace).map(String::from).collect(),
            audit_id: split_list(&spec.audit_id).map(String::from).collect(),
            incomplete: spec.incomplete,
            dry_run: spec.dry_run,
            field_manager: spec.field_manager.iter().map(|m| Glob::new(m)).collect(),
            ..Default::default()
        };
        for c in split_list(&spec.cluster) {
            f.cluster.push(parse_cluster(c)?);
        }
        for a in &spec.annotation {
            f.annotation.push(parse_annotation(a)?);
        }
        for v in split_list(&spec.verb) {
            f.verb.extend(parse_verb(v)?);
        }
        for r in split_list(&spec.resource) {
            f.resource.push(parse_resource(r)?);
        }
        for c in split_list(&spec.code) {
            f.code.push(parse_code(c)?);
        }
        for d in split_list(&spec.decision) {
            f.decision.push(parse_decision(d)?);
        }
        for ip in split_list(&spec.ip) {
            f.ip.push(parse_cidr(ip)?);
        }
        for re in &spec.user_agent {
            f.user_agent.push(Regex::new(re).map_err(|e| {
                anyhow!(
                    "--user-agent: invalid regex {re:?}: {e}\n(example: --user-agent '^kubectl/')"
                )
            })?);
        }
        for re in &spec.uri {
            f.uri.push(Regex::new(re).map_err(|e| {
                anyhow!("--uri: invalid regex {re:?}: {e}\n(example: --uri '/secrets')")
            })?);
        }
        for l in split_list(&spec.level) {
            f.level.push(parse_level(l)?);
        }
        for s in split_list(&spec.stage) {
            f.stage.push(parse_stage(s)?);
        }
        if let Some(s) = &spec.since {
            f.since = Some(parse_time("--since", s, now, local)?);
        }
        if let Some(u) = &spec.until {
            f.until = Some(parse_time("--until", u, now, local)?);
        }
        if let (Some(s), Some(u)) = (f.since, f.until)
            && s >= u
        {
            bail!(
                "--since {} is not before --until {}",
                s.rfc3339(),
                u.rfc3339()
            );
        }
        Ok(f)
    }

    /// The literals every line of a matching request contains, when the flags give any.
    pub fn prefilter(&self) -> Option<Prefilter> {
        // every entry must give a literal, or a line of some match may hold none of them
        let resources = self
            .resource
            .iter()
            .map(|r| r.literal().map(String::from))
            .collect::<Option<Vec<_>>>()
            .unwrap_or_default();
        // The user is written `"NAME"`; a user glob gives no literal. A code is read from the
        // completing line's status.
        let users: Vec<String> = self
            .user
            .iter()
            .map(|g| match g {
                Glob::Exact(e) => format!("\"{e}\""),
                Glob::Prefix(_) | Glob::Pattern(..) => String::new(),
            })
            .collect();
        Prefilter::new(
            vec![self.verb.clone(), resources, self.namespace.clone()],
            vec![users],
            self.code.clone(),
        )
    }

    /// Does the request pass every flag given?
    pub fn matches(&self, r: &Request) -> bool {
        self.matches_but_time(r) && self.time_ok(r)
    }

    /// [`Filter::matches`] but for --since and --until.
    fn matches_but_time(&self, r: &Request) -> bool {
        (self.verb.is_empty() || self.verb.iter().any(|v| v == &r.verb))
            && (self.namespace.is_empty() || self.namespace.iter().any(|n| n == &r.namespace))
            && resources_match(&self.resource, r)
            && (self.user.is_empty()
                || self.user.iter().any(|g| {
                    g.is_match(&r.user)
                        || (!r.impersonated_user.is_empty() && g.is_match(&r.impersonated_user))
                }))
            && (self.group.is_empty()
                || self.group.iter().any(|g| {
                    r.groups
                        .iter()
                        .chain(&r.impersonated_groups)
                        .any(|x| g.is_match(x))
                }))
            && (self.name.is_empty() || self.name.iter().any(|g| g.is_match(&r.name)))
            && (self.audit_id.is_empty() || self.audit_id.iter().any(|a| *a == *r.audit_id))
            && (self.code.is_empty()
                || r.code
                    .is_some_and(|c| self.code.iter().any(|s| s.matches(c))))
            && (self.decision.is_empty() || self.decision.iter().any(|d| d == &r.decision))
            && (self.ip.is_empty()
                || r.source_ips.iter().any(|s| {
                    s.parse::<IpAddr>()
                        .is_ok_and(|a| self.ip.iter().any(|c| c.contains(a)))
                }))
            && (self.user_agent.is_empty()
                || self.user_agent.iter().any(|re| re.is_match(&r.user_agent)))
            && (self.uri.is_empty() || self.uri.iter().any(|re| re.is_match(&r.request_uri)))
            && (self.level.is_empty() || self.level.iter().any(|l| l == &r.level))
            && (self.stage.is_empty() || self.stage.iter().any(|s| r.stages.contains(*s)))
            && (!self.incomplete || r.incomplete())
            && self.dry_run.is_none_or(|d| {
                use crate::cli::DryRunSel;
                use crate::correlate::meaning::DryRun;
                match d {
                    DryRunSel::Only => r.dry_run().is_dry(),
                    DryRunSel::Exclude => !r.dry_run().is_dry(),
                    DryRunSel::Unknown => r.dry_run() == DryRun::Unknown,
                }
            })
            && (self.annotation.is_empty()
                || r.all_annotations().iter().any(|(k, v)| {
                    self.annotation
                        .iter()
                        .any(|(kg, vg)| kg.is_match(k) && vg.as_ref().is_none_or(|g| g.is_match(v)))
                }))
            && (self.field_manager.is_empty() || {
                let m = r.field_manager();
                !m.is_empty() && self.field_manager.iter().any(|g| g.is_match(&m))
            })
            && (self.cluster.is_empty() || {
                // cloud names are case-insensitive (Azure upper-cases them in its exports)
                let c = r.cluster.to_ascii_lowercase();
                let hit = |neg: bool| {
                    self.cluster
                        .iter()
                        .filter(|(n, _)| *n == neg)
                        .any(|(_, g)| g.is_match(&c))
                };
                let wanted = self.cluster.iter().all(|(n, _)| *n) || hit(false);
                wanted && !hit(true)
            })
    }

    /// Left out only by --since/--until, for want of a time that parses.
    pub fn left_out_untimed(&self, r: &Request) -> bool {
        (self.since.is_some() || self.until.is_some())
            && r.time().is_none()
            && self.matches_but_time(r)
    }

    /// Is a time window (`--since`, `--until`) given?
    pub fn has_window(&self) -> bool {
        self.since.is_some() || self.until.is_some()
    }

    /// The time window's flags as given (`--since`, `--until`, or both), for messages.
    pub fn window_flags(&self) -> &'static str {
        match (self.since.is_some(), self.until.is_some()) {
            (true, true) => "--since/--until",
            (true, false) => "--since",
            (false, true) => "--until",
            (false, false) => "",
        }
    }

    fn time_ok(&self, r: &Request) -> bool {
        if self.since.is_none() && self.until.is_none() {
            return true;
        }
        let Some(t) = r.time() else { return false };
        self.since.is_none_or(|s| t >= s) && self.until.is_none_or(|u| t < u)
    }

    /// The optional fields of an event (see [`Fields`]) that [`Filter::matches`] reads.
    pub fn fields(&self) -> crate::event::Fields {
        use crate::event::Fields;
        let mut f = Fields::NONE;
        if !self.group.is_empty() {
            f = f | Fields::GROUPS;
        }
        if !self.ip.is_empty() {
            f = f | Fields::SOURCE_IPS;
        }
        if !self.user_agent.is_empty() {
            f = f | Fields::USER_AGENT;
        }
        if !self.annotation.is_empty() {
            f = f | Fields::ANNOTATIONS | Fields::AUTHZ_REASON;
        }
        f
    }

    /// True when no flag was given.
    pub fn is_empty(&self) -> bool {
        self.user.is_empty()
            && self.group.is_empty()
            && self.verb.is_empty()
            && self.resource.is_empty()
            && self.namespace.is_empty()
            && self.name.is_empty()
            && self.audit_id.is_empty()
            && self.code.is_empty()
            && self.decision.is_empty()
            && self.ip.is_empty()
            && self.user_agent.is_empty()
            && self.uri.is_empty()
            && self.since.is_none()
            && self.until.is_none()
            && self.level.is_empty()
            && self.stage.is_empty()
            && !self.incomplete
            && self.dry_run.is_none()
            && self.annotation.is_empty()
            && self.field_manager.is_empty()
            && self.cluster.is_empty()
    }
}

/// `--cluster` `NAME` or `!NAME` (a glob over the lower-cased name): (negated, glob).
fn parse_cluster(c: &str) -> Result<(bool, Glob)> {
    let (negate, c) = match c.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, c),
    };
    if c.is_empty() {
        bail!("--cluster: {c:?} names no cluster (example: --cluster 'prod-*')");
    }
    Ok((negate, Glob::new(&c.to_ascii_lowercase())))
}

/// `--annotation` `KEY` or `KEY=VALUE`, each a glob.
fn parse_annotation(a: &str) -> Result<(Glob, Option<Glob>)> {
    let (k, v) = match a.split_once('=') {
        Some((k, v)) => (k, Some(Glob::new(v))),
        None => (a, None),
    };
    if k.is_empty() {
        bail!(
            "--annotation: {a:?} has no key; write KEY or KEY=VALUE (example: --annotation pod-security.kubernetes.io/enforce-policy=restricted:latest)"
        );
    }
    Ok((Glob::new(k), v))
}

/// A `--verb` entry: a verb, or the class `read` or `write` (`vocab::verbs`).
fn parse_verb(v: &str) -> Result<Vec<String>> {
    let v = v.to_ascii_lowercase();
    match verbs::expand(&v) {
        Some(all) => Ok(all.into_iter().map(String::from).collect()),
        None => bail!(
            "--verb: unknown verb {v:?}; use one of {}, or the classes {} (example: --verb delete,deletecollection)",
            verbs::all().collect::<Vec<_>>().join(", "),
            verbs::CLASSES.join(", ")
        ),
    }
}

/// A `--decision` entry: `allow`, or `forbid` (`deny`).
fn parse_decision(d: &str) -> Result<String> {
    match d.to_ascii_lowercase().as_str() {
        "allow" => Ok("allow".into()),
        "forbid" | "deny" => Ok("forbid".into()),
        _ => bail!(
            "--decision: {d:?} is not a decision; use allow or forbid (example: --decision forbid)"
        ),
    }
}

/// A `--level` entry, in any case, as the API server writes it.
fn parse_level(l: &str) -> Result<String> {
    let canon = ["None", "Metadata", "Request", "RequestResponse"]
        .into_iter()
        .find(|c| c.eq_ignore_ascii_case(l))
        .ok_or_else(|| anyhow!("--level: unknown level {l:?}; use Metadata, Request, RequestResponse or None (example: --level RequestResponse)"))?;
    Ok(canon.to_string())
}

/// A `--stage` entry, in any case.
fn parse_stage(s: &str) -> Result<Stage> {
    Stage::ALL
        .into_iter()
        .find(|st| st.name().eq_ignore_ascii_case(s))
        .ok_or_else(|| anyhow!("--stage: unknown stage {s:?}; use RequestReceived, ResponseStarted, ResponseComplete or Panic (example: --stage ResponseStarted)"))
}

fn parse_code(s: &str) -> Result<CodeSel> {
    let bad = || {
        anyhow!(
            "--code: {s:?} is not a status code or class; use a code like 403 or a class 1xx..5xx (example: --code 401,403 or --code 5xx)"
        )
    };
    let l = s.to_ascii_lowercase();
    if l.len() == 3 && l.ends_with("xx") {
        let k = l[..1].parse::<i64>().map_err(|_| bad())?;
        if !(1..=5).contains(&k) {
            return Err(bad());
        }
        return Ok(CodeSel::Class(k));
    }
    let c: i64 = l.parse().map_err(|_| bad())?;
    if !(100..=599).contains(&c) {
        return Err(bad());
    }
    Ok(CodeSel::Exact(c))
}

fn parse_cidr(s: &str) -> Result<Cidr> {
    Cidr::parse(s).map_err(|_| {
        anyhow!(
            "--ip: {s:?} is not an IP address or CIDR (example: --ip 10.0.0.7 or --ip 10.0.0.0/8,fd00::/8)"
        )
    })
}

/// `--since/--until` values: RFC 3339, a date (`2026-11-21`), a date and time without zone
/// (`2026-11-21T14:30` or `2026-11-21 14:30:00`), or a duration before now (`30m`, `2h`, `7d`).
/// A date or time without zone is in UTC, or with `local` in the local time zone (`TZ`), as
/// `--local` shows times.
pub fn parse_time(flag: &str, s: &str, now: Ts, local: bool) -> Result<Ts> {
    let tz = if local {
        jiff::tz::TimeZone::system()
    } else {
        jiff::tz::TimeZone::UTC
    };
    parse_time_in(flag, s, now, tz)
}

/// [`parse_time`], dates and times without zone read in `tz`.
fn parse_time_in(flag: &str, s: &str, now: Ts, tz: jiff::tz::TimeZone) -> Result<Ts> {
    let bad = || {
        anyhow!(
            "{flag}: cannot read {s:?} as a time; use RFC 3339 (2026-11-21T14:30:00Z), a date (2026-11-21), a date and time (2026-11-21 14:30), or a duration before now (30m, 2h, 7d)"
        )
    };
    let t = s.trim();
    // only a time that says its offset: `Ts::parse` reads a time without one as UTC (the zone
    // of the logs), which a time typed with --local is not
    if let Ok(ts) = t.parse::<jiff::Timestamp>() {
        // rounded down to the microsecond, as log times are read
        let us = ts.as_nanosecond().div_euclid(1000);
        return i64::try_from(us).map(Ts).map_err(|_| bad());
    }
    if let Ok(d) = crate::vocab::duration::parse(t) {
        return Ok(Ts(now.0 - d));
    }
    if let Ok(dt) = t.replacen(' ', "T", 1).parse::<jiff::civil::DateTime>() {
        let z = dt.to_zoned(tz.clone()).map_err(|_| bad())?;
        return Ok(Ts(z.timestamp().as_microsecond()));
    }
    if let Ok(d) = t.parse::<jiff::civil::Date>() {
        let z = d.to_zoned(tz).map_err(|_| bad())?;
        return Ok(Ts(z.timestamp().as_microsecond()));
    }
    Err(bad())
}
