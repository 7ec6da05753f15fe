//! The ordered checks: CloudFront's, in its order, stopping at the first failure.

use super::note::Note;
use super::reason::Reason;
use super::{RequestContext, TrustedKeys, Verdict, Verification};
use crate::encoding;
use crate::key::PublicKey;
use crate::policy::{self, Policy, PolicyType};
use crate::request::{SplitUrl, canonical_expires};
use crate::sign::{self, HashAlgorithm};
use crate::url;

pub(super) struct Check<'a> {
    pub(super) split: SplitUrl,
    pub(super) keys: &'a TrustedKeys,
    pub(super) ctx: RequestContext,
    /// Cookies carry no appended parameters and are never re-encoded by URL libraries.
    pub(super) url_diagnoses: bool,
}

impl Check<'_> {
    pub(super) fn run(self) -> Verification {
        let mut result = Verification {
            verdict: Verdict::Serve,
            url: self.split.base.clone(),
            key_pair_id: None,
            policy_type: None,
            policy: None,
            parsed_policy: None,
            hash_algorithm: HashAlgorithm::Sha1,
            key_algorithm: None,
            notes: Vec::new(),
        };
        if let TrustedKeys::Single {
            key_pair_id: None, ..
        } = self.keys
        {
            result.notes.push(Note::KeyPairIdNotChecked);
        }
        if let Some(fragment) = &self.split.fragment {
            result.notes.push(Note::FragmentIgnored {
                fragment: fragment.clone(),
            });
        }
        result.verdict = match self.check(&mut result) {
            Ok(()) => Verdict::Serve,
            Err(reason) => Verdict::Refuse(reason),
        };
        result
    }

    fn check(&self, out: &mut Verification) -> Result<(), Reason> {
        let v = &self.split.values;
        // 0. A parameter given twice: CloudFront's reading is undocumented.
        if let Some(name) = v.duplicates.first() {
            return Err(Reason::DuplicateParameter { name: name.clone() });
        }
        // 1. MissingKey
        let id = v
            .key_pair_id
            .as_deref()
            .filter(|s| !s.is_empty())
            .ok_or(Reason::MissingKeyPairId)?;
        out.key_pair_id = Some(id.to_string());
        // 2. InvalidKey
        let key = self.keys.lookup(id).ok_or_else(|| Reason::UnknownKey {
            key_pair_id: id.to_string(),
            trusted: self.keys.ids(),
        })?;
        out.key_algorithm = Some(key.algorithm());
        // 3. MalformedSignature
        let sig_text = v.signature.as_deref().ok_or(Reason::MissingSignature)?;
        let signature =
            encoding::decode("Signature", sig_text).map_err(|e| Reason::SignatureEncoding {
                problem: error_problem(&e),
            })?;
        // 4. MalformedPolicy
        let (policy_type, policy_bytes, policy) = match (&v.expires, &v.policy) {
            (Some(_), Some(_)) => return Err(Reason::BothExpiresAndPolicy),
            (None, None) => return Err(Reason::MissingPolicy),
            (Some(e), None) => {
                let expires = parse_expires(e)?;
                let p = Policy::canned(self.split.base.clone(), expires);
                (PolicyType::Canned, p.to_json().into_bytes(), p)
            }
            (None, Some(text)) => {
                let bytes =
                    encoding::decode("Policy", text).map_err(|e| Reason::PolicyEncoding {
                        problem: error_problem(&e),
                    })?;
                let p = Policy::from_json(&bytes).map_err(|e| Reason::PolicyInvalid {
                    problem: format!("policy is not valid: {}", error_problem(&e)),
                })?;
                (PolicyType::Custom, bytes, p)
            }
        };
        out.policy_type = Some(policy_type);
        out.policy = Some(String::from_utf8_lossy(&policy_bytes).into_owned());
        out.parsed_policy = Some(policy.clone());
        if policy_type == PolicyType::Custom
            && let Some(w) = url::Warning::grants_everything(policy.resource())
        {
            out.notes.push(Note::Url(w));
        }
        // 5. The signature
        let hash = match v.hash_algorithm.as_deref() {
            None => HashAlgorithm::Sha1,
            Some("SHA256") => HashAlgorithm::Sha256,
            Some("SHA1") => HashAlgorithm::Sha1,
            Some(other) => {
                return Err(Reason::UnknownHashAlgorithm {
                    value: other.to_string(),
                });
            }
        };
        out.hash_algorithm = hash;
        if !verifies(key, hash, &policy_bytes, &signature) {
            return Err(Reason::SignatureMismatch {
                diagnosis: self.diagnose(key, hash, policy_type, &policy, &signature),
            });
        }
        // 6. Conditions
        let c = policy.condition();
        if self.ctx.at >= c.date_less_than {
            return Err(Reason::Expired {
                expires: c.date_less_than,
                at: self.ctx.at,
            });
        }
        if let Some(starts) = c.date_greater_than
            && self.ctx.at <= starts
        {
            return Err(Reason::NotYetValid {
                starts,
                at: self.ctx.at,
            });
        }
        if let Some(range) = c.ip_address {
            match self.ctx.client_ip {
                Some(ip) if !range.contains(ip) => {
                    return Err(Reason::IpOutsideRange { ip, range });
                }
                Some(_) => {}
                None => out.notes.push(Note::IpNotChecked { range }),
            }
        }
        if let Some(resource) = policy.resource()
            && !policy::resource_matches(resource, &self.split.base)
        {
            return Err(Reason::ResourceMismatch {
                url: self.split.base.clone(),
                resource: resource.to_string(),
            });
        }
        Ok(())
    }
}

pub(super) fn verifies(key: &PublicKey, hash: HashAlgorithm, msg: &[u8], sig: &[u8]) -> bool {
    sign::verify_bytes(key, hash, msg, sig).is_ok()
}

/// The message of a library error without its variant prefix noise.
fn error_problem(e: &crate::Error) -> String {
    match e {
        crate::Error::Base64 { problem, .. } => problem.clone(),
        crate::Error::Policy { problem } => problem.clone(),
        other => other.to_string(),
    }
}

fn parse_expires(e: &str) -> Result<i64, Reason> {
    canonical_expires(e).map_err(|_| Reason::BadExpires { value: e.into() })
}
