//! The values shared by several frames: messages, their authors, attachments and
//! quick replies, and why a conversation ended.
//!
//! Invariants:
//! - these types derive `Serialize`/`Deserialize` so the widget can persist them as
//!   part of its state, but frames from the wire are read only through the checked
//!   `from_obj` readers here, which apply the [`limits`](super::limits);
//! - text is plain text: nothing here is ever HTML, and the widget renders it as text;
//! - a message's `seq` is its position in its conversation, counting from 1 with no
//!   gaps over every message the visitor may see (see `docs/protocol.md`).

use serde::{Deserialize, Serialize};

use super::decode::{DecodeError, Obj};
use super::ids::{ClientId, MessageId};
use super::limits::{
    MAX_ATTACHMENTS, MAX_LABEL_CHARS, MAX_QUICK_REPLIES, MAX_TEXT_CHARS, MAX_URL_CHARS,
};
use crate::time::UnixMillis;

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthorKind {
    /// The person using the widget.
    Visitor,
    /// A human answering from the inbox.
    Agent,
    /// An automated chatflow.
    Bot,
    /// The platform itself ("Alice joined the chat").
    System,
}

impl AuthorKind {
    /// The wire spelling, `"visitor"` … `"system"`.
    pub fn parse(s: &str) -> Option<AuthorKind> {
        match s {
            "visitor" => Some(AuthorKind::Visitor),
            "agent" => Some(AuthorKind::Agent),
            "bot" => Some(AuthorKind::Bot),
            "system" => Some(AuthorKind::System),
            _ => None,
        }
    }
}

/// The author of a message as the widget shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    pub kind: AuthorKind,
    /// Display name; `None` lets the widget fall back to the chat profile's name.
    pub name: Option<String>,
    pub avatar_url: Option<String>,
}

impl Author {
    /// The visitor, who needs no name or avatar in their own widget.
    pub fn visitor() -> Author {
        Author { kind: AuthorKind::Visitor, name: None, avatar_url: None }
    }

    pub(crate) fn from_obj(o: &Obj<'_>) -> Result<Author, DecodeError> {
        Ok(Author {
            kind: o.word(
                "kind",
                AuthorKind::parse,
                "one of \"visitor\", \"agent\", \"bot\", \"system\"",
            )?,
            name: o.opt_string("name", MAX_LABEL_CHARS)?,
            avatar_url: o.opt_string("avatar_url", MAX_URL_CHARS)?,
        })
    }
}

/// A file already stored by the backend, as the visitor's message refers to it.
///
/// Uploading happens outside this protocol (the transport's upload call returns an
/// [`Attachment`]); the message carries only the reference. Name, type and size ride
/// along so a server can refuse an oversized file (`too_large`) without a lookup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentRef {
    pub id: String,
    pub name: String,
    pub mime: String,
    pub size: u64,
}

impl AttachmentRef {
    pub(crate) fn from_obj(o: &Obj<'_>) -> Result<AttachmentRef, DecodeError> {
        Ok(AttachmentRef {
            id: o.id("id")?,
            name: o.string("name", MAX_LABEL_CHARS)?,
            mime: o.string("mime", MAX_LABEL_CHARS)?,
            size: o.u64("size")?,
        })
    }
}

impl From<&Attachment> for AttachmentRef {
    fn from(a: &Attachment) -> AttachmentRef {
        AttachmentRef { id: a.id.clone(), name: a.name.clone(), mime: a.mime.clone(), size: a.size }
    }
}

/// A file attached to a message, with the URL the widget may show or link to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: String,
    pub name: String,
    pub mime: String,
    /// Bytes.
    pub size: u64,
    pub url: String,
}

impl Attachment {
    pub(crate) fn from_obj(o: &Obj<'_>) -> Result<Attachment, DecodeError> {
        Ok(Attachment {
            id: o.id("id")?,
            name: o.string("name", MAX_LABEL_CHARS)?,
            mime: o.string("mime", MAX_LABEL_CHARS)?,
            size: o.u64("size")?,
            url: o.string("url", MAX_URL_CHARS)?,
        })
    }
}

/// A button under a bot message; clicking it sends `label` as text and `value` as
/// the `quick_reply` of the visitor's message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuickReply {
    pub label: String,
    pub value: String,
}

impl QuickReply {
    pub(crate) fn from_obj(o: &Obj<'_>) -> Result<QuickReply, DecodeError> {
        Ok(QuickReply {
            label: o.string("label", MAX_LABEL_CHARS)?,
            value: o.string("value", MAX_LABEL_CHARS)?,
        })
    }
}

/// One message as the server stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireMessage {
    /// Server-assigned id, unique within the backend.
    pub id: MessageId,
    /// Position in the conversation, from 1, without gaps.
    pub seq: u64,
    /// The visitor's client id when the visitor wrote it, so the widget can match its
    /// echo to the message it already shows.
    pub client_id: Option<ClientId>,
    pub author: Author,
    pub text: String,
    pub attachments: Vec<Attachment>,
    pub quick_replies: Vec<QuickReply>,
    /// `false` on a bot message means the visitor cannot type back (the composer is
    /// disabled); absent on the wire means `true`.
    pub collect_input: bool,
    pub at: UnixMillis,
}

impl WireMessage {
    pub(crate) fn from_obj(o: &Obj<'_>) -> Result<WireMessage, DecodeError> {
        Ok(WireMessage {
            id: o.id("id")?,
            seq: o.u64("seq")?,
            client_id: o.opt_id("client_id")?,
            author: Author::from_obj(&o.object("author")?)?,
            text: o.string("text", MAX_TEXT_CHARS)?,
            attachments: o.list("attachments", MAX_ATTACHMENTS, Attachment::from_obj)?,
            quick_replies: o.list("quick_replies", MAX_QUICK_REPLIES, QuickReply::from_obj)?,
            collect_input: o.bool_or("collect_input", true)?,
            at: o.i64("at")?,
        })
    }
}

/// Why a conversation ended (the three ways the product knows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// An agent marked it closed.
    Agent,
    /// The visitor was inactive longer than the configured timeout.
    Inactivity,
    /// A bot without "collect input" finished its flow.
    Bot,
}

impl EndReason {
    /// The wire spelling, `"agent"`, `"inactivity"` or `"bot"`.
    pub fn parse(s: &str) -> Option<EndReason> {
        match s {
            "agent" => Some(EndReason::Agent),
            "inactivity" => Some(EndReason::Inactivity),
            "bot" => Some(EndReason::Bot),
            _ => None,
        }
    }

    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::Agent => "agent",
            EndReason::Inactivity => "inactivity",
            EndReason::Bot => "bot",
        }
    }
}
