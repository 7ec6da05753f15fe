//! Signed cookies \[R17\], \[R18\]: the cookie names, [`Signer::sign_cookies`], the
//! [`SignedCookies`] set and its four renderings (`Set-Cookie` headers, a `Cookie:`
//! request header, JSON and a Netscape cookie jar), and [`parse_cookie_header`] to read
//! cookies back.
//!
//! Cookie values are CloudFront base64 (`A-Z a-z 0-9 - _ ~`), decimal digits and the key
//! pair ID: all valid cookie octets, so they go out raw. Never percent-encode or quote
//! them: CloudFront reads the bytes as they arrive.
//!
//! ```
//! # fn main() -> Result<(), cfsign::Error> {
//! use cfsign::{CookiePolicy, KeyPairId, PrivateKey, Signer};
//!
//! let pem = std::fs::read("keys/private_key.pem").expect("demo key");
//! let key = PrivateKey::from_pem(&pem, None, "keys/private_key.pem")?;
//! let signer = Signer::new(key, KeyPairId::new("KDEMOEXAMPLE01")?);
//! let cookies = signer.sign_cookies(
//!     "https://d111111abcdef8.cloudfront.net/videos/*",
//!     &CookiePolicy::expires(1_767_290_400),
//! )?;
//! assert_eq!(cookies.policy_type, cfsign::PolicyType::Custom);
//! assert_eq!(cookies.attributes.path.as_deref(), Some("/videos/"));
//! for value in cookies.set_cookie_values() {
//!     // response.headers_mut().append("Set-Cookie", value) in a web framework
//!     assert!(value.ends_with("; Path=/videos/; Secure; HttpOnly"));
//! }
//! # Ok(()) }
//! ```

use crate::error::{Error, Result};
use crate::key::KeyAlgorithm;
use crate::params::SigningParameter;
use crate::policy::{self, Condition, Policy, PolicyMode, PolicyType};
use crate::sign::{HashAlgorithm, Signer};
use crate::url::Warning;

/// Cookie: the expiry of a canned policy, Unix seconds.
pub const EXPIRES: &str = SigningParameter::Expires.cookie_name();
/// Cookie: a custom policy in CloudFront base64.
pub const POLICY: &str = SigningParameter::Policy.cookie_name();
/// Cookie: the signature in CloudFront base64.
pub const SIGNATURE: &str = SigningParameter::Signature.cookie_name();
/// Cookie: the key pair ID.
pub const KEY_PAIR_ID: &str = SigningParameter::KeyPairId.cookie_name();
/// Cookie: `SHA256` when SHA-256 was used \[R15\].
pub const HASH_ALGORITHM: &str = SigningParameter::HashAlgorithm.cookie_name();

/// The most bytes of name and value one cookie may hold: browsers drop larger cookies.
pub const MAX_COOKIE_LEN: usize = 4_096;

/// The latest `Expires` attribute accepted, Unix seconds (9999-12-31T23:59:59Z).
const MAX_HTTP_DATE: i64 = 253_402_300_799;

/// The attributes sent with each signed cookie \[R18\].
///
/// The default is what the Developer Guide recommends: no `Domain` (the cookies belong to
/// the host that sets them), `Path` derived from the resource, `Secure` and `HttpOnly` on,
/// no `Max-Age` and no `Expires` (the browser drops the cookies when it closes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieAttributes {
    /// `Domain`: a host name whose subdomains also receive the cookies, for example
    /// `example.com` for a distribution served at `cdn.example.com`. Never `cloudfront.net`.
    pub domain: Option<String>,
    /// `Path`: a URL path prefix such as `/videos/`. `None` in a request means "derive it
    /// from the resource" ([`default_path`]); in [`SignedCookies`] it is always set.
    pub path: Option<String>,
    /// `Secure`: send the cookies over HTTPS only.
    pub secure: bool,
    /// `HttpOnly`: hide the cookies from page scripts.
    pub http_only: bool,
    /// `Max-Age`, in seconds (more than zero). The Guide recommends leaving it out.
    pub max_age: Option<i64>,
    /// `Expires`, Unix seconds, written as an HTTP date. The Guide recommends leaving it
    /// out. It is also the expiry written into a Netscape cookie jar (none means 0: a
    /// session cookie).
    pub expires: Option<i64>,
}

