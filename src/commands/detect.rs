//! `kaudit detect`: run the detection rules (`detect/`) over the matching requests and report
//! the findings, grouped by severity; `--list` prints the catalogue, `--check-rules` validates a
//! rules file. The exit code serves cron and CI: 3 when a finding reaches `--fail-on`.

use std::io::Write as _;

use anyhow::{Result, bail};
use serde_json::{Value, json};

use crate::cli::{DetectArgs, Format};
use crate::commands::Outcome;
use crate::commands::group::Times;
use crate::config::Config;
use crate::correlate::Request;
use crate::detect::{Finding, Limits, Outcomes, Rules, Severity, State};
use crate::render::{Cell, Col, ColCell, Style, Table, Time, Tone, thousands};
use crate::scan::{self, Flow, Sink};
use crate::term::{Diag, Out};

/// The version of the JSON and NDJSON output; bumped when a field changes meaning or goes.
pub const JSON_VERSION: u32 = 2;

/// Workers test each request against every rule and keep what the matching ones need
/// (`detect::State`: bounded by what the findings report).
struct Detect {
    rules: std::sync::Arc<Rules>,
    st: State,
    /// Parts merged, to take a new copy of the state's bars now and then (`State::reseed`).
    absorbed: u64,
}

struct Part {
    rules: std::sync::Arc<Rules>,
    st: State,
}

