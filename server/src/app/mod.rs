//! A running server: its configuration ([`config`]), the state its handlers share
//! ([`state`]) and starting and stopping it ([`start`]).
//!
//! Invariant: [`RunningServer::stop`] ends the listener, every socket loop and every
//! background task, so a test can reopen the same database file afterwards.

pub mod config;
pub mod start;
pub mod state;

pub use config::{ServerConfig, SmtpConfig};
pub use start::{RunningServer, StartError};
pub use state::App;
