//! The properties every input must keep, whatever its bytes: shared by the bounded fuzz test
//! (tests/fuzz.rs) and the cargo-fuzz targets (scripts/fuzz, which include this file by path).
//!
//! A panic anywhere is a failure (the caller catches it); a broken property comes back as
//! `Err(description)`. Work and memory limits are the caller's: the test counts each input's
//! work (`kaudit::work`), libFuzzer runs with `-timeout`, `-rss_limit_mb` and `-malloc_limit_mb`.

use kaudit::chunk::Lines;
use kaudit::event::{Event, Stage, Ts};
use kaudit::input::format::{Format, Reader, Rec};
use kaudit::input::{document, fast};

pub const FORMATS: [Format; 6] = [
    Format::Auto,
    Format::Native,
    Format::Json,
    Format::Eks,
    Format::Gke,
    Format::Aks,
];

/// Longest reason a malformed record may carry: native.rs caps serde's wording at 200 bytes (it
/// quotes offending values, which can be megabytes); a fixed prefix may come before it.
pub const MAX_REASON: usize = 320;

/// Read `buf` as the scanner reads a line-oriented input, line by line, with every reader.
pub fn lines(buf: &[u8]) -> Result<(), String> {
    for (n, l) in Lines::new(buf).enumerate() {
        line(l.bytes, l.terminated).map_err(|e| format!("line {}: {e}", n + 1))?;
    }
    Ok(())
}

/// One line, with each format (raw events kept), and again with `auto` without raw events and
/// as the unterminated last line of a file: the answers must agree. The fast parser agrees with
/// serde on it ([`fast_event`]).
pub fn line(bytes: &[u8], terminated: bool) -> Result<(), String> {
    fast_event(bytes)?;
    let mut first = Vec::new();
    for format in FORMATS {
        let r = Reader {
            format,
            keep_raw: true,
            fields: kaudit::event::Fields::ALL,
        };
        let mut out = Vec::new();
        r.line(bytes, terminated, &mut out);
        records(bytes, &r, &out).map_err(|e| format!("{}: {e}", format.name()))?;
        if format == Format::Auto {
            first = out.iter().map(summary).collect();
        }
    }
    let plain = Reader {
        format: Format::Auto,
        keep_raw: false,
        fields: kaudit::event::Fields::ALL,
    };
    let mut out = Vec::new();
    plain.line(bytes, terminated, &mut out);
    records(bytes, &plain, &out)?;
    // the workers' shortcut reads the same event as the reader
    for format in FORMATS {
        let r = Reader {
            format,
            keep_raw: false,
            fields: kaudit::event::Fields::ALL,
        };
        let mut slot = fast::event(DIRTY).ok_or("DIRTY is not read")?;
        if let Some((stage, whole)) = r.native_line(bytes, &mut slot) {
            let mut out = Vec::new();
            r.line(bytes, terminated, &mut out);
            match &out[..] {
                [Rec::Event(e)]
                    if e.event == slot
                        && e.stage == stage
                        && e.whole == whole
                        && e.raw.is_none() => {}
                _ => {
                    return Err(format!(
                        "{}: native_line read {slot:?} ({stage:?}, whole {whole}), line {out:?}",
                        format.name()
                    ));
                }
            }
        }
    }
    let got: Vec<String> = out.iter().map(summary).collect();
    if got != first {
        return Err(format!(
            "keeping raw events changed the records: {first:?} vs {got:?}"
        ));
    }
    // the same line as the unterminated end of a file: only a cut record may read differently
    let mut cut = Vec::new();
    plain.line(bytes, !terminated, &mut cut);
    records(bytes, &plain, &cut)?;
    if cut.len() != out.len() {
        return Err(format!(
            "terminated={terminated} gave {} records, {} otherwise",
            out.len(),
            cut.len()
        ));
    }
    for (a, b) in out.iter().zip(&cut) {
        if let (Rec::Event(_), _) | (_, Rec::Event(_)) = (a, b)
            && summary(a) != summary(b)
        {
            return Err(format!(
                "an event read differently when the line is (not) terminated: {} vs {}",
                summary(a),
                summary(b)
            ));
        }
    }
    Ok(())
}

