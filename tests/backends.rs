//! The OpenSSL backend (feature `openssl`) leaves ECDSA keys on `p256`. That it signs RSA
//! byte for byte like the other backends and the vectors is checked, for every backend
//! this build has, by `tests/rsa_backends.rs`.
#![cfg(feature = "openssl")]

mod common;

use cfsign::{Backend, PrivateKey};

fn data(path: &str) -> Vec<u8> {
    std::fs::read(common::data(path)).expect("test data")
}

#[test]
fn ecdsa_keys_stay_on_p256() {
    let key = PrivateKey::from_pem(&data("keys/ec_p256_pkcs8.pem"), None, "ec")
        .and_then(|k| k.with_backend(Backend::OpenSsl))
        .expect("key");
    assert_eq!(key.backend(), Backend::RustCrypto);
}
