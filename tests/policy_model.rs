//! The policy model (`kaudit::policy`) against a real API server: every request of the s6 log
//! (testdata/logrotate/, kube-apiserver v1.20.2 under testdata/logrotate/s6-policy.yaml) is
//! scanned with kaudit's own scanner, and the level the model predicts from the request's
//! attributes is compared with the level the server wrote, the stages it predicts with the
//! stages in the log, and its rule per request and events per rule with the answer key
//! (testdata/logrotate/s6-answer-key.json, `policy`). The s5 set (testdata/s5/, one
//! RequestResponse rule, every stage kept) checks the stages once more. No binary is run: this
//! calls the library.

use std::collections::BTreeMap;

use clap::Parser;
use serde_json::Value;

use kaudit::cli::{Cli, Command};
use kaudit::config::{Config, Env};
use kaudit::correlate::Request;
use kaudit::event::StageSet;
use kaudit::policy::{self, Attrs, Ending, Level, Policy};
use kaudit::scan::{self, Flow, NoPart, Sink};
use kaudit::term::Diag;

use crate::util::repo_path;

/// What the model said about one request, and what the log shows.
struct Row {
    audit_id: String,
    rule: Option<usize>,
    predicted: Level,
    logged: String,
    expected_stages: StageSet,
    stages: StageSet,
    events: usize,
    what: String,
}

struct Check {
    policy: Policy,
    rows: Vec<Row>,
}

impl Sink for Check {
    type Part = NoPart;
    const FOLDS: bool = false;
    fn part(&self) -> NoPart {
        NoPart
    }
    fn fold(_: &mut NoPart, _: &Request<'_>) -> bool {
        false
    }
    fn absorb(&mut self, _: NoPart) {}
    fn request(&mut self, r: Request<'_>) -> anyhow::Result<Flow> {
        let a = Attrs::from_request(&r);
        let (rule, level, omit) = self.policy.level_for(&a);
        let ending = if a.user.is_none() && r.code == Some(401) {
            Ending::Unauthenticated
        } else if r.stages.contains(kaudit::event::Stage::Panic) {
            Ending::Panic
        } else {
            Ending::Complete
        };
        let expected_stages = policy::written_stages(level, omit, policy::long_running(&a), ending);
        self.rows.push(Row {
            audit_id: r.audit_id.to_string(),
            rule,
            predicted: level,
            logged: r.level.to_string(),
            expected_stages,
            stages: r.stages,
            events: r.marks.len(),
            what: format!("{} {} {} ({})", r.user, r.verb, r.request_uri, r.level),
        });
        Ok(Flow::More)
    }
}

/// Scan a rotated set (a folder of testdata/s5/) through the model of a policy file.
fn scan_set(folder: &str, policy_file: &str) -> Vec<Row> {
    let text = std::fs::read_to_string(repo_path(policy_file)).unwrap();
    let policy = Policy::parse(&text).unwrap();
    let dir = repo_path(folder);
    let cli = Cli::try_parse_from(["kaudit", "summary", "-j", "2", dir.to_str().unwrap()]).unwrap();
    let Command::Summary(a) = cli.command else {
        unreachable!()
    };
    let env = Env {
        stdin_tty: false,
        stdout_tty: false,
        stderr_tty: false,
        no_color: true,
        term_dumb: false,
        columns: None,
        cores: 2,
    };
    let cfg = Config::new(&a.input, &a.filter, &a.output, &env).unwrap();
    let mut notes = Vec::new();
    let inputs = kaudit::input::expand(&a.input.paths, &mut notes).unwrap();
    let mut sink = Check {
        policy,
        rows: Vec::new(),
    };
    let stats = scan::Scan::new(&cfg)
        .run(&inputs, &Diag { quiet: true }, &mut sink)
        .unwrap();
    assert_eq!(stats.malformed, 0);
    sink.rows
}

fn scan_s6() -> Vec<Row> {
    scan_set("testdata/logrotate/", "testdata/logrotate/s6-policy.yaml")
}

/// Requests whose logged level or stages differ from the model's, described.
fn disagreements(rows: &[Row]) -> (Vec<&str>, Vec<String>) {
    let levels = rows
        .iter()
        .filter(|r| r.predicted.name() != r.logged)
        .map(|r| r.what.as_str())
        .collect();
    let stages = rows
        .iter()
        .filter(|r| r.stages != r.expected_stages)
        .map(|r| {
            format!(
                "{}: logged {}, predicted {}",
                r.what,
                r.stages.joined(),
                r.expected_stages.joined()
            )
        })
        .collect();
    (levels, stages)
}

