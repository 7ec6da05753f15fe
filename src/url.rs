//! URL checks and assembly of signed URLs \[R2\], \[R9\], \[R10\], \[R11\].
//!
//! The signed URL is always the input URL, byte for byte, plus the appended signing
//! parameters: URLs are never parsed and re-serialized.

use std::fmt;

use crate::error::{Error, Result};
use crate::key::KeyAlgorithm;
use crate::params::SigningParameter;
use crate::policy::{self, Condition, Policy, PolicyMode, PolicyType, RawPolicy};
use crate::sign::{HashAlgorithm, Signer};
use crate::uri::{Uri, numeric_host, percent_decode};

/// Query parameter: the expiry of a canned policy, Unix seconds.
pub const EXPIRES: &str = SigningParameter::Expires.query_name();
/// Query parameter: a custom policy in CloudFront base64.
pub const POLICY: &str = SigningParameter::Policy.query_name();
/// Query parameter: the signature in CloudFront base64.
pub const SIGNATURE: &str = SigningParameter::Signature.query_name();
/// Query parameter: the key pair ID.
pub const KEY_PAIR_ID: &str = SigningParameter::KeyPairId.query_name();
/// Query parameter: `SHA256` when SHA-256 was used \[R15\].
pub const HASH_ALGORITHM: &str = SigningParameter::HashAlgorithm.query_name();
/// All the parameters CloudFront reserves for signing, in [`SigningParameter::ALL`] order.
pub const SIGNING_PARAMETERS: [&str; 5] = [EXPIRES, POLICY, SIGNATURE, KEY_PAIR_ID, HASH_ALGORITHM];
/// CloudFront's quota for the length of a request URL, in bytes.
pub const MAX_URL_LEN: usize = 8_192;

/// Something that is allowed but probably not what the user meant. The URL is still signed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Warning {
    /// The host is an S3 endpoint, which ignores CloudFront signatures.
    S3Endpoint {
        /// The host.
        host: String,
    },
    /// The URL holds `*`, signed as a literal character of a canned policy \[R4\].
    LiteralStar,
    /// The URL holds `*` and is signed in a custom policy with the URL as `Resource`
    /// (`PolicyMode::Custom`): there the `*` is a wildcard, so the signature also works
    /// for every URL it matches \[R5\].
    StarIsWildcard,
    /// Browsers and curl send this URL in another form (upper-case host, default port,
    /// `.`/`..` path segments, no path), and CloudFront checks the signature against the
    /// form it receives.
    ClientForm {
        /// The form clients send.
        sent: String,
        /// What they change.
        changes: String,
    },
    /// Browsers percent-encode some characters the URL holds raw (`<`, `>`, `` ` ``,
    /// `{`, `}` in the path; `<`, `>`, `'` in the query) while curl sends them as given,
    /// so the signature fits only one kind of client.
    BrowserForm {
        /// The form browsers send.
        sent: String,
    },
    /// The URL names a port other than 80 and 443: CloudFront takes viewer requests only
    /// on port 80 (HTTP) and 443 (HTTPS), so the request never reaches it.
    OtherPort {
        /// The port.
        port: u32,
    },
    /// Signed cookies with `Secure` for an `http://` resource: clients send `Secure`
    /// cookies only over HTTPS (RFC 6265 section 5.4), so CloudFront never receives them
    /// on the `http://` requests the resource names.
    SecureCookieOverHttp,
    /// The policy's resource matches every URL (`*`, `*://*`, `https://*`) or is absent:
    /// the signature grants every object of every distribution whose key group trusts the
    /// key, not just the files meant (Developer Guide, custom policy `Resource`: "If you
    /// omit the Resource parameter, users can access all of the objects associated with
    /// any distribution that is associated with the key pair").
    GrantsEverything {
        /// The resource, `None` when the policy has no `Resource`.
        resource: Option<String>,
        /// What it grants, in words (see [`policy::grants_everything`]).
        grants: &'static str,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::S3Endpoint { host } => write!(
                f,
                "{host} is an S3 endpoint: S3 does not understand CloudFront signatures; sign your distribution's URL (d111111abcdef8.cloudfront.net or an alternate domain)"
            ),
            Warning::LiteralStar => f.write_str(
                "the URL holds '*', which a canned policy signs as a literal character; to grant access to many files sign a policy resource with a wildcard, or use signed cookies",
            ),
            Warning::StarIsWildcard => f.write_str(
                "the URL holds '*', which the custom policy's Resource reads as a wildcard: the signature also works for every URL it matches (only a canned policy, without a start time or IP range, takes '*' literally)",
            ),
            Warning::BrowserForm { sent } => write!(
                f,
                "browsers request this URL as {sent} (they percent-encode < > ` {{ }} in the path and < > ' in the query; curl sends it as given): sign the form your viewers' clients send"
            ),
            Warning::GrantsEverything { resource, grants } => write!(
                f,
                "the policy resource {} grants {grants}: anyone holding this signature can fetch any of them until it expires; narrow it to your files (for example https://d111111abcdef8.cloudfront.net/videos/*)",
                match resource {
                    Some(r) => format!("{r:?}"),
                    None => "(none: the policy has no Resource)".into(),
                }
            ),
            Warning::OtherPort { port } => write!(
                f,
                "the URL names port {port}, but CloudFront accepts requests only on port 80 (http) and 443 (https): sign the URL your viewers request from CloudFront"
            ),
            Warning::SecureCookieOverHttp => f.write_str(
                "the cookies are Secure but the resource is http://: clients send Secure cookies only over https, so CloudFront would not receive them on http:// requests; sign an https:// resource, or leave out the Secure attribute for plain HTTP",
            ),
            Warning::ClientForm { sent, changes } => write!(
                f,
                "clients request this URL as {sent} ({changes}), and CloudFront checks the signature against that form: sign it instead"
            ),
        }
    }
}

