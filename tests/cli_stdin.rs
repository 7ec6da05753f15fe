//! URLs from standard input, one per line, as pipelines use cfsign: order kept, CR and
//! surrounding whitespace stripped, blank lines skipped, bad lines reported as
//! `line N: ...` while the rest are signed (exit 1), output streamed, and a closed
//! stdout (`| head -1`) ending quietly.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::{CFSIGN_VARS, KPID, NOW, bin, cfsign, cfsign_rsa, key_arg, stderr, stdout, vector};

/// The vectors used here: URL and expected output at expiry 1767290400.
fn case(id: &str) -> (String, String) {
    let v = vector(id);
    (
        v["url"].as_str().unwrap().to_string(),
        v["signed_url"].as_str().unwrap().to_string(),
    )
}

fn signed_from_stdin(input: &str) -> std::process::Output {
    cfsign_rsa()
        .args(["--date-less-than", "1767290400"])
        .write_stdin(input)
        .output()
        .unwrap()
}

#[test]
fn order_crlf_whitespace_and_blank_lines() {
    let (a, sa) = case("rsa-canned-plain-https");
    let (b, sb) = case("rsa-canned-query-several");
    let (c, sc) = case("rsa-canned-pct-space");
    // CRLF, a blank line, a whitespace-only line, surrounding tabs and spaces, and a
    // last line without a newline.
    let input = format!("{c}\r\n\r\n   \n\t{a}  \r\n\n{b}");
    let out = signed_from_stdin(&input);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{sc}\n{sa}\n{sb}\n"));
    assert_eq!(stderr(&out), "");
}

#[test]
fn dash_argument_reads_stdin() {
    let (a, sa) = case("rsa-canned-plain-https");
    let (b, sb) = case("rsa-canned-query-one");
    let out = cfsign_rsa()
        .args(["-", "--date-less-than", "1767290400"])
        .write_stdin(format!("{a}\n{b}\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{sa}\n{sb}\n"));
}

