//! The visitor protocol over a real socket: isolation, de-duplication, catch-up,
//! limits, and surviving a restart.

mod common;

use common::{TestServer, Visitor};
use sitechat_core::protocol::{ClientCommand, ErrorCode, ResumePoint, ServerEvent};

fn error_code(e: ServerEvent) -> Option<(ErrorCode, Option<String>)> {
    match e {
        ServerEvent::Error { code, client_id, .. } => Some((code, client_id.map(String::from))),
        _ => None,
    }
}

#[tokio::test]
async fn a_visitor_cannot_read_or_write_another_visitors_conversation() {
    let t = TestServer::start().await;
    let mut a = t.visitor().await;
    let mut b = t.visitor().await;
    assert_ne!(a.visitor_id, b.visitor_id);
    let (conv_a, _) = a.say(None, "a-1", "secret of A").await;

    b.send(&ClientCommand::CatchUp { conversation_id: conv_a.clone(), after_seq: 0 }).await;
    assert_eq!(b.recv_until(error_code).await.0, ErrorCode::NotFound);

    b.send(&ClientCommand::SendMessage {
        conversation_id: Some(conv_a.clone()),
        client_id: "b-1".into(),
        text: "intrusion".into(),
        attachments: vec![],
        quick_reply: None,
        page_url: None,
    })
    .await;
    assert_eq!(b.recv_until(error_code).await, (ErrorCode::NotFound, Some("b-1".to_owned())));

    b.send(&ClientCommand::RequestTranscript {
        conversation_id: conv_a.clone(),
        email: "b@example.com".into(),
    })
    .await;
    assert_eq!(b.recv_until(error_code).await.0, ErrorCode::NotFound);

    // A's conversation is untouched and A saw nothing of B.
    a.send(&ClientCommand::CatchUp { conversation_id: conv_a.clone(), after_seq: 0 }).await;
    let messages = a
        .recv_until(|e| match e {
            ServerEvent::History { messages, .. } => Some(messages),
            _ => None,
        })
        .await;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].text, "secret of A");
}

#[tokio::test]
async fn a_repeated_client_id_is_stored_once_and_acked_the_same() {
    let t = TestServer::start().await;
    let mut v = t.visitor().await;
    let (conv, seq1) = v.say(None, "dup-1", "hello").await;
    let (conv_again, seq_again) = v.say(None, "dup-1", "hello").await;
    assert_eq!((conv.clone(), seq1), (conv_again, seq_again));
    let (_, seq2) = v.say(Some(&conv), "dup-2", "second").await;
    assert_eq!(seq2, seq1 + 1);

    v.send(&ClientCommand::CatchUp { conversation_id: conv, after_seq: 0 }).await;
    let messages = v
        .recv_until(|e| match e {
            ServerEvent::History { messages, .. } => Some(messages),
            _ => None,
        })
        .await;
    let texts: Vec<_> = messages.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts, ["hello", "second"]);
}

#[tokio::test]
async fn catch_up_returns_exactly_the_missed_messages() {
    let t = TestServer::start().await;
    let mut v = t.visitor().await;
    let (conv, _) = v.say(None, "m1", "one").await;
    for (i, text) in ["two", "three", "four"].iter().enumerate() {
        v.say(Some(&conv), &format!("m{}", i + 2), text).await;
    }
    v.send(&ClientCommand::CatchUp { conversation_id: conv.clone(), after_seq: 2 }).await;
    let (messages, complete) = v
        .recv_until(|e| match e {
            ServerEvent::History { messages, complete, .. } => Some((messages, complete)),
            _ => None,
        })
        .await;
    assert!(complete);
    let got: Vec<_> = messages.iter().map(|m| (m.seq, m.text.as_str())).collect();
    assert_eq!(got, [(3, "three"), (4, "four")]);
}

