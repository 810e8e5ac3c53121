//! Agent login and logout.
//!
//! Invariants: a failed login says only "wrong e-mail or password" (no hint which),
//! and costs a password verification even for an unknown address; an address that
//! failed too often is refused before any check (see [`super::login_throttle`]); the
//! session cookie is `HttpOnly`, `SameSite=Strict`, and `Secure` when the public URL is
//! HTTPS.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use super::api_error::ApiError;
use super::auth::{self, AGENT_COOKIE};
use crate::app::App;
use crate::clock::now_ms;
use crate::db::agents;
use crate::ids::{new_token, token_hash};
use crate::password::verify_password;

/// The login form.
#[derive(Debug, Deserialize)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

/// A real hash to verify against when the address is unknown, so the answer takes
/// as long as for a known address.
fn dummy_hash() -> String {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| crate::password::hash_password("not a password").unwrap_or_default())
        .clone()
}

fn cookie_header(app: &App, value: &str, max_age_secs: i64) -> String {
    let secure = app.config.public_url.as_deref().is_some_and(|u| u.starts_with("https://"));
    format!(
        "{AGENT_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// `POST /api/agent/login` with `{"email", "password"}`.
pub async fn login(
    State(app): State<Arc<App>>,
    ConnectInfo(remote): ConnectInfo<SocketAddr>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let ip = remote.ip();
    if !app.login_throttle.may_try(ip, Instant::now()) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "too many failed sign-ins from this address; wait a minute",
        ));
    }
    let form: Credentials = serde_json::from_slice(&body)
        .map_err(|_| ApiError::bad_request("expected JSON {\"email\": …, \"password\": …}"))?;
    let email = form.email.trim().to_owned();
    let found = app
        .db
        .call(move |c| agents::find_by_email(c, &email))
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let password = form.password;
    let stored = found.as_ref().map(|a| a.password_hash.clone()).unwrap_or_else(dummy_hash);
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &stored))
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let agent = match found {
        Some(agent) if ok => agent,
        _ => {
            app.login_throttle.failed(ip, Instant::now());
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "wrong e-mail or password",
            ));
        }
    };
    let token = new_token();
    let hash = token_hash(&token);
    let id = agent.id.clone();
    app.db
        .call(move |c| agents::create_session(c, &id, &hash, now_ms()))
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let max_age = agents::SESSION_LIFETIME_MS / 1000;
    let body = serde_json::json!({ "agent": { "id": agent.id, "name": agent.name, "email": agent.email } });
    Ok(([(SET_COOKIE, cookie_header(&app, &token, max_age))], Json(body)).into_response())
}

/// `POST /api/agent/logout`: ends the session and clears the cookie.
pub async fn logout(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(token) = auth::cookie(&headers, AGENT_COOKIE) {
        let hash = token_hash(&token);
        app.db
            .call(move |c| agents::delete_session(c, &hash))
            .await
            .map_err(|e| ApiError::internal(&e))?;
    }
    Ok(([(SET_COOKIE, cookie_header(&app, "", 0))], StatusCode::NO_CONTENT).into_response())
}

/// `GET /api/agent/me`: the signed-in agent, or 401.
pub async fn me(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Response, ApiError> {
    match auth::agent_from_headers(&app, &headers).await.map_err(|e| ApiError::internal(&e))? {
        Some(agent) => Ok(Json(serde_json::json!({
            "agent": { "id": agent.id, "name": agent.name, "email": agent.email, "status": agent.status.as_str() }
        }))
        .into_response()),
        None => Err(ApiError::unauthorized()),
    }
}
