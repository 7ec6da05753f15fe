//! CloudFront's base64 alphabet [\[R8\]](crate::rules#r8).
//!
//! CloudFront encodes `Signature` and `Policy` with the standard base64 alphabet and `=`
//! padding, then replaces `+` with `-`, `=` with `_` and `/` with `~`. This is not RFC 4648
//! base64url (which uses `-` and `_` for `+` and `/` and drops padding).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::error::{Error, Result};

/// Encodes bytes in CloudFront's base64: standard alphabet with padding, then
/// `+`→`-`, `=`→`_`, `/`→`~` [\[R8\]](crate::rules#r8).
///
/// ```
/// assert_eq!(cfsign::encoding::encode(b"\xfb\xff"), "-~8_");
/// ```
pub fn encode(bytes: &[u8]) -> String {
    STANDARD
        .encode(bytes)
        .chars()
        .map(|c| match c {
            '+' => '-',
            '=' => '_',
            '/' => '~',
            other => other,
        })
        .collect()
}

/// Decodes CloudFront base64 [\[R8\]](crate::rules#r8), strictly: characters of the standard alphabet that
/// CloudFront replaces (`+`, `/`, `=`) are refused, as is a missing or wrong padding.
///
/// `what` names the value in the error (`Signature`, `Policy`).
///
/// # Errors
/// [`Error::Base64`] naming the first offending character, or the truncation.
pub fn decode(what: &str, text: &str) -> Result<Vec<u8>> {
    let mut standard = Vec::with_capacity(text.len());
    for (i, b) in text.bytes().enumerate() {
        let mapped = match b {
            b'-' => b'+',
            b'_' => b'=',
            b'~' => b'/',
            b'+' | b'/' | b'=' => {
                return Err(Error::Base64 {
                    what: what.into(),
                    problem: format!(
                        "has {:?} at position {i}: that is standard base64, not CloudFront's alphabet (the URL was re-encoded or built by hand)",
                        b as char
                    ),
                });
            }
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => b,
            _ => {
                return Err(Error::Base64 {
                    what: what.into(),
                    problem: format!(
                        "has {:?} at position {i}, which is not in CloudFront's base64 alphabet",
                        char::from(b)
                    ),
                });
            }
        };
        standard.push(mapped);
    }
    if standard.is_empty() {
        return Err(Error::Base64 {
            what: what.into(),
            problem: "is empty".into(),
        });
    }
    STANDARD.decode(&standard).map_err(|e| Error::Base64 {
        what: what.into(),
        problem: format!("cannot be decoded ({e}); it may be truncated"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_all_three_characters() {
        // 0xfb 0xff encodes to "+/8=" in standard base64.
        assert_eq!(STANDARD.encode([0xfb, 0xff]), "+/8=");
        assert_eq!(encode(&[0xfb, 0xff]), "-~8_");
        assert_eq!(decode("Signature", "-~8_").unwrap(), vec![0xfb, 0xff]);
    }

    #[test]
    fn not_base64url() {
        // RFC 4648 base64url would give "-_8" (no padding, '_' for '/').
        assert_ne!(encode(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn decode_refuses_standard_alphabet() {
        let err = decode("Signature", "+/8=").unwrap_err();
        assert!(err.to_string().contains("standard base64"), "{err}");
    }

    #[test]
    fn decode_refuses_truncation() {
        let err = decode("Signature", "-~8").unwrap_err();
        assert!(err.to_string().contains("truncated"), "{err}");
    }
}
