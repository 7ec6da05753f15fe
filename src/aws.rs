//! Keys in AWS (cargo feature `aws`): [`KmsKey`] signs with AWS KMS `Sign` (the private
//! key never leaves KMS), and [`fetch_secret`] reads a PEM key from Secrets Manager or SSM
//! Parameter Store.
//!
//! Credentials, region and endpoint come from the standard AWS chain: environment
//! (`AWS_ACCESS_KEY_ID`, `AWS_REGION`, `AWS_ENDPOINT_URL`, ...), shared config and
//! credentials files and profiles, SSO, web identity, container and instance roles.
//! Throttled requests are retried by the SDK's adaptive retry mode (exponential backoff
//! with jitter and client-side rate limiting, up to [`MAX_ATTEMPTS`] attempts).
//!
//! The calls block: they run on a small Tokio runtime owned by [`AwsContext`]. Call them
//! from ordinary threads (in an async service, from `spawn_blocking`).
//!
//! KMS has no SHA-1, so a [`KmsKey`] signs SHA-256 only (`Hash-Algorithm=SHA256`): RSA_2048
//! keys with `RSASSA_PKCS1_V1_5_SHA_256`, ECC_NIST_P256 keys with `ECDSA_SHA_256`. Every
//! signature is checked against the key's public key before it is used, so an endpoint
//! that signs something else (see [`KmsMessageType`]) is caught, not turned into 403s.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use aws_sdk_kms::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::{KeySpec, KeyUsageType, MessageType, SigningAlgorithmSpec};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::key::{KeyAlgorithm, PublicKey};
use crate::key_source::RemoteSource;
use crate::sign::{HashAlgorithm, verify_bytes};
use crate::signing_key::{SigningKey, digest, public_key_from_spki_der};

/// The most attempts (first try plus retries) for one AWS call, throttling included.
pub const MAX_ATTEMPTS: u32 = 8;

/// How many `Sign` calls a batch runs at once by default. KMS's request quota for
/// asymmetric signing (a few hundred per second per account and region, shared by every
/// caller) is reached by a handful of concurrent callers at AWS latencies; throttled
/// calls are retried with backoff.
pub const KMS_PARALLELISM: usize = 8;

/// KMS's limit for a `RAW` message, in bytes.
pub const KMS_RAW_MESSAGE_LIMIT: usize = 4096;

/// A Tokio runtime and the AWS configuration loaded from the standard chain, shared by
/// the clients made from it.
pub struct AwsContext {
    runtime: tokio::runtime::Runtime,
    config: aws_config::SdkConfig,
}

impl std::fmt::Debug for AwsContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "AwsContext(region {:?}, endpoint {:?})",
            self.config.region().map(|r| r.as_ref()),
            self.config.endpoint_url()
        )
    }
}

impl AwsContext {
    /// Loads region, credentials and endpoint from the standard AWS chain.
    /// `source_name` names the key source in errors.
    ///
    /// # Errors
    /// [`Error::SigningKey`] when no region is configured or the runtime cannot start.
    pub fn load(source_name: &str) -> Result<Arc<Self>> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("cfsign-aws")
            .enable_all()
            .build()
            .map_err(|e| {
                failure(
                    source_name,
                    format!("cannot start the AWS runtime ({e})"),
                    None,
                )
            })?;
        let retry = aws_config::retry::RetryConfig::adaptive().with_max_attempts(MAX_ATTEMPTS);
        let config = runtime.block_on(
            aws_config::defaults(aws_config::BehaviorVersion::latest())
                .retry_config(retry)
                .load(),
        );
        if config.region().is_none() {
            return Err(failure(
                source_name,
                "no AWS region is configured",
                Some("set AWS_REGION (or AWS_DEFAULT_REGION), or a region in the AWS profile"),
            ));
        }
        Ok(Arc::new(AwsContext { runtime, config }))
    }
}

fn failure(source_name: &str, problem: impl Into<String>, fix: Option<&str>) -> Error {
    Error::SigningKey {
        source_name: source_name.into(),
        problem: problem.into(),
        fix: fix.map(str::to_string),
    }
}

