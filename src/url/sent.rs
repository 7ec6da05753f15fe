//! [`sent_form`]: the form in which clients send a URL, which is what CloudFront checks
//! the signature against [\[R2\]](crate::rules#r2).

use super::Warning;
use crate::uri::{Uri, first_bad_char, numeric_host, percent_decode, percent_encode_bad};

/// The form a client sends for a URL, when it differs from the URL as written, and what
/// the client changed.
///
/// CloudFront checks a signature against the request it receives (the canned policy is
/// rebuilt from it [\[R2\]](crate::rules#r2)), and clients normalise a URL before sending it: the WHATWG URL
/// standard (browsers) and RFC 3986 section 6 (curl and HTTP libraries) agree on what is
/// done here. The scheme and host are lower-cased; user info is never sent; the host is
/// percent-decoded and a numeric host (`0x7f.1`, `010.0.0.1`) is read as the IPv4 address
/// it names; the scheme's default port is dropped and leading zeros of a port go; `.` and
/// `..` path segments are resolved, `%2e` counting as a dot; an empty path becomes `/`;
/// raw spaces, control characters, non-ASCII, `"` and `\` are percent-encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SentForm {
    /// The URL as the client sends it.
    pub url: String,
    /// What the client changed, in words, joined with `, `.
    pub changes: String,
    /// The port the request goes to when it is not 80 or 443 (CloudFront listens only on
    /// those).
    pub other_port: Option<u32>,
}

impl SentForm {
    /// The [`Warning::ClientForm`] saying what clients send.
    pub fn warning(&self) -> Warning {
        Warning::ClientForm {
            sent: self.url.clone(),
            changes: self.changes.clone(),
        }
    }
}

/// The form a client sends for `url` (a URL without its `#fragment`), see [`SentForm`];
/// `None` when the URL has no `scheme://`. `changes` is empty when the client sends the
/// URL as written.
pub fn sent_form(url: &str) -> Option<SentForm> {
    let uri = Uri::lex(url)?;
    let scheme = uri.scheme();
    let mut changes: Vec<String> = Vec::new();
    let lower_scheme = scheme.to_ascii_lowercase();
    if lower_scheme != scheme {
        changes.push("scheme in lower case".into());
    }
    if uri.userinfo().is_some() {
        changes.push("user info removed".into());
    }
    let port = uri.port();
    let mut host = uri.host().to_string();
    if host.contains('%') {
        let decoded = percent_decode(&host);
        if decoded != host
            && decoded.is_ascii()
            && !decoded.contains(['%', '/', '?', '#', '@', ':'])
        {
            host = decoded;
            changes.push("percent-escapes in the host decoded".into());
        }
    }
    // A non-ASCII host, raw or percent-escaped (`b%C3%BCcher.example`), is sent in its
    // punycode (IDNA) form, as `check_url`'s hint says for the raw one.
    if !host.starts_with('[') {
        let decoded = percent_decode(&host);
        if !decoded.is_ascii()
            && !decoded.contains('\u{fffd}')
            && let Ok(ascii) = idna::domain_to_ascii(&decoded)
        {
            if host.contains('%') {
                changes.push("percent-escapes in the host decoded".into());
            }
            changes.push("non-ASCII host in its punycode (IDNA) form".into());
            host = ascii;
        }
    }
    if host.to_ascii_lowercase() != host {
        host = host.to_ascii_lowercase();
        changes.push("host in lower case".into());
    }
    if let Some(ip) = numeric_host(&host)
        && ip.to_string() != host
    {
        host = ip.to_string();
        changes.push(format!("host read as the IPv4 address {host}"));
    }
    let default = match lower_scheme.as_str() {
        "https" => Some(443),
        "http" => Some(80),
        _ => None,
    };
    let mut port_text = String::new();
    let mut other_port = None;
    match port {
        Some("") => changes.push("empty port dropped".into()),
        // Leading zeros do not count towards the length: `uri::port_number` (which
        // signing checks first) accepts any number of them, as browsers and curl do.
        Some(p)
            if p.bytes().all(|b| b.is_ascii_digit()) && p.trim_start_matches('0').len() <= 10 =>
        {
            let digits = p.trim_start_matches('0');
            let n: u32 = if digits.is_empty() {
                0
            } else {
                digits.parse().unwrap_or(u32::MAX)
            };
            if Some(n) == default {
                changes.push("default port dropped".into());
            } else {
                if n.to_string() != p {
                    changes.push("leading zeros of the port dropped".into());
                }
                port_text = format!(":{n}");
            }
            if n != 80 && n != 443 {
                other_port = Some(n);
            }
        }
        Some(p) => port_text = format!(":{p}"),
        None => {}
    }
    // The query (and a fragment) as written, with its '?'.
    let (path, query) = (uri.path(), &url[uri.path.end..]);
    let mut new_path = remove_dot_segments(path);
    if new_path != path {
        changes.push(if path.to_ascii_lowercase().contains("%2e") {
            "'.' and '..' segments resolved (%2e is a dot)".into()
        } else {
            "'.' and '..' segments resolved".into()
        });
    }
    if new_path.is_empty() {
        new_path = "/".into();
        changes.push("'/' added as the path".into());
    }
    let mut tail = format!("{new_path}{query}");
    if first_bad_char(&tail).is_some() {
        tail = percent_encode_bad(&tail);
        changes.push("raw characters percent-encoded".into());
    }
    Some(SentForm {
        url: format!("{lower_scheme}://{host}{port_text}{tail}"),
        changes: changes.join(", "),
        other_port,
    })
}

