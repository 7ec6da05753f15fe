//! [`HashAlgorithm`]: the digest signed over the policy bytes, and its wire value (the
//! `Hash-Algorithm` parameter) both ways [\[R13\]](crate::rules#r13)-[\[R15\]](crate::rules#r15). A leaf: it depends on no other
//! module of the crate, so keys, backends, signing and verification can all use it.

use std::fmt;
use std::str::FromStr;

use sha1::Sha1;
use sha2::{Digest, Sha256};

/// The digest signed over the policy bytes [\[R13\]](crate::rules#r13)-[\[R15\]](crate::rules#r15).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HashAlgorithm {
    /// SHA-1: CloudFront's default; no parameter is added.
    #[default]
    Sha1,
    /// SHA-256: signalled with `Hash-Algorithm=SHA256` (URLs) or
    /// `CloudFront-Hash-Algorithm=SHA256` (cookies) [\[R15\]](crate::rules#r15).
    Sha256,
}

impl HashAlgorithm {
    /// `"SHA1"` or `"SHA256"`: the value CloudFront's `Hash-Algorithm` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            HashAlgorithm::Sha1 => "SHA1",
            HashAlgorithm::Sha256 => "SHA256",
        }
    }

    /// The value of the `Hash-Algorithm` parameter, or `None` for SHA-1 (the default,
    /// which is signalled by leaving the parameter out) [\[R15\]](crate::rules#r15).
    pub fn parameter(self) -> Option<&'static str> {
        match self {
            HashAlgorithm::Sha1 => None,
            HashAlgorithm::Sha256 => Some("SHA256"),
        }
    }

    /// The digest of `msg`.
    pub fn digest(self, msg: &[u8]) -> Vec<u8> {
        match self {
            HashAlgorithm::Sha1 => Sha1::digest(msg).to_vec(),
            HashAlgorithm::Sha256 => Sha256::digest(msg).to_vec(),
        }
    }
}

impl FromStr for HashAlgorithm {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.to_ascii_uppercase().replace('-', "").as_str() {
            "SHA1" => Ok(HashAlgorithm::Sha1),
            "SHA256" => Ok(HashAlgorithm::Sha256),
            _ => Err(format!("unknown hash algorithm {s:?}: use sha1 or sha256")),
        }
    }
}

impl fmt::Display for HashAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
