//! Keys on PKCS#11 tokens and HSMs (cargo feature `pkcs11`): [`Pkcs11Uri`] reads an
//! RFC 7512 URI, [`Pkcs11Key`] signs on the token.
//!
//! RSA keys sign with `CKM_SHA1_RSA_PKCS` / `CKM_SHA256_RSA_PKCS` when the token has
//! them, else with `CKM_RSA_PKCS` over a DER `DigestInfo` (tokens that cannot hash: PIV
//! cards, YubiKeys); both give the RSASSA-PKCS1-v1_5 bytes a PEM signer gives. P-256 keys
//! sign with `CKM_ECDSA` over the digest, and the token's raw `r‖s` is DER-encoded
//! [\[R14\]](crate::rules#r14). The private key never leaves the token; the PIN is held only while logging in.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::types::AuthPin;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::key::{KeyAlgorithm, PublicKey};
use crate::key_source::redact_pin;
use crate::sign::HashAlgorithm;
use crate::signing_key::{
    ALL_HASHES, SigningKey, digest, digest_info, ecdsa_der_from_raw, public_key_from_spki_der,
};

/// A PKCS#11 URI (RFC 7512) naming a key: `pkcs11:token=LABEL;object=LABEL` or `id=`,
/// with optional `?pin-value=PIN&module-path=/path/to/module.so`.
#[derive(Clone, Default)]
pub struct Pkcs11Uri {
    /// `token=`: the token's label.
    pub token: Option<String>,
    /// `object=`: the key's label (`CKA_LABEL`).
    pub object: Option<String>,
    /// `id=`: the key's `CKA_ID` bytes (percent-encoded in the URI).
    pub id: Option<Vec<u8>>,
    /// `pin-value=`: the user PIN (zeroized when dropped; never shown).
    pub pin_value: Option<Zeroizing<String>>,
    /// `module-path=`: the PKCS#11 module (shared library) to load.
    pub module_path: Option<String>,
    /// The URI with the PIN hidden, for messages.
    pub display: String,
}

impl std::fmt::Debug for Pkcs11Uri {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Pkcs11Uri({})", self.display)
    }
}

fn uri_error(display: &str, problem: impl Into<String>) -> Error {
    Error::SigningKey {
        source_name: display.into(),
        problem: problem.into(),
        fix: Some(
            "write pkcs11:token=TOKEN-LABEL;object=KEY-LABEL (or id=%01), optionally ?module-path=/usr/lib/softhsm/libsofthsm2.so (RFC 7512)".into(),
        ),
    }
}

/// Percent-decodes an RFC 7512 attribute value.
fn percent_decode(value: &str, display: &str) -> Result<Vec<u8>> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| uri_error(display, format!("has a bad %-escape in {value:?}")))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Ok(out)
}

impl Pkcs11Uri {
    /// Parses `pkcs11:` path attributes (`token`, `object`, `id`, `type`; others such as
    /// `manufacturer` are accepted and ignored) and query attributes (`pin-value`,
    /// `module-path`; `pin-source` and `module-name` are refused as unsupported).
    ///
    /// # Errors
    /// [`Error::SigningKey`] for a URI that is not `pkcs11:`, has a bad escape, names no
    /// key (`object=` or `id=`), or asks for an object `type` other than `private`.
    pub fn parse(uri: &str) -> Result<Self> {
        let display = redact_pin(uri);
        let rest = uri
            .strip_prefix("pkcs11:")
            .ok_or_else(|| uri_error(&display, "is not a pkcs11: URI"))?;
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let mut parsed = Pkcs11Uri {
            display: display.clone(),
            ..Default::default()
        };
        let text = |v: &str| -> Result<String> {
            String::from_utf8(percent_decode(v, &display)?)
                .map_err(|_| uri_error(&display, format!("has a value that is not UTF-8: {v:?}")))
        };
        for attr in path.split(';').filter(|a| !a.is_empty()) {
            let (name, value) = attr
                .split_once('=')
                .ok_or_else(|| uri_error(&display, format!("has {attr:?} without a value")))?;
            match name {
                "token" => parsed.token = Some(text(value)?),
                "object" => parsed.object = Some(text(value)?),
                "id" => parsed.id = Some(percent_decode(value, &display)?),
                "type" if value == "private" => {}
                "type" => {
                    return Err(uri_error(
                        &display,
                        format!(
                            "asks for type={value}; signing needs the private key (type=private)"
                        ),
                    ));
                }
                "pin-value" => parsed.pin_value = Some(Zeroizing::new(text(value)?)),
                _ => {}
            }
        }
        for attr in query.split('&').filter(|a| !a.is_empty()) {
            let (name, value) = attr.split_once('=').unwrap_or((attr, ""));
            match name {
                "pin-value" => parsed.pin_value = Some(Zeroizing::new(text(value)?)),
                "module-path" => parsed.module_path = Some(text(value)?),
                "pin-source" | "module-name" => {
                    return Err(uri_error(
                        &display,
                        format!(
                            "uses {name}=, which cfsign does not support: give pin-value= (or the PIN outside the URI) and module-path="
                        ),
                    ));
                }
                _ => {}
            }
        }
        if parsed.object.is_none() && parsed.id.is_none() {
            return Err(uri_error(
                &display,
                "names no key: add object=LABEL or id=%XX",
            ));
        }
        Ok(parsed)
    }
}

