//! The fresh review's nits (issue 9 follow-up): option limits that were silent, errors
//! that named the wrong thing, passphrase sources that disagreed, lost `--help` output,
//! and values echoed that may be secrets. One regression test per nit, named after it.

mod common;

use std::process::Command;

use common::{
    IMAGE_URL, KPID, NOW, PASSPHRASE, bin, cfsign, cfsign_rsa, key_arg, run, stderr, stdout,
};

const ENCRYPTED: &str = "rsa2048_pkcs8_encrypted.pem";

/// `cfsign` with the encrypted RSA test key, the test key pair ID and `--now`.
fn with_encrypted_key() -> assert_cmd::Command {
    let mut cmd = cfsign();
    cmd.args([
        "--private-key",
        &key_arg(ENCRYPTED),
        "--key-pair-id",
        KPID,
        "--now",
        NOW,
    ]);
    cmd
}

/// Review nit 8: `--jobs 1000` was capped to 256 without a word, though README says "at
/// most 256" and the range error said `1..=65535`.
#[test]
fn jobs_above_256_were_capped_silently() {
    let (code, out, err) = run(cfsign_rsa()
        .args(["--jobs", "1000"])
        .write_stdin(format!("{IMAGE_URL}\n{IMAGE_URL}?v=2\n")));
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 2);
    assert_eq!(
        err,
        "cfsign: warning: --jobs 1000: cfsign starts at most 256 worker threads; using 256\n"
    );
    for bad in ["0", "x"] {
        let (code, out, err) = run(cfsign_rsa().args(["--jobs", bad, IMAGE_URL]));
        assert_eq!((code, out.as_str()), (2, ""), "{bad}");
        assert!(
            err.contains("1 or more (at most 256 threads are started)"),
            "{bad}: {err}"
        );
    }
}

/// Second review: `--jobs 100000` warned `--jobs 65535: ...`, a count the user never gave
/// (the option was read into 16 bits).
#[test]
fn jobs_warning_named_a_count_the_user_did_not_give() {
    let (code, out, err) = run(cfsign_rsa()
        .args(["--jobs", "100000"])
        .write_stdin(format!("{IMAGE_URL}\n")));
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 1);
    assert_eq!(
        err,
        "cfsign: warning: --jobs 100000: cfsign starts at most 256 worker threads; using 256\n"
    );
}

/// Second review: `--days 18446744073709551615` was called "not a whole number of days";
/// it is one, too large for any expiry.
#[test]
fn days_beyond_64_bits_was_called_not_a_whole_number() {
    let mut cmd = cfsign();
    cmd.args([
        "--private-key",
        &key_arg("rsa2048_pkcs1.pem"),
        "--key-pair-id",
        KPID,
        "--now",
        NOW,
        "--days",
        "18446744073709551615",
        IMAGE_URL,
    ]);
    let (code, out, err) = run(&mut cmd);
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(
        err.starts_with("cfsign: error: --days 18446744073709551615 is too large: the expiry would be after 9999-12-31T23:59:59Z"),
        "{err}"
    );
}

