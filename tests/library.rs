//! The library as a Rust service uses it: exact policy bytes [R1], [R3] and signatures
//! that verify, through the public API only.

mod common;

use cfsign::{
    Condition, HashAlgorithm, KeyPairId, Policy, PolicyMode, PolicyType, PrivateKey, Signer,
    UrlOptions,
};
use common::{key, param};

fn rsa_signer() -> Signer {
    let key = PrivateKey::from_pem_file(key("rsa2048_pkcs1.pem"), None).expect("test key");
    Signer::new(key, KeyPairId::new(common::KPID).expect("id"))
}

fn verifies(signer: &Signer, policy: &str, url: &str) -> bool {
    cfsign::sign::verify_bytes(
        &signer.public_key(),
        signer.hash_algorithm(),
        policy.as_bytes(),
        &common::signature_of(url),
    )
    .is_ok()
}

/// The published aws-sdk-go `sign` vector: canned policy for https://example.com/a at
/// 1257894000, exactly the bytes of [R1].
const GO_SDK_POLICY: &str = r#"{"Statement":[{"Resource":"https://example.com/a","Condition":{"DateLessThan":{"AWS:EpochTime":1257894000}}}]}"#;

#[test]
fn go_sdk_canned_vector_has_the_exact_bytes() {
    assert_eq!(
        Policy::canned("https://example.com/a", 1_257_894_000).to_json(),
        GO_SDK_POLICY
    );
    // The signer builds, signs and reports the same bytes (the library itself does not
    // refuse a past expiry: that check belongs to the caller's clock).
    let signer = rsa_signer();
    let signed = signer
        .sign_url("https://example.com/a", &UrlOptions::expires(1_257_894_000))
        .expect("signs");
    assert_eq!(signed.policy, GO_SDK_POLICY);
    assert_eq!(signed.policy_type, PolicyType::Canned);
    assert!(
        signed
            .url
            .starts_with("https://example.com/a?Expires=1257894000&Signature="),
        "{}",
        signed.url
    );
    assert!(signed.url.ends_with("&Key-Pair-Id=K2JCJMDEHXQW5F"));
    assert!(verifies(&signer, GO_SDK_POLICY, &signed.url));
}

const URL: &str = "https://d111111abcdef8.cloudfront.net/videos/a.mp4";
const PATTERN: &str = "https://d111111abcdef8.cloudfront.net/videos/*";

/// Each option combination, with the custom-policy bytes it must give: conditions in
/// the order DateLessThan, DateGreaterThan, IpAddress [R3].
#[test]
fn custom_policy_bytes_for_each_option_combination() {
    let dlt = r#""DateLessThan":{"AWS:EpochTime":1767290400}"#;
    let dgt = r#","DateGreaterThan":{"AWS:EpochTime":1767200000}"#;
    let ip = r#","IpAddress":{"AWS:SourceIp":"192.0.2.0/24"}"#;
    let signer = rsa_signer();
    let mut combos = 0;
    for wildcard in [false, true] {
        for with_start in [false, true] {
            for with_ip in [false, true] {
                let request = UrlOptions {
                    policy_resource: wildcard.then(|| PATTERN.to_string()),
                    condition: Condition {
                        date_less_than: 1_767_290_400,
                        date_greater_than: with_start.then_some(1_767_200_000),
                        ip_address: with_ip.then(|| "192.0.2.0/24".parse().expect("ip")),
                    },
                    // Forcing custom also covers the no-option combination.
                    mode: PolicyMode::Custom,
                };
                let signed = signer.sign_url(URL, &request).expect("signs");
                let expected = format!(
                    r#"{{"Statement":[{{"Resource":"{}","Condition":{{{dlt}{}{}}}}}]}}"#,
                    if wildcard { PATTERN } else { URL },
                    if with_start { dgt } else { "" },
                    if with_ip { ip } else { "" },
                );
                assert_eq!(signed.policy, expected);
                assert_eq!(signed.policy_type, PolicyType::Custom);
                let sent =
                    cfsign::encoding::decode("Policy", param(&signed.url, "Policy").unwrap())
                        .expect("Policy is CloudFront base64");
                assert_eq!(String::from_utf8(sent).unwrap(), expected);
                assert!(param(&signed.url, "Expires").is_none(), "never both");
                assert!(verifies(&signer, &expected, &signed.url));
                // Auto picks custom exactly when [R4] requires it.
                let auto = signer
                    .sign_url(
                        URL,
                        &UrlOptions {
                            mode: PolicyMode::Auto,
                            ..request.clone()
                        },
                    )
                    .expect("signs");
                let needs_custom = wildcard || with_start || with_ip;
                assert_eq!(auto.policy_type == PolicyType::Custom, needs_custom);
                combos += 1;
            }
        }
    }
    assert_eq!(combos, 8);
}

