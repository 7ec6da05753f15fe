//! `cfsign --version --verbose`: the version, and the signing backends compiled in and
//! chosen on this CPU.

use cfsign::Backend;

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
            .then_some("graviola (pure Rust with verified assembly; RSA-SHA256 only, on CPUs with the features it needs)"),
        cfg!(feature = "openssl").then_some("openssl (system OpenSSL; RSA-SHA1 and RSA-SHA256)"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let chosen = Backend::default_for_build();
    let (sha256, sha1) = match chosen.name() {
        "graviola" => ("graviola", "rsa"),
        name => (name, name),
    };
    let usable: Vec<&str> = Backend::available().iter().map(|b| b.name()).collect();
    format!(
        "cfsign {}\n\
         RSA backends compiled in: {}\n\
         RSA backends usable on this CPU: {}\n\
         RSA-SHA256 signs with: {sha256}\n\
         RSA-SHA1 signs with: {sha1}\n\
         ECDSA P-256 signs with: p256 (RFC 6979 nonces: the same input gives the same signature)\n",
        env!("CARGO_PKG_VERSION"),
        compiled.join("; "),
        usable.join(", "),
    )
}
