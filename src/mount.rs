//! Mounting the widget on a page and taking it off again.
//!
//! [`mount`] puts a store-driven widget into any element (the page widget of
//! [`crate::embed::page_widget`], the browser tests); dropping the [`Mounted`] takes
//! it off again and leaves nothing behind.

use std::cell::RefCell;
use std::rc::Rc;

use sitechat_core::config::Config;
use sitechat_core::i18n::{negotiate, Locale};
use wasm_bindgen::JsValue;
use web_sys::Element;
use yew::AppHandle;

use crate::app::{ChatApp, ChatAppProps};
use crate::embed::early_launcher::retire as retire_early_launcher;
use crate::embed::host::Host;
use crate::embed::settings::{find_transport, TransportSetting};
use crate::embed::viewport::ViewportFollower;
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
            MountError::Config(errors) => {
                write!(f, "sitechat: the config has errors, the widget is not shown:\n{errors}")
            }
            MountError::Dom(why) => {
                write!(f, "sitechat: could not add the widget to the page: {why}")
            }
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
    app: Option<AppHandle<ChatApp>>,
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
        // The store may outlive the app by a render or two; what is waiting to be
        // saved is written now, while the page still holds it.
        self.store.save_now();
        if let Some(app) = self.app.take() {
            app.destroy();
        }
    }
}

/// Mounts a widget driven by `store` in the corner of the page, its host inside
/// `parent`. A page loaded with `#hs-chat-open` opens it at once.
pub fn mount(parent: &Element, store: Rc<Store>) -> Result<Mounted, MountError> {
    mount_with(parent, store, false)
}

/// Like [`mount`]; `inline` renders the window inside `parent` (always open, no
/// launcher) instead of in the corner.
pub fn mount_with(parent: &Element, store: Rc<Store>, inline: bool) -> Result<Mounted, MountError> {
    let host = Host::attach(parent, inline).map_err(dom)?;
    let theme = store.config().appearance.theme_color;
    host.set_theme(&theme.to_css(), &theme.readable_text_color().to_css()).map_err(dom)?;
    if inline || loaded_with_open_hash() {
        store.open_window();
    }
    // The launcher the loader drew goes in the same task as the app's host comes, and
    // the app's first render lands before the next frame (Yew renders in a microtask and
    // yields only between a render and its effects): no frame has neither, none has both.
    let focus_launcher = retire_early_launcher();
    let props = ChatAppProps { store: store.clone(), inline, focus_launcher };
    let app = yew::Renderer::<ChatApp>::with_root_and_props(host.mount_point(), props).render();
    let viewport = ViewportFollower::start(host.viewport_sheet());
    Ok(Mounted { app: Some(app), host, store, _viewport: viewport })
}

/// The locale to speak: the page setting's (`sitechatSettings.locale`), the config's,
/// then the page's `<html lang>`, then the browser's.
pub fn page_locale(config: &Config, setting: Option<&str>) -> Locale {
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
    if let Some(l) = setting {
        candidates.push(l);
    }
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
    static DEMO_AGENT: RefCell<Option<MemoryAgent>> = const { RefCell::new(None) };
}

/// The agent side of the page's in-memory transport, when the page uses one (the demo).
pub fn demo_agent() -> Option<MemoryAgent> {
    DEMO_AGENT.with(|a| a.borrow().clone())
}

pub(crate) fn transport_from_settings(
    window: &web_sys::Window,
    config: &Config,
) -> Result<Rc<dyn Transport>, MountError> {
    match find_transport(window).map_err(MountError::Config)? {
        TransportSetting::Memory => {
            let (transport, agent) = MemoryTransport::for_config(config);
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
        TransportSetting::Matrix(settings) => matrix_transport(&settings),
    }
}

#[cfg(feature = "matrix")]
fn matrix_transport(settings: &serde_json::Value) -> Result<Rc<dyn Transport>, MountError> {
    let settings =
        sitechat_core::matrix::settings::parse_settings(settings).map_err(MountError::Config)?;
    Ok(Rc::new(crate::transport::matrix::MatrixTransport::new(settings)))
}

#[cfg(not(feature = "matrix"))]
fn matrix_transport(_settings: &serde_json::Value) -> Result<Rc<dyn Transport>, MountError> {
    Err(MountError::Config(
        "sitechatSettings.transport.matrix: this build of sitechat has no Matrix transport (build it with the `matrix` feature)".into(),
    ))
}
