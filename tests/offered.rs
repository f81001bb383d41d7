//! What help, the man page and completions offer is accepted: every visible flag of every
//! command, and every value it lists (formats, enums, suggested verbs and resources), runs on a
//! real log without a usage error. The flags are read from the command line's own definition
//! (the one help, man and completions are made from), so a new flag is tested the day it is
//! added; a flag that takes a free value needs a sample below, or this test names it.

use clap::CommandFactory;
use kaudit::cli::Cli;

use crate::util::run;

/// A small real log (37 events of audit2rbac's public demo, audit.k8s.io/v1): each of the
/// several hundred runs reads it in a few milliseconds, even in a debug build.
const LOG: &str = "testdata/public/audit2rbac/demo-2022-relabelled-v1.log";

/// The words a command needs after its flags: its positionals (`log`, the input).
fn positionals<'a>(path: &[&str], log: &'a str) -> Vec<&'a str> {
    match path {
        ["history"] => vec!["cm/feature-toggles", log],
        ["policy", "check"] | ["policy", "simulate"] => vec!["testdata/s5-policy.yaml", log],
        _ => vec![log],
    }
}

/// A real log of the form `--input-format` names (the others: `LOG`).
fn input(flag: &str, value: &str) -> &'static str {
    match (flag, value) {
        ("--input-format", "gke") => "testdata/formats/gke-khi.json",
        ("--input-format", "aks") => "testdata/formats/aks-eventhub.jsonl",
        ("--input-format", "eks") => "testdata/formats/eks-cloudwatch.json",
        ("--input-format", "json") => "testdata/formats/eventlist.json",
        _ => LOG,
    }
}

/// A value for each flag that takes a free one (not a list of possible values).
fn sample(long: &str) -> Option<&'static [&'static str]> {
    Some(match long {
        "user" => &["eve"],
        "group" => &["system:masters"],
        "verb" => &["get,list"],
        "resource" => &["configmaps"],
        "namespace" => &["payments"],
        "name" => &["feature-*"],
        "audit-id" => &["06b22a48-0f8f-4ff3-934f-4538a567ad8d"],
        "code" => &["4xx"],
        "ip" => &["127.0.0.0/8"],
        "user-agent" => &["kubectl*"],
        "uri" => &["/api/.*"],
        // (inside the log's span: a window outside it is an error, and says so)
        "since" | "since-time" => &["2017-09-11T20:00:00Z"],
        "until" | "until-time" => &["2017-09-11T20:10:00Z"],
        "annotation" => &["authorization.k8s.io/decision=allow"],
        "field-manager" => &["kubectl*"],
        "decision" => &["allow", "forbid"],
        "level" => &["Metadata", "RequestResponse"],
        "stage" => &["ResponseComplete", "RequestReceived"],
        "cluster" => &["prod"],
        "threads" => &["1"],
        "max-gzip-ratio" => &["50"],
        "max-open-memory" | "sort-memory" => &["64M"],
        "limit" => &["0", "3"],
        "by" => &["user,verb"],
        "bucket" => &["1m"],
        "context" => &["2s"],
        "rules-file" => &["tests/detect/custom.yaml"],
        "check-rules" => &["tests/detect/custom.yaml"],
        "rules" | "skip" => &["KA016"],
        "threshold" => &["KA026=3/1m"],
        "max-evidence" | "max-rule-hits" => &["5"],
        _ => return None,
    })
}

/// Flags that only make sense with another one, and that other one (as help says).
fn partner(path: &[&str], long: &str) -> &'static [&'static str] {
    match (path, long) {
        // bodies are for the machine formats (a table is an error, as documented)
        (["events"], "bodies") => &["-o", "json"],
        // with no rules of its own there is nothing to run (an error that says so)
        (["detect"], "no-builtin") => &["--rules-file", "tests/detect/custom.yaml"],
        _ => &[],
    }
}

/// Every leaf command: its path of names and its definition.
fn leaves(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<(Vec<String>, clap::Command)>) {
    if cmd.has_subcommands() {
        for s in cmd.get_subcommands() {
            let mut p = path.clone();
            p.push(s.get_name().to_string());
            leaves(s, p, out);
        }
    } else {
        out.push((path, cmd.clone()));
    }
}

