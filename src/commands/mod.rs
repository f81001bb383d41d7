//! One file per subcommand, each `pub fn run(args, &Config, ...) -> Result<Outcome>`, and the
//! dispatch below. Commands write only to the `Out` they are given; `main` turns the outcome
//! into an exit code.

pub mod detect;
pub mod events;
pub mod group;
pub mod history;
pub mod latency;
pub mod policy;
pub mod summary;
pub mod timeline;
pub mod tokens;
pub mod top;
pub mod what;
pub mod when;
pub mod r#where;
pub mod who;

use std::io::Write as _;

use anyhow::Result;

use crate::cli::{Cli, Command, FilterArgs, InputArgs, OutputArgs, OutputFormat, PolicyCommand};
use crate::config::{Config, Env};
use crate::render::thousands;
use crate::scan::ScanStats;
use crate::term::{Diag, Out};

/// How a command ended, when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0: something matched.
    Matched,
    /// Exit 1: the scan ran, nothing matched.
    NoMatch,
    /// Exit 2: the command printed what it could, but some input was unreadable or (with
    /// `--strict`) malformed; the reason is already on stderr.
    Failed,
    /// Exit 3: `detect` found something at or above `--fail-on`.
    Alert,
}

pub fn run(cli: Cli, env: &Env, diag: &Diag) -> Result<Outcome> {
    let mut out = None;
    let result = dispatch(cli, env, diag, &mut out);
    finish(result, out)
}

/// Flush what the command left in its writer, if it made one: a write error that shows only
/// when the last bytes leave the buffer fails the command like any other (exit 2). After a
/// failed command, what it wrote goes out as far as it can and the command's own error is the
/// one reported. An alert stands (exit 3): the commands that raise one flush their report
/// themselves and have reported its write error already ([`with_alert`]).
fn finish(result: Result<Outcome>, out: Option<Out>) -> Result<Outcome> {
    let Some(mut out) = out else {
        return result;
    };
    let flushed = out.flush();
    match result {
        Ok(Outcome::Alert) | Err(_) => result,
        Ok(o) => flushed.map(|()| o).map_err(Into::into),
    }
}

/// Run the command; its stdout writer is put in `slot` (for [`finish`]).
fn dispatch(cli: Cli, env: &Env, diag: &Diag, slot: &mut Option<Out>) -> Result<Outcome> {
    match cli.command {
        Command::Summary(a) => scanning(&a.input, &a.filter, &a.output, env, slot, |cfg, out| {
            summary::run(&a, &cfg, diag, out)
        }),
        Command::Events(a) => scanning(&a.input, &a.filter, &a.output, env, slot, |cfg, out| {
            events::run(&a, &cfg, diag, out)
        }),
        Command::Who(a) => scanning(&a.input, &a.filter, &a.output, env, slot, |cfg, out| {
            who::run(&a, &cfg, diag, out)
        }),
        Command::What(a) => scanning(&a.input, &a.filter, &a.output, env, slot, |cfg, out| {
            what::run(&a, &cfg, diag, out)
        }),
        Command::Where(a) => scanning(&a.input, &a.filter, &a.output, env, slot, |cfg, out| {
            r#where::run(&a, &cfg, diag, out)
        }),
        Command::Top(a) => scanning(&a.input, &a.filter, &a.output, env, slot, |cfg, out| {
            top::run(&a, &cfg, diag, out)
        }),
        Command::When(a) => scanning(&a.input, &a.filter, &a.output, env, slot, |cfg, out| {
            when::run(&a, &cfg, diag, out)
        }),
        Command::Latency(a) => scanning(&a.input, &a.filter, &a.output, env, slot, |cfg, out| {
            latency::run(&a, &cfg, diag, out)
        }),
        Command::Tokens(a) => scanning(&a.input, &a.filter, &a.output, env, slot, |cfg, out| {
            tokens::run(&a, &cfg, diag, out)
        }),
        Command::Man => {
            let out = slot.insert(crate::term::stdout(false));
            write_man(out)?;
            Ok(Outcome::Matched)
        }
        Command::History(a) => {
            // KIND/NAME first: a bad argument is reported before anything else is looked at
            let target = history::Target::parse(&a.object)?;
            scanning(&a.input, &a.filter, &a.output, env, slot, |cfg, out| {
                history::run(&a, &target, cfg, diag, out)
            })
        }
        Command::Detect(a) => {
            if a.list || a.check_rules.is_some() {
                let out = slot.insert(crate::term::stdout(false));
                return detect::run(&a, None, diag, out);
            }
            scanning(&a.input, &a.filter, &a.output, env, slot, |cfg, out| {
                detect::run(&a, Some(&cfg), diag, out)
            })
        }
        Command::Policy(a) => match a.command {
            PolicyCommand::Check(c) => {
                let cfg = policy_check_config(&c, env)?;
                // its lines for people wrapped at a terminal's width, as a table's notes are
                let out = slot.insert(match env.columns {
                    Some(w)
                        if env.stdout_tty && w > 0 && c.output == crate::cli::CheckFormat::Text =>
                    {
                        crate::term::stdout_for_text(w)
                    }
                    _ => crate::term::stdout(false),
                });
                policy::check(&c, cfg.as_ref(), diag, out)
            }
            PolicyCommand::Simulate(c) => {
                scanning(&c.input, &c.filter, &c.output, env, slot, |cfg, out| {
                    policy::simulate(&c, &cfg, diag, out)
                })
            }
        },
        Command::Timeline(a) => scanning(&a.input, &a.filter, &a.output, env, slot, |cfg, out| {
            timeline::run(&a, &cfg, diag, out)
        }),
        Command::Completions { shell } => {
            let out = slot.insert(crate::term::stdout(false));
            write_completions(shell, out)?;
            Ok(Outcome::Matched)
        }
    }
}

