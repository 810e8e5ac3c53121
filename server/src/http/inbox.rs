//! The agent inbox page, embedded in the binary.
//!
//! Invariant: the page works under a strict CSP (no inline script or style), which
//! these responses set themselves.

use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

/// The CSP of the inbox: only its own script, style and connections.
pub const INBOX_CSP: &str =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const INDEX: &str = include_str!("../../inbox/index.html");
const SCRIPT: &str = include_str!("../../inbox/inbox.js");
const STYLE: &str = include_str!("../../inbox/inbox.css");

fn page(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (CONTENT_TYPE, content_type),
            (CONTENT_SECURITY_POLICY, INBOX_CSP),
            (CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

/// `GET /inbox`.
pub async fn index() -> Response {
    page("text/html; charset=utf-8", INDEX)
}

/// `GET /inbox/inbox.js`.
pub async fn script() -> Response {
    page("text/javascript; charset=utf-8", SCRIPT)
}

/// `GET /inbox/inbox.css`.
pub async fn style() -> Response {
    page("text/css; charset=utf-8", STYLE)
}
