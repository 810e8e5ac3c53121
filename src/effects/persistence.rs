//! Keeping the conversation across reloads, pages and tabs, in `localStorage`.
//!
//! Invariants: storage is outside input — what is read back is parsed by the core,
//! and anything corrupt, foreign or from another schema version is discarded with one
//! console warning (the visitor starts fresh, the page never breaks); a write that fails
//! (quota, private mode, storage disabled) is reported once and the in-memory state
//! carries on untouched.
//!
//! Consent: a [`Persistence`] starts **dormant** unless the visitor already has
//! something stored (a returning visitor). While dormant it reads but never writes, so a
//! visitor who only looks at the page leaves no trace in their browser. The store calls
//! [`Persistence::activate`] on the visitor's first interaction and then saves what it
//! holds; [`Persistence::clear`] wipes the keys and makes it dormant again.

use std::cell::Cell;

use sitechat_core::conversation::ChatState;
use web_sys::Storage;

/// Where the widget's keys live; one namespace per site (or per test).
pub struct Persistence {
    storage: Option<Storage>,
    prefix: String,
    warned: Cell<bool>,
    active: Cell<bool>,
}

impl Persistence {
    /// Keys under `sitechat:<namespace>:`, in the page's `localStorage` if it has one.
    /// Dormant unless one of its keys already holds something (a returning visitor).
    pub fn local(namespace: &str) -> Persistence {
        let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
        let persistence = Persistence {
            storage,
            prefix: format!("sitechat:{namespace}:"),
            warned: Cell::new(false),
            active: Cell::new(false),
        };
        let returning =
            [persistence.chat_key(), persistence.session_key(), persistence.draft_key()]
                .iter()
                .any(|key| persistence.read(key).is_some());
        persistence.active.set(returning);
        persistence
    }

    /// Nothing is ever stored (storage is off).
    pub fn none() -> Persistence {
        Persistence {
            storage: None,
            prefix: String::new(),
            warned: Cell::new(false),
            active: Cell::new(false),
        }
    }

    /// Whether writes reach storage (the visitor interacted, or is a returning one).
    pub fn is_active(&self) -> bool {
        self.active.get()
    }

    /// Lets writes through from now on. Returns `true` when this call woke it up (the
    /// caller then saves what it kept in memory so far).
    pub fn activate(&self) -> bool {
        !self.active.replace(true)
    }

    /// The full key of the chat state (tabs watch it to stay in sync).
    pub fn chat_key(&self) -> String {
        format!("{}chat", self.prefix)
    }

    /// The full key of the draft.
    pub fn draft_key(&self) -> String {
        format!("{}draft", self.prefix)
    }

    fn session_key(&self) -> String {
        format!("{}session", self.prefix)
    }

    fn read(&self, key: &str) -> Option<String> {
        self.storage.as_ref().and_then(|s| s.get_item(key).ok().flatten())
    }

    fn write(&self, key: &str, value: &str) {
        if !self.active.get() {
            return;
        }
        let Some(storage) = &self.storage else { return };
        if storage.set_item(key, value).is_err() && !self.warned.replace(true) {
            gloo::console::warn!(
                "sitechat: could not save the conversation in localStorage (full or disabled); it stays in this page"
            );
        }
    }

    /// The saved chat, if there is a readable one.
    pub fn load_chat(&self) -> Option<ChatState> {
        let key = self.chat_key();
        let text = self.read(&key)?;
        match ChatState::restore(&text) {
            Ok(chat) => Some(chat),
            Err(err) => {
                gloo::console::warn!(format!("sitechat: discarded the saved conversation ({err})"));
                if let Some(storage) = &self.storage {
                    let _ = storage.remove_item(&key);
                }
                None
            }
        }
    }

    /// Saves the chat.
    pub fn save_chat(&self, chat: &ChatState) {
        self.write(&self.chat_key(), &chat.save());
    }

    /// The visitor's session token from an earlier visit.
    pub fn load_session_token(&self) -> Option<String> {
        self.read(&self.session_key()).filter(|t| !t.is_empty() && t.len() <= 512)
    }

    /// Remembers the session token.
    pub fn save_session_token(&self, token: &str) {
        self.write(&self.session_key(), token);
    }

    /// Whether a chat state is stored (by this tab earlier, or by another tab).
    pub fn has_saved_chat(&self) -> bool {
        self.read(&self.chat_key()).is_some()
    }

    /// Forgets a session token the backend no longer accepts.
    pub fn forget_session_token(&self) {
        if let Some(storage) = &self.storage {
            let _ = storage.remove_item(&self.session_key());
        }
    }

    /// The unsent draft from an earlier page.
    pub fn load_draft(&self) -> String {
        self.read(&self.draft_key()).unwrap_or_default()
    }

    /// Keeps the draft (an empty one is removed).
    pub fn save_draft(&self, draft: &str) {
        let key = self.draft_key();
        match (&self.storage, draft.is_empty()) {
            (Some(storage), true) if self.active.get() => {
                let _ = storage.remove_item(&key);
            }
            _ => self.write(&key, draft),
        }
    }

    /// Forgets the visitor (the JS API's `clear()`): every key is removed, and nothing
    /// is written again until the next [`activate`](Persistence::activate).
    pub fn clear(&self) {
        self.active.set(false);
        if let Some(storage) = &self.storage {
            let _ = storage.remove_item(&self.chat_key());
            let _ = storage.remove_item(&self.session_key());
            let _ = storage.remove_item(&self.draft_key());
        }
    }
}
