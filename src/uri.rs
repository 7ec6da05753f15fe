//! Taking a URL apart once: scheme, user info, host, port, path, query and fragment, as
//! byte ranges into the text as written, and which hosts and ports a client can request.
//!
//! cfsign signs a URL byte for byte and never re-serialises it [\[R10\]](crate::rules#r10), so this module only
//! finds where each part is; a caller slices the original text (or keeps the ranges). It
//! reads the `scheme://authority/path?query#fragment` form of RFC 3986 section 3, the
//! form http and https URLs have:
//!
//! - the scheme is everything before the first `://` (text without `://` is no URL here);
//! - the authority runs from there to the first `/`, `?` or `#`;
//! - user info is the authority up to its last `@` (as WHATWG and curl read it);
//! - the host is a bracketed IPv6 literal (up to the first `]`; the whole rest of the
//!   authority when there is none), or runs to the first `:`; the port is what follows
//!   that `:`, possibly empty or holding more colons (then it is no port, see
//!   [`Uri::check_authority`]);
//! - the path runs to the first `?` or `#`, the query (after `?`) to the first `#`, the
//!   fragment is the rest after `#`.
//!
//! Lexing never fails. [`Uri::check_authority`] decides whether a client can request the
//! host and port at all; `url::check_url` refuses what it rejects.
//!
//! A policy resource with wildcards is a pattern, not a URL (`policy::is_pattern`): a `?`
//! wildcard in its host ends the authority here, so patterns are matched as one string
//! (`policy::resource_matches`) and lexed only for their literal parts.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::Range;

/// A URL taken apart: each part is a byte range into the text given to [`Uri::lex`],
/// without its delimiter (`://`, `@`, `:`, `?`, `#`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Uri<'a> {
    text: &'a str,
    /// The scheme, as written (any case).
    pub(crate) scheme: Range<usize>,
    /// Everything between `://` and the path: `[userinfo@]host[:port]`.
    pub(crate) authority: Range<usize>,
    /// The user info before the last `@` of the authority, if any.
    pub(crate) userinfo: Option<Range<usize>>,
    /// The host; an IPv6 literal keeps its brackets.
    pub(crate) host: Range<usize>,
    /// What follows the host in the authority: empty, `:port`, or (after an IPv6 literal
    /// only) text that is no port.
    after_host: Range<usize>,
    /// The path, possibly empty; starts with `/` when not empty.
    pub(crate) path: Range<usize>,
    /// The query after `?`, if there is a `?`.
    pub(crate) query: Option<Range<usize>>,
    /// The fragment after `#`, if there is a `#`.
    pub(crate) fragment: Option<Range<usize>>,
}

impl<'a> Uri<'a> {
    /// Takes `text` apart; `None` when it has no `://`.
    pub(crate) fn lex(text: &'a str) -> Option<Self> {
        let scheme_end = text.find("://")?;
        let start = scheme_end + 3;
        let authority_end = text[start..]
            .find(['/', '?', '#'])
            .map_or(text.len(), |i| start + i);
        let authority = &text[start..authority_end];
        let (userinfo, host_start) = match authority.rfind('@') {
            Some(i) => (Some(start..start + i), start + i + 1),
            None => (None, start),
        };
        let host_part = &text[host_start..authority_end];
        let host_end = if host_part.starts_with('[') {
            host_part
                .find(']')
                .map_or(authority_end, |i| host_start + i + 1)
        } else {
            host_part
                .find(':')
                .map_or(authority_end, |i| host_start + i)
        };
        let tail = &text[authority_end..];
        let path_end = authority_end + tail.find(['?', '#']).unwrap_or(tail.len());
        let fragment_at = text[path_end..].find('#').map(|i| path_end + i);
        let query = text[path_end..]
            .starts_with('?')
            .then(|| path_end + 1..fragment_at.unwrap_or(text.len()));
        Some(Uri {
            text,
            scheme: 0..scheme_end,
            authority: start..authority_end,
            userinfo,
            host: host_start..host_end,
            after_host: host_end..authority_end,
            path: authority_end..path_end,
            query,
            fragment: fragment_at.map(|i| i + 1..text.len()),
        })
    }

