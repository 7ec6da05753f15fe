//! `cfsign pubkey`: the public key of any private key source, as CloudFront takes it.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::EXIT_OK;
use super::common::KeyArgs;

pub const AFTER_HELP: &str = "\
Examples:
  cfsign pubkey --private-key kms:alias/cloudfront-signer > public_key.pem
  aws cloudfront create-public-key --public-key-config \\
      \"CallerReference=$(date +%s),Name=cf-signer,EncodedKey=$(cat public_key.pem)\"
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

    /// File holding the passphrase of an encrypted PEM key (first line).
    #[arg(long, value_name = "PATH")]
    pub passphrase_file: Option<PathBuf>,
}

/// Prints the public key as PEM SubjectPublicKeyInfo.
pub fn run(args: PubkeyArgs) -> Result<u8> {
    let key_args = KeyArgs {
        key_pair_id: None,
        private_key: args.private_key,
        passphrase_file: args.passphrase_file,
        hash_algorithm: None,
    };
    let key = super::key_source::signing_key(&key_args)?;
    let pem = key.public_key().to_pem()?;
    let mut out = std::io::stdout().lock();
    out.write_all(pem.as_bytes())?;
    out.flush()?;
    Ok(EXIT_OK)
}
