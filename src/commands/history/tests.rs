//! Unit tests of `history`: target parsing, field selectors, diffs and their redaction, patch
//! lines, and the state machine fed requests one at a time.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::bodies::is_object;
use super::diff::{Mode, path_string};
use super::output::{change_line, patch_line};
use super::patch::malformed_ops;
use super::state::HistorySink;
use super::target::{Target, selector_names};
use crate::correlate::Request;
use crate::redact::{LAST_APPLIED, Redactor, Seg};
use crate::render::Record;
use crate::scan::{Flow, Sink};

fn red(secret: bool) -> Redactor {
    Redactor::new(secret, false)
}

fn diff(old: Value, new: Value, mode: Mode, r: Redactor) -> Vec<String> {
    let mut out = Vec::new();
    r.diff(Some(&old), Some(&new), &mut Vec::new(), mode, &mut out);
    out.iter().map(|c| change_line(c, None).1).collect()
}

#[test]
fn targets_parse_and_bad_ones_name_the_argument() {
    let t = Target::parse("cm/feature-toggles").unwrap();
    assert_eq!(t.sel.resource, "configmaps");
    assert_eq!(t.name, "feature-toggles");
    let t = Target::parse("deployments.apps/checkout-ui").unwrap();
    assert_eq!(
        (t.sel.resource.as_str(), t.sel.group.as_deref()),
        ("deployments", Some("apps"))
    );
    let t = Target::parse("pods/exec/debug-box").unwrap();
    assert_eq!(t.sel.subresource.as_deref(), Some("exec"));
    assert_eq!(t.name, "debug-box");
    for bad in [
        "feature-toggles",
        "/x",
        "cm/",
        "*/x",
        "cm/a*",
        "c m/x",
        "cm/a b",
    ] {
        let e = Target::parse(bad).unwrap_err().to_string();
        assert!(e.starts_with("KIND/NAME: "), "{bad}: {e}");
        assert!(e.contains("example: kaudit history"), "{bad}: {e}");
    }
}

#[test]
fn field_selectors_name_the_object() {
    let names: Vec<String> = selector_names(
        "/api/v1/namespaces/payments/configmaps?fieldSelector=metadata.name%3Drate-limits",
    )
    .collect();
    assert_eq!(names, ["rate-limits"]);
    let names: Vec<String> =
        selector_names("/api/v1/pods?limit=1&fieldSelector=spec.nodeName%3Dw,metadata.name==p")
            .collect();
    assert_eq!(names, ["p"]);
    assert_eq!(selector_names("/api/v1/pods?watch=1").count(), 0);
    // as the API server reads a selector: `\,` is an escaped comma in a name (and such a name is
    // no object's), `!=` selects no name, a malformed escape is no selector
    let one = |uri: &str| selector_names(uri).collect::<Vec<_>>();
    assert_eq!(
        one(r"/api/v1/pods?fieldSelector=metadata.name%3Da\,b"),
        ["a,b"]
    );
    assert!(one("/api/v1/pods?fieldSelector=metadata.name!%3Dp").is_empty());
    assert!(one("/api/v1/pods?fieldSelector=metadata.name%3Dp%2").is_empty());
}

#[test]
fn diffs_show_added_removed_and_changed_leaves_without_noise() {
    let old = json!({
        "kind": "ConfigMap",
        "metadata": {"name": "x", "resourceVersion": "1", "labels": {"team": "a"}},
        "data": {"keep": "1", "n": 1},
        "status": {"phase": "A"}
    });
    let new = json!({
        "kind": "ConfigMap",
        "metadata": {"name": "x", "resourceVersion": "2", "managedFields": [{}]},
        "data": {"keep": "1", "n": 2, "timeout": "30s"},
        "status": {"phase": "B"}
    });
    assert_eq!(
        diff(old.clone(), new.clone(), Mode::Update, red(false)),
        [
            "- metadata.labels.team: \"a\"",
            "  data.n: 1 → 2",
            "+ data.timeout: \"30s\""
        ]
    );
    assert!(
        diff(old, new, Mode::Status, red(false))
            .contains(&"  status.phase: \"A\" → \"B\"".to_string())
    );
}

