//! The request filter shared by every query command: compiled once from the command line,
//! applied to each complete request.
//!
//! Lists are comma-separated, a repeated flag ORs, different flags AND. Every bad value fails
//! at compile time with a message naming the flag and showing a valid example. Time values are
//! resolved against an injected "now" so tests are repeatable. This module does not read input.

use std::net::IpAddr;

use anyhow::{Result, anyhow, bail};
use regex::Regex;

use crate::correlate::Request;
use crate::event::{Stage, Ts};
use crate::vocab::verbs;

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
    Pattern(Regex),
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
        Glob::Pattern(Regex::new(&re).expect("escaped glob is a valid regex"))
    }
    pub fn is_match(&self, s: &str) -> bool {
        match self {
            Glob::Exact(e) => e == s,
            Glob::Prefix(p) => s.starts_with(p.as_str()),
            Glob::Pattern(r) => r.is_match(s),
        }
    }
}

/// One `--resource` entry: `NAME[.GROUP][/SUBRESOURCE]`, each part a glob (a name without one
/// is read as kubectl reads it: `cm`, `deploy`), `!` in front to leave the matches out.
#[derive(Debug, Clone)]
pub struct ResourceSel {
    /// Plural resource name (or its glob), `*` for any.
    pub resource: String,
    /// API group; `None` for any.
    pub group: Option<String>,
    /// `None`: any (with or without a subresource); `*`: any subresource, not none.
    pub subresource: Option<String>,
    /// `!NAME`: a request that matches is left out.
    pub negate: bool,
    globs: [Option<Glob>; 3],
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

/// Literal byte strings that every line of a matching request must contain, derived from the
/// flags whose field has the same value on every stage line (verb, resource, namespace). A line
/// may skip parsing only when, for some flag, it holds none of that flag's literals and no
/// `\uXXXX` escape in it could spell a character of one. An exact user is a stage-dependent
/// literal (see [`Verdict`]); name, code, decision and user globs are not used.
#[derive(Debug)]
pub struct Prefilter {
    groups: Vec<Vec<memchr::memmem::Finder<'static>>>,
    /// Literals of flags whose field not every stage carries (the user: an impersonated user is
    /// not on RequestReceived). A line without them is skipped by its stage, see
    /// [`Prefilter::verdict`].
    staged: Vec<Vec<memchr::memmem::Finder<'static>>>,
    /// The status codes asked for, which only the stage that ends a request decides: read from
    /// its `responseStatus` in place (see [`status_code`]).
    codes: Vec<CodeSel>,
    /// Every character of every literal: an escape decoding to one of these defeats the check.
    chars: Vec<char>,
    non_ascii: bool,
}

/// What the prefilter makes of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict<'l> {
    Parse,
    /// No request this line belongs to can match.
    Skip,
    /// A RequestReceived line without the user literal: its request may still match (an
    /// impersonated user appears from the next stage on), so its key (`correlate::key_hash`) is
    /// kept to give that request its stage back.
    SkipReceived(u64),
    /// The completing line (ResponseComplete or Panic) of a request whose status code is not
    /// the one asked for, or without the user literal: the request cannot match. Its key lets the scan drop what it holds of
    /// that request (a parsed ResponseStarted), and count its later events as late.
    /// The key's text is handed on too: the chunk's correlator closes the request under it
    /// (see `correlate::ChunkCorrelator::skip_final`), as the line would had it been read.
    SkipFinal(LineKey<'l>),
    /// A ResponseStarted whose status code is not one asked for: the request matches only if
    /// its completing line has one. Its key and time (`stageTimestamp`) give that request the
    /// stage and its start time back.
    SkipStarted(u64, Ts),
}

/// The key of a native line, read in place: [`crate::correlate::key_hash`] of its auditID and
/// requestReceivedTimestamp, and the two as written (without escapes, so as they read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineKey<'l> {
    pub hash: u64,
    pub audit_id: &'l str,
    pub received: &'l str,
}

/// `"key":"value` → value, when it is written without escapes.
fn field<'a>(line: &'a [u8], finder: &memchr::memmem::Finder<'_>) -> Option<&'a [u8]> {
    let at = finder.find(line)? + finder.needle().len();
    let len = memchr::memchr(b'"', &line[at..])?;
    let v = &line[at..at + len];
    (!v.contains(&b'\\')).then_some(v)
}

