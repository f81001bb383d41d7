//! The README (and docs/) print what kaudit prints: every ```` ```console ```` block's `$ kaudit
//! ...` commands are run from the repository root on a terminal [`WIDTH`] columns wide (a
//! pseudo-terminal, as a user's shell gives: tables fit it), and the output must be the block's,
//! byte for byte (a `| head -N` runs piped, as the shell would). A sample may leave lines out
//! only by saying so: a line `[... N more lines]` stands for exactly N lines.
//!
//! To write a block's output after a change: `KAUDIT_README=write cargo test --test cli readme`
//! rewrites the blocks of README.md and docs/*.md in place (review the diff).

use std::io::Read as _;
use std::process::{Command, Stdio};

use crate::util::root;

/// The width the samples are shown at.
pub const WIDTH: u16 = 100;

/// One `$ kaudit ...` of a console block: where it is, what runs, what it must print.
#[derive(Debug)]
struct Sample {
    file: String,
    /// The line of the `$`.
    line: usize,
    /// The command as written (continuation lines joined).
    command: String,
    /// The expected output's lines, and their range in the file's lines.
    expected: Vec<String>,
    range: std::ops::Range<usize>,
}

/// The files whose console blocks are checked.
fn documents() -> Vec<String> {
    let mut files = vec!["README.md".to_string()];
    let mut docs: Vec<String> = std::fs::read_dir(root().join("docs"))
        .expect("docs/ is listed")
        .filter_map(|e| {
            let p = e.ok()?.path();
            let name = p.file_name()?.to_str()?;
            (p.extension()? == "md").then(|| format!("docs/{name}"))
        })
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

/// The samples of one Markdown file.
fn samples(file: &str) -> Vec<Sample> {
    let text = std::fs::read_to_string(root().join(file)).expect("the document reads");
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim_end() != "```console" {
            i += 1;
            continue;
        }
        i += 1;
        let end = (i..lines.len())
            .find(|&j| lines[j].starts_with("```"))
            .unwrap_or_else(|| panic!("{file}:{i}: a console block that never ends"));
        while i < end {
            let Some(first) = lines[i].strip_prefix("$ ") else {
                panic!("{file}:{}: a console block's line before any `$ `", i + 1);
            };
            let at = i;
            let mut command = first.to_string();
            while command.ends_with('\\') && i + 1 < end {
                command.pop();
                i += 1;
                command = format!("{} {}", command.trim_end(), lines[i].trim_start());
            }
            i += 1;
            let start = i;
            while i < end && !lines[i].starts_with("$ ") {
                i += 1;
            }
            out.push(Sample {
                file: file.to_string(),
                line: at + 1,
                command,
                expected: lines[start..i].iter().map(|l| l.to_string()).collect(),
                range: start..i,
            });
        }
        i = end + 1;
    }
    out
}

/// What a command prints at a width: stdout on a pseudo-terminal of that width (piped for
/// `| head -N`, first N lines), then what it wrote to stderr.
fn run(command: &str, width: u16) -> String {
    let (command, head) = match command.split_once(" | ") {
        Some((c, pipe)) => {
            let n = pipe
                .strip_prefix("head -")
                .and_then(|n| n.trim().parse::<usize>().ok())
                .unwrap_or_else(|| panic!("only `| head -N` may follow a command: {pipe:?}"));
            (c, Some(n))
        }
        None => (command, None),
    };
    let words = shlex::split(command).unwrap_or_else(|| panic!("cannot split {command:?}"));
    let mut env: Vec<(String, String)> = Vec::new();
    let mut words = words.into_iter().peekable();
    while let Some(w) = words.next_if(|w| w.contains('=') && !w.starts_with('-')) {
        let (k, v) = w.split_once('=').expect("checked");
        env.push((k.to_string(), v.to_string()));
    }
    assert_eq!(words.next().as_deref(), Some("kaudit"), "{command}");
    let args: Vec<String> = words.collect();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kaudit"));
    cmd.env_clear()
        .current_dir(root())
        .env("TZ", "UTC")
        .env("NO_COLOR", "1")
        .env("COLUMNS", width.to_string())
        .envs(env)
        .args(&args)
        .stdin(Stdio::null())
        .stderr(Stdio::piped());
    let (stdout, stderr) = match head {
        Some(n) => {
            let o = cmd.stdout(Stdio::piped()).output().expect("kaudit runs");
            let text = String::from_utf8(o.stdout).expect("UTF-8 output");
            let kept: Vec<&str> = text.lines().take(n).collect();
            // (a reader that stops early: kaudit's own stderr says nothing of it)
            (format!("{}\n", kept.join("\n")), String::new())
        }
        None => on_terminal(&mut cmd, width),
    };
    format!("{stdout}{stderr}")
}

