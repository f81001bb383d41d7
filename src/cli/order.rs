//! Flags before the command, as kubectl takes them: `kaudit -o json who testdata/` is read as
//! `kaudit who -o json testdata/`. Every flag belongs to a command (kaudit has no global
//! flags), so the words before the command are moved after it, in their order, before clap
//! parses; anything this cannot read with certainty is left as typed, for clap to judge.

use std::collections::BTreeSet;
use std::ffi::OsString;

use clap::{Command, CommandFactory};

use super::Cli;

/// The flag names that take a value, in any command: long names (and aliases) and short ones.
#[derive(Default)]
struct Valued {
    long: BTreeSet<String>,
    short: BTreeSet<char>,
}

impl Valued {
    fn of(cmd: &Command) -> Valued {
        let mut v = Valued::default();
        v.add(cmd);
        v
    }
    fn add(&mut self, cmd: &Command) {
        for a in cmd.get_arguments() {
            if !a.get_action().takes_values() || a.is_positional() {
                continue;
            }
            self.long.extend(
                a.get_long_and_visible_aliases()
                    .into_iter()
                    .flatten()
                    .map(str::to_string),
            );
            if let Some(l) = a.get_long() {
                self.long.insert(l.to_string());
            }
            self.short
                .extend(a.get_short_and_visible_aliases().into_iter().flatten());
        }
        for s in cmd.get_subcommands() {
            self.add(s);
        }
    }
    /// How many words after `word` (a flag) are its value: 0 or 1.
    fn value_words(&self, word: &str) -> usize {
        if let Some(long) = word.strip_prefix("--") {
            return usize::from(!long.contains('=') && self.long.contains(long));
        }
        // a cluster of short flags: the first that takes a value takes the rest, or the next word
        let shorts: Vec<char> = word[1..].chars().collect();
        for (i, c) in shorts.iter().enumerate() {
            if self.short.contains(c) {
                return usize::from(i + 1 == shorts.len());
            }
        }
        0
    }
}

/// `args` (the program name first) with the flags written before the command moved after it.
pub fn hoist(args: Vec<OsString>) -> Vec<OsString> {
    hoist_in(&Cli::command(), args)
}

fn hoist_in(root: &Command, args: Vec<OsString>) -> Vec<OsString> {
    let valued = Valued::of(root);
    let mut path: Vec<OsString> = Vec::new();
    let mut before: Vec<OsString> = Vec::new();
    let mut level = root;
    let mut words = args.iter().skip(1);
    while let Some(w) = words.next() {
        let Some(text) = w.to_str() else {
            return args;
        };
        if text == "--" || text == "-" {
            return args;
        }
        if text.starts_with('-') {
            before.push(w.clone());
            if valued.value_words(text) == 1 {
                match words.next() {
                    Some(v) => before.push(v.clone()),
                    None => return args,
                }
            }
            continue;
        }
        let Some(sub) = level.find_subcommand(text) else {
            return args;
        };
        path.push(w.clone());
        level = sub;
        if level.has_subcommands() {
            continue;
        }
        if before.is_empty() {
            return args;
        }
        // program, the command path, the flags from before it, then the rest as typed
        let mut out = Vec::with_capacity(args.len());
        out.push(args[0].clone());
        out.extend(path);
        out.extend(before);
        out.extend(words.cloned());
        return out;
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hoisted(line: &str) -> String {
        let args: Vec<OsString> = line.split(' ').map(OsString::from).collect();
        let out = hoist(args);
        out.iter()
            .map(|w| w.to_str().unwrap())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn flags_before_the_command_move_after_it() {
        assert_eq!(hoisted("kaudit -o json who t/"), "kaudit who -o json t/");
        assert_eq!(
            hoisted("kaudit -k5 -A --utc top --by user t/"),
            "kaudit top -k5 -A --utc --by user t/"
        );
        // a value that is a command name stays a value
        assert_eq!(
            hoisted("kaudit -u summary events t/"),
            "kaudit events -u summary t/"
        );
        assert_eq!(
            hoisted("kaudit --user=who what t/"),
            "kaudit what --user=who t/"
        );
        // a cluster whose last flag takes the next word
        assert_eq!(
            hoisted("kaudit -Au eve events t/"),
            "kaudit events -Au eve t/"
        );
        // down to the command that runs: policy simulate
        assert_eq!(
            hoisted("kaudit -o json policy simulate p.yaml t/"),
            "kaudit policy simulate -o json p.yaml t/"
        );
        assert_eq!(hoisted("kaudit --help who"), "kaudit who --help");
    }

    #[test]
    fn what_cannot_be_read_surely_is_left_as_typed() {
        for line in [
            "kaudit who -o json t/",
            "kaudit -o json nosuch t/",
            "kaudit -o json",
            "kaudit -o",
            "kaudit --version",
            "kaudit -- who",
            "kaudit -o json t/ who",
        ] {
            assert_eq!(hoisted(line), line);
        }
    }

    /// A name that takes a value in one command and not in another would make the move
    /// guess: no such name may exist.
    #[test]
    fn a_flag_name_takes_a_value_everywhere_or_nowhere() {
        fn walk(cmd: &Command, seen: &mut std::collections::BTreeMap<String, bool>) {
            for a in cmd.get_arguments().filter(|a| !a.is_positional()) {
                let takes = a.get_action().takes_values();
                let names = (a.get_long_and_visible_aliases().into_iter().flatten())
                    .map(|l| format!("--{l}"))
                    .chain(
                        a.get_short_and_visible_aliases()
                            .into_iter()
                            .flatten()
                            .map(|c| format!("-{c}")),
                    );
                for n in names {
                    let before = *seen.entry(n.clone()).or_insert(takes);
                    assert_eq!(before, takes, "{n} in {}", cmd.get_name());
                }
            }
            for s in cmd.get_subcommands() {
                walk(s, seen);
            }
        }
        walk(&Cli::command(), &mut Default::default());
    }
}
