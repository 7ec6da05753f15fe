//! No public function panics on any input (issue 9, item 4): every parsing, checking,
//! signing, verifying and formatting entry point of the library is called with arbitrary
//! strings (any Unicode, with the ASCII that matters here mixed in), arbitrary bytes and
//! extreme numbers, and its errors are displayed with their hints. A panic fails the test;
//! the results themselves are pinned by the other test files.

mod common;

use std::sync::OnceLock;

use cfsign::verify::{RequestContext, TrustedKeys};
use cfsign::{
    CookieAttributes, CookieOptions, KeyPairId, Policy, PolicyMode, PrivateKey, PublicKey,
    RawPolicy, Signer, SourceIp, UrlOptions,
};
use proptest::prelude::*;

/// Text that reaches the interesting branches: URL and cookie syntax, multi-byte
/// characters right where prefixes and separators are cut, and anything else.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zA-Z0-9:/?#&=;%*.,@\\[\\]\\t é€😀\u{feff}\u{202e}-]{0,60}",
        (
            prop_oneof![
                Just("https://"),
                Just("http://"),
                Just("Cookie:"),
                Just("cookie"),
                Just("Set-Cookie:"),
                Just("set-cookié"),
                Just("#HttpOnly_"),
                Just("CloudFront"),
                Just(""),
            ],
            "[a-zA-Z0-9:/?#&=;%*.@\\[\\]é€-]{0,40}",
            prop_oneof![
                Just(""),
                Just("?Expires=1&Signature=a~_-&Key-Pair-Id=K1"),
                Just("é=1"),
                Just("\t"),
                Just("#é"),
            ],
        )
            .prop_map(|(a, b, c)| format!("{a}{b}{c}")),
    ]
}

fn signer() -> &'static Signer {
    static S: OnceLock<Signer> = OnceLock::new();
    S.get_or_init(|| {
        let key = PrivateKey::from_pem_file(common::key("ec_p256_sec1.pem"), None).expect("key");
        Signer::new(key, KeyPairId::new(common::KPID).expect("id"))
    })
}

fn keys() -> TrustedKeys {
    TrustedKeys::Single {
        key: signer().public_key(),
        key_pair_id: None,
    }
}

