//! [`Warning`]: what is allowed but probably not what the user meant.

use std::fmt;

use crate::policy;

/// Something that is allowed but probably not what the user meant. The URL is still signed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Warning {
    /// The host is an S3 endpoint, which ignores CloudFront signatures.
    S3Endpoint {
        /// The host.
        host: String,
    },
    /// The URL holds `*`, signed as a literal character of a canned policy [\[R4\]](crate::rules#r4).
    LiteralStar,
    /// The URL holds `*` and is signed in a custom policy with the URL as `Resource`
    /// (`PolicyMode::Custom`): there the `*` is a wildcard, so the signature also works
    /// for every URL it matches [\[R5\]](crate::rules#r5).
    StarIsWildcard,
    /// Browsers and curl send this URL in another form (upper-case host, default port,
    /// `.`/`..` path segments, no path), and CloudFront checks the signature against the
    /// form it receives.
    ClientForm {
        /// The form clients send.
        sent: String,
        /// What they change.
        changes: String,
    },
    /// Browsers percent-encode some characters the URL holds raw (`<`, `>`, `` ` ``,
    /// `{`, `}` in the path; `<`, `>`, `'` in the query) while curl sends them as given,
    /// so the signature fits only one kind of client.
    BrowserForm {
        /// The form browsers send.
        sent: String,
    },
    /// The URL names a port other than 80 and 443: CloudFront takes viewer requests only
    /// on port 80 (HTTP) and 443 (HTTPS), so the request never reaches it.
    OtherPort {
        /// The port.
        port: u32,
    },
    /// Signed cookies with `Secure` for an `http://` resource: clients send `Secure`
    /// cookies only over HTTPS (RFC 6265 section 5.4), so CloudFront never receives them
    /// on the `http://` requests the resource names.
    SecureCookieOverHttp,
    /// The policy's resource matches every URL (`*`, `*://*`, `https://*`) or is absent:
    /// the signature grants every object of every distribution whose key group trusts the
    /// key, not just the files meant (Developer Guide, custom policy `Resource`: "If you
    /// omit the Resource parameter, users can access all of the objects associated with
    /// any distribution that is associated with the key pair").
    GrantsEverything {
        /// The resource, `None` when the policy has no `Resource`.
        resource: Option<String>,
        /// What it grants, in words (every object, or every http or https object).
        grants: &'static str,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::S3Endpoint { host } => write!(
                f,
                "{host} is an S3 endpoint: S3 does not understand CloudFront signatures; sign your distribution's URL (d111111abcdef8.cloudfront.net or an alternate domain)"
            ),
            Warning::LiteralStar => f.write_str(
                "the URL holds '*', which a canned policy signs as a literal character; to grant access to many files sign a policy resource with a wildcard, or use signed cookies",
            ),
            Warning::StarIsWildcard => f.write_str(
                "the URL holds '*', which the custom policy's Resource reads as a wildcard: the signature also works for every URL it matches (only a canned policy, without a start time or IP range, takes '*' literally)",
            ),
            Warning::BrowserForm { sent } => write!(
                f,
                "browsers request this URL as {sent} (they percent-encode < > ` {{ }} in the path and < > ' in the query; curl sends it as given): sign the form your viewers' clients send"
            ),
            Warning::GrantsEverything { resource, grants } => write!(
                f,
                "the policy resource {} grants {grants}: anyone holding this signature can fetch any of them until it expires; narrow it to your files (for example https://d111111abcdef8.cloudfront.net/videos/*)",
                match resource {
                    Some(r) => format!("{r:?}"),
                    None => "(none: the policy has no Resource)".into(),
                }
            ),
            Warning::OtherPort { port } => write!(
                f,
                "the URL names port {port}, but CloudFront accepts requests only on port 80 (http) and 443 (https): sign the URL your viewers request from CloudFront"
            ),
            Warning::SecureCookieOverHttp => f.write_str(
                "the cookies are Secure but the resource is http://: clients send Secure cookies only over https, so CloudFront would not receive them on http:// requests; sign an https:// resource, or leave out the Secure attribute for plain HTTP",
            ),
            Warning::ClientForm { sent, changes } => write!(
                f,
                "clients request this URL as {sent} ({changes}), and CloudFront checks the signature against that form: sign it instead"
            ),
        }
    }
}

impl Warning {
    /// [`Warning::GrantsEverything`] when `resource` (`None`: no `Resource` in the policy)
    /// matches every URL: `None`, or a pattern that matches URLs of unrelated hosts and
    /// paths (`*`, `*://*`, `https://*`).
    pub fn grants_everything(resource: Option<&str>) -> Option<Warning> {
        policy::grants_everything(resource).map(|grants| Warning::GrantsEverything {
            resource: resource.map(str::to_string),
            grants,
        })
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (issue 11): two warnings named command-line options
    /// (`--policy-resource`, `--no-secure`) in the library; a service has no such options,
    /// so the library says the fix in domain words and the CLI adds the option.
    #[test]
    fn library_warnings_named_command_line_options() {
        let all = [
            Warning::S3Endpoint {
                host: "b.s3.amazonaws.com".into(),
            },
            Warning::LiteralStar,
            Warning::StarIsWildcard,
            Warning::ClientForm {
                sent: "https://d1.net/".into(),
                changes: "'/' added as the path".into(),
            },
            Warning::BrowserForm {
                sent: "https://d1.net/%3C".into(),
            },
            Warning::OtherPort { port: 8443 },
            Warning::SecureCookieOverHttp,
            Warning::grants_everything(None).unwrap(),
        ];
        for w in all {
            let text = w.to_string();
            assert!(!text.contains("--"), "{text}");
        }
        assert!(
            Warning::LiteralStar
                .to_string()
                .ends_with("sign a policy resource with a wildcard, or use signed cookies")
        );
        assert!(
            Warning::SecureCookieOverHttp
                .to_string()
                .ends_with("leave out the Secure attribute for plain HTTP")
        );
    }
}
