//! The chat operations both sockets (and the inactivity task) share: posting a
//! message, ending a conversation, queueing a transcript.
//!
//! Invariants:
//! - each operation is one SQLite transaction, committed before anything is sent,
//!   so an `ack` always names a stored message;
//! - a visitor's operation is scoped by its visitor id: a conversation of another
//!   visitor reads as [`Refusal::NotFound`], exactly like one that does not exist;
//! - a visitor's `send_message` without a conversation joins the visitor's open
//!   conversation if it has one (two tabs racing their first message end up in one
//!   conversation), else starts one, within the per-hour allowance;
//! - every operation returns one [`ChatError`]: a [`Refusal`] (the client's fault, with
//!   its protocol code) or a storage failure;
//! - live frames go out only after the commit, through the [`Hub`](crate::hub::Hub).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use rusqlite::Connection;
use sitechat_core::protocol::agent::{AgentEvent, ConversationStatus, ConversationSummary};
use sitechat_core::protocol::ErrorCode;
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
    /// The visitor (or its address) started as many conversations as it may this hour.
    TooManyConversations,
    /// The conversation holds as much text as it may.
    ConversationFull,
    /// The visitor asked for as many transcripts as it may.
    TooManyTranscripts,
    /// A visitor's transcripts go only to the address it gave first.
    TranscriptAddress,
}

impl Refusal {
    /// The protocol `error` code.
    pub fn code(&self) -> ErrorCode {
        match self {
            Refusal::NotFound => ErrorCode::NotFound,
            Refusal::Ended => ErrorCode::ConversationEnded,
            Refusal::BadAttachment(_) | Refusal::BadEmail => ErrorCode::BadRequest,
            Refusal::TooManyConversations => ErrorCode::TooManyConversations,
            Refusal::ConversationFull => ErrorCode::ConversationFull,
            Refusal::TooManyTranscripts => ErrorCode::TooManyTranscripts,
            Refusal::TranscriptAddress => ErrorCode::TranscriptAddress,
        }
    }

    /// The `error` frame's message; `field` names the e-mail field for
    /// [`Refusal::BadEmail`] (`request_transcript.email` or `send_transcript.email`).
    pub fn message(&self, field: &str) -> String {
        match self {
            Refusal::NotFound => "no such conversation".into(),
            Refusal::Ended => "this conversation has ended".into(),
            Refusal::BadAttachment(m) => m.clone(),
            Refusal::BadEmail => format!("{field}: not a usable e-mail address"),
            Refusal::TooManyConversations => {
                "too many new conversations from here; try again later".into()
            }
            Refusal::ConversationFull => {
                "this conversation is too long to take more text; start a new one".into()
            }
            Refusal::TooManyTranscripts => "too many transcripts requested; try later".into(),
            Refusal::TranscriptAddress => {
                "transcripts go to the address given first; ask the team for another".into()
            }
        }
    }
}

/// Why a chat operation did not happen.
#[derive(Debug)]
pub enum ChatError {
    /// The client asked for something it may not have.
    Refused(Refusal),
    /// Storage failed (logged; the client gets `server_error`).
    Db(DbError),
}

impl From<Refusal> for ChatError {
    fn from(r: Refusal) -> ChatError {
        ChatError::Refused(r)
    }
}

impl From<DbError> for ChatError {
    fn from(e: DbError) -> ChatError {
        ChatError::Db(e)
    }
}

impl From<rusqlite::Error> for ChatError {
    fn from(e: rusqlite::Error) -> ChatError {
        ChatError::Db(DbError::from(e))
    }
}

/// A message accepted for storage.
#[derive(Debug, Clone)]
pub struct Posted {
    /// The message, newly stored or found by its client id.
    pub stored: StoredMessage,
    /// `false` when the client id was seen before and nothing new was stored.
    pub fresh: bool,
    /// The request named no conversation: the client learns its id now.
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
    /// The client's address (new conversations are limited per address too).
    pub ip: IpAddr,
}

/// Longest page URL stored, in bytes.
pub const MAX_PAGE_URL_BYTES: usize = 2048;

