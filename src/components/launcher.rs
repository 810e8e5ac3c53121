//! The corner bubble that opens and closes the chat window.

use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct LauncherProps {
    pub open: bool,
    /// Accessible name for the current action ("Open chat" / "Close chat").
    pub label: AttrValue,
    pub on_toggle: Callback<()>,
}

/// A real `<button>`, so it is keyboard reachable and announced as a button.
#[function_component]
pub fn Launcher(props: &LauncherProps) -> Html {
    let on_toggle = props.on_toggle.clone();
    let onclick = Callback::from(move |_: MouseEvent| on_toggle.emit(()));
    html! {
        <button
            type="button"
            class={classes!("sc-launcher", props.open.then_some("sc-launcher--open"))}
            part="launcher"
            aria-label={props.label.clone()}
            aria-expanded={if props.open { "true" } else { "false" }}
            aria-controls="sc-window"
            {onclick}
        >
            <svg class="sc-launcher__icon sc-launcher__icon--chat" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                <path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z" />
            </svg>
            <svg class="sc-launcher__icon sc-launcher__icon--close" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                <path d="M6 6l12 12M18 6L6 18" />
            </svg>
        </button>
    }
}
