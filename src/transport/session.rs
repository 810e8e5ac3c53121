//! The session: one logical link to the backend over any [`Transport`].
//!
//! It says `hello` on every new connection (with the stored session token and the
//! conversations to resume), decodes frames into typed [`ServerEvent`]s, reconnects with
//! exponential backoff and jitter when the connection drops, reconnects at once when the
//! tab becomes visible or the browser comes back online, and detects silently dead
//! connections with pings. Reliability lives here once for every transport; the
//! outbox (resend what was not acknowledged) lives in the core's state machine, which
//! this session tells when it is connected.
//!
//! Invariants: at most one connection at a time; signals from a connection that was
//! replaced are ignored; dropping the [`Session`] closes the connection and cancels
//! every timer.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use gloo::timers::callback::{Interval, Timeout};
use sitechat_core::backoff::reconnect_delay_ms;
use sitechat_core::protocol::{ClientCommand, DecodeError, ErrorCode, ServerEvent};

use super::{Connection, Signal, Transport};

/// How often a ping is sent on an idle connection.
pub const PING_INTERVAL_MS: u32 = 25_000;

/// What the session tells the widget.
#[derive(Debug, Clone, PartialEq)]
pub enum SessionEvent {
    /// The backend said `welcome`: the link is usable. Carries the welcome itself.
    Connected(ServerEvent),
    /// Any later event from the backend.
    Event(ServerEvent),
    /// The link is down; the session is reconnecting on its own.
    Disconnected { reason: String },
    /// The backend sent a frame that does not decode; it was dropped.
    Invalid(DecodeError),
    /// The backend refused the stored session token (`error unauthorized` before
    /// `welcome`): forget it; the session says `hello` again without one.
    TokenRejected,
    /// The backend does not speak this protocol version (`unsupported_protocol`): the
    /// session stops for good, since reconnecting cannot help.
    Refused { message: String },
}

/// Builds the `hello` for a new connection (it must carry the latest session token
/// and resume points, so it is asked for at each connection).
pub type HelloBuilder = Rc<dyn Fn() -> ClientCommand>;
/// Receives session events.
pub type EventSink = Rc<dyn Fn(SessionEvent)>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Connecting,
    AwaitingWelcome,
    Open,
    Waiting,
    /// Refused by the backend; never reconnects.
    Stopped,
}

struct Inner {
    transport: Rc<dyn Transport>,
    hello: HelloBuilder,
    on_event: EventSink,
    connection: Option<Box<dyn Connection>>,
    generation: u64,
    phase: Phase,
    attempt: u32,
    retry: Option<Timeout>,
    keepalive: Option<Interval>,
    heard_since_ping: bool,
    ping_nonce: u64,
}

/// A live link to the backend. Drop it to disconnect for good.
#[must_use = "dropping the Session disconnects it"]
pub struct Session {
    inner: Rc<RefCell<Inner>>,
}

impl Session {
    /// Starts connecting at once.
    pub fn start(
        transport: Rc<dyn Transport>,
        hello: HelloBuilder,
        on_event: EventSink,
    ) -> Session {
        let inner = Rc::new(RefCell::new(Inner {
            transport,
            hello,
            on_event,
            connection: None,
            generation: 0,
            phase: Phase::Waiting,
            attempt: 0,
            retry: None,
            keepalive: None,
            heard_since_ping: true,
            ping_nonce: 0,
        }));
        connect(&inner);
        Session { inner }
    }

    /// Sends a command if the link is open; `false` otherwise (the outbox keeps the
    /// message and resends it once connected).
    pub fn send(&self, command: &ClientCommand) -> bool {
        let failed = {
            let inner = self.inner.borrow();
            if inner.phase != Phase::Open {
                return false;
            }
            match &inner.connection {
                Some(connection) => connection.send(&command.encode()).err(),
                None => return false,
            }
        };
        match failed {
            None => true,
            Some(err) => {
                lost(&self.inner, err.0);
                false
            }
        }
    }

    /// Whether the backend has welcomed this connection.
    pub fn is_connected(&self) -> bool {
        self.inner.borrow().phase == Phase::Open
    }

