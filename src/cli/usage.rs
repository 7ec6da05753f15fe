//! Option-parsing (clap) errors in cfsign's form: one `cfsign: error: MESSAGE` line and one
//! `hint:` line, instead of clap's block (message, blank line, tips, usage, "For more
//! information"). The exit status stays [`super::Exit::Usage`] (2).

use clap::error::{ContextKind, ContextValue, Error};

/// The one-line message and the hint of a clap usage error. The hint is the possible
/// values of the option (`--format xml`), else clap's own tip ("a similar argument
/// exists: '--format'"), else where the help is (`cfsign verify --help`).
pub fn message_and_hint(e: &Error) -> (String, String) {
    let text = e.render().to_string();
    let text = text.strip_prefix("error: ").unwrap_or(&text);
    // The message is the first block; its indented lines (the arguments in conflict, the
    // missing ones) join its first line.
    let block = text.split("\n\n").next().unwrap_or_default();
    let mut lines = block.lines();
    let mut message = lines.next().unwrap_or_default().trim_end().to_string();
    let rest: Vec<&str> = lines
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("[possible values"))
        .collect();
    if !rest.is_empty() {
        message.push(' ');
        message.push_str(&rest.join(if message.ends_with(':') { ", " } else { " " }));
    }
    let hint = match e.get(ContextKind::ValidValue) {
        Some(ContextValue::Strings(values)) if !values.is_empty() => {
            format!("possible values: {}", values.join(", "))
        }
        _ => tip(text).unwrap_or_else(|| format!("try `{} --help`", command_path(text))),
    };
    (message, hint)
}

/// clap's first `tip:` line, without the word.
fn tip(text: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.trim().strip_prefix("tip: "))
        .map(str::to_string)
}

/// The command the error is about (`cfsign`, `cfsign verify`), from clap's usage line.
fn command_path(text: &str) -> String {
    let words: Vec<&str> = text
        .lines()
        .find_map(|l| l.strip_prefix("Usage: "))
        .unwrap_or("cfsign")
        .split_whitespace()
        .take_while(|w| !w.starts_with(['[', '<', '-']))
        .collect();
    if words.is_empty() {
        "cfsign".into()
    } else {
        words.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use super::*;
    use crate::cli::Cli;

    fn parse_error(args: &[&str]) -> (String, String) {
        let e = Cli::try_parse_from(args).expect_err("a usage error");
        assert!(e.use_stderr());
        message_and_hint(&e)
    }

    /// Regression (review nit 7): clap's errors were several lines (a blank line, tips,
    /// usage, "For more information"), where every other cfsign error is one line plus an
    /// optional hint.
    #[test]
    fn clap_errors_were_several_lines() {
        Cli::command().debug_assert();
        for (args, message, hint) in [
            (
                &["cfsign", "keygen", "--type", "rsa4096"][..],
                "invalid value 'rsa4096' for '--type <KEY_TYPE>'",
                "possible values: rsa, ecdsa",
            ),
            (
                &["cfsign", "https://d1.net/a", "--format", "xml"][..],
                "invalid value 'xml' for '--format <FORMAT>'",
                "possible values: text, json",
            ),
            (
                &["cfsign", "verify", "--formt", "json"][..],
                "unexpected argument '--formt' found",
                "a similar argument exists: '--format'",
            ),
            (
                &[
                    "cfsign",
                    "https://d1.net/a",
                    "--days",
                    "1",
                    "--expires-in",
                    "1h",
                ][..],
                "the argument '--days <N>' cannot be used with '--expires-in <DURATION>'",
                "try `cfsign --help`",
            ),
            (
                &["cfsign", "verify", "--cookie-header", "a=b"][..],
                "the following required arguments were not provided: --url <URL>",
                "try `cfsign verify --help`",
            ),
        ] {
            let (m, h) = parse_error(args);
            assert_eq!((m.as_str(), h.as_str()), (message, hint), "{args:?}");
            assert!(!m.contains('\n') && !h.contains('\n'));
        }
    }
}
