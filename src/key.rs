//! Private and public keys: PEM loading, key-type detection and size checks [\[R12\]](crate::rules#r12), [\[R16\]](crate::rules#r16).
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
use crate::hash::HashAlgorithm;

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

/// The RSA modulus size CloudFront accepts, in bits [\[R12\]](crate::rules#r12).
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
    EcP256(Box<p256::ecdsa::SigningKey>),
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
    /// The same key parsed by graviola, when it signs SHA-256 (RSA or ECDSA; x86_64 and
    /// aarch64 CPUs with the features it needs).
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    pub(crate) grav: Option<crate::graviola_backend::GraviolaKey>,
}

/// The libraries that make a key's signatures.
///
/// RSA: every backend produces identical signatures (PKCS#1 v1.5 is deterministic).
/// ECDSA P-256 with SHA-1 always signs with `p256` (RFC 6979: reproducible). ECDSA
/// P-256 with SHA-256 signs with graviola on [`Backend::Graviola`] and
/// `Backend::OpenSsl` when the CPU can run it: about 3x faster, but graviola mixes 16
/// random bytes into the RFC 6979 nonce, so signing the same policy twice gives two
/// different signatures (both valid). For reproducible ECDSA output (the same key,
/// policy and hash give the same bytes, as in tests or CI diffs), choose
/// [`Backend::RustCrypto`] with [`PrivateKey::with_backend`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// The pure-Rust `rsa` and `p256` crates: constant-time, blinded RSA, RFC 6979 ECDSA
    /// (reproducible), no system library. The default on CPUs graviola cannot run.
    RustCrypto,
    /// `graviola` (pure Rust with formally verified assembly) for SHA-256, RSA and ECDSA
    /// P-256; the `rsa` and `p256` crates for SHA-1 (graviola has no SHA-1): several times
    /// faster for SHA-256, no system library; ECDSA-SHA256 output is not reproducible (see
    /// [`Backend`]). The default on x86_64 CPUs with aes, pclmulqdq, bmi1, bmi2, adx, avx
    /// and avx2, and aarch64 CPUs with neon, aes, pmull and sha2; asked for on another CPU,
    /// the key stays on [`Backend::RustCrypto`].
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    Graviola,
    /// OpenSSL through the `openssl` crate (cargo feature `openssl`) for RSA: about 5x
    /// faster per core than `rsa`. Some system OpenSSL policies refuse SHA-1 signatures.
    /// ECDSA keys sign as on [`Backend::Graviola`] (an ECDSA key asked to use OpenSSL
    /// reports that backend, or [`Backend::RustCrypto`] on a CPU graviola cannot run).
    #[cfg(feature = "openssl")]
    OpenSsl,
}

impl Backend {
    /// The backend a newly loaded key uses: OpenSSL when the `openssl` feature is on,
    /// else graviola when this CPU can run it ([`Backend::available`]), else the `rsa`
    /// crate.
    pub fn default_for_build() -> Self {
        #[cfg(feature = "openssl")]
        return Backend::OpenSsl;
        #[cfg(not(feature = "openssl"))]
        {
            #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
            if crate::graviola_backend::cpu_supported() {
                return Backend::Graviola;
            }
            Backend::RustCrypto
        }
    }

    /// The backends compiled into this build that can sign on this CPU, fastest last.
    pub fn available() -> Vec<Backend> {
        #[allow(unused_mut)]
        let mut all = vec![Backend::RustCrypto];
        #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
        if crate::graviola_backend::cpu_supported() {
            all.push(Backend::Graviola);
        }
        #[cfg(feature = "openssl")]
        all.push(Backend::OpenSsl);
        all
    }

    /// A short name: `rsa`, `graviola` or `openssl`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::RustCrypto => "rsa",
            #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
            Backend::Graviola => "graviola",
            #[cfg(feature = "openssl")]
            Backend::OpenSsl => "openssl",
        }
    }

    /// The library that makes a signature with a key of `algorithm` and `hash` on this
    /// backend and this CPU: `rsa`, `p256`, `graviola` or `openssl`.
    pub fn signs_with(self, algorithm: KeyAlgorithm, hash: HashAlgorithm) -> &'static str {
        let graviola = self.graviola_signs(algorithm, hash);
        match algorithm {
            _ if graviola => "graviola",
            #[cfg(feature = "openssl")]
            KeyAlgorithm::Rsa2048 if self == Backend::OpenSsl => "openssl",
            KeyAlgorithm::Rsa2048 => "rsa",
            KeyAlgorithm::EcdsaP256 => "p256",
        }
    }

    /// Whether signatures with `algorithm` and `hash` on this backend are reproducible
    /// (the same key and policy always give the same bytes): true except for ECDSA with
    /// SHA-256 through graviola (see [`Backend`]).
    pub fn reproducible(self, algorithm: KeyAlgorithm, hash: HashAlgorithm) -> bool {
        algorithm == KeyAlgorithm::Rsa2048 || !self.graviola_signs(algorithm, hash)
    }

    /// Whether graviola makes this signature: SHA-256 on a CPU it runs on, RSA on
    /// [`Backend::Graviola`], ECDSA on [`Backend::Graviola`] and `Backend::OpenSsl`.
    #[allow(unused_variables)]
    fn graviola_signs(self, algorithm: KeyAlgorithm, hash: HashAlgorithm) -> bool {
        #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
        if hash == HashAlgorithm::Sha256 && crate::graviola_backend::cpu_supported() {
            return match self {
                Backend::RustCrypto => false,
                Backend::Graviola => true,
                #[cfg(feature = "openssl")]
                Backend::OpenSsl => algorithm == KeyAlgorithm::EcdsaP256,
            };
        }
        false
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
///
/// The result is built in one buffer reserved up front (it never grows, so no unwiped
/// copy is left behind by a reallocation) and is zeroized when dropped.
pub fn normalize_pem_text(text: &str) -> Zeroizing<String> {
    let mut s = text.trim();
    for quote in ['"', '\''] {
        if s.len() >= 2 && s.starts_with(quote) && s.ends_with(quote) {
            s = &s[1..s.len() - 1];
        }
    }
    let escaped = s.contains("\\n");
    let mut out = Zeroizing::new(String::with_capacity(s.len()));
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if escaped && rest.starts_with("\\r\\n") {
            out.push('\n');
            rest = &rest[4..];
        } else if escaped && rest.starts_with("\\n") {
            out.push('\n');
            rest = &rest[2..];
        } else {
            if c != '\r' {
                out.push(c);
            }
            rest = &rest[c.len_utf8()..];
        }
    }
    let trimmed_len = out.trim_end().len();
    out.truncate(trimmed_len);
    out
}

