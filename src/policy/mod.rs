//! Audit policies (`audit.k8s.io` `Policy`): the model behind `kaudit policy`. A policy file is
//! read and validated the way the API server loads `--audit-policy-file` ([`Policy::parse`], in
//! `parse.rs`), a request is seen the way the policy checker sees it ([`Attrs`], in `attrs.rs`),
//! and [`Policy::level_for`] says which rule it matches, at what level, with which stages
//! omitted; [`written_stages`] says which stage events that leaves in the log.
//!
//! Ground truth is the Kubernetes source, v1.20 unless [`ServerVersion`] says otherwise (the
//! version of the real log in testdata/logrotate/, written under s6-policy.yaml):
//! `k8s.io/apiserver/pkg/audit/policy/checker.go` for matching, `pkg/apis/audit/validation/
//! validation.go` and `pkg/audit/policy/reader.go` for loading, `pkg/endpoints/request/
//! requestinfo.go` for the attributes. Each rule copied from there cites its function.
//!
//! `lint.rs` holds the lints of `kaudit policy check` (shadowed rules and the like): kaudit's
//! opinions, built on this model; everything else here only models what the API server does.
//! Not here: the commands.

pub mod attrs;
pub mod lint;
mod parse;
pub mod simulate;

pub use attrs::{Attrs, FieldSelector};
pub use parse::{Problem, Severity, server_message};

use crate::event::{Stage, StageSet};

/// How much of a request an event records. Ordered: `None < Metadata < Request < RequestResponse`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Level {
    /// The default level of a request no rule matches.
    #[default]
    None,
    Metadata,
    Request,
    RequestResponse,
}

impl Level {
    pub const ALL: [Level; 4] = [
        Level::None,
        Level::Metadata,
        Level::Request,
        Level::RequestResponse,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Level::None => "None",
            Level::Metadata => "Metadata",
            Level::Request => "Request",
            Level::RequestResponse => "RequestResponse",
        }
    }
    /// Exact and case-sensitive, as the API server compares (`validateLevel`).
    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.name() == s)
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Which API server's rules to follow where versions differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum ServerVersion {
    /// kube-apiserver v1.20 (the default: the version of the real logs in testdata/s5/).
    /// `group: "*"` is not a DNS subdomain, so validation rejects it; `omitManagedFields` is
    /// an unknown key (ignored).
    #[default]
    V1_20,
    /// kube-apiserver v1.35: `group: "*"` is accepted and matches every API group
    /// (kubernetes/kubernetes#135262); `omitManagedFields` (policy and rule) is known.
    V1_35,
}

impl From<crate::cli::ServerVersionArg> for ServerVersion {
    fn from(v: crate::cli::ServerVersionArg) -> Self {
        match v {
            crate::cli::ServerVersionArg::V1_20 => ServerVersion::V1_20,
            crate::cli::ServerVersionArg::V1_35 => ServerVersion::V1_35,
        }
    }
}

impl ServerVersion {
    /// `kube-apiserver v1.20`: how reports name the server whose rules they follow.
    pub fn server(self) -> &'static str {
        match self {
            ServerVersion::V1_20 => "kube-apiserver v1.20",
            ServerVersion::V1_35 => "kube-apiserver v1.35",
        }
    }
}

/// One `resources` entry of a rule: a group and, optionally, resources and names in it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupResources {
    /// `""` is the core group only.
    pub group: String,
    /// `pods`, `pods/log`, `pods/*`, `*/scale`, `*`; empty: every resource of the group.
    pub resources: Vec<String>,
    /// Object names; empty: any name (and requests without one).
    pub resource_names: Vec<String>,
}

/// One rule of a policy. An empty list places no constraint (the API server tests `len > 0`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub level: Level,
    pub users: Vec<String>,
    pub user_groups: Vec<String>,
    pub verbs: Vec<String>,
    pub resources: Vec<GroupResources>,
    pub namespaces: Vec<String>,
    pub non_resource_urls: Vec<String>,
    /// The rule's own `omitStages`, without the policy's.
    pub omit_stages: StageSet,
}

