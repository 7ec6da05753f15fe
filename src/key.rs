//! Private and public keys: PEM loading, key-type detection and size checks \[R12\], \[R16\].
//!
//! This is the only module that holds secret bytes. Key text is zeroized after parsing,
//! and [`PrivateKey`]'s `Debug` shows only the algorithm and size.

use std::fmt;
use std::path::Path;

use pkcs8::der::Decode;
use pkcs8::{DecodePrivateKey, DecodePublicKey, ObjectIdentifier};
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::traits::PublicKeyParts;
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Result};

const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const OID_EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const OID_P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
const OID_SECP256K1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.10");
const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const OID_ED448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.113");
const OID_DSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10040.4.1");
const OID_RSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");

/// A readable name for a key algorithm CloudFront does not accept.
fn algorithm_name(oid: ObjectIdentifier) -> String {
    match oid {
        o if o == OID_ED25519 => "Ed25519".into(),
        o if o == OID_ED448 => "Ed448".into(),
        o if o == OID_DSA => "DSA".into(),
        o if o == OID_RSA_PSS => "RSA-PSS (restricted RSA)".into(),
        o => format!("algorithm {o}"),
    }
}

/// The RSA modulus size CloudFront accepts, in bits \[R12\].
pub const RSA_BITS: usize = 2048;

/// The kind of a key, as CloudFront names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyAlgorithm {
    /// RSA with a 2048-bit modulus.
    Rsa2048,
    /// ECDSA on the NIST P-256 curve (prime256v1, secp256r1).
    EcdsaP256,
}

impl KeyAlgorithm {
    /// `"RSA-2048"` or `"ECDSA-P256"`.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyAlgorithm::Rsa2048 => "RSA-2048",
            KeyAlgorithm::EcdsaP256 => "ECDSA-P256",
        }
    }
}

impl fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

pub(crate) enum PrivateMaterial {
    Rsa(Box<rsa::PrivateKey>),
    EcP256(p256::ecdsa::SigningKey),
}

/// A private key CloudFront accepts: RSA 2048 or ECDSA P-256.
///
/// Load it with [`PrivateKey::from_pem`] or [`PrivateKey::from_pem_file`]. The key
/// material is zeroized when the value is dropped; `Debug` prints only the algorithm.
pub struct PrivateKey {
    pub(crate) material: PrivateMaterial,
    /// The same RSA key parsed by OpenSSL, when that backend signs (feature `openssl`).
    #[cfg(feature = "openssl")]
    pub(crate) ossl: Option<crate::openssl_backend::OsslRsa>,
}

/// The library that makes RSA signatures. ECDSA always uses `p256` (deterministic
/// RFC 6979 nonces). Both backends produce identical RSA signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// The pure-Rust `rsa` crate: constant-time, blinded, no system library; the default.
    RustCrypto,
    /// OpenSSL through the `openssl` crate (cargo feature `openssl`): about 5x faster per
    /// core. Some system OpenSSL policies refuse SHA-1 signatures.
    #[cfg(feature = "openssl")]
    OpenSsl,
}

impl Backend {
    /// The backend a newly loaded key uses: OpenSSL when the `openssl` feature is on,
    /// else the `rsa` crate.
    pub fn default_for_build() -> Self {
        #[cfg(feature = "openssl")]
        return Backend::OpenSsl;
        #[cfg(not(feature = "openssl"))]
        Backend::RustCrypto
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKey({})", self.algorithm())
    }
}

#[derive(Clone)]
pub(crate) enum PublicMaterial {
    Rsa(Box<rsa::PublicKey>),
    EcP256(p256::ecdsa::VerifyingKey),
}

/// A public key CloudFront accepts (RSA 2048 or ECDSA P-256), for verification.
#[derive(Clone)]
pub struct PublicKey {
    pub(crate) material: PublicMaterial,
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.algorithm())
    }
}