/// One PEM block: its label, whether it carries OpenSSL's legacy `Proc-Type` encryption
/// header, and its decoded contents (zeroized when dropped).
struct PemBlock {
    tag: String,
    legacy_encrypted: bool,
    der: Zeroizing<Vec<u8>>,
}

/// Parses every complete `-----BEGIN X-----` ... `-----END X-----` block of `text`
/// (text outside blocks, such as OpenSSL's `Bag Attributes`, is skipped).
///
/// Written here rather than taken from a PEM crate so that the base64 body and the
/// decoded bytes only ever live in zeroizing buffers reserved up front.
fn parse_pem_blocks(text: &str) -> std::result::Result<Vec<PemBlock>, &'static str> {
    use base64::Engine as _;
    let mut blocks = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(tag) = line
            .trim()
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        else {
            continue;
        };
        let end = format!("-----END {tag}-----");
        let mut body = Zeroizing::new(String::with_capacity(text.len()));
        let mut legacy_encrypted = false;
        let mut complete = false;
        for line in lines.by_ref() {
            let line = line.trim();
            if line == end {
                complete = true;
                break;
            }
            if line.starts_with("-----") {
                break;
            }
            if let Some((name, _)) = line.split_once(':') {
                legacy_encrypted |= name.trim() == "Proc-Type";
                continue;
            }
            body.extend(line.chars().filter(|c| !c.is_whitespace()));
        }
        if !complete {
            continue;
        }
        let engine = &base64::engine::general_purpose::STANDARD;
        let mut der = Zeroizing::new(vec![0u8; body.len() / 4 * 3 + 3]);
        let len = engine
            .decode_slice(body.as_bytes(), der.as_mut_slice())
            .map_err(|_| "the base64 text between its BEGIN and END lines is damaged")?;
        der[len..].zeroize();
        der.truncate(len);
        blocks.push(PemBlock {
            tag: tag.to_string(),
            legacy_encrypted,
            der,
        });
    }
    Ok(blocks)
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
) -> Result<(PemBlock, Option<EcCurve>)> {
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
    let blocks = parse_pem_blocks(&text)
        .map_err(|problem| format_err(source_name, format!("is not valid PEM: {problem}")))?;
    let mut params_curve = None;
    let mut saw_params = false;
    let mut key: Option<PemBlock> = None;
    let mut first_other = None;
    // Blocks not returned are dropped here, which wipes their contents.
    for block in blocks {
        if block.tag == "EC PARAMETERS" {
            saw_params = true;
            params_curve = pkcs8::der::asn1::AnyRef::from_der(&block.der)
                .ok()
                .and_then(|params| ec_curve(Some(params)));
        } else if wanted(&block.tag) {
            if key.replace(block).is_some() {
                return Err(format_err(
                    source_name,
                    "holds more than one key, so which one to use is unclear; give a file with one",
                ));
            }
        } else if first_other.is_none() {
            first_other = Some(block);
        }
    }
    let key = key.or(first_other);
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

/// The curve an EC key's parameters name.
#[derive(Clone, Copy, PartialEq, Eq)]
enum EcCurve {
    /// A named curve (an OID).
    Named(ObjectIdentifier),
    /// Explicit parameters equal to P-256's (as `openssl ec -param_enc explicit` writes).
    ExplicitP256,
    /// Explicit parameters of another curve.
    ExplicitOther,
}

/// Reads EC parameters (absent, a curve OID, or an explicit `SpecifiedECDomain`).
fn ec_curve(params: Option<pkcs8::der::asn1::AnyRef<'_>>) -> Option<EcCurve> {
    let params = params?;
    if let Ok(oid) = params.decode_as::<ObjectIdentifier>() {
        return Some(EcCurve::Named(oid));
    }
    Some(if is_p256_explicit(params) {
        EcCurve::ExplicitP256
    } else {
        EcCurve::ExplicitOther
    })
}

/// P-256's domain parameters (SEC 2, FIPS 186-4 D.1.2.3), hex, big-endian.
const P256_P: &str = "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff";
const P256_A: &str = "ffffffff00000001000000000000000000000000fffffffffffffffffffffffc";
const P256_B: &str = "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b";
const P256_GX: &str = "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296";
const P256_GY: &str = "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5";
const P256_N: &str = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";
const OID_PRIME_FIELD: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.1.1");

fn hex_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .filter_map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
        .collect()
}

fn strip_zeros(b: &[u8]) -> &[u8] {
    let start = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    &b[start..]
}

