//! The two WebSocket endpoints: `/ws/visitor` (the widget's protocol) and
//! `/ws/agent` (the inbox's protocol), run by one socket loop ([`socket`]).
//!
//! Invariants shared by both (kept by [`socket::run`]):
//! - one writer task per socket drains a queue of encoded frames
//!   ([`crate::outgoing`]), so direct answers and hub pushes leave in the order they
//!   were produced; a write that takes longer than `send_timeout` closes the socket;
//! - a frame over [`MAX_FRAME_BYTES`] is answered with `error too_large` and
//!   dropped unread; the socket stays usable (frames over the transport limit,
//!   [`MAX_SOCKET_MESSAGE_BYTES`], close the socket);
//! - a socket silent for `idle_timeout` is closed (`error idle_timeout`);
//! - every socket loop ends when the server stops.

pub mod agent;
pub mod frame_error;
pub mod socket;
pub mod visitor;

/// Largest frame the server reads, in bytes.
pub const MAX_FRAME_BYTES: usize = 64 * 1024;
/// Largest WebSocket message accepted at all; beyond it the socket closes.
pub const MAX_SOCKET_MESSAGE_BYTES: usize = 1024 * 1024;
/// Each socket's read buffer. tungstenite's default (128 KiB, and as much again to
/// write) made an idle socket cost about 140 KB of the server's memory; frames grow
/// their own buffers as they arrive.
pub const READ_BUFFER_BYTES: usize = 4 * 1024;

/// The upgrade with the size limits and small buffers every socket uses; frames are
/// written out as they come (the queue in [`crate::outgoing`] is the only buffer).
pub fn configure(ws: axum::extract::ws::WebSocketUpgrade) -> axum::extract::ws::WebSocketUpgrade {
    ws.max_message_size(MAX_SOCKET_MESSAGE_BYTES)
        .max_frame_size(MAX_SOCKET_MESSAGE_BYTES)
        .read_buffer_size(READ_BUFFER_BYTES)
        .write_buffer_size(0)
}
