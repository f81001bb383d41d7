//! The d1 and d2 scenarios (testdata/modern/, a real kube-apiserver v1.36.2 under a
//! RequestResponse policy and under a multi-rule policy) answered by the query commands, section
//! by section of their answer keys (testdata/modern/dN/answer-key.json.gz, computed from the log
//! files alone). Where kaudit counts requests and a key counts final events, the test says how
//! the two meet.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use serde_json::Value;

use crate::util::{count_by, events, repo_path, run, s};

const SETS: [&str; 2] = ["testdata/modern/d1", "testdata/modern/d2"];

/// The answer key of a set.
fn key(set: &str) -> Value {
    let f = std::fs::File::open(repo_path(&format!("{set}/answer-key.json.gz"))).unwrap();
    let mut text = String::new();
    flate2::read::GzDecoder::new(f)
        .read_to_string(&mut text)
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn map(v: &Value) -> BTreeMap<String, u64> {
    v.as_object()
        .unwrap()
        .iter()
        .map(|(k, n)| (k.clone(), n.as_u64().unwrap()))
        .collect()
}

fn ids(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| s(r, "auditID"))
        .collect()
}

fn ids_of(rows: &[Value]) -> BTreeSet<String> {
    rows.iter().map(|r| s(r, "auditID")).collect()
}

/// Every request of a set, as `events -o ndjson` writes them.
fn all(set: &str) -> Vec<Value> {
    events(&[set])
}

/// Totals, stages, levels, requests by user and verb, the requests without a final stage.
#[test]
fn totals_users_verbs_and_incomplete_requests() {
    for set in SETS {
        let k = key(set);
        let sum: Value =
            serde_json::from_slice(&run(&["summary", "-o", "json", set]).stdout).unwrap();
        assert_eq!(sum["events"], k["total_events"], "{set}");
        assert_eq!(sum["requests"], k["distinct_auditIDs"], "{set}");
        let rows = all(set);
        // by the authenticated user, as the key counts (an impersonated request is its caller's)
        let users = count_by(&rows, |r| {
            let u = s(r, "user");
            if u.is_empty() {
                "(unauthenticated)".into()
            } else {
                u
            }
        });
        assert_eq!(users, map(&k["requests_by_user"]), "{set}");
        assert_eq!(
            count_by(&rows, |r| s(r, "verb")),
            map(&k["requests_by_verb"]),
            "{set}"
        );
        let open: BTreeSet<String> = rows
            .iter()
            .filter(|r| r["incomplete"] == true)
            .map(|r| s(r, "auditID"))
            .collect();
        let mut want = ids(&k["auditIDs_without_final_stage"]);
        // the lone ResponseStarted of a failed authentication (401) ends its request
        for r in k["unauthorized_401"].as_array().unwrap() {
            want.remove(&s(r, "auditID"));
        }
        assert_eq!(open, want, "{set}");
    }
}

/// "Final-stage events by HTTP code", "403 Forbidden (requests, by user)", "401 Unauthorized".
#[test]
fn codes_forbidden_and_unauthorized() {
    for set in SETS {
        let k = key(set);
        let rows = all(set);
        let finals: Vec<&Value> = rows
            .iter()
            .filter(|r| r["incomplete"] == false && r["code"] != 401)
            .collect();
        let by_code = count_by(
            &finals.iter().map(|r| (*r).clone()).collect::<Vec<_>>(),
            |r| s(r, "code"),
        );
        assert_eq!(by_code, map(&k["final_events_by_code"]), "{set}");
        let denied: Vec<Value> = rows.iter().filter(|r| r["code"] == 403).cloned().collect();
        assert_eq!(
            count_by(&denied, |r| s(r, "user")),
            map(&k["forbidden_403_by_user"]),
            "{set}"
        );
        let unauth = events(&["--code", "401", set]);
        assert_eq!(ids_of(&unauth), ids(&k["unauthorized_401"]), "{set}");
        assert_eq!(
            unauth.len() as u64,
            k["unauthorized_401_count"].as_u64().unwrap()
        );
    }
}

