//! Signed cookies [\[R17\]](crate::rules#r17), [\[R18\]](crate::rules#r18): the cookie names, [`Signer::sign_cookies`], the
//! [`SignedCookies`] set and its renderings (`Set-Cookie` headers, a `Cookie:` request
//! header, a Netscape cookie jar), the cookie attributes and when a client sends a cookie
//! ([`CookieEntry::not_sent`]), and reading cookies back ([`parse_cookie_header`],
//! [`parse_cookie_entries`]).
//!
//! Cookie values are CloudFront base64 (`A-Z a-z 0-9 - _ ~`), decimal digits and the key
//! pair ID: all valid cookie octets, so they go out raw. Never percent-encode or quote
//! them: CloudFront reads the bytes as they arrive.
//!
//! ```
//! # fn main() -> Result<(), cfsign::Error> {
//! use cfsign::{CookieOptions, KeyPairId, PrivateKey, Signer};
//!
//! let pem = std::fs::read("keys/private_key.pem").expect("demo key");
//! let key = PrivateKey::from_pem(&pem, None, "keys/private_key.pem")?;
//! let signer = Signer::new(key, KeyPairId::new("KDEMOEXAMPLE01")?);
//! let cookies = signer.sign_cookies(
//!     "https://d111111abcdef8.cloudfront.net/videos/*",
//!     &CookieOptions::expires(1_767_290_400),
//! )?;
//! assert_eq!(cookies.policy_type, cfsign::PolicyType::Custom);
//! assert_eq!(cookies.attributes.path.as_deref(), Some("/videos/"));
//! for value in cookies.set_cookie_values() {
//!     // response.headers_mut().append("Set-Cookie", value) in a web framework
//!     assert!(value.ends_with("; Path=/videos/; Secure; HttpOnly"));
//! }
//! # Ok(()) }
//! ```

mod attributes;
mod entry;
mod parse;
mod signed;

use std::time::{Duration, SystemTime};

use crate::error::{Error, Result};
use crate::params::SigningParameter;
use crate::policy::{self, Condition, Policy, PolicyMode, PolicyType};
use crate::sign::Signer;
use crate::url::Warning;
pub use attributes::{
    CookieAttributes, MAX_COOKIE_AGE, check_cookie_domain, default_path, domain_covers,
};
use attributes::{literal_path, resource_host};
pub use entry::CookieEntry;
use entry::{host_and_path, path_covers};
pub use parse::{parse_cookie_entries, parse_cookie_header, parse_cookie_text};
pub use signed::SignedCookies;

/// Cookie: the expiry of a canned policy, Unix seconds.
pub const EXPIRES: &str = SigningParameter::Expires.cookie_name();
/// Cookie: a custom policy in CloudFront base64.
pub const POLICY: &str = SigningParameter::Policy.cookie_name();
/// Cookie: the signature in CloudFront base64.
pub const SIGNATURE: &str = SigningParameter::Signature.cookie_name();
/// Cookie: the key pair ID.
pub const KEY_PAIR_ID: &str = SigningParameter::KeyPairId.cookie_name();
/// Cookie: `SHA256` when SHA-256 was used [\[R15\]](crate::rules#r15).
pub const HASH_ALGORITHM: &str = SigningParameter::HashAlgorithm.cookie_name();

/// The most bytes of name and value one cookie may hold: browsers drop larger cookies.
pub const MAX_COOKIE_LEN: usize = 4_096;

/// What to sign cookies with: the conditions, the policy type and the cookie attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieOptions {
    /// `DateLessThan`, `DateGreaterThan`, `IpAddress`.
    pub condition: Condition,
    /// Canned, custom or automatic [\[R4\]](crate::rules#r4). Automatic means custom for a resource with `*`,
    /// a start time or an IP range.
    pub mode: PolicyMode,
    /// The cookie attributes; a `None` path is derived from the resource.
    pub attributes: CookieAttributes,
}

impl CookieOptions {
    /// Cookies expiring at `expires` (Unix seconds), automatic policy type, default
    /// attributes.
    pub fn expires(expires: i64) -> Self {
        CookieOptions {
            condition: Condition::expires(expires),
            mode: PolicyMode::Auto,
            attributes: CookieAttributes::default(),
        }
    }

    /// Cookies expiring at `t` (a fraction of a second is dropped), automatic policy type,
    /// default attributes. [`CookieOptions::expires`] with a [`SystemTime`].
    ///
    /// # Errors
    /// [`Error::Time`] for `t` before 1970 or after year 9999
    /// ([`time::unix_seconds`](crate::time::unix_seconds)).
    pub fn expires_at(t: SystemTime) -> Result<Self> {
        Ok(CookieOptions::expires(crate::time::unix_seconds(t)?))
    }

    /// Cookies expiring `duration` after `now`, automatic policy type, default attributes.
    ///
    /// # Errors
    /// [`Error::Time`] as [`time::unix_seconds_after`](crate::time::unix_seconds_after).
    pub fn expires_in(duration: Duration, now: SystemTime) -> Result<Self> {
        Ok(CookieOptions::expires(crate::time::unix_seconds_after(
            now, duration,
        )?))
    }
}

