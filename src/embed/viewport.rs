//! Keeps the full-screen phone window above the on-screen keyboard.
//!
//! On a phone the keyboard shrinks the *visual* viewport, not the layout viewport, so a
//! `position: fixed; inset: 0` window would hide its composer behind the keyboard. This
//! follows `window.visualViewport` and publishes its height and offset as custom
//! properties (`--sc-vvh`, `--sc-vvt`) in an adopted stylesheet, which the small-screen
//! CSS uses. Listeners are released when the follower is dropped.

use gloo::events::EventListener;
use web_sys::CssStyleSheet;

/// Follows the visual viewport while alive.
#[must_use = "dropping the follower stops following the viewport"]
pub struct ViewportFollower {
    _listeners: Vec<EventListener>,
}

fn publish(sheet: &CssStyleSheet) {
    let Some(viewport) = web_sys::window().and_then(|w| w.visual_viewport()) else { return };
    let _ = sheet.replace_sync(&format!(
        ":host{{--sc-vvh:{:.0}px;--sc-vvt:{:.0}px}}",
        viewport.height(),
        viewport.offset_top()
    ));
}

impl ViewportFollower {
    /// Starts publishing into `sheet` (a no-op where `visualViewport` is missing).
    pub fn start(sheet: CssStyleSheet) -> ViewportFollower {
        let Some(viewport) = web_sys::window().and_then(|w| w.visual_viewport()) else {
            return ViewportFollower { _listeners: Vec::new() };
        };
        publish(&sheet);
        let listeners = ["resize", "scroll"]
            .into_iter()
            .map(|event| {
                let sheet = sheet.clone();
                EventListener::new(&viewport, event, move |_| publish(&sheet))
            })
            .collect();
        ViewportFollower { _listeners: listeners }
    }
}
