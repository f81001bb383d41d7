//! Structure-aware mutation of audit records, for the bounded fuzz test (tests/fuzz.rs) and the
//! cargo-fuzz targets (scripts/fuzz, which include this file by path): byte flips, truncation at
//! each kind of JSON position, splicing two inputs, inserting escapes, NULs, invalid UTF-8, huge
//! numbers and deep nesting, wrapping in every envelope kaudit reads (and envelopes in
//! envelopes), and edits of the JSON tree (duplicate keys, strings turned into numbers or null,
//! known keys set to awkward values). Deterministic: everything comes from [`Rng`].
//!
//! It knows nothing of kaudit's types; the properties checked live in `check.rs`.

use serde_json::Value;

/// xorshift64*: small, fast, and the same sequence everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        // splitmix64 of the seed, so that 0, 1, 2... give unrelated streams
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Rng((z ^ (z >> 31)) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }
    /// True one time in `n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Byte strings that break parsers: escapes, NULs, lone surrogates, invalid UTF-8, huge
/// numbers, deep or unbalanced nesting, and fragments of envelopes.
const TOKENS: &[&[u8]] = &[
    b"\\u0000",
    b"\0",
    b"\\\"",
    b"\\\\",
    b"\\",
    b"\\u",
    b"\\ud800",
    b"\\udfff",
    b"\\uDBFF\\uDFFF",
    b"\\u007b",
    b"\\u0026",
    b"\xff",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xef\xbb\xbf",
    b"\x1b[31m",
    b"1e999999",
    b"-1e-999999",
    b"123456789012345678901234567890",
    b"1.7976931348623157e309",
    b"-9223372036854775809",
    b"18446744073709551616",
    b"0.0000000000000000000000000001",
    b"null",
    b"true",
    b"\"\"",
    b"{}",
    b"[]",
    b"\n",
    b"\r\n",
    b"\r",
    b"\t",
    b" ",
    b",",
    b":",
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b"[Truncated...]",
    b"{\"kind\":\"EventList\",\"items\":[",
    b"\"protoPayload\":{},",
    b"\"category\":\"kube-audit\",",
    b"\"message\":\"{}\",",
];

/// Keys the readers look at; a tree edit often renames a key to one of these.
const KEYS: &[&str] = &[
    "kind",
    "apiVersion",
    "items",
    "records",
    "events",
    "logEvents",
    "message",
    "protoPayload",
    "category",
    "properties",
    "log",
    "auditID",
    "stage",
    "stageTimestamp",
    "requestReceivedTimestamp",
    "timestamp",
    "verb",
    "requestURI",
    "user",
    "username",
    "impersonatedUser",
    "sourceIPs",
    "objectRef",
    "resource",
    "responseStatus",
    "code",
    "annotations",
    "operation",
    "id",
    "first",
    "last",
    "serviceName",
    "methodName",
    "resourceName",
    "authenticationInfo",
    "principalEmail",
    "requestMetadata",
    "callerIp",
    "status",
    "request",
    "response",
    "insertId",
    "labels",
    // the rest of what the native Event reads (input/fast.rs parses each by name)
    "level",
    "groups",
    "userAgent",
    "namespace",
    "name",
    "apiGroup",
    "subresource",
    "reason",
    "authorization.k8s.io/decision",
    "authorization.k8s.io/reason",
    "audit.k8s.io/truncated",
];

