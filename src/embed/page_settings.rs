//! The page-level settings object: `window.sitechatSettings`, or
//! `window.hsConversationsSettings` on pages migrating from the commercial widget.
//!
//! Invariants: both names mean exactly the same thing; when a page sets both,
//! `sitechatSettings` wins. Reading never throws: a setting of the wrong type is an error
//! value naming it (the widget then does not load, and says why once in the console),
//! and an absent one takes its documented default. The config itself and the transport
//! are read by [`super::settings`]; this module reads everything else.

use js_sys::Reflect;
use wasm_bindgen::JsValue;

/// The settings object's global name.
pub const SETTINGS_NAME: &str = "sitechatSettings";
/// The same object under the commercial widget's name.
pub const SETTINGS_ALIAS: &str = "hsConversationsSettings";

/// What the page asked for, apart from the config and the transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageSettings {
    /// Mount as soon as the app is ready (`true`, the default), or wait for
    /// `widget.load()`.
    pub load_immediately: bool,
    /// Render inline inside the first element matching this selector.
    pub inline_embed_selector: Option<String>,
    /// Hide the attachment button whatever the config says.
    pub disable_attachment: bool,
    /// A language tag that takes precedence over the config's and the browser's.
    pub locale: Option<String>,
}

impl Default for PageSettings {
    fn default() -> Self {
        PageSettings {
            load_immediately: true,
            inline_embed_selector: None,
            disable_attachment: false,
            locale: None,
        }
    }
}

/// The settings object the page set, under either name (`undefined` when none).
pub fn settings_object(window: &web_sys::Window) -> JsValue {
    for name in [SETTINGS_NAME, SETTINGS_ALIAS] {
        let value = Reflect::get(window, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED);
        if value.is_object() {
            return value;
        }
    }
    JsValue::UNDEFINED
}

/// Makes `window.sitechatSettings` point at `hsConversationsSettings` when only the
/// latter is set, so every reader of the settings sees the page's object by one name.
pub fn alias_settings(window: &web_sys::Window) {
    let own = Reflect::get(window, &JsValue::from_str(SETTINGS_NAME)).unwrap_or(JsValue::UNDEFINED);
    if own.is_undefined() || own.is_null() {
        let alias =
            Reflect::get(window, &JsValue::from_str(SETTINGS_ALIAS)).unwrap_or(JsValue::UNDEFINED);
        if alias.is_object() {
            let _ = Reflect::set(window, &JsValue::from_str(SETTINGS_NAME), &alias);
        }
    }
}

fn field(settings: &JsValue, name: &str) -> JsValue {
    if settings.is_object() {
        Reflect::get(settings, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

fn absent(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}

fn boolean(settings: &JsValue, name: &str, default: bool, errors: &mut Vec<String>) -> bool {
    let value = field(settings, name);
    if absent(&value) {
        return default;
    }
    value.as_bool().unwrap_or_else(|| {
        errors.push(format!(
            "{SETTINGS_NAME}.{name}: expected true or false, got {}",
            describe(&value)
        ));
        default
    })
}

fn text(settings: &JsValue, name: &str, errors: &mut Vec<String>) -> Option<String> {
    let value = field(settings, name);
    if absent(&value) {
        return None;
    }
    match value.as_string() {
        Some(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        _ => {
            errors.push(format!(
                "{SETTINGS_NAME}.{name}: expected a non-empty string, got {}",
                describe(&value)
            ));
            None
        }
    }
}

/// A short description of a JS value for error messages (`5`, `"abc"`, `an object`).
pub fn describe(value: &JsValue) -> String {
    if let Some(s) = value.as_string() {
        return format!("{s:?}");
    }
    if let Some(n) = value.as_f64() {
        return n.to_string();
    }
    if let Some(b) = value.as_bool() {
        return b.to_string();
    }
    if value.is_null() {
        return "null".into();
    }
    if value.is_undefined() {
        return "undefined".into();
    }
    if value.is_function() {
        return "a function".into();
    }
    if js_sys::Array::is_array(value) {
        return "an array".into();
    }
    "an object".into()
}

/// Reads the page settings; `Err` lists every bad setting, one per line.
pub fn read_page_settings(window: &web_sys::Window) -> Result<PageSettings, String> {
    let settings = settings_object(window);
    let mut errors = Vec::new();
    let read = PageSettings {
        load_immediately: boolean(&settings, "loadImmediately", true, &mut errors),
        inline_embed_selector: text(&settings, "inlineEmbedSelector", &mut errors),
        disable_attachment: boolean(&settings, "disableAttachment", false, &mut errors),
        locale: text(&settings, "locale", &mut errors),
    };
    if errors.is_empty() {
        Ok(read)
    } else {
        Err(errors.join("\n"))
    }
}
