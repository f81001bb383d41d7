//! Unit tests of the event model: API server timestamps (the fast path against jiff, offsets, bad
//! dates, leap seconds, times before 1970) and escapes and nulls in borrowed strings.

use super::*;

#[test]
fn parses_apiserver_timestamps() {
    let t = Ts::parse("2026-11-21T14:58:09.989263Z").unwrap();
    assert_eq!(t.rfc3339(), "2026-11-21T14:58:09.989263Z");
    let j: jiff::Timestamp = "2026-11-21T14:58:09.989263Z".parse().unwrap();
    assert_eq!(t.0, j.as_microsecond());
    assert_eq!(
        Ts::parse("2017-09-11T19:55:05Z").unwrap().rfc3339(),
        "2017-09-11T19:55:05.000000Z"
    );
}

#[test]
fn fast_path_agrees_with_jiff() {
    for s in [
        "1970-01-01T00:00:00Z",
        "2000-02-29T23:59:59.1Z",
        "2024-12-31T00:00:00.123456789Z",
        "1969-12-31T23:59:59.5Z",
    ] {
        let j: jiff::Timestamp = s.parse().unwrap();
        assert_eq!(
            fast_rfc3339(s.as_bytes()).unwrap().0,
            j.as_microsecond(),
            "{s}"
        );
    }
}

/// The hour read last is reused: the times of one hour, a bad time in it, a bad date that
/// starts like a good one, and the hour again all read as jiff reads them.
#[test]
fn the_last_hour_is_reused_and_bad_times_still_refused() {
    let cases = [
        "2024-02-29T13:00:00.000001Z",
        "2024-02-29T13:59:59.999999Z",
        "2024-02-29T13:60:00Z",
        "2024-02-29T13:07:61Z",
        "2024-02-29T13:07:0xZ",
        "2024-02-29T24:00:00Z",
        "2023-02-29T13:00:00Z",
        "2024-02-29T13:30:00.5Z",
        "2024-02-29t13:30:00.5Z",
        "2024-02-29T13:30:00.5Z",
        "2024-03-01T00:00:00Z",
        "2024-02-29T13:30:60Z",
    ];
    for round in 0..2 {
        for s in cases {
            let j = s
                .parse::<jiff::Timestamp>()
                .ok()
                .map(|t| t.as_microsecond());
            assert_eq!(fast_rfc3339(s.as_bytes()).map(|t| t.0), j, "{s} ({round})");
        }
    }
}

#[test]
fn the_fast_path_refuses_exactly_the_days_jiff_refuses() {
    for y in [1900, 1999, 2000, 2023, 2024, 2100, 2400] {
        for m in 1..=12 {
            for d in 1..=31 {
                let s = format!("{y:04}-{m:02}-{d:02}T12:34:56.5Z");
                let j = s
                    .parse::<jiff::Timestamp>()
                    .ok()
                    .map(|t| t.as_microsecond());
                assert_eq!(fast_rfc3339(s.as_bytes()).map(|t| t.0), j, "{s}");
            }
        }
    }
}

#[test]
fn offsets_and_bad_dates() {
    assert_eq!(
        Ts::parse("2026-11-21T15:58:09+01:00"),
        Ts::parse("2026-11-21T14:58:09Z")
    );
    assert!(Ts::parse("2025-02-30T00:00:00Z").is_none());
    // shippers that re-format the time without an offset: read as UTC
    assert_eq!(
        Ts::parse("2022-11-29 00:09:04.38"),
        Ts::parse("2022-11-29T00:09:04.380Z")
    );
    assert!(Ts::parse("yesterday").is_none());
    assert!(Ts::parse("").is_none());
}

/// Fuzz regression (scripts/fuzz/seeds/timestamp/regress-leap-second.txt): the fast path
/// read `23:59:60Z` as the next minute, jiff (the path for offsets) as `23:59:59`.
#[test]
fn leap_second_reads_the_same_on_both_paths() {
    let t = Ts::parse("2016-12-31T23:59:60Z").unwrap();
    assert_eq!(Some(t), Ts::parse("2016-12-31T23:59:60+00:00"));
    assert_eq!(t.rfc3339(), "2016-12-31T23:59:59.000000Z");
}

/// Fuzz regression (scripts/fuzz/seeds/timestamp/regress-before-1970.txt): before 1970, a
/// fraction finer than a microsecond was rounded down by the fast path and towards 1970 by
/// the path for offsets.
#[test]
fn times_before_1970_round_down_on_both_paths() {
    let t = Ts::parse("1969-12-31T23:59:59.9999995Z");
    assert_eq!(t, Some(Ts(-1)));
    assert_eq!(t, Ts::parse("1969-12-31T23:59:59.9999995+00:00"));
    assert_eq!(t, Ts::parse("1969-12-31 23:59:59.9999995"));
}

#[test]
fn decodes_escapes_and_nulls() {
    let line = r#"{"auditID":"a","stage":"ResponseComplete","requestURI":"/api?a=1\u0026b=2","userAgent":null,"user":{"username":"c\u0061rol","groups":null},"extra":{"deep":[1,2,{"x":"y"}]}}"#;
    let ev: Event = serde_json::from_str(line).unwrap();
    assert_eq!(ev.request_uri.as_str(), "/api?a=1&b=2");
    assert_eq!(ev.user.unwrap().username.as_str(), "carol");
    assert!(ev.user_agent.is_empty());
    assert!(matches!(ev.audit_id.0, Cow::Borrowed(_)));
}

#[test]
fn rfc3339_without_format_matches_jiff_at_every_kind_of_time() {
    // the epoch, leap days, the ends of a day and of the 4-digit years, before 1970, and
    // years that take the formatted way (negative, past 9999)
    let day = 86_400_000_000i64;
    let mut times = vec![
        0,
        -1,
        1,
        day - 1,
        day,
        951_782_400_000_000 - 1,     // 2000-02-28T23:59:59.999999Z
        951_868_800_000_000,         // 2000-03-01
        253_402_300_799_999_999,     // 9999-12-31T23:59:59.999999Z
        253_402_300_800_000_000,     // 10000-01-01
        -62_167_219_200_000_000,     // 0000-01-01
        -62_167_219_200_000_000 - 1, // -0001-12-31
        i64::MIN / 2,
        i64::MAX / 2,
    ];
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..20_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        times.push((x % 600_000_000_000_000_000) as i64 - 300_000_000_000_000_000);
    }
    let mut fast = 0;
    for t in times {
        let ts = Ts(t);
        let mut buf = [0u8; 27];
        let year = ts.split().0.y;
        match ts.rfc3339_in(&mut buf) {
            Some(s) => {
                assert_eq!(ts.rfc3339(), s, "{t}");
                // (jiff's timestamps end a day short of the years' ends)
                let Ok(j) = jiff::Timestamp::from_microsecond(t) else {
                    assert!(year == 0 || year == 9999, "{t}: {s}");
                    continue;
                };
                assert_eq!(s, j.strftime("%Y-%m-%dT%H:%M:%S.%6fZ").to_string(), "{t}");
                fast += 1;
            }
            None => {
                assert!(!(0..=9999).contains(&year), "{t}: {year}");
                let s = ts.rfc3339();
                assert!(s.ends_with('Z') && s.contains('T'), "{t}: {s}");
            }
        }
    }
    assert!(fast > 10_000, "{fast}");
}
