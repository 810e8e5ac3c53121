//! The conversation: messages grouped by sender with their times, the typing
//! indicator, quick replies, and a list that sticks to the bottom.
//!
//! Long conversations stay smooth because only the latest page of messages is in the
//! DOM; "Load earlier messages" adds a page above without moving what the visitor is
//! reading. The list follows new messages while the visitor is at the bottom; when they
//! scrolled up to read, a "New messages" pill appears instead of yanking them down.

use std::rc::Rc;

use sitechat_core::conversation::{Delivery, Message};
use sitechat_core::i18n::{text, Locale, Msg};
use sitechat_core::protocol::{AuthorKind, QuickReply};
use sitechat_core::time::UnixMillis;
use web_sys::Element;
use yew::prelude::*;

use super::attachment_view::safe_attachment_url;
use super::avatar::Avatar;
use super::message_bubble::MessageBubble;
use crate::time_label::time_label;

/// Messages this close in time, from the same sender, share one name and one time.
const GROUP_GAP_MS: i64 = 5 * 60 * 1000;
/// How near the bottom (px) still counts as "at the bottom".
const STICK_PX: i32 = 48;

#[derive(Properties, PartialEq, Clone)]
pub struct MessageListProps {
    /// The visible page of messages, oldest first.
    pub messages: Rc<Vec<Message>>,
    /// Whether older messages exist above this page.
    #[prop_or_default]
    pub has_earlier: bool,
    pub locale: Locale,
    pub now: UnixMillis,
    pub team_name: AttrValue,
    #[prop_or_default]
    pub team_avatar: Option<AttrValue>,
    /// "Ada is typing…", when someone is.
    #[prop_or_default]
    pub typing: Option<AttrValue>,
    /// Quick replies offered by the latest bot message.
    #[prop_or_default]
    pub quick_replies: Vec<QuickReply>,
    /// The team has read up to this `seq` (0: nothing, or no receipts from the backend).
    #[prop_or_default]
    pub team_read_seq: u64,
    /// The lines at the top of the thread: the welcome, or a bot's opening lines until
    /// the backend's copy of them arrives. It stays once the chat has started.
    #[prop_or_default]
    pub greeting: Vec<AttrValue>,
    pub on_load_earlier: Callback<()>,
    pub on_retry: Callback<String>,
    pub on_quick_reply: Callback<QuickReply>,
}

/// Same sender: both visitor, or the same team member.
fn same_sender(a: &Message, b: &Message) -> bool {
    a.author.kind == b.author.kind
        && (a.author.kind == AuthorKind::Visitor || a.author.name == b.author.name)
}

