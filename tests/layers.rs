//! The arrows between layers point one way (ARCHITECTURE.md, "Layers"), checked on the source
//! itself (issue 18, point 3): `cli` knows nothing of the crate but the vocabulary (`vocab`,
//! which knows nothing at all); the pipeline and the writers (`detect`, `render`, `input`,
//! `policy`, `correlate`, `scan`, ...) never reach into `commands`; `render` never sees clap's
//! types.

use std::path::{Path, PathBuf};

use crate::util::repo_path;

/// Every `.rs` file under `dir` (or `dir` itself, a file), with its text.
fn sources(rel: &str) -> Vec<(PathBuf, String)> {
    fn walk(p: &Path, out: &mut Vec<(PathBuf, String)>) {
        if p.is_dir() {
            let mut entries: Vec<_> = std::fs::read_dir(p).unwrap().flatten().collect();
            entries.sort_by_key(|e| e.path());
            for e in entries {
                walk(&e.path(), out);
            }
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push((p.to_path_buf(), std::fs::read_to_string(p).unwrap()));
        }
    }
    let mut out = Vec::new();
    let path = repo_path(rel);
    assert!(
        path.exists(),
        "{rel}: no such file or folder (moved? update this list)"
    );
    walk(&path, &mut out);
    assert!(!out.is_empty(), "{rel}: no source");
    out
}

/// The crate modules a file names (`crate::x`), outside comments.
fn uses(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            let after = &rest[i + 7..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            found.push(name);
            rest = after;
        }
    }
    found
}

#[test]
fn arrows_point_one_way() {
    for (path, text) in sources("src/cli") {
        for m in uses(&text) {
            assert_eq!(m, "vocab", "{}: cli uses crate::{m}", path.display());
        }
    }
    for (path, text) in sources("src/vocab") {
        for m in uses(&text) {
            assert_eq!(m, "vocab", "{}: vocab uses crate::{m}", path.display());
        }
    }
    let pipeline = [
        "src/detect",
        "src/render",
        "src/input",
        "src/policy",
        "src/correlate",
        "src/scan",
        "src/filter",
        "src/event.rs",
        "src/redact",
        "src/config.rs",
        "src/chunk.rs",
    ];
    for dir in pipeline {
        for (path, text) in sources(dir) {
            let m = uses(&text);
            assert!(
                !m.iter().any(|m| m == "commands") && !text.contains("super::commands"),
                "{}: reaches into commands",
                path.display()
            );
            if dir == "src/render" {
                assert!(
                    !m.iter().any(|m| m == "cli"),
                    "{}: render sees clap's types",
                    path.display()
                );
            }
        }
    }
}
