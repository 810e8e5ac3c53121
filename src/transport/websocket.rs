//! The WebSocket transport: JSON text frames to any backend speaking `docs/protocol.md`.
//!
//! Attachments go over HTTP beside the socket, as `docs/protocol.md` describes: a
//! `POST <origin>/api/attachments?name=&mime=` with the file as the body and the
//! session token as a bearer token, answered with the attachment's JSON. Files the
//! backend serves from its own origin are shown with `?token=` appended, because an
//! `<img>` cannot send a header; URLs on any other origin never get the token.

use sitechat_core::protocol::Attachment;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CloseEvent, Headers, MessageEvent, RequestInit, Response, Url, WebSocket};

use super::{Connection, Signal, SignalSink, Transport, TransportError, UploadFuture};

/// Connects to one WebSocket URL.
#[derive(Debug, Clone)]
pub struct WebSocketTransport {
    url: String,
    /// `http(s)://host:port` of the backend, for uploads and attachment URLs.
    origin: String,
}

/// The upload endpoint, on the socket's origin.
pub const UPLOAD_PATH: &str = "/api/attachments";

impl WebSocketTransport {
    /// `url` may be absolute (`wss://chat.example/ws/visitor`) or relative to the page
    /// (`/ws/visitor`, turned into `ws:`/`wss:` to match the page's scheme).
    pub fn new(url: &str) -> Result<WebSocketTransport, TransportError> {
        let url = resolve(url)?;
        let origin = http_origin(&url)?;
        Ok(WebSocketTransport { url, origin })
    }

    /// The absolute URL this transport connects to.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The backend's HTTP origin (`https://chat.example`).
    pub fn origin(&self) -> &str {
        &self.origin
    }
}

/// `ws://h:p/x` → `http://h:p`, `wss://…` → `https://…`.
fn http_origin(socket_url: &str) -> Result<String, TransportError> {
    let parsed = Url::new(socket_url)
        .map_err(|e| TransportError(format!("transport url: {}", js_text(&e))))?;
    let scheme = if parsed.protocol() == "wss:" { "https:" } else { "http:" };
    Ok(format!("{scheme}//{}", parsed.host()))
}

/// Adds `token` to `url` when `url` is a file on `origin` (and only then).
fn with_token(origin: &str, url: &str, token: Option<&str>) -> String {
    let Ok(parsed) = Url::new_with_base(url, origin) else { return url.to_owned() };
    if parsed.origin() != origin || !matches!(parsed.protocol().as_str(), "http:" | "https:") {
        return url.to_owned();
    }
    if let Some(token) = token {
        parsed.search_params().set("token", token);
    }
    parsed.href()
}

/// Reads the server's `{"error","message"}` body, or says what status came back.
fn upload_error(status: u16, body: &str) -> TransportError {
    let message = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_owned));
    TransportError(match message {
        Some(m) if !m.is_empty() => m,
        _ => format!("the upload failed (HTTP {status})"),
    })
}

async fn post_file(
    origin: String,
    file: web_sys::File,
    token: Option<String>,
) -> Result<Attachment, TransportError> {
    let window = web_sys::window().ok_or_else(|| TransportError("no window".into()))?;
    let endpoint =
        Url::new(&format!("{origin}{UPLOAD_PATH}")).map_err(|e| TransportError(js_text(&e)))?;
    endpoint.search_params().set("name", &file.name());
    endpoint.search_params().set("mime", &file.type_());
    let headers = Headers::new().map_err(|e| TransportError(js_text(&e)))?;
    if let Some(token) = token.as_deref() {
        headers
            .set("Authorization", &format!("Bearer {token}"))
            .map_err(|e| TransportError(js_text(&e)))?;
    }
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&file);
    let response = JsFuture::from(window.fetch_with_str_and_init(&endpoint.href(), &init))
        .await
        .map_err(|_| TransportError("the upload could not reach the server".into()))?;
    let response: Response =
        response.dyn_into().map_err(|_| TransportError("the upload got no response".into()))?;
    let text_promise = response.text().map_err(|e| TransportError(js_text(&e)))?;
    let body =
        JsFuture::from(text_promise).await.ok().and_then(|v| v.as_string()).unwrap_or_default();
    if !response.ok() {
        return Err(upload_error(response.status(), &body));
    }
    let mut attachment: Attachment = serde_json::from_str(&body).map_err(|e| {
        TransportError(format!("the server's answer to the upload is not an attachment: {e}"))
    })?;
    attachment.url = with_token(&origin, &attachment.url, token.as_deref());
    Ok(attachment)
}

fn js_text(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "unknown error".to_owned())
}

/// Resolves `url` against the page and maps http(s) to ws(s).
fn resolve(url: &str) -> Result<String, TransportError> {
    let base = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
    let parsed = Url::new_with_base(url, &base).map_err(|e| {
        TransportError(format!("transport url: \"{url}\" is not a URL ({})", js_text(&e)))
    })?;
    match parsed.protocol().as_str() {
        "ws:" | "wss:" => {}
        "http:" => parsed.set_protocol("ws:"),
        "https:" => parsed.set_protocol("wss:"),
        other => {
            return Err(TransportError(format!(
                "transport url: \"{url}\" has scheme {other} (expected ws:, wss:, http:, https: or a path)"
            )))
        }
    }
    Ok(parsed.href())
}

impl Transport for WebSocketTransport {
    fn name(&self) -> &'static str {
        "websocket"
    }

    fn connect(&self, sink: SignalSink) -> Result<Box<dyn Connection>, TransportError> {
        let socket = WebSocket::new(&self.url)
            .map_err(|e| TransportError(format!("cannot open {}: {}", self.url, js_text(&e))))?;
        let on_open = {
            let sink = sink.clone();
            Closure::<dyn FnMut()>::new(move || sink(Signal::Open))
        };
        let on_message = {
            let sink = sink.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                // The protocol is text only; a binary frame is reported as an unreadable
                // frame so the session can log it.
                let text = event.data().as_string().unwrap_or_default();
                sink(Signal::Frame(text));
            })
        };
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
            let reason = match event.reason().as_str() {
                "" => format!("closed with code {}", event.code()),
                why => format!("closed with code {}: {why}", event.code()),
            };
            sink(Signal::Closed { reason });
        });
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Ok(Box::new(WebSocketConnection {
            socket,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
        }))
    }

    fn upload(&self, file: web_sys::File, session_token: Option<String>) -> UploadFuture {
        Box::pin(post_file(self.origin.clone(), file, session_token))
    }

    fn accepts_uploads(&self) -> bool {
        true
    }

    fn attachment_url(&self, url: &str, session_token: Option<&str>) -> String {
        with_token(&self.origin, url, session_token)
    }
}

/// Owns the socket and its handlers; dropping it detaches the handlers (so nothing is
/// reported afterwards) and closes the socket.
struct WebSocketConnection {
    socket: WebSocket,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl Connection for WebSocketConnection {
    fn send(&self, frame: &str) -> Result<(), TransportError> {
        if self.socket.ready_state() != WebSocket::OPEN {
            return Err(TransportError("the socket is not open".into()));
        }
        self.socket.send_with_str(frame).map_err(|e| TransportError(js_text(&e)))
    }
}

impl Drop for WebSocketConnection {
    fn drop(&mut self) {
        self.socket.set_onopen(None);
        self.socket.set_onmessage(None);
        self.socket.set_onclose(None);
        let _ = self.socket.close();
    }
}
