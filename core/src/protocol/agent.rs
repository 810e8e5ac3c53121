//! Frames between the agent inbox and the server, over the agent WebSocket.
//!
//! Invariants:
//! - like the visitor frames, each direction is one enum tagged by `"type"`
//!   ([`AgentCommand`] inbox → server, [`AgentEvent`] server → inbox) with a checked
//!   `decode` and an `encode` that are inverse for every frame within the limits;
//! - `decode` never panics: anything malformed or over the [`limits`](super::limits)
//!   is a [`DecodeError`] naming the field, the same reader the visitor frames use;
//! - messages are the visitor protocol's [`WireMessage`], so a conversation looks the
//!   same to the agent as to the visitor, `seq` included;
//! - `client_id` on an agent's `send_message` is an idempotency key per agent, as it is
//!   per visitor: a repeated id is acknowledged again and stored once.

use serde::{Deserialize, Serialize};

use super::decode::{parse_json, tagged, DecodeError, Obj};
use super::error_code::ErrorCode;
use super::ids::{ClientId, ConversationId, MessageId};
use super::limits::{
    MAX_ATTACHMENTS, MAX_EMAIL_CHARS, MAX_ERROR_MESSAGE_CHARS, MAX_HISTORY_MESSAGES,
    MAX_LABEL_CHARS, MAX_TEXT_CHARS, MAX_URL_CHARS,
};
use super::message::{AttachmentRef, EndReason, WireMessage};
use crate::time::UnixMillis;

/// Most conversations in one `conversations` list; the inbox shows the most recent.
pub const MAX_LISTED_CONVERSATIONS: usize = 500;
/// Most agents in a team list.
pub const MAX_TEAM_AGENTS: usize = 200;

/// Whether an agent takes chats now. Only an `available` agent with an open inbox
/// socket makes the team available to visitors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentStatus {
    Available,
    Away,
}

impl AgentStatus {
    /// The wire spelling, `"available"` or `"away"`.
    pub fn parse(s: &str) -> Option<AgentStatus> {
        match s {
            "available" => Some(AgentStatus::Available),
            "away" => Some(AgentStatus::Away),
            _ => None,
        }
    }

    /// The wire (and storage) spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AgentStatus::Available => "available",
            AgentStatus::Away => "away",
        }
    }
}

/// Whether a conversation still takes messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationStatus {
    Open,
    Ended,
}

impl ConversationStatus {
    /// The wire (and storage) spelling, `"open"` or `"ended"`.
    pub fn parse(s: &str) -> Option<ConversationStatus> {
        match s {
            "open" => Some(ConversationStatus::Open),
            "ended" => Some(ConversationStatus::Ended),
            _ => None,
        }
    }

    /// The wire (and storage) spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ConversationStatus::Open => "open",
            ConversationStatus::Ended => "ended",
        }
    }
}

/// One member of the team as the inbox shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentInfo {
    pub id: String,
    pub name: String,
    pub email: String,
    pub status: AgentStatus,
    /// Has at least one inbox socket open right now.
    pub online: bool,
}

impl AgentInfo {
    fn from_obj(o: &Obj<'_>) -> Result<AgentInfo, DecodeError> {
        Ok(AgentInfo {
            id: o.id("id")?,
            name: o.string("name", MAX_LABEL_CHARS)?,
            email: o.string("email", MAX_EMAIL_CHARS)?,
            status: o.word("status", AgentStatus::parse, "one of \"available\", \"away\"")?,
            online: o.bool("online")?,
        })
    }
}

/// One line of the inbox's conversation list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationSummary {
    pub id: ConversationId,
    pub visitor_id: String,
    pub status: ConversationStatus,
    /// Set exactly when `status` is `ended`.
    pub end_reason: Option<EndReason>,
    /// The page the visitor started the chat on.
    pub page_url: String,
    /// The agent id it is assigned to, if any.
    pub assignee: Option<String>,
    /// Visitor messages after the last one an agent marked read.
    pub unread: u64,
    /// The `seq` of the newest message (0 when there is none).
    pub last_seq: u64,
    /// Start of the newest message's text, for the list.
    pub preview: String,
    pub created_at: UnixMillis,
    pub last_activity_at: UnixMillis,
}

