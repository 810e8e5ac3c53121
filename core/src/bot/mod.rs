//! The bot: a site owner's chatflow and the engine that runs it (the seed's chatflows).
//!
//! [`flow`] reads and checks the flow from the site config (`bot.flow`); [`run`] walks a
//! conversation through it. Both are pure, so the reference server and the in-page
//! backend (playground, demo) run the very same flows, and every rule is a plain test.

pub mod flow;
pub mod run;
#[cfg(test)]
mod tests;
mod text;

pub use flow::{Action, Flow, Link, Question, Reply, Step};
pub use run::{greeting, BotInput, BotOutput, BotRun, Capture, Context, UnknownReply};
pub use text::Text;
