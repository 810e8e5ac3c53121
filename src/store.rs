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
//!   visitor who never chatted). The one exception is availability that follows the
//!   team's presence (`team_status`, or business hours with `when_team_away`): the
//!   widget cannot know whether to show itself without asking, so it connects at load,
//!   says only `hello`, and keeps the session token in memory;
//! - nothing is written to storage before the visitor's first interaction with the
//!   widget (or for a returning visitor, who already has something stored): the
//!   [`Persistence`] is dormant until [`Store::interacted`] wakes it, which then saves
//!   what the store holds;
//! - a persisted state is the whole truth of the conversation: a corrupt or foreign
//!   one is discarded with a console warning, never a crash.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use gloo::timers::callback::Timeout;
use sitechat_core::availability::{evaluate, AvailabilityState, Decision, TeamStatus};
use sitechat_core::bytes::format_bytes;
use sitechat_core::config::Availability;
use sitechat_core::config::Config;
use sitechat_core::conversation::{ChatEvent, ChatState, Effect, Notification};
use sitechat_core::i18n::Locale;
use sitechat_core::i18n::{format, text, Msg};
use sitechat_core::mime::mime_allowed;
use sitechat_core::protocol::{
    Attachment, ClientCommand, ClientId, ResumePoint, ServerEvent, PROTOCOL_VERSION,
};
use sitechat_core::time::{instant_after_wall_minutes, UnixMillis, WallTime, Weekday};
use sitechat_core::vec_map::VecMap;

use crate::clock::{self, BusinessClock};
use crate::effects::persistence::Persistence;
use crate::transport::session::{Session, SessionEvent};
use crate::transport::Transport;

/// Where the store reads the time (the browser's clock, or a test's).
pub type Now = Rc<dyn Fn() -> UnixMillis>;

/// Something outside the widget that wants to know (the JS API, tests).
pub type NotificationSink = Rc<dyn Fn(&Notification)>;

/// A file the visitor chose for the next message.
#[derive(Debug, Clone, PartialEq)]
pub struct Upload {
    pub id: u32,
    pub name: String,
    pub size: u64,
    /// `None` while uploading.
    pub attachment: Option<Attachment>,
}

/// What the composer shows; kept here so that the draft survives a reload.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ComposerState {
    pub draft: String,
    pub uploads: Vec<Upload>,
    pub error: Option<String>,
}

/// The widget's single source of truth.
pub struct Store {
    config: Rc<Config>,
    locale: Locale,
    chat: RefCell<ChatState>,
    revision: Cell<u64>,
    transport: Rc<dyn Transport>,
    session: RefCell<Option<Session>>,
    session_token: RefCell<Option<String>>,
    ack_timers: RefCell<VecMap<ClientId, Timeout>>,
    persistence: Persistence,
    subscribers: RefCell<Vec<(u64, Subscriber)>>,
    next_subscriber: Cell<u64>,
    notification_sinks: RefCell<Vec<NotificationSink>>,
    announcement: RefCell<String>,
    composer: RefCell<ComposerState>,
    next_upload: Cell<u32>,
    transcript_sent_to: RefCell<Option<String>>,
    attachments_allowed: bool,
    now: Now,
    business_clock: Option<BusinessClock>,
    availability: RefCell<Decision>,
    availability_timer: RefCell<Option<Timeout>>,
    interacted: Cell<bool>,
    /// The visitor asked for the window: the composer takes focus when it opens.
    focus_on_open: Cell<bool>,
    /// The backend refused this widget's protocol version: nothing can be sent.
    backend_refused: Cell<bool>,
    /// A save of the chat state waiting for its burst of changes to end.
    pending_save: RefCell<Option<Timeout>>,
    me: Weak<Store>,
}

/// A render or JS-API listener told of every change.
type Subscriber = Rc<dyn Fn()>;

