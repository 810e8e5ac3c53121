//! Hostile clients against the real server, beyond the everyday tests in the other
//! files: a visitor reaching for another's conversation through every frame, guessed
//! tokens and cookies, oversize frames, bodies and headers, slow and idle clients,
//! floods, disguised uploads, traversal in file names, and `kill -9` in the middle of
//! writes (the real binary, restarted on the same SQLite file).

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use common::{http, login, logout, HttpResponse, TestServer, Visitor, PASSWORD};
use futures_util::{SinkExt, StreamExt};
use sitechat_core::protocol::{ClientCommand, ConversationId, ErrorCode, ResumePoint, ServerEvent};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00";

fn error_of(e: ServerEvent) -> Option<(ErrorCode, Option<String>)> {
    match e {
        ServerEvent::Error { code, client_id, .. } => Some((code, client_id.map(String::from))),
        _ => None,
    }
}

fn send_message(conversation_id: Option<&str>, client_id: &str, text: &str) -> ClientCommand {
    ClientCommand::SendMessage {
        conversation_id: conversation_id.map(ConversationId::from),
        client_id: client_id.into(),
        text: text.into(),
        attachments: vec![],
        quick_reply: None,
        page_url: None,
    }
}

/// Every message of a conversation, following `complete: false` pages.
async fn full_history(
    v: &mut Visitor,
    conversation_id: &str,
) -> Vec<sitechat_core::protocol::WireMessage> {
    let mut all = Vec::new();
    loop {
        let after_seq = all.last().map_or(0, |m: &sitechat_core::protocol::WireMessage| m.seq);
        v.send(&ClientCommand::CatchUp { conversation_id: conversation_id.into(), after_seq })
            .await;
        let (messages, complete) = v
            .recv_until(|e| match e {
                ServerEvent::History { messages, complete, .. } => Some((messages, complete)),
                ServerEvent::Error { code, message, .. } => {
                    panic!("catch_up refused: {code} {message}")
                }
                _ => None,
            })
            .await;
        all.extend(messages);
        if complete {
            return all;
        }
    }
}

// ---------------------------------------------------------------------------------
// Authorization
// ---------------------------------------------------------------------------------

#[tokio::test]
async fn no_visitor_frame_reaches_into_another_visitors_conversation() {
    let t = TestServer::start().await;
    let mut a = t.visitor().await;
    let mut b = t.visitor().await;
    let (conv_a, _) = a.say(None, "a-1", "A's secret").await;

    // Every frame that names a conversation, aimed at A's.
    let attempts = [
        ClientCommand::Typing { conversation_id: conv_a.clone(), typing: true },
        ClientCommand::MarkRead { conversation_id: conv_a.clone(), up_to_seq: 99 },
        ClientCommand::CatchUp { conversation_id: conv_a.clone(), after_seq: 0 },
        ClientCommand::RequestTranscript {
            conversation_id: conv_a.clone(),
            email: "b@example.com".into(),
        },
        send_message(Some(&conv_a), "b-1", "let me in"),
    ];
    for attempt in &attempts {
        b.send(attempt).await;
        let (code, _) = b.recv_until(error_of).await;
        assert_eq!(code, ErrorCode::NotFound, "{} into A's conversation", attempt.type_name());
    }
    // Resuming A's conversation in a fresh hello with B's token is refused the same way.
    let mut b2 = Visitor::connect_resuming(
        t.addr(),
        Some(b.token.clone()),
        vec![ResumePoint { conversation_id: conv_a.clone(), after_seq: 0 }],
    )
    .await;
    assert_eq!(b2.recv_until(error_of).await.0, ErrorCode::NotFound);

    // A heard nothing of it, and A's conversation is exactly what A wrote.
    assert!(a.silent_for(Duration::from_millis(300)).await, "A received a frame caused by B");
    let messages = full_history(&mut a, &conv_a).await;
    assert_eq!(messages.iter().map(|m| m.text.as_str()).collect::<Vec<_>>(), ["A's secret"]);

    // And B's own traffic never reaches A's sockets.
    let (conv_b, _) = b.say(None, "b-2", "B's own").await;
    assert_ne!(conv_a, conv_b);
    assert!(a.silent_for(Duration::from_millis(300)).await, "B's echo reached A");
}

