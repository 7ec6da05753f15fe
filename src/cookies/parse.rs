//! Reading cookies back: a `Cookie` header, `Set-Cookie` lines, JSON (cfsign's own or a
//! name → value object) and Netscape cookie jars.

use super::CookieEntry;
use crate::error::{Error, Result, quote};

/// Reads the cookies out of a `Cookie` request header, in order, keeping duplicates.
///
/// Accepts the header value (`a=1; b=2`) or the whole line (`Cookie: a=1; b=2`, name in
/// any case). Pairs are separated by `;` with optional spaces or tabs; each is split at
/// its first `=`. Values are returned raw: no percent-decoding and no removal of quotes,
/// because CloudFront compares the bytes as sent. Empty pieces (`a=1;;b=2`, a trailing
/// `;`) are skipped; an empty header gives no pairs.
///
/// ```
/// let pairs = cfsign::cookies::parse_cookie_header(
///     "Cookie: CloudFront-Expires=1767290400; CloudFront-Key-Pair-Id=K2JCJMDEHXQW5F",
/// )?;
/// assert_eq!(pairs[0], ("CloudFront-Expires".to_string(), "1767290400".to_string()));
/// # Ok::<(), cfsign::Error>(())
/// ```
///
/// # Errors
/// [`Error::CookieHeader`] for a line break or other control character, a piece without
/// `=`, or an empty or malformed cookie name.
pub fn parse_cookie_header(header: &str) -> Result<Vec<(String, String)>> {
    let bad = |problem: String| Error::CookieHeader { problem };
    let mut text = header.trim_matches([' ', '\t', '\r', '\n']);
    if let Some(rest) = strip_prefix_ignore_case(text, "cookie:") {
        text = rest;
    }
    if let Some(c) = text.chars().find(|c| c.is_control() && *c != '\t') {
        return Err(bad(format!(
            "holds the control character {c:?}; give one header line"
        )));
    }
    let mut pairs = Vec::new();
    for piece in text.split(';') {
        let piece = piece.trim_matches([' ', '\t']);
        if piece.is_empty() {
            continue;
        }
        let Some((name, value)) = piece.split_once('=') else {
            return Err(bad(format!(
                "has {}, which is not name=value",
                quote(piece)
            )));
        };
        let name = name.trim_matches([' ', '\t']);
        if name.is_empty() {
            return Err(bad(format!("has {}, a value without a name", quote(piece))));
        }
        if let Some(c) = name
            .chars()
            .find(|c| !c.is_ascii_graphic() || "()<>@,;:\\\"/[]?={}".contains(*c))
        {
            return Err(bad(format!(
                "has the cookie name {}, which holds {c:?}",
                quote(name)
            )));
        }
        pairs.push((
            name.to_string(),
            value.trim_matches([' ', '\t']).to_string(),
        ));
    }
    Ok(pairs)
}

/// `text` without `prefix` (ASCII, any case), or `None` when it does not start with it.
/// Slices only at a character boundary, so non-ASCII text never panics.
pub(crate) fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    text.get(..prefix.len())
        .filter(|head| head.eq_ignore_ascii_case(prefix))
        .map(|_| &text[prefix.len()..])
}

/// Reads cookies from the forms `cfsign cookies` prints and browsers or tools export:
/// `Set-Cookie:` lines (attributes after the first `;` are dropped), a `Cookie:` header
/// (read by [`parse_cookie_header`]; the `Cookie:` prefix is optional), a JSON
/// object holding a `cookies` object of name → value (or that object itself), or a
/// Netscape cookie jar (seven tab-separated fields; `#HttpOnly_` lines are cookies, other
/// `#` lines comments). Values are kept as written.
///
/// # Errors
/// [`crate::Error::CookieHeader`] for a header line that is not `name=value` pairs.
pub fn parse_cookie_text(text: &str) -> Result<Vec<(String, String)>> {
    Ok(parse_cookie_entries(text)?
        .into_iter()
        .map(|e| (e.name, e.value))
        .collect())
}

/// A `Max-Age` value as RFC 6265 section 5.2.2 reads it: an optional `-` and digits;
/// anything else is ignored. Values past `i64` saturate.
fn parse_max_age(v: &str) -> Option<i64> {
    let digits = v.strip_prefix('-').unwrap_or(v);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(v.parse::<i64>().unwrap_or(if v.starts_with('-') {
        i64::MIN
    } else {
        i64::MAX
    }))
}

