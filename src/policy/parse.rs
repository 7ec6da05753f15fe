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
#[cfg(test)]
mod tests {
    use crate::policy::Policy;

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
}