/// Repairs PEM text as CI secrets often damage it: literal `\n` sequences instead of line
/// breaks, CRLF line ends, surrounding quotes or whitespace.
pub fn normalize_pem_text(text: &str) -> Zeroizing<String> {
    let mut s = Zeroizing::new(text.trim().to_string());
    for quote in ['"', '\''] {
        if s.len() >= 2 && s.starts_with(quote) && s.ends_with(quote) {
            *s = s[1..s.len() - 1].to_string();
        }
    }
    if s.contains("\\n") {
        *s = s.replace("\\r\\n", "\n").replace("\\n", "\n");
    }
    if s.contains('\r') {
        *s = s.replace('\r', "");
    }
    let trimmed_len = s.trim_end().len();
    s.truncate(trimmed_len);
    s
}

fn format_err(source_name: &str, problem: impl Into<String>) -> Error {
    Error::KeyFormat {
        source_name: source_name.into(),
        problem: problem.into(),
    }
}

/// Reads all PEM blocks, skipping `EC PARAMETERS`, and returns the first key block.
/// Reads all PEM blocks (skipping `EC PARAMETERS`) and returns the one block of the kind
/// `wanted` accepts (a bundle may hold a certificate beside its key), or, when there is
/// none, the first block, for an error that names what the file holds.
///
/// # Errors
/// [`Error::KeyFormat`] for text that is not PEM, or for two blocks of the wanted kind
/// (which key is meant is unclear).
fn first_block(
    bytes: &[u8],
    source_name: &str,
    wanted: fn(&str) -> bool,
) -> Result<(pem::Pem, Option<ObjectIdentifier>)> {
    if bytes.first() == Some(&0x30) {
        return Err(format_err(
            source_name,
            "looks like DER (binary); cfsign reads PEM: convert with `openssl pkey -inform DER -in KEY -out key.pem`",
        ));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| format_err(source_name, "is not PEM text (it is binary or not UTF-8)"))?;
    let text = normalize_pem_text(text);
    if !text.contains("-----BEGIN ") {
        return Err(format_err(
            source_name,
            "is not a PEM file: there is no -----BEGIN ...----- line",
        ));
    }
    let blocks = pem::parse_many(text.as_bytes())
        .map_err(|e| format_err(source_name, format!("is not valid PEM ({e})")))?;
    let mut params_curve = None;
    let mut saw_params = false;
    let mut key: Option<pem::Pem> = None;
    let mut first_other = None;
    for block in blocks {
        if block.tag() == "EC PARAMETERS" {
            saw_params = true;
            params_curve = ObjectIdentifier::from_der(block.contents()).ok();
        } else if wanted(block.tag()) {
            if let Some(previous) = key.replace(block) {
                let mut a = previous.into_contents();
                a.zeroize();
                if let Some(b) = key.take() {
                    let mut b = b.into_contents();
                    b.zeroize();
                }
                return Err(format_err(
                    source_name,
                    "holds more than one key, so which one to use is unclear; give a file with one",
                ));
            }
        } else if first_other.is_none() {
            first_other = Some(block);
        } else {
            let mut extra = block.into_contents();
            extra.zeroize();
        }
    }
    let key = match key {
        Some(k) => {
            if let Some(other) = first_other {
                let mut extra = other.into_contents();
                extra.zeroize();
            }
            Some(k)
        }
        None => first_other,
    };
    let key = key.ok_or_else(|| {
        format_err(
            source_name,
            if saw_params {
                "has no key block, only EC PARAMETERS"
            } else {
                "has no complete PEM block: the -----END ...----- line is missing or does not match the BEGIN line (truncated copy?)"
            },
        )
    })?;
    Ok((key, params_curve))
}

fn curve_name(oid: Option<ObjectIdentifier>) -> String {
    match oid {
        Some(o) if o == OID_P384 => "ECDSA P-384".into(),
        Some(o) if o == OID_P521 => "ECDSA P-521".into(),
        Some(o) if o == OID_SECP256K1 => "ECDSA secp256k1".into(),
        Some(o) => format!("ECDSA (curve {o})"),
        None => "ECDSA (unnamed curve)".into(),
    }
}

fn unsupported(source_name: &str, found: impl Into<String>) -> Error {
    Error::KeyUnsupported {
        source_name: source_name.into(),
        found: found.into(),
    }
}

fn check_rsa_size(bits: usize, source_name: &str) -> Result<()> {
    if bits != RSA_BITS {
        return Err(unsupported(source_name, format!("RSA-{bits}")));
    }
    Ok(())
}