/// Turns an AWS SDK error into [`Error::SigningKey`] naming the source, the call and the
/// fix. `action` is the IAM action (`kms:Sign`).
fn aws_error<E>(source_name: &str, action: &str, err: SdkError<E>) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let code = err.code().unwrap_or_default().to_string();
    let message = err.message().unwrap_or_default().to_string();
    let (problem, fix): (String, Option<String>) = match code.as_str() {
        "AccessDeniedException" | "AccessDenied" => (
            format!("access denied to {action} ({message})"),
            Some(format!(
                "allow {action} on this resource for the caller (IAM policy or key policy)"
            )),
        ),
        "NotFoundException" | "ResourceNotFoundException" | "ParameterNotFound" => (
            format!(
                "not found ({})",
                if message.is_empty() { &code } else { &message }
            ),
            Some("check the name, ARN or alias, and the region (AWS_REGION) it lives in".into()),
        ),
        "DisabledException" | "KMSInvalidStateException" => (
            format!("the key cannot be used now ({message})"),
            Some("enable the key (aws kms enable-key) or cancel its deletion".into()),
        ),
        "InvalidKeyUsageException" => (
            format!("the key cannot sign ({message})"),
            Some(CREATE_KEY_FIX.into()),
        ),
        "UnrecognizedClientException"
        | "InvalidClientTokenId"
        | "ExpiredTokenException"
        | "InvalidSignatureException" => (
            format!("AWS refused the credentials ({code}: {message})"),
            Some(CREDENTIALS_FIX.into()),
        ),
        "" => {
            let detail = DisplayErrorContext(&err).to_string();
            if detail.contains("credentials") || detail.contains("Credentials") {
                (
                    format!("no AWS credentials for {action}"),
                    Some(CREDENTIALS_FIX.into()),
                )
            } else {
                (format!("{action} failed: {detail}"), None)
            }
        }
        _ => (format!("{action} failed ({code}: {message})"), None),
    };
    Error::SigningKey {
        source_name: source_name.into(),
        problem,
        fix,
    }
}

const CREDENTIALS_FIX: &str = "give AWS credentials as usual: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE (aws sso login), or a role of the instance, container or CI job";

const CREATE_KEY_FIX: &str = "use an asymmetric signing key CloudFront accepts: aws kms create-key --key-spec RSA_2048 --key-usage SIGN_VERIFY (or --key-spec ECC_NIST_P256)";

/// How a [`KmsKey`] hands the policy to KMS `Sign`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KmsMessageType {
    /// `DIGEST` (the 32-byte SHA-256, so any policy size fits), falling back to `RAW`
    /// for good when a signature does not verify and the policy fits KMS's 4,096-byte
    /// limit (an endpoint that hashes DIGEST input again: moto, the local test server,
    /// does).
    #[default]
    Auto,
    /// Always `DIGEST`.
    Digest,
    /// Always `RAW`: the policy itself, at most [`KMS_RAW_MESSAGE_LIMIT`] bytes.
    Raw,
}

impl std::str::FromStr for KmsMessageType {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "auto" => Ok(KmsMessageType::Auto),
            "digest" => Ok(KmsMessageType::Digest),
            "raw" => Ok(KmsMessageType::Raw),
            _ => Err(format!(
                "unknown KMS message type {s:?}: use auto, digest or raw"
            )),
        }
    }
}

/// An AWS KMS asymmetric key (RSA_2048 or ECC_NIST_P256, key usage SIGN_VERIFY) that
/// signs CloudFront policies with KMS `Sign`, SHA-256 only.
pub struct KmsKey {
    context: Arc<AwsContext>,
    client: aws_sdk_kms::Client,
    key_id: String,
    source_name: String,
    algorithm: KeyAlgorithm,
    signing_algorithm: SigningAlgorithmSpec,
    public_key: PublicKey,
    message_type: KmsMessageType,
    /// Set when [`KmsMessageType::Auto`] found that DIGEST signatures do not verify.
    raw_only: AtomicBool,
}

impl std::fmt::Debug for KmsKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KmsKey({}, {})", self.source_name, self.algorithm)
    }
}

