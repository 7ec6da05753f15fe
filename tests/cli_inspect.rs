//! `cfsign inspect` as a user runs it: decoding without a key, text and JSON, and
//! untrusted text escaped before it reaches the terminal.

mod common;

use serde_json::Value;

const NOW: &str = "1767280000"; // 2026-01-01T15:06:40Z

fn case(id: &str) -> Value {
    let text = std::fs::read_to_string("tests/data/vectors.json").expect("vectors");
    let v: Value = serde_json::from_str(&text).expect("json");
    v["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("no vector {id}"))
}

fn inspect(args: &[&str]) -> (i32, String) {
    let out = common::cfsign()
        .arg("inspect")
        .args(args)
        .args(["--now", NOW])
        .output()
        .expect("run");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf8"),
    )
}

#[test]
fn canned_url_text() {
    let c = case("rsa-canned-query-one");
    let (code, out) = inspect(&[c["signed_url"].as_str().expect("url")]);
    assert_eq!(code, 0);
    let want = format!(
        "URL:            https://d111111abcdef8.cloudfront.net/images/image.jpg?size=large
policy type:    canned
resource:       https://d111111abcdef8.cloudfront.net/images/image.jpg?size=large
expires:        2026-01-01T18:00:00Z (1767290400; in 2h 53m)
key pair ID:    K2JCJMDEHXQW5F
hash algorithm: SHA1 (no Hash-Algorithm parameter)
signature:      256 bytes, RSA-2048
policy:         {}
",
        c["policy"].as_str().expect("policy")
    );
    assert_eq!(out, want);
}

#[test]
fn custom_ecdsa_url_json() {
    let c = case("ec-sha256-custom-dgt-ip");
    let (code, out) = inspect(&[
        c["example_signed_url"].as_str().expect("url"),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let v: Value = common::json(&out);
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["policy_type"], "custom");
    assert_eq!(v["policy"], c["policy"]);
    assert_eq!(
        v["resource"],
        "https://d111111abcdef8.cloudfront.net/image.jpg"
    );
    assert_eq!(v["expires"], 1_767_290_400);
    assert_eq!(v["expires_utc"], "2026-01-01T18:00:00Z");
    assert_eq!(v["expires_relative"], "in 2h 53m");
    assert_eq!(v["date_greater_than"], 1_767_200_000);
    assert_eq!(v["date_greater_than_relative"], "22h 13m ago");
    assert_eq!(v["ip_address"], "192.0.2.0/24");
    assert_eq!(v["hash_algorithm"], "SHA256");
    assert_eq!(v["signature_algorithm"], "ECDSA P-256");
    let len = v["signature_length"].as_u64().expect("length");
    assert!((70..=72).contains(&len), "{len}");
    assert_eq!(v["problems"], serde_json::json!([]));
}

#[test]
fn cookies_from_a_header() {
    let c = case("rsa-cookies-custom-wildcard");
    let header = c["cookies"]
        .as_object()
        .expect("cookies")
        .iter()
        .map(|(k, v)| format!("{k}={}", v.as_str().expect("str")))
        .collect::<Vec<_>>()
        .join("; ");
    let (code, out) = inspect(&[
        "--url",
        "https://d111111abcdef8.cloudfront.net/videos/a.mp4",
        "--cookie-header",
        &format!("Cookie: {header}"),
    ]);
    assert_eq!(code, 0);
    assert!(
        out.contains("\nresource:       https://d111111abcdef8.cloudfront.net/videos/*\n"),
        "{out}"
    );
    assert!(out.contains("\nIP range:       192.0.2.0/24\n"), "{out}");
    assert!(
        out.contains("\nstarts:         2025-12-31T16:53:20Z (1767200000; 22h 13m ago)\n"),
        "{out}"
    );
}

#[test]
fn problems_are_listed_not_fatal() {
    let (code, out) = inspect(&["https://d1.net/a?Expires=1767290400&Policy=e30_&Signature=abc+"]);
    assert_eq!(code, 0);
    assert!(out.contains("\nproblem:        no Key-Pair-Id\n"), "{out}");
    assert!(
        out.contains("\nproblem:        both Expires and Policy are present\n"),
        "{out}"
    );
    assert!(
        out.contains("\nproblem:        Signature has '+' at position 3: that is standard base64"),
        "{out}"
    );
}

/// A policy crafted to hide or reorder text on a terminal.
#[test]
fn untrusted_text_is_escaped_in_text_and_json() {
    let policy = "{\"Statement\":[{\"Resource\":\"https://d1.net/\u{202E}gpj.exe\u{200B}\u{1b}[2J\",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":1767290400}}}]}";
    let url = format!(
        "https://d1.net/a?Policy={}&Signature=AAAA&Key-Pair-Id=K1",
        cfsign::encoding::encode(policy.as_bytes())
    );
    let (code, out) = inspect(&[&url]);
    assert_eq!(code, 0);
    assert!(!out.contains('\u{202E}') && !out.contains('\u{200B}') && !out.contains('\u{1b}'));
    assert!(
        out.contains("policy:         {\"Statement\":[{\"Resource\":\"https://d1.net/\\u{202E}gpj.exe\\u{200B}\\u{001B}[2J\""),
        "{out}"
    );
    let (_, json) = inspect(&[&url, "--format", "json"]);
    assert!(!json.contains('\u{202E}') && !json.contains('\u{200B}') && !json.contains('\u{1b}'));
    let v: Value = common::json(&json);
    assert_eq!(v["policy"], policy, "the JSON value itself is unchanged");
}

