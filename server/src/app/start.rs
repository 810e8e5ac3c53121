//! Starting and stopping the server: binding, opening the database, the accept loop
//! and the background tasks.
//!
//! Invariants:
//! - a request's headers must arrive within `header_read_timeout` (hyper's timer; a
//!   client trickling its headers cannot hold a connection);
//! - [`RunningServer::stop`] ends the listener, every socket loop and every
//!   background task, so a test can reopen the same database file afterwards.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::config::ServerConfig;
use super::state::App;
use crate::db::Db;
use crate::site_options::SiteOptions;

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
        let mut options = SiteOptions::from_config(&config.site_config)
            .map_err(|e| StartError::Config(format!("site config: {e}")))?;
        if let Some(timeout) = config.inactivity_timeout {
            options.inactivity_timeout = timeout;
        }
        std::fs::create_dir_all(&config.attachments_dir).map_err(|e| {
            StartError::Config(format!("cannot create {}: {e}", config.attachments_dir.display()))
        })?;
        let db = Db::open(&config.db_path).map_err(StartError::Db)?;
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|e| StartError::Config(format!("cannot listen on {addr}: {e}")))?;
        let addr = listener.local_addr().map_err(StartError::Io)?;
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let app = Arc::new(App::new(db, config, options, shutdown_rx));
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
            tokio::spawn(crate::cleanup::run(app.clone())),
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
