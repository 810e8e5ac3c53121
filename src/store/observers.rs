//! Who hears about the store's changes: render subscribers and notification sinks.
//!
//! Subscribers (Yew components, the JS API's state diffing) are told "something
//! changed" after every change and read what they need; notification sinks (the JS
//! API's events, tests) receive each of the core's notifications. The latest
//! screen-reader announcement is kept here too, since it is what observers read.
//!
//! Invariant: a [`Subscription`] unsubscribes when dropped, and a subscriber that
//! subscribes or unsubscribes while being told is safe (the list is copied first).

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use sitechat_core::conversation::Notification;

/// A render or JS-API listener told of every change.
pub type Subscriber = Rc<dyn Fn()>;

/// Something outside the widget that wants to know (the JS API, tests).
pub type NotificationSink = Rc<dyn Fn(&Notification)>;

#[derive(Default)]
struct Subscribers {
    list: RefCell<Vec<(u64, Subscriber)>>,
    next: Cell<u64>,
}

/// The store's observers.
#[derive(Default)]
pub struct Observers {
    subscribers: Rc<Subscribers>,
    sinks: RefCell<Vec<NotificationSink>>,
    revision: Cell<u64>,
    announcement: RefCell<String>,
}

/// Unsubscribes when dropped.
#[must_use = "dropping the Subscription unsubscribes"]
pub struct Subscription {
    subscribers: Weak<Subscribers>,
    id: u64,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(subscribers) = self.subscribers.upgrade() {
            subscribers.list.borrow_mut().retain(|(id, _)| *id != self.id);
        }
    }
}

impl Observers {
    /// Calls `on_change` after every change until the subscription is dropped.
    pub fn subscribe(&self, on_change: Subscriber) -> Subscription {
        let id = self.subscribers.next.get() + 1;
        self.subscribers.next.set(id);
        self.subscribers.list.borrow_mut().push((id, on_change));
        Subscription { subscribers: Rc::downgrade(&self.subscribers), id }
    }

    /// Adds a listener for the core's notifications.
    pub fn on_notification(&self, sink: NotificationSink) {
        self.sinks.borrow_mut().push(sink);
    }

    /// Counts the change and tells every subscriber.
    pub fn changed(&self) {
        self.revision.set(self.revision.get() + 1);
        let subscribers: Vec<Subscriber> =
            self.subscribers.list.borrow().iter().map(|(_, f)| f.clone()).collect();
        for notify in subscribers {
            notify();
        }
    }

    /// Hands `notification` to every sink (and keeps an announcement's text).
    pub fn notify(&self, notification: &Notification) {
        if let Notification::Announce(text) = notification {
            *self.announcement.borrow_mut() = text.clone();
        }
        let sinks: Vec<NotificationSink> = self.sinks.borrow().clone();
        for sink in sinks {
            sink(notification);
        }
    }

    /// Grows by one on every change: a cheap equality for Yew props.
    pub fn revision(&self) -> u64 {
        self.revision.get()
    }

    /// The latest text for the screen-reader live region.
    pub fn announcement(&self) -> String {
        self.announcement.borrow().clone()
    }
}
