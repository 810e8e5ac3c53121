//! The wire protocol between the widget and a backend: JSON text frames, each an
//! object tagged by `"type"` (see `docs/protocol.md` for the full description).
//!
//! Invariants:
//! - the protocol is transport-agnostic: frames are JSON text whether they travel
//!   over a WebSocket or through a JavaScript bridge;
//! - each direction is one enum ([`ClientCommand`] visitor → server, [`ServerEvent`]
//!   server → visitor) with `decode(&str)` and `encode()`; the agent inbox's frames
//!   will be two more enums here, reusing [`message`] and the checked reader in
//!   `decode`, without touching these;
//! - decoding never panics: malformed, unknown or oversized input is a
//!   [`DecodeError`] naming the field, with the [`limits`] enforced on both ends.

pub mod agent;
mod client;
mod decode;
mod error_code;
mod ids;
pub mod limits;
pub mod message;
mod server;

pub use client::{ClientCommand, ResumePoint};
pub use decode::{DecodeError, Problem};
pub use error_code::ErrorCode;
pub use ids::{ClientId, ConversationId, MessageId};
pub use message::{
    Attachment, AttachmentRef, Author, AuthorKind, EndReason, QuickReply, WireMessage,
};
pub use server::ServerEvent;

/// The protocol version this crate speaks, sent in `hello.protocol`.
pub const PROTOCOL_VERSION: u32 = 1;

/// Serializes a frame. Serializing these derive-only types cannot fail (no maps with
/// non-string keys, no hand-written `Serialize`), so the empty fallback is unreachable;
/// it exists so that a bug would surface as a frame the peer refuses, not a panic.
fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

#[cfg(test)]
mod tests;
