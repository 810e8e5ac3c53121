//! The in-memory transport: a [`MemoryBackend`] living in the page.
//!
//! Used by the browser tests and the demo page, whose agent panel drives the backend's
//! agent side through [`MemoryAgent`]. Frames really are encoded and decoded as JSON on
//! the way through, and delivered asynchronously like a network would, so the widget
//! runs the same code paths as with a real backend. It can also fail on demand
//! ([`MemoryAgent::drop_connections`], [`MemoryAgent::set_reachable`]) to test reconnection.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use sitechat_core::config::Config;
use sitechat_core::memory_backend::{AgentMessage, ConnectionId, MemoryBackend, Outgoing};
use sitechat_core::protocol::{Attachment, ClientCommand, EndReason, ErrorCode};
use sitechat_core::vec_map::VecMap;

use super::{Connection, Signal, SignalSink, Transport, TransportError, UploadFuture};
use crate::clock;

struct Shared {
    backend: MemoryBackend,
    sinks: VecMap<ConnectionId, SignalSink>,
    reachable: bool,
    /// Frames the backend received, for tests ("was a catch_up sent?").
    received: Vec<String>,
    uploads: u32,
}

/// A transport whose backend lives in this page.
#[derive(Clone)]
pub struct MemoryTransport {
    shared: Rc<RefCell<Shared>>,
}

/// The agent side of a [`MemoryTransport`].
#[derive(Clone)]
pub struct MemoryAgent {
    shared: Rc<RefCell<Shared>>,
}

impl MemoryTransport {
    /// A transport and its agent side, with an agent called `agent_name`.
    pub fn new(agent_name: &str) -> (MemoryTransport, MemoryAgent) {
        let shared = Rc::new(RefCell::new(Shared {
            backend: MemoryBackend::new(agent_name),
            sinks: VecMap::new(),
            reachable: true,
            received: Vec::new(),
            uploads: 0,
        }));
        (MemoryTransport { shared: shared.clone() }, MemoryAgent { shared })
    }

    /// A transport for the site `config`: its agent is named after the profile, and its
    /// bot runs `bot.flow` when one is configured, as the reference server does.
    pub fn for_config(config: &Config) -> (MemoryTransport, MemoryAgent) {
        let (transport, agent) = MemoryTransport::new(&config.profile.name);
        if let Some(flow) = config.bot.flow.clone().filter(|_| config.bot.enabled) {
            transport.shared.borrow_mut().backend.set_bot(flow, config.bot.collect_input);
        }
        (transport, agent)
    }
}

/// Delivers each event to its connection on a later task, as a network would (and so
/// that no widget code re-enters itself while it is sending).
fn deliver(shared: &Rc<RefCell<Shared>>, out: Vec<Outgoing>) {
    for Outgoing { to, event } in out {
        let weak = Rc::downgrade(shared);
        let frame = event.encode();
        wasm_bindgen_futures::spawn_local(async move {
            let sink = weak.upgrade().and_then(|s| s.borrow().sinks.get(&to).cloned());
            if let Some(sink) = sink {
                sink(Signal::Frame(frame));
            }
        });
    }
}

fn signal_later(sink: SignalSink, signal: Signal) {
    wasm_bindgen_futures::spawn_local(async move { sink(signal) });
}

impl Transport for MemoryTransport {
    fn name(&self) -> &'static str {
        "memory"
    }

    fn connect(&self, sink: SignalSink) -> Result<Box<dyn Connection>, TransportError> {
        let mut shared = self.shared.borrow_mut();
        if !shared.reachable {
            signal_later(
                sink,
                Signal::Closed { reason: "the in-memory backend is unreachable".into() },
            );
            return Ok(Box::new(MemoryConnection { shared: Weak::new(), id: 0 }));
        }
        let id = shared.backend.connect();
        shared.sinks.insert(id, sink.clone());
        signal_later(sink, Signal::Open);
        Ok(Box::new(MemoryConnection { shared: Rc::downgrade(&self.shared), id }))
    }

    /// Keeps the file in the page as a `blob:` URL, like an upload endpoint would keep it
    /// on disk, and registers it with the backend.
    fn upload(&self, file: web_sys::File, _session_token: Option<String>) -> UploadFuture {
        let shared = self.shared.clone();
        Box::pin(async move {
            let url = web_sys::Url::create_object_url_with_blob(&file)
                .map_err(|_| TransportError("the browser could not read the file".into()))?;
            let attachment = {
                let mut s = shared.borrow_mut();
                s.uploads += 1;
                Attachment {
                    id: format!("upload-{}", s.uploads),
                    name: file.name(),
                    mime: file.type_(),
                    size: file.size() as u64,
                    url,
                }
            };
            shared.borrow_mut().backend.register_upload(attachment.clone());
            Ok(attachment)
        })
    }

    fn accepts_uploads(&self) -> bool {
        true
    }
}

