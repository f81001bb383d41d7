//! EKS: control-plane audit logs as CloudWatch Logs hands them out.
//!
//! `aws logs filter-log-events` and `get-log-events` print `{"events":[{"timestamp":...,
//! "message":"<the Event as a string>"}, ...]}`, and a subscription filter delivers
//! `{"logEvents":[...]}`; `format.rs` unwraps those lists and calls [`message`] for each one.
//! CloudWatch cuts events above its size limit (256 KB) and ends them with `[Truncated...]`:
//! those are counted as truncated, not parsed. The S3 export (`TIMESTAMP {event}` lines, gzip)
//! needs nothing here: it is the native format behind a prefix.
//!
//! Which cluster and API server wrote it: EKS writes a cluster's control-plane logs to the log
//! group `/aws/eks/<cluster>/cluster`, the audit log of each API server instance to its own log
//! stream (`kube-apiserver-audit-<id>`). `filter-log-events` names each event's stream
//! (`logStreamName`) but not the group; a subscription filter's delivery names both (`logGroup`,
//! `logStream`); `get-log-events` and the S3 export name neither.

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

/// The cluster's name in an EKS log group, `/aws/eks/<cluster>/cluster`; `None` for another
/// group.
pub fn cluster(log_group: &str) -> Option<&str> {
    let name = log_group
        .strip_prefix("/aws/eks/")?
        .strip_suffix("/cluster")?;
    (!name.is_empty() && !name.contains('/')).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_from_log_group() {
        assert_eq!(cluster("/aws/eks/prod-1/cluster"), Some("prod-1"));
        assert_eq!(cluster("/aws/eks//cluster"), None);
        assert_eq!(cluster("/aws/lambda/x"), None);
        assert_eq!(cluster("/aws/eks/a/b/cluster"), None);
    }
}
