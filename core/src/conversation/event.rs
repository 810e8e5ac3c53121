//! Everything that can happen to a conversation, as the widget reports it.
//!
//! Invariants: events carry their own time (`now`) and ids (`client_id`), generated
//! by the caller, so applying the same events to the same state always gives the
//! same state and effects.

use crate::protocol::{Attachment, ClientId, ServerEvent};
use crate::time::UnixMillis;

/// An input to [`ChatState::apply`](super::ChatState::apply).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChatEvent {
    /// The visitor sent the composer's content. `attachments` are already uploaded.
    /// Whitespace-only text without attachments is ignored; text is trimmed.
    Submit {
        client_id: ClientId,
        text: String,
        attachments: Vec<Attachment>,
        now: UnixMillis,
    },
    /// The visitor clicked a quick-reply button: sent like a message whose text is the
    /// label, with `quick_reply` = value. Allowed even when the composer is disabled.
    QuickReply {
        client_id: ClientId,
        label: String,
        value: String,
        now: UnixMillis,
    },
    /// The visitor asked to retry a failed message.
    Retry {
        client_id: ClientId,
        now: UnixMillis,
    },
    /// The ack timer armed by [`Effect::ArmAckTimer`](super::Effect::ArmAckTimer) fired.
    AckTimeout {
        client_id: ClientId,
        now: UnixMillis,
    },
    /// The transport is connected and has said `hello` (and received `welcome`).
    Connected {
        now: UnixMillis,
    },
    /// The transport lost its connection.
    Disconnected,
    /// A decoded frame from the server, with the local instant it arrived.
    Server(ServerEvent, UnixMillis),
    WindowOpened,
    WindowClosed,
    /// The page became visible (`true`) or hidden (`false`), from `visibilitychange`.
    PageVisible(bool),
    /// After the conversation ended, the visitor starts a new one.
    StartNewChat,
    /// A keystroke in the composer.
    VisitorTyping {
        now: UnixMillis,
    },
    /// The visitor asked for the transcript by e-mail.
    RequestTranscript {
        email: String,
    },
    /// The host page's URL, sent along with the next messages (single-page apps
    /// report each navigation).
    PageChanged {
        url: String,
    },
}
