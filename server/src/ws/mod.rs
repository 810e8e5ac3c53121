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
pub mod codes;
pub mod frame_error;
pub mod socket;
pub mod visitor;

/// Largest frame the server reads, in bytes.
pub const MAX_FRAME_BYTES: usize = 64 * 1024;
/// Largest WebSocket message accepted at all; beyond it the socket closes.
pub const MAX_SOCKET_MESSAGE_BYTES: usize = 1024 * 1024;
