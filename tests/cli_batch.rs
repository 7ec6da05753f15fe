//! Batch signing from standard input: `--jobs 2` (parallel pipeline) must print exactly
//! what `--jobs 1` (the sequential loop) prints: same stdout, same stderr, same exit code.

mod common;

const KEY: &str = "tests/data/keys/rsa2048_pkcs1.pem";
const EC_KEY: &str = "tests/data/keys/ec_p256_pkcs8.pem";
/// 2026-01-01T18:00:00Z, the expiry of the `rsa-canned-plain-https` vector.
const EXPIRES: &str = "1767290400";
/// The `rsa-canned-plain-https` vector's signed URL.
const VECTOR_URL: &str = "https://d111111abcdef8.cloudfront.net/image.jpg";

fn vector_signed_url() -> String {
    let text = std::fs::read_to_string("tests/data/vectors.json").expect("vectors");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let case = doc["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["id"] == "rsa-canned-plain-https")
        .expect("vector");
    case["signed_url"].as_str().expect("signed_url").to_string()
}

/// A few thousand distinct URLs with bad lines, warnings and blank lines spread over
/// many batches; returns the input and the number of lines that should be signed.
fn input() -> (Vec<u8>, usize) {
    let mut v = Vec::new();
    let mut good = 0;
    v.extend_from_slice(format!("{VECTOR_URL}\n").as_bytes());
    good += 1;
    for i in 2..=2500 {
        let line: Vec<u8> = match i {
            _ if i % 997 == 0 => b"\xff\xfe not utf-8".to_vec(),
            _ if i % 401 == 0 => format!("https://d1.net/has space {i}.jpg").into_bytes(),
            _ if i % 333 == 0 => format!("https://d1.net/{i}.jpg#frag").into_bytes(),
            _ if i % 250 == 0 => Vec::new(),
            _ if i % 199 == 0 => b"   \t ".to_vec(),
            _ if i % 150 == 0 => {
                good += 1;
                format!("https://bucket.s3.amazonaws.com/{i}.jpg").into_bytes()
            }
            _ if i % 120 == 0 => {
                good += 1;
                format!("https://d1.net/star*{i}.jpg").into_bytes()
            }
            _ if i % 77 == 0 => {
                good += 1;
                format!("  https://d1.net/crlf/{i}.jpg\r").into_bytes()
            }
            _ => {
                good += 1;
                format!(
                    "https://d111111abcdef8.cloudfront.net/batch/{i}.jpg?v={}",
                    i * 7
                )
                .into_bytes()
            }
        };
        v.extend_from_slice(&line);
        v.push(b'\n');
    }
    // The last line has no line break.
    v.extend_from_slice(b"https://d1.net/last.jpg");
    good += 1;
    (v, good)
}

fn run(key: &str, jobs: &str, format: &str, stdin: &[u8]) -> (Vec<u8>, String, i32) {
    let out = common::cfsign()
        .args([
            "--private-key",
            key,
            "--key-pair-id",
            "K2JCJMDEHXQW5F",
            "--now",
            "2026-01-01T00:00:00Z",
            "--date-less-than",
            EXPIRES,
            "--format",
            format,
            "--jobs",
            jobs,
        ])
        .write_stdin(stdin)
        .output()
        .expect("runs");
    (
        out.stdout,
        String::from_utf8(out.stderr).expect("UTF-8 stderr"),
        out.status.code().expect("exit code"),
    )
}

#[test]
fn parallel_batch_output_is_byte_identical_to_sequential() {
    let (stdin, good) = input();
    let (out1, err1, code1) = run(KEY, "1", "text", &stdin);
    let (out2, err2, code2) = run(KEY, "2", "text", &stdin);
    assert_eq!(code1, 1, "bad lines make the exit status 1");
    assert_eq!(code2, 1);
    assert!(out1 == out2, "stdout differs between --jobs 1 and --jobs 2");
    assert_eq!(err1, err2);

    let text = String::from_utf8(out1).expect("UTF-8 stdout");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), good);
    assert_eq!(lines[0], vector_signed_url());
    assert!(
        lines[1].starts_with(
            "https://d111111abcdef8.cloudfront.net/batch/2.jpg?v=14&Expires=1767290400&Signature="
        ),
        "{}",
        lines[1]
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("https://d1.net/crlf/77.jpg?Expires=1767290400&Signature="))
    );
    assert!(
        lines
            .last()
            .expect("last")
            .starts_with("https://d1.net/last.jpg?Expires=")
    );

    // Errors in input order, with line numbers; each distinct warning once.
    let err_lines: Vec<&str> = err1.lines().collect();
    assert_eq!(
        err_lines[0],
        "cfsign: warning: line 120: the URL holds '*', which a canned policy signs as a literal character; to grant access to many files use --policy-resource with a wildcard, or signed cookies"
    );
    assert!(
        err_lines[1]
            .starts_with("cfsign: warning: line 150: bucket.s3.amazonaws.com is an S3 endpoint"),
        "{}",
        err_lines[1]
    );
    assert!(
        err_lines[2].starts_with("cfsign: error: line 333: "),
        "{}",
        err_lines[2]
    );
    assert!(
        err_lines[3].starts_with("hint: sign the URL without \"#frag\""),
        "{}",
        err_lines[3]
    );
    assert!(
        err_lines[4].starts_with("cfsign: error: line 401: "),
        "{}",
        err_lines[4]
    );
    assert!(err1.contains("\ncfsign: error: line 997: is not UTF-8 text\n"));
    assert!(err1.contains("\ncfsign: error: line 1994: is not UTF-8 text\n"));
    // Each kind of warning once, then one line counting the rest of each kind.
    assert_eq!(err1.matches("warning:").count(), 4);
    assert!(err1.ends_with(
        "cfsign: warning: 15 more URLs have the same kind of warning as line 120 (each kind is shown once)\n\
         cfsign: warning: 12 more URLs have the same kind of warning as line 150 (each kind is shown once)\n"
    ), "{err1}");
    let failed: Vec<usize> = err_lines
        .iter()
        .filter_map(|l| l.strip_prefix("cfsign: error: line "))
        .filter_map(|l| l.split(':').next()?.parse().ok())
        .collect();
    let mut sorted = failed.clone();
    sorted.sort_unstable();
    assert_eq!(failed, sorted, "errors are reported in input order");
    assert_eq!(failed.len(), 2 + 6 + 7, "{failed:?}");
}

