//! Helpers shared by the black-box tests: paths under `tests/data`, the vectors file,
//! the `cfsign` command with a clean environment, CloudFront base64 and openssl checks.
//!
//! Each test file compiles this module on its own and uses a part of it.
#![allow(dead_code)]

pub mod moto;
pub mod softhsm;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

/// The reference time the CLI tests pass with `--now` (the vectors expire in 2026-01).
pub const NOW: &str = "2025-12-01T00:00:00Z";
/// The key pair ID of the vectors.
pub const KPID: &str = "K2JCJMDEHXQW5F";
/// The passphrase of the encrypted test keys.
pub const PASSPHRASE: &str = "test-passphrase";
/// 2026-01-01T18:00:00Z, the expiry of most vectors.
pub const EXPIRES: i64 = 1_767_290_400;
/// The URL of the plain vectors.
pub const IMAGE_URL: &str = "https://d111111abcdef8.cloudfront.net/image.jpg";

/// The environment variables cfsign reads; removed from every test command.
pub const CFSIGN_VARS: [&str; 7] = [
    "CFSIGN_KEY_PAIR_ID",
    "CFSIGN_PRIVATE_KEY_FILE",
    "CFSIGN_PRIVATE_KEY",
    "CFSIGN_PRIVATE_KEY_PASSPHRASE",
    "CFSIGN_PKCS11_MODULE",
    "CFSIGN_PKCS11_PIN",
    "CFSIGN_KMS_MESSAGE_TYPE",
];

/// A path inside the repository.
pub fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// A path under `tests/data`.
pub fn data(rel: &str) -> PathBuf {
    repo("tests/data").join(rel)
}

/// A test key under `tests/data/keys`.
pub fn key(name: &str) -> PathBuf {
    protect_test_keys();
    data("keys").join(name)
}

/// Makes the test keys (and the demo key) readable by their owner only, as private keys
/// should be: git checks them out group- and world-readable, and cfsign warns about that
/// (as ssh does), which would add a warning to every test's stderr.
pub fn protect_test_keys() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        #[cfg(unix)]
        for dir in [data("keys"), repo("keys")] {
            use std::os::unix::fs::PermissionsExt;
            for entry in std::fs::read_dir(&dir).expect("key directory").flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "pem") {
                    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                        .expect("chmod 600 a test key");
                }
            }
        }
    });
}

/// A test key as a string argument.
pub fn key_arg(name: &str) -> String {
    key(name).display().to_string()
}

/// The path of the built `cfsign` binary. Cargo builds it only with the `cli` feature,
/// which every test that runs it requires (`required-features` in Cargo.toml), so the
/// library's tests still build without it.
pub fn bin() -> &'static str {
    match option_env!("CARGO_BIN_EXE_cfsign") {
        Some(path) => path,
        None => {
            panic!("no cfsign binary: a test that runs it needs `required-features = [\"cli\"]`")
        }
    }
}

/// `cfsign` with none of the `CFSIGN_*` variables set and an empty standard input.
pub fn cfsign() -> assert_cmd::Command {
    protect_test_keys();
    let mut cmd = assert_cmd::Command::new(bin());
    for var in CFSIGN_VARS {
        cmd.env_remove(var);
    }
    cmd.write_stdin("");
    cmd
}

/// `cfsign` with the RSA test key (PKCS#1), the vectors' key pair ID and `--now`.
pub fn cfsign_rsa() -> assert_cmd::Command {
    let mut cmd = cfsign();
    cmd.args(["--private-key", &key_arg("rsa2048_pkcs1.pem")])
        .args(["--key-pair-id", KPID, "--now", NOW]);
    cmd
}

/// [`cfsign_rsa`] with `first` as the first arguments (a subcommand and its arguments).
pub fn cfsign_rsa_after(first: &[&str]) -> assert_cmd::Command {
    let mut cmd = cfsign();
    cmd.args(first)
        .args(["--private-key", &key_arg("rsa2048_pkcs1.pem")])
        .args(["--key-pair-id", KPID, "--now", NOW]);
    cmd
}

/// `cfsign` with the ECDSA P-256 test key (SEC1), the vectors' key pair ID and `--now`.
pub fn cfsign_ec() -> assert_cmd::Command {
    let mut cmd = cfsign();
    cmd.args(["--private-key", &key_arg("ec_p256_sec1.pem")])
        .args(["--key-pair-id", KPID, "--now", NOW]);
    cmd
}

/// Standard output as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

/// Standard error as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("stderr is UTF-8")
}

