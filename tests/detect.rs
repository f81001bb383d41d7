//! `kaudit detect`: every built-in rule against the real single events of falco's trace files
//! that should and should not trigger it, and against hand edits of real s5 lines for the rules
//! no real event triggers, each a positive and a near miss (testdata/edge/detect/, written by
//! testdata/edge/make_detect_cases.py); tests/detect_cases.tsv, each row checked by hand against
//! the file's JSON. Then the s5 cluster's real attack-like sequence (testdata/s5-ANSWER-KEY.md:
//! a break-glass binding to eve, then eve's reads; eve's and anonymous 403 bursts), custom
//! rules, rule-file validation and the exit codes.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::util::{S5, kaudit, run};

fn detect_json(args: &[&str]) -> Value {
    let mut a = vec!["detect", "-o", "json"];
    a.extend_from_slice(args);
    let r = run(&a);
    assert!(
        r.code == 0 || r.code == 3,
        "kaudit {a:?} exited {}: {}",
        r.code,
        r.stderr.as_str()
    );
    serde_json::from_slice(&r.stdout).expect("detect -o json prints JSON")
}

fn fired(doc: &Value) -> BTreeSet<String> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

/// tests/detect_cases.tsv: file (under testdata/), rule, fires|silent, note.
#[test]
fn every_rule_case_on_real_events() {
    let text = std::fs::read_to_string(crate::util::repo_path("tests/detect_cases.tsv")).unwrap();
    type Case = (String, (bool, Option<String>), String);
    let mut by_file: BTreeMap<String, Vec<Case>> = BTreeMap::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert!(cols.len() >= 3, "bad row {line:?}");
        // `fires:OUTCOME`: the rule's findings are all of requests with that outcome
        let (expect, outcome) = match cols[2].split_once(':') {
            Some(("fires", o)) => (true, Some(o.to_string())),
            None if cols[2] == "fires" => (true, None),
            None if cols[2] == "silent" => (false, None),
            _ => panic!("bad expectation {:?} in {line:?}", cols[2]),
        };
        by_file.entry(cols[0].to_string()).or_default().push((
            cols[1].to_string(),
            (expect, outcome),
            cols.get(3).unwrap_or(&"").to_string(),
        ));
    }
    let catalogue: BTreeSet<String> = list().into_iter().collect();
    let mut covered = BTreeSet::new();
    let mut wrong = Vec::new();
    for (file, cases) in &by_file {
        let path = format!("testdata/{file}");
        let doc = detect_json(&[&path]);
        let got = fired(&doc);
        for (rule, (expect, outcome), note) in cases {
            assert!(catalogue.contains(rule), "{rule} is not in the catalogue");
            covered.insert(rule.clone());
            if got.contains(rule) != *expect {
                wrong.push(format!(
                    "{rule} should {} on {file} ({note}); fired: {got:?}",
                    if *expect { "fire" } else { "stay silent" }
                ));
            }
            if let Some(o) = outcome {
                for f in doc["findings"].as_array().unwrap() {
                    let outcomes = f["outcomes"].as_object().unwrap();
                    if f["rule"] == rule.as_str()
                        && (outcomes.len() != 1 || !outcomes.contains_key(o))
                    {
                        wrong.push(format!(
                            "{rule} on {file} ({note}): outcomes {outcomes:?}, not all {o}"
                        ));
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(
        covered.len() >= 20,
        "only {} rules have cases",
        covered.len()
    );
}

fn list() -> Vec<String> {
    let r = run(&["detect", "--list", "-o", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr.as_str());
    let v: Value = serde_json::from_slice(&r.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

/// The catalogue: at least 30 rules, each documented.
#[test]
fn the_catalogue_is_documented() {
    let r = run(&["detect", "--list", "-o", "json"]);
    let v: Value = serde_json::from_slice(&r.stdout).unwrap();
    let rules = v.as_array().unwrap();
    assert!(rules.len() >= 30, "{} rules", rules.len());
    for r in rules {
        for k in ["id", "name", "severity", "description", "falsePositives"] {
            assert!(
                r[k].as_str().is_some_and(|s| s.len() > 2),
                "{} lacks {k}",
                r["id"]
            );
        }
    }
    let table = run(&["detect", "--list"]);
    assert!(table.stdout_str().contains("False positives:"));
}

/// s5: ops-admin binds eve to cluster-admin (break-glass-eve, 14:59:10) and eve reads secrets
/// right after; the sequence rule names eve and the binding (answer key, "RBAC writes").
#[test]
fn the_break_glass_grant_and_what_eve_did_next() {
    let doc = detect_json(&[S5]);
    let seq: Vec<&Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["rule"] == "KA022"
                && f["detail"]
                    .as_str()
                    .is_some_and(|d| d.contains("break-glass-eve"))
        })
        .collect();
    assert_eq!(seq.len(), 1, "{seq:?}");
    assert_eq!(seq[0]["actors"], serde_json::json!(["eve"]));
    assert!(seq[0]["auditIDs"].as_array().unwrap().len() >= 2);
    // the binding itself is reported as a cluster-admin grant
    let names: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["targets"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t.as_str().unwrap().contains("break-glass-eve"))
        })
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect();
    assert!(
        names
            .iter()
            .any(|n| n.to_lowercase().contains("cluster-admin")),
        "{names:?}"
    );
}

/// Every finding on s5, each a step of the workload in testdata/s5-ANSWER-KEY.md (its "V" steps
/// and sections): rule, actors (via whom), and a target. The activity records (KA087 bindings
/// written, KA090 refusals, KA092 objects made and removed: every identity's, at info) are
/// checked on their own cases.
#[test]
fn s5_findings_are_the_answer_keys_steps() {
    let doc = detect_json(&[S5]);
    let mut got: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !["KA087", "KA090", "KA092"].contains(&f["rule"].as_str().unwrap()))
        .map(|f| {
            let list = |k: &str| -> String {
                f[k].as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap())
                    .collect::<Vec<_>>()
                    .join(",")
            };
            let via = list("via");
            format!(
                "{} {}{} {}",
                f["rule"].as_str().unwrap(),
                list("actors"),
                if via.is_empty() {
                    String::new()
                } else {
                    format!(" via {via}")
                },
                f["targets"][0].as_str().unwrap()
            )
        })
        .collect();
    got.sort();
    got.dedup();
    let want = [
        // V05: TokenRequest for build/ci-bot
        "KA036 ops-admin serviceaccounts/token build/ci-bot",
        // "RBAC writes": ci-bot's denied clusterrolebinding, the two cluster-admin bindings
        "KA021 system:serviceaccount:build:ci-bot clusterrolebindings -",
        "KA016 ops-admin rolebindings tools/ci-bot-cluster-admin",
        "KA016 ops-admin clusterrolebindings break-glass-eve",
        // the grants to carol and to eve, each followed by the grantee's actions
        "KA022 carol deployments staging/checkout-ui",
        "KA022 eve secrets *",
        // eve's cluster-wide secret list under break-glass, her reads, ops-admin's one read
        "KA032 eve secrets *",
        "KA031 eve secrets *",
        "KA031 ops-admin secrets build/old-deploy-key",
        // "403 Forbidden": eve's and anonymous bursts, by identity, address and namespace (the
        // workload-phase ones hold the 403 of ops-admin impersonating eve, 14:59:13.984)
        "KA026 eve via ops-admin configmaps build/*",
        "KA026 eve secrets build/docker-config",
        "KA026 system:anonymous secrets payments/*",
        "KA030 eve via ops-admin configmaps build/*",
        "KA033 eve via ops-admin secrets *",
        "KA033 eve secrets build/docker-config",
        "KA033 system:anonymous secrets payments/*",
        "KA034 eve via ops-admin secrets build/*",
        // attempts: carol's exec that the API server authorized and then failed (400: the pod
        // has no node), carol's denied list of payments' secrets, and eve's denied reads
        // (as herself and impersonated by ops-admin: one finding of denials, at low)
        "KA001 carol pods/exec staging/debug-box",
        "KA031 carol secrets payments/*",
        "KA031 eve via ops-admin secrets *",
        // V45: kubectl auth can-i
        "KA028 eve selfsubjectaccessreviews -",
        // V69: delete namespace tools
        "KA043 ops-admin namespaces tools/tools",
        // "Impersonation": allowed (ops-admin as carol, eve, ci-bot) and denied (V37, V46)
        "KA047 carol via ops-admin deployments staging/*",
        "KA047 eve via ops-admin secrets payments/*",
        "KA047 system:serviceaccount:build:ci-bot via ops-admin configmaps build/*",
        "KA048 carol secrets payments/*",
        "KA048 eve configmaps build/*",
        // issue 21's rules. Bindings to edit (ci-bot's, the dev team's) and service accounts
        // bound to ClusterRoles (ci-bot to edit and to cluster-admin)
        "KA066 ops-admin rolebindings build/ci-bot-edit",
        "KA066 ops-admin rolebindings staging/dev-team-edit",
        "KA067 ops-admin rolebindings build/ci-bot-edit",
        "KA067 ops-admin rolebindings tools/ci-bot-cluster-admin",
        // ops-admin's RBAC writes followed by its own workload writes (low)
        "KA069 ops-admin deployments payments/ledger",
        // ci-bot's denied secret reads; the denied or missing secret reads of each identity
        "KA070 system:serviceaccount:build:ci-bot secrets payments/*",
        "KA071 carol secrets payments/*",
        "KA071 eve via ops-admin secrets *",
        "KA071 system:anonymous secrets payments/*",
        "KA071 system:serviceaccount:build:ci-bot secrets payments/*",
        // eve lists kube-system's and default's secrets, reads many by name, with curl
        "KA072 eve secrets default/*",
        "KA072 eve secrets kube-system/*",
        "KA073 eve secrets build/aws-credentials",
        "KA074 eve secrets *",
        "KA074 eve secrets build/docker-config",
        "KA074 system:anonymous secrets payments/*",
        // secret writes (carol's refused), the node worker-7 registered by ops-admin, the
        // ci-bot service account, ci-bot's refused binding, ops-admin's survey of RBAC
        "KA075 carol secrets payments/stripe-api-key",
        "KA075 eve secrets staging/smtp-relay",
        "KA075 ops-admin secrets build/old-deploy-key",
        "KA075 system:serviceaccount:build:ci-bot secrets tools/registry-push-token",
        "KA081 ops-admin nodes worker-7",
        "KA084 ops-admin serviceaccounts build/ci-bot",
        "KA085 system:serviceaccount:build:ci-bot clusterrolebindings -",
        "KA086 ops-admin clusterrolebindings break-glass-eve",
        // the configmap-writer Role (create, update, patch on configmaps)
        "KA088 ops-admin roles payments/configmap-writer",
    ];
    let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
    want.sort();
    // KA027 (by address) puts everyone on 127.0.0.1 together: checked apart
    let (by_ip, rest): (Vec<String>, Vec<String>) =
        got.into_iter().partition(|g| g.starts_with("KA027 "));
    assert_eq!(rest, want);
    assert_eq!(by_ip.len(), 2, "{by_ip:?}");
}

/// s5's 403 bursts (answer key "403 Forbidden"): every one of eve's 371 denials as actor (370
/// as user eve, one by ops-admin impersonating eve) falls in a run of at least 20 within 60s
/// (71 during the workload, 300 in the burst phase); system:anonymous has 100 in the burst and
/// 2 lone ones (the workload's curl at 14:59:04-05) that are not a burst; nobody else has 20.
#[test]
fn forbidden_bursts_by_actor() {
    let burst = |extra: &[&str]| -> Vec<(String, u64)> {
        let mut a = vec!["--no-builtin", "--rules-file", "tests/detect/burst.yaml"];
        a.extend_from_slice(extra);
        a.push(S5);
        detect_json(&a)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["actors"][0].as_str().unwrap().to_string(),
                    f["count"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(
        burst(&[]),
        [
            ("eve".to_string(), 71),
            ("eve".to_string(), 300),
            ("system:anonymous".to_string(), 100)
        ]
    );
    // --threshold changes a rule's count (and window): no run of 301; runs of 100 in 60s only
    // in the burst phase
    assert_eq!(burst(&["--threshold", "B403=301"]), []);
    assert_eq!(
        burst(&["--threshold", "B403=100/1m"]),
        [
            ("eve".to_string(), 300),
            ("system:anonymous".to_string(), 100)
        ]
    );
    // a window in any duration kaudit reads elsewhere (issue 18: `1m0s` and `60000ms` were
    // refused here though --since took them)
    for window in ["1m0s", "60000ms", "60s"] {
        let t = format!("B403=100/{window}");
        assert_eq!(
            burst(&["--threshold", &t]),
            burst(&["--threshold", "B403=100/1m"])
        );
    }
}

#[test]
fn fail_on_exits_3_and_min_severity_filters() {
    let f = "testdata/public/falco/k8s_audit/create_cluster_role_wildcard_verbs.json";
    kaudit()
        .args(["detect", "--fail-on", "low", f])
        .assert()
        .code(3);
    kaudit()
        .args([
            "detect",
            "--fail-on",
            "critical",
            "--rules",
            &first_fired(f),
            f,
        ])
        .assert()
        .code(if severity_of(&first_fired(f)) == "critical" {
            3
        } else {
            0
        });
    let all = detect_json(&[f]);
    let high = detect_json(&["--min-severity", "critical", f]);
    assert!(
        high["findings"].as_array().unwrap().len() <= all["findings"].as_array().unwrap().len()
    );
    for x in high["findings"].as_array().unwrap() {
        assert_eq!(x["severity"], "critical");
    }
}

fn first_fired(f: &str) -> String {
    fired(&detect_json(&[f]))
        .into_iter()
        .next()
        .expect("a finding")
}

fn severity_of(id: &str) -> String {
    let r = run(&["detect", "--list", "-o", "json"]);
    let v: Value = serde_json::from_slice(&r.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .map(|r| r["severity"].as_str().unwrap().to_string())
        .unwrap()
}

/// Custom rules: every operator, body paths, and the note for a Metadata-level log.
#[test]
fn custom_rules_file() {
    let r = run(&[
        "detect",
        "-o",
        "json",
        "--no-builtin",
        "--rules-file",
        "tests/detect/custom.yaml",
        "testdata/public/falco/k8s_audit/create_nginx_pod_privileged.json",
        "testdata/public/falco/k8s_audit/create_nginx_pod_unprivileged.json",
        "testdata/public/falco/k8s_audit/create_configmap_sensitive_values.json",
        "testdata/public/falco/k8s_audit/exec_pod.json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr.as_str());
    let v: Value = serde_json::from_slice(&r.stdout).unwrap();
    let got = fired(&v);
    assert_eq!(
        got,
        ["C-EXEC", "C-PRIV", "C-SECRET-KEY", "C-IP"]
            .into_iter()
            .map(String::from)
            .collect(),
        "{v:#}"
    );
}

/// A rule that needs bodies on a log without them says so once, on stderr, with the count:
/// s6 (testdata/logrotate/) logs configmaps at Metadata, and has 168 configmap writes at that
/// level (`kaudit events -r configmaps -v create,update,patch -o ndjson`, counted by level).
#[test]
fn metadata_logs_are_named_not_silently_missed() {
    let r = run(&[
        "detect",
        "--no-builtin",
        "--rules-file",
        "tests/detect/custom.yaml",
        "--rules",
        "C-SECRET-KEY",
        "testdata/logrotate/",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr.as_str());
    assert_eq!(
        r.stderr.matches("could not check them").count(),
        1,
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("which 168 candidate request(s) were logged without (audit level Metadata): C-SECRET-KEY could not check them"),
        "{}",
        r.stderr
    );
}

#[test]
fn check_rules_names_the_rule_and_the_problem() {
    let ok = run(&["detect", "--check-rules", "tests/detect/custom.yaml"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr.as_str());
    assert!(ok.stdout_str().contains("rule(s), ok"));
    let bad = run(&["detect", "--check-rules", "tests/detect/bad.yaml"]);
    assert_eq!(bad.code, 2);
    let e = bad.stderr.as_str();
    for want in [
        "rule BAD1: severity \"urgent\"",
        "rule BAD2: match: unknown field \"verbb\"",
        "rule BAD3: match: user: regex",
        "rule BAD4: threshold.window",
        "rule BAD5: match: in \"request.spec[x]\"",
    ] {
        assert!(e.contains(want), "missing {want:?} in:\n{e}");
    }
    let unknown = run(&["detect", "--rules", "KA999", S5]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.as_str().contains("no rule KA999"));
}

/// `| head` and NDJSON: one finding per line, quiet on a closed pipe.
#[test]
fn ndjson_is_one_finding_per_line() {
    let r = run(&["detect", "-o", "ndjson", S5]);
    assert_eq!(r.code, 0, "{}", r.stderr.as_str());
    let n = r.stdout_str().lines().count();
    assert!(n >= 3, "{n} findings");
    for l in r.stdout_str().lines() {
        let v: Value = serde_json::from_str(l).unwrap();
        assert!(v["rule"].is_string() && v["auditIDs"].is_array());
    }
}

/// Audit fields are attacker-controlled: a name holding a terminal title escape and a user agent
/// holding colour codes (testdata/edge/control-chars.log) are printed escaped in the table.
#[test]
fn findings_are_sanitized_for_the_terminal() {
    let r = run(&[
        "detect",
        "-o",
        "wide",
        "--no-builtin",
        "--rules-file",
        "tests/detect/all.yaml",
        "testdata/edge/control-chars.log",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains(&0x1b) && !r.stdout.contains(&0x07));
    assert!(
        r.stdout_str()
            .contains("artifact-cache-141\\e]0;pwned\\x07")
    );
}

/// A v1.20 create has no `objectRef.name` (it is in the body): the finding names the object the
/// server made, from the response body (falco's privileged pod, created with a generateName).
#[test]
fn a_created_object_is_named_from_its_body() {
    let doc = detect_json(&[
        "--rules",
        "KA006",
        "testdata/public/falco/k8s_audit/create_nginx_pod_privileged.json",
    ]);
    assert_eq!(
        doc["findings"][0]["targets"],
        serde_json::json!(["pods default/nginx-deployment-5cdcc99dbf-rgw6z"])
    );
}

/// The findings of `rule` in a detect JSON document.
fn findings_of<'v>(doc: &'v Value, rule: &str) -> Vec<&'v Value> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

/// Issue 21, design fault 1: attempts are evidence. A denied exec, an exec the API server
/// authorized and then failed, a cluster-admin binding refused as invalid, and (in the real
/// 1.36 log) a privileged pod that RBAC allowed and Pod Security refused are each reported,
/// the finding saying how it ended, its severity following: a denial one level lower, an
/// authorized attempt as grave as a success (testdata/edge/make_detect_attempts.py).
#[test]
fn attempts_are_reported_with_how_they_ended() {
    for (file, rule, severity, outcome) in [
        ("attempt-exec-denied.log", "KA001", "medium", "denied"),
        ("attempt-exec-failed.log", "KA001", "high", "failed"),
        ("attempt-binding-invalid.log", "KA016", "high", "failed"),
    ] {
        let doc = detect_json(&[&format!("testdata/edge/detect/{file}")]);
        let f = findings_of(&doc, rule);
        assert_eq!(f.len(), 1, "{file}: {doc:#}");
        assert_eq!(f[0]["severity"], severity, "{file}");
        assert_eq!(
            f[0]["outcomes"],
            serde_json::json!({ outcome: 1 }),
            "{file}"
        );
    }
    // d1: dana's root-shell pod in locked-down, 403 with decision allow (Pod Security)
    let doc = detect_json(&["testdata/modern/d1"]);
    for rule in ["KA006", "KA007"] {
        let f = findings_of(&doc, rule);
        let blocked: Vec<_> = f
            .iter()
            .filter(|f| f["outcomes"] == serde_json::json!({"blocked": 1}))
            .collect();
        assert_eq!(blocked.len(), 1, "{rule}: {f:#?}");
        assert_eq!(blocked[0]["severity"], "high");
        assert_eq!(blocked[0]["actors"], serde_json::json!(["dana"]));
    }
    // the table says it too
    let r = run(&[
        "detect",
        "--rules",
        "KA001",
        "testdata/edge/detect/attempt-exec-denied.log",
    ]);
    assert!(r.stdout_str().contains("denied"), "{}", r.stdout_str());
}

/// Design fault 2: kube-system's add-ons are not the control plane. A cluster-wide secrets list
/// by kube-system's coredns is reported; the same by the namespace controller is not; and the
/// list is one, named, that a rules file can amend for every rule at once.
#[test]
fn add_ons_are_not_the_control_plane_and_the_list_is_amendable() {
    let addon = "testdata/edge/detect/addon-sa-lists-secrets.log";
    assert!(fired(&detect_json(&[addon])).contains("KA032"));
    assert!(
        !fired(&detect_json(&[
            "testdata/edge/detect/controller-lists-secrets.log"
        ]))
        .contains("KA032")
    );
    let dir = tempfile::tempdir().unwrap();
    let amend = dir.path().join("amend.yaml");
    std::fs::write(
        &amend,
        "lists:\n  control_plane: {append: [\"system:serviceaccount:kube-system:coredns\"]}\n",
    )
    .unwrap();
    let amend = amend.to_str().unwrap();
    let doc = detect_json(&["--rules-file", amend, addon]);
    assert!(!fired(&doc).contains("KA032"), "{doc:#}");
    // replaced whole, and with a mistake: named
    std::fs::write(
        dir.path().join("bad.yaml"),
        "lists:\n  control_plane: {add: [x]}\n",
    )
    .unwrap();
    let r = run(&[
        "detect",
        "--rules-file",
        dir.path().join("bad.yaml").to_str().unwrap(),
        addon,
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("list control_plane: unknown key \"add\""),
        "{}",
        r.stderr
    );
}

/// Design fault 5: a client-set X-Forwarded-For cannot silence the public-address rules: the
/// address that connected (the last of sourceIPs) decides, and the claimed chain is shown apart.
#[test]
fn the_connecting_address_decides_not_the_claimed_one() {
    let doc = detect_json(&["testdata/edge/detect/xff-spoofed-private.log"]);
    let f = findings_of(&doc, "KA050");
    assert_eq!(f.len(), 1, "{doc:#}");
    assert_eq!(f[0]["sourceIPs"], serde_json::json!(["203.0.113.9"]));
    assert_eq!(f[0]["forwardedFor"], serde_json::json!(["10.0.0.5"]));
    let doc = detect_json(&["testdata/edge/detect/xff-claimed-public.log"]);
    assert!(findings_of(&doc, "KA050").is_empty(), "{doc:#}");
}

/// Design fault 6: rules read the status message and reason, any annotation, user.extra, the
/// stages and the URI's query; lists and macros are reusable; an exception amends a built-in
/// rule without copying it. Each on the real 1.36 log (testdata/modern/d1, ANSWER-KEY.md).
#[test]
fn rules_read_every_field_and_reuse_lists_macros_exceptions() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fields.yaml");
    std::fs::write(
        &file,
        r#"
lists:
  people: [dana, oscar]
macros:
  by_people: {actor: $people}
rules:
- {id: F-PSA, name: a rule, severity: low, description: d, false_positives: f, group_by: [actor],
   match: {resource: pods, verb: create, "annotations.pod-security.kubernetes.io/enforce-policy": "restricted:latest"}}
- {id: F-JTI, name: a rule, severity: low, description: d, false_positives: f, group_by: [actor],
   match: {"user_extra.authentication.kubernetes.io/credential-id": {prefix: "JTI="}}}
- {id: F-STREAM, name: a rule, severity: low, description: d, false_positives: f, group_by: [actor],
   match: {stage: ResponseStarted, subresource: exec}}
- {id: F-INVALID, name: a rule, severity: low, description: d, false_positives: f, group_by: [actor],
   match: {status_reason: Invalid, outcome: failed}}
- {id: F-CMD, name: a rule, severity: low, description: d, false_positives: f, group_by: [actor],
   show: [query.command], match: {query.command: {contains: hostname, not: {eq: nothing}}}}
- {id: F-MACRO, name: a rule, severity: low, description: d, false_positives: f, group_by: [actor],
   match: {macro: [by_people, pod_spec_write], resource: pods, outcome: blocked}}
exceptions:
- {rule: KA001, match: {actor: oscar}, reason: the on-call engineer}
"#,
    )
    .unwrap();
    let doc = detect_json(&["--rules-file", file.to_str().unwrap(), "testdata/modern/d1"]);
    let actors = |rule: &str| -> Vec<String> {
        findings_of(&doc, rule)
            .iter()
            .flat_map(|f| crate::util::strings(&f["actors"]))
            .collect()
    };
    // dana's pod in locked-down (restricted), refused by Pod Security
    assert_eq!(actors("F-PSA"), ["dana"]);
    assert_eq!(actors("F-MACRO"), ["dana"]);
    // infra:pipeline's requests with its TokenRequest token
    assert!(
        actors("F-JTI").contains(&"system:serviceaccount:infra:pipeline".to_string()),
        "{:?}",
        actors("F-JTI")
    );
    assert_eq!(actors("F-STREAM"), ["oscar"]);
    assert!(!actors("F-INVALID").is_empty());
    let cmd = findings_of(&doc, "F-CMD");
    assert_eq!(cmd.len(), 1, "{doc:#}");
    assert_eq!(
        crate::util::strings(&cmd[0]["matched"]),
        [
            "command=sh -c cat /etc/hostname",
            "command=tar cf - /etc/hostname"
        ],
        "{:#}",
        cmd[0]
    );
    // oscar's execs are excused; nothing else is
    assert!(findings_of(&doc, "KA001").is_empty(), "{doc:#}");
    // mistakes are named, with the document and rule
    for (i, (text, said)) in [
        ("rules:\n- {id: X, name: a rule, severity: low, description: d, false_positives: f, match: {actor: $nobody}}\n", "no list $nobody"),
        ("macros:\n  a: {macro: b}\n  b: {macro: a}\n", "includes itself"),
        ("exceptions:\n- {rule: KA999, match: {actor: x}}\n", "no rule KA999 to amend"),
    ]
    .iter()
    .enumerate()
    {
        // (a file each: `run` remembers what the same arguments printed)
        let file = dir.path().join(format!("bad{i}.yaml"));
        std::fs::write(&file, text).unwrap();
        let r = run(&["detect", "--check-rules", file.to_str().unwrap()]);
        assert_eq!(r.code, 2, "{text}");
        assert!(r.stderr.contains(said), "{text}: {}", r.stderr);
    }
}

/// Design fault 7: findings carry what matched (the exec command, the binding's role and
/// subjects, the image), a command line's credential hidden unless --show-secrets; a
/// sequence's count includes the request that began it.
#[test]
fn findings_carry_what_matched() {
    let doc = detect_json(&["testdata/modern/d1"]);
    let matched = |rule: &str| -> Vec<String> {
        findings_of(&doc, rule)
            .iter()
            .flat_map(|f| crate::util::strings(&f["matched"]))
            .collect()
    };
    assert!(
        matched("KA001").contains(&"command=id".to_string()),
        "{:?}",
        matched("KA001")
    );
    assert_eq!(matched("KA016"), ["role=cluster-admin; subjects=frank"]);
    assert!(
        matched("KA004").iter().any(|m| m.starts_with("image=")),
        "{:?}",
        matched("KA004")
    );
    // KA022 for oscar: the binding, then his 6 requests within 10 minutes (ANSWER-KEY.md)
    let seq = findings_of(&doc, "KA022");
    let oscar = seq
        .iter()
        .find(|f| f["actors"] == serde_json::json!(["oscar"]))
        .unwrap();
    let ids = oscar["auditIDs"].as_array().unwrap();
    assert_eq!(
        oscar["count"].as_u64().unwrap(),
        ids.len() as u64 + oscar["auditIDsLeftOut"].as_u64().unwrap()
    );
    let f = "testdata/edge/detect/exec-credential-command.log";
    let doc = detect_json(&[f]);
    assert_eq!(
        crate::util::strings(&findings_of(&doc, "KA001")[0]["matched"]),
        ["command=mysql -u root <redacted 9 bytes> -e select 1"]
    );
    let doc = detect_json(&["--show-secrets", f]);
    assert_eq!(
        crate::util::strings(&findings_of(&doc, "KA001")[0]["matched"]),
        ["command=mysql -u root -phunter2 -e select 1"]
    );
}

/// Every rules example in docs/detect.md compiles with the catalogue, as printed.
#[test]
fn the_documented_rule_files_compile() {
    let text = std::fs::read_to_string(crate::util::repo_path("docs/detect.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut n = 0;
    for (i, block) in text.split("```yaml\n").skip(1).enumerate() {
        let body = block.split("```").next().unwrap();
        let file = dir.path().join(format!("doc{i}.yaml"));
        std::fs::write(&file, body).unwrap();
        let r = run(&["detect", "--check-rules", file.to_str().unwrap()]);
        assert_eq!(r.code, 0, "docs/detect.md block {i}: {}\n{body}", r.stderr);
        n += 1;
    }
    assert!(n >= 2, "{n} blocks");
}

/// The allow-list rules stay quiet until a rules file sets their list, then report what is
/// outside it: namespaces (KA078), identities (KA079), images (KA080, where one container of
/// several outside the list is enough).
#[test]
fn allow_lists_are_open_until_set() {
    let d1 = "testdata/modern/d1";
    let doc = detect_json(&[d1]);
    for rule in ["KA078", "KA079", "KA080", "KA093"] {
        assert!(findings_of(&doc, rule).is_empty(), "{rule}");
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("allow.yaml");
    std::fs::write(
        &file,
        "lists:\n  allowed_namespaces: [default, \"kube-*\", shop, billing, infra]\n  allowed_users: [cluster-root, dana, oscar, \"system:serviceaccount:*\"]\n  allowed_images: [\"registry.example/app:*\", \"registry.example/storefront:*\"]\n  allowed_nodes: [\"system:node:ip-*\"]\n",
    )
    .unwrap();
    let doc = detect_json(&["--rules-file", file.to_str().unwrap(), d1]);
    let targets = |rule: &str| -> BTreeSet<String> {
        findings_of(&doc, rule)
            .iter()
            .flat_map(|f| crate::util::strings(&f["targets"]))
            .collect()
    };
    let actors = |rule: &str| -> BTreeSet<String> {
        findings_of(&doc, rule)
            .iter()
            .flat_map(|f| crate::util::strings(&f["actors"]))
            .collect()
    };
    // d1 creates shop, billing, infra, locked-down and sandbox-d
    assert_eq!(
        targets("KA078"),
        ["namespaces locked-down", "namespaces sandbox-d"]
            .map(String::from)
            .into(),
    );
    assert!(actors("KA079").contains("eve") && actors("KA079").contains("frank"));
    assert!(!actors("KA079").contains("dana"));
    // busybox (dana's refused root-shell, oscar's debugger) and the agent image are outside
    let images: BTreeSet<String> = findings_of(&doc, "KA080")
        .iter()
        .flat_map(|f| crate::util::strings(&f["matched"]))
        .collect();
    assert!(images.iter().any(|m| m.contains("busybox")), "{images:?}");
    assert!(
        images.iter().all(|m| !m.contains("storefront")),
        "{images:?}"
    );
}

/// A rules file whose macros name each other several times, nested, would expand
/// exponentially (a 17-line file took 7 GB): it is refused at once, and a `$$` is a literal `$`.
#[test]
fn macros_that_explode_are_refused_and_dollars_can_be_literal() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("macros:\n  m0: {verb: get}\n");
    for i in 1..15 {
        let p = i - 1;
        text.push_str(&format!("  m{i}: {{any: [{{macro: m{p}}}, {{macro: m{p}}}, {{macro: m{p}}}, {{macro: m{p}}}]}}\n"));
    }
    let file = dir.path().join("blow.yaml");
    std::fs::write(&file, text).unwrap();
    let r = run(&["detect", "--check-rules", file.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("expand to more than 10000"),
        "{}",
        r.stderr
    );
    let lit = dir.path().join("lit.yaml");
    std::fs::write(
        &lit,
        "rules:\n- {id: L1, name: a rule, severity: low, description: d, false_positives: f, match: {user_agent: {prefix: \"$$IFS\"}}}\n",
    )
    .unwrap();
    let r = run(&["detect", "--check-rules", lit.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}
