//! The command line: `serve`, `agent add|list`, `demo`, `smtp-sink`.
//!
//! Invariant: every failure prints one clear line to stderr and exits non-zero.

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::app::{RunningServer, ServerConfig, SmtpConfig};
use crate::clock::now_ms;
use crate::db::{agents, Db};
use crate::mail::smtp_sink::SmtpSink;
use crate::password::{hash_password, MIN_PASSWORD_CHARS};

/// The sitechat reference backend.
#[derive(Debug, Parser)]
#[command(name = "sitechat-server", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the widget, the inbox, the API and the sockets.
    Serve(Box<ServeArgs>),
    /// Manage agents.
    #[command(subcommand)]
    Agent(AgentCommand),
    /// A throw-away demo: fresh database, a demo agent, a built-in SMTP sink.
    Demo(DemoArgs),
    /// A minimal SMTP server writing each mail to a directory as an .eml file.
    SmtpSink(SinkArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// SQLite database file (created if missing).
    #[arg(long)]
    pub db: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Directory of static files (widget build, demo site).
    #[arg(long)]
    pub static_dir: Option<PathBuf>,
    /// Site config JSON file: served to the widget at /api/site-config and read by the
    /// server with the widget's own parser (its `options` apply to both).
    #[arg(long)]
    pub site_config: Option<PathBuf>,
    /// SMTP server host for transcript mails.
    #[arg(long, requires = "smtp_from")]
    pub smtp_host: Option<String>,
    /// SMTP server port.
    #[arg(long, default_value_t = 25)]
    pub smtp_port: u16,
    /// Sender address of transcript mails.
    #[arg(long)]
    pub smtp_from: Option<String>,
    /// Public base URL (links in mails; `https://` makes the session cookie `Secure`).
    #[arg(long)]
    pub public_url: Option<String>,
    /// Content-Security-Policy header for static files.
    #[arg(long)]
    pub csp: Option<String>,
    /// Directory for uploaded files (default: beside the database).
    #[arg(long)]
    pub attachments_dir: Option<PathBuf>,
    /// Largest upload, in bytes (the site config's `options.max_attachment_bytes` also
    /// applies to visitors; the smaller wins).
    #[arg(long, default_value_t = 10 * 1024 * 1024)]
    pub max_upload_bytes: usize,
    /// Seconds between two sweeps for inactive conversations.
    #[arg(long, default_value_t = 30)]
    pub inactivity_check_secs: u64,
    /// A reverse proxy whose X-Forwarded-For is believed (repeat for several); without
    /// it the TCP peer is the client.
    #[arg(long = "trust-proxy", value_name = "IP")]
    pub trust_proxy: Vec<std::net::IpAddr>,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// Limits per visitor, address and in total (`docs/server.md`, "Limits"); each
/// defaults to the value listed there.
#[derive(Debug, Args, Default)]
pub struct LimitArgs {
    /// Seconds a socket may stay silent (no frame, no ping) before it is closed.
    #[arg(long)]
    pub idle_timeout_secs: Option<u64>,
    /// Open sockets per visitor.
    #[arg(long)]
    pub max_sockets_per_visitor: Option<usize>,
    /// Open sockets per client address.
    #[arg(long)]
    pub max_sockets_per_address: Option<usize>,
    /// Open sockets in all.
    #[arg(long)]
    pub max_sockets_total: Option<usize>,
    /// Visitor frames per second (per visitor, all its sockets).
    #[arg(long)]
    pub visitor_rate: Option<f64>,
    /// Visitor frames in a burst.
    #[arg(long)]
    pub visitor_burst: Option<f64>,
    /// Agent frames per second (per socket).
    #[arg(long)]
    pub agent_rate: Option<f64>,
    /// Agent frames in a burst.
    #[arg(long)]
    pub agent_burst: Option<f64>,
    /// New conversations per visitor per hour.
    #[arg(long)]
    pub conversations_per_visitor_per_hour: Option<u32>,
    /// New conversations per client address per hour.
    #[arg(long)]
    pub conversations_per_address_per_hour: Option<u32>,
    /// Transcript mails a visitor may ask for per conversation.
    #[arg(long)]
    pub transcripts_per_conversation: Option<u32>,
    /// Transcript mails a visitor may ask for per hour.
    #[arg(long)]
    pub transcripts_per_visitor_per_hour: Option<u32>,
    /// Upload bytes per visitor per day.
    #[arg(long)]
    pub upload_bytes_per_visitor_per_day: Option<u64>,
    /// Bytes of message text one conversation may hold.
    #[arg(long)]
    pub max_conversation_text_bytes: Option<u64>,
    /// Bytes of frames that may wait for one socket.
    #[arg(long)]
    pub max_queued_bytes: Option<usize>,
    /// Password checks that may run at once.
    #[arg(long)]
    pub max_concurrent_password_checks: Option<usize>,
}

impl LimitArgs {
    /// Writes every limit given into `config`.
    pub fn apply(&self, config: &mut ServerConfig) {
        fn set<T: Copy>(target: &mut T, value: Option<T>) {
            if let Some(v) = value {
                *target = v;
            }
        }
        if let Some(secs) = self.idle_timeout_secs {
            config.idle_timeout = Duration::from_secs(secs.max(1));
        }
        set(&mut config.max_sockets_per_visitor, self.max_sockets_per_visitor);
        set(&mut config.max_sockets_per_address, self.max_sockets_per_address);
        set(&mut config.max_sockets_total, self.max_sockets_total);
        set(&mut config.visitor_rate_per_sec, self.visitor_rate);
        set(&mut config.visitor_rate_burst, self.visitor_burst);
        set(&mut config.agent_rate_per_sec, self.agent_rate);
        set(&mut config.agent_rate_burst, self.agent_burst);
        set(
            &mut config.conversations_per_visitor_per_hour,
            self.conversations_per_visitor_per_hour,
        );
        set(
            &mut config.conversations_per_address_per_hour,
            self.conversations_per_address_per_hour,
        );
        set(&mut config.transcripts_per_conversation, self.transcripts_per_conversation);
        set(&mut config.transcripts_per_visitor_per_hour, self.transcripts_per_visitor_per_hour);
        set(&mut config.upload_bytes_per_visitor_per_day, self.upload_bytes_per_visitor_per_day);
        set(&mut config.max_conversation_text_bytes, self.max_conversation_text_bytes);
        set(&mut config.max_queued_bytes, self.max_queued_bytes);
        set(&mut config.max_concurrent_password_checks, self.max_concurrent_password_checks);
    }
}

#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    /// Add an agent; the password comes from SITECHAT_AGENT_PASSWORD or stdin.
    Add {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
    },
    /// List agents.
    List {
        #[arg(long)]
        db: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    #[arg(long)]
    pub static_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SinkArgs {
    #[arg(long, default_value = "127.0.0.1:2525")]
    pub addr: SocketAddr,
    #[arg(long)]
    pub dir: PathBuf,
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}

fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Serve(args) => {
            let addr = args.addr;
            let config = serve_config(*args)?;
            runtime()?.block_on(async move {
                let server = RunningServer::start(config, addr).await.map_err(|e| e.to_string())?;
                server.run_until_ctrl_c().await;
                Ok(())
            })
        }
        Command::Agent(AgentCommand::Add { db, email, name }) => {
            let password = read_password()?;
            let db = Db::open(&db).map_err(|e| format!("cannot open the database: {e}"))?;
            add_agent(&db, &email, &name, &password)?;
            println!("added agent {email}");
            Ok(())
        }
        Command::Agent(AgentCommand::List { db }) => {
            let db = Db::open(&db).map_err(|e| format!("cannot open the database: {e}"))?;
            let list = db.call_blocking(|c| agents::list(c)).map_err(|e| e.to_string())?;
            for a in list {
                println!("{}\t{}\t{}\t{}", a.id, a.email, a.name, a.status.as_str());
            }
            Ok(())
        }
        Command::Demo(args) => runtime()?.block_on(crate::demo::run(args.addr, args.static_dir)),
        Command::SmtpSink(args) => runtime()?.block_on(async move {
            let sink = SmtpSink::start(args.addr, &args.dir)
                .await
                .map_err(|e| format!("cannot listen on {}: {e}", args.addr))?;
            println!("SMTP sink on {} writing to {}", sink.addr, sink.dir.display());
            sink.wait().await;
            Ok(())
        }),
    }
}