    /// The scheme as written.
    pub(crate) fn scheme(&self) -> &'a str {
        &self.text[self.scheme.clone()]
    }

    /// `[userinfo@]host[:port]` as written.
    pub(crate) fn authority(&self) -> &'a str {
        &self.text[self.authority.clone()]
    }

    /// The user info (before `@`), if any.
    pub(crate) fn userinfo(&self) -> Option<&'a str> {
        self.userinfo.clone().map(|r| &self.text[r])
    }

    /// The host as written; an IPv6 literal with its brackets.
    pub(crate) fn host(&self) -> &'a str {
        &self.text[self.host.clone()]
    }

    /// The text after the host's `:`, if there is one: the port when
    /// [`check_authority`](Self::check_authority) accepts it.
    pub(crate) fn port(&self) -> Option<&'a str> {
        self.text[self.after_host.clone()].strip_prefix(':')
    }

    /// The path as written, possibly empty.
    pub(crate) fn path(&self) -> &'a str {
        &self.text[self.path.clone()]
    }

    /// The query after `?`, if there is a `?`.
    pub(crate) fn query(&self) -> Option<&'a str> {
        self.query.clone().map(|r| &self.text[r])
    }

    /// The fragment after `#`, if there is a `#`.
    pub(crate) fn fragment(&self) -> Option<&'a str> {
        self.fragment.clone().map(|r| &self.text[r])
    }

    /// What kind of host this is, when a client can request it; otherwise why not.
    ///
    /// Refused, because browsers (the WHATWG URL standard) and curl both refuse the URL,
    /// or a DNS lookup cannot carry the name, so no request for it reaches CloudFront:
    /// - a port that is not one number from 1 to 65535 (`:443:443`, `:a`, `:`, `:0`);
    /// - an IPv6 literal without its `]`, with text after the `]` that is no port, that is
    ///   no IPv6 address (`[zz]`, `[]`, `[v1.x]`), or with a zone ID (`%25eth0`: browsers
    ///   refuse it, and curl leaves it out of the `Host` header it sends);
    /// - an empty host;
    /// - a host name holding a character other than letters, digits, `-`, `_`, `.`, `*`
    ///   (a wildcard, kept for patterns), percent-escapes of those, and non-ASCII (which
    ///   the caller checks);
    /// - a host name with an empty label (a leading dot, two dots in a row, only dots; one
    ///   trailing dot is the fully-qualified form and allowed), a label over 63 bytes or
    ///   a name over 253 bytes (RFC 1035 section 2.3.4).
    ///
    /// Not refused: upper case, percent-escapes, numeric hosts (`0x7f.1`) and ports with
    /// leading zeros, which clients rewrite (`url::sent_form` says how).
    pub(crate) fn check_authority(&self) -> Result<Host, AuthorityProblem> {
        let host = self.host();
        let after = &self.text[self.after_host.clone()];
        if host.starts_with('[') {
            if !host.ends_with(']') {
                return Err(AuthorityProblem::UnclosedBracket);
            }
            if !after.is_empty() && !after.starts_with(':') {
                return Err(AuthorityProblem::AfterIpv6(after.into()));
            }
        }
        if let Some(port) = self.port()
            && port_number(port).is_none()
        {
            return Err(AuthorityProblem::Port(port.into()));
        }
        if host.is_empty() {
            return Err(AuthorityProblem::NoHost);
        }
        if let Some(literal) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
            return ipv6_literal(literal).map(Host::Ipv6);
        }
        check_name(host)?;
        Ok(numeric_host(&percent_decode(host).to_ascii_lowercase()).map_or(Host::Name, Host::Ipv4))
    }
}

/// What kind of host a URL names ([`Uri::check_authority`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Host {
    /// A host name (a DNS name), as written.
    Name,
    /// A host whose last label is a number: the IPv4 address browsers read it as
    /// ([`numeric_host`]), which may differ from how it is written (`0x7f.1`).
    Ipv4(Ipv4Addr),
    /// A bracketed IPv6 literal.
    Ipv6(Ipv6Addr),
}

/// Why no client can request a URL's host and port ([`Uri::check_authority`]). Its
/// `Display` is a phrase that follows `URL "..."`, like `Error::UrlForm`'s problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AuthorityProblem {
    /// No host between `://` (or `@`) and the port or path.
    NoHost,
    /// `[` without `]`.
    UnclosedBracket,
    /// Text after an IPv6 literal's `]` that is not `:port`.
    AfterIpv6(String),
    /// The text after the host's `:` is not one number from 1 to 65535.
    Port(String),
    /// The bracketed text is no IPv6 address.
    NotIpv6(String),
    /// The IPv6 literal carries a zone ID (`%25eth0`).
    Ipv6Zone(String),
    /// The host name holds a character no host name holds.
    HostCharacter {
        /// The host as written.
        host: String,
        /// The character (percent-decoded).
        c: char,
    },
    /// The host name has an empty label.
    EmptyLabel(String),
    /// A label over 63 bytes, or a name over 253.
    TooLong(String),
}

