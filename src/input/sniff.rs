//! Does a file hold audit data? Asked of every file met while walking a folder, so that a folder
//! is read by content, whatever its files are called (`.json`, `.jsonl`, `.ndjson`, `.gz`, no
//! extension), and what holds no audit data (a README, a policy, an answer key, a binary) is
//! left out and named, with why.
//!
//! The answer is the reading's own: the file's start is decompressed if it is gzip (by its magic
//! bytes, as [`super::open`] does), taken as a JSON document or as lines by the same test the scan
//! makes ([`super::document::is_document`] on its first [`super::document::HEAD`] bytes), cut into
//! records the same way (lines, or [`super::split`] for documents), and its first records are
//! read by [`Reader`] with `--input-format auto`. The file holds audit data when one of its first
//! [`MAX_RECORDS`] records (within [`MAX_BYTES`]) is an audit event, or a record the reading
//! counts as one cut short (a CloudWatch `[Truncated...]` event). Records of another service or
//! log category in a GKE or AKS export make it an export to read, unless the whole file was seen
//! and holds nothing else. A first record longer than [`MAX_BYTES`] is judged by its start
//! (`"auditID"`, `audit.k8s.io/`, GKE's `"serviceName":"k8s.io"`).
//!
//! When a file cannot be looked at (it cannot be opened, a read fails, its gzip data is damaged
//! from the start) the answer is yes: it is then read, and the reading reports the error, rather
//! than a file that may hold audit data being left out on a note. This module reads a file's
//! start only; it neither opens inputs for the scan nor counts anything.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek};
use std::path::Path;

use super::document::{self, BOM};
use super::format::{Format, Reader, Rec};
use super::native::Skip;
use super::split::{Cut, Mode, Splitter};

/// Records looked at before deciding that a file holds no audit events.
pub const MAX_RECORDS: usize = 16;
/// Bytes read (decompressed) before deciding on what has been read.
pub const MAX_BYTES: usize = 16 << 20;
/// First read; each next read doubles what is held, so the start is parsed a few times at most.
const FIRST_READ: usize = 16 << 10;

/// What a file's start says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Audit data (or a file that could not be looked at: the reading reports why).
    Audit,
    /// Nothing for kaudit; why, in a few words (`not JSON`, `JSON, but not audit events`).
    Not(String),
    /// The file holds no record at all (0 bytes, or blank lines only).
    Empty,
}

/// Look at the start of the regular file at `path`.
pub fn file(path: &Path) -> Verdict {
    let Ok(mut f) = File::open(path) else {
        return Verdict::Audit;
    };
    let mut magic = [0u8; 262 + 8];
    let n = read_up_to(&mut f, &mut magic).unwrap_or(0);
    let magic = &magic[..n];
    if let Some(what) = container(magic) {
        return Verdict::Not(what.into());
    }
    if f.rewind().is_err() {
        return Verdict::Audit;
    }
    if magic.starts_with(&super::GZIP_MAGIC) {
        let gz = super::gzip::decoder(BufReader::new(f), 0);
        return stream(gz, true);
    }
    stream(f, false)
}

/// Look at the start of a stream (decompressed already when `gz`).
fn stream(mut r: impl Read, gz: bool) -> Verdict {
    let mut buf = Vec::new();
    let mut want = FIRST_READ;
    loop {
        let (eof, failed) = match fill(&mut r, &mut buf, want) {
            Ok(eof) => (eof, false),
            Err(_) => (true, true),
        };
        let v = if failed {
            // what was read before a damaged part may still decide (a log cut short); else it is
            // read, and the reading reports the error
            match decide(&buf, false) {
                Some(v @ Verdict::Not(_)) => v,
                _ => Verdict::Audit,
            }
        } else {
            match decide(&buf, eof) {
                Some(v) => v,
                None if buf.len() >= MAX_BYTES => judge_start(&buf),
                None => {
                    want = (want * 2).min(MAX_BYTES);
                    continue;
                }
            }
        };
        return match v {
            Verdict::Not(why) if gz && why.starts_with("not text") => {
                Verdict::Not(format!("gzip-compressed, {why}"))
            }
            v => v,
        };
    }
}