struct MemoryConnection {
    shared: Weak<RefCell<Shared>>,
    id: ConnectionId,
}

impl Connection for MemoryConnection {
    fn send(&self, frame: &str) -> Result<(), TransportError> {
        let shared =
            self.shared.upgrade().ok_or_else(|| TransportError("connection closed".into()))?;
        let out = {
            let mut s = shared.borrow_mut();
            if !s.sinks.contains_key(&self.id) {
                return Err(TransportError("connection closed".into()));
            }
            s.received.push(frame.to_owned());
            // A real server answers a malformed frame with an error event; so does this one.
            match ClientCommand::decode(frame) {
                Ok(command) => s.backend.receive(self.id, command, clock::now()),
                Err(err) => vec![Outgoing {
                    to: self.id,
                    event: sitechat_core::protocol::ServerEvent::Error {
                        code: ErrorCode::BadRequest,
                        message: err.to_string(),
                        client_id: None,
                    },
                }],
            }
        };
        deliver(&shared, out);
        Ok(())
    }
}

impl Drop for MemoryConnection {
    fn drop(&mut self) {
        if let Some(shared) = self.shared.upgrade() {
            let mut s = shared.borrow_mut();
            s.sinks.remove(&self.id);
            s.backend.disconnect(self.id);
        }
    }
}

impl MemoryAgent {
    fn act(&self, f: impl FnOnce(&mut MemoryBackend) -> Vec<Outgoing>) {
        let out = f(&mut self.shared.borrow_mut().backend);
        deliver(&self.shared, out);
    }

    /// The agent sends a text message into the current conversation.
    pub fn say(&self, text: &str) {
        self.act(|b| b.agent_sends(AgentMessage::text(text), false, clock::now()));
    }

    /// The agent (or bot) sends a full message.
    pub fn send(&self, message: AgentMessage, as_bot: bool) {
        self.act(|b| b.agent_sends(message, as_bot, clock::now()));
    }

    /// The agent starts or stops typing.
    pub fn typing(&self, typing: bool) {
        self.act(|b| b.agent_typing(typing));
    }

    /// The team becomes available or away.
    pub fn set_team_available(&self, available: bool) {
        self.act(|b| b.set_team_available(available));
    }

    /// Ends the current conversation.
    pub fn end_conversation(&self, reason: EndReason) {
        self.act(|b| b.end_conversation(reason));
    }

    /// Cuts every open connection (each reports `Closed`).
    pub fn drop_connections(&self) {
        let sinks: Vec<(ConnectionId, SignalSink)> = {
            let mut s = self.shared.borrow_mut();
            let sinks = std::mem::take(&mut s.sinks);
            for id in sinks.keys() {
                s.backend.disconnect(*id);
            }
            sinks.into_iter().collect()
        };
        for (_, sink) in sinks {
            signal_later(sink, Signal::Closed { reason: "cut by the test".into() });
        }
    }

    /// While unreachable, new connections fail at once.
    pub fn set_reachable(&self, reachable: bool) {
        self.shared.borrow_mut().reachable = reachable;
    }

    /// Reads the backend (for assertions).
    pub fn with_backend<T>(&self, f: impl FnOnce(&MemoryBackend) -> T) -> T {
        f(&self.shared.borrow().backend)
    }

    /// Every frame the backend received, in order.
    pub fn received_frames(&self) -> Vec<String> {
        self.shared.borrow().received.clone()
    }

    /// How many connections are open.
    pub fn open_connections(&self) -> usize {
        self.shared.borrow().sinks.len()
    }
}
