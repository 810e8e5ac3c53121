//! The reference server's limit refusals, as the visitor sees them: a refused message
//! says why and keeps its text; a refused transcript request says why in the form.
//! A transport wrapping the in-page backend plays the server refusing.

use std::rc::Rc;

use sitechat::transport::memory::MemoryTransport;
use sitechat::transport::{Connection, Signal, SignalSink, Transport, TransportError};
use sitechat_core::protocol::{ClientCommand, EndReason};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::HtmlInputElement;

use crate::support::{click, find, flush, open_on, send_from, wait_until};

/// Refuses a message saying "full" with `conversation_full` and every transcript
/// request with `transcript_address`, as the reference server's limits do.
struct Refusing(MemoryTransport);

struct RefusingConnection {
    inner: Box<dyn Connection>,
    sink: SignalSink,
}

impl Connection for RefusingConnection {
    fn send(&self, frame: &str) -> Result<(), TransportError> {
        let refusal = match ClientCommand::decode(frame) {
            Ok(ClientCommand::SendMessage { client_id, text, .. }) if text == "full" => {
                Some(format!(
                    r#"{{"type":"error","code":"conversation_full","message":"full","client_id":"{client_id}"}}"#
                ))
            }
            Ok(ClientCommand::RequestTranscript { .. }) => Some(
                r#"{"type":"error","code":"transcript_address","message":"first address only"}"#
                    .into(),
            ),
            _ => None,
        };
        match refusal {
            Some(frame) => {
                let sink = self.sink.clone();
                wasm_bindgen_futures::spawn_local(async move { sink(Signal::Frame(frame)) });
                Ok(())
            }
            None => self.inner.send(frame),
        }
    }
}

impl Transport for Refusing {
    fn name(&self) -> &'static str {
        "refusing"
    }
    fn connect(&self, sink: SignalSink) -> Result<Box<dyn Connection>, TransportError> {
        let inner = self.0.connect(sink.clone())?;
        Ok(Box::new(RefusingConnection { inner, sink }))
    }
}

#[wasm_bindgen_test]
async fn refusals_say_why_and_keep_what_the_visitor_wrote() {
    let (memory, agent) = MemoryTransport::new("Support");
    let (widget, parent, area) = open_on(Rc::new(Refusing(memory))).await;
    send_from(&area, "hello").await;
    wait_until("the first message is sent", || find(&widget, ".sc-delivery--sent").is_some()).await;
    send_from(&area, "full").await;
    wait_until("the refusal", || find(&widget, ".sc-delivery--failed").is_some()).await;
    let failed = find(&widget, ".sc-delivery--failed").and_then(|e| e.text_content());
    assert!(
        failed
            .as_deref()
            .is_some_and(|t| t.contains("This conversation is full; start a new chat")),
        "{failed:?}"
    );
    let texts: Vec<String> = {
        let root = widget.host_element().shadow_root().expect("root");
        let list = root.query_selector_all(".sc-bubble__text").expect("query");
        (0..list.length()).filter_map(|i| list.get(i)).filter_map(|n| n.text_content()).collect()
    };
    assert!(texts.iter().any(|t| t == "full"), "the refused text is kept: {texts:?}");

    agent.end_conversation(EndReason::Agent);
    wait_until("the end", || find(&widget, ".sc-transcript__input").is_some()).await;
    let input = find(&widget, ".sc-transcript__input")
        .expect("e-mail field")
        .unchecked_into::<HtmlInputElement>();
    input.set_value("ada@example.com");
    input.dispatch_event(&web_sys::Event::new("input").expect("input")).expect("dispatch");
    flush().await;
    click(&widget, ".sc-transcript button[type=submit]");
    wait_until("the transcript refusal", || find(&widget, "#sc-transcript-error").is_some()).await;
    let why = find(&widget, "#sc-transcript-error").and_then(|e| e.text_content());
    assert_eq!(why.as_deref(), Some("The transcript can only go to the address you gave first"));
    assert!(find(&widget, ".sc-ended__confirm").is_none(), "no confirmation for a refusal");
    drop(widget);
    parent.remove();
}
