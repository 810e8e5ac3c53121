//! The store: the core's state machine plus the resources that carry out its effects.
//!
//! Every change goes through [`Store::dispatch`]: the event is applied to the core's
//! [`ChatState`], the returned effects run here, in order, at once (send a frame, arm an
//! ack timer, persist, tell the page), and subscribers are told to re-render. Components
//! never mutate anything; they read the store and raise callbacks.
//!
//! Invariants:
//! - the store owns every resource it starts (session, timers, listeners); dropping it
//!   releases them all;
//! - the session is opened lazily: only once something must be sent, or at start for a
//!   returning visitor with a conversation or unsent messages (nothing connects for a
//!   visitor who never chatted);
//! - a persisted state is the whole truth of the conversation: a corrupt or foreign
//!   one is discarded with a console warning, never a crash.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::{Rc, Weak};

use gloo::timers::callback::Timeout;
use sitechat_core::config::Config;
use sitechat_core::conversation::{ChatEvent, ChatState, Effect, Notification};
use sitechat_core::i18n::Locale;
use sitechat_core::protocol::{ClientCommand, ResumePoint, ServerEvent, PROTOCOL_VERSION};

use crate::clock;
use crate::effects::persistence::Persistence;
use crate::transport::session::{Session, SessionEvent};
use crate::transport::Transport;

/// Something outside the widget that wants to know (the JS API, tests).
pub type NotificationSink = Rc<dyn Fn(&Notification)>;

/// The widget's single source of truth.
pub struct Store {
    config: Rc<Config>,
    locale: Locale,
    chat: RefCell<ChatState>,
    revision: Cell<u64>,
    transport: Rc<dyn Transport>,
    session: RefCell<Option<Session>>,
    session_token: RefCell<Option<String>>,
    ack_timers: RefCell<BTreeMap<String, Timeout>>,
    persistence: Persistence,
    subscribers: RefCell<Vec<(u64, Rc<dyn Fn()>)>>,
    next_subscriber: Cell<u64>,
    notification_sinks: RefCell<Vec<NotificationSink>>,
    announcement: RefCell<String>,
    me: Weak<Store>,
}

/// Unsubscribes when dropped.
#[must_use = "dropping the Subscription unsubscribes"]
pub struct Subscription {
    store: Weak<Store>,
    id: u64,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(store) = self.store.upgrade() {
            store.subscribers.borrow_mut().retain(|(id, _)| *id != self.id);
        }
    }
}

impl Store {
    /// A store for `config`, restoring what `persistence` holds.
    pub fn new(config: Rc<Config>, locale: Locale, transport: Rc<dyn Transport>, persistence: Persistence) -> Rc<Store> {
        let restored = persistence.load_chat();
        let token = persistence.load_session_token();
        let store = Rc::new_cyclic(|me| Store {
            config,
            locale,
            chat: RefCell::new(restored.unwrap_or_default()),
            revision: Cell::new(0),
            transport,
            session: RefCell::new(None),
            session_token: RefCell::new(token),
            ack_timers: RefCell::new(BTreeMap::new()),
            persistence,
            subscribers: RefCell::new(Vec::new()),
            next_subscriber: Cell::new(1),
            notification_sinks: RefCell::new(Vec::new()),
            announcement: RefCell::new(String::new()),
            me: me.clone(),
        });
        let returning = {
            let chat = store.chat.borrow();
            chat.conversation_id().is_some() || chat.outbox_len() > 0
        };
        if returning {
            store.ensure_session();
        }
        store
    }

    /// The site owner's config.
    pub fn config(&self) -> &Rc<Config> {
        &self.config
    }

    /// The language the widget speaks.
    pub fn locale(&self) -> Locale {
        self.locale
    }

