//! Unit tests of policy parsing: the real server's messages for each kind of mistake, warnings for
//! what it accepts silently, versions, Go quoting, suggestions.

use super::*;

const HEAD: &str = "apiVersion: audit.k8s.io/v1\nkind: Policy\n";

fn errors(text: &str) -> Vec<String> {
    match Policy::parse(text) {
        Ok(p) => panic!("accepted: {p:?}"),
        Err(ps) => ps
            .into_iter()
            .filter(|p| p.severity == Severity::Error)
            .map(|p| p.message)
            .collect(),
    }
}

fn one_error(body: &str) -> Problem {
    let ps = Policy::parse(&format!("{HEAD}{body}")).unwrap_err();
    let errs: Vec<&Problem> = ps
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .collect();
    assert_eq!(errs.len(), 1, "{ps:#?}");
    errs[0].clone()
}

/// s6's policy.yaml (testdata/logrotate/s6-policy.yaml): accepted, 9 rules.
#[test]
fn s6_policy_is_accepted() {
    let text = include_str!("../../../testdata/logrotate/s6-policy.yaml");
    let p = Policy::parse(text).unwrap();
    assert_eq!(p.rules.len(), 9);
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    assert_eq!(p.omit_stages.joined(), "RequestReceived");
    assert_eq!(p.rules[4].omit_stages.joined(), "ResponseStarted");
    assert_eq!(
        p.rules[2].resources[0].resource_names,
        ["feature-toggles", "rate-limits"]
    );
    assert_eq!(p.rules[8], Rule::new(Level::Metadata));
}

/// s6 policy-validation.txt, case 2: the real v1.20.2 server's message, byte for byte.
#[test]
fn wildcard_not_last_as_the_real_server_words_it() {
    let text = include_str!("../../../testdata/logrotate/s6-policy.yaml")
        .replace("/healthz*", "/heal*thz");
    let ps = Policy::parse(&text).unwrap_err();
    assert_eq!(
        server_message(&ps).unwrap(),
        "rules[1].nonResourceURLs[0]: Invalid value: \"/heal*thz\": non-resource URL wildcards '*' must be the final character of the rule"
    );
    assert_eq!(ps[0].rule, Some(1));
    assert_eq!(ps[0].field, "rules[1].nonResourceURLs[0]");
}

/// s6 policy-validation.txt, case 3: accepted, and rule [2] loses its names.
#[test]
fn misspelt_key_is_accepted_with_a_warning() {
    let text = include_str!("../../../testdata/logrotate/s6-policy.yaml")
        .replace("resourceNames:", "resourceNamez:");
    let p = Policy::parse(&text).unwrap();
    assert_eq!(p.rules.len(), 9);
    assert!(p.rules[2].resources[0].resource_names.is_empty());
    assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
    let w = &p.warnings[0];
    assert_eq!(
        (w.severity, w.rule, w.field.as_str()),
        (
            Severity::Warning,
            Some(2),
            "rules[2].resources[0].resourceNamez"
        )
    );
    assert!(
        w.message.contains("did you mean resourceNames?"),
        "{}",
        w.message
    );
}

#[test]
fn unknown_level() {
    let p = one_error("rules:\n- level: Everything\n");
    assert_eq!(
        p.message,
        "rules[0].level: Unsupported value: \"Everything\": supported values: \"None\", \"Metadata\", \"Request\", \"RequestResponse\""
    );
    // levels are case-sensitive
    assert!(
        one_error("rules:\n- level: metadata\n")
            .message
            .contains("Unsupported value: \"metadata\"")
    );
}

#[test]
fn missing_level_and_case_sensitive_keys() {
    assert_eq!(
        one_error("rules:\n- verbs: [get]\n").message,
        "rules[0].level: Required value"
    );
    // `Level` is an unknown key: dropped, so the level is missing
    let ps = Policy::parse(&format!("{HEAD}rules:\n- Level: None\n")).unwrap_err();
    assert_eq!(ps[0].message, "rules[0].level: Required value");
    assert!(ps[1].severity == Severity::Warning && ps[1].message.contains("did you mean level?"));
}

#[test]
fn bad_stage_in_a_rule_and_in_the_policy() {
    assert_eq!(
        one_error("rules:\n- level: None\n  omitStages: [ResponseStarted, Started]\n").message,
        "rules[0].omitStages[1]: Invalid value: \"Started\": allowed stages are RequestReceived,ResponseStarted,ResponseComplete,Panic"
    );
    let p = one_error("omitStages: [requestReceived]\nrules:\n- level: None\n");
    assert_eq!(
        p.message,
        "omitStages[0]: Invalid value: \"requestReceived\": allowed stages are RequestReceived,ResponseStarted,ResponseComplete,Panic"
    );
    assert_eq!(p.rule, None);
}

