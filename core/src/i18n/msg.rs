//! The catalogue of every string a visitor can see, as one enum.
//!
//! Invariants:
//! - each language module matches on [`Msg`] exhaustively, so adding a message without
//!   translating it everywhere is a compile error;
//! - [`Msg::ALL`] lists every variant (the macro below writes both from one list, so
//!   they cannot drift apart), which lets tests check every message in every language;
//! - each message has a stable dotted key ([`Msg::key`]) for lookups from config or
//!   JavaScript; keys are unique.

/// Declares [`Msg`], [`Msg::ALL`] and [`Msg::key`] from one list.
macro_rules! messages {
    ($($(#[doc = $doc:literal])* $variant:ident => $key:literal,)*) => {
        /// One visible string of the widget. Placeholders in `{braces}` are filled by
        /// [`format`](super::format); the doc of each variant gives the English text.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Msg {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Msg {
            /// Every message, in declaration order.
            pub const ALL: &'static [Msg] = &[$(Msg::$variant,)*];

            /// The stable dotted key, e.g. `"response_time.few_minutes"`.
            pub fn key(self) -> &'static str {
                match self {
                    $(Msg::$variant => $key,)*
                }
            }
        }
    };
}

messages! {
    // Launcher bubble.
    /// "Open chat"
    OpenChat => "launcher.open",
    /// "Close chat"
    CloseChat => "launcher.close",
    /// "{count} unread message" (singular form; see `unread_messages`).
    UnreadOne => "launcher.unread_one",
    /// "{count} unread messages" (plural form; see `unread_messages`).
    UnreadMany => "launcher.unread_many",

    // Chat window and header.
    /// "Chat" — accessible name of the chat dialog.
    WindowLabel => "window.label",
    /// "Chat with {name}" — accessible name of the dialog when the profile has a name.
    ChatWith => "window.chat_with",
    /// "Close"
    Close => "header.close",
    /// "Photo of {name}"
    AvatarOf => "header.avatar_of",
    /// "Book a meeting" — default text of the meetings link.
    BookMeeting => "header.book_meeting",
    /// "We're away right now"
    AwayNow => "header.away_now",

    // Typical response time (availability line).
    /// "Typically replies in a few minutes"
    ResponseFewMinutes => "response_time.few_minutes",
    /// "Typically replies within an hour"
    ResponseWithinAnHour => "response_time.within_an_hour",
    /// "Typically replies in a few hours"
    ResponseFewHours => "response_time.few_hours",
    /// "Typically replies within a day"
    ResponseWithinADay => "response_time.within_a_day",

    // Composer.
    /// "Write a message…"
    ComposerPlaceholder => "composer.placeholder",
    /// "Message" — accessible name of the text area.
    ComposerLabel => "composer.label",
    /// "Send"
    Send => "composer.send",
    /// "Attach a file"
    AttachFile => "composer.attach_file",
    /// "Remove attachment"
    RemoveAttachment => "composer.remove_attachment",
    /// "This file is too large (max {max})"
    FileTooLarge => "composer.file_too_large",
    /// "This file type isn't allowed"
    FileTypeNotAllowed => "composer.file_type_not_allowed",
    /// "This message is too long (max {max} characters)"
    MessageTooLong => "composer.message_too_long",
    /// "Shift+Enter for a new line"
    NewLineHint => "composer.new_line_hint",
    /// "Uploading {name}…"
    Uploading => "composer.uploading",

    // Attachments in the message list.
    /// "Download {name}"
    DownloadFile => "attachment.download",
    /// "Image: {name}" — alternative text of an image preview.
    ImageAlt => "attachment.image_alt",

    // Delivery of the visitor's own messages.
    /// "Sending…"
    Sending => "delivery.sending",
    /// "Sent"
    Sent => "delivery.sent",
    /// "Seen" — the team has read it (backends with read receipts).
    Seen => "delivery.seen",
    /// "Not sent"
    NotSent => "delivery.not_sent",
    /// "Retry"
    Retry => "delivery.retry",

    // Typing indicator.
    /// "{name} is typing…"
    NamedTyping => "typing.named",
    /// "Someone is typing…"
    SomeoneTyping => "typing.someone",

    // Message list.
    /// "Messages" — accessible name of the message list.
    MessageListLabel => "messages.label",
    /// "New messages" — separator above the first unread message.
    NewMessages => "messages.new",
    /// "The transcript could not be sent: too many requests"
    TranscriptRefusedTooMany => "transcript.refused_too_many",
    /// "The transcript can only go to the address you gave first"
    TranscriptRefusedAddress => "transcript.refused_address",
    /// "Too many new chats from here; try again later"
    NotSentTooManyChats => "delivery.too_many_chats",
    /// "This conversation is full; start a new chat"
    NotSentConversationFull => "delivery.conversation_full",
    /// "Connecting you with the team…" — the bot hands the chat over.
    BotHandOff => "bot.hand_off",
    /// "Nobody from the team is available right now. Leave your e-mail address and we'll
    /// reply by e-mail."
    BotNobodyAvailable => "bot.nobody_available",
    /// "Nobody from the team is available right now: we'll reply by e-mail."
    BotNobodyAvailableKnown => "bot.nobody_available_known",
    /// "That doesn't look like an e-mail address. Could you check it?"
    BotNotAnEmail => "bot.not_an_email",
    /// "Thanks! We'll reply to {email} by e-mail."
    BotReplyByEmail => "bot.reply_by_email",
    /// "You" — the visitor as a sender.
    You => "messages.you",
    /// "Bot" — an automated sender.
    Bot => "messages.bot",
    /// "Load earlier messages"
    LoadEarlier => "messages.load_earlier",
    /// "Suggested replies" — accessible name of a bot's quick-reply buttons.
    QuickReplies => "messages.quick_replies",

    // End of a chat.
    /// "This chat has ended"
    ChatEnded => "ended.title",
    /// "The agent closed this chat"
    EndedByAgent => "ended.by_agent",
    /// "This chat was closed after a period of inactivity"
    EndedByInactivity => "ended.by_inactivity",
    /// "The bot ended this chat"
    EndedByBot => "ended.by_bot",
    /// "Start a new chat"
    StartNewChat => "ended.start_new_chat",

    // Transcript and e-mail capture.
    /// "Email me the transcript"
    EmailTranscript => "transcript.email_me",
    /// "Your e-mail"
    YourEmail => "transcript.your_email",
    /// "Enter a valid e-mail address"
    InvalidEmail => "transcript.invalid_email",
    /// "Transcript sent to {email}"
    TranscriptSent => "transcript.sent",
    /// "Leave your e-mail to get our reply even if you leave this page"
    /// "Hi! 👋 Ask us anything — we're here to help." (the greeting of an empty chat)
    Welcome => "messages.welcome",

    // Connection.
    /// "You're offline — messages will be sent when you're back"
    Offline => "connection.offline",

    // Errors.
    /// "The chat couldn't load: {reason}"
    LoadFailed => "error.load_failed",

    // Branding.
    /// "Powered by sitechat"
    PoweredBy => "branding.powered_by",

    // Relative times (see `relative_time`).
    /// "just now"
    JustNow => "time.just_now",
    /// "{n} min ago"
    MinutesAgo => "time.minutes_ago",
    /// "{n} h ago"
    HoursAgo => "time.hours_ago",
    /// "yesterday"
    YesterdayRelative => "time.yesterday",
}

impl Msg {
    /// The message with this [`key`](Msg::key), if any: lets config and JavaScript name
    /// messages as plain strings.
    ///
    /// # Example
    /// ```
    /// use sitechat_core::i18n::Msg;
    /// assert_eq!(Msg::from_key("composer.send"), Some(Msg::Send));
    /// assert_eq!(Msg::from_key("composer.nope"), None);
    /// ```
    pub fn from_key(key: &str) -> Option<Msg> {
        Msg::ALL.iter().copied().find(|m| m.key() == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn keys_are_unique_and_round_trip() {
        let keys: HashSet<&str> = Msg::ALL.iter().map(|m| m.key()).collect();
        assert_eq!(keys.len(), Msg::ALL.len());
        for &m in Msg::ALL {
            assert_eq!(Msg::from_key(m.key()), Some(m));
        }
    }
}
