//! Offline verification of signed URLs and signed cookies: what CloudFront would answer,
//! and why.
//!
//! [`verify_url`] and [`verify_cookies`] run CloudFront's checks in its order and stop at
//! the first failure, returning a [`Verdict`]: [`Verdict::Serve`], or [`Verdict::Refuse`]
//! with the error code CloudFront would put in its 403 answer ([`ErrorCode`]) and a
//! [`Reason`] in plain words. The order is:
//!
//! 1. `Key-Pair-Id` present and not empty, else `MissingKey`;
//! 2. the ID known (the expected ID, or one of a key group's IDs), else `InvalidKey`;
//! 3. `Signature` present and in CloudFront's base64, else `MalformedSignature`;
//! 4. exactly one of `Expires` / `Policy`, a whole-number `Expires`, a `Policy` that
//!    decodes and parses strictly, else `MalformedPolicy`;
//! 5. the signature matches the policy bytes (the canned policy rebuilt from the URL
//!    without its signing parameters \[R1\], \[R2\]), else `AccessDenied`; when it can tell,
//!    the reason says why ([`Diagnosis`]);
//! 6. the time before `DateLessThan` and after `DateGreaterThan`, the client IP inside
//!    `IpAddress` (when one is given), the URL matched by the policy's `Resource` \[R5\],
//!    else `AccessDenied`.
//!
//! CloudFront documents the error codes but not the order between the two `Malformed`
//! codes; cfsign checks the signature's encoding first. Nor does it document which value
//! counts when a signing parameter (or cookie) is given twice: a request that depends on
//! it is not safe to hand out, so cfsign refuses it first of all
//! ([`Reason::DuplicateParameter`], reported as `AccessDenied`: CloudFront's own code for
//! it is undocumented).

use std::collections::BTreeMap;
use std::fmt;
use std::net::Ipv4Addr;

