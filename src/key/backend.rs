//! [`Backend`]: the libraries that make a key's signatures, chosen per build and CPU,
//! and [`sign_bytes`], which dispatches to them [\[R13\]](crate::rules#r13), [\[R14\]](crate::rules#r14).

use p256::ecdsa::signature::hazmat::PrehashSigner;
use sha1::Sha1;
use sha2::Sha256;

use super::{KeyAlgorithm, PrivateKey, PrivateMaterial};
use crate::error::{Error, Result};
use crate::hash::HashAlgorithm;

/// The libraries that make a key's signatures.
///
/// RSA: every backend produces identical signatures (PKCS#1 v1.5 is deterministic).
/// ECDSA P-256 with SHA-1 always signs with `p256` (RFC 6979: reproducible). ECDSA
/// P-256 with SHA-256 signs with graviola on [`Backend::Graviola`] and
/// `Backend::OpenSsl` when the CPU can run it: about 3x faster, but graviola mixes 16
/// random bytes into the RFC 6979 nonce, so signing the same policy twice gives two
/// different signatures (both valid). For reproducible ECDSA output (the same key,
/// policy and hash give the same bytes, as in tests or CI diffs), choose
/// [`Backend::RustCrypto`] with [`PrivateKey::with_backend`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Backend {
    /// The pure-Rust `rsa` and `p256` crates: constant-time, blinded RSA, RFC 6979 ECDSA
    /// (reproducible), no system library. The default on CPUs graviola cannot run.
    RustCrypto,
    /// `graviola` (pure Rust with formally verified assembly) for SHA-256, RSA and ECDSA
    /// P-256; the `rsa` and `p256` crates for SHA-1 (graviola has no SHA-1): several times
    /// faster for SHA-256, no system library; ECDSA-SHA256 output is not reproducible (see
    /// [`Backend`]). The default on x86_64 CPUs with aes, pclmulqdq, bmi1, bmi2, adx, avx
    /// and avx2, and aarch64 CPUs with neon, aes, pmull and sha2; asked for on another CPU,
    /// the key stays on [`Backend::RustCrypto`].
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    Graviola,
    /// OpenSSL through the `openssl` crate (cargo feature `openssl`) for RSA: about 5x
    /// faster per core than `rsa`. Some system OpenSSL policies refuse SHA-1 signatures.
    /// ECDSA keys sign as on [`Backend::Graviola`] (an ECDSA key asked to use OpenSSL
    /// reports that backend, or [`Backend::RustCrypto`] on a CPU graviola cannot run).
    #[cfg(feature = "openssl")]
    OpenSsl,
}

impl Backend {
    /// The backend a newly loaded key uses: OpenSSL when the `openssl` feature is on,
    /// else graviola when this CPU can run it ([`Backend::available`]), else the `rsa`
    /// crate.
    pub fn default_for_build() -> Self {
        #[cfg(feature = "openssl")]
        return Backend::OpenSsl;
        #[cfg(not(feature = "openssl"))]
        {
            #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
            if super::graviola_backend::cpu_supported() {
                return Backend::Graviola;
            }
            Backend::RustCrypto
        }
    }

    /// The backends compiled into this build that can sign on this CPU, fastest last.
    pub fn available() -> Vec<Backend> {
        #[allow(unused_mut)]
        let mut all = vec![Backend::RustCrypto];
        #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
        if super::graviola_backend::cpu_supported() {
            all.push(Backend::Graviola);
        }
        #[cfg(feature = "openssl")]
        all.push(Backend::OpenSsl);
        all
    }

    /// A short name: `rsa`, `graviola` or `openssl`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::RustCrypto => "rsa",
            #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
            Backend::Graviola => "graviola",
            #[cfg(feature = "openssl")]
            Backend::OpenSsl => "openssl",
        }
    }

    /// The library that makes a signature with a key of `algorithm` and `hash` on this
    /// backend and this CPU: `rsa`, `p256`, `graviola` or `openssl`.
    pub fn signs_with(self, algorithm: KeyAlgorithm, hash: HashAlgorithm) -> &'static str {
        let graviola = self.graviola_signs(algorithm, hash);
        match algorithm {
            _ if graviola => "graviola",
            #[cfg(feature = "openssl")]
            KeyAlgorithm::Rsa2048 if self == Backend::OpenSsl => "openssl",
            KeyAlgorithm::Rsa2048 => "rsa",
            KeyAlgorithm::EcdsaP256 => "p256",
        }
    }

    /// Whether signatures with `algorithm` and `hash` on this backend are reproducible
    /// (the same key and policy always give the same bytes): true except for ECDSA with
    /// SHA-256 through graviola (see [`Backend`]).
    pub fn reproducible(self, algorithm: KeyAlgorithm, hash: HashAlgorithm) -> bool {
        algorithm == KeyAlgorithm::Rsa2048 || !self.graviola_signs(algorithm, hash)
    }

    /// Whether graviola makes this signature: SHA-256 on a CPU it runs on, RSA on
    /// [`Backend::Graviola`], ECDSA on [`Backend::Graviola`] and `Backend::OpenSsl`.
    #[allow(unused_variables)]
    fn graviola_signs(self, algorithm: KeyAlgorithm, hash: HashAlgorithm) -> bool {
        #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
        if hash == HashAlgorithm::Sha256 && super::graviola_backend::cpu_supported() {
            return match self {
                Backend::RustCrypto => false,
                Backend::Graviola => true,
                #[cfg(feature = "openssl")]
                Backend::OpenSsl => algorithm == KeyAlgorithm::EcdsaP256,
            };
        }
        false
    }
}