fn answer_key() -> Value {
    let text = std::fs::read_to_string(repo_path("testdata/logrotate/s6-answer-key.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The model predicts the level the real server wrote for every one of the 3,914 requests,
/// and the stages it wrote for every one; no request falls to a level-None rule.
#[test]
fn s6_levels_and_stages_agree_with_the_server() {
    let rows = scan_s6();
    assert_eq!(rows.len(), 3914);
    let (bad_level, bad_stages) = disagreements(&rows);
    assert!(
        bad_level.is_empty(),
        "{} of {} levels differ, e.g. {:?}",
        bad_level.len(),
        rows.len(),
        &bad_level[..bad_level.len().min(10)]
    );
    assert!(
        bad_stages.is_empty(),
        "{} of {} stage sets differ, e.g. {:?}",
        bad_stages.len(),
        rows.len(),
        &bad_stages[..bad_stages.len().min(10)]
    );
    // by level, as s6-ANSWER-KEY.md counts events: Metadata=3260, Request=431, RequestResponse=296
    let mut events: BTreeMap<Level, usize> = BTreeMap::new();
    for r in &rows {
        *events.entry(r.predicted).or_default() += r.events;
    }
    assert_eq!(
        events,
        BTreeMap::from([
            (Level::Metadata, 3260),
            (Level::Request, 431),
            (Level::RequestResponse, 296)
        ])
    );
}

/// Events and requests per rule equal the answer key's, and so does the rule of every
/// request (`policy.simulated_rule_by_auditID`, from the key's own port of checker.go; rules
/// [7] and [8] write identical events, so for them the key is a simulation too).
#[test]
fn s6_rules_agree_with_the_answer_key() {
    let rows = scan_s6();
    let key = answer_key();
    let mut events: BTreeMap<String, u64> = BTreeMap::new();
    let mut requests: BTreeMap<String, u64> = BTreeMap::new();
    for r in &rows {
        let k = r.rule.map_or("none".to_string(), |i| i.to_string());
        *events.entry(k.clone()).or_default() += r.events as u64;
        *requests.entry(k).or_default() += 1;
    }
    let want_events: BTreeMap<String, u64> = key["policy"]["events_by_rule"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
        .filter(|(_, n)| *n > 0)
        .collect();
    assert_eq!(events, want_events);
    let want_requests: BTreeMap<String, u64> = key["policy"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["index"].to_string(), r["requests"].as_u64().unwrap()))
        .filter(|(_, n)| *n > 0)
        .collect();
    assert_eq!(requests, want_requests);
    // events per rule, written out: [2] 8, [3] 1,421, [4] 288, [5] 133, [6] 298, [7] 28, [8] 1,811
    assert_eq!(
        events.values().copied().collect::<Vec<_>>(),
        [8, 1421, 288, 133, 298, 28, 1811]
    );
    let by_id = key["policy"]["simulated_rule_by_auditID"]
        .as_object()
        .unwrap();
    assert_eq!(by_id.len(), rows.len());
    let differ: Vec<String> = rows
        .iter()
        .filter(|r| by_id[&r.audit_id].as_u64().map(|i| i as usize) != r.rule)
        .map(|r| format!("{} [{:?} vs key {}]", r.what, r.rule, by_id[&r.audit_id]))
        .collect();
    assert!(differ.is_empty(), "{} differ: {:?}", differ.len(), differ);
}

/// s5 (testdata/s5/, the same workload under one rule, RequestResponse with every stage): the
/// stages with RequestReceived kept, ResponseStarted for every long-running request, and the
/// 401's lone ResponseStarted. 4,254 requests, 8,585 events (s5-ANSWER-KEY.md).
#[test]
fn s5_levels_and_stages_agree_with_the_server() {
    let rows = scan_set("testdata/s5/", "testdata/s5-policy.yaml");
    assert_eq!(rows.len(), 4254);
    assert_eq!(rows.iter().map(|r| r.events).sum::<usize>(), 8585);
    let (bad_level, bad_stages) = disagreements(&rows);
    assert!(bad_level.is_empty(), "{bad_level:?}");
    assert!(bad_stages.is_empty(), "{bad_stages:?}");
    assert!(rows.iter().all(|r| r.rule == Some(0)));
}
