//! Redaction: the one place that decides which values from a log are secrets, and hides them
//! wherever a body is printed (`history` diffs, patches and JSON, `events -o raw` lines, a
//! `detect` finding's body values), unless `--show-secrets`.
//!
//! Two kinds of value are hidden, each as `<redacted N bytes>`:
//! - **secrets by place** ([`Redactor`]): a Secret's `data` and `stringData` values (Secret
//!   and SecretList bodies, requests on `secrets`, a Secret inside any body, inside a
//!   `last-applied-configuration` annotation or any string that is JSON text), whatever their
//!   type; values under keys named like a credential ([`credential_name`]: a TokenRequest's or
//!   TokenReview's `token`, `apiToken`, `tls.key`, `password`); every value of a list element
//!   named like one (an `env` entry `DB_PASSWORD`), and in a command line as a list the
//!   argument after a flag named like one (`["--token", "abc"]`) or a tool's password flag
//!   ([`credential_arg`], [`TOOLS`]: `["mysql", "-pabc"]`); JSON patch values by the path they
//!   write to.
//! - **credential-shaped text** ([`text`]) inside any other string: the value of an assignment
//!   to a credential-named key (`password=…`, `pass: …`, `token: …`, `"api_key": "…"`,
//!   `--token=…`, `--password …`, `AccountKey=…`, a SAS's `sig=…`, a YAML block after
//!   `token: |`), XML elements and .NET settings named like one, `Bearer`/`Basic` credentials,
//!   the password of a URL (`postgres://u:…@h`), a Sentry DSN's key, a Slack or Discord
//!   webhook's token, a tool's password flag after the tool (`curl -u alice:…`, `mysql -p…`,
//!   `sshpass -p …`: [`TOOLS`]), `.netrc` passwords and `.pgpass` lines, PEM private keys (and
//!   base64 of one), JWTs, AWS access key ids and well-known token formats (GitHub, GitLab,
//!   Slack, Stripe, Google, OpenAI, Anthropic, npm, PyPI, Hugging Face, DigitalOcean,
//!   SendGrid). Only the value goes: `db.password=<redacted 12 bytes>`, `curl -u
//!   alice:<redacted 7 bytes>`, so the output still says what was there. The README's
//!   "Secrets and credentials" table lists the same classes: change both together.
//!
//! It fails closed: a value of unexpected type in a Secret's data is hidden whole; an embedded
//! JSON text (a last-applied annotation, a body that is a string) that cannot be parsed is
//! hidden when the object has credentials or the text names one; a JSON patch operation that
//! cannot be read, or an index it cannot resolve under `env`/`data`, is hidden; a raw line's
//! body that cannot be read safely (nested too deeply, a key twice) is hidden whole.
//!
//! Not hidden: names of things and keys that describe a credential ([`pointer_key`]:
//! `secretName`, `secretKeyRef`, a volume item's `key`, `token_ttl_seconds`, `bearerTokenFile`),
//! booleans, null and empty strings, numbers below a credential-named object that are not
//! themselves named like one (`expirationSeconds`), structural fields below one (`path`,
//! `audience`), label values and CRD schemas, certificates (public, PEM or base64) and CSRs,
//! user names beside a password, ports (`-p 8080` of a program not in [`TOOLS`]), and the
//! request URI and other fields outside the bodies (they identify the request).

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

/// The annotation `kubectl apply` keeps the whole applied object in, as JSON text.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Where a JSON patch index that cannot be resolved against the object is taken as a credential
/// (lists and maps whose elements are named values), and where a body value a finding shows is
/// hidden whole (the finding does not say whether the object was a Secret).
const CREDENTIAL_SCOPES: [&str; 5] = ["env", "envFrom", "data", "stringData", "binaryData"];

/// Fields that sit below a credential-named object without holding its secret: a projected
/// `serviceAccountToken`'s `path` and `audience`, a `secret` volume's `defaultMode`.
const STRUCTURAL: [&str; 11] = [
    "path",
    "mountPath",
    "subPath",
    "mode",
    "defaultMode",
    "expirationSeconds",
    "audience",
    "audiences",
    "optional",
    "kind",
    "apiVersion",
];

// ------------------------------------------------------------------ paths and key names

