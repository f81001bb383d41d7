//! A request still open, as the merger keeps it: every field in one allocation.
//!
//! A [`Request`] is a large struct (two dozen `Cow` strings, lists, times, its stage marks), and
//! owned it holds a dozen more allocations: about 4 KB per request that had not ended, so a log
//! of requests that never complete (a policy that omits their last stage, a hostile writer)
//! took gigabytes. Packed, the fields are written one after the other into one boxed slice:
//! strings as a length and their bytes, lists as a count and their strings, times and codes as
//! a tag and eight bytes. A typical open request then takes a few hundred bytes, about the size
//! of its strings. The merger packs a fragment when it keeps it open and unpacks it when a
//! later fragment joins it, so nothing else sees this form.
//!
//! It does not decide what is kept, for how long, or what happens when memory runs out (see
//! `Merger` in the parent module).

use std::borrow::Cow;

use super::{List, Mark, Request};
use crate::event::{Stage, StageSet, Ts};

/// One request, packed.
#[derive(Debug, Clone)]
pub struct Packed(Box<[u8]>);

/// Writes fields into the buffer.
struct Writer(Vec<u8>);

impl Writer {
    fn uint(&mut self, mut v: u64) {
        // LEB128: seven bits a byte, the high bit set on all but the last
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.0.push(b);
                return;
            }
            self.0.push(b | 0x80);
        }
    }
    fn bytes(&mut self, b: &[u8]) {
        self.uint(b.len() as u64);
        self.0.extend_from_slice(b);
    }
    fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }
    fn strs<S: AsRef<str>>(&mut self, l: &[S]) {
        self.uint(l.len() as u64);
        for s in l {
            self.str(s.as_ref());
        }
    }
    fn int(&mut self, v: Option<i64>) {
        match v {
            None => self.0.push(0),
            Some(v) => {
                self.0.push(1);
                self.0.extend_from_slice(&v.to_le_bytes());
            }
        }
    }
    fn ts(&mut self, t: Option<Ts>) {
        self.int(t.map(|t| t.0));
    }
}

/// Reads fields back, in the order they were written. The bytes are always ones a [`Writer`]
/// wrote: a read past them is a bug, and panics.
struct Reader<'p> {
    b: &'p [u8],
    at: usize,
}

impl<'p> Reader<'p> {
    fn byte(&mut self) -> u8 {
        let b = self.b[self.at];
        self.at += 1;
        b
    }
    fn uint(&mut self) -> u64 {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let b = self.byte();
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return v;
            }
            shift += 7;
        }
    }
    fn bytes(&mut self) -> &'p [u8] {
        let n = self.uint() as usize;
        let s = &self.b[self.at..self.at + n];
        self.at += n;
        s
    }
    fn str(&mut self) -> &'p str {
        // written from a &str
        std::str::from_utf8(self.bytes()).expect("packed strings are UTF-8")
    }
    fn owned(&mut self) -> Cow<'static, str> {
        let s = self.str();
        if s.is_empty() {
            Cow::Borrowed("")
        } else {
            Cow::Owned(s.to_owned())
        }
    }
    fn strs(&mut self) -> Vec<Cow<'static, str>> {
        let n = self.uint() as usize;
        (0..n).map(|_| self.owned()).collect()
    }
    fn int(&mut self) -> Option<i64> {
        match self.byte() {
            0 => None,
            _ => {
                let v = i64::from_le_bytes(self.b[self.at..self.at + 8].try_into().expect("8"));
                self.at += 8;
                Some(v)
            }
        }
    }
    fn ts(&mut self) -> Option<Ts> {
        self.int().map(Ts)
    }
    /// Past the key ([`Packed::key`] and the key's hash).
    fn key(&mut self) {
        for _ in 0..4 {
            self.str();
        }
        self.at += 8;
    }
}

