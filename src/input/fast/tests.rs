//! Unit tests of the hand-written parser: it agrees with serde_json on every line it reads (same
//! Event) and refuses, or leaves to serde, every line it cannot read alike: prefixes, escapes,
//! control characters, types, duplicates, depth, the testdata logs.

use crate::event::Str;

/// Every annotation, `user.extra` and a request body's `dryRun`, read alike by both
/// parsers whatever their values' types (a number is left to serde, which computes it).
#[test]
fn annotations_extra_and_dry_run() {
    let ev = fast(
        r#"{"user":{"username":"u","extra":{"authentication.kubernetes.io/credential-id":["JTI=1"],"b":null,"c":[true,"x",null,{}],"d":{"e":1}}},"annotations":{"pod-security.kubernetes.io/enforce-policy":"restricted:latest","n":null,"o":{"p":[1]},"authorization.k8s.io/decision":"allow"},"requestObject":{"kind":"DeleteOptions","dryRun":["All"]}}"#,
    );
    let u = ev.user.as_ref().unwrap();
    let extra: Vec<(&str, Vec<&str>)> = u
        .extra
        .iter()
        .map(|(k, v)| (k.as_str(), v.iter().map(Str::as_str).collect()))
        .collect();
    assert_eq!(
        extra,
        [
            ("authentication.kubernetes.io/credential-id", vec!["JTI=1"]),
            ("b", vec![]),
            ("c", vec!["x"]),
            ("d", vec![])
        ]
    );
    let a = ev.annotations.as_ref().unwrap();
    assert_eq!(a.decision.as_str(), "allow");
    assert_eq!(a.others.len(), 1);
    assert_eq!(a.others[0].1.as_str(), "restricted:latest");
    assert_eq!(ev.body_dry_run, Some(true));
    for (body, want) in [
        (r#"{"dryRun":[]}"#, Some(false)),
        (r#"{"dryRun":"All"}"#, Some(false)),
        (r#"{"a":{"dryRun":["All"]}}"#, Some(false)),
        (r#"{"dryRun":["All"],"dryRun":[]}"#, Some(true)),
        (r#"[1]"#, Some(false)),
        (r#""s""#, Some(false)),
        ("null", None),
    ] {
        let line = format!(r#"{{"verb":"delete","requestObject":{body}}}"#);
        assert_eq!(fast(&line).body_dry_run, want, "{body}");
    }
    for odd in [
        r#"{"annotations":{"a":1}}"#,
        r#"{"user":{"extra":{"a":[1]}}}"#,
        r#"{"requestObject":{"dryRun":2}}"#,
        r#"{"requestObject":7}"#,
    ] {
        left_to_serde(odd);
    }
    for bad in [
        r#"{"annotations":{"a":"\ud800"}}"#,
        r#"{"user":{"extra":{"a":["\ud800"]}}}"#,
        r#"{"requestObject":{"dryRun":"\ud800"}}"#,
        r#"{"requestObject":1,"requestObject":2}"#,
    ] {
        invalid(bad);
    }
}

#[test]
fn members_are_the_top_level_keys_and_their_byte_ranges() {
    let text = r#"{"a":1, "b" : {"c":[1,{"d":"}"}]},"e\"f":"x\"y"}"#;
    let m = super::members(text.as_bytes()).unwrap();
    let got: Vec<(&[u8], &str)> = m.iter().map(|(k, r)| (*k, &text[r.clone()])).collect();
    assert_eq!(
        got,
        [
            (&b"a"[..], r#""a":1"#),
            (b"b", r#""b" : {"c":[1,{"d":"}"}]}"#),
            (br#"e\"f"#, r#""e\"f":"x\"y""#),
        ]
    );
    assert_eq!(super::members(b" {} ").unwrap(), []);
    for bad in [
        "",
        "[]",
        "{",
        r#"{"a":}"#,
        r#"{"a":1,}"#,
        r#"{"a":1} x"#,
        "{\"a\":\"\u{1}\"}",
    ] {
        assert!(super::members(bad.as_bytes()).is_none(), "{bad}");
    }
}
use std::borrow::Cow;

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
use super::specials::simd;
use super::specials::{specials, specials_scalar, specials_swar};
use super::*;

/// The fast path's answer, checked against serde_json's: `Some` only where serde reads
/// the same Event.
fn agree(text: &str) -> Option<Event<'_>> {
    let fast = event(text);
    // with optional fields left out: the same lines read, the same event less those
    for f in crate::event::Fields::samples() {
        let mut ev = Event::default();
        let read = event_fields(text, &mut ev, f).then_some(ev);
        let want = event(text).map(|mut e| {
            e.keep_fields(f);
            e
        });
        assert_eq!(read, want, "fields {f:?}: {text}");
    }
    if let Some(ev) = &fast {
        match serde_json::from_str::<Event>(text) {
            // serde never sets no_bodies
            Ok(mut want) => {
                want.no_bodies = ev.no_bodies;
                assert_eq!(ev, &want, "{text}")
            }
            Err(e) => panic!("fast path read what serde refuses ({e}): {text}"),
        }
    }
    fast
}

/// On the fast path, and agreeing.
fn fast(text: &str) -> Event<'_> {
    agree(text).unwrap_or_else(|| panic!("not on the fast path: {text}"))
}

/// Bails out, and serde_json refuses it.
fn invalid(text: &str) {
    assert!(agree(text).is_none(), "{text}");
    assert!(serde_json::from_str::<Event>(text).is_err(), "{text}");
}

/// Bails out though serde_json reads it (a rare shape left to serde).
fn left_to_serde(text: &str) {
    assert!(agree(text).is_none(), "{text}");
    assert!(serde_json::from_str::<Event>(text).is_ok(), "{text}");
}

const LINE: &str = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"0ddd0671","stage":"ResponseComplete","requestURI":"/api/v1/nodes/w?resourceVersion=0\u0026timeout=10s","verb":"get","user":{"username":"system:node:w","uid":"u1","groups":["system:nodes","system:authenticated"],"extra":{"k":["v"]}},"impersonatedUser":{"username":"bob","groups":null},"sourceIPs":["10.0.1.46","fe80::1"],"userAgent":"kubelet/v1.30.4","objectRef":{"resource":"nodes","namespace":"ns","name":"w","apiGroup":"g","apiVersion":"v1","subresource":"status","uid":"x","resourceVersion":"7"},"responseStatus":{"metadata":{},"status":"Failure","message":"m","reason":"Forbidden","code":403},"requestObject":{"a":[1,-2.5e+3,true,false,null,{"b":"c\"\\\/\b\f\n\r\t\ud800"}],"e":{}},"responseObject":[],"requestReceivedTimestamp":"2024-05-14T08:00:00.004258Z","stageTimestamp":"2024-05-14T08:00:00.006081Z","annotations":{"authorization.k8s.io/decision":"forbid","authorization.k8s.io/reason":"r","audit.k8s.io/truncated":"true","other":"{\"x\":1}"}}"#;

/// `no_bodies` only when every member is one the parser reads.
#[test]
fn no_bodies_only_without_other_members() {
    let meta = r#"{"kind":"Event","level":"Metadata","auditID":"a","stage":"ResponseComplete","verb":"get","requestReceivedTimestamp":"2024-05-14T08:00:00Z","stageTimestamp":"2024-05-14T08:00:00Z"}"#;
    assert!(fast(meta).no_bodies);
    for extra in [
        r#","requestObject":{"a":1}"#,
        r#","responseObject":null"#,
        r#","requestObject":{"a":1}"#,
        r#","somethingElse":1"#,
    ] {
        let line = format!("{}{extra}}}", &meta[..meta.len() - 1]);
        assert!(!fast(&line).no_bodies, "{line}");
    }
    assert!(!serde_json::from_str::<Event>(meta).unwrap().no_bodies);
}

#[test]
fn a_full_line() {
    let ev = fast(LINE);
    assert_eq!(
        ev.request_uri.as_str(),
        "/api/v1/nodes/w?resourceVersion=0&timeout=10s"
    );
    assert!(matches!(ev.request_uri.0, Cow::Owned(_)));
    assert!(matches!(ev.audit_id.0, Cow::Borrowed(_)));
    assert_eq!(ev.response_status.as_ref().unwrap().code, Some(403));
    assert_eq!(ev.source_ips.len(), 2);
    assert_eq!(
        ev.impersonated_user.as_ref().unwrap().username.as_str(),
        "bob"
    );
    assert_eq!(ev.annotations.as_ref().unwrap().truncated.as_str(), "true");
    assert_eq!(
        ev.object_ref.as_ref().unwrap().subresource.as_str(),
        "status"
    );
    // in any order, with whitespace between every token
    let spaced = LINE
        .replace("\":", "\" : ")
        .replace(",\"", " , \"")
        .replace('{', " { ")
        .replace('}', " } ")
        .replace('[', " [ ")
        .replace(']', " ] ");
    // (the spaces also land inside the string of the annotation "other")
    let mut got = fast(&spaced);
    let mut want = ev;
    for e in [&mut got, &mut want] {
        e.annotations.as_mut().unwrap().others.clear();
    }
    assert_eq!(got, want);
    fast(r#"{"stage":"Panic","kind":"Event","user":{"groups":[],"username":"a"},"auditID":"x"}"#);
    // JSON whitespace is four bytes, anywhere between tokens
    fast(" \t\r\n{\"kind\":\"Event\"}\r\n\t ");
    fast("{\"kind\":\t\"Event\"}");
    fast("{\"kind\":\n\"Event\",\r\n\"verb\":\"get\",\"x\":[\t1\n,{\r}]}");
    invalid("{\"kind\":\x0c\"Event\"}");
    invalid("{\"kind\":\"Event\"}\x0c");
    invalid("{\"kind\":\"Event\"\x0b}");
}

/// Every prefix of a line is cut short: refused, wherever the cut falls (inside a string,
/// an escape, a number, a literal, at a block boundary).
#[test]
fn every_prefix_is_refused() {
    for pad in 0..64 {
        let line = LINE.replacen("Metadata", &format!("Metadata{}", "x".repeat(pad)), 1);
        fast(&line);
        for cut in 0..line.len() {
            if line.is_char_boundary(cut) {
                invalid(&line[..cut]);
            }
        }
    }
}

#[test]
fn escapes_decode_like_serde() {
    for s in [
        r#"\u0026\u003c\u003e"#,
        r#"a\"b\\c\/d\be\ff\ng\rh\ti"#,
        r#"\u00e9\u20ac\uFFFF\u0000\u001f x"#,
        r#"é€ then \u00E9 and 😀"#,
        r#"\\"#,
        r#"\u0041"#,
        r#"trailing \n"#,
    ] {
        let line = format!(
            r#"{{"requestURI":"{s}","userAgent":"{s}","user":{{"username":"{s}","groups":["{s}",null]}}}}"#
        );
        let ev = fast(&line);
        assert!(matches!(ev.request_uri.0, Cow::Owned(_)) || !s.contains('\\'));
    }
    // surrogates in decoded fields go to serde (pairs read, lone ones refused)
    left_to_serde(r#"{"verb":"\ud83d\ude00"}"#);
    invalid(r#"{"verb":"\ud83d"}"#);
    invalid(r#"{"verb":"\ude00"}"#);
    // in skipped strings any four hex digits do
    fast(r#"{"verb":"get","x":"\ud83d","y":"\ude00\u12aB"}"#);
    for bad in [
        r#"{"verb":"\x"}"#,
        r#"{"verb":"\u12"}"#,
        r#"{"verb":"\u12G4"}"#,
        r#"{"verb":"\'"}"#,
        r#"{"x":"\a"}"#,
        r#"{"x":"\u00"}"#,
        r#"{"x":{"k\q":1}}"#,
        r#"{"verb":"abc"#,
        r#"{"verb":"abc\"#,
        r#"{"x":"abc\u"#,
    ] {
        invalid(bad);
    }
}

#[test]
fn specials_simd_matches_scalar() {
    let mut block = [0u8; 64];
    for seed in 0..2000u64 {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        for c in block.iter_mut() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *c = match x % 8 {
                0 => b'"',
                1 => b'\\',
                2 => (x >> 8) as u8 % 0x21,
                _ => (x >> 16) as u8,
            };
        }
        assert_eq!(specials(&block), specials_scalar(&block), "{block:?}");
        assert_eq!(specials_swar(&block), specials_scalar(&block), "{block:?}");
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
        // SAFETY: SSE2 is part of x86_64
        assert_eq!(
            unsafe { simd::specials_sse2(&block) },
            specials_scalar(&block)
        );
    }
    let all: Vec<u8> = (0..=255).collect();
    for c in all.chunks(64) {
        let block: [u8; 64] = c.try_into().unwrap();
        assert_eq!(specials(&block), specials_scalar(&block));
        assert_eq!(specials_swar(&block), specials_scalar(&block));
    }
}

#[test]
fn control_characters() {
    invalid("{\"verb\":\"a\tb\"}");
    invalid("{\"verb\":\"a\nb\"}");
    invalid("{\"x\":\"a\x01b\"}");
    invalid("{\"x\":{\"k\x1f\":1}}");
    invalid("{\"x\":[\"k\x7f\x1f\"]}");
    invalid("{\"user\":{\"username\":\"\x00\"}}");
    invalid("{\"verb\":\"\\u0041\x1f\"}");
    // in each position of a 64-byte block, and across blocks
    for n in 0..140 {
        let pad = "a".repeat(n);
        fast(&format!("{{\"verb\":\"{pad}\",\"x\":\"{pad}\\n{pad}\"}}"));
        invalid(&format!("{{\"verb\":\"{pad}\x01\"}}"));
        invalid(&format!("{{\"verb\":\"{pad}\\n\x01\"}}"));
        invalid(&format!("{{\"x\":\"{pad}\x01\"}}"));
        invalid(&format!("{{\"x\":\"{pad}\\n\x01{pad}\"}}"));
    }
    invalid("{\"verb\":\"get\"}\x00");
    invalid("\x0c{\"verb\":\"get\"}");
    // a control character escaped is fine
    fast(r#"{"verb":"a\u0001b"}"#);
}

#[test]
fn fields_left_out_are_checked_as_if_read() {
    use crate::event::Fields;
    // `agree` reads each with optional fields left out in every way that matters
    for text in [
        r#"{"verb":"get","userAgent":"\ud83d"}"#,
        r#"{"verb":"get","userAgent":"\ud83d\ude00"}"#,
        r#"{"verb":"get","userAgent":1}"#,
        r#"{"verb":"get","userAgent":"a\x"}"#,
        r#"{"verb":"get","userAgent":"a\u00"}"#,
        r#"{"verb":"get","sourceIPs":"10.0.0.1"}"#,
        r#"{"verb":"get","sourceIPs":[1]}"#,
        r#"{"verb":"get","sourceIPs":[null, "a\u0041" ,"b"]}"#,
        r#"{"verb":"get","sourceIPs":["a",]}"#,
        r#"{"verb":"get","user":{"username":"u","groups":{}}}"#,
        r#"{"verb":"get","user":{"username":"u","groups":["\ude00"]}}"#,
        r#"{"verb":"get","responseStatus":{"code":403,"message":"m\"q\"","reason":null}}"#,
        r#"{"verb":"get","responseStatus":{"code":403,"reason":[]}}"#,
        r#"{"verb":"get","annotations":{"authorization.k8s.io/reason":"\"q\" \u00e9"}}"#,
        r#"{"verb":"get","annotations":{"authorization.k8s.io/reason":false}}"#,
    ] {
        agree(text);
    }
    let mut ev = Event::default();
    assert!(!event_fields(
        r#"{"userAgent":"\ud83d"}"#,
        &mut ev,
        Fields::NONE
    ));
    assert!(!event_fields(r#"{"sourceIPs":[1]}"#, &mut ev, Fields::NONE));
    let line = r#"{"verb":"get","userAgent":"k","sourceIPs":["1"],"user":{"username":"u","groups":["g"]},"responseStatus":{"code":1,"message":"\"m\"","reason":"r"},"annotations":{"authorization.k8s.io/reason":"\"x\""}}"#;
    assert!(event_fields(line, &mut ev, Fields::NONE));
    assert!(ev.user_agent.is_empty() && ev.source_ips.is_empty());
    assert!(ev.user.as_ref().unwrap().groups.is_empty());
    assert_eq!(ev.user.as_ref().unwrap().username.as_str(), "u");
    assert_eq!(ev.response_status.as_ref().unwrap().code, Some(1));
    assert!(ev.response_status.as_ref().unwrap().message.is_empty());
    assert!(ev.annotations.as_ref().unwrap().reason.is_empty());
    assert!(event_fields(line, &mut ev, Fields::ALL));
    assert_eq!(ev.annotations.as_ref().unwrap().reason.as_str(), "\"x\"");
}

#[test]
fn null_and_types() {
    let ev = fast(
        r#"{"kind":null,"verb":null,"user":null,"impersonatedUser":null,"objectRef":null,"responseStatus":null,"annotations":null,"sourceIPs":null}"#,
    );
    assert!(ev.kind.is_empty() && ev.user.is_none() && ev.source_ips.is_empty());
    let ev = fast(r#"{"user":{"username":null,"groups":[null,"a"]},"sourceIPs":[]}"#);
    assert_eq!(ev.user.unwrap().groups.len(), 2);
    fast(r#"{"responseStatus":{},"objectRef":{},"user":{},"annotations":{}}"#);
    fast(r#"{"responseStatus":{"code":null,"reason":null}}"#);
    // wrong types: serde refuses them
    for bad in [
        r#"{"verb":1}"#,
        r#"{"verb":true}"#,
        r#"{"verb":{}}"#,
        r#"{"verb":[]}"#,
        r#"{"sourceIPs":"a"}"#,
        r#"{"sourceIPs":{}}"#,
        r#"{"sourceIPs":[1]}"#,
        r#"{"sourceIPs":[[]]}"#,
        r#"{"user":"alice"}"#,
        r#"{"user":1}"#,
        r#"{"user":{"groups":"a"}}"#,
        r#"{"responseStatus":{"code":"200"}}"#,
        r#"{"responseStatus":{"code":true}}"#,
        r#"{"annotations":{"audit.k8s.io/truncated":true}}"#,
        r#"{"verb":nul}"#,
        r#"{"verb":nulls}"#,
        r#"{"user":nul}"#,
    ] {
        invalid(bad);
    }
    // a struct as an array: serde reads it by position; the fast path leaves it
    left_to_serde(r#"{"user":["alice",["g"]]}"#);
    left_to_serde(r#"{"responseStatus":[200]}"#);
}

#[test]
fn codes() {
    for (text, want) in [("0", Some(0)), ("200", Some(200)), ("null", None)] {
        let line = format!(r#"{{"responseStatus":{{"code":{text}}}}}"#);
        assert_eq!(fast(&line).response_status.unwrap().code, want);
    }
    fast(r#"{"responseStatus":{"code":999999999999999999}}"#);
    // serde's to decide: negative, 19 digits and more, fractions, exponents
    for ok in ["-1", "9223372036854775807", "1000000000000000000"] {
        left_to_serde(&format!(r#"{{"responseStatus":{{"code":{ok}}}}}"#));
    }
    for bad in [
        "-0",
        "200.0",
        "2e2",
        "2E2",
        "0.0",
        "9223372036854775808",
        "99999999999999999999999",
        "-9223372036854775809",
        "01",
        "00",
        "+1",
        "0x1",
        "1.",
        "-",
        "2e",
        "200x",
    ] {
        invalid(&format!(r#"{{"responseStatus":{{"code":{bad}}}}}"#));
    }
}

#[test]
fn numbers_in_skipped_values() {
    for ok in [
        "0",
        "-0",
        "1",
        "-1",
        "10",
        "1.5",
        "-0.0",
        "1e5",
        "1E5",
        "1e+5",
        "1e-5",
        "1.5e10",
        "0e0",
        "123456789012345678901234567890",
        "1.0E-0",
    ] {
        fast(&format!(
            r#"{{"verb":"get","x":{ok},"y":[{ok}],"z":{{"a":{ok}}}}}"#
        ));
    }
    for bad in [
        "01", "-", "+1", ".5", "1.", "1.e5", "1e", "1e+", "--1", "0x10", "1_0", "Infinity", "NaN",
        "1.5.5", "-01", "00", "1ee5", "tru", "True", "nul", "falsey", "truee", "'a'",
    ] {
        invalid(&format!(r#"{{"verb":"get","x":{bad}}}"#));
        invalid(&format!(r#"{{"verb":"get","x":[{bad}]}}"#));
        invalid(&format!(r#"{{"verb":"get","x":{{"a":{bad}}}}}"#));
    }
}

#[test]
fn duplicates_and_keys() {
    for dup in [
        r#"{"verb":"get","verb":"list"}"#,
        r#"{"user":null,"user":{"username":"a"}}"#,
        r#"{"user":{"username":"a","username":"b"}}"#,
        r#"{"objectRef":{"name":"a","name":"a"}}"#,
        r#"{"responseStatus":{"code":200,"code":200}}"#,
        r#"{"annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/decision":"allow"}}"#,
        r#"{"sourceIPs":[],"sourceIPs":[]}"#,
        r#"{"timestamp":"a","timestamp":"a"}"#,
    ] {
        invalid(dup);
    }
    // unknown keys may repeat; keys are case-sensitive
    let ev = fast(r#"{"x":1,"x":2,"Verb":"get","VERB":"get","user":{"uid":1,"uid":2}}"#);
    assert!(ev.verb.is_empty());
    // an escaped key may spell a known field: serde's to decode
    left_to_serde(r#"{"v\u0065rb":"get"}"#);
    invalid(r#"{"v\u0065rb":"get","verb":"get"}"#);
    // keys of skipped objects may have escapes
    fast(r#"{"verb":"get","x":{"a\"b\u0041":1}}"#);
}

#[test]
fn structure() {
    for bad in [
        "",
        " ",
        "{",
        "}",
        "{}}",
        "{}x",
        "{} {}",
        "[",
        r#""a""#,
        "null",
        r#"{"verb":"get",}"#,
        r#"{,"verb":"get"}"#,
        r#"{"verb" "get"}"#,
        r#"{"verb":"get" "kind":"Event"}"#,
        r#"{"verb"}"#,
        r#"{"verb":}"#,
        r#"{verb:"get"}"#,
        r#"{'verb':'get'}"#,
        r#"{1:2}"#,
        r#"{"x":[1,]}"#,
        r#"{"x":[,1]}"#,
        r#"{"x":[1 2]}"#,
        r#"{"x":{"a":1,}}"#,
        r#"{"x":{"a" 1}}"#,
        r#"{"x":{"a":}}"#,
        r#"{"x":{"a"}}"#,
        r#"{"x":{1:1}}"#,
        r#"{"x":[}"#,
        r#"{"x":{]}"#,
        r#"{"x":[1}"#,
        r#"{"x":{"a":1]}"#,
        r#"{"x":[[[]]}"#,
        r#"{"x":[[]]]}"#,
        r#"{"sourceIPs":["a",]}"#,
        r#"{"sourceIPs":["a" "b"]}"#,
        r#"{"user":{"username":"a",}}"#,
        r#"{"verb":"get""#,
        r#"{"verb":"get"#,
    ] {
        invalid(bad);
    }
    fast("{}");
    fast(" { } ");
    // an Event as an array (by position): serde's
    left_to_serde("[]");
    left_to_serde(r#"["Event"]"#);
    fast(r#"{"x":[],"y":{},"z":[[],{},[{}],{"a":[]}],"w":""}"#);
}

#[test]
fn depth() {
    let nest = |n: usize| {
        format!(
            r#"{{"verb":"get","x":{}1{}}}"#,
            "[".repeat(n),
            "]".repeat(n)
        )
    };
    fast(&nest(MAX_DEPTH as usize));
    // serde_json skips any depth: deeper ones are its to read
    left_to_serde(&nest(MAX_DEPTH as usize + 1));
    left_to_serde(&nest(1000));
    let objs = |n: usize| {
        format!(
            r#"{{"verb":"get","x":{}1{}}}"#,
            r#"{"a":"#.repeat(n),
            "}".repeat(n)
        )
    };
    fast(&objs(MAX_DEPTH as usize));
    left_to_serde(&objs(MAX_DEPTH as usize + 1));
    invalid(&format!(r#"{{"x":{}}}"#, "[".repeat(200)));
    // mixed, closing in the wrong order at depth
    let mixed = format!(r#"{{"x":{}1{}}}"#, "[{\"a\":".repeat(40), "}]".repeat(40));
    fast(&mixed);
    invalid(&mixed.replacen("1}]", "1]}", 1));
}

/// Every file under `dir`, recursively, into `out`.
fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Every file under testdata/, sorted.
fn testdata_files() -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    walk(
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata")),
        &mut files,
    );
    files.sort();
    files
}

/// The bytes of file `f`, decompressed when it is a gzip backup (`.gz`).
fn read_testdata(f: &std::path::Path) -> Vec<u8> {
    use std::io::Read;
    let data = std::fs::read(f).unwrap();
    if f.extension().is_some_and(|x| x == "gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&data[..])
            .read_to_end(&mut out)
            .unwrap();
        return out;
    }
    data
}

/// Check `text` and every string in it that looks like a nested event.
fn agree_with_nested(text: &str, nested: &mut usize) {
    agree(text);
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
        let mut todo = vec![v];
        while let Some(v) = todo.pop() {
            match v {
                serde_json::Value::String(s) if s.trim_start().starts_with('{') => {
                    *nested += 1;
                    agree_with_nested(&s, nested);
                }
                serde_json::Value::Array(a) => todo.extend(a),
                serde_json::Value::Object(o) => todo.extend(o.into_iter().map(|(_, v)| v)),
                _ => {}
            }
        }
    }
}

/// Agreement with serde on every line of every file under testdata/ (gzip backups
/// decompressed), every item of those read as documents, and every string inside them that
/// holds an object (CloudWatch messages, AKS logs); and the share of native lines (objects
/// serde reads as an Event with a kind or an auditID) the fast path takes.
#[test]
#[expect(clippy::print_stderr)]
fn agrees_with_serde_on_testdata() {
    let files = testdata_files();
    let (mut lines, mut native, mut on_fast, mut items, mut nested) = (0, 0, 0, 0, 0);
    let mut missed = Vec::new();
    for f in &files {
        let data = read_testdata(f);
        // one Event read into again and again, as a worker does, whose lists are sometimes
        // taken (by the request they start) and sometimes left (to be reused)
        let mut slot = Event::default();
        for line in data.split(|&b| b == b'\n') {
            let Ok(text) = std::str::from_utf8(line) else {
                continue;
            };
            lines += 1;
            agree_with_nested(text, &mut nested);
            let reused = event_into(text, &mut slot).then_some(&slot);
            assert_eq!(reused, event(text).as_ref(), "{text}");
            if lines % 2 == 0 {
                std::mem::take(&mut slot.source_ips);
            }
            if lines % 3 == 0
                && let Some(u) = slot.user.as_mut()
            {
                std::mem::take(&mut u.groups);
            }
            if text.trim_start().starts_with('{')
                && let Ok(ev) = serde_json::from_str::<Event>(text)
                && (!ev.kind.is_empty() || !ev.audit_id.is_empty())
            {
                native += 1;
                if event(text).is_some() {
                    on_fast += 1;
                } else {
                    missed.push(format!("{}: {:.80}", f.display(), text));
                }
            }
        }
        let (found, _, _) = crate::input::document::items(&data);
        for it in found {
            if let Ok(text) = std::str::from_utf8(&data[it.start..it.end]) {
                items += 1;
                agree_with_nested(text, &mut nested);
            }
        }
    }
    eprintln!(
        "fast path: {on_fast} of {native} native lines ({:.2}%) in {} files; \
         {lines} lines, {items} document items, {nested} nested strings checked",
        100.0 * on_fast as f64 / native.max(1) as f64,
        files.len()
    );
    for m in &missed {
        eprintln!("  left to serde: {m}");
    }
    assert!(native > 10_000, "{native} native lines");
    assert!(
        on_fast * 100 >= native * 99,
        "{on_fast} of {native} on the fast path"
    );
}
