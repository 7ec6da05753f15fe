//! Options shared by the signing commands: key, key pair ID, times, policy, output.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result, anyhow, bail};
use cfsign::{
    Condition, HashAlgorithm, KeyPairId, PolicyMode, PrivateKey, RawPolicy, Signer, SourceIp,
};
use clap::{Args, ValueEnum};
use zeroize::Zeroizing;

use super::{CliHint, EXIT_INPUT, Reported};

/// Key and key pair ID options.
#[derive(Debug, Args)]
#[command(next_help_heading = "Key")]
pub struct KeyArgs {
    /// CloudFront public key ID (from a trusted key group), for example K2JCJMDEHXQW5F
    /// [env: CFSIGN_KEY_PAIR_ID].
    #[arg(long, value_name = "ID")]
    pub key_pair_id: Option<String>,

    /// PEM private key file (PKCS#1, PKCS#8, encrypted PKCS#8 or SEC1; RSA 2048 or ECDSA
    /// P-256); `-` reads it from standard input, to its end [env: CFSIGN_PRIVATE_KEY_FILE].
    /// As in the AWS CLI, file://PATH and fileb://PATH name the file PATH. Without either,
    /// CFSIGN_PRIVATE_KEY may hold the PEM text itself (or its base64). Empty variables
    /// count as unset. Only regular files are read (not FIFOs or devices). Keys held
    /// elsewhere: kms:KEY-ID|ARN|alias/NAME (AWS KMS, SHA-256), pkcs11:token=T;object=K
    /// (RFC 7512), secretsmanager:NAME-OR-ARN, ssm:/PARAMETER/NAME (features `aws`,
    /// `pkcs11`).
    #[arg(long, value_name = "PATH")]
    pub private_key: Option<PathBuf>,

    /// File holding the passphrase of an encrypted key (first line); `-` reads the first
    /// line of standard input. Without it: CFSIGN_PRIVATE_KEY_PASSPHRASE, else a prompt
    /// when standard input is a terminal.
    #[arg(long, value_name = "PATH")]
    pub passphrase_file: Option<PathBuf>,

    /// Hash algorithm signed over the policy. Default: sha1 for RSA keys (CloudFront's
    /// default), sha256 for ECDSA keys. sha256 adds Hash-Algorithm=SHA256.
    #[arg(long, value_name = "ALG", value_parser = parse_hash)]
    pub hash_algorithm: Option<HashAlgorithm>,
}

fn parse_hash(s: &str) -> std::result::Result<HashAlgorithm, String> {
    s.parse()
}

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

/// Policy options.
#[derive(Debug, Args)]
#[command(next_help_heading = "Policy")]
pub struct PolicyArgs {
    /// Policy type: auto uses a custom policy exactly when needed (a wildcard resource,
    /// a start time or an IP range); canned refuses those.
    #[arg(long = "policy", value_name = "TYPE", default_value = "auto", value_parser = parse_mode)]
    pub mode: PolicyMode,

    /// Only viewers from this IPv4 address or CIDR range (IpAddress, AWS:SourceIp); a bare
    /// address means /32. Needs a custom policy.
    #[arg(long, value_name = "CIDR")]
    pub ip_address: Option<String>,
}

fn parse_mode(s: &str) -> std::result::Result<PolicyMode, String> {
    s.parse()
}

/// Output format of `sign`, `verify` and `inspect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people and pipes: signed URLs one per line, or a readable report.
    Text,
    /// For programs: one JSON object per URL and line (schema_version 1).
    Json,
}

