//! The XSS corpus (`tests/xss/payloads.json`, shared with the inbox's Playwright test)
//! thrown at every place the widget shows something it did not write: agent messages,
//! the visitor's own messages echoed back, author names and avatar URLs from the wire,
//! attachment names and URLs, quick-reply labels, every config string and URL, and the
//! page's URL hash.
//!
//! After each batch the test checks, in the widget's shadow root *and* the page:
//! - `sitechatTrap` (and `alert`/`confirm`/`prompt`, rebound to it) was never called;
//! - no element that can run or embed code exists (`script`, `iframe`, `object`,
//!   `embed`, `svg` other than the widget's own icons, `base`, `meta`, `link`, `style`);
//! - no attribute starts with `on`, and no `style` attribute was added;
//! - every `a[href]` is http, https, mailto (or tel) or the page's own `blob:http(s)`,
//!   every `img[src]` http(s), a same-site path or such a blob — never `javascript:`,
//!   `data:` or anything else;
//! - the widget still works: a message typed afterwards is sent and confirmed.
//!
//! The backend here is the core's `MemoryBackend` behind a small transport of this file,
//! so the agent's name and avatar can be set to a payload (the demo's memory transport
//! has a fixed agent). Frames are real JSON through `encode`/`decode`.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::{Rc, Weak};

use serde::Deserialize;
use sitechat::effects::persistence::Persistence;
use sitechat::store::Store;
use sitechat::transport::{Connection, Signal, SignalSink, Transport, TransportError};
use sitechat::{mount, Mounted};
use sitechat_core::config::{parse_config, Config};
use sitechat_core::i18n::Locale;
use sitechat_core::memory_backend::{AgentMessage, ConnectionId, MemoryBackend, Outgoing};
use sitechat_core::protocol::{Attachment, Author, AuthorKind, ClientCommand, QuickReply};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{Element, HtmlTextAreaElement};

use crate::support::{flush, fresh_parent, next_task, send_from, set_hash, wait_until};

#[derive(Deserialize)]
struct Corpus {
    payloads: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    id: u32,
    category: String,
    payload: String,
    #[serde(default)]
    repeat: Option<usize>,
}

/// Every payload, with `repeat` expanded.
fn corpus() -> Vec<(String, String)> {
    let corpus: Corpus = serde_json::from_str(include_str!("../xss/payloads.json"))
        .expect("the corpus is valid JSON");
    assert!(corpus.payloads.len() >= 100, "the corpus holds at least 100 payloads");
    corpus
        .payloads
        .into_iter()
        .map(|e| (format!("#{} ({})", e.id, e.category), e.payload.repeat(e.repeat.unwrap_or(1))))
        .collect()
}

// ---------------------------------------------------------------------------------
// The trap
// ---------------------------------------------------------------------------------

/// Installs `window.sitechatTrap` (and rebinds `alert`, `confirm`, `prompt`, `print` to
/// it) and resets its counter. Idempotent.
fn arm_trap() {
    let window = web_sys::window().expect("window");
    let trap = Closure::<dyn Fn()>::new(|| {
        let w = web_sys::window().expect("window");
        let n = js_sys::Reflect::get(&w, &"sitechatTrapped".into())
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0);
        let _ = js_sys::Reflect::set(&w, &"sitechatTrapped".into(), &JsValue::from_f64(n + 1.0));
    })
    .into_js_value();
    for name in ["sitechatTrap", "alert", "confirm", "prompt", "print"] {
        let _ = js_sys::Reflect::set(&window, &name.into(), &trap);
    }
    let _ = js_sys::Reflect::set(&window, &"sitechatTrapped".into(), &JsValue::from_f64(0.0));
}

fn trapped() -> f64 {
    let w = web_sys::window().expect("window");
    js_sys::Reflect::get(&w, &"sitechatTrapped".into()).ok().and_then(|v| v.as_f64()).unwrap_or(0.0)
}

