//! Taking a signed request apart: the signing values of a signed URL (its query
//! parameters) or of a signed cookie set, named as in [`crate::params`], and the reading
//! of those values that verify and inspect share.
//!
//! `verify` uses the parts strictly (a duplicate is refused, an `Expires` that is not
//! canonical is `MalformedPolicy`); `inspect` leniently (the first value is shown, a
//! problem is listed). Nothing here judges a signature or a policy.

use crate::key::KeyAlgorithm;
use crate::params::SigningParameter;

/// The signing values of a request, wherever they came from (query or cookies).
#[derive(Debug, Default, Clone)]
pub(crate) struct SigningValues {
    /// `Expires` (`CloudFront-Expires`), as written.
    pub(crate) expires: Option<String>,
    /// `Policy` (`CloudFront-Policy`), as written.
    pub(crate) policy: Option<String>,
    /// `Signature` (`CloudFront-Signature`), as written.
    pub(crate) signature: Option<String>,
    /// `Key-Pair-Id` (`CloudFront-Key-Pair-Id`), as written.
    pub(crate) key_pair_id: Option<String>,
    /// `Hash-Algorithm` (`CloudFront-Hash-Algorithm`), as written.
    pub(crate) hash_algorithm: Option<String>,
    /// Names given more than once, as written (`Signature`, `CloudFront-Signature`), each
    /// once, in order of their second appearance. The first value of each name is kept
    /// (for `inspect`); `verify` refuses the request.
    pub(crate) duplicates: Vec<String>,
}

impl SigningValues {
    /// The value of `p`, when present.
    pub(crate) fn get(&self, p: SigningParameter) -> Option<&str> {
        match p {
            SigningParameter::Expires => self.expires.as_deref(),
            SigningParameter::Policy => self.policy.as_deref(),
            SigningParameter::Signature => self.signature.as_deref(),
            SigningParameter::KeyPairId => self.key_pair_id.as_deref(),
            SigningParameter::HashAlgorithm => self.hash_algorithm.as_deref(),
        }
    }

    fn slot(&mut self, p: SigningParameter) -> &mut Option<String> {
        match p {
            SigningParameter::Expires => &mut self.expires,
            SigningParameter::Policy => &mut self.policy,
            SigningParameter::Signature => &mut self.signature,
            SigningParameter::KeyPairId => &mut self.key_pair_id,
            SigningParameter::HashAlgorithm => &mut self.hash_algorithm,
        }
    }

    /// The parameters present, in [`SigningParameter::ALL`] order.
    pub(crate) fn present(&self) -> Vec<SigningParameter> {
        SigningParameter::ALL
            .into_iter()
            .filter(|p| self.get(*p).is_some())
            .collect()
    }
}

/// A signed URL taken apart, byte-faithfully.
#[derive(Debug, Clone)]
pub(crate) struct SplitUrl {
    /// The URL without the signing parameters and their separators [\[R9\]](crate::rules#r9).
    pub(crate) base: String,
    /// The user's query pairs that come after the first signing parameter.
    pub(crate) appended: Vec<String>,
    /// The base URL without the appended pairs.
    pub(crate) base_without_appended: String,
    /// The signing parameters' values.
    pub(crate) values: SigningValues,
    /// The `#fragment`, with its `#`, when there is one.
    pub(crate) fragment: Option<String>,
}

impl SplitUrl {
    /// A URL that carries no signing parameters (cookies carry them): the URL as it is,
    /// its fragment split off, with `values`.
    pub(crate) fn with_values(url: &str, values: SigningValues) -> Self {
        let (base, fragment) = match url.find('#') {
            Some(i) => (url[..i].to_string(), Some(url[i..].to_string())),
            None => (url.to_string(), None),
        };
        SplitUrl {
            base_without_appended: base.clone(),
            base,
            appended: Vec::new(),
            values,
            fragment,
        }
    }
}

/// Takes a signed URL apart byte for byte: the signing parameters (named in
/// [`SigningParameter`]) come out, every other byte stays as written. A parameter given
/// twice keeps its first value and is listed in [`SigningValues::duplicates`].
pub(crate) fn split_signed_url(signed: &str) -> SplitUrl {
    let (without_fragment, fragment) = match signed.find('#') {
        Some(i) => (&signed[..i], Some(signed[i..].to_string())),
        None => (signed, None),
    };
    let mut values = SigningValues::default();
    let Some((head, query)) = without_fragment.split_once('?') else {
        return SplitUrl {
            base: without_fragment.into(),
            appended: Vec::new(),
            base_without_appended: without_fragment.into(),
            values,
            fragment,
        };
    };
    let mut kept = Vec::new();
    let mut before = Vec::new();
    let mut appended = Vec::new();
    let mut seen_signing = false;
    let mut duplicates: Vec<String> = Vec::new();
    for pair in query.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let slot = SigningParameter::ALL
            .into_iter()
            .find(|p| p.query_name() == name);
        match slot.map(|p| values.slot(p)) {
            Some(slot) => {
                seen_signing = true;
                if slot.is_none() {
                    *slot = Some(value.to_string());
                } else if !duplicates.iter().any(|d| d == name) {
                    duplicates.push(name.to_string());
                }
            }
            None => {
                kept.push(pair);
                if seen_signing {
                    appended.push(pair.to_string());
                } else {
                    before.push(pair);
                }
            }
        }
    }
    values.duplicates = duplicates;
    let join = |pairs: &[&str]| {
        if pairs.is_empty() {
            head.to_string()
        } else {
            format!("{head}?{}", pairs.join("&"))
        }
    };
    SplitUrl {
        base: join(&kept),
        base_without_appended: join(&before),
        appended,
        values,
        fragment,
    }
}

