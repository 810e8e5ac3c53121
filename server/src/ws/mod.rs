//! The two WebSocket endpoints: `/ws/visitor` (the widget's protocol) and
//! `/ws/agent` (the inbox's protocol).
//!
//! Invariants shared by both:
//! - one writer task per socket drains a channel of encoded frames, so direct
//!   answers and hub pushes leave in the order they were produced;
//! - a frame over [`MAX_FRAME_BYTES`] is answered with `error too_large` and
//!   dropped unread; the socket stays usable (frames over the transport limit,
//!   [`MAX_SOCKET_MESSAGE_BYTES`], close the socket);
//! - every socket loop ends when the server stops.

pub mod agent;
pub mod frame_error;
pub mod outgoing;
pub mod rate_limit;
pub mod visitor;

use axum::extract::ws::{Message, WebSocket};
use futures_util::stream::SplitSink;
use futures_util::SinkExt;

/// Largest frame the server reads, in bytes.
pub const MAX_FRAME_BYTES: usize = 64 * 1024;
/// Largest WebSocket message accepted at all; beyond it the socket closes.
pub const MAX_SOCKET_MESSAGE_BYTES: usize = 1024 * 1024;

/// Forwards frames from the channel to the socket until either side closes.
pub(crate) async fn write_frames(
    mut sink: SplitSink<WebSocket, Message>,
    mut rx: outgoing::Incoming,
) {
    while let Some(frame) = rx.recv().await {
        if sink.send(Message::Text(frame.into())).await.is_err() {
            break;
        }
    }
    let _ = sink.close().await;
}
