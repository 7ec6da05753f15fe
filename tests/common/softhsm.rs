//! A SoftHSM 2 token (Debian's `softhsm2`, installed by `.ci/run`) in a temporary
//! `SOFTHSM2_CONF` directory, holding the RSA and P-256 test keys, for `tests/pkcs11.rs`.
//! The module is loaded in-process by cfsign: there is no server to start or stop.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::key;

/// Debian's SoftHSM 2 module.
pub const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
/// The token user PIN.
pub const PIN: &str = "1234";
/// The token label.
pub const TOKEN: &str = "cfsign-test";

/// A SoftHSM token in a temporary directory holding `cf-rsa` (id 01) and `cf-ec` (id 02).
pub struct Token {
    dir: tempfile::TempDir,
}

impl Token {
    /// Initialises the token and imports `cf-rsa` and `cf-ec`.
    pub fn new() -> Token {
        assert!(
            Path::new(MODULE).exists(),
            "{MODULE} is missing: .ci/run installs softhsm2"
        );
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("tokens")).expect("token dir");
        std::fs::write(
            dir.path().join("softhsm2.conf"),
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
                dir.path().join("tokens").display()
            ),
        )
        .expect("conf");
        let token = Token { dir };
        token.util(&[
            "--init-token",
            "--free",
            "--label",
            TOKEN,
            "--pin",
            PIN,
            "--so-pin",
            "5678",
        ]);
        for (file, label, id) in [
            ("rsa2048_pkcs8.pem", "cf-rsa", "01"),
            ("ec_p256_pkcs8.pem", "cf-ec", "02"),
        ] {
            let path = key(file).display().to_string();
            token.util(&[
                "--import", &path, "--token", TOKEN, "--label", label, "--id", id, "--pin", PIN,
            ]);
        }
        token
    }

    /// The `SOFTHSM2_CONF` file of this token.
    pub fn conf(&self) -> PathBuf {
        self.dir.path().join("softhsm2.conf")
    }

    /// Runs `softhsm2-util ARGS` on this token; panics when it fails.
    pub fn util(&self, args: &[&str]) {
        let out = Command::new("softhsm2-util")
            .env("SOFTHSM2_CONF", self.conf())
            .args(args)
            .output()
            .expect("softhsm2-util runs (.ci/run installs softhsm2)");
        assert!(
            out.status.success(),
            "softhsm2-util {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// `cfsign` (the shared harness) with this token's `SOFTHSM2_CONF`.
    pub fn cfsign(&self) -> assert_cmd::Command {
        let mut cmd = super::cfsign();
        cmd.env("SOFTHSM2_CONF", self.conf());
        cmd
    }
}
