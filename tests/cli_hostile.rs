//! Hostile conditions around the batch pipeline (issue 9): a closed stderr, a tight
//! address-space limit, warnings on every line. cfsign must never panic or abort, and
//! must write every line it can.

mod common;

use std::process::{Command, Stdio};

use common::{KPID, bin, key_arg};

/// `n` distinct URLs, one per line.
fn urls(n: usize) -> String {
    (0..n)
        .map(|i| format!("https://d111111abcdef8.cloudfront.net/x/{i}.jpg\n"))
        .collect()
}

/// Key options for the ECDSA test key.
fn key_args() -> Vec<String> {
    vec![
        "--private-key".into(),
        key_arg("ec_p256_sec1.pem"),
        "--key-pair-id".into(),
        KPID.into(),
        "--now".into(),
        common::NOW.into(),
    ]
}

// Broke: `(echo bad1; sleep .5; echo bad2) | cfsign ... 2>&1 | head -1` panicked (exit
// 101) writing the second error to the closed pipe.
#[test]
fn closed_stderr_panicked_on_the_second_message() {
    for jobs in ["1", "2"] {
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        let mut child = Command::new(bin())
            .args(key_args())
            .args(["--jobs", jobs])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(writer)
            .spawn()
            .expect("spawn");
        let mut stdin = child.stdin.take().expect("stdin");
        std::io::Write::write_all(&mut stdin, b"bad1\nbad2\nhttps://d1.net/a.jpg\n")
            .expect("write");
        drop(stdin);
        let out = child.wait_with_output().expect("wait");
        // Two bad lines: exit 1; the good line is still signed.
        assert_eq!(out.status.code(), Some(1), "--jobs {jobs}");
        let stdout = String::from_utf8(out.stdout).expect("UTF-8");
        assert!(
            stdout.starts_with("https://d1.net/a.jpg?Expires=1764633600&Signature="),
            "--jobs {jobs}: {stdout}"
        );
    }
    // As the reviewer ran it: the first message reaches `head`, the second a closed pipe.
    let script = format!(
        "(echo bad1; sleep .5; echo bad2) | '{}' \"$@\" 2>&1 | head -1; echo \"status=${{PIPESTATUS[1]}}\"",
        bin()
    );
    let out = Command::new("bash")
        .args(["-c", &script, "bash"])
        .args(key_args())
        .output()
        .expect("bash");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout,
        "cfsign: error: line 1: URL \"bad1\" has no scheme: it must start with https:// or http://\nstatus=1\n"
    );
}

// Broke: `--jobs 256` under `ulimit -v 400000` with 3,000 URLs aborted (exit 134, "memory
// allocation failed" or "failed to allocate an alternative stack") with 0 or a few
// batches written.
#[cfg(target_os = "linux")]
#[test]
fn jobs_256_under_a_memory_limit_aborted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("urls.txt");
    std::fs::write(&input, urls(3000)).expect("write");
    for limit_kib in ["400000", "200000"] {
        let script = format!(
            "ulimit -v {limit_kib}; exec '{}' \"$@\" --jobs 256 < '{}'",
            bin(),
            input.display()
        );
        let out = Command::new("sh")
            .args(["-c", &script, "sh"])
            .args(key_args())
            .output()
            .expect("sh");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(0),
            "ulimit -v {limit_kib}: {stderr}"
        );
        let stdout = String::from_utf8(out.stdout).expect("UTF-8");
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines.len(), 3000, "ulimit -v {limit_kib}: {stderr}");
        for (i, line) in lines.iter().enumerate() {
            let want = format!(
                "https://d111111abcdef8.cloudfront.net/x/{i}.jpg?Expires=1764633600&Signature="
            );
            assert!(line.starts_with(&want), "line {i}: {line}");
            assert!(line.ends_with("&Key-Pair-Id=K2JCJMDEHXQW5F&Hash-Algorithm=SHA256"));
        }
        // At most one line: the warning that fewer workers were started.
        assert!(
            stderr.is_empty()
                || (stderr.lines().count() == 1
                    && stderr.starts_with(
                        "cfsign: warning: --jobs 256: the address-space limit (ulimit -v) leaves room for "
                    )),
            "ulimit -v {limit_kib}: {stderr}"
        );
    }
}

