//! Private and public keys: PEM loading, key-type detection and size checks [\[R12\]](crate::rules#r12), [\[R16\]](crate::rules#r16),
//! and signing and verifying with them [\[R13\]](crate::rules#r13), [\[R14\]](crate::rules#r14).
//!
//! This is the only module that holds secret bytes, and the only one that sees a key's
//! material: other modules sign with [`sign_bytes`] (or the [`SigningKey`](crate::SigningKey)
//! implementation of [`PrivateKey`]) and verify with [`PublicKey::verify`]. Key text is
//! zeroized after parsing, and [`PrivateKey`]'s `Debug` shows only the algorithm.
//!
//! One concept per file:
//! - `pem`: PEM text to blocks (zeroizing), and recognising key text where none belongs;
//! - `private`: private keys from PEM/DER (PKCS#1, PKCS#8, SEC1, EC parameters), checks;
//! - `encrypted`: encrypted PKCS#8 and the caps on its key-derivation cost;
//! - `public`: public keys from PEM, to PEM, and verifying signatures;
//! - `generate`: new key pairs and their PEM;
//! - `backend`: [`Backend`], the libraries that sign, and [`sign_bytes`];
//! - `graviola_backend`, `openssl_backend`, `pkcs1_der`: the fast backends and the DER
//!   handed to them (private);
//! - `read`: bounded reading of key, passphrase, policy and cookie files.

use std::fmt;

use crate::error::{Error, Result};
use crate::hash::HashAlgorithm;

mod backend;
mod encrypted;
mod generate;
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
mod graviola_backend;
#[cfg(feature = "openssl")]
mod openssl_backend;
mod pem;
mod pkcs1_der;
mod private;
mod public;
mod read;

pub use backend::{Backend, sign_bytes};
pub use encrypted::{MAX_PBKDF2_ITERATIONS, MAX_SCRYPT_MEMORY, MAX_SCRYPT_WORK};
pub use pem::{looks_like_key_material, normalize_pem_text};
pub use public::verify_bytes;
pub use read::{MAX_FILE_LEN, read_small, read_small_file};

/// The RSA modulus size CloudFront accepts, in bits [\[R12\]](crate::rules#r12).
pub const RSA_BITS: usize = 2048;

/// The kind of a key, as CloudFront names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyAlgorithm {
    /// RSA with a 2048-bit modulus.
    Rsa2048,
    /// ECDSA on the NIST P-256 curve (prime256v1, secp256r1).
    EcdsaP256,
}

impl KeyAlgorithm {
    /// `"RSA-2048"` or `"ECDSA-P256"`.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyAlgorithm::Rsa2048 => "RSA-2048",
            KeyAlgorithm::EcdsaP256 => "ECDSA-P256",
        }
    }
}

impl fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for key text that is not what it should be; `source_name` names the file or
/// variable.
fn format_err(source_name: &str, problem: impl Into<String>) -> Error {
    Error::KeyFormat {
        source_name: source_name.into(),
        problem: problem.into(),
    }
}

impl HashAlgorithm {
    /// The default for a key type: SHA-1 for RSA (CloudFront's default, what every
    /// reference signer uses), SHA-256 for ECDSA P-256 (no legacy reason for SHA-1 there;
    /// signalled with `Hash-Algorithm=SHA256`) [\[R15\]](crate::rules#r15).
    pub fn default_for(key: KeyAlgorithm) -> Self {
        match key {
            KeyAlgorithm::Rsa2048 => HashAlgorithm::Sha1,
            KeyAlgorithm::EcdsaP256 => HashAlgorithm::Sha256,
        }
    }
}

/// The parsed private key, for the pure-Rust backends (and the source of every other
/// backend's copy).
enum PrivateMaterial {
    Rsa(Box<rsa::PrivateKey>),
    EcP256(Box<p256::ecdsa::SigningKey>),
}

/// A private key CloudFront accepts: RSA 2048 or ECDSA P-256.
///
/// Load it with [`PrivateKey::from_pem`] or [`PrivateKey::from_pem_file`]. The key
/// material is zeroized when the value is dropped; `Debug` prints only the algorithm.
pub struct PrivateKey {
    material: PrivateMaterial,
    /// The same RSA key parsed by OpenSSL, when that backend signs (feature `openssl`).
    #[cfg(feature = "openssl")]
    ossl: Option<openssl_backend::OsslRsa>,
    /// The same key parsed by graviola, when it signs SHA-256 (RSA or ECDSA; x86_64 and
    /// aarch64 CPUs with the features it needs).
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    grav: Option<graviola_backend::GraviolaKey>,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKey({})", self.algorithm())
    }
}

impl PrivateKey {
    /// Wraps parsed material, handing an RSA key to the build's default backend once.
    fn from_material(material: PrivateMaterial) -> Result<Self> {
        let key = PrivateKey {
            material,
            #[cfg(feature = "openssl")]
            ossl: None,
            #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
            grav: None,
        };
        key.with_backend(Backend::default_for_build())
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> KeyAlgorithm {
        match self.material {
            PrivateMaterial::Rsa(_) => KeyAlgorithm::Rsa2048,
            PrivateMaterial::EcP256(_) => KeyAlgorithm::EcdsaP256,
        }
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey {
            material: match &self.material {
                PrivateMaterial::Rsa(k) => PublicMaterial::Rsa(Box::new(k.to_public_key())),
                PrivateMaterial::EcP256(k) => PublicMaterial::EcP256(*k.verifying_key()),
            },
        }
    }
}

#[derive(Clone)]
enum PublicMaterial {
    Rsa(Box<rsa::PublicKey>),
    EcP256(p256::ecdsa::VerifyingKey),
}

/// A public key CloudFront accepts (RSA 2048 or ECDSA P-256), for verification.
#[derive(Clone)]
pub struct PublicKey {
    material: PublicMaterial,
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.algorithm())
    }
}

impl PublicKey {
    /// The key's algorithm.
    pub fn algorithm(&self) -> KeyAlgorithm {
        match self.material {
            PublicMaterial::Rsa(_) => KeyAlgorithm::Rsa2048,
            PublicMaterial::EcP256(_) => KeyAlgorithm::EcdsaP256,
        }
    }
}

/// Test keys shared by the unit tests of the key module's files.
#[cfg(test)]
mod test_keys {
    use super::PrivateKey;
    use crate::error::Result;

    pub(super) fn test_key(name: &str) -> Vec<u8> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/keys");
        std::fs::read(format!("{dir}/{name}")).unwrap()
    }

    pub(super) const PASS: &[u8] = b"test-passphrase";

    pub(super) fn load(name: &str) -> Result<PrivateKey> {
        PrivateKey::from_pem(&test_key(name), Some(PASS), name)
    }

    /// The public key of a loaded test key, to compare two encodings of one key.
    pub(super) fn public_pem(name: &str) -> String {
        load(name).unwrap().public_key().to_pem().unwrap()
    }
}
