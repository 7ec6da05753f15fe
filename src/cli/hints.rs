//! The fix lines that name command-line options and environment variables. The library's
//! [`cfsign::Error::hint`] speaks the domain ("a custom policy"); where the fix is an
//! option of this command, the CLI says which one here.

/// The `hint:` line for a library error: the option-naming fix where there is one, else
/// the library's own hint.
pub fn hint(e: &cfsign::Error) -> Option<String> {
    match e {
        cfsign::Error::CannedNotPossible { .. } => Some(
            "use --policy custom (or auto), or drop the wildcard, start time and IP range".into(),
        ),
        cfsign::Error::Passphrase { .. } => Some(
            "give the passphrase with --passphrase-file PATH or CFSIGN_PRIVATE_KEY_PASSPHRASE"
                .into(),
        ),
        _ => e.hint(),
    }
}

/// A library warning as this command says it: with the option that fixes it where there
/// is one (the library's text names the fix in domain words), else the library's text.
pub fn warning(w: &cfsign::Warning) -> String {
    match w {
        cfsign::Warning::LiteralStar => "the URL holds '*', which a canned policy signs as a literal character; to grant access to many files use --policy-resource with a wildcard, or signed cookies".into(),
        cfsign::Warning::SecureCookieOverHttp => "the cookies are Secure but the resource is http://: clients send Secure cookies only over https, so CloudFront would not receive them on http:// requests; sign an https:// resource, or use --no-secure for plain HTTP".into(),
        _ => w.to_string(),
    }
}
