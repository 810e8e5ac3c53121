//! The `visitors` table: one row per widget session, found by the hash of its token.

use rusqlite::{params, Connection, OptionalExtension};
use sitechat_core::time::UnixMillis;

use super::DbError;

/// Creates a visitor for a fresh token and returns its id.
pub fn create(conn: &Connection, token_hash: &[u8], now: UnixMillis) -> Result<String, DbError> {
    let id = crate::ids::new_id("v");
    conn.execute(
        "INSERT INTO visitors (id, token_hash, created_at, last_seen_at) VALUES (?1, ?2, ?3, ?3)",
        params![id, token_hash, now],
    )?;
    Ok(id)
}

/// The visitor a token belongs to, noting that it was seen now.
pub fn find_by_token(
    conn: &Connection,
    token_hash: &[u8],
    now: UnixMillis,
) -> Result<Option<String>, DbError> {
    let id: Option<String> = conn
        .query_row("SELECT id FROM visitors WHERE token_hash = ?1", [token_hash], |r| r.get(0))
        .optional()?;
    if let Some(id) = &id {
        conn.execute("UPDATE visitors SET last_seen_at = ?2 WHERE id = ?1", params![id, now])?;
    }
    Ok(id)
}

/// Remembers the address the visitor asked a transcript for.
pub fn set_email(conn: &Connection, visitor_id: &str, email: &str) -> Result<(), DbError> {
    conn.execute("UPDATE visitors SET email = ?2 WHERE id = ?1", params![visitor_id, email])?;
    Ok(())
}

/// The visitor's known e-mail address, if any.
pub fn email(conn: &Connection, visitor_id: &str) -> Result<Option<String>, DbError> {
    Ok(conn
        .query_row("SELECT email FROM visitors WHERE id = ?1", [visitor_id], |r| r.get(0))
        .optional()?
        .flatten())
}
