//! Pipelines: `--aligned` (output line N answers input line N, also under `paste`), JSON
//! objects for failed lines, `--strict` (every warning is an error), and the documented
//! JSON Schema (`schema/cfsign-output.schema.json`) checked against every command's JSON.

mod common;

use common::{
    IMAGE_URL, KPID, NOW, assert_schema_kind, cfsign, cfsign_ec, cfsign_rsa, cfsign_rsa_after,
    json, json_lines, key_arg, run, vector,
};

/// Regression (issue 10.7): with the README's `cut -d, -f2 downloads.csv | cfsign ... >
/// signed.txt`, a bad line vanished from the output, so `paste` handed customer N the
/// link of customer N+1. The README's example, with `--aligned`, run through the real
/// `cut` and `paste`: every row keeps its own link, a bad or blank row gets an empty one.
#[test]
fn aligned_batch_keeps_customer_n_on_link_n_under_paste() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = "customer,url\n\
               alice,https://d111111abcdef8.cloudfront.net/a.pdf\n\
               bob,https://d111111abcdef8.cloudfront.net/b c.pdf\n\
               ,\n\
               carol,https://d111111abcdef8.cloudfront.net/c.pdf\n";
    std::fs::write(dir.path().join("downloads.csv"), csv).expect("write csv");
    for jobs in ["1", "2"] {
        let script = r#"cut -d, -f2 downloads.csv | "$CFSIGN" --aligned --private-key "$KEY" --key-pair-id K2JCJMDEHXQW5F --now 2025-12-01T00:00:00Z --date-less-than 2026-01-01T18:00:00Z --jobs "$JOBS" > signed.txt; echo "exit $?"; paste -d, downloads.csv signed.txt"#;
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(script)
            .current_dir(dir.path())
            .env("CFSIGN", common::bin())
            .env("KEY", key_arg("rsa2048_pkcs1.pem"))
            .env("JOBS", jobs)
            .env_remove("CFSIGN_KEY_PAIR_ID")
            .env_remove("CFSIGN_PRIVATE_KEY_FILE")
            .env_remove("CFSIGN_PRIVATE_KEY")
            .output()
            .expect("sh runs");
        let text = String::from_utf8(out.stdout).expect("UTF-8");
        let rows: Vec<&str> = text.lines().collect();
        assert_eq!(rows.len(), 6, "--jobs {jobs}: {text}");
        // The header and the bad and blank rows fail (exit 1) and get an empty link.
        assert_eq!(rows[0], "exit 1");
        assert_eq!(rows[1], "customer,url,");
        let link = |row: &str, name: &str| {
            let (_, url) = row.rsplit_once(',').expect("a link column");
            assert!(
                url.starts_with(&format!(
                    "https://d111111abcdef8.cloudfront.net/{name}.pdf?Expires=1767290400&Signature="
                )),
                "--jobs {jobs}: {row}"
            );
        };
        assert!(rows[2].starts_with("alice,"), "{text}");
        link(rows[2], "a");
        assert_eq!(
            rows[3],
            "bob,https://d111111abcdef8.cloudfront.net/b c.pdf,"
        );
        assert_eq!(rows[4], ",,");
        assert!(rows[5].starts_with("carol,"), "{text}");
        link(rows[5], "c");
        let err = String::from_utf8(out.stderr).expect("UTF-8");
        assert!(
            err.contains("cfsign: error: line 1: URL \"url\" has no scheme"),
            "{err}"
        );
        assert!(err.contains("cfsign: error: line 3: URL "), "{err}");
    }
}

/// `--aligned` with URL arguments: one output line per argument, an empty one for a URL
/// that could not be signed.
#[test]
fn aligned_arguments_keep_their_places() {
    let (code, out, err) = run(cfsign_rsa().args([
        "--aligned",
        "--date-less-than",
        "1767290400",
        IMAGE_URL,
        "https://d1.net/a b",
        IMAGE_URL,
    ]));
    assert_eq!(code, 1, "{err}");
    let signed = vector("rsa-canned-plain-https")["signed_url"]
        .as_str()
        .expect("signed_url")
        .to_string();
    assert_eq!(out, format!("{signed}\n\n{signed}\n"));
    assert!(
        err.starts_with("cfsign: error: URL \"https://d1.net/a b\" has a raw space"),
        "{err}"
    );
}