static STAGE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\"stage\":\""));
/// `"auditID":"`, as the API server writes it (also the scan's test for a native line).
pub static AUDIT_ID: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\"auditID\":\""));
/// `\u`, the start of an escape that could spell a literal's character.
static UNICODE_ESCAPE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\\u"));
static RECEIVED_FWD: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\"requestReceivedTimestamp\":\""));
/// How far from a line's end `requestReceivedTimestamp` is looked for first: after it come
/// `stageTimestamp` and the annotations.
const TAIL: usize = 512;
/// Written near the end of a line: searched from the end.
static RECEIVED: std::sync::LazyLock<memchr::memmem::FinderRev<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::FinderRev::new(b"\"requestReceivedTimestamp\":\""));

/// The auditID and stage of a native line, when written without escapes. The API server writes
/// `{"kind":"Event","apiVersion":"…","level":"…","auditID":"…","stage":"…",` first: that
/// layout is read in place; any other is searched.
fn head(line: &[u8]) -> (Option<&[u8]>, Option<&[u8]>) {
    /// The value up to the next quote, and the rest after that quote and `sep`.
    fn value<'a>(rest: &'a [u8], sep: &[u8]) -> Option<(&'a [u8], &'a [u8])> {
        let end = memchr::memchr(b'"', rest)?;
        let v = &rest[..end];
        if v.last() == Some(&b'\\') {
            return None;
        }
        Some((v, rest[end..].strip_prefix(sep)?))
    }
    let fixed = || {
        let rest = line.strip_prefix(b"{\"kind\":\"Event\",\"apiVersion\":\"")?;
        let (_, rest) = value(rest, b"\",\"level\":\"")?;
        let (_, rest) = value(rest, b"\",\"auditID\":\"")?;
        let (id, rest) = value(rest, b"\",\"stage\":\"")?;
        let (stage, _) = value(rest, b"\"")?;
        (!id.contains(&b'\\') && !stage.contains(&b'\\')).then_some((id, stage))
    };
    match fixed() {
        Some((id, stage)) => (Some(id), Some(stage)),
        None => (field(line, &AUDIT_ID), field(line, &STAGE)),
    }
}

/// The key (`correlate::key_hash`) of a native line: its auditID (from [`head`]) and
/// requestReceivedTimestamp, when both are written without escapes.
fn line_key(line: &[u8], id: Option<&[u8]>, scope: u64) -> Option<u64> {
    line_key_text(line, id, scope).map(|k| k.hash)
}

/// [`line_key`], with the two strings.
fn line_key_text<'l>(line: &'l [u8], id: Option<&'l [u8]>, scope: u64) -> Option<LineKey<'l>> {
    let id = id?;
    // requestReceivedTimestamp is written near the end: the last one in the line's tail (the
    // forward search is the fast one), else in the whole line
    let tail = line.len().saturating_sub(TAIL);
    let at = match RECEIVED_FWD.find_iter(&line[tail..]).last() {
        Some(at) => tail + at,
        None => RECEIVED.rfind(line)?,
    } + RECEIVED.needle().len();
    let len = memchr::memchr(b'"', &line[at..])?;
    let v = &line[at..at + len];
    // a line whose key is not UTF-8 is parsed, and reported as malformed
    // (no received time: no key; such a line's stages join by what they say, so it is parsed)
    if v.contains(&b'\\') || id.is_empty() || v.is_empty() {
        return None;
    }
    let (audit_id, received) = (std::str::from_utf8(id).ok()?, std::str::from_utf8(v).ok()?);
    Some(LineKey {
        hash: crate::correlate::scoped_key_hash_bytes(scope, id, v),
        audit_id,
        received,
    })
}

/// `stageTimestamp`, the time of a line's stage, when written without escapes near the end.
fn stage_time(line: &[u8]) -> Option<Ts> {
    let tail = line.len().saturating_sub(TAIL);
    let at = tail + STAGE_TIME.find_iter(&line[tail..]).last()? + STAGE_TIME.needle().len();
    let len = memchr::memchr(b'"', &line[at..])?;
    Ts::parse(std::str::from_utf8(&line[at..at + len]).ok()?)
}

static STAGE_TIME: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\"stageTimestamp\":\""));

