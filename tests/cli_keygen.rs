//! `cfsign keygen` as a user runs it: keys that cfsign and openssl load, mode 0600, no
//! overwriting, and a key pair that signs URLs `cfsign verify` accepts.

use std::path::Path;

mod common;

use assert_cmd::Command;

/// `cfsign` from the shared harness: no `CFSIGN_*` variables, empty standard input.
fn cfsign() -> Command {
    common::cfsign()
}

fn openssl_available() -> bool {
    std::process::Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn openssl_loads(args: &[&str]) {
    if !openssl_available() {
        eprintln!("openssl not installed: skipping the openssl check");
        return;
    }
    let out = std::process::Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn mode(path: &Path) -> u32 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).expect("meta").permissions().mode() & 0o777
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        0o600
    }
}

/// Generates a key pair, then signs a URL with it and verifies it with the public key.
/// `key_type` `None` uses the default type.
fn round_trip(key_type: Option<&str>, extra: &[&str], passphrase_file: Option<&Path>) {
    let dir = tempfile::tempdir().expect("tmp");
    let out_dir = dir.path().join("new/keys");
    let type_args = key_type.map(|t| vec!["--type", t]).unwrap_or_default();
    let out = cfsign()
        .arg("keygen")
        .args(&type_args)
        .arg("--out-dir")
        .arg(&out_dir)
        .args(extra)
        .output()
        .expect("keygen");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Next steps:"), "{stdout}");
    assert!(stdout.contains("Trusted key groups"), "{stdout}");
    assert!(
        !stdout.contains("BEGIN"),
        "no key material is printed: {stdout}"
    );
    let want_type = if key_type == Some("ecdsa") {
        "ECDSA-P256"
    } else {
        "RSA-2048"
    };
    assert!(stdout.contains(&format!("({want_type}, ")), "{stdout}");
    let private = out_dir.join("private_key.pem");
    let public = out_dir.join("public_key.pem");
    assert_eq!(mode(&private), 0o600);
    let text = std::fs::read_to_string(&private).expect("private");
    let public_text = std::fs::read_to_string(&public).expect("public");
    assert!(public_text.starts_with("-----BEGIN PUBLIC KEY-----\n"));
    let private_s = private.display().to_string();
    let public_s = public.display().to_string();
    match passphrase_file {
        None => {
            assert!(text.starts_with("-----BEGIN PRIVATE KEY-----\n"));
            openssl_loads(&["pkey", "-in", &private_s, "-noout"]);
        }
        Some(pf) => {
            assert!(text.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
            let pass = format!("file:{}", pf.display());
            openssl_loads(&["pkey", "-in", &private_s, "-passin", &pass, "-noout"]);
        }
    }
    openssl_loads(&["pkey", "-pubin", "-in", &public_s, "-noout"]);
    let mut sign = cfsign();
    sign.args([
        "https://d111111abcdef8.cloudfront.net/a.jpg",
        "--private-key",
        &private_s,
    ])
    .args([
        "--key-pair-id",
        "KNEWKEY0000001",
        "--now",
        "1767200000",
        "--days",
        "1",
    ]);
    if let Some(pf) = passphrase_file {
        sign.arg("--passphrase-file").arg(pf);
    }
    let out = sign.output().expect("sign");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let url = String::from_utf8(out.stdout).expect("utf8");
    cfsign()
        .args(["verify", url.trim(), "--public-key", &public_s])
        .args(["--key-pair-id", "KNEWKEY0000001", "--at", "1767200100"])
        .assert()
        .code(0)
        .stdout(predicates::str::starts_with(
            "OK: CloudFront would serve this request\n",
        ));
}

#[test]
fn ecdsa_key_pair_loads_and_signs() {
    round_trip(Some("ecdsa"), &[], None);
}

#[test]
fn rsa_key_pair_is_the_default_and_loads_and_signs() {
    round_trip(None, &[], None);
}

#[test]
fn encrypted_key_loads_with_its_passphrase() {
    let dir = tempfile::tempdir().expect("tmp");
    let pf = dir.path().join("pass.txt");
    std::fs::write(&pf, "correct horse battery\n").expect("write");
    let pf_s = pf.display().to_string();
    round_trip(
        Some("ecdsa"),
        &["--encrypt", "--passphrase-file", &pf_s],
        Some(&pf),
    );
}

#[test]
fn refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().expect("tmp");
    let private = dir.path().join("private_key.pem");
    std::fs::write(&private, "precious").expect("write");
    let out = cfsign()
        .args(["keygen", "--type", "ecdsa", "--out-dir"])
        .arg(dir.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("private_key.pem already exists; pass --force to replace it"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&private).expect("read"), "precious");
    assert!(!dir.path().join("public_key.pem").exists());
    cfsign()
        .args(["keygen", "--type", "ecdsa", "--force", "--out-dir"])
        .arg(dir.path())
        .assert()
        .code(0);
    let text = std::fs::read_to_string(&private).expect("read");
    assert!(text.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    assert_eq!(mode(&private), 0o600);
}

#[test]
fn encrypt_without_a_passphrase_source_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = cfsign()
        .args(["keygen", "--type", "ecdsa", "--encrypt", "--out-dir"])
        .arg(dir.path())
        .env_remove("CFSIGN_PRIVATE_KEY_PASSPHRASE")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--encrypt needs a passphrase"));
    assert!(!dir.path().join("private_key.pem").exists());
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

// Broke: `keygen --force` with a directory where public_key.pem goes replaced the private
// key first and left a `.tmp` file: the old pair was broken and no new pair written.
#[test]
fn keygen_force_replaced_the_private_key_when_the_public_key_failed() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = cfsign()
        .args(["keygen", "--type", "ecdsa", "--out-dir"])
        .arg(dir.path())
        .output()
        .expect("run");
    assert!(out.status.success());
    let private = dir.path().join("private_key.pem");
    let before = std::fs::read(&private).expect("private key");
    std::fs::remove_file(dir.path().join("public_key.pem")).expect("rm");
    std::fs::create_dir(dir.path().join("public_key.pem")).expect("mkdir");
    for force in [true, false] {
        let mut cmd = cfsign();
        cmd.args(["keygen", "--type", "ecdsa", "--out-dir"])
            .arg(dir.path());
        if force {
            cmd.arg("--force");
        }
        let out = cmd.output().expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        if force {
            assert!(
                stderr.contains("public_key.pem exists and is not a regular file"),
                "{stderr}"
            );
        }
        assert!(stderr.contains("nothing was written"), "{stderr}");
        assert_eq!(std::fs::read(&private).expect("private key"), before);
        assert_eq!(
            names(dir.path()),
            [
                "private_key.pem",
                "public_key.pem",
                "public_key_config.json"
            ]
        );
    }
    // Without the directory in the way, --force replaces both and leaves nothing else.
    std::fs::remove_dir(dir.path().join("public_key.pem")).expect("rmdir");
    let out = cfsign()
        .args(["keygen", "--type", "ecdsa", "--force", "--out-dir"])
        .arg(dir.path())
        .output()
        .expect("run");
    assert!(out.status.success());
    assert_ne!(std::fs::read(&private).expect("private key"), before);
    assert_eq!(
        names(dir.path()),
        [
            "private_key.pem",
            "public_key.pem",
            "public_key_config.json"
        ]
    );
    assert_eq!(mode(&private), 0o600);
}