/// Validates and stores a new agent.
pub fn add_agent(db: &Db, email: &str, name: &str, password: &str) -> Result<String, String> {
    let email = email.trim().to_owned();
    let name = name.trim().to_owned();
    if !sitechat_core::email::is_valid_email(&email) {
        return Err(format!("--email: {email:?} is not a valid e-mail address"));
    }
    if name.is_empty() || name.chars().count() > 100 {
        return Err("--name: must be 1 to 100 characters".into());
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!("the password must have at least {MIN_PASSWORD_CHARS} characters"));
    }
    let hash = hash_password(password)?;
    let added = db
        .call_blocking(|c| agents::add(c, &email, &name, &hash, now_ms()))
        .map_err(|e| e.to_string())?;
    added.ok_or_else(|| format!("an agent with e-mail {email} already exists"))
}

fn read_password() -> Result<String, String> {
    if let Ok(p) = std::env::var("SITECHAT_AGENT_PASSWORD") {
        return Ok(p);
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("password: ");
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line).map_err(|e| format!("cannot read the password: {e}"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn serve_config(args: ServeArgs) -> Result<ServerConfig, String> {
    let mut config = ServerConfig::new(args.db);
    if let Some(dir) = &args.static_dir {
        if !dir.is_dir() {
            return Err(format!("--static-dir: {} is not a directory", dir.display()));
        }
    }
    config.static_dir = args.static_dir;
    if let Some(path) = &args.site_config {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("--site-config: cannot read {}: {e}", path.display()))?;
        config.site_config = serde_json::from_str(&text)
            .map_err(|e| format!("--site-config: {}: {e}", path.display()))?;
    }
    if let (Some(host), Some(from)) = (args.smtp_host, args.smtp_from) {
        config.smtp = Some(SmtpConfig { host, port: args.smtp_port, from });
    }
    config.public_url = args.public_url;
    config.csp = args.csp;
    if let Some(dir) = args.attachments_dir {
        config.attachments_dir = dir;
    }
    config.max_upload_bytes = args.max_upload_bytes;
    config.inactivity_check = Duration::from_secs(args.inactivity_check_secs.max(1));
    config.trusted_proxies = args.trust_proxy;
    args.limits.apply(&mut config);
    Ok(config)
}
