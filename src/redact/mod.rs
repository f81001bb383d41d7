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
//!
//! The parts: `names.rs` (which keys, list elements and command-line flags name a credential),
//! `body.rs` (the [`Redactor`]: secrets by place in bodies), `patch.rs` (a JSON patch's paths
//! resolved against the object, to know where each value goes), `text.rs` (credential-shaped
//! text) and `raw.rs` (a raw line rewritten only at its secret values).

use std::borrow::Cow;

mod body;
mod names;
mod patch;
mod raw;
#[cfg(test)]
mod tests;
mod text;

pub use body::{Redactor, Shown};
pub use names::{Seg, credential_arg, element};
pub use patch::{op_paths, well_formed};
pub use raw::raw_line;
pub use text::text;

use names::sensitive_key;

/// The annotation `kubectl apply` keeps the whole applied object in, as JSON text.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Where a JSON patch index that cannot be resolved against the object is taken as a credential
/// (lists and maps whose elements are named values), and where a body value a finding shows is
/// hidden whole (the finding does not say whether the object was a Secret).
const CREDENTIAL_SCOPES: [&str; 5] = ["env", "envFrom", "data", "stringData", "binaryData"];

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

/// The words of a command line that a `detect` finding shows (an exec's `command` query
/// parameters): a credential argument (`--token X`, `mysql -pX`, `curl -u a:b`) hidden whole,
/// credential-shaped text in the others redacted.
pub fn command_words<'a>(words: &[&'a str]) -> Vec<Cow<'a, str>> {
    let list: Vec<serde_json::Value> = words
        .iter()
        .map(|w| serde_json::Value::String(w.to_string()))
        .collect();
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if names::credential_arg(&list, i) {
                Cow::Owned(placeholder(w.len()))
            } else {
                text(w)
            }
        })
        .collect()
}

/// `<redacted N bytes>`.
fn placeholder(n: usize) -> String {
    format!("<redacted {n} bytes>")
}
