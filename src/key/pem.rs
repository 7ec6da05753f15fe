//! PEM text to blocks, decoded into zeroizing buffers, with the repairs CI secrets need;
//! and recognising key text given where a path, ID or URL was expected, so it is never
//! echoed.

use zeroize::{Zeroize, Zeroizing};

use super::format_err;
use crate::error::Result;

/// Repairs PEM text as CI secrets often damage it: literal `\n` sequences instead of line
/// breaks, CRLF line ends, surrounding quotes or whitespace.
///
/// The result is built in one buffer reserved up front (it never grows, so no unwiped
/// copy is left behind by a reallocation) and is zeroized when dropped.
pub fn normalize_pem_text(text: &str) -> Zeroizing<String> {
    let mut s = text.trim();
    for quote in ['"', '\''] {
        if s.len() >= 2 && s.starts_with(quote) && s.ends_with(quote) {
            s = &s[1..s.len() - 1];
        }
    }
    let escaped = s.contains("\\n");
    let mut out = Zeroizing::new(String::with_capacity(s.len()));
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if escaped && rest.starts_with("\\r\\n") {
            out.push('\n');
            rest = &rest[4..];
        } else if escaped && rest.starts_with("\\n") {
            out.push('\n');
            rest = &rest[2..];
        } else {
            if c != '\r' {
                out.push(c);
            }
            rest = &rest[c.len_utf8()..];
        }
    }
    let trimmed_len = out.trim_end().len();
    out.truncate(trimmed_len);
    out
}

/// One PEM block: its label, whether it carries OpenSSL's legacy `Proc-Type` encryption
/// header, and its decoded contents (zeroized when dropped).
pub(super) struct PemBlock {
    pub(super) tag: String,
    pub(super) legacy_encrypted: bool,
    pub(super) der: Zeroizing<Vec<u8>>,
}

/// Parses every complete `-----BEGIN X-----` ... `-----END X-----` block of `text`
/// (text outside blocks, such as OpenSSL's `Bag Attributes`, is skipped).
///
/// Written here rather than taken from a PEM crate so that the base64 body and the
/// decoded bytes only ever live in zeroizing buffers reserved up front.
fn parse_pem_blocks(text: &str) -> std::result::Result<Vec<PemBlock>, &'static str> {
    use base64::Engine as _;
    let mut blocks = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(tag) = line
            .trim()
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        else {
            continue;
        };
        let end = format!("-----END {tag}-----");
        let mut body = Zeroizing::new(String::with_capacity(text.len()));
        let mut legacy_encrypted = false;
        let mut complete = false;
        for line in lines.by_ref() {
            let line = line.trim();
            if line == end {
                complete = true;
                break;
            }
            if line.starts_with("-----") {
                break;
            }
            if let Some((name, _)) = line.split_once(':') {
                legacy_encrypted |= name.trim() == "Proc-Type";
                continue;
            }
            body.extend(line.chars().filter(|c| !c.is_whitespace()));
        }
        if !complete {
            continue;
        }
        let engine = &base64::engine::general_purpose::STANDARD;
        let mut der = Zeroizing::new(vec![0u8; body.len() / 4 * 3 + 3]);
        let len = engine
            .decode_slice(body.as_bytes(), der.as_mut_slice())
            .map_err(|_| "the base64 text between its BEGIN and END lines is damaged")?;
        der[len..].zeroize();
        der.truncate(len);
        blocks.push(PemBlock {
            tag: tag.to_string(),
            legacy_encrypted,
            der,
        });
    }
    Ok(blocks)
}

