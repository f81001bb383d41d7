//! The built-in resources as kubectl names them, in one table: the plural the API server logs
//! (`objectRef.resource`), its group, its singular, kubectl's short names and whether its
//! objects live in a namespace. `--resource` and `history KIND/NAME` read kubectl's names here,
//! `timeline` says a kind in the singular, completion offers the plurals and short names. It
//! does not know custom resources (their names pass through unchanged) nor match requests
//! (`filter`).

use std::borrow::Cow;
use std::sync::LazyLock;

/// Where a resource's objects live (kubectl api-resources' NAMESPACED column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// In a namespace: `payments/gateway-settings`.
    Namespaced,
    /// Cluster-wide (nodes, namespaces, cluster roles, reviews): no namespace.
    Cluster,
}

/// A built-in resource.
#[derive(Debug)]
pub struct Resource {
    /// As the API server logs it: `configmaps`.
    pub plural: &'static str,
    /// The API group; empty for the core group.
    pub group: &'static str,
    /// kubectl's singular (`configmap`; `endpoints` stays plural, the kind is `Endpoints`).
    pub singular: &'static str,
    /// kubectl's short names (`cm`).
    pub short: &'static [&'static str],
    pub scope: Scope,
}

const fn r(
    plural: &'static str,
    group: &'static str,
    singular: &'static str,
    short: &'static [&'static str],
    scope: Scope,
) -> Resource {
    Resource {
        plural,
        group,
        singular,
        short,
        scope,
    }
}

use Scope::{Cluster, Namespaced};

/// The built-in resources (kubectl api-resources of a recent cluster, and PodSecurityPolicy,
/// removed in 1.25 but in older logs). `crb` is kaudit's, not kubectl's.
#[rustfmt::skip]
pub const RESOURCES: &[Resource] = &[
    r("pods", "", "pod", &["po"], Namespaced),
    r("services", "", "service", &["svc"], Namespaced),
    r("configmaps", "", "configmap", &["cm"], Namespaced),
    r("secrets", "", "secret", &[], Namespaced),
    r("serviceaccounts", "", "serviceaccount", &["sa"], Namespaced),
    r("namespaces", "", "namespace", &["ns"], Cluster),
    r("nodes", "", "node", &["no"], Cluster),
    r("events", "", "event", &["ev"], Namespaced),
    r("endpoints", "", "endpoints", &["ep"], Namespaced),
    r("persistentvolumes", "", "persistentvolume", &["pv"], Cluster),
    r("persistentvolumeclaims", "", "persistentvolumeclaim", &["pvc"], Namespaced),
    r("replicationcontrollers", "", "replicationcontroller", &["rc"], Namespaced),
    r("resourcequotas", "", "resourcequota", &["quota"], Namespaced),
    r("limitranges", "", "limitrange", &["limits"], Namespaced),
    r("podtemplates", "", "podtemplate", &[], Namespaced),
    r("componentstatuses", "", "componentstatus", &["cs"], Cluster),
    r("bindings", "", "binding", &[], Namespaced),
    r("deployments", "apps", "deployment", &["deploy"], Namespaced),
    r("replicasets", "apps", "replicaset", &["rs"], Namespaced),
    r("statefulsets", "apps", "statefulset", &["sts"], Namespaced),
    r("daemonsets", "apps", "daemonset", &["ds"], Namespaced),
    r("controllerrevisions", "apps", "controllerrevision", &[], Namespaced),
    r("jobs", "batch", "job", &[], Namespaced),
    r("cronjobs", "batch", "cronjob", &["cj"], Namespaced),
    r("horizontalpodautoscalers", "autoscaling", "horizontalpodautoscaler", &["hpa"], Namespaced),
    r("ingresses", "networking.k8s.io", "ingress", &["ing"], Namespaced),
    r("ingressclasses", "networking.k8s.io", "ingressclass", &[], Cluster),
    r("networkpolicies", "networking.k8s.io", "networkpolicy", &["netpol"], Namespaced),
    r("poddisruptionbudgets", "policy", "poddisruptionbudget", &["pdb"], Namespaced),
    r("podsecuritypolicies", "policy", "podsecuritypolicy", &["psp"], Cluster),
    r("roles", "rbac.authorization.k8s.io", "role", &[], Namespaced),
    r("rolebindings", "rbac.authorization.k8s.io", "rolebinding", &[], Namespaced),
    r("clusterroles", "rbac.authorization.k8s.io", "clusterrole", &[], Cluster),
    r("clusterrolebindings", "rbac.authorization.k8s.io", "clusterrolebinding", &["crb"], Cluster),
    r("customresourcedefinitions", "apiextensions.k8s.io", "customresourcedefinition", &["crd", "crds"], Cluster),
    r("storageclasses", "storage.k8s.io", "storageclass", &["sc"], Cluster),
    r("volumeattachments", "storage.k8s.io", "volumeattachment", &[], Cluster),
    r("csidrivers", "storage.k8s.io", "csidriver", &[], Cluster),
    r("csinodes", "storage.k8s.io", "csinode", &[], Cluster),
    r("certificatesigningrequests", "certificates.k8s.io", "certificatesigningrequest", &["csr"], Cluster),
    r("priorityclasses", "scheduling.k8s.io", "priorityclass", &["pc"], Cluster),
    r("leases", "coordination.k8s.io", "lease", &[], Namespaced),
    r("endpointslices", "discovery.k8s.io", "endpointslice", &[], Namespaced),
    r("runtimeclasses", "node.k8s.io", "runtimeclass", &[], Cluster),
    r("mutatingwebhookconfigurations", "admissionregistration.k8s.io", "mutatingwebhookconfiguration", &[], Cluster),
    r("validatingwebhookconfigurations", "admissionregistration.k8s.io", "validatingwebhookconfiguration", &[], Cluster),
    r("apiservices", "apiregistration.k8s.io", "apiservice", &[], Cluster),
    r("flowschemas", "flowcontrol.apiserver.k8s.io", "flowschema", &[], Cluster),
    r("prioritylevelconfigurations", "flowcontrol.apiserver.k8s.io", "prioritylevelconfiguration", &[], Cluster),
    r("tokenreviews", "authentication.k8s.io", "tokenreview", &[], Cluster),
    r("subjectaccessreviews", "authorization.k8s.io", "subjectaccessreview", &[], Cluster),
    r("selfsubjectaccessreviews", "authorization.k8s.io", "selfsubjectaccessreview", &[], Cluster),
    r("selfsubjectrulesreviews", "authorization.k8s.io", "selfsubjectrulesreview", &[], Cluster),
    r("localsubjectaccessreviews", "authorization.k8s.io", "localsubjectaccessreview", &[], Namespaced),
];