/// "Dry-run requests": `--dry-run only` finds exactly those; d2 logs deletes at Metadata, so
/// its dry-run delete is one of the deletes the log cannot tell about (`--dry-run unknown`).
#[test]
fn dry_runs() {
    for set in SETS {
        let k = key(set);
        let dry = events(&["--dry-run", "only", set]);
        let want: BTreeSet<String> = k["dry_run_requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| s(r, "auditID"))
            .collect();
        assert_eq!(ids_of(&dry), want, "{set}");
        assert!(dry.iter().all(|r| r["dryRun"] == true));
        let rows = all(set);
        let n = |v: Value| rows.iter().filter(|r| r["dryRun"] == v).count();
        assert_eq!(n(Value::Bool(true)), want.len(), "{set}");
        if set.ends_with("d1") {
            // every delete is logged with its body here: none is unknown
            assert_eq!(n(Value::Null), 0);
        } else {
            let unknown = events(&["--dry-run", "unknown", "-u", "dana", "-v", "delete", set]);
            assert!(unknown.iter().any(|r| s(r, "name") == "cart-settings"));
            assert!(
                unknown
                    .iter()
                    .all(|r| r["dryRun"].is_null() && r["level"] == "Metadata")
            );
        }
        // excluded, the rest is left
        assert_eq!(
            events(&["--dry-run", "exclude", set]).len(),
            rows.len() - want.len()
        );
    }
}

/// "Server-side apply" and "fieldManager query parameters".
#[test]
fn field_managers_and_apply() {
    for set in SETS {
        let k = key(set);
        let rows = events(&["--field-manager", "*", set]);
        let got = count_by(&rows, |r| {
            format!("{} fieldManager={}", s(r, "verb"), s(r, "fieldManager"))
        });
        assert_eq!(got, map(&k["field_managers_in_query"]), "{set}");
        // an apply: a patch with a force parameter; one answered 201 created its object
        let t = run(&["events", "--field-manager", "dana-ssa", set]);
        assert!(
            t.stdout_str().contains("patch [apply]"),
            "{}",
            t.stdout_str()
        );
        let ssa: BTreeSet<String> = k["server_side_apply_requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| s(r, "auditID"))
            .collect();
        let applies: BTreeSet<String> = rows
            .iter()
            .filter(|r| r["verb"] == "patch" && s(r, "requestURI").contains("force="))
            .map(|r| s(r, "auditID"))
            .collect();
        assert_eq!(applies, ssa, "{set}");
    }
}

/// "exec_like_by_subresource_verb_code": exec and attach are `get` with 101 in 1.36.
#[test]
fn exec_attach_portforward_log_ephemeral() {
    for set in SETS {
        let k = key(set);
        let rows = events(&[
            "-r",
            "pods/exec,pods/attach,pods/portforward,pods/log,pods/ephemeralcontainers",
            set,
        ]);
        let got = count_by(&rows, |r| {
            format!(
                "{} {} -> {}",
                s(r, "subresource"),
                s(r, "verb"),
                s(r, "code")
            )
        });
        assert_eq!(got, map(&k["exec_like_by_subresource_verb_code"]), "{set}");
    }
}

/// "Token requests": each TokenRequest's issued credential id is in its annotations, and the
/// credential a request was made with is in `userExtra`.
#[test]
fn token_requests_and_credential_ids() {
    for set in SETS {
        let k = key(set);
        let rows = events(&["-r", "serviceaccounts/token", set]);
        let want = k["token_requests"].as_array().unwrap();
        assert_eq!(ids_of(&rows), ids(&k["token_requests"]), "{set}");
        for w in want {
            let id = s(w, "auditID");
            let r = rows.iter().find(|r| s(r, "auditID") == id).unwrap();
            let issued = &w["annotations"]["authentication.kubernetes.io/issued-credential-id"];
            assert_eq!(
                &r["annotations"]["authentication.kubernetes.io/issued-credential-id"], issued,
                "{set} {id}"
            );
        }
        // "user_extra_keys": on each request's final event, or its last one when it has none
        let all = all(set);
        let mut extra: BTreeMap<String, u64> = BTreeMap::new();
        for r in &all {
            for key in r["userExtra"].as_object().unwrap().keys() {
                *extra.entry(key.clone()).or_default() += 1;
            }
        }
        assert_eq!(extra, map(&k["user_extra_keys"]), "{set}");
    }
}

/// "annotation_keys_on_final_events", "authorization_decisions", the PSA values and the
/// PSA/VAP denials, with every annotation value as the log has it.
#[test]
fn annotations_psa_and_vap() {
    for set in SETS {
        let k = key(set);
        let rows = all(set);
        let finals: Vec<&Value> = rows.iter().filter(|r| r["incomplete"] == false).collect();
        let mut keys: BTreeMap<String, u64> = BTreeMap::new();
        for r in &finals {
            for key in r["annotations"].as_object().unwrap().keys() {
                *keys.entry(key.clone()).or_default() += 1;
            }
        }
        assert_eq!(keys, map(&k["annotation_keys_on_final_events"]), "{set}");
        let decisions = count_by(
            &finals
                .iter()
                .filter(|r| r["decision"].is_string())
                .map(|r| (*r).clone())
                .collect::<Vec<_>>(),
            |r| s(r, "decision"),
        );
        assert_eq!(decisions, map(&k["authorization_decisions"]), "{set}");
        let psa = events(&["--annotation", "pod-security.kubernetes.io/*", set]);
        let mut values: BTreeMap<String, u64> = BTreeMap::new();
        for r in &psa {
            for (key, v) in r["annotations"].as_object().unwrap() {
                if key.starts_with("pod-security.kubernetes.io/") {
                    *values
                        .entry(format!("{key}={}", v.as_str().unwrap()))
                        .or_default() += 1;
                }
            }
        }
        assert_eq!(values, map(&k["psa_annotation_values"]), "{set}");
        // the same values grouped by `top --by annotation:KEY` (requests without it read `-`)
        let key_name = "pod-security.kubernetes.io/enforce-policy";
        let top: Vec<Value> = serde_json::from_slice(
            &run(&[
                "top",
                "--by",
                &format!("annotation:{key_name}"),
                "-k",
                "0",
                "-o",
                "json",
                set,
            ])
            .expect_code(0)
            .stdout,
        )
        .unwrap();
        let grouped: BTreeMap<String, u64> = top
            .iter()
            .filter(|g| g[key_name] != "-")
            .map(|g| {
                (
                    format!("{key_name}={}", s(g, key_name)),
                    g["requests"].as_u64().unwrap(),
                )
            })
            .collect();
        let want: BTreeMap<String, u64> = map(&k["psa_annotation_values"])
            .into_iter()
            .filter(|(kv, _)| kv.starts_with(key_name))
            .collect();
        assert_eq!(grouped, want, "{set}");
        let sum: u64 = top.iter().map(|g| g["requests"].as_u64().unwrap()).sum();
        assert_eq!(sum, k["distinct_auditIDs"].as_u64().unwrap(), "{set}");
        let denied = events(&[
            "--code",
            "403",
            "--annotation",
            "pod-security.kubernetes.io/audit-violations",
            "--annotation",
            "validation.policy.admission.k8s.io/validation_failure",
            set,
        ]);
        assert_eq!(ids_of(&denied), ids(&k["psa_vap_denied_requests"]), "{set}");
        for w in k["psa_vap_denied_requests"].as_array().unwrap() {
            let r = denied
                .iter()
                .find(|r| r["auditID"] == w["auditID"])
                .unwrap();
            for (key, v) in w["admission_annotations"].as_object().unwrap() {
                assert_eq!(&r["annotations"][key], v, "{set} {key}");
            }
            assert_eq!(r["statusMessage"], w["message"]);
        }
        let annotated = events(&[
            "--annotation",
            "pod-security.kubernetes.io/*",
            "--annotation",
            "validation.policy.admission.k8s.io/*",
            "--annotation",
            "require-team-label/*",
            set,
        ]);
        assert_eq!(
            ids_of(&annotated),
            ids(&k["psa_vap_annotated_requests"]),
            "{set}"
        );
        // legacy service-account tokens are flagged on every use
        let legacy = events(&["--annotation", "authentication.k8s.io/legacy-token", set]);
        assert_eq!(ids_of(&legacy), ids(&k["legacy_token_requests"]), "{set}");
    }
}

/// "Impersonated requests" and "Impersonation refused" (1.36: the real user, the original
/// verb, no impersonatedUser, "cannot impersonate" in the status message).
#[test]
fn impersonation_allowed_and_refused() {
    for set in SETS {
        let k = key(set);
        let rows = all(set);
        let imp: BTreeSet<String> = rows
            .iter()
            .filter(|r| r["impersonatedUser"].is_string())
            .map(|r| s(r, "auditID"))
            .collect();
        assert_eq!(imp, ids(&k["impersonated_requests"]), "{set}");
        let refused: BTreeSet<String> = rows
            .iter()
            .filter(|r| s(r, "statusMessage").contains("cannot impersonate"))
            .map(|r| s(r, "auditID"))
            .collect();
        assert_eq!(refused, ids(&k["impersonation_attempts_denied"]), "{set}");
    }
}

/// "Watch requests": by user, and every watch with its code.
#[test]
fn watches() {
    for set in SETS {
        let k = key(set);
        let w = events(&["-v", "watch", set]);
        assert_eq!(
            w.len() as u64,
            k["watch_requests_count"].as_u64().unwrap(),
            "{set}"
        );
        assert_eq!(
            count_by(&w, |r| s(r, "user")),
            map(&k["watch_requests_by_user"]),
            "{set}"
        );
        for want in k["watch_requests"].as_array().unwrap() {
            let r = w.iter().find(|r| r["auditID"] == want["auditID"]).unwrap();
            assert_eq!(r["requestURI"], want["uri"], "{set}");
            assert_eq!(r["code"], want["code"], "{set}");
        }
    }
}

/// "Deletes by non-system users", "RBAC writes", "Secret reads by non-system users".
#[test]
fn deletes_rbac_writes_and_secret_reads() {
    for set in SETS {
        let k = key(set);
        let rows = all(set);
        let human = |r: &Value| !s(r, "user").starts_with("system:") && !s(r, "user").is_empty();
        let del: BTreeSet<String> = rows
            .iter()
            .filter(|r| human(r) && matches!(s(r, "verb").as_str(), "delete" | "deletecollection"))
            .map(|r| s(r, "auditID"))
            .collect();
        assert_eq!(del, ids(&k["delete_requests_non_system"]), "{set}");
        let rbac = events(&["-r", "*.rbac.authorization.k8s.io", "-v", "write", set]);
        let rbac: BTreeSet<String> = rbac
            .iter()
            .filter(|r| r["user"] != "system:apiserver")
            .map(|r| s(r, "auditID"))
            .collect();
        assert_eq!(rbac, ids(&k["rbac_writes"]), "{set}");
        let secrets = events(&["-r", "secrets", "-v", "read", set]);
        let reads: BTreeSet<String> = secrets
            .iter()
            .filter(|r| human(r))
            .map(|r| s(r, "auditID"))
            .collect();
        assert_eq!(reads, ids(&k["secret_reads_by_non_system_users"]), "{set}");
    }
}

/// "Impersonation refused" found by detect (KA048) and marked by timeline at every level: d2
/// logs secrets at Metadata, with no body, and 1.36 leaves out the decision annotation; the
/// status message is what says so.
#[test]
fn refused_impersonation_is_found_without_bodies() {
    for set in SETS {
        let k = key(set);
        let r = run(&["detect", "--rules", "KA048", "-o", "json", set]);
        let d: Value = serde_json::from_slice(&r.stdout).unwrap();
        let mut got = BTreeSet::new();
        for f in d["findings"].as_array().unwrap() {
            for id in f["auditIDs"].as_array().unwrap() {
                got.insert(id.as_str().unwrap().to_string());
            }
        }
        assert_eq!(got, ids(&k["impersonation_attempts_denied"]), "{set}");
        let t = run(&["timeline", "--code", "403", "-u", "eve", "-r", "nodes", set]);
        assert!(
            t.stdout_str()
                .contains("cannot impersonate-on:user-info:list resource \"nodes\"")
                && t.stdout_str().contains("[impersonation]"),
            "{}",
            t.stdout_str()
        );
    }
}

/// The annotations that matter are shown: `timeline` marks the PSA/VAP denials (`psa`,
/// `policy`), the tokens issued (`token-issued`) and the legacy-token uses (`legacy-token`), and
/// `events -o wide` names them in NOTES.
#[test]
fn notable_annotations_in_timeline_and_tables() {
    for set in SETS {
        let k = key(set);
        let out = run(&["timeline", "-o", "ndjson", "--collapse", "none", set]).expect_code(0);
        let lines: Vec<Value> = out
            .stdout_str()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let marked = |marker: &str| -> BTreeSet<String> {
            lines
                .iter()
                .filter(|l| l["markers"].as_array().unwrap().iter().any(|m| m == marker))
                .flat_map(|l| l["auditIDs"].as_array().unwrap().clone())
                .map(|v| v.as_str().unwrap().to_string())
                .collect()
        };
        let denied = ids(&k["psa_vap_denied_requests"]);
        let psa_or_policy: BTreeSet<String> =
            marked("psa").union(&marked("policy")).cloned().collect();
        assert!(denied.is_subset(&psa_or_policy), "{set}");
        let issued: BTreeSet<String> = k["token_requests"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|w| {
                w["annotations"]["authentication.kubernetes.io/issued-credential-id"].is_string()
            })
            .map(|w| s(w, "auditID"))
            .collect();
        assert!(!issued.is_empty(), "{set}");
        assert_eq!(marked("token-issued"), issued, "{set}");
        assert_eq!(
            marked("legacy-token"),
            ids(&k["legacy_token_requests"]),
            "{set}"
        );
        let wide = run(&[
            "events", "-o", "wide", "--code", "403", "-u", "dana", "-r", "pods", set,
        ])
        .expect_code(0)
        .stdout_str()
        .to_string();
        assert!(wide.contains("NOTES"), "{wide}");
        assert!(wide.contains("psa-denied"), "{set}: {wide}");
    }
}

/// `kaudit tokens` joins each TokenRequest's issued-credential-id (the key's "token_requests")
/// to the requests authenticated with that credential (their userExtra credential-id), on any
/// thread count; filters select the uses, and the issue is found whatever they say.
#[test]
fn tokens_join_issue_to_uses() {
    const CRED: &str = "authentication.kubernetes.io/credential-id";
    for set in SETS {
        let k = key(set);
        let rows = all(set);
        let mut uses: BTreeMap<String, u64> = BTreeMap::new();
        for r in &rows {
            if let Some(id) = r["userExtra"][CRED][0].as_str() {
                *uses.entry(id.to_string()).or_default() += 1;
            }
        }
        let out = run(&["tokens", "-o", "json", set]).expect_code(0);
        let tokens: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
        let one = run(&["tokens", "-o", "json", "-j1", set]).expect_code(0);
        assert_eq!(out.stdout, one.stdout, "{set}: -j1");
        let got: BTreeMap<String, u64> = tokens
            .iter()
            .filter(|t| t["requests"].as_u64().unwrap() > 0)
            .map(|t| (s(t, "credentialId"), t["requests"].as_u64().unwrap()))
            .collect();
        assert_eq!(got, uses, "{set}");
        let mut issued = 0;
        for w in k["token_requests"].as_array().unwrap() {
            let Some(id) =
                w["annotations"]["authentication.kubernetes.io/issued-credential-id"].as_str()
            else {
                continue;
            };
            issued += 1;
            let t = tokens.iter().find(|t| t["credentialId"] == id).unwrap();
            assert_eq!(t["issued"]["auditID"], w["auditID"], "{set} {id}");
            assert_eq!(t["issued"]["by"], w["user"], "{set} {id}");
            assert_eq!(
                s(&t["issued"], "serviceAccount"),
                format!("{}/{}", s(w, "namespace"), s(w, "name")),
                "{set} {id}"
            );
            assert_eq!(t["kind"], "token");
        }
        assert!(issued >= 10, "{set}: {issued}");
        // the uses of the pipeline's token alone: its issue is still found
        let sa = "system:serviceaccount:infra:pipeline";
        let piped: Vec<Value> = serde_json::from_slice(
            &run(&["tokens", "-o", "json", "-u", sa, set])
                .expect_code(0)
                .stdout,
        )
        .unwrap();
        let token = piped.iter().find(|t| t["kind"] == "token").unwrap();
        assert_eq!(token["issued"]["by"], "cluster-root", "{set}");
        assert_eq!(token["users"], serde_json::json!([sa]), "{set}");
    }
}

/// The lines `events -o raw --show-secrets ARGS SET` prints (as logged), by auditID and stage.
fn raw_lines(set: &str, args: &[&str]) -> BTreeMap<(String, String), Value> {
    let mut a = vec!["events", "-o", "raw", "--show-secrets"];
    a.extend_from_slice(args);
    a.push(set);
    let r = run(&a).expect_code(0);
    r.stdout_str()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            ((s(&v, "auditID"), s(&v, "stage")), v)
        })
        .collect()
}