impl fmt::Display for AuthorityProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthorityProblem::NoHost => f.write_str("has no host after the scheme"),
            AuthorityProblem::UnclosedBracket => {
                f.write_str("has an IPv6 host without its closing ']'")
            }
            AuthorityProblem::AfterIpv6(after) => write!(f, "has {after:?} after the IPv6 host"),
            AuthorityProblem::Port(p) => write!(
                f,
                "has the port {p:?}, which is not a number from 1 to 65535 (browsers and curl refuse the URL)"
            ),
            AuthorityProblem::NotIpv6(h) => write!(
                f,
                "has the host [{h}], which is no IPv6 address (browsers and curl refuse the URL)"
            ),
            AuthorityProblem::Ipv6Zone(h) => write!(
                f,
                "has the IPv6 host [{h}] with a zone ID: browsers refuse it and curl leaves it out of the Host header, so no request carries the host as signed"
            ),
            AuthorityProblem::HostCharacter { host, c } => write!(
                f,
                "has the host {host:?}, which holds {c:?}: a host name holds only letters, digits, '-', '_' and '.' (curl refuses the URL, and no DNS name or CloudFront domain has it)"
            ),
            AuthorityProblem::EmptyLabel(h) => write!(
                f,
                "has the host {h:?}, with an empty label (a leading dot, two dots in a row, or only dots): no DNS name, and so no CloudFront domain, has one"
            ),
            AuthorityProblem::TooLong(h) => write!(
                f,
                "has the host {h:?}, longer than DNS allows (63 bytes a label, 253 the name), so no lookup can find it"
            ),
        }
    }
}

/// The port a client connects to for `text` (what follows the host's `:`): one run of
/// ASCII digits (leading zeros allowed, as browsers and curl allow them) naming 1 to
/// 65535; `None` otherwise.
pub(crate) fn port_number(text: &str) -> Option<u16> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = text.trim_start_matches('0');
    if digits.len() > 5 {
        return None;
    }
    digits.parse::<u16>().ok().filter(|p| *p != 0)
}

/// The address inside an IPv6 literal's brackets; a zone ID or anything that is no IPv6
/// address is refused.
fn ipv6_literal(literal: &str) -> Result<Ipv6Addr, AuthorityProblem> {
    if let Some((address, _zone)) = literal.split_once('%')
        && address.parse::<Ipv6Addr>().is_ok()
    {
        return Err(AuthorityProblem::Ipv6Zone(literal.into()));
    }
    literal
        .parse()
        .map_err(|_| AuthorityProblem::NotIpv6(literal.into()))
}

/// Checks a host name (not an IPv6 literal) for what no client can request, on its
/// percent-decoded form (browsers decode the host before they read it).
fn check_name(host: &str) -> Result<(), AuthorityProblem> {
    let decoded = percent_decode(host);
    let bad = |c: char| {
        !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '*') || !c.is_ascii())
    };
    // An escape that is no escape leaves its '%', which no host name holds either.
    if let Some(c) = decoded.chars().find(|&c| bad(c)) {
        return Err(AuthorityProblem::HostCharacter {
            host: host.into(),
            c,
        });
    }
    let name = decoded.strip_suffix('.').unwrap_or(&decoded);
    if name.split('.').any(str::is_empty) {
        return Err(AuthorityProblem::EmptyLabel(host.into()));
    }
    if name.is_ascii() && (name.len() > 253 || name.split('.').any(|l| l.len() > 63)) {
        return Err(AuthorityProblem::TooLong(host.into()));
    }
    Ok(())
}

