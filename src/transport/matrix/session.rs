//! One connection of the Matrix transport: the visitor's commands, in order, turned
//! into client-server API calls, and what the homeserver says turned into frames.
//!
//! Invariants:
//! - jobs (the widget's commands and the news of each `/sync`) run one at a time, in
//!   arrival order, so messages are sent in the order written and a room's timeline is
//!   only read by one job at a time; no `RefCell` borrow is held across an `await` or
//!   a call of the sink;
//! - once closed (dropped by the link, or lost because the homeserver cannot be
//!   reached) the session reports nothing more and its requests are aborted;
//! - a homeserver that cannot be reached closes the connection (the link reconnects
//!   with back-off and the outbox resends); a Matrix error about one message becomes an
//!   `error` frame naming that message's client id.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use sitechat_core::matrix::settings::MatrixSettings;
use sitechat_core::matrix::sync::SyncNews;
use sitechat_core::matrix::timeline::RoomTimeline;
use sitechat_core::protocol::{ClientCommand, ConversationId, ErrorCode, ServerEvent};
use sitechat_core::vec_map::VecMap;

use super::api::{Api, ApiFailure};
use super::media::SharedMedia;
use super::register::{register, whoami, SessionFailure};
use super::sync_loop;
use crate::transport::{Signal, SignalSink};

/// Something for the session to do.
pub enum Job {
    Command(ClientCommand),
    News(SyncNews),
}

/// What a connection of the transport shares with it.
pub struct Shared {
    pub settings: Rc<MatrixSettings>,
    pub media: SharedMedia,
    /// A refused registration is explained in the console once per page, not at every
    /// reconnection.
    pub refusal_logged: Cell<bool>,
}

/// One connection's state.
pub struct Session {
    pub(super) shared: Rc<Shared>,
    pub(super) api: RefCell<Api>,
    sink: SignalSink,
    closed: Cell<bool>,
    pub(super) user_id: RefCell<String>,
    pub(super) rooms: RefCell<VecMap<String, RoomTimeline>>,
    /// Who types in each room, as last reported.
    pub(super) typing: RefCell<VecMap<String, Vec<String>>>,
    /// Rooms whose end was reported on this connection.
    pub(super) end_reported: RefCell<Vec<String>>,
    /// The highest agent receipt reported per room.
    pub(super) read_reported: RefCell<VecMap<String, u64>>,
    jobs: RefCell<VecDeque<Job>>,
    working: Cell<bool>,
    me: Weak<Session>,
}

impl Session {
    pub fn new(shared: Rc<Shared>, api: Api, sink: SignalSink) -> Rc<Session> {
        Rc::new_cyclic(|me| Session {
            shared,
            api: RefCell::new(api),
            sink,
            closed: Cell::new(false),
            user_id: RefCell::new(String::new()),
            rooms: RefCell::new(VecMap::new()),
            typing: RefCell::new(VecMap::new()),
            end_reported: RefCell::new(Vec::new()),
            read_reported: RefCell::new(VecMap::new()),
            jobs: RefCell::new(VecDeque::new()),
            working: Cell::new(false),
            me: me.clone(),
        })
    }

    pub fn is_closed(&self) -> bool {
        self.closed.get()
    }

    /// A copy of the API (cheap: the abort controller is shared).
    pub(super) fn api(&self) -> Api {
        self.api.borrow().clone()
    }

    /// Queues a job; starts the worker if it is idle.
    pub fn push(&self, job: Job) {
        if self.closed.get() {
            return;
        }
        self.jobs.borrow_mut().push_back(job);
        if !self.working.replace(true) {
            if let Some(me) = self.me.upgrade() {
                wasm_bindgen_futures::spawn_local(async move { me.work().await });
            }
        }
    }

    async fn work(self: Rc<Self>) {
        loop {
            if self.closed.get() {
                self.jobs.borrow_mut().clear();
                break;
            }
            let next = self.jobs.borrow_mut().pop_front();
            let Some(job) = next else { break };
            match job {
                Job::Command(command) => self.command(command).await,
                Job::News(news) => self.news(news).await,
            }
        }
        self.working.set(false);
    }