impl Packed {
    /// Pack a request (its raw lines too, when it kept them).
    pub fn pack(r: &Request<'_>) -> Packed {
        let mut w = Writer(Vec::with_capacity(256));
        // the key first: `audit_id`, `received_key`, `cluster` and `apiserver` are read without
        // unpacking the rest
        w.str(&r.audit_id);
        w.str(&r.received_key);
        w.str(&r.cluster);
        w.str(&r.apiserver);
        w.0.extend_from_slice(&r.key.to_le_bytes());
        for s in [
            &r.verb,
            &r.user,
            &r.impersonated_user,
            &r.user_agent,
            &r.api_group,
            &r.api_version,
            &r.resource,
            &r.subresource,
            &r.namespace,
            &r.name,
            &r.request_uri,
            &r.level,
            &r.status_reason,
            &r.status_message,
            &r.decision,
            &r.authz_reason,
        ] {
            w.str(s);
        }
        w.strs(&r.groups);
        w.strs(&r.impersonated_groups);
        w.strs(&r.source_ips);
        w.int(r.code);
        w.ts(r.received);
        w.ts(r.started);
        w.ts(r.completed);
        w.0.push(r.stages.0);
        let dry = match r.body_dry_run {
            None => 0,
            Some(false) => 1,
            Some(true) => 2,
        };
        w.0.push(u8::from(r.is_final) | (u8::from(r.truncated) << 1) | (dry << 2));
        w.uint(r.annotations.len() as u64);
        for (k, v) in &r.annotations {
            w.str(k);
            w.str(v);
        }
        w.uint(r.extra.len() as u64);
        for (k, v) in &r.extra {
            w.str(k);
            w.strs(v);
        }
        w.uint(r.marks.len() as u64);
        for m in &r.marks {
            w.0.push(m.stage as u8);
            w.ts(m.time);
            w.int(m.code);
            w.uint(u64::from(m.file));
            w.uint(m.line);
            match &m.raw {
                None => w.uint(0),
                Some(raw) => {
                    w.uint(raw.len() as u64 + 1);
                    w.0.extend_from_slice(raw);
                }
            }
        }
        Packed(w.0.into_boxed_slice())
    }

