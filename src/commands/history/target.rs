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

/// The name a list, watch or deletecollection selects with `fieldSelector=metadata.name=NAME`
/// (or `==`, URL-encoded or not), as the API server reads it (`vocab::uri`).
pub(super) fn selector_names(uri: &str) -> impl Iterator<Item = String> + '_ {
    crate::vocab::uri::query_param(uri, "fieldSelector")
        .and_then(|s| crate::vocab::uri::FieldSelector::parse(&s))
        .and_then(|f| f.requires_exact_match("metadata.name").map(String::from))
        .into_iter()
}