/// Whether explicit EC parameters (`SpecifiedECDomain`, SEC 1 C.2) describe P-256: the
/// prime field, `a`, `b`, the base point (uncompressed or compressed), the order and a
/// cofactor of 1 (the seed is not checked: it only documents how `b` was chosen).
fn is_p256_explicit(params: pkcs8::der::asn1::AnyRef<'_>) -> bool {
    use pkcs8::der::asn1::{AnyRef, OctetStringRef, UintRef};
    use pkcs8::der::{Reader as _, Tag};
    let parsed = params.sequence(|r| -> pkcs8::der::Result<_> {
        let _version: u8 = r.decode()?;
        let (field, p) = r.sequence(|f| -> pkcs8::der::Result<_> {
            Ok((
                f.decode::<ObjectIdentifier>()?,
                f.decode::<UintRef<'_>>()?.as_bytes().to_vec(),
            ))
        })?;
        let (a, b) = r.sequence(|c| -> pkcs8::der::Result<_> {
            let a = c.decode::<&OctetStringRef>()?.as_bytes().to_vec();
            let b = c.decode::<&OctetStringRef>()?.as_bytes().to_vec();
            if !c.is_finished() && Tag::peek(c)? == Tag::BitString {
                let _seed: AnyRef<'_> = c.decode()?;
            }
            Ok((a, b))
        })?;
        let base = r.decode::<&OctetStringRef>()?.as_bytes().to_vec();
        let order = r.decode::<UintRef<'_>>()?.as_bytes().to_vec();
        let cofactor = if r.is_finished() {
            vec![1]
        } else {
            r.decode::<UintRef<'_>>()?.as_bytes().to_vec()
        };
        Ok((field, p, a, b, base, order, cofactor))
    });
    let Ok((field, p, a, b, base, order, cofactor)) = parsed else {
        return false;
    };
    let uncompressed = [vec![4], hex_bytes(P256_GX), hex_bytes(P256_GY)].concat();
    // Gy is odd, so the compressed base point starts with 03.
    let compressed = [vec![3], hex_bytes(P256_GX)].concat();
    field == OID_PRIME_FIELD
        && strip_zeros(&p) == hex_bytes(P256_P)
        && strip_zeros(&a) == hex_bytes(P256_A)
        && strip_zeros(&b) == hex_bytes(P256_B)
        && (base == uncompressed || base == compressed)
        && strip_zeros(&order) == hex_bytes(P256_N)
        && strip_zeros(&cofactor) == [1]
}

/// The most PBKDF2 iterations cfsign runs to decrypt a key (about a second or two of CPU;
/// OpenSSL writes 2,048, current guidance is a few hundred thousand).
pub const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;
/// The most memory scrypt may use to decrypt a key, in bytes (128·N·r): 256 MiB.
pub const MAX_SCRYPT_MEMORY: u128 = 256 * 1024 * 1024;
/// The most scrypt work cfsign runs to decrypt a key, as N·r·p (a few seconds; OpenSSL's
/// default N=16384, r=8, p=1 is 131,072).
pub const MAX_SCRYPT_WORK: u128 = 1 << 22;

/// The one-line conversion to an encryption cfsign reads.
const REENCRYPT: &str = "`openssl pkcs8 -topk8 -v2 aes-256-cbc -in OLD.pem -out NEW.pem` (it asks for the passphrase, then a new one)";

fn encryption_err(source_name: &str, problem: impl Into<String>) -> Error {
    Error::KeyEncryption {
        source_name: source_name.into(),
        problem: problem.into(),
        fix: REENCRYPT.into(),
    }
}

/// Refuses key-derivation parameters that would panic, exhaust memory or run for minutes
/// (a hostile or damaged key file), before anything is derived.
fn check_kdf(kdf: &pkcs5::pbes2::Kdf, source_name: &str) -> Result<()> {
    use pkcs5::pbes2::Kdf;
    match kdf {
        Kdf::Pbkdf2(p) => {
            let n = p.iteration_count;
            if n == 0 || n > MAX_PBKDF2_ITERATIONS {
                return Err(encryption_err(
                    source_name,
                    format!(
                        "is encrypted with a PBKDF2 iteration count of {n}, outside the 1 to {MAX_PBKDF2_ITERATIONS} cfsign runs"
                    ),
                ));
            }
        }
        Kdf::Scrypt(p) => {
            let (n, r, par) = (p.cost_parameter, p.block_size, p.parallelization);
            let bad = |what: String| Err(encryption_err(source_name, what));
            if n < 2 || !n.is_power_of_two() {
                return bad(format!(
                    "is encrypted with scrypt cost parameter N = {n}, which is not a power of two greater than 1"
                ));
            }
            if r == 0 || par == 0 {
                return bad(format!(
                    "is encrypted with scrypt block size r = {r} and parallelization p = {par}; both must be 1 or more"
                ));
            }
            let memory = 128 * u128::from(n) * u128::from(r);
            if memory > MAX_SCRYPT_MEMORY {
                return bad(format!(
                    "is encrypted with scrypt N = {n}, r = {r}, which needs {} MiB of memory, over cfsign's limit of {} MiB",
                    memory >> 20,
                    MAX_SCRYPT_MEMORY >> 20
                ));
            }
            let work = u128::from(n) * u128::from(r) * u128::from(par);
            if work > MAX_SCRYPT_WORK {
                return bad(format!(
                    "is encrypted with scrypt parallelization p = {par} (N = {n}, r = {r}): N·r·p = {work} is over cfsign's limit of {MAX_SCRYPT_WORK} (seconds to hours of work)"
                ));
            }
        }
        _ => {
            return Err(encryption_err(
                source_name,
                "is encrypted with a key-derivation function cfsign does not know",
            ));
        }
    }
    Ok(())
}

/// The name OpenSSL gives a PKCS#5 v1.5 or PKCS#12 password-based encryption OID.
fn pbes1_name(oid: ObjectIdentifier) -> Option<&'static str> {
    let name = match oid.to_string().as_str() {
        "1.2.840.113549.1.12.1.1" => "PBE-SHA1-RC4-128",
        "1.2.840.113549.1.12.1.2" => "PBE-SHA1-RC4-40",
        "1.2.840.113549.1.12.1.3" => "PBE-SHA1-3DES",
        "1.2.840.113549.1.12.1.4" => "PBE-SHA1-2DES",
        "1.2.840.113549.1.12.1.5" => "PBE-SHA1-RC2-128",
        "1.2.840.113549.1.12.1.6" => "PBE-SHA1-RC2-40",
        "1.2.840.113549.1.5.1" => "PBE-MD2-DES",
        "1.2.840.113549.1.5.3" => "PBE-MD5-DES",
        "1.2.840.113549.1.5.4" => "PBE-MD2-RC2-64",
        "1.2.840.113549.1.5.6" => "PBE-MD5-RC2-64",
        "1.2.840.113549.1.5.10" => "PBE-SHA1-DES",
        "1.2.840.113549.1.5.11" => "PBE-SHA1-RC2-64",
        _ => return None,
    };
    Some(name)
}