/// Runs `cmd`: its exit status (-1 when killed by a signal), stdout and stderr.
pub fn run(cmd: &mut assert_cmd::Command) -> (i32, String, String) {
    let out = cmd.output().expect("cfsign runs");
    (out.status.code().unwrap_or(-1), stdout(&out), stderr(&out))
}

/// Runs `cmd` and checks a refusal: exit status `code`, nothing on stdout, `needle` on
/// stderr, and at most two stderr lines (the error and a hint). Returns stderr.
pub fn assert_refused(cmd: &mut assert_cmd::Command, code: i32, needle: &str) -> String {
    let out = cmd.output().expect("cfsign runs");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(code), "exit status; stderr: {err}");
    assert_eq!(stdout(&out), "", "stdout must be empty; stderr: {err}");
    assert!(err.contains(needle), "stderr lacks {needle:?}: {err}");
    assert!(
        err.lines().count() <= 2,
        "an error is one line plus an optional hint: {err}"
    );
    err
}

/// The whole vectors file.
pub fn vectors() -> Value {
    let text = std::fs::read_to_string(data("vectors.json")).expect("tests/data/vectors.json");
    serde_json::from_str(&text).expect("vectors.json is JSON")
}

/// One vector by ID.
pub fn vector(id: &str) -> Value {
    vectors()["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no vector {id}"))
        .clone()
}

/// The value of the last query parameter `name` of `url`.
pub fn param<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    let (_, query) = url.split_once('?')?;
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .next_back()
}

/// The raw signature bytes of a signed URL's `Signature` parameter.
pub fn signature_of(url: &str) -> Vec<u8> {
    let sig = param(url, "Signature").expect("a Signature parameter");
    cfsign::encoding::decode("Signature", sig).expect("Signature is CloudFront base64")
}

/// The URL with its `Signature` value replaced by `SIG`, to compare randomized outputs.
pub fn without_signature(url: &str) -> String {
    let sig = param(url, "Signature").expect("a Signature parameter");
    url.replacen(&format!("Signature={sig}"), "Signature=SIG", 1)
}

/// Verifies `signature` over `policy` with the `openssl` command (an implementation
/// independent of cfsign's crypto crates). `hash` is `sha1` or `sha256`.
pub fn openssl_verifies(public_key: &Path, hash: &str, policy: &[u8], signature: &[u8]) -> bool {
    let dir = tempfile::tempdir().expect("temp dir");
    let policy_path = dir.path().join("policy.json");
    let sig_path = dir.path().join("sig.der");
    std::fs::write(&policy_path, policy).expect("write policy");
    std::fs::write(&sig_path, signature).expect("write signature");
    let out = std::process::Command::new("openssl")
        .arg("dgst")
        .arg(format!("-{hash}"))
        .arg("-verify")
        .arg(public_key)
        .arg("-signature")
        .arg(&sig_path)
        .arg(&policy_path)
        .output()
        .expect("the openssl command is installed (.ci/run installs it)");
    let text = String::from_utf8_lossy(&out.stdout);
    out.status.success() && text.contains("Verified OK")
}

/// The canned policy CloudFront rebuilds from a signed URL (the URL without the signing
/// parameters, and `Expires`), built here by hand from [R1] rather than by cfsign.
pub fn rebuilt_canned_policy(signed_url: &str) -> String {
    let expires = param(signed_url, "Expires").expect("an Expires parameter");
    let cut = signed_url
        .find("?Expires=")
        .or_else(|| signed_url.find("&Expires="))
        .expect("Expires follows the URL");
    format!(
        r#"{{"Statement":[{{"Resource":"{}","Condition":{{"DateLessThan":{{"AWS:EpochTime":{expires}}}}}}}]}}"#,
        &signed_url[..cut]
    )
}

/// The compiled output schema (`schema/cfsign-output.schema.json`), the index of its
/// root (any cfsign JSON object) and of each `$defs` entry by name.
struct OutputSchema {
    schemas: boon::Schemas,
    root: boon::SchemaIndex,
    defs: std::collections::BTreeMap<String, boon::SchemaIndex>,
}

fn output_schema() -> &'static OutputSchema {
    static SCHEMA: std::sync::OnceLock<OutputSchema> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| {
        let path = repo("schema/cfsign-output.schema.json");
        let text = std::fs::read_to_string(&path).expect("schema/cfsign-output.schema.json");
        let doc: Value = serde_json::from_str(&text).expect("the schema is JSON");
        let loc = "file:///cfsign-output.schema.json";
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        compiler
            .add_resource(loc, doc.clone())
            .expect("schema resource");
        let root = compiler
            .compile(loc, &mut schemas)
            .unwrap_or_else(|e| panic!("the schema compiles: {e:#}"));
        let defs = doc["$defs"]
            .as_object()
            .expect("$defs")
            .keys()
            .map(|name| {
                let index = compiler
                    .compile(&format!("{loc}#/$defs/{name}"), &mut schemas)
                    .unwrap_or_else(|e| panic!("$defs/{name} compiles: {e:#}"));
                (name.clone(), index)
            })
            .collect();
        OutputSchema {
            schemas,
            root,
            defs,
        }
    })
}