impl Warning {
    /// [`Warning::GrantsEverything`] when `resource` (`None`: no `Resource` in the policy)
    /// matches every URL ([`policy::grants_everything`]).
    pub fn grants_everything(resource: Option<&str>) -> Option<Warning> {
        policy::grants_everything(resource).map(|grants| Warning::GrantsEverything {
            resource: resource.map(str::to_string),
            grants,
        })
    }
}

/// The first character a URL may not hold raw, and its byte offset: a space, a control
/// character, non-ASCII, `"` or `\` \[R11\].
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
fn percent_encode_bad(s: &str) -> String {
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

/// The URL as a client sends it: a non-ASCII host in its punycode (IDNA) form, as
/// browsers send it (`xn--bcher-kva.example`, not `%C3%BC`), and the other characters
/// [`first_bad_char`] finds percent-encoded.
fn client_encoded(url: &str) -> String {
    if let Some(uri) = Uri::lex(url)
        && !uri.authority().is_ascii()
        && uri.userinfo().is_none()
        && let Ok(ascii) = idna::domain_to_ascii(uri.host())
    {
        let port = uri.port().map(|p| format!(":{p}")).unwrap_or_default();
        let tail = &url[uri.authority.end..];
        return format!(
            "{}://{ascii}{port}{}",
            uri.scheme(),
            percent_encode_bad(tail)
        );
    }
    percent_encode_bad(url)
}

/// A name for a non-ASCII space, for messages.
fn space_name(c: char) -> String {
    let name = match c {
        '\u{a0}' => "a no-break space",
        '\u{85}' => "a next-line character, NEL",
        '\u{2002}' => "an en space",
        '\u{2003}' => "an em space",
        '\u{2009}' => "a thin space",
        '\u{202f}' => "a narrow no-break space",
        '\u{3000}' => "an ideographic space",
        _ => "a Unicode space",
    };
    format!("{name} (U+{:04X})", c as u32)
}

/// What surrounds the URL that is no part of it, as an error: quotes of a CSV field, a
/// trailing carriage return (an argument read from a file with Windows line ends), a
/// byte-order mark, a non-ASCII space at either end. The same input is refused the same way
/// as an argument and as a line of standard input.
fn stray_around(url: &str) -> Option<Error> {
    let stray = |what: String, fix: String| Error::UrlStray {
        url: url.into(),
        what,
        fix,
    };
    for (q, name) in [('"', "double"), ('\'', "single")] {
        if url.len() >= 2 && url.starts_with(q) && url.ends_with(q) {
            return Some(stray(
                format!("is wrapped in {name} quotes (a quoted CSV field?)"),
                format!("drop the quotes: {}", &url[1..url.len() - 1]),
            ));
        }
    }
    if let Some(rest) = url.strip_suffix('\r') {
        return Some(stray(
            "ends with a carriage return (CR), as lines of a file with Windows line ends do".into(),
            format!("strip the CR (tr -d '\\r', or dos2unix on the file): {rest:?}"),
        ));
    }
    if let Some(rest) = url.strip_prefix('\u{feff}') {
        return Some(stray(
            "starts with a byte-order mark (U+FEFF), which editors put at the start of a file (files joined with cat keep it mid-input)".into(),
            format!("remove the byte-order mark: {rest:?}"),
        ));
    }
    let first = url
        .chars()
        .next()
        .filter(|c| c.is_whitespace() && !c.is_ascii());
    let last = url
        .chars()
        .next_back()
        .filter(|c| c.is_whitespace() && !c.is_ascii());
    let (at, c) = match (first, last) {
        (Some(c), _) => ("starts", c),
        (None, Some(c)) => ("ends", c),
        (None, None) => return None,
    };
    Some(stray(
        format!("{at} with {}", space_name(c)),
        format!(
            "remove it: {:?}",
            url.trim_matches(|c: char| c.is_whitespace())
        ),
    ))
}

/// Checks a URL before signing \[R11\] and returns the warnings that apply.
///
/// Refused: raw spaces, control characters, non-ASCII, `"` and `\` (the error carries
/// the percent-encoded form); a `#fragment`; a scheme other than `http`/`https`; a missing
/// host; a query that already holds a signing parameter.
///
/// # Errors
/// [`Error::UrlCharacter`], [`Error::UrlFragment`], [`Error::UrlForm`],
/// [`Error::UrlAlreadySigned`].
pub fn check_url(url: &str) -> Result<Vec<Warning>> {
    if let Some(e) = stray_around(url) {
        return Err(e);
    }
    let form = |problem: &str| Error::UrlForm {
        url: url.into(),
        problem: problem.into(),
    };
    let Some(uri) = Uri::lex(url) else {
        let lower = url.to_ascii_lowercase();
        if lower.starts_with("http:/") || lower.starts_with("https:/") {
            return Err(form(
                "is missing a slash after the scheme (write https://host/...)",
            ));
        }
        return Err(form(
            "has no scheme: it must start with https:// or http://",
        ));
    };
    let scheme = uri.scheme();
    if let Some((what, position)) = first_bad_char(url) {
        let in_host = uri.authority.contains(&position);
        let what = if in_host && what == "a non-ASCII character" {
            "a non-ASCII character in the host"
        } else {
            what
        };
        return Err(Error::UrlCharacter {
            url: url.into(),
            what: what.into(),
            position,
            encoded: client_encoded(url),
        });
    }
    if let Some(fragment) = uri.fragment() {
        return Err(Error::UrlFragment {
            url: url.into(),
            fragment: format!("#{fragment}"),
        });
    }
    if !matches!(scheme, "http" | "https") {
        return Err(form(&format!(
            "has the scheme {scheme:?}; CloudFront signed URLs use http or https (lower case)"
        )));
    }
    if uri.authority().is_empty() {
        return Err(form("has no host after the scheme"));
    }
    if uri.userinfo().is_some() {
        return Err(form(
            "has user info (user:password@) before the host; clients strip it before sending, and it would be copied into the signed URL",
        ));
    }
    uri.check_authority().map_err(|p| form(&p.to_string()))?;
    let host = uri.host();
    if let Some(query) = uri.query() {
        for pair in query.split('&') {
            let name = pair.split('=').next().unwrap_or_default();
            if let Some(param) = SIGNING_PARAMETERS.iter().find(|p| **p == name) {
                return Err(Error::UrlAlreadySigned {
                    url: url.into(),
                    param: (*param).into(),
                });
            }
        }
    }
    let mut warnings = Vec::new();
    let bare_host = host.to_ascii_lowercase();
    if is_s3_host(&bare_host) {
        warnings.push(Warning::S3Endpoint { host: bare_host });
    }
    if let Some(sent) = sent_form(url) {
        if !sent.changes.is_empty() {
            warnings.push(sent.warning());
        }
        if let Some(port) = sent.other_port {
            warnings.push(Warning::OtherPort { port });
        }
    }
    if let Some(sent) = browser_form(url) {
        warnings.push(Warning::BrowserForm { sent });
    }
    if url.contains('*') {
        warnings.push(Warning::LiteralStar);
    }
    Ok(warnings)
}

/// The form a client sends for a URL, when it differs from the URL as written, and what
/// the client changed.
///
/// CloudFront checks a signature against the request it receives (the canned policy is
/// rebuilt from it \[R2\]), and clients normalise a URL before sending it: the WHATWG URL
/// standard (browsers) and RFC 3986 section 6 (curl and HTTP libraries) agree on what is
/// done here. The scheme and host are lower-cased; user info is never sent; the host is
/// percent-decoded and a numeric host (`0x7f.1`, `010.0.0.1`) is read as the IPv4 address
/// it names; the scheme's default port is dropped and leading zeros of a port go; `.` and
/// `..` path segments are resolved, `%2e` counting as a dot; an empty path becomes `/`;
/// raw spaces, control characters, non-ASCII, `"` and `\` are percent-encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentForm {
    /// The URL as the client sends it.
    pub url: String,
    /// What the client changed, in words, joined with `, `.
    pub changes: String,
    /// The port the request goes to when it is not 80 or 443 (CloudFront listens only on
    /// those).
    pub other_port: Option<u32>,
}

