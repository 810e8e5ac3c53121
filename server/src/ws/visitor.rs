//! `GET /ws/visitor`: the widget's protocol (see `docs/protocol.md`), run by the shared
//! socket loop ([`super::socket`]).
//!
//! Invariants:
//! - a socket takes a slot of its client address ([`crate::limits`]) for its whole
//!   life; past the per-address or total limit it is answered
//!   `error too_many_connections` and closed, as is a `hello` past the visitor's own
//!   limit of sockets;
//! - the first frame must be `hello`; it resolves (or creates) the visitor from the
//!   session token, and every later frame acts as that visitor only;
//! - a conversation id from the wire is checked to belong to the visitor before
//!   anything is read or written; another visitor's conversation is `not_found`,
//!   indistinguishable from one that does not exist;
//! - frames over the size limit, over the visitor's rate limit (shared by all its
//!   sockets), or that do not decode are answered with an `error` frame and the socket
//!   goes on;
//! - history is sent one page at a time, each once the socket has written the one
//!   before: `hello.resume` points naming the same conversation count once, and at most
//!   [`MAX_PENDING_PAGES`] requests may wait; past that the socket is closed (a client
//!   asking faster than it reads);
//! - a socket that has not said `hello` within `hello_timeout` (pings do not count)
//!   is answered `error unauthorized` and closed.

