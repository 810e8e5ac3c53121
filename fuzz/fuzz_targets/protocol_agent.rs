//! Agent protocol, both directions: `AgentCommand::decode` (what the server reads from
//! an inbox) and `AgentEvent::decode` (what the inbox's peer would read) never panic, and
//! what decodes survives `encode` → `decode` unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sitechat_core::protocol::agent::{AgentCommand, AgentEvent};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(command) = AgentCommand::decode(text) {
        let again = AgentCommand::decode(&command.encode());
        assert_eq!(again.as_ref(), Ok(&command), "agent command round trip of {text:?}");
    }
    if let Ok(event) = AgentEvent::decode(text) {
        let again = AgentEvent::decode(&event.encode());
        assert_eq!(again.as_ref(), Ok(&event), "agent event round trip of {text:?}");
    }
});
