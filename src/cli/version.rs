//! `cfsign --version --verbose`: the version, and the signing backends compiled in and
//! chosen on this CPU, per key type and hash.

use cfsign::{Backend, HashAlgorithm, KeyAlgorithm};

/// Whether the arguments (after the program name) ask for the verbose version:
/// `--version --verbose` in either order (`-V` for `--version`). clap's version flag
/// takes no arguments, so this is checked before clap parses.
pub fn wanted(args: &[std::ffi::OsString]) -> bool {
    let rest: Vec<&str> = args.iter().skip(1).filter_map(|a| a.to_str()).collect();
    rest.len() == 2
        && rest.contains(&"--verbose")
        && (rest.contains(&"--version") || rest.contains(&"-V"))
}

/// The verbose version text, one fact per line.
pub fn text() -> String {
    let compiled: Vec<&str> = [
        Some("rsa (pure Rust; RSA-SHA1 and RSA-SHA256)"),
        cfg!(any(target_arch = "x86_64", target_arch = "aarch64"))
            .then_some("graviola (pure Rust with verified assembly; RSA-SHA256 and ECDSA-SHA256, on CPUs with the features it needs)"),
        cfg!(feature = "openssl").then_some("openssl (system OpenSSL; RSA-SHA1 and RSA-SHA256)"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let chosen = Backend::default_for_build();
    let usable: Vec<&str> = Backend::available().iter().map(|b| b.name()).collect();
    let mut out = format!(
        "cfsign {}\n\
         Backends compiled in: {}\n\
         Backends usable on this CPU: {}\n",
        env!("CARGO_PKG_VERSION"),
        compiled.join("; "),
        usable.join(", "),
    );
    for (key, hash) in [
        (KeyAlgorithm::Rsa2048, HashAlgorithm::Sha256),
        (KeyAlgorithm::Rsa2048, HashAlgorithm::Sha1),
        (KeyAlgorithm::EcdsaP256, HashAlgorithm::Sha256),
        (KeyAlgorithm::EcdsaP256, HashAlgorithm::Sha1),
    ] {
        let name = match key {
            KeyAlgorithm::Rsa2048 => "RSA",
            KeyAlgorithm::EcdsaP256 => "ECDSA",
        };
        let library = chosen.signs_with(key, hash);
        let note = match (key, chosen.reproducible(key, hash)) {
            (KeyAlgorithm::Rsa2048, _) => "",
            (_, true) => " (RFC 6979 nonces: the same input gives the same signature)",
            (_, false) => {
                " (RFC 6979 nonces mixed with random bytes: each signature differs, each verifies)"
            }
        };
        out.push_str(&format!("{name}-{hash} signs with: {library}{note}\n"));
    }
    out
}

/// The input lines after which a batch of per-URL RSA-SHA1 signatures on the `rsa` crate
/// earns [`slow_backend_note`].
pub const SLOW_BATCH_LINES: usize = 1_000;

/// One line for the end of a large batch signed with RSA-SHA1 by the pure-Rust `rsa`
/// crate (the slowest backend; graviola has no SHA-1), naming the faster choices on this
/// build and CPU; `None` for any other key, hash or backend, a remote key (KMS, PKCS#11),
/// or a batch of at most [`SLOW_BATCH_LINES`] lines. Callers show it only on a terminal
/// and only when each URL has its own policy (one shared policy is signed once anyway).
pub fn slow_backend_note(signer: &cfsign::Signer, lines: usize) -> Option<String> {
    let (rsa, sha1) = (KeyAlgorithm::Rsa2048, HashAlgorithm::Sha1);
    let backend = Backend::default_for_build();
    let slow = lines > SLOW_BATCH_LINES
        && signer.key_algorithm() == rsa
        && signer.hash_algorithm() == sha1
        && signer.signing_key().parallelism().is_none()
        && backend.signs_with(rsa, sha1) == "rsa";
    if !slow {
        return None;
    }
    let mut faster = Vec::new();
    if backend.signs_with(rsa, HashAlgorithm::Sha256) != "rsa" {
        faster.push("`--hash-algorithm SHA256` (about 3x, graviola)");
    }
    faster.push("an ECDSA P-256 key (10x or more)");
    if !cfg!(feature = "openssl") {
        faster.push("a cfsign built with `--features openssl` (about 6x)");
    }
    Some(format!(
        "cfsign: note: {lines} lines signed with RSA-SHA1 by the pure-Rust `rsa` crate, the slowest backend; faster: {}",
        faster.join(", ")
    ))
}
