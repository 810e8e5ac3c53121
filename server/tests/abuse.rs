//! The abuse tier: one anonymous attacker with a laptop against the real
//! `sitechat-server` binary, each case something the server did not survive before
//! (docs/security.md, "Abuse tier"). Run by `scripts/test.sh` in its own step:
//!
//! ```sh
//! cargo test -p sitechat-server --test abuse -- --ignored
//! ```
//!
//! Every test starts its own server process on 127.0.0.1 with a fresh database and
//! reads its memory from `/proc/<pid>/status`. Loops are bounded; nothing leaves the
//! machine. `SITECHAT_ABUSE_BIN=<path>` runs the tier against another build of the
//! binary (an older one, to see each case fail).

mod common;

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{http, login, logout, Agent, HttpResponse, Visitor, PASSWORD};
use futures_util::{SinkExt, StreamExt};
use sitechat_core::protocol::agent::{AgentCommand, AgentEvent};
use sitechat_core::protocol::{
    ClientCommand, ErrorCode, ResumePoint, ServerEvent, PROTOCOL_VERSION,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

const TIER: &str = "abuse tier: run with --ignored (scripts/test.sh does)";
const AGENT_EMAIL: &str = "ann@example.com";

/// The real binary serving a fresh database.
struct Server {
    child: tokio::process::Child,
    addr: SocketAddr,
    _dir: tempfile::TempDir,
}

impl Server {
    async fn start(flags: &[&str]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("chat.sqlite");
        let bin = std::env::var("SITECHAT_ABUSE_BIN")
            .unwrap_or_else(|_| env!("CARGO_BIN_EXE_sitechat-server").to_owned());
        let bin = bin.as_str();
        let added = tokio::process::Command::new(bin)
            .args(["agent", "add", "--email", AGENT_EMAIL, "--name", "Ann", "--db"])
            .arg(&db)
            .env("SITECHAT_AGENT_PASSWORD", PASSWORD)
            .stdout(Stdio::null())
            .status()
            .await
            .unwrap();
        assert!(added.success());
        let mut command = tokio::process::Command::new(bin);
        command.args(["serve", "--addr", "127.0.0.1:0", "--db"]).arg(&db).args(flags);
        let (child, addr) = common::spawn_listening(command, Duration::from_secs(20)).await;
        Server { child, addr, _dir: dir }
    }

    /// The server's resident memory, in bytes, from `/proc`.
    fn rss(&self) -> u64 {
        let pid = self.child.id().expect("running");
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        let kb: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .expect("VmRSS");
        kb * 1024
    }

    /// The server's open file descriptors (its sockets among them), from `/proc`.
    fn open_fds(&self) -> usize {
        let pid = self.child.id().expect("running");
        std::fs::read_dir(format!("/proc/{pid}/fd")).map(|d| d.count()).unwrap_or(usize::MAX)
    }

    /// Answers a plain request in time (the server still serves others).
    async fn serves(&self) -> bool {
        let r = tokio::time::timeout(
            Duration::from_secs(2),
            http(self.addr, "GET", "/api/site-config", &[], b""),
        )
        .await;
        matches!(r, Ok(HttpResponse { status: 200, .. }))
    }
}

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>;

/// A raw visitor socket that has said hello (and nothing else is read).
async fn raw_hello(addr: SocketAddr, token: Option<String>, resume: Vec<ResumePoint>) -> Ws {
    let (mut ws, _) =
        tokio_tungstenite::connect_async(format!("ws://{addr}/ws/visitor")).await.unwrap();
    let hello = ClientCommand::Hello {
        session_token: token,
        protocol: PROTOCOL_VERSION,
        page_url: "https://shop.example/".into(),
        locale: "en".into(),
        resume,
    };
    ws.send(Message::Text(hello.encode().into())).await.unwrap();
    ws
}

/// Reads frames until the socket ends or `limit` passes; `Some(frames)` if it ended.
async fn read_to_end(ws: &mut Ws, limit: Duration) -> Option<Vec<String>> {
    let mut frames = Vec::new();
    let ended = tokio::time::timeout(limit, async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Text(t))) => frames.push(t.to_string()),
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            }
        }
    })
    .await;
    ended.ok().map(|()| frames)
}

