//! Message text → segments: every invariant listed in `core/src/linkify.rs`, checked on
//! arbitrary Unicode. A failure here is a link that could run code, hide where it goes,
//! or lose part of a message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sitechat_core::linkify::{linkify, Segment};

fn forbidden_in_link(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '<' | '>' | '"')
        || matches!(c,
            '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let segments = linkify(text);
    let joined: String = segments.iter().map(Segment::text).collect();
    assert_eq!(joined, text, "segments must give back the input");
    let mut previous_was_text = false;
    for segment in &segments {
        assert!(!segment.text().is_empty(), "empty segment in {text:?}");
        match segment {
            Segment::Text(_) => {
                assert!(!previous_was_text, "two adjacent text segments in {text:?}");
                previous_was_text = true;
            }
            Segment::Link { text: shown, href } => {
                previous_was_text = false;
                let scheme_ok = ["http://", "https://", "mailto:"].iter().any(|s| href.starts_with(s));
                assert!(scheme_ok, "unsafe href {href:?} from {text:?}");
                assert!(!shown.chars().any(forbidden_in_link), "link text {shown:?} hides characters");
                let lower = shown.to_ascii_lowercase();
                let expected_tail = if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:") {
                    let scheme_len = href.find(':').map_or(0, |i| i + 1);
                    &shown[scheme_len..]
                } else {
                    shown
                };
                assert!(href.ends_with(expected_tail), "href {href:?} does not show as {shown:?}");
            }
        }
    }
});
