//! Sends the outbox over SMTP, retrying failures with exponential backoff.
//!
//! Invariants: a mail is marked sent only after the SMTP server accepted it; a
//! failure is logged and rescheduled (base delay doubling up to an hour), never
//! dropped; without SMTP settings mails wait in the table and a warning is logged.
//! Sending uses lettre's blocking SMTP client on the blocking pool, without TLS
//! (meant for a local relay or the SMTP sink).

use std::sync::Arc;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::{Message, SmtpTransport, Transport};

use crate::app::{App, SmtpConfig};
use crate::clock::now_ms;
use crate::db::outbox::{self, OutboxRow};

/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);
/// How often the worker looks for due mails without being woken.
const POLL: Duration = Duration::from_secs(1);

/// The delay before attempt `attempts + 1`.
///
/// ```
/// use std::time::Duration;
/// use sitechat_server::mail::outbox_worker::backoff;
/// assert_eq!(backoff(Duration::from_secs(5), 0), Duration::from_secs(5));
/// assert_eq!(backoff(Duration::from_secs(5), 3), Duration::from_secs(40));
/// assert_eq!(backoff(Duration::from_secs(5), 40), Duration::from_secs(3600));
/// ```
pub fn backoff(base: Duration, attempts: u32) -> Duration {
    base.checked_mul(1u32 << attempts.min(20)).unwrap_or(MAX_BACKOFF).min(MAX_BACKOFF)
}

fn send(smtp: &SmtpConfig, mail: &OutboxRow) -> Result<(), String> {
    let message = Message::builder()
        .from(smtp.from.parse().map_err(|e| format!("bad sender address: {e}"))?)
        .to(mail.to_addr.parse().map_err(|e| format!("bad recipient address: {e}"))?)
        .subject(mail.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body.clone())
        .map_err(|e| format!("cannot build the mail: {e}"))?;
    let transport = SmtpTransport::builder_dangerous(smtp.host.as_str())
        .port(smtp.port)
        .timeout(Some(Duration::from_secs(20)))
        .build();
    transport.send(&message).map(|_| ()).map_err(|e| e.to_string())
}

async fn run_once(app: &Arc<App>, smtp: &SmtpConfig) {
    let due = match app.db.call(|c| outbox::due(c, now_ms(), 20)).await {
        Ok(due) => due,
        Err(e) => {
            tracing::error!("outbox: cannot read: {e}");
            return;
        }
    };
    for mail in due {
        let smtp2 = smtp.clone();
        let mail2 = mail.clone();
        let outcome = tokio::task::spawn_blocking(move || send(&smtp2, &mail2))
            .await
            .unwrap_or_else(|e| Err(format!("send task failed: {e}")));
        let id = mail.id;
        let update = match outcome {
            Ok(()) => {
                tracing::info!("outbox: mail {id} sent to {}", mail.to_addr);
                app.db.call(move |c| outbox::mark_sent(c, id, now_ms())).await
            }
            Err(error) => {
                let delay = backoff(app.config.mail_retry_base, mail.attempts);
                tracing::warn!(
                    "outbox: mail {id} failed (attempt {}), retrying in {delay:?}: {error}",
                    mail.attempts + 1
                );
                let next =
                    now_ms().saturating_add(i64::try_from(delay.as_millis()).unwrap_or(i64::MAX));
                app.db.call(move |c| outbox::mark_failed(c, id, &error, next)).await
            }
        };
        if let Err(e) = update {
            tracing::error!("outbox: cannot record the outcome of mail {id}: {e}");
        }
    }
}

/// The worker loop; ends when the server stops.
pub async fn run(app: Arc<App>) {
    let mut shutdown = app.shutdown.clone();
    let Some(smtp) = app.config.smtp.clone() else {
        tracing::warn!("no SMTP server configured: transcript mails stay queued in the outbox");
        let _ = shutdown.wait_for(|s| *s).await;
        return;
    };
    loop {
        run_once(&app, &smtp).await;
        tokio::select! {
            _ = shutdown.wait_for(|s| *s) => return,
            _ = app.outbox_wake.notified() => {}
            _ = tokio::time::sleep(POLL) => {}
        }
    }
}
