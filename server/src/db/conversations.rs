//! The `conversations` table and the inbox's view of it.
//!
//! Invariants:
//! - `status` is `ended` exactly when `end_reason` and `ended_at` are set, and an
//!   ended conversation never reopens (a visitor starts a new one);
//! - `last_seq` is the seq of the newest message; it only grows (see [`super::messages`]);
//! - unread counts are visitor messages after `agent_read_seq`.

use rusqlite::{params, Connection, OptionalExtension, Row};
use sitechat_core::protocol::agent::{ConversationStatus, ConversationSummary};
use sitechat_core::protocol::EndReason;
use sitechat_core::time::UnixMillis;

use super::DbError;

/// Longest preview of the newest message in the inbox list, in characters.
pub const PREVIEW_CHARS: usize = 140;

/// The facts about a conversation the chat layer checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationRow {
    pub id: String,
    pub visitor_id: String,
    pub status: ConversationStatus,
    pub page_url: String,
    pub assignee: Option<String>,
}

/// Starts a conversation for a visitor.
pub fn create(
    conn: &Connection,
    visitor_id: &str,
    page_url: &str,
    now: UnixMillis,
) -> Result<String, DbError> {
    let id = crate::ids::new_id("c");
    conn.execute(
        "INSERT INTO conversations (id, visitor_id, status, page_url, created_at, last_activity_at, last_visitor_message_at)
         VALUES (?1, ?2, 'open', ?3, ?4, ?4, ?4)",
        params![id, visitor_id, page_url, now],
    )?;
    Ok(id)
}

