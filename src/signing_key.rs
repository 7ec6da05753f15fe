//! [`SigningKey`]: anything that signs policy bytes for a CloudFront key pair, so that a
//! [`Signer`](crate::Signer) can sign with a key that is not a PEM in memory (an AWS KMS
//! key, a PKCS#11 token, a signing service).
//!
//! The contract [\[R12\]](crate::rules#r12)-[\[R14\]](crate::rules#r14):
//! - the key is RSA 2048 or ECDSA P-256 ([`SigningKey::algorithm`]) and knows its public
//!   key ([`SigningKey::public_key`]), the one uploaded to CloudFront;
//! - [`SigningKey::sign`] gets the policy bytes themselves (not a digest) and the hash to
//!   use, and returns the raw signature: RSASSA-PKCS1-v1_5 bytes for RSA, a DER
//!   `SEQUENCE{r, s}` for ECDSA (use [`ecdsa_der_from_raw`] for tokens that return `r‖s`);
//! - a key lists the hashes it can sign with ([`SigningKey::supported_hashes`]): AWS KMS
//!   has no SHA-1, so a KMS key lists only [`HashAlgorithm::Sha256`];
//! - signing may fail (a network error, a refused PIN) and may be slow (a network round
//!   trip): `sign` is called once per distinct policy (a [`Signer`](crate::Signer) keeps
//!   the signatures of recent policies in a small bounded cache), from whichever thread
//!   signs.
//!
//! [`PrivateKey`] implements it with both backends (`rsa`/`p256`, and OpenSSL with the
//! `openssl` feature).

use std::fmt;

use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::hash::HashAlgorithm;
use crate::key::{KeyAlgorithm, PrivateKey, PublicKey};

/// Both hash algorithms, in the order CloudFront knows them.
pub(crate) const ALL_HASHES: &[HashAlgorithm] = &[HashAlgorithm::Sha1, HashAlgorithm::Sha256];

/// Something that signs CloudFront policy bytes with the private half of a key pair whose
/// public key CloudFront trusts.
///
/// Implement it for a key held elsewhere (KMS, an HSM, a signing service) and hand it to
/// [`Signer::with_signing_key`](crate::Signer::with_signing_key). `Debug` must not print
/// secrets (PINs, credentials).
pub trait SigningKey: fmt::Debug + Send + Sync {
    /// The key's algorithm: RSA 2048 or ECDSA P-256 [\[R12\]](crate::rules#r12).
    fn algorithm(&self) -> KeyAlgorithm;

    /// The hash algorithms this key can sign with. The default is both; a key that can
    /// only sign SHA-256 (AWS KMS) returns `&[HashAlgorithm::Sha256]`.
    fn supported_hashes(&self) -> &[HashAlgorithm] {
        ALL_HASHES
    }

    /// The public key matching the private key: the one uploaded to CloudFront.
    fn public_key(&self) -> PublicKey;

    /// Signs `message` (the policy bytes) with `hash`: RSASSA-PKCS1-v1_5 for RSA
    /// [\[R13\]](crate::rules#r13), a DER-encoded ECDSA signature for P-256 [\[R14\]](crate::rules#r14). Called only with a hash
    /// from [`SigningKey::supported_hashes`].
    ///
    /// # Errors
    /// Any [`Error`]; remote keys use [`Error::SigningKey`] naming the key and the fix.
    fn sign(&self, hash: HashAlgorithm, message: &[u8]) -> Result<Vec<u8>>;

    /// How many `sign` calls a caller signing many policies should run at once, for a
    /// key that waits on a network or device rather than the CPU (callers bound their
    /// concurrency by it); `None`, the default, for a CPU-bound local key.
    fn parallelism(&self) -> Option<usize> {
        None
    }

    /// Whether the key can sign with `hash`.
    fn supports(&self, hash: HashAlgorithm) -> bool {
        self.supported_hashes().contains(&hash)
    }
}

impl SigningKey for PrivateKey {
    fn algorithm(&self) -> KeyAlgorithm {
        PrivateKey::algorithm(self)
    }

    fn public_key(&self) -> PublicKey {
        PrivateKey::public_key(self)
    }

    fn sign(&self, hash: HashAlgorithm, message: &[u8]) -> Result<Vec<u8>> {
        crate::key::sign_bytes(self, hash, message)
    }
}

/// The hash a signer uses unless told otherwise: the key type's default
/// ([`HashAlgorithm::default_for`]) when the key supports it, else the first hash it
/// supports (SHA-256 for a KMS key).
pub fn default_hash(key: &dyn SigningKey) -> HashAlgorithm {
    let preferred = HashAlgorithm::default_for(key.algorithm());
    if key.supports(preferred) {
        return preferred;
    }
    key.supported_hashes().first().copied().unwrap_or(preferred)
}

/// A public key from its DER SubjectPublicKeyInfo (as KMS `GetPublicKey` returns it, or
/// as built from a token's attributes), checked as [`PublicKey::from_pem`] checks one.
///
/// # Errors
/// As [`PublicKey::from_pem`]: a key CloudFront does not accept, or not a key.
pub fn public_key_from_spki_der(der: &[u8], source_name: &str) -> Result<PublicKey> {
    use base64::Engine as _;
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let mut text = String::from("-----BEGIN PUBLIC KEY-----\n");
    for chunk in body.as_bytes().chunks(64) {
        text.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        text.push('\n');
    }
    text.push_str("-----END PUBLIC KEY-----\n");
    PublicKey::from_pem(text.as_bytes(), source_name)
}

