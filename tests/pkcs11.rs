//! Keys on a PKCS#11 token (feature `pkcs11`) with a real token: SoftHSM 2 (Debian's
//! `softhsm2`, installed by `.ci/run`), initialised in a temporary `SOFTHSM2_CONF`
//! directory, the test RSA and P-256 keys imported from PKCS#8 with `softhsm2-util`, the
//! token found by its label. RSA-SHA1 from the token is byte-identical to the PEM
//! signer's; ECDSA is checked by verification. The module is loaded in-process (there is
//! no server to start or stop).
#![cfg(feature = "pkcs11")]

mod common;

use std::path::Path;
use std::sync::Arc;

use cfsign::pkcs11::{Pkcs11Key, Pkcs11Uri, RsaMechanism};
use cfsign::{HashAlgorithm, KeyPairId, PrivateKey, Signer, SigningKey, UrlOptions};
use common::softhsm::{MODULE, PIN, TOKEN, Token};
use common::{
    EXPIRES, IMAGE_URL, NOW, assert_refused, key, key_arg, openssl_verifies, rebuilt_canned_policy,
    signature_of, stderr, stdout,
};

fn uri(object: &str) -> String {
    format!("pkcs11:token={TOKEN};object={object}?module-path={MODULE}")
}

fn sign(token: &Token, source: &str, extra: &[&str]) -> String {
    let mut cmd = token.cfsign();
    cmd.env("CFSIGN_PKCS11_PIN", PIN);
    common::sign_with_source(cmd, IMAGE_URL, source, extra)
}

fn pem_signed(file: &str, extra: &[&str]) -> String {
    let out = common::cfsign()
        .args([
            IMAGE_URL,
            "--private-key",
            &key_arg(file),
            "--key-pair-id",
            "K2JCJMDEHXQW5F",
        ])
        .args(["--now", NOW, "--date-less-than", &EXPIRES.to_string()])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out).trim_end().to_string()
}

