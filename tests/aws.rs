//! Keys in AWS (feature `aws`) against a real local AWS: `moto_server` started here on
//! 127.0.0.1 (a free port), with dummy credentials and `AWS_ENDPOINT_URL`. KMS keys
//! (RSA_2048, ECC_NIST_P256), a Secrets Manager secret and SecureString parameters are
//! created by `tests/support/moto_fixtures.py` (boto3); every URL is checked with
//! `openssl dgst -sha256 -verify` against the key's public key from `GetPublicKey` and
//! with `cfsign verify`. A server that does not start is a failure, never a skip.
#![cfg(feature = "aws")]

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::moto::MotoServer;
use common::{
    EXPIRES, IMAGE_URL, NOW, assert_refused, key, key_arg, openssl_verifies, param,
    rebuilt_canned_policy, signature_of, stderr, stdout,
};

/// The shared `moto_server` (tests/common/moto.rs) with the fixtures created.
struct Moto {
    server: MotoServer,
    fixtures: serde_json::Value,
}

impl Moto {
    fn start() -> Moto {
        let mut moto = Moto {
            server: MotoServer::start(),
            fixtures: serde_json::Value::Null,
        };
        let out = moto
            .env(&mut Command::new("python3"))
            .arg(common::repo("tests/support/moto_fixtures.py"))
            .arg(moto.server.dir())
            .arg(key("rsa2048_pkcs1.pem"))
            .arg(key("ec_p256_sec1.pem"))
            .output()
            .expect("python3 runs");
        assert!(
            out.status.success(),
            "creating the fixtures failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        moto.fixtures = serde_json::from_slice(&out.stdout).expect("fixtures JSON");
        moto
    }

    /// The AWS environment of the tests: this server, dummy credentials, no profile
    /// files, no instance metadata (only loopback is ever contacted).
    fn env<'a>(&self, cmd: &'a mut Command) -> &'a mut Command {
        for (k, v) in self.vars() {
            cmd.env(k, v);
        }
        cmd.env_remove("AWS_PROFILE")
            .env_remove("AWS_SESSION_TOKEN")
    }

    fn vars(&self) -> Vec<(&'static str, String)> {
        let none = self.server.dir().join("no-such-file").display().to_string();
        vec![
            ("AWS_ENDPOINT_URL", self.server.endpoint()),
            ("AWS_ACCESS_KEY_ID", "testing".into()),
            ("AWS_SECRET_ACCESS_KEY", "testing".into()),
            ("AWS_REGION", "us-east-1".into()),
            ("AWS_DEFAULT_REGION", "us-east-1".into()),
            ("AWS_EC2_METADATA_DISABLED", "true".into()),
            ("AWS_CONFIG_FILE", none.clone()),
            ("AWS_SHARED_CREDENTIALS_FILE", none),
        ]
    }

    /// `cfsign` in this AWS environment.
    fn cfsign(&self) -> assert_cmd::Command {
        let mut cmd = common::cfsign();
        for (k, v) in self.vars() {
            cmd.env(k, v);
        }
        cmd.env_remove("AWS_PROFILE")
            .env_remove("AWS_SESSION_TOKEN");
        cmd
    }

    /// The public key KMS `GetPublicKey` gave for an alias (`cf-rsa`), as a PEM file.
    fn public_key(&self, alias: &str) -> PathBuf {
        self.server.dir().join(format!("{alias}.pub.pem"))
    }

    fn key_id(&self, alias: &str) -> String {
        self.fixtures[alias].as_str().expect("key id").to_string()
    }
}

/// Signs `url` with `--private-key SOURCE` and returns the signed URL.
fn sign(moto: &Moto, source: &str, url: &str, extra: &[&str]) -> String {
    common::sign_with_source(moto.cfsign(), url, source, extra)
}

/// `cfsign verify` with the public key accepts the URL.
fn cfsign_verifies(url: &str, public_key: &std::path::Path) {
    let out = common::cfsign()
        .args([
            "verify",
            url,
            "--public-key",
            &public_key.display().to_string(),
        ])
        .args(["--now", NOW])
        .output()
        .expect("cfsign verify runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "cfsign verify refused {url}: {}{}",
        stdout(&out),
        stderr(&out)
    );
}

