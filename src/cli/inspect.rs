//! `cfsign inspect`: decode a signed URL (or cookie set) without any key.

use std::io::Write;

use anyhow::{Context, Result, bail};
use cfsign::inspect::{self, Inspection};
use clap::Args;

use super::output::{inspection_json, json_terminal_safe, sanitize};
use super::signed_input::{self, CookieArgs};
use super::terminal::{Format, FormatArgs};
use super::{Exit, Failed};

pub const AFTER_HELP: &str = "\
Examples:
  URL=$(cat url.txt)          # a signed URL, as cfsign printed it
  cfsign inspect \"$URL\"
  cfsign inspect \"$URL\" --format json | jq .expires_utc
  cfsign inspect --url https://d111111abcdef8.cloudfront.net/videos/a.mp4 \\
      --cookies-file cookies.txt

Decoded text is untrusted: control, bidi and zero-width characters are shown
escaped (\\u{202E}). Use `cfsign verify` to check the signature.

Exit status:
  0  decoded (problems, if any, are listed as `problem:` lines)
  1  nothing to decode: not an http(s) URL, or no signing parameters
     (or cookies) at all
  2  usage error";

/// Arguments of `cfsign inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The signed URL (`-`, or none with standard input not a terminal: the first non-blank
    /// line of standard input, answered as soon as it arrives). With cookies, give --url
    /// instead.
    #[arg(value_name = "SIGNED_URL")]
    pub signed_url: Option<String>,

    #[command(flatten)]
    pub cookies: CookieArgs,

    /// Reference time for "expires in ..." (default: now): Unix seconds, date or RFC 3339.
    #[arg(long, visible_alias = "at", value_name = "WHEN")]
    pub now: Option<String>,

    #[command(flatten)]
    pub output: FormatArgs,
}

/// Runs `cfsign inspect` and returns the exit status.
pub fn run(mut args: InspectArgs) -> Result<Exit> {
    args.signed_url = signed_input::url_from_stdin(args.signed_url.take(), &args.cookies)?;
    let now = super::time_options::time_or_clock(args.now.as_deref(), "--now")?;
    let cookies = signed_input::cookie_text(&args.cookies)?;
    let found = match (&cookies, &args.signed_url, &args.cookies.url) {
        (Some(text), None, Some(url)) => {
            let pairs = cfsign::cookies::parse_cookie_text(text).context("the cookies")?;
            if pairs.is_empty() {
                bail!("no cookies found in the cookie input; give name=value pairs");
            }
            inspect::inspect_cookies(&pairs, url)
        }
        (None, Some(url), None) => inspect::inspect_url(url.trim()),
        (Some(_), Some(_), _) => bail!("give either a SIGNED_URL or cookies with --url, not both"),
        (None, Some(_), Some(_)) => {
            bail!("--url is for cookies; with a signed URL, pass the URL alone")
        }
        _ => bail!("no signed URL: give SIGNED_URL, or --cookie-header/--cookies-file with --url"),
    };
    if let Some(problem) = undecodable(&args, &found) {
        return Err(Failed::with(Exit::Input, anyhow::anyhow!(problem)));
    }
    let mut out = super::terminal::stdout();
    match args.output.format {
        Format::Json => writeln!(
            out,
            "{}",
            json_terminal_safe(&inspection_json(&found, now).to_string())
        ),
        Format::Text => print_text(&mut out, &found, now),
    }
    .and_then(|()| out.flush())?;
    Ok(Exit::Ok)
}

/// Why the input cannot be decoded as a signed URL (or cookie set) at all, if so: not an
/// http(s) URL, or none of the signing parameters (cookies) present.
fn undecodable(args: &InspectArgs, found: &Inspection) -> Option<String> {
    match &args.signed_url {
        Some(url) if !signed_input::is_http_url(url) => Some(format!(
            "SIGNED_URL {} is not an http(s) URL, so there is nothing to decode; give a signed URL starting with https:// or http://",
            signed_input::quoted_unless_key(url)
        )),
        Some(url) if found.signing_parameters == 0 => Some(format!(
            "SIGNED_URL \"{}\" is not a signed URL: it has none of the query parameters Expires, Policy, Signature, Key-Pair-Id",
            sanitize(url)
        )),
        None if found.signing_parameters == 0 => Some(
            "the cookies hold none of CloudFront-Expires, CloudFront-Policy, CloudFront-Signature, CloudFront-Key-Pair-Id: they are not signed cookies".into(),
        ),
        _ => None,
    }
}

fn print_text(out: &mut impl Write, i: &Inspection, now: i64) -> std::io::Result<()> {
    let time = |t: i64| {
        format!(
            "{} ({t}; {})",
            cfsign::time::format_utc(t),
            cfsign::time::describe_relative(t, now)
        )
    };
    writeln!(out, "URL:            {}", sanitize(&i.base_url))?;
    writeln!(
        out,
        "policy type:    {}",
        i.policy_type.map(|t| t.as_str()).unwrap_or("unknown")
    )?;
    match (&i.resource, i.date_less_than) {
        (Some(r), _) => writeln!(out, "resource:       {}", sanitize(r))?,
        // A policy that was read but has no Resource covers everything (Guide).
        (None, Some(_)) => writeln!(
            out,
            "resource:       none (every object of every distribution that trusts the key)"
        )?,
        (None, None) => {}
    }
    if let Some(t) = i.date_less_than {
        writeln!(out, "expires:        {}", time(t))?;
    }
    if let Some(t) = i.date_greater_than {
        writeln!(out, "starts:         {}", time(t))?;
    }
    if let Some(ip) = &i.ip_address {
        writeln!(out, "IP range:       {ip}")?;
    }
    if let Some(id) = &i.key_pair_id {
        writeln!(out, "key pair ID:    {}", sanitize(id))?;
    }
    match &i.hash_algorithm {
        Some(h) => writeln!(out, "hash algorithm: {}", sanitize(h))?,
        None => writeln!(out, "hash algorithm: SHA1 (no Hash-Algorithm parameter)")?,
    }
    if let (Some(len), Some(family)) = (i.signature_len, &i.signature_family) {
        writeln!(out, "signature:      {len} bytes, {family}")?;
    }
    if let Some(p) = &i.policy {
        writeln!(out, "policy:         {}", sanitize(p))?;
    }
    for p in &i.problems {
        writeln!(out, "problem:        {}", sanitize(p))?;
    }
    Ok(())
}
