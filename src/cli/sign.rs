//! `cfsign [sign] URL...`: signed URLs, from arguments or standard input.

use std::collections::HashSet;
use std::io::{BufRead, BufWriter, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Result, bail};
use cfsign::{RawPolicy, SignedUrl, Signer, UrlPolicy};
use clap::Args;

use super::common::{self, Format, KeyArgs, PolicyArgs, TimeArgs};
use super::{EXIT_INPUT, EXIT_OK, Reported};

/// Arguments of the signing command.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// URLs to sign, exactly as viewers will request them. None or `-`: read one per line
    /// from standard input.
    #[arg(value_name = "URL")]
    pub urls: Vec<String>,

    #[command(flatten)]
    pub key: KeyArgs,

    #[command(flatten)]
    pub time: TimeArgs,

    #[command(flatten)]
    pub policy: PolicyArgs,

    /// The policy's Resource, may hold * and ? wildcards: the signature then covers every
    /// matching URL. The URL must match it.
    #[arg(long, value_name = "PATTERN", help_heading = "Policy")]
    pub policy_resource: Option<String>,

    /// A complete custom policy (JSON) to sign byte for byte as written; it carries the
    /// resource, expiry, start time and IP range.
    #[arg(
        long,
        value_name = "PATH",
        help_heading = "Policy",
        conflicts_with_all = ["policy_resource", "ip_address", "date_greater_than", "days", "expires_in", "date_less_than"]
    )]
    pub policy_file: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value = "text", help_heading = "Output")]
    pub format: Format,
}

/// How each URL is signed.
enum Plan {
    Conditions(UrlPolicy),
    Raw(RawPolicy),
}

impl Plan {
    fn sign(&self, signer: &Signer, url: &str) -> cfsign::Result<SignedUrl> {
        match self {
            Plan::Conditions(p) => signer.sign_url(url, p),
            Plan::Raw(r) => signer.sign_url_with_policy(url, r),
        }
    }
}

/// Runs the signing command and returns the exit status.
pub fn run(args: SignArgs) -> Result<u8> {
    let from_stdin = args.urls.is_empty() || args.urls == ["-"];
    if from_stdin && common::key_from_stdin(&args.key) {
        bail!("--private-key - reads the key from standard input, so give the URLs as arguments");
    }
    if args.policy.mode == cfsign::PolicyMode::Canned && args.policy_file.is_some() {
        bail!("--policy canned cannot be used with --policy-file, which is a custom policy");
    }
    let now = common::now(&args.time)?;
    let plan = match &args.policy_file {
        Some(path) => Plan::Raw(common::policy_file(path, now)?),
        None => {
            let condition = common::condition(&args.time, &args.policy, now)?;
            common::check_policy_options(
                args.policy_resource.as_deref(),
                &condition,
                args.policy.mode,
            )?;
            Plan::Conditions(UrlPolicy {
                policy_resource: args.policy_resource.clone(),
                condition,
                mode: args.policy.mode,
            })
        }
    };
    let signer = common::signer(&args.key)?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut seen_warnings = HashSet::new();
    let mut failures = 0usize;
    // Signs one URL and writes it; returns whether it was signed.
    let mut emit = |n: Option<usize>, url: &str, out: &mut dyn Write| -> Result<bool> {
        let where_ = n.map(|n| format!("line {n}: ")).unwrap_or_default();
        match plan.sign(&signer, url) {
            Ok(signed) => {
                for w in &signed.warnings {
                    let text = w.to_string();
                    if seen_warnings.insert(text.clone()) {
                        common::warn(&format!("{where_}{text}"));
                    }
                }
                match args.format {
                    Format::Text => writeln!(out, "{}", signed.url)?,
                    Format::Json => writeln!(out, "{}", signed.to_json())?,
                }
                Ok(true)
            }
            Err(e) => {
                eprintln!("cfsign: {}{}", where_, common::one_line(&e.to_string()));
                if let Some(h) = e.hint() {
                    eprintln!("hint: {}", common::one_line(&h));
                }
                Ok(false)
            }
        }
    };
    if from_stdin {
        let stdin = std::io::stdin();
        let interactive = stdin.is_terminal();
        let mut input = stdin.lock();
        let mut line = Vec::new();
        let mut n = 0usize;
        loop {
            line.clear();
            if input.read_until(b'\n', &mut line)? == 0 {
                break;
            }
            n += 1;
            let Ok(text) = std::str::from_utf8(&line) else {
                failures += 1;
                eprintln!("cfsign: line {n}: is not UTF-8 text");
                continue;
            };
            let url = text.trim();
            if url.is_empty() {
                continue;
            }
            if !emit(Some(n), url, &mut out)? {
                failures += 1;
            }
            if interactive {
                out.flush()?;
            }
        }
    } else {
        for url in &args.urls {
            if !emit(None, url, &mut out)? {
                failures += 1;
            }
        }
    }
    out.flush()?;
    if failures > 0 {
        return Err(Reported(EXIT_INPUT).into());
    }
    Ok(EXIT_OK)
}