/// One step of a JSON path. The `bool` of a list element says that its values are credentials:
/// the element is named like one (`env` `DB_PASSWORD`, see [`credential_element`]), follows a
/// flag named like one (`--token`), or it could not be known and sits where credentials live (a
/// JSON patch's `env/0`, fail closed).
#[derive(Debug, Clone, PartialEq)]
pub enum Seg {
    Key(String),
    /// A list element by position: `env[0]`.
    Index(usize, bool),
    /// An element of a list keyed like Kubernetes merges it: `containers[name=nginx]`.
    Match(&'static str, String, bool),
}

impl Seg {
    /// The same step, its values taken as credentials.
    pub fn credential(self) -> Seg {
        match self {
            Seg::Index(i, _) => Seg::Index(i, true),
            Seg::Match(k, id, _) => Seg::Match(k, id, true),
            key => key,
        }
    }
}

/// Is a list element a named credential: `{name: DB_PASSWORD, value: ...}` (a name and a
/// value), or `{key: tls.key, path: ...}` (an item of a Secret's keys)? Then every value in it
/// but its name is one, however the element is reached: by name, by position (names repeat),
/// or by a JSON patch index. An element that only has a name (a container, a volume) is not.
fn credential_element(v: Option<&Value>) -> bool {
    v.is_some_and(|v| {
        let named = |k: &str| v.get(k).and_then(Value::as_str).is_some_and(sensitive_key);
        (named("name") && (v.get("value").is_some() || v.get("valueFrom").is_some()))
            || named("key")
    })
}

/// A list element at position `i` whose elements before and after are `a` and `b`: by its id
/// under `key` when the list has one.
pub fn element(key: Option<&'static str>, i: usize, a: Option<&Value>, b: Option<&Value>) -> Seg {
    let cred = credential_element(a) || credential_element(b);
    match key {
        Some(k) => {
            let id = b
                .or(a)
                .and_then(|v| v.get(k))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            Seg::Match(k, id, cred)
        }
        None => Seg::Index(i, cred),
    }
}

/// Is element `i` of `list` (a command line as a list: container `args`, `command`) a
/// credential: the argument of a flag named like one (`["--token", "abc"]`: `abc`), or of a
/// tool's credential flag after that tool in the list (`["mysql", "-p", "abc"]`,
/// `["curl", "-u", "alice:abc"]`: hidden whole), or such a flag with its value attached
/// (`["mysql", "-pabc"]`)? See [`TOOLS`].
pub fn credential_arg(list: &[Value], i: usize) -> bool {
    let word = |j: usize| list.get(j).and_then(Value::as_str).unwrap_or("");
    if i > 0 && credential_flag(word(i - 1)) {
        return true;
    }
    // only a flag, or what follows one, can be a tool's credential: other lists are not read
    if !(word(i).starts_with('-') || (i > 0 && word(i - 1).starts_with('-'))) {
        return false;
    }
    let from = i.saturating_sub(TOOL_REACH);
    let words: Vec<&str> = (from..=i).map(word).collect();
    tool_args(&words).iter().any(|&(n, ..)| from + n == i)
}

/// `--token`, `-password`: a flag without `=` that takes a credential as its next argument.
fn credential_flag(s: &str) -> bool {
    s.starts_with('-')
        && s.len() > 2
        && !s.contains(['=', ' ', '\t'])
        && credential_name_text(s.trim_start_matches('-'))
}

/// ASCII case-insensitive `hay.contains(needle)` (`needle` lowercase), without allocating.
fn contains_ci(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    h.len() >= n.len() && h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

/// Does a key name look like it holds a credential (see [`credential_name`])?
fn sensitive_key(k: &str) -> bool {
    credential_name(k, false)
}

/// Text that mentions a credential anywhere (any case): embedded JSON that cannot be parsed is
/// hidden when it does.
fn credential_word(s: &str) -> bool {
    const WORDS: [&str; 6] = ["token", "password", "passwd", "secret", "key", "credential"];
    WORDS.iter().any(|w| contains_ci(s, w))
}

/// `key` lowercase, without `-`, `_` and `.`: `tls.key` and `TLS_KEY` are `tlskey`.
fn normalized(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, '-' | '_' | '.'))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Is `key` (a JSON key, or the key of an assignment or a flag in text) the name of a
/// credential: `password`, `db.password`, `passwd`, `passphrase`, `secret`, `client_secret`,
/// `token`, `credentials`, one ending in `authorization` (not `rbac.authorization.k8s.io/...`),
/// a name ending in `key` (`apiKey`, `tls.key`, `sshKey`;
/// not `publicKey`, nor `key0`), `DB_PWD`; in `text`, also one ending in `auth` (a docker config's
/// `auth`)? Not when it names or describes one ([`pointer_key`]).
fn credential_name(key: &str, text: bool) -> bool {
    // most keys have none of these: no allocation for them
    const HINTS: [&str; 8] = [
        "pass", "pwd", "secret", "token", "cred", "key", "auth", "sig",
    ];
    if !HINTS.iter().any(|h| contains_ci(key, h)) {
        return false;
    }
    let k = normalized(key);
    const WORDS: [&str; 14] = [
        "passw",
        "passphrase",
        "secret",
        "token",
        "credential",
        "apikey",
        "accesskey",
        "privatekey",
        "secretkey",
        "clientkey",
        "signingkey",
        "encryptionkey",
        "sshkey",
        "keydata",
    ];
    let lower = key.to_ascii_lowercase();
    let named = WORDS.iter().any(|w| k.contains(w))
        // `pass`, `db_pass`, `SMTP-PASS`, `keytool -storepass` (not `bypass`, `compass`)
        || k == "pass"
        || [".pass", "_pass", "-pass"].iter().any(|p| lower.ends_with(p))
        || k.ends_with("storepass")
        || k.ends_with("keypass")
        || k.ends_with("passcode")
        || k.ends_with("pgpass")
        || (k.ends_with("key") && k != "key" && !NOT_KEYS.iter().any(|n| k.ends_with(n)))
        || (k.contains("pwd") && k != "pwd" && k != "oldpwd")
        || k.ends_with("authorization")
        || (text && k.ends_with("auth"))
        // a signed URL's signature (Azure SAS `sig=`, `X-Amz-Signature=`, `X-Goog-Signature=`)
        || (text && (k == "sig" || k.ends_with("amzsignature") || k.ends_with("googsignature")));
    named && !pointer_key(key)
}

/// Names ending in `key` that are no credential: a public key, and the keys of lists, maps,
/// indexes and topologies (`topologyKey: kubernetes.io/hostname`, a CRD's `patchMergeKey`).
const NOT_KEYS: [&str; 11] = [
    "publickey",
    "topologykey",
    "mergekey",
    "mapkey",
    "sortkey",
    "partitionkey",
    "routingkey",
    "primarykey",
    "foreignkey",
    "idempotencykey",
    "cachekey",
];

/// A key that names or describes a credential rather than holding it: `secretName`,
/// `secretKeyRef`, `imagePullSecrets` entries' `name`, a volume item's or a toleration's `key`,
/// `--secrets` and `--optional-secrets` (names), `token_ttl_seconds`, `bearerTokenFile`, `passwordPolicy`,
/// `credentialsMode`, `token_url`.
fn pointer_key(key: &str) -> bool {
    const ABOUT: [&str; 24] = [
        "name",
        "names",
        "ref",
        "refs",
        "file",
        "path",
        "dir",
        "ttl",
        "seconds",
        "timeout",
        "expiry",
        "expiration",
        "expires",
        "length",
        "size",
        "count",
        "enabled",
        "type",
        "mode",
        "url",
        "uri",
        "endpoint",
        "policy",
        "format",
    ];
    let k = normalized(key);
    // (`authentication.kubernetes.io/credential-id`: a token's id or a certificate's hash)
    matches!(k.as_str(), "key" | "keys")
        || k.ends_with("secrets")
        || k.ends_with("credentialid")
        || ABOUT.iter().any(|s| k.ends_with(s))
}

/// Places whose keys are named like credentials without holding one: a label's value (labels
/// are indexed and shown by every client: `kubernetes.io/legacy-token-last-used: 2026-12-05`),
/// and a CustomResourceDefinition's schema (`properties.password.type: string`).
fn not_a_value(path: &[Seg]) -> bool {
    matches!(path, [.., Seg::Key(l), Seg::Key(_)] if l == "labels")
        || path
            .iter()
            .any(|s| matches!(s, Seg::Key(k) if k == "openAPIV3Schema"))
}

fn is_data(s: &Seg) -> bool {
    matches!(s, Seg::Key(k) if k == "data" || k == "stringData")
}

/// Is `path` the last-applied annotation (of the object or of a template in it)?
fn last_applied(path: &[Seg]) -> bool {
    matches!(path, [.., Seg::Key(a), Seg::Key(l)] if a == "annotations" && l == LAST_APPLIED)
}

/// Decoded length of base64 text, when it is base64 (Secret `data` values are).
fn base64_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(4) {
        return None;
    }
    let pad = b.iter().rev().take_while(|&&c| c == b'=').count();
    if pad > 2
        || !b[..b.len() - pad]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/')
    {
        return None;
    }
    Some(b.len() / 4 * 3 - pad)
}

