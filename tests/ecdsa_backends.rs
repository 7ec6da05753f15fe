//! Every backend this build has and this CPU can run signs every ECDSA vector (URL and
//! cookie cases, SHA-1 and SHA-256, every key form) with a signature that verifies with
//! `openssl dgst -verify` and with cfsign's verifier. ECDSA-SHA256 signs through graviola
//! where the CPU allows (its nonces are hedged with random bytes, so each signature
//! differs); `Backend::RustCrypto` keeps `p256`'s RFC 6979 output, the same every time.

mod common;

use cfsign::{Backend, HashAlgorithm, KeyAlgorithm, KeyPairId, PrivateKey, Signer, SigningKey};

#[test]
fn every_ecdsa_backend_signs_every_ecdsa_vector_and_openssl_verifies_it() {
    let doc = common::vectors();
    let passphrase = doc["key_passphrase"].as_str().expect("passphrase");
    let backends = Backend::available();
    let mut checked = std::collections::BTreeMap::new();
    for case in doc["cases"].as_array().expect("cases") {
        let algorithm = case["algorithm"].as_str().expect("algorithm");
        let Some(hash) = algorithm.strip_prefix("ECDSA-P256-") else {
            continue;
        };
        let hash: HashAlgorithm = hash.parse().expect("hash");
        let id = case["id"].as_str().expect("id");
        let key_name = case["key"].as_str().expect("key");
        let public = common::key(case["public_key"].as_str().expect("public key"));
        let pem = std::fs::read(common::key(key_name)).expect("key file");
        let policy = case["policy"].as_str().expect("policy").as_bytes();
        let flag = hash.as_str().to_ascii_lowercase();
        for &backend in &backends {
            let key = PrivateKey::from_pem(&pem, Some(passphrase.as_bytes()), key_name)
                .and_then(|k| k.with_backend(backend))
                .expect("key");
            let library = key.backend().signs_with(KeyAlgorithm::EcdsaP256, hash);
            let signer = Signer::new(key, KeyPairId::new("K2JCJMDEHXQW5F").expect("id"))
                .with_hash_algorithm(hash);
            let signature =
                cfsign::encoding::decode("Signature", &signer.sign_policy(policy).expect("sign"))
                    .expect("CloudFront base64");
            // DER SEQUENCE{r, s} [R14], not raw r||s.
            assert_eq!(signature[0], 0x30, "{id} {backend:?}: DER SEQUENCE");
            assert_eq!(usize::from(signature[1]) + 2, signature.len(), "{id}");
            assert!(
                common::openssl_verifies(&public, &flag, policy, &signature),
                "{id} {backend:?} ({library}): openssl dgst -verify"
            );
            cfsign::sign::verify_bytes(&signer.public_key(), hash, policy, &signature)
                .unwrap_or_else(|e| panic!("{id} {backend:?}: {e}"));
            *checked.entry((library, hash.as_str())).or_insert(0) += 1;
        }
    }
    // 5 SHA-1 URL cases; 2 SHA-256 URL cases and 1 SHA-256 cookie case.
    let per_backend: usize = checked.values().sum::<usize>() / backends.len();
    assert_eq!(per_backend, 8, "{checked:?}");
    assert_eq!(
        checked.get(&("graviola", "SHA1")),
        None,
        "graviola has no SHA-1"
    );
    let graviola = backends.iter().any(|b| b.name() == "graviola");
    let on_graviola = backends
        .iter()
        .filter(|b| b.signs_with(KeyAlgorithm::EcdsaP256, HashAlgorithm::Sha256) == "graviola")
        .count();
    assert_eq!(graviola, on_graviola > 0);
    assert_eq!(checked.get(&("graviola", "SHA256")).copied(), {
        (on_graviola > 0).then_some(3 * on_graviola)
    });
    assert_eq!(
        checked.get(&("p256", "SHA1")).copied(),
        Some(5 * backends.len())
    );
}

/// `Backend::RustCrypto` is the way to reproducible ECDSA output (RFC 6979, `p256`):
/// the same key, policy and hash give the same bytes. graviola's SHA-256 signatures of
/// one policy differ from each other (hedged nonces), and each verifies.
#[test]
fn rustcrypto_ecdsa_is_reproducible_and_graviola_ecdsa_is_hedged() {
    let pem = std::fs::read(common::key("ec_p256_pkcs8.pem")).expect("key file");
    let policy = br#"{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/a","Condition":{"DateLessThan":{"AWS:EpochTime":1767290400}}}]}"#;
    for backend in Backend::available() {
        let key = PrivateKey::from_pem(&pem, None, "ec")
            .and_then(|k| k.with_backend(backend))
            .expect("key");
        for hash in [HashAlgorithm::Sha1, HashAlgorithm::Sha256] {
            let a = SigningKey::sign(&key, hash, policy).expect("sign");
            let b = SigningKey::sign(&key, hash, policy).expect("sign");
            for sig in [&a, &b] {
                cfsign::sign::verify_bytes(&key.public_key(), hash, policy, sig)
                    .unwrap_or_else(|e| panic!("{backend:?} {hash}: {e}"));
            }
            let reproducible = backend.reproducible(KeyAlgorithm::EcdsaP256, hash);
            assert_eq!(
                a == b,
                reproducible,
                "{backend:?} {hash}: two signatures of one policy"
            );
            assert_eq!(
                reproducible,
                key.backend().signs_with(KeyAlgorithm::EcdsaP256, hash) == "p256",
                "{backend:?} {hash}"
            );
        }
    }
    // RustCrypto is always reproducible, with both hashes.
    for hash in [HashAlgorithm::Sha1, HashAlgorithm::Sha256] {
        assert!(Backend::RustCrypto.reproducible(KeyAlgorithm::EcdsaP256, hash));
        assert_eq!(
            Backend::RustCrypto.signs_with(KeyAlgorithm::EcdsaP256, hash),
            "p256"
        );
    }
}

/// On a CPU graviola can run, a newly loaded ECDSA key signs SHA-256 through it by
/// default (the faster path) and SHA-1 through `p256`; elsewhere it stays on `p256`.
#[test]
fn default_ecdsa_backend_is_graviola_where_the_cpu_runs_it() {
    let key = PrivateKey::from_pem_file(common::key("ec_p256_sec1.pem"), None).expect("key");
    let graviola = Backend::available().iter().any(|b| b.name() == "graviola");
    let sha256 = key
        .backend()
        .signs_with(KeyAlgorithm::EcdsaP256, HashAlgorithm::Sha256);
    assert_eq!(sha256, if graviola { "graviola" } else { "p256" });
    assert_eq!(
        key.backend()
            .signs_with(KeyAlgorithm::EcdsaP256, HashAlgorithm::Sha1),
        "p256"
    );
    let pinned = key.with_backend(Backend::RustCrypto).expect("key");
    assert_eq!(pinned.backend(), Backend::RustCrypto);
}
