//! The WebSocket transport: JSON text frames to any backend speaking `docs/protocol.md`.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CloseEvent, MessageEvent, Url, WebSocket};

use super::{Connection, Signal, SignalSink, Transport, TransportError};

/// Connects to one WebSocket URL.
#[derive(Debug, Clone)]
pub struct WebSocketTransport {
    url: String,
}

impl WebSocketTransport {
    /// `url` may be absolute (`wss://chat.example/ws/visitor`) or relative to the page
    /// (`/ws/visitor`, turned into `ws:`/`wss:` to match the page's scheme).
    pub fn new(url: &str) -> Result<WebSocketTransport, TransportError> {
        Ok(WebSocketTransport { url: resolve(url)? })
    }

    /// The absolute URL this transport connects to.
    pub fn url(&self) -> &str {
        &self.url
    }
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
    let parsed = Url::new_with_base(url, &base)
        .map_err(|e| TransportError(format!("transport url: \"{url}\" is not a URL ({})", js_text(&e))))?;
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
        Ok(Box::new(WebSocketConnection { socket, _on_open: on_open, _on_message: on_message, _on_close: on_close }))
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
