//! Key sources that need no server: a base64-wrapped PEM in `CFSIGN_PRIVATE_KEY`,
//! `cfsign pubkey` for a PEM key, and the `kms:`/`pkcs11:`/`secretsmanager:`/`ssm:`
//! sources in a build without the feature they need (the servers' own tests are in
//! `tests/aws.rs` and `tests/pkcs11.rs`).

mod common;

use base64::Engine as _;
use common::{IMAGE_URL, KPID, NOW, assert_refused, cfsign, key, key_arg, stderr, stdout, vector};

#[test]
fn base64_wrapped_pem_in_the_environment_signs_like_the_pem() {
    let pem = std::fs::read(key("rsa2048_pkcs1.pem")).unwrap();
    let wrapped = base64::engine::general_purpose::STANDARD.encode(&pem);
    let out = cfsign()
        .env("CFSIGN_PRIVATE_KEY", &wrapped)
        .env("CFSIGN_KEY_PAIR_ID", KPID)
        .args([IMAGE_URL, "--date-less-than", "1767290400", "--now", NOW])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let expected = vector("rsa-canned-plain-https")["signed_url"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(stdout(&out), format!("{expected}\n"));
    assert!(!stderr(&out).contains(&wrapped[..40]));
}

#[test]
fn pubkey_prints_the_public_key_of_a_pem_key() {
    for (private, public) in [
        ("rsa2048_pkcs1.pem", "rsa2048_public.pem"),
        ("ec_p256_sec1.pem", "ec_p256_public.pem"),
    ] {
        let out = cfsign()
            .args(["pubkey", "--private-key", &key_arg(private)])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let expected = std::fs::read_to_string(key(public)).unwrap();
        assert_eq!(stdout(&out), expected, "{private}");
    }
}

#[test]
fn a_file_named_like_a_source_is_reached_with_a_path() {
    let mut cmd = cfsign();
    cmd.args([
        IMAGE_URL,
        "--private-key",
        "./kms:key.pem",
        "--key-pair-id",
        KPID,
    ]);
    assert_refused(
        &mut cmd,
        2,
        "cannot read private key \"./kms:key.pem\": no such file",
    );
}

#[cfg(not(feature = "aws"))]
#[test]
fn aws_sources_without_the_feature_say_how_to_get_it() {
    for source in ["kms:alias/cf", "secretsmanager:cf/pem", "ssm:/cf/pem"] {
        let mut cmd = cfsign();
        cmd.args([IMAGE_URL, "--private-key", source, "--key-pair-id", KPID]);
        let err = assert_refused(&mut cmd, 2, "was built without the `aws` feature");
        assert!(err.contains(&format!("private key {source}:")), "{err}");
        assert!(err.contains("cargo install cfsign --features aws"), "{err}");
    }
}

#[cfg(not(feature = "pkcs11"))]
#[test]
fn pkcs11_source_without_the_feature_says_how_to_get_it() {
    let mut cmd = cfsign();
    cmd.args([IMAGE_URL, "--key-pair-id", KPID]).env(
        "CFSIGN_PRIVATE_KEY_FILE",
        "pkcs11:token=t;object=k;pin-value=9876",
    );
    let err = assert_refused(&mut cmd, 2, "built without the `pkcs11` feature");
    assert!(err.contains("pin-value=***"), "{err}");
    assert!(!err.contains("9876"), "{err}");
}

#[test]
fn pubkey_config_is_what_create_public_key_reads() {
    let out = cfsign()
        .args([
            "pubkey",
            "--private-key",
            &key_arg("ec_p256_sec1.pem"),
            "--format",
            "config",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let config: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let expected = std::fs::read_to_string(key("ec_p256_public.pem")).unwrap();
    assert_eq!(config["EncodedKey"], expected.as_str());
    let name = config["Name"].as_str().unwrap();
    assert!(name.starts_with("cfsign-"), "{name}");
    assert_eq!(config["CallerReference"], name);
}
