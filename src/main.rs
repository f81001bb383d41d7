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

/// No transparent huge pages for this process: with THP, the allocator's arenas are backed by
/// 2 MiB pages that the kernel zeroes whole on first touch, and freed memory that is handed back
/// and touched again is zeroed again (`clear_page_erms` was 8-11% of `detect`'s CPU and 2-5% of
/// `summary`'s). Measured: summary -3.5%, detect -9% CPU on 1 GB.
#[cfg(target_os = "linux")]
fn no_huge_pages() {
    // SAFETY: PR_SET_THP_DISABLE takes integers only and changes a flag of this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn main() -> ExitCode {
    #[cfg(target_os = "linux")]
    no_huge_pages();
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
