//! The output of `timeline`: lines written as they are made, in the chosen format: the
//! narrative (dated, header-less lines of text, coloured, fitted to the terminal), CSV, or JSON
//! and NDJSON serialized straight from a struct with RFC 3339 stamps made without allocating.
//! It does not make lines (`line.rs`) nor sentences (`sentence.rs`).

use std::borrow::Cow;
use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use super::clock::Clock;
use super::entry::Entry;
use super::line::{F_IMP, F_NAME, F_NS, F_PATH, F_RESOURCE, F_SUB, Line};
use super::markers::{MARKERS, marker_names};
use super::sentence::{View, Words};
use crate::event::Ts;
use crate::render::{self, Cell, Record, Style, Tone};
use crate::term::{Out, sanitize};
use crate::vocab::duration::{DAY, HOUR, MINUTE, SECOND};

/// Lines written in the chosen format, as they are made.
pub(super) struct Printer<'a> {
    /// Table and wide: the narrative.
    pub(super) narrative: Option<Narrative<'a>>,
    /// CSV.
    pub(super) rows: Option<render::Writer>,
    /// JSON (an array), else NDJSON.
    pub(super) array: bool,
    /// Lines are serialized into one buffer: many small writes through `Out` cost more.
    pub(super) buf: Vec<u8>,
    pub(super) stamps: Stamps,
    pub(super) words: Words,
    pub(super) written: usize,
    /// `--limit`: lines written at most.
    pub(super) limit: Option<usize>,
}

impl Printer<'_> {
    /// Are more lines wanted?
    pub(super) fn more(&self) -> bool {
        self.limit.is_none_or(|k| self.written < k)
    }

    /// Write one line; false once no more are wanted.
    pub(super) fn line(&mut self, out: &mut Out, view: &View, l: &Line) -> Result<bool> {
        if !self.more() {
            return Ok(false);
        }
        self.written += 1;
        if let Some(n) = &mut self.narrative {
            n.write(out, view, l)?;
            return Ok(self.more());
        }
        self.words.clear();
        view.sentence(&mut self.words, l);
        let rec = LineRecord {
            view,
            line: l,
            sentence: &self.words.buf,
        };
        if let Some(rows) = &mut self.rows {
            rows.row(out, &rec)?;
            return Ok(self.more());
        }
        // serialized straight from a struct: a Value per line costs more than the scan
        if self.array {
            self.buf
                .extend_from_slice(if self.written == 1 { b"[\n" } else { b",\n" });
        }
        crate::render::json::to_writer(&mut self.buf, &rec.fields_json(&mut self.stamps))?;
        if !self.array {
            self.buf.push(b'\n');
        }
        if self.buf.len() >= 1 << 16 {
            out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(self.more())
    }

    pub(super) fn finish(&mut self, out: &mut Out) -> Result<()> {
        out.write_all(&self.buf)?;
        self.buf.clear();
        if let Some(rows) = &mut self.rows {
            rows.finish(out)?;
        } else if self.array {
            out.write_all(if self.written == 0 { b"[]\n" } else { b"\n]\n" })?;
        }
        Ok(())
    }
}

/// The default output: dated, header-less lines of text.
pub(super) struct Narrative<'a> {
    pub(super) clock: &'a Clock,
    pub(super) style: &'a Style,
    pub(super) wide: bool,
    /// `--context` was given: lines start with `·` (context) or a space (a match).
    pub(super) context: bool,
    /// The day (and offset) of the last date line.
    pub(super) day: Option<(i64, Option<i32>)>,
    pub(super) words: Words,
    pub(super) buf: String,
}

fn paint(line: &mut String, code: &str, text: &str) {
    line.push_str("\x1b[");
    line.push_str(code);
    line.push('m');
    line.push_str(text);
    line.push_str("\x1b[0m");
}

fn tone_code(t: Tone) -> Option<&'static str> {
    match t {
        Tone::Plain => None,
        Tone::Ok => Some("32"),
        Tone::Info => Some("36"),
        Tone::Warn => Some("33"),
        Tone::Bad => Some("31"),
        Tone::Dim => Some("2"),
    }
}

