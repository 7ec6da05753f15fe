//! The cross-checked vectors of `tests/data/vectors.json` (kind `url`), run through the
//! library and through the `cfsign` binary.
//!
//! RSA cases must match the reference signers byte for byte; ECDSA cases are randomized
//! for other signers, so their policy bytes must match and the signature must verify
//! with the public key (with cfsign's verifier and, independently, with `openssl`).
//! `input_valid: false` cases must be refused. The `kind: cookies` cases belong to the
//! cookie tests.

mod common;

use cfsign::{
    Condition, HashAlgorithm, KeyPairId, PolicyMode, PrivateKey, PublicKey, RawPolicy, SignedUrl,
    Signer, SourceIp, UrlOptions,
};
use common::{
    NOW, cfsign, key, openssl_verifies, signature_of, stderr, stdout, vectors, without_signature,
};
use serde_json::Value;

/// One `kind: url` case of the vectors file.
struct Case<'a>(&'a Value);

impl Case<'_> {
    fn id(&self) -> &str {
        self.0["id"].as_str().expect("id")
    }
    fn text(&self, field: &str) -> &str {
        self.0[field]
            .as_str()
            .unwrap_or_else(|| panic!("{}: no {field}", self.id()))
    }
    fn option_str(&self, name: &str) -> Option<&str> {
        self.0["options"][name].as_str()
    }
    fn option_i64(&self, name: &str) -> Option<i64> {
        self.0["options"][name].as_i64()
    }
    fn expires(&self) -> i64 {
        self.0["expires"].as_i64().expect("expires")
    }
    fn is_valid(&self) -> bool {
        self.0["input_valid"].as_bool() != Some(false)
    }
    fn is_ecdsa(&self) -> bool {
        self.text("algorithm").starts_with("ECDSA")
    }
    fn hash(&self) -> HashAlgorithm {
        let alg = self.text("algorithm");
        let hash = if alg.ends_with("SHA256") {
            HashAlgorithm::Sha256
        } else {
            assert!(alg.ends_with("SHA1"), "{}: algorithm {alg}", self.id());
            HashAlgorithm::Sha1
        };
        if let Some(h) = self.option_str("hash") {
            assert_eq!(h, hash.as_str(), "{}: options.hash", self.id());
        }
        hash
    }
    fn hash_flag(&self) -> &'static str {
        match self.hash() {
            HashAlgorithm::Sha1 => "sha1",
            _ => "sha256",
        }
    }
    /// Whether the case is signed past its expiry relative to the CLI tests' `--now`.
    fn expired_at_now(&self) -> bool {
        self.expires() <= cfsign::time::parse_time(NOW).expect("NOW")
    }
    fn public_key(&self) -> PublicKey {
        PublicKey::from_pem_file(key(self.text("public_key"))).expect("public key")
    }
}

/// All `kind: url` cases.
fn url_cases(all: &Value) -> Vec<Case<'_>> {
    all["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .filter(|c| c["kind"] == "url")
        .map(Case)
        .collect()
}

/// Signs a case with the library, the way a Rust service would.
fn library_sign(case: &Case) -> cfsign::Result<SignedUrl> {
    let passphrase = case.option_str("passphrase").map(str::as_bytes);
    let key = PrivateKey::from_pem_file(key(case.text("key")), passphrase)?;
    let signer = Signer::new(key, KeyPairId::new(case.text("key_pair_id"))?)
        .with_hash_algorithm(case.hash());
    let url = case.text("url");
    if let Some(policy) = case.option_str("custom_policy") {
        let raw = RawPolicy::new(policy.as_bytes().to_vec())?;
        return signer.sign_url_with_policy(url, &raw);
    }
    let ip_address = case
        .option_str("ip")
        .map(str::parse::<SourceIp>)
        .transpose()?;
    let request = UrlOptions {
        policy_resource: case.option_str("policy_resource").map(String::from),
        condition: Condition {
            date_less_than: case.expires(),
            date_greater_than: case.option_i64("date_greater_than"),
            ip_address,
        },
        mode: PolicyMode::Auto,
    };
    signer.sign_url(url, &request)
}

