//! The shared state of a running server, and starting and stopping it.
//!
//! Invariants:
//! - everything a request handler or background task needs is in [`App`], reached
//!   through an `Arc`; there are no globals, so tests run several servers at once;
//! - [`RunningServer::stop`] ends the listener, every socket loop and every
//!   background task, so a test can reopen the same database file afterwards.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

use crate::db::Db;
use crate::hub::Hub;
use crate::site_options::SiteOptions;

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
    /// The site config document handed to the widget (`{}` when none).
    pub site_config: serde_json::Value,
    pub smtp: Option<SmtpConfig>,
    /// The public base URL (for links in mails and the `Secure` cookie flag).
    pub public_url: Option<String>,
    /// A `Content-Security-Policy` header for static files, if wanted.
    pub csp: Option<String>,
    /// How often idle conversations are looked for.
    pub inactivity_check: Duration,
    /// Largest upload in bytes.
    pub max_upload_bytes: usize,
    /// Visitor frames per second a socket may send on average.
    pub visitor_rate_per_sec: f64,
    /// Visitor frames a socket may send in a burst.
    pub visitor_rate_burst: f64,
    /// First retry delay for a failed mail (doubles each time, capped at an hour).
    pub mail_retry_base: Duration,
    /// How long a visitor socket may stay open without saying `hello`; after that it
    /// is closed, so idle sockets cannot pile up (slowloris-style).
    pub hello_timeout: Duration,
    /// How long a client may take to send a request's headers before its connection is
    /// closed (slowloris defence).
    pub header_read_timeout: Duration,
    /// Most bytes of frames that may wait for one client that does not read; past it
    /// the socket is closed (see `ws::outgoing`).
    pub max_queued_bytes: usize,
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
            max_upload_bytes: 10 * 1024 * 1024,
            visitor_rate_per_sec: 5.0,
            visitor_rate_burst: 20.0,
            mail_retry_base: Duration::from_secs(5),
            hello_timeout: Duration::from_secs(10),
            header_read_timeout: Duration::from_secs(10),
            max_queued_bytes: crate::ws::outgoing::MAX_QUEUED_BYTES,
        }
    }
}

/// `chat.sqlite` keeps its uploads in `chat.sqlite-attachments/` beside it.
fn attachments_dir_for(db_path: &std::path::Path) -> PathBuf {
    let mut name = db_path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push("-attachments");
    db_path.with_file_name(name)
}

/// The state every handler and task shares.
pub struct App {
    pub db: Db,
    pub hub: Hub,
    pub config: ServerConfig,
    pub options: SiteOptions,
    /// Failed sign-ins per client address.
    pub login_throttle: crate::http::login_throttle::LoginThrottle,
    /// Wakes the outbox worker when a mail is queued.
    pub outbox_wake: Notify,
    /// Turns true once when the server stops.
    pub shutdown: watch::Receiver<bool>,
}

impl App {
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
}

/// Why the server could not start.
#[derive(Debug)]
pub enum StartError {
    Config(String),
    Db(crate::db::DbError),
    Io(std::io::Error),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Config(m) => write!(f, "{m}"),
            StartError::Db(e) => write!(f, "cannot open the database: {e}"),
            StartError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for StartError {}

/// Accepts connections until the server stops, serving each with HTTP/1.1 (and
/// WebSocket upgrades) through hyper directly rather than `axum::serve`, because
/// `axum::serve` sets no timer: a client trickling its request headers (slowloris) would
/// hold its connection forever. Here a request's headers must arrive within
/// `header_read_timeout`. On stop, accepting ends and each connection is shut down
/// gracefully (in-flight requests finish; sockets end on their own shutdown signal).
async fn serve(
    listener: TcpListener,
    router: axum::Router,
    mut stop: watch::Receiver<bool>,
    header_read_timeout: Duration,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;

    let mut connections = tokio::task::JoinSet::new();
    loop {
        let accepted = tokio::select! {
            _ = stop.wait_for(|s| *s) => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, remote) = match accepted {
            Ok(pair) => pair,
            Err(e) => {
                // Out of file descriptors and the like: wait a little rather than spin.
                tracing::warn!("accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let service = TowerToHyperService::new(
            router.clone().layer(axum::Extension(axum::extract::ConnectInfo(remote))),
        );
        let mut stop = stop.clone();
        connections.spawn(async move {
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(header_read_timeout)
                .serve_connection(TokioIo::new(stream), service)
                .with_upgrades();
            tokio::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                // The guard `wait_for` returns is not `Send`: drop it before going on.
                _ = async { stop.wait_for(|s| *s).await.is_ok() } => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
        });
        // Forget connections that are over, so the set does not grow without bound.
        while connections.try_join_next().is_some() {}
    }
    while connections.join_next().await.is_some() {}
}

/// A server listening on a socket, with its background tasks.
pub struct RunningServer {
    pub addr: SocketAddr,
    pub app: Arc<App>,
    shutdown: watch::Sender<bool>,
    server: JoinHandle<()>,
    tasks: Vec<JoinHandle<()>>,
}

impl RunningServer {
    /// Binds `addr` (port 0 for an ephemeral port), opens the database and starts
    /// serving.
    pub async fn start(
        config: ServerConfig,
        addr: SocketAddr,
    ) -> Result<RunningServer, StartError> {
        let options = SiteOptions::from_config(&config.site_config)
            .map_err(|e| StartError::Config(format!("site config: {e}")))?;
        std::fs::create_dir_all(&config.attachments_dir).map_err(|e| {
            StartError::Config(format!("cannot create {}: {e}", config.attachments_dir.display()))
        })?;
        let db = Db::open(&config.db_path).map_err(StartError::Db)?;
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|e| StartError::Config(format!("cannot listen on {addr}: {e}")))?;
        let addr = listener.local_addr().map_err(StartError::Io)?;
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let app = Arc::new(App {
            db,
            hub: Hub::default(),
            config,
            options,
            login_throttle: Default::default(),
            outbox_wake: Notify::new(),
            shutdown: shutdown_rx,
        });
        let router = crate::http::router(app.clone());
        let server = tokio::spawn(serve(
            listener,
            router,
            app.shutdown.clone(),
            app.config.header_read_timeout,
        ));
        let tasks = vec![
            tokio::spawn(crate::inactivity::run(app.clone())),
            tokio::spawn(crate::mail::outbox_worker::run(app.clone())),
        ];
        tracing::info!("listening on http://{addr}");
        Ok(RunningServer { addr, app, shutdown: shutdown_tx, server, tasks })
    }

    /// Stops accepting, closes every socket and background task, and waits for them.
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        let _ = self.server.await;
        for t in self.tasks {
            let _ = t.await;
        }
    }

    /// Serves until Ctrl-C, then stops.
    pub async fn run_until_ctrl_c(self) {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot wait for Ctrl-C: {e}");
        }
        tracing::info!("stopping");
        self.stop().await;
    }
}
