//! `cfsign verify`: would CloudFront serve this signed URL (or cookie set), and if not, why.

use std::collections::BTreeMap;
use std::io::Write;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use cfsign::verify::{self, RequestContext, TrustedKeys, Verdict, Verification};
use cfsign::{KeyPairId, PublicKey};
use clap::Args;

use super::Exit;
use super::hints;
use super::output::{json_terminal_safe, sanitize, verification_json};
use super::signed_input::{self, CookieArgs};
use super::terminal::{Format, FormatArgs};

pub const AFTER_HELP: &str = "\
Examples:
  URL=$(cat url.txt)          # a signed URL, as cfsign printed it
  cfsign verify \"$URL\" --public-key public_key.pem \\
      --key-pair-id K2JCJMDEHXQW5F
  cfsign verify \"$URL\" --key K2JCJMDEHXQW5F=old.pem \\
      --key K3NEWKEYEXAMPLE=new.pem --client-ip 203.0.113.7
  cfsign verify \"$URL\" --key-dir trusted-keys/ --format json \\
      --at 2026-01-01T12:00:00Z
  COOKIES=$(cfsign cookies 'https://d111111abcdef8.cloudfront.net/videos/*' \\
      --days 1 --format header)
  cfsign verify --url https://d111111abcdef8.cloudfront.net/videos/a.mp4 \\
      --cookie-header \"$COOKIES\" --public-key public_key.pem

Exit status:
  0  CloudFront would serve the request
  1  CloudFront would refuse it (403); the first line names its error code
     and the cause
  2  usage error (options, unreadable key, not a URL, bad time or IP)";

/// Arguments of `cfsign verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The signed URL, exactly as the viewer requests it (`-`, or none with standard input
    /// not a terminal: the first non-blank line of standard input, answered as soon as it
    /// arrives). With cookies, give --url instead.
    #[arg(value_name = "SIGNED_URL")]
    pub signed_url: Option<String>,

    #[command(flatten)]
    pub key_group: KeyArgs,

    /// The viewer's public IPv4 address, checked against the policy's IpAddress.
    #[arg(long, value_name = "IPV4", help_heading = "Request")]
    pub client_ip: Option<String>,

    /// The time of the request: Unix seconds, a date or RFC 3339 (default: now).
    #[arg(
        long,
        visible_alias = "now",
        value_name = "WHEN",
        help_heading = "Request"
    )]
    pub at: Option<String>,

    #[command(flatten)]
    pub cookies: CookieArgs,

    #[command(flatten)]
    pub output: FormatArgs,
}

/// The trusted key group: `--public-key` (+ `--key-pair-id`), `--key ID=PATH` repeated,
/// or `--key-dir` (shared by `verify` and `serve`).
#[derive(Debug, Args)]
pub struct KeyArgs {
    /// PEM public key (SPKI `PUBLIC KEY` or PKCS#1 `RSA PUBLIC KEY`) of the signing key.
    #[arg(long, value_name = "PATH", conflicts_with_all = ["keys", "key_dir"], help_heading = "Keys")]
    pub public_key: Option<PathBuf>,

    /// The ID the --public-key is registered under in CloudFront; other IDs are then
    /// InvalidKey. Without it any Key-Pair-Id is checked with the key.
    #[arg(
        long,
        value_name = "ID",
        requires = "public_key",
        help_heading = "Keys"
    )]
    pub key_pair_id: Option<String>,

    /// A public key of the trusted key group, as ID=PATH; repeat for each key.
    #[arg(long = "key", value_name = "ID=PATH", help_heading = "Keys")]
    pub keys: Vec<String>,

    /// A directory of trusted public keys named ID.pem (the key group).
    #[arg(long, value_name = "DIR", help_heading = "Keys")]
    pub key_dir: Option<PathBuf>,
}

/// Reads a public key file, naming it in errors.
fn load_key(path: &Path) -> Result<PublicKey> {
    Ok(PublicKey::from_pem_file(path)?)
}

pub fn trusted_keys(args: &KeyArgs) -> Result<TrustedKeys> {
    if let Some(path) = &args.public_key {
        let key_pair_id = args
            .key_pair_id
            .as_deref()
            .map(|id| KeyPairId::new(id).context("--key-pair-id"))
            .transpose()?
            .map(|id| id.to_string());
        return Ok(TrustedKeys::Single {
            key: load_key(path)?,
            key_pair_id,
        });
    }
    let mut group = BTreeMap::new();
    // Where each ID came from, to refuse an ID given twice (the last would silently win).
    let mut sources: BTreeMap<String, String> = BTreeMap::new();
    for spec in &args.keys {
        let (id, path) = spec.split_once('=').ok_or_else(|| {
            anyhow!("--key {spec:?} must be ID=PATH, for example K2JCJMDEHXQW5F=public_key.pem")
        })?;
        let id = KeyPairId::new(id).with_context(|| format!("--key {spec:?}"))?;
        if let Some(first) = sources.get(id.as_str()) {
            bail!(
                "key pair ID {id} is given twice (--key {first} and --key {spec}); give each ID once, with the public key registered under it"
            );
        }
        sources.insert(id.to_string(), spec.clone());
        group.insert(id.to_string(), load_key(Path::new(path))?);
    }
    if let Some(dir) = &args.key_dir {
        let entries = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read --key-dir {}", dir.display()))?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "pem"))
            .collect();
        paths.sort();
        for path in paths {
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            let id = KeyPairId::new(stem).with_context(|| {
                format!(
                    "--key-dir: {} must be named after its key pair ID (ID.pem)",
                    path.display()
                )
            })?;
            if let Some(first) = sources.get(id.as_str()) {
                bail!(
                    "key pair ID {id} is given twice (--key {first} and --key-dir file {}); give each ID once, with the public key registered under it",
                    path.display()
                );
            }
            group.insert(id.to_string(), load_key(&path)?);
        }
        if group.is_empty() {
            bail!("--key-dir {} holds no ID.pem public keys", dir.display());
        }
    }
    if group.is_empty() {
        bail!(
            "no public key: pass --public-key PATH [--key-pair-id ID], --key ID=PATH, or --key-dir DIR"
        );
    }
    Ok(TrustedKeys::Group(group))
}

