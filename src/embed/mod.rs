//! Putting the widget on a host page: reading the site owner's settings, and a
//! Shadow-DOM host element that keeps page CSS and widget CSS apart.

pub mod host;
pub mod settings;
pub mod viewport;