use crate::cookies;
use crate::encoding;
use crate::key::{KeyAlgorithm, PublicKey};
use crate::policy::{self, Policy, PolicyType, SourceIp};
use crate::sign::{self, HashAlgorithm};
use crate::url;

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
    /// parameter (or cookie) disagrees with how the policy was signed \[R15\].
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
    /// policies only) \[R10\].
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
        /// The algorithm the signature's form shows (see
        /// [`crate::inspect::signature_family`]).
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
    /// truncated) \[R8\].
    SignatureEncoding {
        /// What is wrong (from [`encoding::decode`]).
        problem: String,
    },
    /// `MalformedPolicy`: neither `Expires` nor `Policy`.
    MissingPolicy,
    /// `MalformedPolicy`: both `Expires` and `Policy` \[R9\].
    BothExpiresAndPolicy,
    /// `MalformedPolicy`: `Expires` is not canonical decimal Unix seconds in range (a
    /// leading zero, milliseconds, after year 9999): the same rules as a custom policy's
    /// times \[R6\].
    BadExpires {
        /// The value found.
        value: String,
    },
    /// `MalformedPolicy`: `Policy` is not CloudFront base64 \[R8\].
    PolicyEncoding {
        /// What is wrong.
        problem: String,
    },
    /// `MalformedPolicy`: the decoded policy is not a valid policy (invalid JSON, wrong
    /// names, milliseconds, ...) \[R3\].
    PolicyInvalid {
        /// What is wrong (from [`Policy::from_json`]).
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
    /// `AccessDenied`: the requested URL is not matched by the policy's `Resource` \[R5\].
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

    /// How to fix it, in one line.
    pub fn hint(&self) -> String {
        match self {
            Reason::DuplicateParameter { .. } => {
                "give each signing parameter once: sign the URL again from the unsigned URL (or clear the old cookies)".into()
            }
            Reason::MissingKeyPairId => {
                "sign again with --key-pair-id (the ID of the public key in the trusted key group)".into()
            }
            Reason::UnknownKey { .. } => {
                "use the ID of a public key in a key group trusted by this cache behavior (console: Key management > Public keys)".into()
            }
            Reason::MissingSignature | Reason::SignatureEncoding { .. } => {
                "pass the signed URL exactly as cfsign printed it; do not URL-encode or decode it again".into()
            }
            Reason::MissingPolicy | Reason::BadExpires { .. } => {
                "sign the URL again; a signed URL carries Expires (canned) or Policy (custom)".into()
            }
            Reason::BothExpiresAndPolicy => {
                "keep only Expires (canned) or only Policy (custom): sign the URL again from the unsigned URL".into()
            }
            Reason::PolicyEncoding { .. } | Reason::PolicyInvalid { .. } => {
                "write the policy with whole Unix seconds and CloudFront's names, then sign again (cfsign --policy-file checks it)".into()
            }
            Reason::UnknownHashAlgorithm { .. } => {
                "use Hash-Algorithm=SHA256 for SHA-256 signatures and leave it out for SHA-1".into()
            }
            Reason::SignatureMismatch { diagnosis } => match diagnosis {
                Some(Diagnosis::HashAlgorithm { signed_with, .. }) => match signed_with.parameter() {
                    Some(p) => format!("append &Hash-Algorithm={p}, or sign again with --hash-algorithm sha1"),
                    None => "remove Hash-Algorithm=SHA256, or sign again with --hash-algorithm sha256".into(),
                },
                Some(Diagnosis::ParameterAppended { .. }) => {
                    "add query parameters before signing, or sign a wildcard policy resource (--policy-resource 'https://host/path*')".into()
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
            Reason::Expired { .. } => "sign again with a later expiry (--days, --expires-in, --date-less-than)".into(),
            Reason::NotYetValid { .. } => "wait until the start time, or sign again with an earlier --date-greater-than".into(),
            Reason::IpOutsideRange { .. } => {
                "sign for the viewer's public address or a wider range (--ip-address), or leave the range out".into()
            }
            Reason::ResourceMismatch { .. } => {
                "request a URL the policy resource covers, or sign with a resource pattern that matches it".into()
            }
            Reason::CookieNotSent { attribute, .. } => match *attribute {
                "Secure" => "request the URL over https://, or sign the cookies with --no-secure for plain-HTTP tests".into(),
                "Path" => "set the cookies' Path to a prefix of the URL's path (cfsign cookies --cookie-path), or request a URL under it".into(),
                "Domain" => "set the cookies' Domain to the URL's host or a parent of it (cfsign cookies --cookie-domain), or request that host".into(),
                _ => "sign the cookies again with a later expiry (cfsign cookies --cookie-max-age), or leave the expiry out for session cookies".into(),
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

/// What CloudFront would do with the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// CloudFront would serve it.
    Serve,
    /// CloudFront would answer 403 with [`Reason::code`].
    Refuse(Reason),
}

/// The keys CloudFront trusts for the request.
#[derive(Debug)]
pub enum TrustedKeys {
    /// One public key; with `key_pair_id`, only that ID is accepted, without it any ID.
    Single {
        /// The public key.
        key: PublicKey,
        /// The ID it is registered under, when known.
        key_pair_id: Option<String>,
    },
    /// A key group: key pair ID → public key.
    Group(BTreeMap<String, PublicKey>),
}

impl TrustedKeys {
    fn lookup(&self, id: &str) -> Option<&PublicKey> {
        match self {
            TrustedKeys::Single { key, key_pair_id } => match key_pair_id {
                Some(expected) if expected != id => None,
                _ => Some(key),
            },
            TrustedKeys::Group(map) => map.get(id),
        }
    }

    fn ids(&self) -> Vec<String> {
        match self {
            TrustedKeys::Single { key_pair_id, .. } => key_pair_id.iter().cloned().collect(),
            TrustedKeys::Group(map) => map.keys().cloned().collect(),
        }
    }
}

/// The request as CloudFront would see it, besides the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestContext {
    /// The request time, Unix seconds (UTC).
    pub at: i64,
    /// The viewer's address; `None` skips the `IpAddress` check.
    pub client_ip: Option<Ipv4Addr>,
}

/// The result of a verification: the verdict and what was found on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Serve or refuse.
    pub verdict: Verdict,
    /// The URL requested, without the signing parameters (and fragment).
    pub url: String,
    /// The key pair ID, when present.
    pub key_pair_id: Option<String>,
    /// Canned or custom, when known.
    pub policy_type: Option<PolicyType>,
    /// The policy bytes that the signature covers (rebuilt for canned), when known.
    pub policy: Option<String>,
    /// The policy, when it was read.
    pub parsed_policy: Option<Policy>,
    /// The hash algorithm claimed by the request.
    pub hash_algorithm: HashAlgorithm,
    /// The algorithm of the key that checked the signature, when one did.
    pub key_algorithm: Option<KeyAlgorithm>,
    /// Remarks: checks skipped (no client IP), a fragment ignored.
    pub notes: Vec<String>,
}

impl Verification {
    /// Whether CloudFront would serve the request.
    pub fn serves(&self) -> bool {
        self.verdict == Verdict::Serve
    }

    /// The documented JSON object (`schema_version` 1): `verdict` (`serve` or `refuse`),
    /// `http_status` (200 or 403), `error_code` (CloudFront's code or `null`), `reason`
    /// (a stable id such as `expired` or `signature_mismatch_query_changed`), `message`,
    /// `hint`, `signed_url` (the URL that was actually signed, when a diagnosis found it),
    /// `url`, `key_pair_id`, `policy_type`, `policy`, `resource`, `expires`,
    /// `expires_utc`, `date_greater_than`, `ip_address`, `hash_algorithm`,
    /// `key_algorithm`, `notes`. Absent values are `null`; times are Unix seconds.
    pub fn to_json(&self) -> serde_json::Value {
        let (code, id, message, hint, signed_url) = match &self.verdict {
            Verdict::Serve => (None, None, None, None, None),
            Verdict::Refuse(r) => (
                Some(r.code().as_str()),
                Some(r.id()),
                Some(r.to_string()),
                Some(r.hint()),
                match r {
                    Reason::SignatureMismatch {
                        diagnosis:
                            Some(
                                Diagnosis::ParameterAppended { signed_url, .. }
                                | Diagnosis::ReEncoded { signed_url, .. },
                            ),
                    } => Some(signed_url.clone()),
                    _ => None,
                },
            ),
        };
        let p = self.parsed_policy.as_ref();
        let c = p.map(Policy::condition);
        serde_json::json!({
            "schema_version": 1,
            "verdict": if self.serves() { "serve" } else { "refuse" },
            "http_status": if self.serves() { 200 } else { 403 },
            "error_code": code,
            "reason": id,
            "message": message,
            "hint": hint,
            "signed_url": signed_url,
            "url": self.url,
            "key_pair_id": self.key_pair_id,
            "policy_type": self.policy_type.map(PolicyType::as_str),
            "policy": self.policy,
            "resource": p.and_then(Policy::resource),
            "expires": c.map(|c| c.date_less_than),
            "expires_utc": c.map(|c| crate::time::format_utc(c.date_less_than)),
            "date_greater_than": c.and_then(|c| c.date_greater_than),
            "ip_address": c.and_then(|c| c.ip_address).map(|ip| ip.to_string()),
            "hash_algorithm": self.hash_algorithm.as_str(),
            "key_algorithm": self.key_algorithm.map(KeyAlgorithm::as_str),
            "notes": self.notes,
        })
    }
}

/// The signing values of a request, wherever they came from (query or cookies).
#[derive(Debug, Default, Clone)]
pub(crate) struct SigningValues {
    pub(crate) expires: Option<String>,
    pub(crate) policy: Option<String>,
    pub(crate) signature: Option<String>,
    pub(crate) key_pair_id: Option<String>,
    pub(crate) hash_algorithm: Option<String>,
    /// Names given more than once, as written (`Signature`, `CloudFront-Signature`), each
    /// once, in order of their second appearance. The first value of each name is kept
    /// (for `inspect`); `verify` refuses the request.
    pub(crate) duplicates: Vec<String>,
}

impl SigningValues {
    /// The query parameter names of the values present, in [`url::SIGNING_PARAMETERS`]
    /// order.
    fn names_present(&self) -> Vec<&'static str> {
        [
            &self.expires,
            &self.policy,
            &self.signature,
            &self.key_pair_id,
            &self.hash_algorithm,
        ]
        .iter()
        .zip(url::SIGNING_PARAMETERS)
        .filter(|(v, _)| v.is_some())
        .map(|(_, n)| n)
        .collect()
    }
}

/// A signed URL taken apart, byte-faithfully.
#[derive(Debug, Clone)]
pub(crate) struct SplitUrl {
    /// The URL without the signing parameters and their separators \[R9\].
    pub(crate) base: String,
    /// The user's query pairs that come after the first signing parameter.
    appended: Vec<String>,
    /// The base URL without the appended pairs.
    base_without_appended: String,
    pub(crate) values: SigningValues,
    pub(crate) fragment: Option<String>,
}

pub(crate) fn split_signed_url(signed: &str) -> SplitUrl {
    let (without_fragment, fragment) = match signed.find('#') {
        Some(i) => (&signed[..i], Some(signed[i..].to_string())),
        None => (signed, None),
    };
    let mut values = SigningValues::default();
    let Some((head, query)) = without_fragment.split_once('?') else {
        return SplitUrl {
            base: without_fragment.into(),
            appended: Vec::new(),
            base_without_appended: without_fragment.into(),
            values,
            fragment,
        };
    };
    let mut kept = Vec::new();
    let mut before = Vec::new();
    let mut appended = Vec::new();
    let mut seen_signing = false;
    let mut duplicates: Vec<String> = Vec::new();
    for pair in query.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let slot = match name {
            url::EXPIRES => Some(&mut values.expires),
            url::POLICY => Some(&mut values.policy),
            url::SIGNATURE => Some(&mut values.signature),
            url::KEY_PAIR_ID => Some(&mut values.key_pair_id),
            url::HASH_ALGORITHM => Some(&mut values.hash_algorithm),
            _ => None,
        };
        match slot {
            Some(slot) => {
                seen_signing = true;
                if slot.is_none() {
                    *slot = Some(value.to_string());
                } else if !duplicates.iter().any(|d| d == name) {
                    duplicates.push(name.to_string());
                }
            }
            None => {
                kept.push(pair);
                if seen_signing {
                    appended.push(pair.to_string());
                } else {
                    before.push(pair);
                }
            }
        }
    }
    values.duplicates = duplicates;
    let join = |pairs: &[&str]| {
        if pairs.is_empty() {
            head.to_string()
        } else {
            format!("{head}?{}", pairs.join("&"))
        }
    };
    SplitUrl {
        base: join(&kept),
        base_without_appended: join(&before),
        appended,
        values,
        fragment,
    }
}

fn verifies(key: &PublicKey, hash: HashAlgorithm, msg: &[u8], sig: &[u8]) -> bool {
    sign::verify_bytes(key, hash, msg, sig).is_ok()
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

/// The algorithm's name as `cfsign inspect` writes signature families.
fn family_name(alg: KeyAlgorithm) -> &'static str {
    match alg {
        KeyAlgorithm::Rsa2048 => "RSA-2048",
        KeyAlgorithm::EcdsaP256 => "ECDSA P-256",
    }
}

fn expected_len(alg: KeyAlgorithm) -> (bool, String) {
    match alg {
        KeyAlgorithm::Rsa2048 => (true, "256".into()),
        KeyAlgorithm::EcdsaP256 => (false, "70-72".into()),
    }
}

struct Check<'a> {
    split: SplitUrl,
    keys: &'a TrustedKeys,
    ctx: RequestContext,
    /// Cookies carry no appended parameters and are never re-encoded by URL libraries.
    url_diagnoses: bool,
}

