//! One Matrix room event ↔ one sitechat message.
//!
//! Every `m.room.message` is a message of the conversation (`m.text`, `m.notice`,
//! `m.emote` as text; `m.image`, `m.file`, `m.video`, `m.audio` as an attachment with its
//! caption). Only the plain `body` is read, never `formatted_body`: nothing the
//! homeserver sends is ever HTML in the widget. Attachments keep their `mxc://` URL; the
//! widget's transport turns it into a `blob:` URL it downloaded with the access token.

use serde_json::{json, Value};

use super::{ATTACHMENTS_KEY, CLIENT_ID_KEY};
use crate::protocol::limits::{MAX_ID_CHARS, MAX_LABEL_CHARS, MAX_TEXT_CHARS, MAX_URL_CHARS};
use crate::protocol::{Attachment, AttachmentRef, Author, AuthorKind, WireMessage};

/// Whether `event` counts as a message of the conversation (and so takes a `seq`).
pub fn is_counted(event: &Value) -> bool {
    event.get("type").and_then(Value::as_str) == Some("m.room.message")
}

fn text_of(value: Option<&Value>, max: usize) -> String {
    value.and_then(Value::as_str).map(|s| s.chars().take(max).collect()).unwrap_or_default()
}

/// The name a user is shown by: their display name, else their id's localpart.
pub fn fallback_name(user_id: &str) -> String {
    let local = user_id.strip_prefix('@').unwrap_or(user_id);
    let local = local.split_once(':').map_or(local, |(l, _)| l);
    local.chars().take(MAX_LABEL_CHARS).collect()
}

fn is_file_type(msgtype: &str) -> bool {
    matches!(msgtype, "m.image" | "m.file" | "m.video" | "m.audio")
}

fn attachment_from(value: &Value, url_key: &str) -> Option<Attachment> {
    let url = value.get(url_key)?.as_str()?;
    if !url.starts_with("mxc://") || url.len() > MAX_ID_CHARS.min(MAX_URL_CHARS) {
        return None;
    }
    let info = value.get("info");
    let name = [value.get("filename"), value.get("name"), value.get("body")]
        .into_iter()
        .flatten()
        .find_map(Value::as_str)
        .filter(|s| !s.is_empty())
        .unwrap_or("file");
    let mime = [value.get("mime"), info.and_then(|i| i.get("mimetype"))]
        .into_iter()
        .flatten()
        .find_map(Value::as_str)
        .unwrap_or("application/octet-stream");
    let size =
        value.get("size").or_else(|| info.and_then(|i| i.get("size"))).and_then(Value::as_u64);
    Some(Attachment {
        id: url.to_owned(),
        name: name.chars().take(MAX_LABEL_CHARS).collect(),
        mime: mime.chars().take(MAX_LABEL_CHARS).collect(),
        size: size.unwrap_or(0),
        url: url.to_owned(),
    })
}

