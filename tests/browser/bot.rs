//! The bot in the page: its greeting and quick replies before any conversation, a click
//! that follows the flow through the in-page backend (the same engine the server runs),
//! and a bot-only path that ends the chat with reason `bot`.

use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::Harness;

const FLOW: &str = r#"{"bot": {"enabled": true, "flow": {"start": "welcome", "steps": [
    {"id": "welcome", "say": {"en": "Hi! How can we help?", "fr": "Bonjour ! Que pouvons-nous faire ?"},
     "replies": [{"label": "Talk to sales", "next": "sales"}, {"label": "Just browsing", "next": "bye"}]},
    {"id": "sales", "say": "Let me find someone for you.", "next": "handoff"},
    {"id": "handoff", "handoff": true},
    {"id": "bye", "say": "Enjoy your visit!", "end": true}]}}}"#;

#[wasm_bindgen_test]
async fn the_bot_greets_with_quick_replies_and_a_click_follows_the_flow() {
    let h = Harness::new(FLOW).await;
    h.open().await;
    assert_eq!(h.texts_of(".sc-greeting__text"), ["Hi! How can we help?"]);
    assert_eq!(h.texts_of(".sc-quick-reply"), ["Talk to sales", "Just browsing"]);
    let group = h.find(".sc-quick-replies").expect("a group of replies");
    assert_eq!(group.get_attribute("role").as_deref(), Some("group"));
    assert!(group.get_attribute("aria-label").is_some_and(|l| !l.is_empty()));
    assert_eq!(h.find(".sc-quick-reply").map(|b| b.tag_name()), Some("BUTTON".into()));

    h.click(".sc-quick-reply").await;
    h.wait_for("the bot's answer", |h| {
        h.texts_of(".sc-bubble__text").iter().any(|t| t == "Connecting you with the team…")
    })
    .await;
    let thread = h.texts_of(".sc-bubble__text");
    let greeting = thread.iter().position(|t| t == "Hi! How can we help?");
    let clicked = thread.iter().position(|t| t == "Talk to sales");
    assert!(greeting < clicked && greeting.is_some(), "the greeting stays on top: {thread:?}");
    assert!(h.find(".sc-greeting").is_none(), "the backend's copy replaced the preview");
    assert!(h.find(".sc-quick-reply").is_none(), "no reply offered after the click");
    assert!(h.find(".sc-ended").is_none(), "a hand-off goes on with the team");
}

#[wasm_bindgen_test]
async fn a_bot_only_path_ends_the_chat_with_a_new_one_offered() {
    let h = Harness::new(FLOW).await;
    h.open().await;
    let buttons = h.find_all(".sc-quick-reply");
    let browsing = buttons.get(1).expect("a second reply").clone();
    browsing.unchecked_into::<web_sys::HtmlElement>().click();
    h.wait_for("the end", |h| h.find(".sc-ended").is_some()).await;
    assert!(h.texts_of(".sc-bubble__text").iter().any(|t| t == "Enjoy your visit!"));
    assert!(h.find(".sc-ended button").is_some(), "Start a new chat");
}

#[wasm_bindgen_test]
async fn a_french_visitor_reads_the_french_line() {
    let h = Harness::with(FLOW, sitechat_core::i18n::Locale::Fr, None).await;
    h.open().await;
    assert_eq!(h.texts_of(".sc-greeting__text"), ["Bonjour ! Que pouvons-nous faire ?"]);
}