/// The DER `DigestInfo` prefix for `hash` (RFC 8017, section 9.2, note 1): the bytes an
/// RSA token that cannot hash (`CKM_RSA_PKCS`) must be given before the digest.
pub(crate) fn digest_info_prefix(hash: HashAlgorithm) -> &'static [u8] {
    match hash {
        HashAlgorithm::Sha1 => &[
            0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04,
            0x14,
        ],
        HashAlgorithm::Sha256 => &[
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x01, 0x05, 0x00, 0x04, 0x20,
        ],
    }
}

/// `DigestInfo { hash, digest of message }`: the input of a raw RSA PKCS#1 v1.5 signature
/// (`CKM_RSA_PKCS`) that equals an RSASSA-PKCS1-v1_5 signature over `message`.
pub fn digest_info(hash: HashAlgorithm, message: &[u8]) -> Vec<u8> {
    let mut out = digest_info_prefix(hash).to_vec();
    out.extend_from_slice(&digest(hash, message));
    out
}

/// The digest of `message` with `hash` (20 bytes for SHA-1, 32 for SHA-256).
pub fn digest(hash: HashAlgorithm, message: &[u8]) -> Vec<u8> {
    match hash {
        HashAlgorithm::Sha1 => Sha1::digest(message).to_vec(),
        HashAlgorithm::Sha256 => Sha256::digest(message).to_vec(),
    }
}

/// Turns a raw P-256 ECDSA signature `r‖s` (64 bytes, as PKCS#11 `CKM_ECDSA` returns it)
/// into the DER `SEQUENCE{r, s}` CloudFront expects [\[R14\]](crate::rules#r14).
///
/// # Errors
/// [`Error::Crypto`] when `raw` is not 64 bytes or not a valid signature.
pub fn ecdsa_der_from_raw(raw: &[u8]) -> Result<Vec<u8>> {
    let sig = p256::ecdsa::Signature::from_slice(raw).map_err(|e| Error::Crypto {
        reason: format!(
            "the ECDSA signature is not a raw P-256 r||s pair of 64 bytes ({} bytes: {e})",
            raw.len()
        ),
    })?;
    Ok(sig.to_der().as_bytes().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> PrivateKey {
        let path = format!("{}/tests/data/keys/{name}", env!("CARGO_MANIFEST_DIR"));
        PrivateKey::from_pem_file(&path, None).unwrap()
    }

    /// A raw RSA signature over DigestInfo is the PKCS#1 v1.5 signature: the identity
    /// a `CKM_RSA_PKCS` token relies on.
    #[test]
    fn digest_info_matches_pkcs1v15_signatures() {
        use rsa::pkcs1::DecodeRsaPrivateKey;
        let k = key("rsa2048_pkcs1.pem");
        // The same key, loaded by the `rsa` crate itself (no reaching into `key`).
        let path = format!(
            "{}/tests/data/keys/rsa2048_pkcs1.pem",
            env!("CARGO_MANIFEST_DIR")
        );
        let pem = std::fs::read_to_string(path).unwrap();
        let rsa_key = rsa::PrivateKey::from_pkcs1_pem(&pem).unwrap();
        for hash in [HashAlgorithm::Sha1, HashAlgorithm::Sha256] {
            let expected = SigningKey::sign(&k, hash, b"policy").unwrap();
            let raw = rsa_key
                .sign(
                    rsa::Pkcs1v15Sign::new_unprefixed(),
                    &digest_info(hash, b"policy"),
                )
                .unwrap();
            assert_eq!(raw, expected, "{hash}");
        }
    }

    #[test]
    fn raw_ecdsa_becomes_der_that_verifies() {
        let k = key("ec_p256_pkcs8.pem");
        let der = SigningKey::sign(&k, HashAlgorithm::Sha256, b"policy").unwrap();
        let sig = p256::ecdsa::DerSignature::from_bytes(&der).unwrap();
        let raw: p256::ecdsa::Signature = sig.try_into().unwrap();
        let back = ecdsa_der_from_raw(&raw.to_bytes()).unwrap();
        assert_eq!(back, der);
        PrivateKey::public_key(&k)
            .verify(HashAlgorithm::Sha256, b"policy", &back)
            .unwrap();
        assert!(ecdsa_der_from_raw(&[1; 63]).is_err());
    }

    #[test]
    fn default_hash_follows_what_the_key_supports() {
        #[derive(Debug)]
        struct Sha256Only(PrivateKey);
        impl SigningKey for Sha256Only {
            fn algorithm(&self) -> KeyAlgorithm {
                SigningKey::algorithm(&self.0)
            }
            fn supported_hashes(&self) -> &[HashAlgorithm] {
                &[HashAlgorithm::Sha256]
            }
            fn public_key(&self) -> PublicKey {
                SigningKey::public_key(&self.0)
            }
            fn sign(&self, hash: HashAlgorithm, message: &[u8]) -> Result<Vec<u8>> {
                SigningKey::sign(&self.0, hash, message)
            }
        }
        let rsa = key("rsa2048_pkcs1.pem");
        assert_eq!(default_hash(&rsa), HashAlgorithm::Sha1);
        assert_eq!(default_hash(&Sha256Only(rsa)), HashAlgorithm::Sha256);
    }
}
