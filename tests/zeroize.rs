//! Issue 9.2: no copy of a key's PEM text or DER is left in freed heap memory after
//! loading it and signing with it. A test-only global allocator scans every block as it
//! is freed for any 16-byte run of the test key's PEM body or DER (the plain PKCS#8 DER
//! too, for an encrypted key) and counts the blocks that hold one.
//!
//! This file is its own test crate, so the allocator (and its `unsafe`) is confined here.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use base64::Engine as _;
use cfsign::{KeyPairId, PrivateKey, Signer, UrlOptions};
use pkcs8::der::Decode as _;
use zeroize::Zeroizing;

mod common;

/// Every 16-byte window of the secret texts, sorted, for a binary search per offset.
static WINDOWS: Mutex<Vec<u128>> = Mutex::new(Vec::new());
/// Scanning is on only between `arm` and `disarm` (never while `WINDOWS` changes).
static ARMED: AtomicBool = AtomicBool::new(false);
/// Freed blocks that held a window, and the size of the first one.
static FOUND: AtomicUsize = AtomicUsize::new(0);
static FIRST_SIZE: AtomicUsize = AtomicUsize::new(0);
/// Freed blocks scanned, to show the test looked.
static SCANNED: AtomicUsize = AtomicUsize::new(0);
static FIRST_WINDOW: Mutex<u128> = Mutex::new(0);

struct ScanOnFree;

// SAFETY: every call is forwarded to the system allocator unchanged; `dealloc` only reads
// the block it is given (valid for `layout.size()` bytes until it is freed) before
// freeing it, and allocates nothing itself.
unsafe impl GlobalAlloc for ScanOnFree {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // While armed, new blocks start zeroed: a block reused from a free made before
        // arming (by the test itself) must not be blamed on the code under test when it
        // is freed again with some of those stale bytes unwritten.
        if ARMED.load(Ordering::SeqCst) {
            // SAFETY: forwarded as is.
            return unsafe { System.alloc_zeroed(layout) };
        }
        // SAFETY: forwarded as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ARMED.load(Ordering::SeqCst) {
            scan(ptr, layout.size());
        }
        // SAFETY: forwarded as is.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !ARMED.load(Ordering::SeqCst) {
            // SAFETY: forwarded as is.
            return unsafe { System.realloc(ptr, layout, new_size) };
        }
        // Always move while armed, so the old block is freed (and scanned) with whatever
        // it held, as a realloc that cannot grow in place would do.
        // SAFETY: the new layout has the old alignment and `new_size`, as `realloc`
        // requires; both blocks are valid for the bytes copied.
        unsafe {
            let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
            let new = System.alloc_zeroed(new_layout);
            if !new.is_null() {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            new
        }
    }
}

#[global_allocator]
static ALLOCATOR: ScanOnFree = ScanOnFree;

fn scan(ptr: *mut u8, size: usize) {
    if size < 16 {
        return;
    }
    // `try_lock`: a thread that holds the lock never frees while armed (see `arm`).
    let Ok(windows) = WINDOWS.try_lock() else {
        return;
    };
    SCANNED.fetch_add(1, Ordering::SeqCst);
    for offset in 0..=size - 16 {
        // SAFETY: `offset + 16 <= size`, inside the block being freed.
        let value = unsafe { ptr.add(offset).cast::<u128>().read_unaligned() };
        if windows.binary_search(&value).is_ok() {
            if FOUND.fetch_add(1, Ordering::SeqCst) == 0 {
                FIRST_SIZE.store(size, Ordering::SeqCst);
                if let Ok(mut w) = FIRST_WINDOW.try_lock() {
                    *w = value;
                }
            }
            return;
        }
    }
}

/// Sets the secret texts to look for, then turns scanning on.
fn arm(secrets: &[&[u8]]) {
    ARMED.store(false, Ordering::SeqCst);
    let mut windows = WINDOWS.lock().unwrap();
    windows.clear();
    for secret in secrets {
        for w in secret.windows(16) {
            windows.push(u128::from_ne_bytes(w.try_into().unwrap()));
        }
    }
    windows.sort_unstable();
    windows.dedup();
    FOUND.store(0, Ordering::SeqCst);
    SCANNED.store(0, Ordering::SeqCst);
    drop(windows);
    ARMED.store(true, Ordering::SeqCst);
}

