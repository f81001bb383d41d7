//! Unit tests of correlation: stages folded into requests (later stages fill what early ones lack),
//! fragments joined across chunks by the merger, ended keys and repeated stages, failed
//! authentication, watches, requests that share an auditID.

use super::merger::{Ended, Recent};
use super::*;

#[test]
fn recent_keys_are_given_once_and_the_last_limit_are_kept() {
    let mut r: Recent<u32> = Recent::new(1000);
    assert!(r.is_empty() && r.take(1).is_none());
    // blocks of 100 keys, most recent last; key k has value k
    for b in 0..30u64 {
        r.extend(
            (b * 100..b * 100 + 100)
                .rev()
                .map(|k| (k, k as u32))
                .collect(),
        );
    }
    // at least the last 1000 are known, not much more
    assert!((2000..3000).all(|k| r.contains(k)));
    assert!(!r.contains(0) && !r.contains(1899));
    assert_eq!(r.take(2500), Some(2500));
    assert_eq!(r.take(2500), None, "taken once");
    assert!(r.contains(2501));
    // the same key twice is there twice
    r.extend(vec![(7, 1), (7, 2)]);
    let two = [r.take(7), r.take(7)];
    assert!(two.contains(&Some(1)) && two.contains(&Some(2)));
    assert_eq!(r.take(7), None);
    // many chunks of a few keys each: small blocks take in the next, so a lookup stays a
    // binary search in a few blocks
    let mut few: Recent<()> = Recent::new(64_000);
    for c in 0..100_000u64 {
        few.extend_keys(vec![c * 2 + 1, c * 2]);
    }
    assert!(few.blocks.len() <= 70, "{} blocks", few.blocks.len());
    assert!(few.blocks.iter().all(|b| b.keys.is_sorted()));
    assert!((200_000 - 64_000..200_000).all(|k| few.contains(k)));
    assert!(!few.contains(0) && !few.contains(200_000));
    assert_eq!(few.take(199_999), Some(()));
    assert!(!few.contains(199_999));
}

fn ev(line: &str) -> (Event<'_>, Stage) {
    let e: Event = serde_json::from_str(line).unwrap();
    let s = Stage::parse(e.stage.as_str()).unwrap();
    (e, s)
}

fn mark(stage: Stage, line: u64) -> Mark<'static> {
    Mark {
        stage,
        time: None,
        code: None,
        file: 0,
        line,
        raw: None,
    }
}

const RR: &str = r#"{"auditID":"a","stage":"RequestReceived","verb":"create","user":{"username":"ops"},"objectRef":{"resource":"configmaps","namespace":"prod"},"requestReceivedTimestamp":"2026-01-01T00:00:00.000000Z","stageTimestamp":"2026-01-01T00:00:00.000000Z"}"#;
const RC: &str = r#"{"auditID":"a","stage":"ResponseComplete","verb":"create","user":{"username":"ops"},"impersonatedUser":{"username":"eve"},"objectRef":{"resource":"configmaps","namespace":"prod","name":"x"},"responseStatus":{"code":201},"annotations":{"authorization.k8s.io/decision":"allow"},"requestReceivedTimestamp":"2026-01-01T00:00:00.000000Z","stageTimestamp":"2026-01-01T00:00:00.250000Z"}"#;

#[test]
fn later_stages_fill_what_early_ones_lack() {
    let mut c = ChunkCorrelator::default();
    let (e, s) = ev(RR);
    c.push(e, s, mark(s, 1), false);
    let (e, s) = ev(RC);
    let mut m = mark(s, 2);
    m.time = Ts::parse("2026-01-01T00:00:00.250000Z");
    c.push(e, s, m, false);
    let items = c.finish().items;
    assert_eq!(items.len(), 1);
    let Item::Done(r) = &items[0] else { panic!() };
    assert_eq!(r.name, "x");
    assert_eq!(r.impersonated_user, "eve");
    assert_eq!(r.effective_user(), "eve");
    assert_eq!(r.code, Some(201));
    assert_eq!(r.decision, "allow");
    assert_eq!(r.latency_ms(), Some(250.0));
    assert_eq!(r.location(), (0, 2));
}

