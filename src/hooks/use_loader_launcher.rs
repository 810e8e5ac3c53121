//! Takes over from the launcher the loader drew before the app was there
//! ([`crate::embed::early_launcher`]).

use web_sys::HtmlElement;
use yew::prelude::*;

/// On the first render, removes the loader's launcher; `launcher` (the app's own, when
/// it renders one) inherits its focus.
#[hook]
pub fn use_loader_launcher(launcher: NodeRef) {
    use_effect_with((), move |_| crate::embed::early_launcher::retire(launcher.cast::<HtmlElement>().as_ref()));
}
