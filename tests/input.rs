//! Reading input: rotated sets and their order, gzip (files and stdin), stdin, public samples of
//! other apiserver versions, every file of testdata/edge/ (EXPECTED.md), bad paths, and
//! byte-identical output whatever the thread count and chunk size.

use serde_json::{Value, json};

use crate::util::{
    S5, by_id, count_by, counts, events, kaudit_std, log_lines, read_log, repo_path, run,
    run_stdin, s, summary,
};

// ---------------------------------------------------------------- rotated sets

/// testdata/logrotate/EXPECTED.md (s6 policy: RequestReceived omitted).
#[test]
fn logrotate_set_in_rotation_order() {
    let r = run(&["summary", "-o", "json", "testdata/logrotate/"]).expect_code(0);
    // the folder's other files are read by content, and named
    assert_eq!(
        r.stderr,
        "kaudit: note: testdata/logrotate/EXPECTED.md: skipped: not JSON\n\
         kaudit: note: testdata/logrotate/expected.py: skipped: not JSON\n\
         kaudit: note: testdata/logrotate/s6-ANSWER-KEY.md: skipped: not JSON\n\
         kaudit: note: testdata/logrotate/s6-answer-key.json: skipped: JSON, but not audit events\n\
         kaudit: note: testdata/logrotate/s6-policy.yaml: skipped: not JSON\n"
    );
    let d: Value = serde_json::from_slice(&r.stdout).unwrap();
    let files = d["files"].as_array().unwrap();
    // name, bytes on disk, lines/events, first and last stageTimestamp ("Files" table).
    let expected = [
        (
            "testdata/logrotate/audit.log.3.gz",
            62426,
            1060,
            "2026-11-21T15:04:12.080076Z",
            "2026-11-21T15:04:39.004941Z",
        ),
        (
            "testdata/logrotate/audit.log.2.gz",
            65270,
            1069,
            "2026-11-21T15:04:39.007774Z",
            "2026-11-21T15:06:48.113427Z",
        ),
        (
            "testdata/logrotate/audit.log.1",
            1048001,
            1327,
            "2026-11-21T15:06:48.115129Z",
            "2026-11-21T15:06:50.255416Z",
        ),
        (
            "testdata/logrotate/audit.log",
            464322,
            531,
            "2026-11-21T15:06:50.256865Z",
            "2026-11-21T15:06:57.691503Z",
        ),
    ];
    assert_eq!(files.len(), 4);
    for (f, (name, bytes, lines, first, last)) in files.iter().zip(expected) {
        assert_eq!(f["name"], name);
        assert_eq!(f["bytes"], bytes, "{name}");
        assert_eq!(f["lines"], lines, "{name}");
        assert_eq!(f["events"], lines, "{name}");
        assert_eq!(f["first"], first, "{name}");
        assert_eq!(f["last"], last, "{name}");
    }
    // "Totals (whole set)".
    assert_eq!(d["lines"], 3987);
    assert_eq!(d["events"], 3987);
    assert_eq!(d["malformed"], 0);
    assert_eq!(d["skipped"], 0);
    assert_eq!(
        d["stages"],
        json!({"RequestReceived": 0, "ResponseStarted": 74, "ResponseComplete": 3913, "Panic": 0})
    );
    assert_eq!(d["requests"], 3914);
    // The one key without ResponseComplete is the failed authentication (python: user {}, code
    // 401), which is a complete request.
    assert_eq!(d["incomplete"], 0);
    // 73 RS+RC, plus what the policy logged without ResponseStarted but the API server holds
    // open: 3 watches, carol's exec and eve's logs (s6-ANSWER-KEY.md: stages ['ResponseComplete']).
    // The RS-only 401 is a failed authentication, not a long-running request.
    assert_eq!(d["longRunning"], 78, "73 RS+RC + 3 watches + exec + log");
    assert_eq!(d["last"], "2026-11-21T15:06:57.691503Z");
    // python: events by level.
    assert_eq!(
        d["levels"],
        json!({"Metadata": 3260, "Request": 431, "RequestResponse": 296})
    );

    let four01 = events(&["--code", "401", "testdata/logrotate/"]);
    assert_eq!(four01.len(), 1);
    assert_eq!(four01[0]["auditID"], "a17a3a07-87e6-43bf-8cdb-afb4acb9d492");
    assert_eq!(four01[0]["received"], "2026-11-21T15:05:05.197419Z");
    assert_eq!(four01[0]["stages"], json!(["ResponseStarted"]));
    assert_eq!(four01[0]["incomplete"], false);
    assert_eq!(four01[0]["file"], "testdata/logrotate/audit.log.2.gz");
}

#[test]
fn a_folder_is_its_rotated_set_and_files_can_be_listed() {
    // The same set named file by file, oldest first, gives the same answer as the folder.
    let by_files = run(&[
        "summary",
        "-o",
        "json",
        "testdata/logrotate/audit.log.3.gz",
        "testdata/logrotate/audit.log.2.gz",
        "testdata/logrotate/audit.log.1",
        "testdata/logrotate/audit.log",
    ])
    .expect_code(0);
    let by_folder = run(&["summary", "-o", "json", "testdata/logrotate/"]).expect_code(0);
    assert_eq!(by_files.stdout_str(), by_folder.stdout_str());
}

// ---------------------------------------------------------------- folders, walked

/// The `: skipped: ` notes of a run, in order.
fn skip_notes(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.contains(": skipped: "))
        .collect()
}

