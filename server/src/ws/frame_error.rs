//! Turning a refused frame into the protocol's error code and message.
//!
//! Invariant: limits broken (text too long, too many items, frame too big) are
//! `too_large`; everything else the decoder refuses is `bad_request`; the message is
//! the decoder's own, which names the field and never echoes more than a few
//! characters of the input.

use sitechat_core::protocol::{ClientId, ErrorCode};
use sitechat_core::protocol::{DecodeError, Problem};

/// The error code for a frame the decoder refused.
///
/// ```
/// use sitechat_core::protocol::{ClientCommand, ErrorCode};
/// use sitechat_server::ws::frame_error::code_for;
/// let err = ClientCommand::decode("{}").unwrap_err();
/// assert_eq!(code_for(&err), ErrorCode::BadRequest);
/// ```
pub fn code_for(err: &DecodeError) -> ErrorCode {
    match err.problem() {
        Problem::TooLong { .. } | Problem::TooMany { .. } | Problem::FrameTooLarge { .. } => {
            ErrorCode::TooLarge
        }
        _ => ErrorCode::BadRequest,
    }
}

/// The `client_id` of a refused `send_message`, if it can be read, so the sender
/// can mark that very message as failed.
pub fn client_id_of(text: &str) -> Option<ClientId> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let id = value.get("client_id")?.as_str()?;
    (!id.is_empty() && id.len() <= sitechat_core::protocol::limits::MAX_ID_CHARS)
        .then(|| ClientId::from(id))
}