impl Default for CookieAttributes {
    fn default() -> Self {
        CookieAttributes {
            domain: None,
            path: None,
            secure: true,
            http_only: true,
            max_age: None,
            expires: None,
        }
    }
}

impl CookieAttributes {
    /// Checks the attributes on their own: the domain with [`check_cookie_domain`], a path
    /// that is an absolute prefix without wildcards, `;` or characters a header may not
    /// hold, a positive `Max-Age`, an `Expires` between 1970 and 9999.
    ///
    /// # Errors
    /// [`Error::CookieDomain`] or [`Error::CookieAttribute`].
    pub fn validate(&self) -> Result<()> {
        if let Some(d) = &self.domain {
            check_cookie_domain(d)?;
        }
        if let Some(p) = &self.path {
            let err = |problem: &str| Error::CookieAttribute {
                attribute: "Path".into(),
                value: p.clone(),
                problem: problem.into(),
            };
            if !p.starts_with('/') {
                return Err(err("does not start with /"));
            }
            if p.contains(['*', '?']) {
                return Err(err(
                    "holds a wildcard, but a cookie Path is a plain prefix: browsers would compare the * literally and never send the cookies",
                ));
            }
            if let Some(c) = p
                .chars()
                .find(|c| *c == ';' || *c == ' ' || c.is_ascii_control() || !c.is_ascii())
            {
                return Err(err(&format!(
                    "holds {c:?}, which a Set-Cookie attribute cannot carry"
                )));
            }
        }
        if let Some(m) = self.max_age
            && m <= 0
        {
            return Err(Error::CookieAttribute {
                attribute: "Max-Age".into(),
                value: m.to_string(),
                problem: "must be more than zero seconds (zero or less deletes the cookies)".into(),
            });
        }
        if let Some(m) = self.max_age
            && m > MAX_COOKIE_AGE
        {
            return Err(Error::CookieAttribute {
                attribute: "Max-Age".into(),
                value: m.to_string(),
                problem: format!(
                    "is over {MAX_COOKIE_AGE} seconds (400 days), the most browsers keep a cookie (RFC 6265bis)"
                ),
            });
        }
        if let Some(e) = self.expires
            && !(0..=MAX_HTTP_DATE).contains(&e)
        {
            return Err(Error::CookieAttribute {
                attribute: "Expires".into(),
                value: e.to_string(),
                problem: "is outside the years 1970 to 9999".into(),
            });
        }
        Ok(())
    }

    /// The attributes as they follow `name=value` in a `Set-Cookie` header, each with its
    /// leading `; `, in the order `Domain`, `Path`, `Max-Age`, `Expires`, `Secure`,
    /// `HttpOnly`.
    fn render(&self) -> String {
        let mut out = String::new();
        if let Some(d) = &self.domain {
            out.push_str("; Domain=");
            out.push_str(d);
        }
        if let Some(p) = &self.path {
            out.push_str("; Path=");
            out.push_str(p);
        }
        if let Some(m) = self.max_age {
            out.push_str(&format!("; Max-Age={m}"));
        }
        if let Some(e) = self.expires {
            out.push_str("; Expires=");
            out.push_str(&http_date(e));
        }
        if self.secure {
            out.push_str("; Secure");
        }
        if self.http_only {
            out.push_str("; HttpOnly");
        }
        out
    }
}