/// The names of the files a `summary -o json` read, in order.
fn file_names(d: &Value) -> Vec<String> {
    d["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect()
}

/// Issue 17, point 10: `kaudit summary testdata/formats/` read 3 of 16 files. Every export is
/// now read, whatever its name, with the per-file counts of EXPECTED.json (computed without
/// kaudit by make_formats.py), and the two files that are not audit data are named.
#[test]
fn a_folder_reads_every_export_by_content() {
    let r = run(&["summary", "-o", "json", "testdata/formats/"]).expect_code(0);
    let d: Value = serde_json::from_slice(&r.stdout).unwrap();
    let text = std::fs::read_to_string(repo_path("testdata/formats/EXPECTED.json")).unwrap();
    let exp: Value = serde_json::from_str(&text).unwrap();
    let exp = exp.as_object().unwrap();
    let mut names = file_names(&d);
    assert_eq!(names.len(), 14, "{names:?}");
    names.sort();
    let want: Vec<String> = exp
        .keys()
        .map(|k| format!("testdata/formats/{k}"))
        .collect();
    assert_eq!(names, want);
    let mut sums = [0u64; 4];
    for f in d["files"].as_array().unwrap() {
        let key = f["name"]
            .as_str()
            .unwrap()
            .trim_start_matches("testdata/formats/");
        assert_eq!(f["events"], exp[key]["events"], "{key}");
        assert_eq!(f["records"], exp[key]["records"], "{key}");
        assert!(f["error"].is_null(), "{key}");
    }
    for want in exp.values() {
        for (i, k) in ["records", "events", "skipped", "malformed"]
            .iter()
            .enumerate()
        {
            sums[i] += want[k].as_u64().unwrap();
        }
    }
    for (i, k) in ["records", "events", "skipped", "malformed"]
        .iter()
        .enumerate()
    {
        assert_eq!(d[k], sums[i], "{k}");
    }
    assert_eq!(
        skip_notes(&r.stderr),
        [
            "kaudit: note: testdata/formats/EXPECTED.json: skipped: JSON, but not audit events",
            "kaudit: note: testdata/formats/make_formats.py: skipped: not JSON",
        ]
    );
    // the same, whatever the thread count
    let one = run(&["summary", "-o", "json", "-j", "1", "testdata/formats/"]).expect_code(0);
    assert_eq!(one.stdout_str(), r.stdout_str());
    assert_eq!(one.stderr, r.stderr);
}

/// A v1.36 capture folder: its rotated set is read (oldest first), as when its logs are named,
/// and the answer key, policy and steps beside it are named as skipped.
#[test]
fn a_capture_folder_reads_its_logs_and_names_the_rest() {
    let r = run(&["summary", "-o", "json", "testdata/modern/d1/"]).expect_code(0);
    assert_eq!(
        skip_notes(&r.stderr),
        [
            "kaudit: note: testdata/modern/d1/ANSWER-KEY.md: skipped: not JSON",
            "kaudit: note: testdata/modern/d1/answer-key.json.gz: skipped: JSON, but not audit events",
            "kaudit: note: testdata/modern/d1/policy.yaml: skipped: not JSON",
            "kaudit: note: testdata/modern/d1/steps.tsv: skipped: not JSON",
        ]
    );
    assert_eq!(r.stderr.lines().count(), 4, "{}", r.stderr);
    let d: Value = serde_json::from_slice(&r.stdout).unwrap();
    let names = file_names(&d);
    assert_eq!(names.len(), 9);
    assert!(
        names[..8].iter().all(|n| n.ends_with(".log.gz")),
        "{names:?}"
    );
    assert_eq!(names[8], "testdata/modern/d1/audit.log");
    // the logs named one by one, newest first as a shell might: the same answer
    let mut args = vec!["summary", "-o", "json"];
    args.extend(names.iter().rev().map(String::as_str));
    let named = run(&args).expect_code(0);
    assert_eq!(named.stdout_str(), r.stdout_str());
    assert_eq!(named.stderr, "");
    assert_eq!(d["requests"], 3159);
}

/// A tree of real logs and exports in subfolders, named as they come (no extension,
/// `.ndjson`, a gzip JSON document), beside text that is not audit data: read whole, each
/// folder's files first then its subfolders in name order, with the counts of the files read
/// one by one; the same bytes with one thread and with the default.
#[test]
fn a_folder_is_walked_recursively() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let put = |rel: &str, bytes: &[u8]| {
        let p = d.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    };
    let copy = |from: &str, rel: &str| put(rel, &std::fs::read(repo_path(from)).unwrap());
    copy("testdata/logrotate/audit.log.3.gz", "a/audit.log.3.gz");
    copy("testdata/logrotate/audit.log.2.gz", "a/audit.log.2.gz");
    copy("testdata/logrotate/audit.log.1", "a/audit.log.1");
    copy("testdata/logrotate/audit.log", "a/audit.log");
    copy("testdata/logrotate/s6-policy.yaml", "a/policy.yaml");
    copy("testdata/formats/eventlist.json", "b/deeper/eventlist");
    copy(
        "testdata/formats/aks-eventhub.jsonl",
        "b/deeper/records.ndjson",
    );
    let cloudwatch = std::fs::read(repo_path("testdata/formats/eks-cloudwatch.json")).unwrap();
    put("b/export.json.gz", &gz(&cloudwatch));
    copy("testdata/formats/gke-khi.json", "top-level.json");
    put("b/deeper/notes.txt", b"kubectl get pods\n");
    put(".git/HEAD", b"ref: refs/heads/main\n");
    let root = d.to_str().unwrap();
    let r = run(&["summary", "-o", "json", root]).expect_code(0);
    let doc: Value = serde_json::from_slice(&r.stdout).unwrap();
    let rel: Vec<String> = file_names(&doc)
        .iter()
        .map(|n| {
            n.trim_start_matches(root)
                .trim_start_matches('/')
                .to_string()
        })
        .collect();
    assert_eq!(
        rel,
        [
            "top-level.json",
            "a/audit.log.3.gz",
            "a/audit.log.2.gz",
            "a/audit.log.1",
            "a/audit.log",
            "b/export.json.gz",
            "b/deeper/eventlist",
            "b/deeper/records.ndjson",
        ]
    );
    let at = |rel: &str| d.join(rel).display().to_string();
    assert_eq!(
        skip_notes(&r.stderr),
        [
            format!("kaudit: note: {}: skipped: not JSON", at("a/policy.yaml")),
            format!(
                "kaudit: note: {}: skipped: not JSON",
                at("b/deeper/notes.txt")
            ),
        ]
    );
    assert!(
        r.stderr.contains(&format!(
            "kaudit: note: {root}: skipped 1 hidden entry (name starting with '.'): .git/\n"
        )),
        "{}",
        r.stderr
    );
    // each file read alone: the counts add up
    let mut events = 0;
    let mut records = 0;
    for f in &rel {
        let one = summary(&[&at(f)]);
        events += one["events"].as_u64().unwrap();
        records += one["records"].as_u64().unwrap();
    }
    assert_eq!(doc["events"], events);
    assert_eq!(doc["records"], records);
    let one = run(&["summary", "-o", "json", "-j", "1", root]).expect_code(0);
    assert_eq!(one.stdout_str(), r.stdout_str());
}

/// A folder in which nothing is audit data is an error that names what was looked at.
#[test]
fn a_folder_of_no_audit_data_names_what_it_looked_at() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("sub/.git")).unwrap();
    std::fs::copy(
        repo_path("testdata/s5-answer-key.json"),
        d.join("sub/answer-key.json"),
    )
    .unwrap();
    std::fs::copy(repo_path("testdata/s5-policy.yaml"), d.join("policy.yaml")).unwrap();
    let r = run(&["summary", d.to_str().unwrap()]).expect_code(2);
    let p = d.display();
    assert_eq!(
        r.stderr,
        format!(
            "kaudit: error: {p}: no audit logs in this folder or its subfolders (2 files in 2 folders looked at, by content: none holds audit events; skipped 1 hidden entry: sub/.git/):\n  \
             {p}/policy.yaml: not JSON\n  \
             {p}/sub/answer-key.json: JSON, but not audit events\n"
        )
    );
    assert!(r.stdout.is_empty());
}