impl PrivateKey {
    /// Parses a PEM private key: PKCS#1 (`RSA PRIVATE KEY`), PKCS#8 (`PRIVATE KEY`),
    /// encrypted PKCS#8 (`ENCRYPTED PRIVATE KEY`, with `passphrase`) or SEC1
    /// (`EC PRIVATE KEY`, also after an `EC PARAMETERS` block); LF or CRLF line ends,
    /// or literal `\n` sequences as CI secrets often hold \[R16\].
    ///
    /// `source_name` (a path or variable name) is used in error messages only.
    ///
    /// # Errors
    /// [`Error::KeyFormat`] for text that is not a PEM private key,
    /// [`Error::WrongKeyKind`] for a public key or certificate, [`Error::Passphrase`] for a
    /// missing or wrong passphrase, [`Error::KeyUnsupported`] for keys CloudFront refuses
    /// (RSA other than 2048 bits, curves other than P-256, Ed25519) \[R12\].
    pub fn from_pem(bytes: &[u8], passphrase: Option<&[u8]>, source_name: &str) -> Result<Self> {
        let (block, params_curve) =
            first_block(bytes, source_name, |tag| tag.ends_with("PRIVATE KEY"))?;
        let tag = block.tag().to_string();
        if block.headers().get("Proc-Type").is_some() {
            return Err(format_err(
                source_name,
                "uses OpenSSL's legacy PEM encryption (Proc-Type: 4,ENCRYPTED); convert it with `openssl pkcs8 -topk8 -in OLD.pem -out NEW.pem`",
            ));
        }
        let der = Zeroizing::new(block.into_contents());
        match tag.as_str() {
            "RSA PRIVATE KEY" => {
                let key = rsa::PrivateKey::from_pkcs1_der(&der).map_err(|e| {
                    format_err(source_name, format!("is not a valid PKCS#1 RSA key ({e})"))
                })?;
                Self::from_rsa(key, source_name)
            }
            "PRIVATE KEY" => Self::from_pkcs8_der(&der, source_name),
            "ENCRYPTED PRIVATE KEY" => {
                let Some(pass) = passphrase else {
                    return Err(Error::Passphrase {
                        source_name: source_name.into(),
                        problem: "is encrypted and no passphrase was given".into(),
                    });
                };
                let info = pkcs8::EncryptedPrivateKeyInfoRef::from_der(&der).map_err(|e| {
                    format_err(
                        source_name,
                        format!("is not a valid encrypted PKCS#8 key ({e})"),
                    )
                })?;
                let doc = info.decrypt(pass).map_err(|_| Error::Passphrase {
                    source_name: source_name.into(),
                    problem: "could not be decrypted: the passphrase is wrong".into(),
                })?;
                Self::from_pkcs8_der(doc.as_bytes(), source_name)
            }
            "EC PRIVATE KEY" => {
                let parsed = sec1::EcPrivateKey::try_from(der.as_slice()).map_err(|e| {
                    format_err(source_name, format!("is not a valid SEC1 EC key ({e})"))
                })?;
                let curve = parsed
                    .parameters
                    .and_then(|p| p.named_curve())
                    .or(params_curve);
                if curve != Some(OID_P256) {
                    return Err(unsupported(source_name, curve_name(curve)));
                }
                let secret = p256::SecretKey::from_sec1_der(&der).map_err(|e| {
                    format_err(source_name, format!("is not a valid P-256 key ({e})"))
                })?;
                Self::from_material(PrivateMaterial::EcP256(secret.into()))
            }
            "PUBLIC KEY" | "RSA PUBLIC KEY" => Err(Error::WrongKeyKind {
                source_name: source_name.into(),
                found: "public key".into(),
                expected: "private key".into(),
            }),
            "CERTIFICATE" => Err(Error::WrongKeyKind {
                source_name: source_name.into(),
                found: "certificate".into(),
                expected: "private key".into(),
            }),
            "OPENSSH PRIVATE KEY" => Err(format_err(
                source_name,
                "is an OpenSSH key; convert a copy with `ssh-keygen -p -m PKCS8 -f COPY`",
            )),
            other => Err(format_err(
                source_name,
                format!("holds a PEM block of type {other:?}, not a private key"),
            )),
        }
    }