/// Gives anything injected the time to run: `onerror` of a broken image fires after
/// the failed load (a task or two, and a request to the test server), `onload` of an
/// SVG or iframe after parsing. Waiting on a condition is impossible here — the
/// condition is that nothing happens — so this waits a fixed, short time.
async fn let_anything_run() {
    flush().await;
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 300);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    flush().await;
}

/// The detector itself works: markup parsed as HTML calls the trap. Without this, a
/// broken trap would make every other test here pass for nothing.
#[wasm_bindgen_test]
async fn the_trap_catches_markup_that_runs() {
    arm_trap();
    let div = fresh_parent();
    div.set_inner_html("<img src=x onerror=sitechatTrap()>");
    let deadline = js_sys::Date::now() + 5_000.0;
    while trapped() == 0.0 && js_sys::Date::now() < deadline {
        next_task().await;
    }
    div.remove();
    assert_eq!(trapped(), 1.0, "the trap was not called by a real onerror");
    arm_trap();
}

/// Everything wrong found under `root` (the shadow root, or the document).
fn problems_in(root: &web_sys::Node, label: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let query = |selector: &str| -> Vec<Element> {
        let list = match root.dyn_ref::<web_sys::ShadowRoot>() {
            Some(shadow) => shadow.query_selector_all(selector),
            None => root
                .dyn_ref::<web_sys::Document>()
                .expect("a document")
                .query_selector_all(selector),
        };
        let Ok(list) = list else { return Vec::new() };
        (0..list.length())
            .filter_map(|i| list.get(i))
            .filter_map(|n| n.dyn_into::<Element>().ok())
            .collect()
    };
    for el in query("script, iframe, object, embed, base, meta[http-equiv], link[rel=import], style, frame, math, template") {
        // The test runner's own page has scripts and styles; only the widget's root must have none.
        if label == "widget" || el.closest("[data-sitechat], .xss-host").ok().flatten().is_some() {
            problems.push(format!("{label}: a <{}> element", el.tag_name().to_lowercase()));
        }
    }
    let scope = if label == "widget" { "*" } else { "[data-sitechat] *, .xss-host *" };
    for el in query(scope) {
        let names = el.get_attribute_names();
        for i in 0..names.length() {
            let name = names.get(i).as_string().unwrap_or_default().to_lowercase();
            if name.starts_with("on") {
                problems.push(format!("{label}: <{} {name}>", el.tag_name().to_lowercase()));
            }
            // The composer grows with its text through the CSSOM (allowed under a strict
            // CSP); no other element may carry inline style.
            let composer = el
                .get_attribute("class")
                .is_some_and(|c| c.split_whitespace().any(|c| c == "sc-composer__input"));
            if (name == "style" && !composer)
                || name == "srcdoc"
                || name == "formaction"
                || name == "xlink:href"
            {
                problems.push(format!("{label}: <{} {name}>", el.tag_name().to_lowercase()));
            }
        }
        if el.tag_name().eq_ignore_ascii_case("svg")
            && el.get_attribute("aria-hidden").as_deref() != Some("true")
        {
            problems.push(format!("{label}: an <svg> that is not one of the widget's icons"));
        }
    }
    for a in query("a[href]") {
        let href = a.get_attribute("href").unwrap_or_default();
        let lower = href.trim_start().to_ascii_lowercase();
        // `blob:` links are the page's own uploads (the in-memory backend keeps files so).
        let ok = ["http://", "https://", "mailto:", "tel:", "blob:http://", "blob:https://"]
            .iter()
            .any(|s| lower.starts_with(s));
        if !ok {
            problems.push(format!("{label}: a link to {href:?}"));
        }
    }
    for img in query("img[src]") {
        let src = img.get_attribute("src").unwrap_or_default();
        let lower = src.trim_start().to_ascii_lowercase();
        let ok = ["http://", "https://", "blob:http://", "blob:https://"]
            .iter()
            .any(|s| lower.starts_with(s))
            || (src.starts_with('/') && !src.starts_with("//") && !src.starts_with("/\\"));
        if !ok {
            problems.push(format!(
                "{label}: an image from {:?}",
                src.chars().take(80).collect::<String>()
            ));
        }
    }
    problems
}

