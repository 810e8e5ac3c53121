//! What the visitor (and the page, and other tabs) can do to the store.
//!
//! Each action is a thin translation into a core event or a call on one of the
//! store's parts; the rules behind them are the core's.

use sitechat_core::conversation::{ChatEvent, ChatState};
use sitechat_core::i18n::{format, Msg};
use sitechat_core::link::wanted::adopt;
use sitechat_core::protocol::ClientId;

use super::{ComposerState, Store};

impl Store {
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

    /// The tab became visible again or the browser came back online: reconnect now
    /// rather than after the backoff, and let the core catch up.
    pub fn page_visible(&self, visible: bool) {
        if visible {
            self.link.reconnect_now();
        } else {
            // The page may be closed from here without another chance to run.
            self.save_now();
        }
        self.dispatch(ChatEvent::PageVisible(visible));
    }

    /// The visitor did something with the widget. The first time, storage is allowed
    /// (consent by use) and what was kept in memory so far is saved; subscribers are
    /// told, so the page hears `userInteractedWithWidget` once.
    pub fn interacted(&self) {
        let draft = self.composer.draft();
        let token = self.link.token();
        if self.saver.interacted(&self.chat.borrow(), token.as_deref(), &draft) {
            self.changed();
        }
    }

    /// Forgets the visitor in storage (the JS API's `clear()`): every saved key is
    /// removed and nothing is written again until the visitor interacts anew.
    pub fn forget_visitor(&self) {
        self.saver.forget();
    }

    /// Whether the store may write to storage.
    pub fn storage_allowed(&self) -> bool {
        self.saver.persistence().is_active()
    }

    /// Whether the visitor has interacted with the widget on this page.
    pub fn has_interacted(&self) -> bool {
        self.saver.has_interacted()
    }

    /// Sends a failed message again.
    pub fn retry(&self, client_id: String) {
        let now = self.now();
        self.dispatch(ChatEvent::Retry { client_id: client_id.into(), now });
    }

    /// After a chat ended: a fresh conversation.
    pub fn start_new_chat(&self) {
        self.transcript.borrow_mut().reset();
        self.dispatch(ChatEvent::StartNewChat);
    }

    /// Another tab saved the chat: adopt it, so both tabs show the same conversation,
    /// open state and unread count. What this tab had not saved yet is in its outbox,
    /// and the server de-duplicates by client id, so resending on adoption is safe.
    pub fn adopt_saved_chat(&self, saved: &str) {
        let chat = match ChatState::restore(saved) {
            Ok(chat) => chat,
            Err(err) => {
                gloo::console::warn!(format!("sitechat: ignored another tab's chat ({err})"));
                return;
            }
        };
        let stored = self.saver.persistence().load_session_token();
        let adoption = adopt(stored.as_deref(), self.link.token().as_deref());
        if let Some(token) = adoption.switch_token {
            self.link.use_token(Some(token));
        }
        let open_here = self.chat.borrow().is_window_open();
        *self.chat.borrow_mut() = chat.with_window_open(open_here);
        if adoption.follow_only {
            self.changed();
        } else if self.link.is_open() {
            let now = self.now();
            self.dispatch(ChatEvent::Connected { now });
        } else {
            self.start_link_if_wanted();
            self.changed();
        }
    }

    /// Another tab changed the draft.
    pub fn adopt_saved_draft(&self, draft: Option<String>) {
        self.composer.set_draft(draft.unwrap_or_default());
        self.changed();
    }

    /// The storage keys other tabs write (chat, draft), for the `storage` listener.
    pub fn storage_keys(&self) -> (String, String) {
        let persistence = self.saver.persistence();
        (persistence.chat_key(), persistence.draft_key())
    }

    /// What the composer shows.
    pub fn composer(&self) -> ComposerState {
        self.composer.state()
    }

    /// Whether the visitor may attach files (config, page settings and transport agree).
    pub fn attachments_allowed(&self) -> bool {
        self.composer.attachments_allowed()
    }

    /// The address a transcript was confirmed for, in this conversation.
    pub fn transcript_sent_to(&self) -> Option<String> {
        self.transcript.borrow().sent_to().map(str::to_owned)
    }

    /// Why the backend refused the last transcript request, as the form's sentence.
    pub fn transcript_refused(&self) -> Option<Msg> {
        self.transcript.borrow().refusal()
    }

    /// The visitor typed: keep the draft (it survives reloads) and tell the team.
    pub fn set_draft(&self, draft: String) {
        let typed = !draft.trim().is_empty();
        self.saver.persistence().save_draft(&draft);
        self.composer.set_draft(draft);
        if typed && self.chat.borrow().conversation_id().is_some() {
            let now = self.now();
            self.dispatch(ChatEvent::VisitorTyping { now });
        } else {
            self.changed();
        }
    }

    /// Sends the draft and the uploaded attachments as one message.
    pub fn send(&self) {
        let Some((text, attachments)) = self.composer.take_message() else { return };
        self.saver.persistence().save_draft("");
        let now = self.now();
        self.dispatch(ChatEvent::Submit { client_id: new_client_id(), text, attachments, now });
    }

    /// The visitor clicked a quick reply.
    pub fn quick_reply(&self, label: String, value: String) {
        let now = self.now();
        self.dispatch(ChatEvent::QuickReply { client_id: new_client_id(), label, value, now });
    }

    /// Checks each chosen file with the core's rule, then uploads it.
    pub fn add_files(&self, files: Vec<web_sys::File>) {
        for file in files {
            let size = file.size() as u64;
            let accepted =
                self.composer.accept(&self.config.options, file.name(), size, &file.type_());
            let id = match accepted {
                Ok(id) => id,
                Err(refusal) => {
                    self.composer.show_error(refusal.message(self.locale));
                    continue;
                }
            };
            let upload = self.link.transport().upload(file, self.link.token());
            let me = self.me.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let result = upload.await;
                let Some(store) = me.upgrade() else { return };
                let result = result
                    .map_err(|err| format(store.locale, Msg::LoadFailed, &[("reason", &err.0)]));
                store.composer.upload_done(id, result);
                store.changed();
            });
        }
        self.changed();
    }

    /// Removes a chosen file before sending.
    pub fn remove_upload(&self, id: u32) {
        self.composer.remove_upload(id);
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
