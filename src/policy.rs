//! CloudFront policies: [`Policy`], [`Statement`], [`Condition`], [`SourceIp`], and the
//! exact JSON bytes that get signed \[R1\], \[R3\].
//!
//! Policies are typed structs written out by hand in a fixed key order, never through a
//! JSON map (maps sort keys) and never with HTML-safe escaping: CloudFront rebuilds the
//! canned policy from the request and compares bytes, so one byte off means 403.

use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

use crate::error::{Error, Result};

/// The two kinds of CloudFront policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyType {
    /// Canned: only `Resource` (the exact URL) and `DateLessThan`; CloudFront rebuilds it
    /// from the request, so the URL carries `Expires` instead of the policy \[R1\], \[R2\].
    Canned,
    /// Custom: sent base64-encoded in `Policy=`; may hold a wildcard resource,
    /// `DateGreaterThan` and `IpAddress` \[R3\].
    Custom,
}

impl PolicyType {
    /// `"canned"` or `"custom"`.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyType::Canned => "canned",
            PolicyType::Custom => "custom",
        }
    }
}

impl fmt::Display for PolicyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which policy type to use: chosen automatically, or forced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PolicyMode {
    /// Custom exactly when \[R4\] requires it (a wildcard resource, a start time or an IP
    /// range), canned otherwise. This is what AWS CLI v2 does.
    #[default]
    Auto,
    /// Always canned; an error when the request needs a custom policy.
    Canned,
    /// Always custom, even when a canned policy would do.
    Custom,
}

impl FromStr for PolicyMode {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "auto" => Ok(PolicyMode::Auto),
            "canned" => Ok(PolicyMode::Canned),
            "custom" => Ok(PolicyMode::Custom),
            _ => Err(format!(
                "unknown policy type {s:?}: use canned, custom or auto"
            )),
        }
    }
}

/// One IPv4 address or CIDR range for the `IpAddress` condition (`AWS:SourceIp`) \[R7\].
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
    pub fn canonical_form(input: &str) -> Option<String> {
        let s = input.trim();
        let (a, p) = s.split_once('/').unwrap_or((s, "32"));
        let p = p.trim_start_matches('0');
        let p = if p.is_empty() { "0" } else { p };
        format!("{a}/{p}")
            .parse::<SourceIp>()
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
    fn from_str(input: &str) -> Result<Self> {
        let err = |problem: &str| Error::IpAddress {
            input: input.into(),
            problem: problem.into(),
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

/// The `Condition` block: times in Unix seconds (UTC) \[R3\], \[R6\].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// `DateLessThan`: the request must arrive before this time (the expiry). Required.
    pub date_less_than: i64,
    /// `DateGreaterThan`: the request must arrive after this time (the start). Optional.
    pub date_greater_than: Option<i64>,
    /// `IpAddress` / `AWS:SourceIp`: the viewer's address must be in this range. Optional.
    pub ip_address: Option<SourceIp>,
}

impl Condition {
    /// A condition with only an expiry, as in a canned policy.
    pub fn expires(date_less_than: i64) -> Self {
        Condition {
            date_less_than,
            date_greater_than: None,
            ip_address: None,
        }
    }

    /// Checks the times: each in 0 to [`time::MAX_TIME`](crate::time::MAX_TIME) (see
    /// [`time::range_problem`](crate::time::range_problem)), the start before the expiry
    /// \[R6\].
    ///
    /// # Errors
    /// [`Error::Time`] for a time out of range, [`Error::TimeOrder`] for start ≥ expiry.
    pub fn validate(&self) -> Result<()> {
        for t in [Some(self.date_less_than), self.date_greater_than]
            .into_iter()
            .flatten()
        {
            if let Some(problem) = crate::time::range_problem(t) {
                return Err(Error::Time {
                    input: t.to_string(),
                    problem: problem.into(),
                });
            }
        }
        if let Some(start) = self.date_greater_than
            && start >= self.date_less_than
        {
            return Err(Error::TimeOrder {
                what: "the expiry (DateLessThan)".into(),
                value: self.date_less_than,
                value_utc: crate::time::format_utc(self.date_less_than),
                other_name: "the start time (DateGreaterThan)".into(),
                other: start,
                other_utc: crate::time::format_utc(start),
            });
        }
        Ok(())
    }

    /// [`validate`](Self::validate), plus what signing refuses on top: a start time one
    /// second before the expiry. Both bounds are strict, so such a policy leaves no whole
    /// second in which a request is valid. (A policy read for `verify` may hold it:
    /// CloudFront then answers AccessDenied at any time.)
    ///
    /// # Errors
    /// Those of [`validate`](Self::validate); [`Error::EmptyWindow`].
    pub fn validate_for_signing(&self) -> Result<()> {
        self.validate()?;
        if let Some(start) = self.date_greater_than
            && start + 1 == self.date_less_than
        {
            return Err(Error::EmptyWindow {
                start,
                start_utc: crate::time::format_utc(start),
                expiry: self.date_less_than,
                expiry_utc: crate::time::format_utc(self.date_less_than),
            });
        }
        Ok(())
    }

    /// Whether the condition needs a custom policy (a start time or an IP range).
    pub fn needs_custom(&self) -> bool {
        self.date_greater_than.is_some() || self.ip_address.is_some()
    }
}

/// One statement: the resource (a URL or a wildcard pattern) and its condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// `Resource`: the exact URL (canned), or a pattern with `*` and `?` (custom) \[R5\].
    /// `None` only for a custom policy read from a document without `Resource`, which the
    /// Developer Guide allows: such a policy covers every object of every distribution
    /// that trusts the key.
    pub resource: Option<String>,
    /// `Condition`.
    pub condition: Condition,
}

/// A CloudFront policy with its one statement. The field order is the output order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// The statement (CloudFront signed URLs and cookies take exactly one).
    pub statement: Statement,
}

