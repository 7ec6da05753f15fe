//! The README's first command: the demo key signs a URL that CloudFront's check, done
//! here independently with `openssl dgst -sha1 -verify keys/public_key.pem` over the
//! canned policy rebuilt from the signed URL, accepts.

mod common;

use common::{cfsign, param, rebuilt_canned_policy, repo, signature_of, stderr, stdout};

#[test]
fn demo_key_signs_a_url_openssl_accepts() {
    // The README command, with the clock as `now`, as a first-time user runs it.
    let out = cfsign()
        .current_dir(repo(""))
        .args([
            "https://d111111abcdef8.cloudfront.net/test.webp",
            "--days",
            "1",
            "--private-key",
            "keys/private_key.pem",
            "--key-pair-id",
            "KDEMOEXAMPLE01",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let text = stdout(&out);
    let url = text.strip_suffix('\n').expect("one line");
    assert!(
        url.starts_with("https://d111111abcdef8.cloudfront.net/test.webp?Expires="),
        "{url}"
    );
    assert!(url.ends_with("&Key-Pair-Id=KDEMOEXAMPLE01"), "{url}");
    let expires: i64 = param(url, "Expires").unwrap().parse().unwrap();
    let now = cfsign::time::now();
    assert!(
        (now + 86_400 - 60..=now + 86_400).contains(&expires),
        "--days 1 from the clock: {expires} vs {now}"
    );
    let policy = rebuilt_canned_policy(url);
    assert_eq!(
        policy,
        format!(
            r#"{{"Statement":[{{"Resource":"https://d111111abcdef8.cloudfront.net/test.webp","Condition":{{"DateLessThan":{{"AWS:EpochTime":{expires}}}}}}}]}}"#
        )
    );
    assert!(common::openssl_verifies(
        &repo("keys/public_key.pem"),
        "sha1",
        policy.as_bytes(),
        &signature_of(url),
    ));
    // And a tampered policy does not verify: the check is real.
    assert!(!common::openssl_verifies(
        &repo("keys/public_key.pem"),
        "sha1",
        policy.replace("test.webp", "test.webm").as_bytes(),
        &signature_of(url),
    ));
}
