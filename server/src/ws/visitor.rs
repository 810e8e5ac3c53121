//! `GET /ws/visitor`: the widget's protocol (see `docs/protocol.md`).
//!
//! Invariants:
//! - the first frame must be `hello`; it resolves (or creates) the visitor from the
//!   session token, and every later frame acts as that visitor only;
//! - a conversation id from the wire is checked to belong to the visitor before
//!   anything is read or written; another visitor's conversation is `not_found`,
//!   indistinguishable from one that does not exist;
//! - frames over the size limit, over the rate limit, or that do not decode are
//!   answered with an `error` frame and the socket goes on;
//! - a socket that has not said `hello` within `hello_timeout` (pings do not count)
//!   is answered `error unauthorized` and closed: a socket costs nothing to open, so
//!   idle ones must not be able to pile up.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use futures_util::StreamExt;
use sitechat_core::protocol::agent::AgentEvent;
use sitechat_core::protocol::limits::MAX_HISTORY_MESSAGES;
use sitechat_core::protocol::{ClientCommand, ResumePoint, ServerEvent, PROTOCOL_VERSION};
use sitechat_core::protocol::{ClientId, ConversationId, ErrorCode};

use super::frame_error::{client_id_of, code_for};
use super::rate_limit::TokenBucket;
use super::{write_frames, MAX_FRAME_BYTES, MAX_SOCKET_MESSAGE_BYTES};
use crate::app::App;
use crate::chat::{self, Refusal, VisitorPost};
use crate::clock::now_ms;
use crate::db::{conversations, messages, visitors, DbError};
use crate::hub::{ConnId, Outgoing};
use crate::ids::{new_token, token_hash};

/// Upgrades the request to a visitor socket.
pub async fn handler(ws: WebSocketUpgrade, State(app): State<Arc<App>>) -> Response {
    ws.max_message_size(MAX_SOCKET_MESSAGE_BYTES)
        .max_frame_size(MAX_SOCKET_MESSAGE_BYTES)
        .on_upgrade(move |socket| run(app, socket))
}

struct Session {
    app: Arc<App>,
    tx: Outgoing,
    visitor: Option<(String, ConnId)>,
    page_url: String,
    bucket: TokenBucket,
    /// Conversations already checked to be this visitor's.
    owned: HashSet<String>,
    closing: bool,
}

async fn run(app: Arc<App>, socket: WebSocket) {
    let (sink, mut stream) = socket.split();
    let (tx, rx) = super::outgoing::channel_with_limit(app.config.max_queued_bytes);
    let writer = tokio::spawn(write_frames(sink, rx));
    let bucket = TokenBucket::new(
        app.config.visitor_rate_per_sec,
        app.config.visitor_rate_burst,
        Instant::now(),
    );
    let mut shutdown = app.shutdown.clone();
    let mut s = Session {
        app,
        tx,
        visitor: None,
        page_url: String::new(),
        bucket,
        owned: HashSet::new(),
        closing: false,
    };
    let hello_deadline = tokio::time::Instant::now() + s.app.config.hello_timeout;
    loop {
        let waiting_for_hello = s.visitor.is_none();
        let overflow = s.tx.clone();
        let next = tokio::select! {
            _ = shutdown.wait_for(|stop| *stop) => break,
            // The client stopped reading and its queue is full: close (it catches up
            // when it reconnects).
            _ = overflow.overflowed() => break,
            _ = tokio::time::sleep_until(hello_deadline), if waiting_for_hello => {
                s.error(ErrorCode::Unauthorized, "hello: not received in time; closing", None);
                break;
            }
            next = stream.next() => next,
        };
        match next {
            Some(Ok(Message::Text(text))) => s.on_text(text.as_str()).await,
            Some(Ok(Message::Binary(_))) => {
                s.error(ErrorCode::BadRequest, "binary frames are not supported", None)
            }
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
            Some(Ok(_)) => {}
        }
        if s.closing {
            break;
        }
    }
    if let Some((visitor_id, conn)) = &s.visitor {
        s.app.hub.disconnect_visitor(visitor_id, *conn);
    }
    drop(s);
    let _ = writer.await;
}

impl Session {
    fn send(&self, event: &ServerEvent) {
        let _ = self.tx.send(event.encode());
    }

    fn error(&self, code: ErrorCode, message: &str, client_id: Option<ClientId>) {
        self.send(&ServerEvent::Error { code, message: message.to_owned(), client_id });
    }