/// An HTTP date (`Thu, 01 Jan 2026 18:00:00 GMT`) for the `Expires` attribute.
fn http_date(t: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp(t, 0)
        .map(|d| d.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
        .unwrap_or_else(|| t.to_string())
}

/// The longest `Max-Age` browsers honour: 400 days (RFC 6265bis); longer is cut to it.
pub const MAX_COOKIE_AGE: i64 = 400 * 86_400;

/// Checks a cookie `Domain` \[R18\]: a host name (or IPv4 address) without scheme, port,
/// path or wildcard, and not `cloudfront.net` itself. `cloudfront.net` is shared by every
/// distribution (a public suffix): browsers refuse cookies for it, and `*.cloudfront.net`
/// is no cookie domain at all. One distribution's own name (`d111111abcdef8.cloudfront.net`)
/// is accepted. A leading dot is allowed and ignored by browsers.
///
/// # Errors
/// [`Error::CookieDomain`] saying what is wrong; for `cloudfront.net` its hint explains
/// that an alternate domain name is needed to share cookies with another host.
pub fn check_cookie_domain(domain: &str) -> Result<()> {
    let err = |problem: &str| Error::CookieDomain {
        domain: domain.into(),
        problem: problem.into(),
    };
    let bare = domain.trim_start_matches(['*', '.']).to_ascii_lowercase();
    if bare == "cloudfront.net" {
        return Err(err(
            "is CloudFront's shared domain: browsers refuse cookies for cloudfront.net and every distribution would receive them",
        ));
    }
    if domain.contains("://") || domain.contains('/') {
        return Err(err("is not a bare host name (no scheme or path)"));
    }
    if domain.contains('*') {
        return Err(err(
            "holds a wildcard; a cookie domain already covers its subdomains",
        ));
    }
    if domain.contains(':') {
        return Err(err("has a port; cookies are not scoped by port"));
    }
    let body = domain.strip_prefix('.').unwrap_or(domain);
    if body.is_empty() {
        return Err(err("is empty"));
    }
    if body
        .split('.')
        .all(|l| l.bytes().all(|b| b.is_ascii_digit()))
        && body.parse::<std::net::Ipv4Addr>().is_err()
    {
        return Err(err(
            "is neither a host name nor a whole IPv4 address (an address has no parent domain)",
        ));
    }
    if !body.contains('.') && !body.eq_ignore_ascii_case("localhost") {
        return Err(err(
            "is a top-level domain (a public suffix): browsers refuse cookies for it",
        ));
    }
    let lower = body.to_ascii_lowercase();
    if body.parse::<std::net::Ipv4Addr>().is_err()
        && let Some(suffix) = psl::suffix(lower.as_bytes())
        && suffix.is_known()
        && suffix.as_bytes() == lower.as_bytes()
    {
        return Err(err(
            "is a public suffix (like co.uk or github.io): browsers refuse cookies for it; use your own registered domain",
        ));
    }
    if let Some(c) = body
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '.'))
    {
        return Err(err(&format!(
            "holds {c:?}; a host name has letters, digits, '-' and '.' (write IDNs in punycode)"
        )));
    }
    if body.starts_with('.') || body.ends_with('.') || body.contains("..") {
        return Err(err("has an empty label"));
    }
    Ok(())
}

/// Whether the cookie `domain` covers `host` (RFC 6265 domain matching: the same name, or
/// `host` ends with `.` + `domain`). Case-insensitive; a leading dot on `domain` is ignored.
pub fn domain_covers(domain: &str, host: &str) -> bool {
    let d = domain
        .strip_prefix('.')
        .unwrap_or(domain)
        .to_ascii_lowercase();
    let h = host.to_ascii_lowercase();
    if h.parse::<std::net::Ipv4Addr>().is_ok() {
        // An address has no subdomains: only the address itself matches (RFC 6265 5.1.3).
        return h == d;
    }
    h == d || (h.len() > d.len() && h.ends_with(&d) && h.as_bytes()[h.len() - d.len() - 1] == b'.')
}

/// The host of a resource (without user info and port), or `None` when the resource has
/// no `scheme://` part.
fn resource_host(resource: &str) -> Option<&str> {
    let (_, rest) = resource.split_once("://")?;
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let host = &rest[..end];
    let host = host.rsplit('@').next().unwrap_or(host);
    Some(host.split(':').next().unwrap_or(host))
}

/// The default cookie `Path` for a resource: the directory of the resource's literal
/// start, up to its first wildcard or query. `https://d1.net/videos/*` gives `/videos/`,
/// `https://d1.net/videos/a.mp4` gives `/videos/`, `https://d1.net/vid*` gives `/`.
///
/// CloudFront matches the resource as one string, and a `*` may cross from the host into
/// the path (Developer Guide, custom policy `Resource`: wildcards "anywhere in the
/// string"). So when a wildcard comes before the path (`*game_download.zip*`,
/// `*d111111abcdef8.cloudfront.net/*`, `https://*/game_download.zip`,
/// `https://d111111abcdef?.cloudfront.net/*`, `*://d1.net/videos/*`) the path of a
/// matching URL is unknown and the default is `/`: the cookies then go with every request
/// to the host, and CloudFront decides with the policy. The Guide's own default without a
/// `Path` attribute is the path of the URL that set the cookie, which rarely covers the
/// files meant. `/` also when the directory holds characters a cookie attribute cannot
/// carry.
///
/// ```
/// assert_eq!(cfsign::cookies::default_path("https://d1.net/videos/*"), "/videos/");
/// assert_eq!(cfsign::cookies::default_path("https://*/videos/*"), "/");
/// assert_eq!(cfsign::cookies::default_path("*"), "/");
/// ```
pub fn default_path(resource: &str) -> String {
    let dir = literal_path(resource).and_then(|p| p.rfind('/').map(|i| &p[..=i]));
    match dir {
        Some(d)
            if d.chars()
                .all(|c| c.is_ascii_graphic() && c != ';' && c != ',') =>
        {
            d.to_string()
        }
        _ => "/".to_string(),
    }
}

