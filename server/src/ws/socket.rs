//! The socket loop both endpoints share: reading frames, the timers (hello, idle,
//! session expiry), the size and rate checks, the writer task, and closing.
//!
//! An endpoint ([`Endpoint`]) only decides what a frame means; this loop owns the
//! socket's resources.
//!
//! Invariants:
//! - the loop ends on the first of: the client closes, the server stops, the outgoing
//!   queue closes (overflow, a stalled write, a sign-out), no `hello` in time, no frame
//!   for `idle_timeout`, the endpoint's expiry, or the endpoint asking to close;
//! - when it ends, the endpoint's `on_close` runs once (the hub forgets the socket),
//!   and the writer gets at most `send_timeout` to flush a last frame; a writer stuck on
//!   a client that does not read is abandoned, so its queue is freed at once;
//! - [`Endpoint::pump`] runs only when nothing waits in the outgoing queue, so work
//!   the endpoint queues that way (history pages) is produced as the client reads.

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::ws::{Message, WebSocket};
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use sitechat_core::protocol::{ClientId, ErrorCode};

use super::frame_error::client_id_of;
use super::MAX_FRAME_BYTES;
use crate::app::App;
use crate::outgoing::{Incoming, Outgoing};

/// Whether the socket goes on after a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Close,
}

/// What one kind of socket does with its frames.
pub trait Endpoint: Send {
    /// An `error` frame of this endpoint's protocol.
    fn error_frame(&self, code: ErrorCode, message: &str, client_id: Option<ClientId>) -> String;
    /// Takes a frame's worth of the sender's allowance; `false` when it has none.
    fn allow_frame(&mut self, now: Instant) -> bool;
    /// Whether the client has identified itself (the visitor's `hello`); until then
    /// the hello timeout runs.
    fn identified(&self) -> bool;
    /// When the socket must close whatever happens (an agent's session expiry).
    fn expires_at(&self) -> Option<tokio::time::Instant> {
        None
    }
    /// Handles one text frame (already checked for size and rate).
    fn on_text(&mut self, text: &str) -> impl Future<Output = Flow> + Send;
    /// Whether [`Endpoint::pump`] has work.
    fn has_pending(&self) -> bool {
        false
    }
    /// Produces the next piece of queued work; called once the outgoing queue is empty.
    fn pump(&mut self) -> impl Future<Output = ()> + Send {
        async {}
    }
    /// The socket is closing.
    fn on_close(&mut self);
}

/// Runs a socket until it ends (see the module's invariants).
pub async fn run<E: Endpoint>(
    app: Arc<App>,
    socket: WebSocket,
    tx: Outgoing,
    rx: Incoming,
    mut endpoint: E,
) {
    let (sink, mut stream) = socket.split();
    let send_timeout = app.config.send_timeout;
    let mut writer = tokio::spawn(write_frames(sink, rx, send_timeout));
    let mut shutdown = app.shutdown.clone();
    let opened = tokio::time::Instant::now();
    let hello_deadline = opened + app.config.hello_timeout;
    let mut idle_deadline = opened + app.config.idle_timeout;
    let error = |e: &E, code: ErrorCode, message: &str| {
        let _ = tx.send(e.error_frame(code, message, None));
    };
    loop {
        let identified = endpoint.identified();
        let expiry = endpoint.expires_at();
        let pending = endpoint.has_pending();
        let next = tokio::select! {
            // The guard `wait_for` returns is not `Send`: drop it inside.
            _ = async { shutdown.wait_for(|stop| *stop).await.is_ok() } => break,
            // Overflowed, stalled, or closed on purpose (sign-out).
            _ = tx.closed() => break,
            _ = tokio::time::sleep_until(hello_deadline), if !identified => {
                error(&endpoint, ErrorCode::Unauthorized, "hello: not received in time; closing");
                break;
            }
            _ = tokio::time::sleep_until(idle_deadline) => {
                error(&endpoint, ErrorCode::IdleTimeout, "nothing received for too long; closing");
                break;
            }
            _ = tokio::time::sleep_until(expiry.unwrap_or(opened)), if expiry.is_some() => {
                error(&endpoint, ErrorCode::Unauthorized, "the session has ended; sign in again");
                break;
            }
            _ = tx.drained(), if pending => {
                endpoint.pump().await;
                continue;
            }
            next = stream.next() => next,
        };
        idle_deadline = tokio::time::Instant::now() + app.config.idle_timeout;
        let text = match next {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Binary(_))) => {
                error(&endpoint, ErrorCode::BadRequest, "binary frames are not supported");
                continue;
            }
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
            // Pings and pongs of the WebSocket layer: the socket is alive.
            Some(Ok(_)) => continue,
        };
        if text.len() > MAX_FRAME_BYTES {
            let message =
                format!("frame of {} bytes is larger than {MAX_FRAME_BYTES} bytes", text.len());
            error(&endpoint, ErrorCode::TooLarge, &message);
            continue;
        }
        if !endpoint.allow_frame(Instant::now()) {
            let frame = endpoint.error_frame(
                ErrorCode::RateLimited,
                "too many frames; slow down and retry",
                client_id_of(text.as_str()),
            );
            let _ = tx.send(frame);
            continue;
        }
        if endpoint.on_text(text.as_str()).await == Flow::Close {
            break;
        }
    }
    endpoint.on_close();
    drop(endpoint);
    drop(tx);
    // The writer ends once it has written what is queued (every sender is gone now);
    // one that cannot is abandoned.
    if tokio::time::timeout(send_timeout, &mut writer).await.is_err() {
        writer.abort();
    }
}

/// Answers a socket that may not open with one `error` frame, then closes it.
pub async fn refuse(mut socket: WebSocket, frame: &str, send_timeout: std::time::Duration) {
    let _ = tokio::time::timeout(send_timeout, async {
        let _ = socket.send(Message::Text(frame.to_owned().into())).await;
        let _ = socket.close().await;
    })
    .await;
}

/// Forwards frames from the queue to the socket until either side closes; a write
/// that does not finish within `send_timeout`, or a queue closed meanwhile, ends it.
async fn write_frames(
    mut sink: SplitSink<WebSocket, Message>,
    mut rx: Incoming,
    send_timeout: std::time::Duration,
) {
    while let Some(frame) = rx.recv().await {
        let len = frame.len();
        let written = tokio::select! {
            sent = tokio::time::timeout(send_timeout, sink.send(Message::Text(frame.into()))) => {
                matches!(sent, Ok(Ok(())))
            }
            _ = rx.closed() => false,
        };
        if !written {
            rx.close();
            return;
        }
        rx.sent(len);
    }
    let _ = tokio::time::timeout(send_timeout, sink.close()).await;
}
