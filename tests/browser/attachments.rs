//! Attachments: chosen through the real file input, checked against the config's type
//! and size limits with a clear message, uploaded, sent, and shown as an image preview
//! or a file chip.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{DataTransfer, File, FilePropertyBag, HtmlInputElement};

use crate::support::Harness;

fn file(name: &str, mime: &str, bytes: usize) -> File {
    let parts = js_sys::Array::of1(&JsValue::from_str(&"x".repeat(bytes)));
    let options = FilePropertyBag::new();
    options.set_type(mime);
    File::new_with_str_sequence_and_options(&parts, name, &options).expect("a file")
}

/// Puts `files` in the composer's file input and fires `change`, as the picker does.
async fn choose(h: &Harness, files: &[File]) {
    let input = h
        .find(".sc-composer input[type=file]")
        .expect("a file input")
        .unchecked_into::<HtmlInputElement>();
    let transfer = DataTransfer::new().expect("DataTransfer");
    for f in files {
        transfer.items().add_with_file(f).expect("add file");
    }
    input.set_files(transfer.files().as_ref());
    let event = web_sys::Event::new("change").expect("change");
    input.dispatch_event(&event).expect("dispatch change");
    crate::support::flush().await;
}

#[wasm_bindgen_test]
async fn an_image_and_a_pdf_are_uploaded_sent_and_shown() {
    let h = Harness::new("{}").await;
    h.open().await;
    choose(
        &h,
        &[
            file("photo.png", "image/png", 2048),
            file("invoice.pdf", "application/pdf", 3 * 1024 * 1024 / 2),
        ],
    )
    .await;
    h.wait_for("both uploaded", |h| {
        h.find_all(".sc-pending__item").len() == 2
            && h.find(".sc-pending__item--uploading").is_none()
    })
    .await;
    assert_eq!(h.texts_of(".sc-pending__name"), ["photo.png", "invoice.pdf"]);
    h.type_text("here you go").await;
    h.click(".sc-composer__send").await;
    h.wait_for("delivered", |h| h.find(".sc-delivery--sent").is_some()).await;
    assert!(h.find(".sc-pending__item").is_none(), "the composer is cleared");
    let image = h.find(".sc-attachment--image img").expect("an image preview");
    assert!(image.get_attribute("src").unwrap_or_default().starts_with("blob:"));
    assert_eq!(image.get_attribute("alt").as_deref(), Some("Image: photo.png"));
    assert_eq!(h.text_of(".sc-attachment--file .sc-attachment__name"), "invoice.pdf");
    assert_eq!(h.text_of(".sc-attachment--file .sc-attachment__size"), "1.5 MB");
}

#[wasm_bindgen_test]
async fn a_file_over_the_size_limit_or_of_a_refused_type_gets_a_clear_message() {
    let h = Harness::new(
        r#"{"options":{"max_attachment_bytes":1024,"allowed_attachment_types":["image/*"]}}"#,
    )
    .await;
    h.open().await;
    choose(&h, &[file("big.png", "image/png", 4096)]).await;
    assert_eq!(h.text_of(".sc-composer__error"), "This file is too large (max 1 KB)");
    choose(&h, &[file("tool.exe", "application/x-msdownload", 10)]).await;
    assert_eq!(h.text_of(".sc-composer__error"), "This file type isn't allowed");
    assert!(h.find(".sc-pending__item").is_none(), "nothing was queued");
    h.type_text("the text is kept").await;
    assert!(h.find(".sc-composer__send:not([disabled])").is_some());
}

#[wasm_bindgen_test]
async fn a_chosen_file_can_be_removed_before_sending() {
    let h = Harness::new("{}").await;
    h.open().await;
    choose(&h, &[file("notes.txt", "text/plain", 10)]).await;
    h.wait_for("uploaded", |h| h.find(".sc-pending__remove").is_some()).await;
    h.click(".sc-pending__remove").await;
    assert!(h.find(".sc-pending__item").is_none());
}

#[wasm_bindgen_test]
async fn attachments_can_be_turned_off() {
    let h = Harness::new(r#"{"options":{"attachments":false}}"#).await;
    h.open().await;
    assert!(h.find(".sc-composer__attach").is_none(), "no attachment button");
    assert!(h.find(".sc-composer input[type=file]").is_none());
}
