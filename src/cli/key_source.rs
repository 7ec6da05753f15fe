//! `--private-key SOURCE`: a PEM file, `-`, or a key held elsewhere: `kms:KEY`,
//! `pkcs11:URI`, `secretsmanager:NAME-OR-ARN`, `ssm:/PARAMETER/NAME` (the `aws` and
//! `pkcs11` features), and the variables that configure those sources.

use std::sync::Arc;

use anyhow::{Result, bail};
use cfsign::key_source::RemoteSource;
use cfsign::{HashAlgorithm, Signer, SigningKey};
use zeroize::Zeroizing;

use super::key_options::{self, KeyArgs, env_value};
use super::terminal::Said;

/// The remote source named by `--private-key` or `CFSIGN_PRIVATE_KEY_FILE`, if any.
pub fn remote_source(args: &KeyArgs) -> Option<RemoteSource> {
    let spec = match &args.private_key {
        Some(path) => path.to_str()?.to_string(),
        None => env_value("CFSIGN_PRIVATE_KEY_FILE")?,
    };
    RemoteSource::parse(spec.trim())
}

fn needs_feature(source: &RemoteSource) -> anyhow::Error {
    anyhow::anyhow!(
        "private key {source}: this cfsign was built without the `{}` feature, which this key source needs; install one with it: cargo install cfsign --features {}",
        source.feature(),
        source.feature()
    )
}

/// The signing key the options name: a KMS key or a token key, or a PEM key (from a
/// file, standard input, CFSIGN_PRIVATE_KEY, Secrets Manager or SSM). A warning on a key
/// file goes to `said`.
pub fn signing_key(args: &KeyArgs, said: &mut Vec<Said>) -> Result<Arc<dyn SigningKey>> {
    match remote_source(args) {
        Some(source) if source.signs_remotely() => remote_signing_key(&source, args),
        _ => Ok(Arc::new(key_options::private_key(args, said)?)),
    }
}

#[cfg_attr(not(feature = "pkcs11"), allow(unused_variables))]
fn remote_signing_key(source: &RemoteSource, args: &KeyArgs) -> Result<Arc<dyn SigningKey>> {
    if args.passphrase_file.is_some() {
        bail!(
            "--passphrase-file is for encrypted PEM keys; {source} needs none (a PKCS#11 PIN comes from pin-value=, CFSIGN_PKCS11_PIN or a prompt)"
        );
    }
    match source {
        #[cfg(feature = "aws")]
        RemoteSource::Kms(key_id) => {
            let message_type = match env_value("CFSIGN_KMS_MESSAGE_TYPE") {
                Some(v) => v
                    .parse()
                    .map_err(|e: String| anyhow::anyhow!("CFSIGN_KMS_MESSAGE_TYPE: {e}"))?,
                None => cfsign::aws::KmsMessageType::Auto,
            };
            let context = cfsign::aws::AwsContext::load(&source.to_string())?;
            Ok(Arc::new(cfsign::aws::KmsKey::connect(
                context,
                key_id,
                message_type,
            )?))
        }
        #[cfg(feature = "pkcs11")]
        RemoteSource::Pkcs11(uri) => super::pkcs11::signing_key(uri, args),
        _ => Err(needs_feature(source)),
    }
}

/// The PEM text kept in Secrets Manager or SSM.
pub fn fetch_secret(source: &RemoteSource) -> Result<Zeroizing<Vec<u8>>> {
    #[cfg(feature = "aws")]
    {
        let context = cfsign::aws::AwsContext::load(&source.to_string())?;
        Ok(cfsign::aws::fetch_secret(&context, source)?)
    }
    #[cfg(not(feature = "aws"))]
    Err(needs_feature(source))
}

/// Applies `--hash-algorithm` and refuses a hash the key cannot sign, saying why.
pub fn apply_hash(signer: Signer, hash: Option<HashAlgorithm>) -> Result<Signer> {
    let Some(hash) = hash else {
        return Ok(signer);
    };
    let signer = signer.with_hash_algorithm(hash);
    if let Err(e) = signer.check_hash() {
        let key = format!("{:?}", signer.signing_key());
        if key.starts_with("KmsKey(") {
            bail!(
                "--hash-algorithm {}: AWS KMS has no SHA-1 signing, so a kms: key signs only with SHA-256; leave --hash-algorithm out (SHA-256 is chosen automatically and signalled with Hash-Algorithm=SHA256, which CloudFront accepts)",
                hash.as_str().to_ascii_lowercase()
            );
        }
        return Err(anyhow::Error::new(e).context(format!(
            "--hash-algorithm {}",
            hash.as_str().to_ascii_lowercase()
        )));
    }
    Ok(signer)
}

/// How many signing calls to run at once by default: the key's own preference (a remote
/// key waits on the network, so more calls than CPUs), else one per CPU.
pub fn default_jobs(signer: &Signer) -> usize {
    signer.signing_key().parallelism().unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    })
}
