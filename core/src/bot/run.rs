//! Running a flow: where a conversation's bot is, and what it says and does next.
//!
//! Pure: the reference server and the in-page backend feed the same [`BotRun`] the
//! visitor's quick replies and messages with the team's availability at that instant,
//! and perform the [`BotOutput`]s (store and send the bot's lines, capture the address,
//! assign the conversation, end it). Rules (the seed's chatflows):
//! - a hand-off with someone available (inside hours, an agent available) hands the
//!   conversation to the team; otherwise the bot says nobody is there — a bot must not
//!   hand a chat to someone away — asks for the e-mail and promises a reply by e-mail;
//! - when the flow runs out (no next step) and the bot does not collect input, the chat
//!   ends with reason `bot`;
//! - typing instead of clicking asks the same question again; a malformed e-mail is
//!   answered, not refused, so nothing the visitor wrote is lost;
//! - an agent taking over ([`BotRun::take_over`]) stops the bot for good.

use serde::{Deserialize, Serialize};

use crate::email::is_valid_email;
use crate::i18n::{format, text, Locale, Msg};
use crate::protocol::QuickReply;

use super::flow::{Action, Flow, Question, Step, MAX_STEPS};

/// Where a conversation's bot is; stored with the conversation between messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum BotRun {
    /// Waiting at step `at` for a quick reply or an answer.
    Waiting { at: String },
    /// Nobody could take the chat: waiting for the address to reply to.
    WaitingForEmail,
    /// Finished: handed off, ended, taken over, or the flow ran out.
    Done,
}

/// What the bot knows of the world at the instant it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    /// Inside hours with at least one agent available.
    pub team_available: bool,
    /// The visitor's language.
    pub locale: Locale,
    /// The site's `bot.collect_input`: may the visitor type back?
    pub collect_input: bool,
    /// The visitor's e-mail is known already (captured or verified): no need to ask.
    pub email_known: bool,
}

/// What the visitor did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BotInput<'a> {
    /// Clicked the quick reply with this value.
    QuickReply(&'a str),
    /// Typed this.
    Text(&'a str),
}

/// Something the visitor gave the bot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Capture {
    Email(String),
    Name(String),
    Question(String),
}

/// What to do, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BotOutput {
    /// Post a bot message.
    Say { text: String, quick_replies: Vec<QuickReply>, collect_input: bool },
    /// Keep what the visitor gave (an e-mail becomes the visitor's address).
    Captured(Capture),
    /// Hand the conversation to an available agent and tell the team.
    HandOff,
    /// Nobody is there: the conversation waits, unassigned, for a reply by e-mail.
    NobodyAvailable,
    /// End the chat with reason `bot`.
    End,
}

/// A quick reply the flow does not offer here: a protocol error, since the widget only
/// sends values it was shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownReply {
    pub value: String,
}

impl std::fmt::Display for UnknownReply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "send_message.quick_reply: {:?} is not a reply the bot offers here", self.value)
    }
}

impl BotRun {
    /// Runs the flow from its start: the greeting and whatever follows up to the first
    /// question. The widget shows these lines before the visitor writes anything; the
    /// backend stores them at the top of the conversation once it starts.
    pub fn start(flow: &Flow, ctx: Context) -> (BotRun, Vec<BotOutput>) {
        let mut out = Vec::new();
        let run = arrive(flow, &flow.start, ctx, &mut out);
        (run, out)
    }

    /// Whether the bot still has something to do.
    pub fn is_active(&self) -> bool {
        *self != BotRun::Done
    }

    /// An agent took the conversation (assigned it to themselves, or replied).
    pub fn take_over(&mut self) {
        *self = BotRun::Done;
    }

