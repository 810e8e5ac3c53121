//! Keeping the conversation across reloads, pages and tabs, in `localStorage`.
//!
//! Invariants: storage is outside input — what is read back is parsed by the core,
//! and anything corrupt, foreign or from another schema version is discarded with one
//! console warning (the visitor starts fresh, the page never breaks); a write that fails
//! (quota, private mode, storage disabled) is reported once and the in-memory state
//! carries on untouched.

use std::cell::Cell;

use sitechat_core::conversation::ChatState;
use web_sys::Storage;

/// Where the widget's keys live; one namespace per site (or per test).
pub struct Persistence {
    storage: Option<Storage>,
    prefix: String,
    warned: Cell<bool>,
}

impl Persistence {
    /// Keys under `sitechat:<namespace>:`, in the page's `localStorage` if it has one.
    pub fn local(namespace: &str) -> Persistence {
        let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
        Persistence { storage, prefix: format!("sitechat:{namespace}:"), warned: Cell::new(false) }
    }

    /// Nothing is stored (the visitor has not consented yet, or storage is off).
    pub fn none() -> Persistence {
        Persistence { storage: None, prefix: String::new(), warned: Cell::new(false) }
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
            (Some(storage), true) => {
                let _ = storage.remove_item(&key);
            }
            _ => self.write(&key, draft),
        }
    }

    /// Forgets the visitor (the JS API's `clear()`).
    pub fn clear(&self) {
        if let Some(storage) = &self.storage {
            let _ = storage.remove_item(&self.chat_key());
            let _ = storage.remove_item(&self.session_key());
            let _ = storage.remove_item(&self.draft_key());
        }
    }
}
