//! Encrypted PKCS#8 keys (`ENCRYPTED PRIVATE KEY`): PBES2 decryption into a zeroizing
//! buffer, and the caps on key-derivation cost that keep a hostile key file from
//! panicking, exhausting memory or running for hours. A wrong passphrase is reported as
//! such; an unsupported scheme or bad parameter is named, with the conversion that fixes it.

use pkcs8::ObjectIdentifier;
use pkcs8::der::Decode;
use zeroize::{Zeroize, Zeroizing};

use super::format_err;
use crate::error::{Error, Result};

/// The most PBKDF2 iterations cfsign runs to decrypt a key (about a second or two of CPU;
/// OpenSSL writes 2,048, current guidance is a few hundred thousand).
pub const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;
/// The most memory scrypt may use to decrypt a key, in bytes (128·N·r): 256 MiB.
pub const MAX_SCRYPT_MEMORY: u128 = 256 * 1024 * 1024;
/// The most scrypt work cfsign runs to decrypt a key, as N·r·p (a few seconds; OpenSSL's
/// default N=16384, r=8, p=1 is 131,072).
pub const MAX_SCRYPT_WORK: u128 = 1 << 22;

/// The one-line conversion to an encryption cfsign reads.
const REENCRYPT: &str = "`openssl pkcs8 -topk8 -v2 aes-256-cbc -in OLD.pem -out NEW.pem` (it asks for the passphrase, then a new one)";

fn encryption_err(source_name: &str, problem: impl Into<String>) -> Error {
    Error::KeyEncryption {
        source_name: source_name.into(),
        problem: problem.into(),
        fix: REENCRYPT.into(),
    }
}

/// Refuses key-derivation parameters that would panic, exhaust memory or run for minutes
/// (a hostile or damaged key file), before anything is derived.
fn check_kdf(kdf: &pkcs5::pbes2::Kdf, source_name: &str) -> Result<()> {
    use pkcs5::pbes2::Kdf;
    match kdf {
        Kdf::Pbkdf2(p) => {
            let n = p.iteration_count;
            if n == 0 || n > MAX_PBKDF2_ITERATIONS {
                return Err(encryption_err(
                    source_name,
                    format!(
                        "is encrypted with a PBKDF2 iteration count of {n}, outside the 1 to {MAX_PBKDF2_ITERATIONS} cfsign runs"
                    ),
                ));
            }
        }
        Kdf::Scrypt(p) => {
            let (n, r, par) = (p.cost_parameter, p.block_size, p.parallelization);
            let bad = |what: String| Err(encryption_err(source_name, what));
            if n < 2 || !n.is_power_of_two() {
                return bad(format!(
                    "is encrypted with scrypt cost parameter N = {n}, which is not a power of two greater than 1"
                ));
            }
            if r == 0 || par == 0 {
                return bad(format!(
                    "is encrypted with scrypt block size r = {r} and parallelization p = {par}; both must be 1 or more"
                ));
            }
            let memory = 128 * u128::from(n) * u128::from(r);
            if memory > MAX_SCRYPT_MEMORY {
                return bad(format!(
                    "is encrypted with scrypt N = {n}, r = {r}, which needs {} MiB of memory, over cfsign's limit of {} MiB",
                    memory >> 20,
                    MAX_SCRYPT_MEMORY >> 20
                ));
            }
            let work = u128::from(n) * u128::from(r) * u128::from(par);
            if work > MAX_SCRYPT_WORK {
                return bad(format!(
                    "is encrypted with scrypt parallelization p = {par} (N = {n}, r = {r}): N·r·p = {work} is over cfsign's limit of {MAX_SCRYPT_WORK} (seconds to hours of work)"
                ));
            }
        }
        _ => {
            return Err(encryption_err(
                source_name,
                "is encrypted with a key-derivation function cfsign does not know",
            ));
        }
    }
    Ok(())
}

