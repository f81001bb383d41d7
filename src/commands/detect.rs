//! `kaudit detect`: run the detection rules (`detect/`) over the matching requests and report
//! the findings, grouped by severity; `--list` prints the catalogue, `--check-rules` validates a
//! rules file. The exit code serves cron and CI: 3 when a finding reaches `--fail-on`.

use std::io::Write as _;

use anyhow::{Result, bail};
use serde_json::{Value, json};

use crate::cli::{DetectArgs, Format};
use crate::commands::Outcome;
use crate::commands::group::{Col, Row, emit};
use crate::config::Config;
use crate::correlate::Request;
use crate::detect::{Baselines, Finding, Hit, Rules, Severity};
use crate::render::{Cell, Style, Tone, machine_time, thousands};
use crate::scan::{self, Flow, Sink};
use crate::term::{Diag, Out};

/// The version of the JSON and NDJSON output; bumped when a field changes meaning or goes.
pub const JSON_VERSION: u32 = 1;

/// Workers test each request against every rule and keep the hits.
struct Detect {
    rules: std::sync::Arc<Rules>,
    hits: Vec<Hit>,
    /// Per rule: requests it could not check for want of a body.
    unchecked: Vec<u64>,
    requests: u64,
    base: Baselines,
}

struct Part {
    rules: std::sync::Arc<Rules>,
    hits: Vec<Hit>,
    unchecked: Vec<u64>,
    requests: u64,
    base: Baselines,
}

impl Sink for Detect {
    type Part = Part;
    fn part(&self) -> Part {
        Part {
            rules: self.rules.clone(),
            hits: Vec::new(),
            unchecked: vec![0; self.rules.rules.len()],
            requests: 0,
            base: Baselines::new(&self.rules),
        }
    }
    // findings are sorted by time at the end: the order parts arrive in does not matter
    const COMMUTATIVE: bool = true;
    // raw lines are read for their bodies only (crate::detect::Bodies)
    const RAW_FOR_BODIES: bool = true;
    const FOLDS: bool = true;
    fn fold(part: &mut Part, r: &Request<'_>) -> bool {
        part.requests += 1;
        part.rules
            .hits(r, &mut part.hits, &mut part.unchecked, &mut part.base);
        true
    }
    fn absorb(&mut self, p: Part) {
        self.hits.extend(p.hits);
        for (a, b) in self.unchecked.iter_mut().zip(p.unchecked) {
            *a += b;
        }
        self.requests += p.requests;
        self.base.merge(p.base);
    }
    fn request(&mut self, r: Request<'_>) -> Result<Flow> {
        self.requests += 1;
        self.rules
            .hits(&r, &mut self.hits, &mut self.unchecked, &mut self.base);
        Ok(Flow::More)
    }
}

