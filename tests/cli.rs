//! The end-to-end test binary: runs the built `kaudit` with a cleared environment from the
//! repository root (see util.rs) and checks its answers on testdata/s5/ against the answer keys.
//! One module per subcommand plus input handling and filters, and the bounded fuzz test of the
//! readers (fuzz.rs, which calls the library directly); the tests of the command line itself
//! (exit codes, completions) are here.

mod answer_modern;
mod answer_s6;
mod clusters;
mod detect;
mod events;
mod filters;
mod formats;
mod fuzz;
mod gke;
mod history;
mod hostile;
mod input;
mod latency;
mod layers;
mod offered;
mod outputs;
mod policy;
mod policy_model;
mod policy_simulate;
mod progress;
mod readme;
mod summary;
mod timeline;
mod top;
mod util;
mod what;
mod when;
mod r#where;
mod who;

use util::{kaudit, run};

/// completions/ holds the generated scripts; they must match what the binary prints.
#[test]
fn completion_files_are_up_to_date() {
    let shells = [
        ("bash", "completions/kaudit.bash"),
        ("zsh", "completions/_kaudit"),
        ("fish", "completions/kaudit.fish"),
        ("elvish", "completions/kaudit.elvish"),
        ("powershell", "completions/_kaudit.ps1"),
    ];
    for (shell, file) in shells {
        let generated = run(&["completions", shell]).expect_code(0).stdout;
        let stored = std::fs::read(util::repo_path(file))
            .unwrap_or_else(|e| panic!("{file}: {e}; generate it with the command below"));
        assert!(
            generated == stored,
            "{file} is out of date; regenerate completions/ with scripts/completions.sh \
             (or: cargo run -q -- completions {shell} > {file})"
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &[][..],
        &["events", "--bogus"][..],
        &["events", "--limit", "x", "testdata/edge/failed-auth.log"][..],
        &["events", "-o", "yaml", "testdata/edge/failed-auth.log"][..],
        &["summary", "--threads", "0", "testdata/edge/failed-auth.log"][..],
        &["completions", "tcsh"][..],
        &["frobnicate"][..],
        &["policy"][..],
        &["policy", "check"][..],
        &[
            "policy",
            "check",
            "-o",
            "csv",
            "testdata/logrotate/s6-policy.yaml",
        ][..],
        &["policy", "simulate"][..],
        &[
            "policy",
            "simulate",
            "testdata/no-such-policy.yaml",
            "testdata/s5/",
        ][..],
    ] {
        let r = run(args).expect_code(2);
        assert!(r.stdout.is_empty(), "{args:?}: stdout {:?}", r.stdout_str());
        // one style for every error, clap's usage errors too (but a bare `kaudit` or `kaudit
        // policy`, which gets its help)
        let help = args.is_empty() || args == ["policy"];
        assert!(
            help || r.stderr.starts_with("kaudit: error: "),
            "{args:?}: {}",
            r.stderr
        );
    }
}

/// kubectl's habits: `-A`/`--all-namespaces` (what kaudit reads anyway; not with -n),
/// `--since-time`/`--until-time` for `--since`/`--until`, and `policy check` takes its logs as
/// every other command does, after the policy.
#[test]
fn kubectl_habits_are_understood() {
    let f = "testdata/s5/audit-2026-11-21T14-59-15.012.log.gz";
    let plain = run(&["events", "-o", "ndjson", f]).expect_code(0).stdout;
    for flag in ["-A", "--all-namespaces"] {
        assert_eq!(
            run(&["events", "-o", "ndjson", flag, f])
                .expect_code(0)
                .stdout,
            plain
        );
    }
    run(&["events", "-A", "-n", "payments", f]).expect_code(2);
    let window = ["2026-11-21T14:59:00Z", "2026-11-21T14:59:05Z"];
    let long = run(&["events", "--since", window[0], "--until", window[1], f]).expect_code(0);
    let kubectl = run(&[
        "events",
        "--since-time",
        window[0],
        "--until-time",
        window[1],
        f,
    ])
    .expect_code(0);
    assert_eq!(long.stdout, kubectl.stdout);
    let r = run(&["policy", "check", "testdata/logrotate/s6-policy.yaml", f]).expect_code(0);
    assert!(
        r.stdout_str().contains("\nlogs: 409 request(s); "),
        "{}",
        r.stdout_str()
    );
}

#[test]
fn help_and_version_exit_0_and_document_exit_codes() {
    for args in [
        &["--help"][..],
        &["events", "--help"][..],
        &["summary", "--help"][..],
        &["history", "--help"][..],
        &["timeline", "--help"][..],
    ] {
        let r = run(args).expect_code(0);
        let out = r.stdout_str();
        for needle in [
            "Exit codes:",
            "0  success",
            "1  the scan ran, but nothing matched",
            "2  error",
        ] {
            assert!(out.contains(needle), "{args:?}: no {needle:?} in help");
        }
        // the alert of detect and policy check, named where every exit code is listed
        assert_eq!(
            out.contains("3  an alert"),
            args == ["--help"],
            "{args:?}: exit code 3"
        );
    }
    kaudit()
        .arg("--version")
        .assert()
        .success()
        .stdout(format!("kaudit {}\n", env!("CARGO_PKG_VERSION")));
}

/// `kaudit man` prints kaudit(1) and a page per subcommand, with their examples.
#[test]
fn man_page_covers_every_command() {
    let r = run(&["man"]).expect_code(0);
    let text = String::from_utf8(r.stdout).unwrap();
    assert!(text.contains(".TH kaudit 1"), "not a man page");
    for sub in [
        "summary", "events", "who", "what", "where", "when", "top", "latency", "history",
        "timeline", "policy",
    ] {
        assert!(
            text.contains(&format!(".TH kaudit-{sub} 1")),
            "no page for {sub}"
        );
    }
    assert!(text.contains("who deleted configmaps in payments?"));
}

/// Completions offer the subcommands, output formats, verbs and resource names.
#[test]
fn completions_offer_verbs_resources_and_formats() {
    let bash = String::from_utf8(run(&["completions", "bash"]).expect_code(0).stdout).unwrap();
    for word in [
        "deletecollection",
        "configmaps",
        "pods/exec",
        "ndjson",
        "latency",
    ] {
        assert!(bash.contains(word), "bash completion lacks {word}");
    }
}

/// The commands that read logs (or policies), as typed after `kaudit`.
const QUERIES: [&str; 14] = [
    "summary",
    "events",
    "who",
    "what",
    "where",
    "when",
    "top",
    "latency",
    "tokens",
    "history",
    "timeline",
    "detect",
    "policy check",
    "policy simulate",
];

/// Every command's --help shows real examples.
#[test]
fn every_help_has_examples() {
    for sub in QUERIES.iter().chain(&["completions", "man"]) {
        let mut args: Vec<&str> = sub.split(' ').collect();
        args.push("--help");
        let r = run(&args).expect_code(0);
        let text = String::from_utf8(r.stdout).unwrap();
        assert!(
            text.contains("Examples:\n  kaudit "),
            "{sub} --help has no examples"
        );
    }
}

/// `kaudit completions bash | head -1` exits 0 quietly (clap_complete panicked on the closed
/// pipe: review finding S2).
#[test]
fn completions_into_a_closed_pipe_are_quiet() {
    use std::io::Read;
    let mut child = util::kaudit_std(&["completions", "bash"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// The examples in every `--help` that read testdata/s5/ run and find something (exit 0), so
/// the help never shows an example that does not work (review finding S1).
#[test]
fn help_examples_on_testdata_work() {
    let mut ran = 0;
    for sub in QUERIES {
        let mut help_args: Vec<&str> = sub.split(' ').collect();
        help_args.push("--help");
        let help = String::from_utf8(run(&help_args).expect_code(0).stdout).unwrap();
        for line in help
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("kaudit "))
        {
            let Some(end) = line.rfind("testdata/s5/") else {
                continue;
            };
            let cmd = &line[..end + "testdata/s5/".len()];
            if cmd.contains(['|', '\'', '"', '>']) {
                continue; // pipes and quoting are for a shell
            }
            let args: Vec<&str> = cmd.split_whitespace().skip(1).collect();
            let r = run(&args);
            assert_eq!(
                r.code, 0,
                "`{cmd}` from `kaudit {sub} --help` exited {}: {}",
                r.code, r.stderr
            );
            ran += 1;
        }
    }
    assert!(ran >= 20, "only {ran} examples ran");
}