impl Policy {
    /// A policy for `resource` under `condition`.
    pub fn new(resource: impl Into<String>, condition: Condition) -> Self {
        Policy {
            statement: Statement {
                resource: Some(resource.into()),
                condition,
            },
        }
    }

    /// A custom policy without `Resource`: it covers every object of every distribution
    /// that trusts the key (Developer Guide, *Create a signed URL using a custom policy*).
    pub fn without_resource(condition: Condition) -> Self {
        Policy {
            statement: Statement {
                resource: None,
                condition,
            },
        }
    }

    /// The canned policy for `url` expiring at `expires` (Unix seconds) \[R1\].
    pub fn canned(url: impl Into<String>, expires: i64) -> Self {
        Policy::new(url, Condition::expires(expires))
    }

    /// The resource; `None` for a policy without `Resource` (it covers everything).
    pub fn resource(&self) -> Option<&str> {
        self.statement.resource.as_deref()
    }

    /// The condition.
    pub fn condition(&self) -> &Condition {
        &self.statement.condition
    }

    /// The exact policy bytes: compact JSON, keys in the order CloudFront documents,
    /// conditions in the order `DateLessThan`, `DateGreaterThan`, `IpAddress` \[R1\], \[R3\].
    /// With only `DateLessThan` these are the canned-policy bytes.
    ///
    /// ```
    /// let p = cfsign::Policy::canned("https://example.com/a", 1257894000);
    /// assert_eq!(
    ///     p.to_json(),
    ///     r#"{"Statement":[{"Resource":"https://example.com/a","Condition":{"DateLessThan":{"AWS:EpochTime":1257894000}}}]}"#
    /// );
    /// ```
    pub fn to_json(&self) -> String {
        let c = &self.statement.condition;
        let resource = self.statement.resource.as_deref();
        let mut out = String::with_capacity(resource.map_or(0, str::len) + 160);
        out.push_str(r#"{"Statement":[{"#);
        if let Some(r) = resource {
            out.push_str(r#""Resource":"#);
            push_json_string(&mut out, r);
            out.push(',');
        }
        out.push_str(r#""Condition":{"DateLessThan":{"AWS:EpochTime":"#);
        out.push_str(&c.date_less_than.to_string());
        out.push('}');
        if let Some(start) = c.date_greater_than {
            out.push_str(r#","DateGreaterThan":{"AWS:EpochTime":"#);
            out.push_str(&start.to_string());
            out.push('}');
        }
        if let Some(ip) = c.ip_address {
            out.push_str(r#","IpAddress":{"AWS:SourceIp":""#);
            out.push_str(&ip.to_string());
            out.push_str("\"}");
        }
        out.push_str("}}]}");
        out
    }

    /// Reads a policy document and checks it the way CloudFront does: one statement, a
    /// `Resource` string, `DateLessThan` present, times as whole seconds, names spelled
    /// exactly, `AWS:SourceIp` a valid IPv4 range, start before expiry \[R3\], \[R6\], \[R7\].
    ///
    /// # Errors
    /// [`Error::Policy`] naming the first problem; [`Error::IpAddress`] or
    /// [`Error::TimeOrder`] for bad values.
    pub fn from_json(bytes: &[u8]) -> Result<Policy> {
        parse::policy(bytes)
    }

    /// Whether this policy's resource covers `url` (CloudFront's wildcard matching) \[R5\];
    /// a policy without `Resource` covers every URL.
    pub fn covers(&self, url: &str) -> bool {
        self.resource().is_none_or(|r| resource_matches(r, url))
    }
}

/// A policy document given by the user, signed byte for byte as written (whitespace and
/// line ends included), as the reference signers do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawPolicy {
    bytes: Vec<u8>,
    policy: Policy,
}

impl RawPolicy {
    /// Validates `bytes` with [`Policy::from_json`] and keeps them unchanged.
    ///
    /// # Errors
    /// As [`Policy::from_json`].
    pub fn new(bytes: Vec<u8>) -> Result<Self> {
        let policy = Policy::from_json(&bytes)?;
        Ok(RawPolicy { bytes, policy })
    }

    /// The bytes as given: these are what gets signed.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The parsed policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }
}

/// Writes `s` as a JSON string: only `"`, `\` and control characters are escaped; `/`,
/// `&`, `<`, `>` and non-ASCII stay as they are \[R1\].
fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Whether `s` holds a wildcard character (`*` or `?`).
pub fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?'])
}

/// Whether a policy resource is a pattern: something a canned policy cannot carry, since
/// CloudFront rebuilds a canned policy's resource from the URL the viewer requests \[R4\].
/// The one rule for URLs, cookies and the command line.
///
/// With the URL being signed known (`url` is `Some`), the resource is a pattern exactly
/// when it is not that URL: a URL may hold a `?` (its query) or a literal `*`, and a
/// resource equal to it signs canned. Without one (a cookie resource, or a resource
/// checked before any URL is read) a `*` makes it a pattern; a `?` alone does not, as it
/// also starts a query.
pub fn is_pattern(resource: &str, url: Option<&str>) -> bool {
    match url {
        Some(url) => resource != url,
        None => resource.contains('*'),
    }
}

/// Checks a policy resource pattern \[R5\].
///
/// The Developer Guide (*Create a signed URL using a custom policy*, "Values that you
/// specify in the policy statement", `Resource`): "The value must begin with `http://`,
/// `https://`, or `*`", and `*` (zero or more characters) or `?` (exactly one) may appear
/// "anywhere in the string". So `*game_download.zip*`, `*d111111abcdef8.cloudfront.net/*`,
/// `https://*.zip` and `https://d111111abcdef?.cloudfront.net/*` are all valid. A scheme
/// pattern that can only be `http` or `https` (`http*://`, as in the cross-checked vectors)
/// is accepted too. Refused: characters a URL may not hold \[R11\], a `#fragment`, and an
/// `http://` or `https://` value without a host.
///
/// # Errors
/// [`Error::Resource`] saying what is wrong.
pub fn check_resource(resource: &str) -> Result<()> {
    let err = |problem: String| Error::Resource {
        resource: resource.into(),
        problem,
    };
    if let Some((what, pos)) = crate::url::first_bad_char(resource) {
        return Err(err(format!("has {what} at byte {pos}")));
    }
    if resource.contains('#') {
        return Err(err("has a fragment (#)".into()));
    }
    if resource.starts_with('*') {
        return Ok(());
    }
    let rest = match resource.split_once("://") {
        Some(("http" | "https", rest)) => rest,
        Some((scheme, rest))
            if has_wildcard(scheme) && (glob(scheme, "https") || glob(scheme, "http")) =>
        {
            rest
        }
        Some((scheme, _)) if matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") => {
            return Err(err(format!(
                "has the scheme {scheme:?}; write it in lower case (URLs are matched character by character)"
            )));
        }
        Some((scheme, _)) if !has_wildcard(scheme) => {
            return Err(err(format!(
                "has the scheme {scheme:?}; CloudFront serves http and https"
            )));
        }
        _ => {
            return Err(err("does not begin with http://, https:// or *".into()));
        }
    };
    if rest.is_empty() || rest.starts_with('/') {
        return Err(err("has no host".into()));
    }
    Ok(())
}

/// CloudFront's wildcard matching of a policy resource against a URL \[R5\]: the whole
/// resource is matched against the whole URL as one string, `*` matching zero or more
/// characters and `?` exactly one, "anywhere in the string" (Developer Guide, *Create a
/// signed URL using a custom policy*, `Resource`). A `*` may cross from the host into the
/// path (`https://*/game_download.zip` matches `https://d1.net/a/game_download.zip`), and a
/// `*` in the URL itself is matched like any other character. Matching is
/// case-sensitive.
pub fn resource_matches(pattern: &str, url: &str) -> bool {
    glob(pattern, url)
}

/// Glob matching of `pattern` against all of `text`: `*` matches any run of characters
/// (including none, and including `*` itself), `?` exactly one character, anything else
/// itself. The standard two-pointer algorithm: on a mismatch it backtracks to the last
/// `*` and lets it take one more character, so it runs in O(len(pattern) x len(text)) at
/// worst, with no recursion.
fn glob(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0usize, 0usize);
    // The position of the last `*` seen, and the text position it was tried at.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == '?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

/// What a policy resource grants when it matches every URL, in words, or `None` when it
/// is bound to something narrower. `None` as the resource (a policy without `Resource`)
/// grants everything, as the Developer Guide says: "users can access all of the objects
/// associated with any distribution that is associated with the key pair". A pattern such
/// as `*`, `*://*` or `https://*` is judged by matching it against URLs of unrelated
/// hosts and paths.
pub fn grants_everything(resource: Option<&str>) -> Option<&'static str> {
    const HTTPS: [&str; 3] = [
        "https://a.example/",
        "https://d111111abcdef8.cloudfront.net/x/y.mp4?q=1",
        "https://[2001:db8::1]:8443/z",
    ];
    const HTTP: [&str; 3] = [
        "http://a.example/",
        "http://d111111abcdef8.cloudfront.net/x/y.mp4?q=1",
        "http://[2001:db8::1]:8080/z",
    ];
    let Some(r) = resource else {
        return Some("every object of every distribution that trusts this key (no Resource)");
    };
    let https = HTTPS.iter().all(|u| glob(r, u));
    let http = HTTP.iter().all(|u| glob(r, u));
    match (https, http) {
        (true, true) => Some("every object of every distribution that trusts this key"),
        (true, false) => Some("every https object of every distribution that trusts this key"),
        (false, true) => Some("every http object of every distribution that trusts this key"),
        (false, false) => None,
    }
}

/// Decides canned or custom for a resource and condition under `mode` \[R4\].
///
/// `is_pattern` says whether the resource is a pattern that differs from the URL the
/// viewer requests (a `--policy-resource` other than the URL, or a cookie resource
/// with `*`): a canned policy cannot carry one, since CloudFront rebuilds it from the URL.
///
/// # Errors
/// [`Error::CannedNotPossible`] when `mode` is [`PolicyMode::Canned`] and the request
/// needs a custom policy.
pub fn choose_type(
    is_pattern: bool,
    condition: &Condition,
    mode: PolicyMode,
) -> Result<PolicyType> {
    let mut reasons = Vec::new();
    if is_pattern {
        reasons.push("a wildcard resource");
    }
    if condition.date_greater_than.is_some() {
        reasons.push("a start time (DateGreaterThan)");
    }
    if condition.ip_address.is_some() {
        reasons.push("an IP range (IpAddress)");
    }
    match mode {
        PolicyMode::Custom => Ok(PolicyType::Custom),
        PolicyMode::Auto if reasons.is_empty() => Ok(PolicyType::Canned),
        PolicyMode::Auto => Ok(PolicyType::Custom),
        PolicyMode::Canned if reasons.is_empty() => Ok(PolicyType::Canned),
        PolicyMode::Canned => Err(Error::CannedNotPossible {
            reason: reasons.join(", "),
        }),
    }
}

mod parse {
    //! Strict reading of policy documents, used for policy files and for verification.
    use super::{Condition, Policy, SourceIp};
    use crate::error::{Error, Result};
    use serde_json::{Map, Value};

