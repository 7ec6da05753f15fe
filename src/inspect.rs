//! Decoding a signed URL or signed cookies without any key: what it says, not whether it
//! is valid (that is [`crate::verify`]).
//!
//! Everything decoded here is untrusted text: [`sanitize`] it before it reaches a
//! terminal.

use crate::encoding;
use crate::policy::{Policy, PolicyType};
use crate::request::{SigningValues, canonical_expires, split_signed_url, values_from_cookies};
pub use crate::request::{signature_algorithm, signature_family};
use crate::time::{describe_relative, format_utc};

/// What a signed URL (or cookie set) holds, decoded without a key.
#[derive(Debug, Clone, PartialEq, Eq)]
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

impl Inspection {
    /// The documented JSON object (`schema_version` 1): `base_url`, `policy_type`,
    /// `policy`, `resource`, `expires` / `expires_utc` / `expires_relative`,
    /// `date_greater_than` (+ `_utc`, `_relative`), `ip_address`, `key_pair_id`,
    /// `hash_algorithm` (`SHA1` when absent), `signature_length`, `signature_algorithm`,
    /// `problems`. Absent values are `null`. Times are relative to `now` (Unix seconds).
    pub fn to_json(&self, now: i64) -> serde_json::Value {
        let time = |t: Option<i64>| (t.map(format_utc), t.map(|t| describe_relative(t, now)));
        let (exp_utc, exp_rel) = time(self.date_less_than);
        let (start_utc, start_rel) = time(self.date_greater_than);
        serde_json::json!({
            "schema_version": 1,
            "base_url": self.base_url,
            "policy_type": self.policy_type.map(PolicyType::as_str),
            "policy": self.policy,
            "resource": self.resource,
            "expires": self.date_less_than,
            "expires_utc": exp_utc,
            "expires_relative": exp_rel,
            "date_greater_than": self.date_greater_than,
            "date_greater_than_utc": start_utc,
            "date_greater_than_relative": start_rel,
            "ip_address": self.ip_address,
            "key_pair_id": self.key_pair_id,
            "hash_algorithm": self.hash_algorithm.clone().unwrap_or_else(|| "SHA1".into()),
            "signature_length": self.signature_len,
            "signature_algorithm": self.signature_family,
            "problems": self.problems,
        })
    }
}

/// Whether a character must not reach a terminal raw: control characters, bidirectional
/// overrides and isolates (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) and
/// zero-width or invisible characters (U+200B–U+200D, U+2060, U+FEFF, U+00AD).
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200B}'..='\u{200F}'
            | '\u{061C}'
            | '\u{2060}'
            | '\u{FEFF}'
            | '\u{00AD}')
}

/// Escapes the characters [`is_unsafe_char`] finds as `\u{XXXX}`, so that untrusted
/// decoded text cannot move the cursor, reorder a line or hide characters.
pub fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_unsafe_char(c) {
            out.push_str(&format!("\\u{{{:04X}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Makes serialized JSON terminal-safe: the characters [`is_unsafe_char`] finds (which
/// `serde_json` leaves raw when they are not ASCII controls) become `\uXXXX` escapes.
/// The JSON value is unchanged.
pub fn json_terminal_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if is_unsafe_char(c) && !c.is_ascii() {
            let mut buf = [0u16; 2];
            for unit in c.encode_utf16(&mut buf) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitizes_terminal_tricks() {
        assert_eq!(sanitize("a\u{1b}[2Jb"), "a\\u{001B}[2Jb");
        assert_eq!(sanitize("x\u{202E}gpj.exe"), "x\\u{202E}gpj.exe");
        assert_eq!(sanitize("a\u{200B}b\u{2066}c"), "a\\u{200B}b\\u{2066}c");
        assert_eq!(sanitize("caf\u{e9} ok"), "caf\u{e9} ok");
        let json = serde_json::json!({"r": "a\u{202E}b"}).to_string();
        let safe = json_terminal_safe(&json);
        assert_eq!(safe, r#"{"r":"a\u202eb"}"#);
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["r"], "a\u{202E}b");
    }

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
