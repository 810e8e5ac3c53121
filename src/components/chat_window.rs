//! The chat window: a labelled, non-modal dialog anchored above the launcher.

use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct ChatWindowProps {
    pub title: AttrValue,
    pub close_label: AttrValue,
    pub on_close: Callback<()>,
    #[prop_or_default]
    pub children: Html,
}

#[function_component]
pub fn ChatWindow(props: &ChatWindowProps) -> Html {
    let on_close = props.on_close.clone();
    let onclick = Callback::from(move |_: MouseEvent| on_close.emit(()));
    html! {
        <section id="sc-window" class="sc-window" part="window" role="dialog" aria-label={props.title.clone()}>
            <header class="sc-header" part="header">
                <h2 class="sc-header__name">{ props.title.clone() }</h2>
                <button type="button" class="sc-header__close" aria-label={props.close_label.clone()} {onclick}>
                    <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M6 6l12 12M18 6L6 18" /></svg>
                </button>
            </header>
            <div class="sc-body">{ props.children.clone() }</div>
        </section>
    }
}
