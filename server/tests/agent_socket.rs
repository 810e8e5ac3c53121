//! The agent protocol over a real socket, and what the visitor sees of it.

mod common;

use std::time::Duration;

use common::{http, login, TestServer, PASSWORD};
use sitechat_core::protocol::agent::{AgentCommand, AgentEvent, AgentStatus, ConversationStatus};
use sitechat_core::protocol::{AuthorKind, ClientCommand, EndReason, ErrorCode, ServerEvent};

#[tokio::test]
async fn the_agent_socket_refuses_requests_without_a_session() {
    let t = TestServer::start().await;
    t.add_agent("ann@example.com", "Ann");
    let refused = tokio_tungstenite::connect_async(format!("ws://{}/ws/agent", t.addr())).await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => assert_eq!(r.status(), 401),
        other => panic!("expected a 401, got {other:?}"),
    }
    let plain =
        http(t.addr(), "GET", "/ws/agent", &[("Cookie", "sitechat_agent=forged")], b"").await;
    assert_ne!(plain.status, 101);
    assert_eq!(login(t.addr(), "ann@example.com", "wrong password").await, None);
    assert_eq!(login(t.addr(), "nobody@example.com", PASSWORD).await, None);
    let me = http(t.addr(), "GET", "/api/agent/me", &[], b"").await;
    assert_eq!(me.status, 401);
    assert!(me.text().contains(r#""error":"unauthorized""#));
}

#[tokio::test]
async fn an_agent_reply_reaches_the_visitor_and_the_list_shows_unread() {
    let t = TestServer::start().await;
    let ann_id = t.add_agent("ann@example.com", "Ann");
    let mut ann = t.agent("ann@example.com").await;
    let mut v = t.visitor().await;
    let (conv, _) = v.say(None, "v1", "Is shipping free?").await;

    let summary = ann
        .recv_until(|e| match e {
            AgentEvent::ConversationUpdated { conversation } => Some(conversation),
            _ => None,
        })
        .await;
    assert_eq!(summary.id, conv);
    assert_eq!(summary.unread, 1);
    assert_eq!(summary.page_url, "https://shop.example/pricing");
    assert_eq!(summary.status, ConversationStatus::Open);

    ann.send(&AgentCommand::SendMessage {
        conversation_id: conv.clone(),
        client_id: "a1".into(),
        text: "Yes, over 50 euros.".into(),
        attachments: vec![],
    })
    .await;
    let seq = ann
        .recv_until(|e| match e {
            AgentEvent::Ack { client_id, seq, .. } if client_id == "a1" => Some(seq),
            _ => None,
        })
        .await;
    assert_eq!(seq, 2);

    let message = v
        .recv_until(|e| match e {
            ServerEvent::Message { message, .. } if message.author.kind == AuthorKind::Agent => {
                Some(message)
            }
            _ => None,
        })
        .await;
    assert_eq!(message.text, "Yes, over 50 euros.");
    assert_eq!(message.author.name.as_deref(), Some("Ann"));
    assert_eq!(message.seq, 2);

    ann.send(&AgentCommand::ListConversations).await;
    let list = ann
        .recv_until(|e| match e {
            AgentEvent::Conversations { conversations } => Some(conversations),
            _ => None,
        })
        .await;
    assert_eq!(list.len(), 1);
    // Replying took the unassigned conversation and read what came before.
    assert_eq!(list[0].assignee.as_deref(), Some(ann_id.as_str()));
    assert_eq!(list[0].unread, 0);
}

#[tokio::test]
async fn typing_goes_both_ways() {
    let t = TestServer::start().await;
    t.add_agent("ann@example.com", "Ann");
    let mut ann = t.agent("ann@example.com").await;
    let mut v = t.visitor().await;
    let (conv, _) = v.say(None, "v1", "hi").await;
    v.send(&ClientCommand::Typing { conversation_id: conv.clone(), typing: true }).await;
    let typing = ann
        .recv_until(|e| match e {
            AgentEvent::VisitorTyping { conversation_id, typing } => {
                Some((conversation_id, typing))
            }
            _ => None,
        })
        .await;
    assert_eq!(typing, (conv.clone(), true));
    ann.send(&AgentCommand::Typing { conversation_id: conv.clone(), typing: true }).await;
    let name = v
        .recv_until(|e| match e {
            ServerEvent::Typing { author_name, typing: true, .. } => Some(author_name),
            _ => None,
        })
        .await;
    assert_eq!(name.as_deref(), Some("Ann"));
}

#[tokio::test]
async fn an_agent_status_change_pushes_presence_to_visitors() {
    let t = TestServer::start().await;
    t.add_agent("ann@example.com", "Ann");
    let mut v = t.visitor().await;
    assert!(!v.team_available);
    let mut ann = t.agent("ann@example.com").await;
    ann.send(&AgentCommand::SetStatus { status: AgentStatus::Available }).await;
    assert_eq!(v.recv().await, ServerEvent::Presence { team_available: true });
    let updated = ann
        .recv_until(|e| match e {
            AgentEvent::AgentUpdated { agent } if agent.status == AgentStatus::Available => {
                Some(agent)
            }
            _ => None,
        })
        .await;
    assert!(updated.online);

    // A visitor arriving now is told in its welcome.
    let late = t.visitor().await;
    assert!(late.team_available);

    ann.send(&AgentCommand::SetStatus { status: AgentStatus::Away }).await;
    assert_eq!(v.recv().await, ServerEvent::Presence { team_available: false });

    // Available but gone: closing the inbox makes the team unavailable.
    ann.send(&AgentCommand::SetStatus { status: AgentStatus::Available }).await;
    assert_eq!(v.recv().await, ServerEvent::Presence { team_available: true });
    drop(ann);
    assert_eq!(v.recv().await, ServerEvent::Presence { team_available: false });
}

#[tokio::test]
async fn closing_a_conversation_ends_it_for_the_visitor() {
    let t = TestServer::start().await;
    t.add_agent("ann@example.com", "Ann");
    let mut ann = t.agent("ann@example.com").await;
    let mut v = t.visitor().await;
    let (conv, _) = v.say(None, "v1", "bye").await;
    ann.send(&AgentCommand::CloseConversation { conversation_id: conv.clone() }).await;
    let ended = v
        .recv_until(|e| match e {
            ServerEvent::ConversationEnded { conversation_id, reason } => {
                Some((conversation_id, reason))
            }
            _ => None,
        })
        .await;
    assert_eq!(ended, (conv.clone(), EndReason::Agent));
    let summary = ann
        .recv_until(|e| match e {
            AgentEvent::ConversationUpdated { conversation }
                if conversation.status == ConversationStatus::Ended =>
            {
                Some(conversation)
            }
            _ => None,
        })
        .await;
    assert_eq!(summary.end_reason, Some(EndReason::Agent));

    v.send(&ClientCommand::SendMessage {
        conversation_id: Some(conv),
        client_id: "v2".into(),
        text: "one more thing".into(),
        attachments: vec![],
        quick_reply: None,
        page_url: None,
    })
    .await;
    let code = v
        .recv_until(|e| match e {
            ServerEvent::Error { code, .. } => Some(code),
            _ => None,
        })
        .await;
    assert_eq!(code, ErrorCode::ConversationEnded);
}

#[tokio::test]
async fn an_idle_conversation_ends_for_inactivity() {
    let t = TestServer::start_with(|c| {
        c.inactivity_timeout = Some(Duration::from_millis(600));
    })
    .await;
    let mut v = t.visitor().await;
    let (conv, _) = v.say(None, "v1", "anyone?").await;
    let ended = v
        .recv_until(|e| match e {
            ServerEvent::ConversationEnded { conversation_id, reason } => {
                Some((conversation_id, reason))
            }
            _ => None,
        })
        .await;
    assert_eq!(ended, (conv, EndReason::Inactivity));
}

fn read_mails(dir: &std::path::Path) -> Vec<String> {
    let mut mails: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                .collect()
        })
        .unwrap_or_default();
    mails.sort();
    mails
}

