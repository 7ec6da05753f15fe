//! Times and durations: Unix seconds (UTC, 64-bit) as CloudFront uses them [\[R6\]](crate::rules#r6).
//!
//! Every function takes "now" as an argument, so callers (and tests) choose the clock;
//! [`now`] reads the system clock. Nothing here depends on the `TZ` variable: a date or
//! date-time without an offset is read as UTC.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use crate::error::{Error, Result};

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// The latest time cfsign signs or accepts: 9999-12-31T23:59:59Z. Larger values are
/// almost always milliseconds or another unit mistake; the same bound applies to signing,
/// policy files and verification, so cfsign can always read back what it signs [\[R6\]](crate::rules#r6).
pub const MAX_TIME: i64 = 253_402_300_799;

/// Checks that `t` (Unix seconds) is in cfsign's range, 0 to [`MAX_TIME`], and returns
/// what is wrong otherwise: negative, milliseconds (13 digits), or after year 9999.
pub fn range_problem(t: i64) -> Option<&'static str> {
    if t < 0 {
        Some("is negative; times are seconds after 1970-01-01")
    } else if (1_000_000_000_000..10_000_000_000_000).contains(&t) {
        Some(
            "looks like milliseconds; CloudFront times are whole seconds (drop the last three digits)",
        )
    } else if t > MAX_TIME {
        Some("is after 9999-12-31T23:59:59Z (253402300799), the latest time cfsign accepts")
    } else {
        None
    }
}

/// The system clock, in whole Unix seconds (UTC).
pub fn now() -> i64 {
    Utc::now().timestamp()
}

/// `t` in whole Unix seconds (UTC); a fraction of a second is dropped (rounded down), as
/// CloudFront times are whole seconds [\[R6\]](crate::rules#r6).
///
/// # Errors
/// [`Error::Time`] for a time before 1970-01-01T00:00:00Z or after [`MAX_TIME`]
/// (9999-12-31T23:59:59Z); the input is shown as Unix seconds.
pub fn unix_seconds(t: SystemTime) -> Result<i64> {
    match t.duration_since(UNIX_EPOCH) {
        Ok(since) => match i64::try_from(since.as_secs()) {
            Ok(secs) if secs <= MAX_TIME => Ok(secs),
            _ => Err(time_err(&since.as_secs().to_string(), AFTER_MAX)),
        },
        Err(before) => {
            let before = before.duration();
            // Rounded down, as for times after 1970: 0.5 s before the epoch is -1.
            let secs = before.as_secs() + u64::from(before.subsec_nanos() > 0);
            Err(time_err(&format!("-{secs}"), BEFORE_EPOCH))
        }
    }
}

/// `duration` after `now`, in whole Unix seconds (UTC): an expiry "in an hour" for a clock
/// the caller chooses (`SystemTime::now()` in a service, a fixed time in a test).
///
/// # Errors
/// As [`unix_seconds`], for `now` or for the sum.
pub fn unix_seconds_after(now: SystemTime, duration: Duration) -> Result<i64> {
    let start = unix_seconds(now)?;
    match now.checked_add(duration) {
        Some(t) => unix_seconds(t),
        None => Err(time_err(
            &format!("{start} + {} seconds", duration.as_secs()),
            AFTER_MAX,
        )),
    }
}

/// Why a time before the epoch is refused.
const BEFORE_EPOCH: &str = "is before 1970-01-01T00:00:00Z, the earliest time cfsign accepts";

/// Why a time after year 9999 is refused.
const AFTER_MAX: &str =
    "is after 9999-12-31T23:59:59Z (253402300799), the latest time cfsign accepts";

fn time_err(input: &str, problem: impl Into<String>) -> Error {
    Error::Time {
        input: input.into(),
        problem: problem.into(),
    }
}

