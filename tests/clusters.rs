//! Many clusters at once: each request's cluster and API server (from the wrappers that name
//! them, a must-gather's paths, or `--cluster NAME=PATH`), `--cluster GLOB`, `top --by
//! cluster|apiserver`, and requests of two clusters never joined (issue 17, point 11).

use serde_json::{Value, json};

use crate::util::*;

const D1: &str = "testdata/modern/d1/";

/// `top --by cluster,apiserver -o csv PATH`: its header and rows.
fn scopes_csv(path: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let r = run(&["top", "--by", "cluster,apiserver", "-o", "csv", path]).expect_code(0);
    csv(&r.stdout)
}

/// `top --by cluster -o csv`.
const TOP_CSV: [&str; 5] = ["top", "--by", "cluster", "-o", "csv"];

/// The answer key's request count of d1 (`distinct_auditIDs`).
fn d1_requests() -> u64 {
    let key = read_log("testdata/modern/d1/answer-key.json.gz");
    let key: Value = serde_json::from_slice(&key).unwrap();
    key["distinct_auditIDs"].as_u64().unwrap()
}

/// Two copies of the real v1.36 log d1, as the logs of two clusters (`east/`, `west/`).
fn two_clusters() -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    for side in ["east", "west"] {
        let to = dir.path().join(side);
        std::fs::create_dir_all(&to).unwrap();
        for e in std::fs::read_dir(repo_path(D1)).unwrap() {
            let e = e.unwrap();
            let name = e.file_name().into_string().unwrap();
            if name.starts_with("audit") {
                std::fs::copy(e.path(), to.join(&name)).unwrap();
            }
        }
    }
    let p = |s: &str| dir.path().join(s).to_str().unwrap().to_string();
    let (east, west) = (p("east"), p("west"));
    (dir, east, west)
}

/// [`two_clusters`], with each copy named as its cluster: runs a command over both.
struct Named {
    dir: tempfile::TempDir,
    east: String,
    west: String,
}

impl Named {
    fn new() -> Named {
        let (dir, east, west) = two_clusters();
        Named {
            dir,
            east: format!("east={east}"),
            west: format!("west={west}"),
        }
    }

    fn all(&self) -> &str {
        self.dir.path().to_str().unwrap()
    }

    /// `kaudit ARGS --cluster east=… --cluster west=… DIR`.
    fn run(&self, args: &[&str]) -> Run {
        let mut a = args.to_vec();
        a.extend(["--cluster", &self.east, "--cluster", &self.west, self.all()]);
        run(&a)
    }

    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_slice(&self.run(args).expect_code(0).stdout).unwrap()
    }
}

