//! The JavaScript-bridge transport, driven by a backend written in plain JavaScript:
//! the same object a site owner would pass as `sitechatSettings.transport`.

use std::rc::Rc;

use js_sys::{Array, Reflect};
use sitechat::effects::persistence::Persistence;
use sitechat::store::Store;
use sitechat::transport::js_bridge::JsBridgeTransport;
use sitechat::{mount, Mounted};
use sitechat_core::config::parse_config;
use sitechat_core::i18n::Locale;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::{click, find, flush, fresh_parent, next_task, send_from, wait_until};

#[wasm_bindgen(inline_js = r#"
// A tiny chat backend, as a site owner would write it around their own API.
export function makeBridge(mode) {
  const state = { commands: [], connects: 0, closes: 0, handlers: null, old: [], seq: 0, conversation: null, uploads: 0 };
  const emit = (event) => state.handlers && state.handlers.onEvent(event);
  const bridge = {
    connect(handlers) {
      state.connects += 1;
      if (state.handlers) state.old.push(state.handlers);
      state.handlers = handlers;
      handlers.onOpen();                       // synchronously, inside connect
    },
    send(command) {
      state.commands.push(command);
      if (command.type === 'hello' && mode === 'old-protocol') {
        emit({ type: 'error', code: 'unsupported_protocol', message: 'this server speaks protocol 2' });
      } else if (command.type === 'hello' && mode === 'forgetful' && command.session_token) {
        emit({ type: 'error', code: 'unauthorized', message: 'unknown session' });
      } else if (command.type === 'hello') {
        emit(JSON.stringify({ type: 'welcome', session_token: 'tok-js', visitor_id: 'v1', team_available: true, server_time: Date.now() }));
      } else if (command.type === 'send_message') {
        if (!state.conversation) {
          state.conversation = 'c-js';
          emit({ type: 'conversation_started', conversation_id: 'c-js', client_id: command.client_id });
        }
        state.seq += 1;
        emit({ type: 'ack', client_id: command.client_id, conversation_id: 'c-js', message_id: 'm' + state.seq, seq: state.seq, at: Date.now() });
      }
    },
    close() { state.closes += 1; },
    upload(file, token) {
      state.uploads += 1;
      return Promise.resolve({ id: 'f' + state.uploads, name: file.name, mime: file.type, size: file.size, url: 'https://files.example/' + token + '/' + file.name });
    },
  };
  const agentSays = (text) => {
    state.seq += 1;
    emit({ type: 'message', conversation_id: 'c-js', message: { id: 'm' + state.seq, seq: state.seq, author: { kind: 'agent', name: 'Jo' }, text, at: Date.now() } });
  };
  const dropConnection = () => state.handlers.onClose('backend restarted');
  return { bridge, state, agentSays, dropConnection };
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = makeBridge)]
    fn make_bridge_in(mode: &str) -> JsValue;
}

fn make_bridge() -> JsValue {
    make_bridge_in("normal")
}

fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn call(object: &JsValue, key: &str, args: &[JsValue]) {
    let f: js_sys::Function = get(object, key).unchecked_into();
    let args: Array = args.iter().collect();
    f.apply(&JsValue::NULL, &args).expect("the fake backend's helper runs");
}

fn number(object: &JsValue, key: &str) -> f64 {
    get(object, key).as_f64().unwrap_or(f64::NAN)
}

struct Page {
    parent: web_sys::Element,
    widget: Option<Mounted>,
    namespace: String,
}

impl Drop for Page {
    fn drop(&mut self) {
        self.widget = None;
        Persistence::local(&self.namespace).clear();
        self.parent.remove();
    }
}

async fn mount_with(bridge: &JsValue) -> Page {
    mount_with_token(bridge, None).await
}