/// Run `cmd` with its stdout on a new pseudo-terminal `width` columns wide: its output, with
/// the terminal's `\r\n` read back as `\n`, and its stderr.
fn on_terminal(cmd: &mut Command, width: u16) -> (String, String) {
    let (master, slave) = crate::util::terminal(width);
    let mut child = cmd.stdout(Stdio::from(slave)).spawn().expect("kaudit runs");
    // the child holds the terminal now (our copy of it went with the Command's stdout)
    cmd.stdout(Stdio::null());
    let mut err = child.stderr.take().expect("stderr is piped");
    let errs = std::thread::spawn(move || {
        let mut s = String::new();
        err.read_to_string(&mut s).expect("stderr reads");
        s
    });
    let out = crate::util::read_terminal(master);
    child.wait().expect("kaudit ends");
    let text = String::from_utf8(out)
        .expect("UTF-8 output")
        .replace("\r\n", "\n");
    (text, errs.join().expect("stderr thread"))
}

/// The values of a table's column `name` as printed (`text`: a table with a header line), a
/// value wrapped over several lines joined again (names have no spaces to lose at a break); a
/// row starts on each line with a value in column `anchor` (one that never wraps).
fn column(text: &str, name: &str, anchor: &str) -> Vec<String> {
    let mut lines = text
        .lines()
        .skip_while(|l| !l.split("  ").any(|h| h.trim() == name));
    let header = lines
        .next()
        .unwrap_or_else(|| panic!("no header {name}:\n{text}"));
    let chars = |l: &str| l.chars().collect::<Vec<char>>();
    let h = chars(header);
    // a column's span: from its header to the next header (two spaces before it)
    let span = |name: &str| {
        let start = header[..header.find(name).expect("in the header")]
            .chars()
            .count();
        let end = (start + name.len()..h.len())
            .find(|&i| h[i] != ' ' && h[i - 1] == ' ' && h[i - 2] == ' ')
            .unwrap_or(usize::MAX);
        (start, end)
    };
    let cell = |c: &[char], (a, b): (usize, usize)| -> String {
        c[a.min(c.len())..b.min(c.len())]
            .iter()
            .collect::<String>()
            .trim()
            .to_string()
    };
    let (col, anchor) = (span(name), span(anchor));
    let mut values: Vec<String> = Vec::new();
    for l in lines.take_while(|l| !l.is_empty() && !l.starts_with('(')) {
        let c = chars(l);
        match values.last_mut() {
            Some(v) if cell(&c, anchor).is_empty() => v.push_str(&cell(&c, col)),
            _ => values.push(cell(&c, col)),
        }
    }
    values
}

/// At 80 columns a name too long for its column is wrapped, not cut: the identities in `who`,
/// `detect` and `events` on a terminal, joined again, are those of the JSON answer, and no
/// `…` stands for part of one.
#[test]
fn names_are_wrapped_whole_at_80_columns() {
    let names = |args: &[&str], key: &str| -> std::collections::BTreeSet<String> {
        let mut args = args.to_vec();
        args.extend(["-o", "json", "-k", "0"]);
        let out = crate::util::run(&args);
        let v: serde_json::Value = serde_json::from_str(out.stdout_str()).expect("JSON");
        let mut found = std::collections::BTreeSet::new();
        let mut walk = vec![&v];
        while let Some(v) = walk.pop() {
            match v {
                serde_json::Value::Array(a) => walk.extend(a),
                serde_json::Value::Object(o) => {
                    match o.get(key) {
                        Some(serde_json::Value::String(s)) => {
                            found.insert(s.clone());
                        }
                        Some(serde_json::Value::Array(a)) => {
                            found.extend(a.iter().filter_map(|s| s.as_str()).map(String::from))
                        }
                        _ => {}
                    }
                    walk.extend(o.values());
                }
                _ => {}
            }
        }
        found
    };
    for (command, col, anchor, args, key) in [
        (
            "kaudit who testdata/s5/",
            "USER",
            "REQUESTS",
            &["who", "testdata/s5/"][..],
            "user",
        ),
        (
            "kaudit events -u system:serviceaccount:build:* -k 20 testdata/s5/",
            "USER",
            "CODE",
            &[
                "events",
                "-u",
                "system:serviceaccount:build:*",
                "testdata/s5/",
            ][..],
            "user",
        ),
        (
            "kaudit detect --min-severity high testdata/s5/",
            "ACTOR",
            "RULE",
            &["detect", "--min-severity", "high", "testdata/s5/"][..],
            "actors",
        ),
    ] {
        let text = run(command, 80);
        let shown = column(&text, col, anchor);
        let known = names(args, key);
        assert!(!shown.is_empty(), "{command}:\n{text}");
        assert!(
            shown.iter().any(|v| v.len() > 30),
            "{command}: a name longer than its column is shown:\n{text}"
        );
        for v in &shown {
            assert!(
                known.contains(v) && !v.contains('…'),
                "{command}: {v:?} is not a name of the answer ({known:?}):\n{text}"
            );
        }
    }
}

