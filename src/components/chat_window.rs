//! The chat window: a labelled, non-modal dialog anchored above the launcher (full
//! screen on small phones).

use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct ChatWindowProps {
    /// The dialog's accessible name ("Chat with Ada").
    pub label: AttrValue,
    #[prop_or_default]
    pub children: Html,
}

#[function_component]
pub fn ChatWindow(props: &ChatWindowProps) -> Html {
    html! {
        <section id="sc-window" class="sc-window" part="window" role="dialog" aria-label={props.label.clone()}>
            { props.children.clone() }
        </section>
    }
}
