//! English texts.
//!
//! Invariants: one arm per [`Msg`] (the match is exhaustive); the ellipsis is the
//! single character `…`; placeholders are the same as in every other language.

use super::Msg;

/// The English text of `msg`, placeholders unfilled.
pub fn text(msg: Msg) -> &'static str {
    match msg {
        Msg::OpenChat => "Open chat",
        Msg::CloseChat => "Close chat",
        Msg::UnreadOne => "{count} unread message",
        Msg::UnreadMany => "{count} unread messages",
        Msg::WindowLabel => "Chat",
        Msg::ChatWith => "Chat with {name}",
        Msg::Close => "Close",
        Msg::AvatarOf => "Photo of {name}",
        Msg::BookMeeting => "Book a meeting",
        Msg::AwayNow => "We're away right now",
        Msg::ResponseFewMinutes => "Typically replies in a few minutes",
        Msg::ResponseWithinAnHour => "Typically replies within an hour",
        Msg::ResponseFewHours => "Typically replies in a few hours",
        Msg::ResponseWithinADay => "Typically replies within a day",
        Msg::ComposerPlaceholder => "Write a message…",
        Msg::ComposerLabel => "Message",
        Msg::Send => "Send",
        Msg::AttachFile => "Attach a file",
        Msg::RemoveAttachment => "Remove attachment",
        Msg::FileTooLarge => "This file is too large (max {max})",
        Msg::FileTypeNotAllowed => "This file type isn't allowed",
        Msg::MessageTooLong => "This message is too long (max {max} characters)",
        Msg::NewLineHint => "Shift+Enter for a new line",
        Msg::Uploading => "Uploading {name}…",
        Msg::DownloadFile => "Download {name}",
        Msg::ImageAlt => "Image: {name}",
        Msg::Sending => "Sending…",
        Msg::Sent => "Sent",
        Msg::Seen => "Seen",
        Msg::NotSent => "Not sent",
        Msg::Retry => "Retry",
        Msg::NamedTyping => "{name} is typing…",
        Msg::SomeoneTyping => "Someone is typing…",
        Msg::MessageListLabel => "Messages",
        Msg::NewMessages => "New messages",
        Msg::TranscriptRefusedTooMany => "The transcript could not be sent: too many requests",
        Msg::TranscriptRefusedAddress => "The transcript can only go to the address you gave first",
        Msg::NotSentTooManyChats => "Too many new chats from here; try again later",
        Msg::NotSentConversationFull => "This conversation is full; start a new chat",
        Msg::BotHandOff => "Connecting you with the team…",
        Msg::BotNobodyAvailable => {
            "Nobody from the team is available right now. Leave your e-mail address and we'll reply by e-mail."
        }
        Msg::BotNobodyAvailableKnown => {
            "Nobody from the team is available right now: we'll reply by e-mail."
        }
        Msg::BotNotAnEmail => "That doesn't look like an e-mail address. Could you check it?",
        Msg::BotReplyByEmail => "Thanks! We'll reply to {email} by e-mail.",
        Msg::You => "You",
        Msg::Bot => "Bot",
        Msg::LoadEarlier => "Load earlier messages",
        Msg::QuickReplies => "Suggested replies",
        Msg::ChatEnded => "This chat has ended",
        Msg::EndedByAgent => "The agent closed this chat",
        Msg::EndedByInactivity => "This chat was closed after a period of inactivity",
        Msg::EndedByBot => "The bot ended this chat",
        Msg::StartNewChat => "Start a new chat",
        Msg::EmailTranscript => "Email me the transcript",
        Msg::YourEmail => "Your e-mail",
        Msg::InvalidEmail => "Enter a valid e-mail address",
        Msg::TranscriptSent => "Transcript sent to {email}",
        Msg::Welcome => "Hi! 👋 Ask us anything — we're here to help.",
        Msg::Offline => "You're offline — messages will be sent when you're back",
        Msg::LoadFailed => "The chat couldn't load: {reason}",
        Msg::PoweredBy => "Powered by sitechat",
        Msg::JustNow => "just now",
        Msg::MinutesAgo => "{n} min ago",
        Msg::HoursAgo => "{n} h ago",
        Msg::YesterdayRelative => "yesterday",
    }
}
