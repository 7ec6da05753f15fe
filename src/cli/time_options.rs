//! The time options of the signing commands (`--days`, `--expires-in`,
//! `--date-less-than`, `--date-greater-than`, `--now`) and the reference time of the
//! others (`--at`, `--now`): parsed into Unix seconds (UTC), with errors that name the
//! option typed.

use anyhow::{Context, Result, anyhow, bail};
use clap::Args;

use super::CliHint;
use super::terminal::{Said, one_line};

/// Expiry and start-time options.
#[derive(Debug, Args)]
#[command(next_help_heading = "Time")]
pub struct TimeArgs {
    /// Valid for N whole days from now (default: 1 when no other expiry is given).
    #[arg(
        long,
        value_name = "N",
        allow_negative_numbers = true,
        group = "expiry"
    )]
    pub days: Option<String>,

    /// Valid for a duration from now: 30s, 90m, 12h, 7d, 2w, 1h30m.
    #[arg(long, value_name = "DURATION", group = "expiry")]
    pub expires_in: Option<String>,

    /// Absolute expiry (DateLessThan): Unix seconds, a date (2026-12-31) or RFC 3339
    /// date-time; without an offset it is UTC.
    #[arg(
        long,
        visible_alias = "expires-at",
        value_name = "WHEN",
        group = "expiry"
    )]
    pub date_less_than: Option<String>,

    /// Start time (DateGreaterThan), same formats; needs a custom policy.
    #[arg(long, visible_alias = "starts-at", value_name = "WHEN")]
    pub date_greater_than: Option<String>,

    /// Reference time for relative expiries and the "already expired" check, same formats
    /// (default: the system clock). Makes CI output reproducible.
    #[arg(long, value_name = "WHEN")]
    pub now: Option<String>,
}

/// A note (pushed on `said`) when `input` (given to `option`, read as `t`) was written without a
/// UTC offset and the local time zone (`TZ`, else the system's) is not UTC at that time:
/// the time was read as UTC, which is another wall-clock time here.
pub fn note_local_time(option: &str, input: &str, t: i64, said: &mut Vec<Said>) {
    use chrono::{Local, TimeZone};
    if !cfsign::time::is_without_offset(input) {
        return;
    }
    let Some(utc) = chrono::DateTime::from_timestamp(t, 0) else {
        return;
    };
    let local = utc.with_timezone(&Local);
    if local.offset().local_minus_utc() == 0 {
        return;
    }
    let instead = Local
        .from_local_datetime(&utc.naive_utc())
        .single()
        .map(|meant| {
            format!(
                "; for {} local time write {}",
                utc.format("%Y-%m-%d %H:%M:%S"),
                meant.format("%Y-%m-%dT%H:%M:%S%:z")
            )
        })
        .unwrap_or_default();
    said.push(Said::Note(format!(
        "{option} {} has no UTC offset, so it is read as UTC: {} is {} local time{instead}",
        one_line(&format!("{input:?}")),
        cfsign::time::format_utc(t),
        local.format("%Y-%m-%d %H:%M:%S %:z"),
    )));
}

/// Reads the reference time: `--now` or the clock.
pub fn now(args: &TimeArgs) -> Result<i64> {
    time_or_clock(args.now.as_deref(), "--now")
}

/// A reference-time option (`--now`, `--at`) parsed, or the system clock when absent;
/// `option` names it in errors.
pub fn time_or_clock(value: Option<&str>, option: &str) -> Result<i64> {
    match value {
        Some(w) => cfsign::time::parse_time(w).with_context(|| option.to_string()),
        None => Ok(cfsign::time::now()),
    }
}

/// Resolves the expiry from `--days`, `--expires-in` or `--date-less-than` (default one
/// day), and checks it is later than now. A note on a local-looking time goes to `said`.
pub fn expiry(args: &TimeArgs, now: i64, said: &mut Vec<Said>) -> Result<i64> {
    let expires = if let Some(d) = &args.days {
        let days: i64 = d.trim().parse().map_err(|e: std::num::ParseIntError| {
            if *e.kind() == std::num::IntErrorKind::PosOverflow {
                relative_expiry_too_large(&format!("--days {}", d.trim()))
            } else {
                anyhow!(
                    "--days {d:?} is not a whole number of days; use --expires-in for hours or minutes"
                )
            }
        })?;
        if days < 1 {
            bail!("--days {days} must be 1 or more: the URL would already be expired");
        }
        days.checked_mul(cfsign::time::DAY)
            .and_then(|s| now.checked_add(s))
            .filter(|t| *t <= cfsign::time::MAX_TIME)
            .ok_or_else(|| relative_expiry_too_large(&format!("--days {days}")))?
    } else if let Some(d) = &args.expires_in {
        let secs = cfsign::time::parse_duration(d).context("--expires-in")?;
        now.checked_add(secs)
            .filter(|t| *t <= cfsign::time::MAX_TIME)
            .ok_or_else(|| relative_expiry_too_large(&format!("--expires-in {}", one_line(d))))?
    } else if let Some(w) = &args.date_less_than {
        let t = cfsign::time::parse_time(w).context("--date-less-than")?;
        note_local_time("--date-less-than", w, t, said);
        t
    } else {
        now + cfsign::time::DAY
    };
    check_not_expired(expires, now)?;
    Ok(expires)
}

/// The error for a relative expiry (`option`, as typed) past the latest time cfsign
/// accepts: it names the option, not the number of seconds it came to.
fn relative_expiry_too_large(option: &str) -> anyhow::Error {
    anyhow!(
        "{option} is too large: the expiry would be after 9999-12-31T23:59:59Z ({}), the latest time cfsign accepts",
        cfsign::time::MAX_TIME
    )
}

/// Refuses an expiry at or before now.
pub fn check_not_expired(expires: i64, now: i64) -> Result<()> {
    if expires <= now {
        return Err(cfsign::Error::TimeOrder {
            what: "the expiry".into(),
            value: expires,
            value_utc: cfsign::time::format_utc(expires),
            other_name: "now".into(),
            other: now,
            other_utc: cfsign::time::format_utc(now),
        }
        .into());
    }
    Ok(())
}

/// The option that set the expiry, as the user typed it (for hints).
fn expiry_option(time: &TimeArgs) -> String {
    if let Some(d) = &time.days {
        format!("--days {d}")
    } else if let Some(d) = &time.expires_in {
        format!("--expires-in {d}")
    } else if let Some(w) = &time.date_less_than {
        format!("--date-less-than (--expires-at) {w}")
    } else {
        "the default expiry (one day from now)".into()
    }
}

/// Gives a start/expiry order error a hint that names the options the user typed: the
/// library's message speaks of DateGreaterThan and DateLessThan only.
pub fn name_time_options(e: cfsign::Error, time: &TimeArgs) -> anyhow::Error {
    let start = time.date_greater_than.as_deref().unwrap_or_default();
    let hint = match &e {
        cfsign::Error::TimeOrder { .. } => format!(
            "the start --date-greater-than (--starts-at) {start} must be before the expiry from {}: move the start earlier or the expiry later",
            expiry_option(time)
        ),
        cfsign::Error::EmptyWindow { .. } => format!(
            "the start --date-greater-than (--starts-at) {start} and the expiry from {} must be at least two seconds apart",
            expiry_option(time)
        ),
        _ => return e.into(),
    };
    CliHint { error: e, hint }.into()
}
