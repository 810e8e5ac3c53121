//! The chat operations both sockets (and the inactivity task) share: posting a
//! message, ending a conversation, queueing a transcript.
//!
//! Invariants:
//! - each operation is one SQLite transaction, committed before anything is sent,
//!   so an `ack` always names a stored message;
//! - a visitor's operation is scoped by its visitor id: a conversation of another
//!   visitor reads as [`Refusal::NotFound`], exactly like one that does not exist;
//! - live frames go out only after the commit, through the [`Hub`](crate::hub::Hub).

use std::sync::Arc;

use rusqlite::Connection;
use sitechat_core::protocol::agent::{AgentEvent, ConversationStatus, ConversationSummary};
use sitechat_core::protocol::{Attachment, AttachmentRef, ConversationId, EndReason, ServerEvent};

use crate::app::App;
use crate::clock::now_ms;
use crate::db::messages::{NewMessage, StoredMessage, Writer};
use crate::db::{attachments, conversations, messages, outbox, visitors, DbError};

/// Why an operation was refused (as opposed to failing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No such conversation for this client.
    NotFound,
    /// The conversation has ended.
    Ended,
    /// An attachment reference does not name a file this client may attach.
    BadAttachment(String),
    /// The e-mail address is not usable.
    BadEmail,
}

/// A message accepted for storage.
#[derive(Debug, Clone)]
pub struct Posted {
    /// The message, newly stored or found by its client id.
    pub stored: StoredMessage,
    /// `false` when the client id was seen before and nothing new was stored.
    pub fresh: bool,
    /// The conversation was created by this message.
    pub started: bool,
    pub summary: Option<ConversationSummary>,
}

/// What the visitor asked to post.
#[derive(Debug, Clone)]
pub struct VisitorPost {
    pub conversation_id: Option<String>,
    pub client_id: String,
    pub text: String,
    pub attachments: Vec<AttachmentRef>,
    pub page_url: String,
}

fn resolve_attachments(
    conn: &Connection,
    app: &App,
    refs: &[AttachmentRef],
    conversation_id: &str,
    may_use: impl Fn(&attachments::AttachmentRow) -> bool,
) -> Result<Result<Vec<Attachment>, Refusal>, DbError> {
    let mut out = Vec::with_capacity(refs.len());
    for r in refs {
        match attachments::get(conn, &r.id)? {
            Some(row) if may_use(&row) => {
                attachments::link(conn, &row.id, conversation_id)?;
                out.push(Attachment {
                    url: app.attachment_url(&row.id),
                    id: row.id,
                    name: row.name,
                    mime: row.mime,
                    size: row.size,
                });
            }
            _ => return Ok(Err(Refusal::BadAttachment(format!("unknown attachment {:?}", r.id)))),
        }
    }
    Ok(Ok(out))
}

/// Stores a visitor's message (creating the conversation if asked), de-duplicated
/// by client id, then pushes it to the visitor's other sockets and to the agents.
pub async fn visitor_post(
    app: &Arc<App>,
    visitor_id: &str,
    post: VisitorPost,
) -> Result<Result<Posted, Refusal>, DbError> {
    let app2 = app.clone();
    let visitor = visitor_id.to_owned();
    let result = app
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            if let Some(stored) = messages::find_visitor_client_id(&tx, &visitor, &post.client_id)?
            {
                let started = post.conversation_id.is_none();
                return Ok(Ok(Posted { stored, fresh: false, started, summary: None }));
            }
            let (conversation_id, started) = match &post.conversation_id {
                Some(id) => match conversations::get_for_visitor(&tx, id, &visitor)? {
                    None => return Ok(Err(Refusal::NotFound)),
                    Some(c) if c.status == ConversationStatus::Ended => {
                        return Ok(Err(Refusal::Ended))
                    }
                    Some(c) => (c.id, false),
                },
                None => (conversations::create(&tx, &visitor, &post.page_url, now_ms())?, true),
            };
            let files =
                match resolve_attachments(&tx, &app2, &post.attachments, &conversation_id, |row| {
                    row.owner_visitor.as_deref() == Some(visitor.as_str())
                })? {
                    Ok(files) => files,
                    Err(refusal) => return Ok(Err(refusal)),
                };
            let new = NewMessage {
                conversation_id: conversation_id.clone(),
                writer: Writer::Visitor { visitor_id: visitor.clone() },
                client_id: Some(post.client_id.clone()),
                text: post.text.clone(),
                attachments: files,
            };
            let stored = messages::insert(&tx, &new, now_ms())?;
            let summary = conversations::summary(&tx, &conversation_id)?;
            tx.commit()?;
            Ok(Ok(Posted { stored, fresh: true, started, summary }))
        })
        .await?;
    if let Ok(posted) = &result {
        if posted.fresh {
            let conversation_id = ConversationId::from(posted.stored.conversation_id.clone());
            app.hub.to_visitor(
                visitor_id,
                &ServerEvent::Message {
                    conversation_id: conversation_id.clone(),
                    message: posted.stored.message.clone(),
                },
            );
            app.hub.to_agents(&AgentEvent::Message {
                conversation_id,
                message: posted.stored.message.clone(),
            });
            if let Some(summary) = &posted.summary {
                app.hub
                    .to_agents(&AgentEvent::ConversationUpdated { conversation: summary.clone() });
            }
        }
    }
    Ok(result)
}

