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