/// Turns scanning off; returns (blocks with a secret, size of the first, blocks scanned).
fn disarm() -> (usize, usize, usize) {
    ARMED.store(false, Ordering::SeqCst);
    (
        FOUND.load(Ordering::SeqCst),
        FIRST_SIZE.load(Ordering::SeqCst),
        SCANNED.load(Ordering::SeqCst),
    )
}

/// The key block's PEM body (base64, line breaks removed) and its DER.
fn pem_body_and_der(pem: &[u8]) -> (Zeroizing<Vec<u8>>, Zeroizing<Vec<u8>>) {
    let text = std::str::from_utf8(pem).unwrap();
    let mut body = Zeroizing::new(Vec::with_capacity(text.len()));
    let mut in_key = false;
    for line in text.lines() {
        if line.starts_with("-----BEGIN ") {
            in_key = line.contains("PRIVATE KEY");
        } else if line.starts_with("-----END ") {
            in_key = false;
        } else if in_key && !line.contains(':') {
            body.extend_from_slice(line.trim().as_bytes());
        }
    }
    let mut der = Zeroizing::new(vec![0u8; body.len()]);
    let len = base64::engine::general_purpose::STANDARD
        .decode_slice(&body[..], &mut der[..])
        .unwrap();
    der.truncate(len);
    (body, der)
}

/// Regression: after the `Signer` was dropped, freed heap still held 2-3 copies of the PEM
/// base64 (the normaliser replacing its string unwiped, the bounded reader's growth, the
/// `pem` crate's stripped copy) and the DER. Loading and signing with each key form must
/// free no block that holds a 16-byte run of either.
#[test]
fn key_copies_were_left_in_freed_heap() {
    let forms = [
        ("rsa2048_pkcs1.pem", None),
        ("rsa2048_pkcs1_crlf.pem", None),
        ("rsa2048_pkcs8.pem", None),
        ("rsa2048_pkcs8_encrypted.pem", Some(common::PASSPHRASE)),
        (
            "rsa2048_pkcs8_encrypted_sha1prf.pem",
            Some(common::PASSPHRASE),
        ),
        ("ec_p256_sec1.pem", None),
        ("ec_p256_sec1_with_params.pem", None),
        ("ec_p256_pkcs8.pem", None),
        ("ec_p256_pkcs8_encrypted.pem", Some(common::PASSPHRASE)),
        (
            "ec_p256_pkcs8_encrypted_scrypt.pem",
            Some(common::PASSPHRASE),
        ),
        ("ec_p256_pkcs8_encrypted_des3.pem", Some(common::PASSPHRASE)),
    ];
    let id = KeyPairId::new(common::KPID).unwrap();
    let mut report = Vec::new();
    for (name, passphrase) in forms {
        let path = common::key(name);
        let pem = Zeroizing::new(std::fs::read(&path).unwrap());
        let (body, der) = pem_body_and_der(&pem);
        // For an encrypted key, the secret DER is the decrypted PKCS#8 inside.
        let plain = passphrase.map(|p| {
            let info = pkcs8::EncryptedPrivateKeyInfoRef::from_der(&der).unwrap();
            Zeroizing::new(info.decrypt(p).unwrap().as_bytes().to_vec())
        });
        let mut secrets: Vec<&[u8]> = vec![&body, &der];
        if let Some(plain) = &plain {
            secrets.push(plain);
        }
        let pass = passphrase.map(str::as_bytes);
        arm(&secrets);
        {
            // The library's two loading paths: the file, and text already in memory.
            let key = PrivateKey::from_pem_file(&path, pass).unwrap();
            let signer = Signer::new(key, id.clone());
            let request = UrlOptions::expires(common::EXPIRES);
            let signed = signer.sign_url(common::IMAGE_URL, &request).unwrap();
            assert!(signed.url.contains("&Signature="), "{}", signed.url);
            drop(signer);
            let key = PrivateKey::from_pem(&pem, pass, name).unwrap();
            drop(key);
        }
        let (found, first_size, scanned) = disarm();
        assert!(scanned > 10, "{name}: only {scanned} blocks scanned");
        if found > 0 {
            let w = FIRST_WINDOW.lock().unwrap().to_ne_bytes();
            let at = |hay: &[u8]| hay.windows(16).position(|x| x == w);
            eprintln!(
                "{name}: DER offset {:?} of {}, body offset {:?}",
                at(&der),
                der.len(),
                at(&body)
            );
            report.push(format!(
                "{name}: {found} freed blocks held key text (first: {first_size} bytes)"
            ));
        }
    }
    assert!(report.is_empty(), "{report:#?}");
}
