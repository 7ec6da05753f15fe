//! CloudFront's "Restrict viewer access" check for an [`http::Request`], as a function
//! ([`Gate::check`]) or a tower layer ([`GateLayer`]) (feature `serve`).
//!
//! A [`Gate`] holds the trusted keys (a key group, [`TrustedKeys`]) and answers each
//! request the way a cache behavior with trusted key groups does: it rebuilds the URL
//! the viewer requested (`scheme://Host` + the path and query exactly as received), reads
//! the signed-URL parameters and the `CloudFront-*` cookies, and runs
//! [`verify::verify_cookies`] on them, which gives signed-URL parameters precedence over
//! signed cookies as CloudFront does. A refusal becomes CloudFront's answer byte for byte:
//! status 403, `Content-Type: text/xml` and
//! `<?xml version="1.0" encoding="UTF-8"?><Error><Code>…</Code><Message>…</Message></Error>`
//! ([`error_body`]). cfsign's own explanation (the [`Reason`](crate::verify::Reason) and
//! its fix) goes only in the `X-Cfsign-Reason` header ([`REASON_HEADER`]) and in a
//! [`Refusal`] response extension, never in the body, so an app sees what CloudFront
//! would send.
//!
//! The viewer's address is the client IP checked against a policy's `IpAddress`: a
//! [`ClientAddr`] (or [`std::net::SocketAddr`]) request extension, or the last address of
//! a header such as `X-Forwarded-For` ([`Gate::client_ip_header`]). CloudFront policies
//! match IPv4 only, so an IPv6 viewer (other than an IPv4-mapped one) is refused by a
//! policy with `IpAddress`, and so is a request whose address is unknown.
//!
//! ```
//! use cfsign::gate::{Decision, Gate};
//! use cfsign::verify::TrustedKeys;
//! use cfsign::{KeyPairId, PrivateKey, Signer, UrlOptions};
//!
//! let pem = std::fs::read("keys/private_key.pem").unwrap();
//! let signer = Signer::new(
//!     PrivateKey::from_pem(&pem, None, "demo").unwrap(),
//!     KeyPairId::new("KDEMOEXAMPLE01").unwrap(),
//! );
//! let gate = Gate::new(TrustedKeys::Single {
//!     key: signer.public_key(),
//!     key_pair_id: Some("KDEMOEXAMPLE01".into()),
//! })
//! .allow_unsigned("/public/*");
//!
//! let signed = signer
//!     .sign_url("http://localhost:8740/a.jpg", &UrlOptions::expires(4_000_000_000))
//!     .unwrap();
//! let path = signed.url.strip_prefix("http://localhost:8740").unwrap();
//! let request = |p: &str| {
//!     http::Request::get(p).header("host", "localhost:8740").body(()).unwrap()
//! };
//! assert!(matches!(gate.check_at(&request(path), 1_900_000_000), Decision::Allow(_)));
//! assert!(matches!(gate.check_at(&request("/public/logo.png"), 1_900_000_000), Decision::Unsigned));
//!
//! let Decision::Deny(refusal) = gate.check_at(&request("/a.jpg"), 1_900_000_000) else {
//!     panic!("an unsigned request is refused")
//! };
//! let response: http::Response<String> = refusal.response();
//! assert_eq!(response.status(), 403);
//! assert_eq!(response.headers()["content-type"], "text/xml");
//! assert_eq!(
//!     response.body(),
//!     "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>MissingKey</Code>\
//!      <Message>Missing Key-Pair-Id query parameter or cookie value</Message></Error>"
//! );
//! ```
//!
//! As a tower layer (for axum, hyper or any `tower` stack whose response body can be
//! made from a `String`):
//!
//! ```no_run
//! # fn keys() -> cfsign::verify::TrustedKeys { unimplemented!() }
//! use cfsign::gate::{Gate, GateLayer};
//! let layer = GateLayer::new(Gate::new(keys()).client_ip_header("x-forwarded-for".parse().unwrap()));
//! // axum::Router::new().route(...).layer(layer)
//! # let _ = layer;
//! ```

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::header::{CONTENT_TYPE, COOKIE, HOST, HeaderName, HeaderValue};
use http::{Request, Response, StatusCode, Uri};

use crate::verify::{self, ErrorCode, Reason, RequestContext, TrustedKeys, Verdict, Verification};

