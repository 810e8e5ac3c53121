//! Presentational components: they render props and raise `on_*` callbacks, and never
//! talk to a transport or to storage.

mod attachment_view;
mod avatar;
mod chat_ended;
mod chat_window;
mod composer;
mod header;
mod launcher;
mod message_bubble;
mod message_list;
mod rich_text;

pub use attachment_view::{safe_attachment_url, AttachmentView};
pub use avatar::{Avatar, AvatarProps};
pub use chat_ended::{ChatEnded, ChatEndedProps};
pub use chat_window::{ChatWindow, ChatWindowProps};
pub use composer::{Composer, ComposerProps, PendingAttachment};
pub use header::{Header, HeaderProps, MeetingLink};
pub use launcher::{Launcher, LauncherProps};
pub use message_bubble::{MessageBubble, MessageBubbleProps};
pub use message_list::{MessageList, MessageListProps};
pub use rich_text::{RichText, RichTextProps};