impl Rule {
    /// A rule at `level` with no constraint (a catch-all).
    pub fn new(level: Level) -> Rule {
        Rule {
            level,
            users: Vec::new(),
            user_groups: Vec::new(),
            verbs: Vec::new(),
            resources: Vec::new(),
            namespaces: Vec::new(),
            non_resource_urls: Vec::new(),
            omit_stages: StageSet::default(),
        }
    }
}

impl Rule {
    /// What the rule matches, in one line for tables: `users a,b; verbs get; configmaps
    /// [feature-toggles]; apps: */status`; `everything` for a catch-all.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        let list = |name: &str, v: &[String]| format!("{name} {}", v.join(","));
        if !self.users.is_empty() {
            parts.push(list("users", &self.users));
        }
        if !self.user_groups.is_empty() {
            parts.push(list("userGroups", &self.user_groups));
        }
        if !self.verbs.is_empty() {
            parts.push(list("verbs", &self.verbs));
        }
        if !self.namespaces.is_empty() {
            parts.push(list("namespaces", &self.namespaces));
        }
        // entries that differ only in their group are written once: `core, apps: all`
        let mut i = 0;
        while i < self.resources.len() {
            let gr = &self.resources[i];
            let same = self.resources[i..]
                .iter()
                .take_while(|x| {
                    x.resources == gr.resources && x.resource_names == gr.resource_names
                })
                .count();
            let groups: Vec<&str> = self.resources[i..i + same]
                .iter()
                .map(|x| if x.group.is_empty() { "core" } else { &x.group })
                .collect();
            let groups = if groups.len() > 3 {
                format!(
                    "{} groups ({}, {}, ...)",
                    groups.len(),
                    groups[0],
                    groups[1]
                )
            } else {
                groups.join(", ")
            };
            let mut e = if gr.resources.is_empty() {
                format!("{groups}: all")
            } else {
                format!("{groups}: {}", gr.resources.join(","))
            };
            if !gr.resource_names.is_empty() {
                e.push_str(&format!(" [{}]", gr.resource_names.join(",")));
            }
            parts.push(e);
            i += same;
        }
        if !self.non_resource_urls.is_empty() {
            parts.push(list("urls", &self.non_resource_urls));
        }
        if parts.is_empty() {
            "everything".to_string()
        } else {
            parts.join("; ")
        }
    }
}

/// A loaded policy: what the API server would run with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub version: ServerVersion,
    /// `audit.k8s.io/v1` (or the deprecated `v1beta1`, `v1alpha1`).
    pub api_version: String,
    /// The policy-level `omitStages`.
    pub omit_stages: StageSet,
    pub rules: Vec<Rule>,
    /// What the API server accepts silently but a reader should know: unknown keys (a
    /// misspelt `resourceNamez` widens a rule), duplicate keys, deprecated versions.
    pub warnings: Vec<Problem>,
}

impl Policy {
    /// Read and validate a policy file (YAML or JSON) as a v1.20 API server does: decoded
    /// non-strictly (unknown keys are dropped, and reported in `warnings`), then validated.
    /// `Err` holds every problem found, errors and warnings, at least one error.
    pub fn parse(text: &str) -> Result<Policy, Vec<Problem>> {
        parse::parse(text, ServerVersion::V1_20)
    }

    /// [`Policy::parse`] under another server version's rules.
    pub fn parse_for(text: &str, version: ServerVersion) -> Result<Policy, Vec<Problem>> {
        parse::parse(text, version)
    }

    /// The rule a request matches (its index), the level, and the stages omitted for it.
    /// The first matching rule wins; with none, the level is None (checker.go
    /// `DefaultAuditLevel`). A rule's stages are the union of the policy's and its own
    /// (checker.go `NewChecker`, `unionStages`); with no match, the policy's.
    pub fn level_for(&self, a: &Attrs<'_>) -> (Option<usize>, Level, StageSet) {
        for (i, r) in self.rules.iter().enumerate() {
            if rule_matches(r, a, self.version) {
                return (Some(i), r.level, self.omit_stages.union(r.omit_stages));
            }
        }
        (None, Level::None, self.omit_stages)
    }
}

