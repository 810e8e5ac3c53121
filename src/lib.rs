//! # sitechat — the widget
//!
//! A thin Yew layer over [`sitechat_core`]: the core decides (config, availability,
//! conversation), this crate renders and does the I/O the core asks for.
//!
//! - [`app`]: the root component;
//! - [`components`]: presentational pieces (props in, callbacks out);
//! - [`hooks`]: page listeners with RAII clean-up;
//! - [`embed`]: settings from the page and the Shadow-DOM host;
//! - [`clock`]: the business wall clock from `Intl`.

pub mod app;
pub mod clock;
pub mod components;
#[cfg(feature = "demo")]
pub mod demo;
pub mod effects;
pub mod embed;
pub mod hooks;
pub mod store;
pub mod transport;
mod mount;
pub mod time_label;

pub use app::{ChatWidget, ChatWidgetProps};
pub use mount::{demo_agent, mount, page_locale, start, MountError, Mounted};