#[test]
fn secrets_and_credential_keys_are_redacted_with_their_size() {
    let old = json!({"data": {"password": "TDNkZzNyLVBhNTUtMjAyNg=="}});
    let new = json!({"data": {"password": "YWJj"}, "metadata": {"labels": {"a": "b"}}});
    assert_eq!(
        diff(old.clone(), new.clone(), Mode::Update, red(true)),
        [
            "  data.password: <redacted 16 bytes> → <redacted 3 bytes>",
            "+ metadata.labels.a: \"b\""
        ]
    );
    let shown = Redactor::new(true, true);
    assert_eq!(
        diff(old, new, Mode::Update, shown)[0],
        "  data.password: \"TDNkZzNyLVBhNTUtMjAyNg==\" → \"YWJj\""
    );
    // any object: keys named like credentials; names of secrets, and certificates (public),
    // stay readable
    let r = red(false);
    let v = json!({"spec": {"apiToken": "abc", "secretName": "db", "tls": {"cert": "xyz"}, "automountServiceAccountToken": false}});
    assert_eq!(
        r.redact(&v, &mut Vec::new()).value,
        json!({"spec": {"apiToken": "<redacted 3 bytes>", "secretName": "db", "tls": {"cert": "xyz"}, "automountServiceAccountToken": false}})
    );
    // JSON patch values by their path; merge patches like objects
    let p = json!([{"op": "replace", "path": "/data/password", "value": "c2VjcmV0"}]);
    assert_eq!(
        red(true).patch(&p, None),
        json!([{"op": "replace", "path": "/data/password", "value": "<redacted 6 bytes>"}])
    );
    let lines = red(true).patch_lines(
        &json!({"stringData": {"token": "t0k"}, "metadata": {"labels": {"x": null}}}),
        None,
    );
    assert_eq!(
        lines
            .iter()
            .map(|l| patch_line(l, None))
            .collect::<Vec<_>>(),
        [
            "stringData.token: <redacted 3 bytes>",
            "- metadata.labels.x"
        ]
    );
}

#[test]
fn list_elements_named_like_credentials_are_redacted_by_position_too() {
    let old = json!({"env": [{"name": "DB_PASSWORD", "value": "a"}]});
    let new = json!({"env": [
        {"name": "DB_PASSWORD", "value": "b"},
        {"name": "DB_PASSWORD", "value": "c"},
        {"key": "tls.key", "path": "k"},
        {"name": "MODE", "value": "d"}
    ]});
    assert_eq!(
        diff(old, new.clone(), Mode::Update, red(false)),
        [
            "  env[0].value: <redacted 1 bytes> → <redacted 1 bytes>",
            "+ env[1].name: \"DB_PASSWORD\"",
            "+ env[1].value: <redacted 1 bytes>",
            // the name of a Secret's key and the file it is mounted as are names
            "+ env[2].key: \"tls.key\"",
            "+ env[2].path: \"k\"",
            "+ env[3].name: \"MODE\"",
            "+ env[3].value: \"d\""
        ]
    );
    assert_eq!(
        red(false).redact(&new, &mut Vec::new()).value["env"][1]["value"],
        "<redacted 1 bytes>"
    );
}

