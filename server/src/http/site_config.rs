//! `GET /api/site-config`: the site config document for the widget, as given.

use std::sync::Arc;

use axum::extract::State;
use axum::Json;

use crate::app::App;

/// The document from `--site-config`, or `{}`.
pub async fn get(State(app): State<Arc<App>>) -> Json<serde_json::Value> {
    Json(app.config.site_config.clone())
}