    /// Walks a JSON document and fails on an object that holds the same name twice.
    struct NoDuplicateNames;

    impl<'de> serde::Deserialize<'de> for NoDuplicateNames {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
            d.deserialize_any(NoDuplicateNames)
        }
    }

    impl<'de> serde::de::Visitor<'de> for NoDuplicateNames {
        type Value = NoDuplicateNames;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON value")
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> std::result::Result<Self, A::Error> {
            let mut seen = std::collections::HashSet::new();
            while let Some(name) = map.next_key::<String>()? {
                if !seen.insert(name.clone()) {
                    return Err(serde::de::Error::custom(format!(
                        "has the name {name:?} twice in one object; CloudFront may read either value"
                    )));
                }
                map.next_value::<NoDuplicateNames>()?;
            }
            Ok(self)
        }

        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> std::result::Result<Self, A::Error> {
            while seq.next_element::<NoDuplicateNames>()?.is_some() {}
            Ok(self)
        }

        fn visit_bool<E>(self, _: bool) -> std::result::Result<Self, E> {
            Ok(self)
        }
        fn visit_i64<E>(self, _: i64) -> std::result::Result<Self, E> {
            Ok(self)
        }
        fn visit_u64<E>(self, _: u64) -> std::result::Result<Self, E> {
            Ok(self)
        }
        fn visit_f64<E>(self, _: f64) -> std::result::Result<Self, E> {
            Ok(self)
        }
        fn visit_str<E>(self, _: &str) -> std::result::Result<Self, E> {
            Ok(self)
        }
        fn visit_unit<E>(self) -> std::result::Result<Self, E> {
            Ok(self)
        }
    }