/// `<redacted N bytes>`, N the length of what it hides.
fn redacted(v: &Value, of: &str) -> bool {
    v.as_str() == Some(&format!("<redacted {} bytes>", of.len()))
}

/// "Token requests" read from the bodies (`events --bodies`, issue 17 point 7): each
/// TokenRequest's audiences and lifetime as the key has them, the token it issued
/// (`status.token`) redacted as `-o raw` redacts it unless `--show-secrets`; d2 logs
/// TokenRequests at Metadata: no bodies, and `bodies` says it is the level.
#[test]
fn token_request_bodies() {
    for set in SETS {
        let k = key(set);
        let args = ["--bodies", "-r", "serviceaccounts/token", set];
        let rows = events(&args);
        let shown = events(&["--show-secrets", args[0], args[1], args[2], args[3]]);
        let logged = raw_lines(set, &["-r", "serviceaccounts/token"]);
        assert_eq!(ids_of(&rows), ids(&k["token_requests"]), "{set}");
        let mut with_audience = 0;
        for w in k["token_requests"].as_array().unwrap() {
            let id = s(w, "auditID");
            let find = |rows: &[Value]| rows.iter().find(|r| s(r, "auditID") == id).cloned();
            let (r, x) = (find(&rows).unwrap(), find(&shown).unwrap());
            if w["level"] == "Metadata" {
                for r in [&r, &x] {
                    assert!(r["requestObject"].is_null() && r["responseObject"].is_null());
                    assert_eq!(
                        r["bodies"],
                        serde_json::json!({"request": "level", "response": "level"})
                    );
                }
                continue;
            }
            assert_eq!(w["level"], "RequestResponse");
            assert_eq!(
                r["bodies"],
                serde_json::json!({"request": "logged", "response": "logged"})
            );
            // the key's audiences are the request's spec.audiences (null when it asked for the
            // API server's own)
            let spec = &r["requestObject"]["spec"];
            assert_eq!(spec["audiences"], w["audiences"], "{set} {id}");
            assert_eq!(
                spec["expirationSeconds"], w["expirationSeconds"],
                "{set} {id}"
            );
            with_audience += usize::from(w["audiences"].is_array());
            // the token issued: hidden, but for its length; as logged with --show-secrets
            let token = logged[&(id.clone(), "ResponseComplete".into())]["responseObject"]
                ["status"]["token"]
                .as_str()
                .unwrap()
                .to_string();
            assert!(token.starts_with("eyJ") && token.matches('.').count() == 2);
            let hidden = &r["responseObject"]["status"]["token"];
            assert!(redacted(hidden, &token), "{set} {id}: {hidden}");
            assert_eq!(x["responseObject"]["status"]["token"], token.as_str());
            // the rest of the response as logged
            let mut a = r["responseObject"].clone();
            a["status"]["token"] = Value::Null;
            let mut b = x["responseObject"].clone();
            b["status"]["token"] = Value::Null;
            assert_eq!(a, b);
        }
        // E04: `kubectl create token pipeline --audience=https://vault.example.internal`
        assert_eq!(with_audience, usize::from(set.ends_with("d1")), "{set}");
    }
}

