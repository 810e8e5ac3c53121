//! The widget of the page: what the JS API drives (`load`, `open`, `close`, `remove`,
//! `refresh`, `status`, `clear`).
//!
//! It is in one of three phases: **idle** (nothing on the page), **pending** (loading:
//! the config may be fetched from a URL), or **loaded** (mounted, with its store and the
//! event bridge). Invariants:
//! - `load` while pending or loaded does nothing; `remove` while pending cancels the
//!   load; after `remove` nothing of the widget is left in the page (no node, no
//!   listener, no timer, no connection) and `load` brings it back;
//! - calls that need the mounted widget (`open`, `close`, `refresh`, `clear`) made while
//!   pending wait and run, in order, right after it mounts;
//! - the transport is made once per page and reused by every later load, so a
//!   `remove()` + `load()` resumes the same conversation on the same backend;
//! - the page's listeners (`on`) outlive `remove`, and hear `widgetLoaded` again.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use serde_json::json;
use sitechat_core::config::Config;
use sitechat_core::conversation::Status;

use super::config_source::load_config;
use super::early_launcher::retire;
use super::event_bridge::{availability_name, to_js, EventBridge};
use super::events::{EventName, Listeners};
use super::page_settings::{alias_settings, read_page_settings, PageSettings};
pub use super::widget_status::WidgetStatus;
use crate::effects::persistence::Persistence;
use crate::mount::{mount_with, page_locale, transport_from_settings, Mounted};
use crate::store::Store;
use crate::transport::Transport;

/// The storage namespace of the page widget.
pub const STORAGE_NAMESPACE: &str = "v1";

/// A call waiting for the pending load to finish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Deferred {
    Open,
    Close,
    Refresh {
        open_to_new_thread: bool,
    },
    Clear {
        reset_widget: bool,
    },
    /// `refresh({openToNewThread: true})`: open, on a new conversation if the last
    /// one ended.
    NewThread,
    /// The visitor clicked the loader's launcher: open, as their own action.
    LauncherClick,
}

struct Loaded {
    // Dropped first: no event is reported while the widget comes off the page.
    _bridge: EventBridge,
    mounted: Mounted,
    inline: bool,
}

enum Phase {
    Idle,
    Pending { waiting: Vec<Deferred> },
    Loaded(Loaded),
}

/// The page's one widget.
pub struct PageWidget {
    listeners: Rc<Listeners>,
    phase: RefCell<Phase>,
    /// Grows on every load and remove: a load that finishes after it was cancelled (or
    /// superseded) sees a different number and drops what it built.
    generation: Cell<u64>,
    transport: RefCell<Option<Rc<dyn Transport>>>,
    demo_panel_shown: Cell<bool>,
    me: Weak<PageWidget>,
}

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

impl PageWidget {
    /// A page widget with nothing loaded yet.
    pub fn new() -> Rc<PageWidget> {
        Rc::new_cyclic(|me| PageWidget {
            listeners: Rc::new(Listeners::default()),
            phase: RefCell::new(Phase::Idle),
            generation: Cell::new(0),
            transport: RefCell::new(None),
            demo_panel_shown: Cell::new(false),
            me: me.clone(),
        })
    }

    /// The page's event listeners.
    pub fn listeners(&self) -> &Rc<Listeners> {
        &self.listeners
    }

    /// The page settings, or `None` after logging what is wrong with them.
    pub fn settings() -> Option<PageSettings> {
        let window = window()?;
        alias_settings(&window);
        match read_page_settings(&window) {
            Ok(settings) => Some(settings),
            Err(errors) => {
                gloo::console::error!(format!(
                    "sitechat: the page settings have errors, the widget is not shown:\n{errors}"
                ));
                None
            }
        }
    }

    /// The store of the mounted widget.
    pub fn store(&self) -> Option<Rc<Store>> {
        match &*self.phase.borrow() {
            Phase::Loaded(loaded) => Some(loaded.mounted.store().clone()),
            _ => None,
        }
    }

