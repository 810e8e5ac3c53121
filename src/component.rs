//! [`ChatWidget`]: sitechat as a Yew component, for Rust apps that render their own
//! page.
//!
//! ```text
//! html! { <ChatWidget config={config} transport={transport} /> }
//! ```
//!
//! It renders one empty `<div>` (give it a `class` to size it when `inline`) and mounts
//! the widget — its own shadow root, styles and store — inside it, exactly as the
//! script-tag loader does on other sites. Invariants: one [`Store`] per
//! `(config, transport, locale, storage_namespace)` (compared by identity for the
//! `Rc`s), rebuilt only when one of them changes; unmounting the component removes the
//! widget and everything it holds (listeners, timers, connection).

use std::rc::Rc;

use sitechat_core::config::Config;
use sitechat_core::i18n::Locale;
use web_sys::Element;
use yew::prelude::*;

use crate::effects::persistence::Persistence;
use crate::embed::page_widget::STORAGE_NAMESPACE;
use crate::mount::{mount_with, page_locale};
use crate::store::Store;
use crate::transport::Transport;

#[derive(Properties, Clone)]
pub struct ChatWidgetProps {
    /// The site owner's config, already parsed (`sitechat_core::config::parse_config`).
    pub config: Rc<Config>,
    /// How the widget reaches the backend.
    pub transport: Rc<dyn Transport>,
    /// The language; `None` picks it from the config, `<html lang>` and the browser.
    #[prop_or_default]
    pub locale: Option<Locale>,
    /// Where in `localStorage` the conversation is kept (`sitechat:<namespace>:…`);
    /// defaults to the script-tag widget's, so both see the same visitor.
    #[prop_or_default]
    pub storage_namespace: Option<AttrValue>,
    /// Render the window inside this component's element instead of the page corner.
    #[prop_or_default]
    pub inline: bool,
    /// Classes for the component's own element.
    #[prop_or_default]
    pub class: Classes,
}

impl PartialEq for ChatWidgetProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.config, &other.config)
            && Rc::ptr_eq(&self.transport, &other.transport)
            && self.locale == other.locale
            && self.storage_namespace == other.storage_namespace
            && self.inline == other.inline
            && self.class == other.class
    }
}

/// The store's identity: what, when it changes, calls for a new store.
#[derive(Clone)]
struct StoreKey {
    config: Rc<Config>,
    transport: Rc<dyn Transport>,
    locale: Option<Locale>,
    namespace: Option<AttrValue>,
}

impl PartialEq for StoreKey {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.config, &other.config)
            && Rc::ptr_eq(&self.transport, &other.transport)
            && self.locale == other.locale
            && self.namespace == other.namespace
    }
}

#[function_component]
pub fn ChatWidget(props: &ChatWidgetProps) -> Html {
    let key = StoreKey {
        config: props.config.clone(),
        transport: props.transport.clone(),
        locale: props.locale,
        namespace: props.storage_namespace.clone(),
    };
    let store = use_memo(key, |key| {
        let locale = key.locale.unwrap_or_else(|| page_locale(&key.config, None));
        let namespace = key.namespace.as_deref().unwrap_or(STORAGE_NAMESPACE);
        Store::new(key.config.clone(), locale, key.transport.clone(), Persistence::local(namespace))
    });
    let parent = use_node_ref();
    {
        let parent = parent.clone();
        let store: Rc<Store> = (*store).clone();
        use_effect_with((store, props.inline), move |(store, inline)| {
            let mounted = parent.cast::<Element>().and_then(|element| {
                mount_with(&element, store.clone(), *inline)
                    .map_err(|err| gloo::console::error!(err.to_string()))
                    .ok()
            });
            move || drop(mounted)
        });
    }
    html! { <div ref={parent} class={props.class.clone()}></div> }
}