#[test]
fn ampersand_and_angle_brackets_are_never_escaped() {
    let url = "https://d111111abcdef8.cloudfront.net/p?a=1&b=<c>&d=/e";
    let signer = rsa_signer();
    for mode in [PolicyMode::Auto, PolicyMode::Custom] {
        let signed = signer
            .sign_url(
                url,
                &UrlOptions {
                    mode,
                    ..UrlOptions::expires(1_767_290_400)
                },
            )
            .expect("signs");
        assert!(
            signed
                .policy
                .contains(r#""Resource":"https://d111111abcdef8.cloudfront.net/p?a=1&b=<c>&d=/e""#),
            "{}",
            signed.policy
        );
        for escaped in ["\\u0026", "\\u003c", "\\u003e", "\\/"] {
            assert!(!signed.policy.contains(escaped), "{}", signed.policy);
        }
        assert!(verifies(&signer, &signed.policy, &signed.url));
    }
}

#[test]
fn ecdsa_signer_defaults_to_sha256_and_signals_it() {
    let key = PrivateKey::from_pem_file(key("ec_p256_sec1.pem"), None).expect("test key");
    let signer = Signer::new(key, KeyPairId::new(common::KPID).expect("id"));
    assert_eq!(signer.hash_algorithm(), HashAlgorithm::Sha256);
    let signed = signer
        .sign_url(common::IMAGE_URL, &UrlOptions::expires(common::EXPIRES))
        .expect("signs");
    assert!(
        signed
            .url
            .ends_with("&Key-Pair-Id=K2JCJMDEHXQW5F&Hash-Algorithm=SHA256")
    );
    assert!(verifies(&signer, &signed.policy, &signed.url));
    // Reproducible output (for CI diffs) on `Backend::RustCrypto`: p256's RFC 6979 gives
    // the same signature for the same input, from two separate signers.
    let pinned = || {
        let pinned_key = PrivateKey::from_pem_file(common::key("ec_p256_sec1.pem"), None)
            .and_then(|k| k.with_backend(cfsign::Backend::RustCrypto))
            .expect("test key");
        Signer::new(pinned_key, KeyPairId::new(common::KPID).expect("id"))
            .sign_url(common::IMAGE_URL, &UrlOptions::expires(common::EXPIRES))
            .expect("signs")
    };
    let (a, b) = (pinned(), pinned());
    assert_eq!(a.url, b.url);
    assert_eq!(
        common::without_signature(&a.url),
        common::without_signature(&signed.url)
    );
}

#[test]
fn debug_output_never_shows_key_material() {
    let pem = std::fs::read_to_string(key("rsa2048_pkcs1.pem")).expect("key");
    let signer = rsa_signer();
    let shown = format!("{signer:?} {:?}", signer.public_key());
    for line in pem.lines().filter(|l| !l.starts_with("-----")) {
        assert!(!shown.contains(line), "{shown}");
    }
    assert!(shown.contains("RSA-2048"), "{shown}");
}

/// The option types take a `SystemTime`, or a `Duration` after a `now` the caller
/// chooses, as well as Unix seconds, and sign the same bytes either way; times before
/// 1970 or after year 9999 are errors, not panics.
#[test]
fn options_from_system_time_and_duration_sign_the_same_url_as_unix_seconds() {
    use cfsign::CookieOptions;
    use std::time::{Duration, UNIX_EPOCH};

    let signer = rsa_signer();
    let now = UNIX_EPOCH + Duration::from_secs(1_767_286_800);
    let hour = Duration::from_secs(3600);
    let by_seconds = signer
        .sign_url(URL, &UrlOptions::expires(1_767_290_400))
        .expect("signs");
    for options in [
        UrlOptions::expires_in(hour, now).expect("in range"),
        // A fraction of a second is dropped: CloudFront times are whole seconds.
        UrlOptions::expires_at(now + hour + Duration::from_millis(999)).expect("in range"),
    ] {
        assert_eq!(signer.sign_url(URL, &options).expect("signs"), by_seconds);
    }
    assert_eq!(
        CookieOptions::expires_in(hour, now).expect("in range"),
        CookieOptions::expires(1_767_290_400)
    );
    assert_eq!(
        CookieOptions::expires_at(now + hour).expect("in range"),
        CookieOptions::expires(1_767_290_400)
    );
    let condition = Condition::expires_in(hour, now)
        .and_then(|c| c.starting_at(now))
        .expect("in range");
    assert_eq!(condition.date_less_than, 1_767_290_400);
    assert_eq!(condition.date_greater_than, Some(1_767_286_800));
    assert_eq!(
        Condition::expires_at(now + hour).expect("in range"),
        Condition::expires(1_767_290_400)
    );

    let before_1970 = UrlOptions::expires_at(UNIX_EPOCH - hour).unwrap_err();
    assert_eq!(
        before_1970.to_string(),
        "time \"-3600\" is before 1970-01-01T00:00:00Z, the earliest time cfsign accepts"
    );
    let too_late =
        CookieOptions::expires_in(Duration::from_secs(300_000_000_000), now).unwrap_err();
    assert_eq!(
        too_late.to_string(),
        "time \"301767286800\" is after 9999-12-31T23:59:59Z (253402300799), the latest time cfsign accepts"
    );
    assert!(Condition::expires_in(Duration::MAX, now).is_err());
    assert!(
        Condition::expires(1)
            .starting_at(UNIX_EPOCH - hour)
            .is_err()
    );
}
