//! The words kaudit reads and writes, each said once: durations (`duration.rs`), HTTP and
//! Kubernetes verbs (`verbs.rs`). Every command, filter and rule that needs one of them calls
//! this module; none keeps a copy.

pub mod duration;
pub mod verbs;
