//! The conversation's commands on a Matrix room: one private room per conversation,
//! messages sent with the client id as transaction id and in the content, history read
//! forward with `/messages` (which numbers it), typing, receipts and the end.

use serde_json::{json, Value};
use sitechat_core::matrix::event::message_content;
use sitechat_core::matrix::sync::{typing_changes, SyncNews};
use sitechat_core::matrix::timeline::RoomTimeline;
use sitechat_core::protocol::limits::MAX_HISTORY_MESSAGES;
use sitechat_core::protocol::{AttachmentRef, ErrorCode, ServerEvent, WireMessage};

use super::api::{enc, ApiFailure, Body};
use super::session::Session;

/// One forward page of `/messages`.
const PAGE: usize = 100;

impl Session {
    fn tracked(&self, room: &str) -> bool {
        self.rooms.borrow().contains_key(&room.to_owned())
    }

    fn with_room<T>(&self, room: &str, f: impl FnOnce(&mut RoomTimeline) -> T) -> T {
        let mut rooms = self.rooms.borrow_mut();
        let user = self.user_id.borrow().clone();
        if !rooms.contains_key(&room.to_owned()) {
            rooms.insert(room.to_owned(), RoomTimeline::new(&user));
        }
        let mut timeline =
            rooms.remove(&room.to_owned()).unwrap_or_else(|| RoomTimeline::new(&user));
        let out = f(&mut timeline);
        rooms.insert(room.to_owned(), timeline);
        out
    }

    /// Reads `room` forward from where it was last read to its live end; the messages
    /// that were new.
    pub(super) async fn read_room(&self, room: &str) -> Result<Vec<WireMessage>, ApiFailure> {
        let api = self.api();
        let mut added = Vec::new();
        loop {
            let cursor = self.with_room(room, |t| t.cursor().map(str::to_owned));
            let from = cursor.clone();
            let mut path =
                format!("/_matrix/client/v3/rooms/{}/messages?dir=f&limit={PAGE}", enc(room));
            if let Some(from) = cursor {
                path.push_str(&format!("&from={}", enc(&from)));
            }
            let page = api.call("GET", &path, Body::None).await?;
            let chunk: Vec<Value> =
                page.get("chunk").and_then(Value::as_array).cloned().unwrap_or_default();
            let end = page.get("end").and_then(Value::as_str);
            added.extend(self.with_room(room, |t| t.ingest(&chunk, end)));
            // A short page is the live end; a page that does not move the cursor would
            // be asked again forever.
            if chunk.len() < PAGE || end.is_none() || end.map(str::to_owned) == from {
                return Ok(added);
            }
        }
    }

    /// Reports `messages` as new, their files downloaded first.
    async fn publish(&self, room: &str, mut messages: Vec<WireMessage>) {
        self.shared.media.resolve(&self.api(), &mut messages).await;
        for message in messages {
            self.emit(ServerEvent::Message { conversation_id: room.to_owned().into(), message });
        }
        self.report_end(room);
    }

    fn report_end(&self, room: &str) {
        let Some(reason) = self.with_room(room, |t| t.ended()) else { return };
        if self.end_reported.borrow().iter().any(|r| r == room) {
            return;
        }
        self.end_reported.borrow_mut().push(room.to_owned());
        self.emit(ServerEvent::ConversationEnded {
            conversation_id: room.to_owned().into(),
            reason,
        });
    }

    /// The room for a message without a conversation: the visitor's open one (a
    /// message resent after a reload that lost `conversation_started`), else a new one
    /// with the agents invited. Says `conversation_started` either way.
    async fn open_room(
        &self,
        client_id: &str,
        page_url: Option<&str>,
    ) -> Result<String, ApiFailure> {
        let api = self.api();
        let joined = api.call("GET", "/_matrix/client/v3/joined_rooms", Body::None).await?;
        let rooms: Vec<String> = joined
            .get("joined_rooms")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default();
        let mut found = None;
        for room in rooms {
            self.read_room(&room).await?;
            if self.with_room(&room, |t| t.ended().is_none()) {
                found = Some(room);
                break;
            }
        }
        let room = match found {
            Some(room) => room,
            None => self.create_room(client_id, page_url).await?,
        };
        self.emit(ServerEvent::ConversationStarted {
            conversation_id: room.clone().into(),
            client_id: client_id.to_owned().into(),
        });
        Ok(room)
    }

