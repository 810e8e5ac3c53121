//! A backend that misbehaves must not freeze the page or break the widget: one that
//! sends garbage, one that floods, one that accepts the connection and never answers,
//! and one that cannot be reached at all. Each is a transport written here that plays
//! that part; the widget above it is the real one.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use sitechat::effects::persistence::Persistence;
use sitechat::store::Store;
use sitechat::transport::{Connection, Signal, SignalSink, Transport, TransportError};
use sitechat::{mount, Mounted};
use sitechat_core::config::Config;
use sitechat_core::i18n::Locale;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{Element, HtmlTextAreaElement};

use crate::support::{flush, fresh_parent, next_task, send_from};

/// What the backend does when the widget connects, and what it does with each frame.
#[derive(Clone, Copy, PartialEq)]
enum Behaviour {
    /// Answers `hello` with a welcome, then a stream of garbage frames.
    Garbage,
    /// Answers `hello`, then floods thousands of frames at once.
    Flood,
    /// Opens, and never says anything.
    Silent,
    /// Refuses every connection at once.
    Unreachable,
}

#[derive(Clone)]
struct Scripted {
    behaviour: Behaviour,
    connects: Rc<Cell<u32>>,
    received: Rc<RefCell<Vec<String>>>,
    sink: Rc<RefCell<Option<SignalSink>>>,
}

impl Scripted {
    fn new(behaviour: Behaviour) -> Scripted {
        Scripted {
            behaviour,
            connects: Rc::default(),
            received: Rc::default(),
            sink: Rc::default(),
        }
    }

    /// Delivers `frames` to the widget, each on its own task like a network would.
    fn deliver(&self, frames: Vec<String>) {
        let Some(sink) = self.sink.borrow().clone() else { return };
        for frame in frames {
            let sink = sink.clone();
            wasm_bindgen_futures::spawn_local(async move { sink(Signal::Frame(frame)) });
        }
    }
}

struct ScriptedConnection(Scripted);

impl Transport for Scripted {
    fn name(&self) -> &'static str {
        "scripted"
    }

    fn connect(&self, sink: SignalSink) -> Result<Box<dyn Connection>, TransportError> {
        self.connects.set(self.connects.get() + 1);
        let later = sink.clone();
        if self.behaviour == Behaviour::Unreachable {
            wasm_bindgen_futures::spawn_local(async move {
                later(Signal::Closed { reason: "refused".into() })
            });
        } else {
            *self.sink.borrow_mut() = Some(sink);
            wasm_bindgen_futures::spawn_local(async move { later(Signal::Open) });
        }
        Ok(Box::new(ScriptedConnection(self.clone())))
    }
}

