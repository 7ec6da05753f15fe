//! Public keys: SPKI and PKCS#1 PEM in (checked as CloudFront checks them [\[R12\]](crate::rules#r12)),
//! and verifying signatures with them [\[R13\]](crate::rules#r13), [\[R14\]](crate::rules#r14).

use std::path::Path;

use p256::ecdsa::signature::hazmat::PrehashVerifier;
use pkcs8::DecodePublicKey;
use pkcs8::der::Decode;
use rsa::pkcs1::DecodeRsaPublicKey;
use sha1::Sha1;
use sha2::Sha256;

use super::pem::first_block;
use super::private::{
    OID_EC, OID_P256, OID_RSA, algorithm_name, check_rsa_size, curve_name, modulus_bits,
    unsupported,
};
use super::read::read_small_file;
use super::{PublicKey, PublicMaterial, format_err};
use crate::error::{Error, Result};
use crate::hash::HashAlgorithm;

impl PublicKey {
    /// Parses a PEM public key: SPKI (`PUBLIC KEY`, as the CloudFront console takes it) or
    /// PKCS#1 (`RSA PUBLIC KEY`).
    ///
    /// # Errors
    /// [`Error::KeyFormat`] for text that is not a PEM public key, [`Error::WrongKeyKind`]
    /// for a private key or certificate, [`Error::KeyUnsupported`] for keys CloudFront
    /// refuses [\[R12\]](crate::rules#r12).
    pub fn from_pem(bytes: &[u8], source_name: &str) -> Result<Self> {
        let (block, _) = first_block(bytes, source_name, |tag| tag.ends_with("PUBLIC KEY"))?;
        let der = &block.der[..];
        let material = match block.tag.as_str() {
            "PUBLIC KEY" => {
                let spki = spki::SubjectPublicKeyInfoRef::from_der(der).map_err(|e| {
                    format_err(source_name, format!("is not a valid public key ({e})"))
                })?;
                let oid = spki.algorithm.oid;
                if oid == OID_RSA {
                    let key = rsa::PublicKey::from_public_key_der(der).map_err(|e| {
                        format_err(source_name, format!("is not a valid RSA public key ({e})"))
                    })?;
                    check_rsa_size(modulus_bits(&key), source_name)?;
                    PublicMaterial::Rsa(Box::new(key))
                } else if oid == OID_EC {
                    let curve = spki.algorithm.parameters_oid().ok();
                    if curve != Some(OID_P256) {
                        return Err(unsupported(source_name, curve_name(curve)));
                    }
                    let key = p256::ecdsa::VerifyingKey::from_public_key_der(der).map_err(|e| {
                        format_err(
                            source_name,
                            format!("is not a valid P-256 public key ({e})"),
                        )
                    })?;
                    PublicMaterial::EcP256(key)
                } else {
                    return Err(unsupported(source_name, algorithm_name(oid)));
                }
            }
            "RSA PUBLIC KEY" => {
                let key = rsa::PublicKey::from_pkcs1_der(der).map_err(|e| {
                    format_err(
                        source_name,
                        format!("is not a valid PKCS#1 RSA public key ({e})"),
                    )
                })?;
                check_rsa_size(modulus_bits(&key), source_name)?;
                PublicMaterial::Rsa(Box::new(key))
            }
            "CERTIFICATE" => {
                return Err(Error::WrongKeyKind {
                    source_name: source_name.into(),
                    found: "certificate".into(),
                    expected: "public key".into(),
                });
            }
            tag if tag.contains("PRIVATE KEY") => {
                return Err(Error::WrongKeyKind {
                    source_name: source_name.into(),
                    found: "private key".into(),
                    expected: "public key".into(),
                });
            }
            other => {
                return Err(format_err(
                    source_name,
                    format!("holds a PEM block of type {other:?}, not a public key"),
                ));
            }
        };
        Ok(PublicKey { material })
    }

    /// Reads and parses a PEM public key file; see [`PublicKey::from_pem`].
    ///
    /// # Errors
    /// [`Error::Read`] when the file cannot be read, else as [`PublicKey::from_pem`].
    pub fn from_pem_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let bytes = read_small_file(path, "public key")?;
        Self::from_pem(&bytes, &path.display().to_string())
    }

    /// Checks a raw signature over `msg` made with the matching private key and `hash`
    /// [\[R13\]](crate::rules#r13), [\[R14\]](crate::rules#r14): RSASSA-PKCS1-v1_5, or a DER-encoded ECDSA P-256 signature.
    ///
    /// # Errors
    /// [`Error::Crypto`] when the signature does not verify.
    pub fn verify(&self, hash: HashAlgorithm, msg: &[u8], signature: &[u8]) -> Result<()> {
        let bad = || Error::Crypto {
            reason: "the signature does not match".into(),
        };
        match (&self.material, hash) {
            (PublicMaterial::Rsa(k), HashAlgorithm::Sha1) => {
                k.pkcs1v15_verify::<Sha1>(msg, signature).map_err(|_| bad())
            }
            (PublicMaterial::Rsa(k), HashAlgorithm::Sha256) => k
                .pkcs1v15_verify::<Sha256>(msg, signature)
                .map_err(|_| bad()),
            (PublicMaterial::EcP256(k), h) => {
                let sig = p256::ecdsa::DerSignature::from_bytes(signature).map_err(|_| bad())?;
                k.verify_prehash(&h.digest(msg), &sig).map_err(|_| bad())
            }
        }
    }
}

/// Checks a raw signature over `msg` with `key` [\[R13\]](crate::rules#r13), [\[R14\]](crate::rules#r14); see
/// [`PublicKey::verify`].
///
/// # Errors
/// [`Error::Crypto`] when the signature does not verify.
pub fn verify_bytes(
    key: &PublicKey,
    hash: HashAlgorithm,
    msg: &[u8],
    signature: &[u8],
) -> Result<()> {
    key.verify(hash, msg, signature)
}
