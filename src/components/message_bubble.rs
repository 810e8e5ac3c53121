//! One message: its text with safe links, its attachments, and for the visitor's own
//! messages where it stands (sending, sent, not sent with a retry button).

use sitechat_core::conversation::{Delivery, FailReason, Message};
use sitechat_core::i18n::{format, text, Locale, Msg};
use sitechat_core::protocol::{limits, AuthorKind, ErrorCode};
use yew::prelude::*;

use super::attachment_view::AttachmentView;
use super::rich_text::RichText;

#[derive(Properties, PartialEq, Clone)]
pub struct MessageBubbleProps {
    pub message: Message,
    pub locale: Locale,
    /// Show "Sent" under this message (only the visitor's latest shows it).
    #[prop_or_default]
    pub show_sent: bool,
    /// The team has read it: "Seen" instead of "Sent".
    #[prop_or_default]
    pub seen: bool,
    pub on_retry: Callback<String>,
}

#[function_component]
pub fn MessageBubble(props: &MessageBubbleProps) -> Html {
    let m = &props.message;
    let locale = props.locale;
    let kind = match m.author.kind {
        AuthorKind::Visitor => "sc-bubble--visitor",
        AuthorKind::Agent => "sc-bubble--agent",
        AuthorKind::Bot => "sc-bubble--bot",
        AuthorKind::System => "sc-bubble--system",
    };
    let failed = matches!(m.delivery, Some(Delivery::Failed { .. }));
    let delivery = match &m.delivery {
        Some(Delivery::Sending) => {
            html! { <span class="sc-delivery sc-delivery--sending">{ text(locale, Msg::Sending) }</span> }
        }
        Some(Delivery::Sent { .. }) if props.show_sent && props.seen => {
            html! { <span class="sc-delivery sc-delivery--seen">{ text(locale, Msg::Seen) }</span> }
        }
        Some(Delivery::Sent { .. }) if props.show_sent => {
            html! { <span class="sc-delivery sc-delivery--sent">{ text(locale, Msg::Sent) }</span> }
        }
        Some(Delivery::Failed { reason }) => {
            let why = match reason {
                FailReason::Rejected { code: ErrorCode::TooLarge, .. } => Some(format(
                    locale,
                    Msg::MessageTooLong,
                    &[("max", &limits::MAX_TEXT_CHARS.to_string())],
                )),
                FailReason::Rejected { code: ErrorCode::TooManyConversations, .. } => {
                    Some(text(locale, Msg::NotSentTooManyChats).to_owned())
                }
                FailReason::Rejected { code: ErrorCode::ConversationFull, .. } => {
                    Some(text(locale, Msg::NotSentConversationFull).to_owned())
                }
                _ => None,
            };
            let on_retry = props.on_retry.clone();
            let client_id = m.client_id.as_deref().unwrap_or_default().to_owned();
            let onclick = Callback::from(move |_: MouseEvent| on_retry.emit(client_id.clone()));
            html! {
                <span class="sc-delivery sc-delivery--failed" role="status">
                    { text(locale, Msg::NotSent) }
                    if let Some(why) = why { { " — " }{ why } }
                    { " · " }
                    <button type="button" class="sc-retry" {onclick}>{ text(locale, Msg::Retry) }</button>
                </span>
            }
        }
        _ => html! {},
    };
    html! {
        <div class={classes!("sc-bubble", kind, failed.then_some("sc-bubble--failed"))} part="message">
            if !m.text.is_empty() {
                <div class="sc-bubble__text"><RichText text={AttrValue::from(m.text.clone())} /></div>
            }
            if !m.attachments.is_empty() {
                <div class="sc-bubble__attachments">
                    { for m.attachments.iter().map(|a| html! { <AttachmentView key={a.id.clone()} attachment={a.clone()} {locale} /> }) }
                </div>
            }
            { delivery }
        </div>
    }
}
