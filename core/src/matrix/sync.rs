//! What one `/sync` answer says about the visitor's rooms.
//!
//! The transport long-polls `/sync` with [`SYNC_FILTER`] (a short timeline: the
//! messages themselves are read in order with `/messages`, see
//! [`timeline`](super::timeline)); this reads the answer into what the transport acts
//! on: which rooms have new events, who types, which events were read.

use serde_json::Value;

/// The filter for `/sync`: no presence or account data, one timeline event per room
/// (enough to know it moved), members lazily.
pub const SYNC_FILTER: &str = r#"{"presence":{"not_types":["*"]},"account_data":{"not_types":["*"]},"room":{"timeline":{"limit":1},"state":{"lazy_load_members":true},"account_data":{"not_types":["*"]}}}"#;

/// One joined room's news.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoomNews {
    pub room_id: String,
    /// The timeline moved (or its state changed): read it with `/messages`.
    pub moved: bool,
    /// Who types now (`m.typing`), when the answer says.
    pub typing: Option<Vec<String>>,
    /// `(user id, event id)` of every `m.read` receipt.
    pub receipts: Vec<(String, String)>,
}

/// A `/sync` answer, read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncNews {
    /// The `since` of the next `/sync`.
    pub next_batch: String,
    pub rooms: Vec<RoomNews>,
}

/// Reads a `/sync` answer.
///
/// # Example
/// ```
/// use sitechat_core::matrix::sync::parse_sync;
/// let body = serde_json::json!({"next_batch": "s2", "rooms": {"join": {"!r:h": {
///     "timeline": {"events": [{"type": "m.room.message"}]},
///     "ephemeral": {"events": [{"type": "m.typing", "content": {"user_ids": ["@ann:h"]}}]}}}}});
/// let news = parse_sync(&body).unwrap();
/// assert_eq!(news.next_batch, "s2");
/// assert!(news.rooms[0].moved);
/// assert_eq!(news.rooms[0].typing, Some(vec!["@ann:h".to_owned()]));
/// ```
pub fn parse_sync(body: &Value) -> Result<SyncNews, String> {
    let next_batch = body
        .get("next_batch")
        .and_then(Value::as_str)
        .ok_or("the homeserver's /sync answer has no next_batch")?
        .to_owned();
    let mut rooms = Vec::new();
    if let Some(joined) = body.pointer("/rooms/join").and_then(Value::as_object) {
        for (room_id, room) in joined {
            let events = |path: &str| -> Vec<&Value> {
                room.pointer(path)
                    .and_then(Value::as_array)
                    .map(|a| a.iter().collect())
                    .unwrap_or_default()
            };
            let moved =
                !events("/timeline/events").is_empty() || !events("/state/events").is_empty();
            let mut news = RoomNews { room_id: room_id.clone(), moved, ..RoomNews::default() };
            for event in events("/ephemeral/events") {
                match event.get("type").and_then(Value::as_str) {
                    Some("m.typing") => {
                        let users =
                            event.pointer("/content/user_ids").and_then(Value::as_array).map(|u| {
                                u.iter().filter_map(Value::as_str).map(str::to_owned).collect()
                            });
                        news.typing = users.or(Some(Vec::new()));
                    }
                    Some("m.receipt") => {
                        let Some(content) = event.get("content").and_then(Value::as_object) else {
                            continue;
                        };
                        for (event_id, kinds) in content {
                            let Some(readers) = kinds.get("m.read").and_then(Value::as_object)
                            else {
                                continue;
                            };
                            for user in readers.keys() {
                                news.receipts.push((user.clone(), event_id.clone()));
                            }
                        }
                    }
                    _ => {}
                }
            }
            rooms.push(news);
        }
    }
    Ok(SyncNews { next_batch, rooms })
}

/// Who started (`true`) or stopped (`false`) typing between `before` and `now`, the
/// visitor (`visitor`) left out.
pub fn typing_changes(before: &[String], now: &[String], visitor: &str) -> Vec<(String, bool)> {
    let started =
        now.iter().filter(|u| *u != visitor && !before.contains(u)).map(|u| (u.clone(), true));
    let stopped =
        before.iter().filter(|u| *u != visitor && !now.contains(u)).map(|u| (u.clone(), false));
    stopped.chain(started).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn receipts_and_quiet_rooms() {
        let body = json!({"next_batch": "n", "rooms": {"join": {
            "!a:h": {"timeline": {"events": []}, "ephemeral": {"events": [
                {"type": "m.receipt", "content": {"$e1": {"m.read": {"@ann:h": {"ts": 1}}},
                    "$e2": {"m.read.private": {"@bo:h": {"ts": 2}}}}}]}},
            "!b:h": {}}}});
        let news = parse_sync(&body).unwrap();
        let a = news.rooms.iter().find(|r| r.room_id == "!a:h").unwrap();
        assert!(!a.moved);
        assert_eq!(a.receipts, vec![("@ann:h".to_owned(), "$e1".to_owned())]);
        assert_eq!(a.typing, None);
        assert!(parse_sync(&json!({"rooms": {}})).is_err());
        assert!(parse_sync(&json!({"next_batch": "x", "rooms": "junk"})).unwrap().rooms.is_empty());
    }

    #[test]
    fn typing_changes_leave_the_visitor_out() {
        let v = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            typing_changes(&v(&[]), &v(&["@ann:h", "@1:h"]), "@1:h"),
            vec![("@ann:h".to_owned(), true)]
        );
        assert_eq!(
            typing_changes(&v(&["@ann:h"]), &v(&[]), "@1:h"),
            vec![("@ann:h".to_owned(), false)]
        );
        assert!(typing_changes(&v(&["@ann:h"]), &v(&["@ann:h"]), "@1:h").is_empty());
    }

    #[test]
    fn the_filter_is_json() {
        assert!(serde_json::from_str::<Value>(SYNC_FILTER).is_ok());
    }
}
