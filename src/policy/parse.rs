//! Loading a policy file as the API server does (`apiserver/pkg/audit/policy/reader.go`
//! `LoadPolicyFromBytes`): YAML read into JSON values (serde-saphyr, as `detect` reads rules),
//! decoded non-strictly into a [`Policy`] (unknown keys dropped; a value of the wrong type
//! fails the load), then `pkg/apis/audit/validation/validation.go` `ValidatePolicy`, then
//! reader.go's own check that there is at least one rule.
//!
//! Errors are worded as the API server's `field.Error`s are (`rules[1].nonResourceURLs[0]:
//! Invalid value: "/heal*thz": non-resource URL wildcards '*' must be the final character of
//! the rule`), so the field path names the rule. What the server accepts silently but changes
//! the meaning of a policy (unknown keys, duplicate keys, extra YAML documents) is reported as
//! a warning. Decoding errors are ours: the server's come from its JSON library and name no
//! field.

use std::fmt;

use serde_json::{Map, Value};

use super::{GroupResources, Level, Policy, Rule, ServerVersion};
use crate::event::{Stage, StageSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The API server refuses the file (kube-apiserver exits).
    Error,
    /// The API server loads the file, but not as it may have been meant.
    Warning,
}

/// One problem with a policy file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    /// The field as the API server names it (`rules[1].nonResourceURLs[0]`); `""` for the
    /// file as a whole.
    pub field: String,
    /// The rule the field is in, when it is in one.
    pub rule: Option<usize>,
    /// The whole message, field first (the API server's wording where it has one).
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The error kube-apiserver v1.20 prints for these problems' errors (its `Error: loading
/// audit policy file: ...` less the file name): one message, or several in brackets, repeats
/// dropped (apimachinery `utilerrors.NewAggregate`). `None` when there is no error.
pub fn server_message(problems: &[Problem]) -> Option<String> {
    let mut seen: Vec<&str> = Vec::new();
    for p in problems.iter().filter(|p| p.severity == Severity::Error) {
        if !seen.contains(&p.message.as_str()) {
            seen.push(&p.message);
        }
    }
    match seen.len() {
        0 => None,
        1 => Some(seen[0].to_string()),
        _ => Some(format!("[{}]", seen.join(", "))),
    }
}

/// The API versions a v1.20 server reads (reader.go `apiGroupVersions`); the first is current.
const API_VERSIONS: [&str; 3] = [
    "audit.k8s.io/v1",
    "audit.k8s.io/v1beta1",
    "audit.k8s.io/v1alpha1",
];

const POLICY_KEYS: [&str; 5] = ["apiVersion", "kind", "metadata", "rules", "omitStages"];
const RULE_KEYS: [&str; 8] = [
    "level",
    "users",
    "userGroups",
    "verbs",
    "resources",
    "namespaces",
    "nonResourceURLs",
    "omitStages",
];
const GROUP_RESOURCES_KEYS: [&str; 3] = ["group", "resources", "resourceNames"];
/// `omitManagedFields`, policy- and rule-level, came in v1.23.
const MANAGED_FIELDS: &str = "omitManagedFields";

/// What parsing collects.
struct Out {
    version: ServerVersion,
    problems: Vec<Problem>,
}

impl Out {
    fn push(&mut self, severity: Severity, field: &str, rule: Option<usize>, message: String) {
        self.problems.push(Problem {
            severity,
            field: field.to_string(),
            rule,
            message,
        });
    }
    fn error(&mut self, field: &str, rule: Option<usize>, message: String) {
        self.push(Severity::Error, field, rule, message);
    }
    fn warn(&mut self, field: &str, rule: Option<usize>, message: String) {
        self.push(Severity::Warning, field, rule, message);
    }
    /// A value of the wrong type: the API server fails to decode the file.
    fn decode(&mut self, field: &str, rule: Option<usize>, want: &str, got: &Value) {
        let at = if field.is_empty() {
            String::new()
        } else {
            format!("{field}: ")
        };
        self.error(
            field,
            rule,
            format!(
                "{at}failed decoding: expected {want}, found {}",
                describe(got)
            ),
        );
    }
    /// Keys the API server drops without a word.
    fn unknown_keys(
        &mut self,
        m: &Map<String, Value>,
        known: &[&str],
        at: &str,
        rule: Option<usize>,
    ) {
        for k in m.keys() {
            if known.contains(&k.as_str()) {
                continue;
            }
            let field = if at.is_empty() {
                k.clone()
            } else {
                format!("{at}.{k}")
            };
            let mut msg = if k == MANAGED_FIELDS {
                format!(
                    "{field}: unknown field, ignored: omitManagedFields came in Kubernetes 1.23"
                )
            } else {
                format!(
                    "{field}: unknown field, ignored: the API server decodes policies non-strictly and drops it"
                )
            };
            if let Some(s) = suggest(k, known) {
                msg.push_str(&format!(" (did you mean {s}?)"));
            }
            if rule.is_some() && k != MANAGED_FIELDS {
                msg.push_str(", so the rule matches as if it were not written");
            }
            self.warn(&field, rule, msg);
        }
    }
}

