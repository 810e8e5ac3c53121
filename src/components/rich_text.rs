//! Message text as text: never HTML from the wire, with safe links.
//!
//! The text is split by the core's linkify into plain segments and links; only http,
//! https and mailto ever become `<a>`, opened in a new tab without an opener or a
//! referrer. Every segment is a text node, so markup in a message shows as typed.

use sitechat_core::linkify::{linkify, Segment};
use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct RichTextProps {
    pub text: AttrValue,
}

#[function_component]
pub fn RichText(props: &RichTextProps) -> Html {
    let segments = linkify(&props.text);
    html! {
        <>
            { for segments.into_iter().map(|segment| match segment {
                Segment::Text(text) => html! { { text.to_owned() } },
                Segment::Link { text, href } => html! {
                    <a class="sc-link" href={href} target="_blank" rel="noopener noreferrer">{ text.to_owned() }</a>
                },
            }) }
        </>
    }
}