impl Check<'_> {
    fn run(self) -> Verification {
        let mut result = Verification {
            verdict: Verdict::Serve,
            url: self.split.base.clone(),
            key_pair_id: None,
            policy_type: None,
            policy: None,
            parsed_policy: None,
            hash_algorithm: HashAlgorithm::Sha1,
            key_algorithm: None,
            notes: Vec::new(),
        };
        if let TrustedKeys::Single {
            key_pair_id: None, ..
        } = self.keys
        {
            result.notes.push(
                "the Key-Pair-Id was not checked against an expected ID; give the key's ID (--key-pair-id) to check it"
                    .into(),
            );
        }
        if let Some(fragment) = &self.split.fragment {
            result.notes.push(format!(
                "the fragment {fragment:?} was ignored: clients never send it to CloudFront"
            ));
        }
        result.verdict = match self.check(&mut result) {
            Ok(()) => Verdict::Serve,
            Err(reason) => Verdict::Refuse(reason),
        };
        result
    }

    fn check(&self, out: &mut Verification) -> Result<(), Reason> {
        let v = &self.split.values;
        // 0. A parameter given twice: CloudFront's reading is undocumented.
        if let Some(name) = v.duplicates.first() {
            return Err(Reason::DuplicateParameter { name: name.clone() });
        }
        // 1. MissingKey
        let id = v
            .key_pair_id
            .as_deref()
            .filter(|s| !s.is_empty())
            .ok_or(Reason::MissingKeyPairId)?;
        out.key_pair_id = Some(id.to_string());
        // 2. InvalidKey
        let key = self.keys.lookup(id).ok_or_else(|| Reason::UnknownKey {
            key_pair_id: id.to_string(),
            trusted: self.keys.ids(),
        })?;
        out.key_algorithm = Some(key.algorithm());
        // 3. MalformedSignature
        let sig_text = v.signature.as_deref().ok_or(Reason::MissingSignature)?;
        let signature =
            encoding::decode("Signature", sig_text).map_err(|e| Reason::SignatureEncoding {
                problem: error_problem(&e),
            })?;
        // 4. MalformedPolicy
        let (policy_type, policy_bytes, policy) = match (&v.expires, &v.policy) {
            (Some(_), Some(_)) => return Err(Reason::BothExpiresAndPolicy),
            (None, None) => return Err(Reason::MissingPolicy),
            (Some(e), None) => {
                let expires = parse_expires(e)?;
                let p = Policy::canned(self.split.base.clone(), expires);
                (PolicyType::Canned, p.to_json().into_bytes(), p)
            }
            (None, Some(text)) => {
                let bytes =
                    encoding::decode("Policy", text).map_err(|e| Reason::PolicyEncoding {
                        problem: error_problem(&e),
                    })?;
                let p = Policy::from_json(&bytes).map_err(|e| Reason::PolicyInvalid {
                    problem: format!("policy is not valid: {}", error_problem(&e)),
                })?;
                (PolicyType::Custom, bytes, p)
            }
        };
        out.policy_type = Some(policy_type);
        out.policy = Some(String::from_utf8_lossy(&policy_bytes).into_owned());
        out.parsed_policy = Some(policy.clone());
        if policy_type == PolicyType::Custom
            && let Some(w) = url::Warning::grants_everything(policy.resource())
        {
            out.notes.push(w.to_string());
        }
        // 5. The signature
        let hash = match v.hash_algorithm.as_deref() {
            None => HashAlgorithm::Sha1,
            Some("SHA256") => HashAlgorithm::Sha256,
            Some("SHA1") => HashAlgorithm::Sha1,
            Some(other) => {
                return Err(Reason::UnknownHashAlgorithm {
                    value: other.to_string(),
                });
            }
        };
        out.hash_algorithm = hash;
        if !verifies(key, hash, &policy_bytes, &signature) {
            return Err(Reason::SignatureMismatch {
                diagnosis: self.diagnose(key, hash, policy_type, &policy, &signature),
            });
        }
        // 6. Conditions
        let c = policy.condition();
        if self.ctx.at >= c.date_less_than {
            return Err(Reason::Expired {
                expires: c.date_less_than,
                at: self.ctx.at,
            });
        }
        if let Some(starts) = c.date_greater_than
            && self.ctx.at <= starts
        {
            return Err(Reason::NotYetValid {
                starts,
                at: self.ctx.at,
            });
        }
        if let Some(range) = c.ip_address {
            match self.ctx.client_ip {
                Some(ip) if !range.contains(ip) => {
                    return Err(Reason::IpOutsideRange { ip, range });
                }
                Some(_) => {}
                None => out.notes.push(format!(
                    "the policy allows only IpAddress {range}; give --client-ip to check the viewer's address"
                )),
            }
        }
        if let Some(resource) = policy.resource()
            && !policy::resource_matches(resource, &self.split.base)
        {
            return Err(Reason::ResourceMismatch {
                url: self.split.base.clone(),
                resource: resource.to_string(),
            });
        }
        Ok(())
    }

    fn diagnose(
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
        if let Some(signed_with) = crate::inspect::signature_algorithm(signature)
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

/// The remark for a signing parameter (or cookie) given more than once (`inspect` shows
/// the first value). CloudFront does not document which value it uses, so `verify`
/// refuses such a request ([`Reason::DuplicateParameter`]); the fix is to give each once.
pub(crate) fn duplicate_note(name: &str) -> String {
    format!(
        "{name} is given more than once; the first value is shown, but which one CloudFront uses is undocumented (verify refuses it): give each signing parameter once"
    )
}

/// The message of a library error without its variant prefix noise.
fn error_problem(e: &crate::Error) -> String {
    match e {
        crate::Error::Base64 { problem, .. } => problem.clone(),
        crate::Error::Policy { problem } => problem.clone(),
        other => other.to_string(),
    }
}

fn parse_expires(e: &str) -> Result<i64, Reason> {
    canonical_expires(e).map_err(|_| Reason::BadExpires { value: e.into() })
}

/// Reads a canned `Expires` value: canonical decimal only (digits, no sign, no leading
/// zero) and in cfsign's time range ([`crate::time::range_problem`]), the same rules as
/// for a custom policy's `AWS:EpochTime` \[R6\]. CloudFront rebuilds the canned policy
/// from this text; how it reads `01767290400`, milliseconds or `9223372036854775807` is
/// undocumented and no signer writes them, so a URL that depends on it is not safe to
/// hand out. The error says what is wrong.
pub(crate) fn canonical_expires(e: &str) -> Result<i64, &'static str> {
    if e.is_empty() || !e.bytes().all(|b| b.is_ascii_digit()) {
        return Err("is not a whole number of Unix seconds");
    }
    if e.len() > 1 && e.starts_with('0') {
        return Err(
            "has a leading zero; signers write Expires in canonical decimal, and how CloudFront reads other forms is undocumented",
        );
    }
    let t = e
        .parse::<i64>()
        .map_err(|_| crate::time::range_problem(i64::MAX).unwrap_or("is too large"))?;
    match crate::time::range_problem(t) {
        Some(problem) => Err(problem),
        None => Ok(t),
    }
}

