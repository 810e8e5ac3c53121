//! The widget shell in a real browser: launcher, window, hash auto-open, theme, unmount.

use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::{flush, set_hash, Harness};

#[wasm_bindgen_test]
async fn the_launcher_renders_closed_and_toggles_the_window() {
    let h = Harness::new("{}").await;
    let launcher = h.find("button.sc-launcher").expect("a launcher button");
    assert_eq!(launcher.get_attribute("aria-expanded").as_deref(), Some("false"));
    assert_eq!(launcher.get_attribute("aria-label").as_deref(), Some("Open chat"));
    assert!(!h.is_open(), "closed at start");

    h.click(".sc-launcher").await;
    assert!(h.is_open(), "opened by the launcher");
    let window = h.find(".sc-window").expect("window");
    assert_eq!(window.get_attribute("role").as_deref(), Some("dialog"));
    assert_eq!(launcher.get_attribute("aria-expanded").as_deref(), Some("true"));
    assert_eq!(launcher.get_attribute("aria-label").as_deref(), Some("Close chat"));

    h.click(".sc-header__close").await;
    assert!(!h.is_open(), "closed by the header's close button");
    h.click(".sc-launcher").await;
    h.click(".sc-launcher").await;
    assert!(!h.is_open(), "the launcher closes it too");
}

#[wasm_bindgen_test]
async fn the_header_shows_the_profile_and_the_launcher_follows_position() {
    let h = Harness::new(
        r#"{"profile":{"name":"Ada from Acme","meetings":{"enabled":true,"url":"https://acme.example/meet","link_text":"Book a call"}},
            "appearance":{"position":"left"}}"#,
    )
    .await;
    assert!(h.find(".sc-corner--left").is_some(), "left corner class");
    h.open().await;
    assert_eq!(h.text_of(".sc-header__name"), "Ada from Acme");
    assert_eq!(h.text_of(".sc-avatar--initials"), "AA", "initials stand in for a missing avatar");
    let meeting = h.find(".sc-header__meeting").expect("a meetings link");
    assert_eq!(meeting.get_attribute("href").as_deref(), Some("https://acme.example/meet"));
    assert_eq!(meeting.get_attribute("target").as_deref(), Some("_blank"));
    assert_eq!(meeting.get_attribute("rel").as_deref(), Some("noopener noreferrer"));
    assert!(meeting.text_content().unwrap_or_default().contains("Book a call"));
}

#[wasm_bindgen_test]
async fn a_page_loaded_with_the_open_hash_opens_at_once() {
    set_hash("#hs-chat-open").await;
    let h = Harness::new("{}").await;
    assert!(h.is_open(), "#hs-chat-open at load opens the chat without a click");
    drop(h);
    set_hash("#done").await;
}

#[wasm_bindgen_test]
async fn a_later_hashchange_to_the_open_hash_opens_it() {
    set_hash("#pricing").await;
    let h = Harness::new("{}").await;
    assert!(!h.is_open());
    set_hash("#hs-chat-openx").await;
    assert!(!h.is_open(), "a look-alike hash does not open it");
    set_hash("#hs-chat-open").await;
    flush().await;
    assert!(h.is_open(), "hashchange to #hs-chat-open opens the chat");
    drop(h);
    set_hash("#done").await;
}

#[wasm_bindgen_test]
async fn unmounting_removes_the_host_element() {
    let mut h = Harness::new("{}").await;
    assert_eq!(h.parent.child_element_count(), 1);
    h.widget = None;
    assert_eq!(h.parent.child_element_count(), 0, "nothing is left behind");
}

#[wasm_bindgen_test]
async fn the_theme_colour_reaches_launcher_header_and_visitor_bubbles_with_contrast() {
    let h = Harness::new(r##"{"appearance":{"theme_color":"#ffd400"}}"##).await;
    let style = |selector: &str, property: &str| {
        let el = h.find(selector).unwrap_or_else(|| panic!("no {selector}"));
        web_sys::window()
            .and_then(|w| w.get_computed_style(&el).ok().flatten())
            .and_then(|s| s.get_property_value(property).ok())
            .unwrap_or_default()
    };
    assert_eq!(style(".sc-launcher", "background-color"), "rgb(255, 212, 0)");
    // Yellow is light: the text on it must be dark to reach 4.5:1.
    assert_eq!(style(".sc-launcher", "color"), "rgb(17, 17, 17)");
    h.open().await;
    assert_eq!(style(".sc-header", "background-color"), "rgb(255, 212, 0)");
    h.send("Hello").await;
    assert_eq!(style(".sc-bubble--visitor", "background-color"), "rgb(255, 212, 0)");
    assert_eq!(style(".sc-bubble--visitor", "color"), "rgb(17, 17, 17)");
}

#[wasm_bindgen_test]
async fn branding_line_follows_the_config() {
    let h = Harness::new(r#"{"appearance":{"branding":true}}"#).await;
    h.open().await;
    assert_eq!(h.text_of(".sc-branding"), "Powered by sitechat");
    let h2 = Harness::new(r#"{"appearance":{"branding":false}}"#).await;
    h2.open().await;
    assert!(h2.find(".sc-branding").is_none());
}

#[wasm_bindgen_test]
async fn when_closed_the_widget_covers_nothing_but_the_launcher() {
    let h = Harness::new("{}").await;
    let corner = h.find(".sc-corner").expect("corner");
    let rect = corner.get_bounding_client_rect();
    assert!(
        rect.width() <= 1.0 && rect.height() <= 1.0,
        "the corner box takes no area: {}x{}",
        rect.width(),
        rect.height()
    );
    // A point just left of the launcher belongs to the page, not the widget.
    let launcher = h.find(".sc-launcher").expect("launcher").get_bounding_client_rect();
    let document = web_sys::window().and_then(|w| w.document()).expect("document");
    let hit = document
        .element_from_point((launcher.left() - 30.0) as f32, (launcher.top() + 10.0) as f32);
    let host = h.widget().host_element().clone();
    assert!(hit.is_none_or(|el| el != host), "clicks beside the launcher reach the page");
}

#[wasm_bindgen_test]
async fn an_avatar_that_fails_to_load_gives_way_to_initials() {
    let h =
        Harness::new(r#"{"profile":{"name":"Grace Hopper","avatar_url":"/no-such-avatar.png"}}"#)
            .await;
    h.open().await;
    let img = h.find("img.sc-header__avatar").expect("the avatar image is tried first");
    assert_eq!(img.get_attribute("src").as_deref(), Some("/no-such-avatar.png"));
    h.wait_for("the broken image to be replaced", |h| {
        h.find(".sc-header__avatar.sc-avatar--initials").is_some()
    })
    .await;
    assert!(h.find("img.sc-header__avatar").is_none(), "no broken image icon is left");
    assert_eq!(h.text_of(".sc-header__avatar.sc-avatar--initials"), "GH");
}