    /// Skips the backoff wait (the tab became visible, the browser came online).
    pub fn reconnect_now(&self) {
        let waiting = self.inner.borrow().phase == Phase::Waiting;
        if waiting {
            self.inner.borrow_mut().attempt = 0;
            connect(&self.inner);
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Ok(mut inner) = self.inner.try_borrow_mut() {
            inner.generation += 1;
            inner.connection = None;
            inner.retry = None;
            inner.keepalive = None;
        }
    }
}

fn connect(inner_rc: &Rc<RefCell<Inner>>) {
    let weak = Rc::downgrade(inner_rc);
    let (transport, generation) = {
        let mut inner = inner_rc.borrow_mut();
        inner.generation += 1;
        inner.connection = None;
        inner.retry = None;
        inner.keepalive = None;
        inner.phase = Phase::Connecting;
        (inner.transport.clone(), inner.generation)
    };
    let sink_weak = weak.clone();
    let sink = Rc::new(move |signal: Signal| {
        if let Some(inner) = sink_weak.upgrade() {
            on_signal(&inner, generation, signal);
        }
    });
    match transport.connect(sink) {
        Ok(connection) => {
            let mut inner = inner_rc.borrow_mut();
            if inner.generation == generation {
                inner.connection = Some(connection);
            }
        }
        Err(err) => lost(inner_rc, err.0),
    }
}

fn on_signal(inner_rc: &Rc<RefCell<Inner>>, generation: u64, signal: Signal) {
    if inner_rc.borrow().generation != generation {
        return;
    }
    match signal {
        Signal::Open => {
            let failed = {
                let mut inner = inner_rc.borrow_mut();
                inner.phase = Phase::AwaitingWelcome;
                let hello = (inner.hello)();
                inner.connection.as_ref().and_then(|c| c.send(&hello.encode()).err())
            };
            if let Some(err) = failed {
                lost(inner_rc, err.0);
            }
        }
        Signal::Frame(text) => {
            inner_rc.borrow_mut().heard_since_ping = true;
            let event = match ServerEvent::decode(&text) {
                Ok(event) => event,
                Err(err) => {
                    let on_event = inner_rc.borrow().on_event.clone();
                    on_event(SessionEvent::Invalid(err));
                    return;
                }
            };
            if let ServerEvent::Error { code, message, client_id: None } = &event {
                if inner_rc.borrow().phase == Phase::AwaitingWelcome
                    && handshake_refused(inner_rc, code, message)
                {
                    return;
                }
            }
            let (on_event, welcomed) = {
                let mut inner = inner_rc.borrow_mut();
                let welcomed = matches!(event, ServerEvent::Welcome { .. })
                    && inner.phase == Phase::AwaitingWelcome;
                if welcomed {
                    inner.phase = Phase::Open;
                    inner.attempt = 0;
                    inner.keepalive = Some(keepalive(Rc::downgrade(inner_rc), generation));
                }
                (inner.on_event.clone(), welcomed)
            };
            on_event(if welcomed {
                SessionEvent::Connected(event)
            } else {
                SessionEvent::Event(event)
            });
        }
        Signal::Closed { reason } => lost(inner_rc, reason),
    }
}

/// Handles an `error` answering `hello`. Returns whether it was about the handshake.
fn handshake_refused(inner_rc: &Rc<RefCell<Inner>>, code: &ErrorCode, message: &str) -> bool {
    let on_event = inner_rc.borrow().on_event.clone();
    match code {
        ErrorCode::Unauthorized => {
            let anonymous = matches!(
                (inner_rc.borrow().hello)(),
                ClientCommand::Hello { session_token: None, .. }
            );
            if anonymous {
                // Refused even as a new visitor: nothing to forget; back off and retry.
                lost(inner_rc, format!("the backend refused a new session: {message}"));
                return true;
            }
            on_event(SessionEvent::TokenRejected);
            let failed = {
                let inner = inner_rc.borrow();
                let hello = (inner.hello)();
                inner.connection.as_ref().and_then(|c| c.send(&hello.encode()).err())
            };
            if let Some(err) = failed {
                lost(inner_rc, err.0);
            }
            true
        }
        ErrorCode::UnsupportedProtocol => {
            {
                let mut inner = inner_rc.borrow_mut();
                inner.generation += 1;
                inner.phase = Phase::Stopped;
                inner.connection = None;
                inner.retry = None;
                inner.keepalive = None;
            }
            on_event(SessionEvent::Refused { message: message.to_owned() });
            true
        }
        _ => false,
    }
}

/// The connection is gone: tell the widget (once) and schedule a reconnection.
fn lost(inner_rc: &Rc<RefCell<Inner>>, reason: String) {
    let (was_open, on_event) = {
        let mut inner = inner_rc.borrow_mut();
        if matches!(inner.phase, Phase::Waiting | Phase::Stopped) {
            return;
        }
        let was_open = inner.phase == Phase::Open;
        inner.generation += 1;
        inner.connection = None;
        inner.keepalive = None;
        inner.phase = Phase::Waiting;
        let delay = reconnect_delay_ms(inner.attempt, js_sys::Math::random());
        inner.attempt = inner.attempt.saturating_add(1);
        let weak: Weak<RefCell<Inner>> = Rc::downgrade(inner_rc);
        inner.retry = Some(Timeout::new(delay, move || {
            if let Some(inner) = weak.upgrade() {
                connect(&inner);
            }
        }));
        (was_open, inner.on_event.clone())
    };
    if was_open {
        on_event(SessionEvent::Disconnected { reason });
    }
}

/// Pings on a timer; a connection that stayed silent for a whole interval after a ping
/// is dead (a laptop that slept, a proxy that dropped it) and is replaced.
fn keepalive(weak: Weak<RefCell<Inner>>, generation: u64) -> Interval {
    Interval::new(PING_INTERVAL_MS, move || {
        let Some(inner_rc) = weak.upgrade() else { return };
        let dead = {
            let mut inner = inner_rc.borrow_mut();
            if inner.generation != generation {
                return;
            }
            if !inner.heard_since_ping {
                true
            } else {
                inner.heard_since_ping = false;
                inner.ping_nonce += 1;
                let ping = ClientCommand::Ping { nonce: inner.ping_nonce };
                inner.connection.as_ref().is_none_or(|c| c.send(&ping.encode()).is_err())
            }
        };
        if dead {
            lost(&inner_rc, "no answer to ping".into());
        }
    })
}
