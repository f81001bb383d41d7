//! The prefilter: literals that every line of a matching request must contain (verb, resource,
//! namespace, an exact user by stage) and the status codes asked for, tested on a line's bytes
//! before it is parsed, and the line's key read in place so that a skipped line's request can
//! still be given its stage back or closed. It does not filter parsed requests ([`super::Filter`]).

use super::CodeSel;
use crate::event::Ts;

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
pub(super) fn head(line: &[u8]) -> (Option<&[u8]>, Option<&[u8]>) {
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
pub(super) fn line_key(line: &[u8], id: Option<&[u8]>, scope: u64) -> Option<u64> {
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
    Ts::parse(std::str::from_utf8(stage_time_text(line)?).ok()?)
}

/// [`stage_time`] as written, not read: the last `stageTimestamp` in the line's tail (the
/// forward search is the fast one), else in the whole line (long annotations after it).
pub fn stage_time_text(line: &[u8]) -> Option<&[u8]> {
    let tail = line.len().saturating_sub(TAIL);
    let at = match STAGE_TIME.find_iter(&line[tail..]).last() {
        Some(at) => tail + at,
        None => STAGE_TIME_REV.rfind(line)?,
    } + STAGE_TIME.needle().len();
    let len = memchr::memchr(b'"', &line[at..])?;
    Some(&line[at..at + len])
}

static STAGE_TIME: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\"stageTimestamp\":\""));
static STAGE_TIME_REV: std::sync::LazyLock<memchr::memmem::FinderRev<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::FinderRev::new(b"\"stageTimestamp\":\""));

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
    pub(super) fn new(
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
        // (a staged literal is quoted: `"NAME"`; a quote inside one is a character of it)
        let unquoted = |l: &'_ String| -> String {
            l.strip_prefix('"')
                .and_then(|l| l.strip_suffix('"'))
                .unwrap_or(l)
                .to_string()
        };
        let mut chars: Vec<char> = groups
            .iter()
            .flatten()
            .cloned()
            .chain(staged.iter().flatten().map(unquoted))
            .flat_map(|l| l.chars().collect::<Vec<_>>())
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
        escape_could_spell(line, &self.chars, self.non_ascii)
    }
}

/// Could an escape in `line` spell one of `chars` (sorted)? A `\uXXXX` one, or one of JSON's
/// short escapes (`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`: a writer may use `\/` for
/// `/`). With `non_ascii`, any `\u` escape could (a pair of them spells a character past the
/// first plane).
fn escape_could_spell(line: &[u8], chars: &[char], non_ascii: bool) -> bool {
    let short = |c: char| chars.binary_search(&c).is_ok();
    let shorts = ['"', '\\', '/', '\u{8}', '\u{c}', '\n', '\r', '\t'];
    if shorts.iter().any(|c| short(*c)) {
        for at in memchr::memchr_iter(b'\\', line) {
            let spelt = match line.get(at + 1) {
                Some(b'"') => '"',
                Some(b'\\') => '\\',
                Some(b'/') => '/',
                Some(b'b') => '\u{8}',
                Some(b'f') => '\u{c}',
                Some(b'n') => '\n',
                Some(b'r') => '\r',
                Some(b't') => '\t',
                _ => continue,
            };
            if short(spelt) {
                return true;
            }
        }
    }
    for at in UNICODE_ESCAPE.find_iter(line) {
        if non_ascii {
            return true;
        }
        let hex = line
            .get(at + 2..at + 6)
            .and_then(|h| std::str::from_utf8(h).ok());
        let Some(code) = hex.and_then(|h| u32::from_str_radix(h, 16).ok()) else {
            return true;
        };
        if char::from_u32(code).is_some_and(|c| chars.binary_search(&c).is_ok()) {
            return true;
        }
    }
    false
}

/// Bytes that every line holding some value must contain, as JSON writes it (`"eve"` for the
/// exact value `eve`, `"system:` for the glob `system:*`): a line without them, and without an
/// escape that could spell one of their characters, holds no such value. Used by the check of
/// which filter values occur at all (`unseen::Vocab`) on the lines the prefilter skipped. A line
/// with the bytes of one of `near` in any ASCII case is read too, for the values near a
/// mistyped one (`eve"` finds `"eve"` for `EVE`, `"system:serviceaccount:build:ci-bot"` for
/// `ci-bot`; `"gateway` finds `"gateway-settings"` for `gateway-setting`).
#[derive(Debug, Clone)]
pub struct Needle {
    finder: memchr::memmem::Finder<'static>,
    any_case: Option<regex::bytes::Regex>,
    chars: Vec<char>,
    non_ascii: bool,
}

impl Needle {
    /// `text` and `near` as JSON writes them; `value` the value as typed (its characters are
    /// those an escape could spell).
    pub fn new(text: &str, near: &[String], value: &str) -> Needle {
        let mut chars: Vec<char> = value
            .chars()
            .flat_map(|c| [c.to_ascii_lowercase(), c.to_ascii_uppercase()])
            .collect();
        chars.sort_unstable();
        chars.dedup();
        let any_case = (!near.is_empty())
            .then(|| {
                let alts: Vec<String> = near.iter().map(|n| regex::escape(n)).collect();
                regex::bytes::Regex::new(&format!("(?i-u){}", alts.join("|"))).ok()
            })
            .flatten();
        Needle {
            finder: memchr::memmem::Finder::new(text.as_bytes()).into_owned(),
            any_case,
            non_ascii: chars.iter().any(|c| !c.is_ascii()),
            chars,
        }
    }

    /// Could `line` hold the value?
    pub fn could_hold(&self, line: &[u8]) -> bool {
        self.finder.find(line).is_some()
            || self.any_case.as_ref().is_some_and(|r| r.is_match(line))
            || escape_could_spell(line, &self.chars, self.non_ascii)
    }
}
