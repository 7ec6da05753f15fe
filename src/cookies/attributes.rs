//! The attributes sent with signed cookies (`Domain`, `Path`, `Secure`, `HttpOnly`,
//! `Max-Age`, `Expires`) \[R18\]: their checks, their `Set-Cookie` form, and the default
//! `Path` for a resource.

use crate::error::{Error, Result};
use crate::uri::Uri;

/// The latest `Expires` attribute accepted, Unix seconds (9999-12-31T23:59:59Z).
const MAX_HTTP_DATE: i64 = crate::time::MAX_TIME;

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
    /// from the resource" ([`default_path`]); in [`SignedCookies`](super::SignedCookies) it is always set.
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
    pub(crate) fn render(&self) -> String {
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
            out.push_str(&crate::time::http_date(e));
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

/// The host of a resource (without user info and port), as [`Uri::lex`] reads it, or
/// `None` when the resource has no `scheme://` part. A wildcard in the host stays in it;
/// a `?` wildcard ends it.
pub(crate) fn resource_host(resource: &str) -> Option<&str> {
    Uri::lex(resource).map(|uri| uri.host())
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
pub(crate) fn literal_path(resource: &str) -> Option<&str> {
    let literal = &resource[..resource.find(['*', '?']).unwrap_or(resource.len())];
    let (_, rest) = literal.split_once("://")?;
    let start = rest.find('/')?;
    Some(&rest[start..])
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
}
