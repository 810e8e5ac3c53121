//! Frames the server sends to the visitor's widget.
//!
//! Invariants:
//! - `encode` and `decode` are inverse: `ServerEvent::decode(&e.encode()) == Ok(e)`
//!   for every event within the limits;
//! - `decode` never panics and refuses anything over the [`limits`](super::limits);
//! - `history.messages` is in ascending `seq` order as sent, but the widget does not
//!   rely on it: it places every message by `seq` itself.

use serde::Serialize;

use super::decode::{parse_json, tagged, DecodeError};
use super::error_code::ErrorCode;
use super::ids::{ClientId, ConversationId, MessageId};
use super::limits::{
    MAX_EMAIL_CHARS, MAX_ERROR_MESSAGE_CHARS, MAX_HISTORY_MESSAGES, MAX_LABEL_CHARS,
};
use super::message::{EndReason, WireMessage};
use crate::time::UnixMillis;

/// Server → visitor frame, JSON `{"type": "<snake_case name>", ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerEvent {
    /// Answer to `hello`: the session to store and present next time.
    Welcome {
        session_token: String,
        visitor_id: String,
        team_available: bool,
        server_time: UnixMillis,
    },
    /// The message with `client_id` created `conversation_id`.
    ConversationStarted { conversation_id: ConversationId, client_id: ClientId },
    /// The visitor's message `client_id` is stored as `message_id` at `seq`.
    Ack {
        client_id: ClientId,
        conversation_id: ConversationId,
        message_id: MessageId,
        seq: u64,
        at: UnixMillis,
    },
    /// A new message in a conversation (including the echo of the visitor's own).
    Message { conversation_id: ConversationId, message: WireMessage },
    /// Answer to `catch_up` (or `hello.resume`): messages after the asked seq, in seq
    /// order; `complete: false` means more follow, ask again after the last one.
    History { conversation_id: ConversationId, messages: Vec<WireMessage>, complete: bool },
    /// Someone on the team is (or stopped) typing.
    Typing { conversation_id: ConversationId, author_name: Option<String>, typing: bool },
    /// Whether at least one agent is available, for `team_status` availability.
    Presence { team_available: bool },
    /// The conversation is over; the widget offers to start a new one.
    ConversationEnded { conversation_id: ConversationId, reason: EndReason },
    /// Confirms a `request_transcript`.
    TranscriptRequested { conversation_id: ConversationId, email: String },
    /// Something went wrong; `client_id` names the visitor message it concerns, if any.
    /// A `code` this crate does not know arrives as a custom [`ErrorCode`]; treat it
    /// like `bad_request`.
    Error { code: ErrorCode, message: String, client_id: Option<ClientId> },
    /// Answer to `ping`.
    Pong { nonce: u64 },
    /// The team has read the conversation up to `up_to_seq` (a backend that knows read
    /// receipts, such as a Matrix homeserver, sends it; the widget shows "Seen").
    Read { conversation_id: String, up_to_seq: u64 },
}

impl ServerEvent {
    /// Reads one server frame from JSON text.
    ///
    /// # Example
    /// ```
    /// use sitechat_core::protocol::ServerEvent;
    /// let e = ServerEvent::decode(r#"{"type":"presence","team_available":true}"#);
    /// assert_eq!(e, Ok(ServerEvent::Presence { team_available: true }));
    ///
    /// let err = ServerEvent::decode(r#"{"type":"foo"}"#).unwrap_err();
    /// assert_eq!(err.to_string(), r#"unknown event type "foo""#);
    /// ```
    pub fn decode(text: &str) -> Result<ServerEvent, DecodeError> {
        let value = parse_json(text)?;
        let (kind, o) = tagged(&value)?;
        match kind {
            "welcome" => Ok(ServerEvent::Welcome {
                session_token: o.id("session_token")?,
                visitor_id: o.id("visitor_id")?,
                team_available: o.bool("team_available")?,
                server_time: o.i64("server_time")?,
            }),
            "conversation_started" => Ok(ServerEvent::ConversationStarted {
                conversation_id: o.id("conversation_id")?,
                client_id: o.id("client_id")?,
            }),
            "ack" => Ok(ServerEvent::Ack {
                client_id: o.id("client_id")?,
                conversation_id: o.id("conversation_id")?,
                message_id: o.id("message_id")?,
                seq: o.u64("seq")?,
                at: o.i64("at")?,
            }),
            "message" => Ok(ServerEvent::Message {
                conversation_id: o.id("conversation_id")?,
                message: WireMessage::from_obj(&o.object("message")?)?,
            }),
            "history" => Ok(ServerEvent::History {
                conversation_id: o.id("conversation_id")?,
                messages: o.list("messages", MAX_HISTORY_MESSAGES, WireMessage::from_obj)?,
                complete: o.bool("complete")?,
            }),
            "typing" => Ok(ServerEvent::Typing {
                conversation_id: o.id("conversation_id")?,
                author_name: o.opt_string("author_name", MAX_LABEL_CHARS)?,
                typing: o.bool("typing")?,
            }),
            "presence" => Ok(ServerEvent::Presence { team_available: o.bool("team_available")? }),
            "conversation_ended" => Ok(ServerEvent::ConversationEnded {
                conversation_id: o.id("conversation_id")?,
                reason: o.word(
                    "reason",
                    EndReason::parse,
                    "one of \"agent\", \"inactivity\", \"bot\"",
                )?,
            }),
            "transcript_requested" => Ok(ServerEvent::TranscriptRequested {
                conversation_id: o.id("conversation_id")?,
                email: o.string("email", MAX_EMAIL_CHARS)?,
            }),
            "error" => Ok(ServerEvent::Error {
                code: ErrorCode::from(o.string("code", MAX_LABEL_CHARS)?),
                message: o.string("message", MAX_ERROR_MESSAGE_CHARS)?,
                client_id: o.opt_id("client_id")?,
            }),
            "pong" => Ok(ServerEvent::Pong { nonce: o.u64("nonce")? }),
            "read" => Ok(ServerEvent::Read {
                conversation_id: o.id("conversation_id")?,
                up_to_seq: o.u64("up_to_seq")?,
            }),
            other => Err(DecodeError::unknown_type("event", other)),
        }
    }

    /// The frame as JSON text.
    ///
    /// # Example
    /// ```
    /// use sitechat_core::protocol::ServerEvent;
    /// let pong = ServerEvent::Pong { nonce: 7 };
    /// assert_eq!(pong.encode(), r#"{"type":"pong","nonce":7}"#);
    /// assert_eq!(ServerEvent::decode(&pong.encode()), Ok(pong));
    /// ```
    pub fn encode(&self) -> String {
        super::to_json(self)
    }

    /// The frame's `type` name, for logs.
    pub fn type_name(&self) -> &'static str {
        match self {
            ServerEvent::Welcome { .. } => "welcome",
            ServerEvent::ConversationStarted { .. } => "conversation_started",
            ServerEvent::Ack { .. } => "ack",
            ServerEvent::Message { .. } => "message",
            ServerEvent::History { .. } => "history",
            ServerEvent::Typing { .. } => "typing",
            ServerEvent::Presence { .. } => "presence",
            ServerEvent::ConversationEnded { .. } => "conversation_ended",
            ServerEvent::TranscriptRequested { .. } => "transcript_requested",
            ServerEvent::Error { .. } => "error",
            ServerEvent::Pong { .. } => "pong",
            ServerEvent::Read { .. } => "read",
        }
    }
}
