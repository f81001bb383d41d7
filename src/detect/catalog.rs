//! Rules documents as a whole: the built-in catalogue and the users' `--rules-file`s, read in
//! that order, each holding any of `rules:`, `lists:`, `macros:` and `exceptions:`.
//!
//! - A **list** is a named list of values (`control_plane: [system:apiserver, ...]`) that any
//!   condition names as `$control_plane` where it takes a value or a list: one home for the
//!   control-plane identities or the sensitive host paths, instead of a copy in each rule. A
//!   later document replaces a list by defining it again, or adds to it with `{append: [...]}`
//!   (and `{remove: [...]}` takes values out), and the built-in rules then use the amended list.
//! - A **macro** is a named condition (`macros: {exec_stream: {resource: pods, ...}}`) that an
//!   expression includes as `macro: exec_stream` (or a list of names, all of which must hold); a
//!   later document replaces it.
//! - An **exception** amends a rule without copying it: `exceptions: [{rule: KA001, match:
//!   {actor: ops-bot}, reason: ...}]`; the rule reports no request an exception matches. A rule
//!   may also carry its own `exceptions:` (a list of `{match, reason}`).
//!
//! Every rule is compiled after all lists and macros are known, so an amended list applies to
//! every rule that names it. Not here: one rule's keys (`rule.rs`), conditions (`expr.rs`).

use std::cell::Cell;

use anyhow::{Context, Result, anyhow, bail};
use rustc_hash::FxHashMap;
use serde_json::Value;

use super::expr::{Expr, kind};
use super::rule::{Rule, compile_rule};

/// What conditions may name: the lists and macros of every document read.
#[derive(Debug, Default)]
pub(super) struct Ctx {
    lists: FxHashMap<String, Vec<Value>>,
    macros: FxHashMap<String, Value>,
    /// Macros being expanded, to refuse one that includes itself.
    open: std::cell::RefCell<Vec<String>>,
    /// Regexes compiled, by pattern: a list named in several rules is compiled once.
    regexes: std::cell::RefCell<FxHashMap<String, regex::Regex>>,
    depth: Cell<u8>,
    /// Macros expanded in all: a macro that names another several times, nested, grows
    /// exponentially; past [`MACRO_EXPANSIONS`] the file is refused.
    expanded: Cell<u32>,
}

/// Macro expansions a run's rules may make in all.
pub(super) const MACRO_EXPANSIONS: u32 = 10_000;

/// Is `s` a reference to a list (`$name`)? (`$$...` is the text `$...`.)
fn list_ref(s: &str) -> Option<&str> {
    let name = s.strip_prefix('$')?;
    if name.starts_with('$') {
        return None;
    }
    let ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    ok.then_some(name)
}

