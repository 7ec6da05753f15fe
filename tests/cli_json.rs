//! `--format json`: one documented object (schema_version 1) per signed URL, one per line.

mod common;

use common::{IMAGE_URL, cfsign_ec, cfsign_rsa, stderr, stdout, vector};
use serde_json::Value;

fn objects(out: &std::process::Output) -> Vec<Value> {
    stdout(out).lines().map(common::json).collect()
}

#[test]
fn canned_fields_and_values() {
    let v = vector("rsa-canned-plain-https");
    let out = cfsign_rsa()
        .args([IMAGE_URL, "--date-less-than", "2026-01-01T18:00:00Z"])
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let objs = objects(&out);
    assert_eq!(objs.len(), 1);
    assert_eq!(
        objs[0],
        serde_json::json!({
            "schema_version": 1,
            "line": 1,
            "url": v["signed_url"],
            "resource": IMAGE_URL,
            "policy_type": "canned",
            "expires": 1767290400,
            "expires_utc": "2026-01-01T18:00:00Z",
            "key_pair_id": "K2JCJMDEHXQW5F",
            "hash_algorithm": "SHA1",
            "key_algorithm": "RSA-2048",
        })
    );
}

#[test]
fn custom_fields_and_values() {
    let v = vector("rsa-custom-wildcard-dgt-ip");
    let out = cfsign_rsa()
        .arg(v["url"].as_str().unwrap())
        .args([
            "--date-less-than",
            "1767290400",
            "--date-greater-than",
            "1767200000",
        ])
        .args(["--ip-address", "192.0.2.0/24"])
        .args([
            "--policy-resource",
            v["options"]["policy_resource"].as_str().unwrap(),
        ])
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let o = &objects(&out)[0];
    assert_eq!(o["schema_version"], 1);
    assert_eq!(o["url"], v["signed_url"]);
    assert_eq!(
        o["resource"],
        "https://d111111abcdef8.cloudfront.net/videos/*"
    );
    assert_eq!(o["policy_type"], "custom");
    assert_eq!(o["expires"], 1767290400);
    assert_eq!(o["date_greater_than"], 1767200000);
    assert_eq!(o["date_greater_than_utc"], "2025-12-31T16:53:20Z");
    assert_eq!(o["ip_address"], "192.0.2.0/24");
    assert_eq!(o["hash_algorithm"], "SHA1");
}

#[test]
fn ecdsa_reports_key_type_and_default_hash() {
    let out = cfsign_ec()
        .args([
            IMAGE_URL,
            "--date-less-than",
            "1767290400",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let o = &objects(&out)[0];
    assert_eq!(o["key_algorithm"], "ECDSA-P256");
    assert_eq!(o["hash_algorithm"], "SHA256");
    assert!(
        o["url"]
            .as_str()
            .unwrap()
            .ends_with("&Hash-Algorithm=SHA256")
    );
}

#[test]
fn one_object_per_line_for_several_urls() {
    let ids = [
        "rsa-canned-plain-https",
        "rsa-canned-query-one",
        "rsa-canned-plus-path",
    ];
    let urls: Vec<String> = ids
        .iter()
        .map(|id| vector(id)["url"].as_str().unwrap().to_string())
        .collect();
    // From arguments and from stdin: the same objects, in input order.
    let from_args = cfsign_rsa()
        .args(&urls)
        .args(["--date-less-than", "1767290400", "--format", "json"])
        .output()
        .unwrap();
    let from_stdin = cfsign_rsa()
        .args(["--date-less-than", "1767290400", "--format", "json"])
        .write_stdin(urls.join("\n"))
        .output()
        .unwrap();
    for out in [&from_args, &from_stdin] {
        assert_eq!(out.status.code(), Some(0), "{}", stderr(out));
        let objs = objects(out);
        assert_eq!(objs.len(), 3);
        for (o, id) in objs.iter().zip(ids) {
            let v = vector(id);
            assert_eq!(o["url"], v["signed_url"], "{id}");
            assert_eq!(o["resource"], v["url"], "{id}");
        }
    }
    assert_eq!(stdout(&from_args), stdout(&from_stdin));
}

/// Regression (issue 10.7): a line that could not be signed vanished from the JSON, so
/// object N no longer answered line N; it now gets an error object with its line number
/// (and is still reported on stderr).
#[test]
fn failed_lines_get_an_error_object_in_the_json() {
    let out = cfsign_rsa()
        .args(["--date-less-than", "1767290400", "--format", "json"])
        .write_stdin(format!("{IMAGE_URL}\n\nhttps://d1.net/a b\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let objs = objects(&out);
    assert_eq!(objs.len(), 2, "one object per non-blank line");
    assert_eq!(objs[0]["line"], 1);
    assert_eq!(
        objs[0]["url"],
        vector("rsa-canned-plain-https")["signed_url"]
    );
    assert_eq!(
        objs[1],
        serde_json::json!({
            "schema_version": 1,
            "line": 3,
            "input": "https://d1.net/a b",
            "error": "URL \"https://d1.net/a b\" has a raw space at byte 16",
            "error_kind": "url_character",
            "hint": "percent-encode it as the client will send it: https://d1.net/a%20b",
        })
    );
    assert!(
        stderr(&out).contains("cfsign: error: line 3: URL \"https://d1.net/a b\" has a raw space"),
        "{}",
        stderr(&out)
    );
}