/// `<redacted N bytes>`.
fn placeholder(n: usize) -> String {
    format!("<redacted {n} bytes>")
}

// ------------------------------------------------------------------ values in bodies

/// A value as shown: redacted when it sits under a sensitive path.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub value: Value,
    /// The value itself was replaced by `<redacted N bytes>` (a string with a secret part
    /// replaced is not: it is still a string).
    pub redacted: bool,
}

impl Shown {
    /// `"30s"`, `2`, `{"a":1}`, or `<redacted 16 bytes>` (unquoted).
    pub fn text(&self) -> String {
        match (&self.value, self.redacted) {
            (Value::String(s), true) => s.clone(),
            (v, _) => v.to_string(),
        }
    }
}

/// `<redacted N bytes>`.
fn hidden(n: usize) -> Shown {
    Shown {
        value: Value::String(placeholder(n)),
        redacted: true,
    }
}

fn shown(v: &Value) -> Shown {
    Shown {
        value: v.clone(),
        redacted: false,
    }
}

/// Hides secrets in bodies (see the module's documentation for what). `secret`: the body is a
/// Secret's (a request on `secrets`); a Secret or SecretList met inside any body is treated as
/// one too. Only strings and numbers are hidden, but for a Secret's data, where any value is.
#[derive(Debug, Clone, Copy)]
pub struct Redactor {
    secret: bool,
    show: bool,
    /// The object has credentials somewhere (always, for a Secret): see [`Redactor::about`].
    tainted: bool,
}

impl Redactor {
    pub fn new(secret: bool, show: bool) -> Redactor {
        Redactor {
            secret,
            show,
            tainted: secret,
        }
    }

    /// Has the object credentials somewhere (see [`Redactor::about`])?
    pub fn tainted(&self) -> bool {
        self.tainted
    }

