//! `<ChatWidget config transport />`: the widget as a Yew component in a Rust app. It
//! mounts its shadow-DOM host inside its own element, works like the script-tag widget,
//! and leaves nothing behind when the app unmounts it.

use std::rc::Rc;

use sitechat::transport::memory::MemoryTransport;
use sitechat::transport::Transport;
use sitechat::ChatWidget;
use sitechat_core::config::parse_config;
use sitechat_core::i18n::Locale;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use yew::prelude::*;

use crate::support::{flush, fresh_parent, next_task};

#[derive(Properties, PartialEq)]
struct AppProps {
    widget: Html,
}

#[function_component]
fn App(props: &AppProps) -> Html {
    html! { <main id="rust-app">{ props.widget.clone() }</main> }
}

#[wasm_bindgen_test]
async fn the_component_mounts_the_widget_in_its_element_and_unmounting_removes_it() {
    let config = Rc::new(parse_config(r#"{"profile": {"name": "Ada"}}"#).expect("valid config"));
    let (transport, agent) = MemoryTransport::new("Ada");
    let transport: Rc<dyn Transport> = Rc::new(transport);
    let namespace = AttrValue::from(format!("component-{}", sitechat::store::new_client_id()));
    let parent = fresh_parent();
    let widget = html! {
        <ChatWidget {config} {transport} locale={Some(Locale::En)} storage_namespace={Some(namespace.clone())} class="chat" />
    };
    let app =
        yew::Renderer::<App>::with_root_and_props(parent.clone(), AppProps { widget }).render();
    flush().await;
    next_task().await;
    flush().await;

    let host = parent
        .query_selector("#rust-app > div.chat > div[data-sitechat]")
        .ok()
        .flatten()
        .expect("the host inside the component");
    let root = host.shadow_root().expect("an open shadow root");
    let launcher = root.query_selector(".sc-launcher").ok().flatten().expect("a launcher");
    launcher.unchecked_into::<web_sys::HtmlElement>().click();
    flush().await;
    assert!(root.query_selector(".sc-window").ok().flatten().is_some(), "the window opens");
    assert!(
        root.query_selector(".sc-header__name")
            .ok()
            .flatten()
            .and_then(|e| e.text_content())
            .is_some_and(|t| t == "Ada"),
        "the config reached the widget"
    );

    app.destroy();
    flush().await;
    next_task().await;
    assert!(
        parent.query_selector("div[data-sitechat]").ok().flatten().is_none(),
        "nothing is left after unmounting"
    );
    assert_eq!(agent.open_connections(), 0);
    sitechat::effects::persistence::Persistence::local(&namespace).clear();
    parent.remove();
}
