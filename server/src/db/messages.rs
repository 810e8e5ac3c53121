//! The `messages` table.
//!
//! Invariants:
//! - `seq` is allocated by bumping the conversation's `last_seq` inside the same
//!   transaction as the insert, so seqs are strictly increasing and gap-free per
//!   conversation, whoever writes;
//! - a visitor's `client_id` is unique per visitor and an agent's per agent (partial
//!   unique indexes): a retried message is found, never stored twice;
//! - `attachments` holds the JSON array of [`Attachment`]s as sent to clients.

use rusqlite::{params, Connection, OptionalExtension, Row};
use sitechat_core::protocol::{Attachment, Author, AuthorKind, ClientId, WireMessage};
use sitechat_core::time::UnixMillis;

use super::DbError;

/// Who is writing a new message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Writer {
    Visitor { visitor_id: String },
    Agent { agent_id: String, name: String },
    System,
}

/// A message about to be stored.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub conversation_id: String,
    pub writer: Writer,
    pub client_id: Option<String>,
    pub text: String,
    pub attachments: Vec<Attachment>,
}

/// A stored message with the conversation it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    pub conversation_id: String,
    pub message: WireMessage,
}

const COLUMNS: &str =
    "id, conversation_id, seq, client_id, author_kind, author_name, text, attachments, created_at";

/// A message row as read: id, conversation, seq, client id, author kind, author
/// name, text, attachments JSON, created.
type RawRow = (String, String, i64, Option<String>, String, Option<String>, String, String, i64);

fn read(r: &Row<'_>) -> rusqlite::Result<RawRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
    ))
}

fn to_stored(raw: RawRow) -> Result<StoredMessage, DbError> {
    let (id, conversation_id, seq, client_id, kind, name, text, attachments, at) = raw;
    let kind = AuthorKind::parse(&kind)
        .ok_or_else(|| DbError::Corrupt(format!("author kind {kind:?}")))?;
    let attachments: Vec<Attachment> = serde_json::from_str(&attachments)
        .map_err(|e| DbError::Corrupt(format!("attachments of message {id}: {e}")))?;
    let author = match kind {
        AuthorKind::Visitor => Author::visitor(),
        other => Author { kind: other, name, avatar_url: None },
    };
    Ok(StoredMessage {
        conversation_id,
        message: WireMessage {
            id: id.into(),
            seq: u64::try_from(seq).unwrap_or(0),
            // Only the visitor's own ids go back on the wire: they let the widget
            // match the echo; an agent's client id means nothing to anyone else.
            client_id: if kind == AuthorKind::Visitor {
                client_id.map(ClientId::from)
            } else {
                None
            },
            author,
            text,
            attachments,
            quick_replies: Vec::new(),
            collect_input: true,
            at,
        },
    })
}

/// Stores a message at the conversation's next seq. Call inside a transaction.
pub fn insert(
    conn: &Connection,
    new: &NewMessage,
    now: UnixMillis,
) -> Result<StoredMessage, DbError> {
    let is_visitor = matches!(new.writer, Writer::Visitor { .. });
    let seq: i64 = conn.query_row(
        "UPDATE conversations SET last_seq = last_seq + 1, last_activity_at = ?2,
            last_visitor_message_at = CASE WHEN ?3 THEN ?2 ELSE last_visitor_message_at END
         WHERE id = ?1 RETURNING last_seq",
        params![new.conversation_id, now, is_visitor],
        |r| r.get(0),
    )?;
    let id = crate::ids::new_id("m");
    let (kind, visitor_id, agent_id, name) = match &new.writer {
        Writer::Visitor { visitor_id } => ("visitor", Some(visitor_id.as_str()), None, None),
        Writer::Agent { agent_id, name } => {
            ("agent", None, Some(agent_id.as_str()), Some(name.as_str()))
        }
        Writer::System => ("system", None, None, None),
    };
    let attachments = serde_json::to_string(&new.attachments)
        .map_err(|e| DbError::Corrupt(format!("attachments: {e}")))?;
    conn.execute(
        &format!("INSERT INTO messages ({COLUMNS}, visitor_id, agent_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"),
        params![id, new.conversation_id, seq, new.client_id, kind, name, new.text, attachments, now, visitor_id, agent_id],
    )?;
    if let Writer::Agent { .. } = new.writer {
        // An agent who replies has read what came before.
        conn.execute(
            "UPDATE conversations SET agent_read_seq = ?2 WHERE id = ?1",
            params![new.conversation_id, seq],
        )?;
    }
    to_stored((
        id,
        new.conversation_id.clone(),
        seq,
        new.client_id.clone(),
        kind.to_owned(),
        name.map(str::to_owned),
        new.text.clone(),
        attachments,
        now,
    ))
}

