//! Why CloudFront would refuse a request: its error code ([`ErrorCode`]), the reason
//! ([`Reason`]) and, for a signature that does not match, the diagnosis ([`Diagnosis`]),
//! each in plain words with a one-line fix.

use std::fmt;
use std::net::Ipv4Addr;

use crate::key::KeyAlgorithm;
use crate::policy::SourceIp;
use crate::request::canonical_expires;
use crate::sign::HashAlgorithm;

/// The error code of CloudFront's 403 answer (the `<Code>` of its XML body).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// No `Key-Pair-Id` (or `CloudFront-Key-Pair-Id`), or an empty one.
    MissingKey,
    /// The key pair ID is not in the distribution's trusted key groups ("Unknown Key").
    InvalidKey,
    /// The signature is missing or cannot be decoded ("Could not unencode Signature").
    MalformedSignature,
    /// The policy is missing, cannot be decoded or parsed, or both `Expires` and `Policy`
    /// are present.
    MalformedPolicy,
    /// The signature does not match, or a condition fails (time, IP range, resource).
    AccessDenied,
}

impl ErrorCode {
    /// The code as CloudFront writes it, for example `"AccessDenied"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::MissingKey => "MissingKey",
            ErrorCode::InvalidKey => "InvalidKey",
            ErrorCode::MalformedSignature => "MalformedSignature",
            ErrorCode::MalformedPolicy => "MalformedPolicy",
            ErrorCode::AccessDenied => "AccessDenied",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a signature that decodes does not match, when cfsign can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Diagnosis {
    /// The signature matches with the other hash algorithm: the `Hash-Algorithm`
    /// parameter (or cookie) disagrees with how the policy was signed [\[R15\]](crate::rules#r15).
    HashAlgorithm {
        /// What the URL (or cookie) says: SHA-1 when the parameter is absent.
        claimed: HashAlgorithm,
        /// What the signature was made with.
        signed_with: HashAlgorithm,
    },
    /// Query parameters were appended after the signing parameters: the URL without them
    /// verifies (canned policies only).
    ParameterAppended {
        /// The parameters that were added, as written (`name=value`).
        parameters: Vec<String>,
        /// The URL that was signed (without the signing parameters).
        signed_url: String,
    },
    /// The URL was re-encoded after signing: another spelling of it verifies (canned
    /// policies only) [\[R10\]](crate::rules#r10).
    ReEncoded {
        /// What changed, for example `%7E was written as ~`.
        change: String,
        /// The URL that was signed (without the signing parameters).
        signed_url: String,
    },
    /// The signature's form is that of the other algorithm (a 256-byte RSA-2048 signature
    /// checked with an ECDSA P-256 key, or an ECDSA DER signature with an RSA key): the
    /// public key is not the one registered under the key pair ID.
    WrongKeyType {
        /// The algorithm the signature's form shows (256 bytes: RSA-2048; a DER
        /// `SEQUENCE` of up to 72 bytes: ECDSA P-256).
        signed_with: KeyAlgorithm,
        /// The algorithm of the public key it was checked with.
        key: KeyAlgorithm,
    },
    /// The signature has the wrong length for the key.
    SignatureLength {
        /// Its length in bytes.
        found: usize,
        /// The length the key produces (256 for RSA-2048; 70-72 for ECDSA P-256).
        expected: String,
    },
    /// The signature was made with another key of the key group.
    OtherKey {
        /// The key pair ID whose key verifies the signature.
        key_pair_id: String,
    },
}

impl fmt::Display for Diagnosis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Diagnosis::HashAlgorithm {
                claimed,
                signed_with,
            } => write!(
                f,
                "the policy was signed with {signed_with}, but the request says {claimed} ({})",
                match claimed.parameter() {
                    Some(p) => format!("Hash-Algorithm={p}"),
                    None => "no Hash-Algorithm parameter means SHA1".into(),
                }
            ),
            Diagnosis::ParameterAppended { parameters, .. } => write!(
                f,
                "the query was changed after signing: {} appended after the signing parameters",
                parameters.join("&")
            ),
            Diagnosis::ReEncoded { change, .. } => {
                write!(f, "the URL was re-encoded after signing: {change}")
            }
            Diagnosis::WrongKeyType { signed_with, key } => write!(
                f,
                "it was signed with an {} key but the public key is {} (wrong public key for this key pair ID)",
                family_name(*signed_with),
                family_name(*key)
            ),
            Diagnosis::SignatureLength { found, expected } => write!(
                f,
                "the signature is {found} bytes, but the key makes {expected}-byte signatures (truncated or damaged)"
            ),
            Diagnosis::OtherKey { key_pair_id } => write!(
                f,
                "the signature was made with the key of {key_pair_id}, not the key named in Key-Pair-Id"
            ),
        }
    }
}

