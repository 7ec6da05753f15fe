//! Hints that are right (issue 10.10): each refusal names what is really wrong and the
//! fix that works, the same way for a URL argument and a line of standard input.

mod common;

use common::{IMAGE_URL, cfsign, cfsign_rsa, cfsign_rsa_after, key_arg, run};

/// The refusal of `url` as an argument: exit 1, nothing on stdout, stderr returned.
fn refused_argument(url: &str) -> String {
    let (code, out, err) = run(cfsign_rsa().arg(url));
    assert_eq!((code, out.as_str()), (1, ""), "{url:?}: {err}");
    err
}

/// Regression: a non-ASCII host was "fixed" as `%C3%BC`, which no client sends; browsers
/// send the punycode form.
#[test]
fn non_ascii_host_hint_is_punycode_not_percent_encoding() {
    let err = refused_argument("https://bücher.example/ü.pdf");
    assert_eq!(
        err,
        "cfsign: error: URL \"https://bücher.example/ü.pdf\" has a non-ASCII character in the host at byte 9\n\
         hint: clients send a non-ASCII host in its punycode (IDNA) form: https://xn--bcher-kva.example/%C3%BC.pdf\n"
    );
}

/// Regression: `report#1.pdf` got the hint to sign `report`, dropping the rest of the
/// file name; a `#` that is part of a name is sent as `%23`.
#[test]
fn hash_in_a_file_name_hint_is_percent_23() {
    let err = refused_argument("https://d1.net/files/report#1.pdf");
    assert!(
        err.ends_with(
            "hint: if the '#' is part of the file name, write it as %23: \"https://d1.net/files/report%231.pdf\"; otherwise sign the URL without \"#1.pdf\"\n"
        ),
        "{err}"
    );
    // A real fragment keeps the plain hint.
    let err = refused_argument("https://d1.net/a.jpg#top");
    assert!(
        err.ends_with("hint: sign the URL without \"#top\": \"https://d1.net/a.jpg\"\n"),
        "{err}"
    );
}

/// Regression: an argument with a trailing CR (`$(cat url.txt)` of a Windows file) was
/// called "a control character" with a `%0D` hint; it now says to strip the CR.
#[test]
fn trailing_cr_in_an_argument_says_to_strip_it() {
    let err = refused_argument("https://d1.net/a.jpg\r");
    assert_eq!(
        err,
        "cfsign: error: URL \"https://d1.net/a.jpg\\r\" ends with a carriage return (CR), as lines of a file with Windows line ends do\n\
         hint: strip the CR (tr -d '\\r', or dos2unix on the file): \"https://d1.net/a.jpg\"\n"
    );
}

/// Regression: a quoted CSV field `"https://..."` was refused as a double quote to
/// percent-encode (`%22https://...`); it now says to drop the quotes, for an argument and
/// a line of standard input alike.
#[test]
fn quoted_csv_field_says_to_drop_the_quotes() {
    let quoted = "\"https://d1.net/a.jpg\"";
    let message = "URL \"\\\"https://d1.net/a.jpg\\\"\" is wrapped in double quotes (a quoted CSV field?)\nhint: drop the quotes: https://d1.net/a.jpg\n";
    assert_eq!(
        refused_argument(quoted),
        format!("cfsign: error: {message}")
    );
    let (code, _, err) = run(cfsign_rsa().write_stdin(format!("{quoted}\n")));
    assert_eq!(code, 1);
    assert_eq!(err, format!("cfsign: error: line 1: {message}"));
}

/// Regression: a byte-order mark at the start of a later line (files joined with `cat`)
/// was reported as "a non-ASCII character at byte 0" with a `%EF%BB%BF` hint.
#[test]
fn byte_order_mark_on_a_later_line_is_named() {
    let (code, out, err) = run(cfsign_rsa().write_stdin(format!(
        "\u{feff}{IMAGE_URL}\n\u{feff}https://d1.net/b.jpg\n"
    )));
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        out.lines().count(),
        1,
        "the first line's mark is stripped: {out}"
    );
    assert_eq!(
        err,
        "cfsign: error: line 2: URL \"\\u{feff}https://d1.net/b.jpg\" starts with a byte-order mark (U+FEFF), which editors put at the start of a file (files joined with cat keep it mid-input)\n\
         hint: remove the byte-order mark: \"https://d1.net/b.jpg\"\n"
    );
}