/// Does `got` match the sample's expected lines (a `[... N more lines]` line standing for N)?
fn matches(expected: &[String], got: &str) -> bool {
    let got: Vec<&str> = got.lines().collect();
    let mut g = 0;
    for e in expected {
        if let Some(n) = e
            .strip_prefix("[... ")
            .and_then(|r| r.strip_suffix(" more lines]"))
            .and_then(|n| n.parse::<usize>().ok())
        {
            g += n;
            continue;
        }
        if got.get(g) != Some(&e.as_str()) {
            return false;
        }
        g += 1;
    }
    g == got.len()
}

/// Every sample prints, at [`WIDTH`] columns, what its document shows.
#[test]
fn every_console_sample_prints_what_the_docs_show() {
    let write = std::env::var("KAUDIT_README").is_ok_and(|v| v == "write");
    let mut wrong = Vec::new();
    let mut count = 0;
    for file in documents() {
        let all = samples(&file);
        let mut fixes: Vec<(std::ops::Range<usize>, Vec<String>)> = Vec::new();
        for s in &all {
            count += 1;
            let got = run(&s.command, WIDTH);
            if matches(&s.expected, &got) {
                continue;
            }
            if write {
                fixes.push((s.range.clone(), got.lines().map(String::from).collect()));
            } else {
                wrong.push(format!(
                    "{}:{}: $ {}\n--- the document shows:\n{}\n--- kaudit prints:\n{}",
                    s.file,
                    s.line,
                    s.command,
                    s.expected.join("\n"),
                    got
                ));
            }
        }
        if !fixes.is_empty() {
            let text = std::fs::read_to_string(root().join(&file)).expect("reads");
            let mut lines: Vec<String> = text.lines().map(String::from).collect();
            for (range, new) in fixes.into_iter().rev() {
                lines.splice(range, new);
            }
            std::fs::write(root().join(&file), lines.join("\n") + "\n").expect("writes");
        }
    }
    assert!(count >= 20, "only {count} samples found");
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors of a Markdown file's headings (not of lines in code blocks).
fn anchors(text: &str) -> Vec<String> {
    let mut fence = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fence = !fence;
        } else if !fence && line.starts_with('#') {
            let h = line.trim_start_matches('#');
            if h.starts_with(' ') {
                out.push(slug(h));
            }
        }
    }
    out
}

/// Every link from the README and docs/ to a file of the repository names one that exists,
/// and every `#anchor` a heading that exists (the reference moved between them).
#[test]
fn every_link_between_the_docs_resolves() {
    let link = regex::Regex::new(r"\]\(([^)\s]*)\)").expect("a regex");
    let mut broken = Vec::new();
    let mut checked = 0;
    for file in documents() {
        let text = std::fs::read_to_string(root().join(&file)).expect("the document reads");
        let dir = std::path::Path::new(&file)
            .parent()
            .unwrap_or(std::path::Path::new(""));
        for c in link.captures_iter(&text) {
            let target = &c[1];
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (path, anchor) = target.split_once('#').unwrap_or((target, ""));
            let file_path = if path.is_empty() {
                root().join(&file)
            } else {
                root().join(dir).join(path)
            };
            checked += 1;
            if !file_path.exists() {
                broken.push(format!("{file}: {target}: no such file"));
                continue;
            }
            if !anchor.is_empty() {
                let there = std::fs::read_to_string(&file_path).unwrap_or_default();
                if !anchors(&there).iter().any(|a| a == anchor) {
                    broken.push(format!("{file}: {target}: no such heading"));
                }
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
    assert!(checked > 30, "{checked} links");
}
/// On an 80-column terminal every sample's answer fits: tables leave out optional columns
/// (with a note) and wrap names, cutting none (no `…` the document does not show at 100
/// columns), and notes and sentences wrap at the width. (Diagnostics on stderr, `kaudit: ...`,
/// are not on the terminal here.)
#[test]
fn every_console_sample_fits_80_columns() {
    let mut wrong = Vec::new();
    for file in documents() {
        for s in samples(&file) {
            if s.command.contains(" | ") {
                continue; // piped: not a terminal
            }
            // An answer whose every line fits 80 columns at 100 is the same at 80 (tables
            // shrink, and text wraps, only past the terminal's width): the document shows it,
            // checked by the test above. Only the others are run again.
            let shortened = s.expected.iter().any(|l| l.starts_with("[... "));
            let wide = s.expected.iter().any(|l| {
                unicode_width::UnicodeWidthStr::width(l.as_str()) > 80 && !l.starts_with("kaudit: ")
            });
            if !shortened && !wide {
                continue;
            }
            let got = run(&s.command, 80);
            if got.contains('…') && !s.expected.iter().any(|l| l.contains('…')) {
                wrong.push(format!(
                    "{}:{}: a value cut at 80 columns:\n{got}",
                    s.file, s.line
                ));
            }
            for l in got.lines() {
                let w = unicode_width::UnicodeWidthStr::width(l);
                if w > 80 && !l.starts_with("kaudit: ") {
                    wrong.push(format!("{}:{}: a line of {w} columns: {l}", s.file, s.line));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