    /// Reads the chat state (do not hold the borrow across a dispatch).
    pub fn chat(&self) -> std::cell::Ref<'_, ChatState> {
        self.chat.borrow()
    }

    /// Grows by one on every change: a cheap equality for Yew props.
    pub fn revision(&self) -> u64 {
        self.revision.get()
    }

    /// The latest text for the screen-reader live region.
    pub fn announcement(&self) -> String {
        self.announcement.borrow().clone()
    }

    /// Calls `on_change` after every change until the subscription is dropped.
    pub fn subscribe(&self, on_change: Rc<dyn Fn()>) -> Subscription {
        let id = self.next_subscriber.get();
        self.next_subscriber.set(id + 1);
        self.subscribers.borrow_mut().push((id, on_change));
        Subscription { store: self.me.clone(), id }
    }

    /// Adds a listener for the core's notifications (the JS API's events).
    pub fn on_notification(&self, sink: NotificationSink) {
        self.notification_sinks.borrow_mut().push(sink);
    }

    /// Applies `event` and carries out its effects.
    pub fn dispatch(&self, event: ChatEvent) {
        let effects = self.chat.borrow_mut().apply(event);
        for effect in effects {
            self.run(effect);
        }
        self.changed();
    }

    fn changed(&self) {
        self.revision.set(self.revision.get() + 1);
        let subscribers: Vec<Rc<dyn Fn()>> = self.subscribers.borrow().iter().map(|(_, f)| f.clone()).collect();
        for notify in subscribers {
            notify();
        }
    }

    fn run(&self, effect: Effect) {
        match effect {
            Effect::Send(command) => {
                self.ensure_session();
                if let Some(session) = self.session.borrow().as_ref() {
                    // `false`: not connected yet; the outbox resends once it is.
                    session.send(&command);
                }
            }
            Effect::ArmAckTimer { client_id, after_ms } => {
                let me = self.me.clone();
                let id = client_id.clone();
                let timer = Timeout::new(after_ms, move || {
                    if let Some(store) = me.upgrade() {
                        store.ack_timers.borrow_mut().remove(&id);
                        store.dispatch(ChatEvent::AckTimeout { client_id: id, now: clock::now() });
                    }
                });
                self.ack_timers.borrow_mut().insert(client_id, timer);
            }
            Effect::CancelAckTimer { client_id } => {
                self.ack_timers.borrow_mut().remove(&client_id);
            }
            Effect::Persist => self.persistence.save_chat(&self.chat.borrow()),
            Effect::Notify(notification) => {
                if let Notification::Announce(text) = &notification {
                    *self.announcement.borrow_mut() = text.clone();
                }
                let sinks: Vec<NotificationSink> = self.notification_sinks.borrow().clone();
                for sink in sinks {
                    sink(&notification);
                }
            }
        }
    }

    /// Opens the session if it is not open yet.
    fn ensure_session(&self) {
        if self.session.borrow().is_some() {
            return;
        }
        let me = self.me.clone();
        let hello = Rc::new(move || me.upgrade().map(|s| s.hello()).unwrap_or_else(|| ClientCommand::Ping { nonce: 0 }));
        let me = self.me.clone();
        let on_event = Rc::new(move |event: SessionEvent| {
            if let Some(store) = me.upgrade() {
                store.on_session_event(event);
            }
        });
        let session = Session::start(self.transport.clone(), hello, on_event);
        *self.session.borrow_mut() = Some(session);
    }

    fn hello(&self) -> ClientCommand {
        let chat = self.chat.borrow();
        let resume = chat
            .conversation_id()
            .map(|id| vec![ResumePoint { conversation_id: id.to_owned(), after_seq: chat.last_seq() }])
            .unwrap_or_default();
        ClientCommand::Hello {
            session_token: self.session_token.borrow().clone(),
            protocol: PROTOCOL_VERSION,
            page_url: page_url(),
            locale: self.locale.code().to_owned(),
            resume,
        }
    }

    fn on_session_event(&self, event: SessionEvent) {
        let now = clock::now();
        match event {
            SessionEvent::Connected(welcome) => {
                if let ServerEvent::Welcome { session_token, .. } = &welcome {
                    *self.session_token.borrow_mut() = Some(session_token.clone());
                    self.persistence.save_session_token(session_token);
                }
                self.dispatch(ChatEvent::Server(welcome, now));
                self.dispatch(ChatEvent::Connected { now });
            }
            SessionEvent::Event(event) => self.dispatch(ChatEvent::Server(event, now)),
            SessionEvent::Disconnected { .. } => self.dispatch(ChatEvent::Disconnected),
            SessionEvent::Invalid(err) => {
                gloo::console::warn!(format!("sitechat: ignored a frame from the backend: {err}"));
            }
        }
    }

    /// The tab became visible again or the browser came back online: reconnect now
    /// rather than after the backoff, and let the core catch up.
    pub fn page_visible(&self, visible: bool) {
        if visible {
            if let Some(session) = self.session.borrow().as_ref() {
                session.reconnect_now();
            }
        }
        self.dispatch(ChatEvent::PageVisible(visible));
    }
}

fn page_url() -> String {
    web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default()
}