/// The response header that carries cfsign's explanation of a refusal (reason and fix).
/// CloudFront sends no such header; the XML body stays exactly CloudFront's.
pub const REASON_HEADER: &str = "x-cfsign-reason";

/// The `<Message>` CloudFront sends with each error code.
pub fn error_message(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::MissingKey => "Missing Key-Pair-Id query parameter or cookie value",
        ErrorCode::InvalidKey => "Unknown Key",
        ErrorCode::MalformedSignature => "Could not unencode Signature",
        ErrorCode::MalformedPolicy => "Malformed Policy",
        ErrorCode::AccessDenied => "Access denied",
    }
}

/// CloudFront's 403 body for `code`:
/// `<?xml version="1.0" encoding="UTF-8"?><Error><Code>CODE</Code><Message>MESSAGE</Message></Error>`.
pub fn error_body(code: ErrorCode) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{}</Code><Message>{}</Message></Error>",
        code.as_str(),
        error_message(code)
    )
}

/// The viewer's address, as a request extension (a server inserts it from the
/// connection; the gate also reads a [`SocketAddr`] extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// Why a request was refused: CloudFront's code, cfsign's reason and fix. Also inserted
/// as an extension of the 403 response, for access logs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Refusal {
    /// The code of CloudFront's answer.
    pub code: ErrorCode,
    /// What is wrong, in plain words (the `verify` reason).
    pub reason: String,
    /// How to fix it, in one line.
    pub fix: String,
}

impl Refusal {
    fn from_verification(v: &Verification, fix: fn(&Reason) -> String) -> Option<Self> {
        match &v.verdict {
            Verdict::Serve => None,
            Verdict::Refuse(r) => Some(Refusal {
                code: r.code(),
                reason: r.to_string(),
                fix: fix(r),
            }),
        }
    }

    /// The `X-Cfsign-Reason` value: `REASON; fix: FIX`, in printable ASCII (other
    /// characters become `?`, as a header value must stay on one line).
    pub fn header_value(&self) -> String {
        format!("{}; fix: {}", self.reason, self.fix)
            .chars()
            .map(|c| {
                if c == ' ' || c.is_ascii_graphic() {
                    c
                } else {
                    '?'
                }
            })
            .collect()
    }

    /// CloudFront's 403 answer: `Content-Type: text/xml`, the XML body of
    /// [`error_body`], the `X-Cfsign-Reason` header and this refusal as an extension.
    pub fn response<B: From<String>>(&self) -> Response<B> {
        let mut response = Response::new(B::from(error_body(self.code)));
        *response.status_mut() = StatusCode::FORBIDDEN;
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/xml"));
        if let Ok(v) = HeaderValue::from_str(&self.header_value()) {
            headers.insert(HeaderName::from_static(REASON_HEADER), v);
        }
        response.extensions_mut().insert(self.clone());
        response
    }
}

/// What the gate decided.
#[derive(Debug)]
#[non_exhaustive]
pub enum Decision {
    /// The path matches an [`Gate::allow_unsigned`] pattern: no check, as a cache
    /// behavior without restricted viewer access.
    Unsigned,
    /// The signed URL or cookies are valid; the verification says what was checked.
    Allow(Box<Verification>),
    /// CloudFront would answer 403.
    Deny(Box<Refusal>),
}

/// The check of a cache behavior with trusted key groups. Build it once and share it
/// (`Send + Sync`).
#[derive(Debug)]
pub struct Gate {
    keys: TrustedKeys,
    allow_unsigned: Vec<String>,
    client_ip_header: Option<HeaderName>,
    scheme: String,
    forward_signing_parameters: bool,
    fix: fn(&Reason) -> String,
}

impl Gate {
    /// A gate trusting `keys`; every path is restricted, the scheme is `http`.
    pub fn new(keys: TrustedKeys) -> Self {
        Gate {
            keys,
            allow_unsigned: Vec::new(),
            client_ip_header: None,
            scheme: "http".into(),
            forward_signing_parameters: false,
            fix: Reason::hint,
        }
    }

    /// Words the fix of a refusal (the `fix:` part of [`Refusal`]) with `fix` instead of
    /// [`Reason::hint`], for example to name a tool's own options.
    pub fn fix_wording(mut self, fix: fn(&Reason) -> String) -> Self {
        self.fix = fix;
        self
    }

