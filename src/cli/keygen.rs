//! `cfsign keygen`: a new key pair CloudFront accepts, written as PEM files.

use std::fs::OpenOptions;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use cfsign::{KeyAlgorithm, PrivateKey};
use clap::{Args, ValueEnum};
use zeroize::Zeroizing;

use super::EXIT_OK;
use super::common;

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
    #[arg(long = "type", value_enum, default_value = "rsa")]
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

    /// File holding the passphrase (first line). Without it: CFSIGN_PRIVATE_KEY_PASSPHRASE,
    /// else a prompt when standard input is a terminal.
    #[arg(long, value_name = "PATH", requires = "encrypt")]
    pub passphrase_file: Option<PathBuf>,
}

fn passphrase(args: &KeygenArgs) -> Result<Zeroizing<String>> {
    let pass = if let Some(path) = &args.passphrase_file {
        common::passphrase_file(path)?
    } else if let Some(p) = common::env_value("CFSIGN_PRIVATE_KEY_PASSPHRASE") {
        Zeroizing::new(p)
    } else if std::io::stdin().is_terminal() {
        let first = Zeroizing::new(
            rpassword::prompt_password("Passphrase for the new private key: ")
                .context("cannot read the passphrase from the terminal")?,
        );
        let again = Zeroizing::new(
            rpassword::prompt_password("Same passphrase again: ")
                .context("cannot read the passphrase from the terminal")?,
        );
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

/// Writes `contents` to `path` with `mode` (Unix), never replacing an existing file
/// unless `force`; with `force` the file is replaced atomically through a new file.
fn write_new(path: &Path, contents: &[u8], mode: u32, force: bool) -> Result<()> {
    let target = if force {
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(format!(".tmp-{}", std::process::id()));
        path.with_file_name(name)
    } else {
        path.to_path_buf()
    };
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(&target).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            anyhow::anyhow!(
                "{} already exists; pass --force to replace it (nothing was overwritten)",
                target.display()
            )
        } else {
            anyhow::anyhow!("cannot create {}: {e}", target.display())
        }
    })?;
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", target.display()))?;
    if force {
        std::fs::rename(&target, path)
            .with_context(|| format!("cannot replace {}", path.display()))?;
    }
    Ok(())
}

/// Runs `cfsign keygen` and returns the exit status.
pub fn run(args: KeygenArgs) -> Result<u8> {
    let dir = &args.out_dir;
    let private_path = dir.join("private_key.pem");
    let public_path = dir.join("public_key.pem");
    if !args.force {
        for p in [&private_path, &public_path] {
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
    write_new(&private_path, private_pem.as_bytes(), 0o600, args.force)?;
    write_new(&public_path, public_pem.as_bytes(), 0o644, args.force)?;
    let encrypted = if args.encrypt { "encrypted " } else { "" };
    let mut out = std::io::stdout().lock();
    next_steps(&mut out, algorithm, encrypted, &private_path, &public_path)
        .and_then(|()| out.flush())
        .context("cannot write to standard output")?;
    Ok(EXIT_OK)
}

/// Writes what was written and the next steps (upload, key group, sign and check).
fn next_steps(
    out: &mut impl Write,
    algorithm: KeyAlgorithm,
    encrypted: &str,
    private_path: &Path,
    public_path: &Path,
) -> std::io::Result<()> {
    writeln!(
        out,
        "Wrote {} ({algorithm}, {encrypted}PKCS#8, mode 0600): keep it secret and out of version control.",
        private_path.display()
    )?;
    writeln!(out, "Wrote {} (SPKI public key).", public_path.display())?;
    writeln!(out)?;
    writeln!(out, "Next steps:")?;
    writeln!(
        out,
        "  1. Upload the public key: CloudFront console > Key management > Public keys > Create public key,"
    )?;
    writeln!(
        out,
        "     paste {} (or: aws cloudfront create-public-key --public-key-config file://config.json,",
        public_path.display()
    )?;
    writeln!(
        out,
        "     with the PEM text as EncodedKey). Note the ID it gets (like K2JCJMDEHXQW5F)."
    )?;
    writeln!(
        out,
        "  2. Create a key group holding that public key (Key management > Key groups, or"
    )?;
    writeln!(out, "     aws cloudfront create-key-group).")?;
    writeln!(
        out,
        "  3. In the distribution's cache behavior, set Restrict viewer access: Yes, Trusted key groups: that group."
    )?;
    writeln!(out, "  4. Sign and check:")?;
    writeln!(
        out,
        "     cfsign https://DOMAIN/PATH --private-key {} --key-pair-id ID > url.txt",
        private_path.display()
    )?;
    writeln!(
        out,
        "     cfsign verify \"$(cat url.txt)\" --public-key {} --key-pair-id ID",
        public_path.display()
    )?;
    Ok(())
}
