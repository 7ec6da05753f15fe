//! S3 response-header overrides: the query parameters `response-content-disposition` and
//! `response-content-type`, which make an S3 origin answer with those headers (for example
//! to download a file under a chosen name).
//!
//! They are part of the URL, so they are added **before** signing and the signature
//! covers them. CloudFront passes them to the origin only when the cache behavior forwards
//! them: list both in the cache policy's query strings (which also keys the cache on them,
//! so two download names never share one cached answer). S3 honours them on requests it
//! authenticates, as CloudFront's origin access control signs them.
//!
//! The `Content-Disposition` value follows RFC 6266 with the RFC 5987 (RFC 8187) encoding
//! for the exact name: `attachment; filename="FALLBACK"; filename*=UTF-8''PERCENT-ENCODED`.
//! The fallback, for the rare clients that do not read `filename*`, keeps printable ASCII
//! and replaces everything else, and `"`, `\` and `%`, with `_` (RFC 6266 appendix D:
//! clients differ in how they unescape those). The whole value is then percent-encoded as
//! a query value: every byte but `A-Z a-z 0-9 - . _ ~` becomes `%XX`, so no client
//! re-encodes it and the URL reaches CloudFront exactly as it was signed [\[R10\]](crate::rules#r10).
//!
//! ```
//! # fn main() -> Result<(), cfsign::Error> {
//! use cfsign::response::ResponseOverrides;
//!
//! let overrides = ResponseOverrides::new().download_as("Q3 report (final).pdf")?;
//! assert_eq!(
//!     overrides.apply("https://d111111abcdef8.cloudfront.net/r/q3.pdf")?,
//!     "https://d111111abcdef8.cloudfront.net/r/q3.pdf?response-content-disposition=\
//!      attachment%3B%20filename%3D%22Q3%20report%20%28final%29.pdf%22%3B%20\
//!      filename%2A%3DUTF-8%27%27Q3%2520report%2520%2528final%2529.pdf"
//! );
//! # Ok(()) }
//! ```

use std::borrow::Cow;

use crate::error::{Error, Result};

/// The S3 query parameter that sets the response's `Content-Disposition` header.
pub const CONTENT_DISPOSITION: &str = "response-content-disposition";
/// The S3 query parameter that sets the response's `Content-Type` header.
pub const CONTENT_TYPE: &str = "response-content-type";

/// Response-header overrides to add to a URL before it is signed; validated when set, so
/// a bad name or type is reported once, before any URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponseOverrides {
    /// `(parameter, percent-encoded value)` in the order they are appended.
    params: Vec<(&'static str, String)>,
}

impl ResponseOverrides {
    /// No overrides: [`apply`](Self::apply) returns the URL unchanged.
    pub fn new() -> Self {
        Self::default()
    }

    /// Serve the object as a download named `filename` (any Unicode name; the exact bytes
    /// go in `filename*`).
    ///
    /// # Errors
    /// [`Error::ResponseOverride`] when the name is empty or blank, or holds a control
    /// character (a line break would end the header).
    pub fn download_as(mut self, filename: &str) -> Result<Self> {
        let value = attachment(filename)?;
        self.set(CONTENT_DISPOSITION, &value);
        Ok(self)
    }

    /// Serve the object with this `Content-Type`, for example `application/pdf` or
    /// `text/plain; charset=utf-8`.
    ///
    /// # Errors
    /// [`Error::ResponseOverride`] when the value is not a media type `type/subtype`
    /// (token characters), optionally followed by `;` parameters in printable ASCII.
    pub fn content_type(mut self, media_type: &str) -> Result<Self> {
        check_media_type(media_type)?;
        self.set(CONTENT_TYPE, media_type.trim());
        Ok(self)
    }

    /// Whether no override is set.
    pub fn is_empty(&self) -> bool {
        self.params.is_empty()
    }

    fn set(&mut self, name: &'static str, value: &str) {
        self.params.retain(|(n, _)| *n != name);
        self.params.push((name, encode_query_value(value)));
    }

