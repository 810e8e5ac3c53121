//! Presentational components: they render props and raise `on_*` callbacks, and never
//! talk to a transport or to storage.

mod chat_window;
mod launcher;

pub use chat_window::{ChatWindow, ChatWindowProps};
pub use launcher::{Launcher, LauncherProps};
