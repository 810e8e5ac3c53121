//! Visitor protocol, both directions: any text given to `ClientCommand::decode` (what the
//! server reads) or `ServerEvent::decode` (what the widget reads) must come back as a
//! value or a `DecodeError`, never a panic, and whatever decodes must survive
//! `encode` → `decode` unchanged (the invariant stated in `core/src/protocol/`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sitechat_core::protocol::{ClientCommand, ServerEvent};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(command) = ClientCommand::decode(text) {
        let again = ClientCommand::decode(&command.encode());
        assert_eq!(again.as_ref(), Ok(&command), "command round trip of {text:?}");
    }
    match ServerEvent::decode(text) {
        Ok(event) => {
            let again = ServerEvent::decode(&event.encode());
            assert_eq!(again.as_ref(), Ok(&event), "event round trip of {text:?}");
        }
        // The error names a field and stays short whatever the input.
        Err(e) => assert!(e.to_string().len() < 600, "error message too long: {e}"),
    }
});
