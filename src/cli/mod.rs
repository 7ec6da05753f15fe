//! Command-line parsing, output and exit codes. Turns raw arguments into library types
//! once; never builds policies, JSON policies or base64 itself.

mod completions;
mod cookies;
mod exit;
mod hints;
mod inspect;
mod key_options;
mod key_source;
mod keygen;
mod man;
mod output;
mod pipeline;
#[cfg(feature = "pkcs11")]
mod pkcs11;
mod policy_options;
mod pubkey;
mod secrets;
#[cfg(feature = "serve")]
mod serve;
mod sign;
mod signed_input;
mod terminal;
mod time_options;
mod usage;
mod verify;
mod version;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

pub use exit::{Exit, Failed};

const AFTER_HELP: &str = "\
Examples:
  cfsign https://d111111abcdef8.cloudfront.net/test.webp --days 1 \\
      --private-key keys/private_key.pem --key-pair-id KDEMOEXAMPLE01
  export CFSIGN_PRIVATE_KEY_FILE=key.pem CFSIGN_KEY_PAIR_ID=K2JCJMDEHXQW5F
  cfsign https://d111111abcdef8.cloudfront.net/report.pdf \\
      --expires-in 90m --format json
  cfsign https://d111111abcdef8.cloudfront.net/videos/a.mp4 --days 7 \\
      --policy-resource 'https://d111111abcdef8.cloudfront.net/videos/*' \\
      --ip-address 192.0.2.0/24
  cfsign --date-less-than 2026-12-31 < urls.txt > signed.txt
  cfsign --aligned < urls.txt > signed.txt  # line N answers line N

Environment (an empty variable counts as unset):
  CFSIGN_PRIVATE_KEY_FILE        the PEM private key file (as --private-key)
  CFSIGN_PRIVATE_KEY             the PEM text itself, for CI secrets
                                 (literal \\n and CRLF are repaired)
  CFSIGN_PRIVATE_KEY_PASSPHRASE  passphrase of an encrypted key
  CFSIGN_KEY_PAIR_ID             CloudFront public key ID (as --key-pair-id)
  CFSIGN_PKCS11_MODULE           PKCS#11 module for pkcs11: keys
                                 (or ?module-path= in the URI)
  CFSIGN_PKCS11_PIN              token user PIN for pkcs11: keys (or a prompt)
  CFSIGN_KMS_MESSAGE_TYPE        auto (default), digest or raw: how kms: keys
                                 send the policy to KMS Sign
  AWS_REGION, AWS_PROFILE, ...   the standard AWS chain (AWS_ENDPOINT_URL
                                 too) for kms:, secretsmanager: and ssm:

Exit status:
  0  every URL was signed
  1  some inputs could not be signed (each reported on stderr as
     `cfsign: error: line N: reason`), or --strict refused a warning;
     the others were printed
  2  usage or configuration error (options, key, key pair ID, times);
     nothing was signed";

/// Create and check Amazon CloudFront signed URLs and signed cookies: canned and custom
/// policies, RSA and ECDSA keys.
///
/// With no subcommand, signs each URL given (or each line of standard input) and prints
/// one signed URL per line.
#[derive(Debug, Parser)]
#[command(
    name = "cfsign",
    version,
    args_conflicts_with_subcommands = true,
    after_help = AFTER_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    sign: sign::SignArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Sign URLs (the default when no subcommand is given).
    #[command(after_help = AFTER_HELP)]
    Sign(sign::SignArgs),
    /// Sign cookies for a resource pattern: Set-Cookie headers, a Cookie header, JSON or
    /// a cookie jar.
    #[command(after_help = cookies::AFTER_HELP, visible_alias = "sign-cookies")]
    Cookies(cookies::CookiesArgs),
    /// Check a signed URL (or cookies) offline: would CloudFront serve it, and if not, why.
    #[command(after_help = verify::AFTER_HELP)]
    Verify(verify::VerifyArgs),
    /// Decode a signed URL (or cookies) without a key: policy, times, key pair ID, signature.
    #[command(after_help = inspect::AFTER_HELP)]
    Inspect(inspect::InspectArgs),
    /// Create a key pair CloudFront accepts (RSA 2048 or ECDSA P-256) as PEM files.
    #[command(after_help = keygen::AFTER_HELP)]
    Keygen(keygen::KeygenArgs),
    /// Print the public key (PEM, as `aws cloudfront create-public-key` takes it) of any
    /// private key source: a PEM file, kms:KEY, pkcs11:URI, secretsmanager:, ssm:.
    #[command(after_help = pubkey::AFTER_HELP)]
    Pubkey(pubkey::PubkeyArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    #[command(after_help = completions::AFTER_HELP)]
    Completions(completions::CompletionsArgs),
    /// Print the manual page (roff), for `man -l -` or a man1 directory.
    #[command(after_help = man::AFTER_HELP)]
    Man(man::ManArgs),
    /// Serve a folder or proxy an origin on 127.0.0.1, enforcing signed URLs and cookies
    /// as a CloudFront cache behavior with trusted key groups does.
    #[cfg(feature = "serve")]
    #[command(after_help = serve::AFTER_HELP)]
    Serve(serve::ServeArgs),
}

