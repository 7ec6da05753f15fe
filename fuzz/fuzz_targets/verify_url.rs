//! Signed-URL verification and inspection: any URL text, any request time and client
//! address give a verdict (and `inspect` a decoding) whose JSON renders; never a panic.
//! A URL that verification serves decodes, without a key, to the same values.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (ctx, rest) = cfsign_fuzz::split_context(data);
    let url = String::from_utf8_lossy(rest);
    let v = cfsign::verify::verify_url(&url, cfsign_fuzz::trusted_keys(), ctx);
    let _ = v.to_json();
    let ins = cfsign::inspect::inspect_url(&url);
    let json = ins.to_json(ctx.at).to_string();
    let _ = cfsign::inspect::json_terminal_safe(&json);
    let _ = cfsign::inspect::sanitize(&url);
    if v.serves() {
        assert_eq!(ins.key_pair_id, v.key_pair_id, "{url}");
        assert_eq!(ins.policy_type, v.policy_type, "{url}");
        assert_eq!(ins.policy, v.policy, "{url}");
        assert_eq!(ins.base_url, v.url, "{url}");
    }
});
