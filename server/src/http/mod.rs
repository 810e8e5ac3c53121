//! The HTTP surface: static files, the inbox, the JSON API and the two sockets.
//!
//! Invariants: every response carries the security headers
//! ([`security_headers`]); every API failure is an [`api_error::ApiError`] JSON body
//! with a safe message; request bodies are size-limited per route; the public files a
//! page on another origin loads (the widget's static files and `GET /api/site-config`)
//! and the widget's uploads (`POST /api/attachments`, bearer token, with its preflight)
//! say `Access-Control-Allow-Origin: *`, and nothing else does (no credentials are ever
//! allowed cross-origin: the inbox and the agent API stay same-origin).

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
use axum::http::header::ACCESS_CONTROL_ALLOW_ORIGIN;
use axum::http::HeaderValue;
use axum::routing::{get, post};
use axum::Router;
use tower_http::services::ServeDir;
use tower_http::set_header::{SetResponseHeader, SetResponseHeaderLayer};

use crate::app::App;

/// `Access-Control-Allow-Origin: *` for public, credential-free responses.
fn public_cross_origin() -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(ACCESS_CONTROL_ALLOW_ORIGIN, any_origin())
}

fn any_origin() -> HeaderValue {
    HeaderValue::from_static("*")
}

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
        .route("/api/site-config", get(site_config::get).layer(public_cross_origin()))
        .route("/api/agent/login", post(login::login))
        .route("/api/agent/logout", post(login::logout))
        .route("/api/agent/me", get(login::me))
        .route(
            "/api/attachments",
            // The widget on another origin uploads with its bearer token: a CORS request
            // with a preflight. Never with credentials (no cookie crosses origins).
            post(attachments::upload)
                .options(attachments::preflight)
                .layer::<_, std::convert::Infallible>(DefaultBodyLimit::max(upload_limit))
                .layer(public_cross_origin()),
        )
        .route("/api/attachments/{id}", get(attachments::download));
    if let Some(dir) = &app.config.static_dir {
        // The widget on another site's pages (a WordPress site, a CDN in front) imports
        // its app module and fetches its wasm from here: both are CORS requests.
        let files = ServeDir::new(dir).append_index_html_on_directories(true);
        router = router.fallback_service(SetResponseHeader::if_not_present(
            files,
            ACCESS_CONTROL_ALLOW_ORIGIN,
            any_origin(),
        ));
    }
    router
        .layer(axum::middleware::from_fn_with_state(app.clone(), security_headers::add))
        .with_state(app)
}
