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
//! - each entry is in exactly one state (queued, in flight, paused by the rate limit,
//!   or failed), private to this module; every move that changes what the visitor sees
//!   returns a `DeliveryChange`, which the conversation shows on the message in one
//!   place, so the outbox and the list cannot drift apart;
//! - a failed entry is never sent again until the visitor retries it;
//! - `rate_limited` from the server is not a failure: the refused entry and every later
//!   one go back to the queue, nothing is sent for [`RATE_LIMIT_PAUSE_MS`], then the
//!   queue is sent again in order (found by the chaos test: after a reconnect the
//!   resent backlog overran the server's burst and those messages were marked failed).

use serde::{Deserialize, Serialize};

use crate::protocol::{limits, AttachmentRef, ClientCommand, ClientId, ConversationId, ErrorCode};

use super::effect::{Effect, Effects};
use super::message::{Delivery, FailReason};

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

/// One unacknowledged message: exactly what gets (re)sent, and where it stands.
///
/// Saved in the shape it had when its state was three flags (`timeouts`, `failed`,
/// and the unsaved in-flight ones), so an outbox saved by an older widget still reads
/// back and is resent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "SavedEntry", into = "SavedEntry")]
pub(crate) struct OutboxEntry {
    client_id: ClientId,
    text: String,
    attachments: Vec<AttachmentRef>,
    quick_reply: Option<String>,
    page_url: Option<String>,
    state: EntryState,
}

/// Where one entry stands. Only the outbox's methods move an entry from one state to
/// another, and each move that the visitor should see returns a [`DeliveryChange`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntryState {
    /// Waits for its turn: not sent on the current connection. `timeouts` counts the
    /// ack timeouts since the visitor last (re)tried it; a reconnect does not reset it.
    Queued { timeouts: u32 },
    /// Sent on the current connection, its ack timer armed.
    InFlight { timeouts: u32 },
    /// The server refused it for the rate limit; its timer is now the pause after which
    /// the queue resumes (see [`Outbox::back_off`]). The pause is not a missed ack.
    Paused { timeouts: u32 },
    /// Given up until the visitor retries it; never sent in this state.
    Failed,
}

impl EntryState {
    /// Sent on this connection with a timer armed (a paused entry's timer is the pause).
    fn has_timer(self) -> bool {
        matches!(self, EntryState::InFlight { .. } | EntryState::Paused { .. })
    }
}

/// A visitor message whose delivery the outbox changed: the conversation shows it on
/// the message (in one place, `ChatState::record`), so the list and the outbox cannot
/// disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "the message must show its new delivery"]
pub(crate) struct DeliveryChange {
    pub(crate) client_id: ClientId,
    pub(crate) delivery: Delivery,
}

/// What an ack timer firing did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "a pause that ended or a failure needs the queue flushed"]
pub(crate) enum Timeout {
    /// Not for an entry in flight (acknowledged, failed, or from an older connection).
    Stale,
    /// Sent again, its timer re-armed.
    Resent,
    /// The pause after `rate_limited` is over: the queue may be sent again, in order.
    PauseOver,
    /// The last allowed timeout: the message failed.
    Failed(DeliveryChange),
}

/// The saved form of an [`OutboxEntry`] (see there).
#[derive(Serialize, Deserialize)]
struct SavedEntry {
    client_id: ClientId,
    text: String,
    attachments: Vec<AttachmentRef>,
    quick_reply: Option<String>,
    page_url: Option<String>,
    timeouts: u32,
    failed: bool,
}

impl From<SavedEntry> for OutboxEntry {
    /// Nothing is in flight after a reload: a saved entry is queued or failed.
    fn from(saved: SavedEntry) -> OutboxEntry {
        let state = if saved.failed {
            EntryState::Failed
        } else {
            EntryState::Queued { timeouts: saved.timeouts }
        };
        OutboxEntry {
            client_id: saved.client_id,
            text: saved.text,
            attachments: saved.attachments,
            quick_reply: saved.quick_reply,
            page_url: saved.page_url,
            state,
        }
    }
}

