//! `cfsign verify` as a user runs it: the vectors verify, cfsign's own output verifies, and
//! each way of breaking a signed URL gets its exact verdict and exit status.

mod common;

use assert_cmd::Command;
use serde_json::Value;

const KEYS: &str = "tests/data/keys";
const RSA_PUB: &str = "tests/data/keys/rsa2048_public.pem";
const EC_PUB: &str = "tests/data/keys/ec_p256_public.pem";
const ID: &str = "K2JCJMDEHXQW5F";
/// Before every vector's expiry (1767290400 = 2026-01-01T18:00:00Z) and after the start
/// times (1767200000).
const AT: &str = "1767280000";

fn vectors() -> Vec<Value> {
    let text = std::fs::read_to_string("tests/data/vectors.json").expect("vectors");
    let v: Value = serde_json::from_str(&text).expect("json");
    v["cases"].as_array().expect("cases").clone()
}

fn case(id: &str) -> Value {
    vectors()
        .into_iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no vector {id}"))
}

fn signed_url(id: &str) -> String {
    case(id)["signed_url"]
        .as_str()
        .expect("signed_url")
        .to_string()
}

/// `cfsign` from the shared harness (no `CFSIGN_*` variables, test keys protected).
fn cfsign() -> Command {
    common::cfsign()
}

/// Runs `cfsign verify URL --public-key RSA_PUB --key-pair-id ID --at AT extra...` and
/// returns (exit code, stdout, stderr).
fn verify(url: &str, extra: &[&str]) -> (i32, String, String) {
    let out = cfsign()
        .args(["verify", url, "--public-key", RSA_PUB, "--key-pair-id", ID])
        .args(if extra.contains(&"--at") {
            &[][..]
        } else {
            &["--at", AT][..]
        })
        .args(extra)
        .output()
        .expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf8"),
        String::from_utf8(out.stderr).expect("utf8"),
    )
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or_default()
}

/// Replaces the value of query parameter `name` in a signed URL.
fn with_param(url: &str, name: &str, value: &str) -> String {
    let start = url.find(&format!("{name}=")).expect("param") + name.len() + 1;
    let end = url[start..].find('&').map_or(url.len(), |i| start + i);
    format!("{}{}{}", &url[..start], value, &url[end..])
}

fn param<'a>(url: &'a str, name: &str) -> &'a str {
    let start = url.find(&format!("{name}=")).expect("param") + name.len() + 1;
    let end = url[start..].find('&').map_or(url.len(), |i| start + i);
    &url[start..end]
}

#[test]
fn every_valid_url_vector_verifies_with_its_public_key() {
    let mut checked = 0;
    for c in vectors() {
        if c["kind"] != "url" || c["input_valid"] == false {
            continue;
        }
        let url = c["signed_url"]
            .as_str()
            .or_else(|| c["example_signed_url"].as_str())
            .expect("a signed URL");
        let public = format!("{KEYS}/{}", c["public_key"].as_str().expect("public_key"));
        let expires = c["expires"].as_i64().expect("expires");
        let id = c["key_pair_id"].as_str().expect("id");
        let mut cmd = cfsign();
        cmd.args(["verify", url, "--public-key", &public, "--key-pair-id", id]);
        if expires < 2 {
            // No time before the expiry can be given: the signature must still match,
            // which the verdict shows by getting past the signature check to the expiry.
            cmd.args(["--at", "1767280000"]);
            let out = cmd.output().expect("run");
            assert_eq!(out.status.code(), Some(1), "{}", c["id"]);
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                first_line(&stdout).starts_with("403 AccessDenied: expired at 1970-01-01T00:00:0"),
                "{}: {stdout}",
                c["id"]
            );
        } else {
            let at = match c["options"]["date_greater_than"].as_i64() {
                Some(start) => start + 1,
                None => expires.min(1_767_280_000) - 1,
            };
            cmd.args(["--at", &at.to_string(), "--client-ip", "192.0.2.10"]);
            let out = cmd.output().expect("run");
            let stdout = String::from_utf8_lossy(&out.stdout);
            if c["id"] == "rsa-canned-host-only" {
                // Signed verbatim without a path, but every client requests `/` and
                // CloudFront checks that form (issue 10.4): refused, with the reason.
                assert_eq!(out.status.code(), Some(1), "{stdout}");
                assert!(stdout.contains("note:           clients request this URL as https://d111111abcdef8.cloudfront.net/ ('/' added as the path), and CloudFront checks the signature against that form"), "{stdout}");
                checked += 1;
                continue;
            }
            assert_eq!(out.status.code(), Some(0), "{}: {stdout}", c["id"]);
            assert_eq!(
                first_line(&stdout),
                "OK: CloudFront would serve this request",
                "{}",
                c["id"]
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 58, "number of valid URL vectors checked");
}

#[test]
fn every_cookie_vector_verifies_from_json_and_header() {
    for (id, url) in [
        (
            "rsa-cookies-canned",
            "https://d111111abcdef8.cloudfront.net/image.jpg",
        ),
        (
            "rsa-cookies-custom-wildcard",
            "https://d111111abcdef8.cloudfront.net/videos/a.mp4",
        ),
        (
            "rsa-cookies-sha256",
            "https://d111111abcdef8.cloudfront.net/image.jpg",
        ),
        (
            "ec-cookies-sha256",
            "https://d111111abcdef8.cloudfront.net/videos/a.mp4",
        ),
    ] {
        let c = case(id);
        let public = format!("{KEYS}/{}", c["public_key"].as_str().expect("public_key"));
        let cookies = c["cookies"]
            .as_object()
            .or_else(|| c["example_cookies"].as_object())
            .expect("cookies");
        let dir = tempfile::tempdir().expect("tmp");
        let file = dir.path().join("cookies.json");
        std::fs::write(&file, serde_json::json!({ "cookies": cookies }).to_string())
            .expect("write");
        let header = cookies
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_str().expect("str")))
            .collect::<Vec<_>>()
            .join("; ");
        for source in [
            vec!["--cookies-file".to_string(), file.display().to_string()],
            vec!["--cookie-header".to_string(), format!("Cookie: {header}")],
        ] {
            let out = cfsign()
                .args(["verify", "--url", url, "--public-key", &public, "--at", AT])
                .args(["--client-ip", "192.0.2.77"])
                .args(&source)
                .output()
                .expect("run");
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert_eq!(out.status.code(), Some(0), "{id} {source:?}: {stdout}");
        }
    }
}