impl Sink for Detect {
    type Part = Part;
    fn part(&self) -> Part {
        Part {
            rules: self.rules.clone(),
            st: self.st.part(&self.rules),
        }
    }
    // Every list the state keeps is the smallest N by a total order, and the rest are counts,
    // minima and maxima: the order parts arrive in does not matter. But each part is merged
    // into the sink after its chunk (not handed on to later chunks, as COMMUTATIVE sinks'
    // parts are): the bounds hold for the sink's state, and a chunk's part holds no more than
    // its chunk, so parts kept until the end (one per chunk of a batch) would each grow to the
    // bounds and multiply them.
    const COMMUTATIVE: bool = false;
    // raw lines are read for their bodies only (crate::detect::Bodies)
    const RAW_FOR_BODIES: bool = true;
    const FOLDS: bool = true;
    fn fold(part: &mut Part, r: &Request<'_>) -> bool {
        part.rules.see(r, &mut part.st);
        true
    }
    fn absorb(&mut self, p: Part) {
        self.st.merge(p.st);
        self.absorbed += 1;
        // often at first (lists fill early), then every 64 chunks
        if self.absorbed.is_power_of_two() || self.absorbed.is_multiple_of(64) {
            self.st.reseed();
        }
    }
    fn request(&mut self, r: Request<'_>) -> Result<Flow> {
        self.rules.see(&r, &mut self.st);
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
    let mut rules = rules(args)?;
    rules.show_secrets = args.show_secrets;
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
    let limits = Limits {
        evidence: args.max_evidence,
        rule_hits: args.max_rule_hits,
    };
    let rules = std::sync::Arc::new(rules);
    let mut d = Detect {
        rules: rules.clone(),
        st: State::new(&rules, limits),
        absorbed: 0,
    };
    // bodies are read from the raw lines, for the few requests a body rule looks at
    let stats = scan::Scan::new(cfg)
        .keep_raw(true)
        .run(&inputs, diag, &mut d)?;
    // What the rules kept (many small allocations) is left to the process's exit: freeing it
    // one string at a time was a serial tail of about 80 ms on the 1 GB bench log (8% of
    // detect's time), and the process ends after this command.
    let st: &State = Box::leak(Box::new({
        let mut st = d.st;
        st.finish();
        st
    }));
    let found = crate::detect::findings(&rules, st, args.show_secrets);
    // matching requests each rule left out past --max-rule-hits: JSON's leftOut, the table's
    // last line
    let left: Vec<(&str, u64)> = rules
        .rules
        .iter()
        .zip(st.left_out())
        .filter(|(_, n)| *n > 0)
        .map(|(r, n)| (r.id.as_str(), n))
        .collect();
    let mut notes = body_notes(&rules, &st.unchecked);
    notes.extend(st.notes(&rules));
    for n in &notes {
        diag.note(n);
    }
    let mut shown: Vec<&Finding> = found
        .iter()
        .filter(|f| f.severity >= args.min_severity.into())
        .collect();
    // -k: the first N, most severe first (`found` is in that order)
    let over = shown.len();
    shown.truncate(args.limit.or(usize::MAX));
    let cut = over - shown.len();
    // unreadable inputs and (with --strict) malformed lines: on stderr, and in the JSON
    let base = crate::commands::outcome(&stats, cfg, diag, true);
    let errors = crate::commands::scan_errors(&stats, cfg);
    let alert = args
        .fail_on
        .is_some_and(|level| found.iter().any(|f| f.severity >= Severity::from(level)));
    let written = write(
        &rules,
        &shown,
        args,
        cfg,
        st.requests,
        (&notes, &left),
        &errors,
        cut,
        out,
    );
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

/// One finding: every field of `detect -o ndjson/csv` and of each of `-o json`'s findings.
#[derive(serde::Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct FindingRow<'a> {
    rule: &'a str,
    name: &'a str,
    severity: &'static str,
    mitre: Option<&'a str>,
    techniques: &'a [String],
    tactics: &'a [String],
    count: u64,
    /// The requests by outcome (succeeded, denied, blocked, failed, unknown).
    outcomes: Outcomes,
    first: Time,
    last: Time,
    actors: Vec<&'a str>,
    via: Vec<&'a str>,
    /// The addresses that connected.
    #[serde(rename = "sourceIPs")]
    source_ips: Vec<&'a str>,
    /// The addresses clients' `X-Forwarded-For` headers claimed.
    #[serde(rename = "forwardedFor")]
    forwarded_for: Vec<&'a str>,
    /// Source addresses of listed requests that were not kept.
    #[serde(rename = "sourceIPsLeftOut")]
    source_ips_left_out: u64,
    targets: Vec<&'a str>,
    /// What the rule shows of the listed requests: `label=value` per `show` field, each
    /// request's once.
    matched: Vec<String>,
    detail: Option<&'a str>,
    /// The first `--max-evidence` requests.
    #[serde(rename = "auditIDs")]
    audit_ids: Vec<&'a str>,
    #[serde(rename = "auditIDsLeftOut")]
    audit_ids_left_out: u64,
}

impl<'a> FindingRow<'a> {
    fn new(rules: &'a Rules, f: &'a Finding, evidence: usize) -> FindingRow<'a> {
        let r = &rules.rules[f.rule];
        let s = f.shown(evidence);
        FindingRow {
            rule: &r.id,
            name: &r.name,
            severity: f.severity.name(),
            mitre: r.mitre(),
            techniques: &r.techniques,
            tactics: &r.tactics,
            outcomes: f.outcomes.unwrap_or_else(|| s.outcomes()),
            matched: s.matched().into_iter().map(|m| r.shown(m)).collect(),
            forwarded_for: s.forwarded_for(),
            count: f.count,
            first: Time(f.first),
            last: Time(f.last),
            actors: s.actors(),
            via: s.via(),
            source_ips: s.source_ips(),
            source_ips_left_out: s.ips_left_out(),
            targets: s.targets(),
            detail: f.detail.as_deref(),
            audit_ids: s.audit_ids(),
            audit_ids_left_out: s.left_out,
        }
    }
}

/// The `-o json` document, written one finding at a time (a finding's JSON is built, written
/// and dropped: N findings of up to `--max-evidence` auditIDs each are never all in memory).
#[derive(serde::Serialize)]
struct Doc<'a> {
    version: u32,
    requests: u64,
    rules: Vec<&'a str>,
    findings: Each<'a>,
    /// Findings past `-k` (0 without it).
    #[serde(rename = "findingsLeftOut")]
    findings_left_out: usize,
    notes: &'a [String],
    /// Per rule that left some out: the matching requests it did not keep (--max-rule-hits).
    #[serde(rename = "leftOut")]
    left_out: Vec<Value>,
    errors: &'a [String],
}

struct Each<'a> {
    rules: &'a Rules,
    found: &'a [&'a Finding<'a>],
    evidence: usize,
}

impl serde::Serialize for Each<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(
            self.found
                .iter()
                .map(|f| FindingRow::new(self.rules, f, self.evidence)),
        )
    }
}