/// A command that scans: its settings from its flags, its stdout writer put in `slot` (a
/// terminal's when stdout is one), then `run` with both.
fn scanning<F: OutputFormat>(
    input: &InputArgs,
    filter: &FilterArgs,
    output: &OutputArgs<F>,
    env: &Env,
    slot: &mut Option<Out>,
    run: impl FnOnce(Config, &mut Out) -> Result<Outcome>,
) -> Result<Outcome> {
    let cfg = Config::new(input, filter, output, env)?;
    let out = slot.insert(text_out(&cfg, output.output.is_table()));
    run(cfg, out)
}

/// Standard output for a command's answer: on a terminal of known width, a table's notes and
/// sentences are wrapped at its width (`term::stdout_for_text`).
fn text_out(cfg: &Config, table: bool) -> Out {
    match cfg.width {
        Some(w) if table && cfg.stdout_tty && w > 0 => crate::term::stdout_for_text(w),
        _ => crate::term::stdout(cfg.stdout_tty),
    }
}

/// `policy check`'s settings: a scan only when logs are named (with none, nothing is read,
/// not even stdin), unfiltered.
fn policy_check_config(c: &crate::cli::PolicyCheckArgs, env: &Env) -> Result<Option<Config>> {
    if c.input.paths.is_empty() {
        return Ok(None);
    }
    let output = OutputArgs {
        output: crate::cli::Format::Json,
        no_headers: false,
        color: crate::cli::ColorChoice::Never,
        utc: true,
        local: false,
    };
    Ok(Some(Config::new(
        &c.input,
        &FilterArgs::default(),
        &output,
        env,
    )?))
}

/// The man page: kaudit(1) with every subcommand's options and examples.
pub fn write_man(out: &mut Out) -> Result<()> {
    use clap::CommandFactory;
    // without clap's `help` command (`kaudit help who` is `kaudit who --help`, which the
    // pages are): clap_mangen would link a page it does not write
    let cmd = Cli::command()
        .disable_help_subcommand(true)
        .mut_subcommand("policy", |p| p.disable_help_subcommand(true));
    clap_mangen::Man::new(cmd.clone()).render(out)?;
    // clap_mangen renders the top page; append each subcommand's page (kaudit-policy's own
    // subcommands too: its page links kaudit-policy-check(1)) as a section
    fn pages(cmd: &clap::Command, prefix: &str, out: &mut Out) -> Result<()> {
        for sub in cmd.get_subcommands() {
            let name = format!("{prefix}-{}", sub.get_name());
            clap_mangen::Man::new(sub.clone().name(&name)).render(out)?;
            pages(sub, &name, out)?;
        }
        Ok(())
    }
    pages(&cmd, "kaudit", out)?;
    out.flush()?;
    Ok(())
}

