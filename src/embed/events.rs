//! The events a page can listen to with `SiteChat.on(event, fn)`, and the listeners.
//!
//! Invariants: only the names in [`EventName::ALL`] exist (anything else is refused
//! with a console error, so a typo is caught at once); the same function registered
//! twice is called twice, and each `off` removes one registration; a listener that
//! throws is reported in the console and stops neither the other listeners nor the
//! widget.

use std::cell::RefCell;

use js_sys::{Function, Object};
use wasm_bindgen::JsValue;

/// Every event of the JS API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventName {
    WidgetLoaded,
    WidgetClosed,
    ConversationStarted,
    ConversationClosed,
    UnreadConversationCountChanged,
    UserInteractedWithWidget,
    QuickReplyButtonClick,
    AvailabilityChanged,
    MessageReceived,
    EmailCaptured,
}

impl EventName {
    /// In the order `docs/embedding.md` lists them.
    pub const ALL: [EventName; 10] = [
        EventName::WidgetLoaded,
        EventName::WidgetClosed,
        EventName::ConversationStarted,
        EventName::ConversationClosed,
        EventName::UnreadConversationCountChanged,
        EventName::UserInteractedWithWidget,
        EventName::QuickReplyButtonClick,
        EventName::AvailabilityChanged,
        EventName::MessageReceived,
        EventName::EmailCaptured,
    ];

    /// The name a page passes to `on`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventName::WidgetLoaded => "widgetLoaded",
            EventName::WidgetClosed => "widgetClosed",
            EventName::ConversationStarted => "conversationStarted",
            EventName::ConversationClosed => "conversationClosed",
            EventName::UnreadConversationCountChanged => "unreadConversationCountChanged",
            EventName::UserInteractedWithWidget => "userInteractedWithWidget",
            EventName::QuickReplyButtonClick => "quickReplyButtonClick",
            EventName::AvailabilityChanged => "availabilityChanged",
            EventName::MessageReceived => "messageReceived",
            EventName::EmailCaptured => "emailCaptured",
        }
    }

    /// The event called `name`, if there is one.
    pub fn parse(name: &str) -> Option<EventName> {
        EventName::ALL.into_iter().find(|e| e.as_str() == name)
    }
}

/// The page's listeners. They outlive a `widget.remove()`: a page that subscribed once
/// hears `widgetLoaded` again after `widget.load()`.
#[derive(Default)]
pub struct Listeners {
    list: RefCell<Vec<(EventName, Function)>>,
}

impl Listeners {
    /// Adds `listener` for `event`.
    pub fn add(&self, event: EventName, listener: Function) {
        self.list.borrow_mut().push((event, listener));
    }

    /// Removes one registration of `listener` for `event`; `false` if there was none.
    pub fn remove(&self, event: EventName, listener: &Function) -> bool {
        let mut list = self.list.borrow_mut();
        let found = list.iter().position(|(e, f)| *e == event && Object::is(f, listener));
        if let Some(index) = found {
            list.remove(index);
        }
        found.is_some()
    }

    /// How many listeners `event` has.
    pub fn count(&self, event: EventName) -> usize {
        self.list.borrow().iter().filter(|(e, _)| *e == event).count()
    }

    /// Calls every listener of `event` with `payload`, in registration order. The list
    /// is copied first, so a listener may call `on`/`off` (or any API method) safely.
    pub fn emit(&self, event: EventName, payload: &JsValue) {
        let listeners: Vec<Function> = self
            .list
            .borrow()
            .iter()
            .filter(|(e, _)| *e == event)
            .map(|(_, f)| f.clone())
            .collect();
        for listener in listeners {
            if let Err(err) = listener.call1(&JsValue::UNDEFINED, payload) {
                gloo::console::error!(
                    format!("sitechat: a \"{}\" listener threw:", event.as_str()),
                    err
                );
            }
        }
    }
}