/// Verifies a signed URL as CloudFront would, for a request at `ctx.at` from
/// `ctx.client_ip`. The canned policy is rebuilt from the URL without its signing
/// parameters, byte for byte \[R1\], \[R2\]; a `#fragment` is ignored (clients never send it).
///
/// ```
/// use cfsign::verify::{verify_url, RequestContext, TrustedKeys, Verdict};
/// let pem = std::fs::read("keys/private_key.pem").unwrap();
/// let key = cfsign::PrivateKey::from_pem(&pem, None, "demo").unwrap();
/// let signer = cfsign::Signer::new(key, cfsign::KeyPairId::new("KDEMO").unwrap());
/// let signed = signer
///     .sign_url("https://d1.example/a.jpg", &cfsign::UrlPolicy::expires(2_000_000_000))
///     .unwrap();
/// let keys = TrustedKeys::Single { key: signer.public_key(), key_pair_id: Some("KDEMO".into()) };
/// let ctx = RequestContext { at: 1_900_000_000, client_ip: None };
/// assert_eq!(verify_url(&signed.url, &keys, ctx).verdict, Verdict::Serve);
/// ```
pub fn verify_url(signed_url: &str, keys: &TrustedKeys, ctx: RequestContext) -> Verification {
    let (request, client_notes) = as_sent(signed_url);
    let mut v = Check {
        split: split_signed_url(&request),
        keys,
        ctx,
        url_diagnoses: true,
    }
    .run();
    v.notes.splice(0..0, client_notes);
    v
}

/// The URL as the client sends it, with the notes that say so: the same rules as signing
/// ([`url::sent_form`], [`url::check_url`]'s warnings). A client normalises the URL before
/// sending it (lower-case host, no default port, `.`/`..` resolved, raw spaces encoded,
/// user info dropped, ...) and CloudFront checks the signature against what it receives,
/// so the verdict is that form's. The fragment is kept for [`split_signed_url`] to note.
fn as_sent(url: &str) -> (String, Vec<String>) {
    let (body, fragment) = url.split_at(url.find('#').unwrap_or(url.len()));
    let mut notes = Vec::new();
    let Some(sent) = url::sent_form(body) else {
        return (url.to_string(), notes);
    };
    let request = if sent.changes.is_empty() {
        url.to_string()
    } else {
        // The note shows the URL without its signing parameters, as signing does.
        let base = split_signed_url(body).base;
        let shown = url::sent_form(&base).map_or(sent.url.clone(), |s| s.url);
        notes.push(
            url::Warning::ClientForm {
                sent: shown,
                changes: sent.changes.clone(),
            }
            .to_string(),
        );
        format!("{}{fragment}", sent.url)
    };
    if let Some(port) = sent.other_port {
        notes.push(url::Warning::OtherPort { port }.to_string());
    }
    (request, notes)
}

/// Verifies signed cookies (name, value pairs; names are case-sensitive \[R17\]) for a
/// request of `url`, as CloudFront would; the canned policy is rebuilt from `url` as given.
///
/// When `url` holds any signed-URL query parameter (`Expires`, `Policy`, `Signature`,
/// `Key-Pair-Id`, `Hash-Algorithm`), CloudFront treats the request as a signed URL and
/// does not look at the signed cookies ("Signed URLs take precedence over signed
/// cookies", CloudFront Developer Guide, *Decide to use signed URLs or signed cookies*:
/// <https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-choosing-signed-urls-cookies.html>).
/// So does this function: it returns [`verify_url`]'s verification of `url`, with a note
/// that the cookies were ignored.
pub fn verify_cookies(
    cookies: &[(String, String)],
    url: &str,
    keys: &TrustedKeys,
    ctx: RequestContext,
) -> Verification {
    let in_query = split_signed_url(url).values.names_present();
    if !in_query.is_empty() {
        let mut v = verify_url(url, keys, ctx);
        v.notes.push(format!(
            "the cookies were ignored: the URL holds the signed-URL parameter{} {}, so CloudFront treats it as a signed URL and does not look at signed cookies; remove {} from the URL to use the cookies",
            if in_query.len() > 1 { "s" } else { "" },
            in_query.join(", "),
            if in_query.len() > 1 { "them" } else { "it" },
        ));
        return v;
    }
    let values = values_from_cookies(cookies);
    let (url, client_notes) = as_sent(url);
    let url = url.as_str();
    let (base, fragment) = match url.find('#') {
        Some(i) => (url[..i].to_string(), Some(url[i..].to_string())),
        None => (url.to_string(), None),
    };
    let mut v = Check {
        split: SplitUrl {
            base_without_appended: base.clone(),
            base,
            appended: Vec::new(),
            values,
            fragment,
        },
        keys,
        ctx,
        url_diagnoses: false,
    }
    .run();
    v.notes.splice(0..0, client_notes);
    v
}

/// The signing values among cookies (the first of each name wins).
pub(crate) fn values_from_cookies(cookies: &[(String, String)]) -> SigningValues {
    let mut values = SigningValues::default();
    for (name, value) in cookies {
        let slot = match name.as_str() {
            cookies::EXPIRES => &mut values.expires,
            cookies::POLICY => &mut values.policy,
            cookies::SIGNATURE => &mut values.signature,
            cookies::KEY_PAIR_ID => &mut values.key_pair_id,
            cookies::HASH_ALGORITHM => &mut values.hash_algorithm,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(value.clone());
        } else if !values.duplicates.contains(name) {
            values.duplicates.push(name.clone());
        }
    }
    values
}

