//! What `widget.status()` tells the page: whether the widget is loaded or loading,
//! open, how available, and how many messages wait unread.

use serde_json::json;
use wasm_bindgen::JsValue;

use super::event_bridge::to_js;

/// `widget.status()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WidgetStatus {
    pub loaded: bool,
    pub pending: bool,
    pub open: bool,
    pub availability: &'static str,
    pub unread_count: u32,
}

impl WidgetStatus {
    /// The object `status()` returns to the page.
    pub fn to_js(&self) -> JsValue {
        to_js(&json!({
            "loaded": self.loaded,
            "pending": self.pending,
            "open": self.open,
            "availability": self.availability,
            "unreadCount": self.unread_count,
        }))
    }
}