/// The literal start of a resource's path, up to the first wildcard or query
/// (`/videos/` for `https://d1.net/videos/*`); `None` when a wildcard comes before the
/// path (in the scheme or host) or there is no `scheme://host/` part.
fn literal_path(resource: &str) -> Option<&str> {
    let literal = &resource[..resource.find(['*', '?']).unwrap_or(resource.len())];
    let (_, rest) = literal.split_once("://")?;
    let start = rest.find('/')?;
    Some(&rest[start..])
}

/// What to sign cookies with: the conditions, the policy type and the cookie attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookiePolicy {
    /// `DateLessThan`, `DateGreaterThan`, `IpAddress`.
    pub condition: Condition,
    /// Canned, custom or automatic \[R4\]. Automatic means custom for a resource with `*`,
    /// a start time or an IP range.
    pub mode: PolicyMode,
    /// The cookie attributes; a `None` path is derived from the resource.
    pub attributes: CookieAttributes,
}

impl CookiePolicy {
    /// Cookies expiring at `expires` (Unix seconds), automatic policy type, default
    /// attributes.
    pub fn expires(expires: i64) -> Self {
        CookiePolicy {
            condition: Condition::expires(expires),
            mode: PolicyMode::Auto,
            attributes: CookieAttributes::default(),
        }
    }
}

/// A set of CloudFront signed cookies and what went into them \[R17\].
#[derive(Debug, Clone, PartialEq, Eq)]
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
    pub key_pair_id: String,
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

    /// The documented JSON object (`schema_version` 1): `policy_type`, `expires` (Unix
    /// seconds), `expires_utc`, `resource`, `key_pair_id`, `hash_algorithm`,
    /// `key_algorithm`, when set `date_greater_than`, `date_greater_than_utc` and
    /// `ip_address`, then `cookies` (an object name → value, in sending order) and
    /// `attributes` (`domain`, `path`, `secure`, `http_only`, `max_age`, `expires`; unset
    /// ones are `null`).
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = serde_json::json!({
            "schema_version": 1,
            "policy_type": self.policy_type.as_str(),
            "expires": self.condition.date_less_than,
            "expires_utc": crate::time::format_utc(self.condition.date_less_than),
            "resource": self.resource,
            "key_pair_id": self.key_pair_id,
            "hash_algorithm": self.hash_algorithm.as_str(),
            "key_algorithm": self.key_algorithm.as_str(),
        });
        if let Some(start) = self.condition.date_greater_than {
            v["date_greater_than"] = start.into();
            v["date_greater_than_utc"] = crate::time::format_utc(start).into();
        }
        if let Some(ip) = self.condition.ip_address {
            v["ip_address"] = ip.to_string().into();
        }
        let cookies: serde_json::Map<String, serde_json::Value> = self
            .cookies
            .iter()
            .map(|(n, v)| ((*n).to_string(), v.clone().into()))
            .collect();
        v["cookies"] = cookies.into();
        let a = &self.attributes;
        v["attributes"] = serde_json::json!({
            "domain": a.domain,
            "path": a.path,
            "secure": a.secure,
            "http_only": a.http_only,
            "max_age": a.max_age,
            "expires": a.expires,
        });
        v
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