impl ConversationSummary {
    fn from_obj(o: &Obj<'_>) -> Result<ConversationSummary, DecodeError> {
        let end_reason = match o.opt_string("end_reason", MAX_LABEL_CHARS)? {
            None => None,
            Some(_) => Some(o.word(
                "end_reason",
                EndReason::parse,
                "one of \"agent\", \"inactivity\", \"bot\"",
            )?),
        };
        Ok(ConversationSummary {
            id: o.id("id")?,
            visitor_id: o.id("visitor_id")?,
            status: o.word("status", ConversationStatus::parse, "one of \"open\", \"ended\"")?,
            end_reason,
            page_url: o.string("page_url", MAX_URL_CHARS)?,
            assignee: o.opt_id("assignee")?,
            unread: o.u64("unread")?,
            last_seq: o.u64("last_seq")?,
            preview: o.string("preview", MAX_TEXT_CHARS)?,
            created_at: o.i64("created_at")?,
            last_activity_at: o.i64("last_activity_at")?,
        })
    }
}

/// Inbox → server frame, JSON `{"type": "<snake_case name>", ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AgentCommand {
    /// Asks for the conversation list, answered by `conversations`.
    ListConversations,
    /// Asks for one conversation with its messages, answered by `conversation`.
    OpenConversation { conversation_id: ConversationId },
    /// Assigns a conversation to an agent (the sender's own id to take it), or
    /// unassigns it with `agent_id: null`.
    Assign { conversation_id: ConversationId, agent_id: Option<String> },
    /// A reply to the visitor; acknowledged by `ack` once stored.
    SendMessage {
        conversation_id: ConversationId,
        client_id: ClientId,
        text: String,
        attachments: Vec<AttachmentRef>,
    },
    /// The agent is (or stopped) typing; relayed to the visitor.
    Typing { conversation_id: ConversationId, typing: bool },
    /// The agent has read the visitor's messages up to `up_to_seq`.
    MarkRead { conversation_id: ConversationId, up_to_seq: u64 },
    /// Sets the sender's own status.
    SetStatus { status: AgentStatus },
    /// Marks the conversation closed; the visitor is told with reason `agent`.
    CloseConversation { conversation_id: ConversationId },
    /// E-mails the conversation's transcript to `email`.
    SendTranscript { conversation_id: ConversationId, email: String },
    /// Keep-alive; answered by `pong`.
    Ping { nonce: u64 },
}

impl AgentCommand {
    /// Reads one inbox frame from JSON text.
    ///
    /// # Example
    /// ```
    /// use sitechat_core::protocol::agent::{AgentCommand, AgentStatus};
    /// let c = AgentCommand::decode(r#"{"type":"set_status","status":"away"}"#);
    /// assert_eq!(c, Ok(AgentCommand::SetStatus { status: AgentStatus::Away }));
    ///
    /// let err = AgentCommand::decode(r#"{"type":"set_status","status":"busy"}"#).unwrap_err();
    /// assert_eq!(err.to_string(), r#"set_status.status: expected one of "available", "away""#);
    /// ```
    pub fn decode(text: &str) -> Result<AgentCommand, DecodeError> {
        let value = parse_json(text)?;
        let (kind, o) = tagged(&value)?;
        match kind {
            "list_conversations" => Ok(AgentCommand::ListConversations),
            "open_conversation" => {
                Ok(AgentCommand::OpenConversation { conversation_id: o.id("conversation_id")? })
            }
            "assign" => Ok(AgentCommand::Assign {
                conversation_id: o.id("conversation_id")?,
                agent_id: o.opt_id("agent_id")?,
            }),
            "send_message" => Ok(AgentCommand::SendMessage {
                conversation_id: o.id("conversation_id")?,
                client_id: o.id("client_id")?,
                text: o.string("text", MAX_TEXT_CHARS)?,
                attachments: o.list("attachments", MAX_ATTACHMENTS, AttachmentRef::from_obj)?,
            }),
            "typing" => Ok(AgentCommand::Typing {
                conversation_id: o.id("conversation_id")?,
                typing: o.bool("typing")?,
            }),
            "mark_read" => Ok(AgentCommand::MarkRead {
                conversation_id: o.id("conversation_id")?,
                up_to_seq: o.u64("up_to_seq")?,
            }),
            "set_status" => Ok(AgentCommand::SetStatus {
                status: o.word("status", AgentStatus::parse, "one of \"available\", \"away\"")?,
            }),
            "close_conversation" => {
                Ok(AgentCommand::CloseConversation { conversation_id: o.id("conversation_id")? })
            }
            "send_transcript" => Ok(AgentCommand::SendTranscript {
                conversation_id: o.id("conversation_id")?,
                email: o.string("email", MAX_EMAIL_CHARS)?,
            }),
            "ping" => Ok(AgentCommand::Ping { nonce: o.u64("nonce")? }),
            other => Err(DecodeError::unknown_type("agent command", other)),
        }
    }

