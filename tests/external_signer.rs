//! The external-signer example (`examples/external_signer.rs`): a `SigningKey` written
//! outside the crate gives the same URL, byte for byte, as the built-in signer.

mod common;

#[path = "../examples/external_signer.rs"]
mod external_signer;

use std::sync::Arc;

use cfsign::{HashAlgorithm, KeyPairId, PrivateKey, Signer, SigningKey, UrlOptions};

#[test]
fn external_signer_url_is_byte_identical_to_the_builtin_signer() {
    let pem = common::repo("keys/private_key.pem");
    let url = "https://d111111abcdef8.cloudfront.net/image.jpg";
    let external = external_signer::sign_with_device(&pem, url, common::EXPIRES).unwrap();
    let key = PrivateKey::from_pem_file(&pem, None).unwrap();
    let builtin = Signer::new(key, KeyPairId::new("KDEMOEXAMPLE01").unwrap())
        .with_hash_algorithm(HashAlgorithm::Sha256)
        .sign_url(url, &UrlOptions::expires(common::EXPIRES))
        .unwrap()
        .url;
    assert_eq!(external, builtin);
    assert!(external.ends_with("&Key-Pair-Id=KDEMOEXAMPLE01&Hash-Algorithm=SHA256"));
    assert!(external.starts_with(&format!("{url}?Expires=1767290400&Signature=")));
}

/// A SHA-256-only key refuses SHA-1 with a typed error that says what it supports.
#[test]
fn sha256_only_signing_key_refuses_sha1() {
    let pem = common::repo("keys/private_key.pem");
    let device = external_signer::DeviceKey::start(PrivateKey::from_pem_file(&pem, None).unwrap());
    assert_eq!(device.supported_hashes(), &[HashAlgorithm::Sha256]);
    let signer = Signer::with_signing_key(Arc::new(device), KeyPairId::new("K1").unwrap())
        .with_hash_algorithm(HashAlgorithm::Sha1);
    let e = signer
        .sign_url(
            "https://d1.example/a",
            &UrlOptions::expires(common::EXPIRES),
        )
        .unwrap_err();
    assert!(
        matches!(
            e,
            cfsign::Error::HashUnsupported {
                hash: HashAlgorithm::Sha1,
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(
        e.to_string(),
        "the signing key DeviceKey(RSA-2048) cannot sign with SHA1: it supports only SHA256"
    );
}
