//! Configuration from the environment, as CI jobs use it: `CFSIGN_KEY_PAIR_ID`,
//! `CFSIGN_PRIVATE_KEY_FILE`, `CFSIGN_PRIVATE_KEY` (the PEM text, also damaged by CI
//! secret stores: literal `\n`, CRLF, quotes) and `CFSIGN_PRIVATE_KEY_PASSPHRASE`.
//! Key material and passphrases never appear in any output.

mod common;

use common::{IMAGE_URL, KPID, NOW, PASSPHRASE, cfsign, key, key_arg, stderr, stdout, vector};

/// The vector every run here must reproduce.
fn expected() -> String {
    format!(
        "{}\n",
        vector("rsa-canned-plain-https")["signed_url"]
            .as_str()
            .unwrap()
    )
}

/// `cfsign IMAGE_URL` with the vector's expiry and `--now`, configured by env only.
fn env_run(vars: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = cfsign();
    cmd.args([IMAGE_URL, "--date-less-than", "1767290400", "--now", NOW]);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn pem(name: &str) -> String {
    std::fs::read_to_string(key(name)).unwrap()
}

/// Fails if any base64 body line of the PEM text (or the passphrase) shows in the output.
fn assert_no_secret(out: &std::process::Output, pem: &str) {
    let all = format!("{}{}", stdout(out), stderr(out));
    for line in pem
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("-----"))
    {
        assert!(!all.contains(line), "key material in output: {all}");
    }
    assert!(!all.contains(PASSPHRASE), "passphrase in output: {all}");
}

#[test]
fn key_file_and_id_from_env() {
    let out = env_run(&[
        ("CFSIGN_KEY_PAIR_ID", KPID),
        ("CFSIGN_PRIVATE_KEY_FILE", &key_arg("rsa2048_pkcs1.pem")),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), expected());
    assert_eq!(stderr(&out), "");
}

#[test]
fn options_win_over_env() {
    let out = cfsign()
        .args([IMAGE_URL, "--date-less-than", "1767290400", "--now", NOW])
        .args(["--key-pair-id", KPID])
        .args(["--private-key", &key_arg("rsa2048_pkcs1.pem")])
        .env("CFSIGN_KEY_PAIR_ID", "KOTHER")
        .env("CFSIGN_PRIVATE_KEY_FILE", key_arg("rsa2048_public.pem"))
        .output()
        .unwrap();
    assert_eq!(stdout(&out), expected(), "{}", stderr(&out));
}

#[test]
fn pem_text_in_env_as_is_and_damaged() {
    let lf = pem("rsa2048_pkcs1.pem");
    let crlf = pem("rsa2048_pkcs1_crlf.pem");
    assert!(
        crlf.contains("\r\n"),
        "the CRLF test key has CRLF line ends"
    );
    let literal_n = lf.trim_end().replace('\n', "\\n");
    assert!(!literal_n.contains('\n'));
    let literal_crlf = lf.trim_end().replace('\n', "\\r\\n");
    let quoted = format!("\"{literal_n}\"");
    let mut forms = 0;
    for text in [&lf, &crlf, &literal_n, &literal_crlf, &quoted] {
        let out = env_run(&[("CFSIGN_KEY_PAIR_ID", KPID), ("CFSIGN_PRIVATE_KEY", text)]);
        assert_eq!(out.status.code(), Some(0), "{text:?}: {}", stderr(&out));
        assert_eq!(stdout(&out), expected());
        assert_no_secret(&out, &lf);
        forms += 1;
    }
    assert_eq!(forms, 5);
}

#[test]
fn passphrase_from_env() {
    let name = "rsa2048_pkcs8_encrypted.pem";
    let out = env_run(&[
        ("CFSIGN_KEY_PAIR_ID", KPID),
        ("CFSIGN_PRIVATE_KEY_FILE", &key_arg(name)),
        ("CFSIGN_PRIVATE_KEY_PASSPHRASE", PASSPHRASE),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), expected());
    assert_no_secret(&out, &pem(name));
    // The encrypted PEM text itself in CFSIGN_PRIVATE_KEY works the same way.
    let out = env_run(&[
        ("CFSIGN_KEY_PAIR_ID", KPID),
        ("CFSIGN_PRIVATE_KEY", &pem(name)),
        ("CFSIGN_PRIVATE_KEY_PASSPHRASE", PASSPHRASE),
    ]);
    assert_eq!(stdout(&out), expected(), "{}", stderr(&out));
}

