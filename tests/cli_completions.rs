//! `cfsign completions SHELL` and `cfsign man`, generated from the clap definitions and
//! checked with the real consumers: bash runs the completion function, `man -l` renders
//! the page.

mod common;

use std::process::Command;

use common::{cfsign, stderr, stdout};

/// The script `cfsign completions SHELL` prints (exit 0, nothing on stderr).
fn script(shell: &str) -> String {
    let out = cfsign().args(["completions", shell]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    stdout(&out)
}

/// What bash's completion offers for the command line `words` with the cursor at the end
/// of the last word: sources the generated script in a real bash, fills COMP_WORDS and
/// COMP_CWORD as readline does, calls the function the script registered with
/// `complete -F`, and returns COMPREPLY sorted.
fn bash_completes(words: &[&str]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cfsign.bash");
    std::fs::write(&path, script("bash")).unwrap();
    let line = words.join(" ");
    let program = r#"
        source "$1"; shift
        func=$(complete -p cfsign | sed -n 's/.*-F \([^ ]*\) .*/\1/p')
        [ -n "$func" ] || { echo "no completion registered for cfsign" >&2; exit 3; }
        COMP_LINE="$1"; shift
        COMP_POINT=${#COMP_LINE}
        COMP_WORDS=("$@")
        COMP_CWORD=$(( $# - 1 ))
        prev=""; [ "$COMP_CWORD" -gt 0 ] && prev="${COMP_WORDS[COMP_CWORD-1]}"
        "$func" cfsign "${COMP_WORDS[COMP_CWORD]}" "$prev"
        printf '%s\n' "${COMPREPLY[@]}"
    "#;
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", program, "bash"])
        .arg(&path)
        .arg(&line)
        .args(words)
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "bash failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut offered: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    offered.sort();
    offered
}

#[test]
fn bash_completes_co_to_cookies_and_completions() {
    assert_eq!(
        bash_completes(&["cfsign", "co"]),
        ["completions", "cookies"],
        "cfsign co<TAB>"
    );
    assert_eq!(bash_completes(&["cfsign", "coo"]), ["cookies"]);
}

#[test]
fn bash_completes_subcommand_options_and_shell_names() {
    assert_eq!(
        bash_completes(&["cfsign", "verify", "--public-k"]),
        ["--public-key"]
    );
    assert_eq!(
        bash_completes(&["cfsign", "completions", ""]),
        [
            "--help",
            "-h",
            "bash",
            "elvish",
            "fish",
            "powershell",
            "zsh"
        ]
    );
    assert_eq!(
        bash_completes(&["cfsign", "keygen", "--type", ""]),
        ["ecdsa", "rsa"]
    );
}

/// Regression: `cfsign completions bash` was taken as two URLs to sign (a missing-key
/// error); it is now a subcommand that needs no key.
#[test]
fn completions_bash_is_a_subcommand_not_urls_to_sign() {
    let bash = script("bash");
    assert!(bash.contains("complete -F _cfsign"), "{bash}");
    assert!(script("zsh").starts_with("#compdef cfsign\n"));
    assert!(script("fish").contains("complete -c cfsign"));
    assert!(script("powershell").contains("Register-ArgumentCompleter"));
    assert!(script("elvish").contains("edit:completion:arg-completer[cfsign]"));
    // Shell names are case-insensitive, an unknown one is a usage error.
    assert_eq!(script("BASH"), bash);
    let out = cfsign().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("invalid value 'tcsh'"),
        "{}",
        stderr(&out)
    );
}

/// The page `cfsign man ARGS` prints, rendered by `man -l` (man-db and groff, as a user
/// reads it) at a fixed width; fails if man reports any roff warning.
fn rendered(args: &[&str]) -> String {
    let out = cfsign().arg("man").args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("cfsign.1");
    std::fs::write(&page, &out.stdout).unwrap();
    let shown = Command::new("man")
        .args(["--warnings", "-l"])
        .arg(&page)
        .env("LANG", "C.UTF-8")
        .env("MANWIDTH", "120")
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .output()
        .expect("man runs (.ci/run installs man-db and groff-base)");
    let err = String::from_utf8_lossy(&shown.stderr);
    assert!(shown.status.success(), "man -l failed: {err}");
    assert_eq!(err, "", "man -l --warnings reported problems");
    String::from_utf8(shown.stdout).unwrap()
}

#[test]
fn man_page_renders_with_options_subcommands_examples_and_exit_status() {
    let text = rendered(&[]);
    assert!(text.starts_with("cfsign(1)"), "{text}");
    for needle in [
        // The name line is justified: groff may widen any space.
        "NAME\n       cfsign  -  Create  and check Amazon CloudFront signed URLs",
        "       --key-pair-id <ID>\n",
        "       --private-key <PATH>\n",
        "       cfsign-verify(1)\n",
        "       cfsign-completions(1)\n",
        // Examples keep their lines, with ASCII minus signs that paste into a shell.
        "EXAMPLES\n         cfsign https://d111111abcdef8.cloudfront.net/test.webp --days 1 \\\n             --private-key keys/private_key.pem --key-pair-id KDEMOEXAMPLE01\n",
        "EXIT STATUS\n         0  every URL was signed\n",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    let version = format!("VERSION\n       v{}\n", env!("CARGO_PKG_VERSION"));
    assert!(text.contains(&version), "missing {version:?} in:\n{text}");
    assert!(!text.contains('\u{2010}'), "a hyphen where a minus belongs");
}

#[test]
fn man_page_of_a_subcommand_and_an_unknown_one() {
    let text = rendered(&["verify"]);
    assert!(text.starts_with("cfsign-verify(1)"), "{text}");
    assert!(text.contains("       --public-key <PATH>\n"), "{text}");
    assert!(
        text.contains("EXIT STATUS\n         0  CloudFront would serve the request\n"),
        "{text}"
    );
    common::assert_refused(
        cfsign().args(["man", "nope"]),
        2,
        "no such subcommand; give one of: sign, cookies, verify, inspect, keygen",
    );
}