/// Awkward values for the keys above (JSON text).
const VALUES: &[&str] = &[
    "null",
    "0",
    "-1",
    "1e308",
    "1e999",
    "18446744073709551616",
    "1.5",
    "true",
    "\"\"",
    "{}",
    "[]",
    "[{}]",
    "[null]",
    "\"Event\"",
    "\"EventList\"",
    "\"Status\"",
    "\"RequestReceived\"",
    "\"ResponseStarted\"",
    "\"ResponseComplete\"",
    "\"Panic\"",
    "\"Done\"",
    "\"k8s.io\"",
    "\"kube-audit\"",
    "\"kube-apiserver\"",
    "\"core/v1/namespaces/default/pods/web/exec\"",
    "\"/healthz\"",
    "\"core/v1\"",
    "\"a/b/namespaces\"",
    "\"io.k8s.core.v1.pods.exec.create\"",
    "\"...\"",
    "{\"first\":true}",
    "{\"id\":\"op\",\"last\":true}",
    "{\"code\":7,\"message\":\"x is invalid\"}",
    "{\"kind\":\"Status\",\"code\":409}",
    "\"{\\\"kind\\\":\\\"Event\\\"}\"",
    "\"{\\\"kind\\\":\\\"Event\\\",\\\"auditID\\\":\\\"x\\\",\\\"stage\\\":\\\"Panic\\\"}\"",
    "\"[Truncated...]\"",
    "\"\\u0000\\u001b[2J\\ud83d\\ude00\"",
    "\"2026-11-21T14:58:09.989263Z\"",
    "\"2016-12-31T23:59:60Z\"",
    "\"9999-12-31T23:59:60.999999Z\"",
    "\"0000-01-01T00:00:00+01:00\"",
    "\"1969-12-31T23:59:59.9999995Z\"",
    "\"1969-12-31T23:59:59.9999995+00:00\"",
    "\"2026-11-21t14:58:09.1z\"",
    "\"2026-11-21T14:58:09.1234567890123Z\"",
    "\"2025-02-30T00:00:00Z\"",
    "\"2022-11-29 00:09:04.38\"",
    "\"-000001-01-01T00:00:00Z\"",
    "\"2026-11-21T14:58:09,5Z\"",
    "\"2026-11-21T14:58:09.Z\"",
    // numbers at the edges of `code` (an i64) and of the JSON grammar
    "200",
    "-0",
    "200.0",
    "2e2",
    "9223372036854775807",
    "9223372036854775808",
    "999999999999999999",
    "1000000000000000000",
    // lists of strings, and strings with escapes
    "[\"a\",null]",
    "[1]",
    "[[]]",
    "\"a\\u0026b\\u003c\\/\\n\"",
];

/// Timestamp-like strings for the `timestamp` target and its mutations.
pub const TIMES: &[&str] = &[
    "2026-11-21T14:58:09.989263Z",
    "2017-09-11T19:55:05Z",
    "2026-11-21T15:58:09+01:00",
    "2022-11-29 00:09:04.38",
    "2016-12-31T23:59:60Z",
    "1969-12-31T23:59:59.9999995Z",
    "0000-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999999999Z",
    "2024-02-29T12:00:00.5-08:00",
    "2026-11-21t14:58:09z",
];

/// A mutated input and the operations that made it (for failure reports).
pub fn mutate(rng: &mut Rng, input: &[u8], other: &[u8]) -> (Vec<u8>, Vec<&'static str>) {
    let mut data = input.to_vec();
    let mut ops = Vec::new();
    for _ in 0..1 + rng.below(3) {
        let op = one(rng, &mut data, other);
        ops.push(op);
    }
    (data, ops)
}

/// Apply one mutation in place; returns its name.
pub fn one(rng: &mut Rng, data: &mut Vec<u8>, other: &[u8]) -> &'static str {
    match rng.below(16) {
        0 | 1 => flip(rng, data),
        2 | 3 => truncate(rng, data),
        4 => splice(rng, data, other),
        5 | 6 => insert(rng, data),
        7 | 8 => wrap(rng, data),
        9..=12 => tree(rng, data),
        13 => {
            // the same record twice, on one line or on two
            let copy = data.clone();
            data.extend_from_slice(if rng.one_in(2) { b"\n" } else { b" " });
            data.extend_from_slice(&copy);
            "repeat"
        }
        14 => {
            let at = if rng.one_in(2) { 0 } else { data.len() };
            let ws = *rng.pick(&[&b"\xef\xbb\xbf"[..], b"\r\n", b"  ", b"\n\n", b"\t"]);
            data.splice(at..at, ws.iter().copied());
            "whitespace"
        }
        _ => {
            // delete a range
            if !data.is_empty() {
                let a = rng.below(data.len());
                let b = (a + 1 + rng.below(64)).min(data.len());
                data.drain(a..b);
            }
            "delete"
        }
    }
}

fn flip(rng: &mut Rng, data: &mut [u8]) -> &'static str {
    if data.is_empty() {
        return "flip";
    }
    for _ in 0..1 + rng.below(4) {
        let i = rng.below(data.len());
        data[i] = match rng.below(3) {
            0 => data[i] ^ (1 << rng.below(8)),
            1 => *rng.pick(b"{}[]\":,\\\0\n\xff\xc3 0e-u"),
            _ => rng.next_u64() as u8,
        };
    }
    "flip"
}

