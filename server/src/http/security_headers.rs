//! Security headers added to every response.
//!
//! Invariants: every response says `nosniff` and a strict referrer policy; the
//! inbox sets its own strict CSP; static files get the operator's CSP, if any.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

use crate::app::App;

/// Adds the headers; a CSP already set by the handler wins.
pub async fn add(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    if !headers.contains_key(CONTENT_SECURITY_POLICY) {
        if let Some(csp) = app.config.csp.as_deref().and_then(|c| HeaderValue::from_str(c).ok()) {
            headers.insert(CONTENT_SECURITY_POLICY, csp);
        }
    }
    if !headers.contains_key(X_FRAME_OPTIONS) && headers.get(CONTENT_SECURITY_POLICY).is_none() {
        // Pages without a CSP of their own still cannot be framed by other sites.
        headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN"));
    }
    response
}
