//! An RSA key's PKCS#1 DER in a zeroizing buffer, for handing it to another backend
//! (graviola, OpenSSL) without leaving copies in freed memory.

use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use zeroize::Zeroizing;

/// The key's PKCS#1 `RSAPrivateKey` DER, written into one zeroizing buffer reserved up
/// front. (`rsa`'s own `to_pkcs1_der` leaves unwiped copies of the modulus and of
/// intermediate values in freed memory.) `None` for a key with more than two primes.
pub(super) fn pkcs1_der(key: &rsa::PrivateKey) -> Option<Zeroizing<Vec<u8>>> {
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