fn context(args: &VerifyArgs) -> Result<RequestContext> {
    let at = super::time_options::time_or_clock(args.at.as_deref(), "--at")?;
    let client_ip = args
        .client_ip
        .as_deref()
        .map(|s| {
            s.trim().parse::<Ipv4Addr>().map_err(|_| {
                anyhow!(
                    "--client-ip {s:?} is not an IPv4 address (CloudFront policies match IPv4 only)"
                )
            })
        })
        .transpose()?;
    Ok(RequestContext { at, client_ip })
}

/// Runs `cfsign verify` and returns the exit status.
pub fn run(mut args: VerifyArgs) -> Result<Exit> {
    args.signed_url = signed_input::url_from_stdin(args.signed_url.take(), &args.cookies)?;
    if let Some(url) = &args.signed_url {
        signed_input::require_http_url("SIGNED_URL", url)?;
    }
    if let Some(url) = &args.cookies.url {
        signed_input::require_http_url("--url", url)?;
    }
    let ctx = context(&args)?;
    let keys = trusted_keys(&args.key_group)?;
    let cookies = signed_input::cookie_text(&args.cookies)?;
    let result = match (&cookies, &args.signed_url, &args.cookies.url) {
        (Some(text), None, Some(url)) => {
            let entries = cfsign::cookies::parse_cookie_entries(text).context("the cookies")?;
            if entries.is_empty() {
                bail!("no cookies found in the cookie input; give name=value pairs");
            }
            verify::verify_cookie_entries(&entries, url, &keys, ctx)
        }
        (Some(_), Some(_), _) => {
            bail!("give either a SIGNED_URL or cookies with --url, not both")
        }
        (None, Some(url), None) => verify::verify_url(url.trim(), &keys, ctx),
        (None, Some(_), Some(_)) => {
            bail!("--url is for cookies; with a signed URL, pass the URL alone")
        }
        (None, None, _) | (Some(_), None, None) => {
            bail!("no signed URL: give SIGNED_URL, or --cookie-header/--cookies-file with --url")
        }
    };
    // The verdict decides the exit status, even when the report cannot be written.
    let code = if result.serves() {
        Exit::Ok
    } else {
        Exit::Input
    };
    let mut out = super::terminal::stdout();
    let written = match args.output.format {
        Format::Json => writeln!(
            out,
            "{}",
            json_terminal_safe(&verification_json(&result).to_string())
        ),
        Format::Text => print_text(&mut out, &result, ctx),
    }
    .and_then(|()| out.flush());
    match written {
        Ok(()) => Ok(code),
        // `verify ... | head -0`: the reader left, but a script still needs the verdict
        // (1 = CloudFront would answer 403), not the quiet 0 of a closed pipe.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(code),
        Err(e) => Err(e.into()),
    }
}

fn print_text(out: &mut impl Write, v: &Verification, ctx: RequestContext) -> std::io::Result<()> {
    match &v.verdict {
        Verdict::Serve => writeln!(out, "OK: CloudFront would serve this request")?,
        Verdict::Refuse(reason) => {
            writeln!(
                out,
                "403 {}: {}",
                reason.code(),
                sanitize(&reason.to_string())
            )?;
            if let Some(signed_url) = reason.signed_url() {
                writeln!(out, "signed URL:     {}", sanitize(signed_url))?;
            }
            writeln!(out, "fix:            {}", hints::reason_fix(reason))?;
        }
    }
    writeln!(out, "URL requested:  {}", sanitize(&v.url))?;
    if let Some(id) = &v.key_pair_id {
        let alg = v
            .key_algorithm
            .map(|a| format!(" ({a} key)"))
            .unwrap_or_default();
        writeln!(out, "key pair ID:    {}{alg}", sanitize(id))?;
    }
    if let Some(t) = v.policy_type {
        writeln!(out, "policy:         {t}, {}", v.hash_algorithm)?;
    }
    if let Some(p) = &v.parsed_policy {
        let c = p.condition();
        match p.resource() {
            Some(r) => writeln!(out, "resource:       {}", sanitize(r))?,
            None => writeln!(
                out,
                "resource:       none (every object of every distribution that trusts the key)"
            )?,
        }
        writeln!(
            out,
            "expires:        {} ({})",
            cfsign::time::format_utc(c.date_less_than),
            cfsign::time::describe_relative(c.date_less_than, ctx.at)
        )?;
        if let Some(s) = c.date_greater_than {
            writeln!(
                out,
                "starts:         {} ({})",
                cfsign::time::format_utc(s),
                cfsign::time::describe_relative(s, ctx.at)
            )?;
        }
        if let Some(ip) = c.ip_address {
            writeln!(out, "IP range:       {ip}")?;
        }
    }
    for note in &v.notes {
        writeln!(
            out,
            "note:           {}",
            sanitize(&hints::verify_note(note))
        )?;
    }
    Ok(())
}
