//! One signature per distinct policy: a `Signer` calls its `SigningKey` once for policy
//! bytes it has signed before, from any thread, and never hands one policy's signature
//! to another. Where the key's signatures are deterministic (RSA, `p256` ECDSA) the cached
//! one is byte for byte what an uncached signer makes; where they are not (graviola's
//! ECDSA-SHA256, hedged nonces) it verifies with the public key.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use cfsign::{
    CookieOptions, HashAlgorithm, KeyAlgorithm, KeyPairId, PrivateKey, PublicKey, Signer,
    SigningKey, UrlOptions,
};

/// A real key that counts the signatures it is asked for.
#[derive(Debug)]
struct CountingKey {
    key: PrivateKey,
    calls: AtomicUsize,
}

impl SigningKey for CountingKey {
    fn algorithm(&self) -> KeyAlgorithm {
        self.key.algorithm()
    }
    fn public_key(&self) -> PublicKey {
        self.key.public_key()
    }
    fn sign(&self, hash: HashAlgorithm, message: &[u8]) -> cfsign::Result<Vec<u8>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        SigningKey::sign(&self.key, hash, message)
    }
}

fn counting(name: &str) -> (Arc<CountingKey>, Signer) {
    let key = PrivateKey::from_pem_file(common::key(name), None).unwrap();
    let counting = Arc::new(CountingKey {
        key,
        calls: AtomicUsize::new(0),
    });
    let signer = Signer::with_signing_key(counting.clone(), KeyPairId::new(common::KPID).unwrap());
    (counting, signer)
}

fn plain(name: &str, hash: HashAlgorithm) -> Signer {
    let key = PrivateKey::from_pem_file(common::key(name), None).unwrap();
    Signer::new(key, KeyPairId::new(common::KPID).unwrap()).with_hash_algorithm(hash)
}

/// Whether `key` signs `hash` reproducibly (else: graviola's hedged ECDSA).
fn reproducible(key: &PrivateKey, hash: HashAlgorithm) -> bool {
    key.backend().reproducible(key.algorithm(), hash)
}

/// Checks `signature` (CloudFront base64) over `policy` with the key's public key.
fn assert_verifies(key: &PrivateKey, hash: HashAlgorithm, policy: &[u8], signature: &str) {
    let raw = cfsign::encoding::decode("Signature", signature).expect("CloudFront base64");
    cfsign::sign::verify_bytes(&key.public_key(), hash, policy, &raw)
        .unwrap_or_else(|e| panic!("{hash}: {e}"));
}

fn wildcard() -> UrlOptions {
    UrlOptions {
        policy_resource: Some("https://d111111abcdef8.cloudfront.net/videos/*".into()),
        ..UrlOptions::expires(common::EXPIRES)
    }
}

#[test]
fn urls_under_one_wildcard_policy_cost_one_signature_from_every_thread() {
    for (name, hash) in [
        ("rsa2048_pkcs1.pem", HashAlgorithm::Sha1),
        ("rsa2048_pkcs1.pem", HashAlgorithm::Sha256),
        ("ec_p256_pkcs8.pem", HashAlgorithm::Sha256),
    ] {
        let (key, signer) = counting(name);
        let signer = signer.with_hash_algorithm(hash);
        let urls: Vec<Vec<String>> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..2)
                .map(|t| {
                    let signer = signer.clone();
                    s.spawn(move || {
                        (0..200)
                            .map(|i| {
                                let url = format!(
                                    "https://d111111abcdef8.cloudfront.net/videos/{t}/{i}.mp4"
                                );
                                signer.sign_url(&url, &wildcard()).unwrap().url
                            })
                            .collect()
                    })
                })
                .collect();
            workers.into_iter().map(|w| w.join().unwrap()).collect()
        });
        // Both workers may miss at the same moment before either stores the signature.
        let calls = key.calls.load(Ordering::SeqCst);
        assert!(
            (1..=2).contains(&calls),
            "{name} {hash}: {calls} signatures"
        );
        // What a signer without the shared cache makes for the same URL: byte for byte
        // where signatures are deterministic, else the same URL with a signature that
        // verifies.
        let uncached = plain(name, hash)
            .sign_url(
                "https://d111111abcdef8.cloudfront.net/videos/1/199.mp4",
                &wildcard(),
            )
            .unwrap();
        let signature = |u: &str| {
            let tail = u.split("&Signature=").nth(1).unwrap();
            tail.split('&').next().unwrap().to_string()
        };
        if reproducible(&key.key, hash) {
            assert_eq!(urls[1][199], uncached.url, "{name} {hash}");
        } else {
            assert_eq!(
                common::without_signature(&urls[1][199]),
                common::without_signature(&uncached.url),
                "{name} {hash}"
            );
            let policy = uncached.policy.as_bytes();
            assert_verifies(&key.key, hash, policy, &signature(&urls[1][199]));
        }
        // Every URL carries the one signature.
        for url in urls.iter().flatten() {
            assert_eq!(signature(url), signature(&urls[0][0]), "{name} {hash}");
        }
    }
}

