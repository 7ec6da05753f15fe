//! Private keys from PEM and DER: PKCS#1, PKCS#8 (plain or, through `encrypted`,
//! encrypted), SEC1 with named or explicit P-256 parameters; key-type detection and the
//! size and curve checks CloudFront imposes [\[R12\]](crate::rules#r12), [\[R16\]](crate::rules#r16).

use std::path::Path;

use pkcs8::der::Decode;
use pkcs8::{DecodePrivateKey, ObjectIdentifier};
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use zeroize::Zeroizing;

use super::encrypted::decrypt_pkcs8;
use super::pem::first_block;
use super::read::read_small_file;
use super::{PrivateKey, PrivateMaterial, RSA_BITS, format_err};
use crate::error::{Error, Result};

pub(super) const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
pub(super) const OID_EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
pub(super) const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const OID_P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
const OID_SECP256K1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.10");
const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const OID_ED448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.113");
const OID_DSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10040.4.1");
const OID_RSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");

/// A readable name for a key algorithm CloudFront does not accept.
pub(super) fn algorithm_name(oid: ObjectIdentifier) -> String {
    match oid {
        o if o == OID_ED25519 => "Ed25519".into(),
        o if o == OID_ED448 => "Ed448".into(),
        o if o == OID_DSA => "DSA".into(),
        o if o == OID_RSA_PSS => "RSA-PSS (restricted RSA)".into(),
        o => format!("algorithm {o}"),
    }
}

pub(super) fn curve_name(oid: Option<ObjectIdentifier>) -> String {
    match oid {
        Some(o) if o == OID_P384 => "ECDSA P-384".into(),
        Some(o) if o == OID_P521 => "ECDSA P-521".into(),
        Some(o) if o == OID_SECP256K1 => "ECDSA secp256k1".into(),
        Some(o) => format!("ECDSA (curve {o})"),
        None => "ECDSA (unnamed curve)".into(),
    }
}

pub(super) fn unsupported(source_name: &str, found: impl Into<String>) -> Error {
    Error::KeyUnsupported {
        source_name: source_name.into(),
        found: found.into(),
    }
}

/// The exact size of an RSA modulus in bits (not its length in bytes times 8, which
/// takes a 2041-bit modulus for 2048 bits).
pub(super) fn modulus_bits(key: &impl PublicKeyParts) -> usize {
    key.n().as_ref().bit_width() as usize
}

pub(super) fn check_rsa_size(bits: usize, source_name: &str) -> Result<()> {
    if bits != RSA_BITS {
        return Err(unsupported(source_name, format!("RSA-{bits}")));
    }
    Ok(())
}

/// The curve an EC key's parameters name.
#[derive(Clone, Copy, PartialEq, Eq)]
enum EcCurve {
    /// A named curve (an OID).
    Named(ObjectIdentifier),
    /// Explicit parameters equal to P-256's (as `openssl ec -param_enc explicit` writes).
    ExplicitP256,
    /// Explicit parameters of another curve.
    ExplicitOther,
}

/// Reads EC parameters (absent, a curve OID, or an explicit `SpecifiedECDomain`).
fn ec_curve(params: Option<pkcs8::der::asn1::AnyRef<'_>>) -> Option<EcCurve> {
    let params = params?;
    if let Ok(oid) = params.decode_as::<ObjectIdentifier>() {
        return Some(EcCurve::Named(oid));
    }
    Some(if is_p256_explicit(params) {
        EcCurve::ExplicitP256
    } else {
        EcCurve::ExplicitOther
    })
}

/// P-256's domain parameters (SEC 2, FIPS 186-4 D.1.2.3), hex, big-endian.
const P256_P: &str = "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff";
const P256_A: &str = "ffffffff00000001000000000000000000000000fffffffffffffffffffffffc";
const P256_B: &str = "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b";
const P256_GX: &str = "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296";
const P256_GY: &str = "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5";
const P256_N: &str = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";
const OID_PRIME_FIELD: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.1.1");

fn hex_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .filter_map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
        .collect()
}

fn strip_zeros(b: &[u8]) -> &[u8] {
    let start = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    &b[start..]
}

