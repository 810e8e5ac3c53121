//! Detecting the `#hs-chat-open` marker that makes the chat open by itself.
//!
//! Marketers append `#hs-chat-open` to any page address in e-mails and landing pages;
//! the widget checks the page's hash on load and on every `hashchange`.
//!
//! Invariants:
//! - the fragment is everything after the **first** `#` (as in the URL standard), so a
//!   `#` can never hide inside a query value: `/p?q=#hs-chat-open` opens the chat;
//! - the fragment must be exactly `hs-chat-open` (case-sensitive, as fragments are),
//!   once percent-encoded *unreserved* characters (`A-Z a-z 0-9 - . _ ~`) are decoded,
//!   because RFC 3986 makes `%2D` and `-` the same URL; any other escape (`%2F`, `%20`)
//!   or anything after the marker (`#hs-chat-open/more`) means "not the marker";
//! - leading and trailing ASCII whitespace is ignored, as browsers do for an `href`;
//! - nothing here panics, whatever the input.

/// The hash that opens the chat, as a marketer writes it at the end of a link.
pub const OPEN_HASH: &str = "#hs-chat-open";

/// [`OPEN_HASH`] without its `#`: what the fragment itself must equal.
const OPEN_FRAGMENT: &str = "hs-chat-open";

/// Whether a page's hash (`location.hash`) or a whole address (`location.href`, an
/// `href` attribute, relative or absolute) carries the open-chat marker.
///
/// Taking either form lets the widget pass whatever the browser gives it without
/// first parsing a URL.
///
/// # Example
/// ```
/// use sitechat_core::hash::is_open_hash;
/// assert!(is_open_hash("#hs-chat-open"));
/// assert!(is_open_hash("https://a.example/pricing/?utm=1#hs-chat-open"));
/// assert!(!is_open_hash("https://a.example/#hs-chat-openx"));
/// assert!(!is_open_hash("https://a.example/pricing"));
/// ```
pub fn is_open_hash(hash_or_url: &str) -> bool {
    fragment(hash_or_url).is_some_and(is_open_fragment)
}

/// The address without the open-chat marker, or `None` when it does not carry one.
///
/// The widget uses it with `history.replaceState` to clean the address bar once the
/// chat is open, so a reload or a shared link does not re-open it. The result keeps the
/// path and query untouched; for a bare hash it is the empty string, which a browser
/// resolves to the current page without its fragment.
///
/// # Example
/// ```
/// use sitechat_core::hash::strip_open_hash;
/// assert_eq!(
///     strip_open_hash("https://a.example/pricing/?utm=1#hs-chat-open").as_deref(),
///     Some("https://a.example/pricing/?utm=1"),
/// );
/// assert_eq!(strip_open_hash("#hs-chat-open").as_deref(), Some(""));
/// assert_eq!(strip_open_hash("https://a.example/#top"), None);
/// ```
pub fn strip_open_hash(url: &str) -> Option<String> {
    let url = trim_ascii_whitespace(url);
    let (before, fragment) = url.split_once('#')?;
    is_open_fragment(fragment).then(|| before.to_string())
}

/// The text after the first `#`, if there is one.
fn fragment(hash_or_url: &str) -> Option<&str> {
    trim_ascii_whitespace(hash_or_url).split_once('#').map(|(_, fragment)| fragment)
}

fn trim_ascii_whitespace(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_ascii_whitespace())
}