/// checker.go `hasString`: exact, case-sensitive membership.
fn has(list: &[String], s: &str) -> bool {
    list.iter().any(|x| x == s)
}

/// checker.go `ruleMatches`. Users and groups are the authenticated user's (the audit filter
/// runs before impersonation); a request without a user (failed authentication) matches no
/// rule that names users or groups. A rule with `namespaces` or `resources` matches resource
/// requests only; one with `nonResourceURLs`, non-resource requests only; one with neither,
/// both kinds.
fn rule_matches(r: &Rule, a: &Attrs<'_>, v: ServerVersion) -> bool {
    if !r.users.is_empty() {
        match &a.user {
            Some(u) if has(&r.users, u) => {}
            _ => return false,
        }
    }
    if !r.user_groups.is_empty() {
        if a.user.is_none() {
            return false;
        }
        if !a.groups.iter().any(|g| has(&r.user_groups, g)) {
            return false;
        }
    }
    if !r.verbs.is_empty() && !has(&r.verbs, &a.verb) {
        return false;
    }
    if !r.namespaces.is_empty() || !r.resources.is_empty() {
        return rule_matches_resource(r, a, v);
    }
    if !r.non_resource_urls.is_empty() {
        return rule_matches_non_resource(r, a);
    }
    true
}

/// checker.go `ruleMatchesNonResource`.
fn rule_matches_non_resource(r: &Rule, a: &Attrs<'_>) -> bool {
    !a.is_resource
        && r.non_resource_urls
            .iter()
            .any(|spec| path_matches(&a.path, spec))
}

/// checker.go `pathMatches`: `*`, an exact path, or a prefix before trailing `*`s
/// (`strings.TrimRight(spec, "*")`).
fn path_matches(path: &str, spec: &str) -> bool {
    spec == "*"
        || spec == path
        || (spec.ends_with('*') && path.starts_with(spec.trim_end_matches('*')))
}

/// checker.go `ruleMatchesResource`. The namespace is compared exactly (cluster-scoped
/// requests have `""`); each `resources` entry needs the exact API group (`""` = core only);
/// within it, `res` matches `resource` or `resource/subresource` exactly, `*` matches
/// everything, `*/sub` a subresource of any resource, `res/*` the resource itself *and* all
/// its subresources. With `resourceNames`, the request's name (from the URL, see [`Attrs`])
/// must be one of them, so requests without a name never match (unless `""` is listed).
///
/// The wildcard forms are cut with `strings.TrimPrefix`/`TrimSuffix` in the current source;
/// older checkers (the 2017 wildcard change, kubernetes/kubernetes#55306) used
/// `TrimLeft(res, "*/")`/`TrimRight(res, "/*")`, which trim character sets, so `pods*/*` also
/// matched `pods`. The switch looks like kubernetes/kubernetes#85800 (merged 2019-12, v1.18),
/// before v1.20; the two differ only on such odd specs, none of which is in s6's policy.
fn rule_matches_resource(r: &Rule, a: &Attrs<'_>, v: ServerVersion) -> bool {
    if !a.is_resource {
        return false;
    }
    if !r.namespaces.is_empty() && !has(&r.namespaces, &a.namespace) {
        return false;
    }
    if r.resources.is_empty() {
        return true;
    }
    let combined;
    let combined: &str = if a.subresource.is_empty() {
        &a.resource
    } else {
        combined = format!("{}/{}", a.resource, a.subresource);
        &combined
    };
    for gr in &r.resources {
        let group_ok = gr.group == a.api_group || (v >= ServerVersion::V1_35 && gr.group == "*");
        if !group_ok {
            continue;
        }
        if gr.resources.is_empty() {
            return true;
        }
        if !gr.resource_names.is_empty() && !has(&gr.resource_names, &a.name) {
            continue;
        }
        for res in &gr.resources {
            if res == combined || res == "*" {
                return true;
            }
            if !a.subresource.is_empty()
                && let Some(sub) = res.strip_prefix("*/")
                && sub == a.subresource
            {
                return true;
            }
            if let Some(base) = res.strip_suffix("/*")
                && base == a.resource
            {
                return true;
            }
        }
    }
    false
}

