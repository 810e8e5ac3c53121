//! The store: a thin shell over the core's state machines and the parts that carry out
//! their effects.
//!
//! Every change goes through [`Store::dispatch`]: the event is applied to the core's
//! [`ChatState`], the returned effects run here, in order, at once, and observers are
//! told to re-render. Components never mutate anything; they read the store and raise
//! callbacks. The store owns small parts, each with one job (matrix-rust-sdk's
//! `OlmMachine` built from named sub-machines):
//!
//! - the [`Link`] (`transport/link.rs`): the core's link machine and the connection,
//!   with the session token;
//! - the [`Composer`]: draft, uploads and the composer's error;
//! - the [`AvailabilityClock`]: the decision in force and the timer for its next change;
//! - the [`Saver`]: dormant storage and coalesced saves;
//! - the [`Observers`]: render subscribers, notification sinks, the live announcement;
//! - the [`AckTimers`] of messages in flight.
//!
//! Decisions stay in the core: when the link is wanted ([`link_wanted`]), when
//! availability must be decided again ([`availability_recheck`]), which files are
//! accepted ([`sitechat_core::file_check`]), the transcript request
//! ([`TranscriptRequest`]) and what a tab does with another tab's chat
//! ([`sitechat_core::link::wanted::adopt`]).
//!
//! Invariants:
//! - the store owns every resource it starts (link, timers); dropping it releases them;
//! - nothing connects for a visitor who never chatted, unless availability follows the
//!   team's presence (then only `hello` is said): [`link_wanted`];
//! - nothing is written to storage before the visitor's first interaction with the
//!   widget (or for a returning visitor, who already has something stored);
//! - a persisted state is the whole truth of the conversation: a corrupt or foreign
//!   one is discarded with a console warning, never a crash.

mod ack_timers;
mod availability_clock;
mod composer;
mod observers;
mod saver;
mod visitor_actions;

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use sitechat_core::availability::Decision;
use sitechat_core::availability_recheck;
use sitechat_core::config::Config;
use sitechat_core::conversation::{ChatEvent, ChatState, Effect};
use sitechat_core::i18n::Locale;
use sitechat_core::link::wanted::link_wanted;
use sitechat_core::link::LinkEvent;
use sitechat_core::protocol::{ClientId, ServerEvent};
use sitechat_core::time::UnixMillis;
use sitechat_core::transcript::TranscriptRequest;

use crate::clock;
use crate::effects::persistence::Persistence;
use crate::transport::link::Link;
use crate::transport::Transport;

use ack_timers::AckTimers;
use availability_clock::AvailabilityClock;
pub use composer::{Composer, ComposerState, Upload};
pub use observers::{NotificationSink, Observers, Subscription};
pub use saver::{Saver, SAVE_DELAY_MS};
pub use visitor_actions::new_client_id;

/// Where the store reads the time (the browser's clock, or a test's).
pub type Now = Rc<dyn Fn() -> UnixMillis>;

/// The widget's single source of truth.
pub struct Store {
    config: Rc<Config>,
    locale: Locale,
    chat: RefCell<ChatState>,
    link: Link,
    composer: Composer,
    availability: AvailabilityClock,
    saver: Saver,
    observers: Observers,
    ack_timers: AckTimers,
    transcript: RefCell<TranscriptRequest>,
    now: Now,
    /// The visitor asked for the window: the composer takes focus when it opens.
    focus_on_open: Cell<bool>,
    me: Weak<Store>,
}

/// Stores are equal only to themselves: Yew compares props and hook dependencies
/// holding an `Rc<Store>` by identity, never by content.
impl PartialEq for Store {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Store {
    /// A store for `config`, restoring what `persistence` holds, on the browser's clock.
    pub fn new(
        config: Rc<Config>,
        locale: Locale,
        transport: Rc<dyn Transport>,
        persistence: Persistence,
    ) -> Rc<Store> {
        Store::with_clock(config, locale, transport, persistence, Rc::new(clock::now))
    }

    /// Like [`Store::new`], reading the time from `now` (tests move it to a closing time).
    pub fn with_clock(
        config: Rc<Config>,
        locale: Locale,
        transport: Rc<dyn Transport>,
        persistence: Persistence,
        now: Now,
    ) -> Rc<Store> {
        let restored = persistence.load_chat();
        let token = persistence.load_session_token();
        let draft = persistence.load_draft();
        let attachments_allowed = config.options.attachments && transport.accepts_uploads();
        let store = Rc::new_cyclic(|me: &Weak<Store>| {
            let events = me.clone();
            let on_link = Rc::new(move |event: LinkEvent| {
                if let Some(store) = events.upgrade() {
                    store.on_link_event(event);
                }
            });
            Store {
                availability: AvailabilityClock::new(&config),
                link: Link::new(transport, locale.code(), token, on_link),
                config,
                locale,
                chat: RefCell::new(restored.unwrap_or_default()),
                composer: Composer::new(draft, attachments_allowed),
                saver: Saver::new(persistence),
                observers: Observers::default(),
                ack_timers: AckTimers::default(),
                transcript: RefCell::new(TranscriptRequest::default()),
                now,
                focus_on_open: Cell::new(false),
                me: me.clone(),
            }
        });
        store.evaluate_availability();
        store.start_link_if_wanted();
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
        self.observers.revision()
    }

