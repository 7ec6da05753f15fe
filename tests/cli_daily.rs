//! Small things a daily user notices: `--format` values in any case, and `verify` /
//! `inspect` reading the URL from a pipe without `-`, as `sign` does.

mod common;

use common::{EXPIRES, IMAGE_URL, KPID, NOW, cfsign, cfsign_rsa, key_arg, stderr, stdout};

/// A URL signed with the RSA test key, valid at `NOW`.
fn signed_url() -> String {
    let out = cfsign_rsa()
        .args([IMAGE_URL, "--date-less-than", &EXPIRES.to_string()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out).trim_end().to_string()
}

/// Regression: `--format JSON` (or `Json`) was refused as an invalid value.
#[test]
fn format_json_in_capitals_was_refused() {
    let lower = cfsign_rsa()
        .args([IMAGE_URL, "--format", "json"])
        .output()
        .unwrap();
    for value in ["JSON", "Json"] {
        let out = cfsign_rsa()
            .args([IMAGE_URL, "--format", value])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{value}: {}", stderr(&out));
        assert_eq!(out.stdout, lower.stdout, "{value}");
        assert!(stdout(&out).starts_with("{\"schema_version\":1,"));
        common::json(&stdout(&out));
    }
    let url = signed_url();
    let verify = cfsign()
        .args([
            "verify",
            &url,
            "--public-key",
            &key_arg("rsa2048_public.pem"),
        ])
        .args(["--at", NOW, "--format", "JSON"])
        .output()
        .unwrap();
    assert_eq!(verify.status.code(), Some(0), "{}", stderr(&verify));
    assert!(stdout(&verify).starts_with("{\"schema_version\":1,"));
    let inspect = cfsign()
        .args(["inspect", &url, "--now", NOW, "--format", "Json"])
        .output()
        .unwrap();
    assert_eq!(inspect.status.code(), Some(0), "{}", stderr(&inspect));
    assert!(stdout(&inspect).starts_with("{\"schema_version\":1,"));
    let cookies = cfsign()
        .args(["cookies", "https://d111111abcdef8.cloudfront.net/videos/*"])
        .args(["--private-key", &key_arg("rsa2048_pkcs1.pem")])
        .args(["--key-pair-id", KPID, "--now", NOW, "--format", "HEADER"])
        .output()
        .unwrap();
    assert_eq!(cookies.status.code(), Some(0), "{}", stderr(&cookies));
    assert!(stdout(&cookies).starts_with("Cookie: CloudFront-Policy="));
    let keygen_dir = tempfile::tempdir().unwrap();
    let keygen = cfsign()
        .args(["keygen", "--type", "ECDSA", "--out-dir"])
        .arg(keygen_dir.path())
        .output()
        .unwrap();
    assert_eq!(keygen.status.code(), Some(0), "{}", stderr(&keygen));
    // An unknown value still names the valid ones.
    let out = cfsign_rsa()
        .args([IMAGE_URL, "--format", "xml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("hint: possible values: text, json"),
        "{}",
        stderr(&out)
    );
}

/// Regression: `echo "$URL" | cfsign verify --public-key ...` (no `-`) said "no signed
/// URL"; like `sign`, verify and inspect now read standard input when it is not a terminal.
#[test]
fn verify_and_inspect_ignored_a_piped_url_without_dash() {
    let url = signed_url();
    let verify = cfsign()
        .args(["verify", "--public-key", &key_arg("rsa2048_public.pem")])
        .args(["--key-pair-id", KPID, "--at", NOW])
        .write_stdin(format!("\n{url}\n"))
        .output()
        .unwrap();
    assert_eq!(verify.status.code(), Some(0), "{}", stderr(&verify));
    assert!(
        stdout(&verify).starts_with(&format!(
            "OK: CloudFront would serve this request\nURL requested:  {IMAGE_URL}\n"
        )),
        "{}",
        stdout(&verify)
    );
    let inspect = cfsign()
        .args(["inspect", "--now", NOW])
        .write_stdin(format!("{url}\n"))
        .output()
        .unwrap();
    assert_eq!(inspect.status.code(), Some(0), "{}", stderr(&inspect));
    assert!(
        stdout(&inspect).starts_with(&format!(
            "URL:            {IMAGE_URL}\npolicy type:    canned\n"
        )),
        "{}",
        stdout(&inspect)
    );
    // An empty pipe is still a missing URL, a usage error.
    common::assert_refused(
        cfsign().args(["verify", "--public-key", &key_arg("rsa2048_public.pem")]),
        2,
        "no signed URL",
    );
    // With --url (cookies), standard input is not taken for a URL.
    let out = cfsign()
        .args(["inspect", "--url", IMAGE_URL])
        .write_stdin(format!("{url}\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}
