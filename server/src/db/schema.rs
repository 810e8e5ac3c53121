//! The schema and its migrations.
//!
//! Invariants:
//! - `schema_version` holds exactly one row, the number of migrations applied;
//! - migrations only ever get appended to [`MIGRATIONS`]; each runs in its own
//!   transaction together with the version bump, so a crash leaves the old or the
//!   new schema, never half of one;
//! - a database newer than this binary is refused rather than guessed at.

use rusqlite::Connection;

use super::DbError;

/// Each entry upgrades the schema by one version.
const MIGRATIONS: &[&str] = &[
    // 1: everything the reference backend stores.
    "
    CREATE TABLE visitors (
        id            TEXT PRIMARY KEY,
        token_hash    BLOB NOT NULL UNIQUE,
        email         TEXT,
        created_at    INTEGER NOT NULL,
        last_seen_at  INTEGER NOT NULL
    );
    CREATE TABLE agents (
        id             TEXT PRIMARY KEY,
        email          TEXT NOT NULL UNIQUE COLLATE NOCASE,
        name           TEXT NOT NULL,
        password_hash  TEXT NOT NULL,
        status         TEXT NOT NULL DEFAULT 'away' CHECK (status IN ('available', 'away')),
        created_at     INTEGER NOT NULL
    );
    CREATE TABLE agent_sessions (
        token_hash  BLOB PRIMARY KEY,
        agent_id    TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
        created_at  INTEGER NOT NULL,
        expires_at  INTEGER NOT NULL
    );
    CREATE TABLE conversations (
        id                       TEXT PRIMARY KEY,
        visitor_id               TEXT NOT NULL REFERENCES visitors(id),
        status                   TEXT NOT NULL CHECK (status IN ('open', 'ended')),
        end_reason               TEXT CHECK (end_reason IN ('agent', 'inactivity', 'bot')),
        page_url                 TEXT NOT NULL,
        assignee                 TEXT REFERENCES agents(id) ON DELETE SET NULL,
        last_seq                 INTEGER NOT NULL DEFAULT 0,
        agent_read_seq           INTEGER NOT NULL DEFAULT 0,
        visitor_read_seq         INTEGER NOT NULL DEFAULT 0,
        created_at               INTEGER NOT NULL,
        last_activity_at         INTEGER NOT NULL,
        last_visitor_message_at  INTEGER NOT NULL,
        ended_at                 INTEGER
    );
    CREATE INDEX conversations_visitor ON conversations(visitor_id);
    CREATE INDEX conversations_list ON conversations(status, last_activity_at);
    CREATE TABLE messages (
        id               TEXT PRIMARY KEY,
        conversation_id  TEXT NOT NULL REFERENCES conversations(id),
        seq              INTEGER NOT NULL,
        visitor_id       TEXT REFERENCES visitors(id),
        agent_id         TEXT REFERENCES agents(id) ON DELETE SET NULL,
        client_id        TEXT,
        author_kind      TEXT NOT NULL CHECK (author_kind IN ('visitor', 'agent', 'bot', 'system')),
        author_name      TEXT,
        text             TEXT NOT NULL,
        attachments      TEXT NOT NULL DEFAULT '[]',
        created_at       INTEGER NOT NULL,
        UNIQUE (conversation_id, seq)
    );
    CREATE UNIQUE INDEX messages_visitor_client_id ON messages(visitor_id, client_id)
        WHERE author_kind = 'visitor';
    CREATE UNIQUE INDEX messages_agent_client_id ON messages(agent_id, client_id)
        WHERE author_kind = 'agent' AND client_id IS NOT NULL;
    CREATE TABLE attachments (
        id               TEXT PRIMARY KEY,
        owner_visitor    TEXT REFERENCES visitors(id),
        owner_agent      TEXT REFERENCES agents(id) ON DELETE SET NULL,
        conversation_id  TEXT REFERENCES conversations(id),
        name             TEXT NOT NULL,
        mime             TEXT NOT NULL,
        size             INTEGER NOT NULL,
        created_at       INTEGER NOT NULL
    );
    CREATE TABLE outbox (
        id               INTEGER PRIMARY KEY AUTOINCREMENT,
        to_addr          TEXT NOT NULL,
        subject          TEXT NOT NULL,
        body             TEXT NOT NULL,
        attempts         INTEGER NOT NULL DEFAULT 0,
        next_attempt_at  INTEGER NOT NULL,
        last_error       TEXT,
        sent_at          INTEGER,
        created_at       INTEGER NOT NULL
    );
    CREATE INDEX outbox_due ON outbox(sent_at, next_attempt_at);
    ",
    // 2: an agent's client id is unique per conversation, not across all of them;
    // unattached uploads are found by age for the clean-up.
    "
    DROP INDEX messages_agent_client_id;
    CREATE UNIQUE INDEX messages_agent_client_id ON messages(agent_id, conversation_id, client_id)
        WHERE author_kind = 'agent' AND client_id IS NOT NULL;
    CREATE INDEX attachments_unattached ON attachments(created_at) WHERE conversation_id IS NULL;
    ",
];

/// The schema version this binary writes.
pub const CURRENT_VERSION: i64 = MIGRATIONS.len() as i64;

/// The version recorded in the database (0 for a fresh file).
pub fn version(conn: &Connection) -> Result<i64, DbError> {
    conn.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")?;
    let v: Option<i64> =
        conn.query_row("SELECT MAX(version) FROM schema_version", [], |r| r.get(0))?;
    Ok(v.unwrap_or(0))
}

/// Applies every migration the database has not seen yet.
pub fn migrate(conn: &mut Connection) -> Result<(), DbError> {
    let mut current = version(conn)?;
    if current > CURRENT_VERSION {
        return Err(DbError::Corrupt(format!(
            "database schema version {current} is newer than this server ({CURRENT_VERSION})"
        )));
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(usize::try_from(current).unwrap_or(0)) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        current = i64::try_from(index).unwrap_or(i64::MAX - 1) + 1;
        tx.execute("DELETE FROM schema_version", [])?;
        tx.execute("INSERT INTO schema_version (version) VALUES (?1)", [current])?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrating_twice_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        assert_eq!(version(&conn).unwrap(), CURRENT_VERSION);
        let rows: i64 =
            conn.query_row("SELECT COUNT(*) FROM schema_version", [], |r| r.get(0)).unwrap();
        assert_eq!(rows, 1);
    }

    #[test]
    fn a_newer_database_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        conn.execute("UPDATE schema_version SET version = 99", []).unwrap();
        assert!(migrate(&mut conn).is_err());
    }
}
