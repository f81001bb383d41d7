//! What names a credential, for [`crate::redact`]: JSON path steps ([`Seg`]), keys named like a
//! credential and those that only point at one (`secretName`), list elements that are named
//! credentials (an `env` entry `DB_PASSWORD`) and command-line arguments that follow a
//! credential flag or a tool's password flag, places that hold no value (label values, CRD
//! schemas) and a Secret's data. It does not hide anything (`body.rs`, `text.rs`).

use serde_json::Value;

use super::LAST_APPLIED;
use super::text::{TOOL_REACH, credential_name_text, tool_args};

/// Fields that sit below a credential-named object without holding its secret: a projected
/// `serviceAccountToken`'s `path` and `audience`, a `secret` volume's `defaultMode`.
pub(super) const STRUCTURAL: [&str; 11] = [
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
pub(super) fn credential_element(v: Option<&Value>) -> bool {
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
pub(super) fn sensitive_key(k: &str) -> bool {
    credential_name(k, false)
}

/// Text that mentions a credential anywhere (any case): embedded JSON that cannot be parsed is
/// hidden when it does.
pub(super) fn credential_word(s: &str) -> bool {
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
pub(super) fn credential_name(key: &str, text: bool) -> bool {
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
pub(super) fn pointer_key(key: &str) -> bool {
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
pub(super) fn not_a_value(path: &[Seg]) -> bool {
    matches!(path, [.., Seg::Key(l), Seg::Key(_)] if l == "labels")
        || path
            .iter()
            .any(|s| matches!(s, Seg::Key(k) if k == "openAPIV3Schema"))
}

pub(super) fn is_data(s: &Seg) -> bool {
    matches!(s, Seg::Key(k) if k == "data" || k == "stringData")
}

/// Is `path` the last-applied annotation (of the object or of a template in it)?
pub(super) fn last_applied(path: &[Seg]) -> bool {
    matches!(path, [.., Seg::Key(a), Seg::Key(l)] if a == "annotations" && l == LAST_APPLIED)
}

/// Decoded length of base64 text, when it is base64 (Secret `data` values are).
pub(super) fn base64_len(s: &str) -> Option<usize> {
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
