//! The window header: who the visitor is talking to and when to expect an answer.

use yew::prelude::*;

use super::avatar::Avatar;

/// A link to book a meeting, shown under the name when the site owner enabled it.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingLink {
    /// Already validated as http(s) by the config.
    pub url: AttrValue,
    pub text: AttrValue,
}

#[derive(Properties, PartialEq, Clone)]
pub struct HeaderProps {
    pub name: AttrValue,
    #[prop_or_default]
    pub avatar_url: Option<AttrValue>,
    pub avatar_alt: AttrValue,
    /// "Typically replies in a few minutes", the away message, or nothing.
    #[prop_or_default]
    pub status: Option<AttrValue>,
    /// Shows the away dot instead of the online one.
    #[prop_or_default]
    pub away: bool,
    #[prop_or_default]
    pub meeting: Option<MeetingLink>,
    pub close_label: AttrValue,
    /// `false` inline, where the window stays open.
    #[prop_or(true)]
    pub closable: bool,
    pub on_close: Callback<()>,
}

#[function_component]
pub fn Header(props: &HeaderProps) -> Html {
    let on_close = props.on_close.clone();
    let onclick = Callback::from(move |_: MouseEvent| on_close.emit(()));
    html! {
        <header class="sc-header" part="header">
            <div class="sc-header__avatar-wrap">
                <Avatar name={props.name.clone()} url={props.avatar_url.clone()} alt={props.avatar_alt.clone()} class="sc-header__avatar" />
                <span class={classes!("sc-presence", if props.away { "sc-presence--away" } else { "sc-presence--online" })} aria-hidden="true"></span>
            </div>
            <div class="sc-header__text">
                <h2 class="sc-header__name" id="sc-title">{ props.name.clone() }</h2>
                if let Some(status) = &props.status {
                    <p class="sc-header__status">{ status.clone() }</p>
                }
                if let Some(meeting) = &props.meeting {
                    <a class="sc-header__meeting" href={meeting.url.clone()} target="_blank" rel="noopener noreferrer">
                        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><rect x="3" y="5" width="18" height="16" rx="2" /><path d="M3 10h18M8 3v4M16 3v4" /></svg>
                        { meeting.text.clone() }
                    </a>
                }
            </div>
            if props.closable {
                <button type="button" class="sc-header__close" aria-label={props.close_label.clone()} {onclick}>
                    <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M6 6l12 12M18 6L6 18" /></svg>
                </button>
            }
        </header>
    }
}
