//! One file per subcommand, each `pub fn run(args, &Config, ...) -> Result<Outcome>`, and the
//! dispatch below. Commands write only to the `Out` they are given; `main` turns the outcome
//! into an exit code.

pub mod events;
pub mod summary;
pub mod timeline;

use std::io::Write as _;

use anyhow::{Result, bail};

use crate::cli::{Cli, Command};
use crate::config::{Config, Env};
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
}

pub fn run(cli: Cli, env: &Env, diag: &Diag) -> Result<Outcome> {
    match cli.command {
        Command::Summary(a) => {
            let cfg = Config::new(&a.input, &a.filter, &a.output, env)?;
            let mut out = crate::term::stdout(cfg.stdout_tty);
            summary::run(&a, &cfg, diag, &mut out)
        }
        Command::Events(a) => {
            let cfg = Config::new(&a.input, &a.filter, &a.output, env)?;
            let mut out = crate::term::stdout(cfg.stdout_tty);
            events::run(&a, &cfg, diag, &mut out)
        }
        Command::Timeline(a) => {
            let cfg = Config::new(&a.input, &a.filter, &a.output, env)?;
            let mut out = crate::term::stdout(cfg.stdout_tty);
            timeline::run(&a, &cfg, diag, &mut out)
        }
        Command::Completions { shell } => {
            let mut out = crate::term::stdout(false);
            write_completions(shell, &mut out)?;
            Ok(Outcome::Matched)
        }
    }
}

/// The completion script for `shell` (also what `completions/` holds).
pub fn write_completions(shell: clap_complete::Shell, out: &mut Out) -> Result<()> {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "kaudit", out);
    out.flush()?;
    Ok(())
}

/// The exit status after a scan: unreadable inputs and `--strict` violations win over matches.
pub fn outcome(stats: &ScanStats, cfg: &Config, diag: &Diag, matched: bool) -> Outcome {
    if stats.failed_files > 0 {
        return Outcome::Failed;
    }
    if cfg.strict && stats.malformed > 0 {
        diag.error(&format!(
            "{} malformed line(s) and --strict was given",
            stats.malformed
        ));
        return Outcome::Failed;
    }
    if matched {
        Outcome::Matched
    } else {
        Outcome::NoMatch
    }
}

/// Refuse output formats a command does not have.
pub fn reject_format(f: crate::cli::Format, cmd: &str) -> Result<()> {
    bail!(
        "-o {}: not available for `kaudit {cmd}`",
        clap::ValueEnum::to_possible_value(&f)
            .map_or_else(String::new, |v| v.get_name().to_string())
    )
}
