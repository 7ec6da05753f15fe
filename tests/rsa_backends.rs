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
    let key = PrivateKey::from_pem_file(common::key("rsa2048_pkcs1.pem"), None).expect("key");
    let fastest = *Backend::available().last().expect("a backend");
    assert_eq!(key.backend(), fastest);
    assert_eq!(Backend::default_for_build(), fastest);
    // An ECDSA key reports graviola where it signs its SHA-256 signatures (the OpenSSL
    // backend signs RSA only), else the pure-Rust crates.
    let ec = PrivateKey::from_pem_file(common::key("ec_p256_pkcs8.pem"), None).expect("key");
    let graviola = Backend::available().iter().any(|b| b.name() == "graviola");
    let want = if graviola { "graviola" } else { "rsa" };
    assert_eq!(ec.backend().name(), want);
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
    let usable_line = format!("Backends usable on this CPU: {}", usable.join(", "));
    assert!(lines.contains(&usable_line.as_str()), "{out}");
    // ECDSA: SHA-256 through graviola where the CPU runs it (hedged nonces), SHA-1
    // through p256 (RFC 6979, reproducible).
    let graviola = usable.contains(&"graviola");
    let ecdsa_sha256 = if graviola {
        "ECDSA-SHA256 signs with: graviola (RFC 6979 nonces mixed with random bytes: each signature differs, each verifies)"
    } else {
        "ECDSA-SHA256 signs with: p256 (RFC 6979 nonces: the same input gives the same signature)"
    };
    assert!(lines.contains(&ecdsa_sha256), "{out}");
    assert!(
        lines.contains(
            &"ECDSA-SHA1 signs with: p256 (RFC 6979 nonces: the same input gives the same signature)"
        ),
        "{out}"
    );
    assert_eq!(lines.len(), 7, "{out}");
    // Plain --version stays one line.
    let (code, out, _) = common::run(common::cfsign().arg("--version"));
    assert_eq!(
        (code, out.trim()),
        (0, format!("cfsign {}", env!("CARGO_PKG_VERSION")).as_str())
    );
}

/// What the terminal shows (stdout and stderr on one pseudo-terminal, from `script`)
/// when `cfsign` signs `urls` RSA test-key URLs from a file with `args`.
fn batch_on_terminal(urls: usize, args: &str) -> String {
    common::protect_test_keys();
    let dir = tempfile::tempdir().expect("temp dir");
    let list = dir.path().join("urls.txt");
    let text: String = (0..urls)
        .map(|i| format!("https://d111111abcdef8.cloudfront.net/{i}.jpg\n"))
        .collect();
    std::fs::write(&list, text).expect("write URLs");
    let command = format!(
        "'{}' --private-key '{}' --key-pair-id {} --now {} --expires-in 1d {args} < '{}' > /dev/null",
        common::bin(),
        common::key_arg("rsa2048_pkcs1.pem"),
        common::KPID,
        common::NOW,
        list.display()
    );
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-qec", &command, "/dev/null"]);
    for var in common::CFSIGN_VARS {
        cmd.env_remove(var);
    }
    let out = cmd.output().expect("script (util-linux) runs");
    assert!(out.status.success(), "{command}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Issue 14.3: a large RSA-SHA1 batch on the `rsa` crate (the slowest backend) ends with
/// one note on the terminal naming the faster choices; not for a small batch, SHA-256, or
/// URLs under one shared policy (signed once), and never when stderr is not a terminal
/// (other tests sign large batches with an empty stderr).
#[test]
fn large_rsa_sha1_batch_on_the_rsa_crate_names_the_faster_choices() {
    let rsa_signs_sha1 = Backend::default_for_build()
        .signs_with(cfsign::KeyAlgorithm::Rsa2048, HashAlgorithm::Sha1)
        == "rsa";
    let shown = batch_on_terminal(1_001, "--jobs 2");
    let notes: Vec<&str> = shown.lines().filter(|l| l.contains("note:")).collect();
    if !rsa_signs_sha1 {
        assert_eq!(notes.len(), 0, "{shown}");
        return;
    }
    assert_eq!(notes.len(), 1, "{shown}");
    let note = notes[0].trim_end_matches('\r');
    assert!(
        note.starts_with("cfsign: note: 1001 lines signed with RSA-SHA1 by the pure-Rust `rsa` crate, the slowest backend; faster: "),
        "{note}"
    );
    assert!(note.contains("an ECDSA P-256 key"), "{note}");
    let graviola = Backend::available().iter().any(|b| b.name() == "graviola");
    assert_eq!(
        note.contains("`--hash-algorithm SHA256`"),
        graviola,
        "{note}"
    );
    assert!(note.contains("`--features openssl`"), "{note}");
    // No note: a small batch, SHA-256, one shared policy.
    for (urls, args) in [
        (1_000, "--jobs 2"),
        (1_001, "--hash-algorithm SHA256"),
        (
            1_001,
            "--policy-resource 'https://d111111abcdef8.cloudfront.net/*'",
        ),
    ] {
        let shown = batch_on_terminal(urls, args);
        assert!(!shown.contains("note:"), "{urls} {args}: {shown}");
    }
}