impl From<OutboxEntry> for SavedEntry {
    fn from(entry: OutboxEntry) -> SavedEntry {
        let (timeouts, failed) = match entry.state {
            EntryState::Queued { timeouts }
            | EntryState::InFlight { timeouts }
            | EntryState::Paused { timeouts } => (timeouts, false),
            // A retry starts the count again, so a failed entry's count is not kept.
            EntryState::Failed => (0, true),
        };
        SavedEntry {
            client_id: entry.client_id,
            text: entry.text,
            attachments: entry.attachments,
            quick_reply: entry.quick_reply,
            page_url: entry.page_url,
            timeouts,
            failed,
        }
    }
}

impl OutboxEntry {
    pub(crate) fn new(
        client_id: ClientId,
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
            state: EntryState::Queued { timeouts: 0 },
        }
    }

    fn command(&self, conversation_id: Option<&ConversationId>) -> ClientCommand {
        ClientCommand::SendMessage {
            conversation_id: conversation_id.cloned(),
            client_id: self.client_id.clone(),
            text: self.text.clone(),
            attachments: self.attachments.clone(),
            quick_reply: self.quick_reply.clone(),
            page_url: self.page_url.clone(),
        }
    }

    /// Sends the entry (again) and arms its timer, keeping its count of timeouts.
    fn send(&mut self, timeouts: u32, conversation_id: Option<&ConversationId>, fx: &mut Effects) {
        self.state = EntryState::InFlight { timeouts };
        fx.send(self.command(conversation_id));
        fx.push(Effect::ArmAckTimer {
            client_id: self.client_id.clone(),
            after_ms: ACK_TIMEOUT_MS,
        });
    }

    /// Leaves whatever state the entry is in for `state`, cancelling its timer if it had
    /// one and `cancel` is set (a timer that has just fired needs no cancelling).
    fn settle(&mut self, state: EntryState, cancel: bool, fx: &mut Effects) {
        if cancel && self.state.has_timer() {
            fx.push(Effect::CancelAckTimer { client_id: self.client_id.clone() });
        }
        self.state = state;
    }

    /// Fails the entry for `reason`; `None` if it had failed already.
    fn fail(&mut self, reason: FailReason, fx: &mut Effects) -> Option<DeliveryChange> {
        if self.state == EntryState::Failed {
            return None;
        }
        self.settle(EntryState::Failed, true, fx);
        Some(self.change(Delivery::Failed { reason }))
    }

    fn change(&self, delivery: Delivery) -> DeliveryChange {
        DeliveryChange { client_id: self.client_id.clone(), delivery }
    }

    /// Refuses locally what the server's decoder would refuse without naming the
    /// message (so it could never be acknowledged): the visitor sees a failed message
    /// with the same `too_large` code instead of three silent timeouts.
    fn local_rejection(&self) -> Option<FailReason> {
        let too_long = |s: &str, max: usize| s.len() > max && s.chars().count() > max;
        let problem = if too_long(&self.text, limits::MAX_TEXT_CHARS) {
            Some(format!("text is longer than {} characters", limits::MAX_TEXT_CHARS))
        } else if self.attachments.len() > limits::MAX_ATTACHMENTS {
            Some(format!("more than {} attachments", limits::MAX_ATTACHMENTS))
        } else if too_long(self.client_id.as_str(), limits::MAX_ID_CHARS)
            || self.quick_reply.as_deref().is_some_and(|q| too_long(q, limits::MAX_LABEL_CHARS))
        {
            Some("message is malformed".to_owned())
        } else {
            None
        };
        problem.map(|message| FailReason::Rejected { code: ErrorCode::TooLarge, message })
    }

    /// Queues the entry afresh, or fails it at once if the server could not take it;
    /// returns the delivery the message shows.
    fn start(&mut self) -> Delivery {
        match self.local_rejection() {
            Some(reason) => {
                self.state = EntryState::Failed;
                Delivery::Failed { reason }
            }
            None => {
                self.state = EntryState::Queued { timeouts: 0 };
                Delivery::Sending
            }
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
    pub fn client_ids(&self) -> impl Iterator<Item = &ClientId> {
        self.entries.iter().map(|e| &e.client_id)
    }

    /// Adds a message the visitor just wrote; returns the delivery it shows (failed at
    /// once if over the protocol's limits). It goes out with the next [`flush`](Self::flush).
    pub(crate) fn push(&mut self, mut entry: OutboxEntry) -> Delivery {
        let delivery = entry.start();
        self.entries.push(entry);
        delivery
    }

    fn get_mut(&mut self, client_id: &str) -> Option<&mut OutboxEntry> {
        self.entries.iter_mut().find(|e| e.client_id == client_id)
    }

    /// The visitor retries a failed message: it is queued again with a fresh count of
    /// timeouts (or fails again at once if over the limits). `None` if the message is
    /// unknown or has not failed.
    pub(crate) fn retry(&mut self, client_id: &str) -> Option<DeliveryChange> {
        let entry = self.get_mut(client_id).filter(|e| e.state == EntryState::Failed)?;
        let delivery = entry.start();
        Some(entry.change(delivery))
    }

    /// Removes an acknowledged entry, cancelling its timer if it had one.
    pub(crate) fn acknowledge(&mut self, client_id: &str, fx: &mut Effects) -> bool {
        let Some(i) = self.entries.iter().position(|e| e.client_id == client_id) else {
            return false;
        };
        let entry = self.entries.remove(i);
        if entry.state.has_timer() {
            fx.push(Effect::CancelAckTimer { client_id: entry.client_id });
        }
        true
    }

    /// Whether some entry was sent on this connection and not yet answered (a paused
    /// one counts: the server has not taken it).
    pub(crate) fn any_in_flight(&self) -> bool {
        self.entries.iter().any(|e| e.state.has_timer())
    }

    /// Sends every entry that may go now (see the head-of-line rule in the module
    /// docs), arming a timer for each. Call only while connected.
    pub(crate) fn flush(&mut self, conversation_id: Option<&ConversationId>, fx: &mut Effects) {
        if conversation_id.is_none() && self.any_in_flight() {
            return;
        }
        if self.entries.iter().any(|e| matches!(e.state, EntryState::Paused { .. })) {
            return;
        }
        for entry in self.entries.iter_mut() {
            match entry.state {
                EntryState::Failed => continue,
                EntryState::Queued { timeouts } => entry.send(timeouts, conversation_id, fx),
                EntryState::InFlight { .. } | EntryState::Paused { .. } => {}
            }
            if conversation_id.is_none() {
                return;
            }
        }
    }

    /// An ack timer fired for `client_id`: resend it, end the rate-limit pause, or fail
    /// it after [`MAX_ACK_TIMEOUTS`]. Call only while connected.
    pub(crate) fn ack_timeout(
        &mut self,
        client_id: &str,
        conversation_id: Option<&ConversationId>,
        fx: &mut Effects,
    ) -> Timeout {
        let Some(entry) = self.get_mut(client_id) else {
            return Timeout::Stale;
        };
        match entry.state {
            EntryState::Queued { .. } | EntryState::Failed => Timeout::Stale,
            EntryState::Paused { timeouts } => {
                entry.settle(EntryState::Queued { timeouts }, false, fx);
                Timeout::PauseOver
            }
            EntryState::InFlight { timeouts } => {
                let timeouts = timeouts.saturating_add(1);
                if timeouts < MAX_ACK_TIMEOUTS {
                    entry.send(timeouts, conversation_id, fx);
                    return Timeout::Resent;
                }
                entry.settle(EntryState::Failed, false, fx);
                Timeout::Failed(entry.change(Delivery::Failed { reason: FailReason::NoAck }))
            }
        }
    }

    /// The server refused `client_id` for the rate limit: it and every later entry go
    /// back to the queue (their timers cancelled; a later one the server did take is
    /// recognised by its client id when resent), and its timer is re-armed as the pause.
    /// `false` if the entry is unknown, failed or not sent on this connection.
    pub(crate) fn back_off(&mut self, client_id: &str, fx: &mut Effects) -> bool {
        let Some(i) = self.entries.iter().position(|e| e.client_id == client_id) else {
            return false;
        };
        // A second refusal of a paused entry (a duplicated frame) restarts the pause.
        let (EntryState::InFlight { timeouts } | EntryState::Paused { timeouts }) =
            self.entries[i].state
        else {
            return false;
        };
        for later in self.entries.iter_mut().skip(i + 1) {
            if let EntryState::InFlight { timeouts } | EntryState::Paused { timeouts } = later.state
            {
                later.settle(EntryState::Queued { timeouts }, true, fx);
            }
        }
        let entry = &mut self.entries[i];
        entry.state = EntryState::Paused { timeouts };
        fx.push(Effect::ArmAckTimer {
            client_id: entry.client_id.clone(),
            after_ms: RATE_LIMIT_PAUSE_MS,
        });
        true
    }

    /// The link dropped: nothing is in flight any more and no timer should fire.
    pub(crate) fn land_all(&mut self, fx: &mut Effects) {
        for entry in self.entries.iter_mut() {
            if let EntryState::InFlight { timeouts } | EntryState::Paused { timeouts } = entry.state
            {
                entry.settle(EntryState::Queued { timeouts }, true, fx);
            }
        }
    }

    /// Fails an entry for `reason` and stops its timer; `None` if unknown or already
    /// failed.
    pub(crate) fn fail(
        &mut self,
        client_id: &str,
        reason: FailReason,
        fx: &mut Effects,
    ) -> Option<DeliveryChange> {
        self.get_mut(client_id)?.fail(reason, fx)
    }

    /// Fails every entry not failed yet, for `reason` (the conversation ended).
    pub(crate) fn fail_all(
        &mut self,
        reason: &FailReason,
        fx: &mut Effects,
    ) -> Vec<DeliveryChange> {
        self.entries.iter_mut().filter_map(|e| e.fail(reason.clone(), fx)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outbox(ids: &[&str]) -> Outbox {
        let mut o = Outbox::default();
        for id in ids {
            let _ = o.push(OutboxEntry::new((*id).into(), "t".into(), vec![], None, None));
        }
        o
    }

    fn sent_ids(effects: Vec<Effect>) -> Vec<String> {
        effects
            .into_iter()
            .filter_map(|e| match e {
                Effect::Send(ClientCommand::SendMessage { client_id, .. }) => {
                    Some(client_id.into_string())
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn without_a_conversation_only_the_oldest_unfailed_entry_flies() {
        let c1 = ConversationId::from("c1");
        let mut o = outbox(&["a", "b", "c"]);
        let _ = o.fail("a", FailReason::NoAck, &mut Effects::default());
        let mut fx = Effects::default();
        o.flush(None, &mut fx);
        assert_eq!(sent_ids(fx.finish()), vec!["b"]);
        let mut fx = Effects::default();
        o.flush(None, &mut fx);
        assert!(sent_ids(fx.finish()).is_empty(), "b is still in flight");
        let mut fx = Effects::default();
        o.flush(Some(&c1), &mut fx);
        assert_eq!(sent_ids(fx.finish()), vec!["c"]);
    }

    #[test]
    fn landing_cancels_every_timer_and_allows_a_resend() {
        let c1 = ConversationId::from("c1");
        let mut o = outbox(&["a", "b"]);
        o.flush(Some(&c1), &mut Effects::default());
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
        o.flush(Some(&c1), &mut fx);
        assert_eq!(sent_ids(fx.finish()), vec!["a", "b"]);
    }

    /// The saved shape is the one older widgets wrote, both ways: what they saved is
    /// resent (and a failed entry is not), and what is saved now they can read.
    #[test]
    fn an_outbox_is_saved_in_the_shape_older_widgets_read_and_wrote() {
        let c1 = ConversationId::from("c1");
        let old = r#"{"entries":[
            {"client_id":"a","text":"t","attachments":[],"quick_reply":null,"page_url":null,"timeouts":2,"failed":false},
            {"client_id":"b","text":"t","attachments":[],"quick_reply":null,"page_url":null,"timeouts":3,"failed":true}
        ]}"#;
        let mut o: Outbox = serde_json::from_str(old).unwrap_or_default();
        assert_eq!(o.len(), 2);
        let mut fx = Effects::default();
        o.flush(Some(&c1), &mut fx);
        assert_eq!(sent_ids(fx.finish()), vec!["a"]);
        // `a` had two timeouts before the reload: the next one is its last.
        let last = o.ack_timeout("a", Some(&c1), &mut Effects::default());
        assert!(matches!(last, Timeout::Failed(_)), "{last:?}");
        assert_eq!(o.ack_timeout("a", Some(&c1), &mut Effects::default()), Timeout::Stale);
        let saved = serde_json::to_string(&o).unwrap_or_default();
        assert_eq!(
            saved,
            r#"{"entries":[{"client_id":"a","text":"t","attachments":[],"quick_reply":null,"page_url":null,"timeouts":0,"failed":true},{"client_id":"b","text":"t","attachments":[],"quick_reply":null,"page_url":null,"timeouts":0,"failed":true}]}"#
        );
    }
}
