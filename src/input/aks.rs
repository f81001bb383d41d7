//! AKS: Azure Monitor diagnostic records, as a diagnostic setting sends them to a storage
//! account, Event Hub (`{"records":[...]}`, unwrapped by `format.rs`) or a file export.
//!
//! A record of category `kube-audit` or `kube-audit-admin` carries one audit Event in
//! `properties.log`, as a JSON string (the usual form) or an object. Records of other categories
//! (`kube-apiserver`, `guard`, ...) are well-formed but not audit events: the caller skips them
//! with a reason. This module only unwraps; the Event is read like any other.
//!
//! Which cluster and API server wrote it: the record's `resourceId`
//! (`/SUBSCRIPTIONS/…/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/<name>`, upper-cased
//! by Azure Monitor in most exports: kept as written) and `properties.pod`, the API server's pod
//! (`kube-apiserver-6d9f8c7b5-x2x9q`).

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
struct Props<'a> {
    #[serde(default, borrow)]
    log: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pod: Str<'a>,
}

/// The cluster's name in a `resourceId`: the segment after `managedClusters/` (any case).
pub fn cluster(resource_id: &str) -> Option<&str> {
    const KEY: &str = "/managedclusters/";
    let at = resource_id
        .as_bytes()
        .windows(KEY.len())
        .rposition(|w| w.eq_ignore_ascii_case(KEY.as_bytes()))?;
    let rest = &resource_id[at + KEY.len()..];
    let name = rest.split('/').next().unwrap_or(rest);
    (!name.is_empty()).then_some(name)
}

/// The Event of an AKS record, from its `category` and `properties` (as the envelope probe found
/// them), and the API server's pod when the record names it; `None` for a record of another
/// category.
pub fn log<'a>(
    category: Option<&RawValue>,
    properties: Option<&'a RawValue>,
) -> Result<Option<(Log<'a>, Str<'a>)>, String> {
    if let Some(c) = category {
        let cat: Str = serde_json::from_str(c.get())
            .map_err(|e| format!("AKS record: category: {}", strip_position(&e)))?;
        let cat = cat.as_str();
        if !cat.is_empty()
            && !cat.eq_ignore_ascii_case("kube-audit")
            && !cat.eq_ignore_ascii_case("kube-audit-admin")
        {
            return Ok(None);
        }
    }
    let props: Option<Props> = match properties {
        Some(p) => serde_json::from_str(p.get())
            .map_err(|e| format!("AKS record: properties: {}", strip_position(&e)))?,
        None => None,
    };
    let Some((log, pod)) = props.and_then(|p| Some((p.log?, p.pod))) else {
        return Err("AKS record without properties.log".into());
    };
    let raw = log.get();
    if raw.starts_with('"') {
        let s: String = serde_json::from_str(raw)
            .map_err(|e| format!("AKS properties.log: {}", strip_position(&e)))?;
        Ok(Some((Log::Text(s), pod)))
    } else if raw.starts_with('{') {
        Ok(Some((Log::Object(raw.as_bytes()), pod)))
    } else {
        Err("AKS properties.log is neither a JSON string nor an object".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_from_resource_id() {
        let id = "/SUBSCRIPTIONS/0/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/AKS1";
        assert_eq!(cluster(id), Some("AKS1"));
        let id = "/subscriptions/x/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/prod-eu/extra";
        assert_eq!(cluster(id), Some("prod-eu"));
        assert_eq!(cluster("/subscriptions/x/resourceGroups/rg"), None);
        assert_eq!(cluster(".../managedClusters/"), None);
        assert_eq!(cluster(""), None);
    }
}
