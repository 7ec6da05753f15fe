//! Signed cookies, as a library user and a CLI user see them: the `kind: cookies` vectors
//! (byte for byte for RSA, by verification for ECDSA), the cookie sets, the errors, a real
//! `curl -b jar` against a local server, and the `Cookie:` header round trip.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;

use cfsign::cookies::{self, parse_cookie_header};
use cfsign::{
    Condition, CookieAttributes, CookieOptions, Error, HashAlgorithm, KeyPairId, PolicyMode,
    PolicyType, PrivateKey, PublicKey, Signer,
};
use serde_json::Value;

const KEYS: &str = "tests/data/keys";
const ID: &str = "K2JCJMDEHXQW5F";
/// Before every vector's start time and expiry.
const NOW: &str = "1767100000";

fn vectors() -> Vec<Value> {
    let text = std::fs::read_to_string("tests/data/vectors.json").expect("vectors");
    let v: Value = serde_json::from_str(&text).expect("vectors JSON");
    v["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .filter(|c| c["kind"] == "cookies")
        .cloned()
        .collect()
}

fn signer(key_file: &str, hash: HashAlgorithm) -> Signer {
    let key = PrivateKey::from_pem_file(Path::new(KEYS).join(key_file), None).expect("key");
    Signer::new(key, KeyPairId::new(ID).unwrap()).with_hash_algorithm(hash)
}

fn hash_of(case: &Value) -> HashAlgorithm {
    match case["options"]["hash"].as_str() {
        Some("SHA256") => HashAlgorithm::Sha256,
        _ => HashAlgorithm::Sha1,
    }
}

fn condition_of(case: &Value) -> Condition {
    let o = &case["options"];
    Condition {
        date_less_than: case["expires"].as_i64().unwrap(),
        date_greater_than: o["date_greater_than"].as_i64(),
        ip_address: o["ip"].as_str().map(|s| s.parse().unwrap()),
    }
}

/// `cfsign cookies` arguments reproducing a vector case.
fn cli_args(case: &Value) -> Vec<String> {
    let mut a: Vec<String> = vec![
        "cookies".into(),
        case["url"].as_str().unwrap().into(),
        "--private-key".into(),
        format!("{KEYS}/{}", case["key"].as_str().unwrap()),
        "--key-pair-id".into(),
        ID.into(),
        "--now".into(),
        NOW.into(),
        "--date-less-than".into(),
        case["expires"].to_string(),
        "--hash-algorithm".into(),
        hash_of(case).as_str().to_ascii_lowercase(),
    ];
    let o = &case["options"];
    if let Some(t) = o["date_greater_than"].as_i64() {
        a.extend(["--date-greater-than".into(), t.to_string()]);
    }
    if let Some(ip) = o["ip"].as_str() {
        a.extend(["--ip-address".into(), ip.into()]);
    }
    a
}

fn cfsign(args: &[String]) -> std::process::Output {
    common::cfsign().args(args).output().unwrap()
}

fn with(args: &[String], extra: &[&str]) -> Vec<String> {
    let mut a = args.to_vec();
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

fn stdout(o: &std::process::Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// The cookies of a JSON result, in order.
fn json_cookies(v: &Value) -> Vec<(String, String)> {
    v["cookies"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect()
}

fn pairs(c: &cfsign::SignedCookies) -> Vec<(String, String)> {
    c.cookies
        .iter()
        .map(|(n, v)| (n.to_string(), v.clone()))
        .collect()
}

/// Verifies the CloudFront-Signature of `got` over `policy` with the case's public key.
fn assert_verifies(case: &Value, got: &[(String, String)], policy: &str) {
    let public =
        PublicKey::from_pem_file(Path::new(KEYS).join(case["public_key"].as_str().unwrap()))
            .unwrap();
    let sig = &got
        .iter()
        .find(|(n, _)| n == cookies::SIGNATURE)
        .expect("signature")
        .1;
    let raw = cfsign::encoding::decode("Signature", sig).unwrap();
    cfsign::sign::verify_bytes(&public, hash_of(case), policy.as_bytes(), &raw)
        .unwrap_or_else(|e| panic!("{}: {e}", case["id"]));
}

#[test]
fn vectors_library() {
    let cases = vectors();
    assert_eq!(cases.len(), 5, "the cookie vectors");
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        let s = signer(case["key"].as_str().unwrap(), hash_of(case));
        let request = CookieOptions {
            condition: condition_of(case),
            mode: PolicyMode::Auto,
            attributes: CookieAttributes::default(),
        };
        let result = s.sign_cookies(case["url"].as_str().unwrap(), &request);
        if case["input_valid"] == false {
            let e = result.expect_err(id);
            assert!(matches!(e, Error::UrlCharacter { .. }), "{id}: {e}");
            assert!(e.to_string().contains("raw space"), "{id}: {e}");
            continue;
        }
        let got = result.unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(got.policy, case["policy"].as_str().unwrap(), "{id}");
        assert_eq!(
            got.policy_type.as_str(),
            case["policy_type"].as_str().unwrap(),
            "{id}"
        );
        if case["deterministic"] == true {
            let want: Vec<(String, String)> = json_cookies(&serde_json::json!({
                "cookies": case["cookies"].clone()
            }));
            assert_eq!(pairs(&got), want, "{id}");
        } else {
            let example = case["example_cookies"].as_object().unwrap();
            let names: Vec<&str> = got.cookies.iter().map(|(n, _)| *n).collect();
            let want: Vec<&str> = example.keys().map(String::as_str).collect();
            assert_eq!(names, want, "{id}");
            assert_eq!(
                got.get(cookies::POLICY),
                case["policy_b64"].as_str(),
                "{id}"
            );
            assert_verifies(case, &pairs(&got), case["policy"].as_str().unwrap());
        }
    }
}

#[test]
fn vectors_cli() {
    for case in vectors() {
        let id = case["id"].as_str().unwrap();
        let args = cli_args(&case);
        if case["input_valid"] == false {
            let o = cfsign(&args);
            assert_eq!(o.status.code(), Some(1), "{id}");
            assert!(o.stdout.is_empty(), "{id}");
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(err.contains("has a raw space"), "{id}: {err}");
            assert!(err.contains("c%c3%a9%20d.jpg"), "{id}: {err}");
            continue;
        }
        let json: Value = common::json(&stdout(&cfsign(&with(&args, &["--format", "json"]))));
        assert_eq!(json["schema_version"], 1, "{id}");
        assert_eq!(json["policy_type"], case["policy_type"], "{id}");
        assert_eq!(json["expires"], case["expires"], "{id}");
        assert_eq!(json["resource"], case["url"], "{id}");
        let got = json_cookies(&json);
        if case["deterministic"] == true {
            let want = json_cookies(&serde_json::json!({ "cookies": case["cookies"].clone() }));
            assert_eq!(got, want, "{id}");
            let path = cookies::default_path(case["url"].as_str().unwrap());
            let lines: String = want
                .iter()
                .map(|(n, v)| format!("Set-Cookie: {n}={v}; Path={path}; Secure; HttpOnly\n"))
                .collect();
            assert_eq!(stdout(&cfsign(&args)), lines, "{id}: default format");
            let header = want
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            assert_eq!(
                stdout(&cfsign(&with(&args, &["--format", "header"]))),
                format!("Cookie: {header}\n"),
                "{id}"
            );
        } else {
            let policy_b64 = case["policy_b64"].as_str().unwrap();
            assert_eq!(got[0], (cookies::POLICY.into(), policy_b64.into()), "{id}");
            assert_verifies(&case, &got, case["policy"].as_str().unwrap());
        }
    }
}

#[test]
fn canned_and_custom_sets_and_hash_cookie() {
    let names = |c: &cfsign::SignedCookies| c.cookies.iter().map(|(n, _)| *n).collect::<Vec<_>>();
    let exact = "https://d111111abcdef8.cloudfront.net/image.jpg";
    let pattern = "https://d111111abcdef8.cloudfront.net/videos/*";
    for hash in [HashAlgorithm::Sha1, HashAlgorithm::Sha256] {
        for key in ["rsa2048_pkcs1.pem", "ec_p256_sec1.pem"] {
            let s = signer(key, hash);
            let tail: &[&str] = match hash {
                HashAlgorithm::Sha256 => &[cookies::HASH_ALGORITHM],
                HashAlgorithm::Sha1 => &[],
            };
            let canned = s
                .sign_cookies(exact, &CookieOptions::expires(1_767_290_400))
                .unwrap();
            assert_eq!(canned.policy_type, PolicyType::Canned);
            let mut want = vec![cookies::EXPIRES, cookies::SIGNATURE, cookies::KEY_PAIR_ID];
            want.extend_from_slice(tail);
            assert_eq!(names(&canned), want, "{key} {hash}");
            assert_eq!(canned.get(cookies::EXPIRES), Some("1767290400"));
            assert_eq!(canned.get(cookies::POLICY), None);

            let custom = s
                .sign_cookies(pattern, &CookieOptions::expires(1_767_290_400))
                .unwrap();
            assert_eq!(custom.policy_type, PolicyType::Custom);
            let mut want = vec![cookies::POLICY, cookies::SIGNATURE, cookies::KEY_PAIR_ID];
            want.extend_from_slice(tail);
            assert_eq!(names(&custom), want, "{key} {hash}");
            assert_eq!(custom.get(cookies::EXPIRES), None);
            assert_eq!(
                custom.get(cookies::HASH_ALGORITHM),
                (hash == HashAlgorithm::Sha256).then_some("SHA256")
            );
        }
    }
    // An exact URL becomes custom when asked, or when a start time needs it.
    let s = signer("rsa2048_pkcs1.pem", HashAlgorithm::Sha1);
    let mut forced = CookieOptions::expires(1_767_290_400);
    forced.mode = PolicyMode::Custom;
    assert_eq!(
        s.sign_cookies(exact, &forced).unwrap().policy_type,
        PolicyType::Custom
    );
    let mut started = CookieOptions::expires(1_767_290_400);
    started.condition.date_greater_than = Some(1_767_200_000);
    assert_eq!(
        s.sign_cookies(exact, &started).unwrap().policy_type,
        PolicyType::Custom
    );
}

fn base_args(resource: &str) -> Vec<String> {
    [
        "cookies",
        resource,
        "--private-key",
        "tests/data/keys/rsa2048_pkcs1.pem",
        "--key-pair-id",
        ID,
        "--now",
        NOW,
        "--date-less-than",
        "1767290400",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

#[test]
fn cookie_domain_on_cloudfront_net_is_refused_with_the_way_out() {
    for domain in [".cloudfront.net", "cloudfront.net", "*.cloudfront.net"] {
        let o = cfsign(&with(
            &base_args("https://d111111abcdef8.cloudfront.net/videos/*"),
            &["--cookie-domain", domain],
        ));
        assert_eq!(o.status.code(), Some(2), "{domain}");
        assert!(o.stdout.is_empty());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.starts_with(&format!(
                "cfsign: error: cookie domain {domain:?} is CloudFront's shared domain"
            )),
            "{err}"
        );
        assert!(err.contains("hint: "), "{err}");
        assert!(err.contains("alternate domain name"), "{err}");
    }
}

#[test]
fn policy_canned_with_a_wildcard_is_refused() {
    let o = cfsign(&with(
        &base_args("https://d111111abcdef8.cloudfront.net/videos/*"),
        &["--policy", "canned"],
    ));
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        err.lines().next().unwrap(),
        "cfsign: error: a canned policy cannot carry a wildcard resource"
    );
    assert!(err.contains("hint: use --policy custom"), "{err}");
}

#[test]
fn attribute_errors() {
    let r = "https://d111111abcdef8.cloudfront.net/videos/*";
    for (extra, code, needle) in [
        (
            &["--cookie-path", "/videos/*"][..],
            2,
            "cookie Path \"/videos/*\" holds a wildcard",
        ),
        // An option error (exit 2), as a malformed domain is (review nit 12).
        (
            &["--cookie-domain", "example.com"][..],
            2,
            "does not cover the resource's host \"d111111abcdef8.cloudfront.net\"",
        ),
        // Regression: a Path outside the resource was accepted, and browsers never sent
        // the cookies to the files they grant.
        (
            &["--cookie-path", "/x/"][..],
            1,
            "cookie Path \"/x/\" does not cover the resource's path \"/videos/\"",
        ),
        // Regression: a public suffix was accepted as the cookie Domain.
        (&["--cookie-domain", "com"][..], 2, "is a top-level domain"),
        (&["--cookie-max-age", "0"][..], 2, "cookie Max-Age \"0\""),
        (&["--cookie-max-age", "soon"][..], 2, "--cookie-max-age"),
        (&["--format", "xml"][..], 2, "invalid value 'xml'"),
    ] {
        let o = cfsign(&with(&base_args(r), extra));
        assert_eq!(o.status.code(), Some(code), "{extra:?}");
        assert!(o.stdout.is_empty(), "{extra:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(needle), "{extra:?}: {err}");
    }
    let o = cfsign(&with(&base_args("*"), &["--format", "netscape"]));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("cookie Domain is needed for a cookie jar")
    );
}

/// Regression (found by fuzzing the sign/verify round trip): for an exact URL the cookie
/// Path was only compared as a prefix either way, so `Path=/a.jpg/x` for `/a.jpg` (and any
/// Path for a URL without a path) was accepted, and browsers never sent the cookies.
#[test]
fn cookie_path_that_never_covers_an_exact_url_was_accepted() {
    for (resource, path, url_path) in [
        (
            "https://d111111abcdef8.cloudfront.net/a.jpg",
            "/a.jpg/x",
            "/a.jpg",
        ),
        (
            "https://d111111abcdef8.cloudfront.net/videos/a.mp4",
            "/vid",
            "/videos/a.mp4",
        ),
        ("https://d111111abcdef8.cloudfront.net", "/nnn", "/"),
        ("https://d111111abcdef8.cloudfront.net?B", "/nnn", "/"),
    ] {
        let o = cfsign(&with(&base_args(resource), &["--cookie-path", path]));
        assert_eq!(o.status.code(), Some(1), "{resource} {path}");
        assert!(o.stdout.is_empty());
        let err = String::from_utf8_lossy(&o.stderr);
        let needle =
            format!("cookie Path \"{path}\" does not cover the resource's path \"{url_path}\"");
        assert!(err.contains(&needle), "{resource} {path}: {err}");
    }
    for (resource, path) in [
        (
            "https://d111111abcdef8.cloudfront.net/videos/a.mp4",
            "/videos",
        ),
        (
            "https://d111111abcdef8.cloudfront.net/videos/a.mp4",
            "/videos/",
        ),
        (
            "https://d111111abcdef8.cloudfront.net/videos/a.mp4",
            "/videos/a.mp4",
        ),
        ("https://d111111abcdef8.cloudfront.net?B", "/"),
    ] {
        let o = cfsign(&with(&base_args(resource), &["--cookie-path", path]));
        assert_eq!(o.status.code(), Some(0), "{resource} {path}: {o:?}");
        assert!(String::from_utf8_lossy(&o.stdout).contains(&format!("Path={path};")));
    }
}

#[test]
fn attributes_in_each_format() {
    let r = "https://cdn.example.com/hls/live/*";
    let args = with(
        &base_args(r),
        &[
            "--cookie-domain",
            "example.com",
            "--cookie-max-age",
            "1h",
            "--no-http-only",
        ],
    );
    let set = stdout(&cfsign(&args));
    assert_eq!(set.lines().count(), 3);
    for line in set.lines() {
        assert!(
            line.ends_with("; Domain=example.com; Path=/hls/live/; Max-Age=3600; Secure"),
            "{line}"
        );
    }
    let json: Value = common::json(&stdout(&cfsign(&with(&args, &["--format", "json"]))));
    assert_eq!(
        json["attributes"],
        serde_json::json!({"domain": "example.com", "path": "/hls/live/", "secure": true,
                           "http_only": false, "max_age": 3600, "expires": null})
    );
    let jar = stdout(&cfsign(&with(&args, &["--format", "netscape"])));
    let mut lines = jar.lines();
    assert_eq!(lines.next(), Some("# Netscape HTTP Cookie File"));
    let cookies = json_cookies(&json);
    for ((name, value), line) in cookies.iter().zip(lines) {
        // now (1767100000) + 1h; subdomains on, as for Domain=example.com
        assert_eq!(
            line,
            format!(".example.com\tTRUE\t/hls/live/\tTRUE\t1767103600\t{name}\t{value}")
        );
    }
    // Defaults: host-only, derived path, Secure, session expiry, no #HttpOnly_ prefix.
    let jar = stdout(&cfsign(&with(
        &base_args("https://d111111abcdef8.cloudfront.net/videos/*"),
        &["--format", "netscape"],
    )));
    for line in jar.lines().skip(1) {
        assert!(
            line.starts_with(
                "d111111abcdef8.cloudfront.net\tFALSE\t/videos/\tTRUE\t0\tCloudFront-"
            ),
            "{line}"
        );
    }
}

/// Serves `n` requests on 127.0.0.1 and sends back each request's path and `Cookie`
/// header (empty when none was sent).
fn recording_server(n: usize) -> (u16, std::sync::mpsc::Receiver<(String, String)>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(n) {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            let path = request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or_default()
                .to_string();
            let mut cookie = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
                    break;
                }
                if let Some((name, value)) = line.split_once(':')
                    && name.eq_ignore_ascii_case("cookie")
                {
                    cookie = value.trim().to_string();
                }
            }
            stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
                .unwrap();
            tx.send((path, cookie)).unwrap();
        }
    });
    (port, rx)
}