#[tokio::test]
async fn transcripts_reach_the_smtp_sink_with_every_message() {
    let mail_dir = tempfile::tempdir().unwrap();
    let sink = sitechat_server::mail::smtp_sink::SmtpSink::start(
        "127.0.0.1:0".parse().unwrap(),
        mail_dir.path(),
    )
    .await
    .unwrap();
    let port = sink.addr.port();
    let t = TestServer::start_with(|c| {
        c.smtp = Some(sitechat_server::app::SmtpConfig {
            host: "127.0.0.1".into(),
            port,
            from: "chat@example.com".into(),
        });
        c.site_config = serde_json::json!({ "options": { "transcript_auto_send": true } });
    })
    .await;
    t.add_agent("ann@example.com", "Ann");
    let mut ann = t.agent("ann@example.com").await;
    let mut v = t.visitor().await;
    let (conv, _) = v.say(None, "v1", "Where is my order 1234?").await;
    ann.send(&AgentCommand::SendMessage {
        conversation_id: conv.clone(),
        client_id: "a1".into(),
        text: "It ships tomorrow.".into(),
        attachments: vec![],
    })
    .await;
    v.recv_until(|e| {
        matches!(e, ServerEvent::Message { message, .. } if message.seq == 2).then_some(())
    })
    .await;

    // On demand from the widget.
    v.send(&ClientCommand::RequestTranscript {
        conversation_id: conv.clone(),
        email: "vis@example.com".into(),
    })
    .await;
    let confirmed = v
        .recv_until(|e| match e {
            ServerEvent::TranscriptRequested { email, .. } => Some(email),
            _ => None,
        })
        .await;
    assert_eq!(confirmed, "vis@example.com");
    assert!(common::eventually(|| read_mails(mail_dir.path()).len() == 1).await);
    let mail = &read_mails(mail_dir.path())[0];
    assert!(mail.contains("To: vis@example.com"), "{mail}");
    assert!(mail.contains("Where is my order 1234?"), "{mail}");
    assert!(mail.contains("It ships tomorrow."), "{mail}");
    assert!(mail.contains("Ann:"), "{mail}");
    assert!(mail.contains("https://shop.example/pricing"), "{mail}");

    // From the inbox, and automatically at the end (the address is now known).
    ann.send(&AgentCommand::SendTranscript {
        conversation_id: conv.clone(),
        email: "boss@example.com".into(),
    })
    .await;
    ann.recv_until(|e| matches!(e, AgentEvent::TranscriptQueued { .. }).then_some(())).await;
    ann.send(&AgentCommand::CloseConversation { conversation_id: conv }).await;
    assert!(common::eventually(|| read_mails(mail_dir.path()).len() == 3).await);
    let all = read_mails(mail_dir.path()).join("\n");
    assert!(all.contains("To: boss@example.com"));
    assert_eq!(all.matches("To: vis@example.com").count(), 2);
    sink.stop();
}

