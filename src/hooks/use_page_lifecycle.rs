//! Follows the page's life: visibility, connectivity, and the other tabs.
//!
//! - when the tab becomes visible or the browser comes back online, the session
//!   reconnects at once and the core catches up on what was missed;
//! - when another tab of the same site saves the conversation or the draft
//!   (`storage` events fire only in the *other* tabs), this tab adopts it.
//!
//! Every listener is a gloo `EventListener`, removed when the widget unmounts.

use std::rc::Rc;

use gloo::events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::StorageEvent;
use yew::prelude::*;

use crate::store::Store;

#[hook]
pub fn use_page_lifecycle(store: Rc<Store>) {
    use_effect_with(store, move |store| {
        let mut listeners = Vec::new();
        if let Some(window) = web_sys::window() {
            if let Some(document) = window.document() {
                let s = store.clone();
                let doc = document.clone();
                listeners.push(EventListener::new(&document, "visibilitychange", move |_| {
                    s.page_visible(doc.visibility_state() == web_sys::VisibilityState::Visible);
                }));
            }
            let s = store.clone();
            listeners.push(EventListener::new(&window, "online", move |_| s.page_visible(true)));
            // Leaving the page (navigation, closing the tab): write what is waiting.
            let s = store.clone();
            listeners.push(EventListener::new(&window, "pagehide", move |_| s.save_now()));
            let s = store.clone();
            let (chat_key, draft_key) = store.storage_keys();
            listeners.push(EventListener::new(&window, "storage", move |event| {
                let Some(event) = event.dyn_ref::<StorageEvent>() else { return };
                let key = event.key();
                if key.as_deref() == Some(chat_key.as_str()) {
                    if let Some(saved) = event.new_value() {
                        s.adopt_saved_chat(&saved);
                    }
                } else if key.as_deref() == Some(draft_key.as_str()) {
                    s.adopt_saved_draft(event.new_value());
                }
            }));
        }
        move || drop(listeners)
    });
}
