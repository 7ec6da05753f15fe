//! Remarks on a verification that do not change its verdict ([`Note`]).

use std::fmt;

use crate::params::SigningParameter;
use crate::policy::SourceIp;
use crate::url::Warning;

/// A remark on a verification: a check that was skipped, a part of the request that was
/// ignored, or what signing would warn about the URL. The verdict stands either way.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Note {
    /// What signing warns about this URL: clients send it in another form
    /// ([`Warning::ClientForm`], and the verdict is that form's), a port CloudFront does
    /// not listen on, a custom policy that grants every object.
    Url(Warning),
    /// The key pair ID was not checked: one public key was trusted without the ID it is
    /// registered under, so any ID was accepted.
    KeyPairIdNotChecked,
    /// The `#fragment` was ignored: clients never send it to CloudFront.
    FragmentIgnored {
        /// The fragment, with its `#`.
        fragment: String,
    },
    /// The policy allows only an IP range, and the viewer's address was not given, so the
    /// range was not checked.
    IpNotChecked {
        /// The policy's `IpAddress`.
        range: SourceIp,
    },
    /// The signed cookies were ignored: the URL holds signed-URL parameters, so CloudFront
    /// treats the request as a signed URL ("Signed URLs take precedence over signed
    /// cookies").
    CookiesIgnored {
        /// The signed-URL parameters found in the URL, in [`SigningParameter::ALL`] order.
        parameters: Vec<SigningParameter>,
    },
    /// A signing cookie was left out: the client would not send it with this URL.
    CookieLeftOut {
        /// The cookie's name.
        cookie: String,
        /// Why not, for example `its Path=/videos/ does not cover /images/a.jpg`.
        problem: String,
    },
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::Url(w) => write!(f, "{w}"),
            Note::KeyPairIdNotChecked => f.write_str(
                "the Key-Pair-Id was not checked against an expected ID; give the ID the public key is registered under to check it",
            ),
            Note::FragmentIgnored { fragment } => write!(
                f,
                "the fragment {fragment:?} was ignored: clients never send it to CloudFront"
            ),
            Note::IpNotChecked { range } => write!(
                f,
                "the policy allows only IpAddress {range}; give the viewer's address to check it"
            ),
            Note::CookiesIgnored { parameters } => {
                let names: Vec<&str> = parameters.iter().map(|p| p.query_name()).collect();
                let many = names.len() > 1;
                write!(
                    f,
                    "the cookies were ignored: the URL holds the signed-URL parameter{} {}, so CloudFront treats it as a signed URL and does not look at signed cookies; remove {} from the URL to use the cookies",
                    if many { "s" } else { "" },
                    names.join(", "),
                    if many { "them" } else { "it" },
                )
            }
            Note::CookieLeftOut { cookie, problem } => write!(
                f,
                "the cookie {cookie} was left out: the client would not send it with this URL ({problem})"
            ),
        }
    }
}