#[tokio::test]
async fn agent_endpoints_refuse_visitors_forged_cookies_ended_sessions_and_other_origins() {
    let t = TestServer::start().await;
    t.add_agent("ann@example.com", "Ann");
    let v = t.visitor().await;
    let agent_ws = |cookie: String, origin: Option<&'static str>| {
        let addr = t.addr();
        async move {
            let mut request = format!("ws://{addr}/ws/agent").into_client_request().unwrap();
            request.headers_mut().insert("cookie", cookie.parse().unwrap());
            if let Some(origin) = origin {
                request.headers_mut().insert("origin", origin.parse().unwrap());
            }
            match tokio_tungstenite::connect_async(request).await {
                Ok(_) => 101,
                Err(tokio_tungstenite::tungstenite::Error::Http(r)) => r.status().as_u16(),
                Err(e) => panic!("{e}"),
            }
        }
    };
    // A visitor's session token is not an agent session.
    assert_eq!(agent_ws(format!("sitechat_agent={}", v.token), None).await, 401);
    let me = http(
        t.addr(),
        "GET",
        "/api/agent/me",
        &[("Cookie", &format!("sitechat_agent={}", v.token))],
        b"",
    )
    .await;
    assert_eq!(me.status, 401);

    let cookie = login(t.addr(), "ann@example.com", PASSWORD).await.unwrap();
    assert_eq!(agent_ws(cookie.clone(), None).await, 101);
    let own_origin: &'static str = Box::leak(format!("http://{}", t.addr()).into_boxed_str());
    assert_eq!(agent_ws(cookie.clone(), Some(own_origin)).await, 101);
    assert_eq!(
        agent_ws(cookie.clone(), Some("http://evil.example")).await,
        403,
        "cross-site WebSocket hijacking"
    );
    assert_eq!(agent_ws(cookie.clone(), Some("null")).await, 403);

    // After logout the same cookie is worthless everywhere.
    assert_eq!(logout(t.addr(), &cookie).await, 204);
    assert_eq!(agent_ws(cookie.clone(), None).await, 401);
    let me = http(t.addr(), "GET", "/api/agent/me", &[("Cookie", &cookie)], b"").await;
    assert_eq!(me.status, 401);
    let upload =
        http(t.addr(), "POST", "/api/attachments?name=a.png", &[("Cookie", &cookie)], PNG).await;
    assert_eq!(upload.status, 401);
}

#[tokio::test]
async fn guessed_session_tokens_never_reach_an_existing_visitor() {
    let t = TestServer::start().await;
    t.add_agent("ann@example.com", "Ann");
    let mut a = t.visitor().await;
    let (conv_a, _) = a.say(None, "a-1", "private").await;
    let token = a.token.clone();

    // Near misses of the real token, and things an attacker might know or try.
    let mut guesses: Vec<String> = Vec::new();
    for i in 0..token.len() {
        let mut bytes = token.clone().into_bytes();
        bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
        guesses.push(String::from_utf8(bytes).unwrap());
    }
    guesses.extend([
        token[..token.len() - 1].to_owned(),
        format!("{token}A"),
        token.to_uppercase(),
        a.visitor_id.clone(),
        conv_a.to_string(),
        "A".repeat(43),
        "null".into(),
    ]);
    let started = Instant::now();
    let mut visitor_ids = std::collections::BTreeSet::new();
    for guess in &guesses {
        let mut g = Visitor::connect_resuming(
            t.addr(),
            Some(guess.clone()),
            vec![ResumePoint { conversation_id: conv_a.clone(), after_seq: 0 }],
        )
        .await;
        assert_ne!(g.visitor_id, a.visitor_id, "guess {guess:?} became visitor A");
        assert_ne!(g.token, token);
        assert_eq!(
            g.recv_until(error_of).await.0,
            ErrorCode::NotFound,
            "guess {guess:?} resumed A's conversation"
        );
        visitor_ids.insert(g.visitor_id.clone());

        // Nor do the guesses open A's files or an agent's session.
        let auth = format!("Bearer {guess}");
        let r =
            http(t.addr(), "POST", "/api/attachments?name=x.png", &[("Authorization", &auth)], PNG)
                .await;
        assert_eq!(r.status, 401, "upload with guessed token {guess:?}");
        let r = http(
            t.addr(),
            "GET",
            "/api/agent/me",
            &[("Cookie", &format!("sitechat_agent={guess}"))],
            b"",
        )
        .await;
        assert_eq!(r.status, 401);
    }
    assert_eq!(visitor_ids.len(), guesses.len(), "every guess is a fresh, separate visitor");
    // The real token still works and was not disturbed by the guessing.
    let again = Visitor::connect(t.addr(), Some(token.clone())).await;
    assert_eq!(again.visitor_id, a.visitor_id);
    eprintln!("{} guesses in {:?}", guesses.len(), started.elapsed());
}

