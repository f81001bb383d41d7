//! kaudit: who did what, when, from where, and with what result, from Kubernetes API-server
//! audit logs. Module declarations only; see ARCHITECTURE.md for the data flow.

pub mod chunk;
pub mod cli;
pub mod commands;
pub mod config;
pub mod correlate;
pub mod detect;
pub mod event;
pub mod filter;
pub mod input;
pub mod policy;
pub mod redact;
pub mod render;
pub mod scan;
pub mod term;
pub mod vocab;
pub mod work;