/// Reads all PEM blocks (skipping `EC PARAMETERS`) and returns the one block of the kind
/// `wanted` accepts (a bundle may hold a certificate beside its key), or, when there is
/// none, the first block, for an error that names what the file holds; and the last
/// `EC PARAMETERS` block, if any (the curve of a SEC1 key that does not name its own).
///
/// # Errors
/// [`Error::KeyFormat`](crate::Error::KeyFormat) for text that is not PEM, or for two
/// blocks of the wanted kind (which key is meant is unclear).
pub(super) fn first_block(
    bytes: &[u8],
    source_name: &str,
    wanted: fn(&str) -> bool,
) -> Result<(PemBlock, Option<PemBlock>)> {
    if bytes.first() == Some(&0x30) {
        return Err(format_err(
            source_name,
            "looks like DER (binary); cfsign reads PEM: convert with `openssl pkey -inform DER -in KEY -out key.pem`",
        ));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| format_err(source_name, "is not PEM text (it is binary or not UTF-8)"))?;
    let text = normalize_pem_text(text);
    if !text.contains("-----BEGIN ") {
        return Err(format_err(
            source_name,
            "is not a PEM file: there is no -----BEGIN ...----- line",
        ));
    }
    let blocks = parse_pem_blocks(&text)
        .map_err(|problem| format_err(source_name, format!("is not valid PEM: {problem}")))?;
    let mut params = None;
    let mut key: Option<PemBlock> = None;
    let mut first_other = None;
    // Blocks not returned are dropped here, which wipes their contents.
    for block in blocks {
        if block.tag == "EC PARAMETERS" {
            params = Some(block);
        } else if wanted(&block.tag) {
            if key.replace(block).is_some() {
                return Err(format_err(
                    source_name,
                    "holds more than one key, so which one to use is unclear; give a file with one",
                ));
            }
        } else if first_other.is_none() {
            first_other = Some(block);
        }
    }
    let key = key.or(first_other);
    let key = key.ok_or_else(|| {
        format_err(
            source_name,
            if params.is_some() {
                "has no key block, only EC PARAMETERS"
            } else {
                "has no complete PEM block: the -----END ...----- line is missing or does not match the BEGIN line (truncated copy?)"
            },
        )
    })?;
    Ok((key, params))
}

/// Whether `text`, given where a path, ID, URL or other value was expected, is (or holds)
/// key material that must never be echoed: PEM armour (`-----BEGIN`, `-----END`, also in
/// the `\n`-escaped form CI secrets hold), a key's base64 body without its armour (at
/// least 64 base64 characters, line breaks aside, starting with `M`, as the base64 of
/// every DER key does), or one line of such a body (a single token of at least 40 base64
/// characters mixing upper case, lower case and digits; quotes, commas and semicolons
/// around it, as a CSV field has, are ignored).
///
/// Paths, key pair IDs, times and URLs (signed ones included: CloudFront's base64 uses
/// `-`, `_` and `~`, and a URL has `:`) never match.
pub fn looks_like_key_material(text: &str) -> bool {
    if text.contains("-----BEGIN") || text.contains("-----END") || text.contains("KEY-----") {
        return true;
    }
    // Scanned in place: no copy of what may be a key is made.
    let body =
        text.trim_matches(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ';'));
    let mut chars = body.chars().peekable();
    let (mut len, mut first) = (0usize, None);
    let (mut upper, mut lower, mut digit, mut spaced) = (false, false, false, false);
    while let Some(c) = chars.next() {
        if c == '\\' && matches!(chars.peek(), Some('n' | 'r')) {
            chars.next();
            continue;
        }
        if c.is_whitespace() {
            spaced = true;
            continue;
        }
        if !(c.is_ascii_alphanumeric() || c == '+' || c == '/' || c == '=') {
            return false;
        }
        upper |= c.is_ascii_uppercase();
        lower |= c.is_ascii_lowercase();
        digit |= c.is_ascii_digit();
        first.get_or_insert(c);
        len += 1;
    }
    (len >= 64 && first == Some('M'))
        || (len >= 40 && !spaced && upper && lower && digit && !looks_like_path(body))
}