// ---------------------------------------------------------------------------------
// A backend whose agent can be anyone
// ---------------------------------------------------------------------------------

struct Shared {
    backend: MemoryBackend,
    sinks: BTreeMap<ConnectionId, SignalSink>,
}

#[derive(Clone)]
struct HostileBackend(Rc<RefCell<Shared>>);

impl HostileBackend {
    fn new() -> HostileBackend {
        HostileBackend(Rc::new(RefCell::new(Shared {
            backend: MemoryBackend::new("Agent"),
            sinks: BTreeMap::new(),
        })))
    }

    fn deliver(&self, out: Vec<Outgoing>) {
        for Outgoing { to, event } in out {
            let weak = Rc::downgrade(&self.0);
            let frame = event.encode();
            wasm_bindgen_futures::spawn_local(async move {
                let sink = weak.upgrade().and_then(|s| s.borrow().sinks.get(&to).cloned());
                if let Some(sink) = sink {
                    sink(Signal::Frame(frame));
                }
            });
        }
    }

    /// The agent (or a bot), called `name` with the avatar `avatar_url`, sends `message`.
    fn agent_sends(&self, kind: AuthorKind, name: &str, avatar_url: &str, message: AgentMessage) {
        let out = {
            let mut s = self.0.borrow_mut();
            s.backend.set_agent(Author {
                kind,
                name: Some(name.into()),
                avatar_url: Some(avatar_url.into()),
            });
            s.backend.agent_sends(message, false, js_sys::Date::now() as i64)
        };
        self.deliver(out);
    }
}

impl Transport for HostileBackend {
    fn name(&self) -> &'static str {
        "hostile"
    }

    fn connect(&self, sink: SignalSink) -> Result<Box<dyn Connection>, TransportError> {
        let id = {
            let mut s = self.0.borrow_mut();
            let id = s.backend.connect();
            s.sinks.insert(id, sink.clone());
            id
        };
        wasm_bindgen_futures::spawn_local(async move { sink(Signal::Open) });
        Ok(Box::new(HostileConnection { backend: Rc::downgrade(&self.0), id, owner: self.clone() }))
    }
}

struct HostileConnection {
    backend: Weak<RefCell<Shared>>,
    id: ConnectionId,
    owner: HostileBackend,
}

impl Connection for HostileConnection {
    fn send(&self, frame: &str) -> Result<(), TransportError> {
        let shared = self.backend.upgrade().ok_or_else(|| TransportError("closed".into()))?;
        let command = ClientCommand::decode(frame).map_err(|e| TransportError(e.to_string()))?;
        let out = shared.borrow_mut().backend.receive(self.id, command, js_sys::Date::now() as i64);
        self.owner.deliver(out);
        Ok(())
    }
}

impl Drop for HostileConnection {
    fn drop(&mut self) {
        if let Some(shared) = self.backend.upgrade() {
            let mut s = shared.borrow_mut();
            s.sinks.remove(&self.id);
            s.backend.disconnect(self.id);
        }
    }
}

/// A widget mounted on a fresh element with `config`, talking to `backend`.
struct Widget {
    parent: Element,
    mounted: Option<Mounted>,
    namespace: String,
}

impl Widget {
    fn mount(config: Config, backend: &HostileBackend) -> Widget {
        let parent = fresh_parent();
        parent.set_class_name("xss-host");
        let namespace = format!("xss-{}", sitechat::store::new_client_id());
        let transport: Rc<dyn Transport> = Rc::new(backend.clone());
        let store =
            Store::new(Rc::new(config), Locale::En, transport, Persistence::local(&namespace));
        let mounted = mount(&parent, store).expect("the widget mounts");
        Widget { parent, mounted: Some(mounted), namespace }
    }

