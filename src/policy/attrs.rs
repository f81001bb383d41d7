//! The request attributes an audit policy is evaluated on ([`Attrs`]), as the API server has
//! them when its audit filter runs: the authenticated user and groups (impersonation is
//! applied later in the filter chain), and what `apiserver/pkg/endpoints/request/
//! requestinfo.go` (`NewRequestInfo`) reads from the request URL: API group, namespace,
//! resource, subresource and name.
//!
//! The audit event does not always show these directly: `objectRef.name` of a create is filled
//! in from the body after the policy was evaluated (the URL of a POST has no name), and a
//! list or watch takes its name from an exact `fieldSelector=metadata.name=X`, which the event
//! shows only in `requestURI`. So everything but the verb and the users is read again from
//! `requestURI`, URL-decoded as Go's `net/url` decodes it. What this does not model: a query
//! that fails to decode as `ListOptions` for a reason other than its `fieldSelector`, `limit`
//! or `timeoutSeconds` (a malformed `labelSelector`, say) makes the server drop the name too.

use std::borrow::Cow;

use crate::correlate::Request;
pub use crate::vocab::uri::{FieldSelector, query_param};
use crate::vocab::uri::{parse_query, percent_decode};

/// What an audit policy rule is tested against (`authorizer.Attributes` in the API server).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Attrs<'a> {
    /// The authenticated user's name; `None` when authentication failed (the 401 event has
    /// no user), so no `users` or `userGroups` rule can match.
    pub user: Option<Cow<'a, str>>,
    /// The authenticated user's groups.
    pub groups: Vec<Cow<'a, str>>,
    /// The Kubernetes verb (`get`, `list`, `watch`, `create`, ...; the lower-case HTTP method
    /// for non-resource requests), as the event records it.
    pub verb: Cow<'a, str>,
    /// `""` for cluster-scoped resources; a namespace object is in its own namespace.
    pub namespace: Cow<'a, str>,
    pub resource: Cow<'a, str>,
    pub subresource: Cow<'a, str>,
    /// `""` for the core group.
    pub api_group: Cow<'a, str>,
    /// The object name in the URL (or the exact `metadata.name` field selector of a list or
    /// watch); `""` for creates and collections.
    pub name: Cow<'a, str>,
    /// The URL path, decoded, without the query: what `nonResourceURLs` are matched against.
    pub path: Cow<'a, str>,
    pub is_resource: bool,
}

impl<'a> Attrs<'a> {
    /// The attributes of one correlated request: users from `user` (never `impersonatedUser`),
    /// the verb from the event, the rest from `requestURI`. A request with no `requestURI`
    /// falls back on `objectRef` (without its name for a create).
    pub fn from_request(r: &'a Request<'_>) -> Attrs<'a> {
        let user = if r.user.is_empty() && r.groups.is_empty() {
            None
        } else {
            Some(Cow::Borrowed(&*r.user))
        };
        let groups = r.groups.iter().map(|g| Cow::Borrowed(&**g)).collect();
        let verb: &'a str = &r.verb;
        if r.request_uri.is_empty() {
            return Attrs {
                user,
                groups,
                verb: Cow::Borrowed(verb),
                namespace: Cow::Borrowed(&r.namespace),
                resource: Cow::Borrowed(&r.resource),
                subresource: Cow::Borrowed(&r.subresource),
                api_group: Cow::Borrowed(&r.api_group),
                name: Cow::Borrowed(if verb == "create" { "" } else { &r.name }),
                path: Cow::Borrowed(""),
                is_resource: !r.resource.is_empty(),
            };
        }
        let mut a = Attrs::from_uri(&r.request_uri, verb);
        a.user = user;
        a.groups = groups;
        a
    }

    /// The URL-derived attributes of a request to `uri` (path and query, as in the event's
    /// `requestURI`) whose Kubernetes verb is `verb`; no user.
    ///
    /// A port of requestinfo.go `NewRequestInfo` (API prefixes `api` and `apis`, `api`
    /// without a group, as kube-apiserver configures them). It works from the verb instead of
    /// the HTTP method: the event's verb is the one `NewRequestInfo` computed.
    pub fn from_uri(uri: &'a str, verb: &'a str) -> Attrs<'a> {
        let (raw_path, query) = match uri.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (uri, None),
        };
        let path = percent_decode(raw_path, false).unwrap_or(Cow::Borrowed(raw_path));
        let mut a = Attrs {
            verb: Cow::Borrowed(verb),
            ..Attrs::default()
        };
        let info = request_info(&path);
        // the pieces of `path` it named, borrowed when the path needed no decoding
        let piece = |r: Option<(usize, usize)>| -> Cow<'a, str> {
            match (r, &path) {
                (None, _) => Cow::Borrowed(""),
                (Some((s, e)), Cow::Borrowed(p)) => Cow::Borrowed(&p[s..e]),
                (Some((s, e)), Cow::Owned(p)) => Cow::Owned(p[s..e].to_string()),
            }
        };
        a.is_resource = info.is_resource;
        a.api_group = piece(info.group);
        a.namespace = piece(info.namespace);
        a.resource = piece(info.resource);
        a.subresource = piece(info.subresource);
        a.name = piece(info.name);
        // requestinfo.go: "if there's no name on the request and we thought it was a get
        // before, then the actual verb is a list or a watch" -- and an exact metadata.name
        // field selector names the object. Not for the /watch/ and /proxy/ path forms.
        if a.is_resource
            && a.name.is_empty()
            && !info.special_verb
            && matches!(verb, "list" | "watch")
            && let Some(q) = query
            && let Some(name) = list_name(q)
        {
            a.name = Cow::Owned(name);
        }
        a.path = path;
        a
    }
}

