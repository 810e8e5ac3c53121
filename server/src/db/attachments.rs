//! The `attachments` table: metadata of uploaded files (the bytes live on disk under
//! the attachment's random id).
//!
//! Invariants: an attachment has exactly one owner (a visitor or an agent); it is
//! linked to a conversation when a message first refers to it, which is what lets
//! the conversation's visitor download a file an agent sent.

use rusqlite::{params, Connection, OptionalExtension};
use sitechat_core::time::UnixMillis;

use super::DbError;

/// One stored file's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRow {
    pub id: String,
    pub owner_visitor: Option<String>,
    pub owner_agent: Option<String>,
    pub conversation_id: Option<String>,
    pub name: String,
    pub mime: String,
    pub size: u64,
}

/// Records an uploaded file.
pub fn insert(conn: &Connection, row: &AttachmentRow, now: UnixMillis) -> Result<(), DbError> {
    conn.execute(
        "INSERT INTO attachments (id, owner_visitor, owner_agent, conversation_id, name, mime, size, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            row.id,
            row.owner_visitor,
            row.owner_agent,
            row.conversation_id,
            row.name,
            row.mime,
            i64::try_from(row.size).unwrap_or(i64::MAX),
            now
        ],
    )?;
    Ok(())
}

/// The file with this id.
pub fn get(conn: &Connection, id: &str) -> Result<Option<AttachmentRow>, DbError> {
    Ok(conn
        .query_row(
            "SELECT id, owner_visitor, owner_agent, conversation_id, name, mime, size FROM attachments WHERE id = ?1",
            [id],
            |r| {
                Ok(AttachmentRow {
                    id: r.get(0)?,
                    owner_visitor: r.get(1)?,
                    owner_agent: r.get(2)?,
                    conversation_id: r.get(3)?,
                    name: r.get(4)?,
                    mime: r.get(5)?,
                    size: u64::try_from(r.get::<_, i64>(6)?).unwrap_or(0),
                })
            },
        )
        .optional()?)
}

/// Links the file to the conversation a message attached it in (first link wins).
pub fn link(conn: &Connection, id: &str, conversation_id: &str) -> Result<(), DbError> {
    conn.execute(
        "UPDATE attachments SET conversation_id = ?2 WHERE id = ?1 AND conversation_id IS NULL",
        params![id, conversation_id],
    )?;
    Ok(())
}

/// Forgets uploads never attached to a message and older than `cutoff`; returns their
/// ids so their files can be deleted.
pub fn delete_unattached_before(
    conn: &Connection,
    cutoff: UnixMillis,
) -> Result<Vec<String>, DbError> {
    let mut stmt = conn.prepare(
        "DELETE FROM attachments WHERE conversation_id IS NULL AND created_at < ?1 RETURNING id",
    )?;
    let ids = stmt.query_map([cutoff], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
    Ok(ids)
}