/// Parses a point in time into Unix seconds (UTC).
///
/// Accepted: whole Unix seconds (`1767225600`), a date (`2026-01-01`, midnight UTC), a
/// date-time without offset (`2026-01-01T12:00:00` or with a space, read as UTC) and RFC
/// 3339 with an offset (`2026-01-01T12:00:00Z`, `...+02:00`). Fractional seconds are
/// accepted only in RFC 3339 when they are zero.
///
/// # Errors
/// [`Error::Time`] for fractional or exponent numbers, 13-digit values (milliseconds),
/// negative values, slash dates such as `02/01/2026` (ambiguous), and anything else.
pub fn parse_time(input: &str) -> Result<i64> {
    let s = input.trim();
    if s.is_empty() {
        return Err(time_err(input, "is empty"));
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        if s.len() == 8
            && let Ok(d) = NaiveDate::parse_from_str(s, "%Y%m%d")
            && (1900..3000).contains(&chrono::Datelike::year(&d))
        {
            return Err(time_err(
                input,
                format!(
                    "looks like the date {0} written without dashes; write it as {0} (or give Unix seconds, 10 digits)",
                    d.format("%Y-%m-%d")
                ),
            ));
        }
        let t = s
            .parse::<i64>()
            .map_err(|_| time_err(input, "is out of range"))?;
        return match range_problem(t) {
            Some(problem) => Err(time_err(input, problem)),
            None => Ok(t),
        };
    }
    if let Some(rest) = s.strip_prefix('-')
        && rest.bytes().all(|b| b.is_ascii_digit() || b == b'.')
    {
        return Err(time_err(
            input,
            "is negative; times are seconds after 1970-01-01",
        ));
    }
    if s.bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        && s.bytes().any(|b| matches!(b, b'.' | b'e' | b'E'))
    {
        return Err(time_err(
            input,
            "is not a whole number of seconds; CloudFront times are integers",
        ));
    }
    if s.contains('/') {
        return Err(time_err(
            input,
            "is ambiguous (day/month or month/day?); write the date as YYYY-MM-DD",
        ));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        // chrono reads second 60 as a leap second: nanoseconds past one whole second.
        if t.timestamp_subsec_nanos() >= 1_000_000_000 {
            return Err(time_err(input, LEAP_SECOND));
        }
        if t.timestamp_subsec_nanos() != 0 {
            return Err(time_err(
                input,
                "has fractional seconds; CloudFront times are whole seconds",
            ));
        }
        return date_in_range(input, t.timestamp());
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            if chrono::Timelike::nanosecond(&t) >= 1_000_000_000 {
                return Err(time_err(input, LEAP_SECOND));
            }
            return date_in_range(input, t.and_utc().timestamp());
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let t = d.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp());
        return date_in_range(input, t.unwrap_or(0));
    }
    Err(time_err(input, "is not a time cfsign can read"))
}

/// Why a time with second 60 is refused: read as 23:59:59 it would end a second early.
const LEAP_SECOND: &str = "is a leap second (second 60); Unix time, which CloudFront uses, has no leap seconds: write :59, or :00 of the next minute";

/// Whether `input` is a date or date-time without a UTC offset (`2026-12-31`,
/// `2026-12-31T18:00:00`), a form [`parse_time`] reads as UTC. Such a time names another
/// instant for someone who meant their own wall-clock time; Unix seconds and RFC 3339
/// times with `Z` or an offset are unambiguous and give `false`, as does input
/// [`parse_time`] refuses.
pub fn is_without_offset(input: &str) -> bool {
    let s = input.trim();
    DateTime::parse_from_rfc3339(s).is_err()
        && ([
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
        ]
        .iter()
        .any(|fmt| NaiveDateTime::parse_from_str(s, fmt).is_ok())
            || NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok())
}

/// A written date's time, refused (naming the input) when before 1970 or after year 9999:
/// chrono reads years such as `26` or `-2026`, which would become negative Unix times.
fn date_in_range(input: &str, t: i64) -> Result<i64> {
    if t < 0 {
        Err(time_err(
            input,
            "is before 1970-01-01T00:00:00Z, the earliest time cfsign accepts (write the year with four digits)",
        ))
    } else if t > MAX_TIME {
        Err(time_err(input, AFTER_MAX))
    } else {
        Ok(t)
    }
}

/// Parses a duration such as `90m`, `12h`, `7d`, `2w`, `30s` or `1h30m` into seconds.
///
/// # Errors
/// [`Error::Duration`] when a number has no unit, the unit is unknown, the value is zero,
/// or the total overflows.
pub fn parse_duration(input: &str) -> Result<i64> {
    let err = |problem: &str| Error::Duration {
        input: input.into(),
        problem: problem.into(),
    };
    let s = input.trim();
    if s.is_empty() {
        return Err(err("is empty"));
    }
    if s.starts_with('-') {
        return Err(err("is negative; give a length of time to come, like 90m"));
    }
    let mut total: i64 = 0;
    let mut digits = String::new();
    let mut last_unit = i64::MAX;
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3_600,
            'd' => DAY,
            'w' => 7 * DAY,
            _ => return Err(err("has a unit other than s, m, h, d, w")),
        };
        if digits.is_empty() {
            return Err(err("has a unit without a number"));
        }
        if unit >= last_unit {
            return Err(err(
                "repeats a unit or has them out of order; write larger units first, each once (1h30m)",
            ));
        }
        last_unit = unit;
        let n: i64 = digits.parse().map_err(|_| err("is too large"))?;
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(|| err("is too large"))?;
        digits.clear();
    }
    if !digits.is_empty() {
        return Err(err("ends in a number without a unit (s, m, h, d, w)"));
    }
    if total <= 0 {
        return Err(err("must be longer than zero"));
    }
    Ok(total)
}

