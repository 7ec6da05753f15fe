//! Users coming from the AWS CLI: an `aws cloudfront sign` / `sign-cookies` line with
//! `aws cloudfront` replaced by `cfsign` works and prints what the native form prints;
//! a mistyped command is named; and the AWS CLI v2's own signing test cases that cfsign
//! refused with the wrong reason (issue 16) keep their inputs here.

mod common;

use common::{IMAGE_URL, KPID, NOW, cfsign, cfsign_rsa, cfsign_rsa_after, key_arg, run, vector};

/// Exit status for an input (URL) that could not be signed.
const INPUT: i32 = 1;
/// Exit status for a usage or configuration error.
const USAGE: i32 = 2;

/// `aws cloudfront sign --url URL --key-pair-id ID --private-key file://key.pem
/// --date-less-than D` with `aws cloudfront sign` replaced by `cfsign` (and by `cfsign
/// sign`) prints the native form's URL byte for byte, which is the reference signers'.
#[test]
fn aws_cli_sign_line_is_byte_identical_to_the_native_form() {
    let key = key_arg("rsa2048_pkcs1.pem");
    let expected = vector("rsa-canned-plain-https")["signed_url"]
        .as_str()
        .expect("signed_url")
        .to_string();
    let native = run(cfsign().args([
        IMAGE_URL,
        "--key-pair-id",
        KPID,
        "--private-key",
        &key,
        "--date-less-than",
        "2026-01-01T18:00:00Z",
        "--now",
        NOW,
    ]));
    assert_eq!(native, (0, format!("{expected}\n"), String::new()));
    for (sub, prefix) in [
        (None, "file://"),
        (Some("sign"), "file://"),
        (None, "fileb://"),
    ] {
        let mut cmd = cfsign();
        cmd.args(sub);
        cmd.args(["--url", IMAGE_URL, "--key-pair-id", KPID])
            .args(["--private-key", &format!("{prefix}{key}")])
            .args(["--date-less-than", "2026-01-01T18:00:00Z", "--now", NOW]);
        assert_eq!(run(&mut cmd), native, "{sub:?} {prefix}");
    }
}

/// The AWS CLI v2 `sign` options beyond the basic four (`--policy-resource`,
/// `--date-greater-than`, `--ip-address`, `--hash-algorithm SHA256`) give the native
/// form's bytes too.
#[test]
fn aws_cli_sign_line_with_every_option_is_byte_identical_to_the_native_form() {
    let key = key_arg("rsa2048_pkcs1.pem");
    let options = [
        "--key-pair-id",
        KPID,
        "--date-less-than",
        "1767290400",
        "--date-greater-than",
        "1767200000",
        "--ip-address",
        "192.0.2.0/24",
        "--policy-resource",
        "https://d111111abcdef8.cloudfront.net/videos/*",
        "--hash-algorithm",
        "SHA256",
        "--now",
        NOW,
    ];
    let url = "https://d111111abcdef8.cloudfront.net/videos/intro.mp4";
    let native = run(cfsign()
        .arg(url)
        .args(["--private-key", &key])
        .args(options));
    assert_eq!(native.0, 0, "{}", native.2);
    assert!(
        native.1.contains("&Hash-Algorithm=SHA256\n"),
        "{}",
        native.1
    );
    let pasted = run(cfsign()
        .args(["sign", "--url", url])
        .args(["--private-key", &format!("file://{key}")])
        .args(options));
    assert_eq!(pasted, native);
}

/// `aws cloudfront sign-cookies --resource R ...` with `aws cloudfront` replaced by
/// `cfsign` prints what `cfsign cookies R ...` prints.
#[test]
fn aws_cli_sign_cookies_line_is_byte_identical_to_the_native_form() {
    let key = key_arg("rsa2048_pkcs1.pem");
    let resource = "https://d111111abcdef8.cloudfront.net/videos/*";
    let common_args = [
        "--key-pair-id",
        KPID,
        "--date-less-than",
        "2026-01-01T18:00:00Z",
        "--now",
        NOW,
    ];
    for format in [[].as_slice(), &["--format", "json"]] {
        let native = run(cfsign()
            .args(["cookies", resource, "--private-key", &key])
            .args(common_args)
            .args(format));
        assert_eq!(native.0, 0, "{}", native.2);
        assert!(native.1.contains("CloudFront-Policy"), "{}", native.1);
        let pasted = run(cfsign()
            .args(["sign-cookies", "--resource", resource])
            .args(["--private-key", &format!("file://{key}")])
            .args(common_args)
            .args(format));
        assert_eq!(pasted, native, "{format:?}");
    }
    let (code, out, err) = run(&mut cfsign_rsa_after(&[
        "sign-cookies",
        resource,
        "--resource",
        resource,
    ]));
    assert_eq!((code, out.as_str()), (USAGE, ""), "{err}");
    assert!(err.starts_with("cfsign: error: "), "{err}");
}