#[test]
fn token_rsa_signs_byte_identical_to_the_pem_signer_and_ecdsa_verifies() {
    let token = Token::new();
    // RSA: SHA-1 (the default) and SHA-256 through CKM_SHA1/SHA256_RSA_PKCS.
    assert_eq!(
        sign(&token, &uri("cf-rsa"), &[]),
        pem_signed("rsa2048_pkcs8.pem", &[])
    );
    let sha256 = ["--hash-algorithm", "sha256"];
    assert_eq!(
        sign(&token, &uri("cf-rsa"), &sha256),
        pem_signed("rsa2048_pkcs8.pem", &sha256)
    );
    // by id=, the PIN in the URI, the module from the environment
    let by_id = format!("pkcs11:token={TOKEN};id=%01?pin-value={PIN}");
    let out = token
        .cfsign()
        .env("CFSIGN_PKCS11_MODULE", MODULE)
        .args([
            IMAGE_URL,
            "--private-key",
            &by_id,
            "--key-pair-id",
            "K2JCJMDEHXQW5F",
        ])
        .args(["--now", NOW, "--date-less-than", &EXPIRES.to_string()])
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out).trim_end(),
        pem_signed("rsa2048_pkcs8.pem", &[]),
        "{}",
        stderr(&out)
    );

    // ECDSA: random nonces on the token, so check by verification (openssl, cfsign verify).
    for hash in ["sha1", "sha256"] {
        let url = sign(&token, &uri("cf-ec"), &["--hash-algorithm", hash]);
        let policy = rebuilt_canned_policy(&url);
        assert!(
            openssl_verifies(
                &key("ec_p256_public.pem"),
                hash,
                policy.as_bytes(),
                &signature_of(&url)
            ),
            "{hash}: {url}"
        );
        let verify = common::cfsign()
            .args([
                "verify",
                &url,
                "--public-key",
                &key_arg("ec_p256_public.pem"),
                "--now",
                NOW,
            ])
            .output()
            .unwrap();
        assert_eq!(verify.status.code(), Some(0), "{}", stdout(&verify));
    }

    // pubkey prints the token key's public key: the same PEM as the file's.
    for (object, public) in [
        ("cf-rsa", "rsa2048_public.pem"),
        ("cf-ec", "ec_p256_public.pem"),
    ] {
        let out = token
            .cfsign()
            .env("CFSIGN_PKCS11_PIN", PIN)
            .args(["pubkey", "--private-key", &uri(object)])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let expected = common::cfsign()
            .args([
                "pubkey",
                "--private-key",
                &key_arg(public.replace("public", "pkcs8").as_str()),
            ])
            .output()
            .unwrap();
        assert_eq!(stdout(&out), stdout(&expected));
    }

    // Cookies from the token verify.
    let out = token
        .cfsign()
        .env("CFSIGN_PKCS11_PIN", PIN)
        .args([
            "cookies",
            "https://d111111abcdef8.cloudfront.net/videos/*",
            "--format",
            "header",
        ])
        .args([
            "--private-key",
            &uri("cf-rsa"),
            "--key-pair-id",
            "K2JCJMDEHXQW5F",
        ])
        .args(["--now", NOW, "--date-less-than", &EXPIRES.to_string()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let verify = common::cfsign()
        .args([
            "verify",
            "--url",
            "https://d111111abcdef8.cloudfront.net/videos/a.mp4",
        ])
        .args(["--cookie-header", stdout(&out).trim_end()])
        .args(["--public-key", &key_arg("rsa2048_public.pem"), "--now", NOW])
        .output()
        .unwrap();
    assert_eq!(verify.status.code(), Some(0), "{}", stdout(&verify));
}

/// The library path, and `CKM_RSA_PKCS` over a DigestInfo (tokens that cannot hash):
/// the same bytes as the PEM signer, for both hashes.
#[test]
fn token_rsa_pkcs_over_digest_info_is_byte_identical_through_the_library() {
    let token = Token::new();
    // The module reads SOFTHSM2_CONF in this process; this is the only test in this
    // file that loads it in-process, and it sets the variable before any module load.
    // SAFETY: no other thread of this test binary reads or writes SOFTHSM2_CONF.
    unsafe { std::env::set_var("SOFTHSM2_CONF", token.conf()) };
    let parsed = Pkcs11Uri::parse(&format!("pkcs11:token={TOKEN};object=cf-rsa")).unwrap();
    let pem = PrivateKey::from_pem_file(key("rsa2048_pkcs8.pem"), None).unwrap();
    // The library's fix names no option or environment variable of the command.
    let wrong_pin = Pkcs11Key::open(&parsed, Path::new(MODULE), Some("4321"), None, 1).unwrap_err();
    assert_eq!(
        wrong_pin.hint().as_deref(),
        Some("give the token's user PIN; repeated wrong PINs lock the token")
    );
    for mechanism in [RsaMechanism::RawOverDigestInfo, RsaMechanism::HashAndSign] {
        let on_token =
            Pkcs11Key::open(&parsed, Path::new(MODULE), Some(PIN), Some(mechanism), 2).unwrap();
        assert_eq!(on_token.rsa_mechanism(), mechanism);
        let on_token: Arc<dyn SigningKey> = Arc::new(on_token);
        for hash in [HashAlgorithm::Sha1, HashAlgorithm::Sha256] {
            assert_eq!(
                on_token.sign(hash, b"policy bytes").unwrap(),
                SigningKey::sign(&pem, hash, b"policy bytes").unwrap(),
                "{mechanism:?} {hash}"
            );
        }
        let signer = Signer::with_signing_key(on_token, KeyPairId::new("K1").unwrap());
        let url = signer
            .sign_url(IMAGE_URL, &UrlOptions::expires(EXPIRES))
            .unwrap()
            .url;
        let builtin = Signer::new(
            PrivateKey::from_pem_file(key("rsa2048_pkcs8.pem"), None).unwrap(),
            KeyPairId::new("K1").unwrap(),
        );
        assert_eq!(
            url,
            builtin
                .sign_url(IMAGE_URL, &UrlOptions::expires(EXPIRES))
                .unwrap()
                .url
        );
    }
}

#[test]
fn token_refusals_name_the_uri_and_the_fix_without_the_pin() {
    let token = Token::new();
    let refuse = |source: &str, pin: Option<&str>, needle: &str| {
        let mut cmd = token.cfsign();
        if let Some(pin) = pin {
            cmd.env("CFSIGN_PKCS11_PIN", pin);
        }
        cmd.args([
            IMAGE_URL,
            "--private-key",
            source,
            "--key-pair-id",
            "K1",
            "--now",
            NOW,
        ]);
        let err = assert_refused(&mut cmd, 2, needle);
        assert!(
            !err.contains("4321") && !err.contains(PIN),
            "a PIN was printed: {err}"
        );
        err
    };
    // The library's fixes speak the token's terms; the command adds where it reads the
    // module and the PIN from (src/cli/hints.rs). Every `pin-value=` in a message is
    // followed by `***`, even in a hint that names the attribute.
    let err = refuse(&uri("cf-rsa"), Some("4321"), "the PIN is wrong");
    assert!(
        err.ends_with("\nhint: give the token's user PIN (pin-value=*** or CFSIGN_PKCS11_PIN); repeated wrong PINs lock the token\n"),
        "{err}"
    );
    let in_uri = format!("pkcs11:token={TOKEN};object=cf-rsa?pin-value=4321&module-path={MODULE}");
    let err = refuse(&in_uri, None, "pin-value=***");
    assert!(err.contains("the PIN is wrong"), "{err}");
    let err = refuse(
        &format!("pkcs11:token=other;object=cf-rsa?module-path={MODULE}"),
        Some(PIN),
        "no token labelled \"other\" (tokens present: cfsign-test)",
    );
    assert!(err.contains("hint: check token="), "{err}");
    refuse(
        &uri("missing"),
        Some(PIN),
        "no private key with that object=/id= on the token",
    );
    let err = refuse(
        &uri("cf-rsa"),
        None,
        "no private key found without logging in",
    );
    assert!(
        err.ends_with("\nhint: give the user PIN (pin-value=*** CFSIGN_PKCS11_PIN, or at the prompt): private keys are visible only after login\n"),
        "{err}"
    );
    let err = refuse(
        &format!("pkcs11:token={TOKEN};object=cf-rsa"),
        Some(PIN),
        "no PKCS#11 module",
    );
    assert!(err.contains("CFSIGN_PKCS11_MODULE"), "{err}");
    let err = refuse(
        &format!("pkcs11:token={TOKEN};object=cf-rsa?module-path=/nonexistent/module.so"),
        Some(PIN),
        "cannot load the PKCS#11 module /nonexistent/module.so",
    );
    assert!(
        err.ends_with("\nhint: give the token's module with module-path= or CFSIGN_PKCS11_MODULE (SoftHSM: /usr/lib/softhsm/libsofthsm2.so, OpenSC: /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so)\n"),
        "{err}"
    );
    refuse("pkcs11:token=x", Some(PIN), "names no key");
}
