//! Frames the visitor's widget sends to the server.
//!
//! Invariants:
//! - `encode` and `decode` are inverse: `ClientCommand::decode(&c.encode()) == Ok(c)`
//!   for every command within the limits;
//! - `decode` never panics and refuses anything over the [`limits`](super::limits);
//! - `client_id` on `send_message` is the idempotency key: the server acknowledges a
//!   repeated client id with the original `ack` and never stores a second copy.

use serde::Serialize;

use super::decode::{parse_json, tagged, DecodeError, Obj};
use super::ids::{ClientId, ConversationId};
use super::limits::{
    MAX_ATTACHMENTS, MAX_EMAIL_CHARS, MAX_LABEL_CHARS, MAX_RESUME_POINTS, MAX_TEXT_CHARS,
    MAX_URL_CHARS,
};
use super::message::AttachmentRef;

/// Visitor → server frame, JSON `{"type": "<snake_case name>", ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientCommand {
    /// First frame on every connection. `session_token` is `None` for a new visitor;
    /// `resume` asks for what was missed in each listed conversation.
    Hello {
        session_token: Option<String>,
        /// Always [`PROTOCOL_VERSION`](super::PROTOCOL_VERSION) from this widget.
        protocol: u32,
        page_url: String,
        locale: String,
        resume: Vec<ResumePoint>,
    },
    /// A visitor message. `conversation_id: None` starts a new conversation.
    SendMessage {
        conversation_id: Option<ConversationId>,
        client_id: ClientId,
        text: String,
        attachments: Vec<AttachmentRef>,
        /// The `value` of the quick reply the visitor clicked, if that is what this is.
        quick_reply: Option<String>,
        page_url: Option<String>,
    },
    /// Asks for every message after `after_seq`, answered by `history`.
    CatchUp { conversation_id: ConversationId, after_seq: u64 },
    /// The visitor is (or stopped) typing.
    Typing { conversation_id: ConversationId, typing: bool },
    /// The visitor has seen everything up to `up_to_seq`.
    MarkRead { conversation_id: ConversationId, up_to_seq: u64 },
    /// E-mail the conversation's transcript to `email`.
    RequestTranscript { conversation_id: ConversationId, email: String },
    /// Keep-alive; answered by `pong` with the same nonce.
    Ping { nonce: u64 },
}

/// One conversation to catch up on in `hello`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResumePoint {
    pub conversation_id: ConversationId,
    pub after_seq: u64,
}

impl ClientCommand {
    /// Reads one visitor frame from JSON text.
    ///
    /// # Example
    /// ```
    /// use sitechat_core::protocol::ClientCommand;
    /// let c = ClientCommand::decode(r#"{"type":"ping","nonce":7}"#);
    /// assert_eq!(c, Ok(ClientCommand::Ping { nonce: 7 }));
    ///
    /// let err = ClientCommand::decode(r#"{"type":"typing","conversation_id":"c1"}"#).unwrap_err();
    /// assert_eq!(err.to_string(), "typing.typing: missing");
    /// ```
    pub fn decode(text: &str) -> Result<ClientCommand, DecodeError> {
        let value = parse_json(text)?;
        let (kind, o) = tagged(&value)?;
        match kind {
            "hello" => Ok(ClientCommand::Hello {
                session_token: o.opt_id("session_token")?,
                protocol: o.u32("protocol")?,
                page_url: o.string("page_url", MAX_URL_CHARS)?,
                locale: o.string("locale", MAX_LABEL_CHARS)?,
                resume: o.list("resume", MAX_RESUME_POINTS, ResumePoint::from_obj)?,
            }),
            "send_message" => Ok(ClientCommand::SendMessage {
                conversation_id: o.opt_id("conversation_id")?,
                client_id: o.id("client_id")?,
                text: o.string("text", MAX_TEXT_CHARS)?,
                attachments: o.list("attachments", MAX_ATTACHMENTS, AttachmentRef::from_obj)?,
                quick_reply: o.opt_string("quick_reply", MAX_LABEL_CHARS)?,
                page_url: o.opt_string("page_url", MAX_URL_CHARS)?,
            }),
            "catch_up" => Ok(ClientCommand::CatchUp {
                conversation_id: o.id("conversation_id")?,
                after_seq: o.u64("after_seq")?,
            }),
            "typing" => Ok(ClientCommand::Typing {
                conversation_id: o.id("conversation_id")?,
                typing: o.bool("typing")?,
            }),
            "mark_read" => Ok(ClientCommand::MarkRead {
                conversation_id: o.id("conversation_id")?,
                up_to_seq: o.u64("up_to_seq")?,
            }),
            "request_transcript" => Ok(ClientCommand::RequestTranscript {
                conversation_id: o.id("conversation_id")?,
                email: o.string("email", MAX_EMAIL_CHARS)?,
            }),
            "ping" => Ok(ClientCommand::Ping { nonce: o.u64("nonce")? }),
            other => Err(DecodeError::unknown_type("command", other)),
        }
    }

    /// The frame as JSON text.
    ///
    /// # Example
    /// ```
    /// use sitechat_core::protocol::ClientCommand;
    /// let ping = ClientCommand::Ping { nonce: 7 };
    /// assert_eq!(ping.encode(), r#"{"type":"ping","nonce":7}"#);
    /// assert_eq!(ClientCommand::decode(&ping.encode()), Ok(ping));
    /// ```
    pub fn encode(&self) -> String {
        super::to_json(self)
    }

    /// The frame's `type` name, for logs.
    pub fn type_name(&self) -> &'static str {
        match self {
            ClientCommand::Hello { .. } => "hello",
            ClientCommand::SendMessage { .. } => "send_message",
            ClientCommand::CatchUp { .. } => "catch_up",
            ClientCommand::Typing { .. } => "typing",
            ClientCommand::MarkRead { .. } => "mark_read",
            ClientCommand::RequestTranscript { .. } => "request_transcript",
            ClientCommand::Ping { .. } => "ping",
        }
    }
}

impl ResumePoint {
    fn from_obj(o: &Obj<'_>) -> Result<ResumePoint, DecodeError> {
        Ok(ResumePoint {
            conversation_id: o.id("conversation_id")?,
            after_seq: o.u64("after_seq")?,
        })
    }
}
