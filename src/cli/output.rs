//! What the CLI writes for untrusted text and machine output: terminal sanitising and the
//! documented JSON objects (`schema_version` 1, described in
//! `schema/cfsign-output.schema.json`) of `sign`, `verify`, `inspect` and
//! `cookies --format json`. The library's result types carry the values; their JSON
//! schema lives here.

use cfsign::inspect::Inspection;
use cfsign::policy::{Condition, Policy, PolicyType};
use cfsign::time::{describe_relative, format_utc};
use cfsign::verify::{Verdict, Verification};
use cfsign::{SignedCookies, SignedUrl};
use serde_json::{Value, json};

use super::hints;

/// The `verify --format json` object: `verdict` (`serve` or `refuse`), `http_status` (200
/// or 403), `error_code` (CloudFront's code or `null`), `reason` (a stable id such as
/// `expired` or `signature_mismatch_query_changed`), `message`, `hint`, `signed_url` (the
/// URL that was actually signed, when a diagnosis found it), `url`, `key_pair_id`,
/// `policy_type`, `policy`, `resource`, `expires`, `expires_utc`, `date_greater_than`,
/// `ip_address`, `hash_algorithm`, `key_algorithm`, `notes`. Absent values are `null`;
/// times are Unix seconds.
pub fn verification_json(v: &Verification) -> Value {
    let (code, id, message, hint, signed_url) = match &v.verdict {
        Verdict::Serve => (None, None, None, None, None),
        Verdict::Refuse(r) => (
            Some(r.code().as_str()),
            Some(r.id()),
            Some(r.to_string()),
            Some(hints::reason_fix(r)),
            r.signed_url(),
        ),
    };
    let p = v.parsed_policy.as_ref();
    let c = p.map(Policy::condition);
    let notes: Vec<String> = v.notes.iter().map(hints::verify_note).collect();
    json!({
        "schema_version": 1,
        "verdict": if v.serves() { "serve" } else { "refuse" },
        "http_status": if v.serves() { 200 } else { 403 },
        "error_code": code,
        "reason": id,
        "message": message,
        "hint": hint,
        "signed_url": signed_url,
        "url": v.url,
        "key_pair_id": v.key_pair_id,
        "policy_type": v.policy_type.map(PolicyType::as_str),
        "policy": v.policy,
        "resource": p.and_then(Policy::resource),
        "expires": c.map(|c| c.date_less_than),
        "expires_utc": c.map(|c| format_utc(c.date_less_than)),
        "date_greater_than": c.and_then(|c| c.date_greater_than),
        "ip_address": c.and_then(|c| c.ip_address).map(|ip| ip.to_string()),
        "hash_algorithm": v.hash_algorithm.as_str(),
        "key_algorithm": v.key_algorithm.map(|a| a.as_str()),
        "notes": notes,
    })
}

/// The `inspect --format json` object: `base_url`, `policy_type`, `policy`, `resource`,
/// `expires` / `expires_utc` / `expires_relative`, `date_greater_than` (+ `_utc`,
/// `_relative`), `ip_address`, `key_pair_id`, `hash_algorithm` (`SHA1` when absent),
/// `signature_length`, `signature_algorithm`, `problems`. Absent values are `null`. Times
/// are relative to `now` (Unix seconds).
pub fn inspection_json(i: &Inspection, now: i64) -> Value {
    let time = |t: Option<i64>| (t.map(format_utc), t.map(|t| describe_relative(t, now)));
    let (exp_utc, exp_rel) = time(i.date_less_than);
    let (start_utc, start_rel) = time(i.date_greater_than);
    json!({
        "schema_version": 1,
        "base_url": i.base_url,
        "policy_type": i.policy_type.map(PolicyType::as_str),
        "policy": i.policy,
        "resource": i.resource,
        "expires": i.date_less_than,
        "expires_utc": exp_utc,
        "expires_relative": exp_rel,
        "date_greater_than": i.date_greater_than,
        "date_greater_than_utc": start_utc,
        "date_greater_than_relative": start_rel,
        "ip_address": i.ip_address,
        "key_pair_id": i.key_pair_id,
        "hash_algorithm": i.hash_algorithm.clone().unwrap_or_else(|| "SHA1".into()),
        "signature_length": i.signature_len,
        "signature_algorithm": i.signature_family,
        "problems": i.problems,
    })
}