/// Every kind of input line under `--aligned --format json`: object N answers line N
/// (signed, blank, refused, not UTF-8, too long), the same for every `--jobs`, and every
/// object matches its schema kind.
#[test]
fn aligned_json_answers_every_line_in_order() {
    let mut input = Vec::new();
    input.extend_from_slice(format!("{IMAGE_URL}\n\n  \nhttps://d1.net/a#b\n").as_bytes());
    input.extend_from_slice(b"https://d1.net/caf\xe9\n");
    input.extend_from_slice(format!("https://d1.net/{}\n", "a".repeat(20_000)).as_bytes());
    input.extend_from_slice(format!("{IMAGE_URL}\n").as_bytes());
    let mut outputs = Vec::new();
    for jobs in ["1", "2"] {
        let (code, out, err) = run(cfsign_ec()
            .args(["--aligned", "--format", "json", "--jobs", jobs])
            .args(["--date-less-than", "1767290400"])
            .write_stdin(input.clone()));
        assert_eq!(code, 1, "{err}");
        outputs.push((out, err));
    }
    // ECDSA-SHA256 signatures may differ run to run (graviola's hedged nonces): each
    // verifies, and the outputs are the same apart from them.
    let public = common::key("ec_p256_public.pem");
    let masked: Vec<(String, usize, String)> = outputs
        .iter()
        .map(|(out, err)| {
            let (text, n) = common::ecdsa_signatures_verified_and_masked(out, &public);
            (text, n, err.clone())
        })
        .collect();
    assert_eq!(masked[0].1, 2, "both signed lines verified");
    assert_eq!(masked[0], masked[1], "--jobs 1 and --jobs 2 differ");
    let objects = json_lines(&outputs[0].0);
    let kinds = [
        "sign_url",
        "sign_skipped",
        "sign_skipped",
        "sign_failure",
        "sign_failure",
        "sign_failure",
        "sign_url",
    ];
    assert_eq!(objects.len(), kinds.len(), "{}", outputs[0].0);
    for (i, (o, kind)) in objects.iter().zip(kinds).enumerate() {
        assert_eq!(o["line"], i + 1, "{o}");
        assert_schema_kind(o, kind);
    }
    assert_eq!(objects[3]["error_kind"], "url_fragment");
    assert_eq!(objects[3]["input"], "https://d1.net/a#b");
    assert_eq!(objects[4]["error_kind"], "not_utf8");
    assert_eq!(objects[4]["input"], "https://d1.net/caf\u{fffd}");
    assert_eq!(objects[5]["error_kind"], "line_too_long");
    assert_eq!(objects[0]["url"], objects[6]["url"]);
    // Without --aligned the blank lines get no object; the failures still do.
    let (_, out, _) = run(cfsign_ec()
        .args(["--format", "json", "--date-less-than", "1767290400"])
        .write_stdin(input));
    let lines: Vec<u64> = json_lines(&out)
        .iter()
        .map(|o| o["line"].as_u64().expect("line"))
        .collect();
    assert_eq!(lines, [1, 4, 5, 6, 7]);
}