/// A cookie read from a cookie input, with the attributes that input carries (a
/// `Set-Cookie` line or a Netscape cookie jar); a `Cookie` header or JSON carries none.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CookieEntry {
    /// The cookie's name, as written.
    pub name: String,
    /// The cookie's value, as written.
    pub value: String,
    /// The domain: a `Set-Cookie` `Domain` attribute, or a jar's first column.
    pub domain: Option<String>,
    /// Whether the domain covers only that exact host (a jar line whose second column is
    /// `FALSE`); `false` for a `Domain` attribute, which covers subdomains too.
    pub host_only: bool,
    /// The `Path` attribute, or a jar's third column.
    pub path: Option<String>,
    /// The `Secure` attribute, or a jar's fourth column (`TRUE`): the client sends the
    /// cookie only over https (RFC 6265 section 5.4).
    pub secure: bool,
    /// The `Max-Age` attribute, seconds; zero or less means the cookie is already expired
    /// (RFC 6265 section 5.2.2). It takes precedence over `expires`.
    pub max_age: Option<i64>,
    /// The `Expires` attribute or a jar's expiry column, Unix seconds; `None` for a
    /// session cookie (jar expiry `0`) and for inputs without it.
    pub expires: Option<i64>,
}

impl CookieEntry {
    fn pair(name: String, value: String) -> Self {
        CookieEntry {
            name,
            value,
            ..Default::default()
        }
    }

    /// Why a client would not send this cookie with `url` at `at` (Unix seconds), or
    /// `None` when it would: (the attribute, the problem). As RFC 6265 does: domain
    /// matching ([`cookies::domain_covers`]); path matching (5.1.4: the cookie path is the
    /// request path, or a prefix of it ending at a `/`); `Secure` cookies only over https
    /// (5.4); `Max-Age` zero or less is expired, a positive one (counted from when the
    /// cookie was set, which is unknown here) overrides `Expires` (5.3); `Expires` at or
    /// before `at` is expired.
    pub fn not_sent(&self, url: &str, at: i64) -> Option<(&'static str, String)> {
        let (host, path) = host_and_path(url);
        let scheme = url.split_once("://").map_or("", |(s, _)| s);
        if self.secure && !scheme.eq_ignore_ascii_case("https") {
            return Some((
                "Secure",
                format!(
                    "it is Secure and the URL is {scheme}://, so clients send it only over https"
                ),
            ));
        }
        if let Some(age) = self.max_age
            && age <= 0
        {
            return Some((
                "Max-Age",
                format!("its Max-Age={age} expires it at once (zero or less deletes a cookie)"),
            ));
        }
        if let Some(domain) = &self.domain {
            let d = domain.strip_prefix('.').unwrap_or(domain);
            let covers = if self.host_only {
                d.eq_ignore_ascii_case(&host)
            } else {
                cookies::domain_covers(d, &host)
            };
            if !covers {
                return Some((
                    "Domain",
                    format!("its domain {domain} does not cover the host {host}"),
                ));
            }
        }
        if let Some(p) = &self.path
            && !path_covers(p, &path)
        {
            return Some(("Path", format!("its Path={p} does not cover {path}")));
        }
        if let Some(expires) = self.expires
            && self.max_age.is_none()
            && expires <= at
        {
            return Some((
                "expiry",
                format!(
                    "it expired at {} (expiry {expires}), before the request time {}",
                    crate::time::format_utc(expires),
                    crate::time::format_utc(at)
                ),
            ));
        }
        None
    }
}

/// The host (lower case, without user info and port) and path (`/` when empty, without
/// query or fragment) of a URL.
pub(crate) fn host_and_path(url: &str) -> (String, String) {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = host.split(':').next().unwrap_or(host);
    (host.to_ascii_lowercase(), path.to_string())
}

/// RFC 6265 5.1.4 path-match.
pub(crate) fn path_covers(cookie_path: &str, request_path: &str) -> bool {
    request_path == cookie_path
        || (request_path.starts_with(cookie_path)
            && (cookie_path.ends_with('/')
                || request_path.as_bytes().get(cookie_path.len()) == Some(&b'/')))
}

