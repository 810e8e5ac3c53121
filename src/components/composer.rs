//! Where the visitor writes: an auto-growing text box (Enter sends, Shift+Enter makes a
//! new line), the attachment button, pending attachments and the inline error.

use sitechat_core::bytes::format_bytes;
use sitechat_core::i18n::{format, text, Locale, Msg};
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

/// An attachment chosen by the visitor, before the message goes.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingAttachment {
    pub id: u32,
    pub name: AttrValue,
    pub size: u64,
    /// Still uploading: the message waits for it.
    pub uploading: bool,
}

#[derive(Properties, PartialEq, Clone)]
pub struct ComposerProps {
    pub locale: Locale,
    pub draft: AttrValue,
    #[prop_or_default]
    pub attachments: Vec<PendingAttachment>,
    /// Shown under the box ("This file is too large (max 10 MB)").
    #[prop_or_default]
    pub error: Option<AttrValue>,
    pub attachments_enabled: bool,
    /// MIME patterns for the file picker's `accept`.
    #[prop_or_default]
    pub accept: AttrValue,
    /// False while a bot does not collect input.
    #[prop_or(true)]
    pub enabled: bool,
    #[prop_or_default]
    pub node_ref: NodeRef,
    pub on_input: Callback<String>,
    pub on_send: Callback<()>,
    pub on_files: Callback<web_sys::FileList>,
    pub on_remove_attachment: Callback<u32>,
}

/// Grows the box with its content up to the CSS max-height. CSSOM writes are allowed
/// under a strict CSP (only `style=` markup is blocked).
fn fit_height(area: &HtmlTextAreaElement) {
    let style = area.style();
    let _ = style.set_property("height", "auto");
    let _ = style.set_property("height", &format!("{}px", area.scroll_height()));
}

#[function_component]
pub fn Composer(props: &ComposerProps) -> Html {
    let locale = props.locale;
    let file_input = use_node_ref();
    {
        let area = props.node_ref.clone();
        use_effect_with(props.draft.clone(), move |_| {
            if let Some(area) = area.cast::<HtmlTextAreaElement>() {
                fit_height(&area);
            }
        });
    }
    let oninput = {
        let on_input = props.on_input.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(area) = e.target_dyn_into::<HtmlTextAreaElement>() {
                on_input.emit(area.value());
            }
        })
    };
    let onkeydown = {
        let on_send = props.on_send.clone();
        Callback::from(move |e: KeyboardEvent| {
            // Enter sends; Shift+Enter is a new line; an IME composition is not done yet.
            if e.key() == "Enter" && !e.shift_key() && !e.is_composing() {
                e.prevent_default();
                on_send.emit(());
            }
        })
    };
    let onsubmit = {
        let on_send = props.on_send.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_send.emit(());
        })
    };
    let pick = {
        let file_input = file_input.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(input) = file_input.cast::<HtmlInputElement>() {
                input.click();
            }
        })
    };
    let onchange = {
        let on_files = props.on_files.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
                if let Some(files) = input.files() {
                    on_files.emit(files);
                }
                // Choosing the same file again must fire `change` again.
                input.set_value("");
            }
        })
    };
    let has_content =
        !props.draft.trim().is_empty() || props.attachments.iter().any(|a| !a.uploading);
    let busy = props.attachments.iter().any(|a| a.uploading);
    html! {
        <form class="sc-composer" part="composer" {onsubmit}>
            if !props.attachments.is_empty() {
                <ul class="sc-pending">
                    { for props.attachments.iter().map(|a| {
                        let on_remove = props.on_remove_attachment.clone();
                        let id = a.id;
                        let onclick = Callback::from(move |_: MouseEvent| on_remove.emit(id));
                        html! {
                            <li key={a.id} class={classes!("sc-pending__item", a.uploading.then_some("sc-pending__item--uploading"))}>
                                <span class="sc-pending__name">{ a.name.clone() }</span>
                                <span class="sc-pending__size">{ if a.uploading { format(locale, Msg::Uploading, &[("name", &a.name)]) } else { format_bytes(locale, a.size) } }</span>
                                <button type="button" class="sc-pending__remove" aria-label={format!("{} {}", text(locale, Msg::RemoveAttachment), a.name)} {onclick}>{ "×" }</button>
                            </li>
                        }
                    }) }
                </ul>
            }
            if let Some(error) = &props.error {
                <p class="sc-composer__error" role="alert">{ error.clone() }</p>
            }
            <div class="sc-composer__row">
                <textarea
                    ref={props.node_ref.clone()}
                    class="sc-composer__input"
                    rows="1"
                    value={props.draft.clone()}
                    placeholder={text(locale, Msg::ComposerPlaceholder)}
                    aria-label={text(locale, Msg::ComposerLabel)}
                    aria-describedby="sc-composer-hint"
                    disabled={!props.enabled}
                    maxlength="10000"
                    {oninput}
                    {onkeydown}
                />
                <span id="sc-composer-hint" class="sc-visually-hidden">{ text(locale, Msg::NewLineHint) }</span>
                if props.attachments_enabled {
                    <input ref={file_input} type="file" class="sc-visually-hidden" tabindex="-1" aria-hidden="true" accept={props.accept.clone()} multiple=true {onchange} />
                    <button type="button" class="sc-icon-button sc-composer__attach" aria-label={text(locale, Msg::AttachFile)} disabled={!props.enabled} onclick={pick}>
                        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M21 11.5l-8.6 8.6a5 5 0 0 1-7.1-7.1l8.6-8.6a3.3 3.3 0 0 1 4.7 4.7l-8.6 8.6a1.7 1.7 0 0 1-2.4-2.4l7.9-7.9" /></svg>
                    </button>
                }
                <button type="submit" class="sc-icon-button sc-composer__send" aria-label={text(locale, Msg::Send)} disabled={!props.enabled || !has_content || busy}>
                    <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 12l16-8-6 16-2.5-6.5z" /></svg>
                </button>
            </div>
        </form>
    }
}
