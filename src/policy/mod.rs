//! CloudFront policies: [`Policy`], [`Statement`], [`Condition`], [`SourceIp`], and the
//! exact JSON bytes that get signed [\[R1\]](crate::rules#r1), [\[R3\]](crate::rules#r3).
//!
//! Policies are typed structs written out by hand in a fixed key order, never through a
//! JSON map (maps sort keys) and never with HTML-safe escaping: CloudFront rebuilds the
//! canned policy from the request and compares bytes, so one byte off means 403.
//!
//! One concept per file: this file holds the policy types and their exact bytes;
//! `source_ip` the `IpAddress` range; `parse` strict reading of policy documents;
//! `pattern` the resource rules (is it a pattern, is it a valid one, what it matches, what
//! it grants); `choose` canned or custom.

mod choose;
mod parse;
mod pattern;
mod source_ip;

pub use choose::{PolicyMode, PolicyType, choose_type};
pub(crate) use pattern::grants_everything;
pub use pattern::{check_resource, is_pattern, resource_matches};
pub use source_ip::SourceIp;

use std::time::{Duration, SystemTime};

use crate::error::{Error, Result};

/// The `Condition` block: times in Unix seconds (UTC) [\[R3\]](crate::rules#r3), [\[R6\]](crate::rules#r6).
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

    /// A condition with only an expiry at `t` (a fraction of a second is dropped).
    ///
    /// # Errors
    /// [`Error::Time`] for `t` before 1970 or after year 9999
    /// ([`time::unix_seconds`](crate::time::unix_seconds)).
    pub fn expires_at(t: SystemTime) -> Result<Self> {
        Ok(Condition::expires(crate::time::unix_seconds(t)?))
    }

    /// A condition with only an expiry, `duration` after `now`.
    ///
    /// # Errors
    /// [`Error::Time`] as [`time::unix_seconds_after`](crate::time::unix_seconds_after).
    pub fn expires_in(duration: Duration, now: SystemTime) -> Result<Self> {
        Ok(Condition::expires(crate::time::unix_seconds_after(
            now, duration,
        )?))
    }

    /// This condition with the start time (`DateGreaterThan`) at `t`: requests are valid
    /// only after it [\[R3\]](crate::rules#r3).
    ///
    /// # Errors
    /// [`Error::Time`] for `t` before 1970 or after year 9999
    /// ([`time::unix_seconds`](crate::time::unix_seconds)).
    pub fn starting_at(mut self, t: SystemTime) -> Result<Self> {
        self.date_greater_than = Some(crate::time::unix_seconds(t)?);
        Ok(self)
    }

    /// Checks the times: each in 0 to [`time::MAX_TIME`](crate::time::MAX_TIME) (see
    /// [`time::range_problem`](crate::time::range_problem)), the start before the expiry
    /// [\[R6\]](crate::rules#r6).
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
    /// `Resource`: the exact URL (canned), or a pattern with `*` and `?` (custom) [\[R5\]](crate::rules#r5).
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

    /// The canned policy for `url` expiring at `expires` (Unix seconds) [\[R1\]](crate::rules#r1).
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
    /// conditions in the order `DateLessThan`, `DateGreaterThan`, `IpAddress` [\[R1\]](crate::rules#r1), [\[R3\]](crate::rules#r3).
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
    /// exactly, `AWS:SourceIp` a valid IPv4 range, start before expiry [\[R3\]](crate::rules#r3), [\[R6\]](crate::rules#r6), [\[R7\]](crate::rules#r7).
    ///
    /// # Errors
    /// [`Error::Policy`] naming the first problem; [`Error::IpAddress`] or
    /// [`Error::TimeOrder`] for bad values.
    pub fn from_json(bytes: &[u8]) -> Result<Policy> {
        parse::policy(bytes)
    }

    /// Whether this policy's resource covers `url` (CloudFront's wildcard matching) [\[R5\]](crate::rules#r5);
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
/// `&`, `<`, `>` and non-ASCII stay as they are [\[R1\]](crate::rules#r1).
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
}
