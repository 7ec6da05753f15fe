//! Policy resources: whether one is a pattern ([`is_pattern`], the one rule), whether it
//! is a valid one ([`check_resource`]), what it matches ([`resource_matches`]) and whether
//! it grants everything ([`grants_everything`]) [\[R4\]](crate::rules#r4), [\[R5\]](crate::rules#r5).

use crate::error::{Error, Result};

/// Whether `s` holds a wildcard character (`*` or `?`), for reading a scheme pattern
/// (`http*://`); whether a resource is a pattern is [`is_pattern`]'s rule.
fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?'])
}

/// Whether a policy resource is a pattern: something a canned policy cannot carry, since
/// CloudFront rebuilds a canned policy's resource from the URL the viewer requests [\[R4\]](crate::rules#r4).
/// The one rule for URLs, cookies and the command line.
///
/// With the URL being signed known (`url` is `Some`), the resource is a pattern exactly
/// when it is not that URL: a URL may hold a `?` (its query) or a literal `*`, and a
/// resource equal to it signs canned. Without one (a cookie resource, or a resource
/// checked before any URL is read) a `*` makes it a pattern; a `?` alone does not, as it
/// also starts a query.
pub fn is_pattern(resource: &str, url: Option<&str>) -> bool {
    match url {
        Some(url) => resource != url,
        None => resource.contains('*'),
    }
}

/// Checks a policy resource pattern [\[R5\]](crate::rules#r5).
///
/// The Developer Guide (*Create a signed URL using a custom policy*, "Values that you
/// specify in the policy statement", `Resource`): "The value must begin with `http://`,
/// `https://`, or `*`", and `*` (zero or more characters) or `?` (exactly one) may appear
/// "anywhere in the string". So `*game_download.zip*`, `*d111111abcdef8.cloudfront.net/*`,
/// `https://*.zip` and `https://d111111abcdef?.cloudfront.net/*` are all valid. A scheme
/// pattern that can only be `http` or `https` (`http*://`, as in the cross-checked vectors)
/// is accepted too. Refused: characters a URL may not hold [\[R11\]](crate::rules#r11), a `#fragment`, and an
/// `http://` or `https://` value without a host.
///
/// # Errors
/// [`Error::Resource`] saying what is wrong.
pub fn check_resource(resource: &str) -> Result<()> {
    let err = |problem: String| Error::Resource {
        resource: resource.into(),
        problem,
    };
    if let Some((what, pos)) = crate::uri::first_bad_char(resource) {
        return Err(err(format!("has {what} at byte {pos}")));
    }
    if resource.contains('#') {
        return Err(err("has a fragment (#)".into()));
    }
    if resource.starts_with('*') {
        return Ok(());
    }
    let rest = match resource.split_once("://") {
        Some(("http" | "https", rest)) => rest,
        Some((scheme, rest))
            if has_wildcard(scheme) && (glob(scheme, "https") || glob(scheme, "http")) =>
        {
            rest
        }
        Some((scheme, _)) if matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") => {
            return Err(err(format!(
                "has the scheme {scheme:?}; write it in lower case (URLs are matched character by character)"
            )));
        }
        Some((scheme, _)) if !has_wildcard(scheme) => {
            return Err(err(format!(
                "has the scheme {scheme:?}; CloudFront serves http and https"
            )));
        }
        _ => {
            return Err(err("does not begin with http://, https:// or *".into()));
        }
    };
    if rest.is_empty() || rest.starts_with('/') {
        return Err(err("has no host".into()));
    }
    Ok(())
}

/// CloudFront's wildcard matching of a policy resource against a URL [\[R5\]](crate::rules#r5): the whole
/// resource is matched against the whole URL as one string, `*` matching zero or more
/// characters and `?` exactly one, "anywhere in the string" (Developer Guide, *Create a
/// signed URL using a custom policy*, `Resource`). A `*` may cross from the host into the
/// path (`https://*/game_download.zip` matches `https://d1.net/a/game_download.zip`), and a
/// `*` in the URL itself is matched like any other character. Matching is
/// case-sensitive.
pub fn resource_matches(pattern: &str, url: &str) -> bool {
    glob(pattern, url)
}

/// Glob matching of `pattern` against all of `text`: `*` matches any run of characters
/// (including none, and including `*` itself), `?` exactly one character, anything else
/// itself. The standard two-pointer algorithm: on a mismatch it backtracks to the last
/// `*` and lets it take one more character, so it runs in O(len(pattern) x len(text)) at
/// worst, with no recursion.
fn glob(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0usize, 0usize);
    // The position of the last `*` seen, and the text position it was tried at.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == '?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