#[test]
fn cookies_for_a_url_outside_the_wildcard_are_refused() {
    let c = case("rsa-cookies-custom-wildcard");
    let header = c["cookies"]
        .as_object()
        .expect("cookies")
        .iter()
        .map(|(k, v)| format!("{k}={}", v.as_str().expect("str")))
        .collect::<Vec<_>>()
        .join("; ");
    let out = cfsign()
        .args([
            "verify",
            "--url",
            "https://d111111abcdef8.cloudfront.net/images/a.jpg",
        ])
        .args([
            "--public-key",
            RSA_PUB,
            "--at",
            AT,
            "--cookie-header",
            &header,
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        first_line(&String::from_utf8_lossy(&out.stdout)),
        "403 AccessDenied: URL \"https://d111111abcdef8.cloudfront.net/images/a.jpg\" is not matched by the policy resource \"https://d111111abcdef8.cloudfront.net/videos/*\""
    );
}

#[test]
fn every_url_cfsign_signs_verifies() {
    let urls = [
        "https://d111111abcdef8.cloudfront.net/image.jpg",
        "https://d111111abcdef8.cloudfront.net/a%7Eb/c+d.jpg?x=1&y=%2F&z",
        "http://d111111abcdef8.cloudfront.net:8080/",
        "https://d111111abcdef8.cloudfront.net/a?",
    ];
    let keys = [("rsa2048_pkcs1.pem", RSA_PUB), ("ec_p256_sec1.pem", EC_PUB)];
    let option_sets: [&[&str]; 4] = [
        &[],
        &["--hash-algorithm", "sha1"],
        &["--hash-algorithm", "sha256", "--policy", "custom"],
        &[
            "--date-greater-than",
            "1767200000",
            "--ip-address",
            "192.0.2.0/24",
        ],
    ];
    let mut checked = 0;
    for (private, public) in keys {
        for options in option_sets {
            for url in urls {
                let out = cfsign()
                    .args([url, "--private-key", &format!("{KEYS}/{private}")])
                    .args(["--key-pair-id", ID, "--now", "1767200000"])
                    .args(["--date-less-than", "1767290400"])
                    .args(options)
                    .output()
                    .expect("sign");
                assert_eq!(out.status.code(), Some(0), "{url} {options:?}");
                let signed = String::from_utf8(out.stdout).expect("utf8");
                let out = cfsign()
                    .args(["verify", signed.trim(), "--public-key", public])
                    .args(["--key-pair-id", ID, "--at", AT, "--client-ip", "192.0.2.1"])
                    .output()
                    .expect("verify");
                let stdout = String::from_utf8_lossy(&out.stdout);
                assert_eq!(out.status.code(), Some(0), "{signed}: {stdout}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 32);
}

/// Each way of breaking a signed URL, with the exact first line of the verdict.
#[test]
fn broken_urls_get_exact_verdicts() {
    let canned = signed_url("rsa-canned-plain-https");
    let query = signed_url("rsa-canned-query-one");
    let tilde = signed_url("rsa-canned-pct-tilde");
    let wildcard = signed_url("rsa-custom-wildcard");
    let dgt = signed_url("rsa-custom-dgt");
    let cidr = signed_url("rsa-custom-ip-cidr");
    let sig = param(&canned, "Signature");
    let standard_alphabet = sig.replace('-', "+").replace('~', "/").replace('_', "=");
    let first_std = standard_alphabet
        .char_indices()
        .find(|(_, c)| matches!(c, '+' | '/' | '='))
        .expect("a mapped character");
    let std_message = format!(
        "403 MalformedSignature: Could not unencode Signature: Signature has {:?} at position {}: that is standard base64, not CloudFront's alphabet (the URL was re-encoded or built by hand)",
        first_std.1, first_std.0
    );
    let rows: Vec<(&str, String, Vec<&str>, &str)> = vec![
        (
            "a byte changed in the path",
            canned.replace("/image.jpg", "/imagE.jpg"),
            vec![],
            "403 AccessDenied: the signature does not match the policy",
        ),
        (
            "a parameter appended after signing",
            format!("{query}&utm_source=mail"),
            vec![],
            "403 AccessDenied: the signature does not match: the query was changed after signing: utm_source=mail appended after the signing parameters",
        ),
        (
            "the URL re-encoded (%7E became ~)",
            tilde.replace("a%7Eb.jpg", "a~b.jpg"),
            vec![],
            "403 AccessDenied: the signature does not match: the URL was re-encoded after signing: %7E was written as ~",
        ),
        (
            "standard base64 instead of CloudFront's",
            with_param(&canned, "Signature", &standard_alphabet),
            vec![],
            &std_message,
        ),
        (
            "a signature truncated off a 4-character boundary",
            with_param(&canned, "Signature", &sig[..101]),
            vec![],
            "403 MalformedSignature: Could not unencode Signature: Signature cannot be decoded (Invalid input length: 101); it may be truncated",
        ),
        (
            "a signature truncated on a 4-character boundary",
            with_param(&canned, "Signature", &sig[..200]),
            vec![],
            "403 AccessDenied: the signature does not match: the signature is 150 bytes, but the key makes 256-byte signatures (truncated or damaged)",
        ),
        (
            "Hash-Algorithm=SHA256 on a SHA-1 signature",
            format!("{canned}&Hash-Algorithm=SHA256"),
            vec![],
            "403 AccessDenied: the signature does not match: the policy was signed with SHA1, but the request says SHA256 (Hash-Algorithm=SHA256)",
        ),
        (
            "an unknown key ID",
            with_param(&canned, "Key-Pair-Id", "KUNKNOWN1234"),
            vec![],
            "403 InvalidKey: Unknown Key: key pair ID \"KUNKNOWN1234\" is not trusted (trusted: K2JCJMDEHXQW5F)",
        ),
        (
            "expired",
            canned.clone(),
            vec!["--at", "1767290400"],
            "403 AccessDenied: expired at 2026-01-01T18:00:00Z (now; DateLessThan 1767290400)",
        ),
        (
            "not yet valid",
            dgt,
            vec!["--at", "1767196400"],
            "403 AccessDenied: not valid before 2025-12-31T16:53:20Z (in 1h; DateGreaterThan 1767200000)",
        ),
        (
            "outside the IP range",
            cidr,
            vec!["--client-ip", "198.51.100.7"],
            "403 AccessDenied: client IP 198.51.100.7 is outside the policy's IpAddress 192.0.2.0/24",
        ),
        (
            "outside the wildcard",
            wildcard.replace("/videos/a.mp4", "/images/a.jpg"),
            vec![],
            "403 AccessDenied: URL \"https://d111111abcdef8.cloudfront.net/images/a.jpg\" is not matched by the policy resource \"https://d111111abcdef8.cloudfront.net/videos/*\"",
        ),
        (
            "no Key-Pair-Id",
            canned.replace("&Key-Pair-Id=K2JCJMDEHXQW5F", ""),
            vec![],
            "403 MissingKey: Missing Key-Pair-Id query parameter or cookie value",
        ),
        (
            "both Expires and Policy",
            wildcard.replace("?Policy=", "?Expires=1767290400&Policy="),
            vec![],
            "403 MalformedPolicy: both Expires and Policy are present; a signed URL has one of them",
        ),
    ];
    for (why, url, extra, want) in rows {
        let (code, stdout, stderr) = verify(&url, &extra);
        assert_eq!(code, 1, "{why}: {stdout}{stderr}");
        assert_eq!(first_line(&stdout), want, "{why}");
        assert!(stdout.contains("\nfix:"), "{why}: {stdout}");
        assert_eq!(stderr, "", "{why}");
    }
}

#[test]
fn diagnosis_names_the_url_that_was_signed() {
    let query = signed_url("rsa-canned-query-one");
    let (code, stdout, _) = verify(&format!("{query}&utm_source=mail"), &[]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains(
            "\nsigned URL:     https://d111111abcdef8.cloudfront.net/images/image.jpg?size=large\n"
        ),
        "{stdout}"
    );
}

#[test]
fn key_group_from_flags_and_directory() {
    let canned = signed_url("rsa-canned-plain-https");
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::copy(RSA_PUB, dir.path().join("K2JCJMDEHXQW5F.pem")).expect("copy");
    std::fs::copy(EC_PUB, dir.path().join("KECKEY0000001.pem")).expect("copy");
    let key_dir = dir.path().display().to_string();
    cfsign()
        .args(["verify", &canned, "--key-dir", &key_dir, "--at", AT])
        .assert()
        .code(0);
    // The EC key is in the group but did not sign: the URL names it, the RSA key signed.
    let other = with_param(&canned, "Key-Pair-Id", "KECKEY0000001");
    let out = cfsign()
        .args(["verify", &other, "--key-dir", &key_dir, "--at", AT])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        first_line(&String::from_utf8_lossy(&out.stdout)),
        "403 AccessDenied: the signature does not match: the signature was made with the key of K2JCJMDEHXQW5F, not the key named in Key-Pair-Id"
    );
    let ec_key = format!("KECKEY0000001={EC_PUB}");
    let out = cfsign()
        .args(["verify", &canned, "--key", &ec_key, "--at", AT])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        first_line(&String::from_utf8_lossy(&out.stdout)),
        "403 InvalidKey: Unknown Key: key pair ID \"K2JCJMDEHXQW5F\" is not trusted (trusted: KECKEY0000001)"
    );
}

#[test]
fn json_verdict() {
    let canned = signed_url("rsa-canned-plain-https");
    let (code, stdout, _) = verify(
        &format!("{canned}&Hash-Algorithm=SHA256"),
        &["--format", "json"],
    );
    assert_eq!(code, 1);
    let v: Value = common::json(&stdout);
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["verdict"], "refuse");
    assert_eq!(v["http_status"], 403);
    assert_eq!(v["error_code"], "AccessDenied");
    assert_eq!(v["reason"], "signature_mismatch_hash_algorithm");
    assert_eq!(v["policy_type"], "canned");
    assert_eq!(v["expires"], 1_767_290_400);
    assert_eq!(v["key_pair_id"], ID);
    let (code, stdout, _) = verify(&canned, &["--format", "json"]);
    assert_eq!(code, 0);
    let v: Value = common::json(&stdout);
    assert_eq!(v["verdict"], "serve");
    assert_eq!(v["error_code"], Value::Null);
    assert_eq!(
        v["policy"],
        case("rsa-canned-plain-https")["policy"]
            .as_str()
            .expect("policy")
    );
}

#[test]
fn ip_range_unchecked_without_client_ip_is_noted() {
    let (code, stdout, _) = verify(&signed_url("rsa-custom-ip-cidr"), &[]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("note:           the policy allows only IpAddress 192.0.2.0/24; give --client-ip to check the viewer's address"),
        "{stdout}"
    );
}

#[test]
fn usage_errors_exit_2_with_nothing_on_stdout() {
    let canned = signed_url("rsa-canned-plain-https");
    for (args, needle) in [
        (vec!["verify", canned.as_str()], "no public key"),
        (
            vec!["verify", canned.as_str(), "--public-key", "missing.pem"],
            "cannot read public key \"missing.pem\": no such file",
        ),
        (
            vec![
                "verify",
                canned.as_str(),
                "--public-key",
                RSA_PUB,
                "--client-ip",
                "2001:db8::1",
            ],
            "--client-ip \"2001:db8::1\" is not an IPv4 address",
        ),
        (
            vec![
                "verify",
                canned.as_str(),
                "--public-key",
                RSA_PUB,
                "--at",
                "1767290400000",
            ],
            "milliseconds",
        ),
        (
            vec!["verify", canned.as_str(), "--key", "K1"],
            "--key \"K1\" must be ID=PATH",
        ),
        (vec!["verify", "--public-key", RSA_PUB], "no signed URL"),
    ] {
        let out = cfsign().args(&args).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
}

/// Whatever `cfsign cookies` prints, in each of its formats, `cfsign verify` reads back
/// and accepts for a URL under the resource.
#[test]
fn every_cookies_output_format_verifies() {
    for format in ["set-cookie", "header", "json", "netscape"] {
        let out = cfsign()
            .args(["cookies", "https://d111111abcdef8.cloudfront.net/videos/*"])
            .args(["--private-key", &format!("{KEYS}/rsa2048_pkcs1.pem")])
            .args(["--key-pair-id", ID, "--now", "1767200000"])
            .args(["--date-less-than", "1767290400", "--format", format])
            .output()
            .expect("cookies");
        assert_eq!(out.status.code(), Some(0), "{format}");
        let dir = tempfile::tempdir().expect("tmp");
        let file = dir.path().join("cookies.txt");
        std::fs::write(&file, &out.stdout).expect("write");
        let verdict = cfsign()
            .args([
                "verify",
                "--url",
                "https://d111111abcdef8.cloudfront.net/videos/a.mp4",
            ])
            .args(["--public-key", RSA_PUB, "--key-pair-id", ID, "--at", AT])
            .arg("--cookies-file")
            .arg(&file)
            .output()
            .expect("verify");
        let stdout = String::from_utf8_lossy(&verdict.stdout);
        assert_eq!(verdict.status.code(), Some(0), "{format}: {stdout}");
        assert!(
            stdout.contains("\npolicy:         custom, SHA1\n"),
            "{format}: {stdout}"
        );
    }
}

#[test]
fn a_malformed_cookie_header_is_a_usage_error() {
    let out = cfsign()
        .args([
            "verify",
            "--url",
            "https://d111111abcdef8.cloudfront.net/a.jpg",
        ])
        .args([
            "--public-key",
            RSA_PUB,
            "--cookie-header",
            "CloudFront-Expires",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Cookie header has \"CloudFront-Expires\", which is not name=value"),
        "{stderr}"
    );
}

/// Runs `cfsign verify ARGS...` and returns (exit code, stdout, stderr).
fn run_verify(args: &[&str]) -> (i32, String, String) {
    let out = cfsign().arg("verify").args(args).output().expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf8"),
        String::from_utf8(out.stderr).expect("utf8"),
    )
}

// Broke: an RSA signature checked with an ECDSA key (and back) was called truncated.
#[test]
fn wrong_key_type_was_misdiagnosed_as_truncation() {
    let cases = [
        (
            signed_url("rsa-canned-plain-https"),
            EC_PUB,
            "403 AccessDenied: the signature does not match: it was signed with an RSA-2048 key but the public key is ECDSA P-256 (wrong public key for this key pair ID)",
        ),
        (
            case("ec-sha1-canned-sec1")["example_signed_url"]
                .as_str()
                .expect("example_signed_url")
                .to_string(),
            RSA_PUB,
            "403 AccessDenied: the signature does not match: it was signed with an ECDSA P-256 key but the public key is RSA-2048 (wrong public key for this key pair ID)",
        ),
    ];
    for (url, key, first) in cases {
        let (code, stdout, stderr) = run_verify(&[&url, "--public-key", key, "--at", AT]);
        assert_eq!(code, 1, "{stderr}");
        assert_eq!(first_line(&stdout), first);
        assert!(
            stdout.contains(
                "\nfix:            use the public key that belongs to the key pair ID (the one registered under that ID in CloudFront: Key management > Public keys)\n"
            ),
            "{stdout}"
        );
        let (_, json, _) = run_verify(&[&url, "--public-key", key, "--at", AT, "--format", "json"]);
        let v: Value = common::json(&json);
        assert_eq!(v["reason"], "signature_mismatch_wrong_key_type");
    }
}

// Broke: the same ID given twice with --key (or --key and --key-dir) let the last win.
#[test]
fn duplicate_key_pair_id_was_accepted_and_the_last_key_won() {
    let url = signed_url("rsa-canned-plain-https");
    let first = format!("{ID}={RSA_PUB}");
    let second = format!("{ID}={EC_PUB}");
    let (code, stdout, stderr) = run_verify(&[&url, "--key", &first, "--key", &second, "--at", AT]);
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        format!(
            "cfsign: error: key pair ID {ID} is given twice (--key {first} and --key {second}); give each ID once, with the public key registered under it\n"
        )
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join(format!("{ID}.pem"));
    std::fs::copy(EC_PUB, &file).expect("copy");
    let dir_arg = dir.path().display().to_string();
    let (code, stdout, stderr) =
        run_verify(&[&url, "--key", &first, "--key-dir", &dir_arg, "--at", AT]);
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        format!(
            "cfsign: error: key pair ID {ID} is given twice (--key {first} and --key-dir file {}); give each ID once, with the public key registered under it\n",
            file.display()
        )
    );
}

// Broke: a certificate as --public-key got "give a PEM private key ..."; a private key got
// "give the public key (make one with `openssl pkey -pubout`) file".
#[test]
fn wrong_key_file_hints_asked_for_a_private_key_or_were_garbled() {
    let url = signed_url("rsa-canned-plain-https");
    let cases = [
        (
            "tests/data/rsa2048_cert.pem",
            "cfsign: error: tests/data/rsa2048_cert.pem: is a certificate, but a public key is needed\n\
             hint: extract the public key with `openssl x509 -in CERT -pubkey -noout -out public_key.pem`\n",
        ),
        (
            "tests/data/keys/rsa2048_pkcs8.pem",
            "cfsign: error: tests/data/keys/rsa2048_pkcs8.pem: is a private key, but a public key is needed\n\
             hint: extract the public key with `openssl pkey -in KEY -pubout -out public_key.pem`\n",
        ),
        (
            "Cargo.toml",
            "cfsign: error: Cargo.toml: is not a PEM file: there is no -----BEGIN ...----- line\n\
             hint: give a PEM key file: a private key to sign (BEGIN PRIVATE KEY, RSA PRIVATE KEY, ENCRYPTED PRIVATE KEY or EC PRIVATE KEY), a public key to verify (BEGIN PUBLIC KEY or RSA PUBLIC KEY)\n",
        ),
    ];
    for (key, expected) in cases {
        let (code, stdout, stderr) = run_verify(&[&url, "--public-key", key, "--at", AT]);
        assert_eq!(code, 2);
        assert_eq!(stdout, "");
        assert_eq!(stderr, expected);
    }
}

// Broke: `cfsign verify hello` exited 1 with "403 MissingKey" instead of a usage error.
#[test]
fn non_url_input_was_reported_as_missing_key() {
    for (args, expected) in [
        (
            vec!["hello", "--public-key", RSA_PUB],
            "cfsign: error: SIGNED_URL \"hello\" is not an http(s) URL; give the URL as the viewer requests it, starting with https:// or http://\n",
        ),
        (
            vec![
                "--url",
                "hello",
                "--cookie-header",
                "a=b",
                "--public-key",
                RSA_PUB,
            ],
            "cfsign: error: --url \"hello\" is not an http(s) URL; give the URL as the viewer requests it, starting with https:// or http://\n",
        ),
    ] {
        let (code, stdout, stderr) = run_verify(&args);
        assert_eq!(code, 2, "{args:?}");
        assert_eq!(stdout, "", "{args:?}");
        assert_eq!(stderr, expected, "{args:?}");
    }
}

/// The vector's cookies as a `Cookie` header value.
fn cookie_header(id: &str) -> String {
    case(id)["cookies"]
        .as_object()
        .expect("cookies")
        .iter()
        .map(|(k, v)| format!("{k}={}", v.as_str().expect("str")))
        .collect::<Vec<_>>()
        .join("; ")
}

// Broke: a --url holding Signature= was served on its valid cookies, but CloudFront treats
// any URL with a signed-URL parameter as a signed URL and ignores the cookies.
#[test]
fn signed_url_parameters_in_the_url_did_not_take_precedence_over_cookies() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("cookies.json");
    let c = case("rsa-cookies-custom-wildcard");
    std::fs::write(
        &file,
        serde_json::json!({ "cookies": c["cookies"] }).to_string(),
    )
    .expect("write");
    let note = "note:           the cookies were ignored: the URL holds the signed-URL parameter Signature, so CloudFront treats it as a signed URL and does not look at signed cookies; remove it from the URL to use the cookies";
    let out = cfsign()
        .args([
            "verify",
            "--url",
            "https://d111111abcdef8.cloudfront.net/videos/a.mp4?Signature=x",
            "--cookies-file",
        ])
        .arg(&file)
        .args(["--public-key", RSA_PUB, "--at", AT])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert_eq!(
        first_line(&stdout),
        "403 MissingKey: Missing Key-Pair-Id query parameter or cookie value"
    );
    assert!(stdout.lines().any(|l| l == note), "{stdout}");

    // A valid signed URL with cookies for another resource: the URL alone decides (serve).
    let url = signed_url("rsa-canned-plain-https");
    let out = cfsign()
        .args(["verify", "--url", &url, "--cookie-header"])
        .arg(cookie_header("rsa-cookies-custom-wildcard"))
        .args(["--public-key", RSA_PUB, "--at", AT])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert_eq!(
        first_line(&stdout),
        "OK: CloudFront would serve this request"
    );
    assert!(
        stdout.lines().any(|l| l
            == "note:           the cookies were ignored: the URL holds the signed-URL parameters Expires, Signature, Key-Pair-Id, so CloudFront treats it as a signed URL and does not look at signed cookies; remove them from the URL to use the cookies"),
        "{stdout}"
    );
}

