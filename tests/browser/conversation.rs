//! A conversation end to end against the in-memory backend: sending, delivery states,
//! replies, grouping, safe text, quick replies, typing, unread, ending, transcripts.

use sitechat_core::memory_backend::AgentMessage;
use sitechat_core::protocol::{EndReason, QuickReply};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::Harness;

#[wasm_bindgen_test]
async fn a_sent_message_shows_at_once_then_is_confirmed_and_the_agent_replies() {
    let h = Harness::new(r#"{"profile":{"name":"Ada"}}"#).await;
    h.open().await;
    h.send("Hello there").await;
    assert_eq!(
        h.texts_of(".sc-bubble--visitor .sc-bubble__text"),
        ["Hello there"],
        "shown at once"
    );
    assert_eq!(h.text_of(".sc-composer__input"), "", "the composer is cleared");
    h.wait_for("the message is confirmed", |h| h.find(".sc-delivery--sent").is_some()).await;
    assert_eq!(h.text_of(".sc-delivery--sent"), "Sent");
    let conversation = h.store().chat().conversation_id().cloned().expect("a conversation");
    assert_eq!(
        h.agent.with_backend(|b| b.messages(&conversation).map(|m| m.len())),
        Some(1),
        "the backend stored it once"
    );

    h.agent.say("Hi! How can I help?");
    h.wait_for("the agent's reply", |h| h.find(".sc-bubble--agent").is_some()).await;
    assert_eq!(h.texts_of(".sc-bubble--agent .sc-bubble__text"), ["Hi! How can I help?"]);
    assert_eq!(h.text_of(".sc-group--team .sc-group__name"), "Ada");
    assert!(
        h.text_of(".sc-live").contains("Hi! How can I help?"),
        "announced to screen readers: {:?}",
        h.text_of(".sc-live")
    );
}

#[wasm_bindgen_test]
async fn whitespace_is_not_sent_and_shift_enter_makes_a_new_line() {
    let h = Harness::new("{}").await;
    h.open().await;
    h.send("   \n  ").await;
    assert!(h.find(".sc-bubble").is_none(), "nothing sent for whitespace");
    h.type_text("line one").await;
    h.press(".sc-composer__input", "Enter", true).await;
    assert!(h.find(".sc-bubble").is_none(), "Shift+Enter does not send");
    h.type_text("line one\nline two").await;
    h.press(".sc-composer__input", "Enter", false).await;
    assert_eq!(h.texts_of(".sc-bubble--visitor .sc-bubble__text"), ["line one\nline two"]);
}

#[wasm_bindgen_test]
async fn consecutive_messages_from_one_sender_are_grouped() {
    let h = Harness::new("{}").await;
    h.open().await;
    h.send("one").await;
    h.send("two").await;
    h.wait_for("both confirmed", |h| h.find_all(".sc-delivery--sending").is_empty()).await;
    h.agent.say("three");
    h.agent.say("four");
    h.wait_for("agent messages", |h| h.find_all(".sc-bubble--agent").len() == 2).await;
    assert_eq!(h.find_all(".sc-group").len(), 2, "two groups: visitor, then agent");
    assert_eq!(h.find_all(".sc-group__time").len(), 2, "one time per group");
    assert_eq!(
        h.find_all(".sc-delivery--sent").len(),
        1,
        "'Sent' only under the latest visitor message"
    );
}

#[wasm_bindgen_test]
async fn html_in_a_message_is_text_and_only_safe_links_are_links() {
    let h = Harness::new("{}").await;
    h.open().await;
    h.send("<img src=x onerror=alert(1)> see https://example.com/docs.").await;
    h.send("don't click javascript:alert(1) or JAVASCRIPT:alert(2)").await;
    h.agent.say("<b>bold</b> and mailto:help@acme.example or data:text/html,<script>x</script>");
    h.wait_for("the agent message", |h| h.find(".sc-bubble--agent").is_some()).await;
    assert!(h.find(".sc-bubble img").is_none(), "no element came from message text");
    assert!(h.find(".sc-bubble b").is_none());
    assert!(h.text_of(".sc-bubble--agent").contains("<b>bold</b>"), "markup is shown as typed");
    let links = h.find_all(".sc-bubble a.sc-link");
    let hrefs: Vec<String> = links.iter().filter_map(|a| a.get_attribute("href")).collect();
    assert_eq!(hrefs, ["https://example.com/docs", "mailto:help@acme.example"]);
    for a in &links {
        assert_eq!(a.get_attribute("target").as_deref(), Some("_blank"));
        assert_eq!(a.get_attribute("rel").as_deref(), Some("noopener noreferrer"));
    }
}

#[wasm_bindgen_test]
async fn messages_written_offline_are_delivered_after_reconnecting() {
    let h = Harness::new("{}").await;
    h.open().await;
    h.send("first").await;
    h.wait_for("confirmed", |h| h.find(".sc-delivery--sent").is_some()).await;
    // The backend goes away; what the visitor writes meanwhile waits in the outbox.
    h.agent.set_reachable(false);
    h.agent.drop_connections();
    h.wait_for("offline notice", |h| !h.store().chat().is_connected()).await;
    h.send("queued while offline").await;
    h.wait_for("shown as sending", |h| h.text_of(".sc-delivery--sending") == "Sending…").await;
    assert!(
        h.text_of(".sc-connection").contains("offline"),
        "the visitor is told: {}",
        h.text_of(".sc-connection")
    );
    h.agent.set_reachable(true);
    h.store().page_visible(true);
    h.wait_for("delivered after reconnecting", |h| h.find(".sc-delivery--sending").is_none()).await;
    let conversation = h.store().chat().conversation_id().cloned().expect("conversation");
    let texts = h.agent.with_backend(|b| {
        b.messages(&conversation).map(|m| m.iter().map(|m| m.text.clone()).collect::<Vec<_>>())
    });
    assert_eq!(
        texts,
        Some(vec!["first".to_owned(), "queued while offline".to_owned()]),
        "each stored once, in order"
    );
}

#[wasm_bindgen_test]
async fn a_rejected_message_shows_not_sent_with_retry() {
    let h = Harness::new("{}").await;
    h.open().await;
    // A message longer than the protocol allows fails locally at once.
    let long = "x".repeat(10_001);
    h.store().set_draft(long);
    h.store().send();
    h.wait_for("failed state", |h| h.find(".sc-delivery--failed").is_some()).await;
    assert!(h.text_of(".sc-delivery--failed").starts_with("Not sent"));
    assert!(h.find(".sc-retry").is_some(), "a retry button");
    assert_eq!(
        h.agent.received_frames().iter().filter(|f| f.contains("send_message")).count(),
        0,
        "never sent"
    );
}

#[wasm_bindgen_test]
async fn bot_quick_replies_send_the_choice() {
    let h = Harness::new(r#"{"bot":{"enabled":true,"collect_input":true}}"#).await;
    h.open().await;
    h.send("hi").await;
    h.wait_for("confirmed", |h| h.find(".sc-delivery--sent").is_some()).await;
    h.agent.send(
        AgentMessage {
            text: "What do you need?".into(),
            quick_replies: vec![
                QuickReply { label: "Pricing".into(), value: "pricing".into() },
                QuickReply { label: "Support".into(), value: "support".into() },
            ],
            collect_input: true,
            ..AgentMessage::default()
        },
        true,
    );
    h.wait_for("quick replies", |h| h.find_all(".sc-quick-reply").len() == 2).await;
    assert_eq!(h.texts_of(".sc-quick-reply"), ["Pricing", "Support"]);
    h.click(".sc-quick-reply").await;
    h.wait_for("the choice is sent", |h| {
        h.texts_of(".sc-bubble--visitor .sc-bubble__text").len() == 2
    })
    .await;
    assert_eq!(h.texts_of(".sc-bubble--visitor .sc-bubble__text")[1], "Pricing");
    assert!(h.find(".sc-quick-reply").is_none(), "the buttons go once answered");
    let frames = h.agent.received_frames();
    assert!(frames.iter().any(|f| f.contains("\"quick_reply\":\"pricing\"")), "{frames:?}");
}

#[wasm_bindgen_test]
async fn a_bot_that_does_not_collect_input_disables_the_composer() {
    let h = Harness::new(r#"{"bot":{"enabled":true,"collect_input":false}}"#).await;
    h.open().await;
    h.send("hi").await;
    h.wait_for("confirmed", |h| h.find(".sc-delivery--sent").is_some()).await;
    h.agent.send(
        AgentMessage {
            text: "Thanks, bye!".into(),
            collect_input: false,
            ..AgentMessage::default()
        },
        true,
    );
    h.wait_for("bot message", |h| h.find(".sc-bubble--bot").is_some()).await;
    let area = h
        .find(".sc-composer__input")
        .expect("composer")
        .unchecked_into::<web_sys::HtmlTextAreaElement>();
    assert!(area.disabled(), "the visitor cannot type back");
}

#[wasm_bindgen_test]
async fn the_typing_indicator_shows_who_is_typing() {
    let h = Harness::new(r#"{"profile":{"name":"Ada"}}"#).await;
    h.open().await;
    h.send("hi").await;
    h.wait_for("confirmed", |h| h.find(".sc-delivery--sent").is_some()).await;
    h.agent.typing(true);
    h.wait_for("typing indicator", |h| h.find(".sc-typing").is_some()).await;
    assert_eq!(h.text_of(".sc-typing__text"), "Ada is typing…");
    h.agent.say("done");
    h.wait_for("indicator gone with the message", |h| h.find(".sc-typing").is_none()).await;
}

#[wasm_bindgen_test]
async fn unread_replies_badge_the_launcher_until_opened() {
    let h = Harness::new("{}").await;
    h.open().await;
    h.send("hi").await;
    h.wait_for("confirmed", |h| h.find(".sc-delivery--sent").is_some()).await;
    h.click(".sc-launcher").await;
    assert!(!h.is_open());
    h.agent.say("one");
    h.agent.say("two");
    h.wait_for("badge 2", |h| h.text_of(".sc-launcher__badge") == "2").await;
    let label =
        h.find(".sc-launcher").and_then(|l| l.get_attribute("aria-label")).unwrap_or_default();
    assert!(label.contains("2 unread messages"), "{label}");
    h.click(".sc-launcher").await;
    assert!(h.find(".sc-launcher__badge").is_none(), "opening clears it");
    assert_eq!(h.store().chat().unread(), 0);
}

#[wasm_bindgen_test]
async fn an_ended_chat_offers_a_new_one_and_the_transcript() {
    let h = Harness::new(r#"{"options":{"transcript_auto_send":true}}"#).await;
    h.open().await;
    h.send("please e-mail me this").await;
    h.wait_for("confirmed", |h| h.find(".sc-delivery--sent").is_some()).await;
    h.agent.end_conversation(EndReason::Inactivity);
    h.wait_for("the end", |h| h.find(".sc-ended").is_some()).await;
    assert_eq!(h.text_of(".sc-ended__title"), "This chat has ended");
    assert!(
        h.text_of(".sc-ended__reason").contains("inactivity"),
        "{}",
        h.text_of(".sc-ended__reason")
    );
    assert!(h.find(".sc-composer__input").is_none(), "the composer is replaced");

    let input = h
        .find(".sc-transcript__input")
        .expect("e-mail field")
        .unchecked_into::<web_sys::HtmlInputElement>();
    input.set_value("not an address");
    let init = web_sys::InputEventInit::new();
    init.set_bubbles(true);
    input
        .dispatch_event(
            &web_sys::InputEvent::new_with_event_init_dict("input", &init).expect("input"),
        )
        .expect("dispatch");
    h.click(".sc-transcript button[type=submit]").await;
    assert!(
        h.text_of(".sc-transcript [role=alert]").contains("valid e-mail"),
        "invalid address refused"
    );

    input.set_value("ada@example.com");
    input
        .dispatch_event(
            &web_sys::InputEvent::new_with_event_init_dict("input", &init).expect("input"),
        )
        .expect("dispatch");
    h.click(".sc-transcript button[type=submit]").await;
    h.wait_for("confirmation", |h| h.find(".sc-ended__confirm").is_some()).await;
    assert!(h.text_of(".sc-ended__confirm").contains("ada@example.com"));
    assert_eq!(
        h.agent.with_backend(|b| b.transcripts().len()),
        1,
        "the request reached the backend"
    );

    h.click(".sc-ended__new").await;
    assert!(h.find(".sc-composer__input").is_some(), "a fresh composer");
    assert!(h.find(".sc-bubble").is_none(), "a fresh conversation");
    h.send("new question").await;
    h.wait_for("a second conversation", |h| h.find(".sc-delivery--sent").is_some()).await;
}

#[wasm_bindgen_test]
async fn ended_by_agent_and_by_bot_say_so() {
    for (reason, words) in [(EndReason::Agent, "agent closed"), (EndReason::Bot, "bot ended")] {
        let h = Harness::new("{}").await;
        h.open().await;
        h.send("hi").await;
        h.wait_for("confirmed", |h| h.find(".sc-delivery--sent").is_some()).await;
        h.agent.end_conversation(reason);
        h.wait_for("the end", |h| h.find(".sc-ended").is_some()).await;
        assert!(
            h.text_of(".sc-ended__reason").contains(words),
            "{reason:?}: {}",
            h.text_of(".sc-ended__reason")
        );
    }
}

#[wasm_bindgen_test]
async fn the_transcript_can_be_asked_for_even_without_automatic_sending() {
    // `transcript_auto_send: false` only stops the automatic mail; the seed's
    // transcript on request stays on offer once the chat has ended.
    let h = Harness::new(r#"{"options":{"transcript_auto_send":false}}"#).await;
    h.open().await;
    h.send("bye").await;
    h.wait_for("confirmed", |h| h.find(".sc-delivery--sent").is_some()).await;
    h.agent.end_conversation(EndReason::Agent);
    h.wait_for("the end", |h| h.find(".sc-ended").is_some()).await;
    assert!(h.find(".sc-transcript__input").is_some(), "the transcript form is offered");
}