    /// `url` with the overrides appended to its query (after `?`, or `&` when it has
    /// one), byte for byte otherwise; the URL to sign.
    ///
    /// The URL is checked first ([`crate::url::check_url`]), so that an error about it
    /// quotes the URL as given, not with the overrides appended.
    ///
    /// # Errors
    /// The errors of [`crate::url::check_url`]; [`Error::UrlHasParameter`] when the URL's
    /// query already holds the parameter (S3 would see two values).
    pub fn apply<'a>(&self, url: &'a str) -> Result<Cow<'a, str>> {
        if self.params.is_empty() {
            return Ok(Cow::Borrowed(url));
        }
        // A '#fragment' would otherwise swallow the appended parameters into the error.
        crate::url::check_url(url)?;
        let query = url.split_once('?').map_or("", |(_, q)| q);
        for (name, _) in &self.params {
            let present = query
                .split('&')
                .any(|pair| pair.split('=').next() == Some(*name));
            if present {
                return Err(Error::UrlHasParameter {
                    url: url.into(),
                    param: (*name).into(),
                });
            }
        }
        let mut out = String::with_capacity(url.len() + 256);
        out.push_str(url);
        let mut sep = if url.contains('?') { '&' } else { '?' };
        for (name, value) in &self.params {
            out.push(sep);
            out.push_str(name);
            out.push('=');
            out.push_str(value);
            sep = '&';
        }
        Ok(Cow::Owned(out))
    }
}

/// The `Content-Disposition` header value that makes a browser save the response as
/// `filename`: `attachment; filename="FALLBACK"; filename*=UTF-8''ENCODED` (RFC 6266,
/// RFC 5987), not yet encoded for a query string (see [`encode_query_value`]).
///
/// # Errors
/// [`Error::ResponseOverride`] for an empty or blank name, or a control character.
pub(crate) fn attachment(filename: &str) -> Result<String> {
    let refuse = |problem: &str| Error::ResponseOverride {
        what: "download name".into(),
        value: filename.into(),
        problem: problem.into(),
    };
    if filename.trim().is_empty() {
        return Err(refuse("is empty"));
    }
    if filename.chars().any(char::is_control) {
        return Err(refuse(
            "has a control character (such as a line break), which cannot be in a header",
        ));
    }
    let fallback: String = filename
        .chars()
        .map(|c| match c {
            '"' | '\\' | '%' => '_',
            ' '..='~' => c,
            _ => '_',
        })
        .collect();
    let mut exact = String::with_capacity(filename.len() * 3);
    for &b in filename.as_bytes() {
        if is_attr_char(b) {
            exact.push(char::from(b));
        } else {
            push_pct(&mut exact, b);
        }
    }
    Ok(format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{exact}"
    ))
}

/// RFC 5987 `attr-char`: the bytes a `filename*` value may hold unencoded.
fn is_attr_char(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
        )
}

/// `value` percent-encoded as a query value: every byte but the RFC 3986 unreserved
/// characters (`A-Z a-z 0-9 - . _ ~`) becomes `%XX` (upper-case hex), so that no client
/// changes it on the way to CloudFront.
pub(crate) fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for &b in value.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            push_pct(&mut out, b);
        }
    }
    out
}

fn push_pct(out: &mut String, b: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push('%');
    out.push(char::from(HEX[usize::from(b >> 4)]));
    out.push(char::from(HEX[usize::from(b & 0xF)]));
}

/// RFC 7230 `tchar`.
fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