    /// This redactor for a request on an object whose known state and bodies are `vs`: tainted
    /// when any of them has a key or list element named like a credential, or is a Secret.
    pub fn about<'v>(self, vs: impl IntoIterator<Item = Option<&'v Value>>) -> Redactor {
        if self.show || self.tainted {
            return self;
        }
        let tainted = vs
            .into_iter()
            .flatten()
            .any(|v| self.holds_credentials(v, &mut Vec::new()));
        Redactor { tainted, ..self }
    }

    /// Does `v` have a key or list element named like a credential, or a Secret (a JSON patch:
    /// an operation whose path leads to one)?
    fn holds_credentials(&self, v: &Value, path: &mut Vec<Seg>) -> bool {
        let at = |path: &mut Vec<Seg>, seg: Seg, x: &Value| {
            path.push(seg);
            let found = self.sensitive(path) || self.holds_credentials(x, path);
            path.pop();
            found
        };
        match v {
            Value::Object(m) => {
                secret_kind(v) || m.iter().any(|(k, x)| at(path, Seg::Key(k.clone()), x))
            }
            Value::Array(a) => a.iter().enumerate().any(|(i, x)| {
                let op_path = x.get("path").and_then(Value::as_str);
                (path.is_empty()
                    && op_path.is_some_and(|p| self.sensitive(&resolve(None, p, None))))
                    || at(path, element(None, i, None, Some(x)), x)
            }),
            _ => false,
        }
    }

    /// Is a string at `path` a credential?
    fn sensitive(&self, path: &[Seg]) -> bool {
        // a Secret's data, also where its last-applied annotation nests it (in a List)
        if self.secret && path.iter().any(is_data) {
            return true;
        }
        if not_a_value(path) {
            return false;
        }
        let own = path.iter().rev().find_map(|s| match s {
            Seg::Key(k) => Some(k.as_str()),
            _ => None,
        });
        // the key that holds the value names a thing (secretName): shown
        if own.is_some_and(pointer_key) {
            return false;
        }
        if own.is_some_and(sensitive_key) || self.in_credential_element(path) {
            return true;
        }
        // below a key named like a credential (`apiKey: {value: ...}`), but for the fields
        // that describe how it is used (`serviceAccountToken: {path, audience}`)
        !own.is_some_and(|k| STRUCTURAL.contains(&k))
            && path
                .iter()
                .any(|s| matches!(s, Seg::Key(k) if sensitive_key(k)))
    }

    /// Is a number at `path` a credential? Named like one, or in a credential element; not
    /// merely below a credential-named key (`serviceAccountToken.expirationSeconds`).
    fn sensitive_number(&self, path: &[Seg]) -> bool {
        let own = path.iter().rev().find_map(|s| match s {
            Seg::Key(k) => Some(k.as_str()),
            _ => None,
        });
        !not_a_value(path)
            && !own.is_some_and(pointer_key)
            && (own.is_some_and(sensitive_key) || self.in_credential_element(path))
    }

    fn in_credential_element(&self, path: &[Seg]) -> bool {
        path.iter()
            .any(|s| matches!(s, Seg::Index(_, true) | Seg::Match(_, _, true)))
    }

    /// Is `path` inside a Secret's data (`data.password`, or `data` itself when it is not an
    /// object)? Any value there is hidden whole, whatever its type (fail closed).
    fn secret_value(&self, path: &[Seg], v: &Value) -> bool {
        self.secret
            && !v.is_null()
            && (path.iter().rev().skip(1).any(is_data)
                || (path.last().is_some_and(is_data) && !v.is_object()))
    }

    /// `v`, found at `path`, with its secrets replaced.
    pub fn redact(&self, v: &Value, path: &mut Vec<Seg>) -> Shown {
        if self.show {
            return shown(v);
        }
        if self.secret_value(path, v) {
            let data = path.iter().any(|s| matches!(s, Seg::Key(k) if k == "data"));
            return hidden(match v {
                Value::String(s) if data => base64_len(s).unwrap_or(s.len()),
                Value::String(s) => s.len(),
                other => other.to_string().len(),
            });
        }
        match v {
            Value::Object(m) => {
                // a Secret (or a list of them) inside any body: its data is secret
                let r = if !self.secret && secret_kind(v) {
                    Redactor {
                        secret: true,
                        tainted: true,
                        ..*self
                    }
                } else {
                    *self
                };
                let mut o = serde_json::Map::new();
                for (k, x) in m {
                    path.push(Seg::Key(k.clone()));
                    o.insert(k.clone(), r.redact(x, path).value);
                    path.pop();
                }
                shown(&Value::Object(o))
            }
            Value::Array(a) => {
                let mut o = Vec::with_capacity(a.len());
                for (i, x) in a.iter().enumerate() {
                    let named = x.get("name").and_then(Value::as_str).map(|_| "name");
                    let mut seg = element(named, i, None, Some(x));
                    if credential_arg(a, i) {
                        seg = seg.credential();
                    }
                    path.push(seg);
                    o.push(self.redact(x, path).value);
                    path.pop();
                }
                shown(&Value::Array(o))
            }
            Value::String(s) if !s.is_empty() && self.sensitive(path) => hidden(s.len()),
            Value::String(s) if last_applied(path) => self.embedded(s),
            // JSON text with a word of credentials (a Secret kept in an annotation, a config
            // file): redacted as the object it holds
            Value::String(s) if s.trim_start().starts_with(['{', '[']) && credential_word(s) => {
                match serde_json::from_str::<Value>(s) {
                    Ok(j) if j.is_object() || j.is_array() => {
                        let r = self.redact(&j, &mut Vec::new()).value;
                        if r == j {
                            shown(&Value::String(text(s).into_owned()))
                        } else {
                            shown(&Value::String(r.to_string()))
                        }
                    }
                    _ => shown(&Value::String(text(s).into_owned())),
                }
            }
            Value::String(s) => match text(s) {
                Cow::Borrowed(_) => shown(v),
                Cow::Owned(t) => shown(&Value::String(t)),
            },
            Value::Number(n) if self.sensitive_number(path) => hidden(n.to_string().len()),
            other => shown(other),
        }
    }

    /// JSON text inside a value (the last-applied annotation holds the whole object; a body can
    /// be a string): that object redacted like any other, as JSON text again; hidden whole when
    /// it cannot be parsed and the object (or the text) has credentials, else its
    /// credential-shaped text redacted.
    fn embedded(&self, s: &str) -> Shown {
        match serde_json::from_str::<Value>(s) {
            Ok(v) => {
                let r = self.redact(&v, &mut Vec::new()).value;
                if r == v {
                    shown(&Value::String(s.to_string()))
                } else {
                    shown(&Value::String(r.to_string()))
                }
            }
            Err(_) if self.tainted || credential_word(s) => hidden(s.len()),
            Err(_) => shown(&Value::String(text(s).into_owned())),
        }
    }

    /// `v` hidden whole (a value nothing says anything about), unless `--show-secrets`.
    pub fn whole(&self, v: &Value) -> Shown {
        if self.show || v.is_null() {
            shown(v)
        } else {
            hidden(v.to_string().len())
        }
    }

    /// A request or response body as printed whole (`events -o raw`): `patch` for the body of
    /// a patch request (JSON patch operations are redacted by the path they write to); a body
    /// that is a string is read as embedded JSON.
    pub fn body(&self, v: &Value, patch: bool) -> Value {
        if self.show {
            return v.clone();
        }
        match v {
            Value::String(_) if patch => self.whole(v).value,
            Value::String(s) => self.embedded(s).value,
            _ if patch => self.patch(v, None),
            _ => self.redact(v, &mut Vec::new()).value,
        }
    }

    /// The patch body with its secrets replaced: a JSON patch's (any array body) values by
    /// their path, resolved against `state`, the object before the patch, where known; its
    /// malformed operations, and members of an operation other than `op`, `path`, `from` and
    /// `value`, hidden whole; a merge patch like an object; any other body hidden whole.
    pub fn patch(&self, p: &Value, state: Option<&Value>) -> Value {
        if self.show {
            return p.clone();
        }
        match p {
            Value::Array(ops) => ops
                .iter()
                .zip(op_paths(ops, state))
                .map(|(op, path)| match (path, op.as_object()) {
                    (Some(mut path), Some(m)) => m
                        .iter()
                        .map(|(k, v)| {
                            let v = match k.as_str() {
                                "op" | "path" | "from" => v.clone(),
                                "value" => self.redact(v, &mut path).value,
                                _ => self.whole(v).value,
                            };
                            (k.clone(), v)
                        })
                        .collect(),
                    _ => self.whole(op).value,
                })
                .collect(),
            Value::Object(_) => self.redact(p, &mut Vec::new()).value,
            other => self.whole(other).value,
        }
    }
}