    /// Lets paths matching `pattern` through unchecked, as a second cache behavior
    /// without restricted viewer access would. The pattern is a CloudFront path pattern:
    /// `*` matches any run of characters (`/` included), `?` one character, compared
    /// with the request path (without the query), case-sensitively; a missing leading
    /// `/` is added (`images/*` is `/images/*`).
    pub fn allow_unsigned(mut self, pattern: &str) -> Self {
        self.allow_unsigned.push(path_pattern(pattern));
        self
    }

    /// Takes the viewer's address from this header (for example `X-Forwarded-For` when
    /// a proxy is in front): its last address, the one the nearest proxy added. Without
    /// the header (or with an unreadable one) the connection's address is used.
    pub fn client_ip_header(mut self, name: HeaderName) -> Self {
        self.client_ip_header = Some(name);
        self
    }

    /// The scheme of the URLs the viewer requests, as signed: `http` (the default) or
    /// `https` when a TLS proxy is in front.
    pub fn scheme(mut self, scheme: &str) -> Self {
        self.scheme = scheme.to_ascii_lowercase();
        self
    }

    /// Whether [`GateLayer`] passes the signed-URL parameters (`Expires`, `Policy`,
    /// `Signature`, `Key-Pair-Id`, `Hash-Algorithm`) on to the inner service. Default
    /// `false`: they are removed, byte-faithfully, from an allowed request's query, as
    /// CloudFront is observed to remove them before it forwards a request to the origin
    /// (the Developer Guide leaves this undocumented; the other query parameters follow
    /// the cache and origin request policies).
    pub fn forward_signing_parameters(mut self, forward: bool) -> Self {
        self.forward_signing_parameters = forward;
        self
    }

    /// The URL the viewer requested: `scheme://Host` and the path and query exactly as
    /// received (no decoding or re-encoding) [\[R10\]](crate::rules#r10).
    pub fn request_url<B>(&self, req: &Request<B>) -> String {
        format!(
            "{}://{}{}",
            self.scheme,
            authority(req),
            req.uri().path_and_query().map_or("/", |pq| pq.as_str())
        )
    }

    /// The viewer's address: the configured header's last address, else a
    /// [`ClientAddr`] or [`SocketAddr`] request extension.
    pub fn client_ip<B>(&self, req: &Request<B>) -> Option<IpAddr> {
        let from_header = self.client_ip_header.as_ref().and_then(|name| {
            let last = req.headers().get_all(name).iter().next_back()?;
            let text = last.to_str().ok()?;
            let item = text.rsplit(',').next()?.trim();
            item.parse::<IpAddr>()
                .ok()
                .or_else(|| item.parse::<SocketAddr>().ok().map(|s| s.ip()))
        });
        from_header
            .or_else(|| req.extensions().get::<ClientAddr>().map(|c| c.0))
            .or_else(|| req.extensions().get::<SocketAddr>().map(SocketAddr::ip))
    }

    /// Checks `req` now (the system clock).
    pub fn check<B>(&self, req: &Request<B>) -> Decision {
        self.check_at(req, crate::time::now())
    }

    /// Checks `req` as CloudFront would at `at` (Unix seconds, UTC). A `Host` that is no
    /// `host[:port]` (a path, query, user info or bad port in it) is refused: it would
    /// change the URL the signature is checked against.
    pub fn check_at<B>(&self, req: &Request<B>, at: i64) -> Decision {
        let path = req.uri().path();
        if self.allow_unsigned.iter().any(|p| path_matches(p, path)) {
            return Decision::Unsigned;
        }
        let host = authority(req);
        if let Some(problem) = host_problem(&host) {
            return Decision::Deny(Box::new(Refusal {
                code: ErrorCode::AccessDenied,
                reason: format!("the Host header {host:?} {problem}"),
                fix: "send only the host (and port) the URL was signed for in Host".into(),
            }));
        }
        let url = self.request_url(req);
        let ip = self.client_ip(req);
        let client_ip = ip.and_then(ipv4_of);
        let cookies = cookie_pairs(req);
        let ctx = RequestContext { at, client_ip };
        let v = verify::verify_cookies(&cookies, &url, &self.keys, ctx);
        if let Some(refusal) = Refusal::from_verification(&v, self.fix) {
            return Decision::Deny(Box::new(refusal));
        }
        // verify skips IpAddress without a client IPv4; CloudFront always has one.
        let range = v
            .parsed_policy
            .as_ref()
            .and_then(|p| p.condition().ip_address);
        if let (Some(range), None) = (range, client_ip) {
            let (reason, fix) = match ip {
                Some(ip) => (
                    format!("client IP {ip} is outside the policy's IpAddress {range}: CloudFront policies match IPv4 only"),
                    "request over IPv4, or sign without an IpAddress condition".to_string(),
                ),
                None => (
                    format!("the policy allows only IpAddress {range}, and the viewer's address is unknown"),
                    "give the gate the viewer's address (a ClientAddr extension or a client IP header)".to_string(),
                ),
            };
            return Decision::Deny(Box::new(Refusal {
                code: ErrorCode::AccessDenied,
                reason,
                fix,
            }));
        }
        Decision::Allow(Box::new(v))
    }