/// Runs a case through the CLI; returns the output.
fn cli_sign(case: &Case, dir: &std::path::Path) -> std::process::Output {
    let mut cmd = cfsign();
    cmd.arg(case.text("url"))
        .args([
            "--private-key",
            &key(case.text("key")).display().to_string(),
        ])
        .args(["--key-pair-id", case.text("key_pair_id")])
        .args(["--now", NOW])
        .args(["--hash-algorithm", case.hash_flag()]);
    if let Some(p) = case.option_str("passphrase") {
        let path = dir.join(format!("{}.pass", case.id()));
        std::fs::write(&path, format!("{p}\n")).expect("write passphrase");
        cmd.arg("--passphrase-file").arg(path);
    }
    if let Some(policy) = case.option_str("custom_policy") {
        let path = dir.join(format!("{}.json", case.id()));
        std::fs::write(&path, policy).expect("write policy");
        cmd.arg("--policy-file").arg(path);
    } else {
        cmd.args(["--date-less-than", &case.expires().to_string()]);
        if let Some(r) = case.option_str("policy_resource") {
            cmd.args(["--policy-resource", r]);
        }
        if let Some(t) = case.option_i64("date_greater_than") {
            cmd.args(["--date-greater-than", &t.to_string()]);
        }
        if let Some(ip) = case.option_str("ip") {
            cmd.args(["--ip-address", ip]);
        }
    }
    cmd.output().expect("cfsign runs")
}

/// Checks a signed URL against a valid case: exact bytes for RSA; for ECDSA the same URL
/// apart from the signature, and a signature that verifies over the vector's policy.
fn check_signed_url(case: &Case, url: &str) {
    let id = case.id();
    if case.is_ecdsa() {
        let example = case.text("example_signed_url");
        assert_eq!(without_signature(url), without_signature(example), "{id}");
        cfsign::sign::verify_bytes(
            &case.public_key(),
            case.hash(),
            case.text("policy").as_bytes(),
            &signature_of(url),
        )
        .unwrap_or_else(|e| panic!("{id}: {e}"));
    } else {
        assert_eq!(url, case.text("signed_url"), "{id}");
    }
}

#[test]
fn url_vectors_through_the_library() {
    let all = vectors();
    let cases = url_cases(&all);
    let (mut exact, mut ecdsa, mut refused, mut same_as) = (0, 0, 0, 0);
    for case in &cases {
        let id = case.id();
        let result = library_sign(case);
        if !case.is_valid() {
            let err = result.expect_err(id).to_string();
            let quoted = case.option_str("ip").unwrap_or(case.text("url"));
            assert!(
                err.contains(quoted),
                "{id}: the error quotes the input: {err}"
            );
            refused += 1;
            continue;
        }
        let signed = result.unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(signed.policy, case.text("policy"), "{id}: policy bytes");
        assert_eq!(
            signed.policy_type.as_str(),
            case.text("policy_type"),
            "{id}"
        );
        assert_eq!(signed.hash_algorithm, case.hash(), "{id}");
        check_signed_url(case, &signed.url);
        if case.is_ecdsa() {
            ecdsa += 1;
        } else {
            exact += 1;
        }
        if let Some(twin) = case.0["same_as"].as_str() {
            let twin = cases.iter().find(|c| c.id() == twin).expect("twin case");
            let twin_signed = library_sign(twin).expect("twin signs");
            assert_eq!(signed.url, twin_signed.url, "{id} same as {}", twin.id());
            same_as += 1;
        }
    }
    assert_eq!(cases.len(), 63, "kind:url cases in vectors.json");
    assert_eq!((exact, ecdsa, refused, same_as), (51, 7, 5, 6));
}

