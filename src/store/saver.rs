//! Saving the conversation: dormant storage woken by consent, and coalesced saves.
//!
//! The store asks for a save after each change the core marks as worth keeping; the
//! saver writes once per burst ([`SAVE_DELAY_MS`] after its first change) since a save
//! serialises the whole conversation, and at once when the page is hidden or the
//! widget goes away. Nothing is written before the visitor's first interaction (or for
//! a returning visitor, who already has something stored): see [`Persistence`].

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use sitechat_core::conversation::ChatState;

use crate::effects::persistence::Persistence;

/// How long a save waits for more changes. Saving serialises the whole conversation
/// (about 50 ms for 10 000 messages), so a burst — a catch-up of a hundred `history`
/// frames, a reply arriving while the visitor types — is written once, after it, and an
/// appended message shows without waiting for storage.
pub const SAVE_DELAY_MS: u32 = 250;

/// The saver part of the store.
pub struct Saver {
    persistence: Persistence,
    pending: RefCell<Option<Timeout>>,
    interacted: Cell<bool>,
}

impl Saver {
    pub fn new(persistence: Persistence) -> Saver {
        Saver { persistence, pending: RefCell::new(None), interacted: Cell::new(false) }
    }

    /// The storage itself (token, draft and keys go straight through).
    pub fn persistence(&self) -> &Persistence {
        &self.persistence
    }

    /// Asks for a save soon; `due` runs once the burst is over (it calls
    /// [`Saver::save_now`]). A save already waiting covers this change too.
    pub fn schedule(&self, due: Rc<dyn Fn()>) {
        if self.pending.borrow().is_some() {
            return;
        }
        *self.pending.borrow_mut() = Some(Timeout::new(SAVE_DELAY_MS, move || due()));
    }

    /// Writes a waiting save of `chat` at once; nothing when no change waits.
    pub fn save_now(&self, chat: &ChatState) {
        if self.pending.borrow_mut().take().is_some() {
            self.persistence.save_chat(chat);
        }
    }

    /// The visitor's first interaction wakes storage and saves what the store holds:
    /// `chat` (unless another tab stored one, at least as new, that this tab only
    /// adopted), the session `token` and the `draft`. Returns `false` if the visitor
    /// had interacted already.
    pub fn interacted(&self, chat: &ChatState, token: Option<&str>, draft: &str) -> bool {
        if self.interacted.replace(true) {
            return false;
        }
        if self.persistence.activate() {
            if !self.persistence.has_saved_chat() {
                self.persistence.save_chat(chat);
            }
            if let Some(token) = token {
                self.persistence.save_session_token(token);
            }
            self.persistence.save_draft(draft);
        }
        true
    }

    /// Whether the visitor has interacted on this page.
    pub fn has_interacted(&self) -> bool {
        self.interacted.get()
    }

    /// Forgets the visitor: every key removed, dormant until they interact anew.
    pub fn forget(&self) {
        self.persistence.clear();
        self.interacted.set(false);
    }

    /// Whether a save is waiting (the store's drop writes it).
    pub fn take_pending(&mut self) -> bool {
        self.pending.get_mut().take().is_some()
    }
}