/// A Secret or a SecretList (whose items carry no kind of their own).
fn secret_kind(v: &Value) -> bool {
    matches!(
        v.get("kind").and_then(Value::as_str),
        Some("Secret" | "SecretList")
    )
}

// ------------------------------------------------------------------ JSON patches

/// Undo RFC 6901 escapes in one token of a JSON pointer.
fn unescape(t: &str) -> String {
    t.replace("~1", "/").replace("~0", "~")
}

/// The pointer of a JSON patch operation that can be read: an object with a string `op` and
/// `path` (and `from`, if any) that are JSON pointers. Anything else is malformed.
pub fn well_formed(op: &Value) -> Option<&str> {
    let pointer = |p: &str| p.is_empty() || p.starts_with('/');
    op.get("op")?.as_str()?;
    let path = op.get("path")?.as_str().filter(|p| pointer(p))?;
    op.get("from")
        .is_none_or(|f| f.as_str().is_some_and(pointer))
        .then_some(path)
}

/// The path of each operation of a JSON patch, as segments (`None`: a malformed operation),
/// resolved against the object as the operations before it left it (from `state`, the object
/// before the patch, when known).
pub fn op_paths(ops: &[Value], state: Option<&Value>) -> Vec<Option<Vec<Seg>>> {
    let mut doc: Option<Cow<'_, Value>> = state.map(Cow::Borrowed);
    let mut out = Vec::with_capacity(ops.len());
    for (n, op) in ops.iter().enumerate() {
        let Some(at) = well_formed(op) else {
            out.push(None);
            continue;
        };
        out.push(Some(resolve(doc.as_deref(), at, op.get("value"))));
        if n + 1 < ops.len() {
            doc = doc.and_then(|d| apply(d.into_owned(), op)).map(Cow::Owned);
        }
    }
    out
}

