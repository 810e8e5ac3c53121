//! The visitor's side of a conversation as a sans-I/O state machine: events in,
//! effects out (see [`ChatState::apply`]).
//!
//! Invariants:
//! - no I/O, clock or randomness: the widget feeds [`ChatEvent`]s (with `now` and
//!   client ids it generated) and runs the returned [`Effect`]s in one place;
//! - the product promise "never loses a message" lives here: every submitted message
//!   is shown at once, kept in the [`Outbox`] until the server acknowledges it,
//!   resent after reconnects and ack timeouts, and shown exactly once however often
//!   the server acknowledges or echoes it;
//! - "Start a new chat" **clears** the previous conversation's messages (the server
//!   keeps them and the transcript can be e-mailed); only the visitor's
//!   unacknowledged messages carry over, as failed, to be retried in the new one.

mod effect;
mod event;
mod message;
mod outbox;
mod persist;
mod state;
mod status;
mod timeline;
mod typing;

pub use effect::{Effect, Notification};
pub use event::ChatEvent;
pub use message::{Delivery, FailReason, Message};
pub use outbox::{Outbox, ACK_TIMEOUT_MS, MAX_ACK_TIMEOUTS};
pub use persist::RestoreError;
pub use state::ChatState;
pub use status::Status;
pub use typing::{AgentTyping, TYPING_THROTTLE_MS};

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
