//! Helpers shared by the integration tests: a server on an ephemeral port with a
//! temporary database, WebSocket clients for visitors and agents, and a tiny HTTP
//! client over a raw TCP stream.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use sitechat_core::protocol::agent::{AgentCommand, AgentEvent};
use sitechat_core::protocol::{ClientCommand, ConversationId, ServerEvent, PROTOCOL_VERSION};
use sitechat_server::app::{RunningServer, ServerConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub const PASSWORD: &str = "correct horse battery";
pub const WAIT: Duration = Duration::from_secs(5);

pub struct TestServer {
    pub dir: tempfile::TempDir,
    pub server: Option<RunningServer>,
}

impl TestServer {
    pub fn db_path(dir: &tempfile::TempDir) -> PathBuf {
        dir.path().join("chat.sqlite")
    }

    pub fn config(dir: &tempfile::TempDir) -> ServerConfig {
        let mut config = ServerConfig::new(Self::db_path(dir));
        config.inactivity_check = Duration::from_millis(200);
        config.mail_retry_base = Duration::from_millis(200);
        config
    }

    pub async fn start() -> TestServer {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(edit: impl FnOnce(&mut ServerConfig)) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Self::config(&dir);
        edit(&mut config);
        let server = RunningServer::start(config, "127.0.0.1:0".parse().unwrap()).await.unwrap();
        TestServer { dir, server: Some(server) }
    }

    pub fn server(&self) -> &RunningServer {
        self.server.as_ref().unwrap()
    }

    pub fn addr(&self) -> SocketAddr {
        self.server().addr
    }

    /// Stops the server and starts a new one on the same database file.
    pub async fn restart(&mut self) {
        if let Some(s) = self.server.take() {
            s.stop().await;
        }
        let config = Self::config(&self.dir);
        self.server =
            Some(RunningServer::start(config, "127.0.0.1:0".parse().unwrap()).await.unwrap());
    }

    /// Adds an agent and returns its id.
    pub fn add_agent(&self, email: &str, name: &str) -> String {
        sitechat_server::cli::add_agent(&self.server().app.db, email, name, PASSWORD).unwrap()
    }

    pub async fn visitor(&self) -> Visitor {
        Visitor::connect(self.addr(), None).await
    }

    /// Logs in over HTTP and opens the agent socket.
    pub async fn agent(&self, email: &str) -> Agent {
        let cookie = login(self.addr(), email, PASSWORD).await.expect("login");
        Agent::connect(self.addr(), &cookie).await
    }
}

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

async fn next_text(ws: &mut Ws) -> Option<String> {
    loop {
        match tokio::time::timeout(WAIT, ws.next()).await {
            Err(_) => return None,
            Ok(None) | Ok(Some(Err(_))) => return None,
            Ok(Some(Ok(Message::Text(t)))) => return Some(t.to_string()),
            Ok(Some(Ok(Message::Close(_)))) => return None,
            Ok(Some(Ok(_))) => continue,
        }
    }
}

pub struct Visitor {
    pub ws: Ws,
    pub token: String,
    pub visitor_id: String,
    pub team_available: bool,
}

impl Visitor {
    pub async fn connect(addr: SocketAddr, token: Option<String>) -> Visitor {
        Self::connect_resuming(addr, token, vec![]).await
    }

    pub async fn connect_resuming(
        addr: SocketAddr,
        token: Option<String>,
        resume: Vec<sitechat_core::protocol::ResumePoint>,
    ) -> Visitor {
        let (ws, _) =
            tokio_tungstenite::connect_async(format!("ws://{addr}/ws/visitor")).await.unwrap();
        let mut v =
            Visitor { ws, token: String::new(), visitor_id: String::new(), team_available: false };
        v.send(&ClientCommand::Hello {
            session_token: token,
            protocol: PROTOCOL_VERSION,
            page_url: "https://shop.example/pricing".into(),
            locale: "en".into(),
            resume,
        })
        .await;
        match v.recv().await {
            ServerEvent::Welcome { session_token, visitor_id, team_available, .. } => {
                v.token = session_token;
                v.visitor_id = visitor_id;
                v.team_available = team_available;
            }
            other => panic!("expected welcome, got {other:?}"),
        }
        v
    }

    pub async fn send(&mut self, c: &ClientCommand) {
        self.ws.send(Message::Text(c.encode().into())).await.unwrap();
    }

    pub async fn send_raw(&mut self, text: String) {
        self.ws.send(Message::Text(text.into())).await.unwrap();
    }

    pub async fn recv(&mut self) -> ServerEvent {
        let text = next_text(&mut self.ws).await.expect("a frame from the server");
        ServerEvent::decode(&text).unwrap_or_else(|e| panic!("bad frame {text}: {e}"))
    }

    /// The next frame that `pick` accepts, skipping others.
    pub async fn recv_until<T>(&mut self, mut pick: impl FnMut(ServerEvent) -> Option<T>) -> T {
        loop {
            if let Some(t) = pick(self.recv().await) {
                return t;
            }
        }
    }

    /// Nothing arrives within `d`.
    pub async fn silent_for(&mut self, d: Duration) -> bool {
        tokio::time::timeout(d, self.ws.next()).await.is_err()
    }

    /// Sends a message and returns (conversation id, seq) from its ack.
    pub async fn say(
        &mut self,
        conversation_id: Option<&str>,
        client_id: &str,
        text: &str,
    ) -> (ConversationId, u64) {
        self.send(&ClientCommand::SendMessage {
            conversation_id: conversation_id.map(ConversationId::from),
            client_id: client_id.into(),
            text: text.into(),
            attachments: vec![],
            quick_reply: None,
            page_url: None,
        })
        .await;
        self.recv_until(|e| match e {
            ServerEvent::Ack { conversation_id, seq, client_id: c, .. } if c == client_id => {
                Some((conversation_id, seq))
            }
            ServerEvent::Error { code, message, .. } => panic!("error {code}: {message}"),
            _ => None,
        })
        .await
    }
}

pub struct Agent {
    pub ws: Ws,
    pub ready: AgentEvent,
}

impl Agent {
    pub async fn connect(addr: SocketAddr, cookie: &str) -> Agent {
        let mut request = format!("ws://{addr}/ws/agent").into_client_request().unwrap();
        request.headers_mut().insert("cookie", cookie.parse().unwrap());
        let (mut ws, _) = tokio_tungstenite::connect_async(request).await.unwrap();
        let text = next_text(&mut ws).await.expect("ready");
        let ready = AgentEvent::decode(&text).unwrap();
        assert!(matches!(ready, AgentEvent::Ready { .. }), "{text}");
        Agent { ws, ready }
    }

    pub async fn send(&mut self, c: &AgentCommand) {
        self.ws.send(Message::Text(c.encode().into())).await.unwrap();
    }

    pub async fn recv(&mut self) -> AgentEvent {
        let text = next_text(&mut self.ws).await.expect("a frame from the server");
        AgentEvent::decode(&text).unwrap_or_else(|e| panic!("bad frame {text}: {e}"))
    }

    pub async fn recv_until<T>(&mut self, mut pick: impl FnMut(AgentEvent) -> Option<T>) -> T {
        loop {
            if let Some(t) = pick(self.recv().await) {
                return t;
            }
        }
    }
}

/// A raw HTTP/1.1 response.
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends one request with `Connection: close` and reads the whole response.
pub async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> HttpResponse {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(WAIT, stream.read_to_end(&mut raw)).await.unwrap().unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("end of headers");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines.next().unwrap().split_whitespace().nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    HttpResponse { status, headers, body }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = data.windows(2).position(|w| w == b"\r\n") else { return out };
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..end]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 2 + size + 2..];
    }
}

