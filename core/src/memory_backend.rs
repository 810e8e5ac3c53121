//! A complete chat backend held in memory, speaking the visitor protocol.
//!
//! The in-memory transport (tests, the demo page) and the core's own tests use it as
//! "the server": it issues session tokens, creates conversations, numbers messages,
//! acknowledges and de-duplicates by client id, answers catch-up, and lets a script play
//! the agent or a bot. It follows the same rules as the reference server so that the
//! widget's delivery guarantees are exercised against real behaviour, not a mock.
//!
//! Invariants:
//! - pure: commands and the current instant come in, addressed events come out; there is
//!   no clock, no randomness (ids and tokens come from counters) and no I/O;
//! - a visitor only ever sees its own conversations (others are `not_found`);
//! - a client id is stored once per visitor: a repeat gets the first ack again;
//! - `seq` is strictly increasing within a conversation, starting at 1.

use std::rc::Rc;

use crate::bot::{BotInput, BotOutput, BotRun, Capture, Context, Flow};
use crate::i18n::Locale;
use crate::protocol::limits::MAX_HISTORY_MESSAGES;
use crate::protocol::{
    Attachment, Author, AuthorKind, ClientCommand, ClientId, ConversationId, EndReason, ErrorCode,
    MessageId, QuickReply, ServerEvent, WireMessage, PROTOCOL_VERSION,
};
use crate::time::UnixMillis;
use crate::vec_map::VecMap;

/// Names one open connection to the backend.
pub type ConnectionId = u32;

/// An event for one connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub to: ConnectionId,
    pub event: ServerEvent,
}

#[derive(Debug, Clone)]
struct Conversation {
    id: ConversationId,
    visitor_id: String,
    messages: Vec<WireMessage>,
    ended: Option<EndReason>,
    /// Where the bot is in this conversation, when a bot runs it.
    bot: Option<BotRun>,
}

/// The site's bot, as the backend runs it.
#[derive(Debug, Clone)]
struct BotSetup {
    /// Shared: every visitor message consults it, and a flow can be large.
    flow: Rc<Flow>,
    collect_input: bool,
}

/// A message the agent side sends (see [`MemoryBackend::agent_sends`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgentMessage {
    pub text: String,
    pub attachments: Vec<Attachment>,
    pub quick_replies: Vec<QuickReply>,
    /// `false` on a bot message that does not let the visitor type back.
    pub collect_input: bool,
}

impl AgentMessage {
    /// A plain text message.
    pub fn text(text: impl Into<String>) -> AgentMessage {
        AgentMessage { text: text.into(), collect_input: true, ..AgentMessage::default() }
    }
}

/// The whole backend state.
#[derive(Debug, Clone)]
pub struct MemoryBackend {
    counter: u64,
    connections: VecMap<ConnectionId, Option<String>>,
    next_connection: ConnectionId,
    /// session token → visitor id
    visitors: VecMap<String, String>,
    conversations: Vec<Conversation>,
    team_available: bool,
    agent: Author,
    bot: Author,
    transcripts: Vec<(ConversationId, String)>,
    /// Uploaded files by id, as the upload endpoint of a real server would keep them.
    uploads: VecMap<String, Attachment>,
    bot_setup: Option<BotSetup>,
    /// visitor id → the language their `hello` asked for (the bot speaks it).
    locales: VecMap<String, Locale>,
    /// visitor id → the e-mail address they gave the bot.
    emails: VecMap<String, String>,
}

impl MemoryBackend {
    /// A backend whose agent is called `agent_name`; the team starts available.
    ///
    /// # Example
    /// ```
    /// use sitechat_core::memory_backend::MemoryBackend;
    /// use sitechat_core::protocol::{ClientCommand, ServerEvent};
    /// let mut backend = MemoryBackend::new("Ada");
    /// let c = backend.connect();
    /// let hello = ClientCommand::Hello {
    ///     session_token: None, protocol: 1, page_url: "/".into(), locale: "en".into(), resume: vec![],
    /// };
    /// let out = backend.receive(c, hello, 0);
    /// assert!(matches!(out[0].event, ServerEvent::Welcome { .. }));
    /// ```
    pub fn new(agent_name: &str) -> MemoryBackend {
        MemoryBackend {
            counter: 0,
            connections: VecMap::new(),
            next_connection: 1,
            visitors: VecMap::new(),
            conversations: Vec::new(),
            team_available: true,
            agent: Author {
                kind: AuthorKind::Agent,
                name: Some(agent_name.to_owned()),
                avatar_url: None,
            },
            bot: Author { kind: AuthorKind::Bot, name: Some("Bot".to_owned()), avatar_url: None },
            transcripts: Vec::new(),
            uploads: VecMap::new(),
            bot_setup: None,
            locales: VecMap::new(),
            emails: VecMap::new(),
        }
    }

