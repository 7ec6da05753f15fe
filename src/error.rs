//! The library's error type: one variant per failure, each quoting the offending input.
//!
//! Every variant's `Display` is a one-line message; [`Error::hint`] gives an optional
//! second line that says how to fix the input. Neither ever contains key material.

use thiserror::Error;

/// Everything that can go wrong while building, signing or checking a CloudFront policy.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The URL has a `#fragment`, which browsers never send, so CloudFront never sees it [\[R11\]](crate::rules#r11).
    #[error("URL {} has a fragment ({}), which clients never send to CloudFront", quote(.url), quote(.fragment))]
    UrlFragment {
        /// The URL as given.
        url: String,
        /// The fragment, starting with `#`.
        fragment: String,
    },
    /// The URL's query already holds a CloudFront signing parameter [\[R11\]](crate::rules#r11).
    #[error("URL {} already has the query parameter {param:?}", quote(.url))]
    UrlAlreadySigned {
        /// The URL as given.
        url: String,
        /// The parameter found (`Expires`, `Policy`, `Signature`, `Key-Pair-Id`, `Hash-Algorithm`).
        param: String,
    },
    /// The URL holds a character that must be percent-encoded (space, control, non-ASCII,
    /// `"` or `\`) [\[R11\]](crate::rules#r11).
    #[error("URL {} has {what} at byte {position}", quote(.url))]
    UrlCharacter {
        /// The URL as given.
        url: String,
        /// What was found, for example `a raw space`.
        what: String,
        /// Byte offset of the character in the URL.
        position: usize,
        /// The URL with every such character percent-encoded.
        encoded: String,
    },
    /// Something around the URL that is no part of it: quotes from a CSV field, a
    /// trailing carriage return, a byte-order mark, a Unicode space [\[R11\]](crate::rules#r11).
    #[error("URL {} {what}", quote(.url))]
    UrlStray {
        /// The URL as given.
        url: String,
        /// What surrounds it, for example `ends with a carriage return (CR)`.
        what: String,
        /// How to fix it (the hint).
        fix: String,
    },
    /// The URL's scheme is not `http` or `https`, or it has no `scheme://host` [\[R11\]](crate::rules#r11).
    #[error("URL {} {problem}", quote(.url))]
    UrlForm {
        /// The URL as given.
        url: String,
        /// What is wrong, for example `has no scheme`.
        problem: String,
    },
    /// The signed URL would be longer than CloudFront's 8,192-byte quota.
    #[error(
        "URL {} would be {length} bytes once signed, over CloudFront's limit of {limit} bytes",
        quote(.url)
    )]
    UrlTooLong {
        /// The URL as given (before signing).
        url: String,
        /// Length of the signed URL in bytes.
        length: usize,
        /// CloudFront's quota (8,192).
        limit: usize,
    },
    /// A policy resource pattern is not one CloudFront accepts [\[R5\]](crate::rules#r5).
    #[error("policy resource {} {problem}", quote(.resource))]
    Resource {
        /// The resource as given.
        resource: String,
        /// What is wrong.
        problem: String,
    },
    /// The URL being signed is not matched by the policy's resource pattern [\[R5\]](crate::rules#r5).
    #[error("URL {} is not matched by the policy resource {}", quote(.url), quote(.resource))]
    ResourceMismatch {
        /// The URL as given.
        url: String,
        /// The resource pattern.
        resource: String,
    },
    /// A canned policy was asked for, but the request needs a custom policy [\[R4\]](crate::rules#r4).
    #[error("a canned policy cannot carry {reason}")]
    CannedNotPossible {
        /// What forced the custom policy (a wildcard resource, a start time, an IP range).
        reason: String,
    },
    /// The key pair ID is empty or has characters other than A-Z, a-z, 0-9.
    #[error("key pair ID {value:?} {problem}")]
    KeyPairId {
        /// The ID as given (trimmed).
        value: String,
        /// What is wrong.
        problem: String,
    },
    /// A time value could not be used: not a time, fractional, milliseconds, ambiguous,
    /// out of range [\[R6\]](crate::rules#r6).
    #[error("time {input:?} {problem}")]
    Time {
        /// The value as given.
        input: String,
        /// What is wrong.
        problem: String,
    },
    /// A duration such as `90m` could not be read.
    #[error("duration {input:?} {problem}")]
    Duration {
        /// The value as given.
        input: String,
        /// What is wrong.
        problem: String,
    },
    /// The expiry is not later than the reference time (or the start time) [\[R6\]](crate::rules#r6).
    #[error("{what} {value} ({value_utc}) is not later than {other_name} {other} ({other_utc})")]
    TimeOrder {
        /// The name of the later time (`expiry`).
        what: String,
        /// Its value, Unix seconds.
        value: i64,
        /// Its value as RFC 3339, UTC.
        value_utc: String,
        /// The name of the earlier time (`now`, `the start time`).
        other_name: String,
        /// Its value, Unix seconds.
        other: i64,
        /// Its value as RFC 3339, UTC.
        other_utc: String,
    },
    /// The start time is one second before the expiry: both bounds are strict, so no
    /// whole second is left in which a request is valid [\[R6\]](crate::rules#r6).
    #[error(
        "the start time (DateGreaterThan) {start} ({start_utc}) is one second before the expiry (DateLessThan) {expiry} ({expiry_utc}): both bounds are strict, so no whole second is left in which a request is valid"
    )]
    EmptyWindow {
        /// `DateGreaterThan`, Unix seconds.
        start: i64,
        /// Its value as RFC 3339, UTC.
        start_utc: String,
        /// `DateLessThan`, Unix seconds.
        expiry: i64,
        /// Its value as RFC 3339, UTC.
        expiry_utc: String,
    },
    /// An `IpAddress` value is not one IPv4 address or CIDR range [\[R7\]](crate::rules#r7).
    #[error("IP address {input:?} {problem}")]
    IpAddress {
        /// The value as given.
        input: String,
        /// What is wrong.
        problem: String,
        /// The same range in canonical CIDR form, when the value is one written loosely
        /// (`10.0.0.0/08` is `10.0.0.0/8`); the hint offers it.
        canonical: Option<String>,
    },
    /// A policy document could not be used: invalid JSON, wrong names, missing
    /// `DateLessThan`, several statements [\[R3\]](crate::rules#r3).
    #[error("policy: {problem}")]
    Policy {
        /// What is wrong.
        problem: String,
    },
    /// A key file could not be read.
    #[error("cannot read {what} {path:?}: {reason}")]
    Read {
        /// What was being read (`private key`, `public key`, `passphrase file`).
        what: String,
        /// The path.
        path: String,
        /// The operating system's reason.
        reason: String,
    },
    /// The key text is not a PEM key cfsign can read [\[R16\]](crate::rules#r16).
    #[error("{source_name}: {problem}")]
    KeyFormat {
        /// Where the key came from (a path or an environment variable).
        source_name: String,
        /// What is wrong.
        problem: String,
    },
    /// The key is a valid key, but not one CloudFront accepts (RSA 2048, ECDSA P-256) [\[R12\]](crate::rules#r12).
    #[error("{source_name}: {found} keys are not accepted by CloudFront")]
    KeyUnsupported {
        /// Where the key came from.
        source_name: String,
        /// The kind of key found, for example `RSA-4096` or `ECDSA P-384`.
        found: String,
    },
    /// An encrypted key needs a passphrase and none was given, or the one given is wrong.
    #[error("{source_name}: {problem}")]
    Passphrase {
        /// Where the key came from.
        source_name: String,
        /// `is encrypted and no passphrase was given` or `the passphrase is wrong`.
        problem: String,
    },
    /// An encrypted key uses a scheme or key-derivation parameters cfsign does not run
    /// (PBES1, single DES, a KDF cost over the limits in [`crate::key`]); never a wrong
    /// passphrase.
    #[error("{source_name}: {problem}")]
    KeyEncryption {
        /// Where the key came from.
        source_name: String,
        /// What is wrong, naming the scheme or parameter.
        problem: String,
        /// The command that re-encrypts the key in a form cfsign reads.
        fix: String,
    },
    /// A public key was given where a private key is needed (or the other way round).
    #[error("{source_name}: is a {found}, but a {expected} is needed")]
    WrongKeyKind {
        /// Where the key came from.
        source_name: String,
        /// What it is.
        found: String,
        /// What was needed.
        expected: String,
    },
    /// The CloudFront base64 text could not be decoded [\[R8\]](crate::rules#r8).
    #[error("{what} {problem}")]
    Base64 {
        /// What was being decoded (`Signature`, `Policy`).
        what: String,
        /// What is wrong.
        problem: String,
    },
    /// A cookie `Domain` that browsers would refuse, or that does not cover the resource's
    /// host [\[R18\]](crate::rules#r18).
    #[error("cookie domain {domain:?} {problem}")]
    CookieDomain {
        /// The domain as given.
        domain: String,
        /// What is wrong.
        problem: String,
    },
    /// A cookie attribute (`Path`, `Max-Age`, `Expires`, or a missing `Domain`) that
    /// browsers would refuse or misread [\[R18\]](crate::rules#r18).
    #[error(
        "cookie {attribute}{} {problem}",
        if value.is_empty() { String::new() } else { format!(" {value:?}") }
    )]
    CookieAttribute {
        /// The attribute: `Path`, `Max-Age`, `Expires`, `Domain`.
        attribute: String,
        /// The value as given (empty when it is missing).
        value: String,
        /// What is wrong.
        problem: String,
    },
    /// A signed cookie would be larger than browsers keep.
    #[error("cookie {name} would be {length} bytes, over the {limit} bytes browsers keep")]
    CookieTooLong {
        /// The cookie name.
        name: String,
        /// Name plus value, in bytes.
        length: usize,
        /// The limit (4,096).
        limit: usize,
    },
    /// A `Cookie` request header could not be read.
    #[error("Cookie header {problem}")]
    CookieHeader {
        /// What is wrong, quoting the offending piece.
        problem: String,
    },
    /// A new key could not be generated or written out (`cfsign keygen`).
    #[error("key generation failed: {reason}")]
    KeyGeneration {
        /// The backend's reason.
        reason: String,
    },
    /// A signing key held elsewhere (AWS KMS, a PKCS#11 token, Secrets Manager, SSM, an
    /// external [`SigningKey`](crate::SigningKey)) could not be reached or used.
    #[error("{source_name}: {problem}")]
    SigningKey {
        /// The key's source as the user named it (`kms:alias/cf`, a `pkcs11:` URI without
        /// its PIN); never a credential.
        source_name: String,
        /// What went wrong.
        problem: String,
        /// How to fix it, when known.
        fix: Option<String>,
    },
    /// The signing key cannot sign with the hash algorithm asked for (AWS KMS and many
    /// tokens have no SHA-1).
    #[error("the signing key {key} cannot sign with {hash}: it supports only {supported}")]
    HashUnsupported {
        /// The key, as its `Debug` shows it.
        key: String,
        /// The hash asked for.
        hash: crate::HashAlgorithm,
        /// The hashes it supports, for example `SHA256`.
        supported: String,
    },
    /// The cryptographic backend failed to sign or verify.
    #[error("signing failed: {reason}")]
    Crypto {
        /// The backend's reason.
        reason: String,
    },
    /// The system's OpenSSL (feature `openssl`) refused to sign with SHA-1, most likely by
    /// policy (RHEL 9, Fedora 41+, FIPS mode).
    #[error(
        "signing failed: OpenSSL refused to sign with SHA-1 ({reason}); this system's OpenSSL policy may forbid SHA-1 signatures"
    )]
    Sha1Refused {
        /// OpenSSL's reason.
        reason: String,
    },
    /// A response-header override (a download name, a content type) cannot be used: see
    /// [`crate::response`].
    #[error("{what} {} {problem}", quote(.value))]
    ResponseOverride {
        /// What was given: `download name` or `content type`.
        what: String,
        /// The value as given.
        value: String,
        /// What is wrong.
        problem: String,
    },
    /// The URL's query already holds a parameter cfsign was asked to add (S3 would see
    /// two values): see [`crate::response`].
    #[error("URL {} already has the query parameter {param}", quote(.url))]
    UrlHasParameter {
        /// The URL as given.
        url: String,
        /// The parameter, for example `response-content-disposition`.
        param: String,
    },
}

