//! [`SourceIp`]: the IPv4 address or CIDR range of the `IpAddress` condition [\[R7\]](crate::rules#r7).

use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

use crate::error::{Error, Result};

/// One IPv4 address or CIDR range for the `IpAddress` condition (`AWS:SourceIp`) [\[R7\]](crate::rules#r7).
///
/// A bare address means `/32`. IPv6 is refused: CloudFront policies do not support it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SourceIp {
    addr: Ipv4Addr,
    prefix: u8,
}

impl SourceIp {
    /// A range from an address and a prefix length (0 to 32).
    ///
    /// # Errors
    /// [`Error::IpAddress`] when the prefix is over 32.
    pub fn new(addr: Ipv4Addr, prefix: u8) -> Result<Self> {
        if prefix > 32 {
            return Err(Error::IpAddress {
                input: format!("{addr}/{prefix}"),
                problem: "has a prefix over /32".into(),
                canonical: None,
            });
        }
        Ok(SourceIp { addr, prefix })
    }

    /// The address part, as given (host bits are kept).
    pub fn addr(&self) -> Ipv4Addr {
        self.addr
    }

    /// The prefix length, 0 to 32.
    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    /// Whether the address has bits set past the prefix (`192.0.2.1/24`): the policy
    /// keeps it as written, but the range is that of `192.0.2.0/24`.
    pub fn has_host_bits(&self) -> bool {
        self.prefix < 32 && u32::from(self.addr) & (u32::MAX >> self.prefix) != 0
    }

    /// Whether `ip` is inside this range.
    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        let mask = if self.prefix == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(self.prefix))
        };
        u32::from(ip) & mask == u32::from(self.addr) & mask
    }

    /// Whether the whole range is loopback, private (RFC 1918), link-local, shared (RFC
    /// 6598) or unspecified: addresses CloudFront never sees as a viewer's source address.
    /// A range that also holds public addresses (`0.0.0.0/0`) is not.
    pub fn is_non_public(&self) -> bool {
        fn non_public(a: Ipv4Addr) -> bool {
            let o = a.octets();
            a.is_loopback()
                || a.is_private()
                || a.is_link_local()
                || a.is_unspecified()
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
        }
        let mask = if self.prefix == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(self.prefix))
        };
        let first = u32::from(self.addr) & mask;
        let last = first | !mask;
        non_public(first.into()) && non_public(last.into())
    }
}

impl SourceIp {
    /// The canonical spelling of a range written loosely (surrounding whitespace, a prefix
    /// with leading zeros such as `/08`), for a hint; `None` when it is no range at all.
    pub(crate) fn canonical_form(input: &str) -> Option<String> {
        let s = input.trim();
        let (a, p) = s.split_once('/').unwrap_or((s, "32"));
        let p = p.trim_start_matches('0');
        let p = if p.is_empty() { "0" } else { p };
        SourceIp::parse_strict(&format!("{a}/{p}"))
            .ok()
            .map(|ip| ip.to_string())
    }
}

impl FromStr for SourceIp {
    type Err = Error;
    /// Reads `a.b.c.d` or `a.b.c.d/n` in canonical form only: no whitespace, four decimal
    /// octets without leading zeros, a prefix from 0 to 32 without leading zeros. The
    /// Guide asks for "standard IPv4 CIDR format (for example, 192.0.2.0/24)"; how
    /// CloudFront reads `" 192.0.2.0/24 "` or `10.0.0.0/08` is undocumented, so such a
    /// policy is not safe to hand out. Callers trim command-line input themselves.
    ///
    /// # Errors
    /// [`Error::IpAddress`], with the canonical spelling when the input is a range
    /// written loosely (`10.0.0.0/08`: `10.0.0.0/8`).
    fn from_str(input: &str) -> Result<Self> {
        SourceIp::parse_strict(input).map_err(|e| match e {
            Error::IpAddress { input, problem, .. } => {
                let canonical = SourceIp::canonical_form(&input).filter(|c| *c != input);
                Error::IpAddress {
                    input,
                    problem,
                    canonical,
                }
            }
            other => other,
        })
    }
}

