//! `kaudit policy check POLICY [LOGS...]`: the server's rejections, the model's
//! warnings and the lints of a policy file, and with its logs the requests each rule would
//! match first (a sink that counts them), as text or JSON. It does not simulate what the policy
//! would write (`simulate.rs`).

use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context as _, Result};
use serde_json::{Value, json};

use crate::cli::{CheckFormat, PolicyCheckArgs};
use crate::commands::Outcome;
use crate::config::Config;
use crate::correlate::Request;
use crate::policy::lint::{self, Lint};
use crate::policy::{Attrs, Policy, Problem, Severity};
use crate::render::thousands;
use crate::scan::{self, Flow, Sink};
use crate::term::{Diag, Out};

/// Why its logs cannot see everything.
const LOGS_NOTE: &str = "requests that the logs' own policy did not record (level None) are not seen, so a rule for them matches nothing here: try the policy on logs written at a broad level (every request at Metadata or above)";

/// Per-rule request counts over the logs.
struct Usage {
    policy: Arc<Policy>,
    counts: Vec<u64>,
    unmatched: u64,
    requests: u64,
}

impl Usage {
    fn count(&mut self, r: &Request<'_>) {
        self.requests += 1;
        match self.policy.level_for(&Attrs::from_request(r)).0 {
            Some(i) => self.counts[i] += 1,
            None => self.unmatched += 1,
        }
    }
}

impl Sink for Usage {
    type Part = Usage;
    fn part(&self) -> Usage {
        Usage {
            policy: self.policy.clone(),
            counts: vec![0; self.counts.len()],
            unmatched: 0,
            requests: 0,
        }
    }
    const COMMUTATIVE: bool = true;
    fn combine(into: &mut Usage, from: Usage) {
        into.absorb(from);
    }
    const FOLDS: bool = true;
    fn fold(part: &mut Usage, r: &Request<'_>) -> bool {
        part.count(r);
        true
    }
    fn absorb(&mut self, p: Usage) {
        for (a, b) in self.counts.iter_mut().zip(p.counts) {
            *a += b;
        }
        self.unmatched += p.unmatched;
        self.requests += p.requests;
    }
    fn request(&mut self, r: Request<'_>) -> Result<Flow> {
        self.count(&r);
        Ok(Flow::More)
    }
}

/// What its logs found.
struct Logs {
    counts: Vec<u64>,
    unmatched: u64,
    requests: u64,
}

pub fn check(
    args: &PolicyCheckArgs,
    cfg: Option<&Config>,
    diag: &Diag,
    out: &mut Out,
) -> Result<Outcome> {
    let file = &args.policy;
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read policy file {}", file.display()))?;
    let version = crate::policy::ServerVersion::from(args.server_version);
    let server = version.server();
    let (policy, problems) = match Policy::parse_for(&text, version) {
        Ok(p) => {
            let w = p.warnings.clone();
            (Some(p), w)
        }
        Err(problems) => (None, problems),
    };
    let errors: Vec<&Problem> = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .collect();
    let warnings: Vec<&Problem> = problems
        .iter()
        .filter(|p| p.severity == Severity::Warning)
        .collect();
    let mut lints = Vec::new();
    let mut logs = None;
    let mut failed = false;
    if let Some(p) = &policy {
        lints = lint::lint(p);
        if let Some(cfg) = cfg {
            let inputs = crate::commands::inputs(&args.input.paths, diag)?;
            let mut usage = Usage {
                policy: Arc::new(p.clone()),
                counts: vec![0; p.rules.len()],
                unmatched: 0,
                requests: 0,
            };
            let stats = scan::Scan::new(cfg).run(&inputs, diag, &mut usage)?;
            failed = crate::commands::outcome(&stats, cfg, diag, true) == Outcome::Failed;
            for (i, n) in usage.counts.iter().enumerate() {
                if *n == 0 {
                    lints.push(Lint {
                        rule: Some(i),
                        kind: "no-match-in-logs",
                        message: format!(
                            "rules[{i}] matched none of the {} request(s) in the logs (each request is counted for the first rule it matches)",
                            thousands(usage.requests)
                        ),
                    });
                }
            }
            logs = Some(Logs {
                counts: usage.counts,
                unmatched: usage.unmatched,
                requests: usage.requests,
            });
        }
    }
    let written = check_report(
        args,
        server,
        policy.as_ref(),
        (&errors, &warnings, &lints),
        logs.as_ref(),
        out,
    );
    if policy.is_none() {
        // the API server would refuse it: no lints were run, nothing to alert on
        written?;
        return Ok(Outcome::Failed);
    }
    // an unreadable log does not hide a warning or lint (README, "Exit codes")
    let alert = args.fail_on_lint && !(warnings.is_empty() && lints.is_empty());
    let base = if failed {
        Outcome::Failed
    } else {
        Outcome::Matched
    };
    crate::commands::with_alert(alert, base, written, diag)
}