/// The `cookies --format json` object: `policy_type`, `expires` (Unix seconds),
/// `expires_utc`, `resource`, `key_pair_id`, `hash_algorithm`, `key_algorithm`, when set
/// `date_greater_than`, `date_greater_than_utc` and `ip_address`, then `cookies` (an
/// object name → value, in sending order) and `attributes` (`domain`, `path`, `secure`,
/// `http_only`, `max_age`, `expires`; unset ones are `null`). `verify --cookies-file`
/// reads it back with its attributes.
pub fn signed_cookies_json(c: &SignedCookies) -> Value {
    let mut v = json!({
        "schema_version": 1,
        "policy_type": c.policy_type.as_str(),
        "expires": c.condition.date_less_than,
        "expires_utc": format_utc(c.condition.date_less_than),
        "resource": c.resource,
        "key_pair_id": c.key_pair_id,
        "hash_algorithm": c.hash_algorithm.as_str(),
        "key_algorithm": c.key_algorithm.as_str(),
    });
    optional_conditions(&mut v, &c.condition);
    let cookies: serde_json::Map<String, Value> = c
        .cookies
        .iter()
        .map(|(n, v)| ((*n).to_string(), v.clone().into()))
        .collect();
    v["cookies"] = cookies.into();
    let a = &c.attributes;
    v["attributes"] = json!({
        "domain": a.domain,
        "path": a.path,
        "secure": a.secure,
        "http_only": a.http_only,
        "max_age": a.max_age,
        "expires": a.expires,
    });
    v
}

/// The `sign --format json` fields of one signed URL (`schema_version` 1): `url`,
/// `resource`, `policy_type`, `expires` (Unix seconds), `expires_utc`, `key_pair_id`,
/// `hash_algorithm`, `key_algorithm`, and, when set, `date_greater_than` (+ `_utc`) and
/// `ip_address`.
pub fn signed_url_json(s: &SignedUrl) -> Value {
    let mut v = json!({
        "schema_version": 1,
        "url": s.url,
        "resource": s.resource,
        "policy_type": s.policy_type.as_str(),
        "expires": s.condition.date_less_than,
        "expires_utc": format_utc(s.condition.date_less_than),
        "key_pair_id": s.key_pair_id,
        "hash_algorithm": s.hash_algorithm.as_str(),
        "key_algorithm": s.key_algorithm.as_str(),
    });
    optional_conditions(&mut v, &s.condition);
    v
}

/// Adds the optional conditions of a signed URL or cookie set: `date_greater_than` and
/// `date_greater_than_utc` (Unix seconds and UTC), `ip_address`, each only when set.
fn optional_conditions(v: &mut Value, c: &Condition) {
    if let Some(start) = c.date_greater_than {
        v["date_greater_than"] = start.into();
        v["date_greater_than_utc"] = format_utc(start).into();
    }
    if let Some(ip) = c.ip_address {
        v["ip_address"] = ip.to_string().into();
    }
}

/// Whether a character must not reach a terminal raw: control characters, bidirectional
/// overrides and isolates (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) and
/// zero-width or invisible characters (U+200B–U+200D, U+2060, U+FEFF, U+00AD).
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200B}'..='\u{200F}'
            | '\u{061C}'
            | '\u{2060}'
            | '\u{FEFF}'
            | '\u{00AD}')
}

/// Escapes the characters [`is_unsafe_char`] finds as `\u{XXXX}`, so that untrusted
/// decoded text cannot move the cursor, reorder a line or hide characters.
pub fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_unsafe_char(c) {
            out.push_str(&format!("\\u{{{:04X}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Makes serialized JSON terminal-safe: the characters [`is_unsafe_char`] finds (which
/// `serde_json` leaves raw when they are not ASCII controls) become `\uXXXX` escapes.
/// The JSON value is unchanged.
pub fn json_terminal_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if is_unsafe_char(c) && !c.is_ascii() {
            let mut buf = [0u16; 2];
            for unit in c.encode_utf16(&mut buf) {
                out.push_str(&format!("\\u{unit:04x}"));
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

    #[test]
    fn sanitizes_terminal_tricks() {
        assert_eq!(sanitize("a\u{1b}[2Jb"), "a\\u{001B}[2Jb");
        assert_eq!(sanitize("x\u{202E}gpj.exe"), "x\\u{202E}gpj.exe");
        assert_eq!(sanitize("a\u{200B}b\u{2066}c"), "a\\u{200B}b\\u{2066}c");
        assert_eq!(sanitize("caf\u{e9} ok"), "caf\u{e9} ok");
        let json = serde_json::json!({"r": "a\u{202E}b"}).to_string();
        let safe = json_terminal_safe(&json);
        assert_eq!(safe, r#"{"r":"a\u202eb"}"#);
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["r"], "a\u{202E}b");
    }
}