/// A known key close to `k` (same letters in another case, or at most two edits away).
fn suggest<'k>(k: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .map(|c| {
            let d = if c.eq_ignore_ascii_case(k) {
                0
            } else {
                edit_distance(k, c)
            };
            (d, *c)
        })
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// How a JSON value is described in decoding errors.
fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("a boolean ({b})"),
        Value::Number(n) => format!("a number ({n})"),
        Value::String(s) => format!("a string ({})", go_quote(s)),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a map".into(),
    }
}

/// Go's `%q` (`strconv.Quote`) for the strings in messages.
pub(super) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\x7f' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if c.is_control() || (c.is_whitespace() && c != ' ') => {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `%#v` of a `[]string`, as `field.Invalid` prints a list value.
fn go_slice(v: &[String]) -> String {
    let items: Vec<String> = v.iter().map(|s| go_quote(s)).collect();
    format!("[]string{{{}}}", items.join(", "))
}

/// A string field; `null` is the empty string (Go's zero value).
fn string(v: Option<&Value>, field: &str, rule: Option<usize>, out: &mut Out) -> Option<String> {
    match v {
        None | Some(Value::Null) => Some(String::new()),
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            out.decode(field, rule, "a string", other);
            None
        }
    }
}

/// A list of strings; absent or `null` is empty; a `null` item is `""`.
fn strings(v: Option<&Value>, field: &str, rule: Option<usize>, out: &mut Out) -> Vec<String> {
    match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => {
            let mut r = Vec::with_capacity(items.len());
            for (i, x) in items.iter().enumerate() {
                match x {
                    Value::String(s) => r.push(s.clone()),
                    Value::Null => r.push(String::new()),
                    other => out.decode(&format!("{field}[{i}]"), rule, "a string", other),
                }
            }
            r
        }
        Some(other) => {
            out.decode(field, rule, "a list of strings", other);
            Vec::new()
        }
    }
}

/// A list of maps; absent or `null` is empty.
fn maps<'v>(
    v: Option<&'v Value>,
    field: &str,
    rule: Option<usize>,
    out: &mut Out,
) -> Vec<(usize, &'v Map<String, Value>)> {
    match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => {
            let mut r = Vec::new();
            for (i, x) in items.iter().enumerate() {
                match x {
                    Value::Object(m) => r.push((i, m)),
                    // a null item decodes as an empty struct
                    Value::Null => {}
                    other => out.decode(&format!("{field}[{i}]"), rule, "a map", other),
                }
            }
            r
        }
        Some(other) => {
            out.decode(field, rule, "a list of maps", other);
            Vec::new()
        }
    }
}

/// validation.go `validOmitStages`, in its order.
const STAGES: [&str; 4] = [
    "RequestReceived",
    "ResponseStarted",
    "ResponseComplete",
    "Panic",
];

/// validation.go `validateOmitStages`: each stage must be one of the four, exactly.
fn validate_omit_stages(
    names: &[String],
    field: &str,
    rule: Option<usize>,
    out: &mut Out,
) -> StageSet {
    let mut set = StageSet::default();
    for (i, s) in names.iter().enumerate() {
        match Stage::parse(s) {
            Some(st) => set.insert(st),
            None => out.error(
                &format!("{field}[{i}]"),
                rule,
                format!(
                    "{field}[{i}]: Invalid value: {}: allowed stages are {}",
                    go_quote(s),
                    STAGES.join(",")
                ),
            ),
        }
    }
    set
}

