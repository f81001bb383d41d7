//! Credential-shaped text: the value of an assignment to a credential-named key, `Bearer`
//! credentials, URL passwords, connection strings, tools' password flags ([`TOOLS`]), .netrc
//! and .pgpass lines, PEM private keys, JWTs and well-known token formats, each replaced by
//! `<redacted N bytes>` while the text around it stays. It does not know where a string sits in
//! a body (`body.rs`).

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use super::names::credential_name;
use super::placeholder;

/// Cheap test before the patterns: text without any of these has nothing to hide, and a body
/// without any of them (nor an escape that could spell one) has no credential-named key either.
pub(super) static TRIGGER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        concat!(
            r"(?i)pass|pwd|secret|token|key|cert|cred|auth|sig|bearer|basic|://|-----BEGIN|eyJ|AKIA|ASIA|gh[pousr]_|github_pat_|glpat-|xox[abposr]-|[sr]k_live_|[sr]k_test_|sk-|AIza",
            r"|LS0tLS1CRUdJTi|npm_|hf_|pypi-|dop_v1_|SG\.|ya29\.|curl|mysql|mariadb|mongo|sshpass|redis-cli|ldap|smbclient",
            r"|(?m:^[^:\s]+:(?:[0-9]+|\*):[^:\s]+:[^:\s]+:)",
        ),
    )
    .unwrap()
});

/// A key that may be named like a credential followed by `=` or `:` (a closing quote between
/// them for JSON text): [`credential_name_text`] decides, as [`credential_name`] does for JSON
/// keys; the value is found by [`value_span`].
static ASSIGN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)([a-z0-9_.\-]*(?:pass|pwd|secret|token|key|credential|auth|sig)[a-z0-9_.\-]*)(["']?)[ \t]*([:=])[ \t]*"#,
    )
    .unwrap()
});

/// `--password VALUE` in a command line.
static FLAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:^|[\s"'])-{1,2}([A-Za-z0-9][A-Za-z0-9_.\-]*)[ \t]+([^\s\-"'][^\s"']*)"#)
        .unwrap()
});

/// `Bearer TOKEN`, `Basic BASE64`.
static SCHEME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:bearer|basic)[ \t]+([A-Za-z0-9\-._~+/]+=*)").unwrap());

/// The password of a URL: `scheme://user:PASSWORD@host`.
static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b[a-z][a-z0-9+.\-]*://[^\s/?#@:"'<>]*:([^\s/?#@"'<>]+)@"#).unwrap()
});

/// Tokens recognisable by their form alone: JWTs, AWS access key ids, GitHub, GitLab, Slack,
/// Stripe, Google (API keys, OAuth access tokens), npm, PyPI, Hugging Face, DigitalOcean and
/// SendGrid tokens; OpenAI and Anthropic keys are [`SK`].
static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\beyJ[A-Za-z0-9_\-]{2,}\.eyJ[A-Za-z0-9_\-]{2,}\.[A-Za-z0-9_\-]*",
        r"|\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b",
        r"|\bgh[pousr]_[A-Za-z0-9]{36,}\b|\bgithub_pat_[A-Za-z0-9_]{22,}",
        r"|\bglpat-[A-Za-z0-9_\-]{20,}|\bxox[abposr]-[A-Za-z0-9\-]{10,}",
        r"|\b[sr]k_(?:live|test)_[A-Za-z0-9]{20,}|\bAIza[0-9A-Za-z_\-]{35}",
        r"|\bya29\.[0-9A-Za-z_\-]{20,}|\bnpm_[A-Za-z0-9]{36}\b|\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,}",
        r"|\bhf_[A-Za-z0-9]{34,}\b|\bdop_v1_[a-f0-9]{64}\b|\bSG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}\b",
    ))
    .unwrap()
});

/// OpenAI (`sk-proj-…`, `sk-svcacct-…`, `sk-admin-…`, the older `sk-…T3BlbkFJ…`) and
/// Anthropic (`sk-ant-…`) keys; one counts only with an upper-case letter in it, which no
/// Kubernetes name has (`sk-proj-frontend-deployment-1` is a name).
static SK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\bsk-(?:(?:proj|svcacct|admin|ant)-)?[A-Za-z0-9_\-]{32,}").unwrap()
});