/// Read into `buf` until it holds `want` bytes or the input ends (then true).
fn fill(r: &mut impl Read, buf: &mut Vec<u8>, want: usize) -> io::Result<bool> {
    let mut chunk = vec![0u8; 64 << 10];
    while buf.len() < want {
        let room = (want - buf.len()).min(chunk.len());
        match r.read(&mut chunk[..room]) {
            Ok(0) => return Ok(true),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(false)
}

fn read_up_to(f: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match f.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// Archives and compressions kaudit does not open, named by their magic bytes (gzip is read).
fn container(head: &[u8]) -> Option<&'static str> {
    if head.get(257..262) == Some(b"ustar") {
        return Some("a tar archive (extract it, then name the folder)");
    }
    Some(match head {
        [b'P', b'K', 3, 4, ..] | [b'P', b'K', 5, 6, ..] => {
            "a zip archive (extract it, then name the folder)"
        }
        [0x28, 0xb5, 0x2f, 0xfd, ..] => "zstd-compressed (kaudit reads gzip; decompress it first)",
        [0xfd, b'7', b'z', b'X', b'Z', 0, ..] => {
            "xz-compressed (kaudit reads gzip; decompress it first)"
        }
        [
            b'B',
            b'Z',
            b'h',
            b'1'..=b'9',
            0x31,
            0x41,
            0x59,
            0x26,
            0x53,
            0x59,
            ..,
        ] => "bzip2-compressed (kaudit reads gzip; decompress it first)",
        [b'7', b'z', 0xbc, 0xaf, 0x27, 0x1c, ..] => {
            "a 7-Zip archive (extract it, then name the folder)"
        }
        _ => return None,
    })
}

/// The verdict on the first bytes of a file (`eof`: that is the whole file), or `None` when
/// more bytes are needed.
pub fn decide(buf: &[u8], eof: bool) -> Option<Verdict> {
    if let Some(enc) = super::wide_encoding(buf) {
        return Some(decide_wide(buf, enc));
    }
    if has_binary(&buf[..buf.len().min(8 << 10)]) {
        return Some(Verdict::Not(
            if buf.get(257..262) == Some(b"ustar") {
                "a tar archive (extract it, then name the folder)"
            } else {
                "not text (binary data)"
            }
            .into(),
        ));
    }
    let buf = buf.strip_prefix(BOM).unwrap_or(buf);
    // the scan's own test, on what it looks at: the first HEAD bytes, once the first non-blank
    // line is whole (or the input ends)
    let start = buf.iter().position(|b| !b.is_ascii_whitespace());
    let first_line_read = start.is_some_and(|s| memchr::memchr(b'\n', &buf[s..]).is_some());
    if !(eof || first_line_read || buf.len() >= document::HEAD) {
        return None;
    }
    if start.is_none() && eof {
        return Some(Verdict::Empty);
    }
    if document::is_document(&buf[..buf.len().min(document::HEAD)]) {
        decide_document(buf, eof)
    } else {
        decide_lines(buf, eof)
    }
}

/// How records are read to decide: as the scan reads them with `--input-format auto`, no raw
/// lines, no optional fields.
const READER: Reader = Reader {
    format: Format::Auto,
    keep_raw: false,
    fields: crate::event::Fields::NONE,
};

/// [`decide`] on UTF-16/32 text, by its UTF-8 form: the reading refuses it with an error naming
/// the encoding, so it is read (and that error seen) if it would be audit data in UTF-8.
fn decide_wide(buf: &[u8], enc: &str) -> Verdict {
    let text = widen(buf, enc);
    match decide(text.as_bytes(), true) {
        Some(Verdict::Not(why)) => Verdict::Not(format!("{enc} text, {why}")),
        Some(Verdict::Empty) => Verdict::Not(format!("{enc} text, blank")),
        _ => Verdict::Audit,
    }
}

/// [`decide`] on the start of a JSON document: its records cut as the scan cuts a document.
fn decide_document(buf: &[u8], eof: bool) -> Option<Verdict> {
    let mut t = Tally {
        json: true,
        ..Tally::default()
    };
    let mut sp = Splitter::new(Mode::Document, 0, 1);
    let mut cuts = Vec::new();
    sp.feed(buf, &mut cuts);
    if eof {
        sp.finish(&mut cuts);
    }
    let mut recs = Vec::new();
    for c in cuts {
        match c {
            Cut::Record { start, end, .. } => {
                READER.item(&buf[start as usize..end as usize], &mut recs);
            }
            Cut::Malformed { reason, .. } => recs.push(Rec::Malformed(reason)),
            // the input ends inside a record: judged by what it has
            Cut::Unfinished { .. } => return Some(judge_start(buf)),
            Cut::Unclosed { .. } => {}
        }
        if let Some(v) = t.add(recs.drain(..)) {
            return Some(v);
        }
    }
    eof.then(|| t.verdict(true))
}

/// [`decide`] on the start of a file of lines, a line at a time.
fn decide_lines(buf: &[u8], eof: bool) -> Option<Verdict> {
    let mut t = Tally::default();
    let mut pos = 0;
    let mut recs = Vec::new();
    while pos < buf.len() {
        let (line, terminated) = match memchr::memchr(b'\n', &buf[pos..]) {
            Some(i) => {
                let l = &buf[pos..pos + i];
                pos += i + 1;
                (l, true)
            }
            None if eof => {
                let l = &buf[pos..];
                pos = buf.len();
                (l, false)
            }
            None if buf.len() < MAX_BYTES => return None,
            None => return Some(decide_long_line(&buf[pos..], t, &mut recs)),
        };
        if line.iter().any(|b| !b.is_ascii_whitespace()) {
            let opens = line.trim_ascii_start().first();
            t.json |= matches!(opens, Some(b'{' | b'['));
        }
        READER.line(line, terminated, &mut recs);
        if !terminated && matches!(recs.as_slice(), [Rec::Skipped(Skip::Unterminated)]) {
            // an unfinished last line: a file being written, judged by what it has
            return Some(match judge_start(line) {
                Verdict::Audit => Verdict::Audit,
                _ => t.verdict(true),
            });
        }
        if let Some(v) = t.add(recs.drain(..)) {
            return Some(v);
        }
    }
    eof.then(|| t.verdict(true))
}

/// A first line longer than what is read (`rest`): a batch on one line is cut into its
/// records as the scan cuts a long line; anything else is judged by its start.
fn decide_long_line<'a>(rest: &'a [u8], mut t: Tally, recs: &mut Vec<Rec<'a>>) -> Verdict {
    let mut sp = Splitter::new(Mode::Line, 0, 1);
    let mut cuts = Vec::new();
    sp.feed(rest, &mut cuts);
    for c in cuts {
        if let Cut::Record { start, end, .. } = c {
            READER.item(&rest[start as usize..end as usize], recs);
            if let Some(v) = t.add(recs.drain(..)) {
                return v;
            }
        }
    }
    match judge_start(rest) {
        Verdict::Audit => Verdict::Audit,
        _ => t.verdict(false),
    }
}

/// A NUL byte: no text file (in UTF-8) holds one.
fn has_binary(b: &[u8]) -> bool {
    memchr::memchr(0, b).is_some()
}

/// UTF-16/32 text as UTF-8 (what cannot be decoded becomes U+FFFD).
fn widen(buf: &[u8], enc: &str) -> String {
    let le = enc.ends_with("LE");
    if enc.starts_with("UTF-32") {
        let b = if buf.starts_with(&[0xff, 0xfe, 0, 0]) || buf.starts_with(&[0, 0, 0xfe, 0xff]) {
            &buf[4..]
        } else {
            buf
        };
        b.chunks_exact(4)
            .map(|c| {
                let u = if le {
                    u32::from_le_bytes([c[0], c[1], c[2], c[3]])
                } else {
                    u32::from_be_bytes([c[0], c[1], c[2], c[3]])
                };
                char::from_u32(u).unwrap_or(char::REPLACEMENT_CHARACTER)
            })
            .collect()
    } else {
        let b = if buf.starts_with(&[0xff, 0xfe]) || buf.starts_with(&[0xfe, 0xff]) {
            &buf[2..]
        } else {
            buf
        };
        let units = b.chunks_exact(2).map(|c| {
            if le {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        });
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect()
    }
}

/// A record too long to read whole here, by its start: the words an audit Event or a GKE audit
/// entry cannot be without.
fn judge_start(b: &[u8]) -> Verdict {
    const MARKS: [&[u8]; 3] = [
        b"\"auditID\"",
        b"audit.k8s.io/",
        b"\"serviceName\":\"k8s.io\"",
    ];
    let opens = b
        .trim_ascii_start()
        .first()
        .is_some_and(|c| matches!(c, b'{' | b'['));
    if MARKS.iter().any(|m| memchr::memmem::find(b, m).is_some()) {
        Verdict::Audit
    } else if opens {
        Verdict::Not("JSON, but not audit events".into())
    } else {
        Verdict::Not("not JSON".into())
    }
}

/// What the first records were.
#[derive(Debug, Default)]
struct Tally {
    /// Records that are not blank.
    records: usize,
    /// Well-formed records of another service or log category (GKE, AKS).
    foreign: usize,
    empty_batches: usize,
    /// A record opened a JSON object or array.
    json: bool,
}

impl Tally {
    /// Count records; the verdict once they decide.
    fn add<'a>(&mut self, recs: impl Iterator<Item = Rec<'a>>) -> Option<Verdict> {
        for r in recs {
            match r {
                Rec::Event(_) | Rec::Skipped(Skip::Truncated) => return Some(Verdict::Audit),
                Rec::Skipped(Skip::Blank) => continue,
                Rec::Skipped(Skip::Foreign) => self.foreign += 1,
                Rec::Skipped(Skip::EmptyBatch) => self.empty_batches += 1,
                Rec::Skipped(Skip::Unterminated) | Rec::Malformed(_) => {}
            }
            self.records += 1;
            if self.records >= MAX_RECORDS {
                return Some(self.verdict(false));
            }
        }
        None
    }

    /// The verdict on the records seen (`whole`: they are all the file holds).
    fn verdict(&self, whole: bool) -> Verdict {
        if self.foreign > 0 {
            // an export of a supported kind: it may hold audit records further on
            return if whole {
                Verdict::Not(
                    "JSON, but not audit events (GKE or AKS records of other services or log categories)"
                        .into(),
                )
            } else {
                Verdict::Audit
            };
        }
        if self.records == 0 {
            return Verdict::Empty;
        }
        if self.empty_batches == self.records {
            return Verdict::Not("JSON, but holds no audit events (empty batches)".into());
        }
        Verdict::Not(if self.json {
            "JSON, but not audit events".into()
        } else {
            "not JSON".into()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EV: &str = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a1","stage":"ResponseComplete","verb":"get","user":{"username":"alice"}}"#;

    fn not(why: &str) -> Option<Verdict> {
        Some(Verdict::Not(why.into()))
    }

    #[test]
    fn audit_in_every_supported_shape() {
        let pretty =
            serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(EV).unwrap())
                .unwrap();
        for text in [
            format!("{EV}\n"),
            format!("\u{feff}{EV}\n{EV}\n"),
            EV.to_string(),
            format!("{pretty}\n"),
            format!("[\n{pretty},\n{pretty}\n]\n"),
            format!("{{\"kind\":\"EventList\",\n\"items\":[{EV}]}}\n"),
            format!("ip-10-0-1-2.ec2.internal {EV}\n"),
            format!("2025-02-21T11:23:14.940Z {EV}\n"),
            format!(
                "\n\n{{\"records\":[{{\"category\":\"kube-audit\",\"properties\":{{\"log\":{}}}}}]}}\n",
                serde_json::to_string(EV).unwrap()
            ),
            // a damaged first line, then events
            format!("e\",\"verb\":\"get\"}}\n{EV}\n"),
        ] {
            assert_eq!(
                decide(text.as_bytes(), true),
                Some(Verdict::Audit),
                "{text}"
            );
        }
    }

    #[test]
    fn not_audit_says_why() {
        assert_eq!(decide(b"# README\n\nkaudit\n", true), not("not JSON"));
        assert_eq!(
            decide(b"apiVersion: audit.k8s.io/v1\nkind: Policy\n", true),
            not("not JSON")
        );
        assert_eq!(decide(b"a\tb\n1\t2\n", true), not("not JSON"));
        assert_eq!(
            decide(b"{\n  \"events\": 8585,\n  \"requests\": 4254\n}\n", true),
            not("JSON, but not audit events")
        );
        assert_eq!(
            decide(b"{\"kind\": 0}", true),
            not("JSON, but not audit events")
        );
        assert_eq!(
            decide(b"{\"kind\":\"EventList\",\"items\":[]}\n", true),
            not("JSON, but holds no audit events (empty batches)")
        );
        assert_eq!(
            decide(b"\x7fELF\x02\x01\x01\0\0\0", true),
            not("not text (binary data)")
        );
        assert_eq!(decide(b"", true), Some(Verdict::Empty));
        assert_eq!(decide(b"\n \n", true), Some(Verdict::Empty));
        let aks_other = br#"{"category":"kube-apiserver","properties":{"log":"I0101 started"}}"#;
        assert_eq!(
            decide(aks_other, true),
            not(
                "JSON, but not audit events (GKE or AKS records of other services or log categories)"
            )
        );
        // not the whole file: more records may be audit ones
        let many = format!("{}\n", std::str::from_utf8(aks_other).unwrap()).repeat(MAX_RECORDS);
        assert_eq!(decide(many.as_bytes(), false), Some(Verdict::Audit));
    }

    #[test]
    fn many_bad_records_decide_before_the_end() {
        let lines = "{\"kind\":\"Status\"}\n".repeat(MAX_RECORDS);
        assert_eq!(
            decide(lines.as_bytes(), false),
            not("JSON, but not audit events")
        );
        let lines = "{\"kind\":\"Status\"}\n".repeat(MAX_RECORDS - 1);
        assert_eq!(decide(lines.as_bytes(), false), None);
        // an event after a few bad lines
        let mixed = format!("{}{EV}\n", "not json\n".repeat(MAX_RECORDS - 1));
        assert_eq!(decide(mixed.as_bytes(), false), Some(Verdict::Audit));
    }

    #[test]
    fn waits_for_the_first_line() {
        assert_eq!(decide(&EV.as_bytes()[..40], false), None);
        assert_eq!(decide(b"{\n  \"kind\": \"Event\",\n", false), None);
    }

    #[test]
    fn wide_text_is_decoded_to_decide() {
        let utf16: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain(format!("{EV}\n").encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decide(&utf16, true), Some(Verdict::Audit));
        let readme: Vec<u8> = "# hello\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        let mut r = vec![0xfe, 0xff];
        r.extend(readme);
        assert_eq!(decide(&r, true), not("UTF-16BE text, not JSON"));
    }

    #[test]
    fn archives_are_named() {
        assert_eq!(
            container(b"PK\x03\x04rest"),
            Some("a zip archive (extract it, then name the folder)")
        );
        assert_eq!(container(b"{\"kind\""), None);
        let mut tar = vec![b'a'; 300];
        tar[257..262].copy_from_slice(b"ustar");
        assert!(container(&tar).unwrap().starts_with("a tar archive"));
    }

    #[test]
    fn a_long_first_record_is_judged_by_its_start() {
        assert_eq!(
            judge_start(br#"{"kind":"Event","auditID":"x","requestObject":{"#),
            Verdict::Audit
        );
        assert_eq!(
            judge_start(br#"{"data":[1,2,3"#),
            Verdict::Not("JSON, but not audit events".into())
        );
    }

    /// Every cut of a few shapes (a file still being written, a read cut anywhere) decides or
    /// waits, and never panics.
    #[test]
    fn every_prefix_decides_or_waits() {
        let pretty =
            serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(EV).unwrap())
                .unwrap();
        for text in [
            format!("{EV}\n{EV}\n"),
            format!("[\n{pretty},\n{pretty}\n]\n"),
            format!("\u{feff}{{\"kind\":\"EventList\",\n\"items\":[{EV}]}}\n"),
            "# title\n\n{ not json }\n".to_string(),
        ] {
            let b = text.as_bytes();
            for cut in 0..=b.len() {
                let _ = decide(&b[..cut], false);
                let _ = decide(&b[..cut], true);
            }
        }
    }
}
