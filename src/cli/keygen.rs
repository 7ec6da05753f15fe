//! `cfsign keygen`: a new key pair CloudFront accepts, written as PEM files.

use std::fs::OpenOptions;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use cfsign::{KeyAlgorithm, PrivateKey};
use clap::{Args, ValueEnum};
use zeroize::Zeroizing;

use super::Exit;
use super::{key_options, terminal};

pub const AFTER_HELP: &str = "\
Examples:
  cfsign keygen            # RSA 2048: ./private_key.pem, ./public_key.pem
  cfsign keygen --type ecdsa --out-dir cf-keys/
  cfsign keygen --encrypt --passphrase-file pass.txt --out-dir cf-keys/

Exit status:
  0  both files written
  2  usage error, a file already exists (nothing is overwritten without
     --force), or a file could not be written";

/// The key type to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeyType {
    /// RSA with a 2048-bit modulus (CloudFront's most common key).
    Rsa,
    /// ECDSA on the P-256 curve (smaller signatures and URLs).
    Ecdsa,
}

/// Arguments of `cfsign keygen`.
#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Key type.
    #[arg(long = "type", value_enum, ignore_case = true, default_value = "rsa")]
    pub key_type: KeyType,

    /// Directory for private_key.pem and public_key.pem (created if missing).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out_dir: PathBuf,

    /// Replace existing private_key.pem / public_key.pem.
    #[arg(long)]
    pub force: bool,

    /// Encrypt the private key (PKCS#8, PBES2) with a passphrase.
    #[arg(long)]
    pub encrypt: bool,

    /// File holding the passphrase (first line); `-` reads the first line of standard
    /// input. Without it: CFSIGN_PRIVATE_KEY_PASSPHRASE, else a prompt when standard input
    /// is a terminal.
    #[arg(long, value_name = "PATH", requires = "encrypt")]
    pub passphrase_file: Option<PathBuf>,
}

fn passphrase(args: &KeygenArgs) -> Result<Zeroizing<String>> {
    let pass = if let Some(path) = &args.passphrase_file {
        key_options::passphrase_file(path)?
    } else if let Some(p) = key_options::env_passphrase() {
        p
    } else if std::io::stdin().is_terminal() {
        let first = key_options::prompt_passphrase("Passphrase for the new private key: ")?;
        let first = key_options::clean_passphrase(&first);
        let again = key_options::prompt_passphrase("Same passphrase again: ")?;
        let again = key_options::clean_passphrase(&again);
        if *first != *again {
            bail!("the two passphrases differ; nothing was written");
        }
        first
    } else {
        bail!(
            "--encrypt needs a passphrase: pass --passphrase-file PATH or set CFSIGN_PRIVATE_KEY_PASSPHRASE (standard input is not a terminal)"
        );
    };
    if pass.is_empty() {
        bail!("the passphrase is empty; choose a non-empty one");
    }
    Ok(pass)
}

/// A file written under a temporary name next to its final path, not yet in place. The
/// temporary file is removed when this is dropped, so a failure leaves nothing behind.
struct Staged {
    tmp: PathBuf,
    target: PathBuf,
}

impl Drop for Staged {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// `path` with `.SUFFIX-PID` appended to its file name.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{suffix}-{}", std::process::id()));
    path.with_file_name(name)
}

/// Writes `contents` with `mode` (Unix) to a new temporary file next to `path`.
fn stage(path: &Path, contents: &[u8], mode: u32) -> Result<Staged> {
    let tmp = sibling(path, "tmp");
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options
        .open(&tmp)
        .with_context(|| format!("cannot create {}", tmp.display()))?;
    let staged = Staged {
        tmp,
        target: path.to_path_buf(),
    };
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", staged.tmp.display()))?;
    Ok(staged)
}

/// A target that was put in place, and how to undo it.
struct Installed<'a> {
    target: &'a Path,
    /// A hard link to the file it replaced (`--force`), restored on undo.
    backup: Option<PathBuf>,
}

impl Installed<'_> {
    fn undo(self) {
        match self.backup {
            Some(backup) => {
                let _ = std::fs::rename(backup, self.target);
            }
            None => {
                let _ = std::fs::remove_file(self.target);
            }
        }
    }

    fn commit(self) {
        if let Some(backup) = self.backup {
            let _ = std::fs::remove_file(backup);
        }
    }
}