#[tokio::test]
async fn oversized_and_malformed_frames_get_errors_and_the_socket_keeps_working() {
    let t = TestServer::start().await;
    let mut v = t.visitor().await;
    v.send_raw(format!(r#"{{"type":"ping","nonce":1,"pad":"{}"}}"#, "x".repeat(100_000))).await;
    assert_eq!(v.recv_until(error_code).await.0, ErrorCode::TooLarge);

    let long_text = "y".repeat(10_001);
    v.send_raw(format!(
        r#"{{"type":"send_message","conversation_id":null,"client_id":"big","text":"{long_text}"}}"#
    ))
    .await;
    assert_eq!(v.recv_until(error_code).await, (ErrorCode::TooLarge, Some("big".to_owned())));

    v.send_raw(r#"{"type":"typing","conversation_id":"c1"}"#.into()).await;
    match v.recv().await {
        ServerEvent::Error { code, message, .. } => {
            assert_eq!(code, ErrorCode::BadRequest);
            assert_eq!(message, "typing.typing: missing");
        }
        other => panic!("{other:?}"),
    }
    v.send_raw("not json".into()).await;
    assert_eq!(v.recv_until(error_code).await.0, ErrorCode::BadRequest);

    v.send(&ClientCommand::Ping { nonce: 42 }).await;
    assert_eq!(v.recv().await, ServerEvent::Pong { nonce: 42 });
}

#[tokio::test]
async fn a_flood_is_rate_limited() {
    let t = TestServer::start_with(|c| {
        c.visitor_rate_per_sec = 1.0;
        c.visitor_rate_burst = 3.0;
    })
    .await;
    let mut v = t.visitor().await;
    for nonce in 0..6 {
        v.send(&ClientCommand::Ping { nonce }).await;
    }
    let mut pongs = 0;
    let mut limited = 0;
    for _ in 0..6 {
        match v.recv().await {
            ServerEvent::Pong { .. } => pongs += 1,
            ServerEvent::Error { code: ErrorCode::RateLimited, .. } => limited += 1,
            other => panic!("{other:?}"),
        }
    }
    // hello took one token of the burst of three.
    assert_eq!((pongs, limited), (2, 4));
}

#[tokio::test]
async fn after_a_restart_the_visitor_resumes_with_its_token_and_nothing_is_lost_or_doubled() {
    let mut t = TestServer::start().await;
    let mut v = t.visitor().await;
    let (conv, _) = v.say(None, "r1", "before restart").await;
    v.say(Some(&conv), "r2", "second").await;
    let token = v.token.clone();
    let visitor_id = v.visitor_id.clone();
    drop(v);
    t.restart().await;

    let resume = vec![ResumePoint { conversation_id: conv.clone(), after_seq: 0 }];
    let mut v = Visitor::connect_resuming(t.addr(), Some(token.clone()), resume).await;
    assert_eq!(v.token, token);
    assert_eq!(v.visitor_id, visitor_id);
    let messages = v
        .recv_until(|e| match e {
            ServerEvent::History { messages, .. } => Some(messages),
            _ => None,
        })
        .await;
    let got: Vec<_> = messages.iter().map(|m| (m.seq, m.text.as_str())).collect();
    assert_eq!(got, [(1, "before restart"), (2, "second")]);

    // A retry of a message sent before the restart is still recognised.
    let (_, seq) = v.say(Some(&conv), "r2", "second").await;
    assert_eq!(seq, 2);
    let (_, seq) = v.say(Some(&conv), "r3", "third").await;
    assert_eq!(seq, 3);
}

#[tokio::test]
async fn commands_before_hello_are_refused_and_an_unknown_token_gets_a_new_session() {
    let t = TestServer::start().await;
    let (mut ws, _) =
        tokio_tungstenite::connect_async(format!("ws://{}/ws/visitor", t.addr())).await.unwrap();
    use futures_util::{SinkExt, StreamExt};
    let frame = ClientCommand::CatchUp { conversation_id: "c".into(), after_seq: 0 }.encode();
    ws.send(tokio_tungstenite::tungstenite::Message::Text(frame.into())).await.unwrap();
    let reply = ws.next().await.unwrap().unwrap().into_text().unwrap().to_string();
    assert!(
        matches!(ServerEvent::decode(&reply), Ok(ServerEvent::Error { code, .. }) if code == ErrorCode::Unauthorized)
    );

    let v = Visitor::connect(t.addr(), Some("forged-token".into())).await;
    assert_ne!(v.token, "forged-token");
    assert_eq!(v.token.len(), 43);
}

#[tokio::test]
async fn the_rate_limit_is_shared_by_a_visitors_sockets() {
    let t = TestServer::start_with(|c| {
        c.visitor_rate_per_sec = 0.01;
        c.visitor_rate_burst = 4.0;
    })
    .await;
    // Socket A spends three of the visitor's four frames (its hello is its own).
    let mut a = t.visitor().await;
    for nonce in 0..3 {
        a.send(&ClientCommand::Ping { nonce }).await;
        assert!(matches!(a.recv().await, ServerEvent::Pong { .. }));
    }
    // A second socket of the same visitor has one left, not a fresh burst.
    let mut b = common::Visitor::connect(t.addr(), Some(a.token.clone())).await;
    b.send(&ClientCommand::Ping { nonce: 10 }).await;
    b.send(&ClientCommand::Ping { nonce: 11 }).await;
    assert!(matches!(b.recv().await, ServerEvent::Pong { nonce: 10 }));
    match b.recv().await {
        ServerEvent::Error { code, .. } => assert_eq!(code, ErrorCode::RateLimited),
        other => panic!("{other:?}"),
    }
}
