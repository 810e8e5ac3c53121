//! Everything `serve` is configured with: [`ServerConfig`], built by the command line
//! (`crate::cli`) or by tests, with a default for every setting but the database path.
//!
//! Invariants: every limit has a finite default meant for a server on the open
//! internet (`docs/server.md`, "Limits", lists them); the site's own options
//! (transcript, inactivity, attachments) are not here but in the site config
//! document, read by [`crate::site_options`] with the widget's own parser.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where transcript mails go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub from: String,
}

/// Everything `serve` is configured with.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub db_path: PathBuf,
    /// Widget build and demo site; `None` serves no static files.
    pub static_dir: Option<PathBuf>,
    /// Where uploaded files are kept.
    pub attachments_dir: PathBuf,
    /// The site config document handed to the widget (`{}` when none); the server
    /// reads its `options` with the widget's parser.
    pub site_config: serde_json::Value,
    pub smtp: Option<SmtpConfig>,
    /// The public base URL (for links in mails, and `https://` for the cookie's
    /// `Secure` flag and `__Host-` name).
    pub public_url: Option<String>,
    /// A `Content-Security-Policy` header for static files, if wanted.
    pub csp: Option<String>,
    /// How often idle conversations are looked for.
    pub inactivity_check: Duration,
    /// Overrides the site config's `options.inactivity_timeout_minutes` (whole
    /// minutes there; tests need seconds).
    pub inactivity_timeout: Option<Duration>,
    /// Largest upload in bytes the server accepts at all; the site config's
    /// `options.max_attachment_bytes` applies too (the smaller wins).
    pub max_upload_bytes: usize,
    /// Visitor frames per second a visitor may send on average (all its sockets).
    pub visitor_rate_per_sec: f64,
    /// Visitor frames a visitor may send in a burst.
    pub visitor_rate_burst: f64,
    /// Agent frames per second a socket may send on average.
    pub agent_rate_per_sec: f64,
    /// Agent frames a socket may send in a burst.
    pub agent_rate_burst: f64,
    /// First retry delay for a failed mail (doubles each time, capped at an hour).
    pub mail_retry_base: Duration,
    /// How long a visitor socket may stay open without saying `hello`; after that it
    /// is closed, so idle sockets cannot pile up (slowloris-style).
    pub hello_timeout: Duration,
    /// How long a socket may stay silent (no frame at all, pings included) before it
    /// is closed. The widget and the inbox ping every 25 s.
    pub idle_timeout: Duration,
    /// How long a client may take to send a request's headers before its connection is
    /// closed (slowloris defence).
    pub header_read_timeout: Duration,
    /// How long a client may take to send a JSON request's body (login, logout).
    pub body_read_timeout: Duration,
    /// How long a client may take to send an upload's body.
    pub upload_read_timeout: Duration,
    /// How long one frame may take to be written to a client that reads slowly or
    /// not at all before its socket is closed.
    pub send_timeout: Duration,
    /// Most bytes of frames that may wait for one socket; past it the socket is
    /// closed (see [`crate::outgoing`]).
    pub max_queued_bytes: usize,
    /// Open sockets one visitor may have (all its tabs).
    pub max_sockets_per_visitor: usize,
    /// Open sockets (visitor and agent) one client address may have.
    pub max_sockets_per_address: usize,
    /// Open sockets in all.
    pub max_sockets_total: usize,
    /// Conversations one visitor may start per hour.
    pub conversations_per_visitor_per_hour: u32,
    /// Conversations one client address may start per hour.
    pub conversations_per_address_per_hour: u32,
    /// Transcript mails a visitor may ask for per conversation.
    pub transcripts_per_conversation: u32,
    /// Transcript mails a visitor may ask for per hour (all conversations).
    pub transcripts_per_visitor_per_hour: u32,
    /// Bytes one visitor may upload per day.
    pub upload_bytes_per_visitor_per_day: u64,
    /// Uploads never attached to a message are deleted after this long.
    pub unattached_upload_ttl: Duration,
    /// How often unattached uploads are looked for.
    pub cleanup_check: Duration,
    /// Bytes of message text one conversation may hold.
    pub max_conversation_text_bytes: u64,
    /// Password checks that may run at once (each argon2 check holds 19 MiB).
    pub max_concurrent_password_checks: usize,
    /// Addresses of reverse proxies whose `X-Forwarded-For` is believed; empty: the
    /// TCP peer is the client.
    pub trusted_proxies: Vec<IpAddr>,
}

impl ServerConfig {
    /// Defaults for everything but the database path.
    pub fn new(db_path: PathBuf) -> ServerConfig {
        let attachments_dir = attachments_dir_for(&db_path);
        ServerConfig {
            db_path,
            static_dir: None,
            attachments_dir,
            site_config: serde_json::json!({}),
            smtp: None,
            public_url: None,
            csp: None,
            inactivity_check: Duration::from_secs(30),
            inactivity_timeout: None,
            max_upload_bytes: 10 * 1024 * 1024,
            visitor_rate_per_sec: 5.0,
            visitor_rate_burst: 20.0,
            agent_rate_per_sec: 20.0,
            agent_rate_burst: 100.0,
            mail_retry_base: Duration::from_secs(5),
            hello_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(10),
            upload_read_timeout: Duration::from_secs(120),
            send_timeout: Duration::from_secs(10),
            max_queued_bytes: crate::outgoing::MAX_QUEUED_BYTES,
            max_sockets_per_visitor: 10,
            max_sockets_per_address: 100,
            max_sockets_total: 10_000,
            conversations_per_visitor_per_hour: 10,
            conversations_per_address_per_hour: 30,
            transcripts_per_conversation: 3,
            transcripts_per_visitor_per_hour: 5,
            upload_bytes_per_visitor_per_day: 100 * 1024 * 1024,
            unattached_upload_ttl: Duration::from_secs(24 * 3600),
            cleanup_check: Duration::from_secs(600),
            max_conversation_text_bytes: 1024 * 1024,
            max_concurrent_password_checks: 2,
            trusted_proxies: Vec::new(),
        }
    }

    /// Whether the public URL is https (the cookie is then `Secure` and `__Host-`).
    pub fn is_https(&self) -> bool {
        self.public_url.as_deref().is_some_and(|u| u.starts_with("https://"))
    }
}

/// `chat.sqlite` keeps its uploads in `chat.sqlite-attachments/` beside it.
fn attachments_dir_for(db_path: &Path) -> PathBuf {
    let mut name = db_path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push("-attachments");
    db_path.with_file_name(name)
}
