use super::limits::{MAX_ATTACHMENTS, MAX_QUICK_REPLIES, MAX_TEXT_CHARS};
use super::*;

fn wire_message(seq: u64) -> WireMessage {
    WireMessage {
        id: format!("m{seq}").into(),
        seq,
        client_id: None,
        author: Author { kind: AuthorKind::Bot, name: Some("Robo".into()), avatar_url: None },
        text: "Pick one".into(),
        attachments: vec![Attachment {
            id: "a1".into(),
            name: "menu.pdf".into(),
            mime: "application/pdf".into(),
            size: 1234,
            url: "https://cdn.example/a1".into(),
        }],
        quick_replies: vec![QuickReply { label: "Sales".into(), value: "sales".into() }],
        collect_input: false,
        at: 1_700_000_000_000,
    }
}

fn every_command() -> Vec<ClientCommand> {
    vec![
        ClientCommand::Hello {
            session_token: Some("tok".into()),
            protocol: PROTOCOL_VERSION,
            page_url: "https://shop.example/pricing".into(),
            locale: "fr-FR".into(),
            resume: vec![ResumePoint { conversation_id: "c1".into(), after_seq: 4 }],
        },
        ClientCommand::SendMessage {
            conversation_id: None,
            client_id: "k1".into(),
            text: "Hi".into(),
            attachments: vec![AttachmentRef {
                id: "a1".into(),
                name: "x.png".into(),
                mime: "image/png".into(),
                size: 9,
            }],
            quick_reply: Some("sales".into()),
            page_url: Some("https://shop.example/".into()),
        },
        ClientCommand::CatchUp { conversation_id: "c1".into(), after_seq: 3 },
        ClientCommand::Typing { conversation_id: "c1".into(), typing: true },
        ClientCommand::MarkRead { conversation_id: "c1".into(), up_to_seq: 9 },
        ClientCommand::RequestTranscript {
            conversation_id: "c1".into(),
            email: "a@b.example".into(),
        },
        ClientCommand::Ping { nonce: u64::MAX },
    ]
}

fn every_event() -> Vec<ServerEvent> {
    vec![
        ServerEvent::Welcome {
            session_token: "tok".into(),
            visitor_id: "v1".into(),
            team_available: true,
            server_time: -5,
        },
        ServerEvent::ConversationStarted { conversation_id: "c1".into(), client_id: "k1".into() },
        ServerEvent::Ack {
            client_id: "k1".into(),
            conversation_id: "c1".into(),
            message_id: "m1".into(),
            seq: 1,
            at: 10,
        },
        ServerEvent::Message { conversation_id: "c1".into(), message: wire_message(2) },
        ServerEvent::History {
            conversation_id: "c1".into(),
            messages: vec![wire_message(3), wire_message(4)],
            complete: false,
        },
        ServerEvent::Typing { conversation_id: "c1".into(), author_name: None, typing: false },
        ServerEvent::Presence { team_available: false },
        ServerEvent::ConversationEnded {
            conversation_id: "c1".into(),
            reason: EndReason::Inactivity,
        },
        ServerEvent::TranscriptRequested {
            conversation_id: "c1".into(),
            email: "a@b.example".into(),
        },
        ServerEvent::Error {
            code: ErrorCode::RateLimited,
            message: "slow down".into(),
            client_id: Some("k2".into()),
        },
        ServerEvent::Pong { nonce: 1 },
        ServerEvent::Read { conversation_id: "c1".into(), up_to_seq: 3 },
    ]
}

#[test]
fn every_command_round_trips_and_is_tagged_with_its_type_name() {
    for c in every_command() {
        let json = c.encode();
        assert!(json.starts_with(&format!("{{\"type\":\"{}\"", c.type_name())), "{json}");
        assert_eq!(ClientCommand::decode(&json), Ok(c));
    }
}

#[test]
fn every_event_round_trips_and_is_tagged_with_its_type_name() {
    for e in every_event() {
        let json = e.encode();
        assert!(json.starts_with(&format!("{{\"type\":\"{}\"", e.type_name())), "{json}");
        assert_eq!(ServerEvent::decode(&json), Ok(e));
    }
}