/// Subresources completion offers besides the resources: the connections into pods and nodes,
/// logs and the TokenRequest.
pub const SUBRESOURCES: [&str; 6] = [
    "pods/exec",
    "pods/attach",
    "pods/portforward",
    "pods/log",
    "nodes/proxy",
    "serviceaccounts/token",
];

/// The resource kubectl means by `name`: a plural, a singular or a short name, lower-case.
pub fn find(name: &str) -> Option<&'static Resource> {
    RESOURCES
        .iter()
        .find(|r| r.plural == name || r.singular == name || r.short.contains(&name))
}

/// The resource whose plural (as logged) is `plural`.
pub fn by_plural(plural: &str) -> Option<&'static Resource> {
    RESOURCES.iter().find(|r| r.plural == plural)
}

/// The plural kubectl means by `name` (`cm` → `configmaps`); unknown names (custom resources,
/// globs) pass through.
pub fn canonical(name: &str) -> &str {
    find(name).map_or(name, |r| r.plural)
}

/// `NAME[.GROUP]` as kubectl reads it: the plural of NAME and the group, if one is written
/// (`core`, or nothing after the dot, for the core group's empty one). `deploy.apps` →
/// (`deployments`, `apps`), `cm` → (`configmaps`, none), `widgets.example.com` → (`widgets`,
/// `example.com`).
pub fn qualified(s: &str) -> (&str, Option<&str>) {
    match s.split_once('.') {
        Some((name, group)) => (
            canonical(name),
            Some(if group == "core" { "" } else { group }),
        ),
        None => (canonical(s), None),
    }
}

/// A plural in the singular: the table's, else a guess (`widgets` → `widget`, `policies` →
/// `policy`).
pub fn singular(plural: &str) -> Cow<'_, str> {
    if let Some(r) = by_plural(plural) {
        Cow::Borrowed(r.singular)
    } else if let Some(stem) = plural.strip_suffix("ies") {
        Cow::Owned(format!("{stem}y"))
    } else {
        Cow::Borrowed(plural.strip_suffix('s').unwrap_or(plural))
    }
}

