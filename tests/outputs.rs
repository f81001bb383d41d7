//! Every query command's output pinned in every format (issue 18, point 7): the table at 80 and
//! 100 columns and `-o wide`, CSV, JSON and NDJSON, on small real logs of `testdata/` (one s5
//! backup file, the v1.36 log d1). Output code is about to move; these snapshots prove that a
//! move changes nothing it did not mean to. A change that means to alter output reviews the new
//! snapshots (`cargo insta review`) and commits them.

use crate::util::*;

/// One backup of the v1.20 s5 set (14:58:41..14:59:15, 409 requests): the payments configmap
/// deletions, a 401, impersonations, RBAC writes.
const W: &str = "testdata/s5/audit-2026-11-21T14-59-15.012.log.gz";
/// A rotated file of the v1.36 log d1 (tokens, dry runs, exec over WebSocket, PSA).
const D1: &str = "testdata/modern/d1/audit-2026-12-05T23-20-05.601.log.gz";

/// Each command, by a name for its snapshots, with arguments that keep its output short.
const COMMANDS: &[(&str, &[&str])] = &[
    ("summary", &["summary", W]),
    ("events", &["events", "-v", "write", "-n", "payments", W]),
    ("timeline", &["timeline", "-u", "eve", W]),
    ("who", &["who", "-k", "8", W]),
    ("what", &["what", "-k", "8", W]),
    ("where", &["where", "-k", "8", W]),
    ("top", &["top", "--by", "user,code", "-k", "8", W]),
    ("when", &["when", "--bucket", "5s", W]),
    ("latency", &["latency", W]),
    (
        "history",
        &[
            "history",
            "cm/feature-toggles",
            "-n",
            "staging",
            "testdata/s5/",
        ],
    ),
    ("detect", &["detect", W]),
    ("tokens", &["tokens", D1]),
    (
        "policy_simulate",
        &["policy", "simulate", "testdata/s5-policy.yaml", W],
    ),
];

/// The formats, by a name for the snapshots: `-o` and `COLUMNS`.
const FORMATS: &[(&str, &str, &str)] = &[
    ("table80", "table", "80"),
    ("table100", "table", "100"),
    ("wide", "wide", "200"),
    ("csv", "csv", "80"),
    ("json", "json", "80"),
    ("ndjson", "ndjson", "80"),
];

/// `kaudit ARGS -o FORMAT` with `COLUMNS` set; `None` when the command does not offer the format.
fn output(args: &[&str], format: &str, columns: &str) -> Option<String> {
    let mut a = args.to_vec();
    a.extend(["-o", format]);
    let out = kaudit()
        .args(&a)
        .env("COLUMNS", columns)
        .output()
        .expect("kaudit runs");
    let r = finish(out);
    if r.code == 2 && r.stderr.contains("not available") {
        return None;
    }
    assert!(
        r.code == 0 || r.code == 3,
        "{a:?}: exit {}\n{}",
        r.code,
        r.stderr
    );
    Some(r.stdout_str().to_string())
}

#[test]
fn every_command_in_every_format() {
    let mut pinned = 0;
    for (name, args) in COMMANDS {
        for (fmt, o, columns) in FORMATS {
            if let Some(text) = output(args, o, columns) {
                insta::assert_snapshot!(format!("{name}_{fmt}"), text);
                pinned += 1;
            }
        }
    }
    // every command has its table and its JSON at least
    assert!(pinned >= COMMANDS.len() * 3, "{pinned}");
}
