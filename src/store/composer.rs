//! The composer's state: the draft, the files chosen for the next message, and the
//! last error shown under them.
//!
//! The draft survives reloads (the store saves it); files are checked by the core's
//! [`check_file`] before any upload starts, and an upload that fails leaves a message
//! naming why, never a half-sent message. Nothing the visitor typed is cleared until
//! it is handed to the conversation as a message.

use std::cell::{Cell, RefCell};

use sitechat_core::config::Options;
use sitechat_core::file_check::{check_file, FileRefusal};
use sitechat_core::protocol::Attachment;

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

/// The composer part of the store.
pub struct Composer {
    state: RefCell<ComposerState>,
    next_upload: Cell<u32>,
    attachments_allowed: bool,
}

impl Composer {
    /// A composer starting with `draft`; `attachments_allowed` when the config, the page
    /// settings and the transport all allow files.
    pub fn new(draft: String, attachments_allowed: bool) -> Composer {
        Composer {
            state: RefCell::new(ComposerState { draft, ..ComposerState::default() }),
            next_upload: Cell::new(1),
            attachments_allowed,
        }
    }

    /// What the composer shows.
    pub fn state(&self) -> ComposerState {
        self.state.borrow().clone()
    }

    /// The current draft.
    pub fn draft(&self) -> String {
        self.state.borrow().draft.clone()
    }

    /// Whether the visitor may attach files.
    pub fn attachments_allowed(&self) -> bool {
        self.attachments_allowed
    }

    /// Replaces the draft (typing, or another tab's draft).
    pub fn set_draft(&self, draft: String) {
        self.state.borrow_mut().draft = draft;
    }

    /// The message to send — trimmed text and finished attachments — and a cleared
    /// composer; `None` while an upload runs or when there is nothing to send.
    pub fn take_message(&self) -> Option<(String, Vec<Attachment>)> {
        let mut state = self.state.borrow_mut();
        if state.uploads.iter().any(|u| u.attachment.is_none()) {
            return None;
        }
        let attachments: Vec<Attachment> =
            state.uploads.iter().filter_map(|u| u.attachment.clone()).collect();
        let text = state.draft.trim().to_owned();
        if text.is_empty() && attachments.is_empty() {
            return None;
        }
        *state = ComposerState::default();
        Some((text, attachments))
    }

    /// Checks a file with the core's rule; on success lists it as uploading and
    /// returns its id, otherwise shows why it was refused.
    pub fn accept(
        &self,
        options: &Options,
        name: String,
        size: u64,
        mime: &str,
    ) -> Result<u32, FileRefusal> {
        let mut state = self.state.borrow_mut();
        check_file(options, self.attachments_allowed, size, mime)?;
        let id = self.next_upload.get();
        self.next_upload.set(id + 1);
        state.error = None;
        state.uploads.push(Upload { id, name, size, attachment: None });
        Ok(id)
    }

    /// Shows an error under the composer.
    pub fn show_error(&self, error: String) {
        self.state.borrow_mut().error = Some(error);
    }

    /// An upload finished: attach it, or drop it and show `error`.
    pub fn upload_done(&self, id: u32, result: Result<Attachment, String>) {
        let mut state = self.state.borrow_mut();
        match result {
            Ok(attachment) => {
                if let Some(u) = state.uploads.iter_mut().find(|u| u.id == id) {
                    u.attachment = Some(attachment);
                }
            }
            Err(error) => {
                state.uploads.retain(|u| u.id != id);
                state.error = Some(error);
            }
        }
    }

    /// Removes a chosen file before sending.
    pub fn remove_upload(&self, id: u32) {
        self.state.borrow_mut().uploads.retain(|u| u.id != id);
    }
}
