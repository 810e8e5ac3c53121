//! The size limits every frame obeys, enforced while decoding.
//!
//! Both ends decode with the same function, so a frame that breaks a limit is refused
//! the same way by the widget and by the reference server: the decoder returns a
//! [`DecodeError`](super::DecodeError) naming the field, never a truncated value.
//! The widget's composer checks the same constants before sending, so a visitor only
//! meets these limits as a clear local message.

/// Longest message text, in Unicode scalar values (what a visitor would call characters).
pub const MAX_TEXT_CHARS: usize = 10_000;
/// Most attachments on one message.
pub const MAX_ATTACHMENTS: usize = 10;
/// Most quick-reply buttons on one bot message.
pub const MAX_QUICK_REPLIES: usize = 10;
/// Longest identifier (conversation, message, client, session, visitor, attachment).
pub const MAX_ID_CHARS: usize = 128;
/// Longest URL (page URL, avatar, attachment).
pub const MAX_URL_CHARS: usize = 2_048;
/// Longest short label: an author or file name, a quick-reply label or value, a MIME
/// type, a locale, an error code.
pub const MAX_LABEL_CHARS: usize = 256;
/// Longest e-mail address (RFC 5321 path limit).
pub const MAX_EMAIL_CHARS: usize = 254;
/// Longest human-readable error message from the server.
pub const MAX_ERROR_MESSAGE_CHARS: usize = 1_000;
/// Most messages in one `history` page; a longer catch-up is paged with `complete: false`.
pub const MAX_HISTORY_MESSAGES: usize = 100;
/// Most conversations a `hello` may ask to resume.
pub const MAX_RESUME_POINTS: usize = 20;
/// Largest frame, in bytes of JSON text; checked before parsing.
pub const MAX_FRAME_BYTES: usize = 4 * 1024 * 1024;