/// One source IP is held inline and the event keeps its list (emptied, for the next line
/// to read into); two are kept in order; the first event's list wins; owned copies agree.
#[test]
fn source_ips_one_inline_several_in_order() {
    let one = RR.replace(r#""verb""#, r#""sourceIPs":["10.0.0.1"],"verb""#);
    let (mut e, s) = ev(&one);
    let cap = e.source_ips.capacity();
    let mut r = Request::from_event(&mut e, s, mark(s, 1));
    assert!(matches!(r.source_ips, List::One(ref ip) if ip == "10.0.0.1"));
    assert!(e.source_ips.is_empty() && e.source_ips.capacity() == cap && cap > 0);
    let two = RC.replace(r#""verb""#, r#""sourceIPs":["10.9.9.9","10.0.0.2"],"verb""#);
    let (mut e, s) = ev(&two);
    r.absorb(&mut e, s, mark(s, 2));
    assert_eq!(
        &*r.source_ips,
        ["10.0.0.1"],
        "the first event's list is kept"
    );
    assert_eq!(e.source_ips.len(), 2, "and the later one left to the event");
    let (mut e, s) = ev(&two);
    let r2 = Request::from_event(&mut e, s, mark(s, 1)).into_owned();
    assert!(matches!(r2.source_ips, List::Many(_)));
    assert_eq!(&*r2.source_ips, ["10.9.9.9", "10.0.0.2"]);
    assert_eq!(r2.source_ips.last().map(|s| &**s), Some("10.0.0.2"));
    let (mut e, s) = ev(RR);
    let r3 = Request::from_event(&mut e, s, mark(s, 1));
    assert_eq!(r3.source_ips, List::Empty);
    assert!(r3.source_ips.is_empty());
    assert_eq!(List::from(vec![1]), List::One(1));
    assert_eq!(List::from(Vec::<u8>::new()), List::Empty);
    assert_eq!(
        List::from(vec![1, 2]).map(|x| x * 10),
        List::Many(vec![10, 20])
    );
}

/// A completing line the code prefilter skipped: the request's open part goes at once (not
/// held to the end of the input), and a stage of it that comes later is late.
#[test]
fn a_skipped_completion_drops_its_open_request() {
    let mut m = Merger::default();
    let mut c = ChunkCorrelator::default();
    let (e, s) = ev(RR);
    c.push(e, s, mark(s, 1), false);
    for it in c.finish().items {
        let Item::Frag(f) = it else { panic!() };
        assert!(m.frag(f).is_none());
    }
    let other = key_hash("b", "2026-01-01T00:00:00.000000Z");
    m.final_skipped(vec![other]);
    assert_eq!(m.open_count(), 1, "another request's key");
    m.final_skipped(vec![key_hash("a", "2026-01-01T00:00:00.000000Z")]);
    assert_eq!(m.open_count(), 0);
    let mut c = ChunkCorrelator::default();
    let rs = RR.replace("RequestReceived", "ResponseStarted");
    let (e, s) = ev(&rs);
    c.push(e, s, mark(s, 9), false);
    for it in c.finish().items {
        let Item::Frag(f) = it else { panic!() };
        assert!(m.frag(f).is_none());
    }
    assert_eq!(m.open_count(), 0);
    assert_eq!(m.late_events, 1);
}

#[test]
fn stages_split_across_chunks_meet_in_the_merger() {
    let mut m = Merger::default();
    let mut c1 = ChunkCorrelator::default();
    let (e, s) = ev(RR);
    c1.push(e, s, mark(s, 1), false);
    let items = c1.finish().items;
    assert!(matches!(&items[..], [Item::Frag(_)]));
    for it in items {
        let Item::Frag(f) = it else { panic!() };
        assert!(m.frag(f).is_none());
    }
    assert_eq!(m.open_count(), 1);
    let mut c2 = ChunkCorrelator::default();
    let (e, s) = ev(RC);
    c2.push(e, s, mark(s, 9), false);
    let Item::Frag(f) = c2.finish().items.pop().unwrap() else {
        panic!()
    };
    let done = m.frag(f).expect("complete");
    assert_eq!(done.stages.joined(), "RequestReceived+ResponseComplete");
    assert_eq!(done.name, "x");
    assert_eq!(m.open_count(), 0);
}

#[test]
fn failed_authentication_is_a_complete_401() {
    let line = r#"{"auditID":"f","stage":"ResponseStarted","verb":"list","user":{},"responseStatus":{"code":401},"requestReceivedTimestamp":"2026-01-01T00:00:00Z"}"#;
    let mut c = ChunkCorrelator::default();
    let (e, s) = ev(line);
    c.push(e, s, mark(s, 1), false);
    let Item::Frag(f) = c.finish().items.pop().unwrap() else {
        panic!()
    };
    let r = Merger::default().frag(f).expect("a 401 ends the request");
    assert_eq!(r.code, Some(401));
    assert!(!r.incomplete());
    assert!(
        !r.long_running(),
        "a failed authentication is not long-running"
    );
}

#[test]
fn a_watch_start_does_not_end_the_request() {
    let line = r#"{"auditID":"w","stage":"ResponseStarted","verb":"watch","user":{"username":"u"},"responseStatus":{"code":200}}"#;
    let mut m = Merger::default();
    let mut c = ChunkCorrelator::default();
    let (e, s) = ev(line);
    c.push(e, s, mark(s, 1), false);
    for it in c.finish().items {
        let Item::Frag(f) = it else { panic!() };
        assert!(m.frag(f).is_none());
    }
    let inc: Vec<Request> = m.drain().into_iter().map(|l| m.unpack(l)).collect();
    assert_eq!(inc.len(), 1);
    assert!(inc[0].incomplete() && inc[0].long_running());
}

#[test]
fn a_request_received_after_its_completion_is_not_a_second_request() {
    // files read newest first, or a writer that reordered lines
    let mut m = Merger::default();
    let mut c = ChunkCorrelator::default();
    let (e, s) = ev(RC);
    c.push(e, s, mark(s, 1), false);
    let (e, s) = ev(RR);
    c.push(e, s, mark(s, 2), false);
    let mut done = Vec::new();
    let fin = c.finish();
    assert_eq!(fin.late, 1, "known late in its chunk");
    for it in fin.items {
        let (Item::Frag(f) | Item::Done(f)) = it;
        done.extend(m.frag(f));
    }
    assert_eq!(done.len(), 1);
    assert_eq!(m.open_count(), 0, "no phantom incomplete request");
    // the same, the two in different chunks: known late in the merger
    let mut m = Merger::default();
    for (line, stage_line) in [(1, RC), (2, RR)] {
        let mut c = ChunkCorrelator::default();
        let (e, s) = ev(stage_line);
        c.push(e, s, mark(s, line), false);
        let fin = c.finish();
        assert_eq!(fin.late, 0);
        for it in fin.items {
            let (Item::Frag(f) | Item::Done(f)) = it;
            done.extend(m.frag(f));
        }
    }
    assert_eq!(done.len(), 2);
    assert_eq!(m.open_count(), 0, "no phantom incomplete request");
    assert_eq!(m.late_events, 1);
}

/// One auditID with one received time is one request: a stage read again (a line
/// delivered twice) or a second end (Panic, then ResponseComplete) is left out and counted,
/// in the chunk that read the first, or in the merger when the repeat comes in another
/// chunk (as a fragment, or as a whole request the chunk read: `Merger::end`).
#[test]
fn a_repeated_stage_is_left_out_and_counted() {
    let panic = RC.replace("ResponseComplete", "Panic");
    let mut c = ChunkCorrelator::default();
    for (i, line) in [RR, RR, panic.as_str(), RC, RC].iter().enumerate() {
        let (e, s) = ev(line);
        if let Some(slot) = c.push_done(&mut { e }, s, mark(s, i as u64 + 1), false) {
            let r = &c.slab[slot];
            assert_eq!(r.stages.joined(), "RequestReceived+Panic");
            assert_eq!(r.marks.len(), 2);
        }
    }
    let fin = c.finish();
    assert_eq!(fin.late, 3);
    assert!(fin.items.is_empty());
    // across chunks: the whole request again is a repeat, a lone end again is late
    let mut m = Merger::default();
    let key = key_hash("a", "2026-01-01T00:00:00.000000Z");
    assert!(matches!(m.end(key), End::First), "first time");
    assert!(matches!(m.end(key), End::Repeat), "a repeat");
    let mut c = ChunkCorrelator::default();
    let (e, s) = ev(RC);
    c.push(e, s, mark(s, 1), false);
    for it in c.finish().items {
        let Item::Frag(f) = it else { panic!() };
        assert!(m.frag(f).is_none(), "its end again: late");
    }
    assert_eq!(m.late_events, 1);
    // a RequestReceived left open by an earlier chunk, then the whole request again in a
    // later one: the open part is handed back to be joined, not left an incomplete request
    let mut m = Merger::default();
    let mut c = ChunkCorrelator::default();
    let (e, s) = ev(RR);
    c.push(e, s, mark(s, 1), false);
    for it in c.finish().items {
        let Item::Frag(f) = it else { panic!() };
        assert!(m.frag(f).is_none());
    }
    assert_eq!(m.open_count(), 1);
    let End::Joins(earlier) = m.end(key) else {
        panic!("joins")
    };
    assert_eq!(earlier.len(), 1);
    assert_eq!(earlier[0].stages.joined(), "RequestReceived");
    assert_eq!((m.open_count(), m.late_events), (0, 0));
    // without a received time, a key says nothing: the stages join in order
    let no_rts = |l: &str| {
        l.replace(
            r#","requestReceivedTimestamp":"2026-01-01T00:00:00.000000Z""#,
            "",
        )
    };
    let (rr, rc) = (no_rts(RR), no_rts(RC));
    let mut c = ChunkCorrelator::default();
    let mut n = 0;
    for (i, line) in [&rr, &rc, &rr, &rc].iter().enumerate() {
        let (e, s) = ev(line);
        n += c
            .push_done(&mut { e }, s, mark(s, i as u64 + 1), false)
            .is_some() as usize;
    }
    assert_eq!((n, c.finish().late), (2, 0), "two requests");
}

#[test]
fn ended_keys_are_kept_two_generations() {
    let mut e = Ended::new(100);
    for k in 0..250 {
        e.insert(k);
        // checkpoints every 10 keys
        if k % 10 == 9 {
            e.rotate();
        }
    }
    assert!((200..250).all(|k| e.contains(k)), "the current generation");
    assert!((100..200).all(|k| e.contains(k)), "the one before");
    assert!(!e.contains(0) && !e.contains(99), "forgotten");
    assert!(!e.contains(1000));
}

#[test]
fn same_audit_id_different_received_time_are_two_requests() {
    let mut c = ChunkCorrelator::default();
    let (e, s) = ev(RR);
    c.push(e, s, mark(s, 1), false);
    let other = RR.replace(
        "00:00:00.000000Z\",\"stageTimestamp",
        "00:00:05.000000Z\",\"stageTimestamp",
    );
    let (e, s) = ev(&other);
    c.push(e, s, mark(s, 2), false);
    assert_eq!(c.finish().items.len(), 2);
}
