//! What the state machine asks the widget to do, as plain data.
//!
//! Invariants:
//! - effects are listed in the order they must run (a `catch_up` before the resends
//!   that follow a reconnect; a `Send` before the `ArmAckTimer` for it);
//! - at most one [`Effect::Persist`] per `apply`, always last, and only when
//!   something worth keeping across a reload changed;
//! - the widget runs effects in one place and owns their resources: arming a timer
//!   for a client id replaces any timer already armed for it.

use crate::protocol::ErrorCode;
use crate::protocol::{ClientCommand, ClientId, ConversationId, EndReason};

use super::message::Message;

/// One thing for the widget to do after an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Send this frame on the transport (only emitted while connected).
    Send(ClientCommand),
    /// Start (or restart) the acknowledgement timer of a visitor message; when it
    /// fires, feed back [`ChatEvent::AckTimeout`](super::ChatEvent::AckTimeout).
    ArmAckTimer { client_id: ClientId, after_ms: u32 },
    /// Stop that timer: the message was acknowledged, failed, or the link dropped.
    CancelAckTimer { client_id: ClientId },
    /// Save the state (see [`ChatState::save`](super::ChatState::save)).
    Persist,
    /// Tell the page (JS events) or the screen reader.
    Notify(Notification),
}

/// Something the host page or the visitor should learn about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notification {
    ConversationStarted {
        conversation_id: ConversationId,
    },
    ConversationClosed {
        conversation_id: ConversationId,
        reason: EndReason,
    },
    UnreadCountChanged {
        count: u32,
    },
    /// An agent, bot or system message arrived (never the echo of the visitor's own).
    /// Boxed: a message is much larger than every other notification.
    MessageReceived {
        message: Box<Message>,
    },
    /// The team's availability as the server reports it changed.
    AvailabilityHint {
        team_available: bool,
    },
    /// The visitor clicked a bot's quick-reply button carrying `value`.
    QuickReplyClicked {
        value: String,
    },
    /// Text for the `aria-live` region.
    Announce(String),
    /// The server confirmed a transcript will be e-mailed to `email`.
    TranscriptRequested {
        email: String,
    },
    /// The server refused the transcript request (too many, or another address).
    TranscriptRefused {
        code: ErrorCode,
    },
}

/// Collects the effects of one `apply`, keeping `Persist` single and last.
#[derive(Debug, Default)]
pub(crate) struct Effects {
    list: Vec<Effect>,
    persist: bool,
}

impl Effects {
    pub(crate) fn push(&mut self, effect: Effect) {
        self.list.push(effect);
    }

    pub(crate) fn send(&mut self, command: ClientCommand) {
        self.list.push(Effect::Send(command));
    }

    pub(crate) fn notify(&mut self, notification: Notification) {
        self.list.push(Effect::Notify(notification));
    }

    pub(crate) fn persist(&mut self) {
        self.persist = true;
    }

    pub(crate) fn finish(mut self) -> Vec<Effect> {
        if self.persist {
            self.list.push(Effect::Persist);
        }
        self.list
    }
}