/// Cut after a random byte, or after a byte of one kind: an opening brace, a quote, a
/// backslash (inside an escape), a colon, a comma, a digit, or inside a multi-byte character.
fn truncate(rng: &mut Rng, data: &mut Vec<u8>) -> &'static str {
    if data.is_empty() {
        return "truncate";
    }
    let kinds: [fn(u8) -> bool; 8] = [
        |b| b == b'{' || b == b'[',
        |b| b == b'"',
        |b| b == b'\\',
        |b| b == b':',
        |b| b == b',',
        |b| b.is_ascii_digit(),
        |b| b >= 0x80,
        |b| b == b'}' || b == b']',
    ];
    let k = rng.below(kinds.len() + 1);
    let at = if k == kinds.len() {
        rng.below(data.len())
    } else {
        let spots: Vec<usize> = (0..data.len()).filter(|&i| kinds[k](data[i])).collect();
        if spots.is_empty() {
            rng.below(data.len())
        } else {
            // after the byte, or (for an escape) a little further in
            (*rng.pick(&spots) + 1 + rng.below(3)).min(data.len())
        }
    };
    data.truncate(at);
    "truncate"
}

fn splice(rng: &mut Rng, data: &mut Vec<u8>, other: &[u8]) -> &'static str {
    if data.is_empty() || other.is_empty() {
        data.extend_from_slice(other);
        return "splice";
    }
    let i = rng.below(data.len());
    // align on the same byte in the other input when there is one: the result stays plausible
    let c = data[i];
    let same: Vec<usize> = (0..other.len()).filter(|&j| other[j] == c).collect();
    let j = if same.is_empty() || rng.one_in(4) {
        rng.below(other.len())
    } else {
        *rng.pick(&same)
    };
    data.truncate(i);
    data.extend_from_slice(&other[j..]);
    "splice"
}

fn insert(rng: &mut Rng, data: &mut Vec<u8>) -> &'static str {
    let token: Vec<u8> = match rng.below(8) {
        0 => {
            let n = 1 + rng.below(400);
            let mut t = b"[".repeat(n);
            if rng.one_in(2) {
                t.extend(b"]".repeat(n));
            }
            t
        }
        1 => {
            let n = 1 + rng.below(200);
            let mut t = b"{\"a\":".repeat(n);
            t.push(b'1');
            if rng.one_in(2) {
                t.extend(b"}".repeat(n));
            }
            t
        }
        2 => b"9".repeat(1 + rng.below(1000)),
        _ => rng.pick(TOKENS).to_vec(),
    };
    // anywhere, at a value position (after a colon), or inside a string (after a quote)
    let spots: Vec<usize> = match rng.below(3) {
        0 => (0..data.len()).filter(|&i| data[i] == b':').collect(),
        1 => (0..data.len()).filter(|&i| data[i] == b'"').collect(),
        _ => Vec::new(),
    };
    let at = if spots.is_empty() {
        rng.below(data.len() + 1)
    } else {
        *rng.pick(&spots) + 1
    };
    data.splice(at..at, token);
    "insert"
}

/// A JSON string holding `data` (its text; invalid UTF-8 becomes U+FFFD).
fn quoted(data: &[u8]) -> String {
    serde_json::to_string(&String::from_utf8_lossy(data)).unwrap_or_default()
}

