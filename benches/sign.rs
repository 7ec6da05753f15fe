//! `cargo bench` (add `--features openssl` for the OpenSSL backend): the parts of signing
//! one URL, per backend, hash and key type, and a URL under an already signed policy
//! (the signature cache). Numbers, not pass/fail: see README "Performance" and
//! `bench/compare.sh`, which runs the `sign/` group next to the CLI.

use std::hint::black_box;

use cfsign::{
    Backend, Condition, HashAlgorithm, KeyPairId, Policy, PrivateKey, Signer, UrlOptions,
};
use criterion::{Criterion, criterion_group, criterion_main};

const URL: &str = "https://d111111abcdef8.cloudfront.net/videos/2026/11/intro-1080p.mp4";
const EXPIRES: i64 = 1_767_290_400;

fn key(name: &str) -> PrivateKey {
    let path = format!("{}/tests/data/keys/{name}", env!("CARGO_MANIFEST_DIR"));
    let pem = std::fs::read(&path).expect("test key");
    PrivateKey::from_pem(&pem, None, &path).expect("valid test key")
}

fn signer(key: PrivateKey, hash: HashAlgorithm) -> Signer {
    Signer::new(key, KeyPairId::new("K2JCJMDEHXQW5F").expect("valid id")).with_hash_algorithm(hash)
}

fn policy_and_encoding(c: &mut Criterion) {
    let canned = Policy::canned(URL, EXPIRES);
    let custom = Policy::new(
        "https://d111111abcdef8.cloudfront.net/videos/*",
        Condition {
            date_less_than: EXPIRES,
            date_greater_than: Some(EXPIRES - 86_400),
            ip_address: Some("192.0.2.0/24".parse().expect("valid CIDR")),
        },
    );
    c.bench_function("policy/canned_json", |b| {
        b.iter(|| black_box(&canned).to_json())
    });
    c.bench_function("policy/custom_json", |b| {
        b.iter(|| black_box(&custom).to_json())
    });
    let json = custom.to_json();
    c.bench_function("encode/custom_policy", |b| {
        b.iter(|| cfsign::encoding::encode(black_box(json.as_bytes())))
    });
}

fn signing(c: &mut Criterion) {
    let policy = Policy::canned(URL, EXPIRES).to_json();
    // Every signature below is of a new policy: the same bytes would come from the cache.
    let fresh = std::cell::Cell::new(0u64);
    let next = || {
        fresh.set(fresh.get() + 1);
        format!("{policy}{}", fresh.get())
    };
    let backends = Backend::available();
    for backend in backends {
        let name = match backend {
            Backend::RustCrypto => "rustcrypto",
            other => other.name(),
        };
        let key = key("rsa2048_pkcs1.pem")
            .with_backend(backend)
            .expect("backend");
        for hash in [HashAlgorithm::Sha1, HashAlgorithm::Sha256] {
            let s = signer(key_with(backend), hash);
            c.bench_function(&format!("sign/rsa2048_{hash}/{name}"), |b| {
                b.iter(|| s.sign_policy(black_box(next().as_bytes())))
            });
        }
        let s = signer(key, HashAlgorithm::Sha1);
        c.bench_function(&format!("sign_url/rsa2048_SHA1/{name}"), |b| {
            b.iter(|| {
                let t = EXPIRES + fresh.get() as i64;
                fresh.set(fresh.get() + 1);
                s.sign_url(black_box(URL), &UrlOptions::expires(t))
            })
        });
    }
    // ECDSA: `p256` (RFC 6979, reproducible; Backend::RustCrypto) with both hashes, and
    // graviola (SHA-256 only, hedged nonces; the default where the CPU runs it).
    let p256_key = || {
        key("ec_p256_pkcs8.pem")
            .with_backend(Backend::RustCrypto)
            .expect("backend")
    };
    for hash in [HashAlgorithm::Sha1, HashAlgorithm::Sha256] {
        let s = signer(p256_key(), hash);
        c.bench_function(&format!("sign/ecdsa_p256_{hash}/p256"), |b| {
            b.iter(|| s.sign_policy(black_box(next().as_bytes())))
        });
    }
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    if Backend::available().contains(&Backend::Graviola) {
        let k = key("ec_p256_pkcs8.pem")
            .with_backend(Backend::Graviola)
            .expect("backend");
        let s = signer(k, HashAlgorithm::Sha256);
        c.bench_function("sign/ecdsa_p256_SHA256/graviola", |b| {
            b.iter(|| s.sign_policy(black_box(next().as_bytes())))
        });
    }
    let wildcard = UrlOptions {
        policy_resource: Some("https://d111111abcdef8.cloudfront.net/videos/*".into()),
        ..UrlOptions::expires(EXPIRES)
    };
    let s = signer(key("rsa2048_pkcs1.pem"), HashAlgorithm::Sha1);
    c.bench_function("sign_url/rsa2048_SHA1/shared_policy_cached", |b| {
        b.iter(|| s.sign_url(black_box(URL), &wildcard))
    });
    c.bench_function("sign_url/ecdsa_p256_SHA256/p256", |b| {
        let s = signer(p256_key(), HashAlgorithm::Sha256);
        b.iter(|| {
            let t = EXPIRES + fresh.get() as i64;
            fresh.set(fresh.get() + 1);
            s.sign_url(black_box(URL), &UrlOptions::expires(t))
        })
    });
    c.bench_function("key_parse/rsa2048_pkcs1", |b| {
        b.iter(|| key("rsa2048_pkcs1.pem"))
    });
}

fn key_with(backend: Backend) -> PrivateKey {
    key("rsa2048_pkcs1.pem")
        .with_backend(backend)
        .expect("backend")
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = policy_and_encoding, signing
}
criterion_main!(benches);
