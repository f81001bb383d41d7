//! The lints of `kaudit policy check`: what the API server accepts but a reader probably did
//! not mean. Unlike the rest of this module they are kaudit's opinions, not the server's
//! behaviour; each says what to write instead.
//!
//! Shadowing rests on [`covers`], a sound subsumption test between two rules: when it says an
//! earlier rule matches every request a later one could, that is proven on every dimension
//! (users, groups, verbs, namespaces, resources, non-resource URLs, the kind of request), using
//! the matching rules of [`super::rule_matches`]. It is not complete: a rule hidden by the
//! union of several earlier rules, or by a list split across entries, is not reported. The
//! other lints use the same test to tell whether an earlier rule already takes the requests a
//! rule would log. Not here: its logs (rules that match nothing in a log), which needs a scan
//! and lives in `commands/policy.rs`.

use super::{GroupResources, Level, Policy, Rule, ServerVersion};
use crate::event::Stage;

/// One lint: the rule it is about (`None`: the policy as a whole), a stable kind for scripts,
/// and a message that says what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lint {
    pub rule: Option<usize>,
    pub kind: &'static str,
    pub message: String,
}

/// The kinds, in the order they are reported (`commands/policy.rs` adds `no-match-in-logs` after
/// them, with its logs).
pub const KINDS: [&str; 5] = [
    "shadowed",
    "sensitive-contents",
    "pods-without-subresources",
    "no-omit-request-received",
    "no-catch-all",
];

/// Every lint of a loaded policy, by kind (the order of [`KINDS`]), then by rule.
pub fn lint(p: &Policy) -> Vec<Lint> {
    let mut out = Vec::new();
    shadowed(p, &mut out);
    sensitive(p, &mut out);
    pods(p, &mut out);
    omit_request_received(p, &mut out);
    catch_all(p, &mut out);
    out
}

/// The kinds of request a rule can match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Resource,
    NonResource,
    Both,
}

fn kind(r: &Rule) -> Kind {
    if !r.namespaces.is_empty() || !r.resources.is_empty() {
        Kind::Resource
    } else if !r.non_resource_urls.is_empty() {
        Kind::NonResource
    } else {
        Kind::Both
    }
}

/// A list constraint: an empty `outer` allows anything; otherwise `inner` must be non-empty
/// and every value in `outer` (exact matching, as checker.go `hasString`).
fn list_covers(outer: &[String], inner: &[String]) -> bool {
    outer.is_empty() || (!inner.is_empty() && inner.iter().all(|x| outer.contains(x)))
}

/// Does every request that `later` matches also match `earlier`? Sound, not complete: `true`
/// only when that is proven.
pub fn covers(earlier: &Rule, later: &Rule, v: ServerVersion) -> bool {
    if !list_covers(&earlier.users, &later.users)
        || !list_covers(&earlier.user_groups, &later.user_groups)
        || !list_covers(&earlier.verbs, &later.verbs)
    {
        return false;
    }
    match (kind(earlier), kind(later)) {
        (Kind::Both, _) => true,
        (Kind::Resource, Kind::Resource) => {
            list_covers(&earlier.namespaces, &later.namespaces)
                && (earlier.resources.is_empty()
                    || (!later.resources.is_empty()
                        && later
                            .resources
                            .iter()
                            .all(|e| entry_covered(&earlier.resources, e, v))))
        }
        (Kind::NonResource, Kind::NonResource) => later
            .non_resource_urls
            .iter()
            .all(|y| earlier.non_resource_urls.iter().any(|x| url_covers(x, y))),
        _ => false,
    }
}

/// Does `x`'s group match every request in `y`'s? Exact; `*` is every group from v1.35.
fn group_covers(x: &str, y: &str, v: ServerVersion) -> bool {
    x == y || (v >= ServerVersion::V1_35 && x == "*")
}