#[test]
fn non_resource_urls_mixed_with_resources_or_namespaces() {
    let want = "rules[0].nonResourceURLs: Invalid value: []string{\"/healthz*\", \"/version\"}: rules cannot apply to both regular resources and non-resource URLs";
    assert_eq!(
        one_error("rules:\n- level: None\n  nonResourceURLs: ['/healthz*', /version]\n  resources: [{group: ''}]\n").message,
        want
    );
    assert_eq!(
        one_error("rules:\n- level: None\n  nonResourceURLs: ['/healthz*', /version]\n  namespaces: [default]\n").message,
        want
    );
    // empty lists are no constraint, so no mix
    assert!(
        Policy::parse(&format!(
            "{HEAD}rules:\n- level: None\n  nonResourceURLs: [/x]\n  namespaces: []\n"
        ))
        .is_ok()
    );
}

#[test]
fn non_resource_url_shape() {
    assert_eq!(
        one_error("rules:\n- level: None\n  nonResourceURLs: [healthz]\n").message,
        "rules[0].nonResourceURLs[0]: Invalid value: \"healthz\": non-resource URL rules must begin with a '/' character"
    );
    // both errors for one URL, in the server's order
    assert_eq!(
        errors(&format!(
            "{HEAD}rules:\n- level: None\n  nonResourceURLs: ['/*/x', '*x']\n"
        )),
        [
            "rules[0].nonResourceURLs[0]: Invalid value: \"/*/x\": non-resource URL wildcards '*' must be the final character of the rule",
            "rules[0].nonResourceURLs[1]: Invalid value: \"*x\": non-resource URL rules must begin with a '/' character",
            "rules[0].nonResourceURLs[1]: Invalid value: \"*x\": non-resource URL wildcards '*' must be the final character of the rule",
        ]
    );
    assert_eq!(
        one_error("rules:\n- level: None\n  nonResourceURLs: ['']\n").message,
        "rules[0].nonResourceURLs[0]: Invalid value: \"\": non-resource URL rules must begin with a '/' character"
    );
    assert!(
        Policy::parse(&format!(
            "{HEAD}rules:\n- level: None\n  nonResourceURLs: ['*', '/*', /logs*]\n"
        ))
        .is_ok()
    );
}