    /// Reports one frame (unless closed).
    pub(super) fn emit(&self, event: ServerEvent) {
        if !self.closed.get() {
            (self.sink)(Signal::Frame(event.encode()));
        }
    }

    /// Closes this connection for good and says why (once).
    pub fn close(&self, reason: Option<String>) {
        if self.closed.replace(true) {
            return;
        }
        self.api.borrow().abort();
        if let Some(reason) = reason {
            (self.sink)(Signal::Closed { reason });
        }
    }

    /// A request failed: an unreachable homeserver (or a dead token) loses the
    /// connection; any other Matrix error is reported about `client_id`.
    pub(super) fn failed(&self, failure: ApiFailure, client_id: Option<String>) {
        match failure {
            ApiFailure::Unreachable(why) => {
                self.close(Some(format!("the Matrix homeserver cannot be reached: {why}")))
            }
            ApiFailure::Matrix { error, .. } if error.is_unknown_token() => {
                self.close(Some(format!("the homeserver ended the session: {error}")))
            }
            ApiFailure::Matrix { error, .. } => self.emit(ServerEvent::Error {
                code: error.code(),
                message: format!("the Matrix homeserver refused: {error}")
                    .chars()
                    .take(1000)
                    .collect(),
                client_id: client_id.map(Into::into),
            }),
        }
    }

    async fn command(&self, command: ClientCommand) {
        match command {
            ClientCommand::Hello { session_token, .. } => self.hello(session_token).await,
            ClientCommand::SendMessage {
                conversation_id,
                client_id,
                text,
                attachments,
                page_url,
                ..
            } => {
                let conversation_id = conversation_id.map(ConversationId::into_string);
                self.send_message(
                    conversation_id,
                    client_id.into_string(),
                    text,
                    attachments,
                    page_url,
                )
                .await
            }
            ClientCommand::CatchUp { conversation_id, after_seq } => {
                self.catch_up(&conversation_id, after_seq).await
            }
            ClientCommand::Typing { conversation_id, typing } => {
                self.visitor_typing(&conversation_id, typing).await
            }
            ClientCommand::MarkRead { conversation_id, up_to_seq } => {
                self.mark_read(&conversation_id, up_to_seq).await
            }
            ClientCommand::RequestTranscript { conversation_id, email } => {
                self.transcript(&conversation_id, &email).await
            }
            // The homeserver is asked by the long poll all the time; a ping proves the
            // session alive, and a dead long poll closes the connection on its own.
            ClientCommand::Ping { nonce } => self.emit(ServerEvent::Pong { nonce }),
        }
    }

    async fn hello(&self, token: Option<String>) {
        let mut api = self.api();
        let outcome = match token {
            Some(token) => {
                api.set_token(&token);
                whoami(&api).await.map(|user| (user, token))
            }
            None => register(&api, &self.shared.settings.registration_token).await,
        };
        match outcome {
            Ok((user, token)) => {
                api.set_token(&token);
                *self.api.borrow_mut() = api;
                *self.user_id.borrow_mut() = user.clone();
                self.emit(ServerEvent::Welcome {
                    session_token: token,
                    visitor_id: user,
                    team_available: true,
                    server_time: js_sys::Date::now() as i64,
                });
                if let Some(me) = self.me.upgrade() {
                    wasm_bindgen_futures::spawn_local(sync_loop::run(me));
                }
            }
            Err(SessionFailure::UnknownToken) => self.emit(ServerEvent::Error {
                code: ErrorCode::Unauthorized,
                message: "the homeserver does not know this session".into(),
                client_id: None,
            }),
            Err(SessionFailure::Refused(why)) => {
                if !self.shared.refusal_logged.replace(true) {
                    gloo::console::error!(format!(
                        "sitechat: the Matrix homeserver {} does not let visitors register: {why}. Fix sitechatSettings.transport.matrix (see docs/transports.md); the widget keeps retrying.",
                        self.shared.settings.homeserver
                    ));
                }
                self.emit(ServerEvent::Error {
                    code: ErrorCode::Unauthorized,
                    message: why.chars().take(1000).collect(),
                    client_id: None,
                });
            }
            Err(SessionFailure::Unreachable(why)) => {
                self.close(Some(format!("the Matrix homeserver cannot be reached: {why}")))
            }
        }
    }
}
