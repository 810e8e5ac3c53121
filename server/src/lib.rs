//! # sitechat-server
//!
//! The reference backend for the sitechat widget: it serves the widget build and the
//! agent inbox, speaks the visitor protocol on `/ws/visitor` and the agent protocol on
//! `/ws/agent`, keeps everything in SQLite, ends idle chats and mails transcripts.
//!
//! Layout (one concept per module):
//! - [`cli`]: the command line; [`app`]: its configuration, the shared state and the
//!   running server;
//! - [`db`]: SQLite storage (one connection, blocking calls on tokio's blocking pool);
//! - [`hub`]: who is connected right now, team presence, fan-out of live frames;
//! - [`outgoing`]: each socket's bounded queue of frames; [`rate_limit`] and [`limits`]:
//!   the allowances per socket, visitor, address and in total;
//! - [`chat`]: the operations both sockets share (post a message, end a chat, …);
//! - [`ws`]: the two WebSocket endpoints on one socket loop; [`http`]: the HTTP routes
//!   and the auth extractors;
//! - [`site_options`]: the site config's options, read with the widget's parser;
//! - [`mail`]: transcripts, the outbox worker and the SMTP sink; [`inactivity`] and
//!   [`cleanup`]: the background sweeps.
//!
//! Invariants kept across modules:
//! - nothing a client sends can crash the server or reach another visitor's data:
//!   every visitor query is scoped by the visitor id its token resolves to;
//! - nothing an anonymous client does can hold unbounded memory, sockets, disk or mail:
//!   each has a limit ([`limits`], `docs/server.md`, "Limits");
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
