//! Offline verification of signed URLs and signed cookies: what CloudFront would answer,
//! and why.
//!
//! [`verify_url`] and [`verify_cookies`] run CloudFront's checks in its order and stop at
//! the first failure, returning a [`Verdict`]: [`Verdict::Serve`], or [`Verdict::Refuse`]
//! with the error code CloudFront would put in its 403 answer ([`ErrorCode`]) and a
//! [`Reason`] in plain words. The order is:
//!
//! 1. `Key-Pair-Id` present and not empty, else `MissingKey`;
//! 2. the ID known (the expected ID, or one of a key group's IDs), else `InvalidKey`;
//! 3. `Signature` present and in CloudFront's base64, else `MalformedSignature`;
//! 4. exactly one of `Expires` / `Policy`, a whole-number `Expires`, a `Policy` that
//!    decodes and parses strictly, else `MalformedPolicy`;
//! 5. the signature matches the policy bytes (the canned policy rebuilt from the URL
//!    without its signing parameters [\[R1\]](crate::rules#r1), [\[R2\]](crate::rules#r2)), else `AccessDenied`; when it can tell,
//!    the reason says why ([`Diagnosis`]);
//! 6. the time before `DateLessThan` and after `DateGreaterThan`, the client IP inside
//!    `IpAddress` (when one is given), the URL matched by the policy's `Resource` [\[R5\]](crate::rules#r5),
//!    else `AccessDenied`.
//!
//! CloudFront documents the error codes but not the order between the two `Malformed`
//! codes; cfsign checks the signature's encoding first. Nor does it document which value
//! counts when a signing parameter (or cookie) is given twice: a request that depends on
//! it is not safe to hand out, so cfsign refuses it first of all
//! ([`Reason::DuplicateParameter`], reported as `AccessDenied`: CloudFront's own code for
//! it is undocumented).

mod check;
mod diagnose;
mod note;
mod reason;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use crate::cookies::{self, CookieEntry};
use crate::key::{KeyAlgorithm, PublicKey};
use crate::policy::{Policy, PolicyType};
use crate::request::{SplitUrl, split_signed_url, values_from_cookies};
use crate::sign::HashAlgorithm;
use crate::url;
use check::Check;
pub use note::Note;
pub use reason::{Diagnosis, ErrorCode, Reason};

/// What CloudFront would do with the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// CloudFront would serve it.
    Serve,
    /// CloudFront would answer 403 with [`Reason::code`].
    Refuse(Reason),
}

/// The keys CloudFront trusts for the request.
#[derive(Debug)]
#[non_exhaustive]
pub enum TrustedKeys {
    /// One public key; with `key_pair_id`, only that ID is accepted, without it any ID.
    Single {
        /// The public key.
        key: PublicKey,
        /// The ID it is registered under, when known.
        key_pair_id: Option<String>,
    },
    /// A key group: key pair ID → public key.
    Group(BTreeMap<String, PublicKey>),
}

impl TrustedKeys {
    fn lookup(&self, id: &str) -> Option<&PublicKey> {
        match self {
            TrustedKeys::Single { key, key_pair_id } => match key_pair_id {
                Some(expected) if expected != id => None,
                _ => Some(key),
            },
            TrustedKeys::Group(map) => map.get(id),
        }
    }

    fn ids(&self) -> Vec<String> {
        match self {
            TrustedKeys::Single { key_pair_id, .. } => key_pair_id.iter().cloned().collect(),
            TrustedKeys::Group(map) => map.keys().cloned().collect(),
        }
    }
}

/// The request as CloudFront would see it, besides the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestContext {
    /// The request time, Unix seconds (UTC).
    pub at: i64,
    /// The viewer's address; `None` skips the `IpAddress` check.
    pub client_ip: Option<Ipv4Addr>,
}