/// Stores are equal only to themselves: Yew compares props and hook dependencies
/// holding an `Rc<Store>` by identity, never by content.
impl PartialEq for Store {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
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
        let business_clock = match &config.availability {
            Availability::BusinessHours { time_zone, .. } => match BusinessClock::new(time_zone) {
                Ok(clock) => Some(clock),
                Err(err) => {
                    gloo::console::error!(format!(
                        "sitechat: {err}; opening hours are read as UTC"
                    ));
                    BusinessClock::new("UTC").ok()
                }
            },
            _ => None,
        };
        let restored = persistence.load_chat();
        let token = persistence.load_session_token();
        let draft = persistence.load_draft();
        let attachments_allowed = config.options.attachments && transport.accepts_uploads();
        let store = Rc::new_cyclic(|me| Store {
            config,
            locale,
            chat: RefCell::new(restored.unwrap_or_default()),
            revision: Cell::new(0),
            transport,
            session: RefCell::new(None),
            session_token: RefCell::new(token),
            ack_timers: RefCell::new(VecMap::new()),
            persistence,
            subscribers: RefCell::new(Vec::new()),
            next_subscriber: Cell::new(1),
            notification_sinks: RefCell::new(Vec::new()),
            announcement: RefCell::new(String::new()),
            composer: RefCell::new(ComposerState { draft, ..ComposerState::default() }),
            next_upload: Cell::new(1),
            transcript_sent_to: RefCell::new(None),
            attachments_allowed,
            now,
            business_clock,
            // Replaced by the real decision before the constructor returns.
            availability: RefCell::new(Decision {
                state: AvailabilityState::Available { response_time: None },
                next_change: None,
                minutes_until_change: None,
            }),
            availability_timer: RefCell::new(None),
            pending_save: RefCell::new(None),
            interacted: Cell::new(false),
            focus_on_open: Cell::new(false),
            backend_refused: Cell::new(false),
            me: me.clone(),
        });
        store.evaluate_availability();
        let returning = {
            let chat = store.chat.borrow();
            chat.conversation_id().is_some() || chat.outbox_len() > 0
        };
        // Team-status availability needs the team's presence before the visitor does
        // anything, so those modes connect at load (nothing is sent but `hello`).
        let needs_presence = matches!(
            store.config.availability,
            Availability::TeamStatus { .. }
                | Availability::BusinessHours { when_team_away: Some(_), .. }
        );
        if returning || needs_presence {
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
        let presence = matches!(
            event,
            ChatEvent::Server(ServerEvent::Presence { .. } | ServerEvent::Welcome { .. }, _)
        );
        let effects = self.chat.borrow_mut().apply(event);
        if presence {
            self.evaluate_availability();
        }
        // The core sends only while connected and keeps the rest in its outbox: the
        // first message of a visitor who never chatted is what opens the session.
        let needs_link = self.chat.borrow().outbox_len() > 0;
        if needs_link {
            self.ensure_session();
        }
        for effect in effects {
            self.run(effect);
        }
        self.changed();
    }

    fn changed(&self) {
        self.revision.set(self.revision.get() + 1);
        let subscribers: Vec<Rc<dyn Fn()>> =
            self.subscribers.borrow().iter().map(|(_, f)| f.clone()).collect();
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
                        let now = store.now();
                        store.dispatch(ChatEvent::AckTimeout { client_id: id, now });
                    }
                });
                self.ack_timers.borrow_mut().insert(client_id, timer);
            }
            Effect::CancelAckTimer { client_id } => {
                self.ack_timers.borrow_mut().remove(&client_id);
            }
            Effect::Persist => self.schedule_save(),
            Effect::Notify(notification) => {
                match &notification {
                    Notification::Announce(text) => *self.announcement.borrow_mut() = text.clone(),
                    Notification::TranscriptRequested { email } => {
                        *self.transcript_sent_to.borrow_mut() = Some(email.clone());
                    }
                    Notification::ConversationStarted { .. } => {
                        *self.transcript_sent_to.borrow_mut() = None
                    }
                    _ => {}
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
        let hello = Rc::new(move || {
            me.upgrade().map(|s| s.hello()).unwrap_or_else(|| ClientCommand::Ping { nonce: 0 })
        });
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
            .map(|id| {
                vec![ResumePoint { conversation_id: id.to_owned(), after_seq: chat.last_seq() }]
            })
            .unwrap_or_default();
        ClientCommand::Hello {
            session_token: self
                .session_token
                .borrow()
                .clone()
                .or_else(|| self.persistence.load_session_token()),
            protocol: PROTOCOL_VERSION,
            page_url: page_url(),
            locale: self.locale.code().to_owned(),
            resume,
        }
    }

    fn on_session_event(&self, event: SessionEvent) {
        let now = self.now();
        match event {
            SessionEvent::Connected(welcome) => {
                if let ServerEvent::Welcome { session_token, .. } = &welcome {
                    *self.session_token.borrow_mut() = Some(session_token.clone());
                    self.persistence.save_session_token(session_token);
                }
                self.dispatch(ChatEvent::Server(welcome, now));
                self.dispatch(ChatEvent::Connected { now });
            }
            SessionEvent::Event(event) => {
                let event = self.with_attachment_urls(event);
                self.dispatch(ChatEvent::Server(event, now))
            }
            SessionEvent::Disconnected { .. } => self.dispatch(ChatEvent::Disconnected),
            SessionEvent::TokenRejected => {
                *self.session_token.borrow_mut() = None;
                self.persistence.forget_session_token();
            }
            SessionEvent::Refused { message } => {
                gloo::console::error!(format!(
                    "sitechat: the backend refused this widget and it is hidden: {message}"
                ));
                self.backend_refused.set(true);
                self.changed();
            }
            SessionEvent::Invalid(err) => {
                gloo::console::warn!(format!("sitechat: ignored a frame from the backend: {err}"));
            }
        }
    }

    /// Gives every attachment in `event` the URL this transport wants shown (the
    /// reference server's files need the session token in the URL).
    fn with_attachment_urls(&self, mut event: ServerEvent) -> ServerEvent {
        let token = self.session_token.borrow().clone();
        let fix = |message: &mut sitechat_core::protocol::WireMessage| {
            for a in &mut message.attachments {
                a.url = self.transport.attachment_url(&a.url, token.as_deref());
            }
        };
        match &mut event {
            ServerEvent::Message { message, .. } => fix(message),
            ServerEvent::History { messages, .. } => messages.iter_mut().for_each(fix),
            _ => {}
        }
        event
    }

    /// The tab became visible again or the browser came back online: reconnect now
    /// rather than after the backoff, and let the core catch up.
    pub fn page_visible(&self, visible: bool) {
        if !visible {
            // The page may be closed from here without another chance to run.
            self.save_now();
        }
        if visible {
            if let Some(session) = self.session.borrow().as_ref() {
                session.reconnect_now();
            }
        }
        self.dispatch(ChatEvent::PageVisible(visible));
    }
}