/// Runs verify with the cookie file `text` for `url` (RSA key, at AT).
fn verify_cookie_file(text: &str, url: &str) -> (i32, String) {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("cookies.txt");
    std::fs::write(&file, text).expect("write");
    let out = cfsign()
        .args(["verify", "--url", url, "--cookies-file"])
        .arg(&file)
        .args(["--public-key", RSA_PUB, "--key-pair-id", ID, "--at", AT])
        .output()
        .expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf8"),
    )
}

/// The wildcard cookie vector as jar lines with the given domain, flag, path and expiry.
fn jar(domain: &str, subdomains: &str, path: &str, expiry: &str) -> String {
    let c = case("rsa-cookies-custom-wildcard");
    let mut out = String::from("# Netscape HTTP Cookie File\n");
    for (k, v) in c["cookies"].as_object().expect("cookies") {
        let v = v.as_str().expect("str");
        out.push_str(&format!(
            "{domain}\t{subdomains}\t{path}\tTRUE\t{expiry}\t{k}\t{v}\n"
        ));
    }
    out
}

// Broke: cookies whose Path, Domain or jar expiry exclude the URL were verified as if the
// client sent them (serve), though the client would send nothing and CloudFront answer 403.
#[test]
fn cookie_path_domain_and_expiry_that_exclude_the_url_were_ignored() {
    const HOST: &str = "d111111abcdef8.cloudfront.net";
    let url = format!("https://{HOST}/videos/a.mp4");
    // The control: attributes that cover the URL serve, from a jar and from Set-Cookie.
    let (code, stdout) = verify_cookie_file(&jar(HOST, "FALSE", "/videos/", "1767290400"), &url);
    assert_eq!(
        (code, first_line(&stdout)),
        (0, "OK: CloudFront would serve this request")
    );
    for (text, want_first, want_fix) in [
        (
            jar(HOST, "FALSE", "/vids/", "0"),
            "403 MissingKey: the client would not send the cookie CloudFront-Key-Pair-Id with this URL: its Path=/vids/ does not cover /videos/a.mp4",
            "fix:            set the cookies' Path to a prefix of the URL's path (cfsign cookies --cookie-path), or request a URL under it",
        ),
        (
            jar(HOST, "FALSE", "/videos/a.mp", "0"),
            "403 MissingKey: the client would not send the cookie CloudFront-Key-Pair-Id with this URL: its Path=/videos/a.mp does not cover /videos/a.mp4",
            "fix:            set the cookies' Path to a prefix of the URL's path (cfsign cookies --cookie-path), or request a URL under it",
        ),
        (
            jar("cdn.example.com", "FALSE", "/", "0"),
            "403 MissingKey: the client would not send the cookie CloudFront-Key-Pair-Id with this URL: its domain cdn.example.com does not cover the host d111111abcdef8.cloudfront.net",
            "fix:            set the cookies' Domain to the URL's host or a parent of it (cfsign cookies --cookie-domain), or request that host",
        ),
        (
            // Host-only (FALSE) for the parent: not sent to the distribution's host.
            jar("cloudfront.net", "FALSE", "/", "0"),
            "403 MissingKey: the client would not send the cookie CloudFront-Key-Pair-Id with this URL: its domain cloudfront.net does not cover the host d111111abcdef8.cloudfront.net",
            "fix:            set the cookies' Domain to the URL's host or a parent of it (cfsign cookies --cookie-domain), or request that host",
        ),
        (
            jar(HOST, "FALSE", "/", "1767279999"),
            "403 MissingKey: the client would not send the cookie CloudFront-Key-Pair-Id with this URL: it expired at 2026-01-01T15:06:39Z (expiry 1767279999), before the request time 2026-01-01T15:06:40Z",
            "fix:            sign the cookies again with a later expiry (cfsign cookies --cookie-max-age), or leave the expiry out for session cookies",
        ),
        (
            case("rsa-cookies-custom-wildcard")["cookies"]
                .as_object()
                .expect("cookies")
                .iter()
                .map(|(k, v)| {
                    format!(
                        "Set-Cookie: {k}={}; Path=/images/; Secure; HttpOnly\n",
                        v.as_str().expect("str")
                    )
                })
                .collect::<String>(),
            "403 MissingKey: the client would not send the cookie CloudFront-Key-Pair-Id with this URL: its Path=/images/ does not cover /videos/a.mp4",
            "fix:            set the cookies' Path to a prefix of the URL's path (cfsign cookies --cookie-path), or request a URL under it",
        ),
        (
            case("rsa-cookies-custom-wildcard")["cookies"]
                .as_object()
                .expect("cookies")
                .iter()
                .map(|(k, v)| {
                    format!(
                        "Set-Cookie: {k}={}; Domain=example.com; Path=/\n",
                        v.as_str().expect("str")
                    )
                })
                .collect::<String>(),
            "403 MissingKey: the client would not send the cookie CloudFront-Key-Pair-Id with this URL: its domain example.com does not cover the host d111111abcdef8.cloudfront.net",
            "fix:            set the cookies' Domain to the URL's host or a parent of it (cfsign cookies --cookie-domain), or request that host",
        ),
    ] {
        let (code, stdout) = verify_cookie_file(&text, &url);
        assert_eq!(code, 1, "{text}\n{stdout}");
        assert_eq!(first_line(&stdout), want_first, "{text}");
        assert!(stdout.lines().any(|l| l == want_fix), "{stdout}");
        assert!(
            stdout.lines().any(|l| l.starts_with("note:           the cookie CloudFront-Signature was left out: the client would not send it with this URL (")),
            "{stdout}"
        );
    }
    // A Cookie header carries no attributes: unchanged (serves).
    let (code, _) = verify_cookie_file(
        &format!("Cookie: {}", cookie_header("rsa-cookies-custom-wildcard")),
        &url,
    );
    assert_eq!(code, 0);
}

