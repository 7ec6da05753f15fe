//! `--download-as NAME` and `--content-type TYPE`: S3 response-header overrides added to
//! the URL before signing. The encoded bytes are pinned for ASCII, spaces, quotes,
//! non-ASCII and emoji names (expected values computed independently with Python's
//! `urllib.parse.quote`), and every URL is checked to be signed byte for byte: openssl
//! verifies the canned policy rebuilt from the URL, and `cfsign verify` says OK.

mod common;

use common::{
    assert_refused, cfsign, cfsign_rsa, key, param, rebuilt_canned_policy, signature_of, stderr,
    stdout,
};

const URL: &str = "https://d111111abcdef8.cloudfront.net/reports/q3.pdf";

/// Signs `url` with the RSA test key and `extra` options; returns the signed URL.
fn sign(url: &str, extra: &[&str]) -> String {
    let out = cfsign_rsa().arg(url).args(extra).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    stdout(&out)
        .strip_suffix('\n')
        .expect("one line")
        .to_string()
}

/// Checks that `signed` is signed over exactly its own bytes: openssl accepts the canned
/// policy rebuilt from it, and `cfsign verify` would serve it.
fn assert_signed_byte_exact(signed: &str) {
    let policy = rebuilt_canned_policy(signed);
    assert!(
        common::openssl_verifies(
            &key("rsa2048_public.pem"),
            "sha1",
            policy.as_bytes(),
            &signature_of(signed)
        ),
        "openssl rejects {policy}"
    );
    let out = cfsign()
        .args([
            "verify",
            signed,
            "--public-key",
            &common::key_arg("rsa2048_public.pem"),
        ])
        .args(["--key-pair-id", common::KPID, "--at", common::NOW])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).starts_with("OK: CloudFront would serve this request\n"));
}

/// Percent-decoding, written here independently of cfsign.
fn pct_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// name, the header value S3 will send, and that value encoded as a query value.
const NAMES: [(&str, &str, &str); 5] = [
    (
        "report.pdf",
        "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf",
        "attachment%3B%20filename%3D%22report.pdf%22%3B%20filename%2A%3DUTF-8%27%27report.pdf",
    ),
    (
        "Q3 report (final).pdf",
        "attachment; filename=\"Q3 report (final).pdf\"; filename*=UTF-8''Q3%20report%20%28final%29.pdf",
        "attachment%3B%20filename%3D%22Q3%20report%20%28final%29.pdf%22%3B%20filename%2A%3DUTF-8%27%27Q3%2520report%2520%2528final%2529.pdf",
    ),
    (
        "say \"hi\" \\ 100%.txt",
        "attachment; filename=\"say _hi_ _ 100_.txt\"; filename*=UTF-8''say%20%22hi%22%20%5C%20100%25.txt",
        "attachment%3B%20filename%3D%22say%20_hi_%20_%20100_.txt%22%3B%20filename%2A%3DUTF-8%27%27say%2520%2522hi%2522%2520%255C%2520100%2525.txt",
    ),
    (
        "Résumé – Zürich.pdf",
        "attachment; filename=\"R_sum_ _ Z_rich.pdf\"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%E2%80%93%20Z%C3%BCrich.pdf",
        "attachment%3B%20filename%3D%22R_sum_%20_%20Z_rich.pdf%22%3B%20filename%2A%3DUTF-8%27%27R%25C3%25A9sum%25C3%25A9%2520%25E2%2580%2593%2520Z%25C3%25BCrich.pdf",
    ),
    (
        "🎉 party.png",
        "attachment; filename=\"_ party.png\"; filename*=UTF-8''%F0%9F%8E%89%20party.png",
        "attachment%3B%20filename%3D%22_%20party.png%22%3B%20filename%2A%3DUTF-8%27%27%25F0%259F%258E%2589%2520party.png",
    ),
];

#[test]
fn download_names_are_encoded_byte_exact_and_signed() {
    for (name, header, encoded) in NAMES {
        let signed = sign(URL, &["--download-as", name]);
        let expected = format!("{URL}?response-content-disposition={encoded}&Expires=");
        assert!(
            signed.starts_with(&expected),
            "{name:?}:\n{signed}\n{expected}"
        );
        let value = param(&signed, "response-content-disposition").unwrap();
        assert_eq!(pct_decode(value), header.as_bytes(), "{name:?}");
        let exact = header.split_once("''").unwrap().1;
        assert_eq!(pct_decode(exact), name.as_bytes(), "filename* of {name:?}");
        assert_signed_byte_exact(&signed);
    }
}

#[test]
fn content_type_follows_the_download_name_and_the_users_query() {
    let signed = sign(
        &format!("{URL}?v=2"),
        &[
            "--content-type",
            "application/pdf",
            "--download-as",
            "q3.pdf",
        ],
    );
    assert!(
        signed.starts_with(&format!(
            "{URL}?v=2&response-content-disposition=attachment%3B%20filename%3D%22q3.pdf%22%3B%20filename%2A%3DUTF-8%27%27q3.pdf&response-content-type=application%2Fpdf&Expires="
        )),
        "{signed}"
    );
    assert_signed_byte_exact(&signed);
    let signed = sign(URL, &["--content-type", "text/plain; charset=utf-8"]);
    assert!(
        signed.starts_with(&format!(
            "{URL}?response-content-type=text%2Fplain%3B%20charset%3Dutf-8&Expires="
        )),
        "{signed}"
    );
    assert_signed_byte_exact(&signed);
}

#[test]
fn bad_names_and_types_are_usage_errors_before_any_url() {
    let err = assert_refused(
        cfsign_rsa().args([URL, "--download-as", "a\r\nSet-Cookie: x=y"]),
        2,
        "cfsign: error: --download-as: download name \"a\\r\\nSet-Cookie: x=y\" has a control character",
    );
    assert!(err.contains("hint: give the file name"), "{err}");
    assert_refused(
        cfsign_rsa().args([URL, "--download-as", " "]),
        2,
        "download name \" \" is empty",
    );
    assert_refused(
        cfsign_rsa().args([URL, "--content-type", "pdf"]),
        2,
        "cfsign: error: --content-type: content type \"pdf\" is not a media type such as application/pdf",
    );
}

#[test]
fn a_url_that_already_has_the_parameter_is_refused_and_the_others_signed() {
    let out = cfsign_rsa()
        .args(["--download-as", "a.pdf"])
        .write_stdin(format!(
            "{URL}?response-content-disposition=inline\n{URL}\n"
        ))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "line 1: URL \"https://d111111abcdef8.cloudfront.net/reports/q3.pdf?response-content-disposition=inline\" already has the query parameter response-content-disposition"
        ),
        "{}",
        stderr(&out)
    );
    let signed = stdout(&out);
    assert_eq!(signed.lines().count(), 1, "{signed}");
    assert_signed_byte_exact(signed.trim_end());
}

/// Regression (review bug 5): on a URL with a `#fragment`, the fragment error quoted
/// cfsign's own appended parameter as part of the fragment, and the hint with it.
#[test]
fn download_as_on_a_fragment_url_quoted_the_appended_parameter() {
    for option in [["--download-as", "x"], ["--content-type", "text/plain"]] {
        let err = assert_refused(
            cfsign_rsa().arg("https://d1.net/a#x").args(option),
            1,
            "cfsign: error: URL \"https://d1.net/a#x\" has a fragment (\"#x\")",
        );
        assert!(
            err.contains("hint: sign the URL without \"#x\": \"https://d1.net/a\""),
            "{err}"
        );
        assert!(!err.contains("response-content"), "{err}");
    }
}
