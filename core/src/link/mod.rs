//! The link: one logical connection to the backend, as a pure state machine.
//!
//! A transport only moves text frames; everything that turns it into a reliable link is
//! decided here, once for every transport: say `hello` on each new connection (with the
//! session token), recognise the backend's `welcome`, reconnect with exponential
//! back-off and jitter when a connection drops, skip the wait when the tab comes back,
//! ping a quiet connection and replace it when no answer comes, drop a refused token,
//! and stop for good when the backend does not speak this protocol version.
//!
//! The machine does no I/O (matrix-rust-sdk's sans-I/O shape): the widget's driver
//! feeds it [`LinkInput`]s (a connection opened, a frame arrived, a timer fired) and
//! performs the [`LinkOutput`]s it returns (open a connection, send a frame, arm a
//! timer, tell the store). Every rule is therefore a plain `#[test]`.
//!
//! Invariants:
//! - at most one connection at a time; inputs about a connection that was replaced
//!   ([`ConnId`] no longer current) are ignored;
//! - nothing but `hello` and `ping` is sent before `welcome`; [`LinkInput::Send`] while
//!   the link is not open is dropped (the conversation's outbox resends once it is);
//! - every back-off delay lies in the bounds of [`reconnect_delay_ms`];
//! - once [`LinkPhase::Stopped`], nothing is ever sent or connected again.
//!
//! # Example
//! ```
//! use sitechat_core::link::{LinkInput, LinkMachine, LinkOutput, LinkEvent};
//!
//! let mut link = LinkMachine::new("en", None, 7);
//! let out = link.handle(LinkInput::Start);
//! let LinkOutput::Connect(conn) = out[0] else { panic!() };
//! let out = link.handle(LinkInput::Opened { conn, page_url: "https://shop.example/".into() });
//! assert!(matches!(&out[0], LinkOutput::Send { frame, .. } if frame.contains("\"hello\"")));
//! let welcome = r#"{"type":"welcome","session_token":"t1","visitor_id":"v1","team_available":true,"server_time":1}"#;
//! let out = link.handle(LinkInput::Frame { conn, text: welcome.into() });
//! assert!(out.iter().any(|o| matches!(o, LinkOutput::Event(LinkEvent::Welcomed(_)))));
//! assert!(link.is_open());
//! assert_eq!(link.token(), Some("t1"));
//! ```

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
pub mod wanted;

use crate::backoff::reconnect_delay_ms;
use crate::protocol::{ClientCommand, DecodeError, ErrorCode, ServerEvent, PROTOCOL_VERSION};

/// A quiet connection is pinged once it has been silent this long.
pub const PING_INTERVAL_MS: u32 = 25_000;
/// A ping unanswered for this long means the connection is dead (a laptop that slept, a
/// proxy that dropped it without a word): it is replaced.
pub const PONG_TIMEOUT_MS: u32 = 10_000;

/// Names one connection the machine asked for, so that late signals of a connection
/// it already replaced can be told apart and ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnId(u64);

/// The link's timers; the driver keeps at most one of each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkTimer {
    /// The back-off wait before the next connection attempt.
    Retry,
    /// The connection has been quiet for [`PING_INTERVAL_MS`]: time to ping.
    Ping,
    /// A ping is out: its answer must come within [`PONG_TIMEOUT_MS`].
    Pong,
}

/// What happened, as the driver saw it.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkInput {
    /// The link is wanted (see [`wanted`]): connect unless already started.
    Start,
    /// Opening connection `conn` failed at once.
    ConnectFailed { conn: ConnId, reason: String },
    /// Connection `conn` is open; `page_url` is the page's address for `hello`.
    Opened { conn: ConnId, page_url: String },
    /// One text frame arrived on `conn`.
    Frame { conn: ConnId, text: String },
    /// Connection `conn` is gone.
    Closed { conn: ConnId, reason: String },
    /// Sending on `conn` failed: it is as good as gone.
    SendFailed { conn: ConnId, reason: String },
    /// A timer armed with [`LinkOutput::Arm`] fired.
    TimerFired(LinkTimer),
    /// The tab became visible or the browser came back online: skip the back-off wait.
    ReconnectNow,
    /// Send this command if the link is open.
    Send(ClientCommand),
    /// Speak as the visitor with this token from now on (another tab became that
    /// visitor first). A different token replaces a live connection with a new one.
    UseToken(Option<String>),
}

