//! Durations as people type them, one reader for every flag and rule that takes one:
//! `--since 30m`, `--bucket 1h30m`, a rule's `threshold.window: 90s`. A duration is numbers
//! with units, summed: `500ms`, `90s`, `10m`, `2h`, `7d`, `1w`, `1h30m`, `1m30s250ms`. Each
//! caller says what it accepts beyond that (a bucket of whole seconds, a rule's window of at
//! most a year); this file does not know the callers.

use std::fmt;

/// Microseconds in each unit a duration may name (kaudit's times are microseconds since the
/// Unix epoch: `event::Ts`).
pub const MS: i64 = 1_000;
pub const SECOND: i64 = 1_000_000;
pub const MINUTE: i64 = 60 * SECOND;
pub const HOUR: i64 = 60 * MINUTE;
pub const DAY: i64 = 24 * HOUR;
pub const WEEK: i64 = 7 * DAY;

/// A duration that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadDuration(pub String);

impl fmt::Display for BadDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a duration (examples: 90s, 10m, 2h, 7d, 1h30m)",
            self.0
        )
    }
}

impl std::error::Error for BadDuration {}

/// `90s`, `1h30m`, `500ms`, `7d`, `1w` (blanks around it ignored): microseconds, 0 or more.
pub fn parse(s: &str) -> Result<i64, BadDuration> {
    let bad = || BadDuration(s.to_string());
    let t = s.trim();
    if t.is_empty() {
        return Err(bad());
    }
    let mut total: i64 = 0;
    let mut rest = t;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
        if digits == 0 {
            return Err(bad());
        }
        let n: i64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let (unit, len) = match rest.as_bytes() {
            [b'm', b's', ..] => (MS, 2),
            [b's', ..] => (SECOND, 1),
            [b'm', ..] => (MINUTE, 1),
            [b'h', ..] => (HOUR, 1),
            [b'd', ..] => (DAY, 1),
            [b'w', ..] => (WEEK, 1),
            _ => return Err(bad()),
        };
        rest = &rest[len..];
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(bad)?;
    }
    Ok(total)
}

/// A duration as [`parse`] reads it, in its largest unit that divides it: `90s`, `10m`, `2h`,
/// `1d`, `1500ms` (`0s` for none).
pub fn text(micros: i64) -> String {
    if micros == 0 {
        return "0s".into();
    }
    for (unit, name) in [
        (DAY, "d"),
        (HOUR, "h"),
        (MINUTE, "m"),
        (SECOND, "s"),
        (MS, "ms"),
    ] {
        if micros % unit == 0 {
            return format!("{}{name}", micros / unit);
        }
    }
    format!("{micros}us")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_sums() {
        assert_eq!(parse("90s"), Ok(90 * SECOND));
        assert_eq!(parse("1h30m"), Ok(90 * MINUTE));
        assert_eq!(parse("500ms"), Ok(500 * MS));
        assert_eq!(parse("1m30s250ms"), Ok(90_250_000));
        assert_eq!(parse("0s"), Ok(0));
        assert_eq!(parse(" 2d "), Ok(2 * DAY));
        assert_eq!(parse("1w"), Ok(WEEK));
        for bad in [
            "",
            "10",
            "m",
            "1x",
            "1h30",
            "-5m",
            "1.5h",
            "h1",
            "99999999999999999999s",
        ] {
            assert_eq!(parse(bad), Err(BadDuration(bad.into())), "{bad:?}");
        }
        assert_eq!(
            parse("9223372036854775807w"),
            Err(BadDuration("9223372036854775807w".into()))
        );
    }

    #[test]
    fn text_reads_back() {
        for (t, s) in [
            (90 * SECOND, "90s"),
            (90 * MINUTE, "90m"),
            (DAY, "1d"),
            (1_500 * MS, "1500ms"),
            (0, "0s"),
        ] {
            assert_eq!(text(t), s);
            assert_eq!(parse(s), Ok(t));
        }
    }
}
