//! `cfsign cookies RESOURCE`: CloudFront signed cookies as `Set-Cookie` headers, a
//! `Cookie:` request header, JSON or a Netscape cookie jar [\[R17\]](cfsign::rules#r17), [\[R18\]](cfsign::rules#r18).

use std::io::Write;

use anyhow::{Context, Result, anyhow, bail};
use cfsign::{CookieAttributes, CookieOptions, KeyPairId};
use clap::{Args, ValueEnum};

use super::key_options::{self, KeyArgs};
use super::policy_options::{self, PolicyArgs};
use super::terminal::{self, Said};
use super::time_options::{self, TimeArgs};
use super::{Exit, Failed};

/// Examples shown at the end of `cfsign cookies --help`.
pub const AFTER_HELP: &str = "\
Examples:
  cfsign cookies 'https://d111111abcdef8.cloudfront.net/videos/*' --days 1 \\
      --private-key keys/private_key.pem --key-pair-id KDEMOEXAMPLE01
  cfsign cookies 'https://cdn.example.com/hls/*' --expires-in 4h \\
      --cookie-domain example.com --format json
  cfsign cookies 'https://d111111abcdef8.cloudfront.net/videos/*' \\
      --format netscape > jar.txt
  curl -b jar.txt https://d111111abcdef8.cloudfront.net/videos/intro.mp4
  COOKIES=$(cfsign cookies 'https://d111111abcdef8.cloudfront.net/*' \\
      --format header)
  curl -H \"$COOKIES\" https://d111111abcdef8.cloudfront.net/report.pdf

A resource with * gets a custom policy; an exact URL gets a canned one
(valid for that URL only) unless a start time or IP range needs a custom
policy. A ? is the query separator unless --policy custom is given, where
it is CloudFront's one-character wildcard.

Exit status:
  0  the cookies were printed
  1  the resource could not be signed (bad resource, --policy canned with
     a wildcard, a cookie domain or path that does not cover the resource),
     or --strict refused a warning
  2  usage or configuration error (options, key, key pair ID, times,
     cookie attributes)";

/// Output formats of `cfsign cookies`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CookieFormat {
    /// One `Set-Cookie:` header per cookie, with the attributes (for a web server).
    SetCookie,
    /// One `Cookie:` request header holding every cookie (for `curl -H` and HTTP clients).
    Header,
    /// One JSON object: schema_version, policy_type, expires, resource, cookies, attributes.
    Json,
    /// A Netscape cookie-jar file for `curl -b FILE` and `wget --load-cookies FILE`.
    Netscape,
}

/// Arguments of `cfsign cookies`.
#[derive(Debug, Args)]
pub struct CookiesArgs {
    /// What the cookies grant: a pattern with * wildcards
    /// (https://d111111abcdef8.cloudfront.net/videos/*), or one exact URL.
    #[arg(value_name = "RESOURCE", required_unless_present = "resource_option")]
    pub resource: Option<String>,

    /// The same as RESOURCE, as `aws cloudfront sign-cookies --resource` takes it.
    #[arg(
        long = "resource",
        id = "resource_option",
        value_name = "RESOURCE",
        conflicts_with = "resource"
    )]
    pub resource_option: Option<String>,

    #[command(flatten)]
    pub key: KeyArgs,

    #[command(flatten)]
    pub time: TimeArgs,

    #[command(flatten)]
    pub policy: PolicyArgs,

    /// Output format.
    #[arg(
        long,
        value_enum,
        ignore_case = true,
        default_value = "set-cookie",
        help_heading = "Output"
    )]
    pub format: CookieFormat,

    /// Domain attribute: a host name whose subdomains also get the cookies (example.com
    /// for a distribution at cdn.example.com). Default: none, the cookies belong to the
    /// host that sets them. Never cloudfront.net.
    #[arg(long, value_name = "DOMAIN", help_heading = "Cookie attributes")]
    pub cookie_domain: Option<String>,

    /// Path attribute, a plain prefix such as /videos/. Default: the resource's directory
    /// up to the first wildcard (/videos/ for .../videos/*), else /.
    #[arg(long, value_name = "PATH", help_heading = "Cookie attributes")]
    pub cookie_path: Option<String>,

    /// Leave out Secure, so that the cookies also travel over plain HTTP (local testing).
    #[arg(long, help_heading = "Cookie attributes")]
    pub no_secure: bool,

    /// Leave out HttpOnly, so that page scripts can read the cookies.
    #[arg(long, help_heading = "Cookie attributes")]
    pub no_http_only: bool,

    /// Max-Age attribute: seconds (3600) or a duration (1h, 7d). Default: none, the
    /// browser drops the cookies when it closes (as the Developer Guide recommends). In a
    /// cookie jar it becomes the expiry column (now plus the age).
    #[arg(
        long,
        value_name = "SECONDS|DURATION",
        allow_negative_numbers = true,
        help_heading = "Cookie attributes"
    )]
    pub cookie_max_age: Option<String>,

    /// Treat every warning as an error (exit 1, nothing printed): an S3 host, an IAM
    /// access key as key pair ID, a private IP range, and any other warning.
    #[arg(long, help_heading = "Output")]
    pub strict: bool,
}

