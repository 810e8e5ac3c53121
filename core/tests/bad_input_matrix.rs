//! The bad-input matrix: every config field and every field of every protocol frame,
//! each set to a list of malformed values. What must hold for each cell:
//! - a value the field cannot take gives exactly one error, and that error names the
//!   field by its full path (`availability.hours[0].to`, `message.message.author.kind`);
//! - the message is short (a hostile value is quoted, never copied whole);
//! - a value the field can take is simply accepted (the matrix includes some).
//!
//! Nothing here may panic; the fuzz targets check that on random input, this file on
//! every field by name.

use serde_json::{json, Value};
use sitechat_core::config::Config;
use sitechat_core::protocol::agent::{AgentCommand, AgentEvent};
use sitechat_core::protocol::{ClientCommand, ServerEvent};

/// Malformed values of every JSON kind, including hostile strings and edge numbers.
fn bad_values() -> Vec<Value> {
    vec![
        Value::Null,
        json!(true),
        json!(0),
        json!(-1),
        json!(1.5),
        json!(1e300),
        json!(18446744073709551615u64),
        json!(""),
        json!("   "),
        json!("<script>sitechatTrap()</script>"),
        json!("javascript:alert(1)"),
        json!("\u{202E}gnp.exe"),
        json!("x".repeat(100_000)),
        json!([]),
        json!([1, 2, 3]),
        json!({}),
        json!({"nested": {"deeper": [null]}}),
    ]
}

