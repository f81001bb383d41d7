//! Detections: rules over correlated requests, and the findings they make.
//!
//! A rule is data (`rules.yaml`, embedded at build time, and the users' `--rules-file`s, in the
//! same format): a boolean expression over a request's fields and bodies, with optional
//! threshold (so many matching requests per key within a window) or sequence (one request, then
//! another by the actor it names, within a time) forms. [`Rules::load`] compiles them once;
//! workers test every request against every rule ([`Rules::hits`]) and keep small [`Hit`]s, and
//! [`findings`] turns the hits into findings: collapsed by the rule's `group_by`, windowed for
//! thresholds, joined for sequences. Output is the command's (`commands/detect.rs`).
//!
//! Bodies (`requestObject`, `responseObject`) are read only when a rule's other conditions
//! already hold (they are tested last), from the request's raw lines; a request logged without
//! the body a rule needs is counted, so the command can say that the rule could not look.
//!
//! The parts: `field.rs` (the fields and body paths a rule tests, and a request's values of
//! them), `expr.rs` (the conditions and expressions over them), `rule.rs` (a rule compiled from
//! its YAML: its form, threshold, sequence or baseline), `keep.rs` (what matching requests leave,
//! bounded), `evidence.rs` (the bounded lists it is made of), `findings.rs` (the findings made
//! of it); the rules a run uses and the test of each request are here.

use std::sync::OnceLock;

use anyhow::{Context, Result, bail};
use rustc_hash::FxHashMap;

use crate::correlate::Request;
use crate::correlate::meaning::Outcome;

mod catalog;
mod evidence;
mod expr;
mod field;
mod findings;
mod keep;
mod rule;
#[cfg(test)]
mod tests;

pub use evidence::Outcomes;
use expr::{Expr, Op, Scalar};
pub use field::Bodies;
use field::Field;
pub use findings::{Finding, Shown, findings};
pub use keep::{EVIDENCE, Limits, RULE_HITS, State};
pub use rule::{Rule, Severity, parse_duration, parse_rules};

/// The built-in catalogue.
pub const BUILTIN: &str = include_str!("rules.yaml");

/// The rules a run uses, with their settings.
#[derive(Debug, Clone)]
pub struct Rules {
    pub rules: Vec<Rule>,
    /// Findings show body values and command lines as logged (`--show-secrets`).
    pub show_secrets: bool,
    /// Which rules can match a request, by its resource: built on first use (after `select`).
    index: OnceLock<Index>,
}

/// Rules that name the resources they match are tried only on requests of those resources.
#[derive(Debug, Clone, Default)]
struct Index {
    always: Vec<usize>,
    by_resource: FxHashMap<String, Vec<usize>>,
}

impl Index {
    fn new(rules: &[Rule]) -> Index {
        let mut ix = Index::default();
        for (i, r) in rules.iter().enumerate() {
            // a sequence's later step is tested on every request too: both must name theirs
            let res = match &r.sequence {
                None => resources(&r.matcher),
                Some(s) => resources(&r.matcher)
                    .zip(resources(&s.then))
                    .map(|(mut a, b)| {
                        a.extend(b);
                        a
                    }),
            };
            match res {
                Some(mut res) => {
                    res.sort_unstable();
                    res.dedup();
                    for x in res {
                        ix.by_resource.entry(x).or_default().push(i);
                    }
                }
                None => ix.always.push(i),
            }
        }
        // a request's rules in catalogue order, as before the index
        for v in ix.by_resource.values_mut() {
            v.sort_unstable();
        }
        ix
    }
}

/// The resources a request must have for `e` to hold, when `e` says (a top-level test of
/// `resource` against a list of names).
fn resources(e: &Expr) -> Option<Vec<String>> {
    match e {
        Expr::Test(Field::Resource, c) if c.exists.is_none() && c.not.is_none() => match &c.ops[..]
        {
            [Op::In(xs)] => xs
                .iter()
                .map(|x| match x {
                    Scalar::Str(s) => Some(s.clone()),
                    _ => None,
                })
                .collect(),
            _ => None,
        },
        Expr::All(v) => v.iter().find_map(resources),
        // any of several: the resources of all of them, when each names its own
        Expr::Any(v) => v
            .iter()
            .map(resources)
            .collect::<Option<Vec<Vec<String>>>>()
            .map(|l| l.concat()),
        _ => None,
    }
}

impl Rules {
    /// The built-in catalogue, then each file's rules; ids must be unique.
    pub fn load(builtin: bool, files: &[std::path::PathBuf]) -> Result<Rules> {
        // the built-in lists and macros are there for every file, its rules only when run
        let mut docs = vec![{
            let d = catalog::Doc::read(BUILTIN, "built-in").context("the built-in rules")?;
            if builtin { d } else { d.definitions_only() }
        }];
        for f in files {
            let text = std::fs::read_to_string(f)
                .with_context(|| format!("cannot read rules file {}", f.display()))?;
            docs.push(
                catalog::Doc::read(&text, &f.display().to_string())
                    .with_context(|| format!("rules file {}", f.display()))?,
            );
        }
        let rules = catalog::compile(&docs)?;
        let mut seen: FxHashMap<&str, &str> = FxHashMap::default();
        for r in &rules {
            if let Some(other) = seen.insert(&r.id, &r.origin) {
                bail!(
                    "rule id {} is given twice ({} and {}): ids must be unique",
                    r.id,
                    other,
                    r.origin
                );
            }
        }
        Ok(Rules {
            rules,
            show_secrets: false,
            index: OnceLock::new(),
        })
    }

    /// Keep the rules `pick` names (all when empty), then drop those `skip` names. Unknown ids
    /// are an error.
    pub fn select(&mut self, pick: &[String], skip: &[String]) -> Result<()> {
        for id in pick.iter().chain(skip) {
            if !self.rules.iter().any(|r| r.id == *id) {
                bail!("no rule {id} (kaudit detect --list shows them)");
            }
        }
        self.rules
            .retain(|r| (pick.is_empty() || pick.contains(&r.id)) && !skip.contains(&r.id));
        self.index = OnceLock::new();
        Ok(())
    }

    /// Test one request against every rule, and keep what the matching ones need in `st`.
    pub fn see(&self, r: &Request<'_>, st: &mut State) {
        st.requests += 1;
        let dry = r.dry_run().is_dry();
        let b = Bodies::new(r);
        let ix = self.index.get_or_init(|| Index::new(&self.rules));
        let some = ix
            .by_resource
            .get(&*r.resource)
            .map_or(&[][..], Vec::as_slice);
        for &i in ix.always.iter().chain(some) {
            let rule = &self.rules[i];
            if dry && !rule.about_dry_runs() {
                continue;
            }
            b.missing.set(false);
            if rule.matches(r, &b) {
                st.first(i, rule, r, &b);
                if rule.baseline.is_some() {
                    continue;
                }
            } else if b.missing.get() && r.outcome() != Outcome::Denied {
                // (a denied request never has a body: the API server refuses it before it
                // reads one, whatever the audit level)
                st.unchecked[i] += 1;
            }
            if let Some(s) = &rule.sequence
                && s.then.eval(r, &b)
                && !rule.excused(r, &b)
            {
                st.then(i, rule, r, &b);
            }
        }
    }
}