/// What the driver must do, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkOutput {
    /// Open a new connection named `conn`, dropping any previous one.
    Connect(ConnId),
    /// Drop the current connection.
    Disconnect,
    /// Send one text frame on `conn`.
    Send { conn: ConnId, frame: String },
    /// Start (or restart) a timer.
    Arm { timer: LinkTimer, after_ms: u32 },
    /// Stop a timer if it runs.
    Cancel(LinkTimer),
    /// Tell the store.
    Event(LinkEvent),
}

/// What the store hears from the link.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkEvent {
    /// The backend said `welcome`: the link is usable. Carries the welcome itself.
    Welcomed(ServerEvent),
    /// Any later event from the backend.
    Received(ServerEvent),
    /// An open link went down; the machine is reconnecting on its own.
    Down { reason: String },
    /// The backend sent a frame that does not decode; it was dropped.
    Invalid(DecodeError),
    /// The backend gave this visitor a (new) session token: keep it for next time.
    TokenIssued(String),
    /// The backend refused the stored token: forget it (`hello` goes again without).
    TokenForgotten,
    /// The backend does not speak this protocol version: the link has stopped for good.
    Refused { message: String },
}

/// Where the link is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPhase {
    /// Not started: nothing wanted a connection yet.
    Idle,
    /// A connection was asked for and has not opened yet.
    Connecting(ConnId),
    /// `hello` is out; waiting for `welcome`.
    Greeting(ConnId),
    /// Welcomed: frames flow.
    Open(ConnId),
    /// Between connections, the back-off timer running.
    Waiting,
    /// Refused by the backend for good.
    Stopped,
}

/// The link's state; see the module documentation.
#[derive(Debug, Clone)]
pub struct LinkMachine {
    phase: LinkPhase,
    locale: String,
    page_url: String,
    token: Option<String>,
    next_conn: u64,
    attempt: u32,
    /// A frame arrived since the ping timer was last armed.
    heard: bool,
    ping_out: bool,
    next_nonce: u64,
    /// xorshift64* state for the back-off jitter, seeded by the driver.
    rng: u64,
}

impl LinkMachine {
    /// A link speaking `locale`, starting with the stored `token` (if any). `seed` feeds
    /// the back-off jitter (the driver takes it from the browser's random source; tests
    /// fix it).
    pub fn new(locale: &str, token: Option<String>, seed: u64) -> LinkMachine {
        LinkMachine {
            phase: LinkPhase::Idle,
            locale: locale.to_owned(),
            page_url: String::new(),
            token,
            next_conn: 0,
            attempt: 0,
            heard: false,
            ping_out: false,
            next_nonce: 0,
            // xorshift must not start from zero.
            rng: seed | 1,
        }
    }

    /// Where the link is.
    pub fn phase(&self) -> LinkPhase {
        self.phase
    }

    /// Whether the backend has welcomed the current connection.
    pub fn is_open(&self) -> bool {
        matches!(self.phase, LinkPhase::Open(_))
    }

    /// Whether the link was started (connected, connecting or waiting to retry).
    pub fn is_started(&self) -> bool {
        self.phase != LinkPhase::Idle
    }

    /// Whether the backend refused this widget for good.
    pub fn is_stopped(&self) -> bool {
        self.phase == LinkPhase::Stopped
    }

