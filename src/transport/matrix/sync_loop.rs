//! The `/sync` long poll of one connection: each answer becomes a job of the session
//! (read the rooms that moved, report typing and receipts); a failed poll loses the
//! connection, which the link replaces with back-off.

use std::rc::Rc;

use sitechat_core::matrix::sync::{parse_sync, SYNC_FILTER};

use super::api::{enc, ApiFailure, Body};
use super::session::{Job, Session};

/// How long the homeserver may hold one poll (ms). Below the link's 25 s ping interval
/// plus its 10 s pong deadline, so a poll never outlives a healthy link's patience.
pub const POLL_TIMEOUT_MS: u32 = 20_000;

/// Polls until the session closes.
pub async fn run(session: Rc<Session>) {
    let mut since: Option<String> = None;
    let filter = enc(SYNC_FILTER);
    while !session.is_closed() {
        let mut path = format!("/_matrix/client/v3/sync?filter={filter}");
        match &since {
            Some(token) => {
                path.push_str(&format!("&timeout={POLL_TIMEOUT_MS}&since={}", enc(token)))
            }
            None => path.push_str("&timeout=0"),
        }
        let answer = session.api().call("GET", &path, Body::None).await;
        if session.is_closed() {
            return;
        }
        match answer.map_err(|f| f.to_string()).and_then(|body| parse_sync(&body)) {
            Ok(news) => {
                since = Some(news.next_batch.clone());
                session.push(Job::News(news));
            }
            Err(why) => {
                return session.failed(ApiFailure::Unreachable(format!("/sync: {why}")), None)
            }
        }
    }
}