    /// `widget.load({widgetOpen})`: mounts the widget unless it is loaded or loading.
    pub fn load(&self, widget_open: bool) {
        let waiting = if widget_open { vec![Deferred::Open] } else { Vec::new() };
        self.load_then(waiting);
    }

    fn load_then(&self, waiting: Vec<Deferred>) {
        if !matches!(*self.phase.borrow(), Phase::Idle) {
            return;
        }
        let Some(settings) = PageWidget::settings() else {
            retire();
            return;
        };
        let generation = self.generation.get() + 1;
        self.generation.set(generation);
        *self.phase.borrow_mut() = Phase::Pending { waiting };
        let me = self.me.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let Some(window) = window() else { return };
            let config = load_config(&window).await;
            let Some(page) = me.upgrade() else { return };
            if page.generation.get() != generation {
                return;
            }
            match config {
                Ok(config) => page.finish_load(&window, config, &settings),
                Err(message) => {
                    gloo::console::error!(message);
                    *page.phase.borrow_mut() = Phase::Idle;
                    retire();
                }
            }
        });
    }

    fn finish_load(&self, window: &web_sys::Window, mut config: Config, settings: &PageSettings) {
        match self.mount_now(window, &mut config, settings) {
            Ok(loaded) => {
                let waiting =
                    match std::mem::replace(&mut *self.phase.borrow_mut(), Phase::Loaded(loaded)) {
                        Phase::Pending { waiting } => waiting,
                        _ => Vec::new(),
                    };
                self.listeners.emit(
                    EventName::WidgetLoaded,
                    &to_js(&json!({ "message": "Widget has loaded" })),
                );
                for call in waiting {
                    self.run(call);
                }
            }
            Err(message) => {
                gloo::console::error!(message);
                *self.phase.borrow_mut() = Phase::Idle;
                retire();
            }
        }
    }

    fn mount_now(
        &self,
        window: &web_sys::Window,
        config: &mut Config,
        settings: &PageSettings,
    ) -> Result<Loaded, String> {
        let document = window.document().ok_or("sitechat: the page has no document")?;
        let (parent, inline) = match &settings.inline_embed_selector {
            None => (document.body().ok_or("sitechat: the page has no <body>")?.into(), false),
            Some(selector) => match document.query_selector(selector) {
                Ok(Some(element)) => (element, true),
                Ok(None) => {
                    return Err(format!(
                        "sitechat: sitechatSettings.inlineEmbedSelector {selector:?} matches no element, the widget is not shown"
                    ))
                }
                Err(_) => {
                    return Err(format!(
                        "sitechat: sitechatSettings.inlineEmbedSelector {selector:?} is not a valid CSS selector"
                    ))
                }
            },
        };
        if settings.disable_attachment {
            config.options.attachments = false;
        }
        let locale = page_locale(config, settings.locale.as_deref());
        let transport = match self.transport.borrow().clone() {
            Some(transport) => transport,
            None => transport_from_settings(window, config).map_err(|e| e.to_string())?,
        };
        *self.transport.borrow_mut() = Some(transport.clone());
        let store = Store::new(
            Rc::new(config.clone()),
            locale,
            transport,
            Persistence::local(STORAGE_NAMESPACE),
        );
        let bridge = EventBridge::watch(&store, self.listeners.clone());
        let mounted = mount_with(&parent, store, inline).map_err(|e| e.to_string())?;
        self.show_demo_panel(&document);
        Ok(Loaded { _bridge: bridge, mounted, inline })
    }

    #[cfg(feature = "demo")]
    fn show_demo_panel(&self, document: &web_sys::Document) {
        if self.demo_panel_shown.replace(true) {
            return;
        }
        if let (Some(agent), Some(panel)) =
            (crate::demo_agent(), document.get_element_by_id("demo-agent-panel"))
        {
            crate::demo::mount_agent_panel(panel, agent);
        }
    }

    #[cfg(not(feature = "demo"))]
    fn show_demo_panel(&self, _document: &web_sys::Document) {
        let _ = &self.demo_panel_shown;
    }

    /// Runs `call` now if the widget is loaded, after it loads if it is loading, and
    /// says why it did nothing otherwise.
    fn run_or_defer(&self, call: Deferred, what: &str) {
        let loaded = match &mut *self.phase.borrow_mut() {
            Phase::Pending { waiting } => {
                waiting.push(call);
                return;
            }
            Phase::Idle => false,
            Phase::Loaded(_) => true,
        };
        if loaded {
            self.run(call);
        } else {
            gloo::console::warn!(format!(
                "sitechat: {what} did nothing: the widget is not loaded (call widget.load() first)"
            ));
        }
    }

    fn run(&self, call: Deferred) {
        match call {
            Deferred::Open => {
                if let Some(store) = self.store() {
                    store.open_window();
                }
            }
            Deferred::Close => {
                let inline = matches!(&*self.phase.borrow(), Phase::Loaded(l) if l.inline);
                if inline {
                    gloo::console::warn!(
                        "sitechat: widget.close() did nothing: an inline widget stays open"
                    );
                } else if let Some(store) = self.store() {
                    store.close_window();
                }
            }
            Deferred::LauncherClick => {
                if let Some(store) = self.store() {
                    store.open_window_for_visitor();
                }
            }
            Deferred::NewThread => {
                if let Some(store) = self.store() {
                    if matches!(store.chat().status(), Status::Ended { .. }) {
                        store.start_new_chat();
                    }
                    store.open_window();
                }
            }
            Deferred::Refresh { open_to_new_thread } => {
                self.remove();
                self.load_then(if open_to_new_thread {
                    vec![Deferred::NewThread]
                } else {
                    Vec::new()
                });
            }
            Deferred::Clear { reset_widget } => {
                if let Some(store) = self.store() {
                    store.forget_visitor();
                }
                Persistence::local(STORAGE_NAMESPACE).clear();
                if reset_widget {
                    self.remove();
                    self.load(false);
                }
            }
        }
    }

    /// `widget.open()`.
    pub fn open(&self) {
        self.run_or_defer(Deferred::Open, "widget.open()");
    }

    /// A click on the loader's launcher, made before the app was there.
    pub fn launcher_click(&self) {
        self.run_or_defer(Deferred::LauncherClick, "a click on the launcher");
    }

    /// `widget.close()`.
    pub fn close(&self) {
        self.run_or_defer(Deferred::Close, "widget.close()");
    }

    /// `widget.refresh({openToNewThread})`: reads the settings and the config again and
    /// mounts the widget afresh (the conversation is kept).
    pub fn refresh(&self, open_to_new_thread: bool) {
        self.run_or_defer(Deferred::Refresh { open_to_new_thread }, "widget.refresh()");
    }

    /// `clear({resetWidget})`: forgets the visitor. Works loaded or not: the storage is
    /// wiped either way; `resetWidget` also mounts a fresh widget when one is loaded.
    pub fn clear(&self, reset_widget: bool) {
        let pending = matches!(*self.phase.borrow(), Phase::Pending { .. });
        if pending || self.store().is_some() {
            self.run_or_defer(Deferred::Clear { reset_widget }, "clear()");
        } else {
            Persistence::local(STORAGE_NAMESPACE).clear();
        }
    }

    /// `widget.remove()`: takes everything off the page (a pending load is cancelled).
    pub fn remove(&self) {
        self.generation.set(self.generation.get() + 1);
        let previous = std::mem::replace(&mut *self.phase.borrow_mut(), Phase::Idle);
        drop(previous);
        retire();
    }

    /// `widget.status()`.
    pub fn status(&self) -> WidgetStatus {
        match &*self.phase.borrow() {
            Phase::Loaded(loaded) => {
                let store = loaded.mounted.store();
                let chat = store.chat();
                WidgetStatus {
                    loaded: true,
                    pending: false,
                    open: loaded.inline || chat.is_window_open(),
                    availability: availability_name(&store.availability().state),
                    unread_count: chat.unread(),
                }
            }
            phase => WidgetStatus {
                loaded: false,
                pending: matches!(phase, Phase::Pending { .. }),
                open: false,
                availability: "hidden",
                unread_count: 0,
            },
        }
    }
}
