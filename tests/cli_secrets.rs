//! Issue 9.1 and 9.3: key material given where a path, ID, URL or value is expected is
//! never echoed (not by clap, not by cfsign), a passphrase-file value is never shown, and
//! a private key file other users can read gets a warning.

mod common;

use common::{KPID, NOW, cfsign, cfsign_rsa, key, key_arg};

const URL: &str = "https://d111111abcdef8.cloudfront.net/image.jpg";

/// The key forms of the issue: RSA PKCS#1, PKCS#8, encrypted PKCS#8; EC SEC1, PKCS#8.
const FORMS: [&str; 6] = [
    "rsa2048_pkcs1.pem",
    "rsa2048_pkcs8.pem",
    "rsa2048_pkcs8_encrypted.pem",
    "ec_p256_sec1.pem",
    "ec_p256_pkcs8.pem",
    "ec_p256_pkcs8_encrypted.pem",
];

fn pem(name: &str) -> String {
    std::fs::read_to_string(key(name)).unwrap()
}

/// The PEM as given (LF), and the `\n`-escaped one-line form CI secrets often hold.
fn pem_forms(name: &str) -> [String; 2] {
    let text = pem(name);
    let escaped = text.trim_end().replace('\n', "\\n");
    [text, escaped]
}

/// Fails when `stderr` holds PEM armour or any 16-character run of the key's base64 body.
fn assert_no_key_text(stderr: &str, name: &str, case: &str) {
    for armour in ["-----BEGIN", "-----END", "KEY-----"] {
        assert!(
            !stderr.contains(armour),
            "{case} {name}: armour in {stderr}"
        );
    }
    let body: String = pem(name)
        .lines()
        .filter(|l| !l.starts_with("-----") && !l.contains(':'))
        .collect();
    for i in 0..body.len().saturating_sub(16) {
        let run = &body[i..i + 16];
        assert!(
            !stderr.contains(run),
            "{case} {name}: key base64 {run:?} in {stderr}"
        );
    }
}

/// Runs a case: it must fail with exit 2, print nothing on stdout, never echo the key,
/// and say what to do instead.
fn refused(case: &str, name: &str, cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{case} {name}: {stderr}");
    assert!(
        out.stdout.is_empty(),
        "{case} {name}: stdout {:?}",
        out.stdout
    );
    assert_no_key_text(&stderr, name, case);
    assert!(stderr.contains("not shown"), "{case} {name}: {stderr}");
    stderr
}

/// Regression: `--private-key "$(cat key.pem)"` made clap print the whole PEM three times
/// in its "unexpected argument" error; `--private-key="$PEM"` echoed it too.
#[test]
fn pem_as_private_key_value_was_echoed_by_clap() {
    for name in FORMS {
        for text in pem_forms(name) {
            let e = refused(
                "--private-key PEM",
                name,
                cfsign().args([URL, "--key-pair-id", KPID, "--private-key", &text]),
            );
            assert!(e.contains("the value of --private-key"), "{e}");
            assert!(
                e.contains("CFSIGN_PRIVATE_KEY") && e.contains("--private-key -"),
                "{e}"
            );
            let e = refused(
                "--private-key=PEM",
                name,
                cfsign()
                    .args([URL, "--key-pair-id", KPID])
                    .arg(format!("--private-key={text}")),
            );
            assert!(e.contains("the value of --private-key"), "{e}");
        }
    }
}

/// Regression: `CFSIGN_PRIVATE_KEY_FILE="$PEM"` (the two variables mixed up, a likely CI
/// slip) and `CFSIGN_KEY_PAIR_ID="$PEM"` echoed the PEM as a file name or ID.
#[test]
fn pem_in_path_or_id_variables_was_echoed() {
    for name in FORMS {
        for text in pem_forms(name) {
            let e = refused(
                "CFSIGN_PRIVATE_KEY_FILE",
                name,
                cfsign()
                    .args([URL, "--key-pair-id", KPID])
                    .env("CFSIGN_PRIVATE_KEY_FILE", &text),
            );
            assert!(
                e.contains("CFSIGN_PRIVATE_KEY_FILE holds PEM key text"),
                "{e}"
            );
            assert!(e.contains("put the PEM text in CFSIGN_PRIVATE_KEY"), "{e}");
            let e = refused(
                "CFSIGN_KEY_PAIR_ID",
                name,
                cfsign()
                    .args([URL, "--private-key", &key_arg(name)])
                    .env("CFSIGN_KEY_PAIR_ID", &text),
            );
            assert!(e.contains("CFSIGN_KEY_PAIR_ID holds PEM key text"), "{e}");
        }
    }
}

