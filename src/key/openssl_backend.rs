//! The optional OpenSSL signing backend (cargo feature `openssl`): RSA PKCS#1 v1.5
//! through the `openssl` crate, about 5x faster per core than the pure-Rust `rsa` crate.
//!
//! PKCS#1 v1.5 signatures are deterministic, so every backend gives the same bytes. ECDSA
//! keys do not sign through OpenSSL: SHA-256 goes through graviola where the CPU runs it
//! (about as fast as OpenSSL, also with randomised nonces), SHA-1 through `p256`
//! (RFC 6979, reproducible).

use ::openssl::hash::MessageDigest;
use ::openssl::pkey::{PKey, Private};

use crate::error::{Error, Result};
use crate::hash::HashAlgorithm;

/// An RSA private key parsed once by OpenSSL.
pub(super) struct OsslRsa(PKey<Private>);

impl OsslRsa {
    /// Hands an already validated RSA key to OpenSSL (through its PKCS#1 DER, zeroized).
    pub(super) fn from_rsa(key: &rsa::PrivateKey) -> Result<Self> {
        let der = super::pkcs1_der::pkcs1_der(key).ok_or_else(|| Error::Crypto {
            reason: "cannot encode the RSA key for OpenSSL (not a two-prime key)".into(),
        })?;
        let rsa = ::openssl::rsa::Rsa::private_key_from_der(&der).map_err(|e| Error::Crypto {
            reason: format!("OpenSSL cannot load the RSA key ({e})"),
        })?;
        let pkey = PKey::from_rsa(rsa).map_err(|e| Error::Crypto {
            reason: format!("OpenSSL cannot load the RSA key ({e})"),
        })?;
        Ok(OsslRsa(pkey))
    }

    /// RSASSA-PKCS1-v1_5 over `msg` with `hash`.
    pub(super) fn sign(&self, hash: HashAlgorithm, msg: &[u8]) -> Result<Vec<u8>> {
        let md = match hash {
            HashAlgorithm::Sha1 => MessageDigest::sha1(),
            HashAlgorithm::Sha256 => MessageDigest::sha256(),
        };
        let sig = ::openssl::sign::Signer::new(md, &self.0)
            .and_then(|mut s| s.sign_oneshot_to_vec(msg))
            .map_err(|e| refused(hash, &e.to_string()))?;
        if sig.is_empty() {
            return Err(refused(hash, "OpenSSL returned an empty signature"));
        }
        Ok(sig)
    }
}

/// The error for a signature OpenSSL would not make: for SHA-1 most likely a system
/// policy (RHEL 9, Fedora 41+, FIPS) that refuses SHA-1 signatures ([`Error::Sha1Refused`],
/// whose hint names the ways out).
pub(super) fn refused(hash: HashAlgorithm, reason: &str) -> Error {
    match hash {
        HashAlgorithm::Sha1 => Error::Sha1Refused {
            reason: reason.into(),
        },
        HashAlgorithm::Sha256 => Error::Crypto {
            reason: format!("OpenSSL could not sign ({reason})"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_refusal_names_the_ways_out_in_domain_words() {
        let e = refused(HashAlgorithm::Sha1, "invalid digest");
        assert!(matches!(e, Error::Sha1Refused { .. }), "{e:?}");
        let text = e.to_string();
        assert!(text.contains("invalid digest"), "{text}");
        assert!(!text.contains("--"), "names no option: {text}");
        let hint = e.hint().unwrap();
        assert!(hint.contains("SHA-256"), "{hint}");
        assert!(hint.contains("without the `openssl` feature"), "{hint}");
        assert!(!hint.contains("--"), "names no option: {hint}");
    }
}