#[test]
fn non_dns_group() {
    let p = one_error(
        "rules:\n- level: None\n  resources: [{group: ''}, {group: rbac.authorization.k8s.io/v1}]\n",
    );
    assert_eq!(
        p.message,
        "rules[0].resources.group: Invalid value: \"rbac.authorization.k8s.io/v1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    );
    for bad in ["Apps", "apps.", "-apps", "a..b", "*"] {
        assert!(
            one_error(&format!(
                "rules:\n- level: None\n  resources: [{{group: '{bad}'}}]\n"
            ))
            .message
            .contains("RFC 1123"),
            "{bad}"
        );
    }
    let long = format!("{}.io", "a".repeat(251));
    assert!(
        one_error(&format!(
            "rules:\n- level: None\n  resources: [{{group: {long}}}]\n"
        ))
        .message
        .contains(": must be no more than 253 characters")
    );
    for good in ["apps", "rbac.authorization.k8s.io", "x-1.example.com", "1a"] {
        assert!(
            Policy::parse(&format!(
                "{HEAD}rules:\n- level: None\n  resources: [{{group: {good}}}]\n"
            ))
            .is_ok(),
            "{good}"
        );
    }
}

#[test]
fn resource_names_without_resources() {
    assert_eq!(
        one_error("rules:\n- level: None\n  resources: [{group: '', resourceNames: [leader]}]\n")
            .message,
        "rules[0].resources.resourceNames: Invalid value: []string{\"leader\"}: using resourceNames requires at least one resource"
    );
}

#[test]
fn empty_rule_list() {
    for body in [
        "rules: []\n",
        "",
        "rules:\n",
        "omitStages: [RequestReceived]\n",
    ] {
        let ps = Policy::parse(&format!("{HEAD}{body}")).unwrap_err();
        assert_eq!(
            server_message(&ps).unwrap(),
            "loaded illegal policy with 0 rules",
            "{body:?}"
        );
        assert_eq!(ps[0].field, "rules");
    }
    // validation errors come first: the count is checked after them
    assert_eq!(
        errors(&format!("{HEAD}omitStages: [X]\nrules: []\n")),
        [
            "omitStages[0]: Invalid value: \"X\": allowed stages are RequestReceived,ResponseStarted,ResponseComplete,Panic"
        ]
    );
}

#[test]
fn several_errors_aggregate_like_the_server() {
    let ps = Policy::parse(&format!(
        "{HEAD}rules:\n- level: Foo\n- level: None\n  nonResourceURLs: [x]\n"
    ))
    .unwrap_err();
    assert_eq!(
        server_message(&ps).unwrap(),
        "[rules[0].level: Unsupported value: \"Foo\": supported values: \"None\", \"Metadata\", \"Request\", \"RequestResponse\", rules[1].nonResourceURLs[0]: Invalid value: \"x\": non-resource URL rules must begin with a '/' character]"
    );
    assert_eq!(
        ps.iter().map(|p| p.rule).collect::<Vec<_>>(),
        [Some(0), Some(1)]
    );
}

#[test]
fn wrong_types_fail_decoding_and_name_the_field() {
    assert_eq!(
        one_error("rules:\n- level: None\n  users: alice\n").message,
        "rules[0].users: failed decoding: expected a list of strings, found a string (\"alice\")"
    );
    assert_eq!(
        one_error("rules:\n- level: None\n  verbs: [get, 1]\n").message,
        "rules[0].verbs[1]: failed decoding: expected a string, found a number (1)"
    );
    // YAML 1.1 booleans, as Go's yaml.v2 reads them
    assert!(
        one_error("rules:\n- level: None\n  namespaces: [no]\n")
            .message
            .contains("found a boolean (false)")
    );
    assert!(
        one_error("rules: {level: None}\n")
            .message
            .starts_with("rules: failed decoding: expected a list of maps")
    );
    assert!(
        one_error("rules:\n- None\n")
            .message
            .starts_with("rules[0]: failed decoding: expected a map")
    );
    assert!(errors("- level: None\n")[0].contains("failed decoding: expected a map (a Policy)"));
    assert!(errors("rules: [\n")[0].starts_with("failed decoding: "));
}

#[test]
fn api_version_and_kind() {
    assert!(
        errors("kind: Policy\nrules:\n- level: None\n")[0]
            .starts_with("apiVersion: Required value")
    );
    assert_eq!(
        errors("apiVersion: audit.k8s.io/v2\nkind: Policy\nrules:\n- level: None\n"),
        [
            "apiVersion: Unsupported value: \"audit.k8s.io/v2\": supported values: \"audit.k8s.io/v1\", \"audit.k8s.io/v1beta1\", \"audit.k8s.io/v1alpha1\""
        ]
    );
    assert!(
        errors("apiVersion: audit.k8s.io/v1\nkind: PolicyList\nrules:\n- level: None\n")[0]
            .starts_with("kind: Unsupported value: \"PolicyList\"")
    );
    let p =
        Policy::parse("apiVersion: audit.k8s.io/v1beta1\nkind: Policy\nrules:\n- level: None\n")
            .unwrap();
    assert!(p.warnings[0].message.contains("deprecated"));
    let p = Policy::parse("apiVersion: audit.k8s.io/v1\nrules:\n- level: None\n").unwrap();
    assert!(p.warnings[0].message.starts_with("kind: missing"));
    assert!(errors("")[0].contains("holds no policy"));
}

#[test]
fn json_duplicate_keys_and_documents() {
    let p = Policy::parse(
        r#"{"apiVersion": "audit.k8s.io/v1", "kind": "Policy", "rules": [{"level": "Metadata"}]}"#,
    )
    .unwrap();
    assert_eq!(p.rules[0].level, Level::Metadata);
    // the last value of a repeated key wins, with a warning
    let p = Policy::parse(&format!("{HEAD}rules:\n- level: None\n  level: Metadata\n")).unwrap();
    assert_eq!(p.rules[0].level, Level::Metadata);
    assert!(
        p.warnings[0].message.contains("duplicate"),
        "{:?}",
        p.warnings
    );
    // a second document is ignored
    let p = Policy::parse(&format!(
        "{HEAD}rules:\n- level: None\n---\n{HEAD}rules:\n- level: Metadata\n"
    ))
    .unwrap();
    assert_eq!(p.rules[0].level, Level::None);
    assert!(p.warnings[0].message.contains("2 YAML documents"));
}

#[test]
fn omit_managed_fields_by_version() {
    let text = format!(
        "{HEAD}omitManagedFields: true\nrules:\n- level: None\n  omitManagedFields: false\n"
    );
    let p = Policy::parse(&text).unwrap();
    assert_eq!(p.warnings.len(), 2);
    assert!(
        p.warnings
            .iter()
            .all(|w| w.message.contains("came in Kubernetes 1.23"))
    );
    let p = Policy::parse_for(&text, ServerVersion::V1_35).unwrap();
    assert!(p.warnings.is_empty());
}

#[test]
fn go_quoting() {
    assert_eq!(
        go_quote("a\"b\\c\n\u{7}\u{1b}é\u{a0}"),
        "\"a\\\"b\\\\c\\n\\a\\x1bé\\u00a0\""
    );
    assert_eq!(
        go_slice(&["a".into(), "b".into()]),
        "[]string{\"a\", \"b\"}"
    );
    assert_eq!(go_slice(&[]), "[]string{}");
}

#[test]
fn suggestions() {
    assert_eq!(
        suggest("resourceNamez", &GROUP_RESOURCES_KEYS),
        Some("resourceNames")
    );
    assert_eq!(suggest("namespace", &RULE_KEYS), Some("namespaces"));
    assert_eq!(suggest("userGroup", &RULE_KEYS), Some("userGroups"));
    assert_eq!(
        suggest("NonResourceURLs", &RULE_KEYS),
        Some("nonResourceURLs")
    );
    assert_eq!(suggest("comment", &RULE_KEYS), None);
}