    /// The visitor's next move.
    pub fn handle(
        &mut self,
        flow: &Flow,
        input: BotInput<'_>,
        ctx: Context,
    ) -> Result<Vec<BotOutput>, UnknownReply> {
        let mut out = Vec::new();
        let next = match (&*self, input) {
            (BotRun::Done, _) => return Ok(out),
            (BotRun::WaitingForEmail, BotInput::Text(t)) => {
                email_for_reply(t.trim(), ctx, &mut out)
            }
            (BotRun::WaitingForEmail, BotInput::QuickReply(v)) => {
                return Err(UnknownReply { value: v.to_owned() })
            }
            (BotRun::Waiting { at }, input) => {
                let Some(step) = flow.step(at) else { return Ok(out) };
                match (&step.action, input) {
                    (Action::Replies { replies }, BotInput::QuickReply(v)) => {
                        match replies.iter().find(|r| r.next == v) {
                            Some(reply) => arrive(flow, &reply.next, ctx, &mut out),
                            None => return Err(UnknownReply { value: v.to_owned() }),
                        }
                    }
                    (Action::Replies { .. }, BotInput::Text(_)) => {
                        // Typed instead of clicking: ask again.
                        say_step(step, ctx, &mut out);
                        self.clone()
                    }
                    (Action::Ask { ask, next }, BotInput::Text(t)) => {
                        let answer = t.trim();
                        match ask {
                            Question::Email if !is_valid_email(answer) => {
                                out.push(say(text(ctx.locale, Msg::BotNotAnEmail), ctx));
                                self.clone()
                            }
                            _ => {
                                out.push(BotOutput::Captured(capture(*ask, answer)));
                                continue_or_finish(flow, next.as_deref(), ctx, &mut out)
                            }
                        }
                    }
                    (_, BotInput::QuickReply(v)) => {
                        return Err(UnknownReply { value: v.to_owned() })
                    }
                    (_, BotInput::Text(_)) => self.clone(),
                }
            }
        };
        *self = next;
        Ok(out)
    }
}

fn capture(ask: Question, answer: &str) -> Capture {
    match ask {
        Question::Email => Capture::Email(answer.to_owned()),
        Question::Name => Capture::Name(answer.to_owned()),
        Question::Question => Capture::Question(answer.to_owned()),
    }
}

fn email_for_reply(answer: &str, ctx: Context, out: &mut Vec<BotOutput>) -> BotRun {
    if !is_valid_email(answer) {
        out.push(say(text(ctx.locale, Msg::BotNotAnEmail), ctx));
        return BotRun::WaitingForEmail;
    }
    out.push(BotOutput::Captured(Capture::Email(answer.to_owned())));
    out.push(say(&format(ctx.locale, Msg::BotReplyByEmail, &[("email", answer)]), ctx));
    BotRun::Done
}

fn say(text: &str, ctx: Context) -> BotOutput {
    BotOutput::Say {
        text: text.to_owned(),
        quick_replies: Vec::new(),
        collect_input: ctx.collect_input,
    }
}

/// The step's own line, with its quick replies when it has some.
fn say_step(step: &Step, ctx: Context, out: &mut Vec<BotOutput>) {
    let Some(line) = &step.say else { return };
    let (quick_replies, collect_input) = match &step.action {
        Action::Replies { replies } => (
            replies
                .iter()
                .map(|r| QuickReply {
                    label: r.label.get(ctx.locale).to_owned(),
                    value: r.next.clone(),
                })
                .collect(),
            ctx.collect_input,
        ),
        // A question is answered by typing, whatever the site's setting.
        Action::Ask { .. } => (Vec::new(), true),
        _ => (Vec::new(), ctx.collect_input),
    };
    out.push(BotOutput::Say {
        text: line.get(ctx.locale).to_owned(),
        quick_replies,
        collect_input,
    });
}