/// The result of a verification: the verdict and what was found on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verification {
    /// Serve or refuse.
    pub verdict: Verdict,
    /// The URL requested, without the signing parameters (and fragment).
    pub url: String,
    /// The key pair ID, when present.
    pub key_pair_id: Option<String>,
    /// Canned or custom, when known.
    pub policy_type: Option<PolicyType>,
    /// The policy bytes that the signature covers (rebuilt for canned), when known.
    pub policy: Option<String>,
    /// The policy, when it was read.
    pub parsed_policy: Option<Policy>,
    /// The hash algorithm claimed by the request.
    pub hash_algorithm: HashAlgorithm,
    /// The algorithm of the key that checked the signature, when one did.
    pub key_algorithm: Option<KeyAlgorithm>,
    /// Remarks: checks skipped (no client IP), a fragment ignored.
    pub notes: Vec<Note>,
}

impl Verification {
    /// Whether CloudFront would serve the request.
    pub fn serves(&self) -> bool {
        self.verdict == Verdict::Serve
    }
}

/// Verifies a signed URL as CloudFront would, for a request at `ctx.at` from
/// `ctx.client_ip`. The canned policy is rebuilt from the URL without its signing
/// parameters, byte for byte [\[R1\]](crate::rules#r1), [\[R2\]](crate::rules#r2); a `#fragment` is ignored (clients never send it).
///
/// ```
/// use cfsign::verify::{verify_url, RequestContext, TrustedKeys, Verdict};
/// let pem = std::fs::read("keys/private_key.pem").unwrap();
/// let key = cfsign::PrivateKey::from_pem(&pem, None, "demo").unwrap();
/// let signer = cfsign::Signer::new(key, cfsign::KeyPairId::new("KDEMO").unwrap());
/// let signed = signer
///     .sign_url("https://d1.example/a.jpg", &cfsign::UrlOptions::expires(2_000_000_000))
///     .unwrap();
/// let keys = TrustedKeys::Single { key: signer.public_key(), key_pair_id: Some("KDEMO".into()) };
/// let ctx = RequestContext { at: 1_900_000_000, client_ip: None };
/// assert_eq!(verify_url(&signed.url, &keys, ctx).verdict, Verdict::Serve);
/// ```
pub fn verify_url(signed_url: &str, keys: &TrustedKeys, ctx: RequestContext) -> Verification {
    let (request, client_notes) = as_sent(signed_url);
    let mut v = Check {
        split: split_signed_url(&request),
        keys,
        ctx,
        url_diagnoses: true,
    }
    .run();
    v.notes.splice(0..0, client_notes);
    v
}

/// The URL as the client sends it, with the notes that say so: the same rules as signing
/// ([`url::sent_form`], [`url::check_url`]'s warnings). A client normalises the URL before
/// sending it (lower-case host, no default port, `.`/`..` resolved, raw spaces encoded,
/// user info dropped, ...) and CloudFront checks the signature against what it receives,
/// so the verdict is that form's. The fragment is kept for [`split_signed_url`] to note.
fn as_sent(url: &str) -> (String, Vec<Note>) {
    let (body, fragment) = url.split_at(url.find('#').unwrap_or(url.len()));
    let mut notes = Vec::new();
    let Some(sent) = url::sent_form(body) else {
        return (url.to_string(), notes);
    };
    let request = if sent.changes.is_empty() {
        url.to_string()
    } else {
        // The note shows the URL without its signing parameters, as signing does.
        let base = split_signed_url(body).base;
        let shown = url::sent_form(&base).map_or(sent.url.clone(), |s| s.url);
        notes.push(Note::Url(url::Warning::ClientForm {
            sent: shown,
            changes: sent.changes.clone(),
        }));
        format!("{}{fragment}", sent.url)
    };
    if let Some(port) = sent.other_port {
        notes.push(Note::Url(url::Warning::OtherPort { port }));
    }
    (request, notes)
}