    /// Reads and parses a PEM private key file; see [`PrivateKey::from_pem`].
    ///
    /// # Errors
    /// [`Error::Read`] when the file cannot be read, else as [`PrivateKey::from_pem`].
    pub fn from_pem_file(path: &Path, passphrase: Option<&[u8]>) -> Result<Self> {
        let bytes = Zeroizing::new(read_small_file(path, "private key")?);
        Self::from_pem(&bytes, passphrase, &path.display().to_string())
    }

    /// Whether PEM text holds an encrypted key (so a passphrase is needed).
    pub fn pem_is_encrypted(bytes: &[u8]) -> bool {
        let text = String::from_utf8_lossy(bytes);
        text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")
            || text.contains("Proc-Type: 4,ENCRYPTED")
    }

    fn from_rsa(key: rsa::PrivateKey, source_name: &str) -> Result<Self> {
        check_rsa_size(key.size() * 8, source_name)?;
        Self::from_material(PrivateMaterial::Rsa(Box::new(key)))
    }

    /// Wraps parsed material, handing an RSA key to the build's default backend once.
    fn from_material(material: PrivateMaterial) -> Result<Self> {
        let key = PrivateKey {
            material,
            #[cfg(feature = "openssl")]
            ossl: None,
        };
        key.with_backend(Backend::default_for_build())
    }

    /// The backend that signs with this key (for ECDSA keys always
    /// [`Backend::RustCrypto`]).
    pub fn backend(&self) -> Backend {
        #[cfg(feature = "openssl")]
        if self.ossl.is_some() {
            return Backend::OpenSsl;
        }
        Backend::RustCrypto
    }

    /// The same key signing RSA through `backend` (parsed once, here). ECDSA keys are
    /// returned unchanged.
    ///
    /// # Errors
    /// [`Error::Crypto`] when OpenSSL cannot load the key.
    pub fn with_backend(self, backend: Backend) -> Result<Self> {
        #[cfg(feature = "openssl")]
        {
            let mut key = self;
            key.ossl = match (&key.material, backend) {
                (PrivateMaterial::Rsa(k), Backend::OpenSsl) => {
                    Some(crate::openssl_backend::OsslRsa::from_rsa(k)?)
                }
                _ => None,
            };
            Ok(key)
        }
        #[cfg(not(feature = "openssl"))]
        {
            let Backend::RustCrypto = backend;
            Ok(self)
        }
    }

