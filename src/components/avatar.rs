//! The team's avatar: the configured image, or initials when there is none or it fails.

use sitechat_core::initials::initials;
use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct AvatarProps {
    pub name: AttrValue,
    #[prop_or_default]
    pub url: Option<AttrValue>,
    /// Accessible description ("Photo of Ada"); empty for a decorative avatar.
    #[prop_or_default]
    pub alt: AttrValue,
    #[prop_or(AttrValue::Static("sc-avatar"))]
    pub class: AttrValue,
}

#[function_component]
pub fn Avatar(props: &AvatarProps) -> Html {
    let failed = use_state_eq(|| false);
    {
        let failed = failed.clone();
        use_effect_with(props.url.clone(), move |_| failed.set(false));
    }
    let onerror = {
        let failed = failed.clone();
        Callback::from(move |_: Event| failed.set(true))
    };
    match (&props.url, *failed) {
        (Some(url), false) => html! {
            <img class={props.class.clone()} src={url.clone()} alt={props.alt.clone()} {onerror} referrerpolicy="no-referrer" />
        },
        // Initials are decoration: the name is always written next to them.
        _ => html! {
            <span class={classes!(props.class.to_string(), "sc-avatar--initials")} aria-hidden="true">
                { initials(&props.name) }
            </span>
        },
    }
}
