//! Helpers shared by the browser tests: a fresh parent element, shadow-DOM queries and
//! waiting for real browser events (instead of sleeping).

use sitechat::Mounted;
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{Element, HtmlElement};

/// A new `<div>` appended to `<body>`; remove it with `.remove()`.
pub fn fresh_parent() -> Element {
    let document = web_sys::window().and_then(|w| w.document()).expect("a browser document");
    let parent = document.create_element("div").expect("create div");
    document.body().expect("body").append_child(&parent).expect("append");
    parent
}

/// `querySelector` inside the widget's shadow root.
pub fn find(mounted: &Mounted, selector: &str) -> Option<Element> {
    mounted.host_element().shadow_root().and_then(|root| root.query_selector(selector).ok().flatten())
}

/// Clicks the element matching `selector`, panicking with its name when absent.
pub fn click(mounted: &Mounted, selector: &str) {
    let element = find(mounted, selector).unwrap_or_else(|| panic!("no element matches {selector}"));
    element.unchecked_into::<HtmlElement>().click();
}

/// Lets Yew finish every pending render.
pub async fn flush() {
    yew::scheduler::flush().await;
}

/// Sets `location.hash` and resolves once the browser has fired `hashchange`.
pub async fn set_hash(hash: &str) {
    let window = web_sys::window().expect("window");
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let once = Closure::once_into_js(move || {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        });
        let options = web_sys::AddEventListenerOptions::new();
        options.set_once(true);
        let _ = window.add_event_listener_with_callback_and_add_event_listener_options(
            "hashchange",
            once.unchecked_ref(),
            &options,
        );
    });
    web_sys::window().expect("window").location().set_hash(hash).expect("set hash");
    wasm_bindgen_futures::JsFuture::from(promise).await.expect("hashchange");
    flush().await;
}