/// Why CloudFront would refuse the request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// A signing parameter (or cookie) is given more than once. Which value CloudFront
    /// uses, and what it answers, is undocumented, so a URL that depends on it is not safe
    /// to hand out: cfsign refuses it and reports `AccessDenied` (its own choice of code).
    DuplicateParameter {
        /// The name as written (`Expires`, `CloudFront-Key-Pair-Id`, ...).
        name: String,
    },
    /// `MissingKey`: no `Key-Pair-Id`, or an empty one.
    MissingKeyPairId,
    /// `InvalidKey`: the key pair ID is not the expected one or not in the key group.
    UnknownKey {
        /// The ID found.
        key_pair_id: String,
        /// The IDs that are trusted.
        trusted: Vec<String>,
    },
    /// `MalformedSignature`: no `Signature`.
    MissingSignature,
    /// `MalformedSignature`: the signature is not CloudFront base64 (wrong alphabet,
    /// truncated) [\[R8\]](crate::rules#r8).
    SignatureEncoding {
        /// What is wrong (from [`crate::encoding::decode`]).
        problem: String,
    },
    /// `MalformedPolicy`: neither `Expires` nor `Policy`.
    MissingPolicy,
    /// `MalformedPolicy`: both `Expires` and `Policy` [\[R9\]](crate::rules#r9).
    BothExpiresAndPolicy,
    /// `MalformedPolicy`: `Expires` is not canonical decimal Unix seconds in range (a
    /// leading zero, milliseconds, after year 9999): the same rules as a custom policy's
    /// times [\[R6\]](crate::rules#r6).
    BadExpires {
        /// The value found.
        value: String,
    },
    /// `MalformedPolicy`: `Policy` is not CloudFront base64 [\[R8\]](crate::rules#r8).
    PolicyEncoding {
        /// What is wrong.
        problem: String,
    },
    /// `MalformedPolicy`: the decoded policy is not a valid policy (invalid JSON, wrong
    /// names, milliseconds, ...) [\[R3\]](crate::rules#r3).
    PolicyInvalid {
        /// What is wrong (from [`crate::Policy::from_json`]).
        problem: String,
    },
    /// `AccessDenied`: `Hash-Algorithm` holds a value other than `SHA256` (or `SHA1`).
    UnknownHashAlgorithm {
        /// The value found.
        value: String,
    },
    /// `AccessDenied`: the signature does not match the policy.
    SignatureMismatch {
        /// Why, when cfsign can tell.
        diagnosis: Option<Diagnosis>,
    },
    /// `AccessDenied`: the request time is not before `DateLessThan`.
    Expired {
        /// `DateLessThan`, Unix seconds.
        expires: i64,
        /// The request time, Unix seconds.
        at: i64,
    },
    /// `AccessDenied`: the request time is not after `DateGreaterThan`.
    NotYetValid {
        /// `DateGreaterThan`, Unix seconds.
        starts: i64,
        /// The request time, Unix seconds.
        at: i64,
    },
    /// `AccessDenied`: the client IP is outside `IpAddress`.
    IpOutsideRange {
        /// The client address.
        ip: Ipv4Addr,
        /// The policy's range.
        range: SourceIp,
    },
    /// `AccessDenied`: the requested URL is not matched by the policy's `Resource` [\[R5\]](crate::rules#r5).
    ResourceMismatch {
        /// The URL requested (without signing parameters).
        url: String,
        /// The policy's resource.
        resource: String,
    },
    /// A signing cookie would not be sent with the URL: its `Path` or `Domain` does not
    /// cover it, or (cookie jar) it has expired at the request time. CloudFront answers
    /// as if the cookie were absent; `code` is that answer (`MissingKey` when
    /// `CloudFront-Key-Pair-Id` is the one left out).
    CookieNotSent {
        /// The cookie's name, for example `CloudFront-Key-Pair-Id`.
        cookie: String,
        /// The attribute that leaves it out: `Path`, `Domain`, `Secure`, `Max-Age` or
        /// `expiry` (`Expires` or a jar's expiry column).
        attribute: &'static str,
        /// Why, for example `Path=/videos/ does not cover /images/a.jpg`.
        problem: String,
        /// CloudFront's code for the request without the cookies left out.
        code: ErrorCode,
    },
}