    /// The session token the link speaks with (uploads and file URLs use it too).
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// Takes one input; returns what the driver must do, in order.
    pub fn handle(&mut self, input: LinkInput) -> Vec<LinkOutput> {
        let mut out = Vec::new();
        match input {
            LinkInput::Start => {
                if self.phase == LinkPhase::Idle {
                    self.connect(&mut out);
                }
            }
            LinkInput::ConnectFailed { conn, reason }
            | LinkInput::Closed { conn, reason }
            | LinkInput::SendFailed { conn, reason } => {
                if self.current() == Some(conn) {
                    self.lost(reason, &mut out);
                }
            }
            LinkInput::Opened { conn, page_url } => {
                if self.phase == LinkPhase::Connecting(conn) {
                    self.page_url = page_url;
                    self.phase = LinkPhase::Greeting(conn);
                    let hello = self.hello();
                    out.push(LinkOutput::Send { conn, frame: hello });
                }
            }
            LinkInput::Frame { conn, text } => {
                if self.current() == Some(conn) {
                    self.frame(conn, &text, &mut out);
                }
            }
            LinkInput::TimerFired(timer) => self.timer(timer, &mut out),
            LinkInput::ReconnectNow => {
                if self.phase == LinkPhase::Waiting {
                    out.push(LinkOutput::Cancel(LinkTimer::Retry));
                    self.attempt = 0;
                    self.connect(&mut out);
                }
            }
            LinkInput::Send(command) => {
                if let LinkPhase::Open(conn) = self.phase {
                    out.push(LinkOutput::Send { conn, frame: command.encode() });
                }
            }
            LinkInput::UseToken(token) => {
                if token != self.token {
                    self.token = token;
                    if matches!(
                        self.phase,
                        LinkPhase::Connecting(_) | LinkPhase::Greeting(_) | LinkPhase::Open(_)
                    ) {
                        // The live connection speaks for another visitor: replace it
                        // without a back-off (nothing failed).
                        self.stop_keepalive(&mut out);
                        out.push(LinkOutput::Disconnect);
                        self.connect(&mut out);
                    }
                }
            }
        }
        out
    }

    fn current(&self) -> Option<ConnId> {
        match self.phase {
            LinkPhase::Connecting(c) | LinkPhase::Greeting(c) | LinkPhase::Open(c) => Some(c),
            LinkPhase::Idle | LinkPhase::Waiting | LinkPhase::Stopped => None,
        }
    }

    fn hello(&self) -> String {
        ClientCommand::Hello {
            session_token: self.token.clone(),
            protocol: PROTOCOL_VERSION,
            page_url: self.page_url.clone(),
            locale: self.locale.clone(),
            // One path for catching up: the conversation's state machine sends
            // `catch_up` itself once welcomed (docs/protocol.md, step 3).
            resume: Vec::new(),
        }
        .encode()
    }

    fn connect(&mut self, out: &mut Vec<LinkOutput>) {
        self.next_conn += 1;
        let conn = ConnId(self.next_conn);
        self.phase = LinkPhase::Connecting(conn);
        out.push(LinkOutput::Connect(conn));
    }

    fn frame(&mut self, conn: ConnId, text: &str, out: &mut Vec<LinkOutput>) {
        self.heard = true;
        if self.ping_out {
            self.ping_out = false;
            out.push(LinkOutput::Cancel(LinkTimer::Pong));
        }
        let event = match ServerEvent::decode(text) {
            Ok(event) => event,
            Err(err) => {
                out.push(LinkOutput::Event(LinkEvent::Invalid(err)));
                return;
            }
        };
        let greeting = self.phase == LinkPhase::Greeting(conn);
        match &event {
            ServerEvent::Welcome { session_token, .. } if greeting => {
                self.phase = LinkPhase::Open(conn);
                self.attempt = 0;
                if self.token.as_deref() != Some(session_token.as_str()) {
                    self.token = Some(session_token.clone());
                    out.push(LinkOutput::Event(LinkEvent::TokenIssued(session_token.clone())));
                }
                self.heard = false;
                out.push(LinkOutput::Arm { timer: LinkTimer::Ping, after_ms: PING_INTERVAL_MS });
                out.push(LinkOutput::Event(LinkEvent::Welcomed(event)));
            }
            ServerEvent::Error { code, message, client_id: None }
                if greeting && self.refused(conn, code, message, out) => {}
            _ => out.push(LinkOutput::Event(LinkEvent::Received(event))),
        }
    }

