//! The state every request handler and background task shares: [`App`].
//!
//! Invariants: everything a handler or task needs is in [`App`], reached through an
//! `Arc`; there are no globals, so tests run several servers at once.

use tokio::sync::{watch, Notify, Semaphore};

use super::config::ServerConfig;
use crate::db::Db;
use crate::http::login_throttle::LoginThrottle;
use crate::hub::Hub;
use crate::limits::Limits;
use crate::site_options::SiteOptions;

/// The state every handler and task shares.
pub struct App {
    pub db: Db,
    pub hub: Hub,
    pub config: ServerConfig,
    pub options: SiteOptions,
    /// Sign-in attempts per client address.
    pub login_throttle: LoginThrottle,
    /// Password checks running now (argon2 on its own bounded set of threads).
    pub password_checks: Semaphore,
    /// Sockets, conversations, transcripts and uploads per visitor and address.
    pub limits: Limits,
    /// Wakes the outbox worker when a mail is queued.
    pub outbox_wake: Notify,
    /// Turns true once when the server stops.
    pub shutdown: watch::Receiver<bool>,
}

impl App {
    /// Builds the shared state.
    pub fn new(
        db: Db,
        config: ServerConfig,
        options: SiteOptions,
        shutdown: watch::Receiver<bool>,
    ) -> App {
        let limits = Limits::new(&config);
        App {
            db,
            hub: Hub::default(),
            password_checks: Semaphore::new(config.max_concurrent_password_checks.max(1)),
            limits,
            config,
            options,
            login_throttle: LoginThrottle::default(),
            outbox_wake: Notify::new(),
            shutdown,
        }
    }

    /// A public link to an attachment, relative when no public URL is known.
    pub fn attachment_url(&self, id: &str) -> String {
        format!("/api/attachments/{id}")
    }

    /// An absolute link for mails.
    pub fn absolute_url(&self, path: &str) -> String {
        match &self.config.public_url {
            Some(base) => format!("{}{path}", base.trim_end_matches('/')),
            None => path.to_owned(),
        }
    }

    /// The largest upload: the server's ceiling or the site's option, the smaller.
    pub fn max_upload_bytes(&self) -> usize {
        let site = usize::try_from(self.options.max_attachment_bytes).unwrap_or(usize::MAX);
        self.config.max_upload_bytes.min(site)
    }
}
