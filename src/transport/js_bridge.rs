//! The JavaScript bridge: a plain object from the page used as a [`Transport`].
//!
//! A site owner with their own backend passes `sitechatSettings.transport = { connect,
//! send, close, upload? }` (see `docs/transports.md`). The widget calls
//! `connect(handlers)` with `{ onOpen(), onEvent(event), onClose(reason) }`,
//! `send(command)` with one protocol command as a plain object, and `close()` when it is
//! done with a connection. Hello, reconnection, catch-up and the outbox stay in the
//! session above, so a bridge only moves messages.
//!
//! Invariants: the handlers given to a `connect` call stop having any effect once that
//! connection is dropped or replaced (a late call is ignored, never thrown back at the
//! page); signals reach the session asynchronously, so a bridge that calls `onOpen()`
//! inside `connect` does not re-enter the session; nothing the bridge throws or returns
//! escapes as a panic.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect, JSON};
use sitechat_core::protocol::Attachment;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::{Connection, Signal, SignalSink, Transport, TransportError, UploadFuture};

/// What the bridge's connection handlers lead to: the sink of the current connection,
/// tagged with its number so that stale handlers are recognised.
#[derive(Default)]
struct Current {
    generation: u32,
    sink: Option<SignalSink>,
}

/// The page's transport object, wrapped.
pub struct JsBridgeTransport {
    object: Object,
    connect: Function,
    send: Function,
    close: Option<Function>,
    upload: Option<Function>,
    current: Rc<RefCell<Current>>,
    next_generation: Cell<u32>,
    /// One set of handler functions for the transport's lifetime; each `connect` gets
    /// them bound to its generation number.
    on_open: Closure<dyn Fn(u32)>,
    on_event: Closure<dyn Fn(u32, JsValue)>,
    on_close: Closure<dyn Fn(u32, JsValue)>,
}

fn js_text(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "an exception that is not an Error".to_owned())
}

/// Reads `object[name]` as a function: `Ok(None)` when absent, an error naming the
/// setting when it is something else.
fn method(object: &Object, name: &str, required: bool) -> Result<Option<Function>, String> {
    let value = Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED);
    if value.is_undefined() || value.is_null() {
        return if required {
            Err(format!("sitechatSettings.transport.{name}: missing (expected a function)"))
        } else {
            Ok(None)
        };
    }
    value
        .dyn_into::<Function>()
        .map(Some)
        .map_err(|_| format!("sitechatSettings.transport.{name}: expected a function"))
}

fn deliver(current: &Rc<RefCell<Current>>, generation: u32, signal: Signal) {
    let sink = {
        let c = current.borrow();
        if c.generation != generation {
            return;
        }
        c.sink.clone()
    };
    if let Some(sink) = sink {
        wasm_bindgen_futures::spawn_local(async move { sink(signal) });
    }
}

impl JsBridgeTransport {
    /// Wraps `value`, checking it has `connect` and `send` functions (and that `close`
    /// and `upload`, when present, are functions). The error names the bad member.
    pub fn new(value: &JsValue) -> Result<JsBridgeTransport, String> {
        let object: Object = value
            .clone()
            .dyn_into()
            .map_err(|_| "sitechatSettings.transport: expected \"memory\", a WebSocket URL or an object with connect/send/close".to_owned())?;
        let connect = method(&object, "connect", true)?
            .ok_or("sitechatSettings.transport.connect: missing")?;
        let send =
            method(&object, "send", true)?.ok_or("sitechatSettings.transport.send: missing")?;
        let close = method(&object, "close", false)?;
        let upload = method(&object, "upload", false)?;
        let current: Rc<RefCell<Current>> = Rc::default();
        let on_open = {
            let current = current.clone();
            Closure::<dyn Fn(u32)>::new(move |generation: u32| {
                deliver(&current, generation, Signal::Open)
            })
        };
        let on_event = {
            let current = current.clone();
            Closure::<dyn Fn(u32, JsValue)>::new(move |generation: u32, event: JsValue| {
                // A string is taken as a JSON frame; anything else is serialised. Either
                // way the session decodes it and reports what is wrong with it.
                let frame = event.as_string().unwrap_or_else(|| {
                    JSON::stringify(&event).ok().and_then(|s| s.as_string()).unwrap_or_default()
                });
                deliver(&current, generation, Signal::Frame(frame));
            })
        };
        let on_close = {
            let current = current.clone();
            Closure::<dyn Fn(u32, JsValue)>::new(move |generation: u32, reason: JsValue| {
                let reason = reason
                    .as_string()
                    .unwrap_or_else(|| "the bridge closed the connection".to_owned());
                deliver(&current, generation, Signal::Closed { reason });
            })
        };
        Ok(JsBridgeTransport {
            object,
            connect,
            send,
            close,
            upload,
            current,
            next_generation: Cell::new(1),
            on_open,
            on_event,
            on_close,
        })
    }