/// gzip, for building inputs.
fn gz(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// An OpenShift must-gather, laid out as `gather_audit_logs` writes it
/// (openshift/must-gather `collection-scripts/gather_audit_logs`: each master's
/// `/var/log/<server>/<file>` saved as `audit_logs/<server>/<node>-<file>.gz`, and a
/// `<server>.audit_logs_listing` of what was listed), from real logs: the v1.36 sets of
/// testdata/modern/ as two kube-apiserver nodes, and OpenShift's own kube-, openshift- and
/// oauth-apiserver events (testdata/public/openshift-clo/raw_audit_*.json, one line each).
/// Returns the temp dir and the must-gather's root.
fn must_gather() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("must-gather.local.5187209841264358813");
    let image = root.join(
        "quay-io-openshift-release-dev-ocp-v4-0-art-dev-sha256-0c2d8a3e5e0a5d1e9a0c6c7f0b3a5f4c",
    );
    let logs = image.join("audit_logs");
    let put = |p: std::path::PathBuf, bytes: &[u8]| {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    };
    put(
        root.join("timestamp"),
        b"2026-12-06 12:00:00.000000000 +0000 UTC m=+0.01\n",
    );
    put(image.join("version"), b"openshift/must-gather\n4.21.0\n");
    let kas = logs.join("kube-apiserver");
    let mut listing = String::new();
    for (node, set) in [
        ("ip-10-0-1-2.ec2.internal", "testdata/modern/d1"),
        ("ip-10-0-3-4.ec2.internal", "testdata/modern/d2"),
    ] {
        for e in std::fs::read_dir(repo_path(set)).unwrap() {
            let name = e.unwrap().file_name().into_string().unwrap();
            if let Some(log) = name.strip_suffix(".gz")
                && name.starts_with("audit-")
            {
                put(
                    kas.join(format!("{node}-{name}")),
                    &std::fs::read(repo_path(&format!("{set}/{name}"))).unwrap(),
                );
                listing.push_str(&format!("{node} {log}\n"));
            }
        }
        put(
            kas.join(format!("{node}-audit.log.gz")),
            &gz(&std::fs::read(repo_path(&format!("{set}/audit.log"))).unwrap()),
        );
        listing.push_str(&format!("{node} audit.log\n{node} termination.log\n"));
        put(
            kas.join(format!("{node}-termination.log.gz")),
            &gz(b"I1205 23:19:35.000000       1 main.go:200] received signal to terminate\n"),
        );
    }
    put(
        logs.join("kube-apiserver.audit_logs_listing"),
        listing.as_bytes(),
    );
    for (server, sample) in [
        ("kube-apiserver", "raw_audit_kubernetes.json"),
        ("openshift-apiserver", "raw_audit_openshift.json"),
        ("oauth-apiserver", "raw_audit_oauth-apiserver.json"),
    ] {
        let pretty = std::fs::read(repo_path(&format!(
            "testdata/public/openshift-clo/{sample}"
        )))
        .unwrap();
        let mut line = kaudit::input::document::minify(&pretty);
        line.push(b'\n');
        let node = if server == "kube-apiserver" {
            "ip-10-0-5-6.ec2.internal"
        } else {
            "ip-10-0-1-2.ec2.internal"
        };
        put(
            logs.join(server).join(format!("{node}-audit.log.gz")),
            &gz(&line),
        );
        if server != "kube-apiserver" {
            put(
                logs.join(format!("{server}.audit_logs_listing")),
                format!("{node} audit.log\n").as_bytes(),
            );
        }
    }
    (dir, root)
}

/// A must-gather is read whole: every API server's and node's set, each oldest first, as the
/// same files named one by one (every request counted, in the same order), and what is not
/// audit data (listings, termination logs, version, timestamp) is named.
#[test]
fn a_must_gather_is_read_whole() {
    let (_dir, root) = must_gather();
    let r = run(&["summary", "-o", "json", root.to_str().unwrap()]).expect_code(0);
    let d: Value = serde_json::from_slice(&r.stdout).unwrap();
    let names = file_names(&d);
    // 9 + 4 from testdata/modern, and the 3 OpenShift samples
    assert_eq!(names.len(), 16, "{names:?}");
    let short: Vec<String> = names
        .iter()
        .map(|n| {
            let (dir, file) = n.rsplit_once('/').unwrap();
            format!("{}/{file}", dir.rsplit_once('/').unwrap().1)
        })
        .collect();
    assert_eq!(
        short[..10],
        [
            "kube-apiserver/ip-10-0-1-2.ec2.internal-audit-2026-12-05T23-19-37.033.log.gz",
            "kube-apiserver/ip-10-0-1-2.ec2.internal-audit-2026-12-05T23-19-42.081.log.gz",
            "kube-apiserver/ip-10-0-1-2.ec2.internal-audit-2026-12-05T23-20-05.601.log.gz",
            "kube-apiserver/ip-10-0-1-2.ec2.internal-audit-2026-12-05T23-20-50.781.log.gz",
            "kube-apiserver/ip-10-0-1-2.ec2.internal-audit-2026-12-05T23-20-51.219.log.gz",
            "kube-apiserver/ip-10-0-1-2.ec2.internal-audit-2026-12-05T23-20-51.657.log.gz",
            "kube-apiserver/ip-10-0-1-2.ec2.internal-audit-2026-12-05T23-20-52.151.log.gz",
            "kube-apiserver/ip-10-0-1-2.ec2.internal-audit-2026-12-05T23-20-52.868.log.gz",
            "kube-apiserver/ip-10-0-1-2.ec2.internal-audit.log.gz",
            "kube-apiserver/ip-10-0-3-4.ec2.internal-audit-2026-12-05T23-25-54.998.log.gz",
        ]
    );
    assert_eq!(
        short[12..],
        [
            "kube-apiserver/ip-10-0-3-4.ec2.internal-audit.log.gz",
            "kube-apiserver/ip-10-0-5-6.ec2.internal-audit.log.gz",
            "oauth-apiserver/ip-10-0-1-2.ec2.internal-audit.log.gz",
            "openshift-apiserver/ip-10-0-1-2.ec2.internal-audit.log.gz",
        ]
    );
    // the files named one by one (as `find -name '*audit*.log.gz'` might list them)
    let mut shuffled = names.clone();
    shuffled.sort_by(|a, b| b.cmp(a));
    let mut args = vec!["summary", "-o", "json"];
    args.extend(shuffled.iter().map(String::as_str));
    let named = run(&args).expect_code(0);
    assert_eq!(named.stdout_str(), r.stdout_str());
    // every request of each set, and one per sample
    let d1 = summary(&["testdata/modern/d1/"])["requests"]
        .as_u64()
        .unwrap();
    let d2 = summary(&["testdata/modern/d2/"])["requests"]
        .as_u64()
        .unwrap();
    assert_eq!(d["requests"], d1 + d2 + 3);
    let skipped: Vec<String> = skip_notes(&r.stderr)
        .iter()
        .map(|l| {
            let l = l.trim_start_matches("kaudit: note: ");
            let l = l.strip_prefix(root.to_str().unwrap()).unwrap();
            l.rsplit_once('/').unwrap().1.to_string()
        })
        .collect();
    assert_eq!(
        skipped,
        [
            "timestamp: skipped: not JSON",
            "version: skipped: not JSON",
            "kube-apiserver.audit_logs_listing: skipped: not JSON",
            "oauth-apiserver.audit_logs_listing: skipped: not JSON",
            "openshift-apiserver.audit_logs_listing: skipped: not JSON",
            "ip-10-0-1-2.ec2.internal-termination.log.gz: skipped: not JSON",
            "ip-10-0-3-4.ec2.internal-termination.log.gz: skipped: not JSON",
        ]
    );
    let one = run(&["summary", "-o", "json", "-j", "1", root.to_str().unwrap()]).expect_code(0);
    assert_eq!(one.stdout_str(), r.stdout_str());
}

