//! Ends conversations whose visitor has been silent too long.
//!
//! Invariants: a conversation ends for inactivity only while open, at most once
//! (the database update is conditional), with reason `inactivity`, and its visitor
//! and the agents are told exactly as when an agent closes it. Silence is measured
//! from the visitor's last message (agent replies do not keep a chat alive).

use std::sync::Arc;

use sitechat_core::protocol::EndReason;

use crate::app::App;
use crate::clock::now_ms;
use crate::db::conversations;

/// One sweep: ends every idle conversation, returns how many ended.
pub async fn sweep(app: &Arc<App>) -> usize {
    let timeout = i64::try_from(app.options.inactivity_timeout.as_millis()).unwrap_or(i64::MAX);
    let cutoff = now_ms().saturating_sub(timeout);
    let idle = match app.db.call(move |c| conversations::idle_open(c, cutoff)).await {
        Ok(ids) => ids,
        Err(e) => {
            tracing::error!("inactivity: cannot list idle conversations: {e}");
            return 0;
        }
    };
    let mut ended = 0;
    for id in idle {
        match crate::chat::end_conversation(app, &id, EndReason::Inactivity).await {
            Ok(true) => ended += 1,
            Ok(false) => {}
            Err(e) => tracing::error!("inactivity: cannot end {id}: {e}"),
        }
    }
    ended
}

/// Sweeps every `inactivity_check` until the server stops.
pub async fn run(app: Arc<App>) {
    let mut shutdown = app.shutdown.clone();
    loop {
        tokio::select! {
            _ = shutdown.wait_for(|s| *s) => return,
            _ = tokio::time::sleep(app.config.inactivity_check) => {}
        }
        sweep(&app).await;
    }
}