#[tokio::test]
async fn guessing_an_agents_password_is_throttled_per_address() {
    let t = TestServer::start().await;
    t.add_agent("ann@example.com", "Ann");
    let attempt = |password: &'static str| {
        let addr = t.addr();
        async move {
            let body =
                serde_json::json!({ "email": "ann@example.com", "password": password }).to_string();
            http(
                addr,
                "POST",
                "/api/agent/login",
                &[("Content-Type", "application/json")],
                body.as_bytes(),
            )
            .await
        }
    };
    // A few mistakes are nothing: the right password still works after them.
    for _ in 0..3 {
        assert_eq!(attempt("wrong guess").await.status, 401);
    }
    assert_eq!(attempt(PASSWORD).await.status, 200);
    // Then a run of guesses: the allowance (10 failures) runs out, and from then on the
    // address is refused before any check — the right password included.
    let mut refused_at = None;
    for i in 0..15 {
        let r = attempt("another guess").await;
        if r.status == 429 {
            assert_eq!(json(&r)["error"], "rate_limited");
            refused_at = Some(i);
            break;
        }
        assert_eq!(r.status, 401);
    }
    assert_eq!(refused_at, Some(7), "3 earlier failures + 7 = the burst of 10");
    assert_eq!(attempt(PASSWORD).await.status, 429, "no password is checked while throttled");
    // The shared test helper sees the same refusal.
    let cookie = login(t.addr(), "ann@example.com", PASSWORD).await;
    assert_eq!(cookie, None, "a new sign-in from this address waits");
}

// ---------------------------------------------------------------------------------
// Oversize
// ---------------------------------------------------------------------------------