// Broke: a signing parameter given twice was decided on the first value (serve with
// `&Signature=abc` appended, refuse with it placed first), though which value CloudFront
// uses is undocumented: now refused, in URLs and cookies; inspect lists it as a problem.
#[test]
fn duplicate_signing_parameter_was_decided_on_the_first_value() {
    let url = signed_url("rsa-canned-plain-https");
    let refusal = "403 AccessDenied: Signature is given more than once; which value CloudFront uses is undocumented, so the request is not safe to rely on";
    let (code, stdout, _) = verify(&format!("{url}&Signature=abc"), &[]);
    assert_eq!(code, 1, "{stdout}");
    assert_eq!(stdout.lines().next(), Some(refusal), "{stdout}");
    let first = url.replace("Signature=", "Signature=abc&Signature=");
    let (code, stdout, _) = verify(&first, &["--format", "json"]);
    assert_eq!(code, 1, "{stdout}");
    let j: Value = common::json(&stdout);
    assert_eq!(j["error_code"], "AccessDenied");
    assert_eq!(j["reason"], "duplicate_parameter");
    // Regression (issue 10.5): duplicate Expires and Key-Pair-Id, even with equal values.
    for extra in [
        "&Expires=1767290400",
        "&Key-Pair-Id=K2JCJMDEHXQW5F",
        "&Expires=2000000000",
    ] {
        let (code, stdout, _) = verify(&format!("{url}{extra}"), &["--format", "json"]);
        assert_eq!(code, 1, "{extra}: {stdout}");
        let j: Value = common::json(&stdout);
        assert_eq!(j["reason"], "duplicate_parameter", "{extra}");
    }
    // Cookies: CloudFront-Signature twice in the Cookie header.
    let header = cookie_header("rsa-cookies-custom-wildcard");
    let out = cfsign()
        .args([
            "verify",
            "--url",
            "https://d111111abcdef8.cloudfront.net/videos/a.mp4",
            "--public-key",
            RSA_PUB,
            "--key-pair-id",
            ID,
            "--at",
            AT,
            "--cookie-header",
        ])
        .arg(format!("{header}; CloudFront-Signature=abc"))
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.starts_with("403 AccessDenied: CloudFront-Signature is given more than once;"),
        "{stdout}"
    );
    // inspect lists it as a problem, in text and JSON.
    let note = "Signature is given more than once; the first value is shown, but which one CloudFront uses is undocumented (verify refuses it): give each signing parameter once";
    let out = cfsign()
        .args(["inspect", &format!("{url}&Signature=abc"), "--now", AT])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l == format!("problem:        {note}")),
        "{stdout}"
    );
    let out = cfsign()
        .args(["inspect", &first, "--format", "json", "--now", AT])
        .output()
        .expect("run");
    let j: Value = common::json(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(
        j["problems"],
        serde_json::json!([
            note,
            "Signature cannot be decoded (Invalid padding); it may be truncated"
        ])
    );
}

