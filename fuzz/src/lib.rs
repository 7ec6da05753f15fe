//! Helpers shared by the fuzz targets: the demo keys, a small DER writer, and the checks
//! every error must pass (its message and hint render without panicking).
#![forbid(unsafe_code)]

use std::net::Ipv4Addr;
use std::sync::OnceLock;

use cfsign::verify::{RequestContext, TrustedKeys};
use cfsign::{HashAlgorithm, KeyPairId, PrivateKey, Signer};

/// The RSA-2048 demo key (public: see keys/README.md).
pub const RSA_PEM: &[u8] = include_bytes!("../../keys/private_key.pem");
/// A P-256 test key (PKCS#8).
pub const EC_PEM: &[u8] = include_bytes!("../../tests/data/keys/ec_p256_pkcs8.pem");

/// The key pair ID of the RSA signer.
pub const RSA_KEY_PAIR_ID: &str = "KFUZZRSAEXAMPLE";
/// The key pair ID of the P-256 signer.
pub const EC_KEY_PAIR_ID: &str = "KFUZZECEXAMPLE";

fn signer(pem: &[u8], id: &str) -> Signer {
    let key = PrivateKey::from_pem(pem, None, "fuzz demo key").expect("demo key loads");
    Signer::new(key, KeyPairId::new(id).expect("valid ID"))
}

/// A signer with the RSA demo key, loaded once.
pub fn rsa_signer() -> &'static Signer {
    static S: OnceLock<Signer> = OnceLock::new();
    S.get_or_init(|| signer(RSA_PEM, RSA_KEY_PAIR_ID))
}

/// A signer with the P-256 test key, loaded once.
pub fn ec_signer() -> &'static Signer {
    static S: OnceLock<Signer> = OnceLock::new();
    S.get_or_init(|| signer(EC_PEM, EC_KEY_PAIR_ID))
}

/// The signer for a key algorithm (P-256 or RSA) and hash (SHA-256 or SHA-1), loaded
/// once each.
pub fn signer_for(ec: bool, sha256: bool) -> &'static Signer {
    static S: [OnceLock<Signer>; 4] = [const { OnceLock::new() }; 4];
    S[usize::from(ec) * 2 + usize::from(sha256)].get_or_init(|| {
        let s = if ec {
            signer(EC_PEM, EC_KEY_PAIR_ID)
        } else {
            signer(RSA_PEM, RSA_KEY_PAIR_ID)
        };
        s.with_hash_algorithm(if sha256 {
            HashAlgorithm::Sha256
        } else {
            HashAlgorithm::Sha1
        })
    })
}

/// A key group holding both signers' public keys under their IDs.
pub fn trusted_keys() -> &'static TrustedKeys {
    static K: OnceLock<TrustedKeys> = OnceLock::new();
    K.get_or_init(|| {
        TrustedKeys::Group(
            [
                (RSA_KEY_PAIR_ID.to_string(), rsa_signer().public_key()),
                (EC_KEY_PAIR_ID.to_string(), ec_signer().public_key()),
            ]
            .into_iter()
            .collect(),
        )
    })
}

/// A request context read from the first 13 bytes of `data` (the time as 8 bytes
/// little-endian, a flag byte, then an IPv4 address), and the rest of `data`.
pub fn split_context(data: &[u8]) -> (RequestContext, &[u8]) {
    if data.len() < 13 {
        let ctx = RequestContext {
            at: 1_767_225_600,
            client_ip: None,
        };
        return (ctx, data);
    }
    let at = i64::from_le_bytes(data[..8].try_into().expect("8 bytes"));
    let ip = Ipv4Addr::new(data[9], data[10], data[11], data[12]);
    let ctx = RequestContext {
        at,
        client_ip: (data[8] & 1 == 1).then_some(ip),
    };
    (ctx, &data[13..])
}

/// Renders an error as the CLI would (message and hint): neither may panic, and the
/// message is one line.
pub fn exercise_error(e: &cfsign::Error) {
    let msg = e.to_string();
    let _ = e.hint();
    assert!(!msg.is_empty(), "empty error message for {e:?}");
}