    fn root(&self) -> web_sys::ShadowRoot {
        self.mounted.as_ref().expect("mounted").host_element().shadow_root().expect("a shadow root")
    }

    fn find(&self, selector: &str) -> Option<Element> {
        self.root().query_selector(selector).ok().flatten()
    }

    fn count(&self, selector: &str) -> u32 {
        self.root().query_selector_all(selector).map(|l| l.length()).unwrap_or(0)
    }

    async fn click(&self, selector: &str) {
        let el = self.find(selector).unwrap_or_else(|| panic!("no {selector}"));
        el.unchecked_into::<web_sys::HtmlElement>().click();
        flush().await;
    }

    async fn open(&self) {
        flush().await;
        if self.find(".sc-window").is_none() {
            self.click(".sc-launcher").await;
        }
        assert!(self.find(".sc-window").is_some(), "the window opens");
    }

    async fn send(&self, text: &str) {
        let area = self
            .find(".sc-composer__input")
            .expect("a composer")
            .unchecked_into::<HtmlTextAreaElement>();
        send_from(&area, text).await;
    }

    async fn wait_for(&self, what: &str, cond: impl Fn(&Widget) -> bool) {
        wait_until(what, || cond(self)).await;
    }

    /// Nothing ran, nothing dangerous is in the DOM, and a new message still goes
    /// through and is confirmed.
    async fn assert_clean_and_working(&self, context: &str) {
        let_anything_run().await;
        assert_eq!(trapped(), 0.0, "{context}: an injected payload ran");
        let mut problems = problems_in(&self.root().into(), "widget");
        problems
            .extend(problems_in(&web_sys::window().unwrap().document().unwrap().into(), "page"));
        assert!(problems.is_empty(), "{context}:\n{}", problems.join("\n"));
        self.open().await;
        let sent_before = self.count(".sc-delivery--sent");
        let marker = format!("still working {}", sitechat::store::new_client_id());
        self.send(&marker).await;
        self.wait_for("the marker message is confirmed", |w| {
            w.count(".sc-bubble--visitor .sc-bubble__text") > 0
                && w.find(".sc-delivery--sending").is_none()
                && (w.count(".sc-delivery--sent") >= 1 || sent_before > 0)
        })
        .await;
        let texts: Vec<String> = {
            let list = self
                .root()
                .query_selector_all(".sc-bubble--visitor .sc-bubble__text")
                .expect("query");
            (0..list.length())
                .filter_map(|i| list.get(i))
                .filter_map(|n| n.text_content())
                .collect()
        };
        assert!(
            texts.contains(&marker.to_string()),
            "{context}: the widget no longer sends messages"
        );
    }
}

impl Drop for Widget {
    fn drop(&mut self) {
        self.mounted = None;
        Persistence::local(&self.namespace).clear();
        self.parent.remove();
    }
}

/// Deep-merges JSON object `from` into `into`.
fn merge(into: &mut serde_json::Value, from: serde_json::Value) {
    match (into, from) {
        (serde_json::Value::Object(a), serde_json::Value::Object(b)) => {
            for (k, v) in b {
                merge(a.entry(k).or_insert(serde_json::Value::Null), v);
            }
        }
        (slot, v) => *slot = v,
    }
}

/// Sets the hash and waits for `hashchange`, unless the browser normalises the new
/// hash to the current one (tabs and line breaks are dropped from URLs, so two payloads
/// can be the same hash), in which case no event will come.
async fn set_hash_if_it_changes(hash: &str) {
    let location = web_sys::window().expect("window").location();
    let before = location.hash().unwrap_or_default();
    let probe = web_sys::Url::new(&format!("http://x.invalid/{hash}"))
        .map(|u| u.hash())
        .unwrap_or_default();
    if probe == before {
        return;
    }
    set_hash(hash).await;
}

// ---------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------

