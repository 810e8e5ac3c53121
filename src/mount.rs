//! Mounting the widget on a page and taking it off again.

use std::cell::RefCell;
use std::rc::Rc;

use sitechat_core::config::{parse_config, Config};
use sitechat_core::i18n::{negotiate, Locale};
use wasm_bindgen::JsValue;
use web_sys::Element;
use yew::AppHandle;

use crate::app::{ChatWidget, ChatWidgetProps};
use crate::embed::host::Host;
use crate::embed::viewport::ViewportFollower;
use crate::effects::persistence::Persistence;
use crate::embed::settings::{find_config, find_transport, TransportSetting};
use crate::hooks::loaded_with_open_hash;
use crate::store::Store;
use crate::transport::js_bridge::JsBridgeTransport;
use crate::transport::memory::{MemoryAgent, MemoryTransport};
use crate::transport::websocket::WebSocketTransport;
use crate::transport::Transport;

/// Why the widget did not mount. Shown once in the console, never thrown at the page.
#[derive(Debug)]
pub enum MountError {
    /// The config was found but is wrong; one line per bad field.
    Config(String),
    /// The page has no `document` / `body`, or the DOM refused an operation.
    Dom(String),
}

impl std::fmt::Display for MountError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MountError::Config(errors) => write!(f, "sitechat: the config has errors, the widget is not shown:\n{errors}"),
            MountError::Dom(why) => write!(f, "sitechat: could not add the widget to the page: {why}"),
        }
    }
}

fn dom(err: JsValue) -> MountError {
    MountError::Dom(err.as_string().unwrap_or_else(|| format!("{err:?}")))
}

/// A mounted widget. Dropping it unmounts the Yew app, removes the host element, and
/// (with the last reference to the store) closes the connection and every timer.
#[must_use = "dropping Mounted removes the widget"]
pub struct Mounted {
    app: Option<AppHandle<ChatWidget>>,
    host: Host,
    store: Rc<Store>,
    _viewport: ViewportFollower,
}

impl Mounted {
    /// The host element (carries the shadow root).
    pub fn host_element(&self) -> &Element {
        self.host.element()
    }

    /// The widget's store (the JS API and tests drive the widget through it).
    pub fn store(&self) -> &Rc<Store> {
        &self.store
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
    }
}

/// Mounts a widget driven by `store` inside `parent`. A page loaded with
/// `#hs-chat-open` opens it at once.
pub fn mount(parent: &Element, store: Rc<Store>) -> Result<Mounted, MountError> {
    let host = Host::attach(parent).map_err(dom)?;
    let theme = store.config().appearance.theme_color;
    host.set_theme(&theme.to_css(), &theme.readable_text_color().to_css()).map_err(dom)?;
    if loaded_with_open_hash() {
        store.open_window();
    }
    let props = ChatWidgetProps { store: store.clone() };
    let app = yew::Renderer::<ChatWidget>::with_root_and_props(host.mount_point(), props).render();
    let viewport = ViewportFollower::start(host.viewport_sheet());
    Ok(Mounted { app: Some(app), host, store, _viewport: viewport })
}

/// The locale to speak: the config's, then the page's `<html lang>`, then the browser's.
pub fn page_locale(config: &Config) -> Locale {
    let window = web_sys::window();
    let html_lang = window
        .as_ref()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("lang"));
    let navigator: Vec<String> = window
        .map(|w| w.navigator().languages().iter().filter_map(|v| v.as_string()).collect())
        .unwrap_or_default();
    let mut candidates: Vec<&str> = Vec::new();
    if let Some(l) = config.appearance.locale.as_deref() {
        candidates.push(l);
    }
    if let Some(l) = html_lang.as_deref() {
        candidates.push(l);
    }
    candidates.extend(navigator.iter().map(String::as_str));
    negotiate(candidates)
}

thread_local! {
    static PAGE_WIDGET: RefCell<Option<Mounted>> = const { RefCell::new(None) };
    static DEMO_AGENT: RefCell<Option<MemoryAgent>> = const { RefCell::new(None) };
}

/// The agent side of the page's in-memory transport, when the page uses one (the demo).
pub fn demo_agent() -> Option<MemoryAgent> {
    DEMO_AGENT.with(|a| a.borrow().clone())
}

fn transport_from_settings(window: &web_sys::Window, config: &Config) -> Result<Rc<dyn Transport>, MountError> {
    match find_transport(window).map_err(MountError::Config)? {
        TransportSetting::Memory => {
            let (transport, agent) = MemoryTransport::new(&config.profile.name);
            DEMO_AGENT.with(|a| *a.borrow_mut() = Some(agent));
            Ok(Rc::new(transport))
        }
        TransportSetting::Bridge(object) => {
            let transport = JsBridgeTransport::new(&object).map_err(MountError::Config)?;
            Ok(Rc::new(transport))
        }
        TransportSetting::WebSocket(url) => {
            let transport = WebSocketTransport::new(&url).map_err(|e| MountError::Config(e.0))?;
            Ok(Rc::new(transport))
        }
    }
}

/// Boots the widget on the current page from its settings; errors go to the console.
pub fn start() {
    if let Err(err) = try_start() {
        gloo::console::error!(err.to_string());
    }
}

fn try_start() -> Result<(), MountError> {
    let window = web_sys::window().ok_or_else(|| MountError::Dom("no window".into()))?;
    let body = window.document().and_then(|d| d.body()).ok_or_else(|| MountError::Dom("no <body>".into()))?;
    let config = match find_config(&window).map_err(MountError::Config)? {
        None => Config::default(),
        Some(source) => parse_config(&source.json)
            .map_err(|errors| MountError::Config(format!("(from {})\n{errors}", source.origin)))?,
    };
    let locale = page_locale(&config);
    let transport = transport_from_settings(&window, &config)?;
    let store = Store::new(Rc::new(config), locale, transport, Persistence::local("v1"));
    let mounted = mount(&body, store)?;
    #[cfg(feature = "demo")]
    if let (Some(agent), Some(panel)) = (demo_agent(), window.document().and_then(|d| d.get_element_by_id("demo-agent-panel"))) {
        crate::demo::mount_agent_panel(panel, agent);
    }
    PAGE_WIDGET.with(|slot| *slot.borrow_mut() = Some(mounted));
    Ok(())
}
