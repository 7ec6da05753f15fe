//! The key options of the signing commands (`--private-key`, `--key-pair-id`,
//! `--passphrase-file`, `--hash-algorithm`) and their environment variables: the key
//! text, its passphrase (file, variable or prompt), the key pair ID, and the signer.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow, bail};
use cfsign::{HashAlgorithm, KeyPairId, PrivateKey, Signer};
use clap::Args;
use zeroize::Zeroizing;

use super::terminal::{Said, stderr_line};
use super::{Exit, Failed};

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

/// An environment variable's value; unset and empty (or blank) are the same, as CI
/// systems set unset secrets to the empty string.
pub fn env_value(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Whether the key is read from standard input (`--private-key -`).
pub fn key_from_stdin(args: &KeyArgs) -> bool {
    args.private_key.as_deref() == Some(std::path::Path::new("-"))
}

/// The key pair ID from `--key-pair-id` or CFSIGN_KEY_PAIR_ID, checked. Reads no key
/// and prints nothing: a warning or note on the ID goes to `said`.
pub fn key_pair_id(args: &KeyArgs, said: &mut Vec<Said>) -> Result<KeyPairId> {
    let id = args
        .key_pair_id
        .clone()
        .or_else(|| env_value("CFSIGN_KEY_PAIR_ID"))
        .ok_or_else(|| {
            anyhow!("no key pair ID: pass --key-pair-id ID or set CFSIGN_KEY_PAIR_ID")
        })?;
    let id = KeyPairId::new(&id).context("--key-pair-id")?;
    if id.looks_like_access_key() {
        said.push(Said::Warning(format!(
            "key pair ID {id} looks like an IAM access key ID; CloudFront wants the ID of the public key in your key group"
        )));
    } else if id.as_str().bytes().any(|b| b.is_ascii_lowercase()) {
        said.push(Said::Note(format!(
            "key pair ID {id} has lower-case letters; CloudFront's key IDs are upper case ({}), and the ID is sent as written",
            id.as_str().to_ascii_uppercase()
        )));
    }
    Ok(id)
}

/// Loads the key the options name (it may prompt for a passphrase or PIN) and builds the
/// signer for `id`. A warning on the key file goes to `said`.
pub fn signer(args: &KeyArgs, id: KeyPairId, said: &mut Vec<Said>) -> Result<Signer> {
    let key = super::key_source::signing_key(args, said)?;
    super::key_source::apply_hash(Signer::with_signing_key(key, id), args.hash_algorithm)
}

/// Loads the PEM private key the options name (a file, standard input,
/// CFSIGN_PRIVATE_KEY, or a secret in Secrets Manager or SSM). A warning on the key
/// file's permissions goes to `said`.
pub fn private_key(args: &KeyArgs, said: &mut Vec<Said>) -> Result<PrivateKey> {
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
        warn_if_others_can_read(&path, said);
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
            Err(Failed::reported(Exit::Interrupted))
        }
        Err(e) => Err(e).context("cannot read the passphrase from the terminal"),
    }
}

/// Warns (on `said`), as ssh does, when a private key file can be read or changed by
/// other users (any group or other permission bit).
/// Under `--strict` this is an error, like every warning.
fn warn_if_others_can_read(path: &std::path::Path, said: &mut Vec<Said>) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let Ok(meta) = std::fs::metadata(path) else {
            return;
        };
        let mode = meta.permissions().mode() & 0o777;
        if meta.is_file() && mode & 0o077 != 0 {
            said.push(Said::Warning(format!(
                "private key {} is accessible by other users (mode {mode:04o}); protect it with `chmod 600 {}`",
                path.display(),
                path.display()
            )));
        }
    }
    #[cfg(not(unix))]
    let _ = (path, said);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Loading a key file that other users can read returns the warning in `said`
    /// (printed by the command, an error under `--strict`) and still gives the signer.
    #[cfg(unix)]
    #[test]
    fn signer_returns_the_warning_on_a_key_others_can_read() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key.pem");
        let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/keys/private_key.pem");
        std::fs::copy(demo, &path).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let args = KeyArgs {
            key_pair_id: Some("KDEMOEXAMPLE01".into()),
            private_key: Some(path.clone()),
            passphrase_file: None,
            hash_algorithm: None,
        };
        let mut said = Vec::new();
        let id = key_pair_id(&args, &mut said).unwrap();
        assert_eq!(said, []);
        let built = signer(&args, id, &mut said).unwrap();
        assert_eq!(built.key_pair_id().as_str(), "KDEMOEXAMPLE01");
        let shown = path.display();
        assert_eq!(
            said,
            [Said::Warning(format!(
                "private key {shown} is accessible by other users (mode 0644); protect it with `chmod 600 {shown}`"
            ))]
        );

        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let mut said = Vec::new();
        signer(&args, KeyPairId::new("KDEMOEXAMPLE01").unwrap(), &mut said).unwrap();
        assert_eq!(said, []);
    }
}