/// What is wrong with a DES-CBC or DES-EDE3-CBC IV that is not 8 bytes in PBES2
/// parameters: pkcs5 0.8 slices such an IV to 8 bytes unchecked and panics on a shorter
/// one, so it is refused before pkcs5 reads the parameters. `None` for anything else
/// (which pkcs5 checks itself).
fn short_des_iv(pbes2_params: pkcs8::der::asn1::AnyRef<'_>) -> Option<String> {
    use pkcs8::der::Reader as _;
    use pkcs8::der::asn1::OctetStringRef;
    let enc = pbes2_params
        .sequence(|r| {
            let _kdf: spki::AlgorithmIdentifierRef<'_> = r.decode()?;
            r.decode::<spki::AlgorithmIdentifierRef<'_>>()
        })
        .ok()?;
    let cipher = match enc.oid.to_string().as_str() {
        "1.2.840.113549.3.7" => "DES-EDE3-CBC",
        "1.3.14.3.2.7" => "DES-CBC",
        _ => return None,
    };
    let iv = enc.parameters?.decode_as::<&OctetStringRef>().ok()?;
    let n = iv.as_bytes().len();
    (n != 8).then(|| {
        format!(
            "is encrypted with {cipher} and an IV of {n} bytes where 8 are needed (a damaged file?)"
        )
    })
}