#[tokio::test]
async fn oversize_frames_bodies_and_headers_are_refused_and_the_server_goes_on() {
    let t = TestServer::start_with(|c| c.max_upload_bytes = 4096).await;
    let mut big = t.visitor().await;
    // Over the WebSocket message limit (1 MiB): the socket is closed.
    let _ = big.ws.send(Message::Text("x".repeat(2 * 1024 * 1024).into())).await;
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match big.ws.next().await {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return true,
                Some(Ok(_)) => continue,
            }
        }
    })
    .await;
    assert_eq!(closed, Ok(true), "a 2 MiB frame closes the socket");

    // Too many attachments, too long an id: refused by the decoder, naming the field.
    let mut v = t.visitor().await;
    let eleven: Vec<String> = (0..11)
        .map(|i| format!(r#"{{"id":"f{i}","name":"a","mime":"text/plain","size":1}}"#))
        .collect();
    v.send_raw(format!(
        r#"{{"type":"send_message","conversation_id":null,"client_id":"k1","text":"hi","attachments":[{}]}}"#,
        eleven.join(",")
    ))
    .await;
    match v.recv().await {
        ServerEvent::Error { code, message, client_id } => {
            assert_eq!((code, client_id.as_deref()), (ErrorCode::TooLarge, Some("k1")));
            assert!(message.starts_with("send_message.attachments"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    v.send_raw(format!(
        r#"{{"type":"catch_up","conversation_id":"{}","after_seq":0}}"#,
        "c".repeat(129)
    ))
    .await;
    match v.recv().await {
        ServerEvent::Error { message, .. } => {
            assert_eq!(message, "catch_up.conversation_id: longer than 128 characters")
        }
        other => panic!("{other:?}"),
    }

    // HTTP bodies: login over 16 KiB, uploads over the limit (raw and multipart).
    let login_body = format!(r#"{{"email":"a@b.c","password":"{}"}}"#, "p".repeat(20 * 1024));
    let r = http(
        t.addr(),
        "POST",
        "/api/agent/login",
        &[("Content-Type", "application/json")],
        login_body.as_bytes(),
    )
    .await;
    assert_eq!(r.status, 413);
    let auth = format!("Bearer {}", v.token);
    let mut big_png = PNG.to_vec();
    big_png.resize(4097, 0);
    let r = http(
        t.addr(),
        "POST",
        "/api/attachments?name=a.png",
        &[("Authorization", &auth)],
        &big_png,
    )
    .await;
    assert_eq!(r.status, 413);
    let r = multipart_upload(&t, &v.token, "a.png", &big_png).await;
    assert_eq!(r.status, 413, "{}", r.text());
    assert_eq!(
        std::fs::read_dir(&t.server().app.config.attachments_dir).unwrap().count(),
        0,
        "nothing was written"
    );

    // A 1 MiB header block: refused (431) or cut off, never served.
    let mut stream = TcpStream::connect(t.addr()).await.unwrap();
    let head = format!(
        "GET /api/site-config HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "h".repeat(1024 * 1024)
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        !answer.starts_with("HTTP/1.1 200"),
        "a 1 MiB header was served: {}",
        &answer[..answer.len().min(80)]
    );

    // Through all of it the server kept serving.
    let r = http(t.addr(), "GET", "/api/site-config", &[], b"").await;
    assert_eq!(r.status, 200);
    v.say(None, "k2", "still here").await;
}

// ---------------------------------------------------------------------------------
// Slow and idle clients
// ---------------------------------------------------------------------------------

#[tokio::test]
async fn slow_and_idle_clients_do_not_starve_others_and_silent_sockets_are_closed() {
    let t = TestServer::start_with(|c| {
        c.hello_timeout = Duration::from_millis(800);
        c.header_read_timeout = Duration::from_millis(1500);
    })
    .await;
    // 150 connections that trickle an endless header block, and 50 WebSockets that
    // never say hello but ping to look alive.
    let mut slow = Vec::new();
    for _ in 0..150 {
        let mut s = TcpStream::connect(t.addr()).await.unwrap();
        s.write_all(b"GET /api/site-config HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        slow.push(s);
    }
    let mut idle = Vec::new();
    for _ in 0..50 {
        let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{}/ws/visitor", t.addr()))
            .await
            .unwrap();
        idle.push(ws);
    }
    let trickle = tokio::spawn(async move {
        for round in 0..20 {
            for s in slow.iter_mut() {
                let _ = s.write_all(format!("X-Slow-{round}: 1\r\n").as_bytes()).await;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        slow
    });
    for ws in idle.iter_mut() {
        ws.send(Message::Text(ClientCommand::Ping { nonce: 1 }.encode().into())).await.unwrap();
    }

    // A normal visitor and a normal request are served promptly meanwhile.
    let started = Instant::now();
    let mut v = t.visitor().await;
    v.say(None, "k1", "hello through the crowd").await;
    let r = http(t.addr(), "GET", "/api/site-config", &[], b"").await;
    assert_eq!(r.status, 200);
    assert!(started.elapsed() < Duration::from_secs(2), "served in {:?}", started.elapsed());

    // Every socket that never said hello is told why and closed; pings did not keep it.
    for ws in idle.iter_mut() {
        let mut told = false;
        let closed = tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                match ws.next().await {
                    Some(Ok(Message::Text(t))) => {
                        if let Ok(ServerEvent::Error { code, .. }) = ServerEvent::decode(t.as_str())
                        {
                            told |= code == ErrorCode::Unauthorized;
                        }
                    }
                    None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                    Some(Ok(_)) => {}
                }
            }
        })
        .await;
        assert!(closed.is_ok() && told, "an idle socket was not closed with an error");
    }
    // The visitor who did say hello is still connected.
    v.send(&ClientCommand::Ping { nonce: 7 }).await;
    assert_eq!(
        v.recv_until(|e| matches!(e, ServerEvent::Pong { nonce: 7 }).then_some(())).await,
        ()
    );

    // The header trickles took longer than the header timeout: the server hung up on
    // every one of them (a read returns end of stream, or the reset), without answering.
    let mut slow = trickle.await.unwrap();
    let mut closed = 0;
    for s in slow.iter_mut() {
        let mut buf = [0u8; 256];
        match tokio::time::timeout(Duration::from_secs(3), s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => closed += 1,
            Ok(Ok(n)) => {
                let head = String::from_utf8_lossy(&buf[..n]);
                assert!(!head.starts_with("HTTP/1.1 200"), "a trickled request was served");
                closed += 1;
            }
            Err(_) => {}
        }
    }
    assert_eq!(closed, slow.len(), "connections still open after the header timeout");
}

#[tokio::test]
async fn a_client_that_never_reads_is_disconnected_before_its_queue_grows_without_bound() {
    let t = TestServer::start_with(|c| {
        c.visitor_rate_per_sec = 1000.0;
        c.visitor_rate_burst = 1000.0;
        c.max_queued_bytes = 256 * 1024;
    })
    .await;
    // A conversation of about 900 KB.
    let mut writer = t.visitor().await;
    let (conv, _) = writer.say(None, "w-0", &"w".repeat(9_000)).await;
    for n in 1..100 {
        writer.say(Some(&conv), &format!("w-{n}"), &"w".repeat(9_000)).await;
    }
    // The same visitor on a second socket asks for all of it 30 times and never reads.
    let mut reader = Visitor::connect(t.addr(), Some(writer.token.clone())).await;
    for _ in 0..30 {
        reader.send(&ClientCommand::CatchUp { conversation_id: conv.clone(), after_seq: 0 }).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    // When it finally reads: what the socket buffers held, then the end.
    let mut histories = 0;
    let ended = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match reader.ws.next().await {
                Some(Ok(Message::Text(t))) => {
                    histories += usize::from(t.as_str().starts_with(r#"{"type":"history""#))
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the socket of a client that did not read stayed open");
    assert!(histories < 30, "all 30 answers (27 MB) were queued for a client that did not read");
    // The visitor's other socket, and the server, go on.
    writer.say(Some(&conv), "w-after", "still fine").await;
}

// ---------------------------------------------------------------------------------
// Rate limits
// ---------------------------------------------------------------------------------

#[tokio::test]
async fn a_flooding_visitor_is_limited_alone_and_recovers_after_a_pause() {
    let t = TestServer::start_with(|c| {
        c.visitor_rate_per_sec = 10.0;
        c.visitor_rate_burst = 5.0;
    })
    .await;
    let mut flooder = t.visitor().await;
    let mut calm = t.visitor().await;
    for nonce in 0..200 {
        flooder.send(&ClientCommand::Ping { nonce }).await;
    }
    let mut limited = 0;
    let mut pongs = 0;
    for _ in 0..200 {
        match flooder.recv().await {
            ServerEvent::Pong { .. } => pongs += 1,
            ServerEvent::Error { code: ErrorCode::RateLimited, .. } => limited += 1,
            other => panic!("{other:?}"),
        }
    }
    assert!(limited >= 150, "{limited} of 200 limited");
    assert!(pongs >= 4, "the burst passes: {pongs}");
    // The other visitor has its own budget.
    calm.say(None, "c1", "unaffected").await;
    // A rate-limited message names its client id so the widget can retry it later…
    for nonce in 0..10 {
        flooder.send(&ClientCommand::Ping { nonce }).await;
    }
    flooder.send(&send_message(None, "f2", "two")).await;
    let refused = flooder
        .recv_until(|e| match e {
            ServerEvent::Error { code, client_id: Some(c), .. }
                if code == ErrorCode::RateLimited && c == "f2" =>
            {
                Some(c)
            }
            ServerEvent::Ack { client_id, .. } if client_id == "f2" => Some("acked".into()),
            _ => None,
        })
        .await;
    assert_eq!(refused, "f2");
    // …and after a pause the same socket works again.
    tokio::time::sleep(Duration::from_millis(700)).await;
    let (_, seq) = flooder.say(None, "f2", "two").await;
    assert!(seq >= 1);
}

// ---------------------------------------------------------------------------------
// Uploads
// ---------------------------------------------------------------------------------

async fn raw_upload(t: &TestServer, token: &str, name: &str, bytes: &[u8]) -> HttpResponse {
    let auth = format!("Bearer {token}");
    let path = format!("/api/attachments?name={}&mime=image/png", percent(name));
    http(
        t.addr(),
        "POST",
        &path,
        &[("Authorization", &auth), ("Content-Type", "application/octet-stream")],
        bytes,
    )
    .await
}

async fn multipart_upload(t: &TestServer, token: &str, name: &str, bytes: &[u8]) -> HttpResponse {
    let boundary = "sitechat-boundary-7MA4YWxk";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: image/png\r\n\r\n",
        name.replace('"', "%22")
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let auth = format!("Bearer {token}");
    let content_type = format!("multipart/form-data; boundary={boundary}");
    http(
        t.addr(),
        "POST",
        "/api/attachments",
        &[("Authorization", &auth), ("Content-Type", &content_type)],
        &body,
    )
    .await
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn json(r: &HttpResponse) -> serde_json::Value {
    serde_json::from_slice(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.text()))
}

#[tokio::test]
async fn disguised_uploads_are_typed_by_their_bytes_and_served_inert() {
    let t = TestServer::start().await;
    let v = t.visitor().await;
    let refused: &[(&str, &[u8])] = &[
        ("cat.png", b"\x7fELF\x02\x01\x01\x00"),
        ("cat.jpg", b"\xcf\xfa\xed\xfe\x07\x00\x00\x01"),
        ("cat.gif", b"\xca\xfe\xba\xbe\x00\x00\x00\x02"),
        ("run.txt", b"#!/bin/sh\nrm -rf /\n"),
        ("setup.pdf", b"MZ\x90\x00\x03"),
        ("archive.docx", b"PK\x03\x04 no content types here"),
        ("blob.png", b"\x00\x01\x02\x03binary"),
    ];
    for (name, bytes) in refused {
        let r = raw_upload(&t, &v.token, name, bytes).await;
        assert_eq!(r.status, 415, "{name} was accepted: {}", r.text());
        let r = multipart_upload(&t, &v.token, name, bytes).await;
        assert_eq!(r.status, 415, "{name} was accepted through multipart: {}", r.text());
    }
    assert_eq!(std::fs::read_dir(&t.server().app.config.attachments_dir).unwrap().count(), 0);

    // Markup that claims to be an image is stored as text and downloaded, never rendered.
    let auth = format!("Bearer {}", v.token);
    for (name, bytes) in [
        ("photo.png", &b"<html><script>parent.trap()</script></html>"[..]),
        ("logo.svg", &b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"[..]),
        ("page.html", &b"<!doctype html><img src=x onerror=alert(1)>"[..]),
    ] {
        let r = multipart_upload(&t, &v.token, name, bytes).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let a = json(&r);
        assert_eq!(a["mime"], "text/plain; charset=utf-8", "{name}");
        let got =
            http(t.addr(), "GET", a["url"].as_str().unwrap(), &[("Authorization", &auth)], b"")
                .await;
        assert_eq!(got.header("content-type"), Some("text/plain; charset=utf-8"));
        assert_eq!(got.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(got.header("content-security-policy"), Some("default-src 'none'; sandbox"));
        assert!(got.header("content-disposition").unwrap().starts_with("attachment;"), "{name}");
    }
    // A PNG with HTML after its header is an image, shown inline but sandboxed and nosniff.
    let mut polyglot = PNG.to_vec();
    polyglot.extend_from_slice(b"<script>alert(1)</script>");
    let a = json(&raw_upload(&t, &v.token, "poly.png", &polyglot).await);
    assert_eq!(a["mime"], "image/png");
    let got =
        http(t.addr(), "GET", a["url"].as_str().unwrap(), &[("Authorization", &auth)], b"").await;
    assert_eq!(got.header("content-security-policy"), Some("default-src 'none'; sandbox"));
    assert_eq!(got.header("x-content-type-options"), Some("nosniff"));
}

#[tokio::test]
async fn hostile_file_names_are_cleaned_and_never_touch_the_file_system() {
    let t = TestServer::start().await;
    let v = t.visitor().await;
    let long = format!("{}.png", "n".repeat(600));
    let cases: Vec<(&str, String)> = vec![
        ("../../../../etc/passwd.png", "passwd.png".into()),
        ("..\\..\\windows\\system32\\evil.png", "evil.png".into()),
        ("/absolute/path/x.png", "x.png".into()),
        ("C:\\Users\\me\\cv.png", "cv.png".into()),
        ("..", "file".into()),
        ("./.", "file".into()),
        ("a\u{0}b\r\nc.png", "abc.png".into()),
        ("cv\u{202E}gnp.exe", "cvgnp.exe".into()),
        ("in\u{200B}voice\u{2066}.png\u{2069}", "invoice.png".into()),
        ("<img src=x onerror=alert(1)>.png", "<img src=x onerror=alert(1)>.png".into()),
        ("%2e%2e%2f%2e%2e%2fx.png", "%2e%2e%2f%2e%2e%2fx.png".into()),
        (long.as_str(), "n".repeat(200)),
    ];
    let mut ids = Vec::new();
    for (sent, expected) in &cases {
        for multipart in [false, true] {
            let r = if multipart {
                multipart_upload(&t, &v.token, sent, PNG).await
            } else {
                raw_upload(&t, &v.token, sent, PNG).await
            };
            if multipart && sent.contains(['\r', '\n']) {
                // A line break cannot be inside a part's header: a broken form, said so.
                assert_eq!(r.status, 400, "{sent:?}: {}", r.text());
                assert_eq!(json(&r)["error"], "bad_request");
                continue;
            }
            assert_eq!(r.status, 201, "{sent:?}: {}", r.text());
            let a = json(&r);
            let name = a["name"].as_str().unwrap();
            // Multipart parsers may themselves cut a name at a slash; what matters is
            // that nothing before the last separator or nothing invisible survives.
            if multipart {
                assert!(
                    !name.contains(['/', '\\']) && !name.chars().any(char::is_control),
                    "{sent:?} → {name:?}"
                );
                assert!(
                    !name.contains('\u{202E}') && !name.contains('\u{200B}'),
                    "{sent:?} → {name:?}"
                );
                assert!(name.chars().count() <= 200);
            } else {
                assert_eq!(name, expected, "{sent:?}");
            }
            ids.push(a["id"].as_str().unwrap().to_owned());
        }
    }
    // Only files named by their random id exist, all inside the attachments directory.
    let dir = &t.server().app.config.attachments_dir;
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    ids.sort();
    assert_eq!(files, ids);
    let outside: Vec<_> =
        std::fs::read_dir(t.dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(outside.iter().all(|n| n.to_string_lossy().starts_with("chat.sqlite")), "{outside:?}");
}

// ---------------------------------------------------------------------------------
// kill -9 in the middle of writes
// ---------------------------------------------------------------------------------

/// The real `sitechat-server` binary serving `db` on an ephemeral port.
struct Process {
    child: tokio::process::Child,
    addr: std::net::SocketAddr,
}

async fn spawn_server(db: &std::path::Path) -> Process {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_sitechat-server"));
    command.args(["serve", "--addr", "127.0.0.1:0", "--db"]).arg(db);
    let (child, addr) = common::spawn_listening(command, Duration::from_secs(10)).await;
    Process { child, addr }
}

#[tokio::test]
async fn every_acknowledged_message_survives_kill_9_mid_write() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("chat.sqlite");
    const VISITORS: usize = 6;
    const ROUNDS: usize = 5;
    // Per visitor: token, conversation, and every client id the server acknowledged.
    let mut tokens: Vec<Option<String>> = vec![None; VISITORS];
    let mut conversations: Vec<Option<String>> = vec![None; VISITORS];
    let mut acked: Vec<BTreeMap<String, u64>> = vec![BTreeMap::new(); VISITORS];
    let mut sent_total = 0usize;

    for round in 0..ROUNDS {
        let mut server = spawn_server(&db).await;
        // Each visitor writes as fast as the rate limit lets it, recording acks, until
        // the server dies under it.
        let mut writers = Vec::new();
        for i in 0..VISITORS {
            let (addr, token, conv) = (server.addr, tokens[i].clone(), conversations[i].clone());
            writers.push(tokio::spawn(async move {
                let mut v = Visitor::connect(addr, token).await;
                let mut acks = Vec::new();
                let mut sent = 0;
                let mut conv = conv;
                for n in 0.. {
                    let client_id = format!("v{i}-r{round}-{n}");
                    let frame = send_message(
                        conv.as_deref(),
                        &client_id,
                        &format!("message {n} of round {round}"),
                    )
                    .encode();
                    if v.ws.send(Message::Text(frame.into())).await.is_err() {
                        break;
                    }
                    sent += 1;
                    let answer = tokio::time::timeout(Duration::from_secs(5), async {
                        loop {
                            match v.ws.next().await {
                                Some(Ok(Message::Text(t))) => match ServerEvent::decode(t.as_str())
                                {
                                    Ok(ServerEvent::Ack {
                                        client_id: c,
                                        conversation_id,
                                        seq,
                                        ..
                                    }) if c == client_id => {
                                        return Some(Some((conversation_id, seq)))
                                    }
                                    Ok(ServerEvent::Error { client_id: Some(c), .. })
                                        if c == client_id =>
                                    {
                                        return Some(None)
                                    }
                                    _ => {}
                                },
                                Some(Ok(_)) => {}
                                None | Some(Err(_)) => return None,
                            }
                        }
                    })
                    .await;
                    match answer {
                        Ok(Some(Some((c, seq)))) => {
                            conv = Some(c.into_string());
                            acks.push((client_id, seq));
                        }
                        // Rate limited: wait for the bucket to refill, then go on.
                        Ok(Some(None)) => tokio::time::sleep(Duration::from_millis(200)).await,
                        Ok(None) | Err(_) => break,
                    }
                }
                (v.token.clone(), conv, acks, sent)
            }));
        }
        // Let them write for a while, then kill -9 at a moment that varies by round.
        tokio::time::sleep(Duration::from_millis(700 + 173 * round as u64)).await;
        server.child.start_kill().expect("SIGKILL");
        let status = server.child.wait().await.unwrap();
        assert!(!status.success(), "killed, not exited: {status:?}");
        for (i, w) in writers.into_iter().enumerate() {
            let (token, conv, acks, sent) = w.await.unwrap();
            tokens[i] = Some(token);
            conversations[i] = conv;
            sent_total += sent;
            for (client_id, seq) in acks {
                acked[i].insert(client_id, seq);
            }
        }
    }

    // After the last kill: every acknowledged message is there, at its seq, once.
    let server = spawn_server(&db).await;
    let mut checked = 0;
    for i in 0..VISITORS {
        let mut v = Visitor::connect(server.addr, tokens[i].clone()).await;
        let conv = conversations[i].clone().expect("each visitor got at least one ack");
        let history = full_history(&mut v, &conv).await;
        let seqs: Vec<u64> = history.iter().map(|m| m.seq).collect();
        assert_eq!(seqs, (1..=history.len() as u64).collect::<Vec<_>>(), "seqs are gap-free");
        let mut by_client: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
        for m in &history {
            by_client.entry(m.client_id.as_deref().unwrap_or("")).or_default().push(m.seq);
        }
        for (client_id, seq) in &acked[i] {
            assert_eq!(
                by_client.get(client_id.as_str()),
                Some(&vec![*seq]),
                "acknowledged {client_id} lost or moved"
            );
            checked += 1;
        }
        assert!(by_client.values().all(|s| s.len() == 1), "a client id stored twice");
    }
    eprintln!(
        "kill -9 × {ROUNDS}: {sent_total} sent, {checked} acknowledged, all present exactly once"
    );
    assert!(checked >= VISITORS * ROUNDS, "too few writes to mean anything: {checked}");
}