    /// Lets a bot run `flow` in every new conversation, as the reference server does
    /// with the site config's `bot.flow`.
    pub fn set_bot(&mut self, flow: Flow, collect_input: bool) {
        self.bot_setup = Some(BotSetup { flow: Rc::new(flow), collect_input });
    }

    /// The e-mail address `visitor_id` gave the bot, if any.
    pub fn captured_email(&self, visitor_id: &str) -> Option<&str> {
        self.emails.get(&visitor_id.to_owned()).map(String::as_str)
    }

    fn bot_context(&self, visitor_id: &str) -> Option<(Rc<Flow>, Context)> {
        let setup = self.bot_setup.as_ref()?;
        let key = visitor_id.to_owned();
        Some((
            setup.flow.clone(),
            Context {
                team_available: self.team_available,
                locale: self.locales.get(&key).copied().unwrap_or_default(),
                collect_input: setup.collect_input,
                email_known: self.emails.contains_key(&key),
            },
        ))
    }

    fn bot_message(
        &mut self,
        index: usize,
        text: String,
        quick_replies: Vec<QuickReply>,
        collect_input: bool,
        now: UnixMillis,
    ) -> WireMessage {
        let id = MessageId::from(self.next("msg-"));
        let author = self.bot.clone();
        let conversation = &mut self.conversations[index];
        let seq = conversation.messages.last().map_or(1, |m| m.seq + 1);
        let message = WireMessage {
            id,
            seq,
            client_id: None,
            author,
            text,
            attachments: Vec::new(),
            quick_replies,
            collect_input,
            at: now,
        };
        conversation.messages.push(message.clone());
        message
    }

    /// Carries out what the bot decided in conversation `index`: its lines are stored
    /// and sent to every tab of the visitor, an address is kept, an end ends it.
    fn perform_bot(
        &mut self,
        index: usize,
        outputs: Vec<BotOutput>,
        now: UnixMillis,
    ) -> Vec<Outgoing> {
        let (conversation_id, visitor_id) = {
            let c = &self.conversations[index];
            (c.id.clone(), c.visitor_id.clone())
        };
        let mut out = Vec::new();
        for output in outputs {
            match output {
                BotOutput::Say { text, quick_replies, collect_input } => {
                    let message = self.bot_message(index, text, quick_replies, collect_input, now);
                    out.extend(self.to_visitor(
                        &visitor_id,
                        ServerEvent::Message { conversation_id: conversation_id.clone(), message },
                    ));
                }
                BotOutput::Captured(Capture::Email(email)) => {
                    self.emails.insert(visitor_id.clone(), email);
                }
                BotOutput::End => {
                    self.conversations[index].ended = Some(EndReason::Bot);
                    out.extend(self.to_visitor(
                        &visitor_id,
                        ServerEvent::ConversationEnded {
                            conversation_id: conversation_id.clone(),
                            reason: EndReason::Bot,
                        },
                    ));
                }
                // No inbox here: a hand-off, a name or a question only matter to agents.
                BotOutput::Captured(_) | BotOutput::HandOff | BotOutput::NobodyAvailable => {}
            }
        }
        out
    }

    /// Changes who the agent is (kind, name, avatar) for the messages it sends from now
    /// on. The browser tests use it to put hostile names and avatar URLs on the wire.
    pub fn set_agent(&mut self, author: Author) {
        self.agent = author;
    }

    /// Records an uploaded file so that messages may refer to it by id.
    pub fn register_upload(&mut self, attachment: Attachment) {
        self.uploads.insert(attachment.id.clone(), attachment);
    }