/// The completion script for `shell` (also what `completions/` holds).
pub fn write_completions(shell: clap_complete::Shell, out: &mut Out) -> Result<()> {
    use clap::CommandFactory;
    let mut cmd = visible(&Cli::command());
    // clap_complete panics on a failed write (`| head`): build the script, then write it
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "kaudit", &mut buf);
    out.write_all(&buf)?;
    out.flush()?;
    Ok(())
}

/// `cmd` without its hidden flags and commands (clap_complete would offer them): the same
/// names, texts, flags and subcommands otherwise.
fn visible(cmd: &clap::Command) -> clap::Command {
    let mut c = clap::Command::new(cmd.get_name().to_string())
        .propagate_version(cmd.is_propagate_version_set())
        .visible_aliases(cmd.get_visible_aliases().map(str::to_string))
        .args(cmd.get_arguments().filter(|a| !a.is_hide_set()).cloned())
        .subcommands(
            cmd.get_subcommands()
                .filter(|s| !s.is_hide_set())
                .map(visible),
        );
    if let Some(about) = cmd.get_about() {
        c = c.about(about.clone());
    }
    if let Some(v) = cmd.get_version() {
        c = c.version(v.to_string());
    }
    c
}

/// The exit status after a scan: unreadable inputs and `--strict` violations win over matches.
/// (A command that raises an alert passes this to [`with_alert`], where the alert wins.)
pub fn outcome(stats: &ScanStats, cfg: &Config, diag: &Diag, matched: bool) -> Outcome {
    // (the unreadable inputs were reported as they failed)
    let strict = strict_error(stats, cfg);
    if let Some(msg) = &strict {
        diag.error(msg);
    }
    if stats.failed_files > 0 || strict.is_some() {
        return Outcome::Failed;
    }
    if let Some(msg) = nothing_read(stats, cfg, matched) {
        diag.error(&msg);
        return Outcome::Failed;
    }
    if matched {
        Outcome::Matched
    } else {
        Outcome::NoMatch
    }
}

/// With `--strict`, the error that malformed lines are (None without them or without it).
fn strict_error(stats: &ScanStats, cfg: &Config) -> Option<String> {
    (cfg.strict && stats.malformed > 0).then(|| {
        format!(
            "{} malformed line(s) and --strict was given",
            stats.malformed
        )
    })
}