impl Error {
    /// A second line telling the user how to fix the input, when there is one.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            // A '#' followed by a dot or a slash is most likely part of a file name
            // (`report#1.pdf`), which clients send only as %23.
            Error::UrlFragment { url, fragment } if fragment.contains(['.', '/']) => format!(
                "if the '#' is part of the file name, write it as %23: {:?}; otherwise sign the URL without {fragment:?}",
                url.replacen('#', "%23", 1)
            ),
            Error::UrlFragment { url, fragment } => format!(
                "sign the URL without {fragment:?}: {:?}",
                // The fields are public: a crafted pair must not panic.
                url.strip_suffix(fragment.as_str())
                    .unwrap_or_else(|| url.split('#').next().unwrap_or_default())
            ),
            Error::UrlStray { fix, .. } => fix.clone(),
            Error::UrlAlreadySigned { .. } => {
                "pass the URL without Expires, Policy, Signature, Key-Pair-Id and Hash-Algorithm".into()
            }
            Error::UrlCharacter { what, encoded, .. } if what.ends_with("in the host") => {
                format!("clients send a non-ASCII host in its punycode (IDNA) form: {}", elide(encoded))
            }
            Error::UrlCharacter { encoded, .. } => {
                format!("percent-encode it as the client will send it: {}", elide(encoded))
            }
            Error::UrlForm { .. } => {
                "give the full URL, for example https://d111111abcdef8.cloudfront.net/path/file.jpg"
                    .into()
            }
            Error::UrlTooLong { .. } => {
                "shorten the URL, or use a wildcard policy resource or signed cookies".into()
            }
            Error::Resource { .. } => {
                "a resource starts with http://, https:// or *:// (or is *); * matches any characters, ? exactly one".into()
            }
            Error::ResourceMismatch { .. } => {
                "the URL must be one the policy resource covers; check host, path and wildcards".into()
            }
            Error::CannedNotPossible { .. } => {
                "use a custom policy, or drop the wildcard, start time and IP range".into()
            }
            Error::KeyPairId { .. } => {
                "use the ID of the CloudFront public key (console: Key management > Public keys), for example K2JCJMDEHXQW5F".into()
            }
            Error::Time { .. } => {
                "use Unix seconds (1767225600), a date (2026-01-01, UTC) or RFC 3339 (2026-01-01T12:00:00Z)".into()
            }
            Error::Duration { .. } => "use a number with a unit: 30s, 90m, 12h, 7d, 2w".into(),
            Error::TimeOrder { .. } => "choose an expiry later than now and than the start time".into(),
            Error::EmptyWindow { .. } => {
                "move the start earlier or the expiry later: they must be at least two seconds apart".into()
            }
            Error::IpAddress { canonical, .. } => {
                match canonical {
                    Some(c) => format!("write it in canonical CIDR form: {c}"),
                    None => "give one IPv4 address (192.0.2.10) or CIDR range (192.0.2.0/24)"
                        .into(),
                }
            }
            Error::Policy { .. } => {
                "a policy is {\"Statement\":[{\"Resource\":...,\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":<seconds>}}}]}".into()
            }
            Error::KeyFormat { .. } => {
                "give a PEM key file: a private key to sign (BEGIN PRIVATE KEY, RSA PRIVATE KEY, ENCRYPTED PRIVATE KEY or EC PRIVATE KEY), a public key to verify (BEGIN PUBLIC KEY or RSA PUBLIC KEY)".into()
            }
            Error::KeyUnsupported { .. } => {
                "CloudFront accepts RSA 2048 and ECDSA P-256 keys; create one, for example with `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`".into()
            }
            Error::KeyEncryption { fix, .. } => format!("re-encrypt the key once with {fix}"),
            Error::Passphrase { .. } => {
                "give the key's passphrase".into()
            }
            Error::WrongKeyKind {
                found, expected, ..
            } => match (found.as_str(), expected.as_str()) {
                ("private key", "public key") => {
                    "extract the public key with `openssl pkey -in KEY -pubout -out public_key.pem`".into()
                }
                ("certificate", "public key") => {
                    "extract the public key with `openssl x509 -in CERT -pubkey -noout -out public_key.pem`".into()
                }
                ("public key" | "certificate", "private key") => {
                    "give the private key (BEGIN PRIVATE KEY, RSA PRIVATE KEY, ENCRYPTED PRIVATE KEY or EC PRIVATE KEY); a public key or certificate cannot sign".into()
                }
                _ => format!("give the {expected} file"),
            },
            Error::Base64 { .. } => {
                "CloudFront base64 uses - _ ~ where standard base64 uses + = /".into()
            }
            Error::CookieDomain { domain, .. }
                if domain
                    .trim_start_matches(['*', '.'])
                    .eq_ignore_ascii_case("cloudfront.net") =>
            {
                "leave the domain out so the cookies belong to the distribution's own host (d111111abcdef8.cloudfront.net); to share them with your site, add an alternate domain name (cdn.example.com) to the distribution and use the domain example.com".into()
            }
            Error::CookieDomain { .. } => {
                "give the resource's host or a parent of it, without scheme, port or wildcard: example.com covers cdn.example.com".into()
            }
            Error::CookieAttribute { attribute, .. } => match attribute.as_str() {
                "Path" => "a cookie Path is a plain URL path prefix such as /videos/ (no wildcards)".into(),
                "Max-Age" => "give seconds (3600) or a duration (1h)".into(),
                "Domain" => "give the cookie domain, for example example.com".into(),
                _ => "give a time between 1970 and 9999".into(),
            },
            Error::CookieTooLong { .. } => {
                "shorten the policy resource, for example with a * wildcard".into()
            }
            Error::CookieHeader { .. } => {
                "give name=value pairs separated by '; ', for example CloudFront-Expires=1767290400; CloudFront-Key-Pair-Id=K2JCJMDEHXQW5F".into()
            }
            Error::ResponseOverride { what, .. } if what == "content type" => {
                "give a media type such as application/pdf or \"text/plain; charset=utf-8\"".into()
            }
            Error::ResponseOverride { .. } => {
                "give the file name as the user should see it, on one line, for example \"Q3 report (final).pdf\"; cfsign encodes it".into()
            }
            Error::UrlHasParameter { param, .. } => {
                format!("remove {param} from the URL: cfsign adds it, encoded, before signing")
            }
            Error::SigningKey { fix: Some(fix), .. } => fix.clone(),
            Error::HashUnsupported { .. } => {
                "sign with SHA-256 (CloudFront accepts it, signalled with Hash-Algorithm=SHA256)".into()
            }
            Error::Sha1Refused { .. } => {
                "sign with SHA-256 (CloudFront accepts it, signalled with Hash-Algorithm=SHA256), or use a build without the `openssl` feature (its pure-Rust backend signs SHA-1 everywhere)".into()
            }
            Error::Read { .. }
            | Error::Crypto { .. }
            | Error::KeyGeneration { .. }
            | Error::SigningKey { fix: None, .. } => {
                return None;
            }
        })
    }
}

