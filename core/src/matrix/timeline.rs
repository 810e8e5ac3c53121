//! One room read in timeline order: the conversation's messages numbered by `seq`.
//!
//! The widget's transport reads a room with forward `/messages` pages, from the room's
//! creation on, and hands every page to [`RoomTimeline::ingest`] with the page's `end`
//! token; the next page is asked from [`RoomTimeline::cursor`]. `/sync` only says that
//! something is new: the order and the numbering come from here, so they are the same
//! however often the room is read (after a reload, after a homeserver restart).
//!
//! Invariants:
//! - `messages[i].seq == i + 1`;
//! - an event id is counted once, even if a page is read twice;
//! - the cursor only moves forward (a page without `end` keeps it).

use serde_json::Value;

use super::event::{fallback_name, is_counted, to_wire};
use super::END_EVENT_TYPE;
use crate::protocol::{EndReason, WireMessage};
use crate::vec_map::VecMap;

/// A room's conversation as far as it has been read.
#[derive(Debug, Clone, Default)]
pub struct RoomTimeline {
    visitor: String,
    cursor: Option<String>,
    messages: Vec<WireMessage>,
    names: VecMap<String, String>,
    ended: Option<EndReason>,
    read_up_to: u64,
}

impl RoomTimeline {
    /// An unread room of the visitor `visitor` (their user id).
    pub fn new(visitor: &str) -> RoomTimeline {
        RoomTimeline { visitor: visitor.to_owned(), ..RoomTimeline::default() }
    }

    /// Where the next forward `/messages` page starts (`None`: the room's beginning).
    pub fn cursor(&self) -> Option<&str> {
        self.cursor.as_deref()
    }

    /// Takes one forward page of events (oldest first) and its `end` token; returns the
    /// messages it added, in order.
    ///
    /// # Example
    /// ```
    /// use sitechat_core::matrix::timeline::RoomTimeline;
    /// let page = serde_json::json!([
    ///     {"type": "m.room.create", "event_id": "$c", "sender": "@1:h", "content": {}},
    ///     {"type": "m.room.message", "event_id": "$m", "sender": "@ann:h",
    ///      "origin_server_ts": 9, "content": {"msgtype": "m.text", "body": "Hi"}}]);
    /// let mut room = RoomTimeline::new("@1:h");
    /// let new = room.ingest(page.as_array().unwrap(), Some("t2"));
    /// assert_eq!((new.len(), new[0].seq), (1, 1));
    /// assert_eq!(room.cursor(), Some("t2"));
    /// ```
    pub fn ingest(&mut self, events: &[Value], end: Option<&str>) -> Vec<WireMessage> {
        let mut added = Vec::new();
        for event in events {
            let kind = event.get("type").and_then(Value::as_str).unwrap_or("");
            let content = event.get("content");
            if kind == "m.room.member" {
                let user = event.get("state_key").and_then(Value::as_str);
                let name = content.and_then(|c| c.get("displayname")).and_then(Value::as_str);
                if let (Some(user), Some(name)) = (user, name) {
                    if !name.trim().is_empty() {
                        self.names.insert(user.to_owned(), name.to_owned());
                    }
                }
            } else if kind == END_EVENT_TYPE && event.get("state_key").is_some() {
                let reason = content
                    .and_then(|c| c.get("reason"))
                    .and_then(Value::as_str)
                    .and_then(EndReason::parse)
                    .unwrap_or(EndReason::Agent);
                self.ended = Some(reason);
            } else if is_counted(event) {
                let id = event.get("event_id").and_then(Value::as_str);
                if id.is_some_and(|id| self.messages.iter().any(|m| m.id == id)) {
                    continue;
                }
                let seq = self.messages.len() as u64 + 1;
                let sender = event.get("sender").and_then(Value::as_str).unwrap_or("");
                let message = to_wire(
                    event,
                    seq,
                    &self.visitor,
                    self.names.get(&sender.to_owned()).map(String::as_str),
                );
                self.messages.push(message.clone());
                added.push(message);
            }
        }
        if let Some(end) = end.filter(|e| !e.is_empty()) {
            self.cursor = Some(end.to_owned());
        }
        added
    }

    /// Every message after `seq`, in order.
    pub fn after(&self, seq: u64) -> &[WireMessage] {
        let from = usize::try_from(seq).unwrap_or(usize::MAX).min(self.messages.len());
        &self.messages[from..]
    }

    /// The highest `seq` read so far (0: none).
    pub fn last_seq(&self) -> u64 {
        self.messages.len() as u64
    }

    /// The visitor's message with this client id, if the room holds one.
    pub fn by_client_id(&self, client_id: &str) -> Option<&WireMessage> {
        self.messages.iter().find(|m| m.client_id.as_deref() == Some(client_id))
    }

    /// The `seq` of the message with event id `event_id`.
    pub fn seq_of(&self, event_id: &str) -> Option<u64> {
        self.messages.iter().find(|m| m.id == event_id).map(|m| m.seq)
    }