    fn next(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}{}", self.counter)
    }

    /// Opens a connection; it must say `hello` before anything else.
    pub fn connect(&mut self) -> ConnectionId {
        let id = self.next_connection;
        self.next_connection += 1;
        self.connections.insert(id, None);
        id
    }

    /// Forgets a connection (the visitor's data stays).
    pub fn disconnect(&mut self, connection: ConnectionId) {
        self.connections.remove(&connection);
    }

    /// Whether the team is reported available.
    pub fn team_available(&self) -> bool {
        self.team_available
    }

    /// The messages of a conversation, for assertions.
    pub fn messages(&self, conversation_id: &str) -> Option<&[WireMessage]> {
        self.conversations.iter().find(|c| c.id == conversation_id).map(|c| c.messages.as_slice())
    }

    /// The id of the conversation the agent side acts on: the newest one not ended.
    pub fn current_conversation(&self) -> Option<&ConversationId> {
        self.conversations.iter().rev().find(|c| c.ended.is_none()).map(|c| &c.id)
    }

    /// Transcript requests received, as (conversation id, e-mail).
    pub fn transcripts(&self) -> &[(ConversationId, String)] {
        &self.transcripts
    }

    fn error(
        to: ConnectionId,
        code: ErrorCode,
        message: &str,
        client_id: Option<ClientId>,
    ) -> Vec<Outgoing> {
        vec![Outgoing {
            to,
            event: ServerEvent::Error { code, message: message.to_owned(), client_id },
        }]
    }

    /// Every connection of `visitor_id`.
    fn visitor_connections(&self, visitor_id: &str) -> Vec<ConnectionId> {
        self.connections
            .iter()
            .filter(|(_, v)| v.as_deref() == Some(visitor_id))
            .map(|(c, _)| *c)
            .collect()
    }

    fn to_visitor(&self, visitor_id: &str, event: ServerEvent) -> Vec<Outgoing> {
        self.visitor_connections(visitor_id)
            .into_iter()
            .map(|to| Outgoing { to, event: event.clone() })
            .collect()
    }

    fn history(
        &self,
        to: ConnectionId,
        conversation: &Conversation,
        after_seq: u64,
    ) -> Vec<Outgoing> {
        let missed: Vec<&WireMessage> =
            conversation.messages.iter().filter(|m| m.seq > after_seq).collect();
        let mut out: Vec<Outgoing> = missed
            .chunks(MAX_HISTORY_MESSAGES)
            .enumerate()
            .map(|(i, chunk)| Outgoing {
                to,
                event: ServerEvent::History {
                    conversation_id: conversation.id.clone(),
                    messages: chunk.iter().map(|m| (*m).clone()).collect(),
                    complete: (i + 1) * MAX_HISTORY_MESSAGES >= missed.len(),
                },
            })
            .collect();
        if out.is_empty() {
            out.push(Outgoing {
                to,
                event: ServerEvent::History {
                    conversation_id: conversation.id.clone(),
                    messages: Vec::new(),
                    complete: true,
                },
            });
        }
        if let Some(reason) = conversation.ended {
            out.push(Outgoing {
                to,
                event: ServerEvent::ConversationEnded {
                    conversation_id: conversation.id.clone(),
                    reason,
                },
            });
        }
        out
    }

    /// Handles one visitor frame from `from`.
    pub fn receive(
        &mut self,
        from: ConnectionId,
        command: ClientCommand,
        now: UnixMillis,
    ) -> Vec<Outgoing> {
        let Some(session) = self.connections.get(&from).cloned() else {
            return Vec::new();
        };
        let visitor_id = match (&command, session) {
            (ClientCommand::Hello { .. }, _) => String::new(),
            (_, Some(visitor_id)) => visitor_id,
            (_, None) => {
                return Self::error(from, ErrorCode::Unauthorized, "say hello first", None)
            }
        };
        match command {
            ClientCommand::Hello { session_token, protocol, resume, locale, .. } => {
                if protocol != PROTOCOL_VERSION {
                    return Self::error(
                        from,
                        ErrorCode::UnsupportedProtocol,
                        "this backend speaks protocol 1",
                        None,
                    );
                }
                let known =
                    session_token.and_then(|t| self.visitors.get(&t).map(|v| (t, v.clone())));
                let (token, visitor_id) = match known {
                    Some(pair) => pair,
                    None => {
                        let token = self.next("token-");
                        let visitor = self.next("visitor-");
                        self.visitors.insert(token.clone(), visitor.clone());
                        (token, visitor)
                    }
                };
                self.connections.insert(from, Some(visitor_id.clone()));
                self.locales
                    .insert(visitor_id.clone(), Locale::from_tag(&locale).unwrap_or_default());
                let mut out = vec![Outgoing {
                    to: from,
                    event: ServerEvent::Welcome {
                        session_token: token,
                        visitor_id: visitor_id.clone(),
                        team_available: self.team_available,
                        server_time: now,
                    },
                }];
                for point in resume {
                    match self
                        .conversations
                        .iter()
                        .find(|c| c.id == point.conversation_id && c.visitor_id == visitor_id)
                    {
                        Some(c) => out.extend(self.history(from, c, point.after_seq)),
                        None => out.extend(Self::error(
                            from,
                            ErrorCode::NotFound,
                            "no such conversation",
                            None,
                        )),
                    }
                }
                out
            }
            ClientCommand::SendMessage {
                conversation_id,
                client_id,
                text,
                attachments,
                quick_reply,
                page_url: _,
            } => {
                // De-duplication: the same client id from the same visitor is stored once.
                let existing = self.conversations.iter().find_map(|c| {
                    (c.visitor_id == visitor_id)
                        .then(|| {
                            c.messages.iter().find(|m| m.client_id.as_ref() == Some(&client_id))
                        })
                        .flatten()
                        .map(|m| (c.id.clone(), m.clone()))
                });
                if let Some((conversation_id, m)) = existing {
                    return vec![Outgoing {
                        to: from,
                        event: ServerEvent::Ack {
                            client_id,
                            conversation_id,
                            message_id: m.id,
                            seq: m.seq,
                            at: m.at,
                        },
                    }];
                }
                let mut resolved = Vec::with_capacity(attachments.len());
                for reference in attachments {
                    match self.uploads.get(&reference.id) {
                        Some(a) => resolved.push(a.clone()),
                        None => {
                            return Self::error(
                                from,
                                ErrorCode::BadRequest,
                                "unknown attachment",
                                Some(client_id),
                            )
                        }
                    }
                }
                let mut out = Vec::new();
                let index = match conversation_id {
                    Some(id) => {
                        match self
                            .conversations
                            .iter()
                            .position(|c| c.id == id && c.visitor_id == visitor_id)
                        {
                            Some(i) => i,
                            None => {
                                return Self::error(
                                    from,
                                    ErrorCode::NotFound,
                                    "no such conversation",
                                    Some(client_id),
                                )
                            }
                        }
                    }
                    None => {
                        let id = ConversationId::from(self.next("conv-"));
                        self.conversations.push(Conversation {
                            id: id.clone(),
                            visitor_id: visitor_id.clone(),
                            messages: Vec::new(),
                            ended: None,
                            bot: None,
                        });
                        // The greeting the widget showed before the conversation existed
                        // goes at its top, as the bot's first lines.
                        if let Some((flow, ctx)) = self.bot_context(&visitor_id) {
                            let (run, opening) = BotRun::start(&flow, ctx);
                            let index = self.conversations.len() - 1;
                            for output in opening {
                                if let BotOutput::Say { text, quick_replies, collect_input } =
                                    output
                                {
                                    self.bot_message(
                                        index,
                                        text,
                                        quick_replies,
                                        collect_input,
                                        now,
                                    );
                                }
                            }
                            self.conversations[index].bot = Some(run);
                        }
                        out.extend(self.to_visitor(
                            &visitor_id,
                            ServerEvent::ConversationStarted {
                                conversation_id: id,
                                client_id: client_id.clone(),
                            },
                        ));
                        self.conversations.len() - 1
                    }
                };
                if self.conversations[index].ended.is_some() {
                    return Self::error(
                        from,
                        ErrorCode::ConversationEnded,
                        "this conversation has ended",
                        Some(client_id),
                    );
                }
                // The bot answers after the message is stored, but a reply it does
                // not offer is refused before anything is.
                let mut bot_outputs = Vec::new();
                if let (Some(mut run), Some((flow, ctx))) =
                    (self.conversations[index].bot.clone(), self.bot_context(&visitor_id))
                {
                    let input = match &quick_reply {
                        Some(value) => BotInput::QuickReply(value),
                        None => BotInput::Text(&text),
                    };
                    match run.handle(&flow, input, ctx) {
                        Ok(outputs) => bot_outputs = outputs,
                        Err(err) => {
                            return Self::error(
                                from,
                                ErrorCode::BadRequest,
                                &err.to_string(),
                                Some(client_id),
                            )
                        }
                    }
                    self.conversations[index].bot = Some(run);
                }
                let message_id = MessageId::from(self.next("msg-"));
                let conversation = &mut self.conversations[index];
                let seq = conversation.messages.last().map_or(1, |m| m.seq + 1);
                let message = WireMessage {
                    id: message_id.clone(),
                    seq,
                    client_id: Some(client_id.clone()),
                    author: Author::visitor(),
                    text,
                    attachments: resolved,
                    quick_replies: Vec::new(),
                    collect_input: true,
                    at: now,
                };
                conversation.messages.push(message.clone());
                let conversation_id = conversation.id.clone();
                out.push(Outgoing {
                    to: from,
                    event: ServerEvent::Ack {
                        client_id,
                        conversation_id: conversation_id.clone(),
                        message_id,
                        seq,
                        at: now,
                    },
                });
                // Other tabs of the same visitor see the message too.
                for to in self.visitor_connections(&visitor_id).into_iter().filter(|c| *c != from) {
                    out.push(Outgoing {
                        to,
                        event: ServerEvent::Message {
                            conversation_id: conversation_id.clone(),
                            message: message.clone(),
                        },
                    });
                }
                out.extend(self.perform_bot(index, bot_outputs, now));
                out
            }
            ClientCommand::CatchUp { conversation_id, after_seq } => {
                match self
                    .conversations
                    .iter()
                    .find(|c| c.id == conversation_id && c.visitor_id == visitor_id)
                {
                    Some(c) => self.history(from, c, after_seq),
                    None => Self::error(from, ErrorCode::NotFound, "no such conversation", None),
                }
            }
            ClientCommand::RequestTranscript { conversation_id, email } => {
                if !self
                    .conversations
                    .iter()
                    .any(|c| c.id == conversation_id && c.visitor_id == visitor_id)
                {
                    return Self::error(from, ErrorCode::NotFound, "no such conversation", None);
                }
                self.transcripts.push((conversation_id.clone(), email.clone()));
                vec![Outgoing {
                    to: from,
                    event: ServerEvent::TranscriptRequested { conversation_id, email },
                }]
            }
            ClientCommand::Ping { nonce } => {
                vec![Outgoing { to: from, event: ServerEvent::Pong { nonce } }]
            }
            ClientCommand::Typing { .. } | ClientCommand::MarkRead { .. } => Vec::new(),
        }
    }

    /// The agent (or, with `as_bot`, the bot) sends `message` into the current
    /// conversation. Nothing happens when there is none.
    pub fn agent_sends(
        &mut self,
        message: AgentMessage,
        as_bot: bool,
        now: UnixMillis,
    ) -> Vec<Outgoing> {
        let Some(index) = self.conversations.iter().rposition(|c| c.ended.is_none()) else {
            return Vec::new();
        };
        let id = MessageId::from(self.next("msg-"));
        let author = if as_bot { self.bot.clone() } else { self.agent.clone() };
        let conversation = &mut self.conversations[index];
        if !as_bot {
            // An agent replying takes the conversation over from the bot.
            if let Some(run) = conversation.bot.as_mut() {
                run.take_over();
            }
        }
        let seq = conversation.messages.last().map_or(1, |m| m.seq + 1);
        let wire = WireMessage {
            id,
            seq,
            client_id: None,
            author,
            text: message.text,
            attachments: message.attachments,
            quick_replies: message.quick_replies,
            collect_input: message.collect_input,
            at: now,
        };
        conversation.messages.push(wire.clone());
        let (conversation_id, visitor_id) =
            (conversation.id.clone(), conversation.visitor_id.clone());
        self.to_visitor(&visitor_id, ServerEvent::Message { conversation_id, message: wire })
    }

    /// The agent starts or stops typing in the current conversation.
    pub fn agent_typing(&mut self, typing: bool) -> Vec<Outgoing> {
        let Some(c) = self.conversations.iter().rev().find(|c| c.ended.is_none()) else {
            return Vec::new();
        };
        let event = ServerEvent::Typing {
            conversation_id: c.id.clone(),
            author_name: self.agent.name.clone(),
            typing,
        };
        self.to_visitor(&c.visitor_id.clone(), event)
    }

    /// The team becomes available or away; every connected visitor is told.
    pub fn set_team_available(&mut self, available: bool) -> Vec<Outgoing> {
        self.team_available = available;
        self.connections
            .iter()
            .filter(|(_, v)| v.is_some())
            .map(|(to, _)| Outgoing {
                to: *to,
                event: ServerEvent::Presence { team_available: available },
            })
            .collect()
    }

    /// Ends the current conversation for `reason`.
    pub fn end_conversation(&mut self, reason: EndReason) -> Vec<Outgoing> {
        let Some(c) = self.conversations.iter_mut().rev().find(|c| c.ended.is_none()) else {
            return Vec::new();
        };
        c.ended = Some(reason);
        let (conversation_id, visitor_id) = (c.id.clone(), c.visitor_id.clone());
        self.to_visitor(&visitor_id, ServerEvent::ConversationEnded { conversation_id, reason })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::ResumePoint;

    fn hello(token: Option<String>, resume: Vec<ResumePoint>) -> ClientCommand {
        ClientCommand::Hello {
            session_token: token,
            protocol: 1,
            page_url: "/".into(),
            locale: "en".into(),
            resume,
        }
    }

    fn send(conversation_id: Option<&str>, client_id: &str, text: &str) -> ClientCommand {
        ClientCommand::SendMessage {
            conversation_id: conversation_id.map(ConversationId::from),
            client_id: client_id.into(),
            text: text.into(),
            attachments: vec![],
            quick_reply: None,
            page_url: None,
        }
    }

    fn welcome_token(out: &[Outgoing]) -> String {
        match &out[0].event {
            ServerEvent::Welcome { session_token, .. } => session_token.clone(),
            other => panic!("expected welcome, got {other:?}"),
        }
    }

    #[test]
    fn commands_before_hello_are_unauthorized() {
        let mut b = MemoryBackend::new("Ada");
        let c = b.connect();
        let out = b.receive(c, send(None, "c1", "hi"), 0);
        assert!(
            matches!(&out[0].event, ServerEvent::Error { code, .. } if *code == ErrorCode::Unauthorized)
        );
    }

    #[test]
    fn a_first_message_starts_a_conversation_then_is_acked_once() {
        let mut b = MemoryBackend::new("Ada");
        let c = b.connect();
        b.receive(c, hello(None, vec![]), 0);
        let out = b.receive(c, send(None, "c1", "hi"), 5);
        let conv = match &out[0].event {
            ServerEvent::ConversationStarted { conversation_id, client_id }
                if client_id == "c1" =>
            {
                conversation_id.clone()
            }
            other => panic!("{other:?}"),
        };
        assert!(matches!(&out[1].event, ServerEvent::Ack { seq: 1, .. }));
        // The same client id again: the same ack, still one message.
        let again = b.receive(c, send(None, "c1", "hi"), 9);
        assert_eq!(again.len(), 1);
        assert!(matches!(&again[0].event, ServerEvent::Ack { seq: 1, at: 5, .. }));
        assert_eq!(b.messages(&conv).map(<[_]>::len), Some(1));
    }

    #[test]
    fn a_visitor_cannot_touch_another_visitors_conversation() {
        let mut b = MemoryBackend::new("Ada");
        let alice = b.connect();
        b.receive(alice, hello(None, vec![]), 0);
        b.receive(alice, send(None, "a1", "secret"), 1);
        let conv = b.current_conversation().cloned().unwrap_or_else(|| "none".into());
        let mallory = b.connect();
        b.receive(mallory, hello(None, vec![]), 2);
        for cmd in [
            ClientCommand::CatchUp { conversation_id: conv.clone(), after_seq: 0 },
            send(Some(&conv), "m1", "injected"),
        ] {
            let out = b.receive(mallory, cmd, 3);
            assert!(
                matches!(&out[0].event, ServerEvent::Error { code, .. } if *code == ErrorCode::NotFound),
                "{out:?}"
            );
        }
        assert_eq!(b.messages(&conv).map(<[_]>::len), Some(1));
    }

    #[test]
    fn resume_with_the_token_returns_what_was_missed() {
        let mut b = MemoryBackend::new("Ada");
        let c = b.connect();
        let token = welcome_token(&b.receive(c, hello(None, vec![]), 0));
        b.receive(c, send(None, "c1", "hi"), 1);
        let conv = b.current_conversation().cloned().unwrap_or_else(|| "none".into());
        b.disconnect(c);
        b.agent_sends(AgentMessage::text("hello!"), false, 2);
        b.agent_sends(AgentMessage::text("still there?"), false, 3);
        let c2 = b.connect();
        let out = b.receive(
            c2,
            hello(Some(token.clone()), vec![ResumePoint { conversation_id: conv, after_seq: 1 }]),
            4,
        );
        assert_eq!(welcome_token(&out), token, "the same visitor");
        match &out[1].event {
            ServerEvent::History { messages, complete: true, .. } => {
                let texts: Vec<&str> = messages.iter().map(|m| m.text.as_str()).collect();
                assert_eq!(texts, ["hello!", "still there?"]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn agent_side_reaches_every_tab_of_the_visitor() {
        let mut b = MemoryBackend::new("Ada");
        let tab1 = b.connect();
        let token = welcome_token(&b.receive(tab1, hello(None, vec![]), 0));
        let tab2 = b.connect();
        b.receive(tab2, hello(Some(token), vec![]), 0);
        let out = b.receive(tab1, send(None, "c1", "hi"), 1);
        assert!(out.iter().any(|o| o.to == tab2 && matches!(o.event, ServerEvent::Message { .. })));
        let out = b.agent_sends(AgentMessage::text("hey"), false, 2);
        assert_eq!(out.iter().map(|o| o.to).collect::<Vec<_>>(), [tab1, tab2]);
        let out = b.end_conversation(EndReason::Agent);
        assert_eq!(out.len(), 2);
        let after =
            b.receive(tab1, send(b.conversations.last().map(|c| c.id.as_str()), "c2", "late"), 3);
        assert!(
            matches!(&after[0].event, ServerEvent::Error { code, .. } if *code == ErrorCode::ConversationEnded)
        );
    }

    #[test]
    fn attachments_must_have_been_uploaded() {
        let mut b = MemoryBackend::new("Ada");
        let c = b.connect();
        b.receive(c, hello(None, vec![]), 0);
        let reference = crate::protocol::AttachmentRef {
            id: "f1".into(),
            name: "a.png".into(),
            mime: "image/png".into(),
            size: 3,
        };
        let with_file = |client_id: &str| ClientCommand::SendMessage {
            conversation_id: None,
            client_id: client_id.into(),
            text: String::new(),
            attachments: vec![reference.clone()],
            quick_reply: None,
            page_url: None,
        };
        let out = b.receive(c, with_file("c1"), 1);
        assert!(
            matches!(&out[0].event, ServerEvent::Error { code, .. } if *code == ErrorCode::BadRequest)
        );
        b.register_upload(Attachment {
            id: "f1".into(),
            name: "a.png".into(),
            mime: "image/png".into(),
            size: 3,
            url: "blob:x".into(),
        });
        b.receive(c, with_file("c2"), 2);
        let conv = b.current_conversation().cloned().unwrap_or_else(|| "none".into());
        let stored =
            b.messages(&conv).and_then(|m| m.first()).map(|m| m.attachments[0].url.clone());
        assert_eq!(stored.as_deref(), Some("blob:x"));
    }

    #[test]
    fn presence_changes_reach_connected_visitors_only() {
        let mut b = MemoryBackend::new("Ada");
        let a = b.connect();
        b.receive(a, hello(None, vec![]), 0);
        let _silent = b.connect();
        let out = b.set_team_available(false);
        assert_eq!(
            out,
            vec![Outgoing { to: a, event: ServerEvent::Presence { team_available: false } }]
        );
        assert!(!b.team_available());
    }

    #[test]
    fn long_histories_come_in_chunks() {
        let mut b = MemoryBackend::new("Ada");
        let c = b.connect();
        b.receive(c, hello(None, vec![]), 0);
        b.receive(c, send(None, "c1", "hi"), 0);
        for i in 0..250 {
            b.agent_sends(AgentMessage::text(format!("m{i}")), false, i);
        }
        let conv = b.current_conversation().cloned().unwrap_or_else(|| "none".into());
        let out = b.receive(c, ClientCommand::CatchUp { conversation_id: conv, after_seq: 0 }, 1);
        let sizes: Vec<(usize, bool)> = out
            .iter()
            .filter_map(|o| match &o.event {
                ServerEvent::History { messages, complete, .. } => {
                    Some((messages.len(), *complete))
                }
                _ => None,
            })
            .collect();
        assert_eq!(sizes, [(100, false), (100, false), (51, true)]);
    }
}