/// Regression: keygen's next steps pointed at a `config.json` they never showed; keygen
/// now writes `public_key_config.json` (the `--public-key-config` of `aws cloudfront
/// create-public-key`) and prints commands that use it, with the key type advice.
#[test]
fn next_steps_pointed_at_a_config_json_that_was_never_written() {
    let dir = tempfile::tempdir().expect("tmp");
    for (key_type, advice) in [
        ("rsa", "openssl pkey -in"),
        (
            "ecdsa",
            "reads only PKCS#1 RSA keys, so it cannot sign with this one",
        ),
    ] {
        let out_dir = dir.path().join(key_type);
        let out = cfsign()
            .args(["keygen", "--type", key_type, "--out-dir"])
            .arg(&out_dir)
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        let config_path = out_dir.join("public_key_config.json");
        let config: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&config_path).expect("config"))
                .expect("JSON");
        let public = std::fs::read_to_string(out_dir.join("public_key.pem")).expect("pem");
        assert_eq!(config["EncodedKey"], public.as_str());
        let name = config["Name"].as_str().expect("Name");
        assert_eq!(config["CallerReference"], name);
        let digits: Vec<&str> = name
            .strip_prefix("cfsign-")
            .expect(name)
            .split('-')
            .collect();
        assert!(
            digits.len() == 2
                && digits[0].len() == 8
                && digits[1].len() == 6
                && digits.iter().all(|d| d.bytes().all(|b| b.is_ascii_digit())),
            "{name}"
        );
        assert!(
            stdout.contains(&format!(
                "KEY_ID=$(aws cloudfront create-public-key --public-key-config file://{} --query PublicKey.Id --output text)",
                config_path.display()
            )),
            "{stdout}"
        );
        assert!(
            stdout.contains("ECDSA P-256 (--type ecdsa) signs faster"),
            "{stdout}"
        );
        assert!(stdout.contains(advice), "{stdout}");
        assert!(!stdout.contains("BEGIN"), "{stdout}");
    }
    // An existing config file stops keygen before anything is written.
    let fresh = dir.path().join("fresh");
    std::fs::create_dir(&fresh).unwrap();
    std::fs::write(fresh.join("public_key_config.json"), "{}").unwrap();
    let out = cfsign()
        .args(["keygen", "--out-dir"])
        .arg(&fresh)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("public_key_config.json already exists"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!fresh.join("private_key.pem").exists());
    assert_eq!(
        std::fs::read_to_string(fresh.join("public_key_config.json")).unwrap(),
        "{}"
    );
}