/// How an RSA key on a token signs; chosen from the token's mechanism list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RsaMechanism {
    /// `CKM_SHA1_RSA_PKCS` / `CKM_SHA256_RSA_PKCS`: the token hashes.
    HashAndSign,
    /// `CKM_RSA_PKCS` over a DER `DigestInfo` computed here (tokens that cannot hash).
    RawOverDigestInfo,
}

/// A private key on a PKCS#11 token, logged in, ready to sign.
pub struct Pkcs11Key {
    // Sessions first: they close before the module is finalized.
    sessions: Vec<Mutex<Session>>,
    next: AtomicUsize,
    _context: Pkcs11,
    key: ObjectHandle,
    algorithm: KeyAlgorithm,
    rsa_mechanism: RsaMechanism,
    hashes: Vec<HashAlgorithm>,
    public_key: PublicKey,
    display: String,
}

impl std::fmt::Debug for Pkcs11Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Pkcs11Key({}, {})", self.display, self.algorithm)
    }
}

fn ck_problem(e: &CkError) -> String {
    match e {
        CkError::Pkcs11(rv, function) => format!("{function:?} failed: {rv}"),
        other => other.to_string(),
    }
}

impl Pkcs11Key {
    /// Loads `module`, finds the token by label, logs in with `pin` (when given) and finds
    /// the private key by `object=` label and/or `id=`. `rsa_mechanism` forces how an RSA
    /// key signs (`None`: the token's hashing mechanisms when it has them). `sessions` is
    /// how many signing sessions to open (signatures at once).
    ///
    /// # Errors
    /// [`Error::SigningKey`] naming the URI (PIN hidden) and the fix: the module cannot be
    /// loaded, no token has the label, the PIN is wrong or missing, no key (or several)
    /// matches, the key is neither RSA 2048 nor P-256, the token lacks the mechanisms.
    pub fn open(
        uri: &Pkcs11Uri,
        module: &Path,
        pin: Option<&str>,
        rsa_mechanism: Option<RsaMechanism>,
        sessions: usize,
    ) -> Result<Self> {
        let display = uri.display.clone();
        let fail = |problem: String, fix: &str| Error::SigningKey {
            source_name: display.clone(),
            problem,
            fix: (!fix.is_empty()).then(|| fix.to_string()),
        };
        let context = Pkcs11::new(module).map_err(|e| {
            fail(
                format!("cannot load the PKCS#11 module {} ({e})", module.display()),
                "give the path of the token's PKCS#11 module (SoftHSM: /usr/lib/softhsm/libsofthsm2.so, OpenSC: /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so)",
            )
        })?;
        context
            .initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK))
            .map_err(|e| {
                fail(
                    format!("cannot initialise the module ({})", ck_problem(&e)),
                    "",
                )
            })?;
        let slots = context
            .get_slots_with_token()
            .map_err(|e| fail(format!("cannot list tokens ({})", ck_problem(&e)), ""))?;
        let mut labels = Vec::new();
        let mut found = None;
        for slot in slots {
            let Ok(info) = context.get_token_info(slot) else {
                continue;
            };
            let label = info.label().trim_end().to_string();
            if uri.token.as_deref().is_none_or(|t| t == label) {
                found = Some(slot);
                break;
            }
            if !label.is_empty() {
                labels.push(label);
            }
        }
        let slot = found.ok_or_else(|| {
            fail(
                format!(
                    "no token labelled {:?} (tokens present: {})",
                    uri.token.as_deref().unwrap_or_default(),
                    if labels.is_empty() {
                        "none".to_string()
                    } else {
                        labels.join(", ")
                    }
                ),
                "check token= against the token's label (softhsm2-util --show-slots, pkcs11-tool --list-slots) and that the token is inserted",
            )
        })?;
        let mechanisms = context
            .get_mechanism_list(slot)
            .map_err(|e| fail(format!("cannot list mechanisms ({})", ck_problem(&e)), ""))?;
        let count = sessions.max(1);
        let mut opened = Vec::with_capacity(count);
        for _ in 0..count {
            opened.push(
                context
                    .open_ro_session(slot)
                    .map_err(|e| fail(format!("cannot open a session ({})", ck_problem(&e)), ""))?,
            );
        }
        let session = &opened[0];
        if let Some(pin) = pin {
            let secret = AuthPin::from(pin.to_string());
            match session.login(UserType::User, Some(&secret)) {
                Ok(()) | Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {}
                Err(CkError::Pkcs11(
                    RvError::PinIncorrect | RvError::PinInvalid | RvError::PinLenRange,
                    _,
                )) => {
                    return Err(fail(
                        "the PIN is wrong".into(),
                        "give the token's user PIN; repeated wrong PINs lock the token",
                    ));
                }
                Err(CkError::Pkcs11(RvError::PinLocked, _)) => {
                    return Err(fail(
                        "the token's PIN is locked".into(),
                        "unlock it with the SO PIN (softhsm2-util, pkcs11-tool --unlock-pin)",
                    ));
                }
                Err(e) => return Err(fail(format!("cannot log in ({})", ck_problem(&e)), "")),
            }
        }
        let mut template = vec![Attribute::Class(ObjectClass::PRIVATE_KEY)];
        if let Some(label) = &uri.object {
            template.push(Attribute::Label(label.as_bytes().to_vec()));
        }
        if let Some(id) = &uri.id {
            template.push(Attribute::Id(id.clone()));
        }
        let keys = session
            .find_objects(&template)
            .map_err(|e| fail(format!("cannot search the token ({})", ck_problem(&e)), ""))?;
        let key = match keys.as_slice() {
            [key] => *key,
            [] if pin.is_none() => {
                return Err(fail(
                    "no private key found without logging in".into(),
                    "give the user PIN: private keys are visible only after login",
                ));
            }
            [] => {
                return Err(fail(
                    "no private key with that object=/id= on the token".into(),
                    "list the keys with pkcs11-tool --module MODULE --login --list-objects --type privkey",
                ));
            }
            _ => {
                return Err(fail(
                    format!("{} private keys match", keys.len()),
                    "name one key: add id= (or a unique object=)",
                ));
            }
        };
        let attrs = session
            .get_attributes(
                key,
                &[
                    AttributeType::KeyType,
                    AttributeType::Id,
                    AttributeType::Label,
                ],
            )
            .map_err(|e| fail(format!("cannot read the key ({})", ck_problem(&e)), ""))?;
        let key_type = attrs.iter().find_map(|a| match a {
            Attribute::KeyType(t) => Some(*t),
            _ => None,
        });
        let key_id = attrs.iter().find_map(|a| match a {
            Attribute::Id(id) => Some(id.clone()),
            _ => None,
        });
        let has = |m: MechanismType| mechanisms.contains(&m);
        let (algorithm, public_der, hashes, rsa_mechanism) = match key_type {
            Some(KeyType::RSA) => {
                let der = rsa_public_der(session, key).map_err(|p| fail(p, ""))?;
                let can_hash =
                    has(MechanismType::SHA1_RSA_PKCS) && has(MechanismType::SHA256_RSA_PKCS);
                let mechanism = match rsa_mechanism {
                    Some(m) => m,
                    None if can_hash => RsaMechanism::HashAndSign,
                    None => RsaMechanism::RawOverDigestInfo,
                };
                if mechanism == RsaMechanism::RawOverDigestInfo && !has(MechanismType::RSA_PKCS) {
                    return Err(fail(
                        "the token has neither CKM_SHA1_RSA_PKCS/CKM_SHA256_RSA_PKCS nor CKM_RSA_PKCS".into(),
                        "use a token that signs RSA PKCS#1 v1.5",
                    ));
                }
                (KeyAlgorithm::Rsa2048, der, ALL_HASHES.to_vec(), mechanism)
            }
            Some(KeyType::EC) => {
                if !has(MechanismType::ECDSA) {
                    return Err(fail(
                        "the token has no CKM_ECDSA".into(),
                        "use a token that signs ECDSA P-256",
                    ));
                }
                let der =
                    ec_public_der(session, uri, key_id.as_deref()).map_err(|p| fail(p, ""))?;
                (
                    KeyAlgorithm::EcdsaP256,
                    der,
                    ALL_HASHES.to_vec(),
                    RsaMechanism::HashAndSign,
                )
            }
            other => {
                return Err(fail(
                    format!(
                        "holds a {other:?} key; CloudFront accepts only RSA 2048 and ECDSA P-256"
                    ),
                    "import or generate an RSA 2048 or P-256 key on the token",
                ));
            }
        };
        let public_key = public_key_from_spki_der(&public_der, &display)?;
        if public_key.algorithm() != algorithm {
            return Err(fail(format!("holds a {} key", public_key.algorithm()), ""));
        }
        Ok(Pkcs11Key {
            sessions: opened.into_iter().map(Mutex::new).collect(),
            next: AtomicUsize::new(0),
            _context: context,
            key,
            algorithm,
            rsa_mechanism,
            hashes,
            public_key,
            display,
        })
    }

    /// How an RSA key signs on this token.
    pub fn rsa_mechanism(&self) -> RsaMechanism {
        self.rsa_mechanism
    }

    fn token_sign(&self, mechanism: &Mechanism, data: &[u8]) -> Result<Vec<u8>> {
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let n = self.sessions.len();
        // A free session if there is one, else wait for this call's turn.
        let guard = (0..n)
            .find_map(|i| self.sessions[(start + i) % n].try_lock().ok())
            .map_or_else(|| self.sessions[start % n].lock(), Ok)
            .map_err(|_| Error::SigningKey {
                source_name: self.display.clone(),
                problem: "a signing session failed earlier".into(),
                fix: None,
            })?;
        guard
            .sign(mechanism, self.key, data)
            .map_err(|e| Error::SigningKey {
                source_name: self.display.clone(),
                problem: format!("the token could not sign ({})", ck_problem(&e)),
                fix: None,
            })
    }
}