    /// The frame as JSON text.
    ///
    /// # Example
    /// ```
    /// use sitechat_core::protocol::agent::AgentCommand;
    /// let c = AgentCommand::ListConversations;
    /// assert_eq!(c.encode(), r#"{"type":"list_conversations"}"#);
    /// assert_eq!(AgentCommand::decode(&c.encode()), Ok(c));
    /// ```
    pub fn encode(&self) -> String {
        super::to_json(self)
    }
}

/// Server → inbox frame, JSON `{"type": "<snake_case name>", ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AgentEvent {
    /// First frame on every agent socket: who the agent is, the team, and whether
    /// the team counts as available for visitors.
    Ready { agent: AgentInfo, team: Vec<AgentInfo>, team_available: bool },
    /// Answer to `list_conversations`: open first, then newest activity first.
    Conversations { conversations: Vec<ConversationSummary> },
    /// Answer to `open_conversation`; `complete: false` means only the newest
    /// messages are here.
    Conversation { conversation: ConversationSummary, messages: Vec<WireMessage>, complete: bool },
    /// A conversation appeared or changed (new message, assignment, closure, read);
    /// pushed to every agent.
    ConversationUpdated { conversation: ConversationSummary },
    /// A new message in a conversation, from anyone; pushed to every agent.
    Message { conversation_id: ConversationId, message: WireMessage },
    /// The agent's message `client_id` is stored at `seq`.
    Ack {
        client_id: ClientId,
        conversation_id: ConversationId,
        message_id: MessageId,
        seq: u64,
        at: UnixMillis,
    },
    /// The visitor is (or stopped) typing.
    VisitorTyping { conversation_id: ConversationId, typing: bool },
    /// Another agent is (or stopped) typing in a conversation.
    AgentTyping { conversation_id: ConversationId, agent_id: String, typing: bool },
    /// An agent's status or online state changed (the sender's own included).
    AgentUpdated { agent: AgentInfo },
    /// Whether visitors see the team as available changed.
    TeamPresence { team_available: bool },
    /// A transcript mail was queued for `email`.
    TranscriptQueued { conversation_id: ConversationId, email: String },
    /// Something went wrong; a `code` this crate does not know arrives as a custom
    /// [`ErrorCode`].
    Error { code: ErrorCode, message: String, client_id: Option<ClientId> },
    /// Answer to `ping`.
    Pong { nonce: u64 },
}