#[test]
fn every_offered_flag_and_value_is_accepted() {
    let mut all = Vec::new();
    leaves(&Cli::command(), Vec::new(), &mut all);
    let mut missing = Vec::new();
    let mut refused = Vec::new();
    let mut runs = 0;
    for (path, cmd) in &all {
        let path: Vec<&str> = path.iter().map(String::as_str).collect();
        if matches!(path[..], ["completions"] | ["man"]) {
            continue;
        }
        for arg in cmd.get_arguments() {
            if arg.is_hide_set() || arg.is_positional() {
                continue;
            }
            let Some(long) = arg.get_long() else { continue };
            if matches!(long, "help" | "version") {
                continue;
            }
            let flag = format!("--{long}");
            let values: Vec<String> = if !arg.get_action().takes_values() {
                vec![String::new()]
            } else {
                let possible: Vec<String> = arg
                    .get_possible_values()
                    .iter()
                    .filter(|v| !v.is_hide_set())
                    .map(|v| v.get_name().to_string())
                    .collect();
                if !possible.is_empty() {
                    possible
                } else if let Some(s) = sample(long) {
                    s.iter().map(|s| s.to_string()).collect()
                } else {
                    missing.push(format!("{} {flag}", path.join(" ")));
                    continue;
                }
            };
            for v in values {
                let mut args: Vec<String> = path.iter().map(|s| s.to_string()).collect();
                args.push(flag.clone());
                if !v.is_empty() {
                    args.push(v.clone());
                }
                args.extend(partner(&path, long).iter().map(|s| s.to_string()));
                // the flags the command requires (top's --by), unless this is one
                for req in cmd
                    .get_arguments()
                    .filter(|a| a.is_required_set() && !a.is_positional())
                {
                    let Some(l) = req.get_long().filter(|l| *l != long) else {
                        continue;
                    };
                    let value = sample(l).unwrap_or_else(|| panic!("--{l}: required, no sample"));
                    args.extend([format!("--{l}"), value[0].to_string()]);
                }
                args.extend(
                    positionals(&path, input(&flag, &v))
                        .iter()
                        .map(|s| s.to_string()),
                );
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                let r = run(&args);
                runs += 1;
                // 0 (an answer), 1 (no match), 3 (detect's findings at --fail-on): accepted
                if r.code == 2 || r.stderr.contains("error") {
                    refused.push(format!(
                        "kaudit {}: exit {}: {}",
                        args.join(" "),
                        r.code,
                        r.stderr.lines().next().unwrap_or("")
                    ));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "flags with no sample value (add one to `sample`): {missing:#?}"
    );
    assert!(refused.is_empty(), "refused: {refused:#?}");
    // the walk reached the commands and their flags
    assert!(runs > 300, "{runs} runs");
}

/// Every format each command's help lists is one it writes (the format walk above runs them;
/// here the ones help must not offer: raw is events' alone).
#[test]
fn only_events_offers_raw() {
    let mut all = Vec::new();
    leaves(&Cli::command(), Vec::new(), &mut all);
    for (path, cmd) in &all {
        let Some(o) = cmd.get_arguments().find(|a| a.get_long() == Some("output")) else {
            continue;
        };
        let raw = o
            .get_possible_values()
            .iter()
            .any(|v| v.get_name() == "raw");
        assert_eq!(raw, path == &["events"], "{path:?}");
    }
}

/// `-k N` means one thing everywhere: at most N rows in each table or list, `-k 0` all of them.
#[test]
fn limit_has_one_meaning() {
    let lines = |args: &[&str]| -> usize {
        let r = run(args);
        assert!(r.code == 0, "{args:?}: {}", r.stderr);
        r.stdout_str().lines().count()
    };
    let s5 = "testdata/s5/";
    for cmd in [
        &["events"][..],
        &["who"][..],
        &["what"][..],
        &["where", "--by", "user-agent"][..],
        &["top", "--by", "user,verb"][..],
        &["detect"][..],
        &["timeline"][..],
        &["history", "cm/feature-toggles", "-n", "staging"][..],
    ] {
        let with = |k: &[&str]| {
            let mut a = cmd.to_vec();
            a.extend(k);
            a.extend(["-o", "ndjson", s5]);
            if cmd[0] == "timeline" {
                // timeline has no ndjson: count its lines without the date lines
                a.retain(|w| *w != "-o" && *w != "ndjson");
                a.insert(1, "--no-headers");
            }
            lines(&a)
        };
        let all = with(&["-k", "0"]);
        assert!(all > 3, "{cmd:?}: {all} rows");
        if cmd[0] != "top" {
            assert_eq!(with(&[]), all, "{cmd:?}: the default is all");
        }
        assert_eq!(with(&["-k", "2"]), 2, "{cmd:?} -k 2");
        assert_eq!(with(&["-k", &(all + 5).to_string()]), all, "{cmd:?}");
    }
    // top and summary: 20 and 10 by default, all with 0
    let json = |args: &[&str]| -> serde_json::Value {
        serde_json::from_slice(&run(args).expect_code(0).stdout).expect("JSON")
    };
    let users = |k: &[&str]| {
        let mut a = vec!["summary", "-o", "json"];
        a.extend(k);
        a.push(s5);
        json(&a)["topUsers"].as_array().expect("a list").len()
    };
    assert_eq!(users(&[]), 10);
    assert_eq!(users(&["-k", "3"]), 3);
    assert!(users(&["-k", "0"]) > 10);
    // latency: each list at most N
    let lat = json(&["latency", "-o", "json", "-k", "2", s5]);
    for list in ["slowest", "byVerbResource", "longRunning", "incomplete"] {
        let n = lat[list].as_array().expect("a list").len();
        assert!(n <= 2, "{list}: {n}");
    }
    assert_eq!(lat["slowest"].as_array().map(Vec::len), Some(2));
    let all = json(&["latency", "-o", "json", "-k", "0", s5]);
    assert_eq!(
        all["slowest"].as_array().map(Vec::len),
        Some(
            (all["requests"].as_u64().unwrap()
                - all["incomplete"].as_array().unwrap().len() as u64
                - all["longRunning"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p["requests"].as_u64().unwrap())
                    .sum::<u64>()) as usize
        ),
        "-k 0: every request that has a latency"
    );
    // when draws every bucket: it takes no -k
    run(&["when", "-k", "3", s5]).expect_code(2);
}

/// The man page has a page for every page it links (kaudit-policy links kaudit-policy-check).
#[test]
fn man_links_only_pages_it_has() {
    let man = run(&["man"]).expect_code(0).stdout_str().to_string();
    let pages: Vec<&str> = man
        .lines()
        .filter_map(|l| l.strip_prefix(".TH "))
        .filter_map(|l| l.split(' ').next())
        .collect();
    let links = regex::Regex::new(r"(kaudit(?:\\-[a-z]+)+)\(1\)").expect("a regex");
    let mut linked = 0;
    for c in links.captures_iter(&man) {
        let page = c[1].replace("\\-", "-");
        assert!(
            pages.contains(&page.as_str()),
            "{page} is linked, not written"
        );
        linked += 1;
    }
    assert!(
        linked >= 2 && pages.contains(&"kaudit-policy-simulate"),
        "{pages:?}"
    );
}
