//! New key pairs CloudFront accepts (RSA 2048, ECDSA P-256) and their PEM: PKCS#8,
//! optionally encrypted, and SubjectPublicKeyInfo [\[R12\]](crate::rules#r12), [\[R16\]](crate::rules#r16).

use std::fmt;

use pkcs8::der::Decode;
use zeroize::Zeroizing;

use super::{KeyAlgorithm, PrivateKey, PrivateMaterial, PublicKey, PublicMaterial, RSA_BITS};
use crate::error::{Error, Result};

fn keygen_err(e: impl fmt::Display) -> Error {
    Error::KeyGeneration {
        reason: e.to_string(),
    }
}

impl PrivateKey {
    /// Generates a new key CloudFront accepts: RSA with a 2048-bit modulus and exponent
    /// 65537, or ECDSA P-256 [\[R12\]](crate::rules#r12), from the operating system's random number generator.
    ///
    /// # Errors
    /// [`Error::KeyGeneration`] when the system random number generator fails.
    pub fn generate(algorithm: KeyAlgorithm) -> Result<Self> {
        let material = match algorithm {
            KeyAlgorithm::Rsa2048 => PrivateMaterial::Rsa(Box::new(
                rsa::PrivateKey::new(&mut getrandom::SysRng, RSA_BITS).map_err(keygen_err)?,
            )),
            KeyAlgorithm::EcdsaP256 => {
                use p256::elliptic_curve::Generate as _;
                let secret = p256::SecretKey::try_generate_from_rng(&mut getrandom::SysRng)
                    .map_err(keygen_err)?;
                PrivateMaterial::EcP256(Box::new(secret.into()))
            }
        };
        Self::from_material(material)
    }

    /// The key as PEM PKCS#8 (`PRIVATE KEY`), or, with a passphrase, as encrypted PKCS#8
    /// (`ENCRYPTED PRIVATE KEY`, PBES2 with scrypt and AES-256-CBC) [\[R16\]](crate::rules#r16). LF line ends.
    /// The text is zeroized when dropped.
    ///
    /// # Errors
    /// [`Error::KeyGeneration`] when encoding or encryption fails.
    pub fn to_pkcs8_pem(&self, passphrase: Option<&[u8]>) -> Result<Zeroizing<String>> {
        use pkcs8::EncodePrivateKey;
        use pkcs8::der::pem::PemLabel;
        let doc = match &self.material {
            PrivateMaterial::Rsa(k) => k.to_pkcs8_der(),
            PrivateMaterial::EcP256(k) => k.to_pkcs8_der(),
        }
        .map_err(keygen_err)?;
        let line_ending = pkcs8::LineEnding::LF;
        match passphrase {
            None => doc
                .to_pem(pkcs8::PrivateKeyInfoRef::PEM_LABEL, line_ending)
                .map_err(keygen_err),
            Some(pass) => {
                let info =
                    pkcs8::PrivateKeyInfoRef::from_der(doc.as_bytes()).map_err(keygen_err)?;
                let encrypted = info
                    .encrypt_with_rng(&mut getrandom::SysRng, pass)
                    .map_err(keygen_err)?;
                encrypted
                    .to_pem(pkcs8::EncryptedPrivateKeyInfoRef::PEM_LABEL, line_ending)
                    .map_err(keygen_err)
            }
        }
    }
}

impl PublicKey {
    /// The key as PEM SubjectPublicKeyInfo (`PUBLIC KEY`), the form the CloudFront console
    /// and `aws cloudfront create-public-key` take. LF line ends.
    ///
    /// # Errors
    /// [`Error::KeyGeneration`] when encoding fails.
    pub fn to_pem(&self) -> Result<String> {
        use pkcs8::EncodePublicKey;
        let line_ending = pkcs8::LineEnding::LF;
        match &self.material {
            PublicMaterial::Rsa(k) => k.to_public_key_pem(line_ending),
            PublicMaterial::EcP256(k) => k.to_public_key_pem(line_ending),
        }
        .map_err(keygen_err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_round_trip_through_pem() {
        for alg in [KeyAlgorithm::EcdsaP256, KeyAlgorithm::Rsa2048] {
            let key = PrivateKey::generate(alg).unwrap();
            assert_eq!(key.algorithm(), alg);
            let pem = key.to_pkcs8_pem(None).unwrap();
            assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{alg}");
            let back = PrivateKey::from_pem(pem.as_bytes(), None, "gen").unwrap();
            let public = key.public_key().to_pem().unwrap();
            assert!(public.starts_with("-----BEGIN PUBLIC KEY-----\n"), "{alg}");
            assert_eq!(back.public_key().to_pem().unwrap(), public);
            let loaded = PublicKey::from_pem(public.as_bytes(), "pub").unwrap();
            assert_eq!(loaded.algorithm(), alg);
        }
    }

    #[test]
    fn generated_key_encrypts_with_passphrase() {
        let key = PrivateKey::generate(KeyAlgorithm::EcdsaP256).unwrap();
        let pem = key.to_pkcs8_pem(Some(b"correct horse")).unwrap();
        assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
        let e = PrivateKey::from_pem(pem.as_bytes(), Some(b"wrong"), "k").unwrap_err();
        assert!(matches!(e, Error::Passphrase { .. }), "{e}");
        let back = PrivateKey::from_pem(pem.as_bytes(), Some(b"correct horse"), "k").unwrap();
        assert_eq!(
            back.public_key().to_pem().unwrap(),
            key.public_key().to_pem().unwrap()
        );
    }
}
