//! The homeserver's client-server API over `fetch`: JSON in, JSON (or a blob) out.
//!
//! Every request of one connection carries the connection's `AbortSignal`, so dropping
//! the connection cancels its long poll and whatever else is in flight. Failures are
//! sorted by what the caller does about them: the homeserver could not be reached (the
//! connection is lost: the link reconnects with back-off), or it answered with a Matrix
//! error (a value for the caller to map).

use serde_json::Value;
use sitechat_core::matrix::api_error::MatrixError;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Blob, Headers, RequestInit, Response};

/// Why a request did not give the answer asked for.
#[derive(Debug, Clone)]
pub enum ApiFailure {
    /// No answer, a 5xx, or an answer that is not what the API promises: the homeserver
    /// is down or restarting. The connection is as good as lost.
    Unreachable(String),
    /// A Matrix error answer (`4xx` with `errcode`); `status` is the HTTP status and
    /// `body` the whole answer (the UIA `401` carries its flows there).
    Matrix { status: u16, error: MatrixError, body: Value },
}

impl std::fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiFailure::Unreachable(why) => f.write_str(why),
            ApiFailure::Matrix { status, error, .. } => write!(f, "HTTP {status}, {error}"),
        }
    }
}

/// What a request sends as its body.
pub enum Body<'a> {
    None,
    Json(&'a Value),
    /// A file, with its MIME type.
    File(&'a web_sys::File, &'a str),
}

/// The API of one homeserver, as one visitor (once the token is known).
#[derive(Clone)]
pub struct Api {
    base: String,
    token: Option<String>,
    abort: AbortController,
}

/// Percent-encodes one path segment or query value.
pub fn enc(part: &str) -> String {
    String::from(js_sys::encode_uri_component(part))
}

impl Api {
    /// The API at `base` (`https://matrix.example.org`), cancelled by `abort`.
    pub fn new(base: &str, abort: AbortController) -> Api {
        Api { base: base.to_owned(), token: None, abort }
    }

    /// Speaks with `token` from now on.
    pub fn set_token(&mut self, token: &str) {
        self.token = Some(token.to_owned());
    }

    async fn fetch(
        &self,
        method: &str,
        path: &str,
        body: Body<'_>,
    ) -> Result<Response, ApiFailure> {
        let window =
            web_sys::window().ok_or_else(|| ApiFailure::Unreachable("no window".into()))?;
        let headers = Headers::new().map_err(|e| ApiFailure::Unreachable(js_text(&e)))?;
        if let Some(token) = &self.token {
            let _ = headers.set("Authorization", &format!("Bearer {token}"));
        }
        let init = RequestInit::new();
        init.set_method(method);
        init.set_signal(Some(&self.abort.signal()));
        match body {
            Body::None => {}
            Body::Json(value) => {
                let _ = headers.set("Content-Type", "application/json");
                init.set_body(&JsValue::from_str(&value.to_string()));
            }
            Body::File(file, mime) => {
                let mime = if mime.is_empty() { "application/octet-stream" } else { mime };
                let _ = headers.set("Content-Type", mime);
                init.set_body(file);
            }
        }
        init.set_headers(&headers);
        let url = format!("{}{path}", self.base);
        let answer = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
            .await
            .map_err(|e| ApiFailure::Unreachable(format!("{method} {path}: {}", js_text(&e))))?;
        answer
            .dyn_into::<Response>()
            .map_err(|_| ApiFailure::Unreachable(format!("{method} {path}: no response")))
    }

    /// One JSON request; a `2xx` answer's JSON on success.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        body: Body<'_>,
    ) -> Result<Value, ApiFailure> {
        let response = self.fetch(method, path, body).await?;
        let status = response.status();
        let text = match response.text() {
            Ok(promise) => JsFuture::from(promise).await.ok().and_then(|t| t.as_string()),
            Err(_) => None,
        }
        .unwrap_or_default();
        let json: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if (200..300).contains(&status) {
            return Ok(json);
        }
        if status >= 500 || !json.is_object() {
            return Err(ApiFailure::Unreachable(format!("{method} {path}: HTTP {status}")));
        }
        // A 4xx without `errcode` is a UIA step (`401` with flows), not a refusal.
        let error = MatrixError::from_body(&json).unwrap_or_else(|| MatrixError {
            errcode: format!("HTTP {status}"),
            error: String::new(),
            retry_after_ms: None,
        });
        Err(ApiFailure::Matrix { status, error, body: json })
    }

    /// Downloads `path` as a blob (`2xx` only).
    pub async fn blob(&self, path: &str) -> Result<Blob, ApiFailure> {
        let response = self.fetch("GET", path, Body::None).await?;
        if !response.ok() {
            return Err(ApiFailure::Unreachable(format!("GET {path}: HTTP {}", response.status())));
        }
        let promise = response.blob().map_err(|e| ApiFailure::Unreachable(js_text(&e)))?;
        let blob =
            JsFuture::from(promise).await.map_err(|e| ApiFailure::Unreachable(js_text(&e)))?;
        blob.dyn_into::<Blob>()
            .map_err(|_| ApiFailure::Unreachable(format!("GET {path}: not a blob")))
    }

    /// Cancels every request of this API in flight.
    pub fn abort(&self) {
        self.abort.abort();
    }
}

/// A JS exception's text.
pub fn js_text(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "unknown error".to_owned())
}
