//! Unit tests of the rule language: body paths, rule errors that say where, conditions over
//! many values.

use std::borrow::Cow;
use std::sync::OnceLock;

use super::Rules;
use super::catalog::Ctx;
use super::expr::Cond;
use super::field::{Seg, Val, parse_path};
use super::rule::parse_rules;

fn rules(y: &str) -> Rules {
    Rules {
        rules: parse_rules(y, "test").unwrap(),
        show_secrets: false,
        index: OnceLock::new(),
    }
}

#[test]
fn paths_parse() {
    assert_eq!(
        parse_path("spec.containers[*].securityContext.privileged").unwrap(),
        vec![
            Seg::Key("spec".into()),
            Seg::Key("containers".into()),
            Seg::Each,
            Seg::Key("securityContext".into()),
            Seg::Key("privileged".into())
        ]
    );
    assert_eq!(
        parse_path("metadata.annotations.\"a.b/c\"").unwrap(),
        vec![
            Seg::Key("metadata".into()),
            Seg::Key("annotations".into()),
            Seg::Key("a.b/c".into())
        ]
    );
    assert_eq!(
        parse_path("data.@keys").unwrap(),
        vec![Seg::Key("data".into()), Seg::Keys]
    );
    assert!(parse_path("a[x]").is_err());
    assert!(parse_path("a.@keys.b").is_err());
    assert!(parse_path("a..b").is_err());
}

#[test]
fn bad_rules_say_where() {
    let e = parse_rules(
        "rules:\n- id: X1\n  name: n\n  severity: urgent\n  description: d\n  false_positives: f\n  match: {verb: get}\n",
        "t",
    )
    .unwrap_err();
    assert!(
        format!("{e:#}").contains("rule X1: severity \"urgent\""),
        "{e:#}"
    );
    let e = parse_rules(
        "rules:\n- id: X1\n  name: n\n  severity: low\n  description: d\n  false_positives: f\n  match: {verbb: get}\n",
        "t",
    )
    .unwrap_err();
    assert!(
        format!("{e:#}").contains("unknown field \"verbb\""),
        "{e:#}"
    );
    let e = parse_rules(
        "rules:\n- id: X1\n  name: n\n  severity: low\n  description: d\n  false_positives: f\n  match: {user: {regex: '('}}\n",
        "t",
    )
    .unwrap_err();
    assert!(format!("{e:#}").contains("regex"), "{e:#}");
}

#[test]
fn conditions_over_many_values() {
    let c = Cond::parse(&serde_json::json!({"glob": "system:*"}), &Ctx::default()).unwrap();
    let v = |xs: &[&'static str]| -> Vec<Val<'static>> {
        xs.iter().map(|s| Val::Str(Cow::Borrowed(*s))).collect()
    };
    assert!(c.holds(&v(&["a", "system:masters"])));
    assert!(!c.holds(&v(&["a"])));
    let c = Cond::parse(
        &serde_json::json!({"not": {"glob": "system:*"}}),
        &Ctx::default(),
    )
    .unwrap();
    assert!(!c.holds(&v(&["a", "system:masters"])));
    assert!(c.holds(&v(&["a"])));
    assert!(c.holds(&v(&[])));
    let c = Cond::parse(&serde_json::json!({"exists": false}), &Ctx::default()).unwrap();
    assert!(c.holds(&v(&[])));
    assert!(!c.holds(&v(&["x"])));
    let c = Cond::parse(
        &serde_json::json!({"cidr": ["10.0.0.0/8"]}),
        &Ctx::default(),
    )
    .unwrap();
    assert!(c.holds(&v(&["192.168.1.1", "10.2.3.4"])));
    assert!(!c.holds(&v(&["192.168.1.1"])));
    let c = Cond::parse(&serde_json::json!({"ge": 400, "lt": 500}), &Ctx::default()).unwrap();
    assert!(c.holds(&[Val::Num(403.0)]));
    assert!(!c.holds(&[Val::Num(500.0)]));
    let _ = rules;
}
