//! Diffs for `history`: the leaves that differ between two states of the object (or that a
//! create set), as paths (`spec.template.spec.containers[0].image`), list elements matched by
//! `name` or `type` when they have one, bookkeeping fields left out, every value redacted where
//! it is shown ([`crate::redact`]). It does not follow the object's state (`state.rs`) nor read
//! patch bodies (`patch.rs`).

use std::collections::HashMap;

use serde_json::Value;

use crate::redact::{Redactor, Seg, Shown, credential_arg, element};

/// The field that identifies the elements of these lists (`name`, else `type`), when every
/// element has it as a string and no two share it: then elements are compared by it, not by
/// position, so a reordered or inserted element does not look like every element changed.
fn list_key(a: &[Value], b: &[Value]) -> Option<&'static str> {
    ["name", "type"].into_iter().find(|k| {
        let unique = |l: &[Value]| {
            let ids: Option<Vec<&str>> = l.iter().map(|x| x.get(*k)?.as_str()).collect();
            ids.is_some_and(|mut ids| {
                ids.sort_unstable();
                ids.windows(2).all(|w| w[0] != w[1])
            })
        };
        !(a.is_empty() && b.is_empty()) && unique(a) && unique(b)
    })
}

/// Element `i` of the lists `a` (before) and `b` (after) as a path step: a credential when it
/// is named like one, or follows a flag named like one (`args: [--token, VALUE]`, `[mysql, -p,
/// VALUE]`: [`credential_arg`]).
fn list_element(key: Option<&'static str>, i: usize, a: &[Value], b: &[Value]) -> Seg {
    let seg = element(key, i, a.get(i), b.get(i));
    if credential_arg(a, i) || credential_arg(b, i) {
        seg.credential()
    } else {
        seg
    }
}

/// The id of a list element under `key`.
fn id_of<'v>(v: &'v Value, key: &str) -> &'v str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// `spec.template.spec.containers[0].image`, `metadata.labels["app.kubernetes.io/name"]`.
pub(super) fn path_string(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k)
                if !k.is_empty()
                    && k.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') =>
            {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Key(k) => {
                s.push('[');
                s.push_str(&Value::String(k.clone()).to_string());
                s.push(']');
            }
            Seg::Index(i, _) => s.push_str(&format!("[{i}]")),
            Seg::Match(k, v, _)
                if !v.is_empty()
                    && v.chars().all(|c| {
                        c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':')
                    }) =>
            {
                s.push_str(&format!("[{k}={v}]"))
            }
            Seg::Match(k, v, _) => s.push_str(&format!("[{k}={}]", Value::String(v.clone()))),
        }
    }
    s
}

/// One changed leaf: absent `old` = added, absent `new` = removed.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Change {
    pub(super) path: String,
    pub(super) old: Option<Shown>,
    pub(super) new: Option<Shown>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// The fields a create set: no server-set or empty fields, nor the name and namespace.
    Create,
    /// A write: status and bookkeeping ignored.
    Update,
    /// A status write: status compared too.
    Status,
}

/// Paths that change on every write or say nothing about what was asked.
fn noise(path: &[Seg], mode: Mode) -> bool {
    use Seg::Key;
    match path {
        [Key(k)] if k == "kind" || k == "apiVersion" => true,
        [Key(k), ..] if k == "status" => mode != Mode::Status,
        [Key(m), Key(f), ..] if m == "metadata" => {
            matches!(
                f.as_str(),
                "managedFields"
                    | "resourceVersion"
                    | "generation"
                    | "uid"
                    | "creationTimestamp"
                    | "selfLink"
            ) || (mode == Mode::Create && matches!(f.as_str(), "name" | "namespace"))
        }
        _ => false,
    }
}

/// History's diffs with the redactor ([`crate::redact`]): each value redacted where it is
/// shown.
impl Redactor {
    pub(super) fn change(&self, path: &[Seg], old: Option<&Value>, new: Option<&Value>) -> Change {
        let mut p = path.to_vec();
        Change {
            path: path_string(path),
            old: old.map(|v| self.redact(v, &mut p)),
            new: new.map(|v| self.redact(v, &mut p)),
        }
    }

    /// The leaves that differ between `old` and `new`, in the order of `new` then removals.
    pub(super) fn diff(
        &self,
        old: Option<&Value>,
        new: Option<&Value>,
        path: &mut Vec<Seg>,
        mode: Mode,
        out: &mut Vec<Change>,
    ) {
        if !path.is_empty() && noise(path, mode) {
            return;
        }
        // an element added or removed whole: its id is already in the path
        if let [.., Seg::Match(k, _, _), Seg::Key(f)] = path.as_slice()
            && k == f
            && (old.is_none() || new.is_none())
        {
            return;
        }
        let mut each = |path: &mut Vec<Seg>, seg: Seg, a: Option<&Value>, b: Option<&Value>| {
            path.push(seg);
            self.diff(a, b, path, mode, out);
            path.pop();
        };
        match (old, new) {
            (Some(Value::Object(a)), Some(Value::Object(b))) => {
                for (k, v) in b {
                    each(path, Seg::Key(k.clone()), a.get(k), Some(v));
                }
                for (k, v) in a {
                    if !b.contains_key(k) {
                        each(path, Seg::Key(k.clone()), Some(v), None);
                    }
                }
            }
            (Some(Value::Array(a)), Some(Value::Array(b))) => match list_key(a, b) {
                Some(key) => {
                    // by id, in linear time: lists such as an Endpoints' can be long
                    let old: HashMap<&str, &Value> = a.iter().map(|y| (id_of(y, key), y)).collect();
                    let new: HashMap<&str, &Value> = b.iter().map(|x| (id_of(x, key), x)).collect();
                    for x in b {
                        let id = id_of(x, key);
                        let y = old.get(id).copied();
                        each(path, element(Some(key), 0, y, Some(x)), y, Some(x));
                    }
                    for y in a {
                        let id = id_of(y, key);
                        if !new.contains_key(id) {
                            each(path, element(Some(key), 0, Some(y), None), Some(y), None);
                        }
                    }
                }
                None => {
                    for i in 0..a.len().max(b.len()) {
                        each(path, list_element(None, i, a, b), a.get(i), b.get(i));
                    }
                }
            },
            (Some(a), Some(b)) if a == b => {}
            (None, None) => {}
            (None, Some(Value::Object(b))) if !b.is_empty() => {
                for (k, v) in b {
                    each(path, Seg::Key(k.clone()), None, Some(v));
                }
            }
            (None, Some(Value::Array(b))) if !b.is_empty() => {
                let key = list_key(&[], b);
                for (i, v) in b.iter().enumerate() {
                    each(path, list_element(key, i, &[], b), None, Some(v));
                }
            }
            (Some(Value::Object(a)), None) if !a.is_empty() => {
                for (k, v) in a {
                    each(path, Seg::Key(k.clone()), Some(v), None);
                }
            }
            (Some(Value::Array(a)), None) if !a.is_empty() => {
                let key = list_key(a, &[]);
                for (i, v) in a.iter().enumerate() {
                    each(path, list_element(key, i, a, &[]), Some(v), None);
                }
            }
            (None, Some(b)) if mode == Mode::Create && empty(b) => {}
            (a, b) => out.push(self.change(path, a, b)),
        }
    }
}

/// `null`, `{}`, `[]`: nothing a create listing needs to show.
fn empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}
