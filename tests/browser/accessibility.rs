//! Accessibility: dialog semantics, focus handling, live announcements, input sizes,
//! and French under the `fr` locale.

use sitechat_core::i18n::Locale;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::{set_hash, Harness};

fn active_class(h: &Harness) -> String {
    h.widget()
        .host_element()
        .shadow_root()
        .and_then(|r| r.active_element())
        .map(|e| e.class_name())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn the_window_is_a_labelled_dialog_and_escape_returns_focus_to_the_launcher() {
    let h = Harness::new(r#"{"profile":{"name":"Ada"}}"#).await;
    h.click(".sc-launcher").await;
    let window = h.find(".sc-window").expect("window");
    assert_eq!(window.get_attribute("role").as_deref(), Some("dialog"));
    assert_eq!(window.get_attribute("aria-label").as_deref(), Some("Chat with Ada"));
    assert!(
        active_class(&h).contains("sc-composer__input"),
        "a click on the launcher puts the caret in the composer"
    );
    h.press(".sc-composer__input", "Escape", false).await;
    assert!(!h.is_open(), "Escape closes");
    assert!(
        active_class(&h).contains("sc-launcher"),
        "focus is back on the launcher: {}",
        active_class(&h)
    );
}

#[wasm_bindgen_test]
async fn opening_on_page_load_steals_no_focus() {
    set_hash("#hs-chat-open").await;
    let h = Harness::new("{}").await;
    assert!(h.is_open());
    assert_eq!(active_class(&h), "", "nothing in the widget has focus");
    let page_focus = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
    assert!(page_focus.is_none_or(|e| e.tag_name() == "BODY"), "the page keeps its focus");
    drop(h);
    set_hash("#done").await;
}

#[wasm_bindgen_test]
async fn inputs_are_at_least_16px_and_controls_are_real_buttons() {
    let h = Harness::new("{}").await;
    h.open().await;
    let area = h.find(".sc-composer__input").expect("composer");
    let size = web_sys::window()
        .and_then(|w| w.get_computed_style(&area).ok().flatten())
        .and_then(|s| s.get_property_value("font-size").ok())
        .unwrap_or_default();
    assert_eq!(size, "16px", "no zoom on iOS");
    for selector in
        [".sc-launcher", ".sc-header__close", ".sc-composer__send", ".sc-composer__attach"]
    {
        let el = h.find(selector).unwrap_or_else(|| panic!("{selector}"));
        assert_eq!(el.tag_name(), "BUTTON", "{selector} is a button");
        assert!(
            el.get_attribute("aria-label").is_some_and(|l| !l.is_empty()),
            "{selector} has a name"
        );
    }
    let live = h.find(".sc-live").expect("live region");
    assert_eq!(live.get_attribute("aria-live").as_deref(), Some("polite"));
}

#[wasm_bindgen_test]
async fn french_locale_speaks_french() {
    let h = Harness::with(r#"{"profile":{"name":"Ada"}}"#, Locale::Fr, None).await;
    assert_eq!(
        h.find(".sc-launcher").and_then(|l| l.get_attribute("aria-label")).as_deref(),
        Some("Ouvrir le chat")
    );
    h.open().await;
    assert_eq!(h.text_of(".sc-header__status"), "Répond généralement en quelques minutes");
    let area = h
        .find(".sc-composer__input")
        .expect("composer")
        .unchecked_into::<web_sys::HtmlTextAreaElement>();
    assert_eq!(area.placeholder(), "Écrivez un message…");
    assert_eq!(
        h.find(".sc-window").and_then(|w| w.get_attribute("aria-label")).as_deref(),
        Some("Discuter avec Ada")
    );
}

#[wasm_bindgen_test]
async fn the_locale_is_negotiated_from_settings_then_config_then_page_then_browser() {
    let config = sitechat_core::config::parse_config(r#"{"appearance":{"locale":"fr-CA"}}"#)
        .expect("config");
    assert_eq!(sitechat::page_locale(&config, Some("en-GB")), Locale::En, "the page setting wins");
    assert_eq!(sitechat::page_locale(&config, None), Locale::Fr, "then the config");
    let auto = sitechat_core::config::Config::default();
    let html = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .expect("html");
    html.set_attribute("lang", "fr").expect("lang");
    assert_eq!(sitechat::page_locale(&auto, None), Locale::Fr, "then <html lang>");
    html.set_attribute("lang", "de").expect("lang");
    // Then navigator.languages (en-US in the test browser), then English.
    assert_eq!(sitechat::page_locale(&auto, None), Locale::En);
    html.remove_attribute("lang").expect("lang");
}
