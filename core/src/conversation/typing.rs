//! Typing indicators in both directions.
//!
//! Invariants: the visitor's keystrokes produce at most one `typing: true` frame per
//! [`TYPING_THROTTLE_MS`]; the agent's indicator is transient (never persisted) and is
//! cleared by their next message, the end of the conversation or a disconnect.

use crate::time::UnixMillis;

/// Least time between two visitor `typing` frames.
pub const TYPING_THROTTLE_MS: i64 = 3_000;

/// Someone on the team is typing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentTyping {
    /// `None` when the server does not say who.
    pub name: Option<String>,
    /// When the indicator started, so the widget can hide a stale one.
    pub since: UnixMillis,
}

/// Whether a keystroke at `now` should send a typing frame, given the last one sent.
/// A clock that went backwards counts as "long ago" rather than silencing the
/// indicator until it catches up.
pub(crate) fn typing_frame_due(last_sent: Option<UnixMillis>, now: UnixMillis) -> bool {
    match last_sent {
        None => true,
        Some(last) => now < last || now.saturating_sub(last) >= TYPING_THROTTLE_MS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttles_to_one_frame_per_window() {
        assert!(typing_frame_due(None, 0));
        assert!(!typing_frame_due(Some(1_000), 3_999));
        assert!(typing_frame_due(Some(1_000), 4_000));
        assert!(typing_frame_due(Some(1_000), 500), "clock went back");
    }
}
