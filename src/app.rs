//! The widget's root component: reads the [`Store`] and lays out the launcher, the
//! window and the screen-reader live region.
//!
//! It holds no chat state of its own: every action goes to the store, which runs the
//! core and re-renders this component through its subscription. Focus is managed here
//! because it spans components: opening with a click focuses the composer, closing
//! returns focus to the launcher, and nothing takes focus on page load.
//!
//! Every visitor action (a click, a keystroke in the composer, a quick reply) first
//! tells the store [`Store::interacted`]: that is the consent-by-use that lets the
//! widget write to storage. Opening by `#hs-chat-open` or by the JS API is not the
//! visitor's own action and does not count.
//!
//! Two layouts: the corner (launcher + window above it) and **inline** (the window
//! alone, always open, filling the element the site owner chose; no launcher and no
//! close button).

use std::rc::Rc;

use gloo::timers::callback::Interval;
use sitechat_core::availability::{AvailabilityState, AwayDisplay};
use sitechat_core::bot::greeting;
use sitechat_core::config::ResponseTime;
use sitechat_core::conversation::Status;
use sitechat_core::i18n::{format, text, unread_messages, Locale, Msg};
use sitechat_core::protocol::{AuthorKind, QuickReply};
use web_sys::HtmlElement;
use yew::prelude::*;

use crate::components::{
    ChatEnded, ChatWindow, Composer, Header, Launcher, MeetingLink, MessageList, PendingAttachment,
};
use crate::hooks::{use_open_hash, use_page_lifecycle};
use crate::store::Store;

/// Messages rendered per page; older ones come with "Load earlier messages".
pub const PAGE_SIZE: usize = 50;

#[derive(Properties, Clone)]
pub struct ChatAppProps {
    pub store: Rc<Store>,
    /// Render the window inline in its container instead of in the page corner.
    #[prop_or_default]
    pub inline: bool,
    /// Focus the launcher once it is rendered: the keyboard focus was on the launcher
    /// the loader drew before the app ([`crate::embed::early_launcher`]).
    #[prop_or_default]
    pub focus_launcher: bool,
}

impl PartialEq for ChatAppProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.store, &other.store)
            && self.inline == other.inline
            && self.focus_launcher == other.focus_launcher
    }
}

fn response_time_line(locale: Locale, time: Option<ResponseTime>) -> Option<AttrValue> {
    time.map(|t| AttrValue::Static(text(locale, t.msg())))
}

fn focus(node: &NodeRef) {
    if let Some(el) = node.cast::<HtmlElement>() {
        let _ = el.focus();
    }
}

