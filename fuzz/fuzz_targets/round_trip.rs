//! The round trip: whatever `sign` accepts (URLs and cookies, canned and custom, any
//! resource, times, IP range, key and hash), `verify` serves at a time and address
//! the policy allows, and `inspect` decodes, without a key, to the values signed. The
//! cookies are read back from every form the library writes (`Cookie:` header,
//! `Set-Cookie` lines, Netscape jar; the JSON form is the CLI's, read back by its tests).
#![no_main]

use std::net::Ipv4Addr;

use arbitrary::Arbitrary;
use cfsign::verify::{RequestContext, verify_cookie_entries, verify_cookies, verify_url};
use cfsign::{
    Condition, CookieAttributes, CookieOptions, PolicyMode, PolicyType, SignedUrl, SourceIp,
    UrlOptions, Warning,
};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum Resource {
    /// The URL itself.
    Url,
    /// A prefix of the URL (cut at a byte count) followed by `*`.
    PrefixStar(u16),
    /// Any text.
    Text(String),
}

#[derive(Arbitrary, Debug)]
struct Input {
    https: bool,
    host: String,
    path: String,
    expires: u32,
    start: Option<u32>,
    ip: Option<([u8; 4], u8)>,
    mode: u8,
    resource: Option<Resource>,
    ec: bool,
    sha256: bool,
    cookie_domain: Option<String>,
    cookie_path: Option<String>,
    secure: bool,
    http_only: bool,
    max_age: Option<u32>,
}

fn resource_for(r: &Option<Resource>, url: &str) -> Option<String> {
    match r.as_ref()? {
        Resource::Url => Some(url.to_string()),
        Resource::PrefixStar(cut) => {
            let mut cut = usize::from(*cut).min(url.len());
            while !url.is_char_boundary(cut) {
                cut -= 1;
            }
            Some(format!("{}*", &url[..cut]))
        }
        Resource::Text(t) => Some(t.clone()),
    }
}

/// The host (lower case) and path (`/` when empty, without the query) of a URL that
/// `check_url` accepted.
fn host_and_path(url: &str) -> (String, &str) {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split('?').next().unwrap_or_default();
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host = authority.split(':').next().unwrap_or_default();
    (
        host.to_ascii_lowercase(),
        if path.is_empty() { "/" } else { path },
    )
}

/// RFC 6265 section 5.1.4 path-match.
fn path_matches(cookie_path: &str, request_path: &str) -> bool {
    request_path == cookie_path
        || (request_path.starts_with(cookie_path)
            && (cookie_path.ends_with('/')
                || request_path.as_bytes().get(cookie_path.len()) == Some(&b'/')))
}

/// A time the policy allows, when there is one.
fn allowed_time(c: &Condition) -> Option<i64> {
    let at = match c.date_greater_than {
        Some(start) => start + 1,
        None => c.date_less_than - 1,
    };
    (at >= 0 && at < c.date_less_than).then_some(at)
}

fn check_url_round_trip(signed: &SignedUrl, url: &str, ctx: RequestContext) {
    // Signing warned that clients send another form of this URL (no path, upper-case
    // host, ...); verify judges the form clients send, so it may refuse, as CloudFront would.
    let client_form = signed
        .warnings
        .iter()
        .any(|w| matches!(w, Warning::ClientForm { .. } | Warning::BrowserForm { .. }));
    let v = verify_url(&signed.url, cfsign_fuzz::trusted_keys(), ctx);
    if !client_form {
        assert!(
            v.serves(),
            "signed {signed:?}, verify refused: {:?}",
            v.verdict
        );
        assert_eq!(v.policy.as_deref(), Some(signed.policy.as_str()));
        assert_eq!(v.policy_type, Some(signed.policy_type));
    }

    let ins = cfsign::inspect::inspect_url(&signed.url);
    assert!(ins.problems.is_empty(), "{signed:?}: {:?}", ins.problems);
    assert_eq!(ins.base_url, url);
    assert_eq!(ins.policy_type, Some(signed.policy_type));
    assert_eq!(ins.policy.as_deref(), Some(signed.policy.as_str()));
    assert_eq!(ins.resource, signed.resource);
    assert_eq!(ins.date_less_than, Some(signed.condition.date_less_than));
    assert_eq!(ins.date_greater_than, signed.condition.date_greater_than);
    assert_eq!(
        ins.ip_address,
        signed.condition.ip_address.map(|ip| ip.to_string())
    );
    assert_eq!(
        ins.key_pair_id.as_deref(),
        Some(signed.key_pair_id.as_str())
    );
    assert_eq!(
        ins.hash_algorithm.as_deref(),
        signed.hash_algorithm.parameter()
    );
    let sig = ins.signature_len.expect("signature decoded");
    assert!(sig > 0);
}

