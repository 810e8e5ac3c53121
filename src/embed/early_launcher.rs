//! The launcher the loader draws before the app is there (`drawLauncher` in
//! `loader/sitechat.js`): a `<div data-sitechat data-early>` with its own shadow root.
//!
//! Why it exists: the app is most of the widget's bytes and the launcher needs none of
//! them, so the loader shows it as soon as the page is parsed, but only where the app
//! would show the very same launcher (see docs/embedding.md). A click on it is queued
//! as `launcher.click` and opens the window once the app runs.
//!
//! Invariants: it goes in the task that mounts the app ([`crate::mount::mount_with`]),
//! whose first render lands before the next frame, so no frame shows neither launcher
//! or both, and the page never holds two widget hosts; every path on which the app
//! shows nothing (bad settings, a config error, `remove()`) takes it away too; a
//! keyboard visitor who had focused it finds the focus on the app's launcher.

/// The loader's launcher host, as the loader marks it.
pub const SELECTOR: &str = "div[data-sitechat][data-early]";

/// Removes the loader's launcher, if the page has one. Returns whether the app's
/// launcher should take the focus: the removed one had it, and was not clicked (a
/// click opens the window, which focuses the composer).
pub fn retire() -> bool {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return false };
    let Ok(Some(early)) = document.query_selector(SELECTOR) else { return false };
    let had_focus = document.active_element().is_some_and(|active| active == early);
    let clicked = early
        .shadow_root()
        .and_then(|root| root.query_selector("[aria-busy]").ok().flatten())
        .is_some();
    early.remove();
    had_focus && !clicked
}