#[function_component]
pub fn ChatApp(props: &ChatAppProps) -> Html {
    let store = props.store.clone();
    let inline = props.inline;
    let update = use_force_update();
    {
        let store = store.clone();
        use_effect_with(props.clone(), move |_| {
            let subscription = store.subscribe(Rc::new(move || update.force_update()));
            move || drop(subscription)
        });
    }
    // Relative times ("2 min ago") move on by themselves.
    let now = use_state(|| store.now());
    {
        let now = now.clone();
        let store = store.clone();
        use_effect_with((), move |_| {
            let tick = Interval::new(30_000, move || now.set(store.now()));
            move || drop(tick)
        });
    }
    let launcher_ref = use_node_ref();
    let composer_ref = use_node_ref();
    {
        let launcher_ref = launcher_ref.clone();
        let focus_launcher = props.focus_launcher;
        use_effect_with((), move |_| {
            if focus_launcher {
                focus(&launcher_ref);
            }
        });
    }
    let page_size = use_state_eq(|| PAGE_SIZE);
    // Callbacks made once per store (and once per page size): a new callback is a changed
    // prop, so the message list, every bubble and the composer would render again on
    // every change of the store.
    let actions = use_memo(store.clone(), Actions::new);
    let on_load_earlier =
        use_callback(page_size.clone(), |_: (), page_size| page_size.set(**page_size + PAGE_SIZE));

    let on_open_hash = use_callback(store.clone(), |_: (), store| store.open_window());
    use_open_hash(on_open_hash);
    use_page_lifecycle(store.clone());

    let on_toggle = {
        let store = store.clone();
        let launcher_ref = launcher_ref.clone();
        Callback::from(move |_: ()| {
            if store.chat().is_window_open() {
                store.interacted();
                store.close_window();
                focus(&launcher_ref);
            } else {
                store.open_window_for_visitor();
            }
        })
    };
    let on_close = {
        let store = store.clone();
        let launcher_ref = launcher_ref.clone();
        Callback::from(move |_: ()| {
            if inline {
                return;
            }
            store.interacted();
            store.close_window();
            focus(&launcher_ref);
        })
    };
    let onkeydown = {
        let on_close = on_close.clone();
        let store = store.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" && store.chat().is_window_open() {
                e.stop_propagation();
                on_close.emit(());
            }
        })
    };
    {
        // Only the visitor's own opening moves focus (Store::open_window_for_visitor).
        let composer_ref = composer_ref.clone();
        let store = store.clone();
        let open = store.chat().is_window_open();
        use_effect_with(open, move |open| {
            if *open && store.take_focus_request() {
                focus(&composer_ref);
            }
        });
    }

    let locale = store.locale();
    let config = store.config().clone();
    let decision = store.availability();
    let chat = store.chat();
    let has_conversation = chat.conversation_id().is_some() || !chat.messages().is_empty();
    // An ongoing conversation is never hidden away from the visitor mid-chat.
    if store.backend_refused()
        || (matches!(decision.state, AvailabilityState::Hidden) && !has_conversation)
    {
        return html! { <div class="sc-live sc-visually-hidden" aria-live="polite"></div> };
    }
    let open = inline || chat.is_window_open();
    let unread = chat.unread();
    let left = config.appearance.position == sitechat_core::config::Position::Left;
    let profile = &config.profile;
    let name = AttrValue::from(profile.name.clone());

    let (status, away) = match &decision.state {
        AvailabilityState::Available { response_time } => {
            (response_time_line(locale, *response_time), false)
        }
        AvailabilityState::Away { display: AwayDisplay::Message(message) } => {
            (Some(AttrValue::from(message.clone())), true)
        }
        AvailabilityState::Away { display: AwayDisplay::ResponseTime(time) } => (
            response_time_line(locale, *time)
                .or(Some(AttrValue::Static(text(locale, Msg::AwayNow)))),
            true,
        ),
        AvailabilityState::Hidden => (Some(AttrValue::Static(text(locale, Msg::AwayNow))), true),
    };
    let meeting = profile.meetings_link().map(|url| MeetingLink {
        url: AttrValue::from(url.to_owned()),
        text: AttrValue::from(
            profile
                .meetings
                .link_text
                .clone()
                .unwrap_or_else(|| text(locale, Msg::BookMeeting).to_owned()),
        ),
    });

    let window = if open {
        let messages_all = chat.messages();
        let start = messages_all.len().saturating_sub(*page_size);
        let messages = Rc::new(messages_all[start..].to_vec());
        let typing = chat.agent_typing().map(|t| match &t.name {
            Some(who) => AttrValue::from(format(locale, Msg::NamedTyping, &[("name", who)])),
            None => AttrValue::Static(text(locale, Msg::SomeoneTyping)),
        });
        // A bot's opening lines stand where the welcome does until its real lines
        // (stored by the backend at the top of the conversation) arrive.
        let team_available = matches!(decision.state, AvailabilityState::Available { .. });
        // The backend's copy stands at the top of the thread: one look at the oldest
        // message, not a scan of a long conversation on every render.
        let backend_greeted =
            messages_all.first().is_some_and(|m| m.author.kind == AuthorKind::Bot);
        let bot_greeting =
            if backend_greeted { None } else { greeting(&config, locale, team_available) };
        let mut quick_replies: Vec<QuickReply> = messages_all
            .last()
            .filter(|m| m.author.kind == AuthorKind::Bot)
            .map(|m| m.quick_replies.clone())
            .unwrap_or_default();
        let greeting_lines: Vec<AttrValue> = match bot_greeting {
            Some((lines, replies)) => {
                if messages_all.is_empty() {
                    quick_replies = replies;
                }
                lines.into_iter().map(AttrValue::from).collect()
            }
            None if config.bot.enabled && config.bot.flow.is_some() => Vec::new(),
            None => vec![AttrValue::Static(text(locale, Msg::Welcome))],
        };
        let on_load_earlier = on_load_earlier.clone();
        let on_retry = actions.retry.clone();
        let on_quick_reply = actions.quick_reply.clone();
        let footer = match chat.status() {
            Status::Ended { reason } => html! {
                <ChatEnded
                    {locale}
                    {reason}
                    transcript_enabled={chat.conversation_id().is_some()}
                    transcript_sent_to={store.transcript_sent_to().map(AttrValue::from)}
                    transcript_refused={store.transcript_refused()}
                    on_start_new={actions.start_new.clone()}
                    on_transcript={actions.transcript.clone()}
                />
            },
            _ => {
                let composer = store.composer();
                let attachments: Vec<PendingAttachment> = composer
                    .uploads
                    .iter()
                    .map(|u| PendingAttachment {
                        id: u.id,
                        name: AttrValue::from(u.name.clone()),
                        size: u.size,
                        uploading: u.attachment.is_none(),
                    })
                    .collect();
                html! {
                    <Composer
                        {locale}
                        draft={AttrValue::from(composer.draft)}
                        {attachments}
                        error={composer.error.map(AttrValue::from)}
                        attachments_enabled={store.attachments_allowed()}
                        accept={AttrValue::from(config.options.allowed_attachment_types.join(","))}
                        enabled={chat.can_type()}
                        node_ref={composer_ref.clone()}
                        on_input={actions.input.clone()}
                        on_send={actions.send.clone()}
                        on_files={actions.files.clone()}
                        on_remove_attachment={actions.remove_attachment.clone()}
                    />
                }
            }
        };
        html! {
            <ChatWindow label={AttrValue::from(format(locale, Msg::ChatWith, &[("name", &profile.name)]))}>
                <Header
                    name={name.clone()}
                    avatar_url={profile.avatar_url.clone().map(AttrValue::from)}
                    avatar_alt={AttrValue::from(format(locale, Msg::AvatarOf, &[("name", &profile.name)]))}
                    {status}
                    {away}
                    {meeting}
                    close_label={text(locale, Msg::Close)}
                    closable={!inline}
                    on_close={on_close.clone()}
                />
                if !chat.is_connected() && chat.outbox_len() > 0 {
                    <p class="sc-connection" role="status">{ text(locale, Msg::Offline) }</p>
                }
                <MessageList
                    {messages}
                    has_earlier={start > 0}
                    {locale}
                    now={*now}
                    team_name={name.clone()}
                    team_avatar={profile.avatar_url.clone().map(AttrValue::from)}
                    {typing}
                    {quick_replies}
                    team_read_seq={chat.team_read_seq()}
                    greeting={greeting_lines}
                    {on_load_earlier}
                    {on_retry}
                    {on_quick_reply}
                />
                { footer }
                if config.appearance.branding {
                    <p class="sc-branding">{ text(locale, Msg::PoweredBy) }</p>
                }
            </ChatWindow>
        }
    } else {
        html! {}
    };

    if inline {
        return html! {
            <>
                <div class="sc-live sc-visually-hidden" aria-live="polite" aria-atomic="true">{ store.announcement() }</div>
                <div class="sc-inline">{ window }</div>
            </>
        };
    }
    let launcher_label =
        if open { text(locale, Msg::CloseChat) } else { text(locale, Msg::OpenChat) };
    html! {
        <>
            <div class="sc-live sc-visually-hidden" aria-live="polite" aria-atomic="true">{ store.announcement() }</div>
            <div class={classes!("sc-corner", left.then_some("sc-corner--left"), open.then_some("sc-corner--open"))} {onkeydown}>
                { window }
                <Launcher
                    node_ref={launcher_ref}
                    {open}
                    label={launcher_label}
                    {unread}
                    unread_label={AttrValue::from(unread_messages(locale, unread))}
                    {on_toggle}
                />
            </div>
        </>
    }
}