impl KmsKey {
    /// Looks the key up (`GetPublicKey`: its spec, usage and public key) and checks that
    /// CloudFront can use it. `key_id` is a key ID, key ARN, `alias/NAME` or alias ARN.
    ///
    /// # Errors
    /// [`Error::SigningKey`] naming `kms:KEY` and the fix: no credentials, access denied
    /// to `kms:GetPublicKey`, no such key, a key spec other than RSA_2048 and
    /// ECC_NIST_P256, a key not enabled for SIGN_VERIFY.
    pub fn connect(
        context: Arc<AwsContext>,
        key_id: &str,
        message_type: KmsMessageType,
    ) -> Result<Self> {
        let source_name = RemoteSource::Kms(key_id.into()).to_string();
        if key_id.trim().is_empty() {
            return Err(failure(
                &source_name,
                "names no key",
                Some(
                    "give kms:KEY-ID, kms:arn:aws:kms:REGION:ACCOUNT:key/KEY-ID or kms:alias/NAME",
                ),
            ));
        }
        let client = aws_sdk_kms::Client::new(&context.config);
        let out = context
            .runtime
            .block_on(client.get_public_key().key_id(key_id).send())
            .map_err(|e| aws_error(&source_name, "kms:GetPublicKey", e))?;
        // KeySpec, or the older CustomerMasterKeySpec (which some endpoints still send).
        #[allow(deprecated)]
        let spec = out
            .key_spec()
            .map(KeySpec::as_str)
            .or_else(|| out.customer_master_key_spec().map(|s| s.as_str()))
            .map(str::to_string);
        let (algorithm, signing_algorithm) = match spec.as_deref() {
            Some("RSA_2048") => (
                KeyAlgorithm::Rsa2048,
                SigningAlgorithmSpec::RsassaPkcs1V15Sha256,
            ),
            Some("ECC_NIST_P256") => (KeyAlgorithm::EcdsaP256, SigningAlgorithmSpec::EcdsaSha256),
            _ => {
                return Err(failure(
                    &source_name,
                    format!(
                        "is a {} key; CloudFront accepts only RSA 2048 and ECDSA P-256 keys",
                        spec.as_deref().unwrap_or("UNKNOWN")
                    ),
                    Some(CREATE_KEY_FIX),
                ));
            }
        };
        if out.key_usage() != Some(&KeyUsageType::SignVerify) {
            return Err(failure(
                &source_name,
                format!(
                    "has key usage {}, not SIGN_VERIFY, so it cannot sign",
                    out.key_usage().map_or("unknown", |u| u.as_str())
                ),
                Some(CREATE_KEY_FIX),
            ));
        }
        let der = out
            .public_key()
            .ok_or_else(|| failure(&source_name, "GetPublicKey returned no public key", None))?;
        let public_key = public_key_from_spki_der(der.as_ref(), &source_name)?;
        Ok(KmsKey {
            context,
            client,
            key_id: key_id.to_string(),
            source_name,
            algorithm,
            signing_algorithm,
            public_key,
            message_type,
            raw_only: AtomicBool::new(false),
        })
    }

    /// The key as the user named it: `kms:KEY`.
    pub fn source_name(&self) -> &str {
        &self.source_name
    }

    fn kms_sign(&self, message: &[u8], message_type: MessageType) -> Result<Vec<u8>> {
        let request = self
            .client
            .sign()
            .key_id(&self.key_id)
            .message(Blob::new(message))
            .message_type(message_type)
            .signing_algorithm(self.signing_algorithm.clone());
        let out = self
            .context
            .runtime
            .block_on(request.send())
            .map_err(|e| aws_error(&self.source_name, "kms:Sign", e))?;
        out.signature()
            .map(|b| b.as_ref().to_vec())
            .ok_or_else(|| failure(&self.source_name, "kms:Sign returned no signature", None))
    }

    fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        verify_bytes(&self.public_key, HashAlgorithm::Sha256, message, signature).is_ok()
    }

    fn sign_raw(&self, message: &[u8]) -> Result<Vec<u8>> {
        if message.len() > KMS_RAW_MESSAGE_LIMIT {
            return Err(failure(
                &self.source_name,
                format!(
                    "the policy is {} bytes, over KMS's limit of {KMS_RAW_MESSAGE_LIMIT} bytes for a RAW message",
                    message.len()
                ),
                Some("sign with message type digest (the default), or shorten the policy"),
            ));
        }
        self.kms_sign(message, MessageType::Raw)
    }

    fn does_not_verify(&self, message_type: &str) -> Error {
        failure(
            &self.source_name,
            format!(
                "KMS returned a signature ({message_type} message) that does not verify with the key's public key"
            ),
            Some(
                "if this endpoint hashes DIGEST input again (some local KMS emulators do), sign with message type raw",
            ),
        )
    }
}

