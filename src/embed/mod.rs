//! Putting the widget on a host page: the site owner's settings, a Shadow-DOM host
//! element that keeps page CSS and widget CSS apart, the page widget the JS API drives,
//! and the events it reports.

pub mod api;
pub mod config_source;
pub mod early_launcher;
pub mod event_bridge;
pub mod events;
pub mod host;
pub mod page_settings;
pub mod page_widget;
pub mod settings;
pub mod viewport;
pub mod widget_status;
