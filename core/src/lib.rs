//! # sitechat-core
//!
//! Everything sitechat decides, with no I/O: the site owner's config and its
//! validation, the availability rules, the conversation state machine with its outbox,
//! the wire protocol, and small text helpers (hash detection, linkify, messages in
//! each language).
//!
//! Invariants this crate keeps:
//! - no dependency on a browser (`web-sys`, `js-sys`, `wasm-bindgen`), checked in CI
//!   with `cargo tree`; it builds and tests natively in well under a second;
//! - no clock, random generator or time-zone database inside: time and ids come in as
//!   arguments, so every behaviour is reproducible in a plain `#[test]`;
//! - nothing from outside (config, wire frames, URLs) can make it panic: bad input is a
//!   value describing what is wrong.

// The last invariant, enforced: outside tests, no `unwrap`, `expect` or `panic!` can
// turn bad input into a crash.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod availability;
pub mod availability_recheck;
pub mod backoff;
pub mod bot;
pub mod bytes;
pub mod color;
pub mod config;
pub mod conversation;
pub mod email;
pub mod file_check;
pub mod hash;
pub mod i18n;
pub mod initials;
pub mod link;
pub mod linkify;
pub mod matrix;
pub mod memory_backend;
pub mod mime;
pub mod protocol;
pub mod time;
pub mod transcript;
pub mod vec_map;