    async fn create_room(
        &self,
        client_id: &str,
        page_url: Option<&str>,
    ) -> Result<String, ApiFailure> {
        let settings = &self.shared.settings;
        let user = self.user_id.borrow().clone();
        let users: serde_json::Map<String, Value> =
            settings.agents.iter().map(|a| (a.clone(), json!(50))).collect();
        let body = json!({
            "preset": "private_chat",
            "name": format!("{}: {}", settings.room_name, user),
            "topic": page_url.unwrap_or(""),
            "invite": settings.agents,
            "power_level_content_override": {"users": users},
            "creation_content": {"org.sitechat.first_client_id": client_id},
        });
        let answer =
            self.api().call("POST", "/_matrix/client/v3/createRoom", Body::Json(&body)).await?;
        let room = answer.get("room_id").and_then(Value::as_str).ok_or_else(|| {
            ApiFailure::Unreachable("createRoom answered without a room_id".into())
        })?;
        Ok(room.to_owned())
    }

    pub(super) async fn send_message(
        &self,
        conversation_id: Option<String>,
        client_id: String,
        text: String,
        attachments: Vec<AttachmentRef>,
        page_url: Option<String>,
    ) {
        let room = match conversation_id {
            Some(room) => room,
            None => match self.open_room(&client_id, page_url.as_deref()).await {
                Ok(room) => room,
                Err(failure) => return self.failed(failure, Some(client_id)),
            },
        };
        // The room first: after a lost ack (a homeserver restart, a reload) the message
        // may be stored already, and its client id in the content says so.
        match self.read_room(&room).await {
            Ok(new) => self.publish(&room, new).await,
            Err(failure) => return self.failed(failure, Some(client_id)),
        }
        if self.with_room(&room, |t| t.ended().is_some()) {
            return self.emit(ServerEvent::Error {
                code: ErrorCode::ConversationEnded,
                message: "this conversation has ended".into(),
                client_id: Some(client_id.into()),
            });
        }
        if self.ack_if_stored(&room, &client_id) {
            return;
        }
        let content = message_content(&text, &client_id, &attachments);
        let path = format!(
            "/_matrix/client/v3/rooms/{}/send/m.room.message/{}",
            enc(&room),
            enc(&client_id)
        );
        if let Err(failure) = self.api().call("PUT", &path, Body::Json(&content)).await {
            return self.failed(failure, Some(client_id));
        }
        // The event is in the room's timeline once the PUT is answered.
        for _ in 0..3 {
            match self.read_room(&room).await {
                Ok(new) => self.publish(&room, new).await,
                Err(failure) => return self.failed(failure, Some(client_id)),
            }
            if self.ack_if_stored(&room, &client_id) {
                return;
            }
        }
        // Not visible yet: no ack; the outbox resends and the client id finds it then.
    }

    fn ack_if_stored(&self, room: &str, client_id: &str) -> bool {
        let stored = self
            .with_room(room, |t| t.by_client_id(client_id).map(|m| (m.id.clone(), m.seq, m.at)));
        let Some((message_id, seq, at)) = stored else { return false };
        self.emit(ServerEvent::Ack {
            client_id: client_id.to_owned().into(),
            conversation_id: room.to_owned().into(),
            message_id,
            seq,
            at,
        });
        true
    }

