//! `bot`: whether an automated first responder greets visitors, and its chatflow.
//!
//! Invariant: an enabled bot keeps the widget visible whatever the availability says
//! (applied by [`crate::availability::evaluate`]).

use super::reader::{child, Reader};
use crate::bot::flow::{read_flow, Flow};
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bot {
    pub enabled: bool,
    /// When false, the chat ends once the bot has run instead of waiting for the
    /// visitor to type.
    pub collect_input: bool,
    /// The chatflow the bot runs ([`crate::bot`]); without one, an enabled bot only
    /// keeps the widget visible.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flow: Option<Flow>,
}

impl Default for Bot {
    fn default() -> Bot {
        Bot { enabled: false, collect_input: true, flow: None }
    }
}

pub(crate) fn read_bot(r: &mut Reader, path: &str, value: &Value) -> Bot {
    let mut bot = Bot::default();
    let Some(map) = r.object(path, value, &["enabled", "collect_input", "flow"]) else {
        return bot;
    };
    if let Some(b) = map.get("enabled").and_then(|v| r.bool(&child(path, "enabled"), v)) {
        bot.enabled = b;
    }
    if let Some(b) = map.get("collect_input").and_then(|v| r.bool(&child(path, "collect_input"), v))
    {
        bot.collect_input = b;
    }
    if let Some(v) = map.get("flow") {
        bot.flow = read_flow(r, &child(path, "flow"), v);
    }
    bot
}
