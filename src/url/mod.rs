//! URL checks and assembly of signed URLs [\[R2\]](crate::rules#r2), [\[R9\]](crate::rules#r9), [\[R10\]](crate::rules#r10), [\[R11\]](crate::rules#r11).
//!
//! The signed URL is always the input URL, byte for byte, plus the appended signing
//! parameters: URLs are never parsed and re-serialized. One concept per file: this file
//! signs and assembles; `check` says what a URL must be before it is signed and which
//! warnings apply; `sent` the form clients send a URL in; `warning` the warnings. URL
//! lexing is `uri`'s.

mod check;
mod sent;
mod warning;

pub use check::check_url;
pub(crate) use check::is_s3_host;
pub use sent::{SentForm, sent_form};
pub use warning::Warning;

use std::time::{Duration, SystemTime};

use crate::error::{Error, Result};
use crate::key::KeyAlgorithm;
use crate::params::SigningParameter;
use crate::policy::{self, Condition, Policy, PolicyMode, PolicyType, RawPolicy};
use crate::sign::{HashAlgorithm, KeyPairId, Signer};

/// Query parameter: the expiry of a canned policy, Unix seconds.
pub const EXPIRES: &str = SigningParameter::Expires.query_name();
/// Query parameter: a custom policy in CloudFront base64.
pub const POLICY: &str = SigningParameter::Policy.query_name();
/// Query parameter: the signature in CloudFront base64.
pub const SIGNATURE: &str = SigningParameter::Signature.query_name();
/// Query parameter: the key pair ID.
pub const KEY_PAIR_ID: &str = SigningParameter::KeyPairId.query_name();
/// Query parameter: `SHA256` when SHA-256 was used [\[R15\]](crate::rules#r15).
pub const HASH_ALGORITHM: &str = SigningParameter::HashAlgorithm.query_name();
/// All the parameters CloudFront reserves for signing, in [`SigningParameter::ALL`] order.
pub(crate) const SIGNING_PARAMETERS: [&str; 5] =
    [EXPIRES, POLICY, SIGNATURE, KEY_PAIR_ID, HASH_ALGORITHM];
/// CloudFront's quota for the length of a request URL, in bytes.
pub const MAX_URL_LEN: usize = 8_192;

/// What to sign a URL with: the expiry and other conditions, an optional policy
/// resource (a pattern, possibly with wildcards), and the policy type to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlOptions {
    /// The policy resource; `None` means the URL itself.
    pub policy_resource: Option<String>,
    /// `DateLessThan`, `DateGreaterThan`, `IpAddress`.
    pub condition: Condition,
    /// Canned, custom or automatic [\[R4\]](crate::rules#r4).
    pub mode: PolicyMode,
}

impl UrlOptions {
    /// A canned-compatible request: the URL itself, expiring at `expires` (Unix seconds).
    pub fn expires(expires: i64) -> Self {
        UrlOptions {
            policy_resource: None,
            condition: Condition::expires(expires),
            mode: PolicyMode::Auto,
        }
    }

    /// The URL itself, expiring at `t` (a fraction of a second is dropped); automatic
    /// policy type. [`UrlOptions::expires`] with a [`SystemTime`].
    ///
    /// # Errors
    /// [`Error::Time`] for `t` before 1970 or after year 9999
    /// ([`time::unix_seconds`](crate::time::unix_seconds)).
    pub fn expires_at(t: SystemTime) -> Result<Self> {
        Ok(UrlOptions::expires(crate::time::unix_seconds(t)?))
    }

    /// The URL itself, expiring `duration` after `now`; automatic policy type.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// let options = cfsign::UrlOptions::expires_in(Duration::from_secs(3600), SystemTime::now())?;
    /// assert!(options.condition.date_less_than > cfsign::time::now());
    /// # Ok::<(), cfsign::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Time`] as [`time::unix_seconds_after`](crate::time::unix_seconds_after).
    pub fn expires_in(duration: Duration, now: SystemTime) -> Result<Self> {
        Ok(UrlOptions::expires(crate::time::unix_seconds_after(
            now, duration,
        )?))
    }
}

