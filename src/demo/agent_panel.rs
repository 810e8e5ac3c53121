//! A small control panel on the demo page: send as the agent or the bot (with quick
//! replies), type, go away, end the chat, cut the connection.

use sitechat_core::memory_backend::AgentMessage;
use sitechat_core::protocol::{EndReason, QuickReply};
use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

use crate::transport::memory::MemoryAgent;

#[derive(Properties, Clone)]
pub struct AgentPanelProps {
    pub agent: MemoryAgent,
}

impl PartialEq for AgentPanelProps {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

/// Renders the panel into `parent` (outside the widget's shadow root: it belongs to
/// the demo page, not to the widget).
pub fn mount_agent_panel(parent: Element, agent: MemoryAgent) {
    yew::Renderer::<AgentPanel>::with_root_and_props(parent, AgentPanelProps { agent }).render();
}

#[function_component]
pub fn AgentPanel(props: &AgentPanelProps) -> Html {
    let text = use_state(|| "Hi! I'm Camille. How can I help you today?".to_owned());
    let typing = use_state(|| false);
    let away = use_state(|| false);
    let agent = props.agent.clone();

    let oninput = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                text.set(input.value());
            }
        })
    };
    let act = |f: Box<dyn Fn(&MemoryAgent)>| {
        let agent = agent.clone();
        Callback::from(move |_: MouseEvent| f(&agent))
    };
    let say = {
        let text = text.clone();
        act(Box::new(move |a| a.say(&text)))
    };
    let bot = act(Box::new(|a| {
        a.send(
            AgentMessage {
                text: "I'm the Lumen bot. What brings you here?".into(),
                quick_replies: vec![
                    QuickReply { label: "Pricing".into(), value: "pricing".into() },
                    QuickReply { label: "Book a demo".into(), value: "demo".into() },
                    QuickReply { label: "Talk to a human".into(), value: "human".into() },
                ],
                collect_input: true,
                ..AgentMessage::default()
            },
            true,
        )
    }));
    let link = act(Box::new(|a| {
        a.say("Here is our pricing page: https://lumen.example/pricing — and the docs at docs.lumen.example")
    }));
    let toggle_typing = {
        let typing = typing.clone();
        let agent = agent.clone();
        Callback::from(move |_: MouseEvent| {
            agent.typing(!*typing);
            typing.set(!*typing);
        })
    };
    let toggle_away = {
        let away = away.clone();
        let agent = agent.clone();
        Callback::from(move |_: MouseEvent| {
            agent.set_team_available(*away);
            away.set(!*away);
        })
    };
    let end_agent = act(Box::new(|a| a.end_conversation(EndReason::Agent)));
    let end_idle = act(Box::new(|a| a.end_conversation(EndReason::Inactivity)));
    let end_bot = act(Box::new(|a| a.end_conversation(EndReason::Bot)));
    let cut = act(Box::new(|a| a.drop_connections()));
    html! {
        <section class="agent-panel" aria-label="Agent panel (demo)">
            <h2>{ "Play the agent" }</h2>
            <p class="agent-panel__hint">{ "This panel stands in for the agent inbox: what you do here reaches the widget through the in-memory backend. Write in the chat first: the agent answers the visitor's conversation." }</p>
            <label>{ "Message" }<input type="text" value={(*text).clone()} {oninput} /></label>
            <div class="agent-panel__row">
                <button type="button" onclick={say}>{ "Send as agent" }</button>
                <button type="button" onclick={link}>{ "Send links" }</button>
                <button type="button" onclick={bot}>{ "Bot with quick replies" }</button>
            </div>
            <div class="agent-panel__row">
                <button type="button" onclick={toggle_typing}>{ if *typing { "Stop typing" } else { "Start typing" } }</button>
                <button type="button" onclick={toggle_away}>{ if *away { "Go available" } else { "Go away" } }</button>
                <button type="button" onclick={cut}>{ "Cut the connection" }</button>
            </div>
            <div class="agent-panel__row">
                <button type="button" onclick={end_agent}>{ "Close chat" }</button>
                <button type="button" onclick={end_idle}>{ "End: inactivity" }</button>
                <button type="button" onclick={end_bot}>{ "End: bot" }</button>
            </div>
        </section>
    }
}
