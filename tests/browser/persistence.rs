//! Persistence: reloads keep the conversation, the open state, the unread count and the
//! draft; corrupt data is discarded; other tabs are followed; a full storage loses
//! nothing in the page.

use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::Harness;

fn storage() -> web_sys::Storage {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten()).expect("localStorage")
}

#[wasm_bindgen_test]
async fn a_reload_keeps_the_conversation_open_state_and_draft() {
    let mut h = Harness::new("{}").await;
    h.open().await;
    h.send("Where is my order?").await;
    h.wait_for("confirmed", |h| h.find(".sc-delivery--sent").is_some()).await;
    h.agent.say("Let me check.");
    h.wait_for("reply", |h| h.find(".sc-bubble--agent").is_some()).await;
    h.type_text("half-written thou").await;

    h.reload().await;
    assert!(h.is_open(), "still open after the reload");
    assert_eq!(h.texts_of(".sc-bubble__text"), ["Where is my order?", "Let me check."]);
    let area = h
        .find(".sc-composer__input")
        .expect("composer")
        .unchecked_into::<web_sys::HtmlTextAreaElement>();
    assert_eq!(area.value(), "half-written thou", "the draft survives");

    // A reply while the page was away arrives through catch-up.
    h.click(".sc-header__close").await;
    h.widget = None;
    h.agent.say("Found it: it ships today.");
    h.reload().await;
    h.wait_for("caught up", |h| h.store().chat().messages().len() == 3).await;
    assert!(!h.is_open(), "closed state kept");
    h.wait_for("unread badge", |h| h.text_of(".sc-launcher__badge") == "1").await;
}

#[wasm_bindgen_test]
async fn a_corrupt_or_foreign_saved_state_is_discarded_without_breaking() {
    let mut h = Harness::new("{}").await;
    for junk in
        ["{not json", r#"{"schema_version": 999}"#, r#"{"schema_version": 1, "timeline": 5}"#, ""]
    {
        storage().set_item(&format!("sitechat:{}:chat", h.namespace), junk).expect("write junk");
        h.reload().await;
        assert!(h.find(".sc-launcher").is_some(), "the widget still mounts after {junk:?}");
        h.open().await;
        assert!(h.find(".sc-bubble").is_none());
        h.click(".sc-launcher").await;
    }
}

#[wasm_bindgen_test]
async fn another_tab_saving_the_conversation_is_followed() {
    let tab_a = Harness::new("{}").await;
    // Tab B: the same site (same storage namespace and backend), another page.
    let mut tab_b = Harness::new("{}").await;
    tab_b.widget = None;
    tab_b.namespace = tab_a.namespace.clone();
    tab_b.transport = tab_a.transport.clone();
    tab_b.agent = tab_a.agent.clone();
    tab_b.reload().await;

    tab_a.open().await;
    tab_a.send("sent from tab A").await;
    tab_a.wait_for("confirmed", |h| h.find(".sc-delivery--sent").is_some()).await;
    // The browser tells other tabs with a `storage` event; deliver the one tab B gets.
    let key = format!("sitechat:{}:chat", tab_a.namespace);
    // Tab A writes once its burst of changes is over (SAVE_DELAY_MS).
    let confirmed_in_storage = |_: &Harness| {
        storage()
            .get_item(&key)
            .ok()
            .flatten()
            .and_then(|s| sitechat_core::conversation::ChatState::restore(&s).ok())
            .is_some_and(|c| c.outbox_len() == 0 && c.messages().len() == 1)
    };
    tab_a.wait_for("tab A saved the confirmed message", confirmed_in_storage).await;
    let saved = storage().get_item(&key).ok().flatten().expect("tab A saved");
    let init = web_sys::StorageEventInit::new();
    init.set_key(Some(&key));
    init.set_new_value(Some(&saved));
    let event =
        web_sys::StorageEvent::new_with_event_init_dict("storage", &init).expect("storage event");
    web_sys::window().expect("window").dispatch_event(&event).expect("dispatch");
    tab_b.wait_for("tab B has it", |h| h.store().chat().messages().len() == 1).await;
    assert!(!tab_b.is_open(), "the window is per tab: opening it in tab A leaves tab B's closed");
    tab_b.open().await;
    assert_eq!(tab_b.texts_of(".sc-bubble__text"), ["sent from tab A"]);
    // Both tabs hold one copy; the backend stored one.
    let conversation = tab_a.store().chat().conversation_id().cloned().expect("conversation");
    tab_b.wait_for("settled", |h| h.find(".sc-delivery--sending").is_none()).await;
    assert_eq!(tab_a.agent.with_backend(|b| b.messages(&conversation).map(|m| m.len())), Some(1));
    // Namespaces are shared: only one harness may clear them.
    tab_b.namespace = "unused".into();
}

#[wasm_bindgen_test]
async fn a_full_storage_never_loses_the_conversation_in_the_page() {
    let h = Harness::new("{}").await;
    h.open().await;
    let _ = js_sys::eval(
        "window.__realSetItem = Storage.prototype.setItem; \
         Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };",
    );
    h.send("still here").await;
    h.wait_for("delivered", |h| h.find(".sc-delivery--sent").is_some()).await;
    let _ = js_sys::eval("Storage.prototype.setItem = window.__realSetItem;");
    assert_eq!(h.texts_of(".sc-bubble__text"), ["still here"]);
}

#[wasm_bindgen_test]
async fn a_burst_of_changes_is_saved_once_after_it_and_the_last_change_is_never_lost() {
    let mut h = Harness::new("{}").await;
    h.open().await;
    h.send("start").await;
    h.wait_for("confirmed", |h| h.find(".sc-delivery--sent").is_some()).await;
    // Count the widget's writes of its chat state from here on.
    let key = format!("sitechat:{}:chat", h.namespace);
    let count = js_sys::Function::new_with_args(
        "key",
        "window.__chatWrites = 0; const set = Storage.prototype.setItem; \
         window.__restoreSetItem = () => { Storage.prototype.setItem = set; }; \
         Storage.prototype.setItem = function (k, v) { if (k === key) window.__chatWrites += 1; return set.call(this, k, v); };",
    );
    count.call1(&wasm_bindgen::JsValue::NULL, &key.as_str().into()).expect("instrument setItem");
    for n in 0..20 {
        h.agent.say(&format!("reply {n}"));
    }
    h.wait_for("twenty replies", |h| h.find_all(".sc-bubble--agent").len() == 20).await;
    let writes = || {
        js_sys::Reflect::get(&web_sys::window().expect("window"), &"__chatWrites".into())
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(-1.0)
    };
    h.wait_for("the save after the burst", |_| writes() >= 1.0).await;
    // One write when the burst fits in SAVE_DELAY_MS; a very slow machine may split it
    // in two or three, never twenty.
    assert!(writes() <= 3.0, "twenty replies, {} writes", writes());
    // A change followed at once by the widget going away (a navigation) is still saved.
    h.agent.say("the very last one");
    h.wait_for("the last reply", |h| h.find_all(".sc-bubble--agent").len() == 21).await;
    h.reload().await;
    let restore =
        js_sys::Reflect::get(&web_sys::window().expect("window"), &"__restoreSetItem".into())
            .expect("restore fn");
    restore
        .unchecked_ref::<js_sys::Function>()
        .call0(&wasm_bindgen::JsValue::NULL)
        .expect("restore setItem");
    assert!(
        h.texts_of(".sc-bubble__text").iter().any(|t| t == "the very last one"),
        "saved on the way out"
    );
}
