//! The host element: an open shadow root holding the widget's DOM and styles.
//!
//! Invariants: the widget never writes outside its host element; its styles are
//! constructable stylesheets adopted by the shadow root (no `<style>` element and no
//! `style=` attribute, both of which a strict Content-Security-Policy blocks); dropping
//! the [`Host`] removes the element, so nothing is left behind.

use wasm_bindgen::JsValue;
use web_sys::{CssStyleSheet, Element, ShadowRoot, ShadowRootInit, ShadowRootMode};

/// The widget's stylesheet, compiled in: one request fewer, and the launcher is styled
/// on its very first paint.
pub const WIDGET_CSS: &str = include_str!("../../styles/sitechat.css");

/// An element with an open shadow root and the node Yew renders into.
#[must_use = "dropping the Host removes the widget from the page"]
pub struct Host {
    element: Element,
    mount: Element,
    theme: CssStyleSheet,
    viewport: CssStyleSheet,
}

impl Host {
    /// Creates `<div data-sitechat>` inside `parent`, with the widget stylesheet adopted.
    /// `inline` marks it `data-inline`: the widget then fills `parent` instead of sitting
    /// in the page corner.
    pub fn attach(parent: &Element, inline: bool) -> Result<Host, JsValue> {
        let document = parent.owner_document().ok_or_else(|| JsValue::from_str("no document"))?;
        let element = document.create_element("div")?;
        element.set_attribute("data-sitechat", "")?;
        if inline {
            element.set_attribute("data-inline", "")?;
        }
        let shadow: ShadowRoot =
            element.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?;
        let base = CssStyleSheet::new()?;
        base.replace_sync(WIDGET_CSS)?;
        let theme = CssStyleSheet::new()?;
        let viewport = CssStyleSheet::new()?;
        let sheets = js_sys::Array::of3(&base, &theme, &viewport);
        shadow.set_adopted_style_sheets(&sheets);
        let mount = document.create_element("div")?;
        mount.set_class_name(if inline { "sc-root sc-root--inline" } else { "sc-root" });
        shadow.append_child(&mount)?;
        parent.append_child(&element)?;
        Ok(Host { element, mount, theme, viewport })
    }

    /// The node to hand to `yew::Renderer::with_root`.
    pub fn mount_point(&self) -> Element {
        self.mount.clone()
    }

    /// The host element itself (for tests and the JS API).
    pub fn element(&self) -> &Element {
        &self.element
    }

    /// The sheet the viewport follower writes to.
    pub fn viewport_sheet(&self) -> CssStyleSheet {
        self.viewport.clone()
    }

    /// Sets the theme custom properties. They live in their own adopted sheet because
    /// `style=` attributes are blocked under a strict CSP while CSSOM sheets are not.
    pub fn set_theme(&self, background: &str, foreground: &str) -> Result<(), JsValue> {
        self.theme
            .replace_sync(&format!(":host{{--sc-theme:{background};--sc-on-theme:{foreground}}}"))
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        self.element.remove();
    }
}
