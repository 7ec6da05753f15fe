//! The fix lines that name command-line options and environment variables. The library's
//! [`cfsign::Error::hint`] speaks the domain ("a custom policy"); where the fix is an
//! option of this command, the CLI says which one here.

use cfsign::verify::{Diagnosis, Note, Reason};

/// The `hint:` line for a library error: the option-naming fix where there is one, else
/// the library's own hint.
pub fn hint(e: &cfsign::Error) -> Option<String> {
    match e {
        cfsign::Error::CannedNotPossible { .. } => Some(
            "use --policy custom (or auto), or drop the wildcard, start time and IP range".into(),
        ),
        cfsign::Error::Passphrase { .. } => Some(
            "give the passphrase with --passphrase-file PATH or CFSIGN_PRIVATE_KEY_PASSPHRASE"
                .into(),
        ),
        // PKCS#11 token keys (`--private-key pkcs11:...`): where this command reads the
        // module and the PIN from.
        cfsign::Error::SigningKey { problem, .. }
            if problem.starts_with("cannot load the PKCS#11 module ") =>
        {
            Some("give the token's module with module-path= or CFSIGN_PKCS11_MODULE (SoftHSM: /usr/lib/softhsm/libsofthsm2.so, OpenSC: /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so)".into())
        }
        cfsign::Error::SigningKey { problem, .. } if problem == "the PIN is wrong" => Some(
            "give the token's user PIN (pin-value= or CFSIGN_PKCS11_PIN); repeated wrong PINs lock the token"
                .into(),
        ),
        cfsign::Error::SigningKey { problem, .. }
            if problem == "no private key found without logging in" =>
        {
            Some(
                "give the user PIN (pin-value=, CFSIGN_PKCS11_PIN, or at the prompt): private keys are visible only after login"
                    .into(),
            )
        }
        cfsign::Error::Sha1Refused { .. } => Some(
            "use --hash-algorithm sha256, or a cfsign built without the `openssl` feature (the default pure-Rust backend signs SHA-1 everywhere)".into(),
        ),
        cfsign::Error::KeyUnsupported { .. } => Some(
            "CloudFront accepts RSA 2048 and ECDSA P-256 keys; create one with `cfsign keygen` or openssl".into(),
        ),
        cfsign::Error::Read { reason, .. } if reason.contains("not a regular file") => {
            Some("give a regular file, or `-` for standard input where the option takes it".into())
        }
        _ => e.hint(),
    }
}

/// A library warning as this command says it: with the option that fixes it where there
/// is one (the library's text names the fix in domain words), else the library's text.
pub fn warning(w: &cfsign::Warning) -> String {
    match w {
        cfsign::Warning::LiteralStar => "the URL holds '*', which a canned policy signs as a literal character; to grant access to many files use --policy-resource with a wildcard, or signed cookies".into(),
        cfsign::Warning::SecureCookieOverHttp => "the cookies are Secure but the resource is http://: clients send Secure cookies only over https, so CloudFront would not receive them on http:// requests; sign an https:// resource, or use --no-secure for plain HTTP".into(),
        _ => w.to_string(),
    }
}

/// The `fix:` line for a verification refusal: the library's domain wording, with the
/// options of `cfsign` (and `cfsign cookies`) that make the fix where there are some.
pub fn reason_fix(r: &Reason) -> String {
    let text = match r {
        Reason::MissingKeyPairId => {
            "sign again with --key-pair-id (the ID of the public key in the trusted key group)"
        }
        Reason::MissingSignature | Reason::SignatureEncoding { .. } => {
            "pass the signed URL exactly as cfsign printed it; do not URL-encode or decode it again"
        }
        Reason::PolicyEncoding { .. } | Reason::PolicyInvalid { .. } => {
            "write the policy with whole Unix seconds and CloudFront's names, then sign again (cfsign --policy-file checks it)"
        }
        Reason::SignatureMismatch {
            diagnosis: Some(Diagnosis::HashAlgorithm { signed_with, .. }),
        } => {
            return match signed_with.parameter() {
                Some(p) => {
                    format!("append &Hash-Algorithm={p}, or sign again with --hash-algorithm sha1")
                }
                None => "remove Hash-Algorithm=SHA256, or sign again with --hash-algorithm sha256"
                    .into(),
            };
        }
        Reason::SignatureMismatch {
            diagnosis: Some(Diagnosis::ParameterAppended { .. }),
        } => {
            "add query parameters before signing, or sign a wildcard policy resource (--policy-resource 'https://host/path*')"
        }
        Reason::Expired { .. } => {
            "sign again with a later expiry (--days, --expires-in, --date-less-than)"
        }
        Reason::NotYetValid { .. } => {
            "wait until the start time, or sign again with an earlier --date-greater-than"
        }
        Reason::IpOutsideRange { .. } => {
            "sign for the viewer's public address or a wider range (--ip-address), or leave the range out"
        }
        Reason::CookieNotSent { attribute, .. } => match *attribute {
            "Secure" => {
                "request the URL over https://, or sign the cookies with --no-secure for plain-HTTP tests"
            }
            "Path" => {
                "set the cookies' Path to a prefix of the URL's path (cfsign cookies --cookie-path), or request a URL under it"
            }
            "Domain" => {
                "set the cookies' Domain to the URL's host or a parent of it (cfsign cookies --cookie-domain), or request that host"
            }
            _ => {
                "sign the cookies again with a later expiry (cfsign cookies --cookie-max-age), or leave the expiry out for session cookies"
            }
        },
        _ => return r.hint(),
    };
    text.into()
}

/// A `note:` of a verification: the library's wording, with the `cfsign verify` option
/// that supplies what was missing where there is one.
pub fn verify_note(n: &Note) -> String {
    match n {
        Note::KeyPairIdNotChecked => "the Key-Pair-Id was not checked against an expected ID; give the key's ID (--key-pair-id) to check it".into(),
        Note::IpNotChecked { range } => format!(
            "the policy allows only IpAddress {range}; give --client-ip to check the viewer's address"
        ),
        Note::Url(w) => warning(w),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The library's own wording names no option; the CLI's names the option (or the
    /// command) that makes the fix.
    #[test]
    fn the_library_wording_names_no_option() {
        let reasons = [
            Reason::MissingKeyPairId,
            Reason::MissingSignature,
            Reason::PolicyInvalid {
                problem: String::new(),
            },
            Reason::Expired { expires: 0, at: 1 },
            Reason::NotYetValid { starts: 1, at: 0 },
            Reason::IpOutsideRange {
                ip: std::net::Ipv4Addr::LOCALHOST,
                range: "192.0.2.0/24".parse().expect("range"),
            },
        ];
        for r in &reasons {
            assert!(!r.hint().contains("--"), "{}", r.hint());
            assert_ne!(reason_fix(r), r.hint());
        }
        let n = Note::KeyPairIdNotChecked;
        assert!(!n.to_string().contains("--"));
        assert_eq!(
            verify_note(&n),
            "the Key-Pair-Id was not checked against an expected ID; give the key's ID (--key-pair-id) to check it"
        );
    }
}
