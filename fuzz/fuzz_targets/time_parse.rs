//! Time parsing: `parse_time` and `parse_duration` on any text, and formatting any
//! Unix time, never panic; a parsed time is in range and its RFC 3339 form reads back.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match cfsign::time::parse_time(&text) {
        Ok(t) => {
            assert!(
                cfsign::time::range_problem(t).is_none(),
                "{text:?} gave {t}"
            );
            let shown = cfsign::time::format_utc(t);
            assert_eq!(cfsign::time::parse_time(&shown).ok(), Some(t), "{shown}");
        }
        Err(e) => cfsign_fuzz::exercise_error(&e),
    }
    match cfsign::time::parse_duration(&text) {
        Ok(d) => assert!(d > 0),
        Err(e) => cfsign_fuzz::exercise_error(&e),
    }
    // Any two 64-bit values as times: formatting and relative descriptions.
    if data.len() >= 16 {
        let a = i64::from_le_bytes(data[..8].try_into().unwrap());
        let b = i64::from_le_bytes(data[8..16].try_into().unwrap());
        let _ = cfsign::time::format_utc(a);
        let _ = cfsign::time::describe_relative(a, b);
        let _ = cfsign::time::range_problem(a);
    }
});
