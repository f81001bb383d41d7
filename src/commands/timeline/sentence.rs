//! The English sentence engine of `timeline`: a line said as a sentence (`eve was denied
//! deleting configmap payments/gateway-settings (403)`): the actor, a verb's forms (done, being
//! done, to be done), the object with its kind in the singular and an article, the namespaces
//! of a collapsed line, the code; and a sentence fitted to a terminal by cutting the log's
//! values in their middle, never its words. It does not print (`output.rs`).

use std::borrow::Cow;

use super::entry::Entry;
use super::line::{Line, Spread};
use super::markers::DRY_RUN;
use crate::render::table;
use crate::vocab::resources::{is_cluster_scoped, singular};

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// How a verb reads: done, being done (denied, started), to be done (failed, rejected).
struct Forms {
    past: Cow<'static, str>,
    ing: Cow<'static, str>,
    inf: Cow<'static, str>,
}

fn forms(verb: &str, sub: &str, resource_request: bool) -> Forms {
    let f = |past: &'static str, ing: &'static str, inf: &'static str| Forms {
        past: past.into(),
        ing: ing.into(),
        inf: inf.into(),
    };
    if !resource_request {
        return f("requested", "requesting", "request");
    }
    match sub {
        // a 101 (or 200) says the stream was opened, not that a command ran in it
        "exec" => {
            return f(
                "opened an exec stream into",
                "opening an exec stream into",
                "open an exec stream into",
            );
        }
        "attach" => {
            return f(
                "opened an attach stream to",
                "opening an attach stream to",
                "open an attach stream to",
            );
        }
        "portforward" => {
            return f(
                "opened a port-forward to",
                "opening a port-forward to",
                "open a port-forward to",
            );
        }
        "log" => return f("read logs of", "reading logs of", "read logs of"),
        "proxy" => return f("proxied to", "proxying to", "proxy to"),
        // a TokenRequest (serviceaccounts/token) mints a credential; it creates no account
        "token" => {
            return f(
                "requested a token for",
                "requesting a token for",
                "request a token for",
            );
        }
        "eviction" => return f("evicted", "evicting", "evict"),
        _ => {}
    }
    match verb {
        "get" => f("read", "getting", "get"),
        "list" => f("listed", "listing", "list"),
        "watch" => f("watched", "watching", "watch"),
        "create" => f("created", "creating", "create"),
        "update" => f("updated", "updating", "update"),
        "patch" => f("patched", "patching", "patch"),
        "delete" => f("deleted", "deleting", "delete"),
        "deletecollection" => f("deleted all", "deleting all", "delete all"),
        other => Forms {
            past: format!("performed {other} on").into(),
            ing: format!("performing {other} on").into(),
            inf: format!("perform {other} on").into(),
        },
    }
}

/// Subresources that are their own verb phrase (`exec'd into pod ...`).
fn action_sub(sub: &str) -> bool {
    matches!(
        sub,
        "exec" | "attach" | "portforward" | "log" | "proxy" | "token" | "eviction"
    )
}

/// A sentence being built: its text, and where the values from the log are (they are what
/// gives way when a line must fit a terminal).
#[derive(Default)]
pub(super) struct Words {
    pub(super) buf: String,
    vals: Vec<(usize, usize)>,
    /// The `(403)` at the end, for coloring.
    pub(super) code: (usize, usize),
}

impl Words {
    pub(super) fn lit(&mut self, s: &str) {
        self.buf.push_str(s);
    }
    pub(super) fn val(&mut self, s: &str) {
        let a = self.buf.len();
        self.buf.push_str(s);
        self.vals.push((a, self.buf.len()));
    }
    pub(super) fn clear(&mut self) {
        self.buf.clear();
        self.vals.clear();
        self.code = (0, 0);
    }

