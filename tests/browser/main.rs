//! Browser tests: the widget and its browser adapters, in headless Chromium.
//!
//! Run with `scripts/test.sh` (wasm-bindgen-test-runner drives Chromium through
//! chromedriver). Each test mounts into a fresh element and removes it afterwards.

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod accessibility;
mod attachments;
mod availability;
mod bot;
mod clock;
mod component;
mod consent;
mod conversation;
mod hostile_backend;
mod js_bridge;
mod long_history;
mod persistence;
mod refusals;
mod support;
mod time_labels;
mod visible_text;
mod widget;
mod xss;