/// Put the record in an envelope, or in envelopes in envelopes. Envelopes that hold the record
/// as JSON keep its bytes as they are; those that hold it as a string quote it.
fn wrap(rng: &mut Rng, data: &mut Vec<u8>) -> &'static str {
    let n = if rng.one_in(3) { 2 + rng.below(5) } else { 1 };
    for _ in 0..n {
        let x = std::mem::take(data);
        let q = quoted(&x).into_bytes();
        let parts: Vec<&[u8]> = match rng.below(12) {
            0 => vec![
                br#"{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":["#,
                &x,
                b"]}",
            ],
            1 => vec![b"[", &x, b",", &x, b"]"],
            2 => vec![b"[", &x, b"]"],
            3 => vec![br#"{"records":["#, &x, b",", &x, b"]}"],
            4 => vec![
                br#"{"events":[{"logStreamName":"kube-apiserver-audit-1","timestamp":1700000000000,"message":"#,
                &q,
                br#","ingestionTime":1700000000100,"eventId":"1"}],"searchedLogStreams":[]}"#,
            ],
            5 => vec![
                br#"{"messageType":"DATA_MESSAGE","logEvents":[{"id":"1","timestamp":1,"message":"#,
                &q,
                b"}]}",
            ],
            6 => vec![
                br#"{"category":"kube-audit","operationName":"Microsoft.ContainerService/managedClusters/diagnosticLogs/Read","properties":{"log":"#,
                &q,
                br#","stream":"stdout","pod":"kube-apiserver-1"}}"#,
            ],
            7 => vec![br#"{"category":"kube-audit-admin","properties":{"log":"#, &x, b"}}"],
            8 => vec![
                br#"{"insertId":"i1","operation":{"id":"op1","first":true},"protoPayload":{"serviceName":"k8s.io","methodName":"io.k8s.core.v1.pods.create","resourceName":"core/v1/namespaces/a/pods/b","request":"#,
                &x,
                br#","response":"#,
                &x,
                br#","status":{"code":6}},"timestamp":"2024-02-08T04:37:28.460318Z"}"#,
            ],
            9 => vec![br#"{"message":"#, &q, b"}"],
            10 => vec![
                *rng.pick::<&[u8]>(&[
                    &b"ip-10-0-1-2.ec2.internal "[..],
                    b"2025-02-21T11:23:14.940Z ",
                    b"host\t",
                    b"a b c ",
                    b"x{ ",
                ]),
                &x,
            ],
            _ => vec![br#"{"kind":"EventList","items":["#, &x, br#"],"items":[]}"#],
        };
        *data = parts.concat();
    }
    "wrap"
}

/// A JSON tree that keeps what `Value` cannot: duplicate keys and numbers as written.
#[derive(Clone)]
pub enum J {
    Raw(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

impl J {
    pub fn from(v: &Value) -> J {
        match v {
            Value::Array(a) => J::Arr(a.iter().map(J::from).collect()),
            Value::Object(o) => J::Obj(o.iter().map(|(k, v)| (k.clone(), J::from(v))).collect()),
            other => J::Raw(other.to_string()),
        }
    }
    fn parse(text: &str) -> J {
        serde_json::from_str::<Value>(text)
            .map_or_else(|_| J::Raw(text.to_string()), |v| J::from(&v))
    }

    /// Write as JSON: compact (`indent` None) or one member per line, nested members `indent`
    /// spaces further in (0: every line starts in column 1).
    pub fn write(&self, indent: Option<usize>, out: &mut String) {
        self.write_at(indent, 0, out);
    }
    fn write_at(&self, indent: Option<usize>, level: usize, out: &mut String) {
        let newline = |out: &mut String, level: usize| {
            if let Some(n) = indent {
                out.push('\n');
                out.extend(std::iter::repeat_n(' ', n * level));
            }
        };
        match self {
            J::Raw(s) => out.push_str(s),
            J::Arr(a) => {
                out.push('[');
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, level + 1);
                    v.write_at(indent, level + 1, out);
                }
                if !a.is_empty() {
                    newline(out, level);
                }
                out.push(']');
            }
            J::Obj(o) => {
                out.push('{');
                for (i, (k, v)) in o.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, level + 1);
                    out.push_str(&serde_json::to_string(k).unwrap_or_default());
                    out.push_str(if indent.is_some() { ": " } else { ":" });
                    v.write_at(indent, level + 1, out);
                }
                if !o.is_empty() {
                    newline(out, level);
                }
                out.push('}');
            }
        }
    }

    fn count(&self) -> usize {
        1 + match self {
            J::Raw(_) => 0,
            J::Arr(a) => a.iter().map(J::count).sum(),
            J::Obj(o) => o.iter().map(|(_, v)| v.count()).sum(),
        }
    }

    /// The `n`th node in pre-order.
    fn nth(&mut self, mut n: usize) -> Option<&mut J> {
        if n == 0 {
            return Some(self);
        }
        n -= 1;
        let children: Vec<&mut J> = match self {
            J::Raw(_) => return None,
            J::Arr(a) => a.iter_mut().collect(),
            J::Obj(o) => o.iter_mut().map(|(_, v)| v).collect(),
        };
        for c in children {
            let size = c.count();
            if n < size {
                return c.nth(n);
            }
            n -= size;
        }
        None
    }
}

/// Edit the JSON tree of the input (when it is JSON): replace a node, delete, rename or
/// duplicate a key, give a known key an awkward value, copy a subtree elsewhere.
fn tree(rng: &mut Rng, data: &mut Vec<u8>) -> &'static str {
    let Ok(text) = std::str::from_utf8(data) else {
        return flip(rng, data);
    };
    let Ok(v) = serde_json::from_str::<Value>(text.trim()) else {
        return truncate(rng, data);
    };
    let mut root = J::from(&v);
    for _ in 0..1 + rng.below(3) {
        let n = rng.below(root.count());
        let donor = root.nth(rng.below(root.count())).cloned();
        let Some(node) = root.nth(n) else { continue };
        match rng.below(6) {
            0 => *node = J::Raw(rng.pick(VALUES).to_string()),
            // a long string, of the kind serde quotes in its errors
            1 if rng.one_in(4) => {
                *node = J::Raw(format!("\"{}\"", "\\u001b[x".repeat(1 + rng.below(500))))
            }
            1 => {
                // strings become numbers, null or booleans
                if let J::Raw(s) = node
                    && s.starts_with('"')
                {
                    *s = rng
                        .pick(&["null", "0", "42", "-7.5e3", "true", "[]"])
                        .to_string();
                } else {
                    *node = J::Raw("null".into());
                }
            }
            2 => {
                if let (J::Obj(o), Some(d)) = (&mut *node, donor) {
                    o.push((rng.pick(KEYS).to_string(), d));
                }
            }
            _ => {
                if let J::Obj(o) = node {
                    if o.is_empty() {
                        o.push((
                            rng.pick(KEYS).to_string(),
                            J::parse(rng.pick::<&str>(VALUES)),
                        ));
                        continue;
                    }
                    let i = rng.below(o.len());
                    match rng.below(4) {
                        0 => {
                            o.remove(i);
                        }
                        1 => {
                            // a duplicate key, with another value
                            let k = o[i].0.clone();
                            o.insert(i + 1, (k, J::parse(rng.pick::<&str>(VALUES))));
                        }
                        2 => o[i].0 = rng.pick(KEYS).to_string(),
                        _ => o[i].1 = J::parse(rng.pick::<&str>(VALUES)),
                    }
                } else if let J::Arr(a) = node {
                    if !a.is_empty() && rng.one_in(2) {
                        let i = rng.below(a.len());
                        a.remove(i);
                    } else if let Some(d) = donor {
                        a.push(d);
                    }
                }
            }
        }
    }
    let mut out = String::new();
    root.write(indent(rng), &mut out);
    *data = out.into_bytes();
    "tree"
}