/// Long-running requests get a `ResponseStarted` event: kube-apiserver's `LongRunningFunc`
/// (`cmd/kube-apiserver/app/server.go` `buildGenericConfig`) is `apiserver/pkg/server/filters/
/// longrunning.go` `BasicLongRunningRequestCheck` with verbs watch and proxy and subresources
/// attach, exec, proxy, log and portforward. The current source also counts non-resource
/// `/debug/pprof/` paths (the profiler); that clause is kept here although it is not verified
/// for v1.20 (no such request is in testdata/s5/).
pub fn long_running(a: &Attrs<'_>) -> bool {
    matches!(&*a.verb, "watch" | "proxy")
        || (a.is_resource
            && matches!(
                &*a.subresource,
                "attach" | "exec" | "proxy" | "log" | "portforward"
            ))
        || (!a.is_resource && a.path.starts_with("/debug/pprof/"))
}

/// How a request ended, for [`written_stages`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// It completed (any code but a failed authentication).
    Complete,
    /// The handler panicked: a `Panic` event replaces `ResponseComplete`.
    Panic,
    /// Authentication failed (401): the failed-authentication filter writes one
    /// `ResponseStarted` event and nothing else (`filters/authn_audit.go`
    /// `WithFailedAuthenticationAudit`).
    Unauthenticated,
}

