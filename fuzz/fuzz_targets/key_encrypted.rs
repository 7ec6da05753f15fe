//! Encrypted PKCS#8 keys with arbitrary KDF parameters: PBKDF2 (any iteration count,
//! salt, key length, PRF) and scrypt (any N, r, p, key length), any cipher and IV, as
//! `ENCRYPTED PRIVATE KEY` PEM. Loading one gives a key or an error (a refused cost
//! included) within the fuzzer's time and memory limits, never a panic, an abort or a
//! long run. When the parameters are cheap, the ciphertext is the real test key
//! encrypted with them, so the successful decryption path is exercised too.
#![no_main]

use arbitrary::Arbitrary;
use cfsign_fuzz::der;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum Int {
    Value(u64),
    Raw(Vec<u8>),
}

impl Int {
    fn encode(&self) -> Vec<u8> {
        match self {
            Int::Value(v) => der::uint(*v),
            Int::Raw(b) => der::int_raw(b),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Prf {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    Other(Vec<u64>),
}

#[derive(Arbitrary, Debug)]
enum Kdf {
    Pbkdf2 {
        salt: Vec<u8>,
        iterations: Int,
        key_length: Option<Int>,
        prf: Option<Prf>,
        prf_null_params: bool,
    },
    Scrypt {
        salt: Vec<u8>,
        n: Int,
        r: Int,
        p: Int,
        key_length: Option<Int>,
    },
    Other(Vec<u64>, Vec<u8>),
}

#[derive(Arbitrary, Debug)]
enum Cipher {
    Aes128Cbc,
    Aes192Cbc,
    Aes256Cbc,
    Aes128Gcm,
    Aes256Gcm,
    DesEde3Cbc,
    DesCbc,
    Other(Vec<u64>),
}

#[derive(Arbitrary, Debug)]
enum Scheme {
    Pbes2 {
        kdf: Kdf,
        cipher: Cipher,
        iv: Vec<u8>,
    },
    /// PBES1 (pbeWithMD5AndDES-CBC and friends): salt, iterations.
    Pbes1 {
        oid_last: u8,
        salt: Vec<u8>,
        iterations: Int,
    },
    Raw(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
enum Payload {
    /// The test key encrypted with the chosen parameters (when they are cheap).
    RealKey,
    /// Arbitrary ciphertext.
    Bytes(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
struct Input {
    scheme: Scheme,
    payload: Payload,
    passphrase: Vec<u8>,
    wrong_passphrase: bool,
}

const PKCS5: [u64; 6] = [1, 2, 840, 113_549, 1, 5];
const HMAC: [u64; 5] = [1, 2, 840, 113_549, 2];
const AES: [u64; 8] = [2, 16, 840, 1, 101, 3, 4, 1];

fn arcs(base: &[u64], last: u64) -> Vec<u64> {
    let mut v = base.to_vec();
    v.push(last);
    v
}

fn oid_or(arcs: &[u64]) -> Vec<u8> {
    if arcs.len() >= 2 && arcs[0] <= 2 && arcs[1] < 40 {
        der::oid(arcs)
    } else {
        der::oid(&[1, 3, 6, 1, 4, 1, 99_999])
    }
}

fn kdf_der(kdf: &Kdf) -> Vec<u8> {
    match kdf {
        Kdf::Pbkdf2 {
            salt,
            iterations,
            key_length,
            prf,
            prf_null_params,
        } => {
            let mut params = vec![der::octets(salt), iterations.encode()];
            if let Some(k) = key_length {
                params.push(k.encode());
            }
            if let Some(prf) = prf {
                let oid = match prf {
                    Prf::Sha1 => der::oid(&arcs(&HMAC, 7)),
                    Prf::Sha224 => der::oid(&arcs(&HMAC, 8)),
                    Prf::Sha256 => der::oid(&arcs(&HMAC, 9)),
                    Prf::Sha384 => der::oid(&arcs(&HMAC, 10)),
                    Prf::Sha512 => der::oid(&arcs(&HMAC, 11)),
                    Prf::Other(a) => oid_or(a),
                };
                let alg = if *prf_null_params {
                    der::seq(&[&oid, &der::null()])
                } else {
                    der::seq(&[&oid])
                };
                params.push(alg);
            }
            let refs: Vec<&[u8]> = params.iter().map(Vec::as_slice).collect();
            der::seq(&[&der::oid(&arcs(&PKCS5, 12)), &der::seq(&refs)])
        }
        Kdf::Scrypt {
            salt,
            n,
            r,
            p,
            key_length,
        } => {
            let mut params = vec![der::octets(salt), n.encode(), r.encode(), p.encode()];
            if let Some(k) = key_length {
                params.push(k.encode());
            }
            let refs: Vec<&[u8]> = params.iter().map(Vec::as_slice).collect();
            der::seq(&[
                &der::oid(&[1, 3, 6, 1, 4, 1, 11_591, 4, 11]),
                &der::seq(&refs),
            ])
        }
        Kdf::Other(a, params) => der::seq(&[&oid_or(a), params]),
    }
}

fn cipher_der(cipher: &Cipher, iv: &[u8]) -> Vec<u8> {
    let oid = match cipher {
        Cipher::Aes128Cbc => der::oid(&arcs(&AES, 2)),
        Cipher::Aes192Cbc => der::oid(&arcs(&AES, 22)),
        Cipher::Aes256Cbc => der::oid(&arcs(&AES, 42)),
        Cipher::Aes128Gcm => der::oid(&arcs(&AES, 6)),
        Cipher::Aes256Gcm => der::oid(&arcs(&AES, 46)),
        Cipher::DesEde3Cbc => der::oid(&[1, 2, 840, 113_549, 3, 7]),
        Cipher::DesCbc => der::oid(&[1, 3, 14, 3, 2, 7]),
        Cipher::Other(a) => oid_or(a),
    };
    der::seq(&[&oid, &der::octets(iv)])
}

fn scheme_der(scheme: &Scheme) -> Vec<u8> {
    match scheme {
        Scheme::Pbes2 { kdf, cipher, iv } => {
            let params = der::seq(&[&kdf_der(kdf), &cipher_der(cipher, iv)]);
            der::seq(&[&der::oid(&arcs(&PKCS5, 13)), &params])
        }
        Scheme::Pbes1 {
            oid_last,
            salt,
            iterations,
        } => {
            let params = der::seq(&[&der::octets(salt), &iterations.encode()]);
            der::seq(&[&der::oid(&arcs(&PKCS5, u64::from(*oid_last))), &params])
        }
        Scheme::Raw(b) => b.clone(),
    }
}

/// Whether the harness itself may derive a key with these parameters quickly (the
/// library under test must cope with any; the harness only encrypts cheap ones).
fn cheap(params: &pkcs5::pbes2::Parameters) -> bool {
    if let Some(p) = params.kdf.pbkdf2() {
        return (1..=4_096).contains(&p.iteration_count);
    }
    if let Some(s) = params.kdf.scrypt() {
        let n = s.cost_parameter;
        let (r, p) = (u32::from(s.block_size), u32::from(s.parallelization));
        return n.is_power_of_two()
            && (2..=1 << 10).contains(&n)
            && r >= 1
            && p >= 1
            && r * p <= 16;
    }
    false
}

fn real_ciphertext(scheme: &Scheme, alg: &[u8], passphrase: &[u8]) -> Option<Vec<u8>> {
    // pkcs5 panics on a short DES IV (cfsign checks it before pkcs5 sees it), and only
    // encrypts with AES: the harness parses AES schemes only.
    let Scheme::Pbes2 {
        cipher: Cipher::Aes128Cbc | Cipher::Aes192Cbc | Cipher::Aes256Cbc,
        ..
    } = scheme
    else {
        return None;
    };
    let pkcs8_der = pem::parse(cfsign_fuzz::EC_PEM).ok()?.into_contents();
    match pkcs5::EncryptionScheme::try_from(alg).ok()? {
        pkcs5::EncryptionScheme::Pbes2(params) if cheap(&params) => {
            params.encrypt(passphrase, &pkcs8_der).ok()
        }
        _ => None,
    }
}

fuzz_target!(|input: Input| {
    let alg = scheme_der(&input.scheme);
    let data = match &input.payload {
        Payload::RealKey => {
            real_ciphertext(&input.scheme, &alg, &input.passphrase).unwrap_or_default()
        }
        Payload::Bytes(b) => b.clone(),
    };
    let info = der::seq(&[&alg, &der::octets(&data)]);
    let text = pem::encode(&pem::Pem::new("ENCRYPTED PRIVATE KEY", info));
    let pass: &[u8] = if input.wrong_passphrase {
        b"not the passphrase"
    } else {
        &input.passphrase
    };
    match cfsign::PrivateKey::from_pem(text.as_bytes(), Some(pass), "fuzz") {
        Ok(key) => {
            let _ = key.public_key();
        }
        Err(e) => cfsign_fuzz::exercise_error(&e),
    }
    assert!(cfsign::PrivateKey::pem_is_encrypted(text.as_bytes()));
});
