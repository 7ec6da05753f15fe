//! The `N URLs, R/s` progress line on a terminal: shown when the signed URLs go to a file
//! or pipe, never when they go to the same terminal (it would land among them). Runs
//! cfsign under `script`, which gives it a real pseudo-terminal.

mod common;

use std::process::Command;

use common::{bin, key_arg};

/// A shell command that writes 10,000 blank lines (counted, skipped at once), waits 1.2 s
/// (the progress line shows only after the first second), then writes `urls` URLs: so
/// the progress line is due whatever the machine's speed.
fn slow_input(dir: &std::path::Path, urls: usize) -> String {
    let blanks = dir.join("blanks.txt");
    std::fs::write(&blanks, "\n".repeat(10_000)).unwrap();
    let list = dir.join("urls.txt");
    let text: String = (0..urls)
        .map(|i| format!("https://d111111abcdef8.cloudfront.net/{i}.jpg\n"))
        .collect();
    std::fs::write(&list, text).unwrap();
    format!(
        "{{ cat '{}'; sleep 1.2; cat '{}'; }}",
        blanks.display(),
        list.display()
    )
}

/// What the terminal shows when `shell_command` runs under `script` (stdout and stderr on
/// one pseudo-terminal unless the command redirects them).
fn on_terminal(shell_command: &str) -> String {
    let out = Command::new("script")
        .args(["-qec", shell_command, "/dev/null"])
        .env_remove("CFSIGN_PRIVATE_KEY")
        .env_remove("CFSIGN_PRIVATE_KEY_FILE")
        .output()
        .expect("script (util-linux) runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Regression: with stdout and stderr on one terminal, the progress line was drawn among
/// the signed URLs (and a URL could be printed after its `\r` on the same line).
#[test]
fn progress_line_landed_among_urls_on_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let cfsign = format!(
        "{} | '{}' --private-key '{}' --key-pair-id K2JCJMDEHXQW5F --jobs 1",
        slow_input(dir.path(), 50),
        bin(),
        key_arg("ec_p256_sec1.pem"),
    );
    // URLs to a file: the terminal shows the progress line (the check below is real).
    let out_file = dir.path().join("signed.txt");
    let shown = on_terminal(&format!("{cfsign} > '{}'", out_file.display()));
    assert!(
        shown.contains("\r\x1b[Kcfsign: ") && shown.contains(" URLs, "),
        "no progress line with stdout in a file: {shown:?}"
    );
    assert_eq!(
        std::fs::read_to_string(&out_file).unwrap().lines().count(),
        50
    );
    // URLs to the terminal: no progress line, every URL on a line of its own.
    let shown = on_terminal(&cfsign);
    assert!(!shown.contains(" URLs, "), "progress among the URLs");
    assert!(
        !shown.contains('\x1b'),
        "terminal control sequences among the URLs"
    );
    let lines: Vec<&str> = shown.lines().map(|l| l.trim_end_matches('\r')).collect();
    assert_eq!(lines.len(), 50, "{:?}", &lines[..3]);
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("https://d111111abcdef8.cloudfront.net/")
                && l.contains("&Key-Pair-Id=K2JCJMDEHXQW5F"))
    );
}