#[test]
fn bad_lines_are_reported_and_the_rest_signed() {
    let (a, sa) = case("rsa-canned-plain-https");
    let (b, sb) = case("rsa-canned-plus-query");
    // Line numbers count every input line, blank ones included.
    let input = format!("{a}\n\nhttps://d1.net/my file.jpg\r\n{b}\nhttps://d1.net/a#frag\n{a}\n");
    let out = signed_from_stdin(&input);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), format!("{sa}\n{sb}\n{sa}\n"));
    let err = stderr(&out);
    assert!(
        err.contains(r#"cfsign: error: line 3: URL "https://d1.net/my file.jpg" has a raw space"#),
        "{err}"
    );
    assert!(
        err.contains(r#"cfsign: error: line 5: URL "https://d1.net/a#frag" has a fragment"#),
        "{err}"
    );
    assert_eq!(err.matches("cfsign: error: line ").count(), 2, "{err}");
}

#[test]
fn a_line_that_is_not_utf8_is_reported() {
    let (a, sa) = case("rsa-canned-plain-https");
    let mut input = format!("{a}\n").into_bytes();
    input.extend_from_slice(b"https://d1.net/caf\xe9.jpg\n");
    input.extend_from_slice(format!("{a}\n").as_bytes());
    let out = cfsign_rsa()
        .args(["--date-less-than", "1767290400"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), format!("{sa}\n{sa}\n"));
    assert!(
        stderr(&out).contains("cfsign: error: line 2: is not UTF-8 text"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn every_line_bad_still_exits_1_with_empty_stdout() {
    let out = signed_from_stdin("ftp://a/b\nnot a url\n");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains("cfsign: error: line 1: "));
    assert!(stderr(&out).contains("cfsign: error: line 2: "));
}

#[test]
fn empty_input_signs_nothing() {
    let out = signed_from_stdin("\n\r\n  \n");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "");
    assert_eq!(stderr(&out), "");
}

/// A few thousand lines: all signed, in order, and the first results come out while
/// input is still open (the output is streamed, not collected).
#[test]
fn large_input_streams_in_order() {
    const LINES: usize = 3000;
    let mut child = Command::new(bin())
        .env_clear()
        .args(["--private-key", &key_arg("ec_p256_sec1.pem")])
        .args(["--key-pair-id", KPID, "--now", NOW, "--days", "1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let (got_output, output_seen) = mpsc::channel::<()>();
    // Writes every line, then keeps stdin open until the first signed URL has been read
    // (a watchdog of two minutes turns a non-streaming cfsign into a failure, not a hang).
    let writer = std::thread::spawn(move || {
        for i in 0..LINES {
            writeln!(stdin, "https://d111111abcdef8.cloudfront.net/f/{i}.jpg").unwrap();
        }
        stdin.flush().unwrap();
        let streamed = output_seen.recv_timeout(Duration::from_secs(120)).is_ok();
        drop(stdin);
        streamed
    });
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut n = 0;
    for line in lines {
        let line = line.unwrap();
        if n == 0 {
            let _ = got_output.send(());
        }
        let prefix = format!("https://d111111abcdef8.cloudfront.net/f/{n}.jpg?Expires=");
        assert!(line.starts_with(&prefix), "line {n}: {line}");
        assert!(line.ends_with("&Hash-Algorithm=SHA256"), "{line}");
        n += 1;
    }
    let streamed = writer.join().unwrap();
    let status = child.wait().unwrap();
    assert!(
        streamed,
        "no output before the end of input: cfsign does not stream"
    );
    assert_eq!(status.code(), Some(0));
    assert_eq!(n, LINES);
}

/// `cfsign ... | head -1` with many lines: cfsign ends with status 0 and says nothing.
#[test]
fn closed_stdout_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("urls.txt");
    let urls: String = (0..5000)
        .map(|i| format!("https://d111111abcdef8.cloudfront.net/f/{i}.jpg\n"))
        .collect();
    std::fs::write(&input, urls).unwrap();
    let (status_file, err_file) = (dir.path().join("status"), dir.path().join("err"));
    let script = r#"{ "$CFSIGN" --private-key "$KEY" --key-pair-id K2JCJMDEHXQW5F --now 2025-12-01T00:00:00Z < "$IN" 2> "$ERR"; echo $? > "$STATUS"; } | head -1"#;
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(script);
    for var in CFSIGN_VARS {
        cmd.env_remove(var);
    }
    let out = cmd
        .env("CFSIGN", bin())
        .env("KEY", key_arg("rsa2048_pkcs1.pem"))
        .env("IN", &input)
        .env("ERR", &err_file)
        .env("STATUS", &status_file)
        .output()
        .unwrap();
    assert!(out.status.success());
    let first = stdout(&out);
    assert_eq!(first.lines().count(), 1, "{first}");
    assert!(first.starts_with(
        "https://d111111abcdef8.cloudfront.net/f/0.jpg?Expires=1764633600&Signature="
    ));
    assert_eq!(std::fs::read_to_string(&status_file).unwrap().trim(), "0");
    assert_eq!(std::fs::read_to_string(&err_file).unwrap(), "");
}

/// Regression: with a pipe (not a terminal) on stdin, a signed line waited in the output
/// buffer, or for a full batch of 64 lines, until more input or the end arrived, so
/// `tail -f | cfsign` and co-processes stalled. Each line must be answered before the
/// next one is written, with one worker and with several.
#[test]
fn a_pipe_gets_each_answer_before_the_next_line() {
    for jobs in ["1", "2"] {
        let mut cmd = Command::new(bin());
        for var in CFSIGN_VARS {
            cmd.env_remove(var);
        }
        let mut child = cmd
            .args(["--private-key", &key_arg("ec_p256_sec1.pem")])
            .args([
                "--key-pair-id",
                KPID,
                "--now",
                NOW,
                "--days",
                "1",
                "--jobs",
                jobs,
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let (tx, rx) = mpsc::channel::<String>();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                if tx.send(line.unwrap()).is_err() {
                    break;
                }
            }
        });
        for i in 0..3 {
            writeln!(stdin, "https://d111111abcdef8.cloudfront.net/p/{i}.jpg").unwrap();
            stdin.flush().unwrap();
            let line = rx
                .recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|_| {
                    panic!("--jobs {jobs}: line {i} was not answered before the next")
                });
            let prefix = format!("https://d111111abcdef8.cloudfront.net/p/{i}.jpg?Expires=");
            assert!(line.starts_with(&prefix), "--jobs {jobs}: {line}");
        }
        drop(stdin);
        assert_eq!(child.wait().unwrap().code(), Some(0));
        reader.join().unwrap();
    }
}

/// Regression: with `2>&1`, the report for a bad line came before the signed URLs of the
/// lines above it (stdout was still buffered when stderr was written).
#[test]
fn messages_stand_in_input_order_when_merged() {
    for jobs in ["1", "2"] {
        let script = r#"printf 'https://d1.net/1\nhttps://d1.net/2\nbad\nhttps://d1.net/4\n' | "$CFSIGN" --private-key "$KEY" --key-pair-id K2JCJMDEHXQW5F --now 2025-12-01T00:00:00Z --jobs "$JOBS" 2>&1"#;
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(script);
        for var in CFSIGN_VARS {
            cmd.env_remove(var);
        }
        let out = cmd
            .env("CFSIGN", bin())
            .env("KEY", key_arg("ec_p256_sec1.pem"))
            .env("JOBS", jobs)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let starts: Vec<&str> = text.lines().map(|l| &l[..l.len().min(20)]).collect();
        assert_eq!(
            starts,
            [
                "https://d1.net/1?Exp",
                "https://d1.net/2?Exp",
                "cfsign: error: line ",
                "hint: give the full ",
                "https://d1.net/4?Exp",
            ],
            "--jobs {jobs}: {text}"
        );
    }
}

/// Regression: a 50 MB input line was held whole in memory (248 MB peak), and an endless
/// line ended in an allocation failure and SIGABRT. Lines past twice CloudFront's URL
/// quota are now refused without being kept; the lines around them are still signed.
#[test]
fn an_endless_line_is_refused_without_holding_it() {
    let long = "a".repeat(3_000_000);
    for jobs in ["1", "2"] {
        let out = cfsign_rsa()
            .args(["--days", "1", "--jobs", jobs])
            .write_stdin(format!(
                "https://d1.net/first\nhttps://d1.net/{long}\nhttps://d1.net/last\n"
            ))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let err = stderr(&out);
        assert_eq!(
            err,
            "cfsign: error: line 2: is longer than 16384 bytes; CloudFront takes URLs of at most 8192 bytes\n",
            "--jobs {jobs}"
        );
        let lines: Vec<String> = stdout(&out).lines().map(|l| l[..20].to_string()).collect();
        assert_eq!(lines, ["https://d1.net/first", "https://d1.net/last?"]);
    }
}

/// Regression: `--private-key /dev/zero` (or a huge file) was read until memory ran out.
/// A huge file is refused at 1 MiB; a device is not read at all (issue 9: it may block).
#[test]
fn a_huge_key_file_is_refused_at_1_mib() {
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge.pem");
    std::fs::write(&huge, vec![b'A'; 1024 * 1024 + 1]).unwrap();
    let huge = huge.display().to_string();
    for (path, reason) in [
        (huge.as_str(), "it is larger than 1024 KiB"),
        ("/dev/zero", "it is a device, not a regular file"),
    ] {
        let out = cfsign()
            .args([
                "https://d1.net/a",
                "--key-pair-id",
                KPID,
                "--private-key",
                path,
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(stdout(&out), "");
        let want = format!("cannot read private key \"{path}\": {reason}");
        assert!(stderr(&out).contains(&want), "{}", stderr(&out));
    }
}

/// Regression: a list saved on Windows starts with a byte-order mark, and its first URL
/// was refused as "a non-ASCII character at byte 0"; a `# comment` line was reported as
/// "a raw space" instead of not being a URL.
#[test]
fn byte_order_mark_is_dropped_and_comments_are_not_urls() {
    let out = cfsign_rsa()
        .args(["--date-less-than", "1767290400"])
        .write_stdin("\u{feff}https://d111111abcdef8.cloudfront.net/image.jpg\r\n# a comment\r\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        format!(
            "{}\n",
            vector("rsa-canned-plain-https")["signed_url"]
                .as_str()
                .unwrap()
        )
    );
    assert!(
        stderr(&out).starts_with(
            "cfsign: error: line 2: URL \"# a comment\" has no scheme: it must start with https:// or http://\n"
        ),
        "{}",
        stderr(&out)
    );
}
