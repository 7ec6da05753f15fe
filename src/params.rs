//! The signing parameters CloudFront reads, in one table: each one's query parameter
//! name (signed URLs) and cookie name (signed cookies), in the order cfsign writes them
//! [\[R13\]](crate::rules#r13)-[\[R15\]](crate::rules#r15). `url` and `cookies` name their constants from here; verify and
//! inspect read them through those constants.

/// One of the parameters that carry a CloudFront signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SigningParameter {
    /// The expiry of a canned policy, Unix seconds (UTC).
    Expires,
    /// A custom policy in CloudFront base64 (instead of `Expires`).
    Policy,
    /// The signature in CloudFront base64.
    Signature,
    /// The key pair ID (the CloudFront public key's ID).
    KeyPairId,
    /// `SHA256` when SHA-256 was used; absent for SHA-1 [\[R15\]](crate::rules#r15).
    HashAlgorithm,
}

impl SigningParameter {
    /// Every parameter, in the order cfsign writes them: `Expires` or `Policy` (never
    /// both), then `Signature`, `Key-Pair-Id` and, for SHA-256 only, `Hash-Algorithm`.
    pub const ALL: [SigningParameter; 5] = [
        SigningParameter::Expires,
        SigningParameter::Policy,
        SigningParameter::Signature,
        SigningParameter::KeyPairId,
        SigningParameter::HashAlgorithm,
    ];

    /// The query parameter name in a signed URL, such as `Key-Pair-Id`.
    pub const fn query_name(self) -> &'static str {
        match self {
            SigningParameter::Expires => "Expires",
            SigningParameter::Policy => "Policy",
            SigningParameter::Signature => "Signature",
            SigningParameter::KeyPairId => "Key-Pair-Id",
            SigningParameter::HashAlgorithm => "Hash-Algorithm",
        }
    }

    /// The cookie name of a signed cookie, such as `CloudFront-Key-Pair-Id`.
    pub const fn cookie_name(self) -> &'static str {
        match self {
            SigningParameter::Expires => "CloudFront-Expires",
            SigningParameter::Policy => "CloudFront-Policy",
            SigningParameter::Signature => "CloudFront-Signature",
            SigningParameter::KeyPairId => "CloudFront-Key-Pair-Id",
            SigningParameter::HashAlgorithm => "CloudFront-Hash-Algorithm",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SigningParameter;

    #[test]
    fn every_cookie_name_is_the_query_name_with_the_cloudfront_prefix() {
        for p in SigningParameter::ALL {
            assert_eq!(p.cookie_name(), format!("CloudFront-{}", p.query_name()));
        }
    }
}