    pub(super) async fn catch_up(&self, room: &str, after_seq: u64) {
        if let Err(failure) = self.read_room(room).await {
            return match failure {
                ApiFailure::Matrix { error, .. } if !error.is_unknown_token() => {
                    self.rooms.borrow_mut().remove(&room.to_owned());
                    self.emit(ServerEvent::Error {
                        code: ErrorCode::NotFound,
                        message: format!("no such conversation ({error})"),
                        client_id: None,
                    })
                }
                other => self.failed(other, None),
            };
        }
        let mut messages = self.with_room(room, |t| t.after(after_seq).to_vec());
        self.shared.media.resolve(&self.api(), &mut messages).await;
        let pages: Vec<&[WireMessage]> = messages.chunks(MAX_HISTORY_MESSAGES).collect();
        if pages.is_empty() {
            self.emit(ServerEvent::History {
                conversation_id: room.to_owned().into(),
                messages: Vec::new(),
                complete: true,
            });
        }
        let count = pages.len();
        for (i, page) in pages.into_iter().enumerate() {
            self.emit(ServerEvent::History {
                conversation_id: room.to_owned().into(),
                messages: page.to_vec(),
                complete: i + 1 == count,
            });
        }
        self.report_end(room);
    }

    pub(super) async fn visitor_typing(&self, room: &str, typing: bool) {
        let user = self.user_id.borrow().clone();
        let path = format!("/_matrix/client/v3/rooms/{}/typing/{}", enc(room), enc(&user));
        let body = if typing {
            json!({"typing": true, "timeout": 5000})
        } else {
            json!({"typing": false})
        };
        if let Err(ApiFailure::Unreachable(why)) =
            self.api().call("PUT", &path, Body::Json(&body)).await
        {
            self.close(Some(format!("the Matrix homeserver cannot be reached: {why}")));
        }
    }

    pub(super) async fn mark_read(&self, room: &str, up_to_seq: u64) {
        let Some(event) = self.with_room(room, |t| t.event_at(up_to_seq).map(str::to_owned)) else {
            return;
        };
        let path = format!("/_matrix/client/v3/rooms/{}/receipt/m.read/{}", enc(room), enc(&event));
        if let Err(ApiFailure::Unreachable(why)) =
            self.api().call("POST", &path, Body::Json(&json!({}))).await
        {
            self.close(Some(format!("the Matrix homeserver cannot be reached: {why}")));
        }
    }

    /// Matrix has no e-mail: the request goes into the room as an
    /// `org.sitechat.transcript_request` event for the agents to act on.
    pub(super) async fn transcript(&self, room: &str, email: &str) {
        let txn = format!("transcript-{}", js_sys::Date::now() as u64);
        let path = format!(
            "/_matrix/client/v3/rooms/{}/send/org.sitechat.transcript_request/{}",
            enc(room),
            enc(&txn)
        );
        match self.api().call("PUT", &path, Body::Json(&json!({"email": email}))).await {
            Ok(_) => self.emit(ServerEvent::TranscriptRequested {
                conversation_id: room.to_owned().into(),
                email: email.to_owned(),
            }),
            Err(failure) => self.failed(failure, None),
        }
    }

    /// One `/sync` answer: read the rooms that moved, report typing and receipts.
    pub(super) async fn news(&self, news: SyncNews) {
        for room in news.rooms {
            let id = room.room_id;
            if !self.tracked(&id) {
                continue;
            }
            if room.moved {
                match self.read_room(&id).await {
                    Ok(new) => self.publish(&id, new).await,
                    Err(failure) => return self.failed(failure, None),
                }
            }
            if let Some(now) = room.typing {
                let user = self.user_id.borrow().clone();
                let before = self.typing.borrow().get(&id).cloned().unwrap_or_default();
                for (who, typing) in typing_changes(&before, &now, &user) {
                    let name = self.with_room(&id, |t| t.name_of(&who));
                    self.emit(ServerEvent::Typing {
                        conversation_id: id.clone().into(),
                        author_name: Some(name),
                        typing,
                    });
                }
                self.typing.borrow_mut().insert(id.clone(), now);
            }
            for (user, event) in room.receipts {
                if let Some(seq) = self.with_room(&id, |t| t.receipt(&user, &event)) {
                    self.report_read(&id, seq);
                }
            }
        }
    }

    fn report_read(&self, room: &str, seq: u64) {
        let before = self.read_reported.borrow().get(&room.to_owned()).copied().unwrap_or(0);
        if seq > before {
            self.read_reported.borrow_mut().insert(room.to_owned(), seq);
            self.emit(ServerEvent::Read { conversation_id: room.to_owned(), up_to_seq: seq });
        }
    }
}
