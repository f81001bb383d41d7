//! The binary: parse arguments, run the command, map the outcome to an exit code. The only
//! place that exits. A broken pipe (`kaudit ... | head`) is a quiet success.

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

/// Is standard output closed (`kaudit ... >&-`)? Run before `main`, as an ELF constructor (the
/// way std itself records the arguments on glibc): the Rust runtime, which starts after the
/// constructors, puts /dev/null on a closed descriptor 0-2, and from then on a closed stdout
/// cannot be told from `> /dev/null`. See `term::set_stdout_closed`.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static CHECK_STDOUT: extern "C" fn(libc::c_int, *const *const u8, *const *const u8) = {
    extern "C" fn check(_: libc::c_int, _: *const *const u8, _: *const *const u8) {
        // SAFETY: F_GETFD reads the flags of descriptor 1; it fails only if 1 is not open.
        if unsafe { libc::fcntl(1, libc::F_GETFD) } == -1 {
            kaudit::term::set_stdout_closed();
        }
    }
    check
};

fn main() -> ExitCode {
    #[cfg(target_os = "linux")]
    no_huge_pages();
    let diag = Diag::default();
    let cli = match Cli::try_parse_from(kaudit::cli::hoist(std::env::args_os().collect())) {
        Ok(c) => c,
        // --help, --version: printed to stdout, which may not be writable
        Err(e) if !e.use_stderr() => return print_help(&e, &diag),
        // a usage error, in the one style of kaudit's errors: `kaudit: error: ...`
        Err(e) => {
            use std::io::Write as _;
            let text = e.render().to_string();
            // (a command named without its subcommand gets its help, not an error)
            let prefix = if text.starts_with("error:") {
                "kaudit: "
            } else {
                ""
            };
            let _ = write!(std::io::stderr().lock(), "{prefix}{text}");
            return ExitCode::from(2);
        }
    };
    let env = Env::detect();
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

/// Print what clap has for stdout (help, version) through kaudit's stdout writer and check the
/// write: clap's own `print` ignores write errors, so `kaudit --help > /dev/full` exited 0.
/// Colors as clap would on a terminal (kaudit's auto rule: NO_COLOR unset, TERM not dumb).
fn print_help(e: &clap::Error, diag: &Diag) -> ExitCode {
    use std::io::Write as _;
    let env = Env::detect();
    let styled = e.render();
    let text = if env.stdout_tty && !env.no_color && !env.term_dumb {
        styled.ansi().to_string()
    } else {
        styled.to_string()
    };
    let mut out = kaudit::term::stdout(env.stdout_tty);
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            diag.error(&e.to_string());
            ExitCode::from(2)
        }
    }
}
