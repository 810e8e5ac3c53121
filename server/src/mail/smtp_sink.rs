//! A minimal SMTP server that writes every mail it receives to a directory as an
//! `.eml` file, for the demo and the tests (no relaying, no authentication).
//!
//! Invariants:
//! - it speaks just enough SMTP for a normal client: HELO/EHLO, MAIL, RCPT, DATA,
//!   RSET, NOOP, QUIT; anything else is answered `502` and the session goes on;
//! - a line longer than [`MAX_LINE`] or a mail larger than [`MAX_MAIL`] ends the
//!   session with an error, so a client cannot exhaust memory;
//! - a mail's file is written under a temporary name and renamed, so a reader
//!   never sees half a mail.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// Longest command or data line, in bytes.
pub const MAX_LINE: usize = 64 * 1024;
/// Largest mail, in bytes.
pub const MAX_MAIL: usize = 32 * 1024 * 1024;

/// A running sink.
pub struct SmtpSink {
    pub addr: SocketAddr,
    pub dir: PathBuf,
    task: JoinHandle<()>,
}

impl SmtpSink {
    /// Listens on `addr` (port 0 for an ephemeral one), writing mails into `dir`.
    pub async fn start(addr: SocketAddr, dir: &Path) -> std::io::Result<SmtpSink> {
        tokio::fs::create_dir_all(dir).await?;
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let dir_owned = dir.to_path_buf();
        let counter = Arc::new(AtomicU64::new(0));
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, peer)) = listener.accept().await else { continue };
                let dir = dir_owned.clone();
                let counter = counter.clone();
                tokio::spawn(async move {
                    if let Err(e) = session(stream, &dir, &counter).await {
                        tracing::debug!("smtp sink: session with {peer} ended: {e}");
                    }
                });
            }
        });
        Ok(SmtpSink { addr, dir: dir.to_path_buf(), task })
    }

    /// Stops listening (sessions in progress finish on their own).
    pub fn stop(self) {
        self.task.abort();
    }

    /// Runs until the process ends.
    pub async fn wait(self) {
        let _ = self.task.await;
    }
}

async fn read_line(
    reader: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
    buf: &mut Vec<u8>,
) -> std::io::Result<bool> {
    buf.clear();
    let n = (&mut *reader).take(MAX_LINE as u64 + 1).read_until(b'\n', buf).await?;
    if n == 0 {
        return Ok(false);
    }
    if buf.len() > MAX_LINE {
        return Err(std::io::Error::other("line too long"));
    }
    while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        buf.pop();
    }
    Ok(true)
}

async fn session(stream: TcpStream, dir: &Path, counter: &AtomicU64) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    write.write_all(b"220 sitechat-sink ESMTP ready\r\n").await?;
    let mut line = Vec::new();
    let mut in_mail = false;
    while read_line(&mut reader, &mut line).await? {
        let text = String::from_utf8_lossy(&line);
        let verb = text.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "HELO" => b"250 sitechat-sink\r\n",
            "EHLO" => b"250-sitechat-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n",
            "MAIL" => {
                in_mail = true;
                b"250 OK\r\n"
            }
            "RCPT" if in_mail => b"250 OK\r\n",
            "RCPT" => b"503 MAIL first\r\n",
            "DATA" if in_mail => {
                write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await?;
                let mail = read_data(&mut reader).await?;
                store(dir, counter, &mail).await?;
                in_mail = false;
                b"250 OK stored\r\n"
            }
            "DATA" => b"503 MAIL first\r\n",
            "RSET" => {
                in_mail = false;
                b"250 OK\r\n"
            }
            "NOOP" => b"250 OK\r\n",
            "QUIT" => {
                write.write_all(b"221 Bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 Command not implemented\r\n",
        };
        write.write_all(reply).await?;
    }
    Ok(())
}

async fn read_data(
    reader: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
) -> std::io::Result<Vec<u8>> {
    let mut mail = Vec::new();
    let mut line = Vec::new();
    loop {
        if !read_line(reader, &mut line).await? {
            return Err(std::io::Error::other("connection closed inside DATA"));
        }
        if line == b"." {
            return Ok(mail);
        }
        // Undo dot-stuffing: a leading "." was doubled by the client.
        let content = if line.first() == Some(&b'.') { &line[1..] } else { &line[..] };
        if mail.len() + content.len() + 2 > MAX_MAIL {
            return Err(std::io::Error::other("mail too large"));
        }
        mail.extend_from_slice(content);
        mail.extend_from_slice(b"\r\n");
    }
}

async fn store(dir: &Path, counter: &AtomicU64, mail: &[u8]) -> std::io::Result<()> {
    let n = counter.fetch_add(1, Ordering::Relaxed);
    let name = format!("{}-{n:04}", crate::clock::now_ms());
    let tmp = dir.join(format!(".{name}.tmp"));
    tokio::fs::write(&tmp, mail).await?;
    tokio::fs::rename(&tmp, dir.join(format!("{name}.eml"))).await
}
