//! The reference server's load benchmark (a benchmark, not a test; see
//! `bench/server-load/run.sh` and docs/performance.md, "Server load").
//!
//! 1. Starts the real `sitechat-server` on 127.0.0.1 with a fresh database, a signed-in
//!    agent, and the per-address limits raised (every client here shares one address).
//! 2. Opens idle visitor sockets (each a new visitor that said `hello`) in doubling
//!    steps up to `--max-sockets`, reading the server's RSS from `/proc` after each:
//!    prints RSS per idle socket and the largest number held.
//! 3. With `--hold` sockets (2 000 by default) still open, `--senders` visitors send
//!    `--rate` messages a second in all for `--seconds`; the agent's socket receives
//!    each one: prints p50/p99/max delivery latency (visitor send → agent receive).
//!
//! Everything stays on 127.0.0.1 and every loop is bounded.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use sitechat_core::protocol::agent::AgentEvent;
use sitechat_core::protocol::{ClientCommand, ConversationId, ServerEvent, PROTOCOL_VERSION};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>;

const PASSWORD: &str = "load benchmark password";
const EMAIL: &str = "load@example.com";

struct Options {
    max_sockets: usize,
    hold: usize,
    rate: u32,
    seconds: u64,
    senders: u32,
}

fn options() -> Result<Options, String> {
    let mut o = Options { max_sockets: 8000, hold: 2000, rate: 200, seconds: 10, senders: 20 };
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        let number = |v: String| v.parse::<u64>().map_err(|e| format!("{v}: {e}"));
        match flag.as_str() {
            "--max-sockets" => o.max_sockets = number(value()?)? as usize,
            "--hold" => o.hold = number(value()?)? as usize,
            "--rate" => o.rate = number(value()?)? as u32,
            "--seconds" => o.seconds = number(value()?)?,
            "--senders" => o.senders = number(value()?)?.max(1) as u32,
            other => return Err(format!("unknown option {other}")),
        }
    }
    o.hold = o.hold.min(o.max_sockets);
    Ok(o)
}

struct Server {
    child: tokio::process::Child,
    addr: SocketAddr,
    _dir: tempfile::TempDir,
}

impl Server {
    async fn start() -> Result<Server, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let db = dir.path().join("load.sqlite");
        let bin = env!("CARGO_BIN_EXE_sitechat-server");
        let added = tokio::process::Command::new(bin)
            .args(["agent", "add", "--email", EMAIL, "--name", "Load", "--db"])
            .arg(&db)
            .env("SITECHAT_AGENT_PASSWORD", PASSWORD)
            .stdout(Stdio::null())
            .status()
            .await
            .map_err(|e| e.to_string())?;
        if !added.success() {
            return Err("agent add failed".into());
        }
        let mut child = tokio::process::Command::new(bin)
            .args(["serve", "--addr", "127.0.0.1:0", "--db"])
            .arg(&db)
            .args([
                "--max-sockets-per-address",
                "1000000",
                "--max-sockets-total",
                "1000000",
                "--conversations-per-address-per-hour",
                "1000000",
                "--visitor-rate",
                "1000",
                "--visitor-burst",
                "1000",
                "--idle-timeout-secs",
                "3600",
            ])
            .env("RUST_LOG", "warn,sitechat_server=info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| e.to_string())?;
        let stderr = child.stderr.take().ok_or("no stderr")?;
        let mut lines = BufReader::new(stderr).lines();
        let addr = tokio::time::timeout(Duration::from_secs(20), async {
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
        .ok_or("the server did not say where it listens")?;
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Server { child, addr, _dir: dir })
    }

    fn rss(&self) -> u64 {
        let Some(pid) = self.child.id() else { return 0 };
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("VmRSS:"))
                    .and_then(|v| v.split_whitespace().next())
                    .and_then(|v| v.parse::<u64>().ok())
            })
            .map_or(0, |kb| kb * 1024)
    }
}

fn hello() -> String {
    ClientCommand::Hello {
        session_token: None,
        protocol: PROTOCOL_VERSION,
        page_url: "https://shop.example/".into(),
        locale: "en".into(),
        resume: vec![],
    }
    .encode()
}