/// Review nit 9: an expiry from `--days` or `--expires-in` past year 9999 was reported as
/// `time "8640000001796381311" is after 9999-12-31T23:59:59Z`, naming no option.
#[test]
fn days_overflow_did_not_name_the_option() {
    for (args, needle) in [
        (
            vec!["--days", "99999999999999", "--now", NOW],
            "--days 99999999999999 is too large",
        ),
        (
            vec!["--days", "3000000", "--now", NOW],
            "--days 3000000 is too large",
        ),
        (
            vec!["--expires-in", "1h", "--now", "253402297200"],
            "--expires-in 1h is too large",
        ),
    ] {
        let mut cmd = cfsign();
        cmd.args([
            "--private-key",
            &key_arg("rsa2048_pkcs1.pem"),
            "--key-pair-id",
            KPID,
        ]);
        let err = common::assert_refused(cmd.arg(IMAGE_URL).args(&args), 2, needle);
        assert!(
            err.contains("the expiry would be after 9999-12-31T23:59:59Z (253402300799)"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("time \""), "{args:?}: {err}");
    }
}

/// Review nit 10: `--passphrase-file -` said "no such file", though `-` is standard input
/// wherever an option takes it.
#[test]
fn passphrase_file_dash_was_not_taken() {
    let signed = |out: &str| out.lines().all(|l| l.contains("&Signature="));
    // The URL as an argument: standard input holds only the passphrase.
    let (code, out, err) = run(with_encrypted_key()
        .args([IMAGE_URL, "--passphrase-file", "-"])
        .write_stdin(format!("{PASSPHRASE}\n")));
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(signed(&out) && out.lines().count() == 1, "{out}");
    // URLs on standard input: they start at its second line.
    let (code, out, err) = run(with_encrypted_key()
        .args(["--passphrase-file", "-"])
        .write_stdin(format!("{PASSPHRASE}\n{IMAGE_URL}\n{IMAGE_URL}?v=2\n")));
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(signed(&out) && out.lines().count() == 2, "{out}");
    // The key on standard input too: refused, as one stream cannot carry both.
    let key = std::fs::read_to_string(common::key(ENCRYPTED)).unwrap();
    let err = common::assert_refused(
        cfsign()
            .args([
                "--private-key",
                "-",
                "--passphrase-file",
                "-",
                "--key-pair-id",
                KPID,
                IMAGE_URL,
            ])
            .write_stdin(key),
        2,
        "--passphrase-file - and --private-key - both read standard input",
    );
    assert!(!err.contains(PASSPHRASE), "{err}");
}

/// Review nit 11: a passphrase file had its line end stripped, but the same passphrase in
/// `CFSIGN_PRIVATE_KEY_PASSPHRASE` with a trailing newline was "wrong"; a file starting
/// with a UTF-8 byte-order mark (Notepad) was "wrong" too.
#[test]
fn passphrase_line_end_and_bom_differed_by_source() {
    for value in [
        format!("{PASSPHRASE}\n"),
        format!("{PASSPHRASE}\r\n"),
        format!("\u{feff}{PASSPHRASE}"),
    ] {
        let (code, out, err) = run(with_encrypted_key()
            .arg(IMAGE_URL)
            .env("CFSIGN_PRIVATE_KEY_PASSPHRASE", &value));
        assert_eq!((code, err.as_str()), (0, ""), "{value:?}");
        assert_eq!(out.lines().count(), 1);
    }
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [
        ("bom-lf", format!("\u{feff}{PASSPHRASE}\n")),
        ("bom-crlf", format!("\u{feff}{PASSPHRASE}\r\n")),
        ("cr", format!("{PASSPHRASE}\r")),
    ] {
        let file = dir.path().join(name);
        std::fs::write(&file, bytes).unwrap();
        let (code, _, err) = run(with_encrypted_key()
            .arg(IMAGE_URL)
            .arg("--passphrase-file")
            .arg(&file));
        assert_eq!((code, err.as_str()), (0, ""), "{name}");
    }
    // Only one line end goes: a second one stays part of the passphrase.
    let (code, _, err) = run(with_encrypted_key()
        .arg(IMAGE_URL)
        .env("CFSIGN_PRIVATE_KEY_PASSPHRASE", format!("{PASSPHRASE}\n\n")));
    assert_eq!(code, 2, "{err}");
}

/// Review nit 12: `cookies --cookie-domain cloudfront.net` exited 2 but
/// `--cookie-domain example.com` (not covering the resource's host) exited 1; both are
/// option errors.
#[test]
fn cookie_domain_exit_code_depended_on_the_reason() {
    for (domain, needle) in [
        ("example.com", "does not cover the resource's host"),
        ("cloudfront.net", "cloudfront.net"),
        ("com", "is a top-level domain"),
    ] {
        common::assert_refused(
            cfsign()
                .args(["cookies", "https://d111111abcdef8.cloudfront.net/v/*"])
                .args(["--cookie-domain", domain, "--key-pair-id", KPID])
                .args(["--private-key", &key_arg("rsa2048_pkcs1.pem")]),
            2,
            needle,
        );
    }
}

/// Review nit 19: `cfsign --help >&-` and `--version >&-` exited 0 with the output lost,
/// while every other command refuses a closed standard output with exit 2.
#[test]
fn help_and_version_to_a_closed_stdout_exited_0() {
    for args in ["--help", "--version", "sign --help", "-V"] {
        let out = Command::new("sh")
            .args(["-c", &format!("exec '{}' {args} >&-", bin())])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args}");
        assert_eq!(
            stderr(&out),
            "cfsign: error: standard output is closed (>&-), so the output would be lost; redirect it to a file, or to /dev/null to discard it\n",
            "{args}"
        );
    }
    // An open standard output still gets the help, exit 0.
    let out = cfsign().arg("--version").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("cfsign "));
}

