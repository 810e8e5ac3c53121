//! Hooks that connect the widget to the page, each releasing what it holds on unmount.

mod use_open_hash;
mod use_page_lifecycle;

pub use use_open_hash::{loaded_with_open_hash, use_open_hash};
pub use use_page_lifecycle::use_page_lifecycle;
