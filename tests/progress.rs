//! Progress on a terminal: a bar of (compressed) bytes for files, a spinner with the bytes and
//! requests read for stdin, nothing when stderr is not a terminal, with --no-progress, or
//! before the scan has run long enough. `--progress-after` (hidden, milliseconds) stands in for
//! the second a real run waits, so nothing here depends on how fast the machine is.

use std::io::Write;
use std::process::Stdio;

use crate::util::{kaudit_std, read_terminal, terminal};

/// What `kaudit ARGS` draws on its stderr, a terminal (stdout piped away), with `stdin`.
fn stderr_on_terminal(args: &[&str], stdin: Option<&[u8]>) -> String {
    let (master, slave) = terminal(100);
    let mut cmd = kaudit_std(args);
    // (indicatif draws on a terminal whose TERM it knows)
    cmd.env("TERM", "xterm")
        .stdout(Stdio::null())
        .stderr(Stdio::from(slave));
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let mut child = cmd.spawn().expect("kaudit runs");
    drop(cmd);
    if let (Some(bytes), Some(mut w)) = (stdin, child.stdin.take()) {
        w.write_all(bytes).expect("stdin takes the log");
    }
    let out = read_terminal(master);
    assert!(child.wait().expect("kaudit ends").success());
    String::from_utf8_lossy(&out).into_owned()
}

const GZ: &str = "testdata/s5/audit-2026-11-21T14-59-15.012.log.gz";

#[test]
fn a_gzip_file_gets_a_bar_of_its_compressed_bytes() {
    let size = std::fs::metadata(crate::util::repo_path(GZ)).unwrap().len();
    let err = stderr_on_terminal(&["summary", "--progress-after", "0", GZ], None);
    // indicatif writes sizes in binary units: the file's compressed size is the total
    let total = format!("/{:.2} KiB", size as f64 / 1024.0);
    assert!(err.contains(&total), "{total} in {err:?}");
    // and the bar is cleared at the end
    assert!(err.ends_with("\u{1b}[2K"), "{err:?}");
}

#[test]
fn stdin_gets_a_spinner_with_bytes_and_requests() {
    let log = std::fs::read(crate::util::repo_path("testdata/edge/failed-auth.log")).unwrap();
    let err = stderr_on_terminal(&["summary", "--progress-after", "0"], Some(&log));
    assert!(err.contains(" read, "), "{err:?}");
    assert!(err.contains(" requests ("), "{err:?}");
}

#[test]
fn nothing_before_the_wait_nor_with_no_progress() {
    for args in [
        &["summary", "--progress-after", "600000", GZ][..],
        &["summary", "--progress-after", "0", "--no-progress", GZ][..],
    ] {
        assert_eq!(stderr_on_terminal(args, None), "", "{args:?}");
    }
}
