//! Canned or custom: [`PolicyType`], [`PolicyMode`] and [`choose_type`] [\[R4\]](crate::rules#r4).

use std::fmt;
use std::str::FromStr;

use super::Condition;
use crate::error::{Error, Result};

/// The two kinds of CloudFront policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyType {
    /// Canned: only `Resource` (the exact URL) and `DateLessThan`; CloudFront rebuilds it
    /// from the request, so the URL carries `Expires` instead of the policy [\[R1\]](crate::rules#r1), [\[R2\]](crate::rules#r2).
    Canned,
    /// Custom: sent base64-encoded in `Policy=`; may hold a wildcard resource,
    /// `DateGreaterThan` and `IpAddress` [\[R3\]](crate::rules#r3).
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
    /// Custom exactly when [\[R4\]](crate::rules#r4) requires it (a wildcard resource, a start time or an IP
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

/// Decides canned or custom for a resource and condition under `mode` [\[R4\]](crate::rules#r4).
///
/// `is_pattern` says whether the resource is a pattern that differs from the URL the
/// viewer requests ([`is_pattern`](super::is_pattern): a resource other than the URL
/// being signed, or a cookie resource with `*`): a canned policy cannot carry one, since
/// CloudFront rebuilds it from the URL.
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
