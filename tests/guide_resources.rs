//! The Developer Guide's custom-policy `Resource` examples, signed by the reference signer
//! (`../shared/oracle/openssl_ref.sh`) and checked with the oracle's `verify.sh`; the
//! outputs are copied into `tests/data/guide_resources.json` (regenerate with
//! `bash tests/data/guide_resources.sh`), so this runs without `../shared`.
//!
//! The Guide (*Create a signed URL using a custom policy*, `Resource`): the value "must
//! begin with `http://`, `https://`, or `*`", wildcards may appear "anywhere in the
//! string", and `Resource` is optional. For every case cfsign must sign the same bytes as
//! the reference, `verify` must agree with the oracle (it verified every signature) and
//! serve exactly the URLs the Guide says the resource covers, `inspect` must read the
//! policy, and `cookies` must sign the same policy for the resource.
//!
//! Regression (issue 10, items 1 and 2): these resources were refused (`*...` exit 2,
//! host wildcards, a policy file without `Resource`), `verify` answered MalformedPolicy or
//! AccessDenied for the reference URLs, and a literal `*` in the URL defeated the wildcard.

mod common;

use common::{cfsign, data, key_arg, stderr, stdout};
use serde_json::Value;

fn cases() -> Vec<Value> {
    let text = std::fs::read_to_string(data("guide_resources.json")).expect("guide_resources");
    let doc: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(doc["expires"], 1_767_290_400);
    doc["cases"].as_array().expect("cases").clone()
}

fn s<'a>(case: &'a Value, field: &str) -> &'a str {
    case[field].as_str().unwrap_or_default()
}

fn option<'a>(case: &'a Value, name: &str) -> Option<&'a str> {
    case["options"][name].as_str()
}

/// The condition options of a case, as cfsign arguments.
fn condition_args(case: &Value) -> Vec<String> {
    let mut args = vec!["--date-less-than".to_string(), "1767290400".into()];
    if let Some(ip) = option(case, "ip") {
        args.extend(["--ip-address".into(), ip.into()]);
    }
    if let Some(t) = option(case, "dgt") {
        args.extend(["--date-greater-than".into(), t.into()]);
    }
    args
}

/// A client address inside the case's IP range, if it has one.
fn client_ip(case: &Value) -> Option<String> {
    option(case, "ip").map(|r| r.split('/').next().expect("address").to_string())
}

#[test]
fn the_oracle_verified_every_reference_url() {
    for case in cases() {
        assert_eq!(s(&case, "oracle_verify"), "Verified OK", "{}", case["id"]);
    }
}

#[test]
fn verify_agrees_with_the_oracle_on_the_guides_resource_examples() {
    for case in cases() {
        let id = s(&case, "id");
        let mut cmd = cfsign();
        cmd.args(["verify", s(&case, "signed_url")])
            .args(["--public-key", &key_arg("rsa2048_public.pem")])
            .args(["--key-pair-id", common::KPID, "--at", "1767280000"])
            .args(["--format", "json"]);
        if let Some(ip) = client_ip(&case) {
            cmd.args(["--client-ip", &ip]);
        }
        let out = cmd.output().expect("runs");
        let v: Value = common::json(&stdout(&out));
        if case["included"] == true {
            assert_eq!(v["verdict"], "serve", "{id}: {v}");
            assert_eq!(out.status.code(), Some(0), "{id}");
        } else {
            // The signature is good (the oracle says so); only the resource excludes it.
            assert_eq!(v["reason"], "resource_mismatch", "{id}: {v}");
            assert_eq!(out.status.code(), Some(1), "{id}");
        }
        assert_eq!(v["resource"], case["resource"], "{id}");
        assert_eq!(v["expires"], 1_767_290_400, "{id}");
    }
}