#[test]
fn wrong_type_names_the_nested_path() {
    let json = r#"{"type":"message","conversation_id":"c1","message":{"id":"m1","seq":"7",
        "author":{"kind":"agent"},"text":"hi","at":1}}"#;
    let err = ServerEvent::decode(json).unwrap_err();
    assert_eq!(err.to_string(), "message.message.seq: expected an unsigned integer");
    assert_eq!(err.path(), "message.message.seq");
}

#[test]
fn negative_and_fractional_numbers_are_not_seqs() {
    for seq in ["-1", "1.5", "true"] {
        let json = format!(r#"{{"type":"catch_up","conversation_id":"c","after_seq":{seq}}}"#);
        let err = ClientCommand::decode(&json).unwrap_err();
        assert_eq!(err.to_string(), "catch_up.after_seq: expected an unsigned integer");
    }
}

#[test]
fn list_items_are_named_by_index() {
    let json = r#"{"type":"history","conversation_id":"c1","complete":true,"messages":[
        {"id":"m1","seq":1,"author":{"kind":"agent"},"text":"a","at":1},
        {"id":"m2","seq":2,"author":{"kind":"robot"},"text":"b","at":2}]}"#;
    let err = ServerEvent::decode(json).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"history.messages[1].author.kind: expected one of "visitor", "agent", "bot", "system""#
    );
}