/// What `policy check` prints: the JSON document or the text report.
fn check_report(
    args: &PolicyCheckArgs,
    server: &str,
    policy: Option<&Policy>,
    (errors, warnings, lints): (&[&Problem], &[&Problem], &[Lint]),
    logs: Option<&Logs>,
    out: &mut Out,
) -> Result<()> {
    let file = &args.policy;
    match args.output {
        CheckFormat::Json => {
            let problem =
                |p: &&Problem| json!({"rule": p.rule, "field": p.field, "message": p.message});
            let doc = json!({
                "valid": policy.is_some(),
                "server": server,
                "rules": policy.map(|p| p.rules.len()),
                "errors": errors.iter().map(problem).collect::<Vec<_>>(),
                "warnings": warnings.iter().map(problem).collect::<Vec<_>>(),
                "lints": lints.iter().map(|l| json!({"rule": l.rule, "kind": l.kind, "message": l.message})).collect::<Vec<_>>(),
                "logs": logs.map(|l| json!({
                    "requests": l.requests,
                    "perRule": l.counts,
                    "unmatched": l.unmatched,
                    "note": LOGS_NOTE,
                })).unwrap_or(Value::Null),
            });
            crate::render::json::to_writer_pretty(&mut *out, &doc)?;
            out.write_all(b"\n")?;
        }
        CheckFormat::Text => {
            text_report(file, server, policy, errors, warnings, lints, logs, out)?;
        }
    }
    out.flush()?;
    Ok(())
}

#[expect(clippy::too_many_arguments)]
fn text_report(
    file: &Path,
    server: &str,
    policy: Option<&Policy>,
    errors: &[&Problem],
    warnings: &[&Problem],
    lints: &[Lint],
    logs: Option<&Logs>,
    out: &mut Out,
) -> Result<()> {
    let name = crate::term::sanitize(&file.display().to_string()).into_owned();
    let s = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    match policy {
        None => writeln!(
            out,
            "{name}: rejected: {server} would refuse to load it and not start ({}, {})",
            s(errors.len(), "error", "errors"),
            s(warnings.len(), "warning", "warnings")
        )?,
        Some(p) => writeln!(
            out,
            "{name}: accepted by {server}: {}; {}, {}",
            s(p.rules.len(), "rule", "rules"),
            s(warnings.len(), "warning", "warnings"),
            s(lints.len(), "lint", "lints")
        )?,
    }
    for e in errors {
        writeln!(out, "error: {}", crate::term::sanitize(&e.message))?;
    }
    for w in warnings {
        writeln!(out, "warning: {}", crate::term::sanitize(&w.message))?;
    }
    if policy.is_none() {
        writeln!(
            out,
            "(lints are run once the API server would accept the file)"
        )?;
    }
    for l in lints {
        writeln!(
            out,
            "lint {}: {}",
            l.kind,
            crate::term::sanitize(&l.message)
        )?;
    }
    if let Some(l) = logs {
        let per: Vec<String> = l
            .counts
            .iter()
            .enumerate()
            .map(|(i, n)| format!("[{i}] {}", thousands(*n)))
            .collect();
        writeln!(
            out,
            "logs: {} request(s); first matching rule: {}, none {}",
            thousands(l.requests),
            per.join(", "),
            thousands(l.unmatched)
        )?;
        writeln!(out, "note: {LOGS_NOTE}")?;
    }
    Ok(())
}
