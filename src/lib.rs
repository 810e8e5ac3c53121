//! # sitechat — the widget
//!
//! A thin Yew layer over [`sitechat_core`]: the core decides (config, availability,
//! conversation), this crate renders and does the I/O the core asks for.
//!
//! - [`app`]: the root component, driven by a [`store::Store`];
//! - [`component`]: [`ChatWidget`], the widget as a Yew component for Rust apps;
//! - [`components`]: presentational pieces (props in, callbacks out);
//! - [`hooks`]: page listeners with RAII clean-up;
//! - [`embed`]: settings from the page, the Shadow-DOM host, and the JS API the
//!   loader (`loader/sitechat.js`) boots with [`boot`];
//! - [`clock`]: the business wall clock from `Intl`.

pub mod app;
pub mod clock;
pub mod component;
pub mod components;
#[cfg(feature = "demo")]
pub mod demo;
pub mod effects;
pub mod embed;
pub mod hooks;
mod mount;
pub mod store;
pub mod time_label;
pub mod transport;

pub use app::{ChatApp, ChatAppProps};
pub use component::{ChatWidget, ChatWidgetProps};
pub use embed::api::boot;
pub use mount::{demo_agent, mount, mount_with, page_locale, MountError, Mounted};
