//! The Matrix transport's translation layer: sitechat's visitor protocol on a Matrix
//! homeserver, with no I/O.
//!
//! The widget's Matrix transport (`src/transport/matrix/`) performs the HTTP calls of
//! the Matrix client-server API; everything it decides from their answers lives here,
//! so that it is tested natively:
//!
//! - [`settings`]: the page's `transport: {"matrix": {…}}` object, checked field by field;
//! - [`uia`]: which stage of token-authenticated registration to answer next;
//! - [`event`]: a Matrix room event → a sitechat [`WireMessage`](crate::protocol::WireMessage),
//!   and a visitor message → the content of an `m.room.message`;
//! - [`timeline`]: one room's messages in timeline order, numbered `seq` = 1, 2, 3 …,
//!   the client ids found in them (de-duplication that survives a homeserver restart),
//!   the end of the conversation and the agents' read receipts;
//! - [`sync`]: what a `/sync` answer says about each room (new events, typing, receipts).
//!
//! Invariants:
//! - `seq` is the position of a counted event (every `m.room.message`, redacted or not)
//!   in the room's forward timeline, from 1 without gaps: the same room read twice, from
//!   the same homeserver, numbers its messages the same way;
//! - nothing from the homeserver can panic these functions: unexpected JSON is skipped
//!   or becomes an error value naming what was wrong.

pub mod api_error;
pub mod event;
pub mod settings;
pub mod sync;
pub mod timeline;
pub mod uia;

/// The state event type that ends a conversation (state key `""`). Its content may
/// name the reason: `{"reason": "agent" | "inactivity" | "bot"}`; absent, `agent`.
pub const END_EVENT_TYPE: &str = "org.sitechat.end";

/// The content key carrying the visitor's client id in every message it sends.
pub const CLIENT_ID_KEY: &str = "org.sitechat.client_id";

/// The content key listing every attachment of a message (Matrix events carry one file
/// in their standard fields; the rest ride here).
pub const ATTACHMENTS_KEY: &str = "org.sitechat.attachments";