/// Regression: `--private-key "$(cat key.pem)"` (the AWS CLI takes the key text) was
/// read as a file name; it is refused with the fix, and the key is not echoed.
#[test]
fn private_key_text_as_the_option_value_is_refused_without_echoing_it() {
    let pem = std::fs::read_to_string(common::key("rsa2048_pkcs1.pem")).expect("key");
    let (code, out, err) =
        run(cfsign().args([IMAGE_URL, "--key-pair-id", KPID, "--private-key", &pem]));
    assert_eq!((code, out.as_str()), (USAGE, ""));
    assert!(
        err.starts_with("cfsign: error: the value of --private-key is PEM key text (not shown)"),
        "{err}"
    );
    assert!(!err.contains("MII"), "key material in: {err}");
}

/// Regression: `cfsign cookie ...` and `cfsign verfy` were taken as URLs to sign; a
/// first argument without `://` close to a command name now gets "did you mean".
#[test]
fn mistyped_command_says_did_you_mean() {
    for (args, meant) in [
        (vec!["cookie", "https://d1.net/*"], "cookies"),
        (vec!["verfy"], "verify"),
        (vec!["inspec", "https://d1.net/a?Expires=1"], "inspect"),
        (
            vec!["sign-cookie", "--resource", "https://d1.net/*"],
            "sign-cookies",
        ),
    ] {
        let (code, out, err) = run(&mut cfsign_rsa_after(&args));
        assert_eq!((code, out.as_str()), (USAGE, ""), "{args:?}: {err}");
        assert!(
            err.starts_with(&format!(
                "cfsign: error: {:?} is not a command: did you mean `{meant}`?\nhint: ",
                args[0]
            )),
            "{args:?}: {err}"
        );
    }
    // A URL is never taken for a command, nor a command for a typo.
    let (code, out, _) = run(cfsign_rsa().arg("https://d1.net/cookie"));
    assert_eq!(code, 0);
    assert!(out.starts_with("https://d1.net/cookie?Expires="), "{out}");
}

/// Regression (issue 15): clap's own usage errors started `error:` while every other
/// failure line starts `cfsign: error:`.
#[test]
fn usage_errors_start_with_cfsign_error() {
    for args in [
        vec!["--bogus"],
        vec!["--jobs", "0", "https://d1.net/a"],
        vec!["cookies"],
    ] {
        let (code, out, err) = run(cfsign().args(&args));
        assert_eq!((code, out.as_str()), (USAGE, ""), "{args:?}");
        assert!(err.starts_with("cfsign: error: "), "{args:?}: {err}");
    }
}

// --- The AWS CLI v2 signing test cases of issue 16, with their inputs -----------------

/// AWS CLI case "IP injection": a value that tries to add a second `IpAddress` to the
/// policy. Regression: it was refused as IPv6 because it holds ':'; the message now
/// quotes the character that cannot be in an IPv4 range.
#[test]
fn aws_cli_case_ip_injection_is_not_called_ipv6() {
    let injection = r#"192.168.0.0/24","IpAddress":{"AWS:SourceIp":"0.0.0.0/0"#;
    for sub in [vec![], vec!["cookies"]] {
        let mut cmd = cfsign_rsa_after(&sub);
        cmd.arg("https://d111111abcdef8.cloudfront.net/videos/*")
            .args(["--ip-address", injection]);
        let (code, out, err) = run(&mut cmd);
        assert_eq!((code, out.as_str()), (USAGE, ""), "{sub:?}: {err}");
        assert!(!err.contains("IPv6"), "{sub:?}: {err}");
        assert!(
            err.starts_with("cfsign: error: --ip-address: IP address ")
                && err.contains(
                    r#"has '"' at byte 14, a character an IPv4 address or CIDR range cannot hold"#
                ),
            "{sub:?}: {err}"
        );
    }
    // A real IPv6 range is still called IPv6.
    let (code, _, err) = run(cfsign_rsa().args([IMAGE_URL, "--ip-address", "2001:db8::/32"]));
    assert_eq!(code, USAGE);
    assert!(
        err.contains("is IPv6, which CloudFront policies do not support"),
        "{err}"
    );
}

