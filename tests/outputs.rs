//! Every query command's output pinned in every format (issue 18, point 7): the table at 80 and
//! 100 columns and `-o wide`, CSV, JSON and NDJSON, on small real logs of `testdata/` (one s5
//! backup file, the v1.36 log d1). Output code is about to move; these snapshots prove that a
//! move changes nothing it did not mean to. A change that means to alter output reviews the new
//! snapshots (`cargo insta review`) and commits them.

use serde_json::Value;

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
    (
        "policy_check",
        &["policy", "check", "testdata/s5-policy.yaml", W],
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
    // policy check's report for people
    ("text", "text", "80"),
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
    if r.code == 2 && r.stderr.contains("invalid value") {
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

/// The commands whose machine formats come from one typed row (`render::emit`).
const ONE_ROW_MODEL: &[&str] = &[
    "events", "timeline", "who", "what", "where", "top", "when", "detect", "latency", "history",
    "tokens",
];

/// The machine formats agree field for field: NDJSON's records are JSON's, and CSV has one
/// column per JSON field, named alike and in the same order, each cell the field's value as
/// `render/flat.rs` flattens it (said again here, independently).
#[test]
fn machine_formats_agree_field_for_field() {
    // other shapes of the same commands: flags that add or change fields
    let more: &[(&str, &[&str])] = &[
        ("events", &["events", "--bodies", "-v", "create", D1]),
        (
            "events",
            &["events", "--per-stage", "--bodies", "-r", "secrets", W],
        ),
        ("where", &["where", "--by", "user-agent", W]),
        ("what", &["what", "--by-object", "-k", "5", W]),
        (
            "top",
            &[
                "top",
                "--by",
                "verb,annotation:authorization.k8s.io/decision",
                D1,
            ],
        ),
    ];
    let all = COMMANDS.iter().filter(|(n, _)| ONE_ROW_MODEL.contains(n));
    for (name, args) in all.chain(more) {
        let json: Value = serde_json::from_str(&output(args, "json", "80").unwrap()).unwrap();
        // a document's records: detect's findings, latency's lists
        let json: Vec<Value> = match json {
            Value::Array(a) => a,
            doc if *name == "latency" => [
                "slowest",
                "byVerbResource",
                "longRunning",
                "byPhase",
                "incomplete",
            ]
            .iter()
            .flat_map(|l| doc[l].as_array().unwrap().clone())
            .collect(),
            doc if *name == "when" => doc["buckets"].as_array().unwrap().clone(),
            doc => doc["findings"].as_array().expect("records").clone(),
        };
        let ndjson: Vec<Value> = output(args, "ndjson", "80")
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(json, ndjson, "{name}: JSON and NDJSON");
        assert!(!json.is_empty(), "{name}: no rows to compare");
        // history: a CSV row per change, `changes` as `path`, `old`, `new`
        let json: Vec<Value> = if *name == "history" {
            json.iter().flat_map(per_change).collect()
        } else {
            json
        };
        let csv = output(args, "csv", "80").unwrap();
        let mut rows = csv::Reader::from_reader(csv.as_bytes());
        let header: Vec<String> = rows.headers().unwrap().iter().map(String::from).collect();
        let cells: Vec<Vec<String>> = rows
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        assert_eq!(cells.len(), json.len(), "{name}: CSV rows");
        for (record, row) in json.iter().zip(&cells) {
            // every field in its column, in the header's order; the header's other columns
            // (fields a record of another kind has) empty
            let fields = &expand(record, &header);
            let at: Vec<usize> = fields
                .keys()
                .map(|k| {
                    header
                        .iter()
                        .position(|h| h == k)
                        .expect("a column per field")
                })
                .collect();
            assert!(
                at.is_sorted(),
                "{name}: CSV header {header:?}, JSON {record}"
            );
            for (i, cell) in row.iter().enumerate() {
                assert!(at.contains(&i) || cell.is_empty(), "{name}: {}", header[i]);
            }
            for ((key, value), cell) in fields.iter().zip(at.iter().map(|&i| &row[i])) {
                let want = flat(value);
                let safe =
                    String::from_utf8(kaudit::render::csv::cell(want.as_bytes()).into_owned())
                        .unwrap();
                let pairs = value.as_object().map(|o| {
                    o.iter()
                        .map(|(k, v)| format!("{k}={}", flat(v)))
                        .collect::<Vec<_>>()
                        .join(";")
                });
                assert!(
                    *cell == safe || pairs.as_ref() == Some(cell),
                    "{name}: {key}: CSV {cell:?}, JSON {value}"
                );
            }
        }
    }
}

/// A record's fields as CSV has them: an object whose fields have columns of their own
/// (`issued.time`) spread over them (a `null` one too).
fn expand(record: &Value, header: &[String]) -> serde_json::Map<String, Value> {
    let mut out = serde_json::Map::new();
    for (k, v) in record.as_object().unwrap() {
        let prefix = format!("{k}.");
        let subs: Vec<&String> = header.iter().filter(|h| h.starts_with(&prefix)).collect();
        if subs.is_empty() {
            out.insert(k.clone(), v.clone());
            continue;
        }
        for h in subs {
            out.insert(h.clone(), v[&h[prefix.len()..]].clone());
        }
    }
    out
}

/// A history entry as its CSV rows: one per change (one with no change when it has none), the
/// change's `path`, `old` and `new` where the entry has `changes`; old and new values as JSON
/// text (a string keeps its quotes).
fn per_change(entry: &Value) -> Vec<Value> {
    let changes = entry["changes"].as_array().unwrap();
    let none = [Value::Null];
    let changes: &[Value] = if changes.is_empty() { &none } else { changes };
    changes
        .iter()
        .map(|c| {
            let mut row = serde_json::Map::new();
            for (k, v) in entry.as_object().unwrap() {
                if k != "changes" {
                    row.insert(k.clone(), v.clone());
                    continue;
                }
                let text = |v: &Value| match v {
                    Value::Null => Value::Null,
                    v => Value::String(kaudit::render::json::to_string(v)),
                };
                row.insert("path".into(), c["path"].clone());
                row.insert("old".into(), text(&c["old"]));
                row.insert("new".into(), text(&c["new"]));
            }
            // the patch as JSON text too
            row["patch"] = match &row["patch"] {
                Value::Null => Value::Null,
                p => Value::String(kaudit::render::json::to_string(p)),
            };
            Value::Object(row)
        })
        .collect()
}

/// A JSON value as one CSV cell: scalars as text, `null` empty, a list's items joined by `;`
/// (an object item's values joined by `=`), an object or anything deeper as JSON text.
fn flat(v: &Value) -> String {
    let scalar = |v: &Value| match v {
        Value::Null => Some(String::new()),
        Value::String(s) => Some(s.clone()),
        Value::Bool(_) | Value::Number(_) => Some(v.to_string()),
        _ => None,
    };
    let item = |v: &Value| match v {
        Value::Object(o) => o
            .values()
            .map(scalar)
            .collect::<Option<Vec<_>>>()
            .map(|v| v.join("=")),
        v => scalar(v),
    };
    let text = || kaudit::render::json::to_string(v);
    match v {
        Value::Array(a) => a
            .iter()
            .map(item)
            .collect::<Option<Vec<_>>>()
            .map_or_else(text, |v| v.join(";")),
        Value::Object(o) if o.is_empty() => String::new(),
        Value::Object(_) => text(),
        v => scalar(v).unwrap_or_default(),
    }
}
