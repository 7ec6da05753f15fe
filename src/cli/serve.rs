//! `cfsign serve`: a local signed-URL edge in front of a folder or an origin (feature
//! `serve`). The check itself is the library's [`cfsign::gate`]; this file only wires
//! it into an axum server with tower-http's file service and a hyper proxy client.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use cfsign::gate::{ClientAddr, Gate, GateLayer, REASON_HEADER, Refusal};
use clap::{Args, ValueEnum};
use http::header::{self, HeaderName, HeaderValue};
use http::{Method, StatusCode, Uri};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeFile;
use tower_service::Service;

use super::Exit;
use super::verify::{KeyArgs, trusted_keys};

/// The address `cfsign serve` listens on by default.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8740";

pub const AFTER_HELP: &str = "\
Examples:
  cfsign serve --dir site/ --public-key public_key.pem --key-pair-id K2JCJMDEHXQW5F
  cfsign serve --listen 127.0.0.1:0 --dir site/ --key-dir trusted-keys/ \\
      --allow-unsigned '/index.html' --allow-unsigned '/public/*'
  cfsign serve --origin http://127.0.0.1:9000 --key K2JCJMDEHXQW5F=public_key.pem \\
      --cors-origin http://localhost:3000
  # then sign for the address it prints and request it:
  curl -i \"$(cfsign http://127.0.0.1:8740/a.jpg --private-key key.pem \\
      --key-pair-id K2JCJMDEHXQW5F)\"

Refusals are CloudFront's: 403, Content-Type: text/xml and its XML body (MissingKey,
InvalidKey, MalformedSignature, MalformedPolicy, AccessDenied); cfsign's reason and
fix are in the X-Cfsign-Reason header and the access log (one line per request on
stderr: method, path, status, code, reason).

Exit status:
  0  stopped by Ctrl-C or SIGTERM
  2  usage error (options, keys, --dir, --origin, the address cannot be bound)";

/// Which of the viewer's query parameters reach the origin (the cache and origin request
/// policies decide this in CloudFront).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ForwardQuery {
    /// The whole query, byte for byte (managed policies AllViewer, CachingDisabled).
    All,
    /// No query string (the default cache policy CachingOptimized).
    None,
}

/// The scheme of the URLs signed for this server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scheme {
    /// `http://` (cfsign serve itself).
    Http,
    /// `https://` (a TLS proxy in front of cfsign serve).
    Https,
}

/// Arguments of `cfsign serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on; port 0 picks a free port. The URL it listens on is
    /// printed on standard output.
    #[arg(long, value_name = "ADDR:PORT", default_value = DEFAULT_LISTEN)]
    pub listen: String,

    /// Serve the files of this folder (the bucket): GET and HEAD, Range, Content-Type by
    /// extension, ETag and Last-Modified; no directory listings, nothing outside it.
    #[arg(
        long,
        value_name = "PATH",
        required_unless_present = "origin",
        conflicts_with = "origin",
        help_heading = "Content"
    )]
    pub dir: Option<PathBuf>,

    /// Proxy allowed requests to this plain-http origin (a local S3 emulator, the app's
    /// dev server): the path and query are forwarded byte for byte.
    #[arg(long, value_name = "URL", help_heading = "Content")]
    pub origin: Option<String>,

    /// Which query parameters reach the origin: all (byte for byte) or none.
    #[arg(long, value_enum, default_value = "all", help_heading = "Content")]
    pub forward_query: ForwardQuery,

    /// Also pass the signed-URL parameters (Expires, Policy, Signature, Key-Pair-Id,
    /// Hash-Algorithm) to the origin; by default they are removed, as CloudFront does.
    #[arg(long, help_heading = "Content")]
    pub forward_signing_params: bool,

    #[command(flatten)]
    pub key_group: KeyArgs,

    /// Take the viewer's address from this header (its last address) instead of the
    /// connection, for example X-Forwarded-For behind a proxy.
    #[arg(long, value_name = "HEADER", help_heading = "Request")]
    pub client_ip_header: Option<String>,

    /// The scheme of the signed URLs: http, or https behind a TLS proxy.
    #[arg(long, value_enum, default_value = "http", help_heading = "Request")]
    pub scheme: Scheme,

    /// A path pattern served without signature (a second cache behavior): `*` any run of
    /// characters, `?` one; repeat for more.
    #[arg(long, value_name = "PATTERN", help_heading = "Request")]
    pub allow_unsigned: Vec<String>,

    /// Send CORS headers for this origin (`*` for any, without credentials); repeat for
    /// more.
    #[arg(long, value_name = "ORIGIN", help_heading = "Request")]
    pub cors_origin: Vec<String>,
}