/// validation.go `validateLevel`.
fn validate_level(s: &str, field: &str, rule: usize, out: &mut Out) -> Level {
    if let Some(l) = Level::parse(s) {
        return l;
    }
    if s.is_empty() {
        out.error(field, Some(rule), format!("{field}: Required value"));
    } else {
        let valid: Vec<String> = Level::ALL.iter().map(|l| go_quote(l.name())).collect();
        out.error(
            field,
            Some(rule),
            format!(
                "{field}: Unsupported value: {}: supported values: {}",
                go_quote(s),
                valid.join(", ")
            ),
        );
    }
    Level::None
}

/// validation.go `validateNonResourceURLs`: `*`, or a path starting with `/` with at most a
/// trailing `*`.
fn validate_non_resource_urls(urls: &[String], field: &str, rule: usize, out: &mut Out) {
    for (i, url) in urls.iter().enumerate() {
        if url == "*" {
            continue;
        }
        let f = format!("{field}[{i}]");
        if !url.starts_with('/') {
            out.error(
                &f,
                Some(rule),
                format!(
                    "{f}: Invalid value: {}: non-resource URL rules must begin with a '/' character",
                    go_quote(url)
                ),
            );
        }
        if !url.is_empty() && url[..url.len() - 1].contains('*') {
            out.error(
                &f,
                Some(rule),
                format!(
                    "{f}: Invalid value: {}: non-resource URL wildcards '*' must be the final character of the rule",
                    go_quote(url)
                ),
            );
        }
    }
}

/// apimachinery `validation.IsDNS1123Subdomain` (what `NameIsDNSSubdomain` checks): its
/// messages, joined with "," as validateResources joins them.
fn dns_subdomain_errors(s: &str) -> Vec<&'static str> {
    let mut errs = Vec::new();
    if s.len() > 253 {
        errs.push("must be no more than 253 characters");
    }
    let label_ok = |l: &str| {
        let b = l.as_bytes();
        !b.is_empty()
            && b[0].is_ascii_alphanumeric()
            && b[b.len() - 1].is_ascii_alphanumeric()
            && b.iter()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
    };
    if !s.split('.').all(label_ok) {
        errs.push(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        );
    }
    errs
}

/// validation.go `validateResources`. The field paths have no index: the server writes
/// `rules[0].resources.group`, whichever entry it is.
fn validate_resources(
    grs: &[GroupResources],
    field: &str,
    rule: usize,
    v: ServerVersion,
    out: &mut Out,
) {
    for gr in grs {
        // "" is the core group; "*" is every group since v1.35 (kubernetes/kubernetes#135262)
        let any_group = v >= ServerVersion::V1_35 && gr.group == "*";
        if !(gr.group.is_empty() || any_group) {
            let msgs = dns_subdomain_errors(&gr.group);
            if !msgs.is_empty() {
                let f = format!("{field}.group");
                out.error(
                    &f,
                    Some(rule),
                    format!(
                        "{f}: Invalid value: {}: {}",
                        go_quote(&gr.group),
                        msgs.join(",")
                    ),
                );
            }
        }
        if !gr.resource_names.is_empty() && gr.resources.is_empty() {
            let f = format!("{field}.resourceNames");
            out.error(
                &f,
                Some(rule),
                format!(
                    "{f}: Invalid value: {}: using resourceNames requires at least one resource",
                    go_slice(&gr.resource_names)
                ),
            );
        }
    }
}