/// A signed URL and what went into it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignedUrl {
    /// The signed URL: the input URL plus the signing parameters.
    pub url: String,
    /// The policy resource (the URL itself for a canned policy); `None` for a policy file
    /// without `Resource` (it covers every object of every distribution that trusts the
    /// key).
    pub resource: Option<String>,
    /// Canned or custom.
    pub policy_type: PolicyType,
    /// The exact policy text that was signed.
    pub policy: String,
    /// The policy's conditions.
    pub condition: Condition,
    /// The key pair ID.
    pub key_pair_id: KeyPairId,
    /// The hash algorithm.
    pub hash_algorithm: HashAlgorithm,
    /// The key's algorithm.
    pub key_algorithm: KeyAlgorithm,
    /// Warnings about the input (the URL was still signed).
    pub warnings: Vec<Warning>,
}

/// Appends signing parameters to `url` after `?`, or `&` when the URL already has a
/// `?` (a URL ending in a bare `?` becomes `...?&Expires=...`, as the reference signers
/// do) [\[R9\]](crate::rules#r9). Checks the 8,192-byte quota.
fn assemble(url: &str, params: &[(&str, &str)]) -> Result<String> {
    let extra: usize = params.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
    let mut out = String::with_capacity(url.len() + extra);
    out.push_str(url);
    let mut sep = if url.contains('?') { '&' } else { '?' };
    for (k, v) in params {
        out.push(sep);
        out.push_str(k);
        out.push('=');
        out.push_str(v);
        sep = '&';
    }
    if out.len() > MAX_URL_LEN {
        return Err(Error::UrlTooLong {
            url: url.into(),
            length: out.len(),
            limit: MAX_URL_LEN,
        });
    }
    Ok(out)
}

impl Signer {
    /// Signs `url` [\[R1\]](crate::rules#r1)-[\[R4\]](crate::rules#r4), [\[R9\]](crate::rules#r9): canned when the request allows it and `mode` does not
    /// forbid it, custom otherwise.
    ///
    /// The URL is checked with [`check_url`]; a policy resource must be a valid pattern
    /// that matches the URL ([`policy::resource_matches`]). A policy resource equal to the
    /// URL is no pattern: that request stays canned.
    ///
    /// ```
    /// # fn main() -> Result<(), cfsign::Error> {
    /// # let pem = std::fs::read("keys/private_key.pem").unwrap();
    /// let key = cfsign::PrivateKey::from_pem(&pem, None, "keys/private_key.pem")?;
    /// let signer = cfsign::Signer::new(key, cfsign::KeyPairId::new("K2JCJMDEHXQW5F")?);
    /// let signed = signer.sign_url(
    ///     "https://d111111abcdef8.cloudfront.net/image.jpg",
    ///     &cfsign::UrlOptions::expires(1767290400),
    /// )?;
    /// assert!(signed.url.starts_with(
    ///     "https://d111111abcdef8.cloudfront.net/image.jpg?Expires=1767290400&Signature="
    /// ));
    /// assert!(signed.url.ends_with("&Key-Pair-Id=K2JCJMDEHXQW5F"));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// The errors of [`check_url`], [`policy::check_resource`] and
    /// [`Condition::validate`]; [`Error::ResourceMismatch`] when the resource does not
    /// cover the URL; [`Error::CannedNotPossible`]; [`Error::UrlTooLong`];
    /// [`Error::Crypto`].
    pub fn sign_url(&self, url: &str, request: &UrlOptions) -> Result<SignedUrl> {
        let mut warnings = check_url(url)?;
        request.condition.validate_for_signing()?;
        let (resource, is_pattern) = match request.policy_resource.as_deref() {
            Some(r) if policy::is_pattern(r, Some(url)) => {
                policy::check_resource(r)?;
                if !policy::resource_matches(r, url) {
                    return Err(Error::ResourceMismatch {
                        url: url.into(),
                        resource: r.into(),
                    });
                }
                // The '*' belongs to the pattern here, not to a canned resource.
                warnings.retain(|w| *w != Warning::LiteralStar);
                warnings.extend(Warning::grants_everything(Some(r)));
                (r, true)
            }
            _ => (url, false),
        };
        let policy_type = policy::choose_type(is_pattern, &request.condition, request.mode)?;
        if policy_type == PolicyType::Custom && warnings.contains(&Warning::LiteralStar) {
            // The URL is the Resource of a custom policy: its '*' is no literal there.
            warnings.retain(|w| *w != Warning::LiteralStar);
            warnings.push(Warning::StarIsWildcard);
        }
        let policy = Policy::new(resource, request.condition.clone());
        self.finish(url, policy_type, policy.to_json(), policy, warnings)
    }