// Broke: every distinct warning text was kept for the whole run (112 MB for 200k lines
// with upper-case hosts); now each kind is shown once, and the rest are counted.
#[test]
fn warnings_on_every_line_were_all_kept_and_shown() {
    let input = "https://D1.NET/a.jpg\nhttps://d1.net/ok.jpg\nhttps://D2.NET/b.jpg\nhttps://D3.NET/c.jpg\nhttps://bucket.s3.amazonaws.com/d.jpg\n";
    for jobs in ["1", "2"] {
        let out = Command::new(bin())
            .args(key_args())
            .args(["--jobs", jobs])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .and_then(|mut c| {
                let mut stdin = c.stdin.take().expect("stdin");
                std::io::Write::write_all(&mut stdin, input.as_bytes())?;
                drop(stdin);
                c.wait_with_output()
            })
            .expect("run");
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 5);
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "cfsign: warning: line 1: clients request this URL as https://d1.net/a.jpg (host in lower case), and CloudFront checks the signature against that form: sign it instead\n\
             cfsign: warning: line 5: bucket.s3.amazonaws.com is an S3 endpoint: S3 does not understand CloudFront signatures; sign your distribution's URL (d111111abcdef8.cloudfront.net or an alternate domain)\n\
             cfsign: warning: 2 more URLs have the same kind of warning as line 1 (each kind is shown once)\n",
            "--jobs {jobs}"
        );
    }
}

/// A signed URL of the vectors (RSA key, expires 1767290400).
const SIGNED_URL: &str = "https://d111111abcdef8.cloudfront.net/image.jpg?Expires=1767290400&Signature=XN2IrA8KWlaaqjkl4x5UsYkOGj3OTTnLWkSzf2yIhzNfp2CMVRMp4RuKveoUuDGNOvp9IQ4W1FnIdHosRtitNuXPGAJUNVDlvzPkuRL5y7X7qKjCzB9DiF-nppCWutRhISXl0E1E8UY6AfS-u0rh8EOMHQ7Pc6Ek-n~eh8KIiUJKRAC4qOs3poqiTgqrnoH-jCb-2vQLLgfeQwIsbh0v8N8BYp6CJxKEnZLSRu8HJ4QdfakNfup8ewGGLRI54FxyeO8BcXIbNKnDlpFE6JTPEuLu9EVwdCUSiIxvnTXgR5zJk8LCM8ftuiCrpqUfIsGZWJ4z0BJ~dJuljN0o1Da2qg__&Key-Pair-Id=K2JCJMDEHXQW5F";

