//! Key PEM: any bytes as a private key (with and without a passphrase) or a public key
//! give a key or an error whose message and hint render and quote no line of the key's
//! base64 body; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the passphrase: none, or a short one from the input's tail.
    let (choice, pem) = data.split_first().unwrap_or((&0, &[]));
    let passphrase: Option<&[u8]> = match choice % 3 {
        0 => None,
        1 => Some(b"fuzz passphrase"),
        _ => Some(&pem[pem.len().saturating_sub(8)..]),
    };
    let _ = cfsign::PrivateKey::pem_is_encrypted(pem);
    match cfsign::PrivateKey::from_pem(pem, passphrase, "fuzz") {
        Ok(key) => {
            let _ = (key.algorithm(), key.public_key());
        }
        Err(e) => {
            cfsign_fuzz::exercise_error(&e);
            cfsign_fuzz::assert_no_key_body(&e, pem);
        }
    }
    match cfsign::PublicKey::from_pem(pem, "fuzz") {
        Ok(key) => {
            let _ = key.algorithm();
        }
        Err(e) => {
            cfsign_fuzz::exercise_error(&e);
            cfsign_fuzz::assert_no_key_body(&e, pem);
        }
    }
    if let Ok(text) = std::str::from_utf8(pem) {
        let _ = cfsign::key::normalize_pem_text(text);
    }
});