/// Reads cookies as [`parse_cookie_text`] does, keeping the attributes a client uses to
/// decide whether to send them: a `Set-Cookie` line's `Domain` and `Path`, a jar line's
/// domain, include-subdomains flag, path and expiry (see [`CookieEntry`]).
///
/// # Errors
/// As [`parse_cookie_text`].
pub fn parse_cookie_entries(text: &str) -> Result<Vec<CookieEntry>> {
    if let Ok(serde_json::Value::Object(root)) = serde_json::from_str(text.trim()) {
        // cfsign's own JSON carries the attributes the cookies were set with.
        let attrs = root.get("attributes").and_then(|a| a.as_object()).cloned();
        let attrs = attrs.as_ref();
        let obj = match root.get("cookies") {
            Some(serde_json::Value::Object(c)) => c.clone(),
            _ => root,
        };
        let attr = |name: &str| attrs.and_then(|a| a.get(name));
        let template = CookieEntry {
            domain: attr("domain").and_then(|d| d.as_str()).map(str::to_string),
            path: attr("path").and_then(|p| p.as_str()).map(str::to_string),
            secure: attr("secure").and_then(serde_json::Value::as_bool) == Some(true),
            max_age: attr("max_age").and_then(serde_json::Value::as_i64),
            expires: attr("expires").and_then(serde_json::Value::as_i64),
            ..CookieEntry::default()
        };
        return Ok(obj
            .iter()
            .filter_map(|(k, v)| {
                v.as_str().map(|s| CookieEntry {
                    name: k.clone(),
                    value: s.to_string(),
                    ..template.clone()
                })
            })
            .collect());
    }
    let mut out = Vec::new();
    for raw in text.lines() {
        let line = raw.trim_end_matches('\r');
        let line = match line.strip_prefix("#HttpOnly_") {
            Some(rest) => rest,
            None if line.trim_start().starts_with('#') => continue,
            None => line,
        };
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() == 7 {
            out.push(CookieEntry {
                name: fields[5].to_string(),
                value: fields[6].to_string(),
                domain: Some(fields[0].to_string()).filter(|d| !d.is_empty()),
                host_only: fields[1].eq_ignore_ascii_case("FALSE"),
                path: Some(fields[2].to_string()).filter(|p| !p.is_empty()),
                secure: fields[3].eq_ignore_ascii_case("TRUE"),
                max_age: None,
                expires: fields[4].trim().parse::<i64>().ok().filter(|&t| t != 0),
            });
            continue;
        }
        let trimmed = line.trim();
        if let Some(header) = strip_prefix_ignore_case(trimmed, "set-cookie:") {
            let mut parts = header.split(';');
            let first = parts.next().unwrap_or_default();
            let (mut domain, mut path, mut secure) = (None, None, false);
            let (mut max_age, mut expires) = (None, None);
            // RFC 6265 section 5.2: attribute names are case-insensitive; a value that
            // does not parse leaves the attribute out.
            for attr in parts {
                let (k, v) = attr.split_once('=').unwrap_or((attr, ""));
                let (k, v) = (k.trim(), v.trim());
                if k.eq_ignore_ascii_case("domain") && !v.is_empty() {
                    domain = Some(v.to_string());
                } else if k.eq_ignore_ascii_case("path") && v.starts_with('/') {
                    path = Some(v.to_string());
                } else if k.eq_ignore_ascii_case("secure") {
                    secure = true;
                } else if k.eq_ignore_ascii_case("max-age") {
                    max_age = parse_max_age(v).or(max_age);
                } else if k.eq_ignore_ascii_case("expires") {
                    expires = chrono::DateTime::parse_from_rfc2822(v)
                        .ok()
                        .map(|d| d.timestamp())
                        .or(expires);
                }
            }
            for (name, value) in parse_cookie_header(first)? {
                out.push(CookieEntry {
                    name,
                    value,
                    domain: domain.clone(),
                    host_only: false,
                    path: path.clone(),
                    secure,
                    max_age,
                    expires,
                });
            }
            continue;
        }
        out.extend(
            parse_cookie_header(trimmed)?
                .into_iter()
                .map(|(n, v)| CookieEntry::pair(n, v)),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: a malformed piece of a cookie header (a 200 KB cookies file of `{`)
    /// was quoted in full in the one-line error; it is now cut like every other echoed
    /// input (first and last 100 characters).
    #[test]
    fn huge_cookie_piece_was_echoed_in_full() {
        let piece = "{".repeat(200_000);
        for (input, needle) in [
            (piece.clone(), "not name=value"),
            (format!("={piece}"), "without a name"),
            (format!("a{piece}=1"), "cookie name"),
        ] {
            let e = parse_cookie_header(&input).unwrap_err().to_string();
            assert!(e.contains(needle), "{e}");
            assert!(e.contains("bytes in all"), "{e}");
            assert!(e.len() < 400, "{} bytes", e.len());
        }
    }

    #[test]
    fn cookie_header_parsing() {
        assert_eq!(
            parse_cookie_header("cookie: a=1;b=x-y_z~;  c==; d=\"q\";").unwrap(),
            vec![
                ("a".to_string(), "1".to_string()),
                ("b".to_string(), "x-y_z~".to_string()),
                ("c".to_string(), "=".to_string()),
                ("d".to_string(), "\"q\"".to_string()),
            ]
        );
        assert!(parse_cookie_header("").unwrap().is_empty());
        for (bad, needle) in [
            ("a=1; b", "not name=value"),
            ("=1", "without a name"),
            ("a=1\r\nX-Evil: 1", "control character"),
            ("a b=1", "cookie name"),
        ] {
            let e = parse_cookie_header(bad).unwrap_err().to_string();
            assert!(e.contains(needle), "{bad}: {e}");
        }
    }

    #[test]
    fn cookie_formats() {
        let want = vec![
            ("CloudFront-Expires".to_string(), "5".to_string()),
            ("CloudFront-Key-Pair-Id".to_string(), "K1".to_string()),
        ];
        assert_eq!(
            parse_cookie_text("Cookie: CloudFront-Expires=5; CloudFront-Key-Pair-Id=K1").unwrap(),
            want
        );
        assert_eq!(
            parse_cookie_text(
                "Set-Cookie: CloudFront-Expires=5; Path=/; Secure\r\nSet-Cookie: CloudFront-Key-Pair-Id=K1; HttpOnly\r\n"
            ).unwrap(),
            want
        );
        assert_eq!(
            parse_cookie_text(
                r#"{"cookies":{"CloudFront-Expires":"5","CloudFront-Key-Pair-Id":"K1"}}"#
            )
            .unwrap(),
            want
        );
        assert_eq!(
            parse_cookie_text(
                "# Netscape HTTP Cookie File\n#HttpOnly_d1.net\tFALSE\t/\tTRUE\t0\tCloudFront-Expires\t5\nd1.net\tFALSE\t/\tTRUE\t0\tCloudFront-Key-Pair-Id\tK1\n"
            ).unwrap(),
            want
        );
    }
}