impl SourceIp {
    /// [`FromStr::from_str`] without the canonical spelling in its errors (which is
    /// found by parsing again).
    fn parse_strict(input: &str) -> Result<Self> {
        let err = |problem: &str| Error::IpAddress {
            input: input.into(),
            problem: problem.into(),
            canonical: None,
        };
        let s = input;
        if s.trim() != s {
            return Err(err(
                "has whitespace around it; CIDR ranges are written without spaces",
            ));
        }
        if let Some(problem) = not_ipv4(s) {
            return Err(err(&problem));
        }
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => {
                if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 2 {
                    return Err(err("has a prefix that is not a number from 0 to 32"));
                }
                if p.len() > 1 && p.starts_with('0') {
                    return Err(err(
                        "has a prefix with a leading zero, which is not standard CIDR notation",
                    ));
                }
                let n: u8 = p.parse().map_err(|_| err("has a bad prefix"))?;
                if n > 32 {
                    return Err(err("has a prefix over /32"));
                }
                (a, n)
            }
            None => (s, 32),
        };
        // std refuses octets with leading zeros (`010.0.0.1`), which some parsers read
        // as octal.
        let addr: Ipv4Addr = addr
            .parse()
            .map_err(|_| err("is not an IPv4 address (four numbers 0-255, like 192.0.2.10)"))?;
        Ok(SourceIp { addr, prefix })
    }
}

/// Why `s` cannot be an IPv4 address or CIDR range, decided before parsing it as one:
/// an IPv6 address or network (only when it parses as one), or the first character an
/// IPv4 range cannot hold, quoted with its byte offset. `None` when every character is a
/// digit, `.` or `/` (the IPv4 parser then says what is wrong).
fn not_ipv4(s: &str) -> Option<String> {
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (s, None),
    };
    let prefix_is_number =
        prefix.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if prefix_is_number && addr.parse::<std::net::Ipv6Addr>().is_ok() {
        return Some("is IPv6, which CloudFront policies do not support".into());
    }
    let (i, c) = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || matches!(c, '.' | '/')))?;
    Some(format!(
        "has {c:?} at byte {i}, a character an IPv4 address or CIDR range cannot hold"
    ))
}

impl fmt::Display for SourceIp {
    /// Always with the prefix: `192.0.2.10/32`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (issue 16): any value holding ':' was called IPv6, so a JSON injection
    /// attempt got the wrong reason; it now names the character that cannot be there.
    #[test]
    fn ip_injection_is_not_called_ipv6() {
        let input = r#"192.168.0.0/24","IpAddress":{"AWS:SourceIp":"0.0.0.0/0"#;
        let e = input.parse::<SourceIp>().unwrap_err().to_string();
        assert!(!e.contains("IPv6"), "{e}");
        assert!(
            e.ends_with(
                r#"has '"' at byte 14, a character an IPv4 address or CIDR range cannot hold"#
            ),
            "{e}"
        );
        let e = "2001:db8::/32".parse::<SourceIp>().unwrap_err().to_string();
        assert!(e.contains("is IPv6"), "{e}");
        let e = "10.0.0.1:80".parse::<SourceIp>().unwrap_err().to_string();
        assert!(e.contains("has ':' at byte 8"), "{e}");
    }

    #[test]
    fn source_ip() {
        assert_eq!(
            "192.0.2.10".parse::<SourceIp>().unwrap().to_string(),
            "192.0.2.10/32"
        );
        assert_eq!(
            "0.0.0.0/0".parse::<SourceIp>().unwrap().to_string(),
            "0.0.0.0/0"
        );
        for (bad, needle) in [
            ("2001:db8::/32", "IPv6"),
            ("192.0.2.0/33", "over /32"),
            ("192.0.2.0/", "prefix"),
            ("192.0.2", "IPv4"),
            ("300.1.1.1", "IPv4"),
            ("192.0.2.0/2a", "'a' at byte 11"),
            ("::ffff:192.0.2.1", "IPv6"),
        ] {
            let e = bad.parse::<SourceIp>().unwrap_err().to_string();
            assert!(e.contains(needle), "{bad}: {e}");
        }
        let r: SourceIp = "192.0.2.0/24".parse().unwrap();
        assert!(r.contains("192.0.2.255".parse().unwrap()));
        assert!(!r.contains("192.0.3.0".parse().unwrap()));
        assert!("10.1.2.3".parse::<SourceIp>().unwrap().is_non_public());
        assert!(!"192.0.2.1".parse::<SourceIp>().unwrap().is_non_public());
        assert!("192.0.2.1/24".parse::<SourceIp>().unwrap().has_host_bits());
        assert!(!"192.0.2.0/24".parse::<SourceIp>().unwrap().has_host_bits());
        assert!(!"192.0.2.1".parse::<SourceIp>().unwrap().has_host_bits());
        assert!(!"0.0.0.0/0".parse::<SourceIp>().unwrap().has_host_bits());
        // Regression: 0.0.0.0/0 (every viewer) was warned about as a private range.
        assert!(!"0.0.0.0/0".parse::<SourceIp>().unwrap().is_non_public());
        assert!("10.0.0.0/8".parse::<SourceIp>().unwrap().is_non_public());
        assert!(!"10.0.0.0/7".parse::<SourceIp>().unwrap().is_non_public());
    }
}
