//! # cfsign: Amazon CloudFront signed URLs and signed cookies
//!
//! Which type for which job:
//!
//! | job | use |
//! | --- | --- |
//! | load a private key (PEM: PKCS#1, PKCS#8, encrypted PKCS#8, SEC1) | [`PrivateKey::from_pem`], [`PrivateKey::from_pem_file`] |
//! | sign URLs | [`Signer::new`] then [`Signer::sign_url`] with a [`UrlPolicy`] |
//! | sign cookies (`Set-Cookie`, `Cookie:`, JSON, cookie jar) | [`Signer::sign_cookies`] with a [`CookiePolicy`], giving [`SignedCookies`] |
//! | read a `Cookie:` header back | [`cookies::parse_cookie_header`] |
//! | sign with a policy document written by hand | [`RawPolicy::new`], [`Signer::sign_url_with_policy`] |
//! | build or read policy JSON | [`Policy`], [`Condition`], [`SourceIp`] |
//! | CloudFront's base64 | [`encoding::encode`], [`encoding::decode`] |
//! | parse times and durations | [`time::parse_time`], [`time::parse_duration`] |
//! | check a signed URL or cookies as CloudFront would | [`verify::verify_url`], [`verify::verify_cookies`], [`verify::verify_cookie_entries`] (cookies with their Path/Domain) |
//! | read key, policy and cookie files safely (at most 1 MiB) | [`key::read_small_file`] |
//! | put CloudFront's check in front of an `http::Request` (feature `serve`): allow, or its 403 | `gate::Gate::check`, the tower layer `gate::GateLayer` |
//! | decode a signed URL without a key | [`inspect::inspect_url`] |
//! | sign with a key held elsewhere (AWS KMS, an HSM, a signing service) | implement [`SigningKey`], then [`Signer::with_signing_key`] |
//! | download under a chosen name, or set the `Content-Type` (S3 origins) | [`response::ResponseOverrides`], applied to the URL before signing |
//! | make a new key pair | [`PrivateKey::generate`], [`PrivateKey::to_pkcs8_pem`], [`PublicKey::to_pem`] |
//!
//! All times are Unix seconds (UTC) as `i64`. Rules cited as `[Rn]` are those of the
//! project's `RULES.md`, condensed from the Amazon CloudFront Developer Guide.
//!
//! ```
//! # fn main() -> Result<(), cfsign::Error> {
//! use cfsign::{KeyPairId, PrivateKey, Signer, UrlPolicy};
//!
//! let pem = std::fs::read("keys/private_key.pem").expect("demo key");
//! let key = PrivateKey::from_pem(&pem, None, "keys/private_key.pem")?;
//! let signer = Signer::new(key, KeyPairId::new("KDEMOEXAMPLE01")?);
//! let expires = 1_767_290_400; // 2026-01-01T18:00:00Z
//! let signed = signer.sign_url("https://d111111abcdef8.cloudfront.net/image.jpg",
//!                              &UrlPolicy::expires(expires))?;
//! assert_eq!(signed.policy_type, cfsign::PolicyType::Canned);
//! println!("{}", signed.url);
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
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
mod graviola_backend;
pub mod hash;
pub mod inspect;
pub mod key;
pub mod key_source;
#[cfg(feature = "openssl")]
mod openssl_backend;
pub mod params;
#[cfg(feature = "pkcs11")]
pub mod pkcs11;
mod pkcs1_der;
pub mod policy;
mod request;
pub mod response;
pub mod sign;
mod signature_cache;
pub mod signing_key;
pub mod time;
mod uri;
pub mod url;
pub mod verify;

pub use cookies::{CookieAttributes, CookiePolicy, SignedCookies};
pub use error::{Error, Result};
pub use key::{Backend, KeyAlgorithm, PrivateKey, PublicKey};
pub use policy::{Condition, Policy, PolicyMode, PolicyType, RawPolicy, SourceIp, Statement};
pub use sign::{HashAlgorithm, KeyPairId, Signer};
pub use signing_key::SigningKey;
pub use url::{SignedUrl, UrlPolicy, Warning};
