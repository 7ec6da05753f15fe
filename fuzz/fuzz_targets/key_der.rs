//! Key DER: any DER bytes inside a PEM block of each key type (PKCS#1, PKCS#8, SEC1,
//! encrypted PKCS#8, SPKI, PKCS#1 public, after EC PARAMETERS) reach the DER parsers;
//! they give a key or an error, never a panic.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum Tag {
    RsaPrivate,
    Pkcs8,
    Sec1,
    Encrypted,
    Public,
    RsaPublic,
    Sec1AfterParams(Vec<u8>),
    Other(String),
}

#[derive(Arbitrary, Debug)]
struct Input {
    tag: Tag,
    der: Vec<u8>,
    passphrase: Option<Vec<u8>>,
    crlf: bool,
}

fuzz_target!(|input: Input| {
    let (tag, params) = match &input.tag {
        Tag::RsaPrivate => ("RSA PRIVATE KEY".to_string(), None),
        Tag::Pkcs8 => ("PRIVATE KEY".to_string(), None),
        Tag::Sec1 => ("EC PRIVATE KEY".to_string(), None),
        Tag::Encrypted => ("ENCRYPTED PRIVATE KEY".to_string(), None),
        Tag::Public => ("PUBLIC KEY".to_string(), None),
        Tag::RsaPublic => ("RSA PUBLIC KEY".to_string(), None),
        Tag::Sec1AfterParams(p) => ("EC PRIVATE KEY".to_string(), Some(p.clone())),
        Tag::Other(t) => (t.clone(), None),
    };
    let mut text = String::new();
    let ending = if input.crlf {
        pem::LineEnding::CRLF
    } else {
        pem::LineEnding::LF
    };
    let config = pem::EncodeConfig::new().set_line_ending(ending);
    if let Some(p) = params {
        text.push_str(&pem::encode_config(
            &pem::Pem::new("EC PARAMETERS", p),
            config,
        ));
    }
    text.push_str(&pem::encode_config(
        &pem::Pem::new(tag, input.der.clone()),
        config,
    ));
    let pass = input.passphrase.as_deref();
    match cfsign::PrivateKey::from_pem(text.as_bytes(), pass, "fuzz") {
        Ok(key) => {
            let _ = key.public_key();
        }
        Err(e) => {
            cfsign_fuzz::exercise_error(&e);
            cfsign_fuzz::assert_no_key_body(&e, text.as_bytes());
        }
    }
    match cfsign::PublicKey::from_pem(text.as_bytes(), "fuzz") {
        Ok(key) => {
            let _ = key.algorithm();
        }
        Err(e) => cfsign_fuzz::exercise_error(&e),
    }
    // Raw DER (binary) where PEM is expected is refused with a hint.
    if let Err(e) = cfsign::PrivateKey::from_pem(&input.der, pass, "fuzz") {
        cfsign_fuzz::exercise_error(&e);
    }
});