/// Agent messages carrying the payload everywhere a message can: text, author name,
/// avatar URL, attachment name and URL (as an image and as a file), quick replies.
#[wasm_bindgen_test]
async fn payloads_from_the_wire_never_run() {
    arm_trap();
    let backend = HostileBackend::new();
    let w = Widget::mount(Config::default(), &backend);
    w.open().await;
    w.send("hello").await;
    w.wait_for("a conversation", |w| w.find(".sc-delivery--sent").is_some()).await;
    for (batch, chunk) in corpus().chunks(15).enumerate() {
        for (label, payload) in chunk {
            let short: String = payload.chars().take(200).collect();
            let quick = QuickReply { label: short.clone(), value: short.clone() };
            let attachment = |id: &str, mime: &str| Attachment {
                id: id.into(),
                name: short.clone(),
                mime: mime.into(),
                size: 1234,
                url: payload.chars().take(2000).collect(),
            };
            let message = AgentMessage {
                text: payload.chars().take(10_000).collect(),
                attachments: vec![
                    attachment(&format!("img-{label}"), "image/png"),
                    attachment(&format!("file-{label}"), "text/html"),
                ],
                quick_replies: vec![quick],
                collect_input: true,
            };
            // Alternate agents and bots: a bot's quick replies show as buttons while its
            // message is the latest, so each one is waited for and read back as text.
            let bot = (batch + chunk.len()) % 2 == 0 || label.contains("event");
            let kind = if bot { AuthorKind::Bot } else { AuthorKind::Agent };
            backend.agent_sends(
                kind,
                &short,
                &payload.chars().take(2000).collect::<String>(),
                message,
            );
            if bot {
                w.wait_for("the quick reply", |w| {
                    w.find(".sc-quick-replies button")
                        .and_then(|b| b.text_content())
                        .is_some_and(|t| t == short)
                })
                .await;
            }
        }
        let expected = chunk.len() as u32;
        w.wait_for("the batch is shown", |w| {
            w.count(".sc-bubble--agent, .sc-bubble--bot") >= expected.min(10)
        })
        .await;
        let labels: Vec<&str> = chunk.iter().map(|(l, _)| l.as_str()).collect();
        w.assert_clean_and_working(&format!("wire batch {batch}: {}", labels.join(", "))).await;
    }
    // Markup stayed text: the names are shown as typed.
    let names: Vec<String> = {
        let list = w.root().query_selector_all(".sc-group__name").expect("query");
        (0..list.length()).filter_map(|i| list.get(i)).filter_map(|n| n.text_content()).collect()
    };
    assert!(
        names.iter().any(|n| n.contains("<img src=x onerror=sitechatTrap()>")),
        "names shown as text: {names:?}"
    );
}

/// The visitor types each payload; it is sent, echoed back by the backend, stored, and
/// shown again after a reload from storage.
#[wasm_bindgen_test]
async fn the_visitors_own_payloads_echoed_back_never_run() {
    arm_trap();
    let backend = HostileBackend::new();
    let w = Widget::mount(Config::default(), &backend);
    w.open().await;
    for (batch, chunk) in corpus().chunks(25).enumerate() {
        for (_, payload) in chunk {
            let text: String = payload.chars().take(10_000).collect();
            if !text.trim().is_empty() {
                w.send(&text).await;
            }
        }
        w.wait_for("every message confirmed", |w| w.find(".sc-delivery--sending").is_none()).await;
        w.assert_clean_and_working(&format!("visitor batch {batch}")).await;
    }
}