    fn server_error(&self, e: &DbError, client_id: Option<ClientId>) {
        tracing::error!("visitor socket: {e}");
        self.error(
            ErrorCode::ServerError,
            "the server could not complete this request; try again",
            client_id,
        );
    }

    async fn on_text(&mut self, text: &str) {
        if text.len() > MAX_FRAME_BYTES {
            let message =
                format!("frame of {} bytes is larger than {MAX_FRAME_BYTES} bytes", text.len());
            return self.error(ErrorCode::TooLarge, &message, None);
        }
        if !self.bucket.take(Instant::now()) {
            return self.error(
                ErrorCode::RateLimited,
                "too many frames; slow down and retry",
                client_id_of(text),
            );
        }
        match ClientCommand::decode(text) {
            Err(e) => self.error(code_for(&e), &e.to_string(), client_id_of(text)),
            Ok(command) => self.on_command(command).await,
        }
    }

    async fn on_command(&mut self, command: ClientCommand) {
        let visitor_id = match (&command, &self.visitor) {
            (ClientCommand::Hello { .. }, Some(_)) => {
                return self.error(
                    ErrorCode::BadRequest,
                    "hello: already received on this connection",
                    None,
                )
            }
            (ClientCommand::Hello { session_token, protocol, page_url, resume, .. }, None) => {
                return self
                    .hello(session_token.clone(), *protocol, page_url.clone(), resume.clone())
                    .await
            }
            (ClientCommand::Ping { nonce }, _) => {
                return self.send(&ServerEvent::Pong { nonce: *nonce })
            }
            (_, None) => {
                return self.error(
                    ErrorCode::Unauthorized,
                    &format!("{}: send hello first", command.type_name()),
                    None,
                )
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
                    return self.error(
                        ErrorCode::BadRequest,
                        "send_message.text: empty message",
                        Some(client_id),
                    );
                }
                let post = VisitorPost {
                    conversation_id: conversation_id.map(String::from),
                    client_id: client_id.to_string(),
                    text,
                    attachments,
                    page_url: page_url.unwrap_or_else(|| self.page_url.clone()),
                };
                match chat::visitor_post(&self.app, &visitor_id, post).await {
                    Err(e) => self.server_error(&e, Some(client_id)),
                    Ok(Err(refusal)) => self.refuse(&refusal, Some(client_id)),
                    Ok(Ok(posted)) => {
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
                self.history(&visitor_id, conversation_id, after_seq).await
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
                match chat::queue_transcript(&self.app, &conversation_id, &email, Some(&visitor_id))
                    .await
                {
                    Err(e) => self.server_error(&e, None),
                    Ok(Err(refusal)) => self.refuse(&refusal, None),
                    Ok(Ok(())) => {
                        self.send(&ServerEvent::TranscriptRequested { conversation_id, email })
                    }
                }
            }
            ClientCommand::Hello { .. } | ClientCommand::Ping { .. } => {}
        }
    }

    fn refuse(&self, refusal: &Refusal, client_id: Option<ClientId>) {
        match refusal {
            Refusal::NotFound => self.error(ErrorCode::NotFound, "no such conversation", client_id),
            Refusal::Ended => {
                self.error(ErrorCode::ConversationEnded, "this conversation has ended", client_id)
            }
            Refusal::BadAttachment(m) => self.error(ErrorCode::BadRequest, m, client_id),
            Refusal::BadEmail => self.error(
                ErrorCode::BadRequest,
                "request_transcript.email: not a usable e-mail address",
                client_id,
            ),
        }
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
                self.error(ErrorCode::NotFound, "no such conversation", None);
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
    ) {
        if protocol != PROTOCOL_VERSION {
            self.error(
                ErrorCode::UnsupportedProtocol,
                &format!("hello.protocol: this server speaks version {PROTOCOL_VERSION}"),
                None,
            );
            self.closing = true;
            return;
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
            Err(e) => return self.server_error(&e, None),
        };
        let team_available = self.app.hub.team_available();
        self.send(&ServerEvent::Welcome {
            session_token,
            visitor_id: visitor_id.clone(),
            team_available,
            server_time: now,
        });
        let conn = self.app.hub.connect_visitor(&visitor_id, self.tx.clone());
        let current = self.app.hub.team_available();
        if current != team_available {
            self.send(&ServerEvent::Presence { team_available: current });
        }
        self.visitor = Some((visitor_id.clone(), conn));
        self.page_url = page_url;
        for point in resume {
            self.history(&visitor_id, point.conversation_id, point.after_seq).await;
        }
    }
}