impl Connection for ScriptedConnection {
    fn send(&self, frame: &str) -> Result<(), TransportError> {
        let s = &self.0;
        s.received.borrow_mut().push(frame.to_owned());
        if !frame.contains(r#""type":"hello""#) {
            return Ok(());
        }
        let welcome = r#"{"type":"welcome","session_token":"st","visitor_id":"v1","team_available":true,"server_time":0}"#.to_owned();
        match s.behaviour {
            Behaviour::Garbage => {
                let mut frames = vec![welcome];
                frames.extend(garbage());
                s.deliver(frames);
            }
            Behaviour::Flood => {
                let mut frames = vec![welcome];
                for i in 0..3_000u32 {
                    frames
                        .push(format!(r#"{{"type":"presence","team_available":{}}}"#, i % 2 == 0));
                    frames.push(format!(r#"{{"type":"typing","conversation_id":"c-other","author_name":"Ana {i}","typing":true}}"#));
                    frames.push(format!(r#"{{"type":"pong","nonce":{i}}}"#));
                    frames.push(format!(r#"{{"type":"error","code":"bad_request","message":"flood {i}","client_id":null}}"#));
                }
                s.deliver(frames);
            }
            Behaviour::Silent | Behaviour::Unreachable => {}
        }
        Ok(())
    }
}

/// Frames no backend should send: not JSON, wrong shapes, unknown types, huge, deep.
fn garbage() -> Vec<String> {
    let mut frames: Vec<String> = [
        "", "null", "[]", "42", "\"text\"", "{", "}{", "{\"type\":null}", "{\"type\":42}", "{\"type\":\"nope\"}",
        "{\"type\":\"message\"}", "{\"type\":\"message\",\"conversation_id\":\"c1\",\"message\":\"hi\"}",
        "{\"type\":\"ack\",\"client_id\":\"\",\"conversation_id\":\"c1\",\"message_id\":\"m\",\"seq\":-1,\"at\":0}",
        "{\"type\":\"history\",\"conversation_id\":\"c1\",\"messages\":[1,2,3],\"complete\":\"yes\"}",
        "{\"type\":\"welcome\",\"session_token\":\"\",\"visitor_id\":\"v\",\"team_available\":true,\"server_time\":0}",
        "{\"type\":\"conversation_ended\",\"conversation_id\":\"c1\",\"reason\":\"boom\"}",
        "\u{0}\u{1}\u{2}", "\u{FEFF}{\"type\":\"pong\",\"nonce\":1}", "<script>sitechatTrap()</script>",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    frames.push(format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)));
    frames.push(format!(r#"{{"type":"pong","nonce":1,"pad":"{}"}}"#, "x".repeat(5 * 1024 * 1024)));
    frames.push(format!(
        r#"{{"type":"typing","conversation_id":"{}","typing":true}}"#,
        "c".repeat(100_000)
    ));
    frames
}

struct Widget {
    parent: Element,
    mounted: Option<Mounted>,
    namespace: String,
}

impl Widget {
    async fn mount(transport: &Scripted) -> Widget {
        let parent = fresh_parent();
        let namespace = format!("hostile-{}", sitechat::store::new_client_id());
        let t: Rc<dyn Transport> = Rc::new(transport.clone());
        let store =
            Store::new(Rc::new(Config::default()), Locale::En, t, Persistence::local(&namespace));
        let mounted = mount(&parent, store).expect("the widget mounts");
        flush().await;
        Widget { parent, mounted: Some(mounted), namespace }
    }

    fn find(&self, selector: &str) -> Option<Element> {
        let root = self.mounted.as_ref()?.host_element().shadow_root()?;
        root.query_selector(selector).ok().flatten()
    }

    async fn click(&self, selector: &str) {
        self.find(selector)
            .unwrap_or_else(|| panic!("no {selector}"))
            .unchecked_into::<web_sys::HtmlElement>()
            .click();
        flush().await;
    }

    async fn send(&self, text: &str) {
        let area = self
            .find(".sc-composer__input")
            .expect("a composer")
            .unchecked_into::<HtmlTextAreaElement>();
        send_from(&area, text).await;
    }

    /// The widget still does what a visitor asks: the window closes and opens again, a
    /// message is shown at once.
    async fn still_usable(&self, text: &str) {
        if self.find(".sc-window").is_some() {
            self.click(".sc-header__close").await;
        }
        assert!(self.find(".sc-window").is_none(), "the window closes");
        self.click(".sc-launcher").await;
        assert!(self.find(".sc-window").is_some(), "the window opens");
        self.send(text).await;
        let shown = self
            .find(".sc-bubble--visitor:last-of-type .sc-bubble__text")
            .and_then(|e| e.text_content());
        assert!(
            self.find(".sc-window")
                .map(|w| w.text_content().unwrap_or_default().contains(text))
                .unwrap_or(false),
            "the message {text:?} is shown (last: {shown:?})"
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

/// Turns the event loop for `ms`, measuring the longest gap between two turns: a page
/// whose main thread is blocked shows it as one long gap. The tests allow 2 s (a frozen
/// page is frozen for much longer; a busy shared machine can pause a few hundred ms).
async fn longest_stall_during(ms: f64) -> f64 {
    let end = js_sys::Date::now() + ms;
    let mut last = js_sys::Date::now();
    let mut worst: f64 = 0.0;
    while js_sys::Date::now() < end {
        next_task().await;
        let now = js_sys::Date::now();
        worst = worst.max(now - last);
        last = now;
    }
    worst
}

#[wasm_bindgen_test]
async fn a_backend_sending_garbage_does_not_break_the_widget() {
    let backend = Scripted::new(Behaviour::Garbage);
    let w = Widget::mount(&backend).await;
    w.click(".sc-launcher").await;
    w.send("hello").await;
    let stall = longest_stall_during(1_500.0).await;
    assert!(stall < 2_000.0, "the page was blocked for {stall} ms");
    assert!(backend.connects.get() >= 1);
    w.still_usable("after the garbage").await;
}

#[wasm_bindgen_test]
async fn a_flood_of_frames_does_not_freeze_the_page() {
    let backend = Scripted::new(Behaviour::Flood);
    let w = Widget::mount(&backend).await;
    w.click(".sc-launcher").await;
    let started = js_sys::Date::now();
    w.send("hello").await;
    let stall = longest_stall_during(2_000.0).await;
    assert!(stall < 2_000.0, "12 000 frames blocked the page for {stall} ms at a stretch");
    assert!(js_sys::Date::now() - started < 10_000.0);
    w.still_usable("after the flood").await;
}

#[wasm_bindgen_test]
async fn a_backend_that_never_answers_leaves_messages_sending_without_a_busy_loop() {
    let backend = Scripted::new(Behaviour::Silent);
    let w = Widget::mount(&backend).await;
    w.click(".sc-launcher").await;
    w.send("anyone?").await;
    let stall = longest_stall_during(2_000.0).await;
    assert!(stall < 2_000.0, "blocked for {stall} ms");
    assert!(w.find(".sc-delivery--sending").is_some(), "the message waits as sending");
    assert!(w.find(".sc-delivery--failed").is_none(), "not failed after 2 s");
    let frames = backend.received.borrow().len();
    assert!(frames <= 5, "the widget kept sending to a silent backend: {frames} frames in 2 s");
    w.still_usable("still here").await;
}

#[wasm_bindgen_test]
async fn an_unreachable_backend_is_retried_with_backoff_not_in_a_loop() {
    let backend = Scripted::new(Behaviour::Unreachable);
    let w = Widget::mount(&backend).await;
    w.click(".sc-launcher").await;
    w.send("hello?").await;
    let stall = longest_stall_during(3_000.0).await;
    assert!(stall < 2_000.0, "blocked for {stall} ms");
    let attempts = backend.connects.get();
    assert!((1..=6).contains(&attempts), "{attempts} connection attempts in 3 s");
    w.still_usable("queued while offline").await;
}