    fn bad(problem: impl Into<String>) -> Error {
        Error::Policy {
            problem: problem.into(),
        }
    }

    fn only_keys(obj: &Map<String, Value>, allowed: &[&str], place: &str) -> Result<()> {
        for key in obj.keys() {
            if !allowed.contains(&key.as_str()) {
                let near = allowed.iter().find(|a| a.eq_ignore_ascii_case(key));
                return Err(bad(match near {
                    Some(right) => format!("{place} has {key:?}; the name is spelled {right:?}"),
                    None => format!(
                        "{place} has {key:?}, which CloudFront does not know (allowed: {})",
                        allowed.join(", ")
                    ),
                }));
            }
        }
        Ok(())
    }

    fn epoch(cond: &Map<String, Value>, name: &str) -> Result<Option<i64>> {
        let Some(v) = cond.get(name) else {
            return Ok(None);
        };
        let obj = v.as_object().ok_or_else(|| {
            bad(format!(
                "{name} must be an object {{\"AWS:EpochTime\": <seconds>}}"
            ))
        })?;
        only_keys(obj, &["AWS:EpochTime"], name)?;
        let t = obj
            .get("AWS:EpochTime")
            .ok_or_else(|| bad(format!("{name} has no \"AWS:EpochTime\"")))?;
        let Some(n) = t.as_i64() else {
            return Err(bad(format!(
                "{name} AWS:EpochTime {t} is not a whole number of seconds"
            )));
        };
        if let Some(problem) = crate::time::range_problem(n) {
            return Err(bad(format!("{name} AWS:EpochTime {n} {problem}")));
        }
        Ok(Some(n))
    }