/// Collapses a message onto one line (control characters escaped), so that each error
/// is one line whatever the input held.
pub fn one_line(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

/// A note on stderr when `input` (given to `option`, read as `t`) was written without a
/// UTC offset and the local time zone (`TZ`, else the system's) is not UTC at that time:
/// the time was read as UTC, which is another wall-clock time here.
pub fn note_local_time(option: &str, input: &str, t: i64) {
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
    stderr_line(&format!(
        "cfsign: note: {option} {} has no UTC offset, so it is read as UTC: {} is {} local time{instead}",
        one_line(&format!("{input:?}")),
        cfsign::time::format_utc(t),
        local.format("%Y-%m-%d %H:%M:%S %:z"),
    ));
}

/// Writes `line` and a line break to stderr in one write. A closed or full stderr is
/// ignored (`eprintln!` would panic): the exit status still tells what happened, and a
/// message nobody can read must not stop the work.
pub fn stderr_line(line: &str) {
    // A PKCS#11 PIN written where cfsign did not expect it is never printed.
    let line = cfsign::key_source::redact_pins_in_text(line);
    let mut text = String::with_capacity(line.len() + 1);
    text.push_str(&line);
    text.push('\n');
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

/// Standard output for results. Its write errors name it ("standard output: No space left
/// on device") and keep their kind, so a closed pipe (`| head -1`) still ends quietly.
pub struct Stdout(io::StdoutLock<'static>);

/// Locks standard output for a command's results.
pub fn stdout() -> Stdout {
    Stdout(io::stdout().lock())
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf).map_err(stdout_error)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.0.write_all(buf).map_err(stdout_error)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().map_err(stdout_error)
    }
}

/// `e` with a message naming standard output, without the "(os error N)" suffix.
fn stdout_error(e: io::Error) -> io::Error {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return e;
    }
    let text = e.to_string();
    let reason = match text.rfind(" (os error ") {
        Some(i) if text.ends_with(')') => &text[..i],
        _ => text.as_str(),
    };
    io::Error::new(e.kind(), format!("standard output: {reason}"))
}