/// Regression: `--public-key`, `--key-pair-id`, `verify --key`, `--ip-address`, `--days`
/// given the PEM echoed it; `--policy-resource` or a URL argument holding a PEM was cut to
/// 100+100 characters, which still held a whole SEC1 EC key.
#[test]
fn pem_as_any_value_or_url_was_echoed() {
    let signed = format!("{URL}?Expires=1767290400&Signature=abc_&Key-Pair-Id={KPID}");
    for name in FORMS {
        for text in pem_forms(name) {
            let sign = || {
                let mut cmd = cfsign();
                cmd.args(["--private-key", &key_arg("rsa2048_pkcs1.pem"), "--now", NOW]);
                cmd
            };
            let cases: Vec<(&str, assert_cmd::Command)> = vec![
                ("--key-pair-id", {
                    let mut c = sign();
                    c.args([URL, "--key-pair-id", &text]);
                    c
                }),
                ("--ip-address", {
                    let mut c = sign();
                    c.args([URL, "--key-pair-id", KPID, "--ip-address", &text]);
                    c
                }),
                ("--days", {
                    let mut c = sign();
                    c.args([URL, "--key-pair-id", KPID, "--days", &text]);
                    c
                }),
                ("--policy-resource", {
                    let mut c = sign();
                    c.args([URL, "--key-pair-id", KPID, "--policy-resource", &text]);
                    c
                }),
                ("a URL argument", {
                    let mut c = sign();
                    c.args(["--key-pair-id", KPID, &text]);
                    c
                }),
                ("cookies RESOURCE", {
                    let mut c = sign();
                    c.args(["cookies", &text, "--key-pair-id", KPID]);
                    c
                }),
                ("verify --public-key", {
                    let mut c = cfsign();
                    c.args(["verify", &signed, "--public-key", &text]);
                    c
                }),
                ("verify --key", {
                    let mut c = cfsign();
                    c.args(["verify", &signed, "--key"])
                        .arg(format!("{KPID}={text}"));
                    c
                }),
                ("verify URL", {
                    let mut c = cfsign();
                    c.args([
                        "verify",
                        &text,
                        "--public-key",
                        &key_arg("rsa2048_public.pem"),
                    ]);
                    c
                }),
                ("inspect URL", {
                    let mut c = cfsign();
                    c.args(["inspect", &text]);
                    c
                }),
            ];
            for (case, mut cmd) in cases {
                refused(case, name, &mut cmd);
            }
        }
    }
}

/// Regression: `cfsign ... < key.pem` printed every base64 line of the key as a bad URL.
/// A standard input holding a PEM block is refused as a whole, without echo.
#[test]
fn pem_on_stdin_was_echoed_line_by_line() {
    for name in FORMS {
        for jobs in ["1", "2"] {
            let e = refused(
                "stdin",
                name,
                cfsign()
                    .args(["--private-key", &key_arg("ec_p256_sec1.pem")])
                    .args(["--key-pair-id", KPID, "--now", NOW, "--jobs", jobs])
                    .write_stdin(format!("{URL}\n{}", pem(name))),
            );
            assert!(e.contains("standard input holds a PEM key block"), "{e}");
            assert!(e.contains("--private-key -"), "{e}");
        }
        for sub in ["verify", "inspect"] {
            let mut cmd = cfsign();
            cmd.args([sub, "-"]).write_stdin(pem(name));
            if sub == "verify" {
                cmd.args(["--public-key", &key_arg("rsa2048_public.pem")]);
            }
            refused(sub, name, &mut cmd);
        }
        // A key file given as the cookies file: a cookie parse error quoted its lines.
        for sub in ["verify", "inspect"] {
            let mut cmd = cfsign();
            cmd.args([sub, "--url", URL, "--cookies-file", &key_arg(name)]);
            if sub == "verify" {
                cmd.args(["--public-key", &key_arg("rsa2048_public.pem")]);
            }
            let e = refused("--cookies-file", name, &mut cmd);
            assert!(
                e.contains("holds PEM key text (not shown), not cookies"),
                "{e}"
            );
        }
        // The body without its armour (`tail -n +2 key.pem`): each line is refused
        // unquoted.
        let body: String = pem(name)
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .map(|l| format!("{l}\n"))
            .collect();
        let out = cfsign()
            .args(["--private-key", &key_arg("ec_p256_sec1.pem")])
            .args(["--key-pair-id", KPID, "--now", NOW])
            .write_stdin(body)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert_no_key_text(&stderr, name, "stdin body");
    }
}

/// Regression: a missing `--passphrase-file` printed its value, where a user may have
/// typed the passphrase itself.
#[test]
fn missing_passphrase_file_printed_its_value() {
    let secret = "correct-horse-battery-staple";
    let out = cfsign()
        .args([URL, "--key-pair-id", KPID, "--now", NOW])
        .args(["--private-key", &key_arg("rsa2048_pkcs8_encrypted.pem")])
        .args(["--passphrase-file", secret])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains(secret), "{stderr}");
    assert!(
        stderr.contains("cannot read the --passphrase-file: no such file"),
        "{stderr}"
    );
    let out = cfsign()
        .args(["keygen", "--passphrase-file", secret])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(!stderr.contains(secret), "{stderr}");
}

