//! The terminal edge: the stdout writer commands print to, diagnostics on stderr, the progress
//! bar, and [`sanitize`], which every string from a log goes through before it reaches a
//! terminal (audit fields are attacker-controlled). [`unsafe_char`] is the one list of code
//! points that are never written as they are: tables and CSV show them as `\e`, `\x07`,
//! `\u{202e}` ([`sanitize`]), JSON writes them as `\u001b`, `\u202e` ([`json_escape`], used by
//! `render::json`), and raw lines bound for a terminal get the same JSON escapes
//! ([`raw_for_terminal`]).
//!
//! Together with `main.rs`, the only module that prints (through `Out` and `Diag`, not `eprintln!`).

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

/// Standard output for text read by people on a terminal `width` columns wide: a line wider
/// than the terminal (a note, a heading, a closing sentence: tables are fitted already) is
/// broken at spaces, its later lines indented by two. Nothing else changes.
pub fn stdout_for_text(width: u16) -> Out {
    Box::new(Wrap {
        inner: LineWriter::new(Stdout(io::stdout())),
        width: usize::from(width),
        line: Vec::new(),
    })
}

/// See [`stdout_for_text`].
struct Wrap<W: Write> {
    inner: W,
    width: usize,
    /// The line being written, until its end.
    line: Vec<u8>,
}

impl<W: Write> Wrap<W> {
    fn emit_line(&mut self) -> io::Result<()> {
        let line = std::mem::take(&mut self.line);
        let wrapped = wrap_line(&line, self.width);
        self.line = line;
        self.line.clear();
        self.inner.write_all(&wrapped)
    }
}