/// The signing values among cookies (the first of each name wins).
pub(crate) fn values_from_cookies(cookies: &[(String, String)]) -> SigningValues {
    let mut values = SigningValues::default();
    for (name, value) in cookies {
        let Some(p) = SigningParameter::ALL
            .into_iter()
            .find(|p| p.cookie_name() == name)
        else {
            continue;
        };
        let slot = values.slot(p);
        if slot.is_none() {
            *slot = Some(value.clone());
        } else if !values.duplicates.contains(name) {
            values.duplicates.push(name.clone());
        }
    }
    values
}

/// Reads a canned `Expires` value: canonical decimal only (digits, no sign, no leading
/// zero) and in cfsign's time range ([`crate::time::range_problem`]), the same rules as
/// for a custom policy's `AWS:EpochTime` [\[R6\]](crate::rules#r6). CloudFront rebuilds the canned policy
/// from this text; how it reads `01767290400`, milliseconds or `9223372036854775807` is
/// undocumented and no signer writes them, so a URL that depends on it is not safe to
/// hand out. The error says what is wrong.
pub(crate) fn canonical_expires(e: &str) -> Result<i64, &'static str> {
    if e.is_empty() || !e.bytes().all(|b| b.is_ascii_digit()) {
        return Err("is not a whole number of Unix seconds");
    }
    if e.len() > 1 && e.starts_with('0') {
        return Err(
            "has a leading zero; signers write Expires in canonical decimal, and how CloudFront reads other forms is undocumented",
        );
    }
    let t = e
        .parse::<i64>()
        .map_err(|_| crate::time::range_problem(i64::MAX).unwrap_or("is too large"))?;
    match crate::time::range_problem(t) {
        Some(problem) => Err(problem),
        None => Ok(t),
    }
}

fn is_der_sequence(sig: &[u8]) -> bool {
    sig.len() >= 8 && sig[0] == 0x30 && usize::from(sig[1]) + 2 == sig.len() && sig[2] == 0x02
}

/// The CloudFront key algorithm a raw signature's form shows: RSA-2048 for 256 bytes,
/// ECDSA P-256 for a DER `SEQUENCE` of up to 72 bytes, `None` for anything else.
pub(crate) fn signature_algorithm(sig: &[u8]) -> Option<KeyAlgorithm> {
    match sig.len() {
        256 => Some(KeyAlgorithm::Rsa2048),
        n if n <= 72 && is_der_sequence(sig) => Some(KeyAlgorithm::EcdsaP256),
        _ => None,
    }
}

/// Judges the algorithm family from a raw signature's form: `RSA-2048`, `ECDSA P-256`,
/// or a description of what else it looks like.
pub(crate) fn signature_family(sig: &[u8]) -> String {
    let der_sequence = is_der_sequence(sig);
    match sig.len() {
        256 => "RSA-2048".into(),
        n if der_sequence && n <= 72 => "ECDSA P-256".into(),
        n if der_sequence => format!("ECDSA on a curve larger than P-256 ({n} bytes)"),
        n if n % 128 == 0 => format!("RSA-{} (not accepted by CloudFront)", n * 8),
        n => format!("unknown ({n} bytes: truncated or damaged?)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_is_byte_faithful() {
        let s = split_signed_url("https://d1.net/a?Expires=5&Signature=x&Key-Pair-Id=K");
        assert_eq!(s.base, "https://d1.net/a");
        assert_eq!(s.values.expires.as_deref(), Some("5"));
        let s = split_signed_url("https://d1.net/a?&Expires=5&Signature=x&Key-Pair-Id=K");
        assert_eq!(s.base, "https://d1.net/a?");
        let s = split_signed_url(
            "https://d1.net/a?b=%7E&Expires=5&Signature=x&Key-Pair-Id=K&Hash-Algorithm=SHA256&c=1#f",
        );
        assert_eq!(s.base, "https://d1.net/a?b=%7E&c=1");
        assert_eq!(s.base_without_appended, "https://d1.net/a?b=%7E");
        assert_eq!(s.appended, vec!["c=1".to_string()]);
        assert_eq!(s.values.hash_algorithm.as_deref(), Some("SHA256"));
        assert_eq!(s.fragment.as_deref(), Some("#f"));
    }

    #[test]
    fn cookie_values_keep_the_first_of_each_name() {
        let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect()
        };
        let v = values_from_cookies(&pairs(&[
            ("CloudFront-Signature", "a"),
            ("other", "x"),
            ("CloudFront-Signature", "b"),
            ("CloudFront-Key-Pair-Id", "K1"),
        ]));
        assert_eq!(v.signature.as_deref(), Some("a"));
        assert_eq!(v.duplicates, vec!["CloudFront-Signature".to_string()]);
        assert_eq!(
            v.present(),
            vec![SigningParameter::Signature, SigningParameter::KeyPairId]
        );
    }

    #[test]
    fn families() {
        assert_eq!(signature_family(&[0u8; 256]), "RSA-2048");
        let mut der = vec![0x30, 68, 0x02, 32];
        der.resize(70, 1);
        assert_eq!(signature_family(&der), "ECDSA P-256");
        assert!(signature_family(&[0u8; 255]).starts_with("unknown (255 bytes"));
        assert_eq!(
            signature_algorithm(&[0u8; 256]),
            Some(KeyAlgorithm::Rsa2048)
        );
        assert_eq!(signature_algorithm(&der), Some(KeyAlgorithm::EcdsaP256));
        assert_eq!(signature_algorithm(&[0u8; 150]), None);
    }
}
