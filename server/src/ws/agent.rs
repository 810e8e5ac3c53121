//! `GET /ws/agent`: the inbox's protocol (`sitechat_core::protocol::agent`).
//!
//! Invariants:
//! - the upgrade is refused with 401 unless the request carries a valid agent
//!   session cookie, and with 403 when a browser says it comes from another origin;
//! - the socket closes when its session ends: on sign-out (the hub closes every socket
//!   of that session) and at the session's expiry (`error unauthorized`);
//! - frames are limited per socket (`agent_rate_per_sec`, `agent_rate_burst`);
//! - the first frame sent is `ready`; after it the agent receives every live update
//!   (new conversations and messages, visitor typing, team status) until it leaves;
//! - an agent may act on any conversation (the inbox is shared by the team).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::ws::{WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use sitechat_core::protocol::agent::{
    AgentCommand, AgentEvent, AgentInfo, AgentStatus, MAX_LISTED_CONVERSATIONS,
};
use sitechat_core::protocol::limits::MAX_HISTORY_MESSAGES;
use sitechat_core::protocol::{ClientId, ConversationId, ErrorCode};
use sitechat_core::protocol::{EndReason, ServerEvent};

use super::frame_error::{client_id_of, code_for};
use super::socket::{self, Endpoint, Flow};
use crate::app::App;
use crate::chat::{self, AgentPost, ChatError, Refusal, TranscriptFor};
use crate::db::agents::AgentRow;
use crate::db::{agents, conversations, messages, DbError};
use crate::http::api_error::ApiError;
use crate::http::auth::{self, AgentSession, ClientIp, MaybeAgent};
use crate::hub::{ConnId, Outgoing};
use crate::limits::SocketSlot;
use crate::rate_limit::TokenBucket;

/// Upgrades an authenticated agent's request to an inbox socket.
pub async fn handler(
    ws: WebSocketUpgrade,
    State(app): State<Arc<App>>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    MaybeAgent(session): MaybeAgent,
) -> Response {
    if !auth::same_origin(&headers) {
        return ApiError::forbidden("cross-origin inbox connections are refused").into_response();
    }
    let Some(session) = session else { return ApiError::unauthorized().into_response() };
    super::configure(ws).on_upgrade(move |socket| run(app, socket, session, ip))
}

struct Session {
    app: Arc<App>,
    tx: Outgoing,
    agent: AgentRow,
    conn: ConnId,
    bucket: TokenBucket,
    expires_at: tokio::time::Instant,
    _slot: SocketSlot,
}

fn info(row: &AgentRow, online: bool) -> AgentInfo {
    AgentInfo {
        id: row.id.clone(),
        name: row.name.clone(),
        email: row.email.clone(),
        status: row.status,
        online,
    }
}

async fn run(app: Arc<App>, socket: WebSocket, session: AgentSession, ip: IpAddr) {
    let Ok(slot) = app.limits.open_socket(ip) else {
        let frame = AgentEvent::Error {
            code: ErrorCode::TooManyConnections.to_owned(),
            message: "too many connections; try again later".to_owned(),
            client_id: None,
        }
        .encode();
        return socket::refuse(socket, &frame, app.config.send_timeout).await;
    };
    let (tx, rx) = crate::outgoing::channel_with_limit(app.config.max_queued_bytes);
    let agent = session.agent;
    let team = match app.db.call(|c| agents::list(c)).await {
        Ok(rows) => {
            rows.iter().map(|r| info(r, app.hub.is_online(&r.id) || r.id == agent.id)).collect()
        }
        Err(e) => {
            tracing::error!("agent socket: {e}");
            Vec::new()
        }
    };
    let team_available = app.hub.team_available() || agent.status == AgentStatus::Available;
    let _ = tx.send(AgentEvent::Ready { agent: info(&agent, true), team, team_available }.encode());
    let conn = app.hub.connect_agent(info(&agent, true), tx.clone(), session.token_hash.clone());
    // A sign-out between the upgrade and the line above closed nothing: look again.
    let hash = session.token_hash;
    if !matches!(app.db.call(move |c| agents::session_expiry(c, &hash)).await, Ok(Some(_))) {
        tx.close();
    }
    let left_ms = session.expires_at.saturating_sub(crate::clock::now_ms()).max(0);
    let expires_at =
        tokio::time::Instant::now() + std::time::Duration::from_millis(left_ms.unsigned_abs());
    let bucket = TokenBucket::new(
        app.config.agent_rate_per_sec,
        app.config.agent_rate_burst,
        Instant::now(),
    );
    let endpoint =
        Session { app: app.clone(), tx: tx.clone(), agent, conn, bucket, expires_at, _slot: slot };
    socket::run(app, socket, tx, rx, endpoint).await
}