/// The error that the scan had nothing to answer from, though every input was read: no audit
/// event in the inputs (an empty file or stream, something else than a log), or a `--since`
/// after the last event of the logs (a cron job's `--since 1h` on logs that stopped coming). A
/// quiet hour and a stopped audit pipeline must not look the same (exit 1 vs 2). (Not an
/// `--until` before their first event: a request received earlier may end in them.) `matched`:
/// the command's answer has a request (`when`, `tokens` and `timeline --context` read every
/// request, so the scan's count is not theirs).
pub fn nothing_read(stats: &ScanStats, cfg: &Config, matched: bool) -> Option<String> {
    if stats.failed_files > 0 {
        return None;
    }
    // the prefilter skips only lines framed as native events (`scan::worker::skippable`)
    if stats.events + stats.skipped_prefilter == 0 {
        let (inputs, are) = match stats.files.len() {
            0 | 1 => ("the input".to_string(), "it is"),
            n => (format!("the {n} inputs"), "they are"),
        };
        let what = if stats.records == 0 {
            format!("{are} empty")
        } else {
            let mut parts = Vec::new();
            if stats.malformed > 0 {
                parts.push(format!("{} malformed", thousands(stats.malformed)));
            }
            for (n, why) in [
                (stats.skipped_blank, "blank"),
                (stats.skipped_unterminated, "unfinished"),
                (stats.skipped_truncated, "cut by CloudWatch"),
                (stats.skipped_foreign, "of other log types"),
                (stats.skipped_empty, "empty batches"),
            ] {
                if n > 0 {
                    parts.push(format!("{} {why}", thousands(n)));
                }
            }
            format!(
                "{} record(s), {}",
                thousands(stats.records),
                parts.join(", ")
            )
        };
        return Some(format!("no audit event in {inputs}: {what}"));
    }
    let f = &cfg.filter;
    // any event whose time was not read could lie in the window
    if !f.has_window()
        || (stats.matched > 0 && matched)
        || stats.span_unsure
        || stats.bad_times > 0
        || stats.untimed > 0
    {
        return None;
    }
    let first = stats.files.iter().filter_map(|f| f.first).min()?;
    let last = stats.files.iter().filter_map(|f| f.last).max()?;
    let zone = if cfg.local { "" } else { " UTC" };
    let span = format!(
        "the logs run from {}{zone} to {}{zone}",
        crate::render::human_time(Some(first), cfg.local),
        crate::render::human_time(Some(last), cfg.local),
    );
    if let Some(s) = f.since
        && s > last
    {
        return Some(format!(
            "no request in the time window: {span}, and --since is {}{zone}, after their end",
            crate::render::human_time(Some(s), cfg.local)
        ));
    }
    None
}

/// The errors of a scan that make its status [`Outcome::Failed`], worded as on stderr: each
/// input that could not be read (or was cut short), then `--strict`'s malformed lines. For the
/// JSON of commands whose exit status can be an alert (`detect`), so a script that reads the
/// document sees them too.
pub fn scan_errors(stats: &ScanStats, cfg: &Config) -> Vec<String> {
    stats
        .files
        .iter()
        .filter_map(|f| f.error.clone())
        .chain(strict_error(stats, cfg))
        .chain(nothing_read(stats, cfg, true))
        .collect()
}

/// The exit status of a command that raises an alert (`detect --fail-on`, `policy check
/// --fail-on-lint`), once its report has been written and flushed (`written`). The alert outranks every
/// error: exit 3 when the alert holds for what was read, even if some input could not be read,
/// (with `--strict`) lines were malformed, or the report could not be written; those errors
/// are still reported on stderr (a closed pipe, `| head`, quietly). A cron job that pages on 3
/// pages whenever there is something to page for. Without the alert, `base` (from
/// [`outcome`]) and a failed write (exit 2) stand as for any command.
pub fn with_alert(alert: bool, base: Outcome, written: Result<()>, diag: &Diag) -> Result<Outcome> {
    if !alert {
        written?;
        return Ok(base);
    }
    if let Err(e) = written
        && !crate::scan::is_broken_pipe(&e)
    {
        diag.error(&format!("{e:#}"));
    }
    Ok(Outcome::Alert)
}

/// The inputs named on the command line, with a note for each file named twice.
pub fn inputs(paths: &[std::path::PathBuf], diag: &Diag) -> Result<Vec<crate::input::InputFile>> {
    let mut notes = Vec::new();
    let inputs = crate::input::expand(paths, &mut notes)?;
    for n in &notes {
        diag.note(n);
    }
    Ok(inputs)
}

impl From<crate::cli::Format> for crate::render::Format {
    fn from(f: crate::cli::Format) -> Self {
        use crate::cli::Format as F;
        match f {
            F::Table => Self::Table,
            F::Wide => Self::Wide,
            F::Json => Self::Json,
            F::Ndjson => Self::Ndjson,
            F::Csv => Self::Csv,
        }
    }
}

/// The display style of a command's output flags.
pub fn style<F: crate::cli::OutputFormat>(
    cfg: &Config,
    output: &crate::cli::OutputArgs<F>,
) -> crate::render::Style {
    crate::render::Style::new(cfg, output.output.is_wide(), !output.no_headers)
}
