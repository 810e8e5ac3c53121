//! Whether the visitor asked for this conversation's transcript, and for which address.
//!
//! The chat-ended view shows "Email me the transcript" until the backend confirms a
//! request, then "We'll send it to …". The answer belongs to one conversation: a new
//! conversation (started here or adopted from another tab) forgets it.

use crate::conversation::Notification;
use crate::i18n::Msg;
use crate::protocol::ErrorCode;

/// The transcript request of the current conversation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TranscriptRequest {
    sent_to: Option<String>,
    refused: Option<ErrorCode>,
}

impl TranscriptRequest {
    /// Follows the conversation's notifications; returns whether anything changed.
    ///
    /// # Example
    /// ```
    /// use sitechat_core::conversation::Notification;
    /// use sitechat_core::transcript::TranscriptRequest;
    /// let mut t = TranscriptRequest::default();
    /// t.on_notification(&Notification::TranscriptRequested { email: "ada@example.com".into() });
    /// assert_eq!(t.sent_to(), Some("ada@example.com"));
    /// t.on_notification(&Notification::ConversationStarted { conversation_id: "c2".into() });
    /// assert_eq!(t.sent_to(), None);
    /// ```
    pub fn on_notification(&mut self, notification: &Notification) -> bool {
        match notification {
            Notification::TranscriptRequested { email } => {
                self.sent_to = Some(email.clone());
                self.refused = None;
                true
            }
            Notification::TranscriptRefused { code } => {
                self.refused = Some(code.clone());
                true
            }
            Notification::ConversationStarted { .. } => self.reset(),
            _ => false,
        }
    }

    /// The visitor started a new chat: the old request is not about it.
    pub fn reset(&mut self) -> bool {
        let had = self.sent_to.is_some() || self.refused.is_some();
        *self = TranscriptRequest::default();
        had
    }

    /// Why the backend refused the last request, as the sentence the form shows.
    pub fn refusal(&self) -> Option<Msg> {
        match self.refused.as_ref()? {
            ErrorCode::TranscriptAddress => Some(Msg::TranscriptRefusedAddress),
            _ => Some(Msg::TranscriptRefusedTooMany),
        }
    }

    /// The address the backend confirmed, if any.
    pub fn sent_to(&self) -> Option<&str> {
        self.sent_to.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::EndReason;

    #[test]
    fn only_a_confirmation_sets_it_and_other_news_leaves_it() {
        let mut t = TranscriptRequest::default();
        let ended = Notification::ConversationClosed {
            conversation_id: "c1".into(),
            reason: EndReason::Agent,
        };
        assert!(!t.on_notification(&ended));
        assert_eq!(t.sent_to(), None);
        assert!(t.on_notification(&Notification::TranscriptRequested { email: "a@b.co".into() }));
        assert!(!t.on_notification(&Notification::UnreadCountChanged { count: 2 }));
        assert_eq!(t.sent_to(), Some("a@b.co"));
        assert!(t.reset());
        assert!(!t.reset());
    }

    #[test]
    fn a_refusal_is_kept_until_a_confirmation_or_a_new_chat() {
        let mut t = TranscriptRequest::default();
        t.on_notification(&Notification::TranscriptRefused { code: ErrorCode::TranscriptAddress });
        assert_eq!(t.refusal(), Some(Msg::TranscriptRefusedAddress));
        t.on_notification(&Notification::TranscriptRefused { code: ErrorCode::TooManyTranscripts });
        assert_eq!(t.refusal(), Some(Msg::TranscriptRefusedTooMany));
        t.on_notification(&Notification::TranscriptRequested { email: "a@b.co".into() });
        assert_eq!(t.refusal(), None);
        t.on_notification(&Notification::TranscriptRefused { code: ErrorCode::TooManyTranscripts });
        assert!(t.reset());
        assert_eq!(t.refusal(), None);
    }
}