/// A library error whose hint is replaced by one that names the command-line options
/// involved (the library knows nothing of options). Displays as the library error.
#[derive(Debug)]
pub struct CliHint {
    /// The library's error.
    pub error: cfsign::Error,
    /// The hint to show instead of the library's.
    pub hint: String,
}

impl std::fmt::Display for CliHint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for CliHint {}

/// Prints `cfsign: error: MESSAGE` and, when there is one, `hint: HINT` to stderr.
pub fn report(err: &anyhow::Error) {
    terminal::stderr_line(&format!(
        "cfsign: error: {}",
        terminal::one_line(&format!("{err:#}"))
    ));
    let cli_hint = err
        .chain()
        .find_map(|e| e.downcast_ref::<CliHint>())
        .map(|h| h.hint.clone());
    if let Some(hint) = cli_hint
        .or_else(|| {
            err.chain()
                .find_map(|e| e.downcast_ref::<cfsign::Error>())
                .and_then(hints::hint)
        })
        .or_else(|| secrets::hint(err).map(String::from))
    {
        terminal::stderr_line(&format!("hint: {}", terminal::one_line(&hint)));
    }
}

/// The command a mistyped first argument was meant as (`cookie` for `cookies`, `verfy`
/// for `verify`), if any. Such an argument would otherwise be taken as a URL to sign. Only
/// arguments without `://` count, and the names come from the clap command list, so new
/// commands are covered.
fn mistyped_command(first: &str) -> Option<String> {
    if first.starts_with('-') || first.contains("://") {
        return None;
    }
    let cmd = Cli::command();
    let names: Vec<&str> = cmd
        .get_subcommands()
        .flat_map(|c| std::iter::once(c.get_name()).chain(c.get_all_aliases()))
        .chain(["help"])
        .collect();
    if names.contains(&first) {
        return None;
    }
    let typed = first.to_ascii_lowercase();
    names
        .into_iter()
        .map(|name| (strsim::osa_distance(&typed, name), name))
        .filter(|(d, name)| *d <= (name.len() / 3).max(1))
        .min()
        .map(|(_, name)| name.to_string())
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Parses arguments, runs the command, reports errors and returns the exit status.
pub fn main() -> ExitCode {
    if let Some(first) = std::env::args_os().nth(1)
        && let Some(first) = first.to_str()
        && let Some(meant) = mistyped_command(first)
    {
        terminal::stderr_line(&format!(
            "cfsign: error: {:?} is not a command: did you mean `{meant}`?",
            terminal::one_line(first)
        ));
        terminal::stderr_line(
            "hint: URLs to sign start with https:// or http://; `cfsign --help` lists the commands",
        );
        return ExitCode::from(Exit::Usage);
    }
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if version::wanted(&args) {
        if let Some(code) = output_lost() {
            return code;
        }
        let _ = std::io::Write::write_all(&mut std::io::stdout(), version::text().as_bytes());
        return ExitCode::from(Exit::Ok);
    }
    if let Some(refusal) = secrets::check_arguments_and_environment(&args) {
        terminal::stderr_line(&format!("cfsign: error: {}", refusal.message));
        terminal::stderr_line(&format!("hint: {}", refusal.hint));
        return ExitCode::from(Exit::Usage);
    }
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            if cfsign::key::looks_like_key_material(&e.to_string()) {
                // Never reached while the check above holds; clap quotes arguments.
                terminal::stderr_line(
                    "cfsign: error: the arguments hold PEM key text (not shown); see cfsign --help",
                );
                return ExitCode::from(Exit::Usage);
            }
            // One line and a hint, as every cfsign error, instead of clap's block.
            let (message, hint) = usage::message_and_hint(&e);
            terminal::stderr_line(&format!("cfsign: error: {}", terminal::one_line(&message)));
            terminal::stderr_line(&format!("hint: {}", terminal::one_line(&hint)));
            return ExitCode::from(Exit::Usage);
        }
        Err(e) => {
            if let Some(code) = output_lost() {
                return code;
            }
            if let Err(err) = e.print()
                && err.kind() != std::io::ErrorKind::BrokenPipe
            {
                // `--help > /dev/full`: the help was not shown.
                terminal::stderr_line(&format!(
                    "cfsign: error: cannot write to standard output: {err}"
                ));
                return ExitCode::from(Exit::Usage);
            }
            return ExitCode::from(Exit::Ok);
        }
    };
    if terminal::stdout_was_closed() {
        match &cli.command {
            // Their product is files, a server, or (verify) the exit status.
            Some(Command::Verify(_)) => terminal::print_warning(
                "standard output is closed (>&-): the report is lost; the exit status still gives the verdict",
            ),
            Some(Command::Keygen(_)) => terminal::print_warning(
                "standard output is closed (>&-): the next steps will not be shown",
            ),
            #[cfg(feature = "serve")]
            Some(Command::Serve(_)) => {}
            _ => {
                terminal::stderr_line(
                    "cfsign: error: standard output is closed (>&-), so the results would be lost; redirect it to a file, or to /dev/null to discard them",
                );
                return ExitCode::from(Exit::Usage);
            }
        }
    }
    let result = match cli.command {
        Some(Command::Sign(args)) => sign::run(args),
        Some(Command::Cookies(args)) => cookies::run(args),
        Some(Command::Verify(args)) => verify::run(args),
        Some(Command::Inspect(args)) => inspect::run(args),
        Some(Command::Keygen(args)) => keygen::run(args),
        Some(Command::Pubkey(args)) => pubkey::run(args),
        Some(Command::Completions(args)) => completions::run(args),
        Some(Command::Man(args)) => man::run(args),
        #[cfg(feature = "serve")]
        Some(Command::Serve(args)) => serve::run(args),
        None => {
            if cli.sign.urls.is_empty() && cli.sign.url.is_empty() && std::io::stdin().is_terminal()
            {
                let _ = Cli::command().print_help();
                terminal::stderr_line(
                    "\ncfsign: error: no URL given and standard input is a terminal",
                );
                return ExitCode::from(Exit::Usage);
            }
            sign::run(cli.sign)
        }
    };
    let exit = match result {
        Ok(exit) => exit,
        Err(e) if is_broken_pipe(&e) => Exit::Ok,
        Err(e) => match e.chain().find_map(|c| c.downcast_ref::<Failed>()) {
            Some(failed) => {
                if let Some(error) = &failed.error {
                    report(error);
                }
                failed.exit
            }
            None => {
                report(&e);
                Exit::Usage
            }
        },
    };
    ExitCode::from(exit)
}

