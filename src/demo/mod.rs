//! The demo page's agent panel (cargo feature `demo`): plays the team's side of the
//! in-memory backend so a person can try every feature without a server. Not part of
//! the production widget build.

mod agent_panel;

pub use agent_panel::{mount_agent_panel, AgentPanel, AgentPanelProps};
