//! The terminal edge: the stdout writer commands print to, diagnostics on stderr, the progress
//! bar, and [`sanitize`], which every string from a log goes through before it reaches a
//! terminal (audit fields are attacker-controlled).
//!
//! Together with `main.rs`, the only module allowed to print.
#![allow(clippy::print_stderr)]

use std::borrow::Cow;
use std::io::{self, BufWriter, LineWriter, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::config::Config;

/// Where commands write their results: line-buffered on a terminal (rows appear as they are
/// found), block-buffered otherwise. Its errors name standard output (`cannot write to standard
/// output: No space left on device`) and keep their kind, so a closed pipe is still known as one
/// (`scan::is_broken_pipe`). Write errors are never ignored: commands end with `flush()?` and
/// `commands::run` flushes once more, so an error that only shows when the last bytes leave the
/// buffer still fails the command (exit 2).
pub type Out = Box<dyn Write>;

pub fn stdout(tty: bool) -> Out {
    if tty {
        Box::new(LineWriter::new(Stdout(io::stdout())))
    } else {
        Box::new(BufWriter::with_capacity(1 << 16, Stdout(io::stdout())))
    }
}

/// Standard output was closed when the process started (`kaudit ... >&-`). The Rust runtime
/// then opens /dev/null in its place before `main` (so that no file opened later takes
/// descriptor 1), where every write succeeds and the output is lost without a word. `main`
/// looks before the runtime does and records it with [`set_stdout_closed`].
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Record that descriptor 1 was closed at start: every write to [`stdout`] then fails.
pub fn set_stdout_closed() {
    STDOUT_CLOSED.store(true, Ordering::Relaxed);
}

/// The process's standard output, failing where it cannot be written.
struct Stdout(io::Stdout);

impl Stdout {
    fn error(e: io::Error) -> io::Error {
        io::Error::new(e.kind(), format!("cannot write to standard output: {e}"))
    }
    /// Nothing can be written to a closed stdout (writing nothing is fine, as `true >&-` is).
    fn closed(buf: &[u8]) -> io::Result<()> {
        if !buf.is_empty() && STDOUT_CLOSED.load(Ordering::Relaxed) {
            return Err(io::Error::other(
                "cannot write to standard output: it is closed (to discard the output, send it to /dev/null)",
            ));
        }
        Ok(())
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Self::closed(buf)?;
        self.0.write(buf).map_err(Self::error)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        Self::closed(buf)?;
        self.0.write_all(buf).map_err(Self::error)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().map_err(Self::error)
    }
}

/// Warnings and notes on stderr, as `kaudit: warning: ...`; sanitized because they quote files.
#[derive(Debug, Default)]
pub struct Diag {
    pub quiet: bool,
}

impl Diag {
    pub fn warn(&self, msg: &str) {
        if !self.quiet {
            emit("warning", msg);
        }
    }
    pub fn note(&self, msg: &str) {
        if !self.quiet {
            emit("note", msg);
        }
    }
    pub fn error(&self, msg: &str) {
        emit("error", msg);
    }
}

/// Write one diagnostic to stderr. A closed stderr (`2>&1 | head -1`) is ignored: `eprintln!`
/// would panic there.
fn emit(kind: &str, msg: &str) {
    let _ = writeln!(
        io::stderr().lock(),
        "kaudit: {kind}: {}",
        sanitize_lines(msg)
    );
}

/// Sanitize each line of a message on its own: kaudit's messages may span lines, and any data
/// they quote is quoted with `{:?}` or passes through `sanitize`, which escapes newlines.
fn sanitize_lines(msg: &str) -> String {
    msg.split('\n').map(sanitize).collect::<Vec<_>>().join("\n")
}

/// Is this character unsafe to show as-is? C0/C1 controls and DEL (escape sequences, cursor
/// movement, bells), bidirectional overrides and isolates (text that reads differently than it
/// is), and zero-width characters that hide content.
fn unsafe_char(c: char) -> bool {
    c.is_control() || default_ignorable(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Unicode's Default_Ignorable_Code_Point: characters a terminal draws as nothing, which would
/// let `system:adm\u{ad}in` pass for `system:admin`.
fn default_ignorable(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}'..='\u{1160}' | '\u{17B4}'..='\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}' | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// Make a string from a log safe for a terminal: unsafe characters become visible escapes
/// (`\e`, `\t`, `\r`, `\n`, `\u{202e}`). Returns the input untouched when it is already safe.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !unsafe_char(c) {
            out.push(c);
            continue;
        }
        match c {
            '\x1b' => out.push_str("\\e"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
        }
    }
    Cow::Owned(out)
}

/// A byte-progress bar on stderr for inputs big enough to take about a second.
pub fn progress_bar(cfg: &Config, total: u64) -> Option<indicatif::ProgressBar> {
    const WORTH_IT: u64 = 512 << 20;
    if !cfg.progress || total < WORTH_IT {
        return None;
    }
    let pb = indicatif::ProgressBar::with_draw_target(
        Some(total),
        indicatif::ProgressDrawTarget::stderr_with_hz(8),
    );
    pb.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {bytes}/{total_bytes} {wide_bar} {bytes_per_sec} eta {eta}",
        )
        .expect("static template"),
    );
    pb.enable_steady_tick(std::time::Duration::from_millis(125));
    Some(pb)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitizes_escapes_and_bidi() {
        assert!(matches!(
            sanitize("kubectl/v1.30 (linux)"),
            Cow::Borrowed(_)
        ));
        assert_eq!(sanitize("\x1b[31mred\x1b[0m"), "\\e[31mred\\e[0m");
        assert_eq!(sanitize("a\tb\rc\nd"), "a\\tb\\rc\\nd");
        assert_eq!(sanitize("evil\u{202e}txt.exe"), "evil\\u{202e}txt.exe");
        assert_eq!(sanitize("\x1b]0;pwned\x07"), "\\e]0;pwned\\x07");
        assert_eq!(sanitize("\u{9b}2J"), "\\x9b2J");
        assert_eq!(sanitize("zero\u{200b}width"), "zero\\u{200b}width");
        assert_eq!(sanitize("ünïcödé ok"), "ünïcödé ok");
        // invisible characters that would let one user pass for another
        assert_eq!(sanitize("system:adm\u{ad}in"), "system:adm\\xadin");
        assert_eq!(sanitize("a\u{e0041}b"), "a\\u{e0041}b");
        assert_eq!(sanitize("a\u{3164}b"), "a\\u{3164}b");
        assert_eq!(sanitize("a\u{180e}b"), "a\\u{180e}b");
    }
}
