//! A socket's queue of encoded frames, bounded in bytes.
//!
//! Every socket has one writer task draining this queue into the WebSocket; everything
//! that answers or pushes to the socket (its own session, the hub's fan-out) sends here
//! without blocking.
//!
//! Invariants:
//! - sending never blocks and never waits for the client;
//! - at most [`MAX_QUEUED_BYTES`] of frames wait for a client that does not read; the
//!   first frame that would go past it is refused and the queue is marked overflowed
//!   for good: the writer stops, the socket's reader loop ends on
//!   [`Outgoing::overflowed`], and the socket closes. A client that reads again
//!   reconnects and catches up (`catch_up`, `open_conversation`), so closing loses
//!   nothing the protocol does not recover, while a client that never reads cannot make
//!   the server hold unbounded memory for it.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::{mpsc, Notify};

/// Largest total size of frames waiting for one client, in bytes.
pub const MAX_QUEUED_BYTES: usize = 8 * 1024 * 1024;

struct Shared {
    queued: AtomicUsize,
    overflowed: AtomicBool,
    wake: Notify,
    limit: usize,
}

/// The sending side, cloned into the hub.
#[derive(Clone)]
pub struct Outgoing {
    tx: mpsc::UnboundedSender<String>,
    shared: Arc<Shared>,
}

/// The writer task's side.
pub struct Incoming {
    rx: mpsc::UnboundedReceiver<String>,
    shared: Arc<Shared>,
}

/// A queue bounded at [`MAX_QUEUED_BYTES`] (the server uses its configured limit).
pub fn channel() -> (Outgoing, Incoming) {
    channel_with_limit(MAX_QUEUED_BYTES)
}

/// A queue bounded at `limit` bytes (tests use a small one).
///
/// ```
/// let (tx, mut rx) = sitechat_server::ws::outgoing::channel_with_limit(10);
/// assert!(tx.send("12345".into()));
/// assert!(tx.send("67890".into()));
/// assert!(!tx.send("x".into()), "over the limit");
/// assert!(tx.is_overflowed());
/// ```
pub fn channel_with_limit(limit: usize) -> (Outgoing, Incoming) {
    let (tx, rx) = mpsc::unbounded_channel();
    let shared = Arc::new(Shared {
        queued: AtomicUsize::new(0),
        overflowed: AtomicBool::new(false),
        wake: Notify::new(),
        limit,
    });
    (Outgoing { tx, shared: shared.clone() }, Incoming { rx, shared })
}

impl Outgoing {
    /// Queues a frame; `false` if the socket is gone or its client stopped reading.
    pub fn send(&self, frame: String) -> bool {
        if self.shared.overflowed.load(Ordering::Acquire) {
            return false;
        }
        let len = frame.len();
        let before = self.shared.queued.fetch_add(len, Ordering::AcqRel);
        if before + len > self.shared.limit {
            self.shared.queued.fetch_sub(len, Ordering::AcqRel);
            self.shared.overflowed.store(true, Ordering::Release);
            self.shared.wake.notify_waiters();
            self.shared.wake.notify_one();
            return false;
        }
        self.tx.send(frame).is_ok()
    }

    /// Whether the queue overflowed.
    pub fn is_overflowed(&self) -> bool {
        self.shared.overflowed.load(Ordering::Acquire)
    }

    /// Resolves once the queue has overflowed (the socket must then close).
    pub async fn overflowed(&self) {
        loop {
            let notified = self.shared.wake.notified();
            if self.is_overflowed() {
                return;
            }
            notified.await;
        }
    }
}

impl Incoming {
    /// The next frame to write, or `None` once every sender is gone or the queue
    /// overflowed.
    pub async fn recv(&mut self) -> Option<String> {
        if self.shared.overflowed.load(Ordering::Acquire) {
            return None;
        }
        let frame = self.rx.recv().await?;
        self.shared.queued.fetch_sub(frame.len(), Ordering::AcqRel);
        Some(frame)
    }

    /// Takes every frame queued now (tests).
    pub fn drain(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        while let Ok(frame) = self.rx.try_recv() {
            self.shared.queued.fetch_sub(frame.len(), Ordering::AcqRel);
            out.push(frame);
        }
        out
    }
}