// Broke (issue 10.5): a canned Expires in milliseconds, past year 9999 or with a leading
// zero verified OK, because the canned policy was rebuilt from the parsed number.
#[test]
fn non_canonical_expires_verified() {
    let url = signed_url("rsa-canned-plain-https");
    for (expires, needle) in [
        ("1767290400000", "looks like milliseconds"),
        ("9223372036854775807", "after 9999-12-31"),
        ("99999999999999999999", "after 9999-12-31"),
        ("01767290400", "leading zero"),
    ] {
        let bad = url.replace("Expires=1767290400", &format!("Expires={expires}"));
        let (code, stdout, _) = verify(&bad, &["--format", "json"]);
        assert_eq!(code, 1, "{expires}: {stdout}");
        let j: Value = common::json(&stdout);
        assert_eq!(j["error_code"], "MalformedPolicy", "{expires}");
        assert_eq!(j["reason"], "bad_expires", "{expires}");
        assert!(
            j["message"].as_str().unwrap().contains(needle),
            "{expires}: {j}"
        );
        let out = cfsign()
            .args(["inspect", &bad, "--format", "json", "--now", AT])
            .output()
            .expect("run");
        let j: Value = common::json(&String::from_utf8_lossy(&out.stdout));
        assert!(j["problems"][0].as_str().unwrap().contains(needle), "{j}");
    }
}