/// The URL as browsers send it, when they percent-encode something it holds raw (the
/// WHATWG URL standard's path and special-query percent-encode sets, less what
/// [`check_url`] already refuses).
pub(super) fn browser_form(url: &str) -> Option<String> {
    let query_at = url.find('?').unwrap_or(url.len());
    let mut out = String::with_capacity(url.len() + 8);
    let mut changed = false;
    for (i, c) in url.char_indices() {
        let encode = match c {
            '<' | '>' => true,
            '`' | '{' | '}' => i < query_at,
            '\'' => i > query_at,
            _ => false,
        };
        if encode {
            out.push_str(&format!("%{:02X}", c as u32));
            changed = true;
        } else {
            out.push(c);
        }
    }
    changed.then_some(out)
}

/// RFC 3986 section 5.2.4, on a path that starts with `/` (or is empty); a segment of
/// `%2e` (any case) counts as `.` and `.%2e`, `%2e.`, `%2e%2e` as `..`, as the WHATWG URL
/// standard reads them.
fn remove_dot_segments(path: &str) -> String {
    if !path.split('/').any(|seg| dot_segment(seg).is_some()) {
        return path.to_string();
    }
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match dot_segment(seg) {
            Some(1) => {
                if last {
                    out.push("");
                }
            }
            Some(_) => {
                out.pop();
                if last {
                    out.push("");
                }
            }
            None => out.push(seg),
        }
    }
    format!("/{}", out.join("/"))
}