fn check_media_type(value: &str) -> Result<()> {
    let refuse = |problem: &str| Error::ResponseOverride {
        what: "content type".into(),
        value: value.into(),
        problem: problem.into(),
    };
    let v = value.trim();
    if v.chars().any(|c| !(' '..='~').contains(&c)) {
        return Err(refuse(
            "has a character other than printable ASCII (a control character or non-ASCII)",
        ));
    }
    let essence = v.split(';').next().unwrap_or_default().trim();
    let valid = essence.split_once('/').is_some_and(|(t, s)| {
        !t.is_empty() && !s.is_empty() && t.chars().chain(s.chars()).all(is_token_char)
    });
    if !valid {
        return Err(refuse("is not a media type such as application/pdf"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attr_chars_and_unreserved_are_kept_everything_else_encoded() {
        let all: String = (0x20u8..=0x7e).map(char::from).collect();
        assert_eq!(
            encode_query_value(&all),
            "%20%21%22%23%24%25%26%27%28%29%2A%2B%2C-.%2F0123456789%3A%3B%3C%3D%3E%3F%40\
             ABCDEFGHIJKLMNOPQRSTUVWXYZ%5B%5C%5D%5E_%60abcdefghijklmnopqrstuvwxyz%7B%7C%7D~"
        );
        let name: String = (0x21u8..=0x7e)
            .map(char::from)
            .filter(|c| *c != '"' && *c != '\\' && *c != '%')
            .collect();
        let value = attachment(&name).unwrap();
        assert_eq!(
            value,
            format!(
                "attachment; filename=\"{name}\"; filename*=UTF-8''!#$&%27%28%29%2A+%2C-.%2F0123456789%3A%3B%3C%3D%3E%3F%40ABCDEFGHIJKLMNOPQRSTUVWXYZ%5B%5D^_`abcdefghijklmnopqrstuvwxyz%7B|%7D~"
            )
        );
    }

    #[test]
    fn content_type_is_checked_and_encoded() {
        let o = ResponseOverrides::new()
            .content_type(" text/plain; charset=utf-8 ")
            .unwrap();
        assert_eq!(
            o.apply("https://d1.net/a.txt?v=2").unwrap(),
            "https://d1.net/a.txt?v=2&response-content-type=text%2Fplain%3B%20charset%3Dutf-8"
        );
        for bad in [
            "",
            "pdf",
            "/pdf",
            "application/",
            "text/plain\r\nX: y",
            "téxt/plain",
            "a b/c",
        ] {
            let e = ResponseOverrides::new().content_type(bad).unwrap_err();
            assert!(matches!(e, Error::ResponseOverride { .. }), "{bad:?}: {e}");
        }
    }

    #[test]
    fn a_parameter_already_in_the_query_is_refused_and_setting_twice_replaces() {
        let o = ResponseOverrides::new().download_as("a.pdf").unwrap();
        let e = o
            .apply("https://d1.net/a.pdf?response-content-disposition=inline")
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "URL \"https://d1.net/a.pdf?response-content-disposition=inline\" already has the query parameter response-content-disposition"
        );
        // A parameter whose name merely starts the same is another parameter.
        assert!(
            o.apply("https://d1.net/a.pdf?response-content-disposition-x=1")
                .is_ok()
        );
        let o = o.download_as("b.pdf").unwrap();
        assert_eq!(
            o.apply("https://d1.net/a.pdf").unwrap(),
            "https://d1.net/a.pdf?response-content-disposition=attachment%3B%20filename%3D%22b.pdf%22%3B%20filename%2A%3DUTF-8%27%27b.pdf"
        );
        assert!(ResponseOverrides::new().is_empty());
        assert_eq!(
            ResponseOverrides::new()
                .apply("https://d1.net/a b")
                .unwrap(),
            "https://d1.net/a b"
        );
    }

    /// Regression (review bug 5): with a `#fragment` URL, the fragment error quoted the
    /// appended `response-content-disposition` parameter as part of the fragment.
    #[test]
    fn fragment_error_quoted_the_appended_parameter() {
        for o in [
            ResponseOverrides::new().download_as("x").unwrap(),
            ResponseOverrides::new().content_type("text/plain").unwrap(),
        ] {
            let e = o.apply("https://d1.net/a#x").unwrap_err();
            assert_eq!(
                e.to_string(),
                "URL \"https://d1.net/a#x\" has a fragment (\"#x\"), which clients never send to CloudFront"
            );
            assert_eq!(
                e.hint().unwrap(),
                "sign the URL without \"#x\": \"https://d1.net/a\""
            );
        }
    }

    #[test]
    fn empty_and_control_character_names_are_refused() {
        for bad in [
            "",
            "  ",
            "a\nb.pdf",
            "a\rb",
            "tab\there",
            "del\u{7f}",
            "c1\u{85}",
        ] {
            assert!(attachment(bad).is_err(), "{bad:?}");
        }
    }
}