#[test]
fn curl_reads_the_netscape_jar_and_sends_the_cookies_unchanged() {
    let (port, rx) = recording_server(2);
    let resource = format!("http://127.0.0.1:{port}/videos/*");
    let args = with(&base_args(&resource), &["--no-secure"]);
    let json: Value = common::json(&stdout(&cfsign(&with(&args, &["--format", "json"]))));
    let mut want = json_cookies(&json);
    assert_eq!(want.len(), 3);
    let jar = stdout(&cfsign(&with(&args, &["--format", "netscape"])));
    let dir = tempfile::tempdir().unwrap();
    let jar_path = dir.path().join("jar.txt");
    std::fs::write(&jar_path, &jar).unwrap();
    for path in ["/videos/intro.mp4", "/images/a.jpg"] {
        let out = Command::new("curl")
            .args(["-sS", "--max-time", "20", "-b"])
            .arg(&jar_path)
            .arg(format!("http://127.0.0.1:{port}{path}"))
            .output()
            .expect("curl must be installed for this test (.ci/run installs it)");
        assert!(
            out.status.success(),
            "curl: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.stdout, b"ok");
    }
    let (path, header) = rx.recv().unwrap();
    assert_eq!(path, "/videos/intro.mp4");
    let mut got = parse_cookie_header(&header).unwrap();
    got.sort();
    want.sort();
    assert_eq!(got, want, "the Cookie header curl sent: {header}");
    // Path=/videos/ keeps the cookies away from other directories.
    let (path, header) = rx.recv().unwrap();
    assert_eq!(path, "/images/a.jpg");
    assert_eq!(header, "");
}

#[test]
fn cookie_header_round_trips() {
    let args = base_args("https://d111111abcdef8.cloudfront.net/videos/*");
    let line = stdout(&cfsign(&with(&args, &["--format", "header"])));
    let json: Value = common::json(&stdout(&cfsign(&with(&args, &["--format", "json"]))));
    assert_eq!(parse_cookie_header(&line).unwrap(), json_cookies(&json));
    // The library's own rendering, SHA-256 and ECDSA included.
    let s = signer("ec_p256_sec1.pem", HashAlgorithm::Sha256);
    let c = s
        .sign_cookies(
            "https://d111111abcdef8.cloudfront.net/a/*",
            &CookieOptions::expires(1_767_290_400),
        )
        .unwrap();
    assert_eq!(
        parse_cookie_header(&c.to_cookie_header()).unwrap(),
        pairs(&c)
    );
    assert_eq!(
        parse_cookie_header(&c.cookie_header_value()).unwrap(),
        pairs(&c)
    );
}
