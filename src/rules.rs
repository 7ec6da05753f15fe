//! The CloudFront signing rules cfsign follows, cited elsewhere in these docs as
//! \[R1\] to \[R18\]. Documentation only: this module has no items.
//!
//! Each rule is condensed from the Amazon CloudFront Developer Guide (linked under each
//! rule), the CloudFront API reference, and what the reference signers (botocore's
//! `CloudFrontSigner`, `aws cloudfront sign`, `@aws-sdk/cloudfront-signer`,
//! aws-sdk-go-v2 `feature/cloudfront/sign`) send. Where the Guide and cfsign's reading of
//! it could differ, the Guide wins.
//!
//! # Policy
//!
//! <a id="r1"></a>
//! ## R1: the canned policy bytes
//!
//! A canned policy is exactly
//! `{"Statement":[{"Resource":"<URL>","Condition":{"DateLessThan":{"AWS:EpochTime":<E>}}}]}`:
//! keys in this order, no white space, `<E>` an unquoted integer. CloudFront never
//! receives it: it rebuilds these bytes from the request URL and `Expires`, so one byte
//! off means 403. `&` and `/` are written as themselves, never escaped.
//! Guide: [Create a signed URL using a canned policy][canned].
//!
//! <a id="r2"></a>
//! ## R2: the canned `Resource` is the URL as the viewer requests it
//!
//! Scheme, host, port if any, path and the URL's own query string, without the signing
//! parameters. `Expires` equals `DateLessThan`. Guide: [canned policy][canned].
//!
//! <a id="r3"></a>
//! ## R3: the custom policy
//!
//! Sent base64-encoded in `Policy=`: one statement; `DateLessThan` required,
//! `DateGreaterThan` and `IpAddress` (`{"AWS:SourceIp":"a.b.c.d/n"}`) optional. The order
//! of the conditions does not matter to CloudFront; cfsign writes compact JSON in the
//! order `DateLessThan`, `DateGreaterThan`, `IpAddress`.
//! Guide: [Create a signed URL using a custom policy][custom].
//!
//! <a id="r4"></a>
//! ## R4: when a custom policy is needed
//!
//! When the policy resource is a pattern (a resource other than the URL itself, with `*`
//! or `?` wildcards; a cookie resource), or when a start time or an IP range is given. A
//! canned policy cannot carry a pattern, since CloudFront rebuilds it from the request
//! URL; a `*` inside a concrete URL is just a character of that URL and is signed canned.
//! Guide: [Use signed URLs][urls] (canned and custom compared).
//!
//! <a id="r5"></a>
//! ## R5: custom `Resource` patterns
//!
//! The value starts with `http://`, `https://` or `*`; `*` (zero or more characters) and
//! `?` (exactly one) may appear anywhere, so the pattern is matched against the whole URL
//! as one string. Without `Resource` a policy covers every file of every distribution
//! whose key group trusts the key. Guide: [custom policy][custom].
//!
//! <a id="r6"></a>
//! ## R6: times
//!
//! Whole seconds since the Unix epoch (UTC), as 64-bit integers (no 2038 limit).
//! `DateGreaterThan` must be earlier than `DateLessThan`. cfsign accepts 0 to
//! [`time::MAX_TIME`](crate::time::MAX_TIME) (the end of year 9999).
//! Guide: [custom policy][custom].
//!
//! <a id="r7"></a>
//! ## R7: `IpAddress`
//!
//! One IPv4 address or CIDR range; a bare address means `/32`. IPv6 ranges are not
//! supported in policies. Guide: [custom policy][custom].
//!
//! # Encoding and URL assembly
//!
//! <a id="r8"></a>
//! ## R8: CloudFront's base64
//!
//! Standard base64 with padding, then `+` → `-`, `=` → `_`, `/` → `~`, for `Signature`
//! and `Policy` (not RFC 4648 base64url). See [`encoding`](crate::encoding).
//! Guide: [Linux commands and OpenSSL for base64 encoding and encryption][openssl].
//!
//! <a id="r9"></a>
//! ## R9: the parameters appended to a URL
//!
//! After `?` (or `&` when the URL has a query): canned
//! `Expires=<E>&Signature=<S>&Key-Pair-Id=<ID>`, custom
//! `Policy=<P>&Signature=<S>&Key-Pair-Id=<ID>`, then `&Hash-Algorithm=SHA256` when SHA-256
//! was used. Never both `Expires` and `Policy`. See [`params`](crate::params).
//! Guide: [canned policy][canned], [custom policy][custom].
//!
//! <a id="r10"></a>
//! ## R10: byte-faithful URLs
//!
//! The signed URL is the input plus the appended parameters. Re-encoding `%XX`, `+` or
//! `~`, resolving `/../`, or reordering the query signs a different URL than the one the
//! viewer sends. Guide: [canned policy][canned] ("the base URL ... including your own
//! query string parameters").
//!
//! <a id="r11"></a>
//! ## R11: input CloudFront or a client would not see as given
//!
//! Refused with a message that quotes it: a `#fragment`; a query that already holds
//! `Expires`, `Policy`, `Signature`, `Key-Pair-Id` or `Hash-Algorithm`; raw spaces,
//! control characters, non-ASCII, `"` or `\`; a scheme other than `http`/`https`. A URL
//! longer than 8,192 bytes once signed exceeds CloudFront's quota.
//! Guide: [Quotas][quotas] ("Maximum length of a URL").
//!
//! # Keys and signatures
//!
//! <a id="r12"></a>
//! ## R12: key types
//!
//! CloudFront public keys for signed URLs and cookies are RSA 2048 or ECDSA P-256.
//! API reference: [PublicKey][publickey]; Guide: [Specify signers][signers].
//!
//! <a id="r13"></a>
//! ## R13: RSA signatures
//!
//! RSASSA-PKCS1-v1_5 over SHA-1 (the default) or SHA-256; deterministic, so every signer
//! gives the same bytes for the same key, policy and hash. Guide: [OpenSSL][openssl].
//!
//! <a id="r14"></a>
//! ## R14: ECDSA signatures
//!
//! ECDSA P-256, the DER `SEQUENCE { r, s }` encoding (not raw `r || s`), over SHA-1 or
//! SHA-256. Randomized unless the nonce is derived (RFC 6979), so test it by verifying.
//! Guide: [OpenSSL][openssl].
//!
//! <a id="r15"></a>
//! ## R15: signalling SHA-256
//!
//! `Hash-Algorithm=SHA256` in a URL, the `CloudFront-Hash-Algorithm=SHA256` cookie for
//! cookies; without it CloudFront assumes SHA-1, for every key type.
//! Guide: [OpenSSL][openssl], [canned policy][canned].
//!
//! <a id="r16"></a>
//! ## R16: private key formats
//!
//! PEM: PKCS#1 (`RSA PRIVATE KEY`), PKCS#8 (`PRIVATE KEY`), encrypted PKCS#8 (`ENCRYPTED
//! PRIVATE KEY`), SEC1 (`EC PRIVATE KEY`, possibly after an `EC PARAMETERS` block), with
//! LF or CRLF line ends. Guide: [Specify signers][signers] (create key pairs).
//!
//! # Signed cookies
//!
//! <a id="r17"></a>
//! ## R17: cookie names
//!
//! Canned: `CloudFront-Expires`, `CloudFront-Signature`, `CloudFront-Key-Pair-Id`.
//! Custom: `CloudFront-Policy`, `CloudFront-Signature`, `CloudFront-Key-Pair-Id`. Plus
//! `CloudFront-Hash-Algorithm=SHA256` with SHA-256. One `Set-Cookie` per pair; names are
//! case-sensitive. Guide: [signed cookies, canned policy][cookie-canned],
//! [signed cookies, custom policy][cookie-custom].
//!
//! <a id="r18"></a>
//! ## R18: cookie attributes
//!
//! `Domain` optional (never `*.cloudfront.net`), `Path` optional, `Secure` and `HttpOnly`
//! recommended; `Expires` and `Max-Age` best left out (the browser then drops the cookies
//! when it closes). Cookies that cover many files need a custom policy with a wildcard
//! resource. Guide: [Use signed cookies][cookies], [custom policy cookies][cookie-custom].
//!
//! [canned]: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-creating-signed-url-canned-policy.html
//! [custom]: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-creating-signed-url-custom-policy.html
//! [urls]: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-signed-urls.html
//! [cookies]: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-signed-cookies.html
//! [cookie-canned]: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-setting-signed-cookie-canned-policy.html
//! [cookie-custom]: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-setting-signed-cookie-custom-policy.html
//! [openssl]: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-linux-openssl.html
//! [quotas]: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html
//! [signers]: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-trusted-signers.html
//! [publickey]: https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_PublicKey.html