impl Endpoint for Session {
    fn error_frame(&self, code: ErrorCode, message: &str, client_id: Option<ClientId>) -> String {
        AgentEvent::Error { code: code.to_owned(), message: message.to_owned(), client_id }.encode()
    }

    fn allow_frame(&mut self, now: Instant) -> bool {
        self.bucket.take(now)
    }

    fn identified(&self) -> bool {
        true
    }

    fn expires_at(&self) -> Option<tokio::time::Instant> {
        Some(self.expires_at)
    }

    async fn on_text(&mut self, text: &str) -> Flow {
        match AgentCommand::decode(text) {
            Err(e) => self.error(code_for(&e), &e.to_string(), client_id_of(text)),
            Ok(command) => self.on_command(command).await,
        }
        Flow::Continue
    }

    fn on_close(&mut self) {
        self.app.hub.disconnect_agent(&self.agent.id, self.conn);
    }
}

impl Session {
    fn send(&self, event: &AgentEvent) {
        let _ = self.tx.send(event.encode());
    }

    fn error(&self, code: ErrorCode, message: &str, client_id: Option<ClientId>) {
        self.send(&AgentEvent::Error { code, message: message.to_owned(), client_id });
    }

    fn server_error(&self, e: &DbError, client_id: Option<ClientId>) {
        tracing::error!("agent socket: {e}");
        self.error(
            ErrorCode::ServerError,
            "the server could not complete this request; try again",
            client_id,
        );
    }

    fn refuse(&self, refusal: &Refusal, client_id: Option<ClientId>) {
        self.error(refusal.code(), &refusal.message("send_transcript.email"), client_id);
    }

    fn chat_error(&self, e: ChatError, client_id: Option<ClientId>) {
        match e {
            ChatError::Db(e) => self.server_error(&e, client_id),
            ChatError::Refused(r) => self.refuse(&r, client_id),
        }
    }

    /// Pushes a conversation's new summary to every agent.
    async fn broadcast_summary(&self, conversation_id: ConversationId) {
        match self.app.db.call(move |c| conversations::summary(c, &conversation_id)).await {
            Ok(Some(conversation)) => {
                self.app.hub.to_agents(&AgentEvent::ConversationUpdated { conversation })
            }
            Ok(None) => {}
            Err(e) => self.server_error(&e, None),
        }
    }

