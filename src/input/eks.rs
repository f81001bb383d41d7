//! EKS: control-plane audit logs as CloudWatch Logs hands them out.
//!
//! `aws logs filter-log-events` and `get-log-events` print `{"events":[{"timestamp":...,
//! "message":"<the Event as a string>"}, ...]}`, and a subscription filter delivers
//! `{"logEvents":[...]}`; `format.rs` unwraps those lists and calls [`message`] for each one.
//! CloudWatch cuts events above its size limit (256 KB) and ends them with `[Truncated...]`:
//! those are counted as truncated, not parsed. The S3 export (`TIMESTAMP {event}` lines, gzip)
//! needs nothing here: it is the native format behind a prefix.

use serde_json::value::RawValue;

use super::native::strip_position;

/// What CloudWatch appends to a message it cut.
pub const TRUNCATED: &str = "[Truncated...]";

/// The text of a CloudWatch message; `None` if CloudWatch cut it.
pub fn message(m: &RawValue) -> Result<Option<String>, String> {
    let s: String = serde_json::from_str(m.get())
        .map_err(|e| format!("CloudWatch message is not a string: {}", strip_position(&e)))?;
    if s.trim_ascii_end().ends_with(TRUNCATED) {
        return Ok(None);
    }
    Ok(Some(s))
}