/// Decode and validate one rule (validation.go `validatePolicyRule`, in its order: level,
/// nonResourceURLs, resources, omitStages, then the mix of URLs with resources or namespaces).
fn rule(i: usize, m: &Map<String, Value>, out: &mut Out) -> Rule {
    let at = format!("rules[{i}]");
    let f = |k: &str| format!("{at}.{k}");
    let r = Some(i);
    let mut known: Vec<&str> = RULE_KEYS.to_vec();
    if out.version >= ServerVersion::V1_35 {
        known.push(MANAGED_FIELDS);
    }
    out.unknown_keys(m, &known, &at, r);
    let lvl = string(m.get("level"), &f("level"), r, out);
    let users = strings(m.get("users"), &f("users"), r, out);
    let user_groups = strings(m.get("userGroups"), &f("userGroups"), r, out);
    let verbs = strings(m.get("verbs"), &f("verbs"), r, out);
    let namespaces = strings(m.get("namespaces"), &f("namespaces"), r, out);
    let urls = strings(m.get("nonResourceURLs"), &f("nonResourceURLs"), r, out);
    let omit = strings(m.get("omitStages"), &f("omitStages"), r, out);
    let mut resources = Vec::new();
    for (j, g) in maps(m.get("resources"), &f("resources"), r, out) {
        let gf = format!("{at}.resources[{j}]");
        out.unknown_keys(g, &GROUP_RESOURCES_KEYS, &gf, r);
        let group = string(g.get("group"), &format!("{gf}.group"), r, out);
        resources.push(GroupResources {
            group: group.unwrap_or_default(),
            resources: strings(g.get("resources"), &format!("{gf}.resources"), r, out),
            resource_names: strings(
                g.get("resourceNames"),
                &format!("{gf}.resourceNames"),
                r,
                out,
            ),
        });
    }
    if out.version >= ServerVersion::V1_35
        && let Some(v) = m.get(MANAGED_FIELDS)
        && !matches!(v, Value::Bool(_) | Value::Null)
    {
        out.decode(&f(MANAGED_FIELDS), r, "a boolean", v);
    }
    // validation only runs on what decoded; a field that failed to decode has its error
    let level = match lvl {
        Some(s) => validate_level(&s, &f("level"), i, out),
        None => Level::None,
    };
    validate_non_resource_urls(&urls, &f("nonResourceURLs"), i, out);
    validate_resources(&resources, &f("resources"), i, out.version, out);
    let omit_stages = validate_omit_stages(&omit, &f("omitStages"), r, out);
    if !urls.is_empty() && (!resources.is_empty() || !namespaces.is_empty()) {
        let fl = f("nonResourceURLs");
        out.error(
            &fl,
            r,
            format!(
                "{fl}: Invalid value: {}: rules cannot apply to both regular resources and non-resource URLs",
                go_slice(&urls)
            ),
        );
    }
    Rule {
        level,
        users,
        user_groups,
        verbs,
        resources,
        namespaces,
        non_resource_urls: urls,
        omit_stages,
    }
}

/// Read the YAML: the first document, duplicate keys resolved as Go's yaml.v2 resolves them
/// (the last value wins); what that hides is a warning.
fn read_yaml(text: &str, out: &mut Out) -> Option<Value> {
    let lenient = serde_saphyr::options! {
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::LastWins,
    };
    let docs: Vec<Value> =
        match serde_saphyr::from_str_multiple_with_options::<Value, Vec<Value>>(text, lenient) {
            Ok(d) => d,
            Err(e) => {
                out.error("", None, format!("failed decoding: {e}"));
                return None;
            }
        };
    if let Err(e) = serde_saphyr::from_str_multiple::<Value, Vec<Value>>(text) {
        out.warn(
            "",
            None,
            format!("{e} (the API server keeps the last value of a repeated key)"),
        );
    }
    if docs.len() > 1 {
        out.warn(
            "",
            None,
            format!(
                "the file holds {} YAML documents: the API server reads the first one only",
                docs.len()
            ),
        );
    }
    // an empty file (or one of comments) is a null document, which serde-saphyr skips
    Some(docs.into_iter().next().unwrap_or(Value::Null))
}

pub(super) fn parse(text: &str, version: ServerVersion) -> Result<Policy, Vec<Problem>> {
    let mut out = Out {
        version,
        problems: Vec::new(),
    };
    let policy = decode(text, &mut out);
    let mut problems = out.problems;
    match policy {
        Some(mut p) if !problems.iter().any(|x| x.severity == Severity::Error) => {
            p.warnings = problems;
            Ok(p)
        }
        _ => {
            // errors first, each group in the order found (the server's own order)
            problems.sort_by_key(|p| p.severity);
            Err(problems)
        }
    }
}

