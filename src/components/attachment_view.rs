//! An attachment in a message: an image preview, or a file chip with name and size.

use sitechat_core::bytes::format_bytes;
use sitechat_core::i18n::{format, Locale, Msg};
use sitechat_core::protocol::Attachment;
use yew::prelude::*;

/// The URL if it is safe to put in `src`/`href`: http(s), a same-site path, or a blob
/// made by this page. Anything else (`javascript:`, `data:`, unknown schemes) gets no link.
///
/// Browsers drop tabs and line breaks anywhere in a URL and spaces around it, so a URL
/// with any whitespace or control character is refused outright (`/\t/evil.example`
/// would load `//evil.example`); so is `/\` at the start, which browsers read as `//`.
/// Also used for author avatars from the wire.
pub fn safe_attachment_url(url: &str) -> Option<&str> {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let lower = url.get(..13).unwrap_or(url).to_ascii_lowercase();
    let ok = lower.starts_with("https://")
        || lower.starts_with("http://")
        // A blob the page made is `blob:<its http(s) origin>/<uuid>`.
        || lower.starts_with("blob:https://")
        || lower.starts_with("blob:http://")
        || (url.starts_with('/') && !url.starts_with("//") && !url.starts_with("/\\"));
    ok.then_some(url)
}

#[derive(Properties, PartialEq, Clone)]
pub struct AttachmentViewProps {
    pub attachment: Attachment,
    pub locale: Locale,
}

#[function_component]
pub fn AttachmentView(props: &AttachmentViewProps) -> Html {
    let a = &props.attachment;
    let locale = props.locale;
    let url = safe_attachment_url(&a.url).map(|u| AttrValue::from(u.to_owned()));
    let size = format_bytes(locale, a.size);
    let is_image = a.mime.starts_with("image/") && a.mime != "image/svg+xml";
    match (is_image, url) {
        (true, Some(url)) => html! {
            <a class="sc-attachment sc-attachment--image" href={url.clone()} target="_blank" rel="noopener noreferrer">
                <img src={url} alt={format(locale, Msg::ImageAlt, &[("name", &a.name)])} loading="lazy" />
            </a>
        },
        (_, url) => {
            let body = html! {
                <>
                    <svg class="sc-attachment__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M14 3H6a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V9z" /><path d="M14 3v6h6" /></svg>
                    <span class="sc-attachment__name">{ a.name.clone() }</span>
                    <span class="sc-attachment__size">{ size }</span>
                </>
            };
            match url {
                Some(url) => html! {
                    <a class="sc-attachment sc-attachment--file" href={url} target="_blank" rel="noopener noreferrer" download={a.name.clone()} title={format(locale, Msg::DownloadFile, &[("name", &a.name)])}>{ body }</a>
                },
                None => html! { <span class="sc-attachment sc-attachment--file">{ body }</span> },
            }
        }
    }
}