#[test]
fn unknown_type_missing_type_and_not_json_are_errors() {
    assert_eq!(
        ServerEvent::decode(r#"{"type":"foo"}"#).unwrap_err().to_string(),
        r#"unknown event type "foo""#
    );
    assert_eq!(
        ClientCommand::decode(r#"{"type":"welcome"}"#).unwrap_err().to_string(),
        r#"unknown command type "welcome""#
    );
    assert_eq!(ServerEvent::decode(r#"{"nonce":1}"#).unwrap_err().problem(), &Problem::MissingType);
    assert_eq!(
        ServerEvent::decode(r#"{"type":3}"#).unwrap_err().to_string(),
        "type: expected a string"
    );
    assert_eq!(ServerEvent::decode("[1,2]").unwrap_err().problem(), &Problem::NotAnObject);
    let not_json = ServerEvent::decode("{\"type\":").unwrap_err();
    assert!(matches!(not_json.problem(), Problem::NotJson { .. }));
    assert!(not_json.to_string().starts_with("not JSON: "), "{not_json}");
}

#[test]
fn an_unknown_type_name_is_cut_short_in_the_error() {
    let long = "x".repeat(10_000);
    let err = ServerEvent::decode(&format!(r#"{{"type":"{long}"}}"#)).unwrap_err();
    assert!(err.to_string().len() < 120, "{err}");
}

#[test]
fn missing_required_field_is_named() {
    let err = ServerEvent::decode(
        r#"{"type":"ack","client_id":"k","conversation_id":"c","seq":1,"at":2}"#,
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "ack.message_id: missing");
    let null = ServerEvent::decode(r#"{"type":"pong","nonce":null}"#).unwrap_err();
    assert_eq!(null.to_string(), "pong.nonce: missing");
}

#[test]
fn optional_fields_and_lists_may_be_absent_or_null_and_extra_fields_are_ignored() {
    let json = r#"{"type":"send_message","client_id":"k1","text":"hi","conversation_id":null,
        "future_field":{"x":1}}"#;
    assert_eq!(
        ClientCommand::decode(json),
        Ok(ClientCommand::SendMessage {
            conversation_id: None,
            client_id: "k1".into(),
            text: "hi".into(),
            attachments: vec![],
            quick_reply: None,
            page_url: None,
        })
    );
    let msg = r#"{"type":"message","conversation_id":"c","message":{"id":"m","seq":1,
        "author":{"kind":"agent"},"text":"x","at":0}}"#;
    match ServerEvent::decode(msg) {
        Ok(ServerEvent::Message { message, .. }) => {
            assert!(message.collect_input, "absent collect_input means the visitor may type");
            assert!(message.quick_replies.is_empty());
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn empty_ids_are_refused() {
    let err =
        ClientCommand::decode(r#"{"type":"send_message","client_id":"","text":"hi"}"#).unwrap_err();
    assert_eq!(err.to_string(), "send_message.client_id: must not be empty");
}

#[test]
fn limits_are_enforced_while_decoding() {
    let long = "é".repeat(MAX_TEXT_CHARS + 1);
    let err = ClientCommand::decode(&format!(
        r#"{{"type":"send_message","client_id":"k","text":"{long}"}}"#
    ))
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("send_message.text: longer than {MAX_TEXT_CHARS} characters")
    );

    let at_limit = "é".repeat(MAX_TEXT_CHARS);
    assert!(ClientCommand::decode(&format!(
        r#"{{"type":"send_message","client_id":"k","text":"{at_limit}"}}"#
    ))
    .is_ok());

    let att = r#"{"id":"a","name":"n","mime":"m","size":1}"#;
    let atts = [att; MAX_ATTACHMENTS + 1].join(",");
    let err = ClientCommand::decode(&format!(
        r#"{{"type":"send_message","client_id":"k","text":"","attachments":[{atts}]}}"#
    ))
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("send_message.attachments: more than {MAX_ATTACHMENTS} items")
    );

    let qr = r#"{"label":"l","value":"v"}"#;
    let qrs = [qr; MAX_QUICK_REPLIES + 1].join(",");
    let err = ServerEvent::decode(&format!(
        r#"{{"type":"message","conversation_id":"c","message":{{"id":"m","seq":1,
        "author":{{"kind":"bot"}},"text":"x","at":0,"quick_replies":[{qrs}]}}}}"#
    ))
    .unwrap_err();
    assert_eq!(err.path(), "message.message.quick_replies");

    let huge = " ".repeat(limits::MAX_FRAME_BYTES + 1);
    assert!(matches!(
        ServerEvent::decode(&huge).unwrap_err().problem(),
        Problem::FrameTooLarge { .. }
    ));
}

#[test]
fn protocol_version_must_fit_in_u32() {
    let err = ClientCommand::decode(
        r#"{"type":"hello","protocol":4294967296,"page_url":"p","locale":"en"}"#,
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "hello.protocol: expected an unsigned 32-bit integer");
}

#[test]
fn hostile_inputs_are_errors_not_panics() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let inputs = [
        "",
        "null",
        "\"type\"",
        "{\"type\":\"message\"}",
        "{\"type\":\"message\",\"conversation_id\":\"c\",\"message\":[]}",
        "{\"type\":\"history\",\"conversation_id\":\"c\",\"messages\":{},\"complete\":true}",
        "{\"type\":\"history\",\"conversation_id\":\"c\",\"messages\":[1],\"complete\":true}",
        "{\"type\":\"ack\",\"client_id\":\"k\",\"conversation_id\":\"c\",\"message_id\":\"m\",\"seq\":1,\"at\":1e400}",
        deep.as_str(),
    ];
    for input in inputs {
        assert!(ServerEvent::decode(input).is_err(), "{input:.40}");
        assert!(ClientCommand::decode(input).is_err(), "{input:.40}");
    }
}

/// Every ```json block of the protocol document must be a frame this crate decodes, so
/// the document cannot drift from the code.
#[test]
fn every_json_example_in_the_protocol_doc_decodes() {
    let doc = include_str!("../../../docs/protocol.md");
    let mut seen = std::collections::BTreeSet::new();
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        if line.trim() != "```json" {
            continue;
        }
        let block: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
        let json = block.join("\n");
        let as_command = ClientCommand::decode(&json);
        let as_event = ServerEvent::decode(&json);
        assert!(
            as_command.is_ok() || as_event.is_ok(),
            "doc example does not decode:\n{json}\ncommand: {:?}\nevent: {:?}",
            as_command.err().map(|e| e.to_string()),
            as_event.err().map(|e| e.to_string()),
        );
        if let Ok(c) = as_command {
            seen.insert(format!("command {}", c.type_name()));
        }
        if let Ok(e) = as_event {
            seen.insert(format!("event {}", e.type_name()));
        }
    }
    let missing: Vec<String> = every_command()
        .iter()
        .map(|c| format!("command {}", c.type_name()))
        .chain(every_event().iter().map(|e| format!("event {}", e.type_name())))
        .filter(|name| !seen.contains(name))
        .collect();
    assert!(missing.is_empty(), "frames without an example in the doc: {missing:?}");
}