impl Ctx {
    /// A condition's argument with its list references replaced by the lists' values: `"$x"`
    /// becomes the list, and a `"$x"` inside a list is spliced in. Anything else is as given.
    pub(super) fn expand<'v>(&self, v: &'v Value) -> Result<std::borrow::Cow<'v, Value>> {
        use std::borrow::Cow;
        let literal = |s: &str| {
            s.strip_prefix("$$")
                .map(|rest| Value::String(format!("${rest}")))
        };
        match v {
            Value::String(s) => match list_ref(s) {
                Some(name) => Ok(Cow::Owned(Value::Array(self.list(name)?.to_vec()))),
                None => Ok(literal(s).map_or(Cow::Borrowed(v), Cow::Owned)),
            },
            Value::Array(xs)
                if xs
                    .iter()
                    .any(|x| x.as_str().is_some_and(|s| s.starts_with('$'))) =>
            {
                let mut out = Vec::new();
                for x in xs {
                    match x.as_str().map(|s| (list_ref(s), literal(s))) {
                        Some((Some(name), _)) => out.extend(self.list(name)?.iter().cloned()),
                        Some((None, Some(text))) => out.push(text),
                        _ => out.push(x.clone()),
                    }
                }
                Ok(Cow::Owned(Value::Array(out)))
            }
            _ => Ok(Cow::Borrowed(v)),
        }
    }

    fn list(&self, name: &str) -> Result<&[Value]> {
        self.lists.get(name).map(Vec::as_slice).ok_or_else(|| {
            let mut known: Vec<&str> = self.lists.keys().map(String::as_str).collect();
            known.sort_unstable();
            anyhow!(
                "no list ${name} (lists: {}; a value that starts with $ names a list: write $$ for a literal $)",
                known.join(", ")
            )
        })
    }

    /// `pattern` compiled (once: a `Regex` clone shares it).
    pub(super) fn regex(&self, pattern: &str) -> Result<regex::Regex> {
        if let Some(r) = self.regexes.borrow().get(pattern) {
            return Ok(r.clone());
        }
        let r = regex::Regex::new(pattern).map_err(|e| anyhow!("regex {pattern:?}: {e}"))?;
        self.regexes
            .borrow_mut()
            .insert(pattern.to_string(), r.clone());
        Ok(r)
    }

    /// The condition of macro `name`, compiled here (where it is used).
    pub(super) fn macro_expr(&self, name: &str) -> Result<Expr> {
        let Some(v) = self.macros.get(name) else {
            let mut known: Vec<&str> = self.macros.keys().map(String::as_str).collect();
            known.sort_unstable();
            bail!("no macro {name:?} (macros: {})", known.join(", "));
        };
        if self.open.borrow().iter().any(|m| m == name) {
            bail!("macro {name:?} includes itself");
        }
        if self.depth.get() >= 16 {
            bail!("macro {name:?}: macros nest more than 16 deep");
        }
        self.expanded.set(self.expanded.get() + 1);
        if self.expanded.get() > MACRO_EXPANSIONS {
            bail!(
                "macro {name:?}: the macros expand to more than {MACRO_EXPANSIONS} conditions (one that names another several times, nested, doubles at each level)"
            );
        }
        self.open.borrow_mut().push(name.to_string());
        self.depth.set(self.depth.get() + 1);
        let e = Expr::parse(v, self).with_context(|| format!("macro {name}"));
        self.depth.set(self.depth.get() - 1);
        self.open.borrow_mut().pop();
        e
    }

    /// Define, replace or amend list `name` as a document says.
    fn define_list(&mut self, name: &str, v: &Value) -> Result<()> {
        if list_ref(&format!("${name}")).is_none() {
            bail!("list name {name:?}: letters, digits, '_', '-' and '.' only");
        }
        let values = |v: &Value, what: &str| -> Result<Vec<Value>> {
            let Value::Array(xs) = v else {
                bail!("{what}: expected a list of values, found {}", kind(v));
            };
            let mut out = Vec::new();
            for x in xs {
                match x {
                    Value::String(s) if list_ref(s).is_some() => {
                        out.extend(self.list(list_ref(s).unwrap_or_default())?.iter().cloned())
                    }
                    Value::String(_) | Value::Number(_) | Value::Bool(_) => out.push(x.clone()),
                    other => bail!(
                        "{what}: expected strings, numbers or booleans, found {}",
                        kind(other)
                    ),
                }
            }
            Ok(out)
        };
        let list = match v {
            Value::Array(_) => values(v, name)?,
            Value::Object(m) => {
                if let Some(k) = m
                    .keys()
                    .find(|k| !["append", "remove"].contains(&k.as_str()))
                {
                    bail!("list {name}: unknown key {k:?} (keys: append, remove)");
                }
                let mut list = self
                    .lists
                    .get(name)
                    .cloned()
                    .ok_or_else(|| anyhow!("list {name}: no such list to amend"))?;
                if let Some(a) = m.get("append") {
                    for x in values(a, &format!("{name}.append"))? {
                        if !list.contains(&x) {
                            list.push(x);
                        }
                    }
                }
                if let Some(r) = m.get("remove") {
                    let gone = values(r, &format!("{name}.remove"))?;
                    list.retain(|x| !gone.contains(x));
                }
                list
            }
            other => bail!(
                "list {name}: expected a list, or {{append: [...]}} / {{remove: [...]}}, found {}",
                kind(other)
            ),
        };
        self.lists.insert(name.to_string(), list);
        Ok(())
    }
}

/// One rules document, read but not compiled.
pub(super) struct Doc {
    origin: String,
    lists: Vec<(String, Value)>,
    macros: Vec<(String, Value)>,
    rules: Vec<Value>,
    exceptions: Vec<Value>,
}

const TOP_KEYS: &[&str] = &["rules", "lists", "macros", "exceptions"];

impl Doc {
    /// Only its lists and macros: the built-in ones a file checked on its own may name.
    pub(super) fn definitions_only(mut self) -> Doc {
        self.rules.clear();
        self.exceptions.clear();
        self
    }

