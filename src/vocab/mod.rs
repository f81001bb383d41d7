//! The words kaudit reads and writes, each said once: durations (`duration.rs`), HTTP and
//! Kubernetes verbs (`verbs.rs`), request URIs and their queries (`uri.rs`), the built-in
//! resources and kubectl's names for them (`resources.rs`). Every command, filter and rule that
//! needs one of them calls this module; none keeps a copy.

pub mod duration;
pub mod resources;
pub mod uri;
pub mod verbs;
