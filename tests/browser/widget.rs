//! The widget skeleton in a real browser: launcher, window, hash auto-open.

use sitechat::{mount, Mounted};
use sitechat_core::config::{parse_config, Config};
use sitechat_core::i18n::Locale;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::{click, find, flush, fresh_parent, set_hash};

async fn mounted(config: Config) -> (web_sys::Element, Mounted) {
    let parent = fresh_parent();
    let widget = mount(&parent, config, Locale::En).expect("the widget mounts");
    flush().await;
    (parent, widget)
}

fn is_open(widget: &Mounted) -> bool {
    find(widget, ".sc-window").is_some()
}

#[wasm_bindgen_test]
async fn the_launcher_renders_closed_and_toggles_the_window() {
    let (parent, widget) = mounted(Config::default()).await;
    let launcher = find(&widget, "button.sc-launcher").expect("a launcher button");
    assert_eq!(launcher.get_attribute("aria-expanded").as_deref(), Some("false"));
    assert_eq!(launcher.get_attribute("aria-label").as_deref(), Some("Open chat"));
    assert!(!is_open(&widget), "closed at start");

    click(&widget, ".sc-launcher");
    flush().await;
    assert!(is_open(&widget), "opened by the launcher");
    let window = find(&widget, ".sc-window").expect("window");
    assert_eq!(window.get_attribute("role").as_deref(), Some("dialog"));
    assert_eq!(launcher.get_attribute("aria-expanded").as_deref(), Some("true"));

    click(&widget, ".sc-header__close");
    flush().await;
    assert!(!is_open(&widget), "closed by the header's close button");
    drop(widget);
    parent.remove();
}

#[wasm_bindgen_test]
async fn the_header_shows_the_profile_name_and_the_launcher_follows_position() {
    let config = parse_config(r#"{"profile":{"name":"Ada from Acme"},"appearance":{"position":"left"}}"#)
        .expect("valid config");
    let (parent, widget) = mounted(config).await;
    assert!(find(&widget, ".sc-corner--left").is_some(), "left corner class");
    click(&widget, ".sc-launcher");
    flush().await;
    let name = find(&widget, ".sc-header__name").and_then(|e| e.text_content());
    assert_eq!(name.as_deref(), Some("Ada from Acme"));
    drop(widget);
    parent.remove();
}

#[wasm_bindgen_test]
async fn a_page_loaded_with_the_open_hash_opens_at_once() {
    set_hash("#hs-chat-open").await;
    let (parent, widget) = mounted(Config::default()).await;
    assert!(is_open(&widget), "#hs-chat-open at load opens the chat without a click");
    drop(widget);
    parent.remove();
    set_hash("").await;
}

#[wasm_bindgen_test]
async fn a_later_hashchange_to_the_open_hash_opens_it() {
    set_hash("#pricing").await;
    let (parent, widget) = mounted(Config::default()).await;
    assert!(!is_open(&widget));
    set_hash("#hs-chat-open-not").await;
    assert!(!is_open(&widget), "a look-alike hash does not open it");
    set_hash("#hs-chat-open").await;
    assert!(is_open(&widget), "hashchange to #hs-chat-open opens the chat");
    drop(widget);
    parent.remove();
    set_hash("").await;
}

#[wasm_bindgen_test]
async fn unmounting_removes_the_host_element() {
    let (parent, widget) = mounted(Config::default()).await;
    assert_eq!(parent.child_element_count(), 1);
    drop(widget);
    assert_eq!(parent.child_element_count(), 0, "nothing is left behind");
    parent.remove();
}

#[wasm_bindgen_test]
async fn the_theme_colour_reaches_the_launcher() {
    let config = parse_config(r##"{"appearance":{"theme_color":"#ff0000"}}"##).expect("valid config");
    let (parent, widget) = mounted(config).await;
    let launcher = find(&widget, ".sc-launcher").expect("launcher");
    let style = web_sys::window()
        .and_then(|w| w.get_computed_style(&launcher).ok().flatten())
        .expect("computed style");
    assert_eq!(style.get_property_value("background-color").ok().as_deref(), Some("rgb(255, 0, 0)"));
    drop(widget);
    parent.remove();
}
