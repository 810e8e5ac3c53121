//! Deletes uploads that were never attached to a message, once they are older than
//! `unattached_upload_ttl` (24 h by default), so uploading without sending cannot fill
//! the disk.
//!
//! Invariant: a file is deleted only after its row is gone (in one statement that
//! returns the ids), so a file a message refers to is never deleted, and a crash
//! between the two leaves at most an orphan file, never a dangling row.

use std::sync::Arc;

use crate::app::App;
use crate::clock::now_ms;
use crate::db::attachments;

/// One sweep: forgets and deletes every stale unattached upload; returns how many.
pub async fn sweep(app: &Arc<App>) -> usize {
    let ttl = i64::try_from(app.config.unattached_upload_ttl.as_millis()).unwrap_or(i64::MAX);
    let cutoff = now_ms().saturating_sub(ttl);
    let ids = match app.db.call(move |c| attachments::delete_unattached_before(c, cutoff)).await {
        Ok(ids) => ids,
        Err(e) => {
            tracing::error!("cleanup: cannot list stale uploads: {e}");
            return 0;
        }
    };
    for id in &ids {
        let path = app.config.attachments_dir.join(id);
        if let Err(e) = tokio::fs::remove_file(&path).await {
            tracing::warn!("cleanup: cannot delete {}: {e}", path.display());
        }
    }
    ids.len()
}

/// Sweeps every `cleanup_check` until the server stops.
pub async fn run(app: Arc<App>) {
    let mut shutdown = app.shutdown.clone();
    loop {
        tokio::select! {
            _ = shutdown.wait_for(|s| *s) => return,
            _ = tokio::time::sleep(app.config.cleanup_check) => {}
        }
        sweep(&app).await;
    }
}