/// Byte ranges of `path` that requestinfo.go names.
#[derive(Debug, Default)]
struct Info {
    is_resource: bool,
    /// The path used `/{api,apis/group}/version/{watch,proxy}/...`.
    special_verb: bool,
    group: Option<(usize, usize)>,
    namespace: Option<(usize, usize)>,
    resource: Option<(usize, usize)>,
    subresource: Option<(usize, usize)>,
    name: Option<(usize, usize)>,
}

/// requestinfo.go `NewRequestInfo`, on a decoded path.
fn request_info(path: &str) -> Info {
    let mut info = Info::default();
    // splitPath: strings.Trim(path, "/"), then split on "/"
    let start = path.len() - path.trim_start_matches('/').len();
    let trimmed = path.trim_matches('/');
    let mut parts: Vec<(usize, usize)> = Vec::new();
    if !trimmed.is_empty() {
        let mut at = start;
        for p in trimmed.split('/') {
            parts.push((at, at + p.len()));
            at += p.len() + 1;
        }
    }
    let s = |r: (usize, usize)| &path[r.0..r.1];
    if parts.len() < 3 {
        return info;
    }
    let prefix = s(parts[0]);
    if prefix != "api" && prefix != "apis" {
        return info;
    }
    let mut cur = &parts[1..];
    if prefix != "api" {
        // one part (the prefix) is consumed: "do we have four parts?"
        if cur.len() < 3 {
            return info;
        }
        info.group = Some(cur[0]);
        cur = &cur[1..];
    }
    info.is_resource = true;
    cur = &cur[1..]; // the version
    let mut verb_is_proxy = false;
    if matches!(s(cur[0]), "watch" | "proxy") {
        if cur.len() < 2 {
            // the server answers 500 ("unable to determine kind and namespace from url")
            return info;
        }
        info.special_verb = true;
        verb_is_proxy = s(cur[0]) == "proxy";
        cur = &cur[1..];
    }
    // URL forms: /namespaces/{namespace}/{kind}/*
    if s(cur[0]) == "namespaces" && cur.len() > 1 {
        info.namespace = Some(cur[1]);
        // a step after the namespace name that is not a namespace subresource is a resource
        // in its own right
        if cur.len() > 2 && !matches!(s(cur[2]), "status" | "finalize") {
            cur = &cur[2..];
        }
    }
    // parts look like: resource/resourceName/subresource/other/stuff/we/don't/interpret
    if cur.len() >= 3 && !verb_is_proxy {
        info.subresource = Some(cur[2]);
    }
    if cur.len() >= 2 {
        info.name = Some(cur[1]);
    }
    info.resource = Some(cur[0]);
    info
}