#[tokio::test]
async fn mails_wait_in_the_outbox_while_smtp_is_down_and_go_out_later() {
    // Reserve a port, then free it: nothing listens there at first.
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = probe.local_addr().unwrap();
    drop(probe);
    let t = TestServer::start_with(|c| {
        c.smtp = Some(sitechat_server::app::SmtpConfig {
            host: "127.0.0.1".into(),
            port: addr.port(),
            from: "chat@example.com".into(),
        });
    })
    .await;
    let mut v = t.visitor().await;
    let (conv, _) = v.say(None, "v1", "retry me").await;
    v.send(&ClientCommand::RequestTranscript {
        conversation_id: conv,
        email: "vis@example.com".into(),
    })
    .await;
    v.recv_until(|e| matches!(e, ServerEvent::TranscriptRequested { .. }).then_some(())).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let db = t.server().app.db.clone();
    let pending = db.call(|c| sitechat_server::db::outbox::pending_count(c)).await.unwrap();
    assert_eq!(pending, 1);

    let mail_dir = tempfile::tempdir().unwrap();
    let sink =
        sitechat_server::mail::smtp_sink::SmtpSink::start(addr, mail_dir.path()).await.unwrap();
    assert!(common::eventually(|| read_mails(mail_dir.path()).len() == 1).await);
    assert!(read_mails(mail_dir.path())[0].contains("retry me"));
    sink.stop();
}

#[tokio::test]
async fn visitors_see_each_other_never_but_agents_see_everyone() {
    let t = TestServer::start().await;
    t.add_agent("ann@example.com", "Ann");
    let mut a = t.visitor().await;
    let mut b = t.visitor().await;
    a.say(None, "a1", "from A").await;
    b.say(None, "b1", "from B").await;
    // A received only its own echo.
    assert!(a.silent_for(Duration::from_millis(150)).await);
    let mut ann = t.agent("ann@example.com").await;
    ann.send(&AgentCommand::ListConversations).await;
    let list = ann
        .recv_until(|e| match e {
            AgentEvent::Conversations { conversations } => Some(conversations),
            _ => None,
        })
        .await;
    assert_eq!(list.len(), 2);
    // Newest activity first.
    assert_eq!(list[0].preview, "from B");
}

#[tokio::test]
async fn the_inbox_socket_closes_when_its_session_expires() {
    use futures_util::StreamExt;
    let t = TestServer::start().await;
    t.add_agent("ann@example.com", "Ann");
    let cookie = login(t.addr(), "ann@example.com", PASSWORD).await.unwrap();
    // The session ends in 1.5 s (instead of 30 days).
    let soon = sitechat_server::clock::now_ms() + 1500;
    t.server()
        .app
        .db
        .call_blocking(move |c| {
            c.execute("UPDATE agent_sessions SET expires_at = ?1", [soon])?;
            Ok(())
        })
        .unwrap();
    let mut agent = common::Agent::connect(t.addr(), &cookie).await;
    let mut last_error = None;
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(Ok(frame)) = agent.ws.next().await {
            if let Ok(text) = frame.to_text() {
                if let Ok(AgentEvent::Error { code, .. }) = AgentEvent::decode(text) {
                    last_error = Some(code);
                }
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the socket outlived its session");
    assert_eq!(last_error, Some(ErrorCode::Unauthorized));
}
