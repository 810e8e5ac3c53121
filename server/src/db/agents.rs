//! The `agents` and `agent_sessions` tables.
//!
//! Invariants: e-mail addresses are unique regardless of case; a session is found
//! only by the hash of its token and only until it expires.

use rusqlite::{params, Connection, OptionalExtension, Row};
use sitechat_core::protocol::agent::AgentStatus;
use sitechat_core::time::UnixMillis;

use super::DbError;

/// How long an inbox login lasts.
pub const SESSION_LIFETIME_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// One agent as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub status: AgentStatus,
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<(String, String, String, String, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn to_agent(t: (String, String, String, String, String)) -> Result<AgentRow, DbError> {
    let status = AgentStatus::parse(&t.4)
        .ok_or_else(|| DbError::Corrupt(format!("agent status {:?}", t.4)))?;
    Ok(AgentRow { id: t.0, email: t.1, name: t.2, password_hash: t.3, status })
}

const COLUMNS: &str = "id, email, name, password_hash, status";

/// Adds an agent; `Ok(None)` when the e-mail address is taken.
pub fn add(
    conn: &Connection,
    email: &str,
    name: &str,
    password_hash: &str,
    now: UnixMillis,
) -> Result<Option<String>, DbError> {
    let id = crate::ids::new_id("a");
    let inserted = conn.execute(
        "INSERT INTO agents (id, email, name, password_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (email) DO NOTHING",
        params![id, email, name, password_hash, now],
    )?;
    Ok((inserted == 1).then_some(id))
}

/// Every agent, by name.
pub fn list(conn: &Connection) -> Result<Vec<AgentRow>, DbError> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM agents ORDER BY name, email"))?;
    let rows = stmt.query_map([], from_row)?.collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(to_agent).collect()
}

/// The agent with this e-mail address (any case).
pub fn find_by_email(conn: &Connection, email: &str) -> Result<Option<AgentRow>, DbError> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM agents WHERE email = ?1"), [email], from_row)
        .optional()?
        .map(to_agent)
        .transpose()
}

/// The agent with this id.
pub fn get(conn: &Connection, id: &str) -> Result<Option<AgentRow>, DbError> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM agents WHERE id = ?1"), [id], from_row)
        .optional()?
        .map(to_agent)
        .transpose()
}

/// Stores the agent's chosen status (it outlives the socket and a restart).
pub fn set_status(conn: &Connection, id: &str, status: AgentStatus) -> Result<(), DbError> {
    conn.execute("UPDATE agents SET status = ?2 WHERE id = ?1", params![id, status.as_str()])?;
    Ok(())
}

/// Records a new login session.
pub fn create_session(
    conn: &Connection,
    agent_id: &str,
    token_hash: &[u8],
    now: UnixMillis,
) -> Result<(), DbError> {
    conn.execute(
        "INSERT INTO agent_sessions (token_hash, agent_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![token_hash, agent_id, now, now.saturating_add(SESSION_LIFETIME_MS)],
    )?;
    Ok(())
}

/// The agent logged in with this session, if it is still valid.
pub fn agent_for_session(
    conn: &Connection,
    token_hash: &[u8],
    now: UnixMillis,
) -> Result<Option<AgentRow>, DbError> {
    conn.query_row(
        "SELECT a.id, a.email, a.name, a.password_hash, a.status FROM agent_sessions s
         JOIN agents a ON a.id = s.agent_id WHERE s.token_hash = ?1 AND s.expires_at > ?2",
        params![token_hash, now],
        from_row,
    )
    .optional()?
    .map(to_agent)
    .transpose()
}

/// When this session expires, if it exists.
pub fn session_expiry(conn: &Connection, token_hash: &[u8]) -> Result<Option<UnixMillis>, DbError> {
    Ok(conn
        .query_row(
            "SELECT expires_at FROM agent_sessions WHERE token_hash = ?1",
            [token_hash],
            |r| r.get(0),
        )
        .optional()?)
}

/// Ends a login session (logout).
pub fn delete_session(conn: &Connection, token_hash: &[u8]) -> Result<(), DbError> {
    conn.execute("DELETE FROM agent_sessions WHERE token_hash = ?1", [token_hash])?;
    Ok(())
}