/// The stage events a request leaves in the log at `level` with `omit` omitted: none at level
/// None; otherwise `RequestReceived`, `ResponseStarted` for long-running requests (the audit
/// filter sends it when the response starts, or fakes it at the end: `filters/audit.go`
/// `WithAudit`), and `ResponseComplete` (or `Panic`), less the omitted ones.
pub fn written_stages(level: Level, omit: StageSet, long_running: bool, end: Ending) -> StageSet {
    let mut s = StageSet::default();
    if level == Level::None {
        return s;
    }
    match end {
        Ending::Unauthenticated => s.insert(Stage::ResponseStarted),
        Ending::Complete | Ending::Panic => {
            s.insert(Stage::RequestReceived);
            if long_running {
                s.insert(Stage::ResponseStarted);
            }
            s.insert(if end == Ending::Panic {
                Stage::Panic
            } else {
                Stage::ResponseComplete
            });
        }
    }
    StageSet(s.0 & !omit.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn policy(yaml: &str) -> Policy {
        Policy::parse(yaml).unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn rules(body: &str) -> Policy {
        policy(&format!(
            "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n{body}"
        ))
    }

    /// A resource request: `group/resource/subresource`, name and namespace as given.
    fn res<'a>(
        verb: &'a str,
        group: &'a str,
        resource: &'a str,
        sub: &'a str,
        ns: &'a str,
        name: &'a str,
    ) -> Attrs<'a> {
        Attrs {
            user: Some(Cow::Borrowed("alice")),
            groups: vec![Cow::Borrowed("system:authenticated")],
            verb: Cow::Borrowed(verb),
            namespace: Cow::Borrowed(ns),
            resource: Cow::Borrowed(resource),
            subresource: Cow::Borrowed(sub),
            api_group: Cow::Borrowed(group),
            name: Cow::Borrowed(name),
            path: Cow::Borrowed("/api/v1/whatever"),
            is_resource: true,
        }
    }

    fn nonres(path: &str) -> Attrs<'_> {
        Attrs {
            user: Some(Cow::Borrowed("alice")),
            groups: vec![Cow::Borrowed("system:authenticated")],
            verb: Cow::Borrowed("get"),
            namespace: Cow::Borrowed(""),
            resource: Cow::Borrowed(""),
            subresource: Cow::Borrowed(""),
            api_group: Cow::Borrowed(""),
            name: Cow::Borrowed(""),
            path: Cow::Borrowed(path),
            is_resource: false,
        }
    }

    fn rule_of(p: &Policy, a: &Attrs<'_>) -> Option<usize> {
        p.level_for(a).0
    }

    #[test]
    fn level_names_round_trip_and_are_case_sensitive() {
        for l in Level::ALL {
            assert_eq!(Level::parse(l.name()), Some(l));
        }
        assert_eq!(Level::parse("metadata"), None);
        assert!(Level::None < Level::Metadata && Level::Request < Level::RequestResponse);
    }

    #[test]
    fn pods_slash_star_matches_pods_and_every_subresource_of_pods_only() {
        let p = rules("- level: Request\n  resources: [{group: '', resources: ['pods/*']}]\n");
        assert_eq!(rule_of(&p, &res("get", "", "pods", "", "a", "p")), Some(0));
        assert_eq!(rule_of(&p, &res("list", "", "pods", "", "a", "")), Some(0));
        assert_eq!(
            rule_of(&p, &res("get", "", "pods", "log", "a", "p")),
            Some(0)
        );
        assert_eq!(
            rule_of(&p, &res("create", "", "pods", "exec", "a", "p")),
            Some(0)
        );
        assert_eq!(rule_of(&p, &res("get", "", "nodes", "", "", "n")), None);
        assert_eq!(
            rule_of(&p, &res("get", "", "podtemplates", "", "a", "t")),
            None
        );
        // the group must still match
        assert_eq!(
            rule_of(&p, &res("get", "metrics.k8s.io", "pods", "", "a", "p")),
            None
        );
    }

    #[test]
    fn bare_resource_matches_the_resource_without_subresources() {
        let p = rules("- level: Request\n  resources: [{group: '', resources: [pods]}]\n");
        assert_eq!(rule_of(&p, &res("get", "", "pods", "", "a", "p")), Some(0));
        assert_eq!(rule_of(&p, &res("get", "", "pods", "log", "a", "p")), None);
        assert_eq!(
            rule_of(&p, &res("update", "", "pods", "status", "a", "p")),
            None
        );
        let p = rules("- level: Request\n  resources: [{group: '', resources: [pods/log]}]\n");
        assert_eq!(
            rule_of(&p, &res("get", "", "pods", "log", "a", "p")),
            Some(0)
        );
        assert_eq!(rule_of(&p, &res("get", "", "pods", "", "a", "p")), None);
        assert_eq!(rule_of(&p, &res("get", "", "pods", "exec", "a", "p")), None);
    }

    #[test]
    fn star_slash_subresource_matches_that_subresource_of_any_resource() {
        let p = rules("- level: Request\n  resources: [{group: apps, resources: ['*/scale']}]\n");
        assert_eq!(
            rule_of(&p, &res("update", "apps", "deployments", "scale", "a", "d")),
            Some(0)
        );
        assert_eq!(
            rule_of(&p, &res("get", "apps", "statefulsets", "scale", "a", "s")),
            Some(0)
        );
        assert_eq!(
            rule_of(&p, &res("get", "apps", "deployments", "", "a", "d")),
            None
        );
        assert_eq!(
            rule_of(&p, &res("get", "apps", "deployments", "status", "a", "d")),
            None
        );
        // a resource called "scale" is not the subresource
        assert_eq!(
            rule_of(&p, &res("get", "apps", "scale", "", "a", "d")),
            None
        );
    }

    #[test]
    fn star_matches_every_resource_and_subresource_of_the_group() {
        let p = rules("- level: Request\n  resources: [{group: '', resources: ['*']}]\n");
        assert_eq!(rule_of(&p, &res("get", "", "pods", "", "a", "p")), Some(0));
        assert_eq!(
            rule_of(&p, &res("get", "", "pods", "log", "a", "p")),
            Some(0)
        );
        assert_eq!(
            rule_of(&p, &res("get", "", "secrets", "", "a", "")),
            Some(0)
        );
        assert_eq!(
            rule_of(&p, &res("get", "apps", "deployments", "", "a", "d")),
            None
        );
        assert_eq!(rule_of(&p, &nonres("/healthz")), None);
    }

    #[test]
    fn group_without_resources_matches_everything_in_the_group() {
        let p = rules("- level: Request\n  resources: [{group: rbac.authorization.k8s.io}]\n");
        let g = "rbac.authorization.k8s.io";
        assert_eq!(
            rule_of(&p, &res("create", g, "roles", "", "a", "")),
            Some(0)
        );
        assert_eq!(
            rule_of(&p, &res("get", g, "clusterroles", "", "", "admin")),
            Some(0)
        );
        assert_eq!(rule_of(&p, &res("get", "", "roles", "", "a", "")), None);
    }

    #[test]
    fn resource_names_never_match_requests_without_a_name() {
        let p = rules(
            "- level: RequestResponse\n  resources:\n  - group: ''\n    resources: [configmaps]\n    resourceNames: [feature-toggles]\n",
        );
        assert_eq!(
            rule_of(
                &p,
                &res("get", "", "configmaps", "", "s", "feature-toggles")
            ),
            Some(0)
        );
        assert_eq!(
            rule_of(&p, &res("get", "", "configmaps", "", "s", "other")),
            None
        );
        // a create has no name in its URL; a list has none unless a fieldSelector gives one
        assert_eq!(
            rule_of(&p, &res("create", "", "configmaps", "", "s", "")),
            None
        );
        assert_eq!(
            rule_of(&p, &res("list", "", "configmaps", "", "s", "")),
            None
        );
        // names are exact
        assert_eq!(
            rule_of(
                &p,
                &res("get", "", "configmaps", "", "s", "Feature-Toggles")
            ),
            None
        );
        // an empty string in resourceNames passes validation and matches the nameless ones
        let p = rules(
            "- level: Request\n  resources:\n  - group: ''\n    resources: [configmaps]\n    resourceNames: ['']\n",
        );
        assert_eq!(
            rule_of(&p, &res("list", "", "configmaps", "", "s", "")),
            Some(0)
        );
        assert_eq!(
            rule_of(&p, &res("get", "", "configmaps", "", "s", "x")),
            None
        );
    }

    #[test]
    fn non_resource_urls_exact_prefix_and_star() {
        let p = rules("- level: None\n  nonResourceURLs: ['/healthz*', /version]\n");
        assert_eq!(rule_of(&p, &nonres("/healthz")), Some(0));
        assert_eq!(rule_of(&p, &nonres("/healthz/etcd")), Some(0));
        assert_eq!(rule_of(&p, &nonres("/healthzzz")), Some(0));
        assert_eq!(rule_of(&p, &nonres("/version")), Some(0));
        assert_eq!(rule_of(&p, &nonres("/version/")), None);
        assert_eq!(rule_of(&p, &nonres("/versions")), None);
        assert_eq!(rule_of(&p, &nonres("/readyz")), None);
        // never a resource request, whatever its path
        let mut a = res("get", "", "pods", "", "a", "p");
        a.path = Cow::Borrowed("/healthz");
        assert_eq!(rule_of(&p, &a), None);
        let p = rules("- level: None\n  nonResourceURLs: ['*']\n");
        assert_eq!(rule_of(&p, &nonres("/anything/at/all")), Some(0));
        assert_eq!(rule_of(&p, &res("get", "", "pods", "", "a", "p")), None);
        let p = rules("- level: None\n  nonResourceURLs: ['/apis/*']\n");
        assert_eq!(rule_of(&p, &nonres("/apis/apps/v1")), Some(0));
        assert_eq!(rule_of(&p, &nonres("/apis")), None);
    }

    #[test]
    fn empty_group_is_the_core_group_only() {
        let p = rules("- level: Metadata\n  resources: [{group: '', resources: [secrets]}]\n");
        assert_eq!(
            rule_of(&p, &res("get", "", "secrets", "", "a", "s")),
            Some(0)
        );
        assert_eq!(
            rule_of(&p, &res("get", "example.com", "secrets", "", "a", "s")),
            None
        );
        // no group key at all is the same as ""
        let p = rules("- level: Metadata\n  resources: [{resources: [secrets]}]\n");
        assert_eq!(
            rule_of(&p, &res("get", "", "secrets", "", "a", "s")),
            Some(0)
        );
        assert_eq!(
            rule_of(&p, &res("get", "example.com", "secrets", "", "a", "s")),
            None
        );
    }

    #[test]
    fn star_group_is_rejected_by_v1_20_and_matches_any_group_in_v1_35() {
        let text = "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  resources: [{group: '*', resources: ['*/status']}]\n";
        let errs = Policy::parse(text).unwrap_err();
        assert!(
            errs[0].message.starts_with(
                "rules[0].resources.group: Invalid value: \"*\": a lowercase RFC 1123 subdomain"
            ),
            "{errs:?}"
        );
        let p = Policy::parse_for(text, ServerVersion::V1_35).unwrap();
        assert_eq!(
            rule_of(
                &p,
                &res("update", "apps", "deployments", "status", "a", "d")
            ),
            Some(0)
        );
        assert_eq!(
            rule_of(&p, &res("update", "", "nodes", "status", "", "n")),
            Some(0)
        );
        assert_eq!(rule_of(&p, &res("update", "", "nodes", "", "", "n")), None);
        // a v1.20 model that were handed such a rule would only match a group named "*"
        let mut p = p;
        p.version = ServerVersion::V1_20;
        assert_eq!(
            rule_of(
                &p,
                &res("update", "apps", "deployments", "status", "a", "d")
            ),
            None
        );
    }

    #[test]
    fn a_rule_without_resource_or_url_constraints_matches_both_kinds() {
        let p = rules("- level: Request\n  userGroups: [dev]\n");
        let mut a = nonres("/apis/apps/v1");
        a.groups = vec![Cow::Borrowed("dev")];
        assert_eq!(rule_of(&p, &a), Some(0));
        let mut b = res("get", "apps", "deployments", "", "staging", "x");
        b.groups = vec![Cow::Borrowed("dev")];
        assert_eq!(rule_of(&p, &b), Some(0));
        // verbs alone too
        let p = rules("- level: Request\n  verbs: [get]\n");
        assert_eq!(rule_of(&p, &nonres("/version")), Some(0));
        assert_eq!(rule_of(&p, &res("get", "", "pods", "", "a", "p")), Some(0));
    }

    #[test]
    fn namespaces_limit_a_rule_to_resource_requests_and_cluster_scope_is_the_empty_string() {
        let p = rules("- level: Metadata\n  namespaces: [payments]\n");
        assert_eq!(
            rule_of(&p, &res("get", "", "pods", "", "payments", "p")),
            Some(0)
        );
        // the namespace object itself is in its own namespace (see attrs.rs)
        assert_eq!(
            rule_of(
                &p,
                &res("get", "", "namespaces", "", "payments", "payments")
            ),
            Some(0)
        );
        assert_eq!(rule_of(&p, &res("get", "", "nodes", "", "", "n")), None);
        assert_eq!(rule_of(&p, &nonres("/api")), None);
        let p = rules("- level: Metadata\n  namespaces: ['']\n");
        assert_eq!(rule_of(&p, &res("get", "", "nodes", "", "", "n")), Some(0));
        assert_eq!(
            rule_of(&p, &res("get", "", "pods", "", "payments", "p")),
            None
        );
    }

    #[test]
    fn users_and_groups_are_the_authenticated_ones_and_exact() {
        let p = rules(
            "- level: Request\n  users: [ops-admin]\n- level: Metadata\n  userGroups: [dev]\n",
        );
        // ops-admin impersonating carol in group dev: the policy sees ops-admin
        let mut a = res("list", "apps", "deployments", "", "staging", "");
        a.user = Some(Cow::Borrowed("ops-admin"));
        a.groups = vec![Cow::Borrowed("system:masters")];
        assert_eq!(rule_of(&p, &a), Some(0));
        a.user = Some(Cow::Borrowed("Ops-Admin"));
        assert_eq!(rule_of(&p, &a), None);
        a.groups = vec![Cow::Borrowed("system:authenticated"), Cow::Borrowed("dev")];
        assert_eq!(rule_of(&p, &a), Some(1));
        // a failed authentication has no user: no users/groups rule matches it
        let p = rules(
            "- level: Request\n  users: ['']\n- level: Request\n  userGroups: ['']\n- level: Metadata\n",
        );
        a.user = None;
        a.groups = vec![];
        assert_eq!(rule_of(&p, &a), Some(2));
    }

    #[test]
    fn first_match_wins_default_none_and_stages_are_unioned() {
        let p = policy(
            "apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n- level: RequestResponse\n  omitStages: [ResponseStarted]\n  resources: [{group: '', resources: ['pods/*']}]\n- level: Metadata\n  resources: [{group: ''}]\n",
        );
        let (i, l, omit) = p.level_for(&res("watch", "", "pods", "", "a", ""));
        assert_eq!((i, l), (Some(0), Level::RequestResponse));
        assert!(omit.contains(Stage::RequestReceived) && omit.contains(Stage::ResponseStarted));
        let (i, l, omit) = p.level_for(&res("get", "", "secrets", "", "a", "s"));
        assert_eq!((i, l), (Some(1), Level::Metadata));
        assert!(omit.contains(Stage::RequestReceived) && !omit.contains(Stage::ResponseStarted));
        let (i, l, omit) = p.level_for(&res("get", "apps", "deployments", "", "a", "d"));
        assert_eq!((i, l), (None, Level::None));
        assert_eq!(omit, p.omit_stages);
    }

    #[test]
    fn verbs_are_exact() {
        let p = rules("- level: Request\n  verbs: [create, delete]\n  resources: [{group: ''}]\n");
        assert_eq!(
            rule_of(&p, &res("create", "", "pods", "", "a", "")),
            Some(0)
        );
        assert_eq!(
            rule_of(&p, &res("deletecollection", "", "pods", "", "a", "")),
            None
        );
        assert_eq!(rule_of(&p, &res("Create", "", "pods", "", "a", "")), None);
    }

    #[test]
    fn stages_written_per_level_ending_and_omission() {
        let none = StageSet::default();
        let mut rr = StageSet::default();
        rr.insert(Stage::RequestReceived);
        let s = written_stages(Level::Metadata, none, false, Ending::Complete);
        assert_eq!(s.joined(), "RequestReceived+ResponseComplete");
        let s = written_stages(Level::Metadata, rr, true, Ending::Complete);
        assert_eq!(s.joined(), "ResponseStarted+ResponseComplete");
        let s = written_stages(Level::Request, rr, false, Ending::Panic);
        assert_eq!(s.joined(), "Panic");
        let s = written_stages(Level::Metadata, rr, false, Ending::Unauthenticated);
        assert_eq!(s.joined(), "ResponseStarted");
        let mut rs = StageSet::default();
        rs.insert(Stage::ResponseStarted);
        assert_eq!(
            written_stages(Level::Metadata, rs, false, Ending::Unauthenticated),
            none
        );
        assert_eq!(
            written_stages(Level::None, none, true, Ending::Complete),
            none
        );
    }

    #[test]
    fn long_running_follows_the_api_servers_check() {
        assert!(long_running(&res("watch", "", "pods", "", "a", "")));
        assert!(long_running(&res("create", "", "pods", "exec", "a", "p")));
        assert!(long_running(&res("get", "", "pods", "log", "a", "p")));
        assert!(!long_running(&res("get", "", "pods", "status", "a", "p")));
        assert!(!long_running(&res("list", "", "pods", "", "a", "")));
        assert!(!long_running(&nonres("/logs")));
    }
}
