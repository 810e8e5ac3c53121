//! The conversation state machine: [`ChatState::apply`] takes a [`ChatEvent`] and
//! returns the [`Effect`]s to run; it does no I/O and reads no clock.
//!
//! Invariants (beyond those of the timeline and the outbox):
//! - every message the visitor submits is in the list exactly once, from the moment
//!   it is submitted, and in the outbox until the server acknowledges it;
//! - an `ack`, a `message` or a `history` entry whose client id or message id is
//!   already known never adds a second copy (an echo of the visitor's own message
//!   only confirms it);
//! - frames are sent only while connected; nothing else is lost by being
//!   disconnected, because the outbox and the catch-up on `Connected` cover it;
//! - frames about another conversation than the current one are ignored, except
//!   those that name one of our client ids while we wait for our first conversation
//!   id (and never the conversation we just left with "Start a new chat");
//! - `unread` counts agent and bot messages that arrived while the window was closed
//!   or the page hidden; it is 0 whenever the window is open on a visible page.

use serde::{Deserialize, Serialize};

use crate::protocol::{
    limits, Attachment, AttachmentRef, Author, AuthorKind, ClientCommand, ClientId, ConversationId,
    EndReason, ErrorCode, MessageId, ServerEvent, WireMessage,
};
use crate::time::UnixMillis;

use super::effect::{Effect, Effects, Notification};
use super::event::ChatEvent;
use super::message::{FailReason, Message};
use super::outbox::{DeliveryChange, Outbox, OutboxEntry, Timeout};
use super::status::Status;
use super::timeline::Timeline;
use super::typing::{typing_frame_due, AgentTyping};

/// The whole visitor-side state of a chat, persisted by the widget between pages.
///
/// # Example
/// ```
/// use sitechat_core::conversation::{ChatEvent, ChatState, Effect};
/// use sitechat_core::protocol::{ClientCommand, ServerEvent};
///
/// let mut chat = ChatState::new();
/// chat.apply(ChatEvent::Connected { now: 0 });
/// let effects = chat.apply(ChatEvent::Submit {
///     client_id: "k1".into(), text: "Hello".into(), attachments: vec![], now: 1,
/// });
/// assert!(matches!(&effects[0], Effect::Send(ClientCommand::SendMessage { conversation_id: None, .. })));
/// assert_eq!(chat.outbox_len(), 1);
///
/// chat.apply(ChatEvent::Server(ServerEvent::Ack {
///     client_id: "k1".into(), conversation_id: "c1".into(), message_id: "m1".into(), seq: 1, at: 2,
/// }, 3));
/// assert_eq!(chat.conversation_id().map(|c| c.as_str()), Some("c1"));
/// assert_eq!(chat.outbox_len(), 0);
/// assert_eq!(chat.messages().len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatState {
    schema_version: u32,
    conversation_id: Option<ConversationId>,
    /// The conversation left by "Start a new chat": late frames about it are ignored.
    previous_conversation_id: Option<ConversationId>,
    status: Status,
    timeline: Timeline,
    outbox: Outbox,
    unread: u32,
    /// Highest seq reported with `mark_read`.
    read_seq: u64,
    /// Highest seq the team has read (`read` frames; 0 when the backend sends none).
    #[serde(default)]
    team_read_seq: u64,
    window_open: bool,
    team_available: Option<bool>,
    /// The latest bot message has `collect_input: false`.
    input_blocked: bool,
    #[serde(skip)]
    connected: bool,
    #[serde(skip, default = "visible")]
    page_visible: bool,
    #[serde(skip)]
    agent_typing: Option<AgentTyping>,
    #[serde(skip)]
    last_typing_sent: Option<UnixMillis>,
    /// A `catch_up` is out and its `history` not yet in: do not ask again.
    #[serde(skip)]
    catch_up_pending: bool,
    #[serde(skip)]
    page_url: Option<String>,
}

fn visible() -> bool {
    true
}

impl Default for ChatState {
    fn default() -> ChatState {
        ChatState::new()
    }
}

