//! Unit tests of `timeline`: sentences, collapsing, `--context`, RFC 3339 stamps and fitting
//! a sentence to a width.

use std::borrow::Cow;

use super::entry::{Batch, Entry};
use super::keep::with_context;
use super::line::Line;
use super::markers::marker_names;
use super::output::Stamps;
use super::sentence::{View, Words};
use crate::cli::Collapse;
use crate::correlate::List;
use crate::correlate::Request;
use crate::event::Ts;
use crate::render::table;

fn req(f: impl FnOnce(&mut Request<'static>)) -> Request<'static> {
    let mut r = Request {
        audit_id: "a1".into(),
        verb: "get".into(),
        user: "eve".into(),
        resource: "secrets".into(),
        namespace: "payments".into(),
        name: "stripe-api-key".into(),
        source_ips: List::One("10.0.0.7".into()),
        code: Some(200),
        received: Ts::parse("2026-11-21T14:58:42.273325Z"),
        is_final: true,
        level: "Request".into(),
        ..Default::default()
    };
    f(&mut r);
    r
}

/// The sentence and markers of requests read as one line.
fn say(rs: &[Request<'static>], mode: Collapse) -> Vec<String> {
    let mut b = Batch::default();
    for r in rs {
        b.push(r, true);
    }
    let text: Vec<Cow<str>> = b.strings.list.iter().map(|s| Cow::Borrowed(&**s)).collect();
    let view = View {
        text: &text,
        ids: &b.ids,
    };
    lines(&b.entries, mode)
        .into_iter()
        .map(|(a, z)| {
            let mut w = Words::default();
            view.sentence(&mut w, &Line::of(&b.entries[a..z]));
            let marks: Vec<&str> = marker_names(b.entries[a].marks).collect();
            let n = z - a;
            let count = if n > 1 {
                format!("x{n} ")
            } else {
                String::new()
            };
            format!("{count}{} {marks:?}", w.buf)
        })
        .collect()
}

fn one(r: Request<'static>) -> String {
    say(&[r], Collapse::Object).remove(0)
}

/// A request done: who did what to which object (a get, a list across namespaces, creates of a
/// named and an unnamed object, a deletecollection as another user, a non-resource GET).
#[test]
fn sentences_of_done_requests() {
    assert_eq!(
        one(req(|_| {})),
        "eve read secret payments/stripe-api-key (200) [\"secret\"]"
    );
    assert_eq!(
        one(req(|r| {
            r.verb = "list".into();
            r.name = "".into();
            r.namespace = "".into();
        })),
        "eve listed secrets in all namespaces (200) [\"secret\"]"
    );
    assert_eq!(
        one(req(|r| {
            r.user = "admin".into();
            r.verb = "create".into();
            r.resource = "clusterrolebindings".into();
            r.api_group = "rbac.authorization.k8s.io".into();
            r.namespace = "".into();
            r.name = "emergency-access".into();
            r.code = Some(201);
        })),
        "admin created clusterrolebinding emergency-access (201) [\"rbac\"]"
    );
    assert_eq!(
        one(req(|r| {
            r.user = "system:anonymous".into();
            r.resource = "".into();
            r.namespace = "".into();
            r.name = "".into();
            r.request_uri = "/healthz?verbose".into();
        })),
        "system:anonymous requested GET /healthz (200) [\"anonymous\"]"
    );
    assert_eq!(
        one(req(|r| {
            r.user = "ops-admin".into();
            r.impersonated_user = "eve".into();
            r.verb = "deletecollection".into();
            r.name = "".into();
        })),
        "ops-admin as eve deleted all secrets in namespace payments (200) [\"impersonation\", \"secret\"]"
    );
    assert_eq!(
        one(req(|r| {
            r.verb = "create".into();
            r.resource = "widgetpolicies".into();
            r.name = "".into();
            r.code = Some(201);
        })),
        "eve created a widgetpolicy in namespace payments (201) []"
    );
}

/// A request refused (401 rejected, 403 denied) or failed (other 4xx), with its reason.
#[test]
fn sentences_of_refused_and_failed_requests() {
    assert_eq!(
        one(req(|r| r.code = Some(403))),
        "eve was denied getting secret payments/stripe-api-key (403) [\"secret\"]"
    );
    assert_eq!(
        one(req(|r| {
            r.user = "".into();
            r.verb = "list".into();
            r.resource = "configmaps".into();
            r.name = "".into();
            r.code = Some(401);
        })),
        "unauthenticated client 10.0.0.7 was rejected: list configmaps in namespace payments (401) [\"anonymous\"]"
    );
    assert_eq!(
        one(req(|r| {
            r.user = "carol".into();
            r.verb = "create".into();
            r.resource = "pods".into();
            r.subresource = "exec".into();
            r.namespace = "staging".into();
            r.name = "debug-box".into();
            r.code = Some(400);
            r.status_reason = "BadRequest".into();
        })),
        "carol failed to open an exec stream into pod staging/debug-box: BadRequest (400) [\"exec\"]"
    );
    assert_eq!(
        one(req(|r| {
            r.user = "system:serviceaccount:kube-system:deployment-controller".into();
            r.verb = "update".into();
            r.resource = "deployments".into();
            r.subresource = "status".into();
            r.name = "ledger".into();
            r.code = Some(409);
            r.status_reason = "Conflict".into();
        })),
        "system:serviceaccount:kube-system:deployment-controller failed to update deployment payments/ledger (status): Conflict (409) []"
    );
}

/// A request with no final stage: started, incomplete.
#[test]
fn sentence_of_an_unfinished_request() {
    assert_eq!(
        one(req(|r| {
            r.verb = "watch".into();
            r.resource = "widgetpolicies".into();
            r.name = "".into();
            r.is_final = false;
        })),
        "eve started watching widgetpolicies in namespace payments (incomplete) []"
    );
}

#[test]
fn collapsing() {
    let a = req(|r| r.code = Some(403));
    let b = req(|r| {
        r.code = Some(403);
        r.name = "vault-token".into();
    });
    let c = req(|r| {
        r.code = Some(403);
        r.namespace = "build".into();
    });
    let rs = [a.clone(), a.clone(), b, c, a];
    assert_eq!(
        say(&rs, Collapse::Object),
        [
            "x2 eve was denied getting secret payments/stripe-api-key (403) [\"secret\"]",
            "eve was denied getting secret payments/vault-token (403) [\"secret\"]",
            "eve was denied getting secret build/stripe-api-key (403) [\"secret\"]",
            "eve was denied getting secret payments/stripe-api-key (403) [\"secret\"]",
        ]
    );
    assert_eq!(
        say(&rs, Collapse::Kind),
        ["x5 eve was denied getting 3 secrets in 2 namespaces (403) [\"secret\"]"]
    );
    assert_eq!(say(&rs, Collapse::None).len(), 5);
    let ns = |name: &'static str| {
        req(|r| {
            r.verb = "delete".into();
            r.resource = "namespaces".into();
            r.namespace = name.into();
            r.name = name.into();
        })
    };
    assert_eq!(
        say(&[ns("tools"), ns("build")], Collapse::Kind),
        ["x2 eve deleted 2 namespaces (200) []"]
    );
    assert_eq!(
        say(&[ns("tools")], Collapse::Kind),
        ["eve deleted namespace tools (200) []"]
    );
}

#[test]
fn context_keeps_neighbours_within_the_window() {
    let mk = |t: i64, matched: bool| {
        let mut b = Batch::default();
        b.push(&req(|_| {}), matched);
        let mut e = b.entries[0];
        e.time = t;
        e
    };
    let mut v = vec![
        mk(0, false),
        mk(10, false),
        mk(20, true),
        mk(25, false),
        mk(31, false),
        mk(50, true),
    ];
    with_context(&mut v, 10);
    let kept: Vec<(i64, bool)> = v.iter().map(|e| (e.time, e.context())).collect();
    assert_eq!(kept, [(10, true), (20, false), (25, true), (50, false)]);
}

#[test]
fn stamps_match_rfc3339() {
    let mut st = Stamps::default();
    for s in [
        "2026-11-21T14:58:42.273325Z",
        "2026-11-21T23:59:59.999999Z",
        "2026-11-22T00:00:00.000000Z",
        "1969-12-31T23:59:59.500000Z",
        "2024-02-29T12:00:00.000001Z",
    ] {
        let t = Ts::parse(s).unwrap().0;
        assert_eq!(st.get(t).unwrap().as_str(), s);
        assert_eq!(st.get(t).unwrap().as_str(), Ts(t).rfc3339());
    }
    assert!(st.get(i64::MIN).is_none());
}

/// On a narrow terminal a sentence is broken between words, its next lines under its first,
/// and no name is cut; only a value longer than a whole line is.
#[test]
fn wrapping_breaks_between_words_and_cuts_only_what_no_line_holds() {
    let mut w = Words::default();
    w.val("system:serviceaccount:kube-system:generic-garbage-collector");
    w.lit(" deleted configmap ");
    w.val("payments");
    w.lit("/");
    w.val("a-very-long-configmap-name-that-goes-on-and-on");
    w.lit(" (200)");
    let f = w.wrapped(70, 14, 0);
    let lines: Vec<&str> = f.lines().collect();
    assert_eq!(
        lines,
        [
            "system:serviceaccount:kube-system:generic-garbage-collector deleted",
            "              configmap payments/a-very-long-configmap-name-that-goes-on-and-on",
            "              (200)",
        ],
        "{f}"
    );
    assert!(lines.iter().all(|l| table::width(l.trim_start()) <= 70));
    // a value wider than a line is cut in the middle to a line's width
    let mut w = Words::default();
    w.lit("eve read secret ");
    w.val(&"x".repeat(100));
    let f = w.wrapped(40, 2, 0);
    assert!(f.lines().all(|l| table::width(l.trim_start()) <= 40), "{f}");
    assert!(f.contains('…'), "{f}");
    // what fits is as it was
    assert_eq!(w.wrapped(200, 2, 10), w.buf);
    // the status is one word: `(no status)` is never broken
    let mut w = Words::default();
    w.lit("eve read secret ");
    w.val("payments/ledger-db-creds");
    let a = w.buf.len() + 1;
    w.lit(" (no status)");
    w.code = (a, w.buf.len());
    for max in 30..60 {
        let f = w.wrapped(max, 2, 0);
        assert!(f.contains("(no status)"), "{max}: {f}");
    }
    // markers that do not fit after the last line go under it
    let mut w = Words::default();
    w.lit("eve read secret ");
    w.val("payments/ledger-db-creds");
    w.lit(" (200)");
    assert_eq!(
        w.wrapped(50, 14, 10),
        "eve read secret payments/ledger-db-creds (200)\n            "
    );
}

/// Consecutive entries that make one line: `[start, end)` ranges.
fn lines(entries: &[Entry], mode: Collapse) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        match out.last_mut() {
            Some((s, end)) if mode != Collapse::None && entries[*s].same(e, mode) => *end = i + 1,
            _ => out.push((i, i + 1)),
        }
    }
    out
}
