//! Verification end to end: signed by the crate's own signer, checked as CloudFront would.

use super::*;
use crate::encoding;
use crate::sign;

fn demo_key() -> crate::PrivateKey {
    let pem = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/keys/private_key.pem"))
        .expect("demo key");
    crate::PrivateKey::from_pem(&pem, None, "demo").expect("key")
}

const CTX: RequestContext = RequestContext {
    at: 1_767_280_000,
    client_ip: None,
};

/// A custom-policy URL whose Policy is `policy_text`, correctly signed.
fn custom_url(key: &crate::PrivateKey, policy_text: &str) -> String {
    let sig = sign::sign_bytes(key, HashAlgorithm::Sha1, policy_text.as_bytes()).unwrap();
    format!(
        "https://d1.net/a?Policy={}&Signature={}&Key-Pair-Id=K1",
        encoding::encode(policy_text.as_bytes()),
        encoding::encode(&sig)
    )
}

/// The notes in the library's words.
fn notes(v: &Verification) -> Vec<String> {
    v.notes.iter().map(ToString::to_string).collect()
}

fn refusal(v: Verification) -> Reason {
    match v.verdict {
        Verdict::Refuse(r) => r,
        Verdict::Serve => panic!("served"),
    }
}

#[test]
fn malformed_policies_are_malformed_policy() {
    let key = demo_key();
    let keys = TrustedKeys::Single {
        key: key.public_key(),
        key_pair_id: None,
    };
    for (doc, needle) in [
        ("{", "is not valid JSON"),
        (
            r#"{"Statement":[{"Resource":"https://d1.net/a","Condition":{"DateLessthan":{"AWS:EpochTime":1767290400}}}]}"#,
            "spelled \"DateLessThan\"",
        ),
        (
            r#"{"Statement":[{"Resource":"https://d1.net/a","Condition":{"DateLessThan":{"AWS:EpochTime":1767290400000}}}]}"#,
            "milliseconds",
        ),
    ] {
        let r = refusal(verify_url(&custom_url(&key, doc), &keys, CTX));
        assert_eq!(r.code(), ErrorCode::MalformedPolicy, "{doc}");
        assert!(r.to_string().contains(needle), "{doc}: {r}");
    }
    let r = refusal(verify_url(
        "https://d1.net/a?Policy=e30=&Signature=AAAA&Key-Pair-Id=K1",
        &keys,
        CTX,
    ));
    assert_eq!(r.id(), "policy_encoding");
    let r = refusal(verify_url(
        "https://d1.net/a?Expires=17672904O0&Signature=AAAA&Key-Pair-Id=K1",
        &keys,
        CTX,
    ));
    assert_eq!(
        r,
        Reason::BadExpires {
            value: "17672904O0".into()
        }
    );
    let r = refusal(verify_url(
        "https://d1.net/a?Signature=AAAA&Key-Pair-Id=K1",
        &keys,
        CTX,
    ));
    assert_eq!(r, Reason::MissingPolicy);
    let r = refusal(verify_url(
        "https://d1.net/a?Expires=1767290400&Key-Pair-Id=K1",
        &keys,
        CTX,
    ));
    assert_eq!(r, Reason::MissingSignature);
    assert_eq!(r.code(), ErrorCode::MalformedSignature);
    let r = refusal(verify_url(
        "https://d1.net/a?Expires=1767290400&Signature=AAAA&Key-Pair-Id=",
        &keys,
        CTX,
    ));
    assert_eq!(r, Reason::MissingKeyPairId);
}

/// Regression (issue 10.5): a policy whose `AWS:SourceIp` had spaces around it or a
/// prefix with a leading zero verified OK, though how CloudFront reads it is
/// undocumented.
#[test]
fn non_canonical_source_ip_verified() {
    let key = demo_key();
    let keys = TrustedKeys::Single {
        key: key.public_key(),
        key_pair_id: None,
    };
    for (ip, needle) in [
        (" 192.0.2.0/24 ", "whitespace"),
        ("10.0.0.0/08", "leading zero"),
        ("010.0.0.0/8", "not an IPv4 address"),
    ] {
        let doc = format!(
            r#"{{"Statement":[{{"Resource":"https://d1.net/*","Condition":{{"DateLessThan":{{"AWS:EpochTime":1767290400}},"IpAddress":{{"AWS:SourceIp":"{ip}"}}}}}}]}}"#
        );
        let r = refusal(verify_url(&custom_url(&key, &doc), &keys, CTX));
        assert_eq!(r.code(), ErrorCode::MalformedPolicy, "{ip}");
        assert!(r.to_string().contains(needle), "{ip}: {r}");
    }
}