/// Two copies of one log named as two clusters: every request counted twice, none joined
/// with its twin (the same auditIDs and times), each cluster's count the answer key's.
#[test]
fn two_clusters_with_equal_audit_ids_never_join() {
    let two = Named::new();
    let n = d1_requests();
    assert_eq!(summary(&[D1])["requests"], n);
    // unnamed, the second copy repeats the first: its stages are left out as repeats
    let same = run(&["summary", "-o", "json", two.all()]).expect_code(0);
    let d: Value = serde_json::from_slice(&same.stdout).unwrap();
    assert_eq!(d["requests"], n);
    assert!(same.stderr.contains("repeated a stage"), "{}", same.stderr);
    // named, two clusters: twice the requests, nothing repeated or late
    let r = two.run(&["summary", "-o", "json"]).expect_code(0);
    let d: Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(d["requests"], 2 * n);
    assert_eq!(d["lateEvents"], 0);
    assert_eq!(
        d["incomplete"],
        2 * summary(&[D1])["incomplete"].as_u64().unwrap()
    );
    assert!(!r.stderr.contains("repeated"), "{}", r.stderr);
    assert_eq!(
        d["topClusters"],
        json!([{"name": "east", "count": n}, {"name": "west", "count": n}])
    );
    // the table's section, only when a request names a cluster
    let text = two
        .run(&["summary"])
        .expect_code(0)
        .stdout_str()
        .to_string();
    assert!(text.contains("Top clusters (of 2)"), "{text}");
    assert!(
        !run(&["summary", D1])
            .expect_code(0)
            .stdout_str()
            .contains("Top clusters")
    );
    assert_eq!(summary(&[D1])["topClusters"], json!([]));
    // per cluster
    let top = two.json(&["top", "--by", "cluster", "-o", "json"]);
    let got: Vec<(String, u64)> = top
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (s(r, "cluster"), r["requests"].as_u64().unwrap()))
        .collect();
    assert_eq!(got, [("east".to_string(), n), ("west".to_string(), n)]);
    // the filter: a glob, any case, `!` to leave one out
    for (sel, want) in [
        ("east", n),
        ("EAST", n),
        ("*st", 2 * n),
        ("!west", n),
        ("east,west", 2 * n),
        ("north", 0),
    ] {
        let code = if want == 0 { 1 } else { 0 };
        let r = two.run(&["summary", "-o", "json", "--cluster", sel]);
        let d: Value = serde_json::from_slice(&r.expect_code(code).stdout).unwrap();
        assert_eq!(d["requests"], want, "--cluster {sel}");
    }
    // every row says its cluster; the same request in both, one each
    let id = s(&events(&[D1])[0], "auditID");
    let r = two.run(&["events", "-o", "ndjson", "--audit-id", &id]);
    let rows = ndjson(&r.expect_code(0).stdout);
    let clusters: Vec<String> = rows.iter().map(|r| s(r, "cluster")).collect();
    assert_eq!(clusters, ["east", "west"]);
    assert!(rows.iter().all(|r| r["apiserver"] == Value::Null));
    // the same, whatever the thread count and chunk size
    let one = ["top", "--by", "cluster", "-o", "json", "-j", "1"];
    let mut small = one.to_vec();
    small.extend(["--chunk-size", "4096"]);
    assert_eq!(two.json(&small), top);
}

/// NAME=PATH names the inputs under PATH, the most specific PATH winning; `-` is stdin; a
/// PATH that holds no input is an error, and so is a NAME=PATH without a name.
#[test]
fn cluster_names_are_given_per_path() {
    let (dir, east, _west) = two_clusters();
    let all = dir.path().to_str().unwrap();
    let both = format!("fleet={all}");
    let inner = format!("east={east}");
    let mut args = TOP_CSV.to_vec();
    args.extend(["--cluster", &both, "--cluster", &inner, all]);
    let r = run(&args).expect_code(0);
    let n = d1_requests();
    assert_eq!(
        r.stdout_str(),
        format!(
            "cluster,requests,share,errors,errorRate,p50Ms,p90Ms,p99Ms,maxMs\n\
             east,{n},0.5,862,0.2729,1.211,5.94,33.874,256.037\n\
             fleet,{n},0.5,862,0.2729,1.211,5.94,33.874,256.037\n"
        )
    );
    // stdin
    let log = read_log("testdata/modern/d1/audit.log");
    let mut args = TOP_CSV.to_vec();
    args.extend(["--cluster", "piped=-"]);
    let r = run_stdin(&args, log).expect_code(0);
    assert!(
        r.stdout_str().lines().nth(1).unwrap().starts_with("piped,"),
        "{}",
        r.stdout_str()
    );
    // a typo in PATH
    let r = run(&["summary", "--cluster", "east=/no/such/dir", all]).expect_code(2);
    assert!(
        r.stderr
            .contains("--cluster east=/no/such/dir: no input is at that path"),
        "{}",
        r.stderr
    );
    // the same name twice is one; two names for one path are an error
    run(&["summary", "--cluster", &inner, "--cluster", &inner, all]).expect_code(0);
    let other = format!("west={east}");
    let r = run(&["summary", "--cluster", &inner, "--cluster", &other, all]).expect_code(2);
    assert!(
        r.stderr.contains("is named both \"east\" and \"west\""),
        "{}",
        r.stderr
    );
    let r = run(&["summary", "--cluster", "=x", all]).expect_code(2);
    assert!(r.stderr.contains("write NAME=PATH"), "{}", r.stderr);
}

