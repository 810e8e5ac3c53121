//! The end of a chat: why it ended, "Start a new chat", and the transcript form.

use sitechat_core::email::is_valid_email;
use sitechat_core::i18n::{format, text, Locale, Msg};
use sitechat_core::protocol::EndReason;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct ChatEndedProps {
    pub locale: Locale,
    pub reason: EndReason,
    /// Offer "Email me the transcript".
    pub transcript_enabled: bool,
    /// The address a transcript was confirmed for.
    #[prop_or_default]
    pub transcript_sent_to: Option<AttrValue>,
    /// Why the backend refused the last transcript request, if it did.
    #[prop_or_default]
    pub transcript_refused: Option<Msg>,
    pub on_start_new: Callback<()>,
    pub on_transcript: Callback<String>,
}

#[function_component]
pub fn ChatEnded(props: &ChatEndedProps) -> Html {
    let locale = props.locale;
    let email = use_state(String::new);
    let invalid = use_state_eq(|| false);
    let reason = match props.reason {
        EndReason::Agent => Msg::EndedByAgent,
        EndReason::Inactivity => Msg::EndedByInactivity,
        EndReason::Bot => Msg::EndedByBot,
    };
    let oninput = {
        let email = email.clone();
        let invalid = invalid.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                email.set(input.value());
                invalid.set(false);
            }
        })
    };
    let onsubmit = {
        let email = email.clone();
        let invalid = invalid.clone();
        let on_transcript = props.on_transcript.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let address = email.trim().to_owned();
            if is_valid_email(&address) {
                on_transcript.emit(address);
            } else {
                invalid.set(true);
            }
        })
    };
    let start_new = {
        let on_start_new = props.on_start_new.clone();
        Callback::from(move |_: MouseEvent| on_start_new.emit(()))
    };
    html! {
        <div class="sc-ended" part="composer">
            <p class="sc-ended__title">{ text(locale, Msg::ChatEnded) }</p>
            <p class="sc-ended__reason">{ text(locale, reason) }</p>
            if props.transcript_enabled {
                if let Some(address) = &props.transcript_sent_to {
                    <p class="sc-ended__confirm" role="status">{ format(locale, Msg::TranscriptSent, &[("email", address)]) }</p>
                } else {
                    <form class="sc-transcript" {onsubmit} novalidate=true>
                        <label class="sc-transcript__label" for="sc-transcript-email">{ text(locale, Msg::EmailTranscript) }</label>
                        <div class="sc-transcript__row">
                            <input
                                id="sc-transcript-email"
                                class="sc-transcript__input"
                                type="email"
                                autocomplete="email"
                                placeholder={text(locale, Msg::YourEmail)}
                                value={(*email).clone()}
                                aria-invalid={if *invalid { "true" } else { "false" }}
                                aria-describedby={invalid.then_some("sc-transcript-error")}
                                {oninput}
                            />
                            <button type="submit" class="sc-button sc-button--secondary">{ text(locale, Msg::Send) }</button>
                        </div>
                        if *invalid {
                            <p id="sc-transcript-error" class="sc-composer__error" role="alert">{ text(locale, Msg::InvalidEmail) }</p>
                        } else if let Some(refused) = props.transcript_refused {
                            <p id="sc-transcript-error" class="sc-composer__error" role="alert">{ text(locale, refused) }</p>
                        }
                    </form>
                }
            }
            <button type="button" class="sc-button sc-button--primary sc-ended__new" onclick={start_new}>{ text(locale, Msg::StartNewChat) }</button>
        </div>
    }
}