    /// The sentence in lines of at most `max` columns, broken between words, the lines after
    /// the first starting at column `indent` (under the first), and room for `tail` columns
    /// after the last (its markers; else they go on a line of their own under it). Names are
    /// not cut to fit a terminal, only a value longer than a whole line is.
    pub(super) fn wrapped(&self, max: usize, indent: usize, tail: usize) -> Cow<'_, str> {
        if table::width(&self.buf) + tail <= max {
            return Cow::Borrowed(&self.buf);
        }
        let text = self.fitted_values(max);
        // the status at the end (`(no status)`) is one word, never broken
        let code = &self.buf[self.code.0..self.code.1];
        let keep = if !code.is_empty() && text.ends_with(code) {
            text.len() - code.len()
        } else {
            text.len()
        };
        let mut words: Vec<&str> = text[..keep].split(' ').collect();
        if keep < text.len() {
            match words.last_mut() {
                // (the code follows a space: the last word is empty)
                Some(last) if last.is_empty() => *last = &text[keep..],
                _ => words.push(&text[keep..]),
            }
        }
        let mut out = String::with_capacity(text.len() + 2 * indent);
        let mut used = 0;
        for word in words {
            let w = table::width(word);
            if used > 0 && used + 1 + w > max {
                out.push('\n');
                out.extend(std::iter::repeat_n(' ', indent));
                used = 0;
            } else if used > 0 {
                out.push(' ');
                used += 1;
            }
            out.push_str(word);
            used += w;
        }
        if tail > 0 && used + tail > max {
            out.push('\n');
            // (the markers' own two spaces of separation follow)
            out.extend(std::iter::repeat_n(' ', indent.saturating_sub(2)));
        }
        Cow::Owned(out)
    }

    /// The sentence with each value longer than `max` columns cut to it (a line cannot hold
    /// it whole); the others as they are.
    fn fitted_values(&self, max: usize) -> Cow<'_, str> {
        if self
            .vals
            .iter()
            .all(|&(a, b)| table::width(&self.buf[a..b]) <= max)
        {
            return Cow::Borrowed(&self.buf);
        }
        let mut out = String::with_capacity(self.buf.len());
        let mut at = 0;
        for &(a, b) in &self.vals {
            out.push_str(&self.buf[at..a]);
            out.push_str(&table::elide_middle(&self.buf[a..b], max));
            at = b;
        }
        out.push_str(&self.buf[at..]);
        Cow::Owned(out)
    }
}

/// Strings resolved for one output: sanitized for tables, exact for machines.
pub(super) struct View<'s> {
    pub(super) text: &'s [Cow<'s, str>],
    pub(super) ids: &'s str,
}