fn error_code(frame: &str) -> Option<String> {
    match ServerEvent::decode(frame) {
        Ok(ServerEvent::Error { code, .. }) => Some(code.to_string()),
        _ => None,
    }
}

fn send_message(conversation_id: Option<&str>, client_id: &str, text: &str) -> ClientCommand {
    ClientCommand::SendMessage {
        conversation_id: conversation_id.map(Into::into),
        client_id: client_id.into(),
        text: text.into(),
        attachments: vec![],
        quick_reply: None,
        page_url: None,
    }
}

/// The answer to a `send_message`: `Ok(conversation id)` from its ack, or the error code.
async fn answer(v: &mut Visitor, client_id: &str) -> Result<String, String> {
    v.recv_until(|e| match e {
        ServerEvent::Ack { conversation_id, client_id: c, .. } if c == client_id => {
            Some(Ok(conversation_id.into_string()))
        }
        ServerEvent::Error { code, client_id: Some(c), .. } if c == client_id => {
            Some(Err(code.to_string()))
        }
        _ => None,
    })
    .await
}

// ---------------------------------------------------------------------------------

/// 30 visitor sockets say `hello` and then nothing, not even a ping: with the default
/// settings every one is closed (`error idle_timeout`) within 90 s, and the server
/// serves others meanwhile.
#[tokio::test]
#[ignore = "abuse tier: run with --ignored (scripts/test.sh does)"]
async fn silent_sockets_after_hello_are_closed_within_90_s() {
    let _ = TIER;
    let server = Server::start(&[]).await;
    let mut silent = Vec::new();
    for _ in 0..30 {
        silent.push(raw_hello(server.addr, None, vec![]).await);
    }
    let started = Instant::now();
    let mut closed = 0;
    let mut told = 0;
    for ws in &mut silent {
        let left = Duration::from_secs(90).saturating_sub(started.elapsed());
        if let Some(frames) = read_to_end(ws, left).await {
            closed += 1;
            told += usize::from(
                frames.iter().any(|f| error_code(f).as_deref() == Some("idle_timeout")),
            );
        }
    }
    assert_eq!(closed, 30, "silent sockets still open after 90 s");
    assert_eq!(told, 30, "every silent socket is told why it is closed");
    assert!(server.serves().await);
}

