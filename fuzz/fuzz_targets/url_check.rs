//! URL checking before signing: `check_url` on any text must return warnings or an
//! error whose message and hint render; the warnings render too.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match cfsign::url::check_url(&text) {
        Ok(warnings) => {
            for w in &warnings {
                assert!(!w.to_string().is_empty());
            }
        }
        Err(e) => cfsign_fuzz::exercise_error(&e),
    }
    // The policy resource checks see the same kind of text.
    if let Err(e) = cfsign::policy::check_resource(&text) {
        cfsign_fuzz::exercise_error(&e);
    }
    if let Some((pattern, url)) = text.split_once('\n') {
        let _ = cfsign::policy::resource_matches(pattern, url);
    }
});