    pub(super) fn policy(bytes: &[u8]) -> Result<Policy> {
        if bytes.starts_with(b"\xef\xbb\xbf") {
            return Err(bad(
                "starts with a UTF-8 byte-order mark, which would be signed as part of the policy; save the file without it (UTF-8 without BOM)",
            ));
        }
        let text = std::str::from_utf8(bytes).map_err(|_| bad("is not UTF-8 text"))?;
        let root: Value =
            serde_json::from_str(text).map_err(|e| bad(format!("is not valid JSON: {e}")))?;
        // serde_json keeps the last of two equal names; CloudFront may read the first, so
        // a document with duplicates would be checked against other values than it uses.
        serde_json::from_str::<NoDuplicateNames>(text).map_err(|e| bad(format!("{e}")))?;
        let root = root
            .as_object()
            .ok_or_else(|| bad("is not a JSON object"))?;
        only_keys(root, &["Statement"], "the policy")?;
        let statements = root
            .get("Statement")
            .ok_or_else(|| bad("has no \"Statement\""))?
            .as_array()
            .ok_or_else(|| bad("\"Statement\" must be an array"))?;
        let [statement] = statements.as_slice() else {
            return Err(bad(format!(
                "has {} statements; CloudFront takes exactly one",
                statements.len()
            )));
        };
        let statement = statement
            .as_object()
            .ok_or_else(|| bad("the statement is not an object"))?;
        only_keys(statement, &["Resource", "Condition"], "the statement")?;
        // `Resource` is optional: without it the policy covers every object of every
        // distribution that trusts the key (Developer Guide, custom policy values).
        let resource = statement
            .get("Resource")
            .map(|r| {
                r.as_str()
                    .ok_or_else(|| bad("\"Resource\" must be a string"))
            })
            .transpose()?;
        let cond = statement
            .get("Condition")
            .ok_or_else(|| bad("the statement has no \"Condition\""))?
            .as_object()
            .ok_or_else(|| bad("\"Condition\" must be an object"))?;
        only_keys(
            cond,
            &["DateLessThan", "DateGreaterThan", "IpAddress"],
            "Condition",
        )?;
        let date_less_than = epoch(cond, "DateLessThan")?
            .ok_or_else(|| bad("Condition has no \"DateLessThan\" (required)"))?;
        let date_greater_than = epoch(cond, "DateGreaterThan")?;
        let ip_address = match cond.get("IpAddress") {
            None => None,
            Some(v) => {
                let obj = v.as_object().ok_or_else(|| {
                    bad("IpAddress must be an object {\"AWS:SourceIp\": \"a.b.c.d/n\"}")
                })?;
                only_keys(obj, &["AWS:SourceIp"], "IpAddress")?;
                let ip = obj
                    .get("AWS:SourceIp")
                    .and_then(Value::as_str)
                    .ok_or_else(|| bad("IpAddress needs \"AWS:SourceIp\" as a string"))?;
                Some(ip.parse::<SourceIp>()?)
            }
        };
        if let Some(r) = resource {
            super::check_resource(r)?;
        }
        let condition = Condition {
            date_less_than,
            date_greater_than,
            ip_address,
        };
        condition.validate()?;
        Ok(match resource {
            Some(r) => Policy::new(r, condition),
            None => Policy::without_resource(condition),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const R: &str = "https://d111111abcdef8.cloudfront.net/videos/*";

    #[test]
    fn go_sdk_canned_vector() {
        assert_eq!(
            Policy::canned("https://example.com/a", 1_257_894_000).to_json(),
            r#"{"Statement":[{"Resource":"https://example.com/a","Condition":{"DateLessThan":{"AWS:EpochTime":1257894000}}}]}"#
        );
    }

    #[test]
    fn custom_condition_order_and_no_escaping() {
        let p = Policy::new(
            "https://x.net/a?b=1&c=<d>",
            Condition {
                date_less_than: 20,
                date_greater_than: Some(10),
                ip_address: Some("192.0.2.10".parse().unwrap()),
            },
        );
        assert_eq!(
            p.to_json(),
            r#"{"Statement":[{"Resource":"https://x.net/a?b=1&c=<d>","Condition":{"DateLessThan":{"AWS:EpochTime":20},"DateGreaterThan":{"AWS:EpochTime":10},"IpAddress":{"AWS:SourceIp":"192.0.2.10/32"}}}]}"#
        );
        let only_ip = Policy::new(
            R,
            Condition {
                date_less_than: 20,
                date_greater_than: None,
                ip_address: Some("192.0.2.0/24".parse().unwrap()),
            },
        );
        assert_eq!(
            only_ip.to_json(),
            r#"{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/videos/*","Condition":{"DateLessThan":{"AWS:EpochTime":20},"IpAddress":{"AWS:SourceIp":"192.0.2.0/24"}}}]}"#
        );
    }

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

    #[test]
    fn wildcard_matching() {
        assert!(resource_matches(
            R,
            "https://d111111abcdef8.cloudfront.net/videos/a.mp4"
        ));
        assert!(resource_matches(
            R,
            "https://d111111abcdef8.cloudfront.net/videos/a.mp4?quality=hd"
        ));
        assert!(!resource_matches(
            R,
            "https://d111111abcdef8.cloudfront.net/images/a.jpg"
        ));
        assert!(!resource_matches(
            R,
            "http://d111111abcdef8.cloudfront.net/videos/a.mp4"
        ));
        assert!(resource_matches(
            "http*://d111111abcdef8.cloudfront.net/a/*",
            "http://d111111abcdef8.cloudfront.net/a/b.jpg"
        ));
        assert!(resource_matches("*://d1.net/a", "https://d1.net/a"));
        assert!(resource_matches("*", "https://anything/at/all"));
        assert!(resource_matches(
            "https://d111111abcdef8.cloudfront.net/images/*.jpg?size=*",
            "https://d111111abcdef8.cloudfront.net/images/photo.jpg?size=large"
        ));
        assert!(resource_matches(
            "https://*.cloudfront.net/a",
            "https://d1.cloudfront.net/a"
        ));
        assert!(resource_matches(
            "https://d1.net/?.jpg",
            "https://d1.net/a.jpg"
        ));
        assert!(!resource_matches(
            "https://d1.net/?.jpg",
            "https://d1.net/ab.jpg"
        ));
        assert!(!resource_matches("https://d1.net/a", "https://d1.net/a/b"));
        assert!(!resource_matches("https://d1.net/a/b", "https://d1.net/a"));
    }

    /// Regression: a `*` in the URL at the place of a pattern `*` was taken as a literal
    /// match and never backtracked, so `videos/*` refused `videos/*intro.mp4` and verify
    /// answered 403 for the reference signers' URL.
    #[test]
    fn literal_star_in_url_defeated_the_wildcard() {
        for (pattern, url) in [
            (
                "https://d111111abcdef8.cloudfront.net/videos/*",
                "https://d111111abcdef8.cloudfront.net/videos/*intro.mp4",
            ),
            ("https://d1.net/a*", "https://d1.net/a*b.mp4"),
            ("https://d1.net/a*b.mp4", "https://d1.net/a*b.mp4"),
            ("https://d1.net/s?filter=*", "https://d1.net/s?filter=*x*"),
            ("https://d1.net/*x", "https://d1.net/*x*x"),
        ] {
            assert!(resource_matches(pattern, url), "{pattern} {url}");
        }
        assert!(!resource_matches("https://d1.net/*x", "https://d1.net/*x*"));
    }

    /// Regression: matching stopped at the scheme/host/path boundaries, so the Guide's
    /// resources with a wildcard "anywhere in the string" were refused or never matched.
    #[test]
    fn guide_resources_are_matched_as_one_string() {
        for (pattern, url) in [
            (
                "*game_download.zip*",
                "https://d111111abcdef8.cloudfront.net/game_download.zip",
            ),
            (
                "*game_download.zip*",
                "http://d1.net/a/example_game_download.zip?license=yes",
            ),
            (
                "*d111111abcdef8.cloudfront.net/*",
                "https://d111111abcdef8.cloudfront.net/a/b.mp4",
            ),
            (
                "https://*.zip",
                "https://d111111abcdef8.cloudfront.net/files/game.zip",
            ),
            (
                "https://*/game_download.zip",
                "https://d111111abcdef8.cloudfront.net/game_download.zip",
            ),
            (
                "https://*/game_download.zip",
                "https://d1.net/deep/path/game_download.zip",
            ),
            (
                "https://d111111abcdef?.cloudfront.net/*",
                "https://d111111abcdef8.cloudfront.net/x",
            ),
            ("https://*.net/a", "https://x.net/b/x.net/a"),
            (
                "http://d111111abcdef8.cloudfront.net/*game_download.zip*",
                "http://d111111abcdef8.cloudfront.net/test_game_download.zip?license=temp",
            ),
        ] {
            assert!(check_resource(pattern).is_ok(), "{pattern}");
            assert!(resource_matches(pattern, url), "{pattern} {url}");
        }
        for (pattern, url) in [
            ("*game_download.zip*", "https://d1.net/game_download.tar"),
            ("https://*.zip", "http://d1.net/game.zip"),
            ("https://*.zip", "https://d1.net/game.zip?v=1"),
            (
                "https://d111111abcdef?.cloudfront.net/*",
                "https://d111111abcdef.cloudfront.net/x",
            ),
        ] {
            assert!(!resource_matches(pattern, url), "{pattern} {url}");
        }
    }

    /// The reference: a direct recursive reading of "`*` is any run, `?` one character".
    fn brute_force(pattern: &[char], text: &[char]) -> bool {
        match pattern.split_first() {
            None => text.is_empty(),
            Some(('*', rest)) => (0..=text.len()).any(|i| brute_force(rest, &text[i..])),
            Some((&c, rest)) => match text.split_first() {
                Some((&t, text_rest)) => (c == '?' || c == t) && brute_force(rest, text_rest),
                None => false,
            },
        }
    }

    proptest::proptest! {
        /// The two-pointer glob agrees with the brute-force reference on patterns and
        /// texts over a small alphabet that includes `*` and `?` on both sides.
        #[test]
        fn glob_agrees_with_brute_force(
            pattern in "[ab*?/.]{0,10}",
            text in "[ab*?/.é]{0,12}",
        ) {
            let p: Vec<char> = pattern.chars().collect();
            let t: Vec<char> = text.chars().collect();
            proptest::prop_assert_eq!(glob(&pattern, &text), brute_force(&p, &t));
            proptest::prop_assert_eq!(resource_matches(&pattern, &text), glob(&pattern, &text));
        }
    }

    /// Regression: resources that match every URL were signed silently.
    #[test]
    fn resources_that_grant_everything_are_named() {
        for r in ["*", "**", "*://*", "https://*", "http*://*", "*/*"] {
            assert!(grants_everything(Some(r)).is_some(), "{r}");
        }
        assert!(grants_everything(None).unwrap().contains("no Resource"));
        assert!(
            grants_everything(Some("https://*"))
                .unwrap()
                .contains("https")
        );
        for r in [
            "https://d1.net/*",
            "*game_download.zip*",
            "https://*/game_download.zip",
            "*d111111abcdef8.cloudfront.net/*",
        ] {
            assert_eq!(grants_everything(Some(r)), None, "{r}");
        }
    }

    /// Regression: a policy document without `Resource` was refused, though the Guide
    /// makes it optional (the policy then covers everything).
    #[test]
    fn policy_without_resource_is_read_and_written() {
        let doc = r#"{"Statement":[{"Condition":{"DateLessThan":{"AWS:EpochTime":1767290400}}}]}"#;
        let p = Policy::from_json(doc.as_bytes()).unwrap();
        assert_eq!(p.resource(), None);
        assert!(p.covers("https://any.example/thing"));
        assert_eq!(p.to_json(), doc);
        assert_eq!(
            p,
            Policy::without_resource(Condition::expires(1_767_290_400))
        );
    }

    #[test]
    fn choose() {
        let c = Condition::expires(5);
        assert_eq!(
            choose_type(false, &c, PolicyMode::Auto).unwrap(),
            PolicyType::Canned
        );
        assert_eq!(
            choose_type(true, &c, PolicyMode::Auto).unwrap(),
            PolicyType::Custom
        );
        assert_eq!(
            choose_type(false, &c, PolicyMode::Custom).unwrap(),
            PolicyType::Custom
        );
        let e = choose_type(true, &c, PolicyMode::Canned).unwrap_err();
        assert!(e.to_string().contains("wildcard"), "{e}");
    }

    #[test]
    fn parse_policy_files() {
        let p = Policy::from_json(
            br#"{ "Statement": [ { "Resource": "https://d1.net/*", "Condition": { "IpAddress": {"AWS:SourceIp": "192.0.2.0/24"}, "DateLessThan": {"AWS:EpochTime": 1767290400} } } ] }"#,
        )
        .unwrap();
        assert_eq!(p.resource(), Some("https://d1.net/*"));
        assert_eq!(p.condition().date_less_than, 1_767_290_400);
        assert_eq!(
            p.condition().ip_address.unwrap().to_string(),
            "192.0.2.0/24"
        );
        for (doc, needle) in [
            (
                r#"{"Statement":[{"Resource":"https://d1.net/a","Condition":{"DateLessThan":{"AWS:EpochTime":1767290400000}}}]}"#,
                "milliseconds",
            ),
            (
                r#"{"Statement":[{"Resource":"https://d1.net/a","Condition":{"DateLessthan":{"AWS:EpochTime":1}}}]}"#,
                "spelled \"DateLessThan\"",
            ),
            (
                r#"{"Statement":[{"Resource":"https://d1.net/a","Condition":{"DateLessThan":{"AWS:EpochTime":1.5}}}]}"#,
                "whole number",
            ),
            (
                r#"{"Statement":[{"Resource":"https://d1.net/a","Condition":{"DateGreaterThan":{"AWS:EpochTime":1}}}]}"#,
                "DateLessThan",
            ),
            (r#"{"Statement":[]}"#, "0 statements"),
            (
                r#"{"Statement":[{"Resource":"https://d1.net/a","Condition":{"DateLessThan":{"AWS:EpochTime":"1"}}}]}"#,
                "whole number",
            ),
            (
                r#"{"Statement":[{"Resource":"ftp://d1.net/a","Condition":{"DateLessThan":{"AWS:EpochTime":1}}}]}"#,
                "scheme",
            ),
            ("{", "valid JSON"),
        ] {
            let e = Policy::from_json(doc.as_bytes()).unwrap_err().to_string();
            assert!(e.contains(needle), "{doc}: {e}");
        }
    }

    /// Regression: a policy file saved with a byte-order mark was "not valid JSON: expected
    /// value at line 1 column 1", which did not say why.
    #[test]
    fn policy_with_byte_order_mark_says_so() {
        let doc = "\u{feff}{\"Statement\":[]}";
        let e = Policy::from_json(doc.as_bytes()).unwrap_err().to_string();
        assert!(e.contains("byte-order mark"), "{e}");
    }

    /// Regression: a policy with two "Resource" (or two "DateLessThan") names was accepted
    /// with the last value, while CloudFront may use the first.
    #[test]
    fn policy_with_duplicate_names_is_refused() {
        for doc in [
            r#"{"Statement":[{"Resource":"https://d1.net/w/*","Resource":"https://d1.net/v/*","Condition":{"DateLessThan":{"AWS:EpochTime":1767290400}}}]}"#,
            r#"{"Statement":[{"Resource":"https://d1.net/v/*","Condition":{"DateLessThan":{"AWS:EpochTime":1000},"DateLessThan":{"AWS:EpochTime":1900000000}}}]}"#,
        ] {
            let e = Policy::from_json(doc.as_bytes()).unwrap_err().to_string();
            assert!(e.contains("twice in one object"), "{e}");
        }
    }

    /// Regression: signing accepted a 16-digit expiry (`--expires-in 15250284452w`) that
    /// `verify` then refused; one range now holds for signing and reading.
    #[test]
    fn times_after_year_9999_are_refused_everywhere() {
        let c = Condition::expires(9_223_373_832_526_965);
        assert!(
            c.validate()
                .unwrap_err()
                .to_string()
                .contains("after 9999-12-31")
        );
        let ms = Condition::expires(1_767_290_400_000);
        assert!(
            ms.validate()
                .unwrap_err()
                .to_string()
                .contains("milliseconds")
        );
        let doc = r#"{"Statement":[{"Resource":"https://d1.net/a","Condition":{"DateLessThan":{"AWS:EpochTime":9223372036854775807}}}]}"#;
        let e = Policy::from_json(doc.as_bytes()).unwrap_err().to_string();
        assert!(e.contains("after 9999-12-31"), "{e}");
        assert!(Condition::expires(crate::time::MAX_TIME).validate().is_ok());
    }

    /// Regression: a 12-digit expiry (9999-12-31T23:59:59Z, 253402300799) in a policy
    /// was refused as milliseconds, so cfsign could not read back what it signs.
    #[test]
    fn policy_with_year_9999_expiry_is_not_milliseconds() {
        let p = Policy::canned("https://d1.net/a", 253_402_300_799);
        assert_eq!(Policy::from_json(p.to_json().as_bytes()).unwrap(), p);
    }

    #[test]
    fn resource_checks() {
        assert!(check_resource("https://d1.net/*").is_ok());
        assert!(check_resource("http*://d1.net/*").is_ok());
        assert!(check_resource("*://d1.net/*").is_ok());
        assert!(check_resource("*").is_ok());
        assert!(check_resource("https://*").is_ok());
        for (bad, needle) in [
            ("ftp://d1.net/*", "scheme \"ftp\""),
            ("d1.net/*", "begin with http://, https:// or *"),
            ("/videos/*", "begin with"),
            ("HTTPS://d1.net/*", "lower case"),
            ("https:///a", "no host"),
            ("https://", "no host"),
            ("https://d1.net/a b", "raw space"),
            ("https://d1.net/a#b", "fragment"),
        ] {
            let e = check_resource(bad).unwrap_err().to_string();
            assert!(e.contains(needle), "{bad}: {e}");
        }
    }
}
