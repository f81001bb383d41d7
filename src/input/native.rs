//! The native format: one `audit.k8s.io` Event (v1, v1beta1 or v1alpha1) per line, as the API
//! server's log backend writes it.
//!
//! Decides whether a parsed object is an audit Event and how it joins the other stages of its
//! request, names the reasons a record is skipped, and words JSON errors for reports (with a
//! cap: serde quotes offending values, which can be megabytes). `format.rs` calls it for every
//! record, whatever envelope it came in. It does not know about requests or filters.

use serde_json::error::Category;

use super::format::Rec;
use crate::event::{Event, Stage};

/// Why a record was skipped: not an error, and not an event either.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    Blank,
    /// The last line of the input has no newline and does not parse: a file being written.
    Unterminated,
    /// A CloudWatch Logs message cut at its size limit (it ends with `[Truncated...]`).
    Truncated,
    /// A well-formed record of something else: a GKE entry of another service, an AKS record
    /// of another log category.
    Foreign,
    /// A batch with no items (`{"kind":"EventList","items":[]}`).
    EmptyBatch,
}

impl Skip {
    pub fn reason(self) -> &'static str {
        match self {
            Skip::Blank => "blank line",
            Skip::Unterminated => "unfinished last line (file still being written)",
            Skip::Truncated => "event cut at the CloudWatch Logs size limit ([Truncated...])",
            Skip::Foreign => "not an audit record (another service or log category)",
            Skip::EmptyBatch => "empty batch",
        }
    }
}

/// A line that does not start with `{` (nor, for the formats that allow them, `[` or a
/// collector's prefix): a write in progress if it was cut short, else malformed.
pub fn not_an_object(bytes: &[u8], terminated: bool) -> Rec<'static> {
    match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
        Ok(_) => Rec::Malformed("not an audit Event: not a JSON object".into()),
        Err(e) if !terminated && e.classify() == Category::Eof => Rec::Skipped(Skip::Unterminated),
        Err(e) => Rec::Malformed(json_error(bytes, &e)),
    }
}

/// Is this object an audit Event, and how does it join others? `(stage, whole)`: an event
/// with no `auditID`, or none of its stage, is the only record its request will have (shippers
/// and detection tests drop fields); it is read as a whole request, stage `ResponseComplete`
/// when it names none.
pub fn check(ev: &Event) -> Result<(Stage, bool), String> {
    let kind = ev.kind.as_str();
    if !kind.is_empty() && kind != "Event" {
        return Err(format!("not an audit Event (kind {})", excerpt(kind)));
    }
    let stage = if ev.stage.is_empty() {
        None
    } else {
        match Stage::parse(ev.stage.as_str()) {
            Some(s) => Some(s),
            None => return Err(format!("unknown stage {}", excerpt(ev.stage.as_str()))),
        }
    };
    if let Some(s) = stage
        && !ev.audit_id.is_empty()
    {
        return Ok((s, false));
    }
    if kind.is_empty() && ev.audit_id.is_empty() {
        return Err("not an audit Event (no auditID)".into());
    }
    if ev.verb.is_empty() && ev.request_uri.is_empty() && ev.object_ref.is_none() {
        return Err(if ev.audit_id.is_empty() {
            "not an audit Event (no auditID, verb or requestURI)".into()
        } else {
            "not an audit Event (no stage)".into()
        });
    }
    Ok((stage.unwrap_or(Stage::ResponseComplete), true))
}

/// The start of a text for a message: at most 60 characters, on one line.
pub fn excerpt(t: &str) -> String {
    let mut s: String = t
        .chars()
        .take(60)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if t.chars().nth(60).is_some() {
        s.push_str("...");
    }
    format!("{s:?}")
}

/// Longest reason reported: serde quotes the offending value, which can be megabytes.
const MAX_REASON: usize = 200;

pub fn json_error(bytes: &[u8], e: &serde_json::Error) -> String {
    cap(json_error_full(bytes, e))
}