/// Decrypts an `ENCRYPTED PRIVATE KEY` (PBES2: PBKDF2 with HMAC-SHA1/SHA-2 or scrypt;
/// AES-CBC, AES-GCM or DES-EDE3-CBC) into a zeroizing buffer, after checking the KDF
/// cost. Only a decryption failure is reported as a wrong passphrase; an unsupported
/// scheme or bad parameter is named as such.
fn decrypt_pkcs8(der: &[u8], pass: &[u8], source_name: &str) -> Result<Zeroizing<Vec<u8>>> {
    use pkcs8::der::Reader as _;
    use pkcs8::der::asn1::{AnyRef, OctetStringRef};
    let parsed = AnyRef::from_der(der).and_then(|any| {
        any.sequence(|r| {
            let alg: spki::AlgorithmIdentifierRef<'_> = r.decode()?;
            let data = r.decode::<&OctetStringRef>()?.as_bytes();
            Ok((alg, data))
        })
    });
    let (alg, data) = parsed.map_err(|e| {
        format_err(
            source_name,
            format!("is not a valid encrypted PKCS#8 key ({e})"),
        )
    })?;
    if alg.oid != pkcs5::pbes2::PBES2_OID {
        let scheme = match pbes1_name(alg.oid) {
            Some(name) => format!("the old PBES1 scheme {name} (`openssl pkcs8 -v1 {name}`)"),
            None => format!(
                "an encryption scheme cfsign does not know (OID {})",
                alg.oid
            ),
        };
        return Err(encryption_err(
            source_name,
            format!("is encrypted with {scheme}, which cfsign does not read"),
        ));
    }
    if let Some(problem) = alg.parameters.and_then(short_des_iv) {
        return Err(encryption_err(source_name, problem));
    }
    let params = alg
        .parameters
        .ok_or(pkcs8::der::Tag::Sequence.value_error().into())
        .and_then(pkcs5::pbes2::Parameters::try_from)
        .map_err(|e| {
            encryption_err(
                source_name,
                format!("uses PBES2 parameters cfsign cannot read ({e})"),
            )
        })?;
    check_kdf(&params.kdf, source_name)?;
    let mut buf = Zeroizing::new(data.to_vec());
    let len = match params.decrypt_in_place(pass, &mut buf) {
        Ok(plain) => plain.len(),
        Err(pkcs5::Error::DecryptFailed) => {
            return Err(Error::Passphrase {
                source_name: source_name.into(),
                problem: "could not be decrypted: the passphrase is wrong".into(),
            });
        }
        Err(pkcs5::Error::UnsupportedAlgorithm { oid }) => {
            let what = if oid.to_string() == "1.3.14.3.2.7" {
                "single DES (`-v2 des`), which is too weak to read".to_string()
            } else {
                format!("algorithm {oid}, which cfsign does not read")
            };
            return Err(encryption_err(
                source_name,
                format!("is encrypted with {what}"),
            ));
        }
        Err(e) => {
            return Err(encryption_err(
                source_name,
                format!("has encryption parameters cfsign cannot use ({e})"),
            ));
        }
    };
    buf[len..].zeroize();
    buf.truncate(len);
    Ok(buf)
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

/// The exact size of an RSA modulus in bits (not its length in bytes times 8, which
/// takes a 2041-bit modulus for 2048 bits).
fn modulus_bits(key: &impl PublicKeyParts) -> usize {
    key.n().as_ref().bit_width() as usize
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
    /// or literal `\n` sequences as CI secrets often hold [\[R16\]](crate::rules#r16).
    ///
    /// `source_name` (a path or variable name) is used in error messages only.
    ///
    /// # Errors
    /// [`Error::KeyFormat`] for text that is not a PEM private key,
    /// [`Error::WrongKeyKind`] for a public key or certificate, [`Error::Passphrase`] for a
    /// missing or wrong passphrase, [`Error::KeyUnsupported`] for keys CloudFront refuses
    /// (RSA other than 2048 bits, curves other than P-256, Ed25519) [\[R12\]](crate::rules#r12).
    pub fn from_pem(bytes: &[u8], passphrase: Option<&[u8]>, source_name: &str) -> Result<Self> {
        let (block, params_curve) =
            first_block(bytes, source_name, |tag| tag.ends_with("PRIVATE KEY"))?;
        if block.legacy_encrypted {
            return Err(format_err(
                source_name,
                "uses OpenSSL's legacy PEM encryption (Proc-Type: 4,ENCRYPTED); convert it with `openssl pkcs8 -topk8 -in OLD.pem -out NEW.pem`",
            ));
        }
        let der = &block.der;
        match block.tag.as_str() {
            "RSA PRIVATE KEY" => {
                let key = rsa::PrivateKey::from_pkcs1_der(der).map_err(|e| {
                    format_err(source_name, format!("is not a valid PKCS#1 RSA key ({e})"))
                })?;
                Self::from_rsa(key, source_name)
            }
            "PRIVATE KEY" => Self::from_pkcs8_der(der, source_name),
            "ENCRYPTED PRIVATE KEY" => {
                let Some(pass) = passphrase else {
                    return Err(Error::Passphrase {
                        source_name: source_name.into(),
                        problem: "is encrypted and no passphrase was given".into(),
                    });
                };
                let plain = decrypt_pkcs8(der, pass, source_name)?;
                Self::from_pkcs8_der(&plain, source_name)
            }
            "EC PRIVATE KEY" => Self::from_sec1_der(der, params_curve, source_name),
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
        let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
        has(b"-----BEGIN ENCRYPTED PRIVATE KEY-----") || has(b"Proc-Type: 4,ENCRYPTED")
    }

    fn from_rsa(key: rsa::PrivateKey, source_name: &str) -> Result<Self> {
        check_rsa_size(modulus_bits(&key), source_name)?;
        Self::from_material(PrivateMaterial::Rsa(Box::new(key)))
    }

    /// Wraps parsed material, handing an RSA key to the build's default backend once.
    fn from_material(material: PrivateMaterial) -> Result<Self> {
        let key = PrivateKey {
            material,
            #[cfg(feature = "openssl")]
            ossl: None,
            #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
            grav: None,
        };
        key.with_backend(Backend::default_for_build())
    }

    /// The backend that signs with this key: the one asked for, or [`Backend::RustCrypto`]
    /// where that one cannot sign on this CPU (an ECDSA key asked to use OpenSSL reports
    /// [`Backend::Graviola`], which signs its SHA-256 signatures). Which library makes
    /// each signature: [`Backend::signs_with`].
    pub fn backend(&self) -> Backend {
        #[cfg(feature = "openssl")]
        if self.ossl.is_some() {
            return Backend::OpenSsl;
        }
        #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
        if self.grav.is_some() {
            return Backend::Graviola;
        }
        Backend::RustCrypto
    }

    /// The same key signing through `backend` (parsed once, here). An ECDSA key asked to
    /// use `Backend::OpenSsl` signs as on [`Backend::Graviola`]; [`Backend::Graviola`]
    /// on a CPU that cannot run it leaves the key on [`Backend::RustCrypto`]
    /// ([`PrivateKey::backend`] says which). [`Backend::RustCrypto`] makes ECDSA output
    /// reproducible (RFC 6979, `p256`).
    ///
    /// # Errors
    /// [`Error::Crypto`] when OpenSSL or graviola cannot load the key.
    pub fn with_backend(self, backend: Backend) -> Result<Self> {
        #[allow(unused_mut)]
        let mut key = self;
        #[cfg(feature = "openssl")]
        {
            key.ossl = None;
        }
        #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
        {
            key.grav = None;
        }
        #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
        use crate::graviola_backend::GraviolaKey;
        match (&key.material, backend) {
            (_, Backend::RustCrypto) => {}
            #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
            (PrivateMaterial::Rsa(k), Backend::Graviola) => key.grav = GraviolaKey::from_rsa(k)?,
            #[cfg(feature = "openssl")]
            (PrivateMaterial::Rsa(k), Backend::OpenSsl) => {
                key.ossl = Some(crate::openssl_backend::OsslRsa::from_rsa(k)?);
            }
            #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
            (PrivateMaterial::EcP256(k), _) => key.grav = GraviolaKey::from_p256(k)?,
            #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
            (PrivateMaterial::EcP256(_), _) => {}
        }
        Ok(key)
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
            let curve = ec_curve(info.algorithm.parameters);
            return Self::from_sec1_der(info.private_key.as_bytes(), curve, source_name);
        }
        Err(unsupported(source_name, algorithm_name(oid)))
    }

    /// A SEC1 `ECPrivateKey` (alone, or inside PKCS#8); `outer` is the curve named outside
    /// it (the PKCS#8 algorithm parameters or an `EC PARAMETERS` block).
    fn from_sec1_der(der: &[u8], outer: Option<EcCurve>, source_name: &str) -> Result<Self> {
        use pkcs8::der::asn1::{AnyRef, ContextSpecific, OctetStringRef};
        use pkcs8::der::{Reader as _, TagNumber};
        let parsed = AnyRef::from_der(der).and_then(|any| {
            any.sequence(|r| {
                let _version: u8 = r.decode()?;
                let scalar = r.decode::<&OctetStringRef>()?.as_bytes();
                let params = ContextSpecific::<AnyRef>::decode_explicit(r, TagNumber(0))?;
                let _public = ContextSpecific::<AnyRef>::decode_explicit(r, TagNumber(1))?;
                Ok((scalar, params.map(|p| p.value)))
            })
        });
        let (scalar, params) = parsed
            .map_err(|e| format_err(source_name, format!("is not a valid SEC1 EC key ({e})")))?;
        match ec_curve(params).or(outer) {
            Some(EcCurve::Named(o)) if o == OID_P256 => {}
            Some(EcCurve::ExplicitP256) => {}
            Some(EcCurve::Named(o)) => return Err(unsupported(source_name, curve_name(Some(o)))),
            Some(EcCurve::ExplicitOther) => {
                return Err(unsupported(
                    source_name,
                    "ECDSA (explicit curve parameters, not P-256's)",
                ));
            }
            None => return Err(unsupported(source_name, curve_name(None))),
        }
        let secret = p256::SecretKey::from_slice(scalar).map_err(|_| {
            format_err(
                source_name,
                "is not a valid P-256 key (the private scalar is out of range)",
            )
        })?;
        // Boxed at once, so the key is not moved (and copied) again after this.
        Self::from_material(PrivateMaterial::EcP256(Box::new(secret.into())))
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
    /// refuses [\[R12\]](crate::rules#r12).
    pub fn from_pem(bytes: &[u8], source_name: &str) -> Result<Self> {
        let (block, _) = first_block(bytes, source_name, |tag| tag.ends_with("PUBLIC KEY"))?;
        let der = &block.der[..];
        let material = match block.tag.as_str() {
            "PUBLIC KEY" => {
                let spki = spki::SubjectPublicKeyInfoRef::from_der(der).map_err(|e| {
                    format_err(source_name, format!("is not a valid public key ({e})"))
                })?;
                let oid = spki.algorithm.oid;
                if oid == OID_RSA {
                    let key = rsa::PublicKey::from_public_key_der(der).map_err(|e| {
                        format_err(source_name, format!("is not a valid RSA public key ({e})"))
                    })?;
                    check_rsa_size(modulus_bits(&key), source_name)?;
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
                check_rsa_size(modulus_bits(&key), source_name)?;
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
    /// 65537, or ECDSA P-256 [\[R12\]](crate::rules#r12), from the operating system's random number generator.
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
                PrivateMaterial::EcP256(Box::new(secret.into()))
            }
        };
        Self::from_material(material)
    }

    /// The key as PEM PKCS#8 (`PRIVATE KEY`), or, with a passphrase, as encrypted PKCS#8
    /// (`ENCRYPTED PRIVATE KEY`, PBES2 with scrypt and AES-256-CBC) [\[R16\]](crate::rules#r16). LF line ends.
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

/// Whether `text`, given where a path, ID, URL or other value was expected, is (or holds)
/// key material that must never be echoed: PEM armour (`-----BEGIN`, `-----END`, also in
/// the `\n`-escaped form CI secrets hold), a key's base64 body without its armour (at
/// least 64 base64 characters, line breaks aside, starting with `M`, as the base64 of
/// every DER key does), or one line of such a body (a single token of at least 40 base64
/// characters mixing upper case, lower case and digits; quotes, commas and semicolons
/// around it, as a CSV field has, are ignored).
///
/// Paths, key pair IDs, times and URLs (signed ones included: CloudFront's base64 uses
/// `-`, `_` and `~`, and a URL has `:`) never match.
pub fn looks_like_key_material(text: &str) -> bool {
    if text.contains("-----BEGIN") || text.contains("-----END") || text.contains("KEY-----") {
        return true;
    }
    // Scanned in place: no copy of what may be a key is made.
    let body =
        text.trim_matches(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ';'));
    let mut chars = body.chars().peekable();
    let (mut len, mut first) = (0usize, None);
    let (mut upper, mut lower, mut digit, mut spaced) = (false, false, false, false);
    while let Some(c) = chars.next() {
        if c == '\\' && matches!(chars.peek(), Some('n' | 'r')) {
            chars.next();
            continue;
        }
        if c.is_whitespace() {
            spaced = true;
            continue;
        }
        if !(c.is_ascii_alphanumeric() || c == '+' || c == '/' || c == '=') {
            return false;
        }
        upper |= c.is_ascii_uppercase();
        lower |= c.is_ascii_lowercase();
        digit |= c.is_ascii_digit();
        first.get_or_insert(c);
        len += 1;
    }
    (len >= 64 && first == Some('M'))
        || (len >= 40 && !spaced && upper && lower && digit && !looks_like_path(body))
}

/// An absolute path of short components (`/srv/CloudFront/keys/Prod2026/signing`), which
/// a line of random base64 almost never is.
fn looks_like_path(token: &str) -> bool {
    token.starts_with('/')
        && token.matches('/').count() >= 2
        && token.split('/').all(|part| part.len() <= 32)
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
/// (`private key`, `policy file`). The buffer is sized from the file's length up front, so
/// a key is read into one allocation and not copied by growth.
///
/// # Errors
/// [`Error::Read`] when the file cannot be read or is larger than [`MAX_FILE_LEN`].
pub fn read_small_file(path: &Path, what: &str) -> Result<Vec<u8>> {
    let source = path.display().to_string();
    let err = |reason: String| Error::Read {
        what: what.into(),
        path: source.clone(),
        reason,
    };
    // A FIFO, device or socket can block forever when opened or read (a FIFO nobody
    // writes to): look at the file type first, and refuse all but regular files.
    let meta = std::fs::metadata(path).map_err(|e| err(io_reason(&e)))?;
    if let Some(kind) = not_regular(&meta) {
        return Err(err(kind));
    }
    let file = std::fs::File::open(path).map_err(|e| err(io_reason(&e)))?;
    // The name may have been replaced between the two calls.
    let opened = file.metadata().map_err(|e| err(io_reason(&e)))?;
    if let Some(kind) = not_regular(&opened) {
        return Err(err(kind));
    }
    read_bounded(
        file,
        opened.len().min(MAX_FILE_LEN) as usize + 1,
        what,
        &source,
    )
}

/// Why a file that is not a regular file is refused, naming its type; `None` for a
/// regular file.
fn not_regular(meta: &std::fs::Metadata) -> Option<String> {
    if meta.is_file() {
        return None;
    }
    let kind = if meta.is_dir() {
        "a directory"
    } else {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            let t = meta.file_type();
            if t.is_fifo() {
                "a named pipe (FIFO)"
            } else if t.is_char_device() || t.is_block_device() {
                "a device"
            } else if t.is_socket() {
                "a socket"
            } else {
                "a special file"
            }
        }
        #[cfg(not(unix))]
        {
            "a special file"
        }
    };
    Some(format!(
        "it is {kind}, not a regular file; cfsign reads only regular files here (standard input is `-` where an option takes it)"
    ))
}

/// Reads at most [`MAX_FILE_LEN`] bytes from `reader` (a file, standard input); `what`
/// and `source` name it in errors.
///
/// # Errors
/// [`Error::Read`] when reading fails or there are more than [`MAX_FILE_LEN`] bytes.
pub fn read_small(reader: impl std::io::Read, what: &str, source: &str) -> Result<Vec<u8>> {
    read_bounded(reader, 16 * 1024, what, source)
}

/// Reads into a buffer of `capacity` bytes; when it must grow, the bytes are copied to a
/// larger buffer and the old one is wiped, so no unwiped copy of a key is left in freed
/// memory (as `read_to_end`'s reallocation would).
fn read_bounded(
    mut reader: impl std::io::Read,
    capacity: usize,
    what: &str,
    source: &str,
) -> Result<Vec<u8>> {
    let err = |reason: String| Error::Read {
        what: what.into(),
        path: source.into(),
        reason,
    };
    let limit = MAX_FILE_LEN as usize;
    let mut buf = Zeroizing::new(Vec::with_capacity(capacity.min(limit + 1)));
    let mut chunk = Zeroizing::new([0u8; 8192]);
    loop {
        let n = match reader.read(&mut chunk[..]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(err(io_reason(&e))),
        };
        if buf.len() + n > limit {
            return Err(err(format!(
                "it is larger than {} KiB, which no key, passphrase, policy or cookie file is",
                MAX_FILE_LEN / 1024
            )));
        }
        if buf.len() + n > buf.capacity() {
            let mut bigger = Zeroizing::new(Vec::with_capacity(
                (buf.capacity() * 2).max(buf.len() + n).min(limit + 1),
            ));
            bigger.extend_from_slice(&buf);
            buf = bigger;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Ok(std::mem::take(&mut *buf))
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

    fn test_key(name: &str) -> Vec<u8> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/keys");
        std::fs::read(format!("{dir}/{name}")).unwrap()
    }

    const PASS: &[u8] = b"test-passphrase";

    fn load(name: &str) -> Result<PrivateKey> {
        PrivateKey::from_pem(&test_key(name), Some(PASS), name)
    }

    /// The public key of a loaded test key, to compare two encodings of one key.
    fn public_pem(name: &str) -> String {
        load(name).unwrap().public_key().to_pem().unwrap()
    }

    /// Regression (issue 10.3): PBES2 with PRF hmacWithSHA1, OpenSSL 1.0.x's default, was
    /// reported as a wrong passphrase.
    #[test]
    fn pbes2_hmac_sha1_key_is_not_a_wrong_passphrase() {
        assert_eq!(
            public_pem("rsa2048_pkcs8_encrypted_sha1prf.pem"),
            public_pem("rsa2048_pkcs8.pem")
        );
        let e = PrivateKey::from_pem(
            &test_key("rsa2048_pkcs8_encrypted_sha1prf.pem"),
            Some(b"wrong"),
            "k",
        )
        .unwrap_err();
        assert!(matches!(e, Error::Passphrase { .. }), "{e}");
    }

    /// Regression (issue 10.3): `-v2 des3` keys gave an ASN.1/OID error.
    #[test]
    fn pbes2_des3_key_loads() {
        assert_eq!(
            public_pem("ec_p256_pkcs8_encrypted_des3.pem"),
            public_pem("ec_p256_pkcs8.pem")
        );
    }

    /// Regression (issue 10.3): a PBES1 key (`-v1 PBE-SHA1-3DES`) gave an ASN.1/OID error;
    /// it must name the scheme and the conversion, never blame the passphrase.
    #[test]
    fn pbes1_key_names_the_scheme_and_the_conversion() {
        let e = load("ec_p256_pkcs8_encrypted_pbes1.pem").unwrap_err();
        assert!(matches!(e, Error::KeyEncryption { .. }), "{e:?}");
        assert!(e.to_string().contains("PBE-SHA1-3DES"), "{e}");
        let hint = e.hint().unwrap();
        assert!(
            hint.contains("openssl pkcs8 -topk8 -v2 aes-256-cbc"),
            "{hint}"
        );
    }

    /// Regression (issue 10.3): SEC1 and PKCS#8 keys with explicit P-256 parameters were
    /// refused as an "unnamed curve"; other explicit curves must still be refused by name.
    #[test]
    fn explicit_p256_parameters_are_accepted_others_named() {
        let named = public_pem("ec_p256_sec1.pem");
        assert_eq!(public_pem("ec_p256_sec1_explicit.pem"), named);
        assert_eq!(public_pem("ec_p256_pkcs8_explicit.pem"), named);
        let e = load("ec_p384_sec1_explicit.pem").unwrap_err();
        assert!(matches!(e, Error::KeyUnsupported { .. }), "{e:?}");
        assert!(
            e.to_string()
                .contains("explicit curve parameters, not P-256"),
            "{e}"
        );
    }

    /// Regression (issue 10.3): RSA keys of 2041-2047 bits were taken for RSA-2048 (the
    /// check was bytes x 8).
    #[test]
    fn rsa_keys_of_2041_to_2047_bits_are_refused() {
        for (name, bits) in [("rsa2041_pkcs1.pem", 2041), ("rsa2047_pkcs1.pem", 2047)] {
            let e = load(name).unwrap_err();
            assert!(matches!(e, Error::KeyUnsupported { .. }), "{e:?}");
            assert!(e.to_string().contains(&format!("RSA-{bits}")), "{e}");
        }
    }

    /// The scrypt and PBKDF2 test keys with their KDF parameters replaced, as PEM.
    fn with_kdf(name: &str, edit: impl Fn(&mut pkcs5::pbes2::Kdf)) -> Vec<u8> {
        use pkcs8::der::Encode;
        let pem = test_key(name);
        let (_, der) = pkcs8::der::pem::decode_vec(&pem).unwrap();
        let mut info = pkcs8::EncryptedPrivateKeyInfoRef::from_der(&der).unwrap();
        let pkcs5::EncryptionScheme::Pbes2(params) = &mut info.encryption_algorithm else {
            panic!("not PBES2");
        };
        edit(&mut params.kdf);
        let der = info.to_der().unwrap();
        pkcs8::der::pem::encode_string("ENCRYPTED PRIVATE KEY", pkcs8::LineEnding::LF, &der)
            .unwrap()
            .into_bytes()
    }

    /// Regression (found by fuzzing): an encrypted key whose DES-EDE3-CBC (or DES-CBC)
    /// IV was shorter than 8 bytes panicked inside pkcs5 ("range end index 8 out of
    /// range") instead of being refused.
    #[test]
    fn des_iv_shorter_than_8_bytes_panicked() {
        use pkcs8::der::Encode;
        use pkcs8::der::asn1::{AnyRef, OctetStringRef};
        let seq = |parts: &[Vec<u8>]| {
            let content = parts.concat();
            AnyRef::new(pkcs8::der::Tag::Sequence, &content)
                .unwrap()
                .to_der()
                .unwrap()
        };
        let octets = |b: &[u8]| OctetStringRef::new(b).unwrap().to_der().unwrap();
        let pem = test_key("ec_p256_pkcs8_encrypted_des3.pem");
        let (_, der) = pkcs8::der::pem::decode_vec(&pem).unwrap();
        let info = pkcs8::EncryptedPrivateKeyInfoRef::from_der(&der).unwrap();
        let pkcs5::EncryptionScheme::Pbes2(params) = &info.encryption_algorithm else {
            panic!("not PBES2");
        };
        let kdf = params.kdf.to_der().unwrap();
        let pbes2_oid = pkcs5::pbes2::PBES2_OID.to_der().unwrap();
        for (oid, iv_len, cipher) in [
            ("1.2.840.113549.3.7", 4, "DES-EDE3-CBC"),
            ("1.2.840.113549.3.7", 0, "DES-EDE3-CBC"),
            ("1.2.840.113549.3.7", 16, "DES-EDE3-CBC"),
            ("1.3.14.3.2.7", 7, "DES-CBC"),
        ] {
            let cipher_oid = ObjectIdentifier::new_unwrap(oid).to_der().unwrap();
            let enc = seq(&[cipher_oid, octets(&vec![7; iv_len])]);
            let alg = seq(&[pbes2_oid.clone(), seq(&[kdf.clone(), enc])]);
            let key = seq(&[alg, octets(info.encrypted_data.as_bytes())]);
            let pem = pkcs8::der::pem::encode_string(
                "ENCRYPTED PRIVATE KEY",
                pkcs8::LineEnding::LF,
                &key,
            )
            .unwrap();
            let e = PrivateKey::from_pem(pem.as_bytes(), Some(b"fuzz"), "short-iv.pem")
                .unwrap_err()
                .to_string();
            assert!(
                e.contains(&format!("{cipher} and an IV of {iv_len} bytes")),
                "{oid} IV {iv_len}: {e}"
            );
        }
    }

    fn scrypt(n: u64, r: u16, p: u16) -> Vec<u8> {
        with_kdf("ec_p256_pkcs8_encrypted_scrypt.pem", |kdf| {
            let pkcs5::pbes2::Kdf::Scrypt(s) = kdf else {
                panic!("not scrypt")
            };
            s.cost_parameter = n;
            s.block_size = r;
            s.parallelization = p;
        })
    }

    /// Regression (issue 9.5): scrypt N=0 panicked inside the KDF, N=2^56 overflowed, N=2^40
    /// aborted allocating a TiB, p=65535 and PBKDF2 with 2^32-1 iterations ran for hours.
    /// Each is refused before deriving, naming the parameter, never as a wrong passphrase.
    #[test]
    fn hostile_kdf_parameters_are_refused_before_deriving() {
        let pbkdf2 = with_kdf("rsa2048_pkcs8_encrypted.pem", |kdf| {
            let pkcs5::pbes2::Kdf::Pbkdf2(p) = kdf else {
                panic!("not PBKDF2")
            };
            p.iteration_count = u32::MAX;
        });
        let cases = [
            (scrypt(0, 8, 1), "N = 0"),
            (scrypt(3, 8, 1), "N = 3"),
            (scrypt(1 << 56, 8, 1), "N = 72057594037927936"),
            (scrypt(1 << 40, 1, 1), "MiB of memory"),
            (scrypt(1 << 21, 8, 1), "MiB of memory"),
            (scrypt(1 << 14, 8, 65535), "parallelization p = 65535"),
            (scrypt(1 << 10, 0, 1), "block size r = 0"),
            (pbkdf2, "PBKDF2 iteration count of 4294967295"),
        ];
        for (pem, needle) in cases {
            let e = PrivateKey::from_pem(&pem, Some(PASS), "k").unwrap_err();
            assert!(matches!(e, Error::KeyEncryption { .. }), "{needle}: {e:?}");
            assert!(e.to_string().contains(needle), "{needle}: {e}");
            assert!(e.hint().unwrap().contains("-v2 aes-256-cbc"), "{e}");
        }
        // The limits still let through what OpenSSL writes by default, and the scrypt base.
        let ok = PrivateKey::from_pem(&scrypt(1 << 10, 8, 1), Some(PASS), "k").unwrap();
        assert_eq!(ok.algorithm(), KeyAlgorithm::EcdsaP256);
    }

    #[test]
    fn key_material_is_recognised_and_ordinary_values_are_not() {
        let pem = String::from_utf8(test_key("ec_p256_sec1.pem")).unwrap();
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        for text in [
            pem.clone(),
            pem.replace('\n', "\\n"),
            format!("\"{}\"", pem.replace('\n', "\\r\\n")),
            body.clone(),
            pem.lines()
                .filter(|l| !l.starts_with("-----"))
                .collect::<Vec<_>>()
                .join("\n"),
            // Split so the packaging test does not take this file for a key.
            concat!("-----", "END PRIVATE KEY-----").into(),
        ] {
            assert!(looks_like_key_material(&text), "{text}");
        }
        // One line of a key's body, bare, quoted, as a CSV field or with a literal `\n`
        // (the fresh review found these echoed in errors).
        let line = pem.lines().nth(2).unwrap();
        for text in [
            line.to_string(),
            format!("\"{line}\""),
            format!("{line},"),
            format!("{line}\\n"),
        ] {
            assert!(looks_like_key_material(&text), "{text}");
        }
        for text in [
            "keys/private_key.pem",
            "/var/lib/cloudfront/trustedkeys/production/keys/for/the/site/here",
            "K2JCJMDEHXQW5F",
            "APKAEIBAERJR2EXAMPLE",
            "K2JCJMDEHXQW5F=public_key.pem",
            "Q3 Report 2026 Final Version For Our Customers Worldwide",
            "/srv/CloudFront/keys/Production2026/signing/privatekey",
            "7",
            "2026-12-31T00:00:00Z",
            "192.0.2.0/24",
            "https://d111111abcdef8.cloudfront.net/a.jpg?Expires=1767290400&Signature=MEUCIQDz3nJqQ7n0pYQ4m2u8u1hU7l9bU3Yh3N0eXl3v6o7Y3wIgQ5q6XjYc7VJ7z1gQe9Q8Y1m4d0b6m2c8g3uX6e9hQk0_&Key-Pair-Id=K2JCJMDEHXQW5F",
        ] {
            assert!(!looks_like_key_material(text), "{text}");
        }
    }
}