/// The wrappers that name a cluster or an API server: AKS (`resourceId`, `properties.pod`), GKE
/// (`resource.labels.cluster_name`), EKS (`logStreamName` from filter-log-events; `logGroup`
/// and `logStream` from a subscription filter's delivery). Every request of a file gets them.
#[test]
fn wrappers_name_the_cluster_and_api_server() {
    let scopes = |path: &str| -> Vec<(Value, Value)> {
        let mut v: Vec<(Value, Value)> = events(&[path])
            .iter()
            .map(|r| (r["cluster"].clone(), r["apiserver"].clone()))
            .collect();
        v.dedup();
        v
    };
    assert_eq!(
        scopes("testdata/formats/aks-eventhub.jsonl"),
        [(json!("AKS1"), json!("kube-apiserver-6d9f8c7b5-x2x9q"))]
    );
    assert_eq!(
        scopes("testdata/formats/gke-khi.json"),
        [(json!("sample-cluster"), Value::Null)]
    );
    assert_eq!(
        scopes("testdata/formats/eks-cloudwatch.json"),
        [(Value::Null, json!("kube-apiserver-audit-4f1c0b8e2a7d9c36"))]
    );
    // the same events as a subscription filter delivers them (CloudWatch Logs' documented
    // shape: `logGroup`, `logStream`, `logEvents[{id, timestamp, message}]`), built from the
    // filter-log-events response above
    let cw: Value =
        serde_json::from_slice(&read_log("testdata/formats/eks-cloudwatch.json")).unwrap();
    let events_in: Vec<Value> = cw["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| json!({"id": e["eventId"], "timestamp": e["timestamp"], "message": e["message"]}))
        .collect();
    let delivery = json!({
        "messageType": "DATA_MESSAGE",
        "owner": "123456789012",
        "logGroup": "/aws/eks/prod-eu-1/cluster",
        "logStream": "kube-apiserver-audit-4f1c0b8e2a7d9c36",
        "subscriptionFilters": ["kaudit"],
        "logEvents": events_in,
    });
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("delivery.json");
    std::fs::write(&p, serde_json::to_vec(&delivery).unwrap()).unwrap();
    let p = p.to_str().unwrap();
    assert_eq!(
        scopes(p),
        [(
            json!("prod-eu-1"),
            json!("kube-apiserver-audit-4f1c0b8e2a7d9c36")
        )]
    );
    // the same requests as filter-log-events gives
    assert_eq!(
        summary(&[p])["requests"],
        summary(&["testdata/formats/eks-cloudwatch.json"])["requests"]
    );
    // --cluster NAME=PATH renames what a wrapper says; the API server stays
    let renamed = format!("prod={p}");
    let rows = events(&["--cluster", &renamed, p]);
    assert!(rows.iter().all(
        |r| r["cluster"] == "prod" && r["apiserver"] == "kube-apiserver-audit-4f1c0b8e2a7d9c36"
    ));
    // top --by apiserver over the formats folder: every scope its own group
    let (header, rows) = scopes_csv("testdata/formats/");
    assert_eq!(header[..3], ["cluster", "apiserver", "requests"]);
    let groups: Vec<(String, String)> = rows.iter().map(|r| (r[0].clone(), r[1].clone())).collect();
    for want in [
        ("AKS1", "kube-apiserver-6d9f8c7b5-x2x9q"),
        ("-", "kube-apiserver-audit-4f1c0b8e2a7d9c36"),
        ("sample-cluster", "-"),
        ("gke-cluster", "-"),
    ] {
        assert!(
            groups.contains(&(want.0.to_string(), want.1.to_string())),
            "{want:?} in {groups:?}"
        );
    }
}

/// Real AKS exports (Sysdig's samples of Event Hubs messages, testdata/public): the cluster is
/// the last segment of `resourceId`, as Azure wrote it, and the API server its pod.
#[test]
fn a_real_aks_export_names_its_cluster() {
    let (_, rows) = scopes_csv("testdata/public/sysdig-aks-audit-log/");
    let got: Vec<&[String]> = rows.iter().map(|r| &r[..3]).collect();
    assert_eq!(
        got,
        [
            ["KUBETEST", "kube-apiserver-79599f95c7-qn557", "22"],
            [
                "KUBEAUDITLOGTESTCLUSTER",
                "kube-apiserver-6df5497d6d-g2vd7",
                "1"
            ]
        ]
    );
    let rows = events(&["testdata/public/sysdig-aks-audit-log/sample_EventHubs_event.json"]);
    assert!(!rows.is_empty());
    for r in &rows {
        assert_eq!(r["cluster"], "KUBEAUDITLOGTESTCLUSTER");
        assert_eq!(r["apiserver"], "kube-apiserver-6df5497d6d-g2vd7");
    }
    // the filter ignores case: Azure upper-cases resource ids in its exports
    assert_eq!(
        count(&[
            "--cluster",
            "kubeauditlogtestcluster",
            "testdata/public/sysdig-aks-audit-log/sample_EventHubs_event.json"
        ]),
        rows.len() as u64
    );
}

/// The timeline of two clusters: each line is one cluster's (the same request in both is two
/// lines, never collapsed into one), says so, and the same spilled to disk.
#[test]
fn a_timeline_never_mixes_two_clusters() {
    let two = Named::new();
    let run_with = |extra: &[&str]| {
        let mut a = vec!["timeline", "-u", "cluster-root"];
        a.extend(extra);
        two.run(&a).expect_code(0)
    };
    let json = run_with(&["-o", "ndjson"]);
    let lines = ndjson(&json.stdout);
    // every request of d1 once per cluster, each line one cluster's (interleaved, the two
    // clusters' lines collapse less: a run of equal requests is cut by the other cluster's)
    let single = requests_on_lines(&ndjson(
        &run(&["timeline", "-o", "ndjson", "-u", "cluster-root", D1])
            .expect_code(0)
            .stdout,
    ));
    for side in ["east", "west"] {
        let mine: Vec<Value> = lines
            .iter()
            .filter(|l| l["cluster"] == side)
            .cloned()
            .collect();
        assert_eq!(requests_on_lines(&mine), single, "{side}");
    }
    assert!(
        lines
            .iter()
            .all(|l| l["cluster"] == "east" || l["cluster"] == "west")
    );
    assert_eq!(lines[0]["cluster"], "east");
    assert_eq!(lines[1]["cluster"], "west");
    assert_eq!(lines[0]["auditIDs"], lines[1]["auditIDs"]);
    let text = run_with(&[]).stdout_str().to_string();
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .ends_with("cluster-root failed to request GET /readyz (500)  cluster=east"),
        "{text}"
    );
    // sorted on disk, the same
    assert_eq!(run_with(&["--sort-memory", "1"]).stdout_str(), text);
}

fn requests_on_lines(lines: &[Value]) -> u64 {
    lines.iter().map(|l| l["count"].as_u64().unwrap()).sum()
}

/// One object name in two clusters is two objects: each cluster's history is the single log's,
/// each write diffed against that cluster's own earlier state.
#[test]
fn history_follows_each_clusters_object_apart() {
    let two = Named::new();
    let single = run(&["history", "clusterroles/edit", "-o", "json", D1]).expect_code(0);
    let single: Vec<Value> = serde_json::from_slice(&single.stdout).unwrap();
    assert!(single.len() > 3, "d1 creates and patches clusterrole edit");
    let r = two
        .run(&["history", "clusterroles/edit", "-o", "json"])
        .expect_code(0);
    let both: Vec<Value> = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(both.len(), 2 * single.len());
    for side in ["east", "west"] {
        let mine: Vec<Value> = both
            .iter()
            .filter(|e| e["cluster"] == side)
            .map(|e| {
                let mut e = e.clone();
                e.as_object_mut()
                    .unwrap()
                    .insert("cluster".into(), Value::Null);
                e
            })
            .collect();
        assert_eq!(mine, single, "{side}");
    }
}