/// 9 sockets of one visitor each ask for a ~1 MB history 40 times over (20 times in
/// `hello.resume`, 20 `catch_up`s, as fast as the default frame limits let them) and
/// never read. The server's memory grows by less than 100 MB, every one of them is
/// closed within 90 s (a write stalled 10 s, or 60 s of silence), and the server goes
/// on. Then the conversation, at 1 MB of text, takes no more than its 1 MiB allowance.
#[tokio::test]
#[ignore = "abuse tier: run with --ignored (scripts/test.sh does)"]
async fn stalled_readers_asking_for_a_large_history_are_closed_within_an_rss_bound() {
    let server = Server::start(&[]).await;
    let mut writer = Visitor::connect(server.addr, None).await;
    let (conv, _) = writer.say(None, "w-0", &"w".repeat(10_000)).await;
    for n in 1..100 {
        if n > 12 {
            // Within the default 5 frames/s once the burst is spent.
            tokio::time::sleep(Duration::from_millis(210)).await;
        }
        writer.say(Some(&conv), &format!("w-{n}"), &"w".repeat(10_000)).await;
    }
    let before = server.rss();
    let fds_before = server.open_fds();
    let point = ResumePoint { conversation_id: conv.clone(), after_seq: 0 };
    let mut readers = Vec::new();
    let asked = Instant::now();
    for _ in 0..9 {
        let mut ws =
            raw_hello(server.addr, Some(writer.token.clone()), vec![point.clone(); 20]).await;
        for _ in 0..20 {
            let catch_up = ClientCommand::CatchUp { conversation_id: conv.clone(), after_seq: 0 };
            ws.send(Message::Text(catch_up.encode().into())).await.unwrap();
        }
        readers.push(ws);
    }
    let mut peak = before;
    let sampling = Instant::now();
    while sampling.elapsed() < Duration::from_secs(15) {
        peak = peak.max(server.rss());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let grown = peak.saturating_sub(before);
    assert!(grown < 100 * 1024 * 1024, "RSS grew by {} MB", grown / (1024 * 1024));
    // Closed by the server while the client still does not read: its descriptors go.
    let mut fds = server.open_fds();
    while fds > fds_before && asked.elapsed() < Duration::from_secs(90) {
        tokio::time::sleep(Duration::from_millis(250)).await;
        fds = server.open_fds();
    }
    assert!(fds <= fds_before, "{} reader sockets still open on the server", fds - fds_before);
    let mut closed = 0;
    let mut histories = 0;
    for ws in &mut readers {
        let left = Duration::from_secs(90).saturating_sub(asked.elapsed());
        if let Some(frames) = read_to_end(ws, left).await {
            closed += 1;
            histories += frames.iter().filter(|f| f.starts_with(r#"{"type":"history""#)).count();
        }
    }
    assert_eq!(closed, readers.len(), "a stalled reader's socket stayed open");
    assert!(histories < 9 * 40, "every history asked for was sent");
    // The writer's own socket was silent meanwhile (and closed for it): a new one.
    let mut writer = Visitor::connect(server.addr, Some(writer.token.clone())).await;
    writer.say(Some(&conv), "w-after", "still fine").await;
    assert!(server.serves().await);
    // 1 000 010 bytes held: four more 10 000-byte messages fit in 1 MiB, the fifth not.
    for n in 100..104 {
        tokio::time::sleep(Duration::from_millis(210)).await;
        writer.say(Some(&conv), &format!("w-{n}"), &"w".repeat(10_000)).await;
    }
    tokio::time::sleep(Duration::from_millis(210)).await;
    writer.send(&send_message(Some(&conv), "w-104", &"w".repeat(10_000))).await;
    assert_eq!(answer(&mut writer, "w-104").await, Err("conversation_full".to_owned()));
    eprintln!(
        "stalled readers: RSS {} MB before, peak +{} MB, {histories} of 360 histories sent",
        before >> 20,
        grown >> 20
    );
}

/// `hello.resume` naming one conversation 20 times is answered with one `history`.
#[tokio::test]
#[ignore = "abuse tier: run with --ignored (scripts/test.sh does)"]
async fn duplicate_resume_points_are_answered_once() {
    let server = Server::start(&[]).await;
    let mut v = Visitor::connect(server.addr, None).await;
    let (conv, _) = v.say(None, "m1", "hello").await;
    let point = ResumePoint { conversation_id: conv, after_seq: 0 };
    let mut ws = raw_hello(server.addr, Some(v.token.clone()), vec![point; 20]).await;
    let mut histories = 0;
    while let Ok(Some(Ok(Message::Text(t)))) =
        tokio::time::timeout(Duration::from_secs(1), ws.next()).await
    {
        histories += usize::from(t.as_str().starts_with(r#"{"type":"history""#));
    }
    assert_eq!(histories, 1);
}

/// A visitor asks for the transcript 10 times, and for one to another address: 3 go
/// out, the rest are `too_many_transcripts`, the other address `transcript_address`.
#[tokio::test]
#[ignore = "abuse tier: run with --ignored (scripts/test.sh does)"]
async fn transcript_requests_are_limited_and_go_only_to_the_visitors_address() {
    let server = Server::start(&[]).await;
    let mut v = Visitor::connect(server.addr, None).await;
    let (conv, _) = v.say(None, "m1", "hello").await;
    let mut queued = 0;
    let mut limited = 0;
    for _ in 0..10 {
        let request = ClientCommand::RequestTranscript {
            conversation_id: conv.clone(),
            email: "me@example.com".into(),
        };
        v.send(&request).await;
        match v.recv().await {
            ServerEvent::TranscriptRequested { .. } => queued += 1,
            ServerEvent::Error { code: ErrorCode::TooManyTranscripts, .. } => limited += 1,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!((queued, limited), (3, 7));
    let mut other = Visitor::connect(server.addr, None).await;
    let (conv2, _) = other.say(None, "o1", "hi").await;
    for (email, expected) in
        [("first@example.com", None), ("victim@example.org", Some("transcript_address"))]
    {
        other
            .send(&ClientCommand::RequestTranscript {
                conversation_id: conv2.clone(),
                email: email.into(),
            })
            .await;
        let got = match other.recv().await {
            ServerEvent::TranscriptRequested { .. } => None,
            ServerEvent::Error { code, .. } => Some(code),
            e => panic!("{e:?}"),
        };
        assert_eq!(got.as_ref().map(ErrorCode::as_str), expected, "{email}");
    }
}

/// 30 wrong passwords sent at once from one address: at most 10 are checked (the
/// throttle is charged before the check), the rest are `429` at once. Every request is
/// held back by its last byte until all 30 are in, so they all arrive together.
#[tokio::test]
#[ignore = "abuse tier: run with --ignored (scripts/test.sh does)"]
async fn concurrent_password_guesses_cannot_race_the_throttle() {
    let server = Server::start(&[]).await;
    let mut held = Vec::new();
    for i in 0..30 {
        let body = serde_json::json!({ "email": AGENT_EMAIL, "password": format!("guess {i}") })
            .to_string();
        let request = format!(
            "POST /api/agent/login HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            server.addr,
            body.len()
        );
        let mut stream = TcpStream::connect(server.addr).await.unwrap();
        let (head, last) = request.as_bytes().split_at(request.len() - 1);
        stream.write_all(head).await.unwrap();
        held.push((stream, last.to_vec()));
    }
    let answers = held.into_iter().map(|(mut stream, last)| {
        tokio::spawn(async move {
            stream.write_all(&last).await.unwrap();
            let mut raw = Vec::new();
            let _ =
                tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut raw)).await;
            String::from_utf8_lossy(&raw).split_whitespace().nth(1).unwrap_or("").to_owned()
        })
    });
    let mut statuses = Vec::new();
    for a in answers.collect::<Vec<_>>() {
        statuses.push(a.await.unwrap());
    }
    let checked = statuses.iter().filter(|s| *s == "401").count();
    let refused = statuses.iter().filter(|s| *s == "429").count();
    assert_eq!(checked + refused, 30, "{statuses:?}");
    assert!(checked <= 10, "{checked} guesses were checked");
}

/// A visitor uploads 10 MB files until refused: the 100 MB daily allowance holds (the
/// eleventh is `429`), and an upload never attached is still there (clean-up is after
/// 24 h).
#[tokio::test]
#[ignore = "abuse tier: run with --ignored (scripts/test.sh does)"]
async fn uploads_cannot_fill_the_disk() {
    let server = Server::start(&[]).await;
    let v = Visitor::connect(server.addr, None).await;
    let auth = format!("Bearer {}", v.token);
    let file = vec![b'a'; 10_000_000];
    let mut stored = 0;
    let mut refused = None;
    for i in 0..12 {
        let r = http(
            server.addr,
            "POST",
            "/api/attachments?name=notes.txt",
            &[("Authorization", &auth)],
            &file,
        )
        .await;
        if r.status == 201 {
            stored += 1;
        } else {
            refused = Some((i, r.status));
            break;
        }
    }
    assert_eq!(stored, 10);
    assert_eq!(refused, Some((10, 429)));
}

/// 40 fresh visitors from one address each start a conversation: 30 may (the hourly
/// allowance per address), the rest are `too_many_conversations` with the message's
/// client id, and the inbox's list is not flooded past it.
#[tokio::test]
#[ignore = "abuse tier: run with --ignored (scripts/test.sh does)"]
async fn a_conversation_flood_from_one_address_is_limited() {
    let server = Server::start(&[]).await;
    let mut started = 0;
    let mut limited = 0;
    for i in 0..40 {
        let mut v = Visitor::connect(server.addr, None).await;
        let client_id = format!("c{i}");
        v.send(&send_message(None, &client_id, "spam")).await;
        match answer(&mut v, &client_id).await {
            Ok(_) => started += 1,
            Err(code) if code == "too_many_conversations" => limited += 1,
            Err(code) => panic!("{code}"),
        }
    }
    assert_eq!((started, limited), (30, 10));
    let cookie = login(server.addr, AGENT_EMAIL, PASSWORD).await.unwrap();
    let mut agent = Agent::connect(server.addr, &cookie).await;
    agent.send(&AgentCommand::ListConversations).await;
    let listed = agent
        .recv_until(|e| match e {
            AgentEvent::Conversations { conversations } => Some(conversations.len()),
            _ => None,
        })
        .await;
    assert_eq!(listed, 30);
}

/// A login body trickled one byte a second is dropped within the 10 s body timeout.
#[tokio::test]
#[ignore = "abuse tier: run with --ignored (scripts/test.sh does)"]
async fn a_slow_request_body_is_dropped() {
    let server = Server::start(&[]).await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    let head = format!(
        "POST /api/agent/login HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n",
        server.addr
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let mut answer = String::new();
    for _ in 0..30 {
        if stream.write_all(b" ").await.is_err() {
            break;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        let mut buf = [0u8; 256];
        match tokio::time::timeout(Duration::from_millis(10), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => {
                answer.push_str(&String::from_utf8_lossy(&buf[..n]));
                break;
            }
            Err(_) => {}
        }
    }
    let took = started.elapsed();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer:?}");
    assert!(took < Duration::from_secs(15), "the body was waited for {took:?}");
    assert!(server.serves().await);
}

/// 120 sockets from one address: 100 are served, the rest told `too_many_connections`
/// and closed; a visitor's eleventh tab is refused the same way.
#[tokio::test]
#[ignore = "abuse tier: run with --ignored (scripts/test.sh does)"]
async fn sockets_are_limited_per_address_and_per_visitor() {
    let server = Server::start(&[]).await;
    let mut open = Vec::new();
    let mut refused = 0;
    for _ in 0..120 {
        let mut ws = raw_hello(server.addr, None, vec![]).await;
        match tokio::time::timeout(Duration::from_secs(5), ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) if t.as_str().contains(r#""type":"welcome""#) => {
                open.push(ws)
            }
            Ok(Some(Ok(Message::Text(t))))
                if error_code(t.as_str()).as_deref() == Some("too_many_connections") =>
            {
                refused += 1
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!((open.len(), refused), (100, 20));
    drop(open);
    // Slots come back when sockets close; then one visitor's tabs are limited.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let first = Visitor::connect(server.addr, None).await;
    let mut tabs = vec![];
    for _ in 0..9 {
        tabs.push(Visitor::connect(server.addr, Some(first.token.clone())).await);
    }
    let mut eleventh = raw_hello(server.addr, Some(first.token.clone()), vec![]).await;
    let frames = read_to_end(&mut eleventh, Duration::from_secs(5)).await.expect("closed");
    assert_eq!(
        frames.iter().filter_map(|f| error_code(f)).next_back().as_deref(),
        Some("too_many_connections")
    );
}

/// Login and logout take JSON only and refuse another origin; over https the cookie is
/// `__Host-` and `Secure`; logging out closes the inbox sockets of that session.
#[tokio::test]
#[ignore = "abuse tier: run with --ignored (scripts/test.sh does)"]
async fn sign_in_is_csrf_proof_and_logout_closes_the_inbox_socket() {
    let server = Server::start(&[]).await;
    let body = serde_json::json!({ "email": AGENT_EMAIL, "password": PASSWORD }).to_string();
    let form = http(
        server.addr,
        "POST",
        "/api/agent/login",
        &[("Content-Type", "text/plain")],
        body.as_bytes(),
    )
    .await;
    assert_eq!(form.status, 415);
    let cross = http(
        server.addr,
        "POST",
        "/api/agent/login",
        &[("Content-Type", "application/json"), ("Origin", "https://evil.example")],
        body.as_bytes(),
    )
    .await;
    assert_eq!(cross.status, 403);
    let cookie = login(server.addr, AGENT_EMAIL, PASSWORD).await.unwrap();
    let mut request = format!("ws://{}/ws/agent", server.addr).into_client_request().unwrap();
    request.headers_mut().insert("cookie", cookie.parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(logout(server.addr, &cookie).await, 204);
    assert!(read_to_end(&mut ws, Duration::from_secs(3)).await.is_some(), "still open");

    let secure = Server::start(&["--public-url", "https://chat.example"]).await;
    let r = http(
        secure.addr,
        "POST",
        "/api/agent/login",
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    )
    .await;
    let set = r.header("set-cookie").unwrap_or_default().to_owned();
    assert!(set.starts_with("__Host-sitechat_agent=") && set.contains("; Secure"), "{set}");
    assert!(set.contains("Path=/") && !set.contains("Domain"), "{set}");
}

/// Behind `--trust-proxy`, the sign-in throttle counts the address the proxy names:
/// one guesser does not lock out another client of the same proxy.
#[tokio::test]
#[ignore = "abuse tier: run with --ignored (scripts/test.sh does)"]
async fn behind_a_trusted_proxy_limits_apply_per_forwarded_address() {
    let server = Server::start(&["--trust-proxy", "127.0.0.1"]).await;
    let attempt = |from: &'static str, password: &'static str| async move {
        let body = serde_json::json!({ "email": AGENT_EMAIL, "password": password }).to_string();
        http(
            server.addr,
            "POST",
            "/api/agent/login",
            &[("Content-Type", "application/json"), ("X-Forwarded-For", from)],
            body.as_bytes(),
        )
        .await
        .status
    };
    for _ in 0..10 {
        assert_eq!(attempt("203.0.113.9", "guess").await, 401);
    }
    assert_eq!(attempt("203.0.113.9", PASSWORD).await, 429);
    assert_eq!(attempt("198.51.100.7", PASSWORD).await, 200);
}

/// The smaller cases of the issue, each in one go: an agent's client id is its own per
/// conversation; two tabs racing their first message get one conversation; a page URL
/// with a line break is not stored.
#[tokio::test]
#[ignore = "abuse tier: run with --ignored (scripts/test.sh does)"]
async fn client_ids_the_first_message_race_and_page_urls() {
    let server = Server::start(&[]).await;
    // Two tabs of one visitor send their first message at once.
    let mut a = Visitor::connect(server.addr, None).await;
    let mut b = Visitor::connect(server.addr, Some(a.token.clone())).await;
    a.send(&send_message(None, "a1", "from tab a")).await;
    b.send(&send_message(None, "b1", "from tab b")).await;
    let (ca, cb) = (answer(&mut a, "a1").await.unwrap(), answer(&mut b, "b1").await.unwrap());
    assert_eq!(ca, cb, "two conversations for one visitor's first message");

    // The same agent client id in two conversations: two replies.
    let mut other = Visitor::connect(server.addr, None).await;
    let (c2, _) = other.say(None, "o1", "me too").await;
    let cookie = login(server.addr, AGENT_EMAIL, PASSWORD).await.unwrap();
    let mut agent = Agent::connect(server.addr, &cookie).await;
    for conv in [ca.as_str(), c2.as_str()] {
        agent
            .send(&AgentCommand::SendMessage {
                conversation_id: conv.into(),
                client_id: "inbox-1".into(),
                text: format!("reply in {conv}"),
                attachments: vec![],
            })
            .await;
        let acked = agent
            .recv_until(|e| match e {
                AgentEvent::Ack { conversation_id, .. } => Some(conversation_id),
                AgentEvent::Error { code, .. } => panic!("{code}"),
                _ => None,
            })
            .await;
        assert_eq!(&acked, conv);
    }

    // A page URL that would start a new line in a mail is not stored.
    let (mut ws, _) =
        tokio_tungstenite::connect_async(format!("ws://{}/ws/visitor", server.addr)).await.unwrap();
    let hello = ClientCommand::Hello {
        session_token: None,
        protocol: PROTOCOL_VERSION,
        page_url: "https://shop.example/\r\nBcc: victim@example.org".into(),
        locale: "en".into(),
        resume: vec![],
    };
    ws.send(Message::Text(hello.encode().into())).await.unwrap();
    ws.send(Message::Text(send_message(None, "p1", "hi").encode().into())).await.unwrap();
    let conv = loop {
        let Some(Ok(Message::Text(t))) = ws.next().await else { panic!("closed") };
        if let Ok(ServerEvent::Ack { conversation_id, .. }) = ServerEvent::decode(t.as_str()) {
            break conversation_id;
        }
    };
    agent.send(&AgentCommand::OpenConversation { conversation_id: conv }).await;
    let page_url = agent
        .recv_until(|e| match e {
            AgentEvent::Conversation { conversation, .. } => Some(conversation.page_url),
            _ => None,
        })
        .await;
    assert_eq!(page_url, "");
}
