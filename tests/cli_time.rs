//! Expiry and start times on the command line: independent of the TZ variable, 64-bit
//! (no 2038 limit), relative to `--now`, with the documented aliases.

mod common;

use common::{IMAGE_URL, cfsign_rsa, param, stderr, stdout, vector};

fn run(args: &[&str]) -> String {
    let out = cfsign_rsa().arg(IMAGE_URL).args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

#[test]
fn date_without_offset_is_utc_whatever_tz_says() {
    let expected = format!(
        "{}\n",
        vector("rsa-canned-plain-https")["signed_url"]
            .as_str()
            .unwrap()
    );
    for tz in ["Asia/Tokyo", "America/New_York", "UTC"] {
        let out = cfsign_rsa()
            .args([IMAGE_URL, "--date-less-than", "2026-01-01T18:00:00"])
            .env("TZ", tz)
            .output()
            .unwrap();
        assert_eq!(stdout(&out), expected, "TZ={tz}: {}", stderr(&out));
    }
}

#[test]
fn days_beyond_2038() {
    let out = common::cfsign()
        .args(["--private-key", &common::key_arg("rsa2048_pkcs1.pem")])
        .args(["--key-pair-id", common::KPID])
        .args([IMAGE_URL, "--days", "5000", "--now", "2026-01-01T00:00:00Z"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        param(stdout(&out).trim_end(), "Expires"),
        Some("2199225600")
    );
}

#[test]
fn relative_expiries_count_from_now() {
    // --now 2025-12-01T00:00:00Z = 1764547200
    for (args, expires) in [
        (&["--days", "1"][..], "1764633600"),
        (&[][..], "1764633600"),
        (&["--expires-in", "90m"][..], "1764552600"),
        (&["--expires-in", "12h"][..], "1764590400"),
        (&["--expires-in", "7d"][..], "1765152000"),
    ] {
        let url = run(args);
        assert_eq!(param(url.trim_end(), "Expires"), Some(expires), "{args:?}");
    }
}

#[test]
fn absolute_forms_and_aliases_agree() {
    let expected = run(&["--date-less-than", "1767290400"]);
    for args in [
        ["--date-less-than", "2026-01-01T18:00:00Z"],
        ["--date-less-than", "2026-01-01T19:00:00+01:00"],
        ["--date-less-than", "2026-01-01 18:00:00"],
        ["--expires-at", "2026-01-01T18:00:00Z"],
    ] {
        assert_eq!(run(&args), expected, "{args:?}");
    }
    let custom = vector("rsa-custom-dgt")["signed_url"]
        .as_str()
        .unwrap()
        .to_string();
    for start in [
        ["--date-greater-than", "1767200000"],
        ["--starts-at", "2025-12-31T16:53:20Z"],
    ] {
        assert_eq!(
            run(&[&["--date-less-than", "1767290400"][..], &start[..]].concat()),
            format!("{custom}\n"),
            "{start:?}"
        );
    }
}

#[test]
fn only_one_expiry_option() {
    let out = cfsign_rsa()
        .args([IMAGE_URL, "--days", "1", "--date-less-than", "1767290400"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("cannot be used with"),
        "{}",
        stderr(&out)
    );
}

/// Regression: a policy file expiring at 9999-12-31T23:59:59Z (12 digits) was refused
/// as "looks like milliseconds".
#[test]
fn policy_file_expiring_in_year_9999_signs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("policy.json");
    let policy = r#"{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/*","Condition":{"DateLessThan":{"AWS:EpochTime":253402300799}}}]}"#;
    std::fs::write(&path, policy).unwrap();
    let out = cfsign_rsa()
        .arg(IMAGE_URL)
        .arg("--policy-file")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let url = stdout(&out);
    let sent =
        cfsign::encoding::decode("Policy", param(url.trim_end(), "Policy").unwrap()).unwrap();
    assert_eq!(sent, policy.as_bytes());
}

/// A time written without an offset is read as UTC whatever TZ says; when the local zone
/// is not UTC, a note on stderr gives the local wall-clock time and how to write it.
#[test]
fn no_offset_time_notes_the_local_time_when_tz_is_not_utc() {
    let note = |tz: &str, args: &[&str]| {
        let out = cfsign_rsa()
            .arg(IMAGE_URL)
            .args(args)
            .env("TZ", tz)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stderr(&out)
    };
    assert_eq!(
        note("Asia/Tokyo", &["--date-less-than", "2026-01-01T18:00:00"]),
        "cfsign: note: --date-less-than \"2026-01-01T18:00:00\" has no UTC offset, so it is read as UTC: 2026-01-01T18:00:00Z is 2026-01-02 03:00:00 +09:00 local time; for 2026-01-01 18:00:00 local time write 2026-01-01T18:00:00+09:00\n"
    );
    assert_eq!(
        note(
            "America/New_York",
            &[
                "--expires-at",
                "2026-01-01",
                "--starts-at",
                "2025-12-24 08:30"
            ]
        ),
        "cfsign: note: --date-less-than \"2026-01-01\" has no UTC offset, so it is read as UTC: 2026-01-01T00:00:00Z is 2025-12-31 19:00:00 -05:00 local time; for 2026-01-01 00:00:00 local time write 2026-01-01T00:00:00-05:00\n\
         cfsign: note: --date-greater-than \"2025-12-24 08:30\" has no UTC offset, so it is read as UTC: 2025-12-24T08:30:00Z is 2025-12-24 03:30:00 -05:00 local time; for 2025-12-24 08:30:00 local time write 2025-12-24T08:30:00-05:00\n"
    );
    // Nothing to note: UTC, an explicit offset, Unix seconds.
    assert_eq!(
        note("UTC", &["--date-less-than", "2026-01-01T18:00:00"]),
        ""
    );
    assert_eq!(
        note("Asia/Tokyo", &["--date-less-than", "2026-01-01T18:00:00Z"]),
        ""
    );
    assert_eq!(
        note(
            "Asia/Tokyo",
            &["--date-less-than", "2026-01-01T18:00:00+09:00"]
        ),
        ""
    );
    assert_eq!(note("Asia/Tokyo", &["--date-less-than", "1767290400"]), "");
}