/// The name a list or watch gets from its query: the first `fieldSelector` value, when it
/// parses and requires an exact `metadata.name` that is a valid path segment.
/// (requestinfo.go: `opts.FieldSelector.RequiresExactMatch("metadata.name")` and
/// `path.IsValidPathSegmentName`; a query that fails to decode as ListOptions sets no name.)
fn list_name(query: &str) -> Option<String> {
    let q = parse_query(query);
    let first = |key: &str| q.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    // ListOptions integers (`strconv.ParseInt` of the first value) that fail to convert fail
    // the whole decode
    if ["limit", "timeoutSeconds"]
        .iter()
        .any(|k| first(k).is_some_and(|v| v.parse::<i64>().is_err()))
    {
        return None;
    }
    let selector = FieldSelector::parse(first("fieldSelector")?)?;
    let name = selector.requires_exact_match("metadata.name")?;
    let valid = name != "." && name != ".." && !name.contains('/') && !name.contains('%');
    valid.then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (group, namespace, resource, subresource, name, is_resource)
    fn parts(uri: &str, verb: &str) -> (String, String, String, String, String, bool) {
        let a = Attrs::from_uri(uri, verb);
        (
            a.api_group.into_owned(),
            a.namespace.into_owned(),
            a.resource.into_owned(),
            a.subresource.into_owned(),
            a.name.into_owned(),
            a.is_resource,
        )
    }

    fn t(
        g: &str,
        ns: &str,
        r: &str,
        sub: &str,
        name: &str,
    ) -> (String, String, String, String, String, bool) {
        (g.into(), ns.into(), r.into(), sub.into(), name.into(), true)
    }

    fn nonres() -> (String, String, String, String, String, bool) {
        Default::default()
    }

    /// requestURIs and verbs of resource requests taken from the s6 log (testdata/logrotate/),
    /// with the group, namespace, resource, subresource and name the API server's policy checker
    /// saw (s6-ANSWER-KEY.md, "Audit policy").
    const S6_RESOURCE_URIS: [(&str, &str, [&str; 5]); 20] = [
        // V30's follow-up: kubectl list with an exact name selector -> rule [2]
        (
            "/api/v1/namespaces/payments/configmaps?fieldSelector=metadata.name%3Drate-limits",
            "list",
            ["", "payments", "configmaps", "", "rate-limits"],
        ),
        (
            "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?fieldSelector=metadata.name%3Dbreak-glass-eve",
            "list",
            [
                "rbac.authorization.k8s.io",
                "",
                "clusterrolebindings",
                "",
                "break-glass-eve",
            ],
        ),
        // a label selector names nothing
        (
            "/api/v1/namespaces/build/configmaps?labelSelector=artifact-cache%3Dtrue",
            "list",
            ["", "build", "configmaps", "", ""],
        ),
        // a create has no name in its URL (the event's objectRef.name comes from the body)
        (
            "/api/v1/namespaces/staging/configmaps?fieldManager=kubectl-create",
            "create",
            ["", "staging", "configmaps", "", ""],
        ),
        (
            "/api/v1/namespaces/staging/configmaps/feature-toggles",
            "get",
            ["", "staging", "configmaps", "", "feature-toggles"],
        ),
        (
            "/api/v1/namespaces/staging/pods/debug-box/exec?command=env&container=box&stderr=true&stdout=true",
            "create",
            ["", "staging", "pods", "exec", "debug-box"],
        ),
        (
            "/api/v1/namespaces/payments/pods/ledger-worker-0/log",
            "get",
            ["", "payments", "pods", "log", "ledger-worker-0"],
        ),
        (
            "/apis/apps/v1/namespaces/staging/deployments/checkout-ui/status",
            "update",
            ["apps", "staging", "deployments", "status", "checkout-ui"],
        ),
        (
            "/api/v1/nodes/worker-7/status",
            "update",
            ["", "", "nodes", "status", "worker-7"],
        ),
        // namespaces: the namespace object is in its own namespace; status and finalize
        // are its subresources
        (
            "/api/v1/namespaces/payments",
            "get",
            ["", "payments", "namespaces", "", "payments"],
        ),
        (
            "/api/v1/namespaces/tools/finalize",
            "update",
            ["", "tools", "namespaces", "finalize", "tools"],
        ),
        (
            "/api/v1/namespaces/tools/status",
            "update",
            ["", "tools", "namespaces", "status", "tools"],
        ),
        (
            "/api/v1/namespaces",
            "create",
            ["", "", "namespaces", "", ""],
        ),
        (
            "/apis/flowcontrol.apiserver.k8s.io/v1beta1/flowschemas/exempt/status?fieldManager=api-priority-and-fairness-config-consumer-v1",
            "patch",
            [
                "flowcontrol.apiserver.k8s.io",
                "",
                "flowschemas",
                "status",
                "exempt",
            ],
        ),
        (
            "/apis/apps/v1/namespaces/staging/deployments?limit=500",
            "list",
            ["apps", "staging", "deployments", "", ""],
        ),
        (
            "/api/v1/namespaces/build/pods?watch=1&timeoutSeconds=4",
            "watch",
            ["", "build", "pods", "", ""],
        ),
        (
            "/api/v1/namespaces/build/serviceaccounts/ci-bot/token",
            "create",
            ["", "build", "serviceaccounts", "token", "ci-bot"],
        ),
        // the controller-manager's one lease create (falls through rule [0]'s get/update)
        (
            "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases?timeout=10s",
            "create",
            ["coordination.k8s.io", "kube-system", "leases", "", ""],
        ),
        (
            "/api/v1/configmaps?allowWatchBookmarks=true&resourceVersion=36&timeout=9m40s&timeoutSeconds=580&watch=true",
            "watch",
            ["", "", "configmaps", "", ""],
        ),
        (
            "/api/v1/namespaces/tools/pods",
            "deletecollection",
            ["", "tools", "pods", "", ""],
        ),
    ];

    /// requestURIs (all with verb get) of non-resource requests from the s6 log: discovery and
    /// probes.
    const S6_NON_RESOURCE_URIS: [&str; 6] = [
        "/api",
        "/api/v1?timeout=32s",
        "/apis?timeout=32s",
        "/apis/apps/v1?timeout=32s",
        "/readyz",
        "/openapi/v2?timeout=32s",
    ];

    /// [`S6_RESOURCE_URIS`]: each URI read as the policy checker read it.
    #[test]
    fn real_resource_request_uris_from_s6() {
        for (uri, verb, [g, ns, r, sub, name]) in S6_RESOURCE_URIS {
            assert_eq!(parts(uri, verb), t(g, ns, r, sub, name), "{uri}");
        }
    }

    /// [`S6_NON_RESOURCE_URIS`]: non-resource requests, whose path is the URI without its query;
    /// and paths not in the log but in requestinfo.go's list of non-resource paths.
    #[test]
    fn real_non_resource_request_uris_from_s6() {
        for uri in S6_NON_RESOURCE_URIS {
            assert_eq!(parts(uri, "get"), nonres(), "{uri}");
        }
        assert_eq!(
            Attrs::from_uri("/openapi/v2?timeout=32s", "get").path,
            "/openapi/v2"
        );
        assert_eq!(Attrs::from_uri("/readyz", "get").path, "/readyz");
        // not in the log, but in requestinfo.go's list of non-resource paths
        assert_eq!(parts("/apis/apps", "get"), nonres());
        assert_eq!(parts("/", "get"), nonres());
    }

    #[test]
    fn from_request_uses_the_authenticated_user_and_the_url_not_object_ref() {
        let r = Request {
            verb: "create".into(),
            user: "ops-admin".into(),
            groups: vec!["system:masters".into(), "system:authenticated".into()],
            impersonated_user: "carol".into(),
            impersonated_groups: vec!["dev".into()],
            resource: "configmaps".into(),
            namespace: "payments".into(),
            name: "rate-limits".into(),
            request_uri: "/api/v1/namespaces/payments/configmaps?fieldManager=kubectl-create"
                .into(),
            ..Default::default()
        };
        let a = Attrs::from_request(&r);
        assert_eq!(a.user.as_deref(), Some("ops-admin"));
        assert_eq!(a.groups, vec!["system:masters", "system:authenticated"]);
        assert_eq!(
            (&*a.resource, &*a.namespace, &*a.name),
            ("configmaps", "payments", "")
        );
        // the 401: no user at all
        let r = Request {
            verb: "list".into(),
            request_uri: "/api/v1/namespaces/payments/configmaps".into(),
            ..Default::default()
        };
        assert_eq!(Attrs::from_request(&r).user, None);
        // no requestURI: objectRef, without a create's back-filled name
        let r = Request {
            verb: "create".into(),
            user: "u".into(),
            resource: "configmaps".into(),
            namespace: "payments".into(),
            name: "rate-limits".into(),
            ..Default::default()
        };
        let a = Attrs::from_request(&r);
        assert!(a.is_resource && a.name.is_empty() && a.namespace == "payments");
    }

    #[test]
    fn watch_and_proxy_path_forms() {
        // /watch/: the verb comes from the path; the name is in the path, never a selector
        assert_eq!(
            parts("/api/v1/watch/namespaces/a/pods/p", "watch"),
            t("", "a", "pods", "", "p")
        );
        assert_eq!(
            parts(
                "/api/v1/watch/namespaces/a/pods?fieldSelector=metadata.name%3Dp",
                "watch"
            ),
            t("", "a", "pods", "", "")
        );
        // proxy takes no subresource
        assert_eq!(
            parts("/api/v1/proxy/namespaces/a/pods/p/some/path", "proxy"),
            t("", "a", "pods", "", "p")
        );
        assert_eq!(
            parts("/api/v1/namespaces/a/pods/p/proxy/some/path", "get"),
            t("", "a", "pods", "proxy", "p")
        );
        // too short to say anything: the server answers 500
        assert!(
            Attrs::from_uri("/api/v1/watch", "watch")
                .resource
                .is_empty()
        );
    }

    #[test]
    fn urls_are_decoded_like_go_net_url() {
        // path: %XX decoded, '+' kept
        assert_eq!(
            parts(
                "/apis/rbac.authorization.k8s.io/v1/clusterroles/system%3Aaggregate-to-admin",
                "get"
            ),
            t(
                "rbac.authorization.k8s.io",
                "",
                "clusterroles",
                "",
                "system:aggregate-to-admin"
            )
        );
        assert_eq!(parts("/api/v1/namespaces/a/configmaps/a+b", "get").4, "a+b");
        assert_eq!(Attrs::from_uri("/heal%74hz", "get").path, "/healthz");
        // an encoded slash splits the path, as req.URL.Path does
        assert_eq!(
            parts("/api/v1/namespaces/a/pods/x%2Flog", "get"),
            t("", "a", "pods", "log", "x")
        );
        // repeated slashes are empty parts
        assert_eq!(
            parts("//api/v1/namespaces/a/pods/p", "get"),
            t("", "a", "pods", "", "p")
        );
        // query: '+' is a space; '==' and '!=' operators; escapes in values
        let name = |q: &str| {
            Attrs::from_uri(&format!("/api/v1/namespaces/a/pods?{q}"), "list")
                .name
                .into_owned()
        };
        assert_eq!(name("fieldSelector=metadata.name==p"), "p");
        assert_eq!(name("fieldSelector=metadata.name%3D%3Dp"), "p");
        assert_eq!(name("fieldSelector=metadata.name!=p"), "");
        assert_eq!(name("fieldSelector=metadata.name=a+b"), "a b");
        assert_eq!(
            name("fieldSelector=metadata.namespace%3Da,metadata.name%3Dp"),
            "p"
        );
        // terms are sorted before the first metadata.name term is taken
        assert_eq!(
            name("fieldSelector=metadata.name%3Db,metadata.name%3Da"),
            "a"
        );
        // the first fieldSelector counts
        assert_eq!(
            name("fieldSelector=metadata.name%3Dp&fieldSelector=metadata.name%3Dq"),
            "p"
        );
        // invalid selectors, names and list options set no name
        assert_eq!(name("fieldSelector=metadata.name"), "");
        assert_eq!(name("fieldSelector=metadata.name%3Da%3Db"), "");
        assert_eq!(name("fieldSelector=metadata.name%3Da%5Cx"), "");
        assert_eq!(name("fieldSelector=metadata.name%3D.."), "");
        assert_eq!(name("fieldSelector=metadata.name%3Da%2Fb"), "");
        assert_eq!(name("fieldSelector=metadata.name%3Dp&limit=x"), "");
        assert_eq!(
            name("fieldSelector=metadata.name%3Dp&limit=500&timeoutSeconds=30"),
            "p"
        );
        assert_eq!(
            name("fieldSelector=metadata.name%3Dp&limit=500&limit=x"),
            "p"
        );
        // a pair with ';' is dropped, and so is one with a bad escape
        assert_eq!(name("fieldSelector=metadata.name%3Dp;x=y"), "");
        assert_eq!(name("fieldSelector=metadata.name%3Dp%zz"), "");
        // only lists and watches take a name from the selector
        assert_eq!(
            Attrs::from_uri(
                "/api/v1/namespaces/a/pods?fieldSelector=metadata.name%3Dp",
                "deletecollection"
            )
            .name,
            ""
        );
    }

    #[test]
    fn field_selector_escapes() {
        let s = FieldSelector::parse(r"metadata.name=a\,b\=c\\d").unwrap();
        assert_eq!(s.requires_exact_match("metadata.name"), Some(r"a,b=c\d"));
        assert!(FieldSelector::parse(r"metadata.name=a\").is_none());
        assert_eq!(
            FieldSelector::parse("")
                .unwrap()
                .requires_exact_match("metadata.name"),
            None
        );
        assert_eq!(
            FieldSelector::parse("spec.nodeName=n")
                .unwrap()
                .requires_exact_match("metadata.name"),
            None
        );
    }
}