/// `/spec/template/spec/containers/0/env/0/value` as segments, its list indexes resolved against
/// `doc` (the object, when known) to the elements they address, so that an element named like
/// a credential makes its values credentials; `value`, what the operation puts there, is the
/// element itself when the path ends at an index. An index that cannot be resolved under `env`,
/// `envFrom`, `data`, `stringData` or `binaryData` counts as a credential (fail closed).
fn resolve(doc: Option<&Value>, pointer: &str, value: Option<&Value>) -> Vec<Seg> {
    let tokens: Vec<String> = pointer.split('/').skip(1).map(unescape).collect();
    let mut cur = doc;
    let mut scope = false;
    let mut segs = Vec::with_capacity(tokens.len());
    for (n, t) in tokens.iter().enumerate() {
        let given = value.filter(|_| n + 1 == tokens.len());
        // a whole element with its name or key: known from the patch itself
        let named = given.is_some_and(|v| {
            ["name", "key"]
                .iter()
                .any(|k| v.get(*k).and_then(Value::as_str).is_some())
        });
        let index = t.parse::<usize>().ok();
        let is_index = index.is_some() || t == "-";
        match cur {
            Some(Value::Object(m)) => {
                cur = m.get(t);
                segs.push(Seg::Key(t.clone()));
            }
            Some(Value::Array(a)) if is_index => {
                let i = index.unwrap_or(a.len());
                let elem = a.get(i);
                let unknown = elem.is_none() && !named;
                let cred = credential_element(elem)
                    || credential_element(given)
                    || credential_arg(a, i)
                    || (scope && unknown);
                segs.push(Seg::Index(i, cred));
                cur = elem;
            }
            _ if is_index => {
                // the known object does not reach here
                let cred = credential_element(given) || (scope && !named);
                segs.push(Seg::Index(index.unwrap_or(0), cred));
                cur = None;
            }
            _ => {
                segs.push(Seg::Key(t.clone()));
                cur = None;
            }
        }
        scope |= CREDENTIAL_SCOPES.contains(&t.as_str());
    }
    segs
}

/// `doc` after one JSON patch operation (RFC 6902), or `None` when it does not apply.
fn apply(mut doc: Value, op: &Value) -> Option<Value> {
    let path = well_formed(op)?;
    let from = || op.get("from").and_then(Value::as_str);
    match op.get("op")?.as_str()? {
        "add" => add(&mut doc, path, op.get("value")?.clone())?,
        "remove" => {
            remove(&mut doc, path)?;
        }
        "replace" => *doc.pointer_mut(path)? = op.get("value")?.clone(),
        "move" => {
            let v = remove(&mut doc, from()?)?;
            add(&mut doc, path, v)?;
        }
        "copy" => {
            let v = doc.pointer(from()?)?.clone();
            add(&mut doc, path, v)?;
        }
        "test" => {}
        _ => return None,
    }
    Some(doc)
}

fn add(doc: &mut Value, path: &str, v: Value) -> Option<()> {
    let Some((parent, last)) = path.rsplit_once('/') else {
        *doc = v;
        return Some(());
    };
    match doc.pointer_mut(parent)? {
        Value::Object(m) => {
            m.insert(unescape(last), v);
        }
        Value::Array(a) => {
            let i = if last == "-" {
                a.len()
            } else {
                last.parse().ok()?
            };
            if i > a.len() {
                return None;
            }
            a.insert(i, v);
        }
        _ => return None,
    }
    Some(())
}

fn remove(doc: &mut Value, path: &str) -> Option<Value> {
    let (parent, last) = path.rsplit_once('/')?;
    match doc.pointer_mut(parent)? {
        Value::Object(m) => m.shift_remove(&unescape(last)),
        Value::Array(a) => {
            let i: usize = last.parse().ok()?;
            (i < a.len()).then(|| a.remove(i))
        }
        _ => None,
    }
}

// ------------------------------------------------------------------ credential-shaped text

