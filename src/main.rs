//! The page entry point Trunk builds: boots the widget from the page's settings.

fn main() {
    sitechat::start();
}