/// Reads the cookies out of a `Cookie` request header, in order, keeping duplicates.
///
/// Accepts the header value (`a=1; b=2`) or the whole line (`Cookie: a=1; b=2`, name in
/// any case). Pairs are separated by `;` with optional spaces or tabs; each is split at
/// its first `=`. Values are returned raw: no percent-decoding and no removal of quotes,
/// because CloudFront compares the bytes as sent. Empty pieces (`a=1;;b=2`, a trailing
/// `;`) are skipped; an empty header gives no pairs.
///
/// ```
/// let pairs = cfsign::cookies::parse_cookie_header(
///     "Cookie: CloudFront-Expires=1767290400; CloudFront-Key-Pair-Id=K2JCJMDEHXQW5F",
/// )?;
/// assert_eq!(pairs[0], ("CloudFront-Expires".to_string(), "1767290400".to_string()));
/// # Ok::<(), cfsign::Error>(())
/// ```
///
/// # Errors
/// [`Error::CookieHeader`] for a line break or other control character, a piece without
/// `=`, or an empty or malformed cookie name.
pub fn parse_cookie_header(header: &str) -> Result<Vec<(String, String)>> {
    let bad = |problem: String| Error::CookieHeader { problem };
    let mut text = header.trim_matches([' ', '\t', '\r', '\n']);
    if let Some(rest) = strip_prefix_ignore_case(text, "cookie:") {
        text = rest;
    }
    if let Some(c) = text.chars().find(|c| c.is_control() && *c != '\t') {
        return Err(bad(format!(
            "holds the control character {c:?}; give one header line"
        )));
    }
    let mut pairs = Vec::new();
    for piece in text.split(';') {
        let piece = piece.trim_matches([' ', '\t']);
        if piece.is_empty() {
            continue;
        }
        let Some((name, value)) = piece.split_once('=') else {
            return Err(bad(format!("has {piece:?}, which is not name=value")));
        };
        let name = name.trim_matches([' ', '\t']);
        if name.is_empty() {
            return Err(bad(format!("has {piece:?}, a value without a name")));
        }
        if let Some(c) = name
            .chars()
            .find(|c| !c.is_ascii_graphic() || "()<>@,;:\\\"/[]?={}".contains(*c))
        {
            return Err(bad(format!(
                "has the cookie name {name:?}, which holds {c:?}"
            )));
        }
        pairs.push((
            name.to_string(),
            value.trim_matches([' ', '\t']).to_string(),
        ));
    }
    Ok(pairs)
}

/// `text` without `prefix` (ASCII, any case), or `None` when it does not start with it.
/// Slices only at a character boundary, so non-ASCII text never panics.
pub(crate) fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    text.get(..prefix.len())
        .filter(|head| head.eq_ignore_ascii_case(prefix))
        .map(|_| &text[prefix.len()..])
}