/// Every request of a must-gather says which API server and node wrote it (`SERVER/NODE`, from
/// its file's path): `top --by apiserver`, and the `apiserver` field of `events`.
#[test]
fn a_must_gather_names_each_requests_api_server() {
    let (_dir, root) = must_gather();
    let root = root.to_str().unwrap();
    let r = run(&["top", "--by", "apiserver", "-o", "csv", root]).expect_code(0);
    let (_, rows) = crate::util::csv(&r.stdout);
    let got: Vec<(&str, &str)> = rows.iter().map(|r| (&*r[0], &*r[1])).collect();
    let d1 = summary(&["testdata/modern/d1/"])["requests"].to_string();
    let d2 = summary(&["testdata/modern/d2/"])["requests"].to_string();
    assert_eq!(
        got,
        [
            ("kube-apiserver/ip-10-0-1-2.ec2.internal", &*d1),
            ("kube-apiserver/ip-10-0-3-4.ec2.internal", &*d2),
            ("kube-apiserver/ip-10-0-5-6.ec2.internal", "1"),
            ("oauth-apiserver/ip-10-0-1-2.ec2.internal", "1"),
            ("openshift-apiserver/ip-10-0-1-2.ec2.internal", "1"),
        ]
    );
    let rows = events(&["-u", "system:aggregator", root]);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0]["apiserver"],
        "openshift-apiserver/ip-10-0-1-2.ec2.internal"
    );
    assert_eq!(rows[0]["cluster"], Value::Null);
    // named as one cluster, the API servers stay
    let named = format!("ocp-prod={root}");
    let rows = events(&["-u", "system:aggregator", "--cluster", &named, root]);
    assert_eq!(rows[0]["cluster"], "ocp-prod");
    assert_eq!(
        rows[0]["apiserver"],
        "openshift-apiserver/ip-10-0-1-2.ec2.internal"
    );
}

/// Each input of a must-gather knows its API server and node (`InputFile::origin`), from its
/// path; files elsewhere have none.
#[test]
fn a_must_gather_records_each_files_server_and_node() {
    let (_dir, root) = must_gather();
    let mut notes = Vec::new();
    let inputs = kaudit::input::expand(&[root], &mut notes).unwrap();
    let got: Vec<(String, String)> = inputs
        .iter()
        .map(|i| {
            (
                i.origin.apiserver.clone().unwrap(),
                i.origin.node.clone().unwrap(),
            )
        })
        .collect();
    let at = |s: &str, n: &str| (s.to_string(), n.to_string());
    let mut want = vec![at("kube-apiserver", "ip-10-0-1-2.ec2.internal"); 9];
    want.extend(vec![at("kube-apiserver", "ip-10-0-3-4.ec2.internal"); 4]);
    want.push(at("kube-apiserver", "ip-10-0-5-6.ec2.internal"));
    want.push(at("oauth-apiserver", "ip-10-0-1-2.ec2.internal"));
    want.push(at("openshift-apiserver", "ip-10-0-1-2.ec2.internal"));
    assert_eq!(got, want);
    assert_eq!(notes.len(), 7, "{notes:?}");
    let plain = kaudit::input::expand(&[repo_path("testdata/s5/")], &mut notes).unwrap();
    assert!(
        plain
            .iter()
            .all(|i| i.origin == kaudit::input::Origin::default())
    );
}

// ---------------------------------------------------------------- stdin

#[test]
fn gzip_on_stdin_is_detected() {
    let gz = std::fs::read(repo_path(
        "testdata/s5/audit-2026-11-21T14-59-15.012.log.gz",
    ))
    .unwrap();
    let r = run_stdin(&["summary", "-o", "json"], gz.clone()).expect_code(0);
    let d: Value = serde_json::from_slice(&r.stdout).unwrap();
    // Answer key Files table: 819 events (RR 407, RS 5, RC 407).
    assert_eq!(d["events"], 819);
    assert_eq!(d["malformed"], 0);
    assert_eq!(
        d["stages"],
        json!({"RequestReceived": 407, "ResponseStarted": 5, "ResponseComplete": 407, "Panic": 0})
    );
    assert_eq!(d["files"][0]["name"], "<stdin>");
    let r = run_stdin(&["events", "-o", "ndjson", "--code", "401", "-"], gz).expect_code(0);
    let rows = crate::util::ndjson(&r.stdout);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["auditID"], "9525c8f0-f09c-40f8-9d51-a20630feb907");
    assert_eq!(rows[0]["line"], 651);
}

#[test]
fn plain_stdin_without_a_path() {
    let data = std::fs::read(repo_path("testdata/s5/audit.log")).unwrap();
    let r = run_stdin(&["summary", "-o", "json"], data).expect_code(0);
    let d: Value = serde_json::from_slice(&r.stdout).unwrap();
    // Answer key: audit.log has 267 events (RR 59, RS 74, RC 134).
    assert_eq!(d["events"], 267);
    assert_eq!(
        d["stages"],
        json!({"RequestReceived": 59, "ResponseStarted": 74, "ResponseComplete": 134, "Panic": 0})
    );
}

