//! JSON patches (RFC 6902) for redaction: which operations can be read, and the path each
//! operation writes to, its list indexes resolved against the object as the operations before
//! it left it, so that a value written into a credential element is known as one (and an
//! index that cannot be resolved where credentials live is taken as one: fail closed). The
//! patch is applied only to follow the object; it is never shown applied.

use std::borrow::Cow;

use serde_json::Value;

use super::CREDENTIAL_SCOPES;
use super::names::{Seg, credential_arg, credential_element};

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
pub(super) fn resolve(doc: Option<&Value>, pointer: &str, value: Option<&Value>) -> Vec<Seg> {
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