/// The armour of a PEM private key (RSA, EC, PKCS#8, encrypted, OpenSSH, PGP).
static PEM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----").unwrap());

/// Base64 of a PEM block (`LS0tLS1CRUdJTi` is `-----BEGIN`): a private key's is hidden whole
/// ([`b64_private_key`]), a certificate's stays.
static B64_PEM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"LS0tLS1CRUdJTi[A-Za-z0-9+/]{16,}={0,2}").unwrap());

/// Is `s`, base64 of a PEM block, a private key's (`-----BEGIN ... PRIVATE KEY-----`)?
fn b64_private_key(s: &str) -> bool {
    let mut out = Vec::with_capacity(48);
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().take(64) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => break,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    PEM.is_match(&String::from_utf8_lossy(&out))
}

/// How much of a tool's credential flag's value is the credential.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Part {
    /// All of it: `mysql -pSECRET`.
    Whole,
    /// After the first `:` (`curl -u alice:SECRET`): the user name stays.
    AfterColon,
    /// After the first `%` (`smbclient -U alice%SECRET`).
    AfterPercent,
}

/// Command-line tools that take a password in a flag whose name says nothing (`-p`, `-u`):
/// the tools (by the name they are run as), their flags, and which part of the value is the
/// credential. A flag means this only after its tool on the same command line, so `-p 8080`
/// of any other program (`kubectl port-forward`, `docker run`, `ssh`) stays. `mysql -p NAME`
/// names a database (mysql then asks for the password), but is hidden too: it is written by
/// people who mean the password.
const TOOLS: [(&[&str], &[&str], Part); 5] = [
    (
        &["curl"],
        &["-u", "--user", "-U", "--proxy-user"],
        Part::AfterColon,
    ),
    (
        &[
            "mysql",
            "mysqldump",
            "mysqladmin",
            "mysqlimport",
            "mysqlcheck",
            "mysqlshow",
            "mysqlslap",
            "mysqlpump",
            "mariadb",
            "mariadb-dump",
            "mariadb-admin",
            "mongo",
            "mongosh",
            "mongodump",
            "mongorestore",
            "mongoexport",
            "mongoimport",
            "sshpass",
        ],
        &["-p"],
        Part::Whole,
    ),
    (&["redis-cli"], &["-a"], Part::Whole),
    (
        &[
            "ldapsearch",
            "ldapmodify",
            "ldapadd",
            "ldapdelete",
            "ldapwhoami",
            "ldappasswd",
            "ldapcompare",
            "ldapmodrdn",
        ],
        &["-w"],
        Part::Whole,
    ),
    (&["smbclient"], &["-U", "--user"], Part::AfterPercent),
];

/// How far back a list element looks for its tool ([`credential_arg`]).
pub(super) const TOOL_REACH: usize = 64;

/// A command word's tool in [`TOOLS`]: `mysql`, `/usr/bin/mysql`.
fn tool(word: &str) -> Option<usize> {
    let base = word.rsplit('/').next().unwrap_or(word);
    TOOLS.iter().position(|(names, ..)| names.contains(&base))
}

/// The credentials among the words of a command line (`["sshpass", "-p", "pw", "ssh", "-p",
/// "22", "h"]`), as (word, start, end) within that word: the values of [`TOOLS`]' flags after
/// their tool (`-p pw`, `-ppw`, `--user=alice:pw`). A word ending a command (`;`, `|`, `&&`)
/// ends the tool's flags; so does `sshpass`'s first operand (the command it runs).
pub(super) fn tool_args(words: &[&str]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    // the tool, and whether it is `sshpass` (which runs a command of its own)
    let mut current: Option<(usize, bool)> = None;
    let mut pending: Option<Part> = None;
    for (n, w) in words.iter().enumerate() {
        let ends = matches!(*w, ";" | "|" | "||" | "&&" | "&") || w.ends_with(';');
        // `mysql -pX;`: the `;` is no part of the value
        let w = w.trim_end_matches(';');
        if let Some(part) = pending.take()
            && !w.starts_with('-')
        {
            if let Some((a, b)) = part_span(w, 0, part) {
                out.push((n, a, b));
            }
            if ends {
                current = None;
            }
            continue;
        }
        if let Some(t) = tool(w) {
            current = Some((t, w.ends_with("sshpass")));
        } else if let Some((t, wrapper)) = current {
            let (_, flags, part) = TOOLS[t];
            for f in flags {
                if w == *f {
                    pending = Some(part);
                } else if let Some(v) = w.strip_prefix(f)
                    && !v.is_empty()
                {
                    // `-pSECRET`, `--user=alice:pw` (not `--username`, nor `-p=`)
                    let at = if f.starts_with("--") {
                        if !v.starts_with('=') {
                            continue;
                        }
                        f.len() + 1
                    } else {
                        f.len()
                    };
                    if let Some((a, b)) = part_span(w, at, part) {
                        out.push((n, a, b));
                    }
                }
            }
            if wrapper && !w.starts_with('-') && pending.is_none() {
                current = None;
            }
        }
        if ends {
            current = None;
            pending = None;
        }
    }
    out
}

