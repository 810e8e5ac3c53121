//! The link's driver: performs what the core's [`LinkMachine`] decides.
//!
//! The machine decides everything about the connection (hello, back-off, pings,
//! refusals); this driver owns the I/O it needs — the transport's current
//! [`Connection`] and three gloo timers — feeds the machine what happens to them, and
//! hands the machine's [`LinkEvent`]s to the store.
//!
//! Invariants: inputs are handled one at a time, in arrival order, even when
//! performing an output produces a new input synchronously (a transport that opens
//! inside `connect`, a store that sends while it handles an event): such inputs wait
//! in a queue until the current one is done, so the machine is never re-entered.
//! Dropping the [`Link`] closes the connection and cancels every timer.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use gloo::timers::callback::Timeout;
use sitechat_core::link::{ConnId, LinkEvent, LinkInput, LinkMachine, LinkOutput, LinkTimer};
use sitechat_core::protocol::ClientCommand;

use super::{Connection, Signal, Transport};

/// Receives what the link tells the store.
pub type LinkSink = Rc<dyn Fn(LinkEvent)>;

/// A link to the backend over any [`Transport`]. Created idle; [`Link::start`] connects.
#[must_use = "dropping the Link disconnects it"]
pub struct Link {
    inner: Rc<Inner>,
}

struct Inner {
    machine: RefCell<LinkMachine>,
    transport: Rc<dyn Transport>,
    on_event: LinkSink,
    connection: RefCell<Option<Box<dyn Connection>>>,
    /// One slot per [`LinkTimer`]: retry, ping, pong.
    timers: RefCell<[Option<Timeout>; 3]>,
    queue: RefCell<Vec<LinkInput>>,
    busy: Cell<bool>,
    me: Weak<Inner>,
}

impl Link {
    /// An idle link speaking `locale`, with the stored session `token` if any.
    pub fn new(
        transport: Rc<dyn Transport>,
        locale: &str,
        token: Option<String>,
        on_event: LinkSink,
    ) -> Link {
        let seed = (js_sys::Math::random() * 2f64.powi(53)) as u64;
        let inner = Rc::new_cyclic(|me| Inner {
            machine: RefCell::new(LinkMachine::new(locale, token, seed)),
            transport,
            on_event,
            connection: RefCell::new(None),
            timers: RefCell::new([None, None, None]),
            queue: RefCell::new(Vec::new()),
            busy: Cell::new(false),
            me: me.clone(),
        });
        Link { inner }
    }

    /// Connects unless already started.
    pub fn start(&self) {
        self.inner.handle(LinkInput::Start);
    }

    /// Sends `command` if the link is open; otherwise it is dropped (the core's outbox
    /// resends messages once the link is open again).
    pub fn send(&self, command: ClientCommand) {
        self.inner.handle(LinkInput::Send(command));
    }

    /// Skips the back-off wait (the tab became visible, the browser came online).
    pub fn reconnect_now(&self) {
        self.inner.handle(LinkInput::ReconnectNow);
    }

    /// Speaks as the visitor with `token` from now on (see [`LinkInput::UseToken`]).
    pub fn use_token(&self, token: Option<String>) {
        self.inner.handle(LinkInput::UseToken(token));
    }

    /// Whether the backend has welcomed the current connection.
    pub fn is_open(&self) -> bool {
        self.inner.machine.borrow().is_open()
    }

    /// Whether the backend refused this widget for good (a protocol it does not speak).
    pub fn is_stopped(&self) -> bool {
        self.inner.machine.borrow().is_stopped()
    }

    /// The session token the link speaks with.
    pub fn token(&self) -> Option<String> {
        self.inner.machine.borrow().token().map(str::to_owned)
    }

    /// The transport the link runs on (uploads go through it too).
    pub fn transport(&self) -> &Rc<dyn Transport> {
        &self.inner.transport
    }
}

impl Drop for Link {
    fn drop(&mut self) {
        // Whatever is still queued is for a link that no longer exists.
        self.inner.queue.borrow_mut().clear();
        self.inner.connection.borrow_mut().take();
        *self.inner.timers.borrow_mut() = [None, None, None];
    }
}

fn slot(timer: LinkTimer) -> usize {
    match timer {
        LinkTimer::Retry => 0,
        LinkTimer::Ping => 1,
        LinkTimer::Pong => 2,
    }
}

impl Inner {
    fn handle(&self, input: LinkInput) {
        self.queue.borrow_mut().push(input);
        if self.busy.replace(true) {
            return;
        }
        // In batches, oldest first: what performing one batch queues forms the next.
        loop {
            let batch = std::mem::take(&mut *self.queue.borrow_mut());
            if batch.is_empty() {
                break;
            }
            for input in batch {
                let outputs = self.machine.borrow_mut().handle(input);
                for output in outputs {
                    self.perform(output);
                }
            }
        }
        self.busy.set(false);
    }

    fn perform(&self, output: LinkOutput) {
        match output {
            LinkOutput::Connect(conn) => self.connect(conn),
            LinkOutput::Disconnect => {
                self.connection.borrow_mut().take();
            }
            LinkOutput::Send { conn, frame } => {
                let failed = self.connection.borrow().as_ref().and_then(|c| c.send(&frame).err());
                if let Some(err) = failed {
                    self.queue.borrow_mut().push(LinkInput::SendFailed { conn, reason: err.0 });
                }
            }
            LinkOutput::Arm { timer, after_ms } => {
                let me = self.me.clone();
                let timeout = Timeout::new(after_ms, move || {
                    if let Some(inner) = me.upgrade() {
                        inner.timers.borrow_mut()[slot(timer)] = None;
                        inner.handle(LinkInput::TimerFired(timer));
                    }
                });
                self.timers.borrow_mut()[slot(timer)] = Some(timeout);
            }
            LinkOutput::Cancel(timer) => {
                self.timers.borrow_mut()[slot(timer)] = None;
            }
            LinkOutput::Event(event) => (self.on_event)(event),
        }
    }

    fn connect(&self, conn: ConnId) {
        self.connection.borrow_mut().take();
        let me = self.me.clone();
        let sink = Rc::new(move |signal: Signal| {
            let Some(inner) = me.upgrade() else { return };
            let input = match signal {
                Signal::Open => LinkInput::Opened { conn, page_url: page_url() },
                Signal::Frame(text) => LinkInput::Frame { conn, text },
                Signal::Closed { reason } => LinkInput::Closed { conn, reason },
            };
            inner.handle(input);
        });
        match self.transport.connect(sink) {
            Ok(connection) => *self.connection.borrow_mut() = Some(connection),
            Err(err) => {
                self.queue.borrow_mut().push(LinkInput::ConnectFailed { conn, reason: err.0 })
            }
        }
    }
}

fn page_url() -> String {
    web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default()
}