/// What a policy resource grants when it matches every URL, in words, or `None` when it
/// is bound to something narrower. `None` as the resource (a policy without `Resource`)
/// grants everything, as the Developer Guide says: "users can access all of the objects
/// associated with any distribution that is associated with the key pair". A pattern such
/// as `*`, `*://*` or `https://*` is judged by matching it against URLs of unrelated
/// hosts and paths.
pub(crate) fn grants_everything(resource: Option<&str>) -> Option<&'static str> {
    const HTTPS: [&str; 3] = [
        "https://a.example/",
        "https://d111111abcdef8.cloudfront.net/x/y.mp4?q=1",
        "https://[2001:db8::1]:8443/z",
    ];
    const HTTP: [&str; 3] = [
        "http://a.example/",
        "http://d111111abcdef8.cloudfront.net/x/y.mp4?q=1",
        "http://[2001:db8::1]:8080/z",
    ];
    let Some(r) = resource else {
        return Some("every object of every distribution that trusts this key (no Resource)");
    };
    let https = HTTPS.iter().all(|u| glob(r, u));
    let http = HTTP.iter().all(|u| glob(r, u));
    match (https, http) {
        (true, true) => Some("every object of every distribution that trusts this key"),
        (true, false) => Some("every https object of every distribution that trusts this key"),
        (false, true) => Some("every http object of every distribution that trusts this key"),
        (false, false) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const R: &str = "https://d111111abcdef8.cloudfront.net/videos/*";

    #[test]
    fn wildcard_matching() {
        assert!(resource_matches(
            R,
            "https://d111111abcdef8.cloudfront.net/videos/a.mp4"
        ));
        assert!(resource_matches(
            R,
            "https://d111111abcdef8.cloudfront.net/videos/a.mp4?quality=hd"
        ));
        assert!(!resource_matches(
            R,
            "https://d111111abcdef8.cloudfront.net/images/a.jpg"
        ));
        assert!(!resource_matches(
            R,
            "http://d111111abcdef8.cloudfront.net/videos/a.mp4"
        ));
        assert!(resource_matches(
            "http*://d111111abcdef8.cloudfront.net/a/*",
            "http://d111111abcdef8.cloudfront.net/a/b.jpg"
        ));
        assert!(resource_matches("*://d1.net/a", "https://d1.net/a"));
        assert!(resource_matches("*", "https://anything/at/all"));
        assert!(resource_matches(
            "https://d111111abcdef8.cloudfront.net/images/*.jpg?size=*",
            "https://d111111abcdef8.cloudfront.net/images/photo.jpg?size=large"
        ));
        assert!(resource_matches(
            "https://*.cloudfront.net/a",
            "https://d1.cloudfront.net/a"
        ));
        assert!(resource_matches(
            "https://d1.net/?.jpg",
            "https://d1.net/a.jpg"
        ));
        assert!(!resource_matches(
            "https://d1.net/?.jpg",
            "https://d1.net/ab.jpg"
        ));
        assert!(!resource_matches("https://d1.net/a", "https://d1.net/a/b"));
        assert!(!resource_matches("https://d1.net/a/b", "https://d1.net/a"));
    }

    /// Regression: a `*` in the URL at the place of a pattern `*` was taken as a literal
    /// match and never backtracked, so `videos/*` refused `videos/*intro.mp4` and verify
    /// answered 403 for the reference signers' URL.
    #[test]
    fn literal_star_in_url_defeated_the_wildcard() {
        for (pattern, url) in [
            (
                "https://d111111abcdef8.cloudfront.net/videos/*",
                "https://d111111abcdef8.cloudfront.net/videos/*intro.mp4",
            ),
            ("https://d1.net/a*", "https://d1.net/a*b.mp4"),
            ("https://d1.net/a*b.mp4", "https://d1.net/a*b.mp4"),
            ("https://d1.net/s?filter=*", "https://d1.net/s?filter=*x*"),
            ("https://d1.net/*x", "https://d1.net/*x*x"),
        ] {
            assert!(resource_matches(pattern, url), "{pattern} {url}");
        }
        assert!(!resource_matches("https://d1.net/*x", "https://d1.net/*x*"));
    }

    /// Regression: matching stopped at the scheme/host/path boundaries, so the Guide's
    /// resources with a wildcard "anywhere in the string" were refused or never matched.
    #[test]
    fn guide_resources_are_matched_as_one_string() {
        for (pattern, url) in [
            (
                "*game_download.zip*",
                "https://d111111abcdef8.cloudfront.net/game_download.zip",
            ),
            (
                "*game_download.zip*",
                "http://d1.net/a/example_game_download.zip?license=yes",
            ),
            (
                "*d111111abcdef8.cloudfront.net/*",
                "https://d111111abcdef8.cloudfront.net/a/b.mp4",
            ),
            (
                "https://*.zip",
                "https://d111111abcdef8.cloudfront.net/files/game.zip",
            ),
            (
                "https://*/game_download.zip",
                "https://d111111abcdef8.cloudfront.net/game_download.zip",
            ),
            (
                "https://*/game_download.zip",
                "https://d1.net/deep/path/game_download.zip",
            ),
            (
                "https://d111111abcdef?.cloudfront.net/*",
                "https://d111111abcdef8.cloudfront.net/x",
            ),
            ("https://*.net/a", "https://x.net/b/x.net/a"),
            (
                "http://d111111abcdef8.cloudfront.net/*game_download.zip*",
                "http://d111111abcdef8.cloudfront.net/test_game_download.zip?license=temp",
            ),
        ] {
            assert!(check_resource(pattern).is_ok(), "{pattern}");
            assert!(resource_matches(pattern, url), "{pattern} {url}");
        }
        for (pattern, url) in [
            ("*game_download.zip*", "https://d1.net/game_download.tar"),
            ("https://*.zip", "http://d1.net/game.zip"),
            ("https://*.zip", "https://d1.net/game.zip?v=1"),
            (
                "https://d111111abcdef?.cloudfront.net/*",
                "https://d111111abcdef.cloudfront.net/x",
            ),
        ] {
            assert!(!resource_matches(pattern, url), "{pattern} {url}");
        }
    }

    /// The reference: a direct recursive reading of "`*` is any run, `?` one character".
    fn brute_force(pattern: &[char], text: &[char]) -> bool {
        match pattern.split_first() {
            None => text.is_empty(),
            Some(('*', rest)) => (0..=text.len()).any(|i| brute_force(rest, &text[i..])),
            Some((&c, rest)) => match text.split_first() {
                Some((&t, text_rest)) => (c == '?' || c == t) && brute_force(rest, text_rest),
                None => false,
            },
        }
    }

    proptest::proptest! {
        /// The two-pointer glob agrees with the brute-force reference on patterns and
        /// texts over a small alphabet that includes `*` and `?` on both sides.
        #[test]
        fn glob_agrees_with_brute_force(
            pattern in "[ab*?/.]{0,10}",
            text in "[ab*?/.é]{0,12}",
        ) {
            let p: Vec<char> = pattern.chars().collect();
            let t: Vec<char> = text.chars().collect();
            proptest::prop_assert_eq!(glob(&pattern, &text), brute_force(&p, &t));
            proptest::prop_assert_eq!(resource_matches(&pattern, &text), glob(&pattern, &text));
        }
    }

    /// Regression: resources that match every URL were signed silently.
    #[test]
    fn resources_that_grant_everything_are_named() {
        for r in ["*", "**", "*://*", "https://*", "http*://*", "*/*"] {
            assert!(grants_everything(Some(r)).is_some(), "{r}");
        }
        assert!(grants_everything(None).unwrap().contains("no Resource"));
        assert!(
            grants_everything(Some("https://*"))
                .unwrap()
                .contains("https")
        );
        for r in [
            "https://d1.net/*",
            "*game_download.zip*",
            "https://*/game_download.zip",
            "*d111111abcdef8.cloudfront.net/*",
        ] {
            assert_eq!(grants_everything(Some(r)), None, "{r}");
        }
    }

    #[test]
    fn resource_checks() {
        assert!(check_resource("https://d1.net/*").is_ok());
        assert!(check_resource("http*://d1.net/*").is_ok());
        assert!(check_resource("*://d1.net/*").is_ok());
        assert!(check_resource("*").is_ok());
        assert!(check_resource("https://*").is_ok());
        for (bad, needle) in [
            ("ftp://d1.net/*", "scheme \"ftp\""),
            ("d1.net/*", "begin with http://, https:// or *"),
            ("/videos/*", "begin with"),
            ("HTTPS://d1.net/*", "lower case"),
            ("https:///a", "no host"),
            ("https://", "no host"),
            ("https://d1.net/a b", "raw space"),
            ("https://d1.net/a#b", "fragment"),
        ] {
            let e = check_resource(bad).unwrap_err().to_string();
            assert!(e.contains(needle), "{bad}: {e}");
        }
    }
}
