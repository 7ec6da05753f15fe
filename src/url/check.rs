//! [`check_url`]: what a URL must be before it is signed [\[R11\]](crate::rules#r11), and the warnings that
//! apply to it.

use super::sent::{browser_form, sent_form};
use super::{SIGNING_PARAMETERS, Warning};
use crate::error::{Error, Result};
use crate::uri::{Uri, first_bad_char, percent_encode_bad};

/// The URL as a client sends it: a non-ASCII host in its punycode (IDNA) form, as
/// browsers send it (`xn--bcher-kva.example`, not `%C3%BC`), and the other characters
/// [`first_bad_char`] finds percent-encoded.
fn client_encoded(url: &str) -> String {
    if let Some(uri) = Uri::lex(url)
        && !uri.authority().is_ascii()
        && uri.userinfo().is_none()
        && let Ok(ascii) = idna::domain_to_ascii(uri.host())
    {
        let port = uri.port().map(|p| format!(":{p}")).unwrap_or_default();
        let tail = &url[uri.authority.end..];
        return format!(
            "{}://{ascii}{port}{}",
            uri.scheme(),
            percent_encode_bad(tail)
        );
    }
    percent_encode_bad(url)
}

/// A name for a non-ASCII space, for messages.
fn space_name(c: char) -> String {
    let name = match c {
        '\u{a0}' => "a no-break space",
        '\u{85}' => "a next-line character, NEL",
        '\u{2002}' => "an en space",
        '\u{2003}' => "an em space",
        '\u{2009}' => "a thin space",
        '\u{202f}' => "a narrow no-break space",
        '\u{3000}' => "an ideographic space",
        _ => "a Unicode space",
    };
    format!("{name} (U+{:04X})", c as u32)
}

/// What surrounds the URL that is no part of it, as an error: quotes of a CSV field, a
/// trailing carriage return (an argument read from a file with Windows line ends), a
/// byte-order mark, a non-ASCII space at either end. The same input is refused the same way
/// as an argument and as a line of standard input.
fn stray_around(url: &str) -> Option<Error> {
    let stray = |what: String, fix: String| Error::UrlStray {
        url: url.into(),
        what,
        fix,
    };
    for (q, name) in [('"', "double"), ('\'', "single")] {
        if url.len() >= 2 && url.starts_with(q) && url.ends_with(q) {
            return Some(stray(
                format!("is wrapped in {name} quotes (a quoted CSV field?)"),
                format!("drop the quotes: {}", &url[1..url.len() - 1]),
            ));
        }
    }
    if let Some(rest) = url.strip_suffix('\r') {
        return Some(stray(
            "ends with a carriage return (CR), as lines of a file with Windows line ends do".into(),
            format!("strip the CR (tr -d '\\r', or dos2unix on the file): {rest:?}"),
        ));
    }
    if let Some(rest) = url.strip_prefix('\u{feff}') {
        return Some(stray(
            "starts with a byte-order mark (U+FEFF), which editors put at the start of a file (files joined with cat keep it mid-input)".into(),
            format!("remove the byte-order mark: {rest:?}"),
        ));
    }
    let first = url
        .chars()
        .next()
        .filter(|c| c.is_whitespace() && !c.is_ascii());
    let last = url
        .chars()
        .next_back()
        .filter(|c| c.is_whitespace() && !c.is_ascii());
    let (at, c) = match (first, last) {
        (Some(c), _) => ("starts", c),
        (None, Some(c)) => ("ends", c),
        (None, None) => return None,
    };
    Some(stray(
        format!("{at} with {}", space_name(c)),
        format!(
            "remove it: {:?}",
            url.trim_matches(|c: char| c.is_whitespace())
        ),
    ))
}