/// Whether explicit EC parameters (`SpecifiedECDomain`, SEC 1 C.2) describe P-256: the
/// prime field, `a`, `b`, the base point (uncompressed or compressed), the order and a
/// cofactor of 1 (the seed is not checked: it only documents how `b` was chosen).
fn is_p256_explicit(params: pkcs8::der::asn1::AnyRef<'_>) -> bool {
    use pkcs8::der::asn1::{AnyRef, OctetStringRef, UintRef};
    use pkcs8::der::{Reader as _, Tag};
    let parsed = params.sequence(|r| -> pkcs8::der::Result<_> {
        let _version: u8 = r.decode()?;
        let (field, p) = r.sequence(|f| -> pkcs8::der::Result<_> {
            Ok((
                f.decode::<ObjectIdentifier>()?,
                f.decode::<UintRef<'_>>()?.as_bytes().to_vec(),
            ))
        })?;
        let (a, b) = r.sequence(|c| -> pkcs8::der::Result<_> {
            let a = c.decode::<&OctetStringRef>()?.as_bytes().to_vec();
            let b = c.decode::<&OctetStringRef>()?.as_bytes().to_vec();
            if !c.is_finished() && Tag::peek(c)? == Tag::BitString {
                let _seed: AnyRef<'_> = c.decode()?;
            }
            Ok((a, b))
        })?;
        let base = r.decode::<&OctetStringRef>()?.as_bytes().to_vec();
        let order = r.decode::<UintRef<'_>>()?.as_bytes().to_vec();
        let cofactor = if r.is_finished() {
            vec![1]
        } else {
            r.decode::<UintRef<'_>>()?.as_bytes().to_vec()
        };
        Ok((field, p, a, b, base, order, cofactor))
    });
    let Ok((field, p, a, b, base, order, cofactor)) = parsed else {
        return false;
    };
    let uncompressed = [vec![4], hex_bytes(P256_GX), hex_bytes(P256_GY)].concat();
    // Gy is odd, so the compressed base point starts with 03.
    let compressed = [vec![3], hex_bytes(P256_GX)].concat();
    field == OID_PRIME_FIELD
        && strip_zeros(&p) == hex_bytes(P256_P)
        && strip_zeros(&a) == hex_bytes(P256_A)
        && strip_zeros(&b) == hex_bytes(P256_B)
        && (base == uncompressed || base == compressed)
        && strip_zeros(&order) == hex_bytes(P256_N)
        && strip_zeros(&cofactor) == [1]
}

impl PrivateKey {
    /// Parses a PEM private key: PKCS#1 (`RSA PRIVATE KEY`), PKCS#8 (`PRIVATE KEY`),
    /// encrypted PKCS#8 (`ENCRYPTED PRIVATE KEY`, with `passphrase`) or SEC1
    /// (`EC PRIVATE KEY`, also after an `EC PARAMETERS` block); LF or CRLF line ends,
    /// or literal `\n` sequences as CI secrets often hold [\[R16\]](crate::rules#r16).
    ///
    /// `source_name` (a path or variable name) is used in error messages only.
    ///
    /// # Errors
    /// [`Error::KeyFormat`] for text that is not a PEM private key,
    /// [`Error::WrongKeyKind`] for a public key or certificate, [`Error::Passphrase`] for a
    /// missing or wrong passphrase, [`Error::KeyUnsupported`] for keys CloudFront refuses
    /// (RSA other than 2048 bits, curves other than P-256, Ed25519) [\[R12\]](crate::rules#r12).
    pub fn from_pem(bytes: &[u8], passphrase: Option<&[u8]>, source_name: &str) -> Result<Self> {
        let (block, params) = first_block(bytes, source_name, |tag| tag.ends_with("PRIVATE KEY"))?;
        let params_curve = params
            .as_ref()
            .and_then(|p| pkcs8::der::asn1::AnyRef::from_der(&p.der).ok())
            .and_then(|p| ec_curve(Some(p)));
        if block.legacy_encrypted {
            return Err(format_err(
                source_name,
                "uses OpenSSL's legacy PEM encryption (Proc-Type: 4,ENCRYPTED); convert it with `openssl pkcs8 -topk8 -in OLD.pem -out NEW.pem`",
            ));
        }
        let der = &block.der;
        match block.tag.as_str() {
            "RSA PRIVATE KEY" => {
                let key = rsa::PrivateKey::from_pkcs1_der(der).map_err(|e| {
                    format_err(source_name, format!("is not a valid PKCS#1 RSA key ({e})"))
                })?;
                Self::from_rsa(key, source_name)
            }
            "PRIVATE KEY" => Self::from_pkcs8_der(der, source_name),
            "ENCRYPTED PRIVATE KEY" => {
                let Some(pass) = passphrase else {
                    return Err(Error::Passphrase {
                        source_name: source_name.into(),
                        problem: "is encrypted and no passphrase was given".into(),
                    });
                };
                let plain = decrypt_pkcs8(der, pass, source_name)?;
                Self::from_pkcs8_der(&plain, source_name)
            }
            "EC PRIVATE KEY" => Self::from_sec1_der(der, params_curve, source_name),
            "PUBLIC KEY" | "RSA PUBLIC KEY" => Err(Error::WrongKeyKind {
                source_name: source_name.into(),
                found: "public key".into(),
                expected: "private key".into(),
            }),
            "CERTIFICATE" => Err(Error::WrongKeyKind {
                source_name: source_name.into(),
                found: "certificate".into(),
                expected: "private key".into(),
            }),
            "OPENSSH PRIVATE KEY" => Err(format_err(
                source_name,
                "is an OpenSSH key; convert a copy with `ssh-keygen -p -m PKCS8 -f COPY`",
            )),
            other => Err(format_err(
                source_name,
                format!("holds a PEM block of type {other:?}, not a private key"),
            )),
        }
    }