/// The schema documents the JSON of every command: sign (custom policy fields too),
/// cookies, verify (serve and refuse), inspect (URL and cookies). An undocumented field
/// fails validation, so the schema test cannot pass vacuously.
#[test]
fn every_command_json_matches_the_schema() {
    let pem_pub = key_arg("rsa2048_public.pem");
    let url = "https://d111111abcdef8.cloudfront.net/videos/intro.mp4";
    let (code, out, err) = run(cfsign_rsa().args([
        url,
        "--policy-resource",
        "https://d111111abcdef8.cloudfront.net/videos/*",
        "--starts-at",
        "1767200000",
        "--ip-address",
        "192.0.2.0/24",
        "--date-less-than",
        "1767290400",
        "--format",
        "json",
    ]));
    assert_eq!(code, 0, "{err}");
    let signed = json(&out);
    assert_schema_kind(&signed, "sign_url");
    assert_eq!(signed["date_greater_than_utc"], "2025-12-31T16:53:20Z");
    let signed_url = signed["url"].as_str().expect("url").to_string();

    let (code, out, err) = run(&mut cfsign_rsa_after(&[
        "cookies",
        "https://d111111abcdef8.cloudfront.net/videos/*",
        "--ip-address",
        "192.0.2.0/24",
        "--cookie-domain",
        "cloudfront.example.com",
        "--format",
        "json",
    ]));
    // The domain does not cover the host: a refusal of the option (exit 2), not JSON.
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    let (code, out, err) = run(&mut cfsign_rsa_after(&[
        "cookies",
        "https://d111111abcdef8.cloudfront.net/videos/*",
        "--ip-address",
        "192.0.2.0/24",
        "--cookie-max-age",
        "1h",
        "--format",
        "json",
    ]));
    assert_eq!(code, 0, "{err}");
    let cookies = json(&out);
    assert_schema_kind(&cookies, "cookies");

    for (at, ip, verdict) in [
        ("1767280000", "192.0.2.7", "serve"),
        ("1767280000", "198.51.100.1", "refuse"),
    ] {
        let (_, out, err) = run(cfsign().args([
            "verify",
            &signed_url,
            "--public-key",
            &pem_pub,
            "--at",
            at,
            "--client-ip",
            ip,
            "--format",
            "json",
        ]));
        let v = json(&out);
        assert_schema_kind(&v, "verify");
        assert_eq!(v["verdict"], verdict, "{err}");
    }
    let (code, out, _) =
        run(cfsign().args(["inspect", &signed_url, "--now", NOW, "--format", "json"]));
    assert_eq!(code, 0);
    assert_schema_kind(&json(&out), "inspect");
    let header = format!(
        "Cookie: {}",
        cookies["cookies"]
            .as_object()
            .expect("cookies")
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_str().expect("value")))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let (code, out, err) = run(cfsign().args([
        "inspect",
        "--url",
        url,
        "--cookie-header",
        &header,
        "--format",
        "json",
    ]));
    assert_eq!(code, 0, "{err}");
    assert_schema_kind(&json(&out), "inspect");

    let mut undocumented = signed.clone();
    undocumented["warnings"] = serde_json::json!([]);
    let refused = std::panic::catch_unwind(|| assert_schema_kind(&undocumented, "sign_url"));
    assert!(
        refused.is_err(),
        "an undocumented field must fail validation"
    );
    let mut wrong_type = signed;
    wrong_type["expires"] = "1767290400".into();
    assert!(std::panic::catch_unwind(|| assert_schema_kind(&wrong_type, "sign_url")).is_err());
}

// --- --strict ------------------------------------------------------------------------

