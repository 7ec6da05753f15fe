//! A signing key implemented outside cfsign: the shape of an AWS KMS, HSM or signing
//! service client. Here a PEM key stands in for the hardware; the "device" lives on its
//! own thread and answers signing requests over a channel, as a remote signer would, and
//! (like AWS KMS) signs only with SHA-256.
//!
//! Run it from the repository root: `cargo run --example external_signer`.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::mpsc;

use cfsign::{
    HashAlgorithm, KeyAlgorithm, KeyPairId, PrivateKey, PublicKey, Signer, SigningKey, UrlOptions,
};

/// One signing request to the stand-in device, with the channel for its answer.
type Request = (
    HashAlgorithm,
    Vec<u8>,
    mpsc::Sender<cfsign::Result<Vec<u8>>>,
);

/// A key that never leaves its "device" thread. cfsign sees only this handle.
pub struct DeviceKey {
    requests: Mutex<mpsc::Sender<Request>>,
    algorithm: KeyAlgorithm,
    public_key: PublicKey,
}

impl std::fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DeviceKey({})", self.algorithm)
    }
}

impl DeviceKey {
    /// Starts the stand-in device with `key` inside it. The thread ends when the handle
    /// is dropped (its channel closes).
    pub fn start(key: PrivateKey) -> Self {
        let algorithm = key.algorithm();
        let public_key = key.public_key();
        let (requests, inbox) = mpsc::channel::<Request>();
        std::thread::spawn(move || {
            for (hash, message, reply) in inbox {
                // The device's own signing code; here the PEM key's.
                let _ = reply.send(SigningKey::sign(&key, hash, &message));
            }
        });
        DeviceKey {
            requests: Mutex::new(requests),
            algorithm,
            public_key,
        }
    }
}

impl SigningKey for DeviceKey {
    fn algorithm(&self) -> KeyAlgorithm {
        self.algorithm
    }

    fn supported_hashes(&self) -> &[HashAlgorithm] {
        &[HashAlgorithm::Sha256]
    }

    fn public_key(&self) -> PublicKey {
        self.public_key.clone()
    }

    fn sign(&self, hash: HashAlgorithm, message: &[u8]) -> cfsign::Result<Vec<u8>> {
        let gone = || cfsign::Error::SigningKey {
            source_name: "stand-in device".into(),
            problem: "the device stopped answering".into(),
            fix: None,
        };
        let (reply, answer) = mpsc::channel();
        let sender = self.requests.lock().map_err(|_| gone())?.clone();
        sender
            .send((hash, message.to_vec(), reply))
            .map_err(|_| gone())?;
        answer.recv().map_err(|_| gone())?
    }
}

/// Signs `url` until `expires` (Unix seconds, UTC) with the demo key inside the stand-in
/// device, as key pair `KDEMOEXAMPLE01`.
pub fn sign_with_device(
    pem_path: &std::path::Path,
    url: &str,
    expires: i64,
) -> cfsign::Result<String> {
    let key = PrivateKey::from_pem_file(pem_path, None)?;
    let device = DeviceKey::start(key);
    let signer = Signer::with_signing_key(Arc::new(device), KeyPairId::new("KDEMOEXAMPLE01")?);
    // The device signs only SHA-256, so the signer chose it (and the URL says so).
    assert_eq!(signer.hash_algorithm(), HashAlgorithm::Sha256);
    Ok(signer.sign_url(url, &UrlOptions::expires(expires))?.url)
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let in_an_hour = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64
        + 3600;
    let url = sign_with_device(
        std::path::Path::new("keys/private_key.pem"),
        "https://d111111abcdef8.cloudfront.net/image.jpg",
        in_an_hour,
    )?;
    println!("{url}");
    Ok(())
}
