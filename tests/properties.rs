//! Properties over arbitrary valid requests: resources (URL-safe paths, optional
//! wildcards), times up to 9999-12-31 (253402300799) with start < expiry, and IPv4
//! ranges. The policy JSON reads back to the same values, and every signature made by
//! an RSA or ECDSA signer verifies with the public key.

mod common;

use std::sync::OnceLock;

use cfsign::{
    Condition, HashAlgorithm, KeyPairId, Policy, PolicyMode, PolicyType, PrivateKey, RawPolicy,
    Signer, SourceIp, UrlOptions,
};
use proptest::prelude::*;

const MAX_TIME: i64 = 253_402_300_799;

fn signer(name: &str) -> Signer {
    let key = PrivateKey::from_pem_file(common::key(name), None).expect("test key");
    Signer::new(key, KeyPairId::new(common::KPID).expect("id"))
}

fn rsa() -> &'static Signer {
    static S: OnceLock<Signer> = OnceLock::new();
    S.get_or_init(|| signer("rsa2048_pkcs1.pem"))
}

fn ec() -> &'static Signer {
    static S: OnceLock<Signer> = OnceLock::new();
    S.get_or_init(|| signer("ec_p256_sec1.pem"))
}

/// A URL a viewer could request: scheme, CloudFront host, optional port, a path of
/// URL-safe segments (at least `/`) and an optional query.
fn url() -> impl Strategy<Value = String> {
    (
        prop_oneof!["http", "https"],
        "d[a-z0-9]{5,13}\\.cloudfront\\.net(:[1-9][0-9]{1,3})?",
        "/([A-Za-z0-9._~+-]{1,12}/){0,3}[A-Za-z0-9._~+-]{0,12}",
        "(\\?[a-z]{1,6}=[A-Za-z0-9._~-]{0,8}(&[a-z]{1,6}=[A-Za-z0-9%]{0,8}){0,2})?",
    )
        .prop_map(|(scheme, host, path, query)| format!("{scheme}://{host}{path}{query}"))
}

/// A URL and a policy resource that covers it: none (the URL itself), the whole host,
/// `*` alone, a `?` for one character, or `*` for the scheme.
fn url_and_resource() -> impl Strategy<Value = (String, Option<String>)> {
    (url(), 0..5u8).prop_map(|(url, kind)| {
        let (scheme, rest) = url.split_once("://").expect("scheme");
        let host = rest.split(['/', '?']).next().expect("host");
        let resource = match kind {
            0 => None,
            1 => Some(format!("{scheme}://{host}/*")),
            2 => Some("*".to_string()),
            3 => {
                let mut r = url.clone();
                r.pop();
                r.push('?');
                Some(r)
            }
            _ => Some(format!("*://{rest}")),
        };
        (url, resource)
    })
}

/// Expiry, optional start before it, optional IPv4 range.
fn condition() -> impl Strategy<Value = Condition> {
    (
        1..=MAX_TIME,
        any::<bool>(),
        any::<u64>(),
        proptest::option::of((any::<u32>(), 0..=32u8)),
    )
        .prop_map(|(dlt, with_start, seed, ip)| Condition {
            date_less_than: dlt,
            date_greater_than: with_start.then(|| (seed % dlt as u64) as i64),
            ip_address: ip.map(|(a, p)| SourceIp::new(a.into(), p).expect("prefix <= 32")),
        })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn policy_json_reads_back_to_the_same_values(
        (url, resource) in url_and_resource(),
        condition in condition(),
    ) {
        let policy = Policy::new(resource.unwrap_or(url.clone()), condition.clone());
        let json = policy.to_json();
        let back = Policy::from_json(json.as_bytes()).expect("cfsign reads its own policy");
        prop_assert_eq!(&back, &policy);
        prop_assert_eq!(back.condition(), &condition);
        prop_assert!(back.covers(&url));
        // A source IP prints and parses back unchanged, always with its prefix.
        if let Some(ip) = condition.ip_address {
            let text = ip.to_string();
            prop_assert!(text.contains('/'));
            prop_assert_eq!(text.parse::<SourceIp>().expect("reparses"), ip);
        }
    }

    #[test]
    fn signatures_verify_with_the_public_key(
        (url, resource) in url_and_resource(),
        condition in condition(),
        use_ec in any::<bool>(),
        sha256 in any::<bool>(),
    ) {
        let hash = if sha256 { HashAlgorithm::Sha256 } else { HashAlgorithm::Sha1 };
        let base = if use_ec { ec() } else { rsa() };
        let request = UrlOptions {
            policy_resource: resource.clone(),
            condition: condition.clone(),
            mode: PolicyMode::Auto,
        };
        // Signer is not Clone: sign with the shared one, choosing the hash per case.
        let signed = with_hash(base, hash, |s| s.sign_url(&url, &request)).expect("signs");
        prop_assert!(signed.url.starts_with(&url));
        let sig = common::signature_of(&signed.url);
        prop_assert!(
            cfsign::sign::verify_bytes(&base.public_key(), hash, signed.policy.as_bytes(), &sig)
                .is_ok()
        );
        let needs_custom = condition.needs_custom() || resource.as_ref().is_some_and(|r| *r != url);
        prop_assert_eq!(signed.policy_type == PolicyType::Custom, needs_custom);
        match signed.policy_type {
            PolicyType::Canned => {
                prop_assert_eq!(&signed.policy, &Policy::canned(url.clone(), condition.date_less_than).to_json());
                let expires = condition.date_less_than.to_string();
                prop_assert_eq!(common::param(&signed.url, "Expires"), Some(expires.as_str()));
            }
            PolicyType::Custom => {
                let sent = cfsign::encoding::decode("Policy", common::param(&signed.url, "Policy").expect("Policy"))
                    .expect("CloudFront base64");
                prop_assert_eq!(sent.as_slice(), signed.policy.as_bytes());
                let raw = RawPolicy::new(sent).expect("valid policy");
                prop_assert_eq!(raw.policy().condition(), &condition);
                prop_assert!(raw.policy().covers(&url));
            }
        }
        prop_assert_eq!(
            common::param(&signed.url, "Hash-Algorithm"),
            sha256.then_some("SHA256")
        );
    }
}

/// Runs `f` with a signer using `hash`, built from the same key as `base`.
fn with_hash<T>(base: &Signer, hash: HashAlgorithm, f: impl FnOnce(&Signer) -> T) -> T {
    if base.hash_algorithm() == hash {
        return f(base);
    }
    let name = match base.key_algorithm() {
        cfsign::KeyAlgorithm::Rsa2048 => "rsa2048_pkcs1.pem",
        cfsign::KeyAlgorithm::EcdsaP256 => "ec_p256_sec1.pem",
    };
    f(&signer(name).with_hash_algorithm(hash))
}
