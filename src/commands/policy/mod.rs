//! `kaudit policy check POLICY [LOGS...]`: load a policy file as kube-apiserver v1.20
//! does (`policy::Policy::parse`), report the server's rejections (each naming its rule, in the
//! server's words), then the warnings of the model (what the server accepts silently), then
//! the lints (`policy::lint`). With its logs, the policy is run over the requests of those
//! logs (first match per request, `Policy::level_for`) and the rules that match none are
//! reported too. Exit codes: 2 when the server would refuse the policy (or the file or a log
//! cannot be read), 3 with `--fail-on-lint` when there is a warning or a lint, 0 otherwise.
//!
//! `kaudit policy simulate POLICY [FILTERS] [PATH...]`: every request of the logs through the
//! policy (`policy::simulate`), folded in the workers into per-rule, per-level, per-stage,
//! per-user and per-resource volumes (requests, events and bytes, now and simulated) and the
//! groups of requests of interest that the policy would no longer record. Exit codes as every
//! scan (0 requests simulated, 1 none), and 2 when the server would refuse the policy.
//!
//! One file per subcommand: `check.rs` and `simulate.rs` (the simulation's tallies, folded in
//! the workers), with `report/` for what `simulate` prints (its JSON document, and its tables in
//! `report/tables.rs`).

mod check;
mod report;
mod simulate;

pub use check::check;
pub use simulate::simulate;
