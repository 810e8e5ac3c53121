//! A Rust app that embeds sitechat as a Yew component.
//!
//! Build it (as `scripts/test.sh` does, to keep it building):
//!
//! ```sh
//! cargo build --example yew_app --target wasm32-unknown-unknown
//! ```
//!
//! The app parses its config once, picks a transport (here the in-memory backend, so
//! the example runs without a server; use
//! `WebSocketTransport::new("/ws/visitor")` for the reference server), and renders
//! `<ChatWidget config transport />` next to its own content. A bad config is shown
//! as the app's own error, the widget is simply left out.

use std::rc::Rc;

use sitechat::transport::memory::MemoryTransport;
use sitechat::transport::Transport;
use sitechat::ChatWidget;
use sitechat_core::config::{parse_config, Config};
use yew::prelude::*;

const CONFIG: &str = r##"{
  "profile": { "name": "Ada from Acme" },
  "appearance": { "theme_color": "#0b5fff", "position": "right" },
  "availability": { "mode": "always", "typical_response_time": "few_minutes" }
}"##;

#[function_component]
fn App() -> Html {
    // Built once: the widget keeps its store (and conversation) while these stay the same.
    let setup = use_memo((), |_| {
        parse_config(CONFIG).map(|config| {
            let (transport, _agent) = MemoryTransport::new(&config.profile.name);
            (Rc::new(config), Rc::new(transport) as Rc<dyn Transport>)
        })
    });
    let widget = match &*setup {
        Ok((config, transport)) => {
            let config: Rc<Config> = config.clone();
            html! { <ChatWidget {config} transport={transport.clone()} /> }
        }
        Err(errors) => {
            html! { <pre class="error">{ format!("the chat config is invalid:\n{errors}") }</pre> }
        }
    };
    html! {
        <main>
            <h1>{ "Acme" }</h1>
            <p>{ "Questions? The chat in the corner reaches a real person." }</p>
            { widget }
        </main>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