#[test]
fn empty_stdin_is_no_input() {
    for args in [&["events"][..], &["summary"][..], &["events", "-"][..]] {
        let r = run_stdin(args, Vec::new()).expect_code(2);
        assert_eq!(
            r.stderr, "kaudit: error: no audit event in the input: it is empty\n",
            "{args:?}"
        );
    }
}

#[test]
fn a_missing_path_is_an_error_naming_it() {
    for cmd in ["events", "summary"] {
        let r = run(&[cmd, "testdata/no-such-audit.log"]).expect_code(2);
        assert!(
            r.stderr.starts_with("kaudit: error: ")
                && r.stderr.contains("testdata/no-such-audit.log"),
            "{cmd}: {}",
            r.stderr
        );
        assert!(r.stdout.is_empty());
    }
}

// ---------------------------------------------------------------- public samples

/// testdata/README.md: audit2rbac demo, v1beta1 shape (top-level timestamp, no
/// requestReceivedTimestamp), RequestReceived=320, ResponseComplete=437.
#[test]
fn audit2rbac_v1beta1_demo() {
    let f = "testdata/public/audit2rbac/demo-2017-v1beta1.log";
    let d = summary(&[f]);
    assert_eq!(d["lines"], 757);
    assert_eq!(d["events"], 757);
    assert_eq!(d["malformed"], 0);
    assert_eq!(
        d["stages"],
        json!({"RequestReceived": 320, "ResponseStarted": 0, "ResponseComplete": 437, "Panic": 0})
    );
    // python: 437 distinct auditIDs; each RequestReceived joins its ResponseComplete by auditID
    // (320 RR+RC, 117 RC only).
    assert_eq!(d["requests"], 437);
    assert_eq!(d["incomplete"], 0);
    assert_eq!(d["levels"], json!({"Metadata": 757}));
    let codes: std::collections::BTreeMap<String, u64> =
        serde_json::from_value(d["codes"].clone()).unwrap();
    assert_eq!(
        codes,
        counts(&[("200", 256), ("201", 80), ("403", 11), ("404", 90)])
    );
    // python: min/max of `timestamp`.
    assert_eq!(d["first"], "2017-09-11T19:55:05.000000Z");
    assert_eq!(d["last"], "2017-09-11T20:29:04.000000Z");

    let rows = events(&[f]);
    assert_eq!(rows.len(), 437);
    assert_eq!(
        count_by(&rows, |r| s(r, "stages")),
        counts(&[
            (r#"["RequestReceived","ResponseComplete"]"#, 320),
            (r#"["ResponseComplete"]"#, 117)
        ])
    );
    // python: impersonation of bob 29, system:serviceaccount:ns1:sa1 5, alice 3.
    assert_eq!(
        count_by(&rows, |r| s(r, "impersonatedUser")),
        counts(&[
            ("", 400),
            ("bob", 29),
            ("system:serviceaccount:ns1:sa1", 5),
            ("alice", 3)
        ])
    );
    assert_eq!(events(&["-u", "bob", f]).len(), 29);
}

#[test]
fn audit2rbac_relabelled_v1_demo() {
    let d = summary(&["testdata/public/audit2rbac/demo-2022-relabelled-v1.log"]);
    assert_eq!(d["events"], 37);
    assert_eq!(d["requests"], 37);
    assert_eq!(
        d["stages"],
        json!({"RequestReceived": 0, "ResponseStarted": 0, "ResponseComplete": 37, "Panic": 0})
    );
}

/// testdata/README.md: OpenShift 4.12, RequestReceived omitted, one 220,461-byte line.
#[test]
fn openshift_sample_with_a_220_kb_line() {
    let f = "testdata/public/openshift-clo/audit_in.log";
    let d = summary(&[f]);
    assert_eq!(d["lines"], 100);
    assert_eq!(d["events"], 100);
    assert_eq!(d["malformed"], 0);
    assert_eq!(
        d["stages"],
        json!({"RequestReceived": 0, "ResponseStarted": 8, "ResponseComplete": 92, "Panic": 0})
    );
    // python: 100 distinct auditIDs; the 8 ResponseStarted have no ResponseComplete here.
    assert_eq!(d["requests"], 100);
    assert_eq!(d["incomplete"], 8);
    assert_eq!(d["levels"], json!({"Metadata": 2, "RequestResponse": 98}));

    // The longest line (python: line 97, 220,461 bytes) is an event like any other.
    let lines = log_lines(f);
    assert_eq!(lines[96].len(), 220_461);
    let rows = events(&[f]);
    let big = by_id(&rows, "b4785276-1116-4fd0-982b-620adb7771a4");
    assert_eq!(big["line"], 97);
    assert_eq!(big["resource"], "configmaps");
    assert_eq!(big["name"], "trusted-ca-bundle");
    assert_eq!(big["code"], 200);

    let incomplete = events(&["--incomplete", f]);
    assert_eq!(incomplete.len(), 8);
    assert!(
        incomplete
            .iter()
            .all(|r| r["stages"] == json!(["ResponseStarted"]))
    );
    // python: the exec (kube:admin create pods/exec, 101).
    let exec = events(&["-r", "pods/exec", f]);
    assert_eq!(exec.len(), 1);
    assert_eq!(exec[0]["user"], "kube:admin");
    assert_eq!(exec[0]["code"], 101);
}

/// testdata/README.md: four single-line falco events (no `apiVersion` member in three).
#[test]
fn falco_single_line_files() {
    let dir = "testdata/public/falco/k8s_audit/";
    // file, auditID, user, verb, resource, subresource, code, stages, incomplete (python)
    let cases = [
        (
            "exec_pod.json",
            "ca1ed9f4-7bf4-4c85-81a8-1b11253d1ba6",
            "minikube-user",
            "create",
            "pods",
            "exec",
            101,
            "ResponseStarted",
            true,
        ),
        (
            "attach_pod.json",
            "14933b4e-7b09-4964-af09-b7987367e1ba",
            "minikube-user",
            "create",
            "pods",
            "attach",
            101,
            "ResponseStarted",
            true,
        ),
        (
            "create_clusterrolebinding.json",
            "e040d0ab-473c-442c-9707-88553173e962",
            "minikube-user",
            "create",
            "clusterrolebindings",
            "",
            201,
            "ResponseComplete",
            false,
        ),
        (
            "anonymous_creates_namespace_foo.json",
            "841d3e6d-90d2-43df-8da4-684738bee3d5",
            "system:anonymous",
            "create",
            "namespaces",
            "",
            201,
            "ResponseComplete",
            false,
        ),
    ];
    for (file, id, user, verb, resource, sub, code, stage, incomplete) in cases {
        let path = format!("{dir}{file}");
        let r = run(&["events", "-o", "ndjson", &path]).expect_code(0);
        assert_eq!(r.stderr, "", "{file}");
        let rows = crate::util::ndjson(&r.stdout);
        assert_eq!(rows.len(), 1, "{file}");
        let e = &rows[0];
        assert_eq!(e["auditID"], id, "{file}");
        assert_eq!(e["user"], user, "{file}");
        assert_eq!(e["verb"], verb, "{file}");
        assert_eq!(e["resource"], resource, "{file}");
        assert_eq!(s(e, "subresource"), sub, "{file}");
        assert_eq!(e["code"], code, "{file}");
        assert_eq!(e["stages"], json!([stage]), "{file}");
        assert_eq!(e["incomplete"], incomplete, "{file}");
    }
    // Together: the crb is found by its short name and group.
    let all: Vec<String> = cases.iter().map(|c| format!("{dir}{}", c.0)).collect();
    let mut args = vec!["-r", "crb"];
    args.extend(all.iter().map(String::as_str));
    let crb = events(&args);
    assert_eq!(crb.len(), 1);
    assert_eq!(crb[0]["apiGroup"], "rbac.authorization.k8s.io");
}

/// fal_01_003.json is `{"kind": 0}` with no final newline: a complete JSON object that is not an
/// event (README: "malformed input"). It is not a line being written (it parses), so it must be
/// counted as malformed, not skipped as unfinished.
#[test]
fn falco_non_event_object_is_malformed() {
    let f = "testdata/public/falco/k8s_audit/fal_01_003.json";
    let r = run(&["summary", "-o", "json", f]).expect_code(2);
    let d: Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(d["lines"], 1);
    assert_eq!(d["events"], 0);
    assert_eq!(d["malformed"], 1);
    assert_eq!(d["skipped"], 0);
    assert!(
        r.stderr
            .starts_with(&format!("kaudit: warning: {f}:1: malformed line: ")),
        "{}",
        r.stderr
    );
    run(&["summary", "--strict", f]).expect_code(2);
}

// ---------------------------------------------------------------- testdata/edge (EXPECTED.md)

#[test]
fn split_stages_requests_are_joined_across_chunks() {
    let f = "testdata/edge/split-stages.log";
    let base = events(&[f]);
    for extra in [
        &[][..],
        &["--chunk-size", "512", "--threads", "2"][..],
        &["--chunk-size", "512", "--threads", "4"][..],
        &["--chunk-size", "4096", "--threads", "3"][..],
        &["--no-mmap", "--chunk-size", "512", "--threads", "2"][..],
    ] {
        let mut args = extra.to_vec();
        args.push(f);
        let rows = events(&args);
        assert_eq!(rows, base, "{extra:?}");
        assert_eq!(rows.len(), 103);
        // request A: RequestReceived line 1, ResponseComplete line 206 (the last row).
        let a = by_id(&rows, "44b8f738-ea85-4a7a-941d-214fc6fcfe28");
        assert_eq!(a["stages"], json!(["RequestReceived", "ResponseComplete"]));
        assert_eq!(a["received"], "2026-11-21T15:00:54.461981Z");
        assert_eq!(a["completed"], "2026-11-21T15:00:54.462834Z");
        assert_eq!(a["user"], "carol");
        assert_eq!(a["code"], 200);
        assert_eq!(a["line"], 206);
        assert_eq!(rows.last().unwrap()["auditID"], a["auditID"]);
        // request B: eve 403, lines 42 and 124.
        let b = by_id(&rows, "aaba2270-534b-4937-928c-9f8d252c7420");
        assert_eq!(b["stages"], json!(["RequestReceived", "ResponseComplete"]));
        assert_eq!(b["user"], "eve");
        assert_eq!(b["code"], 403);
        assert_eq!(b["received"], "2026-11-21T15:00:54.493472Z");
        assert_eq!(b["line"], 124);
        // request C: ops-admin delete, lines 83 and 165.
        let c = by_id(&rows, "1abc41c3-1111-4f3f-bfbf-99a9f58669f8");
        assert_eq!(c["stages"], json!(["RequestReceived", "ResponseComplete"]));
        assert_eq!(c["user"], "ops-admin");
        assert_eq!(c["verb"], "delete");
        assert_eq!(c["name"], "artifact-cache-006");
        assert_eq!(c["line"], 165);
        assert!(rows.iter().all(|r| r["incomplete"] == false));
        assert_eq!(
            count_by(&rows, |r| s(r, "code")),
            counts(&[("200", 97), ("403", 6)])
        );
    }
    let d = summary(&["--chunk-size", "512", "--threads", "2", f]);
    assert_eq!(
        d["stages"],
        json!({"RequestReceived": 58, "ResponseStarted": 45, "ResponseComplete": 103, "Panic": 0})
    );
    assert_eq!(d["requests"], 103);
}

#[test]
fn escapes_are_decoded() {
    let f = "testdata/edge/escapes.log";
    let rows = events(&[f]);
    assert_eq!(rows.len(), 3);
    let uris: Vec<String> = rows.iter().map(|r| s(r, "requestURI")).collect();
    assert_eq!(
        uris,
        [
            "/api/v1/nodes?allowWatchBookmarks=true&resourceVersion=1&timeout=8m34s&timeoutSeconds=514&watch=true",
            "/api/v1/nodes?allowWatchBookmarks=true&resourceVersion=1&timeout=9m5s&timeoutSeconds=545&watch=true",
            "/api/v1/namespaces/staging/configmaps?limit=250",
        ]
    );
    let users: Vec<String> = rows.iter().map(|r| s(r, "user")).collect();
    assert_eq!(
        users,
        [
            "system:kube-controller-manager",
            "system:apiserver",
            "carol"
        ]
    );
    // --uri sees the decoded `&`.
    assert_eq!(events(&["--uri", "&watch=true$", f]).len(), 2);

    // Line 6 alone: its username is written "c\u0061rol"; -u carol must match it.
    let line6 = &log_lines(f)[5];
    assert!(line6.windows(11).any(|w| w == br#"c\u0061rol""#));
    let mut input = line6.clone();
    input.push(b'\n');
    let r = run_stdin(&["events", "-o", "ndjson", "-u", "carol"], input).expect_code(0);
    let rows = crate::util::ndjson(&r.stdout);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["user"], "carol");
    assert_eq!(rows[0]["stages"], json!(["ResponseComplete"]));
    // And in the file both stages of carol's request are one request.
    let carol = events(&["-u", "carol", f]);
    assert_eq!(carol.len(), 1);
    assert_eq!(
        carol[0]["stages"],
        json!(["RequestReceived", "ResponseComplete"])
    );
}

#[test]
fn malformed_lines_are_reported_and_counted() {
    let f = "testdata/edge/malformed.log";
    let r = run(&["summary", "-o", "json", f]).expect_code(0);
    // The first four malformed lines (3, 4, 5, 7; line 2 is blank, line 6 is an event without
    // auditID, read as a request of its own; line 8 is the fifth), then a count.
    // Byte offsets are 1-based: line 3 `not json at all` fails at its 2nd byte, line 7 has 0xFF
    // at offset 304 (python, 0-based).
    assert_eq!(
        r.stderr,
        "kaudit: warning: testdata/edge/malformed.log:3: malformed line: invalid JSON at byte 2: expected ident\n\
         kaudit: warning: testdata/edge/malformed.log:4: malformed line: not an audit Event: not a JSON object\n\
         kaudit: warning: testdata/edge/malformed.log:5: malformed line: not an audit Event (kind \"Status\")\n\
         kaudit: warning: testdata/edge/malformed.log:7: malformed line: invalid UTF-8 at byte 305\n\
         kaudit: warning: testdata/edge/malformed.log:8: malformed line: truncated JSON (ends at byte 471)\n"
    );
    let d: Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(d["lines"], 12);
    assert_eq!(d["records"], 12);
    assert_eq!(d["events"], 6);
    assert_eq!(d["skipped"], 1);
    assert_eq!(d["skippedBlank"], 1);
    assert_eq!(d["malformed"], 5);
    assert_eq!(d["requests"], 4);
    let sample_lines: Vec<u64> = d["malformedSamples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            assert_eq!(m["file"], f);
            assert!(!s(m, "reason").is_empty());
            m["line"].as_u64().unwrap()
        })
        .collect();
    assert!(
        !sample_lines.is_empty() && [3, 4, 5, 7, 8].starts_with(&sample_lines),
        "{sample_lines:?}"
    );

    // ops-admin's delete (no auditID: its own request), X (200), Y (403), Z (200, seen by its
    // ResponseComplete only).
    let rows = events(&[f]);
    let got: Vec<(String, Value, Value)> = rows
        .iter()
        .map(|r| {
            (
                s(r, "auditID").get(..8).unwrap_or("").to_owned(),
                r["code"].clone(),
                r["stages"].clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("".to_owned(), json!(200), json!(["ResponseComplete"])),
            (
                "b309b2fc".to_owned(),
                json!(200),
                json!(["RequestReceived", "ResponseComplete"])
            ),
            (
                "1f837df3".to_owned(),
                json!(403),
                json!(["RequestReceived", "ResponseComplete"])
            ),
            (
                "21cfdbea".to_owned(),
                json!(200),
                json!(["ResponseComplete"])
            ),
        ]
    );

    // --strict: the same warnings, then exit 2.
    for cmd in ["summary", "events"] {
        let r = run(&[cmd, "--strict", f]).expect_code(2);
        assert!(r.stderr.contains("malformed"), "{}", r.stderr);
    }
    // A clean file passes --strict.
    run(&["events", "--strict", "testdata/edge/failed-auth.log"]).expect_code(0);
}

#[test]
fn unterminated_unfinished_last_line_is_skipped_with_a_note() {
    let f = "testdata/edge/unterminated.log";
    let r = run(&["summary", "-o", "json", f]).expect_code(0);
    assert_eq!(
        r.stderr,
        "kaudit: note: testdata/edge/unterminated.log:6: skipped unfinished last line (file still being written)\n"
    );
    let d: Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(d["lines"], 6);
    assert_eq!(d["events"], 5);
    assert_eq!(d["skipped"], 1);
    assert_eq!(d["skippedUnterminated"], 1);
    assert_eq!(d["malformed"], 0);
    assert_eq!(d["requests"], 3);
    assert_eq!(d["incomplete"], 1);
    let codes: std::collections::BTreeMap<String, u64> =
        serde_json::from_value(d["codes"].clone()).unwrap();
    assert_eq!(codes, counts(&[("200", 1), ("403", 1), ("none", 1)]));

    // The incomplete request comes last (emitted at the end of input).
    let rows = events(&[f]);
    assert_eq!(rows.len(), 3);
    let last = &rows[2];
    assert_eq!(last["auditID"], "43ecd503-e155-4705-ad62-741ca5ab5009");
    assert_eq!(last["incomplete"], true);
    assert_eq!(last["code"], Value::Null);
    assert_eq!(last["stages"], json!(["RequestReceived"]));
    assert_eq!(last["user"], "system:serviceaccount:build:ci-bot");
    assert_eq!(last["verb"], "list");
    let only = events(&["--incomplete", f]);
    assert_eq!(only, rows[2..]);
    // Skipped is not malformed: --strict still succeeds.
    run(&["summary", "--strict", f]).expect_code(0);
    // The same from stdin.
    let data = std::fs::read(repo_path(f)).unwrap();
    let r = run_stdin(&["events", "-o", "ndjson", "--incomplete"], data).expect_code(0);
    assert_eq!(crate::util::ndjson(&r.stdout).len(), 1);
}

#[test]
fn unterminated_complete_last_line_is_used() {
    let f = "testdata/edge/unterminated-complete.log";
    let r = run(&["summary", "-o", "json", f]).expect_code(0);
    assert_eq!(r.stderr, "");
    let d: Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(d["lines"], 3);
    assert_eq!(d["events"], 3);
    assert_eq!(d["skipped"], 0);
    assert_eq!(d["malformed"], 0);
    let rows = events(&["--code", "403", f]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["user"], "eve");
    assert_eq!(rows[0]["resource"], "secrets");
    assert_eq!(rows[0]["namespace"], "build");
    assert_eq!(rows[0]["name"], "docker-config");
    assert_eq!(rows[0]["line"], 3);
    // From stdin too.
    let data = std::fs::read(repo_path(f)).unwrap();
    let r = run_stdin(&["events", "-o", "ndjson", "--code", "403"], data).expect_code(0);
    assert_eq!(crate::util::ndjson(&r.stdout).len(), 1);
}

#[test]
fn a_line_over_one_mebibyte_is_parsed() {
    let f = "testdata/edge/bigline.log";
    assert_eq!(log_lines(f)[1].len(), 1_103_195);
    let expect = |rows: &[Value]| {
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0]["user"], "carol");
        assert_eq!(rows[0]["verb"], "list");
        assert_eq!(rows[0]["resource"], "configmaps");
        assert_eq!(rows[0]["namespace"], "staging");
        assert_eq!(rows[0]["code"], 200);
        assert_eq!(rows[0]["line"], 2);
        assert_eq!(
            rows[0]["stages"],
            json!(["RequestReceived", "ResponseComplete"])
        );
        assert_eq!(rows[1]["user"], "eve");
        assert_eq!(rows[1]["code"], 403);
    };
    expect(&events(&[f]));
    expect(&events(&["--no-mmap", f]));
    expect(&events(&["--chunk-size", "4096", "--threads", "2", f]));
    let r = run_stdin(&["events", "-o", "ndjson"], read_log(f)).expect_code(0);
    assert_eq!(r.stderr, "");
    expect(&crate::util::ndjson(&r.stdout));
}

#[test]
fn v1alpha1_events_derive_the_api_group() {
    let f = "testdata/edge/v1alpha1.log";
    let rows = events(&[f]);
    assert_eq!(rows.len(), 2);
    let r1 = &rows[0];
    assert_eq!(r1["auditID"], "5f0b1f9e-3c55-4d0e-9b8a-7a1d2c3e4f01");
    assert_eq!(
        r1["apiGroup"], "apps",
        "from objectRef.apiVersion apps/v1beta1"
    );
    assert_eq!(r1["resource"], "deployments");
    assert_eq!(r1["user"], "kubecfg");
    assert_eq!(r1["code"], 200);
    // Only `timestamp` (whole seconds) is known for request 1.
    assert_eq!(r1["received"], "2017-07-12T11:02:43.000000Z");
    assert_eq!(r1["stages"], json!(["RequestReceived", "ResponseComplete"]));
    let r2 = &rows[1];
    assert_eq!(r2["apiGroup"], Value::Null, "core group (apiVersion v1)");
    assert_eq!(r2["received"], "2017-10-03T08:15:22.118456Z");
    assert_eq!(r2["code"], 403);
    assert_eq!(r2["user"], "bob");
    assert_eq!(r2["level"], "Metadata");
    // The derived group is usable in filters.
    assert_eq!(events(&["-r", "deployments.apps", f]).len(), 1);
    assert_eq!(events(&["-r", "deploy", f]).len(), 1);
}

#[test]
fn failed_authentication_between_two_requests() {
    let f = "testdata/edge/failed-auth.log";
    let d = summary(&[f]);
    assert_eq!(d["requests"], 3);
    assert_eq!(d["incomplete"], 0, "the 401 is complete");
    let codes: std::collections::BTreeMap<String, u64> =
        serde_json::from_value(d["codes"].clone()).unwrap();
    assert_eq!(codes, counts(&[("200", 2), ("401", 1)]));
    let rows = events(&[f]);
    let ids: Vec<String> = rows
        .iter()
        .map(|r| s(r, "auditID")[..8].to_owned())
        .collect();
    assert_eq!(ids, ["2db30ae6", "9525c8f0", "9e2921da"]);
    assert_eq!(rows[1]["user"], "");
    assert_eq!(rows[1]["stages"], json!(["ResponseStarted"]));
    assert_eq!(rows[1]["incomplete"], false);
    assert!(events(&["--incomplete", f]).is_empty());
}

// ---------------------------------------------------------------- determinism

/// Output is byte-identical for any thread count and chunk size.
#[test]
fn output_does_not_depend_on_threads_or_chunk_size() {
    for path in [S5, "testdata/edge/split-stages.log"] {
        for cmd in [
            &["summary", "-o", "json"][..],
            &["events", "-o", "ndjson"][..],
        ] {
            let mut base_args = cmd.to_vec();
            base_args.extend(["--threads", "1", path]);
            let base = run(&base_args).expect_code(0);
            for chunk in ["4096", "65536"] {
                let mut args = cmd.to_vec();
                args.extend(["--threads", "2", "--chunk-size", chunk, path]);
                let other = run(&args).expect_code(0);
                assert!(
                    other.stdout == base.stdout,
                    "{cmd:?} {path}: --threads 2 --chunk-size {chunk} differs from --threads 1"
                );
                assert_eq!(other.stderr, base.stderr);
            }
        }
    }
}

// Regressions from the review of issue 2.

/// `kaudit summary dir/audit.log*`: the shell lists the live file first; the set must still be
/// read oldest first, or late RequestReceived lines would open phantom incomplete requests.
#[test]
fn files_named_newest_first_are_read_oldest_first() {
    let folder = summary(&["testdata/logrotate/"]);
    let glob_order = summary(&[
        "testdata/logrotate/audit.log",
        "testdata/logrotate/audit.log.1",
        "testdata/logrotate/audit.log.2.gz",
        "testdata/logrotate/audit.log.3.gz",
    ]);
    assert_eq!(glob_order["requests"], folder["requests"]);
    assert_eq!(glob_order["incomplete"], 0);
    let names: Vec<String> = glob_order["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "testdata/logrotate/audit.log.3.gz",
            "testdata/logrotate/audit.log.2.gz",
            "testdata/logrotate/audit.log.1",
            "testdata/logrotate/audit.log"
        ]
    );
}