/// `events --bodies` on secret reads: d1 logs them at RequestResponse, and every value of a
/// Secret's data in a response is hidden (shown as logged with `--show-secrets`); d2 at
/// Metadata, with no bodies; every request d2 logs at Metadata has none, and at Request level
/// no response.
#[test]
fn secret_bodies_and_levels() {
    for set in SETS {
        let args = ["--bodies", "-r", "secrets", "-v", "get", set];
        let rows = events(&args);
        let mut shown_args = vec!["--show-secrets"];
        shown_args.extend_from_slice(&args);
        let shown = events(&shown_args);
        assert_eq!(ids_of(&rows), ids_of(&shown));
        let logged = raw_lines(set, &["-r", "secrets", "-v", "get"]);
        let mut values = 0;
        for (r, x) in rows.iter().zip(&shown) {
            assert_eq!(r["auditID"], x["auditID"]);
            if r["level"] == "Metadata" {
                assert!(r["responseObject"].is_null() && r["requestObject"].is_null());
                assert_eq!(r["bodies"]["response"], "level");
                continue;
            }
            let id = s(r, "auditID");
            let raw = &logged[&(id.clone(), "ResponseComplete".into())]["responseObject"];
            assert_eq!(&x["responseObject"], raw, "{id}");
            if raw["kind"] != "Secret" {
                continue;
            }
            for (key, v) in raw["data"].as_object().into_iter().flatten() {
                let hidden = &r["responseObject"]["data"][key];
                let bytes = v.as_str().unwrap();
                // a Secret's data is base64: its length is the decoded length
                let n = bytes.len() / 4 * 3 - bytes.matches('=').count();
                assert_eq!(hidden, &format!("<redacted {n} bytes>"), "{id} {key}");
                values += 1;
            }
        }
        assert_eq!(values > 0, set.ends_with("d1"), "{set}");
    }
    // d2: the level decides, for every request
    let rows = events(&["--bodies", "testdata/modern/d2"]);
    let mut levels = BTreeSet::new();
    for r in &rows {
        let level = s(r, "level");
        let b = &r["bodies"];
        match level.as_str() {
            "Metadata" => {
                assert!(r["requestObject"].is_null() && r["responseObject"].is_null());
                assert_eq!(
                    b,
                    &serde_json::json!({"request": "level", "response": "level"})
                );
            }
            "Request" => {
                assert!(r["responseObject"].is_null());
                assert_eq!(b["response"], "level");
                assert_eq!(b["request"] == "logged", r["requestObject"].is_object());
            }
            _ => {
                assert_eq!(level, "RequestResponse");
                assert_eq!(b["response"] == "logged", !r["responseObject"].is_null());
            }
        }
        levels.insert(level);
    }
    assert_eq!(levels.len(), 3, "{levels:?}");
}