/// The page URL as stored and shown: an `http(s)` URL without whitespace or control
/// characters, at most [`MAX_PAGE_URL_BYTES`]; anything else is stored as empty.
///
/// ```
/// use sitechat_server::chat::clean_page_url;
/// assert_eq!(clean_page_url("https://shop.example/pricing?a=1"), "https://shop.example/pricing?a=1");
/// assert_eq!(clean_page_url("https://x.example/\nBcc: victim@example.com"), "");
/// assert_eq!(clean_page_url("javascript:alert(1)"), "");
/// ```
pub fn clean_page_url(url: &str) -> String {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let http = lower.starts_with("http://") || lower.starts_with("https://");
    let clean = url.len() <= MAX_PAGE_URL_BYTES
        && url.chars().all(|c| !c.is_control() && !c.is_whitespace())
        && !url.chars().any(crate::sniff::is_invisible_format);
    if http && clean {
        url.to_owned()
    } else {
        String::new()
    }
}

fn resolve_attachments(
    conn: &Connection,
    app: &App,
    refs: &[AttachmentRef],
    conversation_id: &str,
    may_use: impl Fn(&attachments::AttachmentRow) -> bool,
) -> Result<Vec<Attachment>, ChatError> {
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
            _ => {
                return Err(Refusal::BadAttachment(format!("unknown attachment {:?}", r.id)).into())
            }
        }
    }
    Ok(out)
}

/// Pushes a stored message to its visitor's sockets and to every agent.
fn fan_out(app: &App, visitor_id: &str, posted: &Posted) {
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
        app.hub.to_agents(&AgentEvent::ConversationUpdated { conversation: summary.clone() });
    }
}

/// Stores a visitor's message (in its open conversation, or a new one, when none is
/// named), de-duplicated by client id, then pushes it to the visitor's other sockets
/// and to the agents.
pub async fn visitor_post(
    app: &Arc<App>,
    visitor_id: &str,
    post: VisitorPost,
) -> Result<Posted, ChatError> {
    let app2 = app.clone();
    let visitor = visitor_id.to_owned();
    let posted = app
        .db
        .transact(move |conn| {
            let tx = conn.transaction()?;
            let started = post.conversation_id.is_none();
            if let Some(stored) = messages::find_visitor_client_id(&tx, &visitor, &post.client_id)?
            {
                return Ok(Posted { stored, fresh: false, started, summary: None });
            }
            let conversation_id = match &post.conversation_id {
                Some(id) => match conversations::get_for_visitor(&tx, id, &visitor)? {
                    None => return Err(Refusal::NotFound.into()),
                    Some(c) if c.status == ConversationStatus::Ended => {
                        return Err(Refusal::Ended.into())
                    }
                    Some(c) => c.id,
                },
                None => match conversations::open_for_visitor(&tx, &visitor)? {
                    Some(open) => open,
                    None => {
                        let now = Instant::now();
                        let limits = &app2.limits;
                        if !limits.conversations_per_visitor.take(&visitor, 1.0, now)
                            || !limits.conversations_per_address.take(
                                &crate::limits::address_key(post.ip),
                                1.0,
                                now,
                            )
                        {
                            return Err(Refusal::TooManyConversations.into());
                        }
                        let page_url = clean_page_url(&post.page_url);
                        conversations::create(&tx, &visitor, &page_url, now_ms())?
                    }
                },
            };
            let held = messages::text_bytes(&tx, &conversation_id)?;
            if held.saturating_add(post.text.len() as u64) > app2.config.max_conversation_text_bytes
            {
                return Err(Refusal::ConversationFull.into());
            }
            let files =
                resolve_attachments(&tx, &app2, &post.attachments, &conversation_id, |row| {
                    row.owner_visitor.as_deref() == Some(visitor.as_str())
                })?;
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
            Ok::<_, ChatError>(Posted { stored, fresh: true, started, summary })
        })
        .await?;
    if posted.fresh {
        fan_out(app, visitor_id, &posted);
    }
    Ok(posted)
}

/// What an agent asked to post.
#[derive(Debug, Clone)]
pub struct AgentPost {
    pub conversation_id: String,
    pub client_id: String,
    pub text: String,
    pub attachments: Vec<AttachmentRef>,
}

