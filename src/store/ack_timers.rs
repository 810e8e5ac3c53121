//! The acknowledgement timers of messages in flight.
//!
//! The core decides when a message has waited too long for its `ack`
//! (`Effect::ArmAckTimer` / `CancelAckTimer`); this part holds one gloo timer per
//! client id and calls back when one fires. Dropping it cancels them all.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use sitechat_core::protocol::ClientId;
use sitechat_core::vec_map::VecMap;

/// What to do when a message's ack timer fires (given its client id).
pub type OnAckTimeout = Rc<dyn Fn(ClientId)>;

/// One timer per message waiting for its `ack`.
#[derive(Default)]
pub struct AckTimers {
    timers: Rc<RefCell<VecMap<ClientId, Timeout>>>,
}

impl AckTimers {
    /// (Re)arms the timer of `client_id`.
    pub fn arm(&self, client_id: ClientId, after_ms: u32, on_timeout: OnAckTimeout) {
        let timers = Rc::downgrade(&self.timers);
        let id = client_id.clone();
        let timer = Timeout::new(after_ms, move || {
            if let Some(timers) = timers.upgrade() {
                timers.borrow_mut().remove(&id);
                on_timeout(id);
            }
        });
        self.timers.borrow_mut().insert(client_id, timer);
    }

    /// Cancels the timer of `client_id`, if it runs.
    pub fn cancel(&self, client_id: &ClientId) {
        self.timers.borrow_mut().remove(client_id);
    }
}