/// The name OpenSSL gives a PKCS#5 v1.5 or PKCS#12 password-based encryption OID.
fn pbes1_name(oid: ObjectIdentifier) -> Option<&'static str> {
    let name = match oid.to_string().as_str() {
        "1.2.840.113549.1.12.1.1" => "PBE-SHA1-RC4-128",
        "1.2.840.113549.1.12.1.2" => "PBE-SHA1-RC4-40",
        "1.2.840.113549.1.12.1.3" => "PBE-SHA1-3DES",
        "1.2.840.113549.1.12.1.4" => "PBE-SHA1-2DES",
        "1.2.840.113549.1.12.1.5" => "PBE-SHA1-RC2-128",
        "1.2.840.113549.1.12.1.6" => "PBE-SHA1-RC2-40",
        "1.2.840.113549.1.5.1" => "PBE-MD2-DES",
        "1.2.840.113549.1.5.3" => "PBE-MD5-DES",
        "1.2.840.113549.1.5.4" => "PBE-MD2-RC2-64",
        "1.2.840.113549.1.5.6" => "PBE-MD5-RC2-64",
        "1.2.840.113549.1.5.10" => "PBE-SHA1-DES",
        "1.2.840.113549.1.5.11" => "PBE-SHA1-RC2-64",
        _ => return None,
    };
    Some(name)
}

/// What is wrong with a DES-CBC or DES-EDE3-CBC IV that is not 8 bytes in PBES2
/// parameters: pkcs5 0.8 slices such an IV to 8 bytes unchecked and panics on a shorter
/// one, so it is refused before pkcs5 reads the parameters. `None` for anything else
/// (which pkcs5 checks itself).
fn short_des_iv(pbes2_params: pkcs8::der::asn1::AnyRef<'_>) -> Option<String> {
    use pkcs8::der::Reader as _;
    use pkcs8::der::asn1::OctetStringRef;
    let enc = pbes2_params
        .sequence(|r| {
            let _kdf: spki::AlgorithmIdentifierRef<'_> = r.decode()?;
            r.decode::<spki::AlgorithmIdentifierRef<'_>>()
        })
        .ok()?;
    let cipher = match enc.oid.to_string().as_str() {
        "1.2.840.113549.3.7" => "DES-EDE3-CBC",
        "1.3.14.3.2.7" => "DES-CBC",
        _ => return None,
    };
    let iv = enc.parameters?.decode_as::<&OctetStringRef>().ok()?;
    let n = iv.as_bytes().len();
    (n != 8).then(|| {
        format!(
            "is encrypted with {cipher} and an IV of {n} bytes where 8 are needed (a damaged file?)"
        )
    })
}