/// Logs an agent in; returns the `name=value` of the session cookie.
pub async fn login(addr: SocketAddr, email: &str, password: &str) -> Option<String> {
    let body = serde_json::json!({ "email": email, "password": password }).to_string();
    let r = http(
        addr,
        "POST",
        "/api/agent/login",
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    )
    .await;
    if r.status != 200 {
        return None;
    }
    let set = r.header("set-cookie")?;
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict"), "{set}");
    Some(set.split(';').next()?.to_owned())
}

/// Signs the agent with `cookie` out; returns the status (204 when it worked).
pub async fn logout(addr: SocketAddr, cookie: &str) -> u16 {
    let headers = [("Cookie", cookie), ("Content-Type", "application/json")];
    http(addr, "POST", "/api/agent/logout", &headers, b"{}").await.status
}

/// Polls until `check` holds or the wait runs out.
pub async fn eventually(mut check: impl FnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + WAIT;
    while tokio::time::Instant::now() < deadline {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    check()
}

/// Starts the prepared server `command` (the real binary, `serve --addr 127.0.0.1:0 …`)
/// and waits up to `within` for it to say where it listens. Its log is drained so it
/// never blocks on a full pipe; the process dies with the returned handle.
pub async fn spawn_listening(
    mut command: tokio::process::Command,
    within: Duration,
) -> (tokio::process::Child, SocketAddr) {
    use std::process::Stdio;
    use tokio::io::{AsyncBufReadExt, BufReader};
    let mut child = command
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the server binary starts");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let addr = tokio::time::timeout(within, async {
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(rest) = line.split("listening on http://").nth(1) {
                return rest.trim().parse().ok();
            }
        }
        None
    })
    .await
    .ok()
    .flatten()
    .expect("the server says where it listens");
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, addr)
}
