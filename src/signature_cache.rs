//! A small bounded cache of signatures, so that one policy is signed once: a batch of URLs
//! under one wildcard `Resource` (or a custom policy shared by every line), or cookies for
//! one pattern, costs one signature plus string assembly.
//!
//! The same policy bytes signed with the same key and hash give the same signature
//! (PKCS#1 v1.5 is deterministic; `p256` uses RFC 6979 nonces), so output is unchanged.
//! For a key whose signatures are randomised (graviola's ECDSA, a KMS ECDSA key), a cached
//! signature is just as valid as a new one, and saves a call; when two threads sign one
//! policy at the same moment, the first signature stored is the one both hand out, so a
//! batch still carries one signature per policy.
//!
//! Memory is flat: [`CAPACITY`] direct-mapped slots, each holding at most one policy of
//! up to [`MAX_POLICY_BYTES`] and its signature; a new policy replaces whatever used its
//! slot. Each slot has its own lock, so worker threads signing different policies rarely
//! wait for each other.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Mutex;

use crate::hash::HashAlgorithm;

/// The number of slots.
pub(crate) const CAPACITY: usize = 256;

/// Policies longer than this are signed every time, never stored (bounds the memory to
/// about `CAPACITY * MAX_POLICY_BYTES`, 1 MiB).
pub(crate) const MAX_POLICY_BYTES: usize = 4096;

struct Entry {
    hash: HashAlgorithm,
    policy: Box<[u8]>,
    signature: String,
}

/// Policy bytes and hash -> signature (CloudFront base64), for one signing key.
pub(crate) struct SignatureCache {
    slots: Box<[Mutex<Option<Entry>>]>,
}

impl std::fmt::Debug for SignatureCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SignatureCache({} slots)", self.slots.len())
    }
}

impl SignatureCache {
    pub(crate) fn new() -> Self {
        SignatureCache {
            slots: (0..CAPACITY).map(|_| Mutex::new(None)).collect(),
        }
    }

    fn slot(&self, hash: HashAlgorithm, policy: &[u8]) -> &Mutex<Option<Entry>> {
        let mut h = DefaultHasher::new();
        hash.hash(&mut h);
        policy.hash(&mut h);
        &self.slots[(h.finish() as usize) % self.slots.len()]
    }

    /// The signature of `policy` with `hash`, from the cache or made by `sign` (and then
    /// stored). Errors are never stored.
    pub(crate) fn get_or_sign(
        &self,
        hash: HashAlgorithm,
        policy: &[u8],
        sign: impl FnOnce() -> crate::Result<String>,
    ) -> crate::Result<String> {
        if policy.len() > MAX_POLICY_BYTES {
            return sign();
        }
        let slot = self.slot(hash, policy);
        {
            // A poisoned slot only means another thread panicked while holding it; the
            // entry is either complete or absent, so it is still usable.
            let entry = slot.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(e) = entry.as_ref()
                && e.hash == hash
                && *e.policy == *policy
            {
                return Ok(e.signature.clone());
            }
        }
        // Signed outside the lock: a remote key may take a network round trip.
        let signature = sign()?;
        let mut entry = slot.lock().unwrap_or_else(|p| p.into_inner());
        // Another thread may have signed the same policy meanwhile: keep its signature, so
        // a randomised key still gives one signature per policy.
        if let Some(e) = entry.as_ref()
            && e.hash == hash
            && *e.policy == *policy
        {
            return Ok(e.signature.clone());
        }
        *entry = Some(Entry {
            hash,
            policy: policy.into(),
            signature: signature.clone(),
        });
        Ok(signature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// Regression: two threads signing one policy at once with a randomised key (graviola's
    /// ECDSA) each handed out their own signature, so one batch carried two.
    #[test]
    fn two_signatures_of_one_policy_made_at_once_were_both_handed_out() {
        let cache = SignatureCache::new();
        // The inner call stands for another thread that finishes first.
        let outer = cache.get_or_sign(HashAlgorithm::Sha256, b"p", || {
            let inner = cache.get_or_sign(HashAlgorithm::Sha256, b"p", || Ok("first".into()));
            assert_eq!(inner.unwrap(), "first");
            Ok("second".into())
        });
        assert_eq!(outer.unwrap(), "first");
        let again = cache.get_or_sign(HashAlgorithm::Sha256, b"p", || Ok("third".into()));
        assert_eq!(again.unwrap(), "first");
    }

    #[test]
    fn same_policy_signs_once_different_ones_each_time() {
        let cache = SignatureCache::new();
        let calls = Cell::new(0);
        let sign = |s: &str| {
            calls.set(calls.get() + 1);
            Ok(s.to_string())
        };
        for _ in 0..3 {
            let got = cache.get_or_sign(HashAlgorithm::Sha1, b"a", || sign("sig-a"));
            assert_eq!(got.unwrap(), "sig-a");
        }
        assert_eq!(calls.get(), 1);
        let b = cache.get_or_sign(HashAlgorithm::Sha1, b"b", || sign("sig-b"));
        assert_eq!(b.unwrap(), "sig-b");
        let a256 = cache.get_or_sign(HashAlgorithm::Sha256, b"a", || sign("sig-a-256"));
        assert_eq!(a256.unwrap(), "sig-a-256");
        assert_eq!(calls.get(), 3);
    }

    #[test]
    fn memory_stays_bounded_and_errors_are_not_stored() {
        let cache = SignatureCache::new();
        for i in 0..(CAPACITY * 4) {
            let p = format!("policy {i}");
            cache
                .get_or_sign(HashAlgorithm::Sha1, p.as_bytes(), || Ok(p.clone()))
                .unwrap();
        }
        let stored = cache
            .slots
            .iter()
            .filter(|s| s.lock().unwrap().is_some())
            .count();
        assert!(stored <= CAPACITY && stored > CAPACITY / 2, "{stored}");
        let failed = cache.get_or_sign(HashAlgorithm::Sha1, b"x", || {
            Err(crate::Error::Crypto {
                reason: "down".into(),
            })
        });
        assert!(failed.is_err());
        let again = cache.get_or_sign(HashAlgorithm::Sha1, b"x", || Ok("ok".into()));
        assert_eq!(again.unwrap(), "ok");
        let long = vec![b'p'; MAX_POLICY_BYTES + 1];
        let calls = Cell::new(0);
        for _ in 0..2 {
            cache
                .get_or_sign(HashAlgorithm::Sha1, &long, || {
                    calls.set(calls.get() + 1);
                    Ok("long".into())
                })
                .unwrap();
        }
        assert_eq!(calls.get(), 2, "long policies are not stored");
    }
}