/// Reads `--cookie-max-age`: whole seconds, or a duration with units.
fn max_age(value: &str) -> Result<i64> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        return v
            .parse::<i64>()
            .map_err(|_| anyhow!("--cookie-max-age {value:?} is too large"));
    }
    cfsign::time::parse_duration(v).context("--cookie-max-age")
}

/// What `cfsign cookies` takes from its arguments, checked before the key is loaded.
struct CookiesConfig {
    resource: String,
    options: CookieOptions,
    key: KeyArgs,
    key_pair_id: KeyPairId,
    format: CookieFormat,
}

/// The one step from the arguments of `cfsign cookies` to its [`CookiesConfig`]. It
/// prints and reads nothing: its notes and warnings go to `said`, in the order they
/// arose, for the caller to print ([`terminal::say`]).
fn config(args: CookiesArgs, said: &mut Vec<Said>) -> Result<CookiesConfig> {
    let Some(resource) = args.resource.clone().or(args.resource_option.clone()) else {
        bail!("no resource: give RESOURCE or --resource RESOURCE");
    };
    let now = time_options::now(&args.time)?;
    let condition = policy_options::condition(&args.time, &args.policy, now, said)?;
    let max_age = args.cookie_max_age.as_deref().map(max_age).transpose()?;
    // A cookie jar holds absolute expiry times: Max-Age becomes now + age there.
    let jar_expiry = match (args.format, max_age) {
        (CookieFormat::Netscape, Some(age)) => Some(
            now.checked_add(age)
                .ok_or_else(|| anyhow!("--cookie-max-age {age} is too large"))?,
        ),
        _ => None,
    };
    let attributes = CookieAttributes {
        domain: args.cookie_domain,
        path: args.cookie_path,
        secure: !args.no_secure,
        http_only: !args.no_http_only,
        max_age,
        expires: jar_expiry,
    };
    attributes.validate()?;
    let key_pair_id = key_options::key_pair_id(&args.key, said)?;
    Ok(CookiesConfig {
        resource,
        options: CookieOptions {
            condition,
            mode: args.policy.mode,
            attributes,
        },
        key: args.key,
        key_pair_id,
        format: args.format,
    })
}

/// Runs `cfsign cookies` and returns the exit status.
pub fn run(args: CookiesArgs) -> Result<Exit> {
    terminal::set_strict(args.strict);
    // What each step had to say comes first; under --strict a warning stops the command.
    let config = terminal::said_first(|said| config(args, said))?;
    let signer =
        terminal::said_first(|said| key_options::signer(&config.key, config.key_pair_id, said))?;
    let cookies = match signer.sign_cookies(&config.resource, &config.options) {
        Ok(c) => c,
        // A --cookie-domain that does not fit the resource is an option error (exit 2),
        // as one that is malformed or a public suffix is.
        Err(e @ cfsign::Error::CookieDomain { .. }) => return Err(e.into()),
        Err(e) => {
            // The resource itself cannot be signed: a bad input, not a usage error.
            return Err(Failed::with(Exit::Input, e.into()));
        }
    };
    for w in &cookies.warnings {
        terminal::warn(&super::hints::warning(w))?;
    }
    let text = match config.format {
        CookieFormat::SetCookie => cookies.to_set_cookie_headers(),
        CookieFormat::Header => format!("{}\n", cookies.to_cookie_header()),
        CookieFormat::Json => format!("{}\n", super::output::signed_cookies_json(&cookies)),
        CookieFormat::Netscape => cookies.to_netscape()?,
    };
    let mut out = terminal::stdout();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(Exit::Ok)
}