/// Why a request that passed the gate was not served (404, 405, 502), for the log and
/// the `X-Cfsign-Reason` header.
#[derive(Debug, Clone)]
struct Note(String);

/// Where allowed requests go. One value per server, so the size difference between the
/// variants (which grows when the `aws` feature adds hyper-util's TLS-capable client
/// features) costs nothing.
#[allow(clippy::large_enum_variant)]
enum Content {
    Dir(PathBuf),
    Origin {
        base: String,
        authority: HeaderValue,
        query: ForwardQuery,
        client: Client<HttpConnector, Body>,
    },
}

/// Runs `cfsign serve` until Ctrl-C or SIGTERM.
pub fn run(args: ServeArgs) -> Result<Exit> {
    let listen: SocketAddr = args.listen.trim().parse().with_context(|| {
        format!(
            "--listen {:?} is not ADDR:PORT, for example {DEFAULT_LISTEN} or 127.0.0.1:0",
            args.listen
        )
    })?;
    let content = content(&args)?;
    let mut gate = Gate::new(trusted_keys(&args.key_group)?)
        .scheme(match args.scheme {
            Scheme::Http => "http",
            Scheme::Https => "https",
        })
        .forward_signing_parameters(args.forward_signing_params)
        .fix_wording(super::hints::reason_fix);
    for pattern in &args.allow_unsigned {
        gate = gate.allow_unsigned(pattern);
    }
    if let Some(h) = &args.client_ip_header {
        let name = HeaderName::try_from(h.trim())
            .with_context(|| format!("--client-ip-header {h:?} is not a header name"))?;
        gate = gate.client_ip_header(name);
    }
    let cors = cors(&args.cors_origin)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the server's runtime")?;
    runtime.block_on(serve(listen, content, gate, cors))?;
    Ok(Exit::Ok)
}

fn content(args: &ServeArgs) -> Result<Content> {
    if let Some(dir) = &args.dir {
        let root = dir
            .canonicalize()
            .with_context(|| format!("--dir {}", dir.display()))?;
        if !root.is_dir() {
            bail!("--dir {} is not a directory", dir.display());
        }
        return Ok(Content::Dir(root));
    }
    let Some(origin) = &args.origin else {
        bail!("give --dir PATH (a folder to serve) or --origin http://HOST:PORT (to proxy)");
    };
    let base = origin.trim().trim_end_matches('/').to_string();
    let uri: Uri = base
        .parse()
        .with_context(|| format!("--origin {origin:?} is not a URL"))?;
    if uri.scheme_str() != Some("http") || uri.authority().is_none() || uri.query().is_some() {
        bail!(
            "--origin {origin:?} must be a plain http://HOST:PORT URL (optionally with a path); https origins are not supported: put the origin on a local http port"
        );
    }
    let authority = HeaderValue::from_str(uri.authority().map_or("", |a| a.as_str()))
        .context("--origin host")?;
    Ok(Content::Origin {
        base,
        authority,
        query: args.forward_query,
        client: Client::builder(TokioExecutor::new()).build_http(),
    })
}

