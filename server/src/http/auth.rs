//! Who is making a request, as axum extractors: [`AgentSession`] (the inbox's session
//! cookie), [`MaybeAgent`], [`VisitorSession`] (a visitor's bearer token),
//! [`Requester`] (either), and [`ClientIp`] (the client's address, through a trusted
//! proxy when configured).
//!
//! Invariants: credentials are looked up only by their SHA-256 hash; an unknown,
//! expired or malformed credential is the same as none; `X-Forwarded-For` is read
//! only when the TCP peer is one of the configured trusted proxies.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts, Query};
use axum::http::header::{AUTHORIZATION, COOKIE, HOST, ORIGIN};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use sitechat_core::time::UnixMillis;

use super::api_error::ApiError;
use crate::app::{App, ServerConfig};
use crate::clock::now_ms;
use crate::db::agents::{self, AgentRow};
use crate::db::visitors;
use crate::ids::token_hash;

/// The name of the inbox's session cookie over plain http.
pub const AGENT_COOKIE: &str = "sitechat_agent";
/// Its name when the public URL is https: browsers then accept it only `Secure`, with
/// `Path=/` and no `Domain`, so a sibling subdomain cannot plant one.
pub const AGENT_COOKIE_HOST: &str = "__Host-sitechat_agent";

/// The session cookie's name for this server.
pub fn agent_cookie_name(config: &ServerConfig) -> &'static str {
    if config.is_https() {
        AGENT_COOKIE_HOST
    } else {
        AGENT_COOKIE
    }
}

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

/// The bearer token of the request, from `Authorization: Bearer …`.
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer "))?;
    Some(token.trim().to_owned()).filter(|t| !t.is_empty())
}

/// Whether a browser request comes from the page's own origin (requests without an
/// `Origin` header, from non-browser clients, pass).
pub fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) else { return true };
    let Some(host) = headers.get(HOST).and_then(|v| v.to_str().ok()) else { return false };
    let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or(origin);
    origin_host.eq_ignore_ascii_case(host)
}

/// A signed-in agent: the request carries a valid session cookie. Rejects with 401.
#[derive(Debug, Clone)]
pub struct AgentSession {
    pub agent: AgentRow,
    /// The SHA-256 of the session token (to close its sockets on sign-out).
    pub token_hash: Vec<u8>,
    /// When the session ends.
    pub expires_at: UnixMillis,
}

/// The agent session, if the request has a valid one.
#[derive(Debug, Clone)]
pub struct MaybeAgent(pub Option<AgentSession>);

async fn agent_session(
    app: &Arc<App>,
    headers: &HeaderMap,
) -> Result<Option<AgentSession>, ApiError> {
    let Some(token) = cookie(headers, agent_cookie_name(&app.config)) else { return Ok(None) };
    let hash = token_hash(&token);
    let lookup = hash.clone();
    let found = app
        .db
        .call(move |c| {
            let now = now_ms();
            let Some(agent) = agents::agent_for_session(c, &lookup, now)? else { return Ok(None) };
            let expires_at = agents::session_expiry(c, &lookup)?.unwrap_or(now);
            Ok(Some((agent, expires_at)))
        })
        .await?;
    Ok(found.map(|(agent, expires_at)| AgentSession {
        agent,
        token_hash: hash.to_vec(),
        expires_at,
    }))
}

impl FromRequestParts<Arc<App>> for MaybeAgent {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, ApiError> {
        agent_session(app, &parts.headers).await.map(MaybeAgent)
    }
}

impl FromRequestParts<Arc<App>> for AgentSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, ApiError> {
        agent_session(app, &parts.headers).await?.ok_or_else(ApiError::unauthorized)
    }
}

/// A visitor, by the session token in `Authorization: Bearer …` or `?token=` (an
/// `<img>` cannot send a header). Rejects with 401.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitorSession(pub String);

async fn visitor_session(app: &Arc<App>, parts: &Parts) -> Result<Option<String>, ApiError> {
    let query_token = || {
        Query::<HashMap<String, String>>::try_from_uri(&parts.uri)
            .ok()
            .and_then(|Query(mut q)| q.remove("token"))
    };
    let Some(token) = bearer(&parts.headers).or_else(query_token) else { return Ok(None) };
    let hash = token_hash(&token);
    Ok(app.db.call(move |c| visitors::find_by_token(c, &hash, now_ms())).await?)
}

impl FromRequestParts<Arc<App>> for VisitorSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, ApiError> {
        visitor_session(app, parts).await?.map(VisitorSession).ok_or_else(ApiError::unauthorized)
    }
}

/// Who may use attachments: a signed-in agent (the cookie wins) or a visitor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requester {
    Visitor(String),
    Agent(String),
}

impl FromRequestParts<Arc<App>> for Requester {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, ApiError> {
        if let Some(session) = agent_session(app, &parts.headers).await? {
            return Ok(Requester::Agent(session.agent.id));
        }
        match visitor_session(app, parts).await? {
            Some(visitor) => Ok(Requester::Visitor(visitor)),
            None => Err(ApiError::unauthorized()),
        }
    }
}

/// The client's address: the TCP peer, or — when the peer is a trusted proxy — the
/// last address in `X-Forwarded-For` that is not itself a trusted proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// The client address of a request from `peer` with these headers.
///
/// ```
/// use axum::http::HeaderMap;
/// use sitechat_server::http::auth::client_ip;
/// let proxy: std::net::IpAddr = "10.0.0.1".parse().unwrap();
/// let mut h = HeaderMap::new();
/// h.insert("x-forwarded-for", "203.0.113.9, 198.51.100.7".parse().unwrap());
/// assert_eq!(client_ip(proxy, &h, &[proxy]).to_string(), "198.51.100.7");
/// assert_eq!(client_ip(proxy, &h, &[]), proxy, "untrusted: the header is ignored");
/// ```
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse::<IpAddr>().ok())
        .collect::<Vec<_>>();
    forwarded.into_iter().rev().find(|a| !trusted.contains(a)).unwrap_or(peer)
}

impl FromRequestParts<Arc<App>> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, ApiError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
            .ok_or_else(|| ApiError::internal(&"no peer address on the request"))?;
        Ok(ClientIp(client_ip(peer, &parts.headers, &app.config.trusted_proxies)))
    }
}