use std::collections::{HashSet, VecDeque};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::ws::{WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use sitechat_core::protocol::agent::AgentEvent;
use sitechat_core::protocol::limits::MAX_HISTORY_MESSAGES;
use sitechat_core::protocol::{ClientCommand, ResumePoint, ServerEvent, PROTOCOL_VERSION};
use sitechat_core::protocol::{ClientId, ConversationId, ErrorCode};

use super::frame_error::{client_id_of, code_for};
use super::socket::{self, Endpoint, Flow};
use crate::app::App;
use crate::chat::{self, ChatError, Refusal, TranscriptFor, VisitorPost};
use crate::clock::now_ms;
use crate::db::{conversations, messages, visitors, DbError};
use crate::http::auth::ClientIp;
use crate::hub::{ConnId, Outgoing};
use crate::ids::{new_token, token_hash};
use crate::limits::SocketSlot;
use crate::rate_limit::TokenBucket;

/// History requests that may wait for a socket to drain.
pub const MAX_PENDING_PAGES: usize = 20;

/// Upgrades the request to a visitor socket.
pub async fn handler(
    ws: WebSocketUpgrade,
    State(app): State<Arc<App>>,
    ClientIp(ip): ClientIp,
) -> Response {
    super::configure(ws).on_upgrade(move |socket| run(app, socket, ip))
}

async fn run(app: Arc<App>, socket: WebSocket, ip: IpAddr) {
    let slot = match app.limits.open_socket(ip) {
        Ok(slot) => slot,
        Err(_) => return socket::refuse(socket, &refusal_frame(), app.config.send_timeout).await,
    };
    let (tx, rx) = crate::outgoing::channel_with_limit(app.config.max_queued_bytes);
    let endpoint = Session::new(app.clone(), tx.clone(), ip, slot);
    socket::run(app, socket, tx, rx, endpoint).await
}

/// The `error` frame of a socket refused for the connection limits.
pub fn refusal_frame() -> String {
    ServerEvent::Error {
        code: ErrorCode::TooManyConnections.to_owned(),
        message: "too many connections; try again later".to_owned(),
        client_id: None,
    }
    .encode()
}

struct Session {
    app: Arc<App>,
    tx: Outgoing,
    ip: IpAddr,
    _slot: SocketSlot,
    visitor: Option<(String, ConnId)>,
    page_url: String,
    /// This socket's allowance (after `hello`, the visitor's shared one applies too).
    bucket: TokenBucket,
    /// Conversations already checked to be this visitor's.
    owned: HashSet<String>,
    /// History pages to send as the socket drains.
    pending: VecDeque<ResumePoint>,
}

impl Session {
    fn new(app: Arc<App>, tx: Outgoing, ip: IpAddr, slot: SocketSlot) -> Session {
        let bucket = TokenBucket::new(
            app.config.visitor_rate_per_sec,
            app.config.visitor_rate_burst,
            Instant::now(),
        );
        Session {
            app,
            tx,
            ip,
            _slot: slot,
            visitor: None,
            page_url: String::new(),
            bucket,
            owned: HashSet::new(),
            pending: VecDeque::new(),
        }
    }
}

impl Endpoint for Session {
    fn error_frame(&self, code: ErrorCode, message: &str, client_id: Option<ClientId>) -> String {
        ServerEvent::Error { code: code.to_owned(), message: message.to_owned(), client_id }
            .encode()
    }

    fn allow_frame(&mut self, now: Instant) -> bool {
        // The socket's own allowance, and the visitor's across all its sockets.
        self.bucket.take(now)
            && match &self.visitor {
                Some((visitor_id, _)) => self.app.limits.visitor_frames.take(visitor_id, 1.0, now),
                None => true,
            }
    }

    fn identified(&self) -> bool {
        self.visitor.is_some()
    }

    async fn on_text(&mut self, text: &str) -> Flow {
        match ClientCommand::decode(text) {
            Err(e) => {
                self.error(code_for(&e), &e.to_string(), client_id_of(text));
                Flow::Continue
            }
            Ok(command) => self.on_command(command).await,
        }
    }

    fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    async fn pump(&mut self) {
        let Some(point) = self.pending.pop_front() else { return };
        let Some((visitor_id, _)) = self.visitor.clone() else { return };
        self.history(&visitor_id, point.conversation_id, point.after_seq).await;
    }

    fn on_close(&mut self) {
        if let Some((visitor_id, conn)) = &self.visitor {
            self.app.hub.disconnect_visitor(visitor_id, *conn);
        }
    }
}

impl Session {
    fn send(&self, event: &ServerEvent) {
        let _ = self.tx.send(event.encode());
    }

    fn error(&self, code: ErrorCode, message: &str, client_id: Option<ClientId>) {
        let _ = self.tx.send(self.error_frame(code, message, client_id));
    }

    fn server_error(&self, e: &DbError, client_id: Option<ClientId>) {
        tracing::error!("visitor socket: {e}");
        self.error(
            ErrorCode::ServerError,
            "the server could not complete this request; try again",
            client_id,
        );
    }

    fn chat_error(&self, e: ChatError, client_id: Option<ClientId>) {
        match e {
            ChatError::Db(e) => self.server_error(&e, client_id),
            ChatError::Refused(r) => {
                self.error(r.code(), &r.message("request_transcript.email"), client_id)
            }
        }
    }

    async fn on_command(&mut self, command: ClientCommand) -> Flow {
        let visitor_id = match (&command, &self.visitor) {
            (ClientCommand::Hello { .. }, Some(_)) => {
                self.error(
                    ErrorCode::BadRequest,
                    "hello: already received on this connection",
                    None,
                );
                return Flow::Continue;
            }
            (ClientCommand::Hello { session_token, protocol, page_url, resume, .. }, None) => {
                return self
                    .hello(session_token.clone(), *protocol, page_url.clone(), resume.clone())
                    .await
            }
            (ClientCommand::Ping { nonce }, _) => {
                self.send(&ServerEvent::Pong { nonce: *nonce });
                return Flow::Continue;
            }
            (_, None) => {
                self.error(
                    ErrorCode::Unauthorized,
                    &format!("{}: send hello first", command.type_name()),
                    None,
                );
                return Flow::Continue;
            }
            (_, Some((visitor_id, _))) => visitor_id.clone(),
        };
        match command {
            ClientCommand::SendMessage {
                conversation_id,
                client_id,
                text,
                attachments,
                page_url,
                ..
            } => {
                if text.trim().is_empty() && attachments.is_empty() {
                    self.error(
                        ErrorCode::BadRequest,
                        "send_message.text: empty message",
                        Some(client_id),
                    );
                    return Flow::Continue;
                }
                let post = VisitorPost {
                    conversation_id: conversation_id.map(String::from),
                    client_id: client_id.to_string(),
                    text,
                    attachments,
                    page_url: page_url.unwrap_or_else(|| self.page_url.clone()),
                    ip: self.ip,
                };
                match chat::visitor_post(&self.app, &visitor_id, post).await {
                    Err(e) => self.chat_error(e, Some(client_id)),
                    Ok(posted) => {
                        let conversation_id =
                            ConversationId::from(posted.stored.conversation_id.clone());
                        self.owned.insert(conversation_id.to_string());
                        if posted.started {
                            self.send(&ServerEvent::ConversationStarted {
                                conversation_id: conversation_id.clone(),
                                client_id: client_id.clone(),
                            });
                        }
                        self.send(&ServerEvent::Ack {
                            client_id,
                            conversation_id,
                            message_id: posted.stored.message.id.clone(),
                            seq: posted.stored.message.seq,
                            at: posted.stored.message.at,
                        });
                    }
                }
            }
            ClientCommand::CatchUp { conversation_id, after_seq } => {
                if self.pending.len() >= MAX_PENDING_PAGES {
                    // Asking faster than it reads: close (it catches up when it reconnects).
                    return Flow::Close;
                }
                self.pending.push_back(ResumePoint { conversation_id, after_seq });
            }
            ClientCommand::Typing { conversation_id, typing } => {
                if self.owns(&visitor_id, &conversation_id).await {
                    self.app.hub.to_agents(&AgentEvent::VisitorTyping { conversation_id, typing });
                }
            }
            ClientCommand::MarkRead { conversation_id, up_to_seq } => {
                if self.owns(&visitor_id, &conversation_id).await {
                    let r = self
                        .app
                        .db
                        .call(move |c| {
                            conversations::mark_visitor_read(c, &conversation_id, up_to_seq)
                        })
                        .await;
                    if let Err(e) = r {
                        self.server_error(&e, None);
                    }
                }
            }
            ClientCommand::RequestTranscript { conversation_id, email } => {
                let who = TranscriptFor::Visitor(&visitor_id);
                match chat::queue_transcript(&self.app, &conversation_id, &email, who).await {
                    Err(e) => self.chat_error(e, None),
                    Ok(()) => {
                        self.send(&ServerEvent::TranscriptRequested { conversation_id, email })
                    }
                }
            }
            ClientCommand::Hello { .. } | ClientCommand::Ping { .. } => {}
        }
        Flow::Continue
    }

    /// Whether the conversation is this visitor's; answers `not_found` when not.
    async fn owns(&mut self, visitor_id: &str, conversation_id: &str) -> bool {
        if self.owned.contains(conversation_id) {
            return true;
        }
        let (v, c) = (visitor_id.to_owned(), conversation_id.to_owned());
        match self.app.db.call(move |conn| conversations::get_for_visitor(conn, &c, &v)).await {
            Ok(Some(_)) => {
                self.owned.insert(conversation_id.to_owned());
                true
            }
            Ok(None) => {
                self.chat_error(Refusal::NotFound.into(), None);
                false
            }
            Err(e) => {
                self.server_error(&e, None);
                false
            }
        }
    }

    async fn history(&mut self, visitor_id: &str, conversation_id: ConversationId, after_seq: u64) {
        if !self.owns(visitor_id, &conversation_id).await {
            return;
        }
        let id = conversation_id.clone();
        match self
            .app
            .db
            .call(move |c| messages::after(c, &id, after_seq, MAX_HISTORY_MESSAGES))
            .await
        {
            Ok((messages, complete)) => {
                self.send(&ServerEvent::History { conversation_id, messages, complete })
            }
            Err(e) => self.server_error(&e, None),
        }
    }

    async fn hello(
        &mut self,
        token: Option<String>,
        protocol: u32,
        page_url: String,
        resume: Vec<ResumePoint>,
    ) -> Flow {
        if protocol != PROTOCOL_VERSION {
            self.error(
                ErrorCode::UnsupportedProtocol,
                &format!("hello.protocol: this server speaks version {PROTOCOL_VERSION}"),
                None,
            );
            return Flow::Close;
        }
        let now = now_ms();
        let found = self
            .app
            .db
            .call(move |c| {
                if let Some(token) = token {
                    if let Some(id) = visitors::find_by_token(c, &token_hash(&token), now)? {
                        return Ok((id, token));
                    }
                }
                // No token, or one this server does not know (a wiped database, a
                // forged value): start a fresh session rather than fail.
                let token = new_token();
                let id = visitors::create(c, &token_hash(&token), now)?;
                Ok((id, token))
            })
            .await;
        let (visitor_id, session_token) = match found {
            Ok(found) => found,
            Err(e) => {
                self.server_error(&e, None);
                return Flow::Continue;
            }
        };
        let team_available = self.app.hub.team_available();
        self.send(&ServerEvent::Welcome {
            session_token,
            visitor_id: visitor_id.clone(),
            team_available,
            server_time: now,
        });
        let max = self.app.config.max_sockets_per_visitor;
        let Some(conn) = self.app.hub.connect_visitor(&visitor_id, self.tx.clone(), max) else {
            self.error(
                ErrorCode::TooManyConnections,
                "too many connections for this visitor",
                None,
            );
            return Flow::Close;
        };
        let current = self.app.hub.team_available();
        if current != team_available {
            self.send(&ServerEvent::Presence { team_available: current });
        }
        self.visitor = Some((visitor_id, conn));
        self.page_url = page_url;
        // One page per conversation, the earliest point asked for, in the order given.
        for point in resume {
            match self.pending.iter_mut().find(|p| p.conversation_id == point.conversation_id) {
                Some(p) => p.after_seq = p.after_seq.min(point.after_seq),
                None => self.pending.push_back(point),
            }
        }
        Flow::Continue
    }
}
