//! `GET /ws/agent`: the inbox's protocol (`sitechat_core::protocol::agent`).
//!
//! Invariants:
//! - the upgrade is refused with 401 unless the request carries a valid agent
//!   session cookie, and with 403 when a browser says it comes from another origin;
//! - the first frame sent is `ready`; after it the agent receives every live update
//!   (new conversations and messages, visitor typing, team status) until it leaves;
//! - an agent may act on any conversation (the inbox is shared by the team).

use std::sync::Arc;
use std::time::Instant;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use sitechat_core::protocol::agent::{
    AgentCommand, AgentEvent, AgentInfo, AgentStatus, MAX_LISTED_CONVERSATIONS,
};
use sitechat_core::protocol::limits::MAX_HISTORY_MESSAGES;
use sitechat_core::protocol::{ClientId, ConversationId, ErrorCode};
use sitechat_core::protocol::{EndReason, ServerEvent};

use super::frame_error::{client_id_of, code_for};
use super::rate_limit::TokenBucket;
use super::{write_frames, MAX_FRAME_BYTES, MAX_SOCKET_MESSAGE_BYTES};
use crate::app::App;
use crate::chat::{self, Refusal};
use crate::db::agents::AgentRow;
use crate::db::{agents, conversations, messages, DbError};
use crate::http::api_error::ApiError;
use crate::http::auth;
use crate::hub::Outgoing;

/// Upgrades an authenticated agent's request to an inbox socket.
pub async fn handler(
    ws: WebSocketUpgrade,
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Response {
    if !auth::same_origin(&headers) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "cross-origin inbox connections are refused",
        )
        .into_response();
    }
    let agent = match auth::agent_from_headers(&app, &headers).await {
        Ok(Some(agent)) => agent,
        Ok(None) => return ApiError::unauthorized().into_response(),
        Err(e) => return ApiError::internal(&e).into_response(),
    };
    ws.max_message_size(MAX_SOCKET_MESSAGE_BYTES)
        .max_frame_size(MAX_SOCKET_MESSAGE_BYTES)
        .on_upgrade(move |socket| run(app, socket, agent))
}

struct Session {
    app: Arc<App>,
    tx: Outgoing,
    agent: AgentRow,
    bucket: TokenBucket,
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

async fn run(app: Arc<App>, socket: WebSocket, agent: AgentRow) {
    let (sink, mut stream) = socket.split();
    let (tx, rx) = super::outgoing::channel_with_limit(app.config.max_queued_bytes);
    let writer = tokio::spawn(write_frames(sink, rx));
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
    let conn = app.hub.connect_agent(info(&agent, true), tx.clone());
    let bucket = TokenBucket::new(20.0, 100.0, Instant::now());
    let mut s = Session { app: app.clone(), tx, agent, bucket };
    let mut shutdown = app.shutdown.clone();
    let overflow = s.tx.clone();
    loop {
        let next = tokio::select! {
            _ = shutdown.wait_for(|stop| *stop) => break,
            _ = overflow.overflowed() => break,
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
    }
    app.hub.disconnect_agent(&s.agent.id, conn);
    drop(s);
    let _ = writer.await;
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
        match refusal {
            Refusal::NotFound => self.error(ErrorCode::NotFound, "no such conversation", client_id),
            Refusal::Ended => {
                self.error(ErrorCode::ConversationEnded, "this conversation has ended", client_id)
            }
            Refusal::BadAttachment(m) => self.error(ErrorCode::BadRequest, m, client_id),
            Refusal::BadEmail => self.error(
                ErrorCode::BadRequest,
                "send_transcript.email: not a usable e-mail address",
                client_id,
            ),
        }
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
        match AgentCommand::decode(text) {
            Err(e) => self.error(code_for(&e), &e.to_string(), client_id_of(text)),
            Ok(command) => self.on_command(command).await,
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
                match chat::agent_post(
                    &self.app,
                    &id,
                    &name,
                    conversation_id.into_string(),
                    client_id.to_string(),
                    text,
                    attachments,
                )
                .await
                {
                    Err(e) => self.server_error(&e, Some(client_id)),
                    Ok(Err(refusal)) => self.refuse(&refusal, Some(client_id)),
                    Ok(Ok(posted)) => self.send(&AgentEvent::Ack {
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
                match chat::queue_transcript(&self.app, &conversation_id, &email, None).await {
                    Ok(Ok(())) => {
                        self.send(&AgentEvent::TranscriptQueued { conversation_id, email })
                    }
                    Ok(Err(refusal)) => self.refuse(&refusal, None),
                    Err(e) => self.server_error(&e, None),
                }
            }
        }
    }
}
