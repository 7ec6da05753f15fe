//! `cfsign serve` with a real client (curl) on 127.0.0.1: CloudFront's refusals byte for
//! byte, signed URLs and cookies, content as a viewer needs it, the proxy.
#![cfg(feature = "serve")]

mod serve_common;

use serve_common::*;

const MISSING_KEY_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>MissingKey</Code><Message>Missing Key-Pair-Id query parameter or cookie value</Message></Error>";

fn dir_server(extra: &[&str]) -> (tempfile::TempDir, Server) {
    let (dir, root) = site();
    let mut args = vec!["--dir".to_string(), dir_arg(&root)];
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    (dir, Server::start(&refs))
}

#[test]
fn unsigned_request_gets_cloudfronts_missing_key_xml() {
    let (_d, server) = dir_server(&[]);
    let a = curl(&[], &server.url("/a.txt"));
    assert_eq!(a.status, 403);
    assert_eq!(a.header("content-type"), Some("text/xml"));
    assert_eq!(a.text(), MISSING_KEY_XML);
    // cfsign's explanation is in the header and the log, never in the body.
    let reason = a.header("x-cfsign-reason").expect("X-Cfsign-Reason");
    assert!(
        reason.contains("fix: sign again with --key-pair-id"),
        "{reason}"
    );
    let log = server.log_text();
    assert!(
        log.lines().any(|l| l.starts_with(
            "GET /a.txt 403 MissingKey Missing Key-Pair-Id query parameter or cookie value; fix:"
        )),
        "{log}"
    );
}

#[test]
fn signed_url_serves_the_files_bytes() {
    let (_d, server) = dir_server(&[]);
    let a = curl(&[], &sign(&server.url("/a.bin"), &[]));
    assert_eq!(a.status, 200, "{a:?}");
    assert_eq!(a.body, site_bytes());
    assert_eq!(a.header("x-cfsign-reason"), None);
    // An ECDSA key of the same key group, SHA-256.
    let (_d2, root) = site();
    let server = Server::start(&[
        "--dir",
        &dir_arg(&root),
        "--key",
        &format!("KECKEY={}", key_arg("ec_p256_public.pem")),
    ]);
    let url = sign_with("ec_p256_sec1.pem", "KECKEY", &server.url("/a.txt"), &[]);
    let a = curl(&[], &url);
    assert_eq!((a.status, a.text().as_str()), (200, "hello\n"));
    assert!(server.log_text().contains("GET /a.txt 200 - -"));
}