impl Error {
    /// A stable snake_case name of the variant (`url_character`, `time_order`), for
    /// programs that read cfsign's JSON (`error_kind`).
    pub fn kind(&self) -> &'static str {
        match self {
            Error::UrlFragment { .. } => "url_fragment",
            Error::UrlAlreadySigned { .. } => "url_already_signed",
            Error::UrlCharacter { .. } => "url_character",
            Error::UrlStray { .. } => "url_stray",
            Error::UrlForm { .. } => "url_form",
            Error::UrlTooLong { .. } => "url_too_long",
            Error::Resource { .. } => "resource",
            Error::ResourceMismatch { .. } => "resource_mismatch",
            Error::CannedNotPossible { .. } => "canned_not_possible",
            Error::KeyPairId { .. } => "key_pair_id",
            Error::Time { .. } => "time",
            Error::Duration { .. } => "duration",
            Error::TimeOrder { .. } => "time_order",
            Error::EmptyWindow { .. } => "empty_window",
            Error::IpAddress { .. } => "ip_address",
            Error::Policy { .. } => "policy",
            Error::Read { .. } => "read",
            Error::KeyFormat { .. } => "key_format",
            Error::KeyUnsupported { .. } => "key_unsupported",
            Error::Passphrase { .. } => "passphrase",
            Error::WrongKeyKind { .. } => "wrong_key_kind",
            Error::Base64 { .. } => "base64",
            Error::CookieDomain { .. } => "cookie_domain",
            Error::CookieAttribute { .. } => "cookie_attribute",
            Error::CookieTooLong { .. } => "cookie_too_long",
            Error::CookieHeader { .. } => "cookie_header",
            Error::KeyGeneration { .. } => "key_generation",
            Error::Crypto { .. } => "crypto",
            Error::Sha1Refused { .. } => "sha1_refused",
            Error::SigningKey { .. } => "signing_key",
            Error::HashUnsupported { .. } => "hash_unsupported",
            Error::ResponseOverride { .. } => "response_override",
            Error::UrlHasParameter { .. } => "url_has_parameter",
            Error::KeyEncryption { .. } => "key_encryption",
        }
    }
}