fuzz_target!(|input: Input| {
    let scheme = if input.https { "https" } else { "http" };
    let url = format!("{scheme}://{}{}", input.host, input.path);
    let ip = match input.ip {
        Some((a, prefix)) => match SourceIp::new(Ipv4Addr::from(a), prefix) {
            Ok(ip) => Some(ip),
            Err(_) => return,
        },
        None => None,
    };
    let condition = Condition {
        date_less_than: i64::from(input.expires),
        date_greater_than: input.start.map(i64::from),
        ip_address: ip,
    };
    let mode = match input.mode % 3 {
        0 => PolicyMode::Auto,
        1 => PolicyMode::Canned,
        _ => PolicyMode::Custom,
    };
    let resource = resource_for(&input.resource, &url);
    let signer = cfsign_fuzz::signer_for(input.ec, input.sha256);
    // Verification judges the URL as clients send it: when clients send another form
    // (check_url warns: no path, an IPv4 number, upper-case host, ...), CloudFront may
    // refuse what was signed, so serving is only required for URLs clients send as is.
    let sent_as_is = cfsign::url::check_url(&url).is_ok_and(|w| {
        !w.iter()
            .any(|w| matches!(w, Warning::ClientForm { .. } | Warning::BrowserForm { .. }))
    });
    let ctx = allowed_time(&condition)
        .filter(|_| sent_as_is)
        .map(|at| RequestContext {
            at,
            client_ip: ip.map(|r| r.addr()),
        });
    if let Some(r) = ip {
        assert!(r.contains(r.addr()), "{r} does not contain its own address");
    }

    let request = UrlOptions {
        policy_resource: resource.clone(),
        condition: condition.clone(),
        mode,
    };
    match signer.sign_url(&url, &request) {
        Ok(signed) => {
            if let Some(ctx) = ctx {
                check_url_round_trip(&signed, &url, ctx);
            }
        }
        Err(e) => cfsign_fuzz::exercise_error(&e),
    }

    let cookie_request = CookieOptions {
        condition,
        mode,
        attributes: CookieAttributes {
            domain: input.cookie_domain,
            path: input.cookie_path,
            secure: input.secure,
            http_only: input.http_only,
            max_age: input.max_age.map(i64::from),
            expires: None,
        },
    };
    let cookie_resource = resource.unwrap_or_else(|| url.clone());
    let cookies = match signer.sign_cookies(&cookie_resource, &cookie_request) {
        Ok(c) => c,
        Err(e) => return cfsign_fuzz::exercise_error(&e),
    };
    let client_form = cookies
        .warnings
        .iter()
        .any(|w| matches!(w, Warning::ClientForm { .. } | Warning::BrowserForm { .. }));
    // A pattern (or any exact text) resource may not cover the URL requested here: the
    // cookies are then rightly refused for it, so serving is required only when the
    // signed policy covers the URL (a canned one only the URL it names).
    let covered = match cookies.policy_type {
        PolicyType::Canned => cookies.resource == url,
        PolicyType::Custom => {
            cfsign::Policy::from_json(cookies.policy.as_bytes()).is_ok_and(|p| p.covers(&url))
        }
    };
    let Some(ctx) = ctx.filter(|_| !client_form && covered) else {
        return;
    };
    // The request URL: the resource when it is exact, the URL it was cut from otherwise.
    let keys = cfsign_fuzz::trusted_keys();
    let pairs = cfsign::cookies::parse_cookie_header(&cookies.to_cookie_header())
        .expect("cfsign's own Cookie header reads back");
    let v = verify_cookies(&pairs, &url, keys, ctx);
    assert!(v.serves(), "{cookies:?} for {url}: {:?}", v.verdict);
    assert_eq!(v.policy.as_deref(), Some(cookies.policy.as_str()));

    let ins = cfsign::inspect::inspect_cookies(&pairs, &url);
    assert!(ins.problems.is_empty(), "{cookies:?}: {:?}", ins.problems);
    assert_eq!(ins.policy_type, Some(cookies.policy_type));
    assert_eq!(ins.policy.as_deref(), Some(cookies.policy.as_str()));
    assert_eq!(ins.date_less_than, Some(cookies.expires()));
    assert_eq!(ins.date_greater_than, cookies.condition.date_greater_than);
    assert_eq!(
        ins.key_pair_id.as_deref(),
        Some(cookies.key_pair_id.as_str())
    );

    let forms = [
        ("Set-Cookie", cookies.to_set_cookie_headers()),
        ("Netscape", cookies.to_netscape().unwrap_or_default()),
    ];
    // A Secure cookie is never sent over http:// (RFC 6265), and the attribute-carrying
    // forms say so; signing does not refuse it (the default is Secure), so those forms
    // are only checked where a client would send the cookies.
    let plain_http = url
        .get(..7)
        .is_some_and(|s| s.eq_ignore_ascii_case("http://"));
    // For a pattern resource the cookie Path and Domain are checked against the pattern,
    // not against this URL: the forms that carry them are checked only where a client
    // would send the cookies with this URL (RFC 6265 path-match and domain-match).
    let (host, path) = host_and_path(&url);
    let attributes_match = cookies
        .attributes
        .path
        .as_deref()
        .is_none_or(|p| path_matches(p, path))
        && cookies.attributes.domain.as_deref().is_none_or(|d| {
            cfsign::cookies::domain_covers(d.strip_prefix('.').unwrap_or(d), &host)
        });
    for (form, text) in forms {
        if text.is_empty() || (input.secure && plain_http) || !attributes_match {
            continue;
        }
        let entries = cfsign::cookies::parse_cookie_entries(&text)
            .unwrap_or_else(|e| panic!("{form} form {text:?} does not read back: {e}"));
        let v = verify_cookie_entries(&entries, &url, keys, ctx);
        assert!(
            v.serves(),
            "{form} form {text:?} for {url}: {:?} {:?}",
            v.verdict,
            v.notes
        );
    }
});
