//! Where the page's config comes from: inline (an object, a JSON string, or the
//! `<script type="application/json" id="sitechat-config">` element), or a URL the
//! widget fetches it from (`sitechatSettings.config = "/sitechat/config.json"`).
//!
//! Invariants: a string is a URL unless it starts with `{` (then it is the JSON
//! itself); a fetch that fails, answers anything but 2xx, or returns a broken config is
//! an error naming the URL, never an exception; the URL is fetched with the page's own
//! `fetch`, so `connect-src` decides whether it is allowed.

use js_sys::Reflect;
use sitechat_core::config::{parse_config, Config};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::page_settings::SETTINGS_NAME;
use super::settings::find_config;

/// Where to get the config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigLocation {
    /// JSON text already in the page; `origin` names where, for error messages.
    Inline { origin: &'static str, json: String },
    /// Fetch it from this URL (absolute, or relative to the page).
    Url(String),
    /// None given: the defaults.
    Default,
}

/// Finds where the page keeps its config.
pub fn locate_config(window: &web_sys::Window) -> Result<ConfigLocation, String> {
    let settings =
        Reflect::get(window, &JsValue::from_str(SETTINGS_NAME)).unwrap_or(JsValue::UNDEFINED);
    if settings.is_object() {
        let config =
            Reflect::get(&settings, &JsValue::from_str("config")).unwrap_or(JsValue::UNDEFINED);
        if let Some(text) = config.as_string() {
            let trimmed = text.trim();
            if trimmed.is_empty() {
                return Err(format!("{SETTINGS_NAME}.config: expected a config object, JSON text or a URL, got an empty string"));
            }
            if !trimmed.starts_with('{') {
                return Ok(ConfigLocation::Url(trimmed.to_owned()));
            }
        }
    }
    Ok(match find_config(window)? {
        Some(source) => ConfigLocation::Inline { origin: source.origin, json: source.json },
        None => ConfigLocation::Default,
    })
}

/// Reads (or fetches) and validates the config. `Err` is the whole console message.
pub async fn load_config(window: &web_sys::Window) -> Result<Config, String> {
    match locate_config(window).map_err(|e| format!("sitechat: {e}"))? {
        ConfigLocation::Default => Ok(Config::default()),
        ConfigLocation::Inline { origin, json } => parse_config(&json)
            .map_err(|errors| format!("sitechat: the config has errors, the widget is not shown:\n(from {origin})\n{errors}")),
        ConfigLocation::Url(url) => {
            let json = fetch_text(window, &url)
                .await
                .map_err(|why| format!("sitechat: could not fetch the config from {url}: {why}"))?;
            parse_config(&json)
                .map_err(|errors| format!("sitechat: the config has errors, the widget is not shown:\n(from {url})\n{errors}"))
        }
    }
}

fn js_error(err: JsValue) -> String {
    Reflect::get(&err, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| err.as_string())
        .unwrap_or_else(|| "the request failed".into())
}

async fn fetch_text(window: &web_sys::Window, url: &str) -> Result<String, String> {
    let response = JsFuture::from(window.fetch_with_str(url)).await.map_err(js_error)?;
    let response: web_sys::Response =
        response.dyn_into().map_err(|_| "not an HTTP response".to_owned())?;
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(js_error)?).await.map_err(js_error)?;
    text.as_string().ok_or_else(|| "the response is not text".to_owned())
}
