//! The corner bubble that opens and closes the chat window, with the unread badge.

use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct LauncherProps {
    pub open: bool,
    /// Accessible name for the current action ("Open chat" / "Close chat").
    pub label: AttrValue,
    /// Unread agent/bot messages; the badge shows when > 0.
    #[prop_or_default]
    pub unread: u32,
    /// Spoken form of the badge ("2 unread messages").
    #[prop_or_default]
    pub unread_label: AttrValue,
    pub on_toggle: Callback<()>,
    /// Lets the app give focus back to the launcher when the window closes.
    #[prop_or_default]
    pub node_ref: NodeRef,
}

/// A real `<button>`, so it is keyboard reachable and announced as a button.
#[function_component]
pub fn Launcher(props: &LauncherProps) -> Html {
    let on_toggle = props.on_toggle.clone();
    let onclick = Callback::from(move |_: MouseEvent| on_toggle.emit(()));
    let label = if props.unread > 0 && !props.open {
        AttrValue::from(format!("{} — {}", props.label, props.unread_label))
    } else {
        props.label.clone()
    };
    html! {
        <button
            ref={props.node_ref.clone()}
            type="button"
            class={classes!("sc-launcher", props.open.then_some("sc-launcher--open"))}
            part="launcher"
            aria-label={label}
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
            if props.unread > 0 && !props.open {
                <span class="sc-launcher__badge" aria-hidden="true">
                    { if props.unread > 99 { "99+".to_owned() } else { props.unread.to_string() } }
                </span>
            }
        </button>
    }
}