/// `inspect` of a policy whose `AWS:SourceIp` holds such a value: the problem line names
/// the character, not IPv6.
#[test]
fn inspect_names_the_bad_character_of_an_injected_source_ip() {
    let policy = r#"{"Statement":[{"Resource":"https://d1.net/*","Condition":{"DateLessThan":{"AWS:EpochTime":1767290400},"IpAddress":{"AWS:SourceIp":"192.168.0.0/24\",\"IpAddress\":{\"AWS:SourceIp\":\"0.0.0.0/0"}}}]}"#;
    let url = format!(
        "https://d1.net/a?Policy={}&Signature=AAAA&Key-Pair-Id={KPID}",
        cfsign::encoding::encode(policy.as_bytes())
    );
    let (code, out, err) = run(cfsign().args(["inspect", &url, "--now", NOW]));
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("IPv6"), "{out}");
    assert!(
        out.contains(
            r#"has '"' at byte 14, a character an IPv4 address or CIDR range cannot hold"#
        ),
        "{out}"
    );
}

/// AWS CLI case "active after expiry": the start time is after the expiry. Regression:
/// the refusal named only DateGreaterThan and DateLessThan; the hint now names the
/// options the user typed.
#[test]
fn aws_cli_case_start_after_expiry_names_the_options_typed() {
    for (expiry, named) in [
        (
            vec!["--date-less-than", "2026-01-01"],
            "--date-less-than (--expires-at) 2026-01-01",
        ),
        (vec!["--days", "1"], "--days 1"),
        (vec!["--expires-in", "1h"], "--expires-in 1h"),
    ] {
        let mut cmd = cfsign_rsa();
        cmd.arg(IMAGE_URL)
            .args(&expiry)
            .args(["--date-greater-than", "2026-02-01"]);
        let (code, out, err) = run(&mut cmd);
        assert_eq!((code, out.as_str()), (USAGE, ""), "{err}");
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 2, "{err}");
        assert!(
            lines[0].starts_with("cfsign: error: the expiry (DateLessThan) ")
                && lines[0]
                    .contains("is not later than the start time (DateGreaterThan) 1769904000"),
            "{err}"
        );
        assert_eq!(
            lines[1],
            format!(
                "hint: the start --date-greater-than (--starts-at) 2026-02-01 must be before the expiry from {named}: move the start earlier or the expiry later"
            )
        );
    }
}

/// AWS CLI case "resource injection": a URL whose double quote would close the
/// `Resource` string and rewrite the policy. Regression: the refusal did not say why, and
/// per-URL refusals did not start `cfsign: error:`.
#[test]
fn aws_cli_case_resource_injection_says_why_the_quote_is_refused() {
    let url = r#"https://d111111abcdef8.cloudfront.net/a","Condition":{"DateLessThan":{"AWS:EpochTime":9999999999}}}]}"#;
    let (code, out, err) = run(cfsign_rsa().arg(url));
    assert_eq!((code, out.as_str()), (INPUT, ""), "{err}");
    assert!(
        err.starts_with("cfsign: error: URL ")
            && err.contains(
                "has a double quote (a quote would let the URL rewrite the policy JSON) at byte 39"
            ),
        "{err}"
    );
    // From standard input: the same words, after `cfsign: error: line N:`.
    let (code, _, err) = run(cfsign_rsa().write_stdin(format!("{IMAGE_URL}\n{url}\n")));
    assert_eq!(code, INPUT);
    assert!(
        err.starts_with("cfsign: error: line 2: URL ") && err.contains("rewrite the policy JSON"),
        "{err}"
    );
    // As a cookie resource and a policy resource: refused for the same reason.
    let (code, _, err) = run(&mut cfsign_rsa_after(&["cookies", url]));
    assert_eq!(code, INPUT);
    assert!(err.contains("rewrite the policy JSON"), "{err}");
    let (code, _, err) = run(cfsign_rsa().args([IMAGE_URL, "--policy-resource", url]));
    assert_eq!(code, USAGE);
    assert!(err.contains("rewrite the policy JSON"), "{err}");
}