#[test]
fn parallel_json_output_with_ecdsa_is_byte_identical_to_sequential() {
    // ECDSA-SHA256 signatures differ run to run where graviola signs them (hedged
    // nonces): every signature must verify, and the outputs be identical apart from them.
    let (stdin, good) = input();
    let (out1, err1, code1) = run(EC_KEY, "1", "json", &stdin);
    let (out2, err2, code2) = run(EC_KEY, "2", "json", &stdin);
    assert_eq!((code1, code2), (1, 1));
    let public = std::path::Path::new("tests/data/keys/ec_p256_public.pem");
    let (masked1, n1) =
        common::ecdsa_signatures_verified_and_masked(&String::from_utf8_lossy(&out1), public);
    let (masked2, n2) =
        common::ecdsa_signatures_verified_and_masked(&String::from_utf8_lossy(&out2), public);
    assert_eq!((n1, n2), (good, good), "every signed URL verified");
    assert!(
        masked1 == masked2,
        "stdout differs between --jobs 1 and --jobs 2"
    );
    assert_eq!(err1, err2);
    let first: serde_json::Value = common::json(&String::from_utf8_lossy(
        out1.split(|b| *b == b'\n').next().expect("line"),
    ));
    let url = first["url"].as_str().expect("url");
    assert!(
        url.starts_with(&format!("{VECTOR_URL}?Expires=1767290400&Signature=")),
        "{url}"
    );
    assert!(
        url.ends_with("&Key-Pair-Id=K2JCJMDEHXQW5F&Hash-Algorithm=SHA256"),
        "{url}"
    );
    assert_eq!(first["key_algorithm"], "ECDSA-P256");
    assert_eq!(first["expires"], 1_767_290_400);
    // One object per non-blank line: the signed ones carry "url", the failed ones "error".
    let objects: Vec<serde_json::Value> = out1
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| common::json(&String::from_utf8_lossy(l)))
        .collect();
    assert_eq!(
        objects.iter().filter(|o| o["url"].is_string()).count(),
        good
    );
    assert_eq!(
        objects.iter().filter(|o| o["error"].is_string()).count(),
        err1.matches("cfsign: error: line ").count()
    );
}

#[test]
fn jobs_zero_is_a_usage_error() {
    let (out, err, code) = run(KEY, "0", "text", b"https://d1.net/a.jpg\n");
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("--jobs"), "{err}");
}

/// Regression: `--jobs 64` under a memory limit panicked ("failed to spawn thread") with
/// a backtrace, and `--jobs 65535` started 65,535 threads for 200 lines. Threads are now
/// capped, small, and signing goes on with those the system grants.
#[test]
fn many_jobs_under_a_memory_limit_still_sign_everything() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("urls.txt");
    let urls: String = (0..200)
        .map(|i| format!("https://d1.net/{i}.jpg\n"))
        .collect();
    std::fs::write(&input, urls).unwrap();
    for jobs in ["64", "65535"] {
        let script = r#"ulimit -v 150000; "$CFSIGN" --private-key "$KEY" --key-pair-id K2JCJMDEHXQW5F --now 2025-12-01T00:00:00Z --jobs "$JOBS" < "$IN""#;
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(script)
            .env("CFSIGN", common::bin())
            .env("KEY", EC_KEY)
            .env("JOBS", jobs)
            .env("IN", &input)
            .env_remove("CFSIGN_KEY_PAIR_ID")
            .env_remove("CFSIGN_PRIVATE_KEY_FILE")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "--jobs {jobs}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 200);
    }
}