/// "Impersonation refused" in `who`: 1.36 logs the refusal under the sender's own name, and
/// `who` counts it on the sender's row (`impersonationRefused`, VIA), as many as the key has
/// for each user; 1.36's message does not name whom they asked for.
#[test]
fn who_shows_refused_impersonation() {
    for set in SETS {
        let k = key(set);
        let want = count_by(
            k["impersonation_attempts_denied"].as_array().unwrap(),
            |r| s(r, "user"),
        );
        assert!(!want.is_empty(), "{set}");
        let r = run(&["who", "-o", "json", set]).expect_code(0);
        let rows: Vec<Value> = serde_json::from_slice(&r.stdout).unwrap();
        let mut got = BTreeMap::new();
        for row in &rows {
            for t in row["impersonationRefused"].as_array().unwrap() {
                assert!(t["target"].is_null(), "{set}: {t}");
                *got.entry(s(row, "user")).or_insert(0) += t["count"].as_u64().unwrap();
            }
        }
        assert_eq!(got, want, "{set}");
        let wide = run(&["who", "-o", "wide", set]).expect_code(0);
        let line = |user: &str| {
            wide.stdout_str()
                .lines()
                .find(|l| l.starts_with(&format!("{user} ")))
                .unwrap()
                .to_string()
        };
        // dana: cluster-root acted as her once (D06), and her own --as was refused once (B27)
        assert!(
            line("dana").contains("cluster-root (1); impersonation refused (1)"),
            "{}",
            wide.stdout_str()
        );
        assert!(line("eve").contains("impersonation refused (2)"));
        assert!(!line("oscar").contains("impersonation"));
        let csv = run(&["who", "-o", "csv", "-u", "eve", set]).expect_code(0);
        assert!(
            csv.stdout_str()
                .starts_with("user,authenticatedAs,impersonationRefused,requests,")
                && csv.stdout_str().contains("\neve,,(unnamed)=2,"),
            "{}",
            csv.stdout_str()
        );
    }
}

/// Incomplete requests reach `tokens` at the end of the input, one by one: their evidence is
/// still the first 10 uses, in time order.
#[test]
fn tokens_evidence_of_incomplete_uses_is_bounded() {
    let log = std::fs::read_to_string(repo_path("testdata/modern/d1/audit.log")).unwrap();
    let received: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("\"stage\":\"RequestReceived\"") && l.contains("credential-id"))
        .collect();
    assert!(received.len() > 20, "{}", received.len());
    let input = received.join("\n") + "\n";
    let out = crate::util::run_stdin(&["tokens", "-o", "json"], input.into_bytes()).expect_code(0);
    let tokens: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let busiest = tokens
        .iter()
        .max_by_key(|t| t["requests"].as_u64().unwrap())
        .unwrap();
    assert!(busiest["requests"].as_u64().unwrap() > 10, "{busiest}");
    assert_eq!(
        busiest["auditIDs"].as_array().unwrap().len(),
        10,
        "{busiest}"
    );
}