/// Cheap test before the patterns: text without any of these has nothing to hide, and a body
/// without any of them (nor an escape that could spell one) has no credential-named key either.
static TRIGGER: LazyLock<Regex> = LazyLock::new(|| {
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
const TOOL_REACH: usize = 64;

/// A command word's tool in [`TOOLS`]: `mysql`, `/usr/bin/mysql`.
fn tool(word: &str) -> Option<usize> {
    let base = word.rsplit('/').next().unwrap_or(word);
    TOOLS.iter().position(|(names, ..)| names.contains(&base))
}

/// The credentials among the words of a command line (`["sshpass", "-p", "pw", "ssh", "-p",
/// "22", "h"]`), as (word, start, end) within that word: the values of [`TOOLS`]' flags after
/// their tool (`-p pw`, `-ppw`, `--user=alice:pw`). A word ending a command (`;`, `|`, `&&`)
/// ends the tool's flags; so does `sshpass`'s first operand (the command it runs).
fn tool_args(words: &[&str]) -> Vec<(usize, usize, usize)> {
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
fn credential_name_text(key: &str) -> bool {
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
    if spans.is_empty() {
        return Cow::Borrowed(s);
    }
    spans.sort_unstable();
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
    Cow::Owned(out)
}

// ------------------------------------------------------------------ detect

/// A body value a `detect` finding shows (a baseline rule's value or identity on a body
/// path): hidden whole when the path (`keys`, its key names) names a credential or goes
/// through `data`, `stringData`, `env`... (the finding does not say whether the object was a
/// Secret: fail closed), else its credential-shaped text redacted.
pub fn field_value<'a>(keys: &[&str], v: &'a str) -> Cow<'a, str> {
    if keys
        .iter()
        .any(|k| sensitive_key(k) || CREDENTIAL_SCOPES.contains(k))
    {
        Cow::Owned(placeholder(v.len()))
    } else {
        text(v)
    }
}

// ------------------------------------------------------------------ raw lines

/// A raw log line as `events -o raw` prints it: every byte as read, but for the secrets of its
/// `requestObject` and `responseObject` (as [`Redactor::body`] finds them, for a request on
/// `secrets` or not, a patch or not), each value replaced by its redacted JSON. A body that
/// cannot be read safely (nested deeper than 128 levels, a key twice) is replaced whole by
/// `"<redacted N bytes>"`. With `show` (`--show-secrets`), the line as read.
pub fn raw_line(line: &[u8], show: bool) -> Cow<'_, [u8]> {
    // no body member, however its key is written (a key with an escape has a backslash)
    if show
        || (memchr::memchr(b'\\', line).is_none()
            && memchr::memmem::find(line, b"Object\"").is_none())
    {
        return Cow::Borrowed(line);
    }
    match raw::edits(line) {
        Some(edits) if edits.is_empty() => Cow::Borrowed(line),
        Some(edits) => {
            let mut out = Vec::with_capacity(line.len());
            let mut at = 0;
            for (start, end, text) in edits {
                out.extend_from_slice(&line[at..start]);
                out.extend_from_slice(text.as_bytes());
                at = end;
            }
            out.extend_from_slice(&line[at..]);
            Cow::Owned(out)
        }
        // not one JSON object: its bodies cannot be found, so nothing of it is printed
        None => Cow::Owned(
            Value::String(placeholder(line.len()))
                .to_string()
                .into_bytes(),
        ),
    }
}

/// How deep a body is read for a raw line (serde_json's own limit is 128).
const MAX_DEPTH: usize = 128;

mod raw {
    //! A small JSON reader that keeps where each value of a line is, so that only secret
    //! values are rewritten and every other byte stays as read.

    use serde_json::Value;

    use super::{MAX_DEPTH, Redactor, placeholder};

    /// A value's bytes (`start..end`) and the index after its last descendant, in pre-order.
    #[derive(Debug, Clone, Copy)]
    struct Span {
        start: usize,
        end: usize,
        next: usize,
    }

