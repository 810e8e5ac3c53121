//! A bot's flow as the site owner writes it, read and checked like the rest of the
//! config (every problem named by its path and the step's id).
//!
//! ```json
//! "flow": {
//!   "start": "welcome",
//!   "steps": [
//!     {"id": "welcome", "say": {"en": "Hi! What brings you here?", "fr": "Bonjour !"},
//!      "replies": [{"label": "Talk to sales", "next": "sales"},
//!                  {"label": "Just browsing", "next": "bye"}]},
//!     {"id": "sales", "handoff": true},
//!     {"id": "bye", "say": "Enjoy your visit!", "end": true}
//!   ]
//! }
//! ```
//!
//! Invariants of a flow that reads without error: ids are unique; `start` and every
//! `next` name a step; every step reachable from `start` can reach an end of the flow
//! (a hand-off, an end, or a step with nothing after it), so no visitor is caught in a
//! loop; every quick reply has a label.

use serde::Serialize;
use serde_json::Value;

use crate::config::reader::{child, item, quote, Reader};

use super::text::{read_text, Text};

/// Most steps in one flow: enough for any chatflow, small enough to check at once.
pub const MAX_STEPS: usize = 100;
/// Most quick replies on one step (the protocol's limit).
pub const MAX_REPLIES: usize = crate::protocol::limits::MAX_QUICK_REPLIES;

/// A whole flow: where it starts and its steps, in the owner's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flow {
    pub start: String,
    pub steps: Vec<Step>,
}

/// One step: what the bot says, and what happens next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub id: String,
    /// What the bot says on arriving here (a hand-off or an end without one uses the
    /// catalogue's line).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub say: Option<Text>,
    #[serde(flatten)]
    pub action: Action,
}

/// What a step does after saying its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Action {
    /// Offers quick replies and waits for one.
    Replies { replies: Vec<Reply> },
    /// Asks for something and waits for the visitor's answer.
    Ask {
        ask: Question,
        #[serde(skip_serializing_if = "Option::is_none")]
        next: Option<String>,
    },
    /// Shows a link (for instance the meetings link), then goes on.
    Link {
        link: Link,
        #[serde(skip_serializing_if = "Option::is_none")]
        next: Option<String>,
    },
    /// Hands the conversation to the team.
    Handoff { handoff: bool },
    /// Ends the chat.
    End { end: bool },
    /// Only says its text, then goes on (or the flow is over).
    Say {
        #[serde(skip_serializing_if = "Option::is_none")]
        next: Option<String>,
    },
}

/// A quick reply: its label and the step it leads to (also its value on the wire).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reply {
    pub label: Text,
    pub next: String,
}

/// What an `ask` step asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Question {
    /// An e-mail address, validated; it becomes the visitor's captured address.
    Email,
    /// The visitor's name.
    Name,
    /// A free question, passed on to the team.
    Question,
}

/// A link a step shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    pub url: String,
    pub text: Text,
}

impl Flow {
    /// The step with `id`.
    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }

    /// Where each step may go next.
    fn successors(step: &Step) -> Vec<&str> {
        match &step.action {
            Action::Replies { replies } => replies.iter().map(|r| r.next.as_str()).collect(),
            Action::Ask { next, .. } | Action::Link { next, .. } | Action::Say { next } => {
                next.iter().map(String::as_str).collect()
            }
            Action::Handoff { .. } | Action::End { .. } => Vec::new(),
        }
    }
}

const STEP_KEYS: [&str; 8] = ["id", "say", "replies", "ask", "next", "link", "handoff", "end"];
const ACTIONS: [&str; 5] = ["replies", "ask", "link", "handoff", "end"];

