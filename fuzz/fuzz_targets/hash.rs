//! The `#hs-chat-open` detector: never panics, and the two entry points agree — an
//! address is stripped exactly when it carries the marker, and what is left no longer
//! carries it unless the marker was written twice in the path.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sitechat_core::hash::{is_open_hash, strip_open_hash};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let opens = is_open_hash(text);
    let stripped = strip_open_hash(text);
    assert_eq!(opens, stripped.is_some(), "is_open_hash and strip_open_hash disagree on {text:?}");
    if let Some(rest) = stripped {
        assert!(!rest.contains('#'), "the part before the first '#' has no '#': {rest:?}");
        assert!(text.contains(&rest), "stripping only removes the fragment: {text:?} → {rest:?}");
    }
});
