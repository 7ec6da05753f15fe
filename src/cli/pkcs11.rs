//! `--private-key pkcs11:...`: the module and PIN for a token key, from the URI or the
//! environment (CFSIGN_PKCS11_MODULE, CFSIGN_PKCS11_PIN) or a prompt.

use std::io::IsTerminal;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use cfsign::SigningKey;
use cfsign::pkcs11::{Pkcs11Key, Pkcs11Uri};
use zeroize::Zeroizing;

use super::key_options::{KeyArgs, env_value, key_from_stdin};

/// Opens the token key a `pkcs11:` URI names.
pub fn signing_key(uri: &str, args: &KeyArgs) -> Result<Arc<dyn SigningKey>> {
    let parsed = Pkcs11Uri::parse(uri)?;
    let module = match (
        parsed.module_path.clone(),
        env_value("CFSIGN_PKCS11_MODULE"),
    ) {
        (Some(path), _) | (None, Some(path)) => path,
        (None, None) => bail!(
            "{}: no PKCS#11 module: add ?module-path=/path/to/module.so to the URI or set CFSIGN_PKCS11_MODULE (SoftHSM: /usr/lib/softhsm/libsofthsm2.so, OpenSC: /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so)",
            parsed.display
        ),
    };
    let pin: Option<Zeroizing<String>> = match (&parsed.pin_value, env_value("CFSIGN_PKCS11_PIN")) {
        (Some(p), _) => Some(p.clone()),
        (None, Some(p)) => Some(Zeroizing::new(p)),
        (None, None) if std::io::stdin().is_terminal() && !key_from_stdin(args) => {
            let p = rpassword::prompt_password(format!("PIN for {}: ", parsed.display))
                .context("cannot read the PIN from the terminal")?;
            Some(Zeroizing::new(p))
        }
        (None, None) => None,
    };
    let sessions = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let key = Pkcs11Key::open(
        &parsed,
        std::path::Path::new(&module),
        pin.as_deref().map(String::as_str),
        None,
        sessions,
    )?;
    Ok(Arc::new(key))
}