/// The status code of a line, as the API server writes it: `"responseStatus":{` then, before
/// any body, `"code":N` with N a plain integer. None for anything else.
fn status_code(line: &[u8]) -> Option<i64> {
    let rest = &line[STATUS.find(line)? + STATUS.needle().len()..];
    let c = CODE.find(rest)?;
    // the first `"code":` of the status object, not one of a body (`requestObject`,
    // `responseObject`) when the status has none
    if BODY.find(&rest[..c]).is_some() {
        return None;
    }
    let num = &rest[c + CODE.needle().len()..];
    let (neg, digits) = match num.strip_prefix(b"-") {
        Some(d) => (true, d),
        None => (false, num),
    };
    let n = digits.iter().take_while(|b| b.is_ascii_digit()).count();
    if n == 0 || n > 18 || !matches!(digits.get(n), Some(b'}' | b',')) {
        return None;
    }
    let v = digits[..n]
        .iter()
        .fold(0i64, |v, d| v * 10 + i64::from(d - b'0'));
    Some(if neg { -v } else { v })
}

static BODY: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"Object\":"));

static STATUS: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\"responseStatus\":{"));
static CODE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\"code\":"));

impl Prefilter {
    fn new(
        groups: Vec<Vec<String>>,
        staged: Vec<Vec<String>>,
        codes: Vec<CodeSel>,
    ) -> Option<Prefilter> {
        let groups: Vec<Vec<String>> = groups.into_iter().filter(|g| !g.is_empty()).collect();
        // a group with an empty literal (a glob that starts with `*`) says nothing
        let staged: Vec<Vec<String>> = staged
            .into_iter()
            .filter(|g| !g.is_empty() && g.iter().all(|l| l.len() > 1))
            .collect();
        if groups.is_empty() && staged.is_empty() && codes.is_empty() {
            return None;
        }
        let mut chars: Vec<char> = groups
            .iter()
            .chain(&staged)
            .flatten()
            .flat_map(|l| l.chars())
            .filter(|c| *c != '"')
            .collect();
        chars.sort_unstable();
        chars.dedup();
        let non_ascii = chars.iter().any(|c| !c.is_ascii());
        let groups = groups
            .into_iter()
            .map(|g| {
                g.into_iter()
                    .map(|lit| {
                        memchr::memmem::Finder::new(format!("\"{lit}\"").as_bytes()).into_owned()
                    })
                    .collect()
            })
            .collect();
        let staged = staged
            .into_iter()
            .map(|g| {
                g.into_iter()
                    .map(|lit| memchr::memmem::Finder::new(lit.as_bytes()).into_owned())
                    .collect()
            })
            .collect();
        Some(Prefilter {
            groups,
            staged,
            codes,
            chars,
            non_ascii,
        })
    }

