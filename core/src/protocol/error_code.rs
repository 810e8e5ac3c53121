//! The `code` strings of the server's `error` frame.
//!
//! Codes are strings, not an enum, so a server may add one without breaking older
//! widgets; a widget treats a code it does not know like [`BAD_REQUEST`].

/// A message or attachment is over a limit (text length, attachment size or count).
pub const TOO_LARGE: &str = "too_large";
/// The visitor sends too fast; the message may be retried later.
pub const RATE_LIMITED: &str = "rate_limited";
/// The session token is missing, unknown or expired; the transport says `hello` again
/// without it.
pub const UNAUTHORIZED: &str = "unauthorized";
/// The frame could not be decoded or makes no sense in this state.
pub const BAD_REQUEST: &str = "bad_request";
/// The named conversation does not exist for this visitor.
pub const NOT_FOUND: &str = "not_found";
/// The conversation has ended and takes no more messages.
pub const CONVERSATION_ENDED: &str = "conversation_ended";
/// `hello.protocol` is a version the server does not speak.
pub const UNSUPPORTED_PROTOCOL: &str = "unsupported_protocol";

/// Every code above, for documentation and tests.
pub const ALL: [&str; 7] = [
    TOO_LARGE,
    RATE_LIMITED,
    UNAUTHORIZED,
    BAD_REQUEST,
    NOT_FOUND,
    CONVERSATION_ENDED,
    UNSUPPORTED_PROTOCOL,
];
