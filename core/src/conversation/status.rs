//! Where the conversation stands.
//!
//! Invariant: `Idle` ⇔ no conversation id; `Active` and `Ended` have one (an ended
//! conversation keeps its id so the transcript can still be requested).

use serde::{Deserialize, Serialize};

use crate::protocol::EndReason;

/// The life of one conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    /// No conversation yet: the first message will start one.
    Idle,
    /// The server confirmed the conversation.
    Active,
    /// Closed by an agent, by inactivity or by a bot; the widget offers
    /// "Start a new chat".
    Ended { reason: EndReason },
}
