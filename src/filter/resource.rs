//! One `--resource` selector (`NAME[.GROUP][/SUBRESOURCE]`, globs, `!` to leave out) parsed and
//! matched against a request. kubectl's names for resources (`cm`, `deploy`) are read by
//! [`crate::vocab::resources`]; the other flags are [`super::Filter`]'s.

use anyhow::{Result, bail};

use super::Glob;
use crate::correlate::Request;

/// One `--resource` entry: `NAME[.GROUP][/SUBRESOURCE]`, each part a glob (a name without one
/// is read as kubectl reads it: `cm`, `deploy`), `!` in front to leave the matches out.
#[derive(Debug, Clone)]
pub struct ResourceSel {
    /// Plural resource name (or its glob), `*` for any.
    pub resource: String,
    /// API group; `None` for any.
    pub group: Option<String>,
    /// `None`: any (with or without a subresource); `*`: any subresource, not none.
    pub subresource: Option<String>,
    /// `!NAME`: a request that matches is left out.
    pub negate: bool,
    globs: [Option<Glob>; 3],
}

impl ResourceSel {
    /// The entry as kubectl would write it (`deployments.apps/scale`), `!` aside.
    pub(super) fn text(&self) -> String {
        let mut t = self.resource.clone();
        if let Some(g) = &self.group {
            t.push('.');
            t.push_str(g);
        }
        if let Some(s) = &self.subresource {
            t.push('/');
            t.push_str(s);
        }
        t
    }

    /// Does the request's resource match (`negate` aside)?
    pub(super) fn matches(&self, r: &Request) -> bool {
        let [res, group, sub] = &self.globs;
        res.as_ref().is_none_or(|g| g.is_match(&r.resource))
            && group.as_ref().is_none_or(|g| g.is_match(&r.api_group))
            && match (&self.subresource, sub) {
                (None, _) => true,
                (Some(s), _) if s == "*" => !r.subresource.is_empty(),
                (Some(_), Some(g)) => g.is_match(&r.subresource),
                (Some(_), None) => true,
            }
    }

    /// An exact resource name (no glob, not negated): a literal every line of a match holds.
    pub(super) fn literal(&self) -> Option<&str> {
        (!self.negate && !self.resource.contains(['*', '?'])).then_some(self.resource.as_str())
    }
}

/// `cm`, `deployments.apps`, `pods/exec`, `*/exec`, `widgets.example.com/status`.
pub fn parse_resource(s: &str) -> Result<ResourceSel> {
    let (negate, s) = match s.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let lower = s.to_ascii_lowercase();
    let (res, sub) = match lower.split_once('/') {
        Some((r, sub)) if !sub.is_empty() && !sub.contains('/') => (r, Some(sub.to_string())),
        None => (lower.as_str(), None),
        _ => bail!(
            "--resource: {s:?} is not a resource; write NAME, NAME.GROUP or NAME/SUBRESOURCE (example: --resource cm,deployments.apps,pods/exec)"
        ),
    };
    let part_ok = |p: &str| {
        !p.contains(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '*' | '?')))
    };
    if res.is_empty() || !part_ok(res) || sub.as_deref().is_some_and(|s| !part_ok(s)) {
        bail!(
            "--resource: {s:?} is not a resource; write NAME, NAME.GROUP or NAME/SUBRESOURCE (example: --resource cm,deployments.apps,pods/exec)"
        );
    }
    // kubectl's names (`cm`, `deploy.apps`, `pods.core`); globs and custom resources unchanged
    let (resource, group) = crate::vocab::resources::qualified(res);
    let (resource, group) = (resource.to_string(), group.map(String::from));
    let globs = [
        (resource != "*").then(|| Glob::new(&resource)),
        group.as_deref().map(Glob::new),
        sub.as_deref().filter(|s| *s != "*").map(Glob::new),
    ];
    Ok(ResourceSel {
        resource,
        group,
        subresource: sub,
        negate,
        globs,
    })
}
