//! Every user-facing error of the signing command, as a user sees it: the exit status
//! (1: an input could not be signed, 2: usage or configuration), nothing on stdout, and
//! one line naming the input (plus an optional `hint:` line with the fix) on stderr.

mod common;

use common::{IMAGE_URL, assert_refused, cfsign, cfsign_rsa, key_arg, stderr, stdout};

/// Exit status for an input (URL) that could not be signed.
const INPUT: i32 = 1;
/// Exit status for a usage or configuration error.
const USAGE: i32 = 2;

// --- URLs: refused, exit 1 -------------------------------------------------------------

#[test]
fn fragment() {
    let err = assert_refused(
        cfsign_rsa().arg("https://d1.net/a.jpg#part2"),
        INPUT,
        r##"URL "https://d1.net/a.jpg#part2" has a fragment ("#part2")"##,
    );
    assert!(err.contains(r##"hint: sign the URL without "#part2": "https://d1.net/a.jpg""##));
}

#[test]
fn already_signed_parameters() {
    for (url, param) in [
        ("https://d1.net/a?Expires=1767290400", "Expires"),
        ("https://d1.net/a?x=1&Policy=eyJ9", "Policy"),
        ("https://d1.net/a?Signature=abc&x=1", "Signature"),
        ("https://d1.net/a?Key-Pair-Id=K2JCJMDEHXQW5F", "Key-Pair-Id"),
        ("https://d1.net/a?x&Hash-Algorithm=SHA256", "Hash-Algorithm"),
    ] {
        assert_refused(
            cfsign_rsa().arg(url),
            INPUT,
            &format!("URL {url:?} already has the query parameter {param:?}"),
        );
    }
}

#[test]
fn characters_that_must_be_percent_encoded() {
    for (url, what, encoded) in [
        (
            "https://d1.net/my file.jpg",
            "a raw space",
            "https://d1.net/my%20file.jpg",
        ),
        (
            "https://d1.net/café.jpg",
            "a non-ASCII character",
            "https://d1.net/caf%C3%A9.jpg",
        ),
        (
            "https://d1.net/a\"b",
            "a double quote",
            "https://d1.net/a%22b",
        ),
        ("https://d1.net/a\\b", "a backslash", "https://d1.net/a%5Cb"),
        (
            "https://d1.net/a\tb",
            "a control character",
            "https://d1.net/a%09b",
        ),
    ] {
        let err = assert_refused(cfsign_rsa().arg(url), INPUT, what);
        assert!(
            err.contains(&format!(
                "hint: percent-encode it as the client will send it: {encoded}"
            )),
            "{url}: {err}"
        );
        // The URL is quoted, control characters escaped so the message stays one line.
        assert!(err.contains(&format!("{url:?}")), "{url}: {err}");
    }
}

#[test]
fn scheme_and_host() {
    for (url, needle) in [
        ("ftp://d1.net/a.jpg", r#"has the scheme "ftp""#),
        ("HTTPS://d1.net/a.jpg", r#"has the scheme "HTTPS""#),
        (
            "d111.cloudfront.net/a",
            r#"URL "d111.cloudfront.net/a" has no scheme"#,
        ),
        (
            "https:/d111.cloudfront.net/a",
            r#"URL "https:/d111.cloudfront.net/a" is missing a slash after the scheme"#,
        ),
        ("https:///a", "has no host"),
    ] {
        assert_refused(cfsign_rsa().arg(url), INPUT, needle);
    }
}

#[test]
fn signed_url_over_8192_bytes() {
    // A canned RSA URL adds 401 bytes: ?Expires=<10>&Signature=<344>&Key-Pair-Id=<14>.
    let url_of = |len: usize| {
        let prefix = "https://d1.net/";
        format!("{prefix}{}", "a".repeat(len - prefix.len()))
    };
    let ok = cfsign_rsa()
        .arg(url_of(8192 - 401))
        .args(["--date-less-than", "1767290400"])
        .output()
        .unwrap();
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    assert_eq!(stdout(&ok).trim_end().len(), 8192);
    assert_refused(
        cfsign_rsa()
            .arg(url_of(8192 - 400))
            .args(["--date-less-than", "1767290400"]),
        INPUT,
        "aaaa\" would be 8193 bytes once signed, over CloudFront's limit of 8192 bytes",
    );
}

// --- times: configuration errors, exit 2 ------------------------------------------------

#[test]
fn days_zero_or_negative() {
    for days in ["0", "-1"] {
        assert_refused(
            cfsign_rsa().args([IMAGE_URL, "--days", days]),
            USAGE,
            &format!("--days {days} must be 1 or more"),
        );
    }
    assert_refused(
        cfsign_rsa().args([IMAGE_URL, "--days", "1.5"]),
        USAGE,
        r#"--days "1.5" is not a whole number of days"#,
    );
}

#[test]
fn inexact_and_ambiguous_times() {
    for (when, needle) in [
        ("1767312000.5", "is not a whole number of seconds"),
        ("1.7e9", "is not a whole number of seconds"),
        ("1767312000000", "looks like milliseconds"),
        ("02/01/2026", "is ambiguous"),
        ("tomorrow", "is not a time cfsign can read"),
    ] {
        let err = assert_refused(
            cfsign_rsa().args([IMAGE_URL, "--date-less-than", when]),
            USAGE,
            &format!("--date-less-than: time {when:?} {needle}"),
        );
        assert!(err.contains("hint: use Unix seconds"), "{err}");
    }
}

#[test]
fn expiry_in_the_past() {
    assert_refused(
        cfsign_rsa().args([IMAGE_URL, "--date-less-than", "2025-11-30"]),
        USAGE,
        "the expiry 1764460800 (2025-11-30T00:00:00Z) is not later than now 1764547200 (2025-12-01T00:00:00Z)",
    );
    // At exactly now is also refused.
    assert_refused(
        cfsign_rsa().args([IMAGE_URL, "--date-less-than", "1764547200"]),
        USAGE,
        "is not later than now",
    );
}

#[test]
fn start_not_before_expiry() {
    for start in ["2026-01-01T18:00:00Z", "2026-01-02"] {
        assert_refused(
            cfsign_rsa().args([
                IMAGE_URL,
                "--date-less-than",
                "2026-01-01T18:00:00Z",
                "--date-greater-than",
                start,
            ]),
            USAGE,
            "is not later than the start time (DateGreaterThan)",
        );
    }
}

// --- keys: configuration errors, exit 2 -------------------------------------------------

fn with_key(path: &str) -> assert_cmd::Command {
    let mut cmd = cfsign();
    cmd.args([
        IMAGE_URL,
        "--key-pair-id",
        common::KPID,
        "--now",
        common::NOW,
    ])
    .args(["--private-key", path]);
    cmd
}

#[test]
fn public_key_given_as_private_key() {
    let path = key_arg("rsa2048_public.pem");
    assert_refused(
        &mut with_key(&path),
        USAGE,
        &format!("{path}: is a public key, but a private key is needed"),
    );
}

#[test]
fn missing_passphrase_names_the_option() {
    let err = assert_refused(
        &mut with_key(&key_arg("rsa2048_pkcs8_encrypted.pem")),
        USAGE,
        "is encrypted and no passphrase was given",
    );
    assert!(err.contains("--passphrase-file"), "{err}");
    assert!(err.contains("CFSIGN_PRIVATE_KEY_PASSPHRASE"), "{err}");
}

#[test]
fn wrong_passphrase_names_the_option_and_is_not_echoed() {
    let dir = tempfile::tempdir().unwrap();
    let pass = dir.path().join("pass");
    std::fs::write(&pass, "not-the-passphrase-x7\n").unwrap();
    for key in ["rsa2048_pkcs8_encrypted.pem", "ec_p256_pkcs8_encrypted.pem"] {
        let err = assert_refused(
            with_key(&key_arg(key)).arg("--passphrase-file").arg(&pass),
            USAGE,
            "could not be decrypted: the passphrase is wrong",
        );
        assert!(err.contains("--passphrase-file"), "{err}");
        assert!(!err.contains("not-the-passphrase-x7"), "{err}");
    }
}

#[test]
fn unsupported_keys_name_what_cloudfront_accepts() {
    for (key, found) in [
        (
            "rsa4096_pkcs1.pem",
            "RSA-4096 keys are not accepted by CloudFront",
        ),
        (
            "ec_p384_sec1.pem",
            "ECDSA P-384 keys are not accepted by CloudFront",
        ),
    ] {
        let err = assert_refused(&mut with_key(&key_arg(key)), USAGE, found);
        assert!(
            err.contains("hint: CloudFront accepts RSA 2048 and ECDSA P-256 keys"),
            "{err}"
        );
    }
}

#[test]
fn file_that_is_not_pem() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("key.txt");
    std::fs::write(&path, "this is not a key\n").unwrap();
    let path = path.display().to_string();
    assert_refused(
        &mut with_key(&path),
        USAGE,
        &format!("{path}: is not a PEM file"),
    );
}

#[test]
fn missing_key_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nonexistent.pem").display().to_string();
    assert_refused(
        &mut with_key(&path),
        USAGE,
        &format!("cannot read private key {path:?}: no such file"),
    );
}

#[test]
fn no_key_at_all() {
    assert_refused(
        cfsign().args([IMAGE_URL, "--key-pair-id", common::KPID]),
        USAGE,
        "no private key: pass --private-key PATH",
    );
}

// --- key pair ID ------------------------------------------------------------------------

fn with_id(id: &str) -> assert_cmd::Command {
    let mut cmd = cfsign();
    cmd.args([IMAGE_URL, "--now", common::NOW, "--key-pair-id", id])
        .args(["--private-key", &key_arg("rsa2048_pkcs1.pem")]);
    cmd
}

#[test]
fn empty_or_non_alphanumeric_key_pair_id() {
    for id in ["", "   "] {
        assert_refused(
            &mut with_id(id),
            USAGE,
            r#"--key-pair-id: key pair ID "" is empty"#,
        );
    }
    assert_refused(
        &mut with_id("K2JC-JMDE"),
        USAGE,
        r#"key pair ID "K2JC-JMDE" has '-'; key pair IDs hold only letters and digits"#,
    );
    assert_refused(
        cfsign().args([IMAGE_URL, "--private-key", &key_arg("rsa2048_pkcs1.pem")]),
        USAGE,
        "no key pair ID: pass --key-pair-id ID or set CFSIGN_KEY_PAIR_ID",
    );
}

#[test]
fn access_key_id_warns_but_signs() {
    let out = with_id("AKIAIOSFODNN7EXAMPLE").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let url = stdout(&out);
    assert!(url.starts_with(IMAGE_URL), "{url}");
    assert!(
        url.ends_with("&Key-Pair-Id=AKIAIOSFODNN7EXAMPLE\n"),
        "{url}"
    );
    assert!(
        stderr(&out).contains(
            "cfsign: warning: key pair ID AKIAIOSFODNN7EXAMPLE looks like an IAM access key ID"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn surrounding_whitespace_in_key_pair_id_is_trimmed() {
    let out = with_id("  K2JCJMDEHXQW5F\n").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).ends_with("&Key-Pair-Id=K2JCJMDEHXQW5F\n"));
}

// --- policy options ---------------------------------------------------------------------

#[test]
fn ip_addresses() {
    for (ip, needle) in [
        (
            "2001:db8::/32",
            "is IPv6, which CloudFront policies do not support",
        ),
        ("192.0.2.0/33", "has a prefix over /32"),
        ("192.0.2", "is not an IPv4 address"),
        ("192.0.2.0/", "has a prefix that is not a number"),
    ] {
        assert_refused(
            cfsign_rsa().args([IMAGE_URL, "--ip-address", ip]),
            USAGE,
            &format!("--ip-address: IP address {ip:?} {needle}"),
        );
    }
}

/// Regression: `--policy canned` with a wildcard resource, start time or IP range failed
/// each URL with exit 1 instead of refusing the options (exit 2) before signing.
#[test]
fn policy_canned_with_custom_only_options_is_a_configuration_error() {
    for (extra, reason) in [
        (
            [
                "--policy-resource",
                "https://d111111abcdef8.cloudfront.net/*",
            ],
            "a wildcard resource",
        ),
        (
            ["--date-greater-than", "2025-12-01T12:00:00Z"],
            "a start time",
        ),
        (["--ip-address", "192.0.2.0/24"], "an IP range"),
    ] {
        assert_refused(
            cfsign_rsa()
                .args([IMAGE_URL, "--policy", "canned"])
                .args(extra),
            USAGE,
            &format!("a canned policy cannot carry {reason}"),
        );
    }
}

/// The library's hint speaks of "a custom policy"; the command names the option
/// (`src/cli/hints.rs`), byte for byte as before the library lost its flag names.
#[test]
fn policy_canned_hint_names_the_policy_option() {
    let err = assert_refused(
        cfsign_rsa().args([
            IMAGE_URL,
            "--policy",
            "canned",
            "--ip-address",
            "192.0.2.0/24",
        ]),
        USAGE,
        "a canned policy cannot carry an IP range",
    );
    assert!(
        err.contains(
            "\nhint: use --policy custom (or auto), or drop the wildcard, start time and IP range\n"
        ),
        "{err}"
    );
}

/// Regression: `cfsign 'https://h/a?x=1' --policy canned --policy-resource 'https://h/a?x=1'`
/// was refused (the `?` was taken for a wildcard before any URL was read) while the same
/// command without `--policy canned` signed canned. One pattern rule now decides both.
#[test]
fn policy_canned_with_policy_resource_equal_to_a_url_with_a_query_was_refused() {
    let url = "https://d111111abcdef8.cloudfront.net/a?x=1";
    let auto = cfsign_rsa()
        .args([url, "--policy-resource", url])
        .output()
        .expect("run");
    let canned = cfsign_rsa()
        .args([url, "--policy", "canned", "--policy-resource", url])
        .output()
        .expect("run");
    assert_eq!(canned.status.code(), Some(0), "{}", stderr(&canned));
    assert_eq!(stderr(&canned), "");
    assert_eq!(stdout(&canned), stdout(&auto));
    let signed = stdout(&canned);
    assert!(signed.starts_with(&format!("{url}&Expires=")), "{signed}");
    assert!(!signed.contains("Policy="), "{signed}");
}

/// Regression: an invalid `--policy-resource` (bad scheme, no host) was reported for
/// each URL with exit 1 instead of as an option error (exit 2).
#[test]
fn invalid_policy_resource_is_a_configuration_error() {
    assert_refused(
        cfsign_rsa().args([IMAGE_URL, "--policy-resource", "ftp://d1.net/*"]),
        USAGE,
        r#"--policy-resource: policy resource "ftp://d1.net/*" has the scheme "ftp""#,
    );
}

#[test]
fn url_outside_the_policy_resource() {
    assert_refused(
        cfsign_rsa().args([
            "https://d111111abcdef8.cloudfront.net/images/a.jpg",
            "--policy-resource",
            "https://d111111abcdef8.cloudfront.net/videos/*",
        ]),
        INPUT,
        r#"URL "https://d111111abcdef8.cloudfront.net/images/a.jpg" is not matched by the policy resource "https://d111111abcdef8.cloudfront.net/videos/*""#,
    );
}

fn policy_file(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("policy.json");
    std::fs::write(&path, text).unwrap();
    let path = path.display().to_string();
    (dir, path)
}

#[test]
fn policy_file_with_milliseconds() {
    let (_dir, path) = policy_file(
        r#"{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/*","Condition":{"DateLessThan":{"AWS:EpochTime":1767290400000}}}]}"#,
    );
    assert_refused(
        cfsign_rsa().args([IMAGE_URL, "--policy-file", &path]),
        USAGE,
        &format!(
            "policy file {path}: policy: DateLessThan AWS:EpochTime 1767290400000 looks like milliseconds"
        ),
    );
}

#[test]
fn policy_file_with_a_misspelled_condition() {
    let (_dir, path) = policy_file(
        r#"{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/*","Condition":{"DateLessthan":{"AWS:EpochTime":1767290400}}}]}"#,
    );
    assert_refused(
        cfsign_rsa().args([IMAGE_URL, "--policy-file", &path]),
        USAGE,
        r#"Condition has "DateLessthan"; the name is spelled "DateLessThan""#,
    );
    let (_dir, path) = policy_file(
        r#"{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/*","Condition":{"DateLessThan":{"AWS:EpochTime":1767290400},"IpAdress":{"AWS:SourceIp":"192.0.2.0/24"}}}]}"#,
    );
    assert_refused(
        cfsign_rsa().args([IMAGE_URL, "--policy-file", &path]),
        USAGE,
        r#"Condition has "IpAdress", which CloudFront does not know"#,
    );
}

#[test]
fn policy_file_that_does_not_cover_the_url() {
    let (_dir, path) = policy_file(
        r#"{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/videos/*","Condition":{"DateLessThan":{"AWS:EpochTime":1767290400}}}]}"#,
    );
    assert_refused(
        cfsign_rsa().args([IMAGE_URL, "--policy-file", &path]),
        INPUT,
        "is not matched by the policy resource",
    );
}

#[test]
fn policy_file_that_has_expired() {
    let (_dir, path) = policy_file(
        r#"{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/*","Condition":{"DateLessThan":{"AWS:EpochTime":1700000000}}}]}"#,
    );
    assert_refused(
        cfsign_rsa().args([IMAGE_URL, "--policy-file", &path]),
        USAGE,
        "the expiry 1700000000 (2023-11-14T22:13:20Z) is not later than now",
    );
}

#[test]
fn policy_file_with_policy_canned() {
    let (_dir, path) = policy_file("{}");
    assert_refused(
        cfsign_rsa().args([IMAGE_URL, "--policy", "canned", "--policy-file", &path]),
        USAGE,
        "--policy canned cannot be used with --policy-file",
    );
}

// --- warnings: still signed, exit 0 -----------------------------------------------------

#[test]
fn s3_host_warns_but_signs() {
    for (url, host) in [
        (
            "https://my-bucket.s3.amazonaws.com/a.jpg",
            "my-bucket.s3.amazonaws.com",
        ),
        (
            "https://s3.eu-west-1.amazonaws.com/my-bucket/a.jpg",
            "s3.eu-west-1.amazonaws.com",
        ),
    ] {
        let out = cfsign_rsa().arg(url).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert!(stdout(&out).starts_with(&format!("{url}?Expires=")));
        assert!(
            stderr(&out).contains(&format!(
                "cfsign: warning: {host} is an S3 endpoint: S3 does not understand CloudFront signatures"
            )),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn literal_star_warns_but_signs_canned() {
    let v = common::vector("rsa-canned-tilde-star");
    let out = cfsign_rsa()
        .args([v["url"].as_str().unwrap(), "--date-less-than", "1767290400"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        format!("{}\n", v["signed_url"].as_str().unwrap())
    );
    assert!(
        stderr(&out).contains("cfsign: warning: the URL holds '*', which a canned policy signs as a literal character; to grant access to many files use --policy-resource with a wildcard, or signed cookies"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn private_ip_range_warns_but_signs() {
    let out = cfsign_rsa()
        .args([IMAGE_URL, "--ip-address", "10.1.0.0/16"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("?Policy="));
    assert!(
        stderr(&out).contains("--ip-address 10.1.0.0/16 is a loopback or private range"),
        "{}",
        stderr(&out)
    );
}

// Broke: the hint for a public key given as --private-key said "give the private key file"
// without naming what a private key looks like; keep it pointing at a private key.
#[test]
fn public_key_or_certificate_as_private_key_hint_names_a_private_key() {
    for (file, found) in [
        ("tests/data/keys/rsa2048_public.pem", "public key"),
        ("tests/data/rsa2048_cert.pem", "certificate"),
    ] {
        let out = with_key(file).output().expect("run");
        assert_eq!(out.status.code(), Some(2));
        assert!(out.stdout.is_empty());
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!(
                "cfsign: error: {file}: is a {found}, but a private key is needed\n\
                 hint: give the private key (BEGIN PRIVATE KEY, RSA PRIVATE KEY, ENCRYPTED PRIVATE KEY or EC PRIVATE KEY); a public key or certificate cannot sign\n"
            )
        );
    }
}

/// Regression: `cfsign - URL` reported `URL "-" has no scheme` instead of the real
/// mistake, mixing stdin with URL arguments.
#[test]
fn dash_with_url_arguments_is_a_usage_error() {
    assert_refused(
        cfsign_rsa().args(["-", "https://d1.net/a"]),
        2,
        "`-` (read URLs from standard input) cannot be combined with URL arguments",
    );
}

/// Regression: a DSA key was reported as "algorithm 1.2.840.10040.4.1 keys are not
/// accepted", an OID instead of the key type's name.
#[test]
fn dsa_key_is_named() {
    let key = common::data("dsa2048_pkcs8.pem");
    assert_refused(
        cfsign()
            .arg(IMAGE_URL)
            .args(["--key-pair-id", "K2JCJMDEHXQW5F", "--private-key"])
            .arg(&key),
        2,
        "dsa2048_pkcs8.pem: DSA keys are not accepted by CloudFront",
    );
}

/// Regression: `--ip-address 192.0.2.1/24` (host bits set) was signed without a word,
/// though it reads as a single address while covering 256.
#[test]
fn ip_range_with_host_bits_warns_and_signs() {
    let out = cfsign_rsa()
        .args([
            IMAGE_URL,
            "--date-less-than",
            "1767290400",
            "--ip-address",
            "192.0.2.10/24",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("&Signature="));
    assert_eq!(
        stderr(&out),
        "cfsign: warning: --ip-address 192.0.2.10/24 has bits set past the /24 prefix: it is signed as written and covers the whole range; write the range's first address to make that plain\n"
    );
}

/// Regression (issue 10.5): `--ip-address 192.0.2.0/08` was signed as `/8` while the
/// warning said "signed as written"; a non-canonical prefix is refused with the
/// canonical form in the hint.
#[test]
fn ip_prefix_with_leading_zero_was_rewritten() {
    let err = assert_refused(
        cfsign_rsa().args([IMAGE_URL, "--ip-address", "192.0.2.0/08"]),
        USAGE,
        "--ip-address: IP address \"192.0.2.0/08\" has a prefix with a leading zero",
    );
    assert!(
        err.ends_with("hint: write it in canonical CIDR form: 192.0.2.0/8\n"),
        "{err}"
    );
    // Spaces around the argument are not part of the value: trimmed, then canonical.
    let out = cfsign_rsa()
        .args([IMAGE_URL, "--ip-address", " 192.0.2.0/24 "])
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains(r#""ip_address":"192.0.2.0/24""#));
}