/// The rules of this run: built-ins (unless `--no-builtin`), files, selection, thresholds.
fn rules(args: &DetectArgs) -> Result<Rules> {
    let mut rules = Rules::load(!args.no_builtin, &args.rules_file)?;
    let split = |v: &[String]| -> Vec<String> {
        v.iter()
            .flat_map(|s| s.split(','))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    rules.select(&split(&args.rules), &split(&args.skip))?;
    for t in &args.threshold {
        let bad = || {
            anyhow::anyhow!(
                "--threshold {t:?}: expected ID=COUNT or ID=COUNT/WINDOW (example: KA026=50/2m)"
            )
        };
        let (id, spec) = t.split_once('=').ok_or_else(bad)?;
        let (count, window) = match spec.split_once('/') {
            Some((c, w)) => (c, Some(crate::detect::parse_duration(w)?)),
            None => (spec, None),
        };
        let count: usize = count.trim().parse().map_err(|_| bad())?;
        let rule = rules
            .rules
            .iter_mut()
            .find(|r| r.id == id.trim())
            .ok_or_else(|| anyhow::anyhow!("--threshold: no rule {} in this run", id.trim()))?;
        rule.set_threshold(count, window)?;
    }
    Ok(rules)
}

pub fn run(args: &DetectArgs, cfg: Option<&Config>, diag: &Diag, out: &mut Out) -> Result<Outcome> {
    if let Some(file) = &args.check_rules {
        return check(file, out);
    }
    let rules = rules(args)?;
    if args.list {
        return list(&rules, args, out);
    }
    let Some(cfg) = cfg else {
        bail!("internal: no configuration for a scan");
    };
    if rules.rules.is_empty() {
        bail!("no rules to run (--rules, --skip and --no-builtin left none)");
    }
    let inputs = crate::commands::inputs(&args.input.paths, diag)?;
    let n = rules.rules.len();
    let rules = std::sync::Arc::new(rules);
    let mut d = Detect {
        rules: rules.clone(),
        hits: Vec::new(),
        unchecked: vec![0; n],
        requests: 0,
        base: Baselines::new(&rules),
    };
    // bodies are read from the raw lines, for the few requests a body rule looks at
    let stats = scan::run(&inputs, cfg, true, diag, &mut d)?;
    let mut hits = std::mem::take(&mut d.hits);
    let base = std::mem::take(&mut d.base);
    let found = crate::detect::findings(&rules, &mut hits, &base, args.show_secrets);
    // The hits (about ten strings each) and the baselines (per identity, per value) are many
    // small allocations, and the process ends after this command: freeing them one by one
    // was a serial tail of about 80 ms on the 1 GB bench log (8% of detect's time), so they
    // are left to the exit.
    std::mem::forget(hits);
    std::mem::forget(base);
    let notes = body_notes(&rules, &d.unchecked);
    for n in &notes {
        diag.note(n);
    }
    let shown: Vec<&Finding> = found
        .iter()
        .filter(|f| rules.rules[f.rule].severity >= args.min_severity.get())
        .collect();
    // unreadable inputs and (with --strict) malformed lines: on stderr, and in the JSON
    let base = crate::commands::outcome(&stats, cfg, diag, true);
    let errors = crate::commands::scan_errors(&stats, cfg);
    let alert = args.fail_on.is_some_and(|level| {
        found
            .iter()
            .any(|f| rules.rules[f.rule].severity >= level.get())
    });
    let written = write(&rules, &shown, args, cfg, d.requests, &notes, &errors, out);
    // a finding at or above --fail-on exits 3 whatever else went wrong (README, "Exit codes")
    crate::commands::with_alert(alert, base, written, diag)
}

/// One note for the rules that needed bodies the log does not have.
fn body_notes(rules: &Rules, unchecked: &[u64]) -> Vec<String> {
    let blind: Vec<(&str, u64)> = rules
        .rules
        .iter()
        .zip(unchecked)
        .filter(|(_, n)| **n > 0)
        .map(|(r, n)| (r.id.as_str(), *n))
        .collect();
    if blind.is_empty() {
        return Vec::new();
    }
    let total: u64 = blind.iter().map(|(_, n)| n).sum();
    let ids: Vec<&str> = blind.iter().map(|(id, _)| *id).collect();
    vec![format!(
        "{} rule(s) read request or response bodies, which {} candidate request(s) were logged without (audit level Metadata): {} could not check them. Log those resources at level Request (or RequestResponse) to cover them.",
        ids.len(),
        thousands(total),
        ids.join(", ")
    )]
}

fn finding_json(rules: &Rules, f: &Finding) -> Value {
    let r = &rules.rules[f.rule];
    json!({
        "rule": r.id,
        "name": r.name,
        "severity": r.severity.name(),
        "mitre": r.mitre,
        "count": f.count,
        "first": machine_time(f.first),
        "last": machine_time(f.last),
        "actors": f.actors,
        "via": f.via,
        "sourceIPs": f.source_ips,
        "targets": f.targets,
        "detail": f.detail,
        "auditIDs": f.audit_ids,
    })
}

#[allow(clippy::too_many_arguments)]
fn write(
    rules: &Rules,
    found: &[&Finding],
    args: &DetectArgs,
    cfg: &Config,
    requests: u64,
    notes: &[String],
    errors: &[String],
    out: &mut Out,
) -> Result<()> {
    match args.output.output {
        Format::Json => {
            let doc = json!({
                "version": JSON_VERSION,
                "requests": requests,
                "rules": rules.rules.iter().map(|r| &r.id).collect::<Vec<_>>(),
                "findings": found.iter().map(|f| finding_json(rules, f)).collect::<Vec<_>>(),
                "notes": notes,
                "errors": errors,
            });
            crate::render::json::to_writer_pretty(&mut *out, &doc)?;
            out.write_all(b"\n")?;
        }
        Format::Ndjson => {
            for f in found {
                crate::render::json::to_writer(&mut *out, &finding_json(rules, f))?;
                out.write_all(b"\n")?;
            }
        }
        Format::Csv => {
            if !args.output.no_headers {
                crate::render::csv::write_record(out, CSV)?;
            }
            for f in found {
                let r = &rules.rules[f.rule];
                crate::render::csv::write_record(
                    out,
                    [
                        r.id.clone(),
                        r.severity.name().to_string(),
                        r.name.clone(),
                        f.count.to_string(),
                        crate::commands::group::ts_csv(f.first),
                        crate::commands::group::ts_csv(f.last),
                        join(&f.actors, usize::MAX),
                        join(&f.via, usize::MAX),
                        join(&f.source_ips, usize::MAX),
                        join(&f.targets, usize::MAX),
                        f.audit_ids.join(" "),
                    ],
                )?;
            }
        }
        Format::Raw => crate::commands::reject_format(Format::Raw, "detect")?,
        Format::Table | Format::Wide => table(rules, found, args, cfg, requests, out)?,
    }
    out.flush()?;
    Ok(())
}

pub static CSV: &[&str] = &[
    "rule",
    "severity",
    "name",
    "count",
    "first",
    "last",
    "actors",
    "via",
    "sourceIPs",
    "targets",
    "auditIDs",
];

fn join(s: &std::collections::BTreeSet<String>, n: usize) -> String {
    let mut v: Vec<&str> = s.iter().map(String::as_str).take(n).collect();
    if s.len() > n {
        v.push("…");
    }
    v.join(", ")
}

fn table(
    rules: &Rules,
    found: &[&Finding],
    args: &DetectArgs,
    cfg: &Config,
    requests: u64,
    out: &mut Out,
) -> Result<()> {
    let style = Style::new(cfg, &args.output);
    let wide = args.output.output == Format::Wide;
    if found.is_empty() {
        writeln!(
            out,
            "No findings: {} rule(s) over {} request(s).",
            rules.rules.len(),
            thousands(requests)
        )?;
        return Ok(());
    }
    let times = crate::commands::group::Times::new(
        found.iter().flat_map(|f| [&f.first, &f.last]),
        cfg.local,
    );
    for sev in Severity::ALL.iter().rev() {
        let mine: Vec<&&Finding> = found
            .iter()
            .filter(|f| rules.rules[f.rule].severity == *sev)
            .collect();
        if mine.is_empty() {
            continue;
        }
        let tone = match sev {
            Severity::Critical | Severity::High => Tone::Bad,
            Severity::Medium => Tone::Warn,
            _ => Tone::Plain,
        };
        let title = format!(
            "{} ({} finding{})",
            sev.name().to_uppercase(),
            mine.len(),
            if mine.len() == 1 { "" } else { "s" }
        );
        let title = crate::render::table::header_label(&title, &style);
        writeln!(out, "{title}")?;
        let cols = [
            Col::fixed("RULE"),
            Col::text("NAME"),
            Col::num("COUNT"),
            Col::fixed(times.header("FIRST")),
            Col::fixed(times.header("LAST")),
            Col::text("ACTOR"),
            Col::text("SOURCE IPS").optional(2),
            Col::text("TARGET"),
            Col::fixed("EVIDENCE").optional(1),
        ];
        let many = if wide { usize::MAX } else { 2 };
        let rows: Vec<Row> = mine
            .iter()
            .map(|f| {
                let r = &rules.rules[f.rule];
                let target = match &f.detail {
                    Some(d) => d.clone(),
                    None => join(&f.targets, many),
                };
                let evidence = match f.audit_ids.len() {
                    0 => String::new(),
                    1 => f.audit_ids[0].clone(),
                    n => format!("{} (+{})", f.audit_ids[0], n - 1),
                };
                Row {
                    cells: vec![
                        Cell::new(r.id.clone()).tone(tone),
                        Cell::new(r.name.clone()),
                        Cell::num(thousands(f.count)),
                        Cell::new(times.cell(f.first)),
                        Cell::new(times.cell(f.last)),
                        Cell::new(if f.via.is_empty() {
                            join(&f.actors, many)
                        } else {
                            format!("{} (via {})", join(&f.actors, many), join(&f.via, many))
                        }),
                        Cell::new(join(&f.source_ips, many)),
                        Cell::new(target),
                        Cell::new(evidence),
                    ],
                    csv: Vec::new(),
                    json: Value::Null,
                }
            })
            .collect();
        emit(out, Format::Table, &style, &cols, CSV, rows, None)?;
        writeln!(out)?;
    }
    writeln!(
        out,
        "{} finding(s) from {} rule(s) over {} request(s) {}; -o json lists every auditID.",
        found.len(),
        rules.rules.len(),
        thousands(requests),
        times.caption()
    )?;
    Ok(())
}

/// `--list`: the catalogue.
fn list(rules: &Rules, args: &DetectArgs, out: &mut Out) -> Result<Outcome> {
    match args.output.output {
        Format::Json | Format::Ndjson => {
            let all: Vec<Value> = rules
                .rules
                .iter()
                .map(|r| {
                    json!({
                        "id": r.id,
                        "name": r.name,
                        "severity": r.severity.name(),
                        "mitre": r.mitre,
                        "form": r.form(),
                        "readsBodies": r.reads_body(),
                        "description": r.description,
                        "falsePositives": r.false_positives,
                        "origin": r.origin,
                    })
                })
                .collect();
            if args.output.output == Format::Json {
                crate::render::json::to_writer_pretty(&mut *out, &all)?;
                out.write_all(b"\n")?;
            } else {
                for v in all {
                    crate::render::json::to_writer(&mut *out, &v)?;
                    out.write_all(b"\n")?;
                }
            }
        }
        _ => {
            for r in &rules.rules {
                writeln!(
                    out,
                    "{}  {}  [{}]{}{}",
                    r.id,
                    r.name,
                    r.severity.name(),
                    r.mitre
                        .as_deref()
                        .map(|m| format!("  MITRE {m}"))
                        .unwrap_or_default(),
                    if r.origin == "built-in" {
                        String::new()
                    } else {
                        format!("  ({})", r.origin)
                    }
                )?;
                writeln!(
                    out,
                    "    form: {}{}",
                    r.form(),
                    if r.reads_body() {
                        "; reads request bodies"
                    } else {
                        ""
                    }
                )?;
                writeln!(out, "    {}", r.description)?;
                writeln!(out, "    False positives: {}", r.false_positives)?;
                writeln!(out)?;
            }
        }
    }
    out.flush()?;
    Ok(Outcome::Matched)
}

/// `--check-rules FILE`: compile it; the first problem of each rule is reported.
fn check(file: &std::path::Path, out: &mut Out) -> Result<Outcome> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| anyhow::anyhow!("cannot read rules file {}: {e}", file.display()))?;
    let rules = crate::detect::parse_rules(&text, &file.display().to_string())
        .map_err(|e| anyhow::anyhow!("{}: {e:#}", file.display()))?;
    // ids must not clash with the catalogue either
    let builtin = crate::detect::parse_rules(crate::detect::BUILTIN, "built-in")?;
    for r in &rules {
        if builtin.iter().any(|b| b.id == r.id) {
            bail!(
                "{}: rule id {} is a built-in rule's id; choose another",
                file.display(),
                r.id
            );
        }
    }
    writeln!(out, "{}: {} rule(s), ok", file.display(), rules.len())?;
    out.flush()?;
    Ok(Outcome::Matched)
}
