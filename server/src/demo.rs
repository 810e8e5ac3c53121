//! `demo`: a server on a fresh database in a temporary directory, with a demo agent
//! and a built-in SMTP sink, for trying sitechat in one command.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::app::{RunningServer, ServerConfig, SmtpConfig};
use crate::db::Db;
use crate::mail::smtp_sink::SmtpSink;

/// The demo agent's address.
pub const DEMO_EMAIL: &str = "demo@example.com";

/// Runs the demo until Ctrl-C.
pub async fn run(addr: SocketAddr, static_dir: Option<PathBuf>) -> Result<(), String> {
    let dir = std::env::temp_dir().join(crate::ids::new_id("sitechat-demo"));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let db_path = dir.join("demo.sqlite");
    let db = Db::open(&db_path).map_err(|e| format!("cannot open the database: {e}"))?;
    let password = crate::ids::new_token().chars().take(16).collect::<String>();
    crate::cli::add_agent(&db, DEMO_EMAIL, "Demo Agent", &password)?;
    drop(db);
    let mail_dir = dir.join("mail");
    let sink = SmtpSink::start(SocketAddr::from(([127, 0, 0, 1], 0)), &mail_dir)
        .await
        .map_err(|e| format!("cannot start the SMTP sink: {e}"))?;
    let mut config = ServerConfig::new(db_path);
    config.static_dir = static_dir;
    config.smtp = Some(SmtpConfig {
        host: "127.0.0.1".into(),
        port: sink.addr.port(),
        from: "chat@example.com".into(),
    });
    config.public_url = Some(format!("http://{addr}"));
    config.site_config = serde_json::json!({ "options": { "transcript_auto_send": true } });
    let server = RunningServer::start(config, addr).await.map_err(|e| e.to_string())?;
    println!("sitechat demo");
    println!("  visitor page: http://{}/", server.addr);
    println!("  agent inbox:  http://{}/inbox", server.addr);
    println!("  agent login:  {DEMO_EMAIL} / {password}");
    println!("  data:         {}", dir.display());
    println!("  mails:        {}", mail_dir.display());
    println!("Press Ctrl-C to stop.");
    server.run_until_ctrl_c().await;
    sink.stop();
    Ok(())
}