impl SentForm {
    /// The [`Warning::ClientForm`] saying what clients send.
    pub fn warning(&self) -> Warning {
        Warning::ClientForm {
            sent: self.url.clone(),
            changes: self.changes.clone(),
        }
    }
}

/// The form a client sends for `url` (a URL without its `#fragment`), see [`SentForm`];
/// `None` when the URL has no `scheme://`. `changes` is empty when the client sends the
/// URL as written.
pub fn sent_form(url: &str) -> Option<SentForm> {
    let uri = Uri::lex(url)?;
    let scheme = uri.scheme();
    let mut changes: Vec<String> = Vec::new();
    let lower_scheme = scheme.to_ascii_lowercase();
    if lower_scheme != scheme {
        changes.push("scheme in lower case".into());
    }
    if uri.userinfo().is_some() {
        changes.push("user info removed".into());
    }
    let port = uri.port();
    let mut host = uri.host().to_string();
    if host.contains('%') {
        let decoded = percent_decode(&host);
        if decoded != host
            && decoded.is_ascii()
            && !decoded.contains(['%', '/', '?', '#', '@', ':'])
        {
            host = decoded;
            changes.push("percent-escapes in the host decoded".into());
        }
    }
    if host.to_ascii_lowercase() != host {
        host = host.to_ascii_lowercase();
        changes.push("host in lower case".into());
    }
    if let Some(ip) = numeric_host(&host)
        && ip.to_string() != host
    {
        host = ip.to_string();
        changes.push(format!("host read as the IPv4 address {host}"));
    }
    let default = match lower_scheme.as_str() {
        "https" => Some(443),
        "http" => Some(80),
        _ => None,
    };
    let mut port_text = String::new();
    let mut other_port = None;
    match port {
        Some("") => changes.push("empty port dropped".into()),
        Some(p) if p.bytes().all(|b| b.is_ascii_digit()) && p.len() <= 10 => {
            let n: u32 = p.parse().unwrap_or(u32::MAX);
            if Some(n) == default {
                changes.push("default port dropped".into());
            } else {
                if n.to_string() != p {
                    changes.push("leading zeros of the port dropped".into());
                }
                port_text = format!(":{n}");
            }
            if n != 80 && n != 443 {
                other_port = Some(n);
            }
        }
        Some(p) => port_text = format!(":{p}"),
        None => {}
    }
    // The query (and a fragment) as written, with its '?'.
    let (path, query) = (uri.path(), &url[uri.path.end..]);
    let mut new_path = remove_dot_segments(path);
    if new_path != path {
        changes.push(if path.to_ascii_lowercase().contains("%2e") {
            "'.' and '..' segments resolved (%2e is a dot)".into()
        } else {
            "'.' and '..' segments resolved".into()
        });
    }
    if new_path.is_empty() {
        new_path = "/".into();
        changes.push("'/' added as the path".into());
    }
    let mut tail = format!("{new_path}{query}");
    if first_bad_char(&tail).is_some() {
        tail = percent_encode_bad(&tail);
        changes.push("raw characters percent-encoded".into());
    }
    Some(SentForm {
        url: format!("{lower_scheme}://{host}{port_text}{tail}"),
        changes: changes.join(", "),
        other_port,
    })
}

