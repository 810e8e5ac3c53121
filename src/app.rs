//! The widget's root component: the launcher, the window, and what opens it.

use std::rc::Rc;

use sitechat_core::config::{Config, Position};
use sitechat_core::i18n::{text, Locale, Msg};
use yew::prelude::*;

use crate::components::{ChatWindow, Launcher};
use crate::hooks::{loaded_with_open_hash, use_open_hash};

#[derive(Properties, PartialEq, Clone)]
pub struct ChatWidgetProps {
    pub config: Rc<Config>,
    pub locale: Locale,
    /// Open the window at mount (the `#hs-chat-open` hash also does).
    #[prop_or_default]
    pub start_open: bool,
}

/// Whether the window is open. Kept in a reducer so the dispatcher handed to
/// listeners is stable across renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct WindowState {
    open: bool,
}

enum WindowAction {
    Open,
    Close,
    Toggle,
}

impl Reducible for WindowState {
    type Action = WindowAction;

    fn reduce(self: Rc<Self>, action: WindowAction) -> Rc<Self> {
        let open = match action {
            WindowAction::Open => true,
            WindowAction::Close => false,
            WindowAction::Toggle => !self.open,
        };
        if open == self.open {
            self
        } else {
            Rc::new(WindowState { open })
        }
    }
}

#[function_component]
pub fn ChatWidget(props: &ChatWidgetProps) -> Html {
    let start_open = props.start_open;
    let window = use_reducer(move || WindowState { open: start_open || loaded_with_open_hash() });
    let dispatcher = window.dispatcher();
    let on_toggle = use_callback(dispatcher.clone(), |_: (), d| d.dispatch(WindowAction::Toggle));
    let on_close = use_callback(dispatcher.clone(), |_: (), d| d.dispatch(WindowAction::Close));
    let on_open = use_callback(dispatcher.clone(), |_: (), d| d.dispatch(WindowAction::Open));
    use_open_hash(on_open);

    let onkeydown = use_callback(dispatcher, |e: KeyboardEvent, d| {
        if e.key() == "Escape" {
            d.dispatch(WindowAction::Close);
        }
    });

    let locale = props.locale;
    let config = &props.config;
    let left = config.appearance.position == Position::Left;
    let launcher_label = if window.open { text(locale, Msg::CloseChat) } else { text(locale, Msg::OpenChat) };
    html! {
        <div class={classes!("sc-corner", left.then_some("sc-corner--left"))} {onkeydown}>
            if window.open {
                <ChatWindow
                    title={AttrValue::from(config.profile.name.clone())}
                    close_label={text(locale, Msg::CloseChat)}
                    {on_close}
                />
            }
            <Launcher open={window.open} label={launcher_label} {on_toggle} />
        </div>
    }
}