impl AgentEvent {
    /// Reads one server → inbox frame from JSON text (the inbox itself is JavaScript;
    /// this serves Rust clients and tests).
    ///
    /// # Example
    /// ```
    /// use sitechat_core::protocol::agent::AgentEvent;
    /// let e = AgentEvent::decode(r#"{"type":"team_presence","team_available":false}"#);
    /// assert_eq!(e, Ok(AgentEvent::TeamPresence { team_available: false }));
    /// assert!(AgentEvent::decode(r#"{"type":"pong"}"#).is_err());
    /// ```
    pub fn decode(text: &str) -> Result<AgentEvent, DecodeError> {
        let value = parse_json(text)?;
        let (kind, o) = tagged(&value)?;
        match kind {
            "ready" => Ok(AgentEvent::Ready {
                agent: AgentInfo::from_obj(&o.object("agent")?)?,
                team: o.list("team", MAX_TEAM_AGENTS, AgentInfo::from_obj)?,
                team_available: o.bool("team_available")?,
            }),
            "conversations" => Ok(AgentEvent::Conversations {
                conversations: o.list(
                    "conversations",
                    MAX_LISTED_CONVERSATIONS,
                    ConversationSummary::from_obj,
                )?,
            }),
            "conversation" => Ok(AgentEvent::Conversation {
                conversation: ConversationSummary::from_obj(&o.object("conversation")?)?,
                messages: o.list("messages", MAX_HISTORY_MESSAGES, WireMessage::from_obj)?,
                complete: o.bool("complete")?,
            }),
            "conversation_updated" => Ok(AgentEvent::ConversationUpdated {
                conversation: ConversationSummary::from_obj(&o.object("conversation")?)?,
            }),
            "message" => Ok(AgentEvent::Message {
                conversation_id: o.id("conversation_id")?,
                message: WireMessage::from_obj(&o.object("message")?)?,
            }),
            "ack" => Ok(AgentEvent::Ack {
                client_id: o.id("client_id")?,
                conversation_id: o.id("conversation_id")?,
                message_id: o.id("message_id")?,
                seq: o.u64("seq")?,
                at: o.i64("at")?,
            }),
            "visitor_typing" => Ok(AgentEvent::VisitorTyping {
                conversation_id: o.id("conversation_id")?,
                typing: o.bool("typing")?,
            }),
            "agent_typing" => Ok(AgentEvent::AgentTyping {
                conversation_id: o.id("conversation_id")?,
                agent_id: o.id("agent_id")?,
                typing: o.bool("typing")?,
            }),
            "agent_updated" => {
                Ok(AgentEvent::AgentUpdated { agent: AgentInfo::from_obj(&o.object("agent")?)? })
            }
            "team_presence" => {
                Ok(AgentEvent::TeamPresence { team_available: o.bool("team_available")? })
            }
            "transcript_queued" => Ok(AgentEvent::TranscriptQueued {
                conversation_id: o.id("conversation_id")?,
                email: o.string("email", MAX_EMAIL_CHARS)?,
            }),
            "error" => Ok(AgentEvent::Error {
                code: ErrorCode::from(o.string("code", MAX_LABEL_CHARS)?),
                message: o.string("message", MAX_ERROR_MESSAGE_CHARS)?,
                client_id: o.opt_id("client_id")?,
            }),
            "pong" => Ok(AgentEvent::Pong { nonce: o.u64("nonce")? }),
            other => Err(DecodeError::unknown_type("agent event", other)),
        }
    }

