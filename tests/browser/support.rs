//! Helpers shared by the browser tests: a widget mounted on a fresh element with an
//! in-memory backend and its own storage namespace, shadow-DOM queries, real input
//! events, and waiting for conditions (the event loop turns; nothing sleeps for a
//! fixed time).

use std::rc::Rc;

use sitechat::effects::persistence::Persistence;
use sitechat::store::{Now, Store};
use sitechat::transport::memory::{MemoryAgent, MemoryTransport};
use sitechat::{mount, Mounted};
use sitechat_core::config::{parse_config, Config};
use sitechat_core::i18n::Locale;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use web_sys::{Element, HtmlElement, HtmlTextAreaElement};

/// A mounted widget, its backend's agent side, and where it lives.
pub struct Harness {
    pub parent: Element,
    pub widget: Option<Mounted>,
    pub agent: MemoryAgent,
    pub transport: MemoryTransport,
    pub namespace: String,
    pub config: Rc<Config>,
    pub locale: Locale,
}

fn unique_namespace() -> String {
    format!("test-{}", sitechat::store::new_client_id())
}

impl Harness {
    /// Mounts a widget with the config `json` (English).
    pub async fn new(json: &str) -> Harness {
        Harness::with(json, Locale::En, None).await
    }

    /// Mounts a widget with the config `json`, in `locale`, on the clock `now`.
    pub async fn with(json: &str, locale: Locale, now: Option<Now>) -> Harness {
        let config =
            Rc::new(parse_config(json).unwrap_or_else(|e| panic!("test config is invalid: {e}")));
        let (transport, agent) = MemoryTransport::for_config(&config);
        let namespace = unique_namespace();
        let mut h = Harness {
            parent: fresh_parent(),
            widget: None,
            agent,
            transport,
            namespace,
            config,
            locale,
        };
        h.remount_with(now).await;
        h
    }

    /// Unmounts and mounts again on the same storage and backend: a page reload.
    pub async fn reload(&mut self) {
        self.remount_with(None).await;
    }

    async fn remount_with(&mut self, now: Option<Now>) {
        self.widget = None;
        let persistence = Persistence::local(&self.namespace);
        let transport: Rc<dyn sitechat::transport::Transport> = Rc::new(self.transport.clone());
        let store = match now {
            Some(now) => {
                Store::with_clock(self.config.clone(), self.locale, transport, persistence, now)
            }
            None => Store::new(self.config.clone(), self.locale, transport, persistence),
        };
        self.widget = Some(mount(&self.parent, store).expect("the widget mounts"));
        flush().await;
    }

    pub fn widget(&self) -> &Mounted {
        self.widget.as_ref().expect("mounted")
    }

    pub fn store(&self) -> &Rc<Store> {
        self.widget().store()
    }

    pub fn find(&self, selector: &str) -> Option<Element> {
        find(self.widget(), selector)
    }

    pub fn find_all(&self, selector: &str) -> Vec<Element> {
        let Some(root) = self.widget().host_element().shadow_root() else { return Vec::new() };
        let Ok(list) = root.query_selector_all(selector) else { return Vec::new() };
        (0..list.length())
            .filter_map(|i| list.get(i))
            .filter_map(|n| n.dyn_into::<Element>().ok())
            .collect()
    }

    pub fn text_of(&self, selector: &str) -> String {
        self.find(selector).and_then(|e| e.text_content()).unwrap_or_default()
    }

    pub fn texts_of(&self, selector: &str) -> Vec<String> {
        self.find_all(selector).iter().map(|e| e.text_content().unwrap_or_default()).collect()
    }

    pub async fn click(&self, selector: &str) {
        click(self.widget(), selector);
        flush().await;
    }

    pub fn is_open(&self) -> bool {
        self.find(".sc-window").is_some()
    }

    pub async fn open(&self) {
        if !self.is_open() {
            self.click(".sc-launcher").await;
        }
        assert!(self.is_open(), "the window opens");
    }

    /// Types into the composer with real `input` events.
    pub async fn type_text(&self, text: &str) {
        let area = self
            .find(".sc-composer__input")
            .expect("a composer")
            .unchecked_into::<HtmlTextAreaElement>();
        type_into(&area, text).await;
    }