#[test]
fn distinct_policies_are_signed_each_and_never_conflated() {
    let (key, signer) = counting("rsa2048_pkcs1.pem");
    let a = signer
        .sign_url(common::IMAGE_URL, &UrlOptions::expires(common::EXPIRES))
        .unwrap();
    let b = signer
        .sign_url(common::IMAGE_URL, &UrlOptions::expires(common::EXPIRES + 1))
        .unwrap();
    let c = signer
        .clone()
        .with_hash_algorithm(HashAlgorithm::Sha256)
        .sign_url(common::IMAGE_URL, &UrlOptions::expires(common::EXPIRES))
        .unwrap();
    assert_eq!(key.calls.load(Ordering::SeqCst), 3);
    let sig = |u: &str| u.split("Signature=").nth(1).unwrap()[..40].to_string();
    assert_ne!(sig(&a.url), sig(&b.url));
    assert_ne!(sig(&a.url), sig(&c.url));
    let sha1 = plain("rsa2048_pkcs1.pem", HashAlgorithm::Sha1);
    let sha256 = plain("rsa2048_pkcs1.pem", HashAlgorithm::Sha256);
    let again = |s: &Signer, e| {
        s.sign_url(common::IMAGE_URL, &UrlOptions::expires(e))
            .unwrap()
    };
    assert_eq!(a.url, again(&sha1, common::EXPIRES).url);
    assert_eq!(b.url, again(&sha1, common::EXPIRES + 1).url);
    assert_eq!(c.url, again(&sha256, common::EXPIRES).url);
    // Signing a seen policy again costs nothing.
    signer
        .sign_url(common::IMAGE_URL, &UrlOptions::expires(common::EXPIRES))
        .unwrap();
    assert_eq!(key.calls.load(Ordering::SeqCst), 3);
}

#[test]
fn cookies_for_one_pattern_cost_one_signature() {
    let (key, signer) = counting("ec_p256_pkcs8.pem");
    let resource = "https://d111111abcdef8.cloudfront.net/videos/*";
    let first = signer
        .sign_cookies(resource, &CookieOptions::expires(common::EXPIRES))
        .unwrap();
    for _ in 0..50 {
        let again = signer
            .sign_cookies(resource, &CookieOptions::expires(common::EXPIRES))
            .unwrap();
        assert_eq!(again.cookie_header_value(), first.cookie_header_value());
    }
    assert_eq!(key.calls.load(Ordering::SeqCst), 1);
    let uncached = plain("ec_p256_pkcs8.pem", HashAlgorithm::Sha256)
        .sign_cookies(resource, &CookieOptions::expires(common::EXPIRES))
        .unwrap();
    let get = |c: &cfsign::SignedCookies, name| c.get(name).unwrap().to_string();
    if reproducible(&key.key, HashAlgorithm::Sha256) {
        assert_eq!(uncached.cookie_header_value(), first.cookie_header_value());
    } else {
        // Hedged ECDSA: the same cookies apart from the signature, which verifies.
        for name in [cfsign::cookies::POLICY, cfsign::cookies::KEY_PAIR_ID] {
            assert_eq!(get(&uncached, name), get(&first, name), "{name}");
        }
        let policy =
            cfsign::encoding::decode("Policy", &get(&first, cfsign::cookies::POLICY)).unwrap();
        let signature = get(&first, cfsign::cookies::SIGNATURE);
        assert_verifies(&key.key, HashAlgorithm::Sha256, &policy, &signature);
    }
}