    /// An `error` answering `hello`: returns whether it was about the handshake (the
    /// others reach the store like any frame).
    fn refused(
        &mut self,
        conn: ConnId,
        code: &ErrorCode,
        message: &str,
        out: &mut Vec<LinkOutput>,
    ) -> bool {
        match code {
            ErrorCode::Unauthorized if self.token.is_some() => {
                self.token = None;
                out.push(LinkOutput::Event(LinkEvent::TokenForgotten));
                let hello = self.hello();
                out.push(LinkOutput::Send { conn, frame: hello });
            }
            ErrorCode::Unauthorized => {
                // Refused even as a new visitor: nothing to forget; back off and retry.
                self.lost(format!("the backend refused a new session: {message}"), out);
            }
            ErrorCode::UnsupportedProtocol => {
                self.phase = LinkPhase::Stopped;
                self.stop_keepalive(out);
                out.push(LinkOutput::Cancel(LinkTimer::Retry));
                out.push(LinkOutput::Disconnect);
                out.push(LinkOutput::Event(LinkEvent::Refused { message: message.to_owned() }));
            }
            _ => return false,
        }
        true
    }

    fn timer(&mut self, timer: LinkTimer, out: &mut Vec<LinkOutput>) {
        match (timer, self.phase) {
            (LinkTimer::Retry, LinkPhase::Waiting) => self.connect(out),
            (LinkTimer::Ping, LinkPhase::Open(conn)) => {
                if self.heard {
                    // Not quiet: look again one interval later.
                    self.heard = false;
                } else if !self.ping_out {
                    self.next_nonce += 1;
                    let ping = ClientCommand::Ping { nonce: self.next_nonce }.encode();
                    out.push(LinkOutput::Send { conn, frame: ping });
                    self.ping_out = true;
                    out.push(LinkOutput::Arm { timer: LinkTimer::Pong, after_ms: PONG_TIMEOUT_MS });
                }
                out.push(LinkOutput::Arm { timer: LinkTimer::Ping, after_ms: PING_INTERVAL_MS });
            }
            (LinkTimer::Pong, LinkPhase::Open(_)) if self.ping_out => {
                self.lost("no answer to ping".into(), out);
            }
            // A timer of a phase already left: nothing to do.
            _ => {}
        }
    }

    /// Cancelling a timer that does not run is harmless, so both always go.
    fn stop_keepalive(&mut self, out: &mut Vec<LinkOutput>) {
        out.push(LinkOutput::Cancel(LinkTimer::Ping));
        out.push(LinkOutput::Cancel(LinkTimer::Pong));
        self.ping_out = false;
    }

    /// The connection is gone: tell the store (if it was open) and back off.
    fn lost(&mut self, reason: String, out: &mut Vec<LinkOutput>) {
        let was_open = self.is_open();
        self.stop_keepalive(out);
        out.push(LinkOutput::Disconnect);
        self.phase = LinkPhase::Waiting;
        let delay = reconnect_delay_ms(self.attempt, self.next_unit());
        self.attempt = self.attempt.saturating_add(1);
        out.push(LinkOutput::Arm { timer: LinkTimer::Retry, after_ms: delay });
        if was_open {
            out.push(LinkOutput::Event(LinkEvent::Down { reason }));
        }
    }

    /// A uniform number in `[0, 1)` from the seeded generator (xorshift64*).
    fn next_unit(&mut self) -> f64 {
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        let bits = x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11;
        bits as f64 / (1u64 << 53) as f64
    }
}
