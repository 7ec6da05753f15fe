//! Policy JSON: reading any bytes as a policy document (policy files, custom-policy
//! verification) never panics, and a policy that reads back writes JSON that reads back
//! to the same policy.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match cfsign::Policy::from_json(data) {
        Ok(policy) => {
            let json = policy.to_json();
            let again = cfsign::Policy::from_json(json.as_bytes())
                .unwrap_or_else(|e| panic!("re-reading {json:?} failed: {e}"));
            assert_eq!(again, policy, "{json}");
            if let Some(r) = policy.resource() {
                assert!(
                    policy.covers(r),
                    "{json}: the resource does not cover itself"
                );
            }
            let _ = policy.condition().validate();
        }
        Err(e) => cfsign_fuzz::exercise_error(&e),
    }
    match cfsign::RawPolicy::new(data.to_vec()) {
        Ok(raw) => assert_eq!(raw.bytes(), data),
        Err(e) => cfsign_fuzz::exercise_error(&e),
    }
    // IP ranges as `--ip-address` and policies write them.
    let text = String::from_utf8_lossy(data);
    if let Ok(ip) = text.parse::<cfsign::SourceIp>() {
        let shown = ip.to_string();
        let back: cfsign::SourceIp = shown.parse().expect("a shown range reads back");
        assert_eq!(back, ip);
        let _ = (
            ip.has_host_bits(),
            ip.is_non_public(),
            ip.contains(ip.addr()),
        );
    }
});