impl Signer {
    /// Signs a set of cookies for `resource` [\[R4\]](crate::rules#r4), [\[R17\]](crate::rules#r17), [\[R18\]](crate::rules#r18).
    ///
    /// The resource is a pattern: with a `*` it gets a custom policy (under
    /// [`PolicyMode::Auto`]) and is checked with [`policy::check_resource`]. Without one it
    /// is an exact URL, checked like a URL to sign ([`crate::url::check_url`]: raw spaces,
    /// non-ASCII, fragments are refused) and signed canned unless a start time, an IP
    /// range or [`PolicyMode::Custom`] asks for a custom policy. A `?` is the query
    /// separator, as in the AWS CLI; under [`PolicyMode::Custom`] it is CloudFront's
    /// one-character wildcard (the policy bytes are the same either way).
    ///
    /// The attributes are checked ([`CookieAttributes::validate`]); a `Domain` must cover
    /// the resource's host when that host is concrete, or browsers would never send the
    /// cookies to it. A missing `Path` becomes [`default_path`].
    ///
    /// # Errors
    /// The errors of `check_url`, [`policy::check_resource`], [`Condition::validate`] and
    /// [`CookieAttributes::validate`]; [`Error::CannedNotPossible`] (for example
    /// [`PolicyMode::Canned`] with a `*`); [`Error::CookieDomain`] when the domain does
    /// not cover the host; [`Error::CookieTooLong`]; [`Error::Crypto`].
    pub fn sign_cookies(&self, resource: &str, request: &CookieOptions) -> Result<SignedCookies> {
        let is_pattern = policy::is_pattern(resource, None);
        let mut warnings = if is_pattern || request.mode == PolicyMode::Custom {
            policy::check_resource(resource)?;
            // A pattern is no URL to check, but an S3 host in it is the same mistake.
            match resource_host(resource).map(str::to_ascii_lowercase) {
                Some(host) if crate::url::is_s3_host(&host) => {
                    vec![Warning::S3Endpoint { host }]
                }
                _ => Vec::new(),
            }
        } else {
            crate::url::check_url(resource)?
        };
        warnings.extend(Warning::grants_everything(Some(resource)));
        if request.attributes.secure && resource.starts_with("http://") {
            warnings.push(Warning::SecureCookieOverHttp);
        }
        request.condition.validate_for_signing()?;
        request.attributes.validate()?;
        if let (Some(domain), Some(host)) = (&request.attributes.domain, resource_host(resource))
            && !host.contains(['*', '?'])
            && !domain_covers(domain, host)
        {
            return Err(Error::CookieDomain {
                domain: domain.clone(),
                problem: format!(
                    "does not cover the resource's host {host:?}, so browsers would never send the cookies there"
                ),
            });
        }
        // An exact URL's path must path-match the cookie Path (RFC 6265 5.1.4); a pattern's
        // literal start and the Path must be prefixes one of the other. Under a custom
        // policy a `?` is a wildcard, so such a resource is a pattern too.
        let wildcards =
            is_pattern || (request.mode == PolicyMode::Custom && resource.contains('?'));
        let uncovered = match &request.attributes.path {
            Some(path) if !wildcards => {
                let (_, url_path) = host_and_path(resource);
                (!path_covers(path, &url_path)).then_some((path, url_path))
            }
            Some(path) => literal_path(resource)
                .filter(|literal| {
                    !(literal.starts_with(path.as_str()) || path.starts_with(literal))
                })
                .map(|literal| (path, literal.to_string())),
            None => None,
        };
        if let Some((path, resource_path)) = uncovered {
            return Err(Error::CookieAttribute {
                attribute: "Path".into(),
                value: path.clone(),
                problem: format!(
                    "does not cover the resource's path {resource_path:?}, so browsers would never send the cookies there"
                ),
            });
        }
        let policy_type = policy::choose_type(is_pattern, &request.condition, request.mode)?;
        let policy = Policy::new(resource, request.condition.clone());
        let text = policy.to_json();
        let signature = self.sign_policy(text.as_bytes())?;
        let mut cookies = Vec::with_capacity(4);
        match policy_type {
            PolicyType::Canned => {
                cookies.push((EXPIRES, request.condition.date_less_than.to_string()))
            }
            PolicyType::Custom => {
                cookies.push((POLICY, crate::encoding::encode(text.as_bytes())));
            }
        }
        cookies.push((SIGNATURE, signature));
        cookies.push((KEY_PAIR_ID, self.key_pair_id().to_string()));
        if let Some(h) = self.hash_algorithm().parameter() {
            cookies.push((HASH_ALGORITHM, h.to_string()));
        }
        for (name, value) in &cookies {
            let length = name.len() + value.len();
            if length > MAX_COOKIE_LEN {
                return Err(Error::CookieTooLong {
                    name: (*name).into(),
                    length,
                    limit: MAX_COOKIE_LEN,
                });
            }
        }
        let mut attributes = request.attributes.clone();
        if attributes.path.is_none() {
            attributes.path = Some(default_path(resource));
        }
        Ok(SignedCookies {
            resource: resource.into(),
            policy_type,
            policy: text,
            condition: request.condition.clone(),
            key_pair_id: self.key_pair_id().clone(),
            hash_algorithm: self.hash_algorithm(),
            key_algorithm: self.key_algorithm(),
            cookies,
            attributes,
            warnings,
        })
    }
}