/// 1 for a `.` segment, 2 for `..`, with `%2e` (any case) as a dot.
fn dot_segment(seg: &str) -> Option<u8> {
    match seg.to_ascii_lowercase().as_str() {
        "." | "%2e" => Some(1),
        ".." | ".%2e" | "%2e." | "%2e%2e" => Some(2),
        _ => None,
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::url::check_url;

    /// Regression: URLs that clients normalise before sending were signed silently, so
    /// CloudFront answered 403 for the form it received.
    #[test]
    fn forms_clients_rewrite_are_warned_with_the_sent_form() {
        for (url, sent) in [
            ("https://D1.Net/a", "https://d1.net/a"),
            ("http://d1.net:80/a?x=1", "http://d1.net/a?x=1"),
            ("https://d1.net:443/a", "https://d1.net/a"),
            ("https://d1.net/./a/../b", "https://d1.net/b"),
            ("https://d1.net/a/..", "https://d1.net/"),
            ("https://d1.net", "https://d1.net/"),
            ("https://d1.net?x", "https://d1.net/?x"),
        ] {
            let w = check_url(url).unwrap();
            assert!(
                matches!(&w[..], [Warning::ClientForm { sent: s, .. }] if s == sent),
                "{url}: {w:?}"
            );
        }
        assert!(check_url("https://d1.net/a/b.c/..d").unwrap().is_empty());
    }

    /// Regression (issue 10.4): forms browsers normalise were signed silently: a
    /// percent-encoded host, a numeric host, a port with leading zeros, `%2e%2e`
    /// segments; and ports CloudFront does not listen on.
    #[test]
    fn forms_browsers_normalise_were_signed_silently() {
        for (url, sent, changes) in [
            (
                "https://d%31.net/a",
                "https://d1.net/a",
                "percent-escapes in the host decoded",
            ),
            (
                "https://0x7f.1/a",
                "https://127.0.0.1/a",
                "host read as the IPv4 address 127.0.0.1",
            ),
            (
                "https://010.0.0.1/a",
                "https://8.0.0.1/a",
                "host read as the IPv4 address 8.0.0.1",
            ),
            (
                "https://3232235777/a",
                "https://192.168.1.1/a",
                "host read as the IPv4 address 192.168.1.1",
            ),
            (
                "http://d1.net:080/a",
                "http://d1.net/a",
                "default port dropped",
            ),
            (
                "https://d1.net:0443/a",
                "https://d1.net/a",
                "default port dropped",
            ),
            (
                "https://d1.net/a/%2e%2e/b",
                "https://d1.net/b",
                "'.' and '..' segments resolved (%2e is a dot)",
            ),
            (
                "https://d1.net/a/.%2E/b/%2e/c",
                "https://d1.net/b/c",
                "'.' and '..' segments resolved (%2e is a dot)",
            ),
        ] {
            let w = check_url(url).unwrap();
            assert_eq!(
                w,
                vec![Warning::ClientForm {
                    sent: sent.into(),
                    changes: changes.into()
                }],
                "{url}"
            );
        }
        let w = check_url("https://d1.net:08443/a").unwrap();
        assert_eq!(
            w,
            vec![
                Warning::ClientForm {
                    sent: "https://d1.net:8443/a".into(),
                    changes: "leading zeros of the port dropped".into()
                },
                Warning::OtherPort { port: 8443 }
            ]
        );
        assert!(
            w[1].to_string()
                .contains("only on port 80 (http) and 443 (https)")
        );
        // Host names that end in a letter, and plain dotted addresses, are left alone.
        for url in [
            "https://d1.net/a",
            "https://192.0.2.1/a",
            "https://a.0x/a",
            "https://1.2.3.4.5/a",
        ] {
            let w = check_url(url).unwrap();
            assert!(
                !w.iter().any(|w| matches!(w, Warning::ClientForm { .. })),
                "{url}: {w:?}"
            );
        }
        assert_eq!(
            numeric_host("0x7f.1"),
            Some(std::net::Ipv4Addr::new(127, 0, 0, 1))
        );
        assert_eq!(numeric_host("256.1.1.1"), None);
        assert_eq!(numeric_host("1.2.3.4.5"), None);
        assert_eq!(numeric_host("d1.net"), None);
    }

    /// Regression: a default port written with more than ten digits
    /// (`:00000000443`) passed the host and port checks (any number of leading zeros is
    /// a port) but was left as written in the sent form, so it was signed without the
    /// "default port dropped" warning that `:0443` gets; `:000008443` likewise lost its
    /// leading-zeros and other-port warnings.
    #[test]
    fn port_with_many_leading_zeros_was_signed_silently() {
        for (url, sent) in [
            ("https://d1.net:00000000443/a", "https://d1.net/a"),
            ("http://d1.net:0000000000000080/a", "http://d1.net/a"),
        ] {
            let w = check_url(url).unwrap();
            assert_eq!(
                w,
                vec![Warning::ClientForm {
                    sent: sent.into(),
                    changes: "default port dropped".into()
                }],
                "{url}"
            );
        }
        let w = check_url("https://d1.net:0000000008443/a").unwrap();
        assert_eq!(
            w,
            vec![
                Warning::ClientForm {
                    sent: "https://d1.net:8443/a".into(),
                    changes: "leading zeros of the port dropped".into()
                },
                Warning::OtherPort { port: 8443 }
            ]
        );
        assert_eq!(
            sent_form("https://d1.net:000/a").unwrap().other_port,
            Some(0)
        );
    }

    /// Regression: a percent-escaped non-ASCII host (`b%C3%BCcher.example`) was signed
    /// with the warning "clients request this URL as https://b%c3%bccher.example/a (host
    /// in lower case)": browsers decode it and send the punycode form
    /// `xn--bcher-kva.example`, which the warning now names. Verify answers for that form
    /// too, also for a raw non-ASCII host (which signing refuses).
    #[test]
    fn percent_escaped_non_ascii_host_got_a_wrong_sent_form() {
        let w = check_url("https://b%C3%BCcher.example/a").unwrap();
        assert_eq!(
            w,
            vec![Warning::ClientForm {
                sent: "https://xn--bcher-kva.example/a".into(),
                changes: "percent-escapes in the host decoded, non-ASCII host in its punycode (IDNA) form".into()
            }]
        );
        let raw = sent_form("https://B\u{fc}cher.example:443/a").unwrap();
        assert_eq!(raw.url, "https://xn--bcher-kva.example/a");
        assert_eq!(
            raw.changes,
            "non-ASCII host in its punycode (IDNA) form, default port dropped"
        );
        // An escape that is no UTF-8 is left as it was.
        assert_eq!(
            sent_form("https://b%FC.example/a").unwrap().url,
            "https://b%fc.example/a"
        );
    }

    /// What clients send for the forms signing refuses (verify answers for this form).
    #[test]
    fn sent_form_of_refused_urls() {
        for (url, sent) in [
            ("HTTPS://D1.net/a", "https://d1.net/a"),
            ("https://user:pw@d1.net/a", "https://d1.net/a"),
            ("https://d1.net/my file.jpg", "https://d1.net/my%20file.jpg"),
            ("https://d1.net/café", "https://d1.net/caf%C3%A9"),
            ("https://d1.net?x=1", "https://d1.net/?x=1"),
            ("https://d1.net:443/a/../b", "https://d1.net/b"),
        ] {
            assert_eq!(sent_form(url).unwrap().url, sent, "{url}");
        }
        assert_eq!(sent_form("https://d1.net/a").unwrap().changes, "");
        assert_eq!(sent_form("no-scheme"), None);
    }
}
