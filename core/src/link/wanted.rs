//! When the widget needs a link to the backend at all.
//!
//! A visitor who never chatted opens no connection (nothing to send, nothing to
//! follow); a returning visitor with a conversation or unsent messages does; and so
//! does a widget whose availability follows the team's presence, which it cannot know
//! without asking. This is the one rule every place that could open the link consults
//! (the store at start, after each event, and when it adopts another tab's chat), so
//! they cannot disagree. A link once opened stays open: dropping it would only delay
//! the next message.

use crate::config::{Availability, Config};
use crate::conversation::ChatState;

/// Whether availability in `config` depends on the team's presence (`team_status`, or
/// business hours with `when_team_away`): such a widget connects at load and says only
/// `hello` (docs/embedding.md, "Consent-friendly start").
pub fn follows_team(config: &Config) -> bool {
    matches!(
        config.availability,
        Availability::TeamStatus { .. }
            | Availability::BusinessHours { when_team_away: Some(_), .. }
    )
}

/// Whether the link should be open for `chat` under `config`.
///
/// # Example
/// ```
/// use sitechat_core::config::Config;
/// use sitechat_core::conversation::ChatState;
/// use sitechat_core::link::wanted::link_wanted;
///
/// // A first visit with the default (always available) config: no connection.
/// assert!(!link_wanted(&ChatState::new(), &Config::default()));
/// ```
pub fn link_wanted(chat: &ChatState, config: &Config) -> bool {
    chat.conversation_id().is_some() || chat.outbox_len() > 0 || follows_team(config)
}

/// What a tab does when another tab saved the chat and this one adopts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adoption {
    /// Speak as the visitor with this token from now on (another tab became that
    /// visitor first); `None`: keep the token this tab has.
    pub switch_token: Option<String>,
    /// The other tab is still becoming the visitor (no token stored yet): show its
    /// state and do nothing else; it will save again once welcomed.
    pub follow_only: bool,
}

/// The adoption rule: whoever wrote the saved state speaks for the visitor whose token
/// is in storage, so this tab must speak as that same visitor, or the conversation it
/// adopts would not be its own on the server (and its outbox would start a second one).
///
/// # Example
/// ```
/// use sitechat_core::link::wanted::adopt;
/// let a = adopt(Some("t2"), Some("t1"));
/// assert_eq!(a.switch_token.as_deref(), Some("t2"));
/// assert!(adopt(None, Some("t1")).follow_only);
/// ```
pub fn adopt(stored_token: Option<&str>, own_token: Option<&str>) -> Adoption {
    match stored_token {
        None => Adoption { switch_token: None, follow_only: true },
        Some(stored) => Adoption {
            switch_token: (Some(stored) != own_token).then(|| stored.to_owned()),
            follow_only: false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse_config;
    use crate::conversation::ChatEvent;

    fn config(json: &str) -> Config {
        parse_config(json).expect("valid config")
    }

    #[test]
    fn a_first_visit_opens_nothing() {
        assert!(!link_wanted(&ChatState::new(), &Config::default()));
        let always = config(r#"{"availability": {"mode": "always"}}"#);
        assert!(!link_wanted(&ChatState::new(), &always));
    }

    #[test]
    fn a_message_to_send_opens_the_link() {
        let mut chat = ChatState::new();
        chat.apply(ChatEvent::Submit {
            client_id: "k1".into(),
            text: "hi".into(),
            attachments: vec![],
            now: 1,
        });
        assert!(link_wanted(&chat, &Config::default()));
    }

    #[test]
    fn a_returning_visitor_with_a_conversation_opens_it() {
        let mut chat = ChatState::new();
        chat.apply(ChatEvent::Connected { now: 0 });
        chat.apply(ChatEvent::Submit {
            client_id: "k1".into(),
            text: "hi".into(),
            attachments: vec![],
            now: 1,
        });
        chat.apply(ChatEvent::Server(
            crate::protocol::ServerEvent::Ack {
                client_id: "k1".into(),
                conversation_id: "c1".into(),
                message_id: "m1".into(),
                seq: 1,
                at: 2,
            },
            3,
        ));
        assert_eq!(chat.outbox_len(), 0);
        let restored = ChatState::restore(&chat.save()).expect("restores");
        assert!(link_wanted(&restored, &Config::default()));
    }

    #[test]
    fn presence_modes_open_it_at_load() {
        let team = config(
            r#"{"availability": {"mode": "team_status", "when_away": {"behavior": "away_message", "message": "Back soon"}}}"#,
        );
        assert!(follows_team(&team));
        assert!(link_wanted(&ChatState::new(), &team));
        let hours_only = config(
            r#"{"availability": {"mode": "business_hours", "time_zone": "Europe/Paris",
                "hours": [{"days": "weekdays", "from": "09:00", "to": "17:00"}],
                "outside_hours": {"behavior": "hide"}}}"#,
        );
        assert!(!follows_team(&hours_only));
        let hours_with_team = config(
            r#"{"availability": {"mode": "business_hours", "time_zone": "Europe/Paris",
                "hours": [{"days": "weekdays", "from": "09:00", "to": "17:00"}],
                "outside_hours": {"behavior": "hide"}, "when_team_away": {"behavior": "hide"}}}"#,
        );
        assert!(follows_team(&hours_with_team));
    }

    #[test]
    fn adoption_switches_to_the_stored_visitor_only_when_it_differs() {
        assert_eq!(
            adopt(Some("t1"), Some("t1")),
            Adoption { switch_token: None, follow_only: false }
        );
        assert_eq!(
            adopt(Some("t1"), None),
            Adoption { switch_token: Some("t1".into()), follow_only: false }
        );
        assert_eq!(adopt(None, None), Adoption { switch_token: None, follow_only: true });
    }
}
