//! A request's bodies (`requestObject`, `responseObject`) as values, read from the raw lines of
//! its stages: for each, the last stage's that can be read, and why a body the log has could not
//! be. The one reader of a request's bodies: `history` reads both ([`Request::bodies`]),
//! `detect` each only when a rule first asks ([`Request::body_reader`]); `events --bodies`
//! shows each line's own ([`crate::event::LineBodies`], which this reads with). It neither
//! redacts nor drops anything of a body.

use std::cell::{Cell, OnceCell};

use serde_json::Value;

use super::{Mark, Request};

/// A request's bodies: `None` when the log has none (or only unreadable ones).
#[derive(Debug, Default)]
pub struct Bodies {
    pub request: Option<Value>,
    pub response: Option<Value>,
    /// Bodies the log has that could not be read, said for a reader, the request's first (`the
    /// request body could not be read (too deeply nested)`): the log is not without bodies.
    pub unreadable: Vec<String>,
}

impl Bodies {
    /// The log has bodies for this request (read or not).
    pub fn any(&self) -> bool {
        self.request.is_some() || self.response.is_some() || !self.unreadable.is_empty()
    }
}

/// A request's bodies, each read when first asked for: stages are read from the last, each
/// line once, and only until the body asked for is found (the completing stage has both,
/// usually, and is the only one read). A line read for one body gives the other too.
pub struct BodyReader<'r> {
    marks: &'r [Mark<'r>],
    /// Stages read so far, from the last.
    read: Cell<usize>,
    request: Side,
    response: Side,
}

/// One body being read.
#[derive(Default)]
struct Side {
    /// Set once found, or once every stage was read without finding it (`None`).
    value: OnceCell<Option<Value>>,
    /// Why the last stage that had it could not be read, if it could not.
    unreadable: OnceCell<String>,
}

impl Side {
    /// A stage's body of this side, read from a stage before (earlier than) those read already.
    fn take(&self, body: serde_json::Result<Option<Value>>) {
        if self.value.get().is_some() {
            return;
        }
        match body {
            Ok(Some(v)) => {
                let _ = self.value.set(Some(v));
            }
            Ok(None) => {}
            Err(e) => {
                self.unreadable.get_or_init(|| why(&e));
            }
        }
    }
    fn note(&self, which: &str) -> Option<String> {
        let why = self.unreadable.get()?;
        Some(format!("the {which} body could not be read ({why})"))
    }
}

/// Why a body could not be read: serde_json stops at 128 levels of nesting.
fn why(e: &serde_json::Error) -> String {
    if e.to_string().contains("recursion limit") {
        "too deeply nested".to_string()
    } else {
        e.to_string()
    }
}

impl<'r> BodyReader<'r> {
    /// `requestObject`: of the last stage that has one that can be read (a `null` is none).
    pub fn request(&self) -> Option<&Value> {
        self.get(&self.request)
    }

    /// `responseObject`, as [`Self::request`].
    pub fn response(&self) -> Option<&Value> {
        self.get(&self.response)
    }

    fn get<'s>(&'s self, side: &'s Side) -> Option<&'s Value> {
        loop {
            if let Some(v) = side.value.get() {
                return v.as_ref();
            }
            let n = self.read.get();
            let Some(m) = self.marks.iter().rev().nth(n) else {
                // every stage read: what is not found, the log does not have
                let _ = self.request.value.set(None);
                let _ = self.response.value.set(None);
                continue;
            };
            self.read.set(n + 1);
            if let Some(raw) = &m.raw {
                let line = crate::event::LineBodies::read(raw);
                self.request.take(line.request);
                self.response.take(line.response);
            }
        }
    }

    /// Both bodies, and the notes for those that could not be read.
    pub fn finish(self) -> Bodies {
        self.request();
        self.response();
        let unreadable = [self.request.note("request"), self.response.note("response")];
        Bodies {
            unreadable: unreadable.into_iter().flatten().collect(),
            request: self.request.value.into_inner().flatten(),
            response: self.response.value.into_inner().flatten(),
        }
    }
}

