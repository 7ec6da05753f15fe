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

impl FromStr for SourceIp {
    type Err = Error;
    fn from_str(input: &str) -> Result<Self> {
        let err = |problem: &str| Error::IpAddress {
            input: input.into(),
            problem: problem.into(),
        };
        let s = input.trim();
        if s.contains(':') {
            return Err(err("is IPv6, which CloudFront policies do not support"));
        }
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => {
                if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 2 {
                    return Err(err("has a prefix that is not a number from 0 to 32"));
                }
                let n: u8 = p.parse().map_err(|_| err("has a bad prefix"))?;
                if n > 32 {
                    return Err(err("has a prefix over /32"));
                }
                (a, n)
            }
            None => (s, 32),
        };
        let addr: Ipv4Addr = addr
            .parse()
            .map_err(|_| err("is not an IPv4 address (four numbers 0-255, like 192.0.2.10)"))?;
        Ok(SourceIp { addr, prefix })
    }
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

    /// Whether the condition needs a custom policy (a start time or an IP range).
    pub fn needs_custom(&self) -> bool {
        self.date_greater_than.is_some() || self.ip_address.is_some()
    }
}

/// One statement: the resource (a URL or a wildcard pattern) and its condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// `Resource`: the exact URL (canned), or a pattern with `*` and `?` (custom) \[R5\].
    pub resource: String,
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
                resource: resource.into(),
                condition,
            },
        }
    }

    /// The canned policy for `url` expiring at `expires` (Unix seconds) \[R1\].
    pub fn canned(url: impl Into<String>, expires: i64) -> Self {
        Policy::new(url, Condition::expires(expires))
    }

    /// The resource.
    pub fn resource(&self) -> &str {
        &self.statement.resource
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
        let mut out = String::with_capacity(self.statement.resource.len() + 160);
        out.push_str(r#"{"Statement":[{"Resource":"#);
        push_json_string(&mut out, &self.statement.resource);
        out.push_str(r#","Condition":{"DateLessThan":{"AWS:EpochTime":"#);
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

    /// Whether this policy's resource covers `url` (CloudFront's wildcard matching) \[R5\].
    pub fn covers(&self, url: &str) -> bool {
        resource_matches(&self.statement.resource, url)
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

/// Checks a policy resource pattern \[R5\]: `*`, or a scheme of `http`, `https` or one
/// with `*` in it (`*`, `http*`), followed by `://` and a host; no characters a URL may
/// not hold \[R11\].
///
/// # Errors
/// [`Error::Resource`] saying what is wrong.
pub fn check_resource(resource: &str) -> Result<()> {
    let err = |problem: String| Error::Resource {
        resource: resource.into(),
        problem,
    };
    if resource == "*" {
        return Ok(());
    }
    if let Some((what, pos)) = crate::url::first_bad_char(resource) {
        return Err(err(format!("has {what} at byte {pos}")));
    }
    if resource.contains('#') {
        return Err(err("has a fragment (#)".into()));
    }
    let Some((scheme, rest)) = resource.split_once("://") else {
        return Err(err("does not start with http://, https:// or *://".into()));
    };
    let scheme_ok = matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https")
        || (scheme.contains('*')
            && (glob(scheme.as_bytes(), b"https") || glob(scheme.as_bytes(), b"http")));
    if !scheme_ok {
        return Err(err(format!(
            "has the scheme {scheme:?}; CloudFront serves http and https"
        )));
    }
    if rest.is_empty() || rest.starts_with('/') {
        return Err(err("has no host".into()));
    }
    Ok(())
}

/// CloudFront's wildcard matching of a policy resource against a URL \[R5\]: `*` matches
/// zero or more characters and `?` exactly one, within a section. The sections are the
/// scheme, the host (with port) and the rest (path and query). A pattern of `*` alone
/// matches every URL; a `*` at the end of the host section also matches any rest.
pub fn resource_matches(pattern: &str, url: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let (Some((p_scheme, p_rest)), Some((u_scheme, u_rest))) =
        (pattern.split_once("://"), url.split_once("://"))
    else {
        return pattern == url;
    };
    if !glob(p_scheme.as_bytes(), u_scheme.as_bytes()) {
        return false;
    }
    let (p_host, p_tail) = split_host(p_rest);
    let (u_host, u_tail) = split_host(u_rest);
    if p_tail.is_empty() && p_host.ends_with('*') {
        // `https://*` or `https://d111.cloudfront.net*`: the host's trailing star also
        // covers everything after it.
        return glob(p_host.as_bytes(), u_host.as_bytes()) || {
            let joined = format!("{u_host}{u_tail}");
            glob(p_host.as_bytes(), joined.as_bytes())
        };
    }
    glob(p_host.as_bytes(), u_host.as_bytes()) && glob(p_tail.as_bytes(), u_tail.as_bytes())
}

fn split_host(rest: &str) -> (&str, &str) {
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    rest.split_at(end)
}

/// Glob matching with `*` (any run) and `?` (one byte), iterative with backtracking to
/// the last star: linear in practice, no recursion.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == b'?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&b| b == b'*')
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
        let resource = statement
            .get("Resource")
            .ok_or_else(|| bad("the statement has no \"Resource\""))?
            .as_str()
            .ok_or_else(|| bad("\"Resource\" must be a string"))?;
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
        if resource != "*" {
            super::check_resource(resource)?;
        }
        let condition = Condition {
            date_less_than,
            date_greater_than,
            ip_address,
        };
        condition.validate()?;
        Ok(Policy::new(resource, condition))
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
            ("192.0.2.0/2a", "prefix"),
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
    fn wildcard_matching_is_section_bounded() {
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
        // a host star does not reach into the path
        assert!(!resource_matches(
            "https://*.net/a",
            "https://x.net/b/x.net/a"
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
        assert_eq!(p.resource(), "https://d1.net/*");
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
        assert!(check_resource("ftp://d1.net/*").is_err());
        assert!(check_resource("d1.net/*").is_err());
        assert!(check_resource("https://d1.net/a b").is_err());
    }
}
