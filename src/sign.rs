//! Signing and verifying policy bytes: [`HashAlgorithm`], [`KeyPairId`], [`Signer`]
//! [\[R13\]](crate::rules#r13), [\[R14\]](crate::rules#r14), [\[R15\]](crate::rules#r15).

use std::fmt;
use std::sync::Arc;

pub use crate::hash::HashAlgorithm;

use crate::encoding;
use crate::error::{Error, Result};
use crate::key::{KeyAlgorithm, PrivateKey, PublicKey};
use crate::signature_cache::SignatureCache;
use crate::signing_key::{self, SigningKey};

/// The ID of a CloudFront public key (in a key group), or of a legacy CloudFront key pair:
/// the `Key-Pair-Id` value. Letters and digits only.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyPairId(String);

impl KeyPairId {
    /// The longest ID accepted, in characters: far above any CloudFront ID (13 to 20), so
    /// only absurd values (a file's contents, a long token) are refused.
    pub const MAX_LEN: usize = 128;

    /// Validates an ID: surrounding whitespace is trimmed; it must then be non-empty, hold
    /// only ASCII letters and digits, and be at most [`KeyPairId::MAX_LEN`] characters.
    ///
    /// The Developer Guide gives no format for the ID; CloudFront's public key IDs are 13
    /// or 14 upper-case letters and digits (`K2JCJMDEHXQW5F`), legacy key pair IDs 20
    /// (`APKA...`). Case is kept as given (the ID is sent as written).
    ///
    /// # Errors
    /// [`Error::KeyPairId`] when it is empty, holds other characters, or is longer than
    /// [`KeyPairId::MAX_LEN`] (the error then quotes only its start).
    pub fn new(value: &str) -> Result<Self> {
        let v = value.trim();
        let err = |problem: &str| Error::KeyPairId {
            value: v.into(),
            problem: problem.into(),
        };
        if v.is_empty() {
            return Err(err("is empty"));
        }
        if v.chars().count() > Self::MAX_LEN {
            let start: String = v.chars().take(16).collect();
            return Err(Error::KeyPairId {
                value: format!("{start}..."),
                problem: format!(
                    "is {} characters long; CloudFront's key IDs have 13 to 20 (K2JCJMDEHXQW5F)",
                    v.chars().count()
                ),
            });
        }
        if let Some(c) = v.chars().find(|c| !c.is_ascii_alphanumeric()) {
            return Err(err(&format!(
                "has {c:?}; key pair IDs hold only letters and digits"
            )));
        }
        Ok(KeyPairId(v.to_string()))
    }

    /// The ID.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the ID looks like an IAM access key ID (`AKIA...`, `ASIA...`), a common
    /// mix-up: CloudFront wants the public key's ID.
    pub fn looks_like_access_key(&self) -> bool {
        self.0.len() == 20 && (self.0.starts_with("AKIA") || self.0.starts_with("ASIA"))
    }
}

impl AsRef<str> for KeyPairId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for KeyPairId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for KeyPairId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// Serialises as the ID string, as it appears in `Key-Pair-Id=`.
impl serde::Serialize for KeyPairId {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl fmt::Display for KeyPairId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Signing and verifying raw bytes belong to [`key`](crate::key), the only module that
/// sees key material; re-exported here, where signing starts.
pub use crate::key::{sign_bytes, verify_bytes};

/// A key, its key pair ID and a hash algorithm: everything needed to sign policies.
///
/// Build it once and reuse it: parsing the key is the slow part. A `Signer` is `Send`
/// and `Sync`, so threads can share one. Signing URLs is in
/// [`Signer::sign_url`](crate::Signer::sign_url). The key is any [`SigningKey`]: a
/// [`PrivateKey`] ([`Signer::new`]) or one held elsewhere
/// ([`Signer::with_signing_key`]).
#[derive(Debug, Clone)]
pub struct Signer {
    key: Arc<dyn SigningKey>,
    key_pair_id: KeyPairId,
    hash: HashAlgorithm,
    /// One signature per distinct policy, shared by clones of this signer (same key).
    signatures: Arc<SignatureCache>,
}

impl Signer {
    /// A signer using the key type's default hash ([`HashAlgorithm::default_for`]):
    /// SHA-1 for RSA, SHA-256 for ECDSA.
    pub fn new(key: PrivateKey, key_pair_id: KeyPairId) -> Self {
        Self::with_signing_key(Arc::new(key), key_pair_id)
    }

    /// A signer with any [`SigningKey`] (a KMS key, a PKCS#11 token, your own), using
    /// the key type's default hash when the key supports it, else the first hash it
    /// supports ([`signing_key::default_hash`]): SHA-256 for a KMS key.
    ///
    /// ```
    /// # fn main() -> Result<(), cfsign::Error> {
    /// use std::sync::Arc;
    /// use cfsign::{KeyPairId, PrivateKey, Signer};
    /// let key = PrivateKey::from_pem_file("keys/private_key.pem", None)?;
    /// let signer = Signer::with_signing_key(Arc::new(key), KeyPairId::new("KDEMOEXAMPLE01")?);
    /// assert_eq!(signer.hash_algorithm(), cfsign::HashAlgorithm::Sha1);
    /// # Ok(()) }
    /// ```
    pub fn with_signing_key(key: Arc<dyn SigningKey>, key_pair_id: KeyPairId) -> Self {
        let hash = signing_key::default_hash(key.as_ref());
        Signer {
            key,
            key_pair_id,
            hash,
            signatures: Arc::new(SignatureCache::new()),
        }
    }

