//! Where a private key lives when it is not a PEM file: the `kms:`, `pkcs11:`,
//! `secretsmanager:` and `ssm:` sources ([`RemoteSource`]), and PEM text wrapped in
//! base64 (a common way to keep a multi-line secret in one line, [`unwrap_base64_pem`]).
//!
//! Parsing a source needs no cargo feature; using one needs `aws` (KMS, Secrets Manager,
//! SSM: the `aws` module) or `pkcs11` (tokens: the `pkcs11` module).

use base64::Engine as _;
use zeroize::Zeroizing;

/// A key source that is not a file: where the key is, as the user wrote it.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RemoteSource {
    /// `kms:KEY`: an AWS KMS asymmetric key (key ID, key ARN, `alias/NAME` or alias ARN)
    /// that signs with KMS `Sign`; the private key never leaves KMS.
    Kms(String),
    /// `pkcs11:...`: a key on a PKCS#11 token, as an RFC 7512 URI (the whole URI).
    Pkcs11(String),
    /// `secretsmanager:NAME-OR-ARN`: a PEM private key kept as an AWS Secrets Manager
    /// secret (string or binary).
    SecretsManager(String),
    /// `ssm:/PARAMETER/NAME`: a PEM private key kept as an SSM Parameter Store parameter
    /// (a SecureString is decrypted).
    Ssm(String),
}

impl RemoteSource {
    /// Recognises `kms:`, `pkcs11:`, `secretsmanager:` and `ssm:`; anything else (a path)
    /// is `None`. A file whose name starts like that is reached as `./kms:...`.
    pub fn parse(spec: &str) -> Option<Self> {
        if spec.starts_with("pkcs11:") {
            return Some(RemoteSource::Pkcs11(spec.to_string()));
        }
        let (scheme, rest) = spec.split_once(':')?;
        let rest = rest.to_string();
        match scheme {
            "kms" => Some(RemoteSource::Kms(rest)),
            "secretsmanager" => Some(RemoteSource::SecretsManager(rest)),
            "ssm" => Some(RemoteSource::Ssm(rest)),
            _ => None,
        }
    }

    /// The cargo feature that this source needs: `aws` or `pkcs11`.
    pub fn feature(&self) -> &'static str {
        match self {
            RemoteSource::Pkcs11(_) => "pkcs11",
            _ => "aws",
        }
    }

    /// Whether signing happens remotely (KMS, a token), rather than with a PEM key
    /// fetched from a secret store.
    pub fn signs_remotely(&self) -> bool {
        matches!(self, RemoteSource::Kms(_) | RemoteSource::Pkcs11(_))
    }
}

/// The source as the user wrote it, with any `pin-value` of a PKCS#11 URI hidden, for
/// messages.
impl std::fmt::Display for RemoteSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RemoteSource::Kms(k) => write!(f, "kms:{k}"),
            RemoteSource::Pkcs11(uri) => f.write_str(&redact_pin(uri)),
            RemoteSource::SecretsManager(s) => write!(f, "secretsmanager:{s}"),
            RemoteSource::Ssm(p) => write!(f, "ssm:{p}"),
        }
    }
}

impl std::fmt::Debug for RemoteSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RemoteSource({self})")
    }
}

/// A PKCS#11 URI with the value of each `pin-value=` attribute replaced by `***`.
pub(crate) fn redact_pin(uri: &str) -> String {
    let (path, query) = match uri.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (uri, None),
    };
    let hide = |part: &str, sep: char| -> String {
        part.split(sep)
            .map(|attr| match attr.split_once('=') {
                Some((name, _)) if name.eq_ignore_ascii_case("pin-value") => {
                    format!("{name}=***")
                }
                _ => attr.to_string(),
            })
            .collect::<Vec<_>>()
            .join(&sep.to_string())
    };
    match query {
        Some(q) => format!("{}?{}", hide(path, ';'), hide(q, '&')),
        None => hide(path, ';'),
    }
}

/// `text` with the value of every `pin-value=` (any case, anywhere: a PKCS#11 URI written
/// with an upper-case scheme, behind `file://`, or given to the wrong option) replaced by
/// `***`, up to the next `&`, `;`, `?`, quote or whitespace. Applied to every message
/// cfsign prints, so a PIN never reaches a terminal or a CI log.
pub fn redact_pins_in_text(text: &str) -> std::borrow::Cow<'_, str> {
    const NAME: &str = "pin-value=";
    let lower = text.to_ascii_lowercase();
    if !lower.contains(NAME) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    while let Some(found) = lower[rest..].find(NAME) {
        let value = rest + found + NAME.len();
        out.push_str(&text[rest..value]);
        out.push_str("***");
        let end = text[value..]
            .find(|c: char| matches!(c, '&' | ';' | '?' | '"' | '\'') || c.is_whitespace())
            .map_or(text.len(), |i| value + i);
        rest = end;
    }
    out.push_str(&text[rest..]);
    std::borrow::Cow::Owned(out)
}

