//! The site owner's config: `parse_config` never panics on any text; every error names a
//! field path; an accepted config written back with `to_value` reads to an equal value
//! (the invariant stated in `core/src/config/mod.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sitechat_core::config::{parse_config, Config};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match parse_config(text) {
        Ok(config) => {
            let again = Config::from_value(&config.to_value());
            assert_eq!(again.as_ref(), Ok(&config), "config round trip of {text:?}");
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for e in errors.errors() {
                assert!(!e.path.is_empty() && !e.message.is_empty(), "an error without a path or message: {e:?}");
            }
        }
    }
});
