//! verify, inspect and keygen when standard output is closed or full: a closed pipe is a
//! quiet exit (0, or for verify the verdict's status), a full disk one error line and
//! exit 2, never a panic.

mod common;

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

const URL: &str = "https://d111111abcdef8.cloudfront.net/image.jpg?Expires=1767290400&Signature=XN2IrA8KWlaaqjkl4x5UsYkOGj3OTTnLWkSzf2yIhzNfp2CMVRMp4RuKveoUuDGNOvp9IQ4W1FnIdHosRtitNuXPGAJUNVDlvzPkuRL5y7X7qKjCzB9DiF-nppCWutRhISXl0E1E8UY6AfS-u0rh8EOMHQ7Pc6Ek-n~eh8KIiUJKRAC4qOs3poqiTgqrnoH-jCb-2vQLLgfeQwIsbh0v8N8BYp6CJxKEnZLSRu8HJ4QdfakNfup8ewGGLRI54FxyeO8BcXIbNKnDlpFE6JTPEuLu9EVwdCUSiIxvnTXgR5zJk8LCM8ftuiCrpqUfIsGZWJ4z0BJ~dJuljN0o1Da2qg__&Key-Pair-Id=K2JCJMDEHXQW5F";
const RSA_PUB: &str = "tests/data/keys/rsa2048_public.pem";

fn bin() -> PathBuf {
    PathBuf::from(common::bin())
}

/// A command with none of the `CFSIGN_*` variables the harness clears.
fn clean(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut cmd = Command::new(program);
    for var in common::CFSIGN_VARS {
        cmd.env_remove(var);
    }
    cmd
}

/// The argument lists of the three commands; keygen writes into a fresh directory.
fn commands(dir: &std::path::Path) -> Vec<Vec<String>> {
    let s = |v: &[&str]| v.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    vec![
        s(&["verify", URL, "--public-key", RSA_PUB, "--at", "1767280000"]),
        s(&["inspect", URL, "--now", "1767280000"]),
        s(&["inspect", URL, "--format", "json"]),
        s(&[
            "keygen",
            "--type",
            "ecdsa",
            "--out-dir",
            &dir.join("kg").display().to_string(),
        ]),
    ]
}

/// Runs cfsign with its standard output the write end of a pipe whose read end is
/// already closed, so the first write fails with EPIPE every time (no race).
fn run_into_closed_pipe(args: &[String]) -> Output {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    clean(bin())
        .args(args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("run")
}

// Broke: println! panicked with "failed printing to stdout: Broken pipe" (exit 101).
#[test]
fn closed_stdout_pipe_panicked_in_verify_inspect_keygen() {
    let dir = tempfile::tempdir().expect("tempdir");
    for args in commands(dir.path()) {
        let out = run_into_closed_pipe(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}");
    }
}

// Broke: `cfsign keygen | true` and `cfsign verify ... | head -1` as a shell runs them.
#[test]
fn closed_stdout_pipe_in_a_shell_pipeline_panicked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = format!(
        "{{ '{bin}' keygen --out-dir '{kg}'; echo \"keygen=$?\" >&2; }} | true; \
         {{ '{bin}' verify \"$1\" --public-key '{key}' --at 1767280000; echo \"verify=$?\" >&2; }} | head -c 1 >/dev/null",
        bin = bin().display(),
        kg = dir.path().join("kg").display(),
        key = RSA_PUB,
    );
    let out = clean("sh")
        .args(["-c", &script, "sh", URL])
        .output()
        .expect("sh");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("keygen=0"), "{stderr}");
    assert!(stderr.contains("verify=0"), "{stderr}");
}

// Broke: `> /dev/full` panicked (exit 101) instead of one error line and exit 2.
#[cfg(target_os = "linux")]
#[test]
fn full_stdout_panicked_in_verify_inspect_keygen() {
    let dir = tempfile::tempdir().expect("tempdir");
    for args in commands(dir.path()) {
        let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
        let script = format!("'{}' {} > /dev/full", bin().display(), quoted.join(" "));
        let out = clean("sh").args(["-c", &script]).output().expect("sh");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        if args[0] == "keygen" {
            // The keys are in place; only the message about them was lost.
            let kg = dir.path().join("kg");
            assert_eq!(
                stderr,
                format!(
                    "cfsign: error: the keys were written to {0}/private_key.pem and {0}/public_key.pem, but the next steps could not be printed: standard output: No space left on device\n",
                    kg.display()
                )
            );
            assert!(kg.join("private_key.pem").is_file() && kg.join("public_key.pem").is_file());
        } else {
            assert_eq!(
                stderr, "cfsign: error: standard output: No space left on device\n",
                "{args:?}"
            );
        }
    }
}

/// `sh -c 'cfsign ARGS REDIRECT'`, with the signing commands' key options.
fn run_redirected(args: &[&str], redirect: &str) -> Output {
    let key = "tests/data/keys/ec_p256_sec1.pem";
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let script = format!(
        "'{}' {} {redirect}",
        bin().display(),
        quoted.join(" ").replace("KEY", key)
    );
    clean("sh").args(["-c", &script]).output().expect("sh")
}

