//! The markers of `timeline`: what makes a request worth a second look (impersonation, exec,
//! anonymous, an RBAC write, secrets, dry runs, Pod Security, admission policy, legacy and
//! issued tokens, deprecated APIs), as bits of an entry, with their names and colours in the
//! order they are printed. It does not print them (`output.rs`).

use crate::correlate::Request;
use crate::correlate::meaning::DryRun;

const IMPERSONATION: u16 = 1;
const EXEC: u16 = 2;
const ANONYMOUS: u16 = 4;
const RBAC: u16 = 8;
const SECRET: u16 = 16;
/// A dry run: run through admission, nothing stored.
pub(super) const DRY_RUN: u16 = 32;
/// A delete logged without its body: dry run or not, the log cannot tell.
const DRY_RUN_MAYBE: u16 = 64;
/// Pod Security refused the pod, or would have at its audit level (`audit-violations`).
const PSA: u16 = 128;
/// A ValidatingAdmissionPolicy failed (`validation_failure`).
const VAP: u16 = 256;
/// Authenticated with a legacy (Secret-based) service-account token.
const LEGACY_TOKEN: u16 = 512;
/// A TokenRequest that issued a token (`issued-credential-id`).
const TOKEN_ISSUED: u16 = 1024;
/// A deprecated API version was used (`k8s.io/deprecated`).
const DEPRECATED: u16 = 2048;

/// (bit, name, ANSI color) in the order they are printed.
pub(super) const MARKERS: [(u16, &str, &str); 12] = [
    (DRY_RUN, "dry-run", "36"),
    (DRY_RUN_MAYBE, "dry-run?", "36"),
    (IMPERSONATION, "impersonation", "35"),
    (EXEC, "exec", "31"),
    (ANONYMOUS, "anonymous", "33"),
    (RBAC, "rbac", "34"),
    (SECRET, "secret", "33"),
    (PSA, "psa", "31"),
    (VAP, "policy", "31"),
    (LEGACY_TOKEN, "legacy-token", "33"),
    (TOKEN_ISSUED, "token-issued", "33"),
    (DEPRECATED, "deprecated", "2"),
];

/// The markers a request earns: impersonation, exec/attach/port-forward, anonymous (or no user
/// at all), a write to an RBAC object, any access to secrets.
pub(super) fn markers(r: &Request<'_>) -> u16 {
    let mut m = 0;
    if r.impersonates() {
        m |= IMPERSONATION;
    }
    if r.is_stream() {
        m |= EXEC;
    }
    if r.user.is_empty()
        || r.user == "system:anonymous"
        || r.impersonated_user == "system:anonymous"
    {
        m |= ANONYMOUS;
    }
    if r.api_group == "rbac.authorization.k8s.io" && r.is_write() {
        m |= RBAC;
    }
    if r.is_secret() {
        m |= SECRET;
    }
    match r.dry_run() {
        DryRun::Query | DryRun::Body => m |= DRY_RUN,
        DryRun::Unknown => m |= DRY_RUN_MAYBE,
        DryRun::No => {}
    }
    for label in r.notable() {
        m |= match label {
            "psa-violations" | "psa-denied" => PSA,
            "vap-failure" => VAP,
            "legacy-token" | "legacy-token-secret" => LEGACY_TOKEN,
            "issued-credential" => TOKEN_ISSUED,
            "deprecated" => DEPRECATED,
            _ => 0,
        };
    }
    m
}

pub(super) fn marker_names(m: u16) -> impl Iterator<Item = &'static str> {
    MARKERS
        .iter()
        .filter(move |(bit, _, _)| m & bit != 0)
        .map(|(_, name, _)| *name)
}