#[test]
fn json_patch_indexes_resolve_against_the_state_and_fail_closed() {
    let state = json!({"spec": {"env": [{"name": "MODE", "value": "x"}, {"name": "API_KEY", "value": "y"}]}});
    let ops = json!([
        {"op": "replace", "path": "/spec/env/0/value", "value": "shown"},
        {"op": "replace", "path": "/spec/env/1/value", "value": "hidden"},
        {"op": "move", "from": "/spec/env/1", "path": "/spec/env/0"},
        {"op": "replace", "path": "/spec/env/0/value", "value": "hidden"},
        {"op": "add", "path": "/spec/env/-", "value": {"name": "LEVEL", "value": "shown"}},
        {"op": "add", "path": "/spec/env/-", "value": {"value": "hidden"}},
        {"op": "replace", "path": "/spec/env/9/value", "value": "hidden"},
        {"op": "replace", "path": "/spec/args/9", "value": "shown"},
        {"op": "replace", "path": "relative/path", "value": "hidden"},
        {"op": "replace", "path": "/spec/env/0/value", "value": "hidden", "extra": "hidden"}
    ]);
    let values = |state: Option<&Value>| {
        red(false)
            .patch(&ops, state)
            .as_array()
            .unwrap()
            .iter()
            .map(|o| match o {
                Value::String(s) => s.clone(),
                o if o.get("extra").is_some() => format!("{} {}", o["value"], o["extra"]),
                o => o.get("value").map_or("-".into(), |v| v.to_string()),
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        values(Some(&state)),
        [
            "\"shown\"",
            "\"<redacted 6 bytes>\"",
            "-",
            "\"<redacted 6 bytes>\"",
            "{\"name\":\"LEVEL\",\"value\":\"shown\"}",
            "{\"value\":\"<redacted 6 bytes>\"}",
            "\"<redacted 6 bytes>\"",
            "\"shown\"",
            "<redacted 56 bytes>",
            "\"<redacted 6 bytes>\" \"<redacted 8 bytes>\""
        ]
    );
    // no state: every index under env is a credential
    assert_eq!(values(None)[0], "\"<redacted 5 bytes>\"");
    assert_eq!(values(None)[7], "\"shown\"");
    assert_eq!(malformed_ops(&ops), 1);
    // --show-secrets: as logged
    assert_eq!(Redactor::new(false, true).patch(&ops, None), ops);
}

#[test]
fn last_applied_annotations_are_parsed_and_redacted() {
    let la = |text: &str| json!({"metadata": {"annotations": {LAST_APPLIED: text}}});
    let at = |v: Value| v["metadata"]["annotations"][LAST_APPLIED].clone();
    let r = red(false);
    let applied = json!({"data": {"password": "p", "mode": "m"}}).to_string();
    assert_eq!(
        at(r.redact(&la(&applied), &mut Vec::new()).value),
        json!({"data": {"password": "<redacted 1 bytes>", "mode": "m"}}).to_string()
    );
    // unchanged text is shown as logged (its spacing kept)
    assert_eq!(
        at(r.redact(&la("{\"a\": 1}"), &mut Vec::new()).value),
        "{\"a\": 1}"
    );
    // cannot be parsed: shown, unless the object has credentials or the text names one
    assert_eq!(
        at(r.redact(&la("{\"a\":"), &mut Vec::new()).value),
        "{\"a\":"
    );
    assert_eq!(
        at(r.redact(&la("{\"password\":"), &mut Vec::new()).value),
        "<redacted 12 bytes>"
    );
    let obj = json!({"spec": {"apiToken": "t"}});
    let tainted = r.about([Some(&obj)]);
    assert_eq!(
        at(tainted.redact(&la("{\"a\":"), &mut Vec::new()).value),
        "<redacted 5 bytes>"
    );
    assert!(
        !r.about([Some(&json!({"spec": {"secretName": "x"}}))])
            .tainted()
    );
    // a Secret's: its data, wherever it nests
    let list = json!({"items": [{"data": {"x": "eHg="}}]}).to_string();
    assert_eq!(
        at(red(true).redact(&la(&list), &mut Vec::new()).value),
        json!({"items": [{"data": {"x": "<redacted 2 bytes>"}}]}).to_string()
    );
}

#[test]
fn create_listing_skips_server_fields_and_empty_values() {
    let mut out = Vec::new();
    let obj = json!({"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "x", "creationTimestamp": null}, "data": {"a": "1"}, "spec": {"resources": {}}});
    red(false).diff(None, Some(&obj), &mut Vec::new(), Mode::Create, &mut out);
    let lines: Vec<String> = out.iter().map(|c| change_line(c, None).1).collect();
    assert_eq!(lines, ["+ data.a: \"1\""]);
}

/// A sink for deployment `app` in `ns` that shows every request.
fn sink(name: &str, secret: bool) -> HistorySink<'_> {
    HistorySink {
        name,
        shown: Box::leak(Box::default()),
        red: red(secret),
        states: HashMap::new(),
        entries: Vec::new(),
        seq: 0,
    }
}

/// A complete request on `ns/app` whose one stage line carries `bodies` (JSON members).
fn request(
    verb: &str,
    sub: &str,
    code: i64,
    name: &str,
    uri: &str,
    bodies: &str,
) -> Request<'static> {
    let line = format!(r#"{{"level":"Request","stage":"ResponseComplete"{bodies}}}"#);
    Request {
        verb: verb.to_string().into(),
        subresource: sub.to_string().into(),
        resource: "deployments".into(),
        namespace: "ns".into(),
        name: name.to_string().into(),
        request_uri: uri.to_string().into(),
        level: "Request".into(),
        code: Some(code),
        is_final: true,
        marks: vec![crate::correlate::Mark {
            stage: crate::event::Stage::ResponseComplete,
            time: None,
            code: Some(code),
            file: 0,
            line: 1,
            raw: Some(std::borrow::Cow::Owned(line.into_bytes())),
        }],
        ..Default::default()
    }
}

fn feed(s: &mut HistorySink<'_>, r: Request<'static>) {
    assert_eq!(s.request(r).unwrap(), Flow::More);
}

#[test]
fn request_level_logs_show_patch_bodies_when_there_is_no_result() {
    let mut s = sink("app", false);
    let dep = r#"{"kind":"Deployment","metadata":{"name":"app"},"spec":{"replicas":1}}"#;
    feed(
        &mut s,
        request(
            "create",
            "",
            201,
            "app",
            "/x",
            &format!(r#","requestObject":{dep}"#),
        ),
    );
    // a merge patch, logged at level Request: no resulting object
    feed(
        &mut s,
        request(
            "patch",
            "",
            200,
            "app",
            "/x",
            r#","requestObject":{"spec":{"replicas":3},"metadata":{"labels":{"team":null}}}"#,
        ),
    );
    // so the next update has nothing to be compared with
    let upd = r#"{"kind":"Deployment","metadata":{"name":"app"},"spec":{"replicas":4}}"#;
    feed(
        &mut s,
        request(
            "update",
            "",
            200,
            "app",
            "/x",
            &format!(r#","requestObject":{upd}"#),
        ),
    );
    // and the one after it is compared with the update's body
    let upd2 = r#"{"kind":"Deployment","metadata":{"name":"app"},"spec":{"replicas":5}}"#;
    feed(
        &mut s,
        request(
            "update",
            "",
            200,
            "app",
            "/x",
            &format!(r#","requestObject":{upd2}"#),
        ),
    );
    let e = &s.entries;
    assert_eq!(e.len(), 4);
    assert_eq!(e[0].step.changes.len(), 1);
    assert_eq!(e[1].step.notes, ["the log has no resulting object"]);
    assert_eq!(
        e[1].step
            .patch_lines
            .iter()
            .map(|p| patch_line(p, None))
            .collect::<Vec<_>>(),
        ["spec.replicas: 3", "- metadata.labels.team"]
    );
    assert_eq!(
        e[1].step.patch,
        Some(json!({"spec":{"replicas":3},"metadata":{"labels":{"team":null}}}))
    );
    assert_eq!(
        e[2].step.notes,
        ["no earlier state in the log to compare with"]
    );
    assert!(e[2].step.changes.is_empty());
    assert_eq!(
        e[3].step
            .changes
            .iter()
            .map(|c| change_line(c, None).1)
            .collect::<Vec<_>>(),
        ["  spec.replicas: 4 → 5"]
    );
}

#[test]
fn refused_writes_show_what_they_asked_for_and_change_nothing() {
    let mut s = sink("app", false);
    let dep = r#"{"kind":"Deployment","metadata":{"name":"app"},"spec":{"replicas":1}}"#;
    feed(
        &mut s,
        request(
            "create",
            "",
            201,
            "app",
            "/x",
            &format!(r#","requestObject":{dep}"#),
        ),
    );
    feed(
        &mut s,
        request(
            "patch",
            "",
            403,
            "app",
            "/x",
            r#","requestObject":[{"op":"replace","path":"/spec/replicas","value":9}]"#,
        ),
    );
    let after = r#"{"kind":"Deployment","metadata":{"name":"app"},"spec":{"replicas":2}}"#;
    feed(
        &mut s,
        request(
            "update",
            "",
            200,
            "app",
            "/x",
            &format!(r#","requestObject":{after}"#),
        ),
    );
    let e = &s.entries;
    assert_eq!(e[1].step.refused.as_deref(), Some("not applied: 403"));
    assert_eq!(e[1].step.applied, Some(false));
    assert_eq!(
        e[1].step
            .patch_lines
            .iter()
            .map(|p| patch_line(p, None))
            .collect::<Vec<_>>(),
        ["replace /spec/replicas: 9"]
    );
    // compared with the create, not with the refused patch
    assert_eq!(
        change_line(&e[2].step.changes[0], None).1,
        "  spec.replicas: 1 → 2"
    );
}

#[test]
fn scale_writes_change_replicas() {
    let mut s = sink("app", false);
    let dep = r#"{"kind":"Deployment","metadata":{"name":"app"},"spec":{"replicas":1}}"#;
    feed(
        &mut s,
        request(
            "create",
            "",
            201,
            "app",
            "/x",
            &format!(r#","responseObject":{dep}"#),
        ),
    );
    feed(
        &mut s,
        request(
            "patch",
            "scale",
            200,
            "app",
            "/x",
            r#","requestObject":{"spec":{"replicas":3}},"responseObject":{"kind":"Scale","metadata":{"name":"app"},"spec":{"replicas":3}}"#,
        ),
    );
    feed(
        &mut s,
        request(
            "update",
            "scale",
            200,
            "app",
            "/x",
            r#","requestObject":{"kind":"Scale","metadata":{"name":"app"},"spec":{"replicas":0}},"responseObject":{"kind":"Scale","metadata":{"name":"app"},"spec":{"replicas":0}}"#,
        ),
    );
    let lines: Vec<String> = s.entries[1..]
        .iter()
        .map(|e| change_line(&e.step.changes[0], None).1)
        .collect();
    assert_eq!(lines, ["  spec.replicas: 1 → 3", "  spec.replicas: 3 → 0"]);
    assert_eq!(s.entries[1].verb_cell(), "patch (scale)");
}

#[test]
fn deletecollection_counts_when_its_response_lists_the_object() {
    let mut s = sink("app", false);
    let with =
        r#","responseObject":{"kind":"DeploymentList","items":[{"metadata":{"name":"app"}}]}"#;
    let without =
        r#","responseObject":{"kind":"DeploymentList","items":[{"metadata":{"name":"other"}}]}"#;
    feed(
        &mut s,
        request(
            "deletecollection",
            "",
            200,
            "",
            "/apis/apps/v1/namespaces/ns/deployments",
            without,
        ),
    );
    feed(
        &mut s,
        request(
            "deletecollection",
            "",
            200,
            "",
            "/apis/apps/v1/namespaces/ns/deployments",
            with,
        ),
    );
    feed(
        &mut s,
        request(
            "list",
            "",
            200,
            "",
            "/apis/apps/v1/namespaces/ns/deployments?fieldSelector=metadata.name%3Dapp",
            "",
        ),
    );
    feed(
        &mut s,
        request(
            "list",
            "",
            200,
            "",
            "/apis/apps/v1/namespaces/ns/deployments?fieldSelector=metadata.name%3Dother",
            "",
        ),
    );
    let notes: Vec<&Vec<String>> = s.entries.iter().map(|e| &e.step.notes).collect();
    assert_eq!(
        notes,
        [
            &vec!["deleted with its collection".to_string()],
            &vec!["by field selector metadata.name=app".to_string()]
        ]
    );
}

#[test]
fn secret_patches_are_redacted_in_body_and_lines() {
    let mut s = sink("creds", true);
    feed(
        &mut s,
        request(
            "patch",
            "",
            200,
            "creds",
            "/x",
            r#","requestObject":[{"op":"add","path":"/data/token","value":"c2VjcmV0"}]"#,
        ),
    );
    let e = &s.entries[0];
    assert_eq!(
        e.step.patch,
        Some(json!([{"op":"add","path":"/data/token","value":"<redacted 6 bytes>"}]))
    );
    assert_eq!(
        patch_line(&e.step.patch_lines[0], None),
        "add /data/token: <redacted 6 bytes>"
    );
    assert!(
        !serde_json::to_string(&e.row())
            .unwrap()
            .contains("c2VjcmV0")
    );
}

#[test]
fn only_the_object_itself_is_taken_as_its_state() {
    let cm = json!({"kind": "ConfigMap", "metadata": {"name": "x"}});
    assert!(is_object(&cm, "x", None));
    assert!(is_object(&cm, "x", Some("ConfigMap")));
    assert!(!is_object(&cm, "y", None));
    assert!(!is_object(&cm, "x", Some("Secret")));
    for other in [
        json!({"kind": "Status", "metadata": {}}),
        json!({"kind": "Table", "metadata": {"resourceVersion": "5"}, "rows": []}),
        json!({"kind": "Scale", "metadata": {"name": "x"}}),
        json!({"kind": "ConfigMapList", "metadata": {}, "items": []}),
        json!({"kind": "DeleteOptions"}),
        json!([{"op": "replace"}]),
    ] {
        assert!(!is_object(&other, "x", None), "{other}");
    }
    // a create with generateName names the object only in its response
    assert!(is_object(
        &json!({"metadata": {"generateName": "x-"}}),
        "x-abc",
        None
    ));
}

#[test]
fn paths_quote_keys_that_are_not_plain() {
    let p = [
        Seg::Key("metadata".into()),
        Seg::Key("labels".into()),
        Seg::Key("app.kubernetes.io/name".into()),
    ];
    assert_eq!(
        path_string(&p),
        "metadata.labels[\"app.kubernetes.io/name\"]"
    );
    let p = [
        Seg::Key("spec".into()),
        Seg::Key("containers".into()),
        Seg::Index(0, false),
        Seg::Key("image".into()),
    ];
    assert_eq!(path_string(&p), "spec.containers[0].image");
}