/// Checks that an error about key text quotes none of its base64 body lines (24
/// characters or more, the form key material takes): key errors end up in CI logs.
pub fn assert_no_key_body(e: &cfsign::Error, key_text: &[u8]) {
    let text = String::from_utf8_lossy(key_text).replace("\\n", "\n");
    let msg = format!("{e} {}", e.hint().unwrap_or_default());
    // The BEGIN/END lines' type text may be quoted (it names the block, it is no key).
    let armour: Vec<&str> = text.lines().filter(|l| l.contains("-----")).collect();
    for line in text.lines().map(str::trim) {
        let body = line.len() >= 24
            && !armour.iter().any(|a| a.contains(line))
            && line
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
        assert!(
            !(body && msg.contains(line)),
            "the error quotes a key body line: {msg}"
        );
    }
}

/// A tiny DER writer for building key structures by hand.
pub mod der {
    /// Tag and length (definite form) followed by `content`.
    pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        let n = content.len();
        if n < 0x80 {
            out.push(n as u8);
        } else {
            let bytes = n.to_be_bytes();
            let skip = bytes.iter().take_while(|&&b| b == 0).count();
            out.push(0x80 | (bytes.len() - skip) as u8);
            out.extend_from_slice(&bytes[skip..]);
        }
        out.extend_from_slice(content);
        out
    }

    /// A SEQUENCE of already encoded parts.
    pub fn seq(parts: &[&[u8]]) -> Vec<u8> {
        tlv(0x30, &parts.concat())
    }

    /// An OCTET STRING.
    pub fn octets(b: &[u8]) -> Vec<u8> {
        tlv(0x04, b)
    }

    /// A non-negative INTEGER in minimal form.
    pub fn uint(v: u64) -> Vec<u8> {
        let bytes = v.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count().min(7);
        let mut content = Vec::with_capacity(9);
        if bytes[skip] & 0x80 != 0 {
            content.push(0);
        }
        content.extend_from_slice(&bytes[skip..]);
        tlv(0x02, &content)
    }

    /// An INTEGER with raw content bytes (possibly negative, huge or non-minimal).
    pub fn int_raw(content: &[u8]) -> Vec<u8> {
        tlv(0x02, content)
    }

    /// An OBJECT IDENTIFIER from its dotted arcs (at least two).
    pub fn oid(arcs: &[u64]) -> Vec<u8> {
        let mut content = Vec::new();
        let first = arcs[0] * 40 + arcs.get(1).copied().unwrap_or(0);
        for arc in std::iter::once(first).chain(arcs.iter().skip(2).copied()) {
            let mut groups = vec![(arc & 0x7f) as u8];
            let mut rest = arc >> 7;
            while rest > 0 {
                groups.push((rest & 0x7f) as u8 | 0x80);
                rest >>= 7;
            }
            groups.reverse();
            content.extend(groups);
        }
        tlv(0x06, &content)
    }

    /// NULL.
    pub fn null() -> Vec<u8> {
        vec![0x05, 0x00]
    }
}

/// Renders everything a verification holds in words (the reason, its fix, the notes),
/// as a front end would; the JSON objects themselves are the CLI's.
pub fn exercise_verification(v: &cfsign::verify::Verification) {
    if let cfsign::verify::Verdict::Refuse(r) = &v.verdict {
        let _ = (r.to_string(), r.hint(), r.id(), r.signed_url());
    }
    for n in &v.notes {
        let _ = n.to_string();
    }
}

/// Renders an inspection's times relative to `now`, as a front end would.
pub fn exercise_inspection(i: &cfsign::inspect::Inspection, now: i64) {
    for t in [i.date_less_than, i.date_greater_than]
        .into_iter()
        .flatten()
    {
        let _ = (
            cfsign::time::format_utc(t),
            cfsign::time::describe_relative(t, now),
        );
    }
}