/// Goes to step `id` and on through every step that does not wait.
fn arrive(flow: &Flow, id: &str, ctx: Context, out: &mut Vec<BotOutput>) -> BotRun {
    let mut at = id.to_owned();
    // A valid flow has no loop without a waiting step or an exit, so this ends sooner;
    // the bound keeps a hand-built flow from spinning.
    for _ in 0..=MAX_STEPS {
        let Some(step) = flow.step(&at) else { return finish(ctx, out) };
        match &step.action {
            Action::Replies { .. } | Action::Ask { .. } => {
                say_step(step, ctx, out);
                return BotRun::Waiting { at };
            }
            Action::Say { next } => {
                say_step(step, ctx, out);
                match next {
                    Some(next) => at = next.clone(),
                    None => return finish(ctx, out),
                }
            }
            Action::Link { link, next } => {
                let line = step.say.as_ref().map(|t| t.get(ctx.locale));
                let text = match line {
                    Some(line) => format!("{line}\n{}: {}", link.text.get(ctx.locale), link.url),
                    None => format!("{}: {}", link.text.get(ctx.locale), link.url),
                };
                out.push(say(&text, ctx));
                match next {
                    Some(next) => at = next.clone(),
                    None => return finish(ctx, out),
                }
            }
            Action::Handoff { .. } => return hand_off(step, ctx, out),
            Action::End { .. } => {
                say_step(step, ctx, out);
                out.push(BotOutput::End);
                return BotRun::Done;
            }
        }
    }
    finish(ctx, out)
}

fn hand_off(step: &Step, ctx: Context, out: &mut Vec<BotOutput>) -> BotRun {
    if ctx.team_available {
        let line =
            step.say.as_ref().map_or(text(ctx.locale, Msg::BotHandOff), |t| t.get(ctx.locale));
        out.push(say(line, ctx));
        out.push(BotOutput::HandOff);
        return BotRun::Done;
    }
    out.push(BotOutput::NobodyAvailable);
    if ctx.email_known {
        out.push(say(text(ctx.locale, Msg::BotNobodyAvailableKnown), ctx));
        return BotRun::Done;
    }
    out.push(BotOutput::Say {
        text: text(ctx.locale, Msg::BotNobodyAvailable).to_owned(),
        quick_replies: Vec::new(),
        collect_input: true,
    });
    BotRun::WaitingForEmail
}

/// The flow ran out: the chat goes on with the team, or ends when the bot collects
/// no input.
fn finish(ctx: Context, out: &mut Vec<BotOutput>) -> BotRun {
    if !ctx.collect_input {
        out.push(BotOutput::End);
    }
    BotRun::Done
}

fn continue_or_finish(
    flow: &Flow,
    next: Option<&str>,
    ctx: Context,
    out: &mut Vec<BotOutput>,
) -> BotRun {
    match next {
        Some(next) => arrive(flow, next, ctx, out),
        None => finish(ctx, out),
    }
}

/// What the widget shows before any conversation exists: the bot's opening lines and
/// the quick replies of the last one. `None` when no bot flow is configured (the
/// widget then shows its plain welcome). The backend stores the same lines at the top of
/// the conversation once the visitor answers, so the thread reads the same afterwards.
///
/// # Example
/// ```
/// use sitechat_core::bot::greeting;
/// use sitechat_core::config::parse_config;
/// use sitechat_core::i18n::Locale;
/// let config = parse_config(r#"{"bot": {"enabled": true, "flow": {"start": "hi", "steps": [
///     {"id": "hi", "say": "Hello!", "replies": [{"label": "Sales", "next": "sales"}]},
///     {"id": "sales", "handoff": true}]}}}"#).unwrap();
/// let (lines, replies) = greeting(&config, Locale::En, true).unwrap();
/// assert_eq!(lines, ["Hello!"]);
/// assert_eq!(replies[0].value, "sales");
/// ```
pub fn greeting(
    config: &crate::config::Config,
    locale: Locale,
    team_available: bool,
) -> Option<(Vec<String>, Vec<QuickReply>)> {
    let flow = config.bot.flow.as_ref().filter(|_| config.bot.enabled)?;
    let ctx = Context {
        team_available,
        locale,
        collect_input: config.bot.collect_input,
        email_known: false,
    };
    let (_, outputs) = BotRun::start(flow, ctx);
    let mut lines = Vec::new();
    let mut replies = Vec::new();
    for output in outputs {
        if let BotOutput::Say { text, quick_replies, .. } = output {
            lines.push(text);
            replies = quick_replies;
        }
    }
    Some((lines, replies))
}