fn cors(origins: &[String]) -> Result<Option<CorsLayer>> {
    if origins.is_empty() {
        return Ok(None);
    }
    let layer = CorsLayer::new()
        .allow_methods([Method::GET, Method::HEAD])
        .allow_headers([
            header::RANGE,
            header::IF_NONE_MATCH,
            header::IF_MODIFIED_SINCE,
        ])
        .expose_headers([
            header::CONTENT_LENGTH,
            header::CONTENT_RANGE,
            header::ETAG,
            HeaderName::from_static(REASON_HEADER),
        ]);
    if origins.iter().any(|o| o.trim() == "*") {
        return Ok(Some(layer.allow_origin(AllowOrigin::any())));
    }
    let list = origins
        .iter()
        .map(|o| {
            HeaderValue::from_str(o.trim().trim_end_matches('/'))
                .with_context(|| format!("--cors-origin {o:?} is not a header value"))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some(
        layer
            .allow_origin(AllowOrigin::list(list))
            .allow_credentials(true),
    ))
}

async fn serve(
    listen: SocketAddr,
    content: Content,
    gate: Gate,
    cors: Option<CorsLayer>,
) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener.local_addr().context("the listening address")?;
    if !addr.ip().is_loopback() {
        super::terminal::warn(&format!(
            "listening on {addr}, which is not a loopback address: other machines can reach it"
        ))?;
    }
    let what = match &content {
        Content::Dir(root) => format!("the folder {}", root.display()),
        Content::Origin { base, .. } => format!("the origin {base}"),
    };
    let mut router = Router::new()
        .fallback(handle)
        .with_state(Arc::new(content))
        .layer(GateLayer::new(gate));
    if let Some(cors) = cors {
        router = router.layer(cors);
    }
    let router = router
        .layer(middleware::from_fn(access_log))
        .layer(middleware::from_fn(client_addr));
    println!("http://{addr}");
    eprintln!("cfsign serve: {what} on http://{addr} (Ctrl-C stops)");
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await
    .context("the server stopped")
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// Gives the gate the viewer's address from the connection.
async fn client_addr(
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    mut req: Request,
    next: Next,
) -> Response {
    req.extensions_mut().insert(ClientAddr(peer.ip()));
    next.run(req).await
}

/// One line per request on stderr: method, path, status, code, reason.
async fn access_log(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let response = next.run(req).await;
    let (code, reason) = match (
        response.extensions().get::<Refusal>(),
        response.extensions().get::<Note>(),
    ) {
        (Some(r), _) => (r.code.as_str(), r.header_value()),
        (None, Some(Note(n))) => ("-", n.clone()),
        (None, None) => ("-", "-".to_string()),
    };
    // Not eprintln!: a closed stderr must not panic the request.
    super::terminal::stderr_line(&format!(
        "{method} {path} {} {code} {reason}",
        response.status().as_u16()
    ));
    response
}

async fn handle(State(content): State<Arc<Content>>, req: Request) -> Response {
    match content.as_ref() {
        Content::Dir(root) => serve_file(root, req).await,
        Content::Origin {
            base,
            authority,
            query,
            client,
        } => proxy(base, authority, *query, client, req).await,
    }
}

/// A plain-text answer with a status and a note for the log and `X-Cfsign-Reason`.
fn refuse(status: StatusCode, note: String) -> Response {
    let mut response = Response::new(Body::from(format!(
        "{}\n",
        status.canonical_reason().unwrap_or("error")
    )));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&note) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(REASON_HEADER), v);
    }
    response.extensions_mut().insert(Note(note));
    response
}

async fn serve_file(root: &Path, req: Request) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut r = refuse(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("{} is not served; only GET and HEAD", req.method()),
        );
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let file = match resolve(root, req.uri().path()) {
        Ok(file) => file,
        Err(why) => return refuse(StatusCode::NOT_FOUND, why),
    };
    let etag = match std::fs::metadata(&file) {
        Ok(m) => etag(&m),
        Err(e) => return refuse(StatusCode::NOT_FOUND, format!("cannot read the file: {e}")),
    };
    let matches_etag = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if matches_etag {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        if let Ok(v) = HeaderValue::from_str(&etag) {
            r.headers_mut().insert(header::ETAG, v);
        }
        return r;
    }
    let mut service = ServeFile::new(&file);
    let mut response = match service.call(req).await {
        Ok(r) => r.map(Body::new),
        Err(e) => {
            return refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("cannot read the file: {e}"),
            );
        }
    };
    if response.status().is_success()
        && let Ok(v) = HeaderValue::from_str(&etag)
    {
        response.headers_mut().insert(header::ETAG, v);
    }
    response
}