/// Review nit 21: `--ip-address 0.0.0.0/0` (every address) was signed without a warning,
/// while a match-everything resource gets one; `1.2.3.4/0` got only "bits set past the
/// prefix".
#[test]
fn match_everything_ip_range_got_no_warning() {
    for ip in ["0.0.0.0/0", "1.2.3.4/0", "203.0.113.9/0"] {
        let (code, out, err) = run(cfsign_rsa().args([IMAGE_URL, "--ip-address", ip]));
        assert_eq!(code, 0, "{ip}: {err}");
        assert!(
            out.contains("&Policy=") || out.contains("?Policy="),
            "{out}"
        );
        assert_eq!(
            err,
            format!(
                "cfsign: warning: --ip-address {ip} matches every IPv4 address: the condition restricts nothing; give the viewers' range (for example 203.0.113.0/24) or leave --ip-address out\n"
            ),
            "{ip}"
        );
        let (code, _, _) = run(cfsign_rsa().args([IMAGE_URL, "--ip-address", ip, "--strict"]));
        assert_eq!(code, 1, "{ip}: --strict refuses the warning");
    }
}

/// Review nit 22: a 5,000-character key pair ID signed a 5,403-byte URL, and a lower-case
/// ID was taken without a word, though CloudFront's IDs are upper case.
#[test]
fn key_pair_id_length_and_case_were_not_checked() {
    let long = "K".repeat(5000);
    let err = common::assert_refused(
        cfsign().args([
            "--private-key",
            &key_arg("rsa2048_pkcs1.pem"),
            "--key-pair-id",
            &long,
            "--now",
            NOW,
            IMAGE_URL,
        ]),
        2,
        "is 5000 characters long; CloudFront's key IDs have 13 to 20",
    );
    assert!(err.len() < 400, "the ID is not echoed whole: {err}");
    let (code, out, err) = run(cfsign().args([
        "--private-key",
        &key_arg("rsa2048_pkcs1.pem"),
        "--key-pair-id",
        "k2jcjmdehxqw5f",
        "--now",
        NOW,
        IMAGE_URL,
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.trim_end().ends_with("&Key-Pair-Id=k2jcjmdehxqw5f"),
        "{out}"
    );
    assert_eq!(
        err,
        "cfsign: note: key pair ID k2jcjmdehxqw5f has lower-case letters; CloudFront's key IDs are upper case (K2JCJMDEHXQW5F), and the ID is sent as written\n"
    );
}

/// Review nit 23: a passphrase put in the key-path variable was echoed:
/// `CFSIGN_PRIVATE_KEY_FILE="hunter2 secret"` printed `cannot read private key "hunter2
/// secret"`. A value with spaces, no `/` and no file extension is not shown; ordinary
/// file names still are.
#[test]
fn key_path_that_is_no_path_was_echoed() {
    let err = common::assert_refused(
        cfsign()
            .args(["--key-pair-id", KPID, IMAGE_URL])
            .env("CFSIGN_PRIVATE_KEY_FILE", "hunter2 correct horse"),
        2,
        "cannot read private key: no such file (the value is not shown",
    );
    assert!(!err.contains("hunter2") && !err.contains("horse"), "{err}");
    let err = common::assert_refused(
        cfsign().args([
            "--key-pair-id",
            KPID,
            IMAGE_URL,
            "--private-key",
            "tous les secrets",
        ]),
        2,
        "the value is not shown",
    );
    assert!(!err.contains("secrets"), "{err}");
    for name in ["my key.pem", "keys/private key", "missing-key"] {
        common::assert_refused(
            cfsign().args(["--key-pair-id", KPID, IMAGE_URL, "--private-key", name]),
            2,
            &format!("cannot read private key {name:?}: no such file"),
        );
    }
}