/// Stores an agent's reply (taking the conversation if nobody has it), de-duplicated
/// by client id within the conversation, then pushes it to the visitor and every agent.
pub async fn agent_post(
    app: &Arc<App>,
    agent_id: &str,
    agent_name: &str,
    post: AgentPost,
) -> Result<Posted, ChatError> {
    let app2 = app.clone();
    let (agent, name) = (agent_id.to_owned(), agent_name.to_owned());
    let (posted, visitor_id) = app
        .db
        .transact(move |conn| {
            let tx = conn.transaction()?;
            if let Some(stored) =
                messages::find_agent_client_id(&tx, &agent, &post.conversation_id, &post.client_id)?
            {
                return Ok((Posted { stored, fresh: false, started: false, summary: None }, None));
            }
            let conv = match conversations::get(&tx, &post.conversation_id)? {
                None => return Err(Refusal::NotFound.into()),
                Some(c) if c.status == ConversationStatus::Ended => {
                    return Err(Refusal::Ended.into())
                }
                Some(c) => c,
            };
            let files = resolve_attachments(&tx, &app2, &post.attachments, &conv.id, |row| {
                row.owner_agent.is_some()
                    || row.conversation_id.as_deref() == Some(conv.id.as_str())
            })?;
            if conv.assignee.is_none() {
                conversations::assign(&tx, &conv.id, Some(&agent))?;
            }
            let new = NewMessage {
                conversation_id: conv.id.clone(),
                writer: Writer::Agent { agent_id: agent.clone(), name: name.clone() },
                client_id: Some(post.client_id),
                text: post.text,
                attachments: files,
            };
            let stored = messages::insert(&tx, &new, now_ms())?;
            let summary = conversations::summary(&tx, &conv.id)?;
            tx.commit()?;
            Ok::<_, ChatError>((
                Posted { stored, fresh: true, started: false, summary },
                Some(conv.visitor_id),
            ))
        })
        .await?;
    if let Some(visitor_id) = visitor_id {
        fan_out(app, &visitor_id, &posted);
    }
    Ok(posted)
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

/// Who asks for a transcript.
#[derive(Debug, Clone, Copy)]
pub enum TranscriptFor<'a> {
    /// A visitor: scoped to its own conversations, to the address it gave first, and
    /// limited per conversation and per hour.
    Visitor(&'a str),
    /// An agent, from the inbox: any conversation, any address.
    Agent,
}

/// Queues the transcript of a conversation for `email`.
pub async fn queue_transcript(
    app: &Arc<App>,
    conversation_id: &str,
    email: &str,
    who: TranscriptFor<'_>,
) -> Result<(), ChatError> {
    if !sitechat_core::email::is_valid_email(email) {
        return Err(Refusal::BadEmail.into());
    }
    let app2 = app.clone();
    let visitor = match who {
        TranscriptFor::Visitor(v) => Some(v.to_owned()),
        TranscriptFor::Agent => None,
    };
    let (id, email) = (conversation_id.to_owned(), email.to_owned());
    app.db
        .transact(move |conn| {
            let tx = conn.transaction()?;
            if let Some(v) = &visitor {
                if conversations::get_for_visitor(&tx, &id, v)?.is_none() {
                    return Err(Refusal::NotFound.into());
                }
                match visitors::email(&tx, v)? {
                    Some(known) if !known.eq_ignore_ascii_case(&email) => {
                        return Err(Refusal::TranscriptAddress.into())
                    }
                    Some(_) => {}
                    None => visitors::set_email(&tx, v, &email)?,
                }
                let now = Instant::now();
                let limits = &app2.limits;
                if !limits.transcripts_per_conversation.take(&id, 1.0, now)
                    || !limits.transcripts_per_visitor.take(v, 1.0, now)
                {
                    return Err(Refusal::TooManyTranscripts.into());
                }
            }
            if !queue_transcript_in(&tx, &app2, &id, &email)? {
                return Err(Refusal::NotFound.into());
            }
            tx.commit()?;
            Ok::<_, ChatError>(())
        })
        .await?;
    app.outbox_wake.notify_one();
    Ok(())
}