    /// Signs `url` with a policy document given by the user, byte for byte as written
    /// (as the reference signers do with a caller-supplied policy).
    ///
    /// # Errors
    /// The errors of [`check_url`]; [`Error::ResourceMismatch`] when the policy's resource
    /// does not cover the URL; [`Error::UrlTooLong`]; [`Error::Crypto`].
    pub fn sign_url_with_policy(&self, url: &str, raw: &RawPolicy) -> Result<SignedUrl> {
        let mut warnings = check_url(url)?;
        warnings.retain(|w| *w != Warning::LiteralStar);
        warnings.extend(Warning::grants_everything(raw.policy().resource()));
        raw.policy().condition().validate_for_signing()?;
        if !raw.policy().covers(url) {
            return Err(Error::ResourceMismatch {
                url: url.into(),
                resource: raw.policy().resource().unwrap_or_default().into(),
            });
        }
        let text = String::from_utf8_lossy(raw.bytes()).into_owned();
        self.finish(
            url,
            PolicyType::Custom,
            text,
            raw.policy().clone(),
            warnings,
        )
    }

    fn finish(
        &self,
        url: &str,
        policy_type: PolicyType,
        policy_text: String,
        policy: Policy,
        warnings: Vec<Warning>,
    ) -> Result<SignedUrl> {
        let signature = self.sign_policy(policy_text.as_bytes())?;
        let expires = policy.condition().date_less_than.to_string();
        let encoded_policy;
        let mut params: Vec<(&str, &str)> = Vec::with_capacity(4);
        match policy_type {
            PolicyType::Canned => params.push((EXPIRES, &expires)),
            PolicyType::Custom => {
                encoded_policy = crate::encoding::encode(policy_text.as_bytes());
                params.push((POLICY, &encoded_policy));
            }
        }
        params.push((SIGNATURE, &signature));
        params.push((KEY_PAIR_ID, self.key_pair_id().as_str()));
        if let Some(h) = self.hash_algorithm().parameter() {
            params.push((HASH_ALGORITHM, h));
        }
        let signed = assemble(url, &params)?;
        Ok(SignedUrl {
            url: signed,
            resource: policy.resource().map(str::to_string),
            policy_type,
            policy: policy_text,
            condition: policy.statement.condition,
            key_pair_id: self.key_pair_id().clone(),
            hash_algorithm: self.hash_algorithm(),
            key_algorithm: self.key_algorithm(),
            warnings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators() {
        assert_eq!(
            assemble("https://d1.net/a", &[("A", "1"), ("B", "2")]).unwrap(),
            "https://d1.net/a?A=1&B=2"
        );
        assert_eq!(
            assemble("https://d1.net/a?x", &[("A", "1")]).unwrap(),
            "https://d1.net/a?x&A=1"
        );
        assert_eq!(
            assemble("https://d1.net/a?", &[("A", "1")]).unwrap(),
            "https://d1.net/a?&A=1"
        );
        let long = format!("https://d1.net/{}", "a".repeat(MAX_URL_LEN));
        assert!(matches!(
            assemble(&long, &[]),
            Err(Error::UrlTooLong { .. })
        ));
    }
}