/// The SubjectPublicKeyInfo DER of an RSA private key object, from its modulus and public
/// exponent attributes.
fn rsa_public_der(session: &Session, key: ObjectHandle) -> std::result::Result<Vec<u8>, String> {
    use rsa::pkcs8::EncodePublicKey;
    let attrs = session
        .get_attributes(
            key,
            &[AttributeType::Modulus, AttributeType::PublicExponent],
        )
        .map_err(|e| format!("cannot read the RSA key's public part ({})", ck_problem(&e)))?;
    let (mut n, mut e) = (None, None);
    for a in attrs {
        match a {
            Attribute::Modulus(v) => n = Some(v),
            Attribute::PublicExponent(v) => e = Some(v),
            _ => {}
        }
    }
    let (Some(n), Some(e)) = (n, e) else {
        return Err("the RSA key does not show its modulus and exponent".into());
    };
    let key = rsa::PublicKey::new(
        rsa::BoxedUint::from_be_slice_vartime(&n),
        rsa::BoxedUint::from_be_slice_vartime(&e),
    )
    .map_err(|err| format!("the RSA key's public part is invalid ({err})"))?;
    key.to_public_key_der()
        .map(|d| d.as_bytes().to_vec())
        .map_err(|err| format!("cannot encode the RSA public key ({err})"))
}