    /// What to do with a native audit line. With `staged` false (a caller that needs every
    /// line of a matching request as written, e.g. `-o raw`), only the literals that every stage
    /// carries are used. `scope` is the line's (`correlate::scope_hash`: its file's), for the
    /// keys handed back.
    pub fn verdict<'l>(&self, line: &'l [u8], staged: bool, scope: u64) -> Verdict<'l> {
        let has = |groups: &[Vec<memchr::memmem::Finder<'static>>]| {
            groups
                .iter()
                .all(|g| g.iter().any(|f| f.find(line).is_some()))
        };
        if !has(&self.groups) {
            return if self.escape_could_hide(line) {
                Verdict::Parse
            } else {
                Verdict::Skip
            };
        }
        if !staged || (self.staged.is_empty() && self.codes.is_empty()) {
            return Verdict::Parse;
        }
        // Without the user literal, a later stage cannot belong to a matching request (they
        // carry the user and the impersonated user). A RequestReceived can (an impersonated
        // user appears from the next stage on): it is skipped by key, and given back to its
        // request if that is read. The code is decided by the completing stage alone: with a
        // code, every RequestReceived is skipped by key, and a ResponseStarted is always read
        // (it holds the start time, and the code of a request that never completes). Anything
        // unclear is parsed.
        let (id, stage) = head(line);
        let user = || has(&self.staged) || self.escape_could_hide(line);
        match stage {
            Some(b"RequestReceived") => {
                if self.codes.is_empty() && user() {
                    return Verdict::Parse;
                }
                line_key(line, id, scope).map_or(Verdict::Parse, Verdict::SkipReceived)
            }
            Some(b"ResponseStarted") => {
                if !user() {
                    return Verdict::Skip;
                }
                match status_code(line) {
                    Some(c)
                        if !self.codes.is_empty() && !self.codes.iter().any(|s| s.matches(c)) =>
                    {
                        match (line_key(line, id, scope), stage_time(line)) {
                            (Some(k), Some(t)) => Verdict::SkipStarted(k, t),
                            _ => Verdict::Parse,
                        }
                    }
                    _ => Verdict::Parse,
                }
            }
            Some(b"ResponseComplete" | b"Panic") => {
                // Without the user literal the request cannot match, but its line must still
                // close what is open under its key (a parsed RequestReceived): left open, that
                // request would take in the next one to reuse the key (an auditID reused in a
                // log without requestReceivedTimestamp) and hide it. No key, no skip.
                if !user() {
                    return line_key_text(line, id, scope)
                        .map_or(Verdict::Parse, Verdict::SkipFinal);
                }
                // the code is read where the API server writes it, unescaped: a line written
                // any other way is parsed
                match status_code(line) {
                    Some(c)
                        if !self.codes.is_empty() && !self.codes.iter().any(|s| s.matches(c)) =>
                    {
                        line_key_text(line, id, scope).map_or(Verdict::Parse, Verdict::SkipFinal)
                    }
                    _ => Verdict::Parse,
                }
            }
            _ => Verdict::Parse,
        }
    }

    fn escape_could_hide(&self, line: &[u8]) -> bool {
        for at in UNICODE_ESCAPE.find_iter(line) {
            if self.non_ascii {
                return true;
            }
            let hex = line
                .get(at + 2..at + 6)
                .and_then(|h| std::str::from_utf8(h).ok());
            let Some(code) = hex.and_then(|h| u32::from_str_radix(h, 16).ok()) else {
                return true;
            };
            if char::from_u32(code).is_some_and(|c| self.chars.binary_search(&c).is_ok()) {
                return true;
            }
        }
        false
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
            let (negate, c) = match c.strip_prefix('!') {
                Some(rest) => (true, rest),
                None => (false, c),
            };
            if c.is_empty() {
                bail!("--cluster: {c:?} names no cluster (example: --cluster 'prod-*')");
            }
            f.cluster.push((negate, Glob::new(&c.to_ascii_lowercase())));
        }
        for a in &spec.annotation {
            let (k, v) = match a.split_once('=') {
                Some((k, v)) => (k, Some(Glob::new(v))),
                None => (a.as_str(), None),
            };
            if k.is_empty() {
                bail!(
                    "--annotation: {a:?} has no key; write KEY or KEY=VALUE (example: --annotation pod-security.kubernetes.io/enforce-policy=restricted:latest)"
                );
            }
            f.annotation.push((Glob::new(k), v));
        }
        for v in split_list(&spec.verb) {
            let v = v.to_ascii_lowercase();
            match verbs::expand(&v) {
                Some(all) => f.verb.extend(all.into_iter().map(String::from)),
                None => bail!(
                    "--verb: unknown verb {v:?}; use one of {}, or the classes {} (example: --verb delete,deletecollection)",
                    verbs::all().collect::<Vec<_>>().join(", "),
                    verbs::CLASSES.join(", ")
                ),
            }
        }
        for r in split_list(&spec.resource) {
            f.resource.push(parse_resource(r)?);
        }
        for c in split_list(&spec.code) {
            f.code.push(parse_code(c)?);
        }
        for d in split_list(&spec.decision) {
            match d.to_ascii_lowercase().as_str() {
                "allow" => f.decision.push("allow".into()),
                "forbid" | "deny" => f.decision.push("forbid".into()),
                _ => bail!(
                    "--decision: {d:?} is not a decision; use allow or forbid (example: --decision forbid)"
                ),
            }
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
            let canon = ["None", "Metadata", "Request", "RequestResponse"]
                .into_iter()
                .find(|c| c.eq_ignore_ascii_case(l))
                .ok_or_else(|| anyhow!("--level: unknown level {l:?}; use Metadata, Request, RequestResponse or None (example: --level RequestResponse)"))?;
            f.level.push(canon.to_string());
        }
        for s in split_list(&spec.stage) {
            let st = Stage::ALL
                .into_iter()
                .find(|st| st.name().eq_ignore_ascii_case(s))
                .ok_or_else(|| anyhow!("--stage: unknown stage {s:?}; use RequestReceived, ResponseStarted, ResponseComplete or Panic (example: --stage ResponseStarted)"))?;
            f.stage.push(st);
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
                Glob::Prefix(_) | Glob::Pattern(_) => String::new(),
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

impl ResourceSel {
    /// Does the request's resource match (`negate` aside)?
    fn matches(&self, r: &Request) -> bool {
        let [res, group, sub] = &self.globs;
        res.as_ref().is_none_or(|g| g.is_match(&r.resource))
            && group.as_ref().is_none_or(|g| g.is_match(&r.api_group))
            && match (&self.subresource, sub) {
                (None, _) => true,
                (Some(s), _) if s == "*" => !r.subresource.is_empty(),
                (Some(_), Some(g)) => g.is_match(&r.subresource),
                (Some(_), None) => true,
            }
    }

    /// An exact resource name (no glob, not negated): a literal every line of a match holds.
    fn literal(&self) -> Option<&str> {
        (!self.negate && !self.resource.contains(['*', '?'])).then_some(self.resource.as_str())
    }
}

/// kubectl's short names and singulars for built-in resources: (plural, group, aliases).
const RESOURCES: &[(&str, &str, &[&str])] = &[
    ("pods", "", &["po", "pod"]),
    ("services", "", &["svc", "service"]),
    ("configmaps", "", &["cm", "configmap"]),
    ("secrets", "", &["secret"]),
    ("serviceaccounts", "", &["sa", "serviceaccount"]),
    ("namespaces", "", &["ns", "namespace"]),
    ("nodes", "", &["no", "node"]),
    ("events", "", &["ev", "event"]),
    ("endpoints", "", &["ep", "endpoint"]),
    ("persistentvolumes", "", &["pv", "persistentvolume"]),
    (
        "persistentvolumeclaims",
        "",
        &["pvc", "persistentvolumeclaim"],
    ),
    (
        "replicationcontrollers",
        "",
        &["rc", "replicationcontroller"],
    ),
    ("resourcequotas", "", &["quota", "resourcequota"]),
    ("limitranges", "", &["limits", "limitrange"]),
    ("podtemplates", "", &["podtemplate"]),
    ("componentstatuses", "", &["cs", "componentstatus"]),
    ("bindings", "", &["binding"]),
    ("deployments", "apps", &["deploy", "deployment"]),
    ("replicasets", "apps", &["rs", "replicaset"]),
    ("statefulsets", "apps", &["sts", "statefulset"]),
    ("daemonsets", "apps", &["ds", "daemonset"]),
    ("controllerrevisions", "apps", &["controllerrevision"]),
    ("jobs", "batch", &["job"]),
    ("cronjobs", "batch", &["cj", "cronjob"]),
    (
        "horizontalpodautoscalers",
        "autoscaling",
        &["hpa", "horizontalpodautoscaler"],
    ),
    ("ingresses", "networking.k8s.io", &["ing", "ingress"]),
    ("ingressclasses", "networking.k8s.io", &["ingressclass"]),
    (
        "networkpolicies",
        "networking.k8s.io",
        &["netpol", "networkpolicy"],
    ),
    (
        "poddisruptionbudgets",
        "policy",
        &["pdb", "poddisruptionbudget"],
    ),
    (
        "podsecuritypolicies",
        "policy",
        &["psp", "podsecuritypolicy"],
    ),
    ("roles", "rbac.authorization.k8s.io", &["role"]),
    (
        "rolebindings",
        "rbac.authorization.k8s.io",
        &["rolebinding"],
    ),
    (
        "clusterroles",
        "rbac.authorization.k8s.io",
        &["clusterrole"],
    ),
    (
        "clusterrolebindings",
        "rbac.authorization.k8s.io",
        &["crb", "clusterrolebinding"],
    ),
    (
        "customresourcedefinitions",
        "apiextensions.k8s.io",
        &["crd", "crds", "customresourcedefinition"],
    ),
    ("storageclasses", "storage.k8s.io", &["sc", "storageclass"]),
    ("volumeattachments", "storage.k8s.io", &["volumeattachment"]),
    ("csidrivers", "storage.k8s.io", &["csidriver"]),
    ("csinodes", "storage.k8s.io", &["csinode"]),
    (
        "certificatesigningrequests",
        "certificates.k8s.io",
        &["csr", "certificatesigningrequest"],
    ),
    (
        "priorityclasses",
        "scheduling.k8s.io",
        &["pc", "priorityclass"],
    ),
    ("leases", "coordination.k8s.io", &["lease"]),
    ("endpointslices", "discovery.k8s.io", &["endpointslice"]),
    ("runtimeclasses", "node.k8s.io", &["runtimeclass"]),
    (
        "mutatingwebhookconfigurations",
        "admissionregistration.k8s.io",
        &["mutatingwebhookconfiguration"],
    ),
    (
        "validatingwebhookconfigurations",
        "admissionregistration.k8s.io",
        &["validatingwebhookconfiguration"],
    ),
    ("apiservices", "apiregistration.k8s.io", &["apiservice"]),
    (
        "flowschemas",
        "flowcontrol.apiserver.k8s.io",
        &["flowschema"],
    ),
    (
        "prioritylevelconfigurations",
        "flowcontrol.apiserver.k8s.io",
        &["prioritylevelconfiguration"],
    ),
    ("tokenreviews", "authentication.k8s.io", &["tokenreview"]),
    (
        "subjectaccessreviews",
        "authorization.k8s.io",
        &["subjectaccessreview"],
    ),
    (
        "selfsubjectaccessreviews",
        "authorization.k8s.io",
        &["selfsubjectaccessreview"],
    ),
    (
        "selfsubjectrulesreviews",
        "authorization.k8s.io",
        &["selfsubjectrulesreview"],
    ),
];

/// Canonical plural for a kubectl name (`cm` → `configmaps`); unknown names (CRDs) pass through.
pub fn canonical_resource(name: &str) -> &str {
    RESOURCES
        .iter()
        .find(|(plural, _, aliases)| *plural == name || aliases.contains(&name))
        .map_or(name, |(plural, _, _)| plural)
}

/// `cm`, `deployments.apps`, `pods/exec`, `*/exec`, `widgets.example.com/status`.
pub fn parse_resource(s: &str) -> Result<ResourceSel> {
    let (negate, s) = match s.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let lower = s.to_ascii_lowercase();
    let (res, sub) = match lower.split_once('/') {
        Some((r, sub)) if !sub.is_empty() && !sub.contains('/') => (r, Some(sub.to_string())),
        None => (lower.as_str(), None),
        _ => bail!(
            "--resource: {s:?} is not a resource; write NAME, NAME.GROUP or NAME/SUBRESOURCE (example: --resource cm,deployments.apps,pods/exec)"
        ),
    };
    let part_ok = |p: &str| {
        !p.contains(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '*' | '?')))
    };
    if res.is_empty() || !part_ok(res) || sub.as_deref().is_some_and(|s| !part_ok(s)) {
        bail!(
            "--resource: {s:?} is not a resource; write NAME, NAME.GROUP or NAME/SUBRESOURCE (example: --resource cm,deployments.apps,pods/exec)"
        );
    }
    let (name, group) = match res.split_once('.') {
        Some((n, g)) => (n, Some(g.to_string())),
        None => (res, None),
    };
    let resource = if name.contains(['*', '?']) {
        name.to_string()
    } else {
        canonical_resource(name).to_string()
    };
    // core group spelled `pods.core` or `pods.`
    let group = group.map(|g| if g == "core" { String::new() } else { g });
    let globs = [
        (resource != "*").then(|| Glob::new(&resource)),
        group.as_deref().map(Glob::new),
        sub.as_deref().filter(|s| *s != "*").map(Glob::new),
    ];
    Ok(ResourceSel {
        resource,
        group,
        subresource: sub,
        negate,
        globs,
    })
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
pub fn parse_time(flag: &str, s: &str, now: Ts, local: bool) -> Result<Ts> {
    let bad = || {
        anyhow!(
            "{flag}: cannot read {s:?} as a time; use RFC 3339 (2026-11-21T14:30:00Z), a date (2026-11-21), a date and time (2026-11-21 14:30), or a duration before now (30m, 2h, 7d)"
        )
    };
    let t = s.trim();
    if let Some(ts) = Ts::parse(t) {
        return Ok(ts);
    }
    if let Ok(d) = crate::vocab::duration::parse(t) {
        return Ok(Ts(now.0 - d));
    }
    let tz = if local {
        jiff::tz::TimeZone::system()
    } else {
        jiff::tz::TimeZone::UTC
    };
    if let Ok(dt) = t.replacen(' ', "T", 1).parse::<jiff::civil::DateTime>() {
        let z = dt.to_zoned(tz).map_err(|_| bad())?;
        return Ok(Ts(z.timestamp().as_microsecond()));
    }
    if let Ok(d) = t.parse::<jiff::civil::Date>() {
        let z = d.to_zoned(tz).map_err(|_| bad())?;
        return Ok(Ts(z.timestamp().as_microsecond()));
    }
    Err(bad())
}

#[cfg(test)]
mod tests;