    /// The request again, owning its strings.
    pub fn unpack(&self) -> Request<'static> {
        let mut r = Reader { b: &self.0, at: 0 };
        let audit_id = r.owned();
        let received_key = r.owned();
        let cluster = r.owned();
        let apiserver = r.owned();
        let key = u64::from_le_bytes(r.b[r.at..r.at + 8].try_into().expect("8"));
        r.at += 8;
        let mut req = Request {
            audit_id,
            received_key,
            cluster,
            apiserver,
            key,
            verb: r.owned(),
            user: r.owned(),
            impersonated_user: r.owned(),
            user_agent: r.owned(),
            api_group: r.owned(),
            api_version: r.owned(),
            resource: r.owned(),
            subresource: r.owned(),
            namespace: r.owned(),
            name: r.owned(),
            request_uri: r.owned(),
            level: r.owned(),
            status_reason: r.owned(),
            status_message: r.owned(),
            decision: r.owned(),
            authz_reason: r.owned(),
            ..Default::default()
        };
        req.groups = r.strs();
        req.impersonated_groups = r.strs();
        req.source_ips = List::from(r.strs());
        req.code = r.int();
        req.received = r.ts();
        req.started = r.ts();
        req.completed = r.ts();
        req.stages = StageSet(r.byte());
        let flags = r.byte();
        req.is_final = flags & 1 != 0;
        req.truncated = flags & 2 != 0;
        req.body_dry_run = match flags >> 2 & 3 {
            0 => None,
            1 => Some(false),
            _ => Some(true),
        };
        let n = r.uint() as usize;
        req.annotations = (0..n).map(|_| (r.owned(), r.owned())).collect();
        let n = r.uint() as usize;
        req.extra = (0..n).map(|_| (r.owned(), r.strs())).collect();
        let n = r.uint() as usize;
        req.marks = (0..n)
            .map(|_| {
                let stage = Stage::ALL[usize::from(r.byte() & 3)];
                let time = r.ts();
                let code = r.int();
                let file = r.uint() as u32;
                let line = r.uint();
                let raw = match r.uint() {
                    0 => None,
                    n => {
                        let n = n as usize - 1;
                        let b = r.b[r.at..r.at + n].to_vec();
                        r.at += n;
                        Some(Cow::Owned(b))
                    }
                };
                Mark {
                    stage,
                    time,
                    code,
                    file,
                    line,
                    raw,
                }
            })
            .collect();
        debug_assert_eq!(r.at, self.0.len(), "every packed byte read back");
        req
    }

    /// The request's identity, read in place: its auditID, received time, cluster and API
    /// server ([`Request::identity`]).
    pub fn key(&self) -> (&str, &str, &str, &str) {
        let mut r = Reader { b: &self.0, at: 0 };
        (r.str(), r.str(), r.str(), r.str())
    }

    /// Does this fragment agree with the packed request (without a received time, see
    /// `correlate::agrees`): the same verb, user and request URI, where both have one?
    pub fn agrees(&self, frag: &Request<'_>) -> bool {
        let mut r = Reader { b: &self.0, at: 0 };
        r.key();
        let verb = r.str();
        let user = r.str();
        for _ in 0..8 {
            // impersonated user .. name
            r.str();
        }
        let uri = r.str();
        let same = |a: &str, b: &str| a.is_empty() || b.is_empty() || a == b;
        same(verb, &frag.verb) && same(user, &frag.user) && same(uri, &frag.request_uri)
    }

    /// Bytes held (its allocation).
    pub fn size(&self) -> usize {
        self.0.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> Request<'static> {
        let s = |v: &str| Cow::Owned(v.to_string());
        Request {
            audit_id: s("a-1"),
            received_key: s("2026-01-01T00:00:00.000000Z"),
            cluster: s("prod-eu"),
            apiserver: s("kube-apiserver/master-0"),
            key: 0x0123_4567_89ab_cdef,
            verb: s("create"),
            user: s("ops"),
            groups: vec![s("system:authenticated"), s("é ☃")],
            impersonated_user: s("eve"),
            impersonated_groups: vec![s("g")],
            source_ips: List::from(vec![s("10.0.0.1"), s("::1")]),
            user_agent: s(&"u".repeat(300)),
            api_group: s("apps"),
            api_version: s("v1"),
            resource: s("deployments"),
            subresource: s("scale"),
            namespace: s("prod"),
            name: s("web"),
            request_uri: s("/apis/apps/v1/namespaces/prod/deployments/web/scale"),
            level: s("RequestResponse"),
            code: Some(-7),
            status_reason: s("Forbidden"),
            status_message: s("no"),
            decision: s("forbid"),
            authz_reason: s("r"),
            received: Some(Ts(-5)),
            started: None,
            completed: Some(Ts(i64::MAX)),
            stages: StageSet(0b1011),
            is_final: true,
            truncated: true,
            annotations: vec![(s("k8s.io/deprecated"), s("true")), (s("a"), s(""))],
            extra: vec![
                (
                    s("authentication.kubernetes.io/credential-id"),
                    vec![s("JTI=1")],
                ),
                (s("b"), vec![]),
            ],
            body_dry_run: Some(true),
            marks: vec![
                Mark {
                    stage: Stage::RequestReceived,
                    time: Some(Ts(1)),
                    code: None,
                    file: 3,
                    line: 1 << 40,
                    raw: Some(Cow::Owned(b"{\"x\":1}".to_vec())),
                },
                Mark {
                    stage: Stage::Panic,
                    time: None,
                    code: Some(500),
                    file: u32::MAX,
                    line: 0,
                    raw: Some(Cow::Owned(Vec::new())),
                },
                Mark {
                    stage: Stage::ResponseStarted,
                    time: None,
                    code: None,
                    file: 0,
                    line: 7,
                    raw: None,
                },
            ],
        }
    }

    /// Every field comes back as it went in, an empty request too.
    #[test]
    fn packs_and_unpacks_every_field() {
        let mut not_dry = full();
        not_dry.body_dry_run = Some(false);
        for r in [full(), not_dry, Request::default()] {
            let p = Packed::pack(&r);
            assert_eq!(p.key(), r.identity());
            assert_eq!(format!("{:?}", p.unpack()), format!("{r:?}"));
        }
        // one source IP stays inline
        let mut r = full();
        r.source_ips = List::from(vec![Cow::Borrowed("10.0.0.1")]);
        assert!(matches!(Packed::pack(&r).unpack().source_ips, List::One(_)));
    }

    /// What an open Metadata request of a real log costs packed: about its strings.
    #[test]
    fn a_request_packs_to_about_its_strings() {
        let mut r = full();
        r.user_agent = Cow::Borrowed("kubectl/v1.30.0 (linux/amd64) kubernetes/abcdef0");
        r.marks.truncate(1);
        r.marks[0].raw = None;
        r.annotations.clear();
        r.extra.clear();
        let strings: usize = [
            &r.audit_id,
            &r.received_key,
            &r.user_agent,
            &r.request_uri,
            &r.cluster,
            &r.apiserver,
        ]
        .iter()
        .map(|s| s.len())
        .sum();
        let size = Packed::pack(&r).size();
        assert!(
            size < strings + 210,
            "{size} bytes for {strings} bytes of the longest strings"
        );
        assert!(size < 490, "{size}");
    }
}
