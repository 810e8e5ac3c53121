//! The site owner's settings, read from the page.
//!
//! The config is one JSON document. A page gives it either as
//! `window.sitechatSettings.config` (an object, or a JSON string) or in a
//! `<script type="application/json" id="sitechat-config">` element, which a strict
//! Content-Security-Policy allows because the browser never executes it. Reading never
//! throws: a missing config is the default config; a broken one is an error value that
//! names the field.

use js_sys::{Reflect, JSON};
use wasm_bindgen::JsValue;

/// Where the config JSON was found, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigSource {
    pub origin: &'static str,
    pub json: String,
}

/// The id of the inline config element.
pub const CONFIG_ELEMENT_ID: &str = "sitechat-config";

/// Finds the config on the page. `Ok(None)`: none given (use the defaults).
pub fn find_config(window: &web_sys::Window) -> Result<Option<ConfigSource>, String> {
    let settings =
        Reflect::get(window, &JsValue::from_str("sitechatSettings")).unwrap_or(JsValue::UNDEFINED);
    if settings.is_object() {
        let config =
            Reflect::get(&settings, &JsValue::from_str("config")).unwrap_or(JsValue::UNDEFINED);
        if let Some(text) = config.as_string() {
            return Ok(Some(ConfigSource { origin: "sitechatSettings.config", json: text }));
        }
        if config.is_object() {
            let text = JSON::stringify(&config)
                .ok()
                .and_then(|s| s.as_string())
                .ok_or_else(|| "sitechatSettings.config: cannot be turned into JSON (does it hold functions or cycles?)".to_owned())?;
            return Ok(Some(ConfigSource { origin: "sitechatSettings.config", json: text }));
        }
        if !config.is_undefined() && !config.is_null() {
            return Err("sitechatSettings.config: expected an object or a JSON string".to_owned());
        }
    }
    let inline = window.document().and_then(|d| d.get_element_by_id(CONFIG_ELEMENT_ID));
    Ok(inline.map(|element| ConfigSource {
        origin: "<script id=\"sitechat-config\">",
        json: element.text_content().unwrap_or_default(),
    }))
}

/// Which transport the page asked for in `window.sitechatSettings.transport`.
#[derive(Debug, Clone, PartialEq)]
pub enum TransportSetting {
    /// An object with `connect`/`send`/`close` (see `docs/transports.md`).
    Bridge(JsValue),
    /// `"memory"`: a backend inside the page (the demo, tests).
    Memory,
    /// A WebSocket URL (`"/ws/visitor"`, `"wss://chat.example/ws/visitor"`); the default
    /// is `/ws/visitor` on the page's own site, where the reference server listens.
    WebSocket(String),
    /// `{"matrix": {…}}`: a Matrix homeserver (`docs/transports.md`), as JSON to check.
    Matrix(serde_json::Value),
}

/// The default WebSocket path of the reference server.
pub const DEFAULT_SOCKET_PATH: &str = "/ws/visitor";

/// Reads `sitechatSettings.transport` (a string or a bridge object), else the config element's `data-transport`.
pub fn find_transport(window: &web_sys::Window) -> Result<TransportSetting, String> {
    let settings =
        Reflect::get(window, &JsValue::from_str("sitechatSettings")).unwrap_or(JsValue::UNDEFINED);
    let value = if settings.is_object() {
        Reflect::get(&settings, &JsValue::from_str("transport")).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    };
    if value.is_undefined() || value.is_null() {
        // A page that cannot run inline scripts may name it on the config element.
        let attribute = window
            .document()
            .and_then(|d| d.get_element_by_id(CONFIG_ELEMENT_ID))
            .and_then(|e| e.get_attribute("data-transport"));
        return Ok(match attribute.as_deref().map(str::trim) {
            Some("memory") => TransportSetting::Memory,
            Some(json) if json.starts_with('{') => matrix_setting(json, "data-transport")?,
            Some(url) if !url.is_empty() => TransportSetting::WebSocket(url.to_owned()),
            _ => TransportSetting::WebSocket(DEFAULT_SOCKET_PATH.to_owned()),
        });
    }
    if value.is_object() {
        let matrix =
            Reflect::get(&value, &JsValue::from_str("matrix")).unwrap_or(JsValue::UNDEFINED);
        if !matrix.is_undefined() {
            let json = JSON::stringify(&value).ok().and_then(|s| s.as_string()).unwrap_or_default();
            return matrix_setting(&json, "sitechatSettings.transport");
        }
        return Ok(TransportSetting::Bridge(value));
    }
    match value.as_string().as_deref() {
        Some("memory") => Ok(TransportSetting::Memory),
        Some(url) if !url.trim().is_empty() => Ok(TransportSetting::WebSocket(url.trim().to_owned())),
        _ => Err("sitechatSettings.transport: expected \"memory\", a WebSocket URL or an object with connect/send/close".to_owned()),
    }
}

/// `{"matrix": {…}}` given as JSON text at `origin`.
fn matrix_setting(json: &str, origin: &str) -> Result<TransportSetting, String> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("{origin}: not JSON ({e})"))?;
    match value.get("matrix") {
        Some(settings) => Ok(TransportSetting::Matrix(settings.clone())),
        None => Err(format!("{origin}: an object here must be {{\"matrix\": {{…}}}}")),
    }
}