/// Decrypts an `ENCRYPTED PRIVATE KEY` (PBES2: PBKDF2 with HMAC-SHA1/SHA-2 or scrypt;
/// AES-CBC, AES-GCM or DES-EDE3-CBC) into a zeroizing buffer, after checking the KDF
/// cost. Only a decryption failure is reported as a wrong passphrase; an unsupported
/// scheme or bad parameter is named as such.
pub(super) fn decrypt_pkcs8(
    der: &[u8],
    pass: &[u8],
    source_name: &str,
) -> Result<Zeroizing<Vec<u8>>> {
    use pkcs8::der::Reader as _;
    use pkcs8::der::asn1::{AnyRef, OctetStringRef};
    let parsed = AnyRef::from_der(der).and_then(|any| {
        any.sequence(|r| {
            let alg: spki::AlgorithmIdentifierRef<'_> = r.decode()?;
            let data = r.decode::<&OctetStringRef>()?.as_bytes();
            Ok((alg, data))
        })
    });
    let (alg, data) = parsed.map_err(|e| {
        format_err(
            source_name,
            format!("is not a valid encrypted PKCS#8 key ({e})"),
        )
    })?;
    if alg.oid != pkcs5::pbes2::PBES2_OID {
        let scheme = match pbes1_name(alg.oid) {
            Some(name) => format!("the old PBES1 scheme {name} (`openssl pkcs8 -v1 {name}`)"),
            None => format!(
                "an encryption scheme cfsign does not know (OID {})",
                alg.oid
            ),
        };
        return Err(encryption_err(
            source_name,
            format!("is encrypted with {scheme}, which cfsign does not read"),
        ));
    }
    if let Some(problem) = alg.parameters.and_then(short_des_iv) {
        return Err(encryption_err(source_name, problem));
    }
    let params = alg
        .parameters
        .ok_or(pkcs8::der::Tag::Sequence.value_error().into())
        .and_then(pkcs5::pbes2::Parameters::try_from)
        .map_err(|e| {
            encryption_err(
                source_name,
                format!("uses PBES2 parameters cfsign cannot read ({e})"),
            )
        })?;
    check_kdf(&params.kdf, source_name)?;
    let mut buf = Zeroizing::new(data.to_vec());
    let len = match params.decrypt_in_place(pass, &mut buf) {
        Ok(plain) => plain.len(),
        Err(pkcs5::Error::DecryptFailed) => {
            return Err(Error::Passphrase {
                source_name: source_name.into(),
                problem: "could not be decrypted: the passphrase is wrong".into(),
            });
        }
        Err(pkcs5::Error::UnsupportedAlgorithm { oid }) => {
            let what = if oid.to_string() == "1.3.14.3.2.7" {
                "single DES (`-v2 des`), which is too weak to read".to_string()
            } else {
                format!("algorithm {oid}, which cfsign does not read")
            };
            return Err(encryption_err(
                source_name,
                format!("is encrypted with {what}"),
            ));
        }
        Err(e) => {
            return Err(encryption_err(
                source_name,
                format!("has encryption parameters cfsign cannot use ({e})"),
            ));
        }
    };
    buf[len..].zeroize();
    buf.truncate(len);
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::test_keys::{PASS, load, public_pem, test_key};
    use crate::key::{KeyAlgorithm, PrivateKey};

    /// Regression (issue 10.3): PBES2 with PRF hmacWithSHA1, OpenSSL 1.0.x's default, was
    /// reported as a wrong passphrase.
    #[test]
    fn pbes2_hmac_sha1_key_is_not_a_wrong_passphrase() {
        assert_eq!(
            public_pem("rsa2048_pkcs8_encrypted_sha1prf.pem"),
            public_pem("rsa2048_pkcs8.pem")
        );
        let e = PrivateKey::from_pem(
            &test_key("rsa2048_pkcs8_encrypted_sha1prf.pem"),
            Some(b"wrong"),
            "k",
        )
        .unwrap_err();
        assert!(matches!(e, Error::Passphrase { .. }), "{e}");
    }

    /// Regression (issue 10.3): `-v2 des3` keys gave an ASN.1/OID error.
    #[test]
    fn pbes2_des3_key_loads() {
        assert_eq!(
            public_pem("ec_p256_pkcs8_encrypted_des3.pem"),
            public_pem("ec_p256_pkcs8.pem")
        );
    }

    /// Regression (issue 10.3): a PBES1 key (`-v1 PBE-SHA1-3DES`) gave an ASN.1/OID error;
    /// it must name the scheme and the conversion, never blame the passphrase.
    #[test]
    fn pbes1_key_names_the_scheme_and_the_conversion() {
        let e = load("ec_p256_pkcs8_encrypted_pbes1.pem").unwrap_err();
        assert!(matches!(e, Error::KeyEncryption { .. }), "{e:?}");
        assert!(e.to_string().contains("PBE-SHA1-3DES"), "{e}");
        let hint = e.hint().unwrap();
        assert!(
            hint.contains("openssl pkcs8 -topk8 -v2 aes-256-cbc"),
            "{hint}"
        );
    }

    /// The scrypt and PBKDF2 test keys with their KDF parameters replaced, as PEM.
    fn with_kdf(name: &str, edit: impl Fn(&mut pkcs5::pbes2::Kdf)) -> Vec<u8> {
        use pkcs8::der::Encode;
        let pem = test_key(name);
        let (_, der) = pkcs8::der::pem::decode_vec(&pem).unwrap();
        let mut info = pkcs8::EncryptedPrivateKeyInfoRef::from_der(&der).unwrap();
        let pkcs5::EncryptionScheme::Pbes2(params) = &mut info.encryption_algorithm else {
            panic!("not PBES2");
        };
        edit(&mut params.kdf);
        let der = info.to_der().unwrap();
        pkcs8::der::pem::encode_string("ENCRYPTED PRIVATE KEY", pkcs8::LineEnding::LF, &der)
            .unwrap()
            .into_bytes()
    }

    /// Regression (found by fuzzing): an encrypted key whose DES-EDE3-CBC (or DES-CBC)
    /// IV was shorter than 8 bytes panicked inside pkcs5 ("range end index 8 out of
    /// range") instead of being refused.
    #[test]
    fn des_iv_shorter_than_8_bytes_panicked() {
        use pkcs8::der::Encode;
        use pkcs8::der::asn1::{AnyRef, OctetStringRef};
        let seq = |parts: &[Vec<u8>]| {
            let content = parts.concat();
            AnyRef::new(pkcs8::der::Tag::Sequence, &content)
                .unwrap()
                .to_der()
                .unwrap()
        };
        let octets = |b: &[u8]| OctetStringRef::new(b).unwrap().to_der().unwrap();
        let pem = test_key("ec_p256_pkcs8_encrypted_des3.pem");
        let (_, der) = pkcs8::der::pem::decode_vec(&pem).unwrap();
        let info = pkcs8::EncryptedPrivateKeyInfoRef::from_der(&der).unwrap();
        let pkcs5::EncryptionScheme::Pbes2(params) = &info.encryption_algorithm else {
            panic!("not PBES2");
        };
        let kdf = params.kdf.to_der().unwrap();
        let pbes2_oid = pkcs5::pbes2::PBES2_OID.to_der().unwrap();
        for (oid, iv_len, cipher) in [
            ("1.2.840.113549.3.7", 4, "DES-EDE3-CBC"),
            ("1.2.840.113549.3.7", 0, "DES-EDE3-CBC"),
            ("1.2.840.113549.3.7", 16, "DES-EDE3-CBC"),
            ("1.3.14.3.2.7", 7, "DES-CBC"),
        ] {
            let cipher_oid = ObjectIdentifier::new_unwrap(oid).to_der().unwrap();
            let enc = seq(&[cipher_oid, octets(&vec![7; iv_len])]);
            let alg = seq(&[pbes2_oid.clone(), seq(&[kdf.clone(), enc])]);
            let key = seq(&[alg, octets(info.encrypted_data.as_bytes())]);
            let pem = pkcs8::der::pem::encode_string(
                "ENCRYPTED PRIVATE KEY",
                pkcs8::LineEnding::LF,
                &key,
            )
            .unwrap();
            let e = PrivateKey::from_pem(pem.as_bytes(), Some(b"fuzz"), "short-iv.pem")
                .unwrap_err()
                .to_string();
            assert!(
                e.contains(&format!("{cipher} and an IV of {iv_len} bytes")),
                "{oid} IV {iv_len}: {e}"
            );
        }
    }

    fn scrypt(n: u64, r: u16, p: u16) -> Vec<u8> {
        with_kdf("ec_p256_pkcs8_encrypted_scrypt.pem", |kdf| {
            let pkcs5::pbes2::Kdf::Scrypt(s) = kdf else {
                panic!("not scrypt")
            };
            s.cost_parameter = n;
            s.block_size = r;
            s.parallelization = p;
        })
    }

    /// Regression (issue 9.5): scrypt N=0 panicked inside the KDF, N=2^56 overflowed, N=2^40
    /// aborted allocating a TiB, p=65535 and PBKDF2 with 2^32-1 iterations ran for hours.
    /// Each is refused before deriving, naming the parameter, never as a wrong passphrase.
    #[test]
    fn hostile_kdf_parameters_are_refused_before_deriving() {
        let pbkdf2 = with_kdf("rsa2048_pkcs8_encrypted.pem", |kdf| {
            let pkcs5::pbes2::Kdf::Pbkdf2(p) = kdf else {
                panic!("not PBKDF2")
            };
            p.iteration_count = u32::MAX;
        });
        let cases = [
            (scrypt(0, 8, 1), "N = 0"),
            (scrypt(3, 8, 1), "N = 3"),
            (scrypt(1 << 56, 8, 1), "N = 72057594037927936"),
            (scrypt(1 << 40, 1, 1), "MiB of memory"),
            (scrypt(1 << 21, 8, 1), "MiB of memory"),
            (scrypt(1 << 14, 8, 65535), "parallelization p = 65535"),
            (scrypt(1 << 10, 0, 1), "block size r = 0"),
            (pbkdf2, "PBKDF2 iteration count of 4294967295"),
        ];
        for (pem, needle) in cases {
            let e = PrivateKey::from_pem(&pem, Some(PASS), "k").unwrap_err();
            assert!(matches!(e, Error::KeyEncryption { .. }), "{needle}: {e:?}");
            assert!(e.to_string().contains(needle), "{needle}: {e}");
            assert!(e.hint().unwrap().contains("-v2 aes-256-cbc"), "{e}");
        }
        // The limits still let through what OpenSSL writes by default, and the scrypt base.
        let ok = PrivateKey::from_pem(&scrypt(1 << 10, 8, 1), Some(PASS), "k").unwrap();
        assert_eq!(ok.algorithm(), KeyAlgorithm::EcdsaP256);
    }
}
