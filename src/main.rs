//! The binary: parse arguments, run the command, map the outcome to an exit code. The only
//! place that exits. A broken pipe (`kaudit ... | head`) is a quiet success.
#![allow(clippy::print_stderr)]

use std::process::ExitCode;

use clap::Parser;
use kaudit::cli::Cli;
use kaudit::commands::{self, Outcome};
use kaudit::config::Env;
use kaudit::scan::is_broken_pipe;
use kaudit::term::Diag;

/// mimalloc instead of the system allocator: workers allocate small strings per event and the
/// merging thread frees some of them (see BENCHMARKS.md for the measured effect).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let env = Env::detect();
    let diag = Diag::default();
    match commands::run(cli, &env, &diag) {
        Ok(Outcome::Matched) => ExitCode::SUCCESS,
        Ok(Outcome::NoMatch) => ExitCode::from(1),
        Ok(Outcome::Failed) => ExitCode::from(2),
        Ok(Outcome::Alert) => ExitCode::from(3),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            diag.error(&format!("{e:#}"));
            ExitCode::from(2)
        }
    }
}