/// The URL as browsers send it, when they percent-encode something it holds raw (the
/// WHATWG URL standard's path and special-query percent-encode sets, less what
/// [`check_url`] already refuses).
fn browser_form(url: &str) -> Option<String> {
    let query_at = url.find('?').unwrap_or(url.len());
    let mut out = String::with_capacity(url.len() + 8);
    let mut changed = false;
    for (i, c) in url.char_indices() {
        let encode = match c {
            '<' | '>' => true,
            '`' | '{' | '}' => i < query_at,
            '\'' => i > query_at,
            _ => false,
        };
        if encode {
            out.push_str(&format!("%{:02X}", c as u32));
            changed = true;
        } else {
            out.push(c);
        }
    }
    changed.then_some(out)
}

/// RFC 3986 section 5.2.4, on a path that starts with `/` (or is empty); a segment of
/// `%2e` (any case) counts as `.` and `.%2e`, `%2e.`, `%2e%2e` as `..`, as the WHATWG URL
/// standard reads them.
fn remove_dot_segments(path: &str) -> String {
    if !path.split('/').any(|seg| dot_segment(seg).is_some()) {
        return path.to_string();
    }
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match dot_segment(seg) {
            Some(1) => {
                if last {
                    out.push("");
                }
            }
            Some(_) => {
                out.pop();
                if last {
                    out.push("");
                }
            }
            None => out.push(seg),
        }
    }
    format!("/{}", out.join("/"))
}

/// 1 for a `.` segment, 2 for `..`, with `%2e` (any case) as a dot.
fn dot_segment(seg: &str) -> Option<u8> {
    match seg.to_ascii_lowercase().as_str() {
        "." | "%2e" => Some(1),
        ".." | ".%2e" | "%2e." | "%2e%2e" => Some(2),
        _ => None,
    }
}

/// Whether `host` (lower case) is an S3 endpoint, which ignores CloudFront signatures.
pub(crate) fn is_s3_host(host: &str) -> bool {
    let Some(prefix) = host.strip_suffix(".amazonaws.com") else {
        return false;
    };
    prefix
        .split('.')
        .any(|label| label == "s3" || label.starts_with("s3-") || label == "s3-website")
}

/// What to sign a URL with: the expiry and other conditions, an optional policy
/// resource (a pattern, possibly with wildcards), and the policy type to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlPolicy {
    /// The policy resource; `None` means the URL itself.
    pub policy_resource: Option<String>,
    /// `DateLessThan`, `DateGreaterThan`, `IpAddress`.
    pub condition: Condition,
    /// Canned, custom or automatic \[R4\].
    pub mode: PolicyMode,
}

impl UrlPolicy {
    /// A canned-compatible request: the URL itself, expiring at `expires` (Unix seconds).
    pub fn expires(expires: i64) -> Self {
        UrlPolicy {
            policy_resource: None,
            condition: Condition::expires(expires),
            mode: PolicyMode::Auto,
        }
    }
}

