//! Agent login and logout.
//!
//! Invariants:
//! - both take only `Content-Type: application/json` and refuse a browser `Origin`
//!   other than the server's own (no login CSRF), and their body must arrive within
//!   the body read timeout;
//! - a failed login says only "wrong e-mail or password" (no hint which), and costs a
//!   password verification even for an unknown address;
//! - every attempt is charged to its address *before* the password check (the right
//!   password gets its charge back), so concurrent guesses cannot race the throttle;
//!   an address with no allowance left is refused before any check (see
//!   [`super::login_throttle`]); at most `max_concurrent_password_checks` checks run at
//!   once, each on the blocking pool;
//! - the session cookie is `HttpOnly`, `SameSite=Strict`, `Path=/`, and with an https
//!   public URL `Secure` and named `__Host-sitechat_agent`;
//! - logout ends the session and closes every inbox socket opened with it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_TYPE, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use super::api_error::ApiError;
use super::auth::{self, agent_cookie_name, AgentSession, ClientIp};
use crate::app::App;
use crate::clock::now_ms;
use crate::db::agents;
use crate::ids::{new_token, token_hash};
use crate::password::verify_password;

/// Largest JSON body (login, logout).
pub const MAX_JSON_BODY: usize = 16 * 1024;

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
    format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{}",
        agent_cookie_name(&app.config),
        if app.config.is_https() { "; Secure" } else { "" }
    )
}

/// The checks both endpoints share: same origin, a JSON body, read in time.
async fn json_body(app: &App, headers: &HeaderMap, body: Body) -> Result<Vec<u8>, ApiError> {
    if !auth::same_origin(headers) {
        return Err(ApiError::forbidden("cross-origin sign-in requests are refused"));
    }
    let is_json = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_type",
            "expected Content-Type: application/json",
        ));
    }
    match tokio::time::timeout(
        app.config.body_read_timeout,
        axum::body::to_bytes(body, MAX_JSON_BODY),
    )
    .await
    {
        Err(_) => Err(ApiError::timeout()),
        Ok(Err(_)) => Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the body may be at most {MAX_JSON_BODY} bytes"),
        )),
        Ok(Ok(bytes)) => Ok(bytes.to_vec()),
    }
}

/// Runs one password check, at most `max_concurrent_password_checks` at a time.
async fn check_password(app: &App, password: String, hash: String) -> Result<bool, ApiError> {
    let permit = tokio::time::timeout(Duration::from_secs(10), app.password_checks.acquire())
        .await
        .map_err(|_| ApiError::rate_limited("the server is busy; try again in a moment"))?
        .map_err(|e| ApiError::internal(&e))?;
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await?;
    drop(permit);
    Ok(ok)
}

/// `POST /api/agent/login` with `{"email", "password"}`.
pub async fn login(
    State(app): State<Arc<App>>,
    ClientIp(ip): ClientIp,
    request: Request,
) -> Result<Response, ApiError> {
    let (parts, body) = request.into_parts();
    let body = json_body(&app, &parts.headers, body).await?;
    if !app.login_throttle.charge(ip, Instant::now()) {
        return Err(ApiError::rate_limited(
            "too many failed sign-ins from this address; wait a minute",
        ));
    }
    let form: Credentials = serde_json::from_slice(&body)
        .map_err(|_| ApiError::bad_request("expected JSON {\"email\": …, \"password\": …}"))?;
    let email = form.email.trim().to_owned();
    let found = app.db.call(move |c| agents::find_by_email(c, &email)).await?;
    let stored = found.as_ref().map(|a| a.password_hash.clone()).unwrap_or_else(dummy_hash);
    let ok = check_password(&app, form.password, stored).await?;
    let agent = match found {
        Some(agent) if ok => agent,
        _ => {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "wrong e-mail or password",
            ))
        }
    };
    app.login_throttle.refund(ip, Instant::now());
    let token = new_token();
    let hash = token_hash(&token);
    let id = agent.id.clone();
    app.db.call(move |c| agents::create_session(c, &id, &hash, now_ms())).await?;
    let max_age = agents::SESSION_LIFETIME_MS / 1000;
    let body = serde_json::json!({ "agent": { "id": agent.id, "name": agent.name, "email": agent.email } });
    Ok(([(SET_COOKIE, cookie_header(&app, &token, max_age))], Json(body)).into_response())
}

/// `POST /api/agent/logout`: ends the session, closes its inbox sockets and clears
/// the cookie.
pub async fn logout(State(app): State<Arc<App>>, request: Request) -> Result<Response, ApiError> {
    let (parts, body) = request.into_parts();
    json_body(&app, &parts.headers, body).await?;
    if let Some(token) = auth::cookie(&parts.headers, agent_cookie_name(&app.config)) {
        let hash = token_hash(&token);
        let delete = hash.clone();
        app.db.call(move |c| agents::delete_session(c, &delete)).await?;
        app.hub.close_agent_session(&hash);
    }
    Ok(([(SET_COOKIE, cookie_header(&app, "", 0))], StatusCode::NO_CONTENT).into_response())
}

/// `GET /api/agent/me`: the signed-in agent, or 401.
pub async fn me(session: AgentSession) -> Json<serde_json::Value> {
    let agent = session.agent;
    Json(serde_json::json!({
        "agent": { "id": agent.id, "name": agent.name, "email": agent.email, "status": agent.status.as_str() }
    }))
}