/// Reads `flow` at `path`; problems go to `r`, and `None` means it could not be used.
pub(crate) fn read_flow(r: &mut Reader, path: &str, value: &Value) -> Option<Flow> {
    let map = r.object(path, value, &["start", "steps"])?;
    let start_path = child(path, "start");
    let start = match map.get("start") {
        Some(v) => r.string(&start_path, v).map(str::to_owned),
        None => {
            r.fail(&start_path, "missing: the id of the step the bot begins with");
            None
        }
    };
    let steps_path = child(path, "steps");
    let Some(list) = map.get("steps").and_then(|v| r.array(&steps_path, v)) else {
        if !map.contains_key("steps") {
            r.fail(&steps_path, "missing: the list of the bot's steps");
        }
        return None;
    };
    if list.is_empty() || list.len() > MAX_STEPS {
        r.fail(&steps_path, format!("expected 1 to {MAX_STEPS} steps, found {}", list.len()));
        return None;
    }
    let mut steps = Vec::with_capacity(list.len());
    for (i, v) in list.iter().enumerate() {
        if let Some(step) = read_step(r, &item(&steps_path, i), v) {
            steps.push((i, step));
        }
    }
    if steps.len() != list.len() {
        return None;
    }
    let start = start?;
    let flow = Flow { start, steps: steps.into_iter().map(|(_, s)| s).collect() };
    check_links(r, path, &flow).then_some(flow)
}

fn read_step(r: &mut Reader, path: &str, value: &Value) -> Option<Step> {
    let map = r.object(path, value, &STEP_KEYS)?;
    let id_path = child(path, "id");
    let id = match map.get("id").and_then(|v| r.string(&id_path, v)) {
        Some(id) if valid_id(id) => Some(id.to_owned()),
        Some(id) => {
            r.fail(
                &id_path,
                format!("{} is not a step id (1 to 64 letters, digits, - or _)", quote(id)),
            );
            None
        }
        None => {
            if !map.contains_key("id") {
                r.fail(&id_path, "missing: every step needs an id");
            }
            None
        }
    };
    let say = map.get("say").and_then(|v| read_text(r, &child(path, "say"), v));
    let next = map.get("next").and_then(|v| r.string(&child(path, "next"), v)).map(str::to_owned);
    let present: Vec<&str> = ACTIONS.iter().copied().filter(|k| map.contains_key(*k)).collect();
    if present.len() > 1 {
        r.fail(path, format!("a step does one thing; this one has {}", present.join(" and ")));
        return None;
    }
    let action = match present.first().copied() {
        Some("replies") => {
            read_replies(r, &child(path, "replies"), &map["replies"]).map(|replies| {
                if next.is_some() {
                    r.fail(
                        &child(path, "next"),
                        "a step with replies goes where the chosen reply leads",
                    );
                }
                Action::Replies { replies }
            })
        }
        Some("ask") => {
            let ask_path = child(path, "ask");
            r.keyword(
                &ask_path,
                &map["ask"],
                &[
                    ("email", Question::Email),
                    ("name", Question::Name),
                    ("question", Question::Question),
                ],
            )
            .map(|ask| Action::Ask { ask, next: next.clone() })
        }
        Some("link") => read_link(r, &child(path, "link"), &map["link"])
            .map(|link| Action::Link { link, next: next.clone() }),
        Some(flag @ ("handoff" | "end")) => {
            let flag_path = child(path, flag);
            match r.bool(&flag_path, &map[flag]) {
                Some(true) if next.is_some() => {
                    r.fail(&child(path, "next"), format!("nothing comes after {flag}"));
                    None
                }
                Some(true) if flag == "handoff" => Some(Action::Handoff { handoff: true }),
                Some(true) => Some(Action::End { end: true }),
                Some(false) => {
                    r.fail(&flag_path, "only true means something here; leave it out otherwise");
                    None
                }
                None => None,
            }
        }
        _ => {
            if say.is_none() && !map.contains_key("say") {
                r.fail(path, "a step says something or does something (say, replies, ask, link, handoff or end)");
                None
            } else {
                Some(Action::Say { next: next.clone() })
            }
        }
    };
    let needs_say =
        matches!(action, Some(Action::Replies { .. } | Action::Ask { .. } | Action::Say { .. }));
    if needs_say && !map.contains_key("say") {
        r.fail(&child(path, "say"), "missing: what the bot says at this step");
    }
    Some(Step { id: id?, say, action: action? })
}