    /// Reads and parses a PEM private key file; see [`PrivateKey::from_pem`].
    ///
    /// # Errors
    /// [`Error::Read`] when the file cannot be read, else as [`PrivateKey::from_pem`].
    pub fn from_pem_file(path: impl AsRef<Path>, passphrase: Option<&[u8]>) -> Result<Self> {
        let path = path.as_ref();
        let bytes = Zeroizing::new(read_small_file(path, "private key")?);
        Self::from_pem(&bytes, passphrase, &path.display().to_string())
    }

    /// Whether PEM text holds an encrypted key (so a passphrase is needed).
    pub fn pem_is_encrypted(bytes: &[u8]) -> bool {
        let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
        has(b"-----BEGIN ENCRYPTED PRIVATE KEY-----") || has(b"Proc-Type: 4,ENCRYPTED")
    }

    fn from_rsa(key: rsa::PrivateKey, source_name: &str) -> Result<Self> {
        check_rsa_size(modulus_bits(&key), source_name)?;
        Self::from_material(PrivateMaterial::Rsa(Box::new(key)))
    }

    fn from_pkcs8_der(der: &[u8], source_name: &str) -> Result<Self> {
        let info = pkcs8::PrivateKeyInfoRef::from_der(der)
            .map_err(|e| format_err(source_name, format!("is not a valid PKCS#8 key ({e})")))?;
        let oid = info.algorithm.oid;
        if oid == OID_RSA {
            let key = rsa::PrivateKey::from_pkcs8_der(der)
                .map_err(|e| format_err(source_name, format!("is not a valid RSA key ({e})")))?;
            return Self::from_rsa(key, source_name);
        }
        if oid == OID_EC {
            let curve = ec_curve(info.algorithm.parameters);
            return Self::from_sec1_der(info.private_key.as_bytes(), curve, source_name);
        }
        Err(unsupported(source_name, algorithm_name(oid)))
    }

    /// A SEC1 `ECPrivateKey` (alone, or inside PKCS#8); `outer` is the curve named outside
    /// it (the PKCS#8 algorithm parameters or an `EC PARAMETERS` block).
    fn from_sec1_der(der: &[u8], outer: Option<EcCurve>, source_name: &str) -> Result<Self> {
        use pkcs8::der::asn1::{AnyRef, ContextSpecific, OctetStringRef};
        use pkcs8::der::{Reader as _, TagNumber};
        let parsed = AnyRef::from_der(der).and_then(|any| {
            any.sequence(|r| {
                let _version: u8 = r.decode()?;
                let scalar = r.decode::<&OctetStringRef>()?.as_bytes();
                let params = ContextSpecific::<AnyRef>::decode_explicit(r, TagNumber(0))?;
                let _public = ContextSpecific::<AnyRef>::decode_explicit(r, TagNumber(1))?;
                Ok((scalar, params.map(|p| p.value)))
            })
        });
        let (scalar, params) = parsed
            .map_err(|e| format_err(source_name, format!("is not a valid SEC1 EC key ({e})")))?;
        match ec_curve(params).or(outer) {
            Some(EcCurve::Named(o)) if o == OID_P256 => {}
            Some(EcCurve::ExplicitP256) => {}
            Some(EcCurve::Named(o)) => return Err(unsupported(source_name, curve_name(Some(o)))),
            Some(EcCurve::ExplicitOther) => {
                return Err(unsupported(
                    source_name,
                    "ECDSA (explicit curve parameters, not P-256's)",
                ));
            }
            None => return Err(unsupported(source_name, curve_name(None))),
        }
        let secret = p256::SecretKey::from_slice(scalar).map_err(|_| {
            format_err(
                source_name,
                "is not a valid P-256 key (the private scalar is out of range)",
            )
        })?;
        // Boxed at once, so the key is not moved (and copied) again after this.
        Self::from_material(PrivateMaterial::EcP256(Box::new(secret.into())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::test_keys::{load, public_pem};

    /// Regression (issue 10.3): SEC1 and PKCS#8 keys with explicit P-256 parameters were
    /// refused as an "unnamed curve"; other explicit curves must still be refused by name.
    #[test]
    fn explicit_p256_parameters_are_accepted_others_named() {
        let named = public_pem("ec_p256_sec1.pem");
        assert_eq!(public_pem("ec_p256_sec1_explicit.pem"), named);
        assert_eq!(public_pem("ec_p256_pkcs8_explicit.pem"), named);
        let e = load("ec_p384_sec1_explicit.pem").unwrap_err();
        assert!(matches!(e, Error::KeyUnsupported { .. }), "{e:?}");
        assert!(
            e.to_string()
                .contains("explicit curve parameters, not P-256"),
            "{e}"
        );
    }

    /// Regression (issue 10.3): RSA keys of 2041-2047 bits were taken for RSA-2048 (the
    /// check was bytes x 8).
    #[test]
    fn rsa_keys_of_2041_to_2047_bits_are_refused() {
        for (name, bits) in [("rsa2041_pkcs1.pem", 2041), ("rsa2047_pkcs1.pem", 2047)] {
            let e = load(name).unwrap_err();
            assert!(matches!(e, Error::KeyUnsupported { .. }), "{e:?}");
            assert!(e.to_string().contains(&format!("RSA-{bits}")), "{e}");
        }
    }
}
