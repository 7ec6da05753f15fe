//! The policy options of the signing commands (`--policy`, `--ip-address`,
//! `--policy-resource`, `--policy-file`): the policy condition, and the checks that fail
//! for every URL, made once before any URL is read.

use anyhow::{Context, Result};
use cfsign::{Condition, PolicyMode, RawPolicy, SourceIp};
use clap::Args;

use super::terminal::Said;
use super::time_options::{
    TimeArgs, check_not_expired, expiry, name_time_options, note_local_time,
};

/// Policy options.
#[derive(Debug, Args)]
#[command(next_help_heading = "Policy")]
pub struct PolicyArgs {
    /// Policy type: auto uses a custom policy exactly when needed (a wildcard resource,
    /// a start time or an IP range); canned refuses those.
    #[arg(long = "policy", value_name = "TYPE", default_value = "auto", value_parser = parse_mode)]
    pub mode: PolicyMode,

    /// Only viewers from this IPv4 address or CIDR range (IpAddress, AWS:SourceIp); a bare
    /// address means /32. Needs a custom policy.
    #[arg(long, value_name = "CIDR")]
    pub ip_address: Option<String>,
}

fn parse_mode(s: &str) -> std::result::Result<PolicyMode, String> {
    s.parse()
}

/// Builds the policy condition from the time and policy options. Prints nothing: notes
/// and warnings go to `said`, in order.
pub fn condition(
    time: &TimeArgs,
    policy: &PolicyArgs,
    now: i64,
    said: &mut Vec<Said>,
) -> Result<Condition> {
    let date_less_than = expiry(time, now, said)?;
    let date_greater_than = time
        .date_greater_than
        .as_deref()
        .map(|w| {
            let t = cfsign::time::parse_time(w).context("--date-greater-than")?;
            note_local_time("--date-greater-than", w, t, said);
            Ok::<_, anyhow::Error>(t)
        })
        .transpose()?;
    let ip_address = policy
        .ip_address
        .as_deref()
        .map(|s| s.trim().parse::<SourceIp>().context("--ip-address"))
        .transpose()?;
    if let Some(ip) = ip_address
        && ip.prefix() == 0
    {
        said.push(Said::Warning(format!(
            "--ip-address {ip} matches every IPv4 address: the condition restricts nothing; give the viewers' range (for example 203.0.113.0/24) or leave --ip-address out"
        )));
    } else if let Some(ip) = ip_address
        && ip.is_non_public()
    {
        said.push(Said::Warning(format!(
            "--ip-address {ip} is a loopback or private range; CloudFront sees the viewer's public address, so requests will be refused"
        )));
    }
    if let Some(ip) = ip_address
        && ip.has_host_bits()
        && ip.prefix() != 0
    {
        said.push(Said::Warning(format!(
            "--ip-address {ip} has bits set past the /{} prefix: it is signed as written and covers the whole range; write the range's first address to make that plain",
            ip.prefix()
        )));
    }
    let condition = Condition {
        date_less_than,
        date_greater_than,
        ip_address,
    };
    condition
        .validate_for_signing()
        .map_err(|e| name_time_options(e, time))?;
    Ok(condition)
}

/// Refuses, before any URL is read, policy options that fail for every URL: an invalid
/// `--policy-resource`, and `--policy canned` with a wildcard resource, a start time or
/// an IP range (rules R4, R5). These are configuration errors, not bad inputs.
pub fn check_policy_options(
    resource: Option<&str>,
    condition: &Condition,
    mode: PolicyMode,
) -> Result<()> {
    if let Some(r) = resource {
        cfsign::policy::check_resource(r).context("--policy-resource")?;
    }
    if mode == PolicyMode::Canned {
        let pattern = resource.is_some_and(|r| cfsign::policy::is_pattern(r, None));
        cfsign::policy::choose_type(pattern, condition, mode).context("--policy canned")?;
    }
    Ok(())
}

/// Reads a policy file, keeping its bytes exactly, and checks it is not expired.
pub fn policy_file(path: &std::path::Path, now: i64) -> Result<RawPolicy> {
    let bytes = cfsign::key::read_small_file(path, "policy file")?;
    let raw = RawPolicy::new(bytes).with_context(|| format!("policy file {}", path.display()))?;
    check_not_expired(raw.policy().condition().date_less_than, now)?;
    Ok(raw)
}