/// Compares the fragment with the marker, decoding escaped unreserved characters on
/// the fly so no allocation is needed.
fn is_open_fragment(fragment: &str) -> bool {
    let mut expected = OPEN_FRAGMENT.bytes();
    let mut bytes = fragment.bytes();
    while let Some(b) = bytes.next() {
        let actual = if b == b'%' {
            let hi = bytes.next().and_then(hex_value);
            let lo = bytes.next().and_then(hex_value);
            match (hi, lo) {
                (Some(hi), Some(lo)) => {
                    let decoded = hi * 16 + lo;
                    if !is_unreserved(decoded) {
                        return false;
                    }
                    decoded
                }
                _ => return false,
            }
        } else {
            b
        };
        if expected.next() != Some(actual) {
            return false;
        }
    }
    expected.next().is_none()
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// RFC 3986 §2.3: escaping these characters does not change the URL's meaning.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_hash_opens() {
        assert!(is_open_hash(OPEN_HASH));
    }

    #[test]
    fn absolute_and_relative_urls_open() {
        assert!(is_open_hash("https://a.example/pricing/?utm=1#hs-chat-open"));
        assert!(is_open_hash("/pricing?x=1#hs-chat-open"));
        assert!(is_open_hash("www.yourcompany.com/pricing/#hs-chat-open"));
        assert!(is_open_hash("https://a.example#hs-chat-open"));
    }

    #[test]
    fn first_hash_starts_the_fragment() {
        assert!(is_open_hash("/p?q=1#hs-chat-open"));
        assert!(is_open_hash("/p?q=#hs-chat-open"));
        // The fragment here is "a#hs-chat-open", not the marker.
        assert!(!is_open_hash("/p#a#hs-chat-open"));
        assert!(!is_open_hash("#hs-chat-open#hs-chat-open"));
    }

    #[test]
    fn near_misses_do_not_open() {
        for s in [
            "#hs-chat-openx",
            "#xhs-chat-open",
            "#hs-chat-open/more",
            "#hs-chat-open?x=1",
            "#hs-chat",
            "#HS-CHAT-OPEN",
            "#",
            "",
            "hs-chat-open",
            "https://a.example/hs-chat-open",
            "https://a.example/?hs-chat-open",
        ] {
            assert!(!is_open_hash(s), "{s:?} must not open the chat");
        }
    }

    #[test]
    fn escaped_unreserved_characters_are_the_same_url() {
        assert!(is_open_hash("#hs%2Dchat-open"));
        assert!(is_open_hash("#hs%2dchat%2Dopen"));
        assert!(is_open_hash("/p#%68s-chat-open"));
    }

    #[test]
    fn other_escapes_and_broken_escapes_do_not_open() {
        assert!(!is_open_hash("#hs-chat-open%20"));
        assert!(!is_open_hash("#hs-chat-open%2F"));
        assert!(!is_open_hash("#hs%2"));
        assert!(!is_open_hash("#hs%zzchat-open"));
        assert!(!is_open_hash("#hs-chat-ope%"));
    }

    #[test]
    fn surrounding_whitespace_is_ignored() {
        assert!(is_open_hash("  https://a.example/#hs-chat-open\n"));
        assert_eq!(strip_open_hash(" /p#hs-chat-open ").as_deref(), Some("/p"));
    }

    #[test]
    fn multibyte_input_does_not_panic() {
        assert!(!is_open_hash("#hs-chat-opené"));
        assert!(!is_open_hash("#é%"));
        assert!(is_open_hash("https://exämple.com/café#hs-chat-open"));
        assert_eq!(strip_open_hash("/café#hs-chat-open").as_deref(), Some("/café"));
    }

    #[test]
    fn strip_keeps_path_and_query() {
        assert_eq!(
            strip_open_hash("https://a.example/pricing/?utm=1#hs-chat-open").as_deref(),
            Some("https://a.example/pricing/?utm=1")
        );
        assert_eq!(strip_open_hash("/p?q=#hs%2Dchat-open").as_deref(), Some("/p?q="));
        assert_eq!(strip_open_hash("#hs-chat-open").as_deref(), Some(""));
    }

    #[test]
    fn strip_refuses_urls_without_the_marker() {
        assert_eq!(strip_open_hash("https://a.example/pricing"), None);
        assert_eq!(strip_open_hash("https://a.example/#top"), None);
        assert_eq!(strip_open_hash("#hs-chat-openx"), None);
        assert_eq!(strip_open_hash(""), None);
    }
}
