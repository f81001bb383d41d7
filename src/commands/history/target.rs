//! The object `history` is asked about (`KIND/NAME`, parsed and described for messages) and
//! how a request reaches it besides by name: a list, watch or deletecollection whose field
//! selector names it (`fieldSelector=metadata.name=NAME`, percent-decoded). It does not decide
//! what a request did to the object (`state.rs`).

use anyhow::{Result, anyhow};

use crate::filter::{ResourceSel, parse_resource};

const EXAMPLE: &str = "(example: kaudit history cm/feature-toggles -n staging)";

/// The object asked about: `KIND/NAME`.
#[derive(Debug, Clone)]
pub struct Target {
    /// KIND as given (`cm`, `deployments.apps`), for the scan filter.
    pub kind: String,
    pub sel: ResourceSel,
    pub name: String,
}

impl Target {
    /// `cm/feature-toggles`, `deployments.apps/checkout-ui`, `pods/exec/debug-box` (the name is
    /// after the last slash; object names have none).
    pub fn parse(s: &str) -> Result<Target> {
        let bad = |why: &str| anyhow!("KIND/NAME: {s:?} {why} {EXAMPLE}");
        let Some((kind, name)) = s.rsplit_once('/') else {
            return Err(bad(
                "is not KIND/NAME; write the resource, a slash and the object's name",
            ));
        };
        if kind.is_empty() {
            return Err(bad("has no KIND before the slash"));
        }
        if name.is_empty() {
            return Err(bad("has no NAME after the slash"));
        }
        if name.contains(['*', '?']) || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad(
                "does not name one object: NAME is an exact name (no globs, no spaces)",
            ));
        }
        if kind == "*" || kind.starts_with("*/") {
            return Err(bad("needs a resource as KIND, not *"));
        }
        let sel = parse_resource(kind).map_err(|_| {
            bad("has no valid KIND; write a plural, singular or short name (cm, deploy, secret), NAME.GROUP or NAME/SUBRESOURCE")
        })?;
        Ok(Target {
            kind: kind.to_string(),
            sel,
            name: name.to_string(),
        })
    }

    /// `configmaps staging/feature-toggles` for messages.
    pub(super) fn describe(&self, namespaces: &[String]) -> String {
        let kind = match &self.sel.subresource {
            Some(s) => format!("{}/{s}", self.sel.resource),
            None => self.sel.resource.clone(),
        };
        match namespaces {
            [ns] => format!("{kind} {ns}/{}", self.name),
            [] => format!("{kind} {}", self.name),
            many => format!("{kind} {} in {}", self.name, many.join(",")),
        }
    }
}

/// How a request reached the object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Touch {
    /// `objectRef.name` is the object (subresources included).
    Named,
    /// A list, watch or deletecollection with `fieldSelector=metadata.name=NAME`.
    Selector,
    /// A deletecollection whose response lists the object among those deleted.
    Collection,
}

/// The names a `fieldSelector=metadata.name=NAME` (or `==`, URL-encoded or not) selects.
pub(super) fn selector_names(uri: &str) -> impl Iterator<Item = String> + '_ {
    let query = uri.split_once('?').map_or("", |(_, q)| q);
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .filter(|(k, _)| *k == "fieldSelector")
        .flat_map(|(_, v)| {
            percent_decode(v)
                .split(',')
                .filter_map(|term| {
                    let (k, v) = term.split_once("==").or_else(|| term.split_once('='))?;
                    (k.trim() == "metadata.name").then(|| v.trim().to_string())
                })
                .collect::<Vec<_>>()
        })
}

/// Decode `%XX` escapes and `+` (a query string's space).
pub(super) fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                match std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(x) => {
                        out.push(x);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