impl ChatState {
    /// Version of the persisted form; bump it when the serialized shape changes.
    pub const SCHEMA_VERSION: u32 = 1;

    /// A visitor who never chatted: no conversation, window closed, disconnected.
    pub fn new() -> ChatState {
        ChatState {
            schema_version: Self::SCHEMA_VERSION,
            conversation_id: None,
            previous_conversation_id: None,
            status: Status::Idle,
            timeline: Timeline::default(),
            outbox: Outbox::default(),
            unread: 0,
            read_seq: 0,
            team_read_seq: 0,
            window_open: false,
            team_available: None,
            input_blocked: false,
            connected: false,
            page_visible: true,
            agent_typing: None,
            last_typing_sent: None,
            catch_up_pending: false,
            page_url: None,
        }
    }

    // ----- accessors the UI needs (all cheap) -----

    /// The messages in display order: by seq, then the unacknowledged ones.
    pub fn messages(&self) -> &[Message] {
        self.timeline.as_slice()
    }

    pub fn status(&self) -> Status {
        self.status
    }

    pub fn conversation_id(&self) -> Option<&ConversationId> {
        self.conversation_id.as_ref()
    }

    /// Agent and bot messages the visitor has not seen.
    pub fn unread(&self) -> u32 {
        self.unread
    }

    /// Whether the composer is enabled: the chat has not ended and the last bot
    /// message does not forbid typing back.
    pub fn can_type(&self) -> bool {
        !matches!(self.status, Status::Ended { .. }) && !self.input_blocked
    }

    /// Whether the last bot message has `collect_input: false`.
    pub fn input_blocked(&self) -> bool {
        self.input_blocked
    }

    /// The highest `seq` the team has read (0: nothing, or a backend without receipts).
    pub fn team_read_seq(&self) -> u64 {
        self.team_read_seq
    }

