//! Transports: the only way the widget talks to a backend.
//!
//! A transport moves JSON text frames (see `docs/protocol.md`) and reports when its
//! connection opens and closes; nothing more. Everything that makes delivery reliable —
//! saying hello, reconnecting with backoff, catching up after a gap, the outbox with its
//! acks and de-duplication — sits above the trait, once, in [`link`] (driving the core's link machine) and in the core's
//! conversation state machine, so every transport gets it for free. This mirrors ruma's
//! small `HttpClient` trait with the typed protocol layered on top.
//!
//! Shipped: [`memory`] (tests and the demo, agent side scriptable), [`websocket`] (the
//! reference server and any backend speaking the protocol), [`js_bridge`] (a plain
//! JavaScript object from the page, so any backend can be wired without Rust),
//! [`matrix`] (a Matrix homeserver, behind the `matrix` feature).

pub mod js_bridge;
pub mod link;
#[cfg(feature = "matrix")]
pub mod matrix;
pub mod memory;
pub mod websocket;

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use sitechat_core::protocol::Attachment;

/// What a connection reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signal {
    /// The connection is open; frames may be sent.
    Open,
    /// One text frame from the backend.
    Frame(String),
    /// The connection is gone (or never opened). The session decides whether and when
    /// to reconnect.
    Closed { reason: String },
}

/// Where a connection reports its signals.
pub type SignalSink = Rc<dyn Fn(Signal)>;

/// A transport failed to open or to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportError(pub String);

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The result of an upload, resolved later.
pub type UploadFuture = Pin<Box<dyn Future<Output = Result<Attachment, TransportError>>>>;

/// Opens connections to one backend.
pub trait Transport {
    /// A short name for messages in the console ("websocket", "memory", …).
    fn name(&self) -> &'static str;

    /// Starts a connection. It reports to `sink` — `Open`, then `Frame`s, then one
    /// `Closed` — until the returned connection is dropped; after the drop it reports
    /// nothing more.
    fn connect(&self, sink: SignalSink) -> Result<Box<dyn Connection>, TransportError>;

    /// Stores a file the visitor attached and describes it, so a message can refer to
    /// it by id. `session_token` proves who uploads. A backend without attachments keeps
    /// this default, and the widget hides its attachment button.
    fn upload(&self, file: web_sys::File, session_token: Option<String>) -> UploadFuture {
        let _ = (file, session_token);
        Box::pin(async { Err(TransportError("this backend does not accept attachments".into())) })
    }

    /// Whether [`upload`](Transport::upload) is supported.
    fn accepts_uploads(&self) -> bool {
        false
    }

    /// The URL the widget puts in `src`/`href` for an attachment the backend described
    /// with `url`. A backend whose files need the visitor's credentials (an `<img>` cannot
    /// send a header) adds them here, and only for its own URLs.
    fn attachment_url(&self, url: &str, session_token: Option<&str>) -> String {
        let _ = session_token;
        url.to_owned()
    }
}

/// One open (or opening) connection. Dropping it closes it.
pub trait Connection {
    /// Sends one text frame. An error means this connection is unusable; the session
    /// drops it and reconnects, and the outbox resends what was not acknowledged.
    fn send(&self, frame: &str) -> Result<(), TransportError>;
}