/// `fast::event` on `bytes` (when they are UTF-8) and on every string in them that holds an
/// object (an envelope's event): where it gives an Event, serde_json gives the same one.
pub fn fast_event(bytes: &[u8]) -> Result<(), String> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Ok(());
    };
    fast_agrees(text)?;
    // nested events: a CloudWatch message, an AKS log, an envelope in an envelope
    let mut todo: Vec<serde_json::Value> = serde_json::from_str(text).into_iter().collect();
    while let Some(v) = todo.pop() {
        match v {
            serde_json::Value::String(s) if s.trim_start().starts_with('{') => {
                fast_agrees(&s)?;
                todo.extend(serde_json::from_str::<serde_json::Value>(&s));
            }
            serde_json::Value::Array(a) => todo.extend(a),
            serde_json::Value::Object(o) => todo.extend(o.into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
    Ok(())
}

/// A line every list of which a reused Event may be holding when it is read into again.
const DIRTY: &str = r#"{"kind":"Event","auditID":"x","stage":"ResponseComplete","user":{"username":"u","groups":["a","b","c"]},"impersonatedUser":{"username":"i","groups":["d"]},"sourceIPs":["1","2"]}"#;

fn fast_agrees(text: &str) -> Result<(), String> {
    // read into an Event that holds another one, as a worker does
    let mut slot = fast::event(DIRTY).ok_or("DIRTY is not read")?;
    let reused = fast::event_into(text, &mut slot).then_some(&slot);
    if reused != fast::event(text).as_ref() {
        return Err(format!(
            "fast::event_into a used Event read {reused:?}, fast::event {:?}: {}",
            fast::event(text),
            excerpt(text.as_bytes())
        ));
    }
    // with optional fields left out: the same lines read, the same events less those fields
    for f in kaudit::event::Fields::samples() {
        let mut slot = fast::event(DIRTY).ok_or("DIRTY is not read")?;
        let read = fast::event_fields(text, &mut slot, f).then_some(&slot);
        let want = fast::event(text).map(|mut e| {
            e.keep_fields(f);
            e
        });
        if read != want.as_ref() {
            return Err(format!(
                "fast::event_fields {f:?} read {read:?}, fast::event less those {want:?}: {}",
                excerpt(text.as_bytes())
            ));
        }
    }
    let Some(ev) = fast::event(text) else {
        return Ok(());
    };
    // no_bodies (serde never sets it): no body however its key is written
    if ev.no_bodies
        && let Ok(serde_json::Value::Object(m)) = serde_json::from_str(text)
        && (m.contains_key("requestObject") || m.contains_key("responseObject"))
    {
        return Err(format!(
            "fast::event says no bodies, but the line has one: {}",
            excerpt(text.as_bytes())
        ));
    }
    match serde_json::from_str::<Event>(text).map(|want| Event {
        no_bodies: ev.no_bodies,
        ..want
    }) {
        Ok(want) if want == ev => Ok(()),
        Ok(want) => Err(format!(
            "fast::event read {ev:?}, serde {want:?}: {}",
            excerpt(text.as_bytes())
        )),
        Err(e) => Err(format!(
            "fast::event read what serde refuses ({e}): {}",
            excerpt(text.as_bytes())
        )),
    }
}

/// One line with one reader (the format-specific fuzz targets).
pub fn line_with(r: &Reader, bytes: &[u8], terminated: bool) -> Result<(), String> {
    let mut out = Vec::new();
    r.line(bytes, terminated, &mut out);
    records(bytes, r, &out)
}

/// How a record compares between two readings.
fn summary(r: &Rec) -> String {
    match r {
        Rec::Event(ev) => format!(
            "event {:?} {} {} {:?}",
            ev.event.audit_id.as_str(),
            ev.stage.name(),
            ev.whole,
            ev.event.verb.as_str()
        ),
        Rec::Skipped(s) => format!("skipped {}", s.reason()),
        Rec::Malformed(m) => format!("malformed {m}"),
    }
}

/// Most records a text of `bytes` can hold: every record is an object or array, or an item of a
/// batch (each item is a record, a scalar one malformed: after a `,` but the first); one nested
/// in a string (a CloudWatch message, an AKS log) starts with a `{` or `[` that is written there,
/// or an escape. Plus one for a line that holds none.
fn bound(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .filter(|&&b| matches!(b, b'{' | b'[' | b',' | b'\\'))
        .count()
        + 1
}

/// The properties of what one call returned.
fn records(bytes: &[u8], r: &Reader, out: &[Rec]) -> Result<(), String> {
    if out.is_empty() {
        return Err("no record for a line".into());
    }
    if out.len() > bound(bytes) {
        return Err(format!(
            "{} records from {} bytes holding at most {}",
            out.len(),
            bytes.len(),
            bound(bytes)
        ));
    }
    for rec in out {
        match rec {
            Rec::Event(ev) => {
                if !ev.event.stage.is_empty()
                    && Stage::parse(ev.event.stage.as_str()) != Some(ev.stage)
                {
                    return Err(format!(
                        "stage {:?} read as {}",
                        ev.event.stage.as_str(),
                        ev.stage.name()
                    ));
                }
                if !ev.whole && ev.event.audit_id.is_empty() {
                    return Err("an event joined by auditID has none".into());
                }
                match (&ev.raw, r.keep_raw) {
                    (Some(_), false) => return Err("raw event kept when not asked".into()),
                    (Some(raw), true) => {
                        if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(raw) {
                            return Err(format!(
                                "the raw event is not one JSON value ({e}): {}",
                                excerpt(raw)
                            ));
                        }
                    }
                    _ => {}
                }
                for t in [
                    ev.event.time(),
                    ev.event.request_received_timestamp.as_str(),
                ] {
                    timestamp(t)?;
                }
            }
            Rec::Skipped(s) => {
                if s.reason().is_empty() {
                    return Err("a skip without a reason".into());
                }
            }
            Rec::Malformed(m) => {
                if m.is_empty() || m.len() > MAX_REASON {
                    return Err(format!(
                        "a reason of {} bytes: {}",
                        m.len(),
                        excerpt(m.as_bytes())
                    ));
                }
            }
        }
    }
    Ok(())
}

/// A JSON document input: `is_document`, the items it is cut into, and each item read.
pub fn document(buf: &[u8]) -> Result<(), String> {
    document::is_document(&buf[..buf.len().min(document::HEAD)]);
    let (items, problems, lines) = document::items(buf);
    let want = Lines::new(buf).count() as u64;
    if lines != want {
        return Err(format!("{lines} lines counted, {want} in the input"));
    }
    let mut prev_end = 0;
    // lines before `counted`, counted once
    let (mut counted, mut newlines) = (0, 0u64);
    for it in &items {
        if it.start >= it.end || it.end > buf.len() || it.start < prev_end {
            return Err(format!(
                "item {}..{} (after one ending at {prev_end}) in {} bytes",
                it.start,
                it.end,
                buf.len()
            ));
        }
        prev_end = it.end;
        newlines += buf[counted..it.start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        counted = it.start;
        let line = 1 + newlines;
        if it.line != line {
            return Err(format!(
                "item at byte {} said to be on line {}, is on line {line}",
                it.start, it.line
            ));
        }
        let bytes = &buf[it.start..it.end];
        fast_event(bytes).map_err(|e| format!("item on line {line}: {e}"))?;
        // the splitter cuts by structure (brackets and strings): an item that a parser does not
        // take as one JSON value must be reported by the reader, never read as events
        if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
            let r = Reader {
                format: Format::Auto,
                keep_raw: false,
                fields: kaudit::event::Fields::ALL,
            };
            let mut out = Vec::new();
            r.item(bytes, &mut out);
            if !matches!(&out[..], [Rec::Malformed(_)]) {
                return Err(format!(
                    "item on line {line} is not one JSON value ({e}) and reads as {} record(s), not one malformed: {}",
                    out.len(),
                    excerpt(bytes)
                ));
            }
        }
        for format in [Format::Auto, Format::Json] {
            let r = Reader {
                format,
                keep_raw: true,
                fields: kaudit::event::Fields::ALL,
            };
            let mut out = Vec::new();
            r.item(bytes, &mut out);
            records(bytes, &r, &out)
                .map_err(|e| format!("item on line {line}, {}: {e}", format.name()))?;
        }
    }
    let mut last = 0;
    for (i, p) in problems.iter().enumerate() {
        if p.line() < last || p.line() < 1 || p.line() > lines.max(1) {
            return Err(format!(
                "problem on line {} (after line {last}, of {lines})",
                p.line()
            ));
        }
        last = p.line();
        if let document::Problem::Unfinished { .. } = p
            && i + 1 != problems.len()
        {
            return Err("an unfinished value before the end".into());
        }
        let reason = p.reason();
        if reason.is_empty() || reason.len() > MAX_REASON {
            return Err(format!("a reason of {} bytes", reason.len()));
        }
    }
    if problems.len() as u64 > lines.max(1) {
        return Err(format!("{} problems in {lines} lines", problems.len()));
    }
    Ok(())
}

/// A timestamp: parsing never panics, agrees with jiff where jiff reads it, and what
/// [`Ts::rfc3339`] writes reads back.
pub fn timestamp(s: &str) -> Result<(), String> {
    let t = Ts::parse(s);
    if let Some(t) = t {
        let out = t.rfc3339();
        if out.len() >= 4 && out.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
            let back = Ts::parse(&out);
            if back != Some(t) {
                return Err(format!(
                    "{s:?} read as {t:?}, written {out:?}, read back {back:?}"
                ));
            }
        }
    }
    if (10..=64).contains(&s.len())
        && let Ok(j) = s.parse::<jiff::Timestamp>()
    {
        let want = j.as_nanosecond().div_euclid(1000) as i64;
        if t != Some(Ts(want)) {
            return Err(format!("{s:?} read as {t:?}, jiff reads {want}"));
        }
    }
    Ok(())
}

/// The start of some bytes, escaped, for a message.
pub fn excerpt(b: &[u8]) -> String {
    let s = String::from_utf8_lossy(&b[..b.len().min(300)]);
    format!("{s:?}{}", if b.len() > 300 { "..." } else { "" })
}