#[test]
fn kms_rsa_and_ecdsa_keys_sign_urls_that_openssl_and_verify_accept() {
    let moto = Moto::start();
    for alias in ["cf-rsa", "cf-ec"] {
        let id = moto.key_id(alias);
        let arn = format!("arn:aws:kms:us-east-1:123456789012:key/{id}");
        let public = moto.public_key(alias);
        for source in [
            format!("kms:alias/{alias}"),
            format!("kms:{id}"),
            format!("kms:{arn}"),
        ] {
            let url = sign(&moto, &source, IMAGE_URL, &[]);
            // SHA-256 is chosen automatically (KMS has no SHA-1) and signalled [R15].
            assert!(
                url.ends_with("&Key-Pair-Id=K2JCJMDEHXQW5F&Hash-Algorithm=SHA256"),
                "{url}"
            );
            assert_eq!(param(&url, "Expires"), Some("1767290400"));
            let policy = rebuilt_canned_policy(&url);
            assert!(
                openssl_verifies(&public, "sha256", policy.as_bytes(), &signature_of(&url)),
                "{source}: openssl rejects {url}"
            );
            cfsign_verifies(&url, &public);
        }
        // A custom policy (wildcard resource, IP range) from the same key.
        let url = sign(
            &moto,
            &format!("kms:alias/{alias}"),
            "https://d111111abcdef8.cloudfront.net/videos/a.mp4",
            &[
                "--policy-resource",
                "https://d111111abcdef8.cloudfront.net/videos/*",
                "--ip-address",
                "192.0.2.0/24",
            ],
        );
        assert!(param(&url, "Policy").is_some(), "{url}");
        let policy = cfsign::encoding::decode("Policy", param(&url, "Policy").unwrap()).unwrap();
        assert!(openssl_verifies(
            &public,
            "sha256",
            &policy,
            &signature_of(&url)
        ));
    }
}

#[test]
fn kms_keys_sign_cookies_and_print_their_public_key() {
    let moto = Moto::start();
    for alias in ["cf-rsa", "cf-ec"] {
        let source = format!("kms:alias/{alias}");
        // pubkey: the PEM CloudFront's create-public-key takes, the key GetPublicKey gave.
        let out = moto
            .cfsign()
            .args(["pubkey", "--private-key", &source])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let expected = std::fs::read_to_string(moto.public_key(alias)).unwrap();
        assert_eq!(stdout(&out), expected);

        let out = moto
            .cfsign()
            .args(["cookies", "https://d111111abcdef8.cloudfront.net/videos/*"])
            .args(["--private-key", &source, "--key-pair-id", "K2JCJMDEHXQW5F"])
            .args(["--now", NOW, "--date-less-than", &EXPIRES.to_string()])
            .args(["--format", "header"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let header = stdout(&out);
        assert!(
            header.contains("CloudFront-Hash-Algorithm=SHA256"),
            "{header}"
        );
        let verify = common::cfsign()
            .args([
                "verify",
                "--url",
                "https://d111111abcdef8.cloudfront.net/videos/a.mp4",
            ])
            .args(["--cookie-header", header.trim_end()])
            .args([
                "--public-key",
                &moto.public_key(alias).display().to_string(),
            ])
            .args(["--now", NOW])
            .output()
            .unwrap();
        assert_eq!(
            verify.status.code(),
            Some(0),
            "{}{}",
            stdout(&verify),
            stderr(&verify)
        );
    }
}

/// moto hashes a DIGEST message again (a known moto bug), so `auto` falls back to RAW
/// after checking the first signature; `raw` signs RAW from the start; `digest` is caught
/// by the local verification instead of producing URLs CloudFront would refuse.
#[test]
fn kms_message_types_raw_digest_and_auto_fallback() {
    let moto = Moto::start();
    let public = moto.public_key("cf-rsa");
    let mut lines = String::new();
    for i in 0..20 {
        lines.push_str(&format!("https://d111111abcdef8.cloudfront.net/f{i}.jpg\n"));
    }
    for message_type in ["raw", "auto"] {
        let out = moto
            .cfsign()
            .env("CFSIGN_KMS_MESSAGE_TYPE", message_type)
            .args([
                "--private-key",
                "kms:alias/cf-rsa",
                "--key-pair-id",
                "K2JCJMDEHXQW5F",
            ])
            .args(["--now", NOW, "--date-less-than", &EXPIRES.to_string()])
            .write_stdin(lines.clone())
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{message_type}: {}",
            stderr(&out)
        );
        let text = stdout(&out);
        let urls: Vec<&str> = text.lines().collect();
        assert_eq!(urls.len(), 20);
        for (i, url) in urls.iter().enumerate() {
            // Output keeps the input order.
            assert!(url.starts_with(&format!("https://d111111abcdef8.cloudfront.net/f{i}.jpg?")));
            let policy = rebuilt_canned_policy(url);
            assert!(openssl_verifies(
                &public,
                "sha256",
                policy.as_bytes(),
                &signature_of(url)
            ));
        }
    }
    let mut cmd = moto.cfsign();
    cmd.env("CFSIGN_KMS_MESSAGE_TYPE", "digest")
        .args([
            IMAGE_URL,
            "--private-key",
            "kms:alias/cf-rsa",
            "--key-pair-id",
            "K1",
        ])
        .args(["--now", NOW]);
    let out = cmd.output().unwrap();
    let err = stderr(&out);
    assert_ne!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "");
    assert!(
        err.contains(
            "kms:alias/cf-rsa: KMS returned a signature (DIGEST message) that does not verify"
        ),
        "{err}"
    );
    assert!(
        err.contains("hint: if this endpoint hashes DIGEST input again"),
        "{err}"
    );
}