/// Stores an agent's reply (taking the conversation if nobody has it), then pushes
/// it to the visitor and every agent.
pub async fn agent_post(
    app: &Arc<App>,
    agent_id: &str,
    agent_name: &str,
    conversation_id: String,
    client_id: String,
    text: String,
    refs: Vec<AttachmentRef>,
) -> Result<Result<Posted, Refusal>, DbError> {
    let app2 = app.clone();
    let (agent, name) = (agent_id.to_owned(), agent_name.to_owned());
    let result = app
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            if let Some(stored) = messages::find_agent_client_id(&tx, &agent, &client_id)? {
                return Ok(Ok((
                    Posted { stored, fresh: false, started: false, summary: None },
                    None,
                )));
            }
            let conv = match conversations::get(&tx, &conversation_id)? {
                None => return Ok(Err(Refusal::NotFound)),
                Some(c) if c.status == ConversationStatus::Ended => return Ok(Err(Refusal::Ended)),
                Some(c) => c,
            };
            let files = match resolve_attachments(&tx, &app2, &refs, &conv.id, |row| {
                row.owner_agent.is_some()
                    || row.conversation_id.as_deref() == Some(conv.id.as_str())
            })? {
                Ok(files) => files,
                Err(refusal) => return Ok(Err(refusal)),
            };
            if conv.assignee.is_none() {
                conversations::assign(&tx, &conv.id, Some(&agent))?;
            }
            let new = NewMessage {
                conversation_id: conv.id.clone(),
                writer: Writer::Agent { agent_id: agent.clone(), name: name.clone() },
                client_id: Some(client_id),
                text,
                attachments: files,
            };
            let stored = messages::insert(&tx, &new, now_ms())?;
            let summary = conversations::summary(&tx, &conv.id)?;
            tx.commit()?;
            Ok(Ok((Posted { stored, fresh: true, started: false, summary }, Some(conv.visitor_id))))
        })
        .await?;
    Ok(result.map(|(posted, visitor_id)| {
        let Some(visitor_id) = visitor_id else { return posted };
        let conversation_id = ConversationId::from(posted.stored.conversation_id.clone());
        app.hub.to_visitor(
            &visitor_id,
            &ServerEvent::Message {
                conversation_id: conversation_id.clone(),
                message: posted.stored.message.clone(),
            },
        );
        app.hub.to_agents(&AgentEvent::Message {
            conversation_id,
            message: posted.stored.message.clone(),
        });
        if let Some(summary) = &posted.summary {
            app.hub.to_agents(&AgentEvent::ConversationUpdated { conversation: summary.clone() });
        }
        posted
    }))
}

/// Ends an open conversation: tells its visitor and every agent, and mails the
/// transcript when the site asks for it and the visitor's address is known.
/// Returns `false` when it was not open (nothing happens then).
pub async fn end_conversation(
    app: &Arc<App>,
    conversation_id: &str,
    reason: EndReason,
) -> Result<bool, DbError> {
    let auto_send = app.options.transcript_auto_send;
    let app2 = app.clone();
    let id = conversation_id.to_owned();
    let ended = app
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let Some(conv) = conversations::get(&tx, &id)? else { return Ok(None) };
            if !conversations::end(&tx, &id, reason, now_ms())? {
                return Ok(None);
            }
            let mut mailed = false;
            if auto_send {
                if let Some(email) = visitors::email(&tx, &conv.visitor_id)? {
                    queue_transcript_in(&tx, &app2, &id, &email)?;
                    mailed = true;
                }
            }
            let summary = conversations::summary(&tx, &id)?;
            tx.commit()?;
            Ok(Some((conv.visitor_id, summary, mailed)))
        })
        .await?;
    let Some((visitor_id, summary, mailed)) = ended else { return Ok(false) };
    app.hub.to_visitor(
        &visitor_id,
        &ServerEvent::ConversationEnded { conversation_id: conversation_id.into(), reason },
    );
    if let Some(summary) = summary {
        app.hub.to_agents(&AgentEvent::ConversationUpdated { conversation: summary });
    }
    if mailed {
        app.outbox_wake.notify_one();
    }
    Ok(true)
}

fn queue_transcript_in(
    conn: &Connection,
    app: &App,
    conversation_id: &str,
    email: &str,
) -> Result<bool, DbError> {
    let Some(conv) = conversations::get(conn, conversation_id)? else { return Ok(false) };
    let all = messages::all(conn, conversation_id)?;
    let mail = crate::mail::transcript::render(app, &conv, &all);
    outbox::enqueue(conn, email, &mail.subject, &mail.body, now_ms())?;
    Ok(true)
}

/// Queues the transcript of a conversation for `email`. `visitor_id` scopes the
/// lookup for visitors (and remembers their address); agents pass `None`.
pub async fn queue_transcript(
    app: &Arc<App>,
    conversation_id: &str,
    email: &str,
    visitor_id: Option<&str>,
) -> Result<Result<(), Refusal>, DbError> {
    if !sitechat_core::email::is_valid_email(email) {
        return Ok(Err(Refusal::BadEmail));
    }
    let app2 = app.clone();
    let (id, email, visitor) =
        (conversation_id.to_owned(), email.to_owned(), visitor_id.map(str::to_owned));
    let queued = app
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            if let Some(v) = &visitor {
                if conversations::get_for_visitor(&tx, &id, v)?.is_none() {
                    return Ok(Err(Refusal::NotFound));
                }
                visitors::set_email(&tx, v, &email)?;
            }
            if !queue_transcript_in(&tx, &app2, &id, &email)? {
                return Ok(Err(Refusal::NotFound));
            }
            tx.commit()?;
            Ok(Ok(()))
        })
        .await?;
    if queued.is_ok() {
        app.outbox_wake.notify_one();
    }
    Ok(queued)
}
