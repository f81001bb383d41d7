//! AKS: Azure Monitor diagnostic records, as a diagnostic setting sends them to a storage
//! account, Event Hub (`{"records":[...]}`, unwrapped by `format.rs`) or a file export.
//!
//! A record of category `kube-audit` or `kube-audit-admin` carries one audit Event in
//! `properties.log`, as a JSON string (the usual form) or an object. Records of other categories
//! (`kube-apiserver`, `guard`, ...) are well-formed but not audit events: the caller skips them
//! with a reason. This module only unwraps; the Event is read like any other.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::native::strip_position;
use crate::event::Str;

/// The Event inside a record.
pub enum Log<'a> {
    /// `properties.log` is an object: the Event's bytes.
    Object(&'a [u8]),
    /// `properties.log` is a string: the Event's text, unescaped.
    Text(String),
}

#[derive(Deserialize)]
struct Record<'a> {
    #[serde(default, borrow)]
    category: Str<'a>,
    #[serde(default, borrow)]
    properties: Option<Props<'a>>,
}

#[derive(Deserialize)]
struct Props<'a> {
    #[serde(default, borrow)]
    log: Option<&'a RawValue>,
}

/// The Event of an AKS record; `None` for a record of another category.
pub fn log(text: &str) -> Result<Option<Log<'_>>, String> {
    let r: Record =
        serde_json::from_str(text).map_err(|e| format!("AKS record: {}", strip_position(&e)))?;
    let cat = r.category.as_str();
    if !cat.is_empty()
        && !cat.eq_ignore_ascii_case("kube-audit")
        && !cat.eq_ignore_ascii_case("kube-audit-admin")
    {
        return Ok(None);
    }
    let Some(log) = r.properties.and_then(|p| p.log) else {
        return Err("AKS record without properties.log".into());
    };
    let raw = log.get();
    if raw.starts_with('"') {
        let s: String = serde_json::from_str(raw)
            .map_err(|e| format!("AKS properties.log: {}", strip_position(&e)))?;
        Ok(Some(Log::Text(s)))
    } else if raw.starts_with('{') {
        Ok(Some(Log::Object(raw.as_bytes())))
    } else {
        Err("AKS properties.log is neither a JSON string nor an object".into())
    }
}
