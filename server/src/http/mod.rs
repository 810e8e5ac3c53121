//! The HTTP surface: static files, the inbox, the JSON API and the two sockets.
//!
//! Invariants: every response carries the security headers
//! ([`security_headers`]); every API failure is an [`api_error::ApiError`] JSON body
//! with a safe message; request bodies are size-limited per route.

pub mod api_error;
pub mod attachments;
pub mod auth;
pub mod inbox;
pub mod login;
pub mod login_throttle;
pub mod security_headers;
pub mod site_config;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use tower_http::services::ServeDir;

use crate::app::App;

/// The full router.
pub fn router(app: Arc<App>) -> Router {
    let upload_limit = app.config.max_upload_bytes + 64 * 1024;
    let mut router = Router::new()
        .route("/ws/visitor", get(crate::ws::visitor::handler))
        .route("/ws/agent", get(crate::ws::agent::handler))
        .route("/inbox", get(inbox::index))
        .route("/inbox/", get(inbox::index))
        .route("/inbox/inbox.js", get(inbox::script))
        .route("/inbox/inbox.css", get(inbox::style))
        .route("/api/site-config", get(site_config::get))
        .route("/api/agent/login", post(login::login))
        .route("/api/agent/logout", post(login::logout))
        .route("/api/agent/me", get(login::me))
        .route(
            "/api/attachments",
            post(attachments::upload).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/api/attachments/{id}", get(attachments::download));
    if let Some(dir) = &app.config.static_dir {
        router = router.fallback_service(ServeDir::new(dir).append_index_html_on_directories(true));
    }
    router
        .layer(axum::middleware::from_fn_with_state(app.clone(), security_headers::add))
        .with_state(app)
}