/// Puts one staged file in place: without `force` never over an existing file (a hard link
/// fails if the name exists); with `force` replacing it atomically, keeping a link to the
/// old file so that it can be restored.
fn install(staged: &Staged, force: bool) -> Result<Installed<'_>> {
    let target = staged.target.as_path();
    let exists = || {
        anyhow::anyhow!(
            "{} already exists; pass --force to replace it (nothing was written)",
            target.display()
        )
    };
    if !force {
        match std::fs::hard_link(&staged.tmp, target) {
            Ok(()) => {
                return Ok(Installed {
                    target,
                    backup: None,
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(exists()),
            // A file system without hard links: check, then rename.
            Err(_) if target.symlink_metadata().is_ok() => return Err(exists()),
            Err(_) => {}
        }
    }
    let backup = if force && target.symlink_metadata().is_ok() {
        let backup = sibling(target, "old");
        std::fs::hard_link(target, &backup).ok().map(|()| backup)
    } else {
        None
    };
    if let Err(e) = std::fs::rename(&staged.tmp, target) {
        if let Some(b) = &backup {
            let _ = std::fs::remove_file(b);
        }
        return Err(anyhow::Error::new(e).context(format!("cannot write {}", target.display())));
    }
    Ok(Installed { target, backup })
}

/// Puts both key files in place, or neither: a target that is not a regular file (a
/// directory in the way) is refused before anything moves, and when the second file cannot
/// be put in place the first is restored (or removed).
fn install_pair(private: &Staged, public: &Staged, force: bool) -> Result<()> {
    for staged in [private, public] {
        let target = &staged.target;
        if let Ok(meta) = target.symlink_metadata()
            && !(meta.is_file() || meta.is_symlink())
        {
            bail!(
                "{} exists and is not a regular file; move it away (nothing was written)",
                target.display()
            );
        }
    }
    let first = install(private, force)?;
    match install(public, force) {
        Ok(second) => {
            first.commit();
            second.commit();
            Ok(())
        }
        Err(e) => {
            first.undo();
            Err(e.context(format!("{} was left as it was", private.target.display())))
        }
    }
}

/// Runs `cfsign keygen` and returns the exit status.
pub fn run(args: KeygenArgs) -> Result<Exit> {
    let dir = &args.out_dir;
    let private_path = dir.join("private_key.pem");
    let public_path = dir.join("public_key.pem");
    let config_path = dir.join(PUBLIC_KEY_CONFIG);
    if !args.force {
        for p in [&private_path, &public_path, &config_path] {
            if p.exists() {
                bail!(
                    "{} already exists; pass --force to replace it (nothing was written)",
                    p.display()
                );
            }
        }
    }
    let pass = if args.encrypt {
        Some(passphrase(&args)?)
    } else {
        None
    };
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create --out-dir {}", dir.display()))?;
    let algorithm = match args.key_type {
        KeyType::Rsa => KeyAlgorithm::Rsa2048,
        KeyType::Ecdsa => KeyAlgorithm::EcdsaP256,
    };
    let key = PrivateKey::generate(algorithm)?;
    let private_pem = key.to_pkcs8_pem(pass.as_ref().map(|p| p.as_bytes()))?;
    let public_pem = key.public_key().to_pem()?;
    let private = stage(&private_path, private_pem.as_bytes(), 0o600)?;
    let public = stage(&public_path, public_pem.as_bytes(), 0o644)?;
    install_pair(&private, &public, args.force)?;
    let config = public_key_config(&public_pem, cfsign::time::now());
    let staged = stage(&config_path, config.as_bytes(), 0o644)?;
    install(&staged, args.force)
        .with_context(|| {
            format!(
                "the keys were written to {} and {}, but not {}",
                private_path.display(),
                public_path.display(),
                config_path.display()
            )
        })?
        .commit();
    let encrypted = if args.encrypt { "encrypted " } else { "" };
    let paths = Paths {
        private: &private_path,
        public: &public_path,
        config: &config_path,
    };
    let mut out = terminal::stdout();
    next_steps(&mut out, algorithm, encrypted, &paths)
        .and_then(|()| out.flush())
        .with_context(|| {
            format!(
                "the keys were written to {} and {}, but the next steps could not be printed",
                private_path.display(),
                public_path.display()
            )
        })?;
    Ok(Exit::Ok)
}

/// The file next to the keys that `aws cloudfront create-public-key --public-key-config
/// file://...` reads.
const PUBLIC_KEY_CONFIG: &str = "public_key_config.json";

/// The `PublicKeyConfig` of `aws cloudfront create-public-key` for this public key:
/// `CallerReference` and `Name` from the creation time (UTC), so that each new key gets
/// its own, and the PEM text as `EncodedKey`.
pub(super) fn public_key_config(public_pem: &str, now: i64) -> String {
    let stamp: String = cfsign::time::format_utc(now)
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let name = match stamp.split_at_checked(8) {
        Some((date, time)) => format!("cfsign-{date}-{time}"),
        None => format!("cfsign-{now}"),
    };
    let config = serde_json::json!({
        "CallerReference": name,
        "Name": name,
        "EncodedKey": public_pem,
        "Comment": "created by cfsign keygen",
    });
    // A Value holding only strings always serialises.
    let mut text = serde_json::to_string_pretty(&config).unwrap_or_default();
    text.push('\n');
    text
}

/// The three files keygen writes.
struct Paths<'a> {
    private: &'a Path,
    public: &'a Path,
    config: &'a Path,
}

/// `path` as one shell word: as it is when it holds only safe characters, else in single
/// quotes.
fn shell_word(path: &Path) -> String {
    let text = path.display().to_string();
    let safe = |c: char| c.is_ascii_alphanumeric() || "_-./:=+@%,".contains(c);
    if !text.is_empty() && text.chars().all(safe) {
        text
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// Writes what was written, which key type to choose, and the next steps as AWS CLI
/// commands that work as printed (upload, key group, trust, sign and check).
fn next_steps(
    out: &mut impl Write,
    algorithm: KeyAlgorithm,
    encrypted: &str,
    paths: &Paths,
) -> std::io::Result<()> {
    let private = shell_word(paths.private);
    let public = shell_word(paths.public);
    let config = shell_word(&PathBuf::from(format!("file://{}", paths.config.display())));
    writeln!(
        out,
        "Wrote {} ({algorithm}, {encrypted}PKCS#8, mode 0600): keep it secret and out of version control.",
        paths.private.display()
    )?;
    writeln!(out, "Wrote {} (SPKI public key).", paths.public.display())?;
    writeln!(
        out,
        "Wrote {} (the public key as aws cloudfront create-public-key takes it).",
        paths.config.display()
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "Key type: ECDSA P-256 (--type ecdsa) signs faster and makes shorter URLs (a 70-72 byte"
    )?;
    writeln!(
        out,
        "signature instead of 256); RSA 2048 (the default) works with every CloudFront signer."
    )?;
    if algorithm == KeyAlgorithm::Rsa2048 {
        writeln!(
            out,
            "AWS CLI v1 `aws cloudfront sign` reads only PKCS#1 RSA keys; for it, convert with"
        )?;
        writeln!(
            out,
            "  openssl pkey -in {private} -traditional -out private_key_pkcs1.pem"
        )?;
    } else {
        writeln!(
            out,
            "AWS CLI v1 `aws cloudfront sign` reads only PKCS#1 RSA keys, so it cannot sign with this one."
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "Next steps: (AWS CLI commands; in the console: CloudFront > Key management)"
    )?;
    writeln!(
        out,
        "  1. Upload the public key; its ID is the key pair ID:"
    )?;
    writeln!(
        out,
        "     KEY_ID=$(aws cloudfront create-public-key --public-key-config {config} --query PublicKey.Id --output text)"
    )?;
    writeln!(out, "  2. Put it in a key group:")?;
    writeln!(
        out,
        "     KEY_GROUP_ID=$(aws cloudfront create-key-group --key-group-config Name=cfsign-signers,Items=$KEY_ID --query KeyGroup.Id --output text)"
    )?;
    writeln!(
        out,
        "  3. Trust the key group in the cache behavior that serves the private files:"
    )?;
    writeln!(
        out,
        "     \"TrustedKeyGroups\": {{\"Enabled\": true, \"Quantity\": 1, \"Items\": [\"$KEY_GROUP_ID\"]}}"
    )?;
    writeln!(
        out,
        "     (console: Restrict viewer access: Yes, Trusted key groups). The README's walkthrough"
    )?;
    writeln!(
        out,
        "     sets up the private bucket, origin access control and distribution."
    )?;
    writeln!(out, "  4. Sign and check:")?;
    writeln!(
        out,
        "     URL=$(cfsign https://DOMAIN/PATH --private-key {private} --key-pair-id \"$KEY_ID\")"
    )?;
    writeln!(
        out,
        "     cfsign verify \"$URL\" --public-key {public} --key-pair-id \"$KEY_ID\""
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: when the second file of the pair could not be put in place (a full
    /// disk, a vanished directory), the first had already replaced the old key. It is now
    /// restored, and no temporary file is left.
    #[test]
    fn keygen_force_left_a_half_replaced_pair() {
        let dir = tempfile::tempdir().unwrap();
        let private_path = dir.path().join("private_key.pem");
        std::fs::write(&private_path, b"old key").unwrap();
        let private = stage(&private_path, b"new key", 0o600).unwrap();
        // The public key's target is in a directory that does not exist: rename fails.
        let mut public = stage(&dir.path().join("public_key.pem"), b"new pub", 0o644).unwrap();
        public.target = dir.path().join("gone/public_key.pem");
        let err = install_pair(&private, &public, true).unwrap_err();
        assert!(
            format!("{err:#}").contains("gone/public_key.pem"),
            "{err:#}"
        );
        assert_eq!(std::fs::read(&private_path).unwrap(), b"old key");
        drop((private, public));
        // Without --force, the new private key is taken away again.
        let fresh = dir.path().join("fresh");
        std::fs::create_dir(&fresh).unwrap();
        let private = stage(&fresh.join("private_key.pem"), b"new key", 0o600).unwrap();
        let mut public = stage(&fresh.join("public_key.pem"), b"new pub", 0o644).unwrap();
        public.target = dir.path().join("gone/public_key.pem");
        assert!(install_pair(&private, &public, false).is_err());
        drop((private, public));
        assert_eq!(std::fs::read_dir(&fresh).unwrap().count(), 0);
        std::fs::remove_dir(&fresh).unwrap();
        let mut left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        left.sort();
        assert_eq!(left, ["private_key.pem"]);
    }
}