    fn from_pkcs8_der(der: &[u8], source_name: &str) -> Result<Self> {
        let info = pkcs8::PrivateKeyInfoRef::from_der(der)
            .map_err(|e| format_err(source_name, format!("is not a valid PKCS#8 key ({e})")))?;
        let oid = info.algorithm.oid;
        if oid == OID_RSA {
            let key = rsa::PrivateKey::from_pkcs8_der(der)
                .map_err(|e| format_err(source_name, format!("is not a valid RSA key ({e})")))?;
            return Self::from_rsa(key, source_name);
        }
        if oid == OID_EC {
            let curve = info.algorithm.parameters_oid().ok();
            if curve != Some(OID_P256) {
                return Err(unsupported(source_name, curve_name(curve)));
            }
            let secret = p256::SecretKey::from_pkcs8_der(der)
                .map_err(|e| format_err(source_name, format!("is not a valid P-256 key ({e})")))?;
            return Self::from_material(PrivateMaterial::EcP256(secret.into()));
        }
        Err(unsupported(source_name, algorithm_name(oid)))
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> KeyAlgorithm {
        match self.material {
            PrivateMaterial::Rsa(_) => KeyAlgorithm::Rsa2048,
            PrivateMaterial::EcP256(_) => KeyAlgorithm::EcdsaP256,
        }
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey {
            material: match &self.material {
                PrivateMaterial::Rsa(k) => PublicMaterial::Rsa(Box::new(k.to_public_key())),
                PrivateMaterial::EcP256(k) => PublicMaterial::EcP256(*k.verifying_key()),
            },
        }
    }
}

impl PublicKey {
    /// Parses a PEM public key: SPKI (`PUBLIC KEY`, as the CloudFront console takes it) or
    /// PKCS#1 (`RSA PUBLIC KEY`).
    ///
    /// # Errors
    /// [`Error::KeyFormat`] for text that is not a PEM public key, [`Error::WrongKeyKind`]
    /// for a private key or certificate, [`Error::KeyUnsupported`] for keys CloudFront
    /// refuses \[R12\].
    pub fn from_pem(bytes: &[u8], source_name: &str) -> Result<Self> {
        let (block, _) = first_block(bytes, source_name, |tag| tag.ends_with("PUBLIC KEY"))?;
        let der = block.contents();
        let material = match block.tag() {
            "PUBLIC KEY" => {
                let spki = spki::SubjectPublicKeyInfoRef::from_der(der).map_err(|e| {
                    format_err(source_name, format!("is not a valid public key ({e})"))
                })?;
                let oid = spki.algorithm.oid;
                if oid == OID_RSA {
                    let key = rsa::PublicKey::from_public_key_der(der).map_err(|e| {
                        format_err(source_name, format!("is not a valid RSA public key ({e})"))
                    })?;
                    check_rsa_size(key.size() * 8, source_name)?;
                    PublicMaterial::Rsa(Box::new(key))
                } else if oid == OID_EC {
                    let curve = spki.algorithm.parameters_oid().ok();
                    if curve != Some(OID_P256) {
                        return Err(unsupported(source_name, curve_name(curve)));
                    }
                    let key = p256::ecdsa::VerifyingKey::from_public_key_der(der).map_err(|e| {
                        format_err(
                            source_name,
                            format!("is not a valid P-256 public key ({e})"),
                        )
                    })?;
                    PublicMaterial::EcP256(key)
                } else {
                    return Err(unsupported(source_name, algorithm_name(oid)));
                }
            }
            "RSA PUBLIC KEY" => {
                let key = rsa::PublicKey::from_pkcs1_der(der).map_err(|e| {
                    format_err(
                        source_name,
                        format!("is not a valid PKCS#1 RSA public key ({e})"),
                    )
                })?;
                check_rsa_size(key.size() * 8, source_name)?;
                PublicMaterial::Rsa(Box::new(key))
            }
            "CERTIFICATE" => {
                return Err(Error::WrongKeyKind {
                    source_name: source_name.into(),
                    found: "certificate".into(),
                    expected: "public key".into(),
                });
            }
            tag if tag.contains("PRIVATE KEY") => {
                return Err(Error::WrongKeyKind {
                    source_name: source_name.into(),
                    found: "private key".into(),
                    expected: "public key".into(),
                });
            }
            other => {
                return Err(format_err(
                    source_name,
                    format!("holds a PEM block of type {other:?}, not a public key"),
                ));
            }
        };
        Ok(PublicKey { material })
    }

    /// Reads and parses a PEM public key file; see [`PublicKey::from_pem`].
    ///
    /// # Errors
    /// [`Error::Read`] when the file cannot be read, else as [`PublicKey::from_pem`].
    pub fn from_pem_file(path: &Path) -> Result<Self> {
        let bytes = read_small_file(path, "public key")?;
        Self::from_pem(&bytes, &path.display().to_string())
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> KeyAlgorithm {
        match self.material {
            PublicMaterial::Rsa(_) => KeyAlgorithm::Rsa2048,
            PublicMaterial::EcP256(_) => KeyAlgorithm::EcdsaP256,
        }
    }
}

fn keygen_err(e: impl fmt::Display) -> Error {
    Error::KeyGeneration {
        reason: e.to_string(),
    }
}

impl PrivateKey {
    /// Generates a new key CloudFront accepts: RSA with a 2048-bit modulus and exponent
    /// 65537, or ECDSA P-256 \[R12\], from the operating system's random number generator.
    ///
    /// # Errors
    /// [`Error::KeyGeneration`] when the system random number generator fails.
    pub fn generate(algorithm: KeyAlgorithm) -> Result<Self> {
        let material = match algorithm {
            KeyAlgorithm::Rsa2048 => PrivateMaterial::Rsa(Box::new(
                rsa::PrivateKey::new(&mut getrandom::SysRng, RSA_BITS).map_err(keygen_err)?,
            )),
            KeyAlgorithm::EcdsaP256 => {
                use p256::elliptic_curve::Generate as _;
                let secret = p256::SecretKey::try_generate_from_rng(&mut getrandom::SysRng)
                    .map_err(keygen_err)?;
                PrivateMaterial::EcP256(secret.into())
            }
        };
        Self::from_material(material)
    }

