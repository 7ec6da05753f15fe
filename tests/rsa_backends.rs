//! Every RSA backend this build has and this CPU can run (the `rsa` crate, graviola for
//! SHA-256 on x86_64/aarch64, OpenSSL with the `openssl` feature) signs every RSA vector
//! byte for byte as the reference signers did; the default picks graviola for SHA-256
//! where the CPU allows, and `cfsign --version --verbose` says so.

mod common;

use cfsign::{Backend, HashAlgorithm, KeyPairId, PrivateKey, Signer};

fn expected_signature(case: &serde_json::Value) -> String {
    match case["kind"].as_str() {
        Some("cookies") => case["cookies"]["CloudFront-Signature"]
            .as_str()
            .expect("cookie")
            .to_string(),
        _ => {
            let url = case["signed_url"].as_str().expect("signed_url");
            let sig = url.split("Signature=").nth(1).expect("Signature");
            sig.split('&').next().unwrap_or_default().to_string()
        }
    }
}

#[test]
fn every_backend_signs_every_rsa_vector_byte_for_byte() {
    let doc = common::vectors();
    let passphrase = doc["key_passphrase"].as_str().expect("passphrase");
    let backends = Backend::available();
    #[cfg(feature = "openssl")]
    assert!(backends.contains(&Backend::OpenSsl));
    let mut checked = std::collections::BTreeMap::new();
    for case in doc["cases"].as_array().expect("cases") {
        let algorithm = case["algorithm"].as_str().expect("algorithm");
        let Some(hash) = algorithm.strip_prefix("RSA-PKCS1v15-") else {
            continue;
        };
        let hash: HashAlgorithm = hash.parse().expect("hash");
        let key_name = case["key"].as_str().expect("key");
        let pem = std::fs::read(common::key(key_name)).expect("key file");
        let id = KeyPairId::new(case["key_pair_id"].as_str().expect("id")).expect("id");
        let policy = case["policy"].as_str().expect("policy").as_bytes();
        for &backend in &backends {
            let key = PrivateKey::from_pem(&pem, Some(passphrase.as_bytes()), key_name)
                .and_then(|k| k.with_backend(backend))
                .expect("key");
            assert_eq!(key.backend(), backend);
            let signer = Signer::new(key, id.clone()).with_hash_algorithm(hash);
            let got = signer.sign_policy(policy).expect("signature");
            assert_eq!(got, expected_signature(case), "{} {backend:?}", case["id"]);
            *checked.entry((backend.name(), hash.as_str())).or_insert(0) += 1;
        }
    }
    for &backend in &backends {
        for hash in ["SHA1", "SHA256"] {
            let n = checked.get(&(backend.name(), hash)).copied().unwrap_or(0);
            let want = if hash == "SHA1" { 53 } else { 7 };
            assert_eq!(n, want, "{backend:?} {hash} vectors checked");
        }
    }
}

/// Beyond the vectors: policies of every length from 0 to 600 bytes sign the same with
/// every backend, with both hashes and both test RSA keys.
#[test]
fn every_backend_agrees_on_policies_of_every_length() {
    for key_name in ["rsa2048_pkcs1.pem", "rsa2048_pkcs8.pem"] {
        let pem = std::fs::read(common::key(key_name)).expect("key file");
        let signers: Vec<(Backend, Signer)> = Backend::available()
            .into_iter()
            .map(|b| {
                let key = PrivateKey::from_pem(&pem, None, key_name)
                    .and_then(|k| k.with_backend(b))
                    .expect("key");
                (b, Signer::new(key, KeyPairId::new("K1").expect("id")))
            })
            .collect();
        for len in (0..600).step_by(7) {
            let policy: Vec<u8> = (0..len).map(|i| b'!' + (i * 31 % 90) as u8).collect();
            for hash in [HashAlgorithm::Sha1, HashAlgorithm::Sha256] {
                let sigs: Vec<String> = signers
                    .iter()
                    .map(|(_, s)| {
                        s.clone()
                            .with_hash_algorithm(hash)
                            .sign_policy(&policy)
                            .expect("sign")
                    })
                    .collect();
                for ((b, _), sig) in signers.iter().zip(&sigs) {
                    assert_eq!(sig, &sigs[0], "{key_name} {hash} {b:?} len {len}");
                }
            }
        }
    }
}

/// On a CPU graviola can run (every x86_64 CI machine of the last decade), the default
/// build signs RSA-SHA256 with it; elsewhere the key stays on the `rsa` crate.
#[test]
fn default_backend_is_the_fastest_this_cpu_runs() {
    let key = PrivateKey::from_pem_file(&common::key("rsa2048_pkcs1.pem"), None).expect("key");
    let fastest = *Backend::available().last().expect("a backend");
    assert_eq!(key.backend(), fastest);
    assert_eq!(Backend::default_for_build(), fastest);
    let ec = PrivateKey::from_pem_file(&common::key("ec_p256_pkcs8.pem"), None).expect("key");
    assert_eq!(ec.backend(), Backend::RustCrypto, "ECDSA stays on p256");
}

#[test]
fn version_verbose_names_the_backends_compiled_in_and_chosen() {
    let (code, out, err) = common::run(common::cfsign().args(["--version", "--verbose"]));
    assert_eq!((code, err.as_str()), (0, ""));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], format!("cfsign {}", env!("CARGO_PKG_VERSION")));
    let fastest = Backend::available().last().expect("a backend").name();
    let sha1 = if fastest == "graviola" {
        "rsa"
    } else {
        fastest
    };
    assert!(
        lines.contains(&format!("RSA-SHA256 signs with: {fastest}").as_str()),
        "{out}"
    );
    assert!(
        lines.contains(&format!("RSA-SHA1 signs with: {sha1}").as_str()),
        "{out}"
    );
    let usable: Vec<&str> = Backend::available().iter().map(|b| b.name()).collect();
    let usable_line = format!("RSA backends usable on this CPU: {}", usable.join(", "));
    assert!(lines.contains(&usable_line.as_str()), "{out}");
    assert!(
        out.contains("ECDSA P-256 signs with: p256 (RFC 6979"),
        "{out}"
    );
    // Plain --version stays one line.
    let (code, out, _) = common::run(common::cfsign().arg("--version"));
    assert_eq!(
        (code, out.trim()),
        (0, format!("cfsign {}", env!("CARGO_PKG_VERSION")).as_str())
    );
}