/// Regression: `verify -` and `inspect -` took `-` as the URL ("not an http(s) URL")
/// instead of reading it from standard input, as the signing command does.
#[test]
fn dash_reads_the_signed_url_from_stdin() {
    let url = signed_url("rsa-canned-plain-https");
    let out = cfsign()
        .args([
            "verify",
            "-",
            "--public-key",
            RSA_PUB,
            "--key-pair-id",
            ID,
            "--at",
            AT,
        ])
        .write_stdin(format!("\u{feff}{url}\r\n"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("OK: CloudFront would serve"));
    let out = cfsign()
        .args(["inspect", "-", "--format", "json"])
        .write_stdin(url.clone())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = common::json(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(v["key_pair_id"], ID);
    let out = cfsign()
        .args(["verify", "-", "--public-key", RSA_PUB])
        .write_stdin("\n\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("standard input holds no URL"));
}

/// Signs cookies for `*://d111111abcdef8.cloudfront.net/videos/*` with cfsign and returns
/// them in `format`, with `extra` cookie options.
fn any_scheme_cookies(format: &str, extra: &[&str]) -> String {
    common::protect_test_keys();
    let out = cfsign()
        .args(["cookies", "*://d111111abcdef8.cloudfront.net/videos/*"])
        .args(["--private-key", "tests/data/keys/rsa2048_pkcs1.pem"])
        .args(["--key-pair-id", ID, "--date-less-than", "1767290400"])
        .args(["--now", "2025-12-01T00:00:00Z", "--format", format])
        .args(extra)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8(out.stdout).expect("utf8")
}

// Broke (issue 10.6): verify served cookies a client would not send: Secure cookies with an
// http:// URL, Max-Age=0, and a Set-Cookie Expires before --at. RFC 6265 5.4 / 5.2.2 / 5.3.
#[test]
fn cookies_a_client_would_not_send_were_served() {
    let https = "https://d111111abcdef8.cloudfront.net/videos/a.mp4";
    let http = "http://d111111abcdef8.cloudfront.net/videos/a.mp4";
    let set_cookie = any_scheme_cookies("set-cookie", &[]);
    let json = any_scheme_cookies("json", &[]);
    let jar = any_scheme_cookies("netscape", &[]);
    // The control: over https every form serves.
    for text in [&set_cookie, &json, &jar] {
        assert_eq!(verify_cookie_file(text, https).0, 0, "{text}");
    }
    let secure = "403 MissingKey: the client would not send the cookie CloudFront-Key-Pair-Id with this URL: it is Secure and the URL is http://, so clients send it only over https";
    for text in [&set_cookie, &json, &jar] {
        let (code, stdout) = verify_cookie_file(text, http);
        assert_eq!(code, 1, "{text}");
        assert_eq!(first_line(&stdout), secure, "{text}");
        assert!(stdout.contains("fix:            request the URL over https://, or sign the cookies with --no-secure"), "{stdout}");
    }
    // Without Secure, http:// serves.
    let plain = any_scheme_cookies("set-cookie", &["--no-secure"]);
    assert_eq!(verify_cookie_file(&plain, http).0, 0, "{plain}");
    // Max-Age zero or less: expired at once.
    for age in ["0", "-1"] {
        let text = set_cookie.replace("; Secure", &format!("; Max-Age={age}; Secure"));
        let (code, stdout) = verify_cookie_file(&text, https);
        assert_eq!(code, 1, "{text}");
        assert_eq!(
            first_line(&stdout),
            format!(
                "403 MissingKey: the client would not send the cookie CloudFront-Key-Pair-Id with this URL: its Max-Age={age} expires it at once (zero or less deletes a cookie)"
            )
        );
    }
    // An Expires attribute before --at (2026-01-01T15:06:40Z); a positive Max-Age wins.
    let past = set_cookie.replace(
        "; Secure",
        "; Expires=Thu, 01 Jan 2026 15:06:39 GMT; Secure",
    );
    let (code, stdout) = verify_cookie_file(&past, https);
    assert_eq!(code, 1, "{past}");
    assert_eq!(
        first_line(&stdout),
        "403 MissingKey: the client would not send the cookie CloudFront-Key-Pair-Id with this URL: it expired at 2026-01-01T15:06:39Z (expiry 1767279999), before the request time 2026-01-01T15:06:40Z"
    );
    let overridden = past.replace("; Secure", "; Max-Age=3600; Secure");
    assert_eq!(verify_cookie_file(&overridden, https).0, 0, "{overridden}");
    let future = set_cookie.replace(
        "; Secure",
        "; Expires=Thu, 01 Jan 2026 15:06:41 GMT; Secure",
    );
    assert_eq!(verify_cookie_file(&future, https).0, 0, "{future}");
}

// Broke (issue 10.6): signing Secure cookies for an http:// resource said nothing, though
// clients never send them with the http:// requests the resource names.
#[test]
fn secure_cookies_for_an_http_resource_were_signed_silently() {
    common::protect_test_keys();
    let out = cfsign()
        .args(["cookies", "http://d111111abcdef8.cloudfront.net/videos/*"])
        .args(["--private-key", "tests/data/keys/rsa2048_pkcs1.pem"])
        .args(["--key-pair-id", ID, "--now", "2025-12-01T00:00:00Z"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "cfsign: warning: the cookies are Secure but the resource is http://: clients send Secure cookies only over https, so CloudFront would not receive them on http:// requests; sign an https:// resource, or use --no-secure for plain HTTP\n"
    );
    let out = cfsign()
        .args([
            "cookies",
            "http://d111111abcdef8.cloudfront.net/videos/*",
            "--no-secure",
        ])
        .args(["--private-key", "tests/data/keys/rsa2048_pkcs1.pem"])
        .args(["--key-pair-id", ID, "--now", "2025-12-01T00:00:00Z"])
        .output()
        .expect("run");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

// Broke (issue 10.4): a URL signed as written in a form clients rewrite was verified OK,
// while signing warned that CloudFront would compare the form the client sends. verify now
// says so in the same words and answers for that form.
#[test]
fn verify_ok_for_a_form_clients_rewrite() {
    let written = "https://D111111ABCDEF8.cloudfront.net:443/a.jpg";
    common::protect_test_keys();
    let out = cfsign()
        .arg(written)
        .args(["--private-key", "tests/data/keys/rsa2048_pkcs1.pem"])
        .args(["--key-pair-id", ID, "--date-less-than", "1767290400"])
        .args(["--now", "2025-12-01T00:00:00Z"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let warning = String::from_utf8(out.stderr).expect("utf8");
    let signed = String::from_utf8(out.stdout).expect("utf8");
    let text = "clients request this URL as https://d111111abcdef8.cloudfront.net/a.jpg (host in lower case, default port dropped), and CloudFront checks the signature against that form: sign it instead";
    assert_eq!(warning, format!("cfsign: warning: {text}\n"));
    let (code, stdout, _) = verify(signed.trim(), &[]);
    assert_eq!(code, 1, "{stdout}");
    assert_eq!(
        first_line(&stdout),
        "403 AccessDenied: the signature does not match the policy"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l == format!("note:           {text}")),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l == "URL requested:  https://d111111abcdef8.cloudfront.net/a.jpg"),
        "{stdout}"
    );
}
