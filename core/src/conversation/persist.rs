//! Saving and restoring [`ChatState`] across page loads and tabs.
//!
//! Invariants:
//! - the saved form is JSON carrying [`ChatState::SCHEMA_VERSION`]; a different
//!   version is refused (the widget then starts fresh) rather than half-read;
//! - what only makes sense for one page life (connection, in-flight flags, typing
//!   indicators, page visibility) is not saved: a restored state is disconnected, and
//!   its whole outbox is resent on the next `Connected`;
//! - storage is outside input: a restored list is re-sorted and its watermark
//!   recomputed, and a malformed document is an error, never a panic.

use std::fmt;

use super::state::ChatState;

/// Why a saved state could not be restored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RestoreError {
    /// Not a saved `ChatState` (not JSON, or a field is wrong); the detail says where.
    Malformed(String),
    /// Saved by another version of the widget.
    SchemaVersion { found: u32, expected: u32 },
}

impl fmt::Display for RestoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RestoreError::Malformed(detail) => write!(f, "saved chat state is malformed: {detail}"),
            RestoreError::SchemaVersion { found, expected } => {
                write!(f, "saved chat state has schema version {found}, expected {expected}")
            }
        }
    }
}

impl std::error::Error for RestoreError {}

impl ChatState {
    /// The state as JSON for `localStorage`.
    ///
    /// # Example
    /// ```
    /// use sitechat_core::conversation::{ChatEvent, ChatState};
    /// let mut chat = ChatState::new();
    /// chat.apply(ChatEvent::Submit { client_id: "k1".into(), text: "Hi".into(), attachments: vec![], now: 5 });
    /// let restored = ChatState::restore(&chat.save()).unwrap();
    /// assert_eq!(restored.messages(), chat.messages());
    /// assert_eq!(restored.outbox_len(), 1);
    /// ```
    pub fn save(&self) -> String {
        // Derive-only types with string keys: serialization cannot fail, and an empty
        // save is restored as "malformed", i.e. a fresh start, never a crash.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads back what [`save`](ChatState::save) wrote.
    pub fn restore(json: &str) -> Result<ChatState, RestoreError> {
        #[derive(serde::Deserialize)]
        struct Version {
            schema_version: u32,
        }
        let version: Version =
            serde_json::from_str(json).map_err(|e| RestoreError::Malformed(e.to_string()))?;
        if version.schema_version != ChatState::SCHEMA_VERSION {
            return Err(RestoreError::SchemaVersion {
                found: version.schema_version,
                expected: ChatState::SCHEMA_VERSION,
            });
        }
        let mut state: ChatState =
            serde_json::from_str(json).map_err(|e| RestoreError::Malformed(e.to_string()))?;
        state.after_restore();
        Ok(state)
    }
}
