//! Cookie parsing in every input form (`Cookie:` header, `Set-Cookie` lines, JSON,
//! Netscape cookie jar), then verification and inspection of what was read, for the URL
//! on the input's first line: never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (ctx, rest) = cfsign_fuzz::split_context(data);
    let text = String::from_utf8_lossy(rest);
    let (url, cookies) = text
        .split_once('\n')
        .unwrap_or(("https://d1.example/a", &text));
    match cfsign::cookies::parse_cookie_header(cookies) {
        Ok(pairs) => {
            let v = cfsign::verify::verify_cookies(&pairs, url, cfsign_fuzz::trusted_keys(), ctx);
            cfsign_fuzz::exercise_verification(&v);
        }
        Err(e) => cfsign_fuzz::exercise_error(&e),
    }
    match cfsign::cookies::parse_cookie_text(cookies) {
        Ok(pairs) => {
            let ins = cfsign::inspect::inspect_cookies(&pairs, url);
            cfsign_fuzz::exercise_inspection(&ins, ctx.at);
        }
        Err(e) => cfsign_fuzz::exercise_error(&e),
    }
    match cfsign::cookies::parse_cookie_entries(cookies) {
        Ok(entries) => {
            for e in &entries {
                let _ = e.not_sent(url, ctx.at);
            }
            let v = cfsign::verify::verify_cookie_entries(
                &entries,
                url,
                cfsign_fuzz::trusted_keys(),
                ctx,
            );
            cfsign_fuzz::exercise_verification(&v);
        }
        Err(e) => cfsign_fuzz::exercise_error(&e),
    }
    // Cookie attributes as `cfsign cookies` takes them.
    if let Err(e) = cfsign::cookies::check_cookie_domain(url) {
        cfsign_fuzz::exercise_error(&e);
    }
    let _ = cfsign::cookies::domain_covers(url, cookies);
    let _ = cfsign::cookies::default_path(url);
});