/// Each `verify` refusal class through the server: (case, signed URL, expected code).
#[test]
fn each_refusal_class_gets_cloudfronts_code() {
    let (_d, server) = dir_server(&[]);
    let url = server.url("/a.txt");
    let good = sign(&url, &[]);
    let sig = good
        .split('&')
        .find_map(|p| p.strip_prefix("Signature="))
        .unwrap()
        .to_string();
    // Flip one base64 character in the middle: still CloudFront base64, another value.
    let mut tampered_sig = sig.clone().into_bytes();
    let mid = tampered_sig.len() / 2;
    tampered_sig[mid] = if tampered_sig[mid] == b'A' {
        b'B'
    } else {
        b'A'
    };
    let tampered = good.replace(&sig, &String::from_utf8(tampered_sig).unwrap());
    // RSA-2048 signatures end in two padding characters: `__` in CloudFront's alphabet,
    // `==` in standard base64.
    assert!(sig.ends_with("__"), "{sig}");
    let standard = good.replace(
        &sig,
        &sig.replace('-', "+").replace('~', "/").replace('_', "="),
    );
    let cases: Vec<(&str, String, &str, &str)> = vec![
        (
            "expired",
            sign(
                &url,
                &[
                    "--now",
                    "2020-01-01T00:00:00Z",
                    "--expires-at",
                    "2020-01-02",
                ],
            ),
            "AccessDenied",
            "expired at 2020-01-02",
        ),
        (
            "not yet valid",
            sign(
                &url,
                &["--starts-at", "2099-01-01", "--expires-at", "2099-02-01"],
            ),
            "AccessDenied",
            "not valid before 2099-01-01",
        ),
        (
            "IP outside the range",
            sign(&url, &["--ip-address", "192.0.2.0/24"]),
            "AccessDenied",
            "client IP 127.0.0.1 is outside the policy's IpAddress 192.0.2.0/24",
        ),
        (
            "tampered signature",
            tampered,
            "AccessDenied",
            "the signature does not match",
        ),
        (
            "query appended after signing",
            format!("{good}&utm_source=mail"),
            "AccessDenied",
            "utm_source=mail appended after the signing parameters",
        ),
        (
            "unknown key ID",
            sign_with("rsa2048_pkcs1.pem", "KUNKNOWNKEY1", &url, &[]),
            "InvalidKey",
            "KUNKNOWNKEY1",
        ),
        (
            "standard base64 alphabet",
            standard,
            "MalformedSignature",
            "Could not unencode Signature",
        ),
        (
            "policy that is not base64",
            good.replacen("Expires=", "Policy=!!!&X=", 1),
            "MalformedPolicy",
            "Policy",
        ),
    ];
    for (case, signed, code, reason) in cases {
        let a = curl(&[], &signed);
        assert_eq!(a.status, 403, "{case}: {a:?}");
        assert_eq!(a.header("content-type"), Some("text/xml"), "{case}");
        assert_eq!(a.code().as_deref(), Some(code), "{case}: {}", a.text());
        let message = match code {
            "AccessDenied" => "Access denied",
            "InvalidKey" => "Unknown Key",
            "MalformedSignature" => "Could not unencode Signature",
            _ => "Malformed Policy",
        };
        assert_eq!(
            a.text(),
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message></Error>"
            ),
            "{case}"
        );
        let header = a.header("x-cfsign-reason").unwrap_or_default();
        assert!(header.contains(reason), "{case}: {header}");
    }
    // The viewer's own address inside the range is served.
    let a = curl(&[], &sign(&url, &["--ip-address", "127.0.0.1"]));
    assert_eq!(a.status, 200, "{a:?}");
}

#[test]
fn cookie_jar_from_cfsign_cookies_serves_inside_the_path_only() {
    let (dir, server) = dir_server(&[]);
    let jar = dir.path().join("jar.txt");
    let resource = server.url("/private/*");
    std::fs::write(&jar, cookies(&resource, "netscape", &[])).unwrap();
    let jar = jar.to_str().unwrap();
    let a = curl(&["-b", jar], &server.url("/private/p.txt"));
    assert_eq!((a.status, a.text().as_str()), (200, "private\n"), "{a:?}");
    // Outside the cookie's path curl does not send the cookies: MissingKey.
    let a = curl(&["-b", jar], &server.url("/a.txt"));
    assert_eq!(a.status, 403);
    assert_eq!(a.text(), MISSING_KEY_XML);
    // A Cookie header sent anyway outside the resource: AccessDenied, as CloudFront.
    let header = cookies(&resource, "header", &[]);
    let a = curl(&["-H", header.trim()], &server.url("/a.txt"));
    assert_eq!(a.code().as_deref(), Some("AccessDenied"), "{a:?}");
    assert!(
        a.header("x-cfsign-reason")
            .unwrap_or_default()
            .contains("is not matched by the policy resource")
    );
}

#[test]
fn signed_url_takes_precedence_over_cookies() {
    let (_d, server) = dir_server(&[]);
    let header = cookies(&server.url("/*"), "header", &[]);
    // Valid cookies, but a Key-Pair-Id in the query: the URL is checked, and fails.
    let a = curl(
        &["-H", header.trim()],
        &server.url("/a.txt?Key-Pair-Id=K2JCJMDEHXQW5F"),
    );
    assert_eq!(a.code().as_deref(), Some("MalformedSignature"), "{a:?}");
    let a = curl(&["-H", header.trim()], &server.url("/a.txt"));
    assert_eq!(a.status, 200);
}