/// Is every request matched by the entry `e` matched by one of `entries`? Each of `e`'s
/// resource specs must be covered by a single entry (with its names).
fn entry_covered(entries: &[GroupResources], e: &GroupResources, v: ServerVersion) -> bool {
    let whole = |f: &GroupResources| {
        f.resources.is_empty()
            || (f.resource_names.is_empty() && f.resources.iter().any(|x| x == "*"))
    };
    if e.resources.is_empty() {
        return entries
            .iter()
            .any(|f| group_covers(&f.group, &e.group, v) && whole(f));
    }
    e.resources.iter().all(|y| {
        entries.iter().any(|f| {
            group_covers(&f.group, &e.group, v)
                && (f.resources.is_empty()
                    || (list_covers(&f.resource_names, &e.resource_names)
                        && f.resources.iter().any(|x| spec_covers(x, y))))
        })
    })
}

/// Does the resource spec `x` match every (resource, subresource) that `y` matches? The forms
/// of checker.go: `*`, `res`, `res/sub`, `res/*` (res and every subresource), `*/sub`. A spec
/// with a `*` anywhere else is covered only by `*` or itself.
pub fn spec_covers(x: &str, y: &str) -> bool {
    if x == "*" || x == y {
        return true;
    }
    let plain = |s: &str| !s.is_empty() && !s.contains(['*', '/']);
    match y.split_once('/') {
        // y = "res": res itself
        None if plain(y) => x.strip_suffix("/*") == Some(y),
        // y = "res/sub": exactly that subresource
        Some((r, s)) if plain(r) && plain(s) => {
            x.strip_suffix("/*") == Some(r) || x.strip_prefix("*/") == Some(s)
        }
        // "res/*", "*/sub" and odd forms: only "*" or the same spec
        _ => false,
    }
}

/// Does the `nonResourceURLs` entry `x` match every path `y` matches? checker.go
/// `pathMatches`: `*`, exact, or a prefix before trailing `*`s.
pub fn url_covers(x: &str, y: &str) -> bool {
    if x == "*" || x == y {
        return true;
    }
    if y == "*" {
        return false;
    }
    let Some(p) = x.strip_suffix('*') else {
        return false;
    };
    let p = p.trim_end_matches('*');
    // y exact: that path; y with a trailing *: every path with its prefix
    y.trim_end_matches('*').starts_with(p)
}

fn shadowed(p: &Policy, out: &mut Vec<Lint>) {
    for (i, later) in p.rules.iter().enumerate() {
        if let Some(j) = (0..i).find(|&j| covers(&p.rules[j], later, p.version)) {
            out.push(Lint {
                rule: Some(i),
                kind: "shadowed",
                message: format!(
                    "rules[{i}] can never match: rules[{j}] comes first and matches every request it could (level {} instead of {}); move rules[{i}] above rules[{j}], or narrow rules[{j}]",
                    p.rules[j].level, later.level
                ),
            });
        }
    }
}

/// Verbs whose requests carry an object's contents in the request body (level Request) or in
/// the request or response body (RequestResponse). A watch's events are never in the log.
fn leaking_verbs(level: Level) -> &'static [&'static str] {
    match level {
        Level::None | Level::Metadata => &[],
        Level::Request => &["create", "update", "patch"],
        Level::RequestResponse => &[
            "get",
            "list",
            "create",
            "update",
            "patch",
            "delete",
            "deletecollection",
        ],
    }
}

/// How the rule reaches core `res`, when it does: the names it is limited to (empty: any) and
/// how it is written. `None`: the rule cannot match a request on `res`.
fn reaches(r: &Rule, res: &str, v: ServerVersion) -> Option<(Vec<String>, String)> {
    if kind(r) == Kind::NonResource {
        return None;
    }
    if r.resources.is_empty() {
        return Some((Vec::new(), "a rule with no resources constraint".into()));
    }
    let mut names: Vec<String> = Vec::new();
    let mut how = None;
    let mut any_name = false;
    for e in r.resources.iter().filter(|e| group_covers(&e.group, "", v)) {
        let hit = if e.resources.is_empty() {
            Some("`group: \"\"` with no resources list (the whole core group)".to_string())
        } else {
            e.resources
                .iter()
                .find(|x| spec_covers(x, res))
                .map(|x| format!("`{x}`"))
        };
        if let Some(h) = hit {
            how.get_or_insert(h);
            if e.resource_names.is_empty() {
                any_name = true;
            } else {
                names.extend(e.resource_names.iter().cloned());
            }
        }
    }
    let how = how?;
    if any_name {
        names.clear();
    }
    Some((names, how))
}

