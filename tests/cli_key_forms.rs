//! Issue 10.3: keys as OpenSSL writes them (1.0.x's PBES2 with hmacWithSHA1, `-v2 des3`,
//! explicit P-256 parameters) sign byte for byte as the same key in plain PKCS#8 or SEC1;
//! schemes cfsign does not read are named, never called a wrong passphrase.

mod common;

use common::{IMAGE_URL, KPID, NOW, PASSPHRASE, cfsign, key_arg};

fn sign(key: &str) -> (Option<i32>, String, String) {
    let out = cfsign()
        .args([
            IMAGE_URL,
            "--key-pair-id",
            KPID,
            "--now",
            NOW,
            "--days",
            "3",
        ])
        .args(["--private-key", &key_arg(key)])
        .env("CFSIGN_PRIVATE_KEY_PASSPHRASE", PASSPHRASE)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Regression: the right passphrase was "wrong" for hmacWithSHA1 keys, `-v2 des3` gave an
/// ASN.1/OID error, explicit P-256 parameters were an "unnamed curve". RSA PKCS#1 v1.5
/// is deterministic, so an RSA form signs exactly as its plain form; an ECDSA form signs
/// the same URL with a signature that verifies with the same public key.
#[test]
fn openssl_key_forms_sign_like_their_plain_form() {
    for (form, plain) in [
        ("rsa2048_pkcs8_encrypted_sha1prf.pem", "rsa2048_pkcs8.pem"),
        ("ec_p256_pkcs8_encrypted_des3.pem", "ec_p256_pkcs8.pem"),
        ("ec_p256_pkcs8_encrypted_scrypt.pem", "ec_p256_pkcs8.pem"),
        ("ec_p256_sec1_explicit.pem", "ec_p256_sec1.pem"),
        ("ec_p256_pkcs8_explicit.pem", "ec_p256_sec1.pem"),
    ] {
        let (code, url, stderr) = sign(form);
        assert_eq!(code, Some(0), "{form}: {stderr}");
        assert_eq!(stderr, "", "{form}");
        let (_, expected, _) = sign(plain);
        assert!(expected.contains("&Signature="), "{plain}: {expected}");
        if form.starts_with("ec_") {
            // ECDSA-SHA256 through graviola differs run to run (hedged nonces): both
            // verify with the one public key, and are equal apart from the signature.
            let public = common::key("ec_p256_public.pem");
            let (a, n) = common::ecdsa_signatures_verified_and_masked(&url, &public);
            let (b, m) = common::ecdsa_signatures_verified_and_masked(&expected, &public);
            assert_eq!((n, m), (1, 1), "{form}");
            assert_eq!(a, b, "{form} signs unlike {plain}");
        } else {
            assert_eq!(url, expected, "{form} signs unlike {plain}");
        }
    }
}

/// Regression: PBES1 (`-v1 PBE-SHA1-3DES`) gave an ASN.1/OID error; RSA keys of 2041-2047
/// bits were taken for RSA-2048.
#[test]
fn unreadable_schemes_and_short_moduli_are_named() {
    let (code, out, stderr) = sign("ec_p256_pkcs8_encrypted_pbes1.pem");
    assert_eq!((code, out.as_str()), (Some(2), ""), "{stderr}");
    assert!(stderr.contains("PBE-SHA1-3DES"), "{stderr}");
    assert!(!stderr.contains("passphrase is wrong"), "{stderr}");
    assert!(
        stderr.contains("hint: re-encrypt the key once with `openssl pkcs8 -topk8 -v2 aes-256-cbc"),
        "{stderr}"
    );
    for (key, bits) in [("rsa2041_pkcs1.pem", 2041), ("rsa2047_pkcs1.pem", 2047)] {
        let (code, out, stderr) = sign(key);
        assert_eq!((code, out.as_str()), (Some(2), ""), "{stderr}");
        assert!(
            stderr.contains(&format!("RSA-{bits} keys are not accepted by CloudFront")),
            "{stderr}"
        );
    }
}