    /// The same signer with another hash algorithm. A hash the key does not support is
    /// refused when signing ([`Error::HashUnsupported`]); check first with
    /// [`Signer::check_hash`].
    pub fn with_hash_algorithm(mut self, hash: HashAlgorithm) -> Self {
        self.hash = hash;
        self
    }

    /// Checks that the key can sign with the signer's hash algorithm.
    ///
    /// # Errors
    /// [`Error::HashUnsupported`] naming the hashes the key supports.
    pub fn check_hash(&self) -> Result<()> {
        if self.key.supports(self.hash) {
            return Ok(());
        }
        let supported: Vec<&str> = self
            .key
            .supported_hashes()
            .iter()
            .map(|h| h.as_str())
            .collect();
        Err(Error::HashUnsupported {
            key: format!("{:?}", self.key),
            hash: self.hash,
            supported: supported.join(", "),
        })
    }

    /// The key pair ID.
    pub fn key_pair_id(&self) -> &KeyPairId {
        &self.key_pair_id
    }

    /// The hash algorithm.
    pub fn hash_algorithm(&self) -> HashAlgorithm {
        self.hash
    }

    /// The key's algorithm.
    pub fn key_algorithm(&self) -> KeyAlgorithm {
        self.key.algorithm()
    }

    /// The public key matching the signing key.
    pub fn public_key(&self) -> PublicKey {
        self.key.public_key()
    }

    /// The signing key.
    pub fn signing_key(&self) -> &Arc<dyn SigningKey> {
        &self.key
    }

    /// Signs policy bytes and returns the signature in CloudFront base64 [\[R8\]](crate::rules#r8).
    ///
    /// The same policy bytes are signed once: the signature is kept in a small bounded
    /// cache (256 policies of up to 4 KiB each, shared by clones of this signer), so a
    /// batch of URLs under one wildcard policy, or cookies for one pattern, costs one call
    /// into the [`SigningKey`]. Output is unchanged for deterministic signatures (RSA
    /// PKCS#1 v1.5, `p256`'s RFC 6979 ECDSA); where each signature differs (graviola's
    /// ECDSA, a KMS ECDSA key) every URL of the batch carries the first one, equally
    /// valid.
    ///
    /// # Errors
    /// [`Error::HashUnsupported`] when the key cannot sign with the signer's hash; else
    /// what the key's [`SigningKey::sign`] returns ([`Error::Crypto`] for a local key).
    pub fn sign_policy(&self, policy: &[u8]) -> Result<String> {
        self.check_hash()?;
        self.signatures.get_or_sign(self.hash, policy, || {
            let raw = self.key.sign(self.hash, policy)?;
            if raw.is_empty() {
                return Err(Error::Crypto {
                    reason: "the backend returned an empty signature".into(),
                });
            }
            Ok(encoding::encode(&raw))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (review nit 22): a 5,000-character key pair ID was accepted and echoed
    /// whole by errors.
    #[test]
    fn key_pair_id_of_absurd_length_was_accepted() {
        assert!(KeyPairId::new(&"K".repeat(KeyPairId::MAX_LEN)).is_ok());
        let e = KeyPairId::new(&"K".repeat(5000)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "key pair ID \"KKKKKKKKKKKKKKKK...\" is 5000 characters long; CloudFront's key IDs have 13 to 20 (K2JCJMDEHXQW5F)"
        );
    }

    #[test]
    fn key_pair_ids() {
        assert_eq!(
            KeyPairId::new("  K2JCJMDEHXQW5F\n").unwrap().as_str(),
            "K2JCJMDEHXQW5F"
        );
        assert!(KeyPairId::new("").is_err());
        assert!(KeyPairId::new("K2JC JMD").is_err());
        assert!(
            KeyPairId::new("AKIAIOSFODNN7EXAMPLE")
                .unwrap()
                .looks_like_access_key()
        );
        assert!(
            !KeyPairId::new("APKAEIBAERJR2EXAMPLE")
                .unwrap()
                .looks_like_access_key()
        );
    }

    #[test]
    fn hash_names() {
        assert_eq!(
            "sha256".parse::<HashAlgorithm>().unwrap(),
            HashAlgorithm::Sha256
        );
        assert_eq!(
            "SHA-1".parse::<HashAlgorithm>().unwrap(),
            HashAlgorithm::Sha1
        );
        assert!("md5".parse::<HashAlgorithm>().is_err());
        assert_eq!(HashAlgorithm::Sha1.parameter(), None);
    }
}