/// The visitor's newest open conversation, if any.
pub fn open_for_visitor(conn: &Connection, visitor_id: &str) -> Result<Option<String>, DbError> {
    Ok(conn
        .query_row(
            "SELECT id FROM conversations WHERE visitor_id = ?1 AND status = 'open'
             ORDER BY created_at DESC LIMIT 1",
            [visitor_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// The conversation with this id.
pub fn get(conn: &Connection, id: &str) -> Result<Option<ConversationRow>, DbError> {
    let row = conn
        .query_row(
            "SELECT id, visitor_id, status, page_url, assignee FROM conversations WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get(3)?,
                    r.get(4)?,
                ))
            },
        )
        .optional()?;
    row.map(|(id, visitor_id, status, page_url, assignee)| {
        let status = ConversationStatus::parse(&status)
            .ok_or_else(|| DbError::Corrupt(format!("conversation status {status:?}")))?;
        Ok(ConversationRow { id, visitor_id, status, page_url, assignee })
    })
    .transpose()
}

/// The conversation, only if it belongs to `visitor_id`: the one door through which
/// a visitor reaches a conversation.
pub fn get_for_visitor(
    conn: &Connection,
    id: &str,
    visitor_id: &str,
) -> Result<Option<ConversationRow>, DbError> {
    Ok(get(conn, id)?.filter(|c| c.visitor_id == visitor_id))
}

const SUMMARY_SELECT: &str = "
    SELECT c.id, c.visitor_id, c.status, c.end_reason, c.page_url, c.assignee,
        (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id
            AND m.author_kind = 'visitor' AND m.seq > c.agent_read_seq),
        c.last_seq,
        COALESCE((SELECT m.text FROM messages m WHERE m.conversation_id = c.id AND m.seq = c.last_seq), ''),
        c.created_at, c.last_activity_at
    FROM conversations c";

fn summary_from_row(
    r: &Row<'_>,
) -> rusqlite::Result<(ConversationSummary, String, Option<String>)> {
    let status: String = r.get(2)?;
    let end_reason: Option<String> = r.get(3)?;
    let preview: String = r.get(8)?;
    Ok((
        ConversationSummary {
            id: r.get::<_, String>(0)?.into(),
            visitor_id: r.get(1)?,
            status: ConversationStatus::Open,
            end_reason: None,
            page_url: r.get(4)?,
            assignee: r.get(5)?,
            unread: u64::try_from(r.get::<_, i64>(6)?).unwrap_or(0),
            last_seq: u64::try_from(r.get::<_, i64>(7)?).unwrap_or(0),
            preview: preview.chars().take(PREVIEW_CHARS).collect(),
            created_at: r.get(9)?,
            last_activity_at: r.get(10)?,
        },
        status,
        end_reason,
    ))
}

fn finish_summary(
    (mut s, status, end_reason): (ConversationSummary, String, Option<String>),
) -> Result<ConversationSummary, DbError> {
    s.status = ConversationStatus::parse(&status)
        .ok_or_else(|| DbError::Corrupt(format!("conversation status {status:?}")))?;
    s.end_reason = match end_reason {
        None => None,
        Some(r) => Some(
            EndReason::parse(&r).ok_or_else(|| DbError::Corrupt(format!("end reason {r:?}")))?,
        ),
    };
    Ok(s)
}

/// The inbox line for one conversation.
pub fn summary(conn: &Connection, id: &str) -> Result<Option<ConversationSummary>, DbError> {
    conn.query_row(&format!("{SUMMARY_SELECT} WHERE c.id = ?1"), [id], summary_from_row)
        .optional()?
        .map(finish_summary)
        .transpose()
}

/// The inbox list: open conversations first, then newest activity first.
pub fn list_summaries(
    conn: &Connection,
    limit: usize,
) -> Result<Vec<ConversationSummary>, DbError> {
    let mut stmt = conn.prepare(&format!(
        "{SUMMARY_SELECT} ORDER BY (c.status = 'open') DESC, c.last_activity_at DESC, c.id LIMIT ?1"
    ))?;
    let rows = stmt
        .query_map([i64::try_from(limit).unwrap_or(i64::MAX)], summary_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(finish_summary).collect()
}

/// Ends an open conversation; `false` when it was already ended (or does not exist).
pub fn end(
    conn: &Connection,
    id: &str,
    reason: EndReason,
    now: UnixMillis,
) -> Result<bool, DbError> {
    let changed = conn.execute(
        "UPDATE conversations SET status = 'ended', end_reason = ?2, ended_at = ?3, last_activity_at = ?3
         WHERE id = ?1 AND status = 'open'",
        params![id, reason.as_str(), now],
    )?;
    Ok(changed == 1)
}

/// Sets or clears the assignee.
pub fn assign(conn: &Connection, id: &str, agent_id: Option<&str>) -> Result<(), DbError> {
    conn.execute("UPDATE conversations SET assignee = ?2 WHERE id = ?1", params![id, agent_id])?;
    Ok(())
}

/// Agents have read everything up to `seq` (never moves backwards).
pub fn mark_agent_read(conn: &Connection, id: &str, seq: u64) -> Result<(), DbError> {
    let seq = i64::try_from(seq).unwrap_or(i64::MAX);
    conn.execute(
        "UPDATE conversations SET agent_read_seq = MIN(MAX(agent_read_seq, ?2), last_seq) WHERE id = ?1",
        params![id, seq],
    )?;
    Ok(())
}

/// The visitor has read everything up to `seq` (never moves backwards).
pub fn mark_visitor_read(conn: &Connection, id: &str, seq: u64) -> Result<(), DbError> {
    let seq = i64::try_from(seq).unwrap_or(i64::MAX);
    conn.execute(
        "UPDATE conversations SET visitor_read_seq = MIN(MAX(visitor_read_seq, ?2), last_seq) WHERE id = ?1",
        params![id, seq],
    )?;
    Ok(())
}

/// Open conversations whose visitor has been silent since before `cutoff`.
pub fn idle_open(conn: &Connection, cutoff: UnixMillis) -> Result<Vec<String>, DbError> {
    let mut stmt = conn.prepare(
        "SELECT id FROM conversations WHERE status = 'open' AND last_visitor_message_at < ?1 ORDER BY id",
    )?;
    let ids = stmt.query_map([cutoff], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
    Ok(ids)
}