/// How long a save waits for more changes. Saving serialises the whole conversation
/// (about 50 ms for 10 000 messages), so a burst — a catch-up of a hundred `history`
/// frames, a reply arriving while the visitor types — is written once, after it, and an
/// appended message shows without waiting for storage.
pub const SAVE_DELAY_MS: u32 = 250;

impl Store {
    /// Saves the chat state soon, once per burst of changes.
    fn schedule_save(&self) {
        if self.pending_save.borrow().is_some() {
            return;
        }
        let me = self.me.clone();
        *self.pending_save.borrow_mut() = Some(Timeout::new(SAVE_DELAY_MS, move || {
            if let Some(store) = me.upgrade() {
                store.save_now();
            }
        }));
    }

    /// Writes a pending save at once (the page is being hidden or closed, the widget
    /// removed). Nothing to do when no change is waiting.
    pub fn save_now(&self) {
        if self.pending_save.borrow_mut().take().is_some() {
            self.persistence.save_chat(&self.chat.borrow());
        }
    }

    /// The current instant on the store's clock.
    pub fn now(&self) -> UnixMillis {
        (self.now)()
    }

    /// Whether the backend refused to talk to this widget (a protocol version it does
    /// not speak); the widget then hides.
    pub fn backend_refused(&self) -> bool {
        self.backend_refused.get()
    }

    /// The availability decision in force.
    pub fn availability(&self) -> Decision {
        self.availability.borrow().clone()
    }

    /// Decides availability now and arms a timer for the next change, so the widget
    /// flips at closing time while the page stays open.
    pub fn evaluate_availability(&self) {
        let now = self.now();
        let team = match self.chat.borrow().team_available() {
            Some(true) => TeamStatus::Available,
            Some(false) => TeamStatus::Away,
            None => TeamStatus::Unknown,
        };
        let wall = self
            .business_clock
            .as_ref()
            .and_then(|c| c.wall_time_at(now).ok())
            .unwrap_or(WallTime::new(Weekday::Mon, 0));
        let decision = evaluate(&self.config, wall, team);
        let timer = match (decision.minutes_until_change, &self.business_clock) {
            (Some(minutes), Some(clock)) => {
                let at = instant_after_wall_minutes(now, minutes, |t| clock.wall_time_at(t).ok());
                // setTimeout holds at most ~24.8 days; a week is well within.
                let delay = (at - now).clamp(1, i64::from(i32::MAX)) as u32;
                let me = self.me.clone();
                Some(Timeout::new(delay, move || {
                    if let Some(store) = me.upgrade() {
                        store.evaluate_availability();
                    }
                }))
            }
            _ => None,
        };
        *self.availability_timer.borrow_mut() = timer;
        let changed = *self.availability.borrow() != decision;
        if changed {
            *self.availability.borrow_mut() = decision;
            self.changed();
        }
    }

    /// Opens the chat window (the launcher, the hash, the JS API).
    pub fn open_window(&self) {
        self.dispatch(ChatEvent::WindowOpened);
    }