#[test]
fn sign_makes_the_reference_urls_for_the_guides_resource_examples() {
    let dir = tempfile::tempdir().expect("temp dir");
    for case in cases() {
        let id = s(&case, "id");
        let mut cmd = cfsign();
        cmd.arg(s(&case, "url"))
            .args(["--private-key", &key_arg("rsa2048_pkcs1.pem")])
            .args(["--key-pair-id", common::KPID, "--now", common::NOW]);
        match case["resource"].as_str() {
            Some(r) => {
                cmd.args(["--policy-resource", r])
                    .args(condition_args(&case));
            }
            None => {
                let path = dir.path().join(format!("{id}.json"));
                std::fs::write(
                    &path,
                    r#"{"Statement":[{"Condition":{"DateLessThan":{"AWS:EpochTime":1767290400}}}]}"#,
                )
                .expect("write policy");
                cmd.arg("--policy-file").arg(&path);
            }
        }
        let out = cmd.output().expect("runs");
        if case["included"] == true {
            assert_eq!(out.status.code(), Some(0), "{id}: {}", stderr(&out));
            assert_eq!(
                stdout(&out),
                format!("{}\n", s(&case, "signed_url")),
                "{id}"
            );
        } else {
            assert_eq!(out.status.code(), Some(1), "{id}");
            assert!(stderr(&out).contains("is not matched by"), "{id}");
        }
    }
}

#[test]
fn inspect_reads_the_guides_resource_examples() {
    for case in cases() {
        let out = cfsign()
            .args(["inspect", s(&case, "signed_url"), "--format", "json"])
            .args(["--now", "1767280000"])
            .output()
            .expect("runs");
        let v: Value = common::json(&stdout(&out));
        assert_eq!(v["resource"], case["resource"], "{}", case["id"]);
        assert_eq!(v["expires"], 1_767_290_400, "{}", case["id"]);
        assert_eq!(v["problems"], serde_json::json!([]), "{}", case["id"]);
    }
}

#[test]
fn cookies_sign_the_reference_policy_for_the_guides_resources() {
    for case in cases() {
        let Some(resource) = case["resource"].as_str() else {
            continue;
        };
        let id = s(&case, "id");
        let out = cfsign()
            .args([
                "cookies", resource, "--format", "json", "--policy", "custom",
            ])
            .args(["--private-key", &key_arg("rsa2048_pkcs1.pem")])
            .args(["--key-pair-id", common::KPID, "--now", common::NOW])
            .args(condition_args(&case))
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{id}: {}", stderr(&out));
        let v: Value = common::json(&stdout(&out));
        for name in ["CloudFront-Policy", "CloudFront-Signature"] {
            assert_eq!(v["cookies"][name], case["cookies"][name], "{id} {name}");
        }
    }
}

/// Regression: a resource that grants every object of every distribution (`http://*`,
/// `*`, a policy without `Resource`) was signed without a word.
#[test]
fn resources_that_grant_everything_are_warned_about() {
    let grants = |resource: &str| {
        let out = common::cfsign_rsa()
            .args([
                "https://d111111abcdef8.cloudfront.net/a.mp4",
                "--policy-resource",
            ])
            .arg(resource)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{resource}");
        stderr(&out)
    };
    for (resource, needle) in [
        (
            "*",
            "grants every object of every distribution that trusts this key",
        ),
        ("*://*", "grants every object of every distribution"),
        (
            "https://*",
            "grants every https object of every distribution",
        ),
    ] {
        let err = grants(resource);
        assert!(
            err.contains("cfsign: warning: the policy resource"),
            "{err}"
        );
        assert!(err.contains(needle), "{resource}: {err}");
    }
    assert_eq!(grants("https://d111111abcdef8.cloudfront.net/*"), "");
    let out = cfsign()
        .args(["cookies", "*", "--format", "header"])
        .args(["--private-key", &key_arg("rsa2048_pkcs1.pem")])
        .args(["--key-pair-id", common::KPID, "--now", common::NOW])
        .output()
        .expect("runs");
    assert!(
        stderr(&out).contains("grants every object"),
        "{}",
        stderr(&out)
    );
    let case = cases()
        .into_iter()
        .find(|c| c["id"] == "no-resource")
        .expect("case");
    let out = cfsign()
        .args(["verify", s(&case, "signed_url")])
        .args(["--public-key", &key_arg("rsa2048_public.pem")])
        .args(["--at", "1767280000"])
        .output()
        .expect("runs");
    assert!(
        stdout(&out).contains("note:           the policy resource (none: the policy has no Resource) grants every object"),
        "{}",
        stdout(&out)
    );
}