#[test]
fn wrong_passphrase_from_env_is_not_echoed() {
    let out = env_run(&[
        ("CFSIGN_KEY_PAIR_ID", KPID),
        ("CFSIGN_PRIVATE_KEY", &pem("ec_p256_pkcs8_encrypted.pem")),
        ("CFSIGN_PRIVATE_KEY_PASSPHRASE", "wrong-secret-q9"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert!(
        err.contains("CFSIGN_PRIVATE_KEY: could not be decrypted: the passphrase is wrong"),
        "{err}"
    );
    assert!(err.contains("CFSIGN_PRIVATE_KEY_PASSPHRASE"), "{err}");
    assert!(!err.contains("wrong-secret-q9"), "{err}");
    assert_no_secret(&out, &pem("ec_p256_pkcs8_encrypted.pem"));
}

#[test]
fn bad_pem_text_errors_show_no_key_material() {
    let lf = pem("rsa2048_pkcs1.pem");
    let lines: Vec<&str> = lf.lines().collect();
    let mut corrupted = lines.clone();
    corrupted[4] = "!!!!not base64!!!!";
    let missing_line: Vec<&str> = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 4)
        .map(|(_, l)| *l)
        .collect();
    for (text, needle) in [
        (corrupted.join("\n"), "CFSIGN_PRIVATE_KEY: is not valid PEM"),
        (
            missing_line.join("\n"),
            "CFSIGN_PRIVATE_KEY: is not a valid PKCS#1 RSA key",
        ),
        (
            pem("rsa2048_public.pem"),
            "CFSIGN_PRIVATE_KEY: is a public key",
        ),
    ] {
        let out = env_run(&[("CFSIGN_KEY_PAIR_ID", KPID), ("CFSIGN_PRIVATE_KEY", &text)]);
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(stdout(&out), "");
        assert!(stderr(&out).contains(needle), "{}", stderr(&out));
        assert_no_secret(&out, &text);
    }
}

/// Regression: a PEM secret cut short (no END line, a common copy-paste fault) was
/// reported as "has no key block, only EC PARAMETERS".
#[test]
fn truncated_pem_secret_is_reported_as_incomplete() {
    let lf = pem("rsa2048_pkcs1.pem");
    let truncated: String = lf.lines().take(10).collect::<Vec<_>>().join("\n");
    let out = env_run(&[
        ("CFSIGN_KEY_PAIR_ID", KPID),
        ("CFSIGN_PRIVATE_KEY", &truncated),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("CFSIGN_PRIVATE_KEY: has no complete PEM block"),
        "{}",
        stderr(&out)
    );
    assert_no_secret(&out, &truncated);
}

#[test]
fn help_never_shows_env_values() {
    let lf = pem("rsa2048_pkcs1.pem");
    let out = cfsign()
        .arg("--help")
        .env("CFSIGN_PRIVATE_KEY", &lf)
        .env("CFSIGN_PRIVATE_KEY_FILE", "/secret/path/key-7731.pem")
        .env("CFSIGN_PRIVATE_KEY_PASSPHRASE", PASSPHRASE)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("CFSIGN_PRIVATE_KEY_FILE"));
    assert!(!stdout(&out).contains("key-7731"), "{}", stdout(&out));
    assert_no_secret(&out, &lf);
}

#[test]
fn missing_configuration_names_the_variables() {
    let out = cfsign().arg(IMAGE_URL).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("no key pair ID: pass --key-pair-id ID or set CFSIGN_KEY_PAIR_ID"),
        "{}",
        stderr(&out)
    );
    let out = cfsign()
        .arg(IMAGE_URL)
        .env("CFSIGN_KEY_PAIR_ID", KPID)
        .output()
        .unwrap();
    assert!(
        stderr(&out)
            .contains("set CFSIGN_PRIVATE_KEY_FILE (a path) or CFSIGN_PRIVATE_KEY (the PEM text)"),
        "{}",
        stderr(&out)
    );
}

/// Regression: an empty CFSIGN_PRIVATE_KEY_FILE (what CI gives for an unset secret) was
/// a clap error "a value is required for '--private-key'" and hid CFSIGN_PRIVATE_KEY.
#[test]
fn empty_key_file_variable_counts_as_unset() {
    let out = env_run(&[
        ("CFSIGN_KEY_PAIR_ID", KPID),
        ("CFSIGN_PRIVATE_KEY_FILE", ""),
        ("CFSIGN_PRIVATE_KEY", &pem("rsa2048_pkcs1.pem")),
        ("CFSIGN_PRIVATE_KEY_PASSPHRASE", ""),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), expected());
    let blank_id = env_run(&[
        ("CFSIGN_KEY_PAIR_ID", " "),
        ("CFSIGN_PRIVATE_KEY", &pem("rsa2048_pkcs1.pem")),
    ]);
    assert_eq!(blank_id.status.code(), Some(2));
    assert!(
        stderr(&blank_id).contains("no key pair ID"),
        "{}",
        stderr(&blank_id)
    );
}

/// Regression: with both CFSIGN_PRIVATE_KEY_FILE and CFSIGN_PRIVATE_KEY set, the file won
/// silently (an RSA secret was ignored for an EC file); now it is refused as unclear.
#[test]
fn both_key_variables_set_is_refused() {
    let out = env_run(&[
        ("CFSIGN_KEY_PAIR_ID", KPID),
        ("CFSIGN_PRIVATE_KEY_FILE", &key_arg("ec_p256_sec1.pem")),
        ("CFSIGN_PRIVATE_KEY", &pem("rsa2048_pkcs1.pem")),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("both CFSIGN_PRIVATE_KEY_FILE and CFSIGN_PRIVATE_KEY are set"),
        "{}",
        stderr(&out)
    );
    // An explicit --private-key settles it.
    let mut cmd = cfsign();
    cmd.args([IMAGE_URL, "--date-less-than", "1767290400", "--now", NOW])
        .args(["--private-key", &key_arg("rsa2048_pkcs1.pem")])
        .env("CFSIGN_KEY_PAIR_ID", KPID)
        .env("CFSIGN_PRIVATE_KEY_FILE", key_arg("ec_p256_sec1.pem"))
        .env("CFSIGN_PRIVATE_KEY", pem("ec_p256_sec1.pem"));
    let out = cmd.output().unwrap();
    assert_eq!(stdout(&out), expected(), "{}", stderr(&out));
}
