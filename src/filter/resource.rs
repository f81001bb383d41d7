//! Resources as kubectl names them (plurals, singulars and short names of the built-in
//! resources, with their groups) and one `--resource` selector (`NAME[.GROUP][/SUBRESOURCE]`,
//! globs, `!` to leave out) parsed and matched against a request. It does not hold the other
//! flags ([`super::Filter`]).

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

/// kubectl's short names and singulars for built-in resources: (plural, group, aliases).
const RESOURCES: &[(&str, &str, &[&str])] = &[
    ("pods", "", &["po", "pod"]),
    ("services", "", &["svc", "service"]),
    ("configmaps", "", &["cm", "configmap"]),
    ("secrets", "", &["secret"]),
    ("serviceaccounts", "", &["sa", "serviceaccount"]),
    ("namespaces", "", &["ns", "namespace"]),
    ("nodes", "", &["no", "node"]),
    ("events", "", &["ev", "event"]),
    ("endpoints", "", &["ep", "endpoint"]),
    ("persistentvolumes", "", &["pv", "persistentvolume"]),
    (
        "persistentvolumeclaims",
        "",
        &["pvc", "persistentvolumeclaim"],
    ),
    (
        "replicationcontrollers",
        "",
        &["rc", "replicationcontroller"],
    ),
    ("resourcequotas", "", &["quota", "resourcequota"]),
    ("limitranges", "", &["limits", "limitrange"]),
    ("podtemplates", "", &["podtemplate"]),
    ("componentstatuses", "", &["cs", "componentstatus"]),
    ("bindings", "", &["binding"]),
    ("deployments", "apps", &["deploy", "deployment"]),
    ("replicasets", "apps", &["rs", "replicaset"]),
    ("statefulsets", "apps", &["sts", "statefulset"]),
    ("daemonsets", "apps", &["ds", "daemonset"]),
    ("controllerrevisions", "apps", &["controllerrevision"]),
    ("jobs", "batch", &["job"]),
    ("cronjobs", "batch", &["cj", "cronjob"]),
    (
        "horizontalpodautoscalers",
        "autoscaling",
        &["hpa", "horizontalpodautoscaler"],
    ),
    ("ingresses", "networking.k8s.io", &["ing", "ingress"]),
    ("ingressclasses", "networking.k8s.io", &["ingressclass"]),
    (
        "networkpolicies",
        "networking.k8s.io",
        &["netpol", "networkpolicy"],
    ),
    (
        "poddisruptionbudgets",
        "policy",
        &["pdb", "poddisruptionbudget"],
    ),
    (
        "podsecuritypolicies",
        "policy",
        &["psp", "podsecuritypolicy"],
    ),
    ("roles", "rbac.authorization.k8s.io", &["role"]),
    (
        "rolebindings",
        "rbac.authorization.k8s.io",
        &["rolebinding"],
    ),
    (
        "clusterroles",
        "rbac.authorization.k8s.io",
        &["clusterrole"],
    ),
    (
        "clusterrolebindings",
        "rbac.authorization.k8s.io",
        &["crb", "clusterrolebinding"],
    ),
    (
        "customresourcedefinitions",
        "apiextensions.k8s.io",
        &["crd", "crds", "customresourcedefinition"],
    ),
    ("storageclasses", "storage.k8s.io", &["sc", "storageclass"]),
    ("volumeattachments", "storage.k8s.io", &["volumeattachment"]),
    ("csidrivers", "storage.k8s.io", &["csidriver"]),
    ("csinodes", "storage.k8s.io", &["csinode"]),
    (
        "certificatesigningrequests",
        "certificates.k8s.io",
        &["csr", "certificatesigningrequest"],
    ),
    (
        "priorityclasses",
        "scheduling.k8s.io",
        &["pc", "priorityclass"],
    ),
    ("leases", "coordination.k8s.io", &["lease"]),
    ("endpointslices", "discovery.k8s.io", &["endpointslice"]),
    ("runtimeclasses", "node.k8s.io", &["runtimeclass"]),
    (
        "mutatingwebhookconfigurations",
        "admissionregistration.k8s.io",
        &["mutatingwebhookconfiguration"],
    ),
    (
        "validatingwebhookconfigurations",
        "admissionregistration.k8s.io",
        &["validatingwebhookconfiguration"],
    ),
    ("apiservices", "apiregistration.k8s.io", &["apiservice"]),
    (
        "flowschemas",
        "flowcontrol.apiserver.k8s.io",
        &["flowschema"],
    ),
    (
        "prioritylevelconfigurations",
        "flowcontrol.apiserver.k8s.io",
        &["prioritylevelconfiguration"],
    ),
    ("tokenreviews", "authentication.k8s.io", &["tokenreview"]),
    (
        "subjectaccessreviews",
        "authorization.k8s.io",
        &["subjectaccessreview"],
    ),
    (
        "selfsubjectaccessreviews",
        "authorization.k8s.io",
        &["selfsubjectaccessreview"],
    ),
    (
        "selfsubjectrulesreviews",
        "authorization.k8s.io",
        &["selfsubjectrulesreview"],
    ),
];

/// Canonical plural for a kubectl name (`cm` → `configmaps`); unknown names (CRDs) pass through.
pub fn canonical_resource(name: &str) -> &str {
    RESOURCES
        .iter()
        .find(|(plural, _, aliases)| *plural == name || aliases.contains(&name))
        .map_or(name, |(plural, _, _)| plural)
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
    let (name, group) = match res.split_once('.') {
        Some((n, g)) => (n, Some(g.to_string())),
        None => (res, None),
    };
    let resource = if name.contains(['*', '?']) {
        name.to_string()
    } else {
        canonical_resource(name).to_string()
    };
    // core group spelled `pods.core` or `pods.`
    let group = group.map(|g| if g == "core" { String::new() } else { g });
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