/// Checks a URL before signing [\[R11\]](crate::rules#r11) and returns the warnings that apply.
///
/// Refused: raw spaces, control characters, non-ASCII, `"` and `\` (the error carries
/// the percent-encoded form); a `#fragment`; a scheme other than `http`/`https`; a missing
/// host; a query that already holds a signing parameter.
///
/// # Errors
/// [`Error::UrlCharacter`], [`Error::UrlFragment`], [`Error::UrlForm`],
/// [`Error::UrlAlreadySigned`].
pub fn check_url(url: &str) -> Result<Vec<Warning>> {
    if let Some(e) = stray_around(url) {
        return Err(e);
    }
    let form = |problem: &str| Error::UrlForm {
        url: url.into(),
        problem: problem.into(),
    };
    let Some(uri) = Uri::lex(url) else {
        let lower = url.to_ascii_lowercase();
        if lower.starts_with("http:/") || lower.starts_with("https:/") {
            return Err(form(
                "is missing a slash after the scheme (write https://host/...)",
            ));
        }
        return Err(form(
            "has no scheme: it must start with https:// or http://",
        ));
    };
    let scheme = uri.scheme();
    if let Some((what, position)) = first_bad_char(url) {
        let in_host = uri.authority.contains(&position);
        let what = if in_host && what == "a non-ASCII character" {
            "a non-ASCII character in the host"
        } else {
            what
        };
        return Err(Error::UrlCharacter {
            url: url.into(),
            what: what.into(),
            position,
            encoded: client_encoded(url),
        });
    }
    if let Some(fragment) = uri.fragment() {
        return Err(Error::UrlFragment {
            url: url.into(),
            fragment: format!("#{fragment}"),
        });
    }
    if !matches!(scheme, "http" | "https") {
        return Err(form(&format!(
            "has the scheme {scheme:?}; CloudFront signed URLs use http or https (lower case)"
        )));
    }
    if uri.authority().is_empty() {
        return Err(form("has no host after the scheme"));
    }
    if uri.userinfo().is_some() {
        return Err(form(
            "has user info (user:password@) before the host; clients strip it before sending, and it would be copied into the signed URL",
        ));
    }
    uri.check_authority().map_err(|p| form(&p.to_string()))?;
    let host = uri.host();
    if let Some(query) = uri.query() {
        for pair in query.split('&') {
            let name = pair.split('=').next().unwrap_or_default();
            if let Some(param) = SIGNING_PARAMETERS.iter().find(|p| **p == name) {
                return Err(Error::UrlAlreadySigned {
                    url: url.into(),
                    param: (*param).into(),
                });
            }
        }
    }
    let mut warnings = Vec::new();
    let bare_host = host.to_ascii_lowercase();
    if is_s3_host(&bare_host) {
        warnings.push(Warning::S3Endpoint { host: bare_host });
    }
    if let Some(sent) = sent_form(url) {
        if !sent.changes.is_empty() {
            warnings.push(sent.warning());
        }
        if let Some(port) = sent.other_port {
            warnings.push(Warning::OtherPort { port });
        }
    }
    if let Some(sent) = browser_form(url) {
        warnings.push(Warning::BrowserForm { sent });
    }
    if url.contains('*') {
        warnings.push(Warning::LiteralStar);
    }
    Ok(warnings)
}
/// Whether `host` (lower case) is an S3 endpoint, which ignores CloudFront signatures.
pub(crate) fn is_s3_host(host: &str) -> bool {
    let Some(prefix) = host.strip_suffix(".amazonaws.com") else {
        return false;
    };
    prefix
        .split('.')
        .any(|label| label == "s3" || label.starts_with("s3-") || label == "s3-website")
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_clients_would_not_send() {
        for (url, needle) in [
            ("https://d1.net/my file.jpg", "https://d1.net/my%20file.jpg"),
            ("https://d1.net/café.jpg", "caf%C3%A9"),
            ("https://d1.net/a\"b", "%22"),
            ("https://d1.net/a\\b", "%5C"),
        ] {
            let e = check_url(url).unwrap_err();
            assert!(e.hint().unwrap().contains(needle), "{url}: {:?}", e.hint());
        }
        for (url, needle) in [
            ("https://d1.net/a#x", "fragment"),
            ("ftp://d1.net/a", "scheme"),
            ("d111.cloudfront.net/a", "no scheme"),
            ("https:/d111.cloudfront.net/a", "missing a slash"),
            ("https:///a", "no host"),
            ("https://d1.net/a?Expires=5", "\"Expires\""),
            ("https://d1.net/a?x=1&Key-Pair-Id=K", "\"Key-Pair-Id\""),
        ] {
            let e = check_url(url).unwrap_err().to_string();
            assert!(e.contains(needle), "{url}: {e}");
        }
        assert!(
            check_url("https://d1.net/a?expiresAt=5")
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn warnings() {
        assert_eq!(
            check_url("https://bucket.s3.amazonaws.com/a").unwrap(),
            vec![Warning::S3Endpoint {
                host: "bucket.s3.amazonaws.com".into()
            }]
        );
        assert_eq!(
            check_url("https://s3.eu-west-1.amazonaws.com/b/a")
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            check_url("https://d1.net/a*b").unwrap(),
            vec![Warning::LiteralStar]
        );
        assert!(
            check_url("https://d111111abcdef8.cloudfront.net/a")
                .unwrap()
                .is_empty()
        );
    }

    /// Regression: user info, an empty host before a port, a non-numeric port and an
    /// unclosed IPv6 bracket were signed, though clients never send such URLs as given.
    #[test]
    fn authority_that_clients_would_not_send_is_refused() {
        for (url, needle) in [
            ("https://user:pw@d1.net/a", "user info"),
            ("https://@/a", "user info"),
            ("https://:443/a", "no host"),
            ("https://[::1/a", "closing ']'"),
            ("https://d1.net:abc/a", "port \"abc\""),
            ("https://d1.net:70000/a", "port \"70000\""),
            ("https://d1.net:/a", "port \"\""),
        ] {
            let e = check_url(url).unwrap_err().to_string();
            assert!(e.contains(needle), "{url}: {e}");
        }
        assert_eq!(
            check_url("https://[::1]:8443/a").unwrap(),
            vec![Warning::OtherPort { port: 8443 }]
        );
        assert_eq!(
            check_url("https://d1.net:8443/a").unwrap(),
            vec![Warning::OtherPort { port: 8443 }]
        );
    }

    /// Regression (review bug 3): a host with two colons signed with exit 0 and a
    /// nonsense warning ("default port dropped"), though browsers and curl refuse it.
    #[test]
    fn host_with_two_colons_signed() {
        for (url, port) in [
            ("https://d1.net:443:443/a", "\"443:443\""),
            ("https://d1.net:a:443/a", "\"a:443\""),
            ("https://d1.net:1:2/a", "\"1:2\""),
        ] {
            let e = check_url(url).unwrap_err();
            assert!(matches!(e, Error::UrlForm { .. }), "{url}: {e:?}");
            let text = e.to_string();
            assert!(
                text.contains(&format!("has the port {port}, which is not a number")),
                "{url}: {text}"
            );
        }
    }

    /// Regression (review bug 4): invalid IPv6 literals signed silently.
    #[test]
    fn invalid_ipv6_literals_signed_silently() {
        for (url, needle) in [
            (
                "https://[zz]/a",
                "has the host [zz], which is no IPv6 address",
            ),
            ("https://[]/a", "has the host [], which is no IPv6 address"),
            (
                "https://[fe80::1%25eth0]/a",
                "has the IPv6 host [fe80::1%25eth0] with a zone ID",
            ),
        ] {
            let e = check_url(url).unwrap_err().to_string();
            assert!(e.contains(needle), "{url}: {e}");
        }
        assert!(check_url("https://[2001:db8::1]/a").unwrap().is_empty());
    }

    /// Regression (fuzz round trip, cookies): hosts empty between dots, starting with a
    /// dot, only dots, or holding characters no host name holds were accepted, so
    /// `sign_cookies` signed cookies whose domain no client could match.
    #[test]
    fn hosts_no_client_can_request_were_accepted() {
        for (url, needle) in [
            ("http://../", "with an empty label"),
            ("https://..i/", "with an empty label"),
            ("https://a..b/x", "with an empty label"),
            ("https://.a(g/", "which holds '('"),
            ("https://a(g.net/", "which holds '('"),
        ] {
            let e = check_url(url).unwrap_err().to_string();
            assert!(e.contains(needle), "{url}: {e}");
        }
        // The fully-qualified form with one trailing dot is a host clients request.
        assert!(check_url("https://d1.net./a").unwrap().is_empty());
        assert!(check_url("https://my_host.example/a").unwrap().is_empty());
    }

    /// Regression: `<>{}` and a `'` in the query were signed silently, though browsers
    /// request the percent-encoded form and CloudFront then answers 403.
    #[test]
    fn characters_browsers_encode_are_warned_with_their_form() {
        assert_eq!(
            check_url("https://d1.net/a<b>{c}`d'e?q='x'&r=<y>").unwrap(),
            vec![Warning::BrowserForm {
                sent: "https://d1.net/a%3Cb%3E%7Bc%7D%60d'e?q=%27x%27&r=%3Cy%3E".into()
            }]
        );
        // The sub-delimiters of the vectors stay as they are.
        assert!(
            check_url("https://d1.net/v1/a:b@c;d=e,f$g!h'i(j).jpg")
                .unwrap()
                .is_empty()
        );
    }
}
