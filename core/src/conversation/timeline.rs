//! The ordered list of messages of the current conversation.
//!
//! Invariants:
//! - messages with a `seq` come first, in strictly ascending `seq` order, so a
//!   catch-up can fill gaps and an out-of-order delivery lands in its place;
//! - messages without a `seq` (the visitor's unacknowledged ones) follow, in the order
//!   they were written;
//! - no two messages share a `seq`, an `id` or a `client_id`: callers look up before
//!   inserting, and an insert of an already present `seq` is refused;
//! - `watermark` is the highest `seq` such that every message `1..=watermark` is
//!   present: what the widget asks to catch up after.

use serde::{Deserialize, Serialize};

use super::message::{Delivery, Message};
use crate::protocol::MessageId;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Timeline {
    messages: Vec<Message>,
    watermark: u64,
}

impl Timeline {
    pub(crate) fn as_slice(&self) -> &[Message] {
        &self.messages
    }

    pub(crate) fn watermark(&self) -> u64 {
        self.watermark
    }

    /// The highest `seq` present (0 when none).
    pub(crate) fn max_seq(&self) -> u64 {
        self.messages.iter().rev().find_map(|m| m.seq).unwrap_or(0)
    }

    pub(crate) fn position_by_client_id(&self, client_id: &str) -> Option<usize> {
        self.messages.iter().position(|m| m.client_id.as_deref() == Some(client_id))
    }

    pub(crate) fn position_by_id(&self, id: &str) -> Option<usize> {
        self.messages.iter().position(|m| m.id.as_deref() == Some(id))
    }

    pub(crate) fn get_mut(&mut self, index: usize) -> Option<&mut Message> {
        self.messages.get_mut(index)
    }

    /// Where a message with `seq` belongs: after every smaller seq, before the rest.
    fn slot_for(&self, seq: u64) -> usize {
        self.messages.partition_point(|m| m.seq.is_some_and(|s| s < seq))
    }

    pub(crate) fn contains_seq(&self, seq: u64) -> bool {
        self.messages.get(self.slot_for(seq)).is_some_and(|m| m.seq == Some(seq))
    }

    /// Appends one of the visitor's new messages (no `seq` yet).
    pub(crate) fn push_pending(&mut self, message: Message) {
        self.messages.push(Message { seq: None, ..message });
    }

    /// Inserts a message that has a `seq` at its place; refuses (returns `false`) one
    /// without a seq or whose seq is already present.
    pub(crate) fn insert_sequenced(&mut self, message: Message) -> bool {
        let Some(seq) = message.seq else { return false };
        if self.contains_seq(seq) {
            return false;
        }
        let slot = self.slot_for(seq);
        self.messages.insert(slot, message);
        self.advance_watermark();
        true
    }

    /// Records the server's acknowledgement of the message at `index` and moves it
    /// from the pending tail to its `seq` place. Returns `false` (changing nothing) if
    /// the index is stale or the seq is taken by another message.
    pub(crate) fn confirm(
        &mut self,
        index: usize,
        message_id: MessageId,
        seq: u64,
        at: i64,
    ) -> bool {
        if index >= self.messages.len() || self.contains_seq(seq) {
            return false;
        }
        let mut message = self.messages.remove(index);
        message.id = Some(message_id.clone());
        message.seq = Some(seq);
        message.at = at;
        message.delivery = Some(Delivery::Sent { message_id, seq });
        let slot = self.slot_for(seq);
        self.messages.insert(slot, message);
        self.advance_watermark();
        true
    }

    fn advance_watermark(&mut self) {
        let start = self.slot_for(self.watermark.saturating_add(1));
        for m in self.messages.iter().skip(start) {
            match m.seq {
                Some(s) if s == self.watermark.saturating_add(1) => self.watermark = s,
                _ => break,
            }
        }
    }

    /// The latest message by an agent or a bot, which decides whether the visitor
    /// may type.
    pub(crate) fn last_from_team(&self) -> Option<&Message> {
        self.messages.iter().rev().find(|m| m.is_from_team())
    }

    /// Empties the list except the messages `keep` selects, which lose their seq
    /// (they belong to no conversation any more), and restarts the watermark.
    pub(crate) fn restart_keeping(&mut self, keep: impl Fn(&Message) -> bool) {
        self.messages.retain(|m| keep(m));
        for m in &mut self.messages {
            m.seq = None;
        }
        self.watermark = 0;
    }

    /// Restores the ordering invariants on a list read back from storage, which the
    /// widget does not control (another version, a hand edit): sorts, drops
    /// duplicate seqs, recomputes the watermark.
    pub(crate) fn normalize(&mut self) {
        self.messages.sort_by_key(|m| (m.seq.is_none(), m.seq));
        self.messages.dedup_by(|later, earlier| later.seq.is_some() && later.seq == earlier.seq);
        self.watermark = 0;
        self.advance_watermark();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Author;

    fn msg(seq: Option<u64>, key: &str) -> Message {
        Message {
            id: seq.map(|s| format!("m{s}").into()),
            client_id: Some(key.into()),
            seq,
            author: Author::visitor(),
            text: key.into(),
            attachments: vec![],
            quick_replies: vec![],
            collect_input: true,
            at: 0,
            delivery: None,
        }
    }

    fn seqs(t: &Timeline) -> Vec<Option<u64>> {
        t.as_slice().iter().map(|m| m.seq).collect()
    }

    #[test]
    fn sequenced_messages_go_before_pending_ones_in_seq_order() {
        let mut t = Timeline::default();
        t.push_pending(msg(None, "p"));
        assert!(t.insert_sequenced(msg(Some(3), "c")));
        assert!(t.insert_sequenced(msg(Some(1), "a")));
        assert!(!t.insert_sequenced(msg(Some(3), "dup")));
        assert_eq!(seqs(&t), vec![Some(1), Some(3), None]);
        assert_eq!(t.watermark(), 1);
        assert_eq!(t.max_seq(), 3);
        assert!(t.insert_sequenced(msg(Some(2), "b")));
        assert_eq!(t.watermark(), 3);
    }

    #[test]
    fn confirm_moves_a_pending_message_to_its_seq() {
        let mut t = Timeline::default();
        t.push_pending(msg(None, "p"));
        t.insert_sequenced(msg(Some(2), "b"));
        assert!(t.confirm(1, "m1".into(), 1, 5));
        assert_eq!(seqs(&t), vec![Some(1), Some(2)]);
        assert_eq!(t.watermark(), 2);
        assert!(!t.confirm(7, "x".into(), 9, 0), "stale index");
    }

    #[test]
    fn normalize_repairs_a_tampered_list() {
        let mut t = Timeline {
            messages: vec![
                msg(None, "p"),
                msg(Some(2), "b"),
                msg(Some(1), "a"),
                msg(Some(2), "b2"),
            ],
            watermark: 99,
        };
        t.normalize();
        assert_eq!(seqs(&t), vec![Some(1), Some(2), None]);
        assert_eq!(t.watermark(), 2);
    }
}
