//! The `code` of an `error` frame, as a type.
//!
//! Invariants:
//! - the set is open-ended, as in ruma's `ErrorKind`: a code this crate does not know
//!   decodes to a custom value that keeps its text and encodes back unchanged, so a
//!   server may add a code without breaking older widgets (they treat it like
//!   [`ErrorCode::BadRequest`]);
//! - one value per code: `ErrorCode::from("too_large")` is always
//!   [`ErrorCode::TooLarge`], never a custom code with that text (the custom variant
//!   cannot be built outside this module), so comparing codes compares their text;
//! - on the wire and in storage a code is the plain string (`"too_large"`), so persisted
//!   failed messages written before this type existed still read back.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why the server (or the widget's own limit check) refused something.
///
/// # Example
/// ```
/// use sitechat_core::protocol::ErrorCode;
/// assert_eq!(ErrorCode::from("too_large"), ErrorCode::TooLarge);
/// assert_eq!(ErrorCode::RateLimited.as_str(), "rate_limited");
///
/// // A code from a newer server is kept as it came, not refused.
/// let new = ErrorCode::from("quota_exceeded");
/// assert!(!new.is_known());
/// assert_eq!(new.as_str(), "quota_exceeded");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// A message or attachment is over a limit (text length, attachment size or count).
    TooLarge,
    /// The visitor sends too fast; the message may be retried later.
    RateLimited,
    /// The session token is missing, unknown or expired; the transport says `hello`
    /// again without it.
    Unauthorized,
    /// The frame could not be decoded or makes no sense in this state.
    BadRequest,
    /// The named conversation does not exist for this visitor.
    NotFound,
    /// The conversation has ended and takes no more messages.
    ConversationEnded,
    /// `hello.protocol` is a version the server does not speak.
    UnsupportedProtocol,
    /// The server failed on its side (details stay in its log); like `bad_request`
    /// for the widget, which may retry.
    ServerError,
    /// `send_message` without a conversation, past the visitor's or the address's
    /// allowance of new conversations per hour.
    TooManyConversations,
    /// `send_message` into a conversation that holds as much text as it may.
    ConversationFull,
    /// `request_transcript` past the allowance per conversation or per hour.
    TooManyTranscripts,
    /// `request_transcript` to another address than the one the visitor gave first.
    TranscriptAddress,
    /// Too many sockets open for this visitor, address or server; the socket closes.
    TooManyConnections,
    /// The socket sent nothing (not even a ping) for the idle timeout; it closes.
    IdleTimeout,
    /// A code this crate does not know. Not constructible by hand: build it with
    /// [`ErrorCode::from`], which maps known text to its variant.
    #[doc(hidden)]
    _Custom(PrivOwnedStr),
}

/// The text of an unknown [`ErrorCode`]. Its field is private so that a custom code can
/// only come from [`ErrorCode::from`], which never wraps a known code's text.
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PrivOwnedStr(Box<str>);

impl ErrorCode {
    /// Every code this crate knows, for documentation and tests.
    pub const KNOWN: [ErrorCode; 14] = [
        ErrorCode::TooLarge,
        ErrorCode::RateLimited,
        ErrorCode::Unauthorized,
        ErrorCode::BadRequest,
        ErrorCode::NotFound,
        ErrorCode::ConversationEnded,
        ErrorCode::UnsupportedProtocol,
        ErrorCode::ServerError,
        ErrorCode::TooManyConversations,
        ErrorCode::ConversationFull,
        ErrorCode::TooManyTranscripts,
        ErrorCode::TranscriptAddress,
        ErrorCode::TooManyConnections,
        ErrorCode::IdleTimeout,
    ];

    /// The code as it travels, e.g. `"too_large"`.
    pub fn as_str(&self) -> &str {
        match self {
            ErrorCode::TooLarge => "too_large",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::NotFound => "not_found",
            ErrorCode::ConversationEnded => "conversation_ended",
            ErrorCode::UnsupportedProtocol => "unsupported_protocol",
            ErrorCode::ServerError => "server_error",
            ErrorCode::TooManyConversations => "too_many_conversations",
            ErrorCode::ConversationFull => "conversation_full",
            ErrorCode::TooManyTranscripts => "too_many_transcripts",
            ErrorCode::TranscriptAddress => "transcript_address",
            ErrorCode::TooManyConnections => "too_many_connections",
            ErrorCode::IdleTimeout => "idle_timeout",
            ErrorCode::_Custom(PrivOwnedStr(text)) => text,
        }
    }

    /// Whether this crate knows the code (a newer server may send others).
    pub fn is_known(&self) -> bool {
        !matches!(self, ErrorCode::_Custom(_))
    }
}

impl From<&str> for ErrorCode {
    fn from(text: &str) -> ErrorCode {
        ErrorCode::KNOWN
            .into_iter()
            .find(|known| known.as_str() == text)
            .unwrap_or_else(|| ErrorCode::_Custom(PrivOwnedStr(text.into())))
    }
}

impl From<String> for ErrorCode {
    fn from(text: String) -> ErrorCode {
        ErrorCode::from(text.as_str())
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<ErrorCode, D::Error> {
        String::deserialize(deserializer).map(ErrorCode::from)
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn every_known_code_reads_back_as_itself() {
        for code in ErrorCode::KNOWN {
            assert!(code.is_known());
            assert_eq!(ErrorCode::from(code.as_str()), code);
        }
    }

    #[test]
    fn an_unknown_code_keeps_its_text_and_is_not_known() {
        let code = ErrorCode::from("brand_new");
        assert!(!code.is_known());
        assert_eq!(code.to_string(), "brand_new");
        assert_ne!(code, ErrorCode::BadRequest);
    }

    #[test]
    fn serde_uses_the_plain_string() {
        assert_eq!(
            serde_json::to_string(&ErrorCode::ServerError).ok(),
            Some("\"server_error\"".into())
        );
        let known: Result<ErrorCode, _> = serde_json::from_str("\"too_large\"");
        assert_eq!(known.ok(), Some(ErrorCode::TooLarge));
        let custom: Result<ErrorCode, _> = serde_json::from_str("\"later\"");
        assert_eq!(custom.ok().map(|c| c.as_str().to_owned()), Some("later".to_owned()));
    }

    /// The table of codes in `docs/protocol.md` lists exactly the codes this crate knows.
    #[test]
    fn the_protocol_doc_lists_every_known_code() {
        let doc = include_str!("../../../docs/protocol.md");
        let table = doc.split("## Error codes").nth(1).unwrap_or("").split("\n## ").next();
        let documented: Vec<&str> = table
            .unwrap_or("")
            .lines()
            .filter_map(|l| l.strip_prefix("| `"))
            .filter_map(|l| l.split('`').next())
            .collect();
        let known: Vec<&str> = ErrorCode::KNOWN.iter().map(ErrorCode::as_str).collect();
        assert_eq!(documented, known);
    }
}