impl PrivateKey {
    /// The backend that signs with this key: the one asked for, or [`Backend::RustCrypto`]
    /// where that one cannot sign on this CPU (an ECDSA key asked to use OpenSSL reports
    /// [`Backend::Graviola`], which signs its SHA-256 signatures). Which library makes
    /// each signature: [`Backend::signs_with`].
    pub fn backend(&self) -> Backend {
        #[cfg(feature = "openssl")]
        if self.ossl.is_some() {
            return Backend::OpenSsl;
        }
        #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
        if self.grav.is_some() {
            return Backend::Graviola;
        }
        Backend::RustCrypto
    }

    /// The same key signing through `backend` (parsed once, here). An ECDSA key asked to
    /// use `Backend::OpenSsl` signs as on [`Backend::Graviola`]; [`Backend::Graviola`]
    /// on a CPU that cannot run it leaves the key on [`Backend::RustCrypto`]
    /// ([`PrivateKey::backend`] says which). [`Backend::RustCrypto`] makes ECDSA output
    /// reproducible (RFC 6979, `p256`).
    ///
    /// # Errors
    /// [`Error::Crypto`] when OpenSSL or graviola cannot load the key.
    pub fn with_backend(self, backend: Backend) -> Result<Self> {
        #[allow(unused_mut)]
        let mut key = self;
        #[cfg(feature = "openssl")]
        {
            key.ossl = None;
        }
        #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
        {
            key.grav = None;
        }
        #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
        use super::graviola_backend::GraviolaKey;
        match (&key.material, backend) {
            (_, Backend::RustCrypto) => {}
            #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
            (PrivateMaterial::Rsa(k), Backend::Graviola) => key.grav = GraviolaKey::from_rsa(k)?,
            #[cfg(feature = "openssl")]
            (PrivateMaterial::Rsa(k), Backend::OpenSsl) => {
                key.ossl = Some(super::openssl_backend::OsslRsa::from_rsa(k)?);
            }
            #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
            (PrivateMaterial::EcP256(k), _) => key.grav = GraviolaKey::from_p256(k)?,
            #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
            (PrivateMaterial::EcP256(_), _) => {}
        }
        Ok(key)
    }
}

/// Signs `msg` with `key` [\[R13\]](crate::rules#r13), [\[R14\]](crate::rules#r14): RSASSA-PKCS1-v1_5 (blinded, deterministic
/// output) or ECDSA P-256, DER-encoded. Returns the raw signature. The key's [`Backend`]
/// decides the library: graviola signs only SHA-256 (RSA, and ECDSA with hedged,
/// non-reproducible nonces); SHA-1 then goes through the `rsa` crate or `p256` (RFC 6979
/// nonces).
///
/// # Errors
/// [`Error::Crypto`] if the backend fails; [`Error::Sha1Refused`] when the OpenSSL
/// backend's system policy refuses SHA-1.
pub fn sign_bytes(key: &PrivateKey, hash: HashAlgorithm, msg: &[u8]) -> Result<Vec<u8>> {
    let crypto = |e: &dyn std::fmt::Display| Error::Crypto {
        reason: e.to_string(),
    };
    #[cfg(feature = "openssl")]
    if let Some(k) = &key.ossl {
        return k.sign(hash, msg);
    }
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    if let (Some(k), HashAlgorithm::Sha256) = (&key.grav, hash) {
        return k.sign_sha256(msg);
    }
    match (&key.material, hash) {
        (PrivateMaterial::Rsa(k), HashAlgorithm::Sha1) => {
            k.pkcs1v15_sign::<Sha1>(msg).map_err(|e| crypto(&e))
        }
        (PrivateMaterial::Rsa(k), HashAlgorithm::Sha256) => {
            k.pkcs1v15_sign::<Sha256>(msg).map_err(|e| crypto(&e))
        }
        (PrivateMaterial::EcP256(k), h) => {
            let sig: p256::ecdsa::DerSignature =
                k.sign_prehash(&h.digest(msg)).map_err(|e| crypto(&e))?;
            Ok(sig.as_bytes().to_vec())
        }
    }
}
