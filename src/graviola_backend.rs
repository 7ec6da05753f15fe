//! The pure-Rust fast path for RSA-SHA256 (default build, x86_64 and aarch64): `graviola`,
//! whose big-number code is formally verified assembly from s2n-bignum. It signs
//! RSA-2048 PKCS#1 v1.5 several times faster than the `rsa` crate, and byte for byte the
//! same (PKCS#1 v1.5 is deterministic). It has no SHA-1, so SHA-1 stays on `rsa`.
//!
//! graviola panics when the CPU lacks the features its assembly needs, so it is only used
//! after [`cpu_supported`] said yes: x86_64 with aes, pclmulqdq, bmi1, bmi2, adx, avx and
//! avx2; aarch64 with neon, aes, pmull and sha2. Elsewhere keys stay on `rsa`.
//!
//! Its key type wipes the private components when dropped; the DER handed to it is built
//! in a zeroizing buffer.

use crate::error::{Error, Result};

/// Whether this CPU has every feature graviola requires (checked once, then cached).
pub(crate) fn cpu_supported() -> bool {
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

/// An RSA private key parsed once by graviola.
pub(crate) struct GraviolaRsa(graviola::signing::rsa::SigningKey);

impl GraviolaRsa {
    /// Hands an already validated RSA key to graviola (through its PKCS#1 DER, zeroized),
    /// or `None` when this CPU cannot run graviola.
    pub(crate) fn from_rsa(key: &rsa::PrivateKey) -> Result<Option<Self>> {
        if !cpu_supported() {
            return Ok(None);
        }
        let der = crate::pkcs1_der::pkcs1_der(key).ok_or_else(|| Error::Crypto {
            reason: "cannot encode the RSA key for graviola (not a two-prime key)".into(),
        })?;
        let k = graviola::signing::rsa::SigningKey::from_pkcs1_der(&der).map_err(|e| {
            Error::Crypto {
                reason: format!("graviola cannot load the RSA key ({e:?})"),
            }
        })?;
        Ok(Some(GraviolaRsa(k)))
    }

    /// RSASSA-PKCS1-v1_5 with SHA-256 over `msg`.
    pub(crate) fn sign_sha256(&self, msg: &[u8]) -> Result<Vec<u8>> {
        let mut out = vec![0u8; self.0.modulus_len_bytes()];
        let len = self
            .0
            .sign_pkcs1_sha256(&mut out, msg)
            .map_err(|e| Error::Crypto {
                reason: format!("graviola could not sign ({e:?})"),
            })?
            .len();
        out.truncate(len);
        Ok(out)
    }
}