/// The sitechat message for the counted event `event` at position `seq`. `visitor` is
/// the visitor's user id; `name` the sender's display name, if known.
///
/// # Example
/// ```
/// use sitechat_core::matrix::event::to_wire;
/// use sitechat_core::protocol::AuthorKind;
/// let e = serde_json::json!({"type": "m.room.message", "event_id": "$a", "sender": "@ann:h",
///     "origin_server_ts": 5, "content": {"msgtype": "m.text", "body": "Hello"}});
/// let m = to_wire(&e, 3, "@1:h", Some("Ann"));
/// assert_eq!((m.seq, m.text.as_str(), m.author.kind), (3, "Hello", AuthorKind::Agent));
/// assert_eq!(m.author.name.as_deref(), Some("Ann"));
/// ```
pub fn to_wire(event: &Value, seq: u64, visitor: &str, name: Option<&str>) -> WireMessage {
    let sender = event.get("sender").and_then(Value::as_str).unwrap_or("");
    let content = event.get("content").cloned().unwrap_or(Value::Null);
    let from_visitor = sender == visitor;
    let id = event
        .get("event_id")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty() && id.len() <= MAX_ID_CHARS)
        .map_or_else(|| format!("seq-{seq}"), str::to_owned);
    let client_id = content
        .get(CLIENT_ID_KEY)
        .and_then(Value::as_str)
        .filter(|c| from_visitor && !c.is_empty() && c.len() <= MAX_ID_CHARS)
        .map(str::to_owned);
    let msgtype = content.get("msgtype").and_then(Value::as_str).unwrap_or("");
    let mut attachments: Vec<Attachment> = content
        .get(ATTACHMENTS_KEY)
        .and_then(Value::as_array)
        .filter(|_| from_visitor)
        .map(|list| list.iter().filter_map(|a| attachment_from(a, "id")).take(10).collect())
        .unwrap_or_default();
    let mut text = text_of(content.get("body"), MAX_TEXT_CHARS);
    if is_file_type(msgtype) {
        if attachments.is_empty() {
            attachments.extend(attachment_from(&content, "url"));
        }
        // A file's body is its name unless a `filename` makes it a caption.
        let caption = content
            .get("filename")
            .and_then(Value::as_str)
            .is_some_and(|f| f != text && !text.is_empty());
        if !caption && !attachments.is_empty() {
            text.clear();
        }
    }
    let author = if from_visitor {
        Author::visitor()
    } else {
        Author {
            kind: AuthorKind::Agent,
            name: Some(name.map_or_else(
                || fallback_name(sender),
                |n| n.chars().take(MAX_LABEL_CHARS).collect(),
            )),
            avatar_url: None,
        }
    };
    WireMessage {
        id: id.into(),
        seq,
        client_id: client_id.map(Into::into),
        author,
        text,
        attachments,
        quick_replies: Vec::new(),
        collect_input: true,
        at: event.get("origin_server_ts").and_then(Value::as_i64).unwrap_or(0),
    }
}