impl Narrative<'_> {
    /// Write one line (after its date line when the day changes).
    fn write(&mut self, out: &mut Out, view: &View, l: &Line) -> Result<()> {
        let dated = self.style.headers;
        let first = &l.first;
        if dated {
            let key = self.clock.key(first.time);
            if self.day != Some(key) {
                if self.day.is_some() {
                    out.write_all(b"\n")?;
                }
                self.day = Some(key);
                let d = self.clock.date_line(first.time);
                if self.style.color {
                    let mut line = String::new();
                    paint(&mut line, "1", &d);
                    writeln!(out, "{line}")?;
                } else {
                    writeln!(out, "{d}")?;
                }
            }
        }
        let mut words = std::mem::take(&mut self.words);
        let mut line = std::mem::take(&mut self.buf);
        words.clear();
        view.sentence(&mut words, l);
        line.clear();
        self.line(&mut line, view, l, &words, !dated);
        line.push('\n');
        out.write_all(line.as_bytes())?;
        (self.words, self.buf) = (words, line);
        Ok(())
    }

    fn line(&self, line: &mut String, v: &View, l: &Line, words: &Words, full: bool) {
        let (first, last) = (&l.first, &l.last);
        let color = self.style.color && !first.context();
        let dim_all = self.style.color && first.context();
        if dim_all {
            line.push_str("\x1b[2m");
        }
        // columns used besides the sentence (escape sequences take none)
        let mut used = 0;
        if self.context {
            line.push_str(if first.context() { "· " } else { "  " });
            used += 2;
        }
        let at = line.len();
        self.clock.write(line, first.time, full);
        used += line.len() - at + 2;
        line.push_str("  ");
        if l.count > 1 {
            let mut span = format!("x{} until ", l.count);
            let same_day = self.clock.key(first.time) == self.clock.key(last.time);
            self.clock.write(&mut span, last.time, full || !same_day);
            used += span.len() + 2;
            if color {
                paint(line, "1", &span);
            } else {
                line.push_str(&span);
            }
            line.push_str("  ");
        }
        // the sentence's own column: its next lines start there, and the markers follow its
        // last line (or go under it)
        let indent = used;
        let markers = marker_names(first.marks)
            .map(|m| m.len() + 4)
            .sum::<usize>();
        let sentence = match (self.style.fit, self.style.width) {
            (true, Some(w)) => {
                let room = (w as usize).saturating_sub(used).max(20);
                words.wrapped(room, indent, markers)
            }
            _ => Cow::Borrowed(words.buf.as_str()),
        };
        let tone = if first.incomplete() || first.code < 0 {
            Tone::Dim
        } else {
            Tone::of_code(Some(i64::from(first.code)))
        };
        match (color, tone_code(tone)) {
            // the code is at the end of the sentence, whatever was cut before it
            (true, Some(c)) if words.code.1 == words.buf.len() && words.code.0 > 0 => {
                // (after it, a wrapped sentence may have the break its markers go after)
                let body = sentence.trim_end_matches([' ', '\n']);
                let code_len = words.code.1 - words.code.0;
                let split = body.len() - code_len;
                line.push_str(&body[..split]);
                paint(line, c, &body[split..]);
                line.push_str(&sentence[body.len()..]);
            }
            _ => line.push_str(&sentence),
        }
        for (bit, name, c) in MARKERS {
            if first.marks & bit == 0 {
                continue;
            }
            line.push_str("  ");
            if color {
                paint(line, &format!("1;{c}"), &format!("[{name}]"));
            } else {
                line.push('[');
                line.push_str(name);
                line.push(']');
            }
        }
        if first.cluster != 0 {
            line.push_str("  cluster=");
            line.push_str(&sanitize(v.s(first.cluster)));
        }
        if self.wide {
            if first.apiserver != 0 {
                line.push_str("  apiserver=");
                line.push_str(&sanitize(v.s(first.apiserver)));
            }
            line.push_str("  auditID=");
            line.push_str(&sanitize(v.audit_id(first)));
            if l.count > 1 {
                line.push_str(&format!(" (+{})", l.count - 1));
            }
            line.push_str("  ip=");
            line.push_str(v.s(first.ip));
            line.push_str("  ua=\"");
            line.push_str(v.s(first.agent));
            line.push('"');
        }
        if dim_all {
            line.push_str("\x1b[0m");
        }
    }
}

/// One line for the machine formats.
struct LineRecord<'a> {
    view: &'a View<'a>,
    line: &'a Line,
    sentence: &'a str,
}