/// Waits for `child` at most `secs` seconds (a bound against hangs, not a timing
/// assertion); kills it and fails the test if it is still running.
fn wait_bounded(mut child: std::process::Child, what: &str, secs: u64) -> std::process::Output {
    for _ in 0..secs * 20 {
        if child.try_wait().expect("try_wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("{what}: still running after {secs} s (it blocks)");
}

// Broke: `(echo "$URL"; sleep 100) | cfsign verify - ...` read standard input to its end,
// so it answered only when the writer closed it, though the help says "the first line".
#[test]
fn verify_dash_read_to_the_end_of_input() {
    let public = key_arg("rsa2048_public.pem");
    let commands: [(&[&str], &str); 2] = [
        (
            &["verify", "-", "--public-key", &public, "--at", "1767280000"],
            "OK: CloudFront would serve this request\n",
        ),
        (
            &["inspect", "-", "--now", "1767280000"],
            "URL:            https://d111111abcdef8.cloudfront.net/image.jpg\n",
        ),
    ];
    for (args, first) in commands {
        let mut child = Command::new(bin())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let mut stdin = child.stdin.take().expect("stdin");
        // A blank line and a byte-order mark first, then the URL; the pipe stays open.
        std::io::Write::write_all(&mut stdin, format!("\n\u{feff}{SIGNED_URL}\n").as_bytes())
            .expect("write");
        let out = wait_bounded(child, args[0], 60);
        drop(stdin);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).expect("UTF-8");
        assert!(stdout.starts_with(first), "{stdout}");
    }
}

// Broke: a FIFO as --private-key, --policy-file, --passphrase-file, --public-key, a
// --key-dir entry or --cookies-file blocked forever in open(2) when nobody wrote to it.
#[cfg(unix)]
#[test]
fn fifo_as_a_key_or_policy_file_blocked_forever() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("K2JCJMDEHXQW5F.pem");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let fifo = fifo.display().to_string();
    let dir_arg = dir.path().display().to_string();
    let ec = key_arg("ec_p256_sec1.pem");
    let encrypted = key_arg("rsa2048_pkcs8_encrypted.pem");
    let public = key_arg("rsa2048_public.pem");
    let url = "https://d1.net/a.jpg";
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![url, "--private-key", &fifo, "--key-pair-id", KPID],
            "private key",
        ),
        (
            vec![
                url,
                "--private-key",
                &ec,
                "--key-pair-id",
                KPID,
                "--policy-file",
                &fifo,
            ],
            "policy file",
        ),
        (
            vec![
                url,
                "--private-key",
                &encrypted,
                "--key-pair-id",
                KPID,
                "--passphrase-file",
                &fifo,
            ],
            "the --passphrase-file:",
        ),
        (
            vec![
                "cookies",
                "https://d1.net/*",
                "--private-key",
                &fifo,
                "--key-pair-id",
                KPID,
            ],
            "private key",
        ),
        (
            vec!["verify", SIGNED_URL, "--public-key", &fifo],
            "public key",
        ),
        (
            vec!["verify", SIGNED_URL, "--key-dir", &dir_arg],
            "public key",
        ),
        (
            vec![
                "verify",
                "--url",
                url,
                "--cookies-file",
                &fifo,
                "--public-key",
                &public,
            ],
            "cookies file",
        ),
        (
            vec!["inspect", "--url", url, "--cookies-file", &fifo],
            "cookies file",
        ),
    ];
    for (args, what) in cases {
        let child = Command::new(bin())
            .args(&args)
            .env_remove("CFSIGN_PRIVATE_KEY_PASSPHRASE")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let out = wait_bounded(child, &format!("{args:?}"), 60);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
        // The passphrase file's path is never shown (it may be the passphrase itself).
        let file = if what.ends_with(':') {
            what.to_string()
        } else {
            format!("{what} \"{fifo}\":")
        };
        let want = format!("cannot read {file} it is a named pipe (FIFO), not a regular file;");
        assert!(stderr.contains(&want), "{args:?}: {stderr}");
    }
}

// Broke: non-ASCII in cookie input panicked slicing at byte 7 or 11 (exit 101):
// `--cookie-header 'abcdefghijé=1'`, a cookies file line `CloudFronté=1`.
#[test]
fn non_ascii_cookie_input_panicked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("cookies.txt");
    std::fs::write(&file, "CloudFronté=1\n").expect("write");
    let file = file.display().to_string();
    let public = key_arg("rsa2048_public.pem");
    let url = "https://d1.net/a.jpg";
    for (cookies, name) in [
        (vec!["--cookie-header", "abcdefghijé=1"], "abcdefghijé"),
        (vec!["--cookie-header", "Cookie:é=1"], "é"),
        (vec!["--cookies-file", &file], "CloudFronté"),
    ] {
        for command in [vec!["verify", "--public-key", &public], vec!["inspect"]] {
            let out = Command::new(bin())
                .args(&command)
                .args(["--url", url])
                .args(&cookies)
                .stdin(Stdio::null())
                .output()
                .expect("run");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(
                out.status.code(),
                Some(2),
                "{command:?} {cookies:?}: {stderr}"
            );
            assert!(
                stderr.starts_with(&format!(
                    "cfsign: error: the cookies: Cookie header has the cookie name \"{name}\", which holds 'é'\n"
                )),
                "{stderr}"
            );
        }
    }
}