    /// The frame as JSON text.
    ///
    /// # Example
    /// ```
    /// use sitechat_core::protocol::agent::AgentEvent;
    /// let e = AgentEvent::Pong { nonce: 3 };
    /// assert_eq!(e.encode(), r#"{"type":"pong","nonce":3}"#);
    /// assert_eq!(AgentEvent::decode(&e.encode()), Ok(e));
    /// ```
    pub fn encode(&self) -> String {
        super::to_json(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::message::{Author, AuthorKind};

    fn summary() -> ConversationSummary {
        ConversationSummary {
            id: "c1".into(),
            visitor_id: "v1".into(),
            status: ConversationStatus::Ended,
            end_reason: Some(EndReason::Inactivity),
            page_url: "https://example.com/pricing".into(),
            assignee: Some("a1".into()),
            unread: 2,
            last_seq: 5,
            preview: "hello".into(),
            created_at: 10,
            last_activity_at: 20,
        }
    }

    fn message() -> WireMessage {
        WireMessage {
            id: "m1".into(),
            seq: 1,
            client_id: None,
            author: Author { kind: AuthorKind::Agent, name: Some("Ann".into()), avatar_url: None },
            text: "hi".into(),
            attachments: vec![],
            quick_replies: vec![],
            collect_input: true,
            at: 5,
        }
    }

    #[test]
    fn every_command_round_trips() {
        let commands = [
            AgentCommand::ListConversations,
            AgentCommand::OpenConversation { conversation_id: "c1".into() },
            AgentCommand::Assign { conversation_id: "c1".into(), agent_id: None },
            AgentCommand::Assign { conversation_id: "c1".into(), agent_id: Some("a2".into()) },
            AgentCommand::SendMessage {
                conversation_id: "c1".into(),
                client_id: "k1".into(),
                text: "hello".into(),
                attachments: vec![AttachmentRef {
                    id: "f1".into(),
                    name: "a.png".into(),
                    mime: "image/png".into(),
                    size: 3,
                }],
            },
            AgentCommand::Typing { conversation_id: "c1".into(), typing: true },
            AgentCommand::MarkRead { conversation_id: "c1".into(), up_to_seq: 4 },
            AgentCommand::SetStatus { status: AgentStatus::Available },
            AgentCommand::CloseConversation { conversation_id: "c1".into() },
            AgentCommand::SendTranscript { conversation_id: "c1".into(), email: "a@b.c".into() },
            AgentCommand::Ping { nonce: 9 },
        ];
        for c in commands {
            assert_eq!(AgentCommand::decode(&c.encode()), Ok(c));
        }
    }

    #[test]
    fn every_event_round_trips() {
        let agent = AgentInfo {
            id: "a1".into(),
            name: "Ann".into(),
            email: "ann@example.com".into(),
            status: AgentStatus::Away,
            online: true,
        };
        let events = [
            AgentEvent::Ready {
                agent: agent.clone(),
                team: vec![agent.clone()],
                team_available: false,
            },
            AgentEvent::Conversations { conversations: vec![summary()] },
            AgentEvent::Conversation {
                conversation: summary(),
                messages: vec![message()],
                complete: true,
            },
            AgentEvent::ConversationUpdated { conversation: summary() },
            AgentEvent::Message { conversation_id: "c1".into(), message: message() },
            AgentEvent::Ack {
                client_id: "k".into(),
                conversation_id: "c1".into(),
                message_id: "m".into(),
                seq: 3,
                at: 4,
            },
            AgentEvent::VisitorTyping { conversation_id: "c1".into(), typing: true },
            AgentEvent::AgentTyping {
                conversation_id: "c1".into(),
                agent_id: "a2".into(),
                typing: false,
            },
            AgentEvent::AgentUpdated { agent },
            AgentEvent::TeamPresence { team_available: true },
            AgentEvent::TranscriptQueued { conversation_id: "c1".into(), email: "a@b.c".into() },
            AgentEvent::Error { code: ErrorCode::NotFound, message: "no".into(), client_id: None },
            AgentEvent::Pong { nonce: 1 },
        ];
        for e in events {
            assert_eq!(AgentEvent::decode(&e.encode()), Ok(e));
        }
    }

    #[test]
    fn open_summary_has_no_end_reason_on_the_wire() {
        let mut s = summary();
        s.status = ConversationStatus::Open;
        s.end_reason = None;
        let text = AgentEvent::ConversationUpdated { conversation: s.clone() }.encode();
        assert!(text.contains(r#""end_reason":null"#));
        assert_eq!(
            AgentEvent::decode(&text),
            Ok(AgentEvent::ConversationUpdated { conversation: s })
        );
    }

    #[test]
    fn bad_frames_name_the_field() {
        let err = AgentCommand::decode(
            r#"{"type":"send_message","conversation_id":"c","client_id":"","text":"x"}"#,
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "send_message.client_id: must not be empty");
        let err = AgentCommand::decode(r#"{"type":"nope"}"#).unwrap_err();
        assert_eq!(err.to_string(), r#"unknown agent command type "nope""#);
        let err = AgentEvent::decode(
            r#"{"type":"conversation_updated","conversation":{"id":"c","visitor_id":"v","status":"open","end_reason":"later","page_url":"","unread":0,"last_seq":0,"preview":"","created_at":1,"last_activity_at":1}}"#,
        )
        .unwrap_err();
        assert_eq!(err.path(), "conversation_updated.conversation.end_reason");
        assert!(AgentCommand::decode("[1]").is_err());
    }

    #[test]
    fn oversized_text_is_refused() {
        let text = "x".repeat(MAX_TEXT_CHARS + 1);
        let frame = format!(
            r#"{{"type":"send_message","conversation_id":"c","client_id":"k","text":"{text}"}}"#
        );
        let err = AgentCommand::decode(&frame).unwrap_err();
        assert_eq!(err.path(), "send_message.text");
    }
}