/// Every string and URL of the config set to each payload: either the config is refused
/// with an error naming the field (and the page is untouched), or the widget shows it
/// as text / a checked URL.
#[wasm_bindgen_test]
async fn payloads_in_every_config_string_never_run() {
    arm_trap();
    type ConfigWith = fn(&str) -> serde_json::Value;
    let fields: &[(&str, ConfigWith)] = &[
        ("profile.name", |p| serde_json::json!({ "profile": { "name": p } })),
        ("profile.avatar_url", |p| serde_json::json!({ "profile": { "avatar_url": p } })),
        (
            "profile.meetings.link_text",
            |p| serde_json::json!({ "profile": { "meetings": { "enabled": true, "url": "https://meet.example/ada", "link_text": p } } }),
        ),
        (
            "profile.meetings.url",
            |p| serde_json::json!({ "profile": { "meetings": { "enabled": true, "url": p } } }),
        ),
        (
            "availability.message",
            |p| serde_json::json!({ "availability": { "mode": "team_status", "when_away": { "behavior": "away_message", "message": p } } }),
        ),
        ("appearance.theme_color", |p| serde_json::json!({ "appearance": { "theme_color": p } })),
        ("appearance.locale", |p| serde_json::json!({ "appearance": { "locale": p } })),
    ];
    let mut accepted = 0;
    let mut refused = 0;
    let mut mounted: Vec<(String, Widget)> = Vec::new();
    for (n, (label, payload)) in corpus().into_iter().enumerate() {
        // Each field alone: refused with an error naming it, or accepted; the accepted
        // ones are then set together on one widget.
        let mut merged = serde_json::json!({});
        for (field, make) in fields {
            let doc = make(&payload);
            match Config::from_value(&doc) {
                Err(errors) => {
                    refused += 1;
                    let leaf = field.rsplit('.').next().unwrap_or(field);
                    assert!(
                        errors.errors().iter().all(|e| e.path.contains(leaf)),
                        "{field} = {label}: errors do not name the field: {errors}"
                    );
                    assert!(
                        errors.to_string().chars().count() < 2_000,
                        "{field} = {label}: the error message is huge"
                    );
                }
                Ok(_) => {
                    accepted += 1;
                    merge(&mut merged, doc);
                }
            }
        }
        let config = Config::from_value(&merged)
            .unwrap_or_else(|e| panic!("{label}: fields accepted alone are refused together: {e}"));
        let backend = HostileBackend::new();
        backend.0.borrow_mut().backend.set_team_available(false);
        let w = Widget::mount(config, &backend);
        w.open().await;
        mounted.push((label, w));
        if mounted.len() == 20 || n + 1 == corpus().len() {
            // A batch of widgets is on the page at once; give them time to misbehave.
            let_anything_run().await;
            assert_eq!(
                trapped(),
                0.0,
                "a config payload ran (one of {:?})",
                mounted.iter().map(|(l, _)| l).collect::<Vec<_>>()
            );
            for (label, w) in mounted.drain(..) {
                let problems = problems_in(&w.root().into(), "widget");
                assert!(problems.is_empty(), "{label}:\n{}", problems.join("\n"));
            }
        }
    }
    // Both paths were exercised: some payloads are plain text the config must accept.
    assert!(accepted > 50 && refused > 50, "accepted {accepted}, refused {refused}");
    // The page's config parser, given the payload as the whole document, refuses it.
    for (label, payload) in corpus() {
        assert!(parse_config(&payload).is_err(), "{label} parsed as a config");
    }
}

/// Each payload as the page's URL hash, set after load (`hashchange`): nothing runs,
/// only the exact marker opens the chat.
#[wasm_bindgen_test]
async fn payloads_in_the_url_hash_never_run_and_do_not_open_the_chat() {
    arm_trap();
    let backend = HostileBackend::new();
    let w = Widget::mount(Config::default(), &backend);
    for (label, payload) in corpus() {
        let hash: String = payload.chars().take(2000).collect();
        set_hash_if_it_changes(&format!("#{hash}")).await;
        assert!(w.find(".sc-window").is_none(), "{label} opened the chat");
    }
    set_hash("#hs-chat-open").await;
    w.wait_for("the marker opens the chat", |w| w.find(".sc-window").is_some()).await;
    set_hash("").await;
    w.assert_clean_and_working("url hash").await;
}