#[test]
fn range_request_gets_206_with_100_bytes() {
    let (_d, server) = dir_server(&[]);
    let url = sign(&server.url("/a.bin"), &[]);
    let a = curl(&["-H", "Range: bytes=0-99"], &url);
    assert_eq!(a.status, 206);
    assert_eq!(a.body, site_bytes()[..100].to_vec());
    assert_eq!(a.header("content-range"), Some("bytes 0-99/1000"));
    let a = curl(&["-H", "Range: bytes=900-"], &url);
    assert_eq!((a.status, a.body.len()), (206, 100));
}

#[test]
fn content_type_etag_last_modified_and_head() {
    let (_d, server) = dir_server(&["--allow-unsigned", "*"]);
    let a = curl(&[], &server.url("/img.png"));
    assert_eq!(a.header("content-type"), Some("image/png"));
    let a = curl(&[], &server.url("/a.txt"));
    assert_eq!(a.header("content-type"), Some("text/plain"));
    let etag = a.header("etag").expect("ETag").to_string();
    assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
    assert!(a.header("last-modified").is_some());
    let again = curl(
        &["-H", &format!("If-None-Match: {etag}")],
        &server.url("/a.txt"),
    );
    assert_eq!(again.status, 304);
    let head = curl(&["-I"], &server.url("/a.txt"));
    assert_eq!(
        (head.status, head.header("content-length")),
        (200, Some("6"))
    );
    // curl -I writes the headers where the body would go: no body follows them.
    assert!(!head.text().contains("hello"), "{head:?}");
    let post = curl(&["-X", "POST"], &server.url("/a.txt"));
    assert_eq!(post.status, 405);
}

#[test]
fn dot_dot_and_symlink_escapes_are_refused() {
    let (_d, server) = dir_server(&["--allow-unsigned", "*"]);
    for path in [
        "/../secret.txt",
        "/sub/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/sub/%2E%2E/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/out",
        "/sub/",
        "/",
    ] {
        let a = curl(&["--path-as-is"], &server.url(path));
        assert_eq!(a.status, 404, "{path}: {a:?}");
        assert!(!a.text().contains("SECRET"), "{path}");
        assert!(!a.text().contains("s.txt"), "{path}: a listing");
    }
    let log = server.log_text();
    assert!(
        log.contains("GET /out 404 - /out is a symlink that leads out of --dir"),
        "{log}"
    );
    assert!(log.contains("which would leave --dir"), "{log}");
    // Signed or not, an escape stays refused: the gate answers first.
    let (_d2, strict) = dir_server(&[]);
    let a = curl(&["--path-as-is"], &strict.url("/../secret.txt"));
    assert_eq!(a.code().as_deref(), Some("MissingKey"));
}

#[test]
fn allow_unsigned_pattern_is_a_public_cache_behavior() {
    let (_d, server) = dir_server(&["--allow-unsigned", "/public/*"]);
    let a = curl(&[], &server.url("/public/logo.txt"));
    assert_eq!((a.status, a.text().as_str()), (200, "public\n"));
    let a = curl(&[], &server.url("/private/p.txt"));
    assert_eq!(a.status, 403);
}

#[test]
fn cors_headers_on_answers_and_refusals() {
    let (_d, server) = dir_server(&["--cors-origin", "http://localhost:3000"]);
    let origin = ["-H", "Origin: http://localhost:3000"];
    let a = curl(&origin, &server.url("/a.txt"));
    assert_eq!(a.status, 403);
    assert_eq!(
        a.header("access-control-allow-origin"),
        Some("http://localhost:3000")
    );
    assert_eq!(a.header("access-control-allow-credentials"), Some("true"));
    let a = curl(&origin, &sign(&server.url("/a.txt"), &[]));
    assert_eq!(a.status, 200);
    assert_eq!(
        a.header("access-control-allow-origin"),
        Some("http://localhost:3000")
    );
    let other = curl(
        &["-H", "Origin: http://evil.example"],
        &server.url("/a.txt"),
    );
    assert_eq!(other.header("access-control-allow-origin"), None);
}