fn sensitive(p: &Policy, out: &mut Vec<Lint>) {
    for (i, r) in p.rules.iter().enumerate() {
        let leak = leaking_verbs(r.level);
        let verbs: Vec<String> = leak
            .iter()
            .filter(|v| r.verbs.is_empty() || r.verbs.iter().any(|x| x == *v))
            .map(|v| v.to_string())
            .collect();
        if verbs.is_empty() {
            continue;
        }
        let mut hits = Vec::new();
        for res in ["secrets", "configmaps"] {
            let Some((names, how)) = reaches(r, res, p.version) else {
                continue;
            };
            // the requests this rule would log with their contents
            let probe = Rule {
                verbs: verbs.clone(),
                resources: vec![GroupResources {
                    group: String::new(),
                    resources: vec![res.into()],
                    resource_names: names,
                }],
                non_resource_urls: Vec::new(),
                ..r.clone()
            };
            if (0..i).any(|j| covers(&p.rules[j], &probe, p.version)) {
                continue;
            }
            hits.push((res, how));
        }
        if hits.is_empty() {
            continue;
        }
        let what: Vec<String> = if hits.len() > 1 && hits.iter().all(|(_, h)| *h == hits[0].1) {
            vec![format!("secrets and configmaps (through {})", hits[0].1)]
        } else {
            hits.iter()
                .map(|(res, how)| format!("{res} (through {how})"))
                .collect()
        };
        let list: Vec<&str> = hits.iter().map(|(res, _)| *res).collect();
        let contents: Vec<&str> = list
            .iter()
            .map(|r| {
                if *r == "secrets" {
                    "Secret data"
                } else {
                    "ConfigMap values"
                }
            })
            .collect();
        out.push(Lint {
            rule: Some(i),
            kind: "sensitive-contents",
            message: format!(
                "rules[{i}] logs {} at level {}: their contents ({}) end up in the audit log; put a rule before it such as `- level: Metadata` with `resources: [{{group: \"\", resources: [{}]}}]`",
                what.join(" and "),
                r.level,
                contents.join(", "),
                list.join(", ")
            ),
        });
    }
}

/// The pod subresources a rule about pods is usually meant to cover (exec and attach give a
/// shell, log and portforward read from containers).
const POD_SUBRESOURCES: [&str; 5] = [
    "exec",
    "attach",
    "portforward",
    "log",
    "ephemeralcontainers",
];

/// A rule that lists plain `pods` in the core group (and no `pods/*`, `*` or `pods/SUB` form;
/// a `*/SUB` form only takes that subresource out of the question)
/// at a level above None: for each subresource above, the requests it would have taken with
/// `pods/*` go elsewhere. Reported when, for one of them, no earlier rule takes them all (then
/// `pods/*` would change nothing) and the first later rule that takes them all logs them at a
/// lower level, or there is none (level None, or whatever partial rules catch them). Rules
/// between that take only part of them are not looked at.
fn pods(p: &Policy, out: &mut Vec<Lint>) {
    for (i, r) in p.rules.iter().enumerate() {
        if r.level == Level::None {
            continue;
        }
        let core: Vec<&GroupResources> = r
            .resources
            .iter()
            .filter(|e| e.group.is_empty() && !e.resources.is_empty())
            .collect();
        let lists_pods = core.iter().any(|e| e.resources.iter().any(|x| x == "pods"));
        // `*` or any `pods/...` form: the author had subresources in mind
        let has_sub = core.iter().any(|e| {
            e.resources
                .iter()
                .any(|x| x == "*" || x.starts_with("pods/"))
        });
        if !lists_pods || has_sub {
            continue;
        }
        let names: Vec<String> = core
            .iter()
            .filter(|e| e.resources.iter().any(|x| x == "pods"))
            .flat_map(|e| e.resource_names.iter().cloned())
            .collect();
        // (where they go, the subresources that go there), in the order first seen
        let mut lost: Vec<(String, Vec<String>)> = Vec::new();
        for sub in POD_SUBRESOURCES {
            let probe = Rule {
                resources: vec![GroupResources {
                    group: String::new(),
                    resources: vec![format!("pods/{sub}")],
                    resource_names: names.clone(),
                }],
                ..r.clone()
            };
            // taken by an earlier rule (pods/* would change nothing), or by this one (`*/exec`)
            if (0..=i).any(|j| covers(&p.rules[j], &probe, p.version)) {
                continue;
            }
            let later = (i + 1..p.rules.len()).find(|&j| covers(&p.rules[j], &probe, p.version));
            let to = match later {
                Some(j) if p.rules[j].level >= r.level => continue,
                Some(j) => format!("rules[{j}] ({})", p.rules[j].level),
                None => {
                    "no rule that takes them all (level None unless a partial rule catches them)"
                        .to_string()
                }
            };
            match lost.iter_mut().find(|(t, _)| *t == to) {
                Some((_, subs)) => subs.push(format!("pods/{sub}")),
                None => lost.push((to, vec![format!("pods/{sub}")])),
            }
        }
        let lost: Vec<String> = lost
            .into_iter()
            .map(|(to, subs)| format!("{} → {to}", subs.join(", ")))
            .collect();
        if lost.is_empty() {
            continue;
        }
        out.push(Lint {
            rule: Some(i),
            kind: "pods-without-subresources",
            message: format!(
                "rules[{i}] lists `pods`, which matches no subresource, so these fall through: {}; write `pods/*` (pods and all its subresources) or list the subresources (`pods/exec`, `pods/log`, ...)",
                lost.join(", ")
            ),
        });
    }
}