    /// The request's path and query with the signed-URL parameters removed (every other
    /// byte as received), or `None` when there are none to remove.
    fn without_signing_parameters(&self, v: &Verification, uri: &Uri) -> Option<Uri> {
        let pq = uri.path_and_query()?.as_str();
        let prefix_end = v.url.find("://").map(|i| i + 3)?;
        let after_scheme = &v.url[prefix_end..];
        let kept = &after_scheme[after_scheme.find('/')?..];
        if kept == pq {
            return None;
        }
        let mut parts = uri.clone().into_parts();
        parts.path_and_query = Some(kept.parse().ok()?);
        Uri::from_parts(parts).ok()
    }
}

/// The `Host` header, else the URI's authority, else `localhost`.
fn authority<B>(req: &Request<B>) -> String {
    req.headers()
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| req.uri().authority().map(|a| a.to_string()))
        .unwrap_or_else(|| "localhost".into())
}

/// Why `host` (the `Host` header, or the URI's authority) is no `host[:port]` a client
/// sends, as a phrase after `the Host header "..."`; `None` when it is one. It is lexed
/// by `uri` as the authority of a URL: the gate puts it into the URL it checks, so a path
/// or query in it (`d1.net/videos/x`) would move the request under another resource.
fn host_problem(host: &str) -> Option<String> {
    let url = format!("http://{host}/");
    let uri = crate::uri::Uri::lex(&url)?;
    if uri.authority() != host {
        return Some("holds more than host[:port] (a '/', '?' or '#')".into());
    }
    if uri.userinfo().is_some() {
        return Some("has user info (user@) before the host".into());
    }
    uri.check_authority().err().map(|p| p.to_string())
}

/// The request's cookies (every `Cookie` header), as name/value pairs. Pieces without
/// `=` are skipped, as browsers and CloudFront skip them; names and values are kept as
/// sent.
fn cookie_pairs<B>(req: &Request<B>) -> Vec<(String, String)> {
    req.headers()
        .get_all(COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .filter_map(|piece| {
            let (name, value) = piece.split_once('=')?;
            Some((
                name.trim_matches([' ', '\t']).to_string(),
                value.trim_matches([' ', '\t']).to_string(),
            ))
        })
        .collect()
}

/// A path pattern with its leading `/` (CloudFront treats `images/*` as `/images/*`).
fn path_pattern(pattern: &str) -> String {
    if pattern.starts_with('/') {
        pattern.to_string()
    } else {
        format!("/{pattern}")
    }
}

/// CloudFront path-pattern matching (`*`, `?`) of a request path, through the policy
/// resource matcher on a placeholder scheme and host.
fn path_matches(pattern: &str, path: &str) -> bool {
    let pattern = format!("http://h{pattern}");
    let path = format!("http://h{path}");
    crate::policy::resource_matches(&pattern, &path)
}

/// A tower layer that puts a [`Gate`] in front of a service: refused requests get
/// CloudFront's 403 ([`Refusal::response`]) without reaching it.
#[derive(Debug, Clone)]
pub struct GateLayer {
    gate: Arc<Gate>,
}

impl GateLayer {
    /// A layer with this gate.
    pub fn new(gate: Gate) -> Self {
        GateLayer {
            gate: Arc::new(gate),
        }
    }
}

impl<S> tower_layer::Layer<S> for GateLayer {
    type Service = GateService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        GateService {
            gate: self.gate.clone(),
            inner,
        }
    }
}

