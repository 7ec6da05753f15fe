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

/// The README's offline round trip after its first command, run as written (with this
/// build's binary for `cargo run -q --release --`): the demo key's URL verifies with
/// `keys/public_key.pem`.
#[test]
fn readme_round_trip_verifies_the_first_url_with_the_demo_public_key() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let block = readme
        .split("```bash\n")
        .skip(1)
        .map(|b| &b[..b.find("```").expect("block end")])
        .find(|b| b.contains("verify \"$URL\" --public-key keys/public_key.pem"))
        .expect("the README's round-trip block");
    assert!(
        block.contains("URL=$(cargo run -q --release -- https://d111111abcdef8.cloudfront.net/test.webp --days 1 --private-key keys/private_key.pem --key-pair-id KDEMOEXAMPLE01)"),
        "the round trip signs the first command's URL: {block}"
    );
    let script = block.replace("cargo run -q --release --", &format!("'{}'", common::bin()));
    let out = std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-euo", "pipefail", "-c", &script])
        .current_dir(repo(""))
        .envs(common::CFSIGN_VARS.map(|v| (v, "")))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("OK: CloudFront would serve this request\n"),
        "{text}"
    );
    assert!(
        text.contains("key pair ID:    KDEMOEXAMPLE01 (RSA-2048 key)\n"),
        "{text}"
    );
    assert!(
        text.contains("resource:       https://d111111abcdef8.cloudfront.net/test.webp\n"),
        "{text}"
    );
}