impl SigningKey for KmsKey {
    fn algorithm(&self) -> KeyAlgorithm {
        self.algorithm
    }

    fn supported_hashes(&self) -> &[HashAlgorithm] {
        &[HashAlgorithm::Sha256]
    }

    fn public_key(&self) -> PublicKey {
        self.public_key.clone()
    }

    /// [`KMS_PARALLELISM`] calls at once: each waits a network round trip.
    fn parallelism(&self) -> Option<usize> {
        Some(KMS_PARALLELISM)
    }

    fn sign(&self, hash: HashAlgorithm, message: &[u8]) -> Result<Vec<u8>> {
        if hash != HashAlgorithm::Sha256 {
            return Err(Error::HashUnsupported {
                key: format!("{self:?}"),
                hash,
                supported: "SHA256".into(),
            });
        }
        let raw = match self.message_type {
            KmsMessageType::Raw => true,
            KmsMessageType::Digest => false,
            KmsMessageType::Auto => self.raw_only.load(Ordering::Relaxed),
        };
        if raw {
            let sig = self.sign_raw(message)?;
            return if self.verifies(message, &sig) {
                Ok(sig)
            } else {
                Err(self.does_not_verify("RAW"))
            };
        }
        let sig = self.kms_sign(&digest(HashAlgorithm::Sha256, message), MessageType::Digest)?;
        if self.verifies(message, &sig) {
            return Ok(sig);
        }
        if self.message_type == KmsMessageType::Auto && message.len() <= KMS_RAW_MESSAGE_LIMIT {
            let sig = self.sign_raw(message)?;
            if self.verifies(message, &sig) {
                self.raw_only.store(true, Ordering::Relaxed);
                return Ok(sig);
            }
        }
        Err(self.does_not_verify("DIGEST"))
    }
}

/// Fetches a PEM private key kept in AWS: a Secrets Manager secret (`SecretString`, or
/// `SecretBinary`) or an SSM parameter (a SecureString is decrypted). The text is
/// returned as is (load it with [`PrivateKey::from_pem`](crate::PrivateKey::from_pem),
/// after [`unwrap_base64_pem`](crate::key_source::unwrap_base64_pem)) and zeroized when
/// dropped; the SDK's own response buffers are outside cfsign's reach.
///
/// # Errors
/// [`Error::SigningKey`] naming the source: no credentials, access denied
/// (`secretsmanager:GetSecretValue`, `ssm:GetParameter`, `kms:Decrypt`), not found, an
/// empty value; [`Error::KeyFormat`] for a source that is neither of the two.
pub fn fetch_secret(context: &AwsContext, source: &RemoteSource) -> Result<Zeroizing<Vec<u8>>> {
    let source_name = source.to_string();
    let text = match source {
        RemoteSource::SecretsManager(id) => {
            let client = aws_sdk_secretsmanager::Client::new(&context.config);
            let out = context
                .runtime
                .block_on(client.get_secret_value().secret_id(id).send())
                .map_err(|e| aws_error(&source_name, "secretsmanager:GetSecretValue", e))?;
            match (out.secret_string(), out.secret_binary()) {
                (Some(s), _) => Zeroizing::new(s.as_bytes().to_vec()),
                (None, Some(b)) => Zeroizing::new(b.as_ref().to_vec()),
                (None, None) => Zeroizing::new(Vec::new()),
            }
        }
        RemoteSource::Ssm(name) => {
            let client = aws_sdk_ssm::Client::new(&context.config);
            let out = context
                .runtime
                .block_on(
                    client
                        .get_parameter()
                        .name(name)
                        .with_decryption(true)
                        .send(),
                )
                .map_err(|e| aws_error(&source_name, "ssm:GetParameter", e))?;
            Zeroizing::new(
                out.parameter()
                    .and_then(|p| p.value())
                    .unwrap_or_default()
                    .as_bytes()
                    .to_vec(),
            )
        }
        _ => {
            return Err(Error::KeyFormat {
                source_name,
                problem: "is not a Secrets Manager secret or SSM parameter".into(),
            });
        }
    };
    if text.iter().all(u8::is_ascii_whitespace) {
        return Err(failure(
            &source_name,
            "is empty",
            Some("store the PEM private key text (or its base64) as the value"),
        ));
    }
    Ok(text)
}