#[test]
fn custom_policy_serves_and_reports_what_it_read() {
    let key = demo_key();
    let keys = TrustedKeys::Single {
        key: key.public_key(),
        key_pair_id: Some("K1".into()),
    };
    let doc = r#"{"Statement":[{"Resource":"https://d1.net/*","Condition":{"DateLessThan":{"AWS:EpochTime":1767290400}}}]}"#;
    let v = verify_url(&custom_url(&key, doc), &keys, CTX);
    assert_eq!(v.verdict, Verdict::Serve);
    assert_eq!(v.policy_type, Some(PolicyType::Custom));
    assert_eq!(v.policy.as_deref(), Some(doc));
    assert_eq!(v.url, "https://d1.net/a");
    assert!(v.serves());
    assert_eq!(
        v.parsed_policy.as_ref().and_then(Policy::resource),
        Some("https://d1.net/*")
    );
    let bad = custom_url(&key, doc).replace("Hash", "x") + "&Hash-Algorithm=MD5";
    assert_eq!(
        refusal(verify_url(&bad, &keys, CTX)),
        Reason::UnknownHashAlgorithm {
            value: "MD5".into()
        }
    );
}

#[test]
fn re_encoded_plus_is_diagnosed() {
    let signer = crate::Signer::new(demo_key(), crate::KeyPairId::new("K1").unwrap());
    let signed = signer
        .sign_url(
            "https://d1.net/a%20b.jpg",
            &crate::UrlOptions::expires(1_767_290_400),
        )
        .unwrap();
    let keys = TrustedKeys::Single {
        key: signer.public_key(),
        key_pair_id: None,
    };
    let r = refusal(verify_url(&signed.url.replace("%20", "+"), &keys, CTX));
    assert_eq!(
        r,
        Reason::SignatureMismatch {
            diagnosis: Some(Diagnosis::ReEncoded {
                change: "%20 was written as +".into(),
                signed_url: "https://d1.net/a%20b.jpg".into(),
            })
        }
    );
}

/// Regression (issue 10.4): verify said OK for URLs a client sends in another form
/// (and 403 for the ones it sends as signed), while signing refuses or warns about
/// them. It now answers for the form the client sends and says so, in the words
/// signing uses.
#[test]
fn verify_answered_for_the_url_as_written_not_as_sent() {
    let signer = crate::Signer::new(demo_key(), crate::KeyPairId::new("K1").unwrap());
    let keys = TrustedKeys::Single {
        key: signer.public_key(),
        key_pair_id: Some("K1".into()),
    };
    let sign = |url: &str| {
        signer
            .sign_url(url, &crate::UrlOptions::expires(1_767_290_400))
            .unwrap()
            .url
    };
    for (written, sent, changes) in [
        ("https://D1.net/a", "https://d1.net/a", "host in lower case"),
        (
            "HTTPS://d1.net/a",
            "https://d1.net/a",
            "scheme in lower case",
        ),
        (
            "https://d1.net:443/a",
            "https://d1.net/a",
            "default port dropped",
        ),
        (
            "http://d1.net:080/a",
            "http://d1.net/a",
            "default port dropped",
        ),
        (
            "https://d1.net/x/../a",
            "https://d1.net/a",
            "'.' and '..' segments resolved",
        ),
        (
            "https://d1.net/x/%2E%2e/a",
            "https://d1.net/a",
            "'.' and '..' segments resolved (%2e is a dot)",
        ),
        (
            "https://user:pw@d1.net/a",
            "https://d1.net/a",
            "user info removed",
        ),
        (
            "https://d1.net/my file.jpg",
            "https://d1.net/my%20file.jpg",
            "raw characters percent-encoded",
        ),
        (
            "https://d1.net/é",
            "https://d1.net/%C3%A9",
            "raw characters percent-encoded",
        ),
        (
            "https://d1.net?x=1",
            "https://d1.net/?x=1",
            "'/' added as the path",
        ),
        (
            "https://d%31.net/a",
            "https://d1.net/a",
            "percent-escapes in the host decoded",
        ),
        (
            "https://0x7f.1/a",
            "https://127.0.0.1/a",
            "host read as the IPv4 address 127.0.0.1",
        ),
    ] {
        let note = format!(
            "clients request this URL as {sent} ({changes}), and CloudFront checks the signature against that form: sign it instead"
        );
        // Signed in the form the client sends: served, with the note.
        let as_written = sign(sent).replacen(sent, written, 1);
        let v = verify_url(&as_written, &keys, CTX);
        assert_eq!(v.verdict, Verdict::Serve, "{written}");
        assert_eq!(notes(&v), vec![note.clone()], "{written}");
        assert_eq!(v.url, sent, "{written}");
        // Signed as written (signing warns, or a verbatim signer): refused, same note.
        if crate::url::check_url(written).is_ok() {
            let v = verify_url(&sign(written), &keys, CTX);
            assert_eq!(
                v.verdict,
                Verdict::Refuse(Reason::SignatureMismatch { diagnosis: None }),
                "{written}"
            );
            assert_eq!(notes(&v), vec![note], "{written}");
        }
    }
    // A port CloudFront does not listen on: noted, the verdict unchanged.
    let v = verify_url(&sign("https://d1.net:8443/a"), &keys, CTX);
    assert_eq!(v.verdict, Verdict::Serve);
    assert_eq!(
        v.notes,
        vec![Note::Url(crate::url::Warning::OtherPort { port: 8443 })]
    );
}