/// A visitor socket that has been welcomed.
async fn idle_visitor(addr: SocketAddr) -> Result<Ws, String> {
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws/visitor"))
        .await
        .map_err(|e| e.to_string())?;
    ws.send(Message::Text(hello().into())).await.map_err(|e| e.to_string())?;
    match tokio::time::timeout(Duration::from_secs(10), ws.next()).await {
        Ok(Some(Ok(Message::Text(t)))) if t.as_str().contains(r#""type":"welcome""#) => Ok(ws),
        other => Err(format!("no welcome: {other:?}")),
    }
}

/// Opens `n` more idle sockets, 64 at a time; stops at the first failure.
async fn open_more(addr: SocketAddr, held: &mut Vec<Ws>, n: usize) -> Option<String> {
    let mut left = n;
    while left > 0 {
        let batch = left.min(64);
        let opened = futures_util::future::join_all((0..batch).map(|_| idle_visitor(addr))).await;
        for ws in opened {
            match ws {
                Ok(ws) => held.push(ws),
                Err(e) => return Some(e),
            }
        }
        left -= batch;
    }
    None
}

async fn login(addr: SocketAddr) -> Result<String, String> {
    let body = serde_json::json!({ "email": EMAIL, "password": PASSWORD }).to_string();
    let mut stream = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    let head = format!(
        "POST /api/agent/login HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.map_err(|e| e.to_string())?;
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.map_err(|e| e.to_string())?;
    raw.lines()
        .find_map(|l| l.strip_prefix("set-cookie: ").or_else(|| l.strip_prefix("Set-Cookie: ")))
        .and_then(|c| c.split(';').next())
        .map(str::to_owned)
        .ok_or_else(|| format!("login failed: {}", raw.lines().next().unwrap_or("")))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

async fn run(o: Options) -> Result<(), String> {
    let server = Server::start().await?;
    let addr = server.addr;
    println!("server-load: sitechat-server (release) on {addr}, fresh database");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let base = server.rss();
    println!("idle RSS at start: {:.1} MB", mb(base));

    // Idle sockets, in doubling steps.
    let mut held: Vec<Ws> = Vec::new();
    let mut step = 500usize.min(o.max_sockets);
    let mut stopped;
    println!("\n| idle visitor sockets | server RSS | RSS per socket | open time |");
    println!("|---:|---:|---:|---:|");
    loop {
        let started = Instant::now();
        let want = step - held.len();
        stopped = open_more(addr, &mut held, want).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let rss = server.rss();
        let per = rss.saturating_sub(base) as f64 / held.len().max(1) as f64;
        println!(
            "| {} | {:.1} MB | {:.1} KB | {:.1} s |",
            held.len(),
            mb(rss),
            per / 1024.0,
            started.elapsed().as_secs_f64()
        );
        if stopped.is_some() || step >= o.max_sockets {
            break;
        }
        step = (step * 2).min(o.max_sockets);
    }
    let largest = held.len();
    match &stopped {
        Some(e) => println!("\nlargest N held: {largest} (the next socket failed: {e})"),
        None => println!("\nlargest N held: {largest} (the benchmark's cap, --max-sockets)"),
    }
    held.truncate(o.hold);
    tokio::time::sleep(Duration::from_millis(500)).await;

    // A sustained rate through to an agent, with `hold` idle sockets open.
    let cookie = login(addr).await?;
    let mut request =
        format!("ws://{addr}/ws/agent").into_client_request().map_err(|e| e.to_string())?;
    request.headers_mut().insert("cookie", cookie.parse().map_err(|_| "cookie")?);
    let (agent, _) = tokio_tungstenite::connect_async(request).await.map_err(|e| e.to_string())?;
    let sent_at: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let latencies: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let total = u64::from(o.rate) * o.seconds;
    let receiver = {
        let (sent_at, latencies) = (sent_at.clone(), latencies.clone());
        tokio::spawn(async move {
            let mut agent = agent;
            let deadline = tokio::time::Instant::now() + Duration::from_secs(o.seconds + 15);
            while (latencies.lock().map_or(0, |l| l.len()) as u64) < total {
                let next = tokio::time::timeout_at(deadline, agent.next()).await;
                let Ok(Some(Ok(Message::Text(t)))) = next else { break };
                if let Ok(AgentEvent::Message { message, .. }) = AgentEvent::decode(t.as_str()) {
                    let now = Instant::now();
                    let start = message
                        .client_id
                        .as_ref()
                        .and_then(|c| sent_at.lock().ok().and_then(|mut m| m.remove(c.as_str())));
                    if let (Some(start), Ok(mut l)) = (start, latencies.lock()) {
                        l.push(now - start);
                    }
                }
            }
        })
    };
    let mut senders = Vec::new();
    let per_sender = total / u64::from(o.senders);
    let interval = Duration::from_secs_f64(f64::from(o.senders) / f64::from(o.rate.max(1)));
    for s in 0..o.senders {
        let sent_at = sent_at.clone();
        let mut ws = idle_visitor(addr).await?;
        senders.push(tokio::spawn(async move {
            let mut conversation: Option<ConversationId> = None;
            let mut tick = tokio::time::interval(interval);
            for n in 0..per_sender {
                tick.tick().await;
                let client_id = format!("s{s}-{n}");
                let frame = ClientCommand::SendMessage {
                    conversation_id: conversation.clone(),
                    client_id: client_id.clone().into(),
                    text: format!("load message {n} from sender {s}"),
                    attachments: vec![],
                    quick_reply: None,
                    page_url: None,
                };
                if let Ok(mut m) = sent_at.lock() {
                    m.insert(client_id.clone(), Instant::now());
                }
                if ws.send(Message::Text(frame.encode().into())).await.is_err() {
                    return;
                }
                if conversation.is_none() {
                    // The first message starts the conversation: learn its id.
                    while let Some(Ok(Message::Text(t))) = ws.next().await {
                        if let Ok(ServerEvent::Ack { conversation_id, .. }) =
                            ServerEvent::decode(t.as_str())
                        {
                            conversation = Some(conversation_id);
                            break;
                        }
                    }
                }
                // Keep the socket's own echoes from piling up.
                while let Ok(Some(_)) =
                    tokio::time::timeout(Duration::from_millis(0), ws.next()).await
                {
                }
            }
        }));
    }
    let started = Instant::now();
    for s in senders {
        let _ = s.await;
    }
    let sending = started.elapsed();
    let _ = receiver.await;
    let mut l = latencies.lock().map_err(|_| "poisoned")?.clone();
    l.sort_unstable();
    println!(
        "\nsustained load: {} idle sockets open, {} senders, {} messages in {:.1} s ({:.0}/s)",
        held.len(),
        o.senders,
        total,
        sending.as_secs_f64(),
        total as f64 / sending.as_secs_f64()
    );
    println!(
        "delivered to the agent: {} of {total}; latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        l.len(),
        percentile(&l, 0.5).as_secs_f64() * 1000.0,
        percentile(&l, 0.99).as_secs_f64() * 1000.0,
        l.last().copied().unwrap_or_default().as_secs_f64() * 1000.0
    );
    println!("server RSS at the end: {:.1} MB", mb(server.rss()));
    drop(held);
    Ok(())
}

fn main() -> std::process::ExitCode {
    let o = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("server-load: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("server-load: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(o)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("server-load: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