/// At most [`MAX_REASON`] bytes of a reason, and `...` if it was cut.
fn cap(mut r: String) -> String {
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

/// serde_json appends " at line 1 column N"; the caller reports the position itself. Capped:
/// every reason about a record goes through here or [`json_error`].
pub fn strip_position(e: &serde_json::Error) -> String {
    let mut s = e.to_string();
    if let Some(i) = s.rfind(" at line ") {
        s.truncate(i);
    }
    cap(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::format::{Format, Reader};

    fn read(line: &[u8], terminated: bool) -> Rec<'_> {
        let mut out = Vec::new();
        Reader {
            format: Format::Auto,
            keep_raw: false,
            fields: crate::event::Fields::ALL,
        }
        .line(line, terminated, &mut out);
        assert_eq!(out.len(), 1, "{out:?}");
        out.pop().unwrap()
    }

    fn reason(line: &[u8]) -> String {
        match read(line, true) {
            Rec::Malformed(r) => r,
            other => panic!("expected malformed, got {other:?}"),
        }
    }

    #[test]
    fn classifies_lines() {
        assert!(matches!(read(b"  \t", true), Rec::Skipped(Skip::Blank)));
        assert_eq!(
            reason(b"not json"),
            "invalid JSON at byte 2: expected ident"
        );
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
            reason(br#"{"auditID":"a"}"#),
            "not an audit Event (no stage)"
        );
        assert_eq!(
            reason(br#"{"kind":"Event"}"#),
            "not an audit Event (no auditID, verb or requestURI)"
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
    fn events_without_auditid_or_stage_are_whole_requests() {
        // detection-rule fixtures and some shippers drop fields
        for line in [
            &br#"{"kind":"Event","verb":"create","objectRef":{"resource":"pods"}}"#[..],
            br#"{"kind":"Event","auditID":"x","verb":"get","requestURI":"/api"}"#,
            br#"{"kind":"Event","stage":"ResponseStarted","verb":"get","responseStatus":{"code":101}}"#,
        ] {
            match read(line, true) {
                Rec::Event(ev) => assert!(ev.whole),
                other => panic!("{other:?}"),
            }
        }
        match read(br#"{"auditID":"a","stage":"Panic"}"#, true) {
            Rec::Event(ev) => assert!(!ev.whole && ev.stage == Stage::Panic),
            other => panic!("{other:?}"),
        }
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

    /// Fuzz regression (scripts/fuzz/seeds/line/regress-long-reason.json): serde's wording of
    /// an envelope's error, and an unknown kind or stage, quoted a value of any length.
    #[test]
    fn every_reason_is_capped() {
        let long = "\\u001b[x".repeat(1000);
        for line in [
            format!(r#"{{"events":"{long}"}}"#),
            format!(r#"{{"records":"{long}"}}"#),
            format!(r#"{{"message":["{long}"]}}"#),
            format!(r#"{{"category":"kube-audit","properties":"{long}"}}"#),
            format!(r#"{{"protoPayload":{{"serviceName":["{long}"]}}}}"#),
            format!(r#"{{"kind":"{long}"}}"#),
            format!(r#"{{"auditID":"a","stage":"{long}"}}"#),
        ] {
            let r = reason(line.as_bytes());
            assert!(r.len() <= 300, "{} bytes: {r}", r.len());
            assert!(!r.contains('\x1b'), "{r}");
        }
    }

    #[test]
    fn deep_nesting_is_reported_not_overflowed() {
        // serde_json skips values without recursing: no stack overflow, whatever the depth
        let deep = "[".repeat(100_000);
        assert!(
            reason(deep.as_bytes()).starts_with("invalid JSON")
                || reason(deep.as_bytes()).starts_with("truncated JSON")
        );
        let closed = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(matches!(read(closed.as_bytes(), true), Rec::Malformed(_)));
        let deep_obj = format!("{{\"auditID\":{}", "[".repeat(100_000));
        assert!(matches!(read(deep_obj.as_bytes(), true), Rec::Malformed(_)));
    }

    #[test]
    fn unterminated_last_line_that_is_complete_but_wrong_is_malformed() {
        // falco's fal_01_003.json: `{"kind": 0}` without a newline is not a write in progress
        assert!(matches!(read(br#"{"kind": 0}"#, false), Rec::Malformed(_)));
        assert!(matches!(read(b"garbage", false), Rec::Malformed(_)));
        assert!(matches!(
            read(b"[1,", false),
            Rec::Skipped(Skip::Unterminated)
        ));
        // a multi-byte character cut by the writer
        assert!(matches!(
            read(b"{\"auditID\":\"caf\xc3", false),
            Rec::Skipped(Skip::Unterminated)
        ));
    }

    #[test]
    fn unterminated_last_line() {
        assert!(matches!(
            read(br#"{"auditID":"a","sta"#, false),
            Rec::Skipped(Skip::Unterminated)
        ));
        assert!(matches!(
            read(br#"{"auditID":"a","stage":"Panic"}"#, false),
            Rec::Event(_)
        ));
    }
}