/// A signed URL and what went into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedUrl {
    /// The signed URL: the input URL plus the signing parameters.
    pub url: String,
    /// The policy resource (the URL itself for a canned policy); `None` for a policy file
    /// without `Resource` (it covers every object of every distribution that trusts the
    /// key).
    pub resource: Option<String>,
    /// Canned or custom.
    pub policy_type: PolicyType,
    /// The exact policy text that was signed.
    pub policy: String,
    /// The policy's conditions.
    pub condition: Condition,
    /// The key pair ID.
    pub key_pair_id: String,
    /// The hash algorithm.
    pub hash_algorithm: HashAlgorithm,
    /// The key's algorithm.
    pub key_algorithm: KeyAlgorithm,
    /// Warnings about the input (the URL was still signed).
    pub warnings: Vec<Warning>,
}

impl SignedUrl {
    /// The documented JSON object (`schema_version` 1): `url`, `resource`, `expires`
    /// (Unix seconds), `expires_utc`, `policy_type`, `key_pair_id`, `hash_algorithm`,
    /// `key_algorithm`, and, when set, `date_greater_than` and `ip_address`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = serde_json::json!({
            "schema_version": 1,
            "url": self.url,
            "resource": self.resource,
            "policy_type": self.policy_type.as_str(),
            "expires": self.condition.date_less_than,
            "expires_utc": crate::time::format_utc(self.condition.date_less_than),
            "key_pair_id": self.key_pair_id,
            "hash_algorithm": self.hash_algorithm.as_str(),
            "key_algorithm": self.key_algorithm.as_str(),
        });
        if let Some(start) = self.condition.date_greater_than {
            v["date_greater_than"] = start.into();
            v["date_greater_than_utc"] = crate::time::format_utc(start).into();
        }
        if let Some(ip) = self.condition.ip_address {
            v["ip_address"] = ip.to_string().into();
        }
        v
    }
}

/// Appends signing parameters to `url` after `?`, or `&` when the URL already has a
/// `?` (a URL ending in a bare `?` becomes `...?&Expires=...`, as the reference signers
/// do) \[R9\]. Checks the 8,192-byte quota.
fn assemble(url: &str, params: &[(&str, &str)]) -> Result<String> {
    let extra: usize = params.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
    let mut out = String::with_capacity(url.len() + extra);
    out.push_str(url);
    let mut sep = if url.contains('?') { '&' } else { '?' };
    for (k, v) in params {
        out.push(sep);
        out.push_str(k);
        out.push('=');
        out.push_str(v);
        sep = '&';
    }
    if out.len() > MAX_URL_LEN {
        return Err(Error::UrlTooLong {
            url: url.into(),
            length: out.len(),
            limit: MAX_URL_LEN,
        });
    }
    Ok(out)
}

impl Signer {
    /// Signs `url` \[R1\]-\[R4\], \[R9\]: canned when the request allows it and `mode` does not
    /// forbid it, custom otherwise.
    ///
    /// The URL is checked with [`check_url`]; a policy resource must be a valid pattern
    /// that matches the URL ([`policy::resource_matches`]). A policy resource equal to the
    /// URL is no pattern: that request stays canned.
    ///
    /// ```
    /// # fn main() -> Result<(), cfsign::Error> {
    /// # let pem = std::fs::read("keys/private_key.pem").unwrap();
    /// let key = cfsign::PrivateKey::from_pem(&pem, None, "keys/private_key.pem")?;
    /// let signer = cfsign::Signer::new(key, cfsign::KeyPairId::new("K2JCJMDEHXQW5F")?);
    /// let signed = signer.sign_url(
    ///     "https://d111111abcdef8.cloudfront.net/image.jpg",
    ///     &cfsign::UrlPolicy::expires(1767290400),
    /// )?;
    /// assert!(signed.url.starts_with(
    ///     "https://d111111abcdef8.cloudfront.net/image.jpg?Expires=1767290400&Signature="
    /// ));
    /// assert!(signed.url.ends_with("&Key-Pair-Id=K2JCJMDEHXQW5F"));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// The errors of [`check_url`], [`policy::check_resource`] and
    /// [`Condition::validate`]; [`Error::ResourceMismatch`] when the resource does not
    /// cover the URL; [`Error::CannedNotPossible`]; [`Error::UrlTooLong`];
    /// [`Error::Crypto`].
    pub fn sign_url(&self, url: &str, request: &UrlPolicy) -> Result<SignedUrl> {
        let mut warnings = check_url(url)?;
        request.condition.validate_for_signing()?;
        let (resource, is_pattern) = match request.policy_resource.as_deref() {
            Some(r) if policy::is_pattern(r, Some(url)) => {
                policy::check_resource(r)?;
                if !policy::resource_matches(r, url) {
                    return Err(Error::ResourceMismatch {
                        url: url.into(),
                        resource: r.into(),
                    });
                }
                // The '*' belongs to the pattern here, not to a canned resource.
                warnings.retain(|w| *w != Warning::LiteralStar);
                warnings.extend(Warning::grants_everything(Some(r)));
                (r, true)
            }
            _ => (url, false),
        };
        let policy_type = policy::choose_type(is_pattern, &request.condition, request.mode)?;
        if policy_type == PolicyType::Custom && warnings.contains(&Warning::LiteralStar) {
            // The URL is the Resource of a custom policy: its '*' is no literal there.
            warnings.retain(|w| *w != Warning::LiteralStar);
            warnings.push(Warning::StarIsWildcard);
        }
        let policy = Policy::new(resource, request.condition.clone());
        self.finish(url, policy_type, policy.to_json(), policy, warnings)
    }