/// The credential part of `w[at..]`.
fn part_span(w: &str, at: usize, part: Part) -> Option<(usize, usize)> {
    let start = match part {
        Part::Whole => at,
        Part::AfterColon => at + w[at..].find(':')? + 1,
        Part::AfterPercent => at + w[at..].find('%')? + 1,
    };
    (start < w.len() && !w[start..].starts_with("<redacted")).then_some((start, w.len()))
}

/// [`tool_args`] in text: each line (a `\` at its end continues it) read as words, a word's
/// quotes and brackets around it not counted (`sh -c 'mysql -pX'`).
fn command_spans(s: &str, spans: &mut Vec<(usize, usize)>) {
    if !TOOL_WORD.is_match(s) {
        return;
    }
    let b = s.as_bytes();
    let mut words: Vec<(usize, &str)> = Vec::new();
    let mut i = 0;
    let flush = |words: &mut Vec<(usize, &str)>, spans: &mut Vec<(usize, usize)>| {
        let ws: Vec<&str> = words.iter().map(|w| w.1).collect();
        for (n, a, z) in tool_args(&ws) {
            spans.push((words[n].0 + a, words[n].0 + z));
        }
        words.clear();
    };
    while i < b.len() {
        if b[i] == b'\n' {
            if words.last().is_some_and(|w| w.1 == "\\") {
                words.pop();
            } else {
                flush(&mut words, spans);
            }
            i += 1;
            continue;
        }
        if b[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        let raw = &s[start..i];
        let lead = raw.len()
            - raw
                .trim_start_matches(['"', '\'', '`', '(', '[', '{'])
                .len();
        let word = raw[lead..].trim_end_matches(['"', '\'', '`', ')', ']', '}', ',']);
        if !word.is_empty() {
            words.push((start + lead, word));
        }
    }
    flush(&mut words, spans);
}

/// A tool of [`TOOLS`] as a word: text without one has no tool's credentials.
static TOOL_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:curl|mysql\w*|mariadb\S*|mongo\w*|sshpass|redis-cli|ldap\w+|smbclient)\b")
        .unwrap()
});

/// A `.netrc` entry's password: `machine HOST login USER password SECRET` (over lines too).
static NETRC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:machine\s+\S+|default)(?:\s+(?:login|account|port)\s+\S+)*\s+password\s+(\S+)",
    )
    .unwrap()
});

/// A `.pgpass` line, `host:port:database:user:SECRET` (the port a number or `*`).
static PGPASS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[A-Za-z0-9_.\-*\[\]]+:(?:[0-9]+|\*):[^:\s]+:[^:\s]+:((?:[^:\s\\]|\\.)+)\r?$")
        .unwrap()
});

/// An XML element or a .NET setting holding a credential: `<password>SECRET</password>`,
/// `<add key="DbPassword" value="SECRET"/>` (the name checked by [`credential_name_text`]).
static XML: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r#"<(?:[A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)(?:\s[^<>]*)?>([^<]+)</(?:[A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)\s*>"#,
        r#"|\bkey\s*=\s*"([^"]*)"\s+value\s*=\s*"([^"]*)""#,
    ))
    .unwrap()
});

