//! What the visitor reads is finished text: no catalogue `{placeholder}` reaches the
//! window, in the states that fill one in (a refused message, an upload under way, a
//! file offered for download).

use std::rc::Rc;

use sitechat::transport::memory::MemoryTransport;
use sitechat::transport::{Connection, SignalSink, Transport, TransportError, UploadFuture};
use sitechat_core::protocol::limits::MAX_TEXT_CHARS;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{DataTransfer, Element, File, FilePropertyBag, HtmlInputElement};

use crate::support::{find, flush, open_on, send_from, Harness};

/// The in-memory backend, whose uploads never finish: the composer stays "uploading".
struct StalledUploads(MemoryTransport);

impl Transport for StalledUploads {
    fn name(&self) -> &'static str {
        "stalled-uploads"
    }
    fn connect(&self, sink: SignalSink) -> Result<Box<dyn Connection>, TransportError> {
        self.0.connect(sink)
    }
    fn upload(&self, _file: File, _token: Option<String>) -> UploadFuture {
        Box::pin(std::future::pending())
    }
    fn accepts_uploads(&self) -> bool {
        true
    }
}

fn file(name: &str, mime: &str) -> File {
    let parts = js_sys::Array::of1(&"x".repeat(2048).into());
    let options = FilePropertyBag::new();
    options.set_type(mime);
    File::new_with_str_sequence_and_options(&parts, name, &options).expect("a file")
}

async fn choose(input: Element, files: &[File]) {
    let input = input.unchecked_into::<HtmlInputElement>();
    let transfer = DataTransfer::new().expect("DataTransfer");
    for f in files {
        transfer.items().add_with_file(f).expect("add file");
    }
    input.set_files(transfer.files().as_ref());
    input.dispatch_event(&web_sys::Event::new("change").expect("change")).expect("dispatch");
    flush().await;
}

/// Every text and every attribute a person or a screen reader meets under `root`.
fn everything_shown(root: &Element) -> String {
    let mut shown = root.text_content().unwrap_or_default();
    let all = root.query_selector_all("*").expect("query");
    for i in 0..all.length() {
        let Some(el) = all.get(i).and_then(|n| n.dyn_into::<Element>().ok()) else { continue };
        for attr in ["title", "aria-label", "alt", "placeholder"] {
            if let Some(value) = el.get_attribute(attr) {
                shown.push('\n');
                shown.push_str(&value);
            }
        }
    }
    shown
}

#[wasm_bindgen_test]
async fn a_too_long_message_and_an_upload_show_no_raw_placeholder() {
    let (memory, _agent) = MemoryTransport::new("Support");
    let (widget, parent, area) = open_on(Rc::new(StalledUploads(memory))).await;
    send_from(&area, &"a".repeat(MAX_TEXT_CHARS + 1)).await;
    flush().await;
    let failed = find(&widget, ".sc-delivery--failed").expect("the long message failed");
    let failed = failed.text_content().unwrap_or_default();
    assert!(failed.contains("too long (max 10000 characters)"), "{failed}");

    choose(
        find(&widget, ".sc-composer input[type=file]").expect("file input"),
        &[file("photo.png", "image/png")],
    )
    .await;
    let pending = find(&widget, ".sc-pending__item--uploading").expect("an upload under way");
    assert_eq!(
        pending.query_selector(".sc-pending__size").ok().flatten().and_then(|e| e.text_content()),
        Some("Uploading photo.png…".to_owned())
    );

    let root = widget.host_element().shadow_root().expect("shadow root");
    let shown = everything_shown(&root.unchecked_into());
    assert!(!shown.contains('{') && !shown.contains('}'), "raw braces in the window: {shown}");
    drop(widget);
    parent.remove();
}

#[wasm_bindgen_test]
async fn a_sent_file_is_offered_for_download_by_its_name() {
    let h = Harness::new("{}").await;
    h.open().await;
    choose(
        h.find(".sc-composer input[type=file]").expect("file input"),
        &[file("invoice.pdf", "application/pdf")],
    )
    .await;
    h.wait_for("uploaded", |h| {
        h.find(".sc-pending__item").is_some() && h.find(".sc-pending__item--uploading").is_none()
    })
    .await;
    h.click(".sc-composer__send").await;
    h.wait_for("sent", |h| h.find(".sc-attachment--file").is_some()).await;
    let chip = h.find("a.sc-attachment--file").expect("a download link");
    assert_eq!(chip.get_attribute("title").as_deref(), Some("Download invoice.pdf"));
    let root = h.widget().host_element().shadow_root().expect("shadow root");
    let shown = everything_shown(&root.unchecked_into());
    assert!(!shown.contains('{'), "raw braces in the window: {shown}");
}