/// `--strict` (issue 10.8): a URL with a warning (S3 host, literal `*`, a form clients
/// rewrite, characters browsers encode) is not signed: exit 1, `cfsign: error: line N:
/// --strict: <the warning>`; the other lines are signed. Without it they are signed with a
/// warning and exit 0.
#[test]
fn strict_turns_every_url_warning_into_an_error() {
    let input = format!(
        "{IMAGE_URL}\n\
         https://bucket.s3.amazonaws.com/a.jpg\n\
         https://d1.net/a*b.jpg\n\
         https://D1.net/a.jpg\n\
         https://d1.net/a<b>.jpg\n"
    );
    let (code, out, err) = run(cfsign_rsa()
        .args(["--date-less-than", "1767290400"])
        .write_stdin(input.clone()));
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 5);
    assert_eq!(err.matches("cfsign: warning: ").count(), 4, "{err}");

    let (code, out, err) = run(cfsign_rsa()
        .args(["--strict", "--aligned", "--date-less-than", "1767290400"])
        .write_stdin(input.clone()));
    assert_eq!(code, 1, "{err}");
    let signed = vector("rsa-canned-plain-https")["signed_url"]
        .as_str()
        .expect("signed_url")
        .to_string();
    assert_eq!(out, format!("{signed}\n\n\n\n\n"));
    assert!(!err.contains("cfsign: warning"), "{err}");
    for (line, needle) in [
        (2, "is an S3 endpoint"),
        (3, "the URL holds '*'"),
        (4, "clients request this URL as https://d1.net/a.jpg"),
        (
            5,
            "browsers request this URL as https://d1.net/a%3Cb%3E.jpg",
        ),
    ] {
        assert!(
            err.contains(&format!("cfsign: error: line {line}: --strict: "))
                && err.contains(needle),
            "line {line}: {err}"
        );
    }
    assert_eq!(
        err.matches("\nhint: --strict makes every warning an error")
            .count(),
        4,
        "{err}"
    );

    let (_, out, _) = run(cfsign_rsa()
        .args([
            "--strict",
            "--format",
            "json",
            "--date-less-than",
            "1767290400",
        ])
        .write_stdin(input));
    let objects = json_lines(&out);
    assert_eq!(objects.len(), 5);
    assert!(
        objects[1..]
            .iter()
            .all(|o| o["error_kind"] == "strict_warning")
    );
}

/// `--strict` with a warning about an option (an IAM access key as key pair ID, a private
/// IP range): nothing is signed, exit 1, one error line and the hint.
#[test]
fn strict_turns_option_warnings_into_an_error() {
    let key = key_arg("rsa2048_pkcs1.pem");
    for (args, needle) in [
        (
            vec!["--key-pair-id", "AKIAIOSFODNN7EXAMPLE"],
            "cfsign: error: --strict: key pair ID AKIAIOSFODNN7EXAMPLE looks like an IAM access key ID",
        ),
        (
            vec!["--key-pair-id", KPID, "--ip-address", "10.0.0.0/8"],
            "cfsign: error: --strict: --ip-address 10.0.0.0/8 is a loopback or private range",
        ),
    ] {
        for sub in [vec![IMAGE_URL], vec!["cookies", "https://d1.net/*"]] {
            let mut cmd = cfsign();
            cmd.args(&sub)
                .args(["--private-key", &key, "--now", NOW])
                .args(&args);
            let (code, out, err) = run(&mut cmd);
            assert_eq!(code, 0, "{sub:?} {args:?}: {err}");
            assert!(!out.is_empty());
            assert!(err.contains("cfsign: warning: "), "{err}");
            let (code, out, err) = run(cmd.arg("--strict"));
            assert_eq!((code, out.as_str()), (1, ""), "{sub:?} {args:?}: {err}");
            assert!(err.starts_with(needle), "{sub:?}: {err}");
            assert_eq!(err.lines().count(), 2, "{err}");
        }
    }
}

/// Regression (issue 10.8): `cookies` for a pattern on an S3 host was signed silently
/// (only exact URLs were checked); it now warns, and `--strict` refuses it.
#[test]
fn cookies_on_an_s3_host_warn_and_strict_refuses() {
    let resource = "https://bucket.s3.amazonaws.com/videos/*";
    let (code, out, err) = run(&mut cfsign_rsa_after(&["cookies", resource]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("CloudFront-Policy="), "{out}");
    assert!(
        err.starts_with("cfsign: warning: bucket.s3.amazonaws.com is an S3 endpoint"),
        "{err}"
    );
    let (code, out, err) = run(&mut cfsign_rsa_after(&["cookies", resource, "--strict"]));
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(
        err.starts_with("cfsign: error: --strict: bucket.s3.amazonaws.com is an S3 endpoint"),
        "{err}"
    );
}