/// A strong validator from the file's size and modification time (nanoseconds).
fn etag(m: &std::fs::Metadata) -> String {
    let mtime = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    format!("\"{mtime:x}-{:x}\"", m.len())
}

/// The file under `root` (canonical) that the URL path names, or why there is none: a
/// `..` segment (also percent-encoded, `%2e%2e`), a backslash or NUL, a missing file, a
/// directory (no listings), or a symlink that leads out of `root`.
fn resolve(root: &Path, url_path: &str) -> Result<PathBuf, String> {
    let decoded: Vec<u8> = percent_encoding::percent_decode(url_path.as_bytes()).collect();
    let Ok(decoded) = String::from_utf8(decoded) else {
        return Err("the path is not UTF-8 after percent-decoding".into());
    };
    let mut path = root.to_path_buf();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return Err("the path has a `..` segment, which would leave --dir".into()),
            s if s.contains(['\\', '\0']) => {
                return Err("the path holds a backslash or NUL".into());
            }
            s => path.push(s),
        }
    }
    let real = path
        .canonicalize()
        .map_err(|_| format!("no file {decoded} in --dir"))?;
    if !real.starts_with(root) {
        return Err(format!("{decoded} is a symlink that leads out of --dir"));
    }
    if real.is_dir() {
        return Err(format!("{decoded} is a directory (no listings)"));
    }
    Ok(path)
}

/// Headers that belong to one connection and are not forwarded (RFC 9110 7.6.1).
const HOP_BY_HOP: [&str; 8] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

async fn proxy(
    base: &str,
    authority: &HeaderValue,
    query: ForwardQuery,
    client: &Client<HttpConnector, Body>,
    req: Request,
) -> Response {
    let (mut parts, body) = req.into_parts();
    let pq = match query {
        ForwardQuery::All => parts.uri.path_and_query().map_or("/", |pq| pq.as_str()),
        ForwardQuery::None => parts.uri.path(),
    };
    let target = format!("{base}{pq}");
    let Ok(uri) = target.parse::<Uri>() else {
        return refuse(
            StatusCode::BAD_GATEWAY,
            format!("cannot form the origin URL {target:?}"),
        );
    };
    parts.uri = uri;
    parts.version = http::Version::HTTP_11;
    for name in HOP_BY_HOP {
        parts.headers.remove(name);
    }
    parts.headers.insert(header::HOST, authority.clone());
    let viewer = parts.extensions.get::<ClientAddr>().map(|c| c.0);
    if let Some(ip) = viewer {
        append_forwarded_for(&mut parts.headers, ip);
    }
    match client.request(Request::from_parts(parts, body)).await {
        Ok(response) => {
            let (mut parts, body) = response.into_parts();
            for name in HOP_BY_HOP {
                parts.headers.remove(name);
            }
            Response::from_parts(parts, Body::new(body))
        }
        Err(e) => refuse(
            StatusCode::BAD_GATEWAY,
            format!("the origin {base} did not answer: {e}"),
        ),
    }
}

/// Adds the viewer's address to `X-Forwarded-For`, as CloudFront does for origins.
fn append_forwarded_for(headers: &mut http::HeaderMap, ip: IpAddr) {
    let value = match headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()) {
        Some(existing) => format!("{existing}, {ip}"),
        None => ip.to_string(),
    };
    if let Ok(v) = HeaderValue::from_str(&value) {
        headers.insert(HeaderName::from_static("x-forwarded-for"), v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_dot_dot_is_refused() {
        let root = std::env::temp_dir().canonicalize().unwrap();
        for p in [
            "/../etc/passwd",
            "/a/%2e%2e/%2E%2E/etc/passwd",
            "/%2e%2e%2fetc",
        ] {
            let err = resolve(&root, p).unwrap_err();
            assert!(err.contains("`..`"), "{p}: {err}");
        }
    }
}