/// Compact most of the time; else pretty with 0, 1, 2 or 4 spaces per level.
pub fn indent(rng: &mut Rng) -> Option<usize> {
    if rng.one_in(2) {
        None
    } else {
        Some(*rng.pick(&[0, 1, 2, 4]))
    }
}

/// A multi-line document made of one to three records (pretty-printed, possibly in a batch),
/// then mutated as bytes.
pub fn document(rng: &mut Rng, records: &[&[u8]]) -> (Vec<u8>, Vec<&'static str>) {
    let mut ops = vec!["document"];
    let mut values: Vec<J> = Vec::new();
    for _ in 0..1 + rng.below(3) {
        let r = *rng.pick(records);
        match std::str::from_utf8(r)
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(t.trim()).ok())
        {
            Some(v) => values.push(J::from(&v)),
            None => values.push(J::Raw(String::from_utf8_lossy(r).into_owned())),
        }
    }
    let values = match rng.below(4) {
        0 => vec![J::Arr(values)],
        1 => vec![J::Obj(vec![
            ("kind".into(), J::Raw("\"EventList\"".into())),
            ("items".into(), J::Arr(values)),
        ])],
        _ => values,
    };
    let ind = Some(*rng.pick(&[0, 1, 2, 4]));
    let mut out = String::new();
    for v in &values {
        v.write(ind, &mut out);
        out.push('\n');
    }
    let mut data = out.into_bytes();
    for _ in 0..rng.below(3) {
        let other = *rng.pick(records);
        ops.push(one(rng, &mut data, other));
    }
    (data, ops)
}
