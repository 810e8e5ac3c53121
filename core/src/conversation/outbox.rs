//! The visitor's messages not yet acknowledged by the server: what makes "never loses
//! a message" true.
//!
//! Invariants:
//! - an entry leaves the outbox only when the server acknowledges its client id (by
//!   `ack`, or by echoing the message); failing does not remove it;
//! - entries keep the order the visitor wrote them, and are (re)sent in that order;
//! - while the conversation id is unknown, at most one entry is in flight (the first
//!   message creates the conversation; the others wait for its id instead of each
//!   creating one);
//! - "in flight" means "sent on the current connection, ack timer armed"; it is not
//!   persisted, so a reloaded outbox resends everything on the next connection;
//! - a failed entry is never sent again until the visitor retries it;
//! - `rate_limited` from the server is not a failure: the refused entry and every later
//!   one go back to the queue, nothing is sent for [`RATE_LIMIT_PAUSE_MS`], then the
//!   queue is sent again in order (found by the chaos test: after a reconnect the
//!   resent backlog overran the server's burst and those messages were marked failed).

use serde::{Deserialize, Serialize};

use crate::protocol::{AttachmentRef, ClientCommand};

use super::effect::{Effect, Effects};

/// How long to wait for an `ack` before resending.
pub const ACK_TIMEOUT_MS: u32 = 10_000;
/// Ack timeouts after which a message is marked failed.
pub const MAX_ACK_TIMEOUTS: u32 = 3;
/// How long the outbox holds back after the server said `rate_limited`.
pub const RATE_LIMIT_PAUSE_MS: u32 = 1_500;

/// The queue of unacknowledged visitor messages, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outbox {
    entries: Vec<OutboxEntry>,
}

/// One unacknowledged message: exactly what gets (re)sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct OutboxEntry {
    pub(crate) client_id: String,
    pub(crate) text: String,
    pub(crate) attachments: Vec<AttachmentRef>,
    pub(crate) quick_reply: Option<String>,
    pub(crate) page_url: Option<String>,
    /// Ack timeouts since the last (re)try by the visitor.
    pub(crate) timeouts: u32,
    pub(crate) failed: bool,
    #[serde(skip)]
    pub(crate) in_flight: bool,
    /// The server refused it for the rate limit; its timer is now the pause after which
    /// the queue resumes (see [`Outbox::back_off`]). Only ever set while in flight.
    #[serde(skip)]
    pub(crate) rate_limited: bool,
}

impl OutboxEntry {
    pub(crate) fn new(
        client_id: String,
        text: String,
        attachments: Vec<AttachmentRef>,
        quick_reply: Option<String>,
        page_url: Option<String>,
    ) -> OutboxEntry {
        OutboxEntry {
            client_id,
            text,
            attachments,
            quick_reply,
            page_url,
            timeouts: 0,
            failed: false,
            in_flight: false,
            rate_limited: false,
        }
    }

    fn command(&self, conversation_id: Option<&str>) -> ClientCommand {
        ClientCommand::SendMessage {
            conversation_id: conversation_id.map(str::to_owned),
            client_id: self.client_id.clone(),
            text: self.text.clone(),
            attachments: self.attachments.clone(),
            quick_reply: self.quick_reply.clone(),
            page_url: self.page_url.clone(),
        }
    }
}

impl Outbox {
    /// Unacknowledged messages, failed ones included.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether `client_id` is still unacknowledged.
    pub fn contains(&self, client_id: &str) -> bool {
        self.entries.iter().any(|e| e.client_id == client_id)
    }