/// Are `plural`'s objects cluster-wide? Unknown resources are taken to be namespaced.
pub fn is_cluster_scoped(plural: &str) -> bool {
    by_plural(plural).is_some_and(|r| r.scope == Cluster)
}

/// What completion offers for `--resource`: each plural and its short names, then
/// [`SUBRESOURCES`].
pub fn completion() -> &'static [&'static str] {
    static ALL: LazyLock<Vec<&str>> = LazyLock::new(|| {
        RESOURCES
            .iter()
            .flat_map(|r| std::iter::once(r.plural).chain(r.short.iter().copied()))
            .chain(SUBRESOURCES)
            .collect()
    });
    &ALL
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_and_singulars_find_the_plural_and_group() {
        let cm = find("cm").unwrap();
        assert_eq!((cm.plural, cm.group), ("configmaps", ""));
        let deploy = find("deploy").unwrap();
        assert_eq!((deploy.plural, deploy.group), ("deployments", "apps"));
        assert_eq!(
            find("clusterrolebinding").unwrap().plural,
            "clusterrolebindings"
        );
        assert_eq!(find("crds").unwrap().group, "apiextensions.k8s.io");
        assert_eq!(canonical("netpol"), "networkpolicies");
        assert_eq!(canonical("widgets"), "widgets");
        assert_eq!(canonical("de*"), "de*");
        assert_eq!(canonical("ep"), "endpoints");
    }

    /// The copies disagreed: `--resource` did not know what `timeline` did
    /// (localsubjectaccessreviews), and read `endpoint`, which kubectl refuses (its singular is
    /// `endpoints`, kubernetes#61200), as `timeline` said.
    #[test]
    fn the_copies_disagreements_go_to_kubectl() {
        let local = find("localsubjectaccessreview").unwrap();
        assert_eq!(
            (local.plural, local.group, local.scope),
            (
                "localsubjectaccessreviews",
                "authorization.k8s.io",
                Namespaced
            )
        );
        assert!(find("endpoint").is_none());
        assert_eq!(find("endpoints").unwrap().singular, "endpoints");
    }

    #[test]
    fn group_qualified_names() {
        assert_eq!(qualified("deploy.apps"), ("deployments", Some("apps")));
        assert_eq!(qualified("deployment.apps"), ("deployments", Some("apps")));
        assert_eq!(qualified("cm"), ("configmaps", None));
        assert_eq!(qualified("pods.core"), ("pods", Some("")));
        assert_eq!(qualified("po."), ("pods", Some("")));
        assert_eq!(
            qualified("widgets.example.com"),
            ("widgets", Some("example.com"))
        );
    }

    #[test]
    fn singulars_and_scopes() {
        assert_eq!(singular("networkpolicies"), "networkpolicy");
        assert_eq!(singular("endpoints"), "endpoints");
        assert_eq!(singular("widgets"), "widget");
        assert_eq!(singular("proxies"), "proxy");
        assert_eq!(singular("data"), "data");
        assert!(is_cluster_scoped("clusterroles") && is_cluster_scoped("nodes"));
        assert!(!is_cluster_scoped("localsubjectaccessreviews"));
        assert!(!is_cluster_scoped("widgets"));
    }

    /// Every name means one resource, and completion offers only names `--resource` reads.
    #[test]
    fn names_are_unique_and_completion_reads_back() {
        let mut names: Vec<&str> = RESOURCES
            .iter()
            .flat_map(|r| {
                [r.plural, r.singular]
                    .into_iter()
                    .chain(r.short.iter().copied())
            })
            .collect();
        names.sort_unstable();
        names.dedup();
        let singular_is_plural = RESOURCES.iter().filter(|r| r.plural == r.singular).count();
        let total: usize = RESOURCES.iter().map(|r| 2 + r.short.len()).sum();
        assert_eq!(names.len(), total - singular_is_plural);
        for c in completion() {
            let name = c.split('/').next().unwrap();
            assert_eq!(canonical(name), find(name).unwrap().plural, "{c}");
        }
        assert!(completion().contains(&"crb") && completion().contains(&"pods/exec"));
    }
}