    /// Who on the team is typing, if anyone.
    pub fn agent_typing(&self) -> Option<&AgentTyping> {
        self.agent_typing.as_ref()
    }

    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }

    /// Unacknowledged visitor messages (failed ones included).
    pub fn outbox_len(&self) -> usize {
        self.outbox.len()
    }

    /// The highest seq up to which no message is missing: what a catch-up asks after.
    pub fn last_seq(&self) -> u64 {
        self.timeline.watermark()
    }

    pub fn is_window_open(&self) -> bool {
        self.window_open
    }

    /// This state with the window open or closed, and nothing else changed: the window
    /// belongs to one tab, so a tab adopting another tab's saved conversation keeps its
    /// own window as it was (and writes nothing back, which would echo between tabs).
    pub fn with_window_open(mut self, open: bool) -> ChatState {
        self.window_open = open;
        self
    }

    pub fn is_connected(&self) -> bool {
        self.connected
    }

    /// The team's availability as the server last reported it (`None` before any).
    pub fn team_available(&self) -> Option<bool> {
        self.team_available
    }

    /// The message with this client id or server id.
    pub fn message(&self, key: &str) -> Option<&Message> {
        self.messages()
            .iter()
            .find(|m| m.client_id.as_deref() == Some(key) || m.id.as_deref() == Some(key))
    }

    /// Makes a state read back from storage consistent with what was not persisted.
    pub(crate) fn after_restore(&mut self) {
        self.timeline.normalize();
        self.read_seq = self.read_seq.min(self.timeline.watermark());
    }

    // ----- the state machine -----

    /// Applies one event and returns what the widget must do, in order.
    pub fn apply(&mut self, event: ChatEvent) -> Vec<Effect> {
        let mut fx = Effects::default();
        match event {
            ChatEvent::Submit { client_id, text, attachments, now } => {
                if !self.input_blocked {
                    self.submit(client_id, text.trim().to_owned(), attachments, None, now, &mut fx);
                }
            }
            ChatEvent::QuickReply { client_id, label, value, now } => {
                fx.notify(Notification::QuickReplyClicked { value: value.clone() });
                self.submit(client_id, label, vec![], Some(value), now, &mut fx);
            }
            ChatEvent::Retry { client_id, now: _ } => self.retry(&client_id, &mut fx),
            ChatEvent::AckTimeout { client_id, now: _ } => self.ack_timeout(&client_id, &mut fx),
            ChatEvent::Connected { now: _ } => self.connected(&mut fx),
            ChatEvent::Disconnected => {
                self.connected = false;
                self.catch_up_pending = false;
                self.agent_typing = None;
                self.outbox.land_all(&mut fx);
            }
            ChatEvent::Server(event, now) => self.server(event, now, &mut fx),
            ChatEvent::WindowOpened => {
                if !self.window_open {
                    self.window_open = true;
                    fx.persist();
                }
                self.seen(&mut fx);
            }
            ChatEvent::WindowClosed => {
                if self.window_open {
                    self.window_open = false;
                    fx.persist();
                }
            }
            ChatEvent::PageVisible(visible) => {
                self.page_visible = visible;
                self.seen(&mut fx);
            }
            ChatEvent::StartNewChat => self.start_new_chat(&mut fx),
            ChatEvent::VisitorTyping { now } => self.visitor_typing(now, &mut fx),
            ChatEvent::RequestTranscript { email } => {
                let email = email.trim();
                if let (Some(id), true, false) =
                    (&self.conversation_id, self.connected, email.is_empty())
                {
                    fx.send(ClientCommand::RequestTranscript {
                        conversation_id: id.clone(),
                        email: email.to_owned(),
                    });
                }
            }
            // A URL the server would refuse is not worth losing a message over.
            ChatEvent::PageChanged { url } => {
                self.page_url = (url.chars().count() <= limits::MAX_URL_CHARS).then_some(url);
            }
        }
        fx.finish()
    }

    fn is_ended(&self) -> bool {
        matches!(self.status, Status::Ended { .. })
    }

    fn is_ours(&self, client_id: &str) -> bool {
        self.outbox.contains(client_id) || self.timeline.position_by_client_id(client_id).is_some()
    }

    /// Sends what the outbox may send now.
    fn flush(&mut self, fx: &mut Effects) {
        if self.connected && !self.is_ended() {
            self.outbox.flush(self.conversation_id.as_ref(), fx);
        }
    }

    fn submit(
        &mut self,
        client_id: ClientId,
        text: String,
        attachments: Vec<Attachment>,
        quick_reply: Option<String>,
        now: UnixMillis,
        fx: &mut Effects,
    ) {
        let nothing = text.trim().is_empty() && attachments.is_empty();
        if nothing || self.is_ended() || client_id.is_empty() || self.is_ours(&client_id) {
            return;
        }
        let refs: Vec<AttachmentRef> = attachments.iter().map(AttachmentRef::from).collect();
        let delivery = self.outbox.push(OutboxEntry::new(
            client_id.clone(),
            text.clone(),
            refs,
            quick_reply,
            self.page_url.clone(),
        ));
        self.timeline.push_pending(Message {
            id: None,
            client_id: Some(client_id),
            seq: None,
            author: Author::visitor(),
            text,
            attachments,
            quick_replies: vec![],
            collect_input: true,
            at: now,
            delivery: Some(delivery),
        });
        // The message tells the team the visitor stopped typing; the next keystroke
        // may say it again at once.
        self.last_typing_sent = None;
        self.flush(fx);
        fx.persist();
    }

    fn retry(&mut self, client_id: &str, fx: &mut Effects) {
        if self.is_ended() {
            return;
        }
        let change = self.outbox.retry(client_id);
        self.record(change, fx);
    }

    fn ack_timeout(&mut self, client_id: &str, fx: &mut Effects) {
        if !self.connected {
            return;
        }
        match self.outbox.ack_timeout(client_id, self.conversation_id.as_ref(), fx) {
            Timeout::Stale | Timeout::Resent => {}
            // The pause after `rate_limited` is over: send the queue again, in order.
            Timeout::PauseOver => self.flush(fx),
            Timeout::Failed(change) => self.record(Some(change), fx),
        }
    }

    fn connected(&mut self, fx: &mut Effects) {
        self.connected = true;
        if let Some(id) = self.conversation_id.clone() {
            self.catch_up(id, self.timeline.watermark(), fx);
        }
        self.flush(fx);
        self.mark_read(fx);
    }

    /// Asks for the messages after `after_seq`, and not again until they are in.
    fn catch_up(&mut self, conversation_id: ConversationId, after_seq: u64, fx: &mut Effects) {
        fx.send(ClientCommand::CatchUp { conversation_id, after_seq });
        self.catch_up_pending = true;
    }

    /// The one place a visitor message's delivery changes once it is shown (apart from
    /// the server's acknowledgement, which the timeline records with the seq): the
    /// outbox decided it, this shows it on the message, sends what may go now and saves.
    fn record(&mut self, changes: impl IntoIterator<Item = DeliveryChange>, fx: &mut Effects) {
        let mut changed = false;
        for DeliveryChange { client_id, delivery } in changes {
            changed = true;
            if let Some(m) = self
                .timeline
                .position_by_client_id(&client_id)
                .and_then(|i| self.timeline.get_mut(i))
            {
                m.delivery = Some(delivery);
            }
        }
        if changed {
            self.flush(fx);
            fx.persist();
        }
    }

    /// Learns the conversation our first message created.
    ///
    /// It also catches up at once: if the first message was sent on an earlier
    /// connection, the team may have answered while we could not know the
    /// conversation, and nothing else would ever ask for those messages.
    fn adopt(&mut self, conversation_id: ConversationId, fx: &mut Effects) {
        self.conversation_id = Some(conversation_id.clone());
        self.status = Status::Active;
        if self.connected {
            self.catch_up(conversation_id.clone(), self.timeline.watermark(), fx);
        }
        fx.notify(Notification::ConversationStarted { conversation_id });
        fx.persist();
    }

    /// Whether a frame about `conversation_id` concerns us, adopting the conversation
    /// if it names one of our client ids while we have none.
    fn accept(
        &mut self,
        conversation_id: &ConversationId,
        client_id: Option<&ClientId>,
        fx: &mut Effects,
    ) -> bool {
        match &self.conversation_id {
            Some(ours) => ours == conversation_id,
            None => {
                let ours = client_id.is_some_and(|c| self.is_ours(c));
                let left = self.previous_conversation_id.as_ref() == Some(conversation_id);
                if ours && !left {
                    self.adopt(conversation_id.clone(), fx);
                }
                ours && !left
            }
        }
    }

    fn server(&mut self, event: ServerEvent, now: UnixMillis, fx: &mut Effects) {
        match event {
            ServerEvent::Welcome { team_available, .. }
            | ServerEvent::Presence { team_available } => {
                if self.team_available != Some(team_available) {
                    self.team_available = Some(team_available);
                    fx.notify(Notification::AvailabilityHint { team_available });
                    fx.persist();
                }
            }
            ServerEvent::ConversationStarted { conversation_id, client_id } => {
                if self.accept(&conversation_id, Some(&client_id), fx) {
                    self.flush(fx);
                }
            }
            ServerEvent::Ack { client_id, conversation_id, message_id, seq, at } => {
                if self.accept(&conversation_id, Some(&client_id), fx) {
                    self.confirm_own(&client_id, message_id, seq, at, None, fx);
                    self.after_merge(fx);
                }
            }
            ServerEvent::Message { conversation_id, message } => {
                if self.accept(&conversation_id, message.client_id.as_ref(), fx) {
                    self.merge(message, fx);
                    self.after_merge(fx);
                }
            }
            ServerEvent::History { conversation_id, messages, complete } => {
                if self.conversation_id.as_deref() != Some(conversation_id.as_str()) {
                    return;
                }
                self.catch_up_pending = false;
                let last = messages.iter().map(|m| m.seq).max();
                for message in messages {
                    self.merge(message, fx);
                }
                match last {
                    Some(after_seq) if !complete && self.connected => {
                        self.catch_up(conversation_id, after_seq, fx);
                    }
                    _ => {}
                }
                self.after_merge(fx);
            }
            ServerEvent::Typing { conversation_id, author_name, typing } => {
                if self.conversation_id.as_deref() == Some(conversation_id.as_str())
                    && !self.is_ended()
                {
                    self.agent_typing =
                        typing.then_some(AgentTyping { name: author_name, since: now });
                }
            }
            ServerEvent::ConversationEnded { conversation_id, reason } => {
                if self.conversation_id.as_deref() == Some(conversation_id.as_str())
                    && !self.is_ended()
                {
                    self.end(conversation_id, reason, fx);
                }
            }
            ServerEvent::TranscriptRequested { conversation_id, email } => {
                if self.conversation_id.as_deref() == Some(conversation_id.as_str()) {
                    fx.notify(Notification::TranscriptRequested { email });
                }
            }
            ServerEvent::Error {
                code: ErrorCode::RateLimited, client_id: Some(client_id), ..
            } => {
                // Not a failure: the message waits and goes again after a pause.
                self.outbox.back_off(&client_id, fx);
            }
            ServerEvent::Error { code, message, client_id: Some(client_id) } => {
                let reason = FailReason::Rejected { code, message };
                let change = self.outbox.fail(&client_id, reason, fx);
                self.record(change, fx);
            }
            // A transcript request names no message: its refusal goes to the page.
            ServerEvent::Error {
                code: code @ (ErrorCode::TooManyTranscripts | ErrorCode::TranscriptAddress),
                client_id: None,
                ..
            } => fx.notify(Notification::TranscriptRefused { code }),
            ServerEvent::Read { conversation_id, up_to_seq } => {
                if self.conversation_id.as_deref() == Some(conversation_id.as_str())
                    && up_to_seq > self.team_read_seq
                {
                    self.team_read_seq = up_to_seq;
                    fx.persist();
                }
            }
            // Session-level errors and pongs belong to the transport layer.
            ServerEvent::Error { client_id: None, .. } | ServerEvent::Pong { .. } => {}
        }
    }

    /// The server stored our message `client_id`: leave the outbox, take its place.
    fn confirm_own(
        &mut self,
        client_id: &str,
        message_id: MessageId,
        seq: u64,
        at: UnixMillis,
        copy: Option<WireMessage>,
        fx: &mut Effects,
    ) {
        let acknowledged = self.outbox.acknowledge(client_id, fx);
        match self.timeline.position_by_client_id(client_id) {
            Some(i) => {
                let unconfirmed = self.timeline.get_mut(i).is_some_and(|m| m.seq.is_none());
                if unconfirmed && self.timeline.position_by_id(&message_id).is_none() {
                    self.timeline.confirm(i, message_id, seq, at);
                }
                // The server's copy has the stored attachments (with their URLs).
                if let (Some(copy), Some(i)) =
                    (copy, self.timeline.position_by_client_id(client_id))
                {
                    if let Some(m) =
                        self.timeline.get_mut(i).filter(|m| m.attachments != copy.attachments)
                    {
                        m.attachments = copy.attachments;
                        fx.persist();
                    }
                }
            }
            // Ours but no longer shown (a list restored without it): show the copy.
            None => {
                if let Some(copy) = copy {
                    if self.timeline.position_by_id(&copy.id).is_none()
                        && self.timeline.insert_sequenced(Message::from_wire(copy))
                    {
                        fx.persist();
                    }
                }
            }
        }
        if acknowledged {
            fx.persist();
            self.flush(fx);
        }
    }

    /// Adds a message from the server unless it is already known.
    fn merge(&mut self, wire: WireMessage, fx: &mut Effects) {
        if let Some(client_id) = wire.client_id.clone() {
            if self.is_ours(&client_id) {
                let (id, seq, at) = (wire.id.clone(), wire.seq, wire.at);
                self.confirm_own(&client_id, id, seq, at, Some(wire), fx);
                return;
            }
        }
        if self.timeline.position_by_id(&wire.id).is_some() {
            return;
        }
        let message = Message::from_wire(wire);
        let from_team = message.is_from_team();
        let announce = (!message.is_from_visitor()).then(|| message.clone());
        if !self.timeline.insert_sequenced(message) {
            return;
        }
        fx.persist();
        if from_team {
            self.agent_typing = None;
            self.input_blocked = self
                .timeline
                .last_from_team()
                .is_some_and(|m| m.author.kind == AuthorKind::Bot && !m.collect_input);
            if !self.looking() {
                self.unread = self.unread.saturating_add(1);
                fx.notify(Notification::UnreadCountChanged { count: self.unread });
            }
        }
        if let Some(message) = announce {
            fx.notify(Notification::Announce(message.announcement()));
            fx.notify(Notification::MessageReceived { message: Box::new(message) });
        }
    }

    /// After messages landed: report them read if the visitor sees them, and ask for
    /// any gap unless an ack still on its way may fill it.
    fn after_merge(&mut self, fx: &mut Effects) {
        self.mark_read(fx);
        let gap = self.timeline.max_seq() > self.timeline.watermark();
        if gap && self.connected && !self.catch_up_pending && !self.outbox.any_in_flight() {
            if let Some(id) = self.conversation_id.clone() {
                self.catch_up(id, self.timeline.watermark(), fx);
            }
        }
    }

    /// Whether the visitor is looking at the conversation.
    fn looking(&self) -> bool {
        self.window_open && self.page_visible
    }

    /// The visitor may now see the conversation: clear the badge and report reading.
    fn seen(&mut self, fx: &mut Effects) {
        if !self.looking() {
            return;
        }
        if self.unread != 0 {
            self.unread = 0;
            fx.notify(Notification::UnreadCountChanged { count: 0 });
            fx.persist();
        }
        self.mark_read(fx);
    }

    fn mark_read(&mut self, fx: &mut Effects) {
        let up_to_seq = self.timeline.watermark();
        if !self.looking() || !self.connected || up_to_seq <= self.read_seq {
            return;
        }
        if let Some(id) = &self.conversation_id {
            fx.send(ClientCommand::MarkRead { conversation_id: id.clone(), up_to_seq });
            self.read_seq = up_to_seq;
            fx.persist();
        }
    }

    fn end(&mut self, conversation_id: ConversationId, reason: EndReason, fx: &mut Effects) {
        self.status = Status::Ended { reason };
        self.agent_typing = None;
        // Nothing more will be accepted in this conversation: what was still on its
        // way becomes failed (kept, retryable in the next conversation) rather than
        // silently dropped.
        let changes = self.outbox.fail_all(&FailReason::ConversationEnded, fx);
        self.record(changes, fx);
        fx.notify(Notification::ConversationClosed { conversation_id, reason });
        fx.persist();
    }

    fn start_new_chat(&mut self, fx: &mut Effects) {
        if !self.is_ended() {
            return;
        }
        self.previous_conversation_id = self.conversation_id.take();
        self.status = Status::Idle;
        let outbox = &self.outbox;
        self.timeline
            .restart_keeping(|m| m.client_id.as_deref().is_some_and(|c| outbox.contains(c)));
        self.read_seq = 0;
        self.team_read_seq = 0;
        self.input_blocked = false;
        self.agent_typing = None;
        self.catch_up_pending = false;
        self.last_typing_sent = None;
        if self.unread != 0 {
            self.unread = 0;
            fx.notify(Notification::UnreadCountChanged { count: 0 });
        }
        fx.persist();
    }

    fn visitor_typing(&mut self, now: UnixMillis, fx: &mut Effects) {
        let Some(id) = &self.conversation_id else {
            return;
        };
        if self.connected && self.can_type() && typing_frame_due(self.last_typing_sent, now) {
            fx.send(ClientCommand::Typing { conversation_id: id.clone(), typing: true });
            self.last_typing_sent = Some(now);
        }
    }
}