fn omit_request_received(p: &Policy, out: &mut Vec<Lint>) {
    if p.omit_stages.contains(Stage::RequestReceived) {
        return;
    }
    let keeping: Vec<String> = p
        .rules
        .iter()
        .enumerate()
        .filter(|(_, r)| r.level > Level::None && !r.omit_stages.contains(Stage::RequestReceived))
        .map(|(i, _)| format!("rules[{i}]"))
        .collect();
    if keeping.is_empty() {
        return;
    }
    out.push(Lint {
        rule: None,
        kind: "no-omit-request-received",
        message: format!(
            "the RequestReceived stage is not omitted ({}): each request logged there writes an extra event before it is even authorized, with no response code; add `omitStages: [RequestReceived]` at the top of the policy",
            if keeping.len() == p.rules.iter().filter(|r| r.level > Level::None).count() {
                "by the policy or any rule".to_string()
            } else {
                format!("in {}", keeping.join(", "))
            }
        ),
    });
}

fn catch_all(p: &Policy, out: &mut Vec<Lint>) {
    let unconstrained = |r: &Rule| {
        r.users.is_empty()
            && r.user_groups.is_empty()
            && r.verbs.is_empty()
            && r.namespaces.is_empty()
            && r.resources.is_empty()
            && r.non_resource_urls.is_empty()
    };
    if p.rules.iter().any(unconstrained) {
        return;
    }
    out.push(Lint {
        rule: None,
        kind: "no-catch-all",
        message: "no catch-all rule: a request that matches no rule is not logged (the default level is None); end the rules with one such as `- level: Metadata`".into(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(body: &str) -> Policy {
        Policy::parse(&format!(
            "apiVersion: audit.k8s.io/v1\nkind: Policy\n{body}"
        ))
        .unwrap_or_else(|e| panic!("{e:?}"))
    }

    /// The rules of a policy with `omitStages: [RequestReceived]`.
    fn rules(body: &str) -> Policy {
        policy(&format!("omitStages: [RequestReceived]\nrules:\n{body}"))
    }

    fn kinds(p: &Policy) -> Vec<(Option<usize>, &'static str)> {
        lint(p).into_iter().map(|l| (l.rule, l.kind)).collect()
    }

    fn one(yaml: &str) -> Rule {
        rules(yaml).rules.remove(0)
    }

    fn cov(a: &str, b: &str) -> bool {
        covers(&one(a), &one(b), ServerVersion::V1_20)
    }

    #[test]
    fn spec_coverage_forms() {
        assert!(spec_covers("pods/*", "pods"));
        assert!(spec_covers("pods/*", "pods/log"));
        assert!(spec_covers("*", "pods/log"));
        assert!(spec_covers("*", "*/status"));
        assert!(spec_covers("*/status", "pods/status"));
        assert!(!spec_covers("*/status", "pods"));
        assert!(!spec_covers("*/status", "pods/*"));
        assert!(!spec_covers("pods", "pods/log"));
        assert!(!spec_covers("pods/*", "*/log"));
        assert!(!spec_covers("pods/*", "podtemplates"));
        assert!(!spec_covers("pods/log", "pods"));
        assert!(spec_covers("pods/log", "pods/log"));
        assert!(!spec_covers("*/log", "*"));
    }

    #[test]
    fn url_coverage() {
        assert!(url_covers("*", "/healthz"));
        assert!(url_covers("/healthz*", "/healthz"));
        assert!(url_covers("/healthz*", "/healthz/etcd*"));
        assert!(url_covers("/h*", "/healthz*"));
        assert!(!url_covers("/healthz*", "/h*"));
        assert!(!url_covers("/healthz", "/healthz*"));
        assert!(!url_covers("/healthz*", "*"));
        assert!(!url_covers("/version", "/versions"));
    }

    #[test]
    fn star_covers_everything_in_the_group_and_pods_star_covers_pods() {
        let star = "- level: None\n  resources: [{group: '', resources: ['*']}]\n";
        assert!(cov(
            star,
            "- level: None\n  resources: [{group: '', resources: [pods, secrets/x]}]\n"
        ));
        assert!(cov(star, "- level: None\n  resources: [{group: ''}]\n"));
        assert!(!cov(star, "- level: None\n  resources: [{group: apps}]\n"));
        let ps = "- level: None\n  resources: [{group: '', resources: ['pods/*']}]\n";
        assert!(cov(
            ps,
            "- level: None\n  resources: [{group: '', resources: [pods, pods/log]}]\n"
        ));
        assert!(!cov(
            ps,
            "- level: None\n  resources: [{group: '', resources: [pods, nodes]}]\n"
        ));
        let st = "- level: None\n  resources: [{group: '', resources: ['*/status']}]\n";
        assert!(!cov(
            st,
            "- level: None\n  resources: [{group: '', resources: [pods]}]\n"
        ));
        assert!(cov(
            st,
            "- level: None\n  resources: [{group: '', resources: [pods/status]}]\n"
        ));
    }

    #[test]
    fn names_namespaces_users_verbs() {
        let named = "- level: None\n  resources: [{group: '', resources: [configmaps], resourceNames: [a]}]\n";
        let any = "- level: None\n  resources: [{group: '', resources: [configmaps]}]\n";
        assert!(!cov(named, any));
        assert!(cov(any, named));
        assert!(cov(
            "- level: None\n  resources: [{group: '', resources: [configmaps], resourceNames: [a, b]}]\n",
            named
        ));
        // no namespaces covers any namespaces; namespaces do not cover none
        let ns = "- level: None\n  namespaces: [a]\n  resources: [{group: '', resources: [configmaps]}]\n";
        assert!(cov(any, ns));
        assert!(!cov(ns, any));
        assert!(cov(
            "- level: None\n  namespaces: [a, b]\n",
            "- level: None\n  namespaces: [a]\n  resources: [{group: apps}]\n"
        ));
        // users, groups, verbs: subsets only
        assert!(cov(
            "- level: None\n  users: [a, b]\n",
            "- level: None\n  users: [a]\n  verbs: [get]\n"
        ));
        assert!(!cov(
            "- level: None\n  users: [a]\n",
            "- level: None\n  users: [a, b]\n"
        ));
        assert!(!cov(
            "- level: None\n  users: [a]\n",
            "- level: None\n  userGroups: [g]\n"
        ));
        assert!(!cov("- level: None\n  verbs: [get]\n", "- level: None\n"));
        assert!(cov(
            "- level: None\n  verbs: [get, list]\n",
            "- level: None\n  verbs: [list]\n"
        ));
    }

    #[test]
    fn kinds_of_request() {
        // no resource or URL constraint: both kinds
        let open = "- level: None\n  users: [a]\n";
        assert!(cov(
            open,
            "- level: None\n  users: [a]\n  nonResourceURLs: [/x]\n"
        ));
        assert!(cov(
            open,
            "- level: None\n  users: [a]\n  resources: [{group: ''}]\n"
        ));
        // a resource rule never covers a URL rule nor an open one, and the other way round
        let res = "- level: None\n  resources: [{group: ''}]\n";
        assert!(!cov(res, "- level: None\n  nonResourceURLs: ['*']\n"));
        assert!(!cov(res, "- level: None\n"));
        assert!(!cov("- level: None\n  nonResourceURLs: ['*']\n", res));
        assert!(!cov(
            "- level: None\n  nonResourceURLs: ['*']\n",
            "- level: None\n"
        ));
        assert!(cov(
            "- level: None\n  nonResourceURLs: ['/h*']\n",
            "- level: None\n  nonResourceURLs: [/healthz, '/hz*']\n"
        ));
        // a rule with namespaces only covers every resource request in them
        assert!(cov(
            "- level: None\n  namespaces: [a]\n",
            "- level: None\n  namespaces: [a]\n  resources: [{group: x.io, resources: ['*']}]\n"
        ));
    }

    #[test]
    fn shadowed_rules_are_reported_with_the_rule_that_hides_them() {
        let p = rules(
            "- level: Metadata\n  resources: [{group: '', resources: ['pods/*']}]\n- level: RequestResponse\n  verbs: [create]\n  resources: [{group: '', resources: [pods/exec]}]\n- level: Metadata\n",
        );
        let l = lint(&p);
        assert_eq!(l.len(), 1, "{l:?}");
        assert_eq!((l[0].rule, l[0].kind), (Some(1), "shadowed"));
        assert!(
            l[0].message
                .starts_with("rules[1] can never match: rules[0]"),
            "{}",
            l[0].message
        );
        // anything after a catch-all
        let p = rules("- level: Metadata\n- level: None\n  nonResourceURLs: [/healthz]\n");
        assert_eq!(kinds(&p), vec![(Some(1), "shadowed")]);
    }

    #[test]
    fn secrets_at_request_level_through_each_form() {
        for how in [
            "resources: [{group: '', resources: [secrets]}]",
            "resources: [{group: '', resources: ['*']}]",
            "resources: [{group: ''}]",
            "namespaces: [prod]",
            "users: [admin]",
        ] {
            let p = rules(&format!(
                "- level: RequestResponse\n  {how}\n- level: Metadata\n"
            ));
            assert_eq!(kinds(&p), vec![(Some(0), "sensitive-contents")], "{how}");
        }
        // not when an earlier rule takes them, nor when the verbs carry no contents
        let p = rules(
            "- level: Metadata\n  resources: [{group: '', resources: [secrets, configmaps]}]\n- level: RequestResponse\n  resources: [{group: ''}]\n- level: Metadata\n",
        );
        assert_eq!(kinds(&p), vec![]);
        let p = rules("- level: Request\n  verbs: [get, list, watch]\n- level: Metadata\n");
        assert_eq!(kinds(&p), vec![]);
        // an earlier rule for some names only does not take the others
        let p = rules(
            "- level: Metadata\n  resources: [{group: '', resources: [configmaps], resourceNames: [a]}]\n- level: RequestResponse\n  resources: [{group: '', resources: [configmaps]}]\n- level: Metadata\n",
        );
        let l = lint(&p);
        assert_eq!(kinds(&p), vec![(Some(1), "sensitive-contents")]);
        assert!(
            l[0].message.contains("configmaps (through `configmaps`)"),
            "{}",
            l[0].message
        );
        // v1.35's `group: "*"` reaches the core group too
        let p = Policy::parse_for(
            "apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n- level: RequestResponse\n  resources: [{group: '*', resources: ['*']}]\n- level: Metadata\n",
            ServerVersion::V1_35,
        )
        .unwrap();
        assert_eq!(kinds(&p), vec![(Some(0), "sensitive-contents")]);
        // another group's secrets are not the core Secrets
        let p = rules(
            "- level: RequestResponse\n  resources: [{group: example.com, resources: [secrets]}]\n- level: Metadata\n",
        );
        assert_eq!(kinds(&p), vec![]);
    }

    #[test]
    fn pods_without_subresources() {
        let p = rules(
            "- level: RequestResponse\n  resources: [{group: '', resources: [pods]}]\n- level: Metadata\n",
        );
        let l = lint(&p);
        assert_eq!(kinds(&p), vec![(Some(0), "pods-without-subresources")]);
        assert!(
            l[0].message.contains("pods/exec, pods/attach, pods/portforward, pods/log, pods/ephemeralcontainers → rules[1] (Metadata);"),
            "{}",
            l[0].message
        );
        // pods/* is fine; so is a later rule that logs the subresources as high
        let p = rules(
            "- level: Request\n  resources: [{group: '', resources: ['pods/*']}]\n- level: Metadata\n",
        );
        assert_eq!(kinds(&p), vec![]);
        let p = rules(
            "- level: Request\n  resources: [{group: '', resources: [pods]}]\n- level: Request\n  resources: [{group: '', resources: ['pods/*']}]\n  verbs: [get, create]\n- level: RequestResponse\n  resources: [{group: '', resources: ['pods/*']}]\n",
        );
        assert_eq!(kinds(&p), vec![(None, "no-catch-all")]);
        // `*/exec` in the same rule takes exec only
        let p = rules(
            "- level: Request\n  resources: [{group: '', resources: [pods, '*/exec', '*/status']}]\n- level: Metadata\n",
        );
        let l = lint(&p);
        assert_eq!(kinds(&p), vec![(Some(0), "pods-without-subresources")]);
        assert!(
            l[0].message.contains("fall through: pods/attach, pods/portforward, pods/log, pods/ephemeralcontainers → rules[1] (Metadata);"),
            "{}",
            l[0].message
        );
        // no rule at all takes them: they fall to None
        let p = rules("- level: Metadata\n  resources: [{group: '', resources: [pods]}]\n");
        let l = lint(&p);
        assert!(
            l.iter()
                .any(|l| l.kind == "pods-without-subresources" && l.message.contains("level None")),
            "{l:?}"
        );
    }

    #[test]
    fn request_received_and_catch_all() {
        let p = policy("rules:\n- level: Metadata\n  resources: [{group: ''}]\n");
        assert_eq!(
            kinds(&p),
            vec![(None, "no-omit-request-received"), (None, "no-catch-all")]
        );
        // every logging rule omitting it is as good as the policy doing it
        let p = policy(
            "rules:\n- level: None\n  users: [x]\n- level: Metadata\n  omitStages: [RequestReceived]\n",
        );
        assert_eq!(kinds(&p), vec![]);
        let p = policy(
            "rules:\n- level: Metadata\n  users: [x]\n- level: Metadata\n  omitStages: [RequestReceived]\n",
        );
        let l = lint(&p);
        assert_eq!(kinds(&p), vec![(None, "no-omit-request-received")]);
        assert!(l[0].message.contains("(in rules[0])"), "{}", l[0].message);
    }

    /// testdata/logrotate/s6-policy.yaml: no rule is hidden ([0] and [1] come first; every
    /// later rule is narrower than none before it); it omits RequestReceived at the top and
    /// ends with a catch-all ([8]); [4] says `pods/*`. One lint, and it is right: [2] logs two
    /// named configmaps (feature-toggles, rate-limits) at RequestResponse, so their values are
    /// in the log (the scenario means it: it tests resourceNames). [6] (group dev, Request)
    /// would log dev's creates and updates of secrets with their data, but [3] takes every core
    /// secret and configmap request first; [4] reaches no secret or configmap.
    #[test]
    fn s6_policy_is_clean() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/logrotate/s6-policy.yaml"
        ))
        .unwrap();
        let p = Policy::parse(&text).unwrap();
        let l = lint(&p);
        assert_eq!(kinds(&p), vec![(Some(2), "sensitive-contents")], "{l:?}");
        assert!(l[0].message.starts_with("rules[2] logs configmaps (through `configmaps`) at level RequestResponse: their contents (ConfigMap values)"), "{}", l[0].message);
    }
}