    /// Presses a key on the element matching `selector`.
    pub async fn press(&self, selector: &str, key: &str, shift: bool) {
        let target = self.find(selector).unwrap_or_else(|| panic!("no element matches {selector}"));
        press_on(&target, key, shift);
        flush().await;
    }

    /// Types `text` and presses Enter.
    pub async fn send(&self, text: &str) {
        self.type_text(text).await;
        self.press(".sc-composer__input", "Enter", false).await;
    }

    /// Lets the backend answer and the widget render, until `cond` holds.
    pub async fn wait_for(&self, what: &str, cond: impl Fn(&Harness) -> bool) {
        wait_until(what, || cond(self)).await;
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        self.widget = None;
        Persistence::local(&self.namespace).clear();
        self.parent.remove();
    }
}

/// Sets `area`'s text and fires the bubbling `input` event Yew listens to, as typing does.
pub async fn type_into(area: &HtmlTextAreaElement, text: &str) {
    area.set_value(text);
    let init = web_sys::InputEventInit::new();
    init.set_bubbles(true);
    let event = web_sys::InputEvent::new_with_event_init_dict("input", &init).expect("input event");
    area.dispatch_event(&event).expect("dispatch input");
    flush().await;
}

/// Types `text` into `area` and presses Enter.
pub async fn send_from(area: &HtmlTextAreaElement, text: &str) {
    type_into(area, text).await;
    press_on(area, "Enter", false);
    flush().await;
}

/// Lets the page run (renders, timers, backends answering) until `cond` holds; fails
/// after 5 s naming `what`. Nothing sleeps for a fixed time.
pub async fn wait_until(what: &str, cond: impl Fn() -> bool) {
    let deadline = js_sys::Date::now() + 5_000.0;
    while js_sys::Date::now() < deadline {
        flush().await;
        if cond() {
            return;
        }
        next_task().await;
    }
    panic!("timed out after 5 s waiting for: {what}");
}

/// Dispatches a keydown for `key` on `target`.
pub fn press_on(target: &Element, key: &str, shift: bool) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_shift_key(shift);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init)
        .expect("keydown");
    target.dispatch_event(&event).expect("dispatch keydown");
}

/// A new `<div>` appended to `<body>`; remove it with `.remove()`.
pub fn fresh_parent() -> Element {
    let document = web_sys::window().and_then(|w| w.document()).expect("a browser document");
    let parent = document.create_element("div").expect("create div");
    document.body().expect("body").append_child(&parent).expect("append");
    parent
}

/// `querySelector` inside the widget's shadow root.
pub fn find(mounted: &Mounted, selector: &str) -> Option<Element> {
    mounted
        .host_element()
        .shadow_root()
        .and_then(|root| root.query_selector(selector).ok().flatten())
}

/// Clicks the element matching `selector`, panicking with its name when absent.
pub fn click(mounted: &Mounted, selector: &str) {
    let element =
        find(mounted, selector).unwrap_or_else(|| panic!("no element matches {selector}"));
    element.unchecked_into::<HtmlElement>().click();
}

/// Lets Yew finish every pending render.
pub async fn flush() {
    yew::scheduler::flush().await;
}

/// Waits for the browser's next task (timers, messages from the in-memory backend).
pub async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Sets `location.hash` and resolves once the browser has fired `hashchange`.
pub async fn set_hash(hash: &str) {
    let window = web_sys::window().expect("window");
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let once = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
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

/// A widget with the default config on `transport`, mounted on a fresh element with no
/// storage, its window opened; returns it with its parent (remove that afterwards) and
/// the composer's text area.
pub async fn open_on(
    transport: Rc<dyn sitechat::transport::Transport>,
) -> (Mounted, Element, HtmlTextAreaElement) {
    let store = Store::new(Rc::new(Config::default()), Locale::En, transport, Persistence::none());
    let parent = fresh_parent();
    let widget = mount(&parent, store).expect("the widget mounts");
    flush().await;
    click(&widget, ".sc-launcher");
    flush().await;
    let area = find(&widget, ".sc-composer__input")
        .expect("a composer")
        .unchecked_into::<HtmlTextAreaElement>();
    (widget, parent, area)
}