/// Regression (9.3): a group- or world-readable private key file was used silently; ssh
/// refuses such keys. cfsign warns once, and still signs.
#[cfg(unix)]
#[test]
fn readable_private_key_file_was_not_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("key.pem");
    std::fs::copy(key("rsa2048_pkcs1.pem"), &path).unwrap();
    for (mode, warned) in [(0o644, true), (0o640, true), (0o600, false), (0o400, false)] {
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        let out = cfsign()
            .args([URL, URL, "--key-pair-id", KPID, "--now", NOW])
            .arg("--private-key")
            .arg(&path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);
        let expected = format!(
            "cfsign: warning: private key {} is accessible by other users (mode {mode:04o}); protect it with `chmod 600 {}`\n",
            path.display(),
            path.display()
        );
        if warned {
            assert_eq!(stderr, expected);
        } else {
            assert_eq!(stderr, "", "mode {mode:o}");
        }
    }
}

/// Regression (fresh review): one line of a key's base64 body, given as a key pair ID, a
/// URL, a path or piped to `verify -`, was quoted whole in the error (only armour or a
/// whole body starting with `M` was recognised).
#[test]
fn one_line_of_a_key_body_was_echoed() {
    for name in ["rsa2048_pkcs1.pem", "ec_p256_sec1.pem"] {
        let text = pem(name);
        let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with("-----")).collect();
        // A full 64-character line from the middle of the body.
        let line = lines[lines.len() / 2];
        for value in [line.to_string(), format!("\"{line}\""), format!("{line},")] {
            refused(
                "--key-pair-id LINE",
                name,
                cfsign_rsa()
                    .arg("https://d111111abcdef8.cloudfront.net/a.jpg")
                    .args(["--key-pair-id", &value]),
            );
            refused("URL argument LINE", name, cfsign_rsa().arg(&value));
            refused(
                "CFSIGN_PRIVATE_KEY_FILE=LINE",
                name,
                cfsign()
                    .arg("https://d111111abcdef8.cloudfront.net/a.jpg")
                    .env("CFSIGN_PRIVATE_KEY_FILE", &value)
                    .env("CFSIGN_KEY_PAIR_ID", KPID),
            );
            let out = cfsign()
                .args([
                    "verify",
                    "-",
                    "--public-key",
                    &key_arg("rsa2048_public.pem"),
                ])
                .args(["--key-pair-id", KPID])
                .write_stdin(format!("{value}\n"))
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_ne!(out.status.code(), Some(0), "verify - {name}: {stderr}");
            assert_no_key_text(&stderr, name, "verify - LINE");
            let out = cfsign_rsa()
                .write_stdin(format!("{value}\n"))
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "stdin batch {name}: {stderr}");
            assert_no_key_text(&stderr, name, "stdin batch LINE");
            assert_no_key_text(&String::from_utf8_lossy(&out.stdout), name, "stdout");
        }
    }
    // A legacy CloudFront key pair ID (20 upper-case characters) is still an ID.
    cfsign()
        .arg("https://d111111abcdef8.cloudfront.net/a.jpg")
        .args(["--private-key", &key_arg("rsa2048_pkcs1.pem")])
        .args(["--key-pair-id", "APKAEIBAERJR2EXAMPLE", "--now", NOW])
        .assert()
        .success();
}

/// Regression (fresh review): a PKCS#11 PIN was printed when the URI's scheme or the
/// attribute name was upper case, or the URI sat behind `file://` or another option.
#[test]
fn pkcs11_pin_in_an_unexpected_form_was_printed() {
    for value in [
        "PKCS11:token=x?pin-value=SECRET1234",
        "Pkcs11:token=x?pin-value=SECRET1234",
        "pkcs11:token=x?PIN-VALUE=SECRET1234",
        "file://pkcs11:token=x?pin-value=SECRET1234",
    ] {
        let out = cfsign()
            .arg("https://d111111abcdef8.cloudfront.net/a.jpg")
            .args(["--private-key", value, "--key-pair-id", KPID])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "{value}: {stderr}");
        assert!(out.stdout.is_empty(), "{value}");
        assert!(!stderr.contains("SECRET1234"), "{value}: {stderr}");
        assert!(stderr.contains("***"), "{value}: {stderr}");
    }
    let out = cfsign()
        .args(["verify", "https://d111111abcdef8.cloudfront.net/a.jpg"])
        .args(["--public-key", "pkcs11:token=x?pin-value=SECRET1234"])
        .args(["--key-pair-id", KPID])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("SECRET1234"), "verify: {stderr}");
}