/// Verifies signed cookies read with their attributes ([`parse_cookie_entries`]) for a
/// request of `url`: a `CloudFront-*` cookie that the client would not send (its `Path`
/// or `Domain` does not cover `url`, or its jar expiry is not after `ctx.at`) is left out,
/// as CloudFront would never see it. When that leads to a refusal, the reason is
/// [`Reason::CookieNotSent`] naming the first such cookie (in the order CloudFront
/// checks: Key-Pair-Id, Signature, Expires, Policy, Hash-Algorithm) and the code CloudFront
/// would answer without it; every cookie left out gets a note. Otherwise as
/// [`verify_cookies`] (which also applies when `url` holds signed-URL parameters).
pub fn verify_cookie_entries(
    entries: &[CookieEntry],
    url: &str,
    keys: &TrustedKeys,
    ctx: RequestContext,
) -> Verification {
    let pairs = |list: &[&CookieEntry]| -> Vec<(String, String)> {
        list.iter()
            .map(|e| (e.name.clone(), e.value.clone()))
            .collect()
    };
    let all: Vec<&CookieEntry> = entries.iter().collect();
    if !split_signed_url(url).values.names_present().is_empty() {
        return verify_cookies(&pairs(&all), url, keys, ctx);
    }
    let signing = [
        cookies::KEY_PAIR_ID,
        cookies::SIGNATURE,
        cookies::EXPIRES,
        cookies::POLICY,
        cookies::HASH_ALGORITHM,
    ];
    let mut left_out: Vec<(&CookieEntry, &'static str, String)> = Vec::new();
    let mut sent = Vec::new();
    for e in entries {
        match signing
            .contains(&e.name.as_str())
            .then(|| e.not_sent(url, ctx.at))
            .flatten()
        {
            Some((attribute, problem)) => left_out.push((e, attribute, problem)),
            None => sent.push(e),
        }
    }
    let mut v = verify_cookies(&pairs(&sent), url, keys, ctx);
    for (e, _, problem) in &left_out {
        v.notes.push(format!(
            "the cookie {} was left out: the client would not send it with this URL ({problem})",
            e.name
        ));
    }
    if let Verdict::Refuse(reason) = &v.verdict
        && let Some((e, attribute, problem)) = signing
            .iter()
            .find_map(|n| left_out.iter().find(|(e, ..)| e.name == *n))
    {
        v.verdict = Verdict::Refuse(Reason::CookieNotSent {
            cookie: e.name.clone(),
            attribute,
            problem: problem.clone(),
            code: reason.code(),
        });
    }
    v
}

/// Reads cookies from the forms `cfsign cookies` prints and browsers or tools export:
/// `Set-Cookie:` lines (attributes after the first `;` are dropped), a `Cookie:` header
/// (read by [`cookies::parse_cookie_header`]; the `Cookie:` prefix is optional), a JSON
/// object holding a `cookies` object of name → value (or that object itself), or a
/// Netscape cookie jar (seven tab-separated fields; `#HttpOnly_` lines are cookies, other
/// `#` lines comments). Values are kept as written.
///
/// # Errors
/// [`crate::Error::CookieHeader`] for a header line that is not `name=value` pairs.
pub fn parse_cookie_text(text: &str) -> crate::Result<Vec<(String, String)>> {
    Ok(parse_cookie_entries(text)?
        .into_iter()
        .map(|e| (e.name, e.value))
        .collect())
}

/// A `Max-Age` value as RFC 6265 section 5.2.2 reads it: an optional `-` and digits;
/// anything else is ignored. Values past `i64` saturate.
fn parse_max_age(v: &str) -> Option<i64> {
    let digits = v.strip_prefix('-').unwrap_or(v);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(v.parse::<i64>().unwrap_or(if v.starts_with('-') {
        i64::MIN
    } else {
        i64::MAX
    }))
}

/// Reads cookies as [`parse_cookie_text`] does, keeping the attributes a client uses to
/// decide whether to send them: a `Set-Cookie` line's `Domain` and `Path`, a jar line's
/// domain, include-subdomains flag, path and expiry (see [`CookieEntry`]).
///
/// # Errors
/// As [`parse_cookie_text`].
pub fn parse_cookie_entries(text: &str) -> crate::Result<Vec<CookieEntry>> {
    if let Ok(serde_json::Value::Object(root)) = serde_json::from_str(text.trim()) {
        // cfsign's own JSON carries the attributes the cookies were set with.
        let attrs = root.get("attributes").and_then(|a| a.as_object()).cloned();
        let attrs = attrs.as_ref();
        let obj = match root.get("cookies") {
            Some(serde_json::Value::Object(c)) => c.clone(),
            _ => root,
        };
        let attr = |name: &str| attrs.and_then(|a| a.get(name));
        let template = CookieEntry {
            domain: attr("domain").and_then(|d| d.as_str()).map(str::to_string),
            path: attr("path").and_then(|p| p.as_str()).map(str::to_string),
            secure: attr("secure").and_then(serde_json::Value::as_bool) == Some(true),
            max_age: attr("max_age").and_then(serde_json::Value::as_i64),
            expires: attr("expires").and_then(serde_json::Value::as_i64),
            ..CookieEntry::default()
        };
        return Ok(obj
            .iter()
            .filter_map(|(k, v)| {
                v.as_str().map(|s| CookieEntry {
                    name: k.clone(),
                    value: s.to_string(),
                    ..template.clone()
                })
            })
            .collect());
    }
    let mut out = Vec::new();
    for raw in text.lines() {
        let line = raw.trim_end_matches('\r');
        let line = match line.strip_prefix("#HttpOnly_") {
            Some(rest) => rest,
            None if line.trim_start().starts_with('#') => continue,
            None => line,
        };
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() == 7 {
            out.push(CookieEntry {
                name: fields[5].to_string(),
                value: fields[6].to_string(),
                domain: Some(fields[0].to_string()).filter(|d| !d.is_empty()),
                host_only: fields[1].eq_ignore_ascii_case("FALSE"),
                path: Some(fields[2].to_string()).filter(|p| !p.is_empty()),
                secure: fields[3].eq_ignore_ascii_case("TRUE"),
                max_age: None,
                expires: fields[4].trim().parse::<i64>().ok().filter(|&t| t != 0),
            });
            continue;
        }
        let trimmed = line.trim();
        if let Some(header) = cookies::strip_prefix_ignore_case(trimmed, "set-cookie:") {
            let mut parts = header.split(';');
            let first = parts.next().unwrap_or_default();
            let (mut domain, mut path, mut secure) = (None, None, false);
            let (mut max_age, mut expires) = (None, None);
            // RFC 6265 section 5.2: attribute names are case-insensitive; a value that
            // does not parse leaves the attribute out.
            for attr in parts {
                let (k, v) = attr.split_once('=').unwrap_or((attr, ""));
                let (k, v) = (k.trim(), v.trim());
                if k.eq_ignore_ascii_case("domain") && !v.is_empty() {
                    domain = Some(v.to_string());
                } else if k.eq_ignore_ascii_case("path") && v.starts_with('/') {
                    path = Some(v.to_string());
                } else if k.eq_ignore_ascii_case("secure") {
                    secure = true;
                } else if k.eq_ignore_ascii_case("max-age") {
                    max_age = parse_max_age(v).or(max_age);
                } else if k.eq_ignore_ascii_case("expires") {
                    expires = chrono::DateTime::parse_from_rfc2822(v)
                        .ok()
                        .map(|d| d.timestamp())
                        .or(expires);
                }
            }
            for (name, value) in cookies::parse_cookie_header(first)? {
                out.push(CookieEntry {
                    name,
                    value,
                    domain: domain.clone(),
                    host_only: false,
                    path: path.clone(),
                    secure,
                    max_age,
                    expires,
                });
            }
            continue;
        }
        out.extend(
            cookies::parse_cookie_header(trimmed)?
                .into_iter()
                .map(|(n, v)| CookieEntry::pair(n, v)),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_is_byte_faithful() {
        let s = split_signed_url("https://d1.net/a?Expires=5&Signature=x&Key-Pair-Id=K");
        assert_eq!(s.base, "https://d1.net/a");
        assert_eq!(s.values.expires.as_deref(), Some("5"));
        let s = split_signed_url("https://d1.net/a?&Expires=5&Signature=x&Key-Pair-Id=K");
        assert_eq!(s.base, "https://d1.net/a?");
        let s = split_signed_url(
            "https://d1.net/a?b=%7E&Expires=5&Signature=x&Key-Pair-Id=K&Hash-Algorithm=SHA256&c=1#f",
        );
        assert_eq!(s.base, "https://d1.net/a?b=%7E&c=1");
        assert_eq!(s.base_without_appended, "https://d1.net/a?b=%7E");
        assert_eq!(s.appended, vec!["c=1".to_string()]);
        assert_eq!(s.values.hash_algorithm.as_deref(), Some("SHA256"));
        assert_eq!(s.fragment.as_deref(), Some("#f"));
    }

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

    #[test]
    fn cookie_formats() {
        let want = vec![
            ("CloudFront-Expires".to_string(), "5".to_string()),
            ("CloudFront-Key-Pair-Id".to_string(), "K1".to_string()),
        ];
        assert_eq!(
            parse_cookie_text("Cookie: CloudFront-Expires=5; CloudFront-Key-Pair-Id=K1").unwrap(),
            want
        );
        assert_eq!(
            parse_cookie_text(
                "Set-Cookie: CloudFront-Expires=5; Path=/; Secure\r\nSet-Cookie: CloudFront-Key-Pair-Id=K1; HttpOnly\r\n"
            ).unwrap(),
            want
        );
        assert_eq!(
            parse_cookie_text(
                r#"{"cookies":{"CloudFront-Expires":"5","CloudFront-Key-Pair-Id":"K1"}}"#
            )
            .unwrap(),
            want
        );
        assert_eq!(
            parse_cookie_text(
                "# Netscape HTTP Cookie File\n#HttpOnly_d1.net\tFALSE\t/\tTRUE\t0\tCloudFront-Expires\t5\nd1.net\tFALSE\t/\tTRUE\t0\tCloudFront-Key-Pair-Id\tK1\n"
            ).unwrap(),
            want
        );
    }

    // Broke: Set-Cookie Domain/Path and jar columns were dropped, so verify could not
    // tell that a client would not send the cookies.
    #[test]
    fn cookie_attributes_were_dropped_when_reading_cookies() {
        let e = parse_cookie_entries(
            "Set-Cookie: CloudFront-Expires=5; Domain=.example.com; Path=/v/; Secure\n",
        )
        .unwrap();
        assert_eq!(e[0].domain.as_deref(), Some(".example.com"));
        assert_eq!(e[0].path.as_deref(), Some("/v/"));
        assert_eq!(e[0].not_sent("https://cdn.example.com/v/a", 0), None);
        assert_eq!(
            e[0].not_sent("https://cdn.example.com/va", 0)
                .map(|(a, _)| a),
            Some("Path")
        );
        let e =
            parse_cookie_entries("d1.net\tFALSE\t/v\tTRUE\t100\tCloudFront-Expires\t5\n").unwrap();
        assert_eq!(
            (e[0].host_only, e[0].path.as_deref(), e[0].expires),
            (true, Some("/v"), Some(100))
        );
        assert_eq!(e[0].not_sent("https://d1.net/v/a", 99), None);
        assert_eq!(e[0].not_sent("https://D1.net:443/v", 99), None);
        assert_eq!(
            e[0].not_sent("https://d1.net/v/a", 100).map(|(a, _)| a),
            Some("expiry")
        );
        assert_eq!(
            e[0].not_sent("https://x.d1.net/v/a", 99).map(|(a, _)| a),
            Some("Domain")
        );
        assert_eq!(
            e[0].not_sent("https://d1.net/vx", 99).map(|(a, _)| a),
            Some("Path")
        );
    }

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

    fn demo_key() -> crate::PrivateKey {
        let pem = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/keys/private_key.pem"))
            .expect("demo key");
        crate::PrivateKey::from_pem(&pem, None, "demo").expect("key")
    }

    const CTX: RequestContext = RequestContext {
        at: 1_767_280_000,
        client_ip: None,
    };

    /// A custom-policy URL whose Policy is `policy_text`, correctly signed.
    fn custom_url(key: &crate::PrivateKey, policy_text: &str) -> String {
        let sig = sign::sign_bytes(key, HashAlgorithm::Sha1, policy_text.as_bytes()).unwrap();
        format!(
            "https://d1.net/a?Policy={}&Signature={}&Key-Pair-Id=K1",
            encoding::encode(policy_text.as_bytes()),
            encoding::encode(&sig)
        )
    }

    fn refusal(v: Verification) -> Reason {
        match v.verdict {
            Verdict::Refuse(r) => r,
            Verdict::Serve => panic!("served"),
        }
    }

    #[test]
    fn malformed_policies_are_malformed_policy() {
        let key = demo_key();
        let keys = TrustedKeys::Single {
            key: key.public_key(),
            key_pair_id: None,
        };
        for (doc, needle) in [
            ("{", "is not valid JSON"),
            (
                r#"{"Statement":[{"Resource":"https://d1.net/a","Condition":{"DateLessthan":{"AWS:EpochTime":1767290400}}}]}"#,
                "spelled \"DateLessThan\"",
            ),
            (
                r#"{"Statement":[{"Resource":"https://d1.net/a","Condition":{"DateLessThan":{"AWS:EpochTime":1767290400000}}}]}"#,
                "milliseconds",
            ),
        ] {
            let r = refusal(verify_url(&custom_url(&key, doc), &keys, CTX));
            assert_eq!(r.code(), ErrorCode::MalformedPolicy, "{doc}");
            assert!(r.to_string().contains(needle), "{doc}: {r}");
        }
        let r = refusal(verify_url(
            "https://d1.net/a?Policy=e30=&Signature=AAAA&Key-Pair-Id=K1",
            &keys,
            CTX,
        ));
        assert_eq!(r.id(), "policy_encoding");
        let r = refusal(verify_url(
            "https://d1.net/a?Expires=17672904O0&Signature=AAAA&Key-Pair-Id=K1",
            &keys,
            CTX,
        ));
        assert_eq!(
            r,
            Reason::BadExpires {
                value: "17672904O0".into()
            }
        );
        let r = refusal(verify_url(
            "https://d1.net/a?Signature=AAAA&Key-Pair-Id=K1",
            &keys,
            CTX,
        ));
        assert_eq!(r, Reason::MissingPolicy);
        let r = refusal(verify_url(
            "https://d1.net/a?Expires=1767290400&Key-Pair-Id=K1",
            &keys,
            CTX,
        ));
        assert_eq!(r, Reason::MissingSignature);
        assert_eq!(r.code(), ErrorCode::MalformedSignature);
        let r = refusal(verify_url(
            "https://d1.net/a?Expires=1767290400&Signature=AAAA&Key-Pair-Id=",
            &keys,
            CTX,
        ));
        assert_eq!(r, Reason::MissingKeyPairId);
    }

    /// Regression (issue 10.5): a policy whose `AWS:SourceIp` had spaces around it or a
    /// prefix with a leading zero verified OK, though how CloudFront reads it is
    /// undocumented.
    #[test]
    fn non_canonical_source_ip_verified() {
        let key = demo_key();
        let keys = TrustedKeys::Single {
            key: key.public_key(),
            key_pair_id: None,
        };
        for (ip, needle) in [
            (" 192.0.2.0/24 ", "whitespace"),
            ("10.0.0.0/08", "leading zero"),
            ("010.0.0.0/8", "not an IPv4 address"),
        ] {
            let doc = format!(
                r#"{{"Statement":[{{"Resource":"https://d1.net/*","Condition":{{"DateLessThan":{{"AWS:EpochTime":1767290400}},"IpAddress":{{"AWS:SourceIp":"{ip}"}}}}}}]}}"#
            );
            let r = refusal(verify_url(&custom_url(&key, &doc), &keys, CTX));
            assert_eq!(r.code(), ErrorCode::MalformedPolicy, "{ip}");
            assert!(r.to_string().contains(needle), "{ip}: {r}");
        }
    }

    #[test]
    fn custom_policy_serves_and_reports_what_it_read() {
        let key = demo_key();
        let keys = TrustedKeys::Single {
            key: key.public_key(),
            key_pair_id: Some("K1".into()),
        };
        let doc = r#"{"Statement":[{"Resource":"https://d1.net/*","Condition":{"DateLessThan":{"AWS:EpochTime":1767290400}}}]}"#;
        let v = verify_url(&custom_url(&key, doc), &keys, CTX);
        assert_eq!(v.verdict, Verdict::Serve);
        assert_eq!(v.policy_type, Some(PolicyType::Custom));
        assert_eq!(v.policy.as_deref(), Some(doc));
        assert_eq!(v.url, "https://d1.net/a");
        let j = v.to_json();
        assert_eq!(j["verdict"], "serve");
        assert_eq!(j["resource"], "https://d1.net/*");
        let bad = custom_url(&key, doc).replace("Hash", "x") + "&Hash-Algorithm=MD5";
        assert_eq!(
            refusal(verify_url(&bad, &keys, CTX)),
            Reason::UnknownHashAlgorithm {
                value: "MD5".into()
            }
        );
    }

    #[test]
    fn re_encoded_plus_is_diagnosed() {
        let signer = crate::Signer::new(demo_key(), crate::KeyPairId::new("K1").unwrap());
        let signed = signer
            .sign_url(
                "https://d1.net/a%20b.jpg",
                &crate::UrlPolicy::expires(1_767_290_400),
            )
            .unwrap();
        let keys = TrustedKeys::Single {
            key: signer.public_key(),
            key_pair_id: None,
        };
        let r = refusal(verify_url(&signed.url.replace("%20", "+"), &keys, CTX));
        assert_eq!(
            r,
            Reason::SignatureMismatch {
                diagnosis: Some(Diagnosis::ReEncoded {
                    change: "%20 was written as +".into(),
                    signed_url: "https://d1.net/a%20b.jpg".into(),
                })
            }
        );
    }

    /// Regression (issue 10.4): verify said OK for URLs a client sends in another form
    /// (and 403 for the ones it sends as signed), while signing refuses or warns about
    /// them. It now answers for the form the client sends and says so, in the words
    /// signing uses.
    #[test]
    fn verify_answered_for_the_url_as_written_not_as_sent() {
        let signer = crate::Signer::new(demo_key(), crate::KeyPairId::new("K1").unwrap());
        let keys = TrustedKeys::Single {
            key: signer.public_key(),
            key_pair_id: Some("K1".into()),
        };
        let sign = |url: &str| {
            signer
                .sign_url(url, &crate::UrlPolicy::expires(1_767_290_400))
                .unwrap()
                .url
        };
        for (written, sent, changes) in [
            ("https://D1.net/a", "https://d1.net/a", "host in lower case"),
            (
                "HTTPS://d1.net/a",
                "https://d1.net/a",
                "scheme in lower case",
            ),
            (
                "https://d1.net:443/a",
                "https://d1.net/a",
                "default port dropped",
            ),
            (
                "http://d1.net:080/a",
                "http://d1.net/a",
                "default port dropped",
            ),
            (
                "https://d1.net/x/../a",
                "https://d1.net/a",
                "'.' and '..' segments resolved",
            ),
            (
                "https://d1.net/x/%2E%2e/a",
                "https://d1.net/a",
                "'.' and '..' segments resolved (%2e is a dot)",
            ),
            (
                "https://user:pw@d1.net/a",
                "https://d1.net/a",
                "user info removed",
            ),
            (
                "https://d1.net/my file.jpg",
                "https://d1.net/my%20file.jpg",
                "raw characters percent-encoded",
            ),
            (
                "https://d1.net/é",
                "https://d1.net/%C3%A9",
                "raw characters percent-encoded",
            ),
            (
                "https://d1.net?x=1",
                "https://d1.net/?x=1",
                "'/' added as the path",
            ),
            (
                "https://d%31.net/a",
                "https://d1.net/a",
                "percent-escapes in the host decoded",
            ),
            (
                "https://0x7f.1/a",
                "https://127.0.0.1/a",
                "host read as the IPv4 address 127.0.0.1",
            ),
        ] {
            let note = format!(
                "clients request this URL as {sent} ({changes}), and CloudFront checks the signature against that form: sign it instead"
            );
            // Signed in the form the client sends: served, with the note.
            let as_written = sign(sent).replacen(sent, written, 1);
            let v = verify_url(&as_written, &keys, CTX);
            assert_eq!(v.verdict, Verdict::Serve, "{written}");
            assert_eq!(v.notes, vec![note.clone()], "{written}");
            assert_eq!(v.url, sent, "{written}");
            // Signed as written (signing warns, or a verbatim signer): refused, same note.
            if crate::url::check_url(written).is_ok() {
                let v = verify_url(&sign(written), &keys, CTX);
                assert_eq!(
                    v.verdict,
                    Verdict::Refuse(Reason::SignatureMismatch { diagnosis: None }),
                    "{written}"
                );
                assert_eq!(v.notes, vec![note], "{written}");
            }
        }
        // A port CloudFront does not listen on: noted, the verdict unchanged.
        let v = verify_url(&sign("https://d1.net:8443/a"), &keys, CTX);
        assert_eq!(v.verdict, Verdict::Serve);
        assert_eq!(
            v.notes,
            vec![crate::url::Warning::OtherPort { port: 8443 }.to_string()]
        );
    }

    /// Regression (issue 10.4): cookies were verified against `--url` as written; the
    /// client sends the normalised form, and CloudFront rebuilds a canned cookie policy
    /// from that.
    #[test]
    fn cookies_are_verified_for_the_url_as_sent() {
        let signer = crate::Signer::new(demo_key(), crate::KeyPairId::new("K1").unwrap());
        let keys = TrustedKeys::Single {
            key: signer.public_key(),
            key_pair_id: Some("K1".into()),
        };
        let c = signer
            .sign_cookies(
                "https://d1.net/a.mp4",
                &crate::CookiePolicy::expires(1_767_290_400),
            )
            .unwrap();
        let pairs: Vec<(String, String)> = c
            .cookies
            .iter()
            .map(|(n, v)| (n.to_string(), v.clone()))
            .collect();
        let v = verify_cookies(&pairs, "https://D1.net:443/x/../a.mp4", &keys, CTX);
        assert_eq!(v.verdict, Verdict::Serve);
        assert_eq!(v.url, "https://d1.net/a.mp4");
        assert_eq!(
            v.notes,
            vec!["clients request this URL as https://d1.net/a.mp4 (host in lower case, default port dropped, '.' and '..' segments resolved), and CloudFront checks the signature against that form: sign it instead".to_string()]
        );
    }

    #[test]
    fn fragment_is_ignored_with_a_note() {
        let signer = crate::Signer::new(demo_key(), crate::KeyPairId::new("K1").unwrap());
        let signed = signer
            .sign_url(
                "https://d1.net/a.jpg",
                &crate::UrlPolicy::expires(1_767_290_400),
            )
            .unwrap();
        let keys = TrustedKeys::Single {
            key: signer.public_key(),
            key_pair_id: None,
        };
        let v = verify_url(&format!("{}#t=10", signed.url), &keys, CTX);
        assert_eq!(v.verdict, Verdict::Serve);
        assert_eq!(
            v.notes,
            vec![
                "the Key-Pair-Id was not checked against an expected ID; give the key's ID (--key-pair-id) to check it".to_string(),
                "the fragment \"#t=10\" was ignored: clients never send it to CloudFront".to_string(),
            ]
        );
    }
}
