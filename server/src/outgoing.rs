//! A socket's queue of encoded frames, bounded in bytes.
//!
//! Every socket has one writer task draining this queue into the WebSocket; everything
//! that answers or pushes to the socket (its own session, the hub's fan-out) sends here
//! without blocking.
//!
//! Invariants:
//! - sending never blocks and never waits for the client;
//! - a frame counts as queued until the writer has written it out (not merely taken
//!   it), so [`Outgoing::queued`] includes the frame stuck in a stalled write;
//! - at most the limit ([`MAX_QUEUED_BYTES`] by default) waits for one socket; a single
//!   frame larger than the limit is taken only into an empty queue (a history page of
//!   long messages still goes out), so the bound is the larger of the limit and one
//!   frame (the protocol bounds frames);
//! - the first frame that would go past it closes the queue for good, as does
//!   [`Outgoing::close`] (a stalled write, a sign-out): the writer stops at once even
//!   in the middle of a write, the socket's loop ends on [`Outgoing::closed`], and the
//!   frames waiting are dropped with the queue. A client that reads again reconnects
//!   and catches up (`catch_up`, `open_conversation`), so closing loses nothing the
//!   protocol does not recover, while a client that never reads cannot make the server
//!   hold memory for it.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::{mpsc, Notify};

/// Largest total size of frames waiting for one socket, in bytes.
pub const MAX_QUEUED_BYTES: usize = 1024 * 1024;

struct Shared {
    queued: AtomicUsize,
    closed: AtomicBool,
    /// Woken when the queue closes.
    wake: Notify,
    /// Woken when the queue becomes empty.
    drained: Notify,
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
/// let (tx, mut rx) = sitechat_server::outgoing::channel_with_limit(10);
/// assert!(tx.send("12345".into()));
/// assert!(tx.send("67890".into()));
/// assert!(!tx.send("x".into()), "over the limit");
/// assert!(tx.is_closed());
///
/// let (tx, _rx) = sitechat_server::outgoing::channel_with_limit(10);
/// assert!(tx.send("a frame longer than the limit".into()), "alone, it is taken");
/// assert!(!tx.send("x".into()));
/// ```
pub fn channel_with_limit(limit: usize) -> (Outgoing, Incoming) {
    let (tx, rx) = mpsc::unbounded_channel();
    let shared = Arc::new(Shared {
        queued: AtomicUsize::new(0),
        closed: AtomicBool::new(false),
        wake: Notify::new(),
        drained: Notify::new(),
        limit,
    });
    (Outgoing { tx, shared: shared.clone() }, Incoming { rx, shared })
}

impl Shared {
    fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.wake.notify_waiters();
        self.drained.notify_waiters();
    }

    fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    async fn closed(&self) {
        loop {
            let notified = self.wake.notified();
            if self.is_closed() {
                return;
            }
            notified.await;
        }
    }
}

impl Outgoing {
    /// Queues a frame; `false` if the socket is gone or its client stopped reading.
    pub fn send(&self, frame: String) -> bool {
        if self.shared.is_closed() {
            return false;
        }
        let len = frame.len();
        let before = self.shared.queued.fetch_add(len, Ordering::AcqRel);
        if before > 0 && before + len > self.shared.limit {
            self.shared.queued.fetch_sub(len, Ordering::AcqRel);
            self.shared.close();
            return false;
        }
        self.tx.send(frame).is_ok()
    }

    /// Closes the queue: the writer stops and the socket closes.
    pub fn close(&self) {
        self.shared.close();
    }

    /// Whether the queue is closed (overflowed, stalled, or closed on purpose).
    pub fn is_closed(&self) -> bool {
        self.shared.is_closed()
    }

    /// Resolves once the queue is closed (the socket must then close).
    pub async fn closed(&self) {
        self.shared.closed().await
    }

    /// Bytes queued or being written now.
    pub fn queued(&self) -> usize {
        self.shared.queued.load(Ordering::Acquire)
    }

    /// Resolves once nothing is queued or being written (or the queue closed).
    pub async fn drained(&self) {
        loop {
            let notified = self.shared.drained.notified();
            if self.queued() == 0 || self.is_closed() {
                return;
            }
            notified.await;
        }
    }
}

impl Incoming {
    /// The next frame to write, or `None` once every sender is gone or the queue is
    /// closed. Call [`Incoming::sent`] once it is written.
    pub async fn recv(&mut self) -> Option<String> {
        if self.shared.is_closed() {
            return None;
        }
        tokio::select! {
            frame = self.rx.recv() => frame,
            _ = self.shared.closed() => None,
        }
    }

    /// A frame of `len` bytes has been written out.
    pub fn sent(&self, len: usize) {
        let before = self.shared.queued.fetch_sub(len, Ordering::AcqRel);
        if before <= len {
            self.shared.drained.notify_waiters();
        }
    }

    /// Resolves once the queue is closed (a write in progress is then abandoned).
    pub async fn closed(&self) {
        self.shared.closed().await
    }

    /// Closes the queue (the writer gave up on a stalled client).
    pub fn close(&self) {
        self.shared.close();
    }

    /// Takes every frame queued now (tests).
    pub fn drain(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        while let Ok(frame) = self.rx.try_recv() {
            self.sent(frame.len());
            out.push(frame);
        }
        out
    }
}