impl Request<'_> {
    /// Its bodies, each read from the raw lines of its stages when first asked for (none when
    /// the scan kept no raw lines).
    pub fn body_reader(&self) -> BodyReader<'_> {
        BodyReader {
            marks: &self.marks,
            read: Cell::new(0),
            request: Side::default(),
            response: Side::default(),
        }
    }

    /// Both its bodies, read now ([`Self::body_reader`]).
    pub fn bodies(&self) -> Bodies {
        self.body_reader().finish()
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use serde_json::json;

    use super::super::Mark;
    use super::*;
    use crate::event::Stage;

    fn request(lines: &[String]) -> Request<'static> {
        let marks = lines
            .iter()
            .enumerate()
            .map(|(i, l)| Mark {
                stage: Stage::ResponseComplete,
                time: None,
                code: None,
                file: 0,
                line: i as u64 + 1,
                raw: Some(Cow::Owned(l.clone().into_bytes())),
            })
            .collect();
        Request {
            marks,
            ..Default::default()
        }
    }

    fn deep() -> String {
        format!("{}1{}", "[".repeat(200), "]".repeat(200))
    }

    /// The last stage's body of each side; a `null` or a line without one is none.
    #[test]
    fn the_last_stage_that_has_each_body() {
        let r = request(&[
            r#"{"stage":"RequestReceived","requestObject":{"v":1}}"#.into(),
            r#"{"stage":"ResponseComplete","requestObject":{"v":2},"responseObject":null}"#.into(),
        ]);
        let b = r.bodies();
        assert_eq!(b.request, Some(json!({"v": 2})));
        assert_eq!(b.response, None);
        assert!(b.unreadable.is_empty() && b.any());
        assert!(!request(&[r#"{"verb":"get"}"#.into()]).bodies().any());
        assert!(!Request::default().bodies().any());
    }

    /// An unreadable body is said, once per side; an earlier stage's copy that can be read is
    /// the body (and the note stays: the last stage's could not be read).
    #[test]
    fn unreadable_bodies_are_said_and_earlier_copies_used() {
        let d = deep();
        let r = request(&[
            format!(r#"{{"requestObject":{d},"responseObject":{d}}}"#),
            format!(r#"{{"requestObject":{d},"responseObject":{d}}}"#),
        ]);
        let b = r.bodies();
        assert_eq!((b.request, b.response), (None, None));
        assert_eq!(
            b.unreadable,
            [
                "the request body could not be read (too deeply nested)",
                "the response body could not be read (too deeply nested)"
            ]
        );
        let r = request(&[
            r#"{"requestObject":{"v":1}}"#.into(),
            format!(r#"{{"requestObject":{d},"responseObject":{{"v":3}}}}"#),
        ]);
        let b = r.bodies();
        assert_eq!(b.request, Some(json!({"v": 1})));
        assert_eq!(b.response, Some(json!({"v": 3})));
        assert_eq!(
            b.unreadable,
            ["the request body could not be read (too deeply nested)"]
        );
    }

    /// detect asks for one body at a time: the stages are read from the last, each once, and
    /// no further than the body asked for; a key written with an escape is the same key.
    #[test]
    fn a_reader_reads_no_further_than_asked() {
        let r = request(&[
            r#"{"requestObject":{"v":1}}"#.into(),
            r#"{"stage":"ResponseStarted"}"#.into(),
            r#"{"request\u004fbject":{"v":3}}"#.into(),
        ]);
        let b = r.body_reader();
        assert_eq!(b.request(), Some(&json!({"v": 3})));
        assert_eq!(b.read.get(), 1);
        assert_eq!(b.response(), None);
        assert_eq!(b.read.get(), 3);
        assert_eq!(b.request(), Some(&json!({"v": 3})));
        assert_eq!(b.read.get(), 3);
    }

    /// history skipped a line whose body key was written with an escape (`"request\u004fbject"`,
    /// the same key to a JSON reader), which detect read: both read it now.
    #[test]
    fn a_body_key_written_with_an_escape_is_read() {
        let r = request(&[r#"{"request\u004fbject":{"v":1},"respons\u0065Object":[]}"#.into()]);
        let b = r.bodies();
        assert_eq!(b.request, Some(json!({"v": 1})));
        assert_eq!(b.response, Some(json!([])));
    }
}