/// Secrets inside URLs, recognisable by their place: a Sentry DSN's key
/// (`https://KEY@o1.ingest.sentry.io/1`: 32 hex digits as the user), a Slack or Discord
/// webhook's token (the last part of its path). The host and ids stay.
static URL_TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)\bhttps?://([0-9a-f]{32})(?::[0-9a-f]{32})?@",
        r"|\bhooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9]+/[A-Za-z0-9]+/(?:[0-9]+/)?([A-Za-z0-9]{16,})",
        r"|\bdiscord(?:app)?\.com/api/webhooks/[0-9]+/([A-Za-z0-9_\-]{20,})",
    ))
    .unwrap()
});

/// Where the value of an assignment starting at `at` in `s` lies (`sep`: `:` or `=`;
/// `quoted_key`: the key was in quotes, JSON text): a quoted value without its quotes; a YAML
/// block (`|`, `>`) as its indented lines; the rest of the line after `key: ` or a line-initial
/// `KEY=`; else up to a space or a separator. An authentication scheme (`Bearer `) is kept.
fn value_span(
    s: &str,
    key_start: usize,
    at: usize,
    sep: u8,
    quoted_key: bool,
) -> Option<(usize, usize)> {
    let b = s.as_bytes();
    let line_start = s[..key_start].rfind('\n').map_or(0, |i| i + 1);
    let mut start = at;
    let c = *b.get(start)?;
    if c == b'\n' || c == b'\r' {
        return None;
    }
    if let Some(m) = SCHEME_WORD.find(&s[start..]) {
        start += m.end();
    }
    let c = *b.get(start)?;
    let end = match c {
        b'"' | b'\'' => {
            start += 1;
            let mut i = start;
            loop {
                match b.get(i) {
                    None | Some(b'\n') => break i,
                    Some(b'\\') if c == b'"' => i += 2,
                    Some(&x) if x == c => break i,
                    Some(_) => i += 1,
                }
            }
            .min(b.len())
        }
        b'{' | b'[' => return None,
        b'|' | b'>' if sep == b':' => {
            // a YAML block scalar: the lines indented deeper than the key's
            let indent = |l: &str| l.len() - l.trim_start_matches([' ', '\t']).len();
            let key_indent = indent(&s[line_start..]);
            let first = start + s[start..].find('\n')? + 1;
            let mut end = first;
            for line in s[first..].split_inclusive('\n') {
                let body = line.trim_end_matches(['\n', '\r']);
                if !body.trim().is_empty() && indent(body) <= key_indent {
                    break;
                }
                end += line.len();
            }
            start = first;
            s[..end].trim_end().len().max(first)
        }
        _ => {
            let initial = s[line_start..key_start]
                .trim_start()
                .trim_start_matches("export ")
                .trim()
                .is_empty();
            let to_eol = (sep == b':' && !quoted_key) || (sep == b'=' && initial);
            let stop: &[u8] = if to_eol {
                b"\r\n"
            } else if sep == b':' {
                b" \t\r\n,}]\"'"
            } else {
                b" \t\r\n&;,\"'"
            };
            // inside a quoted string (`-H 'Authorization: Bearer x'`): up to its end
            let opener = key_start
                .checked_sub(1)
                .map(|i| b[i])
                .filter(|c| *c == b'"' || *c == b'\'');
            let len = b[start..]
                .iter()
                .position(|x| stop.contains(x) || Some(*x) == opener);
            let end = len.map_or(b.len(), |n| start + n);
            start + s[start..end].trim_end().len()
        }
    };
    (end > start && !s[start..].starts_with("<redacted ")).then_some((start, end))
}

/// [`credential_name`] for text.
pub(super) fn credential_name_text(key: &str) -> bool {
    credential_name(key, true)
}

/// `Bearer `, `Basic `...: an authentication scheme before a credential, kept.
static SCHEME_WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?i:bearer|basic|token|digest|negotiate)[ \t]+").unwrap());

/// `s` with its credential-shaped parts replaced by `<redacted N bytes>` (N: their length in
/// bytes): see the module's documentation. Unchanged text is borrowed.
pub fn text(s: &str) -> Cow<'_, str> {
    if !TRIGGER.is_match(s) {
        return Cow::Borrowed(s);
    }
    let mut spans = spans(s);
    if spans.is_empty() {
        return Cow::Borrowed(s);
    }
    spans.sort_unstable();
    Cow::Owned(replaced(s, &spans))
}