    struct Reader<'a> {
        b: &'a [u8],
        i: usize,
        spans: Vec<Span>,
    }

    impl<'a> Reader<'a> {
        fn ws(&mut self) {
            while self
                .b
                .get(self.i)
                .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
            {
                self.i += 1;
            }
        }

        fn eat(&mut self, c: u8) -> Option<()> {
            self.ws();
            (self.b.get(self.i) == Some(&c)).then(|| self.i += 1)
        }

        /// The end of the string starting at `self.i` (after its closing quote).
        fn string_end(&self) -> Option<usize> {
            let mut i = self.i + 1;
            loop {
                let n = memchr::memchr2(b'"', b'\\', &self.b[i..])?;
                i += n;
                if self.b[i] == b'\\' {
                    i += 2;
                } else {
                    return Some(i + 1);
                }
            }
        }

        fn string(&mut self) -> Option<String> {
            self.ws();
            if self.b.get(self.i) != Some(&b'"') {
                return None;
            }
            let end = self.string_end()?;
            let raw = &self.b[self.i..end];
            self.i = end;
            if memchr::memchr(b'\\', raw).is_none() {
                Some(
                    std::str::from_utf8(&raw[1..raw.len() - 1])
                        .ok()?
                        .to_string(),
                )
            } else {
                serde_json::from_slice(raw).ok()
            }
        }

        /// Past one value without building it (any depth), checked only as far as needed to
        /// find its end.
        fn skip(&mut self) -> Option<()> {
            let mut depth = 0usize;
            loop {
                self.ws();
                let c = *self.b.get(self.i)?;
                match c {
                    b'{' | b'[' => {
                        depth += 1;
                        self.i += 1;
                        continue;
                    }
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        self.i += 1;
                    }
                    b'"' => self.i = self.string_end()?,
                    b',' | b':' if depth > 0 => {
                        self.i += 1;
                        continue;
                    }
                    _ => {
                        let n = self.b[self.i..]
                            .iter()
                            .position(|c| b",]} \t\r\n".contains(c))
                            .unwrap_or(self.b.len() - self.i);
                        if n == 0 {
                            return None;
                        }
                        self.i += n;
                    }
                }
                if depth == 0 {
                    return Some(());
                }
            }
        }

        /// One value as a `Value`, its span and its descendants' recorded; `None` past
        /// [`MAX_DEPTH`], on a key given twice, or on anything that is not JSON.
        fn value(&mut self, depth: usize) -> Option<Value> {
            if depth > MAX_DEPTH {
                return None;
            }
            self.ws();
            let start = self.i;
            let idx = self.spans.len();
            self.spans.push(Span {
                start,
                end: start,
                next: idx,
            });
            let v = match *self.b.get(self.i)? {
                b'{' => {
                    self.i += 1;
                    let mut m = serde_json::Map::new();
                    if self.eat(b'}').is_none() {
                        loop {
                            let k = self.string()?;
                            self.eat(b':')?;
                            let x = self.value(depth + 1)?;
                            if m.insert(k, x).is_some() {
                                return None;
                            }
                            if self.eat(b',').is_none() {
                                self.eat(b'}')?;
                                break;
                            }
                        }
                    }
                    Value::Object(m)
                }
                b'[' => {
                    self.i += 1;
                    let mut a = Vec::new();
                    if self.eat(b']').is_none() {
                        loop {
                            a.push(self.value(depth + 1)?);
                            if self.eat(b',').is_none() {
                                self.eat(b']')?;
                                break;
                            }
                        }
                    }
                    Value::Array(a)
                }
                b'"' => Value::String(self.string()?),
                _ => {
                    let n = self.b[self.i..]
                        .iter()
                        .position(|c| b",]} \t\r\n".contains(c))
                        .unwrap_or(self.b.len() - self.i);
                    let v: Value = serde_json::from_slice(&self.b[self.i..self.i + n]).ok()?;
                    if v.is_object() || v.is_array() || v.is_string() {
                        return None;
                    }
                    self.i += n;
                    v
                }
            };
            self.spans[idx].end = self.i;
            self.spans[idx].next = self.spans.len();
            Some(v)
        }
    }

    /// The replacements for `line`'s secrets, in order: (start, end, JSON text). `None` when
    /// the line is not one JSON object.
    pub fn edits(line: &[u8]) -> Option<Vec<(usize, usize, String)>> {
        let mut r = Reader {
            b: line,
            i: 0,
            spans: Vec::new(),
        };
        r.eat(b'{')?;
        let mut bodies = Vec::new();
        let mut resource = None;
        let mut refs = 0;
        let mut patch = false;
        if r.eat(b'}').is_none() {
            loop {
                let k = r.string()?;
                r.eat(b':')?;
                r.ws();
                let start = r.i;
                r.skip()?;
                let span = (start, r.i);
                match k.as_str() {
                    "requestObject" | "responseObject" => bodies.push((k == "requestObject", span)),
                    "objectRef" => {
                        refs += 1;
                        resource = serde_json::from_slice::<Value>(&line[span.0..span.1])
                            .ok()
                            .and_then(|v| v.get("resource")?.as_str().map(str::to_string));
                    }
                    "verb" => patch = &line[span.0..span.1] == b"\"patch\"",
                    _ => {}
                }
                if r.eat(b',').is_none() {
                    r.eat(b'}')?;
                    break;
                }
            }
        }
        // a request on secrets, or one whose resource cannot be told: Secret data (fail closed)
        let secret = refs != 1 || resource.as_deref().is_none_or(|r| r == "secrets");
        let red = Redactor::new(secret, false);
        let mut out = Vec::new();
        for (request, (start, end)) in bodies {
            let body = &line[start..end];
            // nothing named or shaped like a credential, however escaped: nothing to hide
            if !secret
                && memchr::memchr(b'\\', body).is_none()
                && std::str::from_utf8(body).is_ok_and(|b| !super::TRIGGER.is_match(b))
            {
                continue;
            }
            let mut br = Reader {
                b: body,
                i: 0,
                spans: Vec::new(),
            };
            let parsed = br.value(0).filter(|_| {
                br.ws();
                br.i == body.len()
            });
            let Some(v) = parsed else {
                out.push((start, end, quoted(placeholder(end - start))));
                continue;
            };
            let red = if memchr::memmem::find(body, super::LAST_APPLIED.as_bytes()).is_some() {
                red.about([Some(&v)])
            } else {
                red
            };
            let redacted = red.body(&v, patch && request);
            let mut idx = 0;
            diff(&v, &redacted, &br.spans, &mut idx, start, &mut out);
        }
        out.sort_by_key(|e| e.0);
        Some(out)
    }

    fn quoted(s: String) -> String {
        Value::String(s).to_string()
    }

    /// The spans where `red` differs from `orig` (walked in pre-order with `spans`), as
    /// replacements at `offset` in the line.
    fn diff(
        orig: &Value,
        red: &Value,
        spans: &[Span],
        idx: &mut usize,
        offset: usize,
        out: &mut Vec<(usize, usize, String)>,
    ) {
        let me = spans[*idx];
        match (orig, red) {
            (Value::Object(a), Value::Object(b))
                if a.len() == b.len() && a.keys().zip(b.keys()).all(|(x, y)| x == y) =>
            {
                *idx += 1;
                for (x, y) in a.values().zip(b.values()) {
                    diff(x, y, spans, idx, offset, out);
                }
            }
            (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
                *idx += 1;
                for (x, y) in a.iter().zip(b) {
                    diff(x, y, spans, idx, offset, out);
                }
            }
            (a, b) => {
                if a != b {
                    out.push((offset + me.start, offset + me.end, b.to_string()));
                }
                *idx = me.next;
            }
        }
    }
}

#[cfg(test)]
mod tests;
