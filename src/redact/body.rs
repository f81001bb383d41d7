//! Secrets by place in bodies: the [`Redactor`] walks a value with its path and hides what
//! sits where a secret does (a Secret's data, credential-named keys and list elements, JSON
//! patch values by the path they write to, JSON text embedded in a string), as a [`Shown`]
//! value; credential-shaped text elsewhere is left to [`super::text`]. It does not read raw
//! lines (`raw.rs`).

use std::borrow::Cow;

use serde_json::Value;

use super::names::{
    STRUCTURAL, Seg, base64_len, credential_arg, credential_word, element, is_data, last_applied,
    not_a_value, pointer_key, sensitive_key,
};
use super::patch::{op_paths, resolve};
use super::placeholder;
use super::text::text;

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
