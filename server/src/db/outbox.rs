//! The `outbox` table: e-mails waiting to be sent.
//!
//! Invariants: a mail leaves the table only by being marked sent; a failure only
//! pushes `next_attempt_at` later and records the error, so no mail is lost silently.

use rusqlite::{params, Connection};
use sitechat_core::time::UnixMillis;

use super::DbError;

/// One queued mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    pub id: i64,
    pub to_addr: String,
    pub subject: String,
    pub body: String,
    pub attempts: u32,
}

/// Queues a mail for sending now.
pub fn enqueue(
    conn: &Connection,
    to: &str,
    subject: &str,
    body: &str,
    now: UnixMillis,
) -> Result<i64, DbError> {
    conn.execute(
        "INSERT INTO outbox (to_addr, subject, body, next_attempt_at, created_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        params![to, subject, body, now],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Mails due for a (new) attempt, oldest first.
pub fn due(conn: &Connection, now: UnixMillis, limit: u32) -> Result<Vec<OutboxRow>, DbError> {
    let mut stmt = conn.prepare(
        "SELECT id, to_addr, subject, body, attempts FROM outbox
         WHERE sent_at IS NULL AND next_attempt_at <= ?1 ORDER BY id LIMIT ?2",
    )?;
    let rows = stmt
        .query_map(params![now, limit], |r| {
            Ok(OutboxRow {
                id: r.get(0)?,
                to_addr: r.get(1)?,
                subject: r.get(2)?,
                body: r.get(3)?,
                attempts: r.get(4)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Records a successful delivery to the SMTP server.
pub fn mark_sent(conn: &Connection, id: i64, now: UnixMillis) -> Result<(), DbError> {
    conn.execute(
        "UPDATE outbox SET sent_at = ?2, attempts = attempts + 1, last_error = NULL WHERE id = ?1",
        params![id, now],
    )?;
    Ok(())
}

/// Records a failed attempt and when to try again.
pub fn mark_failed(
    conn: &Connection,
    id: i64,
    error: &str,
    next_attempt_at: UnixMillis,
) -> Result<(), DbError> {
    conn.execute(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3 WHERE id = ?1",
        params![id, error, next_attempt_at],
    )?;
    Ok(())
}

/// How many mails are still waiting (for logs and tests).
pub fn pending_count(conn: &Connection) -> Result<i64, DbError> {
    Ok(conn.query_row("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL", [], |r| r.get(0))?)
}
