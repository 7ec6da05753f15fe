//! The OpenSSL backend (feature `openssl`) must sign RSA byte for byte like the default
//! `rsa` crate backend, and like the reference signers recorded in the vectors.
#![cfg(feature = "openssl")]

use cfsign::{Backend, HashAlgorithm, KeyPairId, PrivateKey, Signer};

fn data(path: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/{path}", env!("CARGO_MANIFEST_DIR"))).expect("test data")
}

#[test]
fn openssl_backend_signs_rsa_vectors_byte_for_byte_like_the_rsa_crate() {
    let doc: serde_json::Value = serde_json::from_slice(&data("vectors.json")).expect("JSON");
    let passphrase = doc["key_passphrase"].as_str().expect("passphrase");
    let mut checked = 0;
    for case in doc["cases"].as_array().expect("cases") {
        let algorithm = case["algorithm"].as_str().expect("algorithm");
        let Some(hash) = algorithm.strip_prefix("RSA-PKCS1v15-") else {
            continue;
        };
        let hash: HashAlgorithm = hash.parse().expect("hash");
        let key_name = case["key"].as_str().expect("key");
        let pem = data(&format!("keys/{key_name}"));
        let id = KeyPairId::new(case["key_pair_id"].as_str().expect("id")).expect("id");
        let policy = case["policy"].as_str().expect("policy").as_bytes();
        let mut signatures = Vec::new();
        for backend in [Backend::RustCrypto, Backend::OpenSsl] {
            let key = PrivateKey::from_pem(&pem, Some(passphrase.as_bytes()), key_name)
                .and_then(|k| k.with_backend(backend))
                .expect("key");
            assert_eq!(key.backend(), backend);
            let signer = Signer::new(key, id.clone()).with_hash_algorithm(hash);
            signatures.push(signer.sign_policy(policy).expect("signature"));
        }
        assert_eq!(signatures[0], signatures[1], "{}", case["id"]);
        let expected = match case["kind"].as_str() {
            Some("cookies") => case["cookies"]["CloudFront-Signature"]
                .as_str()
                .expect("cookie")
                .to_string(),
            _ => {
                let url = case["signed_url"].as_str().expect("signed_url");
                let sig = url.split("Signature=").nth(1).expect("Signature");
                sig.split('&').next().unwrap_or_default().to_string()
            }
        };
        assert_eq!(signatures[1], expected, "{}", case["id"]);
        checked += 1;
    }
    assert_eq!(checked, 60, "RSA vectors checked");
}

#[test]
fn ecdsa_keys_stay_on_p256() {
    let key = PrivateKey::from_pem(&data("keys/ec_p256_pkcs8.pem"), None, "ec")
        .and_then(|k| k.with_backend(Backend::OpenSsl))
        .expect("key");
    assert_eq!(key.backend(), Backend::RustCrypto);
}