/// User input for a message, cut to its first and last 100 characters when it is longer,
/// so that a huge input line does not flood the terminal.
pub(crate) fn elide(s: &str) -> String {
    const KEEP: usize = 100;
    let count = s.chars().count();
    if count <= 2 * KEEP + 20 {
        return s.to_string();
    }
    let head: String = s.chars().take(KEEP).collect();
    let tail: String = s.chars().skip(count - KEEP).collect();
    format!("{head}...({} bytes in all)...{tail}", s.len())
}

/// [`elide`], quoted as a Rust string (control characters escaped).
pub(crate) fn quote(s: &str) -> String {
    format!("{:?}", elide(s))
}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    /// Regression: a 20 MB input line was echoed in full, twice (error and hint).
    #[test]
    fn huge_inputs_are_elided_in_messages() {
        let url = format!("https://d1.net/{} x", "a".repeat(1_000_000));
        let e = crate::url::check_url(&url).unwrap_err();
        assert!(e.to_string().len() < 400, "{}", e.to_string().len());
        assert!(e.to_string().contains("bytes in all"));
        let hint = e.hint().unwrap();
        assert!(hint.len() < 400, "{hint}");
        assert!(hint.ends_with("aaa%20x"), "{hint}");
        assert_eq!(super::quote("short"), "\"short\"");
    }
}