impl<W: Write> Write for Wrap<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        while let Some(i) = rest.iter().position(|b| *b == b'\n') {
            self.line.extend_from_slice(&rest[..=i]);
            self.emit_line()?;
            rest = &rest[i + 1..];
        }
        self.line.extend_from_slice(rest);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        if !self.line.is_empty() {
            // (a partial line is written as it is: a prompt, the end of the output)
            let line = std::mem::take(&mut self.line);
            self.inner.write_all(&line)?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for Wrap<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// `line` (with its newline, if any) broken at spaces into lines of at most `width` columns
/// (color sequences take none), the later ones indented by two; a word longer than a line is
/// left whole. A line that fits, or that is not UTF-8, is returned as it is.
fn wrap_line(line: &[u8], width: usize) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(line) else {
        return line.to_vec();
    };
    let (body, nl) = match text.strip_suffix('\n') {
        Some(b) => (b, "\n"),
        None => (text, ""),
    };
    let cols = |s: &str| unicode_width::UnicodeWidthStr::width(strip_ansi(s).as_ref());
    if width < 20 || cols(body) <= width {
        return line.to_vec();
    }
    let indent = "  ";
    let mut out = String::with_capacity(line.len() + 16);
    let mut cur = String::new();
    for word in body.split(' ') {
        if !cur.is_empty() && cur != indent && cols(&cur) + 1 + cols(word) > width {
            out.push_str(cur.trim_end());
            out.push('\n');
            cur = String::from(indent);
        } else if !cur.is_empty() && cur != indent {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    out.push_str(&cur);
    out.push_str(nl);
    out.into_bytes()
}

/// `s` without its color sequences (`ESC [ ... m`).
fn strip_ansi(s: &str) -> Cow<'_, str> {
    if !s.contains('\x1b') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
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
/// is), zero-width characters that hide content, and the line and paragraph separators
/// U+2028/U+2029 (line breaks to some viewers, and not allowed raw in JavaScript before ES2019).
pub fn unsafe_char(c: char) -> bool {
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
    // printable ASCII (most of any log) has no unsafe character: every one is above U+007F
    // or a control, and checking bytes is much cheaper than decoding chars
    if s.bytes().all(|b| matches!(b, 0x20..=0x7e)) || !s.chars().any(unsafe_char) {
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

/// Append `c` as a JSON escape: `\u001b`, `\u202e`, and a surrogate pair (`\udb40\udc41`) past
/// the Basic Multilingual Plane, as JSON requires.
pub fn json_escape(out: &mut Vec<u8>, c: char) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut units = [0u16; 2];
    for &u in c.encode_utf16(&mut units).iter() {
        out.extend_from_slice(b"\\u");
        for shift in [12, 8, 4, 0] {
            out.push(HEX[usize::from((u >> shift) & 0xf)]);
        }
    }
}

/// An original line (`events -o raw`) made safe for a terminal while it stays the same JSON:
/// every [`unsafe_char`] becomes a JSON escape (`\u009b`, `\u202e`), and a carriage return a
/// space. In a valid JSON line those characters can only be inside strings, where the escape
/// reads back as the same character, and a carriage return only between tokens, where it is
/// whitespace like the space; so the line still parses to the same value. A tab or a newline
/// is kept (JSON whitespace, harmless to a terminal). Bytes that are not UTF-8 are shown as
/// U+FFFD (a lone 0x9B byte is CSI to some terminals). Returns the line untouched when nothing
/// needs changing, as for nearly every line of a real log.
///
/// Only for a terminal: to a pipe or a file, raw lines are written byte for byte.
pub fn raw_for_terminal(line: &[u8]) -> Cow<'_, [u8]> {
    if line
        .iter()
        .all(|&b| (0x20..0x7f).contains(&b) || b == b'\t' || b == b'\n')
    {
        return Cow::Borrowed(line);
    }
    let text = String::from_utf8_lossy(line);
    let changed = |c: char| c == '\r' || (unsafe_char(c) && !matches!(c, '\t' | '\n'));
    if !text.chars().any(changed) {
        return match text {
            Cow::Borrowed(_) => Cow::Borrowed(line),
            Cow::Owned(s) => Cow::Owned(s.into_bytes()),
        };
    }
    let mut out = Vec::with_capacity(line.len() + 16);
    let mut buf = [0u8; 4];
    for c in text.chars() {
        match c {
            '\t' | '\n' => out.push(c as u8),
            '\r' => out.push(b' '),
            c if unsafe_char(c) => json_escape(&mut out, c),
            c => out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes()),
        }
    }
    Cow::Owned(out)
}

/// The progress of a scan on stderr (a terminal): a bar of bytes against the inputs' size
/// when every input has one (a gzip file's compressed bytes), else (stdin, a pipe) a spinner
/// with the bytes read and the requests found. Nothing is drawn until the scan has run for
/// `cfg.progress_after` (a second), so a quick answer prints no bar at all.
pub struct Progress {
    bar: indicatif::ProgressBar,
    start: std::time::Instant,
    after: std::time::Duration,
    /// Is the bar drawn yet?
    shown: AtomicBool,
    /// Is the total known (a bar), or a spinner?
    sized: bool,
}

impl Progress {
    /// The progress of a scan over inputs of `total` bytes (`None`: not known), if progress is
    /// wanted (`cfg.progress`: stderr is a terminal, no `--no-progress`).
    pub fn new(cfg: &Config, total: Option<u64>) -> Option<Progress> {
        if !cfg.progress {
            return None;
        }
        let (bar, template) = match total {
            Some(t) => (
                indicatif::ProgressBar::with_draw_target(
                    Some(t),
                    indicatif::ProgressDrawTarget::hidden(),
                ),
                "{spinner} {bytes}/{total_bytes} {wide_bar} {bytes_per_sec} eta {eta}",
            ),
            None => (
                indicatif::ProgressBar::with_draw_target(
                    None,
                    indicatif::ProgressDrawTarget::hidden(),
                ),
                "{spinner} {bytes} read, {msg} ({elapsed})",
            ),
        };
        bar.set_style(indicatif::ProgressStyle::with_template(template).expect("static template"));
        Some(Progress {
            bar,
            start: std::time::Instant::now(),
            after: cfg.progress_after,
            shown: AtomicBool::new(false),
            sized: total.is_some(),
        })
    }

    /// `n` more bytes read.
    pub fn inc(&self, n: u64) {
        self.bar.inc(n);
        self.reveal();
    }

    /// Is the total known?
    pub fn sized(&self) -> bool {
        self.sized
    }

    /// The bytes read so far.
    pub fn position(&self) -> u64 {
        self.bar.position()
    }

    /// The bytes read so far, and (for the spinner) the requests found.
    pub fn set(&self, bytes: u64, requests: u64) {
        self.bar.set_position(bytes);
        if !self.sized {
            self.bar
                .set_message(format!("{} requests", crate::render::thousands(requests)));
        }
        self.reveal();
    }

    /// Draw from now on, once the scan has run long enough to be worth it.
    fn reveal(&self) {
        if !self.shown.load(Ordering::Relaxed) && self.start.elapsed() >= self.after {
            self.shown.store(true, Ordering::Relaxed);
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(8));
            // drawn now: with a steady tick, updates are drawn by the ticker thread alone, which
            // a scan that ends within its interval may never see run
            self.bar.force_draw();
            self.bar
                .enable_steady_tick(std::time::Duration::from_millis(125));
        }
    }

    pub fn finish_and_clear(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
/// What `f` writes to an [`Out`], as text.
pub fn captured(f: impl FnOnce(&mut Out)) -> String {
    use std::cell::RefCell;
    use std::rc::Rc;
    struct Shared(Rc<RefCell<Vec<u8>>>);
    impl std::io::Write for Shared {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buf = Rc::new(RefCell::new(Vec::new()));
    let mut out: Out = Box::new(Shared(buf.clone()));
    f(&mut out);
    drop(out);
    String::from_utf8(buf.take()).unwrap()
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

    #[test]
    fn raw_lines_for_a_terminal_stay_the_same_json() {
        let plain = br#"{"user":{"username":"alice"},"userAgent":"kubectl/v1.30 \u001b"}"#;
        assert!(matches!(raw_for_terminal(plain), Cow::Borrowed(_)));
        let ok = "{\"name\":\"ünïcödé\"}";
        assert!(matches!(raw_for_terminal(ok.as_bytes()), Cow::Borrowed(_)));
        // valid JSON may carry C1, DEL, bidi, zero-width and U+2028 unescaped, and \r or \t
        // between tokens
        let evil = "{\"u\":\"a\u{9b}2J\u{7f}\u{202e}b\u{200b}\u{2028}\u{e0041}ü\",\r\t\"v\":1}\r";
        let safe = raw_for_terminal(evil.as_bytes());
        let safe = std::str::from_utf8(&safe).unwrap();
        assert_eq!(
            safe,
            r#"{"u":"a\u009b2J\u007f\u202eb\u200b\u2028\udb40\udc41ü", "#.to_owned()
                + "\t\"v\":1} "
        );
        let read = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap();
        assert_eq!(read(safe), read(evil));
        // not JSON, not UTF-8: still nothing a terminal obeys
        let junk = raw_for_terminal(b"\x1b]0;t\x07 \x9b2J \xc2\x9b");
        assert_eq!(&*junk, "\\u001b]0;t\\u0007 \u{fffd}2J \\u009b".as_bytes());
    }
}

#[cfg(test)]
mod wrap_tests {
    use super::wrap_line;

    #[test]
    fn long_text_lines_break_at_spaces_indented() {
        let w = |s: &str| String::from_utf8(wrap_line(s.as_bytes(), 24)).unwrap();
        assert_eq!(w("short line\n"), "short line\n");
        assert_eq!(
            w("(left out to fit: LAST, SOURCE IPS, VIA; -o wide has every column)\n"),
            "(left out to fit: LAST,\n  SOURCE IPS, VIA; -o\n  wide has every column)\n"
        );
        // a word longer than the line stays whole; colors take no columns
        assert_eq!(
            w("a 0123456789012345678901234567 b"),
            "a\n  0123456789012345678901234567\n  b"
        );
        assert_eq!(
            w("\x1b[1mHIGH (4)\x1b[0m and so on, fits\n"),
            "\x1b[1mHIGH (4)\x1b[0m and so on, fits\n"
        );
        for line in [
            w("x ".repeat(40).as_str()),
            w("(a) bb ccc dddd eeeee ffffff ggggggg hhhhhhhh"),
        ] {
            assert!(line.lines().all(|l| l.len() <= 24), "{line}");
        }
    }
}