impl LineRecord<'_> {
    /// The value of a string field shared by every request of the line; `None` when absent or
    /// when the requests differ (`--collapse kind`).
    fn common(&self, bit: u8, f: impl Fn(&Entry) -> u32) -> Option<&str> {
        self.line
            .common(bit, f(&self.line.first))
            .map(|id| self.view.s(id))
    }

    fn actor(&self) -> &str {
        let e = &self.line.first;
        self.view.s(if e.imp != 0 { e.imp } else { e.user })
    }

    fn ids(&self) -> Vec<&str> {
        self.line
            .listed
            .iter()
            .map(|e| self.view.audit_id(e))
            .collect()
    }

    /// The JSON form (the README documents these fields, in this order).
    fn fields_json(&self, stamps: &mut Stamps) -> JsonLine<'_> {
        let (e, last) = (&self.line.first, &self.line.last);
        JsonLine {
            time: stamps.get(e.time),
            last: stamps.get(last.time),
            count: self.line.count,
            actor: self.actor(),
            user: self.view.s(e.user),
            impersonated_user: self.common(F_IMP, |e| e.imp),
            verb: self.view.s(e.verb),
            resource: self.common(F_RESOURCE, |e| e.resource),
            subresource: self.common(F_SUB, |e| e.sub),
            namespace: self.common(F_NS, |e| e.ns),
            name: self.common(F_NAME, |e| e.name),
            path: self.common(F_PATH, |e| e.path),
            code: (e.code >= 0).then_some(e.code),
            incomplete: e.incomplete(),
            markers: marker_names(e.marks).collect(),
            sentence: self.sentence,
            context: e.context(),
            // (a line never spans two clusters or API servers: `Entry::same`)
            cluster: Some(self.view.s(e.cluster)).filter(|c| !c.is_empty()),
            apiserver: Some(self.view.s(e.apiserver)).filter(|a| !a.is_empty()),
            audit_ids: self.ids(),
        }
    }
}

/// RFC 3339 UTC times with microseconds, written without allocating; the date is computed once
/// per day (lines come in time order).
#[derive(Default)]
pub(super) struct Stamps {
    day: Option<(i64, [u8; 10])>,
}

/// `2026-11-21T14:58:42.273325Z`.
pub(super) struct Stamp([u8; 27]);

impl Stamp {
    pub(super) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

impl Serialize for Stamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Stamps {
    pub(super) fn get(&mut self, t: i64) -> Option<Stamp> {
        if t == i64::MIN {
            return None;
        }
        let day = t.div_euclid(DAY);
        let date = match self.day {
            Some((d, date)) if d == day => date,
            _ => {
                let mut date = [0u8; 10];
                date.copy_from_slice(&Ts(day * DAY).rfc3339().as_bytes()[..10]);
                self.day = Some((day, date));
                date
            }
        };
        let us = t.rem_euclid(DAY);
        let mut b = *b"0000-00-00T00:00:00.000000Z";
        b[..10].copy_from_slice(&date);
        let put = |b: &mut [u8; 27], at: usize, width: usize, mut v: i64| {
            for i in (at..at + width).rev() {
                b[i] = b'0' + (v % 10) as u8;
                v /= 10;
            }
        };
        put(&mut b, 11, 2, us / HOUR);
        put(&mut b, 14, 2, us / MINUTE % 60);
        put(&mut b, 17, 2, us / SECOND % 60);
        put(&mut b, 20, 6, us % SECOND);
        Some(Stamp(b))
    }
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct JsonLine<'a> {
    time: Option<Stamp>,
    last: Option<Stamp>,
    count: usize,
    actor: &'a str,
    user: &'a str,
    impersonated_user: Option<&'a str>,
    verb: &'a str,
    resource: Option<&'a str>,
    subresource: Option<&'a str>,
    namespace: Option<&'a str>,
    name: Option<&'a str>,
    path: Option<&'a str>,
    code: Option<i32>,
    incomplete: bool,
    markers: Vec<&'static str>,
    sentence: &'a str,
    context: bool,
    cluster: Option<&'a str>,
    apiserver: Option<&'a str>,
    #[serde(rename = "auditIDs")]
    audit_ids: Vec<&'a str>,
}

impl Record for LineRecord<'_> {
    type Row<'x>
        = JsonLine<'x>
    where
        Self: 'x;
    fn row(&self) -> JsonLine<'_> {
        self.fields_json(&mut Stamps::default())
    }
    fn cells(&self, _: &Style) -> Vec<Cell> {
        Vec::new()
    }
}