/// A stage read after its request completed (stdin fed newest first) is counted once, with a
/// note, and opens no incomplete request.
#[test]
fn late_request_received_is_not_a_phantom_request() {
    let mut input = read_log("testdata/s5/audit.log");
    input.extend(read_log("testdata/s5/audit-2026-11-21T15-00-54.455.log.gz"));
    let r = run_stdin(&["summary", "-o", "json", "-"], input);
    let d: Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(d["incomplete"], 0, "{}", r.stderr);
    assert!(d["lateEvents"].as_u64().unwrap() >= 1);
    assert!(r.stderr.contains("came after its end"), "{}", r.stderr);
}

/// The same file given twice (directly, or through its folder) is read once.
#[test]
fn a_file_given_twice_is_read_once() {
    let once = summary(&["testdata/s5/"]);
    let twice = summary(&["testdata/s5/", "testdata/s5/audit.log", "testdata/s5/"]);
    assert_eq!(twice["requests"], once["requests"]);
    assert_eq!(twice["files"].as_array().unwrap().len(), 28);
    let r = run(&["summary", "testdata/s5/", "testdata/s5/audit.log"]);
    assert!(
        r.stderr.contains("given more than once; read once"),
        "{}",
        r.stderr
    );
}

/// `-o raw` is byte-exact, CRLF line endings included.
#[test]
fn raw_output_keeps_crlf() {
    let lines = log_lines("testdata/edge/escapes.log");
    let mut crlf = Vec::new();
    for l in &lines {
        crlf.extend_from_slice(l);
        crlf.extend_from_slice(b"\r\n");
    }
    let r = run_stdin(&["events", "-o", "raw"], crlf.clone());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut got: Vec<&[u8]> = r
        .stdout
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    got.sort();
    let mut want: Vec<&[u8]> = crlf
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    want.sort();
    assert_eq!(got, want);
}

/// Warnings to a closed stderr must not panic (exit 101).
#[test]
fn closed_stderr_is_not_a_panic() {
    let mut child = kaudit_std(&["events", "testdata/edge/malformed.log"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}