impl Reason {
    /// The error code CloudFront answers with for this reason.
    pub fn code(&self) -> ErrorCode {
        match self {
            Reason::MissingKeyPairId => ErrorCode::MissingKey,
            Reason::UnknownKey { .. } => ErrorCode::InvalidKey,
            Reason::MissingSignature | Reason::SignatureEncoding { .. } => {
                ErrorCode::MalformedSignature
            }
            Reason::MissingPolicy
            | Reason::BothExpiresAndPolicy
            | Reason::BadExpires { .. }
            | Reason::PolicyEncoding { .. }
            | Reason::PolicyInvalid { .. } => ErrorCode::MalformedPolicy,
            Reason::CookieNotSent { code, .. } => *code,
            _ => ErrorCode::AccessDenied,
        }
    }

    /// The URL that was signed, when a diagnosis found it (query parameters appended after
    /// signing, or a re-encoded URL): the signing parameters are not part of it.
    pub fn signed_url(&self) -> Option<&str> {
        match self {
            Reason::SignatureMismatch {
                diagnosis:
                    Some(
                        Diagnosis::ParameterAppended { signed_url, .. }
                        | Diagnosis::ReEncoded { signed_url, .. },
                    ),
            } => Some(signed_url),
            _ => None,
        }
    }

    /// A stable snake_case identifier, for machine output.
    pub fn id(&self) -> &'static str {
        match self {
            Reason::DuplicateParameter { .. } => "duplicate_parameter",
            Reason::MissingKeyPairId => "missing_key_pair_id",
            Reason::UnknownKey { .. } => "unknown_key",
            Reason::MissingSignature => "missing_signature",
            Reason::SignatureEncoding { .. } => "signature_encoding",
            Reason::MissingPolicy => "missing_policy",
            Reason::BothExpiresAndPolicy => "both_expires_and_policy",
            Reason::BadExpires { .. } => "bad_expires",
            Reason::PolicyEncoding { .. } => "policy_encoding",
            Reason::PolicyInvalid { .. } => "policy_invalid",
            Reason::UnknownHashAlgorithm { .. } => "unknown_hash_algorithm",
            Reason::SignatureMismatch { diagnosis } => match diagnosis {
                None => "signature_mismatch",
                Some(Diagnosis::HashAlgorithm { .. }) => "signature_mismatch_hash_algorithm",
                Some(Diagnosis::ParameterAppended { .. }) => "signature_mismatch_query_changed",
                Some(Diagnosis::ReEncoded { .. }) => "signature_mismatch_re_encoded",
                Some(Diagnosis::WrongKeyType { .. }) => "signature_mismatch_wrong_key_type",
                Some(Diagnosis::SignatureLength { .. }) => "signature_mismatch_length",
                Some(Diagnosis::OtherKey { .. }) => "signature_mismatch_other_key",
            },
            Reason::Expired { .. } => "expired",
            Reason::NotYetValid { .. } => "not_yet_valid",
            Reason::IpOutsideRange { .. } => "ip_outside_range",
            Reason::ResourceMismatch { .. } => "resource_mismatch",
            Reason::CookieNotSent { .. } => "cookie_not_sent",
        }
    }

    /// How to fix it, in one line, in the domain's words (a command-line tool adds its
    /// option names).
    pub fn hint(&self) -> String {
        match self {
            Reason::DuplicateParameter { .. } => {
                "give each signing parameter once: sign the URL again from the unsigned URL (or clear the old cookies)".into()
            }
            Reason::MissingKeyPairId => {
                "sign again with the key pair ID (the ID of the public key in the trusted key group)".into()
            }
            Reason::UnknownKey { .. } => {
                "use the ID of a public key in a key group trusted by this cache behavior (console: Key management > Public keys)".into()
            }
            Reason::MissingSignature | Reason::SignatureEncoding { .. } => {
                "pass the signed URL exactly as it was signed; do not URL-encode or decode it again".into()
            }
            Reason::MissingPolicy | Reason::BadExpires { .. } => {
                "sign the URL again; a signed URL carries Expires (canned) or Policy (custom)".into()
            }
            Reason::BothExpiresAndPolicy => {
                "keep only Expires (canned) or only Policy (custom): sign the URL again from the unsigned URL".into()
            }
            Reason::PolicyEncoding { .. } | Reason::PolicyInvalid { .. } => {
                "write the policy with whole Unix seconds and CloudFront's names, then sign again".into()
            }
            Reason::UnknownHashAlgorithm { .. } => {
                "use Hash-Algorithm=SHA256 for SHA-256 signatures and leave it out for SHA-1".into()
            }
            Reason::SignatureMismatch { diagnosis } => match diagnosis {
                Some(Diagnosis::HashAlgorithm { signed_with, .. }) => match signed_with.parameter() {
                    Some(p) => format!("append &Hash-Algorithm={p}, or sign again with SHA-1"),
                    None => "remove Hash-Algorithm=SHA256, or sign again with SHA-256".into(),
                },
                Some(Diagnosis::ParameterAppended { .. }) => {
                    "add query parameters before signing, or sign a wildcard policy resource (such as 'https://host/path*')".into()
                }
                Some(Diagnosis::ReEncoded { .. }) => {
                    "request the URL exactly as it was signed, or sign the form the client sends".into()
                }
                Some(Diagnosis::WrongKeyType { .. }) => {
                    "use the public key that belongs to the key pair ID (the one registered under that ID in CloudFront: Key management > Public keys)".into()
                }
                Some(Diagnosis::SignatureLength { .. }) => {
                    "the URL was cut off or damaged in transit; copy it whole".into()
                }
                Some(Diagnosis::OtherKey { .. }) => {
                    "sign with the private key that belongs to the Key-Pair-Id, or use that key's ID".into()
                }
                None => {
                    "the URL (or Expires/Policy) changed after signing, or the private key does not belong to this public key".into()
                }
            },
            Reason::Expired { .. } => "sign again with a later expiry (DateLessThan)".into(),
            Reason::NotYetValid { .. } => "wait until the start time, or sign again with an earlier start time (DateGreaterThan)".into(),
            Reason::IpOutsideRange { .. } => {
                "sign for the viewer's public address or a wider range (IpAddress), or leave the range out".into()
            }
            Reason::ResourceMismatch { .. } => {
                "request a URL the policy resource covers, or sign with a resource pattern that matches it".into()
            }
            Reason::CookieNotSent { attribute, .. } => match *attribute {
                "Secure" => "request the URL over https://, or sign the cookies without Secure for plain-HTTP tests".into(),
                "Path" => "set the cookies' Path to a prefix of the URL's path, or request a URL under it".into(),
                "Domain" => "set the cookies' Domain to the URL's host or a parent of it, or request that host".into(),
                _ => "sign the cookies again with a later expiry (Max-Age or Expires), or leave the expiry out for session cookies".into(),
            },
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::time::format_utc;
        match self {
            Reason::DuplicateParameter { name } => write!(
                f,
                "{name} is given more than once; which value CloudFront uses is undocumented, so the request is not safe to rely on"
            ),
            Reason::MissingKeyPairId => {
                f.write_str("Missing Key-Pair-Id query parameter or cookie value")
            }
            Reason::UnknownKey {
                key_pair_id,
                trusted,
            } => write!(
                f,
                "Unknown Key: key pair ID {key_pair_id:?} is not trusted (trusted: {})",
                trusted.join(", ")
            ),
            Reason::MissingSignature => f.write_str("there is no Signature"),
            Reason::SignatureEncoding { problem } => {
                write!(f, "Could not unencode Signature: Signature {problem}")
            }
            Reason::MissingPolicy => f.write_str("there is neither Expires nor Policy"),
            Reason::BothExpiresAndPolicy => {
                f.write_str("both Expires and Policy are present; a signed URL has one of them")
            }
            Reason::BadExpires { value } => write!(
                f,
                "Expires {value:?} {}",
                canonical_expires(value)
                    .err()
                    .unwrap_or("is not a whole number of Unix seconds")
            ),
            Reason::PolicyEncoding { problem } => write!(f, "Policy {problem}"),
            Reason::PolicyInvalid { problem } => write!(f, "the decoded {problem}"),
            Reason::UnknownHashAlgorithm { value } => {
                write!(f, "Hash-Algorithm {value:?} is not SHA256")
            }
            Reason::SignatureMismatch { diagnosis } => match diagnosis {
                Some(d) => write!(f, "the signature does not match: {d}"),
                None => f.write_str("the signature does not match the policy"),
            },
            Reason::Expired { expires, at } => write!(
                f,
                "expired at {} ({}; DateLessThan {expires})",
                format_utc(*expires),
                crate::time::describe_relative(*expires, *at)
            ),
            Reason::NotYetValid { starts, at } => write!(
                f,
                "not valid before {} ({}; DateGreaterThan {starts})",
                format_utc(*starts),
                crate::time::describe_relative(*starts, *at)
            ),
            Reason::IpOutsideRange { ip, range } => {
                write!(
                    f,
                    "client IP {ip} is outside the policy's IpAddress {range}"
                )
            }
            Reason::ResourceMismatch { url, resource } => {
                write!(
                    f,
                    "URL {url:?} is not matched by the policy resource {resource:?}"
                )
            }
            Reason::CookieNotSent {
                cookie, problem, ..
            } => write!(
                f,
                "the client would not send the cookie {cookie} with this URL: {problem}"
            ),
        }
    }
}

/// The algorithm's name as `cfsign inspect` writes signature families.
fn family_name(alg: KeyAlgorithm) -> &'static str {
    match alg {
        KeyAlgorithm::Rsa2048 => "RSA-2048",
        KeyAlgorithm::EcdsaP256 => "ECDSA P-256",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_map_to_codes() {
        assert_eq!(Reason::MissingKeyPairId.code(), ErrorCode::MissingKey);
        assert_eq!(
            Reason::BothExpiresAndPolicy.code(),
            ErrorCode::MalformedPolicy
        );
        assert_eq!(
            Reason::SignatureEncoding {
                problem: String::new()
            }
            .code(),
            ErrorCode::MalformedSignature
        );
        assert_eq!(
            Reason::SignatureMismatch { diagnosis: None }.code(),
            ErrorCode::AccessDenied
        );
    }
}
