//! Times for people in `timeline`: a day and time of day in UTC or the local zone, a date line
//! (`2026-11-21 (UTC)`), and what a date line changes on. Machine formats use RFC 3339 stamps
//! (`output.rs`), not this.

use crate::event::Ts;
use crate::vocab::duration::{DAY, SECOND};

/// Day number and time of day for people, in UTC or the local zone.
pub(super) struct Clock {
    pub(super) tz: Option<jiff::tz::TimeZone>,
}

impl Clock {
    /// (day since the epoch, µs into the day, offset label) of `t`.
    fn split(&self, t: i64) -> (i64, i64, Option<i32>) {
        let off = match &self.tz {
            Some(tz) => jiff::Timestamp::from_microsecond(t)
                .map(|ts| tz.to_offset(ts).seconds())
                .ok(),
            None => None,
        };
        let shifted = t + i64::from(off.unwrap_or(0)) * SECOND;
        (shifted.div_euclid(DAY), shifted.rem_euclid(DAY), off)
    }

    fn time_of_day(buf: &mut String, us: i64) {
        use std::fmt::Write as _;
        let ms = us / 1000;
        let _ = write!(
            buf,
            "{:02}:{:02}:{:02}.{:03}",
            ms / 3_600_000,
            ms / 60_000 % 60,
            ms / 1000 % 60,
            ms % 1000
        );
    }

    fn date(day: i64) -> String {
        Ts(day * DAY).rfc3339()[..10].to_string()
    }

    /// `2026-11-21 (UTC)`, `2026-11-21 (local, +01:00)`.
    pub(super) fn date_line(&self, t: i64) -> String {
        if t == i64::MIN {
            return "(no time in the log)".into();
        }
        let (day, _, off) = self.split(t);
        match off {
            None => format!("{} (UTC)", Self::date(day)),
            Some(o) => {
                let sign = if o < 0 { '-' } else { '+' };
                let o = o.abs();
                format!(
                    "{} (local, {sign}{:02}:{:02})",
                    Self::date(day),
                    o / 3600,
                    o / 60 % 60
                )
            }
        }
    }

    /// `14:58:42.273`, or with the date when `full`.
    pub(super) fn write(&self, buf: &mut String, t: i64, full: bool) {
        if t == i64::MIN {
            buf.push_str(if full {
                "-                      "
            } else {
                "-           "
            });
            return;
        }
        let (day, us, _) = self.split(t);
        if full {
            buf.push_str(&Self::date(day));
            buf.push(' ');
        }
        Self::time_of_day(buf, us);
    }

    /// What a date line changes on: the day and the offset.
    pub(super) fn key(&self, t: i64) -> (i64, Option<i32>) {
        if t == i64::MIN {
            return (i64::MIN, None);
        }
        let (day, _, off) = self.split(t);
        (day, off)
    }
}