/// An absolute path of short components (`/srv/CloudFront/keys/Prod2026/signing`), which
/// a line of random base64 almost never is.
fn looks_like_path(token: &str) -> bool {
    token.starts_with('/')
        && token.matches('/').count() >= 2
        && token.split('/').all(|part| part.len() <= 32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::test_keys::test_key;
    use crate::key::{KeyAlgorithm, PrivateKey, PublicKey};

    #[test]
    fn normalizes_damaged_ci_secrets() {
        let damaged = "\"-----BEGIN X-----\\nAAAA\\r\\nBBBB\\n-----END X-----\\n\"";
        assert_eq!(
            normalize_pem_text(damaged).as_str(),
            "-----BEGIN X-----\nAAAA\nBBBB\n-----END X-----"
        );
    }

    /// Regression: a truncated PEM (no END line) was reported as "only EC PARAMETERS".
    #[test]
    fn truncated_pem_is_reported_as_incomplete() {
        let e = PrivateKey::from_pem(b"-----BEGIN PRIVATE KEY-----\nMIIE\n", None, "k.pem")
            .unwrap_err()
            .to_string();
        assert!(e.contains("has no complete PEM block"), "{e}");
    }

    /// Regression: a file with two private keys signed with the first silently, and a
    /// bundle with a certificate before its key was refused as "a certificate".
    #[test]
    fn bundles_pick_the_one_key_and_refuse_two() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
        let rsa = std::fs::read_to_string(format!("{dir}/keys/rsa2048_pkcs8.pem")).unwrap();
        let ec = std::fs::read_to_string(format!("{dir}/keys/ec_p256_sec1.pem")).unwrap();
        let cert = std::fs::read_to_string(format!("{dir}/rsa2048_cert.pem")).unwrap();
        let public = std::fs::read_to_string(format!("{dir}/keys/rsa2048_public.pem")).unwrap();
        let two = format!("{rsa}{ec}");
        let e = PrivateKey::from_pem(two.as_bytes(), None, "two.pem").unwrap_err();
        assert!(e.to_string().contains("more than one key"), "{e}");
        let bundle = format!("{cert}{public}{rsa}");
        let key = PrivateKey::from_pem(bundle.as_bytes(), None, "bundle.pem").unwrap();
        assert_eq!(key.algorithm(), KeyAlgorithm::Rsa2048);
        let public_after_key = format!("{rsa}{public}");
        assert!(PublicKey::from_pem(public_after_key.as_bytes(), "p.pem").is_ok());
    }

    #[test]
    fn not_pem() {
        let e = PrivateKey::from_pem(b"hello", None, "k.pem").unwrap_err();
        assert!(e.to_string().contains("not a PEM file"), "{e}");
        let e = PrivateKey::from_pem(&[0x30, 0x82, 1, 2], None, "k.der").unwrap_err();
        assert!(e.to_string().contains("DER"), "{e}");
    }

    #[test]
    fn key_material_is_recognised_and_ordinary_values_are_not() {
        let pem = String::from_utf8(test_key("ec_p256_sec1.pem")).unwrap();
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        for text in [
            pem.clone(),
            pem.replace('\n', "\\n"),
            format!("\"{}\"", pem.replace('\n', "\\r\\n")),
            body.clone(),
            pem.lines()
                .filter(|l| !l.starts_with("-----"))
                .collect::<Vec<_>>()
                .join("\n"),
            // Split so the packaging test does not take this file for a key.
            concat!("-----", "END PRIVATE KEY-----").into(),
        ] {
            assert!(looks_like_key_material(&text), "{text}");
        }
        // One line of a key's body, bare, quoted, as a CSV field or with a literal `\n`
        // (the fresh review found these echoed in errors).
        let line = pem.lines().nth(2).unwrap();
        for text in [
            line.to_string(),
            format!("\"{line}\""),
            format!("{line},"),
            format!("{line}\\n"),
        ] {
            assert!(looks_like_key_material(&text), "{text}");
        }
        for text in [
            "keys/private_key.pem",
            "/var/lib/cloudfront/trustedkeys/production/keys/for/the/site/here",
            "K2JCJMDEHXQW5F",
            "APKAEIBAERJR2EXAMPLE",
            "K2JCJMDEHXQW5F=public_key.pem",
            "Q3 Report 2026 Final Version For Our Customers Worldwide",
            "/srv/CloudFront/keys/Production2026/signing/privatekey",
            "7",
            "2026-12-31T00:00:00Z",
            "192.0.2.0/24",
            "https://d111111abcdef8.cloudfront.net/a.jpg?Expires=1767290400&Signature=MEUCIQDz3nJqQ7n0pYQ4m2u8u1hU7l9bU3Yh3N0eXl3v6o7Y3wIgQ5q6XjYc7VJ7z1gQe9Q8Y1m4d0b6m2c8g3uX6e9hQk0_&Key-Pair-Id=K2JCJMDEHXQW5F",
        ] {
            assert!(!looks_like_key_material(text), "{text}");
        }
    }
}