#[test]
fn kms_refusals_name_the_key_and_the_fix() {
    let moto = Moto::start();
    let run = |source: &str, extra: &[&str], needle: &str| {
        let mut cmd = moto.cfsign();
        cmd.args([
            IMAGE_URL,
            "--private-key",
            source,
            "--key-pair-id",
            "K1",
            "--now",
            NOW,
        ])
        .args(extra);
        assert_refused(&mut cmd, 2, needle)
    };
    let err = run(
        "kms:alias/cf-rsa",
        &["--hash-algorithm", "sha1"],
        "AWS KMS has no SHA-1",
    );
    assert!(
        err.starts_with("cfsign: error: --hash-algorithm sha1: "),
        "{err}"
    );
    let err = run(
        "kms:alias/cf-rsa4096",
        &[],
        "kms:alias/cf-rsa4096: is a RSA_4096 key",
    );
    assert!(err.contains("hint: use an asymmetric signing key CloudFront accepts: aws kms create-key --key-spec RSA_2048 --key-usage SIGN_VERIFY"), "{err}");
    run(
        "kms:alias/cf-encrypt",
        &[],
        "has key usage ENCRYPT_DECRYPT, not SIGN_VERIFY",
    );
    let err = run(
        "kms:alias/no-such-key",
        &[],
        "kms:alias/no-such-key: not found",
    );
    assert!(
        err.contains("hint: check the name, ARN or alias, and the region"),
        "{err}"
    );
    run("kms:", &[], "kms:: names no key");

    // No credentials at all (and no instance metadata to ask).
    let mut cmd = moto.cfsign();
    cmd.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .args([
            IMAGE_URL,
            "--private-key",
            "kms:alias/cf-rsa",
            "--key-pair-id",
            "K1",
        ]);
    let err = assert_refused(
        &mut cmd,
        2,
        "kms:alias/cf-rsa: no AWS credentials for kms:GetPublicKey",
    );
    assert!(err.contains("hint: give AWS credentials as usual"), "{err}");
    assert!(!err.contains("testing"), "{err}");

    let mut cmd = moto.cfsign();
    cmd.env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .args([
            IMAGE_URL,
            "--private-key",
            "kms:alias/cf-rsa",
            "--key-pair-id",
            "K1",
        ]);
    assert_refused(&mut cmd, 2, "kms:alias/cf-rsa: no AWS region is configured");
}

#[test]
fn secrets_manager_and_ssm_keys_sign_like_the_pem_file() {
    let moto = Moto::start();
    // RSA-SHA1 is deterministic: the secret's key signs byte-identical URLs to the file's.
    let local = common::cfsign()
        .args([IMAGE_URL, "--private-key", &key_arg("rsa2048_pkcs1.pem")])
        .args(["--key-pair-id", "K2JCJMDEHXQW5F", "--now", NOW])
        .args(["--date-less-than", &EXPIRES.to_string()])
        .output()
        .unwrap();
    let local = stdout(&local).trim_end().to_string();
    assert!(local.contains("&Signature="), "{local}");
    for source in ["secretsmanager:cf/pem", "secretsmanager:cf/pem-b64"] {
        assert_eq!(sign(&moto, source, IMAGE_URL, &[]), local, "{source}");
    }
    // The same through CFSIGN_PRIVATE_KEY_FILE.
    let out = moto
        .cfsign()
        .env("CFSIGN_PRIVATE_KEY_FILE", "secretsmanager:cf/pem")
        .args([IMAGE_URL, "--key-pair-id", "K2JCJMDEHXQW5F", "--now", NOW])
        .args(["--date-less-than", &EXPIRES.to_string()])
        .output()
        .unwrap();
    assert_eq!(stdout(&out).trim_end(), local, "{}", stderr(&out));
    // The EC key from SecureString parameters (plain and base64-wrapped).
    for source in ["ssm:/cf/pem", "ssm:/cf/pem-b64"] {
        let url = sign(&moto, source, IMAGE_URL, &[]);
        let public = key("ec_p256_public.pem");
        let policy = rebuilt_canned_policy(&url);
        assert!(
            openssl_verifies(&public, "sha256", policy.as_bytes(), &signature_of(&url)),
            "{source}"
        );
        cfsign_verifies(&url, &public);
    }
    let mut cmd = moto.cfsign();
    cmd.args([
        IMAGE_URL,
        "--private-key",
        "secretsmanager:cf/missing",
        "--key-pair-id",
        "K1",
    ]);
    assert_refused(&mut cmd, 2, "secretsmanager:cf/missing: not found");
    let mut cmd = moto.cfsign();
    cmd.args([
        IMAGE_URL,
        "--private-key",
        "ssm:/cf/missing",
        "--key-pair-id",
        "K1",
    ]);
    assert_refused(&mut cmd, 2, "ssm:/cf/missing: not found");
}
