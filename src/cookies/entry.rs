//! A cookie as a client holds it, with the attributes that decide whether the client
//! sends it with a request (RFC 6265).

use super::domain_covers;
use crate::uri::Uri;

/// A cookie read from a cookie input, with the attributes that input carries (a
/// `Set-Cookie` line or a Netscape cookie jar); a `Cookie` header or JSON carries none.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CookieEntry {
    /// The cookie's name, as written.
    pub name: String,
    /// The cookie's value, as written.
    pub value: String,
    /// The domain: a `Set-Cookie` `Domain` attribute, or a jar's first column.
    pub domain: Option<String>,
    /// Whether the domain covers only that exact host (a jar line whose second column is
    /// `FALSE`); `false` for a `Domain` attribute, which covers subdomains too.
    pub host_only: bool,
    /// The `Path` attribute, or a jar's third column.
    pub path: Option<String>,
    /// The `Secure` attribute, or a jar's fourth column (`TRUE`): the client sends the
    /// cookie only over https (RFC 6265 section 5.4).
    pub secure: bool,
    /// The `Max-Age` attribute, seconds; zero or less means the cookie is already expired
    /// (RFC 6265 section 5.2.2). It takes precedence over `expires`.
    pub max_age: Option<i64>,
    /// The `Expires` attribute or a jar's expiry column, Unix seconds; `None` for a
    /// session cookie (jar expiry `0`) and for inputs without it.
    pub expires: Option<i64>,
}

impl CookieEntry {
    pub(crate) fn pair(name: String, value: String) -> Self {
        CookieEntry {
            name,
            value,
            ..Default::default()
        }
    }

    /// Why a client would not send this cookie with `url` at `at` (Unix seconds), or
    /// `None` when it would: (the attribute, the problem). As RFC 6265 does: domain
    /// matching ([`domain_covers`]); path matching (5.1.4: the cookie path is the
    /// request path, or a prefix of it ending at a `/`); `Secure` cookies only over https
    /// (5.4); `Max-Age` zero or less is expired, a positive one (counted from when the
    /// cookie was set, which is unknown here) overrides `Expires` (5.3); `Expires` at or
    /// before `at` is expired.
    pub fn not_sent(&self, url: &str, at: i64) -> Option<(&'static str, String)> {
        let (host, path) = host_and_path(url);
        let scheme = Uri::lex(url).map_or("", |uri| uri.scheme());
        if self.secure && !scheme.eq_ignore_ascii_case("https") {
            return Some((
                "Secure",
                format!(
                    "it is Secure and the URL is {scheme}://, so clients send it only over https"
                ),
            ));
        }
        if let Some(age) = self.max_age
            && age <= 0
        {
            return Some((
                "Max-Age",
                format!("its Max-Age={age} expires it at once (zero or less deletes a cookie)"),
            ));
        }
        if let Some(domain) = &self.domain {
            let d = domain.strip_prefix('.').unwrap_or(domain);
            let covers = if self.host_only {
                d.eq_ignore_ascii_case(&host)
            } else {
                domain_covers(d, &host)
            };
            if !covers {
                return Some((
                    "Domain",
                    format!("its domain {domain} does not cover the host {host}"),
                ));
            }
        }
        if let Some(p) = &self.path
            && !path_covers(p, &path)
        {
            return Some(("Path", format!("its Path={p} does not cover {path}")));
        }
        if let Some(expires) = self.expires
            && self.max_age.is_none()
            && expires <= at
        {
            return Some((
                "expiry",
                format!(
                    "it expired at {} (expiry {expires}), before the request time {}",
                    crate::time::format_utc(expires),
                    crate::time::format_utc(at)
                ),
            ));
        }
        None
    }
}

/// The host (lower case, without user info and port) and path (`/` when empty, without
/// query or fragment) of a URL, as [`Uri::lex`] reads them. Text without `scheme://` is
/// read as `host/path`.
pub(crate) fn host_and_path(url: &str) -> (String, String) {
    let prefixed;
    let uri = match Uri::lex(url) {
        Some(uri) => Some(uri),
        None => {
            prefixed = format!("://{url}");
            Uri::lex(&prefixed)
        }
    };
    let Some(uri) = uri else {
        return (String::new(), "/".into());
    };
    let path = match uri.path() {
        "" => "/",
        p => p,
    };
    (uri.host().to_ascii_lowercase(), path.to_string())
}

/// RFC 6265 5.1.4 path-match.
pub(crate) fn path_covers(cookie_path: &str, request_path: &str) -> bool {
    request_path == cookie_path
        || (request_path.starts_with(cookie_path)
            && (cookie_path.ends_with('/')
                || request_path.as_bytes().get(cookie_path.len()) == Some(&b'/')))
}

#[cfg(test)]
mod tests {
    use crate::cookies::parse_cookie_entries;

    // Broke: Set-Cookie Domain/Path and jar columns were dropped, so verify could not
    // tell that a client would not send the cookies.
    #[test]
    fn cookie_attributes_were_dropped_when_reading_cookies() {
        let e = parse_cookie_entries(
            "Set-Cookie: CloudFront-Expires=5; Domain=.example.com; Path=/v/; Secure\n",
        )
        .unwrap();
        assert_eq!(e[0].domain.as_deref(), Some(".example.com"));
        assert_eq!(e[0].path.as_deref(), Some("/v/"));
        assert_eq!(e[0].not_sent("https://cdn.example.com/v/a", 0), None);
        assert_eq!(
            e[0].not_sent("https://cdn.example.com/va", 0)
                .map(|(a, _)| a),
            Some("Path")
        );
        let e =
            parse_cookie_entries("d1.net\tFALSE\t/v\tTRUE\t100\tCloudFront-Expires\t5\n").unwrap();
        assert_eq!(
            (e[0].host_only, e[0].path.as_deref(), e[0].expires),
            (true, Some("/v"), Some(100))
        );
        assert_eq!(e[0].not_sent("https://d1.net/v/a", 99), None);
        assert_eq!(e[0].not_sent("https://D1.net:443/v", 99), None);
        assert_eq!(
            e[0].not_sent("https://d1.net/v/a", 100).map(|(a, _)| a),
            Some("expiry")
        );
        assert_eq!(
            e[0].not_sent("https://x.d1.net/v/a", 99).map(|(a, _)| a),
            Some("Domain")
        );
        assert_eq!(
            e[0].not_sent("https://d1.net/vx", 99).map(|(a, _)| a),
            Some("Path")
        );
    }

    // Broke: the cookie host of `https://[::1]:8443/a` was cut at its first colon (`[`),
    // so a jar cookie for `[::1]` was left out as if its Domain did not cover the URL.
    #[test]
    fn cookie_host_of_an_ipv6_url_was_cut_at_its_first_colon() {
        assert_eq!(
            super::host_and_path("https://user@[::1]:8443/v/a?x#f"),
            ("[::1]".to_string(), "/v/a".to_string())
        );
        assert_eq!(
            super::host_and_path("d1.NET:8443"),
            ("d1.net".to_string(), "/".to_string())
        );
        let e = parse_cookie_entries("[::1]\tFALSE\t/\tFALSE\t0\tCloudFront-Expires\t5\n").unwrap();
        assert_eq!(e[0].not_sent("http://[::1]:8080/a", 0), None);
    }
}