/// Regression: verify answered 403 (signature mismatch) for a URL signed for
/// `https://d1.net/a` but written with its default port in more than ten digits
/// (`:00000000443`), which the client sends as `https://d1.net/a`; `:0443` was already
/// answered for the sent form.
#[test]
fn verify_port_with_many_leading_zeros_was_refused() {
    let signer = crate::Signer::new(demo_key(), crate::KeyPairId::new("K1").unwrap());
    let keys = TrustedKeys::Single {
        key: signer.public_key(),
        key_pair_id: Some("K1".into()),
    };
    let signed = signer
        .sign_url(
            "https://d1.net/a",
            &crate::UrlOptions::expires(1_767_290_400),
        )
        .unwrap()
        .url
        .replacen("d1.net", "d1.net:00000000443", 1);
    let v = verify_url(&signed, &keys, CTX);
    assert_eq!(v.verdict, Verdict::Serve);
    assert_eq!(v.url, "https://d1.net/a");
}

/// Regression (issue 10.4): cookies were verified against `--url` as written; the
/// client sends the normalised form, and CloudFront rebuilds a canned cookie policy
/// from that.
#[test]
fn cookies_are_verified_for_the_url_as_sent() {
    let signer = crate::Signer::new(demo_key(), crate::KeyPairId::new("K1").unwrap());
    let keys = TrustedKeys::Single {
        key: signer.public_key(),
        key_pair_id: Some("K1".into()),
    };
    let c = signer
        .sign_cookies(
            "https://d1.net/a.mp4",
            &crate::CookieOptions::expires(1_767_290_400),
        )
        .unwrap();
    let pairs: Vec<(String, String)> = c
        .cookies
        .iter()
        .map(|(n, v)| (n.to_string(), v.clone()))
        .collect();
    let v = verify_cookies(&pairs, "https://D1.net:443/x/../a.mp4", &keys, CTX);
    assert_eq!(v.verdict, Verdict::Serve);
    assert_eq!(v.url, "https://d1.net/a.mp4");
    assert_eq!(
        notes(&v),
        vec!["clients request this URL as https://d1.net/a.mp4 (host in lower case, default port dropped, '.' and '..' segments resolved), and CloudFront checks the signature against that form: sign it instead".to_string()]
    );
}

#[test]
fn fragment_is_ignored_with_a_note() {
    let signer = crate::Signer::new(demo_key(), crate::KeyPairId::new("K1").unwrap());
    let signed = signer
        .sign_url(
            "https://d1.net/a.jpg",
            &crate::UrlOptions::expires(1_767_290_400),
        )
        .unwrap();
    let keys = TrustedKeys::Single {
        key: signer.public_key(),
        key_pair_id: None,
    };
    let v = verify_url(&format!("{}#t=10", signed.url), &keys, CTX);
    assert_eq!(v.verdict, Verdict::Serve);
    assert_eq!(
        v.notes,
        vec![
            Note::KeyPairIdNotChecked,
            Note::FragmentIgnored {
                fragment: "#t=10".into()
            },
        ]
    );
    assert_eq!(
        v.notes[1].to_string(),
        "the fragment \"#t=10\" was ignored: clients never send it to CloudFront"
    );
}
