//! The end-to-end test binary: runs the built `kaudit` with a cleared environment from the
//! repository root (see util.rs) and checks its answers on testdata/ against the answer keys.
//! One module per subcommand (summary, events, timeline) plus input handling and filters; the tests of
//! the command line itself (exit codes, completions) are here.

mod events;
mod filters;
mod input;
mod summary;
mod timeline;
mod util;

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
    ] {
        let r = run(args).expect_code(2);
        assert!(r.stdout.is_empty(), "{args:?}: stdout {:?}", r.stdout_str());
        assert!(!r.stderr.is_empty(), "{args:?}: a message on stderr");
    }
}

#[test]
fn help_and_version_exit_0_and_document_exit_codes() {
    for args in [
        &["--help"][..],
        &["events", "--help"][..],
        &["summary", "--help"][..],
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
    }
    kaudit()
        .arg("--version")
        .assert()
        .success()
        .stdout(format!("kaudit {}\n", env!("CARGO_PKG_VERSION")));
}
