//! Decoding a signed URL or signed cookies without any key: what it says, not whether it
//! is valid (that is [`crate::verify`]).
//!
//! Everything decoded here is untrusted text: escape control, bidirectional and
//! invisible characters before it reaches a terminal.

use crate::encoding;
use crate::policy::{Policy, PolicyType};
use crate::request::{
    SigningValues, canonical_expires, signature_family, split_signed_url, values_from_cookies,
};

/// What a signed URL (or cookie set) holds, decoded without a key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Inspection {
    /// The URL without the signing parameters (and fragment).
    pub base_url: String,
    /// Canned (`Expires`) or custom (`Policy`); `None` when neither or both are present.
    pub policy_type: Option<PolicyType>,
    /// The policy text: rebuilt for canned, decoded for custom (possibly invalid).
    pub policy: Option<String>,
    /// The policy's `Resource`, when the policy parses.
    pub resource: Option<String>,
    /// `DateLessThan`, Unix seconds.
    pub date_less_than: Option<i64>,
    /// `DateGreaterThan`, Unix seconds.
    pub date_greater_than: Option<i64>,
    /// `IpAddress` (`AWS:SourceIp`), always with a prefix.
    pub ip_address: Option<String>,
    /// The key pair ID.
    pub key_pair_id: Option<String>,
    /// The `Hash-Algorithm` value as written, or `None` (SHA-1, the default).
    pub hash_algorithm: Option<String>,
    /// The decoded signature's length in bytes.
    pub signature_len: Option<usize>,
    /// The signature's algorithm family judged from its form: `RSA-2048` (256 bytes),
    /// `ECDSA P-256` (a DER `SEQUENCE` of up to 72 bytes), or a description.
    pub signature_family: Option<String>,
    /// What could not be decoded, one line each.
    pub problems: Vec<String>,
    /// How many signing parameters (or cookies) were present: `Expires`, `Policy`,
    /// `Signature`, `Key-Pair-Id`, `Hash-Algorithm`. 0 means the input is not a signed
    /// URL (or signed cookie set) at all.
    pub signing_parameters: usize,
}

/// The remark for a signing parameter (or cookie) given more than once: the first value
/// is shown. CloudFront does not document which value it uses, so verification refuses
/// such a request ([`crate::verify::Reason::DuplicateParameter`]); the fix is to give
/// each once.
fn duplicate_note(name: &str) -> String {
    format!(
        "{name} is given more than once; the first value is shown, but which one CloudFront uses is undocumented (verify refuses it): give each signing parameter once"
    )
}

fn inspect_values(base_url: String, v: &SigningValues, fragment: Option<&str>) -> Inspection {
    let mut out = Inspection {
        base_url,
        policy_type: None,
        policy: None,
        resource: None,
        date_less_than: None,
        date_greater_than: None,
        ip_address: None,
        key_pair_id: v.key_pair_id.clone(),
        hash_algorithm: v.hash_algorithm.clone(),
        signature_len: None,
        signature_family: None,
        problems: Vec::new(),
        signing_parameters: v.present().len(),
    };
    if let Some(f) = fragment {
        out.problems.push(format!(
            "the fragment {f:?} is never sent to CloudFront (ignored)"
        ));
    }
    for name in &v.duplicates {
        out.problems.push(duplicate_note(name));
    }
    if out.key_pair_id.as_deref().is_none_or(str::is_empty) {
        out.problems.push("no Key-Pair-Id".into());
    }
    match v.signature.as_deref() {
        None => out.problems.push("no Signature".into()),
        Some(s) => match encoding::decode("Signature", s) {
            Ok(sig) => {
                out.signature_len = Some(sig.len());
                out.signature_family = Some(signature_family(&sig));
            }
            Err(e) => out.problems.push(e.to_string()),
        },
    }
    match (&v.expires, &v.policy) {
        (Some(_), Some(_)) => out
            .problems
            .push("both Expires and Policy are present".into()),
        (None, None) => out.problems.push("neither Expires nor Policy".into()),
        (Some(e), None) => {
            out.policy_type = Some(PolicyType::Canned);
            match canonical_expires(e) {
                Ok(t) => {
                    let p = Policy::canned(out.base_url.clone(), t);
                    out.policy = Some(p.to_json());
                    out.resource = Some(out.base_url.clone());
                    out.date_less_than = Some(t);
                }
                Err(problem) => out.problems.push(format!("Expires {e:?} {problem}")),
            }
        }
        (None, Some(text)) => {
            out.policy_type = Some(PolicyType::Custom);
            match encoding::decode("Policy", text) {
                Err(e) => out.problems.push(e.to_string()),
                Ok(bytes) => {
                    out.policy = Some(String::from_utf8_lossy(&bytes).into_owned());
                    match Policy::from_json(&bytes) {
                        Ok(p) => {
                            let c = p.condition();
                            out.resource = p.resource().map(str::to_string);
                            out.date_less_than = Some(c.date_less_than);
                            out.date_greater_than = c.date_greater_than;
                            out.ip_address = c.ip_address.map(|ip| ip.to_string());
                        }
                        Err(e) => out.problems.push(e.to_string()),
                    }
                }
            }
        }
    }
    out
}

/// Decodes a signed URL without a key. Never fails: what cannot be decoded is listed in
/// [`Inspection::problems`].
pub fn inspect_url(signed_url: &str) -> Inspection {
    let split = split_signed_url(signed_url);
    inspect_values(split.base, &split.values, split.fragment.as_deref())
}

/// Decodes signed cookies (name, value pairs) used for `url`, without a key.
pub fn inspect_cookies(cookies: &[(String, String)], url: &str) -> Inspection {
    inspect_values(url.to_string(), &values_from_cookies(cookies), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inspects_canned_and_custom() {
        let i =
            inspect_url("https://d1.net/a?x=1&Expires=1767290400&Signature=AAAA&Key-Pair-Id=K1");
        assert_eq!(i.base_url, "https://d1.net/a?x=1");
        assert_eq!(i.policy_type, Some(PolicyType::Canned));
        assert_eq!(
            i.policy.as_deref(),
            Some(
                r#"{"Statement":[{"Resource":"https://d1.net/a?x=1","Condition":{"DateLessThan":{"AWS:EpochTime":1767290400}}}]}"#
            )
        );
        assert_eq!(i.signature_len, Some(3));
        let both = inspect_url("https://d1.net/a?Expires=1&Policy=e30_&Signature=AAAA");
        assert!(both.problems.contains(&"no Key-Pair-Id".to_string()));
        assert!(
            both.problems
                .contains(&"both Expires and Policy are present".to_string())
        );
    }
}
