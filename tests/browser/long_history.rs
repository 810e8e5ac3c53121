//! Long conversations: 10 000 messages open with only a page in the DOM, earlier pages
//! load on demand, and a visitor reading older messages is not pulled down.

use sitechat::effects::persistence::Persistence;
use sitechat_core::conversation::{ChatEvent, ChatState};
use sitechat_core::protocol::{Author, AuthorKind, ServerEvent, WireMessage};
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::Element;

use crate::support::{flush, Harness};

/// A saved conversation of the visitor's "hi" then `n` agent messages, as a returning
/// visitor would have it.
fn saved_conversation(n: u64) -> ChatState {
    let mut chat = ChatState::new();
    chat.apply(ChatEvent::Connected { now: 0 });
    chat.apply(ChatEvent::Submit {
        client_id: "k1".into(),
        text: "hi".into(),
        attachments: vec![],
        now: 0,
    });
    chat.apply(ChatEvent::Server(
        ServerEvent::Ack {
            client_id: "k1".into(),
            conversation_id: "c1".into(),
            message_id: "m0".into(),
            seq: 1,
            at: 0,
        },
        0,
    ));
    for seq in 2..=n + 1 {
        let message = from_ada(seq, &format!("message {}", seq - 1));
        chat.apply(ChatEvent::Server(
            ServerEvent::Message { conversation_id: "c1".into(), message },
            0,
        ));
    }
    chat
}

/// Agent Ada's message number `seq`, a minute after the one before it.
fn from_ada(seq: u64, text: &str) -> WireMessage {
    WireMessage {
        id: format!("m{seq}").into(),
        seq,
        client_id: None,
        author: Author { kind: AuthorKind::Agent, name: Some("Ada".into()), avatar_url: None },
        text: text.into(),
        attachments: vec![],
        quick_replies: vec![],
        collect_input: true,
        at: 1_700_000_000_000 + seq as i64 * 60_000,
    }
}

/// Stores `chat` as an earlier visit of this visitor would have.
fn seed(namespace: &str, chat: &sitechat_core::conversation::ChatState) {
    let persistence = Persistence::local(namespace);
    persistence.activate();
    persistence.save_chat(chat);
}

#[wasm_bindgen_test]
async fn ten_thousand_messages_render_one_page_and_load_earlier_on_demand() {
    let mut h = Harness::new("{}").await;
    let chat = saved_conversation(10_000);
    assert_eq!(chat.messages().len(), 10_001);
    seed(&h.namespace, &chat);
    h.reload().await;
    h.open().await;
    let bubbles = h.find_all(".sc-bubble");
    assert_eq!(bubbles.len(), sitechat::app::PAGE_SIZE, "only the latest page is in the DOM");
    assert_eq!(h.texts_of(".sc-bubble__text").last().map(String::as_str), Some("message 10000"));
    h.click(".sc-load-earlier").await;
    assert_eq!(h.find_all(".sc-bubble").len(), 2 * sitechat::app::PAGE_SIZE);
    assert_eq!(h.texts_of(".sc-bubble__text").first().map(String::as_str), Some("message 9901"));
}

#[wasm_bindgen_test]
async fn a_visitor_reading_older_messages_gets_a_pill_instead_of_a_jump() {
    let mut h = Harness::new("{}").await;
    seed(&h.namespace, &saved_conversation(200));
    h.reload().await;
    h.open().await;
    let list: Element = h.find(".sc-messages").expect("the list");
    assert!(list.scroll_height() > list.client_height(), "the list scrolls");
    let at_bottom = |el: &Element| el.scroll_height() - el.scroll_top() - el.client_height() <= 48;
    assert!(at_bottom(&list), "opens at the latest message");

    list.set_scroll_top(0);
    list.dispatch_event(&web_sys::Event::new("scroll").expect("scroll")).expect("dispatch");
    flush().await;
    // A new message arrives while the visitor reads: the conversation resumes on the
    // in-memory backend, which knows nothing of it, so deliver the frame directly.
    let message = from_ada(202, "a new one");
    h.store().dispatch(ChatEvent::Server(
        ServerEvent::Message { conversation_id: "c1".into(), message },
        0,
    ));
    flush().await;
    assert_eq!(list.scroll_top(), 0, "not pulled down");
    h.wait_for("the pill", |h| h.find(".sc-new-pill").is_some()).await;
    h.click(".sc-new-pill").await;
    assert!(at_bottom(&list), "the pill brings the visitor down");
    assert!(h.find(".sc-new-pill").is_none());
}

/// A message that joins its sender's group adds one bubble: the group's name and earlier
/// bubbles stay the same DOM nodes. (Rebuilding them was what one new message cost.)
#[wasm_bindgen_test]
async fn a_new_message_in_a_group_adds_one_bubble_and_keeps_the_others() {
    let mut h = Harness::new("{}").await;
    seed(&h.namespace, &saved_conversation(3));
    h.reload().await;
    h.open().await;
    let before = h.find_all(".sc-group--team .sc-bubble");
    assert_eq!(before.len(), 3, "Ada's three messages are one group");
    let name = h.find(".sc-group--team .sc-group__name").expect("the group's name");
    let message = from_ada(5, "one more");
    h.store().dispatch(ChatEvent::Server(
        ServerEvent::Message { conversation_id: "c1".into(), message },
        0,
    ));
    h.wait_for("the new bubble", |h| h.find_all(".sc-group--team .sc-bubble").len() == 4).await;
    let after = h.find_all(".sc-group--team .sc-bubble");
    for (i, old) in before.iter().enumerate() {
        assert!(old.is_same_node(Some(&after[i])), "bubble {i} was rebuilt");
        assert!(old.is_connected(), "bubble {i} left the page");
    }
    let name_after = h.find(".sc-group--team .sc-group__name").expect("the group's name");
    assert!(name.is_same_node(Some(&name_after)), "the group's name was rebuilt");
    assert_eq!(h.texts_of(".sc-bubble__text").last().map(String::as_str), Some("one more"));
}
