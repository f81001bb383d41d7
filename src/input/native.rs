//! The native format: one `audit.k8s.io` Event (v1, v1beta1 or v1alpha1) per line, as the API
//! server's log backend writes it.
//!
//! Classifies each line as an event, a line skipped for a stated reason (blank, or the unfinished
//! last line of a file still being written), or a malformed line with a reason. It does not know
//! about requests or filters.

use serde_json::error::Category;

use crate::event::{Event, Stage};

/// What one line turned out to be.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // moved once per line; boxing would allocate per line
pub enum Parsed<'a> {
    Event(Event<'a>, Stage),
    /// Not an event, and not an error either.
    Skipped(Skip),
    /// Not usable: the reason says why.
    Malformed(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    Blank,
    /// The last line of the input has no newline and does not parse: a file being written.
    Unterminated,
}

impl Skip {
    pub fn reason(self) -> &'static str {
        match self {
            Skip::Blank => "blank line",
            Skip::Unterminated => "unfinished last line (file still being written)",
        }
    }
}

/// Parse one line. `terminated` is false only for a last line with no `\n` after it.
pub fn parse_line(bytes: &[u8], terminated: bool) -> Parsed<'_> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Parsed::Skipped(Skip::Blank);
    }
    // An unterminated last line is a write in progress only if it was cut short: a character
    // cut at the very end, or JSON that ends too early. Anything else is malformed.
    let cut = |e: &serde_json::Error| !terminated && e.classify() == Category::Eof;
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') {
        return match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
            Ok(_) => Parsed::Malformed("not an audit Event: not a JSON object".into()),
            Err(e) if cut(&e) => Parsed::Skipped(Skip::Unterminated),
            Err(e) => Parsed::Malformed(json_error(bytes, &e)),
        };
    }
    // One UTF-8 check per line is cheaper than serde_json's check of every borrowed string.
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(u) if !terminated && u.error_len().is_none() => {
            return Parsed::Skipped(Skip::Unterminated);
        }
        Err(u) => {
            return Parsed::Malformed(format!("invalid UTF-8 at byte {}", u.valid_up_to() + 1));
        }
    };
    let ev: Event = match serde_json::from_str(text) {
        Ok(ev) => ev,
        Err(e) if cut(&e) => return Parsed::Skipped(Skip::Unterminated),
        Err(e) => return Parsed::Malformed(json_error(bytes, &e)),
    };
    if !ev.kind.is_empty() && ev.kind.as_str() != "Event" {
        return Parsed::Malformed(format!("not an audit Event (kind {:?})", ev.kind.as_str()));
    }
    if ev.audit_id.is_empty() {
        return Parsed::Malformed("not an audit Event (no auditID)".into());
    }
    let Some(stage) = Stage::parse(ev.stage.as_str()) else {
        return Parsed::Malformed(if ev.stage.is_empty() {
            "not an audit Event (no stage)".into()
        } else {
            format!("unknown stage {:?}", ev.stage.as_str())
        });
    };
    Parsed::Event(ev, stage)
}

/// Longest reason reported: serde quotes the offending value, which can be megabytes.
const MAX_REASON: usize = 200;

fn json_error(bytes: &[u8], e: &serde_json::Error) -> String {
    let mut r = json_error_full(bytes, e);
    if r.len() > MAX_REASON {
        let mut cut = MAX_REASON;
        while !r.is_char_boundary(cut) {
            cut -= 1;
        }
        r.truncate(cut);
        r.push_str("...");
    }
    r
}

fn json_error_full(bytes: &[u8], e: &serde_json::Error) -> String {
    if let Err(u) = std::str::from_utf8(bytes) {
        return format!("invalid UTF-8 at byte {}", u.valid_up_to() + 1);
    }
    match e.classify() {
        Category::Eof => format!("truncated JSON (ends at byte {})", bytes.len()),
        Category::Data => format!("not an audit Event: {}", strip_position(e)),
        Category::Syntax | Category::Io => {
            format!("invalid JSON at byte {}: {}", e.column(), strip_position(e))
        }
    }
}

/// serde_json appends " at line 1 column N"; the caller reports the position itself.
fn strip_position(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(line: &[u8]) -> String {
        match parse_line(line, true) {
            Parsed::Malformed(r) => r,
            other => panic!("expected malformed, got {other:?}"),
        }
    }

    #[test]
    fn classifies_lines() {
        assert!(matches!(
            parse_line(b"  \t", true),
            Parsed::Skipped(Skip::Blank)
        ));
        assert_eq!(
            reason(b"not json"),
            "invalid JSON at byte 2: expected ident"
        );
        assert_eq!(reason(b"[1,2]"), "not an audit Event: not a JSON object");
        assert_eq!(reason(b"42"), "not an audit Event: not a JSON object");
        assert_eq!(
            reason(br#"{"kind":"Status"}"#),
            r#"not an audit Event (kind "Status")"#
        );
        assert_eq!(
            reason(br#"{"stage":"ResponseComplete"}"#),
            "not an audit Event (no auditID)"
        );
        assert_eq!(
            reason(br#"{"auditID":"a","stage":"Done"}"#),
            r#"unknown stage "Done""#
        );
        assert_eq!(
            reason(b"{\"auditID\":\"a\xff\"}"),
            "invalid UTF-8 at byte 14"
        );
        assert_eq!(
            reason(br#"{"auditID":"a","sta"#),
            "truncated JSON (ends at byte 19)"
        );
    }

    #[test]
    fn reasons_are_capped() {
        let line = format!(
            r#"{{"auditID":"a","stage":"ResponseComplete","responseStatus":{{"code":"{}"}}}}"#,
            "9".repeat(1_000_000)
        );
        let r = reason(line.as_bytes());
        assert!(r.len() <= 203, "{}", r.len());
        assert!(
            r.starts_with("not an audit Event: invalid type: string"),
            "{r}"
        );
    }

    #[test]
    fn deep_nesting_is_reported_not_overflowed() {
        // serde_json skips values without recursing: no stack overflow, whatever the depth
        let deep = "[".repeat(100_000);
        assert_eq!(
            reason(deep.as_bytes()),
            "truncated JSON (ends at byte 100000)"
        );
        let closed = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(
            reason(closed.as_bytes()),
            "not an audit Event: not a JSON object"
        );
        let deep_obj = format!("{{\"auditID\":{}", "[".repeat(100_000));
        assert!(matches!(
            parse_line(deep_obj.as_bytes(), true),
            Parsed::Malformed(_)
        ));
    }

    #[test]
    fn unterminated_last_line_that_is_complete_but_wrong_is_malformed() {
        // falco's fal_01_003.json: `{"kind": 0}` without a newline is not a write in progress
        assert!(matches!(
            parse_line(br#"{"kind": 0}"#, false),
            Parsed::Malformed(_)
        ));
        assert!(matches!(
            parse_line(b"garbage", false),
            Parsed::Malformed(_)
        ));
        assert!(matches!(
            parse_line(b"[1,", false),
            Parsed::Skipped(Skip::Unterminated)
        ));
        // a multi-byte character cut by the writer
        assert!(matches!(
            parse_line(b"{\"auditID\":\"caf\xc3", false),
            Parsed::Skipped(Skip::Unterminated)
        ));
    }

    #[test]
    fn unterminated_last_line() {
        assert!(matches!(
            parse_line(br#"{"auditID":"a","sta"#, false),
            Parsed::Skipped(Skip::Unterminated)
        ));
        assert!(matches!(
            parse_line(br#"{"auditID":"a","stage":"Panic"}"#, false),
            Parsed::Event(_, Stage::Panic)
        ));
    }
}