    fn handlers(&self, generation: u32) -> Result<Object, TransportError> {
        let handlers = Object::new();
        let g = JsValue::from(generation);
        for (name, closure) in [
            ("onOpen", self.on_open.as_ref()),
            ("onEvent", self.on_event.as_ref()),
            ("onClose", self.on_close.as_ref()),
        ] {
            let function: &Function = closure.unchecked_ref();
            Reflect::set(&handlers, &JsValue::from_str(name), &function.bind1(&JsValue::NULL, &g))
                .map_err(|e| TransportError(js_text(&e)))?;
        }
        Ok(handlers)
    }
}

impl Transport for JsBridgeTransport {
    fn name(&self) -> &'static str {
        "js-bridge"
    }

    fn connect(&self, sink: SignalSink) -> Result<Box<dyn Connection>, TransportError> {
        // A bridge holds one connection at a time: a connection still live is closed
        // before its replacement opens (its own drop then finds itself replaced).
        if self.current.borrow_mut().sink.take().is_some() {
            if let Some(close) = &self.close {
                let _ = close.call0(&self.object);
            }
        }
        let generation = self.next_generation.get();
        self.next_generation.set(generation.wrapping_add(1));
        *self.current.borrow_mut() = Current { generation, sink: Some(sink) };
        let handlers = self.handlers(generation)?;
        if let Err(e) = self.connect.call1(&self.object, &handlers) {
            self.current.borrow_mut().sink = None;
            return Err(TransportError(format!(
                "sitechatSettings.transport.connect threw: {}",
                js_text(&e)
            )));
        }
        Ok(Box::new(BridgeConnection {
            object: self.object.clone(),
            send: self.send.clone(),
            close: self.close.clone(),
            current: self.current.clone(),
            generation,
        }))
    }

    fn upload(&self, file: web_sys::File, session_token: Option<String>) -> UploadFuture {
        let Some(upload) = self.upload.clone() else {
            return Box::pin(async {
                Err(TransportError("this backend does not accept attachments".into()))
            });
        };
        let object = self.object.clone();
        Box::pin(async move {
            let token = session_token.map(JsValue::from).unwrap_or(JsValue::NULL);
            let returned = upload.call2(&object, &file, &token).map_err(|e| {
                TransportError(format!("sitechatSettings.transport.upload threw: {}", js_text(&e)))
            })?;
            let settled = JsFuture::from(Promise::resolve(&returned))
                .await
                .map_err(|e| TransportError(format!("the upload failed: {}", js_text(&e))))?;
            let json =
                JSON::stringify(&settled).ok().and_then(|s| s.as_string()).unwrap_or_default();
            serde_json::from_str::<Attachment>(&json).map_err(|e| {
                TransportError(format!(
                    "sitechatSettings.transport.upload: expected {{id, name, mime, size, url}}, got {json} ({e})"
                ))
            })
        })
    }

    fn accepts_uploads(&self) -> bool {
        self.upload.is_some()
    }
}

struct BridgeConnection {
    object: Object,
    send: Function,
    close: Option<Function>,
    current: Rc<RefCell<Current>>,
    generation: u32,
}

impl Connection for BridgeConnection {
    fn send(&self, frame: &str) -> Result<(), TransportError> {
        let command = JSON::parse(frame).map_err(|e| TransportError(js_text(&e)))?;
        self.send.call1(&self.object, &command).map(|_| ()).map_err(|e| {
            TransportError(format!("sitechatSettings.transport.send threw: {}", js_text(&e)))
        })
    }
}

impl Drop for BridgeConnection {
    fn drop(&mut self) {
        let mine = {
            let mut c = self.current.borrow_mut();
            let mine = c.generation == self.generation;
            if mine {
                c.sink = None;
            }
            mine
        };
        // Only the live connection is closed: a replaced one was closed when replaced.
        if mine {
            if let Some(close) = &self.close {
                if let Err(e) = close.call0(&self.object) {
                    gloo::console::warn!(format!(
                        "sitechat: sitechatSettings.transport.close threw: {}",
                        js_text(&e)
                    ));
                }
            }
        }
    }
}