impl View<'_> {
    pub(super) fn s(&self, id: u32) -> &str {
        &self.text[id as usize]
    }

    pub(super) fn audit_id(&self, e: &Entry) -> &str {
        let a = e.id_at as usize;
        self.ids.get(a..a + e.id_len as usize).unwrap_or("")
    }

    /// `ops-admin as eve`; `unauthenticated client 10.0.0.7` for a request without a user.
    fn actor(&self, w: &mut Words, e: &Entry) {
        if e.user == 0 {
            w.lit("unauthenticated client");
            if e.ip != 0 {
                w.lit(" ");
                w.val(self.s(e.ip));
            }
            return;
        }
        w.val(self.s(e.user));
        if e.imp != 0 {
            w.lit(" as ");
            w.val(self.s(e.imp));
        }
    }

    /// The object of the sentence for one request (or identical ones).
    fn object(&self, w: &mut Words, e: &Entry) {
        if e.resource == 0 {
            self.method(w, e);
            w.val(self.s(e.path));
            return;
        }
        let plural = self.s(e.resource);
        let (one, cluster) = (singular(plural), is_cluster_scoped(plural));
        let (ns, name) = (self.s(e.ns), self.s(e.name));
        let verb = self.s(e.verb);
        let collection = matches!(verb, "list" | "watch" | "deletecollection");
        if name.is_empty() && collection {
            w.lit(plural);
            self.place(w, &[e.ns], ns.is_empty() && !cluster);
        } else if name.is_empty() {
            // a create whose name is only in the body
            w.lit(article(&one));
            w.lit(" ");
            w.lit(&one);
            if !ns.is_empty() {
                w.lit(" in namespace ");
                w.val(ns);
            }
        } else {
            w.lit(&one);
            w.lit(" ");
            if !ns.is_empty() && plural != "namespaces" {
                w.val(ns);
                w.lit("/");
            }
            w.val(name);
        }
        self.suffix(w, e);
    }

    /// `GET ` for a non-resource request.
    fn method(&self, w: &mut Words, e: &Entry) {
        w.lit(&self.s(e.verb).to_ascii_uppercase());
        w.lit(" ");
    }

    /// The object of a `--collapse kind` line over several objects.
    fn objects(&self, w: &mut Words, e: &Entry, s: &Spread) {
        if e.resource == 0 {
            // `GET /api and 39 more paths`
            self.method(w, e);
            w.val(self.s(e.path));
            w.lit(" and ");
            w.lit(&(s.objects - 1).to_string());
            w.lit(if s.objects == 2 {
                " more path"
            } else {
                " more paths"
            });
            return;
        }
        let plural = self.s(e.resource);
        let cluster = is_cluster_scoped(plural);
        if s.objects > 1 {
            w.lit(&s.objects.to_string());
            w.lit(" ");
        }
        w.lit(plural);
        if plural != "namespaces" {
            self.place(w, &s.namespaces, s.all && !cluster);
        }
        self.suffix(w, e);
    }

    /// ` in namespace payments`, ` in 7 namespaces`, ` in all namespaces`.
    fn place(&self, w: &mut Words, namespaces: &[u32], all: bool) {
        let named: Vec<u32> = namespaces.iter().copied().filter(|&n| n != 0).collect();
        if all {
            w.lit(" in all namespaces");
            if !named.is_empty() {
                w.lit(" and");
            }
        }
        match named.len() {
            0 => {}
            1 => {
                w.lit(" in namespace ");
                w.val(self.s(named[0]));
            }
            n => {
                w.lit(" in ");
                w.lit(&n.to_string());
                w.lit(" namespaces");
            }
        }
    }

    /// ` (status)` for a subresource that is not its own verb phrase.
    fn suffix(&self, w: &mut Words, e: &Entry) {
        let sub = self.s(e.sub);
        if !sub.is_empty() && !action_sub(sub) {
            w.lit(" (");
            w.val(sub);
            w.lit(")");
        }
    }

    /// The sentence for one line, whose requests are identical but for the time (or for
    /// namespace and name with `--collapse kind`).
    pub(super) fn sentence(&self, w: &mut Words, line: &Line) {
        let e = &line.first;
        // an apply or PUT answered 201 created its object
        let verb = match self.s(e.verb) {
            "patch" | "update" if e.code == 201 => "create",
            v => v,
        };
        let f = forms(verb, self.s(e.sub), e.resource != 0);
        let spread = line.spread();
        let object = |w: &mut Words| match &spread {
            Some(s) => self.objects(w, e, s),
            None => self.object(w, e),
        };
        self.actor(w, e);
        if e.incomplete() {
            w.lit(" started ");
            w.lit(&f.ing);
            w.lit(" ");
            object(w);
            let a = w.buf.len() + 1;
            w.lit(" (incomplete)");
            w.code = (a, w.buf.len());
            return;
        }
        match e.code {
            401 => {
                w.lit(" was rejected: ");
                w.lit(&f.inf);
                w.lit(" ");
                object(w);
            }
            403 => {
                w.lit(" was denied ");
                w.lit(&f.ing);
                w.lit(" ");
                object(w);
                if e.detail != 0 {
                    w.lit(": ");
                    w.val(self.s(e.detail));
                }
            }
            c if c >= 400 => {
                w.lit(" failed to ");
                w.lit(&f.inf);
                w.lit(" ");
                object(w);
                if e.detail != 0 {
                    w.lit(": ");
                    w.val(self.s(e.detail));
                }
            }
            _ if e.marks & DRY_RUN != 0 => {
                w.lit(" would have ");
                w.lit(&f.past);
                w.lit(" ");
                object(w);
                w.lit(" (dry run: nothing stored)");
            }
            _ => {
                w.lit(" ");
                w.lit(&f.past);
                w.lit(" ");
                object(w);
            }
        }
        let a = w.buf.len() + 1;
        if e.code < 0 {
            w.lit(" (no status)");
        } else {
            w.lit(" (");
            w.lit(&e.code.to_string());
            w.lit(")");
        }
        w.code = (a, w.buf.len());
    }
}
