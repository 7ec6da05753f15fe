//! Signed-URL verification and inspection: any URL text, any request time and client
//! address give a verdict (and `inspect` a decoding) that renders in words; never a panic.
//! A URL that verification serves decodes, without a key, to the same values.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (ctx, rest) = cfsign_fuzz::split_context(data);
    let url = String::from_utf8_lossy(rest);
    let v = cfsign::verify::verify_url(&url, cfsign_fuzz::trusted_keys(), ctx);
    cfsign_fuzz::exercise_verification(&v);
    let ins = cfsign::inspect::inspect_url(&url);
    cfsign_fuzz::exercise_inspection(&ins, ctx.at);
    if v.serves() {
        assert_eq!(ins.key_pair_id, v.key_pair_id, "{url}");
        assert_eq!(ins.policy_type, v.policy_type, "{url}");
        assert_eq!(ins.policy, v.policy, "{url}");
        assert_eq!(ins.base_url, v.url, "{url}");
    }
});
