//! SQLite storage.
//!
//! One `rusqlite::Connection` behind a mutex, used from tokio's blocking pool through
//! [`Db::call`]: SQLite serialises writers anyway, one connection keeps transactions
//! simple, and no blocking call ever runs on an async worker thread. The database is
//! in WAL mode so a second process (the `agent` subcommands) can read and write
//! while the server runs.
//!
//! Invariants:
//! - the schema is created or migrated by [`Db::open`] before anything else runs
//!   (see [`schema`]);
//! - each submodule holds the queries of one table and takes a `&Connection`, so the
//!   chat layer composes several into one transaction;
//! - every query is parameterised; no text from a client is ever spliced into SQL.

pub mod agents;
pub mod attachments;
pub mod conversations;
pub mod messages;
pub mod outbox;
pub mod schema;
pub mod visitors;

use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::Connection;

/// A storage failure. Its `Display` is for logs only, never for clients.
#[derive(Debug)]
pub enum DbError {
    Sqlite(rusqlite::Error),
    /// A stored value does not read back (a bug or a hand-edited database).
    Corrupt(String),
    /// The blocking task died (a panic inside a query closure).
    TaskFailed(String),
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbError::Sqlite(e) => write!(f, "sqlite: {e}"),
            DbError::Corrupt(what) => write!(f, "corrupt stored value: {what}"),
            DbError::TaskFailed(why) => write!(f, "database task failed: {why}"),
        }
    }
}

impl std::error::Error for DbError {}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> DbError {
        DbError::Sqlite(e)
    }
}

/// A handle to the database, cheap to clone.
#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

impl Db {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("sitechat-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let db = sitechat_server::db::Db::open(&dir.join("doc.sqlite")).unwrap();
    /// let version = db.call_blocking(|c| Ok(sitechat_server::db::schema::version(c)?)).unwrap();
    /// assert_eq!(version, sitechat_server::db::schema::CURRENT_VERSION);
    /// ```
    pub fn open(path: &Path) -> Result<Db, DbError> {
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        schema::migrate(&mut conn)?;
        Ok(Db { conn: Arc::new(Mutex::new(conn)) })
    }

    /// Runs `f` with the connection on the blocking pool.
    pub async fn call<T, F>(&self, f: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, DbError> + Send + 'static,
    {
        self.transact(f).await
    }

    /// Like [`Db::call`], for an operation whose error type also says why it was
    /// refused (the chat layer's `ChatError`): `f` returns `Err(refusal.into())` to
    /// refuse, and storage failures convert with `?`.
    pub async fn transact<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, E> + Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = db.lock();
            f(&mut guard)
        })
        .await
        .map_err(|e| E::from(DbError::TaskFailed(e.to_string())))?
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent (an open
        // transaction rolls back when dropped), so a poisoned lock is still usable.
        match self.conn.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Runs `f` with the connection on the current thread (command-line tools, and
    /// inside [`Db::call`]).
    pub fn call_blocking<T, F>(&self, f: F) -> Result<T, DbError>
    where
        F: FnOnce(&mut Connection) -> Result<T, DbError>,
    {
        f(&mut self.lock())
    }
}