fn decode(text: &str, out: &mut Out) -> Option<Policy> {
    let doc = read_yaml(text, out)?;
    let m = policy_map(&doc, out)?;
    let mut known: Vec<&str> = POLICY_KEYS.to_vec();
    if out.version >= ServerVersion::V1_35 {
        known.push(MANAGED_FIELDS);
    }
    out.unknown_keys(m, &known, "", None);
    let api_version = api_version(m, out);
    check_kind(m, out);
    check_metadata_and_omit_managed_fields(m, out);
    // ValidatePolicy: the policy's omitStages (validated since the policy-wide field came in,
    // kubernetes/kubernetes#54634, v1.9: validation_test.go's "invalid omitStages in policy"),
    // then each rule
    let omit = strings(m.get("omitStages"), "omitStages", None, out);
    let items = maps(m.get("rules"), "rules", None, out);
    let omit_stages = validate_omit_stages(&omit, "omitStages", None, out);
    let rules: Vec<Rule> = items.iter().map(|(i, r)| rule(*i, r, out)).collect();
    if rules.is_empty() && !out.problems.iter().any(|p| p.severity == Severity::Error) {
        // reader.go, after validation
        out.error("rules", None, "loaded illegal policy with 0 rules".into());
    }
    Some(Policy {
        version: out.version,
        api_version,
        omit_stages,
        rules,
        warnings: Vec::new(),
    })
}

/// The document as the map a Policy is; `None` (with the error) for an empty file or a
/// document of another shape.
fn policy_map<'v>(doc: &'v Value, out: &mut Out) -> Option<&'v Map<String, Value>> {
    match doc {
        Value::Object(m) => Some(m),
        Value::Null => {
            out.error(
                "",
                None,
                "the file holds no policy (expected apiVersion: audit.k8s.io/v1, kind: Policy and rules)".into(),
            );
            None
        }
        other => {
            out.decode("", None, "a map (a Policy)", other);
            None
        }
    }
}

/// The policy's `apiVersion` (empty when missing), checked: reader.go accepts audit.k8s.io v1,
/// v1beta1 and v1alpha1, the last two with a deprecation warning.
fn api_version(m: &Map<String, Value>, out: &mut Out) -> String {
    let api_version = string(m.get("apiVersion"), "apiVersion", None, out).unwrap_or_default();
    if api_version.is_empty() {
        out.error(
            "apiVersion",
            None,
            format!(
                "apiVersion: Required value: the API server does not load a policy without one (write apiVersion: {})",
                API_VERSIONS[0]
            ),
        );
    } else if !API_VERSIONS.contains(&api_version.as_str()) {
        let valid: Vec<String> = API_VERSIONS.iter().map(|v| go_quote(v)).collect();
        out.error(
            "apiVersion",
            None,
            format!(
                "apiVersion: Unsupported value: {}: supported values: {}",
                go_quote(&api_version),
                valid.join(", ")
            ),
        );
    } else if api_version != API_VERSIONS[0] {
        out.warn(
            "apiVersion",
            None,
            format!(
                "apiVersion: {} is deprecated (the API server logs a warning; later releases remove it): use {}",
                go_quote(&api_version),
                API_VERSIONS[0]
            ),
        );
    }
    api_version
}

/// The policy's `kind`: `Policy`, or missing (a warning: taken as a Policy); any other is an
/// error.
fn check_kind(m: &Map<String, Value>, out: &mut Out) {
    match string(m.get("kind"), "kind", None, out).as_deref() {
        Some("Policy") | None => {}
        Some("") => out.warn(
            "kind",
            None,
            "kind: missing: the API server takes the file as a Policy of its apiVersion (write kind: Policy)".into(),
        ),
        Some(other) => out.error(
            "kind",
            None,
            format!(
                "kind: Unsupported value: {}: supported values: \"Policy\"",
                go_quote(other)
            ),
        ),
    }
}

/// The types of the policy's `metadata` (a map) and, from 1.35, `omitManagedFields` (a
/// boolean), when present.
fn check_metadata_and_omit_managed_fields(m: &Map<String, Value>, out: &mut Out) {
    if let Some(v) = m.get("metadata")
        && !matches!(v, Value::Object(_) | Value::Null)
    {
        out.decode("metadata", None, "a map", v);
    }
    if out.version >= ServerVersion::V1_35
        && let Some(v) = m.get(MANAGED_FIELDS)
        && !matches!(v, Value::Bool(_) | Value::Null)
    {
        out.decode(MANAGED_FIELDS, None, "a boolean", v);
    }
}

#[cfg(test)]
mod tests;
