//! `error` codes the reference server adds to the protocol's own
//! (`sitechat_core::protocol::error_code`), for limits a public server needs. A widget
//! that does not know one treats it like `bad_request`: a refused message is marked not
//! sent, its text kept, with a retry button.
//!
//! Every code here is listed in `docs/protocol.md` and `docs/server.md` ("Limits").

/// `send_message` without a conversation, past the visitor's or the address's
/// allowance of new conversations per hour (the message's `client_id` is echoed).
pub const TOO_MANY_CONVERSATIONS: &str = "too_many_conversations";
/// `send_message` into a conversation that holds as much text as it may.
pub const CONVERSATION_FULL: &str = "conversation_full";
/// `request_transcript` past the allowance per conversation or per hour.
pub const TOO_MANY_TRANSCRIPTS: &str = "too_many_transcripts";
/// `request_transcript` to another address than the one the visitor gave first.
pub const TRANSCRIPT_ADDRESS: &str = "transcript_address";
/// The visitor, its address or the server has as many sockets open as allowed; the
/// socket closes after this frame.
pub const TOO_MANY_CONNECTIONS: &str = "too_many_connections";
/// The socket sent nothing (not even a ping) for the idle timeout; it closes after
/// this frame.
pub const IDLE_TIMEOUT: &str = "idle_timeout";
/// A failure on the server's side; treated like `bad_request`, may be retried.
pub const SERVER_ERROR: &str = "server_error";

/// Every code above.
pub const ALL: [&str; 7] = [
    TOO_MANY_CONVERSATIONS,
    CONVERSATION_FULL,
    TOO_MANY_TRANSCRIPTS,
    TRANSCRIPT_ADDRESS,
    TOO_MANY_CONNECTIONS,
    IDLE_TIMEOUT,
    SERVER_ERROR,
];
