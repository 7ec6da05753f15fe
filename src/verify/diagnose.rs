//! Mismatch diagnosis: when a signature that decodes does not match, why, if cfsign can
//! tell (another key of the group, the wrong key type or length, the other hash, a query
//! appended after signing, a re-encoded URL).

use super::TrustedKeys;
use super::check::{Check, verifies};
use super::reason::Diagnosis;
use crate::encoding;
use crate::key::{KeyAlgorithm, PublicKey};
use crate::policy::{Policy, PolicyType};
use crate::request::signature_algorithm;
use crate::sign::HashAlgorithm;

impl Check<'_> {
    pub(super) fn diagnose(
        &self,
        key: &PublicKey,
        hash: HashAlgorithm,
        policy_type: PolicyType,
        policy: &Policy,
        signature: &[u8],
    ) -> Option<Diagnosis> {
        let other = other_hash(hash);
        let bytes = match policy_type {
            PolicyType::Canned => policy.to_json().into_bytes(),
            PolicyType::Custom => self
                .split
                .values
                .policy
                .as_deref()
                .and_then(|p| encoding::decode("Policy", p).ok())
                .unwrap_or_default(),
        };
        if let TrustedKeys::Group(map) = self.keys {
            for (id, k) in map {
                if std::ptr::eq(k, key) {
                    continue;
                }
                if verifies(k, hash, &bytes, signature) || verifies(k, other, &bytes, signature) {
                    return Some(Diagnosis::OtherKey {
                        key_pair_id: id.clone(),
                    });
                }
            }
        }
        if let Some(signed_with) = signature_algorithm(signature)
            && signed_with != key.algorithm()
        {
            return Some(Diagnosis::WrongKeyType {
                signed_with,
                key: key.algorithm(),
            });
        }
        let (fixed, expected) = expected_len(key.algorithm());
        let bad_len = if fixed {
            signature.len() != 256
        } else {
            !(8..=72).contains(&signature.len()) || signature[0] != 0x30
        };
        if bad_len {
            return Some(Diagnosis::SignatureLength {
                found: signature.len(),
                expected,
            });
        }
        if verifies(key, other, &bytes, signature) {
            return Some(Diagnosis::HashAlgorithm {
                claimed: hash,
                signed_with: other,
            });
        }
        if policy_type != PolicyType::Canned || !self.url_diagnoses {
            return None;
        }
        let expires = policy.condition().date_less_than;
        let canned_ok = |url: &str| {
            let bytes = Policy::canned(url, expires).to_json().into_bytes();
            verifies(key, hash, &bytes, signature) || verifies(key, other, &bytes, signature)
        };
        if !self.split.appended.is_empty() && canned_ok(&self.split.base_without_appended) {
            return Some(Diagnosis::ParameterAppended {
                parameters: self.split.appended.clone(),
                signed_url: self.split.base_without_appended.clone(),
            });
        }
        re_encodings(&self.split.base)
            .into_iter()
            .find(|(_, candidate)| canned_ok(candidate))
            .map(|(change, signed_url)| Diagnosis::ReEncoded { change, signed_url })
    }
}

fn other_hash(h: HashAlgorithm) -> HashAlgorithm {
    match h {
        HashAlgorithm::Sha1 => HashAlgorithm::Sha256,
        HashAlgorithm::Sha256 => HashAlgorithm::Sha1,
    }
}

/// Other spellings a client or library may have turned the signed URL into (or from):
/// each is (description, the URL as it may have been signed).
fn re_encodings(url: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut push = |change: &str, candidate: String| {
        if candidate != url {
            out.push((change.to_string(), candidate));
        }
    };
    if url.contains('~') {
        push("%7E was written as ~", url.replace('~', "%7E"));
    }
    if url.contains("%7E") || url.contains("%7e") {
        push(
            "~ was written as %7E",
            url.replace("%7E", "~").replace("%7e", "~"),
        );
    }
    if url.contains("%20") {
        push("+ was written as %20", url.replace("%20", "+"));
    }
    if url.contains('+') {
        push("%20 was written as +", url.replace('+', "%20"));
        push("%2B was written as +", url.replace('+', "%2B"));
    }
    if url.contains("%2B") || url.contains("%2b") {
        push(
            "+ was written as %2B",
            url.replace("%2B", "+").replace("%2b", "+"),
        );
    }
    push(
        "lower-case percent-escapes were written in upper case",
        map_escapes(url, |hex| Some(format!("%{}", hex.to_ascii_lowercase()))),
    );
    push(
        "upper-case percent-escapes were written in lower case",
        map_escapes(url, |hex| Some(format!("%{}", hex.to_ascii_uppercase()))),
    );
    push(
        "percent-escapes were decoded",
        map_escapes(url, |hex| {
            let b = u8::from_str_radix(hex, 16).ok()?;
            (b.is_ascii_graphic() && b != b'%').then(|| (b as char).to_string())
        }),
    );
    out
}

/// Rewrites every `%XX` escape with `f` (keeping it when `f` returns `None`).
fn map_escapes(s: &str, f: impl Fn(&str) -> Option<String>) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit()
        {
            let hex = &s[i + 1..i + 3];
            match f(hex) {
                Some(r) => out.push_str(&r),
                None => out.push_str(&s[i..i + 3]),
            }
            i += 3;
        } else {
            let c = s[i..].chars().next().unwrap_or('\u{fffd}');
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

fn expected_len(alg: KeyAlgorithm) -> (bool, String) {
    match alg {
        KeyAlgorithm::Rsa2048 => (true, "256".into()),
        KeyAlgorithm::EcdsaP256 => (false, "70-72".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn re_encoding_candidates() {
        let c = re_encodings("https://d1.net/a~b%2fc");
        let get = |change: &str| c.iter().find(|(d, _)| d == change).map(|(_, u)| u.as_str());
        assert_eq!(
            get("%7E was written as ~"),
            Some("https://d1.net/a%7Eb%2fc")
        );
        assert_eq!(
            get("upper-case percent-escapes were written in lower case"),
            Some("https://d1.net/a~b%2Fc")
        );
        assert_eq!(
            get("percent-escapes were decoded"),
            Some("https://d1.net/a~b/c")
        );
    }
}