/// Mounts on fresh storage, holding `token` as if from an earlier visit.
async fn mount_with_token(bridge: &JsValue, token: Option<&str>) -> Page {
    let transport = JsBridgeTransport::new(bridge).expect("a valid bridge");
    let config = Rc::new(parse_config(r#"{"profile":{"name":"Jo"}}"#).expect("config"));
    let namespace = format!("bridge-{}", sitechat::store::new_client_id());
    if let Some(token) = token {
        // A returning visitor: storage is in use already.
        let earlier = Persistence::local(&namespace);
        earlier.activate();
        earlier.save_session_token(token);
    }
    let store = Store::new(config, Locale::En, Rc::new(transport), Persistence::local(&namespace));
    let parent = fresh_parent();
    let widget = mount(&parent, store).expect("mounted");
    flush().await;
    Page { parent, widget: Some(widget), namespace }
}

impl Page {
    fn widget(&self) -> &Mounted {
        self.widget.as_ref().expect("mounted")
    }

    async fn wait_for(&self, what: &str, cond: impl Fn(&Mounted) -> bool) {
        wait_until(what, || cond(self.widget())).await;
    }

    async fn send(&self, text: &str) {
        click(self.widget(), ".sc-launcher");
        flush().await;
        let input: web_sys::HtmlTextAreaElement =
            find(self.widget(), ".sc-composer__input").expect("composer").unchecked_into();
        send_from(&input, text).await;
    }
}

#[wasm_bindgen_test]
async fn a_plain_javascript_object_carries_the_whole_conversation() {
    let fake = make_bridge();
    let state = get(&fake, "state");
    let page = mount_with(&get(&fake, "bridge")).await;
    assert_eq!(number(&state, "connects"), 0.0, "nothing connects before the visitor writes");

    page.send("Hello over the bridge").await;
    page.wait_for("the message is acknowledged", |w| find(w, ".sc-delivery--sent").is_some()).await;
    let commands: Array = get(&state, "commands").unchecked_into();
    let types: Vec<String> =
        commands.iter().map(|c| get(&c, "type").as_string().unwrap_or_default()).collect();
    assert_eq!(
        types.get(..2),
        Some(&["hello".to_owned(), "send_message".to_owned()][..]),
        "the bridge gets plain command objects, hello first: {types:?}"
    );
    let sent = commands.get(1);
    assert_eq!(get(&sent, "text").as_string().as_deref(), Some("Hello over the bridge"));
    assert!(
        get(&sent, "client_id").as_string().is_some_and(|id| !id.is_empty()),
        "a client id rides along"
    );

    call(&fake, "agentSays", &[JsValue::from_str("Hi from JavaScript")]);
    page.wait_for("the agent's reply", |w| find(w, ".sc-bubble--agent").is_some()).await;
    let reply =
        find(page.widget(), ".sc-bubble--agent .sc-bubble__text").and_then(|e| e.text_content());
    assert_eq!(reply.as_deref(), Some("Hi from JavaScript"));
}

#[wasm_bindgen_test]
async fn a_dropped_bridge_connection_reconnects_and_stale_handlers_are_ignored() {
    let fake = make_bridge();
    let state = get(&fake, "state");
    let page = mount_with(&get(&fake, "bridge")).await;
    page.send("first").await;
    page.wait_for("the first message is acknowledged", |w| find(w, ".sc-delivery--sent").is_some())
        .await;

    call(&fake, "dropConnection", &[]);
    page.wait_for("a reconnection", |_| number(&state, "connects") >= 2.0).await;
    let commands: Array = get(&state, "commands").unchecked_into();
    let hellos =
        commands.iter().filter(|c| get(c, "type").as_string().as_deref() == Some("hello")).count();
    assert_eq!(hellos, 2, "a hello on each connection");
    let last_hello = commands
        .iter()
        .rfind(|c| get(c, "type").as_string().as_deref() == Some("hello"))
        .expect("hello");
    assert_eq!(
        get(&last_hello, "session_token").as_string().as_deref(),
        Some("tok-js"),
        "the session token is kept"
    );

    // The first connection's handlers still exist in the backend; using them does nothing.
    let old: Array = get(&state, "old").unchecked_into();
    let stale = old.get(0);
    let on_event: js_sys::Function = get(&stale, "onEvent").unchecked_into();
    let agent = JsValue::from_str(
        r#"{"type":"message","conversation_id":"c-js","message":{"id":"ghost","seq":99,"author":{"kind":"agent"},"text":"ghost","at":1}}"#,
    );
    on_event.call1(&JsValue::NULL, &agent).expect("a stale handler does not throw");
    flush().await;
    next_task().await;
    flush().await;
    assert!(
        find(page.widget(), ".sc-bubble--agent").is_none(),
        "a replaced connection's events are ignored"
    );
}

#[wasm_bindgen_test]
async fn removing_the_widget_closes_the_bridge_connection() {
    let fake = make_bridge();
    let state = get(&fake, "state");
    let mut page = mount_with(&get(&fake, "bridge")).await;
    page.send("bye").await;
    page.wait_for("acknowledged", |w| find(w, ".sc-delivery--sent").is_some()).await;
    assert_eq!(number(&state, "closes"), 0.0);
    page.widget = None;
    flush().await;
    assert_eq!(number(&state, "closes"), 1.0, "close() was called once");
}

#[wasm_bindgen_test]
async fn a_bridge_upload_gives_the_attachment_its_backend_describes() {
    let fake = make_bridge();
    let bridge = get(&fake, "bridge");
    let transport = JsBridgeTransport::new(&bridge).expect("valid");
    use sitechat::transport::Transport;
    assert!(transport.accepts_uploads(), "an object with upload() accepts attachments");
    let parts: Array = [JsValue::from_str("hello")].into_iter().collect();
    let file = web_sys::File::new_with_str_sequence(&parts, "a.txt").expect("a file");
    let attachment = transport.upload(file, Some("tok".into())).await.expect("uploaded");
    assert_eq!(attachment.id, "f1");
    assert_eq!(attachment.url, "https://files.example/tok/a.txt");
    assert_eq!(attachment.size, 5);
}

#[wasm_bindgen_test]
fn a_malformed_bridge_is_refused_with_the_member_named() {
    let no_send = js_sys::Object::new();
    Reflect::set(&no_send, &"connect".into(), &js_sys::Function::new_no_args("")).expect("set");
    let err = JsBridgeTransport::new(&no_send).err().expect("refused");
    assert!(err.contains("sitechatSettings.transport.send"), "{err}");

    let bad_close = js_sys::Object::new();
    Reflect::set(&bad_close, &"connect".into(), &js_sys::Function::new_no_args("")).expect("set");
    Reflect::set(&bad_close, &"send".into(), &js_sys::Function::new_no_args("")).expect("set");
    Reflect::set(&bad_close, &"close".into(), &JsValue::from_str("yes")).expect("set");
    let err = JsBridgeTransport::new(&bad_close).err().expect("refused");
    assert_eq!(err, "sitechatSettings.transport.close: expected a function");

    let err = JsBridgeTransport::new(&JsValue::from(3)).err().expect("refused");
    assert!(err.starts_with("sitechatSettings.transport:"), "{err}");

    let throws = js_sys::Object::new();
    Reflect::set(
        &throws,
        &"connect".into(),
        &js_sys::Function::new_no_args("throw new Error('backend down')"),
    )
    .expect("set");
    Reflect::set(&throws, &"send".into(), &js_sys::Function::new_no_args("")).expect("set");
    let transport = JsBridgeTransport::new(&throws).expect("valid shape");
    use sitechat::transport::Transport;
    let sink: sitechat::transport::SignalSink = Rc::new(|_| {});
    let err = transport.connect(sink).err().expect("connect fails");
    assert!(err.0.contains("backend down"), "{}", err.0);
}

fn hellos(state: &JsValue) -> Vec<JsValue> {
    let commands: Array = get(state, "commands").unchecked_into();
    commands.iter().filter(|c| get(c, "type").as_string().as_deref() == Some("hello")).collect()
}

#[wasm_bindgen_test]
async fn a_rejected_session_token_is_forgotten_and_the_visitor_starts_afresh() {
    let fake = make_bridge_in("forgetful");
    let state = get(&fake, "state");
    let page = mount_with_token(&get(&fake, "bridge"), Some("expired-token")).await;
    page.send("Hello again").await;
    page.wait_for("the message is acknowledged", |w| find(w, ".sc-delivery--sent").is_some()).await;
    let tokens: Vec<Option<String>> =
        hellos(&state).iter().map(|h| get(h, "session_token").as_string()).collect();
    assert_eq!(
        tokens,
        [Some("expired-token".to_owned()), None],
        "the refused token is dropped on the same connection"
    );
    assert_eq!(number(&state, "connects"), 1.0, "no reconnection was needed");
    assert_eq!(
        Persistence::local(&page.namespace).load_session_token().as_deref(),
        Some("tok-js"),
        "the new token replaces the refused one in storage"
    );
}

#[wasm_bindgen_test]
async fn a_backend_on_another_protocol_version_hides_the_widget_and_is_not_retried() {
    let fake = make_bridge_in("old-protocol");
    let state = get(&fake, "state");
    let page = mount_with(&get(&fake, "bridge")).await;
    page.send("Anyone?").await;
    page.wait_for("the widget hides", |w| {
        find(w, ".sc-launcher").is_none() && find(w, ".sc-window").is_none()
    })
    .await;
    // Well past the first back-off delay: still one connection.
    let until = js_sys::Date::now() + 1_500.0;
    while js_sys::Date::now() < until {
        next_task().await;
    }
    assert_eq!(
        number(&state, "connects"),
        1.0,
        "no reconnection to a backend that refused the protocol"
    );
    assert_eq!(hellos(&state).len(), 1);
}