/// Displays an error and its hint, as the CLI does.
fn show(e: &cfsign::Error) {
    let _ = (e.to_string(), e.hint());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    // Broke: `--cookie-header 'abcdefghijé=1'`, a `--cookies-file` line `CloudFronté=1`
    // and `Cookie` headers with a multi-byte character at byte 7 or 11 panicked slicing.
    #[test]
    fn cookie_parsers_panicked_on_non_ascii(s in text()) {
        if let Err(e) = cfsign::cookies::parse_cookie_header(&s) { show(&e) }
        match cfsign::cookies::parse_cookie_entries(&s) {
            Ok(entries) => {
                for e in &entries {
                    let _ = e.not_sent(&s, 0);
                    let _ = e.not_sent("https://d1.net/a", i64::MAX);
                }
                let v = cfsign::verify::verify_cookie_entries(&entries, &s, &keys(), RequestContext { at: 0, client_ip: None });
                let _ = v.notes.iter().map(ToString::to_string).count();
            }
            Err(e) => show(&e),
        }
        if let Ok(pairs) = cfsign::cookies::parse_cookie_text(&s) {
            let _ = cfsign::inspect::inspect_cookies(&pairs, &s);
            let _ = cfsign::verify::verify_cookies(&pairs, "https://d1.net/a", &keys(), RequestContext { at: 0, client_ip: None });
        }
    }

    // Broke: `Error::UrlFragment { .. }.hint()` sliced the URL at `url.len() -
    // fragment.len()`, which panics when the fields do not fit together.
    #[test]
    fn url_fragment_hint_panicked_on_crafted_fields(url in text(), fragment in text()) {
        show(&cfsign::Error::UrlFragment { url, fragment });
    }

    #[test]
    fn url_and_resource_checks_never_panic(s in text(), t in text()) {
        if let Err(e) = cfsign::url::check_url(&s) { show(&e) }
        if let Err(e) = cfsign::policy::check_resource(&s) { show(&e) }
        let _ = cfsign::policy::resource_matches(&s, &t);
        let _ = cfsign::url::Warning::grants_everything(Some(&s));
        let _ = cfsign::cookies::default_path(&s);
        let _ = cfsign::cookies::domain_covers(&s, &t);
        if let Err(e) = cfsign::cookies::check_cookie_domain(&s) { show(&e) }
        let _ = Policy::new(s.clone(), cfsign::Condition::expires(1)).covers(&t);
    }

    #[test]
    fn signing_never_panics(s in text(), t in text()) {
        let policy = UrlOptions::expires(1_767_290_400);
        match signer().sign_url(&s, &policy) {
            Ok(signed) => { let _ = signed.warnings.iter().map(ToString::to_string).count(); }
            Err(e) => show(&e),
        }
        let custom = UrlOptions { policy_resource: Some(t.clone()), ..UrlOptions::expires(1_767_290_400) };
        if let Err(e) = signer().sign_url(&s, &custom) { show(&e) }
        let request = CookieOptions {
            condition: cfsign::Condition::expires(1_767_290_400),
            mode: PolicyMode::Auto,
            attributes: CookieAttributes { domain: Some(t.clone()), path: Some(t.clone()), ..CookieAttributes::default() },
        };
        match signer().sign_cookies(&s, &request) {
            Ok(c) => { let _ = (c.to_set_cookie_headers(), c.to_cookie_header(), c.to_netscape()); }
            Err(e) => show(&e),
        }
        let overrides = cfsign::response::ResponseOverrides::new()
            .download_as(&t)
            .and_then(|o| o.content_type(&t));
        if let Err(e) = overrides.and_then(|o| o.apply(&s).map(|_| ())) { show(&e) }
        if let Err(e) = cfsign::response::ResponseOverrides::new().download_as(&s) { show(&e) }
    }

    #[test]
    fn verify_and_inspect_never_panic(s in text(), at in any::<i64>()) {
        let v = cfsign::verify::verify_url(&s, &keys(), RequestContext { at, client_ip: None });
        let _ = v.notes.iter().map(ToString::to_string).count();
        if let cfsign::verify::Verdict::Refuse(r) = &v.verdict { let _ = (r.to_string(), r.hint(), r.id(), r.signed_url()); }
        let i = cfsign::inspect::inspect_url(&s);
        for t in [i.date_less_than, i.date_greater_than].into_iter().flatten() {
            let _ = (cfsign::time::format_utc(t), cfsign::time::describe_relative(t, at));
        }
    }

    #[test]
    fn value_parsers_never_panic(s in text()) {
        if let Err(e) = cfsign::time::parse_time(&s) { show(&e) }
        if let Err(e) = cfsign::time::parse_duration(&s) { show(&e) }
        if let Err(e) = KeyPairId::new(&s) { show(&e) }
        if let Err(e) = s.parse::<SourceIp>() { show(&e) }
        let _ = s.parse::<PolicyMode>();
        let _ = s.parse::<cfsign::HashAlgorithm>();
        if let Err(e) = cfsign::encoding::decode("Signature", &s) { show(&e) }
        if let Err(e) = Policy::from_json(s.as_bytes()) { show(&e) }
        if let Err(e) = RawPolicy::new(s.clone().into_bytes()) { show(&e) }
        let _ = cfsign::key::normalize_pem_text(&s);
    }

    #[test]
    fn key_parsers_never_panic(bytes in prop_oneof![
        any::<Vec<u8>>(),
        "-----BEGIN (RSA |EC |ENCRYPTED |)PRIVATE KEY-----\n[A-Za-z0-9+/=\n]{0,200}(-----END (RSA |EC |ENCRYPTED |)PRIVATE KEY-----\n)?"
            .prop_map(String::into_bytes),
    ]) {
        let _ = PrivateKey::pem_is_encrypted(&bytes);
        if let Err(e) = PrivateKey::from_pem(&bytes, Some(b"pass"), "k.pem") { show(&e) }
        if let Err(e) = PublicKey::from_pem(&bytes, "k.pem") { show(&e) }
        // A signature of any form: inspect judges its family, verify its algorithm.
        let url = format!("https://d1.net/a?Expires=1767290400&Signature={}&Key-Pair-Id=K", cfsign::encoding::encode(&bytes));
        let _ = cfsign::inspect::inspect_url(&url).signature_family;
        let _ = cfsign::verify::verify_url(&url, &keys(), RequestContext { at: 0, client_ip: None });
        let _ = cfsign::encoding::encode(&bytes);
    }

    #[test]
    fn time_formatting_never_panics(t in any::<i64>(), now in any::<i64>()) {
        let _ = cfsign::time::format_utc(t);
        let _ = cfsign::time::describe_relative(t, now);
        let _ = cfsign::time::range_problem(t);
        let c = cfsign::Condition { date_less_than: t, date_greater_than: Some(now), ip_address: None };
        if let Err(e) = c.validate() { show(&e) }
        let _ = Policy::new("https://d1.net/*", c).to_json();
    }
}