/// Whether standard output was closed when cfsign started (`cfsign ... >&-`). The Rust
/// runtime reopens a closed descriptor 0-2 on `/dev/null` for reading and writing, so
/// every write would "succeed" and the output be lost without a word; a shell redirect to
/// `/dev/null` opens it write-only and is not affected. A `/dev/null` opened for reading
/// and writing by the caller (Python's `subprocess.DEVNULL`, systemd's `null`) looks the
/// same, so only the commands whose product is their output refuse it. Linux only (it
/// reads `/proc`).
pub fn stdout_was_closed() -> bool {
    #[cfg(target_os = "linux")]
    {
        let is_dev_null = std::fs::read_link("/proc/self/fd/1")
            .is_ok_and(|target| target == std::path::Path::new("/dev/null"));
        if !is_dev_null {
            return false;
        }
        // `flags:` is octal; the access mode is its low two bits (2: O_RDWR).
        let info = std::fs::read_to_string("/proc/self/fdinfo/1").unwrap_or_default();
        info.lines()
            .find_map(|l| l.strip_prefix("flags:"))
            .and_then(|f| u32::from_str_radix(f.trim(), 8).ok())
            .is_some_and(|flags| flags & 3 == 2)
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

/// Whether `--strict` was given: every warning is then an error.
static STRICT: AtomicBool = AtomicBool::new(false);

/// Turns `--strict` on or off for this process (set once, before any warning).
pub fn set_strict(on: bool) {
    STRICT.store(on, Ordering::Relaxed);
}

/// Whether `--strict` is on.
pub fn strict() -> bool {
    STRICT.load(Ordering::Relaxed)
}

/// The hint shown when `--strict` turns a warning into an error.
pub const STRICT_HINT: &str = "--strict makes every warning an error: change the input as the warning says, or leave out --strict to sign it with the warning";

/// Prints a warning line on stderr, whatever `--strict` says (for warnings already
/// sorted out by the caller).
pub fn print_warning(msg: &str) {
    stderr_line(&format!("cfsign: warning: {}", one_line(msg)));
}

/// Prints a warning line on stderr. Under `--strict` it is reported as an error instead,
/// and the returned error ([`Reported`], exit 1) stops the command: callers propagate it
/// with `?`, so every warning, new ones included, obeys `--strict`.
pub fn warn(msg: &str) -> Result<()> {
    if strict() {
        stderr_line(&format!("cfsign: error: --strict: {}", one_line(msg)));
        stderr_line(&format!("hint: {STRICT_HINT}"));
        return Err(Reported(EXIT_INPUT).into());
    }
    print_warning(msg);
    Ok(())
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
/// day), and checks it is later than now.
pub fn expiry(args: &TimeArgs, now: i64) -> Result<i64> {
    let expires = if let Some(d) = &args.days {
        let days: i64 = d.trim().parse().map_err(|_| {
            anyhow!(
                "--days {d:?} is not a whole number of days; use --expires-in for hours or minutes"
            )
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
        note_local_time("--date-less-than", w, t);
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

/// Builds the policy condition from the time and policy options.
pub fn condition(time: &TimeArgs, policy: &PolicyArgs, now: i64) -> Result<Condition> {
    let date_less_than = expiry(time, now)?;
    let date_greater_than = time
        .date_greater_than
        .as_deref()
        .map(|w| {
            let t = cfsign::time::parse_time(w).context("--date-greater-than")?;
            note_local_time("--date-greater-than", w, t);
            Ok::<_, anyhow::Error>(t)
        })
        .transpose()?;
    let ip_address = policy
        .ip_address
        .as_deref()
        .map(|s| s.trim().parse::<SourceIp>().context("--ip-address"))
        .transpose()?;
    if let Some(ip) = ip_address
        && ip.prefix() == 0
    {
        warn(&format!(
            "--ip-address {ip} matches every IPv4 address: the condition restricts nothing; give the viewers' range (for example 203.0.113.0/24) or leave --ip-address out"
        ))?;
    } else if let Some(ip) = ip_address
        && ip.is_non_public()
    {
        warn(&format!(
            "--ip-address {ip} is a loopback or private range; CloudFront sees the viewer's public address, so requests will be refused"
        ))?;
    }
    if let Some(ip) = ip_address
        && ip.has_host_bits()
        && ip.prefix() != 0
    {
        warn(&format!(
            "--ip-address {ip} has bits set past the /{} prefix: it is signed as written and covers the whole range; write the range's first address to make that plain",
            ip.prefix()
        ))?;
    }
    let condition = Condition {
        date_less_than,
        date_greater_than,
        ip_address,
    };
    condition
        .validate_for_signing()
        .map_err(|e| name_time_options(e, time))?;
    Ok(condition)
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
fn name_time_options(e: cfsign::Error, time: &TimeArgs) -> anyhow::Error {
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

/// Refuses, before any URL is read, policy options that fail for every URL: an invalid
/// `--policy-resource`, and `--policy canned` with a wildcard resource, a start time or
/// an IP range (rules R4, R5). These are configuration errors, not bad inputs.
pub fn check_policy_options(
    resource: Option<&str>,
    condition: &Condition,
    mode: PolicyMode,
) -> Result<()> {
    if let Some(r) = resource {
        cfsign::policy::check_resource(r).context("--policy-resource")?;
    }
    if mode == PolicyMode::Canned {
        let pattern = resource.is_some_and(|r| cfsign::policy::is_pattern(r, None));
        cfsign::policy::choose_type(pattern, condition, mode).context("--policy canned")?;
    }
    Ok(())
}

/// Reads a policy file, keeping its bytes exactly, and checks it is not expired.
pub fn policy_file(path: &std::path::Path, now: i64) -> Result<RawPolicy> {
    let bytes = cfsign::key::read_small_file(path, "policy file")?;
    let raw = RawPolicy::new(bytes).with_context(|| format!("policy file {}", path.display()))?;
    check_not_expired(raw.policy().condition().date_less_than, now)?;
    Ok(raw)
}

/// An environment variable's value; unset and empty (or blank) are the same, as CI
/// systems set unset secrets to the empty string.
pub fn env_value(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Whether the key is read from standard input (`--private-key -`).
pub fn key_from_stdin(args: &KeyArgs) -> bool {
    args.private_key.as_deref() == Some(std::path::Path::new("-"))
}

/// Loads the key and key pair ID and builds the signer.
pub fn signer(args: &KeyArgs) -> Result<Signer> {
    let id = args
        .key_pair_id
        .clone()
        .or_else(|| env_value("CFSIGN_KEY_PAIR_ID"))
        .ok_or_else(|| {
            anyhow!("no key pair ID: pass --key-pair-id ID or set CFSIGN_KEY_PAIR_ID")
        })?;
    let id = KeyPairId::new(&id).context("--key-pair-id")?;
    if id.looks_like_access_key() {
        warn(&format!(
            "key pair ID {id} looks like an IAM access key ID; CloudFront wants the ID of the public key in your key group"
        ))?;
    } else if id.as_str().bytes().any(|b| b.is_ascii_lowercase()) {
        stderr_line(&format!(
            "cfsign: note: key pair ID {id} has lower-case letters; CloudFront's key IDs are upper case ({}), and the ID is sent as written",
            id.as_str().to_ascii_uppercase()
        ));
    }
    let key = super::key_source::signing_key(args)?;
    super::key_source::apply_hash(Signer::with_signing_key(key, id), args.hash_algorithm)
}

/// Loads the PEM private key the options name (a file, standard input,
/// CFSIGN_PRIVATE_KEY, or a secret in Secrets Manager or SSM).
pub fn private_key(args: &KeyArgs) -> Result<PrivateKey> {
    let (text, source) = key_text(args)?;
    let passphrase = if PrivateKey::pem_is_encrypted(&text) {
        passphrase(args, &source)?
    } else {
        None
    };
    let key = PrivateKey::from_pem(&text, passphrase.as_ref().map(|p| p.as_bytes()), &source)?;
    if let Some(path) = args
        .private_key
        .clone()
        .or_else(|| env_value("CFSIGN_PRIVATE_KEY_FILE").map(PathBuf::from))
        .filter(|_| !key_from_stdin(args) && super::key_source::remote_source(args).is_none())
        .map(key_path)
    {
        warn_if_others_can_read(&path)?;
    }
    Ok(key)
}

/// `text`, or the PEM inside it when it is base64-wrapped PEM (a common way to keep a
/// multi-line secret).
fn unwrap_base64(text: Zeroizing<Vec<u8>>) -> Zeroizing<Vec<u8>> {
    cfsign::key_source::unwrap_base64_pem(&text).unwrap_or(text)
}

/// A key path as the AWS CLI takes it: `file://key.pem` and `fileb://key.pem` name the
/// file `key.pem`. (The key text itself as the value is refused before parsing, by
/// `secrets`.)
fn key_path(path: PathBuf) -> PathBuf {
    let Some(text) = path.to_str() else {
        return path;
    };
    match text
        .strip_prefix("file://")
        .or_else(|| text.strip_prefix("fileb://"))
    {
        Some(rest) => PathBuf::from(rest),
        None => path,
    }
}

fn key_text(args: &KeyArgs) -> Result<(Zeroizing<Vec<u8>>, String)> {
    let from_env_file = || env_value("CFSIGN_PRIVATE_KEY_FILE").map(PathBuf::from);
    if let Some(path) = args.private_key.clone().or_else(from_env_file) {
        let path = key_path(path);
        if key_from_stdin(args) {
            let source = "standard input";
            let buf = cfsign::key::read_small(std::io::stdin(), "private key", source)?;
            return Ok((Zeroizing::new(buf), "private key on standard input".into()));
        }
        if args.private_key.is_none() && Zeroizing::new(env_value("CFSIGN_PRIVATE_KEY")).is_some() {
            bail!(
                "both CFSIGN_PRIVATE_KEY_FILE and CFSIGN_PRIVATE_KEY are set, so the key to use is unclear: unset one, or pass --private-key"
            );
        }
        if let Some(source) = super::key_source::remote_source(args) {
            let text = super::key_source::fetch_secret(&source)?;
            return Ok((unwrap_base64(text), source.to_string()));
        }
        let bytes = cfsign::key::read_small_file(&path, "private key")
            .map_err(|e| unless_a_path(e, &path))?;
        return Ok((Zeroizing::new(bytes), path.display().to_string()));
    }
    match env_value("CFSIGN_PRIVATE_KEY") {
        Some(text) => Ok((
            unwrap_base64(Zeroizing::new(text.into_bytes())),
            "CFSIGN_PRIVATE_KEY".into(),
        )),
        None => bail!(
            "no private key: pass --private-key PATH, or set CFSIGN_PRIVATE_KEY_FILE (a path) or CFSIGN_PRIVATE_KEY (the PEM text)"
        ),
    }
}

/// A read error for a `--private-key` value that does not look like a path: it has
/// white space, no `/` and no file extension (`hunter2 secret`), so it may be a
/// passphrase or other secret typed in the wrong place, and it is not shown. Ordinary
/// file names (`my key.pem`, `key`, `./keys/k`) are still quoted.
fn unless_a_path(e: cfsign::Error, path: &std::path::Path) -> anyhow::Error {
    let text = path.to_string_lossy();
    let has_extension = text.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty()
            && (1..=5).contains(&ext.len())
            && ext.bytes().all(|b| b.is_ascii_alphanumeric())
    });
    let looks_like_a_path =
        !text.contains(char::is_whitespace) || text.contains(['/', '\\']) || has_extension;
    match e {
        cfsign::Error::Read { what, reason, .. } if !looks_like_a_path => anyhow!(
            "cannot read {what}: {reason} (the value is not shown: with spaces, no '/' and no file extension it does not look like a path, and may be a secret typed in the wrong place)"
        ),
        other => other.into(),
    }
}

/// Asks for a passphrase on the terminal, without echo.
///
/// On Ctrl-C, rpassword raises SIGINT before it restores the terminal, so the default
/// action ended the process with echo still off (the shell then showed nothing typed).
/// While the prompt is up SIGINT only sets a flag: rpassword returns `Interrupted` and
/// restores the terminal, and cfsign exits with 130, as an interrupted program does.
/// (A Ctrl-C in the instant between the prompt being printed and echo going off is a
/// real SIGINT from the terminal: it is caught by the same flag, and the prompt goes on.)
pub fn prompt_passphrase(prompt: &str) -> Result<Zeroizing<String>> {
    #[cfg(unix)]
    let handler = signal_hook::flag::register(
        signal_hook::consts::SIGINT,
        std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
    )
    .ok();
    let read = rpassword::prompt_password(prompt);
    #[cfg(unix)]
    if let Some(id) = handler {
        signal_hook::low_level::unregister(id);
    }
    match read {
        Ok(p) => Ok(Zeroizing::new(p)),
        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
            stderr_line("");
            Err(super::Reported(130).into())
        }
        Err(e) => Err(e).context("cannot read the passphrase from the terminal"),
    }
}

/// Warns, as ssh does, when a private key file can be read or changed by other users
/// (any group or other permission bit).
/// Under `--strict` this is an error, like every warning.
fn warn_if_others_can_read(path: &std::path::Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let Ok(meta) = std::fs::metadata(path) else {
            return Ok(());
        };
        let mode = meta.permissions().mode() & 0o777;
        if meta.is_file() && mode & 0o077 != 0 {
            warn(&format!(
                "private key {} is accessible by other users (mode {mode:04o}); protect it with `chmod 600 {}`",
                path.display(),
                path.display()
            ))?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// A passphrase as every source gives it (file, `-`, environment, prompt): without a
/// leading UTF-8 byte-order mark (Notepad writes one) and one trailing line end (CR LF,
/// LF or CR).
pub fn clean_passphrase(text: &str) -> Zeroizing<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .or_else(|| text.strip_suffix('\r'))
        .unwrap_or(text);
    Zeroizing::new(text.to_string())
}

/// `CFSIGN_PRIVATE_KEY_PASSPHRASE`, cleaned as every passphrase source is
/// ([`clean_passphrase`]).
pub fn env_passphrase() -> Option<Zeroizing<String>> {
    env_value("CFSIGN_PRIVATE_KEY_PASSPHRASE")
        .map(Zeroizing::new)
        .map(|p| clean_passphrase(&p))
}

/// The first line of a passphrase file, or of standard input for `-` (only that line is
/// read: URLs or cookies read from standard input start at its second line). Errors never
/// show the path: a user may have typed the passphrase itself where the path belongs.
pub fn passphrase_file(path: &std::path::Path) -> Result<Zeroizing<String>> {
    if path == std::path::Path::new("-") {
        let mut line = Zeroizing::new(String::with_capacity(1024));
        std::io::BufRead::read_line(&mut std::io::stdin().lock(), &mut line)
            .context("cannot read the passphrase from standard input (--passphrase-file -)")?;
        if line.is_empty() {
            bail!(
                "--passphrase-file -: standard input is empty; give the passphrase on its first line"
            );
        }
        return Ok(clean_passphrase(&line));
    }
    let bytes = cfsign::key::read_small_file(path, "passphrase file").map_err(|e| match e {
        cfsign::Error::Read { reason, .. } => anyhow!(
            "cannot read the --passphrase-file: {reason} (its value is not shown, in case it is the passphrase itself)"
        ),
        other => other.into(),
    })?;
    let bytes = Zeroizing::new(bytes);
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| anyhow!("the --passphrase-file is not UTF-8 text"))?;
    let first_line = text.split_inclusive('\n').next().unwrap_or_default();
    Ok(clean_passphrase(first_line))
}

fn passphrase(args: &KeyArgs, source: &str) -> Result<Option<Zeroizing<String>>> {
    if let Some(path) = &args.passphrase_file {
        if path == std::path::Path::new("-") && key_from_stdin(args) {
            bail!(
                "--passphrase-file - and --private-key - both read standard input; give the passphrase in a file or in CFSIGN_PRIVATE_KEY_PASSPHRASE"
            );
        }
        return passphrase_file(path).map(Some);
    }
    if let Some(p) = env_passphrase() {
        return Ok(Some(p));
    }
    if std::io::stdin().is_terminal() && !key_from_stdin(args) {
        return prompt_passphrase(&format!("Passphrase for {source}: "))
            .map(|p| Some(clean_passphrase(&p)));
    }
    Ok(None)
}
