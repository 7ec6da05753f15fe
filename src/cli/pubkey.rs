//! `cfsign pubkey`: the public key of any private key source, as CloudFront takes it.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::Exit;
use super::key_options::KeyArgs;

pub const AFTER_HELP: &str = "\
Examples:
  cfsign pubkey --private-key kms:alias/cloudfront-signer > public_key.pem
  cfsign pubkey --private-key kms:alias/cloudfront-signer --format config \\
      > public_key_config.json
  aws cloudfront create-public-key \\
      --public-key-config file://public_key_config.json
  cfsign pubkey --private-key 'pkcs11:token=cf;object=cf-rsa'
  cfsign pubkey --private-key key.pem

Exit status:
  0  the public key was printed
  2  the key could not be loaded or reached";

/// Arguments of `cfsign pubkey`.
#[derive(Debug, Args)]
pub struct PubkeyArgs {
    /// The private key: a PEM file, `-` (standard input), kms:KEY, pkcs11:URI,
    /// secretsmanager:NAME-OR-ARN or ssm:/PARAMETER/NAME [env: CFSIGN_PRIVATE_KEY_FILE].
    /// Without either, CFSIGN_PRIVATE_KEY may hold the PEM text itself.
    #[arg(long, value_name = "SOURCE")]
    pub private_key: Option<PathBuf>,

    /// File holding the passphrase of an encrypted PEM key (first line); `-` reads the
    /// first line of standard input.
    #[arg(long, value_name = "PATH")]
    pub passphrase_file: Option<PathBuf>,

    /// pem: the public key (SPKI PEM); config: the JSON `PublicKeyConfig` that
    /// `aws cloudfront create-public-key --public-key-config file://...` reads.
    #[arg(long, value_enum, default_value = "pem", ignore_case = true)]
    pub format: PubkeyFormat,
}

/// What `cfsign pubkey` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PubkeyFormat {
    /// The public key as PEM SubjectPublicKeyInfo.
    Pem,
    /// The PublicKeyConfig JSON of `aws cloudfront create-public-key`.
    Config,
}

/// Prints the public key as PEM SubjectPublicKeyInfo.
pub fn run(args: PubkeyArgs) -> Result<Exit> {
    let key_args = KeyArgs {
        key_pair_id: None,
        private_key: args.private_key,
        passphrase_file: args.passphrase_file,
        hash_algorithm: None,
    };
    let key = super::terminal::said_first(|said| super::key_source::signing_key(&key_args, said))?;
    let pem = key.public_key().to_pem()?;
    let text = match args.format {
        PubkeyFormat::Pem => pem,
        PubkeyFormat::Config => super::keygen::public_key_config(&pem, cfsign::time::now()),
    };
    let mut out = super::terminal::stdout();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(Exit::Ok)
}
