//! Consent-friendly start: a visitor who only looks at the page leaves nothing in
//! storage and opens no connection; the first interaction allows storage; a returning
//! visitor (something already stored) is remembered as before; `forget_visitor` wipes
//! the keys and stops writing.

use sitechat::effects::persistence::Persistence;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::Harness;

fn stored_keys(namespace: &str) -> Vec<String> {
    let storage =
        web_sys::window().and_then(|w| w.local_storage().ok().flatten()).expect("localStorage");
    let prefix = format!("sitechat:{namespace}:");
    (0..storage.length().unwrap_or(0))
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|k| k.starts_with(&prefix))
        .collect()
}

#[wasm_bindgen_test]
async fn nothing_is_stored_or_connected_before_the_visitor_interacts() {
    let h = Harness::new("{}").await;
    // Opened by the page (the hash, the JS API), not by the visitor.
    h.store().open_window();
    h.store().close_window();
    assert!(stored_keys(&h.namespace).is_empty(), "stored: {:?}", stored_keys(&h.namespace));
    assert_eq!(h.agent.open_connections(), 0, "no connection for a visitor who did nothing");
    assert!(!h.store().has_interacted());

    h.click(".sc-launcher").await;
    assert!(h.store().has_interacted());
    assert_eq!(
        stored_keys(&h.namespace),
        [format!("sitechat:{}:chat", h.namespace)],
        "the open state is saved now"
    );
    assert_eq!(h.agent.open_connections(), 0, "opening sends nothing");
}

#[wasm_bindgen_test]
async fn team_presence_connects_read_only_and_the_token_is_stored_on_interaction() {
    let h = Harness::new(r#"{"availability": {"mode": "team_status"}}"#).await;
    h.wait_for("presence", |h| h.store().chat().team_available() == Some(true)).await;
    assert!(stored_keys(&h.namespace).is_empty(), "the presence connection stores nothing");
    h.click(".sc-launcher").await;
    let session_key = format!("sitechat:{}:session", h.namespace);
    assert!(
        stored_keys(&h.namespace).contains(&session_key),
        "the token in memory is saved on interaction"
    );
}

#[wasm_bindgen_test]
async fn a_returning_visitor_is_remembered_and_forget_visitor_wipes_it() {
    let mut h = Harness::new("{}").await;
    h.open().await;
    h.send("remember me").await;
    h.wait_for("sent", |h| h.find(".sc-delivery--sent").is_some()).await;
    h.reload().await;
    assert!(
        Persistence::local(&h.namespace).is_active(),
        "a returning visitor's storage is active at once"
    );
    assert_eq!(h.texts_of(".sc-bubble__text"), ["remember me"]);

    h.store().forget_visitor();
    assert!(stored_keys(&h.namespace).is_empty());
    h.store().close_window();
    assert!(
        stored_keys(&h.namespace).is_empty(),
        "nothing is written again until the next interaction"
    );
    h.reload().await;
    assert!(
        h.store().chat().messages().is_empty(),
        "the next page load knows nothing of the visitor"
    );
}