/// The `m.room.message` content for a visitor's message: the client id rides inside,
/// so a resend after the homeserver forgot the transaction id is still recognised.
///
/// # Example
/// ```
/// use sitechat_core::matrix::event::message_content;
/// let c = message_content("Hi", "k_1", &[]);
/// assert_eq!(c["msgtype"], "m.text");
/// assert_eq!(c["org.sitechat.client_id"], "k_1");
/// ```
pub fn message_content(text: &str, client_id: &str, attachments: &[AttachmentRef]) -> Value {
    let Some(first) = attachments.first() else {
        return json!({"msgtype": "m.text", "body": text, CLIENT_ID_KEY: client_id});
    };
    let msgtype = match first.mime.split('/').next() {
        Some("image") => "m.image",
        Some("video") => "m.video",
        Some("audio") => "m.audio",
        _ => "m.file",
    };
    let all: Vec<Value> = attachments
        .iter()
        .map(|a| json!({"id": a.id, "name": a.name, "mime": a.mime, "size": a.size}))
        .collect();
    json!({
        "msgtype": msgtype,
        "body": if text.is_empty() { first.name.as_str() } else { text },
        "filename": first.name,
        "url": first.id,
        "info": {"mimetype": first.mime, "size": first.size},
        ATTACHMENTS_KEY: all,
        CLIENT_ID_KEY: client_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(sender: &str, content: Value) -> Value {
        json!({"type": "m.room.message", "event_id": "$e1", "sender": sender,
            "origin_server_ts": 1_700_000_000_000_i64, "content": content})
    }

    #[test]
    fn the_visitors_own_message_carries_its_client_id() {
        let m = to_wire(&event("@1:h", message_content("Hello", "k_9", &[])), 1, "@1:h", None);
        assert_eq!(m.author, Author::visitor());
        assert_eq!(m.client_id.as_deref(), Some("k_9"));
        assert_eq!(m.text, "Hello");
        assert_eq!(m.at, 1_700_000_000_000);
    }

    #[test]
    fn an_agent_cannot_claim_a_client_id() {
        let m = to_wire(
            &event(
                "@ann:h",
                json!({"msgtype": "m.text", "body": "x",
            CLIENT_ID_KEY: "k_9"}),
            ),
            2,
            "@1:h",
            None,
        );
        assert_eq!(m.client_id, None);
        assert_eq!(m.author.name.as_deref(), Some("ann"));
    }

    #[test]
    fn html_is_never_read() {
        let m = to_wire(
            &event(
                "@ann:h",
                json!({"msgtype": "m.text", "body": "<b>hi</b>",
            "format": "org.matrix.custom.html", "formatted_body": "<img src=x onerror=alert(1)>"}),
            ),
            1,
            "@1:h",
            Some("Ann"),
        );
        assert_eq!(m.text, "<b>hi</b>");
    }

    #[test]
    fn an_agents_image_becomes_an_attachment() {
        let m = to_wire(
            &event(
                "@ann:h",
                json!({"msgtype": "m.image", "body": "cat.png",
            "url": "mxc://h/abc", "info": {"mimetype": "image/png", "size": 42}}),
            ),
            4,
            "@1:h",
            None,
        );
        assert_eq!(m.text, "");
        assert_eq!(m.attachments.len(), 1);
        let a = &m.attachments[0];
        assert_eq!(
            (a.id.as_str(), a.name.as_str(), a.mime.as_str(), a.size),
            ("mxc://h/abc", "cat.png", "image/png", 42)
        );
        let captioned = to_wire(
            &event(
                "@ann:h",
                json!({"msgtype": "m.file", "body": "see this",
            "filename": "a.pdf", "url": "mxc://h/p"}),
            ),
            5,
            "@1:h",
            None,
        );
        assert_eq!(captioned.text, "see this");
        assert_eq!(captioned.attachments[0].name, "a.pdf");
        let bad_url = to_wire(
            &event(
                "@ann:h",
                json!({"msgtype": "m.file", "body": "x",
            "url": "https://evil.example/x"}),
            ),
            6,
            "@1:h",
            None,
        );
        assert!(bad_url.attachments.is_empty());
        assert_eq!(bad_url.text, "x");
    }

    #[test]
    fn visitor_attachments_round_trip() {
        let refs = vec![
            AttachmentRef {
                id: "mxc://h/1".into(),
                name: "a.png".into(),
                mime: "image/png".into(),
                size: 3,
            },
            AttachmentRef {
                id: "mxc://h/2".into(),
                name: "b.txt".into(),
                mime: "text/plain".into(),
                size: 4,
            },
        ];
        let c = message_content("", "k_1", &refs);
        assert_eq!(c["msgtype"], "m.image");
        assert_eq!(c["body"], "a.png");
        let m = to_wire(&event("@1:h", c), 1, "@1:h", None);
        assert_eq!(m.text, "");
        assert_eq!(m.attachments.len(), 2);
        assert_eq!(m.attachments[1].name, "b.txt");
        let with_text =
            to_wire(&event("@1:h", message_content("look", "k_2", &refs)), 2, "@1:h", None);
        assert_eq!(with_text.text, "look");
    }

    #[test]
    fn junk_events_do_not_panic_and_long_text_is_cut() {
        let m = to_wire(&json!({"type": "m.room.message"}), 7, "@1:h", None);
        assert_eq!(m.id, "seq-7");
        assert_eq!(m.text, "");
        let long = to_wire(&event("@ann:h", json!({"body": "x".repeat(20_000)})), 1, "@1:h", None);
        assert_eq!(long.text.chars().count(), MAX_TEXT_CHARS);
        assert!(is_counted(&event("@a:h", json!({}))));
        assert!(!is_counted(&json!({"type": "m.room.member"})));
    }
}