    /// Opens the window because the visitor asked (their click on the launcher, or on the
    /// loader's launcher before the app was there): that counts as an interaction, and
    /// the composer takes focus once the window is on screen, so they can type at once.
    /// Opening by the hash or the JS API does neither.
    pub fn open_window_for_visitor(&self) {
        self.interacted();
        self.focus_on_open.set(true);
        self.open_window();
    }

    /// Whether the composer should take focus now that the window is open; asking
    /// clears the request.
    pub fn take_focus_request(&self) -> bool {
        self.focus_on_open.replace(false)
    }

    /// Closes (minimises) the chat window; the conversation goes on.
    pub fn close_window(&self) {
        self.dispatch(ChatEvent::WindowClosed);
    }

    /// The visitor did something with the widget. The first time, storage is allowed
    /// (consent by use) and what was kept in memory so far is saved; subscribers are
    /// told, so the page hears `userInteractedWithWidget` once.
    pub fn interacted(&self) {
        if self.interacted.replace(true) {
            return;
        }
        if self.persistence.activate() {
            // Another tab may have stored the conversation already (this tab only
            // adopted it): its copy is at least as new as ours, so it is not overwritten.
            if !self.persistence.has_saved_chat() {
                self.persistence.save_chat(&self.chat.borrow());
            }
            if let Some(token) = self.session_token.borrow().as_deref() {
                self.persistence.save_session_token(token);
            }
            let draft = self.composer.borrow().draft.clone();
            self.persistence.save_draft(&draft);
        }
        self.changed();
    }

    /// Forgets the visitor in storage (the JS API's `clear()`): every saved key is
    /// removed and nothing is written again until the visitor interacts anew.
    pub fn forget_visitor(&self) {
        self.persistence.clear();
        self.interacted.set(false);
    }

    /// Whether the store may write to storage.
    pub fn storage_allowed(&self) -> bool {
        self.persistence.is_active()
    }

    /// Whether the visitor has interacted with the widget on this page.
    pub fn has_interacted(&self) -> bool {
        self.interacted.get()
    }

    /// Sends a failed message again.
    pub fn retry(&self, client_id: String) {
        let now = self.now();
        self.dispatch(ChatEvent::Retry { client_id: client_id.into(), now });
    }

    /// After a chat ended: a fresh conversation.
    pub fn start_new_chat(&self) {
        *self.transcript_sent_to.borrow_mut() = None;
        self.dispatch(ChatEvent::StartNewChat);
    }

    /// Another tab saved the chat: adopt it, so both tabs show the same conversation,
    /// open state and unread count. What this tab had not saved yet is in its outbox,
    /// and the server de-duplicates by client id, so resending on adoption is safe.
    pub fn adopt_saved_chat(&self, saved: &str) {
        match ChatState::restore(saved) {
            Ok(chat) => {
                // Whoever wrote this state speaks for the visitor with the token in
                // storage; this tab must speak as that same visitor, or the conversation
                // it adopts is not its own on the server (and its outbox would start a
                // second one).
                let stored = self.persistence.load_session_token();
                if stored.is_some() && stored != *self.session_token.borrow() {
                    *self.session_token.borrow_mut() = stored.clone();
                    *self.session.borrow_mut() = None;
                }
                let open_here = self.chat.borrow().is_window_open();
                *self.chat.borrow_mut() = chat.with_window_open(open_here);
                if stored.is_none() {
                    // The other tab is still becoming the visitor (no token yet): it sends
                    // what it wrote, and saves again once welcomed; follow it until then.
                    self.changed();
                    return;
                }
                let connected = self.session.borrow().as_ref().is_some_and(Session::is_connected);
                if connected {
                    let now = self.now();
                    self.dispatch(ChatEvent::Connected { now });
                } else {
                    if self.chat.borrow().outbox_len() > 0
                        || self.chat.borrow().conversation_id().is_some()
                    {
                        self.ensure_session();
                    }
                    self.changed();
                }
            }
            Err(err) => {
                gloo::console::warn!(format!("sitechat: ignored another tab's chat ({err})"))
            }
        }
    }

    /// Another tab changed the draft.
    pub fn adopt_saved_draft(&self, draft: Option<String>) {
        self.composer.borrow_mut().draft = draft.unwrap_or_default();
        self.changed();
    }

    /// The storage keys other tabs write (chat, draft), for the `storage` listener.
    pub fn storage_keys(&self) -> (String, String) {
        (self.persistence.chat_key(), self.persistence.draft_key())
    }

    /// What the composer shows.
    pub fn composer(&self) -> ComposerState {
        self.composer.borrow().clone()
    }