    /// The key as PEM PKCS#8 (`PRIVATE KEY`), or, with a passphrase, as encrypted PKCS#8
    /// (`ENCRYPTED PRIVATE KEY`, PBES2 with scrypt and AES-256-CBC) \[R16\]. LF line ends.
    /// The text is zeroized when dropped.
    ///
    /// # Errors
    /// [`Error::KeyGeneration`] when encoding or encryption fails.
    pub fn to_pkcs8_pem(&self, passphrase: Option<&[u8]>) -> Result<Zeroizing<String>> {
        use pkcs8::EncodePrivateKey;
        use pkcs8::der::pem::PemLabel;
        let doc = match &self.material {
            PrivateMaterial::Rsa(k) => k.to_pkcs8_der(),
            PrivateMaterial::EcP256(k) => k.to_pkcs8_der(),
        }
        .map_err(keygen_err)?;
        let line_ending = pkcs8::LineEnding::LF;
        match passphrase {
            None => doc
                .to_pem(pkcs8::PrivateKeyInfoRef::PEM_LABEL, line_ending)
                .map_err(keygen_err),
            Some(pass) => {
                let info =
                    pkcs8::PrivateKeyInfoRef::from_der(doc.as_bytes()).map_err(keygen_err)?;
                let encrypted = info
                    .encrypt_with_rng(&mut getrandom::SysRng, pass)
                    .map_err(keygen_err)?;
                encrypted
                    .to_pem(pkcs8::EncryptedPrivateKeyInfoRef::PEM_LABEL, line_ending)
                    .map_err(keygen_err)
            }
        }
    }
}

impl PublicKey {
    /// The key as PEM SubjectPublicKeyInfo (`PUBLIC KEY`), the form the CloudFront console
    /// and `aws cloudfront create-public-key` take. LF line ends.
    ///
    /// # Errors
    /// [`Error::KeyGeneration`] when encoding fails.
    pub fn to_pem(&self) -> Result<String> {
        use pkcs8::EncodePublicKey;
        let line_ending = pkcs8::LineEnding::LF;
        match &self.material {
            PublicMaterial::Rsa(k) => k.to_public_key_pem(line_ending),
            PublicMaterial::EcP256(k) => k.to_public_key_pem(line_ending),
        }
        .map_err(keygen_err)
    }
}

/// The most bytes cfsign reads from a key, passphrase, policy or cookie file: such
/// files are a few KiB, and a bound keeps `/dev/zero` or a wrong path from filling memory.
pub const MAX_FILE_LEN: u64 = 1024 * 1024;

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Reads a small file whole (at most [`MAX_FILE_LEN`] bytes); `what` names it in errors
/// (`private key`, `policy file`).
///
/// # Errors
/// [`Error::Read`] when the file cannot be read or is larger than [`MAX_FILE_LEN`].
pub fn read_small_file(path: &Path, what: &str) -> Result<Vec<u8>> {
    let source = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| Error::Read {
        what: what.into(),
        path: source.clone(),
        reason: io_reason(&e),
    })?;
    read_small(file, what, &source)
}

/// Reads at most [`MAX_FILE_LEN`] bytes from `reader` (a file, standard input); `what`
/// and `source` name it in errors.
///
/// # Errors
/// [`Error::Read`] when reading fails or there are more than [`MAX_FILE_LEN`] bytes.
pub fn read_small(reader: impl std::io::Read, what: &str, source: &str) -> Result<Vec<u8>> {
    use std::io::Read as _;
    let err = |reason: String| Error::Read {
        what: what.into(),
        path: source.into(),
        reason,
    };
    let mut buf = Vec::new();
    reader
        .take(MAX_FILE_LEN + 1)
        .read_to_end(&mut buf)
        .map_err(|e| err(io_reason(&e)))?;
    if buf.len() as u64 > MAX_FILE_LEN {
        buf.zeroize();
        return Err(err(format!(
            "it is larger than {} KiB, which no key, passphrase, policy or cookie file is",
            MAX_FILE_LEN / 1024
        )));
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_damaged_ci_secrets() {
        let damaged = "\"-----BEGIN X-----\\nAAAA\\r\\nBBBB\\n-----END X-----\\n\"";
        assert_eq!(
            normalize_pem_text(damaged).as_str(),
            "-----BEGIN X-----\nAAAA\nBBBB\n-----END X-----"
        );
    }

    /// Regression: a truncated PEM (no END line) was reported as "only EC PARAMETERS".
    #[test]
    fn truncated_pem_is_reported_as_incomplete() {
        let e = PrivateKey::from_pem(b"-----BEGIN PRIVATE KEY-----\nMIIE\n", None, "k.pem")
            .unwrap_err()
            .to_string();
        assert!(e.contains("has no complete PEM block"), "{e}");
    }

    /// Regression: a file with two private keys signed with the first silently, and a
    /// bundle with a certificate before its key was refused as "a certificate".
    #[test]
    fn bundles_pick_the_one_key_and_refuse_two() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
        let rsa = std::fs::read_to_string(format!("{dir}/keys/rsa2048_pkcs8.pem")).unwrap();
        let ec = std::fs::read_to_string(format!("{dir}/keys/ec_p256_sec1.pem")).unwrap();
        let cert = std::fs::read_to_string(format!("{dir}/rsa2048_cert.pem")).unwrap();
        let public = std::fs::read_to_string(format!("{dir}/keys/rsa2048_public.pem")).unwrap();
        let two = format!("{rsa}{ec}");
        let e = PrivateKey::from_pem(two.as_bytes(), None, "two.pem").unwrap_err();
        assert!(e.to_string().contains("more than one key"), "{e}");
        let bundle = format!("{cert}{public}{rsa}");
        let key = PrivateKey::from_pem(bundle.as_bytes(), None, "bundle.pem").unwrap();
        assert_eq!(key.algorithm(), KeyAlgorithm::Rsa2048);
        let public_after_key = format!("{rsa}{public}");
        assert!(PublicKey::from_pem(public_after_key.as_bytes(), "p.pem").is_ok());
    }

    #[test]
    fn not_pem() {
        let e = PrivateKey::from_pem(b"hello", None, "k.pem").unwrap_err();
        assert!(e.to_string().contains("not a PEM file"), "{e}");
        let e = PrivateKey::from_pem(&[0x30, 0x82, 1, 2], None, "k.der").unwrap_err();
        assert!(e.to_string().contains("DER"), "{e}");
    }

    #[test]
    fn generated_keys_round_trip_through_pem() {
        for alg in [KeyAlgorithm::EcdsaP256, KeyAlgorithm::Rsa2048] {
            let key = PrivateKey::generate(alg).unwrap();
            assert_eq!(key.algorithm(), alg);
            let pem = key.to_pkcs8_pem(None).unwrap();
            assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{alg}");
            let back = PrivateKey::from_pem(pem.as_bytes(), None, "gen").unwrap();
            let public = key.public_key().to_pem().unwrap();
            assert!(public.starts_with("-----BEGIN PUBLIC KEY-----\n"), "{alg}");
            assert_eq!(back.public_key().to_pem().unwrap(), public);
            let loaded = PublicKey::from_pem(public.as_bytes(), "pub").unwrap();
            assert_eq!(loaded.algorithm(), alg);
        }
    }

    #[test]
    fn generated_key_encrypts_with_passphrase() {
        let key = PrivateKey::generate(KeyAlgorithm::EcdsaP256).unwrap();
        let pem = key.to_pkcs8_pem(Some(b"correct horse")).unwrap();
        assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
        let e = PrivateKey::from_pem(pem.as_bytes(), Some(b"wrong"), "k").unwrap_err();
        assert!(matches!(e, Error::Passphrase { .. }), "{e}");
        let back = PrivateKey::from_pem(pem.as_bytes(), Some(b"correct horse"), "k").unwrap();
        assert_eq!(
            back.public_key().to_pem().unwrap(),
            key.public_key().to_pem().unwrap()
        );
    }
}
