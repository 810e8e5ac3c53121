//! Opens the chat when the page's hash becomes `#hs-chat-open`.
//!
//! Marketers link to `…/pricing#hs-chat-open`; a page that is already loaded only sees
//! a `hashchange`, so single-page apps and in-page links open the chat too. The
//! listener is a gloo `EventListener`, removed when the component unmounts.

use gloo::events::EventListener;
use sitechat_core::hash::is_open_hash;
use yew::prelude::*;

/// Calls `on_open` on every `hashchange` to `#hs-chat-open`.
#[hook]
pub fn use_open_hash(on_open: Callback<()>) {
    use_effect_with(on_open, move |on_open| {
        let on_open = on_open.clone();
        let listener = web_sys::window().map(|window| {
            let target = window.clone();
            EventListener::new(&target, "hashchange", move |_| {
                let href = window.location().href().unwrap_or_default();
                if is_open_hash(&href) {
                    on_open.emit(());
                }
            })
        });
        move || drop(listener)
    });
}

/// Whether the page was loaded with `#hs-chat-open`.
pub fn loaded_with_open_hash() -> bool {
    web_sys::window().and_then(|w| w.location().href().ok()).is_some_and(|href| is_open_hash(&href))
}