#[function_component]
pub fn MessageList(props: &MessageListProps) -> Html {
    let scroller = use_node_ref();
    let at_bottom = use_mut_ref(|| true);
    let unseen = use_state_eq(|| false);
    // Height before a page of earlier messages is added, to keep the reading position.
    let height_before_earlier = use_mut_ref(|| None::<i32>);

    let count = props.messages.len();
    let last_key = props.messages.last().map(|m| m.key().to_owned());
    let first_key = props.messages.first().map(|m| m.key().to_owned());
    {
        let scroller = scroller.clone();
        let at_bottom = at_bottom.clone();
        let unseen = unseen.clone();
        let height_before_earlier = height_before_earlier.clone();
        let typing = props.typing.is_some();
        let visitor_sent_last =
            props.messages.last().is_some_and(|m| m.author.kind == AuthorKind::Visitor);
        use_effect_with((last_key, first_key, count, typing), move |_| {
            if let Some(el) = scroller.cast::<Element>() {
                if let Some(before) = height_before_earlier.borrow_mut().take() {
                    el.set_scroll_top(el.scroll_top() + el.scroll_height() - before);
                } else if *at_bottom.borrow() || visitor_sent_last {
                    el.set_scroll_top(el.scroll_height());
                    *at_bottom.borrow_mut() = true;
                    unseen.set(false);
                } else {
                    unseen.set(true);
                }
            }
        });
    }
    let onscroll = {
        let at_bottom = at_bottom.clone();
        let unseen = unseen.clone();
        Callback::from(move |e: Event| {
            if let Some(el) = e.target_dyn_into::<Element>() {
                let bottom = el.scroll_height() - el.scroll_top() - el.client_height() <= STICK_PX;
                *at_bottom.borrow_mut() = bottom;
                if bottom {
                    unseen.set(false);
                }
            }
        })
    };
    let jump_to_bottom = {
        let scroller = scroller.clone();
        let unseen = unseen.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(el) = scroller.cast::<Element>() {
                el.set_scroll_top(el.scroll_height());
            }
            unseen.set(false);
        })
    };
    let load_earlier = {
        let scroller = scroller.clone();
        let on_load_earlier = props.on_load_earlier.clone();
        Callback::from(move |_: MouseEvent| {
            *height_before_earlier.borrow_mut() =
                scroller.cast::<Element>().map(|el| el.scroll_height());
            on_load_earlier.emit(());
        })
    };

    let locale = props.locale;
    let messages = &props.messages;
    let last_sent_visitor = messages.iter().rposition(|m| {
        m.author.kind == AuthorKind::Visitor && matches!(m.delivery, Some(Delivery::Sent { .. }))
    });
    let mut rendered = Vec::with_capacity(messages.len());
    let mut i = 0;
    while i < messages.len() {
        let start = i;
        while i + 1 < messages.len()
            && same_sender(&messages[i], &messages[i + 1])
            && messages[i + 1].at.saturating_sub(messages[i].at) < GROUP_GAP_MS
        {
            i += 1;
        }
        let group = &messages[start..=i];
        let head = &group[0];
        let from_visitor = head.author.kind == AuthorKind::Visitor;
        let system = head.author.kind == AuthorKind::System;
        let name = match head.author.kind {
            AuthorKind::Visitor => text(locale, Msg::You).to_owned(),
            AuthorKind::Bot => {
                head.author.name.clone().unwrap_or_else(|| text(locale, Msg::Bot).to_owned())
            }
            _ => head.author.name.clone().unwrap_or_else(|| props.team_name.to_string()),
        };
        // An avatar from the wire is only shown from a safe URL (http(s), same site, blob);
        // anything else falls back to the profile's avatar.
        let avatar_url = head
            .author
            .avatar_url
            .as_deref()
            .and_then(safe_attachment_url)
            .map(|u| AttrValue::from(u.to_owned()))
            .or_else(|| props.team_avatar.clone());
        let time = time_label(locale, props.now, group[group.len() - 1].at);
        rendered.push(html! {
            <li key={head.key().to_owned()} class={classes!("sc-group", if from_visitor { "sc-group--visitor" } else if system { "sc-group--system" } else { "sc-group--team" })}>
                if !from_visitor && !system {
                    <Avatar name={AttrValue::from(name.clone())} url={avatar_url} class="sc-group__avatar" />
                }
                <div class="sc-group__body">
                    if !from_visitor && !system { <span class="sc-group__name">{ name.clone() }</span> }
                    // A list of its own: `{ for }` alone would splice the bubbles between
                    // the name and the time, and Yew matches unkeyed siblings from the
                    // end, so each new message would rebuild every bubble of its group.
                    <>{ for group.iter().enumerate().map(|(k, m)| html! {
                        <MessageBubble
                            key={m.key().to_owned()}
                            message={m.clone()}
                            {locale}
                            show_sent={Some(start + k) == last_sent_visitor}
                            seen={m.seq.is_some_and(|seq| seq <= props.team_read_seq)}
                            on_retry={props.on_retry.clone()}
                        />
                    }) }</>
                    <span class="sc-group__time">{ time }</span>
                </div>
            </li>
        });
        i += 1;
    }

    html! {
        <div class="sc-messages-wrap">
            <div class="sc-messages" ref={scroller} {onscroll} tabindex="0" aria-label={text(locale, Msg::MessageListLabel)}>
                if props.has_earlier {
                    <button type="button" class="sc-load-earlier" onclick={load_earlier}>{ text(locale, Msg::LoadEarlier) }</button>
                }
                if !props.has_earlier && !props.greeting.is_empty() {
                    <div class="sc-greeting">
                        <Avatar name={props.team_name.clone()} url={props.team_avatar.clone()} class="sc-group__avatar" />
                        <div class="sc-greeting__lines">
                            { for props.greeting.iter().map(|line| html! { <p class="sc-greeting__text">{ line.clone() }</p> }) }
                        </div>
                    </div>
                }
                <ol class="sc-list">{ for rendered }</ol>
                if !props.quick_replies.is_empty() {
                    <div class="sc-quick-replies" role="group" aria-label={text(locale, Msg::QuickReplies)}>
                        { for props.quick_replies.iter().map(|reply| {
                            let on_quick_reply = props.on_quick_reply.clone();
                            let value = reply.clone();
                            let onclick = Callback::from(move |_: MouseEvent| on_quick_reply.emit(value.clone()));
                            html! { <button type="button" class="sc-quick-reply" {onclick}>{ reply.label.clone() }</button> }
                        }) }
                    </div>
                }
                if let Some(typing) = &props.typing {
                    <div class="sc-typing" aria-label={typing.clone()}>
                        <span class="sc-typing__dots" aria-hidden="true"><i></i><i></i><i></i></span>
                        <span class="sc-typing__text">{ typing.clone() }</span>
                    </div>
                }
            </div>
            if *unseen {
                <button type="button" class="sc-new-pill" onclick={jump_to_bottom}>{ text(locale, Msg::NewMessages) }{ " ↓" }</button>
            }
        </div>
    }
}