#[expect(clippy::too_many_arguments)]
fn write(
    rules: &Rules,
    found: &[&Finding],
    args: &DetectArgs,
    cfg: &Config,
    requests: u64,
    (notes, left): (&[String], &[(&str, u64)]),
    errors: &[String],
    cut: usize,
    out: &mut Out,
) -> Result<()> {
    let evidence = args.max_evidence;
    match args.output.output {
        Format::Json => {
            let doc = Doc {
                version: JSON_VERSION,
                requests,
                rules: rules.rules.iter().map(|r| r.id.as_str()).collect(),
                findings: Each {
                    rules,
                    found,
                    evidence,
                },
                findings_left_out: cut,
                notes,
                left_out: left
                    .iter()
                    .map(|(id, n)| json!({"rule": id, "requests": n}))
                    .collect(),
                errors,
            };
            crate::render::json::to_writer_pretty(&mut *out, &doc)?;
            out.write_all(b"\n")?;
        }
        Format::Ndjson | Format::Csv => {
            let style = crate::commands::style(cfg, &args.output);
            Table {
                format: args.output.output.into(),
                style,
                columns: Vec::new(),
                template: FindingRow::default(),
                note: None,
            }
            .emit(out, found.len(), |i| {
                FindingRow::new(rules, found[i], evidence)
            })?;
        }
        Format::Table | Format::Wide => {
            // nothing read, and the errors say why (on stderr): "No findings over 0
            // requests" would read as an all-clear
            if !(found.is_empty() && requests == 0 && !errors.is_empty()) {
                table(rules, found, args, cfg, (requests, cut), out)?;
            }
            if !left.is_empty() {
                let each: Vec<String> = left
                    .iter()
                    .map(|(id, n)| format!("{id} {}", thousands(*n)))
                    .collect();
                writeln!(
                    out,
                    "Matching requests left out past --max-rule-hits {} (see the notes; they may hold more findings): {}.",
                    thousands(args.max_rule_hits as u64),
                    each.join(", ")
                )?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// The first `n` values, and how many more there are: `alice, bob +3`.
fn join(s: &[&str], n: usize) -> String {
    let mut out = s[..s.len().min(n)].join(", ");
    if s.len() > n {
        out.push_str(&format!(" +{}", s.len() - n));
    }
    out
}

/// The findings for people: a table per severity, the gravest first, then a closing line.
fn table(
    rules: &Rules,
    found: &[&Finding],
    args: &DetectArgs,
    cfg: &Config,
    (requests, left): (u64, usize),
    out: &mut Out,
) -> Result<()> {
    let style = crate::commands::style(cfg, &args.output);
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
    let sections = Findings {
        rules,
        evidence: args.max_evidence,
        style,
        times: Times::new(found.iter().flat_map(|f| [&f.first, &f.last]), cfg.local),
        many: if wide { usize::MAX } else { 2 },
    };
    // findings whose evidence list was cut, and the requests it left out
    let mut cut = (0u64, 0u64);
    for sev in Severity::ALL.iter().rev() {
        let mine: Vec<&&Finding> = found.iter().filter(|f| f.severity == *sev).collect();
        if mine.is_empty() {
            continue;
        }
        for f in &mine {
            let left_out = f.shown(args.max_evidence).left_out;
            if left_out > 0 {
                cut.0 += 1;
                cut.1 += left_out;
            }
        }
        sections.severity_table(out, *sev, &mine)?;
    }
    let listed = if cut.0 == 0 {
        "-o json lists every auditID".to_string()
    } else {
        format!(
            "-o json lists the first {} requests of each finding: {} finding(s) left out {} more (auditIDsLeftOut; --max-evidence)",
            thousands(args.max_evidence as u64),
            thousands(cut.0),
            thousands(cut.1)
        )
    };
    let count = found.len() + left;
    let shown = if left == 0 {
        String::new()
    } else {
        format!(", the first {} shown (-k)", thousands(found.len() as u64))
    };
    writeln!(
        out,
        "{} finding(s){shown} from {} rule(s) over {} request(s) {}; {listed}.",
        thousands(count as u64),
        rules.rules.len(),
        thousands(requests),
        sections.times.caption()
    )?;
    Ok(())
}

/// What each severity's table reads: the rules, how many requests to list, how to draw.
struct Findings<'a> {
    rules: &'a Rules,
    /// `--max-evidence`.
    evidence: usize,
    style: Style,
    times: Times,
    /// Values shown of each list (actors, addresses, targets) before `+N`.
    many: usize,
}

impl Findings<'_> {
    /// The findings of one severity: a title with their number, a row each, a blank line.
    fn severity_table(&self, out: &mut Out, sev: Severity, mine: &[&&Finding]) -> Result<()> {
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
        let title = crate::render::table::header_label(&title, &self.style);
        writeln!(out, "{title}")?;
        Table {
            format: crate::render::Format::Table,
            style: self.style,
            columns: finding_columns(
                &self.times,
                tone,
                self.many,
                mine.iter().any(|f| self.rules.rules[f.rule].shows()),
            ),
            template: FindingRow::default(),
            note: None,
        }
        .emit(out, mine.len(), |i| {
            FindingRow::new(self.rules, mine[i], self.evidence)
        })?;
        writeln!(out)?;
        Ok(())
    }
}

/// The columns of a findings table: rule (in its severity's `tone`), name, count, first and
/// last, actors, source IPs, targets, evidence; lists cut after `many` values.
fn finding_columns<'f, 'a: 'f>(
    times: &'f Times,
    tone: Tone,
    many: usize,
    matched: bool,
) -> Vec<ColCell<'f, FindingRow<'a>>> {
    let mut cols = vec![
        Col::fixed("RULE").cell(move |r: &FindingRow| Cell::new(r.rule).tone(tone)),
        Col::text("NAME")
            .optional(4)
            .cell(|r: &FindingRow| Cell::new(r.name)),
        Col::num("COUNT").cell(|r: &FindingRow| Cell::num(thousands(r.count))),
        // how the requests ended: as much the finding as who and what
        Col::text("OUTCOME").cell(|r: &FindingRow| Cell::new(r.outcomes.text())),
        // (the zone and a shared day are said once, in the closing line's caption)
        Col::fixed("FIRST").cell(|r: &FindingRow| Cell::new(times.cell(r.first.0))),
        Col::fixed("LAST")
            .optional(3)
            .cell(|r: &FindingRow| Cell::new(times.cell(r.last.0))),
        Col::text("ACTOR").cell(move |r: &FindingRow| {
            Cell::new(if r.via.is_empty() {
                join(&r.actors, many)
            } else {
                format!("{} (via {})", join(&r.actors, many), join(&r.via, many))
            })
        }),
        Col::text("SOURCE IPS")
            .optional(6)
            .cell(move |r: &FindingRow| {
                let mut ips = join(&r.source_ips, many);
                if r.source_ips_left_out > 0 {
                    ips.push_str(&format!(
                        " (+{} not kept)",
                        thousands(r.source_ips_left_out)
                    ));
                }
                Cell::new(ips)
            }),
        Col::text("TARGET").cell(move |r: &FindingRow| {
            Cell::new(match r.detail {
                Some(d) => d.to_string(),
                None => join(&r.targets, many),
            })
        }),
        // (only where some rule of the table shows values: see below)
        Col::text("MATCHED")
            .optional(2)
            .cell(move |r: &FindingRow| {
                let m: Vec<&str> = r.matched.iter().map(String::as_str).collect();
                Cell::new(join(&m, many))
            }),
        // every other request, listed or not
        Col::fixed("EVIDENCE").optional(5).cell(|r: &FindingRow| {
            let others = (r.audit_ids.len() as u64 + r.audit_ids_left_out).saturating_sub(1);
            Cell::new(match (r.audit_ids.first(), others) {
                (None, 0) => String::new(),
                (None, n) => format!("({} not listed)", thousands(n)),
                (Some(id), 0) => id.to_string(),
                (Some(id), n) => format!("{id} (+{})", thousands(n)),
            })
        }),
    ];
    if !matched {
        cols.retain(|c| c.col.header != "MATCHED");
    }
    cols
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
                        "mitre": r.mitre(),
                        "techniques": r.techniques,
                        "tactics": r.tactics,
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
                    if r.techniques.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "  ATT&CK {}{}",
                            r.techniques.join(", "),
                            if r.tactics.is_empty() {
                                String::new()
                            } else {
                                format!(" ({})", r.tactics.join(", "))
                            }
                        )
                    },
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
    // compiled with the catalogue, as a run would: its lists, macros and ids are there
    // (its mistakes are named with the file already)
    let rules = Rules::load(true, std::slice::from_ref(&file.to_path_buf()))?;
    let name = file.display().to_string();
    let rules: Vec<_> = rules.rules.iter().filter(|r| r.origin == name).collect();
    writeln!(out, "{}: {} rule(s), ok", file.display(), rules.len())?;
    out.flush()?;
    Ok(Outcome::Matched)
}
