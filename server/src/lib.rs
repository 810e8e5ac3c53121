//! # sitechat-server
//!
//! The reference backend for the sitechat widget: it serves the widget build and the
//! agent inbox, speaks the visitor protocol on `/ws/visitor` and the agent protocol on
//! `/ws/agent`, keeps everything in SQLite, ends idle chats and mails transcripts.
//!
//! Layout (one concept per module):
//! - [`cli`]: the command line; [`app`]: the shared state and the running server;
//! - [`db`]: SQLite storage (one connection, blocking calls on tokio's blocking pool);
//! - [`hub`]: who is connected right now, team presence, fan-out of live frames;
//! - [`chat`]: the operations both sockets share (post a message, end a chat, …);
//! - [`ws`]: the two WebSocket endpoints; [`http`]: the HTTP routes;
//! - [`mail`]: transcripts, the outbox worker and the SMTP sink; [`inactivity`].
//!
//! Invariants kept across modules:
//! - nothing a client sends can crash the server or reach another visitor's data:
//!   every visitor query is scoped by the visitor id its token resolves to;
//! - a message is committed to SQLite before its `ack` leaves the server;
//! - secrets (visitor tokens, agent session tokens) are stored only as SHA-256
//!   hashes, passwords only as argon2 hashes.

pub mod app;
pub mod chat;
pub mod cleanup;
pub mod cli;
pub mod clock;
pub mod db;
pub mod demo;
pub mod http;
pub mod hub;
pub mod ids;
pub mod inactivity;
pub mod limits;
pub mod mail;
pub mod outgoing;
pub mod password;
pub mod rate_limit;
pub mod site_options;
pub mod sniff;
pub mod ws;
