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

use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use zeroize::Zeroizing;

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

/// The key's PKCS#1 `RSAPrivateKey` DER, written into one zeroizing buffer reserved up
/// front. (`rsa`'s own `to_pkcs1_der` leaves unwiped copies of the modulus and of
/// intermediate values in freed memory.) `None` for a key with more than two primes.
fn pkcs1_der(key: &rsa::PrivateKey) -> Option<Zeroizing<Vec<u8>>> {
    let [p, q] = key.primes() else {
        return None;
    };
    let qinv = Zeroizing::new(key.crt_coefficient()?);
    let parts: [Zeroizing<Box<[u8]>>; 8] = [
        Zeroizing::new(key.n().to_be_bytes()),
        Zeroizing::new(key.e().to_be_bytes()),
        Zeroizing::new(key.d().to_be_bytes()),
        Zeroizing::new(p.to_be_bytes()),
        Zeroizing::new(q.to_be_bytes()),
        Zeroizing::new(key.dp()?.to_be_bytes()),
        Zeroizing::new(key.dq()?.to_be_bytes()),
        Zeroizing::new(qinv.to_be_bytes()),
    ];
    let total: usize = parts.iter().map(|b| b.len() + 8).sum::<usize>() + 16;
    let mut body = Zeroizing::new(Vec::with_capacity(total));
    der_integer(&mut body, &[0]);
    for part in &parts {
        der_integer(&mut body, part);
    }
    let mut der = Zeroizing::new(Vec::with_capacity(total));
    der.push(0x30);
    der_length(&mut der, body.len());
    der.extend_from_slice(&body);
    Some(der)
}

/// A DER INTEGER holding the unsigned big-endian `value`.
fn der_integer(out: &mut Vec<u8>, value: &[u8]) {
    let start = value.iter().position(|&b| b != 0).unwrap_or(value.len());
    let value = &value[start..];
    let pad = value.first().is_none_or(|&b| b & 0x80 != 0);
    out.push(0x02);
    der_length(out, value.len() + usize::from(pad));
    if pad {
        out.push(0);
    }
    out.extend_from_slice(value);
}

fn der_length(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes
            .iter()
            .position(|&b| b != 0)
            .unwrap_or(bytes.len() - 1);
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
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
        let der = pkcs1_der(key).ok_or_else(|| Error::Crypto {
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

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::pkcs1::EncodeRsaPrivateKey;

    /// The hand-written DER equals the `rsa` crate's encoding of the same key.
    #[test]
    fn pkcs1_der_matches_the_rsa_crate() {
        let path = format!(
            "{}/tests/data/keys/rsa2048_pkcs1.pem",
            env!("CARGO_MANIFEST_DIR")
        );
        let key = crate::PrivateKey::from_pem_file(std::path::Path::new(&path), None).unwrap();
        let crate::key::PrivateMaterial::Rsa(k) = &key.material else {
            unreachable!()
        };
        let ours = pkcs1_der(k).unwrap();
        assert_eq!(&ours[..], k.to_pkcs1_der().unwrap().as_bytes());
        let mut small = Vec::new();
        der_integer(&mut small, &[0, 0, 0x80]);
        assert_eq!(small, [2, 2, 0, 0x80]);
        small.clear();
        der_integer(&mut small, &[0]);
        assert_eq!(small, [2, 1, 0]);
    }
}