/// The SubjectPublicKeyInfo DER of the P-256 public key object that goes with the private
/// key (same `CKA_ID`, else same label): `CKA_EC_POINT` is an OCTET STRING holding the
/// uncompressed point.
fn ec_public_der(
    session: &Session,
    uri: &Pkcs11Uri,
    key_id: Option<&[u8]>,
) -> std::result::Result<Vec<u8>, String> {
    use p256::pkcs8::EncodePublicKey;
    let mut template = vec![Attribute::Class(ObjectClass::PUBLIC_KEY)];
    match (key_id.filter(|id| !id.is_empty()), &uri.object) {
        (Some(id), _) => template.push(Attribute::Id(id.to_vec())),
        (None, Some(label)) => template.push(Attribute::Label(label.as_bytes().to_vec())),
        (None, None) => {}
    }
    let objects = session
        .find_objects(&template)
        .map_err(|e| format!("cannot search for the public key ({})", ck_problem(&e)))?;
    let Some(public) = objects.first() else {
        return Err("the token holds no public key object for this EC key (needed for its public key); import the key pair, not the private key alone".into());
    };
    let attrs = session
        .get_attributes(*public, &[AttributeType::EcPoint])
        .map_err(|e| format!("cannot read the EC public key ({})", ck_problem(&e)))?;
    let point = attrs
        .into_iter()
        .find_map(|a| match a {
            Attribute::EcPoint(p) => Some(p),
            _ => None,
        })
        .ok_or("the EC public key has no CKA_EC_POINT")?;
    // DER OCTET STRING (04 LEN point) as the standard says; some tokens give the point.
    let raw = match point.as_slice() {
        [0x04, len, rest @ ..] if usize::from(*len) == rest.len() => rest,
        other => other,
    };
    let key = p256::PublicKey::from_sec1_bytes(raw)
        .map_err(|_| "the EC public key is not a P-256 point".to_string())?;
    key.to_public_key_der()
        .map(|d| d.as_bytes().to_vec())
        .map_err(|err| format!("cannot encode the EC public key ({err})"))
}