    /// Whether the visitor may attach files (config, page settings and transport agree).
    pub fn attachments_allowed(&self) -> bool {
        self.attachments_allowed
    }

    /// The address a transcript was confirmed for, in this conversation.
    pub fn transcript_sent_to(&self) -> Option<String> {
        self.transcript_sent_to.borrow().clone()
    }

    /// The visitor typed: keep the draft (it survives reloads) and tell the team.
    pub fn set_draft(&self, draft: String) {
        let typed = !draft.trim().is_empty();
        self.persistence.save_draft(&draft);
        self.composer.borrow_mut().draft = draft;
        if typed && self.chat.borrow().conversation_id().is_some() {
            let now = self.now();
            self.dispatch(ChatEvent::VisitorTyping { now });
        } else {
            self.changed();
        }
    }

    /// Sends the draft and the uploaded attachments as one message.
    pub fn send(&self) {
        let (text, attachments) = {
            let composer = self.composer.borrow();
            if composer.uploads.iter().any(|u| u.attachment.is_none()) {
                return;
            }
            let attachments: Vec<Attachment> =
                composer.uploads.iter().filter_map(|u| u.attachment.clone()).collect();
            (composer.draft.trim().to_owned(), attachments)
        };
        if text.is_empty() && attachments.is_empty() {
            return;
        }
        *self.composer.borrow_mut() = ComposerState::default();
        self.persistence.save_draft("");
        let now = self.now();
        self.dispatch(ChatEvent::Submit { client_id: new_client_id(), text, attachments, now });
    }

    /// The visitor clicked a quick reply.
    pub fn quick_reply(&self, label: String, value: String) {
        let now = self.now();
        self.dispatch(ChatEvent::QuickReply { client_id: new_client_id(), label, value, now });
    }

    /// Checks each chosen file against the config, then uploads it.
    pub fn add_files(&self, files: Vec<web_sys::File>) {
        let options = &self.config.options;
        let locale = self.locale;
        for file in files {
            let size = file.size() as u64;
            let error = if !self.attachments_allowed {
                Some(text(locale, Msg::FileTypeNotAllowed).to_owned())
            } else if size > options.max_attachment_bytes {
                let max = format_bytes(locale, options.max_attachment_bytes);
                Some(format(locale, Msg::FileTooLarge, &[("max", &max)]))
            } else if !mime_allowed(&options.allowed_attachment_types, &file.type_()) {
                Some(text(locale, Msg::FileTypeNotAllowed).to_owned())
            } else {
                None
            };
            if let Some(error) = error {
                self.composer.borrow_mut().error = Some(error);
                continue;
            }
            let id = self.next_upload.get();
            self.next_upload.set(id + 1);
            {
                let mut composer = self.composer.borrow_mut();
                composer.error = None;
                composer.uploads.push(Upload { id, name: file.name(), size, attachment: None });
            }
            let upload = self.transport.upload(file, self.session_token.borrow().clone());
            let me = self.me.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let result = upload.await;
                let Some(store) = me.upgrade() else { return };
                {
                    let mut composer = store.composer.borrow_mut();
                    match result {
                        Ok(attachment) => {
                            if let Some(u) = composer.uploads.iter_mut().find(|u| u.id == id) {
                                u.attachment = Some(attachment);
                            }
                        }
                        Err(err) => {
                            composer.uploads.retain(|u| u.id != id);
                            composer.error =
                                Some(format(store.locale, Msg::LoadFailed, &[("reason", &err.0)]));
                        }
                    }
                }
                store.changed();
            });
        }
        self.changed();
    }

    /// Removes a chosen file before sending.
    pub fn remove_upload(&self, id: u32) {
        self.composer.borrow_mut().uploads.retain(|u| u.id != id);
        self.changed();
    }

    /// Asks the backend to e-mail the transcript.
    pub fn request_transcript(&self, email: String) {
        self.dispatch(ChatEvent::RequestTranscript { email });
    }
}

/// A fresh client id for a message: 128 random bits (the browser's crypto-quality
/// `Math.random` is enough here: ids only need to be unique per visitor).
pub fn new_client_id() -> ClientId {
    let mut id = String::with_capacity(32);
    for _ in 0..4 {
        let word = (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
        id.push_str(&std::format!("{word:08x}"));
    }
    ClientId::from(id)
}

fn page_url() -> String {
    web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default()
}

impl Drop for Store {
    /// A change made just before the widget goes away still reaches storage.
    fn drop(&mut self) {
        if self.pending_save.get_mut().take().is_some() {
            self.persistence.save_chat(self.chat.get_mut());
        }
    }
}
