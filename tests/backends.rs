//! The OpenSSL backend (feature `openssl`) signs RSA only: an ECDSA key asked to use it
//! signs SHA-256 through graviola where the CPU runs it (else `p256`) and SHA-1 through
//! `p256`. That it signs RSA byte for byte like the other backends and the vectors is
//! checked, for every backend this build has, by `tests/rsa_backends.rs`; ECDSA
//! signatures of every backend are verified by `tests/ecdsa_backends.rs`.
#![cfg(feature = "openssl")]

mod common;

use cfsign::{Backend, HashAlgorithm, KeyAlgorithm, PrivateKey};

fn data(path: &str) -> Vec<u8> {
    std::fs::read(common::data(path)).expect("test data")
}

#[test]
fn ecdsa_keys_asked_for_openssl_sign_as_on_graviola() {
    let key = PrivateKey::from_pem(&data("keys/ec_p256_pkcs8.pem"), None, "ec")
        .and_then(|k| k.with_backend(Backend::OpenSsl))
        .expect("key");
    let graviola = Backend::available().iter().any(|b| b.name() == "graviola");
    assert_eq!(
        key.backend().name(),
        if graviola { "graviola" } else { "rsa" }
    );
    let sha256 = key
        .backend()
        .signs_with(KeyAlgorithm::EcdsaP256, HashAlgorithm::Sha256);
    assert_eq!(sha256, if graviola { "graviola" } else { "p256" });
    assert_eq!(
        Backend::OpenSsl.signs_with(KeyAlgorithm::EcdsaP256, HashAlgorithm::Sha1),
        "p256"
    );
    assert_eq!(
        Backend::OpenSsl.signs_with(KeyAlgorithm::Rsa2048, HashAlgorithm::Sha1),
        "openssl"
    );
}