/// Formats Unix seconds as RFC 3339 in UTC, for example `2026-01-01T18:00:00Z`.
/// Values outside chrono's range are shown as the plain number of seconds.
pub fn format_utc(seconds: i64) -> String {
    DateTime::<Utc>::from_timestamp(seconds, 0)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| format!("{seconds} (Unix seconds)"))
}

/// Formats Unix seconds as an HTTP date (RFC 9110, section 5.6.7), for example
/// `Thu, 01 Jan 2026 18:00:00 GMT`: the form of a cookie's `Expires` attribute. Values
/// outside chrono's range are shown as the plain number of seconds.
pub(crate) fn http_date(seconds: i64) -> String {
    DateTime::<Utc>::from_timestamp(seconds, 0)
        .map(|t| t.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
        .unwrap_or_else(|| seconds.to_string())
}

/// Describes `t` relative to `now` in words: `in 3h 12m`, `2d 4h ago`, `now`.
pub fn describe_relative(t: i64, now: i64) -> String {
    let diff = t.saturating_sub(now);
    if diff == 0 {
        return "now".into();
    }
    let mut left = diff.unsigned_abs();
    let mut parts = Vec::new();
    for (unit, name) in [(86_400u64, "d"), (3_600, "h"), (60, "m"), (1, "s")] {
        if left >= unit {
            parts.push(format!("{}{name}", left / unit));
            left %= unit;
        }
        if parts.len() == 2 {
            break;
        }
    }
    let text = parts.join(" ");
    if diff > 0 {
        format!("in {text}")
    } else {
        format!("{text} ago")
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn http_dates_are_rfc_9110_imf_fixdate_in_gmt() {
        assert_eq!(
            super::http_date(1_767_290_400),
            "Thu, 01 Jan 2026 18:00:00 GMT"
        );
        assert_eq!(super::http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(
            super::http_date(super::MAX_TIME),
            "Fri, 31 Dec 9999 23:59:59 GMT"
        );
    }

    #[test]
    fn times_without_offset_are_told_apart() {
        for naive in [
            "2026-12-31",
            "2026-12-31T18:00:00",
            "2026-12-31 18:00",
            " 2026-12-31T18:00 ",
        ] {
            assert!(super::is_without_offset(naive), "{naive}");
        }
        for explicit in [
            "2026-12-31T18:00:00Z",
            "2026-12-31T18:00:00+01:00",
            "1767225600",
            "tomorrow",
            "",
        ] {
            assert!(!super::is_without_offset(explicit), "{explicit}");
        }
    }
    use super::*;

    #[test]
    fn epoch_and_dates() {
        assert_eq!(parse_time("1767225600").unwrap(), 1_767_225_600);
        assert_eq!(parse_time("2026-01-01").unwrap(), 1_767_225_600);
        assert_eq!(parse_time("2026-01-01T00:00:00Z").unwrap(), 1_767_225_600);
        assert_eq!(
            parse_time("2026-01-01T02:00:00+02:00").unwrap(),
            1_767_225_600
        );
        assert_eq!(parse_time("2026-01-01T00:00:00").unwrap(), 1_767_225_600);
        assert_eq!(parse_time("2026-01-01 00:00:00").unwrap(), 1_767_225_600);
        assert_eq!(parse_time("9999-12-31T23:59:59Z").unwrap(), 253_402_300_799);
    }

    /// Regression (issue 10.10): a leap second was called "fractional seconds" (RFC 3339)
    /// or silently read as second 59 (no offset), signing a URL that ends a second early.
    #[test]
    fn leap_second_gets_its_own_message() {
        for input in [
            "2026-06-30T23:59:60Z",
            "2026-06-30T23:59:60",
            "2026-06-30 23:59:60+02:00",
        ] {
            let e = parse_time(input).unwrap_err().to_string();
            assert!(
                e.ends_with("is a leap second (second 60); Unix time, which CloudFront uses, has no leap seconds: write :59, or :00 of the next minute"),
                "{input}: {e}"
            );
        }
    }

    #[test]
    fn refuses_ambiguous_and_inexact() {
        for (input, needle) in [
            ("1767312000.5", "whole number"),
            ("1.7e9", "whole number"),
            ("1767312000000", "milliseconds"),
            // Regression: `--starts-at 20261201` was read as 1970-08-23 (Unix seconds).
            ("20261201", "the date 2026-12-01 written without dashes"),
            ("02/01/2026", "ambiguous"),
            ("-5", "negative"),
            ("tomorrow", "not a time"),
            ("2026-01-01T00:00:00.5Z", "fractional"),
        ] {
            let e = parse_time(input).unwrap_err().to_string();
            assert!(e.contains(needle), "{input}: {e}");
        }
    }

    /// Regression (found by fuzzing): `26-01-01`, `2-6-6` and `-2026-01-01T12:00` were read
    /// as years 26, 2 and -2026, giving negative Unix times instead of an error naming
    /// the input.
    #[test]
    fn date_before_1970_or_after_9999_is_refused() {
        for input in [
            "26-01-01",
            "2-6-6",
            "-2026-01-01T12:00",
            "1969-12-31T23:59:59Z",
            "0001-01-01 00:00",
        ] {
            let e = parse_time(input).unwrap_err().to_string();
            assert!(e.contains("before 1970-01-01"), "{input}: {e}");
            assert!(e.contains(input), "{input}: {e}");
        }
        assert!(parse_time("+10000-01-01").is_err());
        assert_eq!(parse_time("1970-01-01").unwrap(), 0);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90m").unwrap(), 5_400);
        assert_eq!(parse_duration("12h").unwrap(), 43_200);
        assert_eq!(parse_duration("7d").unwrap(), 604_800);
        assert_eq!(parse_duration("1h30m").unwrap(), 5_400);
        assert_eq!(parse_duration("2w").unwrap(), 1_209_600);
        // Regression: `1h1h` and `30m1h` were accepted (and summed), and `-5` was said to
        // have an unknown unit.
        for (bad, needle) in [
            ("1h1h", "out of order"),
            ("30m1h", "out of order"),
            ("-5", "negative"),
        ] {
            let e = parse_duration(bad).unwrap_err().to_string();
            assert!(e.contains(needle), "{bad}: {e}");
        }
        for bad in ["", "90", "m", "0h", "5y", "99999999999999999999d"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn system_times_become_whole_unix_seconds() {
        let at = |secs: u64, nanos: u32| UNIX_EPOCH + Duration::new(secs, nanos);
        assert_eq!(unix_seconds(at(1_767_290_400, 0)).unwrap(), 1_767_290_400);
        assert_eq!(
            unix_seconds(at(1_767_290_400, 999_999_999)).unwrap(),
            1_767_290_400
        );
        assert_eq!(unix_seconds(UNIX_EPOCH).unwrap(), 0);
        assert_eq!(unix_seconds(at(253_402_300_799, 0)).unwrap(), MAX_TIME);
        assert_eq!(
            unix_seconds_after(at(1_767_286_800, 0), Duration::from_secs(3600)).unwrap(),
            1_767_290_400
        );
        // Fractions of `now` and of the duration add up before rounding down.
        assert_eq!(
            unix_seconds_after(at(100, 600_000_000), Duration::from_millis(500)).unwrap(),
            101
        );
    }

    #[test]
    fn system_times_before_1970_or_after_9999_are_refused() {
        let e = unix_seconds(UNIX_EPOCH - Duration::from_secs(5)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "time \"-5\" is before 1970-01-01T00:00:00Z, the earliest time cfsign accepts"
        );
        let e = unix_seconds(UNIX_EPOCH - Duration::from_millis(500)).unwrap_err();
        assert!(
            e.to_string().starts_with("time \"-1\" is before 1970"),
            "{e}"
        );
        let e = unix_seconds(UNIX_EPOCH + Duration::from_secs(253_402_300_800)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "time \"253402300800\" is after 9999-12-31T23:59:59Z (253402300799), the latest time cfsign accepts"
        );
        let now = UNIX_EPOCH + Duration::from_secs(1_767_286_800);
        let e = unix_seconds_after(now, Duration::from_secs(MAX_TIME as u64)).unwrap_err();
        assert!(e.to_string().contains("after 9999-12-31T23:59:59Z"), "{e}");
        // A sum SystemTime cannot hold is the same error, not a panic.
        let e = unix_seconds_after(now, Duration::MAX).unwrap_err();
        assert!(
            e.to_string().starts_with(&format!(
                "time \"1767286800 + {} seconds\" is after",
                u64::MAX
            )),
            "{e}"
        );
    }

    #[test]
    fn formatting() {
        assert_eq!(format_utc(1_767_290_400), "2026-01-01T18:00:00Z");
        assert_eq!(
            describe_relative(100 + 3 * 3600 + 12 * 60, 100),
            "in 3h 12m"
        );
        assert_eq!(describe_relative(0, 2 * 86_400), "2d ago");
    }
}