    async fn on_command(&mut self, command: AgentCommand) {
        match command {
            AgentCommand::Ping { nonce } => self.send(&AgentEvent::Pong { nonce }),
            AgentCommand::ListConversations => {
                match self
                    .app
                    .db
                    .call(|c| conversations::list_summaries(c, MAX_LISTED_CONVERSATIONS))
                    .await
                {
                    Ok(conversations) => self.send(&AgentEvent::Conversations { conversations }),
                    Err(e) => self.server_error(&e, None),
                }
            }
            AgentCommand::OpenConversation { conversation_id } => {
                let opened = self
                    .app
                    .db
                    .call(move |c| {
                        let Some(summary) = conversations::summary(c, &conversation_id)? else {
                            return Ok(None);
                        };
                        let (messages, complete) =
                            messages::latest(c, &conversation_id, MAX_HISTORY_MESSAGES)?;
                        Ok(Some((summary, messages, complete)))
                    })
                    .await;
                match opened {
                    Ok(Some((conversation, messages, complete))) => {
                        self.send(&AgentEvent::Conversation { conversation, messages, complete })
                    }
                    Ok(None) => self.refuse(&Refusal::NotFound, None),
                    Err(e) => self.server_error(&e, None),
                }
            }
            AgentCommand::Assign { conversation_id, agent_id } => {
                let id = conversation_id.clone();
                let done = self
                    .app
                    .db
                    .call(move |c| {
                        if conversations::get(c, &id)?.is_none() {
                            return Ok(Err("no such conversation"));
                        }
                        if let Some(a) = &agent_id {
                            if agents::get(c, a)?.is_none() {
                                return Ok(Err("assign.agent_id: no such agent"));
                            }
                        }
                        conversations::assign(c, &id, agent_id.as_deref())?;
                        Ok(Ok(()))
                    })
                    .await;
                match done {
                    Ok(Ok(())) => self.broadcast_summary(conversation_id).await,
                    Ok(Err(message)) => self.error(ErrorCode::NotFound, message, None),
                    Err(e) => self.server_error(&e, None),
                }
            }
            AgentCommand::SendMessage { conversation_id, client_id, text, attachments } => {
                if text.trim().is_empty() && attachments.is_empty() {
                    return self.error(
                        ErrorCode::BadRequest,
                        "send_message.text: empty message",
                        Some(client_id),
                    );
                }
                let (id, name) = (self.agent.id.clone(), self.agent.name.clone());
                let post = AgentPost {
                    conversation_id: conversation_id.into_string(),
                    client_id: client_id.to_string(),
                    text,
                    attachments,
                };
                match chat::agent_post(&self.app, &id, &name, post).await {
                    Err(e) => self.chat_error(e, Some(client_id)),
                    Ok(posted) => self.send(&AgentEvent::Ack {
                        client_id,
                        conversation_id: posted.stored.conversation_id.into(),
                        message_id: posted.stored.message.id.clone(),
                        seq: posted.stored.message.seq,
                        at: posted.stored.message.at,
                    }),
                }
            }
            AgentCommand::Typing { conversation_id, typing } => {
                let id = conversation_id.clone();
                match self.app.db.call(move |c| conversations::get(c, &id)).await {
                    Ok(Some(conv)) => {
                        self.app.hub.to_visitor(
                            &conv.visitor_id,
                            &ServerEvent::Typing {
                                conversation_id: conversation_id.clone(),
                                author_name: Some(self.agent.name.clone()),
                                typing,
                            },
                        );
                        self.app.hub.to_other_agents(
                            &self.agent.id,
                            &AgentEvent::AgentTyping {
                                conversation_id,
                                agent_id: self.agent.id.clone(),
                                typing,
                            },
                        );
                    }
                    Ok(None) => self.refuse(&Refusal::NotFound, None),
                    Err(e) => self.server_error(&e, None),
                }
            }
            AgentCommand::MarkRead { conversation_id, up_to_seq } => {
                let id = conversation_id.clone();
                match self
                    .app
                    .db
                    .call(move |c| conversations::mark_agent_read(c, &id, up_to_seq))
                    .await
                {
                    Ok(()) => self.broadcast_summary(conversation_id).await,
                    Err(e) => self.server_error(&e, None),
                }
            }
            AgentCommand::SetStatus { status } => {
                let id = self.agent.id.clone();
                match self.app.db.call(move |c| agents::set_status(c, &id, status)).await {
                    Ok(()) => {
                        self.agent.status = status;
                        self.app.hub.set_agent_status(&self.agent.id, status);
                    }
                    Err(e) => self.server_error(&e, None),
                }
            }
            AgentCommand::CloseConversation { conversation_id } => {
                match chat::end_conversation(&self.app, &conversation_id, EndReason::Agent).await {
                    Ok(true) => {}
                    Ok(false) => self.error(
                        ErrorCode::ConversationEnded,
                        "no open conversation with this id",
                        None,
                    ),
                    Err(e) => self.server_error(&e, None),
                }
            }
            AgentCommand::SendTranscript { conversation_id, email } => {
                let who = TranscriptFor::Agent;
                match chat::queue_transcript(&self.app, &conversation_id, &email, who).await {
                    Ok(()) => self.send(&AgentEvent::TranscriptQueued { conversation_id, email }),
                    Err(e) => self.chat_error(e, None),
                }
            }
        }
    }
}
