//! A request's bodies for `history`: as [`Request::bodies`] reads them (the last stage's of
//! each, unreadable ones said as notes) with `managedFields` dropped, and which of them is the
//! object itself (not a Status, Scale, Table, options or list) or holds it (a list's `items`).
//! It does not redact (`diff.rs`, `patch.rs` and [`crate::redact`] do, where values are shown).

use serde_json::Value;

pub(super) use crate::correlate::Bodies;
use crate::correlate::Request;

/// The request's bodies ([`Request::bodies`]: the last stage's of each that can be read, the
/// others said as notes), `managedFields` dropped.
pub(super) fn read(r: &Request<'_>) -> Bodies {
    let mut b = r.bodies();
    for v in [&mut b.request, &mut b.response].into_iter().flatten() {
        strip_managed_fields(v);
    }
    b
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
