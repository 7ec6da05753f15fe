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
        // PKCS#11 token keys (`--private-key pkcs11:...`): where this command reads the
        // module and the PIN from.
        cfsign::Error::SigningKey { problem, .. }
            if problem.starts_with("cannot load the PKCS#11 module ") =>
        {
            Some("give the token's module with module-path= or CFSIGN_PKCS11_MODULE (SoftHSM: /usr/lib/softhsm/libsofthsm2.so, OpenSC: /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so)".into())
        }
        cfsign::Error::SigningKey { problem, .. } if problem == "the PIN is wrong" => Some(
            "give the token's user PIN (pin-value= or CFSIGN_PKCS11_PIN); repeated wrong PINs lock the token"
                .into(),
        ),
        cfsign::Error::SigningKey { problem, .. }
            if problem == "no private key found without logging in" =>
        {
            Some(
                "give the user PIN (pin-value=, CFSIGN_PKCS11_PIN, or at the prompt): private keys are visible only after login"
                    .into(),
            )
        }
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