    /// Read a document (YAML; JSON is YAML too): a map of [`TOP_KEYS`], or a bare list of
    /// rules.
    pub(super) fn read(text: &str, origin: &str) -> Result<Doc> {
        let doc: Value = serde_saphyr::from_str(text).map_err(|e| anyhow!("{e}"))?;
        let mut d = Doc {
            origin: origin.to_string(),
            lists: Vec::new(),
            macros: Vec::new(),
            rules: Vec::new(),
            exceptions: Vec::new(),
        };
        let named = |v: &Value, what: &str| -> Result<Vec<(String, Value)>> {
            match v {
                Value::Object(m) => Ok(m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
                other => bail!("{what}: expected a map of names, found {}", kind(other)),
            }
        };
        let listed = |v: &Value, what: &str| -> Result<Vec<Value>> {
            match v {
                Value::Array(xs) => Ok(xs.clone()),
                other => bail!("{what}: expected a list, found {}", kind(other)),
            }
        };
        match &doc {
            Value::Object(m) => {
                if let Some(k) = m.keys().find(|k| !TOP_KEYS.contains(&k.as_str())) {
                    bail!(
                        "unknown top-level key {k:?}: a rules file holds {}",
                        TOP_KEYS.join(", ")
                    );
                }
                if let Some(v) = m.get("lists") {
                    d.lists = named(v, "lists")?;
                }
                if let Some(v) = m.get("macros") {
                    d.macros = named(v, "macros")?;
                }
                if let Some(v) = m.get("rules") {
                    d.rules = listed(v, "rules")?;
                }
                if let Some(v) = m.get("exceptions") {
                    d.exceptions = listed(v, "exceptions")?;
                }
            }
            Value::Array(xs) => d.rules = xs.clone(),
            Value::Null => {}
            other => bail!(
                "expected `rules:` and a list of rules, found {}",
                kind(other)
            ),
        }
        if d.rules.is_empty()
            && d.lists.is_empty()
            && d.macros.is_empty()
            && d.exceptions.is_empty()
        {
            bail!(
                "no rules: a rules file holds `rules:` and a list of rules (or lists, macros, exceptions)"
            );
        }
        Ok(d)
    }
}

/// Compile the rules of `docs`, in order, with the lists and macros of all of them; then
/// attach each document's exceptions to the rules they name. Every mistake is reported, with
/// the document, rule and key it is in.
pub(super) fn compile(docs: &[Doc]) -> Result<Vec<Rule>> {
    let mut ctx = Ctx::default();
    let mut errors = Vec::new();
    for d in docs {
        for (name, v) in &d.lists {
            if let Err(e) = ctx.define_list(name, v) {
                errors.push(format!("{}: {e:#}", d.origin));
            }
        }
        for (name, v) in &d.macros {
            if !matches!(v, Value::Object(_)) {
                errors.push(format!(
                    "{}: macro {name}: expected a map of conditions, found {}",
                    d.origin,
                    kind(v)
                ));
                continue;
            }
            ctx.macros.insert(name.clone(), v.clone());
        }
    }
    // every macro compiles, used or not
    let mut names: Vec<&String> = ctx.macros.keys().collect();
    names.sort_unstable();
    for name in names {
        if let Err(e) = ctx.macro_expr(name) {
            errors.push(format!("{e:#}"));
        }
    }
    let mut rules: Vec<Rule> = Vec::new();
    for d in docs {
        let mut mine = Vec::new();
        for (i, item) in d.rules.iter().enumerate() {
            match compile_rule(item, &d.origin, i + 1, &ctx) {
                Ok(r) => mine.push(r),
                Err(e) => errors.push(format!("{}: {e:#}", d.origin)),
            }
        }
        rules.extend(mine);
        for (i, x) in d.exceptions.iter().enumerate() {
            if let Err(e) = exception(x, &mut rules, &ctx) {
                errors.push(format!("{}: exceptions[{i}]: {e:#}", d.origin));
            }
        }
    }
    if !errors.is_empty() {
        bail!("{}", errors.join("\n"));
    }
    Ok(rules)
}

/// A document's exception: `{rule: ID, match: EXPR, reason: TEXT}`, added to the rule it names
/// (one read before it, in this document or an earlier one).
fn exception(v: &Value, rules: &mut [Rule], ctx: &Ctx) -> Result<()> {
    let Value::Object(m) = v else {
        bail!("expected a map, found {}", kind(v));
    };
    if let Some(k) = m
        .keys()
        .find(|k| !["rule", "match", "reason"].contains(&k.as_str()))
    {
        bail!("unknown key {k:?} (keys: rule, match, reason)");
    }
    let ids: Vec<&str> = match m.get("rule") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(xs)) if !xs.is_empty() => xs
            .iter()
            .map(|x| x.as_str().ok_or_else(|| anyhow!("rule: expected rule ids")))
            .collect::<Result<_>>()?,
        _ => bail!("rule: expected a rule id or a list of them"),
    };
    let e = super::rule::parse_exception(v, ctx)?;
    for id in ids {
        let Some(r) = rules.iter_mut().find(|r| r.id == id) else {
            bail!("no rule {id} to amend (an exception follows the rule it amends)");
        };
        r.exceptions.push(e.clone());
    }
    Ok(())
}