/// The message a visitor already sent with this client id, if any.
pub fn find_visitor_client_id(
    conn: &Connection,
    visitor_id: &str,
    client_id: &str,
) -> Result<Option<StoredMessage>, DbError> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM messages WHERE author_kind = 'visitor' AND visitor_id = ?1 AND client_id = ?2"),
        params![visitor_id, client_id],
        read,
    )
    .optional()?
    .map(to_stored)
    .transpose()
}

/// The message an agent already sent in this conversation with this client id, if any
/// (an agent's client ids are unique per conversation).
pub fn find_agent_client_id(
    conn: &Connection,
    agent_id: &str,
    conversation_id: &str,
    client_id: &str,
) -> Result<Option<StoredMessage>, DbError> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM messages WHERE author_kind = 'agent' AND agent_id = ?1 AND conversation_id = ?2 AND client_id = ?3"),
        params![agent_id, conversation_id, client_id],
        read,
    )
    .optional()?
    .map(to_stored)
    .transpose()
}

/// Up to `limit` messages after `after_seq`, in seq order, and whether that is all.
pub fn after(
    conn: &Connection,
    conversation_id: &str,
    after_seq: u64,
    limit: usize,
) -> Result<(Vec<WireMessage>, bool), DbError> {
    let after = i64::try_from(after_seq).unwrap_or(i64::MAX);
    let fetch = i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1);
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM messages WHERE conversation_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"
    ))?;
    let raw = stmt
        .query_map(params![conversation_id, after, fetch], read)?
        .collect::<Result<Vec<_>, _>>()?;
    let complete = raw.len() <= limit;
    let messages = raw
        .into_iter()
        .take(limit)
        .map(|r| to_stored(r).map(|s| s.message))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((messages, complete))
}

/// The newest `limit` messages in seq order, and whether that is all of them.
pub fn latest(
    conn: &Connection,
    conversation_id: &str,
    limit: usize,
) -> Result<(Vec<WireMessage>, bool), DbError> {
    let fetch = i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1);
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM messages WHERE conversation_id = ?1 ORDER BY seq DESC LIMIT ?2"
    ))?;
    let raw =
        stmt.query_map(params![conversation_id, fetch], read)?.collect::<Result<Vec<_>, _>>()?;
    let complete = raw.len() <= limit;
    let mut messages = raw
        .into_iter()
        .take(limit)
        .map(|r| to_stored(r).map(|s| s.message))
        .collect::<Result<Vec<_>, _>>()?;
    messages.reverse();
    Ok((messages, complete))
}

/// Bytes of message text the conversation holds.
pub fn text_bytes(conn: &Connection, conversation_id: &str) -> Result<u64, DbError> {
    let n: i64 = conn.query_row(
        "SELECT COALESCE(SUM(LENGTH(CAST(text AS BLOB))), 0) FROM messages WHERE conversation_id = ?1",
        [conversation_id],
        |r| r.get(0),
    )?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Every message of a conversation in seq order (for transcripts).
pub fn all(conn: &Connection, conversation_id: &str) -> Result<Vec<WireMessage>, DbError> {
    after(conn, conversation_id, 0, usize::MAX / 2).map(|(m, _)| m)
}
