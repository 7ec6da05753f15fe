//! The signed request `verify` and `inspect` take: a SIGNED_URL (an argument, or the first
//! line of standard input), or a set of signed cookies (a Cookie header or a cookies file)
//! with the `--url` they are sent with. Input is read with a size bound and refused when
//! it holds PEM key text, which is never echoed.

use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;

use super::output::sanitize;

/// The cookie options shared by `verify` and `inspect`.
#[derive(Debug, Args)]
#[command(next_help_heading = "Cookies")]
pub struct CookieArgs {
    /// Signed cookies from a Cookie header ("Cookie: a=b; c=d"); needs --url.
    #[arg(
        long,
        value_name = "HEADER",
        conflicts_with = "cookies_file",
        requires = "url"
    )]
    pub cookie_header: Option<String>,

    /// Signed cookies from a file (`-`: standard input, read to its end): Set-Cookie lines,
    /// a Cookie header, JSON with a "cookies" object, or a Netscape cookie jar; needs
    /// --url.
    #[arg(long, value_name = "PATH", requires = "url")]
    pub cookies_file: Option<PathBuf>,

    /// The URL the cookies are sent with.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
}

/// Reads the cookie text from --cookie-header or --cookies-file, if given.
pub fn cookie_text(args: &CookieArgs) -> Result<Option<String>> {
    if let Some(h) = &args.cookie_header {
        return Ok(Some(h.clone()));
    }
    let Some(path) = &args.cookies_file else {
        return Ok(None);
    };
    let bytes = if path == Path::new("-") {
        cfsign::key::read_small(
            super::secrets::NoKeyText::new(std::io::stdin(), "cookies"),
            "cookies file",
            "standard input",
        )?
    } else {
        cfsign::key::read_small_file(path, "cookies file")?
    };
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("--cookies-file {}: is not UTF-8 text", path.display()))?;
    if cfsign::key::looks_like_key_material(&text) {
        // A cookie parse error would quote the key's lines.
        anyhow::bail!(
            "--cookies-file {} holds PEM key text (not shown), not cookies",
            path.display()
        );
    }
    Ok(Some(text))
}

/// Whether `input` has the form `http(s)://host...` (scheme in any case).
pub fn is_http_url(input: &str) -> bool {
    let lower = input.trim().to_ascii_lowercase();
    ["https://", "http://"].iter().any(|p| {
        lower
            .strip_prefix(p)
            .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
    })
}

/// Refuses input that is not an http(s) URL at all (`hello`): a usage mistake, not a
/// request CloudFront would see.
pub fn require_http_url(what: &str, input: &str) -> Result<()> {
    if !is_http_url(input) {
        bail!(
            "{what} {} is not an http(s) URL; give the URL as the viewer requests it, starting with https:// or http://",
            quoted_unless_key(input)
        );
    }
    Ok(())
}

/// `input` quoted and sanitised for a message, or `(not shown: it looks like key
/// material)` when it may be a line of a private key (never echoed).
pub fn quoted_unless_key(input: &str) -> String {
    if cfsign::key::looks_like_key_material(input) {
        "(not shown: it looks like key material)".into()
    } else {
        format!("\"{}\"", sanitize(input))
    }
}

/// `-` as SIGNED_URL: the first non-blank line of standard input (`pbpaste | cfsign
/// verify - ...`); likewise with no SIGNED_URL (and no `--url` for cookies) when standard
/// input is not a terminal, as `cfsign sign` reads its URLs (`echo "$URL" | cfsign
/// verify ...`); anything else is returned as it is. An empty standard input without `-`
/// gives no URL (reported as a missing SIGNED_URL).
pub fn url_from_stdin(arg: Option<String>, cookies: &CookieArgs) -> Result<Option<String>> {
    let stdin_for_cookies = cookies
        .cookies_file
        .as_ref()
        .is_some_and(|p| p == Path::new("-"));
    let implicit = arg.is_none()
        && cookies.url.is_none()
        && !stdin_for_cookies
        && !std::io::stdin().is_terminal();
    if arg.as_deref() != Some("-") && !implicit {
        return Ok(arg);
    }
    if stdin_for_cookies {
        bail!("SIGNED_URL - and --cookies-file - cannot both read standard input");
    }
    let input = std::io::BufReader::new(super::secrets::NoKeyText::new(
        std::io::stdin(),
        "a signed URL",
    ));
    match first_line(input)? {
        Some(url) => Ok(Some(url)),
        None if implicit => Ok(None),
        None => bail!("SIGNED_URL -: standard input holds no URL"),
    }
}

/// The first non-blank line of `input` (trimmed, without a byte-order mark), read line by
/// line: the answer comes as soon as that line arrives, whatever follows it or however
/// long the writer keeps the input open; `None` when the input ends first. At most
/// [`cfsign::key::MAX_FILE_LEN`] bytes are read looking for it.
fn first_line(mut input: impl BufRead) -> Result<Option<String>> {
    let mut budget = cfsign::key::MAX_FILE_LEN;
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = std::io::Read::take(&mut input, budget)
            .read_until(b'\n', &mut line)
            .context("cannot read the signed URL from standard input")?;
        if n == 0 {
            if budget == 0 {
                bail!(
                    "SIGNED_URL -: no URL in the first {} KiB of standard input",
                    cfsign::key::MAX_FILE_LEN / 1024
                );
            }
            return Ok(None);
        }
        budget -= n as u64;
        let text = String::from_utf8_lossy(&line);
        let url = text.trim().trim_start_matches('\u{feff}').trim();
        if !url.is_empty() {
            return Ok(Some(url.to_string()));
        }
    }
}