#[test]
fn usage_error_exits_2() {
    let out = common::cfsign()
        .args(["inspect", "--cookie-header", "a=b"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--url"));
}

/// Runs `cfsign inspect ARGS...` and returns (exit code, stdout, stderr).
fn inspect_all(args: &[&str]) -> (i32, String, String) {
    let out = common::cfsign()
        .arg("inspect")
        .args(args)
        .output()
        .expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf8"),
        String::from_utf8(out.stderr).expect("utf8"),
    )
}

// Broke: `cfsign inspect garbage` exited 0 though nothing could be decoded.
#[test]
fn undecodable_input_exited_0() {
    let cases: [(&[&str], &str); 4] = [
        (
            &["garbage"],
            "cfsign: error: SIGNED_URL \"garbage\" is not an http(s) URL, so there is nothing to decode; give a signed URL starting with https:// or http://\n",
        ),
        (
            &["garbage", "--format", "json"],
            "cfsign: error: SIGNED_URL \"garbage\" is not an http(s) URL, so there is nothing to decode; give a signed URL starting with https:// or http://\n",
        ),
        (
            &["https://d111111abcdef8.cloudfront.net/a.jpg?x=1"],
            "cfsign: error: SIGNED_URL \"https://d111111abcdef8.cloudfront.net/a.jpg?x=1\" is not a signed URL: it has none of the query parameters Expires, Policy, Signature, Key-Pair-Id\n",
        ),
        (
            &[
                "--url",
                "https://d111111abcdef8.cloudfront.net/a.jpg",
                "--cookie-header",
                "session=1",
            ],
            "cfsign: error: the cookies hold none of CloudFront-Expires, CloudFront-Policy, CloudFront-Signature, CloudFront-Key-Pair-Id: they are not signed cookies\n",
        ),
    ];
    for (args, expected) in cases {
        let (code, stdout, stderr) = inspect_all(args);
        assert_eq!(code, 1, "{args:?}");
        assert_eq!(stdout, "", "{args:?}");
        assert_eq!(stderr, expected, "{args:?}");
    }
    // Anything decoded keeps exit 0, with the problems listed.
    let (code, stdout, stderr) = inspect_all(&["https://d1.net/a?Key-Pair-Id=K1"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert!(
        stdout.contains("\nproblem:        neither Expires nor Policy\n"),
        "{stdout}"
    );
}