/// Every command whose result goes to standard output, in each output form.
fn all_outputs() -> Vec<Vec<&'static str>> {
    let id = ["--private-key", "KEY", "--key-pair-id", "K2JCJMDEHXQW5F"];
    let with = |v: &[&'static str]| [v, &id[..]].concat();
    vec![
        with(&["https://d1.net/a.jpg"]),
        with(&["https://d1.net/a.jpg", "--format", "json"]),
        with(&["cookies", "https://d1.net/*"]),
        with(&["cookies", "https://d1.net/*", "--format", "json"]),
        vec!["verify", URL, "--public-key", RSA_PUB, "--at", "1767280000"],
        vec!["verify", URL, "--public-key", RSA_PUB, "--format", "json"],
        vec!["inspect", URL],
        vec!["inspect", URL, "--format", "json"],
    ]
}

// Broke: `cfsign URL ... >&-` exited 0 with nothing written (the Rust runtime reopens a
// closed descriptor on /dev/null), also for cookies, verify, inspect and JSON.
#[cfg(target_os = "linux")]
#[test]
fn closed_stdout_exited_0_with_nothing_written() {
    for args in all_outputs() {
        let out = run_redirected(&args, ">&-");
        let stderr = String::from_utf8_lossy(&out.stderr);
        if args[0] == "verify" {
            // The verdict is in the exit status (without --at the URL has expired: 1); the
            // lost report is said on stderr.
            let verdict = if args.contains(&"--at") { 0 } else { 1 };
            assert_eq!(out.status.code(), Some(verdict), "{args:?}: {stderr}");
            assert_eq!(
                stderr,
                "cfsign: warning: standard output is closed (>&-): the report is lost; the exit status still gives the verdict\n",
                "{args:?}"
            );
            continue;
        }
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(
            stderr,
            "cfsign: error: standard output is closed (>&-), so the results would be lost; redirect it to a file, or to /dev/null to discard them\n",
            "{args:?}"
        );
    }
    // keygen writes its files and says the next steps are not shown.
    let dir = tempfile::tempdir().expect("tempdir");
    let kg = dir.path().join("kg").display().to_string();
    let out = run_redirected(&["keygen", "--type", "ecdsa", "--out-dir", &kg], ">&-");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "cfsign: warning: standard output is closed (>&-): the next steps will not be shown\n"
    );
    assert!(dir.path().join("kg/public_key.pem").is_file());
    // Discarding on purpose still works.
    let out = run_redirected(&all_outputs()[0], "> /dev/null");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

// Broke: `cfsign URL ... > /dev/full` said "No space left on device (os error 28)" without
// naming standard output (sign, cookies), or named it twice (verify, inspect).
#[cfg(target_os = "linux")]
#[test]
fn full_stdout_error_did_not_name_standard_output() {
    for args in all_outputs() {
        let out = run_redirected(&args, "> /dev/full");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "cfsign: error: standard output: No space left on device\n",
            "{args:?}"
        );
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    // Many URLs from standard input, through the worker threads.
    let dir = tempfile::tempdir().expect("tempdir");
    let urls = dir.path().join("urls.txt");
    let lines: String = (0..1000)
        .map(|i| format!("https://d1.net/{i}.jpg\n"))
        .collect();
    std::fs::write(&urls, lines).expect("write urls");
    let out = run_redirected(
        &[
            "--private-key",
            "KEY",
            "--key-pair-id",
            "K2JCJMDEHXQW5F",
            "--jobs",
            "2",
        ],
        &format!("> /dev/full < '{}'", urls.display()),
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "cfsign: error: standard output: No space left on device\n"
    );
    assert_eq!(out.status.code(), Some(2));
}

// Broke: a refused URL into a closed pipe exited 0, hiding CloudFront's 403 from scripts.
#[test]
fn closed_stdout_pipe_lost_the_refuse_exit_status_of_verify() {
    let tampered = format!("{URL}&x=1");
    for format in ["text", "json"] {
        let s = |v: &[&str]| v.iter().map(|a| a.to_string()).collect::<Vec<_>>();
        let args = s(&[
            "verify",
            &tampered,
            "--public-key",
            RSA_PUB,
            "--at",
            "1767280000",
            "--format",
            format,
        ]);
        let out = run_into_closed_pipe(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{format}: {stderr}");
        assert_eq!(stderr, "", "{format}");
    }
    // In a shell pipeline, as the tester ran it (whether or not `head -0` has left
    // before the write, the status is the verdict's).
    let script = format!(
        "'{bin}' verify \"$1\" --public-key '{key}' --at 1767280000 | head -0; echo \"verify=${{PIPESTATUS[0]}}\" >&2",
        bin = bin().display(),
        key = RSA_PUB,
    );
    let out = clean("bash")
        .args(["-c", &script, "bash", &tampered])
        .output()
        .expect("bash");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr, "verify=1\n");
}

// Broke (second review): `cfsign pubkey ... > /dev/full` said "No space left on device
// (os error 28)" without naming standard output, unlike every other command.
#[cfg(target_os = "linux")]
#[test]
fn pubkey_full_stdout_did_not_name_standard_output() {
    for format in ["pem", "config"] {
        let out = run_redirected(
            &["pubkey", "--private-key", "KEY", "--format", format],
            "> /dev/full",
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "cfsign: error: standard output: No space left on device\n",
            "{format}"
        );
        assert_eq!(out.status.code(), Some(2), "{format}");
    }
}