impl SigningKey for Pkcs11Key {
    fn algorithm(&self) -> KeyAlgorithm {
        self.algorithm
    }

    fn supported_hashes(&self) -> &[HashAlgorithm] {
        &self.hashes
    }

    fn public_key(&self) -> PublicKey {
        self.public_key.clone()
    }

    fn parallelism(&self) -> Option<usize> {
        Some(self.sessions.len())
    }

    fn sign(&self, hash: HashAlgorithm, message: &[u8]) -> Result<Vec<u8>> {
        match (self.algorithm, self.rsa_mechanism, hash) {
            (KeyAlgorithm::Rsa2048, RsaMechanism::HashAndSign, HashAlgorithm::Sha1) => {
                self.token_sign(&Mechanism::Sha1RsaPkcs, message)
            }
            (KeyAlgorithm::Rsa2048, RsaMechanism::HashAndSign, HashAlgorithm::Sha256) => {
                self.token_sign(&Mechanism::Sha256RsaPkcs, message)
            }
            (KeyAlgorithm::Rsa2048, RsaMechanism::RawOverDigestInfo, h) => {
                self.token_sign(&Mechanism::RsaPkcs, &digest_info(h, message))
            }
            (KeyAlgorithm::EcdsaP256, _, h) => {
                let raw = self.token_sign(&Mechanism::Ecdsa, &digest(h, message))?;
                ecdsa_der_from_raw(&raw)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_parse_per_rfc_7512() {
        let u = Pkcs11Uri::parse(
            "pkcs11:token=My%20Token;object=cf-rsa;id=%01%A0;type=private?pin-value=12%3B4&module-path=/usr/lib/softhsm/libsofthsm2.so",
        )
        .unwrap();
        assert_eq!(u.token.as_deref(), Some("My Token"));
        assert_eq!(u.object.as_deref(), Some("cf-rsa"));
        assert_eq!(u.id.as_deref(), Some(&[0x01, 0xa0][..]));
        assert_eq!(u.pin_value.as_deref().map(String::as_str), Some("12;4"));
        assert_eq!(
            u.module_path.as_deref(),
            Some("/usr/lib/softhsm/libsofthsm2.so")
        );
        assert!(!format!("{u:?}").contains("12%3B4"));
        let e = Pkcs11Uri::parse("pkcs11:token=t").unwrap_err().to_string();
        assert!(e.contains("names no key"), "{e}");
        let e = Pkcs11Uri::parse("pkcs11:object=k;type=public")
            .unwrap_err()
            .to_string();
        assert!(e.contains("type=private"), "{e}");
        let e = Pkcs11Uri::parse("pkcs11:object=k%4")
            .unwrap_err()
            .to_string();
        assert!(e.contains("%-escape"), "{e}");
    }
}
