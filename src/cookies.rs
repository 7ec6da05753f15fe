//! Signed cookies: cookie names [R17] (rendering arrives with `cfsign cookies`).

/// Cookie: the expiry of a canned policy, Unix seconds.
pub const EXPIRES: &str = "CloudFront-Expires";
/// Cookie: a custom policy in CloudFront base64.
pub const POLICY: &str = "CloudFront-Policy";
/// Cookie: the signature in CloudFront base64.
pub const SIGNATURE: &str = "CloudFront-Signature";
/// Cookie: the key pair ID.
pub const KEY_PAIR_ID: &str = "CloudFront-Key-Pair-Id";
/// Cookie: `SHA256` when SHA-256 was used [R15].
pub const HASH_ALGORITHM: &str = "CloudFront-Hash-Algorithm";
