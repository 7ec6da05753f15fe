//! The examples in `cfsign verify --help` and `cfsign inspect --help` survive clap's
//! wrapping at 80 and 100 columns, so they still work when copied.

mod common;

fn help(subcommand: &str, columns: &str) -> String {
    let out = common::cfsign()
        .args([subcommand, "--help"])
        .env("COLUMNS", columns)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8(out.stdout).expect("utf8")
}

/// The text from `Examples:` to the end (the after_help).
fn after_help(help: &str) -> String {
    let start = help.find("\nExamples:\n").expect("an Examples section");
    help[start..].to_string()
}

/// The lines after `Examples:` up to the first blank line.
fn examples(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| *l != "Examples:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

// Broke: clap wrapped the long example lines at 100 columns, splitting a quoted URL from
// its command and a Cookie header inside its quotes.
#[test]
fn help_examples_were_broken_by_wrapping() {
    for sub in ["verify", "inspect"] {
        let at_80 = after_help(&help(sub, "80"));
        assert_eq!(
            at_80,
            after_help(&help(sub, "100")),
            "{sub}: the examples differ by width"
        );
        for line in at_80.lines() {
            assert!(line.chars().count() < 80, "{sub}: {line:?} is 80+ columns");
        }
        let lines = examples(&at_80);
        assert!(lines.len() >= 4, "{sub}: {lines:?}");
        for (i, line) in lines.iter().enumerate() {
            let continued = i > 0 && lines[i - 1].ends_with('\\');
            if continued {
                assert!(line.starts_with("      --"), "{sub}: {line:?}");
            } else {
                assert!(
                    ["  cfsign ", "  URL=", "  COOKIES="]
                        .iter()
                        .any(|p| line.starts_with(p)),
                    "{sub}: {line:?} is not a command"
                );
            }
        }
        // The examples are valid shell as printed: quotes and continuations intact.
        let script = lines.join("\n");
        let check = std::process::Command::new("sh")
            .args(["-n", "-c", &script])
            .output()
            .expect("sh");
        assert!(
            check.status.success(),
            "{sub}: {}\n{script}",
            String::from_utf8_lossy(&check.stderr)
        );
        assert!(
            script.contains(&format!("  cfsign {sub} \"$URL\"")),
            "{script}"
        );
    }
    let verify = examples(&help("verify", "80")).join("\n");
    assert!(
        verify.contains("\n      --cookie-header \"$COOKIES\" --public-key public_key.pem"),
        "{verify}"
    );
}

// Broke: `cfsign --help` wrapped its long example lines at 80 columns, leaving
// `--format json` and `--ip-address ...` on lines of their own, outside the command.
#[test]
fn every_help_keeps_its_examples_intact() {
    for sub in ["", "sign", "cookies", "keygen"] {
        let run = |columns: &str| {
            let mut cmd = common::cfsign();
            if !sub.is_empty() {
                cmd.arg(sub);
            }
            let out = cmd
                .arg("--help")
                .env("COLUMNS", columns)
                .output()
                .expect("run");
            assert_eq!(out.status.code(), Some(0));
            String::from_utf8(out.stdout).expect("utf8")
        };
        let at_80 = after_help(&run("80"));
        assert_eq!(at_80, after_help(&run("100")), "{sub:?}: differs by width");
        for line in at_80.lines() {
            assert!(
                line.chars().count() < 80,
                "{sub:?}: {line:?} is 80+ columns"
            );
        }
        let lines = examples(&at_80);
        for (i, line) in lines.iter().enumerate() {
            if i > 0 && lines[i - 1].ends_with('\\') {
                assert!(line.starts_with("      "), "{sub:?}: {line:?}");
            } else {
                assert!(
                    ["  cfsign ", "  export ", "  curl ", "  COOKIES="]
                        .iter()
                        .any(|p| line.starts_with(p)),
                    "{sub:?}: {line:?} is not a command"
                );
            }
        }
        let check = std::process::Command::new("sh")
            .args(["-n", "-c", &lines.join("\n")])
            .output()
            .expect("sh");
        assert!(check.status.success(), "{sub:?}: {}", lines.join("\n"));
    }
}