/// Verifies signed cookies (name, value pairs; names are case-sensitive [\[R17\]](crate::rules#r17)) for a
/// request of `url`, as CloudFront would; the canned policy is rebuilt from `url` as given.
///
/// When `url` holds any signed-URL query parameter (`Expires`, `Policy`, `Signature`,
/// `Key-Pair-Id`, `Hash-Algorithm`), CloudFront treats the request as a signed URL and
/// does not look at the signed cookies ("Signed URLs take precedence over signed
/// cookies", CloudFront Developer Guide, *Decide to use signed URLs or signed cookies*:
/// <https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-choosing-signed-urls-cookies.html>).
/// So does this function: it returns [`verify_url`]'s verification of `url`, with a note
/// that the cookies were ignored.
pub fn verify_cookies(
    cookies: &[(String, String)],
    url: &str,
    keys: &TrustedKeys,
    ctx: RequestContext,
) -> Verification {
    let in_query = split_signed_url(url).values.present();
    if !in_query.is_empty() {
        let mut v = verify_url(url, keys, ctx);
        v.notes.push(Note::CookiesIgnored {
            parameters: in_query,
        });
        return v;
    }
    let values = values_from_cookies(cookies);
    let (url, client_notes) = as_sent(url);
    let mut v = Check {
        split: SplitUrl::with_values(&url, values),
        keys,
        ctx,
        url_diagnoses: false,
    }
    .run();
    v.notes.splice(0..0, client_notes);
    v
}

/// Verifies signed cookies read with their attributes ([`cookies::parse_cookie_entries`])
/// for a request of `url`: a `CloudFront-*` cookie that the client would not send (its `Path`
/// or `Domain` does not cover `url`, or its jar expiry is not after `ctx.at`) is left out,
/// as CloudFront would never see it. When that leads to a refusal, the reason is
/// [`Reason::CookieNotSent`] naming the first such cookie (in the order CloudFront
/// checks: Key-Pair-Id, Signature, Expires, Policy, Hash-Algorithm) and the code CloudFront
/// would answer without it; every cookie left out gets a note. Otherwise as
/// [`verify_cookies`] (which also applies when `url` holds signed-URL parameters).
pub fn verify_cookie_entries(
    entries: &[CookieEntry],
    url: &str,
    keys: &TrustedKeys,
    ctx: RequestContext,
) -> Verification {
    let pairs = |list: &[&CookieEntry]| -> Vec<(String, String)> {
        list.iter()
            .map(|e| (e.name.clone(), e.value.clone()))
            .collect()
    };
    let all: Vec<&CookieEntry> = entries.iter().collect();
    if !split_signed_url(url).values.present().is_empty() {
        return verify_cookies(&pairs(&all), url, keys, ctx);
    }
    let signing = [
        cookies::KEY_PAIR_ID,
        cookies::SIGNATURE,
        cookies::EXPIRES,
        cookies::POLICY,
        cookies::HASH_ALGORITHM,
    ];
    let mut left_out: Vec<(&CookieEntry, &'static str, String)> = Vec::new();
    let mut sent = Vec::new();
    for e in entries {
        match signing
            .contains(&e.name.as_str())
            .then(|| e.not_sent(url, ctx.at))
            .flatten()
        {
            Some((attribute, problem)) => left_out.push((e, attribute, problem)),
            None => sent.push(e),
        }
    }
    let mut v = verify_cookies(&pairs(&sent), url, keys, ctx);
    for (e, _, problem) in &left_out {
        v.notes.push(Note::CookieLeftOut {
            cookie: e.name.clone(),
            problem: problem.clone(),
        });
    }
    if let Verdict::Refuse(reason) = &v.verdict
        && let Some((e, attribute, problem)) = signing
            .iter()
            .find_map(|n| left_out.iter().find(|(e, ..)| e.name == *n))
    {
        v.verdict = Verdict::Refuse(Reason::CookieNotSent {
            cookie: e.name.clone(),
            attribute,
            problem: problem.clone(),
            code: reason.code(),
        });
    }
    v
}