/// Decodes `%XX` escapes (invalid ones stay as written); non-UTF-8 results are lossy.
pub(crate) fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (
                b.get(i + 1).and_then(|&c| hex(c)),
                b.get(i + 2).and_then(|&c| hex(c)),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The IPv4 address a host names when its last label is a number, as the WHATWG URL
/// standard's IPv4 parser reads it (browsers): up to four parts, each decimal, octal
/// (leading `0`) or hex (`0x`), the last filling the remaining bytes (`0x7f.1` is
/// 127.0.0.1). `None` for a host name, or a numeric host no browser accepts.
pub(crate) fn numeric_host(host: &str) -> Option<Ipv4Addr> {
    let mut parts: Vec<&str> = host.split('.').collect();
    if parts.len() > 1 && parts.last() == Some(&"") {
        parts.pop();
    }
    let last = parts.last()?;
    let hex_last = last
        .strip_prefix("0x")
        .or_else(|| last.strip_prefix("0X"))
        .is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
    if last.is_empty() || !(last.bytes().all(|b| b.is_ascii_digit()) || hex_last) {
        return None;
    }
    if parts.len() > 4 {
        return None;
    }
    let numbers: Vec<u64> = parts
        .iter()
        .map(|p| {
            let (digits, radix) = match p.strip_prefix("0x").or(p.strip_prefix("0X")) {
                Some(h) => (h, 16),
                None if p.len() > 1 && p.starts_with('0') => (&p[1..], 8),
                None => (*p, 10),
            };
            match (p.is_empty(), digits.is_empty()) {
                (true, _) => None,
                // `0x` alone is zero.
                (false, true) => Some(0),
                (false, false) => u64::from_str_radix(digits, radix)
                    .ok()
                    .filter(|n| *n < 1 << 32),
            }
        })
        .collect::<Option<_>>()?;
    let (last, init) = numbers.split_last()?;
    if init.iter().any(|&n| n > 255) || *last >= 1u64 << (8 * (5 - numbers.len())) {
        return None;
    }
    let mut value = *last;
    for (i, n) in init.iter().enumerate() {
        value += n << (8 * (3 - i));
    }
    u32::try_from(value).ok().map(Ipv4Addr::from)
}

/// The first character a URL may not hold raw, and its byte offset: a space, a control
/// character, non-ASCII, `"` or `\` [\[R11\]](crate::rules#r11).
pub(crate) fn first_bad_char(s: &str) -> Option<(&'static str, usize)> {
    s.char_indices().find_map(|(i, c)| {
        let what = match c {
            ' ' => "a raw space",
            '"' => "a double quote (a quote would let the URL rewrite the policy JSON)",
            '\\' => "a backslash",
            c if c.is_ascii_control() => "a control character",
            c if !c.is_ascii() => "a non-ASCII character",
            _ => return None,
        };
        Some((what, i))
    })
}

/// Percent-encodes the characters [`first_bad_char`] finds, leaving the rest as it is.
pub(crate) fn percent_encode_bad(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if first_bad_char(c.encode_utf8(&mut [0; 4])).is_some() {
            for b in c.to_string().bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(url: &str) -> [Option<&str>; 7] {
        let u = Uri::lex(url).unwrap();
        [
            Some(u.scheme()),
            u.userinfo(),
            Some(u.host()),
            u.port(),
            Some(u.path()),
            u.query(),
            u.fragment(),
        ]
    }

    #[test]
    fn lexes_each_part_by_offset() {
        assert_eq!(
            parts("https://u:p@d1.net:443/a/b?x=1&y#frag?#"),
            [
                Some("https"),
                Some("u:p"),
                Some("d1.net"),
                Some("443"),
                Some("/a/b"),
                Some("x=1&y"),
                Some("frag?#")
            ]
        );
        assert_eq!(
            parts("http://[::1]:8080?q"),
            [
                Some("http"),
                None,
                Some("[::1]"),
                Some("8080"),
                Some(""),
                Some("q"),
                None
            ]
        );
        assert_eq!(
            parts("https://d1.net#x"),
            [
                Some("https"),
                None,
                Some("d1.net"),
                None,
                Some(""),
                None,
                Some("x")
            ]
        );
        assert_eq!(
            parts("https://a@b@c:1:2/"),
            [
                Some("https"),
                Some("a@b"),
                Some("c"),
                Some("1:2"),
                Some("/"),
                None,
                None
            ]
        );
        assert_eq!(parts("https://[::1/a")[2], Some("[::1"));
        let u = Uri::lex("https://d1.net:8/p?q#f").unwrap();
        assert_eq!((u.authority(), u.authority.clone()), ("d1.net:8", 8..16));
        assert_eq!(u.path, 16..18);
        assert_eq!(Uri::lex("d1.net/a"), None);
    }

    /// Regression: a host with two colons signed (`split_port` split at the last one and
    /// kept `d1.net:443` as the host).
    #[test]
    fn host_with_two_colons_signed() {
        for (url, port) in [
            ("https://d1.net:443:443/a", "443:443"),
            ("https://d1.net:a:443/a", "a:443"),
            ("https://d1.net:1:2/a", "1:2"),
        ] {
            let u = Uri::lex(url).unwrap();
            assert_eq!(u.host(), "d1.net");
            assert_eq!(
                u.check_authority(),
                Err(AuthorityProblem::Port(port.into())),
                "{url}"
            );
        }
    }

    /// Regression: invalid IPv6 literals (`[zz]`, `[]`, a zone ID) signed silently.
    #[test]
    fn invalid_ipv6_literals_signed_silently() {
        for (url, problem) in [
            ("https://[zz]/a", AuthorityProblem::NotIpv6("zz".into())),
            ("https://[]/a", AuthorityProblem::NotIpv6("".into())),
            ("https://[v1.x]/a", AuthorityProblem::NotIpv6("v1.x".into())),
            (
                "https://[1::2::3]/a",
                AuthorityProblem::NotIpv6("1::2::3".into()),
            ),
            (
                "https://[fe80::1%25eth0]/a",
                AuthorityProblem::Ipv6Zone("fe80::1%25eth0".into()),
            ),
            ("https://[::1]x/a", AuthorityProblem::AfterIpv6("x".into())),
            ("https://[::1/a", AuthorityProblem::UnclosedBracket),
        ] {
            assert_eq!(
                Uri::lex(url).unwrap().check_authority(),
                Err(problem),
                "{url}"
            );
        }
        for (url, ip) in [
            ("https://[::1]:8443/a", "::1"),
            ("https://[2001:DB8::1]/a", "2001:db8::1"),
            ("https://[::ffff:192.0.2.1]/a", "::ffff:192.0.2.1"),
        ] {
            assert_eq!(
                Uri::lex(url).unwrap().check_authority(),
                Ok(Host::Ipv6(ip.parse().unwrap())),
                "{url}"
            );
        }
    }

    /// Regression: hosts empty between dots, starting with a dot, only dots, or holding
    /// characters no host name holds were accepted (and broke the cookie round trip).
    #[test]
    fn hosts_no_client_can_request_were_accepted() {
        for url in [
            "http://../",
            "https://..i/",
            "https://a..b/",
            "https://./",
            "https://a.b../",
            "https://%2e%2e/",
        ] {
            assert!(
                matches!(
                    Uri::lex(url).unwrap().check_authority(),
                    Err(AuthorityProblem::EmptyLabel(_))
                ),
                "{url}"
            );
        }
        for (url, c) in [
            ("https://.a(g/", '('),
            ("https://a!b/", '!'),
            ("https://a+b.net/", '+'),
            ("https://a~b.net/", '~'),
            ("https://a%28b/", '('),
            ("https://a%zzb/", '%'),
            ("https://a=b/", '='),
        ] {
            assert!(
                matches!(
                    Uri::lex(url).unwrap().check_authority(),
                    Err(AuthorityProblem::HostCharacter { c: found, .. }) if found == c
                ),
                "{url}"
            );
        }
        let long_label = format!("https://{}.net/", "a".repeat(64));
        let long_name = format!("https://{}net/", "abcdefghi.".repeat(26));
        for url in [long_label, long_name] {
            assert!(matches!(
                Uri::lex(&url).unwrap().check_authority(),
                Err(AuthorityProblem::TooLong(_))
            ));
        }
        for url in [
            "https://d1.net/",
            "https://d1.net./",
            "https://D1.Net/",
            "https://my_host-1.example/",
            "https://d%31.net/",
            "https://*.example.com/*",
            "https://localhost:8080/",
            "https://1.2.3.4.5/",
            &format!("https://{}.net/", "a".repeat(63)),
        ] {
            assert_eq!(
                Uri::lex(url).unwrap().check_authority(),
                Ok(Host::Name),
                "{url}"
            );
        }
        assert_eq!(
            Uri::lex("https://0x7f.1/").unwrap().check_authority(),
            Ok(Host::Ipv4(Ipv4Addr::new(127, 0, 0, 1)))
        );
    }

    #[test]
    fn ports() {
        for (text, port) in [
            ("443", Some(443)),
            ("08443", Some(8443)),
            ("65535", Some(65535)),
            ("0000000080", Some(80)),
        ] {
            assert_eq!(port_number(text), port, "{text}");
        }
        for text in [
            "",
            "0",
            "65536",
            "70000",
            "-1",
            "+1",
            " 1",
            "1 ",
            "abc",
            "1:2",
            "99999999999999999999",
        ] {
            assert_eq!(port_number(text), None, "{text}");
        }
    }
}