#[test]
fn url_vectors_through_the_cli() {
    let all = vectors();
    let cases = url_cases(&all);
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut exact, mut ecdsa, mut refused, mut past) = (0, 0, 0, 0);
    for case in &cases {
        let id = case.id();
        let out = cli_sign(case, dir.path());
        let (out_text, err_text) = (stdout(&out), stderr(&out));
        if case.expired_at_now() {
            // expiry 0 and 1: signed by the library only; the CLI refuses past expiries.
            assert_eq!(out.status.code(), Some(2), "{id}: {err_text}");
            assert_eq!(out_text, "", "{id}");
            assert!(
                err_text.contains("is not later than now"),
                "{id}: {err_text}"
            );
            past += 1;
            continue;
        }
        if !case.is_valid() {
            assert_eq!(out_text, "", "{id}: nothing on stdout");
            match case.option_str("ip") {
                // An option value: a configuration error.
                Some(ip) => {
                    assert_eq!(out.status.code(), Some(2), "{id}: {err_text}");
                    assert!(err_text.contains(ip), "{id}: {err_text}");
                }
                // A URL that cannot be signed.
                None => {
                    assert_eq!(out.status.code(), Some(1), "{id}: {err_text}");
                    assert!(err_text.contains(case.text("url")), "{id}: {err_text}");
                }
            }
            refused += 1;
            continue;
        }
        assert_eq!(out.status.code(), Some(0), "{id}: {err_text}");
        let line = out_text
            .strip_suffix('\n')
            .unwrap_or_else(|| panic!("{id}: one line: {out_text:?}"));
        assert!(!line.contains('\n'), "{id}: one line");
        check_signed_url(case, line);
        // The CLI and the library give the same bytes, except where the default
        // backend's ECDSA nonces are hedged with random bytes (graviola, SHA-256): then
        // the same URL apart from the signature, which `check_signed_url` verified.
        let library = library_sign(case).expect(id).url;
        let key = cfsign::KeyAlgorithm::EcdsaP256;
        if case.is_ecdsa() && !cfsign::Backend::default_for_build().reproducible(key, case.hash()) {
            assert_eq!(without_signature(line), without_signature(&library), "{id}");
            check_signed_url(case, &library);
        } else {
            assert_eq!(line, library, "{id}: CLI = library");
        }
        if case.is_ecdsa() {
            ecdsa += 1;
        } else {
            exact += 1;
        }
    }
    assert_eq!(cases.len(), 63, "kind:url cases in vectors.json");
    assert_eq!((exact, ecdsa, refused, past), (49, 7, 5, 2));
}

#[test]
fn ecdsa_vector_signatures_verify_with_openssl() {
    let all = vectors();
    let mut checked = 0;
    for case in url_cases(&all).iter().filter(|c| c.is_ecdsa()) {
        let signed = library_sign(case).unwrap_or_else(|e| panic!("{}: {e}", case.id()));
        assert!(
            openssl_verifies(
                &key(case.text("public_key")),
                case.hash_flag(),
                case.text("policy").as_bytes(),
                &signature_of(&signed.url),
            ),
            "{}: openssl dgst -verify",
            case.id()
        );
        // The signature is DER SEQUENCE{r, s} [R14], not raw r||s.
        let der = signature_of(&signed.url);
        assert_eq!(der[0], 0x30, "{}: DER SEQUENCE", case.id());
        assert_eq!(
            usize::from(der[1]) + 2,
            der.len(),
            "{}: DER length",
            case.id()
        );
        checked += 1;
    }
    assert_eq!(checked, 7);
}

#[test]
fn same_key_in_every_form_signs_identically() {
    let all = vectors();
    let cases = url_cases(&all);
    let mut pairs = 0;
    for case in cases.iter().filter(|c| c.0["same_as"].is_string()) {
        let twin_id = case.text("same_as");
        let twin = cases.iter().find(|c| c.id() == twin_id).expect("twin");
        assert_eq!(
            case.text("signed_url"),
            twin.text("signed_url"),
            "{} vs {twin_id}",
            case.id()
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let a = stdout(&cli_sign(case, dir.path()));
        let b = stdout(&cli_sign(twin, dir.path()));
        assert_eq!(a, b, "{} vs {twin_id}", case.id());
        assert_eq!(a, format!("{}\n", twin.text("signed_url")));
        pairs += 1;
    }
    assert_eq!(pairs, 6);
}