/// The service of [`GateLayer`].
#[derive(Debug, Clone)]
pub struct GateService<S> {
    gate: Arc<Gate>,
    inner: S,
}

impl<S, ReqB, ResB> tower_service::Service<Request<ReqB>> for GateService<S>
where
    S: tower_service::Service<Request<ReqB>, Response = Response<ResB>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    ResB: From<String> + Send + 'static,
{
    type Response = Response<ResB>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response<ResB>, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<ReqB>) -> Self::Future {
        match self.gate.check(&req) {
            Decision::Deny(refusal) => {
                let response = refusal.response();
                Box::pin(async move { Ok(response) })
            }
            Decision::Allow(v) => {
                if !self.gate.forward_signing_parameters
                    && let Some(uri) = self.gate.without_signing_parameters(&v, req.uri())
                {
                    *req.uri_mut() = uri;
                }
                Box::pin(self.inner.call(req))
            }
            Decision::Unsigned => Box::pin(self.inner.call(req)),
        }
    }
}

/// The IPv4 address of `ip`, when it has one (an IPv4-mapped IPv6 address has).
pub(crate) fn ipv4_of(ip: IpAddr) -> Option<Ipv4Addr> {
    match ip {
        IpAddr::V4(v4) => Some(v4),
        IpAddr::V6(v6) => v6.to_ipv4_mapped(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_are_cloudfronts() {
        assert_eq!(
            error_body(ErrorCode::AccessDenied),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>Access denied</Message></Error>"
        );
        assert_eq!(error_message(ErrorCode::InvalidKey), "Unknown Key");
        assert_eq!(
            error_message(ErrorCode::MalformedSignature),
            "Could not unencode Signature"
        );
        assert_eq!(
            error_message(ErrorCode::MalformedPolicy),
            "Malformed Policy"
        );
    }

    const ADDR: &str = "127.0.0.1:8740";

    fn signer() -> crate::Signer {
        let pem =
            std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/keys/private_key.pem")).unwrap();
        crate::Signer::new(
            crate::PrivateKey::from_pem(&pem, None, "demo").unwrap(),
            crate::KeyPairId::new("KDEMOEXAMPLE01").unwrap(),
        )
    }

    fn gate(signer: &crate::Signer) -> Gate {
        Gate::new(TrustedKeys::Single {
            key: signer.public_key(),
            key_pair_id: Some("KDEMOEXAMPLE01".into()),
        })
    }

    /// A GET of the signed URL's path and query, with the Host the URL names.
    fn get(url: &str) -> Request<()> {
        let target = url.strip_prefix(&format!("http://{ADDR}")).unwrap();
        Request::get(target).header(HOST, ADDR).body(()).unwrap()
    }

    fn sign_with_ip(signer: &crate::Signer, path: &str, ip: &str) -> String {
        let mut policy = crate::UrlOptions::expires(4_000_000_000);
        policy.condition.ip_address = Some(ip.parse().unwrap());
        signer
            .sign_url(&format!("http://{ADDR}{path}"), &policy)
            .unwrap()
            .url
    }

    #[test]
    fn ipv6_viewer_is_refused_by_an_ip_policy() {
        let s = signer();
        let url = sign_with_ip(&s, "/a.jpg", "192.0.2.0/24");
        let mut req = get(&url);
        req.extensions_mut()
            .insert(ClientAddr("2001:db8::1".parse().unwrap()));
        let Decision::Deny(r) = gate(&s).check_at(&req, 1_900_000_000) else {
            panic!("an IPv6 viewer cannot match an IPv4 policy");
        };
        assert_eq!(r.code, ErrorCode::AccessDenied);
        assert!(r.reason.contains("IPv4 only"), "{}", r.reason);
        // The fix speaks the policy's terms, not a command's options.
        assert_eq!(
            r.fix,
            "request over IPv4, or sign without an IpAddress condition"
        );
        // An IPv4-mapped address is its IPv4 address.
        let mut req = get(&url);
        req.extensions_mut()
            .insert(ClientAddr("::ffff:192.0.2.9".parse().unwrap()));
        assert!(matches!(
            gate(&s).check_at(&req, 1_900_000_000),
            Decision::Allow(_)
        ));
    }

    #[test]
    fn unknown_viewer_address_is_refused_by_an_ip_policy() {
        let s = signer();
        let url = sign_with_ip(&s, "/a.jpg", "192.0.2.0/24");
        let Decision::Deny(r) = gate(&s).check_at(&get(&url), 1_900_000_000) else {
            panic!("verify skips IpAddress without an address; the gate must not");
        };
        assert!(r.reason.contains("address is unknown"), "{}", r.reason);
    }

    #[test]
    fn client_ip_header_uses_its_last_address() {
        let s = signer();
        let g = gate(&s).client_ip_header(HeaderName::from_static("x-forwarded-for"));
        let mut req = get("http://127.0.0.1:8740/a");
        req.headers_mut().insert(
            "x-forwarded-for",
            HeaderValue::from_static("203.0.113.1, 192.0.2.7"),
        );
        req.extensions_mut()
            .insert(ClientAddr("127.0.0.1".parse().unwrap()));
        assert_eq!(g.client_ip(&req), Some("192.0.2.7".parse().unwrap()));
    }

    #[test]
    fn signing_parameters_are_removed_byte_for_byte() {
        let s = signer();
        let url = s
            .sign_url(
                &format!("http://{ADDR}/v/a%7e~b?z=1+2&a=%7E&b="),
                &crate::UrlOptions::expires(4_000_000_000),
            )
            .unwrap()
            .url;
        let g = gate(&s);
        let req = get(&url);
        let Decision::Allow(v) = g.check_at(&req, 1_900_000_000) else {
            panic!("a valid signed URL");
        };
        let uri = g.without_signing_parameters(&v, req.uri()).unwrap();
        assert_eq!(uri.to_string(), "/v/a%7e~b?z=1+2&a=%7E&b=");
    }

    /// Regression: the `Host` header went into the checked URL unlexed, so a Host holding
    /// a path (`127.0.0.1:8740/v/x`) moved a request for `/secret` under the wildcard
    /// resource `http://127.0.0.1:8740/v/*` and the gate let it through.
    #[test]
    fn host_header_with_a_path_widened_a_wildcard_signature() {
        let s = signer();
        let mut policy = crate::UrlOptions::expires(4_000_000_000);
        policy.policy_resource = Some(format!("http://{ADDR}/v/*"));
        let url = s
            .sign_url(&format!("http://{ADDR}/v/a.jpg"), &policy)
            .unwrap()
            .url;
        let query = &url[url.find('?').unwrap()..];
        let g = gate(&s);
        let request = |path: &str, host: &str| {
            Request::get(format!("{path}{query}"))
                .header(HOST, host)
                .body(())
                .unwrap()
        };
        for (host, problem) in [
            (format!("{ADDR}/v/x"), "holds more than host[:port]"),
            (format!("{ADDR}?"), "holds more than host[:port]"),
            (format!("{ADDR}#"), "holds more than host[:port]"),
            (format!("u@{ADDR}"), "user info"),
            (format!("{ADDR}:1"), "port"),
            ("a b".into(), "holds ' '"),
            ("".into(), "no host"),
        ] {
            let Decision::Deny(r) = g.check_at(&request("/secret", &host), 1_900_000_000) else {
                panic!("Host {host:?} let /secret through");
            };
            assert_eq!(r.code, ErrorCode::AccessDenied);
            assert!(
                r.reason.starts_with(&format!("the Host header {host:?} "))
                    && r.reason.contains(problem),
                "{host:?}: {}",
                r.reason
            );
        }
        // The Host the URL was signed for still passes, for any path under the resource.
        assert!(matches!(
            g.check_at(&request("/v/b.jpg", ADDR), 1_900_000_000),
            Decision::Allow(_)
        ));
    }

    #[test]
    fn path_patterns_match_like_cache_behaviors() {
        assert!(path_matches("/public/*", "/public/a/b.png"));
        assert!(path_matches(&path_pattern("*.css"), "/x/site.css"));
        assert!(path_matches(&path_pattern("public/*"), "/public/a"));
        assert!(path_matches("/img?.png", "/img1.png"));
        assert!(!path_matches("/public/*", "/private/a.png"));
        assert!(!path_matches("/Public/*", "/public/a.png"));
    }
}
