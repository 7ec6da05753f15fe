//! `cfsign man [COMMAND]`: the manual page in roff, generated from the clap definitions
//! (the same text as `--help`, with the examples and exit statuses).

use std::io::Write;

use anyhow::{Context, Result, bail};
use clap::{Args, CommandFactory};

use super::{Cli, Exit};

pub const AFTER_HELP: &str = "\
Examples:
  cfsign man | man -l -              # read it now
  cfsign man verify | man -l -       # the page of one subcommand: cfsign-verify(1)
  mkdir -p ~/.local/share/man/man1
  cfsign man > ~/.local/share/man/man1/cfsign.1
  for c in sign cookies verify inspect keygen completions; do
    cfsign man $c > ~/.local/share/man/man1/cfsign-$c.1
  done";

/// Arguments of `cfsign man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// A subcommand whose page to print (cfsign-COMMAND(1)); default: cfsign(1).
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

/// Writes the manual page to standard output.
pub fn run(args: ManArgs) -> Result<Exit> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let page = match &args.command {
        None => cmd,
        Some(name) => match cmd.find_subcommand(name) {
            Some(sub) => sub.clone(),
            None => {
                let names: Vec<&str> = cmd.get_subcommands().map(|s| s.get_name()).collect();
                bail!(
                    "`cfsign man {name}`: no such subcommand; give one of: {}",
                    names.join(", ")
                );
            }
        },
    };
    let mut roff = Vec::new();
    render(page, &mut roff).context("cannot render the manual page")?;
    let mut out = std::io::stdout().lock();
    out.write_all(&roff)
        .and_then(|()| out.flush())
        .context("cannot write to standard output")?;
    Ok(Exit::Ok)
}

/// Renders the page: clap_mangen's sections, then the after-help text (examples,
/// environment, exit status) as sections of its own, unfilled so that commands keep their
/// line breaks and `-` stays an ASCII minus that can be copied into a shell.
fn render(page: clap::Command, w: &mut Vec<u8>) -> std::io::Result<()> {
    let extra = page.get_after_help().map(|h| h.to_string());
    let has_subcommands = page.get_subcommands().next().is_some();
    let has_version = page.get_version().is_some();
    let man = clap_mangen::Man::new(page);
    man.render_title(w)?;
    // No hyphenation: a hyphen inserted into `--policy-resource` or a URL breaks copying.
    w.extend_from_slice(b".nh\n");
    man.render_name_section(w)?;
    man.render_synopsis_section(w)?;
    man.render_description_section(w)?;
    man.render_options_section(w)?;
    if has_subcommands {
        man.render_subcommands_section(w)?;
    }
    if let Some(text) = extra {
        w.extend_from_slice(roff_sections(&text).as_bytes());
    }
    if has_version {
        man.render_version_section(w)?;
    }
    Ok(())
}

/// The after-help text as roff: a line `Heading:` starts a section `.SH HEADING`; the
/// other lines are kept as written (no filling), with roff's special characters escaped.
fn roff_sections(text: &str) -> String {
    let mut out = String::new();
    let mut open = false;
    for line in text.lines() {
        let heading = !line.starts_with(' ') && line.ends_with(':');
        if heading {
            if open {
                out.push_str(".fi\n");
            }
            let title = line.trim_end_matches(':').to_uppercase();
            out.push_str(&format!(".SH \"{}\"\n.nf\n", roff_escape(&title)));
            open = true;
        } else if open {
            out.push_str(&roff_escape(line));
            out.push('\n');
        }
    }
    if open {
        out.push_str(".fi\n");
    }
    out
}

/// Escapes one line of text for roff: backslashes, ASCII minus signs, and a leading `.` or
/// `'` (which would start a request).
fn roff_escape(line: &str) -> String {
    let escaped = line.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}
