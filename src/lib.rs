//! # cfsign: Amazon CloudFront signed URLs and signed cookies
//!
//! Which type for which job:
//!
//! | job | use |
//! | --- | --- |
//! | load a private key (PEM: PKCS#1, PKCS#8, encrypted PKCS#8, SEC1) | [`PrivateKey::from_pem`], [`PrivateKey::from_pem_file`] |
//! | sign URLs | [`Signer::new`] then [`Signer::sign_url`] with a [`UrlOptions`], giving a [`SignedUrl`] |
//! | sign cookies (`Set-Cookie`, `Cookie:`, JSON, cookie jar) | [`Signer::sign_cookies`] with a [`CookieOptions`], giving [`SignedCookies`] |
//! | read a `Cookie:` header back | [`cookies::parse_cookie_header`] |
//! | sign with a policy document written by hand | [`RawPolicy::new`], [`Signer::sign_url_with_policy`] |
//! | build or read policy JSON | [`Policy`], [`Condition`], [`SourceIp`] |
//! | CloudFront's base64 | [`encoding::encode`], [`encoding::decode`] |
//! | parse times and durations | [`time::parse_time`], [`time::parse_duration`] |
//! | expire at a `SystemTime`, or a `Duration` after now | [`UrlOptions::expires_at`], [`UrlOptions::expires_in`] (and the same on [`CookieOptions`], [`Condition`]), [`Condition::starting_at`] |
//! | check a signed URL or cookies as CloudFront would | [`verify::verify_url`], [`verify::verify_cookies`], [`verify::verify_cookie_entries`] (cookies with their Path/Domain) |
//! | read key, policy and cookie files safely (at most 1 MiB) | [`key::read_small_file`] |
//! | put CloudFront's check in front of an `http::Request` (feature `serve`): allow, or its 403 | `gate::Gate::check`, the tower layer `gate::GateLayer` |
//! | decode a signed URL without a key | [`inspect::inspect_url`] |
//! | sign with a key held elsewhere (AWS KMS, an HSM, a signing service) | implement [`SigningKey`], then [`Signer::with_signing_key`] |
//! | AWS KMS keys, PEM keys in Secrets Manager or SSM (feature `aws`) | `aws::KmsKey`, `aws::fetch_secret` |
//! | keys on a PKCS#11 token or HSM (feature `pkcs11`) | `pkcs11::Pkcs11Key` |
//! | download under a chosen name, or set the `Content-Type` (S3 origins) | [`response::ResponseOverrides`], applied to the URL before signing |
//! | make a new key pair | [`PrivateKey::generate`], [`PrivateKey::to_pkcs8_pem`], [`PublicKey::to_pem`] |
//! | the CloudFront rules cited as [\[R1\]](crate::rules#r1) to [\[R18\]](crate::rules#r18) | [`rules`] |
//!
//! All times are Unix seconds (UTC) as `i64`; the option types also take a
//! [`SystemTime`](std::time::SystemTime), or a [`Duration`](std::time::Duration) after a
//! "now" the caller passes. Rules cited as \[Rn\] are listed, with
//! links to the Amazon CloudFront Developer Guide, in [`rules`].
//!
//! A service that only signs depends on the library alone:
//! `cfsign = { version = "0.1", default-features = false }` leaves out the `cli` feature
//! (clap, anyhow, rpassword), which only the `cfsign` command needs. Build a [`Signer`]
//! once and share it: it is `Send + Sync`.
//!
//! # Sign a URL
//!
//! A canned policy (the URL itself, until a time) and a custom one (a wildcard resource
//! and a start time) [\[R1\]](crate::rules#r1)-[\[R5\]](crate::rules#r5). RSA signatures are deterministic [\[R13\]](crate::rules#r13), so the
//! URL is the same byte for byte on every run and with every reference signer:
//!
//! ```
//! # fn main() -> Result<(), cfsign::Error> {
//! use cfsign::{KeyPairId, PolicyType, PrivateKey, Signer, UrlOptions};
//!
//! // The demo key of the repository; a service reads its own (PrivateKey::from_pem_file).
//! let key = PrivateKey::from_pem(include_bytes!("../keys/private_key.pem"), None, "demo key")?;
//! let signer = Signer::new(key, KeyPairId::new("KDEMOEXAMPLE01")?);
//!
//! let expires = 1_767_290_400; // 2026-01-01T18:00:00Z, Unix seconds
//! let signed = signer.sign_url("https://d111111abcdef8.cloudfront.net/image.jpg",
//!                              &UrlOptions::expires(expires))?;
//! assert_eq!(signed.policy_type, PolicyType::Canned);
//! assert_eq!(signed.url, concat!(
//!     "https://d111111abcdef8.cloudfront.net/image.jpg?Expires=1767290400&Signature=",
//!     "ZPC4gALJU9YPOsk0SdIVa-LochJdTjRqFRky4mxHxzcx4miHsPWa9aHy-wskYZinZmqMjfC~9qsMxfsxMPJcdZJt",
//!     "TKyVsdcFeb2yg~AtmhCkhShsJNlAMqT~jFuslvwHipGuOfZJmMTrqefusA3kVxSmf3-JEiw2mqgsPuChELC0J65j",
//!     "tjAljoYuA6TOS4ttrjCvqxQinruD9Sc55g2nWFob7cifeVt8lWmEMNT1~OwmRxDLlHrUMB24gmpXV~~~Mstk1vjN",
//!     "CWuHT3ZEnDXINl47cGyF4G3eh3cXywM7mk8St~zBsMBnsni7bAw9HOWh7~mFtDRQh09pjZdXQ5inFg__",
//!     "&Key-Pair-Id=KDEMOEXAMPLE01"));
//!
//! // Custom: every file under /videos/, from a start time on.
//! let mut options = UrlOptions::expires(expires);
//! options.policy_resource = Some("https://d111111abcdef8.cloudfront.net/videos/*".into());
//! options.condition.date_greater_than = Some(1_767_200_000);
//! let signed = signer.sign_url("https://d111111abcdef8.cloudfront.net/videos/intro.mp4",
//!                              &options)?;
//! assert_eq!(signed.policy_type, PolicyType::Custom);
//! assert_eq!(signed.policy, concat!(
//!     r#"{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/videos/*","#,
//!     r#""Condition":{"DateLessThan":{"AWS:EpochTime":1767290400},"#,
//!     r#""DateGreaterThan":{"AWS:EpochTime":1767200000}}}]}"#));
//! assert!(signed.url.starts_with("https://d111111abcdef8.cloudfront.net/videos/intro.mp4?Policy="));
//! # Ok(()) }
//! ```
//!
//! # Sign cookies
//!
//! One set of signed cookies for a whole folder: a wildcard resource, so a custom policy
//! [\[R4\]](crate::rules#r4), [\[R17\]](crate::rules#r17), [\[R18\]](crate::rules#r18):
//!
//! ```
//! # fn main() -> Result<(), cfsign::Error> {
//! use cfsign::{CookieOptions, KeyPairId, PrivateKey, Signer};
//!
//! let key = PrivateKey::from_pem(include_bytes!("../keys/private_key.pem"), None, "demo key")?;
//! let signer = Signer::new(key, KeyPairId::new("KDEMOEXAMPLE01")?);
//! let cookies = signer.sign_cookies("https://d111111abcdef8.cloudfront.net/videos/*",
//!                                   &CookieOptions::expires(1_767_290_400))?;
//! let headers = cookies.set_cookie_values(); // one Set-Cookie header value each
//! assert_eq!(headers.len(), 3);
//! assert!(headers[0].starts_with("CloudFront-Policy="));
//! assert!(headers[1].starts_with("CloudFront-Signature="));
//! assert_eq!(headers[2], "CloudFront-Key-Pair-Id=KDEMOEXAMPLE01; Path=/videos/; Secure; HttpOnly");
//! # Ok(()) }
//! ```
//!
//! # Verify a signed URL
//!
//! What CloudFront would answer, and why, given the public keys it trusts:
//!
//! ```
//! # fn main() -> Result<(), cfsign::Error> {
//! use cfsign::verify::{verify_url, ErrorCode, RequestContext, TrustedKeys, Verdict};
//! use cfsign::{KeyPairId, PrivateKey, PublicKey, Signer, UrlOptions};
//!
//! let public = PublicKey::from_pem(include_bytes!("../keys/public_key.pem"), "demo public key")?;
//! let keys = TrustedKeys::Single { key: public, key_pair_id: Some("KDEMOEXAMPLE01".into()) };
//!
//! let key = PrivateKey::from_pem(include_bytes!("../keys/private_key.pem"), None, "demo key")?;
//! let signer = Signer::new(key, KeyPairId::new("KDEMOEXAMPLE01")?);
//! let signed = signer.sign_url("https://d111111abcdef8.cloudfront.net/image.jpg",
//!                              &UrlOptions::expires(1_767_290_400))?;
//!
//! let before = RequestContext { at: 1_767_290_000, client_ip: None };
//! assert_eq!(verify_url(&signed.url, &keys, before).verdict, Verdict::Serve);
//!
//! let after = RequestContext { at: 1_767_290_400, client_ip: None };
//! let Verdict::Refuse(reason) = verify_url(&signed.url, &keys, after).verdict else {
//!     panic!("an expired URL is refused");
//! };
//! assert_eq!(reason.code(), ErrorCode::AccessDenied);
//! println!("{reason}"); // what is wrong, in plain words
//! # Ok(()) }
//! ```
//!
//! # Sign with a key held elsewhere
//!
//! Implement [`SigningKey`] for a key that is not a PEM in memory (AWS KMS, an HSM, a
//! signing service): report the key's algorithm, public key and hashes, and sign policy
//! bytes. Here a PEM key stands in for a device that, like AWS KMS, signs only with
//! SHA-256; the signer picks SHA-256 and says so in the URL [\[R15\]](crate::rules#r15).
//! `examples/external_signer.rs` is a longer one.
//!
//! ```
//! # fn main() -> Result<(), cfsign::Error> {
//! use std::sync::Arc;
//! use cfsign::{HashAlgorithm, KeyAlgorithm, KeyPairId, PrivateKey, PublicKey, Signer,
//!              SigningKey, UrlOptions};
//!
//! /// A key inside a device; only the device's answers are seen.
//! #[derive(Debug)]
//! struct Device(PrivateKey);
//!
//! impl SigningKey for Device {
//!     fn algorithm(&self) -> KeyAlgorithm { self.0.algorithm() }
//!     fn supported_hashes(&self) -> &[HashAlgorithm] { &[HashAlgorithm::Sha256] }
//!     fn public_key(&self) -> PublicKey { self.0.public_key() }
//!     fn sign(&self, hash: HashAlgorithm, policy: &[u8]) -> cfsign::Result<Vec<u8>> {
//!         // A real device call goes here: a network request, a PKCS#11 C_Sign.
//!         SigningKey::sign(&self.0, hash, policy)
//!     }
//! }
//!
//! let key = PrivateKey::from_pem(include_bytes!("../keys/private_key.pem"), None, "demo key")?;
//! let signer = Signer::with_signing_key(Arc::new(Device(key)), KeyPairId::new("KDEMOEXAMPLE01")?);
//! assert_eq!(signer.hash_algorithm(), HashAlgorithm::Sha256);
//! let signed = signer.sign_url("https://d111111abcdef8.cloudfront.net/image.jpg",
//!                              &UrlOptions::expires(1_767_290_400))?;
//! assert!(signed.url.ends_with("&Key-Pair-Id=KDEMOEXAMPLE01&Hash-Algorithm=SHA256"));
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "aws")]
pub mod aws;
pub mod cookies;
pub mod encoding;
pub mod error;
#[cfg(feature = "serve")]
pub mod gate;
pub mod hash;
pub mod inspect;
pub mod key;
pub mod key_source;
pub mod params;
#[cfg(feature = "pkcs11")]
pub mod pkcs11;
pub mod policy;
mod request;
pub mod response;
pub mod rules;
pub mod sign;
mod signature_cache;
pub mod signing_key;
pub mod time;
mod uri;
pub mod url;
pub mod verify;

pub use cookies::{CookieAttributes, CookieOptions, SignedCookies};
pub use error::{Error, Result};
pub use key::{Backend, KeyAlgorithm, PrivateKey, PublicKey};
pub use policy::{Condition, Policy, PolicyMode, PolicyType, RawPolicy, SourceIp, Statement};
pub use sign::{HashAlgorithm, KeyPairId, Signer};
pub use signing_key::SigningKey;
pub use url::{SignedUrl, UrlOptions, Warning};
