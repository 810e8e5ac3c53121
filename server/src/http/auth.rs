//! Who is making a request: an agent (session cookie) or a visitor (bearer token).
//!
//! Invariants: credentials are looked up only by their SHA-256 hash; an unknown,
//! expired or malformed credential is the same as none.

use std::sync::Arc;

use axum::http::header::{AUTHORIZATION, COOKIE, HOST, ORIGIN};
use axum::http::HeaderMap;

use crate::app::App;
use crate::clock::now_ms;
use crate::db::agents::{self, AgentRow};
use crate::db::{visitors, DbError};
use crate::ids::token_hash;

/// The name of the inbox's session cookie.
pub const AGENT_COOKIE: &str = "sitechat_agent";

/// The value of cookie `name` in the request, if present.
///
/// ```
/// use axum::http::HeaderMap;
/// let mut h = HeaderMap::new();
/// h.insert("cookie", "a=1; sitechat_agent=tok; b=2".parse().unwrap());
/// assert_eq!(sitechat_server::http::auth::cookie(&h, "sitechat_agent").as_deref(), Some("tok"));
/// assert_eq!(sitechat_server::http::auth::cookie(&h, "c"), None);
/// ```
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The agent whose session cookie the request carries.
pub async fn agent_from_headers(
    app: &Arc<App>,
    headers: &HeaderMap,
) -> Result<Option<AgentRow>, DbError> {
    let Some(token) = cookie(headers, AGENT_COOKIE) else { return Ok(None) };
    let hash = token_hash(&token);
    app.db.call(move |c| agents::agent_for_session(c, &hash, now_ms())).await
}

/// The bearer token of the request, from `Authorization: Bearer …`.
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer "))?;
    Some(token.trim().to_owned()).filter(|t| !t.is_empty())
}

/// The visitor a session token belongs to.
pub async fn visitor_from_token(
    app: &Arc<App>,
    token: Option<String>,
) -> Result<Option<String>, DbError> {
    let Some(token) = token else { return Ok(None) };
    let hash = token_hash(&token);
    app.db.call(move |c| visitors::find_by_token(c, &hash, now_ms())).await
}

/// Whether a browser request comes from the page's own origin (requests without an
/// `Origin` header, from non-browser clients, pass).
pub fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) else { return true };
    let Some(host) = headers.get(HOST).and_then(|v| v.to_str().ok()) else { return false };
    let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or(origin);
    origin_host.eq_ignore_ascii_case(host)
}