/// Every leaf path of `value` (objects by key, arrays by their first item), with how
/// the decoder spells it.
fn leaves(value: &Value, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                path.push(Step::Key(k.clone()));
                out.push(path.clone());
                leaves(v, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            if let Some(first) = items.first() {
                path.push(Step::Index(0));
                out.push(path.clone());
                leaves(first, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn spelled(prefix: &str, path: &[Step]) -> String {
    let mut s = prefix.to_owned();
    for step in path {
        match step {
            Step::Key(k) if s.is_empty() => s.push_str(k),
            Step::Key(k) => {
                s.push('.');
                s.push_str(k);
            }
            Step::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

fn set(doc: &mut Value, path: &[Step], new: Value) {
    let mut at = doc;
    for step in path {
        at = match step {
            Step::Key(k) => at.as_object_mut().and_then(|m| m.get_mut(k)).expect("path exists"),
            Step::Index(i) => at.as_array_mut().and_then(|a| a.get_mut(*i)).expect("path exists"),
        };
    }
    *at = new;
}

// ---------------------------------------------------------------------------------
// Config
// ---------------------------------------------------------------------------------

/// Valid documents that together reach every config field (each availability mode has
/// its own fields).
fn config_examples() -> Vec<Value> {
    vec![
        json!({
            "profile": { "name": "Ada", "avatar_url": "https://acme.example/ada.png",
                         "meetings": { "enabled": true, "url": "https://acme.example/meet", "link_text": "Book" } },
            "appearance": { "theme_color": "#0b5fff", "position": "left", "branding": false, "locale": "fr" },
            "bot": { "enabled": false, "collect_input": true },
            "options": { "transcript_auto_send": true, "inactivity_timeout_minutes": 30, "attachments": true,
                         "max_attachment_bytes": 1048576, "allowed_attachment_types": ["image/*"] },
            "availability": { "mode": "always", "typical_response_time": "few_minutes" }
        }),
        json!({ "availability": {
            "mode": "business_hours", "time_zone": "Europe/Paris",
            "hours": [{ "days": ["mon", "tue"], "from": "09:00", "to": "17:00" }],
            "typical_response_time": "few_minutes",
            "outside_hours": { "behavior": "away_message", "message": "Back tomorrow" }
        } }),
        json!({ "availability": {
            "mode": "team_status", "typical_response_time": "few_hours",
            "when_away": { "behavior": "away_message", "message": "Away" }
        } }),
    ]
}

#[test]
fn every_config_field_with_a_bad_value_gives_one_error_naming_it() {
    let mut cells = 0;
    let mut refused = 0;
    for example in config_examples() {
        assert!(Config::from_value(&example).is_ok(), "the example itself is valid: {example}");
        let mut paths = Vec::new();
        leaves(&example, &mut Vec::new(), &mut paths);
        for path in paths {
            let name = spelled("", &path);
            for bad in bad_values() {
                let mut doc = example.clone();
                set(&mut doc, &path, bad.clone());
                cells += 1;
                let Err(errors) = Config::from_value(&doc) else { continue };
                refused += 1;
                let shown = errors.to_string();
                assert!(
                    shown.chars().count() < 400,
                    "{name} = {bad:.60}: message too long ({} chars)",
                    shown.chars().count()
                );
                for e in errors.errors() {
                    // A field's problem is reported at the field or inside it, or — when
                    // it changes what else is required (meetings.enabled, availability.mode)
                    // — at the sibling that became wrong.
                    let parent = name.rsplit_once(['.', '[']).map_or("", |(p, _)| p);
                    assert!(
                        e.path.starts_with(&name)
                            || (!parent.is_empty() && e.path.starts_with(parent)),
                        "{name} = {bad:.60}: error about another field: {e}"
                    );
                }
                // One error per problem: several only for several bad items of a list,
                // or when a switch (mode, enabled, behavior) changes what else is needed.
                let switch = matches!(path.last(), Some(Step::Key(k)) if k == "mode" || k == "enabled" || k == "behavior");
                let mut at: Vec<&str> = errors.errors().iter().map(|e| e.path.as_str()).collect();
                at.dedup();
                if !switch {
                    assert_eq!(
                        at.len(),
                        errors.len(),
                        "{name} = {bad:.60}: two errors for one field:\n{shown}"
                    );
                    let inside = |e: &sitechat_core::config::ConfigError| {
                        e.path.starts_with(&format!("{name}["))
                            || e.path.starts_with(&format!("{name}."))
                    };
                    assert!(
                        errors.len() == 1 || errors.errors().iter().all(inside),
                        "{name} = {bad:.60}:\n{shown}"
                    );
                }
            }
        }
    }
    assert!(cells > 400 && refused > 300, "{cells} cells, {refused} refused");
}

// ---------------------------------------------------------------------------------
// Protocol
// ---------------------------------------------------------------------------------

fn check_frames(
    direction: &str,
    frames: &[Value],
    decode: impl Fn(&str) -> Result<(), (String, String)>,
) -> usize {
    let mut refused = 0;
    for frame in frames {
        let text = frame.to_string();
        assert_eq!(decode(&text), Ok(()), "{direction}: the example decodes: {text}");
        let kind = frame["type"].as_str().expect("a type").to_owned();
        let mut paths = Vec::new();
        let mut body = frame.clone();
        if let Some(map) = body.as_object_mut() {
            map.remove("type");
        }
        leaves(&body, &mut Vec::new(), &mut paths);
        for path in paths {
            let name = spelled(&kind, &path);
            for bad in bad_values() {
                let mut doc = frame.clone();
                set(&mut doc, &path, bad.clone());
                let Err((at, message)) = decode(&doc.to_string()) else { continue };
                refused += 1;
                let inside = at == name
                    || at.starts_with(&format!("{name}["))
                    || at.starts_with(&format!("{name}."));
                assert!(
                    inside,
                    "{direction} {name} = {bad:.60}: the error names another field: {message}"
                );
                assert!(message.chars().count() < 300, "{direction} {name}: message too long");
            }
        }
        // The frame as a whole: not an object, no type, unknown type.
        for whole in [
            json!([]),
            json!("x"),
            json!({}),
            json!({"type": 7}),
            json!({"type": "x".repeat(10_000)}),
        ] {
            let Err((_, message)) = decode(&whole.to_string()) else {
                panic!("{direction}: {whole:.60} decoded")
            };
            assert!(message.chars().count() < 300);
        }
    }
    refused
}

fn as_result<T, E: std::fmt::Display>(
    r: Result<T, E>,
    path: impl Fn(&E) -> String,
) -> Result<(), (String, String)> {
    r.map(|_| ()).map_err(|e| (path(&e), e.to_string()))
}

fn msg() -> Value {
    json!({ "id": "m1", "seq": 1, "client_id": "k1", "author": { "kind": "agent", "name": "Ana", "avatar_url": "https://a.example/a.png" },
            "text": "hi", "attachments": [{ "id": "f1", "name": "a.pdf", "mime": "application/pdf", "size": 3, "url": "https://a.example/f1" }],
            "quick_replies": [{ "label": "Yes", "value": "yes" }], "collect_input": true, "at": 1 })
}

#[test]
fn every_field_of_every_visitor_frame_with_a_bad_value_is_named() {
    let commands = [
        json!({"type": "hello", "session_token": "st", "protocol": 1, "page_url": "https://a.example/", "locale": "fr",
               "resume": [{"conversation_id": "c1", "after_seq": 1}]}),
        json!({"type": "send_message", "conversation_id": "c1", "client_id": "k1", "text": "hi",
               "attachments": [{"id": "f1", "name": "a.pdf", "mime": "application/pdf", "size": 3}], "quick_reply": "q", "page_url": "/p"}),
        json!({"type": "catch_up", "conversation_id": "c1", "after_seq": 3}),
        json!({"type": "typing", "conversation_id": "c1", "typing": true}),
        json!({"type": "mark_read", "conversation_id": "c1", "up_to_seq": 3}),
        json!({"type": "request_transcript", "conversation_id": "c1", "email": "a@b.example"}),
        json!({"type": "ping", "nonce": 1}),
    ];
    let events = [
        json!({"type": "welcome", "session_token": "st", "visitor_id": "v1", "team_available": true, "server_time": 1}),
        json!({"type": "conversation_started", "conversation_id": "c1", "client_id": "k1"}),
        json!({"type": "ack", "client_id": "k1", "conversation_id": "c1", "message_id": "m1", "seq": 1, "at": 1}),
        json!({"type": "message", "conversation_id": "c1", "message": msg()}),
        json!({"type": "history", "conversation_id": "c1", "messages": [msg()], "complete": true}),
        json!({"type": "typing", "conversation_id": "c1", "author_name": "Ana", "typing": true}),
        json!({"type": "presence", "team_available": false}),
        json!({"type": "conversation_ended", "conversation_id": "c1", "reason": "agent"}),
        json!({"type": "transcript_requested", "conversation_id": "c1", "email": "a@b.example"}),
        json!({"type": "error", "code": "too_large", "message": "too big", "client_id": "k1"}),
        json!({"type": "pong", "nonce": 1}),
    ];
    let a = check_frames("visitor → server", &commands, |t| {
        as_result(ClientCommand::decode(t), |e| e.path().to_owned())
    });
    let b = check_frames("server → visitor", &events, |t| {
        as_result(ServerEvent::decode(t), |e| e.path().to_owned())
    });
    assert!(a > 100 && b > 150, "{a} and {b} refusals");
}

#[test]
fn every_field_of_every_agent_frame_with_a_bad_value_is_named() {
    let summary = json!({"id": "c1", "visitor_id": "v1", "status": "open", "end_reason": null, "page_url": "https://a.example/",
                         "assignee": "a1", "unread": 2, "last_seq": 5, "preview": "hi", "created_at": 1, "last_activity_at": 2});
    let agent = json!({"id": "a1", "name": "Ann", "email": "ann@example.com", "status": "away", "online": true});
    let commands = [
        json!({"type": "list_conversations"}),
        json!({"type": "open_conversation", "conversation_id": "c1"}),
        json!({"type": "assign", "conversation_id": "c1", "agent_id": "a1"}),
        json!({"type": "send_message", "conversation_id": "c1", "client_id": "i1", "text": "hi",
               "attachments": [{"id": "f1", "name": "a.pdf", "mime": "application/pdf", "size": 3}]}),
        json!({"type": "typing", "conversation_id": "c1", "typing": true}),
        json!({"type": "mark_read", "conversation_id": "c1", "up_to_seq": 7}),
        json!({"type": "set_status", "status": "available"}),
        json!({"type": "close_conversation", "conversation_id": "c1"}),
        json!({"type": "send_transcript", "conversation_id": "c1", "email": "a@b.example"}),
        json!({"type": "ping", "nonce": 1}),
    ];
    let events = [
        json!({"type": "ready", "agent": agent, "team": [agent], "team_available": false}),
        json!({"type": "conversations", "conversations": [summary]}),
        json!({"type": "conversation", "conversation": summary, "messages": [msg()], "complete": true}),
        json!({"type": "conversation_updated", "conversation": summary}),
        json!({"type": "message", "conversation_id": "c1", "message": msg()}),
        json!({"type": "ack", "client_id": "i1", "conversation_id": "c1", "message_id": "m1", "seq": 2, "at": 1}),
        json!({"type": "visitor_typing", "conversation_id": "c1", "typing": true}),
        json!({"type": "agent_typing", "conversation_id": "c1", "agent_id": "a1", "typing": true}),
        json!({"type": "agent_updated", "agent": agent}),
        json!({"type": "team_presence", "team_available": true}),
        json!({"type": "transcript_queued", "conversation_id": "c1", "email": "a@b.example"}),
        json!({"type": "error", "code": "not_found", "message": "no such conversation", "client_id": null}),
        json!({"type": "pong", "nonce": 1}),
    ];
    let a = check_frames("inbox → server", &commands, |t| {
        as_result(AgentCommand::decode(t), |e| e.path().to_owned())
    });
    let b = check_frames("server → inbox", &events, |t| {
        as_result(AgentEvent::decode(t), |e| e.path().to_owned())
    });
    assert!(a > 80 && b > 200, "{a} and {b} refusals");
}
