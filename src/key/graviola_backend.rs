//! The pure-Rust fast path for SHA-256 (default build, x86_64 and aarch64): `graviola`,
//! whose big-number and curve code is formally verified assembly from s2n-bignum.
//!
//! - RSA-2048 PKCS#1 v1.5 with SHA-256: several times faster than the `rsa` crate, and
//!   byte for byte the same (PKCS#1 v1.5 is deterministic).
//! - ECDSA P-256 with SHA-256: about 3x faster than `p256`. graviola mixes 16 random bytes
//!   into the RFC 6979 nonce (RFC 6979 section 3.6), so each signature of the same policy
//!   differs (each is valid); [`Backend::RustCrypto`](crate::Backend::RustCrypto) keeps
//!   `p256`'s plain RFC 6979, whose output is reproducible.
//!
//! graviola has no SHA-1, so SHA-1 stays on `rsa` and `p256`.
//!
//! graviola panics when the CPU lacks the features its assembly needs, so it is only used
//! after [`cpu_supported`] said yes: x86_64 with aes, pclmulqdq, bmi1, bmi2, adx, avx and
//! avx2; aarch64 with neon, aes, pmull and sha2. Elsewhere keys stay on `rsa`.
//!
//! Its key types wipe the private components when dropped (RSA: its secret integers; P-256:
//! its `Scalar`); the DER handed to it is built in a zeroizing buffer.

use crate::error::{Error, Result};

/// Whether this CPU has every feature graviola requires (checked once, then cached).
pub(super) fn cpu_supported() -> bool {
    static SUPPORTED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *SUPPORTED.get_or_init(detect)
}

#[cfg(target_arch = "x86_64")]
fn detect() -> bool {
    std::arch::is_x86_feature_detected!("aes")
        && std::arch::is_x86_feature_detected!("pclmulqdq")
        && std::arch::is_x86_feature_detected!("bmi1")
        && std::arch::is_x86_feature_detected!("bmi2")
        && std::arch::is_x86_feature_detected!("adx")
        && std::arch::is_x86_feature_detected!("avx")
        && std::arch::is_x86_feature_detected!("avx2")
}

#[cfg(target_arch = "aarch64")]
fn detect() -> bool {
    std::arch::is_aarch64_feature_detected!("neon")
        && std::arch::is_aarch64_feature_detected!("aes")
        && std::arch::is_aarch64_feature_detected!("pmull")
        && std::arch::is_aarch64_feature_detected!("sha2")
}

/// A private key parsed once by graviola: RSA 2048 or ECDSA P-256 (boxed, so the secret
/// is not copied by later moves, and a `PrivateKey` stays small; wiped when dropped).
pub(super) enum GraviolaKey {
    Rsa(Box<::graviola::signing::rsa::SigningKey>),
    EcP256(Box<::graviola::signing::ecdsa::SigningKey<::graviola::signing::ecdsa::P256>>),
}

fn load_err(what: &str, e: ::graviola::Error) -> Error {
    Error::Crypto {
        reason: format!("graviola cannot load the {what} key ({e:?})"),
    }
}

impl GraviolaKey {
    /// Hands an already validated RSA key to graviola (through its PKCS#1 DER, zeroized),
    /// or `None` when this CPU cannot run graviola.
    pub(super) fn from_rsa(key: &rsa::PrivateKey) -> Result<Option<Self>> {
        if !cpu_supported() {
            return Ok(None);
        }
        let der = super::pkcs1_der::pkcs1_der(key).ok_or_else(|| Error::Crypto {
            reason: "cannot encode the RSA key for graviola (not a two-prime key)".into(),
        })?;
        let k = ::graviola::signing::rsa::SigningKey::from_pkcs1_der(&der)
            .map_err(|e| load_err("RSA", e))?;
        Ok(Some(GraviolaKey::Rsa(Box::new(k))))
    }

    /// Hands an already validated P-256 key to graviola (through a minimal SEC1
    /// `ECPrivateKey` DER in a zeroizing buffer), or `None` when this CPU cannot run it.
    pub(super) fn from_p256(key: &p256::ecdsa::SigningKey) -> Result<Option<Self>> {
        use zeroize::Zeroize as _;
        if !cpu_supported() {
            return Ok(None);
        }
        // SEQUENCE { INTEGER 1, OCTET STRING (32 bytes) }: the curve is implied.
        let mut der = zeroize::Zeroizing::new([0u8; 39]);
        der[..7].copy_from_slice(&[0x30, 0x25, 0x02, 0x01, 0x01, 0x04, 0x20]);
        let mut scalar = key.to_bytes();
        der[7..].copy_from_slice(&scalar);
        scalar.zeroize();
        let k = ::graviola::signing::ecdsa::SigningKey::from_sec1_der(&der[..])
            .map_err(|e| load_err("P-256", e))?;
        Ok(Some(GraviolaKey::EcP256(Box::new(k))))
    }

    /// Signs `msg` with SHA-256: RSASSA-PKCS1-v1_5, or a DER-encoded ECDSA signature.
    pub(super) fn sign_sha256(&self, msg: &[u8]) -> Result<Vec<u8>> {
        let failed = |e: ::graviola::Error| Error::Crypto {
            reason: format!("graviola could not sign ({e:?})"),
        };
        match self {
            GraviolaKey::Rsa(k) => {
                let mut out = vec![0u8; k.modulus_len_bytes()];
                let len = k.sign_pkcs1_sha256(&mut out, msg).map_err(failed)?.len();
                out.truncate(len);
                Ok(out)
            }
            GraviolaKey::EcP256(k) => {
                // A DER P-256 signature is at most 72 bytes.
                let mut out = [0u8; 80];
                let sig = k
                    .sign_asn1::<::graviola::hashing::Sha256>(&[msg], &mut out)
                    .map_err(failed)?;
                Ok(sig.to_vec())
            }
        }
    }
}