/// Parses one line of cfsign's JSON output and checks it against the documented schema
/// (`schema/cfsign-output.schema.json`): every JSON object a test reads goes through here.
pub fn json(line: &str) -> Value {
    let v: Value = serde_json::from_str(line.trim_end_matches('\n'))
        .unwrap_or_else(|e| panic!("not one JSON object ({e}): {line}"));
    let s = output_schema();
    if let Err(e) = s.schemas.validate(&v, s.root) {
        panic!("output does not match schema/cfsign-output.schema.json: {e:#}\n{line}");
    }
    v
}

/// [`json`] for each line of a `--format json` output.
pub fn json_lines(text: &str) -> Vec<Value> {
    text.lines().map(json).collect()
}

/// Checks `v` against one object kind of the schema (`sign_url`, `sign_failure`,
/// `sign_skipped`, `cookies`, `verify`, `inspect`).
pub fn assert_schema_kind(v: &Value, kind: &str) {
    let s = output_schema();
    let index = *s
        .defs
        .get(kind)
        .unwrap_or_else(|| panic!("no $defs/{kind}"));
    if let Err(e) = s.schemas.validate(v, index) {
        panic!("not a {kind} object: {e:#}\n{v}");
    }
}

/// `text` (cfsign's output: lines, JSON, CSV) with the value of every `Signature=` in a
/// signed URL replaced by `SIG`, after checking that each signature verifies with
/// `public_key` over the URL's policy (its `Policy` parameter, or the canned policy
/// CloudFront rebuilds from it) and hash. For comparing ECDSA output, whose SHA-256
/// signatures differ run to run where graviola signs them (hedged nonces). Returns the
/// masked text and how many signatures were checked.
pub fn ecdsa_signatures_verified_and_masked(text: &str, public_key: &Path) -> (String, usize) {
    let key = cfsign::PublicKey::from_pem_file(public_key).expect("public key");
    let mut masked = String::with_capacity(text.len());
    let mut checked = 0;
    for piece in text.split_inclusive(|c: char| c == '"' || c == ',' || c.is_whitespace()) {
        let end = piece.len()
            - piece.chars().next_back().map_or(0, |c| {
                if c == '"' || c == ',' || c.is_whitespace() {
                    c.len_utf8()
                } else {
                    0
                }
            });
        let (token, delimiter) = piece.split_at(end);
        if !(token.starts_with("http") && param(token, "Signature").is_some()) {
            masked.push_str(piece);
            continue;
        }
        let hash = match param(token, "Hash-Algorithm") {
            Some("SHA256") => cfsign::HashAlgorithm::Sha256,
            _ => cfsign::HashAlgorithm::Sha1,
        };
        let policy = match param(token, "Policy") {
            Some(p) => cfsign::encoding::decode("Policy", p).expect("Policy is CloudFront base64"),
            None => rebuilt_canned_policy(token).into_bytes(),
        };
        cfsign::sign::verify_bytes(&key, hash, &policy, &signature_of(token))
            .unwrap_or_else(|e| panic!("{token}: {e}"));
        checked += 1;
        masked.push_str(&without_signature(token));
        masked.push_str(delimiter);
    }
    (masked, checked)
}

/// Runs `cmd` (a prepared `cfsign`: a clean environment plus whatever a key source needs)
/// to sign `url` with `--private-key SOURCE`, the test key pair ID, `--now` [`NOW`] and
/// the expiry [`EXPIRES`], plus `extra`; asserts exit 0 and returns the signed URL.
pub fn sign_with_source(
    mut cmd: assert_cmd::Command,
    url: &str,
    source: &str,
    extra: &[&str],
) -> String {
    let out = cmd
        .args([
            url,
            "--private-key",
            source,
            "--key-pair-id",
            "K2JCJMDEHXQW5F",
        ])
        .args(["--now", NOW, "--date-less-than", &EXPIRES.to_string()])
        .args(extra)
        .output()
        .expect("cfsign runs");
    assert_eq!(out.status.code(), Some(0), "{source}: {}", stderr(&out));
    stdout(&out).trim_end().to_string()
}