impl Signer {
    /// Signs a set of cookies for `resource` \[R4\], \[R17\], \[R18\].
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
    pub fn sign_cookies(&self, resource: &str, request: &CookiePolicy) -> Result<SignedCookies> {
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
                let (_, url_path) = crate::verify::host_and_path(resource);
                (!crate::verify::path_covers(path, &url_path)).then_some((path, url_path))
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
            key_pair_id: self.key_pair_id().to_string(),
            hash_algorithm: self.hash_algorithm(),
            key_algorithm: self.key_algorithm(),
            cookies,
            attributes,
            warnings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_from_resources() {
        for (resource, path) in [
            ("https://d1.net/videos/*", "/videos/"),
            ("https://d1.net/videos/a.mp4", "/videos/"),
            ("https://d1.net/videos/*/hls/*.m3u8", "/videos/"),
            ("https://d1.net/vid*", "/"),
            ("https://d1.net/a.jpg?size=*", "/"),
            ("https://d1.net", "/"),
            ("https://d1.net*", "/"),
            ("https://d1.net?x=/a/", "/"),
            // Regression: a wildcard before the path can cross into it (the Guide matches
            // the resource as one string), so the path of a matching URL is unknown.
            ("*://*.example.com/hls/live/*", "/"),
            ("https://*/videos/*", "/"),
            ("*game_download.zip*", "/"),
            ("*d111111abcdef8.cloudfront.net/*", "/"),
            ("https://*.zip", "/"),
            ("https://d111111abcdef?.cloudfront.net/*", "/"),
            ("*", "/"),
            ("https://d1.net/a;b/*", "/"),
        ] {
            assert_eq!(default_path(resource), path, "{resource}");
        }
    }

    #[test]
    fn domains() {
        for ok in [
            "example.com",
            ".example.com",
            "d111111abcdef8.cloudfront.net",
            "127.0.0.1",
            "example.co.uk",
            "localhost",
        ] {
            assert!(check_cookie_domain(ok).is_ok(), "{ok}");
        }
        for (bad, needle) in [
            ("cloudfront.net", "shared domain"),
            // Regression: a public suffix such as `com` was accepted as a cookie domain.
            ("com", "top-level domain"),
            // Regression: a multi-label public suffix was accepted as a cookie domain.
            ("co.uk", "public suffix"),
            ("github.io", "public suffix"),
            (".cloudfront.net", "shared domain"),
            ("*.cloudfront.net", "shared domain"),
            ("CloudFront.NET", "shared domain"),
            ("*.example.com", "wildcard"),
            ("https://example.com", "bare host"),
            ("example.com:443", "port"),
            ("exa mple.com", "' '"),
            ("example..com", "empty label"),
            (".", "empty"),
        ] {
            let e = check_cookie_domain(bad).unwrap_err();
            assert!(e.to_string().contains(needle), "{bad}: {e}");
        }
        let hint = check_cookie_domain(".cloudfront.net")
            .unwrap_err()
            .hint()
            .unwrap();
        assert!(hint.contains("alternate domain name"), "{hint}");
        assert!(domain_covers("example.com", "cdn.example.com"));
        assert!(domain_covers(".Example.com", "example.COM"));
        assert!(!domain_covers("example.com", "badexample.com"));
        assert!(!domain_covers("cdn.example.com", "example.com"));
        // Regression: `0.2.1` was taken as a parent domain of the host 192.0.2.1.
        assert!(!domain_covers("0.2.1", "192.0.2.1"));
        assert!(domain_covers("192.0.2.1", "192.0.2.1"));
        assert!(check_cookie_domain("0.2.1").is_err());
    }

    #[test]
    fn attribute_checks_and_rendering() {
        let mut a = CookieAttributes {
            path: Some("/videos/*".into()),
            ..CookieAttributes::default()
        };
        let e = a.validate().unwrap_err();
        assert!(e.to_string().contains("wildcard"), "{e}");
        assert!(e.hint().unwrap().contains("/videos/"));
        a.path = Some("videos/".into());
        assert!(
            a.validate()
                .unwrap_err()
                .to_string()
                .contains("start with /")
        );
        a.path = Some("/a;b".into());
        assert!(a.validate().is_err());
        a.path = Some("/videos/".into());
        a.max_age = Some(0);
        assert!(a.validate().unwrap_err().to_string().contains("Max-Age"));
        a.max_age = Some(3600);
        // Regression: a Max-Age of 99999999999999 was printed for set-cookie and JSON and
        // refused only for the cookie jar, under another option's name.
        let long = CookieAttributes {
            max_age: Some(MAX_COOKIE_AGE + 1),
            ..CookieAttributes::default()
        };
        assert!(
            long.validate()
                .unwrap_err()
                .to_string()
                .contains("400 days")
        );
        a.expires = Some(1_767_290_400);
        a.domain = Some("example.com".into());
        a.validate().unwrap();
        assert_eq!(
            a.render(),
            "; Domain=example.com; Path=/videos/; Max-Age=3600; Expires=Thu, 01 Jan 2026 18:00:00 GMT; Secure; HttpOnly"
        );
        let plain = CookieAttributes {
            secure: false,
            http_only: false,
            ..CookieAttributes::default()
        };
        assert_eq!(plain.render(), "");
    }

    #[test]
    fn cookie_header_parsing() {
        assert_eq!(
            parse_cookie_header("cookie: a=1;b=x-y_z~;  c==; d=\"q\";").unwrap(),
            vec![
                ("a".to_string(), "1".to_string()),
                ("b".to_string(), "x-y_z~".to_string()),
                ("c".to_string(), "=".to_string()),
                ("d".to_string(), "\"q\"".to_string()),
            ]
        );
        assert!(parse_cookie_header("").unwrap().is_empty());
        for (bad, needle) in [
            ("a=1; b", "not name=value"),
            ("=1", "without a name"),
            ("a=1\r\nX-Evil: 1", "control character"),
            ("a b=1", "cookie name"),
        ] {
            let e = parse_cookie_header(bad).unwrap_err().to_string();
            assert!(e.contains(needle), "{bad}: {e}");
        }
    }
}
