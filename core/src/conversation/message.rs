//! A message as the widget shows it, including the visitor's own unconfirmed ones.
//!
//! Invariants:
//! - `delivery` is `Some` exactly for messages this widget wrote (they have a
//!   `client_id`) and for visitor messages written elsewhere (always `Sent`);
//! - `seq` and `id` are `None` only while a message of ours is not yet acknowledged;
//!   once `Sent`, `id`/`seq` equal the ones inside [`Delivery::Sent`].

use serde::{Deserialize, Serialize};

use crate::protocol::{
    Attachment, Author, AuthorKind, ClientId, ErrorCode, MessageId, QuickReply, WireMessage,
};
use crate::time::UnixMillis;

/// One entry of the conversation view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// The server's id, once known.
    pub id: Option<MessageId>,
    /// The id this widget gave its own message; also present on echoes of it.
    pub client_id: Option<ClientId>,
    /// Position in the conversation, once known.
    pub seq: Option<u64>,
    pub author: Author,
    pub text: String,
    pub attachments: Vec<Attachment>,
    pub quick_replies: Vec<QuickReply>,
    /// `false` on a bot message: the visitor cannot type back.
    pub collect_input: bool,
    /// When it was written: the local instant until the server's acknowledgement
    /// replaces it with the stored one.
    pub at: UnixMillis,
    /// Delivery state of a visitor message; `None` for the team's messages.
    pub delivery: Option<Delivery>,
}

/// Where a visitor message stands on its way to the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Delivery {
    /// Shown at once and queued or in flight; keeps being retried.
    Sending,
    /// Stored by the server.
    Sent { message_id: MessageId, seq: u64 },
    /// Given up for now; the visitor may retry it (it stays in the outbox).
    Failed { reason: FailReason },
}

/// Why a visitor message is [`Delivery::Failed`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FailReason {
    /// The server (or the local limit check, with code `too_large`) refused it.
    Rejected { code: ErrorCode, message: String },
    /// No acknowledgement after every resend.
    NoAck,
    /// The conversation ended before the server acknowledged it.
    ConversationEnded,
}

impl Message {
    /// A key that stays the same across the message's life (before and after the
    /// acknowledgement), for keyed rendering.
    ///
    /// # Example
    /// ```
    /// use sitechat_core::conversation::{ChatEvent, ChatState};
    /// let mut chat = ChatState::new();
    /// chat.apply(ChatEvent::Submit { client_id: "k1".into(), text: "Hi".into(), attachments: vec![], now: 0 });
    /// assert_eq!(chat.messages()[0].key(), "k1");
    /// ```
    pub fn key(&self) -> &str {
        self.client_id.as_deref().or(self.id.as_deref()).unwrap_or("")
    }

    /// Whether the visitor wrote it (here or in another tab).
    pub fn is_from_visitor(&self) -> bool {
        self.author.kind == AuthorKind::Visitor
    }

    /// Whether an agent or a bot wrote it: what counts as unread.
    pub fn is_from_team(&self) -> bool {
        matches!(self.author.kind, AuthorKind::Agent | AuthorKind::Bot)
    }

    /// A visitor message still queued or in flight.
    pub fn is_sending(&self) -> bool {
        matches!(self.delivery, Some(Delivery::Sending))
    }

    /// A visitor message the visitor may retry.
    pub fn is_failed(&self) -> bool {
        matches!(self.delivery, Some(Delivery::Failed { .. }))
    }

    pub(crate) fn from_wire(w: WireMessage) -> Message {
        let delivery = (w.author.kind == AuthorKind::Visitor)
            .then(|| Delivery::Sent { message_id: w.id.clone(), seq: w.seq });
        Message {
            id: Some(w.id),
            client_id: w.client_id,
            seq: Some(w.seq),
            author: w.author,
            text: w.text,
            attachments: w.attachments,
            quick_replies: w.quick_replies,
            collect_input: w.collect_input,
            at: w.at,
            delivery,
        }
    }

    /// The sentence a screen reader hears when this message arrives.
    pub(crate) fn announcement(&self) -> String {
        let body = if self.text.trim().is_empty() {
            self.attachments.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", ")
        } else {
            self.text.clone()
        };
        match &self.author.name {
            Some(name) => format!("{name}: {body}"),
            None => body,
        }
    }
}