/// For `--help` and `--version`: exit 2 with one error line when standard output is
/// closed (`>&-`), as every command whose product is its output does.
fn output_lost() -> Option<ExitCode> {
    terminal::stdout_was_closed().then(|| {
        terminal::stderr_line(
            "cfsign: error: standard output is closed (>&-), so the output would be lost; redirect it to a file, or to /dev/null to discard it",
        );
        ExitCode::from(Exit::Usage)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// clap's own consistency checks on every command, argument and group (conflicts,
    /// requirements, value names, defaults) - they run only in debug builds and only when
    /// that command is parsed, so a mistake in a rarely used subcommand would otherwise
    /// surface first in a user's hands.
    #[test]
    fn clap_definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    /// Regression: `cfsign cookie ...` and `cfsign verfy` were taken as URLs to sign.
    #[test]
    fn mistyped_command_is_suggested() {
        for (typed, meant) in [
            ("cookie", "cookies"),
            ("verfy", "verify"),
            ("sing", "sign"),
            ("Inspect", "inspect"),
            ("keygn", "keygen"),
            ("sign-cookie", "sign-cookies"),
        ] {
            assert_eq!(mistyped_command(typed).as_deref(), Some(meant), "{typed}");
        }
        for not_a_typo in [
            "cookies",
            "https://d1.net/cookie",
            "-",
            "--url",
            "urls.txt",
            "d111111abcdef8.cloudfront.net/a.jpg",
        ] {
            assert_eq!(mistyped_command(not_a_typo), None, "{not_a_typo}");
        }
    }
}
