//! Turns what happens in a [`Store`] into the JS API's events.
//!
//! Two sources, both real state changes, never the DOM:
//! - the core's [`Notification`]s (a conversation started or closed, a message arrived,
//!   a quick reply was clicked, a transcript address was confirmed);
//! - the store's own state, compared before and after every change (the window closed,
//!   the unread count or the availability changed, the visitor's first interaction),
//!   so a change that arrives another way (another tab, a closing-time timer) is
//!   reported too.
//!
//! Invariants: each event fires once per change, with the payload `docs/embedding.md`
//! documents; the bridge holds the store weakly and stops when dropped.

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::{json, Value};
use sitechat_core::availability::AvailabilityState;
use sitechat_core::conversation::{Message, Notification};
use sitechat_core::protocol::AuthorKind;
use wasm_bindgen::JsValue;

use super::events::{EventName, Listeners};
use crate::store::{Store, Subscription};

/// The three availabilities the page sees.
pub fn availability_name(state: &AvailabilityState) -> &'static str {
    match state {
        AvailabilityState::Available { .. } => "available",
        AvailabilityState::Away { .. } => "away",
        AvailabilityState::Hidden => "hidden",
    }
}

/// What the bridge compares between two changes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Snapshot {
    open: bool,
    unread: u32,
    availability: &'static str,
    interacted: bool,
}

impl Snapshot {
    fn of(store: &Store) -> Snapshot {
        let chat = store.chat();
        Snapshot {
            open: chat.is_window_open(),
            unread: chat.unread(),
            availability: availability_name(&store.availability().state),
            interacted: store.has_interacted(),
        }
    }
}

/// Builds a JS value from JSON (payloads are plain data, so this cannot fail; `null`
/// if it somehow did).
pub fn to_js(value: &Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).unwrap_or(JsValue::NULL)
}

fn author_kind(kind: AuthorKind) -> &'static str {
    match kind {
        AuthorKind::Visitor => "visitor",
        AuthorKind::Agent => "agent",
        AuthorKind::Bot => "bot",
        AuthorKind::System => "system",
    }
}

/// A message as the page sees it in `messageReceived`.
pub fn message_payload(message: &Message) -> Value {
    json!({
        "id": message.id,
        "text": message.text,
        "author": { "kind": author_kind(message.author.kind), "name": message.author.name },
        "sentAt": message.at,
        "attachments": message.attachments.iter().map(|a| json!({
            "id": a.id, "name": a.name, "mimeType": a.mime, "size": a.size, "url": a.url,
        })).collect::<Vec<_>>(),
        "quickReplies": message.quick_replies.iter().map(|q| json!({ "label": q.label, "value": q.value })).collect::<Vec<_>>(),
    })
}

/// The event and payload a notification becomes, if any.
fn from_notification(notification: &Notification) -> Option<(EventName, Value)> {
    Some(match notification {
        Notification::ConversationStarted { conversation_id } => (
            EventName::ConversationStarted,
            json!({ "conversation": { "conversationId": conversation_id } }),
        ),
        Notification::ConversationClosed { conversation_id, reason } => (
            EventName::ConversationClosed,
            json!({ "conversation": { "conversationId": conversation_id }, "reason": reason.as_str() }),
        ),
        Notification::MessageReceived { message } => {
            (EventName::MessageReceived, json!({ "message": message_payload(message) }))
        }
        Notification::QuickReplyClicked { value } => {
            (EventName::QuickReplyButtonClick, json!({ "value": value }))
        }
        Notification::TranscriptRequested { email } => {
            (EventName::EmailCaptured, json!({ "email": email }))
        }
        // The unread count is reported from the state (it also changes from other tabs);
        // the rest is for the screen reader, the availability engine and the transcript form.
        Notification::UnreadCountChanged { .. }
        | Notification::TranscriptRefused { .. }
        | Notification::AvailabilityHint { .. }
        | Notification::Announce(_) => return None,
    })
}

/// Reports a store's changes to the page while alive.
#[must_use = "dropping the bridge stops the events"]
pub struct EventBridge {
    _subscription: Subscription,
}

impl EventBridge {
    /// Starts reporting `store`'s changes to `listeners`.
    pub fn watch(store: &Rc<Store>, listeners: Rc<Listeners>) -> EventBridge {
        {
            let listeners = listeners.clone();
            store.on_notification(Rc::new(move |notification| {
                if let Some((event, payload)) = from_notification(notification) {
                    listeners.emit(event, &to_js(&payload));
                }
            }));
        }
        let last = RefCell::new(Snapshot::of(store));
        let weak = Rc::downgrade(store);
        let subscription = store.subscribe(Rc::new(move || {
            let Some(store) = weak.upgrade() else { return };
            let now = Snapshot::of(&store);
            let before = last.replace(now.clone());
            if now.interacted && !before.interacted {
                listeners.emit(EventName::UserInteractedWithWidget, &to_js(&json!({})));
            }
            if before.open && !now.open {
                listeners.emit(EventName::WidgetClosed, &to_js(&json!({})));
            }
            if now.unread != before.unread {
                listeners.emit(
                    EventName::UnreadConversationCountChanged,
                    &to_js(&json!({ "unreadCount": now.unread })),
                );
            }
            if now.availability != before.availability {
                listeners.emit(
                    EventName::AvailabilityChanged,
                    &to_js(&json!({ "availability": now.availability })),
                );
            }
        }));
        EventBridge { _subscription: subscription }
    }
}