/// PEM text kept base64-encoded (the whole file, one line): the decoded PEM when `text`
/// is not PEM itself but standard base64 (whitespace ignored) of text holding a
/// `-----BEGIN ` line; else `None`. The decoded bytes are zeroized when dropped.
pub fn unwrap_base64_pem(text: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    if text.windows(11).any(|w| w == b"-----BEGIN ") {
        return None;
    }
    let compact: Zeroizing<Vec<u8>> = Zeroizing::new(
        text.iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace() && *b != b'"' && *b != b'\'')
            .collect(),
    );
    let decoded = Zeroizing::new(
        base64::engine::general_purpose::STANDARD
            .decode(compact.as_slice())
            .ok()?,
    );
    decoded
        .windows(11)
        .any(|w| w == b"-----BEGIN ")
        .then_some(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_recognised_by_prefix() {
        assert_eq!(
            RemoteSource::parse("kms:alias/cf"),
            Some(RemoteSource::Kms("alias/cf".into()))
        );
        assert_eq!(
            RemoteSource::parse("ssm:/cf/key"),
            Some(RemoteSource::Ssm("/cf/key".into()))
        );
        assert_eq!(
            RemoteSource::parse("secretsmanager:arn:aws:secretsmanager:us-east-1:1:secret:k"),
            Some(RemoteSource::SecretsManager(
                "arn:aws:secretsmanager:us-east-1:1:secret:k".into()
            ))
        );
        assert!(matches!(
            RemoteSource::parse("pkcs11:token=t;object=k"),
            Some(RemoteSource::Pkcs11(_))
        ));
        assert_eq!(RemoteSource::parse("keys/private_key.pem"), None);
        assert_eq!(RemoteSource::parse("./kms:odd-file-name.pem"), None);
        assert_eq!(RemoteSource::parse("C:\\keys\\k.pem"), None);
    }

    #[test]
    fn pins_never_show_in_messages() {
        let s = RemoteSource::parse("pkcs11:token=cf;object=k;pin-value=1234?module-path=/m.so")
            .unwrap();
        assert_eq!(
            s.to_string(),
            "pkcs11:token=cf;object=k;pin-value=***?module-path=/m.so"
        );
        assert_eq!(
            redact_pin("pkcs11:token=cf?pin-value=1234&module-path=/m.so"),
            "pkcs11:token=cf?pin-value=***&module-path=/m.so"
        );
        // The fresh review found these PINs printed: any case, any place in a message.
        assert_eq!(
            redact_pin("pkcs11:token=x?PIN-VALUE=SECRET"),
            "pkcs11:token=x?PIN-VALUE=***"
        );
        for (text, want) in [
            (
                "cannot read private key PKCS11:token=x?pin-value=SECRET: no such file",
                // Everything up to the next separator goes, the message's colon too.
                "cannot read private key PKCS11:token=x?pin-value=*** no such file",
            ),
            (
                "file://pkcs11:token=x;Pin-Value=SECRET&module-path=/m.so",
                "file://pkcs11:token=x;Pin-Value=***&module-path=/m.so",
            ),
            (
                "a pin-value=1 and PIN-VALUE=2",
                "a pin-value=*** and PIN-VALUE=***",
            ),
            ("nothing to hide", "nothing to hide"),
        ] {
            assert_eq!(redact_pins_in_text(text), want);
        }
        assert!(!format!("{s:?}").contains("1234"));
    }

    #[test]
    fn base64_wrapped_pem_is_unwrapped() {
        let pem = "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n";
        let wrapped = base64::engine::general_purpose::STANDARD.encode(pem);
        assert_eq!(
            unwrap_base64_pem(wrapped.as_bytes()).unwrap().as_slice(),
            pem.as_bytes()
        );
        // Line-wrapped (as `base64` prints it) and quoted.
        let folded = format!("\"{}\n{}\"\n", &wrapped[..40], &wrapped[40..]);
        assert!(unwrap_base64_pem(folded.as_bytes()).is_some());
        assert_eq!(unwrap_base64_pem(pem.as_bytes()), None);
        assert_eq!(unwrap_base64_pem(b"aGVsbG8="), None);
        assert_eq!(unwrap_base64_pem(b"not base64 at all"), None);
    }
}
