//! Request URIs as the API server reads them, said once: Go's `url` unescaping
//! ([`percent_decode`]), `url.ParseQuery` ([`parse_query`], [`query_param`]) and field
//! selectors as `apimachinery/pkg/fields/selector.go` parses them ([`FieldSelector`]). Policy
//! attributes, a request's dry run and field manager, and `history`'s selected names all read
//! URIs here; what the API server's requestinfo.go makes of a path is `policy/attrs.rs`.

use std::borrow::Cow;

/// The first value of query parameter `key` in a request URI, as the API server reads it
/// (Go's `url.ParseQuery`, see [`query_pairs`]); `None` when the URI has no such parameter.
pub fn query_param<'u>(uri: &'u str, key: &str) -> Option<Cow<'u, str>> {
    let (_, q) = uri.split_once('?')?;
    query_pairs(q).find(|(k, _)| k == key).map(|(_, v)| v)
}

/// Go's `url.ParseQuery` (Go 1.17+), in order: pairs split on `&`; a pair holding `;` is an
/// error and skipped; key and value unescaped (`+` is a space), borrowed when plain; a pair
/// that fails to unescape is skipped. A key may come several times (an exec's `command`).
pub fn query_pairs(q: &str) -> impl Iterator<Item = (Cow<'_, str>, Cow<'_, str>)> {
    q.split('&').filter_map(|pair| {
        if pair.is_empty() || pair.contains(';') {
            return None;
        }
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        Some((percent_decode(k, true)?, percent_decode(v, true)?))
    })
}

/// [`query_pairs`], owned. Only the first value of a key is used by the conversions that
/// read these.
pub fn parse_query(q: &str) -> Vec<(String, String)> {
    query_pairs(q)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Go's `url` unescaping: `%XX` (either case) decoded, and `+` a space in a query. `None` on a
/// malformed escape. Bytes that are not UTF-8 are replaced (U+FFFD).
pub fn percent_decode(s: &str, query: bool) -> Option<Cow<'_, str>> {
    if !(s.contains('%') || (query && s.contains('+'))) {
        return Some(Cow::Borrowed(s));
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = |c: u8| (c as char).to_digit(16);
                let hi = b.get(i + 1).copied().and_then(hex)?;
                let lo = b.get(i + 2).copied().and_then(hex)?;
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            b'+' if query => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Some(Cow::Owned(String::from_utf8_lossy(&out).into_owned()))
}

/// A parsed field selector (`apimachinery/pkg/fields/selector.go` `ParseSelector`): terms
/// split on unescaped commas and sorted, each `field=value`, `field==value` or
/// `field!=value`, values unescaped (`\\`, `\,`, `\=`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSelector {
    /// (field, value, equal): `equal` is false for `!=`.
    terms: Vec<(String, String, bool)>,
}

impl FieldSelector {
    /// `None` where `ParseSelector` returns an error.
    pub fn parse(sel: &str) -> Option<FieldSelector> {
        let mut parts = split_terms(sel);
        parts.sort_unstable();
        let mut terms = Vec::new();
        for part in parts {
            if part.is_empty() {
                continue;
            }
            let (lhs, op, rhs) = split_term(part)?;
            terms.push((lhs.to_string(), unescape_value(rhs)?, op != "!="));
        }
        Some(FieldSelector { terms })
    }

    /// `RequiresExactMatch`: the value of the first (in sorted order) `field=value` term.
    pub fn requires_exact_match(&self, field: &str) -> Option<&str> {
        self.terms
            .iter()
            .find(|(f, _, eq)| *eq && f == field)
            .map(|(_, v, _)| v.as_str())
    }
}

/// selector.go `splitTerms`: split on commas not preceded by an escaping backslash.
fn split_terms(sel: &str) -> Vec<&str> {
    if sel.is_empty() {
        return Vec::new();
    }
    let mut terms = Vec::new();
    let mut start = 0;
    let mut in_slash = false;
    for (i, c) in sel.char_indices() {
        if in_slash {
            in_slash = false;
        } else if c == '\\' {
            in_slash = true;
        } else if c == ',' {
            terms.push(&sel[start..i]);
            start = i + 1;
        }
    }
    terms.push(&sel[start..]);
    terms
}

/// selector.go `splitTerm`: the first position where `!=`, `==` or `=` starts (in that order
/// of preference at one position).
fn split_term(term: &str) -> Option<(&str, &str, &str)> {
    for (i, _) in term.char_indices() {
        let rest = &term[i..];
        for op in ["!=", "==", "="] {
            if let Some(rhs) = rest.strip_prefix(op) {
                return Some((&term[..i], op, rhs));
            }
        }
    }
    None
}

/// selector.go `UnescapeValue`: `\\`, `\,` and `\=` are escapes; any other escape, a lone
/// trailing backslash, or an unescaped `,` or `=` is an error.
fn unescape_value(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut in_slash = false;
    for c in s.chars() {
        if in_slash {
            if !matches!(c, '\\' | ',' | '=') {
                return None;
            }
            out.push(c);
            in_slash = false;
            continue;
        }
        match c {
            '\\' => in_slash = true,
            ',' | '=' => return None,
            c => out.push(c),
        }
    }
    (!in_slash).then_some(out)
}