/// The visitor's actions on the window, as stable callbacks (see `ChatApp`).
struct Actions {
    retry: Callback<String>,
    quick_reply: Callback<QuickReply>,
    start_new: Callback<()>,
    transcript: Callback<String>,
    input: Callback<String>,
    send: Callback<()>,
    files: Callback<web_sys::FileList>,
    remove_attachment: Callback<u32>,
}

impl Actions {
    fn new(store: &Rc<Store>) -> Actions {
        Actions {
            retry: forward(store, |store, client_id: String| store.retry(client_id)),
            quick_reply: forward(store, |store, reply: QuickReply| {
                store.quick_reply(reply.label, reply.value)
            }),
            start_new: forward(store, |store, _: ()| store.start_new_chat()),
            transcript: forward(store, |store, email: String| store.request_transcript(email)),
            input: forward(store, |store, draft: String| store.set_draft(draft)),
            send: forward(store, |store, _: ()| store.send()),
            files: forward(store, |store, files: web_sys::FileList| {
                store.add_files((0..files.length()).filter_map(|i| files.get(i)).collect())
            }),
            remove_attachment: forward(store, |store, id: u32| store.remove_upload(id)),
        }
    }
}

/// A callback for a visitor action: it records the interaction, then forwards to a
/// store method.
fn forward<T: 'static>(store: &Rc<Store>, f: impl Fn(&Store, T) + 'static) -> Callback<T> {
    let store = store.clone();
    Callback::from(move |value: T| {
        store.interacted();
        f(&store, value)
    })
}
