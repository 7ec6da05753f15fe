//! A signed cookie set ([`SignedCookies`]) and its renderings.

use super::CookieAttributes;
use super::attributes::resource_host;
use crate::error::{Error, Result};
use crate::key::KeyAlgorithm;
use crate::policy::{Condition, PolicyType};
use crate::sign::HashAlgorithm;
use crate::url::Warning;

/// A set of CloudFront signed cookies and what went into them [\[R17\]](crate::rules#r17).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignedCookies {
    /// The policy resource: an exact URL (canned) or a pattern (custom).
    pub resource: String,
    /// Canned or custom.
    pub policy_type: PolicyType,
    /// The exact policy text that was signed.
    pub policy: String,
    /// The policy's conditions.
    pub condition: Condition,
    /// The key pair ID.
    pub key_pair_id: crate::KeyPairId,
    /// The hash algorithm.
    pub hash_algorithm: HashAlgorithm,
    /// The key's algorithm.
    pub key_algorithm: KeyAlgorithm,
    /// The cookies in the order they are sent: `CloudFront-Expires` (canned) or
    /// `CloudFront-Policy` (custom), `CloudFront-Signature`, `CloudFront-Key-Pair-Id`, then
    /// `CloudFront-Hash-Algorithm` with SHA-256. Values are raw, never percent-encoded.
    pub cookies: Vec<(&'static str, String)>,
    /// The attributes sent with every cookie; `path` is always set.
    pub attributes: CookieAttributes,
    /// Warnings about the resource (the cookies were still signed).
    pub warnings: Vec<Warning>,
}

impl SignedCookies {
    /// The expiry (`DateLessThan`), Unix seconds.
    pub fn expires(&self) -> i64 {
        self.condition.date_less_than
    }

    /// The value of the cookie `name` (case-sensitive), if the set has it.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// One `Set-Cookie` header value per cookie (without the `Set-Cookie: ` name), ready
    /// for a web framework's header map:
    /// `CloudFront-Signature=...; Path=/videos/; Secure; HttpOnly`.
    pub fn set_cookie_values(&self) -> Vec<String> {
        let attrs = self.attributes.render();
        self.cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}{attrs}"))
            .collect()
    }

    /// The `Set-Cookie:` headers, one line per cookie, each ending in `\n`.
    pub fn to_set_cookie_headers(&self) -> String {
        self.set_cookie_values()
            .iter()
            .map(|v| format!("Set-Cookie: {v}\n"))
            .collect()
    }

    /// The value of a `Cookie` request header holding every cookie: `a=1; b=2`.
    pub fn cookie_header_value(&self) -> String {
        self.cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The whole request header, `Cookie: a=1; b=2` (no line end), for `curl -H`.
    pub fn to_cookie_header(&self) -> String {
        format!("Cookie: {}", self.cookie_header_value())
    }

    /// A Netscape cookie-jar file, as `curl -b FILE` / `curl -c FILE` and
    /// `wget --load-cookies FILE` read it: a `# Netscape HTTP Cookie File` line, then one
    /// tab-separated line per cookie: domain, include-subdomains, path, secure, expiry,
    /// name, value.
    ///
    /// - With a `Domain` attribute the domain column is `.example.com` and
    ///   include-subdomains is `TRUE`; without, it is the resource's host and `FALSE`
    ///   (a host-only cookie, as a browser would keep it).
    /// - The expiry is the `Expires` attribute, or `0`: a session cookie, which curl and
    ///   wget both load and send.
    /// - `HttpOnly` is not marked: curl's `#HttpOnly_` line prefix makes wget (1.21) read
    ///   the line as a comment and drop the cookie, and HttpOnly means nothing to a
    ///   client that runs no scripts.
    ///
    /// # Errors
    /// [`Error::CookieAttribute`] when there is no `Domain` attribute and the resource's
    /// host is a wildcard (the jar needs a concrete domain).
    pub fn to_netscape(&self) -> Result<String> {
        let (domain, subdomains) = match &self.attributes.domain {
            Some(d) => (format!(".{}", d.trim_start_matches('.')), "TRUE"),
            None => match resource_host(&self.resource) {
                Some(h) if !h.is_empty() && !h.contains(['*', '?']) => {
                    (h.to_ascii_lowercase(), "FALSE")
                }
                _ => {
                    return Err(Error::CookieAttribute {
                        attribute: "Domain".into(),
                        value: String::new(),
                        problem: format!(
                            "is needed for a cookie jar: the resource {:?} has no concrete host",
                            self.resource
                        ),
                    });
                }
            },
        };
        let path = self.attributes.path.as_deref().unwrap_or("/");
        let secure = if self.attributes.secure {
            "TRUE"
        } else {
            "FALSE"
        };
        let expiry = self.attributes.expires.unwrap_or(0);
        let mut out = String::from("# Netscape HTTP Cookie File\n");
        for (n, v) in &self.cookies {
            out.push_str(&format!(
                "{domain}\t{subdomains}\t{path}\t{secure}\t{expiry}\t{n}\t{v}\n"
            ));
        }
        Ok(out)
    }
}