    /// Signs `url` with a policy document given by the user, byte for byte as written
    /// (as the reference signers do with a caller-supplied policy).
    ///
    /// # Errors
    /// The errors of [`check_url`]; [`Error::ResourceMismatch`] when the policy's resource
    /// does not cover the URL; [`Error::UrlTooLong`]; [`Error::Crypto`].
    pub fn sign_url_with_policy(&self, url: &str, raw: &RawPolicy) -> Result<SignedUrl> {
        let mut warnings = check_url(url)?;
        warnings.retain(|w| *w != Warning::LiteralStar);
        warnings.extend(Warning::grants_everything(raw.policy().resource()));
        raw.policy().condition().validate_for_signing()?;
        if !raw.policy().covers(url) {
            return Err(Error::ResourceMismatch {
                url: url.into(),
                resource: raw.policy().resource().unwrap_or_default().into(),
            });
        }
        let text = String::from_utf8_lossy(raw.bytes()).into_owned();
        self.finish(
            url,
            PolicyType::Custom,
            text,
            raw.policy().clone(),
            warnings,
        )
    }

    fn finish(
        &self,
        url: &str,
        policy_type: PolicyType,
        policy_text: String,
        policy: Policy,
        warnings: Vec<Warning>,
    ) -> Result<SignedUrl> {
        let signature = self.sign_policy(policy_text.as_bytes())?;
        let expires = policy.condition().date_less_than.to_string();
        let encoded_policy;
        let mut params: Vec<(&str, &str)> = Vec::with_capacity(4);
        match policy_type {
            PolicyType::Canned => params.push((EXPIRES, &expires)),
            PolicyType::Custom => {
                encoded_policy = crate::encoding::encode(policy_text.as_bytes());
                params.push((POLICY, &encoded_policy));
            }
        }
        params.push((SIGNATURE, &signature));
        params.push((KEY_PAIR_ID, self.key_pair_id().as_str()));
        if let Some(h) = self.hash_algorithm().parameter() {
            params.push((HASH_ALGORITHM, h));
        }
        let signed = assemble(url, &params)?;
        Ok(SignedUrl {
            url: signed,
            resource: policy.resource().map(str::to_string),
            policy_type,
            policy: policy_text,
            condition: policy.statement.condition,
            key_pair_id: self.key_pair_id().to_string(),
            hash_algorithm: self.hash_algorithm(),
            key_algorithm: self.key_algorithm(),
            warnings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_clients_would_not_send() {
        for (url, needle) in [
            ("https://d1.net/my file.jpg", "https://d1.net/my%20file.jpg"),
            ("https://d1.net/café.jpg", "caf%C3%A9"),
            ("https://d1.net/a\"b", "%22"),
            ("https://d1.net/a\\b", "%5C"),
        ] {
            let e = check_url(url).unwrap_err();
            assert!(e.hint().unwrap().contains(needle), "{url}: {:?}", e.hint());
        }
        for (url, needle) in [
            ("https://d1.net/a#x", "fragment"),
            ("ftp://d1.net/a", "scheme"),
            ("d111.cloudfront.net/a", "no scheme"),
            ("https:/d111.cloudfront.net/a", "missing a slash"),
            ("https:///a", "no host"),
            ("https://d1.net/a?Expires=5", "\"Expires\""),
            ("https://d1.net/a?x=1&Key-Pair-Id=K", "\"Key-Pair-Id\""),
        ] {
            let e = check_url(url).unwrap_err().to_string();
            assert!(e.contains(needle), "{url}: {e}");
        }
        assert!(
            check_url("https://d1.net/a?expiresAt=5")
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn warnings() {
        assert_eq!(
            check_url("https://bucket.s3.amazonaws.com/a").unwrap(),
            vec![Warning::S3Endpoint {
                host: "bucket.s3.amazonaws.com".into()
            }]
        );
        assert_eq!(
            check_url("https://s3.eu-west-1.amazonaws.com/b/a")
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            check_url("https://d1.net/a*b").unwrap(),
            vec![Warning::LiteralStar]
        );
        assert!(
            check_url("https://d111111abcdef8.cloudfront.net/a")
                .unwrap()
                .is_empty()
        );
    }

    /// Regression: user info, an empty host before a port, a non-numeric port and an
    /// unclosed IPv6 bracket were signed, though clients never send such URLs as given.
    #[test]
    fn authority_that_clients_would_not_send_is_refused() {
        for (url, needle) in [
            ("https://user:pw@d1.net/a", "user info"),
            ("https://@/a", "user info"),
            ("https://:443/a", "no host"),
            ("https://[::1/a", "closing ']'"),
            ("https://d1.net:abc/a", "port \"abc\""),
            ("https://d1.net:70000/a", "port \"70000\""),
            ("https://d1.net:/a", "port \"\""),
        ] {
            let e = check_url(url).unwrap_err().to_string();
            assert!(e.contains(needle), "{url}: {e}");
        }
        assert_eq!(
            check_url("https://[::1]:8443/a").unwrap(),
            vec![Warning::OtherPort { port: 8443 }]
        );
        assert_eq!(
            check_url("https://d1.net:8443/a").unwrap(),
            vec![Warning::OtherPort { port: 8443 }]
        );
    }

    /// Regression (review bug 3): a host with two colons signed with exit 0 and a
    /// nonsense warning ("default port dropped"), though browsers and curl refuse it.
    #[test]
    fn host_with_two_colons_signed() {
        for (url, port) in [
            ("https://d1.net:443:443/a", "\"443:443\""),
            ("https://d1.net:a:443/a", "\"a:443\""),
            ("https://d1.net:1:2/a", "\"1:2\""),
        ] {
            let e = check_url(url).unwrap_err();
            assert!(matches!(e, Error::UrlForm { .. }), "{url}: {e:?}");
            let text = e.to_string();
            assert!(
                text.contains(&format!("has the port {port}, which is not a number")),
                "{url}: {text}"
            );
        }
    }

    /// Regression (review bug 4): invalid IPv6 literals signed silently.
    #[test]
    fn invalid_ipv6_literals_signed_silently() {
        for (url, needle) in [
            (
                "https://[zz]/a",
                "has the host [zz], which is no IPv6 address",
            ),
            ("https://[]/a", "has the host [], which is no IPv6 address"),
            (
                "https://[fe80::1%25eth0]/a",
                "has the IPv6 host [fe80::1%25eth0] with a zone ID",
            ),
        ] {
            let e = check_url(url).unwrap_err().to_string();
            assert!(e.contains(needle), "{url}: {e}");
        }
        assert!(check_url("https://[2001:db8::1]/a").unwrap().is_empty());
    }

    /// Regression (fuzz round trip, cookies): hosts empty between dots, starting with a
    /// dot, only dots, or holding characters no host name holds were accepted, so
    /// `sign_cookies` signed cookies whose domain no client could match.
    #[test]
    fn hosts_no_client_can_request_were_accepted() {
        for (url, needle) in [
            ("http://../", "with an empty label"),
            ("https://..i/", "with an empty label"),
            ("https://a..b/x", "with an empty label"),
            ("https://.a(g/", "which holds '('"),
            ("https://a(g.net/", "which holds '('"),
        ] {
            let e = check_url(url).unwrap_err().to_string();
            assert!(e.contains(needle), "{url}: {e}");
        }
        // The fully-qualified form with one trailing dot is a host clients request.
        assert!(check_url("https://d1.net./a").unwrap().is_empty());
        assert!(check_url("https://my_host.example/a").unwrap().is_empty());
    }

    /// Regression: URLs that clients normalise before sending were signed silently, so
    /// CloudFront answered 403 for the form it received.
    #[test]
    fn forms_clients_rewrite_are_warned_with_the_sent_form() {
        for (url, sent) in [
            ("https://D1.Net/a", "https://d1.net/a"),
            ("http://d1.net:80/a?x=1", "http://d1.net/a?x=1"),
            ("https://d1.net:443/a", "https://d1.net/a"),
            ("https://d1.net/./a/../b", "https://d1.net/b"),
            ("https://d1.net/a/..", "https://d1.net/"),
            ("https://d1.net", "https://d1.net/"),
            ("https://d1.net?x", "https://d1.net/?x"),
        ] {
            let w = check_url(url).unwrap();
            assert!(
                matches!(&w[..], [Warning::ClientForm { sent: s, .. }] if s == sent),
                "{url}: {w:?}"
            );
        }
        assert!(check_url("https://d1.net/a/b.c/..d").unwrap().is_empty());
    }

    /// Regression (issue 10.4): forms browsers normalise were signed silently: a
    /// percent-encoded host, a numeric host, a port with leading zeros, `%2e%2e`
    /// segments; and ports CloudFront does not listen on.
    #[test]
    fn forms_browsers_normalise_were_signed_silently() {
        for (url, sent, changes) in [
            (
                "https://d%31.net/a",
                "https://d1.net/a",
                "percent-escapes in the host decoded",
            ),
            (
                "https://0x7f.1/a",
                "https://127.0.0.1/a",
                "host read as the IPv4 address 127.0.0.1",
            ),
            (
                "https://010.0.0.1/a",
                "https://8.0.0.1/a",
                "host read as the IPv4 address 8.0.0.1",
            ),
            (
                "https://3232235777/a",
                "https://192.168.1.1/a",
                "host read as the IPv4 address 192.168.1.1",
            ),
            (
                "http://d1.net:080/a",
                "http://d1.net/a",
                "default port dropped",
            ),
            (
                "https://d1.net:0443/a",
                "https://d1.net/a",
                "default port dropped",
            ),
            (
                "https://d1.net/a/%2e%2e/b",
                "https://d1.net/b",
                "'.' and '..' segments resolved (%2e is a dot)",
            ),
            (
                "https://d1.net/a/.%2E/b/%2e/c",
                "https://d1.net/b/c",
                "'.' and '..' segments resolved (%2e is a dot)",
            ),
        ] {
            let w = check_url(url).unwrap();
            assert_eq!(
                w,
                vec![Warning::ClientForm {
                    sent: sent.into(),
                    changes: changes.into()
                }],
                "{url}"
            );
        }
        let w = check_url("https://d1.net:08443/a").unwrap();
        assert_eq!(
            w,
            vec![
                Warning::ClientForm {
                    sent: "https://d1.net:8443/a".into(),
                    changes: "leading zeros of the port dropped".into()
                },
                Warning::OtherPort { port: 8443 }
            ]
        );
        assert!(
            w[1].to_string()
                .contains("only on port 80 (http) and 443 (https)")
        );
        // Host names that end in a letter, and plain dotted addresses, are left alone.
        for url in [
            "https://d1.net/a",
            "https://192.0.2.1/a",
            "https://a.0x/a",
            "https://1.2.3.4.5/a",
        ] {
            let w = check_url(url).unwrap();
            assert!(
                !w.iter().any(|w| matches!(w, Warning::ClientForm { .. })),
                "{url}: {w:?}"
            );
        }
        assert_eq!(
            numeric_host("0x7f.1"),
            Some(std::net::Ipv4Addr::new(127, 0, 0, 1))
        );
        assert_eq!(numeric_host("256.1.1.1"), None);
        assert_eq!(numeric_host("1.2.3.4.5"), None);
        assert_eq!(numeric_host("d1.net"), None);
    }

    /// What clients send for the forms signing refuses (verify answers for this form).
    #[test]
    fn sent_form_of_refused_urls() {
        for (url, sent) in [
            ("HTTPS://D1.net/a", "https://d1.net/a"),
            ("https://user:pw@d1.net/a", "https://d1.net/a"),
            ("https://d1.net/my file.jpg", "https://d1.net/my%20file.jpg"),
            ("https://d1.net/café", "https://d1.net/caf%C3%A9"),
            ("https://d1.net?x=1", "https://d1.net/?x=1"),
            ("https://d1.net:443/a/../b", "https://d1.net/b"),
        ] {
            assert_eq!(sent_form(url).unwrap().url, sent, "{url}");
        }
        assert_eq!(sent_form("https://d1.net/a").unwrap().changes, "");
        assert_eq!(sent_form("no-scheme"), None);
    }

    /// Regression: `<>{}` and a `'` in the query were signed silently, though browsers
    /// request the percent-encoded form and CloudFront then answers 403.
    #[test]
    fn characters_browsers_encode_are_warned_with_their_form() {
        assert_eq!(
            check_url("https://d1.net/a<b>{c}`d'e?q='x'&r=<y>").unwrap(),
            vec![Warning::BrowserForm {
                sent: "https://d1.net/a%3Cb%3E%7Bc%7D%60d'e?q=%27x%27&r=%3Cy%3E".into()
            }]
        );
        // The sub-delimiters of the vectors stay as they are.
        assert!(
            check_url("https://d1.net/v1/a:b@c;d=e,f$g!h'i(j).jpg")
                .unwrap()
                .is_empty()
        );
    }

    /// Regression (issue 11): two warnings named command-line options
    /// (`--policy-resource`, `--no-secure`) in the library; a service has no such options,
    /// so the library says the fix in domain words and the CLI adds the option.
    #[test]
    fn library_warnings_named_command_line_options() {
        let all = [
            Warning::S3Endpoint {
                host: "b.s3.amazonaws.com".into(),
            },
            Warning::LiteralStar,
            Warning::StarIsWildcard,
            Warning::ClientForm {
                sent: "https://d1.net/".into(),
                changes: "'/' added as the path".into(),
            },
            Warning::BrowserForm {
                sent: "https://d1.net/%3C".into(),
            },
            Warning::OtherPort { port: 8443 },
            Warning::SecureCookieOverHttp,
            Warning::grants_everything(None).unwrap(),
        ];
        for w in all {
            let text = w.to_string();
            assert!(!text.contains("--"), "{text}");
        }
        assert!(
            Warning::LiteralStar
                .to_string()
                .ends_with("sign a policy resource with a wildcard, or use signed cookies")
        );
        assert!(
            Warning::SecureCookieOverHttp
                .to_string()
                .ends_with("leave out the Secure attribute for plain HTTP")
        );
    }

    #[test]
    fn separators() {
        assert_eq!(
            assemble("https://d1.net/a", &[("A", "1"), ("B", "2")]).unwrap(),
            "https://d1.net/a?A=1&B=2"
        );
        assert_eq!(
            assemble("https://d1.net/a?x", &[("A", "1")]).unwrap(),
            "https://d1.net/a?x&A=1"
        );
        assert_eq!(
            assemble("https://d1.net/a?", &[("A", "1")]).unwrap(),
            "https://d1.net/a?&A=1"
        );
        let long = format!("https://d1.net/{}", "a".repeat(MAX_URL_LEN));
        assert!(matches!(
            assemble(&long, &[]),
            Err(Error::UrlTooLong { .. })
        ));
    }
}