/// Regression: Unicode spaces around a line of standard input were stripped silently
/// while the same URL as an argument was refused; both are refused the same way now.
#[test]
fn unicode_spaces_around_stdin_lines_are_refused_as_in_an_argument() {
    for (space, name) in [
        ('\u{a0}', "a no-break space (U+00A0)"),
        ('\u{2003}', "an em space (U+2003)"),
        ('\u{3000}', "an ideographic space (U+3000)"),
        ('\u{85}', "a next-line character, NEL (U+0085)"),
    ] {
        for (url, at) in [
            (format!("{space}https://d1.net/a.jpg"), "starts"),
            (format!("https://d1.net/a.jpg{space}"), "ends"),
        ] {
            let as_argument = refused_argument(&url);
            let message = format!(
                "URL {url:?} {at} with {name}\nhint: remove it: \"https://d1.net/a.jpg\"\n"
            );
            assert_eq!(as_argument, format!("cfsign: error: {message}"), "{name}");
            let (code, out, err) = run(cfsign_rsa().write_stdin(format!("{url}\n")));
            assert_eq!((code, out.as_str()), (1, ""), "{name}");
            assert_eq!(err, format!("cfsign: error: line 1: {message}"), "{name}");
        }
    }
}

/// Regression: `--policy custom` with a `*` in the URL warned that "a canned policy signs
/// it as a literal character", though the URL was signed in a custom policy, where the
/// `*` is a wildcard.
#[test]
fn policy_custom_with_a_literal_star_does_not_speak_of_canned_policies() {
    let url = "https://d1.net/videos/a*b.mp4";
    for extra in [
        vec!["--policy", "custom"],
        vec!["--ip-address", "192.0.2.0/24"],
    ] {
        let (code, out, err) = run(cfsign_rsa().arg(url).args(&extra));
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("Policy="), "{out}");
        assert_eq!(
            err,
            "cfsign: warning: the URL holds '*', which the custom policy's Resource reads as a wildcard: the signature also works for every URL it matches (only a canned policy, without a start time or IP range, takes '*' literally)\n",
            "{extra:?}"
        );
    }
    let (code, _, err) = run(cfsign_rsa().arg(url));
    assert_eq!(code, 0);
    assert!(
        err.contains("which a canned policy signs as a literal character"),
        "{err}"
    );
}

/// Regression: `23:59:60Z` was refused as "fractional seconds", and without an offset
/// silently read as 23:59:59.
#[test]
fn leap_second_gets_its_own_message() {
    for when in ["2026-06-30T23:59:60Z", "2026-06-30T23:59:60"] {
        let (code, out, err) = run(cfsign_rsa().args([IMAGE_URL, "--date-less-than", when]));
        assert_eq!((code, out.as_str()), (2, ""), "{when}");
        assert!(
            err.starts_with(&format!(
                "cfsign: error: --date-less-than: time {when:?} is a leap second (second 60)"
            )),
            "{err}"
        );
    }
}

/// Regression: `verify --at` took times signing refuses (before 1970); it now accepts
/// only the range signing accepts, 1970 to 9999-12-31T23:59:59Z.
#[test]
fn verify_at_accepts_only_the_range_signing_accepts() {
    let (_, url, _) = run(cfsign_rsa().args([IMAGE_URL, "--date-less-than", "1767290400"]));
    let url = url.trim_end();
    let public = key_arg("rsa2048_public.pem");
    for (at, needle) in [
        ("1960-01-01", "is before 1970-01-01T00:00:00Z"),
        ("1767290400000", "looks like milliseconds"),
        ("253402300800", "is after 9999-12-31T23:59:59Z"),
    ] {
        let (code, out, err) =
            run(cfsign().args(["verify", url, "--public-key", &public, "--at", at]));
        assert_eq!((code, out.as_str()), (2, ""), "{at}: {err}");
        assert!(
            err.starts_with("cfsign: error: --at: ") && err.contains(needle),
            "{at}: {err}"
        );
    }
    let (code, out, _) =
        run(cfsign().args(["verify", url, "--public-key", &public, "--at", "1767290399"]));
    assert_eq!(code, 0, "{out}");
}

/// Regression: a start time one second before the expiry was signed, though both bounds
/// are strict and no whole second is left in which a request is valid.
#[test]
fn start_one_second_before_expiry_is_an_empty_window() {
    let window = [
        "--date-greater-than",
        "1767290399",
        "--date-less-than",
        "1767290400",
    ];
    for sub in [vec![IMAGE_URL], vec!["cookies", "https://d1.net/*"]] {
        let mut cmd = cfsign_rsa_after(&sub);
        let (code, out, err) = run(cmd.args(window));
        assert_eq!((code, out.as_str()), (2, ""), "{sub:?}");
        assert_eq!(
            err,
            "cfsign: error: the start time (DateGreaterThan) 1767290399 (2026-01-01T17:59:59Z) is one second before the expiry (DateLessThan) 1767290400 (2026-01-01T18:00:00Z): both bounds are strict, so no whole second is left in which a request is valid\n\
             hint: the start --date-greater-than (--starts-at) 1767290399 and the expiry from --date-less-than (--expires-at) 1767290400 must be at least two seconds apart\n",
            "{sub:?}"
        );
    }
    // Two seconds apart: one whole second (1767290399) is valid.
    let (code, _, err) = run(cfsign_rsa().args([
        IMAGE_URL,
        "--date-greater-than",
        "1767290398",
        "--date-less-than",
        "1767290400",
    ]));
    assert_eq!(code, 0, "{err}");
}