    /// The latest text for the screen-reader live region.
    pub fn announcement(&self) -> String {
        self.observers.announcement()
    }

    /// Calls `on_change` after every change until the subscription is dropped.
    pub fn subscribe(&self, on_change: Rc<dyn Fn()>) -> Subscription {
        self.observers.subscribe(on_change)
    }

    /// Adds a listener for the core's notifications (the JS API's events).
    pub fn on_notification(&self, sink: NotificationSink) {
        self.observers.on_notification(sink);
    }

    /// The current instant on the store's clock.
    pub fn now(&self) -> UnixMillis {
        (self.now)()
    }

    /// Whether the backend refused to talk to this widget (a protocol version it does
    /// not speak); the widget then hides.
    pub fn backend_refused(&self) -> bool {
        self.link.is_stopped()
    }

    /// The availability decision in force.
    pub fn availability(&self) -> Decision {
        self.availability.decision()
    }

    /// Applies `event` and carries out its effects.
    pub fn dispatch(&self, event: ChatEvent) {
        let recheck = availability_recheck::after_event(&event);
        let effects = self.chat.borrow_mut().apply(event);
        if recheck {
            self.evaluate_availability();
        }
        // The first message of a visitor who never chatted is what opens the link.
        self.start_link_if_wanted();
        for effect in effects {
            self.run(effect);
        }
        self.changed();
    }

    fn changed(&self) {
        self.observers.changed();
    }

    fn start_link_if_wanted(&self) {
        if link_wanted(&self.chat.borrow(), &self.config) {
            self.link.start();
        }
    }

    fn run(&self, effect: Effect) {
        match effect {
            // The core sends only while connected; what the link cannot send now stays
            // in the core's outbox and goes again once the link is open.
            Effect::Send(command) => self.link.send(command),
            Effect::ArmAckTimer { client_id, after_ms } => {
                let me = self.me.clone();
                let on_timeout = Rc::new(move |client_id: ClientId| {
                    if let Some(store) = me.upgrade() {
                        let now = store.now();
                        store.dispatch(ChatEvent::AckTimeout { client_id, now });
                    }
                });
                self.ack_timers.arm(client_id, after_ms, on_timeout);
            }
            Effect::CancelAckTimer { client_id } => self.ack_timers.cancel(&client_id),
            Effect::Persist => {
                let me = self.me.clone();
                self.saver.schedule(Rc::new(move || {
                    if let Some(store) = me.upgrade() {
                        store.save_now();
                    }
                }));
            }
            Effect::Notify(notification) => {
                self.transcript.borrow_mut().on_notification(&notification);
                self.observers.notify(&notification);
            }
        }
    }

    fn on_link_event(&self, event: LinkEvent) {
        let now = self.now();
        match event {
            LinkEvent::Welcomed(welcome) => {
                self.dispatch(ChatEvent::Server(welcome, now));
                self.dispatch(ChatEvent::Connected { now });
            }
            LinkEvent::Received(event) => {
                let event = self.with_attachment_urls(event);
                self.dispatch(ChatEvent::Server(event, now))
            }
            LinkEvent::Down { .. } => self.dispatch(ChatEvent::Disconnected),
            LinkEvent::TokenIssued(token) => self.saver.persistence().save_session_token(&token),
            LinkEvent::TokenForgotten => self.saver.persistence().forget_session_token(),
            LinkEvent::Refused { message } => {
                gloo::console::error!(format!(
                    "sitechat: the backend refused this widget and it is hidden: {message}"
                ));
                self.changed();
            }
            LinkEvent::Invalid(err) => {
                gloo::console::warn!(format!("sitechat: ignored a frame from the backend: {err}"));
            }
        }
    }

    /// Gives every attachment in `event` the URL this transport wants shown (the
    /// reference server's files need the session token in the URL).
    fn with_attachment_urls(&self, mut event: ServerEvent) -> ServerEvent {
        let token = self.link.token();
        let transport = self.link.transport();
        let fix = |message: &mut sitechat_core::protocol::WireMessage| {
            for a in &mut message.attachments {
                a.url = transport.attachment_url(&a.url, token.as_deref());
            }
        };
        match &mut event {
            ServerEvent::Message { message, .. } => fix(message),
            ServerEvent::History { messages, .. } => messages.iter_mut().for_each(fix),
            _ => {}
        }
        event
    }

    /// Writes a pending save at once (the page is being hidden or closed, the widget
    /// removed). Nothing to do when no change is waiting.
    pub fn save_now(&self) {
        self.saver.save_now(&self.chat.borrow());
    }

    /// Decides availability now and arms a timer for the next change, so the widget
    /// flips at closing time while the page stays open.
    pub fn evaluate_availability(&self) {
        let team = availability_recheck::team_status(self.chat.borrow().team_available());
        let me = self.me.clone();
        let recheck = Rc::new(move || {
            if let Some(store) = me.upgrade() {
                store.evaluate_availability();
            }
        });
        if self.availability.evaluate(&self.config, self.now(), team, recheck) {
            self.changed();
        }
    }
}

impl Drop for Store {
    /// A change made just before the widget goes away still reaches storage.
    fn drop(&mut self) {
        if self.saver.take_pending() {
            self.saver.persistence().save_chat(self.chat.get_mut());
        }
    }
}
