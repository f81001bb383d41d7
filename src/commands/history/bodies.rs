//! A request's bodies for `history`: read from the raw lines of its stages (the last one that
//! has each, `managedFields` dropped, unreadable ones said as notes), and which of them is the
//! object itself (not a Status, Scale, Table, options or list) or holds it (a list's `items`).
//! It does not redact (`diff.rs`, `patch.rs` and [`crate::redact`] do, where values are shown).

use serde_json::Value;

use crate::correlate::Request;

#[derive(Default)]
pub(super) struct Bodies {
    pub(super) request: Option<Value>,
    pub(super) response: Option<Value>,
    /// Bodies the log has but that could not be read, said as notes (`the request body could
    /// not be read (too deeply nested)`): the log is not without bodies.
    pub(super) unreadable: Vec<String>,
}

/// Why a body could not be read: serde_json stops at 128 levels of nesting.
fn unreadable(which: &str, e: &serde_json::Error) -> String {
    let why = if e.to_string().contains("recursion limit") {
        "too deeply nested".to_string()
    } else {
        e.to_string()
    };
    format!("the {which} body could not be read ({why})")
}

impl Bodies {
    pub(super) fn of(r: &Request<'_>) -> Bodies {
        let mut b = Bodies::default();
        for m in &r.marks {
            let Some(raw) = &m.raw else { continue };
            if memchr::memmem::find(raw, b"Object\"").is_none() {
                continue;
            }
            let line = crate::event::LineBodies::read(raw);
            let mut readable = |which: &str, body: serde_json::Result<Option<Value>>| {
                body.unwrap_or_else(|e| {
                    b.unreadable.push(unreadable(which, &e));
                    None
                })
            };
            let request = readable("request", line.request);
            let response = readable("response", line.response);
            if request.is_some() {
                b.request = request;
            }
            if response.is_some() {
                b.response = response;
            }
        }
        b.unreadable.dedup();
        for v in [&mut b.request, &mut b.response].into_iter().flatten() {
            strip_managed_fields(v);
        }
        b
    }
    /// The log has bodies for this request (read or not).
    pub(super) fn any(&self) -> bool {
        self.request.is_some() || self.response.is_some() || !self.unreadable.is_empty()
    }
}

/// `metadata.managedFields` is bookkeeping, often most of an object: drop it (and from list items).
fn strip_managed_fields(v: &mut Value) {
    if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        m.shift_remove("managedFields");
    }
    if let Some(items) = v.get_mut("items").and_then(Value::as_array_mut) {
        for it in items {
            strip_managed_fields(it);
        }
    }
}

/// options or list, of the kind already seen, and with the object's name (a create's request may
/// have only `generateName`).
pub(super) fn is_object(v: &Value, name: &str, kind: Option<&str>) -> bool {
    let Some(o) = v.as_object() else { return false };
    if let Some(k) = o.get("kind").and_then(Value::as_str)
        && (matches!(k, "Status" | "Scale" | "DeleteOptions" | "Table")
            || k.starts_with("PartialObjectMetadata")
            || k.ends_with("List")
            || k.ends_with("Options")
            || kind.is_some_and(|want| want != k))
    {
        return false;
    }
    match v.pointer("/metadata/name").and_then(Value::as_str) {
        Some(n) => n == name,
        None => v.pointer("/metadata/generateName").is_some(),
    }
}

/// The object in a list response (`items`), found by name.
pub(super) fn list_item<'v>(
    list: Option<&'v Value>,
    name: &str,
    kind: Option<&str>,
) -> Option<&'v Value> {
    list?
        .get("items")?
        .as_array()?
        .iter()
        .find(|it| it.pointer("/metadata/name").and_then(Value::as_str) == Some(name))
        .filter(|it| is_object(it, name, kind))
}

/// `metadata.resourceVersion` as a number (etcd revisions are, in practice).
pub(super) fn rv(v: &Value) -> Option<u64> {
    v.pointer("/metadata/resourceVersion")?
        .as_str()?
        .parse()
        .ok()
}