fn read_replies(r: &mut Reader, path: &str, value: &Value) -> Option<Vec<Reply>> {
    let list = r.array(path, value)?;
    if list.is_empty() || list.len() > MAX_REPLIES {
        r.fail(path, format!("expected 1 to {MAX_REPLIES} quick replies, found {}", list.len()));
        return None;
    }
    let mut replies = Vec::new();
    for (i, v) in list.iter().enumerate() {
        let p = item(path, i);
        let Some(map) = r.object(&p, v, &["label", "next"]) else { continue };
        let label = match map.get("label") {
            Some(v) => read_text(r, &child(&p, "label"), v),
            None => {
                r.fail(&child(&p, "label"), "missing: the text on the button");
                None
            }
        };
        let next = match map.get("next") {
            Some(v) => r.string(&child(&p, "next"), v).map(str::to_owned),
            None => {
                r.fail(&child(&p, "next"), "missing: the id of the step this reply leads to");
                None
            }
        };
        if let (Some(label), Some(next)) = (label, next) {
            replies.push(Reply { label, next });
        }
    }
    (replies.len() == list.len()).then_some(replies)
}

fn read_link(r: &mut Reader, path: &str, value: &Value) -> Option<Link> {
    let map = r.object(path, value, &["url", "text"])?;
    let url_path = child(path, "url");
    let url = match map.get("url").and_then(|v| r.string(&url_path, v)) {
        Some(u) if u.starts_with("https://") || u.starts_with("http://") => Some(u.to_owned()),
        Some(u) => {
            r.fail(&url_path, format!("{} is not an http(s) URL", quote(u)));
            None
        }
        None => {
            if !map.contains_key("url") {
                r.fail(&url_path, "missing: where the link goes");
            }
            None
        }
    };
    let text = match map.get("text") {
        Some(v) => read_text(r, &child(path, "text"), v),
        None => {
            r.fail(&child(path, "text"), "missing: the link's text");
            None
        }
    };
    Some(Link { url: url?, text: text? })
}

fn valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Checks ids, targets and exits; returns whether the flow can be used.
fn check_links(r: &mut Reader, path: &str, flow: &Flow) -> bool {
    let steps_path = child(path, "steps");
    let at = |i: usize| child(&item(&steps_path, i), "id");
    let mut ok = true;
    for (i, step) in flow.steps.iter().enumerate() {
        if flow.steps[..i].iter().any(|s| s.id == step.id) {
            r.fail(&at(i), format!("{} is already the id of an earlier step", quote(&step.id)));
            ok = false;
        }
    }
    if flow.step(&flow.start).is_none() {
        r.fail(&child(path, "start"), format!("{} is not the id of any step", quote(&flow.start)));
        ok = false;
    }
    for (i, step) in flow.steps.iter().enumerate() {
        let step_path = item(&steps_path, i);
        let targets: Vec<(String, &str)> = match &step.action {
            Action::Replies { replies } => replies
                .iter()
                .enumerate()
                .map(|(j, r)| {
                    (child(&item(&child(&step_path, "replies"), j), "next"), r.next.as_str())
                })
                .collect(),
            _ => {
                Flow::successors(step).into_iter().map(|n| (child(&step_path, "next"), n)).collect()
            }
        };
        for (p, target) in targets {
            if flow.step(target).is_none() {
                r.fail(
                    &p,
                    format!(
                        "step {} leads to {}, which is not the id of any step",
                        quote(&step.id),
                        quote(target)
                    ),
                );
                ok = false;
            }
        }
    }
    if !ok {
        return false;
    }
    // Steps that can reach an end: grown backwards from the ends until nothing changes
    // (at most one pass per step).
    let n = flow.steps.len();
    let index = |id: &str| flow.steps.iter().position(|s| s.id == id);
    let mut exits: Vec<bool> = flow.steps.iter().map(|s| Flow::successors(s).is_empty()).collect();
    for _ in 0..n {
        let mut grew = false;
        for (i, step) in flow.steps.iter().enumerate() {
            if !exits[i]
                && Flow::successors(step).iter().any(|t| index(t).is_some_and(|j| exits[j]))
            {
                exits[i] = true;
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    // Report the looping steps a visitor can actually reach.
    let mut reached = vec![false; n];
    let mut todo: Vec<usize> = index(&flow.start).into_iter().collect();
    while let Some(i) = todo.pop() {
        if std::mem::replace(&mut reached[i], true) {
            continue;
        }
        todo.extend(Flow::successors(&flow.steps[i]).into_iter().filter_map(index));
    }
    for i in 0..n {
        if reached[i] && !exits[i] {
            r.fail(&at(i), format!("step {} loops with no way out: no hand-off, end or last step can be reached from it", quote(&flow.steps[i].id)));
            ok = false;
        }
    }
    ok
}
