//! `cfsign completions SHELL`: a shell completion script, generated from the clap
//! definitions, so it always knows every subcommand and option of this build.

use std::io::Write;

use anyhow::{Context, Result};
use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{Cli, Exit};

pub const AFTER_HELP: &str = "\
Examples:
  # bash: for this shell, then for every new one
  source <(cfsign completions bash)
  cfsign completions bash > ~/.local/share/bash-completion/completions/cfsign
  # zsh: a directory on $fpath, then restart zsh
  cfsign completions zsh > ~/.zfunc/_cfsign
  # fish
  cfsign completions fish > ~/.config/fish/completions/cfsign.fish
  # PowerShell: add to $PROFILE
  cfsign completions powershell | Out-String | Invoke-Expression
  # elvish: add to ~/.config/elvish/rc.elv
  eval (cfsign completions elvish | slurp)";

/// Arguments of `cfsign completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum, ignore_case = true)]
    pub shell: Shell,
}

/// Writes the completion script for `args.shell` to standard output.
pub fn run(args: CompletionsArgs) -> Result<Exit> {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "cfsign", &mut script);
    let mut out = std::io::stdout().lock();
    out.write_all(&script)
        .and_then(|()| out.flush())
        .context("cannot write to standard output")?;
    Ok(Exit::Ok)
}