    /// The event id of the message at `seq`.
    pub fn event_at(&self, seq: u64) -> Option<&str> {
        let index = usize::try_from(seq.checked_sub(1)?).ok()?;
        self.messages.get(index).map(|m| m.id.as_str())
    }

    /// Why the conversation ended, once a [`END_EVENT_TYPE`] state event was read.
    pub fn ended(&self) -> Option<EndReason> {
        self.ended
    }

    /// The name `user_id` is shown by.
    pub fn name_of(&self, user_id: &str) -> String {
        self.names.get(&user_id.to_owned()).cloned().unwrap_or_else(|| fallback_name(user_id))
    }

    /// Takes a read receipt of `user_id` for `event_id`. Returns the new highest `seq`
    /// an agent has read when it moved forward (the visitor's own receipts do not count;
    /// an event not read yet is ignored).
    pub fn receipt(&mut self, user_id: &str, event_id: &str) -> Option<u64> {
        if user_id == self.visitor {
            return None;
        }
        let seq = self.seq_of(event_id)?;
        if seq > self.read_up_to {
            self.read_up_to = seq;
            Some(seq)
        } else {
            None
        }
    }

    /// The highest `seq` an agent has read (0: none).
    pub fn read_up_to(&self) -> u64 {
        self.read_up_to
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message(id: &str, sender: &str, body: &str, client_id: Option<&str>) -> Value {
        let mut content = json!({"msgtype": "m.text", "body": body});
        if let Some(c) = client_id {
            content["org.sitechat.client_id"] = json!(c);
        }
        json!({"type": "m.room.message", "event_id": id, "sender": sender,
            "origin_server_ts": 1, "content": content})
    }

    fn member(user: &str, name: &str) -> Value {
        json!({"type": "m.room.member", "state_key": user, "sender": user,
            "content": {"membership": "join", "displayname": name}})
    }

    #[test]
    fn messages_are_numbered_in_timeline_order_across_pages() {
        let mut room = RoomTimeline::new("@1:h");
        let first = room.ingest(
            &[
                json!({"type": "m.room.create", "state_key": ""}),
                member("@ann:h", "Ann"),
                message("$a", "@1:h", "Hello", Some("k1")),
            ],
            Some("t1"),
        );
        assert_eq!(first.len(), 1);
        let second = room.ingest(&[message("$b", "@ann:h", "Hi there", None)], Some("t2"));
        assert_eq!(second[0].seq, 2);
        assert_eq!(second[0].author.name.as_deref(), Some("Ann"));
        assert_eq!(room.cursor(), Some("t2"));
        assert_eq!(room.after(1).len(), 1);
        assert_eq!(room.after(0).len(), 2);
        assert_eq!(room.after(99).len(), 0);
        assert_eq!(room.by_client_id("k1").map(|m| m.seq), Some(1));
        assert_eq!(room.event_at(2), Some("$b"));
        assert_eq!(room.event_at(0), None);
        assert_eq!(room.seq_of("$b"), Some(2));
    }

    #[test]
    fn a_page_read_twice_counts_once_and_an_empty_page_keeps_the_cursor() {
        let mut room = RoomTimeline::new("@1:h");
        let page = [message("$a", "@1:h", "x", Some("k1")), message("$b", "@ann:h", "y", None)];
        room.ingest(&page, Some("t1"));
        assert!(room.ingest(&page, Some("t2")).is_empty());
        assert_eq!(room.last_seq(), 2);
        room.ingest(&[], None);
        assert_eq!(room.cursor(), Some("t2"));
    }

    #[test]
    fn the_end_state_event_ends_the_conversation() {
        let mut room = RoomTimeline::new("@1:h");
        room.ingest(&[json!({"type": "org.sitechat.end", "state_key": "", "content": {}})], None);
        assert_eq!(room.ended(), Some(EndReason::Agent));
        let mut other = RoomTimeline::new("@1:h");
        other.ingest(
            &[json!({"type": "org.sitechat.end", "state_key": "",
            "content": {"reason": "inactivity"}})],
            None,
        );
        assert_eq!(other.ended(), Some(EndReason::Inactivity));
    }

    #[test]
    fn agents_receipts_move_forward_only() {
        let mut room = RoomTimeline::new("@1:h");
        room.ingest(
            &[message("$a", "@1:h", "x", Some("k1")), message("$b", "@1:h", "y", Some("k2"))],
            None,
        );
        assert_eq!(room.receipt("@1:h", "$b"), None, "the visitor's own receipt");
        assert_eq!(room.receipt("@ann:h", "$b"), Some(2));
        assert_eq!(room.receipt("@ann:h", "$a"), None);
        assert_eq!(room.receipt("@ann:h", "$unknown"), None);
        assert_eq!(room.read_up_to(), 2);
        assert_eq!(room.name_of("@bo:h"), "bo");
    }
}