    /// Client ids in sending order.
    pub fn client_ids(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.client_id.as_str())
    }

    pub(crate) fn push(&mut self, entry: OutboxEntry) {
        self.entries.push(entry);
    }

    pub(crate) fn get_mut(&mut self, client_id: &str) -> Option<&mut OutboxEntry> {
        self.entries.iter_mut().find(|e| e.client_id == client_id)
    }

    pub(crate) fn entries_mut(&mut self) -> impl Iterator<Item = &mut OutboxEntry> {
        self.entries.iter_mut()
    }

    /// Removes an acknowledged entry, cancelling its timer if it was in flight.
    pub(crate) fn acknowledge(&mut self, client_id: &str, fx: &mut Effects) -> bool {
        let Some(i) = self.entries.iter().position(|e| e.client_id == client_id) else {
            return false;
        };
        let entry = self.entries.remove(i);
        if entry.in_flight {
            fx.push(Effect::CancelAckTimer { client_id: entry.client_id });
        }
        true
    }

    pub(crate) fn any_in_flight(&self) -> bool {
        self.entries.iter().any(|e| e.in_flight)
    }

    /// Sends every entry that may go now (see the head-of-line rule in the module
    /// docs), arming a timer for each. Call only while connected.
    pub(crate) fn flush(&mut self, conversation_id: Option<&str>, fx: &mut Effects) {
        if conversation_id.is_none() && self.any_in_flight() {
            return;
        }
        if self.entries.iter().any(|e| e.rate_limited) {
            return;
        }
        for entry in self.entries.iter_mut().filter(|e| !e.failed) {
            if !entry.in_flight {
                Self::send(entry, conversation_id, fx);
            }
            if conversation_id.is_none() {
                return;
            }
        }
    }

    /// Sends `entry` (again) and arms its timer.
    pub(crate) fn send(entry: &mut OutboxEntry, conversation_id: Option<&str>, fx: &mut Effects) {
        entry.in_flight = true;
        fx.send(entry.command(conversation_id));
        fx.push(Effect::ArmAckTimer {
            client_id: entry.client_id.clone(),
            after_ms: ACK_TIMEOUT_MS,
        });
    }

    /// The server refused `client_id` for the rate limit: it and every later entry go
    /// back to the queue (their timers cancelled; a later one the server did take is
    /// recognised by its client id when resent), and its timer is re-armed as the pause.
    /// `false` if the entry is unknown, failed or not in flight.
    pub(crate) fn back_off(&mut self, client_id: &str, fx: &mut Effects) -> bool {
        let Some(i) =
            self.entries.iter().position(|e| e.client_id == client_id && e.in_flight && !e.failed)
        else {
            return false;
        };
        for later in self.entries.iter_mut().skip(i + 1).filter(|e| e.in_flight) {
            later.in_flight = false;
            fx.push(Effect::CancelAckTimer { client_id: later.client_id.clone() });
        }
        let entry = &mut self.entries[i];
        entry.rate_limited = true;
        fx.push(Effect::ArmAckTimer {
            client_id: entry.client_id.clone(),
            after_ms: RATE_LIMIT_PAUSE_MS,
        });
        true
    }

    /// The link dropped: nothing is in flight any more and no timer should fire.
    pub(crate) fn land_all(&mut self, fx: &mut Effects) {
        for entry in self.entries.iter_mut().filter(|e| e.in_flight) {
            entry.in_flight = false;
            entry.rate_limited = false;
            fx.push(Effect::CancelAckTimer { client_id: entry.client_id.clone() });
        }
    }

    /// Marks an entry failed and stops its timer; `false` if unknown or already failed.
    pub(crate) fn fail(&mut self, client_id: &str, fx: &mut Effects) -> bool {
        match self.get_mut(client_id) {
            Some(entry) if !entry.failed => {
                entry.failed = true;
                entry.rate_limited = false;
                if entry.in_flight {
                    entry.in_flight = false;
                    fx.push(Effect::CancelAckTimer { client_id: entry.client_id.clone() });
                }
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outbox(ids: &[&str]) -> Outbox {
        let mut o = Outbox::default();
        for id in ids {
            o.push(OutboxEntry::new((*id).into(), "t".into(), vec![], None, None));
        }
        o
    }

    fn sent_ids(effects: Vec<Effect>) -> Vec<String> {
        effects
            .into_iter()
            .filter_map(|e| match e {
                Effect::Send(ClientCommand::SendMessage { client_id, .. }) => Some(client_id),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn without_a_conversation_only_the_oldest_unfailed_entry_flies() {
        let mut o = outbox(&["a", "b", "c"]);
        o.fail("a", &mut Effects::default());
        let mut fx = Effects::default();
        o.flush(None, &mut fx);
        assert_eq!(sent_ids(fx.finish()), vec!["b"]);
        let mut fx = Effects::default();
        o.flush(None, &mut fx);
        assert!(sent_ids(fx.finish()).is_empty(), "b is still in flight");
        let mut fx = Effects::default();
        o.flush(Some("c1"), &mut fx);
        assert_eq!(sent_ids(fx.finish()), vec!["c"]);
    }

    #[test]
    fn landing_cancels_every_timer_and_allows_a_resend() {
        let mut o = outbox(&["a", "b"]);
        o.flush(Some("c1"), &mut Effects::default());
        let mut fx = Effects::default();
        o.land_all(&mut fx);
        assert_eq!(
            fx.finish(),
            vec![
                Effect::CancelAckTimer { client_id: "a".into() },
                Effect::CancelAckTimer { client_id: "b".into() }
            ]
        );
        let mut fx = Effects::default();
        o.flush(Some("c1"), &mut fx);
        assert_eq!(sent_ids(fx.finish()), vec!["a", "b"]);
    }
}