/// The byte ranges of `s` that hold a credential, in no order; they may overlap.
fn spans(s: &str) -> Vec<(usize, usize)> {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    // PEM private keys: the armour stays, what it holds goes
    for m in PEM.find_iter(s) {
        if s[m.end()..].starts_with("<redacted ") {
            continue;
        }
        let end = s[m.end()..]
            .find("-----END ")
            .map_or(s.len(), |i| m.end() + i);
        spans.push((m.end(), end));
    }
    for c in URL.captures_iter(s) {
        let p = c.get(1).unwrap();
        spans.push((p.start(), p.end()));
    }
    for c in SCHEME.captures_iter(s) {
        let t = c.get(1).unwrap();
        let tok = t.as_str();
        // a credential, not a word ("bearer tokens", "Basic auth")
        if tok.len() >= 8
            && tok
                .bytes()
                .any(|b| b.is_ascii_digit() || b.is_ascii_uppercase() || b"-._~+/=".contains(&b))
        {
            spans.push((t.start(), t.end()));
        }
    }
    for m in TOKEN.find_iter(s) {
        spans.push((m.start(), m.end()));
    }
    for m in B64_PEM.find_iter(s) {
        if b64_private_key(m.as_str()) {
            spans.push((m.start(), m.end()));
        }
    }
    for m in SK.find_iter(s) {
        if m.as_str().bytes().any(|b| b.is_ascii_uppercase()) {
            spans.push((m.start(), m.end()));
        }
    }
    for c in URL_TOKEN.captures_iter(s) {
        if let Some(t) = c.iter().skip(1).flatten().next() {
            spans.push((t.start(), t.end()));
        }
    }
    for c in NETRC.captures_iter(s) {
        let p = c.get(1).unwrap();
        if !p.as_str().starts_with("<redacted") {
            spans.push((p.start(), p.end()));
        }
    }
    for c in PGPASS.captures_iter(s) {
        let p = c.get(1).unwrap();
        spans.push((p.start(), p.end()));
    }
    for c in XML.captures_iter(s) {
        let (name, value) = match (c.get(1), c.get(3), c.get(4)) {
            (Some(open), Some(close), _) if open.as_str() == close.as_str() => (open, c.get(2)),
            (_, _, Some(key)) => (key, c.get(5)),
            _ => continue,
        };
        if let Some(v) =
            value.filter(|v| !v.as_str().trim().is_empty() && !v.as_str().starts_with("<redacted"))
            && credential_name_text(name.as_str())
        {
            spans.push((v.start(), v.end()));
        }
    }
    command_spans(s, &mut spans);
    for c in ASSIGN.captures_iter(s) {
        let key = c.get(1).unwrap();
        if !credential_name_text(key.as_str()) {
            continue;
        }
        let quoted = !c.get(2).unwrap().as_str().is_empty();
        let sep = c.get(3).unwrap().as_str().as_bytes()[0];
        // `key: value` (YAML) or `"key":value` (JSON), not `system:openshift:token-reader:x`
        if sep == b':' && !quoted && c.get(0).unwrap().as_str().ends_with(':') {
            continue;
        }
        if let Some(span) = value_span(s, key.start(), c.get(0).unwrap().end(), sep, quoted) {
            spans.push(span);
        }
    }
    for c in FLAG.captures_iter(s) {
        let v = c.get(2).unwrap();
        if credential_name_text(c.get(1).unwrap().as_str()) && !v.as_str().starts_with("<redacted")
        {
            spans.push((v.start(), v.end()));
        }
    }
    spans
}

/// `s` with each of `spans` (sorted; overlapping ones merged) replaced by
/// `<redacted N bytes>`.
fn replaced(s: &str, spans: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(s.len());
    let mut at = 0;
    let mut i = 0;
    while i < spans.len() {
        let (start, mut end) = spans[i];
        i += 1;
        while i < spans.len() && spans[i].0 <= end {
            end = end.max(spans[i].1);
            i += 1;
        }
        let start = start.max(at);
        if end <= start {
            continue;
        }
        out.push_str(&s[at..start]);
        out.push_str(&placeholder(end - start));
        at = end;
    }
    out.push_str(&s[at..]);
    out
}