#[test]
fn client_ip_header_is_the_viewer_address() {
    let (_d, server) = dir_server(&["--client-ip-header", "X-Forwarded-For"]);
    let url = sign(&server.url("/a.txt"), &["--ip-address", "192.0.2.0/24"]);
    let a = curl(&["-H", "X-Forwarded-For: 198.51.100.9, 192.0.2.7"], &url);
    assert_eq!(a.status, 200, "{a:?}");
    // The last address counts (the one the nearest proxy added).
    let a = curl(&["-H", "X-Forwarded-For: 192.0.2.7, 198.51.100.9"], &url);
    assert_eq!(a.code().as_deref(), Some("AccessDenied"));
    // Without the header, the connection's address (127.0.0.1).
    let a = curl(&[], &url);
    assert_eq!(a.code().as_deref(), Some("AccessDenied"));
}

/// A plain-http origin on 127.0.0.1 in this test process: answers with the request target
/// and Host it received, byte for byte.
fn echo_origin() -> String {
    use axum::extract::Request;
    spawn_origin(axum::Router::new().fallback(|req: Request| async move {
        let host = req
            .headers()
            .get("host")
            .and_then(|h| h.to_str().ok())
            .unwrap_or("")
            .to_string();
        format!("{} {} host={host}", req.method(), req.uri())
    }))
}

#[test]
fn origin_sees_path_and_query_byte_for_byte_without_signing_parameters() {
    let origin = echo_origin();
    let origin_host = origin.trim_start_matches("http://").to_string();
    let server = Server::start(&["--origin", &origin]);
    let path = "/v/a%7e~b%2Fc.txt?z=1+2&a=%7E&b=";
    let signed = sign(&server.url(path), &[]);
    let a = curl(&["--path-as-is"], &signed);
    assert_eq!(a.status, 200, "{a:?}");
    assert_eq!(a.text(), format!("GET {path} host={origin_host}"));
    // Refused requests never reach the origin.
    let a = curl(&[], &server.url(path));
    assert_eq!(a.code().as_deref(), Some("MissingKey"));

    let server = Server::start(&["--origin", &origin, "--forward-signing-params"]);
    let signed = sign(&server.url(path), &[]);
    let a = curl(&[], &signed);
    let target = signed.trim_start_matches(&server.base);
    assert_eq!(a.text(), format!("GET {target} host={origin_host}"));

    let server = Server::start(&["--origin", &origin, "--forward-query", "none"]);
    let a = curl(&[], &sign(&server.url(path), &[]));
    assert_eq!(
        a.text(),
        format!("GET /v/a%7e~b%2Fc.txt host={origin_host}")
    );
}

#[test]
fn origin_down_is_a_502_with_the_reason() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = Server::start(&[
        "--origin",
        &format!("http://127.0.0.1:{port}"),
        "--allow-unsigned",
        "*",
    ]);
    let a = curl(&[], &server.url("/x"));
    assert_eq!(a.status, 502);
    assert!(
        a.header("x-cfsign-reason")
            .unwrap_or_default()
            .contains("did not answer")
    );
}

#[test]
fn serve_usage_errors_exit_2() {
    let cases: [(&[&str], &str); 4] = [
        (&["--dir", "."], "no public key"),
        (
            &[
                "--origin",
                "https://127.0.0.1:9000",
                "--public-key",
                "keys/public_key.pem",
            ],
            "must be a plain http://HOST:PORT URL",
        ),
        (
            &[
                "--dir",
                "/nonexistent-cfsign-dir",
                "--public-key",
                "keys/public_key.pem",
            ],
            "--dir /nonexistent-cfsign-dir",
        ),
        (
            &[
                "--listen",
                "localhost",
                "--dir",
                ".",
                "--public-key",
                "keys/public_key.pem",
            ],
            "--listen \"localhost\" is not ADDR:PORT",
        ),
    ];
    for (args, needle) in cases {
        let out = common::cfsign()
            .arg("serve")
            .args(args)
            .output()
            .expect("run cfsign");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(out.stdout.is_empty());
    }
    let out = common::cfsign().arg("serve").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    // A port already in use: an error naming the address, not a hang.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = common::cfsign()
        .args(["serve", "--listen", &addr, "--dir", "."])
        .args(["--public-key", "keys/public_key.pem"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(&format!("cannot listen on {addr}")), "{err}");
}
